//! Splitting report text into cell tokens with byte spans.
//!
//! Layouts differ mainly in how they separate cells: one cell per line (A, D), `|` (B),
//! tabs (C), spaces (F), Markdown pipe tables (H, [`markdown`]). This module reads each line
//! with the separator it uses and emits a flat stream of tokens: text (labels, headings),
//! values, blank cells and row breaks. The parser aligns that stream to the template; it never
//! looks at separators itself.

mod markdown;

use std::ops::Range;

use crate::text::{digit_len, is_space, parse_trimmed, space_len_at, trim_space};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Non-numeric text: a label, a header, a heading, narrative.
    Text,
    /// A cell value (number, number with unit, or a dash meaning none).
    Value,
    /// A cell that is present but empty (whitespace only).
    Blank,
    /// A structural row end: an empty line (layout A), a `||` run (layouts B, D), the start
    /// of a Markdown table row (H).
    Break,
    /// Digits glued to text with no separator (web text, layout E: "予以公开6000017"): may
    /// hold several cells; only the table's arithmetic can split it.
    Run,
}

/// One token; `span` is a byte range into the text given to [`tokenize`], trimmed of
/// surrounding white space (for a blank cell, the whole field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub span: Range<usize>,
}

/// Tokenizes the whole text. Never panics; every span lies on character boundaries.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 8);
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let last = (!text.is_empty() && !text.ends_with('\n')).then_some(text.len());
    let mut lines = ends
        .chain(last)
        .scan(0, |start, end| {
            let at = std::mem::replace(start, end);
            Some((at, text[at..end].trim_end_matches(['\n', '\r'])))
        })
        .peekable();
    let mut table = markdown::Table::default();
    while let Some((start, body)) = lines.next() {
        let next = lines.peek().map(|(_, l)| *l);
        tokenize_line(body, next, start, &mut table, &mut out);
    }
    out
}

fn tokenize_line(
    line: &str,
    next: Option<&str>,
    base: usize,
    table: &mut markdown::Table,
    out: &mut Vec<Token>,
) {
    if line.is_empty() {
        table.end();
        out.push(Token {
            kind: Kind::Break,
            span: base..base,
        });
        return;
    }
    // One pass over the line for both separators.
    let (mut pipe, mut tab) = (false, false);
    for &b in line.as_bytes() {
        pipe |= b == b'|';
        tab |= b == b'\t';
    }
    if (pipe || table.is_open()) && table.line(line, next, base, out) {
        return;
    }
    if is_page_footer(line) {
        return;
    }
    if pipe {
        // B and D: fields between pipes; what follows the last pipe is the row terminator.
        // What follows the last pipe terminates the row when it is blank.
        let last = line.rfind('|').map_or(0, |i| i + 1);
        let body = if trim_space(&line[last..]).is_empty() {
            &line[..last - 1]
        } else {
            line
        };
        for (off, f) in split_with_offsets(body, '|') {
            if f.is_empty() {
                out.push(Token {
                    kind: Kind::Break,
                    span: base + off..base + off,
                });
            } else {
                field(f, base + off, out);
            }
        }
        return;
    }
    if tab {
        let first_tab_only = line.starts_with('\t') && !line[1..].contains('\t');
        if first_tab_only {
            // A: one cell per line, indented by one tab; a tab alone is a blank cell.
            field(&line[1..], base + 1, out);
            return;
        }
        // C: tab-separated fields; leading empty fields are merged label cells.
        for (off, f) in split_with_offsets(line, '\t').skip_while(|(_, f)| trim_space(f).is_empty())
        {
            field(f, base + off, out);
        }
        return;
    }
    field(line, base, out);
}

/// The fields of `line` between `sep` characters, each with its byte offset in the line.
fn split_with_offsets(line: &str, sep: char) -> impl Iterator<Item = (usize, &str)> {
    let mut off = 0;
    line.split(sep).map(move |part| {
        let at = off;
        off += part.len() + sep.len_utf8();
        (at, part)
    })
}

