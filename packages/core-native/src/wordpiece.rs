//! WordPiece tokenization for BERT-family models, equal to what Hugging Face `tokenizers` does
//! with the model's own `tokenizer.json` (BertNormalizer, BertPreTokenizer, WordPiece).
//!
//! Why not llama.cpp's WPM tokenizer: it lowercases and strips accents whatever the model says,
//! keeps Hangul syllables whole where HF's NFD splits them into jamo, and treats VT, FF and
//! U+0085 as spaces where HF deletes them as control characters. Those texts got other token ids
//! than sentence-transformers gives, and so other vectors. The character classes come from the
//! same Unicode tables `tokenizers` uses (`unicode_categories`, `unicode-normalization-alignments`),
//! so a character new to Unicode is treated alike by both.
//!
//! The vocabulary is the GGUF's: word-start pieces are stored with a `▁` prefix and
//! continuation pieces without HF's `##` (llama.cpp's "phantom space" convention, which
//! `mullama convert` and convert_hf_to_gguf.py both write). The normaliser's switches come from
//! `mullama.tokenizer.*` keys our converter records; files without them get bert-base-uncased's
//! defaults, which is also what llama.cpp assumes.

use crate::ffi::{RawModel, Token};
use std::collections::HashMap;
use unicode_categories::UnicodeCategories;
use unicode_normalization_alignments::UnicodeNormalization;

const WORD_START: char = '\u{2581}';

/// BertNormalizer's switches, with HF's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalizer {
    pub clean_text: bool,
    pub handle_chinese_chars: bool,
    pub strip_accents: bool,
    pub lowercase: bool,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer { clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true }
    }
}

pub struct WordPiece {
    /// GGUF token text -> id.
    vocab: HashMap<String, Token>,
    unk: Token,
    normalizer: Normalizer,
    max_chars_per_word: usize,
}

/// HF's `is_whitespace` for the normaliser: tab, newline and CR count as whitespace although
/// they are control characters.
fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

/// Control, format, unassigned and private-use characters, which `clean_text` deletes
/// (VT, FF and U+0085 included: they are Cc before they are whitespace).
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// The CJK ideograph blocks BERT pads with spaces (the ranges of Google's original BERT code,
/// as `tokenizers` has them).
fn is_chinese_char(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B920..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

impl Normalizer {
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if self.clean_text {
                if c == '\0' || c == '\u{fffd}' || is_control(c) {
                    continue;
                }
                if is_whitespace(c) {
                    out.push(' ');
                    continue;
                }
            }
            if self.handle_chinese_chars && is_chinese_char(c) {
                out.extend([' ', c, ' ']);
            } else {
                out.push(c);
            }
        }
        if self.strip_accents {
            out = out.nfd().map(|(c, _)| c).filter(|c| !c.is_mark_nonspacing()).collect();
        }
        if self.lowercase {
            // Per character, as HF does (so a final sigma is not context-folded to ς).
            out = out.chars().flat_map(char::to_lowercase).collect();
        }
        out
    }
}

