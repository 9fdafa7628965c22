//! The gói lưu trữ (AIP) of a digitized hồ sơ, gathered from the catalogue and the blobs for
//! `kho_packages`: its metadata and each văn bản's, its signed copies read back against their
//! SHA-256, and the events that made them. `kho package export aip` writes it to a file; the hồ
//! sơ page offers it as a download. A hồ sơ holding anything classified is refused: its package
//! is made only inside the enclave, never handed out as a file.

use kho_blobs::{BlobError, Blobs};
use kho_packages::{DataFile, DocumentEntry, DossierAip, Event, EventKind, timestamp};
use kho_store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AipError {
    #[error("hồ sơ {0} chứa tài liệu mật: gói của nó chỉ được lập trong mạng LAN độc lập, không xuất ra tệp")]
    Classified(String),
    #[error("hồ sơ {0} chưa có bản số hóa (PDF/A) nào: gói lưu trữ lập sau khi số hóa")]
    NotDigitized(String),
    #[error("không đọc được {0}: {1}")]
    Blob(String, BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored time (`2026-12-07T01:02:03Z`) as TT05 writes it.
fn stored_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map(|t| timestamp(t.with_timezone(&chrono::Utc))).unwrap_or_else(|_| at.to_string())
}

/// The AIP of `dossier`, made by `agency` (the digitizing body).
pub async fn dossier_aip(store: &Store, blobs: &Blobs, dossier: &kho_model::record::Dossier, agency: &str) -> Result<DossierAip, AipError> {
    let (_, label) = store.whole_dossier_label(dossier).await?;
    let code = dossier.fields.file_code.to_string();
    if label.classification.is_classified() {
        return Err(AipError::Classified(code));
    }
    let renditions = store.renditions(dossier.id).await?;
    if renditions.is_empty() {
        return Err(AipError::NotDigitized(code));
    }
    let fonds = store.fonds(dossier.fonds_id).await?;
    // arcFileCode: the keeping archive's mã định danh before the mã hồ sơ — the fonds' custodian,
    // else the province archive; the mã hồ sơ alone while neither has one.
    let units = store.units().await?;
    let archive = fonds
        .fields
        .custodian_unit_id
        .and_then(|id| units.iter().find(|u| u.id == id))
        .or_else(|| units.iter().find(|u| u.kind == kho_model::UnitKind::ProvinceArchive))
        .and_then(|u| u.agency_code.clone());
    let arc_file_code = match &archive {
        Some(archive) => dossier.fields.file_code.arc_file_code(archive),
        None => code.clone(),
    };
    let documents = store.list_documents(&kho_model::access::Visibility::everything(), dossier.id).await?;
    let now = timestamp(chrono::Utc::now());
    let (mut files, mut events) = (vec![], vec![]);
    for rendition in &renditions {
        // Read back against its SHA-256: the fixity check the package records.
        let bytes =
            blobs.get(&rendition.blob, false, &rendition.sha256).await.map_err(|e| AipError::Blob(rendition.file_name.clone(), e))?;
        let at = stored_time(&rendition.created_at);
        let event =
            |kind, at: &str, detail: String| Event { kind, at: at.into(), detail, success: true, file: Some(rendition.file_name.clone()) };
        events.push(event(EventKind::Capture, &at, format!("Số hóa {} trang, nhận dạng chữ, lập {}", rendition.pages, rendition.standard)));
        if rendition.signed {
            events.push(event(EventKind::SignatureGeneration, &at, format!("Ký số PAdES bởi {agency}")));
        }
        events.push(event(EventKind::FixityCheck, &now, "SHA-256 khớp mã ghi nhận khi lưu".into()));
        files.push(DataFile {
            name: rendition.file_name.clone(),
            media_type: "application/pdf".into(),
            format: rendition.standard.clone(),
            bytes,
            ordinal: rendition.ordinal.map(|o| o as u32),
        });
    }
    events.push(Event {
        kind: EventKind::PackageCreation,
        at: now,
        detail: "Lập gói lưu trữ AIP_hoso theo Thông tư 05/2025/TT-BNV".into(),
        success: true,
        file: None,
    });
    Ok(DossierAip {
        fonds_code: fonds.fields.code.to_string(),
        agency: agency.to_string(),
        arc_file_code,
        dossier: dossier.fields.clone(),
        documents: documents.into_iter().map(|d| DocumentEntry { doc_code: d.doc_code, fields: d.fields }).collect(),
        files,
        events,
        created: chrono::Utc::now(),
        software_version: env!("CARGO_PKG_VERSION").into(),
    })
}