/// "- 3 -", "第 3 页", "— 12 —": page footers that PDF extraction leaves inside tables, and
/// the page markers gouji prints in a PDF's text ("— 第 3 页 —").
pub(crate) fn is_page_footer(line: &str) -> bool {
    if line.len() > 24 {
        return false;
    }
    let head = line.trim_start_matches(is_space);
    if !head.starts_with(['-', '－', '—', '第']) {
        return false;
    }
    let t: String = line.chars().filter(|c| !is_space(*c)).collect();
    let inner = t
        .strip_prefix(['-', '－', '—'])
        .and_then(|s| s.strip_suffix(['-', '－', '—']))
        .or(Some(&t))
        // "第 3 页", and gouji's own page marker "— 第 3 页 —" in text read from a PDF.
        .map(|s| {
            s.strip_prefix('第')
                .and_then(|s| s.strip_suffix('页'))
                .unwrap_or(s)
        });
    inner.is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
}

/// Emits the tokens of one field (the text between separators).
fn field(f: &str, base: usize, out: &mut Vec<Token>) {
    let trimmed = trim_space(f);
    // `trimmed` lies inside `f`: its offset there is the leading white space.
    let lead = trimmed.as_ptr() as usize - f.as_ptr() as usize;
    if trimmed.is_empty() {
        out.push(Token {
            kind: Kind::Blank,
            span: base..base + f.len(),
        });
        return;
    }
    let span = base + lead..base + lead + trimmed.len();
    if is_zero_led_run(trimmed) {
        out.push(Token {
            kind: Kind::Run,
            span,
        });
        return;
    }
    if parse_trimmed(trimmed).is_some() {
        out.push(Token {
            kind: Kind::Value,
            span,
        });
        return;
    }
    // Mixed content ("规章 1 0 11", "本 2.其他法律行政法规禁止公开 30 1 0"): split on white
    // space, and merge neighbouring text words back into one text token so that labels
    // with spaces inside ("(一) 予以公开", "商业 企业") stay whole. One byte scan finds each
    // word and whether it holds a digit: narrative lines, the bulk of a report, pass once.
    let mut pending: Option<Range<usize>> = None;
    for (wstart, wend, digit) in Words::new(trimmed) {
        let word = &trimmed[wstart..wend];
        let abs = span.start + wstart..span.start + wend;
        if digit && is_zero_led_run(word) {
            push_merging_text(out, &mut pending, Kind::Run, abs);
        } else if parse_trimmed(word).is_some() {
            push_merging_text(out, &mut pending, Kind::Value, abs);
        } else if !digit {
            push_merging_text(out, &mut pending, Kind::Text, abs);
        } else {
            glued_parts(word, abs.start, |kind, part| {
                push_merging_text(out, &mut pending, kind, part)
            });
        }
    }
    if let Some(t) = pending {
        out.push(Token {
            kind: Kind::Text,
            span: t,
        });
    }
}

/// Emits a token of a field split into words: text extends the text still `pending` (so
/// neighbouring text words make one token); any other token ends it first.
fn push_merging_text(
    out: &mut Vec<Token>,
    pending: &mut Option<Range<usize>>,
    kind: Kind,
    span: Range<usize>,
) {
    if kind == Kind::Text {
        *pending = Some(match pending.take() {
            Some(t) => t.start..span.end,
            None => span,
        });
        return;
    }
    if let Some(t) = pending.take() {
        out.push(Token {
            kind: Kind::Text,
            span: t,
        });
    }
    out.push(Token { kind, span });
}

