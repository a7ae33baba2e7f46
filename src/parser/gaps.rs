//! Rows whose labels stand apart from their cells, filled by their place in the table.
//!
//! Converters and extractors move the text of wrapped or merged label cells away from the
//! cells: Markdown from PDF prints "5.要求行政机关确认或重新出具 / 已获取信息" above the table
//! piece and the row as "| 0 | 0 | … |", or keeps only a middle fragment of the label
//! ("| 行政机关不再处理其政府信息公 | 40 | … |"); a label wrapped over two table rows leaves the
//! first one blank and the cells on the second. The label walk (`rows`) then leaves such a row
//! empty (or blank) and its cells unclaimed. Here, after the walk, a run of rows the walk did not
//! fill, between two rows it did, takes the runs of unclaimed cells printed between those two
//! rows' cells, one run per row in order — only when there are exactly as many runs as rows and
//! each run has exactly its row's cell count. Anything less certain leaves the rows unread.

use std::ops::Range;

use super::cells::fit;
use super::{NoteKind, ParseNote};
use crate::report::{Row, Table};
use crate::template::TableSpec;
use crate::text::Value;
use crate::tokenize::{Kind, Token};

/// Fills the rows of `tables[t]` (a labelled table laid out by `spec`) that the label walk left
/// unread or blank from the unclaimed runs of cells between their filled neighbours. A cell of
/// any table is claimed.
pub(super) fn fill_by_position(
    text: &str,
    tokens: &[Token],
    spec: &TableSpec,
    tables: &mut [Table],
    t: usize,
    notes: &mut Vec<ParseNote>,
) {
    let mut claimed: Vec<usize> = tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| r.cells.iter().flatten())
        .map(|c| c.span.start)
        .collect();
    claimed.sort_unstable();
    let runs = unclaimed_runs(tokens, &claimed);
    if runs.is_empty() {
        return;
    }
    let table = &mut tables[t];
    // The filled rows (with where their cells stand) and, between each two, the rows to fill.
    let mut prev: Option<Range<usize>> = None;
    let mut between: Vec<usize> = Vec::new();
    for i in 0..table.rows.len() {
        let row = &table.rows[i];
        let optional = spec.row(row.key).is_some_and(|s| s.optional);
        match cells_extent(row) {
            Some(here) => {
                if let Some(before) = &prev
                    && !between.is_empty()
                {
                    let gap = before.end..here.start;
                    for ri in fill_gap(text, tokens, &runs, gap, &between, &mut table.rows) {
                        let row = &table.rows[ri];
                        let first = row.cells.iter().flatten().next().map(|c| c.span.clone());
                        notes.push(ParseNote {
                            table: table.key,
                            row: row.key,
                            span: row.label_span.clone().or(first).unwrap_or_default(),
                            kind: NoteKind::Placed,
                        });
                    }
                }
                prev = Some(here);
                between.clear();
            }
            // An optional row may be absent: counting it would misplace the rows after it.
            None if optional => {}
            None => between.push(i),
        }
    }
}

/// Where a row's cells stand when it has a cell that is not blank.
fn cells_extent(row: &Row) -> Option<Range<usize>> {
    let cells = || row.cells.iter().flatten();
    if !cells().any(|c| c.value != Value::Blank) {
        return None;
    }
    let start = cells().map(|c| c.span.start).min()?;
    let end = cells().map(|c| c.span.end).max()?;
    Some(start..end)
}

/// Maximal runs of consecutive value and blank tokens (as token index ranges) none of which is
/// a cell already, holding at least one value.
fn unclaimed_runs(tokens: &[Token], claimed: &[usize]) -> Vec<Range<usize>> {
    let is_cell = |t: &Token| matches!(t.kind, Kind::Value | Kind::Blank);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !is_cell(&tokens[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < tokens.len() && is_cell(&tokens[i]) {
            i += 1;
        }
        let run = &tokens[start..i];
        if run.iter().any(|t| t.kind == Kind::Value)
            && run
                .iter()
                .all(|t| claimed.binary_search(&t.span.start).is_err())
        {
            out.push(start..i);
        }
    }
    out
}

/// The run's tokens without the blank padding at its ends (as [`fit`] drops it) when that
/// leaves exactly `n` cells.
fn fitted(run: &[Token], n: usize) -> Option<&[Token]> {
    let mut r = run;
    while r.len() > n && r.last().is_some_and(|t| t.kind == Kind::Blank) {
        r = &r[..r.len() - 1];
    }
    while r.len() > n && r.first().is_some_and(|t| t.kind == Kind::Blank) {
        r = &r[1..];
    }
    (r.len() == n).then_some(r)
}

/// Fills `rows[between]` from the runs printed inside `gap` (byte offsets), when the runs and
/// the rows pair off exactly: as many runs as rows, each of its row's cell count, and each
/// after the label of its row and before the label of the next, where those were seen.
fn fill_gap(
    text: &str,
    tokens: &[Token],
    runs: &[Range<usize>],
    gap: Range<usize>,
    between: &[usize],
    rows: &mut [Row],
) -> Vec<usize> {
    let inside: Vec<&Range<usize>> = runs
        .iter()
        .filter(|r| {
            tokens[r.start].span.start >= gap.start && tokens[r.end - 1].span.end <= gap.end
        })
        .collect();
    if inside.len() != between.len() {
        return Vec::new();
    }
    let mut fills = Vec::with_capacity(between.len());
    for (k, (&ri, run)) in between.iter().zip(&inside).enumerate() {
        let n = rows[ri].columns.len();
        // A lone number between two rows is too little to place a row by.
        let Some(cells) = fitted(&tokens[(*run).clone()], n).filter(|_| n >= 2) else {
            return Vec::new();
        };
        let (start, end) = (cells[0].span.start, cells[n - 1].span.end);
        let after_own = rows[ri].label_span.as_ref().is_none_or(|l| l.end <= start);
        let before_next = between
            .get(k + 1)
            .and_then(|&next| rows[next].label_span.as_ref())
            .is_none_or(|l| end <= l.start);
        if !(after_own && before_next) {
            return Vec::new();
        }
        fills.push((ri, run.start, cells.to_vec()));
    }
    let filled = fills.iter().map(|(ri, _, _)| *ri).collect();
    for (ri, first, cells) in fills {
        let n = rows[ri].columns.len();
        let fitted = fit(text, cells, n, &[]);
        debug_assert!(
            fitted.note.is_none(),
            "a fitted run has the row's cell count"
        );
        let row = &mut rows[ri];
        row.cells = fitted.cells;
        // The label fragment printed beside the cells, when the row has no label of its own.
        if row.label_span.is_none()
            && let Some(label) = first.checked_sub(1).map(|i| &tokens[i])
            && label.kind == Kind::Text
            && !text[label.span.end..tokens[first].span.start].contains('\n')
        {
            row.label_span = Some(label.span.clone());
        }
    }
    filled
}
