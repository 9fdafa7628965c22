//! The JSON API under `/api/v1/`. Every refusal is JSON with a stable code and a Vietnamese
//! message; the OpenAPI document at `/api/v1/openapi.json` is generated from these handlers.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody};
use crate::records::{self, Refused};
use axum::Extension;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kho_model::access::Action;
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput, UnitInput};
use kho_store::{ListDossiers, Seek};
use serde::Deserialize;
use serde_json::json;
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/search", get(crate::search::api))
        .route("/plan", get(plan))
        .route("/units", get(units).post(unit_create))
        .route("/units/{id}", get(unit).put(unit_update))
        .route("/units/{id}/outside-work", axum::routing::post(outside_work_create))
        .route("/fonds", get(fonds_list).post(fonds_create))
        .route("/fonds/{id}", get(fonds_get).put(fonds_update))
        .route("/fonds/{id}/inventories", get(inventories).post(inventory_create))
        .route("/inventories/{id}", get(inventory_get).put(inventory_update))
        .route("/inventories/{id}/dossiers", get(dossiers).post(dossier_create))
        .route("/dossiers/{id}", get(dossier_get).put(dossier_update))
        .route("/dossiers/{id}/documents", get(documents).post(document_create))
        .route("/documents/{id}", get(document_get).put(document_update))
        .route("/accessions", get(accessions).post(accession_create))
        .route("/accessions/{id}", get(accession_get))
        .route("/fonds/{id}/arrangement", get(arrangement))
        .route("/fonds/{id}/arrangement/steps", axum::routing::post(arrangement_step))
        .route("/fonds/{id}/arrangement/scheme", axum::routing::put(arrangement_scheme))
        .route("/inventories/{id}/numbering", get(numbering).post(numbering_apply))
        .route("/inventories/{id}/entries", get(entries).post(entry_create))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "Không có địa chỉ API này.") })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kho API", description = "Kho lưu trữ: kế hoạch, phông, mục lục, hồ sơ và văn bản theo TT 05/2025/TT-BNV."),
    paths(
        plan,
        units,
        unit,
        unit_create,
        unit_update,
        outside_work_create,
        fonds_list,
        fonds_create,
        fonds_get,
        fonds_update,
        inventories,
        inventory_create,
        inventory_get,
        inventory_update,
        dossiers,
        dossier_create,
        dossier_get,
        dossier_update,
        documents,
        document_create,
        document_get,
        document_update,
        crate::digitization::api_batches,
        crate::digitization::api_batch_create,
        crate::digitization::api_batch,
        crate::digitization::api_queue,
        crate::digitization::api_upload,
        crate::digitization::api_renditions,
        crate::digitization::api_piece_status,
        crate::digitization::api_piece_put,
        crate::digitization::api_download,
        crate::digitization::api_priority,
        crate::digitization::api_frequent_use,
        crate::digitization::api_retry,
        accessions,
        accession_create,
        accession_get,
        arrangement,
        arrangement_step,
        arrangement_scheme,
        numbering,
        numbering_apply,
        entries,
        entry_create,
        crate::disposal::api_lists,
        crate::disposal::api_propose,
        crate::disposal::api_list,
        crate::disposal::api_council,
        crate::disposal::api_appraisal,
        crate::disposal::api_decision,
        crate::disposal::api_destruction,
        crate::digitization::api_export,
        crate::places::api_places,
        crate::places::api_place_create,
        crate::places::api_boxes,
        crate::places::api_box_fill,
        crate::search::api,
        crate::access::api_submit,
        crate::access::api_list,
        crate::access::api_show,
        crate::access::api_decide,
        crate::access::api_copy,
        crate::access::api_package,
        crate::access::api_statistics,
        crate::cost::api_costs,
        crate::cost::api_norms,
        crate::cost::api_complexity,
        crate::cost::api_budget_line,
        crate::attachments::api_dossier_files,
        crate::attachments::api_dossier_upload,
        crate::attachments::api_edxml,
        crate::attachments::api_accession_files,
        crate::attachments::api_accession_upload,
        crate::attachments::api_download,
        crate::import::api_import,
        crate::accessions::api_package,
        crate::reports::api_annual,
        crate::admin::api_users,
        crate::admin::api_user_create,
        crate::admin::api_user_update,
        crate::admin::api_user_password,
        crate::admin::api_proposals,
        crate::admin::api_proposal_decide,
        crate::admin::api_tokens,
        crate::admin::api_token_revoke,
        crate::admin::api_own_tokens,
        crate::admin::api_own_token_create,
        crate::admin::api_own_token_revoke,
        crate::retention::api_rules,
        crate::retention::api_replace,
        crate::retention::api_suggest,
        crate::admin::api_audit,
        crate::digitization::api_package,
        crate::preservation::api_runs,
        crate::preservation::api_run,
        crate::admin::api_own_password,
        crate::viewer::api_page,
        crate::viewer::api_image
    ),
    components(schemas(
        ApiErrorBody,
        UnitInput,
        kho_model::plan::OutsideWorkInput,
        FondsInput,
        InventoryInput,
        DossierInput,
        DocumentInput,
        kho_model::accession::AccessionInput,
        crate::arrangement::StepForm,
        crate::arrangement::SchemeForm,
        crate::arrangement::Order,
        crate::arrangement::PhieuTin,
        crate::disposal::ProposalInput,
        crate::disposal::ProposalItem,
        crate::disposal::StepBody,
        kho_model::FieldError,
        crate::digitization::BatchInput,
        crate::digitization::PriorityInput,
        crate::digitization::FrequentUseInput,
        crate::places::PlaceForm,
        crate::places::BoxForm,
        crate::access::AccessRequestInput,
        crate::access::DecisionInput,
        crate::cost::NormsInput,
        crate::cost::NormInput,
        crate::cost::ComplexityInput,
        crate::cost::BudgetLineInput,
        kho_model::cost::BudgetInput,
        crate::admin::UserInput,
        crate::admin::PasswordInput,
        crate::admin::ProposalDecision,
        crate::admin::TokenInput,
        crate::admin::OwnPasswordInput
    ))
)]
struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A JSON body, refused in Vietnamese when it is not JSON or not an object of the expected shape.
pub(crate) struct Body<T>(pub(crate) T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Cần gửi nội dung JSON với Content-Type: application/json.",
                ),
                JsonRejection::JsonSyntaxError(e) => {
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("Nội dung không phải JSON hợp lệ: {}.", e.body_text()))
                }
                JsonRejection::JsonDataError(e) => {
                    ApiError::refused("invalid_json_shape", format!("JSON không đúng cấu trúc: {}.", e.body_text()))
                }
                other => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    format!("Không đọc được nội dung gửi lên: {}.", other.body_text()),
                ),
            }),
        }
    }
}

