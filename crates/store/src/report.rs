//! Báo cáo: what each unit has done, derived from the catalogue — never typed twice — for the
//! annual report of a commune to Sở Nội vụ and of Sở Nội vụ to the UBND tỉnh: the figures to
//! date (`progress_by_unit`, văn bản, packages received) and those of one year (what carries a
//! date: accessions by their day, hồ sơ by when they were described, destruction by its day,
//! signed copies by when they were made, packages by when they were received).

use crate::catalogue::{Arg, bind_all, visible_dossiers};
use crate::{Store, StoreError, UnitProgress};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// One unit's figures for a report. Metres in hundredths.
#[derive(Debug, Clone, Default)]
pub struct UnitFigures {
    /// To date.
    pub total: UnitProgress,
    pub packages: i64,
    /// In the year.
    pub received_in_year: i64,
    pub dossiers_in_year: i64,
    pub destroyed_in_year: i64,
    pub pages_signed_in_year: i64,
    pub packages_in_year: i64,
}

impl std::ops::AddAssign<&UnitFigures> for UnitFigures {
    /// Adds another unit's figures: a unit's line counts the units merged into it.
    fn add_assign(&mut self, other: &UnitFigures) {
        let (t, o) = (&mut self.total, &other.total);
        t.received += o.received;
        t.boxes += o.boxes;
        t.arranged += o.arranged;
        t.dossiers += o.dossiers;
        t.documents += o.documents;
        t.destroyed += o.destroyed;
        t.destroyed_metres += o.destroyed_metres;
        t.pages_scanned += o.pages_scanned;
        self.packages += other.packages;
        self.received_in_year += other.received_in_year;
        self.dossiers_in_year += other.dossiers_in_year;
        self.destroyed_in_year += other.destroyed_in_year;
        self.pages_signed_in_year += other.pages_signed_in_year;
        self.packages_in_year += other.packages_in_year;
    }
}

/// Work done outside Kho as it was entered.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutsideWorkRow {
    pub id: i64,
    pub unit_id: i64,
    pub work: kho_model::plan::OutsideWork,
    pub entered_by: String,
    pub entered_at: String,
}

