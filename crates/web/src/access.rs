//! Khai thác: the reader's path from the phiếu yêu cầu khai thác to what TT 05/2025 lets them be
//! given — a bản đọc in the browser (no download, the agency's name burnt into the foot of every
//! page, open for the phiếu's days, at most 15), an uncertified copy ("BẢN SAO"), a certified
//! copy (signed by the archive) or the gói khai thác (DIP) — and the Lãnh đạo's decision on each
//! hồ sơ under conditional use, with the reason when refused. Every delivery is logged; the
//! reading room's figures are given by month.
//!
//! A reader may ask only for what they could be given: a hồ sơ in scope, in public use or under
//! conditional use, holding nothing classified, not destroyed. Anything else — a hồ sơ of mode 03,
//! a classified one, one that does not exist — is refused in the same words, so asking reveals
//! nothing. A grant is checked again at every use against the hồ sơ as it is then: a hồ sơ since
//! classified, closed or destroyed is no longer served. Whoever decides must see all of the hồ sơ
//! themselves: nobody grants what they do not hold.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::error::{ApiError, ApiErrorBody};
use crate::pages::{Page, crumb, here};
use crate::respond::PaperFormat;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json, Router};
use kho_model::FieldError;
use kho_model::access::{Action, Permissions, authorize};
use kho_model::access_request::{ItemState, Output, Purpose, RequestForm};
use kho_model::codes::{Classification, Mode};
use kho_model::record::Dossier;
use kho_model::vn;
use kho_store::{AccessFilter, AccessItem, AccessRequest};
use minijinja::context;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/khai-thac", get(list).post(submit))
        .route("/khai-thac/moi", get(new_form))
        .route("/khai-thac/thong-ke", get(statistics))
        .route("/khai-thac/thong-ke.xlsx", get(|s, c, q| statistics_file(s, c, q, PaperFormat::Xlsx)))
        .route("/khai-thac/thong-ke.csv", get(|s, c, q| statistics_file(s, c, q, PaperFormat::Csv)))
        .route("/khai-thac/{id}", get(show))
        .route("/khai-thac/{id}/duyet", post(decide))
        .route("/khai-thac/{id}/ho-so/{dossier}", get(read_view))
        .route("/khai-thac/{id}/ho-so/{dossier}/trang/{page}", get(read_page))
        .route("/khai-thac/{id}/ho-so/{dossier}/ban-sao.pdf", get(copy))
        .route("/khai-thac/{id}/ho-so/{dossier}/goi-khai-thac.zip", get(package))
}

/// What a refused mã hồ sơ is told, whether it does not exist, is hidden, classified, closed
/// (mode 03) or destroyed: the same words, so asking reveals nothing.
fn not_requestable(code: &str) -> String {
    format!(
        "Mã hồ sơ “{code}”: không có hồ sơ mang mã này trong tài liệu được phép yêu cầu khai thác. \
         Kiểm tra lại mã trên mục lục hồ sơ hoặc kết quả tra cứu."
    )
}

/// Whether a hồ sơ may be given to `ctx` at all, as it is now: in scope, nothing classified
/// anywhere in it, not closed (mode 03), not destroyed. Its mode when it may.
async fn requestable(state: &AppState, ctx: &Ctx, dossier: &Dossier) -> Result<Option<Mode>, PageError> {
    if dossier.disposal.as_deref() == Some("da_huy") {
        return Ok(None);
    }
    let (place, label) = state.store.whole_dossier_label(dossier).await?;
    let mode = label.mode.unwrap_or(Mode::Public);
    if label.classification != Classification::None || mode == Mode::Secret {
        return Ok(None);
    }
    // Scope, judged as if the hồ sơ were public: the reader's own rule for mode 02 is the grant.
    let as_public = kho_model::access::Label::new(label.classification, Some(Mode::Public)).on(place);
    Ok(authorize(&ctx.actor, Action::CatalogueView, &as_public).is_allowed().then_some(mode))
}

/// Phiếu listed at a time.
const LISTED: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// Keyset, one per list: the page of phiếu before this id.
    truoc_cua_toi: Option<i64>,
    truoc_cho_duyet: Option<i64>,
    truoc_tat_ca: Option<i64>,
}

/// The phiếu: a reader's own; for a Lãnh đạo those waiting on them; for the archive's staff every
/// phiếu asking for what they may see.
async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let permissions = Permissions::shipped();
    let visibility = ctx.actor.visibility();
    let may_request = permissions.allows(ctx.actor.role, Action::AccessRequest);
    let may_decide = permissions.allows(ctx.actor.role, Action::AccessApprove);
    let staff = crate::pages::sees_work(&ctx);
    let mine = match (may_request, ctx.actor.user_id) {
        (true, Some(user)) => Some(state.store.access_requests(&AccessFilter::Reader(user), q.truoc_cua_toi, LISTED).await?),
        _ => None,
    };
    let waiting = if may_decide {
        Some(state.store.access_requests(&AccessFilter::Pending(&visibility), q.truoc_cho_duyet, LISTED).await?)
    } else {
        None
    };
    let all =
        if staff { Some(state.store.access_requests(&AccessFilter::Visible(&visibility), q.truoc_tat_ca, LISTED).await?) } else { None };
    let lines = |found: Option<(Vec<kho_store::AccessRequestLine>, i64)>| {
        found.map(|(lines, total)| {
            let next = (lines.len() as i64 == LISTED).then(|| lines.last().map(|l| l.id)).flatten();
            context! {
                total, next,
                lines => lines.iter().map(|l| context! {
                    id => l.id, reader => l.reader_name.clone(), organisation => l.organisation.clone(),
                    purpose => l.purpose.label(), output => l.output.label(), submitted => vn::moment(&l.submitted_at),
                    dossiers => l.dossiers, pending => l.pending, granted => l.granted, refused => l.refused,
                }).collect::<Vec<_>>(),
            }
        })
    };
    Page::new("khai_thac.html", "khai-thac", "Khai thác tài liệu").render(
        &state,
        Some(&ctx),
        context! { may_request, may_decide, staff, mine => lines(mine), waiting => lines(waiting), all => lines(all) },
    )
}

