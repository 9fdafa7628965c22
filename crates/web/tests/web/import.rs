//! Nhập mục lục through the web page, as an archivist does it: upload the workbooks archives
//! really hold (the corpus in `crates/documents/tests/corpus/`), review, confirm; the faulty one
//! refused whole with every error named; hostile ones refused for their reason while the server
//! keeps answering; nothing refused kept, in the catalogue, the blob store or the review folder;
//! and an exported mục lục imported back to the same records, groups included.

use crate::common;

use common::{App, Session};
use kho_model::access::{Role, Visibility};
use kho_model::record::FondsInput;
use kho_model::{Classification, UnitKind};
use kho_store::{AuditFilter, ListDossiers};
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../documents/tests/corpus")
}

fn expected() -> serde_json::Map<String, Value> {
    serde_json::from_str::<Value>(&std::fs::read_to_string(corpus().join("expected.json")).unwrap()).unwrap().as_object().unwrap().clone()
}

/// How many hồ sơ a corpus file holds, by its expected parse.
fn dossier_count(want: &Value) -> i64 {
    want["inventories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["dossier_count"].as_i64().unwrap_or_else(|| i["dossiers"].as_array().unwrap().len() as i64))
        .sum()
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    page[start..].split('"').next().unwrap().replace("&#x2f;", "/").replace("&#47;", "/")
}

async fn upload(session: &Session, fonds: i64, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let response = session
        .client
        .post(format!("{}/phong/{fonds}/nhap-muc-luc?_csrf={}", session.base, session.csrf))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Uploads, reviews and confirms; the confirmation's response.
async fn import(session: &Session, fonds: i64, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let (status, page) = upload(session, fonds, name, bytes).await;
    assert_eq!(status, StatusCode::OK, "{name}: {}", &page[page.find("<main").unwrap_or(0)..].chars().take(3000).collect::<String>());
    let fields: Vec<(&str, String)> = ["token", "sha256", "sealed", "file_name", "number"].iter().map(|f| (*f, hidden(&page, f))).collect();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    session.post(&format!("/phong/{fonds}/nhap-muc-luc/xac-nhan"), &form).await
}

async fn fonds(app: &App, code: &str) -> i64 {
    let unit = app.unit_id("Huyện Mường Ảng").await;
    let input = FondsInput {
        code: code.into(),
        name: format!("Phông {code}"),
        unit_id: unit.to_string(),
        status: "02".into(),
        ..Default::default()
    };
    app.store.create_fonds(&input.parse().unwrap()).await.unwrap()
}

async fn count(app: &App, fonds: i64) -> i64 {
    let filter = ListDossiers {
        visibility: Visibility::everything(),
        inventory_id: None,
        fonds_id: Some(fonds),
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: 1,
    };
    app.store.list_dossiers(&filter).await.unwrap().total
}

fn files_in(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}

#[tokio::test]
async fn real_workbooks_import_through_the_page_and_refused_ones_leave_nothing() {
    let review = tempfile::tempdir().unwrap();
    let config = kho_web::WebConfig { upload_dir: Some(review.path().to_path_buf()), ..Default::default() };
    for app in common::apps_with(config, false).await {
        let archive = app.store.units().await.unwrap().into_iter().find(|u| u.kind == UnitKind::ProvinceArchive).unwrap().id;
        app.user("luutru", Role::Archivist, Classification::None, &[archive], &[]).await;
        let session = app.login("luutru").await;
        let blobs = app.catalogue.dir().join("blobs");

        // Every real-shaped workbook imports, each into a fonds of its own.
        for (i, (file, want)) in expected().into_iter().filter(|(_, w)| !w["refused"].as_bool().unwrap_or(false)).enumerate() {
            let fonds = fonds(&app, &format!("P{}", 60 + i)).await;
            let response = import(&session, fonds, &file, std::fs::read(corpus().join(&file)).unwrap()).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}: {file}", app.label);
            assert_eq!(count(&app, fonds).await, dossier_count(&want), "{}: {file}", app.label);
        }
        assert_eq!(files_in(&review.path().join("review")), 0, "{}: nothing waits for review once imported", app.label);

        // Several mục lục in one workbook: each sheet its own, with its retention.
        let many = fonds(&app, "P80").await;
        let response =
            import(&session, many, "03-nhieu-muc-luc.xlsx", std::fs::read(corpus().join("03-nhieu-muc-luc.xlsx")).unwrap()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let inventories = app.store.list_inventories(&Visibility::everything(), many).await.unwrap();
        assert_eq!(inventories.iter().map(|i| i.fields.number).collect::<Vec<_>>(), vec![1, 2, 3], "{}", app.label);

        // The faulty workbook: refused whole, nine errors named by sheet, row and column.
        let blobs_before = files_in(&blobs);
        let faulty = fonds(&app, "P81").await;
        let (status, page) =
            upload(&session, faulty, "10-loi-chin-loai.xlsx", std::fs::read(corpus().join("10-loi-chin-loai.xlsx")).unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let page = page.replace("&#x2f;", "/");
        assert!(page.contains("9 lỗi — chưa nhập gì"), "{}", app.label);
        for named in ["Mục lục, dòng 10, cột C", "thời gian kết thúc", "“Lâu dài”", "“Hộp ?”", "“mười hai”", "“x”", "31/02/2016"]
        {
            assert!(page.contains(named), "{}: {named} not named", app.label);
        }
        assert!(!page.contains("name=\"token\""), "{}: a refused file offers no confirmation", app.label);
        assert_eq!(count(&app, faulty).await, 0);

        // Hostile workbooks: refused for their reason; the server answers after each.
        for (file, want) in expected().into_iter().filter(|(f, _)| f.starts_with("hostile/")) {
            let (status, page) =
                upload(&session, faulty, file.trim_start_matches("hostile/"), std::fs::read(corpus().join(&file)).unwrap()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {file}", app.label);
            let reason = want["message_contains"].as_str().unwrap_or("lỗi");
            assert!(page.contains(reason), "{}: {file} refused without “{reason}”", app.label);
            assert!(!page.contains("Cannot") && !page.contains("Error:"), "{}: {file}: English reached the page", app.label);
            let health = session.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
            assert_eq!(health.status(), StatusCode::OK, "{}: the server answers after {file}", app.label);
        }
        assert_eq!(count(&app, faulty).await, 0);
        assert_eq!(files_in(&blobs), blobs_before, "{}: nothing refused reaches the blob store", app.label);
        assert_eq!(files_in(&review.path().join("review")), 0, "{}: nothing refused waits in the review folder", app.label);
        let filter =
            AuditFilter { action: Some("inventory.import".into()), outcome: Some("refused".into()), limit: 100, ..Default::default() };
        let (refusals, _) = app.store.list_audit(&filter).await.unwrap();
        assert!(refusals >= 7, "{}: whole-file refusals are in the audit trail ({refusals})", app.label);
    }
}

#[tokio::test]
async fn an_exported_mục_lục_imports_back_to_the_same_records_groups_included() {
    for app in common::apps().await {
        let archive = app.store.units().await.unwrap().into_iter().find(|u| u.kind == UnitKind::ProvinceArchive).unwrap().id;
        app.user("luutru", Role::Archivist, Classification::None, &[archive], &[]).await;
        let session = app.login("luutru").await;
        let first = fonds(&app, "P70").await;
        let response =
            import(&session, first, "01-huyen-tieu-de-gop.xlsx", std::fs::read(corpus().join("01-huyen-tieu-de-gop.xlsx")).unwrap()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let inventory = app.store.list_inventories(&Visibility::everything(), first).await.unwrap()[0].id;
        let exported =
            session.client.get(format!("{}/muc-luc/{inventory}/xuat.xlsx", app.base)).send().await.unwrap().bytes().await.unwrap();

        let second = fonds(&app, "P71").await;
        let response = import(&session, second, "xuat.xlsx", exported.to_vec()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let records = |fonds: i64| {
            let store = app.store.clone();
            async move {
                let filter = ListDossiers {
                    visibility: Visibility::everything(),
                    inventory_id: None,
                    fonds_id: Some(fonds),
                    query: None,
                    undisposed: false,
                    seek: kho_store::Seek::First,
                    limit: 1000,
                };
                let page = store.list_dossiers(&filter).await.unwrap();
                let boxes = store.box_numbers(fonds).await.unwrap();
                page.items
                    .into_iter()
                    .map(|d| {
                        (
                            d.number,
                            d.box_id.and_then(|b| boxes.get(&b).copied()),
                            d.fields.file_code.notation().to_string(),
                            d.fields.title,
                            d.fields.start_date.to_string(),
                            d.fields.end_date.to_string(),
                            kho_model::codes::retention_label(d.fields.maintenance, d.fields.maintenance_years),
                            d.fields.number_of_paper,
                            d.scheme_group,
                        )
                    })
                    .collect::<Vec<_>>()
            }
        };
        let (before, after) = (records(first).await, records(second).await);
        assert_eq!(before.len(), 25);
        assert!(before.iter().any(|r| r.6 == "5 năm"), "a retention of 5 years is kept as such");
        assert!(before.iter().all(|r| r.8.is_some()), "every hồ sơ stands in its group");
        assert_eq!(before, after, "{}", app.label);
    }
}

/// The same import by API, as a contractor's system sends its workbook: a dry run says what
/// would be imported and imports nothing; the import takes the whole file; the faulty workbook is
/// refused whole, its problems listed; a clerk of another unit finds no such fonds.
#[tokio::test]
async fn a_workbook_imports_through_the_api_all_or_nothing() {
    for app in common::apps().await {
        let label = app.label;
        let district = app.unit_id("Huyện Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("nhap", Role::Archivist, Classification::None, &[district], &[]).await;
        app.user("nhap.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let (station, outsider) = (app.api("nhap").await, app.api("nhap.khac").await);
        let send = |api: &common::Api, fonds: i64, query: &str, file: &str| {
            let bytes = std::fs::read(corpus().join(file)).unwrap();
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name(file.to_string()))
                .text("number", "4");
            api.client
                .post(format!("{}/api/v1/fonds/{fonds}/inventory-imports{query}", api.base))
                .bearer_auth(&api.token)
                .multipart(form)
                .send()
        };
        let want = dossier_count(&expected()["02-xa-tcvn3.xlsx"]);

        let target = fonds(&app, "P70").await;
        let checked = send(&station, target, "?dryRun=true", "02-xa-tcvn3.xlsx").await.unwrap();
        assert_eq!(checked.status(), StatusCode::OK, "{label}");
        let checked: Value = checked.json().await.unwrap();
        assert_eq!(checked["summary"]["total"].as_i64(), Some(want), "{label}: {checked}");
        assert_eq!(count(&app, target).await, 0, "{label}: a dry run imports nothing");
        let imported = send(&station, target, "", "02-xa-tcvn3.xlsx").await.unwrap();
        assert_eq!(imported.status(), StatusCode::CREATED, "{label}");
        let imported: Value = imported.json().await.unwrap();
        let inventory = imported["inventories"][0].as_i64().unwrap();
        assert_eq!(count(&app, target).await, want, "{label}");
        let (_, shown) = station.call(reqwest::Method::GET, &format!("/api/v1/inventories/{inventory}"), None).await;
        assert_eq!(shown["number"], 4, "{label}: the number the archivist gave: {shown}");

        let faulty = fonds(&app, "P71").await;
        let refused = send(&station, faulty, "", "10-loi-chin-loai.xlsx").await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["summary"]["problems"].as_array().map(Vec::len), Some(9), "{label}: {refused}");
        assert!(refused["error"]["message"].as_str().unwrap().starts_with("Không nhập gì: 9 chỗ sai"), "{label}: {refused}");
        assert_eq!(count(&app, faulty).await, 0, "{label}");
        let hidden = send(&outsider, target, "", "02-xa-tcvn3.xlsx").await.unwrap();
        assert_eq!(hidden.status(), StatusCode::NOT_FOUND, "{label}");
    }
}
