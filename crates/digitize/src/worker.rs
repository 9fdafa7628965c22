//! `kho worker`: claims jobs from the catalogue's queue and does them — a page checked and read,
//! a hồ sơ assembled into its PDF/A — renewing its lease while it works. Outputs are written to
//! the blob store first (content-addressed, so a retry writes the same names) and become visible
//! only when the job's results are committed with its closing; a worker killed at any moment
//! leaves its job to be claimed again once the lease runs out.

use crate::checks::Problem;
use crate::intake::{Format, Limits};
use crate::ocr::Word;
use crate::pdfa::{self, Conformance, Metadata};
use kho_blobs::{BlobError, Blobs};
use kho_store::{Job, JobKind, PageResult, RenditionFile, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

#[derive(Clone)]
pub struct WorkerConfig {
    /// Who holds a claim: host and process, plus the slot.
    pub name: String,
    pub lease_seconds: i64,
    pub max_attempts: i64,
    pub limits: Limits,
    /// The digitizing organisation, written into each PDF/A (and its signature).
    pub organisation: String,
    pub conformance: Conformance,
    /// How long an idle worker waits before asking again.
    pub idle_poll: Duration,
    /// The digitizing organisation's key: each PDF/A is signed with it (PAdES). Without one the
    /// PDF/A is kept unsigned and shown so.
    pub signer: Option<Arc<dyn crate::sign::SigningKey>>,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            name: format!("{}-{}", hostname(), std::process::id()),
            lease_seconds: 120,
            max_attempts: 3,
            limits: Limits::default(),
            organisation: "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên".into(),
            conformance: Conformance::A2b,
            idle_poll: Duration::from_secs(2),
            signer: None,
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "kho".into())
}

#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The job cannot succeed as it stands; the operator sees why.
    #[error("{0}")]
    Definitive(String),
    /// Something around the job failed (database, blob store, Tesseract): try again later.
    #[error("{0}")]
    Transient(String),
}

impl From<StoreError> for WorkError {
    fn from(e: StoreError) -> WorkError {
        WorkError::Transient(e.to_string())
    }
}

impl From<BlobError> for WorkError {
    fn from(e: BlobError) -> WorkError {
        match e {
            BlobError::Missing(_) | BlobError::Corrupt(_) | BlobError::Unsealable(_) | BlobError::NoKey => {
                WorkError::Definitive(e.to_string())
            }
            other => WorkError::Transient(other.to_string()),
        }
    }
}

/// Aborts a task when dropped: the lease renewal ends with the work, even if the work panics.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What one claimed job came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(JobKind),
    Failed(JobKind, String),
    /// The claim was lost (the lease ran out and another worker took the job).
    Superseded(JobKind),
}

pub struct Worker {
    store: Store,
    blobs: Blobs,
    config: WorkerConfig,
    /// The last master read: a multi-page TIFF is fetched once for all its pages.
    cache: Mutex<Option<(String, bytes::Bytes)>>,
}

impl Worker {
    pub fn new(store: Store, blobs: Blobs, config: WorkerConfig) -> Worker {
        Worker { store, blobs, config, cache: Mutex::new(None) }
    }

