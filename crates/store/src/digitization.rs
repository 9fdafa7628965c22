//! Số hóa in the catalogue: batches and their hồ sơ in priority order, masters and their pages,
//! renditions, and the job queue the workers drain.
//!
//! The queue's contract: a job is claimed with a lease; a worker that dies stops renewing it and
//! the job is claimed again once the lease runs out. Every `finish_*` checks, inside the same
//! transaction as the results it writes, that the caller still holds the claim it was given, so a
//! superseded worker's late answer changes nothing and no half-written result is ever visible.

use crate::catalogue::{Arg, bind_all, visible_dossiers};
use crate::{Backend, Store, StoreError};
use kho_model::access::{FondsPlace, Label, Visibility};
use kho_model::digitization::OriginalKind;
use kho_model::{Classification, FieldError, Mode};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// A lô số hóa.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub original_kind: OriginalKind,
    pub created_by: String,
    pub created_at: String,
}

/// A batch with where its work stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchProgress {
    pub dossiers: i64,
    pub files: i64,
    pub pages: i64,
    pub pages_done: i64,
    pub pages_rescan: i64,
    pub pages_waiting: i64,
    /// Pages read with a warning of QC (a resolution assumed, a grey master, a page turned).
    pub pages_warned: i64,
    pub renditions: i64,
    /// Pages and bytes of the signed copies: what the batch's PDF/As weigh, and per page.
    pub rendition_pages: i64,
    pub rendition_bytes: i64,
    pub dossiers_done: i64,
    pub jobs_failed: i64,
}

/// A page of a batch's queue: its entries, how many the person may see in all, and the hồ sơ
/// to continue after when there are more.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub entries: Vec<QueueEntry>,
    pub total: i64,
    pub next: Option<i64>,
}

/// A hồ sơ's place in its batch's queue and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry {
    pub dossier_id: i64,
    pub file_code: String,
    pub title: String,
    pub rank: i64,
    pub reason: String,
    pub override_rank: Option<i64>,
    pub override_reason: Option<String>,
    pub override_by: Option<String>,
    /// Marked by the operator as consulted often (the plan's sixth priority).
    pub frequent_use: bool,
    pub pages: i64,
    pub pages_done: i64,
    pub pages_rescan: i64,
    pub renditions: i64,
}

impl QueueEntry {
    pub fn effective_rank(&self) -> i64 {
        self.override_rank.unwrap_or(self.rank)
    }
}

/// A master about to be recorded.
#[derive(Debug, Clone)]
pub struct NewScanFile {
    pub batch_id: i64,
    pub dossier_id: i64,
    pub ordinal: Option<i64>,
    pub file_name: String,
    pub format: String,
    pub size: i64,
    pub sha256: String,
    pub blob: String,
    pub sealed: bool,
    pub page_count: i64,
    pub uploaded_by: String,
}

/// A page as a worker needs it: where its master is and what it must reach.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanPage {
    pub id: i64,
    pub file_id: i64,
    pub dossier_id: i64,
    pub ordinal: Option<i64>,
    pub page_no: i64,
    pub state: String,
    pub file_name: String,
    pub format: String,
    pub blob: String,
    pub sha256: String,
    pub sealed: bool,
    pub original_kind: OriginalKind,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub dpi: Option<i64>,
    /// Degrees × 100 the text leaned (counter-clockwise positive); straightened before reading.
    pub skew_centidegrees: Option<i64>,
    pub problems: Option<String>,
    pub warnings: Option<String>,
    pub ocr_text: Option<String>,
    pub ocr_confidence: Option<i64>,
    pub words_blob: Option<String>,
    pub image_blob: Option<String>,
}

/// What a worker found on a page.
#[derive(Debug, Clone, Default)]
pub struct PageResult {
    pub width: i64,
    pub height: i64,
    pub dpi: i64,
    pub colour: bool,
    pub skew_centidegrees: i64,
    /// JSON list of problems; `Some` sends the page to the re-scan queue.
    pub problems: Option<String>,
    /// JSON list of warnings: the page goes on, and QC shows them.
    pub warnings: Option<String>,
    pub ocr_text: Option<String>,
    pub ocr_confidence: Option<i64>,
    pub words_blob: Option<String>,
    pub image_blob: Option<String>,
}

/// A two-layer PDF/A of a hồ sơ (or of its văn bản number `ordinal`), as written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenditionFile {
    pub ordinal: Option<i64>,
    pub file_name: String,
    pub standard: String,
    pub pages: i64,
    pub size: i64,
    pub sha256: String,
    #[serde(skip)]
    pub blob: String,
    pub signed: bool,
}

/// A rendition as recorded: the file, whose hồ sơ, and when.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendition {
    pub id: i64,
    pub dossier_id: i64,
    pub created_at: String,
    #[serde(flatten)]
    pub file: RenditionFile,
}

impl std::ops::Deref for Rendition {
    type Target = RenditionFile;
    fn deref(&self) -> &RenditionFile {
        &self.file
    }
}

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum JobKind {
    /// Check one page, and read it when it passes.
    Page,
    /// Assemble (and sign) a hồ sơ's PDF/A once all its pages are read.
    Assemble,
}

impl JobKind {
    pub fn code(self) -> &'static str {
        match self {
            JobKind::Page => "page",
            JobKind::Assemble => "assemble",
        }
    }

    fn parse(code: &str) -> Result<JobKind, StoreError> {
        match code {
            "page" => Ok(JobKind::Page),
            "assemble" => Ok(JobKind::Assemble),
            other => Err(StoreError::Corrupt(format!("loại việc “{other}”"))),
        }
    }
}

