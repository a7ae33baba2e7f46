//! Workbench state: the reports, what is open and selected, the editor, the undo history; and
//! the messages and effects of `update` (in `update.rs`, the only writer of this state). It
//! does no I/O: saving annotations is returned as an [`Effect`] and its result comes back as a
//! message.

use std::ops::Range;
use std::path::PathBuf;

use ratatui_textarea::TextArea;

use crate::annotations::{Annotations, Loaded, Op, Status};
use crate::audit::Audit;
use crate::checker::{Finding, Severity};
use crate::report::{CellRef, Report};
use crate::template::{Key, TableKey, Templates};

use super::action::Action;

/// The three panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Files,
    Raw,
    Table,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::Files, Pane::Raw, Pane::Table];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Files => "Files 报告",
            Pane::Raw => "Raw text 原文",
            Pane::Table => "Tables 表格",
        }
    }
}

/// Which reports the file list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Errors,
    Unreviewed,
}

impl Filter {
    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Errors => "with errors",
            Filter::Unreviewed => "unreviewed",
        }
    }
}

/// What the text area is editing.
#[derive(Debug, Clone, PartialEq)]
pub enum EditTarget {
    Cell(CellRef),
    CellNote(CellRef),
    ReportNote,
    Search,
}

/// One report in the file list.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub name: String,
    /// `None` while the background loader has not reached it.
    pub audit: Option<Audit>,
}

impl Entry {
    pub fn status(&self) -> Status {
        self.audit
            .as_ref()
            .and_then(|a| a.annotations.as_ref())
            .map_or(Status::Todo, |l| l.annotations.status)
    }
}

/// A line of the table pane's grid.
#[derive(Debug, Clone, PartialEq)]
pub enum GridLine {
    Heading(TableKey),
    /// Column headers of a table.
    Columns(TableKey),
    Row {
        table: TableKey,
        row: Key,
        columns: Vec<Key>,
    },
}

/// An active text search in the raw pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    pub matches: Vec<Range<usize>>,
    pub current: usize,
}

/// Side effects `update` asks for; the runtime carries them out between frames.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Quit,
    /// Apply `op` to the annotations of entry `entry` and save them (merging with disk).
    Save {
        entry: usize,
        op: Op,
        history: History,
    },
}

/// How a save changes the undo history once it has succeeded. Nothing moves before that:
/// a change that was not written must not be undoable, and a failed undo must stay undoable.
#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// A new change: its previous state goes on the undo stack; redo is cleared.
    Change,
    /// An undo of `.0`, popped from the undo stack (put back if the save fails).
    Undo(Box<Annotations>),
    /// A redo of `.0`, popped from the redo stack.
    Redo(Box<Annotations>),
}

/// What a successful save wrote.
#[derive(Debug)]
pub struct Written {
    pub loaded: Loaded,
    /// For the status line, when the save also moved the annotations out of an old-style file.
    pub moved: Option<String>,
}

/// Messages that are not key actions.
#[derive(Debug)]
pub enum Msg {
    Action(Action),
    /// A report finished loading in the background.
    Loaded(usize, Box<Audit>),
    /// A save finished: the new annotations, or why nothing was written; `before` is the
    /// state the save replaced.
    Saved {
        entry: usize,
        result: Result<Box<Written>, String>,
        history: History,
        before: Box<Annotations>,
    },
    /// A key for the open text area.
    EditorKey(crossterm::event::KeyEvent),
    /// Mouse click at a position (column, row) of the screen.
    Click(u16, u16),
    /// Mouse wheel over a position: +1 down, -1 up.
    Scroll(u16, u16, i8),
    Resize(u16, u16),
}

