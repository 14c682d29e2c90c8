/**
 * A GGUF file's header, read without loading the model: its metadata (key/value pairs) and the
 * shapes and types of its tensors. `mullama serve` describes store models with it (Ollama's
 * `/api/tags`, `/api/show`), cheaply enough to do for every model on every listing.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CliError } from './errors.js';

/** A metadata value: scalars as they are, arrays of at most `SHORT_ARRAY` items too; longer
 * arrays (the tokenizer's vocabulary) only by their length. */
export type GgufValue = string | number | bigint | boolean | GgufValue[] | { arrayLength: number };

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufValue>;
  /** Elements of every tensor, added up: the model's parameter count. */
  parameters: number;
  /** The ggml type that holds the most elements (the weights' type when `general.file_type` is absent). */
  mainTensorType?: number;
}

const SHORT_ARRAY = 64;

/** Reads a file front to back through a window, so a vocabulary of megabytes costs one pass. */
class Reader {
  private buf = Buffer.alloc(0);
  private at = 0; // position in buf
  private fileAt = 0; // file offset of buf[0] + buf.length
  constructor(private readonly fd: number, private readonly path: string) {}

  private need(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const keep = this.buf.subarray(this.at);
    const more = Buffer.alloc(Math.max(n - keep.length, 1 << 20));
    const got = readSync(this.fd, more, 0, more.length, this.fileAt);
    this.fileAt += got;
    this.buf = Buffer.concat([keep, more.subarray(0, got)]);
    this.at = 0;
    if (this.buf.length < n) throw new CliError('MODEL_INVALID', `${this.path}: the GGUF header ends early`);
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.at++);
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.at);
    this.at += 8;
    return v;
  }
  /** A count or length: refused past what any real file has, so a corrupt one cannot make us spin. */
  count(max: number): number {
    const v = this.u64();
    if (v > BigInt(max)) throw new CliError('MODEL_INVALID', `${this.path}: a GGUF count of ${v} is not plausible`);
    return Number(v);
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  string(): string {
    return this.bytes(this.count(1 << 26)).toString('utf8');
  }
  scalar(type: number): GgufValue {
    const b = this.bytes(SCALAR_SIZE[type]);
    switch (type) {
      case 0: return b.readUInt8(0);
      case 1: return b.readInt8(0);
      case 2: return b.readUInt16LE(0);
      case 3: return b.readInt16LE(0);
      case 4: return b.readUInt32LE(0);
      case 5: return b.readInt32LE(0);
      case 6: return b.readFloatLE(0);
      case 7: return b.readUInt8(0) !== 0;
      case 10: return small(b.readBigUInt64LE(0));
      case 11: return small(b.readBigInt64LE(0));
      default: return b.readDoubleLE(0); // 12
    }
  }
  value(type: number): GgufValue {
    if (type === 8) return this.string();
    if (type === 9) {
      const itemType = this.u32();
      const n = this.count(1 << 28);
      if (n > SHORT_ARRAY) {
        if (itemType === 8) for (let i = 0; i < n; i++) this.bytes(this.count(1 << 26));
        else if (itemType in SCALAR_SIZE) this.bytes(n * SCALAR_SIZE[itemType]);
        else for (let i = 0; i < n; i++) this.value(itemType);
        return { arrayLength: n };
      }
      return Array.from({ length: n }, () => this.value(itemType));
    }
    if (!(type in SCALAR_SIZE)) throw new CliError('MODEL_INVALID', `${this.path}: unknown GGUF value type ${type}`);
    return this.scalar(type);
  }
}

const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const small = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

export function readGgufHeader(path: string): GgufHeader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CliError('IO', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const r = new Reader(fd, path);
    if (r.bytes(4).toString('latin1') !== 'GGUF') throw new CliError('MODEL_INVALID', `${path} is not a GGUF file`);
    const version = r.u32();
    if (version < 2 || version > 3) throw new CliError('MODEL_INVALID', `${path}: GGUF version ${version} is not supported`);
    const tensors = r.count(1 << 20);
    const kvs = r.count(1 << 20);
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvs; i++) {
      const key = r.string();
      metadata.set(key, r.value(r.u32()));
    }
    let parameters = 0;
    const byType = new Map<number, number>();
    for (let i = 0; i < tensors; i++) {
      r.string();
      const dims = r.u32();
      if (dims > 8) throw new CliError('MODEL_INVALID', `${path}: a tensor with ${dims} dimensions`);
      let n = 1;
      for (let d = 0; d < dims; d++) n *= Number(r.u64());
      const type = r.u32();
      r.u64(); // offset
      parameters += n;
      byType.set(type, (byType.get(type) ?? 0) + n);
    }
    const mainTensorType = [...byType].sort((a, b) => b[1] - a[1])[0]?.[0];
    return { version, metadata, parameters, mainTensorType };
  } finally {
    closeSync(fd);
  }
}

/** llama.cpp's `llama_ftype` names (`general.file_type`), as Ollama shows them. */
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M',
  13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS',
  21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S',
  29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16', 36: 'TQ1_0', 37: 'TQ2_0',
};
/** ggml's tensor type names, for files without `general.file_type`. */
const TENSOR_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K',
  12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 16: 'IQ2_XXS', 17: 'IQ2_XS', 18: 'IQ3_XXS', 19: 'IQ1_S',
  20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S', 23: 'IQ4_XS', 24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64',
  29: 'IQ1_M', 30: 'BF16', 34: 'TQ1_0', 35: 'TQ2_0',
};

/** `Q8_0`, `F16`, ...: the file type, else the type most of the weights are stored in. */
export function quantizationLevel(h: GgufHeader): string {
  const ft = h.metadata.get('general.file_type');
  if (typeof ft === 'number' && FILE_TYPES[ft & ~1024]) return FILE_TYPES[ft & ~1024];
  return (h.mainTensorType !== undefined && TENSOR_TYPES[h.mainTensorType]) || 'unknown';
}

/** 22.57M, 137M, 1.24B: Ollama's way of writing a parameter count. */
export function humanParameters(n: number): string {
  const places = (x: number) => {
    const s = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
    return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  };
  if (n >= 1e12) return `${places(n / 1e12)}T`;
  if (n >= 1e9) return `${places(n / 1e9)}B`;
  if (n >= 1e6) return `${places(n / 1e6)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return String(n);
}
