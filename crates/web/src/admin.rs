//! Quản trị: accounts (role, units, fonds, clearance), API tokens, and the audit trail with its
//! XLSX export. Every change here is itself audited, with what it was before.
//!
//! Nobody grants what they do not hold (`access::clearance_change`): an administrator lowers
//! clearances and *proposes* higher ones; a Lãnh đạo approves a proposal up to their own clearance
//! (Độ mật chờ duyệt); nobody changes their own role, clearance or scope; an API token is issued
//! only to oneself; an administrator does not reset the password of an account cleared higher
//! than themselves (that is the console's, `kho user password`).

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::error::{ApiError, ApiErrorBody, PageError};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use kho_model::Classification;
use kho_model::access::{Action, ClearanceChange, Role, clearance_change};
use kho_store::{AuditFilter, UserSettings};
use minijinja::{Value, context};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeSet;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri", get(users))
        .route("/quan-tri/tai-khoan/moi", get(user_new))
        .route("/quan-tri/tai-khoan", post(user_create))
        .route("/quan-tri/tai-khoan/{id}", get(user_edit).post(user_update))
        .route("/quan-tri/tai-khoan/{id}/mat-khau", post(user_password))
        .route("/quan-tri/ma-truy-cap", get(tokens).post(token_create))
        .route("/quan-tri/ma-truy-cap/{id}/thu-hoi", post(token_revoke))
        .route("/quan-tri/do-mat", get(proposals))
        .route("/quan-tri/do-mat/{id}", post(proposal_decide))
        .route("/tai-khoan/ma-truy-cap", get(own_tokens).post(own_token_create))
        .route("/tai-khoan/ma-truy-cap/{id}/thu-hoi", post(own_token_revoke))
        .route("/quan-tri/nhat-ky", get(audit))
        .route("/quan-tri/nhat-ky.xlsx", get(audit_xlsx))
}

fn render(state: &AppState, ctx: &Ctx, template: &str, title: &str, status: StatusCode, values: Value) -> Result<Response, PageError> {
    crate::pages::Page::new(template, "quan-tri", title).status(status).render(state, Some(ctx), context! { tabs => tabs(ctx), ..values })
}

/// The tabs of Quản trị the person's role may open.
pub fn tabs(ctx: &Ctx) -> Vec<Value> {
    use kho_model::access::Action;
    [
        ("/quan-tri", "Tài khoản", Action::UsersManage),
        ("/quan-tri/do-mat", "Độ mật chờ duyệt", Action::ClearanceGrant),
        ("/quan-tri/ma-truy-cap", "Mã truy cập API", Action::TokensManage),
        ("/quan-tri/nhat-ky", "Nhật ký hệ thống", Action::AuditView),
        ("/quan-tri/bao-quan", "Bảo quản", Action::AuditView),
        ("/quan-tri/thoi-han", "Bảng thời hạn bảo quản", Action::RetentionManage),
    ]
    .into_iter()
    .filter(|(_, _, action)| kho_model::access::Permissions::shipped().allows(ctx.actor.role, *action))
    .map(|(href, label, _)| context! { href, label })
    .collect()
}

async fn users(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(saved): Query<crate::pages::Flash>,
) -> Result<Response, PageError> {
    let units = state.store.units().await?;
    let rows: Vec<Value> = state
        .store
        .list_users()
        .await?
        .iter()
        .map(|u| {
            let unit_names: Vec<String> =
                u.units.iter().filter_map(|id| units.iter().find(|x| x.id == *id)).map(|x| x.name.clone()).collect();
            context! {
                id => u.id, username => u.username.clone(), full_name => u.full_name.clone(), role => u.role.label(),
                clearance => u.clearance.label(), disabled => u.disabled, units => unit_names.join(", "), fonds => u.fonds.len(),
                proposed => u.proposed_clearance.map(|c| c.label()),
            }
        })
        .collect();
    let flash = crate::pages::flash(&saved);
    render(&state, &ctx, "admin_users.html", "Tài khoản", StatusCode::OK, context! { users => rows, flash })
}

/// The account form as posted: repeated `units` and `fonds` boxes, so read as pairs.
struct UserForm {
    username: String,
    full_name: String,
    role: String,
    clearance: String,
    disabled: bool,
    units: BTreeSet<i64>,
    fonds: BTreeSet<i64>,
    password: String,
}

impl UserForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> UserForm {
        let mut form = UserForm {
            username: String::new(),
            full_name: String::new(),
            role: String::new(),
            clearance: "00".into(),
            disabled: false,
            units: BTreeSet::new(),
            fonds: BTreeSet::new(),
            password: String::new(),
        };
        for (key, value) in pairs {
            match key.as_str() {
                "username" => form.username = value.trim().to_string(),
                "fullName" => form.full_name = kho_model::text::clean(&value),
                "role" => form.role = value,
                "clearance" => form.clearance = value,
                "disabled" => form.disabled = value == "1",
                "units" => form.units.extend(value.parse::<i64>().ok()),
                "fonds" => form.fonds.extend(value.parse::<i64>().ok()),
                "password" => form.password = value,
                _ => {}
            }
        }
        form
    }

    /// The form filled with a stored account.
    fn of(user: &kho_store::User) -> UserForm {
        UserForm {
            username: user.username.clone(),
            full_name: user.full_name.clone(),
            role: user.role.code().into(),
            clearance: user.clearance.code().into(),
            disabled: user.disabled,
            units: user.units.clone(),
            fonds: user.fonds.clone(),
            password: String::new(),
        }
    }

    fn settings(&self) -> Result<UserSettings, String> {
        let role = Role::from_code(&self.role).ok_or("Vai trò: hãy chọn một vai trò.")?;
        let clearance = Classification::from_code(&self.clearance).ok_or("Độ mật được tiếp cận: giá trị không hợp lệ.")?;
        if self.full_name.is_empty() {
            return Err("Họ và tên: bắt buộc nhập.".into());
        }
        if self.units.is_empty() && self.fonds.is_empty() {
            return Err("Phạm vi: mỗi tài khoản phải gắn với ít nhất một đơn vị (hoặc phông được giao).".into());
        }
        Ok(UserSettings {
            full_name: self.full_name.clone(),
            role,
            clearance,
            disabled: self.disabled,
            units: self.units.clone(),
            fonds: self.fonds.clone(),
        })
    }
}