/// BertPreTokenizer: split at whitespace (dropped), then every punctuation character alone.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(char::is_whitespace).filter(|w| !w.is_empty()).flat_map(|w| {
        let mut pieces = Vec::new();
        let mut start = 0;
        for (i, c) in w.char_indices() {
            if is_punctuation(c) {
                if start < i {
                    pieces.push(&w[start..i]);
                }
                pieces.push(&w[i..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        if start < w.len() {
            pieces.push(&w[start..]);
        }
        pieces
    })
}

impl WordPiece {
    /// The tokenizer for a model whose GGUF says `tokenizer.ggml.model = bert`; `None` otherwise.
    pub fn from_model(raw: &RawModel) -> Option<WordPiece> {
        if raw.meta("tokenizer.ggml.model").as_deref() != Some("bert") {
            return None;
        }
        let mut vocab = HashMap::with_capacity(raw.n_vocab());
        for id in 0..raw.n_vocab() as Token {
            if let Some(text) = raw.token_text(id).filter(|t| !t.is_empty()) {
                vocab.entry(text).or_insert(id);
            }
        }
        let unk = raw.meta("tokenizer.ggml.unknown_token_id").and_then(|v| v.parse().ok()).or_else(|| vocab.get("[UNK]").copied())?;
        let lowercase = raw.meta_bool("mullama.tokenizer.lowercase").unwrap_or(true);
        let normalizer = Normalizer {
            clean_text: raw.meta_bool("mullama.tokenizer.clean_text").unwrap_or(true),
            handle_chinese_chars: raw.meta_bool("mullama.tokenizer.handle_chinese_chars").unwrap_or(true),
            strip_accents: raw.meta_bool("mullama.tokenizer.strip_accents").unwrap_or(lowercase),
            lowercase,
        };
        let max_chars_per_word = raw.meta("mullama.tokenizer.max_input_chars_per_word").and_then(|v| v.parse().ok()).unwrap_or(100);
        Some(WordPiece { vocab, unk, normalizer, max_chars_per_word })
    }

    /// Content token ids of a text, without [CLS]/[SEP].
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let normalized = self.normalizer.apply(text);
        let mut out = Vec::with_capacity(normalized.len() / 3 + 1);
        let mut key = String::new();
        for word in words(&normalized) {
            self.word(word, &mut key, &mut out);
        }
        out
    }

    /// Content tokens with the byte range of `text` each comes from. Normalised one source
    /// character at a time, so each normalised character knows its origin; `None` in the rare
    /// text where that differs from normalising the whole text (canonical reordering of
    /// combining marks across characters), as the ids would then not be [`WordPiece::tokenize`]'s.
    pub fn tokenize_with_offsets(&self, text: &str) -> Option<Vec<(Token, usize, usize)>> {
        let mut normalized = String::with_capacity(text.len() + 8);
        let mut origin: Vec<(usize, usize)> = Vec::new(); // per byte of `normalized`
        let mut one = [0u8; 4];
        for (i, c) in text.char_indices() {
            let piece = self.normalizer.apply(c.encode_utf8(&mut one));
            normalized.push_str(&piece);
            origin.extend(std::iter::repeat_n((i, i + c.len_utf8()), piece.len()));
        }
        let mut out = Vec::new();
        let mut pieces = Vec::new();
        let mut key = String::new();
        for word in words(&normalized) {
            let at = word.as_ptr() as usize - normalized.as_ptr() as usize;
            pieces.clear();
            self.word_pieces(word, &mut key, &mut pieces);
            for &(id, start, end) in &pieces {
                out.push((id, origin[at + start].0, origin[at + end - 1].1));
            }
        }
        let ids: Vec<Token> = out.iter().map(|t| t.0).collect();
        (ids == self.tokenize(text)).then_some(out)
    }

    /// The HF spelling of a vocabulary entry: `▁word` is `word`, a continuation gets `##`.
    pub fn hf_text(gguf_text: &str) -> String {
        match gguf_text.strip_prefix(WORD_START) {
            Some(word) => word.to_string(),
            None if gguf_text.starts_with('[') && gguf_text.ends_with(']') => gguf_text.to_string(),
            None => format!("##{gguf_text}"),
        }
    }

    /// Greedy longest-match-first over one word; a word with a piece not in the vocabulary, or
    /// longer than `max_chars_per_word`, is one [UNK].
    fn word(&self, word: &str, key: &mut String, out: &mut Vec<Token>) {
        let mut pieces = Vec::new();
        self.word_pieces(word, key, &mut pieces);
        out.extend(pieces.iter().map(|p| p.0));
    }

    /// [`WordPiece::word`] with each piece's byte range in the word.
    fn word_pieces(&self, word: &str, key: &mut String, out: &mut Vec<(Token, usize, usize)>) {
        if word.chars().count() > self.max_chars_per_word {
            out.push((self.unk, 0, word.len()));
            return;
        }
        let first = out.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let found = loop {
                key.clear();
                if start == 0 {
                    key.push(WORD_START);
                }
                key.push_str(&word[start..end]);
                if let Some(&id) = self.vocab.get(key.as_str()) {
                    break Some(id);
                }
                match word[start..end].chars().next_back() {
                    Some(c) if end - c.len_utf8() > start => end -= c.len_utf8(),
                    _ => break None,
                }
            };
            match found {
                Some(id) => out.push((id, start, end)),
                None => {
                    out.truncate(first);
                    out.push((self.unk, 0, word.len()));
                    return;
                }
            }
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokenizer(pieces: &[&str]) -> WordPiece {
        let vocab = pieces.iter().enumerate().map(|(i, p)| (p.to_string(), i as Token)).collect();
        WordPiece { vocab, unk: 0, normalizer: Normalizer::default(), max_chars_per_word: 100 }
    }

    #[test]
    fn longest_match_first_with_continuations() {
        let t = tokenizer(&["[UNK]", "▁un", "▁una", "ffable", "able", "ff", "▁!"]);
        assert_eq!(t.tokenize("unaffable!"), vec![2, 3, 6]);
        assert_eq!(t.tokenize("UNFFABLE"), vec![1, 3]);
        assert_eq!(t.tokenize("unff"), vec![1, 5]);
        assert_eq!(t.tokenize("xyz un"), vec![0, 1], "a word with an unknown piece is one [UNK]");
    }

    #[test]
    fn controls_are_deleted_and_whitespace_splits() {
        let n = Normalizer::default();
        assert_eq!(n.apply("a\u{b}b\u{c}c\u{85}d"), "abcd");
        assert_eq!(n.apply("a\tb\u{3000}c"), "a b c");
        assert_eq!(n.apply("Café"), "cafe");
        assert_eq!(n.apply("中文"), " 中  文 ");
        // Hangul syllables decompose into conjoining jamo under NFD.
        assert_eq!(n.apply("한").chars().count(), 3);
    }

    #[test]
    fn cased_models_keep_case_and_accents() {
        let n = Normalizer { lowercase: false, strip_accents: false, ..Normalizer::default() };
        assert_eq!(n.apply("Café"), "Café");
    }

    #[test]
    fn punctuation_is_split_alone() {
        assert_eq!(words("hello, world!! a-b").collect::<Vec<_>>(), ["hello", ",", "world", "!", "!", "a", "-", "b"]);
    }

    #[test]
    fn long_words_are_unknown() {
        let mut t = tokenizer(&["[UNK]", "▁a", "a"]);
        t.max_chars_per_word = 3;
        assert_eq!(t.tokenize("aaa aaaa"), vec![1, 2, 2, 0]);
    }
}
