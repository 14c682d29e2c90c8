//! The one error type of mullama. Every failure a caller can cause carries a stable code
//! (`ErrorCode::as_str`) that the Node, Python and CLI layers expose unchanged.

use std::fmt;

/// Stable error codes. Never renumber or rename: bindings and users match on the strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The model file does not exist or cannot be read.
    ModelNotFound,
    /// The file is not a GGUF model llama.cpp can load (bad magic, version, truncated, corrupt).
    ModelInvalid,
    /// The model loaded but cannot produce embeddings (for example no encoder and no decoder).
    ModelUnsupported,
    /// A text is empty (or only whitespace that tokenizes to nothing but special tokens).
    EmptyInput,
    /// Input bytes are not valid UTF-8.
    InvalidUtf8,
    /// A text has more tokens than the context allows and the overflow policy is `Error`.
    InputTooLong,
    /// The pooling strategy cannot be applied to this model (for example `Native` on a decoder).
    PoolingUnsupported,
    /// Two vectors of different lengths were combined.
    DimensionMismatch,
    /// The context was closed and can no longer be used.
    ContextClosed,
    /// An argument is out of range or inconsistent (thread count, batch budget, ...).
    InvalidArgument,
    /// llama.cpp failed to tokenize, encode or decode.
    EngineFailure,
    /// A Hugging Face model folder could not be converted to GGUF.
    ConvertFailed,
    /// An operating-system I/O error outside model loading (writing a converted model, ...).
    Io,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::ModelNotFound,
        ErrorCode::ModelInvalid,
        ErrorCode::ModelUnsupported,
        ErrorCode::EmptyInput,
        ErrorCode::InvalidUtf8,
        ErrorCode::InputTooLong,
        ErrorCode::PoolingUnsupported,
        ErrorCode::DimensionMismatch,
        ErrorCode::ContextClosed,
        ErrorCode::InvalidArgument,
        ErrorCode::EngineFailure,
        ErrorCode::ConvertFailed,
        ErrorCode::Io,
    ];

    /// The stable, SCREAMING_SNAKE_CASE spelling used by every language binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ModelNotFound => "MODEL_NOT_FOUND",
            ErrorCode::ModelInvalid => "MODEL_INVALID",
            ErrorCode::ModelUnsupported => "MODEL_UNSUPPORTED",
            ErrorCode::EmptyInput => "EMPTY_INPUT",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
            ErrorCode::InputTooLong => "INPUT_TOO_LONG",
            ErrorCode::PoolingUnsupported => "POOLING_UNSUPPORTED",
            ErrorCode::DimensionMismatch => "DIMENSION_MISMATCH",
            ErrorCode::ContextClosed => "CONTEXT_CLOSED",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::EngineFailure => "ENGINE_FAILURE",
            ErrorCode::ConvertFailed => "CONVERT_FAILED",
            ErrorCode::Io => "IO",
        }
    }

    pub fn from_str(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand used across the crate: `err(ErrorCode::EmptyInput, "...")`.
pub(crate) fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(Error::new(code, message))
}
