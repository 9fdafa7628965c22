//! Số hóa in the browser: lô số hóa and their queue in the plan's order (with why, and the
//! operator's changes), scans uploaded from the browser (each file checked and stored whole, a
//! progress bar per file), live progress, the re-scan queue with its reasons, failed jobs with
//! theirs, and each hồ sơ's PDF/A to download.

use crate::AppState;
use crate::attachments::Part;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::records::{self, Refused};
use axum::Extension;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post, put};
use kho_digitize::ingest::{self, BatchCodes, IngestError, Taken};
use kho_model::access::{Action, Resource, authorize};
use kho_model::digitization::OriginalKind;
use minijinja::{Value, context};
use serde::Deserialize;

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/so-hoa", get(list).post(create))
        .route("/so-hoa/moi", get(new))
        .route("/so-hoa/danh-sach.xlsx", get(|s, c| list_file(s, c, crate::respond::PaperFormat::Xlsx)))
        .route("/so-hoa/danh-sach.csv", get(|s, c| list_file(s, c, crate::respond::PaperFormat::Csv)))
        .route("/so-hoa/{id}", get(show))
        .route("/so-hoa/{id}/tien-do", get(progress))
        .route("/so-hoa/{id}/uu-tien", post(priority))
        .route("/so-hoa/{id}/khai-thac", post(frequent_use))
        .route("/so-hoa/{id}/lam-lai", post(retry))
        .route("/so-hoa/{id}/tep", post(upload).layer(DefaultBodyLimit::max(max_upload)))
        .route("/so-hoa/{id}/tai-len", get(piece_status).put(piece_put))
        .route("/ban-so-hoa/{id}", get(download))
        .route("/ho-so/{id}/goi-luu-tru.zip", get(package))
        .route("/ho-so/{id}/goi-khai-thac", get(dip_form))
}

#[derive(serde::Deserialize, serde::Serialize, Default)]
#[serde(default)]
struct PackageQuery {
    /// `sip` for the gói nộp lưu, `dip` for the gói khai thác answering a reader's request; the
    /// AIP otherwise.
    loai: Option<String>,
    /// The request a DIP answers: số phiếu, ngày, mục đích (01–03) and its content, đối tượng
    /// thu phí (01–10), đề tài.
    so_phieu: String,
    ngay: String,
    muc_dich: String,
    noi_dung: String,
    doi_tuong: String,
    de_tai: String,
}

/// The form of a DIP's request, for a hồ sơ one may package (`/ho-so/{id}/goi-khai-thac`).
async fn dip_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    records::whole_dossier_for(&state, &ctx, Action::PlanView, id).await?;
    render_dip_form(&state, &ctx, id, &PackageQuery::default(), vec![], StatusCode::OK).await
}

async fn render_dip_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    query: &PackageQuery,
    problems: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let dossier = state.store.dossier(id).await?;
    let values = context! {
        id, code => dossier.fields.file_code.to_string(), title => dossier.fields.title.clone(), form => Value::from(minijinja::value::Serde(query)), problems,
        today => crate::reports::today().format("%d/%m/%Y").to_string(),
    };
    crate::pages::Page::new("dip_form.html", "so-hoa", "Gói khai thác (DIP)")
        .crumbs(vec![crate::pages::crumb("Hồ sơ", format!("/ho-so/{id}")), crate::pages::here("Gói khai thác")])
        .status(status)
        .render(state, Some(ctx), values)
}

/// A package (TT 05/2025) of a digitized hồ sơ — the gói lưu trữ (AIP), or with `?loai=sip` the
/// gói nộp lưu to hand over — for whoever may see all of it; a hồ sơ holding anything classified
/// is not handed out as a file. Audited.
async fn package(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(query): Query<PackageQuery>,
) -> Result<Response, PageError> {
    let (dossier, _) = records::whole_dossier_for(&state, &ctx, Action::PlanView, id).await?;
    let kind = match package_kind(&query) {
        Ok(kind) => kind,
        Err(Some(problems)) => return render_dip_form(&state, &ctx, id, &query, problems, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(None) => return Err(PageError::NotFound(UNKNOWN_PACKAGE)),
    };
    package_file(&state, &dossier, kind, vec![], ctx.event("package.export", "dossier", Some(id), "ok")).await
}

const UNKNOWN_PACKAGE: &str = "Không có loại gói này: chọn loai=sip (nộp lưu), aip (lưu trữ) hoặc dip (khai thác).";

/// The package a request asks for: the AIP when it names none, the SIP, or a DIP answering the
/// request it describes. `Err(Some)`: what is wrong with that request; `Err(None)`: no such kind.
fn package_kind(q: &PackageQuery) -> Result<kho_packages::Kind, Option<Vec<String>>> {
    match q.loai.as_deref().map(str::trim) {
        None | Some("" | "aip") => Ok(kho_packages::Kind::Aip),
        Some("sip") => Ok(kho_packages::Kind::Sip),
        Some("dip") => {
            let today = crate::reports::today().format("%d/%m/%Y").to_string();
            kho_packages::Request::checked(&q.so_phieu, &q.ngay, &q.muc_dich, &q.noi_dung, &q.doi_tuong, &q.de_tai, &today)
                .map(kho_packages::Kind::Dip)
                .map_err(Some)
        }
        Some(_) => Err(None),
    }
}

/// A hồ sơ's package with `documentation` beside its README, streamed as it is written, `event`
/// audited with the package's folder.
pub(crate) async fn package_file(
    state: &AppState,
    dossier: &kho_model::record::Dossier,
    kind: kho_packages::Kind,
    documentation: Vec<(String, String, Vec<u8>)>,
    mut event: kho_store::AuditEvent,
) -> Result<Response, PageError> {
    let id = dossier.id;
    let agency = state.config.organisation.clone();
    let aip = match kho_digitize::package::dossier_package(&state.store, dossier, &agency, kind).await {
        Ok(aip) => aip,
        Err(e @ (kho_digitize::package::PackageError::Classified(_) | kho_digitize::package::PackageError::NotDigitized(_))) => {
            return Err(PageError::NotYet(e.to_string()));
        }
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    let aip = kho_packages::DossierPackage { documentation, ..aip };
    let package = aip.build();
    event.detail = Some(format!("{} {}", aip.kind.code(), package.folder));
    state.store.audit(event).await?;
    // Streamed as it is written: the copies are read one at a time, so a hồ sơ of many
    // gigabytes costs what its largest copy costs.
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let data = kho_digitize::package::data_from((*state.blobs).clone(), tokio::runtime::Handle::current());
    let name = format!("{}.zip", package.folder);
    tokio::task::spawn_blocking(move || {
        let sending = std::io::BufWriter::with_capacity(1 << 16, Sending(sender.clone()));
        let written = package.zip_stream(sending, data).and_then(|w| w.into_inner().map_err(|e| e.into_error()));
        if let Err(e) = written {
            if sender.is_closed() {
                tracing::debug!(dossier = id, "tải gói: người nhận đã ngắt");
            } else {
                tracing::error!(dossier = id, error = %e, "tải gói dừng giữa chừng");
                let _ = sender.blocking_send(Err(e));
            }
        }
    });
    Ok(crate::respond::streamed_file(crate::respond::Streamed(receiver), "application/zip", &name))
}

/// Bytes written on a blocking thread, sent to a streamed response.
struct Sending(tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>);

impl std::io::Write for Sending {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(axum::body::Bytes::copy_from_slice(bytes)))
            .map_err(|_| std::io::Error::other("người nhận đã ngắt kết nối"))?;
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn render(state: &AppState, ctx: &Ctx, template: &str, title: &str, status: StatusCode, values: Value) -> Result<Response, PageError> {
    crate::pages::Page::new(template, "so-hoa", title).status(status).render(state, Some(ctx), values)
}

/// What the batch's signed copies weigh, in all and per page: "12,4 MB · 230 KB/trang".
fn size_label(bytes: i64, pages: i64) -> String {
    if pages == 0 {
        return "—".into();
    }
    let megabytes = format!("{:.1}", bytes as f64 / 1_048_576.0).replace('.', ",");
    format!("{megabytes} MB · {} KB/trang", bytes / pages / 1024)
}

fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { part * 100 / whole }
}

async fn progress_value(state: &AppState, ctx: &Ctx, batch: i64) -> Result<serde_json::Value, PageError> {
    let p = state.store.batch_progress(&ctx.actor.visibility(), batch).await?;
    let q = state.store.queue_counts(Some(batch)).await?;
    Ok(serde_json::json!({
        "dossiers": p.dossiers, "dossiersDone": p.dossiers_done, "files": p.files,
        "pages": p.pages, "pagesDone": p.pages_done, "pagesRescan": p.pages_rescan, "pagesWaiting": p.pages_waiting,
        "pagesWarned": p.pages_warned, "renditionPages": p.rendition_pages, "renditionBytes": p.rendition_bytes,
        "size": size_label(p.rendition_bytes, p.rendition_pages),
        "renditions": p.renditions, "jobsFailed": p.jobs_failed, "jobsQueued": q.queued, "jobsRunning": q.running,
        "percent": percent(p.pages_done, p.pages),
    }))
}

/// Batches a page shows; each costs its progress.
const BATCHES_SHOWN: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BatchListQuery {
    /// The last batch of the page before: this page holds older ones.
    truoc: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<BatchListQuery>,
) -> Result<Response, PageError> {
    let units: std::collections::HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let page = state.store.list_batches(&ctx.actor.visibility(), q.truoc, BATCHES_SHOWN).await?;
    let mut rows = vec![];
    for batch in page.batches {
        let progress = progress_value(&state, &ctx, batch.id).await?;
        rows.push(context! {
            id => batch.id, name => batch.name, unit => units.get(&batch.unit_id).cloned().unwrap_or_default(),
            kind => batch.original_kind.label(), created_at => batch.created_at, progress => Value::from(minijinja::value::Serde(&progress)),
        });
    }
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::Digitize);
    let (total, next, first) = (page.total, page.next, q.truoc.is_some());
    render(&state, &ctx, "so_hoa.html", "Số hóa", StatusCode::OK, context! { rows, may_edit, total, next, first })
}

