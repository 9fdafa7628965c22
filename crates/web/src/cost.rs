//! Kinh phí: what the plan's remaining work costs by the norms in force (`kho_model::cost`), for
//! each unit of the plan and each year, against the budget allocated and spent; the norms, each
//! unit's complexity and the budget lines are entered here by whoever manages the budget.
//!
//! A unit's line counts the units merged into it, and its progress is what the reader may count
//! (`Store::progress_by_unit` under their `Visibility`); whoever is bound to communes sees theirs.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::error::{ApiError, ApiErrorBody};
use crate::respond::PaperFormat;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Form, Router};
use kho_model::access::Action;
use kho_model::cost::{self, BudgetInput, Complexity, Done, Estimate, Norm, Norms};
use kho_model::vn;
use kho_store::BudgetScope;
use minijinja::{Value, context};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kinh-phi", get(page))
        .route("/kinh-phi/du-toan.xlsx", get(|s, c| estimate_file(s, c, PaperFormat::Xlsx)))
        .route("/kinh-phi/du-toan.csv", get(|s, c| estimate_file(s, c, PaperFormat::Csv)))
        .route("/kinh-phi/dinh-muc.csv", get(norms_file))
        .route("/kinh-phi/dinh-muc", post(set_norms))
        .route("/kinh-phi/do-phuc-tap", post(set_complexity))
        .route("/kinh-phi/so-lieu", post(add_budget_line))
}

/// The plan's first year: the whole plan's estimate is spread from it.
const PLAN_FIRST_YEAR: i32 = 2026;

/// One unit's line of the estimate.
pub struct UnitCost {
    pub unit_id: i64,
    pub name: String,
    /// Mét giá of the plan, in hundredths.
    pub metres: i64,
    pub complexity: Complexity,
    pub deadline_year: i32,
    /// The whole line, as if nothing were done.
    pub whole: Estimate,
    /// What remains after what is done.
    pub remaining: Estimate,
    pub allocated: i64,
    pub spent: i64,
}

/// The estimate of every plan unit the reader sees, with each unit's budget lines summed.
pub struct Costs {
    pub norms: Norms,
    pub units: Vec<UnitCost>,
    /// (year, whole plan spread from its first year, remaining spread from this year, allocated, spent)
    pub years: Vec<(i32, i64, i64, i64, i64)>,
}

