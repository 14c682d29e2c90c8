#!/usr/bin/env python3
"""Independent float64 numpy reference for mullama's embeddings.

Reads ONLY a Hugging Face folder (config.json + model.safetensors + tokenizer files), never a
GGUF, so it checks the engine against the original weights rather than against our own converter.

    python tools/models/reference.py --hf-dir DIR --texts-file texts.json --out out.json [--normalize]
    python tools/models/reference.py --hf-dir DIR --texts-file texts.json --out out.json --tokens-only

Supported: BERT (model_type "bert", e.g. all-MiniLM-L6-v2 or tiny-bert-hf; with or without
token type embeddings, WordPiece from tokenizer.json or vocab.txt), RoBERTa/XLM-R (model_type
"roberta"/"xlm-roberta": positions counted from padding_idx + 1, any tokenizer.json) and llama
(model_type "llama", only with the character-level vocab.json written by make_test_models.py).

out.json: {"model", "arch", "dimension", "native_pooling", "normalized", "gelu",
           "items": [{"text", "tokens", "pooled": {"mean","first","last","max","weightedmean"[,"native"]}
                      [, "token_embeddings"]}]}
Pooling is over ALL token rows, special tokens included ([CLS]/[SEP], <s>), as llama.cpp does;
"weightedmean" weighs row i (from 0) by i + 1, as sentence-transformers' weighted-mean pooling.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

# ---------------------------------------------------------------------------- common math


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def gelu(x, variant):
    """GELU as computed by the backend we compare against.

    llama.cpp's BERT graph uses LLM_FFN_GELU -> ggml_gelu() (the tanh approximation, NOT the erf
    GELU that HF's "gelu" means). On the CPU backend, ggml-cpu/vec.h defines GGML_GELU_FP16, so
    ggml_vec_gelu_f32 does: x <= -10 -> 0; x >= 10 -> x; otherwise round x to fp16, look up
    ggml_table_gelu_f16 (tanh-GELU evaluated in fp32 on that fp16 value, stored as fp16).
    "ggml-cpu" reproduces that table (fp16 round-to-nearest-even both ways);
    "tanh" is the same approximation in float64 without the fp16 table (what GPU backends compute, up to fp32 rounding); "erf" is HF's exact GELU.
    """
    if variant == "erf":
        from math import erf
        return 0.5 * x * (1.0 + np.vectorize(erf)(x / math.sqrt(2.0)))
    if variant == "tanh":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * x * (1.0 + 0.044715 * x * x)))
    # ggml-cpu
    x32 = x.astype(np.float32)
    f = x32.astype(np.float16).astype(np.float32)
    a, c = np.float32(0.044715), np.float32(0.79788456080286535587989211986876)
    g = np.float32(0.5) * f * (np.float32(1) + np.tanh(c * f * (np.float32(1) + a * f * f)))
    y = g.astype(np.float16).astype(np.float64)
    return np.where(x32 <= -10.0, 0.0, np.where(x32 >= 10.0, x32.astype(np.float64), y))


# ---------------------------------------------------------------------------- loading


def load_weights(hf_dir: Path) -> dict[str, np.ndarray]:
    w = {}
    for name, arr in load_file(str(hf_dir / "model.safetensors")).items():
        # task checkpoints (BertForMaskedLM, XLMRobertaForMaskedLM, ...) prefix the encoder's
        # tensors with "bert." / "roberta."; all-MiniLM-L6-v2 does not
        for prefix in ("bert.", "roberta."):
            if name.startswith(prefix):
                name = name[len(prefix):]
        w[name] = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
    return w


def native_pooling(hf_dir: Path) -> str | None:
    """The pooling named by the sentence-transformers config, in this tool's names."""
    modules = hf_dir / "modules.json"
    if not modules.is_file():
        return None
    for mod in json.loads(modules.read_text(encoding="utf-8")):
        if mod["type"] == "sentence_transformers.models.Pooling":
            cfg = json.loads((hf_dir / mod["path"] / "config.json").read_text(encoding="utf-8"))
            # same precedence as convert_hf_to_gguf.py's _try_set_pooling_type
            for key, name in [("pooling_mode_mean_tokens", "mean"), ("pooling_mode_cls_token", "first"),
                              ("pooling_mode_lasttoken", "last"), ("pooling_mode_max_tokens", "max"),
                              ("pooling_mode_weightedmean_tokens", "weightedmean")]:
                if cfg.get(key):
                    return name
    return None


