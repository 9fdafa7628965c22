//! Bảo quản: the files the catalogue refers to, and the fixity runs that re-hash them — each copy
//! apart, what was found missing or damaged and what mended it — from which the biên bản kiểm
//! tra of TT 05/2025 (Phụ lục VII) is drawn up.

use crate::{Store, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Which copy of the blobs a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobCopy {
    /// The copy Kho reads from.
    Primary,
    /// The second copy kept in step.
    Replica,
}

impl BlobCopy {
    pub fn code(self) -> &'static str {
        match self {
            BlobCopy::Primary => "primary",
            BlobCopy::Replica => "replica",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BlobCopy::Primary => "bản chính",
            BlobCopy::Replica => "bản thứ hai",
        }
    }

    fn parse(code: &str) -> Result<BlobCopy, StoreError> {
        match code {
            "primary" => Ok(BlobCopy::Primary),
            "replica" => Ok(BlobCopy::Replica),
            other => Err(StoreError::Corrupt(format!("bản lưu “{other}”"))),
        }
    }
}

/// A blob found missing or damaged in one copy during a fixity run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixityFinding {
    pub blob: String,
    pub copy: BlobCopy,
    /// `missing` or `corrupt`.
    pub outcome: String,
    /// What it was mended from — `replica`, `primary` or `backup` — or None when it could not be.
    pub mended_from: Option<String>,
}

impl FixityFinding {
    pub fn outcome_label(&self) -> &'static str {
        if self.outcome == "missing" { "mất" } else { "hỏng (SHA-256 không khớp)" }
    }

    pub fn mended_label(&self) -> &'static str {
        match self.mended_from.as_deref() {
            Some("replica") => "đã chép lại từ bản thứ hai",
            Some("primary") => "đã chép lại từ bản chính",
            Some("backup") => "đã chép lại từ bản sao lưu",
            _ => "chưa khắc phục được",
        }
    }
}

/// A fixity run: started by the command line (`lenh`) or the server's daily slice (`lich`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixityRun {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub started_by: String,
    /// Blobs checked (each in every copy kept).
    pub checked: i64,
    /// How many copies were checked: 1, or 2 with a replica.
    pub copies: i64,
    pub missing: i64,
    pub corrupt: i64,
    pub repaired: i64,
}

impl FixityRun {
    /// Findings that nothing mended.
    pub fn unmended(&self) -> i64 {
        self.missing + self.corrupt - self.repaired
    }
}

