//! Splitting report text into cell tokens with byte spans.
//!
//! Layouts differ mainly in how they separate cells: one cell per line (A, D), `|` (B),
//! tabs (C), spaces (F). This module reads each line with the separator it uses and emits a
//! flat stream of tokens: text (labels, headings), values, blank cells and row breaks. The
//! parser aligns that stream to the template; it never looks at separators itself.

use std::ops::Range;

use crate::text::{has_digit, is_space, parse_value, trim_space};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Non-numeric text: a label, a header, a heading, narrative.
    Text,
    /// A cell value (number, number with unit, or a dash meaning none).
    Value,
    /// A cell that is present but empty (whitespace only).
    Blank,
    /// A structural row end: an empty line (layout A) or a `||` run (layouts B, D).
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
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let last = (start < text.len() && !text.ends_with('\n')).then_some(text.len());
    for end in ends.chain(last) {
        let body = text[start..end].trim_end_matches(['\n', '\r']);
        tokenize_line(body, start, &mut out);
        start = end;
    }
    out
}

fn tokenize_line(line: &str, base: usize, out: &mut Vec<Token>) {
    if line.is_empty() {
        out.push(Token {
            kind: Kind::Break,
            span: base..base,
        });
        return;
    }
    if is_page_footer(line) {
        return;
    }
    // One pass over the line for both separators.
    let (mut pipe, mut tab) = (false, false);
    for &b in line.as_bytes() {
        pipe |= b == b'|';
        tab |= b == b'\t';
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

/// "- 3 -", "第 3 页", "— 12 —": page footers that PDF extraction leaves inside tables.
fn is_page_footer(line: &str) -> bool {
    let head = line.trim_start_matches(is_space);
    if line.len() > 24 || !head.starts_with(['-', '－', '—', '第']) {
        return false;
    }
    let t: String = line.chars().filter(|c| !is_space(*c)).collect();
    let inner = t
        .strip_prefix(['-', '－', '—'])
        .and_then(|s| s.strip_suffix(['-', '－', '—']))
        .or_else(|| t.strip_prefix('第').and_then(|s| s.strip_suffix('页')));
    inner.is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
}

/// Emits the tokens of one field (the text between separators).
fn field(f: &str, base: usize, out: &mut Vec<Token>) {
    let trimmed = trim_space(f);
    let lead = f.len() - f.trim_start_matches(is_space).len();
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
    if parse_value(trimmed).is_some() {
        out.push(Token {
            kind: Kind::Value,
            span,
        });
        return;
    }
    // Mixed content ("规章 1 0 11", "本 2.其他法律行政法规禁止公开 30 1 0"): split on white
    // space, and merge neighbouring text words back into one text token so that labels
    // with spaces inside ("(一) 予以公开", "商业 企业") stay whole.
    let mut pending_text: Option<Range<usize>> = None;
    let mut pos = 0;
    for word in trimmed.split(is_space) {
        let wstart = pos;
        pos += word.len();
        // Advance over the separator character that `split` consumed.
        if let Some(c) = trimmed[pos..].chars().next() {
            pos += c.len_utf8();
        }
        if word.is_empty() {
            continue;
        }
        let abs = span.start + wstart..span.start + wstart + word.len();
        if is_zero_led_run(word) {
            if let Some(t) = pending_text.take() {
                out.push(Token {
                    kind: Kind::Text,
                    span: t,
                });
            }
            out.push(Token {
                kind: Kind::Run,
                span: abs,
            });
        } else if parse_value(word).is_some() {
            if let Some(t) = pending_text.take() {
                out.push(Token {
                    kind: Kind::Text,
                    span: t,
                });
            }
            out.push(Token {
                kind: Kind::Value,
                span: abs,
            });
        } else if !has_digit(word) {
            pending_text = Some(match pending_text {
                Some(t) => t.start..abs.end,
                None => abs,
            });
        } else {
            for (kind, part) in glued_parts(word, abs.start) {
                if kind == Kind::Text {
                    pending_text = Some(match pending_text {
                        Some(t) => t.start..part.end,
                        None => part,
                    });
                } else {
                    if let Some(t) = pending_text.take() {
                        out.push(Token {
                            kind: Kind::Text,
                            span: t,
                        });
                    }
                    out.push(Token { kind, span: part });
                }
            }
        }
    }
    if let Some(t) = pending_text {
        out.push(Token {
            kind: Kind::Text,
            span: t,
        });
    }
}

/// "00", "023", "000023": several digits led by a zero. No count is printed that way, so these
/// are cells run together (web text), not one number.
fn is_zero_led_run(word: &str) -> bool {
    word.len() >= 2 && word.starts_with('0') && word.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a word that glues digits to text ("规章000规范性文件898989", "7000007（二）部分公开")
/// into text parts and digit runs. Enumerations stay with their label: in "00000002.其他法律",
/// the "2." is the item number, not a cell. A word without digits is one text part.
fn glued_parts(word: &str, base: usize) -> Vec<(Kind, Range<usize>)> {
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    if !word.chars().any(is_digit) {
        return vec![(Kind::Text, base..base + word.len())];
    }
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(word.len(), |(b, _)| *b);
    let mut parts: Vec<(Kind, Range<usize>)> = Vec::new();
    let push = |kind: Kind, r: Range<usize>, parts: &mut Vec<(Kind, Range<usize>)>| {
        if r.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some((k, last)) if *k == Kind::Text && kind == Kind::Text && last.end == r.start => {
                last.end = r.end
            }
            _ => parts.push((kind, r)),
        }
    };
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i].1) {
            let start = i;
            while i < chars.len() && !is_digit(chars[i].1) {
                i += 1;
            }
            push(
                Kind::Text,
                base + end_of(start)..base + end_of(i),
                &mut parts,
            );
            continue;
        }
        let start = i;
        while i < chars.len() && is_digit(chars[i].1) {
            i += 1;
        }
        // A decimal part belongs to the number ("394432.52元").
        if i + 1 < chars.len() && matches!(chars[i].1, '.' | '．') && is_digit(chars[i + 1].1) {
            i += 1;
            while i < chars.len() && is_digit(chars[i].1) {
                i += 1;
            }
            push(
                Kind::Run,
                base + end_of(start)..base + end_of(i),
                &mut parts,
            );
            continue;
        }
        // An enumeration: the last digit before "." or "、" and text ("2.其他", "1、申请人").
        let numbered = i < chars.len()
            && matches!(chars[i].1, '.' | '．' | '、')
            && chars.get(i + 1).is_none_or(|(_, c)| !is_digit(*c));
        if numbered {
            push(
                Kind::Run,
                base + end_of(start)..base + end_of(i - 1),
                &mut parts,
            );
            push(
                Kind::Text,
                base + end_of(i - 1)..base + end_of(i + 1),
                &mut parts,
            );
            i += 1;
            continue;
        }
        push(
            Kind::Run,
            base + end_of(start)..base + end_of(i),
            &mut parts,
        );
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
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
