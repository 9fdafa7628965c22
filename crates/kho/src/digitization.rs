//! The số hóa commands: batches, `kho ingest` (a scanner's output folder into a batch),
//! `kho worker` (the production line) and `kho verify` (fixity of every blob).

use crate::progress::Progress;
use anyhow::{Context, Result, bail};
use kho_blobs::Blobs;
use kho_digitize::ingest::{self, BatchCodes, IngestError, Taken};
use kho_digitize::intake::Limits;
use kho_store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Creates a batch for a unit with the hồ sơ of one fonds (or the codes given).
pub async fn create_batch(
    store: &Store,
    unit: &str,
    name: &str,
    kind: &str,
    fonds: Option<&str>,
    codes: &[String],
    by: &str,
) -> Result<i64> {
    let kind = kho_model::digitization::OriginalKind::from_code(kind)
        .with_context(|| format!("loại tài liệu gốc “{kind}”; chọn một trong: {}", kho_model::digitization::OriginalKind::choices()))?;
    let unit_id = *crate::accounts::resolve_units(store, &[unit.to_string()]).await?.iter().next().context("đơn vị")?;
    let mut ids = vec![];
    if let Some(code) = fonds {
        let fonds = store.fonds_by_code(code).await.with_context(|| format!("không có phông mã {code}"))?;
        ids.extend(store.fonds_dossiers_to_digitize(fonds.id).await?);
    }
    for code in codes {
        ids.push(store.dossier_by_code(code).await.with_context(|| format!("không có hồ sơ mã {code}"))?.id);
    }
    if ids.is_empty() {
        bail!("lô số hóa cần ít nhất một hồ sơ: dùng --fonds MÃ_PHÔNG hoặc --ho-so MÃ_HỒ_SƠ");
    }
    let batch = store.create_batch(unit_id, name, kind, by).await?;
    ingest::add_to_batch(store, batch, &ids).await?;
    Ok(batch)
}

/// A manifest: `tệp,mã hồ sơ,STT` (header row; STT empty for the whole hồ sơ).
fn read_manifest(path: &Path) -> Result<HashMap<String, (String, Option<u32>)>> {
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).from_path(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let mut map = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}, dòng {}", path.display(), i + 2))?;
        let file = record.get(0).unwrap_or_default().trim().to_string();
        let code = record.get(1).unwrap_or_default().trim().to_string();
        let ordinal = match record.get(2).map(str::trim).filter(|s| !s.is_empty()) {
            Some(n) => Some(n.parse::<u32>().with_context(|| format!("{}, dòng {}: STT “{n}” không phải số", path.display(), i + 2))?),
            None => None,
        };
        if file.is_empty() || code.is_empty() {
            bail!("{}, dòng {}: cần tên tệp và mã hồ sơ", path.display(), i + 2);
        }
        map.insert(file, (code, ordinal));
    }
    Ok(map)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("không đọc được thư mục {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            out.push(path);
        }
    }
    Ok(())
}

/// A path as shown and matched: the one display-name function, segment by segment, so a
/// scanner's folder with CR/LF, NFD or right-to-left overrides in its names prints none of them.
fn shown(path: &str) -> String {
    path.split(['/', '\\'])
        .map(|part| kho_model::text::file_name("file", part).unwrap_or_else(|_| "?".into()))
        .collect::<Vec<_>>()
        .join("/")
}

