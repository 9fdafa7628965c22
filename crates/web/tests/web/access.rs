//! Khai thác as a reader and a Lãnh đạo meet it, and as insiders would abuse it: a reader asks
//! for hồ sơ by their codes — one in public use is granted at once, one under conditional use
//! waits —, and anything closed, classified or absent is refused in the same words; the Lãnh đạo
//! refuses only with a reason and grants; the reader reads the bản đọc (the agency's name burnt
//! into the foot of each page) and downloads the certified copy, signed by the archive with the
//! "BẢN SAO" mark; every delivery is logged and counted by month. Another reader, a Lãnh đạo of
//! another commune, an expired grant and a hồ sơ classified after its grant all find nothing.

use crate::common;

use common::{App, apps_with};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;
use std::path::Path;

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages");
const AGENCY: &str = "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên";

struct Holdings {
    public: (i64, String),
    conditional: (i64, String),
    closed: String,
    secret: String,
}

/// Four hồ sơ of Xã Mường Ảng: public, conditional, closed (mode 03) and Mật; the first two
/// scanned, read and signed through the real line.
async fn holdings(app: &App, key: &std::sync::Arc<dyn kho_digitize::sign::SigningKey>) -> Holdings {
    let unit = app.unit_id("Xã Mường Ảng").await;
    let specs = [
        ("15", "Hồ sơ giao đất ở tại bản Co Mận", "01", "1"),
        ("16", "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất hộ ông Lò Văn Pọm", "01", "1"),
        ("17", "Hồ sơ xử lý đơn thư tố cáo năm 2019", "01", "1"),
        ("18", "Hồ sơ công tác quốc phòng địa phương", "01", "1"),
    ];
    let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &specs).await;
    let set = |id: i64, mode: kho_model::Mode, classification: Classification| {
        let store = app.store.clone();
        async move {
            let mut fields = store.dossier(id).await.unwrap().fields;
            fields.mode = mode;
            fields.classification = classification;
            store.update_dossier(id, &fields).await.unwrap();
        }
    };
    set(made[1].0, kho_model::Mode::Conditional, Classification::None).await;
    set(made[2].0, kho_model::Mode::Secret, Classification::None).await;
    set(made[3].0, kho_model::Mode::Conditional, Classification::Confidential).await;

    app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
    let session = app.login("sohoa").await;
    let created = session.post("/so-hoa", &[("name", "Lô khai thác"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
    let batch = created.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").to_string();
    let png = std::fs::read(Path::new(PAGES).join("trang1-300dpi.png")).unwrap();
    let mut form = reqwest::multipart::Form::new().text("dossier", "");
    for code in [&made[0].1, &made[1].1] {
        form = form.part("file", reqwest::multipart::Part::bytes(png.clone()).file_name(format!("{code}.png")));
    }
    let sent =
        session.client.post(format!("{}/so-hoa/{batch}/tep?_csrf={}", session.base, session.csrf)).multipart(form).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
    let config =
        kho_digitize::worker::WorkerConfig {
            signer: Some(key.clone()), organisation: "UBND xã Mường Ảng".into(), ..Default::default()
        };
    let worker = kho_digitize::worker::Worker::new(app.store.clone(), blobs, config);
    while worker.run_one(0).await.unwrap().is_some() {}
    assert_eq!(app.store.renditions(made[0].0).await.unwrap().len(), 1, "{}", app.label);
    Holdings { public: made[0].clone(), conditional: made[1].clone(), closed: made[2].1.clone(), secret: made[3].1.clone() }
}

/// The archive's signing key, from a throw-away PKI in its own folder.
fn archive_key() -> (tempfile::TempDir, kho_digitize::testing::TestPki, std::sync::Arc<dyn kho_digitize::sign::SigningKey>) {
    let dir = tempfile::tempdir().unwrap();
    let pki = kho_digitize::testing::pki(dir.path());
    let key = kho_digitize::sign::Pkcs12Key::open(&std::fs::read(&pki.p12).unwrap(), pki.password).unwrap();
    (dir, pki, std::sync::Arc::new(key))
}

fn phieu<'a>(codes: &'a str, output: &'a str, days: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("ho_ten", "Lò Thị Xuân"),
        ("so_dinh_danh", "011190004321"),
        ("co_quan", ""),
        ("muc_dich", "01"),
        ("doi_tuong", ""),
        ("de_tai", "Lịch sử giao đất bản Co Mận"),
        ("hinh_thuc", output),
        ("so_ngay", days),
        ("ma_ho_so", codes),
    ]
}

