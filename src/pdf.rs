//! PDF, read in process from the page's geometry.
//!
//! Text extraction loses a table's structure: with blank cells the numbers slide into the
//! wrong columns. A PDF draws the table's ruling lines and places every character, so the
//! cells are the rectangles the lines form: each character goes to the cell holding its
//! centre, and each table row is printed as one line of cells (layout B, as the HTML reader
//! prints a page's tables). Text outside tables comes out as lines in reading order.
//!
//! What real files need (measured on WPS, cairo, Ghostscript and LibreOffice output): a
//! bottom edge where a page break cuts a table (its vertical lines run on below its last
//! rule); paths with curves are glyph outlines or decoration, never rules; fake bold draws a
//! character twice, a hair apart (counted once); labels in a vertical font (Identity-V) are
//! characters stacked in a column, read top to bottom.
//!
//! Characters come from `hayro-interpret` (pure Rust; ToUnicode and the bundled CMaps).

use hayro_interpret::font::{Glyph, GlyphRun};
use hayro_interpret::kurbo::{Affine, BezPath, PathEl, Point, Rect, Shape};
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, SoftMask, interpret_page,
};
use hayro_syntax::{LoadPdfError, Pdf};

use crate::document::{DocumentError, Extracted, page_marker};
use crate::layout::{Bounds, Char, Page};

/// More pages than any annual report has: a file claiming more is read up to here.
const MAX_PAGES: usize = 500;

/// The page being drawn, as hayro draws it.
#[derive(Default)]
struct Drawing {
    page: Page,
    images: usize,
    unmapped: usize,
    /// Each glyph's outline box in glyph space, computed once per document (building an
    /// outline is most of the reading's cost); `None` for an empty outline.
    boxes: std::collections::HashMap<hayro_interpret::font::GlyphIdentifier, Option<Rect>>,
}

impl<'a> Device<'a> for Drawing {
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, mode: &DrawMode) {
        // Curves mean glyph outlines (text re-rendered as shapes) or decoration.
        if path
            .elements()
            .iter()
            .any(|e| matches!(e, PathEl::CurveTo(..) | PathEl::QuadTo(..)))
        {
            return;
        }
        let t = props.transform;
        let fill = matches!(mode, DrawMode::Fill(_));
        // Split into subpaths of points.
        let mut subpaths: Vec<Vec<Point>> = Vec::new();
        for e in path.elements() {
            match *e {
                PathEl::MoveTo(p) => subpaths.push(vec![t * p]),
                PathEl::LineTo(p) => match subpaths.last_mut() {
                    Some(s) => s.push(t * p),
                    None => subpaths.push(vec![t * p]),
                },
                PathEl::ClosePath => {
                    if let Some(s) = subpaths.last_mut()
                        && let Some(&first) = s.first()
                    {
                        s.push(first);
                    }
                }
                _ => {}
            }
        }
        for s in subpaths {
            if fill {
                if let Some(r) = as_rect(&s) {
                    self.page.filled(Bounds {
                        x0: r.x0,
                        y0: r.y0,
                        x1: r.x1,
                        y1: r.y1,
                    });
                }
            } else {
                for w in s.windows(2) {
                    self.page.segment((w[0].x, w[0].y), (w[1].x, w[1].y));
                }
            }
        }
    }

    fn draw_rect(&mut self, rect: &Rect, props: DrawProps<'a>, mode: &DrawMode) {
        self.draw_path(&rect.to_path(0.1), props, mode);
    }

    fn push_clip_path(&mut self, _: &ClipPath) {}

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        for g in run.glyphs() {
            let Some(u) = g.as_unicode() else {
                self.unmapped += 1;
                continue;
            };
            let text = match u {
                hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
                hayro_interpret::hayro_cmap::BfString::String(s) => s,
            };
            if text.chars().all(char::is_whitespace) {
                continue;
            }
            let t: Affine = props.transform * g.transform();
            // The em square in glyph space is 1000 units.
            let size = (t.determinant().abs().sqrt() * 1000.0).max(0.1);
            let glyph_box = match &**g {
                Glyph::Outline(o) => *self.boxes.entry(o.identifier()).or_insert_with(|| {
                    let outline = o.outline();
                    (!outline.elements().is_empty()).then(|| outline.bounding_box())
                }),
                Glyph::Type3(_) => None,
            };
            let bbox = glyph_box
                .map(|b| {
                    // The box's corners on the page (text is upright or turned by quarters,
                    // where this is the outline's own box).
                    let c = [
                        t * Point::new(b.x0, b.y0),
                        t * Point::new(b.x1, b.y0),
                        t * Point::new(b.x0, b.y1),
                        t * Point::new(b.x1, b.y1),
                    ];
                    c.iter()
                        .skip(1)
                        .fold(Rect::from_points(c[0], c[0]), |r, p| r.union_pt(*p))
                })
                .filter(|b| b.width().is_finite() && b.height().is_finite())
                .unwrap_or_else(|| {
                    // No outline (a space-like glyph, Type 3): the em square above the origin.
                    let o = t * Point::ZERO;
                    Rect::new(o.x, o.y - size * 0.8, o.x + size * 0.5, o.y + size * 0.2)
                });
            if !(bbox.x0.is_finite() && bbox.y0.is_finite()) {
                continue;
            }
            // Lines are told by the em square's middle, not the outline's: a "." or a "“"
            // sits low or high in its em but on the line of its neighbours.
            let mid = t * Point::new(0.0, 300.0);
            let cy = if run.writing_mode() == hayro_interpret::hayro_cmap::WritingMode::Vertical {
                bbox.center().y
            } else {
                mid.y
            };
            self.page.chars.push(Char {
                text,
                cx: bbox.center().x,
                cy,
                x0: bbox.x0,
                x1: bbox.x1,
                size,
            });
        }
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {
        self.images += 1;
    }

    fn pop_clip(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}