pub struct State {
    pub entries: Vec<Entry>,
    /// Index into `entries` of the report shown in the raw and table panes.
    pub open: usize,
    /// Cursor in the file list, as an index into `visible()`.
    pub list_cursor: usize,
    pub list_scroll: usize,
    pub focus: Pane,
    pub zoom: bool,
    pub filter: Filter,
    /// Cursor in the table grid: grid line index and column index.
    pub grid_cursor: (usize, usize),
    pub table_scroll: usize,
    pub raw_scroll: usize,
    /// Selected finding of the open report.
    pub finding: Option<usize>,
    pub search: Option<Search>,
    pub editor: Option<(EditTarget, TextArea<'static>)>,
    pub help: bool,
    pub status: String,
    /// A message for the reviewer that stays on the status line until the first key, over
    /// whatever the loader reports meanwhile (folders that could not be listed).
    pub notice: Option<String>,
    pub undo: Vec<(usize, Annotations)>,
    pub redo: Vec<(usize, Annotations)>,
    pub size: (u16, u16),
    pub templates: Templates,
    /// The corpus view, while it is shown (built when it opens).
    pub corpus: Option<super::corpus::Corpus>,
    /// The repetition share above which the corpus view warns.
    pub repetition_threshold: f64,
}

pub(super) fn cell_text(report: Option<&Report>, r: &CellRef) -> String {
    report
        .and_then(|rep| rep.cell(r))
        .map_or(String::new(), |c| c.raw.clone())
}

impl State {
    pub fn new(paths: Vec<PathBuf>, templates: Templates, size: (u16, u16)) -> State {
        let entries = paths
            .into_iter()
            .map(|p| Entry {
                name: p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                path: p,
                audit: None,
            })
            .collect();
        State {
            entries,
            open: 0,
            list_cursor: 0,
            list_scroll: 0,
            focus: Pane::Files,
            zoom: false,
            filter: Filter::All,
            grid_cursor: (0, 0),
            table_scroll: 0,
            raw_scroll: 0,
            finding: None,
            search: None,
            editor: None,
            help: false,
            status: String::new(),
            notice: None,
            undo: Vec::new(),
            redo: Vec::new(),
            size,
            templates,
            corpus: None,
            repetition_threshold: crate::narrative::CheckRules::embedded()
                .map_or(0.5, |r| r.repetition_threshold),
        }
    }

    /// The state with the config's repetition threshold, when it sets one.
    pub fn with_threshold(mut self, threshold: Option<f64>) -> State {
        if let Some(t) = threshold {
            self.repetition_threshold = t;
        }
        self
    }

    pub fn loaded(&self) -> usize {
        self.entries.iter().filter(|e| e.audit.is_some()).count()
    }

    pub fn audit(&self) -> Option<&Audit> {
        self.entries.get(self.open).and_then(|e| e.audit.as_ref())
    }

