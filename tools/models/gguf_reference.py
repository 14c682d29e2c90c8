#!/usr/bin/env python3
"""Independent float64 numpy reference for mullama's embeddings of real, quantized decoder GGUFs.

reference.py reads Hugging Face folders; the real test-tier decoders (SmolLM2-135M, Gemma-3-270M)
exist only as quantized GGUFs, so this one reads the GGUF itself with the `gguf` package
(GGUFReader + gguf.quants.dequantize) and runs the forward pass in float64 on the dequantized
weights. It shares no code with llama.cpp or with the engine; what it takes from llama.cpp are
facts about the graph (noted where used). Tokens are an input, so that the engine's tokenizer is
not what checks the engine:

    python tools/models/gguf_reference.py --gguf M.gguf --texts-file texts.json \
        --tokens-json ids.json --out out.json        # ids.json: [[id, ...], ...], one list per text
    python tools/models/gguf_reference.py --gguf M.gguf --texts-file texts.json \
        --tokenizer-json tokenizer.json --out out.json   # a HF tokenizer (e.g. gguf_tokenizer.py --save)
    python tools/models/gguf_reference.py --gguf M.gguf --texts-file texts.json \
        --gguf-tokenizer --out out.json                  # gguf_tokenizer.build() on M.gguf's vocab
    ... [--normalize] [--per-token] [--gelu ggml-cpu|tanh|erf] [--next-token] [--act-quant]

Architectures: `llama` (SmolLM2) and `gemma3` (Gemma 3 text).
out.json has reference.py's shape: {"model", "arch", "dimension", "native_pooling", "normalized",
"gelu", "items": [{"text", "tokens", "pooled": {"mean","first","last","max"}[, "token_embeddings"]}]}
plus "gguf" (file name), "tokens_from" and "act_quant". Pooling is over ALL rows of the final norm output
(llama.cpp's t_embd, before the LM head), BOS included when the tokens have one.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFReader
from gguf.quants import dequantize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import gelu, pool, rms_norm, softmax  # noqa: E402  (same math as the HF reference)


# The activation format llama.cpp's CPU backend converts x to before x @ W for each weight type
# (ggml-cpu's type_traits vec_dot_type). Used only by --act-quant.
ACT_TYPE = {Q.Q4_0: "q8_0", Q.Q5_0: "q8_0", Q.Q8_0: "q8_0", Q.Q4_1: "q8_1", Q.Q5_1: "q8_1",
            Q.Q2_K: "q8_K", Q.Q3_K: "q8_K", Q.Q4_K: "q8_K", Q.Q5_K: "q8_K", Q.Q6_K: "q8_K",
            Q.F16: "f16", Q.F32: None}


def act_quant(x: np.ndarray, kind: str | None) -> np.ndarray:
    """x as llama.cpp's CPU matmul sees it after quantizing the activations (row-wise blocks):
    q8_0/q8_1: blocks of 32, q = round(x * 127/amax), value = fp16(amax/127) * q;
    q8_K: blocks of 256, iscale = -127/(the element of largest |x|), q = min(127, round(iscale*x)),
    value = q / iscale (f32). (q8_1's fp16 block sum is not modelled.) A diagnostic: it shows
    what part of the engine's deviation from the float64 pass is this quantization."""
    if kind is None:
        return x
    x32 = x.astype(np.float32)
    if kind == "f16":
        return x32.astype(np.float16).astype(np.float64)
    b = x32.reshape(*x.shape[:-1], -1, 256 if kind == "q8_K" else 32)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "q8_K":
            big = np.take_along_axis(b, np.abs(b).argmax(-1)[..., None], -1)
            iscale = np.where(big != 0, np.float32(-127) / big, 0).astype(np.float32)
            out = np.where(iscale != 0, np.minimum(127, np.rint(iscale * b)) / iscale, 0)
        else:
            amax = np.abs(b).max(-1, keepdims=True)
            inv = np.where(amax > 0, np.float32(127) / amax, 0).astype(np.float32)
            out = np.rint(b * inv) * (amax / np.float32(127)).astype(np.float16).astype(np.float32)
    return out.reshape(x.shape).astype(np.float64)


class Gguf:
    """Metadata and dequantized float64 weights of one GGUF file (memory-mapped, read lazily)."""

    def __init__(self, path: Path, act_quant: bool = False):
        self.path, self.act_quant = path, act_quant
        self.r = GGUFReader(str(path))
        self.tensors = {t.name: t for t in self.r.tensors}
        self.arch = self.meta("general.architecture")

    def meta(self, key: str, default=None):
        field = self.r.fields.get(key)
        return default if field is None else field.contents()

    def weight(self, name: str) -> np.ndarray:
        # GGUF shape is (ne0=in, ne1=out); the data (and dequantize's result) is row-major
        # (out, in), i.e. the HF nn.Linear layout: y = x @ W.T
        t = self.tensors[name]
        return dequantize(np.asarray(t.data), t.tensor_type).astype(np.float64)

    def linear(self, name: str):
        """x -> x @ W.T for the weight `name` (optionally with llama.cpp's activation quantization)."""
        w, kind = self.weight(name), ACT_TYPE[self.tensors[name].tensor_type] if self.act_quant else None
        return lambda x: act_quant(x, kind) @ w.T

    def rows(self, name: str, ids: list[int]) -> np.ndarray:
        """Only the rows asked for: gemma3's 262144 x 640 table would be 1.3 GB in float64."""
        t = self.tensors[name]
        return dequantize(np.asarray(t.data[np.asarray(ids)]), t.tensor_type).astype(np.float64)


def rope(t: np.ndarray, pos: np.ndarray, base: float, style: str) -> np.ndarray:
    """Rotary embedding of t (heads, n, head_dim) at positions pos, all head dims rotated.

    "norm" (llama.cpp LLAMA_ROPE_TYPE_NORM, used for llama) rotates adjacent pairs (2i, 2i+1);
    convert_hf_to_gguf.py permutes the rows of llama's q/k weights so that this equals HF's
    rotate_half on the original weights. "neox" (gemma3) rotates (i, i + head_dim/2), HF's own
    layout, and gemma's q/k are stored unpermuted."""
    hd = t.shape[-1]
    ang = pos[:, None] * base ** (-np.arange(0, hd, 2) / hd)[None, :]  # (n, hd/2), theta_i = p * base^(-2i/hd)
    cos, sin = np.cos(ang), np.sin(ang)
    if style == "norm":
        a, b = t[..., 0::2], t[..., 1::2]
        out = np.empty_like(t)
        out[..., 0::2], out[..., 1::2] = a * cos - b * sin, a * sin + b * cos
        return out
    a, b = t[..., : hd // 2], t[..., hd // 2:]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], -1)


def attention(q, k, v, scale, mask):
    """q (n_head, n, hd), k/v (n_head_kv, n, hd). GQA: query head h reads kv head h // (n_head/n_head_kv)
    (ggml's broadcast in mul_mat, and HF's repeat_kv)."""
    rep = q.shape[0] // k.shape[0]
    k, v = np.repeat(k, rep, 0), np.repeat(v, rep, 0)
    att = softmax(q @ k.transpose(0, 2, 1) * scale + mask)
    return (att @ v).transpose(1, 0, 2).reshape(q.shape[1], -1)


def causal_mask(n: int, window: int | None = None) -> np.ndarray:
    """Causal (llama.cpp keeps causal attention for both archs, also for embeddings). With a sliding
    window (llama.cpp LLAMA_SWA_TYPE_STANDARD) query i also skips keys j with i - j >= window."""
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    masked = (j > i) | ((i - j >= window) if window else False)
    return np.where(masked, -np.inf, 0.0)


def heads(x: np.ndarray, n_head: int) -> np.ndarray:
    n = x.shape[0]
    return x.reshape(n, n_head, -1).transpose(1, 0, 2)


# The forward passes go layer by layer over all sequences at once: each layer's weights are
# dequantized once and dropped after, so memory stays at one layer (~50 MB in float64).


def forward_llama(m: Gguf, seqs: list[list[int]], _gelu: str) -> list[np.ndarray]:
    a = "llama"
    n_layer, n_head = m.meta(f"{a}.block_count"), m.meta(f"{a}.attention.head_count")
    n_kv = m.meta(f"{a}.attention.head_count_kv", n_head)
    eps = m.meta(f"{a}.attention.layer_norm_rms_epsilon")
    base = m.meta(f"{a}.rope.freq_base", 10000.0)
    hd = m.meta(f"{a}.embedding_length") // n_head
    if m.meta(f"{a}.rope.dimension_count", hd) != hd:
        raise SystemExit("partial rotary (rope.dimension_count < head dim) is not supported")
    xs = [m.rows("token_embd.weight", ids) for ids in seqs]
    for il in range(n_layer):
        w = {k: m.weight(f"blk.{il}.{k}.weight") for k in ("attn_norm", "ffn_norm")}
        f = {k: m.linear(f"blk.{il}.{k}.weight") for k in
             ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")}
        for s, x in enumerate(xs):
            n, pos = x.shape[0], np.arange(x.shape[0], dtype=np.float64)
            h = rms_norm(x, w["attn_norm"], eps)
            q = rope(heads(f["attn_q"](h), n_head), pos, base, "norm")
            k = rope(heads(f["attn_k"](h), n_kv), pos, base, "norm")
            v = heads(f["attn_v"](h), n_kv)
            x = x + f["attn_output"](attention(q, k, v, 1.0 / math.sqrt(hd), causal_mask(n)))
            h = rms_norm(x, w["ffn_norm"], eps)
            g = f["ffn_gate"](h)
            xs[s] = x + f["ffn_down"]((g / (1.0 + np.exp(-g))) * f["ffn_up"](h))  # SiLU-gated MLP
    out_norm = m.weight("output_norm.weight")
    return [rms_norm(x, out_norm, eps) for x in xs]


def gemma3_layer_kinds(m: Gguf, n_layer: int) -> list[bool]:
    """True = sliding-window layer. llama.cpp: an explicit per-layer bool array under
    attention.sliding_window_pattern if present, else pattern n (default 6): layer il is SWA
    when il % n < n - 1, i.e. every 6th layer (5, 11, 17) attends globally."""
    pat = m.meta("gemma3.attention.sliding_window_pattern", 6)
    if isinstance(pat, list):
        return [bool(b) for b in pat]
    return [pat == 0 or il % pat < pat - 1 for il in range(n_layer)]


def forward_gemma3(m: Gguf, seqs: list[list[int]], gelu_variant: str) -> list[np.ndarray]:
    a = "gemma3"
    n_layer, n_embd = m.meta(f"{a}.block_count"), m.meta(f"{a}.embedding_length")
    n_head = m.meta(f"{a}.attention.head_count")
    n_kv = m.meta(f"{a}.attention.head_count_kv", n_head)
    hd = m.meta(f"{a}.attention.key_length", n_embd // n_head)
    eps = m.meta(f"{a}.attention.layer_norm_rms_epsilon")
    window = m.meta(f"{a}.attention.sliding_window")
    swa = gemma3_layer_kinds(m, n_layer) if window else [False] * n_layer
    # global layers use rope.freq_base (1e6); SWA layers rope.freq_base_swa, which these GGUFs
    # lack, so llama.cpp's default 10000 (= HF's rope_local_base_freq) applies
    base_full = m.meta(f"{a}.rope.freq_base", 10000.0)
    base_swa = m.meta(f"{a}.rope.freq_base_swa", 10000.0)
    # llama.cpp (after gemma_pytorch): query_pre_attn_scalar is head_dim, except for the 27B
    # (62 layers) where it is n_embd / n_head; the scale multiplies q, then no other kq scale.
    scale = 1.0 / math.sqrt(n_embd / n_head if n_layer == 62 else hd)
    # The gemma converter writes every *norm.weight as HF's (1 + w), so rms_norm(x, w) applies
    # as stored (the GGUF's ffn_norm has exact zeros: HF weights of exactly -1).
    # Embedding scale sqrt(n_embd) as llama.cpp computes it (HF rounds it to the model dtype).
    xs = [m.rows("token_embd.weight", ids) * math.sqrt(n_embd) for ids in seqs]
    for il in range(n_layer):
        w = {k: m.weight(f"blk.{il}.{k}.weight") for k in
             ("attn_norm", "attn_q_norm", "attn_k_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm")}
        f = {k: m.linear(f"blk.{il}.{k}.weight") for k in
             ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")}
        base = base_swa if swa[il] else base_full
        for s, x in enumerate(xs):
            n, pos = x.shape[0], np.arange(x.shape[0], dtype=np.float64)
            h = rms_norm(x, w["attn_norm"], eps)
            # per-head RMSNorm of q and k (over head_dim) before rope
            q = rope(rms_norm(heads(f["attn_q"](h), n_head), w["attn_q_norm"], eps), pos, base, "neox")
            k = rope(rms_norm(heads(f["attn_k"](h), n_kv), w["attn_k_norm"], eps), pos, base, "neox")
            v = heads(f["attn_v"](h), n_kv)
            att = f["attn_output"](attention(q, k, v, scale, causal_mask(n, window if swa[il] else None)))
            x = x + rms_norm(att, w["post_attention_norm"], eps)
            h = rms_norm(x, w["ffn_norm"], eps)
            ff = f["ffn_down"](gelu(f["ffn_gate"](h), gelu_variant) * f["ffn_up"](h))  # GELU-gated
            xs[s] = x + rms_norm(ff, w["post_ffw_norm"], eps)
    out_norm = m.weight("output_norm.weight")
    return [rms_norm(x, out_norm, eps) for x in xs]


FORWARD = {"llama": forward_llama, "gemma3": forward_gemma3}


def next_tokens(m: Gguf, last_rows: list[np.ndarray], k=5) -> list[list[int]]:
    """Top-k next-token ids from each sequence's last row through the LM head (output.weight, or the
    tied token_embd): a check, independent of the engine, that this is the real language model
    (gemma3 with HF's unfolded 1 + w norms predicts nonsense). The head is scanned in float32 chunks."""
    name = "output.weight" if "output.weight" in m.tensors else "token_embd.weight"
    t = m.tensors[name]
    h = np.stack(last_rows).astype(np.float32)
    logits = np.concatenate([h @ dequantize(np.asarray(t.data[i:i + 16384]), t.tensor_type).T
                             for i in range(0, t.data.shape[0], 16384)], axis=1)
    return [list(map(int, np.argsort(-row)[:k])) for row in logits]


def load_tokens(a, texts: list[str]) -> tuple[list[list[int]], str]:
    if a.tokens_json:
        ids = json.loads(a.tokens_json.read_text(encoding="utf-8"))
        if len(ids) != len(texts) or not all(isinstance(s, list) and s for s in ids):
            raise SystemExit("--tokens-json must hold one non-empty list of ids per text")
        return [[int(i) for i in s] for s in ids], "tokens-json"
    if a.gguf_tokenizer:
        from gguf_tokenizer import build  # the vocabulary is the GGUF's, the rules the `tokenizers` library's
        tok, _ = build(str(a.gguf))
        src = "gguf_tokenizer"
    else:
        from tokenizers import Tokenizer
        tok, src = Tokenizer.from_file(str(a.tokenizer_json)), "tokenizer-json"
    tok.no_truncation()
    tok.no_padding()
    # add_special_tokens: the tokenizer's post-processor adds BOS where the GGUF asks for it
    return [tok.encode(t, add_special_tokens=True).ids for t in texts], src


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", required=True, type=Path)
    ap.add_argument("--texts-file", required=True, type=Path, help="JSON array of strings")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--tokens-json", type=Path, help="JSON array of token-id arrays, one per text")
    src.add_argument("--tokenizer-json", type=Path, help="HF tokenizer.json to tokenize the texts with")
    src.add_argument("--gguf-tokenizer", action="store_true",
                     help="tokenize with gguf_tokenizer.py's HF tokenizer built from this GGUF's vocab")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--normalize", action="store_true", help="L2-normalize pooled vectors")
    ap.add_argument("--per-token", action="store_true", help="also write every token's hidden state")
    ap.add_argument("--gelu", choices=["ggml-cpu", "tanh", "erf"], default="ggml-cpu",
                    help="GELU variant for gemma3 (default: the fp16 table of llama.cpp's CPU backend)")
    ap.add_argument("--next-token", action="store_true", help="print top-5 next tokens per text (stderr)")
    ap.add_argument("--act-quant", action="store_true",
                    help="diagnostic: round matmul inputs as llama.cpp's CPU backend does (q8_0/q8_1/q8_K)")
    a = ap.parse_args()

    texts = json.loads(a.texts_file.read_text(encoding="utf-8"))
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise SystemExit("--texts-file must hold a JSON array of strings")
    m = Gguf(a.gguf, a.act_quant)
    if m.arch not in FORWARD:
        raise SystemExit(f"unsupported architecture {m.arch!r} (supported: {', '.join(FORWARD)})")
    seqs, tokens_from = load_tokens(a, texts)
    rows = FORWARD[m.arch](m, seqs, a.gelu)

    if a.next_token:
        vocab = m.meta("tokenizer.ggml.tokens")
        for text, top in zip(texts, next_tokens(m, [r[-1] for r in rows])):
            print(f"{text!r} -> {[vocab[i] for i in top]}", file=sys.stderr)

    out = {"model": a.gguf.stem, "arch": m.arch, "gguf": a.gguf.name, "dimension": int(rows[0].shape[1]),
           "native_pooling": None, "normalized": a.normalize, "gelu": a.gelu if m.arch == "gemma3" else None,
           "tokens_from": tokens_from, "act_quant": a.act_quant, "items": []}
    for text, ids, r in zip(texts, seqs, rows):
        pooled = pool(r)
        if a.normalize:
            pooled = {k: v / max(np.linalg.norm(v), 1e-12) for k, v in pooled.items()}
        item = {"text": text, "tokens": ids, "pooled": {k: v.tolist() for k, v in pooled.items()}}
        if a.per_token:
            item["token_embeddings"] = r.tolist()
        out["items"].append(item)
    a.out.write_text(json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