# ---------------------------------------------------------------------------- BERT


GELU_ACTS = ("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_python", "gelu_accurate")


def tokenizer_from_vocab_txt(hf_dir: Path):
    """The slow BertTokenizer rebuilt from vocab.txt + tokenizer_config.json (folders without
    tokenizer.json), with the same defaults as transformers."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {}
    for i, line in enumerate((hf_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()):
        vocab[line] = i
    cfg_path = hf_dir / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8")) if cfg_path.is_file() else {}
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token=cfg.get("unk_token", "[UNK]")))
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=cfg.get("tokenize_chinese_chars", True),
        strip_accents=cfg.get("strip_accents"), lowercase=cfg.get("do_lower_case", True))
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = cfg.get("cls_token", "[CLS]"), cfg.get("sep_token", "[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single=f"{cls} $A {sep}", special_tokens=[(cls, vocab[cls]), (sep, vocab[sep])])
    return tok


class Bert:
    """BERT, and RoBERTa/XLM-R (the same encoder; positions start at padding_idx + 1)."""

    def __init__(self, hf_dir: Path, cfg: dict, gelu_variant: str):
        from tokenizers import Tokenizer

        self.cfg, self.gelu = cfg, gelu_variant
        if cfg.get("hidden_act", "gelu") not in GELU_ACTS:
            raise SystemExit(f"unsupported hidden_act {cfg.get('hidden_act')!r}")
        if (hf_dir / "tokenizer.json").is_file():
            self.tok = Tokenizer.from_file(str(hf_dir / "tokenizer.json"))
        else:
            self.tok = tokenizer_from_vocab_txt(hf_dir)
        # all-MiniLM's tokenizer.json pads/truncates to 128; llama.cpp does neither
        self.tok.no_truncation()
        self.tok.no_padding()
        self.w = None
        self.hf_dir = hf_dir
        # RobertaEmbeddings.create_position_ids_from_input_ids: padding_idx + 1 + i without padding
        roberta = cfg.get("model_type") in ("roberta", "xlm-roberta")
        self.pos0 = cfg.get("pad_token_id", 1) + 1 if roberta else 0

    def tokenize(self, text: str) -> list[int]:
        return self.tok.encode(text, add_special_tokens=True).ids  # [CLS] ... [SEP]

    def forward(self, ids: list[int], type_ids: list[int] | None = None) -> np.ndarray:
        if self.w is None:
            self.w = load_weights(self.hf_dir)
        w, c = self.w, self.cfg
        eps, nh = c["layer_norm_eps"], c["num_attention_heads"]
        n = len(ids)
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][self.pos0:self.pos0 + n])
        if "embeddings.token_type_embeddings.weight" in w:  # absent when type_vocab_size is 0
            # one text is all token type 0; a pair (`rank`) has the second text as type 1
            x = x + w["embeddings.token_type_embeddings.weight"][type_ids or [0] * n]
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)

        def lin(h, name):
            return h @ w[name + ".weight"].T + w[name + ".bias"]

        d = x.shape[1]
        hd = d // nh
        for i in range(c["num_hidden_layers"]):
            p = f"encoder.layer.{i}"
            q = lin(x, f"{p}.attention.self.query").reshape(n, nh, hd).transpose(1, 0, 2)
            k = lin(x, f"{p}.attention.self.key").reshape(n, nh, hd).transpose(1, 0, 2)
            v = lin(x, f"{p}.attention.self.value").reshape(n, nh, hd).transpose(1, 0, 2)
            att = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(hd))  # bidirectional, no mask
            a = (att @ v).transpose(1, 0, 2).reshape(n, d)
            x = layer_norm(lin(a, f"{p}.attention.output.dense") + x,
                           w[f"{p}.attention.output.LayerNorm.weight"], w[f"{p}.attention.output.LayerNorm.bias"], eps)
            h = gelu(lin(x, f"{p}.intermediate.dense"), self.gelu)
            x = layer_norm(lin(h, f"{p}.output.dense") + x,
                           w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], eps)
        return x


# ---------------------------------------------------------------------------- llama


class Llama:
    def __init__(self, hf_dir: Path, cfg: dict):
        self.cfg, self.hf_dir, self.w = cfg, hf_dir, None
        self.vocab = json.loads((hf_dir / "vocab.json").read_text(encoding="utf-8"))
        self.bos = cfg.get("bos_token_id", 1)

    def tokenize(self, text: str) -> list[int]:
        """llama.cpp SPM tokenization for a vocab of single characters only (nothing can merge):
        BOS, then "▁" + text with " " -> "▁" (add_space_prefix, escape_whitespace), one token per
        character, byte-fallback <0xXX> tokens for each UTF-8 byte of characters not in the vocab.
        Empty text -> just BOS (llama.cpp skips the empty fragment, so no space prefix)."""
        ids = [self.bos]
        if not text:
            return ids
        for ch in "\u2581" + text.replace(" ", "\u2581"):
            if ch in self.vocab:
                ids.append(self.vocab[ch])
            else:
                ids += [self.vocab[f"<0x{b:02X}>"] for b in ch.encode("utf-8")]
        return ids

    def forward(self, ids: list[int], type_ids: list[int] | None = None) -> np.ndarray:
        if self.w is None:
            self.w = load_weights(self.hf_dir)
        w, c = self.w, self.cfg
        eps, nh = c["rms_norm_eps"], c["num_attention_heads"]
        nkv = c.get("num_key_value_heads", nh)
        n = len(ids)
        x = w["model.embed_tokens.weight"][ids]
        d = x.shape[1]
        hd = c.get("head_dim") or d // nh

        # HF rotate_half RoPE on the original (un-permuted) q/k weights; llama.cpp's NORM rope on
        # convert's permuted weights is the same function.
        inv = 1.0 / (c.get("rope_theta", 10000.0) ** (np.arange(0, hd, 2) / hd))
        ang = np.arange(n)[:, None] * inv[None, :]
        cos, sin = np.cos(np.concatenate([ang, ang], -1)), np.sin(np.concatenate([ang, ang], -1))

        def rope(t):  # t: (heads, n, hd)
            rot = np.concatenate([-t[..., hd // 2:], t[..., : hd // 2]], -1)
            return t * cos + rot * sin

        mask = np.triu(np.full((n, n), -np.inf), 1)  # causal: llama.cpp keeps causal_attn for llama
        for i in range(c["num_hidden_layers"]):
            p = f"model.layers.{i}"
            h = rms_norm(x, w[f"{p}.input_layernorm.weight"], eps)
            q = rope((h @ w[f"{p}.self_attn.q_proj.weight"].T).reshape(n, nh, hd).transpose(1, 0, 2))
            k = rope((h @ w[f"{p}.self_attn.k_proj.weight"].T).reshape(n, nkv, hd).transpose(1, 0, 2))
            v = (h @ w[f"{p}.self_attn.v_proj.weight"].T).reshape(n, nkv, hd).transpose(1, 0, 2)
            k, v = np.repeat(k, nh // nkv, 0), np.repeat(v, nh // nkv, 0)  # GQA: q head j uses kv head j // (nh/nkv)
            att = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(hd) + mask)
            a = (att @ v).transpose(1, 0, 2).reshape(n, nh * hd)
            x = x + a @ w[f"{p}.self_attn.o_proj.weight"].T
            h = rms_norm(x, w[f"{p}.post_attention_layernorm.weight"], eps)
            g = h @ w[f"{p}.mlp.gate_proj.weight"].T
            x = x + ((g / (1.0 + np.exp(-g))) * (h @ w[f"{p}.mlp.up_proj.weight"].T)) @ w[f"{p}.mlp.down_proj.weight"].T
        # llama.cpp's per-token embedding for llama is res->t_embd = the final RMSNorm output
        # ("result_norm"), i.e. before the LM head.
        return rms_norm(x, w["model.norm.weight"], eps)


# ---------------------------------------------------------------------------- driver


def pool(rows: np.ndarray) -> dict[str, np.ndarray]:
    wts = np.arange(1, len(rows) + 1, dtype=np.float64)[:, None]
    return {"mean": rows.mean(0), "first": rows[0], "last": rows[-1], "max": rows.max(0),
            "weightedmean": (rows * wts).sum(0) / wts.sum()}


def load_model(hf_dir: Path, gelu_variant: str):
    cfg = json.loads((hf_dir / "config.json").read_text(encoding="utf-8"))
    mt = cfg.get("model_type")
    if mt in ("bert", "roberta", "xlm-roberta"):
        return Bert(hf_dir, cfg, gelu_variant), "bert"
    if mt == "llama":
        return Llama(hf_dir, cfg), "llama"
    raise SystemExit(f"unsupported model_type {mt!r}")


def st_truncate(ids: list[int], max_len: int) -> list[int]:
    """What sentence-transformers does at its max_seq_length: the tokenizer cuts content tokens
    at the end and keeps [CLS] first and [SEP] last."""
    return ids if len(ids) <= max_len else ids[: max_len - 1] + ids[-1:]


def run(hf_dir: Path, texts: list[str], normalize=False, tokens_only=False, per_token=False,
        gelu_variant="ggml-cpu", max_seq_length=None) -> dict:
    model, arch = load_model(hf_dir, gelu_variant)
    native = native_pooling(hf_dir) if arch == "bert" else None
    out = {"model": hf_dir.name, "arch": arch, "items": []}
    if not tokens_only:
        out |= {"native_pooling": native, "normalized": normalize, "gelu": gelu_variant if arch == "bert" else None}
    for text in texts:
        ids = model.tokenize(text)
        if max_seq_length:
            ids = st_truncate(ids, max_seq_length)
        item = {"text": text, "tokens": ids}
        if not tokens_only:
            rows = model.forward(ids)
            out["dimension"] = int(rows.shape[1])
            pooled = pool(rows)
            if native:
                pooled["native"] = pooled[native]
            if normalize:
                pooled = {k: v / max(np.linalg.norm(v), 1e-12) for k, v in pooled.items()}
            item["pooled"] = {k: v.tolist() for k, v in pooled.items()}
            if per_token:
                item["token_embeddings"] = rows.tolist()
        out["items"].append(item)
    return out


def rank(hf_dir: Path, pairs: list[dict], gelu_variant="ggml-cpu") -> dict:
    """A cross-encoder's scores (BertForSequenceClassification): the pair tokenized as HF does it
    (`tokenizer(query, document)`: [CLS] q [SEP] d [SEP], token types 0 then 1), the encoder,
    the pooler (dense + tanh on [CLS]) and the classifier; score = sigmoid(logit), as
    sentence-transformers' CrossEncoder reports a one-label model.

    pairs: [{"query", "documents": [..]}]; out: {"model", "items": [{"query", "document",
    "tokens", "token_types", "logit", "score", "logit_type0"}]}; logit_type0 is the score with every
    token as type 0 (what llama.cpp's graph computes on its own), for the tests to tell the two apart."""
    model, arch = load_model(hf_dir, gelu_variant)
    if arch != "bert":
        raise SystemExit("rank: only BERT-family cross-encoders")
    out = {"model": hf_dir.name, "gelu": gelu_variant, "items": []}
    for p in pairs:
        for doc in p["documents"]:
            enc = model.tok.encode(p["query"], doc, add_special_tokens=True)
            def head(type_ids):
                rows = model.forward(enc.ids, type_ids)
                w = model.w
                pooled = np.tanh(rows[0] @ w["pooler.dense.weight"].T + w["pooler.dense.bias"])
                return float((pooled @ w["classifier.weight"].T + w["classifier.bias"])[0])
            logit = head(enc.type_ids)
            out["items"].append({"query": p["query"], "document": doc, "tokens": enc.ids, "token_types": enc.type_ids,
                                 "logit": logit, "score": 1.0 / (1.0 + math.exp(-logit)),
                                 "logit_type0": head([0] * len(enc.ids))})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hf-dir", required=True, type=Path)
    ap.add_argument("--texts-file", required=True, type=Path, help="JSON array of strings")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--normalize", action="store_true", help="L2-normalize pooled vectors")
    ap.add_argument("--tokens-only", action="store_true", help="only tokenize (fast, for big vocabs)")
    ap.add_argument("--per-token", action="store_true", help="also write every token's hidden state")
    ap.add_argument("--gelu", choices=["ggml-cpu", "tanh", "erf"], default="ggml-cpu",
                    help="GELU variant for BERT (default: what llama.cpp's CPU backend computes)")
    ap.add_argument("--st-length", action="store_true",
                    help="truncate to sentence_bert_config.json's max_seq_length, as sentence-transformers does")
    a = ap.parse_args()
    max_seq_length = json.loads((a.hf_dir / "sentence_bert_config.json").read_text())["max_seq_length"] if a.st_length else None
    texts = json.loads(a.texts_file.read_text(encoding="utf-8"))
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise SystemExit("--texts-file must hold a JSON array of strings")
    res = run(a.hf_dir, texts, a.normalize, a.tokens_only, a.per_token, a.gelu, max_seq_length)
    a.out.write_text(json.dumps(res, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
