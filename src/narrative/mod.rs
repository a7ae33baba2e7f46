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
    let mut start = 0;
    let mut pieces = Vec::new();
    for (i, c) in text.char_indices() {
        if matches!(c, '。' | '！' | '？' | '\n' | '\r') {
            pieces.push(start..i);
            start = i + c.len_utf8();
        }
    }
    pieces.push(start..text.len());
    pieces.into_iter().filter_map(move |r| {
        let s = &text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
    })
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a of a sentence with its white space removed: two sentences printed alike hash alike
/// (what [`sentence_hashes`] computes for each sentence).
#[cfg(test)]
fn sentence_hash(s: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for c in s.chars().filter(|c| !c.is_whitespace()) {
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
        // One pass: characters, digits, a CJK character, and the hash of the non-space text.
        let (mut chars, mut digits, mut cjk) = (0, 0, false);
        let mut h = FNV_OFFSET;
        for c in s.chars().filter(|c| !c.is_whitespace()) {
            chars += 1;
            digits += usize::from(c.is_ascii_digit());
            cjk |= ('\u{4e00}'..='\u{9fff}').contains(&c);
            let mut buf = [0; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
            }
        }
        if chars >= rules.repetition_min_chars
            && digits * 3 < chars
            && cjk
            && !rules.boilerplate.iter().any(|b| s.contains(b.as_str()))
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
    fn sentences_end_at_full_stops_and_line_breaks() {
        let text = "第一句，还是第一句。第二句\n  第三句！\r\n\n末句";
        let got: Vec<&str> = sentences(text).map(|r| &text[r]).collect();
        assert_eq!(got, ["第一句，还是第一句", "第二句", "第三句", "末句"]);
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
