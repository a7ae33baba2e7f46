//! Word documents: `.docx` read from its XML; `.doc` and `.wps` (Word-97 binaries) converted
//! to `.docx` by LibreOffice when it is installed.
//!
//! A `.docx` holds its tables as `w:tbl`/`w:tr`/`w:tc`, a cell merged across columns marked
//! `w:gridSpan` and one merged down rows `w:vMerge` (continued cells print nothing). Each
//! table row is printed as one line of cells (layout B, as the HTML reader prints a page's
//! tables), a merged cell once where it starts; paragraphs are lines. A document made of
//! positioned text boxes and lines (what LibreOffice writes for a PDF it imported) is laid out
//! from its geometry like a PDF page (`layout`). Deleted text (`w:del`),
//! field codes (`w:instrText`) and the `mc:Fallback` copy of drawn content are not text of the
//! report.

use std::io::Read;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::document::{DocumentError, Extracted, join_pieces, push_row};

/// The largest `word/document.xml` read (uncompressed): far above any report, and a zip bomb
/// stops there.
const MAX_XML: u64 = 64 << 20;

/// Reads a `.docx` package into report text.
pub fn extract_docx(bytes: &[u8]) -> Result<Extracted, DocumentError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        DocumentError::Unreadable(format!("a damaged zip archive, not a readable .docx ({e})"))
    })?;
    let xml = {
        let Ok(part) = zip.by_name("word/document.xml") else {
            return Err(DocumentError::Unreadable(
                "a zip archive that is not a Word .docx (it has no word/document.xml)".into(),
            ));
        };
        let mut xml = String::new();
        part.take(MAX_XML)
            .read_to_string(&mut xml)
            .map_err(|e| DocumentError::Unreadable(format!("a damaged .docx: {e}")))?;
        xml
    };
    let text = document_text(&xml)
        .map_err(|e| DocumentError::Unreadable(format!("a damaged .docx (its XML: {e})")))?;
    Ok(Extracted {
        text,
        kind: "Word .docx".into(),
        ..Extracted::default()
    })
}

/// Drawings read from one paragraph: far above a long report imported from PDF.
const MAX_DRAWINGS: usize = 100_000;

/// How far (points) a drawing must stand above the one before it to start a new page.
const PAGE_JUMP: f64 = 500.0;

/// EMU (English Metric Units) in a point.
const EMU_PER_PT: f64 = 12_700.0;

/// A drawing anchored in a paragraph (`wp:anchor`): a text box or a line, placed by offsets.
/// LibreOffice writes a PDF it imported this way: every run of text a box, every rule a line
/// or a thin rectangle, all of a page anchored in one paragraph.
#[derive(Debug, Default)]
struct Anchor {
    x: f64,
    y: f64,
    cx: f64,
    cy: f64,
    /// Which offset a `wp:posOffset` text is: 'H' or 'V'.
    pos: Option<char>,
    in_offset: bool,
    shape: String,
    /// Inside `a:ln`, and whether the outline is drawn.
    in_line: bool,
    line_visible: bool,
    text: String,
    /// Font size of the box's first run, in points (`w:sz` is in half-points).
    size: Option<f64>,
    /// Paragraphs open when the anchor began: the box's own paragraphs stand above them.
    base: usize,
}

