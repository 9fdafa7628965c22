//! Chỉnh lý of a fonds in the browser: the 23 steps of TT 16/2023 with who did each and when,
//! the khảo sát findings and the phương án phân loại, checked as it is written.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::pages::{Page, crumb, here};
use crate::records;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kho_model::ArchiveDate;
use kho_model::access::Action;
use kho_model::arrangement::{STEPS, StepStatus, parse_scheme};
use kho_model::record::Fonds;
use kho_store::StepRecord;
use minijinja::{Value, context};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/phong/{id}/chinh-ly", get(page))
        .route("/phong/{id}/chinh-ly/buoc", post(step))
        .route("/phong/{id}/chinh-ly/phuong-an", post(scheme))
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    fonds: &Fonds,
    status: StatusCode,
    error: Option<String>,
    draft: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let arrangement = state.store.arrangement(fonds.id).await?;
    let done = arrangement.steps.iter().filter(|s| s.status == StepStatus::Done).count();
    let steps: Vec<Value> = arrangement
        .steps
        .iter()
        .map(|s| {
            context! {
                step => s.step, name => STEPS[s.step as usize - 1], status => s.status.code(), status_label => s.status.label(),
                started_on => s.started_on.map(|d| d.to_string()), finished_on => s.finished_on.map(|d| d.to_string()),
                done_by => s.done_by.clone(), note => s.note.clone(),
            }
        })
        .collect();
    let (survey, scheme_text) = match draft {
        Some((survey, scheme)) => (Some(survey.to_string()), Some(scheme.to_string())),
        None => (arrangement.survey.clone(), arrangement.scheme.clone()),
    };
    let groups: Vec<Value> = arrangement
        .scheme
        .as_deref()
        .and_then(|s| parse_scheme(s).ok())
        .unwrap_or_default()
        .iter()
        .map(|g| context! { numeral => g.numeral.clone(), title => g.title.clone(), subgroups => g.subgroups.iter().map(|(n, t)| format!("{n}. {t}")).collect::<Vec<_>>() })
        .collect();
    let statuses: Vec<Value> = StepStatus::ALL.iter().map(|s| context! { code => s.code(), label => s.label() }).collect();
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    let values = context! {
        fonds => context! { id => fonds.id, code => fonds.fields.code.to_string(), name => fonds.fields.name.clone() },
        steps, done, total => STEPS.len(), survey, scheme_text, groups, statuses, may_edit, error,
    };
    Page::new("arrangement.html", "chinh-ly", format!("Chỉnh lý phông {}", fonds.fields.code))
        .crumbs(vec![
            crumb("Phông", "/phong"),
            crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)),
            here("Chỉnh lý"),
        ])
        .status(status)
        .render(state, Some(ctx), values)
}

async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    render(&state, &ctx, &fonds, StatusCode::OK, None, None).await
}

/// A step of chỉnh lý as a person records it: its number (1–23), its status code, the dates it
/// began and ended (NN/TT/NNNN, optional: today where the status implies one) and a note.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct StepForm {
    step: String,
    status: String,
    started_on: String,
    finished_on: String,
    note: String,
}

/// Records a step of chỉnh lý for the fonds `id`, checked and audited: the page and the API do
/// it here. `Err` is why not, in words a clerk can act on.
pub(crate) async fn record_step(state: &AppState, ctx: &Ctx, id: i64, form: &StepForm) -> Result<Result<u8, String>, PageError> {
    let Some(number) = form.step.trim().parse::<u8>().ok().filter(|n| (1..=STEPS.len() as u8).contains(n)) else {
        return Ok(Err(format!("Bước “{}” không có; các bước đánh số 1 đến {}.", form.step.trim(), STEPS.len())));
    };
    let Some(status) = StepStatus::from_code(form.status.trim()) else {
        return Ok(Err(format!("Bước {number}: trạng thái không hợp lệ.")));
    };
    let date = |label: &str, text: &str| -> Result<Option<ArchiveDate>, String> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        ArchiveDate::parse(text)
            .filter(|d| d.earliest() == d.latest())
            .map(Some)
            .ok_or_else(|| format!("Bước {number}: {label} “{}” không phải ngày NN/TT/NNNN.", text.trim()))
    };
    let (started_on, finished_on) = match (date("ngày bắt đầu", &form.started_on), date("ngày xong", &form.finished_on)) {
        (Ok(s), Ok(f)) => (s, f),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    if let (Some(s), Some(f)) = (started_on, finished_on)
        && f.earliest() < s.earliest()
    {
        return Ok(Err(format!("Bước {number}: ngày xong {f} trước ngày bắt đầu {s}.")));
    }
    let today = {
        use chrono::Datelike;
        let d = chrono::Utc::now().date_naive();
        ArchiveDate::full(d.year() as u16, d.month() as u8, d.day() as u8)
    };
    let record = StepRecord {
        step: number,
        status,
        started_on: started_on.or(if status == StepStatus::NotStarted { None } else { today }),
        finished_on: finished_on.or(if status == StepStatus::Done { today } else { None }),
        done_by: Some(ctx.actor.name.clone()),
        note: Some(kho_model::text::clean(&form.note)).filter(|n| !n.is_empty()),
    };
    state.store.set_step(id, &record).await?;
    let mut event = ctx.event("arrangement.step", "fonds", Some(id), "ok");
    event.detail = Some(format!("bước {number}: {}", status.label()));
    state.store.audit(event).await?;
    Ok(Ok(number))
}