fn valid_username(name: &str) -> bool {
    (3..=40).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

async fn user_form_page(
    state: &AppState,
    ctx: &Ctx,
    form: &UserForm,
    id: Option<i64>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let units: Vec<Value> = state
        .store
        .units()
        .await?
        .iter()
        .map(|u| context! { id => u.id, name => u.name.clone(), checked => form.units.contains(&u.id) })
        .collect();
    let fonds: Vec<Value> = state
        .store
        .list_fonds(&ctx.actor.visibility())
        .await?
        .iter()
        .map(|f| context! { id => f.id, name => format!("{} — {}", f.fields.code, f.fields.name), checked => form.fonds.contains(&f.id) })
        .collect();
    let roles: Vec<Value> = Role::ALL.iter().map(|r| context! { value => r.code(), label => r.label() }).collect();
    let clearances: Vec<Value> = Classification::ALL.iter().map(|c| context! { value => c.code(), label => c.label() }).collect();
    let title = if id.is_some() { format!("Tài khoản {}", form.username) } else { "Thêm tài khoản".into() };
    let own = id.is_some() && id == ctx.actor.user_id;
    let proposed = match id {
        Some(id) => state.store.user(id).await?.proposed_clearance.map(|c| c.label()),
        None => None,
    };
    render(
        state,
        ctx,
        "admin_user.html",
        &title,
        status,
        context! {
            heading => title.clone(), id, error, units, fonds, roles, clearances, own, proposed,
            form => context! { username => form.username.clone(), full_name => form.full_name.clone(), role => form.role.clone(), clearance => form.clearance.clone(), disabled => form.disabled },
        },
    )
}

async fn user_new(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let form = UserForm::from_pairs(vec![("role".into(), Role::Archivist.code().into())]);
    user_form_page(&state, &ctx, &form, None, None, StatusCode::OK).await
}

async fn user_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = UserForm::from_pairs(pairs);
    match create_account(&state, &ctx, &form).await? {
        Ok(_) => Ok(Redirect::to("/quan-tri?da_luu=1").into_response()),
        Err((status, message)) => user_form_page(&state, &ctx, &form, None, Some(message), status).await,
    }
}

/// Creates an account as the form has it. It starts uncleared: a clearance asked for is applied
/// or proposed as for any account. `Err`: the status and what to correct.
async fn create_account(state: &AppState, ctx: &Ctx, form: &UserForm) -> Result<Result<i64, (StatusCode, String)>, PageError> {
    let invalid = |message: String| Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, message)));
    let checked = (|| {
        if !valid_username(&form.username) {
            return Err("Tên đăng nhập: 3–40 ký tự gồm chữ không dấu, số, “.”, “_” hoặc “-”.".to_string());
        }
        auth::check_new_password(&form.username, &form.password)?;
        form.settings()
    })();
    let mut settings = match checked {
        Ok(s) => s,
        Err(message) => return invalid(message),
    };
    let requested = settings.clearance;
    let change = clearance_change(&ctx.actor, None, Classification::None, requested);
    if let ClearanceChange::Refuse(message) = change {
        return invalid(message.into());
    }
    if change == ClearanceChange::Propose {
        settings.clearance = Classification::None;
    }
    match state.store.create_user(&form.username, &auth::hash_password(&form.password), &settings).await {
        Ok(id) => {
            let mut event = ctx.event("user.create", "user", Some(id), "ok");
            event.detail = Some(format!("{} {} độ mật {}", form.username, settings.role.code(), settings.clearance.code()));
            state.store.audit(event).await?;
            if change == ClearanceChange::Propose {
                propose(state, ctx, id, requested).await?;
            }
            Ok(Ok(id))
        }
        Err(kho_store::StoreError::Conflict(e)) => Ok(Err((StatusCode::CONFLICT, e.message))),
        Err(e) => Err(e.into()),
    }
}

async fn user_edit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let user = state.store.user(id).await?;
    user_form_page(&state, &ctx, &UserForm::of(&user), Some(id), None, StatusCode::OK).await
}

