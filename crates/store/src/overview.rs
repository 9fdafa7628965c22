//! What is waiting on someone, for the first page each role sees (Tổng quan): fonds in chỉnh
//! lý, danh mục hủy at a given stage, lô số hóa with pages to scan again, recent accessions.
//!
//! Each answer is a count and a short list (`limit` rows), counted and cut in SQL: its cost
//! follows what is waiting, never the size of the catalogue. Everything is filtered by the same
//! [`Visibility`] as the lists it summarises, so a count never reveals a record the person
//! cannot open: a danh mục is counted only when every hồ sơ and văn bản on it is visible, a lô
//! số hóa's pages only those of visible hồ sơ.

use crate::catalogue::{Arg, bind_all, visible_dossiers, visible_fonds};
use crate::{Store, StoreError};
use kho_model::access::Visibility;
use kho_model::arrangement::STEPS;
use kho_model::disposal::Stage;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// A count and the first rows of what it counts.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting<T> {
    pub total: i64,
    pub items: Vec<T>,
}

/// A fonds whose chỉnh lý has started and is not finished.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FondsInArrangement {
    pub fonds_id: i64,
    pub code: String,
    pub name: String,
    /// Steps of the 23 done.
    pub steps_done: i64,
}

/// A danh mục hủy standing at a stage.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisposalWaiting {
    pub id: i64,
    pub fonds_id: i64,
    pub title: String,
    pub stage: Stage,
    pub dossiers: i64,
}

/// A lô số hóa with pages to scan again or failed work.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchNeedingAttention {
    pub id: i64,
    pub name: String,
    pub pages_rescan: i64,
    pub jobs_failed: i64,
}

/// An accession, as a line of a list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessionLine {
    pub id: i64,
    /// TT05-sortable date text ("YYYY-MM-DD").
    pub received_on: String,
    pub material: String,
    /// Mét giá, in hundredths.
    pub metres: Option<i64>,
}

async fn count(store: &Store, sql: String, args: &[Arg]) -> Result<i64, StoreError> {
    let row = bind_all(sqlx::query(AssertSqlSafe(sql)), args).fetch_one(&store.pool).await?;
    Ok(row.try_get::<Option<i64>, _>(0)?.unwrap_or(0))
}

