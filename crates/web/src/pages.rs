//! The Vietnamese web pages: Tổng quan, Kế hoạch, units, and browse/create/edit for fonds,
//! mục lục, hồ sơ and văn bản, with TT05 validation shown field by field.

use crate::AppState;
use crate::auth::{Ctx, MaybeCtx};
use crate::error::PageError;
use crate::records::{self, Refused};
use axum::Extension;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use kho_model::access::Action;
use kho_model::codes::*;
use kho_model::record::{Document, DocumentInput, Dossier, DossierInput, Fonds, FondsInput, InventoryInput, UnitInput};
use kho_model::{Invalid, vn};
use kho_store::ListDossiers;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap", get(login_form).post(login_submit))
        .route("/dang-xuat", axum::routing::post(logout))
        .route("/tai-khoan/mat-khau", get(password_form).post(password_submit))
        .route("/", get(crate::home::overview))
        .route("/ke-hoach", get(plan))
        .route("/don-vi/moi", get(unit_new).post(unit_create))
        .route("/don-vi/{id}", get(unit))
        .route("/don-vi/{id}/ngoai-kho", axum::routing::post(unit_outside_work))
        .route("/don-vi/{id}/sua", get(unit_edit).post(unit_update))
        .route("/tra-cuu", get(crate::search::page))
        .route("/phong", get(fonds_list).post(fonds_create))
        .route("/phong/danh-sach.xlsx", get(|s, c| fonds_list_file(s, c, crate::respond::PaperFormat::Xlsx)))
        .route("/phong/danh-sach.csv", get(|s, c| fonds_list_file(s, c, crate::respond::PaperFormat::Csv)))
        .route("/phong/moi", get(fonds_new))
        .route("/phong/{id}", get(fonds_show).post(fonds_update))
        .route("/phong/{id}/sua", get(fonds_edit))
        .route("/phong/{id}/muc-luc", axum::routing::post(inventory_create))
        .route("/phong/{id}/muc-luc/moi", get(inventory_new))
        .route("/muc-luc/{id}", get(inventory_show).post(inventory_update))
        .route("/muc-luc/{id}/sua", get(inventory_edit))
        .route("/muc-luc/{id}/ho-so", axum::routing::post(dossier_create))
        .route("/muc-luc/{id}/ho-so/moi", get(dossier_new))
        .route("/ho-so/{id}", get(dossier_show).post(dossier_update))
        .route("/ho-so/{id}/sua", get(dossier_edit))
        .route("/ho-so/{id}/van-ban", axum::routing::post(document_create))
        .route("/ho-so/{id}/van-ban/moi", get(document_new))
        .route("/van-ban/{id}", get(document_show).post(document_update))
        .route("/van-ban/{id}/sua", get(document_edit))
}

/// Anything serialisable, for a template.
fn ser<T: Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

// ---- layout ----

/// An area of the navigation: where it leads (none yet: shown greyed, so people see what is
/// coming) and the action of the permissions table that makes it someone's work.
struct Area {
    key: &'static str,
    label: &'static str,
    href: Option<&'static str>,
    action: Action,
}

/// The areas, in the order of the work. The archive's own work — receiving, chỉnh lý, số hóa,
/// hand-over, reports — is work against the plan, so it shows for the roles that may see the
/// plan (`plan.view`): staff, not readers. Quản trị shows for those who administer.
const AREAS: &[Area] = &[
    Area { key: "tong-quan", label: "Tổng quan", href: Some("/"), action: Action::CatalogueView },
    Area { key: "ke-hoach", label: "Kế hoạch", href: Some("/ke-hoach"), action: Action::PlanView },
    Area { key: "tiep-nhan", label: "Tiếp nhận", href: Some("/tiep-nhan"), action: Action::PlanView },
    Area { key: "chinh-ly", label: "Chỉnh lý", href: Some("/phong"), action: Action::PlanView },
    Area { key: "so-hoa", label: "Số hóa", href: Some("/so-hoa"), action: Action::PlanView },
    Area { key: "tra-cuu", label: "Tra cứu", href: Some("/tra-cuu"), action: Action::CatalogueView },
    Area { key: "khai-thac", label: "Khai thác", href: Some("/khai-thac"), action: Action::CatalogueView },
    Area { key: "ban-giao", label: "Bàn giao", href: None, action: Action::PlanView },
    Area { key: "bao-cao", label: "Báo cáo", href: Some("/bao-cao"), action: Action::PlanView },
    Area { key: "kinh-phi", label: "Kinh phí", href: Some("/kinh-phi"), action: Action::PlanView },
];

/// Whether this person's role may see the archive's internal work (the plan and the work
/// against it: receiving, chỉnh lý, hủy, số hóa), as the permissions table says.
pub(crate) fn sees_work(ctx: &Ctx) -> bool {
    kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::PlanView)
}

/// Whether the person sees digitized content (pages, their text, signed PDF/A) outside a phiếu
/// yêu cầu khai thác: everyone but a reader, whose content comes through the phiếu.
pub(crate) fn sees_content(ctx: &Ctx) -> bool {
    kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::ContentView)
}

#[derive(Serialize)]
pub(crate) struct Crumb {
    label: String,
    href: Option<String>,
}

pub(crate) fn crumb(label: impl Into<String>, href: impl Into<String>) -> Crumb {
    Crumb { label: label.into(), href: Some(href.into()) }
}

pub(crate) fn here(label: impl Into<String>) -> Crumb {
    Crumb { label: label.into(), href: None }
}

/// A page: its template, area of the navigation, title, breadcrumbs and status; rendered with
/// the layout's shared context (who is signed in, the CSRF token, the enclave banner).
pub(crate) struct Page<'a> {
    template: &'a str,
    title: String,
    area: &'a str,
    crumbs: Vec<Crumb>,
    status: StatusCode,
}

impl<'a> Page<'a> {
    pub(crate) fn new(template: &'a str, area: &'a str, title: impl Into<String>) -> Self {
        Page { template, title: title.into(), area, crumbs: vec![], status: StatusCode::OK }
    }

    pub(crate) fn crumbs(mut self, crumbs: Vec<Crumb>) -> Self {
        self.crumbs = crumbs;
        self
    }

    pub(crate) fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn render(self, state: &AppState, me: Option<&Ctx>, ctx: Value) -> Result<Response, PageError> {
        let base = context! {
            title => self.title, areas => areas(me), current => self.area, crumbs => ser(&self.crumbs),
            me => me.map(|c| context! { name => c.actor.name.clone(), role => c.actor.role.label(), clearance => c.actor.clearance.label() }),
            csrf => me.and_then(|c| c.csrf.clone()),
            enclave_banner => state.config.enclave,
        };
        let html = state.templates.get_template(self.template)?.render(context! { ..ctx, ..base })?;
        Ok((self.status, Html(html)).into_response())
    }
}

/// The navigation for this person: the areas their role may use, then Quản trị for those who
/// administer, leading to the first of its pages they may open.
pub(crate) fn areas(me: Option<&Ctx>) -> Vec<Value> {
    let Some(ctx) = me else { return vec![] };
    let table = kho_model::access::Permissions::shipped();
    let mut areas: Vec<Value> = AREAS
        .iter()
        .filter(|area| table.allows(ctx.actor.role, area.action))
        .map(|area| context! { key => area.key, label => area.label, href => area.href })
        .collect();
    if crate::auth::administers(&ctx.actor) {
        areas.push(context! { key => "quan-tri", label => "Quản trị", href => admin_home(ctx) });
    }
    areas
}

