//! Nhập mục lục from a contractor's spreadsheet in the browser — upload, see what Kho understood
//! row by row and every problem by sheet, row and column, then import all or nothing — and the
//! mục lục back out as XLSX.

use crate::AppState;
use crate::attachments::Part;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::records;
use crate::respond::{PaperFormat, XLSX, blocking, download, paper};
use crate::staging;
use axum::Json;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kho_model::access::Action;
use kho_model::inventory_sheet::{self, ImportedDossier, Prepared};
use kho_model::record::Fonds;
use minijinja::{Value, context};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// `/api/v1/fonds/{id}/inventory-imports`: the same check and import by API.
pub fn api_routes() -> Router<AppState> {
    Router::new().route(
        "/fonds/{id}/inventory-imports",
        post(api_import).layer(axum::extract::DefaultBodyLimit::max(kho_documents::MAX_WORKBOOK_BYTES + 64 * 1024)),
    )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/phong/{id}/nhap-muc-luc",
            get(form).post(upload).layer(axum::extract::DefaultBodyLimit::max(kho_documents::MAX_WORKBOOK_BYTES + 64 * 1024)),
        )
        .route("/phong/{id}/nhap-muc-luc/xac-nhan", post(confirm))
        .route("/muc-luc/{id}/xuat.xlsx", get(export_xlsx))
        .route("/muc-luc/{id}/xuat.docx", get(|s, c, p| finding_aid(s, c, p, PaperFormat::Docx)))
        .route("/phong/{id}/danh-muc-ho-so.docx", get(|s, c, p| dossier_list(s, c, p, PaperFormat::Docx)))
        .route("/phong/{id}/danh-muc-ho-so.pdf", get(|s, c, p| dossier_list(s, c, p, PaperFormat::Pdf)))
        .route("/phong/{id}/danh-muc-ho-so.xlsx", get(|s, c, p| dossier_list(s, c, p, PaperFormat::Xlsx)))
        .route("/phong/{id}/ead3.xml", get(ead3))
        .route("/muc-luc/{id}/xuat.pdf", get(|s, c, p| finding_aid(s, c, p, PaperFormat::Pdf)))
        .route("/ho-so/{id}/muc-luc-van-ban.docx", get(|s, c, p| document_list(s, c, p, PaperFormat::Docx)))
        .route("/ho-so/{id}/muc-luc-van-ban.pdf", get(|s, c, p| document_list(s, c, p, PaperFormat::Pdf)))
}

fn render(state: &AppState, ctx: &Ctx, fonds: &Fonds, status: StatusCode, values: Value) -> Result<Response, PageError> {
    use crate::pages::{Page, crumb, here};
    Page::new("import.html", "chinh-ly", format!("Nhập mục lục vào phông {}", fonds.fields.code))
        .crumbs(vec![crumb("Phông", "/phong"), crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)), here("Nhập mục lục")])
        .status(status)
        .render(state, Some(ctx), context! { fonds => context! { id => fonds.id, code => fonds.fields.code.to_string(), name => fonds.fields.name.clone() }, ..values })
}

async fn form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    render(&state, &ctx, &fonds, StatusCode::OK, context! { stage => "upload" })
}

/// Reads an upload and checks it as mục lục of the fonds: `number` (the archivist's) when given,
/// else the number each sheet states. `Err` is the file's refusal as a whole.
async fn prepare(
    state: &AppState,
    fonds: &Fonds,
    file_name: &str,
    bytes: &[u8],
    number: Option<u32>,
) -> Result<Result<Prepared, String>, PageError> {
    let (name, owned) = (file_name.to_string(), bytes.to_vec());
    let sheets = match blocking(move || Ok(kho_documents::read_workbook(&name, &owned))).await? {
        Ok(s) => s,
        Err(e) => return Ok(Err(format!("{}.", e))),
    };
    let years = kho_model::retention::known_years(&state.store.retention_rules().await?);
    let prefix = state.store.inventory_context(fonds, 1).await?.prefix;
    Ok(Ok(blocking(move || Ok(inventory_sheet::prepare(&sheets, &years, &prefix, number))).await?))
}

