//! The hostile corpus (`kho_digitize::hostile`) through every door a file enters Kho by on the
//! web: a hồ sơ's attachments, a biên bản giao nhận's, the số hóa upload and its resumable
//! pieces, the retention schedule. Each file is refused with a Vietnamese message naming it and its reason, the server
//! answers its health check after each, nothing is left in the blob store or the upload folder,
//! and every refusal of a file's content is in the audit trail. `kho ingest` has its own
//! (`kho/tests/digitize.rs`).

use crate::common;

use common::{App, Session, apps_with};
use kho_digitize::hostile::{Hostile, corpus};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;
use std::path::Path;

fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum()
}

async fn multipart(session: &Session, path: &str, fields: &[(&str, String)], hostile: &Hostile) -> (StatusCode, String) {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.clone());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(hostile.bytes.clone()).file_name(hostile.name));
    let url = format!("{}{path}?_csrf={}", session.base, session.csrf);
    let response = session.client.post(url).multipart(form).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn alive(app: &App) {
    let health = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "{}: the server answers after each file", app.label);
}

#[tokio::test]
async fn every_hostile_file_is_refused_at_every_door_and_leaves_nothing_behind() {
    let uploads = tempfile::tempdir().unwrap();
    let config = kho_web::WebConfig { upload_dir: Some(uploads.path().to_path_buf()), ..Default::default() };
    let corpus = corpus();
    for app in apps_with(config, false).await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Hồ sơ giao đất ở tại bản Co Mận", "05", "3")];
        let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let dossier = made[0].0;
        let accession = app.accession(unit).await;
        app.user("ltv", Role::Archivist, Classification::None, &[unit, app.archive], &[]).await;
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        let admin = app.login("quantri").await;
        let created = session.post("/so-hoa", &[("name", "Lô 1"), ("fondsId", &fonds.to_string()), ("originalKind", "text")]).await;
        let batch = created.headers()["location"].to_str().unwrap().trim_start_matches("/so-hoa/").to_string();
        let blobs_before = files_under(&app.catalogue.dir().join("blobs"));

        let mut failures = vec![];
        let mut pieces = 0;
        for hostile in &corpus {
            let shown = format!("Tệp “{}”", hostile.name);
            for (door, path, fields) in [
                ("tệp của hồ sơ", format!("/ho-so/{dossier}/tep"), vec![]),
                ("tệp của biên bản", format!("/tiep-nhan/{accession}/tep"), vec![]),
                ("số hóa", format!("/so-hoa/{batch}/tep"), vec![("dossier", dossier.to_string())]),
            ] {
                let (status, page) = multipart(&session, &path, &fields, hostile).await;
                let reason = if door == "số hóa" { hostile.as_scan } else { hostile.as_attachment };
                if status != StatusCode::UNPROCESSABLE_ENTITY || !page.contains(&shown) || !page.contains(reason) {
                    failures
                        .push(format!("{} {door}: {} ({}) answered {status} without “{reason}”", app.label, hostile.name, hostile.what));
                }
                alive(&app).await;
            }
            // The retention schedule, as an administrator would upload it.
            let (status, page) = multipart(&admin, "/quan-tri/thoi-han", &[], hostile).await;
            if status != StatusCode::UNPROCESSABLE_ENTITY || !page.contains(&shown) {
                failures.push(format!("{} bảng thời hạn: {} ({}) answered {status}", app.label, hostile.name, hostile.what));
            }
            alive(&app).await;
            // The same file in pieces, as the browser sends a large scan.
            if !hostile.bytes.is_empty() {
                pieces += 1;
                let token = format!("{pieces:0>36}");
                let half = hostile.bytes.len() / 2;
                let mut last = serde_json::Value::Null;
                for (from, to) in [(0, half), (half, hostile.bytes.len())] {
                    let url = format!(
                        "{}/so-hoa/{batch}/tai-len?ma={token}&ten={}&tong={}&tu={from}&ho_so={dossier}",
                        session.base,
                        hostile.name,
                        hostile.bytes.len()
                    );
                    let response = session
                        .client
                        .put(url)
                        .header("x-csrf-token", &session.csrf)
                        .body(hostile.bytes[from..to].to_vec())
                        .send()
                        .await
                        .unwrap();
                    last = response.json().await.unwrap();
                }
                let message = last["message"].as_str().unwrap_or_default();
                if last["accepted"].as_bool() != Some(false) || !message.contains(&shown) || !message.contains(hostile.as_scan) {
                    failures.push(format!("{} số hóa (từng phần): {} ({}) answered {last}", app.label, hostile.name, hostile.what));
                }
                alive(&app).await;
            }
        }
        assert!(
            failures.is_empty(),
            "{} doors let a hostile file through or said nothing useful:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert_eq!(files_under(&app.catalogue.dir().join("blobs")), blobs_before, "{}: nothing refused is stored", app.label);
        assert_eq!(files_under(uploads.path()), 0, "{}: nothing left in the upload folder", app.label);
        let doors =
            [("attachment.upload", 2 * corpus.len()), ("digitize.upload", corpus.len() + pieces), ("retention.replace", corpus.len())];
        for (action, refused) in doors {
            let filter =
                kho_store::AuditFilter { action: Some(action.into()), outcome: Some("refused".into()), limit: 1, ..Default::default() };
            let (audited, _) = app.store.list_audit(&filter).await.unwrap();
            assert_eq!(audited as usize, refused, "{}: every refusal at {action} is in the audit trail", app.label);
        }
    }
}