/// The lô số hóa the person may see, with each one's progress as they may count it, as XLSX or CSV
/// for other systems.
async fn list_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    format: crate::respond::PaperFormat,
) -> Result<Response, PageError> {
    use kho_model::vn;
    let units: std::collections::HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let visibility = ctx.actor.visibility();
    let mut rows = vec![];
    // The whole list, as a file is: batches are a province's tens or hundreds, not its hồ sơ.
    for (n, batch) in state.store.list_batches(&visibility, None, i64::MAX).await?.batches.into_iter().enumerate() {
        let p = state.store.batch_progress(&visibility, batch.id).await?;
        rows.push(vec![
            vn::integer(n as i64 + 1),
            vn::integer(batch.id),
            batch.name,
            units.get(&batch.unit_id).cloned().unwrap_or_default(),
            batch.original_kind.label().to_string(),
            vn::moment(&batch.created_at),
            vn::integer(p.dossiers),
            vn::integer(p.pages),
            vn::integer(p.pages_done),
            vn::integer(p.pages_rescan),
            vn::integer(p.dossiers_done),
            vn::integer(p.rendition_pages),
        ]);
    }
    let columns = [
        ("STT", 0.4),
        ("Số lô", 0.5),
        ("Tên lô", 2.0),
        ("Đơn vị", 1.6),
        ("Loại tài liệu gốc", 1.2),
        ("Lập lúc", 1.1),
        ("Hồ sơ", 0.6),
        ("Trang", 0.7),
        ("Trang đã đọc", 0.8),
        ("Trang chờ quét lại", 0.8),
        ("Hồ sơ đã ký số", 0.8),
        ("Trang đã ký số", 0.8),
    ];
    let numeric = [0, 1, 6, 7, 8, 9, 10, 11];
    crate::respond::list_file(&state, "DANH SÁCH LÔ SỐ HÓA", &columns, &numeric, rows, format, "danh-sach-lo-so-hoa").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct NewBatch {
    name: String,
    fonds_id: String,
    original_kind: String,
}

async fn form(state: &AppState, ctx: &Ctx, input: &NewBatch, error: Option<String>) -> Result<Response, PageError> {
    // The fonds the person may digitize: their units' and, for a contractor, those assigned.
    let fonds: Vec<Value> = state
        .store
        .list_fonds(&ctx.actor.visibility())
        .await?
        .into_iter()
        .filter(|f| {
            let place = kho_model::access::FondsPlace { fonds_id: f.id, unit_id: f.fields.unit_id, custodian_unit_id: f.fields.custodian_unit_id };
            authorize(&ctx.actor, Action::Digitize, &Resource::Record { place, classification: f.fields.classification, mode: None }).is_allowed()
        })
        .map(|f| context! { id => f.id, label => format!("{} — {}", f.fields.code, f.fields.name), selected => f.id.to_string() == input.fonds_id })
        .collect();
    let kinds: Vec<Value> = OriginalKind::ALL
        .iter()
        .map(|k| context! { code => k.code(), label => k.label(), min_dpi => k.min_dpi(), selected => k.code() == input.original_kind })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(state, ctx, "so_hoa_moi.html", "Lập lô số hóa", status, context! { fonds, kinds, name => input.name.clone(), error })
}

async fn new(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    form(&state, &ctx, &NewBatch { original_kind: "text".into(), ..Default::default() }, None).await
}

async fn create(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Form(input): Form<NewBatch>) -> Result<Response, PageError> {
    match make_batch(&state, &ctx, &input).await? {
        Ok(batch) => Ok(Redirect::to(&format!("/so-hoa/{batch}")).into_response()),
        Err(message) => form(&state, &ctx, &input, Some(message)).await,
    }
}

/// A batch of the hồ sơ of a fonds not yet in one (nor destroyed or proposed for destruction), in
/// the plan's order: its id, or why not in words a clerk can act on. The page and the API both
/// make batches here.
async fn make_batch(state: &AppState, ctx: &Ctx, input: &NewBatch) -> Result<Result<i64, String>, PageError> {
    let name = kho_model::text::clean(&input.name);
    let Some(kind) = OriginalKind::from_code(&input.original_kind) else {
        return Ok(Err(format!("Chọn loại tài liệu gốc: {}.", OriginalKind::choices())));
    };
    if name.is_empty() {
        return Ok(Err("Đặt tên cho lô số hóa, ví dụ “Lô 1 — UBND xã Mường Ảng, 2015–2025”.".into()));
    }
    let Ok(fonds_id) = input.fonds_id.trim().parse::<i64>() else {
        return Ok(Err("Chọn phông có các hồ sơ cần số hóa.".into()));
    };
    let fonds = match records::fonds_for(state, ctx, Action::Digitize, fonds_id).await {
        Ok(f) => f,
        Err(Refused::NotFound(_)) => return Ok(Err("Phông không có hoặc ngoài phạm vi của bạn.".into())),
        Err(e) => return Err(e.into()),
    };
    let ids = state.store.fonds_dossiers_to_digitize(fonds.id).await?;
    if ids.is_empty() {
        return Ok(Err(format!(
            "Phông {} không còn hồ sơ nào chờ số hóa: mọi hồ sơ đã thuộc một lô số hóa, hoặc đã hủy hay đang xét hủy.",
            fonds.fields.code
        )));
    }
    let batch = state.store.create_batch(fonds.fields.unit_id, &name, kind, &ctx.actor.name).await?;
    match ingest::add_to_batch(&state.store, batch, &ids).await {
        Ok(()) => {}
        Err(kho_store::StoreError::Conflict(e)) => return Ok(Err(e.message)),
        Err(e) => return Err(e.into()),
    }
    let mut event = ctx.event("digitize.batch.create", "batch", Some(batch), "ok");
    event.detail = Some(format!("phông {}; {} hồ sơ", fonds.fields.code, ids.len()));
    state.store.audit(event).await?;
    Ok(Ok(batch))
}

/// The first pages of a batch QC flagged one way, each with its hồ sơ, file and reasons.
async fn flagged(
    state: &AppState,
    visibility: &kho_model::access::Visibility,
    batch: i64,
    flag: kho_store::PageFlag,
) -> Result<Vec<Value>, PageError> {
    let mut shown = vec![];
    for page in state.store.flagged_pages(visibility, batch, flag, PROBLEMS_SHOWN).await? {
        let code = state.store.dossier(page.dossier_id).await?.fields.file_code.to_string();
        let reasons = match flag {
            kho_store::PageFlag::Rescan => problems(page.problems.as_deref()),
            kho_store::PageFlag::Warned => problems(page.warnings.as_deref()),
        };
        shown.push(context! { id => page.id, code, file => page.file_name.clone(), page => page.page_no, problems => reasons });
    }
    Ok(shown)
}

/// The messages of a page's problems or warnings, as stored (JSON).
pub(crate) fn problems(json: Option<&str>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str::<Vec<kho_digitize::checks::Problem>>(j).ok())
        .map(|ps| ps.into_iter().map(|p| p.message).collect())
        .unwrap_or_default()
}

