//! The audit trail: append-only and hash-chained. Each entry carries the hash of the one before,
//! so an edited, deleted or reordered row breaks the chain at a place [`Store::verify_audit`] names.
//!
//! Appends race safely without locks: the next `seq` is the primary key, so two writers that read
//! the same head collide on insert and the loser retries on the new head.

use crate::{Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, as the caller knows it.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// e.g. "dossier.create", "dossier.view", "login".
    pub action: String,
    /// e.g. "dossier", "user", "session".
    pub resource_kind: String,
    pub resource_id: Option<i64>,
    /// "ok", "refused" (bad input), "denied" (not allowed), "failed".
    pub outcome: String,
    pub address: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub resource_kind: String,
    pub resource_id: Option<i64>,
    pub outcome: String,
    pub address: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    fn computed_hash(&self) -> String {
        let fields = [
            self.seq.to_string(),
            self.at.clone(),
            self.actor_id.map(|i| i.to_string()).unwrap_or_default(),
            self.actor_name.clone(),
            self.action.clone(),
            self.resource_kind.clone(),
            self.resource_id.map(|i| i.to_string()).unwrap_or_default(),
            self.outcome.clone(),
            self.address.clone().unwrap_or_default(),
            self.detail.clone().unwrap_or_default(),
            self.prev_hash.clone(),
        ];
        hex(&Sha256::digest(fields.join("\u{1f}").as_bytes()))
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub resource_kind: Option<String>,
    pub resource_id: Option<i64>,
    pub outcome: Option<String>,
    /// ISO dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

/// The first place the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor_name: row.try_get("actor_name")?,
        action: row.try_get("action")?,
        resource_kind: row.try_get("resource_kind")?,
        resource_id: row.try_get("resource_id")?,
        outcome: row.try_get("outcome")?,
        address: row.try_get("address")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

const COLUMNS: &str = "seq, at, actor_id, actor_name, action, resource_kind, resource_id, outcome, address, detail, prev_hash, hash";

impl Store {
    /// Appends one entry to the chain.
    pub async fn audit(&self, event: AuditEvent) -> Result<i64, StoreError> {
        for _ in 0..50 {
            let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&self.pool).await?;
            let (prev_seq, prev_hash) = match head {
                Some(row) => (row.try_get::<i64, _>("seq")?, row.try_get::<String, _>("hash")?),
                None => (0, GENESIS.to_string()),
            };
            let mut entry = AuditEntry {
                seq: prev_seq + 1,
                at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                actor_id: event.actor_id,
                actor_name: event.actor_name.clone(),
                action: event.action.clone(),
                resource_kind: event.resource_kind.clone(),
                resource_id: event.resource_id,
                outcome: event.outcome.clone(),
                address: event.address.clone(),
                detail: event.detail.clone(),
                prev_hash,
                hash: String::new(),
            };
            entry.hash = entry.computed_hash();
            let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
            let result = sqlx::query(AssertSqlSafe(sql))
                .bind(entry.seq)
                .bind(&entry.at)
                .bind(entry.actor_id)
                .bind(&entry.actor_name)
                .bind(&entry.action)
                .bind(&entry.resource_kind)
                .bind(entry.resource_id)
                .bind(&entry.outcome)
                .bind(entry.address.clone())
                .bind(entry.detail.clone())
                .bind(&entry.prev_hash)
                .bind(&entry.hash)
                .execute(&self.pool)
                .await;
            match result {
                Ok(_) => return Ok(entry.seq),
                Err(e) if StoreError::is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Io("nhật ký: không ghi được sau nhiều lần tranh chấp".into()))
    }

    pub async fn list_audit(&self, filter: &AuditFilter) -> Result<(i64, Vec<AuditEntry>), StoreError> {
        let mut conditions = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut push = |condition: &str, value: String| {
            args.push(value);
            conditions.push(condition.replace('?', &format!("${}", args.len())));
        };
        if let Some(actor) = filter.actor.as_ref().filter(|a| !a.is_empty()) {
            push("actor_name = ?", actor.clone());
        }
        if let Some(action) = filter.action.as_ref().filter(|a| !a.is_empty()) {
            push("action = ?", action.clone());
        }
        if let Some(kind) = filter.resource_kind.as_ref().filter(|a| !a.is_empty()) {
            push("resource_kind = ?", kind.clone());
        }
        if let Some(outcome) = filter.outcome.as_ref().filter(|a| !a.is_empty()) {
            push("outcome = ?", outcome.clone());
        }
        if let Some(from) = filter.from.as_ref().filter(|a| !a.is_empty()) {
            push("at >= ?", from.clone());
        }
        if let Some(to) = filter.to.as_ref().filter(|a| !a.is_empty()) {
            // Inclusive of the whole day.
            push("at < ?", format!("{to}\u{7f}"));
        }
        if let Some(id) = filter.resource_id {
            push("CAST(resource_id AS TEXT) = ?", id.to_string());
        }
        let where_clause = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let mut count = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM audit_log {where_clause}")));
        for a in &args {
            count = count.bind(a.as_str());
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get(0)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log {where_clause} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
            args.len() + 1,
            args.len() + 2
        );
        let mut list = sqlx::query(AssertSqlSafe(sql));
        for a in &args {
            list = list.bind(a.as_str());
        }
        let rows = list.bind(filter.limit as i64).bind(filter.offset as i64).fetch_all(&self.pool).await?;
        Ok((total, rows.iter().map(entry_from_row).collect::<Result<_, _>>()?))
    }

    /// Walks the whole chain; `Ok(n)` when all `n` entries link, else the first broken link.
    /// `progress` is called with the number checked so far.
    pub async fn verify_audit(&self, mut progress: impl FnMut(i64)) -> Result<Result<i64, BrokenLink>, StoreError> {
        let mut expected_seq = 1;
        let mut prev_hash = GENESIS.to_string();
        loop {
            let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000");
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(expected_seq).fetch_all(&self.pool).await?;
            if rows.is_empty() {
                return Ok(Ok(expected_seq - 1));
            }
            for row in &rows {
                let entry = entry_from_row(row)?;
                if entry.seq != expected_seq {
                    return Ok(Err(BrokenLink {
                        seq: expected_seq,
                        reason: format!("thiếu bản ghi số {expected_seq} (bản ghi kế tiếp là số {}): đã bị xóa", entry.seq),
                    }));
                }
                if entry.prev_hash != prev_hash {
                    return Ok(Err(BrokenLink {
                        seq: entry.seq,
                        reason: format!("bản ghi số {} không nối với bản ghi trước: bản ghi trước đã bị sửa, xóa hoặc đổi chỗ", entry.seq),
                    }));
                }
                if entry.computed_hash() != entry.hash {
                    return Ok(Err(BrokenLink {
                        seq: entry.seq, reason: format!("nội dung bản ghi số {} đã bị sửa", entry.seq)
                    }));
                }
                prev_hash = entry.hash;
                expected_seq += 1;
            }
            progress(expected_seq - 1);
        }
    }
}
