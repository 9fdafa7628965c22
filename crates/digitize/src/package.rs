//! The packages of a digitized hồ sơ (SIP to hand over, AIP to keep, DIP to deliver), gathered
//! from the catalogue and the blobs for `kho_packages`: its metadata and each văn bản's, its
//! signed copies read back against their SHA-256, and the events that made them. `kho package
//! export sip|aip|dip` writes one to a file; the hồ sơ page offers the SIP and the AIP. A hồ sơ
//! holding anything classified is refused: its package is made only inside the enclave, never
//! handed out as a file. And a package received (`receive`), at handover.

use kho_blobs::Blobs;
use kho_packages::{DataFile, DocumentEntry, DossierPackage, Event, EventKind, Kind, timestamp};
use kho_store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("hồ sơ {0} chứa tài liệu mật: gói của nó chỉ được lập trong mạng LAN độc lập, không xuất ra tệp")]
    Classified(String),
    #[error("hồ sơ {0} chưa có bản số hóa (PDF/A) nào: gói lập sau khi số hóa")]
    NotDigitized(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored time (`2026-12-07T01:02:03Z`) as TT05 writes it.
fn stored_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map(|t| timestamp(t.with_timezone(&chrono::Utc))).unwrap_or_else(|_| at.to_string())
}

/// The package of `kind` of `dossier`, made by `agency` (the digitizing body, or the archive).
pub async fn dossier_package(
    store: &Store,
    dossier: &kho_model::record::Dossier,
    agency: &str,
    kind: Kind,
) -> Result<DossierPackage, PackageError> {
    let (_, label) = store.whole_dossier_label(dossier).await?;
    let code = dossier.fields.file_code.to_string();
    if label.classification.is_classified() {
        return Err(PackageError::Classified(code));
    }
    let renditions = store.renditions(dossier.id).await?;
    if renditions.is_empty() {
        return Err(PackageError::NotDigitized(code));
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
        // Each copy is read back against its SHA-256 as the ZIP is written (`data_from`): the
        // fixity check the package records; a copy that fails it stops the package.
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
            size: rendition.size as u64,
            sha256: rendition.sha256.clone(),
            source: rendition.blob.clone(),
            ordinal: rendition.ordinal.map(|o| o as u32),
        });
    }
    let event = |kind, detail: String| Event { kind, at: now.clone(), detail, success: true, file: None };
    events.push(event(EventKind::PackageCreation, format!("Lập {} của hồ sơ theo Thông tư 05/2025/TT-BNV", kind.name())));
    if let Kind::Dip(request) = &kind {
        events.push(event(EventKind::Dissemination, format!("Cung cấp cho người khai thác theo phiếu yêu cầu {}", request.id)));
    }
    Ok(DossierPackage {
        kind,
        fonds_code: fonds.fields.code.to_string(),
        agency: agency.to_string(),
        arc_file_code,
        dossier: dossier.fields.clone(),
        documents: documents.into_iter().map(|d| DocumentEntry { doc_code: d.doc_code, fields: d.fields }).collect(),
        files,
        events,
        created: chrono::Utc::now(),
        software_version: env!("CARGO_PKG_VERSION").into(),
        documentation: vec![],
    })
}

/// A package's data files from the blob store, each re-hashed against its SHA-256 as it is read,
/// for `Package::zip`, which runs on a blocking thread (`spawn_blocking`) of `runtime`.
pub fn data_from(blobs: Blobs, runtime: tokio::runtime::Handle) -> impl FnMut(&DataFile) -> std::io::Result<Vec<u8>> {
    move |file| {
        runtime.block_on(blobs.get(&file.source, false, &file.sha256)).map_err(|e| std::io::Error::other(format!("{}: {e}", file.name)))
    }
}

