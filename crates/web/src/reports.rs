//! Báo cáo: the annual report on the plan — of Sở Nội vụ to the UBND tỉnh (every unit of the
//! plan), or of one commune to Sở Nội vụ (that commune and the communes merged into it) — as an
//! editable DOCX or a PDF, its figures derived from the catalogue under the reader's
//! `Visibility` (`Store::report_figures`). The same gathering serves `kho report annual`.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::respond::{PaperFormat, paper};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use chrono::Datelike;
use kho_documents::official::{AnnualReport, Issuer, ReportLine};
use kho_model::access::Visibility;
use kho_store::{Store, StoreError};
use minijinja::context;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bao-cao", get(form))
        .route("/bao-cao/nam.docx", get(|s, c, q| annual(s, c, q, PaperFormat::Docx)))
        .route("/bao-cao/nam.pdf", get(|s, c, q| annual(s, c, q, PaperFormat::Pdf)))
        .route("/bao-cao/nam.xlsx", get(|s, c, q| annual(s, c, q, PaperFormat::Xlsx)))
        .route("/bao-cao/nam.csv", get(|s, c, q| annual(s, c, q, PaperFormat::Csv)))
}

/// Vietnam's time zone (UTC+07:00, no daylight saving).
pub fn vietnam() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).expect("+07:00")
}

/// Today in Vietnam.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&vietnam()).date_naive()
}

/// Days a reminder of the annual report is shown before its 15/12.
const REMINDER_DAYS: i64 = 30;

/// This year's 15/12 (DD/MM/YYYY) and the days left to it, while it is near enough to remind of:
/// what Tổng quan and Báo cáo both show.
pub(crate) fn report_reminder() -> Option<minijinja::Value> {
    let today = today();
    let due = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 15).expect("15/12");
    let days = (due - today).num_days();
    (0..=REMINDER_DAYS).contains(&days).then(|| context! { days, due => due.format("%d/%m/%Y").to_string() })
}

/// The place a body writes before its date: a commune's own name, else the province.
fn place_of(name: &str, province: &str) -> String {
    let lower = name.to_lowercase();
    for prefix in ["ủy ban nhân dân xã ", "ubnd xã ", "ủy ban nhân dân phường ", "ubnd phường ", "xã ", "phường "] {
        if lower.starts_with(prefix) {
            return name.chars().skip(prefix.chars().count()).collect();
        }
    }
    province.to_string()
}

/// The body that reports for a commune or ward: its Ủy ban nhân dân ("Xã Mường Ảng" → "UBND xã
/// Mường Ảng"); a name that already names its body is kept.
fn commune_body(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.starts_with("xã ") || lower.starts_with("phường ") {
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
        format!("UBND {first}{}", chars.as_str())
    } else {
        name.to_string()
    }
}

/// `id` and the units it carries on: those merged or dissolved into it, and theirs in turn.
pub(crate) fn carried(units: &[kho_model::record::Unit], id: i64) -> Vec<i64> {
    let mut ids = vec![id];
    let mut next = 0;
    while next < ids.len() {
        let of = ids[next];
        ids.extend(units.iter().filter(|u| u.successor_id == Some(of) && !ids.contains(&u.id)).map(|u| u.id).collect::<Vec<_>>());
        next += 1;
    }
    ids
}

