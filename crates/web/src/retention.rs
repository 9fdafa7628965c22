//! Thời hạn bảo quản: the schedule as a page, Kho's suggestion for a title (and why), the API,
//! and the administrator's replacement of the whole table from a CSV file.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, PageError};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use kho_model::retention::{self, Matcher, RetentionRule};
use minijinja::{Value, context};
use serde::Deserialize;

/// A retention schedule is a few hundred rules: 4 MB is far above any real one.
const MAX_SCHEDULE_BYTES: usize = 4 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/thoi-han", get(schedule))
        .route(
            "/quan-tri/thoi-han",
            get(admin_page).post(admin_replace).layer(axum::extract::DefaultBodyLimit::max(MAX_SCHEDULE_BYTES + 64 * 1024)),
        )
        .route(
            "/api/v1/retention",
            get(api_rules).put(api_replace).layer(axum::extract::DefaultBodyLimit::max(MAX_SCHEDULE_BYTES + 64 * 1024)),
        )
        .route("/api/v1/retention/suggest", get(api_suggest))
}

/// How many rules a suggestion shows: the best, and the runners-up an archivist weighs beside it.
const CANDIDATES: usize = 3;

/// A suggestion as the pages and the API show it: the best rule, why, and the runners-up.
pub fn explain(rules: &[RetentionRule], title: &str, closed_year: Option<u16>) -> Option<Value> {
    let candidates = Matcher::new(rules).candidates(title, None, CANDIDATES);
    let described = |suggestion: &retention::Suggestion| {
        let rule = &rules[suggestion.rule];
        context! {
            title => rule.title.clone(), source => rule.source.clone(), source_text => rule.source_text(), item_no => rule.item_no.clone(), group => rule.group.clone(),
            retention => rule.retention.clone(), maintenance => rule.maintenance.code(), maintenance_label => rule.maintenance.label(),
            superseded => rule.superseded(), confidence => rule.confidence.clone(), score => (suggestion.score * 100.0).round() as i64,
            matched => suggestion.matched.join(", "), expires => closed_year.and_then(|y| rule.expires(y)),
        }
    };
    let (best, others) = candidates.split_first()?;
    let others: Vec<Value> = others.iter().map(described).collect();
    Some(context! { others, ..described(best) })
}

#[derive(Deserialize, Default)]
struct ScheduleQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tieu_de: String,
    #[serde(default)]
    nam: String,
    #[serde(default)]
    da_luu: Option<String>,
}

fn render(
    state: &AppState,
    ctx: &Ctx,
    template: &str,
    title: &str,
    current: &str,
    status: StatusCode,
    values: Value,
) -> Result<Response, PageError> {
    crate::pages::Page::new(template, current, title).status(status).render(state, Some(ctx), values)
}

fn rule_row(rule: &RetentionRule) -> Value {
    context! {
        source => rule.source.clone(), source_text => rule.source_text(), group => rule.group.clone(), item_no => rule.item_no.clone(), title => rule.title.clone(),
        retention => rule.retention.clone(), code => rule.maintenance.code(), superseded => rule.superseded(), confidence => rule.confidence.clone(),
    }
}

async fn schedule(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ScheduleQuery>,
) -> Result<Response, PageError> {
    let rules = state.store.retention_rules().await?;
    let filter = kho_model::text::fold(&q.q);
    let rows: Vec<Value> = rules
        .iter()
        .filter(|r| filter.is_empty() || kho_model::text::fold(&format!("{} {} {}", r.title, r.group, r.source)).contains(&filter))
        .map(rule_row)
        .collect();
    let closed = q.nam.trim().parse::<u16>().ok();
    let suggestion = if q.tieu_de.trim().is_empty() { None } else { Some(explain(&rules, &q.tieu_de, closed)) };
    render(
        &state,
        &ctx,
        "retention.html",
        "Thời hạn bảo quản",
        "chinh-ly",
        StatusCode::OK,
        context! { rows, total => rules.len(), q => q.q, tieu_de => q.tieu_de, nam => q.nam, suggestion, flash => q.da_luu.map(|_| "Đã nạp bảng thời hạn mới.") },
    )
}

async fn admin_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let count = state.store.retention_rules().await?.len();
    render(
        &state,
        &ctx,
        "admin_retention.html",
        "Bảng thời hạn bảo quản",
        "quan-tri",
        StatusCode::OK,
        context! { count, problems => Vec::<Value>::new(), tabs => crate::admin::tabs(&ctx) },
    )
}

