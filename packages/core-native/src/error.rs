//! The one error type of mullama. Every failure a caller can cause carries a stable code
//! (`ErrorCode::as_str`, generated from the IDL) that the Node, Python and CLI layers expose unchanged.

use std::fmt;

pub use crate::api::ErrorCode;

/// An error with a stable code and a message meant for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into() }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// The result of every fallible mullama call: an [`Error`] carries a stable [`ErrorCode`].
pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand used across the crate: `err(ErrorCode::EmptyInput, "...")`.
pub(crate) fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(Error::new(code, message))
}
