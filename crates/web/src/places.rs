//! Kho lưu trữ in the browser: places (kho → giá → khoang → tầng), the hộp of a fonds on them
//! with what each holds, box labels (nhãn hộp) as PDF, and the fonds' figures after chỉnh lý.

use crate::AppState;
use crate::api::Body;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::records;
use crate::respond::{PaperFormat, paper};
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use kho_model::access::Action;
use kho_model::record::Fonds;
use kho_model::vn;
use minijinja::{Value, context};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kho-luu-tru", get(locations).post(create_location))
        .route("/phong/{id}/hop", get(boxes).post(fill_box))
        .route("/phong/{id}/hop.xlsx", get(|s, c, p| boxes_file(s, c, p, PaperFormat::Xlsx)))
        .route("/phong/{id}/hop.csv", get(|s, c, p| boxes_file(s, c, p, PaperFormat::Csv)))
        .route("/phong/{id}/nhan-hop.pdf", get(labels))
}

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/storage-places", get(api_places).post(api_place_create))
        .route("/fonds/{id}/boxes", get(api_boxes).post(api_box_fill))
}

fn render(state: &AppState, ctx: &Ctx, template: &str, title: &str, status: StatusCode, values: Value) -> Result<Response, PageError> {
    crate::pages::Page::new(template, "chinh-ly", title).status(status).render(state, Some(ctx), values)
}

fn location_choices(located: &[(kho_model::record::Location, String)]) -> Vec<Value> {
    located.iter().map(|(place, path)| context! { id => place.id, path }).collect()
}

async fn locations_page(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<String>) -> Result<Response, PageError> {
    let places = location_choices(&state.store.location_paths().await?);
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    render(state, ctx, "locations.html", "Kho lưu trữ", status, context! { places, may_edit, error })
}

async fn locations(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    locations_page(&state, &ctx, StatusCode::OK, None).await
}

/// A place as a person adds it: the place it stands in (none for a kho), its kind (kho, gia,
/// khoang, tang) and its name. The page's form and the API send the same fields.
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PlaceForm {
    #[serde(alias = "parent_id", deserialize_with = "kho_model::record::text_like")]
    parent_id: String,
    kind: String,
    name: String,
}

/// Adds a place, checked and audited: the page and the API do it here. `Err` is why not, in
/// words a clerk can act on.
pub(crate) async fn add_place(state: &AppState, ctx: &Ctx, form: &PlaceForm) -> Result<Result<i64, String>, PageError> {
    let name = kho_model::text::clean(&form.name);
    let Some(kind) = kho_store::kind_from_code(form.kind.trim()) else {
        return Ok(Err("Loại vị trí: chọn kho, giá, khoang hoặc tầng (kho, gia, khoang, tang).".into()));
    };
    if name.is_empty() || name.chars().count() > 100 {
        return Ok(Err("Tên vị trí: bắt buộc, tối đa 100 ký tự (ví dụ “1”, “A”).".into()));
    }
    let parent = match form.parent_id.trim() {
        "" => None,
        p => match p.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return Ok(Err(format!("Nằm trong: “{p}” không phải mã một vị trí."))),
        },
    };
    match state.store.create_location(parent, kind, &name).await {
        Ok(id) => {
            state.store.audit(ctx.event("location.create", "location", Some(id), "ok")).await?;
            Ok(Ok(id))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err(e.message)),
        Err(kho_store::StoreError::NotFound(_)) => Ok(Err("Nằm trong: không có vị trí này trong kho lưu trữ.".into())),
        Err(e) => Err(e.into()),
    }
}

async fn create_location(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    form: Result<Form<PlaceForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    match add_place(&state, &ctx, &form).await? {
        Ok(_) => Ok(Redirect::to("/kho-luu-tru").into_response()),
        Err(message) => locations_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await,
    }
}

/// The hộp of a fonds with the path of the place each stands on (the page and the API show
/// these), and every place with its path.
async fn placed_boxes(
    state: &AppState,
    ctx: &Ctx,
    fonds_id: i64,
) -> Result<(Vec<(kho_store::BoxRow, Option<String>)>, Vec<(kho_model::record::Location, String)>), kho_store::StoreError> {
    let located = state.store.location_paths().await?;
    let paths: std::collections::HashMap<i64, &String> = located.iter().map(|(place, path)| (place.id, path)).collect();
    let boxes = state
        .store
        .boxes(&ctx.actor.visibility(), fonds_id)
        .await?
        .into_iter()
        .map(|b| {
            let place = b.location_id.and_then(|l| paths.get(&l).map(|p| p.to_string()));
            (b, place)
        })
        .collect();
    Ok((boxes, located))
}

