//! Kho over HTTP: the Vietnamese web UI (server-rendered HTML, no script framework) and the JSON
//! API under `/api/v1/`, with its OpenAPI document generated from the handlers.
//!
//! Handlers stay thin: they parse what came in, call [`records`] (which owns the
//! parse-then-write sequence both the UI and the API share) or the store, and render. No SQL here.

mod accessions;
mod admin;
mod api;
mod arrangement;
mod attachments;
pub mod auth;
mod digitization;
mod disposal;
mod error;
mod import;
mod pages;
mod places;
pub mod policy;
mod records;
mod respond;
mod retention;
mod staging;
mod templates;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use kho_store::Store;
use std::sync::Arc;

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
}

impl WebConfig {
    pub fn upload_dir(&self) -> std::path::PathBuf {
        self.upload_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("kho-uploads"))
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { secure_cookies: false, enclave: false, max_upload: 512 * 1024 * 1024, upload_dir: None }
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
}

impl AppState {
    pub fn new(store: Store, blobs: kho_blobs::Blobs, config: WebConfig) -> AppState {
        AppState {
            store,
            blobs: Arc::new(blobs),
            config: Arc::new(config),
            templates: Arc::new(templates::environment()),
            rate_limiter: Arc::new(auth::RateLimiter::default()),
            dummy_hash: Arc::new(auth::hash_password(&auth::new_secret())),
        }
    }
}

/// The whole application: pages, API, static assets, health.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(attachments::routes(state.config.max_upload))
        .merge(admin::routes())
        .merge(retention::routes())
        .merge(import::routes())
        .merge(accessions::routes())
        .merge(arrangement::routes())
        .merge(arrangement::numbering_routes())
        .merge(arrangement::phieu_tin_routes())
        .merge(disposal::routes())
        .merge(places::routes())
        .merge(digitization::routes(state.config.max_upload))
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .route("/static/kho.css", get(stylesheet))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
        .with_state(state)
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

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        include_str!("../static/kho.css"),
    )
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
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
