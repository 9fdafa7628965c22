//! The plan in the catalogue: importing it (all or nothing, units created as needed) and reading
//! it back as the model's [`Plan`], so its checks run on what is stored.

use crate::{Store, StoreError};
use kho_model::plan::{CommuneTarget, DistrictTarget, Metres, Plan, PlanMeta, Recurrence, Task, TaskGroup};
use kho_model::record::Unit;
use kho_model::{AgencyCode, UnitKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A plan as stored, with the id of the unit behind each target row.
#[derive(Debug, Clone, Serialize)]
pub struct StoredPlan {
    pub plan: Plan,
    pub imported_at: String,
    pub district_units: Vec<i64>,
    pub commune_units: Vec<i64>,
}

/// One unit's line in the plan, for the unit page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetRow {
    pub level: String,
    pub ordinal: i64,
    pub bags: Option<i64>,
    pub metres: Metres,
    pub secret_metres: Metres,
    pub metres_before_rounding: Option<Metres>,
    pub note: Option<String>,
}

fn group_code(group: TaskGroup) -> &'static str {
    match group {
        TaskGroup::District => "cap_huyen",
        TaskGroup::Commune => "cap_xa",
        TaskGroup::Common => "chung",
    }
}

fn recurrence_code(recurrence: Recurrence) -> &'static str {
    match recurrence {
        Recurrence::YearlyBy15December => "hang_nam_15_12",
        Recurrence::Yearly => "hang_nam",
        Recurrence::Continuous => "thuong_xuyen",
        Recurrence::Periodic => "dinh_ky",
    }
}

async fn unit_id_for(tx: &mut Transaction<'_, Any>, name: &str, kind: UnitKind) -> Result<i64, StoreError> {
    if let Some(row) = sqlx::query("SELECT id FROM units WHERE name = $1").bind(name).fetch_optional(&mut **tx).await? {
        return Ok(row.get(0));
    }
    // Former districts were dissolved when the district level was abolished (NQ 202/2025/QH15).
    let dissolved_on = kind.is_former_district().then_some("2025-07-01");
    let row = sqlx::query("INSERT INTO units (name, kind, dissolved_on) VALUES ($1, $2, $3) RETURNING id")
        .bind(name)
        .bind(kind.code())
        .bind(dissolved_on)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.get(0))
}

fn unit_from_row(row: &AnyRow) -> Result<Unit, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Unit {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: UnitKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị “{kind}”")))?,
        agency_code: row.try_get::<Option<String>, _>("agency_code")?.and_then(|c| AgencyCode::parse(&c)),
        old_admin_code: row.try_get("old_admin_code")?,
        new_admin_code: row.try_get("new_admin_code")?,
        dissolved_on: row.try_get("dissolved_on")?,
        successor_id: row.try_get("successor_id")?,
        parent_body: row.try_get("parent_body")?,
    })
}

fn unknown_successor() -> StoreError {
    StoreError::Conflict(kho_model::FieldError::new("successorId", "unknown_unit", "Đơn vị kế thừa không có trong danh sách đơn vị."))
}

fn unit_conflict(error: sqlx::Error, unit: &kho_model::record::NewUnit) -> StoreError {
    if StoreError::is_unique_violation(&error) {
        StoreError::Conflict(kho_model::FieldError::new(
            "name",
            "duplicate_unit",
            format!("Đơn vị “{}” hoặc mã định danh của nó đã có.", unit.name),
        ))
    } else {
        error.into()
    }
}

const UNIT_COLUMNS: &str = "id, name, kind, agency_code, old_admin_code, new_admin_code, dissolved_on, successor_id, parent_body";