    /// Claims the most urgent job and does it; `None` when the queue is empty.
    pub async fn run_one(&self, slot: usize) -> Result<Option<Outcome>, StoreError> {
        let name = format!("{}#{slot}", self.config.name);
        let Some(job) = self.store.claim_job(&name, self.config.lease_seconds, self.config.max_attempts).await? else {
            return Ok(None);
        };
        // Keep the claim alive while the work runs (a database hiccup is retried at the next
        // tick; only a lost claim stops it), and stop renewing however the work ends — a panic
        // included — so that the lease runs out and the job is claimed again.
        let _renewing = {
            let (store, job, lease) = (self.store.clone(), job.clone(), self.config.lease_seconds);
            AbortOnDrop(tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs((lease / 3).max(1) as u64)).await;
                    if let Ok(false) = store.renew_job(&job, lease).await {
                        break;
                    }
                }
            }))
        };
        let result = match job.kind {
            JobKind::Page => self.page(&job).await,
            JobKind::Assemble => self.assemble(&job).await,
        };
        // A failure that outlives its tries is the operator's to see, not a loop.
        let result = match result {
            Err(WorkError::Transient(reason)) if job.attempt >= self.config.max_attempts => {
                Err(WorkError::Definitive(format!("{reason} (sau {} lần thử)", job.attempt)))
            }
            other => other,
        };
        let outcome = match result {
            Ok(true) => Outcome::Done(job.kind),
            Ok(false) => Outcome::Superseded(job.kind),
            Err(WorkError::Definitive(reason)) => {
                tracing::warn!(job = job.id, %reason, "job failed");
                if self.store.fail_job(&job, &reason).await? { Outcome::Failed(job.kind, reason) } else { Outcome::Superseded(job.kind) }
            }
            Err(WorkError::Transient(reason)) => {
                tracing::warn!(job = job.id, %reason, "job put back");
                self.store.release_job(&job).await?;
                tokio::time::sleep(self.config.idle_poll).await;
                Outcome::Failed(job.kind, reason)
            }
        };
        Ok(Some(outcome))
    }

    /// Runs `slots` claim loops until `stop` turns true (or, with `until_idle`, until no job is
    /// waiting or running — a dead worker's job counts as running until its lease runs out).
    /// Returns how many jobs were done.
    pub async fn run(self: Arc<Self>, slots: usize, until_idle: bool, stop: tokio::sync::watch::Receiver<bool>) -> Result<u64, StoreError> {
        let mut tasks = vec![];
        for slot in 0..slots.max(1) {
            let (worker, mut stop) = (self.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let mut done = 0u64;
                while !*stop.borrow() {
                    match worker.run_one(slot).await? {
                        Some(_) => done += 1,
                        None if until_idle => {
                            let counts = worker.store.queue_counts(None).await?;
                            if counts.queued == 0 && counts.running == 0 {
                                break;
                            }
                            tokio::time::sleep(worker.config.idle_poll.min(Duration::from_millis(500))).await;
                        }
                        None => {
                            tokio::select! {
                                _ = tokio::time::sleep(worker.config.idle_poll) => {}
                                _ = stop.changed() => {}
                            }
                        }
                    }
                }
                Ok::<u64, StoreError>(done)
            }));
        }
        let mut total = 0;
        for task in tasks {
            total += task.await.map_err(|e| StoreError::Io(e.to_string()))??;
        }
        Ok(total)
    }

    async fn master(&self, blob: &str, sealed: bool, sha256: &str) -> Result<bytes::Bytes, WorkError> {
        let mut cache = self.cache.lock().await;
        if let Some((name, bytes)) = cache.as_ref()
            && name == blob
        {
            return Ok(bytes.clone());
        }
        let bytes = bytes::Bytes::from(self.blobs.get(blob, sealed, sha256).await?);
        *cache = Some((blob.to_string(), bytes.clone()));
        Ok(bytes)
    }

    async fn page(&self, job: &Job) -> Result<bool, WorkError> {
        let page = self.store.scan_page(job.subject_id).await?;
        let bytes = self.master(&page.blob, page.sealed, &page.sha256).await?;
        let format =
            Format::from_code(&page.format).ok_or_else(|| WorkError::Definitive(format!("định dạng “{}” không rõ", page.format)))?;
        let (limits, number) = (self.config.limits, page.page_no as u32);
        let decoded = tokio::task::spawn_blocking(move || crate::intake::decode_page(format, &bytes, number, &limits))
            .await
            .map_err(|e| WorkError::Transient(e.to_string()))?;
        let image = match decoded {
            Ok(image) => image,
            Err(refusal) => {
                let problems =
                    vec![Problem { code: "damaged".into(), message: format!("trang {number} của “{}”: {refusal}", page.file_name) }];
                let result = PageResult { problems: Some(serde_json::to_string(&problems).expect("JSON")), ..Default::default() };
                return Ok(self.store.finish_page(job, page.id, &result).await?);
            }
        };
        let dpi = image.dpi;
        let read = crate::pipeline::read_page(image, page.original_kind).await.map_err(|e| WorkError::Transient(e.to_string()))?;
        let f = &read.findings;
        let mut result = PageResult {
            width: i64::from(f.width),
            height: i64::from(f.height),
            dpi: i64::from(dpi),
            colour: f.colour,
            skew_centidegrees: (f.skew_degrees * 100.0).round() as i64,
            warnings: (!f.warnings.is_empty()).then(|| serde_json::to_string(&f.warnings).expect("JSON")),
            ..Default::default()
        };
        match read.read {
            None => result.problems = Some(serde_json::to_string(&f.problems).expect("JSON")),
            Some(reading) => {
                let words = serde_json::to_vec(&PageWords {
                    width: reading.width,
                    height: reading.height,
                    colour: reading.colour,
                    words: reading.text.words,
                })
                .expect("JSON");
                let image = self.blobs.put(reading.image, page.sealed).await?;
                let words = self.blobs.put(words, page.sealed).await?;
                // A sealed page's text is classified: it lives only in its sealed word boxes, never
                // in clear in the catalogue.
                result.ocr_text = (!page.sealed).then_some(reading.text.text);
                result.ocr_confidence = Some(reading.text.confidence.round() as i64);
                result.image_blob = Some(image.name);
                result.words_blob = Some(words.name);
            }
        }
        Ok(self.store.finish_page(job, page.id, &result).await?)
    }

    async fn assemble(&self, job: &Job) -> Result<bool, WorkError> {
        let dossier = self.store.dossier(job.subject_id).await?;
        let pages = self.store.dossier_pages(dossier.id).await?;
        if let Some(page) = pages.iter().find(|p| p.state != "done") {
            return Err(WorkError::Definitive(format!("trang {} của “{}” chưa đạt kiểm tra", page.page_no, page.file_name)));
        }
        let expected = dossier.fields.number_of_page as usize;
        if pages.len() != expected {
            return Err(WorkError::Definitive(format!(
                "hồ sơ có {} trang quét nhưng phiếu tin ghi {expected} trang; hãy quét bổ sung hoặc sửa số trang của hồ sơ rồi chạy lại",
                pages.len()
            )));
        }
        let code = dossier.fields.file_code.to_string();
        let documents = self.store.list_documents(&kho_model::access::Visibility::everything(), dossier.id).await?;
        let mut renditions = vec![];
        for (ordinal, part) in parts(&pages, &documents) {
            let mut loaded = vec![];
            for page in &part {
                let (Some(image), Some(words)) = (&page.image_blob, &page.words_blob) else {
                    return Err(WorkError::Definitive(format!("trang {} của “{}” chưa có ảnh hoặc chữ", page.page_no, page.file_name)));
                };
                let image = self.blobs.read(image, page.sealed).await?;
                let words_bytes = self.blobs.read(words, page.sealed).await?;
                let words: PageWords =
                    serde_json::from_slice(&words_bytes).map_err(|e| WorkError::Definitive(format!("chữ của trang hỏng: {e}")))?;
                let unreadable = format!("ảnh trang {} của “{}” không phải JPEG hay PNG", page.page_no, page.file_name);
                loaded.push((image, words, page.dpi.unwrap_or(300) as u32, unreadable));
            }
            // The file name carries the mã hồ sơ as a file can (`01/HS` is written `01-HS`).
            let stem = kho_model::ids::file_stem(&code);
            let name = match ordinal {
                Some(n) => format!("{stem}.{n}.pdf"),
                None => format!("{stem}.pdf"),
            };
            let document = ordinal.and_then(|n| documents.iter().find(|d| i64::from(d.fields.doc_ordinal) == n));
            let meta = Metadata {
                title: match (ordinal, document) {
                    (_, Some(d)) => d.fields.subject.clone(),
                    (Some(n), None) => format!("{} (văn bản số {n})", dossier.fields.title),
                    (None, None) => dossier.fields.title.clone(),
                },
                author: self.config.organisation.clone(),
                subject: name.trim_end_matches(".pdf").to_string(),
                keywords: document.and_then(|d| d.fields.keyword.clone()).or_else(|| dossier.fields.keyword.clone()).unwrap_or_default(),
                created: chrono::Local::now().fixed_offset(),
            };
            let conformance = self.config.conformance;
            let (signer, organisation) = (self.config.signer.clone(), self.config.organisation.clone());
            let signed = signer.is_some();
            let bytes = tokio::task::spawn_blocking(move || {
                let pages: Vec<pdfa::Page> = loaded
                    .iter()
                    .map(|(image, w, dpi, unreadable)| {
                        Ok(pdfa::Page {
                            picture: pdfa::Picture::of(image).ok_or_else(|| WorkError::Definitive(unreadable.clone()))?,
                            width: w.width,
                            height: w.height,
                            dpi: *dpi,
                            colour: w.colour,
                            words: &w.words,
                        })
                    })
                    .collect::<Result<_, WorkError>>()?;
                let created = meta.created;
                let pdf = pdfa::write(&pages, &meta, conformance);
                // Signing is the last write: the PDF/A first, then the signature as an incremental update.
                match signer {
                    Some(key) => {
                        crate::sign::sign(&pdf, key.as_ref(), &organisation, created).map_err(|e| WorkError::Transient(e.to_string()))
                    }
                    None => Ok(pdf),
                }
            })
            .await
            .map_err(|e| WorkError::Transient(e.to_string()))??;
            let sealed = part.iter().any(|p| p.sealed);
            let stored = self.blobs.put(bytes, sealed).await?;
            renditions.push(RenditionFile {
                ordinal,
                file_name: name,
                standard: conformance.label().into(),
                pages: part.len() as i64,
                size: stored.size as i64,
                sha256: stored.sha256,
                blob: stored.name,
                signed,
            });
        }
        Ok(self.store.finish_assembly(job, dossier.id, &renditions).await?)
    }
}

