#!/usr/bin/env python3
"""Self-check for make_test_models.py and reference.py (no llama.cpp needed).

    python tools/models/selfcheck.py        # exit 0 and "selfcheck OK" on success

Generates the models twice into temp dirs (must be byte-identical), re-reads both GGUFs with
gguf.GGUFReader, checks names / shapes / values / metadata against the HF folders, emulates
llama.cpp's WPM and NORM-rope conventions on the GGUF side and compares them with the HF side,
runs the reference on English, accented and CJK text, and checks the converter variants'
layouts and the reference's handling of them (vocab.txt tokenizer, cased text, XLM-R).
"""
from __future__ import annotations

import filecmp
import json
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import load_file

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import reference  # noqa: E402
from make_test_models import SPECIALS, permute  # noqa: E402

TEXTS = ["How do I cook pasta? It's good.", "Café naïve résumé — ÉTÉ", "你好，世界 日本 中文"]

BERT_NAMES = {"token_embd.weight", "token_types.weight", "position_embd.weight",
              "token_embd_norm.weight", "token_embd_norm.bias"} | {
    f"blk.{i}.{t}.{s}" for i in range(2) for s in ("weight", "bias")
    for t in ("attn_q", "attn_k", "attn_v", "attn_output", "attn_output_norm", "ffn_up", "ffn_down",
              "layer_output_norm")}
LLAMA_NAMES = {"token_embd.weight", "output_norm.weight", "output.weight"} | {
    f"blk.{i}.{t}.weight" for i in range(2)
    for t in ("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down")}


def kv(r: gguf.GGUFReader, key: str):
    f = r.get_field(key)
    return None if f is None else f.contents()