fn admin_home(ctx: &Ctx) -> &'static str {
    let table = kho_model::access::Permissions::shipped();
    let pages = [
        (Action::UsersManage, "/quan-tri"),
        (Action::AuditView, "/quan-tri/nhat-ky"),
        (Action::ClearanceGrant, "/quan-tri/do-mat"),
        (Action::TokensManage, "/quan-tri/ma-truy-cap"),
    ];
    pages.iter().find(|(action, _)| table.allows(ctx.actor.role, *action)).map_or("/", |(_, href)| href)
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            PageError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "Không tìm thấy".to_string(),
                format!("Không tìm thấy {what} này. Có thể địa chỉ đã sai hoặc bản ghi không tồn tại."),
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Không được phép".to_string(),
                "Vai trò của bạn không được làm việc này. Nếu cần, hãy liên hệ quản trị viên.".to_string(),
            ),
            PageError::NotYet(reason) => (StatusCode::CONFLICT, "Chưa thực hiện được".to_string(), reason.clone()),
            PageError::Gone(reason) => (StatusCode::GONE, "Đã hết thời hạn".to_string(), reason.clone()),
            PageError::Unavailable(reason) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Không mở được tệp".to_string(), format!("Không mở được tệp: {reason}."))
            }
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "Biểu mẫu đã hết hiệu lực".to_string(),
                "Biểu mẫu này không còn hợp lệ (trang đã cũ hoặc phiên làm việc đã đổi). Hãy tải lại trang rồi gửi lại.".to_string(),
            ),
            PageError::MethodNotAllowed(method) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Không thực hiện được".to_string(),
                format!("Địa chỉ này không nhận yêu cầu kiểu {method}. Hãy quay lại trang trước và dùng nút hoặc liên kết trên trang."),
            ),
            PageError::TooSlow => (
                StatusCode::REQUEST_TIMEOUT,
                "Quá thời gian".to_string(),
                "Yêu cầu mất quá nhiều thời gian nên máy chủ đã dừng xử lý. Hãy thử lại; nếu vẫn vậy, báo quản trị viên.".to_string(),
            ),
            PageError::Internal(detail) => {
                tracing::error!(%detail, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Lỗi hệ thống".to_string(),
                    "Đã có lỗi khi tạo trang; lỗi đã được ghi nhật ký. Vui lòng thử lại hoặc báo quản trị viên.".to_string(),
                )
            }
        };
        // Without the layout's menu: who is signed in is not known here. The page is drawn
        // again with it by `error::with_layout`, which the extension asks to.
        let env = crate::templates::shared();
        let areas: Vec<Value> = vec![];
        let html = env
            .get_template("error.html")
            .and_then(|t| {
                t.render(context! { title => heading.clone(), heading => heading.clone(), message => message.clone(), areas => areas })
            })
            .unwrap_or_else(|_| message.clone());
        let mut response = (status, Html(html)).into_response();
        response.extensions_mut().insert(crate::error::ErrorPage { heading, message });
        response
    }
}

/// An error page in the layout, with the menu of the person signed in.
pub(crate) fn error_page(state: &AppState, me: &Ctx, status: StatusCode, heading: &str, message: &str) -> Result<Response, PageError> {
    Page::new("error.html", "", heading).status(status).render(state, Some(me), context! { heading, message })
}

#[derive(Deserialize, Default)]
pub(crate) struct Flash {
    #[serde(default)]
    da_luu: Option<String>,
}

pub(crate) fn flash(query: &Flash) -> Option<&'static str> {
    query.da_luu.as_deref().map(|what| match what {
        "van-ban" => "Đã lưu văn bản. Nhập văn bản tiếp theo bằng nút “Thêm văn bản”.",
        _ => "Đã lưu.",
    })
}

pub(crate) fn saved(href: String) -> Response {
    Redirect::to(&format!("{href}?da_luu=1")).into_response()
}

// ---- forms ----

/// One input of a record form.
struct FieldSpec {
    name: &'static str,
    label: &'static str,
    required: bool,
    hint: Option<&'static str>,
    options: Option<Vec<(String, String)>>,
    /// Values offered while typing (a datalist): the field stays free text.
    suggestions: Vec<String>,
    long: bool,
    wide: bool,
}

fn field(name: &'static str, label: &'static str) -> FieldSpec {
    FieldSpec { name, label, required: false, hint: None, options: None, suggestions: vec![], long: false, wide: false }
}

impl FieldSpec {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
    fn long(mut self) -> Self {
        self.long = true;
        self.wide = true;
        self
    }
    fn wide(mut self) -> Self {
        self.wide = true;
        self
    }
    fn codes<T: Copy>(mut self, all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Self {
        self.options = Some(all.iter().map(|v| (code(*v).to_string(), format!("{} – {}", code(*v), label(*v)))).collect());
        self
    }
    fn choices(mut self, options: Vec<(String, String)>) -> Self {
        self.options = Some(options);
        self
    }
}

/// The spec named `name` in `specs`, to add what only a request knows (suggestions).
fn spec_mut<'a>(specs: &'a mut [FieldSpec], name: &str) -> &'a mut FieldSpec {
    specs.iter_mut().find(|f| f.name == name).expect("a field of this form")
}

fn date_hint() -> &'static str {
    "NN/TT/NNNN, TT/NNNN hoặc NNNN"
}

fn fonds_fields(units: Vec<(String, String)>) -> Vec<FieldSpec> {
    vec![
        field("code", "Mã phông").required().hint("Ví dụ P12; bắt đầu bằng chữ cái, không dấu, không dấu chấm"),
        field("name", "Tên phông").required().wide(),
        field("unitId", "Đơn vị hình thành phông").required().choices(units.clone()),
        field("status", "Trạng thái phông")
            .required()
            .codes(FondsStatus::ALL, FondsStatus::code, FondsStatus::label)
            .hint("Phông của cơ quan đã giải thể là phông đóng"),
        field("startDate", "Thời gian tài liệu từ").hint(date_hint()),
        field("endDate", "Thời gian tài liệu đến").hint(date_hint()),
        field("custodianUnitId", "Đơn vị đang quản lý").choices(units),
        field("language", "Ngôn ngữ").codes(Language::ALL, Language::code, Language::label),
        field("classification", "Độ mật").codes(Classification::ALL, Classification::code, Classification::label),
        field("history", "Lịch sử đơn vị hình thành phông và lịch sử phông").long(),
        field("description", "Ghi chú").long(),
    ]
}

fn inventory_fields() -> Vec<FieldSpec> {
    vec![
        field("number", "Mục lục số").required(),
        field("title", "Tên mục lục").required().wide(),
        field("maintenance", "Thời hạn bảo quản của mục lục").codes(Maintenance::ALL, Maintenance::code, Maintenance::label),
        field("description", "Ghi chú").long(),
    ]
}

fn dossier_fields() -> Vec<FieldSpec> {
    vec![
        field("notation", "Số và ký hiệu hồ sơ").required().hint("Như đã ghi: 01.TCCB, 01/HS, TH.01; tối đa 20 ký tự"),
        field("year", "Năm hình thành hồ sơ").hint("Để trống: lấy năm của thời gian bắt đầu"),
        field("title", "Tiêu đề hồ sơ").required().long(),
        field("maintenance", "Thời hạn bảo quản").required().codes(Maintenance::ALL, Maintenance::code, Maintenance::label),
        field("maintenanceYears", "Số năm bảo quản").hint("Chỉ khi thời hạn là 07 Khác, ví dụ 5 hoặc 15"),
        field("mode", "Chế độ sử dụng").required().codes(Mode::ALL, Mode::code, Mode::label),
        field("startDate", "Thời gian bắt đầu").required().hint(date_hint()),
        field("endDate", "Thời gian kết thúc").required().hint(date_hint()),
        field("language", "Ngôn ngữ").codes(Language::ALL, Language::code, Language::label),
        field("keyword", "Từ khóa"),
        field("totalDoc", "Tổng số văn bản trong hồ sơ").required(),
        field("numberOfPaper", "Số lượng tờ").hint("Bắt buộc với hồ sơ số hóa"),
        field("numberOfPage", "Số lượng trang").required(),
        field("format", "Tình trạng vật lý").codes(PhysicalState::ALL, PhysicalState::code, PhysicalState::label),
        field("inforSign", "Ký hiệu thông tin"),
        field("confidenceLevel", "Mức độ tin cậy").codes(ConfidenceLevel::ALL, ConfidenceLevel::code, ConfidenceLevel::label),
        field("paperFileCode", "Mã hồ sơ gốc giấy").hint("Bắt buộc khi mức độ tin cậy là 02 Số hóa"),
        field("riskRecovery", "Chế độ dự phòng").required().choices(vec![("0".into(), "0 – Không".into()), ("1".into(), "1 – Có".into())]),
        field("riskRecoveryStatus", "Tình trạng dự phòng").codes(
            RiskRecoveryStatus::ALL,
            RiskRecoveryStatus::code,
            RiskRecoveryStatus::label,
        ),
        field("classification", "Độ mật")
            .codes(Classification::ALL, Classification::code, Classification::label)
            .hint("Tài liệu mật phải có chế độ sử dụng 03"),
        field("description", "Ghi chú").long(),
    ]
}

