//! Hủy tài liệu in the browser: candidates of a fonds (expired by the schedule, or declared
//! duplicate), the danh mục drawn up, then council, appraisal, decision (Lãnh đạo) and
//! destruction, each recorded in turn; papers as DOCX and PDF. Nothing is ever deleted.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::pager::PageQuery;
use crate::records;
use crate::respond::{PaperFormat, paper};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kho_model::ArchiveDate;
use kho_model::access::{Action, FondsPlace, Label, authorize};
use kho_model::disposal::{self, Reason, Stage};
use kho_model::record::Fonds;
use kho_store::{DisposalList, DisposalStep, ListDossiers};
use minijinja::{Value, context};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/phong/{id}/huy", get(fonds_page).post(create))
        .route("/danh-muc-huy/{id}", get(show))
        .route("/danh-muc-huy/{id}/hoi-dong", post(council))
        .route("/danh-muc-huy/{id}/tham-dinh", post(appraisal))
        .route("/danh-muc-huy/{id}/quyet-dinh", post(decision))
        .route("/danh-muc-huy/{id}/huy", post(destruction))
        .route("/danh-muc-huy/{id}/danh-muc.docx", get(|s, c, p| list_paper(s, c, p, PaperFormat::Docx)))
        .route("/danh-muc-huy/{id}/danh-muc.xlsx", get(|s, c, p| list_paper(s, c, p, PaperFormat::Xlsx)))
        .route("/danh-muc-huy/{id}/bien-ban-huy.docx", get(|s, c, p| record_paper(s, c, p, PaperFormat::Docx)))
        .route("/danh-muc-huy/{id}/bien-ban-huy.pdf", get(|s, c, p| record_paper(s, c, p, PaperFormat::Pdf)))
}

fn this_year() -> u16 {
    use chrono::Datelike;
    chrono::Utc::now().year() as u16
}

fn render(state: &AppState, ctx: &Ctx, fonds: &Fonds, template: &str, status: StatusCode, values: Value) -> Result<Response, PageError> {
    use crate::pages::{Page, crumb};
    Page::new(template, "chinh-ly", format!("Hủy tài liệu — phông {}", fonds.fields.code))
        .crumbs(vec![crumb("Phông", "/phong"), crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)), crumb("Hủy tài liệu", format!("/phong/{}/huy", fonds.id))])
        .status(status)
        .render(state, Some(ctx), context! { fonds => context! { id => fonds.id, code => fonds.fields.code.to_string(), name => fonds.fields.name.clone() }, ..values })
}

/// Hồ sơ offered for a danh mục at once.
const CANDIDATES_SHOWN: u64 = 100;

async fn fonds_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    at: &PageQuery,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(state, ctx, Action::CatalogueView, id).await?;
    let dossiers = state
        .store
        .list_dossiers(&ListDossiers {
            visibility: ctx.actor.visibility(),
            inventory_id: None,
            fonds_id: Some(id),
            query: None,
            undisposed: true,
            seek: at.seek(),
            limit: CANDIDATES_SHOWN,
        })
        .await?;
    let year = this_year();
    let pager = crate::pager::pager(&dossiers, at, CANDIDATES_SHOWN, &format!("/phong/{id}/huy"), &[]);
    let candidates: Vec<Value> = dossiers
        .items
        .iter()
        .map(|d| {
            let expired = disposal::eligible(d.fields.maintenance, d.fields.maintenance_years, &d.fields.end_date, Reason::Expired, year);
            context! {
                id => d.id, code => d.fields.file_code.to_string(), title => d.fields.title.clone(), retention => d.fields.retention_label(),
                dates => format!("{} – {}", d.fields.start_date, d.fields.end_date), expired => expired.is_ok(), why => expired.err(),
            }
        })
        .collect();
    let mut lists: Vec<Value> = Vec::new();
    for l in state.store.disposal_lists(id).await? {
        // A danh mục holding anything the actor may not see is absent for them.
        let (place, label) = list_label(state, l.id, id).await?;
        if authorize(&ctx.actor, Action::CatalogueView, &label.on(place)).is_allowed() {
            lists.push(context! { id => l.id, title => l.title.clone(), stage => l.stage.label(), created_at => l.created_at.clone() });
        }
    }
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    render(state, ctx, &fonds, "disposal_fonds.html", status, context! { candidates, pager, lists, may_edit, error, year })
}

