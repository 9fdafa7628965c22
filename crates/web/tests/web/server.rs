//! The server as the network sees it: every route with every method (405 with `Allow`, 404,
//! never a 5xx), the headers every answer carries, compression of text and not of files,
//! slow clients (half-sent requests held by the thousand, a health check still answered), the
//! whole-request time limit and the uploads it spares, and where sign-in may send a browser.

use crate::common;

use common::{App, PASSWORD, apps, apps_with, csrf_in};
use kho_model::Classification;
use kho_model::access::Role;
use kho_web::policy::ROUTES;
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const METHODS: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];

/// ERROR events logged by the server in this process (it runs in-process): a client's mistake
/// must not produce one.
fn errors_logged() -> Arc<AtomicUsize> {
    use tracing_subscriber::layer::SubscriberExt;
    static COUNT: std::sync::OnceLock<Arc<AtomicUsize>> = std::sync::OnceLock::new();
    COUNT
        .get_or_init(|| {
            struct CountErrors(Arc<AtomicUsize>);
            impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountErrors {
                fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
                    if *event.metadata().level() == tracing::Level::ERROR {
                        self.0.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            let count = Arc::new(AtomicUsize::new(0));
            let subscriber = tracing_subscriber::registry().with(CountErrors(count.clone()));
            tracing::subscriber::set_global_default(subscriber).expect("one subscriber per test process");
            count
        })
        .clone()
}

/// The methods the route table lists for a path, HEAD beside GET: what `Allow` must say.
fn methods_of(path: &str) -> BTreeSet<String> {
    let mut methods = BTreeSet::new();
    for route in ROUTES.iter().filter(|r| r.path == path) {
        methods.insert(route.method.to_string());
        if route.method == "GET" {
            methods.insert("HEAD".to_string());
        }
    }
    methods
}

fn allow_of(response: &reqwest::Response) -> BTreeSet<String> {
    response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect())
        .unwrap_or_default()
}

/// One request of the walk; signed in, the session's CSRF token goes along, so the handler runs.
async fn send(client: &reqwest::Client, base: &str, method: &str, path: &str, csrf: Option<&str>) -> reqwest::Response {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method.clone(), format!("{base}{path}"));
    if let Some(token) = csrf {
        request = request.header("x-csrf-token", token);
    }
    if matches!(method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        request = if path.starts_with("/api/") {
            request.header("content-type", "application/json").body("{}")
        } else {
            request.header("content-type", "application/x-www-form-urlencoded").body("")
        };
    }
    request.send().await.unwrap()
}

/// An administrator who sees every unit; a reader is made first so that account 1, which the
/// walk edits and resets, is not the administrator walking.
async fn administrator(app: &App) -> common::Session {
    app.user("doc-gia", Role::Reader, Classification::None, &[app.archive], &[]).await;
    app.user("quan-tri", Role::Admin, Classification::None, &[app.archive], &[]).await;
    app.login("quan-tri").await
}

/// Every path of the route table (`{…}` as 1, naming records that exist) × every method, signed
/// out and signed in as an administrator: a method the path has never answers 5xx or 405, one it
/// lacks answers 405 with `Allow` listing those it has; HEAD answers as GET, without a body. No
/// ERROR is logged for any of it.
#[tokio::test]
async fn every_route_with_every_method_answers_405_for_a_method_it_lacks_and_never_5xx() {
    let errors = errors_logged();
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        kho_store::test_support::fonds_with_dossiers(
            &app.store,
            unit,
            "X27",
            &[("1", "Hồ sơ một", "01", "3"), ("2", "Hồ sơ hai", "05", "2")],
        )
        .await;
        let admin = administrator(&app).await;
        let signed_out = app.client();
        let before = errors.load(Ordering::SeqCst);
        let paths: BTreeSet<&str> = ROUTES.iter().map(|r| r.path).collect();
        let mut failures = vec![];
        let mut checked = 0;
        for signed_in in [false, true] {
            let (client, csrf) = if signed_in { (&admin.client, Some(admin.csrf.as_str())) } else { (&signed_out, None) };
            for path in &paths {
                let has = methods_of(path);
                let url_path = path.replace("{id}", "1").replace("{file}", "1");
                for method in METHODS {
                    // Signing out would end the walk's session; it is checked last.
                    if signed_in && method == "POST" && *path == "/dang-xuat" {
                        continue;
                    }
                    let response = send(client, &app.base, method, &url_path, csrf).await;
                    let status = response.status();
                    let who = if signed_in { "quản trị" } else { "chưa đăng nhập" };
                    checked += 1;
                    if status.is_server_error() {
                        failures.push(format!("{} {method} {url_path} ({who}): {status}", app.label));
                    } else if has.contains(method) {
                        if status == StatusCode::METHOD_NOT_ALLOWED {
                            failures.push(format!("{} {method} {url_path} ({who}): 405 for a method the table lists", app.label));
                        }
                    } else if status != StatusCode::METHOD_NOT_ALLOWED || allow_of(&response) != has {
                        failures.push(format!(
                            "{} {method} {url_path} ({who}): {status}, Allow {:?}; want 405, Allow {has:?}",
                            app.label,
                            allow_of(&response)
                        ));
                    }
                    if method == "HEAD" && has.contains("GET") {
                        let get = send(client, &app.base, "GET", &url_path, csrf).await.status();
                        let body = response.bytes().await.unwrap();
                        if status != get || !body.is_empty() {
                            failures.push(format!("{} HEAD {url_path} ({who}): {status} with {} bytes; GET: {get}", app.label, body.len()));
                        }
                    }
                }
            }
        }
        let signed_off = admin.post("/dang-xuat", &[]).await;
        assert_eq!(signed_off.status(), StatusCode::SEE_OTHER);
        assert!(failures.is_empty(), "{} of {checked} requests answered wrongly:\n{}", failures.len(), failures.join("\n"));
        assert!(checked > 1500, "walked {checked}");
        assert_eq!(errors.load(Ordering::SeqCst) - before, 0, "{}: no ERROR is logged for a client's mistake", app.label);
    }
}