fn document_fields() -> Vec<FieldSpec> {
    vec![
        field("docOrdinal", "Số thứ tự trong hồ sơ").required(),
        field("typeName", "Tên loại văn bản").required().codes(DocumentType::ALL, DocumentType::code, DocumentType::label),
        field("codeNumber", "Số văn bản"),
        field("codeNotation", "Ký hiệu văn bản"),
        field("issuedDate", "Ngày, tháng, năm văn bản").required().hint(date_hint()),
        field("organName", "Cơ quan, tổ chức ban hành").required().wide(),
        field("subject", "Trích yếu nội dung").required().long(),
        field("language", "Ngôn ngữ").codes(Language::ALL, Language::code, Language::label),
        field("numberOfPage", "Số trang").required(),
        field("mode", "Chế độ sử dụng").required().codes(Mode::ALL, Mode::code, Mode::label),
        field("confidenceLevel", "Mức độ tin cậy").codes(ConfidenceLevel::ALL, ConfidenceLevel::code, ConfidenceLevel::label),
        field("process", "Quy trình xử lý").choices(vec![("0".into(), "0 – Không".into()), ("1".into(), "1 – Có".into())]),
        field("format", "Tình trạng vật lý").codes(PhysicalState::ALL, PhysicalState::code, PhysicalState::label),
        field("inforSign", "Ký hiệu thông tin"),
        field("keyword", "Từ khóa"),
        field("classification", "Độ mật").codes(Classification::ALL, Classification::code, Classification::label),
        field("autograph", "Bút tích").long(),
        field("description", "Ghi chú").long(),
    ]
}

/// The form's context: every field with its current value and, when refused, its message.
fn form_context<T: Serialize>(
    ctx: &Ctx,
    specs: Vec<FieldSpec>,
    input: &T,
    invalid: Option<&Invalid>,
    action: String,
    cancel: String,
) -> Value {
    let values = serde_json::to_value(input).unwrap_or_default();
    let fields: Vec<Value> = specs
        .into_iter()
        .map(|f| {
            let value = values.get(f.name).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let options = f.options.map(|mut o| {
                // A value the list does not hold (several languages "01,09", an old code) is
                // kept as it was written, and shown as itself.
                if !value.is_empty() && !o.iter().any(|(v, _)| *v == value) {
                    o.push((value.clone(), value.clone()));
                }
                o.into_iter().map(|(value, label)| context! { value, label }).collect::<Vec<_>>()
            });
            context! {
                name => f.name, label => f.label, required => f.required, hint => f.hint, long => f.long, wide => f.wide,
                options => options, suggestions => f.suggestions, value => value, error => invalid.and_then(|i| i.message_for(f.name)),
            }
        })
        .collect();
    let errors: Vec<Value> = invalid.map(|i| i.errors.iter().map(ser).collect()).unwrap_or_default();
    context! { fields, errors, action, cancel, csrf => ctx.csrf.clone() }
}

/// A form page as drawn: the page, its fields, where it posts and where "Hủy" leads.
struct FormPage<'p> {
    page: Page<'p>,
    specs: Vec<FieldSpec>,
    action: String,
    cancel: String,
}

impl<'p> FormPage<'p> {
    fn new(page: Page<'p>, specs: Vec<FieldSpec>, action: impl Into<String>, cancel: impl Into<String>) -> FormPage<'p> {
        FormPage { page, specs, action: action.into(), cancel: cancel.into() }
    }
}

fn form_page<T: Serialize>(
    state: &AppState,
    ctx: &Ctx,
    form: FormPage,
    input: &T,
    invalid: Option<&Invalid>,
) -> Result<Response, PageError> {
    let FormPage { page, specs, action, cancel } = form;
    let heading = page.title.clone();
    let page = if invalid.is_some() { page.status(StatusCode::UNPROCESSABLE_ENTITY) } else { page };
    let form = form_context(ctx, specs, input, invalid, action, cancel);
    page.render(state, Some(ctx), context! { heading, form })
}

/// After a POST: go to the record, or show the form again with what was refused.
fn after_save<T: Serialize>(
    state: &AppState,
    ctx: &Ctx,
    outcome: Result<i64, Refused>,
    target: impl Fn(i64) -> String,
    form: FormPage,
    input: &T,
) -> Result<Response, PageError> {
    match outcome {
        Ok(id) => Ok(saved(target(id))),
        Err(Refused::Invalid(invalid) | Refused::Conflict(invalid)) => form_page(state, ctx, form, input, Some(&invalid)),
        Err(other) => Err(other.into()),
    }
}

// ---- overview and plan ----

async fn plan(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let page = Page::new("plan.html", "ke-hoach", "Kế hoạch");
    let Some(stored) = state.store.plan().await? else {
        return page.render(&state, Some(&ctx), context! { plan => Value::from(()) });
    };
    let plan = &stored.plan;
    let progress = state.store.progress_by_unit(&ctx.actor.visibility()).await?;
    let done = |unit_id: &i64| {
        let p = progress.get(unit_id).cloned().unwrap_or_default();
        context! { received => (p.received > 0).then(|| vn::hundredths(p.received)), arranged => (p.arranged > 0).then(|| vn::hundredths(p.arranged)), dossiers => p.dossiers, destroyed => (p.destroyed_metres > 0).then(|| vn::hundredths(p.destroyed_metres)) }
    };
    let districts: Vec<Value> = plan
        .districts
        .iter()
        .zip(&stored.district_units)
        .map(|(d, unit_id)| context! { ordinal => d.ordinal, name => d.name.clone(), bags => d.bags, metres => ser(&d.metres), unit_id, done => done(unit_id) })
        .collect();
    let communes: Vec<Value> = plan
        .communes
        .iter()
        .zip(&stored.commune_units)
        .map(|(c, unit_id)| {
            context! {
                ordinal => c.ordinal, name => c.name.clone(), secret_metres => ser(&c.secret_metres), secret => !c.secret_metres.is_zero(),
                metres => ser(&c.metres), before => ser(&c.metres_before_rounding), note => c.note.clone(), unit_id, done => done(unit_id),
            }
        })
        .collect();
    let tasks: Vec<Value> = plan
        .tasks
        .iter()
        .map(|t| {
            context! {
                group => t.group.label(), ordinal => t.ordinal, title => t.title.clone(), product => t.product.clone(), owner => t.owner.clone(),
                co_agencies => t.co_agencies.clone(), period => t.period.clone(), starts_on => t.starts_on.clone(), due_on => t.due_on.clone(),
                recurrence => t.recurrence.map(|r| r.label()),
            }
        })
        .collect();
    let totals = plan.computed();
    let commune_total_differs = totals.commune_metres != plan.meta.commune_metres_stated;
    page.render(
        &state,
        Some(&ctx),
        context! {
            plan => ser(plan), totals => ser(&totals), districts, communes, tasks, commune_total_differs,
            discrepancies => ser(&plan.discrepancies()), imported_at => stored.imported_at.clone(),
        },
    )
}

async fn unit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    render_unit(&state, &ctx, id, None, StatusCode::OK).await
}

