//! Layout H: Markdown pipe tables, as PDF and OCR converters write them.
//!
//! A table starts at a line with a pipe followed by a delimiter row (`|---|:--:|`) and goes on
//! while lines hold a pipe; page footers inside it are skipped. Each row of the table is one row
//! of fields: it opens with a [`Kind::Break`] and an empty field is a blank cell (in layout B an
//! empty field is a row end). What is not a cell is left out: delimiter rows, header rows a
//! converter generated ("数据1 … 数据6", "列1", "Column 1", or all empty), a header row repeated
//! where the table was cut across pages, rows holding nothing or only a page footer. Header rows
//! that hold the report's own text or numbers stay: a converter takes the first row of every
//! piece of a cut table as its header, and that row is often a data row.

use super::{Kind, Token, field, is_page_footer};
use crate::text::{parse_trimmed, trim_space};

/// What the tokenizer remembers about the Markdown table it is in.
#[derive(Debug, Default)]
pub(super) struct Table {
    /// Inside a table: the lines holding a pipe after a header and delimiter row.
    open: bool,
    /// The latest header row that holds no values, its fields trimmed and joined: a row
    /// repeating it is the header printed again, not data.
    header: Option<String>,
}

impl Table {
    /// Tokenizes `line` (without its line end; `base` is its offset) when it belongs to a
    /// Markdown table, given the `next` line; false when it does not and is left to the other
    /// layouts. An empty line or a line without a pipe ends the table.
    pub(super) fn line(
        &mut self,
        line: &str,
        next: Option<&str>,
        base: usize,
        out: &mut Vec<Token>,
    ) -> bool {
        let has_pipe = line.contains('|');
        if !self.open {
            if !(has_pipe && next.is_some_and(is_delimiter_row)) {
                return false;
            }
            self.open = true;
            let fields = fields(line);
            if is_generated_header(&fields) {
                return true;
            }
            return self.row(line, &fields, true, base, out);
        }
        if is_page_footer(line) {
            return true;
        }
        if !has_pipe {
            self.open = false;
            return false;
        }
        if is_delimiter_row(line) {
            return true;
        }
        let fields = fields(line);
        // A header row and delimiter row with no empty line before them: the next piece of a
        // cut table, printed on.
        let header = next.is_some_and(is_delimiter_row);
        if header && is_generated_header(&fields) {
            return true;
        }
        self.row(line, &fields, header, base, out)
    }

    /// True inside a table: a line without a pipe may still be a page footer within it.
    pub(super) fn is_open(&self) -> bool {
        self.open
    }

    /// Ends the table (at an empty line).
    pub(super) fn end(&mut self) {
        self.open = false;
    }

    /// Emits one row of fields, unless it holds nothing, only a page footer, or repeats the
    /// latest header. A `header` row holding no values is remembered.
    fn row(
        &mut self,
        line: &str,
        fields: &[(usize, &str)],
        header: bool,
        base: usize,
        out: &mut Vec<Token>,
    ) -> bool {
        let texts: Vec<&str> = fields.iter().map(|(_, f)| trim_space(f)).collect();
        if texts.iter().all(|t| t.is_empty() || is_page_footer(t)) {
            return true;
        }
        if !texts
            .iter()
            .any(|t| !t.is_empty() && parse_trimmed(t).is_some())
        {
            let key = texts.join("|");
            if self.header.as_deref() == Some(key.as_str()) {
                return true;
            }
            if header {
                self.header = Some(key);
            }
        }
        let lead = line.len() - line.trim_start_matches(crate::text::is_space).len();
        out.push(Token {
            kind: Kind::Break,
            span: base + lead..base + lead,
        });
        for &(off, f) in fields {
            cell(f, base + off, out);
        }
        true
    }
}

/// The fields of a table row with their byte offsets in the line: the text between unescaped
/// pipes, the row's optional leading and trailing pipe taken off.
fn fields(line: &str) -> Vec<(usize, &str)> {
    let trimmed = trim_space(line);
    let mut start = trimmed.as_ptr() as usize - line.as_ptr() as usize;
    let mut end = start + trimmed.len();
    if line[start..end].starts_with('|') {
        start += 1;
    }
    if end > start && line[start..end].ends_with('|') && !line[start..end].ends_with("\\|") {
        end -= 1;
    }
    let body = &line[start..end];
    let mut out = Vec::new();
    let mut from = 0;
    let b = body.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'|' && (i == 0 || b[i - 1] != b'\\') {
            out.push((start + from, &body[from..i]));
            from = i + 1;
        }
    }
    out.push((start + from, &body[from..]));
    out
}