async fn step(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<StepForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let form = form.map(|Form(f)| f).unwrap_or_default();
    match record_step(&state, &ctx, id, &form).await? {
        Ok(number) => Ok(Redirect::to(&format!("/phong/{id}/chinh-ly#buoc-{number}")).into_response()),
        Err(message) => render(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, Some(message), None).await,
    }
}

/// The survey (khảo sát) and the phương án phân loại of a fonds, as the page's form or the API
/// sends them.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub(crate) struct SchemeForm {
    /// Kết quả khảo sát tài liệu (TT 16/2023, bước 1): khối lượng, tình trạng, thời gian.
    survey: String,
    /// Phương án phân loại: một dòng mỗi nhóm, mã và tên nhóm (ví dụ "I. Tổng hợp").
    scheme: String,
}

async fn scheme(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<SchemeForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let form = form.map(|Form(f)| f).unwrap_or_default();
    match record_scheme(&state, &ctx, id, &form).await? {
        Ok(()) => Ok(Redirect::to(&format!("/phong/{id}/chinh-ly")).into_response()),
        Err(message) => {
            render(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, Some(message), Some((&form.survey, &form.scheme))).await
        }
    }
}

/// Keeps a fonds' survey and classification scheme (the caller has authorised `CatalogueEdit` on
/// it); `Err` says which line of the scheme is wrong.
pub(crate) async fn record_scheme(state: &AppState, ctx: &Ctx, id: i64, form: &SchemeForm) -> Result<Result<(), String>, PageError> {
    if let Err(e) = parse_scheme(&form.scheme) {
        return Ok(Err(e.message));
    }
    let survey = kho_model::text::clean_multiline(&form.survey);
    let scheme = kho_model::text::clean_multiline(&form.scheme);
    state.store.set_survey(id, Some(survey.as_str()).filter(|s| !s.is_empty()), Some(scheme.as_str()).filter(|s| !s.is_empty())).await?;
    state.store.audit(ctx.event("arrangement.scheme", "fonds", Some(id), "ok")).await?;
    Ok(Ok(()))
}

