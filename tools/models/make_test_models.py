#!/usr/bin/env python3
"""Generate tiny, deterministic test models for mullama.

    python tools/models/make_test_models.py --out DIR

Writes into DIR:
  tiny-bert-hf/          HF BERT folder (sentence-transformers layout, mean pooling)
  tiny-bert.gguf         same weights, laid out as llama.cpp's convert_hf_to_gguf.py would (f32)
  tiny-llama-hf/         HF llama folder (GQA) with a character-level vocab.json
  tiny-llama.gguf        same weights as convert would write them (q/k permuted for NORM rope)
  corrupt-truncated.gguf tiny-bert.gguf cut to half its size
  not-a-gguf.gguf        a text file
  nan-weights.gguf       tiny-bert.gguf with NaN in its embedding LayerNorm: loads, computes NaN
  variants/NAME-hf/      BERT-family layouts for mullama-convert's tests (pooler, MLM heads with a
                         "bert." prefix, cased vocab, no token types + odd vocab size, vocab.txt only,
                         XLM-R with a Unigram tokenizer), and reference/variant-NAME.json for each

The weights are random (fixed seed) but the shapes, names, metadata and tokenizers
are real, so llama.cpp loads the GGUFs and tools/models/reference.py can compute
the expected embeddings from the HF folders alone.
"""
from __future__ import annotations

import argparse
import json
import logging
import string
import sys
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference  # noqa: E402  (the float64 forward pass, for the converter variants' expected vectors)

SEED = 1234

# ---------------------------------------------------------------------------- helpers


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def common_gguf_header(w: gguf.GGUFWriter, name: str) -> None:
    # convert_hf_to_gguf.py always writes these general.* keys; llama.cpp reads file_type for logging only.
    w.add_type(gguf.GGUFType.MODEL)
    w.add_name(name)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)


def map_tensor_names(hf: dict[str, np.ndarray], arch: gguf.MODEL_ARCH, n_layer: int) -> dict[str, np.ndarray]:
    """HF name -> llama.cpp name using gguf-py's own TensorNameMap, exactly like convert does."""
    tmap = gguf.get_tensor_name_map(arch, n_layer)
    out = {}
    for name, arr in hf.items():
        new = tmap.get_name(name, try_suffixes=(".weight", ".bias"))
        if new is None:
            raise ValueError(f"cannot map tensor {name!r}")
        out[new] = arr
    return out


def write_gguf(path: Path, w: gguf.GGUFWriter, tensors: dict[str, np.ndarray]) -> None:
    # numpy arrays keep the HF (out, in) row-major layout; GGUF stores ne reversed = {in, out},
    # which is what llama.cpp's create_tensor() expects (e.g. ffn_up {n_embd, n_ff}).
    for name, arr in tensors.items():
        w.add_tensor(name, np.ascontiguousarray(arr, dtype=np.float32))
    w.write_header_to_file(path)
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# ---------------------------------------------------------------------------- BERT

BERT_CFG = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                max_position_embeddings=128, type_vocab_size=2, layer_norm_eps=1e-12, hidden_act="gelu")