impl Store {
    /// Replaces the plan with `plan`, creating the units it names. All or nothing.
    pub async fn import_plan(&self, plan: &Plan) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM plans").execute(&mut *tx).await?;
        let m = &plan.meta;
        let plan_id: i64 = sqlx::query(
            "INSERT INTO plans (name, issuer, province, repository, district_bags_stated, district_metres_stated, district_deadline,
                commune_metres_stated, commune_secret_metres_stated, commune_deadline, commune_priority_phase, commune_extended_phase,
                annual_report_day, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(&m.name)
        .bind(&m.issuer)
        .bind(&m.province)
        .bind(&m.repository)
        .bind(m.district_bags_stated)
        .bind(m.district_metres_stated.hundredths())
        .bind(&m.district_deadline)
        .bind(m.commune_metres_stated.hundredths())
        .bind(m.commune_secret_metres_stated.hundredths())
        .bind(&m.commune_deadline)
        .bind(&m.commune_priority_phase)
        .bind(&m.commune_extended_phase)
        .bind(&m.annual_report_day)
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let insert_target =
            "INSERT INTO plan_targets (plan_id, unit_id, level, ordinal, bags, metres, secret_metres, metres_before_rounding, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        for d in &plan.districts {
            let unit_id = unit_id_for(&mut tx, &d.name, d.kind).await?;
            sqlx::query(insert_target)
                .bind(plan_id)
                .bind(unit_id)
                .bind("district")
                .bind(d.ordinal as i64)
                .bind(Some(d.bags))
                .bind(d.metres.hundredths())
                .bind(0_i64)
                .bind(None::<i64>)
                .bind(None::<String>)
                .execute(&mut *tx)
                .await?;
        }
        for c in &plan.communes {
            let unit_id = unit_id_for(&mut tx, &c.name, c.kind).await?;
            sqlx::query(insert_target)
                .bind(plan_id)
                .bind(unit_id)
                .bind("commune")
                .bind(c.ordinal as i64)
                .bind(None::<i64>)
                .bind(c.metres.hundredths())
                .bind(c.secret_metres.hundredths())
                .bind(c.metres_before_rounding.map(Metres::hundredths))
                .bind(c.note.clone())
                .execute(&mut *tx)
                .await?;
        }
        for t in &plan.tasks {
            sqlx::query(
                "INSERT INTO plan_tasks (plan_id, task_group, ordinal, title, product, owner, co_agencies, period, starts_on, due_on, recurrence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(plan_id)
            .bind(group_code(t.group))
            .bind(t.ordinal as i64)
            .bind(&t.title)
            .bind(&t.product)
            .bind(&t.owner)
            .bind(t.co_agencies.clone())
            .bind(&t.period)
            .bind(&t.starts_on)
            .bind(&t.due_on)
            .bind(t.recurrence.map(recurrence_code))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The stored plan, if one was imported.
    pub async fn plan(&self) -> Result<Option<StoredPlan>, StoreError> {
        let Some(p) = sqlx::query("SELECT * FROM plans ORDER BY id DESC LIMIT 1").fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let plan_id: i64 = p.try_get("id")?;
        let metres = |column: &str| -> Result<Metres, StoreError> { Ok(Metres::from_hundredths(p.try_get(column)?)) };
        let meta = PlanMeta {
            name: p.try_get("name")?,
            issuer: p.try_get("issuer")?,
            province: p.try_get("province")?,
            repository: p.try_get("repository")?,
            district_bags_stated: p.try_get("district_bags_stated")?,
            district_metres_stated: metres("district_metres_stated")?,
            district_deadline: p.try_get("district_deadline")?,
            commune_metres_stated: metres("commune_metres_stated")?,
            commune_secret_metres_stated: metres("commune_secret_metres_stated")?,
            commune_deadline: p.try_get("commune_deadline")?,
            commune_priority_phase: p.try_get("commune_priority_phase")?,
            commune_extended_phase: p.try_get("commune_extended_phase")?,
            annual_report_day: p.try_get("annual_report_day")?,
        };
        let rows = sqlx::query(
            "SELECT t.level, t.ordinal, t.bags, t.metres, t.secret_metres, t.metres_before_rounding, t.note, u.id AS unit_id, u.name, u.kind
             FROM plan_targets t JOIN units u ON u.id = t.unit_id WHERE t.plan_id = $1 ORDER BY t.level DESC, t.ordinal",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        let (mut districts, mut communes, mut district_units, mut commune_units) = (vec![], vec![], vec![], vec![]);
        for row in &rows {
            let level: String = row.try_get("level")?;
            let kind: String = row.try_get("kind")?;
            let kind = UnitKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị “{kind}”")))?;
            let ordinal = row.try_get::<i64, _>("ordinal")? as u32;
            let name: String = row.try_get("name")?;
            let metres = Metres::from_hundredths(row.try_get("metres")?);
            if level == "district" {
                districts.push(DistrictTarget { ordinal, name, kind, bags: row.try_get::<Option<i64>, _>("bags")?.unwrap_or(0), metres });
                district_units.push(row.try_get("unit_id")?);
            } else {
                communes.push(CommuneTarget {
                    ordinal,
                    name,
                    kind,
                    secret_metres: Metres::from_hundredths(row.try_get("secret_metres")?),
                    metres,
                    metres_before_rounding: row.try_get::<Option<i64>, _>("metres_before_rounding")?.map(Metres::from_hundredths),
                    note: row.try_get("note")?,
                });
                commune_units.push(row.try_get("unit_id")?);
            }
        }
        let task_rows = sqlx::query("SELECT * FROM plan_tasks WHERE plan_id = $1 ORDER BY id").bind(plan_id).fetch_all(&self.pool).await?;
        let mut tasks = Vec::with_capacity(task_rows.len());
        for row in &task_rows {
            let group: String = row.try_get("task_group")?;
            let recurrence: Option<String> = row.try_get("recurrence")?;
            tasks.push(Task {
                group: [TaskGroup::District, TaskGroup::Commune, TaskGroup::Common]
                    .into_iter()
                    .find(|g| group_code(*g) == group)
                    .ok_or_else(|| StoreError::Corrupt(format!("nhóm nhiệm vụ “{group}”")))?,
                ordinal: row.try_get::<i64, _>("ordinal")? as u32,
                title: row.try_get("title")?,
                product: row.try_get("product")?,
                owner: row.try_get("owner")?,
                co_agencies: row.try_get("co_agencies")?,
                period: row.try_get("period")?,
                starts_on: row.try_get("starts_on")?,
                due_on: row.try_get("due_on")?,
                recurrence: recurrence.and_then(|r| {
                    [Recurrence::YearlyBy15December, Recurrence::Yearly, Recurrence::Continuous, Recurrence::Periodic]
                        .into_iter()
                        .find(|x| recurrence_code(*x) == r)
                }),
            });
        }
        Ok(Some(StoredPlan {
            plan: Plan { meta, districts, communes, tasks },
            imported_at: p.try_get("imported_at")?,
            district_units,
            commune_units,
        }))
    }

    pub async fn units(&self) -> Result<Vec<Unit>, StoreError> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units ORDER BY name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(unit_from_row).collect()
    }

    pub async fn unit(&self, id: i64) -> Result<Unit, StoreError> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        unit_from_row(&row.ok_or(StoreError::NotFound("đơn vị"))?)
    }

    /// Creates a unit (the province archive, an agency) that no plan names.
    pub async fn create_unit(&self, unit: &kho_model::record::NewUnit) -> Result<i64, StoreError> {
        if let Some(successor) = unit.successor_id {
            self.unit(successor).await.map_err(|_| unknown_successor())?;
        }
        let mut tx = self.begin().await?;
        let result = bind_unit(
            sqlx::query(
                "INSERT INTO units (name, kind, agency_code, old_admin_code, new_admin_code, dissolved_on, successor_id, parent_body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            ),
            unit,
        )
        .fetch_one(&mut *tx)
        .await;
        match result {
            Ok(row) => {
                let id: i64 = row.get(0);
                self.commit(tx, Some(id)).await?;
                Ok(id)
            }
            Err(e) => Err(unit_conflict(e, unit)),
        }
    }

    /// The units a unit carries on: those merged or dissolved into it, and theirs in turn.
    pub async fn predecessors(&self, unit_ids: &std::collections::BTreeSet<i64>) -> Result<std::collections::BTreeSet<i64>, StoreError> {
        let mut found = std::collections::BTreeSet::new();
        let mut frontier: Vec<i64> = unit_ids.iter().copied().collect();
        while !frontier.is_empty() {
            let placeholders = (1..=frontier.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT id FROM units WHERE successor_id IN ({placeholders})");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in &frontier {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&self.pool).await?;
            frontier = vec![];
            for row in rows {
                let id: i64 = row.try_get(0)?;
                if !unit_ids.contains(&id) && found.insert(id) {
                    frontier.push(id);
                }
            }
        }
        Ok(found)
    }

    /// Rewrites a unit's description. Its mã định danh cannot change once an open fonds of the
    /// unit has hồ sơ: their mã hồ sơ begin with it.
    pub async fn update_unit(&self, id: i64, unit: &kho_model::record::NewUnit) -> Result<(), StoreError> {
        let current = self.unit(id).await?;
        if let Some(successor) = unit.successor_id {
            self.unit(successor).await.map_err(|_| unknown_successor())?;
        }
        if current.agency_code != unit.agency_code {
            let used: i64 =
                sqlx::query("SELECT COUNT(*) FROM dossiers d JOIN fonds f ON f.id = d.fonds_id WHERE f.unit_id = $1 AND f.status = $2")
                    .bind(id)
                    .bind(kho_model::FondsStatus::Open.code())
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?;
            if used > 0 {
                return Err(StoreError::Conflict(kho_model::FieldError::new(
                    "agencyCode",
                    "agency_code_in_use",
                    format!("Mã định danh đã đứng đầu mã của {used} hồ sơ thuộc phông mở của đơn vị; không đổi được."),
                )));
            }
        }
        let mut tx = self.begin().await?;
        let result = bind_unit(
            sqlx::query(
                "UPDATE units SET name = $1, kind = $2, agency_code = $3, old_admin_code = $4, new_admin_code = $5, dissolved_on = $6, successor_id = $7, parent_body = $8 WHERE id = $9",
            ),
            unit,
        )
        .bind(id)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => self.commit(tx, Some(id)).await,
            Err(e) => Err(unit_conflict(e, unit)),
        }
    }

    /// The unit's line in the plan, if the plan names it.
    pub async fn unit_target(&self, unit_id: i64) -> Result<Option<TargetRow>, StoreError> {
        let row = sqlx::query(
            "SELECT level, ordinal, bags, metres, secret_metres, metres_before_rounding, note FROM plan_targets WHERE unit_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(unit_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(TargetRow {
            level: row.try_get("level")?,
            ordinal: row.try_get("ordinal")?,
            bags: row.try_get("bags")?,
            metres: Metres::from_hundredths(row.try_get("metres")?),
            secret_metres: Metres::from_hundredths(row.try_get("secret_metres")?),
            metres_before_rounding: row.try_get::<Option<i64>, _>("metres_before_rounding")?.map(Metres::from_hundredths),
            note: row.try_get("note")?,
        }))
    }
}

