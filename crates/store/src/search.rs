//! What the search index reads from the catalogue: the hồ sơ of a change (with their văn bản and
//! the text of their pages read by OCR), the ordered log of changes (migration 29) and the hồ sơ
//! in order for a rebuild.

use crate::{Store, StoreError};
use sqlx::{AssertSqlSafe, Row};

/// The hồ sơ of a change that asks for every hồ sơ: no hồ sơ has id 0.
pub const REBUILD_ALL: i64 = 0;

/// A hồ sơ as the index reads it.
#[derive(Debug, Clone)]
pub struct SearchDossier {
    pub id: i64,
    pub fonds_id: i64,
    pub unit_id: i64,
    pub classification: i64,
    pub mode: String,
    pub year: i64,
    pub maintenance: String,
    pub file_code: String,
    pub title: String,
    pub keyword: Option<String>,
    pub description: Option<String>,
    /// Destroyed (hủy): still found by those who may see the record, marked so.
    pub destroyed: bool,
}

/// A văn bản as the index reads it.
#[derive(Debug, Clone)]
pub struct SearchDocument {
    pub id: i64,
    pub dossier_id: i64,
    pub type_name: String,
    pub code_number: Option<String>,
    pub code_notation: Option<String>,
    pub issued_date: String,
    pub subject: String,
    pub organ_name: String,
    pub keyword: Option<String>,
    pub description: Option<String>,
}

/// A page read by OCR: its place among its hồ sơ's pages (the page of the signed PDF) and its text.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub id: i64,
    pub dossier_id: i64,
    pub position: u32,
    pub text: String,
}

/// Everything the index holds of some hồ sơ.
#[derive(Debug, Clone, Default)]
pub struct SearchSource {
    pub dossiers: Vec<SearchDossier>,
    pub documents: Vec<SearchDocument>,
    pub pages: Vec<SearchPage>,
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// The hồ sơ `ids` (those that still exist), their văn bản and their pages' text.
    pub async fn search_source(&self, ids: &[i64]) -> Result<SearchSource, StoreError> {
        if ids.is_empty() {
            return Ok(SearchSource::default());
        }
        let list = id_list(ids);
        let mut source = SearchSource::default();
        let sql = format!(
            "SELECT d.id, d.fonds_id, f.unit_id, d.classification, d.mode, d.year, d.maintenance, d.file_code, d.title, d.keyword,
                    d.description, d.disposal
             FROM dossiers d JOIN fonds f ON f.id = d.fonds_id WHERE d.id IN ({list})"
        );
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            source.dossiers.push(SearchDossier {
                id: row.try_get("id")?,
                fonds_id: row.try_get("fonds_id")?,
                unit_id: row.try_get("unit_id")?,
                classification: row.try_get("classification")?,
                mode: row.try_get("mode")?,
                year: row.try_get("year")?,
                maintenance: row.try_get("maintenance")?,
                file_code: row.try_get("file_code")?,
                title: row.try_get("title")?,
                keyword: row.try_get("keyword")?,
                description: row.try_get("description")?,
                destroyed: row.try_get::<Option<String>, _>("disposal")?.as_deref() == Some("da_huy"),
            });
        }
        let sql = format!(
            "SELECT id, dossier_id, type_name, code_number, code_notation, issued_date, subject, organ_name, keyword, description
             FROM documents WHERE dossier_id IN ({list}) ORDER BY dossier_id, doc_ordinal"
        );
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            source.documents.push(SearchDocument {
                id: row.try_get("id")?,
                dossier_id: row.try_get("dossier_id")?,
                type_name: row.try_get("type_name")?,
                code_number: row.try_get("code_number")?,
                code_notation: row.try_get("code_notation")?,
                issued_date: row.try_get("issued_date")?,
                subject: row.try_get("subject")?,
                organ_name: row.try_get("organ_name")?,
                keyword: row.try_get("keyword")?,
                description: row.try_get("description")?,
            });
        }
        let sql = format!(
            "SELECT id, dossier_id, ocr_text FROM scan_pages WHERE dossier_id IN ({list}) AND state = 'done'
             ORDER BY dossier_id, file_id, page_no"
        );
        let mut position = (0i64, 0u32);
        for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await? {
            let dossier_id: i64 = row.try_get("dossier_id")?;
            position = if position.0 == dossier_id { (dossier_id, position.1 + 1) } else { (dossier_id, 1) };
            // A sealed page keeps its text in its sealed word boxes, never here: it is not indexed.
            if let Some(text) = row.try_get::<Option<String>, _>("ocr_text")?.filter(|t| !t.trim().is_empty()) {
                source.pages.push(SearchPage { id: row.try_get("id")?, dossier_id, position: position.1, text });
            }
        }
        Ok(source)
    }

    /// The changes after `after`, oldest first, at most `limit`: (change, hồ sơ), the hồ sơ
    /// [`REBUILD_ALL`] asking for everything.
    pub async fn search_changes_after(&self, after: i64, limit: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query("SELECT id, dossier_id FROM search_changes WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("dossier_id")?))).collect()
    }

    /// The first change still kept (None when the log is empty): a replica that read up to before
    /// it missed the changes pruned since, and must rebuild.
    pub async fn search_change_first(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query("SELECT MIN(id) FROM search_changes").fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// Forgets the changes logged before `before` (ISO instant, UTC), keeping the last one so the
    /// log always says where it stands; how many.
    pub async fn prune_search_changes(&self, before: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM search_changes WHERE changed_at < $1 AND id < (SELECT MAX(id) FROM search_changes)")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Asks every index fed from this log to be rebuilt whole (`kho search reindex` while a
    /// server holds its index): a change of [`REBUILD_ALL`], read in order like any other, so each
    /// `kho serve` on this catalogue rebuilds its own replica once. The change's id.
    pub async fn request_search_rebuild(&self) -> Result<i64, StoreError> {
        sqlx::query("INSERT INTO search_changes (dossier_id) VALUES ($1)").bind(REBUILD_ALL).execute(&self.pool).await?;
        self.search_change_head().await
    }

    /// The last change logged (0 when none).
    pub async fn search_change_head(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COALESCE(MAX(id), 0) FROM search_changes").fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// Hồ sơ ids after `after`, in order, at most `limit`: a rebuild's walk.
    pub async fn dossier_ids_after(&self, after: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// How many hồ sơ the catalogue holds, all of them (a rebuild's total).
    pub async fn dossier_total(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM dossiers").fetch_one(&self.pool).await?.try_get(0)?)
    }
}
