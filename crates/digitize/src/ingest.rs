//! Taking a scanner's file into a batch: checked whole ([`intake::inspect`]), kept untouched as
//! the master in the blob store (sealed when its hồ sơ is classified), then recorded with a job
//! per page — the one path for the browser upload and `kho ingest`.

use crate::intake::{self, Limits, Refused};
use kho_blobs::Blobs;
use kho_model::access::Visibility;
use kho_model::digitization::{ScanName, scan_name};
use kho_store::{NewScanFile, Store};
use std::collections::HashMap;

/// The hồ sơ of a batch by mã hồ sơ as a file name ([`kho_model::ids::file_stem`]: `01/HS`
/// is written `01-HS`), to map files' names to them.
pub struct BatchCodes {
    pub batch_id: i64,
    /// mã hồ sơ as a file name → (dossier id, sealed).
    pub dossiers: HashMap<String, (i64, bool)>,
    /// Names two hồ sơ of the batch share (same year and số ký hiệu): they map to neither.
    pub ambiguous: std::collections::HashSet<String>,
    /// Every hồ sơ of the batch the person may fill → sealed.
    pub sealed: HashMap<i64, bool>,
}

impl BatchCodes {
    /// The hồ sơ of the batch the person may fill: those they may see whose content — the hồ sơ
    /// with every văn bản in it — is within their clearance (the others are as absent). One query,
    /// however large the batch: this runs on every upload.
    pub async fn load(store: &Store, batch_id: i64, visibility: &Visibility) -> Result<BatchCodes, kho_store::StoreError> {
        let mut dossiers = HashMap::new();
        let mut ambiguous = std::collections::HashSet::new();
        let mut by_id = HashMap::new();
        for (id, code, classification) in store.batch_codes(batch_id, visibility).await? {
            if classification.level() > visibility.clearance {
                continue;
            }
            let sealed = classification.is_classified();
            by_id.insert(id, sealed);
            let stem = kho_model::ids::file_stem(&code);
            if dossiers.insert(stem.clone(), (id, sealed)).is_some() {
                ambiguous.insert(stem);
            }
        }
        for stem in &ambiguous {
            dossiers.remove(stem);
        }
        Ok(BatchCodes { batch_id, dossiers, ambiguous, sealed: by_id })
    }

    /// Which hồ sơ (and văn bản STT) a file's name says it is.
    pub fn map(&self, file_name: &str) -> Option<ScanName> {
        scan_name(file_name, |code| self.dossiers.contains_key(code) || self.ambiguous.contains(code))
    }

    /// The hồ sơ (id, sealed) and văn bản STT a file goes to: the hồ sơ chosen, or the one its
    /// name says; `None` when that is no hồ sơ the person may fill.
    pub fn target(&self, chosen: Option<i64>, file_name: &str) -> Option<((i64, bool), Option<u32>)> {
        let mapped = self.map(file_name);
        match chosen {
            Some(dossier) => self.sealed.get(&dossier).map(|sealed| ((dossier, *sealed), mapped.and_then(|m| m.ordinal))),
            None => mapped.and_then(|m| self.dossiers.get(&m.file_code).map(|d| (*d, m.ordinal))),
        }
    }
}

/// What became of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Recorded, with its pages queued.
    New { file_id: i64, pages: u32 },
    /// These bytes were already recorded for this hồ sơ.
    Again { file_id: i64 },
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{0}")]
    Refused(#[from] Refused),
    #[error("{0}")]
    Blob(#[from] kho_blobs::BlobError),
    #[error("{0}")]
    Store(#[from] kho_store::StoreError),
}

/// Checks a file and records it as a master of `dossier_id` (văn bản `ordinal`, or the whole hồ
/// sơ) in the batch. Nothing is recorded unless the whole file passed.
#[allow(clippy::too_many_arguments)]
pub async fn take(
    store: &Store,
    blobs: &Blobs,
    limits: &Limits,
    batch_id: i64,
    (dossier_id, sealed): (i64, bool),
    ordinal: Option<u32>,
    file_name: &str,
    bytes: bytes::Bytes,
    by: &str,
) -> Result<Taken, IngestError> {
    let (name, limits_copy, checked) = (file_name.to_string(), *limits, bytes.clone());
    let master = tokio::task::spawn_blocking(move || intake::inspect(&name, &checked, &limits_copy))
        .await
        .map_err(|e| Refused { file: file_name.into(), refusal: intake::Refusal::Damaged(e.to_string()) })??;
    let stored = blobs.put(bytes, sealed).await?;
    let file = NewScanFile {
        batch_id,
        dossier_id,
        ordinal: ordinal.map(i64::from),
        file_name: file_name.to_string(),
        format: master.format.code().into(),
        size: stored.size as i64,
        sha256: stored.sha256,
        blob: stored.name,
        sealed,
        page_count: i64::from(master.pages),
        uploaded_by: by.to_string(),
    };
    let (file_id, new) = store.add_scan_file(&file).await?;
    Ok(if new { Taken::New { file_id, pages: master.pages } } else { Taken::Again { file_id } })
}

/// Puts hồ sơ into a batch, each with the plan's priority computed from its retention and title.
pub async fn add_to_batch(store: &Store, batch_id: i64, dossier_ids: &[i64]) -> Result<(), kho_store::StoreError> {
    let mut entries = vec![];
    for id in dossier_ids {
        let dossier = store.dossier(*id).await?;
        let priority = kho_model::digitization::priority(&dossier.fields.title, dossier.fields.maintenance, false);
        entries.push((*id, priority.rank, priority.reason));
    }
    store.add_to_batch(batch_id, &entries).await
}