impl Store {
    /// Replaces the whole retention schedule. All or nothing.
    pub async fn replace_retention(&self, rules: &[kho_model::retention::RetentionRule]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM retention_rules").execute(&mut *tx).await?;
        for (position, rule) in rules.iter().enumerate() {
            sqlx::query(
                "INSERT INTO retention_rules (position, source, rule_group, item_no, title, retention, years, maintenance, confidence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(position as i64)
            .bind(&rule.source)
            .bind(&rule.group)
            .bind(rule.item_no.clone())
            .bind(&rule.title)
            .bind(&rule.retention)
            .bind(rule.years.map(i64::from))
            .bind(rule.maintenance.code())
            .bind(&rule.confidence)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn retention_rules(&self) -> Result<Vec<kho_model::retention::RetentionRule>, StoreError> {
        let rows = sqlx::query(
            "SELECT source, rule_group, item_no, title, retention, years, maintenance, confidence FROM retention_rules ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let code: String = row.try_get("maintenance")?;
                Ok(kho_model::retention::RetentionRule {
                    source: row.try_get("source")?,
                    group: row.try_get("rule_group")?,
                    item_no: row.try_get("item_no")?,
                    title: row.try_get("title")?,
                    retention: row.try_get("retention")?,
                    years: row.try_get::<Option<i64>, _>("years")?.map(|y| y as u16),
                    maintenance: kho_model::Maintenance::from_code(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("mã thời hạn “{code}”")))?,
                    confidence: row.try_get("confidence")?,
                })
            })
            .collect()
    }
}

/// Binds a unit's description as $1…$8 (name, kind, agency_code, old_admin_code, new_admin_code,
/// dissolved_on, successor_id, parent_body), the order both the insert and the update use.
fn bind_unit<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    unit: &'q kho_model::record::NewUnit,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(unit.agency_code.as_ref().map(|c| c.to_string()))
        .bind(unit.old_admin_code.clone())
        .bind(unit.new_admin_code.clone())
        .bind(unit.dissolved_on.clone())
        .bind(unit.successor_id)
        .bind(unit.parent_body.clone())
}
