//! Kho's production line for số hóa: a scanner's files taken in and checked ([`intake`]), each
//! page checked for what TT 05/2025 asks of a scan ([`checks`]), read by Tesseract in
//! Vietnamese ([`ocr`]), assembled into a two-layer PDF/A ([`pdfa`]), and the worker that runs
//! these as jobs from the catalogue's queue ([`worker`]).

pub mod checks;
pub mod ingest;
pub mod intake;
pub mod ocr;
mod pdf_input;
pub mod pdfa;
pub mod pipeline;
pub mod sign;
#[doc(hidden)]
pub mod testing;
pub mod worker;