/// Work done outside Kho entered for a unit (`/don-vi/{id}/ngoai-kho`), by whoever may record
/// for it; refused field by field, audited.
async fn unit_outside_work(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(input): Form<kho_model::plan::OutsideWorkInput>,
) -> Result<Response, PageError> {
    match records::add_outside_work(&state, &ctx, id, &input).await {
        Ok(_) => Ok(saved(format!("/don-vi/{id}#ngoai-kho"))),
        Err(Refused::Invalid(invalid)) => render_unit(&state, &ctx, id, Some((input, invalid)), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(other) => Err(other.into()),
    }
}

async fn render_unit(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    refused: Option<(kho_model::plan::OutsideWorkInput, kho_model::Invalid)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (state, ctx) = (state.clone(), ctx.clone());
    let unit = state.store.unit(id).await?;
    let target = state.store.unit_target(id).await?;
    let deadline = match (&target, state.store.plan().await?) {
        (Some(t), Some(p)) if t.level == "district" => Some(p.plan.meta.district_deadline),
        (Some(_), Some(p)) => Some(p.plan.meta.commune_deadline),
        _ => None,
    };
    let fonds: Vec<Value> = state
        .store
        .list_fonds_of_unit(&ctx.actor.visibility(), id)
        .await?
        .iter()
        .map(|f| context! { id => f.id, code => f.fields.code.to_string(), name => f.fields.name.clone(), status => f.fields.status.label() })
        .collect();
    let may_add =
        kho_model::access::authorize(&ctx.actor, Action::CatalogueEdit, &kho_model::access::Resource::Unit { unit_id: id }).is_allowed();
    let may_edit =
        kho_model::access::authorize(&ctx.actor, Action::UnitsEdit, &kho_model::access::Resource::Unit { unit_id: id }).is_allowed();
    let successor = match unit.successor_id {
        Some(s) => Some(state.store.unit(s).await?),
        None => None,
    };
    let mut predecessors = vec![];
    for id in state.store.predecessors(&[id].into()).await? {
        let p = state.store.unit(id).await?;
        predecessors.push(context! { id, name => p.name, dissolved_on => p.dissolved_on });
    }
    let outside: Vec<Value> = state
        .store
        .outside_work(Some(&[id]), None)
        .await?
        .into_iter()
        .map(|w| {
            let quantity = if w.work.stage.in_metres() { vn::hundredths(w.work.quantity) } else { vn::integer(w.work.quantity) };
            context! {
                stage => w.work.stage.label(), quantity, unit => w.work.stage.unit(), done_on => w.work.done_on.to_string(),
                source => w.work.source, by => w.entered_by, at => w.entered_at,
            }
        })
        .collect();
    let stages: Vec<Value> = kho_model::plan::WorkStage::ALL
        .iter()
        .map(|s| context! { code => s.code(), label => format!("{} ({})", s.label(), s.unit()) })
        .collect();
    let (form, errors) = match refused {
        Some((input, invalid)) => (ser(&input), invalid.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>()),
        None => (Value::from(()), vec![]),
    };
    Page::new("unit.html", "ke-hoach", unit.name.clone()).crumbs(vec![crumb("Kế hoạch", "/ke-hoach"), here(unit.name.clone())]).status(status).render(
        &state,
        Some(&ctx),
        context! {
            unit_kind => unit.kind.label(), unit => ser(&unit), target => ser(&target), deadline, fonds, may_add, may_edit, successor => ser(&successor), predecessors,
            outside, stages, form, errors,
        },
    )
}

async fn unit_fields(state: &AppState) -> Result<Vec<FieldSpec>, PageError> {
    let units: Vec<(String, String)> = state.store.units().await?.into_iter().map(|u| (u.id.to_string(), u.name)).collect();
    Ok(vec![
        field("name", "Tên đơn vị").required().wide(),
        field("parentBody", "Cơ quan chủ quản trực tiếp")
            .wide()
            .hint("Dòng đầu của văn bản (NĐ 30/2020), ví dụ Sở Nội vụ tỉnh Điện Biên; để trống với Ủy ban nhân dân"),
        field("kind", "Loại đơn vị").required().codes(UnitKind::ALL, UnitKind::code, UnitKind::label),
        field("agencyCode", "Mã định danh điện tử")
            .hint("QĐ 20/2020, sửa đổi QĐ 09/2025: dạng 000.00.00.H17; đứng đầu mã hồ sơ của phông mở"),
        field("oldAdminCode", "Mã đơn vị hành chính cũ").hint("Trước 01/7/2025 (QĐ 124/2004)"),
        field("newAdminCode", "Mã đơn vị hành chính mới").hint("Từ 01/7/2025 (QĐ 19/2025): xã 5 chữ số"),
        field("dissolvedOn", "Ngày giải thể").hint("NN/TT/NNNN; các huyện giải thể ngày 01/07/2025"),
        field("successorId", "Đơn vị kế thừa").choices(units),
    ])
}

fn unit_new_page() -> Page<'static> {
    Page::new("form.html", "ke-hoach", "Thêm đơn vị đã giải thể, sáp nhập")
        .crumbs(vec![crumb("Kế hoạch", "/ke-hoach"), here("Thêm đơn vị đã giải thể, sáp nhập")])
}

/// The form for a unit abolished in the 2025 reorganisation (a merged commune, a district), so
/// that its records form their own fonds under the unit that carries it on.
#[derive(Deserialize, Default)]
struct SuccessorQuery {
    /// The unit whose page the form was opened from: the one the new unit merged into.
    #[serde(default)]
    vao: Option<String>,
}

async fn unit_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<SuccessorQuery>,
) -> Result<Response, PageError> {
    // Opened from a unit's page, the form names that unit; otherwise the first one may choose.
    let choices = unit_choices(&state, &ctx).await?;
    let named = q.vao.filter(|v| choices.iter().any(|(id, _)| id == v));
    let successor = named.or_else(|| choices.into_iter().next().map(|(id, _)| id)).unwrap_or_default();
    let input = UnitInput {
        kind: UnitKind::Commune.code().into(),
        dissolved_on: "01/07/2025".into(),
        successor_id: successor,
        ..Default::default()
    };
    form_page(
        &state,
        &ctx,
        FormPage::new(unit_new_page(), predecessor_fields(&state, &ctx).await?, "/don-vi/moi", "/ke-hoach"),
        &input,
        None,
    )
}

async fn unit_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(input): Form<UnitInput>,
) -> Result<Response, PageError> {
    let outcome = records::create_unit(&state, &ctx, &input).await;
    let specs = predecessor_fields(&state, &ctx).await?;
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/don-vi/{id}"),
        FormPage::new(unit_new_page(), specs, "/don-vi/moi", "/ke-hoach"),
        &input,
    )
}

/// The unit form for a unit that no longer exists: its successor among the units one works for.
async fn predecessor_fields(state: &AppState, ctx: &Ctx) -> Result<Vec<FieldSpec>, PageError> {
    let mut specs = unit_fields(state).await?;
    let kinds = UnitKind::ALL
        .iter()
        .filter(|k| **k != UnitKind::ProvinceArchive)
        .map(|k| (k.code().to_string(), format!("{} – {}", k.code(), k.label())));
    spec_mut(&mut specs, "kind").options = Some(kinds.collect());
    let successor = spec_mut(&mut specs, "successorId");
    successor.options = Some(unit_choices(state, ctx).await?);
    successor.required = true;
    successor.hint = Some("Đơn vị tiếp nhận tài liệu sau sắp xếp; tài liệu của đơn vị này thuộc phạm vi của đơn vị kế thừa");
    let dissolved = spec_mut(&mut specs, "dissolvedOn");
    dissolved.required = true;
    Ok(specs)
}

async fn unit_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let unit = records::unit_for(&state, &ctx, Action::UnitsEdit, id).await?;
    let page = Page::new("form.html", "ke-hoach", format!("Sửa thông tin {}", unit.name)).crumbs(vec![
        crumb("Kế hoạch", "/ke-hoach"),
        crumb(unit.name.clone(), format!("/don-vi/{id}")),
        here("Sửa"),
    ]);
    form_page(
        &state,
        &ctx,
        FormPage::new(page, unit_fields(&state).await?, format!("/don-vi/{id}/sua"), format!("/don-vi/{id}")),
        &UnitInput::from(&unit),
        None,
    )
}

async fn unit_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(input): Form<UnitInput>,
) -> Result<Response, PageError> {
    let outcome = records::update_unit(&state, &ctx, id, &input).await;
    let page = Page::new("form.html", "ke-hoach", "Sửa thông tin đơn vị").crumbs(vec![
        crumb("Kế hoạch", "/ke-hoach"),
        crumb("Đơn vị", format!("/don-vi/{id}")),
        here("Sửa"),
    ]);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/don-vi/{id}"),
        FormPage::new(page, unit_fields(&state).await?, format!("/don-vi/{id}/sua"), format!("/don-vi/{id}")),
        &input,
    )
}

// ---- fonds ----

/// The units this person may create fonds for.
async fn unit_choices(state: &AppState, ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    Ok(state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| ctx.actor.all_units || ctx.actor.units.contains(&u.id))
        .map(|u| (u.id.to_string(), u.name))
        .collect())
}

fn date_range(start: Option<&kho_model::ArchiveDate>, end: Option<&kho_model::ArchiveDate>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        (Some(s), None) => format!("từ {s}"),
        (None, Some(e)) => format!("đến {e}"),
        (None, None) => String::new(),
    }
}

fn secret_label(c: Classification) -> Option<&'static str> {
    c.is_classified().then(|| c.label())
}

