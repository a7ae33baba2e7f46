//! The status line: the open report's counts first (never cut), then the last message or
//! the selected cell (its full labels, value, source line, note), then hints if room is left.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::template::TableKey;

use super::config::Config;
use super::state::State;
use super::view::{display_value, pad};

/// "4 errors, 24 warnings" for the open report, in plain words.
pub fn counts(s: &State) -> String {
    let Some(a) = s.audit() else {
        return String::new();
    };
    let mut parts = vec![format!(
        "{} error{}",
        a.errors(),
        if a.errors() == 1 { "" } else { "s" }
    )];
    if a.unchecked() > 0 {
        parts.push(format!("{} unchecked", a.unchecked()));
    }
    parts.push(format!(
        "{} warning{}",
        a.warnings(),
        if a.warnings() == 1 { "" } else { "s" }
    ));
    if a.dismissed() > 0 {
        parts.push(format!("{} dismissed", a.dismissed()));
    }
    parts.join(", ")
}

pub fn draw(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let loaded = s.loaded();
    let total = s.entries.len();
    let right = if loaded < total {
        format!(" loading {loaded}/{total} ")
    } else {
        format!(" {total} reports | filter: {} | ?: help ", s.filter.label())
    };
    let counts = counts(s);
    let mut left = s.notice.clone().unwrap_or_else(|| s.status.clone());
    if left.is_empty() {
        left = cell_status(s).unwrap_or_default();
        if let Some(note) = s
            .audit()
            .and_then(|a| a.annotations.as_ref())
            .map(|l| l.annotations.note.as_str())
            .filter(|n| !n.is_empty())
        {
            left.push_str(&format!("  | report note: {note}"));
        }
    }
    let w = r.width as usize;
    let counts_w = counts.width() + 3;
    let style = if s.audit().is_some_and(|a| a.errors() > 0) {
        Style::new()
            .fg(cfg.theme.error)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let mut spans = vec![Span::styled(format!("{counts} | "), style)];
    let rest = w.saturating_sub(counts_w);
    if left.width() + right.width() <= rest {
        spans.push(Span::raw(pad(&left, rest - right.width(), false)));
        spans.push(Span::styled(right, cfg.theme.dim()));
    } else {
        spans.push(Span::raw(pad(&left, rest, false)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

/// The status line for the selected cell: its full labels, its value, the parsed original,
/// the note, and where it stands in the file.
pub fn cell_status(s: &State) -> Option<String> {
    let cell = s.selected_cell()?;
    let a = s.audit()?;
    let report = a.checked()?;
    let tkey = TableKey::parse(&cell.table)?;
    let template = s.templates.for_id(report.template.as_deref())?;
    let spec = template.table(tkey);
    let row_name = spec
        .row(&cell.row)
        .map_or(cell.row.clone(), |r| r.labels[0].clone());
    let col_name = spec
        .column(&cell.column)
        .map_or(cell.column.clone(), |c| c.labels[0].clone());
    let value = report
        .cell(&cell)
        .map_or("(absent)".to_string(), |c| display_value(&c.value));
    let mut out = format!("{row_name} / {col_name} = {value}");
    if let Some(orig) = a.originals.get(&cell) {
        let o = orig.as_ref().map_or("(absent)".to_string(), |c| {
            if c.raw.is_empty() {
                "(blank)".into()
            } else {
                c.raw.clone()
            }
        });
        out.push_str(&format!("  (corrected; parsed: {o})"));
    }
    if let Some(st) = a.stale.iter().find(|st| st.cell == cell) {
        out.push_str(&format!("  (stale: {})", st.message()));
    }
    if let Some(e) = a
        .annotations
        .as_ref()
        .and_then(|l| l.annotations.entry(&cell))
        .filter(|e| !e.note.is_empty())
    {
        out.push_str(&format!("  note: {}", e.note));
    }
    if let Some(c) = report.cell(&cell)
        && c.span.end > c.span.start
    {
        let (l, col) = report.source_line_col(c.span.start);
        match report.page_of(c.span.start) {
            Some(p) => out.push_str(&format!("  [page {p}, line {l}:{col}]")),
            None => out.push_str(&format!("  [line {l}:{col}]")),
        }
    }
    Some(out)
}
