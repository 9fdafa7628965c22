//! Kho over HTTP: the Vietnamese web UI (server-rendered HTML, no script framework) and the JSON
//! API under `/api/v1/`, with its OpenAPI document generated from the handlers.
//!
//! Handlers stay thin: they parse what came in, call [`records`] (which owns the
//! parse-then-write sequence both the UI and the API share) or the store, and render. No SQL here.

mod access;
mod accessions;
mod admin;
mod api;
mod arrangement;
mod assets;
mod attachments;
pub mod auth;
mod charts;
mod cost;
mod digitization;
mod disposal;
mod error;
mod home;
mod import;
mod pager;
mod pages;
mod places;
pub mod policy;
mod preservation;
mod records;
pub mod reports;
mod respond;
mod retention;
pub mod search;
mod server;
mod staging;
mod templates;
mod viewer;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kho_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest form body read (CSRF check and form parsing).
pub const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// How the server is deployed.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (Kho is behind TLS).
    pub secure_cookies: bool,
    /// The isolated-LAN profile for state-secret material (see README). Content of classified
    /// records is accepted only here.
    pub enclave: bool,
    /// Largest file accepted by an upload, in bytes.
    pub max_upload: usize,
    /// Where pieces of large uploads gather until the file is whole (default: the system's
    /// temporary folder; `kho serve` uses the data folder).
    pub upload_dir: Option<std::path::PathBuf>,
    /// Time a client has to send a request's headers, and to start its next request on a
    /// kept-alive connection; then the connection is closed. Without it, clients that send
    /// half a request and wait hold a connection each until file handles run out.
    pub header_timeout: Duration,
    /// Time an ordinary request may take, its body and its work included (408 after). Uploads
    /// and imports (`policy::Route::long`) are bounded by their body limits instead.
    pub request_timeout: Duration,
    /// Connections held at once (further capped at half the open-file limit). When all are
    /// taken, a new connection closes the one idle longest — waiting for a request, or half-way
    /// through sending one —, so a health check still gets in; never one whose request is
    /// under way.
    pub max_connections: usize,
    /// Megabytes of uploaded files held in memory at once while they are checked and stored;
    /// the others wait on disk. A file takes as many as it is large (at least one), a file
    /// larger than the whole budget takes all of it and is checked alone.
    pub upload_memory_mb: u32,
    /// The body that digitizes and keeps (the packages' agent), as `--organisation` names it.
    pub organisation: String,
    /// The certificates a package received must chain to (`--trusted-certs`); none: signatures
    /// are checked for integrity only, and the receipt says so.
    pub trusted_signers: kho_digitize::sign::TrustedSigners,
    /// Where this server keeps its search index (`kho serve`: `DATA_DIR/search`); None: in
    /// memory. Derived data, one per server: servers sharing a catalogue keep one each.
    pub search_dir: Option<std::path::PathBuf>,
    /// The archive's signing key, for certified copies (`--sign-p12`, `--sign-pkcs11-module`; the
    /// demo's test certificate); none: certified copies cannot be issued, and the page says so.
    pub signer: Option<Signer>,
}

/// The archive's signing key.
#[derive(Clone)]
pub struct Signer(pub Arc<dyn kho_digitize::sign::SigningKey>);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(…)")
    }
}

impl WebConfig {
    /// Where an uploaded file lands, piece by piece, while it is received.
    pub fn incoming_dir(&self) -> std::path::PathBuf {
        self.upload_dir().join("incoming")
    }

    pub fn upload_dir(&self) -> std::path::PathBuf {
        self.upload_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("kho-uploads"))
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            enclave: false,
            max_upload: 512 * 1024 * 1024,
            upload_dir: None,
            header_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            max_connections: 2048,
            upload_memory_mb: 160,
            organisation: kho_digitize::worker::WorkerConfig::default().organisation,
            trusted_signers: Default::default(),
            search_dir: None,
            signer: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub blobs: Arc<kho_blobs::Blobs>,
    pub config: Arc<WebConfig>,
    templates: Arc<minijinja::Environment<'static>>,
    rate_limiter: Arc<auth::RateLimiter>,
    /// Verified against when a login names no user, so timing does not reveal which names exist.
    dummy_hash: Arc<String>,
    /// The memory budget of uploads, in megabytes: an upload is received to disk, then waits for
    /// its share of this before it is read into memory, so many large or slow uploads cost disk,
    /// not memory (`AppState::hold_upload`).
    uploads: Arc<tokio::sync::Semaphore>,
    /// The search index, derived from the catalogue (`search::Indexer`).
    pub search: Arc<search::Indexer>,
}