pub fn numbering_routes() -> Router<AppState> {
    Router::new().route("/muc-luc/{id}/danh-so", get(numbering_preview).post(numbering_apply))
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub(crate) struct Order {
    /// hien_tai (current order), phuong_an (by the scheme, then time), thoi_gian (by start date),
    /// tieu_de (by title).
    #[serde(alias = "order")]
    thu_tu: String,
    /// The order the preview showed, as dossier ids; the apply refuses when it changed.
    preview: String,
}

/// The hồ sơ of a mục lục in the order chosen, with their new numbers 1, 2, 3 …
async fn proposed(state: &AppState, ctx: &Ctx, id: i64, order: &str) -> Result<Vec<(kho_model::record::Dossier, u32)>, PageError> {
    let filter = kho_store::ListDossiers {
        visibility: ctx.actor.visibility(),
        inventory_id: Some(id),
        fonds_id: None,
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: u64::MAX / 2,
    };
    let mut dossiers = state.store.list_dossiers(&filter).await?.items;
    // Hồ sơ the actor may not see keep their numbers; the others are numbered around them.
    let reserved = state.store.reserved_numbers(id, &dossiers.iter().map(|d| d.id).collect::<Vec<_>>()).await?;
    match order {
        "phuong_an" => dossiers.sort_by_key(|d| {
            (kho_model::arrangement::group_rank(d.scheme_group.as_deref()), d.fields.start_date.earliest(), d.temp_number, d.id)
        }),
        "thoi_gian" => dossiers.sort_by_key(|d| (d.fields.start_date.earliest(), d.fields.end_date.latest(), d.id)),
        "tieu_de" => dossiers
            .sort_by(|a, b| kho_model::text::fold(&a.fields.title).cmp(&kho_model::text::fold(&b.fields.title)).then(a.id.cmp(&b.id))),
        _ => {}
    }
    let mut next = 0u32;
    Ok(dossiers
        .into_iter()
        .map(|d| {
            next += 1;
            while reserved.contains(&next) {
                next += 1;
            }
            (d, next)
        })
        .collect())
}

/// Hồ sơ rows a numbering preview shows at most.
const ROWS_SHOWN: usize = 200;

/// What was previewed, in a few bytes: the order of the hồ sơ and the number each would get.
/// Applying refuses when the mục lục has changed since (a different fingerprint).
fn proposal_fingerprint(proposal: &[(kho_model::record::Dossier, u32)]) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for (d, new) in proposal {
        hash.update(d.id.to_le_bytes());
        hash.update(new.to_le_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A hồ sơ the numbering would change, or that misses a biên mục rule.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NumberingRow {
    id: i64,
    old: Option<u32>,
    new: u32,
    changed: bool,
    file_code: String,
    title: String,
    dates: String,
    retention: String,
    gaps: Vec<String>,
}

/// What a numbering would do to a mục lục: every hồ sơ is checked; only those that change number
/// or miss a biên mục rule are listed, at most `ROWS_SHOWN`, so that a 100,000-hồ sơ mục lục
/// previews in a light answer. `preview` is what applying it must send back.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NumberingPreview {
    order: String,
    total: usize,
    changed: usize,
    gaps: usize,
    listed: usize,
    rows: Vec<NumberingRow>,
    preview: String,
}

/// The numbering of mục lục `id` in `order` (hien_tai, phuong_an, thoi_gian, tieu_de), previewed:
/// the page and the API show this.
pub(crate) async fn numbering_preview_of(state: &AppState, ctx: &Ctx, id: i64, order: &str) -> Result<NumberingPreview, PageError> {
    let proposal = proposed(state, ctx, id, order).await?;
    let counts = state.store.document_counts(id).await?;
    let (mut changed, mut gaps, mut listed) = (0usize, 0usize, 0usize);
    let mut rows = Vec::new();
    for (d, new) in &proposal {
        let missing =
            kho_model::arrangement::bien_muc_gaps(d.fields.maintenance, d.fields.number_of_paper, counts.get(&d.id).copied().unwrap_or(0));
        let changes = d.number != Some(*new);
        changed += usize::from(changes);
        gaps += missing.len();
        if !changes && missing.is_empty() {
            continue;
        }
        listed += 1;
        if rows.len() < ROWS_SHOWN {
            rows.push(NumberingRow {
                id: d.id,
                old: d.number,
                new: *new,
                changed: changes,
                file_code: d.fields.file_code.to_string(),
                title: d.fields.title.clone(),
                dates: format!("{} – {}", d.fields.start_date, d.fields.end_date),
                retention: d.fields.retention_label(),
                gaps: missing.iter().map(|g| g.message.clone()).collect(),
            });
        }
    }
    Ok(NumberingPreview {
        order: order.to_string(),
        total: proposal.len(),
        changed,
        gaps,
        listed,
        rows,
        preview: proposal_fingerprint(&proposal),
    })
}

/// Applies the numbering previewed as `order.preview`, audited: the page and the API do it here.
/// `Ok(None)` when the mục lục has changed since the preview (nothing is renumbered).
pub(crate) async fn apply_numbering(state: &AppState, ctx: &Ctx, id: i64, order: &Order) -> Result<Option<usize>, PageError> {
    let proposal = proposed(state, ctx, id, &order.thu_tu).await?;
    if proposal_fingerprint(&proposal) != order.preview {
        return Ok(None);
    }
    let numbers: Vec<(i64, u32)> = proposal.iter().map(|(d, n)| (d.id, *n)).collect();
    state.store.renumber(id, &numbers).await?;
    let mut event = ctx.event("inventory.renumber", "inventory", Some(id), "ok");
    event.detail = Some(format!("{} hồ sơ, thứ tự {}", numbers.len(), if order.thu_tu.is_empty() { "hien_tai" } else { &order.thu_tu }));
    state.store.audit(event).await?;
    Ok(Some(numbers.len()))
}

/// Said when the mục lục changed between the preview and applying it.
pub(crate) const NUMBERING_STALE: &str = "Mục lục đã thay đổi từ lúc xem trước; hãy xem lại bảng đánh số mới rồi áp dụng.";

async fn numbering_render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    order: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let (inventory, fonds) = records::inventory_for(state, ctx, Action::CatalogueEdit, id).await?;
    let numbering = numbering_preview_of(state, ctx, id, order).await?;
    let mut values = serde_json::to_value(&numbering).map_err(|e| PageError::Internal(e.to_string()))?;
    values["id"] = id.into();
    values["error"] = error.into();
    Page::new("numbering.html", "chinh-ly", format!("Đánh số hồ sơ — mục lục số {}", inventory.fields.number))
        .crumbs(vec![
            crumb("Phông", "/phong"),
            crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)),
            crumb(format!("Mục lục số {}", inventory.fields.number), format!("/muc-luc/{id}")),
            here("Đánh số"),
        ])
        .status(status)
        .render(state, Some(ctx), Value::from(minijinja::value::Serde(&values)))
}

