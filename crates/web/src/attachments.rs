//! Tệp đính kèm: files uploaded to a hồ sơ (scans, born-digital originals) or to a biên bản giao
//! nhận (its signed scan, the giving unit's letter). One upload path serves both owners: each
//! file is stored whole in the blob store (sealed when its hồ sơ is classified), then recorded and
//! audited; a refused file is named in Vietnamese and leaves nothing half-stored.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::records::{self, Refused};
use axum::Extension;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kho_model::access::Action;
use kho_store::{Attachment, AttachmentOwner};
use minijinja::{Value, context};

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/ho-so/{id}/tep", post(dossier_upload).layer(DefaultBodyLimit::max(max_upload)))
        .route("/ho-so/{id}/edxml", post(dossier_edxml).layer(DefaultBodyLimit::max(max_upload)))
        .route("/tiep-nhan/{id}/tep", post(accession_upload).layer(DefaultBodyLimit::max(max_upload)))
        .route("/tep/{id}", get(download))
}

/// The files of an owner as the page's `attachments` list (see the `attachments` macro).
pub async fn listed(state: &AppState, ctx: &Ctx, owner: AttachmentOwner) -> Result<Vec<Value>, PageError> {
    Ok(state
        .store
        .list_attachments(&ctx.actor.visibility(), owner)
        .await?
        .iter()
        .map(|a| context! { id => a.id, name => a.file_name.clone(), size => a.size, sha256 => a.sha256.clone(), sealed => a.sealed, by => a.uploaded_by.clone(), at => a.uploaded_at.clone(), document => a.document })
        .collect())
}

/// A hồ sơ the person may write files into, and whether its content is classified — as secret
/// as its most secret văn bản, so that its files are sealed (and only on the enclave).
async fn writable_dossier(state: &AppState, ctx: &Ctx, id: i64) -> Result<(kho_model::record::Dossier, bool), PageError> {
    let (dossier, fonds) = records::dossier_for(state, ctx, Action::CatalogueEdit, id).await?;
    let (documents, _) = state.store.documents_label(id).await?;
    let classified = dossier.fields.classification.max(fonds.fields.classification).max(documents).is_classified();
    Ok((dossier, classified))
}

