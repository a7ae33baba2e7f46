//! The one-line text area over the panes: a correction, a note, a search, a line to go to,
//! a verdict's reason. Its title names the cell by its labels, never by keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};
use unicode_width::UnicodeWidthChar;

use crate::annotations::{VerdictKind, cell_label};
use crate::audit::Audit;

use super::config::Config;
use super::state::{EditTarget, State};
use super::view::{centered, clear_popup, fit_width};

/// What the editor's title says it is editing.
pub fn title(s: &State, target: &EditTarget) -> String {
    let template = s
        .audit()
        .and_then(Audit::checked)
        .and_then(|r| s.templates.for_id(r.template.as_deref()));
    match target {
        EditTarget::Cell(c) => format!(
            "Correct {} (a number; empty: blank)",
            cell_label(template, c)
        ),
        EditTarget::CellNote(c) => format!("Note on {}", cell_label(template, c)),
        EditTarget::ReportNote => "Note on the report".into(),
        EditTarget::Search => "Search raw text".into(),
        EditTarget::GotoLine => "Go to line".into(),
        EditTarget::Verdict(i, kind) => format!(
            "{}, reason (optional): {}",
            match kind {
                VerdictKind::Confirmed => "Confirm",
                VerdictKind::Dismissed => "Dismiss",
            },
            super::findings::summary(s, *i)
        ),
    }
}

pub fn draw(
    f: &mut Frame,
    s: &State,
    target: &EditTarget,
    ta: &ratatui_textarea::TextArea<'static>,
    cfg: &Config,
) {
    let screen = Rect::new(0, 0, s.size.0, s.size.1);
    let r = centered(screen, 76, 3);
    let title = fit_width(
        &format!(" {} | Enter: commit, Esc: cancel ", title(s, target)),
        r.width.saturating_sub(2) as usize,
    );
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(cfg.theme.border(true))
        .title(title);
    let inner = b.inner(r);
    clear_popup(f, r);
    f.render_widget(b, r);
    f.render_widget(ta, inner);
    // Input methods place their candidate window at the hardware cursor.
    let ratatui_textarea::DataCursor(row, col) = ta.cursor();
    let x = ta.lines().get(row).map_or(0, |l| {
        l.chars()
            .take(col)
            .map(|c| c.width().unwrap_or(0))
            .sum::<usize>()
    });
    f.set_cursor_position((
        inner.x + (x as u16).min(inner.width.saturating_sub(1)),
        inner.y,
    ));
}