async fn fonds_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(at): Query<PageQuery>,
) -> Result<Response, PageError> {
    fonds_page_with(&state, &ctx, id, &at, StatusCode::OK, None).await
}

/// The form as pairs: `chon` = "<dossier id>:<reason>" per ticked hồ sơ.
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let chosen: Vec<(i64, Reason)> = pairs
        .iter()
        .filter(|(k, _)| k == "chon")
        .filter_map(|(_, v)| v.split_once(':').and_then(|(d, r)| Some((d.parse::<i64>().ok()?, Reason::from_code(r)?))))
        .collect();
    match propose(&state, &ctx, id, &value("title"), &value("explanation"), &chosen).await? {
        Ok(list) => Ok(Redirect::to(&format!("/danh-muc-huy/{list}")).into_response()),
        Err((status, message)) => fonds_page_with(&state, &ctx, id, &PageQuery::default(), status, Some(message)).await,
    }
}

/// Draws up a danh mục of fonds `id` from the hồ sơ chosen, each with its reason: checked (each
/// hồ sơ in the fonds, seen by the person and eligible for its reason; a title and a thuyết minh),
/// recorded and audited. The page and the API both propose here; `Err` is every problem at once.
pub(crate) async fn propose(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    title: &str,
    explanation: &str,
    chosen: &[(i64, Reason)],
) -> Result<Result<i64, (StatusCode, String)>, PageError> {
    let fonds = records::fonds_for(state, ctx, Action::CatalogueEdit, id).await?;
    let (title, explanation) = (kho_model::text::clean_multiline(title), kho_model::text::clean_multiline(explanation));
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let year = this_year();
    for (dossier, reason) in chosen {
        // A hồ sơ the person may not see, or of another fonds, is as if not chosen.
        let Ok((d, _)) = records::dossier_for(state, ctx, Action::CatalogueEdit, *dossier).await else { continue };
        if d.fonds_id != fonds.id {
            continue;
        }
        match disposal::eligible(d.fields.maintenance, d.fields.maintenance_years, &d.fields.end_date, *reason, year) {
            Ok(()) => items.push((*dossier, *reason)),
            Err(why) => problems.push(format!("{}: {why}.", d.fields.file_code)),
        }
    }
    if title.is_empty() {
        problems.push("Tên danh mục: bắt buộc nhập.".into());
    }
    if explanation.is_empty() {
        problems.push("Bản thuyết minh: bắt buộc (sự hình thành khối tài liệu, số lượng, thời gian, lý do hủy).".into());
    }
    if items.is_empty() {
        problems.push("Chưa chọn hồ sơ nào.".into());
    }
    if !problems.is_empty() {
        return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, problems.join(" "))));
    }
    match state.store.create_disposal_list(id, &title, &explanation, &items, &ctx.actor.name).await {
        Ok(list) => {
            let mut event = ctx.event("disposal.propose", "disposal", Some(list), "ok");
            event.detail = Some(format!("{} hồ sơ của phông {}", items.len(), fonds.fields.code));
            state.store.audit(event).await?;
            Ok(Ok(list))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err((StatusCode::CONFLICT, e.message))),
        Err(e) => Err(e.into()),
    }
}

/// The hồ sơ of a danh mục the actor may see, with their reasons: a secret hồ sơ on a danh mục
/// stays out of sight of the uncleared, like everywhere else.
async fn visible_items(state: &AppState, ctx: &Ctx, list: &DisposalList) -> Result<Vec<(kho_model::record::Dossier, Reason)>, PageError> {
    let (place, fonds_classification) = state.store.fonds_place(list.fonds_id).await?;
    let mut out = Vec::new();
    for (dossier_id, reason) in &list.items {
        let d = state.store.dossier(*dossier_id).await?;
        let resource = kho_model::access::Resource::Record {
            place: place.clone(),
            classification: fonds_classification.max(d.fields.classification),
            mode: Some(d.fields.mode),
        };
        if kho_model::access::authorize(&ctx.actor, Action::CatalogueView, &resource).is_allowed() {
            out.push((d, *reason));
        }
    }
    Ok(out)
}

