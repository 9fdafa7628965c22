//! A running Kho for black-box tests: a fresh catalogue (SQLite, PostgreSQL), the demo plan, the
//! province archive, and helpers to sign in as anyone — by session (cookies + CSRF) or token.
#![allow(dead_code)]

use kho_model::access::Role;
use kho_model::plan::{Plan, PlanFiles};
use kho_model::{Classification, UnitKind};
use kho_store::test_support::{TestCatalogue, catalogues};
use kho_store::{Store, UserSettings};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

pub struct App {
    pub base: String,
    pub label: &'static str,
    pub store: Store,
    pub archive: i64,
    pub catalogue: TestCatalogue,
}

pub fn demo_plan() -> Plan {
    Plan::parse(&PlanFiles {
        meta: include_str!("../../../../demo/dien-bien/ke-hoach.csv"),
        districts: include_str!("../../../../demo/dien-bien/districts.csv"),
        communes: include_str!("../../../../demo/dien-bien/communes.csv"),
        tasks: include_str!("../../../../demo/dien-bien/tasks.csv"),
    })
    .unwrap()
}

pub const PASSWORD: &str = "mat-khau-thu-nghiem";

pub async fn apps() -> Vec<App> {
    apps_with(kho_web::WebConfig::default(), false).await
}

/// Apps with a given configuration; `key` gives each a content key (as `kho key init` would).
pub async fn apps_with(config: kho_web::WebConfig, key: bool) -> Vec<App> {
    let mut apps = Vec::new();
    for catalogue in catalogues().await {
        catalogue.store.import_plan(&demo_plan()).await.unwrap();
        let rules = kho_model::retention::parse(kho_model::retention::SHIPPED_CSV).unwrap();
        catalogue.store.replace_retention(&rules).await.unwrap();
        let archive = catalogue
            .store
            .create_unit(&kho_model::record::NewUnit::named("Trung tâm Lưu trữ lịch sử tỉnh Điện Biên", UnitKind::ProvinceArchive))
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let key = key.then(|| kho_blobs::ContentKey::generate(&catalogue.dir().join("keys/content.key")).unwrap());
        let blobs = kho_blobs::Blobs::open(&catalogue.dir().join("blobs"), key).unwrap();
        let state = kho_web::AppState::new(catalogue.store.clone(), blobs, config.clone());
        tokio::spawn(kho_web::serve(listener, state));
        apps.push(App { base, label: catalogue.label, store: catalogue.store.clone(), archive, catalogue });
    }
    apps
}

/// A signed-in browser: cookies kept, the page's CSRF token at hand.
pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
    pub base: String,
}

