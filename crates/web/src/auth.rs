//! Accounts on the web: passwords (argon2id), sessions in cookies, API bearer tokens, CSRF, login
//! throttling, and the guard that puts every request through the route table and `authorize`.

use crate::AppState;
use crate::policy::{self, Access};
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kho_model::access::{Action, Actor, Permissions};
use kho_store::{AuditEvent, Store, User};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "kho_session";
pub const LOGIN_CSRF_COOKIE: &str = "kho_login_csrf";
/// Sessions end after this long without a request …
pub const IDLE_TIMEOUT: chrono::Duration = chrono::Duration::minutes(30);
/// … and after this long in any case.
pub const ABSOLUTE_TIMEOUT: chrono::Duration = chrono::Duration::hours(12);
/// Wrong passwords in a row before a name is locked …
pub const LOCKOUT_AFTER: i64 = 5;
/// … for this long.
pub const LOCKOUT_FOR: chrono::Duration = chrono::Duration::minutes(15);
/// Login attempts per address per minute.
pub const ATTEMPTS_PER_MINUTE: usize = 20;
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Argon2id. Release builds use the library's defaults (m = 19 MiB, t = 2, p = 1: ~28 ms);
/// debug builds, which run the tests, use a cheap setting so hundreds of logins stay fast.
fn hasher() -> argon2::Argon2<'static> {
    let params = if cfg!(debug_assertions) {
        argon2::Params::new(256, 1, 1, None).expect("valid argon2 parameters")
    } else {
        argon2::Params::DEFAULT
    };
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::PasswordHasher;
    hasher().hash_password(password.as_bytes()).expect("argon2 hashing cannot fail with valid parameters").to_string()
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Checks a new password; the message says what to change.
pub fn check_new_password(username: &str, password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự."));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err("Mật khẩu không được chứa tên đăng nhập.".into());
    }
    Ok(())
}

/// A fresh random secret, hex.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who is behind a request, once the guard has let it through.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub user: Option<User>,
    /// The session's CSRF token, for the forms of the page (none for bearer tokens).
    pub csrf: Option<String>,
    pub session_hash: Option<String>,
    pub address: Option<String>,
}

impl Ctx {
    pub fn event(&self, action: &str, resource_kind: &str, resource_id: Option<i64>, outcome: &str) -> AuditEvent {
        AuditEvent {
            actor_id: self.actor.user_id,
            actor_name: self.actor.name.clone(),
            action: action.into(),
            resource_kind: resource_kind.into(),
            resource_id,
            outcome: outcome.into(),
            address: self.address.clone(),
            detail: None,
        }
    }
}

