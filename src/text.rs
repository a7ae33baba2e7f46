//! Text normalization shared by the tokenizer, the label matcher and the number parser.
//!
//! Reports mix full- and half-width forms freely ("（一）" / "(一)", "１２" / "12", "－11").
//! Matching and number parsing work on a *folded* copy; the original text and its byte offsets
//! are never changed, so every cell can still point at what the report printed.

/// Folds one character to the form used for matching: full-width ASCII to ASCII, the
/// ideographic space to a space, curly quotes to `"`, the various minus signs to `-`.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        '“' | '”' | '„' | '‟' | '「' | '」' => '"',
        '‘' | '’' => '\'',
        '−' | '–' | '﹣' => '-',
        _ => c,
    }
}

/// `s` with every control character made visible, for printing a file name or a piece of a
/// report to a terminal, a CSV file or an error message: C0 controls and DEL as `\x1b`, C1
/// controls as `\u{9b}`, and the bidirectional overrides and isolates (which reorder what a
/// terminal shows) as `\u{202e}`. Line breaks and tabs are escaped too: the result is one
/// line. Text without such characters is returned as it is, uncopied.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\0'..='\u{1F}' | '\u{7F}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Characters [`visible`] escapes.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// [`visible`] for text of several lines: each line made visible, the line breaks kept.
pub fn visible_lines(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && hidden(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let lines: Vec<std::borrow::Cow<str>> = s.split('\n').map(visible).collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// True for every character a report uses as white space, including NBSP and U+3000.
pub fn is_space(c: char) -> bool {
    match c {
        ' ' | '\t'..='\r' | '\u{00A0}' | '\u{3000}' | '\u{FEFF}' => true,
        // No white space lies above U+3000 (but U+FEFF) or in the rest of ASCII: the
        // ideographs that fill reports answer without a table lookup.
        '\0'..='\u{7F}' | '\u{3001}'.. => false,
        c => c.is_whitespace(),
    }
}

/// `s` without leading and trailing white space ([`is_space`]). Most fields have none: their
/// first and last characters are looked at before any trimming.
pub fn trim_space(s: &str) -> &str {
    if s.chars().next().is_some_and(is_space) || s.chars().next_back().is_some_and(is_space) {
        s.trim_matches(is_space)
    } else {
        s
    }
}

/// The byte length of the character starting at `b[i]` when it is [`is_space`], else 0:
/// U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF
/// beyond ASCII. Ideographs answer on their first byte.
#[inline]
pub fn space_len_at(b: &[u8], i: usize) -> usize {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b' ' | b'\t'..=b'\r' => 1,
        0xC2 if matches!(at(1), 0x85 | 0xA0) => 2,
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => 3,
        0xE2 if at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
        0xE2 if at(1) == 0x81 && at(2) == 0x9F => 3,
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => 3,
        0xEF if at(1) == 0xBB && at(2) == 0xBF => 3,
        _ => 0,
    }
}

/// The folded form of a label: width-folded, all white space removed, "、" after a digit
/// turned into "." (so "1、其他" and "1. 其他" match), and Word's "[bookmark: …]" residue dropped.
pub fn fold_label(s: &str) -> String {
    let s = strip_residue(s);
    let mut out = String::with_capacity(s.len());
    let mut prev_digit = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // CJK ideographs U+4000–U+9FFF (lead bytes E4–E9) are never space and never folded:
        // copy a run of them at once. Labels are mostly such runs.
        let start = i;
        while i + 2 < bytes.len() && (0xE4..=0xE9).contains(&bytes[i]) {
            i += 3;
        }
        if i > start {
            out.push_str(&s[start..i]);
            prev_digit = false;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_space(c) {
            continue;
        }
        let f = fold_char(c);
        let f = if prev_digit && (f == '、' || f == '．') {
            '.'
        } else {
            f
        };
        prev_digit = f.is_ascii_digit();
        out.push(f);
    }
    out
}

/// Removes word-processor residue such as "[bookmark: _GoBack]" that exports leave in cells.
pub fn strip_residue(s: &str) -> std::borrow::Cow<'_, str> {
    if !has_residue(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("[bookmark") {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The byte length of an ASCII (1) or full-width (3: U+FF10–U+FF19, EF BC 90–99) digit
/// starting at `b[i]`, else 0.
#[inline]
pub fn digit_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b'0'..=b'9' => 1,
        0xEF if b.get(i + 1) == Some(&0xBC)
            && b.get(i + 2).is_some_and(|n| (0x90..=0x99).contains(n)) =>
        {
            3
        }
        _ => 0,
    }
}

/// True when `s` holds "[bookmark…" residue. A byte scan for '[' first: this runs on every
/// field and label of every report, and almost none has a bracket.
fn has_residue(s: &str) -> bool {
    memchr::memchr(b'[', s.as_bytes()).is_some() && s.contains("[bookmark")
}

/// Splits the leading enumeration off a folded label: "(一)予以公开" → ("(一)", "予以公开"),
/// "1.属于国家秘密" → ("1.", …), "一、本年新收…" → ("一、", …). Labels without one return "".
pub fn split_numbering(folded: &str) -> (&str, &str) {
    let cn = |c: char| {
        matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        )
    };
    let b = folded.as_bytes();
    if folded.starts_with('(')
        && let Some(end) = folded.find(')')
    {
        let inner = &folded[1..end];
        if !inner.is_empty() && inner.chars().all(|c| cn(c) || c.is_ascii_digit()) {
            return folded.split_at(end + 1);
        }
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < b.len() && (b[digits] == b'.') {
        return folded.split_at(digits + 1);
    }
    let cn_len: usize = folded
        .chars()
        .take_while(|c| cn(*c))
        .map(char::len_utf8)
        .sum();
    if cn_len > 0 && folded[cn_len..].starts_with('、') {
        return folded.split_at(cn_len + '、'.len_utf8());
    }
    ("", folded)
}

/// A cell's parsed content. `Blank` is a cell that is present but empty.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Blank,
    Int(i64),
    Num(f64),
    /// Text that is not a plain number ("－", "[bookmark: _GoBack]－", "无").
    Text(String),
}

