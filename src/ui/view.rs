//! Drawing: reads the state, never changes it. Layout is a pure function of the state and the
//! screen size, shared with the mouse handler so clicks land where things are drawn.

use std::collections::BTreeSet;
use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::annotations::Status;
use crate::audit::Audit;
use crate::checker::Severity;
use crate::template::TableKey;
use crate::text::Value;

use super::action::Action;
use super::config::Config;
use super::state::{EditTarget, GridLine, Pane, State};

/// Display width of the table pane's label column and of each cell.
pub const LABEL_W: usize = 16;
pub const CELL_W: usize = 7;
/// Terminal width from which all three panes are shown side by side.
pub const WIDE: u16 = 140;

/// Where each part of the screen is.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Areas {
    pub files: Option<Rect>,
    pub raw: Option<Rect>,
    pub table: Option<Rect>,
    pub tabs: Option<Rect>,
    pub status: Rect,
}

pub fn areas(s: &State) -> Areas {
    layout(s.size, s.zoom, s.focus, s.max_columns())
}

/// The layout for a screen of `size`: three panes side by side from [`WIDE`] columns unless
/// zoomed, else the `focus` pane under a tab bar. `columns` is the widest table row, in cells.
pub fn layout(size: (u16, u16), zoom: bool, focus: Pane, columns: usize) -> Areas {
    let area = Rect::new(0, 0, size.0, size.1);
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let mut a = Areas {
        status,
        ..Areas::default()
    };
    if area.width >= WIDE && !zoom {
        let table_w = 2 + (LABEL_W + columns.max(7) * CELL_W) as u16 + 1;
        let [f, r, t] = Layout::horizontal([
            Constraint::Length(32),
            Constraint::Min(30),
            Constraint::Length(table_w),
        ])
        .areas(main);
        a.files = Some(f);
        a.raw = Some(r);
        a.table = Some(t);
    } else {
        let [tabs, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(main);
        a.tabs = Some(tabs);
        match focus {
            Pane::Files => a.files = Some(body),
            Pane::Raw => a.raw = Some(body),
            Pane::Table => a.table = Some(body),
        }
    }
    a
}

/// Draws a pane's bordered, titled block and returns the area inside it.
pub fn titled(f: &mut Frame, r: Rect, title: &str, focused: bool, cfg: &Config) -> Rect {
    let b = block(
        fit_width(title, r.width.saturating_sub(2) as usize),
        focused,
        cfg,
    );
    let inner = b.inner(r);
    f.render_widget(b, r);
    inner
}

fn inner(r: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(r)
}

pub fn pane_at(s: &State, x: u16, y: u16) -> Option<Pane> {
    let a = areas(s);
    let hit = |r: Option<Rect>| r.is_some_and(|r| r.contains((x, y).into()));
    if hit(a.files) {
        Some(Pane::Files)
    } else if hit(a.raw) {
        Some(Pane::Raw)
    } else if hit(a.table) {
        Some(Pane::Table)
    } else {
        None
    }
}

/// First visible index of a list of `len` items with the cursor at `cursor` in `h` rows.
fn scroll_for(cursor: usize, h: usize) -> usize {
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

/// Rows of the table pane given to the grid (the rest lists findings).
pub fn grid_height_pub(s: &State, inner_h: u16) -> usize {
    let lines = s.grid().len();
    let min_findings = 5.min(inner_h as usize / 3);
    lines
        .min((inner_h as usize).saturating_sub(min_findings + 1))
        .max(1)
}

/// The finding listed at screen row `y` of the table pane, if any.
pub fn finding_at(s: &State, y: u16) -> Option<usize> {
    let r = inner(areas(s).table?);
    let gh = grid_height_pub(s, r.height) as u16;
    let first_row = r.y + gh + 1; // the line after the "Findings:" heading
    if y < first_row || y >= r.y + r.height {
        return None;
    }
    let h = (r.height - gh).saturating_sub(1) as usize;
    let first = s.finding.unwrap_or(0).saturating_sub(h.saturating_sub(1));
    let i = first + (y - first_row) as usize;
    (i < s.findings().len()).then_some(i)
}

pub fn grid_cell_at(s: &State, x: u16, y: u16) -> Option<(usize, usize)> {
    let r = inner(areas(s).table?);
    let h = grid_height_pub(s, r.height);
    if y < r.y || (y - r.y) as usize >= h {
        return None;
    }
    let line = scroll_for(s.grid_cursor.0, h) + (y - r.y) as usize;
    let GridLine::Row { columns, .. } = s.grid().get(line)?.clone() else {
        return None;
    };
    let dx = (x.checked_sub(r.x)? as usize).checked_sub(LABEL_W)?;
    Some((line, (dx / CELL_W).min(columns.len().saturating_sub(1))))
}

/// Cuts `s` to at most `w` display columns (CJK counts two), adding "~" when cut (not "…",
/// whose width terminals disagree on).
pub fn fit_width(s: &str, w: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('~');
    out
}

/// Pads (or cuts) `s` to exactly `w` display columns; `right` aligns right.
pub fn pad(s: &str, w: usize, right: bool) -> String {
    let s = fit_width(s, w);
    let gap = " ".repeat(w.saturating_sub(s.width()));
    if right {
        format!("{gap}{s}")
    } else {
        format!("{s}{gap}")
    }
}

pub fn draw(f: &mut Frame, s: &State, cfg: &Config) {
    let a = areas(s);
    if let Some(t) = a.tabs {
        draw_tabs(f, s, t, cfg);
    }
    if let Some(r) = a.files {
        super::browser::draw(f, s, r, cfg);
    }
    if let Some(r) = a.raw {
        draw_raw(f, s, r, cfg);
    }
    if let Some(r) = a.table {
        super::table::draw(f, s, r, cfg);
    }
    draw_status(f, s, a.status, cfg);
    if let Some((target, ta)) = &s.editor {
        draw_editor(f, s, target, ta, cfg);
    }
    if let Some(c) = &s.corpus {
        super::corpus::draw(f, s, c, cfg);
    }
    if s.help {
        draw_help(f, s, cfg);
    }
}

fn draw_tabs(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let mut spans = Vec::new();
    for p in Pane::ALL {
        let style = if p == s.focus {
            cfg.theme.selected()
        } else {
            cfg.theme.dim()
        };
        spans.push(Span::styled(format!(" {} ", p.title()), style));
        spans.push(Span::raw(" "));
    }
    let keys = cfg.keymap.keys_for(Action::NextPane).join("/");
    spans.push(Span::styled(
        format!("{keys}: switch pane"),
        cfg.theme.dim(),
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

pub fn block<'a>(title: String, focused: bool, cfg: &Config) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(cfg.theme.border(focused))
        .title(title)
}

/// Lines with error cells, lines with warning cells, and every finding cell's span.
type Marks = (
    BTreeSet<usize>,
    BTreeSet<usize>,
    Vec<(Range<usize>, Severity)>,
);

/// Text as the raw pane shows it: a tab as two spaces.
fn display(s: &str) -> String {
    s.replace('\t', "  ")
}

/// Drops the first `n` display columns of `s`; returns the rest and the columns still to skip.
/// A wide character cut in half becomes a space, so columns stay aligned.
fn skip_columns(s: &str, n: usize) -> (String, usize) {
    let mut skipped = 0;
    for (i, c) in s.char_indices() {
        if skipped >= n {
            return (s[i..].to_string(), 0);
        }
        let w = c.width().unwrap_or(0);
        if skipped + w > n {
            return (format!(" {}", &s[i + c.len_utf8()..]), 0);
        }
        skipped += w;
    }
    (String::new(), n - skipped)
}

/// The open report's audit and the report `pick` chooses, or `None` after drawing what the
/// pane shows instead: "loading", "no reports", or why the report could not be read.
pub fn placeholder_or<'a>(
    f: &mut Frame,
    s: &'a State,
    pane: Pane,
    r: Rect,
    cfg: &Config,
    pick: impl Fn(&'a Audit) -> Option<&'a crate::report::Report>,
) -> Option<(&'a Audit, &'a crate::report::Report)> {
    let msg = match s.audit() {
        None if s.entries.is_empty() => "no reports".to_string(),
        None => "loading...".to_string(),
        Some(a) => match pick(a) {
            Some(report) => return Some((a, report)),
            None => a.error.clone().unwrap_or_default(),
        },
    };
    let b = block(pane.title().into(), s.focus == pane, cfg);
    f.render_widget(
        Paragraph::new(fit_width(&msg, r.width.saturating_sub(2) as usize)).block(b),
        r,
    );
    None
}

/// Source lines (0-based) holding a cell of an error (or warning) finding.
fn marked_lines(a: &Audit) -> Marks {
    let (mut err, mut warn, mut spans) = (BTreeSet::new(), BTreeSet::new(), Vec::new());
    let Some(report) = a.report.as_ref() else {
        return (err, warn, spans);
    };
    // Blank-cell warnings name most empty cells of a sparse table: marking their lines would
    // drown the mismatches.
    // An unchecked relation's read cells are not in question: only its unread ones, which
    // have no place in the text.
    for f in a
        .findings
        .iter()
        .filter(|f| f.rule != "blank_cells" && f.severity != Severity::Unchecked)
    {
        for (row, col) in &f.cells {
            if let Some(c) = report.table(f.table).and_then(|t| t.cell(row, col)) {
                if c.span.end <= c.span.start {
                    continue;
                }
                let line = report.line_col(c.span.start).0 - 1;
                match f.severity {
                    Severity::Error => err.insert(line),
                    Severity::Warning | Severity::Unchecked => warn.insert(line),
                };
                spans.push((c.span.clone(), f.severity));
            }
        }
    }
    (err, warn, spans)
}

fn draw_raw(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let focused = s.focus == Pane::Raw;
    let Some((a, report)) = placeholder_or(f, s, Pane::Raw, r, cfg, |a| a.report.as_ref()) else {
        return;
    };
    let title = format!(
        "{} | {} ({}{})",
        Pane::Raw.title(),
        s.entries[s.open].name,
        report.encoding,
        if report.origin.is_some() {
            ", from HTML"
        } else {
            ""
        }
    );
    let inner = titled(f, r, &title, focused, cfg);
    let (err_lines, warn_lines, finding_spans) = marked_lines(a);
    let selected = s.selected_span();
    let search = s.search.as_ref();
    let digits = report.line_count().to_string().len();
    // Scroll sideways so the selected cell is in view: table rows in pipe and tab layouts are
    // often wider than the pane.
    let avail = (inner.width as usize).saturating_sub(digits + 3);
    let hoff = selected.as_ref().map_or(0, |sel| {
        let line = report.line_span(report.line_col(sel.start).0 - 1);
        let before =
            display(&report.text[line.start..sel.start.min(line.end).max(line.start)]).width();
        let end =
            before + display(&report.text[sel.start..sel.end.min(line.end).max(sel.start)]).width();
        if end + 2 > avail {
            (end + 2 - avail).min(before)
        } else {
            0
        }
    });
    let mut lines = Vec::new();
    for i in s.raw_scroll..(s.raw_scroll + inner.height as usize).min(report.line_count()) {
        let span = report.line_span(i);
        let mut spans = vec![Span::styled(
            format!("{:>digits$} ", i + 1),
            cfg.theme.dim(),
        )];
        spans.push(if err_lines.contains(&i) {
            Span::styled(
                "E ",
                Style::new()
                    .fg(cfg.theme.error)
                    .add_modifier(Modifier::BOLD),
            )
        } else if warn_lines.contains(&i) {
            Span::styled("w ", Style::new().fg(cfg.theme.warning))
        } else {
            Span::raw("  ")
        });
        // Cut the line where any highlight starts or ends.
        let mut cuts = vec![span.start, span.end];
        let mut marks: Vec<(Range<usize>, Style)> = Vec::new();
        for (fs, sev) in &finding_spans {
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
        for (m, _) in &marks {
            for b in [m.start, m.end] {
                if b > span.start && b < span.end {
                    cuts.push(b);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut skip = hoff;
        for w in cuts.windows(2) {
            let mut piece = display(&report.text[w[0]..w[1]]);
            let mut style = Style::new();
            for (m, st) in &marks {
                if m.start <= w[0] && w[1] <= m.end {
                    style = style.patch(*st);
                }
            }
            if skip > 0 {
                let (rest, left) = skip_columns(&piece, skip);
                piece = rest;
                skip = left;
            }
            if !piece.is_empty() {
                spans.push(Span::styled(piece, style));
            }
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_status(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let loaded = s.loaded();
    let total = s.entries.len();
    let right = if loaded < total {
        format!(" loading {loaded}/{total} ")
    } else {
        format!(" {total} reports | filter: {} | ?: help ", s.filter.label())
    };
    let mut left = s.notice.clone().unwrap_or_else(|| s.status.clone());
    if left.is_empty() {
        left = cell_status(s).unwrap_or_default();
    }
    let w = (r.width as usize).saturating_sub(right.width());
    let line = Line::from(vec![
        Span::raw(pad(&left, w, false)),
        Span::styled(right, cfg.theme.dim()),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

/// The status line for the selected cell: where it is, its value, the parsed original.
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
        let (l, col) = report.line_col(c.span.start);
        out.push_str(&format!("  [line {l}:{col}]"));
    }
    Some(out)
}

pub fn display_value(v: &Value) -> String {
    match v {
        Value::Blank => "(blank)".into(),
        other => other.display(),
    }
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_editor(
    f: &mut Frame,
    s: &State,
    target: &EditTarget,
    ta: &ratatui_textarea::TextArea<'static>,
    cfg: &Config,
) {
    let screen = Rect::new(0, 0, s.size.0, s.size.1);
    let what = match target {
        EditTarget::Cell(c) => format!("Correct {}/{}", c.row, c.column),
        EditTarget::CellNote(c) => format!("Note on {}/{}", c.row, c.column),
        EditTarget::ReportNote => "Note on the report".into(),
        EditTarget::Search => "Search raw text".into(),
    };
    let r = centered(screen, 64, 3);
    let title = fit_width(
        &format!(" {what} | Enter: commit, Esc: cancel "),
        r.width.saturating_sub(2) as usize,
    );
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(cfg.theme.border(true))
        .title(title);
    let inner = b.inner(r);
    f.render_widget(Clear, r);
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

fn draw_help(f: &mut Frame, s: &State, cfg: &Config) {
    let screen = Rect::new(0, 0, s.size.0, s.size.1);
    let r = centered(screen, 70, Action::ALL.len() as u16 + 4);
    let mut lines = vec![Line::styled(
        "Keys (from the live keymap; change them in config.toml [keys])",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    for a in Action::ALL {
        let keys = cfg.keymap.keys_for(a).join(" ");
        lines.push(Line::from(vec![
            Span::styled(pad(&keys, 14, false), Style::new().fg(cfg.theme.accent)),
            Span::raw(pad(a.describe(), 40, false)),
            Span::styled(a.name(), cfg.theme.dim()),
        ]));
    }
    lines.push(Line::styled(
        "Mouse: click selects, wheel scrolls.",
        cfg.theme.dim(),
    ));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(block(" Help ".into(), true, cfg)),
        r,
    );
}

/// Glyph for a report's review status.
pub fn status_mark(st: Status) -> &'static str {
    match st {
        Status::Todo => " ",
        Status::Reviewed => "R",
        Status::Flagged => "F",
    }
}
