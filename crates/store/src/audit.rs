//! The audit trail: append-only and hash-chained. Each entry carries the hash of the one before,
//! so an edited, deleted or reordered row breaks the chain at a place [`Store::verify_audit`] names.
//! With an [`AuditSeal`] — a key kept outside the database — each entry's hash is also
//! authenticated (HMAC-SHA256), and checkpoints (head, count) are written to the database and to a
//! file beside the key: a trail rewritten and recomputed by someone without the key, or cut short,
//! is found too.
//!
//! An entry is appended inside the transaction of the change it records ([`Store::audit_in`]),
//! so a change never lands without its entry. Appends serialise on the head: an advisory lock on
//! PostgreSQL; on SQLite the transaction's write lock (and a retry when two read the same head).

use crate::{Backend, Store, StoreError};
use hmac::{KeyInit, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::path::{Path, PathBuf};

/// The key that authenticates the audit trail (HMAC-SHA256), read from a file outside the
/// database, and the file checkpoints are also appended to.
pub struct AuditSeal {
    key: [u8; 32],
    checkpoints: Option<PathBuf>,
}

impl std::fmt::Debug for AuditSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditSeal(…)")
    }
}

impl AuditSeal {
    /// Reads the key (64 hex characters) at `path`, creating it (mode 600) when missing; its
    /// checkpoints go to `audit-checkpoints.log` beside it.
    pub fn load_or_create(path: &Path) -> Result<AuditSeal, StoreError> {
        let io = |e: std::io::Error| StoreError::Io(format!("khóa nhật ký {}: {e}", path.display()));
        if !path.exists() {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            let key: [u8; 32] = rand::random();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            use std::io::Write;
            let mut file = options.open(path).map_err(io)?;
            file.write_all(format!("{}\n", hex(&key)).as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Io(format!("khóa nhật ký {}: phải gồm đúng 64 chữ số thập lục phân", path.display())));
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).expect("checked hex");
        }
        Ok(AuditSeal { key, checkpoints: path.parent().map(|p| p.join("audit-checkpoints.log")) })
    }

    fn mac(&self, text: &str) -> String {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// A checkpoint: how long the trail was and where its head stood, authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub at: String,
    pub head_seq: i64,
    pub head_hash: String,
    pub entries: i64,
    pub mac: String,
}

impl Checkpoint {
    fn text(&self) -> String {
        format!("{}|{}|{}|{}", self.head_seq, self.head_hash, self.entries, self.at)
    }

    fn line(&self) -> String {
        format!("{}\t{}\t{}\t{}\t{}", self.head_seq, self.head_hash, self.entries, self.at, self.mac)
    }

    fn parse(line: &str) -> Option<Checkpoint> {
        let parts: Vec<&str> = line.split('\t').collect();
        let [seq, hash, entries, at, mac] = parts.as_slice() else { return None };
        Some(Checkpoint {
            head_seq: seq.parse().ok()?,
            head_hash: hash.to_string(),
            entries: entries.parse().ok()?,
            at: at.to_string(),
            mac: mac.to_string(),
        })
    }
}

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
    /// HMAC of `hash` under the audit key; `None` for entries written without one.
    pub mac: Option<String>,
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
/// The most entries a listing of the trail counts exactly.
pub const AUDIT_COUNT_MOST: i64 = 100_000;

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
    /// Entries older than this one (the last shown): the next page, along the trail's own key.
    pub before_seq: Option<i64>,
    pub limit: u64,
    /// Count at most this many (one more when there are more); [`AUDIT_COUNT_MOST`] when None.
    pub count_most: Option<i64>,
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
        mac: row.try_get("mac")?,
    })
}

const COLUMNS: &str = "seq, at, actor_id, actor_name, action, resource_kind, resource_id, outcome, address, detail, prev_hash, hash, mac";

impl Store {
    /// The trail authenticated with `seal` from now on.
    pub fn with_audit_seal(mut self, seal: AuditSeal) -> Store {
        self.seal = Some(std::sync::Arc::new(seal));
        self
    }

    /// This store, whose next catalogue write appends `event` to the trail inside its own
    /// transaction (with the new record's id when the event names none): the change and its
    /// entry land together or not at all.
    pub fn audited(&self, event: AuditEvent) -> Store {
        Store { pending: Some(std::sync::Arc::new(event)), ..self.clone() }
    }

