//! Tiếp nhận: accessions recorded through a form, listed for the units in scope, and their
//! biên bản giao nhận downloaded as DOCX (to sign) or PDF.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::records::{self, Refused};
use crate::respond::{PaperFormat, paper};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use chrono::Datelike;
use kho_model::Invalid;
use kho_model::access::Action;
use kho_model::accession::{Accession, AccessionInput};
use kho_model::vn;
use minijinja::{Value, context};
use serde_json::json;

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/tiep-nhan/goi", get(package_form).post(package_receive).layer(axum::extract::DefaultBodyLimit::max(max_upload)))
        .route("/tiep-nhan/goi/bien-ban.docx", get(|s, c, q| handover_record(s, c, q, PaperFormat::Docx)))
        .route("/tiep-nhan/goi/bien-ban.pdf", get(|s, c, q| handover_record(s, c, q, PaperFormat::Pdf)))
        .route("/tiep-nhan/goi/bien-ban.xlsx", get(|s, c, q| handover_record(s, c, q, PaperFormat::Xlsx)))
        .route("/tiep-nhan/danh-sach.xlsx", get(|s, c| list_file(s, c, PaperFormat::Xlsx)))
        .route("/tiep-nhan/danh-sach.csv", get(|s, c| list_file(s, c, PaperFormat::Csv)))
        .route("/tiep-nhan", get(list).post(create))
        .route("/tiep-nhan/moi", get(new))
        .route("/tiep-nhan/{id}", get(show))
        .route("/tiep-nhan/{id}/bien-ban.docx", get(|s, c, p| record(s, c, p, PaperFormat::Docx)))
        .route("/tiep-nhan/{id}/bien-ban.pdf", get(|s, c, p| record(s, c, p, PaperFormat::Pdf)))
        .route("/tiep-nhan/{id}/danh-muc.docx", get(|s, c, p| items(s, c, p, PaperFormat::Docx)))
        .route("/tiep-nhan/{id}/danh-muc.pdf", get(|s, c, p| items(s, c, p, PaperFormat::Pdf)))
        .route("/tiep-nhan/{id}/danh-muc.xlsx", get(|s, c, p| items(s, c, p, PaperFormat::Xlsx)))
}

fn render(state: &AppState, ctx: &Ctx, template: &str, title: &str, status: StatusCode, values: Value) -> Result<Response, PageError> {
    crate::pages::Page::new(template, "tiep-nhan", title).status(status).render(state, Some(ctx), values)
}

async fn unit_name(state: &AppState, id: i64) -> Result<String, PageError> {
    Ok(state.store.unit(id).await?.name)
}

fn row(a: &Accession, giving: String, receiving: String) -> Value {
    let f = &a.fields;
    context! {
        id => a.id, received_on => f.received_on.to_string(), giving, receiving, material => f.material.clone(),
        bags => f.bags, boxes => f.boxes, dossiers => f.dossiers, metres => f.metres.map(vn::hundredths),
    }
}

async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let units: std::collections::HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let accessions = state.store.list_accessions(&ctx.actor.visibility()).await?;
    let total_metres: i64 = accessions.iter().filter_map(|a| a.fields.metres).sum();
    let rows: Vec<Value> = accessions
        .iter()
        .map(|a| {
            row(
                a,
                units.get(&a.fields.giving_unit_id).cloned().unwrap_or_default(),
                units.get(&a.fields.receiving_unit_id).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    render(
        &state,
        &ctx,
        "accessions.html",
        "Tiếp nhận",
        StatusCode::OK,
        context! { rows, total_metres => vn::hundredths(total_metres), may_edit },
    )
}

/// The biên bản giao nhận the person may see, as a spreadsheet or CSV for other systems.
async fn list_file(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, format: PaperFormat) -> Result<Response, PageError> {
    let units: std::collections::HashMap<i64, String> = state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let name = |id: &i64| units.get(id).cloned().unwrap_or_default();
    let count = |n: Option<u32>| n.map(|n| vn::integer(n as i64)).unwrap_or_default();
    let rows: Vec<Vec<String>> = state
        .store
        .list_accessions(&ctx.actor.visibility())
        .await?
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let f = &a.fields;
            vec![
                vn::integer(n as i64 + 1),
                f.received_on.to_string(),
                name(&f.giving_unit_id),
                name(&f.receiving_unit_id),
                f.material.clone(),
                count(f.bags),
                count(f.boxes),
                count(f.dossiers),
                f.metres.map(vn::hundredths).unwrap_or_default(),
            ]
        })
        .collect();
    let columns = [
        ("STT", 0.5),
        ("Ngày giao nhận", 1.0),
        ("Bên giao", 1.8),
        ("Bên nhận", 1.8),
        ("Tên khối tài liệu", 3.0),
        ("Số bao", 0.7),
        ("Số hộp", 0.7),
        ("Số hồ sơ", 0.8),
        ("Mét giá", 0.8),
    ];
    let title = "DANH SÁCH BIÊN BẢN GIAO NHẬN TÀI LIỆU";
    crate::respond::list_file(&state, title, &columns, &[0, 5, 6, 7, 8], rows, format, "danh-sach-bien-ban-giao-nhan").await
}