/// A danh mục's label: it acts on every hồ sơ on it and every văn bản in them, so it is as secret
/// and as restricted as the most secret of them (`Label::derived`).
async fn list_label(state: &AppState, list_id: i64, fonds_id: i64) -> Result<(FondsPlace, Label), PageError> {
    let (place, fonds_classification) = state.store.fonds_place(fonds_id).await?;
    let (classification, mode) = state.store.disposal_list_label(list_id).await?;
    Ok((place, Label::derived([Label::new(fonds_classification, None), Label::new(classification, mode)])))
}

/// A danh mục the actor may `action`: only someone whose scope and clearance cover every record on
/// it sees it at all — to anyone else it is absent, so no step of a destruction ever touches a
/// record its author or approver could not see.
async fn list_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<(DisposalList, Fonds), PageError> {
    let absent = || PageError::NotFound("danh mục tài liệu hủy");
    let list = state.store.disposal_list(id).await.map_err(|_| absent())?;
    let fonds = records::fonds_for(state, ctx, action, list.fonds_id).await.map_err(|e| match e {
        records::Refused::NotFound(_) => absent(),
        other => other.into(),
    })?;
    let (place, label) = list_label(state, list.id, list.fonds_id).await?;
    if !authorize(&ctx.actor, action, &label.on(place)).is_allowed() {
        state.store.audit(ctx.event(action.code(), "disposal", Some(id), "denied")).await?;
        return Err(absent());
    }
    Ok((list, fonds))
}

async fn show_with(state: &AppState, ctx: &Ctx, id: i64, status: StatusCode, error: Option<String>) -> Result<Response, PageError> {
    let (list, fonds) = list_for(state, ctx, Action::CatalogueView, id).await?;
    let rows: Vec<Value> = visible_items(state, ctx, &list)
        .await?
        .iter()
        .map(|(d, reason)| context! { id => d.id, code => d.fields.file_code.to_string(), title => d.fields.title.clone(), reason => reason.label(), disposal => d.disposal.clone() })
        .collect();
    let late = match (&list.decision_on, &list.destroyed_on) {
        (Some(decided), Some(destroyed)) => disposal::late(decided, destroyed),
        _ => false,
    };
    let table = kho_model::access::Permissions::shipped();
    let role = ctx.actor.role;
    let stages: Vec<Value> =
        Stage::ALL.iter().map(|s| context! { label => s.label(), done => *s <= list.stage, current => *s == list.stage }).collect();
    let show = |d: &Option<ArchiveDate>| d.map(|d| d.to_string());
    // Routed to those who can decide it: a Lãnh đạo whose scope and clearance cover all of it.
    let deciders = if list.stage.next() == Some(Stage::Decided) { deciders(state, &list).await? } else { vec![] };
    let values = context! {
        list => context! {
            id => list.id, title => list.title.clone(), explanation => list.explanation.clone(), stage => list.stage.code(), stage_label => list.stage.label(),
            created_by => list.created_by.clone(), council => list.council.clone(), council_on => show(&list.council_on),
            appraisal_body => list.appraisal_body.clone(), appraisal_ref => list.appraisal_ref.clone(), appraisal_on => show(&list.appraisal_on),
            decision_ref => list.decision_ref.clone(), decision_on => show(&list.decision_on), decided_by => list.decided_by.clone(),
            destroyed_on => show(&list.destroyed_on), destroyed_by => list.destroyed_by.clone(), destroyed_metres => list.destroyed_metres.map(kho_model::vn::hundredths),
        },
        rows, stages, late, error, deciders,
        may_edit => table.allows(role, Action::CatalogueEdit), may_decide => table.allows(role, Action::DestructionApprove),
        next => list.stage.next().map(|s| s.code()),
    };
    render(state, ctx, &fonds, "disposal_list.html", status, values)
}

