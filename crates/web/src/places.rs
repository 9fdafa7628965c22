//! Kho lưu trữ in the browser: places (kho → giá → khoang → tầng), the hộp of a fonds on them
//! with what each holds, box labels (nhãn hộp) as PDF, and the fonds' figures after chỉnh lý.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::records;
use crate::respond::{PaperFormat, paper};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use kho_model::access::Action;
use kho_model::record::Fonds;
use kho_model::vn;
use minijinja::{Value, context};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kho-luu-tru", get(locations).post(create_location))
        .route("/phong/{id}/hop", get(boxes).post(fill_box))
        .route("/phong/{id}/nhan-hop.pdf", get(labels))
}

fn render(state: &AppState, ctx: &Ctx, template: &str, title: &str, status: StatusCode, values: Value) -> Result<Response, PageError> {
    crate::pages::Page::new(template, "chinh-ly", title).status(status).render(state, Some(ctx), values)
}

async fn location_choices(state: &AppState) -> Result<Vec<Value>, PageError> {
    let mut out = Vec::new();
    for place in state.store.locations().await? {
        out.push(context! { id => place.id, path => state.store.location_path(place.id).await? });
    }
    out.sort_by_key(|v| v.get_attr("path").map(|p| p.to_string()).unwrap_or_default());
    Ok(out)
}

async fn locations_page(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<String>) -> Result<Response, PageError> {
    let places = location_choices(state).await?;
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    render(state, ctx, "locations.html", "Kho lưu trữ", status, context! { places, may_edit, error })
}

async fn locations(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    locations_page(&state, &ctx, StatusCode::OK, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NewLocation {
    parent_id: String,
    kind: String,
    name: String,
}

async fn create_location(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    form: Result<Form<NewLocation>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let name = kho_model::text::clean(&form.name);
    let Some(kind) = kho_store::kind_from_code(form.kind.trim()) else {
        return locations_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Loại vị trí: chọn kho, giá, khoang hoặc tầng.".into()),
        )
        .await;
    };
    if name.is_empty() || name.chars().count() > 100 {
        return locations_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Tên vị trí: bắt buộc, tối đa 100 ký tự (ví dụ “1”, “A”).".into()),
        )
        .await;
    }
    let parent = form.parent_id.trim().parse::<i64>().ok();
    match state.store.create_location(parent, kind, &name).await {
        Ok(id) => {
            state.store.audit(ctx.event("location.create", "location", Some(id), "ok")).await?;
            Ok(Redirect::to("/kho-luu-tru").into_response())
        }
        Err(kho_store::StoreError::Conflict(e)) => locations_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(e.message)).await,
        Err(e) => Err(e.into()),
    }
}

async fn boxes_page(state: &AppState, ctx: &Ctx, fonds: &Fonds, status: StatusCode, error: Option<String>) -> Result<Response, PageError> {
    let mut rows = Vec::new();
    for b in state.store.boxes(&ctx.actor.visibility(), fonds.id).await? {
        let place = match b.location_id {
            Some(l) => Some(state.store.location_path(l).await?),
            None => None,
        };
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
            rows, inventories, places => location_choices(state).await?, may_edit, error,
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

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FillBox {
    number: String,
    location_id: String,
    thickness_mm: String,
    inventory_id: String,
    from: String,
    to: String,
}

async fn fill_box(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    form: Result<Form<FillBox>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let refuse = |message: &str| boxes_page(&state, &ctx, &fonds, StatusCode::UNPROCESSABLE_ENTITY, Some(message.to_string()));
    let Some(number) = form.number.trim().parse::<u32>().ok().filter(|n| *n > 0) else {
        return refuse("Hộp số: nhập số nguyên dương.").await;
    };
    let thickness = match form.thickness_mm.trim() {
        "" => None,
        t => match t.parse::<u32>() {
            Ok(mm) if (1..=500).contains(&mm) => Some(mm),
            _ => return refuse("Độ dày hộp (mm): số nguyên từ 1 đến 500, ví dụ 100.").await,
        },
    };
    let range = match (form.from.trim(), form.to.trim()) {
        ("", "") => None,
        (a, b) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a >= 1 && a <= b => Some((a, b)),
            _ => return refuse("Hồ sơ số từ … đến …: hai số nguyên, số đầu không lớn hơn số cuối.").await,
        },
    };
    let inventory = form.inventory_id.trim().parse::<i64>().ok();
    if range.is_some() && inventory.is_none() {
        return refuse("Chọn mục lục của các hồ sơ đưa vào hộp.").await;
    }
    if let Some(inventory) = inventory {
        let (_, owner) = records::inventory_for(&state, &ctx, Action::CatalogueEdit, inventory).await?;
        if owner.id != fonds.id {
            return refuse("Mục lục không thuộc phông này.").await;
        }
    }
    match state.store.fill_box(fonds.id, number, form.location_id.trim().parse().ok(), thickness, inventory, range).await {
        Ok(box_id) => {
            let mut event = ctx.event("box.fill", "box", Some(box_id), "ok");
            event.detail = Some(format!("hộp {number}{}", range.map(|(a, b)| format!(", hồ sơ {a}–{b}")).unwrap_or_default()));
            state.store.audit(event).await?;
            Ok(Redirect::to(&format!("/phong/{id}/hop")).into_response())
        }
        Err(kho_store::StoreError::Conflict(e)) => refuse(&e.message).await,
        Err(e) => Err(e.into()),
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