/// Hồ sơ of a batch shown at once; the rest a "Trang sau" away.
const QUEUE_PAGE: i64 = 100;
/// Pages to re-scan and failed work shown at once, with how many there are.
const PROBLEMS_SHOWN: i64 = 50;

async fn render_batch(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    after: Option<(i64, i64)>,
    results: Option<Vec<Value>>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let batch = records::batch_for(state, ctx, Action::PlanView, id).await?;
    let unit = state.store.unit(batch.unit_id).await?.name;
    let progress = progress_value(state, ctx, id).await?;
    let visibility = ctx.actor.visibility();
    // Where the page starts is carried in its address (`tu`): counting what comes before would
    // read the whole batch.
    let before = after.map(|(_, from)| from.max(1) - 1).unwrap_or(0);
    let known = progress.get("dossiers").and_then(|d| d.as_i64());
    let page = state.store.batch_queue(&visibility, id, after.map(|(dossier, _)| dossier), QUEUE_PAGE, known).await?;
    let queue: Vec<Value> = page
        .entries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            context! {
                place => before as usize + i + 1, dossier_id => q.dossier_id, code => q.file_code.clone(), title => q.title.clone(),
                rank => q.effective_rank(), reason => q.override_reason.clone().unwrap_or_else(|| q.reason.clone()),
                computed => q.reason.clone(), overridden => q.override_rank.is_some(), by => q.override_by.clone(),
                frequent_use => q.frequent_use,
                pages => q.pages, pages_done => q.pages_done, pages_rescan => q.pages_rescan, renditions => q.renditions,
            }
        })
        .collect();
    let shown = context! {
        from => before + 1, to => before + page.entries.len() as i64, total => page.total, next => page.next, first => after.is_some(),
    };
    // How many there are is the progress's own count, from the tallies.
    let count = |key: &str| progress.get(key).and_then(|v| v.as_i64()).unwrap_or(0);
    let (rescan_total, warned_total) = (count("pagesRescan"), count("pagesWarned"));
    let rescan = if rescan_total > 0 { flagged(state, &visibility, id, kho_store::PageFlag::Rescan).await? } else { vec![] };
    let warned = if warned_total > 0 { flagged(state, &visibility, id, kho_store::PageFlag::Warned).await? } else { vec![] };
    let (jobs, failed_total) = state.store.failed_jobs(&visibility, id, PROBLEMS_SHOWN).await?;
    let mut failed = vec![];
    for (kind, subject, error) in jobs {
        let what = match kind {
            kho_store::JobKind::Page => {
                let page = state.store.scan_page(subject).await?;
                format!("Trang {} của “{}”", page.page_no, page.file_name)
            }
            kho_store::JobKind::Assemble => format!("Hồ sơ {}", state.store.dossier(subject).await?.fields.file_code),
        };
        failed.push(context! { what, error });
    }
    // A contractor's staff hold the batch's fonds, not its unit: the same decision as the upload's.
    let may_edit = records::batch_decision(state, ctx, Action::Digitize, &batch).await? == kho_model::access::Decision::Allow;
    let reasons: Vec<Value> =
        kho_model::digitization::priorities().iter().map(|p| context! { rank => p.rank, label => p.reason }).collect();
    render(
        state,
        ctx,
        "so_hoa_lo.html",
        &format!("Lô số hóa: {}", batch.name),
        status,
        context! {
            id, name => batch.name.clone(), unit, kind => batch.original_kind.label(), min_dpi => batch.original_kind.min_dpi(),
            colour => batch.original_kind.needs_colour(), created_by => batch.created_by.clone(), created_at => batch.created_at.clone(),
            progress => Value::from(minijinja::value::Serde(&progress)), queue, shown, rescan, rescan_total, warned, warned_total,
            failed, failed_total,
            may_edit, results, reasons,
            csrf_query => ctx.csrf.as_deref().map(crate::auth::urlencode),
        },
    )
}