impl Store {
    /// Fonds in scope whose chỉnh lý has a step recorded and not all 23 done, least advanced first.
    pub async fn fonds_in_arrangement(&self, visibility: &Visibility, limit: i64) -> Result<Waiting<FondsInArrangement>, StoreError> {
        let mut args = Vec::new();
        let fonds = visible_fonds(visibility, &mut args);
        let steps = STEPS.len();
        let grouped = format!(
            "SELECT s.fonds_id, CAST(SUM(CASE WHEN s.status = 'da_xong' THEN 1 ELSE 0 END) AS BIGINT) AS done
             FROM arrangement_steps s WHERE s.fonds_id IN ({fonds}) GROUP BY s.fonds_id
             HAVING SUM(CASE WHEN s.status = 'da_xong' THEN 1 ELSE 0 END) < {steps}"
        );
        let total = count(self, format!("SELECT COUNT(*) FROM ({grouped}) g"), &args).await?;
        let sql = format!(
            "SELECT f.id, f.code, f.name, g.done FROM ({grouped}) g JOIN fonds f ON f.id = g.fonds_id ORDER BY g.done, f.code LIMIT {limit}"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(FondsInArrangement {
                    fonds_id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    steps_done: r.try_get::<Option<i64>, _>("done")?.unwrap_or(0),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Waiting { total, items })
    }

    /// Danh mục hủy standing at one of `stages`, of fonds in scope, every hồ sơ and văn bản on
    /// them visible, oldest first.
    pub async fn disposal_lists_at(
        &self,
        visibility: &Visibility,
        stages: &[Stage],
        limit: i64,
    ) -> Result<Waiting<DisposalWaiting>, StoreError> {
        if stages.is_empty() {
            return Ok(Waiting { total: 0, items: vec![] });
        }
        let mut args = Vec::new();
        let fonds = visible_fonds(visibility, &mut args);
        let dossiers = visible_dossiers(visibility, &mut args);
        args.push(Arg::Int(visibility.clearance));
        let clearance = args.len();
        let restricted_document = if visibility.public_only { " OR v.mode <> '01'" } else { "" };
        let stage_list = stages
            .iter()
            .map(|s| {
                args.push(Arg::Text(s.code().to_string()));
                format!("${}", args.len())
            })
            .collect::<Vec<_>>()
            .join(", ");
        let condition = format!(
            "l.stage IN ({stage_list}) AND l.fonds_id IN ({fonds})
             AND NOT EXISTS (SELECT 1 FROM disposal_items i WHERE i.list_id = l.id AND i.dossier_id NOT IN (SELECT id FROM dossiers WHERE {dossiers}))
             AND NOT EXISTS (SELECT 1 FROM disposal_items i JOIN documents v ON v.dossier_id = i.dossier_id
                             WHERE i.list_id = l.id AND (v.classification > ${clearance}{restricted_document}))"
        );
        let total = count(self, format!("SELECT COUNT(*) FROM disposal_lists l WHERE {condition}"), &args).await?;
        let sql = format!(
            "SELECT l.id, l.fonds_id, l.title, l.stage, (SELECT COUNT(*) FROM disposal_items i WHERE i.list_id = l.id) AS n
             FROM disposal_lists l WHERE {condition} ORDER BY l.id LIMIT {limit}"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| {
                let stage: String = r.try_get("stage")?;
                Ok(DisposalWaiting {
                    id: r.try_get("id")?,
                    fonds_id: r.try_get("fonds_id")?,
                    title: r.try_get("title")?,
                    stage: Stage::from_code(&stage).ok_or_else(|| StoreError::Corrupt(format!("giai đoạn hủy “{stage}”")))?,
                    dossiers: r.try_get("n")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Waiting { total, items })
    }

    /// Lô số hóa in scope with pages of visible hồ sơ to scan again or failed work on them,
    /// newest first.
    pub async fn batches_needing_attention(
        &self,
        visibility: &Visibility,
        limit: i64,
    ) -> Result<Waiting<BatchNeedingAttention>, StoreError> {
        let batches = crate::digitization::visible_batches(visibility, "b.id", "b.unit_id");
        let mut args = Vec::new();
        let dossiers = visible_dossiers(visibility, &mut args);
        // Pages to scan again come from the batch's tallies, summed over what the person may see
        // (the visibility condition names fonds_id, classification and mode: the tallies' key);
        // failed work, from each failed job's own page or hồ sơ. Neither lists every hồ sơ the
        // person may see.
        let rescan =
            format!("SELECT CAST(COALESCE(SUM(t.pages_rescan), 0) AS BIGINT) FROM batch_tallies t WHERE t.batch_id = b.id AND {dossiers}");
        let failed = format!(
            "SELECT COUNT(*) FROM jobs j WHERE j.batch_id = b.id AND j.state = 'failed' AND (
                 (j.kind = 'page' AND EXISTS (SELECT 1 FROM scan_pages sp JOIN dossiers d ON d.id = sp.dossier_id WHERE sp.id = j.subject_id AND {dossiers}))
              OR (j.kind = 'assemble' AND EXISTS (SELECT 1 FROM dossiers d WHERE d.id = j.subject_id AND {dossiers})))"
        );
        let condition = format!("{batches} AND (({rescan}) > 0 OR ({failed}) > 0)");
        let total = count(self, format!("SELECT COUNT(*) FROM scan_batches b WHERE {condition}"), &args).await?;
        let sql = format!(
            "SELECT b.id, b.name, ({rescan}) AS rescan, ({failed}) AS failed FROM scan_batches b WHERE {condition} ORDER BY b.id DESC LIMIT {limit}"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(BatchNeedingAttention {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    pages_rescan: r.try_get("rescan")?,
                    jobs_failed: r.try_get("failed")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Waiting { total, items })
    }

    /// The latest accessions in scope.
    pub async fn recent_accessions(&self, visibility: &Visibility, limit: i64) -> Result<Waiting<AccessionLine>, StoreError> {
        let condition = crate::accessions::visible_accessions(visibility);
        let total = count(self, format!("SELECT COUNT(*) FROM accessions WHERE {condition}"), &[]).await?;
        let sql = format!(
            "SELECT id, received_on, material, metres FROM accessions WHERE {condition} ORDER BY received_on DESC, id DESC LIMIT {limit}"
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(AccessionLine {
                    id: r.try_get("id")?,
                    received_on: r.try_get("received_on")?,
                    material: r.try_get("material")?,
                    metres: r.try_get("metres")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Waiting { total, items })
    }

    /// Lô số hóa in scope, newest first, with how many there are.
    pub async fn recent_batches(&self, visibility: &Visibility, limit: i64) -> Result<Waiting<crate::Batch>, StoreError> {
        let condition = crate::digitization::visible_batches(visibility, "id", "unit_id");
        let total = count(self, format!("SELECT COUNT(*) FROM scan_batches WHERE {condition}"), &[]).await?;
        let rows = sqlx::query(AssertSqlSafe(format!("SELECT * FROM scan_batches WHERE {condition} ORDER BY id DESC LIMIT {limit}")))
            .fetch_all(&self.pool)
            .await?;
        let items = rows.iter().map(crate::digitization::batch_from_row).collect::<Result<_, _>>()?;
        Ok(Waiting { total, items })
    }

    /// How many fonds `visibility` allows.
    pub async fn count_fonds(&self, visibility: &Visibility) -> Result<i64, StoreError> {
        let mut args = Vec::new();
        let condition = visible_fonds(visibility, &mut args);
        count(self, format!("SELECT COUNT(*) FROM fonds WHERE id IN ({condition})"), &args).await
    }

    /// How many hồ sơ `visibility` allows, from the fonds' tallies (migration 26): the same
    /// condition as on the hồ sơ, over a few rows per fonds.
    pub async fn count_dossiers(&self, visibility: &Visibility) -> Result<i64, StoreError> {
        let mut args = Vec::new();
        let condition = visible_dossiers(visibility, &mut args);
        count(self, format!("SELECT CAST(COALESCE(SUM(dossiers), 0) AS BIGINT) FROM fonds_tallies WHERE {condition}"), &args).await
    }
}
