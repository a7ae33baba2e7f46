//! A row's collected tokens fitted to its columns: padding dropped, digit runs printed
//! without separators split by the row's arithmetic, each cell with its raw text, value and span.

use super::NoteKind;
use crate::report::Cell;
use std::ops::Range;

use crate::split::{Piece, RowRelation, readings};
use crate::template::{ForEach, Key, RelationSpec, TableKey, key_matches};
use crate::text::{parse_trimmed, parse_value, trim_space};
use crate::tokenize::{Kind, Token};

/// The template's row relations of `table` in column indexes of a row with `columns`,
/// shifted by `offset` (table 四 lays its three groups out in one row).
pub(super) fn row_relations(
    rels: &[RelationSpec],
    table: TableKey,
    columns: &[Key],
    offset: usize,
) -> Vec<RowRelation> {
    rels.iter()
        .filter(|r| r.for_each == ForEach::Row && r.table == table.as_str())
        .filter_map(|r| {
            let idx = |pats: &[String]| -> Vec<usize> {
                columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| pats.iter().any(|p| key_matches(p, c)))
                    .map(|(i, _)| i + offset)
                    .collect()
            };
            let stated = idx(&r.stated);
            let computed = idx(&r.computed);
            (stated.len() == 1 && !computed.is_empty()).then(|| (stated[0], computed))
        })
        .collect()
}

/// A row's collected slots fitted to its columns.
#[derive(Debug, Default)]
pub(super) struct Fitted {
    pub cells: Vec<Option<Cell>>,
    /// What the reviewer should be told about the row.
    pub note: Option<NoteKind>,
    /// When digits printed without separators can be cut in several ways that satisfy the
    /// row's own arithmetic: every such reading (cells left unread meanwhile), for the
    /// table's column relations to choose from ([`super::solve`]).
    pub readings: Vec<Vec<Option<Cell>>>,
}

/// Most readings of one row kept for the table's relations to choose from; a row with more
/// is left unread.
const MAX_READINGS: usize = 32;

/// Fits collected slots to `n` columns: padding blanks are dropped from the end, then from
/// the start; extra values beyond `n` are dropped; digit runs are split by the row relations
/// `rels`.
pub(super) fn fit(text: &str, mut slots: Vec<Token>, n: usize, rels: &[RowRelation]) -> Fitted {
    while slots.len() > n && slots.last().is_some_and(|t| t.kind == Kind::Blank) {
        slots.pop();
    }
    let leading = slots.iter().take_while(|t| t.kind == Kind::Blank).count();
    let drop = leading.min(slots.len().saturating_sub(n));
    slots.drain(..drop);
    if slots.iter().any(|t| t.kind == Kind::Run) && slots.len() < n {
        return fit_runs(text, slots, n, rels);
    }
    let found = slots.len();
    slots.truncate(n);
    let mut cells: Vec<Option<Cell>> = slots
        .into_iter()
        .map(|t| Some(make_cell(text, t)))
        .collect();
    cells.resize(n, None);
    let note = (found != n).then_some(NoteKind::CellCount { found, expected: n });
    Fitted {
        cells,
        note,
        readings: Vec::new(),
    }
}

/// Which slots may be cut into several cells: digit runs printed without separators, and —
/// when `numbers` — plain numbers too, for text whose spaces fall inside cells rather than
/// between them ("160 02 0 018" for 16 0 0 2 0 0 18).
fn cuttable(text: &str, slots: &[Token], numbers: bool) -> Vec<bool> {
    slots
        .iter()
        .map(|t| {
            let s = &text[t.span.clone()];
            match t.kind {
                Kind::Run => !s.contains(['.', '．']),
                Kind::Value if numbers => {
                    s.chars().count() > 1
                        && s.chars()
                            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
                }
                _ => false,
            }
        })
        .collect()
}

fn pieces(text: &str, slots: &[Token], cut: &[bool]) -> Vec<Piece> {
    slots
        .iter()
        .zip(cut)
        .map(|(t, &cut)| {
            let s = &text[t.span.clone()];
            if cut {
                Piece::Run(
                    s.char_indices()
                        .map(|(i, c)| (t.span.start + i, c))
                        .collect(),
                    t.span.end,
                )
            } else {
                Piece::Cell(parse_value(s).map_or(0.0, |v| v.as_f64()))
            }
        })
        .collect()
}