BERT_WORDS = """the a an and or of to in on for is are was be it this that with as at by from
how do i you we they what why where when who can cook pasta recipe spaghetti tell me about
quantum physics hello world good morning night cat dog house car tree water fire book read
write run walk embed text model token vector search query document cafe naive resume""".split()
BERT_SUFFIXES = ["##s", "##es", "##ed", "##ing", "##er", "##ly", "##tion", "##ment", "##ness"]
ACCENTED = ["é", "è", "à", "ü", "ö", "ñ", "ç"]
CJK = ["你", "好", "世", "界", "中", "文", "日", "本"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def bert_vocab() -> list[str]:
    # Deliberately NOT bert-base's ids (101/102/...): [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4,
    # so an engine that hard-codes 101/102 instead of reading the GGUF fails the tests.
    vocab = list(SPECIALS)
    letters = list(string.ascii_lowercase)  # the normalizer lowercases, so upper case is never looked up
    digits = list(string.digits)
    vocab += letters + ["##" + c for c in letters] + digits + ["##" + c for c in digits]
    vocab += list(string.punctuation)
    # accented letters: unreachable through the uncased normalizer (it strips accents), kept to
    # exercise the phantom-space conversion of non-ASCII tokens.
    vocab += ACCENTED + ["##" + c for c in ACCENTED] + CJK
    vocab += [w for w in BERT_WORDS + BERT_SUFFIXES if w not in vocab]
    assert len(vocab) == len(set(vocab))
    return vocab


def bert_tokenizer(vocab: list[str], lowercase: bool = True, in_sequence: bool = False,
                   max_input_chars_per_word: int = 100) -> Tokenizer:
    ids = {t: i for i, t in enumerate(vocab)}
    tok = Tokenizer(models.WordPiece(vocab=ids, unk_token="[UNK]", continuing_subword_prefix="##",
                                     max_input_chars_per_word=max_input_chars_per_word))
    norm = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                      lowercase=lowercase)
    tok.normalizer = normalizers.Sequence([norm]) if in_sequence else norm
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIALS])
    return tok


