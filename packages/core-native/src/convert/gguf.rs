//! GGUF v3 vocabulary shared by the writer and the reader (see ggml/include/gguf.h).

/// "GGUF" as the first four bytes of the file.
pub const GGUF_MAGIC: [u8; 4] = *b"GGUF";
pub const GGUF_VERSION: u32 = 3;
/// Default data alignment; llama.cpp uses it when `general.alignment` is absent (the Python
/// writer does not write that key either, so neither do we).
pub const GGUF_DEFAULT_ALIGNMENT: u64 = 32;

/// The on-disk value type tags (`enum gguf_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum GgufType {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
}

impl GgufType {
    pub fn from_u32(v: u32) -> Option<GgufType> {
        use GgufType::*;
        Some(match v {
            0 => U8,
            1 => I8,
            2 => U16,
            3 => I16,
            4 => U32,
            5 => I32,
            6 => F32,
            7 => Bool,
            8 => String,
            9 => Array,
            10 => U64,
            11 => I64,
            12 => F64,
            _ => return None,
        })
    }
}

/// One metadata value. Arrays carry their element type so that empty arrays stay typed.
#[derive(Debug, Clone, PartialEq)]
pub enum GgufValue {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    U64(u64),
    I64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    Str(String),
    Array(GgufType, Vec<GgufValue>),
}

impl GgufValue {
    pub fn type_of(&self) -> GgufType {
        match self {
            GgufValue::U8(_) => GgufType::U8,
            GgufValue::I8(_) => GgufType::I8,
            GgufValue::U16(_) => GgufType::U16,
            GgufValue::I16(_) => GgufType::I16,
            GgufValue::U32(_) => GgufType::U32,
            GgufValue::I32(_) => GgufType::I32,
            GgufValue::U64(_) => GgufType::U64,
            GgufValue::I64(_) => GgufType::I64,
            GgufValue::F32(_) => GgufType::F32,
            GgufValue::F64(_) => GgufType::F64,
            GgufValue::Bool(_) => GgufType::Bool,
            GgufValue::Str(_) => GgufType::String,
            GgufValue::Array(..) => GgufType::Array,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            GgufValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Any unsigned or non-negative signed integer, widened.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            GgufValue::U8(v) => Some(v as u64),
            GgufValue::U16(v) => Some(v as u64),
            GgufValue::U32(v) => Some(v as u64),
            GgufValue::U64(v) => Some(v),
            GgufValue::I8(v) => u64::try_from(v).ok(),
            GgufValue::I16(v) => u64::try_from(v).ok(),
            GgufValue::I32(v) => u64::try_from(v).ok(),
            GgufValue::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            GgufValue::F32(v) => Some(v as f64),
            GgufValue::F64(v) => Some(v),
            _ => self.as_u64().map(|v| v as f64),
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            GgufValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[GgufValue]> {
        match self {
            GgufValue::Array(_, items) => Some(items),
            _ => None,
        }
    }
}

/// The ggml tensor types this module writes or can size (`enum ggml_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum GgmlType {
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
    BF16 = 30,
}

impl GgmlType {
    pub fn from_u32(v: u32) -> Option<GgmlType> {
        match v {
            0 => Some(GgmlType::F32),
            1 => Some(GgmlType::F16),
            8 => Some(GgmlType::Q8_0),
            30 => Some(GgmlType::BF16),
            _ => None,
        }
    }

    /// Bytes needed for a tensor of `n_elements` whose rows are `row_len` long, or `None` when
    /// the row length does not fit the block size (Q8_0 needs multiples of 32) or on overflow.
    pub fn byte_size(self, row_len: u64, n_elements: u64) -> Option<u64> {
        match self {
            GgmlType::F32 => n_elements.checked_mul(4),
            GgmlType::F16 | GgmlType::BF16 => n_elements.checked_mul(2),
            GgmlType::Q8_0 => {
                let qk = super::quant::QK8_0 as u64;
                if !row_len.is_multiple_of(qk) {
                    return None;
                }
                (n_elements / qk).checked_mul(super::quant::Q8_0_BLOCK_BYTES as u64)
            }
        }
    }
}

/// Rounds `n` up to a multiple of `align` (a power of two).
pub fn align_up(n: u64, align: u64) -> u64 {
    n.div_ceil(align) * align
}

/// `model_weight_count_rounded_notation(n, min_digits=2)` from gguf-py, for `general.size_label`.
pub fn size_label(n: u64) -> String {
    let n = n as f64;
    let (scaled, suffix) = match n {
        n if n > 1e12 => (n * 1e-12, "T"),
        n if n > 1e9 => (n * 1e-9, "B"),
        n if n > 1e6 => (n * 1e-6, "M"),
        n => (n * 1e-3, "K"),
    };
    let int_digits = format!("{}", scaled.round() as u64)
        .trim_start_matches('0')
        .len();
    format!(
        "{scaled:.prec$}{suffix}",
        prec = 2usize.saturating_sub(int_digits)
    )
}