/// The words of a field (maximal runs of non-[`is_space`] characters) as byte ranges, each
/// with whether it holds an ASCII or full-width digit.
pub(crate) struct Words<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Words<'a> {
    pub(crate) fn new(s: &'a str) -> Words<'a> {
        Words {
            b: s.as_bytes(),
            at: 0,
        }
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize, bool);

    fn next(&mut self) -> Option<(usize, usize, bool)> {
        let b = self.b;
        let mut i = self.at;
        while i < b.len() {
            match space_len_at(b, i) {
                0 => break,
                n => i += n,
            }
        }
        if i >= b.len() {
            self.at = i;
            return None;
        }
        let start = i;
        let mut digit = false;
        while i < b.len() {
            let x = b[i];
            if x < 0x80 {
                if x.is_ascii_digit() {
                    digit = true;
                } else if space_len_at(b, i) > 0 {
                    break;
                }
                i += 1;
                continue;
            }
            if (0xE4..=0xE9).contains(&x) {
                i += 3; // an ideograph (U+4000–U+9FFF): neither digit nor space
                continue;
            }
            if digit_len(b, i) > 0 {
                digit = true;
            } else if space_len_at(b, i) > 0 {
                break;
            }
            i += utf8_len(x);
        }
        self.at = i;
        Some((start, i, digit))
    }
}