    /// Indexes of the entries the filter shows.
    pub fn visible(&self) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| {
                let e = &self.entries[i];
                match self.filter {
                    Filter::All => true,
                    Filter::Errors => e
                        .audit
                        .as_ref()
                        .is_some_and(|a| a.errors() > 0 || a.unreadable()),
                    Filter::Unreviewed => e.status() != Status::Reviewed,
                }
            })
            .collect()
    }

    /// The grid of the table pane for the open report.
    pub fn grid(&self) -> Vec<GridLine> {
        let Some(report) = self.audit().and_then(Audit::checked) else {
            return Vec::new();
        };
        let mut g = Vec::new();
        for t in &report.tables {
            g.push(GridLine::Heading(t.key));
            if t.key != TableKey::Active {
                g.push(GridLine::Columns(t.key));
            }
            for r in &t.rows {
                g.push(GridLine::Row {
                    table: t.key,
                    row: r.key,
                    columns: r.columns.clone(),
                });
            }
        }
        g
    }

    /// The widest row of the open report, in cells.
    pub fn max_columns(&self) -> usize {
        self.audit().and_then(Audit::checked).map_or(0, |r| {
            r.tables
                .iter()
                .flat_map(|t| &t.rows)
                .map(|r| r.columns.len())
                .max()
                .unwrap_or(0)
        })
    }

    /// The cell under the table cursor.
    pub fn selected_cell(&self) -> Option<CellRef> {
        match self.grid().get(self.grid_cursor.0)? {
            GridLine::Row {
                table,
                row,
                columns,
            } => {
                let col = columns.get(self.grid_cursor.1.min(columns.len().saturating_sub(1)))?;
                Some(CellRef::new(*table, row, col))
            }
            _ => None,
        }
    }

    pub fn findings(&self) -> &[Finding] {
        self.audit().map_or(&[], |a| a.findings.as_slice())
    }

    /// Byte span in the raw text of the selected cell (or of its row label if it has no cell).
    pub fn selected_span(&self) -> Option<Range<usize>> {
        let r = self.selected_cell()?;
        let audit = self.audit()?;
        let report = audit.report.as_ref()?;
        let table = report.table(TableKey::parse(&r.table)?)?;
        let row = table.row(&r.row)?;
        row.cell(&r.column)
            .map(|c| c.span.clone())
            .or_else(|| row.label_span.clone())
            .filter(|s| s.end > s.start)
    }

    fn select_cell(&mut self, r: &CellRef) {
        if let Some(i) = self.grid().iter().position(|l| matches!(l, GridLine::Row { table, row, .. } if table.as_str() == r.table && *row == r.row)) {
            let col = match &self.grid()[i] {
                GridLine::Row { columns, .. } => columns.iter().position(|c| *c == r.column).unwrap_or(0),
                _ => 0,
            };
            self.grid_cursor = (i, col);
        }
    }

    fn first_row_line(&self) -> usize {
        self.grid()
            .iter()
            .position(|l| matches!(l, GridLine::Row { .. }))
            .unwrap_or(0)
    }

    /// Opens entry `i`: cursor on its first error finding, or on its first cell.
    pub(super) fn open_entry(&mut self, i: usize) {
        self.open = i;
        if let Some(pos) = self.visible().iter().position(|&v| v == i) {
            self.list_cursor = pos;
        }
        self.finding = None;
        self.search = None;
        self.raw_scroll = 0;
        self.table_scroll = 0;
        self.grid_cursor = (self.first_row_line(), 0);
        if let Some(f) = self
            .findings()
            .iter()
            .position(|f| f.severity == Severity::Error)
        {
            self.select_finding(f);
        }
        self.follow_cell();
        self.status = match self.entries.get(i).and_then(|e| e.audit.as_ref()) {
            None => "loading...".into(),
            Some(a) => describe_entry(a),
        };
    }

    pub(super) fn select_finding(&mut self, f: usize) {
        self.finding = Some(f);
        let target = self
            .findings()
            .get(f)
            .and_then(|fi| fi.cells.first().map(|(r, c)| CellRef::new(fi.table, r, c)));
        if let Some(c) = target {
            self.select_cell(&c);
        }
        self.follow_cell();
    }

    /// Scrolls the raw pane so the selected cell's line is visible.
    pub(super) fn follow_cell(&mut self) {
        let (Some(span), Some(report)) = (
            self.selected_span(),
            self.audit().and_then(|a| a.report.as_ref()),
        ) else {
            return;
        };
        let line = report.line_col(span.start).0.saturating_sub(1);
        let h = self.raw_height();
        if line < self.raw_scroll || line >= self.raw_scroll + h {
            self.raw_scroll = line.saturating_sub(h / 3);
        }
    }

    /// Rows of text the raw pane shows, from the same layout the view draws (when the pane is
    /// hidden behind another zoomed pane, the height it will have when shown).
    pub fn raw_height(&self) -> usize {
        super::view::layout(self.size, self.zoom, Pane::Raw, self.max_columns())
            .raw
            .map_or(1, |r| r.height.saturating_sub(2).max(1) as usize)
    }

    pub(super) fn move_files(&mut self, delta: isize) {
        let n = self.visible().len();
        if n == 0 {
            return;
        }
        self.list_cursor = (self.list_cursor as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    pub(super) fn move_grid(&mut self, drow: isize, dcol: isize) {
        let grid = self.grid();
        if grid.is_empty() {
            return;
        }
        let (mut r, mut c) = self.grid_cursor;
        if drow != 0 {
            let step = drow.signum();
            let mut remaining = drow.abs();
            let mut i = r as isize;
            while remaining > 0 {
                let next = i + step;
                if next < 0 || next >= grid.len() as isize {
                    break;
                }
                i = next;
                if matches!(grid[i as usize], GridLine::Row { .. }) {
                    remaining -= 1;
                    r = i as usize;
                }
            }
        }
        if let GridLine::Row { columns, .. } = &grid[r] {
            c = (c as isize + dcol).clamp(0, columns.len() as isize - 1) as usize;
        }
        self.grid_cursor = (r, c);
        self.follow_cell();
    }

    /// Moves to the next (or previous) finding, crossing into the next report when this one
    /// has no more; with a search active in the raw pane, to the next match instead.
    pub(super) fn step_finding(&mut self, forward: bool) {
        if self.focus == Pane::Raw && self.search.as_ref().is_some_and(|s| !s.matches.is_empty()) {
            let h = self.raw_height();
            let report_lines: Vec<usize> = {
                let report = self.audit().and_then(|a| a.report.as_ref());
                let s = self
                    .search
                    .as_ref()
                    .map(|s| s.matches.clone())
                    .unwrap_or_default();
                s.iter()
                    .map(|m| report.map_or(0, |r| r.line_col(m.start).0))
                    .collect()
            };
            if let Some(s) = self.search.as_mut() {
                let n = s.matches.len();
                s.current = if forward {
                    (s.current + 1) % n
                } else {
                    (s.current + n - 1) % n
                };
                let line = report_lines[s.current].saturating_sub(1);
                self.raw_scroll = line.saturating_sub(h / 3);
                self.status = format!("match {} of {} for {:?}", s.current + 1, n, s.query);
            }
            return;
        }
        let n = self.findings().len();
        match (self.finding, forward) {
            (None, true) if n > 0 => return self.select_finding(0),
            (Some(f), true) if f + 1 < n => return self.select_finding(f + 1),
            (None, false) | (Some(0), false) => {}
            (Some(f), false) => return self.select_finding(f - 1),
            _ => {}
        }
        // Cross into the next (previous) visible report that has findings.
        for i in self.reports_after(forward) {
            let count = self.entries[i]
                .audit
                .as_ref()
                .map_or(0, |a| a.findings.len());
            if count > 0 {
                self.open_entry(i);
                self.select_finding(if forward { 0 } else { count - 1 });
                self.follow_cell();
                self.status = format!(
                    "{}: finding {} of {count}",
                    self.entries[i].name,
                    self.finding.map_or(0, |f| f + 1)
                );
                return;
            }
        }
        self.status = "no more findings".into();
    }

    /// The visible reports after (or, backwards, before) the open one, nearest first.
    fn reports_after(&self, forward: bool) -> Vec<usize> {
        let vis = self.visible();
        match (vis.iter().position(|&i| i == self.open), forward) {
            (Some(p), true) => vis[p + 1..].to_vec(),
            (Some(p), false) => vis[..p].iter().rev().copied().collect(),
            (None, _) => vis,
        }
    }

    /// Steps to the next (previous) visible report that could be read.
    pub(super) fn step_report(&mut self, forward: bool) {
        let next = self.reports_after(forward).into_iter().find(|&i| {
            self.entries[i]
                .audit
                .as_ref()
                .is_none_or(|a| a.report.is_some())
        });
        match next {
            Some(i) => self.open_entry(i),
            None => {
                self.status = if forward {
                    "last report".into()
                } else {
                    "first report".into()
                }
            }
        }
    }

    pub(super) fn start_editor(&mut self, target: EditTarget, initial: &str) {
        let mut ta = TextArea::from([initial.to_string()]);
        ta.move_cursor(ratatui_textarea::CursorMove::End);
        if matches!(target, EditTarget::Cell(_)) {
            // Typing replaces the value; arrows keep it for a small change.
            ta.select_all();
        }
        self.editor = Some((target, ta));
    }

    /// Annotations of the open report, if it can take changes (loaded, file readable).
    pub(super) fn writable(&mut self) -> Option<&Loaded> {
        let a = self.entries.get(self.open)?.audit.as_ref()?;
        if let Some(e) = &a.annotation_error {
            self.status = format!("annotations are read-only: {e}");
            return None;
        }
        if a.report.is_none() {
            self.status = "this report could not be read".into();
            return None;
        }
        a.annotations.as_ref()
    }

    pub(super) fn change(&mut self, op: Op) -> Effect {
        let Some(loaded) = self.writable() else {
            return Effect::None;
        };
        let _ = loaded;
        Effect::Save {
            entry: self.open,
            op,
            history: History::Change,
        }
    }
}

fn describe_entry(a: &Audit) -> String {
    let mut parts = Vec::new();
    if let Some(e) = &a.error {
        parts.push(e.clone());
    }
    if let Some(r) = &a.report {
        parts.push(format!(
            "{} | {} | template {} | {}",
            r.agency.as_deref().unwrap_or("agency unknown"),
            r.year.map_or("year unknown".into(), |y| y.to_string()),
            r.template.as_deref().unwrap_or("none"),
            r.encoding
        ));
    }
    parts.push(format!(
        "{} error(s), {} unchecked, {} warning(s)",
        a.errors(),
        a.unchecked(),
        a.warnings()
    ));
    if let Some(e) = &a.annotation_error {
        parts.push(format!("annotations unreadable: {e}"));
    }
    if a.report_changed() {
        parts.push("the report changed since its annotations were written; they are kept".into());
    }
    if let Some(n) = a.migration_notice() {
        parts.push(n);
    }
    match a.stale.as_slice() {
        [] => {}
        [one] => parts.push(format!("stale correction: {}", one.message())),
        [first, rest @ ..] => parts.push(format!(
            "{} stale corrections, first: {}",
            rest.len() + 1,
            first.message()
        )),
    }
    parts.join("  |  ")
}