/// Dark pixels in the bottom twentieth of a JPEG, and in the rest.
fn foot_ink(jpeg: &[u8]) -> (usize, usize) {
    let image = image::load_from_memory(jpeg).unwrap().to_luma8();
    let (w, h) = image.dimensions();
    let foot = h - h / 20;
    let dark =
        |ys: std::ops::Range<u32>| ys.flat_map(|y| (0..w).map(move |x| (x, y))).filter(|&(x, y)| image.get_pixel(x, y).0[0] < 80).count();
    (dark(foot..h), dark(0..foot))
}

#[tokio::test]
async fn a_reader_asks_a_lãnh_đạo_grants_and_the_reader_reads_and_receives_a_certified_copy() {
    let (_dir, pki, key) = archive_key();
    let config = kho_web::WebConfig { signer: Some(kho_web::Signer(key.clone())), organisation: AGENCY.into(), ..Default::default() };
    for app in apps_with(config, false).await {
        let label = app.label;
        let h = holdings(&app, &key).await;
        let other_unit = app.unit_id("Xã Mường Phăng").await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("docgia2", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::Secret, &[app.archive], &[]).await;
        app.user("lanhdao-xa", Role::Leader, Classification::Secret, &[other_unit], &[]).await;
        let reader = app.login("docgia").await;

        // From the public hồ sơ's page, the form comes with its code.
        let (status, page) = reader.get(&format!("/khai-thac/moi?ho_so={}", h.public.0)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains(&h.public.1), "{label}");

        // Closed, secret and absent codes: refused, in words that tell them apart only by the code.
        let codes = format!("{}\n{}\n{}\n{}\nX27.2019.99.1", h.public.1, h.closed, h.secret, h.conditional.1);
        let refused = reader.post("/khai-thac", &phieu(&codes, "ban_sao_xac_thuc", "3")).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let page = refused.text().await.unwrap();
        let problems =
            page.split("id=\"problems\">").nth(1).and_then(|p| p.split("</ul>").next()).unwrap_or_else(|| panic!("{label}: {page}"));
        let said = |code: &str| {
            let li = problems.split("<li>").find(|li| li.contains(code)).unwrap_or_else(|| panic!("{code}: {problems}"));
            li.trim_end_matches("</li>").replace(code, "MÃ")
        };
        assert_eq!(said(&h.closed), said("X27.2019.99.1"), "{label}: a closed hồ sơ reads as an absent one");
        assert_eq!(said(&h.secret), said("X27.2019.99.1"), "{label}: a secret one too");
        assert!(!problems.contains(&h.public.1) && !problems.contains(&h.conditional.1), "{label}: {problems}");
        assert!(!page.contains("Mật") && !page.contains("tố cáo") && !page.contains("quốc phòng"), "{label}");
        let (lines, total) = app.store.access_requests(&kho_store::AccessFilter::Reader(0), None, 10).await.unwrap();
        assert_eq!((lines.len(), total), (0, 0), "{label}: nothing half-recorded");
        let bad = reader.post("/khai-thac", &phieu("", "in_ra", "16")).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = bad.text().await.unwrap();
        assert!(
            page.contains("Thời hạn khai thác “16”: từ 1 đến 15 ngày.") && page.contains("Mã hồ sơ cần khai thác: bắt buộc nhập."),
            "{label}"
        );

        let codes = format!("{}\n{}", h.public.1, h.conditional.1);
        let sent = reader.post("/khai-thac", &phieu(&codes, "ban_sao_xac_thuc", "3")).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{label}");
        let at = sent.headers()["location"].to_str().unwrap().to_string();
        let id: i64 = at.trim_start_matches("/khai-thac/").parse().unwrap();
        let (_, page) = reader.get(&at).await;
        assert!(
            page.contains(&format!("data-dossier=\"{}\" data-state=\"duoc_khai_thac\"", h.public.0)),
            "{label}: public, granted at once"
        );
        assert!(page.contains(&format!("data-dossier=\"{}\" data-state=\"cho_duyet\"", h.conditional.0)), "{label}: conditional, waiting");
        let read = |d: i64| format!("/khai-thac/{id}/ho-so/{d}");
        assert_eq!(reader.get(&read(h.conditional.0)).await.0, StatusCode::CONFLICT, "{label}: not before the grant");

        // The bản đọc of the public hồ sơ: its page with the agency's name at the foot.
        let (status, view) = reader.get(&read(h.public.0)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(!view.contains("download") && !view.contains(".pdf"), "{label}: no download link");
        let page_id = app.store.dossier_page_ids(h.public.0).await.unwrap()[0];
        let image_at = format!("{}/trang/{page_id}", read(h.public.0));
        assert!(view.contains(&image_at), "{label}");
        let marked = reader.client.get(format!("{}{image_at}", reader.base)).send().await.unwrap();
        assert_eq!(marked.headers()["cache-control"], "private, no-store");
        let marked = marked.bytes().await.unwrap();
        // The same page as the archive's staff see it, outside any phiếu (a reader may not).
        let staff = app.login("lanhdao").await;
        let plain = staff.client.get(format!("{}/trang/{page_id}/anh?rong=1400", staff.base)).send().await.unwrap().bytes().await.unwrap();
        let (marked_foot, _) = foot_ink(&marked);
        let (plain_foot, _) = foot_ink(&plain);
        assert!(marked_foot > plain_foot + 300, "{label}: the agency's name is burnt in ({marked_foot} against {plain_foot})");

        // Nobody else reaches the phiếu or its pages.
        let stranger = app.login("docgia2").await;
        assert_eq!(stranger.get(&at).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(stranger.get(&read(h.public.0)).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(stranger.get(&image_at).await.0, StatusCode::NOT_FOUND, "{label}");
        let elsewhere = app.login("lanhdao-xa").await;
        assert_eq!(elsewhere.get(&at).await.0, StatusCode::NOT_FOUND, "{label}: a Lãnh đạo out of scope sees no phiếu");
        let forged =
            elsewhere.post(&format!("/khai-thac/{id}/duyet"), &[("ho_so", &h.conditional.0.to_string()), ("quyet_dinh", "dong_y")]).await;
        assert_eq!(forged.status(), StatusCode::NOT_FOUND, "{label}: nor grants what they do not hold");
        let forged =
            reader.post(&format!("/khai-thac/{id}/duyet"), &[("ho_so", &h.conditional.0.to_string()), ("quyet_dinh", "dong_y")]).await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{label}: a reader grants nothing");

        // The Lãnh đạo: the queue, a refusal needs its reason, then the grant.
        let leader = app.login("lanhdao").await;
        let (_, queue) = leader.get("/khai-thac").await;
        assert!(queue.split("id=\"waiting\"").nth(1).is_some_and(|t| t.contains(&format!("/khai-thac/{id}\""))), "{label}");
        let decide = |choice: &'static str, reason: &'static str| {
            let (leader, at, dossier) = (&leader, at.clone(), h.conditional.0.to_string());
            async move { leader.post(&format!("{at}/duyet"), &[("ho_so", dossier.as_str()), ("quyet_dinh", choice), ("ly_do", reason)]).await }
        };
        let unexplained = decide("tu_choi", "  ").await;
        assert_eq!(unexplained.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(unexplained.text().await.unwrap().contains("ghi lý do không cho khai thác"), "{label}");
        assert_eq!(decide("dong_y", "").await.status(), StatusCode::SEE_OTHER, "{label}");
        assert_eq!(decide("tu_choi", "Đã duyệt rồi").await.status(), StatusCode::CONFLICT, "{label}: decided once");
        assert_eq!(reader.get(&read(h.conditional.0)).await.0, StatusCode::OK, "{label}: granted");

        // The certified copy: signed by the archive, its mark "BẢN SAO".
        let rendition = app.store.renditions(h.public.0).await.unwrap()[0].id;
        let (_, page) = reader.get(&at).await;
        let link = format!("{}/ban-sao.pdf?tep={rendition}", read(h.public.0));
        assert!(page.contains(&link.replace('/', "&#x2f;")) || page.contains(&link), "{label}");
        let copy = reader.client.get(format!("{}{link}", reader.base)).send().await.unwrap();
        assert_eq!(copy.status(), StatusCode::OK, "{label}");
        let copy = copy.bytes().await.unwrap().to_vec();
        let trusted = kho_digitize::sign::TrustedSigners::load(&pki.dir.join("ca.pem")).unwrap();
        match kho_digitize::sign::verify(&copy, &trusted) {
            kho_digitize::sign::SignatureCheck::Valid { .. } => {}
            other => panic!("{label}: {other:?}"),
        }
        let document = lopdf::Document::load_mem(&copy).unwrap();
        let marks: Vec<String> = document
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"TU").ok())
            .map(|tu| lopdf::decode_text_string(tu).unwrap())
            .collect();
        assert_eq!(marks.len(), 1, "{label}: the digitizing body's signature is not carried over: {marks:?}");
        assert!(marks[0].starts_with(&format!("BẢN SAO; Chứng thực bởi: {AGENCY}")), "{label}: {marks:?}");

        // Logged: two readings and a copy, shown on the phiếu.
        let delivered = app.store.deliveries(id).await.unwrap();
        let kinds: Vec<&str> = delivered.iter().map(|d| d.output.code()).collect();
        assert_eq!(kinds, ["ban_doc", "ban_doc", "ban_sao_xac_thuc"], "{label}");
        assert_eq!(delivered[2].bytes, copy.len() as i64);
        let (_, page) = reader.get(&at).await;
        assert!(page.contains("Nhật ký cung cấp"), "{label}");

        // Classified after its grant: no longer given. Expired: gone.
        let mut fields = app.store.dossier(h.conditional.0).await.unwrap().fields;
        fields.mode = kho_model::Mode::Secret;
        app.store.update_dossier(h.conditional.0, &fields).await.unwrap();
        assert_eq!(reader.get(&read(h.conditional.0)).await.0, StatusCode::NOT_FOUND, "{label}");
        app.catalogue.tamper(&format!("UPDATE access_items SET expires_at = '2026-01-01T00:00:00Z' WHERE request_id = {id}")).await;
        let (status, page) = reader.get(&read(h.public.0)).await;
        assert_eq!(status, StatusCode::GONE, "{label}");
        assert!(page.contains("Thời hạn khai thác hồ sơ") && page.contains("đã hết"), "{label}");
        assert_eq!(reader.get(&link).await.0, StatusCode::GONE, "{label}");

        // The reading room's month: one phiếu, one reader, two hồ sơ granted, two readings, one copy.
        let year = chrono::Datelike::year(&kho_web::reports::today());
        let months = app.store.access_statistics(&kho_model::access::Visibility::everything(), year).await.unwrap();
        let month = kho_web::reports::today().format("%Y-%m").to_string();
        let now = months.months.iter().find(|m| m.month == month).unwrap();
        assert_eq!((now.requests, now.readers, now.dossiers_asked, now.granted, now.refused), (1, 1, 2, 2, 0), "{label}");
        assert_eq!(now.delivered, vec![2, 0, 1, 0], "{label}");
        assert_eq!(now.by_purpose, vec![1, 0, 0], "{label}");
        let (status, page) = leader.get(&format!("/khai-thac/thong-ke?nam={year}")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("Thống kê khai thác năm"), "{label}");
        assert_eq!(reader.get("/khai-thac/thong-ke").await.0, StatusCode::FORBIDDEN, "{label}");
        let sheet =
            leader.client.get(format!("{}/khai-thac/thong-ke.csv?nam={year}", leader.base)).send().await.unwrap().text().await.unwrap();
        assert!(sheet.contains("Phiếu yêu cầu") && sheet.contains("Cả năm"), "{label}: {sheet}");
        let audit = app
            .store
            .list_audit(&kho_store::AuditFilter { action: Some("access.grant".into()), limit: 10, ..Default::default() })
            .await
            .unwrap()
            .1;
        assert_eq!(audit.len(), 1, "{label}");
    }
}

/// An uncertified copy carries no signature, and "BẢN SAO" on page 1.
#[tokio::test]
async fn an_uncertified_copy_carries_no_signature() {
    let (_dir, _pki, key) = archive_key();
    for app in apps_with(kho_web::WebConfig::default(), false).await {
        let h = holdings(&app, &key).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        let reader = app.login("docgia").await;
        let sent = reader.post("/khai-thac", &phieu(&h.public.1, "ban_sao", "")).await;
        let at = sent.headers()["location"].to_str().unwrap().to_string();
        let copy = reader.client.get(format!("{}{at}/ho-so/{}/ban-sao.pdf", reader.base, h.public.0)).send().await.unwrap();
        assert_eq!(copy.status(), StatusCode::OK, "{}", app.label);
        assert!(copy.headers()["content-disposition"].to_str().unwrap().contains("ban-sao.pdf"));
        let copy = copy.bytes().await.unwrap();
        assert_eq!(kho_digitize::sign::verify(&copy, &Default::default()), kho_digitize::sign::SignatureCheck::Unsigned, "{}", app.label);
        // The DIP was not asked for: not given.
        assert_eq!(reader.get(&format!("{at}/ho-so/{}/goi-khai-thac.zip", h.public.0)).await.0, StatusCode::NOT_FOUND);
        // Outside a phiếu a reader finds the hồ sơ, not its content: no page, no signed PDF/A,
        // so that every copy a reader takes is asked for, decided and logged.
        let rendition = app.store.renditions(h.public.0).await.unwrap()[0].id;
        let page = app.store.dossier_page_ids(h.public.0).await.unwrap()[0];
        for path in [format!("/ban-so-hoa/{rendition}"), format!("/trang/{page}"), format!("/trang/{page}/anh")] {
            assert_eq!(reader.get(&path).await.0, StatusCode::FORBIDDEN, "{}: {path}", app.label);
        }
        let (_, record) = reader.get(&format!("/ho-so/{}", h.public.0)).await;
        let links = common::hrefs(&record);
        assert!(
            !links.iter().any(|l| l.starts_with("/ban-so-hoa/") || l.starts_with("/trang/")),
            "{}: no content links: {links:?}",
            app.label
        );
        assert!(links.iter().any(|l| l.starts_with("/khai-thac/moi?ho_so=")), "{}: but the way to ask for it: {links:?}", app.label);
    }
}

/// A certified DIP: the package carries the phiếu and, under `documentation/`, the authentication
/// sheet of its eleven items signed by the archive; the package passes Kho's own checks as any
/// package received would. Without the archive's key, none is issued.
#[tokio::test]
async fn a_certified_dip_carries_its_authentication_sheet_signed_by_the_archive() {
    let (dir, pki, key) = archive_key();
    let config = kho_web::WebConfig { signer: Some(kho_web::Signer(key.clone())), organisation: AGENCY.into(), ..Default::default() };
    for app in apps_with(config, false).await {
        let label = app.label;
        let h = holdings(&app, &key).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        let reader = app.login("docgia").await;
        let sent = reader.post("/khai-thac", &phieu(&h.public.1, "goi_khai_thac", "10")).await;
        let at = sent.headers()["location"].to_str().unwrap().to_string();
        let (_, page) = reader.get(&at).await;
        let link = format!("{at}/ho-so/{}/goi-khai-thac.zip", h.public.0);
        assert!(page.contains(&link.replace('/', "&#x2f;")) || page.contains(&link), "{label}");
        let zip = reader.client.get(format!("{}{link}", reader.base)).send().await.unwrap();
        assert_eq!(zip.status(), StatusCode::OK, "{label}");
        let bytes = zip.bytes().await.unwrap().to_vec();
        let received = kho_packages::check::check(std::io::Cursor::new(bytes.clone()), Default::default());
        assert!(received.is_ok(), "{label}: {:?}", received.err());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().unwrap().to_string()).collect();
        let sheet_name = names.iter().find(|n| n.ends_with("/documentation/GiayXacThuc.pdf")).unwrap_or_else(|| panic!("{names:?}"));
        let mut sheet = vec![];
        std::io::Read::read_to_end(&mut archive.by_name(sheet_name).unwrap(), &mut sheet).unwrap();
        let trusted = kho_digitize::sign::TrustedSigners::load(&pki.dir.join("ca.pem")).unwrap();
        assert!(matches!(kho_digitize::sign::verify(&sheet, &trusted), kho_digitize::sign::SignatureCheck::Valid { .. }), "{label}");
        let path = dir.path().join(format!("giay-xac-thuc-{label}.pdf"));
        std::fs::write(&path, &sheet).unwrap();
        let (valid, preflight) = kho_digitize::testing::preflight(&path);
        assert!(valid, "{label}: the signed sheet is PDF/A-1b: {preflight}");
        let text = kho_digitize::testing::run(dir.path(), "pdftotext", &[path.to_str().unwrap(), "-"]);
        for item in [
            "GIẤY XÁC THỰC",
            "Mã xác thực lưu trữ",
            "Lò Thị Xuân — 011190004321",
            &h.public.1,
            "Hồ sơ giao đất ở tại bản Co",
            "Số lượng bản",
            "Thời hạn sử dụng",
        ] {
            assert!(text.contains(item), "{label}: {item} in {text}");
        }
        let root_mets = names.iter().find(|n| n.ends_with("/METS.xml") && n.matches('/').count() == 1).unwrap();
        let mut mets = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(root_mets).unwrap(), &mut mets).unwrap();
        assert!(mets.contains("documentation/GiayXacThuc.pdf"), "{label}: listed in the METS");
        let delivered = app.store.deliveries(sent_id(&at)).await.unwrap();
        assert_eq!(delivered.len(), 1);
        assert_eq!(delivered[0].output, kho_model::access_request::Output::Package);
        assert_eq!(delivered[0].bytes, sheet.len() as i64, "{label}: the sheet's size and digest are logged");
    }
    // Without the archive's key: none issued, and the reader is told why.
    for app in apps_with(kho_web::WebConfig::default(), false).await {
        let h = holdings(&app, &key).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        let reader = app.login("docgia").await;
        let sent = reader.post("/khai-thac", &phieu(&h.public.1, "goi_khai_thac", "10")).await;
        let at = sent.headers()["location"].to_str().unwrap().to_string();
        let (status, page) = reader.get(&format!("{at}/ho-so/{}/goi-khai-thac.zip", h.public.0)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}", app.label);
        assert!(page.contains("Chưa cấu hình khóa ký số"), "{}", app.label);
    }
}

