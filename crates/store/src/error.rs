//! The store's one error type: user errors (not found, conflicts) apart from internal ones.

use kho_model::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or, later, is not visible to the actor: the same answer).
    #[error("không tìm thấy {0}")]
    NotFound(&'static str),
    /// The write would break a uniqueness rule; the field error says which and why.
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// Stored data that no longer parses: a bug or an edit behind Kho's back.
    #[error("dữ liệu trong cơ sở dữ liệu bị hỏng: {0}")]
    Corrupt(String),
    #[error("cấu hình: {0}")]
    Config(String),
    #[error("{0}")]
    Io(String),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// True when the database refused a duplicate value.
    pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
        error.as_database_error().is_some_and(|e| e.is_unique_violation())
    }

    /// Two writers met: a duplicate key on a race, or SQLite's busy / locked snapshot. Worth
    /// trying again.
    pub(crate) fn is_contention(&self) -> bool {
        match self {
            StoreError::Database(e) => {
                StoreError::is_unique_violation(e)
                    || e.as_database_error().is_some_and(|d| {
                        let message = d.message().to_ascii_lowercase();
                        message.contains("locked") || message.contains("busy")
                    })
            }
            _ => false,
        }
    }
}
