//! `kho bench ocr`: the số hóa line on the rendered test pages, beside its baselines, on three
//! sets: the clean pages; the degraded set made from them (`kho_digitize::testing::degraded`:
//! yellowed paper, a red seal, a known skew of either sign, blur, noise, JPEG q60, each with the
//! clean page's ground truth); and that degraded set as one multi-page scanner PDF. Each page
//! goes through Kho as in production (a batch, ingest, `Worker` claim loops, signed two-layer
//! PDF/A), with 1 and then 2 workers; the PDF's text layer (pdftotext) is compared with the
//! ground truth. On the same pages: raw `tesseract -l vie` (1 and 2 processes) and, when
//! installed, OCRmyPDF `--deskew --rotate-pages --output-type pdfa-2 -l vie`. Prints figures;
//! asserts nothing.

use anyhow::{Context, Result, bail};
use kho_model::UnitKind;
use kho_model::digitization::OriginalKind;
use kho_model::record::{DossierInput, FondsInput, InventoryInput};
use kho_store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;
use unicode_normalization::UnicodeNormalization;

/// A page and what it says.
struct Page {
    path: PathBuf,
    truth: String,
}

/// The degraded set, written under `out`: every clean 300 dpi page of `clean` turned by each of
/// the known skews, with its ground truth beside it.
fn degraded_pages(clean: &[Page], out: &Path) -> Result<Vec<Page>> {
    std::fs::create_dir_all(out)?;
    let mut set = vec![];
    for page in clean.iter().filter(|p| p.path.to_string_lossy().ends_with("-300dpi.png")) {
        let bytes = std::fs::read(&page.path)?;
        let image = kho_digitize::intake::decode_page(kho_digitize::intake::Format::Png, &bytes, 1, &Default::default())
            .map_err(|e| anyhow::anyhow!("{}: {e}", page.path.display()))?;
        let stem = page.path.file_stem().unwrap_or_default().to_string_lossy().replace("-300dpi", "");
        for skew in kho_digitize::testing::DEGRADED_SKEWS {
            let path = out.join(format!("{stem}-lech{skew:+.1}.jpg"));
            if !path.exists() {
                std::fs::write(&path, kho_digitize::testing::degraded(&image.image, 300, skew))?;
            }
            set.push(Page { path, truth: page.truth.clone() });
        }
    }
    if set.is_empty() {
        bail!("không có trang sạch 300 dpi (…-300dpi.png) để làm bộ trang suy giảm");
    }
    Ok(set)
}

fn pages(dir: &Path) -> Result<Vec<Page>> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).with_context(|| format!("không đọc được {}", dir.display()))? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !["png", "jpg", "tif"].contains(&ext) || path.file_stem().is_some_and(|s| s.to_string_lossy().starts_with("ho-so")) {
            continue;
        }
        let truth = path.with_extension("txt");
        if let Ok(truth) = std::fs::read_to_string(&truth) {
            out.push(Page { path, truth });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    if out.is_empty() {
        bail!("{} không có trang nào kèm tệp .txt chữ đúng", dir.display());
    }
    Ok(out)
}

fn normalise(text: &str) -> Vec<char> {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ").chars().collect()
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != cb)).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// (character errors, of which only tone or vowel marks, characters of truth).
fn errors(truth: &str, read: &str) -> (usize, usize, usize) {
    let (t, r) = (normalise(truth), normalise(read));
    let all = levenshtein(&t, &r);
    let folded = levenshtein(&normalise(&kho_model::text::fold(truth)), &normalise(&kho_model::text::fold(read)));
    (all, all.saturating_sub(folded), t.len())
}

#[derive(Default)]
struct Score {
    errors: usize,
    diacritics: usize,
    chars: usize,
    bytes: u64,
    pages: usize,
}

impl Score {
    fn add(&mut self, truth: &str, read: &str, bytes: u64) {
        let (e, d, n) = errors(truth, read);
        self.errors += e;
        self.diacritics += d;
        self.chars += n;
        self.bytes += bytes;
        self.pages += 1;
    }

    fn cer(&self) -> f64 {
        100.0 * self.errors as f64 / self.chars.max(1) as f64
    }

    fn diacritic_rate(&self) -> f64 {
        100.0 * self.diacritics as f64 / self.chars.max(1) as f64
    }
}

fn pdftotext(pdf: &Path) -> Result<String> {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().context("pdftotext (gói poppler-utils)")?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Starts the process's peak resident memory (VmHWM) again from its current size.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0.0);
    kib / 1024.0
}