def bert_weights(rng: np.random.Generator, n_vocab: int, c: dict = BERT_CFG) -> dict[str, np.ndarray]:
    d, ff = c["hidden_size"], c["intermediate_size"]

    def lin(o, i, name):  # HF Linear: weight (out, in) + bias (out)
        return {f"{name}.weight": rng.normal(0, 0.08, (o, i)), f"{name}.bias": rng.normal(0, 0.02, (o,))}

    def ln(name):
        return {f"{name}.weight": 1.0 + rng.normal(0, 0.05, (d,)), f"{name}.bias": rng.normal(0, 0.02, (d,))}

    t = {
        "embeddings.word_embeddings.weight": rng.normal(0, 0.1, (n_vocab, d)),
        "embeddings.position_embeddings.weight": rng.normal(0, 0.05, (c["max_position_embeddings"], d)),
    }
    if c["type_vocab_size"] > 0:  # type_vocab_size 0: a model without token type embeddings
        t["embeddings.token_type_embeddings.weight"] = rng.normal(0, 0.05, (c["type_vocab_size"], d))
    t |= ln("embeddings.LayerNorm")
    for i in range(c["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        t |= lin(d, d, f"{p}.attention.self.query") | lin(d, d, f"{p}.attention.self.key")
        t |= lin(d, d, f"{p}.attention.self.value") | lin(d, d, f"{p}.attention.output.dense")
        t |= ln(f"{p}.attention.output.LayerNorm")
        t |= lin(ff, d, f"{p}.intermediate.dense") | lin(d, ff, f"{p}.output.dense")
        t |= ln(f"{p}.output.LayerNorm")
    return {k: v.astype(np.float32) for k, v in t.items()}


def make_bert(out: Path, rng: np.random.Generator) -> None:
    hf = out / "tiny-bert-hf"
    vocab = bert_vocab()
    tok = bert_tokenizer(vocab)
    weights = bert_weights(rng, len(vocab))

    hf.mkdir(parents=True, exist_ok=True)
    write_json(hf / "config.json", {"architectures": ["BertModel"], "model_type": "bert",
                                    "vocab_size": len(vocab), "pad_token_id": 0,
                                    "position_embedding_type": "absolute", **BERT_CFG})
    save_file(weights, str(hf / "model.safetensors"), metadata={"format": "pt"})
    (hf / "vocab.txt").write_text("".join(t + "\n" for t in vocab), encoding="utf-8")
    tok.save(str(hf / "tokenizer.json"))
    sp = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
          "mask_token": "[MASK]"}
    write_json(hf / "special_tokens_map.json", sp)
    write_json(hf / "tokenizer_config.json", {"do_lower_case": True, **sp, "tokenize_chinese_chars": True,
                                              "strip_accents": None, "tokenizer_class": "BertTokenizer",
                                              "model_max_length": BERT_CFG["max_position_embeddings"]})
    write_json(hf / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])
    write_json(hf / "1_Pooling" / "config.json", {
        "word_embedding_dimension": BERT_CFG["hidden_size"], "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False})
    write_json(hf / "sentence_bert_config.json", {"max_seq_length": 128, "do_lower_case": False})

    # --- GGUF, following conversion/bert.py (BertModel) + TextModel.set_gguf_parameters
    c = BERT_CFG
    w = gguf.GGUFWriter(None, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])
    common_gguf_header(w, "tiny-bert")
    w.add_block_count(c["num_hidden_layers"])
    w.add_context_length(c["max_position_embeddings"])
    w.add_embedding_length(c["hidden_size"])
    w.add_feed_forward_length(c["intermediate_size"])
    w.add_head_count(c["num_attention_heads"])
    w.add_layer_norm_eps(c["layer_norm_eps"])
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.MEAN)  # from modules.json -> 1_Pooling (mean)

    # get_vocab_base(): added tokens marked special -> CONTROL, everything else NORMAL.
    added = {t.content: t for t in tok.get_added_tokens_decoder().values()}
    toktypes = [gguf.TokenType.CONTROL if (t in added and added[t].special) else gguf.TokenType.NORMAL
                for t in vocab]

    # BertModel.set_vocab phantom-space conversion: CONTROL kept, "##x" -> "x", else "\u2581" + tok.
    def phantom(t, tt):
        if tt == gguf.TokenType.CONTROL:
            return t
        return t[2:] if t.startswith("##") else "\u2581" + t

    w.add_token_type_count(c["type_vocab_size"])
    w.add_tokenizer_model("bert")
    # convert derives "pre" from a hash of the tokenizer's output; our toy vocab matches no known
    # hash (convert would refuse it). llama.cpp ignores "pre" for WPM vocabs, so "default" is fine.
    w.add_tokenizer_pre("default")
    w.add_token_list([phantom(t, tt) for t, tt in zip(vocab, toktypes)])
    w.add_token_types([int(tt) for tt in toktypes])
    # special ids + add_bos/add_eos/add_sep: gguf-py's SpecialVocab reads tokenizer.json /
    # tokenizer_config.json exactly as convert does (bos=[CLS], eos=[SEP] via cls/sep fallback).
    gguf.SpecialVocab(hf, n_vocab=len(vocab)).add_to_gguf(w, quiet=True)

    write_gguf(out / "tiny-bert.gguf", w, map_tensor_names(weights, gguf.MODEL_ARCH.BERT, c["num_hidden_layers"]))


# ---------------------------------------------------------------------------- llama

LLAMA_CFG = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                 intermediate_size=128, rope_theta=10000.0, rms_norm_eps=1e-5, max_position_embeddings=256)


def llama_vocab() -> tuple[list[str], list[float], list[int]]:
    """SentencePiece-style vocab with ONLY single-character pieces, so SPM can never merge and
    tokenization is one token per character (bytes for anything unknown)."""
    T = gguf.TokenType
    tokens, scores, types = ["<unk>", "<s>", "</s>"], [0.0, 0.0, 0.0], [T.UNKNOWN, T.CONTROL, T.CONTROL]
    for b in range(256):  # byte-fallback pieces, upper-case hex as sentencepiece writes them
        tokens.append(f"<0x{b:02X}>"), scores.append(0.0), types.append(T.BYTE)
    chars = ["\u2581"] + list(string.ascii_letters + string.digits + string.punctuation) + ACCENTED
    for i, ch in enumerate(chars):
        tokens.append(ch), scores.append(-float(i + 1)), types.append(T.NORMAL)
    return tokens, scores, [int(t) for t in types]