/// One field of a table row: blank when empty; bold or italic markers around it dropped;
/// lines a converter joined with `<br>` read as separate texts.
fn cell(f: &str, base: usize, out: &mut Vec<Token>) {
    if trim_space(f).is_empty() {
        out.push(Token {
            kind: Kind::Blank,
            span: base..base + f.len(),
        });
        return;
    }
    let (inner, at) = unemphasized(f);
    let base = base + at;
    for (off, part) in split_breaks(inner) {
        if !trim_space(part).is_empty() {
            field(part, base + off, out);
        }
    }
}

/// `f` trimmed, without the `**`, `__`, `*` or `_` that wrap it, and its offset in `f`.
fn unemphasized(f: &str) -> (&str, usize) {
    let t = trim_space(f);
    let mut at = t.as_ptr() as usize - f.as_ptr() as usize;
    let mut s = t;
    for mark in ["**", "__", "*", "_"] {
        if s.len() > 2 * mark.len() && s.starts_with(mark) && s.ends_with(mark) {
            s = &s[mark.len()..s.len() - mark.len()];
            at += mark.len();
            break;
        }
    }
    (s, at)
}

/// The parts of `f` between `<br>` tags (`<br>`, `<br/>`, `<br />`), with their offsets.
fn split_breaks(f: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some((0, f));
    std::iter::from_fn(move || {
        let (at, s) = rest.take()?;
        match find_break(s) {
            Some((i, n)) => {
                rest = Some((at + i + n, &s[i + n..]));
                Some((at, &s[..i]))
            }
            None => Some((at, s)),
        }
    })
}

/// Where the first `<br>` tag of `s` starts, and its length.
fn find_break(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = s[from..].find('<').map(|i| from + i) {
        let tail = &s[i..];
        for tag in ["<br>", "<br/>", "<br />", "<BR>", "<BR/>", "<BR />"] {
            if tail.starts_with(tag) {
                return Some((i, tag.len()));
            }
        }
        from = i + 1;
    }
    None
}

/// `|---|:--:|`, `--- | ---`: the row under a table's header, every field three dashes or more,
/// or dashes with an alignment colon. (Bare shorter dashes are cells: "-" and "--" mean none.)
pub(super) fn is_delimiter_row(line: &str) -> bool {
    // Most lines fail on their first characters, before any field is cut out.
    line.bytes()
        .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
        && line.contains('|')
        && fields(line).iter().all(|(_, f)| {
            let f = trim_space(f);
            let dashes = f.trim_start_matches(':').trim_end_matches(':');
            let aligned = dashes.len() < f.len();
            !dashes.is_empty()
                && dashes.bytes().all(|b| b == b'-')
                && (dashes.len() >= 3 || aligned)
        })
}

/// A header row a converter made up because the table had none it could read: every field
/// empty or a generated name ("数据1", "列 2", "Column 3", "Unnamed: 0").
fn is_generated_header(fields: &[(usize, &str)]) -> bool {
    fields.iter().all(|(_, f)| {
        let f = trim_space(f);
        f.is_empty() || is_generated_name(f)
    })
}