/// An address Kho does not have is 404 whatever the method and whoever asks: the not-found page,
/// or JSON under `/api/`.
#[tokio::test]
async fn an_unknown_address_is_404_as_a_page_or_as_json() {
    for app in apps().await {
        let admin = administrator(&app).await;
        let signed_out = app.client();
        for (client, csrf) in [(&signed_out, None), (&admin.client, Some(admin.csrf.as_str()))] {
            for method in METHODS {
                for path in ["/khong-co", "/phong/1/khong-co", "/api/v1/khong-co", "/api/v1/fonds/1/khong-co", "/api/v2"] {
                    let response = send(client, &app.base, method, path, csrf).await;
                    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{} {method} {path}", app.label);
                    if method == "HEAD" {
                        continue;
                    }
                    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
                    let body = response.text().await.unwrap();
                    if path.starts_with("/api/") {
                        assert!(content_type.starts_with("application/json"), "{method} {path}: {content_type}");
                        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
                        assert_eq!(error["error"]["code"], "not_found", "{body}");
                    } else {
                        assert!(content_type.starts_with("text/html"), "{method} {path}: {content_type}");
                        assert!(body.contains("Không tìm thấy"), "{body}");
                    }
                }
            }
        }
        // A static file that does not exist.
        let missing = signed_out.get(format!("{}/static/khong-co.css", app.base)).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        // A wrong method under the API is told in JSON, with the methods to use.
        let response = signed_out.delete(format!("{}/api/v1/fonds/1", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(allow_of(&response), BTreeSet::from(["GET".to_string(), "HEAD".to_string(), "PUT".to_string()]));
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "method_not_allowed");
        // And on a page, in Vietnamese.
        let response = signed_out.post(format!("{}/phong/moi", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(response.text().await.unwrap().contains("không nhận yêu cầu kiểu POST"));
    }
}

fn assert_guarded(response: &reqwest::Response, what: &str) {
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let csp = header("content-security-policy");
    for directive in
        ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]
    {
        assert!(csp.contains(directive), "{what}: CSP {csp:?} lacks {directive}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
}

/// Pages and JSON carry the CSP, no framing, the referrer kept home, nosniff and `no-store`;
/// static files the same guards and a year of caching under a name that changes with them; no
/// page holds an inline script.
#[tokio::test]
async fn every_answer_carries_the_security_headers_and_static_files_are_cached_for_a_year() {
    for app in apps().await {
        let client = app.client();
        let login = client.get(format!("{}/dang-nhap", app.base)).send().await.unwrap();
        assert_guarded(&login, "trang đăng nhập");
        assert_eq!(login.headers()["cache-control"], "no-store");
        let html = login.text().await.unwrap();
        let css = html.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        assert!(css.starts_with("/static/kho.") && css.ends_with(".css") && css != "/static/kho.css", "{css}");

        let not_found = client.get(format!("{}/khong-co", app.base)).send().await.unwrap();
        assert_guarded(&not_found, "404");
        assert_eq!(not_found.headers()["cache-control"], "no-store");

        let json = client.get(format!("{}/api/v1/openapi.json", app.base)).send().await.unwrap();
        assert_guarded(&json, "JSON");
        assert_eq!(json.headers()["cache-control"], "no-store");

        let stylesheet = client.get(format!("{}{css}", app.base)).send().await.unwrap();
        assert_eq!(stylesheet.status(), StatusCode::OK);
        assert_guarded(&stylesheet, "CSS");
        assert_eq!(stylesheet.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(stylesheet.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
        // The plain name still works for an old link, revalidated each time.
        let plain = client.get(format!("{}/static/kho.css", app.base)).send().await.unwrap();
        assert_eq!((plain.status(), plain.headers()["cache-control"].to_str().unwrap()), (StatusCode::OK, "no-cache"));

        // The số hóa page's script is a file too.
        let unit = app.unit_id("Xã Mường Ảng").await;
        app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let batch = app.store.create_batch(unit, "Lô 1", kho_model::digitization::OriginalKind::Text, "test").await.unwrap();
        let session = app.login("sohoa").await;
        let page = session.client.get(format!("{}/so-hoa/{batch}", app.base)).send().await.unwrap();
        assert_guarded(&page, "trang lô số hóa");
        let page = page.text().await.unwrap();
        assert!(!page.contains("<script>"), "no inline script");
        let script = page
            .split("<script src=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap())
            .find(|src| src.starts_with("/static/so-hoa."))
            .expect("the page's script")
            .to_string();
        let script = client.get(format!("{}{script}", app.base)).send().await.unwrap();
        assert_eq!(script.status(), StatusCode::OK);
        assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
        assert_eq!(script.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(script.text().await.unwrap().contains("tai-len"));
    }
}

/// No template holds what the CSP refuses: inline scripts, styles or event handlers.
#[test]
fn no_template_holds_inline_script_or_style() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        let name = path.display();
        assert!(!text.contains("<script>") && !text.contains("<script type"), "{name}: inline script");
        assert!(!text.contains("<style") && !text.contains(" style="), "{name}: inline style");
        assert!(!text.contains("javascript:"), "{name}: javascript: URL");
        for handler in ["onclick=", "onchange=", "onsubmit=", "oninput=", "onload=", "onerror=", "onkeyup=", "onkeydown="] {
            assert!(!text.contains(handler), "{name}: {handler}");
        }
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = vec![];
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

/// A listing asked for with `Accept-Encoding: gzip` (or `br`) comes compressed and decompresses
/// to the same JSON; a page and the stylesheet too. A PDF and an XLSX are sent as they are.
#[tokio::test]
async fn text_is_compressed_when_asked_and_files_already_compressed_are_not() {
    for app in apps().await {
        let admin = administrator(&app).await;
        let get = |path: &str, encoding: Option<&str>| {
            let mut request = admin.client.get(format!("{}{path}", app.base));
            if let Some(encoding) = encoding {
                request = request.header("accept-encoding", encoding);
            }
            request.send()
        };
        let plain = get("/api/v1/retention", None).await.unwrap();
        assert_eq!(plain.headers().get("content-encoding"), None);
        let plain = plain.bytes().await.unwrap();
        assert!(plain.len() > 10_000, "a large listing: {} bytes", plain.len());
        let gzipped = get("/api/v1/retention", Some("gzip")).await.unwrap();
        assert_eq!(gzipped.headers()["content-encoding"], "gzip");
        assert_eq!(gzipped.headers()["cache-control"], "no-store");
        let gzipped = gzipped.bytes().await.unwrap();
        assert!(gzipped.len() * 3 < plain.len(), "{} → {} bytes", plain.len(), gzipped.len());
        let json: serde_json::Value = serde_json::from_slice(&gunzip(&gzipped)).unwrap();
        assert_eq!(json, serde_json::from_slice::<serde_json::Value>(&plain).unwrap());
        let brotli = get("/api/v1/retention", Some("br")).await.unwrap();
        assert_eq!(brotli.headers()["content-encoding"], "br");
        assert!(brotli.bytes().await.unwrap().len() * 3 < plain.len());

        let page = get("/thoi-han", Some("gzip, br")).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.headers()["content-encoding"] == "br" || page.headers()["content-encoding"] == "gzip");
        let css = get("/static/kho.css", Some("gzip")).await.unwrap();
        assert_eq!(css.headers()["content-encoding"], "gzip");
        assert!(String::from_utf8(gunzip(&css.bytes().await.unwrap())).unwrap().contains("body"));

        // A PDF kept for a hồ sơ, large enough to be worth compressing if it were text.
        let unit = app.unit_id("Xã Mường Ảng").await;
        let (_, dossiers) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X28", &[("1", "Hồ sơ", "01", "1")]).await;
        let pdf = [b"%PDF-1.7\n".as_slice(), "0123456789 ".repeat(1000).as_bytes()].concat();
        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let stored = blobs.put(pdf.clone(), false).await.unwrap();
        let attachment = kho_store::Attachment {
            id: 0,
            owner: kho_store::AttachmentOwner::Dossier(dossiers[0].0),
            document: None,
            file_name: "tờ trình.pdf".into(),
            media_type: "application/pdf".into(),
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            sealed: false,
            uploaded_by: "test".into(),
            uploaded_at: String::new(),
        };
        let id = app.store.create_attachment(&attachment).await.unwrap();
        let download = get(&format!("/tep/{id}"), Some("gzip, br")).await.unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.headers().get("content-encoding"), None, "a PDF goes as it is");
        assert_guarded(&download, "PDF");
        assert_eq!(download.bytes().await.unwrap().as_ref(), pdf.as_slice());
        let xlsx = get("/quan-tri/nhat-ky.xlsx", Some("gzip, br")).await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK);
        assert_eq!(xlsx.headers().get("content-encoding"), None, "an XLSX is a zip already");
    }
}

fn address(app: &App) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Whether the server has closed a connection: end of stream, or reset.
fn closed(stream: &TcpStream) -> bool {
    let mut buffer = [0u8; 256];
    match stream.try_read(&mut buffer) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// Sends `request` on a new connection and reads until the server closes it (10 s at most).
async fn exchange(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = vec![];
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// 1,500 connections that send half a request line and then nothing, over a cap of 1,000 and
/// with a header timeout far away: `/healthz` on a new connection still answers `ok` at once,
/// because the connections idle longest make room; they, not the health check, are closed.
#[tokio::test]
async fn a_health_check_gets_in_while_1500_half_sent_requests_are_held() {
    let config = kho_web::WebConfig { max_connections: 1000, header_timeout: Duration::from_secs(120), ..Default::default() };
    let app = apps_with(config, false).await.remove(0);
    let health = || async {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
        let started = Instant::now();
        let response = client.get(format!("{}/healthz", app.base)).send().await.unwrap();
        (response.status(), response.text().await.unwrap(), started.elapsed())
    };
    assert_eq!(health().await.1, "ok");
    let address = address(&app);
    let mut held = Vec::with_capacity(1500);
    for _ in 0..1500 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET /healthz HT").await.unwrap();
        held.push(stream);
    }
    let (status, body, took) = health().await;
    eprintln!("healthz with 1500 half-sent connections held: {took:?}");
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    assert!(took < Duration::from_secs(5), "health check took {took:?}");
    // The server holds at most its cap: the rest were closed, oldest first.
    let mut shut = 0;
    for _ in 0..50 {
        shut = held.iter().filter(|s| closed(s)).count();
        if shut >= 501 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shut >= 501, "{shut} of 1500 closed; the cap is 1000");
    assert!(!closed(held.last().unwrap()), "the newest half-sent connection is still held");
}

/// With a 1 s header timeout, a connection that sends half a request line, or nothing at all,
/// is closed by the server — after the timeout, not before.
#[tokio::test]
async fn a_half_sent_or_silent_connection_is_closed_after_the_header_timeout() {
    let config = kho_web::WebConfig { header_timeout: Duration::from_secs(1), ..Default::default() };
    let app = apps_with(config, false).await.remove(0);
    let address = address(&app);
    for request in [b"GET /healthz HT".as_slice(), b"".as_slice(), b"GET /healthz HTTP/1.1\r\nHost: kho\r\n".as_slice()] {
        let started = Instant::now();
        let answer = exchange(&address, request).await;
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(9), "{request:?}: closed after {took:?}");
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{request:?}: {answer}");
    }
    // A kept-alive connection left idle after its answer goes the same way.
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: kho\r\n\r\n").await.unwrap();
    let started = Instant::now();
    let mut answer = vec![];
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    assert!(started.elapsed() < Duration::from_secs(9), "closed once idle");
}

/// With a 1 s request timeout, a form whose body stops half-way is answered 408; a piece of a
/// scan sent slowly to the upload route, which is exempt, is taken whole.
#[tokio::test]
async fn an_ordinary_request_has_a_time_limit_and_an_upload_does_not() {
    let uploads = tempfile::tempdir().unwrap();
    let config = kho_web::WebConfig {
        request_timeout: Duration::from_secs(1),
        upload_dir: Some(uploads.path().to_path_buf()),
        ..Default::default()
    };
    let app = apps_with(config, false).await.remove(0);
    let address = address(&app);
    let started = Instant::now();
    let answer = exchange(
        &address,
        b"POST /dang-nhap HTTP/1.1\r\nHost: kho\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("Quá thời gian"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(9));

    let unit = app.unit_id("Xã Mường Ảng").await;
    app.user("sohoa", Role::Archivist, Classification::None, &[unit], &[]).await;
    let token = app.token("sohoa").await;
    let batch = app.store.create_batch(unit, "Lô 1", kho_model::digitization::OriginalKind::Text, "test").await.unwrap();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "PUT /so-hoa/{batch}/tai-len?ma=0123456789abcdef0123&ten=cham.tif&tong=10&tu=0 HTTP/1.1\r\nHost: kho\r\n\
         Authorization: Bearer {token}\r\nContent-Length: 6\r\nConnection: close\r\n\r\nabc"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stream.write_all(b"def").await.unwrap();
    let mut answer = vec![];
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"received\":6"), "{answer}");
}

/// `tiep` — where the login page sends a browser once signed in — follows only paths of this
/// site, checked after percent-decoding too; anything else goes to `/`, and nothing is a 500.
#[tokio::test]
async fn after_sign_in_only_a_path_of_this_site_is_followed() {
    for app in apps().await {
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let long = format!("/{}", "a".repeat(8000));
        let hostile = [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "%2F%2Fevil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "https://evil.example",
            "/phong%0A/1",
            "/%0D%0ALocation: https://evil.example",
            "/\u{1}/evil.example",
            "/\n/evil.example",
            long.as_str(),
        ];
        for (tiep, want) in
            hostile.iter().map(|t| (*t, "/")).chain([("/phong/1", "/phong/1"), ("/tra-cuu?q=h%E1%BB%93", "/tra-cuu?q=h%E1%BB%93")])
        {
            let client = app.client();
            let page = client.get(format!("{}/dang-nhap", app.base)).query(&[("tiep", tiep)]).send().await.unwrap();
            assert_eq!(page.status(), StatusCode::OK, "{tiep:?}");
            let page = page.text().await.unwrap();
            let escaped = want.replace('&', "&amp;").replace('/', "&#x2f;");
            assert!(page.contains(&format!("name=\"tiep\" value=\"{escaped}\"")), "{tiep:?}: the form carries {want}");
            // The form as an attacker would post it, with the hostile value itself.
            let token = csrf_in(&page).unwrap();
            let posted = client
                .post(format!("{}/dang-nhap", app.base))
                .form(&[("username", "ltv"), ("password", PASSWORD), ("tiep", tiep), ("_csrf", &token)])
                .send()
                .await
                .unwrap();
            assert_eq!(posted.status(), StatusCode::SEE_OTHER, "{tiep:?}");
            assert_eq!(posted.headers()["location"], want, "{tiep:?}");
            // Signed in, the login page sends on at once, by the same rule.
            let again = client.get(format!("{}/dang-nhap", app.base)).query(&[("tiep", tiep)]).send().await.unwrap();
            assert_eq!((again.status(), again.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, want), "{tiep:?}");
        }
        // A raw control character in a posted form (not percent-encoded).
        let client = app.client();
        let page = client.get(format!("{}/dang-nhap", app.base)).send().await.unwrap().text().await.unwrap();
        let token = csrf_in(&page).unwrap();
        let posted = client
            .post(format!("{}/dang-nhap", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("username=ltv&password={PASSWORD}&_csrf={token}&tiep=/\u{1}/evil.example\t/x"))
            .send()
            .await
            .unwrap();
        assert_eq!((posted.status(), posted.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/"));
        // A raw control character in the request line is refused by the HTTP parser: 400, not 500.
        let answer =
            exchange(&address(&app), b"GET /dang-nhap?tiep=/\x01/evil.example HTTP/1.1\r\nHost: kho\r\nConnection: close\r\n\r\n").await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        // Sent to sign in from a page, the browser comes back to that page — not to its route's pattern.
        let bounced = app.client().get(format!("{}/phong/1?da_luu=1", app.base)).send().await.unwrap();
        assert_eq!(bounced.headers()["location"], "/dang-nhap?tiep=%2Fphong%2F1%3Fda_luu%3D1");
    }
}