/// The rows shown for review: the first ones, and every row a problem or warning names.
const SHOWN_ROWS: usize = 200;

fn rows(prepared: &Prepared) -> Vec<Value> {
    let named: std::collections::HashSet<(&str, usize)> =
        prepared.problems.iter().chain(&prepared.warnings).map(|p| (p.file.as_str(), p.row)).collect();
    prepared
        .dossiers
        .iter()
        .zip(&prepared.numbers)
        .enumerate()
        .filter(|(i, (d, _))| *i < SHOWN_ROWS || named.contains(&(d.sheet.as_str(), d.row)))
        .map(|(_, (d, inventory))| {
            context! {
                sheet => d.sheet.clone(), row => d.row, inventory, number => d.number, box_number => d.box_number, notation => d.notation.clone(),
                title => d.title.clone(), dates => if d.start == d.end { d.start.to_string() } else { format!("{} – {}", d.start, d.end) },
                retention => d.retention_label(), sheets => d.sheets, group => d.group.clone(),
            }
        })
        .collect()
}

/// What the review page shows of an import besides its rows.
fn summary(prepared: &Prepared) -> Value {
    let mut per_inventory: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
    for n in &prepared.numbers {
        *per_inventory.entry(*n).or_default() += 1;
    }
    context! {
        total => prepared.dossiers.len(),
        shown => prepared.dossiers.len().min(SHOWN_ROWS),
        inventories => per_inventory.into_iter().map(|(number, count)| context! { number, count }).collect::<Vec<_>>(),
        sheets => prepared.sheets.iter().map(|s| context! { name => s.name.clone(), number => s.heading.inventory_number, fonds => s.heading.fonds.clone(), retention => s.heading.retention.clone(), dossiers => s.dossiers }).collect::<Vec<_>>(),
        ignored => prepared.ignored.iter().map(|i| format!("{}: {}", i.name, i.reason)).collect::<Vec<_>>(),
        problems => prepared.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        warnings => prepared.warnings.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        groups => prepared.groups.len(),
    }
}

fn parse_number(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok().filter(|n| *n > 0)
}

