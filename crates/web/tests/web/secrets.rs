//! Classification is a property of data, inherited by everything derived from it: a Mật văn bản
//! in a public hồ sơ, digitized in the enclave, gives a PDF/A as secret as the văn bản — its name
//! absent from the hồ sơ page, its download answering as an absent one, for another commune's
//! clerk, a reader and an uncleared clerk of the commune alike; an upload naming it answers as
//! naming nothing; and on the ordinary server no record holding files is raised to a secret.

use crate::common;

use common::App;
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::record::{DocumentInput, DossierInput};
use reqwest::StatusCode;
use std::path::Path;

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages");

/// A public hồ sơ of three pages whose second văn bản is Mật: (unit, fonds, hồ sơ id, mã hồ sơ).
async fn public_dossier_with_a_secret_document(app: &App) -> (i64, i64, i64, String) {
    let unit = app.unit_id("Xã Mường Ảng").await;
    let dossiers = [("15", "Hồ sơ giao đất ở tại bản Co Mận", "05", "3")];
    let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
    let (dossier, code) = made[0].clone();
    for (ordinal, subject, pages, mode, classification) in
        [("1", "Về việc giao đất ở cho ông Lò Văn Thưởng", "2", "01", "00"), ("2", "Bản đồ vị trí đồn biên phòng", "1", "03", "01")]
    {
        let input = DocumentInput {
            doc_ordinal: ordinal.into(),
            type_name: "02".into(),
            issued_date: "12/03/2019".into(),
            organ_name: "Ủy ban nhân dân xã Mường Ảng".into(),
            subject: subject.into(),
            number_of_page: pages.into(),
            mode: mode.into(),
            classification: classification.into(),
            ..Default::default()
        };
        app.store.create_document(dossier, &input.parse().unwrap()).await.unwrap();
    }
    (unit, fonds, dossier, code)
}