async fn fonds_list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Query(q): Query<Flash>) -> Result<Response, PageError> {
    let units = state.store.units().await?;
    let rows: Vec<Value> = state
        .store
        .list_fonds(&ctx.actor.visibility())
        .await?
        .iter()
        .map(|f| {
            let unit = units.iter().find(|u| u.id == f.fields.unit_id).map(|u| u.name.clone()).unwrap_or_default();
            context! {
                id => f.id, code => f.fields.code.to_string(), name => f.fields.name.clone(), unit, status => f.fields.status.label(),
                dates => date_range(f.fields.start_date.as_ref(), f.fields.end_date.as_ref()), secret => secret_label(f.fields.classification),
            }
        })
        .collect();
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    Page::new("fonds_list.html", "chinh-ly", "Phông lưu trữ").render(
        &state,
        Some(&ctx),
        context! { fonds => rows, flash => flash(&q), may_edit },
    )
}

/// The phông the person may see, as a spreadsheet or CSV for other systems, with each one's
/// count of hồ sơ.
async fn fonds_list_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    format: crate::respond::PaperFormat,
) -> Result<Response, PageError> {
    let units = state.store.units().await?;
    let visibility = ctx.actor.visibility();
    let mut rows = vec![];
    for (n, f) in state.store.list_fonds(&visibility).await?.iter().enumerate() {
        let unit = units.iter().find(|u| u.id == f.fields.unit_id).map(|u| u.name.clone()).unwrap_or_default();
        rows.push(vec![
            vn::integer(n as i64 + 1),
            f.fields.code.to_string(),
            f.fields.name.clone(),
            unit,
            f.fields.status.label().to_string(),
            date_range(f.fields.start_date.as_ref(), f.fields.end_date.as_ref()),
            secret_label(f.fields.classification).unwrap_or_default().to_string(),
        ]);
    }
    let columns = [
        ("STT", 0.5),
        ("Mã phông", 0.9),
        ("Tên phông", 3.0),
        ("Đơn vị hình thành", 2.2),
        ("Trạng thái", 1.0),
        ("Thời gian tài liệu", 1.1),
        ("Độ mật", 0.8),
    ];
    crate::respond::list_file(&state, "DANH SÁCH PHÔNG LƯU TRỮ", &columns, &[0], rows, format, "danh-sach-phong").await
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NewFondsQuery {
    unit_id: Option<String>,
}

fn fonds_new_page() -> Page<'static> {
    Page::new("form.html", "chinh-ly", "Thêm phông").crumbs(vec![crumb("Phông", "/phong"), here("Thêm phông")])
}

async fn fonds_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NewFondsQuery>,
) -> Result<Response, PageError> {
    let input = FondsInput { unit_id: q.unit_id.unwrap_or_default(), status: "01".into(), language: "01".into(), ..Default::default() };
    let specs = fonds_fields(unit_choices(&state, &ctx).await?);
    form_page(&state, &ctx, FormPage::new(fonds_new_page(), specs, "/phong", "/phong"), &input, None)
}

async fn fonds_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(input): Form<FondsInput>,
) -> Result<Response, PageError> {
    let outcome = records::create_fonds(&state, &ctx, &input).await;
    let specs = fonds_fields(unit_choices(&state, &ctx).await?);
    after_save(&state, &ctx, outcome, |id| format!("/phong/{id}"), FormPage::new(fonds_new_page(), specs, "/phong", "/phong"), &input)
}

fn fonds_facts(f: &Fonds, unit: &str, custodian: Option<&str>) -> Vec<(&'static str, String)> {
    let x = &f.fields;
    vec![
        ("Mã phông", x.code.to_string()),
        ("Tên phông", x.name.clone()),
        ("Đơn vị hình thành phông", unit.to_string()),
        ("Trạng thái", x.status.label().to_string()),
        ("Thời gian tài liệu", date_range(x.start_date.as_ref(), x.end_date.as_ref())),
        ("Đơn vị đang quản lý", custodian.unwrap_or("—").to_string()),
        ("Ngôn ngữ", x.language.labels()),
        ("Độ mật", x.classification.label().to_string()),
        ("Lịch sử đơn vị hình thành phông", x.history.clone().unwrap_or_default()),
        ("Ghi chú", x.description.clone().unwrap_or_default()),
    ]
}

async fn fonds_show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueView, id).await?;
    let unit = state.store.unit(fonds.fields.unit_id).await?;
    let custodian = match fonds.fields.custodian_unit_id {
        Some(c) => Some(state.store.unit(c).await?.name),
        None => None,
    };
    let inventories: Vec<Value> = state
        .store
        .list_inventories(&ctx.actor.visibility(), id)
        .await?
        .iter()
        .map(|i| context! { id => i.id, number => i.fields.number, title => i.fields.title.clone(), maintenance => i.fields.maintenance.map(|m| m.label()) })
        .collect();
    let facts = fonds_facts(&fonds, &unit.name, custodian.as_deref());
    let title = format!("Phông {}", fonds.fields.code);
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    Page::new("fonds.html", "chinh-ly", title.clone()).crumbs(vec![crumb("Phông", "/phong"), here(title)]).render(
        &state,
        Some(&ctx),
        context! { fonds => context! { id => fonds.id, code => fonds.fields.code.to_string(), name => fonds.fields.name.clone() }, facts, inventories, flash => flash(&q), may_edit, sees_work => sees_work(&ctx) },
    )
}

async fn fonds_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let input = FondsInput::from(&fonds.fields);
    let page = Page::new("form.html", "chinh-ly", format!("Sửa phông {}", fonds.fields.code)).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{id}")),
        here("Sửa"),
    ]);
    let specs = fonds_fields(unit_choices(&state, &ctx).await?);
    form_page(&state, &ctx, FormPage::new(page, specs, format!("/phong/{id}"), format!("/phong/{id}")), &input, None)
}

async fn fonds_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(input): Form<FondsInput>,
) -> Result<Response, PageError> {
    let outcome = records::update_fonds(&state, &ctx, id, &input).await;
    let page = Page::new("form.html", "chinh-ly", "Sửa phông").crumbs(vec![crumb("Phông", "/phong"), here("Sửa")]);
    let specs = fonds_fields(unit_choices(&state, &ctx).await?);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/phong/{id}"),
        FormPage::new(page, specs, format!("/phong/{id}"), format!("/phong/{id}")),
        &input,
    )
}

// ---- mục lục ----

async fn inventory_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(fonds_id): Path<i64>,
) -> Result<Response, PageError> {
    let fonds = records::fonds_for(&state, &ctx, Action::CatalogueEdit, fonds_id).await?;
    let next =
        state.store.list_inventories(&ctx.actor.visibility(), fonds_id).await?.iter().map(|i| i.fields.number).max().unwrap_or(0) + 1;
    let input = InventoryInput { number: next.to_string(), ..Default::default() };
    let page = Page::new("form.html", "chinh-ly", format!("Thêm mục lục vào phông {}", fonds.fields.code)).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{fonds_id}")),
        here("Thêm mục lục"),
    ]);
    form_page(
        &state,
        &ctx,
        FormPage::new(page, inventory_fields(), format!("/phong/{fonds_id}/muc-luc"), format!("/phong/{fonds_id}")),
        &input,
        None,
    )
}

async fn inventory_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(fonds_id): Path<i64>,
    Form(input): Form<InventoryInput>,
) -> Result<Response, PageError> {
    let outcome = records::create_inventory(&state, &ctx, fonds_id, &input).await;
    let page = Page::new("form.html", "chinh-ly", "Thêm mục lục").crumbs(vec![
        crumb("Phông", "/phong"),
        crumb("Phông", format!("/phong/{fonds_id}")),
        here("Thêm mục lục"),
    ]);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/muc-luc/{id}"),
        FormPage::new(page, inventory_fields(), format!("/phong/{fonds_id}/muc-luc"), format!("/phong/{fonds_id}")),
        &input,
    )
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    da_luu: Option<String>,
    #[serde(flatten)]
    page: crate::pager::PageQuery,
}

const PAGE_SIZE: u64 = 100;

fn dossier_row(d: &Dossier) -> Value {
    let f = &d.fields;
    context! {
        id => d.id, number => d.number, fileCode => f.file_code.to_string(), title => f.title.clone(),
        dates => date_range(Some(&f.start_date), Some(&f.end_date)), maintenance => f.retention_label(),
        paper => f.number_of_paper.map(|n| vn::integer(n as i64)).unwrap_or_default(), pages => f.number_of_page,
        description => f.description.clone(), secret => secret_label(f.classification),
    }
}