async fn form_page(state: &AppState, ctx: &Ctx, input: &AccessionInput, invalid: Option<&Invalid>) -> Result<Response, PageError> {
    let units: Vec<Value> =
        state.store.units().await?.iter().map(|u| context! { id => u.id.to_string(), name => u.name.clone() }).collect();
    let values = serde_json::to_value(input).unwrap_or_default();
    // A field may carry several messages (one per bad line of the danh mục): show them all.
    let mut errors: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for e in invalid.iter().flat_map(|i| &i.errors) {
        errors.entry(e.field.clone()).and_modify(|m| *m = format!("{m} {}", e.message)).or_insert_with(|| e.message.clone());
    }
    let status = if invalid.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        state,
        ctx,
        "accession_form.html",
        "Lập biên bản giao nhận",
        status,
        context! { units, values => Value::from(minijinja::value::Serde(&values)), errors, has_errors => invalid.is_some() },
    )
}

async fn new(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let archive = state
        .store
        .units()
        .await?
        .into_iter()
        .find(|u| u.kind == kho_model::UnitKind::ProvinceArchive)
        .map(|u| u.id.to_string())
        .unwrap_or_default();
    let input = AccessionInput { receiving_unit_id: archive, ..Default::default() };
    form_page(&state, &ctx, &input, None).await
}

async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(input): Form<AccessionInput>,
) -> Result<Response, PageError> {
    match records::create_accession(&state, &ctx, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/tiep-nhan/{id}?da_luu=1")).into_response()),
        Err(Refused::Invalid(invalid) | Refused::Conflict(invalid)) => form_page(&state, &ctx, &input, Some(&invalid)).await,
        Err(other) => Err(other.into()),
    }
}

async fn show(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    render_show(&state, &ctx, id, None, StatusCode::OK).await
}