/// Gathers [`Costs`] for `ctx`'s reader: the plan's lines in their scope, their progress, the
/// norms and budget. None when no plan is loaded.
pub async fn costs(state: &AppState, ctx: &Ctx) -> Result<Option<Costs>, PageError> {
    let store = &state.store;
    let Some(stored) = store.plan().await? else { return Ok(None) };
    let visibility = ctx.actor.visibility();
    let norms = store.norms().await?;
    let complexities = store.complexities().await?;
    let progress = store.progress_by_unit(&visibility).await?;
    let all_units = store.units().await?;
    let this_year = chrono::Datelike::year(&crate::reports::today());
    let year_of = |deadline: &str| deadline.get(..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or(this_year);
    let meta = &stored.plan.meta;
    let lines = stored
        .plan
        .districts
        .iter()
        .zip(&stored.district_units)
        .map(|(d, u)| (*u, d.metres.hundredths(), year_of(&meta.district_deadline)))
        .chain(
            stored
                .plan
                .communes
                .iter()
                .zip(&stored.commune_units)
                .map(|(c, u)| (*u, c.metres.hundredths(), year_of(&meta.commune_deadline))),
        );
    let scope = if visibility.all_units { BudgetScope::Province } else { BudgetScope::Units(&visibility.units) };
    let budget = store.budget_by_unit(&scope).await?;
    let mut units = vec![];
    for (unit_id, metres, deadline_year) in lines {
        if !(visibility.all_units || visibility.units.contains(&unit_id)) {
            continue;
        }
        let carried = crate::reports::carried(&all_units, unit_id);
        let mut done = Done::default();
        let (mut allocated, mut spent) = (0, 0);
        for part in &carried {
            if let Some(p) = progress.get(part) {
                done.arranged += p.arranged;
                done.pages += p.pages_scanned;
                done.dossiers += p.dossiers;
            }
            if let Some((a, s)) = budget.get(&Some(*part)) {
                allocated += a;
                spent += s;
            }
        }
        let complexity = complexities.get(&unit_id).copied().unwrap_or(Complexity::Mixed);
        units.push(UnitCost {
            unit_id,
            name: all_units.iter().find(|u| u.id == unit_id).map(|u| u.name.clone()).unwrap_or_default(),
            metres,
            complexity,
            deadline_year,
            whole: cost::estimate(&norms, metres, complexity, Done::default()),
            remaining: cost::estimate(&norms, metres, complexity, done),
            allocated,
            spent,
        });
    }
    let mut years: std::collections::BTreeMap<i32, (i64, i64, i64, i64)> = Default::default();
    for unit in &units {
        for (year, amount) in cost::spread(unit.whole.cost, PLAN_FIRST_YEAR, unit.deadline_year) {
            years.entry(year).or_default().0 += amount;
        }
        for (year, amount) in cost::spread(unit.remaining.cost, this_year.max(PLAN_FIRST_YEAR), unit.deadline_year) {
            years.entry(year).or_default().1 += amount;
        }
    }
    for (year, allocated, spent) in store.budget_by_year(&scope).await? {
        let entry = years.entry(year).or_default();
        entry.2 += allocated;
        entry.3 += spent;
    }
    let years = years.into_iter().map(|(y, (w, r, a, s))| (y, w, r, a, s)).collect();
    Ok(Some(Costs { norms, units, years }))
}

fn days(value: f64) -> String {
    cost::milli_text((value * 10.0).round() as i64 * 100)
}

fn money(value: i64) -> String {
    vn::integer(value)
}

/// The estimate's table, one line per unit and a total: the page and its XLSX/CSV.
fn estimate_rows(costs: &Costs) -> Vec<Vec<String>> {
    let mut total = (0i64, Estimate::default(), Estimate::default(), 0i64, 0i64);
    let mut rows = vec![];
    for (n, u) in costs.units.iter().enumerate() {
        total.0 += u.metres;
        total.1 += &u.whole;
        total.2 += &u.remaining;
        total.3 += u.allocated;
        total.4 += u.spent;
        rows.push(vec![
            vn::integer(n as i64 + 1),
            u.name.clone(),
            vn::hundredths(u.metres),
            u.complexity.label().to_string(),
            days(u.whole.arrangement_days),
            vn::integer(u.whole.pages.round() as i64),
            days(u.whole.digitization_days),
            days(u.whole.entry_days),
            money(u.whole.cost),
            money(u.remaining.cost),
            money(u.allocated),
            money(u.spent),
        ]);
    }
    let (metres, whole, remaining, allocated, spent) = total;
    rows.push(vec![
        String::new(),
        "Tổng cộng".into(),
        vn::hundredths(metres),
        String::new(),
        days(whole.arrangement_days),
        vn::integer(whole.pages.round() as i64),
        days(whole.digitization_days),
        days(whole.entry_days),
        money(whole.cost),
        money(remaining.cost),
        money(allocated),
        money(spent),
    ]);
    rows
}

const ESTIMATE_COLUMNS: [&str; 12] = [
    "STT",
    "Đơn vị",
    "Mét giá (kế hoạch)",
    "Độ phức tạp",
    "Công chỉnh lý",
    "Trang số hóa",
    "Công số hóa",
    "Công nhập liệu",
    "Dự toán cả kế hoạch (đồng)",
    "Còn lại (đồng)",
    "Được giao (đồng)",
    "Đã chi (đồng)",
];

async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    render(&state, &ctx, StatusCode::OK, None, vec![]).await
}

