//! Users, their scope, sessions, API tokens and login throttling.

use crate::{Store, StoreError};
use kho_model::access::{Actor, Role};
use kho_model::{Classification, FieldError, UnitKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeSet;

/// A user as stored (the password hash stays inside this crate's callers that need it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub clearance: Classification,
    pub disabled: bool,
    pub units: BTreeSet<i64>,
    pub fonds: BTreeSet<i64>,
    pub created_at: String,
    /// A higher clearance an administrator proposed, waiting for a Lãnh đạo's approval.
    pub proposed_clearance: Option<Classification>,
    pub proposed_by: Option<String>,
}

/// What an administrator sets on a user.
#[derive(Debug, Clone)]
pub struct UserSettings {
    pub full_name: String,
    pub role: Role,
    pub clearance: Classification,
    pub disabled: bool,
    pub units: BTreeSet<i64>,
    pub fonds: BTreeSet<i64>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    let clearance: i64 = row.try_get("clearance")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        full_name: row.try_get("full_name")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::from_code(&role).ok_or_else(|| StoreError::Corrupt(format!("vai trò “{role}”")))?,
        clearance: Classification::from_level(clearance).ok_or_else(|| StoreError::Corrupt(format!("độ mật {clearance}")))?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        units: BTreeSet::new(),
        fonds: BTreeSet::new(),
        proposed_clearance: row.try_get::<Option<i64>, _>("proposed_clearance")?.and_then(Classification::from_level),
        proposed_by: row.try_get("proposed_by")?,
        created_at: row.try_get("created_at")?,
    })
}

const USER_COLUMNS: &str = "id, username, full_name, password_hash, role, clearance, disabled, created_at, proposed_clearance, proposed_by";