async fn user_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = UserForm::from_pairs(pairs);
    match update_account(&state, &ctx, id, form).await? {
        Ok(_) => Ok(Redirect::to("/quan-tri?da_luu=1").into_response()),
        Err((form, message)) => user_form_page(&state, &ctx, &form, Some(id), Some(message), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// Changes account `id` as the form has it (its user name stays). Nobody changes their own role,
/// clearance or scope; a higher clearance is proposed, not applied, unless the person may grant
/// it. `Ok(true)` when a clearance was proposed; `Err`: the form back with what to correct.
async fn update_account(state: &AppState, ctx: &Ctx, id: i64, mut form: UserForm) -> Result<Result<bool, (UserForm, String)>, PageError> {
    let user = state.store.user(id).await?;
    form.username = user.username.clone();
    let mut settings = match form.settings() {
        Ok(s) => s,
        Err(message) => return Ok(Err((form, message))),
    };
    if ctx.actor.user_id == Some(id)
        && (settings.role != user.role
            || settings.clearance != user.clearance
            || settings.disabled
            || settings.units != user.units
            || settings.fonds != user.fonds)
    {
        // Nobody changes their own role, clearance or scope, nor locks themselves out.
        let message = "Không tự thay đổi vai trò, độ mật, phạm vi hoặc khóa tài khoản của chính mình; nhờ một quản trị viên khác.";
        return Ok(Err((form, message.into())));
    }
    let requested = settings.clearance;
    let change = clearance_change(&ctx.actor, Some(id), user.clearance, requested);
    match change {
        ClearanceChange::Refuse(message) => return Ok(Err((form, message.into()))),
        ClearanceChange::Propose => settings.clearance = user.clearance,
        ClearanceChange::Apply => {}
    }
    state.store.update_user(id, &settings).await?;
    let mut event = ctx.event("user.update", "user", Some(id), "ok");
    event.detail = Some(format!(
        "vai trò {} → {}; độ mật {} → {}; khóa {} → {}; đơn vị {:?} → {:?}; phông {:?} → {:?}",
        user.role.code(),
        settings.role.code(),
        user.clearance.code(),
        settings.clearance.code(),
        user.disabled,
        settings.disabled,
        user.units,
        settings.units,
        user.fonds,
        settings.fonds
    ));
    state.store.audit(event).await?;
    let proposed = change == ClearanceChange::Propose;
    if proposed {
        propose(state, ctx, id, requested).await?;
    }
    Ok(Ok(proposed))
}

/// Records a proposed clearance for a Lãnh đạo to approve.
async fn propose(state: &AppState, ctx: &Ctx, id: i64, clearance: Classification) -> Result<(), PageError> {
    state.store.propose_clearance(id, clearance, &ctx.actor.name).await?;
    let mut event = ctx.event("user.clearance_propose", "user", Some(id), "ok");
    event.detail = Some(format!("đề xuất độ mật {}", clearance.code()));
    state.store.audit(event).await?;
    Ok(())
}

// ---- Độ mật chờ duyệt ----

async fn proposals_page(state: &AppState, ctx: &Ctx, error: Option<String>, flash: Option<&str>) -> Result<Response, PageError> {
    let rows: Vec<Value> = state
        .store
        .clearance_proposals()
        .await?
        .iter()
        .map(|u| {
            let proposed = u.proposed_clearance.unwrap_or(Classification::None);
            let may = clearance_change(&ctx.actor, Some(u.id), u.clearance, proposed) == ClearanceChange::Apply;
            context! {
                id => u.id, username => u.username.clone(), full_name => u.full_name.clone(), role => u.role.label(),
                current => u.clearance.label(), proposed => proposed.label(), by => u.proposed_by.clone(), may,
            }
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    crate::pages::Page::new("clearance.html", "quan-tri", "Độ mật chờ duyệt").status(status).render(
        state,
        Some(ctx),
        context! { rows, error, flash, tabs => tabs(ctx) },
    )
}

async fn proposals(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(saved): Query<crate::pages::Flash>,
) -> Result<Response, PageError> {
    proposals_page(&state, &ctx, None, crate::pages::flash(&saved)).await
}

#[derive(Deserialize)]
struct Decision {
    #[serde(default)]
    quyet_dinh: String,
}

/// A Lãnh đạo approves (up to their own clearance, never their own account) or refuses a proposal.
async fn proposal_decide(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(form): Form<Decision>,
) -> Result<Response, PageError> {
    let grant = form.quyet_dinh != "tu_choi";
    match decide_proposal(&state, &ctx, id, grant).await? {
        Ok(()) if grant => Ok(Redirect::to("/quan-tri/do-mat?da_luu=1").into_response()),
        Ok(()) => Ok(Redirect::to("/quan-tri/do-mat").into_response()),
        Err(message) => proposals_page(&state, &ctx, Some(message.into()), None).await,
    }
}

/// Grants or refuses the clearance proposed for account `id`, audited either way.
async fn decide_proposal(state: &AppState, ctx: &Ctx, id: i64, grant: bool) -> Result<Result<(), &'static str>, PageError> {
    let user = state.store.user(id).await?;
    let Some(proposed) = user.proposed_clearance else {
        return Ok(Err("Tài khoản này không có đề xuất độ mật nào đang chờ."));
    };
    if !grant {
        state.store.drop_proposal(id).await?;
        let mut event = ctx.event("user.clearance_refuse", "user", Some(id), "ok");
        event.detail = Some(format!("từ chối độ mật {} do {} đề xuất", proposed.code(), user.proposed_by.clone().unwrap_or_default()));
        state.store.audit(event).await?;
        return Ok(Ok(()));
    }
    let refusal = match clearance_change(&ctx.actor, Some(id), user.clearance, proposed) {
        ClearanceChange::Apply => None,
        ClearanceChange::Refuse(message) => Some(message),
        ClearanceChange::Propose => Some("Chỉ Lãnh đạo được duyệt độ mật."),
    };
    if let Some(message) = refusal {
        let mut event = ctx.event("user.clearance_grant", "user", Some(id), "denied");
        event.detail = Some(format!("độ mật {} → {}: {message}", user.clearance.code(), proposed.code()));
        state.store.audit(event).await?;
        return Ok(Err(message));
    }
    state.store.set_clearance(id, proposed).await?;
    let mut event = ctx.event("user.clearance_grant", "user", Some(id), "ok");
    event.detail = Some(format!(
        "độ mật {} → {} (đề xuất của {})",
        user.clearance.code(),
        proposed.code(),
        user.proposed_by.clone().unwrap_or_default()
    ));
    state.store.audit(event).await?;
    Ok(Ok(()))
}

#[derive(Deserialize)]
struct NewPassword {
    #[serde(default)]
    password: String,
}

async fn user_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(form): Form<NewPassword>,
) -> Result<Response, PageError> {
    match reset_password(&state, &ctx, id, &form.password).await? {
        Ok(()) => Ok(Redirect::to("/quan-tri?da_luu=1").into_response()),
        Err(message) => {
            let user = state.store.user(id).await?;
            user_form_page(&state, &ctx, &UserForm::of(&user), Some(id), Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// Sets account `id`'s password, unless it is cleared higher than the person (that is the
/// console's) or the password is too weak.
async fn reset_password(state: &AppState, ctx: &Ctx, id: i64, password: &str) -> Result<Result<(), String>, PageError> {
    let user = state.store.user(id).await?;
    if user.clearance.level() > ctx.actor.clearance.level() {
        // Otherwise resetting the password would be a way to sign in as someone cleared higher.
        state.store.audit(ctx.event("user.password_reset", "user", Some(id), "denied")).await?;
        let message = "Tài khoản này được tiếp cận độ mật cao hơn của bạn: mật khẩu chỉ được đặt lại tại máy chủ (kho user password TÊN) hoặc bởi chính người dùng.";
        return Ok(Err(message.into()));
    }
    if let Err(message) = auth::check_new_password(&user.username, password) {
        return Ok(Err(message));
    }
    state.store.set_password(id, &auth::hash_password(password)).await?;
    state.store.audit(ctx.event("user.password_reset", "user", Some(id), "ok")).await?;
    Ok(Ok(()))
}

// ---- API tokens ----

fn token_rows(tokens: &[kho_store::ApiToken]) -> Vec<Value> {
    tokens
        .iter()
        .map(|t| context! { id => t.id, username => t.username.clone(), name => t.name.clone(), created_at => t.created_at.clone(), revoked_at => t.revoked_at.clone(), last_used_at => t.last_used_at.clone() })
        .collect()
}

/// Every token, for the administrator to see and revoke; the form issues one to the administrator.
async fn tokens_page(state: &AppState, ctx: &Ctx, created: Option<String>, error: Option<String>) -> Result<Response, PageError> {
    let tokens = token_rows(&state.store.list_tokens().await?);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        state,
        ctx,
        "admin_tokens.html",
        "Mã truy cập API",
        status,
        context! { tokens, created, error, action => "/quan-tri/ma-truy-cap" },
    )
}

async fn tokens(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    tokens_page(&state, &ctx, None, None).await
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    name: String,
}

/// Issues a token to the signed-in person — never to someone else, whose name the audit trail
/// would then carry for what the issuer does with it.
async fn issue_own_token(state: &AppState, ctx: &Ctx, form: &NewToken) -> Result<Result<String, String>, PageError> {
    let name = kho_model::text::clean(&form.name);
    let Some(user_id) = ctx.actor.user_id else {
        return Ok(Err("Chỉ tài khoản đăng nhập mới tự cấp mã; tại máy chủ dùng kho token create.".into()));
    };
    if name.is_empty() || name.chars().count() > 100 {
        return Ok(Err("Tên mã: bắt buộc, tối đa 100 ký tự (ví dụ “Máy quét phòng 2”).".into()));
    }
    let token = new_api_token();
    let id = state.store.create_token(user_id, &name, &auth::sha256_hex(&token)).await?;
    let mut event = ctx.event("token.create", "token", Some(id), "ok");
    event.detail = Some(name);
    state.store.audit(event).await?;
    Ok(Ok(token))
}

async fn token_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<NewToken>,
) -> Result<Response, PageError> {
    match issue_own_token(&state, &ctx, &form).await? {
        Ok(token) => tokens_page(&state, &ctx, Some(token), None).await,
        Err(message) => tokens_page(&state, &ctx, None, Some(message)).await,
    }
}

/// Tài khoản → Mã truy cập API: one's own tokens (a scanning station's account issues its own).
async fn own_tokens_page(state: &AppState, ctx: &Ctx, created: Option<String>, error: Option<String>) -> Result<Response, PageError> {
    let tokens = token_rows(&state.store.tokens_of(ctx.actor.user_id.unwrap_or_default()).await?);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    crate::pages::Page::new("admin_tokens.html", "", "Mã truy cập API của tôi").status(status).render(
        state,
        Some(ctx),
        context! { tokens, created, error, action => "/tai-khoan/ma-truy-cap", own => true },
    )
}

async fn own_tokens(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    own_tokens_page(&state, &ctx, None, None).await
}

async fn own_token_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<NewToken>,
) -> Result<Response, PageError> {
    match issue_own_token(&state, &ctx, &form).await? {
        Ok(token) => own_tokens_page(&state, &ctx, Some(token), None).await,
        Err(message) => own_tokens_page(&state, &ctx, None, Some(message)).await,
    }
}

async fn own_token_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    revoke(&state, &ctx, id, true).await?;
    Ok(Redirect::to("/tai-khoan/ma-truy-cap").into_response())
}

/// Revokes token `id` — only one's own when `own` — audited. Whether there is such a token (one's
/// own, when `own`), revoked now or before.
async fn revoke(state: &AppState, ctx: &Ctx, id: i64, own: bool) -> Result<bool, PageError> {
    let tokens = if own { state.store.tokens_of(ctx.actor.user_id.unwrap_or_default()).await? } else { state.store.list_tokens().await? };
    let exists = tokens.iter().any(|t| t.id == id);
    let revoked = exists && state.store.revoke_token(id).await?;
    state.store.audit(ctx.event("token.revoke", "token", Some(id), if revoked { "ok" } else { "refused" })).await?;
    Ok(exists)
}

/// `kho_` and 64 hex characters; shown once, stored only as its SHA-256.
pub fn new_api_token() -> String {
    format!("kho_{}", auth::new_secret())
}

async fn token_revoke(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    revoke(&state, &ctx, id, false).await?;
    Ok(Redirect::to("/quan-tri/ma-truy-cap").into_response())
}

// ---- audit trail ----

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// The last entry shown: the next page holds older ones (not a number: the newest page).
    #[serde(default, alias = "before")]
    truoc: String,
    /// API only: entries per page, at most 1.000 (100 when absent).
    #[serde(default)]
    limit: Option<u64>,
}

impl AuditQuery {
    fn filter(&self, limit: u64) -> AuditFilter {
        let date = |d: &str| kho_model::ArchiveDate::parse(d).map(|d| d.sortable());
        AuditFilter {
            actor: Some(self.actor.trim().to_string()),
            action: Some(self.action.trim().to_string()),
            resource_kind: Some(self.kind.trim().to_string()),
            resource_id: None,
            outcome: Some(self.outcome.trim().to_string()),
            from: date(&self.from),
            to: date(&self.to),
            before_seq: self.truoc.trim().parse().ok(),
            limit,
            count_most: None,
        }
    }

    fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("actor", &self.actor),
            ("action", &self.action),
            ("kind", &self.kind),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
        ])
        .unwrap_or_default()
    }
}