fn created(outcome: Result<i64, Refused>, location: impl Fn(i64) -> String) -> Result<Response, ApiError> {
    match outcome {
        Ok(id) => Ok((StatusCode::CREATED, [(axum::http::header::LOCATION, location(id))], Json(json!({ "id": id }))).into_response()),
        Err(refused) => Err(refused.into()),
    }
}

fn updated(outcome: Result<i64, Refused>) -> Result<Response, ApiError> {
    match outcome {
        Ok(id) => Ok(Json(json!({ "id": id })).into_response()),
        Err(refused) => Err(refused.into()),
    }
}

/// The plan: units, volumes, tasks, deadlines, stated totals, totals from the rows, discrepancies.
#[utoipa::path(get, path = "/api/v1/plan", tag = "Kế hoạch", responses(
    (status = 200, description = "Kế hoạch với các đơn vị, khối lượng, nhiệm vụ, thời hạn; tổng theo kế hoạch, tổng cộng từ các dòng và các chỗ không khớp"),
    (status = 404, description = "Chưa nạp kế hoạch", body = ApiErrorBody)))]
async fn plan(State(state): State<AppState>) -> Result<Response, ApiError> {
    let Some(stored) = state.store.plan().await? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no_plan", "Chưa nạp kế hoạch; dùng lệnh kho plan import."));
    };
    let plan = &stored.plan;
    let districts: Vec<_> = plan.districts.iter().zip(&stored.district_units).map(|(d, id)| json!({ "unitId": id, "target": d })).collect();
    let communes: Vec<_> = plan.communes.iter().zip(&stored.commune_units).map(|(c, id)| json!({ "unitId": id, "target": c })).collect();
    Ok(Json(json!({
        "name": plan.meta.name,
        "issuer": plan.meta.issuer,
        "province": plan.meta.province,
        "repository": plan.meta.repository,
        "importedAt": stored.imported_at,
        "deadlines": {
            "districts": plan.meta.district_deadline,
            "communes": plan.meta.commune_deadline,
            "communePriorityPhase": plan.meta.commune_priority_phase,
            "communeExtendedPhase": plan.meta.commune_extended_phase,
            "annualReport": plan.meta.annual_report_day,
        },
        "stated": {
            "districtBags": plan.meta.district_bags_stated,
            "districtMetres": plan.meta.district_metres_stated,
            "communeMetres": plan.meta.commune_metres_stated,
            "communeSecretMetres": plan.meta.commune_secret_metres_stated,
        },
        "computed": plan.computed(),
        "discrepancies": plan.discrepancies(),
        "districts": districts,
        "communes": communes,
        "tasks": plan.tasks,
    }))
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/units", tag = "Đơn vị", responses((status = 200, description = "Các đơn vị")))]
async fn units(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.units().await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "Đơn vị", params(("id" = i64, Path)), responses(
    (status = 200, description = "Đơn vị, dòng của nó trong kế hoạch và số liệu thực hiện ngoài Kho"), (status = 404, body = ApiErrorBody)))]