fn sent_id(at: &str) -> i64 {
    at.trim_start_matches("/khai-thac/").parse().unwrap()
}

/// The same path by API alone, as the province's other systems would walk it: a reader files a
/// phiếu (each bad field named; closed and absent codes refused in the same words), a Lãnh đạo
/// finds it waiting, refuses only with a reason and decides once, the reader fetches the copy,
/// another reader finds nothing, and the month counts it — all in the OpenAPI document.
#[tokio::test]
async fn khai_thác_by_api_alone() {
    let (_dir, _pki, key) = archive_key();
    for app in apps_with(kho_web::WebConfig::default(), false).await {
        let label = app.label;
        let h = holdings(&app, &key).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("docgia2", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::Secret, &[app.archive], &[]).await;
        let (reader, other, leader) = (app.api("docgia").await, app.api("docgia2").await, app.api("lanhdao").await);
        let post = reqwest::Method::POST;
        let phieu = |codes: Vec<&str>, days: serde_json::Value, topic: &str| {
            serde_json::json!({
                "readerName": "Lò Thị Xuân", "identityNo": "011190004321", "purpose": "01", "topic": topic,
                "output": "ban_sao", "days": days, "codes": codes,
            })
        };

        let (status, body) = reader.call(post.clone(), "/api/v1/access-requests", Some(phieu(vec![], 20.into(), ""))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["topic", "days", "codes"], "{label}: {body}");

        let (status, body) =
            reader.call(post.clone(), "/api/v1/access-requests", Some(phieu(vec![&h.closed, "X27.2019.99.1"], 3.into(), "Giao đất"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let said: Vec<String> =
            body["error"]["fields"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap().replace(&h.closed, "MÃ")).collect();
        assert_eq!(said[0], said[1].replace("X27.2019.99.1", "MÃ"), "{label}: a closed hồ sơ reads as an absent one");

        let codes = vec![h.public.1.as_str(), h.conditional.1.as_str()];
        let (status, body) = reader.call(post.clone(), "/api/v1/access-requests", Some(phieu(codes, 3.into(), "Giao đất"))).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {body}");
        let id = body["id"].as_i64().unwrap();
        let at = format!("/api/v1/access-requests/{id}");
        let (_, phieu) = reader.call(reqwest::Method::GET, &at, None).await;
        let states: Vec<&str> = phieu["items"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
        assert_eq!(states, ["duoc_khai_thac", "cho_duyet"], "{label}: {phieu}");
        assert_eq!(other.call(reqwest::Method::GET, &at, None).await.0, StatusCode::NOT_FOUND, "{label}: another reader's");
        let (_, mine) = reader.call(reqwest::Method::GET, "/api/v1/access-requests", None).await;
        assert_eq!((mine["total"].as_i64(), mine["entries"][0]["id"].as_i64()), (Some(1), Some(id)), "{label}: {mine}");

        let (_, waiting) = leader.call(reqwest::Method::GET, "/api/v1/access-requests?list=waiting", None).await;
        assert_eq!(waiting["entries"][0]["id"].as_i64(), Some(id), "{label}: {waiting}");
        let decide = |decision: &str, reason: &str| {
            Some(serde_json::json!({ "dossierId": h.conditional.0, "decision": decision, "reason": reason }))
        };
        let decisions = format!("{at}/decisions");
        assert_eq!(leader.call(post.clone(), &decisions, decide("refuse", "")).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(reader.call(post.clone(), &decisions, decide("grant", "")).await.0, StatusCode::FORBIDDEN, "{label}: a reader");
        assert_eq!(leader.call(post.clone(), &decisions, decide("grant", "")).await.0, StatusCode::OK, "{label}");
        assert_eq!(leader.call(post.clone(), &decisions, decide("refuse", "Muộn")).await.0, StatusCode::CONFLICT, "{label}: once");

        let copy = format!("{}{at}/dossiers/{}/copy", reader.base, h.public.0);
        let response = reader.client.get(&copy).bearer_auth(&reader.token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{label}");
        assert_eq!(response.headers()["content-type"], "application/pdf", "{label}");
        let pdf = response.bytes().await.unwrap();
        assert_eq!(kho_digitize::sign::verify(&pdf, &Default::default()), kho_digitize::sign::SignatureCheck::Unsigned, "{label}");
        let stolen = other.client.get(&copy).bearer_auth(&other.token).send().await.unwrap();
        assert_eq!(stolen.status(), StatusCode::NOT_FOUND, "{label}: another reader's copy");
        let (_, phieu) = reader.call(reqwest::Method::GET, &at, None).await;
        assert_eq!(phieu["deliveries"][0]["sha256"].as_str(), Some(kho_blobs::sha256_hex(&pdf).as_str()), "{label}: {phieu}");

        app.user("luutru", Role::Archivist, Classification::Secret, &[app.archive], &[]).await;
        let (status, figures) = app.api("luutru").await.call(reqwest::Method::GET, "/api/v1/access-statistics", None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let month = figures["months"].as_array().unwrap().iter().find(|m| m["requests"].as_i64() == Some(1)).expect("this month");
        assert_eq!((month["granted"].as_i64(), month["delivered"]["ban_sao"].as_i64()), (Some(2), Some(1)), "{label}: {month}");
        assert_eq!(reader.call(reqwest::Method::GET, "/api/v1/access-statistics", None).await.0, StatusCode::FORBIDDEN, "{label}");
        assert_eq!((figures["whole"]["requests"].as_i64(), figures["whole"]["readers"].as_i64()), (Some(1), Some(1)), "{label}");

        // The year's annual report counts the reading room: the commune's own, and the province's.
        let year = chrono::Datelike::year(&kho_web::reports::today());
        let unit = app.unit_id("Xã Mường Ảng").await;
        let archivist = app.login("luutru").await;
        let said = "6. Phục vụ khai thác, sử dụng tài liệu: trong năm có 1 phiếu yêu cầu khai thác của 1 người, yêu cầu 2 lượt hồ sơ; \
                    2 lượt hồ sơ được phục vụ, 0 lượt không được khai thác; 0 lượt đọc bản đọc, cấp 1 bản sao và 0 bản sao có xác thực.";
        for query in [format!("nam={year}&don_vi={unit}"), format!("nam={year}")] {
            let pdf = archivist.client.get(format!("{}/bao-cao/nam.pdf?{query}", archivist.base)).send().await.unwrap();
            assert_eq!(pdf.status(), StatusCode::OK, "{label}: {query}");
            let text = common::pdf_text(&pdf.bytes().await.unwrap()).split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(said), "{label}: {query}: {text}");
        }

        let (_, openapi) = reader.call(reqwest::Method::GET, "/api/v1/openapi.json", None).await;
        for path in
            ["/api/v1/access-requests", "/api/v1/access-requests/{id}/decisions", "/api/v1/access-requests/{id}/dossiers/{dossier}/copy"]
        {
            assert!(openapi["paths"].get(path).is_some(), "{label}: {path} in the OpenAPI document");
        }
    }
}

/// Each list of phiếu pages on by its own cursor: a Lãnh đạo walking back through every phiếu
/// still sees the newest of those waiting on them.
#[tokio::test]
async fn each_list_of_phiếu_pages_on_by_its_own_cursor() {
    for app in apps_with(kho_web::WebConfig::default(), false).await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let (_, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &[("1", "Hồ sơ giao đất", "01", "1")]).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::Secret, &[app.archive], &[]).await;
        let reader = app.store.user_by_name("docgia").await.unwrap().unwrap().id;
        let form = kho_model::access_request::RequestForm::checked(
            "Lò Thị Xuân",
            "",
            "011190004321",
            "01",
            "",
            "Giao đất",
            "ban_doc",
            "3",
            &made[0].1,
        )
        .unwrap();
        let mut ids = vec![];
        for _ in 0..60 {
            ids.push(app.store.submit_access_request(reader, &form, &[(made[0].0, kho_model::Mode::Conditional)]).await.unwrap());
        }
        let leader = app.login("lanhdao").await;
        let (_, page) = leader.get("/khai-thac").await;
        let next = |page: &str, cursor: &str| -> Option<i64> {
            let link = page.split(&format!("?{cursor}=")).nth(1)?;
            link[..link.find('"')?].parse().ok()
        };
        let back = next(&page, "truoc_tat_ca").unwrap_or_else(|| panic!("{label}: every phiếu pages on"));
        assert!(next(&page, "truoc_cho_duyet").is_some(), "{label}: those waiting page on too");
        let (_, older) = leader.get(&format!("/khai-thac?truoc_tat_ca={back}")).await;
        let newest = format!("/khai-thac/{}\"", ids.last().unwrap());
        let waiting = older.split("id=\"waiting\"").nth(1).unwrap().split("</table>").next().unwrap();
        let all = older.split("id=\"all\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(waiting.contains(&newest), "{label}: the waiting list stays at its first page");
        assert!(!all.contains(&newest), "{label}: every phiếu, at its second page");
    }
}
