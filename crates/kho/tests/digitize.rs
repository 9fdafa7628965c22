//! Số hóa from the operator's side: a commune's hồ sơ scanned to files, `kho ingest` maps them
//! and refuses the bad ones, `kho worker` is killed with SIGKILL mid-work and another finishes
//! the batch with nothing lost or doubled, the PDF/A reads back, and `kho verify` finds a blob
//! damaged behind Kho's back.

use kho_blobs::object_store::ObjectStoreExt;
use kho_model::UnitKind;
use kho_model::digitization::OriginalKind;
use kho_store::Store;
use kho_store::test_support::catalogues;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages");

/// Where the blobs go: the local folder on SQLite (the embedded default), the real S3 server
/// (Garage) on PostgreSQL (the province's scale path).
struct Storage {
    env: Vec<(&'static str, String)>,
    blobs: kho_blobs::Blobs,
}

fn storage(label: &str, data: &Path) -> Storage {
    match kho_blobs::S3Config::test_server().filter(|_| label == "PostgreSQL") {
        Some(s3) => Storage {
            env: vec![
                ("KHO_S3_ENDPOINT", s3.endpoint.clone()),
                ("KHO_S3_BUCKET", s3.bucket.clone()),
                ("KHO_S3_REGION", s3.region.clone()),
                ("KHO_S3_ACCESS_KEY_ID", s3.access_key_id.clone()),
                ("KHO_S3_SECRET_ACCESS_KEY", s3.secret_access_key.clone()),
            ],
            blobs: kho_blobs::Blobs::s3(&s3, None).unwrap(),
        },
        None => Storage { env: vec![], blobs: kho_blobs::Blobs::open(&data.join("blobs"), None).unwrap() },
    }
}

fn command(url: &str, data: &Path, storage: &Storage, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kho"));
    command.args(args).env("KHO_DATABASE_URL", url).env("KHO_DATA_DIR", data).env("KHO_LOG", "warn");
    for (k, v) in &storage.env {
        command.env(k, v);
    }
    command
}

/// A commune's fonds with one 3-page hồ sơ (a land file: second in the plan's order) and one
/// permanent hồ sơ with a single page.
async fn commune(store: &Store) -> (String, String) {
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", UnitKind::Commune)).await.unwrap();
    let dossiers =
        [("15", "Hồ sơ giao đất ở tại bản Co Mận năm 2019", "05", "3"), ("16", "Báo cáo tình hình chỉnh lý tài liệu năm 2026", "01", "1")];
    let (_, made) = kho_store::test_support::fonds_with_dossiers(store, unit, "X27", &dossiers).await;
    let codes: Vec<String> = made.into_iter().map(|(_, code)| code).collect();
    (codes[0].clone(), codes[1].clone())
}

#[tokio::test]
async fn a_hồ_sơ_is_scanned_to_a_pdf_a_through_ingest_and_a_killed_worker() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let data = catalogue.dir().join("data");
        let (land, permanent) = commune(store).await;
        let url = catalogue.url.as_str();
        let mut storage = storage(catalogue.label, &data);
        // The digitizing body's key, as a PKCS#12 file (a PKCS#11 token is tested in kho-digitize).
        let pki_dir = catalogue.dir().join("pki");
        std::fs::create_dir_all(&pki_dir).unwrap();
        let pki = kho_digitize::testing::pki(&pki_dir);
        storage.env.push(("KHO_SIGN_P12", pki.p12.display().to_string()));
        storage.env.push(("KHO_SIGN_P12_PASSWORD", pki.password.to_string()));
        let kho = |url: &str, data: &Path, args: &[&str]| command(url, data, &storage, args).output().unwrap();
        let out = kho(url, &data, &["batch", "create", "--unit", "Xã Mường Ảng", "--name", "Lô 1", "--fonds", "X27"]);
        assert!(out.status.success(), "{}: {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
        let batch: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        let queue = store.batch_queue(&kho_model::access::Visibility::everything(), batch, None, 1000, None).await.unwrap().entries;
        assert_eq!(
            queue.iter().map(|q| (q.file_code.as_str(), q.reason.as_str())).collect::<Vec<_>>(),
            vec![(permanent.as_str(), "Bảo quản vĩnh viễn"), (land.as_str(), "Đất đai")]
        );
        assert_eq!(store.batch(batch).await.unwrap().original_kind, OriginalKind::Text);

        // The scanner's folder: the land hồ sơ as one 3-page TIFF named by its code, the permanent
        // one as văn bản 1; a file nobody named; a cut TIFF; a PNG calling itself JPEG.
        let scans = catalogue.dir().join("may-quet");
        std::fs::create_dir_all(scans.join("ngay-25")).unwrap();
        std::fs::copy(Path::new(PAGES).join("ho-so-3-trang.tif"), scans.join(format!("{land}.tif"))).unwrap();
        std::fs::copy(Path::new(PAGES).join("trang2-300dpi.png"), scans.join("ngay-25").join(format!("{permanent}.1.png"))).unwrap();
        std::fs::copy(Path::new(PAGES).join("trang3-300dpi.png"), scans.join("scan0001.png")).unwrap();
        // A name with CR/LF and a right-to-left override, as a hostile folder has it.
        std::fs::copy(Path::new(PAGES).join("trang3-300dpi.png"), scans.join("hóa-đơn\r\n\u{202e}gnp.png")).unwrap();
        let tiff = std::fs::read(Path::new(PAGES).join("trang2-200dpi.tif")).unwrap();
        std::fs::write(scans.join(format!("{permanent}.2.tif")), &tiff[..tiff.len() / 3]).unwrap();
        std::fs::copy(Path::new(PAGES).join("trang1-300dpi.png"), scans.join(format!("{permanent}.3.jpg"))).unwrap();
        let out = kho(url, &data, &["ingest", scans.to_str().unwrap(), "--batch", &batch.to_string()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{}: {stdout}", catalogue.label);
        assert!(stdout.contains("Đã nhận 2 tệp (4 trang)"), "{stdout}");
        assert!(stdout.contains("scan0001.png"), "the unmapped file is listed: {stdout}");
        assert!(stdout.contains("hóa-đơngnp.png") && !stdout.contains('\r') && !stdout.contains('\u{202e}'), "names made safe: {stdout}");
        let filter = kho_store::AuditFilter {
            action: Some("digitize.ingest".into()),
            outcome: Some("refused".into()),
            limit: 10,
            ..Default::default()
        };
        let (refusals, rows) = store.list_audit(&filter).await.unwrap();
        assert_eq!(refusals, 2, "{}: each refused file is in the audit trail", catalogue.label);
        assert!(rows.iter().all(|r| r.detail.as_deref().is_some_and(|d| d.contains("sha256"))));
        assert!(stdout.contains(&format!("Tệp “{permanent}.2.tif”: tệp hỏng hoặc không đầy đủ")), "{stdout}");
        assert!(stdout.contains(&format!("Tệp “{permanent}.3.jpg”: phần mở rộng .jpg nhưng nội dung là PNG")), "{stdout}");
        let again = kho(url, &data, &["ingest", scans.to_str().unwrap(), "--batch", &batch.to_string()]);
        assert!(String::from_utf8_lossy(&again.stdout).contains("Đã nhận 0 tệp (0 trang) vào lô số hóa"), "ingesting twice adds nothing");

        // A worker is killed with SIGKILL as soon as it has finished a page, mid-way through the batch.
        let mut worker = command(url, &data, &storage, &["worker", "--jobs", "1", "--lease", "3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            let counts = store.queue_counts(Some(batch)).await.unwrap();
            if counts.done >= 1 && counts.running >= 1 {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "{}: the worker never got going: {counts:?}", catalogue.label);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        worker.kill().unwrap();
        worker.wait().unwrap();
        let counts = store.queue_counts(Some(batch)).await.unwrap();
        assert!(counts.running >= 1 && counts.queued + counts.running > 0, "{}: killed mid-batch: {counts:?}", catalogue.label);

        // Another worker finishes the batch, taking up the dead worker's job once its lease runs out.
        let out = kho(url, &data, &["worker", "--jobs", "2", "--lease", "3", "--until-idle"]);
        assert!(out.status.success(), "{}: {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
        let counts = store.queue_counts(Some(batch)).await.unwrap();
        assert_eq!((counts.queued, counts.running, counts.failed), (0, 0, 0), "{}: {counts:?}", catalogue.label);
        let progress = store.batch_progress(&kho_model::access::Visibility::everything(), batch).await.unwrap();
        assert_eq!((progress.pages, progress.pages_done, progress.dossiers_done), (4, 4, 2), "{}: {progress:?}", catalogue.label);

        let land_id = store.dossier_by_code(&land).await.unwrap().id;
        let renditions = store.renditions(land_id).await.unwrap();
        assert_eq!(renditions.len(), 1, "{}: one PDF/A for the hồ sơ, no duplicate", catalogue.label);
        assert_eq!(
            (renditions[0].file_name.as_str(), renditions[0].pages, renditions[0].standard.as_str()),
            (format!("{land}.pdf").as_str(), 3, "PDF/A-2b")
        );
        let permanent_id = store.dossier_by_code(&permanent).await.unwrap().id;
        assert_eq!(store.renditions(permanent_id).await.unwrap()[0].file_name, format!("{permanent}.1.pdf"), "named by văn bản");
        let blobs = &storage.blobs;
        let pdf = blobs.get(&renditions[0].blob, false, &renditions[0].sha256).await.unwrap();
        let path = catalogue.dir().join("ho-so.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let report = pki.pdfsig(&path);
        assert!(report.contains("Signature is Valid.") && report.contains("Certificate is Trusted."), "{report}");
        assert!(renditions[0].signed, "recorded as signed");
        let text = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Luật Đất đai") && text.contains("Quàng Văn Thuận"), "{text}");
        // The text layer is the document's, in reading order: it starts with the page's first
        // line; the signature block is drawn, not written.
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
        assert!(first.contains("BAN NHÂN DÂN XÃ MƯỜNG"), "the page's first line comes first: {text}");
        assert!(!text.contains("Ký bởi") && !text.contains("Thời gian ký"), "no signature words in the text layer: {text}");
        let page_text = store.dossier_pages(land_id).await.unwrap()[0].ocr_text.clone().unwrap();
        assert!(page_text.contains("Giao đất ở cho ông Lò Văn Thưởng"), "OCR text kept per page for search: {page_text}");

        // The batch's signed copies, taken out whole with their manifest; an interrupted export resumes.
        let out_dir = catalogue.dir().join("xuat");
        let batch_arg = batch.to_string();
        let out = kho(url, &data, &["batch", "export", &batch_arg, "--to", out_dir.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success() && said.contains("2 tệp mới, 0 tệp đã có"), "{}: {said}", catalogue.label);
        let exported = std::fs::read(out_dir.join(format!("{land}.pdf"))).unwrap();
        assert_eq!(exported, pdf, "{}: the signed PDF/A itself", catalogue.label);
        let manifest = std::fs::read_to_string(out_dir.join("manifest.csv")).unwrap();
        assert!(manifest.contains(&format!("{land}.pdf,{land},3,{},", renditions[0].sha256)), "{manifest}");
        assert!(manifest.contains(&format!("{permanent}.1.pdf,{permanent},1,")) && manifest.lines().count() == 3, "{manifest}");
        std::fs::remove_file(out_dir.join(format!("{permanent}.1.pdf"))).unwrap();
        let out = kho(url, &data, &["batch", "export", &batch_arg, "--to", out_dir.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success() && said.contains("1 tệp mới, 1 tệp đã có"), "{}: resumed: {said}", catalogue.label);

        // Fixity: all whole; then one page image is damaged on disk and `kho verify` names it.
        let out = kho(url, &data, &["verify"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Tất cả nguyên vẹn."));
        let damaged = &renditions[0].blob;
        let mut bytes = pdf.clone();
        bytes[1000] ^= 0xFF;
        blobs.objects().put(&kho_blobs::Blobs::location(damaged), bytes.into()).await.unwrap();
        if storage.env.is_empty() {
            assert!(data.join("blobs").join(kho_blobs::Blobs::location(damaged).as_ref()).exists(), "a local folder by default");
        }
        let out = kho(url, &data, &["verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{stdout}");
        assert!(stdout.contains(&format!("HỎNG  {damaged}  bản PDF/A {land}.pdf")), "{stdout}");
    }
}

/// The hostile corpus (`kho_digitize::hostile`) in a scanner's folder, each file named by the
/// hồ sơ it claims to be: `kho ingest` refuses every one with its name and reason, stores
/// nothing, audits each refusal, and says so in its exit code.
#[tokio::test]
async fn kho_ingest_refuses_the_hostile_corpus_file_by_file() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let data = catalogue.dir().join("data");
        let (land, _) = commune(store).await;
        let url = catalogue.url.as_str();
        let storage = Storage { env: vec![], blobs: kho_blobs::Blobs::open(&data.join("blobs"), None).unwrap() };
        let kho = |args: &[&str]| command(url, &data, &storage, args).output().unwrap();
        let out = kho(&["batch", "create", "--unit", "Xã Mường Ảng", "--name", "Lô 1", "--fonds", "X27"]);
        assert!(out.status.success(), "{}: {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
        let batch = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let scans = catalogue.dir().join("may-quet");
        std::fs::create_dir_all(&scans).unwrap();
        // Archives are unpacked by the web upload only; a scanner's folder holds scans.
        let corpus: Vec<_> = kho_digitize::hostile::corpus().into_iter().filter(|h| !h.as_scan.is_empty()).collect();
        let mut names = vec![];
        for (i, hostile) in corpus.iter().enumerate() {
            let extension = hostile.name.rsplit_once('.').unwrap().1;
            let name = format!("{land}.{}.{extension}", i + 1);
            std::fs::write(scans.join(&name), &hostile.bytes).unwrap();
            names.push(name);
        }
        let out = kho(&["ingest", scans.to_str().unwrap(), "--batch", &batch]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{}: {stdout}", catalogue.label);
        assert!(stdout.contains("Đã nhận 0 tệp (0 trang)"), "{stdout}");
        for (name, hostile) in names.iter().zip(&corpus) {
            assert!(
                stdout.lines().any(|l| l.contains(&format!("Tệp “{name}”")) && l.contains(hostile.as_scan)),
                "{}: {name} ({}) refused for “{}”: {stdout}",
                catalogue.label,
                hostile.what,
                hostile.as_scan
            );
        }
        let filter = kho_store::AuditFilter {
            action: Some("digitize.ingest".into()),
            outcome: Some("refused".into()),
            limit: 1,
            ..Default::default()
        };
        assert_eq!(store.list_audit(&filter).await.unwrap().0 as usize, corpus.len(), "{}: every refusal audited", catalogue.label);
        let stored = std::fs::read_dir(data.join("blobs")).map(|d| d.count()).unwrap_or(0);
        assert_eq!(stored, 0, "{}: nothing stored", catalogue.label);
    }
}