impl Store {
    /// Records work done outside Kho for `unit_id`; its id.
    pub async fn add_outside_work(&self, unit_id: i64, work: &kho_model::plan::OutsideWork, entered_by: &str) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO outside_work (unit_id, stage, quantity, done_on, source, entered_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit_id)
        .bind(work.stage.code())
        .bind(work.quantity)
        .bind(work.done_on.sortable())
        .bind(&work.source)
        .bind(entered_by)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        self.commit(tx, Some(id)).await?;
        Ok(id)
    }

    /// Work done outside Kho by `units` (all when None), in `year` when given, newest first.
    pub async fn outside_work(&self, units: Option<&[i64]>, year: Option<i32>) -> Result<Vec<OutsideWorkRow>, StoreError> {
        let mut conditions = vec!["1 = 1".to_string()];
        if let Some(units) = units {
            let ids = units.iter().map(|u| u.to_string()).collect::<Vec<_>>().join(", ");
            conditions.push(if ids.is_empty() { "1 = 0".into() } else { format!("unit_id IN ({ids})") });
        }
        if let Some(year) = year {
            conditions.push(format!("done_on LIKE '{year}%'"));
        }
        let sql = format!(
            "SELECT id, unit_id, stage, quantity, done_on, source, entered_by, entered_at FROM outside_work WHERE {} ORDER BY done_on DESC, id DESC",
            conditions.join(" AND ")
        );
        let mut out = vec![];
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            let stage: String = row.try_get("stage")?;
            let done_on: String = row.try_get("done_on")?;
            out.push(OutsideWorkRow {
                id: row.try_get("id")?,
                unit_id: row.try_get("unit_id")?,
                work: kho_model::plan::OutsideWork {
                    stage: kho_model::plan::WorkStage::from_code(&stage)
                        .ok_or_else(|| StoreError::Corrupt(format!("công việc “{stage}”")))?,
                    quantity: row.try_get("quantity")?,
                    done_on: kho_model::ArchiveDate::try_from(done_on.clone())
                        .map_err(|_| StoreError::Corrupt(format!("ngày “{done_on}”")))?,
                    source: row.try_get("source")?,
                },
                entered_by: row.try_get("entered_by")?,
                entered_at: row.try_get("entered_at")?,
            });
        }
        Ok(out)
    }

    /// Metres received (hundredths) by each giving unit in each month (`YYYY-MM`; a biên bản dated
    /// by its year alone counts in its January), oldest first: the burn-up of receiving.
    pub async fn received_by_month(&self, visibility: &kho_model::access::Visibility) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let giving = crate::accessions::in_scope_units(visibility, &["giving_unit_id"]);
        let sql = format!(
            "SELECT giving_unit_id AS unit_id, received_on, CAST(SUM(metres) AS BIGINT) AS n FROM accessions
             WHERE metres IS NOT NULL AND {giving} GROUP BY giving_unit_id, received_on ORDER BY received_on"
        );
        let mut out: Vec<(i64, String, i64)> = vec![];
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            let day: String = row.try_get("received_on")?;
            let month = match day.get(..7) {
                Some(m) if m.as_bytes().get(4) == Some(&b'-') => m.to_string(),
                _ => format!("{}-01", day.get(..4).unwrap_or("0000")),
            };
            out.push((row.try_get("unit_id")?, month, row.try_get::<Option<i64>, _>("n")?.unwrap_or(0)));
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// Hồ sơ described by each unit in each month (`YYYY-MM`, Vietnam time), of what `visibility`
    /// may count, oldest first: the burn-up of description, from the tallies (migration 26).
    pub async fn described_by_month(&self, visibility: &kho_model::access::Visibility) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let mut args = vec![];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT f.unit_id, t.month, CAST(SUM(t.dossiers) AS BIGINT) AS n FROM (SELECT * FROM fonds_tallies WHERE {visible}) t
             JOIN fonds f ON f.id = t.fonds_id GROUP BY f.unit_id, t.month ORDER BY t.month"
        );
        self.by_month(sql, &args).await
    }

    /// Pages of signed copies made for each unit in each month (`YYYY-MM`, UTC), of hồ sơ
    /// `visibility` may count, oldest first: the burn-up of số hóa.
    pub async fn signed_by_month(&self, visibility: &kho_model::access::Visibility) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let mut args = vec![];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT f.unit_id, SUBSTR(r.created_at, 1, 7) AS month, CAST(SUM(r.pages) AS BIGINT) AS n
             FROM renditions r JOIN dossiers d ON d.id = r.dossier_id JOIN fonds f ON f.id = d.fonds_id
             WHERE d.id IN (SELECT id FROM dossiers WHERE {visible}) GROUP BY f.unit_id, SUBSTR(r.created_at, 1, 7) ORDER BY month"
        );
        self.by_month(sql, &args).await
    }

    /// Hồ sơ received in packages (bàn giao) for each unit whose fonds they belong to, in each
    /// month (`YYYY-MM`, UTC), of hồ sơ `visibility` may count: the burn-up of handover.
    pub async fn handed_over_by_month(&self, visibility: &kho_model::access::Visibility) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let mut args = vec![];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT f.unit_id, SUBSTR(p.received_at, 1, 7) AS month, COUNT(*) AS n
             FROM package_receipts p JOIN dossiers d ON d.id = p.dossier_id JOIN fonds f ON f.id = d.fonds_id
             WHERE d.id IN (SELECT id FROM dossiers WHERE {visible}) GROUP BY f.unit_id, SUBSTR(p.received_at, 1, 7) ORDER BY month"
        );
        self.by_month(sql, &args).await
    }

    /// Mét giá arranged (hundredths, from the thickness of boxes filled) for each unit in each
    /// month (`YYYY-MM`, UTC) a box was placed, in the units `visibility` covers: the burn-up of
    /// chỉnh lý.
    pub async fn arranged_by_month(&self, visibility: &kho_model::access::Visibility) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let units = crate::accessions::in_scope_units(visibility, &["f.unit_id"]);
        let sql = format!(
            "SELECT f.unit_id, SUBSTR(b.placed_at, 1, 7) AS month, CAST(SUM(b.thickness_mm) AS BIGINT) / 10 AS n
             FROM boxes b JOIN fonds f ON f.id = b.fonds_id WHERE b.placed_at IS NOT NULL AND {units}
             GROUP BY f.unit_id, SUBSTR(b.placed_at, 1, 7) ORDER BY month"
        );
        self.by_month(sql, &[]).await
    }

    async fn by_month(&self, sql: String, args: &[Arg]) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let mut out = vec![];
        for row in bind_all(sqlx::query(AssertSqlSafe(sql)), args).fetch_all(&self.pool).await? {
            out.push((row.try_get("unit_id")?, row.try_get("month")?, row.try_get::<Option<i64>, _>("n")?.unwrap_or(0)));
        }
        Ok(out)
    }

    /// Each unit's figures to date and in `year` (Vietnam time), of what `visibility` may count.
    pub async fn report_figures(
        &self,
        visibility: &kho_model::access::Visibility,
        year: i32,
    ) -> Result<HashMap<i64, UnitFigures>, StoreError> {
        let mut figures: HashMap<i64, UnitFigures> = HashMap::new();
        for (unit, progress) in self.progress_by_unit(visibility).await? {
            figures.entry(unit).or_default().total = progress;
        }
        // The year's instants as stored (UTC): 01/01 00:00 in Vietnam is 31/12 17:00 UTC.
        let (from, until) = (format!("{}-12-31T17:00:00Z", year - 1), format!("{year}-12-31T17:00:00Z"));
        let day = format!("{year}%");
        let giving = crate::accessions::in_scope_units(visibility, &["giving_unit_id"]);
        let units = crate::accessions::in_scope_units(visibility, &["f.unit_id"]);
        let sql = format!(
            "SELECT giving_unit_id AS unit_id, CAST(SUM(metres) AS BIGINT) AS n FROM accessions WHERE received_on LIKE $1 AND {giving} GROUP BY giving_unit_id"
        );
        for row in sqlx::query(AssertSqlSafe(sql)).bind(&day).fetch_all(&self.pool).await? {
            figures.entry(row.try_get("unit_id")?).or_default().received_in_year = row.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
        }
        let sql = format!(
            "SELECT f.unit_id, CAST(SUM(l.destroyed_metres) AS BIGINT) AS n FROM disposal_lists l JOIN fonds f ON f.id = l.fonds_id
             WHERE l.stage = 'da_huy' AND l.destroyed_on LIKE $1 AND {units} GROUP BY f.unit_id"
        );
        for row in sqlx::query(AssertSqlSafe(sql)).bind(&day).fetch_all(&self.pool).await? {
            figures.entry(row.try_get("unit_id")?).or_default().destroyed_in_year = row.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
        }
        // What counts hồ sơ counts only those the reader may see. Hồ sơ described in the year come
        // from the tallies kept per month (migration 26); signed copies are read by their day.
        let mut args = vec![Arg::Text(format!("{year}-%"))];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT f.unit_id, CAST(SUM(t.dossiers) AS BIGINT) AS a, 0 AS b
             FROM (SELECT * FROM fonds_tallies WHERE month LIKE $1 AND {visible}) t JOIN fonds f ON f.id = t.fonds_id GROUP BY f.unit_id"
        );
        let mut args_dated = vec![Arg::Text(from), Arg::Text(until)];
        let within = format!("d.id IN (SELECT id FROM dossiers WHERE {})", visible_dossiers(visibility, &mut args_dated));
        let grouped = |select: &str, from_where: &str| {
            format!("SELECT f.unit_id, {select} FROM {from_where} JOIN fonds f ON f.id = d.fonds_id WHERE {within} GROUP BY f.unit_id")
        };
        let queries = [
            (sql, &args),
            (
                grouped(
                    "CAST(SUM(r.pages) AS BIGINT) AS a, 0 AS b",
                    "(SELECT * FROM renditions WHERE created_at >= $1 AND created_at < $2) r JOIN dossiers d ON d.id = r.dossier_id",
                ),
                &args_dated,
            ),
            (
                grouped(
                    "CAST(SUM(CASE WHEN p.received_at >= $1 AND p.received_at < $2 THEN 1 ELSE 0 END) AS BIGINT) AS a, COUNT(*) AS b",
                    "package_receipts p JOIN dossiers d ON d.id = p.dossier_id",
                ),
                &args_dated,
            ),
        ];
        for (n, (sql, args)) in queries.into_iter().enumerate() {
            for row in bind_all(sqlx::query(AssertSqlSafe(sql)), args).fetch_all(&self.pool).await? {
                let entry = figures.entry(row.try_get("unit_id")?).or_default();
                let (a, b) = (row.try_get::<Option<i64>, _>("a")?.unwrap_or(0), row.try_get::<Option<i64>, _>("b")?.unwrap_or(0));
                match n {
                    0 => entry.dossiers_in_year = a,
                    1 => entry.pages_signed_in_year = a,
                    _ => (entry.packages_in_year, entry.packages) = (a, b),
                }
            }
        }
        Ok(figures)
    }
}