#[derive(Deserialize)]
struct QueueQuery {
    /// The last hồ sơ of the previous page.
    sau: Option<i64>,
    /// The place of this page's first hồ sơ, for showing it.
    tu: Option<i64>,
}

async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    render_batch(&state, &ctx, id, q.sau.map(|after| (after, q.tu.unwrap_or(1))), None, StatusCode::OK).await
}

/// Where the batch stands, for the page's live progress.
async fn progress(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    records::batch_for(&state, &ctx, Action::PlanView, id).await?;
    let value = progress_value(&state, &ctx, id).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(value)).into_response())
}

/// The batch's page again, with why the operator's change was refused.
async fn refuse(state: &AppState, ctx: &Ctx, id: i64, why: &str) -> Result<Response, PageError> {
    render_batch(state, ctx, id, None, Some(vec![context! { refused => why }]), StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriorityForm {
    dossier_id: i64,
    #[serde(default)]
    rank: String,
    #[serde(default)]
    reason: String,
}

async fn priority(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<PriorityForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    // Authorise before reading the form.
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let Ok(Form(form)) = form else {
        return refuse(&state, &ctx, id, "Chọn hồ sơ cần đổi thứ tự.").await;
    };
    let rank = match form.rank.trim() {
        "" => None,
        rank => match rank.parse::<i64>() {
            Ok(rank) => Some(rank),
            Err(_) => return refuse(&state, &ctx, id, RANK_RANGE).await,
        },
    };
    match reprioritise(&state, &ctx, id, form.dossier_id, rank, &form.reason).await? {
        Ok(()) => Ok(Redirect::to(&format!("/so-hoa/{id}")).into_response()),
        Err(why) => refuse(&state, &ctx, id, why).await,
    }
}

const RANK_RANGE: &str = "Thứ tự ưu tiên phải là số từ 0 đến 9.";

/// Gives a hồ sơ of batch `id` its own rank (0–9, with the reason) or, with none, returns it to
/// the plan's order; its queued jobs move with it. The caller has authorised `Digitize` on the
/// batch; `Err` says why the change was refused.
async fn reprioritise(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    dossier: i64,
    rank: Option<i64>,
    reason: &str,
) -> Result<Result<(), &'static str>, PageError> {
    records::dossier_for(state, ctx, Action::CatalogueView, dossier).await?;
    let reason = kho_model::text::clean(reason);
    let over = match rank {
        None => None,
        Some(rank) if !(0..=9).contains(&rank) => return Ok(Err(RANK_RANGE)),
        Some(_) if reason.is_empty() => return Ok(Err("Ghi lý do đổi thứ tự ưu tiên.")),
        Some(rank) => Some((rank, reason.as_str())),
    };
    state.store.set_priority(id, dossier, over, &ctx.actor.name).await?;
    let mut event = ctx.event("digitize.priority", "dossier", Some(dossier), "ok");
    event.detail = Some(match over {
        Some((rank, reason)) => format!("lô {id}; ưu tiên {rank}: {reason}"),
        None => format!("lô {id}; trở lại thứ tự theo kế hoạch"),
    });
    state.store.audit(event).await?;
    Ok(Ok(()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FrequentUseForm {
    dossier_id: i64,
    /// "1" to mark, anything else (or absent) to clear.
    #[serde(default)]
    frequent: String,
}

/// Marks a hồ sơ as consulted often (or clears the mark): the plan puts such records sixth, after
/// the named groups; its place follows at once.
async fn frequent_use(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<FrequentUseForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let Ok(Form(form)) = form else {
        return refuse(&state, &ctx, id, "Chọn hồ sơ cần đánh dấu.").await;
    };
    mark_frequent_use(&state, &ctx, id, form.dossier_id, form.frequent == "1").await?;
    Ok(Redirect::to(&format!("/so-hoa/{id}")).into_response())
}

/// Marks (or clears) a hồ sơ of batch `id` as consulted often, with the plan's priority that
/// follows; the caller has authorised `Digitize` on the batch.
async fn mark_frequent_use(state: &AppState, ctx: &Ctx, id: i64, dossier: i64, frequent: bool) -> Result<(), PageError> {
    let (dossier, _) = records::dossier_for(state, ctx, Action::CatalogueView, dossier).await?;
    let priority = kho_model::digitization::priority(&dossier.fields.title, dossier.fields.maintenance, frequent);
    state.store.set_frequent_use(id, dossier.id, frequent, (priority.rank, priority.reason)).await?;
    let mut event = ctx.event("digitize.frequent_use", "dossier", Some(dossier.id), "ok");
    event.detail = Some(format!(
        "lô {id}; {}; ưu tiên {}: {}",
        if frequent { "thường xuyên khai thác" } else { "bỏ đánh dấu khai thác" },
        priority.rank,
        priority.reason
    ));
    state.store.audit(event).await?;
    Ok(())
}

async fn retry(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    retry_failed(&state, &ctx, id).await?;
    Ok(Redirect::to(&format!("/so-hoa/{id}")).into_response())
}

/// Queues again every failed job of batch `id` (the caller has authorised): how many.
async fn retry_failed(state: &AppState, ctx: &Ctx, id: i64) -> Result<u64, PageError> {
    let n = state.store.retry_failed_jobs(id).await?;
    let mut event = ctx.event("digitize.retry", "batch", Some(id), "ok");
    event.detail = Some(format!("{n} việc"));
    state.store.audit(event).await?;
    Ok(n)
}

/// Scans sent from the browser: each file mapped to its hồ sơ by its TT05 name (or to the hồ
/// sơ chosen in the form), checked whole and stored; the page lists what became of each.
async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    // Authorise before reading a byte of the body.
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let received = receive(&state, &ctx, id, multipart).await?;
    let refused = |message: String| context! { refused => message };
    let mut results: Vec<Value> = received
        .into_iter()
        .map(|r| match r {
            Ok(message) => context! { accepted => message },
            Err(message) => refused(message),
        })
        .collect();
    if results.is_empty() {
        results.push(refused("Chưa chọn tệp nào.".into()));
    }
    let status = if results.iter().any(|r| r.get_attr("refused").is_ok_and(|v| !v.is_undefined())) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_batch(&state, &ctx, id, None, Some(results), status).await
}

/// Every file of an upload form into batch `id` (the caller has authorised): per file, what was
/// taken or why not. A `dossier` field before the files names their hồ sơ.
async fn receive(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<Result<String, String>>, PageError> {
    let codes = BatchCodes::load(&state.store, id, &ctx.actor.visibility()).await?;
    let limit_mb = state.config.max_upload / 1024 / 1024;
    let mut results = vec![];
    let mut chosen: Option<i64> = None;
    match multipart {
        Err(_) => results.push(Err(crate::attachments::UNREADABLE.into())),
        Ok(mut multipart) => loop {
            match crate::attachments::next_part(state, &mut multipart, limit_mb).await {
                Ok(None) => break,
                Ok(Some(Part::Field { name, value })) if name == "dossier" => chosen = value.trim().parse().ok(),
                Ok(Some(Part::Field { .. })) => {}
                Ok(Some(Part::BadName(message))) => results.push(Err(message)),
                Ok(Some(Part::File { name, bytes, permit: _permit })) => {
                    results.push(take_file(state, ctx, id, &codes, chosen, &name, bytes).await?)
                }
                Err(message) => {
                    results.push(Err(message));
                    break;
                }
            }
        },
    }
    Ok(results)
}

/// One file into the batch: mapped to its hồ sơ (the chosen one, or by its TT05 name), refused
/// when classified outside the enclave, else taken. `Ok(message)` when taken, `Err(message)` why
/// not; both name the file.
async fn take_file(
    state: &AppState,
    ctx: &Ctx,
    batch: i64,
    codes: &BatchCodes,
    chosen: Option<i64>,
    name: &str,
    bytes: axum::body::Bytes,
) -> Result<Result<String, String>, PageError> {
    let target = codes.target(chosen, name);
    if target.is_none() && chosen.is_none() && codes.map(name).is_some_and(|m| codes.ambiguous.contains(&m.file_code)) {
        return Ok(Err(format!(
            "Tệp “{name}”: hai hồ sơ của lô có cùng mã hồ sơ (cùng năm và số ký hiệu); hãy chọn hồ sơ trước khi tải tệp này."
        )));
    }
    let Some((dossier, ordinal)) = target else {
        return Ok(Err(format!(
            "Tệp “{name}”: không xác định được hồ sơ. Đặt tên theo mã hồ sơ (ví dụ H49.64.33.2019.15.1.tif) hoặc chọn hồ sơ trước khi tải."
        )));
    };
    if dossier.1 && !state.config.enclave {
        return Ok(Err(format!("Tệp “{name}”: hồ sơ thuộc bí mật nhà nước; nội dung chỉ được lưu trên hệ thống mạng LAN độc lập.")));
    }
    let bytes_for_audit = bytes.clone();
    match ingest::take(&state.store, &state.blobs, &Default::default(), batch, dossier, ordinal, name, bytes, &ctx.actor.name).await {
        Ok(Taken::New { file_id, pages }) => {
            let mut event = ctx.event("digitize.upload", "scan_file", Some(file_id), "ok");
            // A classified hồ sơ's file name is its mã hồ sơ: not written where the uncleared read.
            event.detail = Some(if dossier.1 {
                format!("lô {batch}; tệp niêm phong; {pages} trang")
            } else {
                format!("lô {batch}; {name}; {pages} trang")
            });
            state.store.audit(event).await?;
            Ok(Ok(format!("Tệp “{name}”: nhận {pages} trang, đang chờ xử lý.")))
        }
        Ok(Taken::Again { .. }) => Ok(Ok(format!("Tệp “{name}”: đã nhận từ trước, không thêm lần nữa."))),
        Err(IngestError::Refused(r)) => {
            crate::attachments::refusal(state, ctx, "digitize.upload", name, dossier.1, &bytes_for_audit, &r.refusal.to_string()).await?;
            Ok(Err(r.to_string()))
        }
        Err(IngestError::Blob(kho_blobs::BlobError::NoKey)) => Ok(Err(kho_blobs::BlobError::NoKey.to_string())),
        Err(e) => Err(PageError::Internal(e.to_string())),
    }
}

// ---- resumable upload: a large scan sent in pieces, resumed after a cut ----

/// The largest piece one request carries.
const PIECE_LIMIT: usize = 16 * 1024 * 1024;

/// A piece of a file: which file (the sender's token for it, kept to resume), its name, its whole
/// size and where this piece starts. The browser sends the Vietnamese names; a station may send
/// the English ones.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Piece {
    /// The sender's token for this file, 16–64 letters, digits or “-” (alias `token`).
    #[serde(alias = "token")]
    ma: String,
    /// The file's name: its TT05 code and extension, e.g. 000.00.00.H01.2015.01.001.tif (alias `name`).
    #[serde(alias = "name")]
    ten: Option<String>,
    /// The whole file's size in bytes (alias `size`).
    #[serde(alias = "size")]
    tong: Option<u64>,
    /// Where this piece starts, in bytes: what the server already has (alias `offset`).
    #[serde(alias = "offset")]
    tu: Option<u64>,
    /// The hồ sơ the file belongs to, when its name does not say (alias `dossier`).
    #[serde(default, alias = "dossier")]
    ho_so: String,
}

/// Where a file's pieces gather: per batch, person and token, in the server's upload folder.
fn staging(state: &AppState, ctx: &Ctx, batch: i64, token: &str) -> Option<std::path::PathBuf> {
    let valid = (16..=64).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let who = &kho_blobs::sha256_hex(ctx.actor.name.as_bytes())[..12];
    valid.then(|| state.config.upload_dir().join(format!("{batch}-{who}-{token}.part")))
}

fn piece_answer(status: StatusCode, received: u64, done: bool, accepted: bool, message: String) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "received": received, "done": done, "accepted": accepted, "message": message })),
    )
        .into_response()
}

