//! Layout G: report pages saved from government web sites as HTML.
//!
//! The page's text is extracted before tokenizing, so the one parser reads it like any other
//! layout: each table row becomes one line of cells separated by " | " (layout B), with an
//! empty cell (`&nbsp;`) kept in its place; headings, paragraphs and line breaks become lines;
//! entities are decoded; scripts, styles and comments are dropped. Cells merged by `rowspan`
//! or `colspan` are printed once, where the page prints them, as merged label cells are in
//! other layouts.
//!
//! Every run of extracted text remembers where it stands in the page ([`Origin`]), so
//! `gouji check` can report positions in the file as saved.

use std::sync::OnceLock;

use crate::text::LineIndex;

/// Text extracted from an HTML page, and where each part of it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub text: String,
    pub origin: Origin,
}

/// The page a report's text was extracted from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The page as decoded.
    pub source: String,
    /// (offset in the extracted text, offset in `source`) where each copied run starts.
    points: Vec<(usize, usize)>,
    /// Built on first use.
    lines: OnceLock<LineIndex>,
}

impl PartialEq for Origin {
    fn eq(&self, other: &Origin) -> bool {
        self.source == other.source && self.points == other.points
    }
}

impl Origin {
    /// The offset in the page of a byte offset into the extracted text: exact inside copied
    /// text, the nearest copied position for separators gouji added.
    pub fn source_offset(&self, text_offset: usize) -> usize {
        let i = self.points.partition_point(|p| p.0 <= text_offset);
        let Some(&(t, s)) = i.checked_sub(1).and_then(|i| self.points.get(i)) else {
            return 0;
        };
        let mut at = (s + (text_offset - t)).min(self.source.len());
        while !self.source.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// 1-based line and column (in characters) in the page of a byte offset into the
    /// extracted text.
    pub fn line_col(&self, text_offset: usize) -> (usize, usize) {
        self.lines
            .get_or_init(|| LineIndex::new(&self.source))
            .line_col(&self.source, self.source_offset(text_offset))
    }
}

/// True when `text` is an HTML page or fragment rather than report text.
pub fn looks_like_html(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if !t.starts_with('<') {
        return false;
    }
    let mut end = t.len().min(1024);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let head = t[..end].to_ascii_lowercase();
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta",
        "<table",
        "<div",
        "<p>",
        "<p ",
    ]
    .iter()
    .any(|tag| head.contains(tag))
}

/// Extracts the text of an HTML page (see the module documentation).
pub fn extract(source: String) -> Extracted {
    let mut x = Extractor {
        src: &source,
        nesting: nesting(&source),
        tables_seen: 0,
        open_tables: Vec::new(),
        out: String::with_capacity(source.len() / 3),
        points: Vec::new(),
        space: false,
        row: None,
        in_cell: false,
    };
    x.run();
    let Extractor { out, points, .. } = x;
    Extracted {
        text: out,
        origin: Origin {
            lines: OnceLock::new(),
            source,
            points,
        },
    }
}

struct Extractor<'a> {
    src: &'a str,
    /// For each `<table>` in page order: true when it holds another table.
    nesting: Vec<bool>,
    tables_seen: usize,
    /// The open tables, innermost last: true for those that hold tables.
    open_tables: Vec<bool>,
    out: String,
    points: Vec<(usize, usize)>,
    /// White space seen since the last text: one space before the next text on the line.
    space: bool,
    /// Cells written on the open table row, `None` outside a row.
    row: Option<usize>,
    in_cell: bool,
}

/// What gouji does with a tag, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Table,
    Tr,
    /// `td`, `th`
    Cell,
    /// `tbody`, `thead`, `tfoot`
    Section,
    /// Tags whose start or end ends a line outside table cells (inside a cell, a space).
    Block,
    /// Elements whose content is not text of the page (script, style).
    Skipped,
    /// Inline and unknown tags: no effect.
    Other,
}

impl Tag {
    /// The tag named `raw` (ASCII letters, digits, ':' and '-'), in any letter case.
    fn of(raw: &[u8]) -> Tag {
        let mut buf = [0u8; 10];
        if raw.len() > buf.len() {
            return Tag::Other;
        }
        let name = &mut buf[..raw.len()];
        name.copy_from_slice(raw);
        name.make_ascii_lowercase();
        match &*name {
            b"table" => Tag::Table,
            b"tr" => Tag::Tr,
            b"td" | b"th" => Tag::Cell,
            b"tbody" | b"thead" | b"tfoot" => Tag::Section,
            b"script" | b"style" | b"noscript" | b"template" => Tag::Skipped,
            b"p" | b"div" | b"br" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"li"
            | b"ul" | b"ol" | b"dl" | b"dt" | b"dd" | b"section" | b"article" | b"header"
            | b"footer" | b"blockquote" | b"pre" | b"caption" | b"hr" | b"title" | b"center"
            | b"form" | b"nav" | b"address" => Tag::Block,
            _ => Tag::Other,
        }
    }
}