async fn unit(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let unit = state.store.unit(id).await?;
    let target = state.store.unit_target(id).await?;
    let outside_work = state.store.outside_work(Some(&[id]), None).await?;
    Ok(Json(json!({ "unit": unit, "target": target, "outsideWork": outside_work })).into_response())
}

/// A unit dissolved or merged in the reorganisation (a former district or commune), with the unit
/// that inherits its records, as "Thêm đơn vị" does; the successor must be a unit one works for.
#[utoipa::path(post, path = "/api/v1/units", tag = "Đơn vị", request_body(content = UnitInput, example = json!({
        "name": "Xã Nà Nhạn (cũ)", "kind": "02", "oldAdminCode": "03208", "dissolvedOn": "2025-07-01", "successorId": 12 })),
    responses((status = 201, description = "Đã thêm; Location là địa chỉ của đơn vị"), (status = 422, description = "Từng trường sai và vì sao", body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
async fn unit_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Body(input): Body<UnitInput>,
) -> Result<Response, ApiError> {
    created(records::create_unit(&state, &ctx, &input).await, |id| format!("/api/v1/units/{id}"))
}

/// A unit's description; its kind and successor (which decide who sees its records) only by an
/// administrator, as on the page.
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "Đơn vị", params(("id" = i64, Path)), request_body = UnitInput, responses(
    (status = 200, description = "Đã lưu"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
async fn unit_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<UnitInput>,
) -> Result<Response, ApiError> {
    updated(records::update_unit(&state, &ctx, id, &input).await)
}

/// Work a unit did outside Kho (before Kho, or in another system), counted in the plan's progress
/// and the annual report, with the document that attests it.
#[utoipa::path(post, path = "/api/v1/units/{id}/outside-work", tag = "Đơn vị", params(("id" = i64, Path)),
    request_body(content = kho_model::plan::OutsideWorkInput, example = json!({
        "stage": "chinh_ly", "quantity": "12,5", "doneOn": "15/06/2025", "source": "Biên bản nghiệm thu số 12/BB-UBND ngày 15/6/2025" })),
    responses((status = 201, description = "Đã ghi"), (status = 422, description = "Từng trường sai và vì sao", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
async fn outside_work_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<kho_model::plan::OutsideWorkInput>,
) -> Result<Response, ApiError> {
    created(records::add_outside_work(&state, &ctx, id, &input).await, |_| format!("/api/v1/units/{id}"))
}

#[utoipa::path(get, path = "/api/v1/fonds", tag = "Phông", responses((status = 200, description = "Các phông")))]
async fn fonds_list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, ApiError> {
    Ok(Json(state.store.list_fonds(&ctx.actor.visibility()).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/fonds", tag = "Phông", request_body = FondsInput, responses(
    (status = 201, description = "Đã tạo"), (status = 422, description = "Dữ liệu không hợp lệ", body = ApiErrorBody),
    (status = 409, description = "Trùng mã phông", body = ApiErrorBody)))]
async fn fonds_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Body(input): Body<FondsInput>,
) -> Result<Response, ApiError> {
    created(records::create_fonds(&state, &ctx, &input).await, |id| format!("/api/v1/fonds/{id}"))
}

#[utoipa::path(get, path = "/api/v1/fonds/{id}", tag = "Phông", params(("id" = i64, Path)), responses(
    (status = 200, description = "Phông"), (status = 404, body = ApiErrorBody)))]