fn run_from_row(row: &AnyRow) -> Result<FixityRun, StoreError> {
    Ok(FixityRun {
        id: row.try_get("id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        started_by: row.try_get("started_by")?,
        checked: row.try_get("checked")?,
        copies: row.try_get("copies")?,
        missing: row.try_get("missing")?,
        corrupt: row.try_get("corrupt")?,
        repaired: row.try_get("repaired")?,
    })
}

const RUN_COLUMNS: &str = "id, started_at, finished_at, started_by, checked, copies, missing, corrupt, repaired";

/// Every reference to a blob, with words for what it is.
const REFERENCES: &str = "SELECT blob, 'tệp ' || file_name AS what FROM attachments \
    UNION ALL SELECT blob, 'bản quét ' || file_name FROM scan_files \
    UNION ALL SELECT words_blob, 'chữ nhận dạng trang ' || CAST(id AS TEXT) FROM scan_pages WHERE words_blob IS NOT NULL \
    UNION ALL SELECT image_blob, 'ảnh trang ' || CAST(id AS TEXT) FROM scan_pages WHERE image_blob IS NOT NULL \
    UNION ALL SELECT blob, 'bản PDF/A ' || file_name FROM renditions";

impl Store {
    /// Every blob the catalogue refers to, after `after` in name order, `limit` at a time:
    /// (name, what refers to it).
    pub async fn referenced_blobs(&self, after: &str, limit: i64) -> Result<Vec<(String, String)>, StoreError> {
        let sql = format!("SELECT blob, MIN(what) FROM ({REFERENCES}) refs WHERE blob > $1 GROUP BY blob ORDER BY blob LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// How many blobs the catalogue refers to: what a fixity cycle must get through.
    pub async fn count_referenced_blobs(&self) -> Result<i64, StoreError> {
        let sql = format!("SELECT COUNT(DISTINCT blob) FROM ({REFERENCES}) refs");
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// The unfinished fixity run to resume, or a new one: (id, last blob checked). `started_by`
    /// and `copies` are those of a new run.
    pub async fn fixity_run(&self, fresh: bool, started_by: &str, copies: i64) -> Result<(i64, String), StoreError> {
        if !fresh
            && let Some(row) =
                sqlx::query("SELECT id, COALESCE(last_blob, '') FROM fixity_runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1")
                    .fetch_optional(&self.pool)
                    .await?
        {
            let id: i64 = row.try_get(0)?;
            sqlx::query("UPDATE fixity_runs SET copies = $1 WHERE id = $2").bind(copies).bind(id).execute(&self.pool).await?;
            return Ok((id, row.try_get(1)?));
        }
        sqlx::query("UPDATE fixity_runs SET finished_at = $1 WHERE finished_at IS NULL").bind(crate::now()).execute(&self.pool).await?;
        let id: i64 = sqlx::query("INSERT INTO fixity_runs (started_at, started_by, copies) VALUES ($1, $2, $3) RETURNING id")
            .bind(crate::now())
            .bind(started_by)
            .bind(copies)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok((id, String::new()))
    }

    /// Records a stretch of a fixity run: the blobs checked up to `last`, and what was found.
    pub async fn fixity_progress(&self, run: i64, last: &str, checked: i64, findings: &[FixityFinding]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for f in findings {
            sqlx::query(
                "INSERT INTO fixity_findings (run_id, blob, copy, outcome, mended_from, found_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(run)
            .bind(&f.blob)
            .bind(f.copy.code())
            .bind(&f.outcome)
            .bind(f.mended_from.as_deref())
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        }
        let missing = findings.iter().filter(|f| f.outcome == "missing").count() as i64;
        let corrupt = findings.len() as i64 - missing;
        let repaired = findings.iter().filter(|f| f.mended_from.is_some()).count() as i64;
        sqlx::query(
            "UPDATE fixity_runs SET last_blob = $1, checked = checked + $2, missing = missing + $3, corrupt = corrupt + $4, \
             repaired = repaired + $5 WHERE id = $6",
        )
        .bind(last)
        .bind(checked)
        .bind(missing)
        .bind(corrupt)
        .bind(repaired)
        .bind(run)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a fixity run.
    pub async fn finish_fixity_run(&self, run: i64) -> Result<FixityRun, StoreError> {
        sqlx::query("UPDATE fixity_runs SET finished_at = $1 WHERE id = $2").bind(crate::now()).bind(run).execute(&self.pool).await?;
        Ok(self.fixity_run_by_id(run).await?.0)
    }

    /// A fixity run and its findings (every one: a run finds few, or the holdings are lost).
    pub async fn fixity_run_by_id(&self, run: i64) -> Result<(FixityRun, Vec<FixityFinding>), StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM fixity_runs WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(run).fetch_optional(&self.pool).await?;
        let run_row = run_from_row(&row.ok_or(StoreError::NotFound("lần kiểm tra"))?)?;
        let rows = sqlx::query("SELECT blob, copy, outcome, mended_from FROM fixity_findings WHERE run_id = $1 ORDER BY blob, copy")
            .bind(run)
            .fetch_all(&self.pool)
            .await?;
        let findings = rows
            .iter()
            .map(|r| {
                Ok(FixityFinding {
                    blob: r.try_get(0)?,
                    copy: BlobCopy::parse(&r.try_get::<String, _>(1)?)?,
                    outcome: r.try_get(2)?,
                    mended_from: r.try_get(3)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((run_row, findings))
    }

    /// The latest fixity runs, newest first.
    pub async fn fixity_runs(&self, limit: i64) -> Result<Vec<FixityRun>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM fixity_runs ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(run_from_row).collect()
    }

    /// Claims today's slice of the server's fixity schedule: true for the one server that may
    /// run it now, when no slice began in the last `every` (a day). Restarts and servers sharing
    /// the catalogue do not run it twice.
    pub async fn claim_fixity_slice(&self, every: chrono::Duration) -> Result<bool, StoreError> {
        let now = chrono::Utc::now();
        let claimed =
            sqlx::query("UPDATE fixity_schedule SET last_slice_at = $1 WHERE id = 1 AND (last_slice_at IS NULL OR last_slice_at <= $2)")
                .bind(crate::stored(now))
                .bind(crate::stored(now - every))
                .execute(&self.pool)
                .await?;
        Ok(claimed.rows_affected() == 1)
    }
}
