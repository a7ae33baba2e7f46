//! Moving through the open report and between reports: opening one, the table cursor and the
//! scrolling that follows it (asking `layout` for the panes' sizes), `n`/`N` and `w`/`W` over
//! the open findings' cells in reading order, stepping to the next report.

use crate::report::CellRef;

use super::report_view::{FindingRow, GridLine, ReportView, target_cell};
use super::state::{Pane, State, describe_entry};

impl State {
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
            let audit = self.entries[i].audit.as_ref();
            let has = audit.is_some_and(|a| {
                if warnings {
                    a.warnings() + a.unchecked() > 0
                } else {
                    a.errors() > 0
                }
            });
            // Only a report whose findings name a cell to go to (not only a missing table).
            if has && !cells(&ReportView::new(audit)).is_empty() {
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
}
