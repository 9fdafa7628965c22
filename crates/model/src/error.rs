//! Refusals at the model's boundary: each names the field, a stable code and a Vietnamese message.

use serde::Serialize;

/// One refused field. `code` is stable (clients and tests match on it); `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), code, message: message.into() }
    }

    pub fn required(field: &str, label: &str) -> Self {
        FieldError::new(field, "required", format!("{label}: bắt buộc nhập."))
    }
}

/// Every field error found in one input; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("dữ liệu không hợp lệ: {}", .errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "))]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

impl Invalid {
    pub fn one(error: FieldError) -> Self {
        Invalid { errors: vec![error] }
    }

    /// The message for one field, if it was refused.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

impl From<FieldError> for Invalid {
    fn from(error: FieldError) -> Self {
        Invalid::one(error)
    }
}

/// Collects field errors while an input is parsed field by field, so one pass reports all.
#[derive(Default)]
pub struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    /// Keeps the value, or records the error and yields `None`.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() { Ok(()) } else { Err(Invalid { errors: self.errors }) }
    }
}
