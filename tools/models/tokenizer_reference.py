#!/usr/bin/env python3
"""Token ids a Hugging Face tokenizer gives each text of a corpus: the reference side of the
tokenizer parity suite (the engine side is `mullama.Model.load(gguf).tokenize(text, 0)`).

    python tools/models/tokenizer_reference.py --corpus scenarios/tokenizer-corpus.json \
        --tokenizer PATH --out FILE.json [--pieces] [--split-special]

PATH is a tokenizer.json (or a folder holding one), e.g. target/models-src/all-MiniLM-L6-v2 or
target/testdata/tiny-bert-hf, or a .gguf whose vocabulary gguf_tokenizer.py turns into a
tokenizer (decoder models: SmolLM2, Gemma 3).

FILE.json: [{"text": ..., "ids": [...]} ...] in corpus order, with the special tokens the model adds
for embedding: [CLS] ... [SEP] from a BERT tokenizer.json's post-processor, BOS/EOS per the GGUF's
add_bos_token/add_eos_token. `--pieces` adds "pieces" (the token strings) for reading diffs.
By default special tokens typed in a text are matched, as transformers does; `--split-special`
tokenizes them as plain text instead, which is what llama.cpp does with parse_special=false (the
engine's setting); user-defined (non-special) added tokens are matched either way, by both.
Truncation and padding are switched off: tokenizer.json files often carry a max_length (128 for
all-MiniLM-L6-v2) that the engine's tokenize(text, 0) does not apply.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gguf_tokenizer import build  # noqa: E402


def load(path: str, split_special: bool = False) -> Tokenizer:
    p = Path(path)
    if p.suffix == ".gguf":
        tok, info = build(str(p))
        print(f"{p.name}: {info}", file=sys.stderr)
    else:
        tok = Tokenizer.from_file(str(p / "tokenizer.json" if p.is_dir() else p))
    tok.no_truncation()
    tok.no_padding()
    tok.encode_special_tokens = split_special
    return tok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True, help="JSON list of {text, why} (or of strings)")
    ap.add_argument("--tokenizer", required=True, help="tokenizer.json, a folder with one, or a .gguf")
    ap.add_argument("--out", required=True)
    ap.add_argument("--pieces", action="store_true", help="also write the token strings")
    ap.add_argument("--split-special", action="store_true",
                    help="tokenize special-token text (\"[CLS]\", \"<bos>\") as plain text, like parse_special=false")
    a = ap.parse_args()

    corpus = json.loads(Path(a.corpus).read_text(encoding="utf-8"))
    texts = [e["text"] if isinstance(e, dict) else e for e in corpus]
    tok = load(a.tokenizer, a.split_special)
    out = []
    for text, enc in zip(texts, tok.encode_batch(texts, add_special_tokens=True)):
        # Offsets as UTF-8 byte ranges (tokenizers' Python API counts characters); null for the
        # special tokens the post-processor adds.
        at = [0]
        for ch in text:
            at.append(at[-1] + len(ch.encode("utf-8")))
        offsets = [None if special else [at[a], at[b]] for (a, b), special in zip(enc.offsets, enc.special_tokens_mask)]
        item = {"text": text, "ids": enc.ids, "offsets": offsets}
        if a.pieces:
            item["pieces"] = enc.tokens
        out.append(item)
    Path(a.out).write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(out)} texts -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