impl Extractor<'_> {
    fn run(&mut self) {
        let bytes = self.src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'<' => i = self.markup(i),
                b'&' => i = self.entity(i),
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                    self.space = true;
                    i += 1;
                }
                _ => {
                    let end = memchr::memchr3(b'<', b'&', b' ', &bytes[i..])
                        .map_or(bytes.len(), |n| i + n);
                    // Other ASCII white space ends the run too.
                    let end = bytes[i..end]
                        .iter()
                        .position(|b| matches!(b, b'\t' | b'\n' | b'\r' | b'\x0c'))
                        .map_or(end, |n| i + n);
                    self.copy(i, end);
                    i = end;
                }
            }
        }
        self.end_row();
    }

    /// Appends `src[start..end]` (text without white space) as it stands, but for a `|` in a
    /// table cell: printed as "｜", so that it does not split the cell (rows are `|`-separated).
    fn copy(&mut self, start: usize, end: usize) {
        self.before_text();
        self.points.push((self.out.len(), start));
        let mut at = start;
        if self.in_cell {
            while let Some(n) = memchr::memchr(b'|', &self.src.as_bytes()[at..end]) {
                let bar = at + n;
                self.out.push_str(&self.src[at..bar]);
                self.points.push((self.out.len(), bar));
                self.out.push('｜');
                at = bar + 1;
                // What follows the wider "｜" maps to what follows the "|".
                self.points.push((self.out.len(), at));
            }
        }
        self.out.push_str(&self.src[at..end]);
    }

    fn before_text(&mut self) {
        if self.space && !self.out.is_empty() && !self.out.ends_with(['\n', ' ']) {
            self.out.push(' ');
        }
        self.space = false;
    }

    fn newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.space = false;
    }

    /// Handles what starts at `<`; returns where to go on.
    fn markup(&mut self, at: usize) -> usize {
        match scan(self.src, at) {
            Scan::Text => {
                // A lone "<" is text ("<5").
                self.copy(at, at + 1);
                at + 1
            }
            Scan::Skip(end) => end,
            Scan::Tag { tag, closing, end } => {
                self.tag(tag, closing);
                end
            }
        }
    }

    fn tag(&mut self, tag: Tag, closing: bool) {
        let layout = self.open_tables.last() == Some(&true);
        match (tag, closing) {
            (Tag::Table, false) => {
                let nests = self.nesting.get(self.tables_seen).copied().unwrap_or(false);
                self.tables_seen += 1;
                self.open_tables.push(nests);
                self.end_row();
                self.newline();
            }
            (Tag::Table, true) => {
                self.open_tables.pop();
                self.end_row();
                self.newline();
            }
            // A table that holds tables lays out the page: its rows and cells are blocks.
            (Tag::Tr | Tag::Cell, _) if layout => {
                self.end_row();
                self.newline();
            }
            (Tag::Tr, false) => {
                self.end_row();
                self.newline();
                self.row = Some(0);
            }
            (Tag::Tr, true) => self.end_row(),
            (Tag::Cell, false) => {
                if self.row.is_none() {
                    self.newline();
                    self.row = Some(0);
                }
                if let Some(n) = self.row.as_mut() {
                    if *n > 0 {
                        self.out.push_str(" | ");
                    }
                    *n += 1;
                }
                self.in_cell = true;
                self.space = false;
            }
            (Tag::Cell, true) => {
                self.in_cell = false;
                self.space = false;
            }
            (Tag::Section, _) => {
                self.end_row();
                self.newline();
            }
            (Tag::Block, _) => {
                if self.in_cell {
                    self.space = true;
                } else if self.row.is_none() {
                    self.newline();
                }
            }
            _ => {}
        }
    }

    /// Closes the open table row: " |" ends it, so that a blank last cell keeps its place.
    fn end_row(&mut self) {
        if let Some(n) = self.row.take() {
            if n > 0 {
                self.out.push_str(" |");
            }
            self.newline();
        }
        self.in_cell = false;
    }

    /// Decodes the entity at `at` ("&nbsp;", "&#160;", "&#x3000;"); a lone "&" is text.
    fn entity(&mut self, at: usize) -> usize {
        let rest = &self.src[at..];
        let semi = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|b| *b == b';');
        let decoded = semi.and_then(|n| decode_entity(&rest[1..n]).map(|c| (c, n + 1)));
        match decoded {
            Some((c, len)) => {
                self.before_text();
                self.points.push((self.out.len(), at));
                self.out
                    .push(if c == '|' && self.in_cell { '｜' } else { c });
                at + len
            }
            None => {
                self.copy(at, at + 1);
                at + 1
            }
        }
    }
}