/// Runs tesseract on a page, watching its peak resident memory (VmHWM) while it runs: the
/// rusage of a child started by vfork reports the parent's memory, not the child's.
fn tesseract_text(path: &Path) -> Result<(String, f64)> {
    let mut child = Command::new("tesseract")
        .arg(path)
        .args(["stdout", "-l", "vie"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("tesseract (gói tesseract-ocr, tesseract-ocr-vie)")?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().context("stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let mut peak_kib = 0.0f64;
    while child.try_wait()?.is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kib) =
                status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Ok((reader.join().unwrap_or_default(), peak_kib / 1024.0))
}

/// A scanner's file for one hồ sơ: its name, bytes, pages and what they say.
struct Scan {
    name: String,
    bytes: Vec<u8>,
    pages: usize,
    truth: String,
}

impl Scan {
    fn of(page: &Page) -> Result<Scan> {
        let name = page.path.file_name().unwrap_or_default().to_string_lossy().to_string();
        Ok(Scan { name, bytes: std::fs::read(&page.path)?, pages: 1, truth: page.truth.clone() })
    }
}

/// Kho end to end with `workers` claim loops, one hồ sơ per scan: (seconds, score).
async fn kho_run(scans: &[Scan], workers: usize, scratch: &Path) -> Result<(f64, Score)> {
    let dir = scratch.join(format!("kho-{workers}"));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open_embedded(&dir).await?;
    let blobs = kho_blobs::Blobs::open(&dir.join("blobs"), None)?;
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã đo hiệu năng", UnitKind::Commune)).await?;
    let fonds = FondsInput { code: "X99".into(), name: "Phông đo".into(), unit_id: unit.to_string(), ..Default::default() };
    let fonds = store.create_fonds(&fonds.parse()?).await?;
    let inventory = store
        .create_inventory(fonds, &InventoryInput { number: "1".into(), title: "Mục lục".into(), ..Default::default() }.parse()?)
        .await?;
    let (_, _, context) = store.dossier_context(inventory).await?;
    let batch = store.create_batch(unit, "Lô đo", OriginalKind::Text, "bench").await?;
    let mut expected = vec![];
    for (i, scan) in scans.iter().enumerate() {
        let input = DossierInput {
            notation: format!("{}", i + 1),
            title: format!("Hồ sơ đo {i}"),
            maintenance: "06".into(),
            mode: "01".into(),
            start_date: "2019".into(),
            end_date: "2019".into(),
            total_doc: "1".into(),
            number_of_page: scan.pages.to_string(),
            ..Default::default()
        };
        let id = store.create_dossier(inventory, &input.parse(&context)?).await?;
        store.add_to_batch(batch, &[(id, 7, "đo")]).await?;
        let bytes = scan.bytes.clone().into();
        kho_digitize::ingest::take(&store, &blobs, &Default::default(), batch, (id, false), None, &scan.name, bytes, "bench").await?;
        expected.push((id, scan.truth.clone()));
    }
    let worker = Arc::new(kho_digitize::worker::Worker::new(store.clone(), blobs.clone(), Default::default()));
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    worker.run(workers, true, stopped).await?;
    let seconds = started.elapsed().as_secs_f64();
    let mut score = Score::default();
    for (id, truth) in expected {
        let rendition = store.renditions(id).await?.into_iter().next().context("a page without its PDF/A (see kho worker's log)")?;
        let pdf = blobs.get(&rendition.blob, false, &rendition.sha256).await?;
        let path = dir.join("out.pdf");
        std::fs::write(&path, &pdf)?;
        score.add(&truth, &pdftotext(&path)?, pdf.len() as u64 / rendition.pages.max(1) as u64);
    }
    store.close().await;
    Ok((seconds, score))
}

/// Runs `make(page)` over every page, `parallel` at a time: (seconds, outputs in page order).
fn parallel_run<T: Send>(items: &[&Page], parallel: usize, make: impl Fn(&Page, usize) -> Result<T> + Sync) -> Result<(f64, Vec<T>)> {
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, T)>> = std::sync::Mutex::new(vec![]);
    let failure: std::sync::Mutex<Option<anyhow::Error>> = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(page) = items.get(i) else { break };
                    match make(page, i) {
                        Ok(v) => results.lock().expect("lock").push((i, v)),
                        Err(e) => {
                            *failure.lock().expect("lock") = Some(e);
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("lock") {
        return Err(e);
    }
    let mut out = results.into_inner().expect("lock");
    out.sort_by_key(|(i, _)| *i);
    Ok((started.elapsed().as_secs_f64(), out.into_iter().map(|(_, v)| v).collect()))
}

/// (seconds, score, peak memory of one tesseract process in MiB).
fn tesseract_run(items: &[&Page], parallel: usize) -> Result<(f64, Score, f64)> {
    let (seconds, texts) = parallel_run(items, parallel, |page, _| tesseract_text(&page.path))?;
    let mut score = Score::default();
    let mut peak = 0.0f64;
    for (page, (text, mib)) in items.iter().zip(texts) {
        score.add(&page.truth, &text, 0);
        peak = peak.max(mib);
    }
    Ok((seconds, score, peak))
}

/// OCRmyPDF as a careful user runs it on scans: straightened, turned upright, PDF/A-2.
fn ocrmypdf(input: &Path, output: &Path, jobs: usize) -> Result<()> {
    let status = Command::new("ocrmypdf")
        .args(["-l", "vie", "--deskew", "--rotate-pages", "--output-type", "pdfa-2", "--jobs", &jobs.to_string(), "-q"])
        .arg(input)
        .arg(output)
        .env("OMP_THREAD_LIMIT", "1")
        .status()?;
    if !status.success() {
        bail!("ocrmypdf dừng lỗi với {}", input.display());
    }
    Ok(())
}

fn ocrmypdf_run(items: &[&Page], parallel: usize, scratch: &Path) -> Result<(f64, Score)> {
    let (seconds, outputs) = parallel_run(items, parallel, |page, i| {
        let out = scratch.join(format!("ocrmypdf-{parallel}-{i}.pdf"));
        ocrmypdf(&page.path, &out, 1)?;
        Ok(out)
    })?;
    let mut score = Score::default();
    for (page, pdf) in items.iter().zip(outputs) {
        score.add(&page.truth, &pdftotext(&pdf)?, std::fs::metadata(&pdf)?.len());
    }
    Ok((seconds, score))
}

fn has_ocrmypdf() -> bool {
    Command::new("ocrmypdf").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn row(label: &str, seconds: f64, pages: usize, score: &Score, bytes: bool) {
    let per_page =
        if bytes && score.pages > 0 { format!("{:.0} KiB", score.bytes as f64 / score.pages as f64 / 1024.0) } else { "—".into() };
    println!(
        "| {label} | {:.1} s | {:.2} | {:.2} % | {:.2} % | {per_page} |",
        seconds,
        pages as f64 / seconds,
        score.cer(),
        score.diacritic_rate()
    );
}

/// The run with the median time of `repeat`, and the fastest and slowest times.
fn median<T>(mut runs: Vec<(f64, T)>) -> (f64, T, f64, f64) {
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (fastest, slowest) = (runs[0].0, runs[runs.len() - 1].0);
    let (seconds, value) = runs.swap_remove(runs.len() / 2);
    (seconds, value, fastest, slowest)
}

fn spread(pages: usize, fastest: f64, slowest: f64, repeat: usize) -> String {
    if repeat > 1 {
        format!(" (trung vị {repeat} lần; {:.2}–{:.2} trang/giây)", pages as f64 / slowest, pages as f64 / fastest)
    } else {
        String::new()
    }
}

pub async fn ocr(dir: &Path, rounds: usize, repeat: usize, scratch: &Path) -> Result<()> {
    let clean = pages(dir)?;
    std::fs::create_dir_all(scratch)?;
    let degraded = degraded_pages(&clean, &scratch.join("suy-giam"))?;
    println!("Kho bench ocr, {} nhân CPU", num_cpus());
    let skews = kho_digitize::testing::DEGRADED_SKEWS.map(|s| format!("{s:+.1}°")).join(", ");
    table(&format!("Trang sạch ({} trang mẫu)", clean.len()), &clean, rounds, repeat, scratch).await?;
    let title = format!("Trang suy giảm ({} trang: giấy ố vàng, dấu đỏ, lệch {skews}, mờ, nhiễu, JPEG q60)", degraded.len());
    table(&title, &degraded, 1, repeat, scratch).await?;
    multi_page_pdf(&degraded, scratch).await?;
    println!("CER: lỗi ký tự / số ký tự của chữ đúng, sau NFC và gộp khoảng trắng; lỗi dấu: phần lỗi biến mất khi bỏ dấu (và chữ hoa).");
    Ok(())
}

/// One set of pages through Kho, tesseract and OCRmyPDF: a table.
async fn table(title: &str, pages: &[Page], rounds: usize, repeat: usize, scratch: &Path) -> Result<()> {
    let items: Vec<&Page> = (0..rounds).flat_map(|_| pages.iter()).collect();
    let scans = items.iter().map(|p| Scan::of(p)).collect::<Result<Vec<_>>>()?;
    let repeat = repeat.max(1);
    println!();
    println!("{title}: {} trang ({rounds} lượt)", items.len());
    println!("| cách làm | thời gian | trang/giây | CER | lỗi dấu | byte/trang |");
    println!("|---|---|---|---|---|---|");
    // Runs interleave (Kho 1, Kho 2, tesseract 1, tesseract 2, then again) so that a slower
    // spell of the machine falls on every row alike.
    let (mut kho_runs, mut tesseract_runs) = ([vec![], vec![]], [vec![], vec![]]);
    let (mut kho_peak, mut tesseract_peak) = ([0.0f64; 2], 0.0f64);
    for _ in 0..repeat {
        for workers in [1, 2] {
            reset_peak_rss();
            kho_runs[workers - 1].push(kho_run(&scans, workers, scratch).await?);
            kho_peak[workers - 1] = kho_peak[workers - 1].max(peak_rss_mib());
        }
        for parallel in [1, 2] {
            let (seconds, score, peak) = tesseract_run(&items, parallel)?;
            tesseract_peak = tesseract_peak.max(peak);
            tesseract_runs[parallel - 1].push((seconds, score));
        }
    }
    for (i, runs) in kho_runs.into_iter().enumerate() {
        let (seconds, score, fastest, slowest) = median(runs);
        let label = format!("Kho, {} worker (PDF/A-2b hai lớp, ký số){}", i + 1, spread(items.len(), fastest, slowest, repeat));
        row(&label, seconds, items.len(), &score, true);
        println!("|  bộ nhớ đỉnh của tiến trình Kho trong lượt: {:.0} MiB | | | | | |", kho_peak[i]);
    }
    for (i, runs) in tesseract_runs.into_iter().enumerate() {
        let (seconds, score, fastest, slowest) = median(runs);
        let label = format!("tesseract -l vie, {} tiến trình (chỉ chữ){}", i + 1, spread(items.len(), fastest, slowest, repeat));
        row(&label, seconds, items.len(), &score, false);
    }
    println!(
        "|  bộ nhớ đỉnh của một tiến trình tesseract: {tesseract_peak:.0} MiB (Kho chạy một tiến trình như vậy cho mỗi trang) | | | | | |"
    );
    if has_ocrmypdf() {
        for parallel in [1, 2] {
            let (seconds, score) = ocrmypdf_run(&items, parallel, scratch)?;
            row(
                &format!("OCRmyPDF --deskew --rotate-pages --output-type pdfa-2, {parallel} tiến trình"),
                seconds,
                items.len(),
                &score,
                true,
            );
        }
    } else {
        println!("(OCRmyPDF không có trên máy: pip install ocrmypdf và apt install ghostscript để so sánh)");
    }
    Ok(())
}

/// The degraded set as one scanner PDF (each page its JPEG): Kho (one hồ sơ, two workers)
/// against OCRmyPDF with two jobs.
async fn multi_page_pdf(pages: &[Page], scratch: &Path) -> Result<()> {
    let jpegs = pages.iter().map(|p| std::fs::read(&p.path)).collect::<std::io::Result<Vec<_>>>()?;
    let pdf = kho_digitize::testing::scanner_pdf(&jpegs, 300);
    let truth = pages.iter().map(|p| p.truth.as_str()).collect::<Vec<_>>().join("\n");
    let path = scratch.join("may-quet-nhieu-trang.pdf");
    std::fs::write(&path, &pdf)?;
    println!();
    println!("Một tệp PDF nhiều trang của máy quét ({} trang suy giảm, {:.1} MB)", pages.len(), pdf.len() as f64 / 1048576.0);
    println!("| cách làm | thời gian | trang/giây | CER | lỗi dấu | byte/trang |");
    println!("|---|---|---|---|---|---|");
    let scan = Scan { name: "may-quet-nhieu-trang.pdf".into(), bytes: pdf, pages: pages.len(), truth: truth.clone() };
    let (seconds, score) = kho_run(std::slice::from_ref(&scan), 2, scratch).await?;
    row("Kho, 2 worker (PDF/A-2b hai lớp, ký số)", seconds, pages.len(), &score, true);
    if has_ocrmypdf() {
        let out = scratch.join("ocrmypdf-nhieu-trang.pdf");
        let started = Instant::now();
        ocrmypdf(&path, &out, 2)?;
        let seconds = started.elapsed().as_secs_f64();
        let mut score = Score::default();
        score.add(&truth, &pdftotext(&out)?, std::fs::metadata(&out)?.len() / pages.len().max(1) as u64);
        row("OCRmyPDF --deskew --rotate-pages, --jobs 2", seconds, pages.len(), &score, true);
    }
    Ok(())
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
