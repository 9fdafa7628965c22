//! Fonds, mục lục, hồ sơ and văn bản: create, read, update, list.
//!
//! Stored columns are read back through the model's parsers, so a row edited behind Kho's back
//! surfaces as [`StoreError::Corrupt`] instead of an invalid value.

use crate::{Store, StoreError};
use kho_model::access::{FondsPlace, Visibility};
use kho_model::record::{
    Document, DocumentFields, Dossier, DossierContext, DossierFields, Fonds, FondsFields, Inventory, InventoryFields, Unit,
};
use kho_model::{
    ArchiveDate, Classification, ConfidenceLevel, DocumentType, DossierCode, FieldError, FondsCode, FondsStatus, Languages, Maintenance,
    Mode, PhysicalState, RiskRecoveryStatus, text,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} “{value}”"))
}

fn parse_code<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    let value: String = row.try_get(column)?;
    parse(&value).ok_or_else(|| corrupt(column, &value))
}

fn parse_optional_code<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, StoreError> {
    match row.try_get::<Option<String>, _>(column)? {
        Some(value) => parse(&value).map(Some).ok_or_else(|| corrupt(column, &value)),
        None => Ok(None),
    }
}

fn languages(row: &AnyRow) -> Result<Languages, StoreError> {
    let value: String = row.try_get("language")?;
    Languages::try_from(value.clone()).map_err(|_| corrupt("language", &value))
}

fn classification(row: &AnyRow) -> Result<Classification, StoreError> {
    let level: i64 = row.try_get("classification")?;
    Classification::from_level(level).ok_or_else(|| corrupt("classification", &level.to_string()))
}

fn conflict(field: &str, code: &'static str, message: String) -> StoreError {
    StoreError::Conflict(FieldError::new(field, code, message))
}

// ---- fonds ----

const FONDS_COLUMNS: &str =
    "id, code, name, unit_id, status, history, start_date, end_date, custodian_unit_id, language, classification, description";

fn fonds_from_row(row: &AnyRow) -> Result<Fonds, StoreError> {
    Ok(Fonds {
        id: row.try_get("id")?,
        fields: FondsFields {
            code: parse_code(row, "code", FondsCode::parse)?,
            name: row.try_get("name")?,
            unit_id: row.try_get("unit_id")?,
            status: parse_code(row, "status", FondsStatus::from_code)?,
            history: row.try_get("history")?,
            start_date: parse_optional_code(row, "start_date", ArchiveDate::parse)?,
            end_date: parse_optional_code(row, "end_date", ArchiveDate::parse)?,
            custodian_unit_id: row.try_get("custodian_unit_id")?,
            language: languages(row)?,
            classification: classification(row)?,
            description: row.try_get("description")?,
        },
    })
}

impl Store {
    /// The fonds `visibility` allows, by code.
    pub async fn list_fonds(&self, visibility: &Visibility) -> Result<Vec<Fonds>, StoreError> {
        let mut args = Vec::new();
        let condition = visible_fonds(visibility, &mut args);
        let sql = format!("SELECT {FONDS_COLUMNS} FROM fonds WHERE id IN ({condition}) ORDER BY code");
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(fonds_from_row).collect()
    }