async fn inventory_show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (inventory, fonds) = records::inventory_for(&state, &ctx, Action::CatalogueView, id).await?;
    let filter = ListDossiers {
        visibility: ctx.actor.visibility(),
        inventory_id: Some(id),
        fonds_id: None,
        query: Some(q.q.clone()),
        undisposed: false,
        seek: q.page.seek(),
        limit: PAGE_SIZE,
    };
    let page = state.store.list_dossiers(&filter).await?;
    let rows: Vec<Value> = page.items.iter().map(dossier_row).collect();
    let pager = crate::pager::pager(&page, &q.page, PAGE_SIZE, &format!("/muc-luc/{id}"), &[("q", q.q.trim())]);
    let title = format!("Mục lục số {}", inventory.fields.number);
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    Page::new("inventory.html", "chinh-ly", title.clone())
        .crumbs(vec![crumb("Phông", "/phong"), crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)), here(title)])
        .render(
            &state,
            Some(&ctx),
            context! {
                inventory => context! { id => inventory.id, number => inventory.fields.number, title => inventory.fields.title.clone() },
                pager, rows, query => q.q, may_edit,
                flash => q.da_luu.map(|_| "Đã lưu."),
            },
        )
}

async fn inventory_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (inventory, _) = records::inventory_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let input = InventoryInput::from(&inventory.fields);
    let page = Page::new("form.html", "chinh-ly", format!("Sửa mục lục số {}", inventory.fields.number)).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Mục lục số {}", inventory.fields.number), format!("/muc-luc/{id}")),
        here("Sửa"),
    ]);
    form_page(&state, &ctx, FormPage::new(page, inventory_fields(), format!("/muc-luc/{id}"), format!("/muc-luc/{id}")), &input, None)
}

async fn inventory_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(input): Form<InventoryInput>,
) -> Result<Response, PageError> {
    let outcome = records::update_inventory(&state, &ctx, id, &input).await;
    let page = Page::new("form.html", "chinh-ly", "Sửa mục lục").crumbs(vec![crumb("Phông", "/phong"), here("Sửa mục lục")]);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/muc-luc/{id}"),
        FormPage::new(page, inventory_fields(), format!("/muc-luc/{id}"), format!("/muc-luc/{id}")),
        &input,
    )
}

// ---- hồ sơ ----

async fn dossier_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(inventory_id): Path<i64>,
) -> Result<Response, PageError> {
    records::inventory_for(&state, &ctx, Action::CatalogueEdit, inventory_id).await?;
    let (fonds, inventory, context) = state.store.dossier_context(inventory_id).await?;
    let input = DossierInput {
        maintenance: inventory.fields.maintenance.map(|m| m.code().to_string()).unwrap_or_default(),
        mode: if fonds.fields.classification.is_classified() { "03" } else { "01" }.into(),
        language: "01".into(),
        risk_recovery: "0".into(),
        classification: fonds.fields.classification.code().into(),
        ..Default::default()
    };
    let heading = format!("Thêm hồ sơ vào mục lục số {}", inventory.fields.number);
    let page = Page::new("form.html", "chinh-ly", heading.clone()).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)),
        crumb(format!("Mục lục số {}", inventory.fields.number), format!("/muc-luc/{inventory_id}")),
        here("Thêm hồ sơ"),
    ]);
    let intro = format!("Mã hồ sơ sẽ là {}.<năm>.<số ký hiệu>.{}", context.prefix.as_str(), inventory.fields.number);
    let form =
        form_context(&ctx, dossier_fields(), &input, None, format!("/muc-luc/{inventory_id}/ho-so"), format!("/muc-luc/{inventory_id}"));
    page.render(&state, Some(&ctx), context! { heading, intro, form })
}

async fn dossier_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(inventory_id): Path<i64>,
    Form(input): Form<DossierInput>,
) -> Result<Response, PageError> {
    let outcome = records::create_dossier(&state, &ctx, inventory_id, &input).await;
    let page = Page::new("form.html", "chinh-ly", "Thêm hồ sơ").crumbs(vec![
        crumb("Phông", "/phong"),
        crumb("Mục lục", format!("/muc-luc/{inventory_id}")),
        here("Thêm hồ sơ"),
    ]);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/ho-so/{id}"),
        FormPage::new(page, dossier_fields(), format!("/muc-luc/{inventory_id}/ho-so"), format!("/muc-luc/{inventory_id}")),
        &input,
    )
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

fn dossier_facts(d: &Dossier) -> Vec<(&'static str, String)> {
    let f = &d.fields;
    vec![
        ("Mã hồ sơ", f.file_code.to_string()),
        ("Hồ sơ số", opt(&d.number)),
        ("Tiêu đề hồ sơ", f.title.clone()),
        ("Thời hạn bảo quản", f.retention_label()),
        ("Chế độ sử dụng", f.mode.label().into()),
        ("Ngôn ngữ", f.language.labels()),
        ("Thời gian bắt đầu", f.start_date.to_string()),
        ("Thời gian kết thúc", f.end_date.to_string()),
        ("Từ khóa", opt(&f.keyword)),
        ("Tổng số văn bản", vn::integer(f.total_doc as i64)),
        ("Số lượng tờ", f.number_of_paper.map(|n| vn::integer(n as i64)).unwrap_or_else(|| "—".into())),
        ("Số lượng trang", vn::integer(f.number_of_page as i64)),
        ("Tình trạng vật lý", opt(&f.format)),
        ("Ký hiệu thông tin", opt(&f.infor_sign)),
        ("Mức độ tin cậy", opt(&f.confidence_level)),
        ("Mã hồ sơ gốc giấy", opt(&f.paper_file_code)),
        ("Chế độ dự phòng", if f.risk_recovery { "Có" } else { "Không" }.into()),
        ("Tình trạng dự phòng", opt(&f.risk_recovery_status)),
        ("Độ mật", f.classification.label().into()),
        ("Ghi chú", opt(&f.description)),
        (
            "Tình trạng hủy",
            match d.disposal.as_deref() {
                Some("xem_xet_huy") => "Xem xét hủy".into(),
                Some("da_huy") => "Đã hủy (hồ sơ được giữ lại trong dữ liệu với toàn bộ quá trình)".into(),
                _ => "—".into(),
            },
        ),
    ]
}

fn document_row(d: &Document) -> Value {
    let f = &d.fields;
    let number = match (&f.code_number, &f.code_notation) {
        (Some(n), Some(k)) => format!("{n}/{k}"),
        (Some(n), None) => n.clone(),
        (None, Some(k)) => k.clone(),
        (None, None) => String::new(),
    };
    context! {
        id => d.id, ordinal => f.doc_ordinal, number, date => f.issued_date.to_string(), type => f.type_name.label(),
        subject => f.subject.clone(), organ => f.organ_name.clone(), pages => f.number_of_page,
    }
}

fn edit_actions(ctx: &Ctx, actions: Vec<Value>) -> Vec<Value> {
    if kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit) { actions } else { vec![] }
}

async fn dossier_show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    render_dossier(&state, &ctx, id, flash(&q), None, StatusCode::OK).await
}