def permute(w: np.ndarray, n_head: int, n_head_kv: int | None) -> np.ndarray:
    """conversion/llama.py LlamaModel.permute: HF rotate_half layout -> llama.cpp NORM rope layout
    (interleaved pairs) within each head."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def make_llama(out: Path, rng: np.random.Generator) -> None:
    hf = out / "tiny-llama-hf"
    c = LLAMA_CFG
    d, ff, nh, nkv = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd = d // nh
    tokens, scores, types = llama_vocab()
    nv = len(tokens)

    def norm_w():
        return 1.0 + rng.normal(0, 0.05, (d,))

    t = {"model.embed_tokens.weight": rng.normal(0, 0.1, (nv, d))}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}"
        t[f"{p}.input_layernorm.weight"] = norm_w()
        t[f"{p}.self_attn.q_proj.weight"] = rng.normal(0, 0.08, (nh * hd, d))
        t[f"{p}.self_attn.k_proj.weight"] = rng.normal(0, 0.08, (nkv * hd, d))
        t[f"{p}.self_attn.v_proj.weight"] = rng.normal(0, 0.08, (nkv * hd, d))
        t[f"{p}.self_attn.o_proj.weight"] = rng.normal(0, 0.08, (d, nh * hd))
        t[f"{p}.post_attention_layernorm.weight"] = norm_w()
        t[f"{p}.mlp.gate_proj.weight"] = rng.normal(0, 0.08, (ff, d))
        t[f"{p}.mlp.up_proj.weight"] = rng.normal(0, 0.08, (ff, d))
        t[f"{p}.mlp.down_proj.weight"] = rng.normal(0, 0.08, (d, ff))
    t["model.norm.weight"] = norm_w()
    t["lm_head.weight"] = rng.normal(0, 0.08, (nv, d))
    t = {k: v.astype(np.float32) for k, v in t.items()}

    hf.mkdir(parents=True, exist_ok=True)
    write_json(hf / "config.json", {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                                    "vocab_size": nv, "hidden_act": "silu", "attention_bias": False,
                                    "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2,
                                    **c})
    save_file(t, str(hf / "model.safetensors"), metadata={"format": "pt"})
    write_json(hf / "vocab.json", {tok: i for i, tok in enumerate(tokens)})
    write_json(hf / "tokenizer_config.json", {"add_bos_token": True, "add_eos_token": False,
                                              "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"})

    # --- GGUF, following conversion/llama.py + TextModel.set_gguf_parameters + _set_vocab_sentencepiece
    w = gguf.GGUFWriter(None, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.LLAMA])
    common_gguf_header(w, "tiny-llama")
    w.add_block_count(c["num_hidden_layers"])
    w.add_context_length(c["max_position_embeddings"])
    w.add_embedding_length(d)
    w.add_feed_forward_length(ff)
    w.add_head_count(nh)
    w.add_head_count_kv(nkv)
    w.add_rope_freq_base(c["rope_theta"])
    w.add_layer_norm_rms_eps(c["rms_norm_eps"])
    w.add_vocab_size(nv)
    w.add_rope_dimension_count(hd)
    # no {arch}.pooling_type: a decoder has no native pooling; the engine must choose one.

    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    # add_space_prefix is NOT written: llama-vocab.cpp defaults it to true for SPM vocabs.

    conv = {}
    for k, v in t.items():
        if k.endswith("q_proj.weight"):
            v = permute(v, nh, nh)
        elif k.endswith("k_proj.weight"):
            v = permute(v, nh, nkv)
        conv[k] = v
    write_gguf(out / "tiny-llama.gguf", w, map_tensor_names(conv, gguf.MODEL_ARCH.LLAMA, c["num_hidden_layers"]))


# ---------------------------------------------------------------------------- converter variants
# HF folders in the layouts sentence-transformers models come in, for mullama-convert's tests
# (packages/core-native/src/convert/tests/variants.rs): each is converted there, embedded by the
# engine and compared with reference/variant-NAME.json, which reference.py computes here from the
# HF folder alone. Nothing of these goes through gguf-py.

VARIANT_EXTRA_TEXTS = ["Hello World, HELLO world!", "The Quick Brown Fox", "Résumé ÉTÉ Ñandú",
                       "supercalifragilistic expialidocious"]
CASED_WORDS = ["Hello", "World", "The", "Quick", "Rust", "Python", "HELLO", "JavaScript"]
XLMR_CFG = dict(BERT_CFG, max_position_embeddings=130, type_vocab_size=1, layer_norm_eps=1e-5)


def variant_texts() -> list[str]:
    texts = json.loads((Path(__file__).resolve().parents[2] / "scenarios/reference-texts.json").read_text("utf-8"))
    return texts + VARIANT_EXTRA_TEXTS


def st_files(hf: Path, pooling: str | None, normalize: bool, max_seq_length: int | None = None,
             prompts: dict | None = None, default_prompt: str | None = None) -> None:
    """sentence-transformers' files: modules.json (+ Pooling config), sentence_bert_config.json,
    config_sentence_transformers.json."""
    if pooling is None:
        return
    modes = ["cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken"]
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        mods.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    write_json(hf / "modules.json", mods)
    write_json(hf / "1_Pooling" / "config.json", {"word_embedding_dimension": BERT_CFG["hidden_size"],
                                                  **{f"pooling_mode_{m}": m == pooling for m in modes},
                                                  "include_prompt": True})
    write_json(hf / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    if prompts is not None:
        write_json(hf / "config_sentence_transformers.json", {"prompts": prompts, "default_prompt_name": default_prompt,
                                                              "similarity_fn_name": "cosine"})


def bert_variant(out: Path, name: str, rng: np.random.Generator, *, arch="BertModel", prefix="", pooler=False,
                 heads=(), type_vocab_size=2, cased=False, vocab_holes=0, tokenizer_json=True, in_sequence=False,
                 max_input_chars_per_word=100, st=None, config_extra=None) -> None:
    hf = out / "variants" / f"{name}-hf"
    vocab = bert_vocab()
    if cased:  # upper-case letters and words are reachable only when nothing lowercases
        vocab += [c for c in string.ascii_uppercase] + ["##" + c for c in string.ascii_uppercase] + CASED_WORDS
    if vocab_holes:  # an odd vocab_size with ids no token has (get_vocab_base fills them with [PADi])
        assert (len(vocab) + vocab_holes) % 2 == 1
    n_vocab = len(vocab) + vocab_holes
    cfg = dict(BERT_CFG, type_vocab_size=type_vocab_size)
    w = bert_weights(rng, n_vocab, cfg)
    d = cfg["hidden_size"]
    if pooler:
        w["pooler.dense.weight"] = rng.normal(0, 0.08, (d, d)).astype(np.float32)
        w["pooler.dense.bias"] = rng.normal(0, 0.02, (d,)).astype(np.float32)
    w = {prefix + k: v for k, v in w.items()}
    for h, shape, *std in heads:  # task heads outside the encoder ("V": vocab size); (name, shape[, std])
        w[h] = rng.normal(0, std[0] if std else 0.05, [n_vocab if x == "V" else x for x in shape]).astype(np.float32)

    hf.mkdir(parents=True, exist_ok=True)
    write_json(hf / "config.json", {"architectures": [arch], "model_type": "bert", "vocab_size": n_vocab,
                                    "pad_token_id": 0, "position_embedding_type": "absolute", **cfg, **(config_extra or {})})
    save_file(w, str(hf / "model.safetensors"), metadata={"format": "pt"})
    (hf / "vocab.txt").write_text("".join(t + "\n" for t in vocab), encoding="utf-8")
    if tokenizer_json:
        bert_tokenizer(vocab, lowercase=not cased, in_sequence=in_sequence,
                       max_input_chars_per_word=max_input_chars_per_word).save(str(hf / "tokenizer.json"))
    sp = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
    write_json(hf / "tokenizer_config.json", {"do_lower_case": not cased, **sp, "tokenize_chinese_chars": True,
                                              "strip_accents": None, "tokenizer_class": "BertTokenizer",
                                              "model_max_length": cfg["max_position_embeddings"]})
    st_files(hf, **(st or {"pooling": None, "normalize": False}))


def xlmr_tokenizer() -> Tokenizer:
    """A SentencePiece-style Unigram tokenizer.json as XLM-R's (<s> <pad> </s> <unk> first,
    RobertaProcessing), with a normalizer llama.cpp's UGM tokenizer reproduces without a
    precompiled charsmap: strip + collapse runs of spaces (SentencePiece's remove_extra_whitespaces)."""
    rng = np.random.default_rng(SEED + 7)
    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    words = [w for w in BERT_WORDS + CASED_WORDS + ["quick", "brown", "fox", "lazy", "dog", "spaces"]]
    chars = list(string.ascii_letters + string.digits + string.punctuation) + ACCENTED + CJK
    seen = set()
    for p, base in [("\u2581" + w, -6.0) for w in words] + [("\u2581" + c, -9.0) for c in chars] + \
                   [(c, -10.0) for c in chars] + [(s[2:], -8.0) for s in BERT_SUFFIXES] + [("\u2581", -7.0)]:
        if p not in seen:
            seen.add(p)
            pieces.append((p, base - float(rng.uniform(0, 1))))  # distinct scores: no Viterbi ties
    pieces.append(("<mask>", 0.0))
    tok = Tokenizer(models.Unigram(pieces, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Strip(left=True, right=True),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t in ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]])
    return tok