/// What starts at a `<`.
enum Scan {
    /// Not markup: a "<" in text.
    Text,
    /// A comment, or an element whose content is not text (script, style): go on at the offset.
    Skip(usize),
    /// A tag; go on at `end`.
    Tag { tag: Tag, closing: bool, end: usize },
}

fn scan(src: &str, at: usize) -> Scan {
    let rest = &src[at..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        return Scan::Skip(comment.find("-->").map_or(src.len(), |n| at + 4 + n + 3));
    }
    let bytes = rest.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    let is_tag = match bytes.get(name_start) {
        Some(b) => b.is_ascii_alphabetic() || (!closing && matches!(b, b'!' | b'?')),
        None => false,
    };
    if !is_tag {
        return Scan::Text;
    }
    let end = tag_end(rest).map_or(src.len(), |n| at + n);
    let name_len = bytes[name_start..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b':' || *b == b'-'))
        .unwrap_or(bytes.len() - name_start);
    let name = &rest[name_start..name_start + name_len];
    let tag = Tag::of(name.as_bytes());
    if !closing && tag == Tag::Skipped {
        return Scan::Skip(
            find_close(&src[end..], name)
                .and_then(|n| tag_end(&src[end + n..]).map(|m| end + n + m))
                .unwrap_or(src.len()),
        );
    }
    Scan::Tag { tag, closing, end }
}

/// For each `<table>` of the page in order, whether another table opens inside it: old
/// government sites lay whole pages out in tables, and the report's tables sit in their cells.
fn nesting(src: &str) -> Vec<bool> {
    let mut holds = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'<', &src.as_bytes()[i..]) {
        let at = i + n;
        i = match scan(src, at) {
            Scan::Text => at + 1,
            Scan::Skip(end) => end,
            Scan::Tag { tag, closing, end } => {
                if tag == Tag::Table {
                    if closing {
                        open.pop();
                    } else {
                        // Only the innermost open table: each outer one was marked when
                        // the table inside it opened (linear in the depth of nesting).
                        if let Some(&t) = open.last() {
                            holds[t] = true;
                        }
                        open.push(holds.len());
                        holds.push(false);
                    }
                }
                end
            }
        };
    }
    holds
}

/// The length of the tag starting `s` (up to and including its `>`), quotes respected.
fn tag_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', &b[i..])?;
        if b[i] == b'>' {
            return Some(i + 1);
        }
        // Skip the quoted attribute value.
        let q = b[i];
        i += 1;
        i += memchr::memchr(q, &b[i..])? + 1;
    }
}

