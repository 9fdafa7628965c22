//! Each role's home (Tổng quan) is its work: a commune clerk's commune — its line of the plan
//! against what is done, leaving out other communes and records above the clerk's clearance —,
//! the province archivist's queue, the Lãnh đạo's approvals, the contractor's assigned fonds and
//! batches, the reader's search, the administrator's province; no link on a home page is refused.

use crate::common;

use common::{App, Session, apps, hrefs, main_of, menu};
use kho_model::ArchiveDate;
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::accession::AccessionFields;
use kho_model::arrangement::StepStatus;
use kho_model::disposal::Reason;
use kho_model::record::FondsInput;
use kho_store::{DisposalStep, StepRecord};
use reqwest::StatusCode;

/// What the tests need: two communes' fonds, a Mật hồ sơ in the first, accessions from both,
/// both fonds in chỉnh lý, and danh mục hủy waiting for a decision — one holding the Mật hồ sơ.
struct World {
    commune_a: i64,
    commune_b: i64,
    fonds_a: i64,
    fonds_b: i64,
    public_list: i64,
    secret_list: i64,
    dossier_a: i64,
}

async fn accession(app: &App, giving: i64, metres: i64) {
    let fields = AccessionFields {
        received_on: ArchiveDate::parse("2026-03-02").unwrap(),
        giving_unit_id: giving,
        receiving_unit_id: app.archive,
        giving_person: "Bên giao".into(),
        giving_position: None,
        receiving_person: "Bên nhận".into(),
        receiving_position: None,
        material: format!("Tài liệu của đơn vị {giving}"),
        start_year: None,
        end_year: None,
        bags: None,
        boxes: None,
        dossiers: None,
        metres: Some(metres),
        condition: None,
        basis: None,
        notes: None,
        items: vec![],
    };
    app.store.create_accession(&fields, "test").await.unwrap();
}

async fn appraised_list(app: &App, fonds: i64, title: &str, dossiers: &[i64]) -> i64 {
    let items: Vec<(i64, Reason)> = dossiers.iter().map(|d| (*d, Reason::Expired)).collect();
    let id = app.store.create_disposal_list(fonds, title, "Hết thời hạn bảo quản.", &items, "test").await.unwrap();
    let on = ArchiveDate::parse("2026-04-01").unwrap();
    app.store.advance_disposal(id, DisposalStep::Council { opinions: "Đồng ý", on }).await.unwrap();
    app.store.advance_disposal(id, DisposalStep::Appraisal { body: "Sở Nội vụ", reference: "12/SNV", on }).await.unwrap();
    id
}

async fn world(app: &App) -> World {
    let commune_a = app.unit_id("Xã Mường Ảng").await;
    let commune_b = app.unit_id("Xã Mường Phăng").await;
    let fonds = |code: &str, unit: i64| FondsInput {
        code: code.into(),
        name: format!("Ủy ban nhân dân xã {code}"),
        unit_id: unit.to_string(),
        status: "01".into(),
        ..Default::default()
    };
    let (fonds_a, inventory_a) = app.fonds_with_inventory(fonds("X27", commune_a)).await;
    let (fonds_b, inventory_b) = app.fonds_with_inventory(fonds("X04", commune_b)).await;
    let dossier_a = app.dossier(inventory_a, &common::dossier_input("01", "Sổ đăng ký khai sinh năm 2001", false)).await;
    let other_a = app.dossier(inventory_a, &common::dossier_input("02", "Sổ đăng ký kết hôn năm 2001", false)).await;
    let secret_a = app.dossier(inventory_a, &common::dossier_input("03", "Hồ sơ quốc phòng năm 2001", true)).await;
    let mut dossiers_b = vec![];
    for n in 1..=5 {
        dossiers_b.push(app.dossier(inventory_b, &common::dossier_input(&format!("0{n}"), &format!("Hồ sơ số {n} năm 2001"), false)).await);
    }
    accession(app, commune_a, 150).await;
    accession(app, commune_b, 300).await;
    for fonds in [fonds_a, fonds_b] {
        let step = StepRecord { step: 1, status: StepStatus::Done, ..Default::default() };
        app.store.set_step(fonds, &step).await.unwrap();
        let step = StepRecord { step: 2, status: StepStatus::InProgress, ..Default::default() };
        app.store.set_step(fonds, &step).await.unwrap();
    }
    let public_list = appraised_list(app, fonds_a, "Danh mục hủy công khai", &[other_a]).await;
    let secret_list = appraised_list(app, fonds_a, "Danh mục hủy có hồ sơ mật", &[secret_a]).await;
    // Scans: in each commune a batch whose hồ sơ have one page read and one to scan again —
    // in the first commune a public hồ sơ and the Mật one.
    let batch_a = scanned(app, commune_a, &[dossier_a, secret_a]).await;
    scanned(app, commune_b, &dossiers_b[..1]).await;
    let _ = batch_a;
    World { commune_a, commune_b, fonds_a, fonds_b, public_list, secret_list, dossier_a }
}

