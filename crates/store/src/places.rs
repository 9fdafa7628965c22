//! Where things stand: kho → giá → khoang → tầng, and the hộp of each fonds on them.

use crate::catalogue::{Arg, bind_all, visible_dossiers};
use crate::{Store, StoreError};
use kho_model::FieldError;
use kho_model::access::Visibility;
use kho_model::record::{Location, LocationKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

fn kind_code(kind: LocationKind) -> &'static str {
    match kind {
        LocationKind::Repository => "kho",
        LocationKind::Shelving => "gia",
        LocationKind::Bay => "khoang",
        LocationKind::Shelf => "tang",
    }
}

pub fn kind_from_code(code: &str) -> Option<LocationKind> {
    [LocationKind::Repository, LocationKind::Shelving, LocationKind::Bay, LocationKind::Shelf].into_iter().find(|k| kind_code(*k) == code)
}

pub fn kind_label(kind: LocationKind) -> &'static str {
    match kind {
        LocationKind::Repository => "Kho",
        LocationKind::Shelving => "Giá",
        LocationKind::Bay => "Khoang",
        LocationKind::Shelf => "Tầng",
    }
}

fn location_from_row(row: &AnyRow) -> Result<Location, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Location {
        id: row.try_get("id")?,
        parent_id: row.try_get("parent_id")?,
        kind: kind_from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại vị trí “{kind}”")))?,
        name: row.try_get("name")?,
    })
}

/// A hộp of a fonds with what it holds.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BoxRow {
    pub id: i64,
    pub number: u32,
    pub location_id: Option<i64>,
    pub thickness_mm: Option<u32>,
    pub dossiers: i64,
    pub first_number: Option<u32>,
    pub last_number: Option<u32>,
    pub first_year: Option<i64>,
    pub last_year: Option<i64>,
}

