//! The checks evaluators make beyond one table's arithmetic, on one report: what the narrative
//! says against the tables (`narrative_table`), the statistical period's year (`period_year`),
//! and the sections the template requires (`missing_section`, `section_problems`,
//! `section_fees`); and the narrative's sentences as hashes, for the year-over-year repetition
//! share ([`crate::series`]). All patterns are data ([`CheckRules`], `assets/templates/checks.toml`).
//!
//! Sentences are cut at "。", "！", "？" and line breaks, and each statement is looked for inside
//! one sentence: a pattern never reads a number from the next sentence or line.

mod rules;
mod sections;
mod statements;

use std::ops::Range;

pub use rules::{CellPattern, CheckRules, Qualified, RulesError, Section, Statement};
pub use sections::section_checks;
pub use statements::narrative_table;

/// The sentences of `text`: byte ranges, each without its terminator and never holding a
/// line break, trimmed of white space; empty ones are left out.
pub fn sentences(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    // On the bytes: "\n", "\r", and the UTF-8 of "。" (E3 80 82), "！" (EF BC 81), "？" (EF BC 9F).
    // Candidates are found with memchr (ideographs, the bulk of the text, are skipped in bulk);
    // a "\r" (rare alone: CRLF ends at its "\n" anyway) is looked for apart and remembered.
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut next_cr: Option<usize> = None;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let end;
            let next;
            loop {
                if next_cr.is_none_or(|c| c < i) {
                    next_cr = Some(
                        memchr::memchr(b'\r', &bytes[i.min(bytes.len())..])
                            .map_or(usize::MAX, |k| i + k),
                    );
                }
                let cr = next_cr.unwrap_or(usize::MAX);
                let cand = memchr::memchr3(b'\n', 0xE3, 0xEF, &bytes[i.min(bytes.len())..])
                    .map_or(usize::MAX, |k| i + k);
                let at = cand.min(cr);
                if at >= bytes.len() {
                    (end, next) = (bytes.len(), bytes.len() + 1);
                    i = bytes.len();
                    break;
                }
                let len = match bytes[at] {
                    b'\n' | b'\r' => 1,
                    0xE3 if bytes.get(at + 1) == Some(&0x80)
                        && bytes.get(at + 2) == Some(&0x82) =>
                    {
                        3
                    }
                    0xEF if bytes.get(at + 1) == Some(&0xBC)
                        && matches!(bytes.get(at + 2), Some(&0x81) | Some(&0x9F)) =>
                    {
                        3
                    }
                    _ => 0,
                };
                if len > 0 {
                    (end, next) = (at, at + len);
                    i = at + len;
                    break;
                }
                i = at + 1;
            }
            let piece = start..end;
            start = next;
            let s = &text[piece.clone()];
            let lead = s.len() - s.trim_start().len();
            let t = s.trim();
            if !t.is_empty() {
                return Some(piece.start + lead..piece.start + lead + t.len());
            }
        }
        None
    })
}