/// The names of the people who may decide a danh mục: whoever holds `destruction.approve` and
/// sees every record on it. None means nobody can yet — the page says what to do.
async fn deciders(state: &AppState, list: &DisposalList) -> Result<Vec<String>, PageError> {
    let table = kho_model::access::Permissions::shipped();
    let roles: Vec<_> = kho_model::access::Role::ALL.iter().copied().filter(|r| table.allows(*r, Action::DestructionApprove)).collect();
    let (place, label) = list_label(state, list.id, list.fonds_id).await?;
    let resource = label.on(place);
    let mut names = vec![];
    for user in state.store.active_users_in_roles(&roles).await? {
        let actor = state.store.actor(&user).await?;
        if authorize(&actor, Action::DestructionApprove, &resource).is_allowed() {
            names.push(user.full_name.clone());
        }
    }
    Ok(names)
}

async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    show_with(&state, &ctx, id, StatusCode::OK, None).await
}

fn field(pairs: &[(String, String)], key: &str) -> String {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| kho_model::text::clean_multiline(v)).unwrap_or_default()
}

fn full_date(text: &str, label: &str) -> Result<ArchiveDate, String> {
    ArchiveDate::parse(text)
        .filter(|d| d.earliest() == d.latest())
        .ok_or_else(|| format!("{label}: “{}” không phải ngày NN/TT/NNNN.", text.trim()))
}

/// What a step of the trail is, read from the form's (or the API's) fields: the stage reached,
/// its text, its date, a second text, the metres destroyed.
type StepInput = (Stage, String, ArchiveDate, String, Option<i64>);
type Build = fn(&[(String, String)], &str) -> Result<StepInput, String>;

/// One step of the trail: authorised by `action`, checked, recorded, audited. The page and the
/// API both advance here; `Err` is why not, with its status.
pub(crate) async fn advance(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    action: Action,
    pairs: &[(String, String)],
    build: Build,
) -> Result<Result<(), (StatusCode, String)>, PageError> {
    list_for(state, ctx, action, id).await?;
    let (stage, a, date, b, metres) = match build(pairs, &ctx.actor.name) {
        Ok(v) => v,
        Err(message) => return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, message))),
    };
    let step = match stage {
        Stage::Reviewed => DisposalStep::Council { opinions: &a, on: date },
        Stage::Appraised => DisposalStep::Appraisal { body: &a, reference: &b, on: date },
        Stage::Decided => DisposalStep::Decision { reference: &a, on: date, by: &b },
        _ => DisposalStep::Destruction { on: date, by: &b, metres },
    };
    match state.store.advance_disposal(id, step).await {
        Ok(()) => {
            state.store.audit(ctx.event(&format!("disposal.{}", stage.code()), "disposal", Some(id), "ok")).await?;
            Ok(Ok(()))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err((StatusCode::CONFLICT, e.message))),
        Err(e) => Err(e.into()),
    }
}

async fn step(state: &AppState, ctx: &Ctx, id: i64, action: Action, form: Pairs, build: Build) -> Result<Response, PageError> {
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    match advance(state, ctx, id, action, &pairs, build).await? {
        Ok(()) => Ok(Redirect::to(&format!("/danh-muc-huy/{id}")).into_response()),
        Err((status, message)) => show_with(state, ctx, id, status, Some(message)).await,
    }
}

type Pairs = Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>;

pub(crate) fn council_input(p: &[(String, String)], _: &str) -> Result<StepInput, String> {
    let opinions = field(p, "opinions");
    if opinions.is_empty() {
        return Err("Ý kiến Hội đồng: ghi thành phần và ý kiến từng thành viên.".into());
    }
    Ok((Stage::Reviewed, opinions, full_date(&field(p, "on"), "Ngày họp Hội đồng")?, String::new(), None))
}

pub(crate) fn appraisal_input(p: &[(String, String)], _: &str) -> Result<StepInput, String> {
    let (body, reference) = (field(p, "body"), field(p, "reference"));
    if body.is_empty() || reference.is_empty() {
        return Err("Thẩm định: ghi cơ quan thẩm định và số văn bản thẩm định.".into());
    }
    Ok((Stage::Appraised, body, full_date(&field(p, "on"), "Ngày văn bản thẩm định")?, reference, None))
}

pub(crate) fn decision_input(p: &[(String, String)], by: &str) -> Result<StepInput, String> {
    let reference = field(p, "reference");
    if reference.is_empty() {
        return Err("Quyết định hủy: ghi số quyết định.".into());
    }
    Ok((Stage::Decided, reference, full_date(&field(p, "on"), "Ngày quyết định")?, by.to_string(), None))
}