/// A lô số hóa of `unit` holding `dossiers`, each scanned as two pages: the first read, the
/// second to scan again.
async fn scanned(app: &App, unit: i64, dossiers: &[i64]) -> i64 {
    let batch = app.store.create_batch(unit, "Lô thử", kho_model::digitization::OriginalKind::Text, "test").await.unwrap();
    let entries: Vec<(i64, i64, &str)> = dossiers.iter().map(|d| (*d, 1, "thử")).collect();
    app.store.add_to_batch(batch, &entries).await.unwrap();
    for dossier in dossiers {
        let file = kho_store::NewScanFile {
            batch_id: batch,
            dossier_id: *dossier,
            ordinal: None,
            file_name: format!("{dossier}.tif"),
            format: "tiff".into(),
            size: 1,
            sha256: format!("{dossier:064}"),
            blob: format!("{dossier:064}"),
            sealed: false,
            page_count: 2,
            uploaded_by: "test".into(),
        };
        app.store.add_scan_file(&file).await.unwrap();
    }
    app.catalogue.tamper(&format!("UPDATE scan_pages SET state = 'done' WHERE batch_id = {batch} AND page_no = 1")).await;
    app.catalogue.tamper(&format!("UPDATE scan_pages SET state = 'rescan' WHERE batch_id = {batch} AND page_no = 2")).await;
    batch
}