async fn boxes_page(state: &AppState, ctx: &Ctx, fonds: &Fonds, status: StatusCode, error: Option<String>) -> Result<Response, PageError> {
    let (boxes, located) = placed_boxes(state, ctx, fonds.id).await?;
    let mut rows = Vec::new();
    for (b, place) in boxes {
        rows.push(context! {
            number => b.number, place, thickness => b.thickness_mm, dossiers => b.dossiers,
            range => match (b.first_number, b.last_number) { (Some(a), Some(z)) => format!("{a} – {z}"), _ => String::new() },
            years => match (b.first_year, b.last_year) { (Some(a), Some(z)) if a == z => a.to_string(), (Some(a), Some(z)) => format!("{a} – {z}"), _ => String::new() },
        });
    }
    let stats = state.store.fonds_statistics(&ctx.actor.visibility(), fonds.id).await?;
    let inventories: Vec<Value> = state
        .store
        .list_inventories(&ctx.actor.visibility(), fonds.id)
        .await?
        .iter()
        .map(|i| context! { id => i.id, number => i.fields.number })
        .collect();
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    render(
        state,
        ctx,
        "boxes.html",
        &format!("Hộp — phông {}", fonds.fields.code),
        status,
        context! {
            fonds => context! { id => fonds.id, code => fonds.fields.code.to_string(), name => fonds.fields.name.clone() },
            rows, inventories, places => location_choices(&located), may_edit, error,
            stats => context! {
                boxes => stats.boxes, metres => vn::hundredths(stats.thickness_mm / 10), dossiers => stats.dossiers,
                documents => stats.documents, destroyed => stats.destroyed, proposed => stats.proposed,
                destroyed_metres => vn::hundredths(stats.destroyed_metres),
            },
        },
    )
}

async fn boxes(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    boxes_page(&state, &ctx, &fonds, StatusCode::OK, None).await
}

/// The hộp of a fonds with where each stands and what it holds, as XLSX or CSV for other systems.
async fn boxes_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let (boxes, _) = placed_boxes(&state, &ctx, fonds.id).await?;
    let rows: Vec<Vec<String>> = boxes
        .into_iter()
        .enumerate()
        .map(|(n, (b, place))| {
            let span = |a: Option<i64>, z: Option<i64>| match (a, z) {
                (Some(a), Some(z)) if a == z => a.to_string(),
                (Some(a), Some(z)) => format!("{a} – {z}"),
                _ => String::new(),
            };
            vec![
                vn::integer(n as i64 + 1),
                vn::integer(b.number.into()),
                place.unwrap_or_default(),
                b.thickness_mm.map(|mm| vn::integer(mm.into())).unwrap_or_default(),
                span(b.first_number.map(i64::from), b.last_number.map(i64::from)),
                vn::integer(b.dossiers),
                span(b.first_year, b.last_year),
            ]
        })
        .collect();
    let columns =
        [("STT", 0.5), ("Hộp số", 0.6), ("Vị trí", 2.0), ("Độ dày (mm)", 0.8), ("Hồ sơ số", 1.0), ("Số hồ sơ", 0.8), ("Năm", 0.9)];
    let title = format!("DANH SÁCH HỘP — PHÔNG {}", fonds.fields.code);
    let name = format!("hop-phong-{}", kho_model::ids::file_stem(&fonds.fields.code.to_string()));
    crate::respond::list_file(&state, &title, &columns, &[0, 1, 3, 5], rows, format, &name).await
}

/// A hộp filled as a person records it: its number, where it stands, how thick it is, and the
/// hồ sơ số from … to … of a mục lục it holds. The page's form and the API send the same fields.
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct BoxForm {
    #[serde(deserialize_with = "kho_model::record::text_like")]
    number: String,
    #[serde(alias = "location_id", deserialize_with = "kho_model::record::text_like")]
    location_id: String,
    #[serde(alias = "thickness_mm", deserialize_with = "kho_model::record::text_like")]
    thickness_mm: String,
    #[serde(alias = "inventory_id", deserialize_with = "kho_model::record::text_like")]
    inventory_id: String,
    #[serde(deserialize_with = "kho_model::record::text_like")]
    from: String,
    #[serde(deserialize_with = "kho_model::record::text_like")]
    to: String,
}

