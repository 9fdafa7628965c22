//! `kho user`, `kho token`, `kho audit`: administering accounts from the machine's console,
//! each command authorised through the same `authorize` as the web, as the local operator.

use anyhow::{Context, Result, bail};
use kho_model::Classification;
use kho_model::access::{Action, Actor, Decision, Resource, Role, authorize};
use kho_store::{AuditEvent, Store, UserSettings};
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};

/// The person at the console, named after the OS account.
pub fn operator() -> Actor {
    Actor::operator(&std::env::var("USER").unwrap_or_else(|_| "root".into()))
}

pub fn require(actor: &Actor, action: Action) -> Result<()> {
    match authorize(actor, action, &Resource::System) {
        Decision::Allow => Ok(()),
        _ => bail!("không được phép: {}", action.label()),
    }
}

pub async fn record(store: &Store, actor: &Actor, action: &str, kind: &str, id: Option<i64>, detail: Option<String>) -> Result<()> {
    store
        .audit(AuditEvent {
            actor_id: actor.user_id,
            actor_name: actor.name.clone(),
            action: action.into(),
            resource_kind: kind.into(),
            resource_id: id,
            outcome: "ok".into(),
            address: Some("console".into()),
            detail,
        })
        .await?;
    Ok(())
}

/// A password typed twice at a prompt, or one line on standard input when it is not a terminal.
fn read_password(username: &str) -> Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Mật khẩu cho {username}: "))?;
        let second = rpassword::prompt_password("Nhập lại mật khẩu: ")?;
        if first != second {
            bail!("hai lần nhập mật khẩu không giống nhau");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("không đọc được mật khẩu từ đầu vào chuẩn")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    kho_web::auth::check_new_password(username, &password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

pub struct NewUser {
    pub username: String,
    pub full_name: Option<String>,
    pub role: Role,
    pub clearance: Classification,
    pub units: Vec<String>,
}

/// Finds units by id or exact name.
pub async fn resolve_units(store: &Store, names: &[String]) -> Result<BTreeSet<i64>> {
    let units = store.units().await?;
    let mut ids = BTreeSet::new();
    for name in names {
        let unit = units
            .iter()
            .find(|u| u.name == *name || u.id.to_string() == *name)
            .with_context(|| format!("không có đơn vị “{name}” (dùng tên đúng như trong kế hoạch, hoặc số của đơn vị)"))?;
        ids.insert(unit.id);
    }
    Ok(ids)
}

/// The province archive unit, created on first need: administrators and province staff bind to it.
pub async fn province_archive(store: &Store) -> Result<i64> {
    if let Some(unit) = store.units().await?.into_iter().find(|u| u.kind == kho_model::UnitKind::ProvinceArchive) {
        return Ok(unit.id);
    }
    // The Trung tâm sits under the Sở Nội vụ (the plan names it so): its papers say so on
    // their first line. Both can be changed on the unit's page.
    let (name, parent) = match store.plan().await? {
        Some(plan) => (
            format!("Trung tâm Lưu trữ lịch sử tỉnh {}", plan.plan.meta.province),
            Some(format!("Sở Nội vụ tỉnh {}", plan.plan.meta.province)),
        ),
        None => ("Trung tâm Lưu trữ lịch sử".to_string(), None),
    };
    let unit =
        kho_model::record::NewUnit { parent_body: parent, ..kho_model::record::NewUnit::named(name, kho_model::UnitKind::ProvinceArchive) };
    Ok(store.create_unit(&unit).await?)
}

pub async fn add_user(store: &Store, new: NewUser, password: Option<String>) -> Result<i64> {
    let actor = operator();
    require(&actor, Action::UsersManage)?;
    let units = if new.units.is_empty() { [province_archive(store).await?].into() } else { resolve_units(store, &new.units).await? };
    let password = match password {
        Some(p) => p,
        None => read_password(&new.username)?,
    };
    let settings = UserSettings {
        full_name: new.full_name.clone().unwrap_or_else(|| new.username.clone()),
        role: new.role,
        clearance: new.clearance,
        disabled: false,
        units,
        fonds: BTreeSet::new(),
    };
    let id =
        store.create_user(&new.username, &kho_web::auth::hash_password(&password), &settings).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    record(
        store,
        &actor,
        "user.create",
        "user",
        Some(id),
        Some(format!("{} {} độ mật {}", new.username, new.role.code(), new.clearance.code())),
    )
    .await?;
    Ok(id)
}

/// The console sets a clearance: the root of trust, where the first Tuyệt mật is granted.
pub async fn set_clearance(store: &Store, username: &str, clearance: kho_model::Classification) -> Result<()> {
    let actor = operator();
    require(&actor, Action::UsersManage)?;
    let user = store.user_by_name(username).await?.with_context(|| format!("không có tài khoản “{username}”"))?;
    store.set_clearance(user.id, clearance).await?;
    let detail = format!("độ mật {} → {} (tại máy chủ)", user.clearance.code(), clearance.code());
    record(store, &actor, "user.clearance_grant", "user", Some(user.id), Some(detail)).await
}

/// The console resets a password (the web refuses it for accounts cleared above the administrator).
pub async fn reset_password(store: &Store, username: &str) -> Result<()> {
    let actor = operator();
    require(&actor, Action::UsersManage)?;
    let user = store.user_by_name(username).await?.with_context(|| format!("không có tài khoản “{username}”"))?;
    let password = read_password(username)?;
    store.set_password(user.id, &kho_web::auth::hash_password(&password)).await?;
    record(store, &actor, "user.password_reset", "user", Some(user.id), Some("tại máy chủ".into())).await
}

pub async fn create_token(store: &Store, username: &str, name: &str) -> Result<String> {
    let actor = operator();
    require(&actor, Action::TokensManage)?;
    let user = store.user_by_name(username).await?.with_context(|| format!("không có tài khoản “{username}”"))?;
    let token = format!("kho_{}", kho_web::auth::new_secret());
    let id = store.create_token(user.id, name, &kho_web::auth::sha256_hex(&token)).await?;
    record(store, &actor, "token.create", "token", Some(id), Some(format!("{username}: {name}"))).await?;
    Ok(token)
}

pub async fn revoke_token(store: &Store, id: i64) -> Result<()> {
    let actor = operator();
    require(&actor, Action::TokensManage)?;
    if !store.revoke_token(id).await? {
        bail!("không có mã truy cập số {id} đang hiệu lực");
    }
    record(store, &actor, "token.revoke", "token", Some(id), None).await
}

pub async fn list_tokens(store: &Store) -> Result<()> {
    require(&operator(), Action::TokensManage)?;
    for t in store.list_tokens().await? {
        let state = match &t.revoked_at {
            Some(at) => format!("đã thu hồi {}", kho_model::vn::moment(at)),
            None => "đang hiệu lực".into(),
        };
        println!("{:>5}  {:<20} {:<30} cấp {}  {}", t.id, t.username, t.name, kho_model::vn::moment(&t.created_at), state);
    }
    Ok(())
}

pub async fn list_users(store: &Store) -> Result<()> {
    require(&operator(), Action::UsersManage)?;
    for u in store.list_users().await? {
        println!(
            "{:<20} {:<32} {:<12} độ mật: {:<10} {}",
            u.username,
            u.full_name,
            u.role.code(),
            u.clearance.label(),
            if u.disabled { "đã khóa" } else { "" }
        );
    }
    Ok(())
}

/// Walks the audit chain; Ok(false) when a link is broken (printed).
pub async fn verify_audit(store: &Store) -> Result<bool> {
    let actor = operator();
    require(&actor, Action::AuditView)?;
    let mut err = std::io::stderr();
    let outcome = store
        .verify_audit(|n| {
            let _ = write!(err, "\rĐã kiểm tra {n} bản ghi…");
            let _ = err.flush();
        })
        .await?;
    eprintln!();
    match outcome {
        Ok(n) => {
            let keyed = if store.audit_sealed() {
                ", mã xác thực và điểm kiểm tra khớp"
            } else {
                " (không có khóa nhật ký để xác thực)"
            };
            println!("Nhật ký nguyên vẹn: {n} bản ghi, chuỗi mã băm liền mạch{keyed}.");
            record(store, &actor, "audit.verify", "audit", None, Some(format!("{n} bản ghi, nguyên vẹn"))).await?;
            Ok(true)
        }
        Err(broken) => {
            println!("Nhật ký bị can thiệp tại bản ghi số {}: {}.", broken.seq, broken.reason);
            Ok(false)
        }
    }
}