/// How much of a file has arrived, so the browser resumes where the cut left it.
async fn piece_status(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    query: Result<axum::extract::Query<Piece>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let Some(path) = query.ok().and_then(|q| staging(&state, &ctx, id, &q.ma)) else {
        return Ok(piece_answer(StatusCode::UNPROCESSABLE_ENTITY, 0, false, false, "Mã tải lên không hợp lệ.".into()));
    };
    let received = tokio::fs::metadata(&path).await.map(|m| m.len()).unwrap_or(0);
    Ok(piece_answer(StatusCode::OK, received, false, false, String::new()))
}

/// One piece of a file at its offset; the last one takes the file into the batch.
async fn piece_put(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    query: Result<axum::extract::Query<Piece>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Body,
) -> Result<Response, PageError> {
    // Authorise before reading a byte of the body.
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let refuse = |status, received, message: String| Ok(piece_answer(status, received, false, false, message));
    let Ok(axum::extract::Query(piece)) = query else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, 0, "Thiếu tên tệp, kích thước hoặc vị trí của phần gửi lên.".into());
    };
    let (Some(path), Some(raw_name), Some(total), Some(offset)) = (staging(&state, &ctx, id, &piece.ma), piece.ten, piece.tong, piece.tu)
    else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, 0, "Thiếu tên tệp, kích thước hoặc vị trí của phần gửi lên.".into());
    };
    let name = match kho_model::text::file_name("file", &raw_name) {
        Ok(n) => n,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, 0, e.message),
    };
    let limits = kho_digitize::intake::Limits::default();
    if total > limits.max_bytes {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            0,
            format!("Tệp “{name}” {} MB vượt giới hạn {} MB một tệp.", total >> 20, limits.max_bytes >> 20),
        );
    }
    tokio::fs::create_dir_all(state.config.upload_dir()).await.map_err(|e| PageError::Internal(e.to_string()))?;
    if offset == 0 {
        sweep_stale(&state.config.upload_dir()).await;
    }
    let received = tokio::fs::metadata(&path).await.map(|m| m.len()).unwrap_or(0);
    if offset != received {
        return refuse(StatusCode::CONFLICT, received, format!("Máy chủ đã có {received} byte của tệp “{name}”; gửi tiếp từ đó."));
    }
    let bytes = match axum::body::to_bytes(body, PIECE_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                received,
                format!("Phần gửi lên của “{name}” quá lớn hoặc bị gián đoạn; gửi lại."),
            );
        }
    };
    if received + bytes.len() as u64 > total {
        let _ = tokio::fs::remove_file(&path).await;
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            0,
            format!("Tệp “{name}” gửi lên nhiều hơn kích thước đã khai; hãy gửi lại từ đầu."),
        );
    }
    {
        use tokio::io::AsyncWriteExt;
        let mut file =
            tokio::fs::OpenOptions::new().create(true).append(true).open(&path).await.map_err(|e| PageError::Internal(e.to_string()))?;
        file.write_all(&bytes).await.map_err(|e| PageError::Internal(e.to_string()))?;
        file.sync_data().await.map_err(|e| PageError::Internal(e.to_string()))?;
    }
    let received = received + bytes.len() as u64;
    if received < total {
        return Ok(piece_answer(StatusCode::OK, received, false, false, String::new()));
    }
    // Whole on disk: read into memory only with its share of the upload memory budget.
    let _permit = state.hold_upload(received).await.map_err(PageError::Internal)?;
    let whole = tokio::fs::read(&path).await.map_err(|e| PageError::Internal(e.to_string()))?;
    let _ = tokio::fs::remove_file(&path).await;
    let codes = BatchCodes::load(&state.store, id, &ctx.actor.visibility()).await?;
    let chosen = piece.ho_so.trim().parse().ok();
    Ok(match take_file(&state, &ctx, id, &codes, chosen, &name, whole.into()).await? {
        Ok(message) => piece_answer(StatusCode::OK, received, true, true, message),
        Err(message) => piece_answer(StatusCode::UNPROCESSABLE_ENTITY, received, true, false, message),
    })
}