/// A public page's view of who is there: nobody, or a signed-in user.
#[derive(Debug, Clone)]
pub struct MaybeCtx(pub Option<Ctx>);

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` for a secret cookie: HttpOnly, SameSite=Strict, Secure behind TLS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if state.config.secure_cookies {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).expect("cookie text is ASCII")
}

fn address_of(request: &Request) -> Option<String> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// The client's IP address, when the server knows it.
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())))
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Identifies the caller from a bearer token or a session cookie.
pub(crate) async fn identify(state: &AppState, headers: &HeaderMap, address: Option<String>) -> Result<Option<Ctx>, kho_store::StoreError> {
    if let Some(token) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) {
        let Some(user_id) = state.store.token_user(&sha256_hex(token.trim())).await? else { return Ok(None) };
        let user = state.store.user(user_id).await?;
        let actor = state.store.actor(&user).await?;
        return Ok(Some(Ctx { actor, user: Some(user), csrf: None, session_hash: None, address }));
    }
    let Some(secret) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let hash = sha256_hex(&secret);
    let Some(session) = state.store.session(&hash).await? else { return Ok(None) };
    let now = chrono::Utc::now();
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&chrono::Utc)).ok();
    let expired = match (parse(&session.created_at), parse(&session.last_seen_at)) {
        (Some(created), Some(seen)) => now - created > ABSOLUTE_TIMEOUT || now - seen > IDLE_TIMEOUT,
        _ => true,
    };
    if expired {
        state.store.delete_session(&hash).await?;
        return Ok(None);
    }
    let user = state.store.user(session.user_id).await?;
    if user.disabled {
        return Ok(None);
    }
    if parse(&session.last_seen_at).is_some_and(|seen| now - seen > chrono::Duration::seconds(60)) {
        state.store.touch_session(&hash).await?;
    }
    let actor = state.store.actor(&user).await?;
    Ok(Some(Ctx { actor, user: Some(user), csrf: Some(session.csrf_token), session_hash: Some(hash), address }))
}

/// Forms carry `_csrf`; scripts send `X-CSRF-Token`; file uploads (multipart, whose body is not
/// read here) carry it in the form's action URL. Reads the body when it is a form and puts it
/// back untouched.
async fn csrf_token_of(request: Request) -> (Option<String>, Request) {
    if let Some(token) = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        let token = token.to_string();
        return (Some(token), request);
    }
    let is_multipart =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let token = request.uri().query().and_then(|q| form_urlencoded_value(q.as_bytes(), "_csrf"));
        return (token, request);
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (None, request);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::FORM_LIMIT).await else {
        return (None, Request::from_parts(parts, Body::empty()));
    };
    let token = form_urlencoded_value(&bytes, "_csrf");
    (token, Request::from_parts(parts, Body::from(bytes)))
}

fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).ok()?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn unauthenticated(path: &str, asked: &str, method: &Method) -> Response {
    if is_api(path) {
        return crate::error::ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Cần đăng nhập: gửi mã truy cập trong tiêu đề Authorization: Bearer ….",
        )
        .into_response();
    }
    let next = if method == Method::GET { format!("?tiep={}", urlencode(asked)) } else { String::new() };
    Redirect::to(&format!("/dang-nhap{next}")).into_response()
}

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

fn forbidden(path: &str) -> Response {
    if is_api(path) {
        crate::error::ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Vai trò của bạn không được làm việc này.").into_response()
    } else {
        crate::error::PageError::Forbidden.into_response()
    }
}

/// The guard: every request passes here. Looks the route up in the table, identifies the
/// caller, applies the role rule and CSRF, and hands the handler a [`Ctx`].
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(matched) = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()) else {
        // Unmatched: the fallback answers 404.
        return next.run(request).await;
    };
    let method = request.method().clone();
    let Some(route) = policy::find(&method, &matched) else {
        let allowed = policy::allowed(&matched);
        if !allowed.is_empty() {
            // The address exists, the method does not: the client's mistake, answered before
            // anyone is identified (the answer is the same for everyone).
            return crate::error::method_not_allowed(&matched, &method, &allowed);
        }
        tracing::error!(%method, path = %matched, "route missing from the policy table");
        return (StatusCode::INTERNAL_SERVER_ERROR, "tuyến chưa có trong bảng phân quyền").into_response();
    };
    let headers = request.headers().clone();
    let ctx = match identify(&state, &headers, address_of(&request)).await {
        Ok(ctx) => ctx,
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    let mut request = request;
    match route.access {
        Access::Public => {
            request.extensions_mut().insert(MaybeCtx(ctx));
            return next.run(request).await;
        }
        Access::SignedIn | Access::Act(_) if ctx.is_none() => {
            // Back to the address asked for, not the route's pattern (`/phong/7`, not `/phong/{id}`).
            let asked = request.uri().path_and_query().map_or("/", |p| p.as_str());
            return unauthenticated(&matched, asked, &method);
        }
        _ => {}
    }
    let ctx = ctx.expect("checked above");
    if let Access::Act(action) = route.access
        && !Permissions::shipped().allows(ctx.actor.role, action)
    {
        let _ = state.store.audit(ctx.event(action.code(), "route", None, "denied")).await;
        return forbidden(&matched);
    }
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && ctx.session_hash.is_some() {
        let (token, rebuilt) = csrf_token_of(request).await;
        request = rebuilt;
        let expected = ctx.csrf.as_deref().unwrap_or_default();
        if !token.is_some_and(|t| same_secret(&t, expected)) {
            let _ = state.store.audit(ctx.event("csrf", "route", None, "denied")).await;
            return if is_api(&matched) {
                crate::error::ApiError::new(StatusCode::FORBIDDEN, "csrf", "Thiếu hoặc sai mã chống giả mạo (CSRF).").into_response()
            } else {
                crate::error::PageError::Csrf.into_response()
            };
        }
    }
    request.extensions_mut().insert(MaybeCtx(Some(ctx.clone())));
    request.extensions_mut().insert(ctx);
    next.run(request).await
}

/// Login attempts per address in the last minute; a small in-memory window.
#[derive(Default)]
pub struct RateLimiter {
    attempts: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Counts an attempt; false when the address is over its limit.
    pub fn allow(&self, address: Option<&str>) -> bool {
        let Some(ip) = address.and_then(|a| a.parse::<IpAddr>().ok()) else { return true };
        let mut attempts = self.attempts.lock().expect("rate limiter lock");
        let window = attempts.entry(ip).or_default();
        let now = Instant::now();
        while window.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60)) {
            window.pop_front();
        }
        if window.len() >= ATTEMPTS_PER_MINUTE {
            return false;
        }
        window.push_back(now);
        true
    }
}

/// Why a login did not happen; the message never says which part was wrong.
pub enum LoginRefused {
    Wrong,
    Locked,
    Throttled,
}

impl LoginRefused {
    pub fn message(&self) -> &'static str {
        match self {
            LoginRefused::Wrong => "Tên đăng nhập hoặc mật khẩu không đúng.",
            LoginRefused::Locked => "Tài khoản tạm khóa vì đăng nhập sai nhiều lần. Hãy thử lại sau 15 phút hoặc liên hệ quản trị viên.",
            LoginRefused::Throttled => "Có quá nhiều lần đăng nhập từ máy này. Hãy chờ một phút rồi thử lại.",
        }
    }
}

/// Checks a login and opens a session; returns the session secret and the user.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    address: Option<&str>,
) -> Result<Result<(String, User), LoginRefused>, kho_store::StoreError> {
    let store: &Store = &state.store;
    let username = username.trim();
    let event = |outcome: &str, user: Option<&User>| AuditEvent {
        actor_id: user.map(|u| u.id),
        actor_name: username.to_string(),
        action: "login".into(),
        resource_kind: "session".into(),
        resource_id: None,
        outcome: outcome.into(),
        address: address.map(str::to_string),
        detail: None,
    };
    if !state.rate_limiter.allow(address) {
        store.audit(event("throttled", None)).await?;
        return Ok(Err(LoginRefused::Throttled));
    }
    if store.login_locked_until(username).await?.is_some() {
        store.audit(event("locked", None)).await?;
        return Ok(Err(LoginRefused::Locked));
    }
    let user = store.user_by_name(username).await?;
    // Hash even for unknown names, so timing does not tell which names exist.
    let valid = match &user {
        Some(u) if !u.disabled => verify_password(&u.password_hash, password),
        _ => {
            let _ = verify_password(&state.dummy_hash, password);
            false
        }
    };
    let Some(user) = user.filter(|_| valid) else {
        let until = kho_store::stored(chrono::Utc::now() + LOCKOUT_FOR);
        store.record_login_failure(username, LOCKOUT_AFTER, &until).await?;
        store.audit(event("failed", None)).await?;
        return Ok(Err(LoginRefused::Wrong));
    };
    store.clear_login_failures(username).await?;
    let secret = new_secret();
    store.create_session(&sha256_hex(&secret), user.id, &new_secret(), address).await?;
    store.audit(event("ok", Some(&user))).await?;
    Ok(Ok((secret, user)))
}

/// Whether a signed-in user's own page may show the Quản trị area.
pub fn administers(actor: &Actor) -> bool {
    let table = Permissions::shipped();
    table.allows(actor.role, Action::UsersManage)
        || table.allows(actor.role, Action::AuditView)
        || table.allows(actor.role, Action::TokensManage)
        || table.allows(actor.role, Action::ClearanceGrant)
}