async fn fonds_get(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?).into_response())
}

#[utoipa::path(put, path = "/api/v1/fonds/{id}", tag = "Phông", params(("id" = i64, Path)), request_body = FondsInput, responses(
    (status = 200, description = "Đã lưu"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
async fn fonds_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<FondsInput>,
) -> Result<Response, ApiError> {
    updated(records::update_fonds(&state, &ctx, id, &input).await)
}

#[utoipa::path(get, path = "/api/v1/fonds/{id}/inventories", tag = "Mục lục", params(("id" = i64, Path)), responses(
    (status = 200, description = "Các mục lục của phông"), (status = 404, body = ApiErrorBody)))]
async fn inventories(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    Ok(Json(state.store.list_inventories(&ctx.actor.visibility(), id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/fonds/{id}/inventories", tag = "Mục lục", params(("id" = i64, Path)), request_body = InventoryInput, responses(
    (status = 201, description = "Đã tạo"), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
async fn inventory_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<InventoryInput>,
) -> Result<Response, ApiError> {
    created(records::create_inventory(&state, &ctx, id, &input).await, |id| format!("/api/v1/inventories/{id}"))
}

#[utoipa::path(get, path = "/api/v1/inventories/{id}", tag = "Mục lục", params(("id" = i64, Path)), responses(
    (status = 200, description = "Mục lục"), (status = 404, body = ApiErrorBody)))]
async fn inventory_get(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(records::inventory_for(&state, &ctx, Action::CatalogueView, id).await?.0).into_response())
}

#[utoipa::path(put, path = "/api/v1/inventories/{id}", tag = "Mục lục", params(("id" = i64, Path)), request_body = InventoryInput, responses(
    (status = 200, description = "Đã lưu"), (status = 422, body = ApiErrorBody)))]
async fn inventory_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<InventoryInput>,
) -> Result<Response, ApiError> {
    updated(records::update_inventory(&state, &ctx, id, &input).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct DossierQuery {
    /// Words of the title, with or without tone marks.
    q: Option<String>,
    /// The page after this hồ sơ: the `next` of the previous answer.
    after: Option<i64>,
    /// The page before this hồ sơ: the `prev` of the next answer.
    before: Option<i64>,
    /// From hồ sơ số N of the mục lục.
    number: Option<u32>,
    /// Page N (from 1) of `limit` hồ sơ.
    page: Option<u64>,
    /// At most 10.000; 100 when absent.
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/inventories/{id}/dossiers", tag = "Hồ sơ", params(("id" = i64, Path), DossierQuery), responses(
    (status = 200, description = "Hồ sơ của mục lục, theo trang: total, before (số hồ sơ đứng trước trang, khi biết), prev, next (hồ sơ đầu và cuối trang để sang trang: before=prev, after=next), items"), (status = 404, body = ApiErrorBody)))]
async fn dossiers(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<DossierQuery>,
) -> Result<Response, ApiError> {
    records::inventory_for(&state, &ctx, Action::CatalogueView, id).await?;
    let limit = q.limit.unwrap_or(100);
    if limit > 10_000 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "limit_too_large", "limit tối đa là 10.000 hồ sơ một lần."));
    }
    let page = state
        .store
        .list_dossiers(&ListDossiers {
            visibility: ctx.actor.visibility(),
            inventory_id: Some(id),
            fonds_id: None,
            query: q.q,
            undisposed: false,
            seek: Seek::from_address(q.after, q.before, false, q.number, q.page),
            limit,
        })
        .await?;
    Ok(Json(page).into_response())
}

#[utoipa::path(post, path = "/api/v1/inventories/{id}/dossiers", tag = "Hồ sơ", params(("id" = i64, Path)), request_body = DossierInput, responses(
    (status = 201, description = "Đã tạo; mã hồ sơ được lập từ phông, năm, số ký hiệu và mục lục số"),
    (status = 422, description = "Dữ liệu không hợp lệ, từng trường", body = ApiErrorBody),
    (status = 409, description = "Trùng mã hồ sơ", body = ApiErrorBody)))]
