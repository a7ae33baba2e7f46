//! Splitting digit runs that web text glued together ("6000017" for seven cells) into cells.
//!
//! A run of L digits can hold 1..=L cells; a cell of several digits never starts with 0. Every
//! composition of the row's runs into exactly its number of cells is tried, and the template's
//! row relations (row_total, review_sum) keep the ones that add up. A single surviving split
//! is used and its cells are marked inferred; several, or none, leave the row unsplit. The
//! search prunes cuts that leave too few or too many digits for the cells still to fill and
//! checks each relation as soon as its last cell is cut; it is bounded in steps, and says so
//! when it stops, because long runs have astronomically many compositions.

use std::ops::Range;

/// Most steps (cells chosen) of the search for one row before it gives up. Long runs have
/// astronomically many compositions (40 digits into 15 cells: ~10^10); the pruning below keeps
/// real rows far under this, and the bound keeps any input from stalling a batch.
const LIMIT: usize = 200_000;

/// Most digits in one cell cut from a run: numbers up to 15 digits are exact in an `f64`, so
/// the arithmetic that picks a split is never fooled by rounding (and no count or amount in
/// these tables comes near it).
const MAX_CELL_DIGITS: usize = 15;

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
    /// Too many ways to cut the runs to try them all (the search stopped after [`LIMIT`]
    /// steps); this many splits that add up were met before it stopped.
    TooMany(usize),
}

fn digit_value(c: char) -> u32 {
    if c.is_ascii_digit() {
        c as u32 - '0' as u32
    } else {
        c as u32 - '０' as u32
    }
}

/// Every way (up to `max`) to split `pieces` into exactly `n` cells satisfying every
/// relation in `rels`, and whether the search saw them all: `complete` is false when it
/// stopped at `max` readings or after [`LIMIT`] steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Readings {
    /// For each reading, for each piece, the byte ranges of the cells it becomes.
    pub found: Vec<Vec<Vec<Range<usize>>>>,
    pub complete: bool,
}

/// Up to `max` splits of `pieces` into exactly `n` cells satisfying every relation in `rels`
/// (with no relations: every way the pieces can be cut into `n` cells).
pub fn readings(pieces: &[Piece], n: usize, rels: &[RowRelation], max: usize) -> Readings {
    let mut search = Search::new(pieces, n, rels, max);
    search.piece(0);
    let complete = search.steps <= LIMIT && search.found.len() <= max;
    search.found.truncate(max);
    Readings {
        found: search.found,
        complete,
    }
}

/// Splits `pieces` into exactly `n` cells satisfying every relation in `rels`.
pub fn split(pieces: &[Piece], n: usize, rels: &[RowRelation]) -> Split {
    let mut search = Search::new(pieces, n, rels, 1);
    search.piece(0);
    if search.steps > LIMIT && search.found.len() < 2 {
        return Split::TooMany(search.found.len());
    }
    match search.found.len() {
        1 => Split::Unique(search.found.pop().unwrap_or_default()),
        k => Split::Ambiguous(k),
    }
}

impl<'a> Search<'a> {
    /// A search that stops once it has found more than `max` readings.
    fn new(pieces: &'a [Piece], n: usize, rels: &'a [RowRelation], max: usize) -> Search<'a> {
        let width = |p: &Piece| if let Piece::Run(d, _) = p { d.len() } else { 1 };
        let fewest = |p: &Piece| width(p).div_ceil(MAX_CELL_DIGITS);
        Search {
            max,
            pieces,
            n,
            rels,
            min_rest: (0..=pieces.len())
                .map(|i| pieces[i..].iter().map(fewest).sum())
                .collect(),
            max_rest: (0..=pieces.len())
                .map(|i| pieces[i..].iter().map(width).sum())
                .collect(),
            closing: (0..n)
                .map(|k| {
                    rels.iter()
                        .enumerate()
                        .filter(|(_, (s, c))| c.iter().chain([s]).max() == Some(&k))
                        .map(|(r, _)| r)
                        .collect()
                })
                .collect(),
            current: Vec::new(),
            values: Vec::new(),
            found: Vec::new(),
            steps: 0,
        }
    }
}

/// A depth-first search over the ways to cut the pieces; stops once it has more than `max`.
struct Search<'a> {
    max: usize,
    pieces: &'a [Piece],
    n: usize,
    rels: &'a [RowRelation],
    /// Fewest and most cells the pieces from index i on can become.
    min_rest: Vec<usize>,
    max_rest: Vec<usize>,
    /// For each cell index, the relations whose last cell it is: they are checked as soon as
    /// that cell is chosen, so a wrong cut in one group of table 四 is dropped at once.
    closing: Vec<Vec<usize>>,
    /// Cell ranges chosen so far, per piece, and their numbers.
    current: Vec<Vec<Range<usize>>>,
    values: Vec<f64>,
    found: Vec<Vec<Vec<Range<usize>>>>,
    steps: usize,
}