/// Pieces of files abandoned for a week are removed.
async fn sweep_stale(dir: &std::path::Path) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 7 * 86_400);
        if old && entry.file_name().to_string_lossy().ends_with(".part") {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ShowQuery {
    /// `1`: shown in the browser (a search hit opens it at its page, `#page=N`), not saved.
    xem: String,
}

async fn download(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(show): Query<ShowQuery>,
) -> Result<Response, PageError> {
    // The rendition's own label — its fonds, its hồ sơ and the văn bản it carries — decides.
    let (rendition, _, label) = records::rendition_for(&state, &ctx, id).await?;
    let sealed = label.classification.is_classified();
    let content = state.blobs.get(&rendition.blob, sealed, &rendition.sha256).await;
    if label.is_restricted() || content.is_err() {
        let outcome = if content.is_ok() { "ok" } else { "failed" };
        state.store.audit(ctx.event("rendition.download", "rendition", Some(id), outcome)).await?;
    }
    let content = content.map_err(|e| PageError::Unavailable(e.to_string()))?;
    let disposition = if show.xem == "1" { "inline" } else { "attachment" };
    Ok(crate::respond::stored_file_as(content, "application/pdf", &rendition.file_name, disposition))
}

// ---- the same line as JSON, for a scanning station or another system ----

/// `/api/v1` routes of the số hóa line: batches, their queue, uploads and the signed copies —
/// the same checks, scope and audit as the pages, since both go through the same functions.
pub fn api_routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/batches", get(api_batches).post(api_batch_create))
        .route("/batches/{id}", get(api_batch))
        .route("/batches/{id}/queue", get(api_queue))
        .route("/batches/{id}/files", post(api_upload).layer(DefaultBodyLimit::max(max_upload)))
        .route("/batches/{id}/export", get(api_export))
        .route("/batches/{id}/dossiers/{dossier}/priority", put(api_priority))
        .route("/batches/{id}/dossiers/{dossier}/frequent-use", put(api_frequent_use))
        .route("/batches/{id}/retry", post(api_retry))
        .route("/batches/{id}/upload", get(api_piece_status).put(api_piece_put))
        .route("/dossiers/{id}/renditions", get(api_renditions))
        .route("/dossiers/{id}/package", get(api_package))
        .route("/renditions/{id}", get(api_download))
}

/// How much of a file sent in pieces has arrived, to resume after a cut: `received` bytes.
#[utoipa::path(get, path = "/api/v1/batches/{id}/upload", tag = "Số hóa", params(("id" = i64, Path), Piece), responses(
    (status = 200, description = "received: số byte máy chủ đã có", example = json!({ "received": 16777216, "done": false, "accepted": false, "message": "" })),
    (status = 422, description = "Mã tải lên không hợp lệ"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_piece_status(
    state: State<AppState>,
    ctx: Extension<Ctx>,
    id: Path<i64>,
    query: Result<Query<Piece>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    Ok(piece_status(state, ctx, id, query).await?)
}

/// One piece of a file (the request body, at most 16 MiB) at its offset; the piece that completes
/// the file takes it into the batch, checked as every scan is. A cut connection is resumed by
/// asking GET for what arrived and sending from there.
#[utoipa::path(put, path = "/api/v1/batches/{id}/upload", tag = "Số hóa", params(("id" = i64, Path), Piece),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses(
    (status = 200, description = "received; done và accepted khi tệp đã đủ và được nhận vào lô; message nói tệp vào hồ sơ nào",
        example = json!({ "received": 40000000, "done": true, "accepted": true, "message": "…" })),
    (status = 409, description = "offset không khớp: received là chỗ gửi tiếp"),
    (status = 413, description = "Tệp hoặc phần gửi lên quá lớn"),
    (status = 422, description = "Tệp bị từ chối; message nói vì sao"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_piece_put(
    state: State<AppState>,
    ctx: Extension<Ctx>,
    id: Path<i64>,
    query: Result<Query<Piece>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    Ok(piece_put(state, ctx, id, query, body).await?)
}

/// A signed PDF/A copy, as it was signed (the same as `/ban-so-hoa/{id}`).
#[utoipa::path(get, path = "/api/v1/renditions/{id}", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, description = "Bản PDF/A đã ký", content_type = "application/pdf"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_download(state: State<AppState>, ctx: Extension<Ctx>, id: Path<i64>) -> Result<Response, ApiError> {
    Ok(download(state, ctx, id, Query(ShowQuery::default())).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct BatchesParams {
    /// The page after this batch: the `next` of the previous answer.
    before: Option<i64>,
    /// At most 200; 50 when absent.
    limit: Option<i64>,
}

/// Lô số hóa in the person's scope, newest first, a page at a time, with where each stands.
#[utoipa::path(get, path = "/api/v1/batches", tag = "Số hóa", params(BatchesParams), responses(
    (status = 200, description = "total, next, batches: id, name, unitId, originalKind, createdBy, createdAt, progress")))]
