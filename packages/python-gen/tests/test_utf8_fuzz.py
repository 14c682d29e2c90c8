"""Random and adversarial text through the Python binding: nothing aborts, nothing is lost.

A Python `str` holds code points, not bytes, so it cannot hold invalid UTF-8, but it can hold
what has no UTF-8 form: lone surrogates ('\\ud800'), a "pair" of surrogates (in Python two code
points, not one character, so also unencodable), and the '\\udcXX' code points that
`surrogateescape` decoding puts where it found invalid bytes (how os.fsdecode, sys.argv and
open(errors="surrogateescape") hand such bytes over). Each must raise mullama.InvalidUtf8Error
(code INVALID_UTF8), never UnicodeEncodeError, in every call that takes text.

(a) Valid text of every kind must embed: a finite vector of the model's dimension, with
    count_tokens and tokenize agreeing. The core's one exception: a text whose characters the
    tokenizer all drops (whitespace, controls, format characters such as ZWJ and BOM, nonspacing
    marks, private use, U+FFFD) has no tokens and is EmptyInputError.
(b) Unencodable text must be InvalidUtf8Error in get_embedding, get_embedding_batch (the whole
    call fails; the message names the bad text's index), count_tokens and tokenize, and the
    context keeps working after each.

Seeded: the seed is printed (pytest -s) and in every failure message. MULLAMA_FUZZ_SEED=N replays
a run; MULLAMA_FUZZ_SECONDS=S sets the time given to each random test (default 6).
"""

import math
import os
import random
import time

import pytest

import mullama
from mullama import Context, ContextParams

SEED = int(os.environ.get("MULLAMA_FUZZ_SEED", random.randrange(2**31)))
SECONDS = float(os.environ.get("MULLAMA_FUZZ_SECONDS", "6"))
print(f"test_utf8_fuzz: seed {SEED} (MULLAMA_FUZZ_SEED={SEED} replays it)")

# What a piece does to the tokenizer, as far as the test knows without its Unicode tables: KEEPS
# always gives a token, DROPS never does, UNKNOWN (a random code point) depends on whether the
# tables' Unicode version has it assigned.
KEEPS, DROPS, UNKNOWN = "keeps", "drops", "unknown"