impl Search<'_> {
    fn piece(&mut self, i: usize) {
        if self.steps > LIMIT || self.found.len() > self.max {
            return;
        }
        let have = self.values.len();
        if i == self.pieces.len() {
            if have == self.n {
                self.found.push(self.current.clone());
            }
            return;
        }
        if have + self.min_rest[i] > self.n || have + self.max_rest[i] < self.n {
            return;
        }
        match &self.pieces[i] {
            Piece::Cell(v) => {
                if self.push(*v) {
                    // One cell, already separated: its range is the token's own (unused here).
                    self.current.push(std::iter::once(0..0).collect());
                    self.piece(i + 1);
                    self.current.pop();
                }
                self.values.pop();
            }
            Piece::Run(digits, end) => {
                let mut parts = Vec::new();
                self.cut(i, digits, *end, 0, &mut parts);
            }
        }
    }

    /// Adds the next cell's number; false when a relation it closes does not add up.
    fn push(&mut self, v: f64) -> bool {
        self.steps += 1;
        self.values.push(v);
        let k = self.values.len() - 1;
        self.closing.get(k).is_none_or(|rels| {
            rels.iter().all(|&r| {
                let (s, c) = &self.rels[r];
                (self.values[*s] - c.iter().map(|j| self.values[*j]).sum::<f64>()).abs() < 1e-6
            })
        })
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
            (digits.len() - from).min(MAX_CELL_DIGITS)
        };
        for len in 1..=max_len {
            if self.steps > LIMIT || self.found.len() > self.max {
                return;
            }
            // Cells after this one: what is left of the run, then the pieces after it.
            let cells = self.values.len() + 1;
            let left = digits.len() - from - len;
            if cells + left + self.max_rest[i + 1] < self.n {
                break; // too few cells left to fill the row, and fewer with a longer cut
            }
            if cells + left.div_ceil(MAX_CELL_DIGITS) + self.min_rest[i + 1] > self.n {
                continue; // too many cells: only the cut taking the rest of the run may fit
            }
            let v = digits[from..from + len]
                .iter()
                .fold(0.0, |acc, (_, c)| acc * 10.0 + f64::from(digit_value(*c)));
            if self.push(v) {
                parts.push(byte_at(from)..byte_at(from + len));
                self.cut(i, digits, end, from + len, parts);
                parts.pop();
            }
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

    /// Table 四's relations in one row of 15 cells: each group's 总计 (its 5th cell) is the sum
    /// of its first four.
    fn review_sums() -> Vec<RowRelation> {
        (0..3)
            .map(|g| (g * 5 + 4, (g * 5..g * 5 + 4).collect()))
            .collect()
    }

    #[test]
    fn each_group_of_table_four_is_checked_as_soon_as_it_is_cut() {
        // 12 3 0 5 20 | 7 0 0 1 8 | 10 2 3 4 19, printed as one run.
        let s = "1230520700181023419";
        assert_eq!(
            texts(s, &split(&[run(s)], 15, &review_sums())),
            [
                "12", "3", "0", "5", "20", "7", "0", "0", "1", "8", "10", "2", "3", "4", "19"
            ]
        );
    }

    #[test]
    fn long_runs_end_quickly_with_an_honest_answer() {
        // Found by fuzzing: these searched for minutes (the 40 digits for hours) and called
        // the row ambiguous when the search gave up.
        let twos = |n: usize| "2".repeat(n);
        assert_eq!(
            split(&[run(&twos(26))], 15, &review_sums()),
            Split::Ambiguous(0)
        );
        assert_eq!(
            split(&[run(&twos(40))], 15, &review_sums()),
            Split::Ambiguous(0)
        );
        // 91 digits into 7 cells: cells of 40-odd digits once "added up" by rounding.
        let row_total = vec![(6, vec![0, 1, 2, 3, 4, 5])];
        let s = format!("0{}", twos(90));
        assert_eq!(split(&[run(&s)], 7, &row_total), Split::Ambiguous(0));
        // Sixty digits without a zero into seven cells: tens of millions of cuts, so the search
        // stops and says so instead of calling the row ambiguous.
        let s: String = (0..60)
            .map(|i| char::from(b'1' + (i * 7 % 9) as u8))
            .collect();
        assert!(matches!(
            split(&[run(&s)], 7, &row_total),
            Split::TooMany(_)
        ));
    }

    /// One way to cut a piece: its cells' byte ranges and numbers.
    type Way = (Vec<Range<usize>>, Vec<f64>);

    /// Every way to cut `pieces` into `n` cells that satisfy `rels`, by brute force over the
    /// cut positions of each run.
    fn all_splits(pieces: &[Piece], n: usize, rels: &[RowRelation]) -> Vec<Vec<Vec<Range<usize>>>> {
        let mut out = Vec::new();
        let mut per_piece: Vec<Vec<Way>> = Vec::new();
        for p in pieces {
            match p {
                Piece::Cell(v) => per_piece.push(vec![(std::iter::once(0..0).collect(), vec![*v])]),
                Piece::Run(d, end) => {
                    let mut ways = Vec::new();
                    for mask in 0u32..(1 << (d.len() - 1)) {
                        let mut starts = vec![0];
                        starts.extend((1..d.len()).filter(|k| mask & (1 << (k - 1)) != 0));
                        starts.push(d.len());
                        let cells: Vec<(usize, usize)> =
                            starts.windows(2).map(|w| (w[0], w[1])).collect();
                        if cells.iter().any(|&(a, b)| {
                            b - a > MAX_CELL_DIGITS || (b - a > 1 && matches!(d[a].1, '0' | '０'))
                        }) {
                            continue;
                        }
                        let at = |k: usize| d.get(k).map_or(*end, |(b, _)| *b);
                        ways.push((
                            cells.iter().map(|&(a, b)| at(a)..at(b)).collect(),
                            cells
                                .iter()
                                .map(|&(a, b)| {
                                    d[a..b].iter().fold(0.0, |acc, (_, c)| {
                                        acc * 10.0 + f64::from(digit_value(*c))
                                    })
                                })
                                .collect(),
                        ));
                    }
                    per_piece.push(ways);
                }
            }
        }
        fn walk(
            per_piece: &[Vec<Way>],
            n: usize,
            rels: &[RowRelation],
            ranges: &mut Vec<Vec<Range<usize>>>,
            values: &mut Vec<f64>,
            out: &mut Vec<Vec<Vec<Range<usize>>>>,
        ) {
            let Some((first, rest)) = per_piece.split_first() else {
                let adds_up = |(s, c): &RowRelation| {
                    (values[*s] - c.iter().map(|k| values[*k]).sum::<f64>()).abs() < 1e-6
                };
                if values.len() == n && rels.iter().all(adds_up) {
                    out.push(ranges.clone());
                }
                return;
            };
            for (r, v) in first {
                let len = values.len();
                ranges.push(r.clone());
                values.extend(v);
                if values.len() <= n {
                    walk(rest, n, rels, ranges, values, out);
                }
                values.truncate(len);
                ranges.pop();
            }
        }
        walk(
            &per_piece,
            n,
            rels,
            &mut Vec::new(),
            &mut Vec::new(),
            &mut out,
        );
        out
    }

    #[test]
    fn the_pruned_search_finds_what_brute_force_finds() {
        let row_total = vec![(6, vec![0, 1, 2, 3, 4, 5])];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let mut unique = 0;
        for case in 0..800 {
            let (n, rels) = if case % 3 == 0 {
                (15, review_sums())
            } else {
                (7, row_total.clone())
            };
            // A row that adds up, printed as one to three runs (breaks fall between cells, as
            // in web text) with now and then a cell standing apart; one case in four has a
            // digit changed so that nothing or something else adds up.
            let values: Vec<u64> = loop {
                let mut v = Vec::new();
                for _ in 0..n / 5 + usize::from(n == 7) {
                    let parts: Vec<u64> = (0..if n == 7 { 6 } else { 4 })
                        .map(|_| {
                            [0, 0, 1, 2, 3, 5, 9, 12, 40][next(if n == 7 { 9 } else { 4 }) as usize]
                        })
                        .collect();
                    let total = parts.iter().sum();
                    v.extend(parts);
                    v.push(total);
                }
                if v.iter().map(|x| x.to_string().len()).sum::<usize>() <= 16 {
                    break v;
                }
            };
            let mut text = String::new();
            let mut pieces = Vec::new();
            let mut k = 0;
            while k < values.len() {
                let take = if next(3) == 0 {
                    1
                } else {
                    1 + next(values.len() as u64) as usize
                };
                let cells = &values[k..(k + take).min(values.len())];
                k += cells.len();
                if cells.len() == 1 && next(3) == 0 {
                    pieces.push(Piece::Cell(cells[0] as f64));
                    continue;
                }
                let mut digits: String = cells.iter().map(u64::to_string).collect();
                if next(4) == 0 {
                    let at = next(digits.len() as u64) as usize;
                    let d = char::from(b'0' + next(10) as u8);
                    digits.replace_range(at..at + 1, &d.to_string());
                }
                let start = text.len();
                text.push_str(&digits);
                pieces.push(Piece::Run(
                    digits.char_indices().map(|(i, c)| (start + i, c)).collect(),
                    text.len(),
                ));
            }
            let all = all_splits(&pieces, n, &rels);
            let expected = match all.len() {
                1 => Split::Unique(all[0].clone()),
                k => Split::Ambiguous(k.min(2)),
            };
            let got = match split(&pieces, n, &rels) {
                Split::Ambiguous(k) => Split::Ambiguous(k.min(2)),
                other => other,
            };
            unique += usize::from(matches!(got, Split::Unique(_)));
            assert_eq!(got, expected, "{pieces:?} into {n}");
        }
        assert!(unique > 50, "too few unique splits to mean much: {unique}");
    }
}