/// Which form was refused, with what was typed, so the page shows it again.
enum Refused {
    Norms(Vec<(String, String)>),
    Budget(BudgetInput, String),
    Complexity,
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    refused: Option<Refused>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let Some(costs) = costs(state, ctx).await? else {
        return Err(PageError::NotYet("Chưa nạp kế hoạch của tỉnh (kho plan import): dự toán tính trên khối lượng của kế hoạch.".into()));
    };
    let visibility = ctx.actor.visibility();
    let may_manage = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::BudgetManage);
    let typed: std::collections::HashMap<String, String> = match &refused {
        Some(Refused::Norms(fields)) => fields.iter().cloned().collect(),
        _ => Default::default(),
    };
    let norms: Vec<Value> = Norm::ALL
        .iter()
        .map(|n| {
            let value = typed.get(&format!("gia_tri_{}", n.code())).cloned().unwrap_or_else(|| cost::milli_text(costs.norms.value(*n)));
            let source = typed.get(&format!("nguon_{}", n.code())).cloned().unwrap_or_else(|| costs.norms.source(*n).to_string());
            context! { code => n.code(), label => n.label(), unit => n.unit(), value, source }
        })
        .collect();
    let rows = estimate_rows(&costs);
    let years: Vec<Value> = costs
        .years
        .iter()
        .map(|(year, whole, remaining, allocated, spent)| {
            context! {
                year, whole => money(*whole), remaining => money(*remaining), allocated => money(*allocated), spent => money(*spent),
                gap => money(allocated - remaining), short => *allocated > 0 && allocated < remaining,
            }
        })
        .collect();
    let units: Vec<Value> =
        costs.units.iter().map(|u| context! { id => u.unit_id, name => u.name.clone(), complexity => u.complexity.code() }).collect();
    let scope = if visibility.all_units { BudgetScope::Province } else { BudgetScope::Units(&visibility.units) };
    let names: std::collections::HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let lines: Vec<Value> = state
        .store
        .recent_budget_lines(&scope, 20)
        .await?
        .into_iter()
        .map(|r| {
            context! {
                year => r.line.year, kind => r.line.kind.label(), amount => money(r.line.amount), source => r.line.source,
                unit => r.unit_id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "Toàn tỉnh".into()),
                by => r.entered_by, at => r.entered_at,
            }
        })
        .collect();
    let (budget_form, budget_unit) = match &refused {
        Some(Refused::Budget(input, unit)) => {
            (context! { year => &input.year, kind => &input.kind, amount => &input.amount, source => &input.source }, unit.clone())
        }
        _ => (Value::from(()), String::new()),
    };
    let refused_form = match &refused {
        Some(Refused::Norms(_)) => "dinh-muc",
        Some(Refused::Budget(..)) => "so-lieu",
        Some(Refused::Complexity) => "do-phuc-tap",
        None => "",
    };
    crate::pages::Page::new("cost.html", "kinh-phi", "Kinh phí").status(status).render(
        state,
        Some(ctx),
        context! {
            columns => ESTIMATE_COLUMNS, rows, years, norms, units, lines, may_manage,
            may_set_norms => may_manage && visibility.all_units, province_wide => visibility.all_units,
            complexities => Complexity::ALL.iter().map(|c| context! { code => c.code(), label => c.label() }).collect::<Vec<_>>(),
            kinds => cost::BudgetKind::ALL.iter().map(|k| context! { code => k.code(), label => k.label() }).collect::<Vec<_>>(),
            this_year => chrono::Datelike::year(&crate::reports::today()),
            budget_form, budget_unit, refused_form, errors,
        },
    )
}

/// The estimate as XLSX or CSV, the same lines as the page.
async fn estimate_file(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, format: PaperFormat) -> Result<Response, PageError> {
    let Some(costs) = costs(&state, &ctx).await? else {
        return Err(PageError::NotYet("Chưa nạp kế hoạch của tỉnh (kho plan import).".into()));
    };
    let widths = [0.4, 2.2, 0.8, 1.2, 0.8, 1.0, 0.8, 0.8, 1.3, 1.3, 1.2, 1.2];
    let columns: Vec<(&str, f32)> = ESTIMATE_COLUMNS.iter().copied().zip(widths).collect();
    let numeric: Vec<usize> = (0..12).filter(|c| *c != 1 && *c != 3).collect();
    let title = "DỰ TOÁN KINH PHÍ CHỈNH LÝ, SỐ HÓA TÀI LIỆU THEO ĐỊNH MỨC";
    crate::respond::list_file(&state, title, &columns, &numeric, estimate_rows(&costs), format, "du-toan-kinh-phi").await
}