async fn dossier_upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    match attach_to_dossier(&state, &ctx, id, multipart).await? {
        Ok(()) => Ok(crate::pages::saved(format!("/ho-so/{id}"))),
        Err(message) => crate::pages::render_dossier(&state, &ctx, id, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// Stores the form's files into hồ sơ `id`, by whoever may write it (authorised before a byte of
/// the body is read); a hồ sơ with classified content takes files only in the enclave, sealed.
/// `Err`: the refusal to show; files before a refused one stay stored.
async fn attach_to_dossier(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Result<(), String>, PageError> {
    let (_, classified) = writable_dossier(state, ctx, id).await?;
    if classified && !state.config.enclave {
        state.store.audit(ctx.event("attachment.upload", "dossier", Some(id), "refused")).await?;
        return Ok(Err(
            "Nội dung tài liệu mật chỉ được lưu trên hệ thống mạng LAN độc lập (kho serve --enclave), không lưu trên máy chủ này.".into(),
        ));
    }
    receive(state, ctx, AttachmentOwner::Dossier(id), classified, multipart).await
}

async fn accession_upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    match attach_to_accession(&state, &ctx, id, multipart).await? {
        Ok(()) => Ok(crate::pages::saved(format!("/tiep-nhan/{id}"))),
        Err(message) => crate::accessions::render_show(&state, &ctx, id, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// Stores the form's files with biên bản giao nhận `id` (its signed scan, the giving unit's letter).
async fn attach_to_accession(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Result<(), String>, PageError> {
    records::accession_for(state, ctx, Action::CatalogueEdit, id).await?;
    receive(state, ctx, AttachmentOwner::Accession(id), false, multipart).await
}

/// Văn bản received from the e-office system as `.edxml` files (QCVN 102:2016), filed into the
/// hồ sơ with their metadata and the files that came with them: every file read and every văn
/// bản checked as its form is before anything is stored, then all of them in one transaction —
/// or, with the reasons file by file, none. A văn bản already in the hồ sơ (same số, ký hiệu,
/// date and issuing body) is not filed twice.
async fn dossier_edxml(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    match file_edxml(&state, &ctx, id, multipart).await? {
        Ok(_) => Ok(crate::pages::saved(format!("/ho-so/{id}"))),
        Err(problems) => {
            crate::pages::render_dossier(
                &state,
                &ctx,
                id,
                None,
                Some(format!("Không nhập văn bản nào từ edXML: {}", problems.join(" · "))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Files the `.edxml` of the form into hồ sơ `id` (see [`dossier_edxml`]): the new văn bản's ids,
/// or every reason, file by file, why none was filed (audited).
async fn file_edxml(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Result<Vec<i64>, Vec<String>>, PageError> {
    let (dossier, classified) = writable_dossier(state, ctx, id).await?;
    let refuse = |problems: Vec<String>| async move {
        let mut event = ctx.event("document.edxml", "dossier", Some(id), "refused");
        event.detail = Some(problems.join("; "));
        state.store.audit(event).await?;
        Ok::<_, PageError>(Err(problems))
    };
    if classified && !state.config.enclave {
        return refuse(vec!["hồ sơ thuộc bí mật nhà nước chỉ nhận nội dung trên hệ thống mạng LAN độc lập".into()]).await;
    }
    let Ok(mut multipart) = multipart else { return refuse(vec![UNREADABLE.into()]).await };
    let limit_mb = state.config.max_upload / 1024 / 1024;
    let mut received = vec![];
    loop {
        match next_part(state, &mut multipart, limit_mb).await {
            Ok(None) => break,
            Ok(Some(Part::File { name, bytes, permit })) => received.push((name, bytes, permit)),
            Ok(Some(Part::Field { .. })) => {}
            Ok(Some(Part::BadName(message))) | Err(message) => return refuse(vec![message]).await,
        }
    }
    if received.is_empty() {
        return refuse(vec!["chưa chọn tệp .edxml nào".into()]).await;
    }
    // Everything read and checked first.
    let existing = state.store.list_documents(&kho_model::access::Visibility::everything(), id).await?;
    let mut ordinal = existing.iter().map(|d| d.fields.doc_ordinal).max().unwrap_or(0);
    let same = |f: &kho_model::record::DocumentFields| {
        (f.code_number.clone(), f.code_notation.clone(), f.issued_date.to_string(), kho_model::text::fold(&f.organ_name))
    };
    let mut seen: Vec<_> = existing.iter().map(|d| (same(&d.fields), d.fields.doc_ordinal)).collect();
    let (mut problems, mut filed) = (vec![], vec![]);
    let limits = kho_documents::edxml::Limits { bytes: state.config.max_upload as u64, ..Default::default() };
    for (name, bytes, _permit) in &received {
        let bytes = bytes.clone();
        let read = tokio::task::spawn_blocking(move || kho_documents::edxml::read(&bytes, limits))
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let edxml = match read {
            Ok(edxml) => edxml,
            Err(reasons) => {
                problems.extend(reasons.into_iter().map(|r| format!("{name}: {r}")));
                continue;
            }
        };
        ordinal += 1;
        let fields = match edxml.document_input(ordinal, dossier.fields.mode.code()).parse() {
            Ok(fields) => fields,
            Err(invalid) => {
                problems.extend(invalid.errors.into_iter().map(|e| format!("{name}: {}", e.message)));
                continue;
            }
        };
        if let Some((_, n)) = seen.iter().find(|(key, _)| *key == same(&fields)) {
            problems.push(format!(
                "{name}: văn bản số {} ngày {} của {} đã có trong hồ sơ (văn bản số {n})",
                [fields.code_number.clone().unwrap_or_default(), fields.code_notation.clone().unwrap_or_default()].join("/"),
                fields.issued_date,
                fields.organ_name
            ));
            continue;
        }
        seen.push((same(&fields), ordinal));
        let file_limits = kho_digitize::intake::Limits { max_bytes: state.config.max_upload as u64, ..Default::default() };
        let mut files = vec![];
        for attachment in edxml.attachments {
            let file_name = match kho_model::text::file_name("file", &attachment.name) {
                Ok(n) => n,
                Err(e) => {
                    problems.push(format!("{name}: tệp đính kèm “{}”: {}", attachment.name, e.message));
                    continue;
                }
            };
            let (checked_name, checked) = (file_name.clone(), attachment.bytes.clone());
            let kind = tokio::task::spawn_blocking(move || kho_digitize::intake::attachment(&checked_name, &checked, &file_limits))
                .await
                .map_err(|e| PageError::Internal(e.to_string()))?;
            match kind {
                Ok(media_type) => files.push((file_name, media_type, attachment.bytes)),
                Err(refused) => problems.push(format!("{name}: {refused}")),
            }
        }
        filed.push((name.clone(), fields, files));
    }
    if !problems.is_empty() {
        return refuse(problems).await;
    }
    // Then the files, then the văn bản and their files in one transaction.
    let mut items = vec![];
    for (_, fields, files) in filed.iter() {
        let mut stored = vec![];
        for (file_name, media_type, bytes) in files {
            let blob = match state.blobs.put(bytes.clone(), classified).await {
                Ok(s) => s,
                Err(kho_blobs::BlobError::NoKey) => return refuse(vec![kho_blobs::BlobError::NoKey.to_string()]).await,
                Err(e) => return Err(PageError::Internal(e.to_string())),
            };
            stored.push(Attachment {
                id: 0,
                owner: AttachmentOwner::Dossier(id),
                document: None,
                file_name: file_name.clone(),
                media_type: media_type.to_string(),
                size: blob.size as i64,
                sha256: blob.sha256,
                blob: blob.name,
                sealed: blob.sealed,
                uploaded_by: ctx.actor.name.clone(),
                uploaded_at: String::new(),
            });
        }
        items.push((fields.clone(), stored));
    }
    let ids = state.store.file_documents(id, &items).await?;
    let mut event = ctx.event("document.edxml", "dossier", Some(id), "ok");
    event.detail = Some(
        filed
            .iter()
            .zip(&ids)
            .map(|((name, f, files), doc)| format!("{name} → văn bản {doc} (STT {}, {} tệp)", f.doc_ordinal, files.len()))
            .collect::<Vec<_>>()
            .join("; "),
    );
    state.store.audit(event).await?;
    Ok(Ok(ids))
}

/// A refused file in the audit trail: who, where, its name as shown, size, SHA-256 and why — never
/// its bytes. A file offered to classified material is as secret as it: its name is not written
/// where the uncleared read (`classified`).
pub(crate) async fn refusal(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    name: &str,
    classified: bool,
    bytes: &[u8],
    reason: &str,
) -> Result<(), PageError> {
    let mut event = ctx.event(action, "file", None, "refused");
    let name = if classified { "tệp của tài liệu mật (không ghi tên)".to_string() } else { format!("“{name}”") };
    event.detail = Some(format!("{name}; {} byte; sha256 {}; {reason}", bytes.len(), kho_blobs::sha256_hex(bytes)));
    state.store.audit(event).await?;
    Ok(())
}

/// Stores every `file` field of the form for `owner`, one whole file at a time. The inner `Err`
/// is the refusal to show the clerk; files before the refused one stay stored and recorded.
async fn receive(
    state: &AppState,
    ctx: &Ctx,
    owner: AttachmentOwner,
    seal: bool,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Result<(), String>, PageError> {
    let limit_mb = state.config.max_upload / 1024 / 1024;
    let Ok(mut multipart) = multipart else {
        return Ok(Err(UNREADABLE.into()));
    };
    let mut stored_files = 0;
    loop {
        let (file_name, bytes, _permit) = match next_part(state, &mut multipart, limit_mb).await {
            Ok(None) => break,
            Ok(Some(Part::File { name, bytes, permit })) => (name, bytes, permit),
            Ok(Some(Part::Field { .. })) => continue,
            Ok(Some(Part::BadName(message))) | Err(message) => return Ok(Err(message)),
        };
        // The kind is decided from the bytes and checked as that kind; nothing refused is stored.
        let limits = kho_digitize::intake::Limits { max_bytes: state.config.max_upload as u64, ..Default::default() };
        let (name, checked) = (file_name.clone(), bytes.clone());
        let kind = tokio::task::spawn_blocking(move || kho_digitize::intake::attachment(&name, &checked, &limits))
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let media_type = match kind {
            Ok(media_type) => media_type,
            Err(refused) => {
                refusal(state, ctx, "attachment.upload", &file_name, seal, &bytes, &refused.refusal.to_string()).await?;
                return Ok(Err(refused.to_string()));
            }
        };
        let stored = match state.blobs.put(bytes, seal).await {
            Ok(s) => s,
            Err(kho_blobs::BlobError::NoKey) => return Ok(Err(kho_blobs::BlobError::NoKey.to_string())),
            Err(e) => return Err(PageError::Internal(e.to_string())),
        };
        let attachment = Attachment {
            id: 0,
            owner,
            document: None,
            media_type: media_type.into(),
            file_name,
            size: stored.size as i64,
            sha256: stored.sha256.clone(),
            blob: stored.name.clone(),
            sealed: stored.sealed,
            uploaded_by: ctx.actor.name.clone(),
            uploaded_at: String::new(),
        };
        let attachment_id = state.store.create_attachment(&attachment).await?;
        let mut event = ctx.event("attachment.upload", "attachment", Some(attachment_id), "ok");
        let owner_name = match owner {
            AttachmentOwner::Dossier(id) => format!("hồ sơ {id}"),
            AttachmentOwner::Accession(id) => format!("biên bản giao nhận {id}"),
        };
        event.detail = Some(format!("{owner_name}; {} byte; sha256 {}", stored.size, stored.sha256));
        state.store.audit(event).await?;
        stored_files += 1;
    }
    Ok(if stored_files == 0 { Err("Chưa chọn tệp nào.".into()) } else { Ok(()) })
}

/// What an upload form refused to read at all.
pub(crate) const UNREADABLE: &str = "Không đọc được tệp gửi lên; hãy chọn tệp rồi bấm Tải lên.";

/// A part of an upload form.
pub(crate) enum Part {
    /// A chosen file, its name cleaned (only the last part of a path is kept), with its share of
    /// the upload memory budget (`AppState::hold_upload`): keep `permit` alive while the bytes are worked on.
    File { name: String, bytes: axum::body::Bytes, permit: tokio::sync::OwnedSemaphorePermit },
    /// A file whose name cannot be kept: the message says why; the rest of the form can be read.
    BadName(String),
    /// A plain field of the form.
    Field { name: String, value: String },
}

/// A part of an upload form as [`next_part_on_disk`] reads it: a chosen file left on disk where it
/// was received (removed when `file` is dropped), or any other part.
pub(crate) enum DiskPart {
    File { name: String, file: Incoming },
    Other(Part),
}

/// A file being received, removed whatever becomes of the request.
pub(crate) struct Incoming(std::path::PathBuf);

impl Incoming {
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The next part of an upload form, read only after the handler has authorised the request.
/// `Ok(None)` at the end; `Err` when the body is cut or over the limit and nothing more can be
/// read (files already taken stay taken). File inputs left empty are skipped. A file is received
/// to disk piece by piece (a slow or large upload holds no memory), then read into memory only
/// once one of the server's upload permits is free.
pub(crate) async fn next_part(state: &AppState, multipart: &mut Multipart, limit_mb: usize) -> Result<Option<Part>, String> {
    match next_part_on_disk(state, multipart, limit_mb).await? {
        Some(DiskPart::File { name, file }) => {
            let internal = |e: std::io::Error| format!("Không đọc được tệp “{name}” tạm thời ({e}); hãy thử lại.");
            let size = tokio::fs::metadata(file.path()).await.map_err(internal)?.len();
            let permit = state.hold_upload(size).await?;
            let bytes = tokio::fs::read(file.path()).await.map_err(internal)?;
            Ok(Some(Part::File { name, bytes: bytes.into(), permit }))
        }
        Some(DiskPart::Other(part)) => Ok(Some(part)),
        None => Ok(None),
    }
}

/// [`next_part`], a file left on disk as it was received: for what reads it from there (a
/// package of gigabytes), holding no memory for it.
pub(crate) async fn next_part_on_disk(state: &AppState, multipart: &mut Multipart, limit_mb: usize) -> Result<Option<DiskPart>, String> {
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(None),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(format!("Tệp vượt quá giới hạn {limit_mb} MB cho mỗi lần tải lên; không tệp nào được lưu thêm."));
            }
            Err(e) => return Err(format!("Tệp gửi lên bị gián đoạn hoặc không đúng định dạng ({}); hãy tải lại.", e.body_text())),
        };
        let field_name = field.name().unwrap_or_default().to_string();
        let Some(raw_name) = field.file_name().map(str::to_string) else {
            let value = field.text().await.unwrap_or_default();
            return Ok(Some(DiskPart::Other(Part::Field { name: field_name, value })));
        };
        if field_name != "file" || raw_name.is_empty() {
            continue;
        }
        let name = match kho_model::text::file_name("file", &raw_name) {
            Ok(n) => n,
            Err(e) => return Ok(Some(DiskPart::Other(Part::BadName(e.message)))),
        };
        let dir = state.config.incoming_dir();
        let token: String = (0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
        let incoming = Incoming(dir.join(format!("{token}.part")));
        let internal = |e: std::io::Error| format!("Không ghi được tệp “{name}” tạm thời ({e}); hãy thử lại.");
        tokio::fs::create_dir_all(&dir).await.map_err(internal)?;
        let mut file = tokio::fs::File::create(&incoming.0).await.map_err(internal)?;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => tokio::io::AsyncWriteExt::write_all(&mut file, &chunk).await.map_err(internal)?,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(format!("Tệp “{name}” vượt quá giới hạn {limit_mb} MB; không được lưu."));
                }
                Err(_) => return Err(format!("Tệp “{name}” bị gián đoạn khi tải lên; không được lưu.")),
            }
        }
        // tokio's File hands writes to a blocking thread: flush, or the last ones may not be there.
        tokio::io::AsyncWriteExt::flush(&mut file).await.map_err(internal)?;
        drop(file);
        return Ok(Some(DiskPart::File { name, file: incoming }));
    }
}

async fn download(State(state): State<AppState>, Extension(ctx): Extension<Ctx>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let attachment = state.store.attachment(id).await?;
    let hidden = |e: Refused| match e {
        Refused::NotFound(_) => PageError::NotFound("tệp"),
        other => other.into(),
    };
    // Who may see the owner may see its files; restricted ones are audited on every download.
    let restricted = match attachment.owner {
        AttachmentOwner::Dossier(dossier) => {
            let (dossier, fonds) = records::dossier_for(&state, &ctx, Action::CatalogueView, dossier).await.map_err(hidden)?;
            attachment.sealed || dossier.fields.mode != kho_model::Mode::Public || fonds.fields.classification.is_classified()
        }
        AttachmentOwner::Accession(accession) => {
            records::accession_for(&state, &ctx, Action::CatalogueView, accession).await.map_err(hidden)?;
            attachment.sealed
        }
    };
    let content = state.blobs.get(&attachment.blob, attachment.sealed, &attachment.sha256).await;
    let outcome = if content.is_ok() { "ok" } else { "failed" };
    if restricted || content.is_err() {
        state.store.audit(ctx.event("attachment.download", "attachment", Some(id), outcome)).await?;
    }
    let content = content.map_err(|e| PageError::Unavailable(e.to_string()))?;
    Ok(crate::respond::stored_file(content, &attachment.media_type, &attachment.file_name))
}

// ---- the same through /api/v1 ----

/// `/api/v1` routes of the files: those of a hồ sơ and of a biên bản giao nhận, văn bản from
/// edXML, and each file's bytes.
pub fn api_routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/dossiers/{id}/attachments", get(api_dossier_files).post(api_dossier_upload).layer(DefaultBodyLimit::max(max_upload)))
        .route("/dossiers/{id}/edxml", post(api_edxml).layer(DefaultBodyLimit::max(max_upload)))
        .route("/accessions/{id}/attachments", get(api_accession_files).post(api_accession_upload).layer(DefaultBodyLimit::max(max_upload)))
        .route("/attachments/{id}", get(api_download))
}

/// The files of an owner the person may see, as JSON.
async fn files_json(state: &AppState, ctx: &Ctx, owner: AttachmentOwner) -> Result<Response, ApiError> {
    let files: Vec<_> = state
        .store
        .list_attachments(&ctx.actor.visibility(), owner)
        .await?
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "id": a.id, "fileName": a.file_name, "mediaType": a.media_type, "size": a.size, "sha256": a.sha256,
                "sealed": a.sealed, "documentId": a.document, "uploadedBy": a.uploaded_by, "uploadedAt": a.uploaded_at,
            })
        })
        .collect();
    Ok(axum::Json(files).into_response())
}

fn stored(outcome: Result<(), String>, location: String) -> Result<Response, ApiError> {
    match outcome {
        Ok(()) => Ok((StatusCode::CREATED, [(axum::http::header::LOCATION, location)]).into_response()),
        Err(message) => Err(ApiError::refused("file_refused", message)),
    }
}

/// The files of a hồ sơ: id, fileName, mediaType, size, sha256, sealed, documentId, uploadedBy, uploadedAt.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/attachments", tag = "Tệp đính kèm", params(("id" = i64, Path)), responses(
    (status = 200, description = "Các tệp của hồ sơ; tải về tại /api/v1/attachments/{id}"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_dossier_files(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    records::dossier_for(&state, &ctx, Action::CatalogueView, id).await?;
    files_json(&state, &ctx, AttachmentOwner::Dossier(id)).await
}

/// Files into a hồ sơ (multipart, `file` parts): each checked by its content as the page checks
/// it — executables, macros, bombs and PDF+ZIP polyglots refused — and stored whole.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/attachments", tag = "Tệp đính kèm", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "Các phần “file”"), responses(
    (status = 201, description = "Đã lưu các tệp"), (status = 422, description = "Tệp bị từ chối và vì sao (các tệp trước nó đã lưu)", body = ApiErrorBody),
    (status = 413, description = "Tệp quá lớn"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_dossier_upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    stored(attach_to_dossier(&state, &ctx, id, multipart).await?, format!("/api/v1/dossiers/{id}/attachments"))
}

/// Văn bản from the e-office system as `.edxml` files (QCVN 102:2016), filed into the hồ sơ with
/// their metadata and files: all of them, or — with every reason, file by file — none.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/edxml", tag = "Tệp đính kèm", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "Các phần “file”, mỗi phần một tệp .edxml"), responses(
    (status = 201, description = "documents: id các văn bản đã nhập", example = json!({ "documents": [812, 813] })),
    (status = 422, description = "Không nhập văn bản nào; message nêu từng lý do", body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_edxml(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    match file_edxml(&state, &ctx, id, multipart).await? {
        Ok(documents) => Ok((
            StatusCode::CREATED,
            [(axum::http::header::LOCATION, format!("/api/v1/dossiers/{id}/documents"))],
            axum::Json(serde_json::json!({ "documents": documents })),
        )
            .into_response()),
        Err(problems) => Err(ApiError::refused("edxml_refused", format!("Không nhập văn bản nào từ edXML: {}", problems.join(" · ")))),
    }
}

/// The files kept with a biên bản giao nhận.
#[utoipa::path(get, path = "/api/v1/accessions/{id}/attachments", tag = "Tệp đính kèm", params(("id" = i64, Path)), responses(
    (status = 200, description = "Các tệp của biên bản"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_accession_files(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    records::accession_for(&state, &ctx, Action::PlanView, id).await?;
    files_json(&state, &ctx, AttachmentOwner::Accession(id)).await
}

/// Files with a biên bản giao nhận: its signed scan, the giving unit's letter.
#[utoipa::path(post, path = "/api/v1/accessions/{id}/attachments", tag = "Tệp đính kèm", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "Các phần “file”"), responses(
    (status = 201, description = "Đã lưu các tệp"), (status = 422, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_accession_upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    stored(attach_to_accession(&state, &ctx, id, multipart).await?, format!("/api/v1/accessions/{id}/attachments"))
}

/// A file's bytes, as stored (the same as `/tep/{id}`); restricted ones audited on every download.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "Tệp đính kèm", params(("id" = i64, Path)), responses(
    (status = 200, description = "Nội dung tệp, với kiểu và tên của nó"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_download(state: State<AppState>, ctx: Extension<Ctx>, id: Path<i64>) -> Result<Response, ApiError> {
    Ok(download(state, ctx, id).await?)
}
