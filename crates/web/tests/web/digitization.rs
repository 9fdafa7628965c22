//! Số hóa in the browser's terms: an archivist makes a batch from a fonds, sees why each hồ sơ
//! stands where it does and moves one with a reason, uploads scans (a good one, a bad one, one
//! nobody can map), watches the progress as a worker reads the pages, and downloads the PDF/A
//! from the hồ sơ's page. Another commune's clerk sees none of it.

use crate::common;

use common::{App, apps};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;
use std::path::Path;

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages");

async fn commune_fonds(app: &App) -> (i64, String, String) {
    let unit = app.unit_id("Xã Mường Ảng").await;
    let dossiers = [("15", "Hồ sơ giao đất ở tại bản Co Mận", "05", "3"), ("16", "Sổ theo dõi công văn đi", "06", "1")];
    let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
    (fonds, made[0].1.clone(), made[1].1.clone())
}

/// The plan puts records consulted often after the named groups and before the rest: marking
/// one moves it there at once, with its queued pages; clearing the mark moves it back.
#[tokio::test]
async fn a_hồ_sơ_marked_as_consulted_often_moves_ahead_of_the_rest_and_back() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Sổ theo dõi công văn đi", "06", "1"), ("16", "Sổ đăng ký đối tượng bảo trợ xã hội", "06", "1")];
        let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let (first, second) = (made[0].1.clone(), made[1].1.clone());
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("sohoa").await;
        let created = session.post("/so-hoa", &[("name", "Lô 2"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let batch = location.trim_start_matches("/so-hoa/").to_string();
        let order = |page: &str| {
            page.find(&format!("data-dossier=\"{first}\"")).unwrap() < page.find(&format!("data-dossier=\"{second}\"")).unwrap()
        };
        let (_, page) = session.get(&location).await;
        assert!(order(&page), "{}: by mã hồ sơ within the rest", app.label);

        let second_id = app.store.dossier_by_code(&second).await.unwrap().id;
        let png = std::fs::read(Path::new(PAGES).join("trang1-300dpi.png")).unwrap();
        let (status, _) = upload(&session, &batch, &[(format!("{first}.png"), png.clone()), (format!("{second}.png"), png)]).await;
        assert_eq!(status, StatusCode::OK);
        let marked = session.post(&format!("/so-hoa/{batch}/khai-thac"), &[("dossierId", &second_id.to_string()), ("frequent", "1")]).await;
        assert_eq!(marked.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let (_, page) = session.get(&location).await;
        assert!(!order(&page), "{}: the marked hồ sơ goes first", app.label);
        assert!(page.contains("Thường xuyên được khai thác") && page.contains("Bỏ đánh dấu thường xuyên khai thác"));
        let queue = app
            .store
            .batch_queue(&kho_model::access::Visibility::everything(), batch.parse().unwrap(), None, 1000, None)
            .await
            .unwrap()
            .entries;
        let entry = queue.iter().find(|q| q.dossier_id == second_id).unwrap();
        assert_eq!((entry.rank, entry.frequent_use), (6, true));
        // Its queued page moved with it: a worker takes it first.
        let job = app.store.claim_job("thu", 60, 3).await.unwrap().unwrap();
        assert_eq!(app.store.scan_page(job.subject_id).await.unwrap().dossier_id, second_id, "{}", app.label);

        let cleared = session.post(&format!("/so-hoa/{batch}/khai-thac"), &[("dossierId", &second_id.to_string())]).await;
        assert_eq!(cleared.status(), StatusCode::SEE_OTHER);
        let (_, page) = session.get(&location).await;
        assert!(order(&page), "{}: back among the rest", app.label);
        let filter = kho_store::AuditFilter { action: Some("digitize.frequent_use".into()), limit: 10, ..Default::default() };
        let (_, audit) = app.store.list_audit(&filter).await.unwrap();
        let details: Vec<_> = audit.iter().filter_map(|e| e.detail.clone()).collect();
        assert_eq!(details.len(), 2, "{details:?}");
        assert!(details.iter().any(|d| d.contains("thường xuyên khai thác; ưu tiên 6: Thường xuyên được khai thác")), "{details:?}");
    }
}

/// A hồ sơ scanned as one file is split into a PDF/A per văn bản, named `<mã hồ sơ>.<STT>` as
/// TT 05/2025 names digitized files, when its mục lục văn bản accounts for every page.
#[tokio::test]
async fn a_hồ_sơ_scanned_whole_is_split_by_its_mục_lục_văn_bản() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Hồ sơ giao đất ở tại bản Co Mận", "05", "3"), ("16", "Hồ sơ hội nghị tổng kết năm 2019", "06", "3")];
        let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let (split, whole) = (made[0].clone(), made[1].clone());
        for (dossier, ordinal, subject, pages) in [
            (split.0, "1", "Về việc giao đất ở cho ông Lò Văn Thưởng", "2"),
            (split.0, "2", "Sổ đăng ký khai sinh năm 2019", "1"),
            (whole.0, "1", "Báo cáo tổng kết", "2"),
        ] {
            let input = kho_model::record::DocumentInput {
                doc_ordinal: ordinal.into(),
                type_name: "02".into(),
                issued_date: "12/03/2019".into(),
                organ_name: "Ủy ban nhân dân xã Mường Ảng".into(),
                subject: subject.into(),
                number_of_page: pages.into(),
                mode: "01".into(),
                ..Default::default()
            };
            app.store.create_document(dossier, &input.parse().unwrap()).await.unwrap();
        }
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("sohoa").await;
        let created = session.post("/so-hoa", &[("name", "Lô 3"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let batch = created.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").to_string();
        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let files = [(format!("{}.tif", split.1), tiff.clone()), (format!("{}.tif", whole.1), tiff)];
        let (status, page) = upload(&session, &batch, &files).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let worker = kho_digitize::worker::Worker::new(app.store.clone(), blobs.clone(), Default::default());
        while worker.run_one(0).await.unwrap().is_some() {}

        let renditions = app.store.renditions(split.0).await.unwrap();
        let named: Vec<(String, i64)> = renditions.iter().map(|r| (r.file_name.clone(), r.pages)).collect();
        assert_eq!(named, vec![(format!("{}.1.pdf", split.1), 2), (format!("{}.2.pdf", split.1), 1)], "{}", app.label);
        let (_, record) = session.get(&format!("/ho-so/{}", split.0)).await;
        assert!(record.contains(&format!("{}.1.pdf", split.1)) && record.contains(&format!("{}.2.pdf", split.1)));
        // Each file carries its văn bản's trích yếu as its title, and only its own pages' text.
        let first = &renditions[0];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.pdf");
        std::fs::write(&path, blobs.get(&first.blob, false, &first.sha256).await.unwrap()).unwrap();
        let info = String::from_utf8(std::process::Command::new("pdfinfo").arg(&path).output().unwrap().stdout).unwrap();
        let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap_or_default().to_string();
        assert_eq!((field("Title:"), field("Pages:")), ("Về việc giao đất ở cho ông Lò Văn Thưởng".into(), "2".into()), "{info}");
        let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap().stdout).unwrap();
        assert!(text.contains("Giao đất ở") && !text.contains("ĐĂNG KÝ KHAI SINH"), "{text}");

        // The other hồ sơ's văn bản account for 2 of its 3 pages: it stays one file.
        let names: Vec<String> = app.store.renditions(whole.0).await.unwrap().iter().map(|r| r.file_name.clone()).collect();
        assert_eq!(names, vec![format!("{}.pdf", whole.1)], "{}", app.label);
    }
}

async fn upload(session: &common::Session, batch: &str, files: &[(String, Vec<u8>)]) -> (StatusCode, String) {
    let mut form = reqwest::multipart::Form::new().text("dossier", "");
    for (name, bytes) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone()));
    }
    let response =
        session.client.post(format!("{}/so-hoa/{batch}/tep?_csrf={}", session.base, session.csrf)).multipart(form).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_batch_is_made_ordered_fed_watched_and_its_pdf_a_downloaded() {
    for app in apps().await {
        let (fonds, land, register) = commune_fonds(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("sohoa").await;

        let refused = session.post("/so-hoa", &[("name", ""), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.text().await.unwrap().contains("Đặt tên cho lô số hóa"));
        let created =
            session.post("/so-hoa", &[("name", "Lô 1 — xã Mường Ảng"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let batch = location.trim_start_matches("/so-hoa/").to_string();
        let (status, page) = session.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let land_row = page.find(&format!("data-dossier=\"{land}\"")).unwrap();
        let register_row = page.find(&format!("data-dossier=\"{register}\"")).unwrap();
        assert!(land_row < register_row, "land before the rest");
        assert!(page.contains("Đất đai") && page.contains("Các hồ sơ còn lại"));

        // The operator moves the register ahead, with a reason; the page says who and why.
        let register_id = app.store.dossier_by_code(&register).await.unwrap().id.to_string();
        let no_reason =
            session.post(&format!("/so-hoa/{batch}/uu-tien"), &[("dossierId", &register_id), ("rank", "0"), ("reason", "")]).await;
        assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let moved = session
            .post(&format!("/so-hoa/{batch}/uu-tien"), &[("dossierId", &register_id), ("rank", "0"), ("reason", "Thanh tra huyện cần gấp")])
            .await;
        assert_eq!(moved.status(), StatusCode::SEE_OTHER);
        let (_, page) = session.get(&location).await;
        assert!(page.find(&format!("data-dossier=\"{register}\"")).unwrap() < page.find(&format!("data-dossier=\"{land}\"")).unwrap());
        assert!(page.contains("Thanh tra huyện cần gấp") && page.contains("do sohoa đổi; theo kế hoạch: Các hồ sơ còn lại"));

        // Scans: the land hồ sơ as a 3-page TIFF, a PNG calling itself JPEG, a name nobody knows.
        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let png = std::fs::read(Path::new(PAGES).join("trang1-300dpi.png")).unwrap();
        let (status, page) = upload(
            &session,
            &batch,
            &[(format!("{land}.tif"), tiff), (format!("{register}.1.jpg"), png.clone()), ("scan0001.png".into(), png)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(&format!("Tệp “{land}.tif”: nhận 3 trang, đang chờ xử lý.")), "{page}");
        assert!(page.contains(&format!("Tệp “{register}.1.jpg”: phần mở rộng .jpg nhưng nội dung là PNG")), "{page}");
        assert!(page.contains("Tệp “scan0001.png”: không xác định được hồ sơ."), "{page}");
        let progress: serde_json::Value = serde_json::from_str(&session.get(&format!("/so-hoa/{batch}/tien-do")).await.1).unwrap();
        assert_eq!((progress["pages"].as_i64(), progress["pagesDone"].as_i64()), (Some(3), Some(0)));

        // A worker reads the pages and assembles the hồ sơ; the progress says so.
        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let worker = kho_digitize::worker::Worker::new(app.store.clone(), blobs, Default::default());
        while worker.run_one(0).await.unwrap().is_some() {}
        let progress: serde_json::Value = serde_json::from_str(&session.get(&format!("/so-hoa/{batch}/tien-do")).await.1).unwrap();
        assert_eq!(
            (progress["pagesDone"].as_i64(), progress["dossiersDone"].as_i64(), progress["percent"].as_i64()),
            (Some(3), Some(1), Some(100))
        );
        // The register's phiếu tin says 1 page; a 3-page scan of it is not assembled, and says why.
        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let (status, _) = upload(&session, &batch, &[(format!("{register}.tif"), tiff)]).await;
        assert_eq!(status, StatusCode::OK);
        while worker.run_one(0).await.unwrap().is_some() {}
        let (_, page) = session.get(&location).await;
        assert!(
            page.contains(&format!("Hồ sơ {register}")) && page.contains("hồ sơ có 3 trang quét nhưng phiếu tin ghi 1 trang"),
            "{page}"
        );
        assert!(page.contains("Chạy lại các việc lỗi"));

        let land_id = app.store.dossier_by_code(&land).await.unwrap().id;
        let (_, record) = session.get(&format!("/ho-so/{land_id}")).await;
        assert!(record.contains("Bản số hóa") && record.contains(&format!("{land}.pdf")) && record.contains("2b, hai lớp"), "{record}");
        assert!(record.contains("chưa ký số"), "no signing key configured: the PDF/A says it is unsigned");
        let rendition = app.store.renditions(land_id).await.unwrap()[0].id;
        let pdf = session.client.get(format!("{}/ban-so-hoa/{rendition}", app.base)).send().await.unwrap();
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert_eq!(pdf.headers()["cache-control"], "private, no-store", "a record's file, never kept by a shared cache");
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-1.7"));

        // Another commune's clerk: no batch, no progress, no PDF.
        let other = app.unit_id("Xã Búng Lao").await;
        app.user("khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let outsider = app.login("khac").await;
        assert_eq!(outsider.get(&location).await.0, StatusCode::NOT_FOUND);
        assert_eq!(outsider.get(&format!("/so-hoa/{batch}/tien-do")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(outsider.get(&format!("/ban-so-hoa/{rendition}")).await.0, StatusCode::NOT_FOUND);
        assert!(!outsider.get("/so-hoa").await.1.contains("Lô 1 — xã Mường Ảng"));
    }
}

/// A large scan sent in pieces: a cut in the middle, the browser asks how much arrived, resumes
/// there, and the last piece takes the file into the batch.
#[tokio::test]
async fn a_large_scan_is_sent_in_pieces_and_resumed_after_a_cut() {
    for app in apps().await {
        let (fonds, land, _) = commune_fonds(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("sohoa").await;
        let created = session.post("/so-hoa", &[("name", "Lô 2"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let batch = created.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").to_string();
        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let token = "7f3c2a1e-5b6d-4c8e-9f01-23456789abcd";
        let name = format!("{land}.tif");
        let put = |offset: usize, end: usize| {
            let url = format!("{}/so-hoa/{batch}/tai-len?ma={token}&ten={name}&tong={}&tu={offset}", session.base, tiff.len());
            session.client.put(url).header("x-csrf-token", &session.csrf).body(tiff[offset..end].to_vec()).send()
        };
        let third = tiff.len() / 3;
        let first: serde_json::Value = put(0, third).await.unwrap().json().await.unwrap();
        assert_eq!((first["received"].as_u64(), first["done"].as_bool()), (Some(third as u64), Some(false)), "{}", app.label);
        // The connection dropped; the browser sends the third piece, not knowing the second never arrived.
        let wrong = put(2 * third, tiff.len()).await.unwrap();
        assert_eq!(wrong.status(), StatusCode::CONFLICT);
        let wrong: serde_json::Value = wrong.json().await.unwrap();
        assert_eq!(wrong["received"].as_u64(), Some(third as u64), "the server says where to resume");
        let status: serde_json::Value =
            session.client.get(format!("{}/so-hoa/{batch}/tai-len?ma={token}", session.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(status["received"].as_u64(), Some(third as u64));
        let second: serde_json::Value = put(third, 2 * third).await.unwrap().json().await.unwrap();
        assert_eq!(second["done"].as_bool(), Some(false));
        let last = put(2 * third, tiff.len()).await.unwrap();
        assert_eq!(last.status(), StatusCode::OK);
        let last: serde_json::Value = last.json().await.unwrap();
        assert_eq!((last["done"].as_bool(), last["accepted"].as_bool()), (Some(true), Some(true)), "{last}");
        assert_eq!(last["message"].as_str(), Some(format!("Tệp “{name}”: nhận 3 trang, đang chờ xử lý.").as_str()));
        let progress: serde_json::Value = serde_json::from_str(&session.get(&format!("/so-hoa/{batch}/tien-do")).await.1).unwrap();
        assert_eq!(progress["pages"].as_i64(), Some(3));

        // A file that claims to be bigger than allowed is refused before any byte is kept.
        let huge = format!("{}/so-hoa/{batch}/tai-len?ma={token}x&ten=lon.tif&tong={}&tu=0", session.base, 3u64 << 30);
        let refused = session.client.put(huge).header("x-csrf-token", &session.csrf).body(vec![0u8; 10]).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(refused.text().await.unwrap().contains("vượt giới hạn"));
    }
}

/// A scanning contractor is bound to the fonds assigned, not to units: they make a batch of it,
/// see it and feed it; a contractor assigned another fonds finds it absent.
#[tokio::test]
async fn a_contractor_digitizes_the_fonds_assigned_to_them() {
    for app in apps().await {
        let (fonds, land, _) = commune_fonds(&app).await;
        app.user("sohoa", Role::Contractor, Classification::None, &[], &[fonds]).await;
        let unit = app.unit_id("Xã Nà Tấu").await;
        let (other_fonds, _) =
            kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X30", &[("1", "Sổ theo dõi công văn", "06", "1")]).await;
        app.user("sohoa.khac", Role::Contractor, Classification::None, &[], &[other_fonds]).await;
        let session = app.login("sohoa").await;
        let (status, page) = session.get("/so-hoa/moi").await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert!(page.contains("X27") && !page.contains("X30"), "{}: the assigned fonds is offered, no other", app.label);
        let created =
            session.post("/so-hoa", &[("name", "Lô của đơn vị thuê"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let batch = location.trim_start_matches("/so-hoa/").to_string();
        let (status, shown) = session.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{}: the contractor sees their batch", app.label);
        assert!(shown.contains("id=\"upload\""), "{}: and may feed it from its page", app.label);
        let (_, list) = session.get("/so-hoa").await;
        assert!(list.contains("Lô của đơn vị thuê"));

        // Every hồ sơ of the fonds is in that batch: a second batch has nothing to take, and says so.
        let again = session.post("/so-hoa", &[("name", "Lô 2"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(again.text().await.unwrap().contains("không còn hồ sơ nào chờ số hóa"), "{}", app.label);
        // A hồ sơ described since goes into the next batch, alone.
        let everything = kho_model::access::Visibility::everything();
        let inventory = app.store.list_inventories(&everything, fonds).await.unwrap()[0].id;
        let later = kho_store::test_support::add_dossier(&app.store, inventory, ("99", "Hồ sơ mô tả sau", "06", "1")).await;
        let second = session.post("/so-hoa", &[("name", "Lô 2"), ("fondsId", &fonds.to_string()), ("originalKind", "mono")]).await;
        assert_eq!(second.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let second: i64 = second.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").parse().unwrap();
        let queue = app.store.batch_queue(&everything, second, None, 10, None).await.unwrap();
        assert_eq!(queue.entries.iter().map(|e| e.dossier_id).collect::<Vec<_>>(), vec![later], "{}", app.label);
        assert_eq!(app.store.batch(second).await.unwrap().original_kind, kho_model::digitization::OriginalKind::Monochrome);
        let png = std::fs::read(Path::new(PAGES).join("trang1-300dpi.png")).unwrap();
        let (status, page) = upload(&session, &batch, &[(format!("{land}.png"), png)]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("nhận 1 trang"), "{}: {page}", app.label);

        let other = app.login("sohoa.khac").await;
        let (status, _) = other.get(&location).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}: another contractor's batch is absent", app.label);
        let (_, list) = other.get("/so-hoa").await;
        assert!(!list.contains("Lô của đơn vị thuê"));
        // The list for other systems: each batch with its progress, only what one may see.
        let (_, csv) = session.get("/so-hoa/danh-sach.csv").await;
        assert!(csv.contains("STT,Số lô,Tên lô,Đơn vị") && csv.contains(&format!(",{batch},Lô của đơn vị thuê,")), "{}: {csv}", app.label);
        assert!(csv.contains(&format!(",{second},Lô 2,")), "{}: {csv}", app.label);
        let (_, csv) = other.get("/so-hoa/danh-sach.csv").await;
        assert!(!csv.contains("Lô của đơn vị thuê"), "{}: {csv}", app.label);
    }
}

/// A district's batch holds thousands of hồ sơ: its page shows a hundred at a time, says which
/// and of how many, and goes on after the last one shown; the page does not grow with the batch.
#[tokio::test]
async fn a_large_batch_is_shown_a_hundred_hồ_sơ_at_a_time() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let notations: Vec<String> = (1..=250).map(|n| n.to_string()).collect();
        let specs: Vec<(&str, &str, &str, &str)> = notations.iter().map(|n| (n.as_str(), "Hồ sơ giao đất", "05", "1")).collect();
        let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &specs).await;
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("sohoa").await;
        let created = session.post("/so-hoa", &[("name", "Lô lớn"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let (status, first) = session.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert!(first.contains("Hồ sơ 1–100 trong 250"), "{}", app.label);
        assert_eq!(first.matches("data-dossier=").count(), 100);
        let next = first.split("rel=\"next\"").next().unwrap();
        let next = &next[next.rfind("href=\"").unwrap() + 6..];
        let next = next[..next.find('"').unwrap()].replace("&amp;", "&");
        let (_, second) = session.get(&next).await;
        assert!(second.contains("Hồ sơ 101–200 trong 250") && second.contains("Trang đầu"), "{}", app.label);
        let (_, third) = session.get(&format!("{location}?sau={}", made[0].0)).await;
        assert!(third.contains("trong 250"), "{}: any hồ sơ of the batch is a place to start from", app.label);
        // Every page of a hundred costs about the same, wherever it is in the batch.
        let ratio = first.len() as f64 / second.len() as f64;
        assert!((0.9..1.1).contains(&ratio), "{}: pages of a hundred are alike ({ratio})", app.label);
    }
}

/// The page viewer: from the hồ sơ, each scanned page beside its OCR text and checks, page after
/// page; its image scaled by the server. A page is as secret as its hồ sơ's most secret văn bản:
/// hidden from the uncleared exactly as a page that does not exist, and seen by the cleared with
/// the viewing audited.
#[tokio::test]
async fn a_scanned_page_is_seen_beside_its_text_and_a_secret_one_by_nobody_uncleared() {
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let (fonds, code, _) = commune_fonds(&app).await;
        let dossier = app
            .store
            .list_dossiers(&kho_store::ListDossiers {
                visibility: kho_model::access::Visibility::everything(),
                inventory_id: None,
                fonds_id: Some(fonds),
                query: None,
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 1,
            })
            .await
            .unwrap()
            .items[0]
            .id;
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        app.user("khac", Role::Archivist, Classification::Confidential, &[other], &[]).await;
        let session = app.login("sohoa").await;
        let created = session.post("/so-hoa", &[("name", "Lô xem trang"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let batch = created.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").to_string();
        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let (status, page) = upload(&session, &batch, &[(format!("{code}.tif"), tiff)]).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let worker = kho_digitize::worker::Worker::new(app.store.clone(), blobs, Default::default());
        while worker.run_one(0).await.unwrap().is_some() {}

        let pages = app.store.dossier_page_ids(dossier).await.unwrap();
        assert_eq!(pages.len(), 3, "{label}");
        // The scan is grey: kept and read, but flagged in QC, on the batch and beside each page.
        let (_, batch_page) = session.get(&format!("/so-hoa/{batch}")).await;
        let warned = batch_page.split("id=\"warned\"").nth(1).unwrap_or_else(|| panic!("{label}: {}", common::main_of(&batch_page)));
        assert_eq!(warned.matches("<tr><td>").count(), 3, "{label}: the three pages");
        assert!(warned.contains("không phải màu 24-bit") && warned.contains(&format!("{code}.tif")), "{label}");
        let json: serde_json::Value = serde_json::from_str(&session.get(&format!("/so-hoa/{batch}/tien-do")).await.1).unwrap();
        assert_eq!(json["pagesWarned"], 3, "{label}: {json}");
        assert_eq!(json["renditionPages"], 3, "{label}: {json}");
        assert!(
            json["renditionBytes"].as_i64().unwrap() > 10_000 && json["size"].as_str().unwrap().ends_with("KB/trang"),
            "{label}: {json}"
        );
        let (_, record) = session.get(&format!("/ho-so/{dossier}")).await;
        assert!(record.contains("Xem 3 trang đã quét"), "{label}: the way in, from the hồ sơ");
        let (status, first) = session.get(&format!("/trang/{}", pages[0])).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(first.contains("Trang 1/3") && first.contains("Giao đất ở"), "{label}: the page with its OCR text");
        assert!(first.contains("id=\"warnings\"") && first.contains("Văn bản đen trắng"), "{label}: the page's warning");
        assert!(first.contains("<dt>Độ nghiêng</dt>"), "{label}: the skew measured, and what was done");
        assert!(
            first.contains(&format!("href=\"/trang/{}\" rel=\"next\"", pages[1])) && !first.contains("rel=\"prev\""),
            "{label}: {}",
            common::main_of(&first)
        );
        let (_, last) = session.get(&format!("/trang/{}", pages[2])).await;
        assert!(last.contains("Trang 3/3") && last.contains("rel=\"prev\"") && !last.contains("rel=\"next\""), "{label}");

        let image = session.client.get(format!("{}/trang/{}/anh", app.base, pages[0])).send().await.unwrap();
        assert_eq!(image.status(), StatusCode::OK, "{label}");
        assert_eq!(image.headers()["content-type"], "image/jpeg");
        let full = image.bytes().await.unwrap();
        assert!(full.starts_with(&[0xFF, 0xD8]) && full.len() < 500 * 1024, "{label}: a light JPEG ({} bytes)", full.len());
        let small =
            session.client.get(format!("{}/trang/{}/anh?rong=300", app.base, pages[0])).send().await.unwrap().bytes().await.unwrap();
        assert!(small.len() < full.len(), "{label}: scaled by the server on request");

        // The same page for a quality-check station, by API.
        let station = app.api("sohoa").await;
        let (status, shown) = station.call(reqwest::Method::GET, &format!("/api/v1/scan-pages/{}", pages[0]), None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(
            (shown["place"].as_i64(), shown["count"].as_i64(), &shown["prev"]),
            (Some(1), Some(3), &serde_json::Value::Null),
            "{label}"
        );
        assert_eq!(shown["next"].as_i64(), Some(pages[1]), "{label}");
        assert!(shown["text"].as_str().unwrap().contains("Giao đất ở"), "{label}: {shown}");
        assert!(shown["warnings"][0].as_str().unwrap().contains("Văn bản đen trắng"), "{label}: {shown}");
        let scaled = station
            .client
            .get(format!("{}/api/v1/scan-pages/{}/image?width=300", app.base, pages[0]))
            .bearer_auth(&station.token)
            .send()
            .await
            .unwrap();
        assert_eq!(scaled.headers()["content-type"], "image/jpeg", "{label}");
        assert_eq!(scaled.bytes().await.unwrap().len(), small.len(), "{label}: the viewer's own image");

        // A Mật văn bản makes every page of the hồ sơ Mật.
        let secret = kho_model::record::DocumentInput {
            doc_ordinal: "9".into(),
            type_name: "02".into(),
            issued_date: "12/03/2019".into(),
            organ_name: "Ủy ban nhân dân xã Mường Ảng".into(),
            subject: "Kế hoạch mật".into(),
            number_of_page: "1".into(),
            mode: "03".into(),
            classification: "01".into(),
            ..Default::default()
        };
        app.store.create_document(dossier, &secret.parse().unwrap()).await.unwrap();
        let absent = pages.iter().max().unwrap() + 1000;
        for name in ["sohoa", "khac"] {
            let person = app.login(name).await;
            for path in [format!("/trang/{}", pages[0]), format!("/trang/{}/anh", pages[0])] {
                let hidden = person.client.get(format!("{}{path}", app.base)).send().await.unwrap();
                let missing = person
                    .client
                    .get(format!("{}{}", app.base, path.replace(&pages[0].to_string(), &absent.to_string())))
                    .send()
                    .await
                    .unwrap();
                assert_eq!((hidden.status(), missing.status()), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{label}: {name} {path}");
                assert_eq!(hidden.text().await.unwrap(), missing.text().await.unwrap(), "{label}: {name}: the same answer as for nothing");
            }
        }
        for name in ["sohoa", "khac"] {
            let api = app.api(name).await;
            let hidden = api.call(reqwest::Method::GET, &format!("/api/v1/scan-pages/{}", pages[0]), None).await;
            let missing = api.call(reqwest::Method::GET, &format!("/api/v1/scan-pages/{absent}"), None).await;
            assert_eq!(hidden, missing, "{label}: {name}: by API too, the same answer as for nothing");
            assert_eq!(hidden.0, StatusCode::NOT_FOUND, "{label}");
        }
        let cleared = app.login("mat").await;
        let (status, page) = cleared.get(&format!("/trang/{}", pages[0])).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("Mật"), "{label}: marked as such");
        let audit = kho_store::AuditFilter { action: Some("scan_page.view".into()), limit: 10, ..Default::default() };
        assert!(app.store.list_audit(&audit).await.unwrap().0 >= 1, "{label}: a classified page's viewing is audited");
    }
}

/// A scanning station works through the API alone, with a token: it makes a batch, reads the
/// queue, sends scans (one refused, with why), follows the progress, lists and downloads the
/// signed copies. Another commune's station meets none of it.
#[tokio::test]
async fn a_scanning_station_works_through_the_api() {
    for app in apps().await {
        let label = app.label;
        let (fonds, land, _) = commune_fonds(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("tram", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("tram.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let station = app.api("tram").await;
        let outsider = app.api("tram.khac").await;
        use reqwest::Method;

        let (status, refused) = station
            .call(Method::POST, "/api/v1/batches", Some(serde_json::json!({ "name": "", "fondsId": fonds, "originalKind": "text" })))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("Đặt tên cho lô số hóa"), "{label}: {refused}");
        let (status, _) = outsider
            .call(Method::POST, "/api/v1/batches", Some(serde_json::json!({ "name": "Lô", "fondsId": fonds, "originalKind": "text" })))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: another commune's fonds is not theirs to batch");
        let (status, created) = station
            .call(
                Method::POST,
                "/api/v1/batches",
                Some(serde_json::json!({ "name": "Lô máy quét", "fondsId": fonds, "originalKind": "text" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {created}");
        let batch = created["id"].as_i64().unwrap();

        let (_, queue) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/queue?limit=1"), None).await;
        assert_eq!(queue["total"], 2, "{label}: {queue}");
        assert_eq!(queue["entries"][0]["fileCode"], land.as_str(), "{label}: the land file first, as the plan orders");
        let after = queue["next"].as_i64().expect("a second page");
        let (_, rest) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/queue?after={after}"), None).await;
        assert_eq!((rest["entries"].as_array().unwrap().len(), &rest["next"]), (1, &serde_json::Value::Null), "{label}");

        // The operator's controls: the second hồ sơ put first (only with a reason, 0 to 9), marked
        // as consulted often and back; another commune's station finds no such batch.
        let second_id = rest["entries"][0]["dossierId"].as_i64().unwrap();
        let priority = format!("/api/v1/batches/{batch}/dossiers/{second_id}/priority");
        let (status, refused) = station.call(Method::PUT, &priority, Some(serde_json::json!({ "rank": 0 }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("lý do"), "{label}: {refused}");
        let (status, refused) = station.call(Method::PUT, &priority, Some(serde_json::json!({ "rank": 12, "reason": "Gấp" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {refused}");
        let (status, _) = outsider.call(Method::PUT, &priority, Some(serde_json::json!({ "rank": 0, "reason": "Gấp" }))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        let (status, _) = station.call(Method::PUT, &priority, Some(serde_json::json!({ "rank": 0, "reason": "Lãnh đạo cần gấp" }))).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{label}");
        let (_, queue) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/queue"), None).await;
        assert_eq!(queue["entries"][0]["dossierId"].as_i64(), Some(second_id), "{label}: put first: {queue}");
        assert_eq!(queue["entries"][0]["overrideReason"], "Lãnh đạo cần gấp", "{label}: {queue}");
        let (status, _) = station.call(Method::PUT, &priority, Some(serde_json::json!({ "rank": null }))).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{label}");
        let (_, queue) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/queue"), None).await;
        assert_eq!(queue["entries"][0]["fileCode"], land.as_str(), "{label}: back in the plan's order: {queue}");
        let frequent = format!("/api/v1/batches/{batch}/dossiers/{second_id}/frequent-use");
        let reason = |queue: &serde_json::Value| queue["entries"][1]["reason"].clone();
        let before = reason(&queue);
        let (status, _) = station.call(Method::PUT, &frequent, Some(serde_json::json!({ "frequent": true }))).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{label}");
        let (_, marked) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/queue"), None).await;
        assert!(reason(&marked).as_str().unwrap().contains("khai thác"), "{label}: {marked}");
        let (status, _) = station.call(Method::PUT, &frequent, Some(serde_json::json!({ "frequent": false }))).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{label}");
        let (_, cleared) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/queue"), None).await;
        assert_eq!(reason(&cleared), before, "{label}");

        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(tiff).file_name(format!("{land}.tif")))
            .part("file", reqwest::multipart::Part::bytes(b"MZ\x90\x00 not a scan".to_vec()).file_name(format!("{land}.exe")));
        let sent = station
            .client
            .post(format!("{}/api/v1/batches/{batch}/files", app.base))
            .bearer_auth(&station.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let results: serde_json::Value = sent.json().await.unwrap();
        assert!(results["results"][0]["accepted"].is_string() && results["results"][1]["refused"].is_string(), "{label}: {results}");
        let sent = outsider
            .client
            .post(format!("{}/api/v1/batches/{batch}/files", app.base))
            .bearer_auth(&outsider.token)
            .multipart(reqwest::multipart::Form::new())
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::NOT_FOUND, "{label}: not their batch");

        // The second hồ sơ's scan in two pieces, as over a line that breaks: the station asks
        // where it stands and goes on from there; a piece at the wrong place is refused.
        let second = rest["entries"][0]["fileCode"].as_str().unwrap().to_string();
        let scan = std::fs::read(Path::new(PAGES).join("trang2-200dpi.tif")).unwrap();
        let half = scan.len() / 2;
        let upload = format!("{}/api/v1/batches/{batch}/upload?token=tram-may-quet-0001", app.base);
        let piece = |offset: usize, bytes: Vec<u8>| {
            station
                .client
                .put(format!("{upload}&name={second}.tif&size={}&offset={offset}", scan.len()))
                .bearer_auth(&station.token)
                .body(bytes)
                .send()
        };
        let sent: serde_json::Value = piece(0, scan[..half].to_vec()).await.unwrap().json().await.unwrap();
        assert_eq!((sent["received"].as_u64(), sent["done"].as_bool()), (Some(half as u64), Some(false)), "{label}: {sent}");
        let (status, standing) = station.call(Method::GET, &format!("/api/v1/batches/{batch}/upload?token=tram-may-quet-0001"), None).await;
        assert_eq!((status, standing["received"].as_u64()), (StatusCode::OK, Some(half as u64)), "{label}: {standing}");
        let wrong = piece(0, scan.clone()).await.unwrap();
        assert_eq!(wrong.status(), StatusCode::CONFLICT, "{label}");
        let sent = piece(half, scan[half..].to_vec()).await.unwrap();
        assert_eq!(sent.status(), StatusCode::OK, "{label}");
        let sent: serde_json::Value = sent.json().await.unwrap();
        assert_eq!((sent["done"].as_bool(), sent["accepted"].as_bool()), (Some(true), Some(true)), "{label}: {sent}");
        let (status, hidden) = outsider.call(Method::GET, &format!("/api/v1/batches/{batch}/upload?token=tram-may-quet-0001"), None).await;
        assert_eq!((status, hidden["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{label}: {hidden}");

        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let worker = kho_digitize::worker::Worker::new(app.store.clone(), blobs, Default::default());
        // A job that failed is queued again by the station.
        let job = app.store.claim_job("tram", 60, 3).await.unwrap().unwrap();
        assert!(app.store.fail_job(&job, "máy hỏng").await.unwrap());
        let (status, _) = outsider.call(Method::POST, &format!("/api/v1/batches/{batch}/retry"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        let (status, retried) = station.call(Method::POST, &format!("/api/v1/batches/{batch}/retry"), None).await;
        assert_eq!((status, retried["retried"].as_u64()), (StatusCode::OK, Some(1)), "{label}: {retried}");
        while worker.run_one(0).await.unwrap().is_some() {}
        let (_, progress) = station.call(Method::GET, &format!("/api/v1/batches/{batch}"), None).await;
        assert_eq!(
            (progress["progress"]["pagesDone"].as_i64(), progress["progress"]["renditions"].as_i64()),
            (Some(4), Some(2)),
            "{label}: {progress}"
        );
        let (_, listed) = station.call(Method::GET, "/api/v1/batches", None).await;
        assert!(listed["batches"].as_array().unwrap().iter().any(|b| b["id"] == batch), "{label}: {listed}");
        let (_, listed) = outsider.call(Method::GET, "/api/v1/batches", None).await;
        assert!(!listed["batches"].as_array().unwrap().iter().any(|b| b["id"] == batch), "{label}: nor in another's list");
        assert_eq!(listed["total"], 0, "{label}: nor counted");
        // A page at a time, newest first.
        let (more, _) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X28", &[("1", "Sổ công văn đến", "06", "1")]).await;
        let (status, newer) = station
            .call(
                Method::POST,
                "/api/v1/batches",
                Some(serde_json::json!({ "name": "Lô thứ hai", "fondsId": more, "originalKind": "mono" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {newer}");
        let (_, first) = station.call(Method::GET, "/api/v1/batches?limit=1", None).await;
        assert_eq!((first["total"].as_i64(), &first["batches"][0]["id"]), (Some(2), &newer["id"]), "{label}: {first}");
        let (_, second) = station.call(Method::GET, &format!("/api/v1/batches?limit=1&before={}", first["next"]), None).await;
        assert_eq!(
            (&second["batches"][0]["id"], &second["next"]),
            (&serde_json::json!(batch), &serde_json::Value::Null),
            "{label}: {second}"
        );
        let (status, page) = app.login("tram").await.get("/so-hoa").await;
        assert!(status == StatusCode::OK && page.contains("2 lô"), "{label}: the page counts them");

        let dossier =
            app.store.batch_queue(&kho_model::access::Visibility::everything(), batch, None, 1, None).await.unwrap().entries[0].dossier_id;
        let (status, copies) = station.call(Method::GET, &format!("/api/v1/dossiers/{dossier}/renditions"), None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let copy = copies[0]["id"].as_i64().unwrap();
        let pdf = station.client.get(format!("{}/api/v1/renditions/{copy}", app.base)).bearer_auth(&station.token).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK, "{label}");
        let pdf = pdf.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{label}");

        // The whole batch in one streamed ZIP: every signed copy as it was signed, and the
        // manifest with its checksum. Another commune's station gets nothing, not even a name.
        let export =
            station.client.get(format!("{}/api/v1/batches/{batch}/export", app.base)).bearer_auth(&station.token).send().await.unwrap();
        assert_eq!(export.status(), StatusCode::OK, "{label}");
        assert_eq!(export.headers()["content-type"], "application/zip");
        let zipped = export.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped.to_vec())).unwrap();
        let name = copies[0]["fileName"].as_str().unwrap().to_string();
        let mut inside = vec![];
        std::io::Read::read_to_end(&mut archive.by_name(&name).unwrap(), &mut inside).unwrap();
        assert_eq!(inside, pdf.to_vec(), "{label}: the signed copy, byte for byte");
        let mut manifest = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("manifest.csv").unwrap(), &mut manifest).unwrap();
        assert!(manifest.starts_with("tep,ma_ho_so,so_trang,sha256,"), "{label}: {manifest}");
        assert!(manifest.contains(&format!("{name},")) && manifest.contains(copies[0]["sha256"].as_str().unwrap()), "{label}: {manifest}");
        let refused =
            outsider.client.get(format!("{}/api/v1/batches/{batch}/export", app.base)).bearer_auth(&outsider.token).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{label}");

        let (_, doc) = station.call(Method::GET, "/api/v1/openapi.json", None).await;
        for path in [
            "/api/v1/batches",
            "/api/v1/batches/{id}/queue",
            "/api/v1/batches/{id}/files",
            "/api/v1/batches/{id}/export",
            "/api/v1/batches/{id}/upload",
            "/api/v1/batches/{id}/dossiers/{dossier}/priority",
            "/api/v1/batches/{id}/dossiers/{dossier}/frequent-use",
            "/api/v1/batches/{id}/retry",
            "/api/v1/dossiers/{id}/renditions",
            "/api/v1/renditions/{id}",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} in the OpenAPI document");
        }
    }
}

/// The gói lưu trữ of a digitized hồ sơ from its page: a ZIP the archive's staff download, whose
/// METS names the hồ sơ; not offered to a reader nor to another commune; a hồ sơ holding a
/// classified văn bản is neither offered nor handed out, and to the uncleared it is absent.
#[tokio::test]
async fn a_digitized_hồ_sơ_is_downloaded_as_its_aip_by_whoever_may_see_all_of_it() {
    for app in apps().await {
        let label = app.label;
        let (fonds, land, book) = commune_fonds(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let everything = kho_model::access::Visibility::everything();
        let listed = |code: String| {
            let store = app.store.clone();
            let everything = everything.clone();
            async move {
                let filter = kho_store::ListDossiers {
                    visibility: everything,
                    inventory_id: None,
                    fonds_id: Some(fonds),
                    query: None,
                    undisposed: false,
                    seek: kho_store::Seek::First,
                    limit: 10,
                };
                store.list_dossiers(&filter).await.unwrap().items.into_iter().find(|d| d.fields.file_code.to_string() == code).unwrap().id
            }
        };
        let (land_id, book_id) = (listed(land.clone()).await, listed(book.clone()).await);
        for dossier in [land_id, book_id] {
            let pdf = blobs.put(format!("%PDF-1.7 ban so hoa {dossier}").into_bytes(), false).await.unwrap();
            let scan = kho_store::test_support::StoredFile { blob: &pdf.name, sha256: &pdf.sha256, size: pdf.size as i64 };
            kho_store::test_support::digitized(&app.store, unit, dossier, scan, None).await;
        }
        // The book holds a văn bản classified Mật.
        let secret = kho_model::record::DocumentInput {
            doc_ordinal: "1".into(),
            type_name: "22".into(),
            issued_date: "2020".into(),
            organ_name: "UBND".into(),
            subject: "Công văn mật".into(),
            number_of_page: "1".into(),
            mode: "03".into(),
            classification: "01".into(),
            ..Default::default()
        };
        app.store.create_document(book_id, &secret.parse().unwrap()).await.unwrap();

        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("canbo.mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        app.user("canbo.khac", Role::Archivist, Classification::Confidential, &[other], &[]).await;
        app.user("docgia", Role::Reader, Classification::None, &[unit], &[]).await;
        let clerk = app.login("canbo").await;
        let (_, page) = clerk.get(&format!("/ho-so/{land_id}")).await;
        assert!(page.contains("Tải gói lưu trữ"), "{label}: offered on the hồ sơ page");
        let zip = clerk.client.get(format!("{}/ho-so/{land_id}/goi-luu-tru.zip", app.base)).send().await.unwrap();
        assert_eq!(zip.status(), StatusCode::OK, "{label}");
        assert_eq!(zip.headers()["content-type"], "application/zip");
        let bytes = zip.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mets_name = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .find(|n| n.ends_with("/METS.xml") && n.matches('/').count() == 1)
            .unwrap();
        assert!(mets_name.starts_with("urn_X27_uuid_"), "{label}: {mets_name}");
        let mut mets = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(&mets_name).unwrap(), &mut mets).unwrap();
        assert!(mets.contains("Hồ sơ giao đất ở tại bản Co Mận"), "{label}: the hồ sơ named in its METS");
        let trail = kho_store::AuditFilter { action: Some("package.export".into()), limit: 10, ..Default::default() };
        assert_eq!(app.store.list_audit(&trail).await.unwrap().0, 1, "{label}: audited");

        // The gói khai thác answers a reader's request, typed on its form; a wrong request is
        // refused field by field and what was typed is shown again.
        assert!(page.contains(&format!("/ho-so/{land_id}/goi-khai-thac")), "{label}: offered on the hồ sơ page");
        let (status, form) = clerk.get(&format!("/ho-so/{land_id}/goi-khai-thac")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(form.contains("Mục đích khai thác") && form.contains("03 — Công vụ đặc biệt"), "{label}");
        let (status, refused) =
            clerk.get(&format!("/ho-so/{land_id}/goi-luu-tru.zip?loai=dip&so_phieu=&muc_dich=7&doi_tuong=11&ngay=31/02/2026")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        for message in
            ["Số phiếu yêu cầu: bắt buộc", "Mục đích khai thác “7”", "Đối tượng thu phí “11”", "Ngày yêu cầu “31&#x2f;02&#x2f;2026”"]
        {
            assert!(refused.contains(message), "{label}: {message}");
        }
        let dip = clerk
            .client
            .get(format!("{}/ho-so/{land_id}/goi-luu-tru.zip?loai=dip&so_phieu=15%2FPYC&ngay=05%2F12%2F2026&muc_dich=2&noi_dung=Gi%E1%BA%A3i+quy%E1%BA%BFt+tranh+ch%E1%BA%A5p&doi_tuong=&de_tai=", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(dip.status(), StatusCode::OK, "{label}");
        let bytes = dip.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let ead_name = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .find(|n| n.ends_with("metadata/descriptive/EAD.xml") && n.matches('/').count() == 3)
            .unwrap();
        let mut ead = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(&ead_name).unwrap(), &mut ead).unwrap();
        assert!(ead.contains("15/PYC") && ead.contains("05/12/2026") && ead.contains("Giải quyết tranh chấp"), "{label}: {ead}");

        // Not for a reader, nor another commune's staff.
        let reader = app.login("docgia").await;
        assert_eq!(reader.get(&format!("/ho-so/{land_id}/goi-luu-tru.zip")).await.0, StatusCode::FORBIDDEN, "{label}");
        let outsider = app.login("canbo.khac").await;
        assert_eq!(outsider.get(&format!("/ho-so/{land_id}/goi-luu-tru.zip")).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(outsider.get(&format!("/ho-so/{land_id}/goi-khai-thac")).await.0, StatusCode::NOT_FOUND, "{label}");

        // A classified văn bản inside: absent to the uncleared, refused as a file to the cleared.
        let (_, page) = clerk.get(&format!("/ho-so/{book_id}")).await;
        assert!(!page.contains("Tải gói lưu trữ"), "{label}");
        assert_eq!(clerk.get(&format!("/ho-so/{book_id}/goi-luu-tru.zip")).await.0, StatusCode::NOT_FOUND, "{label}");
        let cleared = app.login("canbo.mat").await;
        let (status, refused) = cleared.get(&format!("/ho-so/{book_id}/goi-luu-tru.zip")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}");
        assert!(refused.contains("mạng LAN độc lập"), "{label}: says why");
    }
}

/// Bàn giao through the pages, between two running Kho — the commune's on SQLite, the archive's
/// on PostgreSQL: the commune's clerk downloads a digitized hồ sơ's SIP from its page, the
/// archive's archivist uploads it in Tiếp nhận › Nhận gói bàn giao; the hồ sơ, its văn bản and
/// its copy arrive, a second upload creates nothing, an altered package is refused with its
/// reasons, and a reader may not receive.
#[tokio::test]
async fn a_package_handed_over_between_two_running_kho_through_the_pages() {
    let mut pair = apps().await;
    if pair.len() < 2 {
        return;
    }
    let archive = pair.remove(1);
    let commune = pair.remove(0);
    let label = format!("{} → {}", commune.label, archive.label);

    // The commune's Kho: a digitized hồ sơ with a real PDF copy.
    let (fonds, land, second) = commune_fonds(&commune).await;
    let unit = commune.unit_id("Xã Mường Ảng").await;
    let filter = kho_store::ListDossiers {
        visibility: kho_model::access::Visibility::everything(),
        inventory_id: None,
        fonds_id: Some(fonds),
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: 10,
    };
    let land_id =
        commune.store.list_dossiers(&filter).await.unwrap().items.iter().find(|d| d.fields.file_code.to_string() == land).unwrap().id;
    let jpeg = std::fs::read(Path::new(PAGES).join("trang1-200dpi-suy-giam.jpg")).unwrap();
    let scanned = kho_digitize::testing::signed(&kho_digitize::testing::scanner_pdf(&[jpeg], 200), &commune.catalogue.dir().join("pki"));
    let blobs = kho_blobs::Blobs::open(&commune.catalogue.dir().join("blobs"), None).unwrap();
    let stored = blobs.put(scanned.clone(), false).await.unwrap();
    let scan = kho_store::test_support::StoredFile { blob: &stored.name, sha256: &stored.sha256, size: stored.size as i64 };
    kho_store::test_support::digitized(&commune.store, unit, land_id, scan, None).await;
    commune.user("canbo.xa", Role::Archivist, Classification::None, &[unit], &[]).await;
    let clerk = commune.login("canbo.xa").await;
    let package = clerk
        .client
        .get(format!("{}/ho-so/{land_id}/goi-luu-tru.zip?loai=sip", commune.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();

    // The archive's Kho: the fonds registered, its archivist receives.
    let archive_unit = archive.unit_id("Xã Mường Ảng").await;
    let fonds_input = kho_model::record::FondsInput {
        code: "X27".into(),
        name: "UBND xã Mường Ảng".into(),
        unit_id: archive_unit.to_string(),
        ..Default::default()
    };
    archive.store.create_fonds(&fonds_input.parse().unwrap()).await.unwrap();
    archive.user("luutru", Role::Archivist, Classification::None, &[archive_unit], &[]).await;
    archive.user("docgia", Role::Reader, Classification::None, &[archive_unit], &[]).await;
    let archivist = archive.login("luutru").await;
    let (_, list) = archivist.get("/tiep-nhan").await;
    assert!(list.contains("Nhận gói bàn giao"), "{label}: offered in Tiếp nhận");
    let send = |session: &common::Session, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("goi.zip"));
        session.client.post(format!("{}/tiep-nhan/goi?_csrf={}", archive.base, session.csrf)).multipart(form).send()
    };
    let first = send(&archivist, package.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK, "{label}");
    let page = first.text().await.unwrap();
    assert!(page.contains("Đã nhận hồ sơ") && page.contains(&land) && page.contains("chữ ký số hợp lệ"), "{label}: {page}");
    let received = archive.store.dossier_by_code(&land).await.unwrap();
    let copies = archive.store.renditions(received.id).await.unwrap();
    assert_eq!((copies.len(), copies[0].sha256.as_str()), (1, stored.sha256.as_str()), "{label}");
    let again = send(&archivist, package.clone()).await.unwrap().text().await.unwrap();
    assert!(again.contains("đã có trong Kho"), "{label}: nothing new the second time");

    // The receipt is listed, and the biên bản giao nhận of the day carries its figures — counted
    // here from the archive's own catalogue — in the DOCX to sign, the PDF and the XLSX.
    let (_, page) = archivist.get("/tiep-nhan/goi").await;
    let listed = page.split("id=\"received\"").nth(1).unwrap_or_default();
    assert!(listed.contains(&land) && listed.contains("SIP") && listed.contains("luutru"), "{label}: {listed}");
    let documents = archive.store.list_documents(&kho_model::access::Visibility::everything(), received.id).await.unwrap().len();
    let pages: i64 = copies.iter().map(|c| c.pages).sum();
    let fonds_id = archive.store.fonds_by_code("X27").await.unwrap().id;
    let docx = archivist.client.get(format!("{}/tiep-nhan/goi/bien-ban.docx?phong={fonds_id}", archive.base)).send().await.unwrap();
    assert_eq!(docx.status(), StatusCode::OK, "{label}");
    let document = docx_rs::read_docx(&docx.bytes().await.unwrap()).expect("a DOCX Word and LibreOffice open").json();
    for expected in [
        "Về việc giao nhận tài liệu lưu trữ số".to_string(),
        "BÊN GIAO: Xã Mường Ảng".to_string(),
        format!("3. Số lượng: 1 hồ sơ, {documents} văn bản, 1 tệp bản số hóa ({pages} trang)"),
        land.clone(),
        "ký bởi Trung tam Luu tru lich su tinh Dien Bien".to_string(),
    ] {
        assert!(document.contains(&expected), "{label}: “{expected}” in the biên bản");
    }
    let pdf = archivist.client.get(format!("{}/tiep-nhan/goi/bien-ban.pdf?phong={fonds_id}", archive.base)).send().await.unwrap();
    let text = common::pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains("Cộng") && text.contains(&land), "{label}: {text}");
    // Asked wrongly: said why, field by field; a day with nothing received: said so.
    let (status, wrong) = archivist.get("/tiep-nhan/goi/bien-ban.pdf?phong=&tu=32/13/2026&den=01/01/2026").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    assert!(wrong.contains("Chọn phông") && wrong.contains("Từ ngày “32") && wrong.contains("phải viết DD"), "{label}: {wrong}");
    let (status, empty) = archivist.get(&format!("/tiep-nhan/goi/bien-ban.pdf?phong={fonds_id}&tu=01/01/2020&den=02/01/2020")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{label}");
    assert!(empty.contains("Phông X27 chưa nhận gói nào từ 01&#x2f;01&#x2f;2020"), "{label}: {empty}");

    // Altered on the way: refused, with the reason.
    let mut altered = package.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0xff;
    let refused = send(&archivist, altered).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    assert!(refused.text().await.unwrap().contains("không tạo gì"), "{label}");
    let reader = archive.login("docgia").await;
    assert_eq!(reader.get("/tiep-nhan/goi").await.0, StatusCode::FORBIDDEN, "{label}");
    assert_eq!(reader.get(&format!("/tiep-nhan/goi/bien-ban.docx?phong={fonds_id}")).await.0, StatusCode::FORBIDDEN, "{label}");
    // Another commune's archivist: the fonds is not theirs to see, nor are its receipts.
    let other = archive.unit_id("Xã Mường Phăng").await;
    archive.user("luutru.khac", Role::Archivist, Classification::None, &[other], &[]).await;
    let outsider = archive.login("luutru.khac").await;
    assert_eq!(outsider.get(&format!("/tiep-nhan/goi/bien-ban.docx?phong={fonds_id}")).await.0, StatusCode::NOT_FOUND, "{label}");
    let (_, page) = outsider.get("/tiep-nhan/goi").await;
    assert!(!page.contains(&land) && page.contains("Chưa nhận gói nào"), "{label}");

    // The same by API, as a commune's system sends it: the second hồ sơ's package creates it, the
    // first answers as already here, a broken one is refused with its problems.
    let second_id =
        commune.store.list_dossiers(&filter).await.unwrap().items.iter().find(|d| d.fields.file_code.to_string() == second).unwrap().id;
    let stored_second = blobs.put(scanned, false).await.unwrap();
    let scan =
        kho_store::test_support::StoredFile { blob: &stored_second.name, sha256: &stored_second.sha256, size: stored_second.size as i64 };
    kho_store::test_support::digitized(&commune.store, unit, second_id, scan, None).await;
    let commune_station = commune.api("canbo.xa").await;
    let fetch = |kind: &str| {
        commune_station
            .client
            .get(format!("{}/api/v1/dossiers/{second_id}/package?kind={kind}", commune.base))
            .bearer_auth(&commune_station.token)
            .send()
    };
    assert_eq!(fetch("dip").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}: a DIP answers a request it names");
    assert_eq!(fetch("xyz").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    let today = chrono::Utc::now().format("%d/%m/%Y").to_string();
    let dip = fetch(&format!("dip&requestNumber=12&requestDate={today}&purpose=02&content=Xác%20minh%20đất&feeCategory=01&topic="))
        .await
        .unwrap();
    assert_eq!(dip.status(), StatusCode::OK, "{label}: {}", dip.text().await.unwrap_or_default());
    let dip = dip.bytes().await.unwrap().to_vec();
    let mut zipped = zip::ZipArchive::new(std::io::Cursor::new(dip)).unwrap();
    let names: Vec<String> = (0..zipped.len()).map(|i| zipped.by_index(i).unwrap().name().unwrap().to_string()).collect();
    let root = names.iter().find(|n| n.ends_with("/METS.xml") && !n.contains("representations")).unwrap().clone();
    let mut mets = String::new();
    std::io::Read::read_to_string(&mut zipped.by_name(&root).unwrap(), &mut mets).unwrap();
    assert!(mets.contains("\"DIP\""), "{label}: a DIP: {}", &mets[..mets.len().min(1500)]);
    let second_package = fetch("sip").await.unwrap();
    assert_eq!(second_package.status(), StatusCode::OK, "{label}");
    assert_eq!(second_package.headers()["content-type"], "application/zip", "{label}");
    let second_package = second_package.bytes().await.unwrap().to_vec();
    let station = archive.api("luutru").await;
    let post = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("goi.zip"));
        station.client.post(format!("{}/api/v1/packages", archive.base)).bearer_auth(&station.token).multipart(form).send()
    };
    let created = post(second_package).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED, "{label}");
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["fileCode"], second.as_str(), "{label}: {created}");
    assert_eq!(archive.store.dossier_by_code(&second).await.unwrap().id, created["dossierId"].as_i64().unwrap(), "{label}");
    let known: serde_json::Value = post(package.clone()).await.unwrap().json().await.unwrap();
    assert_eq!((known["alreadyHere"].as_bool(), known["fileCode"].as_str()), (Some(true), Some(land.as_str())), "{label}: {known}");
    let broken = post(package[..package.len() / 2].to_vec()).await.unwrap();
    assert_eq!(broken.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    let broken: serde_json::Value = broken.json().await.unwrap();
    assert!(!broken["problems"].as_array().unwrap().is_empty(), "{label}: {broken}");
}
