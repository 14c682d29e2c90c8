//! Random and adversarial bytes through `Context::embed_bytes`, the core's one door for text that
//! is not yet known to be UTF-8 (the CLI's stdin, HTTP bodies and the Rust crate's `embed_bytes`
//! all end here or in an equal check).
//!
//! (a) Valid UTF-8 of every kind (all 17 planes, combining marks, ZWJ sequences, NUL and other
//!     controls, the noncharacters U+FFFE/U+FFFF, BOM, very long runs) must embed: a finite vector
//!     of the model's dimension. The one exception is the core's rule for empty texts: a text whose
//!     characters the tokenizer all drops (whitespace, controls, format characters, nonspacing
//!     marks, private use, U+FFFD; see wordpiece.rs) has no tokens and is `EMPTY_INPUT`.
//! (b) Invalid sequences (lone continuation bytes, overlong forms, encoded surrogates, code points
//!     above U+10FFFF, F5..FF, truncated sequences at the end and in the middle, random bytes) must
//!     be `INVALID_UTF8`, alone and inside a batch (whose error names the bad text's index), and
//!     the context must keep working after each.
//!
//! Seeded: the seed is printed (`cargo test ... -- --nocapture`) and in every failure message;
//! `MULLAMA_FUZZ_SEED=N` replays a run, `MULLAMA_FUZZ_SECONDS=S` changes the time budget.

mod common;
use common::*;
use mullama_core::{Context, ContextParams, EmbedOptions, ErrorCode, OverflowPolicy};
use std::time::{Duration, Instant};

