//! Where everything is on the screen: the panes for a screen size, the geometry inside them
//! (the grid's rows and cell widths, the raw pane's text width), and hit-testing for the
//! mouse. A pure function of the state, shared by drawing and by `update`, so that scrolling
//! and clicks agree with what is drawn.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders};

use super::report_view::GridLine;
use super::state::{Pane, State};

/// Terminal width from which the panes are shown side by side.
pub const WIDE: u16 = 140;
/// The narrowest the table pane's label column gets, and the widest.
pub const LABEL_MIN: usize = 16;
pub const LABEL_MAX: usize = 40;

/// Where each part of the screen is.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Areas {
    pub files: Option<Rect>,
    pub raw: Option<Rect>,
    pub table: Option<Rect>,
    pub findings: Option<Rect>,
    pub tabs: Option<Rect>,
    pub status: Rect,
}

/// Display width of each cell of a row of `n` cells: the seven columns of tables 三 and 四
/// get 7 (six digits and a space between cells), table 二's three get 12 (its amounts are
/// long: 56742.1644).
pub fn cell_w(n: usize) -> usize {
    if n <= 3 { 12 } else { 7 }
}

/// Width of the label column in a table pane `inner_w` wide, for rows of `n` cells.
pub fn label_w(inner_w: usize, n: usize) -> usize {
    inner_w
        .saturating_sub(n.max(1) * cell_w(n.max(1)))
        .clamp(LABEL_MIN, LABEL_MAX)
}

/// The label column of the grid in a table pane `inner_w` wide (one for all its tables, so
/// that they line up).
pub fn grid_label_w(s: &State, inner_w: usize) -> usize {
    label_w(inner_w, s.view.max_columns.max(7))
}

/// Height of the findings pane beside the table at full width: what its lines need, at most
/// a third of the screen, three rows (one line) when there is nothing to list.
fn findings_height(s: &State, main_h: u16) -> u16 {
    if s.detail {
        // A finding's detail lists every operand: room for it while it is open.
        return (main_h * 3 / 5).max(3);
    }
    let rows = s.finding_rows().len() as u16 + 1;
    (rows + 2).clamp(3, (main_h / 3).max(3))
}

pub fn areas(s: &State) -> Areas {
    layout_for(s, s.focus)
}