def gen(out: Path) -> None:
    subprocess.run([sys.executable, str(HERE / "make_test_models.py"), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)


def check_tensors(r: gguf.GGUFReader, hf: dict[str, np.ndarray], arch, names: set[str], unpermute=None):
    got = {t.name: t for t in r.tensors}
    assert set(got) == names, f"tensor names differ: {set(got) ^ names}"
    tmap = gguf.get_tensor_name_map(arch, 2)
    for hname, harr in hf.items():
        t = got[tmap.get_name(hname, try_suffixes=(".weight", ".bias"))]
        assert t.tensor_type == gguf.GGMLQuantizationType.F32
        assert tuple(int(x) for x in t.shape[::-1]) == harr.shape, (hname, t.shape, harr.shape)  # ne is reversed
        data = np.asarray(t.data).reshape(harr.shape)
        if unpermute:
            data = unpermute(hname, data)
        assert np.array_equal(data, harr), hname


def wpm_tokenize(text: str, vocab: dict[str, int], unk: int) -> list[int]:
    """Python transcription of llama.cpp's llm_tokenizer_wpm_session (default normalizer opts:
    lowercase + strip accents), used to prove the phantom-space GGUF vocab reproduces HF's ids."""
    words, cur = [], ""
    for ch in unicodedata.normalize("NFD", text):
        cat = unicodedata.category(ch)
        if ch.isspace():
            words, cur = words + [cur], ""
            continue
        if cat == "Mn" or cat.startswith("C"):
            continue
        ch = ch.lower()
        cjk = 0x4E00 <= ord(ch) <= 0x9FFF
        if cat.startswith("P") or (ord(ch) < 0x7F and cat.startswith("S")) or cjk:
            words, cur = words + [cur, ch], ""
        else:
            cur += ch
    out = []
    for w in filter(None, words + [cur]):
        w1, i, ids = "\u2581" + w, 0, []
        while i < len(w1):
            for j in range(len(w1), i, -1):
                if w1[i:j] in vocab:
                    ids.append(vocab[w1[i:j]])
                    i = j
                    break
            else:
                ids = []
                break
        out += ids or [unk]
    return out


def check_bert(d: Path) -> None:
    r = gguf.GGUFReader(d / "tiny-bert.gguf")
    assert kv(r, "general.architecture") == "bert"
    assert kv(r, "bert.pooling_type") == 1 and kv(r, "bert.attention.causal") is False
    assert kv(r, "bert.context_length") == 128 and kv(r, "bert.embedding_length") == 64
    assert kv(r, "tokenizer.ggml.model") == "bert" and kv(r, "tokenizer.ggml.token_type_count") == 2
    tokens = kv(r, "tokenizer.ggml.tokens")
    vocab_txt = (d / "tiny-bert-hf" / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    assert len(tokens) == len(vocab_txt)
    for g, h in zip(tokens, vocab_txt):  # phantom-space conversion
        assert g == (h if h in SPECIALS else h[2:] if h.startswith("##") else "\u2581" + h), (g, h)
    ids = {k: kv(r, f"tokenizer.ggml.{k}_token_id") for k in ("bos", "eos", "unknown", "seperator", "padding", "mask")}
    assert ids == {"bos": 2, "eos": 3, "unknown": 1, "seperator": 3, "padding": 0, "mask": 4}, ids
    check_tensors(r, load_file(str(d / "tiny-bert-hf" / "model.safetensors")), gguf.MODEL_ARCH.BERT, BERT_NAMES)

    gv = {t: i for i, t in enumerate(tokens)}
    ref = reference.run(d / "tiny-bert-hf", TEXTS)
    for item in ref["items"]:
        # llama.cpp WPM: [CLS] (bos) + words + [SEP] when add_special
        expect = [ids["bos"]] + wpm_tokenize(item["text"], gv, ids["unknown"]) + [ids["seperator"]]
        assert item["tokens"] == expect, (item["text"], item["tokens"], expect)
        for v in item["pooled"].values():
            assert len(v) == 64 and np.all(np.isfinite(v))
        assert item["pooled"]["native"] == item["pooled"]["mean"]
    assert ids["unknown"] not in ref["items"][0]["tokens"]  # plain English never hits [UNK]
    print("bert tokens:", [i["tokens"] for i in ref["items"]])


def check_llama(d: Path) -> None:
    r = gguf.GGUFReader(d / "tiny-llama.gguf")
    assert kv(r, "general.architecture") == "llama" and r.get_field("llama.pooling_type") is None
    assert kv(r, "llama.attention.head_count_kv") == 2 and kv(r, "llama.rope.dimension_count") == 16
    assert kv(r, "tokenizer.ggml.model") == "llama" and r.get_field("tokenizer.ggml.add_space_prefix") is None
    assert kv(r, "tokenizer.ggml.add_bos_token") is True and kv(r, "tokenizer.ggml.add_eos_token") is False
    tokens, types = kv(r, "tokenizer.ggml.tokens"), kv(r, "tokenizer.ggml.token_type")
    assert tokens[:4] == ["<unk>", "<s>", "</s>", "<0x00>"] and tokens[258] == "<0xFF>"
    assert all(len(t) == 1 for t in tokens[259:]) and types[3] == gguf.TokenType.BYTE

    hf = load_file(str(d / "tiny-llama-hf" / "model.safetensors"))

    def unpermute(name, a):  # inverse of convert's permute
        nh, nkv = 4, (4 if "q_proj" in name else 2)
        if name.endswith(("q_proj.weight", "k_proj.weight")):
            n = nkv
            return a.reshape(n, a.shape[0] // n // 2, 2, *a.shape[1:]).swapaxes(1, 2).reshape(a.shape)
        return a

    check_tensors(r, hf, gguf.MODEL_ARCH.LLAMA, LLAMA_NAMES, unpermute)

    # permuted weights + llama.cpp NORM rope (rotate adjacent pairs) must give the same q.k scores
    # as HF weights + rotate_half rope: proves the permutation direction, not just its invertibility.
    rng = np.random.default_rng(0)
    x, pos, hd = rng.normal(size=(5, 64)), np.arange(5), 16
    ang = pos[:, None] * (1e4 ** (-np.arange(0, hd, 2) / hd))[None]

    def rope_norm(t):  # (n, heads, hd), pairs (2i, 2i+1)
        a, b = t[..., 0::2], t[..., 1::2]
        c, s = np.cos(ang)[:, None], np.sin(ang)[:, None]
        return np.stack([a * c - b * s, a * s + b * c], -1).reshape(t.shape)

    def rope_neox(t):  # HF rotate_half
        c, s = np.cos(np.concatenate([ang, ang], -1))[:, None], np.sin(np.concatenate([ang, ang], -1))[:, None]
        return t * c + np.concatenate([-t[..., hd // 2:], t[..., :hd // 2]], -1) * s

    wq, wk = hf["model.layers.0.self_attn.q_proj.weight"], hf["model.layers.0.self_attn.k_proj.weight"]
    hf_s = np.einsum("qhd,khd->hqk", rope_neox((x @ wq.T).reshape(5, 4, hd)),
                     np.repeat(rope_neox((x @ wk.T).reshape(5, 2, hd)), 2, 1))
    gg_s = np.einsum("qhd,khd->hqk", rope_norm((x @ permute(wq, 4, 4).T).reshape(5, 4, hd)),
                     np.repeat(rope_norm((x @ permute(wk, 4, 2).T).reshape(5, 2, hd)), 2, 1))
    assert np.allclose(hf_s, gg_s), "q/k permutation does not match NORM rope"

    ref = reference.run(d / "tiny-llama-hf", TEXTS)
    byte = {t: i for i, t in enumerate(tokens)}
    for item in ref["items"]:
        assert item["tokens"][0] == 1 and item["tokens"][1] == byte["\u2581"]
        for v in item["pooled"].values():
            assert len(v) == 64 and np.all(np.isfinite(v))
        assert "native" not in item["pooled"]
    cjk = ref["items"][2]["tokens"]
    assert cjk[2:5] == [3 + b for b in "你".encode()], cjk  # byte fallback
    assert reference.Llama(d / "tiny-llama-hf", {}).tokenize("") == [1]
    print("llama tokens:", [i["tokens"] for i in ref["items"]])


def check_variants(d: Path) -> None:
    """The converter variants: layouts as intended, and reference.py's handling of each."""
    from tokenizers import Tokenizer

    v = d / "variants"
    refs = {p.stem[len("variant-"):]: json.loads(p.read_text("utf-8")) for p in (d / "reference").glob("variant-*.json")}
    assert sorted(refs) == sorted(p.name[:-3] for p in v.iterdir()), (sorted(refs), list(v.iterdir()))
    names = {k: set(load_file(str(v / f"{k}-hf" / "model.safetensors"))) for k in refs}
    assert "pooler.dense.weight" in names["bert-pooler-cls"]
    assert "bert.pooler.dense.weight" in names["bert-mlm-cased"] and "cls.predictions.bias" in names["bert-mlm-cased"]
    assert not any("token_type" in n for n in names["bert-notypes-oddvocab"])
    assert "roberta.embeddings.position_embeddings.weight" in names["xlmr"] and "lm_head.bias" in names["xlmr"]
    assert not (v / "bert-vocabtxt-hf" / "tokenizer.json").exists()
    cfg = json.loads((v / "bert-notypes-oddvocab-hf" / "config.json").read_text("utf-8"))
    assert cfg["vocab_size"] % 2 == 1 and cfg["type_vocab_size"] == 0

    # reference.py's vocab.txt tokenizer is the tokenizer.json one where both exist.
    hf = v / "bert-pooler-cls-hf"
    fast, slow = Tokenizer.from_file(str(hf / "tokenizer.json")), reference.tokenizer_from_vocab_txt(hf)
    for t in TEXTS:
        assert fast.encode(t).ids == slow.encode(t).ids, t
    # Cased keeps case and accents; uncased folds them.
    # The cross-encoder's reference scores query and document pairs, not texts: every pair has
    # both token types, and the scores depend on them (what llama.cpp's type-0 graph would miss).
    rank = refs.pop("bert-reranker")
    assert all(set(it["token_types"]) == {0, 1} and abs(it["logit"] - it["logit_type0"]) > 1e-3 for it in rank["items"])
    by_text = {k: {it["text"]: it for it in r["items"]} for k, r in refs.items()}
    hello = "Hello World, HELLO world!"
    assert len(set(by_text["bert-mlm-cased"][hello]["tokens"][1:-1])) == 6  # Hello World , HELLO world !
    assert by_text["bert-pooler-cls"][hello]["tokens"][1:3] == by_text["bert-pooler-cls"][hello]["tokens"][4:6]
    # max_input_chars_per_word 12: the 20-character word is one [UNK].
    assert by_text["bert-notypes-oddvocab"]["supercalifragilistic expialidocious"]["tokens"] == [2, 1, 1, 3]
    # XLM-R: <s> ... </s>, spaces collapsed and stripped, positions from padding_idx + 1.
    x = by_text["xlmr"]
    assert all(it["tokens"][0] == 0 and it["tokens"][-1] == 2 for it in x.values())
    assert x["  leading and trailing spaces  "]["tokens"] == reference.Bert(v / "xlmr-hf", json.loads(
        (v / "xlmr-hf" / "config.json").read_text("utf-8")), "ggml-cpu").tokenize("leading and trailing spaces")
    assert refs["xlmr"]["native_pooling"] == "mean" and refs["bert-notypes-oddvocab"]["native_pooling"] == "last"
    # weighted mean: row i weighs i + 1
    rows = np.array([[1.0, 0.0], [0.0, 3.0]])
    assert np.allclose(reference.pool(rows)["weightedmean"], [1 / 3, 2.0])
    print("variants:", ", ".join(sorted(refs)))


def check_error_files(d: Path) -> None:
    full, cut = (d / "tiny-bert.gguf").stat().st_size, (d / "corrupt-truncated.gguf").stat().st_size
    assert cut == full // 2
    for bad in ("corrupt-truncated.gguf", "not-a-gguf.gguf"):
        try:
            gguf.GGUFReader(d / bad)
        except Exception:
            continue
        raise AssertionError(f"{bad} unexpectedly parsed")
    for g in ("tiny-bert.gguf", "tiny-llama.gguf"):
        assert (d / g).stat().st_size < 4 << 20


def main() -> None:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        a, b = Path(a), Path(b)
        gen(a)
        gen(b)
        gen(b)  # idempotent: regenerating over an existing dir is fine
        for p in sorted(a.rglob("*")):
            if p.is_file():
                assert filecmp.cmp(p, b / p.relative_to(a), shallow=False), f"not deterministic: {p.name}"
        check_bert(a)
        check_llama(a)
        check_variants(a)
        check_error_files(a)
    print("selfcheck OK")


if __name__ == "__main__":
    main()