async fn dossier_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<DossierInput>,
) -> Result<Response, ApiError> {
    created(records::create_dossier(&state, &ctx, id, &input).await, |id| format!("/api/v1/dossiers/{id}"))
}

#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "Hồ sơ", params(("id" = i64, Path)), responses(
    (status = 200, description = "Hồ sơ với 18 thành phần TT05"), (status = 404, body = ApiErrorBody)))]
async fn dossier_get(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(records::dossier_for(&state, &ctx, Action::CatalogueView, id).await?.0).into_response())
}

#[utoipa::path(put, path = "/api/v1/dossiers/{id}", tag = "Hồ sơ", params(("id" = i64, Path)), request_body = DossierInput, responses(
    (status = 200, description = "Đã lưu"), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
async fn dossier_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<DossierInput>,
) -> Result<Response, ApiError> {
    updated(records::update_dossier(&state, &ctx, id, &input).await)
}

#[utoipa::path(get, path = "/api/v1/dossiers/{id}/documents", tag = "Văn bản", params(("id" = i64, Path)), responses(
    (status = 200, description = "Văn bản trong hồ sơ"), (status = 404, body = ApiErrorBody)))]
async fn documents(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    records::dossier_for(&state, &ctx, Action::CatalogueView, id).await?;
    Ok(Json(state.store.list_documents(&ctx.actor.visibility(), id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/dossiers/{id}/documents", tag = "Văn bản", params(("id" = i64, Path)), request_body = DocumentInput, responses(
    (status = 201, description = "Đã tạo"), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
async fn document_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<DocumentInput>,
) -> Result<Response, ApiError> {
    created(records::create_document(&state, &ctx, id, &input).await, |id| format!("/api/v1/documents/{id}"))
}

#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "Văn bản", params(("id" = i64, Path)), responses(
    (status = 200, description = "Văn bản"), (status = 404, body = ApiErrorBody)))]
async fn document_get(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(records::document_for(&state, &ctx, Action::CatalogueView, id).await?.0).into_response())
}

#[utoipa::path(put, path = "/api/v1/documents/{id}", tag = "Văn bản", params(("id" = i64, Path)), request_body = DocumentInput, responses(
    (status = 200, description = "Đã lưu"), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
async fn document_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(input): Body<DocumentInput>,
) -> Result<Response, ApiError> {
    updated(records::update_document(&state, &ctx, id, &input).await)
}

/// Biên bản giao nhận of the units in the person's scope, newest first.
#[utoipa::path(get, path = "/api/v1/accessions", tag = "Tiếp nhận", responses((status = 200, description = "Các biên bản giao nhận")))]
async fn accessions(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, ApiError> {
    Ok(Json(state.store.list_accessions(&ctx.actor.visibility()).await?).into_response())
}

/// Records a receipt: the same checks as the form (parties in scope, a full date, the danh mục
/// line by line).
#[utoipa::path(post, path = "/api/v1/accessions", tag = "Tiếp nhận", request_body = kho_model::accession::AccessionInput, responses(
    (status = 201, description = "Đã lập biên bản; Location là địa chỉ của nó"),
    (status = 422, description = "Dữ liệu không hợp lệ, từng trường", body = ApiErrorBody)))]
async fn accession_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Body(input): Body<kho_model::accession::AccessionInput>,
) -> Result<Response, ApiError> {
    created(records::create_accession(&state, &ctx, &input).await, |id| format!("/api/v1/accessions/{id}"))
}

/// A biên bản giao nhận; its papers download at `/tiep-nhan/{id}/bien-ban.docx|pdf` and
/// `/tiep-nhan/{id}/danh-muc.docx|pdf|xlsx`.
#[utoipa::path(get, path = "/api/v1/accessions/{id}", tag = "Tiếp nhận", params(("id" = i64, Path)), responses(
    (status = 200, description = "Biên bản giao nhận"), (status = 404, body = ApiErrorBody)))]
async fn accession_get(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(records::accession_for(&state, &ctx, Action::PlanView, id).await?).into_response())
}