impl Store {
    async fn fill_scope(&self, user: &mut User) -> Result<(), StoreError> {
        let units = sqlx::query("SELECT unit_id FROM user_units WHERE user_id = $1").bind(user.id).fetch_all(&self.pool).await?;
        user.units = units.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
        let fonds = sqlx::query("SELECT fonds_id FROM user_fonds WHERE user_id = $1").bind(user.id).fetch_all(&self.pool).await?;
        user.fonds = fonds.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
        Ok(())
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let Some(row) = sqlx::query(AssertSqlSafe(sql)).bind(username).fetch_optional(&self.pool).await? else { return Ok(None) };
        let mut user = user_from_row(&row)?;
        self.fill_scope(&mut user).await?;
        Ok(Some(user))
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound("tài khoản"))?;
        let mut user = user_from_row(&row)?;
        self.fill_scope(&mut user).await?;
        Ok(user)
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut users = rows.iter().map(user_from_row).collect::<Result<Vec<_>, _>>()?;
        for user in &mut users {
            self.fill_scope(user).await?;
        }
        Ok(users)
    }

    /// The active accounts of the given roles, with their scope (a handful: Lãnh đạo, say).
    pub async fn active_users_in_roles(&self, roles: &[Role]) -> Result<Vec<User>, StoreError> {
        let mut users = vec![];
        for role in roles {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE role = $1 AND disabled = 0 ORDER BY username");
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(role.code()).fetch_all(&self.pool).await?;
            for row in &rows {
                let mut user = user_from_row(row)?;
                self.fill_scope(&mut user).await?;
                users.push(user);
            }
        }
        Ok(users)
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// Creates a user with a password hash and scope. All or nothing.
    pub async fn create_user(&self, username: &str, password_hash: &str, settings: &UserSettings) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let result = sqlx::query("INSERT INTO users (username, full_name, password_hash, role, clearance, disabled) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(username)
            .bind(&settings.full_name)
            .bind(password_hash)
            .bind(settings.role.code())
            .bind(settings.clearance.level())
            .bind(settings.disabled as i64)
            .fetch_one(&mut *tx)
            .await;
        let id: i64 = match result {
            Ok(row) => row.try_get(0)?,
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "username",
                    "duplicate_username",
                    format!("Tên đăng nhập “{username}” đã có."),
                )));
            }
            Err(e) => return Err(e.into()),
        };
        write_scope(&mut tx, id, settings).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a user's role, clearance, state and scope.
    /// Records a proposed clearance (replacing any earlier proposal).
    pub async fn propose_clearance(&self, id: i64, clearance: Classification, by: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET proposed_clearance = $1, proposed_by = $2 WHERE id = $3")
            .bind(clearance.level())
            .bind(by)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound("tài khoản")) } else { Ok(()) }
    }

    /// Sets a clearance and closes any proposal.
    pub async fn set_clearance(&self, id: i64, clearance: Classification) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET clearance = $1, proposed_clearance = NULL, proposed_by = NULL WHERE id = $2")
            .bind(clearance.level())
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound("tài khoản")) } else { Ok(()) }
    }

    /// Withdraws or refuses a proposal.
    pub async fn drop_proposal(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET proposed_clearance = NULL, proposed_by = NULL WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Accounts with a clearance waiting for approval.
    pub async fn clearance_proposals(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE proposed_clearance IS NOT NULL ORDER BY username");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut users = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut user = user_from_row(row)?;
            self.fill_scope(&mut user).await?;
            users.push(user);
        }
        Ok(users)
    }

    /// Tokens of one account.
    pub async fn tokens_of(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        Ok(self.list_tokens().await?.into_iter().filter(|t| t.user_id == user_id).collect())
    }

    pub async fn update_user(&self, id: i64, settings: &UserSettings) -> Result<(), StoreError> {
        self.user(id).await?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET full_name = $1, role = $2, clearance = $3, disabled = $4 WHERE id = $5")
            .bind(&settings.full_name)
            .bind(settings.role.code())
            .bind(settings.clearance.level())
            .bind(settings.disabled as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM user_units WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM user_fonds WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        write_scope(&mut tx, id, settings).await?;
        if settings.disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password and ends every session of the user.
    pub async fn set_password(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor a user acts as: role, clearance, scope (bound to the province archive = all units).
    pub async fn actor(&self, user: &User) -> Result<Actor, StoreError> {
        let mut all_units = false;
        for unit_id in &user.units {
            if self.unit(*unit_id).await?.kind == UnitKind::ProvinceArchive {
                all_units = true;
            }
        }
        Ok(Actor {
            user_id: Some(user.id),
            name: user.username.clone(),
            role: user.role,
            clearance: user.clearance,
            all_units,
            // A unit's people also work on the records of the units merged into it (a commune
            // abolished in 2025 has no people of its own).
            units: user.units.union(&self.predecessors(&user.units).await?).copied().collect(),
            fonds: user.fonds.clone(),
        })
    }

    // ---- sessions ----

    pub async fn create_session(&self, token_hash: &str, user_id: i64, csrf_token: &str, address: Option<&str>) -> Result<(), StoreError> {
        let now = crate::now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, address) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(&now)
        .bind(&now)
        .bind(address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query("SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(Session {
                user_id: row.try_get("user_id")?,
                csrf_token: row.try_get("csrf_token")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(crate::now())
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    // ---- API tokens ----

    pub async fn create_token(&self, user_id: i64, name: &str, token_hash: &str) -> Result<i64, StoreError> {
        self.user(user_id).await?;
        Ok(sqlx::query("INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING id")
            .bind(user_id)
            .bind(name)
            .bind(token_hash)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    /// The user behind a live token (not revoked, user not disabled).
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT t.id, t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id")?;
        // Once a minute at most: a scanning station polls many times a second, and a write on
        // every request would queue them all behind the catalogue's writer.
        let a_minute_ago = crate::stored(chrono::Utc::now() - chrono::Duration::seconds(60));
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(crate::now())
            .bind(id)
            .bind(a_minute_ago)
            .execute(&self.pool)
            .await?;
        Ok(Some(row.try_get("user_id")?))
    }

    pub async fn list_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.revoked_at, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    user_id: r.try_get("user_id")?,
                    username: r.try_get("username")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    /// Revokes a token; false when there was no live token with that id.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(crate::now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- login throttling ----

    /// When the name is locked out, until when (ISO).
    pub async fn login_locked_until(&self, username: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT locked_until FROM login_failures WHERE username = $1").bind(username).fetch_optional(&self.pool).await?;
        let until: Option<String> = match row {
            Some(row) => row.try_get("locked_until")?,
            None => None,
        };
        Ok(until.filter(|u| *u > crate::now()))
    }

    /// Counts a failure; after `limit` in a row the name is locked until `lock_until`.
    pub async fn record_login_failure(&self, username: &str, limit: i64, lock_until: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let failures: i64 =
            match sqlx::query("SELECT failures FROM login_failures WHERE username = $1").bind(username).fetch_optional(&mut *tx).await? {
                Some(row) => row.try_get::<i64, _>(0)? + 1,
                None => {
                    sqlx::query("INSERT INTO login_failures (username, failures) VALUES ($1, 0)").bind(username).execute(&mut *tx).await?;
                    1
                }
            };
        let (failures, locked) = if failures >= limit { (0, Some(lock_until.to_string())) } else { (failures, None) };
        sqlx::query("UPDATE login_failures SET failures = $1, locked_until = COALESCE($2, locked_until) WHERE username = $3")
            .bind(failures)
            .bind(locked)
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(&self.pool).await?;
        Ok(())
    }
}

async fn write_scope(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user_id: i64, settings: &UserSettings) -> Result<(), StoreError> {
    for unit in &settings.units {
        sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)").bind(user_id).bind(*unit).execute(&mut **tx).await?;
    }
    for fonds in &settings.fonds {
        sqlx::query("INSERT INTO user_fonds (user_id, fonds_id) VALUES ($1, $2)").bind(user_id).bind(*fonds).execute(&mut **tx).await?;
    }
    Ok(())
}