async fn numbering_preview(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    axum::extract::Query(order): axum::extract::Query<Order>,
) -> Result<Response, PageError> {
    numbering_render(&state, &ctx, id, &order.thu_tu, StatusCode::OK, None).await
}

async fn numbering_apply(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<Order>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let order = form.map(|Form(o)| o).unwrap_or_default();
    match apply_numbering(&state, &ctx, id, &order).await? {
        Some(_) => Ok(Redirect::to(&format!("/muc-luc/{id}?da_luu=1")).into_response()),
        None => numbering_render(&state, &ctx, id, &order.thu_tu, StatusCode::CONFLICT, Some(NUMBERING_STALE)).await,
    }
}

pub fn phieu_tin_routes() -> Router<AppState> {
    Router::new().route("/muc-luc/{id}/phieu-tin", get(phieu_tin).post(phieu_tin_save))
}

/// A phiếu tin as a person fills it in during chỉnh lý: its số tạm, its group of the phương án,
/// ký hiệu, tiêu đề, thời gian, thời hạn bảo quản, số tờ and ghi chú. The page's form (by its
/// Vietnamese names) and the API send the same fields.
#[derive(Deserialize, Default, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PhieuTin {
    #[serde(alias = "tam", deserialize_with = "kho_model::record::text_like")]
    temp_number: String,
    #[serde(alias = "nhom")]
    group: String,
    #[serde(alias = "ky_hieu")]
    notation: String,
    #[serde(alias = "tieu_de")]
    title: String,
    /// 2015, 01/2015 - 12/2015, 03/02/2015 - 28/12/2016 …
    #[serde(alias = "thoi_gian")]
    period: String,
    /// A thời hạn bảo quản code (01 vĩnh viễn, 05 …).
    #[serde(alias = "thoi_han", deserialize_with = "kho_model::record::text_like")]
    maintenance: String,
    #[serde(alias = "so_to", deserialize_with = "kho_model::record::text_like")]
    sheets: String,
    #[serde(alias = "ghi_chu")]
    note: String,
}