fn seed() -> u64 {
    std::env::var("MULLAMA_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    })
}

fn budget() -> Duration {
    let s = std::env::var("MULLAMA_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10.0f64);
    Duration::from_secs_f64(s)
}

/// What a piece of text does to the tokenizer, as far as the test can know without its tables.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Class {
    /// Always gives a content token (letters, digits, punctuation, CJK, emoji, noncharacters).
    Keeps,
    /// Always dropped: whitespace, controls, format characters, nonspacing marks, private use, U+FFFD.
    Drops,
    /// A random code point: assigned or not depends on the Unicode version of the tables.
    Unknown,
}

fn ch(c: u32) -> char {
    char::from_u32(c).unwrap()
}

/// One piece of valid text and its class.
fn valid_piece(rng: &mut Rng) -> (String, Class) {
    piece(rng, true)
}

/// `long`: may be a long run of another piece (never a run of runs).
fn piece(rng: &mut Rng, long: bool) -> (String, Class) {
    use Class::*;
    let keep = |s: String| (s, Keeps);
    let drop = |s: String| (s, Drops);
    match rng.below(24) {
        0 => keep(["hello", "world", "Rust", "naïve", "Straße", "x", "42", "e=mc²"][rng.below(8)].to_string()),
        1 => keep((0..1 + rng.below(12)).map(|_| ch(rng.range(0x21, 0x7e))).collect()), // printable ASCII
        2 => keep(["é", "ñ", "Å", "ø", "Ω", "ж", "ש", "ع", "क", "ก", "ß", "ǅ"][rng.below(12)].to_string()),
        3 => keep(ch(rng.range(0x4e00, 0x9fff)).to_string()),  // CJK unified ideographs
        4 => keep(ch(rng.range(0xac00, 0xd7a3)).to_string()),  // Hangul syllables (NFD: jamo)
        5 => keep(ch(rng.range(0x1f600, 0x1f64f)).to_string()), // emoji (plane 1)
        6 => keep(["👩\u{200d}👩\u{200d}👧", "🏳\u{fe0f}\u{200d}🌈", "👍🏽", "🇫🇷", "1\u{fe0f}\u{20e3}"][rng.below(5)].to_string()), // ZWJ, VS16, skin tone, flags, keycap
        7 => keep(ch(rng.range(0x10400, 0x1044f)).to_string()), // Deseret (plane 1 letters)
        8 => keep(ch(rng.range(0x1d400, 0x1d433)).to_string()), // mathematical bold letters
        9 => keep(ch(rng.range(0x20000, 0x2a6df)).to_string()), // CJK extension B (plane 2)
        10 => keep(["\u{fffe}", "\u{ffff}", "\u{fffe}\u{ffff}"][rng.below(3)].to_string()), // noncharacters: [UNK]
        11 => {
            // A base letter under a pile of combining marks (Zalgo): the base survives.
            let mut s = String::from(*rng.pick(&["a", "o", "z", "и"]));
            for _ in 0..1 + rng.below(30) {
                s.push(ch(rng.range(0x300, 0x36f)));
            }
            keep(s)
        }
        12 => drop([" ", "\t", "\n", "\r\n", "\u{a0}", "\u{2003}", "\u{3000}", "\u{2028}", "\u{85}"][rng.below(9)].to_string()),
        13 => drop(["\0", "\u{1}", "\u{7}", "\u{b}", "\u{c}", "\u{1b}", "\u{7f}", "\u{9f}"][rng.below(8)].to_string()), // NUL, controls
        14 => drop(["\u{200d}", "\u{200c}", "\u{200b}", "\u{feff}", "\u{2060}", "\u{ad}", "\u{e0001}", "\u{e0041}"][rng.below(8)].to_string()), // ZWJ, BOM, tags...
        15 => drop(ch(rng.range(0x300, 0x36f)).to_string()), // a lone combining mark
        16 => drop(["\u{fe0f}", "\u{e0100}"][rng.below(2)].to_string()), // variation selectors (plane 0 and 14)
        17 => {
            // Private use, planes 0, 15 and 16.
            let options = [rng.range(0xe000, 0xf8ff), rng.range(0xf0000, 0xffffd), rng.range(0x100000, 0x10fffd)];
            drop(ch(*rng.pick(&options)).to_string())
        }
        18 => drop("\u{fffd}".to_string()), // clean_text drops the replacement character
        19 => {
            // Any plane: a uniformly chosen plane, then any scalar value in it.
            let plane = rng.range(0, 16);
            let c = loop {
                if let Some(c) = char::from_u32(plane << 16 | rng.range(0, 0xffff)) {
                    break c;
                }
            };
            (c.to_string(), Unknown)
        }
        20 if long => {
            // A very long run of one piece: past max_chars_per_word, past the context (truncated).
            let (p, class) = piece(rng, false);
            (p.repeat(200 + rng.below(3000)), class)
        }
        21 => keep(rng.pick(&['.', ',', '!', '?', '¿', '¡', '—', '…', '«', '»', '「', '」']).to_string()), // punctuation
        22 => keep(ch(rng.range(0x10000, 0x1000b)).to_string()), // Linear B (plane 1)
        _ => keep(ch(rng.range(0x0621, 0x063a)).to_string()), // Arabic letters
    }
}

/// A valid text of 0 to 8 pieces and what the core must answer for it: `Some(true)` a vector,
/// `Some(false)` EMPTY_INPUT, `None` either.
fn valid_text(rng: &mut Rng) -> (String, Option<bool>) {
    let (mut text, mut keeps, mut unknown) = (String::new(), false, false);
    for _ in 0..rng.below(9) {
        let (p, class) = valid_piece(rng);
        text.push_str(&p);
        keeps |= class == Class::Keeps;
        unknown |= class == Class::Unknown;
    }
    (text, if keeps { Some(true) } else if unknown { None } else { Some(false) })
}

/// An invalid byte sequence (checked with `std::str::from_utf8`) and what kind it is.
fn invalid_seq(rng: &mut Rng) -> (Vec<u8>, &'static str) {
    let v: (Vec<u8>, &str) = match rng.below(9) {
        0 => ((0..1 + rng.below(4)).map(|_| rng.range(0x80, 0xbf) as u8).collect(), "lone continuation bytes"),
        1 => (
            rng.pick::<&[u8]>(&[&[0xc0, 0x80], &[0xc1, 0xbf], &[0xe0, 0x80, 0x80], &[0xe0, 0x9f, 0xbf], &[0xf0, 0x80, 0x80, 0x80], &[0xf0, 0x8f, 0xbf, 0xbf]]).to_vec(),
            "overlong encoding",
        ),
        2 => (rng.pick::<&[u8]>(&[&[0xed, 0xa0, 0x80], &[0xed, 0xbf, 0xbf], &[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]]).to_vec(), "encoded surrogate"),
        3 => (rng.pick::<&[u8]>(&[&[0xf4, 0x90, 0x80, 0x80], &[0xf7, 0xbf, 0xbf, 0xbf], &[0xf5, 0x80, 0x80, 0x80]]).to_vec(), "above U+10FFFF"),
        4 => (vec![rng.range(0xf5, 0xff) as u8], "byte F5..FF"),
        5 | 6 => {
            // A multi-byte character with its last 1..n-1 bytes missing.
            let c = *rng.pick(&['é', '€', '中', '😀', '\u{10ffff}', '\u{ffff}']);
            let mut b = c.to_string().into_bytes();
            b.truncate(rng.range(1, b.len() as u32 - 1) as usize);
            (b, "truncated sequence")
        }
        7 => (vec![rng.range(0xc2, 0xf4) as u8, rng.range(0, 0x7f) as u8], "lead byte then ASCII"),
        _ => ((0..1 + rng.below(64)).map(|_| rng.next() as u8).collect(), "random bytes"),
    };
    v
}

/// Valid text, an invalid sequence somewhere (start, middle, end), valid text; never valid UTF-8.
fn invalid_text(rng: &mut Rng) -> (Vec<u8>, String) {
    loop {
        let (seq, kind) = invalid_seq(rng);
        let (a, _) = valid_text(rng);
        let (b, _) = valid_text(rng);
        let (a, b) = match rng.below(3) {
            0 => (String::new(), b),
            1 => (a, String::new()), // at the end: a truncated sequence here is "cut off"
            _ => (a, b),
        };
        let bytes = [a.as_bytes(), &seq, b.as_bytes()].concat();
        if std::str::from_utf8(&bytes).is_err() {
            return (bytes, format!("{kind} at byte {}", a.len()));
        }
    }
}

fn params() -> ContextParams {
    // Long runs are cut, not refused: the fuzz is about bytes, not lengths.
    ContextParams { overflow: OverflowPolicy::TruncateEnd, ..ContextParams::default() }
}

/// A printable form of a text for failure messages (escapes, cut to 200 chars).
fn show(bytes: &[u8]) -> String {
    let s = format!("{:?}", String::from_utf8_lossy(bytes));
    if s.len() > 200 {
        format!("{}... ({} bytes)", &s[..s.char_indices().nth(200).map_or(s.len(), |(i, _)| i)], bytes.len())
    } else {
        s
    }
}

fn check_valid(ctx: &Context, dim: usize, text: &str, want: Option<bool>, seed: u64) {
    let got = ctx.embed_bytes(&[text.as_bytes()], EmbedOptions::default());
    let counted = ctx.model().count_tokens(text);
    match (&got, want) {
        (Ok(v), Some(true) | None) => {
            let e = &v[0];
            assert_eq!((e.dimension, e.data.len()), (dim, dim), "seed {seed}: {}", show(text.as_bytes()));
            assert!(e.data.iter().all(|x| x.is_finite()), "seed {seed}: non-finite vector for {}", show(text.as_bytes()));
            // Counting tokens must agree with embedding.
            assert_eq!(counted.as_ref().ok(), Some(&e.input_tokens), "seed {seed}: count_tokens of {}", show(text.as_bytes()));
        }
        (Err(e), Some(false) | None) if e.code() == ErrorCode::EmptyInput => {
            assert_eq!(counted.map_err(|e| e.code()), Err(ErrorCode::EmptyInput), "seed {seed}: count_tokens of {}", show(text.as_bytes()));
        }
        _ => panic!("seed {seed}: valid text {} (expected {:?}) gave {:?}", show(text.as_bytes()), want, got.map(|v| v[0].tokens)),
    }
}

#[test]
fn random_valid_and_invalid_utf8_through_embed_bytes() {
    let seed = seed();
    println!("fuzz_utf8: seed {seed} (MULLAMA_FUZZ_SEED={seed} replays it)");
    let mut rng = Rng::new(seed);
    let ctx = context("all-minilm", params());
    let dim = ctx.model().info().dimension;
    let deadline = Instant::now() + budget();

    // Fixed cases first, then random ones until the time is up.
    for (text, want) in [
        ("", Some(false)),
        (" \t\r\n\u{3000}", Some(false)),
        ("\0", Some(false)),
        ("\u{feff}", Some(false)),
        ("\u{200d}", Some(false)),
        ("\u{0301}", Some(false)),
        ("\u{fffd}", Some(false)),
        ("\u{fffe}", Some(true)),
        ("\u{ffff}", Some(true)),
        ("\u{feff}hello", Some(true)),
        ("a\0b", Some(true)),
        ("\u{10ffff}", None),
    ] {
        check_valid(&ctx, dim, text, want, seed);
    }
    let long = "word ".repeat(50_000);
    check_valid(&ctx, dim, &long, Some(true), seed);
    println!("fuzz_utf8: fixed cases done in {:?}", Instant::now() + budget() - deadline);

    let (mut n_valid, mut n_invalid, mut n_batches) = (0, 0, 0);
    while Instant::now() < deadline || n_invalid < 50 {
        // (a) valid text
        let (text, want) = valid_text(&mut rng);
        check_valid(&ctx, dim, &text, want, seed);
        n_valid += 1;

        // (b) invalid bytes, alone: refused before any work is queued (no text counted)
        let (bad, what) = invalid_text(&mut rng);
        let texts_before = ctx.stats().texts;
        let e = ctx.embed_bytes(&[&bad], EmbedOptions::default()).err();
        assert_eq!(ctx.stats().texts, texts_before, "seed {seed}: an invalid text was queued");
        assert_eq!(e.as_ref().map(|e| e.code()), Some(ErrorCode::InvalidUtf8), "seed {seed}: {what}: {}", show(&bad));
        assert!(e.unwrap().message().contains("not valid UTF-8"));
        n_invalid += 1;

        // (b) one bad text among good ones: the whole call fails and names the bad index
        if n_invalid % 4 == 0 {
            let good: Vec<String> = (0..1 + rng.below(6)).map(|i| format!("good text {i}")).collect();
            let at = rng.below(good.len() + 1);
            let mut texts: Vec<&[u8]> = good.iter().map(|s| s.as_bytes()).collect();
            texts.insert(at, &bad);
            let e = ctx.embed_bytes(&texts, EmbedOptions::default()).expect_err("a batch with a bad text");
            assert_eq!(e.code(), ErrorCode::InvalidUtf8, "seed {seed}: batch with {what}");
            assert!(e.message().starts_with(&format!("text {at}:")), "seed {seed}: {}", e.message());
            n_batches += 1;
        }
    }
    // Still alive and still right after all that.
    let after = ctx.embed_bytes(&[b"still working"], EmbedOptions::default()).unwrap();
    assert_eq!(after[0].dimension, dim);
    println!("fuzz_utf8: {n_valid} valid texts, {n_invalid} invalid ones, {n_batches} mixed batches");
}