#[derive(Deserialize, Default, serde::Serialize, Clone)]
#[serde(default)]
struct RequestFields {
    ho_ten: String,
    co_quan: String,
    so_dinh_danh: String,
    muc_dich: String,
    doi_tuong: String,
    de_tai: String,
    hinh_thuc: String,
    so_ngay: String,
    ma_ho_so: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    /// A hồ sơ to ask for, from its page.
    ho_so: Option<i64>,
}

/// The phiếu's form; from a hồ sơ's page, with its mã hồ sơ filled in.
async fn new_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Query(q): Query<NewQuery>) -> Result<Response, PageError> {
    let mut fields = RequestFields {
        ho_ten: ctx.user.as_ref().map(|u| u.full_name.clone()).unwrap_or_default(),
        muc_dich: Purpose::Personal.code().into(),
        hinh_thuc: Output::ReadView.code().into(),
        so_ngay: kho_model::access_request::MAX_DAYS.to_string(),
        ..Default::default()
    };
    if let Some(id) = q.ho_so {
        // Only what the person could ask for is filled in; anything else is left out silently.
        if let Ok(dossier) = state.store.dossier(id).await
            && requestable(&state, &ctx, &dossier).await?.is_some()
        {
            fields.ma_ho_so = dossier.fields.file_code.to_string();
        }
    }
    render_form(&state, &ctx, &fields, vec![], StatusCode::OK)
}

fn render_form(
    state: &AppState,
    ctx: &Ctx,
    fields: &RequestFields,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    Page::new("khai_thac_moi.html", "khai-thac", "Phiếu yêu cầu khai thác")
        .crumbs(vec![crumb("Khai thác", "/khai-thac"), here("Phiếu yêu cầu mới")])
        .status(status)
        .render(
            state,
            Some(ctx),
            context! {
                form => minijinja::Value::from(minijinja::value::Serde(fields)), errors,
                purposes => Purpose::ALL.iter().map(|p| context! { code => p.code(), label => p.label() }).collect::<Vec<_>>(),
                outputs => Output::ALL.iter().map(|o| context! { code => o.code(), label => o.label() }).collect::<Vec<_>>(),
                max_days => kho_model::access_request::MAX_DAYS,
            },
        )
}