/// Enters one phiếu tin into mục lục `id`, checked as every hồ sơ is and audited: the page and
/// the API do it here. `Ok` is the new hồ sơ and its số tạm; `Err` is why not, in words a clerk
/// can act on.
pub(crate) async fn enter(state: &AppState, ctx: &Ctx, id: i64, form: &PhieuTin) -> Result<Result<(i64, u32), String>, PageError> {
    let Some(temp) = form.temp_number.trim().parse::<u32>().ok().filter(|n| *n > 0) else {
        return Ok(Err("Số tạm: nhập số nguyên dương.".into()));
    };
    let Some((start, end)) = kho_model::inventory_sheet::parse_range(&form.period) else {
        return Ok(Err(format!("Thời gian “{}” không đọc được (ví dụ 2015, 01/2015 - 12/2015).", form.period.trim())));
    };
    let notation = if form.notation.trim().is_empty() { format!("T{temp}") } else { form.notation.trim().to_string() };
    let input = kho_model::record::DossierInput {
        notation,
        title: form.title.clone(),
        maintenance: form.maintenance.clone(),
        mode: "01".into(),
        start_date: start.to_string(),
        end_date: end.to_string(),
        total_doc: "0".into(),
        number_of_paper: form.sheets.clone(),
        number_of_page: "0".into(),
        description: form.note.clone(),
        ..Default::default()
    };
    let (_, _, context) = state.store.dossier_context(id).await?;
    let fields = match input.parse(&context) {
        Ok(f) => f,
        Err(invalid) => return Ok(Err(invalid.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" "))),
    };
    let group = Some(form.group.trim().to_string()).filter(|g| !g.is_empty());
    let row = kho_store::NewDossier { fields, number: None, box_id: None, temp_number: Some(temp), scheme_group: group };
    match state.store.insert_dossiers(id, std::slice::from_ref(&row)).await {
        Ok(ids) => {
            let mut event = ctx.event("dossier.create", "inventory", Some(id), "ok");
            event.detail = Some(format!("phiếu tin số tạm {temp}"));
            state.store.audit(event).await?;
            Ok(Ok((ids[0], temp)))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err(e.message)),
        Err(e) => Err(e.into()),
    }
}

async fn phieu_tin_render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    draft: Option<&PhieuTin>,
    error: Option<String>,
    saved: Option<u32>,
) -> Result<Response, PageError> {
    let (inventory, fonds) = records::inventory_for(state, ctx, Action::CatalogueEdit, id).await?;
    let scheme = state.store.arrangement(fonds.id).await?.scheme.as_deref().and_then(|s| parse_scheme(s).ok()).unwrap_or_default();
    let groups: Vec<Value> =
        kho_model::arrangement::scheme_choices(&scheme).into_iter().map(|(value, label)| context! { value, label }).collect();
    let next = state.store.next_temp_number(id).await?;
    let visibility = ctx.actor.visibility();
    let entered = state.store.recent_entries(&visibility, id, 50).await?;
    let total = state
        .store
        .list_dossiers(&kho_store::ListDossiers {
            visibility,
            inventory_id: Some(id),
            fonds_id: None,
            query: None,
            undisposed: false,
            seek: kho_store::Seek::First,
            limit: 0,
        })
        .await?
        .total;
    let rows: Vec<Value> = entered
        .iter()
        .map(|d| context! { tam => d.temp_number, group => d.scheme_group.clone(), title => d.fields.title.clone(), dates => format!("{} – {}", d.fields.start_date, d.fields.end_date), retention => d.fields.retention_label(), sheets => d.fields.number_of_paper, id => d.id })
        .collect();
    let retentions: Vec<Value> = kho_model::Maintenance::ALL.iter().map(|m| context! { value => m.code(), label => m.label() }).collect();
    let values = draft.cloned().unwrap_or(PhieuTin { temp_number: next.to_string(), maintenance: "01".into(), ..Default::default() });
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let values = context! { id, groups, rows, retentions, form => Value::from(minijinja::value::Serde(&values)), error, saved, fonds_id => fonds.id, total };
    Page::new("phieu_tin.html", "chinh-ly", format!("Phiếu tin — mục lục số {}", inventory.fields.number))
        .crumbs(vec![
            crumb("Phông", "/phong"),
            crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)),
            crumb(format!("Mục lục số {}", inventory.fields.number), format!("/muc-luc/{id}")),
            here("Phiếu tin"),
        ])
        .status(status)
        .render(state, Some(ctx), values)
}

#[derive(Deserialize, Default)]
struct Saved {
    luu: Option<u32>,
}

async fn phieu_tin(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Response, PageError> {
    phieu_tin_render(&state, &ctx, id, None, None, q.luu).await
}

/// One phiếu tin: the form comes back empty, ready for the next, so entry runs from the keyboard.
async fn phieu_tin_save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<PhieuTin>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let form = form.map(|Form(f)| f).unwrap_or_default();
    match enter(&state, &ctx, id, &form).await? {
        Ok((_, temp)) => Ok(Redirect::to(&format!("/muc-luc/{id}/phieu-tin?luu={temp}")).into_response()),
        Err(message) => phieu_tin_render(&state, &ctx, id, Some(&form), Some(message), None).await,
    }
}