pub(crate) fn destruction_input(p: &[(String, String)], by: &str) -> Result<StepInput, String> {
    let metres = match field(p, "metres") {
        m if m.is_empty() => None,
        m => match kho_model::plan::Metres::parse(&m) {
            Some(m) => Some(m.hundredths()),
            None => return Err(format!("Số mét giá đã hủy: “{m}” không phải số (ví dụ 1,5).")),
        },
    };
    Ok((Stage::Destroyed, String::new(), full_date(&field(p, "on"), "Ngày hủy")?, by.to_string(), metres))
}

async fn council(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::CatalogueEdit, form, council_input).await
}

async fn appraisal(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::CatalogueEdit, form, appraisal_input).await
}

async fn decision(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::DestructionApprove, form, decision_input).await
}

async fn destruction(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::CatalogueEdit, form, destruction_input).await
}

/// The list with what its papers say: issuing body, fonds, and the hồ sơ the actor may see.
async fn papers(state: &AppState, ctx: &Ctx, id: i64) -> Result<(DisposalList, kho_documents::disposal::DisposalPapers), PageError> {
    let (list, fonds) = list_for(state, ctx, Action::CatalogueView, id).await?;
    let body = state.store.unit(fonds.fields.custodian_unit_id.unwrap_or(fonds.fields.unit_id)).await?;
    let body = kho_documents::official::Issuer { name: body.name, parent: body.parent_body };
    let mut rows = Vec::new();
    for (d, reason) in visible_items(state, ctx, &list).await? {
        rows.push(kho_documents::disposal::DisposalRow {
            number: d.number,
            code: d.fields.file_code.to_string(),
            title: d.fields.title.clone(),
            dates: format!("{} – {}", d.fields.start_date, d.fields.end_date),
            retention: d.fields.retention_label(),
            reason: reason.label().into(),
        });
    }
    let papers = kho_documents::disposal::DisposalPapers {
        body,
        fonds: format!("{} ({})", fonds.fields.name, fonds.fields.code),
        title: list.title.clone(),
        explanation: list.explanation.clone(),
        rows,
    };
    Ok((list, papers))
}

/// The danh mục tài liệu hết giá trị with its bản thuyết minh.
async fn list_paper(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (_, papers) = papers(&state, &ctx, id).await?;
    paper(kho_documents::disposal::list(&papers), format, &format!("danh-muc-tai-lieu-het-gia-tri-{id}")).await
}

/// The biên bản hủy, once the list has been destroyed.
async fn record_paper(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (list, papers) = papers(&state, &ctx, id).await?;
    let (Some(decision_ref), Some(decision_on), Some(destroyed_on)) = (&list.decision_ref, &list.decision_on, &list.destroyed_on) else {
        return Err(PageError::NotYet("Danh mục chưa được hủy nên chưa có biên bản hủy.".into()));
    };
    let province = state.store.plan().await?.map(|p| p.plan.meta.province).unwrap_or_default();
    let facts = kho_documents::disposal::DestructionFacts {
        province: &province,
        decision_ref,
        decision_on,
        destroyed_on,
        destroyed_by: list.destroyed_by.as_deref().unwrap_or_default(),
        metres: list.destroyed_metres,
        count: papers.rows.len(),
    };
    paper(kho_documents::disposal::record(&papers, &facts), format, &format!("bien-ban-huy-{id}")).await
}

// ---- the same trail as JSON ----

/// `/api/v1` routes of hủy tài liệu: the danh mục of a fonds, one danh mục, drawing one up and
/// each step of its trail — through the same functions, checks and audit as the pages.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/fonds/{id}/disposal-lists", get(api_lists).post(api_propose))
        .route("/disposal-lists/{id}", get(api_list))
        .route("/disposal-lists/{id}/council", post(api_council))
        .route("/disposal-lists/{id}/appraisal", post(api_appraisal))
        .route("/disposal-lists/{id}/decision", post(api_decision))
        .route("/disposal-lists/{id}/destruction", post(api_destruction))
}