pub(crate) async fn render_dossier(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    flash: Option<&str>,
    upload_error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (dossier, fonds) = records::dossier_for(state, ctx, Action::CatalogueView, id).await?;
    let inventory = state.store.inventory(dossier.inventory_id).await?;
    let documents: Vec<Value> = state.store.list_documents(&ctx.actor.visibility(), id).await?.iter().map(document_row).collect();
    let attachments = crate::attachments::listed(state, ctx, kho_store::AttachmentOwner::Dossier(id)).await?;
    let renditions: Vec<Value> = crate::records::visible_renditions(state, ctx, &dossier)
        .await?
        .iter()
        .map(|r| context! { id => r.id, name => r.file_name.clone(), standard => r.standard.clone(), pages => r.pages, size => r.size, sha256 => r.sha256.clone(), signed => r.signed, at => r.created_at.clone() })
        .collect();
    // The gói lưu trữ, offered to the archive's own staff when nothing in the hồ sơ is classified.
    let may_package = !renditions.is_empty()
        && kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::PlanView)
        && !state.store.whole_dossier_label(&dossier).await?.1.classification.is_classified();
    // A reader asks for a hồ sơ once it is digitized: its content reaches them through the phiếu.
    let may_request = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::AccessRequest)
        && !state.store.renditions(dossier.id).await?.is_empty();
    // The pages, beside their text, for whoever sees content outside a phiếu.
    let page_ids = if sees_content(ctx) { state.store.dossier_page_ids(id).await? } else { vec![] };
    let (scanned_pages, first_page) = (page_ids.len(), page_ids.first().copied());
    let classified = dossier.fields.classification.max(fonds.fields.classification).is_classified();
    let may_edit = kho_model::access::Permissions::shipped().allows(ctx.actor.role, Action::CatalogueEdit);
    let rules = state.store.retention_rules().await?;
    let retention = crate::retention::explain(&rules, &dossier.fields.title, Some(dossier.fields.end_date.year()));
    let mut facts = dossier_facts(&dossier);
    if let Some(box_id) = dossier.box_id {
        let (number, place) = state.store.dossier_place(box_id).await?;
        facts.insert(2, ("Vị trí", format!("{}Hộp số {number}", place.map(|p| format!("{p} › ")).unwrap_or_default())));
    }
    let title = format!("Hồ sơ {}", dossier.fields.file_code);
    let actions = edit_actions(
        ctx,
        vec![
            context! { href => format!("/ho-so/{id}/sua"), label => "Sửa hồ sơ", secondary => true },
            context! { href => format!("/ho-so/{id}/van-ban/moi"), label => "Thêm văn bản" },
        ],
    );
    Page::new("record.html", "chinh-ly", title.clone())
        .crumbs(vec![
            crumb("Phông", "/phong"),
            crumb(format!("Phông {}", fonds.fields.code), format!("/phong/{}", fonds.id)),
            crumb(format!("Mục lục số {}", inventory.fields.number), format!("/muc-luc/{}", inventory.id)),
            here(title.clone()),
        ])
        .status(status)
        .render(state, Some(ctx), context! {
            heading => title, facts, documents, actions, flash, attachments, upload_error, renditions, scanned_pages, first_page, may_package,
            may_request, retention, maintenance_code => dossier.fields.maintenance.code(), id,
            may_upload => may_edit, classified, enclave => state.config.enclave, csrf_query => ctx.csrf.as_deref().map(crate::auth::urlencode),
        })
}

async fn dossier_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (dossier, _) = records::dossier_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let input = DossierInput::from(&dossier.fields);
    let page = Page::new("form.html", "chinh-ly", format!("Sửa hồ sơ {}", dossier.fields.file_code)).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Hồ sơ {}", dossier.fields.file_code), format!("/ho-so/{id}")),
        here("Sửa"),
    ]);
    form_page(&state, &ctx, FormPage::new(page, dossier_fields(), format!("/ho-so/{id}"), format!("/ho-so/{id}")), &input, None)
}

async fn dossier_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(input): Form<DossierInput>,
) -> Result<Response, PageError> {
    let outcome = records::update_dossier(&state, &ctx, id, &input).await;
    let page = Page::new("form.html", "chinh-ly", "Sửa hồ sơ").crumbs(vec![
        crumb("Phông", "/phong"),
        crumb("Hồ sơ", format!("/ho-so/{id}")),
        here("Sửa"),
    ]);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/ho-so/{id}"),
        FormPage::new(page, dossier_fields(), format!("/ho-so/{id}"), format!("/ho-so/{id}")),
        &input,
    )
}

// ---- văn bản ----

async fn document_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(dossier_id): Path<i64>,
) -> Result<Response, PageError> {
    let (dossier, _) = records::dossier_for(&state, &ctx, Action::CatalogueEdit, dossier_id).await?;
    let input = DocumentInput {
        doc_ordinal: state.store.next_doc_ordinal(dossier_id).await?.to_string(),
        mode: dossier.fields.mode.code().into(),
        language: "01".into(),
        classification: dossier.fields.classification.code().into(),
        ..Default::default()
    };
    let page = Page::new("form.html", "chinh-ly", format!("Thêm văn bản vào hồ sơ {}", dossier.fields.file_code)).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Hồ sơ {}", dossier.fields.file_code), format!("/ho-so/{dossier_id}")),
        here("Thêm văn bản"),
    ]);
    let specs = document_specs(&state, &ctx, dossier_id).await?;
    form_page(
        &state,
        &ctx,
        FormPage::new(page, specs, format!("/ho-so/{dossier_id}/van-ban"), format!("/ho-so/{dossier_id}")),
        &input,
        None,
    )
}

/// The văn bản form of a hồ sơ, offering as issuing body the fonds' own name and those typed
/// lately in this mục lục.
/// Called once the person's right to the hồ sơ is settled: no second check, no second entry in
/// the audit trail.
async fn document_specs(state: &AppState, ctx: &Ctx, dossier_id: i64) -> Result<Vec<FieldSpec>, PageError> {
    let dossier = state.store.dossier(dossier_id).await?;
    let fonds = state.store.fonds(dossier.fonds_id).await?;
    let mut organs = vec![fonds.fields.name.clone()];
    for name in state.store.recent_organ_names(&ctx.actor.visibility(), dossier.id, 20).await? {
        if !organs.contains(&name) {
            organs.push(name);
        }
    }
    let mut specs = document_fields();
    let organ = spec_mut(&mut specs, "organName");
    organ.suggestions = organs;
    organ.hint = Some("Gõ hoặc chọn: tên phông và các cơ quan vừa nhập trong mục lục này");
    Ok(specs)
}

async fn document_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(dossier_id): Path<i64>,
    Form(input): Form<DocumentInput>,
) -> Result<Response, PageError> {
    let outcome = records::create_document(&state, &ctx, dossier_id, &input).await;
    let page = Page::new("form.html", "chinh-ly", "Thêm văn bản").crumbs(vec![
        crumb("Phông", "/phong"),
        crumb("Hồ sơ", format!("/ho-so/{dossier_id}")),
        here("Thêm văn bản"),
    ]);
    let specs = match &outcome {
        // Back on the hồ sơ, its văn bản in view, to add the next.
        Ok(_) => return Ok(Redirect::to(&format!("/ho-so/{dossier_id}?da_luu=van-ban#documents")).into_response()),
        Err(Refused::Invalid(_) | Refused::Conflict(_)) => document_specs(&state, &ctx, dossier_id).await?,
        Err(_) => document_fields(),
    };
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/van-ban/{id}"),
        FormPage::new(page, specs, format!("/ho-so/{dossier_id}/van-ban"), format!("/ho-so/{dossier_id}")),
        &input,
    )
}

fn document_facts(d: &Document) -> Vec<(&'static str, String)> {
    let f = &d.fields;
    vec![
        ("Mã lưu trữ văn bản (docCode)", d.doc_code.clone()),
        ("Số thứ tự trong hồ sơ", f.doc_ordinal.to_string()),
        ("Tên loại văn bản", f.type_name.label().into()),
        ("Số", opt(&f.code_number)),
        ("Ký hiệu", opt(&f.code_notation)),
        ("Ngày, tháng, năm", f.issued_date.to_string()),
        ("Cơ quan, tổ chức ban hành", f.organ_name.clone()),
        ("Trích yếu nội dung", f.subject.clone()),
        ("Ngôn ngữ", f.language.labels()),
        ("Số trang", vn::integer(f.number_of_page as i64)),
        ("Ký hiệu thông tin", opt(&f.infor_sign)),
        ("Từ khóa", opt(&f.keyword)),
        ("Chế độ sử dụng", f.mode.label().into()),
        ("Mức độ tin cậy", opt(&f.confidence_level)),
        ("Bút tích", opt(&f.autograph)),
        ("Tình trạng vật lý", opt(&f.format)),
        ("Quy trình xử lý", f.process.map(|p| if p { "Có" } else { "Không" }.to_string()).unwrap_or_else(|| "—".into())),
        ("Độ mật", f.classification.label().into()),
        ("Ghi chú", opt(&f.description)),
    ]
}

async fn document_show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    let (document, dossier) = records::document_for(&state, &ctx, Action::CatalogueView, id).await?;
    let title = format!("Văn bản {}", document.doc_code);
    let actions = edit_actions(&ctx, vec![context! { href => format!("/van-ban/{id}/sua"), label => "Sửa văn bản", secondary => true }]);
    Page::new("record.html", "chinh-ly", title.clone())
        .crumbs(vec![
            crumb("Phông", "/phong"),
            crumb(format!("Hồ sơ {}", dossier.fields.file_code), format!("/ho-so/{}", dossier.id)),
            here(title.clone()),
        ])
        .render(&state, Some(&ctx), context! { heading => title, facts => document_facts(&document), actions, flash => flash(&q) })
}

