//! Tiếp nhận: accessions and their totals.

use crate::{Store, StoreError};
use kho_model::ArchiveDate;
use kho_model::access::Visibility;
use kho_model::accession::{Accession, AccessionFields};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// Everything but the id, in insertion order.
const FIELDS: &str = "received_on, giving_unit_id, receiving_unit_id, giving_person, giving_position, receiving_person, receiving_position,
    material, start_year, end_year, bags, boxes, dossiers, metres, condition, basis, notes, created_by, items";

fn columns() -> String {
    format!("id, {FIELDS}")
}

fn from_row(row: &AnyRow) -> Result<Accession, StoreError> {
    let date = |column: &str| -> Result<Option<ArchiveDate>, StoreError> {
        match row.try_get::<Option<String>, _>(column)? {
            Some(text) => ArchiveDate::parse(&text).map(Some).ok_or_else(|| StoreError::Corrupt(format!("{column} “{text}”"))),
            None => Ok(None),
        }
    };
    let count = |column: &str| -> Result<Option<u32>, StoreError> { Ok(row.try_get::<Option<i64>, _>(column)?.map(|n| n as u32)) };
    Ok(Accession {
        id: row.try_get("id")?,
        fields: AccessionFields {
            received_on: date("received_on")?.ok_or_else(|| StoreError::Corrupt("received_on".into()))?,
            giving_unit_id: row.try_get("giving_unit_id")?,
            receiving_unit_id: row.try_get("receiving_unit_id")?,
            giving_person: row.try_get("giving_person")?,
            giving_position: row.try_get("giving_position")?,
            receiving_person: row.try_get("receiving_person")?,
            receiving_position: row.try_get("receiving_position")?,
            material: row.try_get("material")?,
            start_year: date("start_year")?,
            end_year: date("end_year")?,
            bags: count("bags")?,
            boxes: count("boxes")?,
            dossiers: count("dossiers")?,
            metres: row.try_get("metres")?,
            condition: row.try_get("condition")?,
            basis: row.try_get("basis")?,
            notes: row.try_get("notes")?,
            items: match row.try_get::<Option<String>, _>("items")? {
                Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("items: {e}")))?,
                None => Vec::new(),
            },
        },
        created_by: row.try_get("created_by")?,
    })
}

impl Store {
    pub async fn create_accession(&self, fields: &AccessionFields, created_by: &str) -> Result<i64, StoreError> {
        for unit in [fields.giving_unit_id, fields.receiving_unit_id] {
            self.unit(unit).await?;
        }
        let sql = format!(
            "INSERT INTO accessions ({FIELDS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id"
        );
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(AssertSqlSafe(sql))
            .bind(fields.received_on.sortable())
            .bind(fields.giving_unit_id)
            .bind(fields.receiving_unit_id)
            .bind(&fields.giving_person)
            .bind(fields.giving_position.clone())
            .bind(&fields.receiving_person)
            .bind(fields.receiving_position.clone())
            .bind(&fields.material)
            .bind(fields.start_year.map(|d| d.sortable()))
            .bind(fields.end_year.map(|d| d.sortable()))
            .bind(fields.bags.map(i64::from))
            .bind(fields.boxes.map(i64::from))
            .bind(fields.dossiers.map(i64::from))
            .bind(fields.metres)
            .bind(fields.condition.clone())
            .bind(fields.basis.clone())
            .bind(fields.notes.clone())
            .bind(created_by)
            .bind((!fields.items.is_empty()).then(|| serde_json::to_string(&fields.items).expect("items serialise")))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        self.commit(tx, Some(id)).await?;
        Ok(id)
    }

    pub async fn accession(&self, id: i64) -> Result<Accession, StoreError> {
        let sql = format!("SELECT {} FROM accessions WHERE id = $1", columns());
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        from_row(&row.ok_or(StoreError::NotFound("biên bản giao nhận"))?)
    }

    /// Accessions whose giving or receiving unit is in scope, newest first.
    pub async fn list_accessions(&self, visibility: &Visibility) -> Result<Vec<Accession>, StoreError> {
        let condition = visible_accessions(visibility);
        let sql = format!("SELECT {} FROM accessions WHERE {condition} ORDER BY received_on DESC, id DESC", columns());
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }
}

/// The SQL condition on `accessions` that keeps those whose giving or receiving unit is in scope.
pub(crate) fn visible_accessions(visibility: &Visibility) -> String {
    in_scope_units(visibility, &["giving_unit_id", "receiving_unit_id"])
}

/// The SQL condition that keeps rows one of whose `columns` names a unit in scope.
pub(crate) fn in_scope_units(visibility: &Visibility, columns: &[&str]) -> String {
    if visibility.all_units {
        "1 = 1".to_string()
    } else if visibility.units.is_empty() {
        "1 = 0".to_string()
    } else {
        let ids = visibility.units.iter().map(|u| u.to_string()).collect::<Vec<_>>().join(", ");
        let each: Vec<String> = columns.iter().map(|c| format!("{c} IN ({ids})")).collect();
        format!("({})", each.join(" OR "))
    }
}
