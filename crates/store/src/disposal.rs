//! Hủy tài liệu: danh mục, the trail of its stages, and the hồ sơ marks — all or nothing per step.

use crate::{Store, StoreError};
use kho_model::ArchiveDate;
use kho_model::FieldError;
use kho_model::disposal::{Reason, Stage};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisposalList {
    pub id: i64,
    pub fonds_id: i64,
    pub title: String,
    pub explanation: String,
    pub stage: Stage,
    pub created_by: String,
    pub created_at: String,
    pub council: Option<String>,
    pub council_on: Option<ArchiveDate>,
    pub appraisal_body: Option<String>,
    pub appraisal_ref: Option<String>,
    pub appraisal_on: Option<ArchiveDate>,
    pub decision_ref: Option<String>,
    pub decision_on: Option<ArchiveDate>,
    pub decided_by: Option<String>,
    pub destroyed_on: Option<ArchiveDate>,
    pub destroyed_by: Option<String>,
    /// Mét giá destroyed, in hundredths.
    pub destroyed_metres: Option<i64>,
    /// (hồ sơ id, reason)
    pub items: Vec<(i64, Reason)>,
}

const COLUMNS: &str =
    "id, fonds_id, title, explanation, stage, created_by, created_at, council, council_on, appraisal_body, appraisal_ref, appraisal_on,
    decision_ref, decision_on, decided_by, destroyed_on, destroyed_by, destroyed_metres";

fn from_row(row: &AnyRow) -> Result<DisposalList, StoreError> {
    let date = |c: &str| -> Result<Option<ArchiveDate>, StoreError> {
        Ok(row.try_get::<Option<String>, _>(c)?.as_deref().and_then(ArchiveDate::parse))
    };
    let stage: String = row.try_get("stage")?;
    Ok(DisposalList {
        id: row.try_get("id")?,
        fonds_id: row.try_get("fonds_id")?,
        title: row.try_get("title")?,
        explanation: row.try_get("explanation")?,
        stage: Stage::from_code(&stage).ok_or_else(|| StoreError::Corrupt(format!("giai đoạn hủy “{stage}”")))?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        council: row.try_get("council")?,
        council_on: date("council_on")?,
        appraisal_body: row.try_get("appraisal_body")?,
        appraisal_ref: row.try_get("appraisal_ref")?,
        appraisal_on: date("appraisal_on")?,
        decision_ref: row.try_get("decision_ref")?,
        decision_on: date("decision_on")?,
        decided_by: row.try_get("decided_by")?,
        destroyed_on: date("destroyed_on")?,
        destroyed_by: row.try_get("destroyed_by")?,
        destroyed_metres: row.try_get("destroyed_metres")?,
        items: vec![],
    })
}

/// What a step records.
pub enum DisposalStep<'a> {
    Council { opinions: &'a str, on: ArchiveDate },
    Appraisal { body: &'a str, reference: &'a str, on: ArchiveDate },
    Decision { reference: &'a str, on: ArchiveDate, by: &'a str },
    Destruction { on: ArchiveDate, by: &'a str, metres: Option<i64> },
}

impl DisposalStep<'_> {
    fn stage(&self) -> Stage {
        match self {
            DisposalStep::Council { .. } => Stage::Reviewed,
            DisposalStep::Appraisal { .. } => Stage::Appraised,
            DisposalStep::Decision { .. } => Stage::Decided,
            DisposalStep::Destruction { .. } => Stage::Destroyed,
        }
    }
}

fn conflict(message: String) -> StoreError {
    StoreError::Conflict(FieldError::new("stage", "wrong_stage", message))
}

