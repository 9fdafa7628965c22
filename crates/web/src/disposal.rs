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
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| kho_model::text::clean_multiline(v)).unwrap_or_default();
    let (title, explanation) = (value("title"), value("explanation"));
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let year = this_year();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "chon") {
        let Some((dossier, reason)) = v.split_once(':').and_then(|(d, r)| Some((d.parse::<i64>().ok()?, Reason::from_code(r)?))) else {
            continue;
        };
        let Ok((d, _)) = records::dossier_for(&state, &ctx, Action::CatalogueEdit, dossier).await else { continue };
        if d.fonds_id != fonds.id {
            continue;
        }
        match disposal::eligible(d.fields.maintenance, d.fields.maintenance_years, &d.fields.end_date, reason, year) {
            Ok(()) => items.push((dossier, reason)),
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
        return fonds_page_with(&state, &ctx, id, &PageQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, Some(problems.join(" "))).await;
    }
    match state.store.create_disposal_list(id, &title, &explanation, &items, &ctx.actor.name).await {
        Ok(list) => {
            let mut event = ctx.event("disposal.propose", "disposal", Some(list), "ok");
            event.detail = Some(format!("{} hồ sơ của phông {}", items.len(), fonds.fields.code));
            state.store.audit(event).await?;
            Ok(Redirect::to(&format!("/danh-muc-huy/{list}")).into_response())
        }
        Err(kho_store::StoreError::Conflict(e)) => {
            fonds_page_with(&state, &ctx, id, &PageQuery::default(), StatusCode::CONFLICT, Some(e.message)).await
        }
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

/// One step of the trail: authorised by `action`, checked, recorded, audited.
async fn step(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    action: Action,
    pairs: Vec<(String, String)>,
    build: impl FnOnce(&[(String, String)], &str) -> Result<(Stage, String, ArchiveDate, String, Option<i64>), String>,
) -> Result<Response, PageError> {
    list_for(state, ctx, action, id).await?;
    let (stage, a, date, b, metres) = match build(&pairs, &ctx.actor.name) {
        Ok(v) => v,
        Err(message) => return show_with(state, ctx, id, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await,
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
            Ok(Redirect::to(&format!("/danh-muc-huy/{id}")).into_response())
        }
        Err(kho_store::StoreError::Conflict(e)) => show_with(state, ctx, id, StatusCode::CONFLICT, Some(e.message)).await,
        Err(e) => Err(e.into()),
    }
}

type Pairs = Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>;

async fn council(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::CatalogueEdit, form.map(|Form(p)| p).unwrap_or_default(), |p, _| {
        let opinions = field(p, "opinions");
        if opinions.is_empty() {
            return Err("Ý kiến Hội đồng: ghi thành phần và ý kiến từng thành viên.".into());
        }
        Ok((Stage::Reviewed, opinions, full_date(&field(p, "on"), "Ngày họp Hội đồng")?, String::new(), None))
    })
    .await
}

async fn appraisal(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::CatalogueEdit, form.map(|Form(p)| p).unwrap_or_default(), |p, _| {
        let (body, reference) = (field(p, "body"), field(p, "reference"));
        if body.is_empty() || reference.is_empty() {
            return Err("Thẩm định: ghi cơ quan thẩm định và số văn bản thẩm định.".into());
        }
        Ok((Stage::Appraised, body, full_date(&field(p, "on"), "Ngày văn bản thẩm định")?, reference, None))
    })
    .await
}

async fn decision(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::DestructionApprove, form.map(|Form(p)| p).unwrap_or_default(), |p, by| {
        let reference = field(p, "reference");
        if reference.is_empty() {
            return Err("Quyết định hủy: ghi số quyết định.".into());
        }
        Ok((Stage::Decided, reference, full_date(&field(p, "on"), "Ngày quyết định")?, by.to_string(), None))
    })
    .await
}

async fn destruction(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    step(&state, &ctx, id, Action::CatalogueEdit, form.map(|Form(p)| p).unwrap_or_default(), |p, by| {
        let metres = match field(p, "metres") {
            m if m.is_empty() => None,
            m => match kho_model::plan::Metres::parse(&m) {
                Some(m) => Some(m.hundredths()),
                None => return Err(format!("Số mét giá đã hủy: “{m}” không phải số (ví dụ 1,5).")),
            },
        };
        Ok((Stage::Destroyed, String::new(), full_date(&field(p, "on"), "Ngày hủy")?, by.to_string(), metres))
    })
    .await
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
