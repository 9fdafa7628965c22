//! Black-box HTTP tests: each starts Kho on 127.0.0.1 against a fresh catalogue (SQLite and
//! PostgreSQL) and talks to it as a browser or an API client would.

use crate::common;

use common::{Api, App, Session, apps};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The province archivist, by API token and by browser session.
async fn archivist(app: &App) -> (Api, Session) {
    app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
    (app.api("ltv").await, app.login("ltv").await)
}

impl Api {
    async fn json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(method, path, body).await
    }

    async fn unit_id(&self, name: &str) -> i64 {
        let (_, units) = self.json(reqwest::Method::GET, "/api/v1/units", None).await;
        units.as_array().unwrap().iter().find(|u| u["name"] == name).unwrap()["id"].as_i64().unwrap()
    }

    /// A fonds and a mục lục through the API; returns the mục lục id.
    async fn inventory(&self) -> i64 {
        let unit = self.unit_id("Xã Mường Ảng").await;
        let (status, fonds) = self
            .json(reqwest::Method::POST, "/api/v1/fonds", Some(json!({ "code": "X27", "name": "UBND xã Mường Ảng", "unitId": unit })))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{fonds}");
        let fonds_id = fonds["id"].as_i64().unwrap();
        let (status, inventory) = self
            .json(
                reqwest::Method::POST,
                &format!("/api/v1/fonds/{fonds_id}/inventories"),
                Some(json!({ "number": 1, "title": "Mục lục 1" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        inventory["id"].as_i64().unwrap()
    }
}

fn valid_dossier() -> Value {
    json!({
        "notation": "7", "title": "Sổ hộ tịch xã Mường Ảng năm 2020", "maintenance": "01", "mode": "01",
        "startDate": "01/01/2020", "endDate": "31/12/2020", "totalDoc": 1, "numberOfPage": 150
    })
}

#[tokio::test]
async fn plan_api_states_totals_computed_totals_and_the_discrepancy() {
    for app in apps().await {
        let (api, _) = archivist(&app).await;
        let (status, plan) = api.json(reqwest::Method::GET, "/api/v1/plan", None).await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert_eq!(plan["communes"].as_array().unwrap().len(), 45);
        assert_eq!(plan["districts"].as_array().unwrap().len(), 10);
        assert_eq!(plan["tasks"].as_array().unwrap().len(), 17);
        assert_eq!(plan["stated"]["communeMetres"], 4808.0);
        assert_eq!(plan["computed"]["communeMetres"], 4689.0);
        assert_eq!(plan["computed"]["communeSecretMetres"], 2.5);
        assert_eq!(plan["deadlines"]["districts"], "2030-12-15");
        assert_eq!(plan["deadlines"]["communes"], "2035-12-15");
        assert_eq!(plan["discrepancies"][0]["code"], "commune_metres_total");
        assert_eq!(plan["discrepancies"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_dossier_is_created_read_and_edited_through_the_api() {
    for app in apps().await {
        let (api, _) = archivist(&app).await;
        let inventory = api.inventory().await;
        let (status, created) =
            api.json(reqwest::Method::POST, &format!("/api/v1/inventories/{inventory}/dossiers"), Some(valid_dossier())).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {created}", app.label);
        let id = created["id"].as_i64().unwrap();
        let (_, dossier) = api.json(reqwest::Method::GET, &format!("/api/v1/dossiers/{id}"), None).await;
        assert_eq!(dossier["fileCode"], "X27.2020.7.1");
        assert_eq!(dossier["maintenance"], "01");
        assert_eq!(dossier["startDate"], "01/01/2020");
        let mut edited = valid_dossier();
        edited["title"] = json!("Sổ đăng ký khai tử xã Mường Ảng năm 2020");
        let (status, _) = api.json(reqwest::Method::PUT, &format!("/api/v1/dossiers/{id}"), Some(edited)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, listed) = api.json(reqwest::Method::GET, &format!("/api/v1/inventories/{inventory}/dossiers?q=khai%20tu"), None).await;
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["title"], "Sổ đăng ký khai tử xã Mường Ảng năm 2020");
    }
}

#[tokio::test]
async fn bad_dossiers_are_refused_field_by_field_and_nothing_is_saved() {
    for app in apps().await {
        let (api, _session) = archivist(&app).await;
        let inventory = api.inventory().await;
        let path = format!("/api/v1/inventories/{inventory}/dossiers");
        let (_, first) = api.json(reqwest::Method::POST, &path, Some(valid_dossier())).await;
        assert!(first["id"].is_i64());
        let cases: Vec<(Value, &str, &str)> = vec![
            (json!({ "endDate": "31/12/2019" }), "endDate", "end_before_start"),
            (json!({ "maintenance": "09" }), "maintenance", "unknown_code"),
            (json!({ "title": "Đ".repeat(1001) }), "title", "too_long"),
            (json!({ "confidenceLevel": "02", "numberOfPaper": 75 }), "paperFileCode", "paper_file_code_required"),
            (json!({ "notation": "8", "startDate": "31/02/2020" }), "startDate", "invalid_date"),
        ];
        for (change, field, code) in cases {
            let mut body = valid_dossier();
            body["notation"] = json!("8");
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let (status, error) = api.json(reqwest::Method::POST, &path, Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {field} {error}", app.label);
            assert_eq!(error["error"]["code"], "invalid");
            let fields = error["error"]["fields"].as_array().unwrap();
            assert!(fields.iter().any(|f| f["field"] == field && f["code"] == code), "{field}/{code}: {error}");
            assert!(
                error["error"]["message"].as_str().unwrap().chars().any(|c| "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ".contains(c)),
                "Vietnamese message: {error}"
            );
        }
        let (_, listed) = api.json(reqwest::Method::GET, &format!("{path}?limit=100"), None).await;
        assert_eq!(listed["total"], 1, "nothing saved from the refused requests");
    }
}

#[tokio::test]
async fn malformed_requests_get_json_errors_in_vietnamese() {
    for app in apps().await {
        let (api, _session) = archivist(&app).await;
        let inventory = api.inventory().await;
        let response = api
            .client
            .post(format!("{}/api/v1/inventories/{inventory}/dossiers", app.base))
            .bearer_auth(&api.token)
            .header("content-type", "application/json")
            .body("{\"title\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_json");

        let (status, body) = api.json(reqwest::Method::GET, "/api/v1/dossiers/987654", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        assert_eq!(body["error"]["message"], "Không tìm thấy hồ sơ.");

        let (status, body) = api.json(reqwest::Method::GET, "/api/v1/khong-co", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");

        let (status, _) = api.json(reqwest::Method::GET, &format!("/api/v1/inventories/{inventory}/dossiers?limit=20000"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn openapi_document_lists_every_api_route() {
    for app in apps().await.into_iter().take(1) {
        let (api, session) = archivist(&app).await;
        let (status, doc) = api.json(reqwest::Method::GET, "/api/v1/openapi.json", None).await;
        assert_eq!(status, StatusCode::OK);
        let paths = doc["paths"].as_object().unwrap();
        // Every route under /api/v1 the server answers is described, with its method.
        let missing: Vec<String> = kho_web::policy::ROUTES
            .iter()
            .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
            .filter(|r| paths.get(r.path).and_then(|p| p.get(r.method.to_lowercase())).is_none())
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(missing.is_empty(), "missing from OpenAPI: {missing:?}");
        assert!(doc["components"]["schemas"]["DossierInput"]["properties"]["paperFileCode"].is_object());
        let (status, health) = session.get("/healthz").await;
        assert_eq!((status, health.as_str()), (StatusCode::OK, "ok"));
    }
}

#[tokio::test]
async fn html_forms_show_errors_in_place_and_escape_what_was_typed() {
    for app in apps().await {
        let (api, session) = archivist(&app).await;
        let inventory = api.inventory().await;
        let form = [
            ("notation", "9"),
            ("title", "<img src=x onerror=alert(1)> Hồ sơ'; DROP TABLE dossiers;--"),
            ("maintenance", "01"),
            ("mode", "01"),
            ("startDate", "2021"),
            ("endDate", "2020"),
            ("totalDoc", "1"),
            ("numberOfPage", "1"),
            ("riskRecovery", "0"),
        ];
        let response = session.post(&format!("/muc-luc/{inventory}/ho-so"), &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"e-endDate\""), "the end date is marked");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "typed text is escaped");
        assert!(!html.contains("<img src=x"), "never raw");

        let fixed: Vec<(&str, &str)> = form.iter().map(|&(k, v)| if k == "endDate" { (k, "2021") } else { (k, v) }).collect();
        let response = session.post(&format!("/muc-luc/{inventory}/ho-so"), &fixed).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let (status, page) = session.get(&location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("DROP TABLE dossiers;--"), "stored as text");
        assert!(page.contains("X27.2021.9.1"));

        let (status, page) = session.get("/ho-so/424242").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("Không tìm thấy"));
        let (status, page) = session.get("/tra-cuu?q=DROP%20TABLE").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("X27.2021.9.1"));
    }
}

#[tokio::test]
async fn every_page_renders_in_vietnamese() {
    for app in apps().await.into_iter().take(1) {
        let (api, session) = archivist(&app).await;
        let inventory = api.inventory().await;
        let (_, created) =
            api.json(reqwest::Method::POST, &format!("/api/v1/inventories/{inventory}/dossiers"), Some(valid_dossier())).await;
        let dossier = created["id"].as_i64().unwrap();
        let (status, document) = api
            .json(
                reqwest::Method::POST,
                &format!("/api/v1/dossiers/{dossier}/documents"),
                Some(json!({ "docOrdinal": 1, "typeName": "22", "issuedDate": "02/01/2020", "organName": "UBND xã", "subject": "V/v hộ tịch", "numberOfPage": 1, "mode": "01" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{document}");
        let document = document["id"].as_i64().unwrap();
        let (_, fonds) = api.json(reqwest::Method::GET, "/api/v1/fonds", None).await;
        let fonds = fonds[0]["id"].as_i64().unwrap();
        let unit = api.unit_id("Xã Mường Ảng").await;
        for (path, expect) in [
            ("/".to_string(), "Tổng quan"),
            ("/ke-hoach".to_string(), "Phụ lục II"),
            (format!("/don-vi/{unit}"), "Mét giá tài liệu mật"),
            ("/phong".to_string(), "X27"),
            ("/phong/moi".to_string(), "Thêm phông"),
            (format!("/phong/{fonds}"), "Mục lục hồ sơ"),
            (format!("/phong/{fonds}/sua"), "Sửa phông"),
            (format!("/phong/{fonds}/muc-luc/moi"), "Thêm mục lục"),
            (format!("/muc-luc/{inventory}"), "X27.2020.7.1"),
            (format!("/muc-luc/{inventory}/sua"), "Sửa mục lục"),
            (format!("/muc-luc/{inventory}/ho-so/moi"), "Mã hồ sơ sẽ là X27"),
            (format!("/ho-so/{dossier}"), "Văn bản trong hồ sơ"),
            (format!("/ho-so/{dossier}/sua"), "Tiêu đề hồ sơ"),
            (format!("/ho-so/{dossier}/van-ban/moi"), "Trích yếu nội dung"),
            (format!("/van-ban/{document}"), "X27.2020.7.1.0000001"),
            (format!("/van-ban/{document}/sua"), "Tên loại văn bản"),
            ("/tra-cuu?q=ho%20tich".to_string(), "X27.2020.7.1"),
        ] {
            let (status, html) = session.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(html.contains(expect), "{path} lacks {expect}");
            assert!(html.contains("<html lang=\"vi\">"));
        }
    }
}

#[tokio::test]
async fn a_units_mã_định_danh_heads_the_codes_of_its_open_fonds_and_then_cannot_change() {
    for app in apps().await {
        let (api, session) = archivist(&app).await;
        let unit = api.unit_id("Xã Mường Ảng").await;
        let form =
            [("name", "Xã Mường Ảng"), ("kind", "02"), ("agencyCode", "000.27.17.H17"), ("newAdminCode", "03256"), ("dissolvedOn", "")];
        let bad = session
            .post(
                &format!("/don-vi/{unit}/sua"),
                &[("name", "Xã Mường Ảng"), ("kind", "02"), ("agencyCode", "000.2025.17"), ("newAdminCode", "3A")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let html = bad.text().await.unwrap();
        assert!(html.contains("id=\"e-agencyCode\"") && html.contains("id=\"e-newAdminCode\""));
        assert_eq!(session.post(&format!("/don-vi/{unit}/sua"), &form).await.status(), StatusCode::SEE_OTHER);
        let (_, page) = session.get(&format!("/don-vi/{unit}")).await;
        assert!(page.contains("000.27.17.H17") && page.contains("03256"));

        let inventory = api.inventory().await;
        let (_, created) =
            api.json(reqwest::Method::POST, &format!("/api/v1/inventories/{inventory}/dossiers"), Some(valid_dossier())).await;
        let (_, dossier) = api.json(reqwest::Method::GET, &format!("/api/v1/dossiers/{}", created["id"]), None).await;
        assert_eq!(dossier["fileCode"], "000.27.17.H17.2020.7.1", "an open fonds: mã định danh first");

        let changed = [("name", "Xã Mường Ảng"), ("kind", "02"), ("agencyCode", "000.27.17.H18")];
        let response = session.post(&format!("/don-vi/{unit}/sua"), &changed).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("không đổi được"));
    }
}

#[tokio::test]
async fn a_mục_lục_exported_as_xlsx_reads_back_as_the_same_hồ_sơ() {
    for app in apps().await {
        let (api, session) = archivist(&app).await;
        let inventory = api.inventory().await;
        for notation in ["7", "8"] {
            let mut body = valid_dossier();
            body["notation"] = json!(notation);
            body["title"] = json!(format!("=HYPERLINK(\"x\") hồ sơ {notation}"));
            let (status, _) = api.json(reqwest::Method::POST, &format!("/api/v1/inventories/{inventory}/dossiers"), Some(body)).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let response = session.client.get(format!("{}/muc-luc/{inventory}/xuat.xlsx", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", app.label);
        let bytes = response.bytes().await.unwrap();
        let sheets = kho_documents::read_workbook("xuat.xlsx", &bytes).unwrap();
        assert!(
            sheets[0].rows.iter().flatten().all(|c| !matches!(c, kho_model::inventory_sheet::Cell::Formula(_))),
            "text that looks like a formula stays text"
        );
        let report = kho_model::inventory_sheet::read(&sheets, &[10, 20].into());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let titles: Vec<String> = report.dossiers.iter().map(|d| d.title.clone()).collect();
        assert_eq!(titles, vec!["=HYPERLINK(\"x\") hồ sơ 7", "=HYPERLINK(\"x\") hồ sơ 8"]);
    }
}
