//! Workbench state: the reports, what is open and selected, the editor, the undo history; and
//! the messages and effects of `update` (in `update.rs`, the only writer of this state). It
//! does no I/O: saving annotations is returned as an [`Effect`] and its result comes back as a
//! message.

use std::ops::Range;
use std::path::PathBuf;

use ratatui_textarea::TextArea;

use std::collections::BTreeSet;

use crate::annotations::{Annotations, Loaded, Op, Status, VerdictKind};
use crate::audit::Audit;
use crate::checker::Finding;
use crate::report::{CellRef, Report};
use crate::template::{TableKey, Templates};

use super::action::Action;
pub use super::report_view::GridLine;
use super::report_view::{FindingRow, ReportView, target_cell};

/// The three panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Files,
    Raw,
    Table,
    Findings,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Files, Pane::Raw, Pane::Table, Pane::Findings];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Files => "Files 报告",
            Pane::Raw => "Raw text 原文",
            Pane::Table => "Tables 表格",
            Pane::Findings => "Findings 问题",
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
    /// A line number of the raw pane to go to.
    GotoLine,
    /// The reason for a verdict on finding `.0` of the open report (may stay empty).
    Verdict(usize, VerdictKind),
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
    /// First grid line the table pane shows.
    pub table_scroll: usize,
    /// First source line the raw pane shows (0-based).
    pub raw_scroll: usize,
    /// With wrapping on: the first shown row of that line's wrapped rows.
    pub raw_sub: usize,
    /// Display columns the raw pane is scrolled sideways (wrapping off).
    pub raw_hscroll: usize,
    /// Long lines wrapped to the pane's width instead of scrolled sideways.
    pub raw_wrap: bool,
    /// Selected finding of the open report.
    pub finding: Option<usize>,
    /// Cursor in the findings list, an index into [`State::finding_rows`].
    pub findings_cursor: usize,
    /// Folds of the findings list that are open (by rule, or "dismissed").
    pub expanded: BTreeSet<String>,
    /// The findings pane shows the detail of the selected finding.
    pub detail: bool,
    pub detail_scroll: usize,
    pub search: Option<Search>,
    pub editor: Option<(EditTarget, TextArea<'static>)>,
    pub help: bool,
    pub help_scroll: usize,
    /// What the panes need of the open report, computed when it opens or is re-checked.
    pub view: ReportView,
    pub status: String,
    /// A message for the reviewer that stays on the status line until the first key, over
    /// whatever the loader reports meanwhile (folders that could not be listed).
    pub notice: Option<String>,
    pub undo: Vec<(usize, Annotations)>,
    pub redo: Vec<(usize, Annotations)>,
    pub size: (u16, u16),
    pub templates: Templates,
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
            raw_sub: 0,
            raw_hscroll: 0,
            raw_wrap: false,
            finding: None,
            findings_cursor: 0,
            expanded: BTreeSet::new(),
            detail: false,
            detail_scroll: 0,
            search: None,
            editor: None,
            help: false,
            help_scroll: 0,
            view: ReportView::default(),
            status: String::new(),
            notice: None,
            undo: Vec::new(),
            redo: Vec::new(),
            size,
            templates,
        }
    }

    /// Names each report by its path below the folder given on the command line it was found
    /// in (a crawl of `page.txt` files stays readable); a report given as a file keeps its
    /// file name.
    pub fn name_entries(&mut self, inputs: &[PathBuf]) {
        for e in &mut self.entries {
            if let Some(rel) = inputs
                .iter()
                .filter(|i| i.is_dir())
                .find_map(|i| e.path.strip_prefix(i).ok())
                .filter(|r| r.components().count() > 1)
            {
                e.name = rel.display().to_string();
            }
        }
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
    pub fn grid(&self) -> &[GridLine] {
        &self.view.grid
    }

    /// The widest row of the open report, in cells.
    pub fn max_columns(&self) -> usize {
        self.view.max_columns
    }

    /// Recomputes what the panes need of the open report (after it opened or was re-checked).
    pub(super) fn refresh_view(&mut self) {
        self.view = ReportView::new(self.audit());
        let n = self.finding_rows().len();
        self.findings_cursor = self.findings_cursor.min(n.saturating_sub(1));
    }

    /// The lines of the findings list, folds opened as the reviewer chose.
    pub fn finding_rows(&self) -> Vec<FindingRow> {
        self.view.rows(&self.expanded)
    }

    /// The finding under the findings cursor (none on a fold line).
    pub fn cursor_finding(&self) -> Option<usize> {
        match self.finding_rows().get(self.findings_cursor)? {
            FindingRow::Finding { index, .. } => Some(*index),
            FindingRow::Fold(_) => None,
        }
    }

    /// The finding a verdict or an applied suggestion is for: the one under the findings
    /// cursor when that pane has focus, else the selected one.
    pub fn target_finding(&self) -> Option<usize> {
        if self.focus == Pane::Findings {
            self.cursor_finding()
        } else {
            self.finding.or_else(|| self.cursor_finding())
        }
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

    pub(super) fn select_cell(&mut self, r: &CellRef) {
        if let Some(p) = self.view.position(r) {
            self.grid_cursor = p;
        }
        self.follow_grid();
    }

    fn first_row_line(&self) -> usize {
        self.grid()
            .iter()
            .position(|l| matches!(l, GridLine::Row { .. }))
            .unwrap_or(0)
    }

    /// Opens entry `i`: cursor on its first open error cell, or on its first cell.
    pub(super) fn open_entry(&mut self, i: usize) {
        self.open = i;
        if let Some(pos) = self.visible().iter().position(|&v| v == i) {
            self.list_cursor = pos;
        }
        self.finding = None;
        self.findings_cursor = 0;
        self.detail = false;
        self.search = None;
        self.raw_scroll = 0;
        self.raw_sub = 0;
        self.raw_hscroll = 0;
        self.table_scroll = 0;
        self.refresh_view();
        self.grid_cursor = (self.first_row_line(), 0);
        match self.view.error_cells.first() {
            Some(&p) => self.select_position(p, false),
            None => {
                self.follow_grid();
                self.follow_cell();
            }
        }
        self.status = match self.entries.get(i).and_then(|e| e.audit.as_ref()) {
            None => "loading...".into(),
            Some(a) => describe_entry(a),
        };
    }

    /// Puts the cursor on grid position `p`, selecting the first open finding (an error, or
    /// with `warnings` any other) whose cell it is, and brings the cell into view.
    pub(super) fn select_position(&mut self, p: (usize, usize), warnings: bool) {
        self.grid_cursor = p;
        let cell = self.selected_cell();
        let found = self.audit().and_then(|a| {
            a.findings.iter().enumerate().position(|(i, f)| {
                !a.dismissed_at(i)
                    && (f.severity == crate::checker::Severity::Error) != warnings
                    && target_cell(f) == cell
            })
        });
        if let Some(f) = found {
            self.finding = Some(f);
            self.cursor_to_finding(f);
        }
        self.follow_grid();
        self.follow_cell();
    }

    /// Moves the findings cursor onto finding `f` when the list shows it.
    pub(super) fn cursor_to_finding(&mut self, f: usize) {
        if let Some(i) = self
            .finding_rows()
            .iter()
            .position(|r| matches!(r, FindingRow::Finding { index, .. } if *index == f))
        {
            self.findings_cursor = i;
        }
    }

    pub(super) fn select_finding(&mut self, f: usize) {
        self.finding = Some(f);
        self.cursor_to_finding(f);
        if let Some(c) = self.findings().get(f).and_then(target_cell) {
            self.select_cell(&c);
        }
        self.follow_cell();
    }

    /// Scrolls the table pane so the cursor is in view, and its whole table with it when the
    /// table fits (table 四's three rows are never cut off below).
    pub(super) fn follow_grid(&mut self) {
        let h = super::layout::grid_height(self);
        let grid = &self.view.grid;
        let cur = self.grid_cursor.0;
        if grid.is_empty() {
            return;
        }
        let start = (0..=cur.min(grid.len() - 1))
            .rev()
            .find(|&i| matches!(grid[i], GridLine::Heading(_)))
            .unwrap_or(0);
        let end = (cur..grid.len())
            .find(|&i| i + 1 == grid.len() || matches!(grid[i + 1], GridLine::Heading(_)))
            .unwrap_or(grid.len() - 1);
        let mut top = self.table_scroll;
        if end + 1 - start <= h {
            if start < top {
                top = start;
            }
            if end >= top + h {
                top = end + 1 - h;
            }
        } else {
            // The kept header covers the first row once its section is scrolled into.
            if cur < top + 1 {
                top = cur.saturating_sub(1);
            }
            if cur >= top + h {
                top = cur + 1 - h;
            }
        }
        self.table_scroll = top.min(grid.len().saturating_sub(1));
    }

    /// Scrolls the raw pane so the selected cell's line is in view, and sideways so that the
    /// cell is.
    pub(super) fn follow_cell(&mut self) {
        let Some((line, before, end)) = self.selected_span().and_then(|span| {
            let report = self.audit()?.report.as_ref()?;
            let line = report.line_col(span.start).0.saturating_sub(1);
            let ls = report.line_span(line);
            let start = span.start.clamp(ls.start, ls.end);
            let before = super::raw_text::display_width(&report.text[ls.start..start]);
            let stop = span.end.clamp(start, ls.end);
            Some((
                line,
                before,
                before + super::raw_text::display_width(&report.text[start..stop]),
            ))
        }) else {
            return;
        };
        let h = super::layout::raw_height(self);
        if line < self.raw_scroll || line >= self.raw_scroll + h || self.raw_sub > 0 {
            self.raw_scroll = line.saturating_sub(h / 3);
            self.raw_sub = 0;
        }
        let w = super::layout::raw_text_w(self);
        if before < self.raw_hscroll || end + 2 > self.raw_hscroll + w {
            self.raw_hscroll = if end + 2 > w {
                (end + 2 - w).min(before)
            } else {
                0
            };
        }
    }

    pub fn raw_height(&self) -> usize {
        super::layout::raw_height(self)
    }

    pub(super) fn move_files(&mut self, delta: isize) {
        let n = self.visible().len();
        if n == 0 {
            return;
        }
        self.list_cursor = (self.list_cursor as isize + delta).clamp(0, n as isize - 1) as usize;
        // The cursor previews the report under it.
        if let Some(&i) = self.visible().get(self.list_cursor)
            && i != self.open
        {
            self.open_entry(i);
        }
    }

    pub(super) fn move_grid(&mut self, drow: isize, dcol: isize) {
        let grid = self.view.grid.clone();
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
        self.follow_grid();
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
        self.step_cell(forward, false);
    }

    /// Moves the cursor to the next (previous) open error cell in reading order — or, with
    /// `warnings`, the next cell of an open warning or unchecked relation — from the cursor,
    /// each cell once; past the last one into the next report that has any, then round to
    /// the first one of this report. Recomputed from the findings as they are now.
    pub(super) fn step_cell(&mut self, forward: bool, warnings: bool) {
        let what = if warnings { "warning" } else { "error" };
        let cells = |v: &ReportView| {
            if warnings {
                v.warning_cells.clone()
            } else {
                v.error_cells.clone()
            }
        };
        let here = cells(&self.view);
        let cur = self.grid_cursor;
        let next = if forward {
            here.iter().find(|p| **p > cur)
        } else {
            here.iter().rev().find(|p| **p < cur)
        };
        if let Some(&p) = next {
            self.select_position(p, warnings);
            let k = here.iter().position(|q| *q == p).unwrap_or(0);
            self.status = format!("{what} {} of {}", k + 1, here.len());
            return;
        }
        for i in self.reports_after(forward) {
            let has = self.entries[i].audit.as_ref().is_some_and(|a| {
                if warnings {
                    a.warnings() + a.unchecked() > 0
                } else {
                    a.errors() > 0
                }
            });
            if has {
                self.open_entry(i);
                let there = cells(&self.view);
                if let Some(&p) = if forward { there.first() } else { there.last() } {
                    self.select_position(p, warnings);
                }
                self.status = format!(
                    "{}: {} open {what}(s) in this report",
                    self.entries[i].name,
                    there.len()
                );
                return;
            }
        }
        let round = if forward { here.first() } else { here.last() };
        match round {
            Some(&p) if p != cur => {
                self.select_position(p, warnings);
                self.status = format!(
                    "no more {what}s {}; back to the {} of this report",
                    if forward { "below" } else { "above" },
                    if forward { "first" } else { "last" }
                );
            }
            Some(_) => self.status = format!("this is the only open {what}"),
            None => self.status = format!("no open {what}s"),
        }
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
        self.start_editor_with(target, initial, true);
    }

    /// Opens the text area on `initial`; `select` selects it all (typing replaces it).
    pub(super) fn start_editor_with(&mut self, target: EditTarget, initial: &str, select: bool) {
        let mut ta = TextArea::from([initial.to_string()]);
        ta.move_cursor(ratatui_textarea::CursorMove::End);
        if select && matches!(target, EditTarget::Cell(_)) {
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
    if a.dismissed() > 0 {
        parts.push(format!("{} dismissed", a.dismissed()));
    }
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