/// A claimed job: `attempt` is the claim token `finish_*` checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub subject_id: i64,
    pub attempt: i64,
    pub worker: String,
}

/// Which pages QC flagged: sent back to be scanned again, or read with a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFlag {
    Rescan,
    Warned,
}

/// Counts of the queue, by state.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

fn epoch() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

pub(crate) fn batch_from_row(row: &AnyRow) -> Result<Batch, StoreError> {
    let kind: String = row.try_get("original_kind")?;
    Ok(Batch {
        id: row.try_get("id")?,
        unit_id: row.try_get("unit_id")?,
        name: row.try_get("name")?,
        original_kind: OriginalKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại tài liệu gốc “{kind}”")))?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

fn page_from_row(row: &AnyRow) -> Result<ScanPage, StoreError> {
    let kind: String = row.try_get("original_kind")?;
    Ok(ScanPage {
        id: row.try_get("id")?,
        file_id: row.try_get("file_id")?,
        dossier_id: row.try_get("dossier_id")?,
        ordinal: row.try_get("ordinal")?,
        page_no: row.try_get("page_no")?,
        state: row.try_get("state")?,
        file_name: row.try_get("file_name")?,
        format: row.try_get("format")?,
        blob: row.try_get("blob")?,
        sha256: row.try_get("sha256")?,
        sealed: row.try_get::<i64, _>("sealed")? != 0,
        original_kind: OriginalKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại tài liệu gốc “{kind}”")))?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        dpi: row.try_get("dpi")?,
        skew_centidegrees: row.try_get("skew_centidegrees")?,
        problems: row.try_get("problems")?,
        warnings: row.try_get("warnings")?,
        ocr_text: row.try_get("ocr_text")?,
        ocr_confidence: row.try_get("ocr_confidence")?,
        words_blob: row.try_get("words_blob")?,
        image_blob: row.try_get("image_blob")?,
    })
}

const PAGE_COLUMNS: &str = "p.id, p.file_id, p.dossier_id, f.ordinal, p.page_no, p.state, f.file_name, f.format, f.blob, f.sha256, f.sealed, \
     b.original_kind, p.width, p.height, p.dpi, p.skew_centidegrees, p.problems, p.warnings, p.ocr_text, p.ocr_confidence, p.words_blob, p.image_blob";
const PAGE_FROM: &str = "scan_pages p JOIN scan_files f ON f.id = p.file_id JOIN scan_batches b ON b.id = f.batch_id";

fn rendition_from_row(row: &AnyRow) -> Result<Rendition, StoreError> {
    Ok(Rendition {
        id: row.try_get("id")?,
        dossier_id: row.try_get("dossier_id")?,
        created_at: row.try_get("created_at")?,
        file: RenditionFile {
            ordinal: row.try_get("ordinal")?,
            file_name: row.try_get("file_name")?,
            standard: row.try_get("standard")?,
            pages: row.try_get("pages")?,
            size: row.try_get("size")?,
            sha256: row.try_get("sha256")?,
            blob: row.try_get("blob")?,
            signed: row.try_get::<i64, _>("signed")? != 0,
        },
    })
}

/// The condition on `scan_batches` (its id and unit columns named as the query names them) that
/// keeps the batches of the units in scope and those holding a fonds assigned to the person.
pub(crate) fn visible_batches(visibility: &Visibility, id: &str, unit_id: &str) -> String {
    let units = crate::accessions::in_scope_units(visibility, &[unit_id]);
    if visibility.fonds.is_empty() {
        return units;
    }
    let ids = visibility.fonds.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    format!(
        "({units} OR {id} IN (SELECT q.batch_id FROM batch_dossiers q JOIN dossiers d ON d.id = q.dossier_id WHERE d.fonds_id IN ({ids})))"
    )
}

impl Store {
    // ---- batches ----

    pub async fn create_batch(&self, unit_id: i64, name: &str, kind: OriginalKind, by: &str) -> Result<i64, StoreError> {
        self.unit(unit_id).await?;
        Ok(sqlx::query("INSERT INTO scan_batches (unit_id, name, original_kind, created_by) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(unit_id)
            .bind(name)
            .bind(kind.code())
            .bind(by)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    pub async fn batch(&self, id: i64) -> Result<Batch, StoreError> {
        let row = sqlx::query("SELECT * FROM scan_batches WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        batch_from_row(&row.ok_or(StoreError::NotFound("lô số hóa"))?)
    }

    /// Batches of the units in scope, newest first.
    /// The batches of the units in scope, and those holding a fonds assigned to the person (a
    /// scanning contractor's).
    /// The batches `visibility` allows, newest first, `limit` at a time from before batch `before`
    /// (the `next` of the page before), with how many there are in all.
    pub async fn list_batches(&self, visibility: &Visibility, before: Option<i64>, limit: i64) -> Result<BatchPage, StoreError> {
        let condition = visible_batches(visibility, "id", "unit_id");
        let total: i64 = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM scan_batches WHERE {condition}")))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let sql = format!("SELECT * FROM scan_batches WHERE {condition} AND id < $1 ORDER BY id DESC LIMIT $2");
        let rows =
            sqlx::query(AssertSqlSafe(sql)).bind(before.unwrap_or(i64::MAX)).bind(limit.saturating_add(1)).fetch_all(&self.pool).await?;
        let mut batches = rows.iter().map(batch_from_row).collect::<Result<Vec<_>, _>>()?;
        let next = if batches.len() as i64 > limit {
            batches.truncate(limit as usize);
            batches.last().map(|b| b.id)
        } else {
            None
        };
        Ok(BatchPage { total, batches, next })
    }
}

/// A page of batches: how many in all, these, and the `before` of the next page.
#[derive(Debug, Clone)]
pub struct BatchPage {
    pub total: i64,
    pub batches: Vec<Batch>,
    pub next: Option<i64>,
}

impl Store {
    /// The fonds a batch's hồ sơ belong to.
    pub async fn batch_fonds(&self, batch_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT d.fonds_id FROM batch_dossiers q JOIN dossiers d ON d.id = q.dossier_id WHERE q.batch_id = $1 ORDER BY d.fonds_id",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Where a batch's work stands, counting only hồ sơ `visibility` allows. Read from the
    /// batch's tallies, which triggers keep per fonds, classification and mode as pages, files
    /// and renditions change (migrations 20 and 21): a handful of rows, however large the batch.
    pub async fn batch_progress(&self, visibility: &Visibility, batch_id: i64) -> Result<BatchProgress, StoreError> {
        let mut args = vec![Arg::Int(batch_id)];
        // The visibility condition names a hồ sơ's fonds_id, classification and mode, which are
        // the tallies' own key.
        let visible = visible_dossiers(visibility, &mut args);
        const COLUMNS: [&str; 10] = [
            "dossiers",
            "dossiers_done",
            "files",
            "pages",
            "pages_done",
            "pages_rescan",
            "pages_warned",
            "renditions",
            "rendition_pages",
            "rendition_bytes",
        ];
        let sums = COLUMNS.map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)")).join(", ");
        let sql = format!("SELECT {sums} FROM batch_tallies WHERE batch_id = $1 AND {visible}");
        let row = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_one(&self.pool).await?;
        let sum = |i: usize| row.try_get::<i64, _>(i);
        let mut progress = BatchProgress {
            dossiers: sum(0)?,
            dossiers_done: sum(1)?,
            files: sum(2)?,
            pages: sum(3)?,
            pages_done: sum(4)?,
            pages_rescan: sum(5)?,
            pages_warned: sum(6)?,
            renditions: sum(7)?,
            rendition_pages: sum(8)?,
            rendition_bytes: sum(9)?,
            ..Default::default()
        };
        progress.pages_waiting = progress.pages - progress.pages_done - progress.pages_rescan;
        progress.jobs_failed = sqlx::query("SELECT COUNT(*) FROM jobs WHERE batch_id = $1 AND state = 'failed'")
            .bind(batch_id)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(progress)
    }

    /// Puts hồ sơ into a batch with their computed priority. A hồ sơ already in a batch is
    /// refused by its code; nothing is added then.
    pub async fn add_to_batch(&self, batch_id: i64, entries: &[(i64, i64, &str)]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for (dossier_id, rank, reason) in entries {
            let inserted = sqlx::query("INSERT INTO batch_dossiers (batch_id, dossier_id, rank, reason) VALUES ($1, $2, $3, $4)")
                .bind(batch_id)
                .bind(*dossier_id)
                .bind(*rank)
                .bind(*reason)
                .execute(&mut *tx)
                .await;
            if let Err(e) = inserted {
                if StoreError::is_unique_violation(&e) {
                    let code: String = sqlx::query("SELECT file_code FROM dossiers WHERE id = $1")
                        .bind(*dossier_id)
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get(0)?;
                    return Err(StoreError::Conflict(FieldError::new(
                        "dossierIds",
                        "already_in_batch",
                        format!("Hồ sơ {code} đã thuộc một lô số hóa khác."),
                    )));
                }
                return Err(e.into());
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// One page of a batch's hồ sơ in the order they are worked on, with why: those after the hồ
    /// sơ `after` (the last of the previous page), `limit` of them. Keyset along an index, not
    /// OFFSET: a page costs the same at the start and at the end of a district's 100,000 hồ sơ.
    pub async fn batch_queue(
        &self,
        visibility: &Visibility,
        batch_id: i64,
        after: Option<i64>,
        limit: i64,
        known_total: Option<i64>,
    ) -> Result<QueuePage, StoreError> {
        let mut args = vec![Arg::Int(batch_id)];
        let dossiers = visible_dossiers(visibility, &mut args);
        // The visibility condition names `dossiers` columns, which only `d` has.
        let base = format!("FROM batch_dossiers q JOIN dossiers d ON d.id = q.dossier_id WHERE q.batch_id = $1 AND {dossiers}");
        // The count is the batch's size for this viewer, which the page's progress has already
        // counted: given, it is not counted twice.
        let total: i64 = match known_total {
            Some(total) => total,
            None => {
                bind_all(sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) {base}"))), &args).fetch_one(&self.pool).await?.try_get(0)?
            }
        };
        let mut page_args = args.clone();
        let mut keyset = String::new();
        if let Some(after) = after {
            let rank = sqlx::query("SELECT COALESCE(override_rank, rank) FROM batch_dossiers WHERE batch_id = $1 AND dossier_id = $2")
                .bind(batch_id)
                .bind(after)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(rank) = rank {
                page_args.extend([Arg::Int(rank.try_get(0)?), Arg::Int(after)]);
                let n = page_args.len();
                keyset = format!(" AND (COALESCE(q.override_rank, q.rank), q.dossier_id) > (${}, ${n})", n - 1);
            }
        }
        page_args.push(Arg::Int(limit + 1));
        let sql = format!(
            "SELECT q.dossier_id, d.file_code, d.title, q.rank, q.reason, q.override_rank, q.override_reason, q.override_by, q.frequent_use, \
q.pages, q.pages_done, q.pages_rescan, q.renditions \
             {base}{keyset} ORDER BY COALESCE(q.override_rank, q.rank), q.dossier_id LIMIT ${}",
            page_args.len()
        );
        let mut rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &page_args).fetch_all(&self.pool).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("dossier_id")).collect::<Result<_, _>>()?;
        let entries = rows
            .iter()
            .map(|row| {
                Ok(QueueEntry {
                    dossier_id: row.try_get("dossier_id")?,
                    file_code: row.try_get("file_code")?,
                    title: row.try_get("title")?,
                    rank: row.try_get("rank")?,
                    reason: row.try_get("reason")?,
                    override_rank: row.try_get("override_rank")?,
                    override_reason: row.try_get("override_reason")?,
                    override_by: row.try_get("override_by")?,
                    frequent_use: row.try_get::<i64, _>("frequent_use")? != 0,
                    pages: row.try_get("pages")?,
                    pages_done: row.try_get("pages_done")?,
                    pages_rescan: row.try_get("pages_rescan")?,
                    renditions: row.try_get("renditions")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let next = if more { ids.last().copied() } else { None };
        Ok(QueuePage { entries, total, next })
    }

    /// Every hồ sơ of a batch the person may see, as intake needs it, in one query: (id, mã hồ sơ,
    /// the classification of its content — its own, its fonds' or its most secret văn bản's). A hồ
    /// sơ the person may not see is not there, so naming it answers as naming nothing.
    pub async fn batch_codes(&self, batch_id: i64, visibility: &Visibility) -> Result<Vec<(i64, String, Classification)>, StoreError> {
        let mut args = vec![Arg::Int(batch_id)];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT d.id, d.file_code, d.classification AS own, f.classification AS fonds, \
               (SELECT COALESCE(MAX(v.classification), 0) FROM documents v WHERE v.dossier_id = d.id) AS documents \
             FROM batch_dossiers q JOIN dossiers d ON d.id = q.dossier_id JOIN fonds f ON f.id = d.fonds_id \
             WHERE q.batch_id = $1 AND d.id IN (SELECT id FROM dossiers WHERE {visible})"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let level = [r.try_get::<i64, _>(2)?, r.try_get::<i64, _>(3)?, r.try_get::<i64, _>(4)?].into_iter().max().unwrap_or(0);
                let classification = Classification::from_level(level).ok_or_else(|| StoreError::Corrupt(format!("độ mật {level}")))?;
                Ok((r.try_get(0)?, r.try_get(1)?, classification))
            })
            .collect()
    }

    /// The batch a hồ sơ is in, if any.
    pub async fn batch_of(&self, dossier_id: i64) -> Result<Option<i64>, StoreError> {
        let row =
            sqlx::query("SELECT batch_id FROM batch_dossiers WHERE dossier_id = $1").bind(dossier_id).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// An operator moves a hồ sơ in the queue (`Some`: rank, reason) or gives it back its computed
    /// place (`None`). Its waiting jobs move with it.
    pub async fn set_priority(&self, batch_id: i64, dossier_id: i64, over: Option<(i64, &str)>, by: &str) -> Result<(), StoreError> {
        let (rank, reason, who) = match over {
            Some((rank, reason)) => (Some(rank), Some(reason), Some(by)),
            None => (None, None, None),
        };
        let update = sqlx::query(
            "UPDATE batch_dossiers SET override_rank = $1, override_reason = $2, override_by = $3 WHERE batch_id = $4 AND dossier_id = $5",
        )
        .bind(rank)
        .bind(reason)
        .bind(who)
        .bind(batch_id)
        .bind(dossier_id);
        self.move_in_queue(dossier_id, update).await
    }

    /// Marks a hồ sơ of a batch as consulted often, or not, with the plan's priority that follows
    /// (computed by the caller); its queued jobs move with it.
    pub async fn set_frequent_use(
        &self,
        batch_id: i64,
        dossier_id: i64,
        frequent: bool,
        (rank, reason): (i64, &str),
    ) -> Result<(), StoreError> {
        let update =
            sqlx::query("UPDATE batch_dossiers SET frequent_use = $1, rank = $2, reason = $3 WHERE batch_id = $4 AND dossier_id = $5")
                .bind(i64::from(frequent))
                .bind(rank)
                .bind(reason)
                .bind(batch_id)
                .bind(dossier_id);
        self.move_in_queue(dossier_id, update).await
    }

    /// Runs `update` on the hồ sơ's row of its batch and gives its queued jobs their new place,
    /// in one transaction.
    async fn move_in_queue(
        &self,
        dossier_id: i64,
        update: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if update.execute(&mut *tx).await?.rows_affected() == 0 {
            return Err(StoreError::NotFound("hồ sơ trong lô số hóa"));
        }
        sqlx::query(
            "UPDATE jobs SET priority = (SELECT COALESCE(override_rank, rank) FROM batch_dossiers WHERE dossier_id = $1) \
             WHERE state = 'queued' AND ((kind = 'page' AND subject_id IN (SELECT id FROM scan_pages WHERE dossier_id = $1)) \
                OR (kind = 'assemble' AND subject_id = $1))",
        )
        .bind(dossier_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- masters and pages ----

    /// Records a master and its pages and queues a job per page, in one transaction. The same
    /// bytes for the same hồ sơ are recorded once: the existing file's id comes back, `false`.
    /// A new file for a hồ sơ and STT that already had one replaces it (a re-scan); the bytes of
    /// a master a re-scan replaced bring it back, its pages read again (`true`).
    pub async fn add_scan_file(&self, file: &NewScanFile) -> Result<(i64, bool), StoreError> {
        let mut tx = self.begin().await?;
        let priority: i64 = sqlx::query("SELECT COALESCE(override_rank, rank) FROM batch_dossiers WHERE batch_id = $1 AND dossier_id = $2")
            .bind(file.batch_id)
            .bind(file.dossier_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("hồ sơ trong lô số hóa"))?
            .try_get(0)?;
        let known = sqlx::query("SELECT id, ordinal, replaced_by FROM scan_files WHERE dossier_id = $1 AND sha256 = $2")
            .bind(file.dossier_id)
            .bind(&file.sha256)
            .fetch_optional(&mut *tx)
            .await?;
        let (id, ordinal) = match known {
            Some(row) if row.try_get::<Option<i64>, _>("replaced_by")?.is_none() => return Ok((row.try_get("id")?, false)),
            Some(row) => {
                let (id, ordinal): (i64, Option<i64>) = (row.try_get("id")?, row.try_get("ordinal")?);
                sqlx::query("UPDATE scan_files SET replaced_by = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
                sqlx::query(
                    "UPDATE scan_pages SET state = 'waiting', width = NULL, height = NULL, dpi = NULL, colour = NULL, skew_centidegrees = NULL, \
                     problems = NULL, warnings = NULL, ocr_text = NULL, ocr_confidence = NULL, words_blob = NULL, image_blob = NULL WHERE file_id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                (id, ordinal)
            }
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO scan_files (batch_id, dossier_id, ordinal, file_name, format, size, sha256, blob, sealed, page_count, uploaded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(file.batch_id)
                .bind(file.dossier_id)
                .bind(file.ordinal)
                .bind(&file.file_name)
                .bind(&file.format)
                .bind(file.size)
                .bind(&file.sha256)
                .bind(&file.blob)
                .bind(file.sealed as i64)
                .bind(file.page_count)
                .bind(&file.uploaded_by)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
                for page_no in 1..=file.page_count {
                    sqlx::query(
                        "INSERT INTO scan_pages (file_id, batch_id, dossier_id, page_no, state) VALUES ($1, $2, $3, $4, 'waiting')",
                    )
                    .bind(id)
                    .bind(file.batch_id)
                    .bind(file.dossier_id)
                    .bind(page_no)
                    .execute(&mut *tx)
                    .await?;
                }
                (id, file.ordinal)
            }
        };
        // The file is now the hồ sơ's master for its STT: any other is replaced, its waiting or
        // failed pages dropped.
        let same_part = if ordinal.is_some() { "ordinal = $3" } else { "ordinal IS NULL" };
        let replaced_sql = format!("SELECT id FROM scan_files WHERE dossier_id = $1 AND id <> $2 AND replaced_by IS NULL AND {same_part}");
        let mut replaced_query = sqlx::query(AssertSqlSafe(replaced_sql)).bind(file.dossier_id).bind(id);
        if let Some(ordinal) = ordinal {
            replaced_query = replaced_query.bind(ordinal);
        }
        let replaced: Vec<i64> = replaced_query.fetch_all(&mut *tx).await?.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
        for old in replaced {
            sqlx::query("UPDATE scan_files SET replaced_by = $1 WHERE id = $2").bind(id).bind(old).execute(&mut *tx).await?;
            sqlx::query("UPDATE scan_pages SET state = 'replaced' WHERE file_id = $1").bind(old).execute(&mut *tx).await?;
            sqlx::query("UPDATE jobs SET state = 'done', finished_at = $1, error = 'thay bằng bản quét lại' WHERE kind = 'page' AND state IN ('queued', 'failed') AND subject_id IN (SELECT id FROM scan_pages WHERE file_id = $2)")
                .bind(crate::now())
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        let pages: Vec<i64> = sqlx::query("SELECT id FROM scan_pages WHERE file_id = $1 ORDER BY page_no")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        for page_id in pages {
            enqueue(&mut tx, JobKind::Page, page_id, file.batch_id, priority).await?;
        }
        tx.commit().await?;
        Ok((id, true))
    }

    pub async fn scan_page(&self, id: i64) -> Result<ScanPage, StoreError> {
        let sql = format!("SELECT {PAGE_COLUMNS} FROM {PAGE_FROM} WHERE p.id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        page_from_row(&row.ok_or(StoreError::NotFound("trang"))?)
    }

    /// A hồ sơ's current pages in reading order: whole-hồ sơ masters, then by STT, then by page.
    pub async fn dossier_pages(&self, dossier_id: i64) -> Result<Vec<ScanPage>, StoreError> {
        let sql = format!(
            "SELECT {PAGE_COLUMNS} FROM {PAGE_FROM} WHERE p.dossier_id = $1 AND p.state <> 'replaced' \
             ORDER BY COALESCE(f.ordinal, 0), f.id, p.page_no"
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(dossier_id).fetch_all(&self.pool).await?;
        rows.iter().map(page_from_row).collect()
    }

    /// The pages of a hồ sơ in reading order (ids only): where the page viewer's previous and
    /// next lead.
    pub async fn dossier_page_ids(&self, dossier_id: i64) -> Result<Vec<i64>, StoreError> {
        let sql = format!(
            "SELECT p.id FROM {PAGE_FROM} WHERE p.dossier_id = $1 AND p.state <> 'replaced' ORDER BY COALESCE(f.ordinal, 0), f.id, p.page_no"
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(dossier_id).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The first `limit` pages of a batch flagged by QC — waiting to be scanned again, or read
    /// with a warning — of the hồ sơ the person may see. How many there are is the batch's
    /// tallies' (`pages_rescan`, `pages_warned`): not counted here.
    pub async fn flagged_pages(
        &self,
        visibility: &Visibility,
        batch_id: i64,
        flag: PageFlag,
        limit: i64,
    ) -> Result<Vec<ScanPage>, StoreError> {
        let mut args = vec![Arg::Int(batch_id)];
        // The visibility condition names `dossiers` columns: each flagged page's own hồ sơ is
        // looked at, never the list of every hồ sơ the person may see.
        let visible = visible_dossiers(visibility, &mut args);
        let flagged = match flag {
            PageFlag::Rescan => "p.state = 'rescan'",
            // Along the partial index `scan_pages_warned`.
            PageFlag::Warned => "p.warnings IS NOT NULL AND p.state <> 'replaced'",
        };
        args.push(Arg::Int(limit));
        let sql = format!(
            "SELECT {PAGE_COLUMNS} FROM {PAGE_FROM} JOIN dossiers d ON d.id = p.dossier_id \
             WHERE p.batch_id = $1 AND {flagged} AND {visible} ORDER BY p.dossier_id, COALESCE(f.ordinal, 0), p.page_no LIMIT ${}",
            args.len()
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(page_from_row).collect()
    }

    /// Writes what a worker found on a page and closes its job; when it was the hồ sơ's last
    /// page to read and none awaits a re-scan, queues the hồ sơ's assembly. `false` when the
    /// claim was lost (another worker holds the job now): nothing is written.
    pub async fn finish_page(&self, job: &Job, page_id: i64, result: &PageResult) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            // Two workers finishing a hồ sơ's last two pages at once would each count the other's
            // page as unfinished under READ COMMITTED, and neither would queue the assembly: the
            // hồ sơ's row serialises them. (SQLite runs one writer at a time.)
            sqlx::query(
                "SELECT dossier_id FROM batch_dossiers WHERE dossier_id = (SELECT dossier_id FROM scan_pages WHERE id = $1) FOR UPDATE",
            )
            .bind(page_id)
            .fetch_optional(&mut *tx)
            .await?;
        }
        if !close_job(&mut tx, job, "done", None).await? {
            return Ok(false);
        }
        let state = if result.problems.is_some() { "rescan" } else { "done" };
        let written = sqlx::query(
            "UPDATE scan_pages SET state = $1, width = $2, height = $3, dpi = $4, colour = $5, skew_centidegrees = $6, problems = $7, \
             warnings = $8, ocr_text = $9, ocr_confidence = $10, words_blob = $11, image_blob = $12 WHERE id = $13 AND state <> 'replaced'",
        )
        .bind(state)
        .bind(result.width)
        .bind(result.height)
        .bind(result.dpi)
        .bind(result.colour as i64)
        .bind(result.skew_centidegrees)
        .bind(&result.problems)
        .bind(&result.warnings)
        .bind(&result.ocr_text)
        .bind(result.ocr_confidence)
        .bind(&result.words_blob)
        .bind(&result.image_blob)
        .bind(page_id)
        .execute(&mut *tx)
        .await?;
        if written.rows_affected() == 0 {
            // The page's master was replaced by a re-scan while it was read: the job closes, the
            // reading is dropped, and the new master's pages decide the assembly.
            tx.commit().await?;
            return Ok(true);
        }
        let row = sqlx::query(
            "SELECT p.dossier_id, p.batch_id, \
               (SELECT COUNT(*) FROM scan_pages o WHERE o.dossier_id = p.dossier_id AND o.state NOT IN ('done', 'replaced')) \
             FROM scan_pages p WHERE p.id = $1",
        )
        .bind(page_id)
        .fetch_one(&mut *tx)
        .await?;
        let (dossier_id, batch_id, unfinished): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        if unfinished == 0 {
            let priority: i64 = sqlx::query("SELECT COALESCE(override_rank, rank) FROM batch_dossiers WHERE dossier_id = $1")
                .bind(dossier_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            enqueue(&mut tx, JobKind::Assemble, dossier_id, batch_id, priority).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    // ---- renditions ----

    /// Replaces a hồ sơ's renditions with a new assembly and closes the job, in one transaction;
    /// `false` when the claim was lost.
    pub async fn finish_assembly(&self, job: &Job, dossier_id: i64, renditions: &[RenditionFile]) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if !close_job(&mut tx, job, "done", None).await? {
            return Ok(false);
        }
        sqlx::query("DELETE FROM renditions WHERE dossier_id = $1").bind(dossier_id).execute(&mut *tx).await?;
        insert_renditions(&mut tx, dossier_id, renditions).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn renditions(&self, dossier_id: i64) -> Result<Vec<Rendition>, StoreError> {
        let rows = sqlx::query("SELECT * FROM renditions WHERE dossier_id = $1 ORDER BY COALESCE(ordinal, 0), file_name")
            .bind(dossier_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rendition_from_row).collect()
    }

    /// Where a hồ sơ sits and its own label: its fonds' classification and its own, its mode.
    pub async fn dossier_label(&self, dossier: &kho_model::record::Dossier) -> Result<(FondsPlace, Label), StoreError> {
        let (place, fonds_classification) = self.fonds_place(dossier.fonds_id).await?;
        Ok((place, Label::new(fonds_classification.max(dossier.fields.classification), Some(dossier.fields.mode))))
    }

    /// Where a hồ sơ's renditions sit and their labels: fonds, hồ sơ and the văn bản each carries
    /// (`Label::derived`). What the pages, the API and `kho batch export` all decide by.
    /// The label of a hồ sơ with everything in it — its fonds, itself and every văn bản: what
    /// hands the hồ sơ out whole (a package) carries this.
    pub async fn whole_dossier_label(&self, dossier: &kho_model::record::Dossier) -> Result<(FondsPlace, Label), StoreError> {
        let (place, record) = self.dossier_label(dossier).await?;
        let row = sqlx::query("SELECT COALESCE(MAX(classification), 0), MAX(mode) FROM documents WHERE dossier_id = $1")
            .bind(dossier.id)
            .fetch_one(&self.pool)
            .await?;
        let level: i64 = row.try_get(0)?;
        let classification = Classification::from_level(level).ok_or_else(|| StoreError::Corrupt(format!("độ mật {level}")))?;
        let mode = row.try_get::<Option<String>, _>(1)?.and_then(|m| Mode::from_code(&m));
        Ok((place, Label::derived([record, Label::new(classification, mode)])))
    }

    pub async fn rendition_labels(&self, dossier: &kho_model::record::Dossier) -> Result<(FondsPlace, HashMap<i64, Label>), StoreError> {
        let (place, record) = self.dossier_label(dossier).await?;
        let labels = self
            .rendition_sources(dossier.id)
            .await?
            .into_iter()
            .map(|(id, (classification, mode))| (id, Label::derived([record, Label::new(classification, mode)])))
            .collect();
        Ok((place, labels))
    }

    /// What each rendition of a hồ sơ carries, for its label: rendition id → the highest
    /// classification level and the most restrictive mode among its văn bản (the one it is named
    /// by, or every văn bản of the hồ sơ for a whole-hồ sơ file).
    pub async fn rendition_sources(&self, dossier_id: i64) -> Result<HashMap<i64, (Classification, Option<Mode>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, COALESCE(MAX(v.classification), 0) AS classification, MAX(v.mode) AS mode \
             FROM renditions r LEFT JOIN documents v ON v.dossier_id = r.dossier_id AND (r.ordinal IS NULL OR v.doc_ordinal = r.ordinal) \
             WHERE r.dossier_id = $1 GROUP BY r.id",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let level: i64 = row.try_get("classification")?;
                let classification = Classification::from_level(level).ok_or_else(|| StoreError::Corrupt(format!("độ mật {level}")))?;
                let mode = row.try_get::<Option<String>, _>("mode")?.and_then(|m| Mode::from_code(&m));
                Ok((row.try_get("id")?, (classification, mode)))
            })
            .collect()
    }

    /// Whether any file of these hồ sơ — scan, rendition, attachment — is stored: `Some(fonds)`
    /// asks for every hồ sơ of a fonds, else the one hồ sơ.
    pub async fn holds_content(&self, fonds_id: Option<i64>, dossier_id: Option<i64>) -> Result<bool, StoreError> {
        let (condition, id) = match (fonds_id, dossier_id) {
            (Some(f), _) => ("IN (SELECT id FROM dossiers WHERE fonds_id = $1)", f),
            (None, Some(d)) => ("= $1", d),
            (None, None) => return Ok(false),
        };
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM scan_files WHERE dossier_id {condition}) \
               OR EXISTS (SELECT 1 FROM renditions WHERE dossier_id {condition}) \
               OR EXISTS (SELECT 1 FROM attachments WHERE dossier_id {condition})"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_one(&self.pool).await?;
        Ok(match row.try_get::<bool, _>(0) {
            Ok(b) => b,
            Err(_) => row.try_get::<i64, _>(0)? != 0,
        })
    }

    pub async fn rendition(&self, id: i64) -> Result<Rendition, StoreError> {
        let row = sqlx::query("SELECT * FROM renditions WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        rendition_from_row(&row.ok_or(StoreError::NotFound("bản số hóa"))?)
    }

    // ---- the queue ----

    /// Claims the most urgent job that is waiting, or whose worker's lease ran out, for
    /// `lease_seconds`. Jobs tried `max_attempts` times are failed instead of claimed again.
    pub async fn claim_job(&self, worker: &str, lease_seconds: i64, max_attempts: i64) -> Result<Option<Job>, StoreError> {
        let now = epoch();
        sqlx::query(
            "UPDATE jobs SET state = 'failed', finished_at = $1, error = COALESCE(error, 'Tiến trình xử lý dừng giữa chừng nhiều lần') \
             WHERE state = 'running' AND lease_until < $2 AND attempts >= $3",
        )
        .bind(crate::now())
        .bind(now)
        .bind(max_attempts)
        .execute(&self.pool)
        .await?;
        let lock = match self.backend {
            // Many workers on many machines: each skips rows another is claiming.
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            // SQLite runs one writing statement at a time: the claim below is atomic as it stands.
            Backend::Sqlite => "",
        };
        // The best waiting job and the best abandoned one, each found by walking the
        // (state, priority, id) index, and the better of the two: one query with an OR would
        // sort every waiting job on each claim (150 ms at 100,000 waiting, against 0.2 ms).
        let sql = format!(
            "UPDATE jobs SET state = 'running', worker = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM ( \
                 SELECT id, priority FROM (SELECT id, priority FROM jobs WHERE state = 'running' AND lease_until < $3 \
                                           ORDER BY priority, id LIMIT 1 {lock}) abandoned \
                 UNION ALL \
                 SELECT id, priority FROM (SELECT id, priority FROM jobs WHERE state = 'queued' \
                                           ORDER BY priority, id LIMIT 1 {lock}) waiting \
               ) candidates ORDER BY priority, id LIMIT 1) \
             RETURNING id, kind, subject_id, attempts"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(worker).bind(now + lease_seconds).bind(now).fetch_optional(&self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("kind")?;
        Ok(Some(Job {
            id: row.try_get("id")?,
            kind: JobKind::parse(&kind)?,
            subject_id: row.try_get("subject_id")?,
            attempt: row.try_get("attempts")?,
            worker: worker.to_string(),
        }))
    }

    /// Extends a claim; `false` when it was lost.
    pub async fn renew_job(&self, job: &Job, lease_seconds: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE jobs SET lease_until = $1 WHERE id = $2 AND worker = $3 AND attempts = $4 AND state = 'running'")
            .bind(epoch() + lease_seconds)
            .bind(job.id)
            .bind(&job.worker)
            .bind(job.attempt)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A job that cannot succeed as it stands (a damaged master, a missing blob): failed with
    /// the reason, for the operator to see. `false` when the claim was lost.
    pub async fn fail_job(&self, job: &Job, error: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let closed = close_job(&mut tx, job, "failed", Some(error)).await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// Gives a job back to the queue at once (a worker shutting down cleanly).
    pub async fn release_job(&self, job: &Job) -> Result<(), StoreError> {
        sqlx::query("UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL WHERE id = $1 AND worker = $2 AND attempts = $3 AND state = 'running'")
            .bind(job.id)
            .bind(&job.worker)
            .bind(job.attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts failed jobs of a batch back in the queue (after the operator fixed the cause).
    pub async fn retry_failed_jobs(&self, batch_id: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("UPDATE jobs SET state = 'queued', attempts = 0, worker = NULL, lease_until = NULL, error = NULL WHERE batch_id = $1 AND state = 'failed'")
            .bind(batch_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// The queue by state, for one batch or all: read from the tallies the triggers keep
    /// (migration 31), a few rows whatever the size of the queue.
    pub async fn queue_counts(&self, batch_id: Option<i64>) -> Result<QueueCounts, StoreError> {
        let rows = match batch_id {
            Some(batch) => {
                sqlx::query("SELECT state, CAST(SUM(jobs) AS BIGINT) FROM job_tallies WHERE batch_id = $1 GROUP BY state")
                    .bind(batch)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => sqlx::query("SELECT state, CAST(SUM(jobs) AS BIGINT) FROM job_tallies GROUP BY state").fetch_all(&self.pool).await?,
        };
        let mut counts = QueueCounts::default();
        for row in rows {
            let n: i64 = row.try_get(1)?;
            match row.try_get::<String, _>(0)?.as_str() {
                "queued" => counts.queued = n,
                "running" => counts.running = n,
                "done" => counts.done = n,
                _ => counts.failed += n,
            }
        }
        Ok(counts)
    }

    /// Failed jobs of a batch with their reasons.
    /// Failed work of a batch on the hồ sơ the person may see: the first `limit` (kind, subject,
    /// error) and how many there are.
    pub async fn failed_jobs(
        &self,
        visibility: &Visibility,
        batch_id: i64,
        limit: i64,
    ) -> Result<(Vec<(JobKind, i64, String)>, i64), StoreError> {
        let mut args = vec![Arg::Int(batch_id)];
        let visible = visible_dossiers(visibility, &mut args);
        let base = format!(
            // Each failed job's own page and hồ sơ are looked at, never every hồ sơ the person
            // may see (the visibility condition names `dossiers` columns, which only `d` has).
            "FROM jobs j WHERE j.batch_id = $1 AND j.state = 'failed' AND ( \
               (j.kind = 'page' AND EXISTS (SELECT 1 FROM scan_pages sp JOIN dossiers d ON d.id = sp.dossier_id \
                  WHERE sp.id = j.subject_id AND {visible})) \
               OR (j.kind = 'assemble' AND EXISTS (SELECT 1 FROM dossiers d WHERE d.id = j.subject_id AND {visible})))"
        );
        let total: i64 =
            bind_all(sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) {base}"))), &args).fetch_one(&self.pool).await?.try_get(0)?;
        args.push(Arg::Int(limit));
        let sql = format!("SELECT j.kind, j.subject_id, COALESCE(j.error, '') {base} ORDER BY j.id LIMIT ${}", args.len());
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        let failed = rows
            .iter()
            .map(|r| Ok((JobKind::parse(&r.try_get::<String, _>(0)?)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, StoreError>>()?;
        Ok((failed, total))
    }
}

/// A hồ sơ's signed copies recorded, inside the caller's transaction (an assembly, a package
/// received).
pub(crate) async fn insert_renditions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dossier_id: i64,
    renditions: &[RenditionFile],
) -> Result<(), StoreError> {
    for r in renditions {
        sqlx::query(
            "INSERT INTO renditions (dossier_id, ordinal, file_name, standard, pages, size, sha256, blob, signed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(dossier_id)
        .bind(r.ordinal)
        .bind(&r.file_name)
        .bind(&r.standard)
        .bind(r.pages)
        .bind(r.size)
        .bind(&r.sha256)
        .bind(&r.blob)
        .bind(r.signed as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Queues a job, or re-queues it when it exists (a hồ sơ assembled again after a re-scan).
async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: JobKind,
    subject: i64,
    batch: i64,
    priority: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO jobs (kind, subject_id, batch_id, priority, state) VALUES ($1, $2, $3, $4, 'queued') \
         ON CONFLICT (kind, subject_id) DO UPDATE SET state = 'queued', attempts = 0, worker = NULL, lease_until = NULL, error = NULL, \
         priority = excluded.priority, finished_at = NULL",
    )
    .bind(kind.code())
    .bind(subject)
    .bind(batch)
    .bind(priority)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Closes a job if `job` still holds its claim.
async fn close_job(tx: &mut sqlx::Transaction<'_, sqlx::Any>, job: &Job, state: &str, error: Option<&str>) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET state = $1, error = $2, finished_at = $3, lease_until = NULL \
         WHERE id = $4 AND worker = $5 AND attempts = $6 AND state = 'running'",
    )
    .bind(state)
    .bind(error)
    .bind(crate::now())
    .bind(job.id)
    .bind(&job.worker)
    .bind(job.attempt)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