fn is_generated_name(f: &str) -> bool {
    const NAMES: [&str; 8] = [
        "数据", "列", "栏", "字段", "Column", "Col", "Field", "Unnamed:",
    ];
    NAMES.iter().any(|name| {
        let Some(rest) = f
            .get(..name.len())
            .filter(|h| h.eq_ignore_ascii_case(name))
            .map(|_| &f[name.len()..])
        else {
            return false;
        };
        let digits = rest.trim_start_matches([' ', '_', '-']);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::kinds;
    use super::*;

    #[test]
    fn delimiter_rows_are_not_cells_and_each_row_opens_with_a_break() {
        let t = "| 规章 | 22 | 235 |\n|---|:--:|---:|\n| 行政规范性文件 | 34 | 189 |\n";
        assert_eq!(
            kinds(t),
            vec![
                (Kind::Break, ""),
                (Kind::Text, "规章"),
                (Kind::Value, "22"),
                (Kind::Value, "235"),
                (Kind::Break, ""),
                (Kind::Text, "行政规范性文件"),
                (Kind::Value, "34"),
                (Kind::Value, "189"),
            ]
        );
        // Without outer pipes too.
        assert_eq!(
            kinds("规章 | 22\n--- | :---:\n规范性文件 | 3\n"),
            vec![
                (Kind::Break, ""),
                (Kind::Text, "规章"),
                (Kind::Value, "22"),
                (Kind::Break, ""),
                (Kind::Text, "规范性文件"),
                (Kind::Value, "3"),
            ]
        );
    }

    #[test]
    fn generated_header_rows_are_not_cells() {
        for header in [
            "| 数据1 | 数据2 | 数据3 |",
            "| 列1 | 列 2 | 列3 |",
            "| Column 1 | Column 2 | column_3 |",
            "| Unnamed: 0 | Col1 | 字段3 |",
            "|  |  |  |",
            "|  | 数据1 | 数据2 |",
        ] {
            let t = format!("{header}\n| --- | --- | --- |\n| （一）予以公开 | 5 |  |\n");
            assert_eq!(
                kinds(&t),
                vec![
                    (Kind::Break, ""),
                    (Kind::Text, "（一）予以公开"),
                    (Kind::Value, "5"),
                    (Kind::Blank, "  "),
                ],
                "{header}"
            );
        }
        // A header of the report's own words stays: it may name an optional column.
        assert_eq!(
            kinds("| 自然人 | 小计 |\n|---|---|\n")[1..],
            [(Kind::Text, "自然人"), (Kind::Text, "小计")]
        );
    }

    #[test]
    fn an_empty_field_is_a_blank_cell_not_a_row_end() {
        let t = "| a | b | c |\n|---|---|---|\n| 2.重复申请 || 3 |\n";
        assert_eq!(
            kinds(t)[4..],
            [
                (Kind::Break, ""),
                (Kind::Text, "2.重复申请"),
                (Kind::Blank, ""),
                (Kind::Value, "3"),
            ]
        );
    }

    #[test]
    fn a_table_cut_across_pages_reads_as_one() {
        // The header printed again, a page footer as a line and as a row, and an empty row.
        let t = "| 项目 | 自然人 | 总计 |\n|---|---|---|\n| （一）予以公开 | 1 | 1 |\n— 5 —\n\
                 | 项目 | 自然人 | 总计 |\n|---|---|---|\n| - 6 - |  |  |\n|  |  |  |\n\
                 | （二）部分公开 | 2 | 2 |\n";
        let got: Vec<&str> = kinds(t).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            got,
            [
                "",
                "项目",
                "自然人",
                "总计",
                "",
                "（一）予以公开",
                "1",
                "1",
                "",
                "（二）部分公开",
                "2",
                "2"
            ]
        );
    }

    #[test]
    fn a_new_piece_printed_on_without_an_empty_line() {
        let t = "| 数据1 | 数据2 |\n|---|---|\n| 3.其他 | 1 |\n— 6 —\n| 数据1 | 数据2 |\n|---|---|\n\
                 | （七）总计 | 1 |\n";
        let got: Vec<&str> = kinds(t).into_iter().map(|(_, s)| s).collect();
        assert_eq!(got, ["", "3.其他", "1", "", "（七）总计", "1"]);
    }

    #[test]
    fn emphasis_and_joined_lines_inside_a_cell() {
        let t = "| a | b |\n|---|---|\n| **（二）部分公开<br>（区分处理的）** | 2 |\n";
        assert_eq!(
            kinds(t)[3..],
            [
                (Kind::Break, ""),
                (Kind::Text, "（二）部分公开"),
                (Kind::Text, "（区分处理的）"),
                (Kind::Value, "2"),
            ]
        );
    }

    #[test]
    fn pipes_of_other_layouts_are_not_tables() {
        // Layout D: one cell per line ending in " |"; "-" is a cell meaning none, not a
        // delimiter row.
        assert_eq!(
            kinds("规章 |\n- |\n0 |\n"),
            vec![(Kind::Text, "规章"), (Kind::Value, "-"), (Kind::Value, "0")]
        );
        // Layout B: a "||" run still ends a row.
        assert_eq!(kinds("0 | ||")[2].0, Kind::Break);
        assert!(!is_delimiter_row("| - | -- |"));
        assert!(is_delimiter_row("|:---|---:|"));
        assert!(is_delimiter_row("| :-: | --- |"));
        assert!(!is_delimiter_row("| --- | 3 |"));
        assert!(!is_delimiter_row("---"), "a horizontal rule");
    }
}
