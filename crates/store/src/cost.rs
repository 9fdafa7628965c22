//! Định mức, dự toán, kinh phí: the norms in force (Kho's defaults where none was set), each
//! unit's complexity for chỉnh lý, and the budget lines allocated and spent (migration 27).

use crate::{Store, StoreError};
use kho_model::cost::{BudgetKind, BudgetLine, Complexity, Norm, Norms};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// A budget line as it was entered: for one unit, or for the province (None).
#[derive(Debug, Clone)]
pub struct BudgetRow {
    pub id: i64,
    pub unit_id: Option<i64>,
    pub line: BudgetLine,
    pub entered_by: String,
    pub entered_at: String,
}

/// Which budget lines a reader may see: the province's and every unit's, or only those of
/// `units` (never the province's own).
pub enum BudgetScope<'a> {
    Province,
    Units(&'a [i64]),
}

impl BudgetScope<'_> {
    fn condition(&self) -> String {
        match self {
            BudgetScope::Province => "1 = 1".into(),
            BudgetScope::Units([]) => "1 = 0".into(),
            BudgetScope::Units(units) => {
                format!("unit_id IN ({})", units.iter().map(|u| u.to_string()).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

impl Store {
    /// The norms in force: the defaults, with what was set over them.
    pub async fn norms(&self) -> Result<Norms, StoreError> {
        let mut norms = Norms::default();
        for row in sqlx::query("SELECT code, value, source FROM cost_norms").fetch_all(&self.pool).await? {
            let code: String = row.try_get("code")?;
            // A norm a later Kho no longer knows is left where it is, unused.
            if let Some(norm) = Norm::from_code(&code) {
                norms.set(norm, row.try_get("value")?, &row.try_get::<String, _>("source")?);
            }
        }
        Ok(norms)
    }

    /// Sets the norms that differ from those in force, in one transaction.
    pub async fn set_norms(&self, norms: &Norms, by: &str) -> Result<(), StoreError> {
        let current = self.norms().await?;
        let mut tx = self.begin().await?;
        for norm in Norm::ALL {
            if (current.value(*norm), current.source(*norm)) == (norms.value(*norm), norms.source(*norm)) {
                continue;
            }
            sqlx::query(
                "INSERT INTO cost_norms (code, value, source, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (code) DO UPDATE SET value = excluded.value, source = excluded.source,
                     updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(norm.code())
            .bind(norms.value(*norm))
            .bind(norms.source(*norm))
            .bind(by)
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx, None).await
    }

    /// The complexity set for each unit (a unit not listed is [`Complexity::Mixed`]).
    pub async fn complexities(&self) -> Result<HashMap<i64, Complexity>, StoreError> {
        let mut out = HashMap::new();
        for row in sqlx::query("SELECT unit_id, complexity FROM unit_complexity").fetch_all(&self.pool).await? {
            let code: String = row.try_get("complexity")?;
            let complexity = Complexity::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("độ phức tạp “{code}”")))?;
            out.insert(row.try_get("unit_id")?, complexity);
        }
        Ok(out)
    }

    pub async fn set_complexity(&self, unit_id: i64, complexity: Complexity, by: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO unit_complexity (unit_id, complexity, updated_by, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (unit_id) DO UPDATE SET complexity = excluded.complexity, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at",
        )
        .bind(unit_id)
        .bind(complexity.code())
        .bind(by)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
        self.commit(tx, Some(unit_id)).await
    }

    /// Records a budget line for `unit_id` (None: the province's); its id.
    pub async fn add_budget_line(&self, unit_id: Option<i64>, line: &BudgetLine, by: &str) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO budget_lines (unit_id, year, kind, amount, source, entered_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit_id)
        .bind(line.year as i64)
        .bind(line.kind.code())
        .bind(line.amount)
        .bind(&line.source)
        .bind(by)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        self.commit(tx, Some(id)).await?;
        Ok(id)
    }

    /// Allocated and spent per year, of the lines `scope` covers: (year, allocated, spent).
    pub async fn budget_by_year(&self, scope: &BudgetScope<'_>) -> Result<Vec<(i32, i64, i64)>, StoreError> {
        let sql = format!(
            "SELECT year, CAST(SUM(CASE WHEN kind = 'giao' THEN amount ELSE 0 END) AS BIGINT) AS allocated,
                    CAST(SUM(CASE WHEN kind = 'chi' THEN amount ELSE 0 END) AS BIGINT) AS spent
             FROM budget_lines WHERE {} GROUP BY year ORDER BY year",
            scope.condition()
        );
        let mut out = vec![];
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            out.push((
                row.try_get::<i64, _>("year")? as i32,
                row.try_get::<Option<i64>, _>("allocated")?.unwrap_or(0),
                row.try_get::<Option<i64>, _>("spent")?.unwrap_or(0),
            ));
        }
        Ok(out)
    }

    /// Allocated and spent per unit (None: the province's own lines), of the lines `scope` covers.
    pub async fn budget_by_unit(&self, scope: &BudgetScope<'_>) -> Result<HashMap<Option<i64>, (i64, i64)>, StoreError> {
        let sql = format!(
            "SELECT unit_id, CAST(SUM(CASE WHEN kind = 'giao' THEN amount ELSE 0 END) AS BIGINT) AS allocated,
                    CAST(SUM(CASE WHEN kind = 'chi' THEN amount ELSE 0 END) AS BIGINT) AS spent
             FROM budget_lines WHERE {} GROUP BY unit_id",
            scope.condition()
        );
        let mut out = HashMap::new();
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            out.insert(
                row.try_get::<Option<i64>, _>("unit_id")?,
                (row.try_get::<Option<i64>, _>("allocated")?.unwrap_or(0), row.try_get::<Option<i64>, _>("spent")?.unwrap_or(0)),
            );
        }
        Ok(out)
    }

    /// The latest `limit` budget lines `scope` covers, newest first.
    pub async fn recent_budget_lines(&self, scope: &BudgetScope<'_>, limit: i64) -> Result<Vec<BudgetRow>, StoreError> {
        let sql = format!(
            "SELECT id, unit_id, year, kind, amount, source, entered_by, entered_at FROM budget_lines WHERE {}
             ORDER BY id DESC LIMIT {}",
            scope.condition(),
            limit.clamp(1, 1000)
        );
        let mut out = vec![];
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            let kind: String = row.try_get("kind")?;
            out.push(BudgetRow {
                id: row.try_get("id")?,
                unit_id: row.try_get("unit_id")?,
                line: BudgetLine {
                    year: row.try_get::<i64, _>("year")? as i32,
                    kind: BudgetKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại kinh phí “{kind}”")))?,
                    amount: row.try_get("amount")?,
                    source: row.try_get("source")?,
                },
                entered_by: row.try_get("entered_by")?,
                entered_at: row.try_get("entered_at")?,
            });
        }
        Ok(out)
    }
}