/// What an audit entry's action code means, in Vietnamese. Codes stay in the trail as they are
/// (stable, filtered on); people read this. A code of the permissions table (a denied route) is
/// described by the table's own label; an unknown code is shown as it is.
fn action_text(code: &str) -> String {
    let known = match code {
        "login" => "Đăng nhập",
        "logout" => "Đăng xuất",
        "csrf" => "Gửi biểu mẫu thiếu mã chống giả mạo",
        "password.change" => "Đổi mật khẩu của mình",
        "access.request" => "Lập phiếu yêu cầu khai thác",
        "access.grant" => "Duyệt cho khai thác hồ sơ",
        "access.refuse" => "Không cho khai thác hồ sơ",
        "access.deliver" => "Cung cấp tài liệu cho người khai thác",
        "user.create" => "Tạo tài khoản",
        "user.update" => "Sửa tài khoản",
        "user.password_reset" => "Đặt lại mật khẩu",
        "user.clearance_grant" => "Cấp độ mật được tiếp cận",
        "user.clearance_propose" => "Đề xuất nâng độ mật",
        "user.clearance_refuse" => "Từ chối đề xuất độ mật",
        "token.create" => "Cấp mã truy cập API",
        "token.revoke" => "Thu hồi mã truy cập API",
        "audit.export" => "Xuất nhật ký hệ thống",
        "audit.verify" => "Kiểm tra toàn vẹn nhật ký",
        "plan.import" => "Nạp kế hoạch",
        "retention.replace" => "Thay bảng thời hạn bảo quản",
        "unit.update" => "Sửa thông tin đơn vị",
        "unit.create" => "Thêm đơn vị đã sáp nhập",
        "outside_work.add" => "Ghi số liệu thực hiện ngoài Kho",
        "report.annual" => "Lập báo cáo năm",
        "norms.set" => "Sửa định mức kinh phí",
        "complexity.set" => "Đặt độ phức tạp chỉnh lý của đơn vị",
        "budget.add" => "Ghi kinh phí được giao hoặc đã chi",
        "package.export" => "Xuất gói tài liệu lưu trữ số",
        "package.import" => "Nhận gói bàn giao",
        "batch.export" => "Xuất bản số hóa của lô",
        "document.edxml" => "Nhận văn bản từ hệ thống quản lý văn bản (edXML)",
        "fonds.create" => "Thêm phông",
        "fonds.update" => "Sửa phông",
        "fonds.view" => "Xem phông",
        "fonds.dossier_list" => "Xuất danh mục hồ sơ của phông",
        "inventory.create" => "Thêm mục lục",
        "inventory.update" => "Sửa mục lục",
        "inventory.import" => "Nhập mục lục từ tệp",
        "inventory.export" => "Xuất mục lục hồ sơ",
        "inventory.renumber" => "Đánh số hồ sơ chính thức",
        "dossier.create" => "Thêm hồ sơ",
        "dossier.update" => "Sửa hồ sơ",
        "dossier.view" => "Xem hồ sơ hạn chế hoặc mật",
        "document.create" => "Thêm văn bản",
        "document.update" => "Sửa văn bản",
        "document.view" => "Xem văn bản hạn chế hoặc mật",
        "attachment.upload" => "Tải tệp đính kèm lên",
        "attachment.download" => "Tải tệp đính kèm xuống",
        "accession.create" => "Lập biên bản giao nhận",
        "arrangement.step" => "Ghi bước chỉnh lý",
        "arrangement.scheme" => "Ghi khảo sát, phương án phân loại",
        "location.create" => "Thêm vị trí kho",
        "box.fill" => "Xếp hồ sơ vào hộp",
        "disposal.propose" => "Lập danh mục tài liệu hủy",
        "disposal.hoi_dong" => "Ghi ý kiến Hội đồng xác định giá trị",
        "disposal.tham_dinh" => "Ghi thẩm định của cơ quan có thẩm quyền",
        "disposal.quyet_dinh" => "Quyết định hủy tài liệu",
        "disposal.da_huy" => "Ghi đã hủy tài liệu",
        "digitize.batch.create" => "Lập lô số hóa",
        "digitize.upload" => "Tải tệp quét lên",
        "digitize.ingest" => "Nhận thư mục tệp quét",
        "digitize.priority" => "Đổi thứ tự ưu tiên số hóa",
        "digitize.frequent_use" => "Đánh dấu hồ sơ thường xuyên khai thác",
        "digitize.retry" => "Chạy lại việc số hóa bị lỗi",
        "rendition.download" => "Tải bản số hóa",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    match Action::from_code(code) {
        Some(action) => action.label().to_string(),
        None => code.to_string(),
    }
}

/// What an audit entry's record kind is called, in Vietnamese.
fn kind_text(code: &str) -> &str {
    match code {
        "route" => "đường dẫn",
        "session" => "phiên làm việc",
        "user" => "tài khoản",
        "token" => "mã truy cập API",
        "audit" => "nhật ký",
        "plan" => "kế hoạch",
        "retention" => "bảng thời hạn bảo quản",
        "unit" => "đơn vị",
        "fonds" => "phông",
        "inventory" => "mục lục",
        "dossier" => "hồ sơ",
        "document" => "văn bản",
        "attachment" => "tệp đính kèm",
        "file" => "tệp",
        "accession" => "biên bản giao nhận",
        "location" => "vị trí kho",
        "box" => "hộp",
        "disposal" => "danh mục hủy",
        "batch" => "lô số hóa",
        "scan_file" => "tệp quét",
        "rendition" => "bản số hóa",
        other => other,
    }
}

/// What an audit entry's outcome means, in Vietnamese.
fn outcome_text(code: &str) -> &str {
    match code {
        "ok" => "Thành công",
        "refused" => "Bị từ chối (dữ liệu không hợp lệ)",
        "denied" => "Không được phép",
        "failed" => "Thất bại",
        "locked" => "Tài khoản đang tạm khóa",
        "throttled" => "Quá nhiều lần thử",
        other => other,
    }
}

/// The outcomes the audit page filters on.
const OUTCOMES: [&str; 6] = ["ok", "refused", "denied", "failed", "locked", "throttled"];

/// One page of the trail as `q` filters it: how many entries match (counted to
/// `AUDIT_COUNT_MOST + 1`), `limit` of them from where `q` starts, and where the next page starts.
async fn trail_page(
    state: &AppState,
    q: &AuditQuery,
    limit: u64,
) -> Result<(i64, Vec<kho_store::AuditEntry>, Option<i64>), kho_store::StoreError> {
    let (total, mut entries) = state.store.list_audit(&q.filter(limit + 1)).await?;
    let more = entries.len() as u64 > limit;
    entries.truncate(limit as usize);
    let next = if more { entries.last().map(|e| e.seq) } else { None };
    Ok((total, entries, next))
}

async fn audit(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Query(q): Query<AuditQuery>) -> Result<Response, PageError> {
    let (total, entries, next) = trail_page(&state, &q, 100).await?;
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            context! {
                seq => e.seq, at => e.at.clone(), actor => e.actor_name.clone(), action => e.action.clone(), action_text => action_text(&e.action),
                kind => e.resource_kind.clone(), kind_text => kind_text(&e.resource_kind), id => e.resource_id,
                outcome => e.outcome.clone(), outcome_text => outcome_text(&e.outcome), address => e.address.clone(), detail => e.detail.clone(),
            }
        })
        .collect();
    let first = q.filter(0).before_seq;
    render(
        &state,
        &ctx,
        "admin_audit.html",
        "Nhật ký hệ thống",
        StatusCode::OK,
        context! {
            rows, total, next, first, query => q.query_string(), most => kho_store::AUDIT_COUNT_MOST,
            outcomes => OUTCOMES.iter().map(|o| context! { code => *o, text => outcome_text(o) }).collect::<Vec<_>>(),
            filter => context! { actor => q.actor.clone(), action => q.action.clone(), kind => q.kind.clone(), outcome => q.outcome.clone(), from => q.from.clone(), to => q.to.clone() },
        },
    )
}