/// The length of the UTF-8 sequence a lead byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// "00", "023", "000023": several digits led by a zero. No count is printed that way, so these
/// are cells run together (web text), not one number.
fn is_zero_led_run(word: &str) -> bool {
    word.len() >= 2 && word.starts_with('0') && word.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a word that glues digits to text ("规章000规范性文件898989", "7000007（二）部分公开")
/// into text parts and digit runs, handed to `emit` in order (neighbouring text parts may come
/// separately). Enumerations stay with their label: in "00000002.其他法律", the "2." is the
/// item number, not a cell. A word without digits is one text part.
fn glued_parts(word: &str, base: usize, mut emit: impl FnMut(Kind, Range<usize>)) {
    let b = word.as_bytes();
    let mut push = |kind: Kind, r: Range<usize>| {
        if !r.is_empty() {
            emit(kind, base + r.start..base + r.end);
        }
    };
    // What follows a digit run: a decimal point or an enumeration mark, and its length.
    let mark = |i: usize| -> Option<(char, usize)> {
        match b.get(i)? {
            b'.' => Some(('.', 1)),
            _ if b[i..].starts_with("．".as_bytes()) => Some(('.', 3)),
            _ if b[i..].starts_with("、".as_bytes()) => Some(('、', 3)),
            _ => None,
        }
    };
    let mut i = 0;
    while i < b.len() {
        if digit_len(b, i) == 0 {
            let start = i;
            while i < b.len() && digit_len(b, i) == 0 {
                i += utf8_len(b[i]);
            }
            push(Kind::Text, start..i);
            continue;
        }
        let start = i;
        let mut last = i;
        while i < b.len() && digit_len(b, i) > 0 {
            last = i;
            i += digit_len(b, i);
        }
        let next_is_digit = |at: usize| at < b.len() && digit_len(b, at) > 0;
        match mark(i) {
            // A decimal part belongs to the number ("394432.52元").
            Some(('.', n)) if next_is_digit(i + n) => {
                i += n;
                while i < b.len() && digit_len(b, i) > 0 {
                    i += digit_len(b, i);
                }
                push(Kind::Run, start..i);
            }
            // An enumeration: the last digit before "." or "、" and text ("2.其他", "1、申请人").
            Some((_, n)) if !next_is_digit(i + n) => {
                push(Kind::Run, start..last);
                push(Kind::Text, last..i + n);
                i += n;
            }
            _ => push(Kind::Run, start..i),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The tokens of `text` as (kind, text): what the layout tests compare.
    pub(in crate::tokenize) fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn layout_a_one_cell_per_line() {
        let t = "\t（七）总计\n\t43\n\t\u{a0}\n\t\n\n";
        assert_eq!(
            kinds(t),
            vec![
                (Kind::Text, "（七）总计"),
                (Kind::Value, "43"),
                (Kind::Blank, "\u{a0}"),
                (Kind::Blank, ""),
                (Kind::Break, "")
            ]
        );
    }

    #[test]
    fn layout_b_pipes() {
        let t = "行政事业性 收费 | 20 | -2 | |\n";
        assert_eq!(
            kinds(t),
            vec![
                (Kind::Text, "行政事业性 收费"),
                (Kind::Value, "20"),
                (Kind::Value, "-2"),
                (Kind::Blank, " ")
            ]
        );
        assert_eq!(
            kinds("0 | ||")[..2],
            [(Kind::Value, "0"), (Kind::Blank, " ")]
        );
        assert_eq!(kinds("0 | ||")[2].0, Kind::Break);
    }

    #[test]
    fn layout_c_tabs() {
        let t = "\t\t2. 没有现成信息需要另行制作\t0\t\t7";
        assert_eq!(
            kinds(t),
            vec![
                (Kind::Text, "2. 没有现成信息需要另行制作"),
                (Kind::Value, "0"),
                (Kind::Blank, ""),
                (Kind::Value, "7")
            ]
        );
    }

    #[test]
    fn layout_e_glued_digits() {
        let t = "规章000规范性文件898989（三）不予公开1.属于国家秘密00000002.其他法律";
        assert_eq!(
            kinds(t),
            vec![
                (Kind::Text, "规章"),
                (Kind::Run, "000"),
                (Kind::Text, "规范性文件"),
                (Kind::Run, "898989"),
                (Kind::Text, "（三）不予公开1.属于国家秘密"),
                (Kind::Run, "0000000"),
                (Kind::Text, "2.其他法律"),
            ]
        );
        assert_eq!(
            kinds("政府集中采购13575394432.52元")[1],
            (Kind::Run, "13575394432.52")
        );
    }

    #[test]
    fn words_split_on_exactly_the_white_space_is_space_names() {
        // The byte-level reader must agree with `is_space` on every character there is.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = format!("规{c}1");
            let words: Vec<_> = Words::new(&s).collect();
            let expected = if is_space(c) {
                vec![(0, 3, false), (3 + c.len_utf8(), s.len(), true)]
            } else {
                vec![(0, s.len(), true)]
            };
            assert_eq!(words, expected, "{c:?} (U+{:04X})", c as u32);
            // The digit flag: ASCII and full-width digits only.
            let alone = format!("规{c}");
            let digit = c.is_ascii_digit() || ('０'..='９').contains(&c);
            let flags: Vec<bool> = Words::new(&alone).map(|w| w.2).collect();
            let want = if is_space(c) {
                vec![false]
            } else {
                vec![digit]
            };
            assert_eq!(flags, want, "{c:?} (U+{:04X})", c as u32);
        }
    }

    #[test]
    fn enumerations_and_decimals_in_glued_words() {
        // The parts with neighbouring text parts merged, as the tokenizer merges them.
        fn parts(w: &str) -> Vec<(Kind, &str)> {
            let mut v: Vec<(Kind, std::ops::Range<usize>)> = Vec::new();
            glued_parts(w, 0, |k, r| match v.last_mut() {
                Some((Kind::Text, last)) if k == Kind::Text && last.end == r.start => {
                    last.end = r.end
                }
                _ => v.push((k, r)),
            });
            v.into_iter().map(|(k, r)| (k, &w[r])).collect()
        }
        assert_eq!(
            parts("1、申请人2．其他3、4"),
            vec![
                (Kind::Text, "1、申请人2．其他"),
                (Kind::Run, "3"),
                (Kind::Text, "、"),
                (Kind::Run, "4"),
            ]
        );
        assert_eq!(
            parts("１２．５万元"),
            vec![(Kind::Run, "１２．５"), (Kind::Text, "万元")]
        );
    }

    #[test]
    fn layout_f_spaces_and_footers() {
        let t = "本 2.其他法律行政法规禁止公开 30 1 0\n- 4 -\n（一） 予以公开 5";
        assert_eq!(
            kinds(t),
            vec![
                (Kind::Text, "本 2.其他法律行政法规禁止公开"),
                (Kind::Value, "30"),
                (Kind::Value, "1"),
                (Kind::Value, "0"),
                (Kind::Text, "（一） 予以公开"),
                (Kind::Value, "5"),
            ]
        );
    }
}
