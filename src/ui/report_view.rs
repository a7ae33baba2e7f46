//! What the panes need of the open report, computed once when it opens or is re-checked
//! (never per frame): the table grid, the severity of each cell, the marked source lines,
//! the findings in list order, and the cells `n` and `w` step through in reading order.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::audit::Audit;
use crate::checker::{Finding, Severity};
use crate::report::CellRef;
use crate::template::{Key, TableKey};

/// A line of the table pane's grid.
#[derive(Debug, Clone, PartialEq)]
pub enum GridLine {
    Heading(TableKey),
    /// Column headers of the rows below it (table 二 has one per section).
    Columns {
        table: TableKey,
        columns: Vec<Key>,
    },
    Row {
        table: TableKey,
        row: Key,
        columns: Vec<Key>,
    },
}

/// One group of the findings list.
#[derive(Debug, Clone, PartialEq)]
pub enum Group {
    /// An error or unchecked relation, listed on its own line.
    One(usize),
    /// Warnings of one rule (or every dismissed finding, `rule` "dismissed") under one line.
    Fold { rule: Key, members: Vec<usize> },
}

/// A line of the findings list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FindingRow {
    /// Finding index; `nested` when listed under an expanded fold.
    Finding { index: usize, nested: bool },
    /// Index into [`ReportView::groups`].
    Fold(usize),
}

/// The fold name of dismissed findings.
pub const DISMISSED: &str = "dismissed";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportView {
    pub grid: Vec<GridLine>,
    /// The widest table row, in cells.
    pub max_columns: usize,
    /// The worst open (not dismissed) finding naming each cell.
    pub severity: BTreeMap<CellRef, Severity>,
    /// Source lines (0-based) holding a cell of an open error, or of another open finding.
    pub err_lines: BTreeSet<usize>,
    pub warn_lines: BTreeSet<usize>,
    /// Every open finding cell's span, with its severity.
    pub spans: Vec<(Range<usize>, Severity)>,
    /// Findings in list order: errors, unchecked, warnings folded by rule, dismissed last.
    pub groups: Vec<Group>,
    /// Grid positions (line, column) of the open error cells, in reading order, each once.
    pub error_cells: Vec<(usize, usize)>,
    /// The same for open unchecked relations and warnings.
    pub warning_cells: Vec<(usize, usize)>,
    /// Cells with a reviewer's note.
    pub noted: BTreeSet<CellRef>,
}

/// The cell a finding is about: its suggested cell, else its first stated cell (an unchecked
/// relation: its first unread cell).
pub fn target_cell(f: &Finding) -> Option<CellRef> {
    if let Some(s) = &f.suggestion {
        return Some(CellRef::new(f.table, s.row, s.column));
    }
    let (r, c) = if f.severity == Severity::Unchecked {
        f.unread.first().or(f.cells.first())?
    } else {
        f.cells.first()?
    };
    Some(CellRef::new(f.table, r, c))
}

