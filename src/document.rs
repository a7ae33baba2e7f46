//! Documents that are not text: PDF and Word files, turned into report text the one parser
//! reads.
//!
//! Tables come out as the HTML reader prints them (layout B): one line per table row, its cells
//! separated by " | " and closed by " |", a blank cell kept in its place, a merged cell printed
//! once where it starts. Everything else comes out as lines in reading order. A PDF's pages are
//! marked in the text ("— 第 3 页 —") and remembered, so every position can name its page.

use std::path::Path;

/// Text extracted from a PDF or Word document.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Extracted {
    /// The report text; every span of the parsed report indexes into it.
    pub text: String,
    /// Byte offset into `text` where each page starts (page 1 first); empty when the document
    /// has no pages (Word).
    pub pages: Vec<usize>,
    /// What the reviewer should know about the reading (a table read without ruling lines).
    pub warnings: Vec<String>,
    /// How the document was read, for the raw pane's title ("PDF", "Word .docx").
    pub kind: String,
}

impl Extracted {
    /// The 1-based page holding byte `offset` of `text`, when the document has pages.
    pub fn page_of(&self, offset: usize) -> Option<usize> {
        if self.pages.is_empty() {
            return None;
        }
        Some(self.pages.partition_point(|&p| p <= offset).max(1))
    }
}

/// Why a document could not be read; the message says what the user can do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    #[error("{0}")]
    Unreadable(String),
    #[error("a {0} document, and this build of gouji reads none (built without the `{1}` feature)")]
    NotBuilt(&'static str, &'static str),
}

/// The kinds of document gouji reads itself, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    /// A zip package (`.docx`, or a `.wps`/`.zip` that may not be Word at all).
    Zip,
    /// An OLE2 compound file: Word 97-2003 `.doc`, WPS Writer `.wps`.
    Ole,
}

/// The document kind of `bytes`, or `None` for text. The file's name plays no part: a `.pdf`
/// that is text is read as text, a `.txt` that is a PDF as a PDF.
pub fn kind(bytes: &[u8]) -> Option<Kind> {
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Some(Kind::Pdf);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(Kind::Zip);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Kind::Ole);
    }
    None
}

/// Reads a document of `kind` into report text. Never panics on any bytes: the readers run
/// under `catch_unwind`, and a panic inside one is reported as an unreadable file.
pub fn extract(path: &Path, kind: Kind, bytes: &[u8]) -> Result<Extracted, DocumentError> {
    let run = || match kind {
        Kind::Pdf => read_pdf(bytes),
        Kind::Zip => read_zip(bytes),
        Kind::Ole => read_ole(path, bytes),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(_) => Err(DocumentError::Unreadable(
            "the document could not be read (the reader failed on its contents)".into(),
        )),
    }
}

#[cfg(feature = "pdf")]
fn read_pdf(bytes: &[u8]) -> Result<Extracted, DocumentError> {
    crate::pdf::extract(bytes)
}

#[cfg(not(feature = "pdf"))]
fn read_pdf(_: &[u8]) -> Result<Extracted, DocumentError> {
    Err(DocumentError::NotBuilt("PDF", "pdf"))
}

#[cfg(feature = "word")]
fn read_ole(path: &Path, bytes: &[u8]) -> Result<Extracted, DocumentError> {
    crate::word::convert_legacy(path, bytes)
}

#[cfg(not(feature = "word"))]
fn read_ole(_: &Path, _: &[u8]) -> Result<Extracted, DocumentError> {
    Err(DocumentError::NotBuilt(
        "Word 97-2003 (.doc) or WPS (.wps)",
        "word",
    ))
}

#[cfg(feature = "word")]
fn read_zip(bytes: &[u8]) -> Result<Extracted, DocumentError> {
    crate::word::extract_docx(bytes)
}

#[cfg(not(feature = "word"))]
fn read_zip(_: &[u8]) -> Result<Extracted, DocumentError> {
    Err(DocumentError::NotBuilt("Word (.docx)", "word"))
}

/// Appends one table row in layout B: cells separated by " | ", closed by " |"; a "|" inside a
/// cell becomes "｜" so that it does not split the cell; line breaks inside a cell are spaces.
pub fn push_row(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        for ch in c.chars() {
            match ch {
                '|' => out.push('｜'),
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
    }
    if !cells.is_empty() {
        out.push_str(" |");
    }
    out.push('\n');
}

/// Joins two pieces of one cell or line: nothing between Chinese text (a label wrapped or
/// printed one character per line), a space between Latin words and numbers.
pub fn join_pieces(out: &mut String, next: &str) {
    let (Some(a), Some(b)) = (out.chars().last(), next.chars().next()) else {
        out.push_str(next);
        return;
    };
    if a.is_ascii() && b.is_ascii() && !a.is_whitespace() {
        out.push(' ');
    }
    out.push_str(next);
}

/// The page marker printed before each page's text.
pub fn page_marker(page: usize) -> String {
    format!("— 第 {page} 页 —")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_pages_and_joins() {
        let mut s = String::new();
        push_row(&mut s, &["a|b".into(), String::new(), "5".into()]);
        assert_eq!(s, "a｜b |  | 5 |\n");
        let x = Extracted {
            text: "p1\np2\n".into(),
            pages: vec![0, 3],
            ..Extracted::default()
        };
        assert_eq!(x.page_of(0), Some(1));
        assert_eq!(x.page_of(2), Some(1));
        assert_eq!(x.page_of(3), Some(2));
        let mut j = String::from("本年");
        join_pieces(&mut j, "新收");
        assert_eq!(j, "本年新收");
        let mut j = String::from("12");
        join_pieces(&mut j, "34");
        assert_eq!(j, "12 34");
    }
}