/// The axis-parallel rectangle a closed polygon of points draws, if it is one.
fn as_rect(pts: &[Point]) -> Option<Rect> {
    if !(4..=5).contains(&pts.len()) {
        return None;
    }
    let r = pts
        .iter()
        .fold(Rect::new(f64::MAX, f64::MAX, f64::MIN, f64::MIN), |r, p| {
            Rect::new(r.x0.min(p.x), r.y0.min(p.y), r.x1.max(p.x), r.y1.max(p.y))
        });
    let on_edge = |p: &Point| {
        ((p.x - r.x0).abs() < 0.5 || (p.x - r.x1).abs() < 0.5)
            && ((p.y - r.y0).abs() < 0.5 || (p.y - r.y1).abs() < 0.5)
    };
    pts.iter().all(on_edge).then_some(r)
}

/// Reads a PDF into report text (see the module documentation).
pub fn extract(bytes: &[u8]) -> Result<Extracted, DocumentError> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| {
        DocumentError::Unreadable(match e {
            LoadPdfError::Decryption(_) => {
                "an encrypted PDF that cannot be opened without its password".to_string()
            }
            LoadPdfError::Invalid => {
                "not a readable PDF (its structure is broken: no cross-reference table or \
                 objects could be found)"
                    .to_string()
            }
        })
    })?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(DocumentError::Unreadable(
            "a PDF with no pages (its page tree is missing or broken)".into(),
        ));
    }
    let cache = InterpreterCache::new();
    let mut out = Extracted {
        kind: "PDF".into(),
        ..Extracted::default()
    };
    let (mut chars, mut tables) = (0, 0);
    let mut device = Drawing::default();
    for (n, page) in pages.iter().take(MAX_PAGES).enumerate() {
        let initial = Affine::new(page.initial_transform(true).as_coeffs());
        let (w, h) = page.render_dimensions();
        let mut ctx = Context::new(
            initial,
            Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
            &cache,
            pdf.xref(),
            InterpreterSettings::default(),
        );
        interpret_page(page, &mut ctx, &mut device);
        let drawn = std::mem::take(&mut device.page);
        chars += drawn.chars.len();
        out.pages.push(out.text.len());
        out.text.push_str(&page_marker(n + 1));
        out.text.push('\n');
        tables += crate::layout::layout_page(drawn, &mut out.text);
    }
    let (images, unmapped) = (device.images, device.unmapped);
    if chars == 0 {
        return Err(DocumentError::Unreadable(if images > 0 {
            "a scanned PDF: its pages are images with no text layer, and gouji does not \
             recognise text in images (run OCR first, e.g. ocrmypdf, then open the result)"
                .to_string()
        } else if unmapped > 0 {
            "a PDF whose characters carry no Unicode mapping: its text cannot be read".to_string()
        } else {
            "a PDF with no text".to_string()
        }));
    }
    if tables == 0 {
        out.warnings.push(
            "no ruled tables in the PDF: read as lines of text, so blank cells cannot be \
             placed (numbers of a row with blank cells may stand in the wrong columns)"
                .to_string(),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_bytes_are_an_error_not_a_panic() {
        assert!(extract(b"%PDF-1.4\n garbage").is_err());
        assert!(extract(b"").is_err());
    }
}