/// Where the closing tag of `name` starts in `hay`, in any letter case.
fn find_close(hay: &str, name: &str) -> Option<usize> {
    let h = hay.as_bytes();
    memchr::memmem::find_iter(h, b"</").find(|&i| {
        h.get(i + 2..i + 2 + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// The character an entity name (between "&" and ";") stands for.
fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "nbsp" => '\u{a0}',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "middot" => '·',
        "hellip" => '…',
        "times" => '×',
        "divide" => '÷',
        "yen" => '¥',
        "deg" => '°',
        "plusmn" => '±',
        "minus" => '−',
        "bull" => '•',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        extract(html.to_string()).text
    }

    #[test]
    fn a_bar_in_a_cell_stays_in_its_cell() {
        let html = "<p>首页 | 政务公开</p><table><tr><td>合计|小计</td><td>a&#124;b</td><td>5</td></tr></table>";
        let ex = extract(html.to_string());
        assert_eq!(ex.text, "首页 | 政务公开\n合计｜小计 | a｜b | 5 |\n");
        // Positions after the replaced bar still map to the page.
        let at = ex.text.find("小计").unwrap();
        assert_eq!(&html[ex.origin.source_offset(at)..][..6], "小计");
        let five = ex.text.find('5').unwrap();
        assert_eq!(&html[ex.origin.source_offset(five)..][..1], "5");
        // Offsets just after a bar (a span's end) land just after it in the page too.
        let ex = extract("<table><tr><td>a|</td><td>b</td></tr></table>".to_string());
        let end = ex.text.find('｜').unwrap() + '｜'.len_utf8();
        assert_eq!(
            &ex.origin.source[ex.origin.source_offset(end)..][..5],
            "</td>"
        );
    }

    #[test]
    fn table_rows_become_pipe_lines_with_blank_cells_in_place() {
        let html = "<table><tr><td rowspan=\"2\"><p>三、本年度办理结果</p></td>\
            <td><span>（一）</span><span>予以公开</span></td><td>6</td><td>&nbsp;</td>\
            <td>&nbsp;</td></tr>\n<tr><td>（二）部分公开<br/>（区分处理的）</td><td>1</td>\
            <td></td><td>1</td></tr></table>";
        assert_eq!(
            text(html),
            "三、本年度办理结果 | （一）予以公开 | 6 | \u{a0} | \u{a0} |\n\
             （二）部分公开 （区分处理的） | 1 |  | 1 |\n"
        );
    }

    #[test]
    fn narrative_scripts_comments_and_entities() {
        let html = "<!DOCTYPE html><html><head><title>某某区2020年政府信息公开工作年度报告</title>\
            <style>td { color: red }</style><script>var a = '<td>1</td>';</script></head>\
            <body><!-- <tr><td>9</td></tr> --><p>危及&ldquo;三安全一稳定&rdquo;&#65292;\n  共\n  3件</p>\
            <div>A &amp; B &lt;5 &bogus; x</div></body></html>";
        assert_eq!(
            text(html),
            "某某区2020年政府信息公开工作年度报告\n危及“三安全一稳定”， 共 3件\nA & B <5 &bogus; x\n"
        );
    }

    #[test]
    fn positions_map_back_to_the_page() {
        let html = "<p>标题</p>\n<table>\n<tr><td>（七）总计</td>\n<td>43</td></tr></table>";
        let ex = extract(html.to_string());
        let at = ex.text.find("43").unwrap();
        assert_eq!(ex.origin.source_offset(at), html.find("43").unwrap());
        assert_eq!(ex.origin.line_col(at), (4, 5));
        let label = ex.text.find("总计").unwrap();
        assert_eq!(ex.origin.line_col(label), (3, 12));
    }

    #[test]
    fn tables_that_hold_tables_are_page_layout() {
        let html = "<table width=\"100%\"><tr><td><p>某某区2020年政府信息公开工作年度报告</p>\
            <p>一、总体情况</p><table><tr><td>规章</td><td>5</td></tr></table><p>五、存在的问题</p>\
            </td><td>导航</td></tr></table><table><tr><td>行政许可</td><td>&nbsp;</td></tr></table>";
        assert_eq!(
            text(html),
            "某某区2020年政府信息公开工作年度报告\n一、总体情况\n规章 | 5 |\n五、存在的问题\n导航\n\
             行政许可 | \u{a0} |\n"
        );
        // The same in upper case, with ">" inside quoted attributes and a table in a comment.
        let upper = "<TABLE WIDTH='100%' TITLE='a>b'><TR><TD><P CLASS=\"x>y\">一、总体情况</P>\
            <!-- <table><tr><td>旧</td></tr></table> -->\
            <Table><TR><TD>规章</TD><TD>5</TD></TR></Table></TD></TR></TABLE>\
            <table><tr><td>行政许可</td><td>3</td></tr></table>";
        assert_eq!(text(upper), "一、总体情况\n规章 | 5 |\n行政许可 | 3 |\n");
        // "<table" inside a quoted attribute, or swallowed by a tag left unclosed, is no table.
        let quoted = "<table><tr><td>a</td></tr></table><p title=\"<table>\">注</p>\
            <table><tr><td>行政许可</td><td>3</td></tr></table>";
        assert_eq!(text(quoted), "a |\n注\n行政许可 | 3 |\n");
        let unclosed = "<table><tr><td>规章<img src=x.png<table></td><td>5</td></tr></table>";
        assert_eq!(text(unclosed), "规章 | 5 |\n");
    }

    #[test]
    fn detection() {
        assert!(looks_like_html("\u{feff}<!DOCTYPE html>\n<html>"));
        assert!(looks_like_html(
            "  <table border=1><tr><td>1</td></tr></table>"
        ));
        assert!(looks_like_html("<div class=\"content\">报告</div>"));
        assert!(!looks_like_html(
            "某某区2020年政府信息公开工作年度报告\n<table>"
        ));
        assert!(!looks_like_html("<5 件"));
    }

    #[test]
    fn broken_markup_never_panics() {
        for s in [
            "<",
            "<td",
            "&",
            "&#xFFFFFFFF;",
            "<tr><td>1",
            "<script>",
            "<!--",
            "</",
            "<a href='>",
        ] {
            let _ = extract(s.to_string());
        }
    }

    #[test]
    fn deeply_nested_tables_are_linear() {
        // 100,000 deep here (the 400,000 of the report that found it take 0.3 s in a
        // release build, 3 s in a debug one).
        let depth = 100_000;
        let page = format!(
            "{}<td>1{}",
            "<table><tr><td>".repeat(depth),
            "</td></tr></table>".repeat(depth)
        );
        let t = std::time::Instant::now();
        let x = extract(page);
        assert!(x.text.contains('1'));
        // Quadratic, this took 29 s; linear it is well under a second even in a debug build.
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }
}