async fn upload(session: &common::Session, batch: &str, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("dossier", "")
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let response =
        session.client.post(format!("{}/so-hoa/{batch}/tep?_csrf={}", session.base, session.csrf)).multipart(form).send().await.unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_pdf_a_of_a_secret_document_is_as_secret_as_the_document() {
    let config = kho_web::WebConfig { enclave: true, ..Default::default() };
    for app in common::apps_with(config, true).await {
        let (unit, fonds, dossier, code) = public_dossier_with_a_secret_document(&app).await;
        app.user("mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        app.user("thuong", Role::Archivist, Classification::None, &[unit], &[]).await;
        let other = app.unit_id("Xã Nà Tấu").await;
        app.user("xa.khac", Role::Archivist, Classification::Confidential, &[other], &[]).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        let cleared = app.login("mat").await;
        let created = cleared.post("/so-hoa", &[("name", "Lô 1"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let batch = created.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").to_string();

        // The uncleared clerk's upload naming the hồ sơ answers as one naming nothing.
        let uncleared = app.login("thuong").await;
        let tiff = std::fs::read(Path::new(PAGES).join("ho-so-3-trang.tif")).unwrap();
        let hidden = upload(&uncleared, &batch, &format!("{code}.tif"), tiff.clone()).await;
        let absent = upload(&uncleared, &batch, "X27.2019.99.1.tif", tiff.clone()).await;
        assert!(hidden.contains("không xác định được hồ sơ"), "{}: {hidden}", app.label);
        let results = |page: &str| page[page.find("id=\"upload-results\"").unwrap()..].split("</div></div>").next().unwrap().to_string();
        assert_eq!(results(&hidden).replace(&code, "?"), results(&absent).replace("X27.2019.99.1", "?"), "{}: the same answer", app.label);
        assert!(!results(&hidden).contains("bí mật"));

        // The cleared archivist scans the whole hồ sơ; it is split per văn bản.
        let page = upload(&cleared, &batch, &format!("{code}.tif"), tiff).await;
        assert!(!page.contains("không xác định"), "{page}");
        let blobs = kho_blobs::Blobs::open(
            &app.catalogue.dir().join("blobs"),
            Some(kho_blobs::ContentKey::load(&app.catalogue.dir().join("keys/content.key")).unwrap()),
        )
        .unwrap();
        let worker = kho_digitize::worker::Worker::new(app.store.clone(), blobs, Default::default());
        while worker.run_one(0).await.unwrap().is_some() {}
        let renditions = app.store.renditions(dossier).await.unwrap();
        assert_eq!(renditions.len(), 2, "{}", app.label);
        let pages = app.store.dossier_pages(dossier).await.unwrap();
        assert!(
            pages.iter().all(|p| p.ocr_text.is_none() && p.words_blob.is_some()),
            "{}: no secret text in clear in the catalogue",
            app.label
        );
        let (public, secret) = (&renditions[0], &renditions[1]);
        assert!(secret.file_name.ends_with(".2.pdf"));

        let (_, page) = cleared.get(&format!("/ho-so/{dossier}")).await;
        assert!(page.contains(&public.file_name) && page.contains(&secret.file_name), "{}: the cleared see both", app.label);
        let download = cleared.client.get(format!("{}/ban-so-hoa/{}", app.base, secret.id)).send().await.unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        let filter = kho_store::AuditFilter { action: Some("rendition.download".into()), limit: 10, ..Default::default() };
        assert_eq!(app.store.list_audit(&filter).await.unwrap().0, 1, "{}: the secret's download is audited", app.label);

        // The uncleared clerk sees the public văn bản's file, not the secret's; a reader sees
        // neither (content reaches a reader through a phiếu), and is refused both alike.
        for (name, sees_public, refused) in [("thuong", true, StatusCode::NOT_FOUND), ("docgia", false, StatusCode::FORBIDDEN)] {
            let session = app.login(name).await;
            let (status, page) = session.get(&format!("/ho-so/{dossier}")).await;
            assert_eq!(status, StatusCode::OK, "{name}");
            assert_eq!(page.contains(&public.file_name), sees_public, "{}: {name} and the public văn bản's file", app.label);
            assert!(!page.contains(&secret.file_name), "{}: {name} does not see the secret's name", app.label);
            let hidden = session.client.get(format!("{}/ban-so-hoa/{}", app.base, secret.id)).send().await.unwrap();
            let absent = session.client.get(format!("{}/ban-so-hoa/{}", app.base, secret.id + 1000)).send().await.unwrap();
            assert_eq!((hidden.status(), absent.status()), (refused, refused), "{}: {name}", app.label);
            assert_eq!(hidden.text().await.unwrap(), absent.text().await.unwrap(), "{}: {name}: identical answers", app.label);
        }
        let other_commune = app.login("xa.khac").await;
        let (status, _) = other_commune.get(&format!("/ho-so/{dossier}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let response = other_commune.client.get(format!("{}/ban-so-hoa/{}", app.base, public.id)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{}: out of scope", app.label);
    }
}

#[tokio::test]
async fn the_ordinary_server_raises_no_record_holding_files_to_a_secret() {
    for app in common::apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Hồ sơ giao đất ở tại bản Co Mận", "05", "1")];
        let (_, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let dossier = made[0].0;
        app.user("mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        let session = app.login("mat").await;
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes("Tờ trình của xã".as_bytes().to_vec()).file_name("to-trinh.txt"));
        session.client.post(format!("{}/ho-so/{dossier}/tep?_csrf={}", app.base, session.csrf)).multipart(form).send().await.unwrap();
        assert!(app.store.holds_content(None, Some(dossier)).await.unwrap(), "{}", app.label);

        let current = app.store.dossier(dossier).await.unwrap();
        let mut input = DossierInput::from(&current.fields);
        input.classification = "01".into();
        input.mode = "03".into();
        let fields = form_of(&input);
        let response = session.post(&format!("/ho-so/{dossier}"), &pairs(&fields)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(response.text().await.unwrap().contains("mạng LAN độc lập"));
        assert_eq!(app.store.dossier(dossier).await.unwrap().fields.classification, Classification::None);

        let secret = DocumentInput {
            doc_ordinal: "1".into(),
            type_name: "02".into(),
            issued_date: "12/03/2019".into(),
            organ_name: "UBND xã".into(),
            subject: "Văn bản mật".into(),
            number_of_page: "1".into(),
            mode: "03".into(),
            classification: "01".into(),
            ..Default::default()
        };
        let fields = form_of(&secret);
        let response = session.post(&format!("/ho-so/{dossier}/van-ban"), &pairs(&fields)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: a secret văn bản is not added to a hồ sơ with files",
            app.label
        );
    }
}

/// A record input as the form posts it (camelCase names, as serde writes them).
fn form_of<T: serde::Serialize>(input: &T) -> Vec<(String, String)> {
    let value = serde_json::to_value(input).unwrap();
    value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A danh mục hủy holding a Mật hồ sơ is as secret as it: to a Lãnh đạo without clearance it is
/// absent — not listed, not shown, not decided — so nobody destroys what they could not see.
#[tokio::test]
async fn a_destruction_list_is_decided_only_by_someone_who_sees_all_of_it() {
    for app in common::apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Sổ theo dõi công văn đi năm 2000", "06", "1"), ("16", "Hồ sơ về công tác quốc phòng", "06", "1")];
        let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let mut secret = DossierInput::from(&app.store.dossier(made[1].0).await.unwrap().fields);
        secret.classification = "01".into();
        secret.mode = "03".into();
        let (_, _, context) = app.store.dossier_context(app.store.dossier(made[1].0).await.unwrap().inventory_id).await.unwrap();
        app.store.update_dossier(made[1].0, &secret.parse(&context).unwrap()).await.unwrap();
        let items = [(made[0].0, kho_model::disposal::Reason::Duplicate), (made[1].0, kho_model::disposal::Reason::Duplicate)];
        let list = app.store.create_disposal_list(fonds, "Danh mục số 7", "Thuyết minh", &items, "canbo.mat").await.unwrap();
        app.user("lanhdao", Role::Leader, Classification::None, &[unit], &[]).await;
        app.user("lanhdao.mat", Role::Leader, Classification::Confidential, &[unit], &[]).await;
        let uncleared = app.login("lanhdao").await;
        let (status, page) = uncleared.get(&format!("/danh-muc-huy/{list}")).await;
        let (_, absent) = uncleared.get(&format!("/danh-muc-huy/{}", list + 100)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", app.label);
        assert_eq!(page, absent, "{}: answered exactly as an absent one", app.label);
        let decided =
            uncleared.post(&format!("/danh-muc-huy/{list}/quyet-dinh"), &[("reference", "12/QĐ-UBND"), ("on", "01/12/2026")]).await;
        assert_eq!(decided.status(), StatusCode::NOT_FOUND, "{}", app.label);
        assert_eq!(app.store.disposal_list(list).await.unwrap().stage, kho_model::disposal::Stage::Proposed);
        let (_, fonds_page) = uncleared.get(&format!("/phong/{fonds}/huy")).await;
        assert!(!fonds_page.contains("Danh mục số 7"), "{}: not listed either", app.label);

        let cleared = app.login("lanhdao.mat").await;
        let (status, page) = cleared.get(&format!("/danh-muc-huy/{list}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Hồ sơ về công tác quốc phòng") && page.contains("Sổ theo dõi công văn đi năm 2000"));
        let (_, fonds_page) = cleared.get(&format!("/phong/{fonds}/huy")).await;
        assert!(fonds_page.contains("Danh mục số 7"));

        // Once appraised, the list waits on whoever can decide it, and says who that is.
        let on = kho_model::ArchiveDate::parse("01/12/2026").unwrap();
        app.store.advance_disposal(list, kho_store::DisposalStep::Council { opinions: "Đồng ý", on }).await.unwrap();
        let step = kho_store::DisposalStep::Appraisal { body: "Sở Nội vụ", reference: "5/SNV", on };
        app.store.advance_disposal(list, step).await.unwrap();
        app.user("canbo.mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        let archivist = app.login("canbo.mat").await;
        let (_, page) = archivist.get(&format!("/danh-muc-huy/{list}")).await;
        let routed = &page[page.find("id=\"deciders\"").unwrap_or_else(|| panic!("{page}"))..];
        let routed = &routed[..routed.find('<').unwrap()];
        assert!(routed.contains("lanhdao.mat") && !routed.contains("lanhdao,"), "{}: {routed}", app.label);
        app.store.set_clearance(app.store.user_by_name("lanhdao.mat").await.unwrap().unwrap().id, Classification::None).await.unwrap();
        let (_, page) = archivist.get(&format!("/danh-muc-huy/{list}")).await;
        assert!(page.contains("Chưa có Lãnh đạo nào có phạm vi và độ mật bao quát"), "{}: nobody can decide it yet", app.label);
    }
}

/// A hidden record and an absent one are answered alike and cost alike: the same 404, and each
/// leaves the same "denied" entry (the denial is written for both, so no write tells them apart).
#[tokio::test]
async fn a_hidden_record_and_an_absent_one_are_answered_and_audited_alike() {
    for app in common::apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Hồ sơ quốc phòng", "01", "1")];
        let (_, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let hidden = made[0].0;
        let mut secret = DossierInput::from(&app.store.dossier(hidden).await.unwrap().fields);
        secret.classification = "02".into();
        secret.mode = "03".into();
        let (_, _, context) = app.store.dossier_context(app.store.dossier(hidden).await.unwrap().inventory_id).await.unwrap();
        app.store.update_dossier(hidden, &secret.parse(&context).unwrap()).await.unwrap();
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;
        let (hidden_status, hidden_page) = session.get(&format!("/ho-so/{hidden}")).await;
        let (absent_status, absent_page) = session.get(&format!("/ho-so/{}", hidden + 1000)).await;
        assert_eq!((hidden_status, absent_status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(hidden_page, absent_page);
        let filter = kho_store::AuditFilter {
            outcome: Some("denied".into()),
            resource_kind: Some("dossier".into()),
            limit: 10,
            ..Default::default()
        };
        let (_, rows) = app.store.list_audit(&filter).await.unwrap();
        let ids: Vec<Option<i64>> = rows.iter().map(|r| r.resource_id).collect();
        assert!(ids.contains(&Some(hidden)) && ids.contains(&Some(hidden + 1000)), "{}: {ids:?}", app.label);
    }
}