/// The norms in force as the CSV `kho plan norms` reads back.
async fn norms_file(State(state): State<AppState>) -> Result<Response, PageError> {
    let csv = format!("\u{feff}{}", state.store.norms().await?.to_csv());
    Ok(crate::respond::download(csv.into_bytes(), "text/csv; charset=utf-8", "dinh-muc.csv".into()))
}

/// The norms form: every value and source, checked together; the province's to set.
async fn set_norms(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: String| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let entries = Norm::ALL
        .iter()
        .filter_map(|norm| {
            let written = field(format!("gia_tri_{}", norm.code()))?;
            Some((*norm, written, field(format!("nguon_{}", norm.code())).unwrap_or_default()))
        })
        .collect();
    match change_norms(&state, &ctx, entries).await? {
        Ok(()) => Ok(crate::pages::saved("/kinh-phi#dinh-muc".into())),
        Err(errors) => render(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(Refused::Norms(fields)), errors).await,
    }
}

/// Sets each norm given (its value as written, its source), all checked together: nothing is
/// set if any is refused. The norms serve the whole province, so only a province-wide account
/// sets them. `Err`: why, one line per problem.
async fn change_norms(state: &AppState, ctx: &Ctx, entries: Vec<(Norm, String, String)>) -> Result<Result<(), Vec<String>>, PageError> {
    if !ctx.actor.visibility().all_units {
        return Ok(Err(vec![
            "Định mức dùng chung cho cả tỉnh: chỉ tài khoản của cơ quan toàn tỉnh (Sở Nội vụ, Trung tâm Lưu trữ lịch sử) được sửa.".into(),
        ]));
    }
    let mut norms = state.store.norms().await?;
    let mut errors = vec![];
    for (norm, written, source) in entries {
        let (written, source) = (written.trim(), source.trim());
        match cost::parse_milli(written).and_then(|v| cost::norm_in_bounds(norm, v)) {
            Some(_) if source.is_empty() || source.chars().count() > 500 => {
                errors.push(format!("{}: ghi căn cứ của định mức (văn bản, đơn giá), tối đa 500 ký tự.", norm.label()))
            }
            Some(value) => norms.set(norm, value, source),
            None => errors.push(format!("{}: “{written}” không phải giá trị hợp lệ ({}).", norm.label(), norm.unit())),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    state.store.audited(ctx.event("norms.set", "system", None, "ok")).set_norms(&norms, &ctx.actor.name).await?;
    Ok(Ok(()))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ComplexityForm {
    don_vi: String,
    do_phuc_tap: String,
}

/// A unit's complexity for chỉnh lý, by whoever manages the budget for that unit.
async fn set_complexity(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<ComplexityForm>,
) -> Result<Response, PageError> {
    match change_complexity(&state, &ctx, &form.don_vi, &form.do_phuc_tap).await? {
        Ok(()) => Ok(crate::pages::saved("/kinh-phi#du-toan".into())),
        Err(errors) => render(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(Refused::Complexity), errors).await,
    }
}

/// Sets the complexity (its code) of the unit written, one the person may manage (else 404).
async fn change_complexity(state: &AppState, ctx: &Ctx, unit: &str, complexity: &str) -> Result<Result<(), Vec<String>>, PageError> {
    let mut errors = vec![];
    let unit = plan_unit(state, ctx, unit, &mut errors).await?;
    let complexity = Complexity::from_code(complexity);
    if complexity.is_none() {
        errors.push(format!(
            "Độ phức tạp: chọn một trong ba mức ({}).",
            Complexity::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
        ));
    }
    let (Some(Some(unit)), Some(complexity), true) = (unit, complexity, errors.is_empty()) else {
        if errors.is_empty() {
            errors.push("Đơn vị: chọn đơn vị.".into());
        }
        return Ok(Err(errors));
    };
    state.store.audited(ctx.event("complexity.set", "unit", Some(unit), "ok")).set_complexity(unit, complexity, &ctx.actor.name).await?;
    Ok(Ok(()))
}

/// The unit a form names: None when left empty (the province's own), a refusal when it is not a
/// number, 404 when it is not one the person may manage.
async fn plan_unit(state: &AppState, ctx: &Ctx, written: &str, errors: &mut Vec<String>) -> Result<Option<Option<i64>>, PageError> {
    let visibility = ctx.actor.visibility();
    match written.trim() {
        "" if visibility.all_units => Ok(Some(None)),
        "" => {
            errors.push("Đơn vị: chọn đơn vị.".into());
            Ok(None)
        }
        text => match text.parse::<i64>() {
            Ok(id) if visibility.all_units || visibility.units.contains(&id) => {
                state.store.unit(id).await?;
                Ok(Some(Some(id)))
            }
            Ok(_) => Err(PageError::NotFound("đơn vị")),
            Err(_) => {
                errors.push(format!("Đơn vị: “{text}” không phải một đơn vị."));
                Ok(None)
            }
        },
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct BudgetForm {
    don_vi: String,
    #[serde(flatten)]
    line: BudgetInput,
}

/// A budget line allocated or spent, for a unit in one's scope or (province-wide) the province.
async fn add_budget_line(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<BudgetForm>,
) -> Result<Response, PageError> {
    match record_budget_line(&state, &ctx, &form.don_vi, &form.line).await? {
        Ok(()) => Ok(crate::pages::saved("/kinh-phi#kinh-phi".into())),
        Err(errors) => render(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(Refused::Budget(form.line, form.don_vi)), errors).await,
    }
}

/// Records a budget line for the unit written (empty: the province's own, for a province-wide
/// account), checked against the plan's years.
async fn record_budget_line(state: &AppState, ctx: &Ctx, unit: &str, input: &BudgetInput) -> Result<Result<(), Vec<String>>, PageError> {
    let mut errors = vec![];
    let unit = plan_unit(state, ctx, unit, &mut errors).await?;
    let last_year = match state.store.plan().await? {
        Some(p) => p.plan.meta.commune_deadline.max(p.plan.meta.district_deadline).get(..4).and_then(|y| y.parse().ok()).unwrap_or(2035),
        None => 2035,
    };
    let line = input.parse(PLAN_FIRST_YEAR - 1..=last_year);
    if let Err(invalid) = &line {
        errors.extend(invalid.errors.iter().map(|e| e.message.clone()));
    }
    let (Some(unit), Ok(line), true) = (unit, &line, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    state.store.audited(ctx.event("budget.add", "unit", unit, "ok")).add_budget_line(unit, line, &ctx.actor.name).await?;
    Ok(Ok(()))
}

// ---- the same through /api/v1 ----

/// `/api/v1` routes of the costs: the estimate, the norms, a unit's complexity, the budget lines.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/costs", get(api_costs))
        .route("/costs/norms", put(api_norms))
        .route("/costs/budget-lines", post(api_budget_line))
        .route("/units/{id}/complexity", put(api_complexity))
}

/// The estimate the Kinh phí page shows, for the units in the person's scope: the norms in force,
/// each unit's whole line and what remains by what is done, the budget allocated and spent, and
/// the years.
#[utoipa::path(get, path = "/api/v1/costs", tag = "Kinh phí", responses(
    (status = 200, description = "norms (code, label, unit, value, source); units (unitId, name, metres, complexity, deadlineYear, whole, remaining: arrangementDays, pages, digitizationDays, entryDays, cost (đồng); allocated, spent); years (year, whole, remaining, allocated, spent)"),
    (status = 404, description = "Chưa nạp kế hoạch", body = ApiErrorBody)))]
pub(crate) async fn api_costs(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, ApiError> {
    let Some(costs) = costs(&state, &ctx).await? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no_plan", "Chưa nạp kế hoạch; dùng lệnh kho plan import."));
    };
    let norms: Vec<_> = Norm::ALL
        .iter()
        .map(|n| {
            json!({ "code": n.code(), "label": n.label(), "unit": n.unit(), "value": cost::milli_text(costs.norms.value(*n)), "source": costs.norms.source(*n) })
        })
        .collect();
    let units: Vec<_> = costs
        .units
        .iter()
        .map(|u| {
            json!({
                "unitId": u.unit_id, "name": u.name, "metres": u.metres as f64 / 100.0, "complexity": u.complexity.code(),
                "deadlineYear": u.deadline_year, "whole": u.whole, "remaining": u.remaining, "allocated": u.allocated, "spent": u.spent,
            })
        })
        .collect();
    let years: Vec<_> = costs
        .years
        .iter()
        .map(|(year, whole, remaining, allocated, spent)| {
            json!({ "year": year, "whole": whole, "remaining": remaining, "allocated": allocated, "spent": spent })
        })
        .collect();
    Ok(Json(json!({ "norms": norms, "units": units, "years": years })).into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NormsInput {
    /// Các định mức cần đặt; định mức không nêu giữ nguyên.
    norms: Vec<NormInput>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NormInput {
    /// Mã định mức, như GET /api/v1/costs trả về.
    code: String,
    /// Giá trị, viết như người Việt viết (1,5).
    #[serde(deserialize_with = "kho_model::record::text_like")]
    value: String,
    /// Căn cứ: văn bản, đơn giá.
    #[serde(default)]
    source: String,
}

/// Sets norms, all checked together (nothing is set if one is refused); the province's to set.
#[utoipa::path(put, path = "/api/v1/costs/norms", tag = "Kinh phí", request_body(content = NormsInput, example = json!({
        "norms": [{ "code": "chinh_ly_so_bo", "value": "12,5", "source": "Quyết định số 15/QĐ-UBND ngày 10/01/2026 của UBND tỉnh" }] })),
    responses((status = 204, description = "Đã đặt"), (status = 422, description = "Vì sao không đặt được", body = ApiErrorBody)))]