def xlmr_variant(out: Path, rng: np.random.Generator) -> None:
    """XLMRobertaForMaskedLM: "roberta." prefix, an lm_head, positions from padding_idx + 1 = 2."""
    hf = out / "variants" / "xlmr-hf"
    tok = xlmr_tokenizer()
    n_vocab = tok.get_vocab_size()
    c = XLMR_CFG
    w = {"roberta." + k: v for k, v in bert_weights(rng, n_vocab, c).items()}
    d = c["hidden_size"]
    for h, shape in [("lm_head.dense.weight", (d, d)), ("lm_head.dense.bias", (d,)), ("lm_head.layer_norm.weight", (d,)),
                     ("lm_head.layer_norm.bias", (d,)), ("lm_head.decoder.weight", (n_vocab, d)), ("lm_head.bias", (n_vocab,))]:
        w[h] = rng.normal(0, 0.05, shape).astype(np.float32)
    hf.mkdir(parents=True, exist_ok=True)
    write_json(hf / "config.json", {"architectures": ["XLMRobertaForMaskedLM"], "model_type": "xlm-roberta",
                                    "vocab_size": n_vocab, "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2,
                                    "position_embedding_type": "absolute", **c})
    save_file(w, str(hf / "model.safetensors"), metadata={"format": "pt"})
    tok.save(str(hf / "tokenizer.json"))
    write_json(hf / "tokenizer_config.json", {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>",
                                              "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>",
                                              "mask_token": "<mask>", "clean_up_tokenization_spaces": True,
                                              "model_max_length": 128, "tokenizer_class": "XLMRobertaTokenizer"})
    st_files(hf, pooling="mean_tokens", normalize=True, max_seq_length=128)