/// The filtered trail as an XLSX workbook; values are written as text, never as formulas. A
/// workbook holds at most [`kho_store::AUDIT_COUNT_MOST`] entries, so that no export holds the
/// whole trail in memory: past that, a narrower filter (fewer days) is asked for.
async fn audit_xlsx(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let (total, _) = state.store.list_audit(&q.filter(0)).await?;
    if total > kho_store::AUDIT_COUNT_MOST {
        return Err(PageError::NotYet(format!(
            "Bộ lọc khớp hơn {} bản ghi, quá nhiều cho một tệp XLSX. Hãy lọc theo khoảng ngày ngắn hơn (hoặc theo người, hành động) rồi xuất từng phần.",
            kho_model::vn::integer(kho_store::AUDIT_COUNT_MOST)
        )));
    }
    // Counted above: this read only lists.
    let listing = kho_store::AuditFilter { count_most: Some(0), ..q.filter(kho_store::AUDIT_COUNT_MOST as u64) };
    let (_, entries) = state.store.list_audit(&listing).await?;
    state.store.audit(ctx.event("audit.export", "audit", None, "ok")).await?;
    let bytes = crate::respond::blocking(move || audit_workbook(&entries).map_err(|e| e.to_string())).await?;
    Ok(crate::respond::download(bytes, crate::respond::XLSX, "nhat-ky-kho.xlsx".into()))
}