/// A hồ sơ as a clerk would enter it, with only its number, title and secrecy chosen: the
/// fields that are not the test's subject hold ordinary values.
pub fn dossier_input(notation: &str, title: &str, classified: bool) -> kho_model::record::DossierInput {
    kho_model::record::DossierInput {
        notation: notation.into(),
        title: title.into(),
        maintenance: "05".into(),
        mode: if classified { "03" } else { "01" }.into(),
        classification: if classified { "01" } else { "" }.into(),
        start_date: "2001".into(),
        end_date: "2001".into(),
        total_doc: "1".into(),
        number_of_page: "4".into(),
        ..Default::default()
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    for marker in ["name=\"csrf-token\" content=\"", "name=\"_csrf\" value=\""] {
        if let Some(start) = html.find(marker) {
            let rest = &html[start + marker.len()..];
            return rest.find('"').map(|end| rest[..end].to_string());
        }
    }
    None
}

impl App {
    /// A second server over the same catalogue and blob folder, with another key situation.
    pub async fn restart(&self, config: kho_web::WebConfig, key: Option<kho_blobs::ContentKey>) -> String {
        let blobs = kho_blobs::Blobs::open(&self.catalogue.dir().join("blobs"), key).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(kho_web::serve(listener, kho_web::AppState::new(self.store.clone(), blobs, config)));
        base
    }

    pub async fn user(&self, username: &str, role: Role, clearance: Classification, units: &[i64], fonds: &[i64]) -> i64 {
        let settings = UserSettings {
            full_name: username.into(),
            role,
            clearance,
            disabled: false,
            units: units.iter().copied().collect::<BTreeSet<_>>(),
            fonds: fonds.iter().copied().collect::<BTreeSet<_>>(),
        };
        self.store.create_user(username, &kho_web::auth::hash_password(PASSWORD), &settings).await.unwrap()
    }

    /// A fonds as `input` describes it, with mục lục số 1: (fonds id, mục lục id).
    pub async fn fonds_with_inventory(&self, input: kho_model::record::FondsInput) -> (i64, i64) {
        let fonds = self.store.create_fonds(&input.parse().unwrap()).await.unwrap();
        let inventory = kho_model::record::InventoryInput { number: "1".into(), title: "Mục lục".into(), ..Default::default() };
        (fonds, self.store.create_inventory(fonds, &inventory.parse().unwrap()).await.unwrap())
    }

    /// A hồ sơ in a mục lục, parsed against the mục lục as a form would be.
    pub async fn dossier(&self, inventory: i64, input: &kho_model::record::DossierInput) -> i64 {
        let (_, _, context) = self.store.dossier_context(inventory).await.unwrap();
        self.store.create_dossier(inventory, &input.parse(&context).unwrap()).await.unwrap()
    }

    /// An accession from `unit` to the province archive, as a biên bản giao nhận records it.
    pub async fn accession(&self, unit: i64) -> i64 {
        let input = kho_model::accession::AccessionInput {
            received_on: "15/03/2026".into(),
            giving_unit_id: unit.to_string(),
            receiving_unit_id: self.archive.to_string(),
            giving_person: "Bên giao".into(),
            receiving_person: "Bên nhận".into(),
            material: "Tài liệu xã".into(),
            ..Default::default()
        };
        self.store.create_accession(&input.parse().unwrap(), "test").await.unwrap()
    }

    pub async fn unit_id(&self, name: &str) -> i64 {
        self.store.units().await.unwrap().into_iter().find(|u| u.name == name).unwrap().id
    }

    pub async fn token(&self, username: &str) -> String {
        let user = self.store.user_by_name(username).await.unwrap().unwrap();
        let token = format!("kho_{}", kho_web::auth::new_secret());
        self.store.create_token(user.id, "test", &kho_web::auth::sha256_hex(&token)).await.unwrap();
        token
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
    }

    /// Posts the login form; returns the response status and the client holding its cookies.
    pub async fn try_login(&self, username: &str, password: &str) -> (StatusCode, reqwest::Client, String) {
        self.try_login_with(self.client(), username, password).await
    }

    async fn try_login_with(&self, client: reqwest::Client, username: &str, password: &str) -> (StatusCode, reqwest::Client, String) {
        let page = client.get(format!("{}/dang-nhap", self.base)).send().await.unwrap().text().await.unwrap();
        let token = csrf_in(&page).expect("login form token");
        let response = client
            .post(format!("{}/dang-nhap", self.base))
            .form(&[("username", username), ("password", password), ("tiep", "/"), ("_csrf", &token)])
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        (status, client, body)
    }

    pub async fn login(&self, username: &str) -> Session {
        self.login_with(self.client(), username).await
    }

    /// A session from a loopback address of its own (127.0.x.y), for tests that sign in more
    /// people than one address may in a minute.
    pub async fn login_apart(&self, username: &str) -> Session {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let address = std::net::Ipv4Addr::new(127, 0, (1 + n / 250) as u8, (2 + n % 250) as u8);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .local_address(std::net::IpAddr::V4(address))
            .build()
            .unwrap();
        self.login_with(client, username).await
    }

    async fn login_with(&self, client: reqwest::Client, username: &str) -> Session {
        let (status, client, body) = self.try_login_with(client, username, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}: login {username}: {body}", self.label);
        let home = client.get(format!("{}/tai-khoan/mat-khau", self.base)).send().await.unwrap().text().await.unwrap();
        Session { client, csrf: csrf_in(&home).expect("csrf meta"), base: self.base.clone() }
    }

    /// An API client with a bearer token.
    pub async fn api(&self, username: &str) -> Api {
        Api { client: self.client(), token: self.token(username).await, base: self.base.clone() }
    }
}

impl Session {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        fields.push(("_csrf", &self.csrf));
        self.client.post(format!("{}{path}", self.base)).form(&fields).send().await.unwrap()
    }
}

pub struct Api {
    pub client: reqwest::Client,
    pub token: String,
    pub base: String,
}

impl Api {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// The hrefs of the navigation's live links.
pub fn menu(html: &str) -> Vec<String> {
    let Some(start) = html.find(r#"<nav class="areas""#) else { return vec![] };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    hrefs(nav)
}

pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].replace("&#x2f;", "/").replace("&amp;", "&")).collect()
}

/// The part of the page inside `<main>`.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main>").expect("a page with a layout");
    &html[start..html.find("</main>").unwrap()]
}

/// The words of a PDF, as pdftotext reads them (lines wrap inside table cells: words, not layout).
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("giay.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(out.status.success());
    // Lines wrap inside table cells: compare words, not layout.
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}