/// A workbook offered for import: its name, bytes, the mục lục number the archivist gave, and its
/// share of the upload memory budget (kept while the bytes are worked on).
struct Offered {
    file_name: String,
    bytes: axum::body::Bytes,
    number: Option<u32>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// The `file` and `number` of an import form, or why they cannot be read.
async fn read_offer(
    state: &AppState,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Offered, String> {
    let Ok(mut multipart) = multipart else {
        return Err("Không đọc được tệp gửi lên; hãy chọn tệp rồi bấm Kiểm tra.".into());
    };
    let (mut file, mut number) = (None, None);
    loop {
        match crate::attachments::next_part(state, &mut multipart, kho_documents::MAX_WORKBOOK_BYTES / 1024 / 1024).await {
            Ok(Some(Part::File { name, bytes, permit })) => file = Some((name, bytes, permit)),
            Ok(Some(Part::Field { name, value })) if name == "number" => number = parse_number(&value),
            Ok(Some(Part::Field { .. })) => {}
            Ok(Some(Part::BadName(message))) => return Err(message),
            Ok(None) => break,
            Err(_) => {
                return Err(format!("Tệp gửi lên bị gián đoạn hoặc lớn quá {} MB.", kho_documents::MAX_WORKBOOK_BYTES / 1024 / 1024));
            }
        }
    }
    match file.filter(|(_, b, _)| !b.is_empty()) {
        Some((file_name, bytes, permit)) => Ok(Offered { file_name, bytes, number, _permit: permit }),
        None => Err("Chưa chọn tệp, hoặc tệp rỗng.".into()),
    }
}

/// Reads an offered workbook as mục lục of the fonds; a file refused as a whole is audited.
async fn check_offer(state: &AppState, ctx: &Ctx, fonds: &Fonds, offer: &Offered) -> Result<Result<Prepared, String>, PageError> {
    let prepared = prepare(state, fonds, &offer.file_name, &offer.bytes, offer.number).await?;
    if let Err(message) = &prepared {
        let mut event = ctx.event("inventory.import", "fonds", Some(fonds.id), "refused");
        event.detail = Some(format!("{}: {message}", offer.file_name));
        state.store.audit(event).await?;
    }
    Ok(prepared)
}

/// Imports what was checked, all or nothing, each mục lục audited: their ids, or why not (a
/// number already taken since the check).
async fn import_checked(
    state: &AppState,
    ctx: &Ctx,
    fonds: &Fonds,
    prepared: &Prepared,
    file_name: &str,
) -> Result<Result<Vec<i64>, String>, PageError> {
    match state.store.import_inventories(fonds.id, &prepared.inventories).await {
        Ok(ids) => {
            for (inventory_id, inventory) in ids.iter().zip(&prepared.inventories) {
                let mut event = ctx.event("inventory.import", "inventory", Some(*inventory_id), "ok");
                event.detail = Some(format!("{} hồ sơ từ {file_name}", inventory.rows.len()));
                state.store.audit(event).await?;
            }
            Ok(Ok(ids))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err(e.message)),
        Err(e) => Err(e.into()),
    }
}

async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let refuse =
        |message: String| render(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, context! { stage => "upload", error => message });
    let offer = match read_offer(&state, multipart).await {
        Ok(offer) => offer,
        Err(message) => return refuse(message),
    };
    let prepared = match check_offer(&state, &ctx, &fonds, &offer).await? {
        Ok(p) => p,
        Err(message) => return refuse(message),
    };
    let (file_name, number) = (offer.file_name.clone(), offer.number);
    let values = context! { stage => "review", file_name, number, rows => rows(&prepared), summary => summary(&prepared) };
    if !prepared.problems.is_empty() {
        // Refused: nothing of it is kept.
        return render(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, values);
    }
    // Kept aside (not in the blob store) so the confirmation imports exactly what was checked.
    let seal = fonds.fields.classification.is_classified() && state.blobs.has_key();
    let staged = staging::keep(&state, &offer.bytes, seal).await?;
    render(&state, &ctx, &fonds, StatusCode::OK, context! { token => staged.token, sha256 => staged.sha256, sealed => seal, ..values })
}

#[derive(Deserialize)]
struct Confirm {
    token: String,
    sha256: String,
    #[serde(default)]
    sealed: String,
    file_name: String,
    #[serde(default)]
    number: String,
}

async fn confirm(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<Confirm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    // Authorise before looking at the body.
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let start_again = |message: &str| {
        render(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, context! { stage => "upload", error => message.to_string() })
    };
    let Ok(Form(form)) = form else {
        return start_again("Biểu mẫu xác nhận không đầy đủ; hãy tải tệp lên lại.");
    };
    let Some(bytes) = staging::take(&state, &form.token, &form.sha256, form.sealed == "true").await? else {
        return start_again("Tệp đã kiểm tra không còn (quá một ngày, hoặc đã nhập); hãy tải tệp lên lại.");
    };
    staging::discard(&state, &form.token).await;
    let number = parse_number(&form.number);
    let prepared = match prepare(&state, &fonds, &form.file_name, &bytes, number).await? {
        Ok(p) => p,
        Err(message) => return start_again(&message),
    };
    let refuse = |problems: Vec<String>| {
        let summary = context! { problems, ..summary(&prepared) };
        render(
            &state,
            &ctx,
            &fonds,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { stage => "review", file_name => form.file_name.clone(), number, rows => rows(&prepared), summary },
        )
    };
    if !prepared.problems.is_empty() {
        return refuse(prepared.problems.iter().map(|p| p.to_string()).collect());
    }
    match import_checked(&state, &ctx, &fonds, &prepared, &form.file_name).await? {
        Ok(ids) => {
            let target = if ids.len() == 1 { format!("/muc-luc/{}?da_luu=1", ids[0]) } else { format!("/phong/{}?da_luu=1", fonds.id) };
            Ok(Redirect::to(&target).into_response())
        }
        Err(message) => refuse(vec![message]),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// true: chỉ kiểm tra, không nhập.
    #[serde(default, rename = "dryRun")]
    dry_run: bool,
}

/// A contractor's mục lục workbook (multipart: `file`, and `number` to give the mục lục its
/// number) read and checked as the Nhập mục lục page checks it — merged cells, legacy encodings,
/// codes like `01.TCCB` kept as written — and imported all or nothing: with any problem (by sheet,
/// row and column) nothing is imported. `dryRun=true` checks only.
#[utoipa::path(post, path = "/api/v1/fonds/{id}/inventory-imports", tag = "Mục lục", params(("id" = i64, Path), ImportQuery),
    request_body(content_type = "multipart/form-data", description = "file: tệp .xlsx, .xls, .ods hoặc .csv; number (không bắt buộc): số mục lục"),
    responses(
        (status = 201, description = "Đã nhập: inventories (id các mục lục) và summary", example = json!({ "inventories": [31],
            "summary": { "total": 1204, "inventories": [{ "number": 1, "count": 1204 }], "problems": [], "warnings": ["Sheet1, dòng 17: …"] } })),
        (status = 200, description = "dryRun: summary của lần kiểm tra"),
        (status = 422, description = "Không nhập gì: error.message và summary.problems nêu từng chỗ sai", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_import(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(query): Query<ImportQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let refused = |message: String| ApiError::refused("import_refused", message);
    let offer = read_offer(&state, multipart).await.map_err(refused)?;
    let prepared = check_offer(&state, &ctx, &fonds, &offer).await?.map_err(refused)?;
    let summary = serde_json::to_value(summary(&prepared)).unwrap_or_default();
    if !prepared.problems.is_empty() {
        let message = format!("Không nhập gì: {} chỗ sai, đầu tiên: {}", prepared.problems.len(), prepared.problems[0]);
        return Err(refused(message).with("summary", summary));
    }
    if query.dry_run {
        return Ok(Json(json!({ "summary": summary })).into_response());
    }
    match import_checked(&state, &ctx, &fonds, &prepared, &offer.file_name).await? {
        Ok(ids) => Ok((
            StatusCode::CREATED,
            [(axum::http::header::LOCATION, format!("/api/v1/fonds/{id}/inventories"))],
            Json(json!({ "inventories": ids, "summary": summary })),
        )
            .into_response()),
        Err(message) => Err(refused(message)),
    }
}

/// A mục lục's hồ sơ as rows of the finding aid, with what its cover needs.
async fn inventory_rows(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(kho_model::record::Inventory, Fonds, Vec<ImportedDossier>), PageError> {
    let (inventory, fonds) = records::inventory_for(state, ctx, Action::CatalogueView, id).await?;
    let boxes = state.store.box_numbers(fonds.id).await?;
    let filter = kho_store::ListDossiers {
        visibility: ctx.actor.visibility(),
        inventory_id: Some(id),
        fonds_id: None,
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: u64::MAX / 2,
    };
    let page = state.store.list_dossiers(&filter).await?;
    let dossiers = page
        .items
        .iter()
        .enumerate()
        .map(|(i, d)| ImportedDossier {
            sheet: String::new(),
            row: 0,
            ordinal: Some(i as u32 + 1),
            box_number: d.box_id.and_then(|b| boxes.get(&b).copied()),
            number: d.number,
            inventory: None,
            notation: Some(d.fields.file_code.notation().to_string()),
            title: d.fields.title.clone(),
            start: d.fields.start_date,
            end: d.fields.end_date,
            maintenance: d.fields.maintenance,
            maintenance_years: d.fields.maintenance_years,
            retention_text: d.fields.retention_label(),
            sheets: d.fields.number_of_paper,
            pages: Some(d.fields.number_of_page),
            note: d.fields.description.clone(),
            group: d.scheme_group.clone(),
        })
        .collect();
    state.store.audit(ctx.event("inventory.export", "inventory", Some(id), "ok")).await?;
    Ok((inventory, fonds, dossiers))
}

async fn export_xlsx(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (inventory, fonds, dossiers) = inventory_rows(&state, &ctx, id).await?;
    let (name, number) = (fonds.fields.name.clone(), inventory.fields.number);
    let bytes = blocking(move || kho_documents::write_inventory_xlsx(&name, number, &dossiers).map_err(|e| e.to_string())).await?;
    Ok(download(bytes, XLSX, format!("muc-luc-{}-{number}.xlsx", fonds.fields.code)))
}

/// The finding aid's description: cover, lời nói đầu, table.
async fn finding_aid(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (inventory, fonds, dossiers) = inventory_rows(&state, &ctx, id).await?;
    let archive = match fonds.fields.custodian_unit_id {
        Some(unit) => state.store.unit(unit).await?.name,
        None => state.store.unit(fonds.fields.unit_id).await?.name,
    };
    let code = fonds.fields.code.to_string();
    let cover = kho_documents::finding_aid::InventoryCover {
        archive: &archive,
        fonds_code: &code,
        fonds_name: &fonds.fields.name,
        inventory_number: inventory.fields.number,
        history: fonds.fields.history.as_deref(),
    };
    let doc = kho_documents::finding_aid::inventory(&cover, &dossiers);
    paper(doc, format, &format!("muc-luc-{code}-{}", inventory.fields.number)).await
}

/// The danh mục hồ sơ of a fonds: what the actor may see of every mục lục, in order.
async fn dossier_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let visibility = ctx.actor.visibility();
    let inventories: HashMap<i64, u32> =
        state.store.list_inventories(&visibility, id).await?.iter().map(|i| (i.id, i.fields.number)).collect();
    let boxes: HashMap<i64, u32> = state.store.boxes(&visibility, id).await?.iter().map(|b| (b.id, b.number)).collect();
    let filter = kho_store::ListDossiers {
        visibility,
        inventory_id: None,
        fonds_id: Some(id),
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: u64::MAX / 2,
    };
    let mut rows: Vec<kho_documents::finding_aid::ListedDossier> = state
        .store
        .list_dossiers(&filter)
        .await?
        .items
        .iter()
        .map(|d| kho_documents::finding_aid::ListedDossier {
            inventory_number: inventories.get(&d.inventory_id).copied().unwrap_or_default(),
            number: d.number,
            file_code: d.fields.file_code.to_string(),
            title: d.fields.title.clone(),
            dates: if d.fields.start_date == d.fields.end_date {
                d.fields.start_date.to_string()
            } else {
                format!("{} – {}", d.fields.start_date, d.fields.end_date)
            },
            retention: d.fields.retention_label(),
            sheets: d.fields.number_of_paper,
            box_number: d.box_id.and_then(|b| boxes.get(&b).copied()),
        })
        .collect();
    rows.sort_by_key(|r| (r.inventory_number, r.number.is_none(), r.number));
    state.store.audit(ctx.event("fonds.dossier_list", "fonds", Some(id), "ok")).await?;
    let archive = state.store.unit(fonds.fields.custodian_unit_id.unwrap_or(fonds.fields.unit_id)).await?.name;
    let code = fonds.fields.code.to_string();
    let doc = kho_documents::finding_aid::dossier_list(&archive, &code, &fonds.fields.name, &rows);
    paper(doc, format, &format!("danh-muc-ho-so-{code}")).await
}

/// Hồ sơ read per step of an EAD3 export.
const EAD3_STEP: u64 = 500;

/// The fonds' finding aid in EAD3 for other archives' systems: what the actor may see of every mục
/// lục, a series each, sent while it is read (a step of hồ sơ at a time, along the listing
/// index), so that a district fonds streams out in constant memory.
async fn ead3(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    state.store.audit(ctx.event("fonds.ead3", "fonds", Some(id), "ok")).await?;
    let code = fonds.fields.code.to_string();
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        if let Err(e) = write_ead3(&state, &ctx, &fonds, &sender).await {
            // A client that left (or asked HEAD) closes the channel: that is no fault of Kho's.
            if sender.is_closed() {
                tracing::debug!(fonds = id, "EAD3: người nhận đã ngắt");
            } else {
                tracing::error!(fonds = id, error = ?e, "xuất EAD3 dừng giữa chừng");
                let _ = sender.send(Err(std::io::Error::other(format!("{e:?}")))).await;
            }
        }
    });
    Ok(crate::respond::streamed_file(crate::respond::Streamed(receiver), "application/xml", &format!("ead3-{code}.xml")))
}

type Chunks = tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>;

async fn write_ead3(state: &AppState, ctx: &Ctx, fonds: &kho_model::record::Fonds, out: &Chunks) -> Result<(), PageError> {
    use kho_packages::ead3;
    let send =
        |bytes: Vec<u8>| async move { out.send(Ok(bytes.into())).await.map_err(|_| PageError::Internal("người nhận đã ngắt".into())) };
    let visibility = ctx.actor.visibility();
    let list = |inventory: Option<i64>, seek: kho_store::Seek, limit: u64| kho_store::ListDossiers {
        visibility: visibility.clone(),
        inventory_id: inventory,
        fonds_id: Some(fonds.id),
        query: None,
        undisposed: false,
        seek,
        limit,
    };
    let total = state.store.list_dossiers(&list(None, kho_store::Seek::First, 0)).await?.total;
    let archive = state.store.unit(fonds.fields.custodian_unit_id.unwrap_or(fonds.fields.unit_id)).await?.name;
    let created = kho_packages::timestamp(chrono::Utc::now())[..10].to_string();
    send(ead3::head(&ead3::Fonds {
        code: &fonds.fields.code.to_string(),
        name: &fonds.fields.name,
        archive: &archive,
        history: fonds.fields.history.as_deref(),
        dossiers: total,
        created: &created,
        software_version: env!("CARGO_PKG_VERSION"),
    }))
    .await?;
    for inventory in state.store.list_inventories(&visibility, fonds.id).await? {
        send(ead3::series_open(inventory.fields.number, &inventory.fields.title)).await?;
        let mut seek = kho_store::Seek::First;
        loop {
            let page = state.store.list_dossiers(&list(Some(inventory.id), seek, EAD3_STEP)).await?;
            let mut chunk = Vec::new();
            for d in &page.items {
                let f = &d.fields;
                chunk.extend(ead3::file(&ead3::File {
                    file_code: &f.file_code.to_string(),
                    number: d.number,
                    title: &f.title,
                    from: (&f.start_date.to_string(), &f.start_date.sortable()),
                    to: (&f.end_date.to_string(), &f.end_date.sortable()),
                    sheets: f.number_of_paper,
                    retention: &f.retention_label(),
                    restricted: f.mode != kho_model::Mode::Public,
                }));
            }
            send(chunk).await?;
            match page.next {
                Some(last) => seek = kho_store::Seek::After(last),
                None => break,
            }
        }
        send(ead3::series_close()).await?;
    }
    send(ead3::tail()).await
}

/// A hồ sơ's mục lục văn bản, from the văn bản the actor may see.
async fn document_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (dossier, fonds) = records::dossier_for(&state, &ctx, Action::CatalogueView, id).await?;
    let archive = state.store.unit(fonds.fields.custodian_unit_id.unwrap_or(fonds.fields.unit_id)).await?.name;
    let rows: Vec<kho_documents::finding_aid::DocumentRow> = state
        .store
        .list_documents(&ctx.actor.visibility(), id)
        .await?
        .iter()
        .map(|d| {
            let f = &d.fields;
            kho_documents::finding_aid::DocumentRow {
                number_and_notation: [f.code_number.clone(), f.code_notation.clone()].into_iter().flatten().collect::<Vec<_>>().join("/"),
                date: f.issued_date.to_string(),
                type_and_subject: format!("{}: {}", f.type_name.label(), f.subject),
                author: f.organ_name.clone(),
                pages: f.number_of_page,
                note: f.description.clone().unwrap_or_default(),
            }
        })
        .collect();
    let code = dossier.fields.file_code.to_string();
    let sheets = kho_documents::finding_aid::Sheets::of(dossier.fields.number_of_paper, dossier.fields.number_of_page);
    let doc = kho_documents::finding_aid::document_list(&archive, &code, &dossier.fields.title, sheets, &rows);
    paper(doc, format, &format!("muc-luc-van-ban-{code}")).await
}