impl Value {
    /// The number used by the relations: blank and text count as 0 (the spec's rule).
    pub fn as_f64(&self) -> f64 {
        match self {
            Value::Int(i) => *i as f64,
            Value::Num(n) => *n,
            Value::Blank | Value::Text(_) => 0.0,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Num(_))
    }

    /// Short display form ("" for blank, the integer, the number, or the text).
    pub fn display(&self) -> String {
        match self {
            Value::Blank => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Num(n) => format_num(*n),
            Value::Text(t) => t.clone(),
        }
    }
}

/// Formats a float without a trailing ".0" for whole numbers.
pub fn format_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

const UNITS: &[&str] = &[
    "万元", "亿元", "元", "万", "个", "件", "条", "项", "家", "次", "人", "%", "％",
];

/// Parses cell text into a value if it is one: a signed number with an optional unit
/// ("+29", "－11", "25个", "56742.1644万元", "1,234"), or a dash meaning "none".
/// Returns `None` for text that is not a cell value at all (a label, a heading).
/// Allocation-free except for text values: this runs on every field of every report.
pub fn parse_value(raw: &str) -> Option<Value> {
    parse_trimmed(trim_space(raw))
}

/// [`parse_value`] of text already without surrounding white space (a token's text).
pub fn parse_trimmed(t: &str) -> Option<Value> {
    debug_assert_eq!(trim_space(t).len(), t.len(), "{t:?} is not trimmed");
    if t.is_empty() {
        return Some(Value::Blank);
    }
    // Plain digits: most cells of every report.
    if t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Value::Int(
            t.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0')),
        ));
    }
    // Most fields are labels and narrative: reject them on their first character, which
    // every value form below starts with ("[" for word-processor residue around a value).
    let first = t.chars().next().map_or(' ', fold_char);
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '—' | '―' | '/' | '\\' | '无' | '['))
    {
        return None;
    }
    if has_residue(t) {
        let cleaned = strip_residue(t);
        return match parse_value(&cleaned) {
            // Residue around a value keeps the raw text: the reviewer must see it.
            Some(Value::Blank) | Some(Value::Text(_)) => Some(Value::Text(t.to_string())),
            other => other,
        };
    }
    if t.len() > 64 {
        return None;
    }
    // Dashes and 无 mean "none": text, counted as 0 by the checker with a warning.
    if t.chars().all(|c| matches!(fold_char(c), '-' | '—' | '―')) && t.chars().count() <= 2
        || matches!(t, "/" | "／" | "无" | "\\")
    {
        return Some(Value::Text(t.to_string()));
    }
    let mut body = t;
    if !t.ends_with(|c: char| c.is_ascii_digit()) {
        for u in UNITS {
            if let Some(stripped) = body.strip_suffix(u) {
                body = stripped;
                break;
            }
        }
    }
    let mut chars = body.chars().map(fold_char).peekable();
    let neg = match chars.peek() {
        Some('+') => {
            chars.next();
            false
        }
        Some('-') => {
            chars.next();
            true
        }
        _ => false,
    };
    let mut int: i64 = 0;
    let mut digits = 0usize;
    let mut decimal = false;
    let mut prev_comma = false;
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => {
                let d = i64::from(c as u8 - b'0');
                if !decimal {
                    int = int.checked_mul(10)?.checked_add(d)?;
                }
                digits += 1;
                prev_comma = false;
            }
            ',' if digits > 0
                && !decimal
                && !prev_comma
                && chars.peek().is_some_and(char::is_ascii_digit) =>
            {
                prev_comma = true;
            }
            '.' if digits > 0 && !decimal && chars.peek().is_some_and(char::is_ascii_digit) => {
                decimal = true;
            }
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let sign = if neg { -1 } else { 1 };
    Some(match decimal {
        false => Value::Int(sign * int),
        // Decimals are rare; let the standard library round them exactly.
        true => {
            let s: String = body
                .chars()
                .map(fold_char)
                .filter(|c| !matches!(c, ',' | '+'))
                .collect();
            Value::Num(s.parse().ok()?)
        }
    })
}