impl Store {
    pub async fn locations(&self) -> Result<Vec<Location>, StoreError> {
        let rows = sqlx::query("SELECT id, parent_id, kind, name FROM locations ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter().map(location_from_row).collect()
    }

    /// Adds a place: a kho at the top, a giá in a kho, a khoang in a giá, a tầng in a giá or khoang.
    pub async fn create_location(&self, parent_id: Option<i64>, kind: LocationKind, name: &str) -> Result<i64, StoreError> {
        let parent_kind = match parent_id {
            Some(p) => Some(self.locations().await?.into_iter().find(|l| l.id == p).ok_or(StoreError::NotFound("vị trí"))?.kind),
            None => None,
        };
        let fits = matches!(
            (kind, parent_kind),
            (LocationKind::Repository, None)
                | (LocationKind::Shelving, Some(LocationKind::Repository))
                | (LocationKind::Bay, Some(LocationKind::Shelving))
                | (LocationKind::Shelf, Some(LocationKind::Shelving | LocationKind::Bay))
        );
        if !fits {
            return Err(StoreError::Conflict(FieldError::new(
                "parentId",
                "wrong_place",
                format!(
                    "{} phải nằm trong {}.",
                    kind_label(kind),
                    match kind {
                        LocationKind::Repository => "không vị trí nào (kho là cấp cao nhất)",
                        LocationKind::Shelving => "một kho",
                        LocationKind::Bay => "một giá",
                        LocationKind::Shelf => "một giá hoặc một khoang",
                    }
                ),
            )));
        }
        Ok(sqlx::query("INSERT INTO locations (parent_id, kind, name) VALUES ($1, $2, $3) RETURNING id")
            .bind(parent_id)
            .bind(kind_code(kind))
            .bind(name)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    /// Every place with its path ("Kho 1 › Giá 3 › Tầng 2"), in the order of their paths: one
    /// read, however many boxes stand on them.
    pub async fn location_paths(&self) -> Result<Vec<(Location, String)>, StoreError> {
        let all = self.locations().await?;
        let by_id: std::collections::HashMap<i64, &Location> = all.iter().map(|l| (l.id, l)).collect();
        let mut out: Vec<(Location, String)> = all
            .iter()
            .map(|place| {
                let mut parts = Vec::new();
                let mut current = Some(place);
                // A place is never its own ancestor; the depth bound only guards a damaged table.
                while let Some(p) = current.filter(|_| parts.len() < 8) {
                    parts.push(format!("{} {}", kind_label(p.kind), p.name));
                    current = p.parent_id.and_then(|id| by_id.get(&id).copied());
                }
                parts.reverse();
                (place.clone(), parts.join(" › "))
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// "Kho 1 › Giá 3 › Tầng 2" for a place.
    pub async fn location_path(&self, id: i64) -> Result<String, StoreError> {
        Ok(self.location_paths().await?.into_iter().find(|(l, _)| l.id == id).map(|(_, path)| path).unwrap_or_default())
    }

    /// The boxes of a fonds, each with what it holds of what `visibility` allows (a box of a secret
    /// hồ sơ shows empty to the uncleared).
    pub async fn boxes(&self, visibility: &Visibility, fonds_id: i64) -> Result<Vec<BoxRow>, StoreError> {
        let mut args = vec![Arg::Int(fonds_id)];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT b.id, b.number, b.location_id, b.thickness_mm, COUNT(d.id) AS dossiers, MIN(d.number) AS first_number, MAX(d.number) AS last_number,
                    MIN(d.year) AS first_year, MAX(d.year) AS last_year
             FROM boxes b LEFT JOIN dossiers d ON d.box_id = b.id AND d.id IN (SELECT id FROM dossiers WHERE {visible}) WHERE b.fonds_id = $1
             GROUP BY b.id, b.number, b.location_id, b.thickness_mm ORDER BY b.number"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(BoxRow {
                    id: r.try_get("id")?,
                    number: r.try_get::<i64, _>("number")? as u32,
                    location_id: r.try_get("location_id")?,
                    thickness_mm: r.try_get::<Option<i64>, _>("thickness_mm")?.map(|t| t as u32),
                    dossiers: r.try_get("dossiers")?,
                    first_number: r.try_get::<Option<i64>, _>("first_number")?.map(|n| n as u32),
                    last_number: r.try_get::<Option<i64>, _>("last_number")?.map(|n| n as u32),
                    first_year: r.try_get("first_year")?,
                    last_year: r.try_get("last_year")?,
                })
            })
            .collect()
    }

    /// Creates or updates hộp `number` of a fonds and puts hồ sơ số `from..=to` of a mục lục in
    /// it. All or nothing.
    pub async fn fill_box(
        &self,
        fonds_id: i64,
        number: u32,
        location_id: Option<i64>,
        thickness_mm: Option<u32>,
        inventory_id: Option<i64>,
        range: Option<(u32, u32)>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let existing = sqlx::query("SELECT id FROM boxes WHERE fonds_id = $1 AND number = $2")
            .bind(fonds_id)
            .bind(number as i64)
            .fetch_optional(&mut *tx)
            .await?;
        let box_id: i64 = match existing {
            Some(row) => {
                let id: i64 = row.try_get(0)?;
                sqlx::query("UPDATE boxes SET location_id = $1, thickness_mm = $2 WHERE id = $3")
                    .bind(location_id)
                    .bind(thickness_mm.map(i64::from))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            None => sqlx::query("INSERT INTO boxes (fonds_id, number, location_id, thickness_mm) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(fonds_id)
                .bind(number as i64)
                .bind(location_id)
                .bind(thickness_mm.map(i64::from))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?,
        };
        if let (Some(inventory), Some((from, to))) = (inventory_id, range) {
            let moved =
                sqlx::query("UPDATE dossiers SET box_id = $1 WHERE inventory_id = $2 AND fonds_id = $3 AND number BETWEEN $4 AND $5")
                    .bind(box_id)
                    .bind(inventory)
                    .bind(fonds_id)
                    .bind(from as i64)
                    .bind(to as i64)
                    .execute(&mut *tx)
                    .await?;
            if moved.rows_affected() == 0 {
                return Err(StoreError::Conflict(FieldError::new(
                    "from",
                    "no_dossiers",
                    format!("Mục lục không có hồ sơ số nào từ {from} đến {to}; hãy đánh số hồ sơ trước."),
                )));
            }
        }
        tx.commit().await?;
        Ok(box_id)
    }

    /// Where a hồ sơ stands: its box and the box's place, if known.
    pub async fn dossier_place(&self, box_id: i64) -> Result<(u32, Option<String>), StoreError> {
        let row = sqlx::query("SELECT number, location_id FROM boxes WHERE id = $1").bind(box_id).fetch_one(&self.pool).await?;
        let place = match row.try_get::<Option<i64>, _>("location_id")? {
            Some(l) => Some(self.location_path(l).await?),
            None => None,
        };
        Ok((row.try_get::<i64, _>("number")? as u32, place))
    }

    /// Totals for the plan's figures, per fonds: boxes and their metres after chỉnh lý, and of
    /// what `visibility` allows, hồ sơ, văn bản, hồ sơ destroyed and proposed.
    pub async fn fonds_statistics(&self, visibility: &Visibility, fonds_id: i64) -> Result<FondsStatistics, StoreError> {
        let mut args = vec![Arg::Int(fonds_id)];
        let visible = visible_dossiers(visibility, &mut args);
        let count = |sql: String, args: Vec<Arg>| async move {
            let row = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_one(&self.pool).await?;
            Ok::<i64, StoreError>(row.try_get::<Option<i64>, _>(0)?.unwrap_or(0))
        };
        let dossiers = |condition: &str| format!("SELECT COUNT(*) FROM dossiers WHERE fonds_id = $1 AND {visible}{condition}");
        let mut document_args = args.clone();
        document_args.push(Arg::Int(visibility.clearance));
        let documents = format!(
            "SELECT COUNT(*) FROM documents WHERE dossier_id IN (SELECT id FROM dossiers WHERE fonds_id = $1 AND {visible}) AND classification <= ${}",
            document_args.len()
        );
        Ok(FondsStatistics {
            boxes: count("SELECT COUNT(*) FROM boxes WHERE fonds_id = $1".into(), vec![Arg::Int(fonds_id)]).await?,
            thickness_mm: count("SELECT CAST(SUM(thickness_mm) AS BIGINT) FROM boxes WHERE fonds_id = $1".into(), vec![Arg::Int(fonds_id)])
                .await?,
            dossiers: count(dossiers(""), args.clone()).await?,
            documents: count(documents, document_args).await?,
            destroyed: count(dossiers(" AND disposal = 'da_huy'"), args.clone()).await?,
            proposed: count(dossiers(" AND disposal = 'xem_xet_huy'"), args.clone()).await?,
            destroyed_metres: count(
                "SELECT CAST(SUM(destroyed_metres) AS BIGINT) FROM disposal_lists WHERE fonds_id = $1 AND stage = 'da_huy'".into(),
                vec![Arg::Int(fonds_id)],
            )
            .await?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FondsStatistics {
    pub boxes: i64,
    pub thickness_mm: i64,
    pub dossiers: i64,
    pub documents: i64,
    pub destroyed: i64,
    /// Mét giá destroyed, in hundredths, as the biên bản hủy recorded.
    pub destroyed_metres: i64,
    pub proposed: i64,
}

/// What a unit has done against its line of the plan.
#[derive(Debug, Clone, Serialize, Default)]
pub struct UnitProgress {
    /// Mét giá received (biên bản giao nhận where the unit gave), in hundredths.
    pub received: i64,
    pub boxes: i64,
    /// Mét giá after chỉnh lý, from box thickness, in hundredths.
    pub arranged: i64,
    pub dossiers: i64,
    pub documents: i64,
    pub destroyed: i64,
    /// Mét giá destroyed (as the biên bản hủy recorded), in hundredths.
    pub destroyed_metres: i64,
    /// Pages scanned, checked and read (số hóa), of hồ sơ counted as `visibility` allows.
    pub pages_scanned: i64,
}

impl Store {
    /// Progress of the units in scope (another commune's figures are not the clerk's to read), in
    /// grouped queries; hồ sơ counted as `visibility` allows.
    pub async fn progress_by_unit(&self, visibility: &Visibility) -> Result<std::collections::HashMap<i64, UnitProgress>, StoreError> {
        let mut progress: std::collections::HashMap<i64, UnitProgress> = std::collections::HashMap::new();
        let giving = crate::accessions::in_scope_units(visibility, &["giving_unit_id"]);
        let units = crate::accessions::in_scope_units(visibility, &["f.unit_id"]);
        let sql = format!("SELECT giving_unit_id, CAST(SUM(metres) AS BIGINT) AS m FROM accessions WHERE {giving} GROUP BY giving_unit_id");
        let received = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        for row in received {
            progress.entry(row.try_get("giving_unit_id")?).or_default().received = row.try_get::<Option<i64>, _>("m")?.unwrap_or(0);
        }
        let sql = format!(
            "SELECT f.unit_id, COUNT(b.id) AS n, CAST(SUM(b.thickness_mm) AS BIGINT) AS mm FROM boxes b JOIN fonds f ON f.id = b.fonds_id WHERE {units} GROUP BY f.unit_id"
        );
        let boxes = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        for row in boxes {
            let entry = progress.entry(row.try_get("unit_id")?).or_default();
            entry.boxes = row.try_get("n")?;
            entry.arranged = row.try_get::<Option<i64>, _>("mm")?.unwrap_or(0) / 10;
        }
        let sql = format!(
            "SELECT f.unit_id, CAST(SUM(l.destroyed_metres) AS BIGINT) AS m FROM disposal_lists l JOIN fonds f ON f.id = l.fonds_id
             WHERE l.stage = 'da_huy' AND {units} GROUP BY f.unit_id"
        );
        let destroyed = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        for row in destroyed {
            progress.entry(row.try_get("unit_id")?).or_default().destroyed_metres = row.try_get::<Option<i64>, _>("m")?.unwrap_or(0);
        }
        // Hồ sơ and pages from the tallies the triggers keep (migrations 20, 26), filtered by
        // the same condition as the hồ sơ themselves: a few rows per fonds, whatever its size.
        let mut args = Vec::new();
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT f.unit_id, CAST(SUM(t.dossiers) AS BIGINT) AS n, CAST(SUM(t.destroyed) AS BIGINT) AS destroyed,
                    CAST(SUM(t.documents) AS BIGINT) AS documents
             FROM (SELECT * FROM fonds_tallies WHERE {visible}) t JOIN fonds f ON f.id = t.fonds_id GROUP BY f.unit_id"
        );
        for row in bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await? {
            let entry = progress.entry(row.try_get("unit_id")?).or_default();
            entry.dossiers = row.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
            entry.destroyed = row.try_get::<Option<i64>, _>("destroyed")?.unwrap_or(0);
            entry.documents = row.try_get::<Option<i64>, _>("documents")?.unwrap_or(0);
        }
        let sql = format!(
            "SELECT f.unit_id, CAST(SUM(t.pages_done) AS BIGINT) AS n
             FROM (SELECT * FROM batch_tallies WHERE {visible}) t JOIN fonds f ON f.id = t.fonds_id GROUP BY f.unit_id"
        );
        for row in bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await? {
            progress.entry(row.try_get("unit_id")?).or_default().pages_scanned = row.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
        }
        Ok(progress)
    }
}
