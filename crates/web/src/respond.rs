//! Small shared answers: a file to save (whole, or streamed while it is made), and CPU-bound
//! document work off the async threads.

use crate::error::PageError;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A generated file (DOCX, PDF, XLSX) offered for saving under `name` (ASCII).
pub fn download(bytes: Vec<u8>, media_type: &str, name: String) -> Response {
    ([(header::CONTENT_TYPE, media_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response()
}

/// A file kept for a record (an attachment, a signed PDF/A), under its own — often Vietnamese —
/// name: never sniffed, never cached by a shared cache.
pub fn stored_file(bytes: Vec<u8>, media_type: &str, file_name: &str) -> Response {
    stored_file_as(bytes, media_type, file_name, "attachment")
}

/// [`stored_file`], to be shown in the browser (`inline`) rather than saved (`attachment`).
pub fn stored_file_as(bytes: Vec<u8>, media_type: &str, file_name: &str, disposition: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(disposition, file_name)),
            (header::HeaderName::from_static("x-content-type-options"), "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A download sent while it is made: what the producer sends on the channel is the body, as it
/// comes; an `Err` cuts the connection, so a client never takes a half-made file for a whole one.
pub struct Streamed(pub tokio::sync::mpsc::Receiver<Result<axum::body::Bytes, std::io::Error>>);

impl axum::body::HttpBody for Streamed {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|bytes| bytes.map(hyper::body::Frame::data)))
    }
}

/// A streamed file to save under its own name, never cached by a shared cache.
pub fn streamed_file(body: Streamed, media_type: &str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition("attachment", file_name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        axum::body::Body::new(body),
    )
        .into_response()
}

/// `filename*` per RFC 5987 so Vietnamese names survive, with an ASCII fallback; the name goes
/// through the one display-name function first, whatever was stored before it existed.
fn content_disposition(disposition: &str, file_name: &str) -> String {
    let file_name = &kho_model::text::file_name("file", file_name).unwrap_or_else(|_| "tep".into());
    let ascii: String =
        kho_model::text::fold(file_name).chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Runs document generation on the blocking pool.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, String> + Send + 'static) -> Result<T, PageError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| PageError::Internal(e.to_string()))?.map_err(PageError::Internal)
}

pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const PDF: &str = "application/pdf";

/// The three forms an official paper is offered in.
#[derive(Debug, Clone, Copy)]
pub enum PaperFormat {
    Docx,
    Pdf,
    Xlsx,
    /// The tables only, for other systems.
    Csv,
}

/// The body that keeps the archive, as its papers' heading names it: the province archive's unit,
/// else the organisation this Kho is configured for.
pub async fn keeping_archive(state: &crate::AppState) -> Result<kho_documents::official::Issuer, PageError> {
    let archive = state.store.units().await?.into_iter().find(|u| u.kind == kho_model::UnitKind::ProvinceArchive);
    Ok(match archive {
        Some(unit) => kho_documents::official::Issuer { name: unit.name, parent: unit.parent_body },
        None => kho_documents::official::Issuer { name: state.config.organisation.clone(), parent: None },
    })
}

/// A list as a spreadsheet or CSV for other systems (or a plain paper): under the archive's
/// heading, its title, one table whose `numeric` columns become numbers.
pub async fn list_file(
    state: &crate::AppState,
    title: &str,
    columns: &[(&str, f32)],
    numeric: &[usize],
    rows: Vec<Vec<String>>,
    format: PaperFormat,
    name: &str,
) -> Result<Response, PageError> {
    let doc = kho_documents::official::OfficialDocument {
        issuer: keeping_archive(state).await?.heading(),
        number: None,
        national_heading: false,
        place_and_date: None,
        title: title.into(),
        subtitle: None,
        body: vec![kho_documents::official::Block::Table(kho_documents::official::Table {
            numeric: numeric.to_vec(),
            columns: columns.iter().map(|(c, w)| (c.to_string(), *w)).collect(),
            rows,
        })],
        signatures: vec![],
    };
    paper(doc, format, name).await
}

/// An official paper rendered off the async threads and offered as `{name}.docx|pdf|xlsx`.
pub async fn paper(doc: kho_documents::official::OfficialDocument, format: PaperFormat, name: &str) -> Result<Response, PageError> {
    use kho_documents::official::{to_csv, to_docx, to_pdf, to_xlsx};
    let (bytes, media_type, ext) = match format {
        PaperFormat::Docx => (blocking(move || to_docx(&doc)).await?, DOCX, "docx"),
        PaperFormat::Pdf => (blocking(move || to_pdf(&doc)).await?, PDF, "pdf"),
        PaperFormat::Xlsx => (blocking(move || to_xlsx(&doc)).await?, XLSX, "xlsx"),
        PaperFormat::Csv => (blocking(move || to_csv(&doc)).await?, "text/csv; charset=utf-8", "csv"),
    };
    Ok(download(bytes, media_type, format!("{name}.{ext}")))
}