fn audit_workbook(entries: &[kho_store::AuditEntry]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Nhật ký")?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let headers = [
            "Số",
            "Thời gian (giờ Việt Nam)",
            "Người thực hiện",
            "Hành động",
            "Mã hành động",
            "Đối tượng",
            "Mã loại đối tượng",
            "Số hiệu đối tượng",
            "Kết quả",
            "Mã kết quả",
            "Địa chỉ",
            "Chi tiết",
            "Mã băm trước",
            "Mã băm",
        ];
        for (col, title) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &bold)?;
        }
        for (i, e) in entries.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write_number(row, 0, e.seq as f64)?;
            let texts = [
                kho_model::vn::moment(&e.at),
                e.actor_name.clone(),
                action_text(&e.action),
                e.action.clone(),
                kind_text(&e.resource_kind).to_string(),
                e.resource_kind.clone(),
                e.resource_id.map(|i| i.to_string()).unwrap_or_default(),
                outcome_text(&e.outcome).to_string(),
                e.outcome.clone(),
                e.address.clone().unwrap_or_default(),
                e.detail.clone().unwrap_or_default(),
                e.prev_hash.clone(),
                e.hash.clone(),
            ];
            for (col, text) in texts.iter().enumerate() {
                sheet.write_string(row, col as u16 + 1, text)?;
            }
        }
        sheet.autofit();
        workbook.save_to_buffer()
    }
}

// ---- the same through /api/v1 ----