/// The accession's page; `upload_error` says why files just sent were refused.
pub(crate) async fn render_show(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    upload_error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let accession = records::accession_for(state, ctx, Action::CatalogueView, id).await?;
    let giving = unit_name(state, accession.fields.giving_unit_id).await?;
    let receiving = unit_name(state, accession.fields.receiving_unit_id).await?;
    let f = &accession.fields;
    let facts: Vec<(&str, String)> = vec![
        ("Ngày giao nhận", f.received_on.to_string()),
        ("Bên giao", format!("{giving} — {}{}", f.giving_person, f.giving_position.as_ref().map(|p| format!(", {p}")).unwrap_or_default())),
        (
            "Bên nhận",
            format!("{receiving} — {}{}", f.receiving_person, f.receiving_position.as_ref().map(|p| format!(", {p}")).unwrap_or_default()),
        ),
        ("Tên khối tài liệu", f.material.clone()),
        (
            "Thời gian tài liệu",
            format!(
                "{} – {}",
                f.start_year.map(|d| d.to_string()).unwrap_or_default(),
                f.end_year.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        ("Số bao", f.bags.map(|n| vn::integer(n as i64)).unwrap_or_else(|| "—".into())),
        ("Số hộp", f.boxes.map(|n| vn::integer(n as i64)).unwrap_or_else(|| "—".into())),
        ("Số hồ sơ", f.dossiers.map(|n| vn::integer(n as i64)).unwrap_or_else(|| "—".into())),
        ("Mét giá", f.metres.map(vn::hundredths).unwrap_or_else(|| "—".into())),
        ("Tình trạng", f.condition.clone().unwrap_or_else(|| "—".into())),
        ("Căn cứ", f.basis.clone().unwrap_or_else(|| "—".into())),
        ("Ghi chú", f.notes.clone().unwrap_or_else(|| "—".into())),
        ("Người lập", accession.created_by.clone()),
    ];
    let attachments = crate::attachments::listed(state, ctx, kho_store::AttachmentOwner::Accession(id)).await?;
    let may_upload = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    render(
        state,
        ctx,
        "accession.html",
        "Biên bản giao nhận",
        status,
        context! {
            id, facts, material => f.material.clone(), items => Value::from(minijinja::value::Serde(&f.items)),
            attachments, upload_error, may_upload, upload_action => format!("/tiep-nhan/{id}/tep"),
            csrf_query => ctx.csrf.as_deref().map(crate::auth::urlencode),
        },
    )
}

/// The accession with its parties' names and the province, as its papers need them.
async fn parties(state: &AppState, ctx: &Ctx, id: i64) -> Result<(Accession, String, kho_documents::official::Issuer, String), PageError> {
    let accession = records::accession_for(state, ctx, Action::CatalogueView, id).await?;
    let giving = unit_name(state, accession.fields.giving_unit_id).await?;
    let receiving = state.store.unit(accession.fields.receiving_unit_id).await?;
    let receiving = kho_documents::official::Issuer { name: receiving.name, parent: receiving.parent_body };
    let province = state.store.plan().await?.map(|p| p.plan.meta.province).unwrap_or_else(|| "……".into());
    Ok((accession, giving, receiving, province))
}

/// The biên bản giao nhận.
async fn record(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (accession, giving, receiving, province) = parties(&state, &ctx, id).await?;
    let doc = kho_documents::official::accession_record(&accession.fields, &giving, &receiving, &province);
    paper(doc, format, &format!("bien-ban-giao-nhan-{id}")).await
}

/// The danh mục tài liệu giao nhận that goes with the biên bản.
async fn items(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (accession, giving, receiving, province) = parties(&state, &ctx, id).await?;
    if accession.fields.items.is_empty() {
        return Err(PageError::NotYet("Biên bản này chưa có danh mục tài liệu giao nhận.".into()));
    }
    let doc = kho_documents::official::accession_items(&accession.fields, &giving, &receiving, &province);
    paper(doc, format, &format!("danh-muc-tai-lieu-giao-nhan-{id}")).await
}

// ---- a package handed over by another Kho ----

/// The page, with what was received lately and the biên bản form beside `values`.
async fn package_page(state: &AppState, ctx: &Ctx, status: StatusCode, values: Value) -> Result<Response, PageError> {
    let values = package_context(state, ctx, values).await?;
    render(state, ctx, "package_import.html", "Nhận gói bàn giao", status, values)
}

/// The packages received lately and the fonds a biên bản can be made for, beside the form.
async fn package_context(state: &AppState, ctx: &Ctx, values: Value) -> Result<Value, PageError> {
    let visibility = ctx.actor.visibility();
    let recent: Vec<Value> = state
        .store
        .recent_receipts(&visibility, 20)
        .await?
        .into_iter()
        .map(|r| {
            let p = r.receipt;
            context! {
                dossier => r.dossier_id, file_code => r.file_code, title => r.title, kind => p.kind,
                documents => p.documents, files => p.files, megabytes => vn::megabytes(p.bytes),
                signers => p.signers.join("; "), received_by => p.received_by, received_at => vn::moment(&r.received_at),
            }
        })
        .collect();
    let fonds: Vec<Value> = state
        .store
        .list_fonds(&visibility)
        .await?
        .into_iter()
        .map(|f| context! { id => f.id, code => f.fields.code.to_string(), name => f.fields.name })
        .collect();
    let today = crate::reports::today().format("%d/%m/%Y").to_string();
    Ok(context! { recent, fonds, today, ..values })
}

async fn package_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    package_page(&state, &ctx, StatusCode::OK, context! {}).await
}

#[derive(serde::Deserialize)]
struct HandoverQuery {
    phong: Option<String>,
    tu: Option<String>,
    den: Option<String>,
}

/// The most hồ sơ one biên bản lists; a longer handover is split by days.
const HANDOVER_MOST: i64 = 5_000;

/// The biên bản giao nhận tài liệu lưu trữ số of a fonds: every package received into it over
/// the days asked (today by default), with its danh mục and totals, of the hồ sơ the person may see.
async fn handover_record(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(query): Query<HandoverQuery>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let mut problems = vec![];
    let fonds_id = query.phong.as_deref().and_then(|p| p.trim().parse::<i64>().ok());
    if fonds_id.is_none() {
        problems.push("Chọn phông để lập biên bản.".to_string());
    }
    let today = crate::reports::today();
    let mut day = |label: &str, text: Option<&str>| match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(today),
        Some(t) => match chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(format!("{label} “{t}” phải viết DD/MM/YYYY, ví dụ 07/12/2026."));
                None
            }
        },
    };
    let (from, to) = (day("Từ ngày", query.tu.as_deref()), day("Đến ngày", query.den.as_deref()));
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        problems.push("Từ ngày phải trước hoặc bằng đến ngày.".into());
    }
    let (Some(fonds_id), Some(from), Some(to), true) = (fonds_id, from, to, problems.is_empty()) else {
        return package_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, context! { record_problems => problems }).await;
    };
    let fonds = records::fonds_for(&state, &ctx, Action::PlanView, fonds_id).await?;
    // The days in Vietnam time, as UTC instants the way they are stored.
    let instant = |d: chrono::NaiveDate| {
        kho_store::stored(
            d.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(crate::reports::vietnam()).unwrap().with_timezone(&chrono::Utc),
        )
    };
    let (items, total) = state
        .store
        .received_packages(&ctx.actor.visibility(), fonds_id, &instant(from), &instant(to + chrono::Days::new(1)), HANDOVER_MOST)
        .await?;
    let (from, to) = (from.format("%d/%m/%Y").to_string(), to.format("%d/%m/%Y").to_string());
    if total == 0 {
        return Err(PageError::NotYet(format!("Phông {} chưa nhận gói nào từ {from} đến {to}.", fonds.fields.code)));
    }
    if total > HANDOVER_MOST {
        return Err(PageError::NotYet(format!(
            "Từ {from} đến {to} phông {} nhận {} hồ sơ, quá {} hồ sơ một biên bản: chọn khoảng ngày ngắn hơn.",
            fonds.fields.code,
            vn::integer(total),
            vn::integer(HANDOVER_MOST)
        )));
    }
    let span = |r: &kho_store::ReceivedPackage| {
        let year = |d: &Option<String>| d.as_deref().and_then(|d| d.get(..4)).unwrap_or_default().to_string();
        let (s, e) = (year(&r.start_date), year(&r.end_date));
        if s == e || e.is_empty() { s } else { format!("{s} – {e}") }
    };
    let handed: Vec<kho_documents::official::HandedOver> = items
        .iter()
        .map(|r| kho_documents::official::HandedOver {
            file_code: r.file_code.clone(),
            title: r.title.clone(),
            span: span(r),
            documents: r.receipt.documents,
            pages: r.receipt.pages,
            files: r.receipt.files,
            bytes: r.receipt.bytes,
            signers: r.receipt.signers.clone(),
        })
        .collect();
    let (y, m, d) = (today.year() as u16, today.month() as u8, today.day() as u8);
    let handover = kho_documents::official::Handover {
        giving: unit_name(&state, fonds.fields.unit_id).await?,
        fonds: format!("{} (mã phông {})", fonds.fields.name, fonds.fields.code),
        from,
        to,
        on: kho_model::ArchiveDate::full(y, m, d).ok_or_else(|| PageError::Internal("ngày hôm nay".into()))?,
    };
    let receiving = crate::respond::keeping_archive(&state).await?;
    let province = state.store.plan().await?.map(|p| p.plan.meta.province).unwrap_or_else(|| "……".into());
    let doc = kho_documents::official::package_handover_record(&handover, &handed, &receiving, &province);
    paper(doc, format, &format!("bien-ban-giao-nhan-tai-lieu-so-{}", fonds.fields.code)).await
}