/// Fills (or moves, or re-measures) a hộp of `fonds`, checked and audited: the page and the API
/// do it here. `Err` is why not, in words a clerk can act on.
pub(crate) async fn fill(state: &AppState, ctx: &Ctx, fonds: &Fonds, form: &BoxForm) -> Result<Result<i64, String>, PageError> {
    let refuse = |message: &str| Ok(Err(message.to_string()));
    let Some(number) = form.number.trim().parse::<u32>().ok().filter(|n| *n > 0) else {
        return refuse("Hộp số: nhập số nguyên dương.");
    };
    let thickness = match form.thickness_mm.trim() {
        "" => None,
        t => match t.parse::<u32>() {
            Ok(mm) if (1..=500).contains(&mm) => Some(mm),
            _ => return refuse("Độ dày hộp (mm): số nguyên từ 1 đến 500, ví dụ 100."),
        },
    };
    let range = match (form.from.trim(), form.to.trim()) {
        ("", "") => None,
        (a, b) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a >= 1 && a <= b => Some((a, b)),
            _ => return refuse("Hồ sơ số từ … đến …: hai số nguyên, số đầu không lớn hơn số cuối."),
        },
    };
    let location = match form.location_id.trim() {
        "" => None,
        l => match l.parse::<i64>() {
            Ok(id) if state.store.locations().await?.iter().any(|p| p.id == id) => Some(id),
            _ => return refuse("Vị trí: chọn một vị trí có trong kho lưu trữ."),
        },
    };
    let inventory = form.inventory_id.trim().parse::<i64>().ok();
    if range.is_some() && inventory.is_none() {
        return refuse("Chọn mục lục của các hồ sơ đưa vào hộp.");
    }
    if let Some(inventory) = inventory {
        let (_, owner) = records::inventory_for(state, ctx, Action::CatalogueEdit, inventory).await?;
        if owner.id != fonds.id {
            return refuse("Mục lục không thuộc phông này.");
        }
    }
    match state.store.fill_box(fonds.id, number, location, thickness, inventory, range).await {
        Ok(box_id) => {
            let mut event = ctx.event("box.fill", "box", Some(box_id), "ok");
            event.detail = Some(format!("hộp {number}{}", range.map(|(a, b)| format!(", hồ sơ {a}–{b}")).unwrap_or_default()));
            state.store.audit(event).await?;
            Ok(Ok(box_id))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err(e.message)),
        Err(e) => Err(e.into()),
    }
}

async fn fill_box(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<BoxForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let form = form.map(|Form(f)| f).unwrap_or_default();
    match fill(&state, &ctx, &fonds, &form).await? {
        Ok(_) => Ok(Redirect::to(&format!("/phong/{id}/hop")).into_response()),
        Err(message) => boxes_page(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await,
    }
}

/// Nhãn hộp: two labels a row, each with the archive, fonds, box number, hồ sơ and years.
async fn labels(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let archive = state.store.unit(fonds.fields.custodian_unit_id.unwrap_or(fonds.fields.unit_id)).await?.name;
    let boxes = state.store.boxes(&ctx.actor.visibility(), id).await?;
    if boxes.is_empty() {
        return Err(PageError::NotYet("Phông chưa có hộp nào để in nhãn.".into()));
    }
    let label = |b: &kho_store::BoxRow| {
        let mut lines =
            vec![archive.to_uppercase(), format!("Phông: {} ({})", fonds.fields.name, fonds.fields.code), format!("HỘP SỐ: {}", b.number)];
        if let (Some(a), Some(z)) = (b.first_number, b.last_number) {
            lines.push(format!("Từ hồ sơ số {a} đến hồ sơ số {z}"));
        }
        if let (Some(a), Some(z)) = (b.first_year, b.last_year) {
            lines.push(if a == z { format!("Năm: {a}") } else { format!("Năm: {a} – {z}") });
        }
        lines.join("\n")
    };
    let rows: Vec<Vec<String>> =
        boxes.chunks(2).map(|pair| pair.iter().map(label).chain(std::iter::once(String::new())).take(2).collect()).collect();
    let document = kho_documents::official::OfficialDocument {
        issuer: vec![],
        number: None,
        national_heading: false,
        place_and_date: None,
        title: "NHÃN HỘP".into(),
        subtitle: Some(format!("Phông {} — {} hộp", fonds.fields.code, boxes.len())),
        body: vec![kho_documents::official::Block::Table(kho_documents::official::Table {
            numeric: vec![],
            columns: vec![(String::new(), 1.0), (String::new(), 1.0)],
            rows,
        })],
        signatures: vec![],
    };
    paper(document, PaperFormat::Pdf, &format!("nhan-hop-{}", fonds.fields.code)).await
}

// ---- the same through the API ----

/// Every place of the kho lưu trữ with its path, in the order of their paths.
#[utoipa::path(get, path = "/api/v1/storage-places", tag = "Kho lưu trữ", responses(
    (status = 200, description = "Các vị trí: id, parentId, kind (kho, gia, khoang, tang), name, path",
        example = json!([{ "id": 1, "parentId": null, "kind": "repository", "name": "1", "path": "Kho 1" }]))))]