pub(crate) async fn api_batches(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<BatchesParams>,
) -> Result<Response, ApiError> {
    let page = state.store.list_batches(&ctx.actor.visibility(), q.before, q.limit.unwrap_or(BATCHES_SHOWN).clamp(1, 200)).await?;
    let mut batches = vec![];
    for batch in page.batches {
        let progress = progress_value(&state, &ctx, batch.id).await?;
        let mut value = serde_json::to_value(&batch).unwrap_or_default();
        value["progress"] = progress;
        batches.push(value);
    }
    Ok(Json(serde_json::json!({ "total": page.total, "next": page.next, "batches": batches })).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchInput {
    /// Tên lô.
    name: String,
    fonds_id: i64,
    /// text (văn bản hành chính), mono (văn bản đen trắng), colour (có màu), map (bản đồ, bản vẽ).
    original_kind: String,
}

/// A batch of every hồ sơ of a fonds, in the plan's order.
#[utoipa::path(post, path = "/api/v1/batches", tag = "Số hóa", request_body = BatchInput, responses(
    (status = 201, description = "Đã lập lô; Location là địa chỉ của lô"), (status = 422, description = "Vì sao không lập được", body = ApiErrorBody)))]
pub(crate) async fn api_batch_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<BatchInput>,
) -> Result<Response, ApiError> {
    let input = NewBatch { name: input.name, fonds_id: input.fonds_id.to_string(), original_kind: input.original_kind };
    match make_batch(&state, &ctx, &input).await? {
        Ok(batch) => {
            Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/batches/{batch}"))], Json(serde_json::json!({ "id": batch })))
                .into_response())
        }
        Err(message) => Err(ApiError::refused("invalid", message)),
    }
}