/// Where the chỉnh lý of a fonds stands: the khảo sát, the phương án phân loại and the 23 steps
/// of TT 16/2023 with who did each and when.
#[utoipa::path(get, path = "/api/v1/fonds/{id}/arrangement", tag = "Chỉnh lý", params(("id" = i64, Path)), responses(
    (status = 200, description = "survey, scheme, steps: step, name, status, startedOn, finishedOn, doneBy, note"),
    (status = 404, body = ApiErrorBody)))]
async fn arrangement(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let arrangement = state.store.arrangement(id).await?;
    let steps: Vec<_> = arrangement
        .steps
        .iter()
        .map(|s| {
            json!({
                "step": s.step, "name": kho_model::arrangement::STEPS[s.step as usize - 1], "status": s.status.code(),
                "statusLabel": s.status.label(), "startedOn": s.started_on.map(|d| d.to_string()),
                "finishedOn": s.finished_on.map(|d| d.to_string()), "doneBy": s.done_by, "note": s.note,
            })
        })
        .collect();
    Ok(Json(json!({ "survey": arrangement.survey, "scheme": arrangement.scheme, "steps": steps })).into_response())
}

/// Records a step of chỉnh lý, as the page's form does.
#[utoipa::path(post, path = "/api/v1/fonds/{id}/arrangement/steps", tag = "Chỉnh lý", params(("id" = i64, Path)),
    request_body = crate::arrangement::StepForm, responses(
    (status = 200, description = "Đã ghi bước"), (status = 422, description = "Vì sao không ghi được", body = ApiErrorBody),
    (status = 404, body = ApiErrorBody)))]
async fn arrangement_step(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(form): Body<crate::arrangement::StepForm>,
) -> Result<Response, ApiError> {
    records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    match crate::arrangement::record_step(&state, &ctx, id, &form).await? {
        Ok(step) => Ok(Json(json!({ "step": step })).into_response()),
        Err(message) => Err(ApiError::refused("invalid_step", message)),
    }
}

/// The survey and the phương án phân loại of a fonds, as the Chỉnh lý page keeps them; the
/// scheme is refused at its first wrong line.
#[utoipa::path(put, path = "/api/v1/fonds/{id}/arrangement/scheme", tag = "Chỉnh lý", params(("id" = i64, Path)),
    request_body(content = crate::arrangement::SchemeForm, example = json!({
        "survey": "Khối tài liệu 12,5 mét giá, thời gian 2010–2024, phần lớn đã lập hồ sơ sơ bộ.",
        "scheme": "I. Tổng hợp\nII. Tổ chức, cán bộ\nIII. Địa chính, xây dựng" })),
    responses((status = 204, description = "Đã lưu"), (status = 422, description = "Dòng nào của phương án sai", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
async fn arrangement_scheme(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(form): Body<crate::arrangement::SchemeForm>,
) -> Result<Response, ApiError> {
    records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    match crate::arrangement::record_scheme(&state, &ctx, id, &form).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(message) => Err(ApiError::refused("invalid_scheme", message)),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct OrderQuery {
    /// hien_tai (giữ thứ tự hiện tại, mặc định), phuong_an (theo phương án phân loại rồi thời gian),
    /// thoi_gian (theo thời gian tài liệu), tieu_de (theo tiêu đề).
    order: Option<String>,
}

/// What numbering a mục lục would do, before it is done: how many hồ sơ change number, which
/// miss a biên mục rule of TT 16/2023 (the first 200 listed), and the `preview` to send back to
/// apply exactly this.
#[utoipa::path(get, path = "/api/v1/inventories/{id}/numbering", tag = "Chỉnh lý", params(("id" = i64, Path), OrderQuery), responses(
    (status = 200, description = "order, total, changed, gaps, listed, rows (id, old, new, changed, fileCode, title, dates, retention, gaps), preview",
        example = json!({ "order": "thoi_gian", "total": 3, "changed": 2, "gaps": 0, "listed": 2, "preview": "9f2c…",
            "rows": [{ "id": 41, "old": 2, "new": 1, "changed": true, "fileCode": "H01.01.06.02.01.2019.01", "title": "Tập quyết định về …",
                "dates": "03/01/2019 – 28/12/2019", "retention": "Vĩnh viễn", "gaps": [] }] })),
    (status = 404, body = ApiErrorBody)))]
