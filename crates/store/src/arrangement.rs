//! Chỉnh lý of a fonds: the khảo sát findings, the phương án phân loại as written, the 23 steps.

use crate::{Store, StoreError};
use kho_model::ArchiveDate;
use kho_model::arrangement::{STEPS, StepStatus};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, Default)]
pub struct StepRecord {
    pub step: u8,
    pub status: StepStatus,
    pub started_on: Option<ArchiveDate>,
    pub finished_on: Option<ArchiveDate>,
    pub done_by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Arrangement {
    pub survey: Option<String>,
    pub scheme: Option<String>,
    /// All 23 steps, recorded or not.
    pub steps: Vec<StepRecord>,
}

impl Store {
    pub async fn arrangement(&self, fonds_id: i64) -> Result<Arrangement, StoreError> {
        let head =
            sqlx::query("SELECT survey, scheme FROM arrangements WHERE fonds_id = $1").bind(fonds_id).fetch_optional(&self.pool).await?;
        let (survey, scheme) = match head {
            Some(row) => (row.try_get("survey")?, row.try_get("scheme")?),
            None => (None, None),
        };
        let rows = sqlx::query("SELECT step, status, started_on, finished_on, done_by, note FROM arrangement_steps WHERE fonds_id = $1")
            .bind(fonds_id)
            .fetch_all(&self.pool)
            .await?;
        let mut steps: Vec<StepRecord> = (1..=STEPS.len() as u8).map(|step| StepRecord { step, ..Default::default() }).collect();
        for row in rows {
            let step: i64 = row.try_get("step")?;
            let status: String = row.try_get("status")?;
            let date = |column: &str| -> Result<Option<ArchiveDate>, StoreError> {
                Ok(row.try_get::<Option<String>, _>(column)?.as_deref().and_then(ArchiveDate::parse))
            };
            if let Some(record) = steps.get_mut(step as usize - 1) {
                *record = StepRecord {
                    step: step as u8,
                    status: StepStatus::from_code(&status).ok_or_else(|| StoreError::Corrupt(format!("trạng thái bước “{status}”")))?,
                    started_on: date("started_on")?,
                    finished_on: date("finished_on")?,
                    done_by: row.try_get("done_by")?,
                    note: row.try_get("note")?,
                };
            }
        }
        Ok(Arrangement { survey, scheme, steps })
    }

    pub async fn set_step(&self, fonds_id: i64, record: &StepRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM arrangement_steps WHERE fonds_id = $1 AND step = $2")
            .bind(fonds_id)
            .bind(record.step as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO arrangement_steps (fonds_id, step, status, started_on, finished_on, done_by, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(fonds_id)
            .bind(record.step as i64)
            .bind(record.status.code())
            .bind(record.started_on.map(|d| d.sortable()))
            .bind(record.finished_on.map(|d| d.sortable()))
            .bind(record.done_by.clone())
            .bind(record.note.clone())
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_survey(&self, fonds_id: i64, survey: Option<&str>, scheme: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM arrangements WHERE fonds_id = $1").bind(fonds_id).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO arrangements (fonds_id, survey, scheme, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(fonds_id)
            .bind(survey)
            .bind(scheme)
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