/// Replaces the schedule from an uploaded CSV: every problem listed, nothing changed on any.
async fn admin_replace(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    match replace_schedule(&state, &ctx, multipart).await? {
        Ok(_) => Ok(Redirect::to("/thoi-han?da_luu=1").into_response()),
        Err(problems) => {
            let count = state.store.retention_rules().await?.len();
            render(
                &state,
                &ctx,
                "admin_retention.html",
                "Bảng thời hạn bảo quản",
                "quan-tri",
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { count, problems, tabs => crate::admin::tabs(&ctx) },
            )
        }
    }
}

/// The schedule of the form's CSV in place of the one in force, audited: how many rules, or every
/// problem (and nothing changed).
async fn replace_schedule(
    state: &AppState,
    ctx: &Ctx,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<usize, Vec<String>>, PageError> {
    // Through the one intake for files: received to disk, its name made safe, refusals audited.
    let Ok(mut multipart) = multipart else { return Ok(Err(vec![crate::attachments::UNREADABLE.into()])) };
    let limit_mb = MAX_SCHEDULE_BYTES / 1024 / 1024;
    let (name, bytes, _permit) = loop {
        match crate::attachments::next_part(state, &mut multipart, limit_mb).await {
            Ok(Some(crate::attachments::Part::File { name, bytes, permit })) => break (name, bytes, permit),
            Ok(Some(crate::attachments::Part::Field { .. })) => continue,
            Ok(Some(crate::attachments::Part::BadName(message))) | Err(message) => return Ok(Err(vec![message])),
            Ok(None) => return Ok(Err(vec!["Chưa chọn tệp CSV.".into()])),
        }
    };
    let text = if bytes.is_empty() {
        Err("tệp rỗng".to_string())
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| "không phải văn bản UTF-8; hãy lưu dưới dạng “CSV UTF-8”".to_string())
    };
    let text = match text {
        Ok(text) => text,
        Err(reason) => {
            crate::attachments::refusal(state, ctx, "retention.replace", &name, false, &bytes, &reason).await?;
            return Ok(Err(vec![format!("Tệp “{name}”: {reason}.")]));
        }
    };
    let rules = match retention::parse(&text) {
        Ok(rules) => rules,
        Err(problems) => {
            let reason = format!("{} lỗi trong bảng", problems.len());
            crate::attachments::refusal(state, ctx, "retention.replace", &name, false, &bytes, &reason).await?;
            return Ok(Err(problems.iter().map(|p| format!("Tệp “{name}”: {p}")).collect()));
        }
    };
    state.store.replace_retention(&rules).await?;
    let mut event = ctx.event("retention.replace", "retention", None, "ok");
    event.detail = Some(format!("{} quy tắc", rules.len()));
    state.store.audit(event).await?;
    Ok(Ok(rules.len()))
}

/// A new schedule in place of the one in force (multipart: `file`, a CSV in UTF-8 with the
/// columns `kho retention export` writes), as Quản trị → Bảng thời hạn bảo quản does: every
/// problem listed and nothing changed, or the whole schedule replaced.
#[utoipa::path(put, path = "/api/v1/retention", tag = "Thời hạn bảo quản",
    request_body(content_type = "multipart/form-data", description = "file: bảng thời hạn bảo quản, CSV UTF-8"), responses(
    (status = 200, description = "rules: số quy tắc đang dùng", example = json!({ "rules": 343 })),
    (status = 422, description = "Không thay: problems nêu từng lỗi", body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_replace(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    Ok(match replace_schedule(&state, &ctx, multipart).await? {
        Ok(rules) => Json(serde_json::json!({ "rules": rules })).into_response(),
        Err(problems) => {
            return Err(ApiError::refused("schedule_refused", problems.join(" ")).with("problems", serde_json::json!(problems)));
        }
    })
}

/// The retention schedule in force: each rule with its code, title, retention and source (the
/// text and article it comes from).
#[utoipa::path(get, path = "/api/v1/retention", tag = "Thời hạn bảo quản", responses((status = 200, description = "Các quy tắc của bảng đang dùng")))]
pub(crate) async fn api_rules(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.retention_rules().await?).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SuggestQuery {
    /// Tiêu đề hồ sơ.
    title: String,
    /// Năm kết thúc công việc, để tính năm hết thời hạn.
    closed: Option<u16>,
}

/// The retention the schedule suggests for a hồ sơ's title, with the rule, its source and why,
/// and the runners-up.
#[utoipa::path(get, path = "/api/v1/retention/suggest", tag = "Thời hạn bảo quản", params(SuggestQuery), responses(
    (status = 200, description = "Thời hạn gợi ý, quy tắc, căn cứ và lý do")))]
pub(crate) async fn api_suggest(State(state): State<AppState>, Query(q): Query<SuggestQuery>) -> Result<Response, ApiError> {
    let rules = state.store.retention_rules().await?;
    Ok(Json(explain(&rules, &q.title, q.closed)).into_response())
}