fn list_json(list: &DisposalList, items: &[(kho_model::record::Dossier, Reason)]) -> serde_json::Value {
    let day = |d: &Option<ArchiveDate>| d.map(|d| d.to_string());
    serde_json::json!({
        "id": list.id, "fondsId": list.fonds_id, "title": list.title, "explanation": list.explanation,
        "stage": list.stage.code(), "stageLabel": list.stage.label(), "createdBy": list.created_by, "createdAt": list.created_at,
        "council": list.council, "councilOn": day(&list.council_on), "appraisalBody": list.appraisal_body,
        "appraisalRef": list.appraisal_ref, "appraisalOn": day(&list.appraisal_on), "decisionRef": list.decision_ref,
        "decisionOn": day(&list.decision_on), "decidedBy": list.decided_by, "destroyedOn": day(&list.destroyed_on),
        "destroyedBy": list.destroyed_by, "destroyedMetres": list.destroyed_metres,
        "items": items.iter().map(|(d, reason)| serde_json::json!({
            "dossierId": d.id, "fileCode": d.fields.file_code.to_string(), "title": d.fields.title, "reason": reason.code(),
        })).collect::<Vec<_>>(),
    })
}

/// The danh mục tài liệu hủy of a fonds that the person may see (one holding a record they may
/// not see is absent), with their stage.
#[utoipa::path(get, path = "/api/v1/fonds/{id}/disposal-lists", tag = "Hủy tài liệu", params(("id" = i64, Path)), responses(
    (status = 200, description = "id, title, stage, stageLabel, createdAt"), (status = 404, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_lists(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, crate::error::ApiError> {
    records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let mut out = vec![];
    for l in state.store.disposal_lists(id).await? {
        let (place, label) = list_label(&state, l.id, id).await?;
        if authorize(&ctx.actor, Action::CatalogueView, &label.on(place)).is_allowed() {
            out.push(serde_json::json!({
                "id": l.id, "title": l.title, "stage": l.stage.code(), "stageLabel": l.stage.label(), "createdAt": l.created_at,
            }));
        }
    }
    Ok(axum::Json(out).into_response())
}

/// A danh mục to draw up: its name, its thuyết minh, and the hồ sơ with why each goes
/// (`reason`: the code of kho_model::disposal::Reason, e.g. `het_han`).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProposalInput {
    // Missing fields are refused by the checks, after whose fonds it is has been decided.
    #[serde(default)]
    title: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    items: Vec<ProposalItem>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProposalItem {
    dossier_id: i64,
    reason: String,
}

/// Draws up a danh mục tài liệu hủy, as the page does: every problem at once, or the new danh mục.
#[utoipa::path(post, path = "/api/v1/fonds/{id}/disposal-lists", tag = "Hủy tài liệu", params(("id" = i64, Path)),
    request_body = ProposalInput, responses(
    (status = 201, description = "Đã lập danh mục; Location là địa chỉ của nó"),
    (status = 422, description = "Mọi lý do không lập được", body = crate::error::ApiErrorBody),
    (status = 409, description = "Hồ sơ đã ở danh mục khác", body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_propose(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(input): crate::api::Body<ProposalInput>,
) -> Result<Response, crate::error::ApiError> {
    // Whose fonds it is comes first: outside one's scope, a wrong body answers as nothing does.
    records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let mut chosen = vec![];
    for item in &input.items {
        let Some(reason) = Reason::from_code(&item.reason) else {
            let codes = Reason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ");
            return Err(crate::error::ApiError::refused(
                "invalid_reason",
                format!("Lý do hủy “{}” không có; dùng một trong: {codes}.", item.reason),
            ));
        };
        chosen.push((item.dossier_id, reason));
    }
    match propose(&state, &ctx, id, &input.title, &input.explanation, &chosen).await? {
        Ok(list) => Ok((
            StatusCode::CREATED,
            [(axum::http::header::LOCATION, format!("/api/v1/disposal-lists/{list}"))],
            axum::Json(serde_json::json!({ "id": list })),
        )
            .into_response()),
        Err((status, message)) => Err(crate::error::ApiError::new(status, "disposal_refused", message)),
    }
}

/// A danh mục tài liệu hủy with its trail and the hồ sơ on it that the person may see.
#[utoipa::path(get, path = "/api/v1/disposal-lists/{id}", tag = "Hủy tài liệu", params(("id" = i64, Path)), responses(
    (status = 200, description = "Danh mục, các bước đã ghi và các hồ sơ"), (status = 404, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, crate::error::ApiError> {
    let (list, _) = list_for(&state, &ctx, Action::CatalogueView, id).await?;
    let items = visible_items(&state, &ctx, &list).await?;
    Ok(axum::Json(list_json(&list, &items)).into_response())
}

/// A step of the trail as JSON: the fields of the page's form for that step (`opinions`, `on`;
/// `body`, `reference`, `on`; `reference`, `on`; `on`, `metres`), dates as NN/TT/NNNN.
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub(crate) struct StepBody {
    opinions: Option<String>,
    body: Option<String>,
    reference: Option<String>,
    on: Option<String>,
    metres: Option<String>,
}

async fn api_step(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    step: StepBody,
    action: Action,
    build: Build,
) -> Result<Response, crate::error::ApiError> {
    let pairs: Vec<(String, String)> =
        [("opinions", step.opinions), ("body", step.body), ("reference", step.reference), ("on", step.on), ("metres", step.metres)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
    match advance(state, ctx, id, action, &pairs, build).await? {
        Ok(()) => {
            let (list, _) = list_for(state, ctx, Action::CatalogueView, id).await?;
            let items = visible_items(state, ctx, &list).await?;
            Ok(axum::Json(list_json(&list, &items)).into_response())
        }
        Err((status, message)) => Err(crate::error::ApiError::new(status, "disposal_step_refused", message)),
    }
}

/// Records the Hội đồng xác định giá trị tài liệu's review: `opinions`, `on`.
#[utoipa::path(post, path = "/api/v1/disposal-lists/{id}/council", tag = "Hủy tài liệu", params(("id" = i64, Path)), request_body = StepBody,
    responses((status = 200, description = "Danh mục sau bước này"), (status = 422, body = crate::error::ApiErrorBody), (status = 409, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_council(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(step): crate::api::Body<StepBody>,
) -> Result<Response, crate::error::ApiError> {
    api_step(&state, &ctx, id, step, Action::CatalogueEdit, council_input).await
}

/// Records the appraisal by the competent body: `body`, `reference`, `on`.
#[utoipa::path(post, path = "/api/v1/disposal-lists/{id}/appraisal", tag = "Hủy tài liệu", params(("id" = i64, Path)), request_body = StepBody,
    responses((status = 200, description = "Danh mục sau bước này"), (status = 422, body = crate::error::ApiErrorBody), (status = 409, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_appraisal(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(step): crate::api::Body<StepBody>,
) -> Result<Response, crate::error::ApiError> {
    api_step(&state, &ctx, id, step, Action::CatalogueEdit, appraisal_input).await
}

/// Records the Lãnh đạo's decision to destroy (a Lãnh đạo whose scope and clearance cover every
/// record on the danh mục): `reference`, `on`.
#[utoipa::path(post, path = "/api/v1/disposal-lists/{id}/decision", tag = "Hủy tài liệu", params(("id" = i64, Path)), request_body = StepBody,
    responses((status = 200, description = "Danh mục sau bước này"), (status = 422, body = crate::error::ApiErrorBody), (status = 409, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_decision(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(step): crate::api::Body<StepBody>,
) -> Result<Response, crate::error::ApiError> {
    api_step(&state, &ctx, id, step, Action::DestructionApprove, decision_input).await
}

/// Records the destruction: `on`, `metres` (mét giá, e.g. "1,5").
#[utoipa::path(post, path = "/api/v1/disposal-lists/{id}/destruction", tag = "Hủy tài liệu", params(("id" = i64, Path)), request_body = StepBody,
    responses((status = 200, description = "Danh mục sau bước này"), (status = 422, body = crate::error::ApiErrorBody), (status = 409, body = crate::error::ApiErrorBody)))]
pub(crate) async fn api_destruction(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(step): crate::api::Body<StepBody>,
) -> Result<Response, crate::error::ApiError> {
    api_step(&state, &ctx, id, step, Action::CatalogueEdit, destruction_input).await
}