/// The annual report of `year`: of `unit` (and the units merged into it) to Sở Nội vụ, or with
/// None of Sở Nội vụ to the UBND tỉnh over every unit of the plan; figures as `visibility` may
/// count them. None when no plan is loaded.
pub async fn annual_report(
    store: &Store,
    visibility: &Visibility,
    year: i32,
    unit: Option<i64>,
    difficulties: &str,
    proposals: &str,
) -> Result<Option<AnnualReport>, StoreError> {
    let Some(stored) = store.plan().await? else { return Ok(None) };
    let meta = &stored.plan.meta;
    let province = meta.province.clone();
    let figures = store.report_figures(visibility, year).await?;
    let targets: Vec<(i64, i64, bool)> = stored
        .plan
        .districts
        .iter()
        .zip(&stored.district_units)
        .map(|(d, u)| (*u, d.metres.hundredths(), true))
        .chain(stored.plan.communes.iter().zip(&stored.commune_units).map(|(c, u)| (*u, c.metres.hundredths(), false)))
        .collect();
    let all_units = store.units().await?;
    let units: std::collections::HashMap<i64, String> = all_units.iter().map(|u| (u.id, u.name.clone())).collect();
    // A unit's line counts the units merged into it: a commune abolished in 2025 reports through
    // its successor.
    let merged: std::collections::HashMap<i64, Vec<i64>> =
        targets.iter().map(|(id, _, _)| *id).chain(unit).map(|id| (id, carried(&all_units, id))).collect();
    let line = |id: i64, target: Option<i64>| {
        let mut f = kho_store::UnitFigures::default();
        for part in merged.get(&id).map(Vec::as_slice).unwrap_or(&[id]) {
            if let Some(g) = figures.get(part) {
                f += g;
            }
        }
        ReportLine {
            name: units.get(&id).cloned().unwrap_or_default(),
            target,
            received_in_year: f.received_in_year,
            received: f.total.received,
            arranged: f.total.arranged,
            dossiers_in_year: f.dossiers_in_year,
            dossiers: f.total.dossiers,
            documents: f.total.documents,
            pages: f.total.pages_scanned,
            pages_signed_in_year: f.pages_signed_in_year,
            destroyed_in_year: f.destroyed_in_year,
            destroyed: f.total.destroyed_metres,
            packages_in_year: f.packages_in_year,
            packages: f.packages,
        }
    };
    // Work done outside Kho in the year, by the units the report covers.
    let covered: Vec<i64> = match unit {
        Some(id) => merged.get(&id).cloned().unwrap_or_else(|| vec![id]),
        None => merged.values().flatten().copied().collect(),
    };
    let outside: Vec<String> = store
        .outside_work(Some(&covered), Some(year))
        .await?
        .into_iter()
        .rev()
        .map(|w| {
            let quantity =
                if w.work.stage.in_metres() { kho_model::vn::hundredths(w.work.quantity) } else { kho_model::vn::integer(w.work.quantity) };
            format!(
                "{} — {}: {} {} {}, căn cứ {}.",
                w.work.done_on,
                units.get(&w.unit_id).cloned().unwrap_or_default(),
                w.work.stage.label(),
                quantity,
                w.work.stage.unit(),
                w.work.source
            )
        })
        .collect();
    // The reading room over the hồ sơ of the units the report covers, as `visibility` may count them.
    let covering = match unit {
        Some(_) => Visibility {
            all_units: false,
            units: covered.iter().copied().filter(|u| visibility.all_units || visibility.units.contains(u)).collect(),
            fonds: vec![],
            ..visibility.clone()
        },
        None => visibility.clone(),
    };
    let used = store.access_statistics(&covering, year).await?.year;
    let reading_room = kho_documents::official::ReadingRoom {
        requests: used.requests,
        readers: used.readers,
        dossiers_asked: used.dossiers_asked,
        granted: used.granted,
        refused: used.refused,
        readings: used.delivered[0],
        copies: used.delivered[1],
        certified: used.delivered[2] + used.delivered[3],
    };
    let on = today();
    let date = kho_model::ArchiveDate::full(on.year() as u16, on.month() as u8, on.day() as u8).expect("today");
    let report = match unit {
        Some(id) => {
            let unit = all_units.iter().find(|u| u.id == id).cloned().ok_or(StoreError::NotFound("đơn vị"))?;
            let district = targets.iter().find(|(u, _, _)| *u == id).is_some_and(|(_, _, d)| *d);
            AnnualReport {
                issuer: Issuer { name: commune_body(&unit.name), parent: unit.parent_body.clone() },
                recipient: format!("Sở Nội vụ tỉnh {province}"),
                year,
                plan: meta.name.clone(),
                deadline: kho_model::vn::iso_date(if district { &meta.district_deadline } else { &meta.commune_deadline }),
                place: place_of(&unit.name, &province),
                on: date,
                lines: vec![line(id, targets.iter().find(|(t, _, _)| *t == id).map(|(_, m, _)| *m))],
                reading_room,
                outside,
                difficulties: difficulties.into(),
                proposals: proposals.into(),
                signer: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".into(),
            }
        }
        None => AnnualReport {
            issuer: Issuer { name: "Sở Nội vụ".into(), parent: Some(format!("Ủy ban nhân dân tỉnh {province}")) },
            recipient: format!("Ủy ban nhân dân tỉnh {province}"),
            year,
            plan: meta.name.clone(),
            deadline: format!(
                "cấp huyện {}, cấp xã {}",
                kho_model::vn::iso_date(&meta.district_deadline),
                kho_model::vn::iso_date(&meta.commune_deadline)
            ),
            place: province.clone(),
            on: date,
            lines: targets.iter().map(|(u, m, _)| line(*u, Some(*m))).collect(),
            reading_room,
            outside,
            difficulties: difficulties.into(),
            proposals: proposals.into(),
            signer: "GIÁM ĐỐC".into(),
        },
    };
    Ok(Some(report))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReportQuery {
    nam: String,
    don_vi: String,
    kho_khan: String,
    de_xuat: String,
}

/// The communes and wards a person may report for (the former districts were abolished: Sở Nội
/// vụ reports for them): every one for whoever sees all units, else their own.
async fn reporting_units(state: &AppState, ctx: &Ctx) -> Result<Vec<(i64, String)>, PageError> {
    let visibility = ctx.actor.visibility();
    Ok(state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.successor_id.is_none() && (visibility.all_units || visibility.units.contains(&u.id)))
        .filter(|u| {
            matches!(
                u.kind,
                kho_model::UnitKind::Commune
                    | kho_model::UnitKind::Ward
                    | kho_model::UnitKind::FormerDistrict
                    | kho_model::UnitKind::FormerTown
                    | kho_model::UnitKind::FormerCity
            )
        })
        .map(|u| (u.id, u.name))
        .collect())
}

