//! End-to-end tests: GGUF write/read round trip, a synthetic tiny BERT, bad inputs, the
//! generated BERT-family variants against the float64 reference, what is refused and why, the
//! recorded settings, and the real all-MiniLM-L6-v2 folder when it is present on the machine.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::gguf::{GgmlType, GgufType, GgufValue};
use super::gguf_write::{GgufWriter, TensorInfo};
use super::*;

mod minilm;
mod rerank;
mod settings;
mod tiny;
mod unsupported;
mod variants;

pub(super) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mullama-convert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(super) fn tensor_bytes(path: &Path, meta: &GgufMetadata, name: &str) -> Vec<u8> {
    let t = meta.tensor(name).unwrap();
    let n: u64 = t.dims.iter().product();
    let ty = GgmlType::from_u32(t.ggml_type).unwrap();
    let len = ty.byte_size(t.dims[0], n).unwrap();
    let mut f = std::fs::File::open(path).unwrap();
    f.seek(SeekFrom::Start(meta.data_offset + t.offset)).unwrap();
    let mut buf = vec![0u8; len as usize];
    f.read_exact(&mut buf).unwrap();
    buf
}

pub(super) fn as_f32(bytes: &[u8], ty: GgmlType) -> Vec<f32> {
    match ty {
        GgmlType::F32 => bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect(),
        GgmlType::F16 => bytes.chunks_exact(2).map(|b| quant::f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
        GgmlType::Q8_0 => quant::dequantize_q8_0(bytes),
        GgmlType::BF16 => unreachable!(),
    }
}

#[test]
fn gguf_write_read_round_trip() {
    let dir = scratch("roundtrip");
    let path = dir.join("t.gguf");
    let kv = vec![
        ("general.architecture".to_string(), GgufValue::Str("bert".into())),
        ("a.u32".to_string(), GgufValue::U32(7)),
        ("a.f32".to_string(), GgufValue::F32(1e-12)),
        ("a.bool".to_string(), GgufValue::Bool(true)),
        ("a.i64".to_string(), GgufValue::I64(-5)),
        ("a.strs".to_string(), GgufValue::Array(GgufType::String, vec![GgufValue::Str("▁x".into()), GgufValue::Str("".into())])),
        ("a.empty".to_string(), GgufValue::Array(GgufType::I32, vec![])),
    ];
    let tensors = vec![
        TensorInfo { name: "a".into(), dims: vec![3], ggml_type: GgmlType::F32, n_bytes: 12 },
        TensorInfo { name: "b".into(), dims: vec![32, 2], ggml_type: GgmlType::Q8_0, n_bytes: 68 },
    ];
    let mut w = GgufWriter::new(std::fs::File::create(&path).unwrap());
    w.write_header(&kv, &tensors).unwrap();
    assert!(w.write_tensor_data(&[0u8; 11]).is_err(), "a wrong size must be refused");
    let mut w = GgufWriter::new(std::fs::File::create(&path).unwrap());
    w.write_header(&kv, &tensors).unwrap();
    w.write_tensor_data(&[1u8; 12]).unwrap();
    w.write_tensor_data(&[2u8; 68]).unwrap();
    let (_, n) = w.finish().unwrap();
    assert_eq!(n, std::fs::metadata(&path).unwrap().len());

    let meta = read_metadata(&path).unwrap();
    assert_eq!((meta.version, meta.tensor_count, meta.alignment), (3, 2, 32));
    assert_eq!(meta.kv, kv);
    assert_eq!(meta.data_offset % 32, 0);
    assert_eq!(meta.tensors[0].offset, 0);
    assert_eq!(meta.tensors[1].offset, 32); // 12 bytes padded to 32
    assert_eq!(meta.tensors[1].dims, vec![32, 2]);
    assert_eq!(n, meta.data_offset + 32 + 96); // 68 bytes padded to 96
    assert_eq!(tensor_bytes(&path, &meta, "b"), vec![2u8; 68]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gguf_reader_rejects_garbage() {
    let bad = |bytes: &[u8]| read_metadata_from(bytes).unwrap_err().code();
    use crate::error::ErrorCode::ModelInvalid;
    use gguf_read::read_metadata_from;
    assert_eq!(bad(b"GGML\x03\0\0\0"), ModelInvalid);
    assert_eq!(bad(b"GGUF\x03\0\0"), ModelInvalid);
    // One KV whose key claims 2^62 bytes: must fail cleanly, not allocate.
    let mut huge = b"GGUF\x03\0\0\0".to_vec();
    huge.extend(0u64.to_le_bytes());
    huge.extend(1u64.to_le_bytes());
    huge.extend((1u64 << 62).to_le_bytes());
    assert_eq!(bad(&huge), ModelInvalid);
    assert_eq!(read_metadata(Path::new("/nonexistent/x.gguf")).unwrap_err().code(), ErrorCode::ModelNotFound);
}

#[test]
fn size_labels_match_gguf_py() {
    use super::gguf::size_label;
    assert_eq!(size_label(22_713_216), "23M");
    assert_eq!(size_label(109_482_240), "109M");
    assert_eq!(size_label(1_500_000), "1.5M");
    assert_eq!(size_label(335_000_000), "335M");
}