/// A batch and where its work stands (hồ sơ, files, pages done and to scan again, PDF/A).
#[utoipa::path(get, path = "/api/v1/batches/{id}", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, description = "Lô và tiến độ"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_batch(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let batch = records::batch_for(&state, &ctx, Action::PlanView, id).await?;
    let mut value = serde_json::to_value(&batch).unwrap_or_default();
    value["progress"] = progress_value(&state, &ctx, id).await?;
    Ok(Json(value).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct QueueParams {
    /// The page after this hồ sơ: the `next` of the previous answer.
    after: Option<i64>,
    /// At most 1.000; 100 when absent.
    limit: Option<i64>,
}

/// The batch's hồ sơ in working order, a page at a time, with their pages and PDF/A counts.
#[utoipa::path(get, path = "/api/v1/batches/{id}/queue", tag = "Số hóa", params(("id" = i64, Path), QueueParams), responses(
    (status = 200, description = "total, next, entries: dossierId, fileCode, title, rank, reason, pages, pagesDone, pagesRescan, renditions"),
    (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_queue(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<QueueParams>,
) -> Result<Response, ApiError> {
    records::batch_for(&state, &ctx, Action::PlanView, id).await?;
    let limit = q.limit.unwrap_or(QUEUE_PAGE).clamp(1, 1000);
    let page = state.store.batch_queue(&ctx.actor.visibility(), id, q.after, limit, None).await?;
    Ok(Json(serde_json::json!({ "total": page.total, "next": page.next, "entries": page.entries })).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PriorityInput {
    /// 0 (trước nhất) đến 9; null: trở lại thứ tự theo kế hoạch.
    rank: Option<i64>,
    /// Lý do, bắt buộc khi đặt thứ tự.
    #[serde(default)]
    reason: String,
}

/// Puts a hồ sơ of the batch ahead of (or behind) the plan's order, with the reason, or returns
/// it to the plan's order; its queued pages move with it. The same as the batch page's form.
#[utoipa::path(put, path = "/api/v1/batches/{id}/dossiers/{dossier}/priority", tag = "Số hóa",
    params(("id" = i64, Path), ("dossier" = i64, Path)), request_body(content = PriorityInput, example = json!({ "rank": 0, "reason": "UBND xã cần gấp để giải quyết hồ sơ đất đai" })),
    responses((status = 204, description = "Đã đổi thứ tự"), (status = 422, description = "Vì sao không đổi được", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_priority(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, dossier)): Path<(i64, i64)>,
    crate::api::Body(input): crate::api::Body<PriorityInput>,
) -> Result<Response, ApiError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    match reprioritise(&state, &ctx, id, dossier, input.rank, &input.reason).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(why) => Err(ApiError::refused("invalid", why)),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FrequentUseInput {
    /// true: hồ sơ thường xuyên được khai thác (kế hoạch xếp thứ sáu); false (hoặc không có): bỏ đánh dấu.
    #[serde(default)]
    frequent: bool,
}

/// Marks a hồ sơ of the batch as consulted often, or clears the mark; its place in the plan's
/// order follows at once.
#[utoipa::path(put, path = "/api/v1/batches/{id}/dossiers/{dossier}/frequent-use", tag = "Số hóa",
    params(("id" = i64, Path), ("dossier" = i64, Path)), request_body(content = FrequentUseInput, example = json!({ "frequent": true })),
    responses((status = 204, description = "Đã đánh dấu"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_frequent_use(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, dossier)): Path<(i64, i64)>,
    crate::api::Body(input): crate::api::Body<FrequentUseInput>,
) -> Result<Response, ApiError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    mark_frequent_use(&state, &ctx, id, dossier, input.frequent).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Queues again every job of the batch that failed (OCR, PDF/A, signing), as "Làm lại" does.
#[utoipa::path(post, path = "/api/v1/batches/{id}/retry", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, description = "retried: số việc đưa lại vào hàng đợi", example = json!({ "retried": 3 })), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_retry(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let retried = retry_failed(&state, &ctx, id).await?;
    Ok(Json(serde_json::json!({ "retried": retried })).into_response())
}

/// Scans into the batch (multipart: `file` parts, each named by its TT05 code or after a
/// `dossier` field), checked as the upload page checks them; one result per file.
#[utoipa::path(post, path = "/api/v1/batches/{id}/files", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, description = "results: {accepted} hoặc {refused} cho từng tệp"),
    (status = 422, description = "Có tệp bị từ chối; results nói vì sao"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    records::batch_for(&state, &ctx, Action::Digitize, id).await?;
    let mut received = receive(&state, &ctx, id, multipart).await?;
    if received.is_empty() {
        received.push(Err("Chưa có tệp nào trong yêu cầu (các phần tên “file”).".into()));
    }
    let status = if received.iter().any(Result::is_err) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let results: Vec<serde_json::Value> = received
        .into_iter()
        .map(|r| match r {
            Ok(message) => serde_json::json!({ "accepted": message }),
            Err(message) => serde_json::json!({ "refused": message }),
        })
        .collect();
    Ok((status, Json(serde_json::json!({ "results": results }))).into_response())
}

/// The signed PDF/A copies of a hồ sơ the person may see; each downloads at `/ban-so-hoa/{id}`.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/renditions", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, description = "id, fileName, standard, pages, size, sha256, signed, createdAt; tải về tại /ban-so-hoa/{id}"),
    (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_renditions(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (dossier, _) = records::dossier_for(&state, &ctx, Action::CatalogueView, id).await?;
    let renditions = records::visible_renditions(&state, &ctx, &dossier).await?;
    Ok(Json(renditions).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PackageParams {
    /// aip (gói lưu trữ, mặc định), sip (gói nộp lưu để bàn giao) hoặc dip (gói khai thác, trả lời một yêu cầu: các trường dưới).
    kind: Option<String>,
    /// DIP: số phiếu yêu cầu.
    request_number: Option<String>,
    /// DIP: ngày của phiếu (DD/MM/YYYY).
    request_date: Option<String>,
    /// DIP: mục đích, 01 Cá nhân, 02 Công vụ, 03 Công vụ đặc biệt.
    purpose: Option<String>,
    /// DIP: nội dung yêu cầu.
    content: Option<String>,
    /// DIP: đối tượng thu phí (01–10).
    fee_category: Option<String>,
    /// DIP: đề tài nghiên cứu.
    topic: Option<String>,
}

/// The package of a digitized hồ sơ (TT 05/2025; METS, PREMIS, the signed copies), streamed as
/// it is written, for whoever may see all of it: the same as the hồ sơ page's "Gói lưu trữ" and
/// "Gói khai thác". A hồ sơ holding anything classified is not handed out as a file. Audited.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/package", tag = "Số hóa", params(("id" = i64, Path), PackageParams), responses(
    (status = 200, content_type = "application/zip", description = "Gói ZIP, tên theo thư mục của gói"),
    (status = 422, description = "Loại gói hoặc yêu cầu của gói khai thác cần sửa", body = ApiErrorBody),
    (status = 409, description = "Hồ sơ chưa số hóa, hoặc có tài liệu mật", body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_package(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<PackageParams>,
) -> Result<Response, ApiError> {
    let (dossier, _) = records::whole_dossier_for(&state, &ctx, Action::PlanView, id).await?;
    let query = PackageQuery {
        loai: q.kind,
        so_phieu: q.request_number.unwrap_or_default(),
        ngay: q.request_date.unwrap_or_default(),
        muc_dich: q.purpose.unwrap_or_default(),
        noi_dung: q.content.unwrap_or_default(),
        doi_tuong: q.fee_category.unwrap_or_default(),
        de_tai: q.topic.unwrap_or_default(),
    };
    let kind = match package_kind(&query) {
        Ok(kind) => kind,
        Err(Some(problems)) => return Err(ApiError::refused("invalid_request", problems.join(" "))),
        Err(None) => return Err(ApiError::refused("invalid", UNKNOWN_PACKAGE)),
    };
    Ok(package_file(&state, &dossier, kind, vec![], ctx.event("package.export", "dossier", Some(id), "ok")).await?)
}

/// Every signed PDF/A of a batch the person may see, in one ZIP sent while it is read (a copy at a
/// time, stored as it is), with `manifest.csv` last: the same copies, names and manifest as `kho
/// batch export`. Copies of classified records are named in the manifest and not sent; the
/// download of each restricted copy is audited as its own download is.
#[utoipa::path(get, path = "/api/v1/batches/{id}/export", tag = "Số hóa", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/zip", description = "ZIP: các bản PDF/A đã ký số của lô, đặt tên theo mã hồ sơ, và manifest.csv (tệp, mã hồ sơ, số trang, SHA-256, dung lượng, đã ký số, thời gian)"),
    (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_export(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    records::batch_for(&state, &ctx, Action::PlanView, id).await?;
    state.store.audit(ctx.event("batch.export", "batch", Some(id), "ok")).await?;
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    tokio::spawn(async move {
        if let Err(e) = write_export(&state, &ctx, id, &sender).await {
            // A client that left (or asked HEAD) closes the channel: that is no fault of Kho's.
            if sender.is_closed() {
                tracing::debug!(batch = id, "xuất lô số hóa: người nhận đã ngắt");
            } else {
                tracing::error!(batch = id, error = %e, "xuất lô số hóa dừng giữa chừng");
                let _ = sender.send(Err(std::io::Error::other(e))).await;
            }
        }
    });
    Ok(crate::respond::streamed_file(crate::respond::Streamed(receiver), "application/zip", &format!("lo-so-hoa-{id}.zip")))
}

/// The bytes a ZIP writer has produced since they were last taken.
#[derive(Clone, Default)]
struct Produced(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Produced {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Produced {
    fn take(&self) -> axum::body::Bytes {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner())).into()
    }
}

async fn write_export(
    state: &AppState,
    ctx: &Ctx,
    batch: i64,
    sender: &tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
) -> Result<(), String> {
    use kho_digitize::export::{MANIFEST_HEADER, Names, copies, manifest_line};
    use std::io::Write;
    let produced = Produced::default();
    let mut zip = zip::ZipWriter::new_stream(produced.clone());
    // PDF/As are compressed already; the manifest is small. Stored, every entry reads as it is.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    let send = |bytes: axum::body::Bytes| async move {
        sender.send(Ok(bytes)).await.map_err(|_| "người nhận đã ngắt kết nối".to_string())
    };
    let visibility = ctx.actor.visibility();
    let mut manifest = String::from(MANIFEST_HEADER);
    let (mut names, mut after) = (Names::default(), None);
    loop {
        let (page, next) = copies(&state.store, &visibility, batch, after).await.map_err(|e| e.to_string())?;
        for copy in &page {
            // A copy of a văn bản the person may not see is not named either.
            if !authorize(&ctx.actor, Action::CatalogueView, &copy.label.on(copy.place.clone())).is_allowed() {
                continue;
            }
            let name = names.unique(copy);
            manifest.push_str(&manifest_line(copy, &name));
            if copy.withheld() {
                continue;
            }
            let rendition = &copy.rendition;
            let content = state.blobs.get(&rendition.blob, false, &rendition.sha256).await;
            if copy.label.is_restricted() || content.is_err() {
                let outcome = if content.is_ok() { "ok" } else { "failed" };
                state
                    .store
                    .audit(ctx.event("rendition.download", "rendition", Some(rendition.id), outcome))
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let content = content.map_err(|e| format!("{name}: {e}"))?;
            zip.start_file(name.as_str(), options).map_err(|e| e.to_string())?;
            zip.write_all(&content).map_err(|e| e.to_string())?;
            send(produced.take()).await?;
        }
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    zip.start_file("manifest.csv", options).map_err(|e| e.to_string())?;
    zip.write_all(manifest.as_bytes()).map_err(|e| e.to_string())?;
    zip.finish().map_err(|e| e.to_string())?;
    send(produced.take()).await
}
