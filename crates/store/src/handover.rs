//! Bàn giao: the packages received from another Kho (a commune's, at handover), one receipt per
//! hồ sơ created, written in the transaction that creates it; the biên bản bàn giao of a fonds
//! over a period and the Tiếp nhận page's recent receipts are read from them, under the reader's
//! `Visibility`.

use crate::catalogue::{Arg, bind_all, visible_dossiers};
use crate::{Store, StoreError};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// What a package held, as its receipt records it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PackageReceipt {
    pub objid: String,
    /// SIP or AIP.
    pub kind: String,
    pub documents: i64,
    pub files: i64,
    pub pages: i64,
    pub bytes: i64,
    /// Whose signatures its copies carried, as their certificates name them.
    pub signers: Vec<String>,
    /// The account that received it.
    pub received_by: String,
}

/// A receipt read back with the hồ sơ it created.
#[derive(Debug, Clone, Serialize)]
pub struct ReceivedPackage {
    pub id: i64,
    pub dossier_id: i64,
    pub fonds_id: i64,
    pub file_code: String,
    pub title: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub receipt: PackageReceipt,
    /// UTC, as stored.
    pub received_at: String,
}

pub(crate) async fn insert_receipt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dossier_id: i64,
    fonds_id: i64,
    receipt: &PackageReceipt,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO package_receipts (dossier_id, fonds_id, objid, kind, documents, files, pages, bytes, signers, received_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(dossier_id)
    .bind(fonds_id)
    .bind(&receipt.objid)
    .bind(&receipt.kind)
    .bind(receipt.documents)
    .bind(receipt.files)
    .bind(receipt.pages)
    .bind(receipt.bytes)
    .bind(receipt.signers.join("\n"))
    .bind(&receipt.received_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const COLUMNS: &str = "r.id, r.dossier_id, r.fonds_id, d.file_code, d.title, d.start_date, d.end_date, r.objid, r.kind, r.documents, \
                       r.files, r.pages, r.bytes, r.signers, r.received_by, r.received_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ReceivedPackage, StoreError> {
    let signers: String = row.try_get("signers")?;
    Ok(ReceivedPackage {
        id: row.try_get("id")?,
        dossier_id: row.try_get("dossier_id")?,
        fonds_id: row.try_get("fonds_id")?,
        file_code: row.try_get("file_code")?,
        title: row.try_get("title")?,
        start_date: row.try_get("start_date")?,
        end_date: row.try_get("end_date")?,
        receipt: PackageReceipt {
            objid: row.try_get("objid")?,
            kind: row.try_get("kind")?,
            documents: row.try_get("documents")?,
            files: row.try_get("files")?,
            pages: row.try_get("pages")?,
            bytes: row.try_get("bytes")?,
            signers: signers.lines().map(str::to_string).filter(|s| !s.is_empty()).collect(),
            received_by: row.try_get("received_by")?,
        },
        received_at: row.try_get("received_at")?,
    })
}

impl Store {
    /// The packages received into `fonds_id` from `from` to before `until` (UTC instants as
    /// stored), oldest first, at most `limit`, of hồ sơ the reader may see; and how many there
    /// are in all.
    pub async fn received_packages(
        &self,
        visibility: &kho_model::access::Visibility,
        fonds_id: i64,
        from: &str,
        until: &str,
        limit: i64,
    ) -> Result<(Vec<ReceivedPackage>, i64), StoreError> {
        let mut args = vec![Arg::Int(fonds_id), Arg::Text(from.into()), Arg::Text(until.into())];
        let visible = visible_dossiers(visibility, &mut args);
        let conditions =
            format!("r.fonds_id = $1 AND r.received_at >= $2 AND r.received_at < $3 AND d.id IN (SELECT id FROM dossiers WHERE {visible})");
        let total: i64 = bind_all(
            sqlx::query(AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM package_receipts r JOIN dossiers d ON d.id = r.dossier_id WHERE {conditions}"
            ))),
            &args,
        )
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        args.push(Arg::Int(limit));
        let sql = format!(
            "SELECT {COLUMNS} FROM package_receipts r JOIN dossiers d ON d.id = r.dossier_id WHERE {conditions} \
             ORDER BY r.received_at, r.id LIMIT ${}",
            args.len()
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(from_row).collect::<Result<_, _>>()?, total))
    }

    /// The latest `limit` packages received, of hồ sơ the reader may see, newest first.
    pub async fn recent_receipts(
        &self,
        visibility: &kho_model::access::Visibility,
        limit: i64,
    ) -> Result<Vec<ReceivedPackage>, StoreError> {
        let mut args = vec![];
        let visible = visible_dossiers(visibility, &mut args);
        args.push(Arg::Int(limit));
        let sql = format!(
            "SELECT {COLUMNS} FROM package_receipts r JOIN dossiers d ON d.id = r.dossier_id \
             WHERE d.id IN (SELECT id FROM dossiers WHERE {visible}) ORDER BY r.received_at DESC, r.id DESC LIMIT ${}",
            args.len()
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }
}