/// `/api/v1` routes of Quản trị: accounts, clearance proposals, API tokens (everyone's, for the
/// administrator; one's own, for anyone signed in). The same rules as the pages: nobody grants
/// what they do not hold, nobody changes their own scope, a token is issued only to oneself.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(api_users).post(api_user_create))
        .route("/users/{id}", put(api_user_update))
        .route("/users/{id}/password", put(api_user_password))
        .route("/clearance-proposals", get(api_proposals))
        .route("/clearance-proposals/{id}/decision", post(api_proposal_decide))
        .route("/tokens", get(api_tokens))
        .route("/tokens/{id}", axum::routing::delete(api_token_revoke))
        .route("/me/tokens", get(api_own_tokens).post(api_own_token_create))
        .route("/me/tokens/{id}", axum::routing::delete(api_own_token_revoke))
        .route("/me/password", put(api_own_password))
        .route("/audit", get(api_audit))
}

/// An account as the API gives and takes it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UserInput {
    /// Tên đăng nhập (chỉ khi tạo; không đổi được).
    #[serde(default)]
    username: String,
    /// Mật khẩu (chỉ khi tạo).
    #[serde(default)]
    password: String,
    #[serde(default)]
    full_name: String,
    /// quan_tri, lanh_dao, luu_tru_vien, nhan_vien_so_hoa, doc_gia.
    #[serde(default)]
    role: String,
    /// 00 (không mật), 01 (Mật), 02 (Tối mật), 03 (Tuyệt mật): cao hơn của người sửa thì thành đề xuất chờ Lãnh đạo duyệt.
    #[serde(default)]
    clearance: Option<String>,
    #[serde(default)]
    disabled: bool,
    /// Các đơn vị (id) tài khoản làm việc.
    #[serde(default)]
    units: Vec<i64>,
    /// Các phông (id) được giao riêng.
    #[serde(default)]
    fonds: Vec<i64>,
}

impl UserInput {
    fn form(self) -> UserForm {
        UserForm {
            username: self.username.trim().to_string(),
            full_name: kho_model::text::clean(&self.full_name),
            role: self.role,
            clearance: self.clearance.unwrap_or_else(|| "00".into()),
            disabled: self.disabled,
            units: self.units.into_iter().collect(),
            fonds: self.fonds.into_iter().collect(),
            password: self.password,
        }
    }
}

fn user_json(u: &kho_store::User) -> serde_json::Value {
    json!({
        "id": u.id, "username": u.username, "fullName": u.full_name, "role": u.role.code(), "clearance": u.clearance.code(),
        "disabled": u.disabled, "units": u.units, "fonds": u.fonds, "proposedClearance": u.proposed_clearance.map(|c| c.code()),
        "proposedBy": u.proposed_by,
    })
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/users", tag = "Quản trị", responses(
    (status = 200, description = "id, username, fullName, role, clearance, disabled, units, fonds, proposedClearance, proposedBy")))]
pub(crate) async fn api_users(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.list_users().await?.iter().map(user_json).collect::<Vec<_>>()).into_response())
}

/// An account, as "Thêm tài khoản" makes it; a clearance above the administrator's own becomes a
/// proposal for a Lãnh đạo.
#[utoipa::path(post, path = "/api/v1/users", tag = "Quản trị", request_body(content = UserInput, example = json!({
        "username": "canbo.muongang", "password": "một mật khẩu dài và khó đoán", "fullName": "Lò Thị Hoa",
        "role": "luu_tru_vien", "units": [37] })),
    responses((status = 201, description = "Đã tạo"), (status = 422, body = ApiErrorBody), (status = 409, description = "Trùng tên đăng nhập", body = ApiErrorBody)))]
pub(crate) async fn api_user_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<UserInput>,
) -> Result<Response, ApiError> {
    match create_account(&state, &ctx, &input.form()).await? {
        Ok(id) => Ok((StatusCode::CREATED, [(axum::http::header::LOCATION, format!("/api/v1/users/{id}"))], Json(json!({ "id": id })))
            .into_response()),
        Err((status, message)) if status == StatusCode::CONFLICT => Err(ApiError::new(status, "conflict", message)),
        Err((_, message)) => Err(ApiError::refused("invalid", message)),
    }
}

/// An account's name, role, clearance, scope and lock, as its form changes them.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "Quản trị", params(("id" = i64, Path)), request_body = UserInput, responses(
    (status = 200, description = "Đã lưu; proposed: độ mật cao hơn thành đề xuất chờ duyệt", example = json!({ "id": 12, "proposed": true })),
    (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_user_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(input): crate::api::Body<UserInput>,
) -> Result<Response, ApiError> {
    match update_account(&state, &ctx, id, input.form()).await? {
        Ok(proposed) => Ok(Json(json!({ "id": id, "proposed": proposed })).into_response()),
        Err((_, message)) => Err(ApiError::refused("invalid", message)),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordInput {
    #[serde(default)]
    password: String,
}

/// A new password for an account cleared no higher than the administrator.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "Quản trị", params(("id" = i64, Path)), request_body = PasswordInput, responses(
    (status = 204, description = "Đã đặt"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_user_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(input): crate::api::Body<PasswordInput>,
) -> Result<Response, ApiError> {
    match reset_password(&state, &ctx, id, &input.password).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(message) => Err(ApiError::refused("invalid", message)),
    }
}

/// Accounts with a clearance proposed and waiting, and whether the person may grant each.
#[utoipa::path(get, path = "/api/v1/clearance-proposals", tag = "Quản trị", responses(
    (status = 200, description = "Tài khoản có đề xuất độ mật: như /api/v1/users, thêm mayGrant")))]