fn card(figure: &str, label: &str) -> String {
    format!(r#"<div class="figure">{figure}</div><div class="label">{label}"#)
}

/// Every link of the page's menu and main part opens for this person (nothing answers 403).
async fn links_open(session: &Session, html: &str, who: &str) {
    let mut links = menu(html);
    links.extend(hrefs(main_of(html)));
    for href in links.iter().filter(|h| h.starts_with('/')) {
        let (status, _) = session.get(href).await;
        assert!(status.is_success(), "{who}: {href} answered {status}");
    }
}

#[tokio::test]
async fn a_commune_clerk_s_home_is_the_commune_and_leaves_out_others_and_secrets() {
    for app in apps().await {
        let w = world(&app).await;
        app.user("xa.a", Role::Archivist, Classification::None, &[w.commune_a], &[]).await;
        app.user("xa.a.mat", Role::Archivist, Classification::Confidential, &[w.commune_a], &[]).await;
        let clerk = app.login("xa.a").await;
        let (status, html) = clerk.get("/").await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        let main = main_of(&html);
        assert!(main.contains(&format!(r#"<a href="/don-vi/{}">Xã Mường Ảng</a>"#, w.commune_a)), "{main}");
        // The commune's line of the plan (198 m, 2,5 m of it Mật) and its deadline.
        assert!(main.contains(&card("198 m", "chỉ tiêu theo kế hoạch (2,5 m tài liệu mật)")), "{main}");
        assert!(main.contains(&card("15/12/2035", "hạn hoàn thành")), "{main}");
        // Received from this commune only (1,5 m; the other commune gave 3 m).
        assert!(main.contains(&card("1,5 m", "đã giao nhận")), "{main}");
        // Two hồ sơ described: the Mật one is above the clerk's clearance, the other commune's
        // five are out of scope.
        assert!(main.contains(&card("2", "hồ sơ đã biên mục")), "{main}");
        // One page read: the Mật hồ sơ's and the other commune's are not the clerk's to count.
        assert!(main.contains(&card("1", "trang đã số hóa")), "{main}");
        assert!(main.contains("Lô số hóa cần xử lý (1)") && main.contains(": 1 trang chờ quét lại"), "{main}");
        // Not the province's totals, nor the other commune.
        assert!(!main.contains("Toàn tỉnh") && !main.contains("tài liệu cấp huyện"), "{main}");
        assert!(!main.contains("Xã Mường Phăng") && !main.contains("X04"), "{main}");
        // What waits on the clerk: the commune's fonds in chỉnh lý; the danh mục of the public
        // hồ sơ is the Lãnh đạo's to decide, so it waits on nobody here.
        assert!(main.contains(&format!(r#"<a href="/phong/{}/chinh-ly">X27"#, w.fonds_a)), "{main}");
        assert!(!main.contains(&format!("/phong/{}/chinh-ly", w.fonds_b)), "{main}");
        assert!(main.contains("Phông đang chỉnh lý (1)"), "{main}");
        assert!(main.contains("Giao nhận gần đây (1)"), "{main}");
        links_open(&clerk, &html, "xa.a").await;

        // Cleared for Mật, the same clerk counts the Mật hồ sơ too.
        let cleared = app.login("xa.a.mat").await;
        let (_, html) = cleared.get("/").await;
        let main = main_of(&html);
        assert!(main.contains(&card("3", "hồ sơ đã biên mục")) && main.contains(&card("2", "trang đã số hóa")), "{main}");
        assert!(main.contains(": 2 trang chờ quét lại"), "{main}");
        let _ = w.commune_b;
    }
}

#[tokio::test]
async fn each_role_s_home_is_its_work_and_no_link_on_it_is_refused() {
    for app in apps().await {
        let w = world(&app).await;
        app.user("tinh", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::None, &[app.archive], &[]).await;
        app.user("lanhdao.mat", Role::Leader, Classification::Confidential, &[app.archive], &[]).await;
        app.user("sohoa", Role::Contractor, Classification::None, &[], &[w.fonds_a]).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        app.store
            .propose_clearance(app.store.user_by_name("tinh").await.unwrap().unwrap().id, Classification::Confidential, "quantri")
            .await
            .unwrap();

        // The province archivist: the queue of the whole province.
        let archivist = app.login("tinh").await;
        let (_, html) = archivist.get("/").await;
        let main = main_of(&html);
        assert!(
            main.contains("Việc đang chờ") && main.contains("Phông đang chỉnh lý (2)") && main.contains("Giao nhận gần đây (2)"),
            "{main}"
        );
        assert!(main.contains("Lô số hóa cần xử lý (2)"), "{main}");
        links_open(&archivist, &html, "tinh").await;

        // The Lãnh đạo: the danh mục to decide — not the one holding a Mật hồ sơ, which does not
        // exist for an uncleared leader — and the clearance proposed.
        let leader = app.login("lanhdao").await;
        let (_, html) = leader.get("/").await;
        let main = main_of(&html);
        assert!(main.contains("Danh mục tài liệu hủy chờ quyết định (1)"), "{main}");
        assert!(main.contains(&format!("/danh-muc-huy/{}", w.public_list)), "{main}");
        assert!(!main.contains(&format!("/danh-muc-huy/{}", w.secret_list)) && !main.contains("có hồ sơ mật"), "{main}");
        assert!(main.contains("Đề xuất nâng độ mật (1)") && main.contains(r#"href="/quan-tri/do-mat""#), "{main}");
        links_open(&leader, &html, "lanhdao").await;
        let cleared = app.login("lanhdao.mat").await;
        let (_, html) = cleared.get("/").await;
        assert!(main_of(&html).contains("Danh mục tài liệu hủy chờ quyết định (2)"), "{}", main_of(&html));

        // The scanning contractor: the assigned fonds, its batches and the button to make one.
        let contractor = app.login("sohoa").await;
        let (_, html) = contractor.get("/").await;
        let main = main_of(&html);
        assert!(main.contains("Phông được giao số hóa") && main.contains(&format!(r#"<a href="/phong/{}">X27"#, w.fonds_a)), "{main}");
        assert!(main.contains(r#"<a class="button" href="/so-hoa/moi">Lập lô số hóa</a>"#), "{main}");
        assert!(!main.contains("X04") && !main.contains("Toàn tỉnh"), "{main}");
        links_open(&contractor, &html, "sohoa").await;

        // The reader: the search, and nothing of the archive's internal work.
        let reader = app.login("docgia").await;
        let (_, html) = reader.get("/").await;
        let main = main_of(&html);
        assert!(main.contains(r#"action="/tra-cuu""#) && main.contains("Tra cứu hồ sơ"), "{main}");
        // Public hồ sơ only: two of X27 (not its Mật one) and the five of X04.
        assert!(main.contains("Có 7 hồ sơ công khai"), "{main}");
        assert!(!main.contains("Việc đang chờ") && !main.contains("Toàn tỉnh"), "{main}");
        links_open(&reader, &html, "docgia").await;

        // The administrator: the province's figures and a live Quản trị.
        let admin = app.login("quantri").await;
        let (_, html) = admin.get("/").await;
        assert!(main_of(&html).contains("Toàn tỉnh"), "{}", main_of(&html));
        links_open(&admin, &html, "quantri").await;
        let _ = w.dossier_a;
    }
}