/// The sentences as the plain byte loop cuts them (the test oracle for [`sentences`]).
#[cfg(test)]
fn sentences_plain(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i <= bytes.len() {
        let len = if i == bytes.len() {
            1
        } else {
            match bytes[i] {
                b'\n' | b'\r' => 1,
                0xE3 if bytes[i..].starts_with(&[0xE3, 0x80, 0x82]) => 3,
                0xEF if bytes[i..].starts_with(&[0xEF, 0xBC, 0x81])
                    || bytes[i..].starts_with(&[0xEF, 0xBC, 0x9F]) =>
                {
                    3
                }
                _ => 0,
            }
        };
        if len == 0 {
            i += 1;
            continue;
        }
        let s = &text[start..i];
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        if !t.is_empty() {
            out.push(start + lead..start + lead + t.len());
        }
        i += len;
        start = i;
    }
    out
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a of a sentence with its spaces (ASCII and U+3000) removed: two sentences printed alike hash alike
/// (what [`sentence_hashes`] computes for each sentence).
#[cfg(test)]
fn sentence_hash(s: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for c in s.chars().filter(|c| !matches!(c, ' ' | '\t' | '\u{3000}')) {
        let mut buf = [0; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// The narrative's own sentences as sorted, distinct hashes: sentences of at least
/// `repetition_min_chars` characters that hold a CJK character and no boilerplate text, and
/// are not mostly digits (table rows). What the repetition share compares between years.
pub fn sentence_hashes(text: &str, rules: &CheckRules) -> Vec<u64> {
    let mut v: Vec<u64> = Vec::new();
    for r in sentences(text) {
        let s = &text[r];
        // A character is at least a byte: shorter sentences cannot have enough of them.
        if s.len() < rules.repetition_min_chars {
            continue;
        }
        // One pass on the bytes: characters, digits, a CJK ideograph (lead bytes E4–E9,
        // U+4000–U+9FFF), and the hash of the text without its spaces (ASCII and U+3000).
        let (mut chars, mut digits, mut cjk) = (0, 0, false);
        let mut h = FNV_OFFSET;
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            if x == b' ' || x == b'\t' {
                i += 1;
                continue;
            }
            if x == 0xE3 && b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) {
                i += 3;
                continue;
            }
            chars += usize::from(x & 0xC0 != 0x80);
            digits += usize::from(x.is_ascii_digit());
            cjk |= (0xE4..=0xE9).contains(&x);
            h = (h ^ u64::from(x)).wrapping_mul(FNV_PRIME);
            i += 1;
        }
        if chars >= rules.repetition_min_chars
            && digits * 3 < chars
            && cjk
            && !rules
                .boilerplate_finders
                .iter()
                .any(|f| f.find(s.as_bytes()).is_some())
        {
            v.push(h);
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// The share of `this`'s sentences (sorted hashes) that are also in `previous`; `None` when
/// `this` has no sentence to compare.
pub fn repetition_share(this: &[u64], previous: &[u64]) -> Option<f64> {
    if this.is_empty() {
        return None;
    }
    let same = this
        .iter()
        .filter(|h| previous.binary_search(h).is_ok())
        .count();
    Some(same as f64 / this.len() as f64)
}

/// A number as printed, ASCII or full-width digits.
fn parse_number(s: &str) -> Option<f64> {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    ascii.parse::<u64>().ok().map(|n| n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_agree_with_the_plain_byte_loop() {
        let parts = [
            "。", "！", "？", "\n", "\r", "\r\n", " ", "　", "甲", "ab", "，", "、", "〇", "１",
        ];
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..(seed % 12) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            assert_eq!(
                sentences(&t).collect::<Vec<_>>(),
                sentences_plain(&t),
                "{t:?}"
            );
        }
        for f in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples")).unwrap()
        {
            let t = std::fs::read_to_string(f.unwrap().path()).unwrap();
            assert_eq!(sentences(&t).collect::<Vec<_>>(), sentences_plain(&t));
        }
    }

    #[test]
    fn sentences_end_at_full_stops_and_line_breaks() {
        let text = "第一句，还是第一句。第二句\n  第三句！\r\n\n末句？。";
        let got: Vec<&str> = sentences(text).map(|r| &text[r]).collect();
        assert_eq!(got, ["第一句，还是第一句", "第二句", "第三句", "末句"]);
        assert_eq!(sentences("").count(), 0);
        assert_eq!(sentences("无").next(), Some(0..3));
    }

    #[test]
    fn repetition_counts_this_years_sentences_found_last_year() {
        assert_eq!(repetition_share(&[1, 2, 3, 4], &[2, 4, 9]), Some(0.5));
        assert_eq!(repetition_share(&[], &[1]), None);
        assert_eq!(sentence_hash("甲 乙"), sentence_hash("甲乙"));
        let r = CheckRules::embedded().unwrap();
        let text = "这是一个足够长的句子，用来测试哈希。表格 1 2 3 4 5 6 7 8 9 10 11 12\n短句。";
        assert_eq!(
            sentence_hashes(text, r),
            [sentence_hash("这是一个足够长的句子，用来测试哈希")]
        );
        assert_eq!(parse_number("５１"), Some(51.0));
    }
}