async fn form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    render(&state, &ctx, StatusCode::OK, vec![]).await
}

async fn render(state: &AppState, ctx: &Ctx, status: StatusCode, problems: Vec<String>) -> Result<Response, PageError> {
    let today = today();
    let units: Vec<minijinja::Value> = reporting_units(state, ctx).await?.into_iter().map(|(id, name)| context! { id, name }).collect();
    crate::pages::Page::new("reports.html", "bao-cao", "Báo cáo").status(status).render(
        state,
        Some(ctx),
        context! {
            year => today.year(), units, province_wide => ctx.actor.visibility().all_units, problems,
            reminder => report_reminder(),
        },
    )
}

async fn annual(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(query): Query<ReportQuery>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    match annual_paper(&state, &ctx, &query, format).await? {
        Ok(paper) => Ok(paper),
        Err(problems) => render(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, problems).await,
    }
}

/// The annual report asked for, as a paper in `format` and audited; `Err`: what to correct. A
/// unit one may not report for is absent.
async fn annual_paper(
    state: &AppState,
    ctx: &Ctx,
    query: &ReportQuery,
    format: PaperFormat,
) -> Result<Result<Response, Vec<String>>, PageError> {
    let mut problems = vec![];
    let this_year = today().year();
    let year = match query.nam.trim().parse::<i32>() {
        Ok(y) if (2025..=this_year).contains(&y) => Some(y),
        _ => {
            problems.push(format!("Năm báo cáo “{}” phải là một năm từ 2025 đến {this_year}.", query.nam.trim()));
            None
        }
    };
    let allowed = reporting_units(state, ctx).await?;
    let visibility = ctx.actor.visibility();
    let unit = match query.don_vi.trim() {
        "" if visibility.all_units => None,
        "" => {
            problems.push("Chọn đơn vị báo cáo.".into());
            None
        }
        text => match text.parse::<i64>().ok().filter(|id| allowed.iter().any(|(u, _)| u == id)) {
            Some(id) => Some(id),
            None => return Err(PageError::NotFound("đơn vị")),
        },
    };
    let (Some(year), true) = (year, problems.is_empty()) else {
        return Ok(Err(problems));
    };
    let Some(report) = annual_report(&state.store, &visibility, year, unit, &query.kho_khan, &query.de_xuat).await? else {
        return Err(PageError::NotYet("Chưa nạp kế hoạch của tỉnh (kho plan import): báo cáo so sánh với kế hoạch.".into()));
    };
    let mut event = ctx.event("report.annual", "unit", unit, "ok");
    event.detail = Some(format!("năm {year}"));
    state.store.audit(event).await?;
    let name = match unit {
        Some(id) => format!("bao-cao-nam-{year}-don-vi-{id}"),
        None => format!("bao-cao-nam-{year}"),
    };
    Ok(Ok(paper(kho_documents::official::annual_report(&report), format, &name).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AnnualQuery {
    /// Năm báo cáo.
    year: Option<String>,
    /// Xã, phường báo cáo; không có: báo cáo của Sở Nội vụ trên toàn tỉnh (tài khoản toàn tỉnh).
    unit_id: Option<String>,
    /// pdf (mặc định), docx (để ký), xlsx hoặc csv (các bảng số liệu, cho hệ thống khác).
    format: Option<String>,
    /// Khó khăn, vướng mắc (mục 4 của báo cáo).
    difficulties: Option<String>,
    /// Đề xuất, kiến nghị.
    proposals: Option<String>,
}

/// The annual report on the plan (due before 15/12), as the Báo cáo page gives it: of a commune
/// to Sở Nội vụ, or of Sở Nội vụ to the UBND tỉnh, counted over what the person may see.
#[utoipa::path(get, path = "/api/v1/reports/annual", tag = "Báo cáo", params(AnnualQuery), responses(
    (status = 200, description = "Báo cáo năm theo định dạng đã chọn (PDF/A, DOCX, XLSX hoặc CSV)"),
    (status = 422, description = "Năm hoặc đơn vị cần sửa", body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_annual(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AnnualQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref().unwrap_or("pdf") {
        "pdf" => PaperFormat::Pdf,
        "docx" => PaperFormat::Docx,
        "xlsx" => PaperFormat::Xlsx,
        "csv" => PaperFormat::Csv,
        other => {
            return Err(ApiError::refused("invalid", format!("Định dạng “{other}”: chọn pdf, docx, xlsx hoặc csv.")));
        }
    };
    let query = ReportQuery {
        nam: q.year.unwrap_or_default(),
        don_vi: q.unit_id.unwrap_or_default(),
        kho_khan: q.difficulties.unwrap_or_default(),
        de_xuat: q.proposals.unwrap_or_default(),
    };
    match annual_paper(&state, &ctx, &query, format).await? {
        Ok(paper) => Ok(paper),
        Err(problems) => Err(ApiError::refused("invalid", problems.join(" "))),
    }
}

/// `/api/v1/reports/annual`.
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/reports/annual", get(api_annual))
}
