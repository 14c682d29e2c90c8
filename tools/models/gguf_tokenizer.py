#!/usr/bin/env python3
"""Builds a Hugging Face `tokenizers.Tokenizer` from the vocabulary stored in a GGUF file.

This is how transformers itself loads a tokenizer from a GGUF (integrations/ggml.py), so the
result is a reference for llama.cpp's tokenizer that shares only the vocabulary with it: the
splitting, normalisation and merge rules come from the `tokenizers` library.

    from gguf_tokenizer import build
    tok, info = build("model.gguf")        # info: model, pre, add_bos, add_eos, add_space_prefix
    tok.encode("Hello world").ids

Supported `tokenizer.ggml.model` values:

* `gpt2`: byte-level BPE with the GGUF's merges; the pre-tokenizer follows `tokenizer.ggml.pre`
  (see PRE_TOKENIZERS; an unknown `pre` is an error rather than a guess).
* `llama`: SentencePiece BPE (Llama 2, Gemma): `▁` for spaces, `<0xXX>` byte fallback, a `▁`
  prepended when `tokenizer.ggml.add_space_prefix` says so, and merges derived from the scores.

BERT GGUFs (`bert`, WordPiece) are not handled: compare those with the HF folder's tokenizer.json.
"""
from __future__ import annotations

from gguf import GGUFReader
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE

# gguf token types (llama.cpp's llama_token_type, the same numbers as SentencePiece's piece types).
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

# The pre-tokenizer each llama.cpp `pre` name stands for, as the model's own tokenizer.json
# spells it. SmolLM2's tokenizer.json: Sequence[Digits(individual_digits), ByteLevel]; llama.cpp's
# "smollm" (= its "starcoder" regexes) is `\p{N}` then the GPT-2 regex, the same split.
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def _gpt2():
    return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)


def _digits_gpt2():
    return pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), _gpt2()])


def _llama3():
    return pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])


PRE_TOKENIZERS = {
    "default": _gpt2, "gpt2": _gpt2,
    "smollm": _digits_gpt2, "starcoder": _digits_gpt2,
    "llama-bpe": _llama3, "llama3": _llama3,
}


def read_vocab(path: str) -> dict:
    """The `tokenizer.ggml.*` keys of a GGUF as plain Python values (keys without the prefix)."""
    reader = GGUFReader(path)
    out = {}
    for key, field in reader.fields.items():
        if key.startswith("tokenizer.ggml."):
            out[key[len("tokenizer.ggml."):]] = field.contents()
    out["architecture"] = reader.fields["general.architecture"].contents()
    return out


def merges_from_scores(tokens: list[str], scores: list[float], types: list[int]) -> list[tuple[str, str]]:
    """BPE merges for a SentencePiece vocabulary, which stores scores instead of merges.

    SentencePiece BPE repeatedly merges the adjacent pair whose concatenation is the piece with
    the highest score. A merge list ranked by the merged piece's score gives the same result:
    every split (left, right) of a piece into two vocabulary pieces becomes a merge, splits of
    one piece ordered by the halves' scores, then all merges by the merged piece's score (a
    stable sort, so vocabulary order breaks ties). That is transformers' GGUF rule, except that
    here only NORMAL pieces are merge results: SentencePiece never produces a control, byte,
    unused or user-defined piece by merging, so neither may the reference.
    """
    score = {}
    for tok, s in zip(tokens, scores):
        score.setdefault(tok, s)
    merges = []
    for tok, s, kind in zip(tokens, scores, types):
        if kind != NORMAL or len(tok) < 2:
            continue
        local = [(tok[:k], tok[k:], s) for k in range(1, len(tok)) if tok[:k] in score and tok[k:] in score]
        local.sort(key=lambda m: (score[m[0]], score[m[1]]), reverse=True)
        merges.extend(local)
    merges.sort(key=lambda m: m[2], reverse=True)
    return [(left, right) for left, right, _ in merges]