def make_variants(out: Path) -> None:
    mlm_heads = [("cls.predictions.bias", ("V",)), ("cls.predictions.decoder.weight", ("V", 64)), ("cls.predictions.transform.dense.weight", (64, 64)),
                 ("cls.predictions.transform.dense.bias", (64,)), ("cls.predictions.transform.LayerNorm.weight", (64,)),
                 ("cls.predictions.transform.LayerNorm.bias", (64,)), ("cls.seq_relationship.weight", (2, 64)),
                 ("cls.seq_relationship.bias", (2,))]
    prompts = {"query": "query: ", "passage": "passage: ", "empty": ""}
    # (name, options); each variant gets its own generator so adding one never changes another
    variants = [
        ("bert-pooler-cls", dict(pooler=True, st=dict(pooling="cls_token", normalize=False, max_seq_length=64,
                                                       prompts=prompts, default_prompt="query"))),
        ("bert-mlm-cased", dict(arch="BertForMaskedLM", prefix="bert.", heads=mlm_heads, pooler=True, type_vocab_size=1,
                                cased=True, st=dict(pooling="max_tokens", normalize=True, max_seq_length=128))),
        ("bert-notypes-oddvocab", dict(type_vocab_size=0, vocab_holes=5, in_sequence=True, max_input_chars_per_word=12,
                                       st=dict(pooling="lasttoken", normalize=False))),
        ("bert-vocabtxt", dict(tokenizer_json=False)),
    ]
    # A cross-encoder as sentence-transformers' CrossEncoder saves one (ms-marco-MiniLM-L6-v2's
    # layout): BertForSequenceClassification, "bert." prefix, the pooler (dense + tanh) and a
    # one-label classifier on it; both token types in use (query 0, document 1).
    reranker = dict(arch="BertForSequenceClassification", prefix="bert.", pooler=True,
                    heads=[("classifier.weight", (1, 64), 3.0), ("classifier.bias", (1,))],
                    config_extra={"id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0},
                                  "sentence_transformers": {"activation_fn": "torch.nn.modules.activation.Sigmoid"}})
    texts = variant_texts()
    for i, (name, opts) in enumerate(variants):
        bert_variant(out, name, np.random.default_rng(SEED + 100 + i), **opts)
    xlmr_variant(out, np.random.default_rng(SEED + 200))
    bert_variant(out, "bert-reranker", np.random.default_rng(SEED + 300), **reranker)
    for name in [n for n, _ in variants] + ["xlmr"]:
        res = reference.run(out / "variants" / f"{name}-hf", texts)
        write_json(out / "reference" / f"variant-{name}.json", res)
    pairs = json.loads((Path(__file__).resolve().parents[2] / "scenarios/corpus/rank-pairs.json").read_text("utf-8"))
    write_json(out / "reference" / "variant-bert-reranker.json", reference.rank(out / "variants" / "bert-reranker-hf", pairs))