/// What receiving a package did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// The hồ sơ, its văn bản and its copies are now in the catalogue.
    Created { dossier: i64, file_code: String, fonds: String, documents: usize, files: usize, bytes: u64, signers: Vec<String> },
    /// The hồ sơ was received before: nothing new.
    AlreadyHere { dossier: i64, file_code: String },
}

fn field(map: &std::collections::BTreeMap<String, String>, name: &str) -> String {
    map.get(name).cloned().unwrap_or_default()
}

/// Receives a package from another Kho (a commune's, at handover): checked whole first
/// (`kho_packages::check`), then its hồ sơ and văn bản read as a form is read, its files as
/// PDFs, the fonds found (`fonds`, else the one the AIP's OBJID or the mã hồ sơ names) and the
/// mã hồ sơ composed here compared with the package's, every copy's signature verified (and
/// chained to a `trusted` certificate when the archive names any). Every problem at once and nothing
/// created; or the hồ sơ created in one transaction; a package received twice creates nothing.
pub async fn receive<R: std::io::Read + std::io::Seek>(
    store: &Store,
    blobs: &Blobs,
    actor: &kho_model::access::Actor,
    package: R,
    fonds: Option<&str>,
    trusted: &crate::sign::TrustedSigners,
) -> Result<Receipt, Vec<String>> {
    use kho_model::record::{DocumentInput, DossierContext, DossierInput};
    let mut received = kho_packages::check::check(package, kho_packages::check::Limits::default())?;
    if received.checked.kind == "DIP" {
        return Err(vec![
            "Đây là gói khai thác (DIP), bản cung cấp cho người đọc: kho chỉ nhận gói nộp lưu (SIP) hoặc gói lưu trữ (AIP).".into(),
        ]);
    }
    let described = received.described()?;
    let text = field(&described.dossier, "fileCode");
    let Ok(code) = kho_model::ids::DossierCode::try_from(text.clone()) else {
        return Err(vec![format!("Mã hồ sơ (fileCode) “{text}” trong gói không đọc được.")]);
    };
    let store_error = |e: StoreError| vec![format!("Lỗi cơ sở dữ liệu: {e}")];
    let objid_fonds = received.checked.objid.strip_prefix("urn:").and_then(|rest| rest.split_once(":uuid:")).map(|(f, _)| f.to_string());
    let fonds_code = fonds.map(str::to_string).or(objid_fonds).unwrap_or_else(|| code.prefix().to_string());
    let Ok(fonds) = store.fonds_by_code(&fonds_code).await else {
        return Err(vec![format!(
            "Không có phông “{fonds_code}” trong Kho này: tạo phông của đơn vị giao nộp trước rồi nhận lại gói (hoặc chỉ rõ phông bằng --phong)."
        )]);
    };
    // Whoever receives must be allowed to write hồ sơ into that fonds.
    let (place, classification) = store.fonds_place(fonds.id).await.map_err(store_error)?;
    let resource = kho_model::access::Resource::Record { place, classification, mode: None };
    if kho_model::access::authorize(actor, kho_model::access::Action::CatalogueEdit, &resource) != kho_model::access::Decision::Allow {
        return Err(vec![format!("Tài khoản “{}” không được ghi hồ sơ vào phông {fonds_code}.", actor.name)]);
    }
    // Received before: nothing new. Asked only now, by someone who may write into the fonds, and
    // named only to whoever may see the hồ sơ; to anyone else it answers as a taken code does on
    // the hồ sơ form.
    if let Ok(existing) = store.dossier_by_code(&text).await {
        let (place, label) = store.whole_dossier_label(&existing).await.map_err(store_error)?;
        let visible = kho_model::access::authorize(actor, kho_model::access::Action::CatalogueView, &label.on(place))
            == kho_model::access::Decision::Allow;
        return if visible {
            Ok(Receipt::AlreadyHere { dossier: existing.id, file_code: text })
        } else {
            Err(vec![format!("Mã hồ sơ “{text}” đã có trong Kho; mỗi mã hồ sơ chỉ dùng một lần.")])
        };
    }
    let creator = store.unit(fonds.fields.unit_id).await.map_err(store_error)?;
    let number = code.inventory().unwrap_or(1);
    let context = DossierContext { prefix: fonds.code_prefix(&creator), inventory_number: Some(number) };
    let d = &described.dossier;
    let input = DossierInput {
        notation: code.notation().as_str().to_string(),
        year: code.year().to_string(),
        title: field(d, "title"),
        maintenance: field(d, "maintenance"),
        mode: field(d, "mode"),
        language: field(d, "language"),
        start_date: field(d, "startDate"),
        end_date: field(d, "endDate"),
        keyword: field(d, "keyword"),
        total_doc: field(d, "totalDoc"),
        number_of_paper: field(d, "numberOfPaper"),
        number_of_page: field(d, "numberOfPage"),
        format: field(d, "format"),
        infor_sign: field(d, "inforSign"),
        confidence_level: field(d, "confidenceLevel"),
        paper_file_code: field(d, "paperFileCode"),
        risk_recovery: field(d, "riskRecovery"),
        risk_recovery_status: field(d, "riskRecoveryStatus"),
        description: field(d, "description"),
        ..Default::default()
    };
    let mut problems = vec![];
    let fields = match input.parse(&context) {
        Ok(fields) => {
            if fields.file_code.to_string() != text {
                problems.push(format!(
                    "Mã hồ sơ trong gói là “{text}”, Kho này lập được “{}” cho phông {fonds_code}: kiểm tra mã định danh của đơn vị hình thành phông.",
                    fields.file_code
                ));
            }
            Some(fields)
        }
        Err(invalid) => {
            problems.extend(invalid.errors.iter().map(|e| format!("Hồ sơ: {}", e.message)));
            None
        }
    };
    let mut documents = vec![];
    for doc in &described.documents {
        // The AIP names the ordinal; the SIP only within docCode (`….0000002`) and docId (`….2`).
        let ordinal = Some(field(doc, "docOrdinal"))
            .filter(|o| !o.is_empty())
            .or_else(|| {
                ["docCode", "docId"].iter().find_map(|n| doc.get(*n)?.rsplit_once('.')?.1.parse::<u32>().ok().map(|o| o.to_string()))
            })
            .unwrap_or_default();
        let input = DocumentInput {
            doc_ordinal: ordinal.clone(),
            type_name: field(doc, "typeName"),
            code_number: field(doc, "codeNumber"),
            code_notation: field(doc, "codeNotation"),
            issued_date: field(doc, "issuedDate"),
            organ_name: field(doc, "organName"),
            subject: field(doc, "subject"),
            language: field(doc, "language"),
            number_of_page: field(doc, "numberOfPage"),
            infor_sign: field(doc, "inforSign"),
            keyword: field(doc, "keyword"),
            mode: field(doc, "mode"),
            confidence_level: field(doc, "confidenceLevel"),
            autograph: field(doc, "autograph"),
            format: field(doc, "format"),
            process: field(doc, "process"),
            description: field(doc, "description"),
            ..Default::default()
        };
        match input.parse() {
            Ok(parsed) => documents.push(parsed),
            Err(invalid) => {
                let which = ordinal;
                problems.extend(invalid.errors.iter().map(|e| format!("Văn bản số {which}: {}", e.message)));
            }
        }
    }
    // Each copy checked one at a time and let go (a package of many gigabytes never sits in
    // memory), then read again below to be stored: it must still have the SHA-256 its METS
    // listing was checked to have.
    let (mut files, mut signers) = (vec![], vec![]);
    for (path, format) in &described.data {
        let name = path.rsplit('/').next().unwrap_or_default().to_string();
        let bytes = match received.read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        // Opening a PDF and verifying its signature is CPU work: off the async threads.
        let trusted_here = trusted.clone();
        let Ok((inspected, check)) = tokio::task::spawn_blocking(move || {
            (crate::pdf_input::inspect(&bytes, &crate::intake::Limits::default()), crate::sign::verify(&bytes, &trusted_here))
        })
        .await
        else {
            problems.push(format!("{name}: không kiểm tra được"));
            continue;
        };
        let pages = match inspected {
            Ok(pages) => pages,
            Err(refusal) => {
                problems.push(format!("{name}: không phải bản PDF đọc được ({refusal})"));
                continue;
            }
        };
        // A copy handed over carries the signature of the body that digitized it, and it holds.
        match check {
            crate::sign::SignatureCheck::Valid { signer, anchor } => {
                let signer = match anchor {
                    Some(anchor) if anchor == signer => format!("{signer} (chứng thư trong danh sách tin cậy)"),
                    Some(anchor) => format!("{signer} (chứng thư do {anchor} cấp)"),
                    None => format!("{signer} (chứng thư chưa đối chiếu danh sách tin cậy)"),
                };
                if !signers.contains(&signer) {
                    signers.push(signer);
                }
                files.push((path.clone(), name, format.clone(), pages));
            }
            crate::sign::SignatureCheck::Unsigned => {
                problems.push(format!("{name}: bản số hóa chưa được ký số; cơ quan giao nộp phải ký trước khi bàn giao"))
            }
            crate::sign::SignatureCheck::Invalid(reason) => problems.push(format!("{name}: chữ ký số không hợp lệ — {reason}")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let fields = fields.expect("no problem, so parsed");
    // Only now, everything having passed: the mục lục if it is new, the files, then the records.
    let inventories = store.list_inventories(&kho_model::access::Visibility::everything(), fonds.id).await.map_err(store_error)?;
    let inventory = match inventories.iter().find(|i| i.fields.number == number) {
        Some(found) => found.id,
        None => {
            let input = kho_model::record::InventoryInput {
                number: number.to_string(),
                title: format!("Mục lục số {number}"),
                ..Default::default()
            };
            let parsed = input.parse().map_err(|invalid| invalid.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>())?;
            store.create_inventory(fonds.id, &parsed).await.map_err(store_error)?
        }
    };
    let (mut renditions, mut bytes_total) = (vec![], 0u64);
    for (path, name, format, pages) in files {
        let stem = name.trim_end_matches(".pdf").trim_end_matches(".PDF");
        let ordinal = stem.strip_prefix(&format!("{text}.")).and_then(|n| n.parse::<i64>().ok());
        let bytes = received.read(&path).map_err(|e| vec![format!("{name}: {e}")])?;
        bytes_total += bytes.len() as u64;
        let stored = blobs.put(bytes, false).await.map_err(|e| vec![format!("{name}: không lưu được ({e})")])?;
        if Some(stored.sha256.as_str()) != received.digest(&path) {
            return Err(vec![format!("{name}: tệp gói bị thay đổi trong khi đang nhận; hãy nhận lại")]);
        }
        renditions.push(kho_store::RenditionFile {
            ordinal,
            file_name: name,
            standard: format.unwrap_or_else(|| "PDF".into()),
            pages: i64::from(pages),
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            signed: true,
        });
    }
    let receipt = kho_store::PackageReceipt {
        objid: received.checked.objid.clone(),
        kind: received.checked.kind.clone(),
        documents: documents.len() as i64,
        files: renditions.len() as i64,
        pages: renditions.iter().map(|r| r.pages).sum(),
        bytes: bytes_total as i64,
        signers: signers.clone(),
        received_by: actor.name.clone(),
    };
    let dossier = store.receive_dossier(inventory, &fields, &documents, &renditions, Some(&receipt)).await.map_err(store_error)?;
    Ok(Receipt::Created {
        dossier,
        file_code: text,
        fonds: fonds_code,
        documents: documents.len(),
        files: renditions.len(),
        bytes: bytes_total,
        signers,
    })
}
