//! Glued digits solved over the whole table. A row whose digits its own arithmetic can cut in
//! several ways (`row_total` holds for each) is often pinned down by the table's column
//! relations (`results_sum`, `balance`) and the rows already read: every open row is a
//! variable whose values are its readings, every column relation a constraint over them, and
//! a reading is taken only where the table as a whole admits exactly one. Where it admits
//! several, or none (the printed table is inconsistent), the cells on which every candidate
//! reading agrees are read and the others stay unread, for the checker to leave unchecked.

use std::ops::Range;

use super::{NoteKind, ParseNote};
use crate::report::{Cell, Table};
use crate::template::{ForEach, Key, RelationSpec, TableKey, TableSpec, key_matches};

/// A row left unread because its own arithmetic admits several readings.
#[derive(Debug)]
pub(super) struct Pending {
    /// Index of the table (in the parser's table order) and the row's key.
    pub table: usize,
    pub row: Key,
    /// The label the row was read from: a row read again later is no longer pending.
    pub label: Range<usize>,
    pub readings: Vec<Vec<Option<Cell>>>,
}

/// Most steps of the search over one table's open rows before it gives up (and says so).
const LIMIT: usize = 200_000;

/// Most table-wide solutions collected: past that, only each row's own readings are compared.
const MAX_SOLUTIONS: usize = 16;

/// One column relation instance as a constraint: constant + Σ sign · cell = 0.
struct Constraint {
    constant: f64,
    /// (open row index, cell index, sign)
    terms: Vec<(usize, usize, f64)>,
}

/// Solves the open rows of each table; `keys[i]` and `specs[i]` describe `tables[i]`.
pub(super) fn solve(
    tables: &mut [Table],
    keys: &[TableKey],
    specs: &[&TableSpec],
    rels: &[RelationSpec],
    pending: Vec<Pending>,
    notes: &mut [ParseNote],
) {
    for (ti, table) in tables.iter_mut().enumerate() {
        // (row index, pending): rows read again since are no longer open.
        let open: Vec<(usize, &Pending)> = pending
            .iter()
            .filter(|p| p.table == ti)
            .filter_map(|p| {
                let ri = table.rows.iter().position(|r| r.key == p.row)?;
                let row = &table.rows[ri];
                (row.label_span.as_ref() == Some(&p.label) && !row.found()).then_some((ri, p))
            })
            .collect();
        if open.is_empty() {
            continue;
        }
        let constraints = constraints(table, keys[ti], specs[ti], rels, &open);
        let (solutions, complete) = if constraints.is_empty() {
            (Vec::new(), false)
        } else {
            search(&open, &constraints)
        };
        if let ([one], true) = (solutions.as_slice(), complete) {
            for (&(ri, p), &k) in open.iter().zip(one) {
                table.rows[ri].cells = p.readings[k].clone();
                let key = table.rows[ri].key;
                for n in notes
                    .iter_mut()
                    .filter(|n| n.table == keys[ti] && n.row == key)
                {
                    if let NoteKind::Unsplit { runs, .. } = &n.kind {
                        n.kind = NoteKind::TableInferred { runs: runs.clone() };
                    }
                }
            }
            continue;
        }
        // No single reading: read what every candidate agrees on.
        for (pi, &(ri, p)) in open.iter().enumerate() {
            let candidates: Vec<&Vec<Option<Cell>>> = if complete && !solutions.is_empty() {
                solutions.iter().map(|s| &p.readings[s[pi]]).collect()
            } else {
                p.readings.iter().collect()
            };
            let row = &mut table.rows[ri];
            for (ci, cell) in row.cells.iter_mut().enumerate() {
                let first = candidates[0][ci].as_ref();
                if candidates.iter().all(|c| c[ci].as_ref() == first) {
                    *cell = first.cloned();
                }
            }
        }
    }
}

/// The column relations of `table` over its open rows: an instance whose operands are all
/// read or open; one with an operand neither read nor open constrains nothing.
fn constraints(
    table: &Table,
    key: TableKey,
    spec: &TableSpec,
    rels: &[RelationSpec],
    open: &[(usize, &Pending)],
) -> Vec<Constraint> {
    let mut out = Vec::new();
    for rel in rels
        .iter()
        .filter(|r| r.for_each == ForEach::Column && r.table == key.as_str())
    {
        for col in &spec.columns {
            let mut c = Constraint {
                constant: 0.0,
                terms: Vec::new(),
            };
            let mut usable = true;
            let mut operands = 0;
            for (pats, sign) in [(&rel.stated, 1.0), (&rel.computed, -1.0)] {
                for (ri, row) in table.rows.iter().enumerate() {
                    if !table.expects(row) || !pats.iter().any(|p| key_matches(p, row.key)) {
                        continue;
                    }
                    let Some(i) = row.columns.iter().position(|k| *k == col.key) else {
                        continue;
                    };
                    operands += 1;
                    if let Some(pi) = open.iter().position(|(r, _)| *r == ri) {
                        c.terms.push((pi, i, sign));
                    } else if let Some(cell) = &row.cells[i] {
                        c.constant += sign * cell.value.as_f64();
                    } else {
                        usable = false;
                    }
                }
            }
            if usable && operands > 0 && !c.terms.is_empty() {
                out.push(c);
            }
        }
    }
    out
}

/// Every choice of one reading per open row satisfying all constraints (up to
/// [`MAX_SOLUTIONS`]), and whether the search saw them all.
fn search(open: &[(usize, &Pending)], constraints: &[Constraint]) -> (Vec<Vec<usize>>, bool) {
    let open: Vec<&Pending> = open.iter().map(|(_, p)| *p).collect();
    // Constraints checked as soon as their last open row is chosen.
    let mut closing: Vec<Vec<usize>> = vec![Vec::new(); open.len()];
    for (ci, c) in constraints.iter().enumerate() {
        if let Some(last) = c.terms.iter().map(|t| t.0).max() {
            closing[last].push(ci);
        }
    }
    struct S<'a> {
        open: &'a [&'a Pending],
        constraints: &'a [Constraint],
        closing: Vec<Vec<usize>>,
        chosen: Vec<usize>,
        found: Vec<Vec<usize>>,
        steps: usize,
    }
    impl S<'_> {
        fn holds(&self, ci: usize) -> bool {
            let c = &self.constraints[ci];
            let sum: f64 = c.constant
                + c.terms
                    .iter()
                    .map(|&(p, i, sign)| {
                        sign * self.open[p].readings[self.chosen[p]][i]
                            .as_ref()
                            .map_or(0.0, |c| c.value.as_f64())
                    })
                    .sum::<f64>();
            sum.abs() < 1e-6
        }
        fn walk(&mut self, p: usize) {
            if self.steps > LIMIT || self.found.len() > MAX_SOLUTIONS {
                return;
            }
            if p == self.open.len() {
                self.found.push(self.chosen.clone());
                return;
            }
            for k in 0..self.open[p].readings.len() {
                self.steps += 1;
                self.chosen.push(k);
                if self.closing[p].iter().all(|&ci| self.holds(ci)) {
                    self.walk(p + 1);
                }
                self.chosen.pop();
            }
        }
    }
    let mut s = S {
        open: &open,
        constraints,
        closing,
        chosen: Vec::with_capacity(open.len()),
        found: Vec::new(),
        steps: 0,
    };
    s.walk(0);
    let complete = s.steps <= LIMIT && s.found.len() <= MAX_SOLUTIONS;
    (s.found, complete)
}
