//! How refusals and failures reach people: a page in Vietnamese, or JSON with a stable code.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kho_model::{FieldError, Invalid};
use kho_store::StoreError;
use serde::Serialize;

/// A JSON error body: `{"error": {"code", "message", "fields"?}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// Stable: clients match on it.
    pub code: String,
    /// For people, in Vietnamese.
    pub message: String,
    /// One entry per refused field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ApiErrorBody,
    /// What the client needs besides the message, beside `error` in the body: a refused import's
    /// summary, a package's problems one by one.
    details: Option<Box<(&'static str, serde_json::Value)>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ApiErrorBody { error: ApiErrorDetail { code: code.into(), message: message.into(), fields: vec![] } },
            details: None,
        }
    }

    /// A request refused for what it says (422), with why.
    pub fn refused(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// The same error with `value` beside it in the body, under `key`.
    pub fn with(mut self, key: &'static str, value: serde_json::Value) -> ApiError {
        self.details = Some(Box::new((key, value)));
        self
    }

    pub fn invalid(invalid: Invalid) -> ApiError {
        let message = format!("Dữ liệu không hợp lệ: {}", invalid.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "));
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ApiErrorBody { error: ApiErrorDetail { code: "invalid".into(), message, fields: invalid.errors } },
            details: None,
        }
    }

    pub fn conflict(invalid: Invalid) -> ApiError {
        let mut error = ApiError::invalid(invalid);
        error.status = StatusCode::CONFLICT;
        error.body.error.code = "conflict".into();
        error
    }

    /// An error of Kho's own: logged, and answered without its detail.
    fn internal(error: &dyn std::fmt::Debug) -> ApiError {
        tracing::error!(error = ?error, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Lỗi hệ thống; đã ghi nhật ký. Vui lòng thử lại hoặc báo quản trị viên.",
        )
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("Không tìm thấy {what}."))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(field) => ApiError::conflict(Invalid::one(field)),
            other => ApiError::internal(&other),
        }
    }
}

/// A handler shared by a page and the API (the số hóa line) answers the API in JSON.
impl From<PageError> for ApiError {
    fn from(error: PageError) -> ApiError {
        match error {
            PageError::NotFound(what) => ApiError::not_found(what),
            PageError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Vai trò của bạn không được làm việc này."),
            PageError::NotYet(message) => ApiError::new(StatusCode::CONFLICT, "not_yet", message),
            PageError::Gone(message) => ApiError::new(StatusCode::GONE, "expired", message),
            PageError::Unavailable(message) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message),
            other => ApiError::internal(&other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.details {
            None => (self.status, Json(self.body)).into_response(),
            Some(details) => {
                let (key, value) = *details;
                let mut body = serde_json::json!({ "error": self.body.error });
                body[key] = value;
                (self.status, Json(body)).into_response()
            }
        }
    }
}

/// A failure while building a page; rendered as a Vietnamese error page.
#[derive(Debug)]
pub enum PageError {
    NotFound(&'static str),
    Forbidden,
    /// A form without the session's anti-forgery token (stale page, another site).
    Csrf,
    /// Not possible yet in the record's current state (409), e.g. a biên bản hủy before the hủy.
    NotYet(String),
    /// What was granted for a time that has passed (410), e.g. a bản đọc after its days.
    Gone(String),
    /// Stored content that cannot be served now (missing key, damaged file): 503, the message says why.
    Unavailable(String),
    /// A method the address does not take (405); the `Allow` header is added by [`method_not_allowed`].
    MethodNotAllowed(Method),
    /// The request took longer than an ordinary request may (408): a client sending its body
    /// too slowly, or work that should not run this long.
    TooSlow,
    Internal(String),
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// What an error page says; carried on its response so [`with_layout`] can draw it again
/// inside the layout of the person signed in.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub heading: String,
    pub message: String,
}

/// Every error page — 403, 404 (an unknown address too), 405, 408, 409, 5xx — keeps the layout
/// and the menu for a signed-in person, so nobody is stranded on a bare page. Errors are drawn
/// where who is asking may not be known (the fallback, the guard's refusals before it hands
/// the request on); this identifies the person once more, only for an error page, never for
/// the API or a HEAD request.
pub async fn with_layout(State(state): State<crate::AppState>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let page_request = !is_api(request.uri().path()) && request.method() != Method::HEAD;
    let mut credentials = axum::http::HeaderMap::new();
    if page_request {
        for name in [header::COOKIE, header::AUTHORIZATION] {
            for value in request.headers().get_all(&name) {
                credentials.append(name.clone(), value.clone());
            }
        }
    }
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else { return response };
    if !page_request {
        return response;
    }
    let Ok(Some(ctx)) = crate::auth::identify(&state, &credentials, None).await else { return response };
    let status = response.status();
    match crate::pages::error_page(&state, &ctx, status, &page.heading, &page.message) {
        Ok(mut laid_out) => {
            for (name, value) in response.headers() {
                if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                    laid_out.headers_mut().insert(name.clone(), value.clone());
                }
            }
            laid_out
        }
        Err(_) => response,
    }
}

/// 405 for a method an address in the route table does not take: a page, or JSON under
/// `/api/`, with `Allow` listing the methods it does take. A client's mistake: never logged
/// as an error.
pub fn method_not_allowed(path: &str, method: &Method, allowed: &[&str]) -> Response {
    let allow = allowed.join(", ");
    let mut response = if is_api(path) {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("Đường dẫn này không nhận phương thức {method}; các phương thức dùng được: {allow}."),
        )
        .into_response()
    } else {
        PageError::MethodNotAllowed(method.clone()).into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// 404 for an address Kho does not have, whatever the method: the not-found page, or JSON
/// under `/api/`.
pub async fn not_found(uri: Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "Không có đường dẫn này trong API.").into_response()
    } else {
        PageError::NotFound("trang").into_response()
    }
}

/// 408 when an ordinary request ran past its time.
pub fn too_slow(path: &str) -> Response {
    if is_api(path) {
        ApiError::new(StatusCode::REQUEST_TIMEOUT, "timeout", "Yêu cầu mất quá nhiều thời gian nên máy chủ đã dừng xử lý; hãy gửi lại.")
            .into_response()
    } else {
        PageError::TooSlow.into_response()
    }
}

impl From<crate::records::Refused> for PageError {
    fn from(refused: crate::records::Refused) -> PageError {
        use crate::records::Refused;
        match refused {
            Refused::NotFound(what) => PageError::NotFound(what),
            Refused::Forbidden => PageError::Forbidden,
            Refused::Store(e) => e.into(),
            Refused::Invalid(i) | Refused::Conflict(i) => PageError::Internal(format!("unexpected refusal: {i}")),
        }
    }
}

impl From<crate::records::Refused> for ApiError {
    fn from(refused: crate::records::Refused) -> ApiError {
        use crate::records::Refused;
        match refused {
            Refused::Invalid(invalid) => ApiError::invalid(invalid),
            Refused::Conflict(invalid) => ApiError::conflict(invalid),
            Refused::NotFound(what) => ApiError::not_found(what),
            Refused::Forbidden => PageError::Forbidden.into(),
            Refused::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> PageError {
        match error {
            StoreError::NotFound(what) => PageError::NotFound(what),
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<minijinja::Error> for PageError {
    fn from(error: minijinja::Error) -> PageError {
        PageError::Internal(format!("template: {error:#}"))
    }
}