impl AppState {
    pub fn new(store: Store, blobs: kho_blobs::Blobs, config: WebConfig) -> AppState {
        AppState {
            uploads: Arc::new(tokio::sync::Semaphore::new(config.upload_memory_mb.max(1) as usize)),
            search: Arc::new(search::Indexer::open(config.search_dir.as_deref())),
            store,
            blobs: Arc::new(blobs),
            config: Arc::new(config),
            templates: Arc::new(templates::environment()),
            rate_limiter: Arc::new(auth::RateLimiter::default()),
            dummy_hash: Arc::new(auth::hash_password(&auth::new_secret())),
        }
    }

    /// Waits until a file of `size` bytes may be held in memory; the memory is the permit's
    /// until it is dropped.
    pub(crate) async fn hold_upload(&self, size: u64) -> Result<tokio::sync::OwnedSemaphorePermit, String> {
        let budget = self.config.upload_memory_mb.max(1);
        let share = u32::try_from(size.div_ceil(1 << 20)).unwrap_or(u32::MAX).clamp(1, budget);
        self.uploads.clone().acquire_many_owned(share).await.map_err(|e| e.to_string())
    }
}

/// Where a page may load from: only Kho itself. No inline script or style (scripts are files
/// under `/static/`), nothing framed, no `<base>`, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The whole application: pages, API, static assets, health.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(attachments::routes(state.config.max_upload))
        .merge(admin::routes())
        .merge(preservation::routes())
        .merge(reports::routes())
        .merge(cost::routes())
        .merge(retention::routes())
        .merge(import::routes())
        .merge(accessions::routes(state.config.max_upload))
        .merge(arrangement::routes())
        .merge(arrangement::numbering_routes())
        .merge(arrangement::phieu_tin_routes())
        .merge(disposal::routes())
        .merge(places::routes())
        .merge(digitization::routes(state.config.max_upload))
        .merge(viewer::routes())
        .merge(access::routes())
        .nest(
            "/api/v1",
            api::routes()
                .merge(digitization::api_routes(state.config.max_upload))
                .merge(disposal::api_routes())
                .merge(places::api_routes())
                .merge(access::api_routes())
                .merge(cost::api_routes())
                .merge(attachments::api_routes(state.config.max_upload))
                .merge(import::api_routes())
                .merge(accessions::api_routes(state.config.max_upload))
                .merge(reports::api_routes())
                .merge(admin::api_routes())
                .merge(preservation::api_routes())
                .merge(viewer::api_routes()),
        )
        .route("/healthz", get(healthz))
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        // Outside the guard, so the time counts the form body the guard reads for CSRF too.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), deadline))
        .fallback(error::not_found)
        // Error pages drawn again inside the layout of the person signed in.
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::with_layout))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
        // On every answer, errors and 404s included: the CSP, no framing, no sniffing, the
        // referrer kept to Kho, and `no-store` — pages and JSON hold records, which no cache,
        // shared or the browser's, should keep. Static files set their own long caching.
        .layer(unless_set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(unless_set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(unless_set(header::REFERRER_POLICY, "same-origin"))
        .layer(unless_set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(unless_set(header::CACHE_CONTROL, "no-store"))
        .layer(compression())
        .with_state(state)
}

/// A header every answer carries unless its handler set its own.
fn unless_set(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// gzip or brotli, as the client asks, for text — pages, JSON, CSS, scripts, CSV — of 1 KiB or
/// more (a 5,000-hồ sơ API listing of 2.9 MB went as 51 KB gzip, 19 KB brotli, for 0.1–0.2 s of
/// CPU in a debug build). PDFs, office files, zips and images are compressed already and go as
/// they are. Level 4: most of the gain for little CPU (brotli's default, quality 11, costs tens
/// of times more).
///
/// Compressing pages that hold a secret (the CSRF token) beside text an attacker chooses can
/// leak it (BREACH) only if the attacker's requests carry the victim's cookies; Kho's are
/// SameSite=Strict, so another site's requests come without them.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().quality(CompressionLevel::Precise(4)).compress_when(SizeAbove::new(1024).and(
        |_: axum::http::StatusCode, _: axum::http::Version, headers: &axum::http::HeaderMap, _: &axum::http::Extensions| {
            headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(compressible)
        },
    ))
}

/// Text worth compressing; everything else (PDF, DOCX, XLSX, zip, images) is compressed already.
fn compressible(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    media_type.starts_with("text/") || media_type == "application/json" || media_type.ends_with("+json") || media_type == "image/svg+xml"
}

/// Every ordinary request — its body, the guard, the handler — has `request_timeout`; the
/// routes the policy table marks long (uploads, imports) are bounded by their body limits.
async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let long = request.extensions().get::<MatchedPath>().and_then(|m| policy::find(request.method(), m.as_str())).is_some_and(|r| r.long);
    if long {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, %path, "request took too long; stopped");
            error::too_slow(&path)
        }
    }
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "cơ sở dữ liệu không trả lời")
        }
    }
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, within the bounds of the
/// configuration (see [`server`]).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    server::run(listener, state, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
