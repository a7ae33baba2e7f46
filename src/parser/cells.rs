//! A row's collected tokens fitted to its columns: padding dropped, digit runs printed
//! without separators split by the row's arithmetic, each cell with its raw text, value and span.

use super::NoteKind;
use crate::report::Cell;
use crate::split::{Piece, RowRelation, Split, split};
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

/// Fits collected slots to `n` columns: padding blanks are dropped from the end, then from
/// the start; extra values beyond `n` are dropped; digit runs are split by the row relations
/// `rels`. Returns the cells and what the reviewer should be told about the row.
pub(super) fn fit(
    text: &str,
    mut slots: Vec<Token>,
    n: usize,
    rels: &[RowRelation],
) -> (Vec<Option<Cell>>, Option<NoteKind>) {
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
    (cells, note)
}

/// Splits the digit runs among `slots` into cells (see [`crate::split`]).
fn fit_runs(
    text: &str,
    slots: Vec<Token>,
    n: usize,
    rels: &[RowRelation],
) -> (Vec<Option<Cell>>, Option<NoteKind>) {
    let runs: Vec<&str> = slots
        .iter()
        .filter(|t| t.kind == Kind::Run)
        .map(|t| &text[t.span.clone()])
        .collect();
    let runs = runs.join(" ");
    let pieces: Vec<Piece> = slots
        .iter()
        .map(|t| {
            let s = &text[t.span.clone()];
            if t.kind == Kind::Run && !s.contains(['.', '．']) {
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
        .collect();
    let result = split(&pieces, n, rels);
    let complete = !matches!(result, Split::TooMany(_));
    match result {
        Split::Unique(parts) => {
            let mut cells = Vec::with_capacity(n);
            for (t, ranges) in slots.into_iter().zip(parts) {
                if t.kind == Kind::Run && !text[t.span.clone()].contains(['.', '．']) {
                    for r in ranges {
                        let mut c = make_cell(
                            text,
                            Token {
                                kind: Kind::Value,
                                span: r,
                            },
                        );
                        c.inferred = true;
                        cells.push(Some(c));
                    }
                } else {
                    cells.push(Some(make_cell(text, t)));
                }
            }
            cells.resize(n, None);
            (cells, Some(NoteKind::Inferred { runs }))
        }
        Split::Ambiguous(solutions) | Split::TooMany(solutions) => (
            vec![None; n],
            Some(NoteKind::Unsplit {
                runs,
                solutions,
                complete,
            }),
        ),
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