/// `kho ingest DIR --batch N`: every file (and every file in a zip) mapped to its hồ sơ by its
/// TT05 name or the manifest, checked, stored and queued; what could not be mapped or was
/// refused is listed at the end, and the exit code says so.
pub async fn ingest(store: &Store, blobs: &Blobs, dir: &Path, batch: i64, manifest: Option<&Path>, by: &str) -> Result<ExitCode> {
    store.batch(batch).await.with_context(|| format!("không có lô số hóa số {batch}"))?;
    // The console is the root of trust (it holds the data folder): it sees every hồ sơ.
    let codes = BatchCodes::load(store, batch, &kho_model::access::Visibility::everything()).await?;
    let manifest = manifest.map(read_manifest).transpose()?.unwrap_or_default();
    let mut files = vec![];
    walk(dir, &mut files)?;
    files.sort();
    let limits = Limits::default();
    let (mut taken, mut again, mut pages) = (0, 0, 0u64);
    let mut unmapped: Vec<String> = vec![];
    let mut refused: Vec<String> = vec![];
    let mut progress = Progress::new("Nhận tệp quét", files.len() as u64);
    for path in files {
        let display = shown(&path.strip_prefix(dir).unwrap_or(&path).to_string_lossy());
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                refused.push(format!("Tệp “{display}”: không đọc được ({e})."));
                progress.tick();
                continue;
            }
        };
        let entries = if display.to_lowercase().ends_with(".zip") {
            match kho_digitize::intake::unzip(&display, &bytes, &limits) {
                Ok(entries) => entries.into_iter().map(|(name, b)| (format!("{display}/{}", shown(&name)), shown(&name), b)).collect(),
                Err(e) => {
                    refused.push(e.to_string());
                    progress.tick();
                    continue;
                }
            }
        } else {
            vec![(display.clone(), display.clone(), bytes)]
        };
        for (shown, name, bytes) in entries {
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            let target = match manifest.get(&base).or_else(|| manifest.get(&name)) {
                Some((code, ordinal)) => codes.dossiers.get(&kho_model::ids::file_stem(code)).map(|d| (*d, *ordinal)),
                None => codes.target(None, &base),
            };
            let Some((dossier, ordinal)) = target else {
                unmapped.push(shown);
                continue;
            };
            let (size, sha256) = (bytes.len(), kho_blobs::sha256_hex(&bytes));
            match ingest::take(store, blobs, &limits, batch, dossier, ordinal, &shown, bytes.into(), by).await {
                Ok(Taken::New { pages: n, .. }) => {
                    taken += 1;
                    pages += u64::from(n);
                }
                Ok(Taken::Again { .. }) => again += 1,
                Err(IngestError::Refused(r)) => {
                    // Every refusal in the trail: who, where, the name as shown, size, SHA-256, why.
                    store
                        .audit(kho_store::AuditEvent {
                            actor_name: by.to_string(),
                            action: "digitize.ingest".into(),
                            resource_kind: "file".into(),
                            outcome: "refused".into(),
                            address: Some("console".into()),
                            detail: Some(format!("lô {batch}; “{shown}”; {size} byte; sha256 {sha256}; {}", r.refusal)),
                            ..Default::default()
                        })
                        .await?;
                    refused.push(r.to_string());
                }
                Err(e) => return Err(e.into()),
            }
        }
        progress.tick();
    }
    progress.finish();
    println!("Đã nhận {taken} tệp ({pages} trang) vào lô số hóa {batch}; {again} tệp đã có từ trước.");
    if !unmapped.is_empty() {
        println!("Không xác định được hồ sơ cho {} tệp (đặt tên <mã hồ sơ>.<STT> hoặc ghi vào tệp danh sách):", unmapped.len());
        for name in &unmapped {
            println!("  {name}");
        }
    }
    if !refused.is_empty() {
        println!("Không nhận {} tệp:", refused.len());
        for reason in &refused {
            println!("  {reason}");
        }
    }
    Ok(if unmapped.is_empty() && refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// `kho worker`: runs `jobs` claim loops until stopped (Ctrl-C, SIGTERM) or, with
/// `until_idle`, until the queue is empty; a progress bar follows the queue.
pub async fn worker(
    store: Store,
    blobs: Blobs,
    jobs: usize,
    until_idle: bool,
    config: kho_digitize::worker::WorkerConfig,
) -> Result<ExitCode> {
    let worker = Arc::new(kho_digitize::worker::Worker::new(store.clone(), blobs, config));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        let _ = stop_tx.send(true);
    });
    // The bar follows the whole queue (other workers' jobs count too): done or failed of all.
    let finished_of = |c: &kho_store::QueueCounts| ((c.done + c.failed) as u64, (c.queued + c.running + c.done + c.failed) as u64);
    let (finished, all) = finished_of(&store.queue_counts(None).await?);
    let mut progress = Progress::new("Xử lý số hóa", all);
    progress.set(finished, all);
    let reporter = {
        let store = store.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                if let Ok(counts) = store.queue_counts(None).await {
                    let (finished, all) = finished_of(&counts);
                    progress.set(finished, all);
                }
            }
        })
    };
    let done = worker.run(jobs, until_idle, stop_rx).await?;
    reporter.abort();
    eprintln!();
    let counts = store.queue_counts(None).await?;
    println!(
        "Đã làm {done} việc. Hàng đợi: {} chờ, {} đang làm, {} xong, {} lỗi.",
        counts.queued, counts.running, counts.done, counts.failed
    );
    Ok(ExitCode::SUCCESS)
}

