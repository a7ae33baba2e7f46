//! The raw text pane: the report's text with line numbers (the file's own, an HTML page's
//! lines as saved), error and warning lines marked, finding cells, search matches and the
//! selected cell highlighted. Long lines scroll sideways (`h`/`l`, the selected cell kept in
//! view) or wrap to the pane's width.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use crate::checker::Severity;

use super::config::Config;
use super::layout::gutter_w;
use super::state::{Pane, State};
use super::view::{placeholder_or, titled};

/// Display width of source text as the pane shows it (a tab is two columns).
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_w).sum()
}

fn char_w(c: char) -> usize {
    match c {
        '\t' => 2,
        '\r' => 0,
        c => match shown(c) {
            s if s.chars().eq(std::iter::once(c)) => c.width().unwrap_or(0),
            s => s.len(),
        },
    }
}

/// How the pane shows a character: a tab as two spaces, a line's own carriage return (CRLF
/// files) not at all, other control characters escaped (`\x1b`) as everywhere gouji prints
/// report text, so that the report cannot drive the terminal.
fn shown(c: char) -> String {
    match c {
        '\t' => "  ".to_string(),
        '\r' => String::new(),
        c => crate::text::visible(c.encode_utf8(&mut [0; 4])).into_owned(),
    }
}

/// Byte ranges (relative to `line`) of the rows `line` wraps into at `w` display columns.
pub fn wrap_rows(line: &str, w: usize) -> Vec<Range<usize>> {
    let w = w.max(2);
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, c) in line.char_indices() {
        let cw = char_w(c);
        if used + cw > w {
            rows.push(start..i);
            start = i;
            used = 0;
        }
        used += cw;
    }
    rows.push(start..line.len());
    rows
}

/// The part of `piece` from display column `from` (relative to the piece) that fits in `w`
/// columns; a wide character cut in half becomes a space so that columns stay aligned.
fn window(piece: &str, from: usize, w: usize) -> String {
    let mut out = String::new();
    let (mut col, mut used) = (0, 0);
    for c in piece.chars() {
        let cw = char_w(c);
        let shown = shown(c);
        if col + cw <= from {
            col += cw;
            continue;
        }
        if col < from {
            // Cut in half on the left.
            col += cw;
            out.push(' ');
            used += 1;
            continue;
        }
        if used + cw > w {
            break;
        }
        out.push_str(&shown);
        used += cw;
        col += cw;
    }
    out
}

pub fn draw(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let focused = s.focus == Pane::Raw;
    let Some((_, report)) = placeholder_or(f, s, Pane::Raw, r, cfg, |a| a.report.as_ref()) else {
        return;
    };
    let mode = if s.raw_wrap {
        "wrapped".to_string()
    } else if s.raw_hscroll > 0 {
        format!("from column {}", s.raw_hscroll + 1)
    } else {
        String::new()
    };
    let from = match (&report.origin, &report.document) {
        (Some(_), _) => ", from HTML; lines of the page".to_string(),
        (None, Some(d)) if !d.pages.is_empty() => {
            format!(
                ", text and table rows read from its {} pages",
                d.pages.len()
            )
        }
        (None, Some(_)) => ", text and table rows read from the document".to_string(),
        (None, None) => String::new(),
    };
    let title = format!(
        "{} | {} ({}{}){}",
        Pane::Raw.title(),
        s.entries[s.open].name,
        report.encoding,
        from,
        if mode.is_empty() {
            String::new()
        } else {
            format!(" | {mode}")
        }
    );
    let inner = titled(f, r, &title, focused, cfg);
    let v = &s.view;
    let selected = s.selected_span();
    let search = s.search.as_ref();
    let gutter = gutter_w(s);
    let digits = gutter - 3;
    let avail = (inner.width as usize).saturating_sub(gutter);
    let mut marks: Vec<(Range<usize>, Style)> = Vec::new();
    for (fs, sev) in &v.spans {
        let st = if *sev == Severity::Error {
            cfg.theme.error_cell()
        } else {
            cfg.theme.warning_cell()
        };
        marks.push((fs.clone(), st));
    }
    if let Some(q) = search {
        for (k, m) in q.matches.iter().enumerate() {
            let st = Style::new()
                .bg(cfg.theme.warning)
                .fg(ratatui::style::Color::Black);
            marks.push((
                m.clone(),
                if k == q.current {
                    st.add_modifier(Modifier::BOLD)
                } else {
                    st
                },
            ));
        }
    }
    if let Some(sel) = &selected {
        marks.push((
            sel.clone(),
            cfg.theme.selected().add_modifier(Modifier::BOLD),
        ));
    }
    let mut lines = Vec::new();
    let mut i = s.raw_scroll;
    let mut sub = if s.raw_wrap { s.raw_sub } else { 0 };
    while lines.len() < inner.height as usize && i < report.line_count() {
        let span = report.line_span(i);
        let rows: Vec<Range<usize>> = if s.raw_wrap {
            wrap_rows(&report.text[span.clone()], avail)
                .into_iter()
                .map(|r| span.start + r.start..span.start + r.end)
                .collect()
        } else {
            vec![span.clone()]
        };
        for (k, row) in rows.iter().enumerate().skip(sub) {
            if lines.len() >= inner.height as usize {
                break;
            }
            let mut spans = Vec::new();
            if k == 0 {
                let n = report.source_line_col(span.start).0;
                spans.push(Span::styled(format!("{n:>digits$} "), cfg.theme.dim()));
                spans.push(if v.err_lines.contains(&i) {
                    Span::styled(
                        "E ",
                        Style::new()
                            .fg(cfg.theme.error)
                            .add_modifier(Modifier::BOLD),
                    )
                } else if v.warn_lines.contains(&i) {
                    Span::styled("w ", Style::new().fg(cfg.theme.warning))
                } else {
                    Span::raw("  ")
                });
            } else {
                spans.push(Span::raw(" ".repeat(gutter)));
            }
            // Cut the row where any highlight starts or ends.
            let mut cuts = vec![row.start, row.end];
            for (m, _) in &marks {
                for b in [m.start, m.end] {
                    if b > row.start && b < row.end {
                        cuts.push(b);
                    }
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
            let hoff = if s.raw_wrap { 0 } else { s.raw_hscroll };
            let (mut col, mut used) = (0, 0);
            for w in cuts.windows(2) {
                let piece = &report.text[w[0]..w[1]];
                let pw = display_width(piece);
                let mut style = Style::new();
                for (m, st) in &marks {
                    if m.start <= w[0] && w[1] <= m.end {
                        style = style.patch(*st);
                    }
                }
                if col + pw > hoff && used < avail {
                    let from = hoff.saturating_sub(col);
                    let shown = window(piece, from, avail - used);
                    used += display_width(&shown);
                    if !shown.is_empty() {
                        spans.push(Span::styled(shown, style));
                    }
                }
                col += pw;
            }
            lines.push(Line::from(spans));
        }
        sub = 0;
        i += 1;
    }
    f.render_widget(Paragraph::new(lines), inner);
}