pub(crate) async fn api_places(State(state): State<AppState>) -> Result<Response, ApiError> {
    let places: Vec<_> = state
        .store
        .location_paths()
        .await?
        .into_iter()
        .map(|(p, path)| json!({ "id": p.id, "parentId": p.parent_id, "kind": p.kind, "name": p.name, "path": path }))
        .collect();
    Ok(Json(places).into_response())
}

/// Adds a place, as the page's form does: a kho at the top, a giá in a kho, a khoang in a giá, a
/// tầng in a giá or a khoang.
#[utoipa::path(post, path = "/api/v1/storage-places", tag = "Kho lưu trữ", request_body(content = PlaceForm,
    example = json!({ "parentId": 1, "kind": "gia", "name": "3" })), responses(
    (status = 201, description = "Đã thêm; Location là danh sách vị trí"),
    (status = 422, description = "Vì sao không thêm được", body = ApiErrorBody)))]
pub(crate) async fn api_place_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Body(form): Body<PlaceForm>,
) -> Result<Response, ApiError> {
    match add_place(&state, &ctx, &form).await? {
        Ok(id) => Ok((StatusCode::CREATED, [(header::LOCATION, "/api/v1/storage-places")], Json(json!({ "id": id }))).into_response()),
        Err(message) => Err(ApiError::refused("invalid_place", message)),
    }
}

/// The hộp of a fonds with what each holds of what the caller may see, where it stands, and the
/// fonds' figures after chỉnh lý.
#[utoipa::path(get, path = "/api/v1/fonds/{id}/boxes", tag = "Kho lưu trữ", params(("id" = i64, Path)), responses(
    (status = 200, description = "boxes: hộp số, vị trí, độ dày, số hồ sơ, hồ sơ số đầu và cuối, năm; statistics: số hộp, độ dày, hồ sơ, văn bản, đã hủy",
        example = json!({ "boxes": [{ "id": 7, "number": 1, "locationId": 4, "place": "Kho 1 › Giá 3 › Tầng 2", "thicknessMm": 100,
            "dossiers": 12, "firstNumber": 1, "lastNumber": 12, "firstYear": 2015, "lastYear": 2016 }],
            "statistics": { "boxes": 1, "thicknessMm": 100, "dossiers": 12, "documents": 140, "destroyed": 0, "destroyedMetres": 0, "proposed": 0 } })),
    (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_boxes(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let (boxes, _) = placed_boxes(&state, &ctx, fonds.id).await?;
    let boxes: Vec<_> = boxes
        .into_iter()
        .map(|(b, place)| {
            let mut value = serde_json::to_value(&b).unwrap_or_default();
            value["place"] = json!(place);
            value
        })
        .collect();
    let statistics = state.store.fonds_statistics(&ctx.actor.visibility(), fonds.id).await?;
    Ok(Json(json!({ "boxes": boxes, "statistics": statistics })).into_response())
}

/// Fills, moves or re-measures a hộp, as the page's form does: the hồ sơ số from … to … of a mục
/// lục go into it.
#[utoipa::path(post, path = "/api/v1/fonds/{id}/boxes", tag = "Kho lưu trữ", params(("id" = i64, Path)), request_body(content = BoxForm,
    example = json!({ "number": 5, "locationId": 4, "thicknessMm": 100, "inventoryId": 2, "from": 40, "to": 45 })), responses(
    (status = 200, description = "Đã ghi hộp"), (status = 422, description = "Vì sao không ghi được", body = ApiErrorBody),
    (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_box_fill(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(form): Body<BoxForm>,
) -> Result<Response, ApiError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    match fill(&state, &ctx, &fonds, &form).await? {
        Ok(box_id) => Ok(Json(json!({ "id": box_id })).into_response()),
        Err(message) => Err(ApiError::refused("invalid_box", message)),
    }
}