    /// The visible fonds a unit created or keeps.
    pub async fn list_fonds_of_unit(&self, visibility: &Visibility, unit_id: i64) -> Result<Vec<Fonds>, StoreError> {
        let mut args = vec![Arg::Int(unit_id)];
        let condition = visible_fonds(visibility, &mut args);
        let sql = format!(
            "SELECT {FONDS_COLUMNS} FROM fonds WHERE (unit_id = $1 OR custodian_unit_id = $1) AND id IN ({condition}) ORDER BY code"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(fonds_from_row).collect()
    }

    pub async fn fonds_by_code(&self, code: &str) -> Result<Fonds, StoreError> {
        let sql = format!("SELECT {FONDS_COLUMNS} FROM fonds WHERE code = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(code).fetch_optional(&self.pool).await?;
        fonds_from_row(&row.ok_or(StoreError::NotFound("phông"))?)
    }

    /// The hồ sơ of a fonds still to be digitized, in mục lục and hồ sơ order: not in a batch
    /// already (a second batch of a fonds takes the hồ sơ described since the first), not
    /// destroyed nor proposed for destruction.
    pub async fn fonds_dossiers_to_digitize(&self, fonds_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id FROM dossiers d JOIN inventories i ON i.id = d.inventory_id \
             WHERE d.fonds_id = $1 AND d.disposal IS NULL AND NOT EXISTS (SELECT 1 FROM batch_dossiers q WHERE q.dossier_id = d.id) \
             ORDER BY i.number, d.number, d.file_code",
        )
        .bind(fonds_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// A hồ sơ by its mã hồ sơ, when exactly one hồ sơ has it (two hồ sơ of a year may share a
    /// số ký hiệu, and so a mã hồ sơ: then the code alone names neither).
    pub async fn dossier_by_code(&self, code: &str) -> Result<Dossier, StoreError> {
        let rows = sqlx::query("SELECT id FROM dossiers WHERE file_code = $1 ORDER BY id LIMIT 2").bind(code).fetch_all(&self.pool).await?;
        match rows.as_slice() {
            [row] => self.dossier(row.try_get(0)?).await,
            [] => Err(StoreError::NotFound("hồ sơ")),
            _ => Err(conflict(
                "fileCode",
                "ambiguous_file_code",
                format!("Hai hồ sơ có cùng mã hồ sơ “{code}” (cùng năm và số ký hiệu); hãy chọn hồ sơ theo mục lục và hồ sơ số."),
            )),
        }
    }

    /// What a hồ sơ in mục lục số `number` of a fonds needs to build its code, whether or not that
    /// mục lục exists yet.
    pub async fn inventory_context(&self, fonds: &Fonds, number: u32) -> Result<DossierContext, StoreError> {
        let creator = self.unit(fonds.fields.unit_id).await?;
        Ok(DossierContext { prefix: fonds.code_prefix(&creator), inventory_number: Some(number) })
    }

    /// Where a fonds sits and its classification, for `authorize`.
    pub async fn fonds_place(&self, fonds_id: i64) -> Result<(FondsPlace, Classification), StoreError> {
        let fonds = self.fonds(fonds_id).await?;
        Ok((
            FondsPlace { fonds_id, unit_id: fonds.fields.unit_id, custodian_unit_id: fonds.fields.custodian_unit_id },
            fonds.fields.classification,
        ))
    }

    pub async fn fonds(&self, id: i64) -> Result<Fonds, StoreError> {
        let sql = format!("SELECT {FONDS_COLUMNS} FROM fonds WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        fonds_from_row(&row.ok_or(StoreError::NotFound("phông"))?)
    }

    pub async fn create_fonds(&self, fields: &FondsFields) -> Result<i64, StoreError> {
        self.check_fonds_units(fields).await?;
        let mut tx = self.begin().await?;
        let result = sqlx::query(
            "INSERT INTO fonds (code, name, unit_id, status, history, start_date, end_date, custodian_unit_id, language, classification, description)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(fields.code.to_string())
        .bind(&fields.name)
        .bind(fields.unit_id)
        .bind(fields.status.code())
        .bind(fields.history.clone())
        .bind(fields.start_date.map(|d| d.sortable()))
        .bind(fields.end_date.map(|d| d.sortable()))
        .bind(fields.custodian_unit_id)
        .bind(fields.language.codes())
        .bind(fields.classification.level())
        .bind(fields.description.clone())
        .fetch_one(&mut *tx)
        .await;
        match result {
            Ok(row) => {
                let id: i64 = row.get(0);
                self.commit(tx, Some(id)).await?;
                Ok(id)
            }
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_fonds(&fields.code)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn update_fonds(&self, id: i64, fields: &FondsFields) -> Result<(), StoreError> {
        let current = self.fonds(id).await?;
        self.check_fonds_units(fields).await?;
        let prefix_changes =
            current.fields.code != fields.code || current.fields.status != fields.status || current.fields.unit_id != fields.unit_id;
        if prefix_changes && self.count_dossiers_of_fonds(id).await? > 0 {
            // The mã hồ sơ of every dossier hangs on these; changing them is a renumbering, not an edit.
            return Err(conflict(
                "code",
                "fonds_has_dossiers",
                "Phông đã có hồ sơ: không đổi được mã phông, trạng thái hay đơn vị hình thành vì mã hồ sơ phụ thuộc vào chúng.".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let result = sqlx::query(
            "UPDATE fonds SET code = $1, name = $2, unit_id = $3, status = $4, history = $5, start_date = $6, end_date = $7,
                custodian_unit_id = $8, language = $9, classification = $10, description = $11, updated_at = $12 WHERE id = $13",
        )
        .bind(fields.code.to_string())
        .bind(&fields.name)
        .bind(fields.unit_id)
        .bind(fields.status.code())
        .bind(fields.history.clone())
        .bind(fields.start_date.map(|d| d.sortable()))
        .bind(fields.end_date.map(|d| d.sortable()))
        .bind(fields.custodian_unit_id)
        .bind(fields.language.codes())
        .bind(fields.classification.level())
        .bind(fields.description.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => self.commit(tx, Some(id)).await,
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_fonds(&fields.code)),
            Err(e) => Err(e.into()),
        }
    }

    /// The creating and custodian units of a fonds must exist.
    async fn check_fonds_units(&self, fields: &FondsFields) -> Result<(), StoreError> {
        self.unit(fields.unit_id).await.map_err(|_| unknown_unit("unitId"))?;
        if let Some(custodian) = fields.custodian_unit_id {
            self.unit(custodian).await.map_err(|_| unknown_unit("custodianUnitId"))?;
        }
        Ok(())
    }

    async fn count_dossiers_of_fonds(&self, fonds_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM dossiers WHERE fonds_id = $1").bind(fonds_id).fetch_one(&self.pool).await?.try_get(0)?)
    }
}

fn unknown_unit(field: &str) -> StoreError {
    conflict(field, "unknown_unit", "Đơn vị đã chọn không có trong danh sách đơn vị.".into())
}

fn duplicate_fonds(code: &FondsCode) -> StoreError {
    conflict("code", "duplicate_fonds_code", format!("Mã phông “{code}” đã được dùng cho một phông khác."))
}

// ---- mục lục ----

fn inventory_from_row(row: &AnyRow) -> Result<Inventory, StoreError> {
    Ok(Inventory {
        id: row.try_get("id")?,
        fonds_id: row.try_get("fonds_id")?,
        fields: InventoryFields {
            number: row.try_get::<i64, _>("number")? as u32,
            title: row.try_get("title")?,
            maintenance: parse_optional_code(row, "maintenance", Maintenance::from_code)?,
            description: row.try_get("description")?,
        },
    })
}

fn duplicate_inventory(number: u32) -> StoreError {
    conflict("number", "duplicate_inventory_number", format!("Mục lục số {number} đã có trong phông này."))
}

impl Store {
    pub async fn list_inventories(&self, visibility: &Visibility, fonds_id: i64) -> Result<Vec<Inventory>, StoreError> {
        let mut args = vec![Arg::Int(fonds_id)];
        let condition = visible_fonds(visibility, &mut args);
        let sql = format!(
            "SELECT id, fonds_id, number, title, maintenance, description FROM inventories WHERE fonds_id = $1 AND fonds_id IN ({condition}) ORDER BY number"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(inventory_from_row).collect()
    }

    pub async fn inventory(&self, id: i64) -> Result<Inventory, StoreError> {
        let row = sqlx::query("SELECT id, fonds_id, number, title, maintenance, description FROM inventories WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        inventory_from_row(&row.ok_or(StoreError::NotFound("mục lục"))?)
    }

    pub async fn create_inventory(&self, fonds_id: i64, fields: &InventoryFields) -> Result<i64, StoreError> {
        self.fonds(fonds_id).await?;
        let mut tx = self.begin().await?;
        let result = sqlx::query(
            "INSERT INTO inventories (fonds_id, number, title, maintenance, description) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(fonds_id)
        .bind(fields.number as i64)
        .bind(&fields.title)
        .bind(fields.maintenance.map(|m| m.code()))
        .bind(fields.description.clone())
        .fetch_one(&mut *tx)
        .await;
        match result {
            Ok(row) => {
                let id: i64 = row.get(0);
                self.commit(tx, Some(id)).await?;
                Ok(id)
            }
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_inventory(fields.number)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn update_inventory(&self, id: i64, fields: &InventoryFields) -> Result<(), StoreError> {
        let current = self.inventory(id).await?;
        if current.fields.number != fields.number {
            let used: i64 =
                sqlx::query("SELECT COUNT(*) FROM dossiers WHERE inventory_id = $1").bind(id).fetch_one(&self.pool).await?.try_get(0)?;
            if used > 0 {
                return Err(conflict(
                    "number",
                    "inventory_has_dossiers",
                    "Mục lục đã có hồ sơ: không đổi được mục lục số vì mã hồ sơ chứa số này.".into(),
                ));
            }
        }
        let mut tx = self.begin().await?;
        let result = sqlx::query(
            "UPDATE inventories SET number = $1, title = $2, maintenance = $3, description = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(fields.number as i64)
        .bind(&fields.title)
        .bind(fields.maintenance.map(|m| m.code()))
        .bind(fields.description.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => self.commit(tx, Some(id)).await,
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_inventory(fields.number)),
            Err(e) => Err(e.into()),
        }
    }

    /// What a hồ sơ in this mục lục needs to build its code.
    pub async fn dossier_context(&self, inventory_id: i64) -> Result<(Fonds, Inventory, DossierContext), StoreError> {
        let inventory = self.inventory(inventory_id).await?;
        let fonds = self.fonds(inventory.fonds_id).await?;
        let creator: Unit = self.unit(fonds.fields.unit_id).await?;
        let context = DossierContext { prefix: fonds.code_prefix(&creator), inventory_number: Some(inventory.fields.number) };
        Ok((fonds, inventory, context))
    }
}

// ---- hồ sơ ----

const DOSSIER_COLUMNS: &str =
    "id, fonds_id, inventory_id, number, box_id, disposal, temp_number, scheme_group, file_code, notation, year, title,
    maintenance, maintenance_years, mode, language, start_date, end_date,
    keyword, total_doc, number_of_paper, number_of_page, format, infor_sign, confidence_level, paper_file_code, risk_recovery,
    risk_recovery_status, description, classification";

/// A mã hồ sơ read back with the parts stored beside it (it is composed, not parsed).
fn stored_code(row: &AnyRow) -> Result<DossierCode, StoreError> {
    let code: String = row.try_get("file_code")?;
    let notation: String = row.try_get("notation")?;
    let year: i64 = row.try_get("year")?;
    u16::try_from(year)
        .ok()
        .and_then(|year| DossierCode::from_stored(&code, year, &notation))
        .ok_or_else(|| StoreError::Corrupt(format!("mã hồ sơ “{code}” không khớp năm {year} và số ký hiệu “{notation}”")))
}

fn dossier_from_row(row: &AnyRow) -> Result<Dossier, StoreError> {
    Ok(Dossier {
        id: row.try_get("id")?,
        fonds_id: row.try_get("fonds_id")?,
        inventory_id: row.try_get("inventory_id")?,
        number: row.try_get::<Option<i64>, _>("number")?.map(|n| n as u32),
        box_id: row.try_get("box_id")?,
        disposal: row.try_get("disposal")?,
        temp_number: row.try_get::<Option<i64>, _>("temp_number")?.map(|n| n as u32),
        scheme_group: row.try_get("scheme_group")?,
        fields: DossierFields {
            file_code: stored_code(row)?,
            title: row.try_get("title")?,
            maintenance: parse_code(row, "maintenance", Maintenance::from_code)?,
            maintenance_years: row.try_get::<Option<i64>, _>("maintenance_years")?.map(|y| y as u16),
            mode: parse_code(row, "mode", Mode::from_code)?,
            language: languages(row)?,
            start_date: parse_code(row, "start_date", ArchiveDate::parse)?,
            end_date: parse_code(row, "end_date", ArchiveDate::parse)?,
            keyword: row.try_get("keyword")?,
            total_doc: row.try_get::<i64, _>("total_doc")? as u32,
            number_of_paper: row.try_get::<Option<i64>, _>("number_of_paper")?.map(|n| n as u32),
            number_of_page: row.try_get::<i64, _>("number_of_page")? as u32,
            format: parse_optional_code(row, "format", PhysicalState::from_code)?,
            infor_sign: row.try_get("infor_sign")?,
            confidence_level: parse_optional_code(row, "confidence_level", ConfidenceLevel::from_code)?,
            paper_file_code: row.try_get("paper_file_code")?,
            risk_recovery: row.try_get::<i64, _>("risk_recovery")? != 0,
            risk_recovery_status: parse_optional_code(row, "risk_recovery_status", RiskRecoveryStatus::from_code)?,
            description: row.try_get("description")?,
            classification: classification(row)?,
        },
    })
}

/// Which hồ sơ to list; only those `visibility` allows are ever read.
#[derive(Debug, Clone)]
pub struct ListDossiers {
    pub visibility: Visibility,
    pub inventory_id: Option<i64>,
    pub fonds_id: Option<i64>,
    /// Words to find in the title, matched without tone marks.
    pub query: Option<String>,
    /// Only hồ sơ on no danh mục hủy (neither proposed nor destroyed).
    pub undisposed: bool,
    pub seek: Seek,
    pub limit: u64,
}

/// Where a page of a list starts. Pages follow each other along the list's index (after the
/// last hồ sơ shown, before the first), never by skipping a count of rows; only a jump to a page
/// by its number walks the index's keys to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Seek {
    #[default]
    First,
    /// The page after this hồ sơ (the last one shown).
    After(i64),
    /// The page before this hồ sơ (the first one shown).
    Before(i64),
    Last,
    /// From hồ sơ số N of the mục lục (the first at or after it).
    Number(u32),
    /// Page N (from 1) of `limit` hồ sơ each; past the end, the last page.
    Page(u64),
}

impl Seek {
    /// Where a page starts, from an address that may name several ways there (a page's link,
    /// the API's parameters): the first named wins — after, before, the last page, a hồ sơ số,
    /// a page number.
    pub fn from_address(after: Option<i64>, before: Option<i64>, last: bool, number: Option<u32>, page: Option<u64>) -> Seek {
        match (after, before, last, number, page) {
            (Some(id), ..) => Seek::After(id),
            (None, Some(id), ..) => Seek::Before(id),
            (None, None, true, ..) => Seek::Last,
            (None, None, false, Some(number), _) => Seek::Number(number),
            (None, None, false, None, Some(page)) => Seek::Page(page.max(1)),
            (None, None, false, None, None) => Seek::First,
        }
    }
}

/// A page of hồ sơ and where it stands in the whole list.
#[derive(Debug, Clone, Serialize)]
pub struct DossierPage {
    /// Every hồ sơ the list holds for this viewer.
    pub total: i64,
    /// How many come before this page, when the way there told it (a keyset step does not: the
    /// page's address carries it).
    pub before: Option<u64>,
    /// The first hồ sơ shown, when there are hồ sơ before it.
    pub prev: Option<i64>,
    /// The last hồ sơ shown, when there are hồ sơ after it.
    pub next: Option<i64>,
    pub items: Vec<Dossier>,
}

/// A hồ sơ's place in its mục lục for listing: those not yet numbered come last.
const LISTING_NUMBER: &str = "COALESCE(number, 2147483647)";

fn duplicate_number() -> StoreError {
    conflict("number", "duplicate_number", "Hồ sơ số này đã có trong mục lục; mỗi hồ sơ số chỉ dùng một lần trong một mục lục.".into())
}

fn bind_dossier<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    f: &'q DossierFields,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(f.file_code.to_string())
        .bind(f.file_code.notation().to_string())
        .bind(f.file_code.year() as i64)
        .bind(&f.title)
        .bind(text::fold(&f.title))
        .bind(f.maintenance.code())
        .bind(f.mode.code())
        .bind(f.language.codes())
        .bind(f.start_date.sortable())
        .bind(f.end_date.sortable())
        .bind(f.keyword.clone())
        .bind(f.total_doc as i64)
        .bind(f.number_of_paper.map(|n| n as i64))
        .bind(f.number_of_page as i64)
        .bind(f.format.map(|v| v.code()))
        .bind(f.infor_sign.clone())
        .bind(f.confidence_level.map(|v| v.code()))
        .bind(f.paper_file_code.clone())
        .bind(f.risk_recovery as i64)
        .bind(f.risk_recovery_status.map(|v| v.code()))
        .bind(f.description.clone())
        .bind(f.classification.level())
        .bind(f.maintenance_years.map(i64::from))
}

const DOSSIER_INSERT: &str = "INSERT INTO dossiers (file_code, notation, year, title, title_folded, maintenance, mode, language, start_date, end_date,
        keyword, total_doc, number_of_paper, number_of_page, format, infor_sign, confidence_level, paper_file_code, risk_recovery,
        risk_recovery_status, description, classification, maintenance_years, fonds_id, inventory_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) RETURNING id";

const DOCUMENT_INSERT: &str =
    "INSERT INTO documents (doc_ordinal, doc_code, type_name, code_number, code_notation, issued_date, organ_name, subject,
        subject_folded, language, number_of_page, infor_sign, keyword, mode, confidence_level, autograph, format, process, description,
        classification, dossier_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id";

impl Store {
    /// A hồ sơ received whole from another Kho (a package): the hồ sơ, its văn bản, its signed
    /// copies and the package's receipt in one transaction, so that a refusal or a cut leaves
    /// none of it; its id.
    pub async fn receive_dossier(
        &self,
        inventory_id: i64,
        fields: &DossierFields,
        documents: &[DocumentFields],
        renditions: &[crate::RenditionFile],
        receipt: Option<&crate::PackageReceipt>,
    ) -> Result<i64, StoreError> {
        let inventory = self.inventory(inventory_id).await?;
        let mut tx = self.begin().await?;
        let id: i64 =
            match bind_dossier(sqlx::query(DOSSIER_INSERT), fields).bind(inventory.fonds_id).bind(inventory_id).fetch_one(&mut *tx).await {
                Ok(row) => row.try_get(0)?,
                Err(e) if StoreError::is_unique_violation(&e) => return Err(duplicate_number()),
                Err(e) => return Err(e.into()),
            };
        for document in documents {
            let doc_code = fields.file_code.doc_code(document.doc_ordinal);
            match bind_document(sqlx::query(DOCUMENT_INSERT), document, doc_code).bind(id).fetch_one(&mut *tx).await {
                Ok(_) => {}
                Err(e) if StoreError::is_unique_violation(&e) => return Err(duplicate_ordinal(document.doc_ordinal)),
                Err(e) => return Err(e.into()),
            }
        }
        crate::digitization::insert_renditions(&mut tx, id, renditions).await?;
        if let Some(receipt) = receipt {
            crate::handover::insert_receipt(&mut tx, id, inventory.fonds_id, receipt).await?;
        }
        self.commit(tx, Some(id)).await?;
        Ok(id)
    }

    pub async fn dossier(&self, id: i64) -> Result<Dossier, StoreError> {
        let sql = format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        dossier_from_row(&row.ok_or(StoreError::NotFound("hồ sơ"))?)
    }

    /// A page of hồ sơ in catalogue order (mục lục, hồ sơ số, then entry), read along the
    /// `dossiers_listing` index from where `filter.seek` says: a page near the end of a
    /// 100,000-hồ sơ mục lục costs what the first page costs.
    pub async fn list_dossiers(&self, filter: &ListDossiers) -> Result<DossierPage, StoreError> {
        let mut args: Vec<Arg> = Vec::new();
        let mut conditions = vec![visible_dossiers(&filter.visibility, &mut args)];
        if let Some(id) = filter.inventory_id {
            args.push(Arg::Int(id));
            conditions.push(format!("inventory_id = ${}", args.len()));
        }
        if let Some(id) = filter.fonds_id {
            args.push(Arg::Int(id));
            conditions.push(format!("fonds_id = ${}", args.len()));
        }
        if let Some(query) = filter.query.as_deref().map(text::fold).filter(|q| !q.is_empty()) {
            for word in query.split(' ') {
                args.push(Arg::Text(format!("%{}%", escape_like(word))));
                conditions.push(format!("title_folded LIKE ${} ESCAPE '\\'", args.len()));
            }
        }
        if filter.undisposed {
            conditions.push("disposal IS NULL".into());
        }
        let where_clause = format!("WHERE {}", conditions.join(" AND "));
        let count = |extra: String, args: Vec<Arg>| {
            let sql = format!("SELECT COUNT(*) FROM dossiers {where_clause}{extra}");
            async move { Ok::<i64, StoreError>(bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_one(&self.pool).await?.try_get(0)?) }
        };
        let total = count(String::new(), args.clone()).await?;
        let limit = filter.limit.min(i64::MAX as u64 - 1) as i64;
        // The anchor of a keyset: where a hồ sơ stands in the listing order. Only a hồ sơ the
        // viewer may see anchors a page: stepping from a hidden one's place would tell where it is.
        let anchor = |id: i64| {
            let mut anchor_args = vec![Arg::Int(id)];
            let visible = visible_dossiers(&filter.visibility, &mut anchor_args);
            let sql = format!("SELECT inventory_id, {LISTING_NUMBER} FROM dossiers WHERE id = $1 AND {visible}");
            async move {
                let row = bind_all(sqlx::query(AssertSqlSafe(sql)), &anchor_args).fetch_optional(&self.pool).await?;
                Ok::<_, StoreError>(match row {
                    Some(row) => Some((row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?, id)),
                    None => None,
                })
            }
        };
        let keyset = |args: &mut Vec<Arg>, op: &str, (inventory, number, id): (i64, i64, i64)| {
            args.extend([Arg::Int(inventory), Arg::Int(number), Arg::Int(id)]);
            let n = args.len();
            format!(" AND (inventory_id, {LISTING_NUMBER}, id) {op} (${}, ${}, ${n})", n - 2, n - 1)
        };
        let mut page_args = args.clone();
        let (extra, descending, offset, before) = match filter.seek {
            Seek::First => (String::new(), false, 0, Some(0)),
            Seek::After(id) => match anchor(id).await? {
                Some(key) => (keyset(&mut page_args, ">", key), false, 0, None),
                None => (String::new(), false, 0, Some(0)),
            },
            Seek::Before(id) => match anchor(id).await? {
                Some(key) => (keyset(&mut page_args, "<", key), true, 0, None),
                None => (String::new(), false, 0, Some(0)),
            },
            Seek::Last => (String::new(), true, 0, None),
            Seek::Number(number) => {
                let inventory = filter.inventory_id.unwrap_or(0);
                let key = (inventory, i64::from(number), 0);
                let mut count_args = args.clone();
                let extra = keyset(&mut count_args, "<", key);
                let before = count(extra, count_args).await?;
                (keyset(&mut page_args, ">=", key), false, 0, Some(before as u64))
            }
            Seek::Page(page) => {
                let limit = limit.max(1) as u64;
                let last_page = (total.max(1) as u64 - 1) / limit * limit;
                let offset = page.saturating_sub(1).saturating_mul(limit).min(last_page);
                (String::new(), false, offset, Some(offset))
            }
        };
        let order = if descending { "DESC" } else { "ASC" };
        // The last page is the tail that pages from the first leave over, so that its number is
        // the count of pages.
        let limit = match filter.seek {
            Seek::Last if total > 0 => total - (total - 1) / limit.max(1) * limit.max(1),
            _ => limit,
        };
        page_args.push(Arg::Int(limit + 1));
        page_args.push(Arg::Int(offset as i64));
        let sql = format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossiers {where_clause}{extra} \
             ORDER BY inventory_id {order}, {LISTING_NUMBER} {order}, id {order} LIMIT ${} OFFSET ${}",
            page_args.len() - 1,
            page_args.len()
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &page_args).fetch_all(&self.pool).await?;
        let more = rows.len() as i64 > limit;
        let mut items = rows.iter().take(limit as usize).map(dossier_from_row).collect::<Result<Vec<_>, _>>()?;
        if descending {
            items.reverse();
        }
        let before = match filter.seek {
            Seek::Last => Some((total as u64).saturating_sub(items.len() as u64)),
            Seek::Before(_) if !more => Some(0),
            _ => before,
        };
        let (first, last) = (items.first().map(|d| d.id), items.last().map(|d| d.id));
        let earlier = match filter.seek {
            Seek::Before(_) => more,
            Seek::After(_) => true,
            _ => before.unwrap_or(0) > 0,
        };
        let later = match filter.seek {
            Seek::Before(_) => true,
            Seek::Last => false,
            _ => more,
        };
        Ok(DossierPage { total, before, prev: first.filter(|_| earlier), next: last.filter(|_| later), items })
    }

    pub async fn create_dossier(&self, inventory_id: i64, fields: &DossierFields) -> Result<i64, StoreError> {
        let inventory = self.inventory(inventory_id).await?;
        let mut tx = self.begin().await?;
        let result =
            bind_dossier(sqlx::query(DOSSIER_INSERT), fields).bind(inventory.fonds_id).bind(inventory_id).fetch_one(&mut *tx).await;
        match result {
            Ok(row) => {
                let id: i64 = row.get(0);
                self.commit(tx, Some(id)).await?;
                Ok(id)
            }
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_number()),
            Err(e) => Err(e.into()),
        }
    }

    /// Updates a hồ sơ; when its code changes, its documents' docCodes follow in the same transaction.
    pub async fn update_dossier(&self, id: i64, fields: &DossierFields) -> Result<(), StoreError> {
        let current = self.dossier(id).await?;
        let mut tx = self.begin().await?;
        let sql = "UPDATE dossiers SET file_code = $1, notation = $2, year = $3, title = $4, title_folded = $5, maintenance = $6, mode = $7,
                language = $8, start_date = $9, end_date = $10, keyword = $11, total_doc = $12, number_of_paper = $13, number_of_page = $14,
                format = $15, infor_sign = $16, confidence_level = $17, paper_file_code = $18, risk_recovery = $19, risk_recovery_status = $20,
                description = $21, classification = $22, maintenance_years = $23, updated_at = $24 WHERE id = $25";
        let result = bind_dossier(sqlx::query(sql), fields).bind(crate::now()).bind(id).execute(&mut *tx).await;
        match result {
            Ok(_) => {}
            Err(e) if StoreError::is_unique_violation(&e) => return Err(duplicate_number()),
            Err(e) => return Err(e.into()),
        }
        if current.fields.file_code != fields.file_code {
            let documents = sqlx::query("SELECT id, doc_ordinal FROM documents WHERE dossier_id = $1").bind(id).fetch_all(&mut *tx).await?;
            for document in documents {
                let ordinal: i64 = document.try_get("doc_ordinal")?;
                let document_id: i64 = document.try_get("id")?;
                sqlx::query("UPDATE documents SET doc_code = $1 WHERE id = $2")
                    .bind(fields.file_code.doc_code(ordinal as u32))
                    .bind(document_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        self.commit(tx, Some(id)).await
    }
}

/// `SELECT id FROM fonds WHERE …`: the fonds an actor may see (scope and clearance).
pub(crate) fn visible_fonds(visibility: &Visibility, args: &mut Vec<Arg>) -> String {
    args.push(Arg::Int(visibility.clearance));
    let mut condition = format!("SELECT id FROM fonds WHERE classification <= ${}", args.len());
    if !visibility.all_units {
        let placeholders = |ids: &[i64], args: &mut Vec<Arg>| -> String {
            if ids.is_empty() {
                return "NULL".into();
            }
            ids.iter()
                .map(|id| {
                    args.push(Arg::Int(*id));
                    format!("${}", args.len())
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let units = placeholders(&visibility.units, args);
        let fonds = placeholders(&visibility.fonds, args);
        condition.push_str(&format!(" AND (unit_id IN ({units}) OR custodian_unit_id IN ({units}) OR id IN ({fonds}))"));
    }
    condition
}

/// A condition on `dossiers` rows: in a visible fonds, within clearance, public for readers.
pub(crate) fn visible_dossiers(visibility: &Visibility, args: &mut Vec<Arg>) -> String {
    let fonds = visible_fonds(visibility, args);
    args.push(Arg::Int(visibility.clearance));
    let mut condition = format!("fonds_id IN ({fonds}) AND classification <= ${}", args.len());
    if visibility.public_only {
        condition.push_str(" AND mode = '01'");
    }
    condition
}

pub(crate) fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for arg in args {
        query = arg.bind(query);
    }
    query
}

fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A bind value for dynamically built queries.
#[derive(Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

impl Arg {
    fn bind<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        match self {
            Arg::Int(v) => query.bind(*v),
            Arg::Text(v) => query.bind(v.as_str()),
        }
    }
}

// ---- văn bản ----

const DOCUMENT_COLUMNS: &str =
    "id, dossier_id, doc_ordinal, doc_code, type_name, code_number, code_notation, issued_date, organ_name, subject,
    language, number_of_page, infor_sign, keyword, mode, confidence_level, autograph, format, process, description, classification";

fn document_from_row(row: &AnyRow) -> Result<Document, StoreError> {
    Ok(Document {
        id: row.try_get("id")?,
        dossier_id: row.try_get("dossier_id")?,
        doc_code: row.try_get("doc_code")?,
        fields: DocumentFields {
            doc_ordinal: row.try_get::<i64, _>("doc_ordinal")? as u32,
            type_name: parse_code(row, "type_name", DocumentType::from_code)?,
            code_number: row.try_get("code_number")?,
            code_notation: row.try_get("code_notation")?,
            issued_date: parse_code(row, "issued_date", ArchiveDate::parse)?,
            organ_name: row.try_get("organ_name")?,
            subject: row.try_get("subject")?,
            language: languages(row)?,
            number_of_page: row.try_get::<i64, _>("number_of_page")? as u32,
            infor_sign: row.try_get("infor_sign")?,
            keyword: row.try_get("keyword")?,
            mode: parse_code(row, "mode", Mode::from_code)?,
            confidence_level: parse_optional_code(row, "confidence_level", ConfidenceLevel::from_code)?,
            autograph: row.try_get("autograph")?,
            format: parse_optional_code(row, "format", PhysicalState::from_code)?,
            process: row.try_get::<Option<i64>, _>("process")?.map(|p| p != 0),
            description: row.try_get("description")?,
            classification: classification(row)?,
        },
    })
}

fn bind_document<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    f: &'q DocumentFields,
    doc_code: String,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(f.doc_ordinal as i64)
        .bind(doc_code)
        .bind(f.type_name.code())
        .bind(f.code_number.clone())
        .bind(f.code_notation.clone())
        .bind(f.issued_date.sortable())
        .bind(&f.organ_name)
        .bind(&f.subject)
        .bind(text::fold(&f.subject))
        .bind(f.language.codes())
        .bind(f.number_of_page as i64)
        .bind(f.infor_sign.clone())
        .bind(f.keyword.clone())
        .bind(f.mode.code())
        .bind(f.confidence_level.map(|v| v.code()))
        .bind(f.autograph.clone())
        .bind(f.format.map(|v| v.code()))
        .bind(f.process.map(|p| p as i64))
        .bind(f.description.clone())
        .bind(f.classification.level())
}

fn duplicate_ordinal(ordinal: u32) -> StoreError {
    conflict("docOrdinal", "duplicate_doc_ordinal", format!("Hồ sơ đã có văn bản số thứ tự {ordinal}."))
}

impl Store {
    pub async fn list_documents(&self, visibility: &Visibility, dossier_id: i64) -> Result<Vec<Document>, StoreError> {
        let mut args = vec![Arg::Int(dossier_id)];
        let dossiers = visible_dossiers(visibility, &mut args);
        args.push(Arg::Int(visibility.clearance));
        let mut condition =
            format!("dossier_id = $1 AND dossier_id IN (SELECT id FROM dossiers WHERE {dossiers}) AND classification <= ${}", args.len());
        if visibility.public_only {
            condition.push_str(" AND mode = '01'");
        }
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE {condition} ORDER BY doc_ordinal");
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(document_from_row).collect()
    }

    pub async fn document(&self, id: i64) -> Result<Document, StoreError> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        document_from_row(&row.ok_or(StoreError::NotFound("văn bản"))?)
    }

    /// Issuing bodies typed lately near a hồ sơ — in it and in the latest hồ sơ of its mục lục —
    /// that the viewer may see, most recent first: what the văn bản form offers so that the same
    /// cơ quan is not typed again. Bounded by those few hồ sơ, whatever the catalogue's size.
    pub async fn recent_organ_names(&self, visibility: &Visibility, dossier_id: i64, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut args = vec![Arg::Int(dossier_id)];
        let dossiers = visible_dossiers(visibility, &mut args);
        args.push(Arg::Int(visibility.clearance));
        let clearance = args.len();
        let sql = format!(
            "SELECT organ_name FROM documents WHERE classification <= ${clearance} AND dossier_id IN ( \
               SELECT id FROM dossiers WHERE {dossiers} AND inventory_id = (SELECT inventory_id FROM dossiers WHERE id = $1) \
               AND (id = $1 OR id IN (SELECT id FROM dossiers WHERE inventory_id = (SELECT inventory_id FROM dossiers WHERE id = $1) ORDER BY id DESC LIMIT 20))) \
             ORDER BY id DESC LIMIT 200"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        let mut names: Vec<String> = Vec::new();
        for row in rows {
            let name: String = row.try_get(0)?;
            if !names.contains(&name) && names.len() < limit {
                names.push(name);
            }
        }
        Ok(names)
    }

    /// The next free ordinal in a hồ sơ, for the form's default.
    pub async fn next_doc_ordinal(&self, dossier_id: i64) -> Result<u32, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(doc_ordinal), 0) FROM documents WHERE dossier_id = $1")
            .bind(dossier_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>(0)? as u32 + 1)
    }

    pub async fn create_document(&self, dossier_id: i64, fields: &DocumentFields) -> Result<i64, StoreError> {
        let dossier = self.dossier(dossier_id).await?;
        let doc_code = dossier.fields.file_code.doc_code(fields.doc_ordinal);
        let mut tx = self.begin().await?;
        let result = bind_document(sqlx::query(DOCUMENT_INSERT), fields, doc_code).bind(dossier_id).fetch_one(&mut *tx).await;
        match result {
            Ok(row) => {
                let id: i64 = row.get(0);
                self.commit(tx, Some(id)).await?;
                Ok(id)
            }
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_ordinal(fields.doc_ordinal)),
            Err(e) => Err(e.into()),
        }
    }

    /// Văn bản received with their files (over edXML) into a hồ sơ, in one transaction: each
    /// văn bản, then its files as the hồ sơ's, each naming the văn bản it carries; all or none.
    /// The ids of the văn bản.
    pub async fn file_documents(&self, dossier_id: i64, items: &[(DocumentFields, Vec<Attachment>)]) -> Result<Vec<i64>, StoreError> {
        let dossier = self.dossier(dossier_id).await?;
        let mut tx = self.begin().await?;
        let mut ids = vec![];
        for (fields, files) in items {
            let doc_code = dossier.fields.file_code.doc_code(fields.doc_ordinal);
            let id: i64 = match bind_document(sqlx::query(DOCUMENT_INSERT), fields, doc_code).bind(dossier_id).fetch_one(&mut *tx).await {
                Ok(row) => row.try_get(0)?,
                Err(e) if StoreError::is_unique_violation(&e) => return Err(duplicate_ordinal(fields.doc_ordinal)),
                Err(e) => return Err(e.into()),
            };
            for file in files {
                insert_attachment(&mut tx, (Some(dossier_id), None, Some(id)), file).await?;
            }
            ids.push(id);
        }
        self.commit(tx, ids.first().copied()).await?;
        Ok(ids)
    }

    pub async fn update_document(&self, id: i64, fields: &DocumentFields) -> Result<(), StoreError> {
        let document = self.document(id).await?;
        let dossier = self.dossier(document.dossier_id).await?;
        let sql =
            "UPDATE documents SET doc_ordinal = $1, doc_code = $2, type_name = $3, code_number = $4, code_notation = $5, issued_date = $6,
                organ_name = $7, subject = $8, subject_folded = $9, language = $10, number_of_page = $11, infor_sign = $12, keyword = $13,
                mode = $14, confidence_level = $15, autograph = $16, format = $17, process = $18, description = $19, classification = $20,
                updated_at = $21 WHERE id = $22";
        let doc_code = dossier.fields.file_code.doc_code(fields.doc_ordinal);
        let mut tx = self.begin().await?;
        let result = bind_document(sqlx::query(sql), fields, doc_code).bind(crate::now()).bind(id).execute(&mut *tx).await;
        match result {
            Ok(_) => self.commit(tx, Some(id)).await,
            Err(e) if StoreError::is_unique_violation(&e) => Err(duplicate_ordinal(fields.doc_ordinal)),
            Err(e) => Err(e.into()),
        }
    }
}

// ---- bulk ----

/// `($1, …, $n), ($n+1, …)`: the VALUES of a multi-row insert. SQLite gets plain `?`: it looks
/// a numbered parameter's name up by a linear scan, which makes thousands of `$n` quadratic.
fn values_rows(backend: crate::Backend, rows: usize, columns: usize) -> String {
    let placeholder = |n: usize| match backend {
        crate::Backend::Sqlite => "?".to_string(),
        crate::Backend::Postgres => format!("${n}"),
    };
    (0..rows)
        .map(|r| format!("({})", (1..=columns).map(|c| placeholder(r * columns + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A hồ sơ to insert in bulk, with its place from chỉnh lý when known.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub fields: DossierFields,
    /// Hồ sơ số within the mục lục.
    pub number: Option<u32>,
    pub box_id: Option<i64>,
    pub temp_number: Option<u32>,
    pub scheme_group: Option<String>,
}

/// Rows per statement: under SQLite's and PostgreSQL's bind-parameter limits for ~26 columns.
const BULK_ROWS: usize = 500;

impl Store {
    /// Inserts many hồ sơ into one mục lục in a single transaction: all or nothing.
    /// Adds hồ sơ to a mục lục in one transaction; their ids, in the order given.
    pub async fn insert_dossiers(&self, inventory_id: i64, items: &[NewDossier]) -> Result<Vec<i64>, StoreError> {
        let inventory = self.inventory(inventory_id).await?;
        let mut tx = self.begin().await?;
        let ids = self.insert_dossier_rows(&mut tx, inventory.fonds_id, inventory_id, items).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn insert_dossier_rows(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        fonds_id: i64,
        inventory_id: i64,
        items: &[NewDossier],
    ) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::with_capacity(items.len());
        for chunk in items.chunks(BULK_ROWS) {
            let sql = format!(
                "INSERT INTO dossiers (file_code, notation, year, title, title_folded, maintenance, mode, language, start_date, end_date,
                    keyword, total_doc, number_of_paper, number_of_page, format, infor_sign, confidence_level, paper_file_code, risk_recovery,
                    risk_recovery_status, description, classification, maintenance_years, fonds_id, inventory_id, number, box_id, temp_number,
                    scheme_group) VALUES {} RETURNING id",
                values_rows(self.backend, chunk.len(), 29)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for item in chunk {
                query = bind_dossier(query, &item.fields)
                    .bind(fonds_id)
                    .bind(inventory_id)
                    .bind(item.number.map(i64::from))
                    .bind(item.box_id)
                    .bind(item.temp_number.map(i64::from))
                    .bind(item.scheme_group.clone());
            }
            match query.fetch_all(&mut **tx).await {
                // One INSERT numbers its rows in the order of its VALUES: sorted, the ids follow it.
                Ok(rows) => {
                    let mut chunk_ids = rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<Vec<_>, _>>()?;
                    chunk_ids.sort_unstable();
                    ids.extend(chunk_ids);
                }
                Err(e) => return Err(if StoreError::is_unique_violation(&e) { duplicate_number() } else { e.into() }),
            }
        }
        Ok(ids)
    }

    /// The mục lục of one import in one transaction: each mục lục (created when the fonds has
    /// none of that number), its boxes, its hồ sơ. All or nothing. Returns the mục lục ids in order.
    pub async fn import_inventories(
        &self,
        fonds_id: i64,
        inventories: &[kho_model::inventory_sheet::PreparedInventory],
    ) -> Result<Vec<i64>, StoreError> {
        self.fonds(fonds_id).await?;
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(inventories.len());
        let mut boxes: HashMap<u32, i64> = HashMap::new();
        for inventory in inventories {
            let number = inventory.number;
            let existing = sqlx::query("SELECT id FROM inventories WHERE fonds_id = $1 AND number = $2")
                .bind(fonds_id)
                .bind(number as i64)
                .fetch_optional(&mut *tx)
                .await?;
            let inventory_id: i64 = match existing {
                Some(row) => row.try_get(0)?,
                None => sqlx::query("INSERT INTO inventories (fonds_id, number, title) VALUES ($1, $2, $3) RETURNING id")
                    .bind(fonds_id)
                    .bind(number as i64)
                    .bind(format!("Mục lục số {number}"))
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?,
            };
            let rows = &inventory.rows;
            for box_number in rows.iter().filter_map(|r| r.box_number).collect::<std::collections::BTreeSet<_>>() {
                if boxes.contains_key(&box_number) {
                    continue;
                }
                let found = sqlx::query("SELECT id FROM boxes WHERE fonds_id = $1 AND number = $2")
                    .bind(fonds_id)
                    .bind(box_number as i64)
                    .fetch_optional(&mut *tx)
                    .await?;
                let id: i64 = match found {
                    Some(row) => row.try_get(0)?,
                    None => sqlx::query("INSERT INTO boxes (fonds_id, number) VALUES ($1, $2) RETURNING id")
                        .bind(fonds_id)
                        .bind(box_number as i64)
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get(0)?,
                };
                boxes.insert(box_number, id);
            }
            let items: Vec<NewDossier> = rows
                .iter()
                .map(|r| NewDossier {
                    fields: r.fields.clone(),
                    number: r.number,
                    box_id: r.box_number.and_then(|b| boxes.get(&b).copied()),
                    temp_number: None,
                    scheme_group: r.group.clone(),
                })
                .collect();
            self.insert_dossier_rows(&mut tx, fonds_id, inventory_id, &items).await.map_err(|e| match e {
                StoreError::Conflict(_) => conflict(
                    "number",
                    "duplicate_number",
                    format!("Mục lục số {number} của phông đã có hồ sơ mang một trong các hồ sơ số của tệp; mỗi hồ sơ số chỉ dùng một lần trong một mục lục."),
                ),
                other => other,
            })?;
            ids.push(inventory_id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Gives hồ sơ of a mục lục their official numbers (hồ sơ số) in one transaction. Their old
    /// numbers are first cleared, so a renumbering that swaps numbers never collides; hồ sơ not
    /// listed keep theirs.
    pub async fn renumber(&self, inventory_id: i64, numbers: &[(i64, u32)]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for (dossier_id, _) in numbers {
            sqlx::query("UPDATE dossiers SET number = NULL WHERE id = $1 AND inventory_id = $2")
                .bind(*dossier_id)
                .bind(inventory_id)
                .execute(&mut *tx)
                .await?;
        }
        for (dossier_id, number) in numbers {
            let done = sqlx::query("UPDATE dossiers SET number = $1, updated_at = $2 WHERE id = $3 AND inventory_id = $4")
                .bind(*number as i64)
                .bind(crate::now())
                .bind(*dossier_id)
                .bind(inventory_id)
                .execute(&mut *tx)
                .await;
            match done {
                Ok(r) if r.rows_affected() == 1 => {}
                Ok(_) => return Err(StoreError::NotFound("hồ sơ")),
                Err(e) if StoreError::is_unique_violation(&e) => {
                    return Err(conflict("number", "duplicate_number", format!("Hồ sơ số {number} được gán hai lần.")));
                }
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The next số tạm of a mục lục's phiếu tin.
    pub async fn next_temp_number(&self, inventory_id: i64) -> Result<u32, StoreError> {
        let row = sqlx::query("SELECT CAST(COALESCE(MAX(temp_number), 0) AS BIGINT) FROM dossiers WHERE inventory_id = $1")
            .bind(inventory_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>(0)? as u32 + 1)
    }

    /// The last `limit` phiếu tin entered in a mục lục (by số tạm, newest first) that the viewer
    /// may see: the data-entry page shows what was just typed, never the whole mục lục.
    pub async fn recent_entries(&self, visibility: &Visibility, inventory_id: i64, limit: i64) -> Result<Vec<Dossier>, StoreError> {
        let mut args = vec![Arg::Int(inventory_id), Arg::Int(limit)];
        let visible = visible_dossiers(visibility, &mut args);
        let sql = format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE inventory_id = $1 AND temp_number IS NOT NULL AND {visible} \
             ORDER BY temp_number DESC LIMIT $2"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(dossier_from_row).collect()
    }

    /// The hồ sơ số held in a mục lục by hồ sơ other than `numbering`.
    pub async fn reserved_numbers(&self, inventory_id: i64, numbering: &[i64]) -> Result<std::collections::BTreeSet<u32>, StoreError> {
        let rows = sqlx::query("SELECT id, number FROM dossiers WHERE inventory_id = $1 AND number IS NOT NULL")
            .bind(inventory_id)
            .fetch_all(&self.pool)
            .await?;
        let numbering: std::collections::HashSet<i64> = numbering.iter().copied().collect();
        let mut reserved = std::collections::BTreeSet::new();
        for row in rows {
            let id: i64 = row.try_get("id")?;
            if !numbering.contains(&id) {
                reserved.insert(row.try_get::<i64, _>("number")? as u32);
            }
        }
        Ok(reserved)
    }

    /// The most secret classification and the most restrictive mode among a hồ sơ's văn bản: what
    /// anything that acts on the whole hồ sơ (its destruction, its handover) also carries.
    pub async fn documents_label(&self, dossier_id: i64) -> Result<(Classification, Option<Mode>), StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(classification), 0) AS c, MAX(mode) AS m FROM documents WHERE dossier_id = $1")
            .bind(dossier_id)
            .fetch_one(&self.pool)
            .await?;
        let level: i64 = row.try_get("c")?;
        let classification = Classification::from_level(level).ok_or_else(|| StoreError::Corrupt(format!("độ mật {level}")))?;
        Ok((classification, row.try_get::<Option<String>, _>("m")?.and_then(|m| Mode::from_code(&m))))
    }

    /// How many văn bản each hồ sơ of a mục lục lists (for the mục lục văn bản rule).
    pub async fn document_counts(&self, inventory_id: i64) -> Result<HashMap<i64, i64>, StoreError> {
        let rows = sqlx::query("SELECT d.id, COUNT(v.id) AS n FROM dossiers d LEFT JOIN documents v ON v.dossier_id = d.id WHERE d.inventory_id = $1 GROUP BY d.id")
            .bind(inventory_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>("id")?, r.try_get::<i64, _>("n")?))).collect()
    }

    /// Box numbers of a fonds by box id.
    pub async fn box_numbers(&self, fonds_id: i64) -> Result<HashMap<i64, u32>, StoreError> {
        let rows = sqlx::query("SELECT id, number FROM boxes WHERE fonds_id = $1").bind(fonds_id).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>("id")?, r.try_get::<i64, _>("number")? as u32))).collect()
    }

    /// Ids and codes of a mục lục's hồ sơ, in order.
    pub async fn dossier_codes(&self, inventory_id: i64) -> Result<Vec<(i64, DossierCode)>, StoreError> {
        let rows = sqlx::query("SELECT id, file_code, notation, year FROM dossiers WHERE inventory_id = $1 ORDER BY id")
            .bind(inventory_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok((row.try_get("id")?, stored_code(row)?))).collect()
    }

    /// Inserts many văn bản, each with its hồ sơ, in a single transaction: all or nothing.
    pub async fn insert_documents(&self, items: &[(i64, DossierCode, DocumentFields)]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for chunk in items.chunks(BULK_ROWS) {
            let sql = format!(
                "INSERT INTO documents (doc_ordinal, doc_code, type_name, code_number, code_notation, issued_date, organ_name, subject,
                    subject_folded, language, number_of_page, infor_sign, keyword, mode, confidence_level, autograph, format, process, description,
                    classification, dossier_id) VALUES {}",
                values_rows(self.backend, chunk.len(), 21)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (dossier_id, code, fields) in chunk {
                query = bind_document(query, fields, code.doc_code(fields.doc_ordinal)).bind(*dossier_id);
            }
            if let Err(e) = query.execute(&mut *tx).await {
                return Err(if StoreError::is_unique_violation(&e) {
                    conflict("docOrdinal", "duplicate_doc_ordinal", "Có văn bản trùng số thứ tự trong cùng hồ sơ.".into())
                } else {
                    e.into()
                });
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Bytes the catalogue takes on disk (SQLite file and its WAL; the PostgreSQL database).
    pub async fn size_bytes(&self) -> Result<i64, StoreError> {
        let sql = match self.backend {
            crate::Backend::Sqlite => "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            crate::Backend::Postgres => "SELECT pg_database_size(current_database())",
        };
        Ok(sqlx::query(sql).fetch_one(&self.pool).await?.try_get(0)?)
    }
}

// ---- tệp đính kèm ----

/// What a file is attached to: a hồ sơ (its scans, born-digital originals) or a biên bản giao
/// nhận (the signed scan, the giving unit's letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
pub enum AttachmentOwner {
    Dossier(i64),
    Accession(i64),
}

/// A file attached to a hồ sơ or an accession.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: i64,
    pub owner: AttachmentOwner,
    /// The văn bản of its hồ sơ it carries (a file received with it, e.g. over edXML).
    pub document: Option<i64>,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    #[serde(skip)]
    pub blob: String,
    pub sealed: bool,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

fn attachment_from_row(row: &AnyRow) -> Result<Attachment, StoreError> {
    let owner = match (row.try_get::<Option<i64>, _>("dossier_id")?, row.try_get::<Option<i64>, _>("accession_id")?) {
        (Some(dossier), _) => AttachmentOwner::Dossier(dossier),
        (None, Some(accession)) => AttachmentOwner::Accession(accession),
        (None, None) => return Err(StoreError::NotFound("chủ của tệp")),
    };
    Ok(Attachment {
        id: row.try_get("id")?,
        owner,
        document: row.try_get("document_id")?,
        file_name: row.try_get("file_name")?,
        media_type: row.try_get("media_type")?,
        size: row.try_get("size")?,
        sha256: row.try_get("sha256")?,
        blob: row.try_get("blob")?,
        sealed: row.try_get::<i64, _>("sealed")? != 0,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}

/// A file's row under its owner (hồ sơ or accession) and the văn bản it carries; its id.
async fn insert_attachment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    (dossier, accession, document): (Option<i64>, Option<i64>, Option<i64>),
    file: &Attachment,
) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "INSERT INTO attachments (dossier_id, accession_id, document_id, file_name, media_type, size, sha256, blob, sealed, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(dossier)
    .bind(accession)
    .bind(document)
    .bind(&file.file_name)
    .bind(&file.media_type)
    .bind(file.size)
    .bind(&file.sha256)
    .bind(&file.blob)
    .bind(file.sealed as i64)
    .bind(&file.uploaded_by)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

const ATTACHMENT_COLUMNS: &str =
    "id, dossier_id, accession_id, document_id, file_name, media_type, size, sha256, blob, sealed, uploaded_by, uploaded_at";

impl Store {
    pub async fn create_attachment(&self, attachment: &Attachment) -> Result<i64, StoreError> {
        let (dossier, accession) = match attachment.owner {
            AttachmentOwner::Dossier(id) => (Some(self.dossier(id).await?.id), None),
            AttachmentOwner::Accession(id) => (None, Some(self.accession(id).await?.id)),
        };
        let mut tx = self.begin().await?;
        let id = insert_attachment(&mut tx, (dossier, accession, attachment.document), attachment).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn attachment(&self, id: i64) -> Result<Attachment, StoreError> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        attachment_from_row(&row.ok_or(StoreError::NotFound("tệp"))?)
    }

    /// The files of a hồ sơ or an accession, if `visibility` allows their owner.
    pub async fn list_attachments(&self, visibility: &Visibility, owner: AttachmentOwner) -> Result<Vec<Attachment>, StoreError> {
        let mut args = vec![];
        let condition = match owner {
            AttachmentOwner::Dossier(id) => {
                args.push(Arg::Int(id));
                let dossiers = visible_dossiers(visibility, &mut args);
                format!("dossier_id = $1 AND dossier_id IN (SELECT id FROM dossiers WHERE {dossiers})")
            }
            AttachmentOwner::Accession(id) => {
                args.push(Arg::Int(id));
                let accessions = crate::accessions::visible_accessions(visibility);
                format!("accession_id = $1 AND accession_id IN (SELECT id FROM accessions WHERE {accessions})")
            }
        };
        let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE {condition} ORDER BY id");
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(attachment_from_row).collect()
    }
}