# ---------------------------------------------------------------------------- main


def make_nan_weights(src: Path, dst: Path) -> None:
    """A well-formed GGUF whose weights are NaN where every token passes (the embedding norm):
    llama.cpp loads it and returns NaN vectors, which the engine must refuse."""
    dst.write_bytes(src.read_bytes())
    reader = gguf.GGUFReader(dst, "r+")
    norm = next(t for t in reader.tensors if t.name == "token_embd_norm.weight")
    norm.data[:] = np.nan
    reader.data.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    # SpecialVocab warns "No handler for special token type cls" exactly as it does under convert
    # (gguf has no cls_token_id key; bos already points at [CLS]); not actionable, so keep it quiet.
    logging.getLogger("gguf.vocab").setLevel(logging.ERROR)

    # separate generators so changing one model never changes the other's weights
    make_bert(out, np.random.default_rng(SEED))
    make_llama(out, np.random.default_rng(SEED + 1))
    make_variants(out)

    data = (out / "tiny-bert.gguf").read_bytes()
    (out / "corrupt-truncated.gguf").write_bytes(data[: len(data) // 2])
    (out / "not-a-gguf.gguf").write_text("this is a plain text file, not a GGUF model\n", encoding="utf-8")
    make_nan_weights(out / "tiny-bert.gguf", out / "nan-weights.gguf")

    for p in sorted(out.glob("*.gguf")):
        print(f"{p}  {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