/// The drawings of one paragraph cut into pages. LibreOffice anchors every page of a PDF it
/// imported in one paragraph, each page's drawings at offsets from the same origin, in page
/// order. Text boxes of one page never cover each other: where a box lands on an earlier one
/// (with other text), a page began since, at the largest jump back up the page; a jump up by
/// most of a page starts one too.
fn pages(anchors: Vec<Anchor>) -> Vec<Vec<Anchor>> {
    let ys: Vec<f64> = anchors.iter().map(|a| a.y / EMU_PER_PT).collect();
    let boxes: Vec<Option<TextBox>> = anchors.iter().map(Anchor::text_box).collect();
    let mut cuts = Vec::new();
    let mut start = 0;
    let mut j = 0;
    while j < anchors.len() {
        let jump = j > start && ys[j] < ys[j - 1] - PAGE_JUMP;
        let covers = boxes[j].as_ref().is_some_and(|b| {
            // A page holds far fewer boxes than this; the bound keeps a crafted file linear.
            boxes[start.max(j.saturating_sub(2000))..j]
                .iter()
                .flatten()
                .any(|o| o.text != b.text && o.covers(b))
        });
        if jump || (covers && j > start) {
            let k = if jump {
                j
            } else {
                (start + 1..=j)
                    .max_by(|&a, &b| (ys[a - 1] - ys[a]).total_cmp(&(ys[b - 1] - ys[b])))
                    .unwrap_or(j)
            };
            cuts.push(k);
            start = k;
            j = k;
        }
        j += 1;
    }
    let mut out = Vec::new();
    let mut rest = anchors;
    for &k in cuts.iter().rev() {
        out.push(rest.split_off(k));
    }
    out.push(rest);
    out.reverse();
    out
}

/// Where a text box stands (points), to tell pages apart.
struct TextBox {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

impl TextBox {
    /// True when the boxes overlap by over a third of the smaller one.
    fn covers(&self, o: &TextBox) -> bool {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        let small = ((self.x1 - self.x0) * (self.y1 - self.y0)).min((o.x1 - o.x0) * (o.y1 - o.y0));
        w > 0.0 && h > 0.0 && w * h > small / 3.0
    }
}

impl Anchor {
    fn text_box(&self) -> Option<TextBox> {
        let text = self.text.trim();
        if text.is_empty() {
            return None;
        }
        let (x0, y0) = (self.x / EMU_PER_PT, self.y / EMU_PER_PT);
        Some(TextBox {
            x0,
            y0,
            x1: x0 + self.cx / EMU_PER_PT,
            y1: y0 + self.cy / EMU_PER_PT,
            text: text.to_string(),
        })
    }

    /// Adds the drawing to the geometry of its paragraph.
    fn place(self, page: &mut crate::layout::Page) {
        let (x0, y0) = (self.x / EMU_PER_PT, self.y / EMU_PER_PT);
        let (x1, y1) = (x0 + self.cx / EMU_PER_PT, y0 + self.cy / EMU_PER_PT);
        let text = self.text.trim();
        if !text.is_empty() {
            let size = self.size.unwrap_or((y1 - y0) * 0.8).max(1.0);
            page.chars.push(crate::layout::Char {
                text: text.to_string(),
                cx: (x0 + x1) / 2.0,
                cy: (y0 + y1) / 2.0,
                x0,
                x1,
                size,
            });
            return;
        }
        match self.shape.as_str() {
            "line" | "straightConnector1" => page.segment((x0, y0), (x1, y1)),
            "rect" => {
                let b = crate::layout::Bounds { x0, y0, x1, y1 };
                if self.line_visible && (x1 - x0).min(y1 - y0) > 2.5 {
                    page.segment((x0, y0), (x1, y0));
                    page.segment((x0, y1), (x1, y1));
                    page.segment((x0, y0), (x0, y1));
                    page.segment((x1, y0), (x1, y1));
                } else {
                    page.filled(b);
                }
            }
            _ => {}
        }
    }
}

/// One table being read: its finished rows, the row and cell open.
#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    /// The open cell continues a vertical merge: it prints nothing.
    continued: bool,
}