/// How a hồ sơ's pages make PDF/A files, each with its văn bản STT (`None`: the whole hồ sơ).
/// Files named by STT (`<mã hồ sơ>.<STT>`) make one PDF/A each. A hồ sơ scanned whole is split
/// by its mục lục văn bản when the văn bản's page counts, in STT order, add up to its pages —
/// TT 05/2025 names digitized files per văn bản; otherwise it makes one PDF/A.
fn parts<'a>(
    pages: &'a [kho_store::ScanPage],
    documents: &[kho_model::record::Document],
) -> Vec<(Option<i64>, Vec<&'a kho_store::ScanPage>)> {
    let whole = pages.iter().all(|p| p.ordinal.is_none());
    let mut documents: Vec<_> = documents.iter().map(|d| (i64::from(d.fields.doc_ordinal), d.fields.number_of_page as usize)).collect();
    documents.sort();
    let splits = whole
        && !documents.is_empty()
        && documents.iter().all(|(_, n)| *n > 0)
        && documents.iter().map(|(_, n)| n).sum::<usize>() == pages.len();
    if splits {
        let mut rest = pages;
        return documents
            .into_iter()
            .map(|(ordinal, n)| {
                let (part, after) = rest.split_at(n);
                rest = after;
                (Some(ordinal), part.iter().collect())
            })
            .collect();
    }
    let mut parts: Vec<(Option<i64>, Vec<&kho_store::ScanPage>)> = vec![];
    for page in pages {
        match parts.last_mut() {
            Some((ordinal, list)) if *ordinal == page.ordinal => list.push(page),
            _ => parts.push((page.ordinal, vec![page])),
        }
    }
    parts
}

/// A page's text from its stored words (line by line), for a page whose text is kept only there
/// — a sealed page's.
pub fn page_text(words_json: &[u8]) -> Option<String> {
    let page: PageWords = serde_json::from_slice(words_json).ok()?;
    let mut text = String::new();
    let mut line = None;
    for word in &page.words {
        if line.is_some() {
            text.push(if line == Some(word.line) { ' ' } else { '\n' });
        }
        text.push_str(&word.text);
        line = Some(word.line);
    }
    Some(text)
}

/// The words of a page as kept in the blob store, with the size of the image they sit on.
#[derive(serde::Serialize, serde::Deserialize)]
struct PageWords {
    width: u32,
    height: u32,
    colour: bool,
    words: Vec<Word>,
}
