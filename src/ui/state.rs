//! Workbench state: the reports, what is open and selected, the editor, the undo history; and
//! the messages and effects of `update` (in `update.rs`, the only writer of this state). It
//! does no I/O: saving annotations is returned as an [`Effect`] and its result comes back as a
//! message.

use std::ops::Range;
use std::path::PathBuf;

use ratatui_textarea::TextArea;

use std::collections::BTreeSet;

use crate::annotations::{Loaded, Op, Status, VerdictKind};
use crate::audit::Audit;
use crate::checker::Finding;
use crate::report::{CellRef, Report};
use crate::template::{TableKey, Templates};

use super::action::Action;
pub use super::report_view::GridLine;
use super::report_view::{FindingRow, ReportView};

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
/// The stacks hold changes (each undoing one change to one field), never snapshots.
#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// A new change: its undo goes on the undo stack; redo is cleared.
    Change,
    /// An undo, popped from the undo stack (put back if the save fails).
    Undo(Box<Op>),
    /// A redo, popped from the redo stack (put back if the save fails).
    Redo(Box<Op>),
}

/// What a successful save wrote.
#[derive(Debug)]
pub struct Written {
    pub loaded: Loaded,
    /// The change that undoes this one.
    pub undo: Op,
    /// For the status line, when the save also moved the annotations out of an old-style file.
    pub moved: Option<String>,
}

/// Why a save wrote nothing; with the file as it is now when another instance's change
/// conflicted with this one (the workbench then shows the file's values).
#[derive(Debug)]
pub struct NotSaved {
    pub message: String,
    pub current: Option<Box<Loaded>>,
}

/// Messages that are not key actions.
#[derive(Debug)]
pub enum Msg {
    Action(Action),
    /// A report finished loading in the background.
    Loaded(usize, Box<Audit>),
    /// A save finished: the new annotations, or why nothing was written.
    Saved {
        entry: usize,
        result: Result<Box<Written>, NotSaved>,
        history: History,
    },
    /// The open report's annotation file changed on disk (another instance, an editor): what
    /// it holds now, or why it cannot be read.
    DiskChanged {
        entry: usize,
        loaded: Result<Box<Loaded>, String>,
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
    /// Changes that undo (redo) the reviewer's changes, by entry, the last on top.
    pub undo: Vec<(usize, Op)>,
    pub redo: Vec<(usize, Op)>,
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
                // Control characters in a file name are shown escaped, never sent raw.
                name: crate::text::visible(&p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ))
                .into_owned(),
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
            corpus: None,
            repetition_threshold: crate::narrative::CheckRules::embedded()
                .map_or(0.5, |r| r.repetition_threshold),
        }
    }

    /// Names each report by its path below the folder given on the command line it was found
    /// in (a crawl of `page.txt` files stays readable); a report given as a file keeps its
    /// file name.
    pub fn name_entries(&mut self, inputs: &[PathBuf]) {
        // Each input asked once whether it is a folder (files given one by one are inputs too:
        // ten thousand of them must not cost ten thousand stats per report).
        let folders: Vec<&PathBuf> = inputs.iter().filter(|i| i.is_dir()).collect();
        if folders.is_empty() {
            return;
        }
        for e in &mut self.entries {
            if let Some(rel) = folders
                .iter()
                .find_map(|i| e.path.strip_prefix(i).ok())
                .filter(|r| r.components().count() > 1)
            {
                e.name = rel.display().to_string();
            }
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

pub(super) fn describe_entry(a: &Audit) -> String {
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
    // The counts lead the status line (`status::counts`).
    parts.extend(a.read_warnings.iter().cloned());
    if let Some(e) = &a.annotation_error {
        parts.push(format!("annotations unreadable: {e}"));
    }
    if a.report_changed() {
        parts.push(format!(
            "the report changed since its annotations were written: {} of {} correction(s) \
             still match the values it prints and are applied{} (the next save records the \
             report as it is now)",
            a.originals.len(),
            a.annotations
                .as_ref()
                .map_or(0, |l| l.annotations.corrections()),
            match a.applied_labels.as_slice() {
                [] => String::new(),
                labels => format!(": {}", labels.join(", ")),
            }
        ));
    }
    parts.extend(a.unknown_cells.iter().cloned());
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
    crate::text::visible(&parts.join("  |  ")).into_owned()
}