/// The cells of one reading: the cut slots' cells inferred, the others as printed.
fn cells_of(
    text: &str,
    slots: &[Token],
    cut: &[bool],
    reading: &[Vec<Range<usize>>],
    n: usize,
) -> Vec<Option<Cell>> {
    let mut cells = Vec::with_capacity(n);
    for ((t, &cut), ranges) in slots.iter().zip(cut).zip(reading) {
        if cut {
            for r in ranges {
                let mut c = make_cell(
                    text,
                    Token {
                        kind: Kind::Value,
                        span: r.clone(),
                    },
                );
                c.inferred = true;
                cells.push(Some(c));
            }
        } else {
            cells.push(Some(make_cell(text, t.clone())));
        }
    }
    cells.resize(n, None);
    cells
}

/// Splits the digit runs among `slots` into cells (see [`crate::split`]). The readings are
/// tried in order: the runs cut with the text's spaces kept; then, when no such reading adds
/// up, numbers cut too (spaces inside cells: the arithmetic decides); then, when nothing adds
/// up, the one cut the digits force (as many digits as cells), read for the checker to report.
fn fit_runs(text: &str, slots: Vec<Token>, n: usize, rels: &[RowRelation]) -> Fitted {
    // What was printed, for the notes: the digits cut, as the text spaced them.
    let printed = |cut: &[bool]| -> String {
        let runs: Vec<&str> = slots
            .iter()
            .zip(cut)
            .filter(|(_, c)| **c)
            .map(|(t, _)| &text[t.span.clone()])
            .collect();
        runs.join(" ")
    };
    let as_printed = cuttable(text, &slots, false);
    let runs = printed(&as_printed);
    let unsplit = |solutions, complete| Fitted {
        cells: vec![None; n],
        note: Some(NoteKind::Unsplit {
            runs: runs.clone(),
            solutions,
            complete,
        }),
        readings: Vec::new(),
    };
    let mut cut = as_printed.clone();
    let mut found = readings(&pieces(text, &slots, &cut), n, rels, MAX_READINGS);
    if found.found.is_empty() && found.complete {
        let numbers = cuttable(text, &slots, true);
        if numbers != as_printed {
            let again = readings(&pieces(text, &slots, &numbers), n, rels, MAX_READINGS);
            if !again.found.is_empty() || !again.complete {
                (cut, found) = (numbers, again);
            }
        }
    }
    if found.found.is_empty() && found.complete {
        let forced = readings(&pieces(text, &slots, &as_printed), n, &[], 1);
        return match forced.found.as_slice() {
            [one] if forced.complete => Fitted {
                cells: cells_of(text, &slots, &as_printed, one, n),
                note: Some(NoteKind::Forced { runs }),
                readings: Vec::new(),
            },
            _ => unsplit(0, true),
        };
    }
    if !found.complete {
        return unsplit(found.found.len(), false);
    }
    let mut all: Vec<Vec<Option<Cell>>> = found
        .found
        .iter()
        .map(|r| cells_of(text, &slots, &cut, r, n))
        .collect();
    if all.len() == 1 {
        return Fitted {
            cells: all.pop().unwrap_or_default(),
            note: Some(NoteKind::Inferred {
                runs: printed(&cut),
            }),
            readings: Vec::new(),
        };
    }
    Fitted {
        readings: all,
        ..unsplit(found.found.len(), true)
    }
}

fn make_cell(text: &str, t: Token) -> Cell {
    let raw = &text[t.span.clone()];
    let trimmed = trim_space(raw);
    let value = match t.kind {
        Kind::Blank => crate::text::Value::Blank,
        _ => parse_trimmed(trimmed).unwrap_or_else(|| crate::text::Value::Text(raw.to_string())),
    };
    Cell {
        raw: if t.kind == Kind::Blank {
            String::new()
        } else {
            trimmed.to_string()
        },
        value,
        span: t.span,
        inferred: false,
    }
}