def piece(r: random.Random, long: bool = True) -> tuple[str, str]:
    k = r.randrange(24)
    if k == 0:
        return r.choice(["hello", "world", "Rust", "naïve", "Straße", "x", "42", "e=mc²"]), KEEPS
    if k == 1:  # printable ASCII
        return "".join(chr(r.randint(0x21, 0x7E)) for _ in range(1 + r.randrange(12))), KEEPS
    if k == 2:
        return r.choice(["é", "ñ", "Å", "ø", "Ω", "ж", "ש", "ع", "क", "ก", "ß", "ǅ"]), KEEPS
    if k == 3:  # CJK
        return chr(r.randint(0x4E00, 0x9FFF)), KEEPS
    if k == 4:  # Hangul syllables
        return chr(r.randint(0xAC00, 0xD7A3)), KEEPS
    if k == 5:  # emoji (plane 1)
        return chr(r.randint(0x1F600, 0x1F64F)), KEEPS
    if k == 6:  # ZWJ sequences, VS16, skin tone, flags, keycap
        return r.choice(["👩\u200d👩\u200d👧", "🏳\ufe0f\u200d🌈", "👍🏽", "🇫🇷", "1\ufe0f\u20e3"]), KEEPS
    if k == 7:  # Deseret (plane 1)
        return chr(r.randint(0x10400, 0x1044F)), KEEPS
    if k == 8:  # mathematical bold
        return chr(r.randint(0x1D400, 0x1D433)), KEEPS
    if k == 9:  # CJK extension B (plane 2)
        return chr(r.randint(0x20000, 0x2A6DF)), KEEPS
    if k == 10:  # noncharacters: [UNK], not dropped
        return r.choice(["\ufffe", "\uffff", "\ufffe\uffff"]), KEEPS
    if k == 11:  # a base letter under a pile of combining marks
        return r.choice("aozи") + "".join(chr(r.randint(0x300, 0x36F)) for _ in range(1 + r.randrange(30))), KEEPS
    if k == 12:
        return r.choice([" ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\u2028", "\u0085"]), DROPS
    if k == 13:  # NUL, controls
        return r.choice(["\0", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x9f"]), DROPS
    if k == 14:  # ZWJ, ZWNJ, ZWSP, BOM, word joiner, soft hyphen, tags
        return r.choice(["\u200d", "\u200c", "\u200b", "\ufeff", "\u2060", "\u00ad", "\U000e0001", "\U000e0041"]), DROPS
    if k == 15:  # a lone combining mark
        return chr(r.randint(0x300, 0x36F)), DROPS
    if k == 16:  # variation selectors
        return r.choice(["\ufe0f", "\U000e0100"]), DROPS
    if k == 17:  # private use, planes 0, 15, 16
        return chr(r.choice([r.randint(0xE000, 0xF8FF), r.randint(0xF0000, 0xFFFFD), r.randint(0x100000, 0x10FFFD)])), DROPS
    if k == 18:
        return "\ufffd", DROPS
    if k == 19:  # any plane, any scalar value (never a surrogate)
        while True:
            c = r.randint(0, 16) << 16 | r.randint(0, 0xFFFF)
            if not 0xD800 <= c <= 0xDFFF:
                return chr(c), UNKNOWN
    if k == 20 and long:  # a very long run of one piece
        p, cls = piece(r, False)
        return p * (200 + r.randrange(3000)), cls
    if k == 21:
        return r.choice(".,!?¿¡—…«»「」"), KEEPS
    if k == 22:  # Linear B
        return chr(r.randint(0x10000, 0x1000B)), KEEPS
    return chr(r.randint(0x0621, 0x063A)), KEEPS  # Arabic letters


def valid_text(r: random.Random) -> tuple[str, bool | None]:
    """A valid text of 0..8 pieces and the answer it must get: True (a vector), False
    (EmptyInputError), None (either)."""
    parts = [piece(r) for _ in range(r.randrange(9))]
    classes = {c for _, c in parts}
    return "".join(p for p, _ in parts), True if KEEPS in classes else None if UNKNOWN in classes else False


def unencodable_text(r: random.Random) -> str:
    """Valid text with something in it that has no UTF-8 form."""
    while True:
        out = _unencodable_try(r)
        if any(0xD800 <= ord(c) <= 0xDFFF for c in out):
            return out


def _unencodable_try(r: random.Random) -> str:
    text, _ = valid_text(r)
    bad = r.choice(
        [
            lambda: chr(r.randint(0xD800, 0xDBFF)),  # a lone high surrogate
            lambda: chr(r.randint(0xDC00, 0xDFFF)),  # a lone low surrogate
            lambda: "\ud83d\ude00",  # a surrogate "pair": two code points in Python, not 😀
            lambda: bytes(r.randrange(0x80, 0x100) for _ in range(1 + r.randrange(4))).decode("utf-8", "surrogateescape"),
            lambda: (b"ok \xed\xa0\x80 \xc0\x80 " + r.randbytes(4) + b"\xff").decode("utf-8", "surrogateescape"),
        ]
    )()
    at = r.choice([0, len(text), r.randrange(len(text) + 1)])
    # Random bytes may happen to be valid UTF-8 (and then hold no surrogate): the caller retries.
    return text[:at] + bad + text[at:]


def show(s: str) -> str:
    s = ascii(s)
    return s if len(s) <= 200 else f"{s[:200]}... ({len(s)} chars)"


@pytest.fixture(scope="module")
def ctx(testdata):
    model = mullama.Model.load(str(testdata / "all-minilm.gguf"))
    # Long runs are cut, not refused: the fuzz is about characters, not lengths.
    with Context(model, ContextParams(overflow="truncate_end")) as c:
        yield model, c


def check_valid(model, ctx, text: str, want: bool | None) -> None:
    where = f"seed {SEED}: {show(text)}"
    dim = model.info.dimension
    try:
        e = ctx.get_embedding(text)
    except mullama.EmptyInputError:
        assert want is not True, f"{where}: expected a vector, got EmptyInputError"
        with pytest.raises(mullama.EmptyInputError):
            model.count_tokens(text)
        with pytest.raises(mullama.EmptyInputError):
            model.tokenize(text, 0)
        return
    assert want is not False, f"{where}: expected EmptyInputError, got a vector"
    assert e.dimension == dim and len(e.data) == dim, where
    assert all(math.isfinite(x) for x in e.data), where
    assert model.count_tokens(text) == e.input_tokens, where
    assert len(model.tokenize(text, 0)) == e.input_tokens, where


@pytest.mark.parametrize(
    "text,want",
    [
        ("", False),
        (" \t\r\n\u3000", False),
        ("\0", False),
        ("\ufeff", False),  # BOM alone
        ("\u200d", False),  # ZWJ alone
        ("\u0301", False),  # a combining mark alone
        ("\ufffd", False),
        ("\ufffe", True),  # noncharacters are [UNK], not dropped
        ("\uffff", True),
        ("\ufeffhello", True),
        ("a\0b", True),
        ("\U0010ffff", None),
        ("word " * 50_000, True),
    ],
    ids=lambda v: show(v)[:40] if isinstance(v, str) else str(v),
)
def test_fixed_edge_cases(ctx, text, want):
    check_valid(*ctx, text, want)


def test_random_valid_text_embeds_or_is_empty_exactly_when_nothing_tokenizes(ctx):
    model, c = ctx
    r = random.Random(SEED)
    deadline = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < deadline or n < 30:
        text, want = valid_text(r)
        check_valid(model, c, text, want)
        n += 1
    texts = [valid_text(r)[0] + " anchor" for _ in range(16)]
    batch = c.get_embedding_batch(texts)
    assert [e.input_tokens for e in batch] == [model.count_tokens(t) for t in texts], f"seed {SEED}"
    print(f"test_utf8_fuzz: {n} random valid texts")


# NOTE: these cases need the glue fix (the generated pyo3 glue turning an unencodable `str` into
# InvalidUtf8Error). Before it, PyO3's str conversion raised UnicodeEncodeError, which is not a
# MullamaError and has no code; they fail until the fix is built.
def test_unencodable_text_is_invalid_utf8_everywhere(ctx):
    model, c = ctx
    dim = model.info.dimension
    for text in ["\ud800", "\udc00x", "abc\ud83d", "\ud83d\ude00", b"a\xffb".decode("utf-8", "surrogateescape")]:
        for call in (c.get_embedding, model.count_tokens, lambda t: model.tokenize(t, 0)):
            with pytest.raises(mullama.InvalidUtf8Error) as e:
                call(text)
            assert e.value.code == "INVALID_UTF8", show(text)
    r = random.Random(SEED + 1)
    deadline = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < deadline or n < 50:
        bad = unencodable_text(r)
        where = f"seed {SEED}: {show(bad)}"
        for call in (c.get_embedding, model.count_tokens, lambda t: model.tokenize(t, r.randrange(3) * 8)):
            with pytest.raises(mullama.InvalidUtf8Error) as e:
                call(bad)
            assert e.value.code == "INVALID_UTF8", where
        # One bad text among good ones: the whole call fails and names the bad one.
        texts = [f"good text {i}" for i in range(1 + r.randrange(6))]
        at = r.randrange(len(texts) + 1)
        texts.insert(at, bad)
        with pytest.raises(mullama.InvalidUtf8Error) as e:
            c.get_embedding_batch(texts)
        assert str(e.value).startswith(f"text {at}: "), f"{where}: {e.value}"
        # ...and nothing was lost: the context still embeds.
        if n % 10 == 0:
            assert c.get_embedding("still working").dimension == dim
        n += 1
    a, b = c.get_embedding_batch(["still working", "après 😀 tout"])
    assert a.dimension == b.dimension == dim
    print(f"test_utf8_fuzz: {n} unencodable texts")