def _added_tokens(tokens: list[str], types: list[int]) -> tuple[list[AddedToken], list[AddedToken]]:
    # Control/unknown tokens are special (never produced from text by llama.cpp unless it parses
    # specials; HF matches them in the text). User-defined tokens are matched in the raw text
    # before the model runs, by SentencePiece, by transformers' SpmConverter and by llama.cpp.
    special = [AddedToken(t, normalized=False, special=True) for t, k in zip(tokens, types) if k in (CONTROL, UNKNOWN)]
    user = [AddedToken(t, normalized=False, special=False) for t, k in zip(tokens, types) if k == USER_DEFINED]
    return special, user


def _post_processor(tokens: list[str], v: dict, add_bos: bool, add_eos: bool):
    single = []
    specials = []
    if add_bos and v.get("bos_token_id") is not None:
        bos = tokens[v["bos_token_id"]]
        single.append(bos)
        specials.append((bos, v["bos_token_id"]))
    single.append("$A")
    if add_eos and v.get("eos_token_id") is not None:
        eos = tokens[v["eos_token_id"]]
        single.append(eos)
        specials.append((eos, v["eos_token_id"]))
    return processors.TemplateProcessing(single=" ".join(single), special_tokens=list(dict.fromkeys(specials)))


def _vocab_dict(tokens: list[str]) -> dict[str, int]:
    vocab = {}
    for i, t in enumerate(tokens):
        vocab.setdefault(t, i)  # a duplicated string keeps its first id, as llama.cpp's lookup does
    return vocab


def build(path: str) -> tuple[Tokenizer, dict]:
    v = read_vocab(path)
    model = v.get("model")
    tokens = v["tokens"]
    types = v.get("token_type") or [NORMAL] * len(tokens)
    # When a GGUF lacks the add_* keys, llama.cpp's per-model defaults apply: SPM adds BOS and a
    # space prefix, BPE adds neither.
    if model == "gpt2":
        add_bos = bool(v.get("add_bos_token", False))
        add_space_prefix = False
        pre = v.get("pre", "default")
        if pre not in PRE_TOKENIZERS:
            raise NotImplementedError(f"tokenizer.ggml.pre={pre!r}: add its pre-tokenizer to PRE_TOKENIZERS")
        merges = [tuple(m.split(" ", 1)) for m in v["merges"]]
        tok = Tokenizer(BPE(_vocab_dict(tokens), merges))
        tok.pre_tokenizer = PRE_TOKENIZERS[pre]()
        tok.decoder = decoders.ByteLevel()
    elif model == "llama":
        add_bos = bool(v.get("add_bos_token", True))
        add_space_prefix = bool(v.get("add_space_prefix", True))
        pre = v.get("pre", "default")
        merges = merges_from_scores(tokens, v["scores"], types)
        unk = tokens[v["unknown_token_id"]] if v.get("unknown_token_id") is not None else None
        tok = Tokenizer(BPE(_vocab_dict(tokens), merges, unk_token=unk, fuse_unk=True, byte_fallback=True))
        # SentencePiece escapes every ASCII space as ▁ (no other whitespace) and, with a dummy
        # prefix, puts one ▁ in front; there is no word splitting, BPE sees the whole text.
        steps = [normalizers.Prepend("▁")] if add_space_prefix else []
        tok.normalizer = normalizers.Sequence(steps + [normalizers.Replace(" ", "▁")])
        strip = [decoders.Strip(content=" ", left=1, right=0)] if add_space_prefix else []
        tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()] + strip)
    else:
        raise NotImplementedError(f"tokenizer.ggml.model={model!r} (only gpt2 and llama)")
    add_eos = bool(v.get("add_eos_token", False))
    special, user = _added_tokens(tokens, types)
    tok.add_special_tokens(special)
    tok.add_tokens(user)
    tok.post_processor = _post_processor(tokens, v, add_bos, add_eos)
    info = {"model": model, "pre": pre, "architecture": v["architecture"], "add_bos": add_bos,
            "add_eos": add_eos, "add_space_prefix": add_space_prefix, "merges": len(merges)}
    return tok, info


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gguf")
    ap.add_argument("--save", help="write the tokenizer as tokenizer.json here")
    ap.add_argument("text", nargs="*", help="texts to tokenize (ids and pieces are printed)")
    a = ap.parse_args()
    tokenizer, meta = build(a.gguf)
    print(meta)
    if a.save:
        tokenizer.save(a.save)
    for t in a.text:
        enc = tokenizer.encode(t)
        print(enc.ids, enc.tokens)
