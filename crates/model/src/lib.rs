//! Kho's domain: the TT 05/2025/TT-BNV records (fonds, mục lục, hồ sơ, văn bản), their code
//! lists and identifiers, and the province's plan.
//!
//! Pure: no IO, no SQL, no HTTP. Values that cross into the model are parsed, not validated:
//! an invalid title, code or date cannot be constructed, and every refusal carries a stable
//! code and a Vietnamese message ([`FieldError`]).

pub mod access;
pub mod access_request;
pub mod accession;
pub mod arrangement;
pub mod codes;
pub mod cost;
pub mod date;
pub mod digitization;
pub mod disposal;
pub mod error;
pub mod ids;
pub mod inventory_sheet;
pub mod plan;
pub mod record;
pub mod retention;
pub mod table;
pub mod text;
pub mod vn;

pub use codes::{
    Classification, ConfidenceLevel, DocumentType, FondsStatus, Language, Languages, Maintenance, Mode, PhysicalState, RiskRecoveryStatus,
    UnitKind,
};
pub use date::ArchiveDate;
pub use error::{FieldError, Invalid};
pub use ids::{AgencyCode, CodePrefix, DossierCode, FileNotation, FondsCode};
pub use plan::Metres;