    /// Commits a write's transaction, appending the pending entry first.
    pub(crate) async fn commit(&self, mut tx: sqlx::Transaction<'_, sqlx::Any>, resource_id: Option<i64>) -> Result<(), StoreError> {
        if let Some(event) = &self.pending {
            let mut event = (**event).clone();
            event.resource_id = event.resource_id.or(resource_id);
            self.audit_in(&mut tx, &event).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether entries are authenticated with a key.
    pub fn audit_sealed(&self) -> bool {
        self.seal.is_some()
    }

    /// Appends one entry to the chain, on its own.
    pub async fn audit(&self, event: AuditEvent) -> Result<i64, StoreError> {
        let mut last = None;
        for attempt in 0..50u64 {
            let mut tx = self.begin().await?;
            let result = match self.audit_in(&mut tx, &event).await {
                Ok(seq) => tx.commit().await.map(|_| seq).map_err(StoreError::from),
                Err(e) => Err(e),
            };
            match result {
                Ok(seq) => return Ok(seq),
                // Every append takes the write lock (or, on PostgreSQL, the trail's advisory lock)
                // before it reads the head, so two never read the same one; what is left is a
                // writer holding the lock past the busy timeout (a long import): try again.
                Err(e) if e.is_contention() => {
                    last = Some(e);
                    tokio::time::sleep(std::time::Duration::from_millis(attempt.min(20))).await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| StoreError::Io("nhật ký: không ghi được sau nhiều lần tranh chấp".into())))
    }

    /// Appends one entry inside `tx`, the transaction of the change it records: both land or
    /// neither does.
    pub async fn audit_in(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, event: &AuditEvent) -> Result<i64, StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(728002)").execute(&mut **tx).await?;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut **tx).await?;
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
            mac: None,
        };
        entry.hash = entry.computed_hash();
        entry.mac = self.seal.as_ref().map(|s| s.mac(&entry.hash));
        let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
        sqlx::query(AssertSqlSafe(sql))
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
            .bind(entry.mac.clone())
            .execute(&mut **tx)
            .await?;
        Ok(entry.seq)
    }

    /// Writes a checkpoint of the trail — its head and length, authenticated — to the database
    /// and to the file beside the key. `None` without a key.
    pub async fn audit_checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        let Some(seal) = &self.seal else { return Ok(None) };
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(728002)").execute(&mut *tx).await?;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *tx).await?;
        let (head_seq, head_hash) = match head {
            Some(row) => (row.try_get::<i64, _>("seq")?, row.try_get::<String, _>("hash")?),
            None => (0, GENESIS.to_string()),
        };
        let entries: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *tx).await?.try_get(0)?;
        let mut checkpoint = Checkpoint { at: crate::now(), head_seq, head_hash, entries, mac: String::new() };
        checkpoint.mac = seal.mac(&checkpoint.text());
        sqlx::query("INSERT INTO audit_checkpoints (at, head_seq, head_hash, entries, mac) VALUES ($1, $2, $3, $4, $5)")
            .bind(&checkpoint.at)
            .bind(checkpoint.head_seq)
            .bind(&checkpoint.head_hash)
            .bind(checkpoint.entries)
            .bind(&checkpoint.mac)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if let Some(path) = &seal.checkpoints {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
            writeln!(file, "{}", checkpoint.line())
                .and_then(|_| file.sync_all())
                .map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
        }
        Ok(Some(checkpoint))
    }

    /// Every checkpoint, from the database and from the file beside the key.
    async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let rows = sqlx::query("SELECT at, head_seq, head_hash, entries, mac FROM audit_checkpoints").fetch_all(&self.pool).await?;
        let mut all: Vec<Checkpoint> = rows
            .iter()
            .map(|r| {
                Ok(Checkpoint {
                    at: r.try_get("at")?,
                    head_seq: r.try_get("head_seq")?,
                    head_hash: r.try_get("head_hash")?,
                    entries: r.try_get("entries")?,
                    mac: r.try_get("mac")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        if let Some(path) = self.seal.as_ref().and_then(|s| s.checkpoints.as_ref())
            && let Ok(text) = std::fs::read_to_string(path)
        {
            all.extend(text.lines().filter_map(Checkpoint::parse));
        }
        all.sort_by_key(|c| c.head_seq);
        all.dedup();
        Ok(all)
    }

    /// The entries `filter` asks for, newest first, and how many match in all — or
    /// `AUDIT_COUNT_MOST + 1` when more do.
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
            // An integer, written as one so that the (resource_kind, resource_id) index serves it;
            // the arguments are bound as text.
            conditions.push(format!("resource_id = {id}"));
        }
        let where_clause = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        // Counted up to one past AUDIT_COUNT_MOST: the trail grows with every restricted view, and
        // a page that counted all of it would grow with it.
        let mut count = sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM audit_log {where_clause} LIMIT {}) AS counted",
            filter.count_most.unwrap_or(AUDIT_COUNT_MOST).max(0) + 1
        )));
        for a in &args {
            count = count.bind(a.as_str());
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get(0)?;
        // Older pages follow the primary key down from the last entry shown, never an OFFSET.
        let before = filter.before_seq.map(|seq| format!("{} seq < {seq}", if where_clause.is_empty() { "WHERE" } else { " AND" }));
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log {where_clause}{} ORDER BY seq DESC LIMIT ${}",
            before.unwrap_or_default(),
            args.len() + 1
        );
        let mut list = sqlx::query(AssertSqlSafe(sql));
        for a in &args {
            list = list.bind(a.as_str());
        }
        let rows = list.bind(filter.limit as i64).fetch_all(&self.pool).await?;
        Ok((total, rows.iter().map(entry_from_row).collect::<Result<_, _>>()?))
    }

    /// Walks the whole chain; `Ok(n)` when all `n` entries link, else the first broken link.
    /// With the key it also checks every entry's HMAC (once entries carry one, every later one
    /// must) and every checkpoint: a forged checkpoint, a head that no longer matches (a
    /// recomputed trail) or a trail shorter than a checkpoint says (a truncated one) is broken.
    /// `progress` is called with the number checked so far.
    pub async fn verify_audit(&self, mut progress: impl FnMut(i64)) -> Result<Result<i64, BrokenLink>, StoreError> {
        let checkpoints = self.checkpoints().await?;
        if let Some(seal) = &self.seal
            && let Some(forged) = checkpoints.iter().find(|c| seal.mac(&c.text()) != c.mac)
        {
            return Ok(Err(BrokenLink {
                seq: forged.head_seq,
                reason: format!(
                    "điểm kiểm tra lúc {} (đến bản ghi số {}) không đúng chữ ký: đã bị giả hoặc sửa",
                    forged.at, forged.head_seq
                ),
            }));
        }
        let mut expected_seq = 1;
        let mut prev_hash = GENESIS.to_string();
        let mut keyed_since: Option<i64> = None;
        loop {
            let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000");
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(expected_seq).fetch_all(&self.pool).await?;
            if rows.is_empty() {
                let last = expected_seq - 1;
                if let Some(cut) = checkpoints.iter().filter(|c| c.head_seq > last).max_by_key(|c| c.head_seq) {
                    return Ok(Err(BrokenLink {
                        seq: last + 1,
                        reason: format!(
                            "nhật ký bị cắt: điểm kiểm tra lúc {} ghi {} bản ghi (đến số {}), nay chỉ còn đến số {last}",
                            cut.at, cut.entries, cut.head_seq
                        ),
                    }));
                }
                return Ok(Ok(last));
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
                if let Some(seal) = &self.seal {
                    match &entry.mac {
                        Some(mac) if *mac == seal.mac(&entry.hash) => keyed_since = keyed_since.or(Some(entry.seq)),
                        Some(_) => {
                            return Ok(Err(BrokenLink {
                                seq: entry.seq,
                                reason: format!("bản ghi số {} không đúng mã xác thực: nhật ký đã bị viết lại", entry.seq),
                            }));
                        }
                        None if keyed_since.is_some() => {
                            return Ok(Err(BrokenLink {
                                seq: entry.seq,
                                reason: format!("bản ghi số {} mất mã xác thực: nhật ký đã bị viết lại", entry.seq),
                            }));
                        }
                        None => {}
                    }
                }
                for checkpoint in checkpoints.iter().filter(|c| c.head_seq == entry.seq) {
                    if checkpoint.head_hash != entry.hash {
                        return Ok(Err(BrokenLink {
                            seq: entry.seq,
                            reason: format!(
                                "bản ghi số {} khác với điểm kiểm tra lúc {}: nhật ký đã bị sửa rồi tính lại chuỗi",
                                entry.seq, checkpoint.at
                            ),
                        }));
                    }
                }
                prev_hash = entry.hash;
                expected_seq += 1;
            }
            progress(expected_seq - 1);
        }
    }
}