/// Where the lines of a text start, to turn byte offsets into lines and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte `offset` into `text`, the text this
    /// index was built from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = text
            .get(start..offset.min(text.len()))
            .map_or(0, |s| s.chars().count());
        (line, col + 1)
    }

    /// Number of lines (an empty text has one).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of 0-based line `i` of `text`, without its line ending.
    pub fn line_span(&self, text: &str, i: usize) -> std::ops::Range<usize> {
        let start = self.starts.get(i).copied().unwrap_or(text.len());
        let end = self.starts.get(i + 1).map_or(text.len(), |e| e - 1);
        let line = &text[start..end.max(start)];
        start..start + line.trim_end_matches('\r').len()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_made_visible() {
        use super::{visible, visible_lines};
        let osc52 = "a\u{1b}]52;c;aGk=\u{7}b\u{9b}2J\u{202e}.txt";
        assert_eq!(
            visible(osc52),
            "a\\x1b]52;c;aGk=\\x07b\\u{9b}2J\\u{202e}.txt"
        );
        assert!(matches!(
            visible("报告 2020.txt"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(visible_lines("a\u{1b}\nb\tc\n"), "a\\x1b\nb\\x09c\n");
    }

    use super::*;

    #[test]
    fn space_len_at_reads_the_same_white_space_as_is_space() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = format!("{c}规");
            let expected = if is_space(c) { c.len_utf8() } else { 0 };
            assert_eq!(
                space_len_at(s.as_bytes(), 0),
                expected,
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn values_seen_in_reports() {
        assert_eq!(parse_value("+29"), Some(Value::Int(29)));
        assert_eq!(parse_value("－11"), Some(Value::Int(-11)));
        assert_eq!(parse_value("-47"), Some(Value::Int(-47)));
        assert_eq!(parse_value("25个"), Some(Value::Int(25)));
        assert_eq!(parse_value("53万"), Some(Value::Int(53)));
        assert_eq!(parse_value("56742.1644万元"), Some(Value::Num(56742.1644)));
        assert_eq!(parse_value("１２"), Some(Value::Int(12)));
        assert_eq!(parse_value("\u{a0}0"), Some(Value::Int(0)));
        assert_eq!(parse_value("0\u{a0}"), Some(Value::Int(0)));
        assert_eq!(parse_value("\u{a0}"), Some(Value::Blank));
        assert_eq!(parse_value("1,234"), Some(Value::Int(1234)));
        assert_eq!(
            parse_value("[bookmark: _GoBack]－"),
            Some(Value::Text("[bookmark: _GoBack]－".into()))
        );
        assert_eq!(parse_value("规章"), None);
        assert_eq!(parse_value("1."), None);
        assert_eq!(parse_value("本年增/减"), None);
        assert_eq!(parse_value("447 7 0"), None);
    }

    #[test]
    fn labels_fold_and_split() {
        assert_eq!(fold_label("（一） 予以公开"), "(一)予以公开");
        assert_eq!(fold_label("1、 申请人"), "1.申请人");
        assert_eq!(fold_label("商业 企业"), "商业企业");
        assert_eq!(split_numbering("(一)予以公开"), ("(一)", "予以公开"));
        assert_eq!(split_numbering("1.属于国家秘密"), ("1.", "属于国家秘密"));
        assert_eq!(split_numbering("一、本年新收"), ("一、", "本年新收"));
        assert_eq!(split_numbering("规章"), ("", "规章"));
        // Ideograph runs are copied whole; what sits between them is still folded.
        assert_eq!(
            fold_label("一、本年新收\u{3000}政府信息 公开申请数量（１２）２、其他"),
            "一、本年新收政府信息公开申请数量(12)2.其他"
        );
        assert_eq!(fold_label("“规章”\u{a0}－"), "\"规章\"-");
        let digits = |s: &str| {
            (0..s.len())
                .map(|i| digit_len(s.as_bytes(), i))
                .collect::<Vec<_>>()
        };
        assert_eq!(digits("a7１"), vec![0, 1, 3, 0, 0]);
        assert_eq!(digits("（一）"), vec![0; 9]);
    }
}
