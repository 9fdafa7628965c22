//! `kho package export aip HỒ_SƠ -o FILE`: the gói lưu trữ (AIP) of a digitized hồ sơ — its
//! metadata and each văn bản's, its signed PDF/A copies read back and checked against their
//! SHA-256, and the events that made them — as one ZIP (TT 05/2025, Phụ lục I).

use anyhow::{Context, Result, bail};
use kho_blobs::Blobs;
use kho_packages::{DataFile, DocumentEntry, DossierAip, Event, EventKind, timestamp};
use kho_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// A hồ sơ by its id or its mã hồ sơ.
async fn dossier(store: &Store, reference: &str) -> Result<kho_model::record::Dossier> {
    Ok(match reference.trim().parse::<i64>() {
        Ok(id) => store.dossier(id).await,
        Err(_) => store.dossier_by_code(reference.trim()).await,
    }
    .with_context(|| format!("không có hồ sơ “{reference}”"))?)
}

/// A stored time (`2026-12-07T01:02:03Z`) as TT05 writes it.
fn stored_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map(|t| timestamp(t.with_timezone(&chrono::Utc))).unwrap_or_else(|_| at.to_string())
}

pub async fn export_aip(store: &Store, blobs: &Blobs, reference: &str, out: &Path, agency: &str) -> Result<ExitCode> {
    let dossier = dossier(store, reference).await?;
    let (_, label) = store.dossier_label(&dossier).await?;
    if label.classification.is_classified() {
        bail!("hồ sơ {} chứa tài liệu mật: gói của nó chỉ được lập trong mạng LAN độc lập, không xuất ra tệp", dossier.fields.file_code);
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
        Some(code) => dossier.fields.file_code.arc_file_code(code),
        None => dossier.fields.file_code.to_string(),
    };
    let documents = store.list_documents(&kho_model::access::Visibility::everything(), dossier.id).await?;
    let renditions = store.renditions(dossier.id).await?;
    if renditions.is_empty() {
        bail!("hồ sơ {} chưa có bản số hóa (PDF/A) nào: gói lưu trữ lập sau khi số hóa", dossier.fields.file_code);
    }
    let now = timestamp(chrono::Utc::now());
    let (mut files, mut events) = (vec![], vec![]);
    for rendition in &renditions {
        // Read back against its SHA-256: the fixity check the package records.
        let bytes = blobs
            .get(&rendition.blob, false, &rendition.sha256)
            .await
            .with_context(|| format!("không đọc được {}", rendition.file_name))?;
        let at = stored_time(&rendition.created_at);
        events.push(Event {
            kind: EventKind::Capture,
            at: at.clone(),
            detail: format!("Số hóa {} trang, nhận dạng chữ, lập {}", rendition.pages, rendition.standard),
            success: true,
            file: Some(rendition.file_name.clone()),
        });
        if rendition.signed {
            events.push(Event {
                kind: EventKind::SignatureGeneration,
                at,
                detail: format!("Ký số PAdES bởi {agency}"),
                success: true,
                file: Some(rendition.file_name.clone()),
            });
        }
        events.push(Event {
            kind: EventKind::FixityCheck,
            at: now.clone(),
            detail: "SHA-256 khớp mã ghi nhận khi lưu".into(),
            success: true,
            file: Some(rendition.file_name.clone()),
        });
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
    let aip = DossierAip {
        fonds_code: fonds.fields.code.to_string(),
        agency: agency.to_string(),
        arc_file_code,
        documents: documents.into_iter().map(|d| DocumentEntry { doc_code: d.doc_code, fields: d.fields }).collect(),
        dossier: dossier.fields,
        files,
        events,
        created: chrono::Utc::now(),
        software_version: env!("CARGO_PKG_VERSION").into(),
    };
    let package = aip.build();
    // Written whole, then renamed: a cut leaves no half package under the name asked for.
    let partial = out.with_extension("zip.part");
    let file = std::fs::File::create(&partial).with_context(|| format!("không tạo được {}", partial.display()))?;
    package.zip(std::io::BufWriter::new(file)).context("không ghi được gói")?.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, out)?;
    println!("Đã lập gói lưu trữ {} ({} tệp) vào {}.", package.objid, package.files.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