/// Receives a package (ZIP) from another Kho into this catalogue, as `kho package import` does:
/// checked whole, every problem listed and nothing created, or the hồ sơ with its văn bản and
/// copies; a package received before creates nothing. Audited either way.
async fn package_receive(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    use kho_digitize::package::Receipt;
    match receive_package(&state, &ctx, multipart).await? {
        Ok(Receipt::Created { dossier, file_code, fonds, documents, files, bytes, signers }) => {
            package_page(
                &state,
                &ctx,
                StatusCode::OK,
                context! { created => context! { dossier, file_code, fonds, documents, files, bytes, signers } },
            )
            .await
        }
        Ok(Receipt::AlreadyHere { dossier, file_code }) => {
            package_page(&state, &ctx, StatusCode::OK, context! { already => context! { dossier, file_code } }).await
        }
        Err(problems) => package_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, context! { problems }).await,
    }
}

/// The package of an upload form (`file`, and `phong`: the fonds to receive it into when the
/// package names none here), received and audited: what it created, or every problem.
async fn receive_package(
    state: &AppState,
    ctx: &Ctx,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<kho_digitize::package::Receipt, Vec<String>>, PageError> {
    let limit_mb = state.config.max_upload / 1024 / 1024;
    let Ok(mut multipart) = multipart else {
        return Ok(Err(vec!["Không đọc được tệp gửi lên; hãy chọn tệp ZIP của gói rồi bấm Nhận.".into()]));
    };
    use crate::attachments::{DiskPart, Part};
    let (mut file, mut fonds) = (None, None);
    loop {
        match crate::attachments::next_part_on_disk(state, &mut multipart, limit_mb).await {
            Ok(Some(DiskPart::File { name, file: received })) => file = Some((name, received)),
            Ok(Some(DiskPart::Other(Part::Field { name, value }))) if name == "phong" => {
                fonds = Some(value.trim().to_string()).filter(|v| !v.is_empty())
            }
            Ok(Some(DiskPart::Other(Part::BadName(message)))) => return Ok(Err(vec![message])),
            Ok(Some(DiskPart::Other(_))) => {}
            Ok(None) => break,
            Err(_) => return Ok(Err(vec![format!("Tệp gửi lên bị gián đoạn hoặc lớn quá {limit_mb} MB.")])),
        }
    }
    // The package is read from where it was received, not from memory: a handover of gigabytes
    // costs what its largest copy costs, as on the command line.
    let opened = file.as_ref().and_then(|(_, received)| std::fs::File::open(received.path()).ok());
    let (Some((file_name, _received)), Some(opened)) = (file, opened.filter(|f| f.metadata().is_ok_and(|m| m.len() > 0))) else {
        return Ok(Err(vec!["Chưa chọn tệp, hoặc tệp rỗng.".into()]));
    };
    let received = kho_digitize::package::receive(
        &state.store,
        &state.blobs,
        &ctx.actor,
        std::io::BufReader::new(opened),
        fonds.as_deref(),
        &state.config.trusted_signers,
    )
    .await;
    let mut event = ctx.event("package.import", "dossier", None, "ok");
    match &received {
        Ok(kho_digitize::package::Receipt::Created { dossier, file_code, .. }) => {
            event.resource_id = Some(*dossier);
            event.detail = Some(format!("{file_name}: hồ sơ {file_code}"));
        }
        Ok(kho_digitize::package::Receipt::AlreadyHere { dossier, file_code }) => {
            event.resource_id = Some(*dossier);
            event.detail = Some(format!("{file_name}: hồ sơ {file_code} đã có"));
        }
        Err(problems) => {
            event.outcome = "refused".into();
            event.detail = Some(format!("{file_name}: {} lỗi", problems.len()));
        }
    }
    state.store.audit(event).await?;
    Ok(received)
}

/// `/api/v1/packages`: a package received by API.
pub fn api_routes(max_upload: usize) -> Router<AppState> {
    Router::new().route("/packages", axum::routing::post(api_package).layer(axum::extract::DefaultBodyLimit::max(max_upload)))
}

/// A package (SIP/AIP as ZIP, TT 05/2025) from another Kho or a commune's system (multipart:
/// `file`, and `phong`, the fonds id, when the package's fonds is not here), checked whole as the
/// Tiếp nhận gói page and `kho package import` check it: every problem listed and nothing created,
/// or the hồ sơ with its văn bản and copies. A package received before creates nothing.
#[utoipa::path(post, path = "/api/v1/packages", tag = "Tiếp nhận",
    request_body(content_type = "multipart/form-data", description = "file: gói ZIP; phong (không bắt buộc): id phông nhận"),
    responses(
        (status = 201, description = "Đã tạo hồ sơ", example = json!({ "dossierId": 912, "fileCode": "H27.01.06.02.01.2019.01",
            "fonds": "X27", "documents": 14, "files": 15, "bytes": 48213344, "signers": ["UBND xã Mường Ảng"] })),
        (status = 200, description = "Gói đã nhận trước đây: alreadyHere, dossierId, fileCode"),
        (status = 422, description = "Không tạo gì: problems nêu từng lỗi", body = ApiErrorBody)))]
pub(crate) async fn api_package(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    use kho_digitize::package::Receipt;
    Ok(match receive_package(&state, &ctx, multipart).await? {
        Ok(Receipt::Created { dossier, file_code, fonds, documents, files, bytes, signers }) => (
            StatusCode::CREATED,
            [(axum::http::header::LOCATION, format!("/api/v1/dossiers/{dossier}"))],
            Json(json!({ "dossierId": dossier, "fileCode": file_code, "fonds": fonds, "documents": documents, "files": files, "bytes": bytes, "signers": signers })),
        )
            .into_response(),
        Ok(Receipt::AlreadyHere { dossier, file_code }) => {
            Json(json!({ "alreadyHere": true, "dossierId": dossier, "fileCode": file_code })).into_response()
        }
        Err(problems) => {
            return Err(ApiError::refused("package_refused", format!("Không nhận gói: {}", problems.join(" · "))).with("problems", json!(problems)));
        }
    })
}