fn local(e: &BytesStart<'_>) -> String {
    e.name().as_ref().to_string()
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// The text of `word/document.xml` (see the module documentation).
fn document_text(xml: &str) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut tables: Vec<TableState> = Vec::new();
    // Depth inside content that is not the report's text (deleted, field code, fallback).
    let mut skip = 0usize;
    // Paragraphs open: a text box's paragraphs stand inside the paragraph that anchors it.
    let mut paras: Vec<String> = Vec::new();
    let mut in_text = false;
    let mut anchor: Option<Anchor> = None;
    // Drawings anchored in the open top-level paragraph, laid out when it ends.
    let mut drawn: Vec<Anchor> = Vec::new();
    loop {
        let ev = reader.read_event()?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = local(e);
                if skip > 0 {
                    skip += usize::from(!empty);
                    continue;
                }
                match name.as_str() {
                    "w:del" | "w:instrText" | "w:delText" | "mc:Fallback" | "w:moveFrom" => {
                        skip += usize::from(!empty);
                    }
                    "w:tbl" if !empty => tables.push(TableState::default()),
                    "w:tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                        }
                    }
                    "w:tc" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.cell.clear();
                            t.continued = false;
                        }
                    }
                    "w:vMerge" => {
                        // No value, or "continue": the cell belongs to the one above.
                        let v = attr(e, "w:val");
                        if let Some(t) = tables.last_mut()
                            && v.as_deref().is_none_or(|v| v == "continue")
                        {
                            t.continued = true;
                        }
                    }
                    "w:p" if !empty => paras.push(String::new()),
                    "wp:anchor" if !empty && tables.is_empty() => {
                        anchor = Some(Anchor {
                            base: paras.len(),
                            line_visible: true,
                            ..Anchor::default()
                        });
                    }
                    "wp:positionH" | "wp:positionV" | "wp:posOffset" | "wp:extent"
                    | "a:prstGeom" | "a:ln" | "a:noFill" | "w:sz"
                        if anchor.is_some() =>
                    {
                        if let Some(a) = anchor.as_mut() {
                            match name.as_str() {
                                "wp:positionH" => a.pos = Some('H'),
                                "wp:positionV" => a.pos = Some('V'),
                                "wp:posOffset" => a.in_offset = !empty,
                                "wp:extent" => {
                                    let n = |k| attr(e, k).and_then(|v| v.parse().ok());
                                    a.cx = n("cx").unwrap_or(0.0);
                                    a.cy = n("cy").unwrap_or(0.0);
                                }
                                "a:prstGeom" => a.shape = attr(e, "prst").unwrap_or_default(),
                                "a:ln" => a.in_line = !empty,
                                "a:noFill" if a.in_line => a.line_visible = false,
                                "w:sz" if a.size.is_none() => {
                                    a.size = attr(e, "w:val")
                                        .and_then(|v| v.parse::<f64>().ok())
                                        .map(|v| v / 2.0);
                                }
                                _ => {}
                            }
                        }
                    }
                    "w:t" if !empty => in_text = true,
                    "w:tab" | "w:br" | "w:cr" => {
                        if let Some(p) = paras.last_mut() {
                            p.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                match e.name().as_ref() {
                    "w:t" => in_text = false,
                    "wp:posOffset" => {
                        if let Some(a) = anchor.as_mut() {
                            a.in_offset = false;
                        }
                    }
                    "a:ln" => {
                        if let Some(a) = anchor.as_mut() {
                            a.in_line = false;
                        }
                    }
                    "wp:anchor" => {
                        if let Some(a) = anchor.take()
                            && drawn.len() < MAX_DRAWINGS
                        {
                            drawn.push(a);
                        }
                    }
                    "w:p" => {
                        let p = paras.pop().unwrap_or_default();
                        if let Some(a) = anchor.as_mut()
                            && paras.len() == a.base
                        {
                            // A text box's own paragraph: its text is the box's.
                            join_pieces(&mut a.text, p.trim());
                            continue;
                        }
                        if let Some(outer) = paras.last_mut() {
                            join_pieces(outer, p.trim());
                            continue;
                        }
                        if tables.is_empty() && !drawn.is_empty() {
                            for page in pages(std::mem::take(&mut drawn)) {
                                let mut g = crate::layout::Page::default();
                                for a in page {
                                    a.place(&mut g);
                                }
                                crate::layout::layout_page(g, &mut out);
                            }
                        }
                        match tables.last_mut() {
                            Some(t) => join_pieces(&mut t.cell, p.trim()),
                            None => {
                                out.push_str(p.trim_end());
                                out.push('\n');
                            }
                        }
                    }
                    "w:tc" => {
                        if let Some(t) = tables.last_mut()
                            && !t.continued
                        {
                            let c = std::mem::take(&mut t.cell);
                            t.row.push(c);
                        }
                    }
                    "w:tr" => {
                        if let Some(t) = tables.last_mut() {
                            let r = std::mem::take(&mut t.row);
                            t.rows.push(r);
                        }
                    }
                    "w:tbl" => {
                        if let Some(t) = tables.pop() {
                            let mut s = String::new();
                            for r in &t.rows {
                                push_row(&mut s, r);
                            }
                            match tables.last_mut() {
                                // A table inside a cell: its text belongs to the cell.
                                Some(outer) => join_pieces(&mut outer.cell, s.trim()),
                                None => out.push_str(&s),
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skip == 0 && anchor.as_ref().is_some_and(|a| a.in_offset) => {
                if let Some(a) = anchor.as_mut()
                    && let Ok(v) = t.xml10_content().trim().parse::<f64>()
                {
                    match a.pos {
                        Some('H') => a.x = v,
                        Some('V') => a.y = v,
                        _ => {}
                    }
                }
            }
            Event::Text(t) if skip == 0 && in_text => {
                if let Some(p) = paras.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if skip == 0 && in_text => {
                let Some(para) = paras.last_mut() else {
                    continue;
                };
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                } else {
                    para.push_str(match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Converts a Word-97 `.doc` or WPS `.wps` file with LibreOffice (`soffice --headless
/// --convert-to docx`, in a temporary folder) and reads the result. Without LibreOffice on
/// PATH the error says how to read the file.
pub fn convert_legacy(path: &Path, bytes: &[u8]) -> Result<Extracted, DocumentError> {
    let what = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("wps") => "a WPS Writer (.wps) file",
        _ => "a Word 97-2003 (.doc) file",
    };
    let Some(soffice) = find_soffice() else {
        return Err(DocumentError::Unreadable(format!(
            "{what}: gouji reads these through LibreOffice, which is not installed (no soffice \
             on PATH); install it (e.g. apt-get install libreoffice-writer-nogui) or save the \
             file as .docx"
        )));
    };
    let fail = |why: String| DocumentError::Unreadable(format!("{what}: {why}"));
    let dir = tempfile::tempdir().map_err(|e| fail(format!("no temporary folder: {e}")))?;
    let input = dir.path().join("report.doc");
    std::fs::write(&input, bytes).map_err(|e| fail(format!("cannot write a copy: {e}")))?;
    let profile = dir.path().join("profile");
    let mut child = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "docx", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| fail(format!("LibreOffice could not be started: {e}")))?;
    let start = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > std::time::Duration::from_secs(120) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(
                    "LibreOffice took over two minutes to convert it".into(),
                ));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(50)),
            Err(e) => return Err(fail(format!("LibreOffice failed: {e}"))),
        }
    }
    let docx = std::fs::read(dir.path().join("report.docx"))
        .map_err(|_| fail("LibreOffice could not convert it (the file may be damaged)".into()))?;
    let mut x = extract_docx(&docx)?;
    x.kind = format!(
        "{} via LibreOffice",
        if what.contains("WPS") {
            "WPS .wps"
        } else {
            "Word .doc"
        }
    );
    Ok(x)
}

fn find_soffice() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("soffice"), d.join("libreoffice")])
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_deletions_and_field_codes() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>标题</w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del></w:p>
<w:tbl>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>三、本年度</w:t></w:r></w:p><w:p><w:r><w:t>办理结果</w:t></w:r></w:p></w:tc>
<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>（一）予以公开</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>6</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>a&amp;b</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>
</w:tbl></w:body></w:document>"#;
        assert_eq!(
            document_text(xml).unwrap(),
            "标题\n三、本年度办理结果 | （一）予以公开 | 6 |  |\na&b |  |\n"
        );
    }

    #[test]
    fn not_a_docx() {
        assert!(extract_docx(b"PK\x03\x04 nothing").is_err());
        assert!(extract_docx(b"").is_err());
    }
}
