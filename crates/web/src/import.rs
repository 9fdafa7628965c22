//! Nhập mục lục from a contractor's spreadsheet in the browser — upload, see what Kho understood
//! row by row and every problem by sheet, row and column, then import all or nothing — and the
//! mục lục back out as XLSX.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::records;
use crate::respond::{PaperFormat, XLSX, blocking, download, paper};
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kho_model::access::Action;
use kho_model::inventory_sheet::{self, ImportedDossier, Prepared};
use kho_model::record::Fonds;
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::HashMap;

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

/// Reads a stored upload and checks it as mục lục số `number` (or the number the file names).
async fn prepare(
    state: &AppState,
    fonds: &Fonds,
    file_name: &str,
    bytes: &[u8],
    number: Option<u32>,
) -> Result<Result<(u32, Prepared), String>, PageError> {
    let sheets = match kho_documents::read_workbook(file_name, bytes) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let years = kho_model::retention::known_years(&state.store.retention_rules().await?);
    let number = number.or(inventory_sheet::read(&sheets, &years).heading.inventory_number).unwrap_or(1);
    let context = state.store.inventory_context(fonds, number).await?;
    Ok(Ok((number, inventory_sheet::prepare(&sheets, &years, &context))))
}

fn rows(prepared: &Prepared) -> Vec<Value> {
    prepared
        .dossiers
        .iter()
        .map(|d| {
            context! {
                sheet => d.sheet.clone(), row => d.row, number => d.number, box_number => d.box_number, notation => d.notation.clone(),
                title => d.title.clone(), dates => format!("{} – {}", d.start, d.end), retention => d.maintenance.label(), sheets => d.sheets, group => d.group.clone(),
            }
        })
        .collect()
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
    let Ok(mut multipart) = multipart else {
        return refuse("Không đọc được tệp gửi lên; hãy chọn tệp rồi bấm Kiểm tra.".into());
    };
    let (mut file, mut number) = (None, None);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name =
                        kho_model::text::file_name("file", field.file_name().unwrap_or_default()).unwrap_or_else(|_| "muc-luc".into());
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes)),
                        Err(_) => {
                            return refuse(format!(
                                "Tệp gửi lên bị gián đoạn hoặc lớn quá {} MB.",
                                kho_documents::MAX_WORKBOOK_BYTES / 1024 / 1024
                            ));
                        }
                    }
                }
                Some("number") => number = field.text().await.ok().and_then(|t| t.trim().parse::<u32>().ok()),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                return refuse(format!("Tệp gửi lên bị gián đoạn hoặc lớn quá {} MB.", kho_documents::MAX_WORKBOOK_BYTES / 1024 / 1024));
            }
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse("Chưa chọn tệp, hoặc tệp rỗng.".into());
    };
    let (number, prepared) = match prepare(&state, &fonds, &file_name, &bytes, number).await? {
        Ok(p) => p,
        Err(message) => return refuse(message),
    };
    // Kept by its hash so the confirmation imports exactly what was checked.
    let seal = fonds.fields.classification.is_classified() && state.blobs.has_key();
    let stored = state.blobs.put(bytes.clone(), seal).await.map_err(|e| PageError::Internal(e.to_string()))?;
    let problems: Vec<String> = prepared.problems.iter().map(|p| p.to_string()).collect();
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(
        &state,
        &ctx,
        &fonds,
        status,
        context! {
            stage => "review", file_name, number, rows => rows(&prepared), problems, groups => prepared.groups.clone(),
            blob => stored.name, sha256 => stored.sha256, sealed => stored.sealed,
        },
    )
}

#[derive(Deserialize)]
struct Confirm {
    blob: String,
    sha256: String,
    #[serde(default)]
    sealed: String,
    file_name: String,
    number: u32,
}

async fn confirm(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<Confirm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    // Authorise before looking at the body.
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let Ok(Form(form)) = form else {
        return render(
            &state,
            &ctx,
            &fonds,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { stage => "upload", error => "Biểu mẫu xác nhận không đầy đủ; hãy tải tệp lên lại." },
        );
    };
    let bytes = state.blobs.get(&form.blob, form.sealed == "true", &form.sha256).await;
    let bytes = bytes.map_err(|e| PageError::Unavailable(e.to_string()))?;
    let (number, prepared) = match prepare(&state, &fonds, &form.file_name, &bytes, Some(form.number)).await? {
        Ok(p) => p,
        Err(message) => {
            return render(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, context! { stage => "upload", error => message });
        }
    };
    let refuse = |problems: Vec<String>| {
        render(
            &state,
            &ctx,
            &fonds,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { stage => "review", file_name => form.file_name.clone(), number, rows => rows(&prepared), problems },
        )
    };
    if !prepared.problems.is_empty() {
        return refuse(prepared.problems.iter().map(|p| p.to_string()).collect());
    }
    match state.store.import_inventory(fonds.id, number, &format!("Mục lục số {number}"), &prepared.rows).await {
        Ok(inventory_id) => {
            let mut event = ctx.event("inventory.import", "inventory", Some(inventory_id), "ok");
            event.detail = Some(format!("{} hồ sơ từ {}", prepared.rows.len(), form.file_name));
            state.store.audit(event).await?;
            Ok(Redirect::to(&format!("/muc-luc/{inventory_id}?da_luu=1")).into_response())
        }
        Err(kho_store::StoreError::Conflict(e)) => refuse(vec![e.message]),
        Err(e) => Err(e.into()),
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
        offset: 0,
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
            notation: Some(d.fields.file_code.notation().to_string()),
            title: d.fields.title.clone(),
            start: d.fields.start_date,
            end: d.fields.end_date,
            maintenance: d.fields.maintenance,
            retention_text: d.fields.maintenance.label().to_string(),
            sheets: d.fields.number_of_paper,
            pages: Some(d.fields.number_of_page),
            note: d.fields.description.clone(),
            group: None,
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
    let filter =
        kho_store::ListDossiers { visibility, inventory_id: None, fonds_id: Some(id), query: None, offset: 0, limit: u64::MAX / 2 };
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
            retention: d.fields.maintenance.label().into(),
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
    let doc = kho_documents::finding_aid::document_list(&archive, &code, &dossier.fields.title, &rows);
    paper(doc, format, &format!("muc-luc-van-ban-{code}")).await
}