impl ReportView {
    pub fn new(a: Option<&Audit>) -> ReportView {
        let mut v = ReportView::default();
        let Some(a) = a else { return v };
        let Some(report) = a.checked() else { return v };
        for t in &report.tables {
            v.grid.push(GridLine::Heading(t.key));
            let mut last: Option<&[Key]> = None;
            for r in &t.rows {
                if last != Some(r.columns.as_slice()) {
                    v.grid.push(GridLine::Columns {
                        table: t.key,
                        columns: r.columns.clone(),
                    });
                    last = Some(r.columns.as_slice());
                }
                v.grid.push(GridLine::Row {
                    table: t.key,
                    row: r.key,
                    columns: r.columns.clone(),
                });
                v.max_columns = v.max_columns.max(r.columns.len());
            }
        }
        let mut pos: BTreeMap<CellRef, (usize, usize)> = BTreeMap::new();
        for (li, l) in v.grid.iter().enumerate() {
            if let GridLine::Row {
                table,
                row,
                columns,
            } = l
            {
                for (ci, c) in columns.iter().enumerate() {
                    pos.insert(CellRef::new(*table, row, c), (li, ci));
                }
            }
        }
        let source = a.report.as_ref();
        let mut errors = Vec::new();
        let mut unchecked = Vec::new();
        let mut folds: Vec<(Key, Vec<usize>)> = Vec::new();
        let mut dismissed = Vec::new();
        for (i, f) in a.findings.iter().enumerate() {
            if a.dismissed_at(i) {
                dismissed.push(i);
                continue;
            }
            // An unchecked relation marks the cells it could not read, not the ones it could.
            let named = if f.severity == Severity::Unchecked {
                &f.unread
            } else {
                &f.cells
            };
            for (row, col) in named {
                let e = v
                    .severity
                    .entry(CellRef::new(f.table, row, col))
                    .or_insert(f.severity);
                *e = (*e).min(f.severity);
            }
            if let Some(p) = target_cell(f).and_then(|c| pos.get(&c)) {
                match f.severity {
                    Severity::Error => v.error_cells.push(*p),
                    _ => v.warning_cells.push(*p),
                }
            }
            match f.severity {
                Severity::Error => errors.push(i),
                Severity::Unchecked => unchecked.push(i),
                Severity::Warning => match folds.iter_mut().find(|(r, _)| *r == f.rule) {
                    Some((_, m)) => m.push(i),
                    None => folds.push((f.rule, vec![i])),
                },
            }
            // Blank-cell warnings name most empty cells of a sparse table: marking their
            // lines would drown the mismatches; unread cells have no place in the text.
            if f.rule == "blank_cells" || f.severity == Severity::Unchecked {
                continue;
            }
            for (row, col) in &f.cells {
                if let Some(c) = source
                    .and_then(|r| r.table(f.table))
                    .and_then(|t| t.cell(row, col))
                    .filter(|c| c.span.end > c.span.start)
                {
                    let line = source.map_or(1, |r| r.line_col(c.span.start).0) - 1;
                    match f.severity {
                        Severity::Error => v.err_lines.insert(line),
                        _ => v.warn_lines.insert(line),
                    };
                    v.spans.push((c.span.clone(), f.severity));
                }
            }
        }
        for cells in [&mut v.error_cells, &mut v.warning_cells] {
            cells.sort_unstable();
            cells.dedup();
        }
        v.groups = errors
            .into_iter()
            .chain(unchecked)
            .map(Group::One)
            .chain(
                folds
                    .into_iter()
                    .map(|(rule, members)| Group::Fold { rule, members }),
            )
            .collect();
        if !dismissed.is_empty() {
            v.groups.push(Group::Fold {
                rule: DISMISSED,
                members: dismissed,
            });
        }
        if let Some(l) = &a.annotations {
            v.noted = l
                .annotations
                .cells
                .iter()
                .filter(|c| !c.note.is_empty())
                .map(|c| c.cell_ref())
                .collect();
        }
        v
    }

    /// The findings list with the folds named in `expanded` opened.
    pub fn rows(&self, expanded: &BTreeSet<String>) -> Vec<FindingRow> {
        let mut out = Vec::new();
        for (gi, g) in self.groups.iter().enumerate() {
            match g {
                Group::One(i) => out.push(FindingRow::Finding {
                    index: *i,
                    nested: false,
                }),
                Group::Fold { rule, members } => {
                    out.push(FindingRow::Fold(gi));
                    if expanded.contains(*rule) {
                        out.extend(members.iter().map(|&index| FindingRow::Finding {
                            index,
                            nested: true,
                        }));
                    }
                }
            }
        }
        out
    }

    /// The grid position of `cell`, if the grid shows it.
    pub fn position(&self, cell: &CellRef) -> Option<(usize, usize)> {
        self.grid.iter().enumerate().find_map(|(li, l)| match l {
            GridLine::Row {
                table,
                row,
                columns,
            } if table.as_str() == cell.table && *row == cell.row => columns
                .iter()
                .position(|c| *c == cell.column)
                .map(|ci| (li, ci)),
            _ => None,
        })
    }
}