pub(crate) async fn api_norms(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<NormsInput>,
) -> Result<Response, ApiError> {
    let mut entries = vec![];
    let mut unknown = vec![];
    for n in input.norms {
        match Norm::from_code(&n.code) {
            Some(norm) => entries.push((norm, n.value, n.source)),
            None => unknown.push(format!("Không có định mức mã “{}”.", n.code)),
        }
    }
    if !unknown.is_empty() {
        return Err(ApiError::refused("invalid", unknown.join(" ")));
    }
    match change_norms(&state, &ctx, entries).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(errors) => Err(ApiError::refused("invalid", errors.join(" "))),
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ComplexityInput {
    /// Mã độ phức tạp chỉnh lý (TT 16/2023, Phụ lục III).
    #[serde(default)]
    complexity: String,
}

/// A unit's complexity for chỉnh lý, which the estimate weighs.
#[utoipa::path(put, path = "/api/v1/units/{id}/complexity", tag = "Kinh phí", params(("id" = i64, Path)), request_body = ComplexityInput,
    responses((status = 204, description = "Đã đặt"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_complexity(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(input): crate::api::Body<ComplexityInput>,
) -> Result<Response, ApiError> {
    match change_complexity(&state, &ctx, &id.to_string(), &input.complexity).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(errors) => Err(ApiError::refused("invalid", errors.join(" "))),
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BudgetLineInput {
    /// Đơn vị; không có: của cả tỉnh (chỉ tài khoản toàn tỉnh).
    unit_id: Option<i64>,
    #[serde(flatten)]
    line: BudgetInput,
}

/// A budget line allocated or spent, for a unit in one's scope or (province-wide) the province.
#[utoipa::path(post, path = "/api/v1/costs/budget-lines", tag = "Kinh phí", request_body(content = BudgetLineInput, example = json!({
        "unitId": 12, "year": 2026, "kind": "giao", "amount": "1.250.000.000", "source": "Quyết định số 30/QĐ-UBND ngày 15/01/2026" })),
    responses((status = 201, description = "Đã ghi"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_budget_line(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<BudgetLineInput>,
) -> Result<Response, ApiError> {
    let unit = input.unit_id.map(|u| u.to_string()).unwrap_or_default();
    match record_budget_line(&state, &ctx, &unit, &input.line).await? {
        Ok(()) => Ok((StatusCode::CREATED, [(axum::http::header::LOCATION, "/api/v1/costs")]).into_response()),
        Err(errors) => Err(ApiError::refused("invalid", errors.join(" "))),
    }
}