/// A reader's phiếu: checked field by field, each mã hồ sơ resolved to what the reader may ask
/// for; recorded whole or not at all.
async fn submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(fields): Form<RequestFields>,
) -> Result<Response, PageError> {
    match file_request(&state, &ctx, &fields).await? {
        Ok(id) => Ok(Redirect::to(&format!("/khai-thac/{id}")).into_response()),
        Err(problems) => {
            let errors = problems.into_iter().map(|p| p.message).collect();
            render_form(&state, &ctx, &fields, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// Files a phiếu for the reader signed in, checked field by field and then every mã hồ sơ: its id,
/// or every problem found (nothing is filed then).
async fn file_request(state: &AppState, ctx: &Ctx, fields: &RequestFields) -> Result<Result<i64, Vec<FieldError>>, PageError> {
    if !Permissions::shipped().allows(ctx.actor.role, Action::AccessRequest) {
        return Err(PageError::Forbidden);
    }
    let Some(reader) = ctx.actor.user_id else { return Err(PageError::Forbidden) };
    let f = fields;
    let form = RequestForm::checked(
        &f.ho_ten,
        &f.co_quan,
        &f.so_dinh_danh,
        &f.muc_dich,
        &f.doi_tuong,
        &f.de_tai,
        &f.hinh_thuc,
        &f.so_ngay,
        &f.ma_ho_so,
    );
    let form = match form {
        Ok(form) => form,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut dossiers = vec![];
    let mut problems = vec![];
    for code in &form.codes {
        let found = match state.store.dossier_by_code(code).await {
            Ok(dossier) => requestable(state, ctx, &dossier).await?.map(|mode| (dossier.id, mode)),
            Err(kho_store::StoreError::NotFound(_) | kho_store::StoreError::Conflict { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        match found {
            Some(found) => dossiers.push(found),
            None => problems.push(FieldError::new("codes", "not_requestable", not_requestable(code))),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let mut event = ctx.event("access.request", "access_request", None, "ok");
    event.detail = Some(format!("{}; {}; {} hồ sơ", form.purpose.label(), form.output.label(), dossiers.len()));
    Ok(Ok(state.store.audited(event).submit_access_request(reader, &form, &dossiers).await?))
}

/// Who is looking at a phiếu: its reader, or staff who may see (some of) its hồ sơ.
struct Viewer {
    owner: bool,
    may_decide: bool,
}

/// A phiếu as `ctx` may see it: the reader sees their own whole; staff see the hồ sơ they may see
/// (whole: fonds, hồ sơ and every văn bản); anyone else finds nothing.
async fn phieu_for(state: &AppState, ctx: &Ctx, id: i64) -> Result<(AccessRequest, Viewer), PageError> {
    let mut request = state.store.access_request(id).await.map_err(|_| PageError::NotFound("phiếu yêu cầu khai thác"))?;
    let owner = ctx.actor.user_id == Some(request.reader_id);
    let permissions = Permissions::shipped();
    let may_decide = permissions.allows(ctx.actor.role, Action::AccessApprove);
    if !owner {
        if !crate::pages::sees_work(ctx) && !may_decide {
            return Err(PageError::NotFound("phiếu yêu cầu khai thác"));
        }
        let mut seen = vec![];
        for item in request.items.drain(..) {
            let dossier = state.store.dossier(item.dossier_id).await?;
            let (place, label) = state.store.whole_dossier_label(&dossier).await?;
            if authorize(&ctx.actor, Action::CatalogueView, &label.on(place)).is_allowed() {
                seen.push(item);
            }
        }
        if seen.is_empty() {
            return Err(PageError::NotFound("phiếu yêu cầu khai thác"));
        }
        request.items = seen;
    }
    Ok((request, Viewer { owner, may_decide: may_decide && !owner }))
}

/// The deliveries of a phiếu its viewer may see: for its reader and the archive's staff, those of
/// the hồ sơ shown to them.
async fn shown_deliveries(
    state: &AppState,
    ctx: &Ctx,
    viewer: &Viewer,
    request: &AccessRequest,
) -> Result<Vec<kho_store::Delivery>, PageError> {
    if !viewer.owner && !crate::pages::sees_work(ctx) {
        return Ok(vec![]);
    }
    let shown: std::collections::HashSet<i64> = request.items.iter().map(|i| i.dossier_id).collect();
    Ok(state.store.deliveries(request.id).await?.into_iter().filter(|d| shown.contains(&d.dossier_id)).collect())
}

fn now_utc() -> String {
    kho_store::stored(chrono::Utc::now())
}

async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    render_phieu(&state, &ctx, id, vec![], StatusCode::OK).await
}

async fn render_phieu(state: &AppState, ctx: &Ctx, id: i64, errors: Vec<String>, status: StatusCode) -> Result<Response, PageError> {
    let (request, viewer) = phieu_for(state, ctx, id).await?;
    let now = now_utc();
    let mut items = vec![];
    for item in &request.items {
        let open = viewer.owner && item.open_at(&now);
        let copies = if open && matches!(request.output, Output::Copy | Output::CertifiedCopy) {
            state
                .store
                .renditions(item.dossier_id)
                .await?
                .iter()
                .map(|r| context! { id => r.id, name => r.file_name.clone(), pages => r.pages })
                .collect()
        } else {
            vec![]
        };
        items.push(context! {
            dossier_id => item.dossier_id, code => item.file_code.clone(), title => item.title.clone(),
            state => item.state.label(), state_code => item.state.code(), reason => item.reason.clone(),
            decided_by => item.decided_by.clone(), decided_at => item.decided_at.as_deref().map(vn::moment),
            expires => item.expires_at.as_deref().map(vn::moment),
            expired => item.state == ItemState::Granted && !item.open_at(&now),
            open, copies, pending => item.state == ItemState::Pending,
        });
    }
    let deliveries: Vec<_> = shown_deliveries(state, ctx, &viewer, &request)
        .await?
        .into_iter()
        .map(|d| context! { code => d.file_code, output => d.output.label(), to => d.delivered_to, at => vn::moment(&d.delivered_at), bytes => d.bytes })
        .collect();
    let title = format!("Phiếu yêu cầu khai thác số {id}");
    Page::new("khai_thac_phieu.html", "khai-thac", title.clone())
        .crumbs(vec![crumb("Khai thác", "/khai-thac"), here(title)])
        .status(status)
        .render(
            state,
            Some(ctx),
            context! {
                id, owner => viewer.owner, may_decide => viewer.may_decide, errors, items, deliveries,
                reader => request.reader_name, organisation => request.organisation, identity => request.identity_no,
                purpose => format!("{} — {}", request.purpose.code(), request.purpose.label()), fee => request.fee_category,
                topic => request.topic, output => request.output.label(), output_code => request.output.code(), days => request.days,
                submitted => vn::moment(&request.submitted_at),
                certified_ready => state.config.signer.is_some(),
            },
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Decision {
    ho_so: String,
    quyet_dinh: String,
    ly_do: String,
}

/// A Lãnh đạo grants or refuses one hồ sơ of a phiếu; a refusal needs its reason.
async fn decide(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(decision): Form<Decision>,
) -> Result<Response, PageError> {
    match decide_one(&state, &ctx, id, &decision).await? {
        Ok(()) => Ok(Redirect::to(&format!("/khai-thac/{id}")).into_response()),
        Err(message) => render_phieu(&state, &ctx, id, vec![message], StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// Records a Lãnh đạo's decision on one hồ sơ of phiếu `id`, or says what is missing from it.
/// Only a hồ sơ the Lãnh đạo may see whole can be decided by them, and each only once.
async fn decide_one(state: &AppState, ctx: &Ctx, id: i64, decision: &Decision) -> Result<Result<(), String>, PageError> {
    let (request, viewer) = phieu_for(state, ctx, id).await?;
    if !viewer.may_decide {
        return Err(PageError::Forbidden);
    }
    let Some(item) = decision.ho_so.trim().parse::<i64>().ok().and_then(|d| request.items.iter().find(|i| i.dossier_id == d)) else {
        return Err(PageError::NotFound("hồ sơ trong phiếu"));
    };
    let reason = kho_model::text::clean(&decision.ly_do);
    let grant = match decision.quyet_dinh.as_str() {
        "dong_y" => true,
        "tu_choi" if reason.is_empty() => {
            return Ok(Err(format!("Hồ sơ {}: ghi lý do không cho khai thác, để người yêu cầu biết.", item.file_code)));
        }
        "tu_choi" if reason.chars().count() > 1000 => return Ok(Err("Lý do: tối đa 1000 ký tự.".into())),
        "tu_choi" => false,
        _ => return Ok(Err("Chọn đồng ý (dong_y) hoặc không đồng ý (tu_choi).".into())),
    };
    let mut event = ctx.event(if grant { "access.grant" } else { "access.refuse" }, "access_request", Some(id), "ok");
    event.detail = Some(if grant { item.file_code.clone() } else { format!("{}: {reason}", item.file_code) });
    let decided =
        state.store.audited(event).decide_access(id, item.dossier_id, grant, (!grant).then_some(reason.as_str()), &ctx.actor.name).await?;
    if !decided {
        return Err(PageError::NotYet(format!("Hồ sơ {} của phiếu này đã được quyết định trước đó.", item.file_code)));
    }
    Ok(Ok(()))
}

/// The reader's own granted, unexpired hồ sơ of a phiếu, still fit to give: the phiếu and it.
async fn granted(state: &AppState, ctx: &Ctx, id: i64, dossier_id: i64) -> Result<(AccessRequest, AccessItem, Dossier), PageError> {
    let absent = || PageError::NotFound("hồ sơ được khai thác");
    let request = state.store.access_request(id).await.map_err(|_| absent())?;
    if ctx.actor.user_id != Some(request.reader_id) {
        return Err(absent());
    }
    let item = request.items.iter().find(|i| i.dossier_id == dossier_id).cloned().ok_or_else(absent)?;
    match item.state {
        ItemState::Pending => return Err(PageError::NotYet(format!("Hồ sơ {} đang chờ lãnh đạo duyệt.", item.file_code))),
        ItemState::Refused => return Err(PageError::NotYet(format!("Hồ sơ {} không được khai thác.", item.file_code))),
        ItemState::Granted if !item.open_at(&now_utc()) => {
            return Err(PageError::Gone(format!(
                "Thời hạn khai thác hồ sơ {} đã hết lúc {}. Lập phiếu mới nếu cần khai thác tiếp.",
                item.file_code,
                item.expires_at.as_deref().map(vn::moment).unwrap_or_default()
            )));
        }
        ItemState::Granted => {}
    }
    // As the hồ sơ is now: since classified, closed or destroyed, it is no longer given; since
    // made conditional, a grant given for public use no longer holds.
    let dossier = state.store.dossier(dossier_id).await?;
    match requestable(state, ctx, &dossier).await? {
        None => return Err(absent()),
        Some(Mode::Conditional) if item.decided_by.as_deref() == Some(kho_store::GRANTED_AS_PUBLIC) => {
            return Err(PageError::NotYet(format!(
                "Hồ sơ {} nay thuộc diện sử dụng có điều kiện: lập phiếu mới để lãnh đạo duyệt.",
                item.file_code
            )));
        }
        Some(_) => {}
    }
    Ok((request, item, dossier))
}

/// The bản đọc: every scanned page of the hồ sơ, scaled by the server with the agency's name
/// burnt into its foot; no download link, nothing cached. Each opening is logged.
async fn read_view(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, dossier_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (_, item, dossier) = granted(&state, &ctx, id, dossier_id).await?;
    let pages = state.store.dossier_page_ids(dossier_id).await?;
    let mut event = ctx.event("access.deliver", "access_request", Some(id), "ok");
    event.detail = Some(format!("{}: {}", Output::ReadView.label(), item.file_code));
    state.store.audited(event).record_delivery(id, dossier_id, Output::ReadView, &ctx.actor.name, 0, "").await?;
    let title = format!("Bản đọc — {}", item.file_code);
    let mut response = Page::new("ban_doc.html", "khai-thac", title.clone())
        .crumbs(vec![crumb("Khai thác", "/khai-thac"), crumb(format!("Phiếu số {id}"), format!("/khai-thac/{id}")), here(title)])
        .render(
            &state,
            Some(&ctx),
            context! {
                id, dossier_id, code => item.file_code, title => dossier.fields.title.clone(), pages,
                agency => state.config.organisation.clone(), expires => item.expires_at.as_deref().map(vn::moment),
            },
        )?;
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// One page of a bản đọc, with the agency's name burnt in.
async fn read_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, dossier_id, page_id)): Path<(i64, i64, i64)>,
) -> Result<Response, PageError> {
    granted(&state, &ctx, id, dossier_id).await?;
    let page = state.store.scan_page(page_id).await.map_err(|_| PageError::NotFound("trang"))?;
    if page.dossier_id != dossier_id {
        return Err(PageError::NotFound("trang"));
    }
    let Some(blob) = page.image_blob.clone() else {
        return Err(PageError::NotYet("Trang này chưa xử lý xong: chưa có ảnh để xem.".into()));
    };
    let bytes = state.blobs.read(&blob, page.sealed).await.map_err(|e| PageError::Unavailable(e.to_string()))?;
    let agency = state.config.organisation.clone();
    let image = crate::respond::blocking(move || {
        kho_digitize::pipeline::reading_page(&bytes, 1400, &agency).ok_or("ảnh trang không đọc được".to_string())
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::CONTENT_DISPOSITION, "inline"),
            (header::HeaderName::from_static("x-content-type-options"), "nosniff"),
        ],
        image,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CopyQuery {
    /// Which signed PDF/A of the hồ sơ (a hồ sơ split by văn bản has several); the first if none.
    tep: Option<i64>,
}

/// The copy the phiếu asked for: uncertified ("BẢN SAO") or certified (signed by the archive).
/// Logged with its size and SHA-256.
async fn copy(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, dossier_id)): Path<(i64, i64)>,
    Query(q): Query<CopyQuery>,
) -> Result<Response, PageError> {
    let (request, item, _) = granted(&state, &ctx, id, dossier_id).await?;
    if !matches!(request.output, Output::Copy | Output::CertifiedCopy) {
        return Err(PageError::NotFound("bản sao trong phiếu này"));
    }
    let renditions = state.store.renditions(dossier_id).await?;
    let Some(rendition) = (match q.tep {
        Some(tep) => renditions.iter().find(|r| r.id == tep),
        None => renditions.first(),
    }) else {
        return Err(PageError::NotYet(format!("Hồ sơ {} chưa được số hóa: chưa có bản để sao.", item.file_code)));
    };
    // Re-hashed as it is read, as every download of a signed copy is: a damaged file is not copied.
    let original = state.blobs.get(&rendition.blob, false, &rendition.sha256).await.map_err(|e| PageError::Unavailable(e.to_string()))?;
    let certified = request.output == Output::CertifiedCopy;
    let signer = match (certified, &state.config.signer) {
        (true, None) => {
            return Err(PageError::NotYet(
                "Chưa cấu hình khóa ký số của cơ quan (--sign-p12 hoặc --sign-pkcs11-module): chưa cấp được bản sao có xác thực.".into(),
            ));
        }
        (_, signer) => signer.clone(),
    };
    let organisation = state.config.organisation.clone();
    let at = chrono::Utc::now().with_timezone(&crate::reports::vietnam()).fixed_offset();
    let pdf = crate::respond::blocking(move || match signer {
        Some(signer) if certified => {
            kho_digitize::copy::certified(&original, signer.0.as_ref(), &organisation, at).map_err(|e| e.to_string())
        }
        _ => kho_digitize::copy::uncertified(&original).map_err(|e| e.to_string()),
    })
    .await?;
    let sha256 = kho_blobs::sha256_hex(&pdf);
    let mut event = ctx.event("access.deliver", "access_request", Some(id), "ok");
    event.detail = Some(format!("{}: {}", request.output.label(), rendition.file_name));
    state.store.audited(event).record_delivery(id, dossier_id, request.output, &ctx.actor.name, pdf.len() as i64, &sha256).await?;
    let stem = rendition.file_name.trim_end_matches(".pdf");
    let name = if certified { format!("{stem}.ban-sao-xac-thuc.pdf") } else { format!("{stem}.ban-sao.pdf") };
    Ok(crate::respond::stored_file(pdf, "application/pdf", &name))
}

/// The gói khai thác (DIP) the phiếu asked for, carrying the phiếu, and in `documentation/` the
/// authentication sheet of TT 05/2025 Điều 42 signed by the archive: a bản sao có xác thực dạng
/// DIP. Without the archive's key none is issued.
async fn package(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, dossier_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (request, item, dossier) = granted(&state, &ctx, id, dossier_id).await?;
    if request.output != Output::Package {
        return Err(PageError::NotFound("gói khai thác trong phiếu này"));
    }
    let Some(signer) = state.config.signer.clone() else {
        return Err(PageError::NotYet(
            "Chưa cấu hình khóa ký số của cơ quan (--sign-p12 hoặc --sign-pkcs11-module): chưa cấp được gói khai thác có xác thực.".into(),
        ));
    };
    let now = chrono::Utc::now().with_timezone(&crate::reports::vietnam());
    let submitted = vn::moment(&request.submitted_at);
    let asked_on = submitted.split(' ').next().unwrap_or_default().to_string();
    let today = now.format("%d/%m/%Y").to_string();
    let dip = kho_packages::Request::checked(
        &format!("{id}/PYCKT"),
        &asked_on,
        request.purpose.code(),
        &request.topic,
        &request.fee_category,
        &request.topic,
        &today,
    )
    .map_err(|problems| PageError::Internal(problems.join(" ")))?;
    let issuer = crate::respond::keeping_archive(&state).await?;
    let province = state.store.plan().await?.map(|p| p.plan.meta.province).unwrap_or_else(|| "……".into());
    let code = format!("{id}.{dossier_id}.{}", &kho_packages::new_uuid()[..8]);
    let sheet = kho_documents::official::DipAuthentication {
        code: code.clone(),
        archive: issuer.name.clone(),
        recipient: request.reader_name.clone(),
        recipient_id: request.identity_no.clone(),
        original_code: item.file_code.clone(),
        notation: dossier.fields.file_code.notation().to_string(),
        type_name: "Hồ sơ".into(),
        summary: dossier.fields.title.clone(),
        purpose: format!("{} — {}", request.purpose.label(), request.topic),
        issued: today.clone(),
        valid_until: item.expires_at.as_deref().map(vn::moment).unwrap_or_default(),
        copies: 1,
    };
    let place_and_date = format!("{province}, ngày {} tháng {} năm {}", now.format("%d"), now.format("%m"), now.format("%Y"));
    let paper = kho_documents::official::dip_authentication(&sheet, &issuer, place_and_date);
    let organisation = state.config.organisation.clone();
    let at = now.fixed_offset();
    let signed = crate::respond::blocking(move || {
        let pdf = kho_documents::official::to_pdf(&paper)?;
        kho_digitize::sign::sign_as(
            &pdf,
            signer.0.as_ref(),
            &organisation,
            &kho_digitize::sign::Mark::dip_authentication(&organisation, at),
            at,
        )
        .map_err(|e| e.to_string())
    })
    .await?;
    let sha256 = kho_blobs::sha256_hex(&signed);
    state.store.record_delivery(id, dossier_id, Output::Package, &ctx.actor.name, signed.len() as i64, &sha256).await?;
    let mut event = ctx.event("access.deliver", "access_request", Some(id), "ok");
    event.detail = Some(format!("{}: {}, mã xác thực {code}", Output::Package.label(), item.file_code));
    let documentation = vec![("GiayXacThuc.pdf".to_string(), "application/pdf".to_string(), signed)];
    crate::digitization::package_file(&state, &dossier, kho_packages::Kind::Dip(dip), documentation, event).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    nam: Option<String>,
}

const STATISTICS_COLUMNS: [&str; 12] = [
    "Tháng",
    "Phiếu yêu cầu",
    "Người khai thác",
    "Lượt hồ sơ yêu cầu",
    "Cá nhân",
    "Công vụ",
    "Công vụ đặc biệt",
    "Hồ sơ được duyệt",
    "Hồ sơ bị từ chối",
    "Lượt xem bản đọc",
    "Bản sao",
    "Bản sao có xác thực, gói DIP",
];

async fn statistics_rows(state: &AppState, ctx: &Ctx, year: i32) -> Result<Vec<Vec<String>>, PageError> {
    let figures = state.store.access_statistics(&ctx.actor.visibility(), year).await?;
    let n = vn::integer;
    let row = |label: String, m: &kho_store::AccessMonth| {
        vec![
            label,
            n(m.requests),
            n(m.readers),
            n(m.dossiers_asked),
            n(m.by_purpose[0]),
            n(m.by_purpose[1]),
            n(m.by_purpose[2]),
            n(m.granted),
            n(m.refused),
            n(m.delivered[0]),
            n(m.delivered[1]),
            n(m.delivered[2] + m.delivered[3]),
        ]
    };
    let mut rows: Vec<Vec<String>> =
        figures.months.iter().map(|m| row(m.month.get(5..).map(|mm| format!("{mm}/{year}")).unwrap_or_default(), m)).collect();
    rows.push(row("Cả năm".into(), &figures.year));
    Ok(rows)
}

fn year_of(q: &YearQuery) -> Result<i32, PageError> {
    match q.nam.as_deref().map(str::trim) {
        None | Some("") => Ok(chrono::Datelike::year(&crate::reports::today())),
        Some(typed) => match typed.parse::<i32>() {
            Ok(year) if (2000..=2100).contains(&year) => Ok(year),
            _ => Err(PageError::NotFound("năm thống kê (ghi năm như 2026)")),
        },
    }
}

/// The reading room by month: phiếu, readers, hồ sơ asked for by purpose, decisions, deliveries.
async fn statistics(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    if !crate::pages::sees_work(&ctx) {
        return Err(PageError::Forbidden);
    }
    let year = year_of(&q)?;
    let rows = statistics_rows(&state, &ctx, year).await?;
    let title = format!("Thống kê khai thác năm {year}");
    Page::new("khai_thac_thong_ke.html", "khai-thac", title.clone()).crumbs(vec![crumb("Khai thác", "/khai-thac"), here(title)]).render(
        &state,
        Some(&ctx),
        context! { year, columns => STATISTICS_COLUMNS, rows },
    )
}

async fn statistics_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<YearQuery>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    if !crate::pages::sees_work(&ctx) {
        return Err(PageError::Forbidden);
    }
    let year = year_of(&q)?;
    let rows = statistics_rows(&state, &ctx, year).await?;
    let widths = [0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.8, 1.2];
    let columns: Vec<(&str, f32)> = STATISTICS_COLUMNS.iter().copied().zip(widths).collect();
    let numeric: Vec<usize> = (1..12).collect();
    let title = format!("THỐNG KÊ KHAI THÁC TÀI LIỆU LƯU TRỮ NĂM {year}");
    crate::respond::list_file(&state, &title, &columns, &numeric, rows, format, &format!("thong-ke-khai-thac-{year}")).await
}

// ---- the same path as JSON, for the province's other systems ----

/// `/api/v1` routes of khai thác: the phiếu, the Lãnh đạo's decisions, the copies and the gói khai
/// thác, the reading room by month — the same checks, scope and log as the pages, through the
/// same functions. The bản đọc is read in the browser only (TT 05/2025): it has no API.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/access-requests", get(api_list).post(api_submit))
        .route("/access-requests/{id}", get(api_show))
        .route("/access-requests/{id}/decisions", post(api_decide))
        .route("/access-requests/{id}/dossiers/{dossier}/copy", get(api_copy))
        .route("/access-requests/{id}/dossiers/{dossier}/package", get(api_package))
        .route("/access-statistics", get(api_statistics))
}

/// A phiếu yêu cầu khai thác, as its reader files it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "readerName": "Lò Thị Xuân", "identityNo": "011190004321", "organisation": "", "purpose": "01", "feeCategory": "",
    "topic": "Lịch sử giao đất bản Co Mận", "output": "ban_sao", "days": 15, "codes": ["H47.01.X27.2019.01.15"]
}))]
pub(crate) struct AccessRequestInput {
    /// Họ và tên người khai thác.
    reader_name: String,
    /// Cơ quan, tổ chức; bắt buộc khi mục đích là 02 hoặc 03.
    #[serde(default)]
    organisation: String,
    /// Số định danh cá nhân (căn cước, hộ chiếu).
    identity_no: String,
    /// Mục đích: 01 Cá nhân, 02 Công vụ, 03 Công vụ đặc biệt.
    purpose: String,
    /// Đối tượng thu phí 01–10, hoặc để trống.
    #[serde(default)]
    fee_category: String,
    /// Nội dung, đề tài nghiên cứu.
    topic: String,
    /// ban_doc, ban_sao, ban_sao_xac_thuc hoặc goi_khai_thac.
    output: String,
    /// Số ngày khai thác, 1–15; 15 khi không ghi.
    days: Option<u32>,
    /// Mã hồ sơ cần khai thác, tối đa 50.
    codes: Vec<String>,
}

/// Files a phiếu for the reader signed in. A mã hồ sơ closed, classified or absent is refused in
/// the same words; nothing is filed while any field or code is refused.
#[utoipa::path(post, path = "/api/v1/access-requests", tag = "Khai thác", request_body = AccessRequestInput, responses(
    (status = 201, description = "Đã ghi phiếu; Location là địa chỉ của phiếu", example = json!({ "id": 12 })),
    (status = 422, description = "Từng trường hoặc mã hồ sơ bị từ chối, vì sao", body = ApiErrorBody),
    (status = 403, description = "Vai trò không được yêu cầu khai thác", body = ApiErrorBody)))]
pub(crate) async fn api_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<AccessRequestInput>,
) -> Result<Response, ApiError> {
    let fields = RequestFields {
        ho_ten: input.reader_name,
        co_quan: input.organisation,
        so_dinh_danh: input.identity_no,
        muc_dich: input.purpose,
        doi_tuong: input.fee_category,
        de_tai: input.topic,
        hinh_thuc: input.output,
        so_ngay: input.days.map(|d| d.to_string()).unwrap_or_default(),
        ma_ho_so: input.codes.join("\n"),
    };
    match file_request(&state, &ctx, &fields).await? {
        Ok(id) => {
            Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/access-requests/{id}"))], Json(json!({ "id": id })))
                .into_response())
        }
        Err(errors) => Err(ApiError::invalid(kho_model::Invalid { errors })),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ListParams {
    /// mine (phiếu của người gọi), waiting (chờ Lãnh đạo duyệt) hoặc visible (mọi phiếu hỏi hồ sơ người
    /// gọi được xem); mặc định mine cho người được yêu cầu khai thác, visible cho cán bộ lưu trữ.
    list: Option<String>,
    /// Trang sau: phiếu trước id này (`next` của trang trước).
    before: Option<i64>,
}

/// Phiếu a page at a time, newest first: the caller's own, those waiting on a Lãnh đạo, or every
/// phiếu asking for what the caller may see.
#[utoipa::path(get, path = "/api/v1/access-requests", tag = "Khai thác", params(ListParams), responses(
    (status = 200, description = "total, next, entries: id, readerName, organisation, purpose, output, submittedAt, dossiers, pending, granted, refused"),
    (status = 403, body = ApiErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListParams>,
) -> Result<Response, ApiError> {
    let permissions = Permissions::shipped();
    let visibility = ctx.actor.visibility();
    let mine = ctx.actor.user_id.filter(|_| permissions.allows(ctx.actor.role, Action::AccessRequest)).map(AccessFilter::Reader);
    let waiting = permissions.allows(ctx.actor.role, Action::AccessApprove).then_some(AccessFilter::Pending(&visibility));
    let visible = crate::pages::sees_work(&ctx).then_some(AccessFilter::Visible(&visibility));
    let filter = match q.list.as_deref() {
        Some("mine") => mine.ok_or(PageError::Forbidden)?,
        Some("waiting") => waiting.ok_or(PageError::Forbidden)?,
        Some("visible") => visible.ok_or(PageError::Forbidden)?,
        Some(_) => return Err(ApiError::refused("invalid", "list: mine, waiting hoặc visible.")),
        None => match mine.or(visible) {
            Some(filter) => filter,
            None => return Ok(Json(json!({ "total": 0, "next": null, "entries": [] })).into_response()),
        },
    };
    let (lines, total) = state.store.access_requests(&filter, q.before, LISTED).await?;
    let next = (lines.len() as i64 == LISTED).then(|| lines.last().map(|l| l.id)).flatten();
    let entries: Vec<_> = lines
        .iter()
        .map(|l| {
            json!({
                "id": l.id, "readerName": l.reader_name, "organisation": l.organisation,
                "purpose": l.purpose.code(), "output": l.output.code(), "submittedAt": l.submitted_at,
                "dossiers": l.dossiers, "pending": l.pending, "granted": l.granted, "refused": l.refused,
            })
        })
        .collect();
    Ok(Json(json!({ "total": total, "next": next, "entries": entries })).into_response())
}

/// A phiếu as the caller may see it: its reader sees it whole; staff see the hồ sơ they may see
/// whole, and anyone else finds nothing.
#[utoipa::path(get, path = "/api/v1/access-requests/{id}", tag = "Khai thác", params(("id" = i64, Path)), responses(
    (status = 200, description = "Phiếu: người khai thác, mục đích, hình thức, số ngày; items (dossierId, fileCode, title, state, reason, decidedBy, decidedAt, expiresAt, open); deliveries"),
    (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (request, viewer) = phieu_for(&state, &ctx, id).await?;
    let now = now_utc();
    let items: Vec<_> = request
        .items
        .iter()
        .map(|i| {
            json!({
                "dossierId": i.dossier_id, "fileCode": i.file_code, "title": i.title, "state": i.state.code(),
                "reason": i.reason, "decidedBy": i.decided_by, "decidedAt": i.decided_at, "expiresAt": i.expires_at,
                "open": viewer.owner && i.open_at(&now),
            })
        })
        .collect();
    let deliveries: Vec<_> = shown_deliveries(&state, &ctx, &viewer, &request)
        .await?
        .iter()
        .map(|d| json!({ "dossierId": d.dossier_id, "fileCode": d.file_code, "output": d.output.code(), "to": d.delivered_to, "bytes": d.bytes, "sha256": d.sha256, "at": d.delivered_at }))
        .collect();
    Ok(Json(json!({
        "id": request.id, "readerName": request.reader_name, "organisation": request.organisation, "identityNo": request.identity_no,
        "purpose": request.purpose.code(), "feeCategory": request.fee_category, "topic": request.topic, "output": request.output.code(),
        "days": request.days, "submittedAt": request.submitted_at, "items": items, "deliveries": deliveries,
    }))
    .into_response())
}

/// A Lãnh đạo's decision on one hồ sơ of a phiếu.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({ "dossierId": 42, "decision": "refuse", "reason": "Hồ sơ đang được chỉnh lý lại" }))]
pub(crate) struct DecisionInput {
    dossier_id: i64,
    /// grant hoặc refuse.
    decision: String,
    /// Lý do, bắt buộc khi refuse; tối đa 1000 ký tự.
    #[serde(default)]
    reason: String,
}

/// Grants or refuses one hồ sơ of a phiếu (a Lãnh đạo who may see it whole), once.
#[utoipa::path(post, path = "/api/v1/access-requests/{id}/decisions", tag = "Khai thác", params(("id" = i64, Path)), request_body = DecisionInput, responses(
    (status = 200, description = "Đã ghi quyết định", example = json!({ "id": 12, "dossierId": 42 })),
    (status = 409, description = "Hồ sơ đã được quyết định", body = ApiErrorBody),
    (status = 422, description = "Thiếu lý do hoặc quyết định không hợp lệ", body = ApiErrorBody),
    (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_decide(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(input): crate::api::Body<DecisionInput>,
) -> Result<Response, ApiError> {
    let quyet_dinh = match input.decision.as_str() {
        "grant" => "dong_y",
        "refuse" => "tu_choi",
        other => other,
    };
    let decision = Decision { ho_so: input.dossier_id.to_string(), quyet_dinh: quyet_dinh.into(), ly_do: input.reason };
    match decide_one(&state, &ctx, id, &decision).await? {
        Ok(()) => Ok(Json(json!({ "id": id, "dossierId": input.dossier_id })).into_response()),
        Err(message) => Err(ApiError::refused("invalid", message)),
    }
}

/// The copy the phiếu asked for, as the page gives it: uncertified ("BẢN SAO") or certified
/// (signed by the archive); logged with its size and SHA-256.
#[utoipa::path(get, path = "/api/v1/access-requests/{id}/dossiers/{dossier}/copy", tag = "Khai thác",
    params(("id" = i64, Path), ("dossier" = i64, Path), ("tep" = Option<i64>, Query, description = "Bản PDF/A nào của hồ sơ; bản đầu khi không ghi")),
    responses((status = 200, description = "Bản sao PDF/A", content_type = "application/pdf"),
        (status = 409, description = "Chưa số hóa, hoặc chưa có khóa ký của cơ quan", body = ApiErrorBody),
        (status = 410, description = "Hết thời hạn khai thác", body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_copy(
    state: State<AppState>,
    ctx: Extension<Ctx>,
    path: Path<(i64, i64)>,
    query: Query<CopyQuery>,
) -> Result<Response, ApiError> {
    Ok(copy(state, ctx, path, query).await?)
}

/// The gói khai thác (DIP) the phiếu asked for, with its authentication sheet signed by the
/// archive (TT 05/2025 Điều 42).
#[utoipa::path(get, path = "/api/v1/access-requests/{id}/dossiers/{dossier}/package", tag = "Khai thác",
    params(("id" = i64, Path), ("dossier" = i64, Path)),
    responses((status = 200, description = "Gói DIP (ZIP)", content_type = "application/zip"),
        (status = 409, description = "Chưa có khóa ký của cơ quan", body = ApiErrorBody),
        (status = 410, description = "Hết thời hạn khai thác", body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_package(state: State<AppState>, ctx: Extension<Ctx>, path: Path<(i64, i64)>) -> Result<Response, ApiError> {
    Ok(package(state, ctx, path).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct YearParams {
    /// Năm thống kê; năm nay khi không ghi.
    year: Option<i32>,
}

/// The reading room by month, over the hồ sơ the caller may see.
#[utoipa::path(get, path = "/api/v1/access-statistics", tag = "Khai thác", params(YearParams), responses(
    (status = 200, description = "year; months and whole (the year, each reader once): month, requests, readers, dossiersAsked, byPurpose (01, 02, 03), granted, refused, delivered (ban_doc, ban_sao, ban_sao_xac_thuc, goi_khai_thac)"),
    (status = 403, body = ApiErrorBody)))]
pub(crate) async fn api_statistics(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<YearParams>,
) -> Result<Response, ApiError> {
    if !crate::pages::sees_work(&ctx) {
        return Err(PageError::Forbidden.into());
    }
    let year = year_of(&YearQuery { nam: q.year.map(|y| y.to_string()) })?;
    let figures = state.store.access_statistics(&ctx.actor.visibility(), year).await?;
    let by = |values: &[i64], codes: &[&str]| -> serde_json::Value {
        codes.iter().zip(values).map(|(code, n)| (code.to_string(), json!(n))).collect::<serde_json::Map<_, _>>().into()
    };
    let purposes: Vec<&str> = Purpose::ALL.iter().map(|p| p.code()).collect();
    let outputs: Vec<&str> = Output::ALL.iter().map(|o| o.code()).collect();
    let figures_of = |m: &kho_store::AccessMonth| {
        json!({
            "month": m.month, "requests": m.requests, "readers": m.readers, "dossiersAsked": m.dossiers_asked,
            "byPurpose": by(&m.by_purpose, &purposes), "granted": m.granted, "refused": m.refused,
            "delivered": by(&m.delivered, &outputs),
        })
    };
    let months: Vec<_> = figures.months.iter().map(figures_of).collect();
    Ok(Json(json!({ "year": year, "months": months, "whole": figures_of(&figures.year) })).into_response())
}