impl Store {
    /// Draws up a danh mục: the hồ sơ become "Xem xét hủy". A hồ sơ already on a danh mục or
    /// destroyed cannot be proposed again. All or nothing.
    pub async fn create_disposal_list(
        &self,
        fonds_id: i64,
        title: &str,
        explanation: &str,
        items: &[(i64, Reason)],
        by: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO disposal_lists (fonds_id, title, explanation, stage, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(fonds_id)
        .bind(title)
        .bind(explanation)
        .bind(Stage::Proposed.code())
        .bind(by)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (dossier_id, reason) in items {
            let marked = sqlx::query("UPDATE dossiers SET disposal = 'xem_xet_huy' WHERE id = $1 AND fonds_id = $2 AND disposal IS NULL")
                .bind(*dossier_id)
                .bind(fonds_id)
                .execute(&mut *tx)
                .await?;
            if marked.rows_affected() != 1 {
                return Err(StoreError::Conflict(FieldError::new(
                    "items",
                    "not_available",
                    format!("Hồ sơ số hiệu {dossier_id} đã nằm trong một danh mục hủy, đã hủy, hoặc không thuộc phông này."),
                )));
            }
            sqlx::query("INSERT INTO disposal_items (list_id, dossier_id, reason) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*dossier_id)
                .bind(reason.code())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The most secret classification and the most restrictive mode among everything a danh mục
    /// acts on — its hồ sơ and every văn bản in them — in one query.
    pub async fn disposal_list_label(&self, id: i64) -> Result<(kho_model::Classification, Option<kho_model::Mode>), StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(d.classification), 0) AS dc, MAX(d.mode) AS dm, COALESCE(MAX(v.classification), 0) AS vc, MAX(v.mode) AS vm \
             FROM disposal_items i JOIN dossiers d ON d.id = i.dossier_id LEFT JOIN documents v ON v.dossier_id = d.id WHERE i.list_id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let level = row.try_get::<i64, _>("dc")?.max(row.try_get::<i64, _>("vc")?);
        let classification = kho_model::Classification::from_level(level).ok_or_else(|| StoreError::Corrupt(format!("độ mật {level}")))?;
        let modes = [row.try_get::<Option<String>, _>("dm")?, row.try_get::<Option<String>, _>("vm")?];
        let mode = modes.into_iter().flatten().filter_map(|m| kho_model::Mode::from_code(&m)).max();
        Ok((classification, mode))
    }

    pub async fn disposal_list(&self, id: i64) -> Result<DisposalList, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM disposal_lists WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("danh mục tài liệu hủy"))?;
        let mut list = from_row(&row)?;
        let items = sqlx::query("SELECT dossier_id, reason FROM disposal_items WHERE list_id = $1 ORDER BY dossier_id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        for item in items {
            let reason: String = item.try_get("reason")?;
            list.items.push((
                item.try_get("dossier_id")?,
                Reason::from_code(&reason).ok_or_else(|| StoreError::Corrupt(format!("lý do hủy “{reason}”")))?,
            ));
        }
        Ok(list)
    }

    pub async fn disposal_lists(&self, fonds_id: i64) -> Result<Vec<DisposalList>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM disposal_lists WHERE fonds_id = $1 ORDER BY id DESC");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(fonds_id).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// Records the next step; refused unless the danh mục stands at the stage before it.
    pub async fn advance_disposal(&self, id: i64, step: DisposalStep<'_>) -> Result<(), StoreError> {
        let list = self.disposal_list(id).await?;
        let target = step.stage();
        if list.stage.next() != Some(target) {
            return Err(conflict(format!("Danh mục đang ở bước “{}”; chưa thể ghi bước “{}”.", list.stage.label(), target.label())));
        }
        let mut tx = self.begin().await?;
        let updated = match &step {
            DisposalStep::Council { opinions, on } => sqlx::query("UPDATE disposal_lists SET stage = $1, council = $2, council_on = $3 WHERE id = $4 AND stage = $5")
                .bind(target.code())
                .bind(*opinions)
                .bind(on.sortable()),
            DisposalStep::Appraisal { body, reference, on } => sqlx::query("UPDATE disposal_lists SET stage = $1, appraisal_body = $2, appraisal_ref = $3, appraisal_on = $4 WHERE id = $5 AND stage = $6")
                .bind(target.code())
                .bind(*body)
                .bind(*reference)
                .bind(on.sortable()),
            DisposalStep::Decision { reference, on, by } => sqlx::query("UPDATE disposal_lists SET stage = $1, decision_ref = $2, decision_on = $3, decided_by = $4 WHERE id = $5 AND stage = $6")
                .bind(target.code())
                .bind(*reference)
                .bind(on.sortable())
                .bind(*by),
            DisposalStep::Destruction { on, by, metres } => sqlx::query("UPDATE disposal_lists SET stage = $1, destroyed_on = $2, destroyed_by = $3, destroyed_metres = $4 WHERE id = $5 AND stage = $6")
                .bind(target.code())
                .bind(on.sortable())
                .bind(*by)
                .bind(*metres),
        }
        .bind(id)
        .bind(list.stage.code())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(conflict("Danh mục vừa được người khác cập nhật; hãy tải lại trang.".into()));
        }
        if let DisposalStep::Destruction { .. } = step {
            sqlx::query("UPDATE dossiers SET disposal = 'da_huy' WHERE id IN (SELECT dossier_id FROM disposal_items WHERE list_id = $1)")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