async fn document_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (document, _) = records::document_for(&state, &ctx, Action::CatalogueEdit, id).await?;
    let input = DocumentInput::from(&document.fields);
    let page = Page::new("form.html", "chinh-ly", format!("Sửa văn bản {}", document.doc_code)).crumbs(vec![
        crumb("Phông", "/phong"),
        crumb(format!("Văn bản {}", document.doc_code), format!("/van-ban/{id}")),
        here("Sửa"),
    ]);
    let specs = document_specs(&state, &ctx, document.dossier_id).await?;
    form_page(&state, &ctx, FormPage::new(page, specs, format!("/van-ban/{id}"), format!("/van-ban/{id}")), &input, None)
}

async fn document_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(input): Form<DocumentInput>,
) -> Result<Response, PageError> {
    let outcome = records::update_document(&state, &ctx, id, &input).await;
    // The form again only when what was typed is refused: the văn bản is the person's to edit.
    let specs = match &outcome {
        Err(Refused::Invalid(_) | Refused::Conflict(_)) => document_specs(&state, &ctx, state.store.document(id).await?.dossier_id).await?,
        _ => document_fields(),
    };
    let page = Page::new("form.html", "chinh-ly", "Sửa văn bản").crumbs(vec![
        crumb("Phông", "/phong"),
        crumb("Văn bản", format!("/van-ban/{id}")),
        here("Sửa"),
    ]);
    after_save(
        &state,
        &ctx,
        outcome,
        |id| format!("/van-ban/{id}"),
        FormPage::new(page, specs, format!("/van-ban/{id}"), format!("/van-ban/{id}")),
        &input,
    )
}

// ---- tra cứu ----

// ---- tài khoản: đăng nhập, đăng xuất, đổi mật khẩu ----

#[derive(Deserialize, Default)]
struct LoginQuery {
    #[serde(default)]
    tiep: Option<String>,
}

#[derive(Deserialize, Default)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tiep: String,
    #[serde(default)]
    _csrf: String,
}

/// Longest `tiep` followed; a longer one is nobody's bookmark.
const MAX_NEXT: usize = 2048;

/// Where to go after signing in: only a path of this site (no open redirect), else `/`.
/// Checked as written and after percent-decoding, repeated so `%252F` hides no `/`: it starts
/// with one `/` — not `//` nor `/\`, which browsers read as another host —, holds no backslash,
/// no control character and no whitespace (browsers drop tabs and newlines inside a URL, so
/// `/\t/evil.example` would become `//evil.example`). Characters beyond ASCII are
/// percent-encoded, so the `Location` header is always valid.
fn safe_next(next: &str) -> String {
    fn plain_path(text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.first() == Some(&b'/')
            && !matches!(bytes.get(1), Some(b'/' | b'\\'))
            && !text.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    }
    if next.len() > MAX_NEXT || !plain_path(next) {
        return "/".into();
    }
    let mut decoded = next.to_string();
    for _ in 0..4 {
        let once = percent_decode(&decoded);
        if !plain_path(&once) {
            return "/".into();
        }
        if once == decoded {
            let mut location = String::with_capacity(next.len());
            for c in next.chars() {
                if c.is_ascii() {
                    location.push(c);
                } else {
                    let mut buffer = [0u8; 4];
                    c.encode_utf8(&mut buffer).bytes().for_each(|b| location.push_str(&format!("%{b:02X}")));
                }
            }
            return location;
        }
        decoded = once;
    }
    // Still changing after four rounds: encoded on purpose to hide something.
    "/".into()
}

/// `%XX` to its byte; anything else as it is. Bytes that do not make UTF-8 are replaced, which
/// the checks then see (U+FFFD is neither a slash nor a control character, so it only keeps text).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn login_page(state: &AppState, status: StatusCode, username: &str, next: &str, error: Option<&str>) -> Result<Response, PageError> {
    let token = crate::auth::new_secret();
    let mut response = Page::new("login.html", "", "Đăng nhập").status(status).render(
        state,
        None,
        context! { username, next, error, login_csrf => token.clone() },
    )?;
    response
        .headers_mut()
        .append(axum::http::header::SET_COOKIE, crate::auth::set_cookie(state, crate::auth::LOGIN_CSRF_COOKIE, &token, Some(3600)));
    Ok(response)
}

async fn login_form(
    State(state): State<AppState>,
    Extension(me): Extension<MaybeCtx>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    if me.0.is_some() {
        return Ok(Redirect::to(&safe_next(q.tiep.as_deref().unwrap_or("/"))).into_response());
    }
    login_page(&state, StatusCode::OK, "", &safe_next(q.tiep.as_deref().unwrap_or("/")), None)
}

async fn login_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    crate::auth::ClientAddress(address): crate::auth::ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    // Login forms carry a token that must match their cookie, so another site cannot sign a
    // browser in to an account of its choosing.
    let cookie_token = crate::auth::cookie(&headers, crate::auth::LOGIN_CSRF_COOKIE).unwrap_or_default();
    if cookie_token.is_empty() || cookie_token != form._csrf {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            &form.username,
            &safe_next(&form.tiep),
            Some("Biểu mẫu đăng nhập đã hết hiệu lực; hãy thử lại."),
        );
    }
    match crate::auth::login(&state, &form.username, &form.password, address.as_deref()).await? {
        Ok((secret, _)) => {
            let mut response = Redirect::to(&safe_next(&form.tiep)).into_response();
            let headers = response.headers_mut();
            headers.append(axum::http::header::SET_COOKIE, crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, &secret, None));
            headers.append(axum::http::header::SET_COOKIE, crate::auth::set_cookie(&state, crate::auth::LOGIN_CSRF_COOKIE, "", Some(0)));
            Ok(response)
        }
        Err(refused) => {
            let status = match refused {
                crate::auth::LoginRefused::Throttled => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            login_page(&state, status, &form.username, &safe_next(&form.tiep), Some(refused.message()))
        }
    }
}

async fn logout(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    if let Some(hash) = &ctx.session_hash {
        state.store.delete_session(hash).await?;
    }
    state.store.audit(ctx.event("logout", "session", None, "ok")).await?;
    let mut response = Redirect::to("/dang-nhap").into_response();
    response
        .headers_mut()
        .append(axum::http::header::SET_COOKIE, crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, "", Some(0)));
    Ok(response)
}

#[derive(Deserialize, Default)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

async fn password_form(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    Page::new("password.html", "", "Đổi mật khẩu").render(&state, Some(&ctx), context! { error => Value::from(()) })
}

async fn password_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    if let Err(message) = change_own_password(&state, &ctx, &form.current, &form.new, &form.repeat).await? {
        return Page::new("password.html", "", "Đổi mật khẩu").status(StatusCode::UNPROCESSABLE_ENTITY).render(
            &state,
            Some(&ctx),
            context! { error => message },
        );
    }
    // Every session ended with the change; sign in again with the new password.
    let mut response = Redirect::to("/dang-nhap").into_response();
    response
        .headers_mut()
        .append(axum::http::header::SET_COOKIE, crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, "", Some(0)));
    Ok(response)
}

/// The signed-in person's own password changed, given the current one; audited. `Err`: why not.
pub(crate) async fn change_own_password(
    state: &AppState,
    ctx: &Ctx,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<Result<(), String>, PageError> {
    let user = ctx.user.clone().ok_or(PageError::Forbidden)?;
    if !crate::auth::verify_password(&user.password_hash, current) {
        state.store.audit(ctx.event("password.change", "user", Some(user.id), "refused")).await?;
        return Ok(Err("Mật khẩu hiện tại không đúng.".into()));
    }
    if new != repeat {
        return Ok(Err("Hai lần nhập mật khẩu mới không giống nhau.".into()));
    }
    if let Err(message) = crate::auth::check_new_password(&user.username, new) {
        return Ok(Err(message));
    }
    state.store.set_password(user.id, &crate::auth::hash_password(new)).await?;
    state.store.audit(ctx.event("password.change", "user", Some(user.id), "ok")).await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        for kept in ["/", "/phong/1", "/tra-cuu?q=h%E1%BB%93+s%C6%A1", "/tra-cuu?q=50%25", "/so-hoa/3#queue"] {
            assert_eq!(safe_next(kept), kept);
        }
        assert_eq!(safe_next("/tra-cuu?q=hồ"), "/tra-cuu?q=h%E1%BB%93");
        let long = format!("/{}", "a".repeat(5000));
        for refused in [
            "",
            "phong",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{1}x",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%0A",
            "/%252F/evil.example",
            "/%25252525252F",
            "https://evil.example",
            "/a b",
            "/a\u{a0}b",
            long.as_str(),
        ] {
            assert_eq!(safe_next(refused), "/", "{refused:?}");
        }
    }
}
