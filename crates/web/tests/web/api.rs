//! The pages' workflows through `/api/v1` alone, as the province's other systems would drive them:
//! the same checks, refusals field by field, scope and audit as the pages.

use crate::common;

use common::apps;
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn fields(refused: &Value) -> Vec<String> {
    refused["error"]["fields"]
        .as_array()
        .map(|f| f.iter().map(|e| e["field"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

/// A former commune added beside the commune that inherits its records, its name corrected, and
/// the work it did before Kho recorded; nobody out of scope reaches it, and nobody but an
/// administrator changes what decides scope.
#[tokio::test]
async fn units_and_the_work_done_outside_kho() {
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("luutru", Role::Archivist, Classification::None, &[commune], &[]).await;
        app.user("luutru.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let (clerk, outsider) = (app.api("luutru").await, app.api("luutru.khac").await);

        let (status, refused) = clerk.call(Method::POST, "/api/v1/units", Some(json!({ "name": "Xã Ẳng Nưa (cũ)", "kind": "02" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {refused}");
        assert_eq!(fields(&refused), ["dissolvedOn", "successorId"], "{label}: {refused}");
        let former = json!({ "name": "Xã Ẳng Nưa (cũ)", "kind": "02", "oldAdminCode": "03220", "dissolvedOn": "2025-07-01", "successorId": commune });
        let (status, refused) = outsider.call(Method::POST, "/api/v1/units", Some(former.clone())).await;
        assert_eq!((status, fields(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["successorId".to_string()]), "{label}: {refused}");
        let (status, created) = clerk.call(Method::POST, "/api/v1/units", Some(former.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {created}");
        let id = created["id"].as_i64().unwrap();
        let unit = format!("/api/v1/units/{id}");

        let mut renamed = former.clone();
        renamed["name"] = json!("Xã Ẳng Nưa (trước 01/7/2025)");
        let (status, saved) = clerk.call(Method::PUT, &unit, Some(renamed.clone())).await;
        assert_eq!(status, StatusCode::OK, "{label}: {saved}");
        let mut rescoped = renamed.clone();
        rescoped["kind"] = json!("01");
        let (status, refused) = clerk.call(Method::PUT, &unit, Some(rescoped)).await;
        assert_eq!((status, fields(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["kind".to_string()]), "{label}: {refused}");
        assert_eq!(outsider.call(Method::PUT, &unit, Some(renamed)).await.0, StatusCode::NOT_FOUND, "{label}");

        // Its arrangement before Kho, as the acceptance paper has it; a quantity as a number or
        // as a clerk writes it; every wrong field named.
        let work = format!("{unit}/outside-work");
        let (status, refused) =
            clerk.call(Method::POST, &work, Some(json!({ "stage": "sap_xep", "quantity": "nhiều", "doneOn": "31/02/2025" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {refused}");
        assert_eq!(fields(&refused), ["stage", "doneOn", "source"], "{label}: {refused}");
        let (status, refused) = clerk
            .call(Method::POST, &work, Some(json!({ "stage": "chinh_ly", "quantity": "nhiều", "doneOn": "15/06/2025", "source": "BB" })))
            .await;
        assert_eq!((status, fields(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["quantity".to_string()]), "{label}: {refused}");
        let arranged =
            json!({ "stage": "chinh_ly", "quantity": "12,5", "doneOn": "15/06/2025", "source": "Biên bản nghiệm thu số 12/BB-UBND" });
        assert_eq!(clerk.call(Method::POST, &work, Some(arranged.clone())).await.0, StatusCode::CREATED, "{label}");
        let scanned = json!({ "stage": "so_hoa", "quantity": 3200, "doneOn": "2025-06-20", "source": "Hợp đồng số 5/HĐ" });
        assert_eq!(clerk.call(Method::POST, &work, Some(scanned)).await.0, StatusCode::CREATED, "{label}");
        assert_eq!(outsider.call(Method::POST, &work, Some(arranged)).await.0, StatusCode::NOT_FOUND, "{label}");

        let (_, shown) = clerk.call(Method::GET, &unit, None).await;
        assert_eq!(shown["unit"]["name"], "Xã Ẳng Nưa (trước 01/7/2025)", "{label}: {shown}");
        assert_eq!(shown["unit"]["successorId"], commune, "{label}: {shown}");
        let quantities: Vec<_> = shown["outsideWork"].as_array().unwrap().iter().map(|w| w["work"]["quantity"].as_i64()).collect();
        assert_eq!(quantities, [Some(3200), Some(1250)], "{label}: newest first; metres in hundredths, pages counted: {shown}");

        let (_, doc) = clerk.call(Method::GET, "/api/v1/openapi.json", None).await;
        for path in ["/api/v1/units", "/api/v1/units/{id}", "/api/v1/units/{id}/outside-work"] {
            assert!(doc["paths"].get(path).is_some(), "{path} in the OpenAPI document");
        }
        assert!(doc["paths"]["/api/v1/units"].get("post").is_some() && doc["paths"]["/api/v1/units/{id}"].get("put").is_some());
    }
}

/// The Kinh phí page's work by API: the estimate for one's units, the province's norms (set only
/// province-wide, all or nothing), a commune's complexity and its budget lines.
#[tokio::test]
async fn costs_norms_complexity_and_budget() {
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("sonoivu", Role::Leader, Classification::None, &[app.archive], &[]).await;
        app.user("luutru", Role::Archivist, Classification::None, &[commune], &[]).await;
        let (province, clerk) = (app.api("sonoivu").await, app.api("luutru").await);

        let (status, costs) = clerk.call(Method::GET, "/api/v1/costs", None).await;
        assert_eq!(status, StatusCode::OK, "{label}: {costs}");
        let units: Vec<i64> = costs["units"].as_array().unwrap().iter().map(|u| u["unitId"].as_i64().unwrap()).collect();
        assert_eq!(units, [commune], "{label}: a commune's clerk costs their commune only");
        assert_eq!(costs["units"][0]["metres"], 198.0, "{label}: {costs}");
        assert!(costs["units"][0]["whole"]["cost"].as_i64().unwrap() > 0, "{label}: {costs}");

        let norm = |value: &str| json!({ "norms": [{ "code": "chinh_ly_so_bo", "value": value, "source": "Quyết định số 15/QĐ-UBND" }] });
        let (status, refused) = clerk.call(Method::PUT, "/api/v1/costs/norms", Some(norm("12,5"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("cả tỉnh"), "{label}: {refused}");
        let (status, refused) = province.call(Method::PUT, "/api/v1/costs/norms", Some(norm("mười hai"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("mười hai"), "{label}: {refused}");
        let unknown = json!({ "norms": [{ "code": "khong_co", "value": "1", "source": "x" }] });
        assert_eq!(province.call(Method::PUT, "/api/v1/costs/norms", Some(unknown)).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(province.call(Method::PUT, "/api/v1/costs/norms", Some(norm("12,5"))).await.0, StatusCode::NO_CONTENT, "{label}");
        let (_, costs) = clerk.call(Method::GET, "/api/v1/costs", None).await;
        let set = costs["norms"].as_array().unwrap().iter().find(|n| n["code"] == "chinh_ly_so_bo").unwrap().clone();
        assert_eq!((set["value"].as_str(), set["source"].as_str()), (Some("12,5"), Some("Quyết định số 15/QĐ-UBND")), "{label}: {set}");

        let complexity = |unit: i64| format!("/api/v1/units/{unit}/complexity");
        let (status, refused) = clerk.call(Method::PUT, &complexity(commune), Some(json!({ "complexity": "09" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {refused}");
        assert_eq!(
            clerk.call(Method::PUT, &complexity(other), Some(json!({ "complexity": "03" }))).await.0,
            StatusCode::NOT_FOUND,
            "{label}"
        );
        let whole = costs["units"][0]["whole"]["cost"].as_i64().unwrap();
        assert_eq!(clerk.call(Method::PUT, &complexity(commune), Some(json!({ "complexity": "03" }))).await.0, StatusCode::NO_CONTENT);
        let (_, costs) = clerk.call(Method::GET, "/api/v1/costs", None).await;
        assert_eq!(costs["units"][0]["complexity"], "03", "{label}: {costs}");
        assert!(costs["units"][0]["whole"]["cost"].as_i64().unwrap() > whole, "{label}: loose papers cost more: {costs}");

        let line =
            json!({ "unitId": commune, "year": 2026, "kind": "giao", "amount": "1.250.000.000", "source": "Quyết định số 30/QĐ-UBND" });
        let (status, refused) = clerk
            .call(
                Method::POST,
                "/api/v1/costs/budget-lines",
                Some(json!({ "unitId": commune, "year": 1990, "kind": "giao", "amount": "5", "source": "x" })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {refused}");
        let mut theirs = line.clone();
        theirs["unitId"] = json!(other);
        assert_eq!(clerk.call(Method::POST, "/api/v1/costs/budget-lines", Some(theirs)).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(clerk.call(Method::POST, "/api/v1/costs/budget-lines", Some(line)).await.0, StatusCode::CREATED, "{label}");
        let (_, costs) = clerk.call(Method::GET, "/api/v1/costs", None).await;
        assert_eq!(costs["units"][0]["allocated"], 1_250_000_000i64, "{label}: {costs}");
        let year = costs["years"].as_array().unwrap().iter().find(|y| y["year"] == 2026).unwrap().clone();
        assert_eq!(year["allocated"], 1_250_000_000i64, "{label}: {year}");
    }
}

/// The survey and phương án phân loại of a fonds kept by API, refused at the line that is wrong,
/// and read back with the steps; another commune's archivist finds no such fonds.
#[tokio::test]
async fn an_arrangement_scheme_is_kept_and_read_back() {
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let (fonds, _) = kho_store::test_support::fonds_with_dossiers(&app.store, commune, "X27", &[("1", "Hồ sơ", "06", "1")]).await;
        app.user("luutru", Role::Archivist, Classification::None, &[commune], &[]).await;
        app.user("luutru.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let (clerk, outsider) = (app.api("luutru").await, app.api("luutru.khac").await);
        let scheme = format!("/api/v1/fonds/{fonds}/arrangement/scheme");

        let wrong = json!({ "survey": "12,5 mét giá", "scheme": "I. Tổng hợp\n3. Nhóm lạc" });
        let (status, refused) = clerk.call(Method::PUT, &scheme, Some(wrong)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("dòng 2"), "{label}: {refused}");
        let kept = json!({ "survey": "12,5 mét giá, 2010–2024", "scheme": "I. Tổng hợp\n1. Kế hoạch, báo cáo\nII. Địa chính" });
        assert_eq!(outsider.call(Method::PUT, &scheme, Some(kept.clone())).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(clerk.call(Method::PUT, &scheme, Some(kept)).await.0, StatusCode::NO_CONTENT, "{label}");
        let (_, arrangement) = clerk.call(Method::GET, &format!("/api/v1/fonds/{fonds}/arrangement"), None).await;
        assert_eq!(arrangement["survey"], "12,5 mét giá, 2010–2024", "{label}: {arrangement}");
        assert_eq!(arrangement["scheme"], "I. Tổng hợp\n1. Kế hoạch, báo cáo\nII. Địa chính", "{label}: {arrangement}");
    }
}

/// The e-office system files văn bản by edXML and a scanning clerk sends files, by API alone: the
/// files listed and fetched byte for byte, a hostile file refused by its content, the same
/// edXML again refused with its reason; another commune finds neither hồ sơ nor biên bản.
#[tokio::test]
async fn files_and_edxml_through_the_api() {
    let fixture = |name: &str| std::fs::read(format!("{}/../documents/tests/edxml/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let (_, made) =
            kho_store::test_support::fonds_with_dossiers(&app.store, commune, "X27", &[("1", "Hồ sơ bàn giao", "06", "1")]).await;
        let dossier = made[0].0;
        let accession = app.accession(commune).await;
        app.user("vanthu", Role::Archivist, Classification::None, &[commune], &[]).await;
        app.user("vanthu.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let (clerk, outsider) = (app.api("vanthu").await, app.api("vanthu.khac").await);
        let send = |api: &common::Api, path: String, files: Vec<(&'static str, Vec<u8>)>| {
            let mut form = reqwest::multipart::Form::new();
            for (name, bytes) in files {
                form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            }
            api.client.post(format!("{}{path}", api.base)).bearer_auth(&api.token).multipart(form).send()
        };

        let edxml = format!("/api/v1/dossiers/{dossier}/edxml");
        let filed = send(&clerk, edxml.clone(), vec![("vnpt-cong-van.edxml", fixture("vnpt-cong-van.edxml"))]).await.unwrap();
        assert_eq!(filed.status(), StatusCode::CREATED, "{label}");
        let filed: Value = filed.json().await.unwrap();
        assert_eq!(filed["documents"].as_array().unwrap().len(), 1, "{label}: {filed}");
        let again = send(&clerk, edxml.clone(), vec![("vnpt-cong-van.edxml", fixture("vnpt-cong-van.edxml"))]).await.unwrap();
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let again: Value = again.json().await.unwrap();
        assert!(again["error"]["message"].as_str().unwrap().contains("đã có trong hồ sơ"), "{label}: {again}");
        let hidden = send(&outsider, edxml, vec![("bkav-quyet-dinh.edxml", fixture("bkav-quyet-dinh.edxml"))]).await.unwrap();
        assert_eq!(hidden.status(), StatusCode::NOT_FOUND, "{label}");

        let files = format!("/api/v1/dossiers/{dossier}/attachments");
        let letter = fixture("1203_UBND-VP.pdf");
        let refused =
            send(&clerk, files.clone(), vec![("to-trinh.pdf", letter.clone()), ("cai-dat.exe", b"MZ\x90\x00\x03".to_vec())]).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let (_, listed) = clerk.call(Method::GET, &files, None).await;
        let names: Vec<&str> = listed.as_array().unwrap().iter().map(|f| f["fileName"].as_str().unwrap()).collect();
        assert_eq!(names, ["1203_UBND-VP.pdf", "to-trinh.pdf"], "{label}: the edXML's file and the good one, not the executable");
        let id = listed[1]["id"].as_i64().unwrap();
        let fetched = clerk.client.get(format!("{}/api/v1/attachments/{id}", app.base)).bearer_auth(&clerk.token).send().await.unwrap();
        assert_eq!(fetched.status(), StatusCode::OK, "{label}");
        assert_eq!(fetched.bytes().await.unwrap().to_vec(), letter, "{label}");
        assert_eq!(outsider.call(Method::GET, &format!("/api/v1/attachments/{id}"), None).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(outsider.call(Method::GET, &files, None).await.0, StatusCode::NOT_FOUND, "{label}");

        let kept = format!("/api/v1/accessions/{accession}/attachments");
        assert_eq!(send(&clerk, kept.clone(), vec![("bien-ban-ky.pdf", letter.clone())]).await.unwrap().status(), StatusCode::CREATED);
        let (_, listed) = clerk.call(Method::GET, &kept, None).await;
        assert_eq!(listed[0]["fileName"], "bien-ban-ky.pdf", "{label}: {listed}");
        assert_eq!(send(&outsider, kept.clone(), vec![("x.pdf", letter.clone())]).await.unwrap().status(), StatusCode::NOT_FOUND);
    }
}

/// The annual report by API: a commune's tables as CSV for another system, the province's as
/// PDF; a wrong year or format said plainly, another commune absent.
#[tokio::test]
async fn the_annual_report_through_the_api() {
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("sonoivu", Role::Leader, Classification::None, &[app.archive], &[]).await;
        app.user("luutru", Role::Archivist, Classification::None, &[commune], &[]).await;
        let (province, clerk) = (app.api("sonoivu").await, app.api("luutru").await);
        let get = |api: &common::Api, query: String| {
            api.client.get(format!("{}/api/v1/reports/annual?{query}", api.base)).bearer_auth(&api.token).send()
        };
        let year = chrono::Datelike::year(&chrono::Utc::now());

        let csv = get(&clerk, format!("year={year}&unitId={commune}&format=csv")).await.unwrap();
        assert_eq!(csv.status(), StatusCode::OK, "{label}");
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"), "{label}");
        let text = csv.text().await.unwrap();
        assert!(text.contains("Mường Ảng"), "{label}: {text}");
        assert_eq!(get(&clerk, format!("year={year}&unitId={other}&format=csv")).await.unwrap().status(), StatusCode::NOT_FOUND, "{label}");
        let wrong = get(&clerk, format!("year=1990&unitId={commune}")).await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let wrong: Value = wrong.json().await.unwrap();
        assert!(wrong["error"]["message"].as_str().unwrap().contains("1990"), "{label}: {wrong}");
        assert_eq!(
            get(&clerk, format!("year={year}&unitId={commune}&format=odt")).await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );

        // The page's own address answers a token as it answers a session (papers stay there).
        let paper = clerk
            .client
            .get(format!("{}/bao-cao/nam.csv?nam={year}&don_vi={commune}", app.base))
            .bearer_auth(&clerk.token)
            .send()
            .await
            .unwrap();
        assert_eq!(paper.status(), StatusCode::OK, "{label}");
        assert_eq!(paper.text().await.unwrap(), text, "{label}: the same tables");

        let pdf = get(&province, format!("year={year}")).await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK, "{label}");
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"), "{label}");
    }
}

/// Quản trị by API: an administrator makes an account (a clearance above their own only
/// proposed), is refused changing their own role, resets a password; a Lãnh đạo grants the
/// proposal; the new account issues, uses and revokes its own token; nobody else's role reaches
/// any of it.
#[tokio::test]
async fn accounts_clearances_and_tokens_through_the_api() {
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let admin_id = app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::Confidential, &[app.archive], &[]).await;
        app.user("luutru", Role::Archivist, Classification::None, &[commune], &[]).await;
        let (admin, leader, clerk) = (app.api("quantri").await, app.api("lanhdao").await, app.api("luutru").await);

        let account = json!({ "username": "canbo.xa", "password": "Một mật khẩu đủ dài 2026", "fullName": "Lò Thị Hoa", "role": "luu_tru_vien", "clearance": "01", "units": [commune] });
        assert_eq!(clerk.call(Method::POST, "/api/v1/users", Some(account.clone())).await.0, StatusCode::FORBIDDEN, "{label}");
        let mut weak = account.clone();
        weak["password"] = json!("123");
        assert_eq!(admin.call(Method::POST, "/api/v1/users", Some(weak)).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let (status, created) = admin.call(Method::POST, "/api/v1/users", Some(account.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {created}");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(admin.call(Method::POST, "/api/v1/users", Some(account)).await.0, StatusCode::CONFLICT, "{label}");
        let (_, users) = admin.call(Method::GET, "/api/v1/users", None).await;
        let made = users.as_array().unwrap().iter().find(|u| u["id"] == id).unwrap().clone();
        assert_eq!(
            (made["clearance"].as_str(), made["proposedClearance"].as_str()),
            (Some("00"), Some("01")),
            "{label}: proposed, not granted: {made}"
        );

        let own = json!({ "fullName": "Quản trị", "role": "lanh_dao", "units": [app.archive] });
        let (status, refused) = admin.call(Method::PUT, &format!("/api/v1/users/{admin_id}"), Some(own)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("chính mình"), "{label}: {refused}");
        let renamed = json!({ "fullName": "Lò Thị Hoa (văn thư)", "role": "luu_tru_vien", "units": [commune] });
        let (status, saved) = admin.call(Method::PUT, &format!("/api/v1/users/{id}"), Some(renamed)).await;
        assert_eq!((status, saved["proposed"].as_bool()), (StatusCode::OK, Some(false)), "{label}: {saved}");

        let (_, waiting) = leader.call(Method::GET, "/api/v1/clearance-proposals", None).await;
        let row = waiting.as_array().unwrap().iter().find(|u| u["id"] == id).unwrap().clone();
        assert_eq!(row["mayGrant"], true, "{label}: {row}");
        let decision = format!("/api/v1/clearance-proposals/{id}/decision");
        assert_eq!(admin.call(Method::POST, &decision, Some(json!({ "grant": true }))).await.0, StatusCode::FORBIDDEN, "{label}");
        assert_eq!(leader.call(Method::POST, &decision, Some(json!({ "grant": true }))).await.0, StatusCode::NO_CONTENT, "{label}");
        let (_, users) = admin.call(Method::GET, "/api/v1/users", None).await;
        let granted = users.as_array().unwrap().iter().find(|u| u["id"] == id).unwrap().clone();
        assert_eq!((granted["clearance"].as_str(), &granted["proposedClearance"]), (Some("01"), &Value::Null), "{label}: {granted}");
        // Now cleared above the administrator: their password is the console's to reset.
        let password = format!("/api/v1/users/{id}/password");
        let (status, refused) = admin.call(Method::PUT, &password, Some(json!({ "password": "Mật khẩu mới rất dài 2027" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("kho user password"), "{label}: {refused}");

        // The account's own token, issued through the API and revoked; a revoked token opens nothing.
        let station = app.api("canbo.xa").await;
        let (status, issued) = station.call(Method::POST, "/api/v1/me/tokens", Some(json!({ "name": "Máy quét phòng 2" }))).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {issued}");
        let secret = issued["token"].as_str().unwrap().to_string();
        assert!(secret.starts_with("kho_"), "{label}");
        let second = common::Api { client: station.client.clone(), token: secret, base: station.base.clone() };
        let (status, mine) = second.call(Method::GET, "/api/v1/me/tokens", None).await;
        assert_eq!((status, mine.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{label}: {mine}");
        let used = mine.as_array().unwrap().iter().find(|t| t["name"] == "Máy quét phòng 2").unwrap().clone();
        assert!(used["lastUsedAt"].is_string(), "{label}: its use is recorded: {used}");
        let token_id = used["id"].as_i64().unwrap();
        assert_eq!(clerk.call(Method::DELETE, &format!("/api/v1/me/tokens/{token_id}"), None).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(station.call(Method::DELETE, &format!("/api/v1/me/tokens/{token_id}"), None).await.0, StatusCode::NO_CONTENT, "{label}");
        assert_eq!(second.call(Method::GET, "/api/v1/me/tokens", None).await.0, StatusCode::UNAUTHORIZED, "{label}");
        let (_, all) = admin.call(Method::GET, "/api/v1/tokens", None).await;
        assert!(all.as_array().unwrap().iter().any(|t| t["id"] == token_id && !t["revokedAt"].is_null()), "{label}: {all}");
        assert_eq!(admin.call(Method::DELETE, "/api/v1/tokens/987654", None).await.0, StatusCode::NOT_FOUND, "{label}");

        // One's own password, only with the current one.
        let wrong = json!({ "current": "không phải", "new": "Mật khẩu mới của Hoa 2027" });
        let (status, refused) = station.call(Method::PUT, "/api/v1/me/password", Some(wrong)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("hiện tại không đúng"), "{label}: {refused}");
        let right = json!({ "current": "Một mật khẩu đủ dài 2026", "new": "Mật khẩu mới của Hoa 2027" });
        assert_eq!(station.call(Method::PUT, "/api/v1/me/password", Some(right)).await.0, StatusCode::NO_CONTENT, "{label}");
        let hash = app.store.user(id).await.unwrap().password_hash;
        assert!(kho_web::auth::verify_password(&hash, "Mật khẩu mới của Hoa 2027"), "{label}");

        // The page's form, through the same function.
        let session = app.login("luutru").await;
        let mismatched = session
            .post("/tai-khoan/mat-khau", &[("current", common::PASSWORD), ("new", "Mật khẩu mới của Lan 2027"), ("repeat", "khác")])
            .await;
        assert_eq!(mismatched.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(mismatched.text().await.unwrap().contains("không giống nhau"), "{label}");
        let changed = session
            .post(
                "/tai-khoan/mat-khau",
                &[("current", common::PASSWORD), ("new", "Mật khẩu mới của Lan 2027"), ("repeat", "Mật khẩu mới của Lan 2027")],
            )
            .await;
        assert_eq!((changed.status(), changed.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/dang-nhap"), "{label}");

        // All of it in the trail, read by API a page at a time.
        let (status, trail) = admin.call(Method::GET, "/api/v1/audit?action=user.clearance_grant&limit=1", None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!((trail["total"].as_i64(), trail["entries"][0]["actor"].as_str()), (Some(1), Some("lanhdao")), "{label}: {trail}");
        assert_eq!(trail["entries"][0]["actionText"], "Cấp độ mật được tiếp cận", "{label}: {trail}");
        assert_eq!(trail["totalExact"], true, "{label}: a short trail is counted exactly");
        let (_, page) = admin.call(Method::GET, "/api/v1/audit?kind=token&limit=1", None).await;
        let next = page["next"].as_i64().expect("more than one token event");
        let (_, older) = admin.call(Method::GET, &format!("/api/v1/audit?kind=token&limit=1&before={next}"), None).await;
        assert!(older["entries"][0]["seq"].as_i64().unwrap() < next, "{label}: {older}");
        assert_eq!(clerk.call(Method::GET, "/api/v1/audit", None).await.0, StatusCode::FORBIDDEN, "{label}");
    }
}
