//! Kho's production line for số hóa: a scanner's files taken in and checked ([`intake`]), each
//! page checked for what TT 05/2025 asks of a scan ([`checks`]), straightened and despeckled
//! ([`raster`]), read by Tesseract in Vietnamese ([`ocr`]), assembled into a two-layer PDF/A
//! ([`pdfa`]) with its page images as JPEG or PNG ([`png`]), and the worker that runs these as
//! jobs from the catalogue's queue ([`worker`]).

pub mod checks;
pub mod copy;
pub mod export;
pub mod hostile;
pub mod ingest;
pub mod intake;
pub mod lettering;
pub mod ocr;
pub mod package;
mod pdf_input;
pub mod pdfa;
pub mod pipeline;
pub mod png;
pub mod raster;
pub mod sign;
#[doc(hidden)]
pub mod testing;
pub mod worker;