/// The layout with `focus` as the shown pane (for a pane hidden behind another: the size it
/// will have when shown).
pub fn layout_for(s: &State, focus: Pane) -> Areas {
    let area = Rect::new(0, 0, s.size.0, s.size.1);
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let mut a = Areas {
        status,
        ..Areas::default()
    };
    if area.width >= WIDE && !s.zoom {
        let columns = s.view.max_columns.max(7);
        let table_w = 2 + (LABEL_MIN + columns * cell_w(columns)) as u16;
        let [f, r, right] = Layout::horizontal([
            Constraint::Length(32),
            Constraint::Min(30),
            Constraint::Length(table_w),
        ])
        .areas(main);
        let fh = findings_height(s, main.height);
        let [t, fi] = Layout::vertical([Constraint::Min(3), Constraint::Length(fh)]).areas(right);
        a.files = Some(f);
        a.raw = Some(r);
        a.table = Some(t);
        a.findings = Some(fi);
    } else {
        let [tabs, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(main);
        a.tabs = Some(tabs);
        match focus {
            Pane::Files => a.files = Some(body),
            Pane::Raw => a.raw = Some(body),
            Pane::Table => a.table = Some(body),
            Pane::Findings => a.findings = Some(body),
        }
    }
    a
}

pub fn inner(r: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(r)
}

/// The inside of `pane` as it is (or will be when shown).
pub fn pane_inner(s: &State, pane: Pane) -> Rect {
    let a = layout_for(s, pane);
    let r = match pane {
        Pane::Files => a.files,
        Pane::Raw => a.raw,
        Pane::Table => a.table,
        Pane::Findings => a.findings,
    };
    r.map_or(Rect::new(0, 0, 1, 1), inner)
}

/// Text rows of the raw pane.
pub fn raw_height(s: &State) -> usize {
    (pane_inner(s, Pane::Raw).height as usize).max(1)
}

/// Width of the raw pane's gutter: line number, a space, the mark and a space.
pub fn gutter_w(s: &State) -> usize {
    let lines = s.audit().and_then(|a| a.report.as_ref()).map_or(1, |r| {
        let n = r.line_count();
        if n == 0 {
            1
        } else {
            r.source_line_col(r.line_span(n - 1).start).0
        }
    });
    lines.to_string().len() + 3
}

/// Display columns of text the raw pane shows per line.
pub fn raw_text_w(s: &State) -> usize {
    (pane_inner(s, Pane::Raw).width as usize)
        .saturating_sub(gutter_w(s))
        .max(1)
}

/// Rows of the table pane given to the grid.
pub fn grid_height(s: &State) -> usize {
    (pane_inner(s, Pane::Table).height as usize).max(1)
}

/// Rows of the findings list (or of a finding's detail).
pub fn findings_height_inner(s: &State) -> usize {
    (pane_inner(s, Pane::Findings).height as usize).max(1)
}

/// The grid lines the table pane shows, top to bottom: from the scroll position, with the
/// column headers of the section at the top kept in view (drawn over its first line) when
/// they have scrolled away.
pub fn visible_grid(s: &State) -> Vec<usize> {
    let grid = &s.view.grid;
    let h = grid_height(s);
    let first = s.table_scroll.min(grid.len().saturating_sub(1));
    let mut out: Vec<usize> = (first..grid.len()).take(h).collect();
    if let Some(&top) = out.first()
        && matches!(grid[top], GridLine::Row { .. })
        && let Some(head) = (0..top)
            .rev()
            .find(|&i| !matches!(grid[i], GridLine::Row { .. }))
        && matches!(grid[head], GridLine::Columns { .. })
    {
        out[0] = head;
    }
    out
}

pub fn pane_at(s: &State, x: u16, y: u16) -> Option<Pane> {
    let a = areas(s);
    let hit = |r: Option<Rect>| r.is_some_and(|r| r.contains((x, y).into()));
    [
        (a.files, Pane::Files),
        (a.raw, Pane::Raw),
        (a.table, Pane::Table),
        (a.findings, Pane::Findings),
    ]
    .into_iter()
    .find(|(r, _)| hit(*r))
    .map(|(_, p)| p)
}

/// First visible index of a list with the cursor at `cursor` in `h` rows.
pub fn scroll_for(cursor: usize, h: usize) -> usize {
    cursor.saturating_sub(h.saturating_sub(1))
}

pub fn file_row_at(s: &State, y: u16) -> Option<usize> {
    let r = inner(areas(s).files?);
    if y < r.y || y >= r.y + r.height {
        return None;
    }
    let row = scroll_for(s.list_cursor, r.height as usize) + (y - r.y) as usize;
    (row < s.visible().len()).then_some(row)
}

/// The findings list row at screen row `y`, if any.
pub fn finding_row_at(s: &State, y: u16) -> Option<usize> {
    let r = inner(areas(s).findings?);
    if s.detail || y <= r.y || y >= r.y + r.height {
        return None;
    }
    // The first line is the counts.
    let h = (r.height as usize).saturating_sub(1);
    let i = scroll_for(s.findings_cursor, h) + (y - r.y - 1) as usize;
    (i < s.finding_rows().len()).then_some(i)
}

pub fn grid_cell_at(s: &State, x: u16, y: u16) -> Option<(usize, usize)> {
    let r = inner(areas(s).table?);
    if y < r.y || y >= r.y + r.height {
        return None;
    }
    let line = *visible_grid(s).get((y - r.y) as usize)?;
    let GridLine::Row { columns, .. } = s.view.grid.get(line)? else {
        return None;
    };
    let n = columns.len();
    let dx = (x.checked_sub(r.x)? as usize).checked_sub(grid_label_w(s, r.width as usize))?;
    Some((line, (dx / cell_w(n)).min(n.saturating_sub(1))))
}