pub(crate) async fn api_proposals(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, ApiError> {
    let rows: Vec<_> = state
        .store
        .clearance_proposals()
        .await?
        .iter()
        .map(|u| {
            let proposed = u.proposed_clearance.unwrap_or(Classification::None);
            let mut row = user_json(u);
            row["mayGrant"] = json!(clearance_change(&ctx.actor, Some(u.id), u.clearance, proposed) == ClearanceChange::Apply);
            row
        })
        .collect();
    Ok(Json(rows).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProposalDecision {
    /// true: cấp độ mật được đề xuất (không cao hơn của chính mình); false: từ chối.
    grant: bool,
}

/// A Lãnh đạo grants a proposed clearance (never above their own, never to themselves) or refuses it.
#[utoipa::path(post, path = "/api/v1/clearance-proposals/{id}/decision", tag = "Quản trị", params(("id" = i64, Path, description = "id tài khoản")),
    request_body(content = ProposalDecision, example = json!({ "grant": true })), responses(
    (status = 204, description = "Đã quyết định"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_proposal_decide(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    crate::api::Body(input): crate::api::Body<ProposalDecision>,
) -> Result<Response, ApiError> {
    match decide_proposal(&state, &ctx, id, input.grant).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(message) => Err(ApiError::refused("invalid", message)),
    }
}

fn tokens_json(tokens: &[kho_store::ApiToken]) -> Response {
    let rows: Vec<_> = tokens
        .iter()
        .map(|t| {
            json!({ "id": t.id, "username": t.username, "name": t.name, "createdAt": t.created_at, "revokedAt": t.revoked_at, "lastUsedAt": t.last_used_at })
        })
        .collect();
    Json(rows).into_response()
}

/// Every API token (never its secret), for the administrator to see and revoke.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "Quản trị", responses((status = 200, description = "id, username, name, createdAt, revokedAt, lastUsedAt")))]
pub(crate) async fn api_tokens(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(tokens_json(&state.store.list_tokens().await?))
}

/// Revokes any token (a token revoked before answers as revoked).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "Quản trị", params(("id" = i64, Path)), responses(
    (status = 204, description = "Đã thu hồi"), (status = 404, description = "Không có mã này", body = ApiErrorBody)))]
pub(crate) async fn api_token_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    revoked(&state, &ctx, id, false).await
}

/// 204 when token `id` (one's own, when `own`) is revoked now or was before; 404 when there is
/// no such token.
async fn revoked(state: &AppState, ctx: &Ctx, id: i64, own: bool) -> Result<Response, ApiError> {
    if revoke(state, ctx, id, own).await? { Ok(StatusCode::NO_CONTENT.into_response()) } else { Err(ApiError::not_found("mã truy cập")) }
}

/// One's own tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "Quản trị", responses((status = 200, description = "Các mã của chính mình")))]
pub(crate) async fn api_own_tokens(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, ApiError> {
    Ok(tokens_json(&state.store.tokens_of(ctx.actor.user_id.unwrap_or_default()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenInput {
    /// Tên gợi nhớ, ví dụ “Máy quét phòng 2”.
    #[serde(default)]
    name: String,
}

/// A new token for oneself (a scanning station's account issues its own); its secret is given
/// this once and kept only as its SHA-256.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "Quản trị", request_body(content = TokenInput, example = json!({ "name": "Máy quét phòng 2" })),
    responses((status = 201, description = "token: mã bí mật, chỉ hiện lần này", example = json!({ "token": "kho_3f9a…" })),
        (status = 422, body = ApiErrorBody)))]
pub(crate) async fn api_own_token_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<TokenInput>,
) -> Result<Response, ApiError> {
    match issue_own_token(&state, &ctx, &NewToken { name: input.name }).await? {
        Ok(token) => Ok((StatusCode::CREATED, Json(json!({ "token": token }))).into_response()),
        Err(message) => Err(ApiError::refused("invalid", message)),
    }
}

/// Revokes one of one's own tokens; anyone else's is not found.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "Quản trị", params(("id" = i64, Path)), responses(
    (status = 204, description = "Đã thu hồi"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_own_token_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    revoked(&state, &ctx, id, true).await
}

/// The audit trail, newest first, filtered as the Nhật ký page filters it (actor, action, kind,
/// outcome, from, to as DD/MM/YYYY) and paged by `before` (the `next` of the previous answer);
/// each entry with its chain hash, for another system to keep or check.
#[utoipa::path(get, path = "/api/v1/audit", tag = "Quản trị", params(AuditQuery), responses(
    (status = 200, description = "total (đếm đến 100.001; totalExact false khi nhiều hơn), next, entries: seq, at, actor, action, actionText, kind, resourceId, outcome, address, detail, hash, prevHash")))]
pub(crate) async fn api_audit(State(state): State<AppState>, Query(q): Query<AuditQuery>) -> Result<Response, ApiError> {
    let (total, entries, next) = trail_page(&state, &q, q.limit.unwrap_or(100).clamp(1, 1000)).await?;
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq, "at": e.at, "actor": e.actor_name, "action": e.action, "actionText": action_text(&e.action),
                "kind": e.resource_kind, "resourceId": e.resource_id, "outcome": e.outcome, "address": e.address, "detail": e.detail,
                "hash": e.hash, "prevHash": e.prev_hash,
            })
        })
        .collect();
    // Past AUDIT_COUNT_MOST the trail is not counted to the end: `total` is then that bound + 1
    // and `totalExact` false.
    Ok(Json(json!({ "total": total, "totalExact": total <= kho_store::AUDIT_COUNT_MOST, "next": next, "entries": rows })).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OwnPasswordInput {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

/// One's own password, given the current one, as "Đổi mật khẩu" changes it; every session of the
/// account ends with it.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "Quản trị", request_body = OwnPasswordInput, responses(
    (status = 204, description = "Đã đổi"), (status = 422, description = "Mật khẩu hiện tại sai, hoặc mật khẩu mới quá yếu", body = ApiErrorBody)))]
pub(crate) async fn api_own_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    crate::api::Body(input): crate::api::Body<OwnPasswordInput>,
) -> Result<Response, ApiError> {
    match crate::pages::change_own_password(&state, &ctx, &input.current, &input.new, &input.new).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(message) => Err(ApiError::refused("invalid", message)),
    }
}
