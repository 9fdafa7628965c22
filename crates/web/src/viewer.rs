//! The page viewer: a scanned page beside its OCR text and its checks, to judge it — zoom,
//! rotate, previous and next page of the hồ sơ, all from the keyboard. The image is scaled by
//! the server (`/trang/{id}/anh`), so a commune's connection carries a few hundred kilobytes, not
//! the master. A page is as classified as its hồ sơ's most secret văn bản (`records::scan_page_for`).

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, PageError};
use crate::pages::{Page, crumb, here};
use crate::records;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use minijinja::context;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/trang/{id}", get(show)).route("/trang/{id}/anh", get(image))
}

/// Widest preview served, and the default.
const WIDEST: u32 = 2000;
const DEFAULT_WIDTH: u32 = 1200;

/// A scanned page as the viewer shows it: where it stands in its hồ sơ, its text and its checks.
struct Viewed {
    page: kho_store::ScanPage,
    dossier: kho_model::record::Dossier,
    label: kho_model::access::Label,
    place: Option<usize>,
    count: usize,
    prev: Option<i64>,
    next: Option<i64>,
    text: Option<String>,
}

/// Page `id` for whoever may see it (`records::scan_page_for`), with its neighbours and its text.
async fn viewed(state: &AppState, ctx: &Ctx, id: i64) -> Result<Viewed, PageError> {
    let (page, dossier, label) = records::scan_page_for(state, ctx, id).await?;
    let order = state.store.dossier_page_ids(dossier.id).await?;
    let at = order.iter().position(|p| *p == id);
    let prev = at.and_then(|i| i.checked_sub(1)).and_then(|i| order.get(i)).copied();
    let next = at.and_then(|i| order.get(i + 1)).copied();
    // A sealed page keeps its text only in its sealed word boxes.
    let text = match (&page.ocr_text, &page.words_blob) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(words)) if page.sealed => {
            state.blobs.read(words, true).await.ok().and_then(|bytes| kho_digitize::worker::page_text(&bytes))
        }
        _ => None,
    };
    Ok(Viewed { page, dossier, label, place: at.map(|i| i + 1), count: order.len(), prev, next, text })
}

async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let Viewed { page, dossier, label, place, count, prev, next, text } = viewed(&state, &ctx, id).await?;
    let title = format!("Trang {} — {}", place.unwrap_or(0), dossier.fields.file_code);
    Page::new("xem_trang.html", "so-hoa", title.clone())
        .crumbs(vec![
            crumb("Phông", "/phong"),
            crumb(format!("Hồ sơ {}", dossier.fields.file_code), format!("/ho-so/{}", dossier.id)),
            here(title),
        ])
        .render(
            &state,
            Some(&ctx),
            context! {
                id, dossier_id => dossier.id, code => dossier.fields.file_code.to_string(), title => dossier.fields.title.clone(),
                place, count, prev, next,
                file => page.file_name.clone(), page_no => page.page_no, state => state_label(&page.state),
                width => page.width, height => page.height, dpi => page.dpi, confidence => page.ocr_confidence,
                has_image => page.image_blob.is_some(), text, problems => crate::digitization::problems(page.problems.as_deref()),
                warnings => crate::digitization::problems(page.warnings.as_deref()), skew => page.skew_centidegrees.map(skew_label),
                secret => label.classification.is_classified().then(|| label.classification.label()),
            },
        )
}

/// The angle the text leaned and what was done about it: "1,2° ngược chiều kim đồng hồ — đã xoay thẳng".
fn skew_label(centidegrees: i64) -> String {
    let degrees = centidegrees as f32 / 100.0;
    let angle = format!("{:.1}°", degrees.abs()).replace('.', ",");
    if degrees.abs() < kho_digitize::pipeline::MIN_SKEW_DEGREES {
        return format!("{angle} — không cần xoay");
    }
    let way = if degrees > 0.0 { "ngược chiều kim đồng hồ" } else { "theo chiều kim đồng hồ" };
    format!("{angle} {way} — đã xoay thẳng trước khi nhận dạng")
}

fn state_label(state: &str) -> &'static str {
    match state {
        "done" => "đã xử lý",
        "rescan" => "cần quét lại",
        _ => "đang chờ xử lý",
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImageQuery {
    /// Bề rộng ảnh muốn xem, điểm ảnh (200–2000; mặc định 1200).
    #[serde(alias = "width")]
    rong: Option<String>,
}

async fn image(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<ImageQuery>,
) -> Result<Response, PageError> {
    let (page, _, _) = records::scan_page_for(&state, &ctx, id).await?;
    let Some(blob) = page.image_blob.clone() else {
        return Err(PageError::NotYet("Trang này chưa xử lý xong: chưa có ảnh để xem.".into()));
    };
    let width = q.rong.and_then(|w| w.trim().parse::<u32>().ok()).unwrap_or(DEFAULT_WIDTH).clamp(200, WIDEST);
    let bytes = state.blobs.read(&blob, page.sealed).await.map_err(|e| PageError::Unavailable(e.to_string()))?;
    let preview =
        crate::respond::blocking(move || kho_digitize::pipeline::preview(&bytes, width).ok_or("ảnh trang không đọc được".to_string()))
            .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::HeaderName::from_static("x-content-type-options"), "nosniff"),
        ],
        preview,
    )
        .into_response())
}

// ---- the same through /api/v1 ----

/// `/api/v1/scan-pages/{id}[/image]`: a page to judge, for a quality-check station.
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/scan-pages/{id}", get(api_page)).route("/scan-pages/{id}/image", get(api_image))
}

/// A scanned page as the viewer shows it: its place in the hồ sơ (with the previous and next
/// page), its file, resolution, OCR text and confidence, the checks it failed or was warned of,
/// and the skew straightened; as secret as its hồ sơ's most secret văn bản.
#[utoipa::path(get, path = "/api/v1/scan-pages/{id}", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, description = "id, dossierId, fileCode, place, count, prev, next, fileName, pageNo, state, width, height, dpi, confidence, text, problems, warnings, skewCentidegrees, classification"),
    (status = 404, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let Viewed { page, dossier, label, place, count, prev, next, text } = viewed(&state, &ctx, id).await?;
    Ok(axum::Json(serde_json::json!({
        "id": id, "dossierId": dossier.id, "fileCode": dossier.fields.file_code.to_string(), "place": place, "count": count,
        "prev": prev, "next": next, "fileName": page.file_name, "pageNo": page.page_no, "state": page.state,
        "width": page.width, "height": page.height, "dpi": page.dpi, "confidence": page.ocr_confidence, "text": text,
        "problems": crate::digitization::problems(page.problems.as_deref()), "warnings": crate::digitization::problems(page.warnings.as_deref()),
        "skewCentidegrees": page.skew_centidegrees, "classification": label.classification.code(),
    }))
    .into_response())
}

/// The page's image scaled by the server (JPEG), as the viewer loads it.
#[utoipa::path(get, path = "/api/v1/scan-pages/{id}/image", tag = "Số hóa", params(("id" = i64, Path), ImageQuery), responses(
    (status = 200, content_type = "image/jpeg", description = "Ảnh trang đã thu nhỏ"),
    (status = 409, description = "Trang chưa xử lý xong", body = crate::error::ApiErrorBody), (status = 404, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_image(
    state: State<AppState>,
    ctx: Extension<Ctx>,
    id: Path<i64>,
    query: Query<ImageQuery>,
) -> Result<Response, ApiError> {
    Ok(image(state, ctx, id, query).await?)
}