async fn numbering(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<OrderQuery>,
) -> Result<Response, ApiError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let order = q.order.unwrap_or_default();
    Ok(Json(crate::arrangement::numbering_preview_of(&state, &ctx, id, &order).await?).into_response())
}

/// Numbers the hồ sơ of a mục lục 1, 2, 3 … as previewed; refused (409) when the mục lục has
/// changed since the preview, and nothing is renumbered.
#[utoipa::path(post, path = "/api/v1/inventories/{id}/numbering", tag = "Chỉnh lý", params(("id" = i64, Path)),
    request_body(content = crate::arrangement::Order, example = json!({ "order": "thoi_gian", "preview": "9f2c…" })), responses(
    (status = 200, description = "renumbered: số hồ sơ đã đánh số"),
    (status = 409, description = "Mục lục đã thay đổi từ lúc xem trước", body = ApiErrorBody),
    (status = 404, body = ApiErrorBody)))]
async fn numbering_apply(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(order): Body<crate::arrangement::Order>,
) -> Result<Response, ApiError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    match crate::arrangement::apply_numbering(&state, &ctx, id, &order).await? {
        Some(renumbered) => Ok(Json(json!({ "renumbered": renumbered })).into_response()),
        None => Err(ApiError::new(StatusCode::CONFLICT, "stale_preview", crate::arrangement::NUMBERING_STALE)),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct EntriesQuery {
    /// At most 200; 50 when absent.
    limit: Option<u64>,
}

/// The phiếu tin of a mục lục during chỉnh lý, the latest (highest số tạm) first, with how many
/// hồ sơ it holds and the next số tạm.
#[utoipa::path(get, path = "/api/v1/inventories/{id}/entries", tag = "Chỉnh lý", params(("id" = i64, Path), EntriesQuery), responses(
    (status = 200, description = "total, nextTempNumber, entries (hồ sơ, mới nhất trước)"),
    (status = 400, description = "limit quá lớn", body = ApiErrorBody),
    (status = 404, body = ApiErrorBody)))]
async fn entries(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<EntriesQuery>,
) -> Result<Response, ApiError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let limit = q.limit.unwrap_or(50);
    if limit > 200 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "limit_too_large", "limit tối đa là 200 phiếu tin một lần."));
    }
    let visibility = ctx.actor.visibility();
    let entries = state.store.recent_entries(&visibility, id, limit as i64).await?;
    let total = state
        .store
        .list_dossiers(&ListDossiers {
            visibility,
            inventory_id: Some(id),
            fonds_id: None,
            query: None,
            undisposed: false,
            seek: Seek::First,
            limit: 0,
        })
        .await?
        .total;
    let next = state.store.next_temp_number(id).await?;
    Ok(Json(json!({ "total": total, "nextTempNumber": next, "entries": entries })).into_response())
}

/// Enters a phiếu tin, as the page's form does: checked as every hồ sơ is, kept with its số tạm
/// and group of the phương án until the hồ sơ are numbered.
#[utoipa::path(post, path = "/api/v1/inventories/{id}/entries", tag = "Chỉnh lý", params(("id" = i64, Path)),
    request_body(content = crate::arrangement::PhieuTin, example = json!({ "tempNumber": 12, "group": "I.1", "notation": "",
        "title": "Tập quyết định về nâng lương của Ủy ban nhân dân xã năm 2019", "period": "01/2019 - 12/2019", "maintenance": "01",
        "sheets": 45, "note": "" })), responses(
    (status = 201, description = "Đã ghi; id là hồ sơ mới, Location là địa chỉ của nó"),
    (status = 422, description = "Vì sao không ghi được", body = ApiErrorBody),
    (status = 404, body = ApiErrorBody)))]
async fn entry_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Body(form): Body<crate::arrangement::PhieuTin>,
) -> Result<Response, ApiError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    match crate::arrangement::enter(&state, &ctx, id, &form).await? {
        Ok((dossier, temp)) => Ok((
            StatusCode::CREATED,
            [(axum::http::header::LOCATION, format!("/api/v1/dossiers/{dossier}"))],
            Json(json!({ "id": dossier, "tempNumber": temp })),
        )
            .into_response()),
        Err(message) => Err(ApiError::refused("invalid_entry", message)),
    }
}
