//! Splitting digit runs that web text glued together ("6000017" for seven cells) into cells.
//!
//! A run of L digits can hold 1..=L cells; a cell of several digits never starts with 0. Every
//! composition of the row's runs into exactly its number of cells is tried, and the template's
//! row relations (row_total, review_sum) keep the ones that add up. A single surviving split
//! is used and its cells are marked inferred; several, or none, leave the row unsplit.

use std::ops::Range;

/// Most compositions tried for one row before giving up as ambiguous.
const LIMIT: usize = 200_000;

/// A row relation in column indexes: cells[stated] = sum of cells[computed].
pub type RowRelation = (usize, Vec<usize>);

/// One piece of a row before splitting: a run of digits, or one cell already separated.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Digits (ASCII or full-width) with the byte offset of each character.
    Run(Vec<(usize, char)>, usize),
    /// A cell that needs no split, with its number (0 for blank or text).
    Cell(f64),
}

/// The outcome of splitting one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// For each piece, the byte ranges of the cells it becomes (one range per cell).
    Unique(Vec<Vec<Range<usize>>>),
    /// This many splits add up (0: none does).
    Ambiguous(usize),
}

fn digit_value(c: char) -> u32 {
    if c.is_ascii_digit() {
        c as u32 - '0' as u32
    } else {
        c as u32 - '０' as u32
    }
}

/// Splits `pieces` into exactly `n` cells satisfying every relation in `rels`.
pub fn split(pieces: &[Piece], n: usize, rels: &[RowRelation]) -> Split {
    let mut found: Vec<Vec<Vec<Range<usize>>>> = Vec::new();
    let mut tried = 0usize;
    let mut current: Vec<Vec<Range<usize>>> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    let min_rest: Vec<usize> = (0..=pieces.len()).map(|i| pieces[i..].len()).collect();
    let max_rest: Vec<usize> = (0..=pieces.len())
        .map(|i| {
            pieces[i..]
                .iter()
                .map(|p| if let Piece::Run(d, _) = p { d.len() } else { 1 })
                .sum()
        })
        .collect();
    walk(
        pieces,
        0,
        n,
        rels,
        &min_rest,
        &max_rest,
        &mut current,
        &mut values,
        &mut found,
        &mut tried,
    );
    if tried > LIMIT {
        return Split::Ambiguous(found.len().max(2));
    }
    match found.len() {
        1 => Split::Unique(found.pop().unwrap_or_default()),
        k => Split::Ambiguous(k),
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    pieces: &[Piece],
    i: usize,
    n: usize,
    rels: &[RowRelation],
    min_rest: &[usize],
    max_rest: &[usize],
    current: &mut Vec<Vec<Range<usize>>>,
    values: &mut Vec<f64>,
    found: &mut Vec<Vec<Vec<Range<usize>>>>,
    tried: &mut usize,
) {
    if *tried > LIMIT || found.len() > 1 {
        return;
    }
    let have = values.len();
    if i == pieces.len() {
        *tried += 1;
        if have == n
            && rels
                .iter()
                .all(|(s, c)| (values[*s] - c.iter().map(|k| values[*k]).sum::<f64>()).abs() < 1e-6)
        {
            found.push(current.clone());
        }
        return;
    }
    if have + min_rest[i] > n || have + max_rest[i] < n {
        return;
    }
    match &pieces[i] {
        Piece::Cell(v) => {
            values.push(*v);
            // One cell, already separated: its range is the token's own (unused here).
            current.push(std::iter::once(0..0).collect());
            walk(
                pieces,
                i + 1,
                n,
                rels,
                min_rest,
                max_rest,
                current,
                values,
                found,
                tried,
            );
            current.pop();
            values.pop();
        }
        Piece::Run(digits, end) => {
            // Choose the cut points of this run, one cell at a time.
            let mut parts: Vec<Range<usize>> = Vec::new();
            cut(
                digits, *end, 0, pieces, i, n, rels, min_rest, max_rest, current, values, found,
                tried, &mut parts,
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn cut(
    digits: &[(usize, char)],
    end: usize,
    from: usize,
    pieces: &[Piece],
    i: usize,
    n: usize,
    rels: &[RowRelation],
    min_rest: &[usize],
    max_rest: &[usize],
    current: &mut Vec<Vec<Range<usize>>>,
    values: &mut Vec<f64>,
    found: &mut Vec<Vec<Vec<Range<usize>>>>,
    tried: &mut usize,
    parts: &mut Vec<Range<usize>>,
) {
    if from == digits.len() {
        current.push(parts.clone());
        walk(
            pieces,
            i + 1,
            n,
            rels,
            min_rest,
            max_rest,
            current,
            values,
            found,
            tried,
        );
        current.pop();
        return;
    }
    let byte_at = |k: usize| digits.get(k).map_or(end, |(b, _)| *b);
    let max_len = if digits[from].1 == '0' || digits[from].1 == '０' {
        1
    } else {
        digits.len() - from
    };
    for len in 1..=max_len {
        if values.len() + 1 > n {
            break;
        }
        let v: f64 = digits[from..from + len]
            .iter()
            .fold(0.0, |acc, (_, c)| acc * 10.0 + f64::from(digit_value(*c)));
        values.push(v);
        parts.push(byte_at(from)..byte_at(from + len));
        cut(
            digits,
            end,
            from + len,
            pieces,
            i,
            n,
            rels,
            min_rest,
            max_rest,
            current,
            values,
            found,
            tried,
            parts,
        );
        parts.pop();
        values.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Piece {
        Piece::Run(s.char_indices().collect(), s.len())
    }

    fn texts(s: &str, split: &Split) -> Vec<String> {
        match split {
            Split::Unique(p) => p
                .iter()
                .flatten()
                .map(|r| s[r.clone()].to_string())
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_row_total_decides_the_split() {
        let row_total = vec![(6, vec![0, 1, 2, 3, 4, 5])];
        assert_eq!(
            texts("7000007", &split(&[run("7000007")], 7, &row_total)),
            ["7", "0", "0", "0", "0", "0", "7"]
        );
        assert_eq!(
            texts(
                "230000023",
                &split(&[run("23"), run("0000023")], 7, &row_total)
            )
            .len(),
            7
        );
        let s = "3001530061431197";
        // 3001 53 0 0 61 4 3119? No: the total must be the sum of the six.
        assert!(matches!(
            split(&[run(s)], 7, &row_total),
            Split::Ambiguous(_) | Split::Unique(_)
        ));
    }

    #[test]
    fn forced_splits_need_no_arithmetic_and_ambiguity_is_reported() {
        assert_eq!(texts("000", &split(&[run("000")], 3, &[])), ["0", "0", "0"]);
        assert_eq!(split(&[run("898989")], 3, &[]), Split::Ambiguous(2));
        assert_eq!(split(&[run("12")], 3, &[]), Split::Ambiguous(0));
    }
}