/// `kho batch export N --to DIR`: every signed PDF/A of a batch into a folder, one file per hồ sơ
/// (or văn bản) named as TT 05/2025 names it, with `manifest.csv` (mã hồ sơ, pages, SHA-256,
/// size, signed, time of signing). A file already there with the right SHA-256 is kept, so an
/// interrupted export resumes; files are written whole (a temporary name, then renamed). Copies
/// of classified records are not exported to a folder: they are named, and left in the enclave.
pub async fn export(store: &Store, blobs: &Blobs, batch: i64, to: &std::path::Path) -> Result<ExitCode> {
    use kho_digitize::export::{MANIFEST_HEADER, Names, copies, manifest_line};
    store.batch(batch).await.with_context(|| format!("không có lô số hóa {batch}"))?;
    std::fs::create_dir_all(to).with_context(|| format!("không tạo được thư mục {}", to.display()))?;
    let everything = kho_model::access::Visibility::everything();
    // The batch's tallies know how many copies there are before the first is read.
    let total = store.batch_progress(&everything, batch).await?.renditions;
    let mut progress = Progress::new("Xuất bản PDF/A", total as u64);
    let (mut written, mut kept, mut withheld) = (0u64, 0u64, vec![]);
    let mut manifest = String::from(MANIFEST_HEADER);
    let (mut names, mut after) = (Names::default(), None);
    loop {
        let (page, next) = copies(store, &everything, batch, after).await?;
        for copy in &page {
            progress.tick();
            let name = names.unique(copy);
            manifest.push_str(&manifest_line(copy, &name));
            let rendition = &copy.rendition;
            if copy.withheld() {
                withheld.push(name);
                continue;
            }
            let path = to.join(&name);
            let whole = std::fs::read(&path).map(|bytes| kho_blobs::sha256_hex(&bytes) == rendition.sha256).unwrap_or(false);
            if whole {
                kept += 1;
                continue;
            }
            let bytes = blobs.get(&rendition.blob, false, &rendition.sha256).await.with_context(|| format!("không đọc được {name}"))?;
            let partial = to.join(format!(".{name}.dang-ghi"));
            std::fs::write(&partial, &bytes).with_context(|| format!("không ghi được {}", partial.display()))?;
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, &path)?;
            written += 1;
        }
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    progress.finish();
    let listing = to.join("manifest.csv");
    std::fs::write(&listing, manifest).with_context(|| format!("không ghi được {}", listing.display()))?;
    println!(
        "Đã xuất {} bản PDF/A của lô {batch} vào {} ({written} tệp mới, {kept} tệp đã có); bảng kê: manifest.csv",
        written + kept,
        to.display()
    );
    for name in &withheld {
        println!("KHÔNG XUẤT  {name}: tài liệu mật, chỉ lấy ra trong mạng LAN độc lập");
    }
    Ok(ExitCode::SUCCESS)
}
