//! Tables from geometry: text placed on a page and the page's ruling lines, turned into report
//! text. The PDF reader and the .docx reader (for documents made of positioned text boxes, as
//! LibreOffice writes a PDF it imported) both feed it.
//!
//! The cells are the rectangles the rules form: each piece of text goes to the cell holding its
//! centre, and each table row is printed as one line of cells (layout B, as the HTML reader
//! prints a page's tables); text outside tables comes out as lines in reading order. A table cut
//! by a page break gets its missing edge; text drawn twice at one place (fake bold) counts once.
//! Coordinates are points, y growing downwards.

use crate::document::{join_pieces, push_row};

/// Distance (points) within which two rules are the same line, or a rule meets another.
const SNAP: f64 = 1.5;
/// Rules shorter than this (points) are not table borders (tick marks, dashes).
const MIN_RULE: f64 = 3.0;
/// A filled rectangle thinner than this (points) is a rule.
const THIN: f64 = 2.5;

/// One character placed on the page (y grows downwards).
#[derive(Debug, Clone)]
pub(crate) struct Char {
    pub(crate) text: String,
    pub(crate) cx: f64,
    pub(crate) cy: f64,
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    /// The font size on the page (points): the scale for every tolerance about text.
    pub(crate) size: f64,
}

/// An axis-parallel rule: `at` is its y (horizontal) or x (vertical), `from..to` its extent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    at: f64,
    from: f64,
    to: f64,
}

/// What one page draws: its characters (or runs of text) and its rules.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) chars: Vec<Char>,
    pub(crate) h: Vec<Rule>,
    pub(crate) v: Vec<Rule>,
}

/// An axis-parallel rectangle (y grows downwards).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl Page {
    /// A straight segment from `a` to `b`: a rule when it is horizontal or vertical.
    pub(crate) fn segment(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if dy <= 0.5 && dx >= MIN_RULE {
            self.h.push(Rule {
                at: (a.1 + b.1) / 2.0,
                from: a.0.min(b.0),
                to: a.0.max(b.0),
            });
        } else if dx <= 0.5 && dy >= MIN_RULE {
            self.v.push(Rule {
                at: (a.0 + b.0) / 2.0,
                from: a.1.min(b.1),
                to: a.1.max(b.1),
            });
        }
    }

    /// A filled rectangle: a rule when it is thin, nothing otherwise (a cell's or the page's
    /// background is not a border).
    pub(crate) fn filled(&mut self, r: Bounds) {
        let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
        if h <= THIN && w >= MIN_RULE {
            self.h.push(Rule {
                at: (r.y0 + r.y1) / 2.0,
                from: r.x0,
                to: r.x1,
            });
        } else if w <= THIN && h >= MIN_RULE {
            self.v.push(Rule {
                at: (r.x0 + r.x1) / 2.0,
                from: r.y0,
                to: r.y1,
            });
        }
    }
}

/// Prints one page: its tables as rows of cells and the rest as lines, top to bottom.
/// Returns how many tables the page has.
pub(crate) fn layout_page(mut page: Page, out: &mut String) -> usize {
    let chars = dedupe(std::mem::take(&mut page.chars));
    let tables = tables(&page.h, &page.v);
    // Items of the page, by their top: (y, text).
    let mut items: Vec<(f64, String)> = Vec::new();
    let mut free: Vec<Char> = Vec::new();
    let mut cells: Vec<Vec<Vec<Char>>> =
        tables.iter().map(|t| vec![Vec::new(); t.cells()]).collect();
    for c in chars {
        match tables
            .iter()
            .enumerate()
            .find_map(|(i, t)| t.cell_at(c.cx, c.cy).map(|k| (i, k)))
        {
            Some((i, k)) => cells[i][k].push(c),
            None => free.push(c),
        }
    }
    for (t, cell_chars) in tables.iter().zip(cells) {
        if cell_chars.iter().all(Vec::is_empty) {
            continue; // a frame or a box with nothing in it
        }
        let texts: Vec<String> = cell_chars.into_iter().map(cell_text).collect();
        let mut s = String::new();
        for row in t.rows() {
            let mut line: Vec<String> = row.iter().map(|&k| texts[k].clone()).collect();
            // A row starting with empty cells continues merged labels from the previous
            // page (the page break splits the merged cell): they are printed there, once, as
            // a .docx's vMerge or a page's rowspan, and their empty start here is not a cell
            // of this row. (A label cell is never empty in a data row; a header's empty
            // corner is no cell either.)
            let blank = line.iter().take_while(|c| c.is_empty()).count();
            line.drain(..blank.min(line.len().saturating_sub(1)));
            push_row(&mut s, &line);
        }
        items.push((t.ys[0], s));
    }
    for line in lines(free) {
        let y = line.iter().map(|c| c.cy).fold(f64::MAX, f64::min);
        let mut s = line_text(&line);
        s.push('\n');
        items.push((y, s));
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (_, s) in items {
        out.push_str(&s);
    }
    tables.len()
}

/// Drops characters drawn again at (nearly) the same place: fake bold.
fn dedupe(mut chars: Vec<Char>) -> Vec<Char> {
    chars.sort_by(|a, b| a.cy.total_cmp(&b.cy).then(a.cx.total_cmp(&b.cx)));
    let mut kept: Vec<Char> = Vec::with_capacity(chars.len());
    for c in chars {
        let tol = c.size * 0.2;
        let dup = kept
            .iter()
            .rev()
            .take_while(|k| c.cy - k.cy <= tol)
            .any(|k| k.text == c.text && (k.cx - c.cx).abs() <= tol);
        if !dup {
            kept.push(c);
        }
    }
    kept
}

/// Groups characters into lines (by their centres' height), each sorted left to right, the
/// lines top to bottom.
fn lines(mut chars: Vec<Char>) -> Vec<Vec<Char>> {
    chars.sort_by(|a, b| a.cy.total_cmp(&b.cy).then(a.cx.total_cmp(&b.cx)));
    let mut out: Vec<Vec<Char>> = Vec::new();
    let mut line_y = f64::MIN;
    for c in chars {
        match out.last_mut() {
            Some(l) if (c.cy - line_y).abs() <= c.size * 0.45 => l.push(c),
            _ => {
                line_y = c.cy;
                out.push(vec![c]);
            }
        }
    }
    for l in &mut out {
        l.sort_by(|a, b| a.cx.total_cmp(&b.cx));
    }
    out
}

/// The text of one line: characters in order, a space where a gap between Latin characters
/// is wider than a third of the font size.
fn line_text(line: &[Char]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Char> = None;
    for c in line {
        // Chinese text has no spaces: a gap is one only between Latin letters or digits
        // (a full-width bracket's outline leaves half its em empty).
        if let Some(p) = prev
            && c.x0 - p.x1 > c.size.max(p.size) * 0.33
            && p.text.is_ascii()
            && c.text.is_ascii()
        {
            s.push(' ');
        }
        s.push_str(&c.text);
        prev = Some(c);
    }
    s
}

/// The text of a cell: its lines joined (a wrapped label reads as one, a vertical label's
/// characters top to bottom).
fn cell_text(chars: Vec<Char>) -> String {
    let mut s = String::new();
    for l in lines(chars) {
        join_pieces(&mut s, &line_text(&l));
    }
    s
}

/// A ruled table: the grid its rules make, and the cells the grid's boxes merge into.
#[derive(Debug)]
struct Table {
    /// The rows' and columns' edges, sorted.
    ys: Vec<f64>,
    xs: Vec<f64>,
    /// For each grid box (row-major), the index of its cell.
    cell_of: Vec<usize>,
    /// For each cell, its first grid box (row-major): where it is printed.
    first: Vec<usize>,
}

impl Table {
    fn cells(&self) -> usize {
        self.first.len()
    }

    fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let (ny, nx) = (self.ys.len(), self.xs.len());
        if y < self.ys[0] || y > self.ys[ny - 1] || x < self.xs[0] || x > self.xs[nx - 1] {
            return None;
        }
        let i = self.ys.partition_point(|&e| e <= y).clamp(1, ny - 1) - 1;
        let j = self.xs.partition_point(|&e| e <= x).clamp(1, nx - 1) - 1;
        Some(self.cell_of[i * (nx - 1) + j])
    }

    /// For each grid row, the cells that start in it, left to right.
    fn rows(&self) -> Vec<Vec<usize>> {
        let w = self.xs.len() - 1;
        let mut rows = vec![Vec::new(); self.ys.len() - 1];
        for (k, &f) in self.first.iter().enumerate() {
            rows[f / w].push((f % w, k));
        }
        rows.into_iter()
            .filter(|r| !r.is_empty())
            .map(|mut r| {
                r.sort();
                r.into_iter().map(|(_, k)| k).collect()
            })
            .collect()
    }
}

/// Rules merged: those on one line (within [`SNAP`]) whose extents touch become one.
fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut lines: Vec<Vec<Rule>> = Vec::new();
    for r in rules {
        match lines.last_mut() {
            Some(l) if (r.at - l[0].at).abs() <= SNAP => l.push(r),
            _ => lines.push(vec![r]),
        }
    }
    let mut out = Vec::new();
    for mut l in lines {
        let at = l.iter().map(|r| r.at).sum::<f64>() / l.len() as f64;
        l.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut cur: Option<Rule> = None;
        for r in l {
            cur = match cur {
                Some(c) if r.from <= c.to + SNAP => Some(Rule {
                    to: c.to.max(r.to),
                    ..c
                }),
                Some(c) => {
                    out.push(c);
                    Some(Rule { at, ..r })
                }
                None => Some(Rule { at, ..r }),
            };
        }
        out.extend(cur);
    }
    out
}

fn crosses(h: &Rule, v: &Rule) -> bool {
    v.at >= h.from - SNAP && v.at <= h.to + SNAP && h.at >= v.from - SNAP && h.at <= v.to + SNAP
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Clusters sorted values within [`SNAP`] of each other into one edge each.
fn edges(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in v {
        match out.last() {
            Some(&l) if x - l <= SNAP => {}
            _ => out.push(x),
        }
    }
    out
}

/// The ruled tables of a page: rules that cross each other form a table when there are at
/// least two of each direction.
fn tables(h: &[Rule], v: &[Rule]) -> Vec<Table> {
    let h = merge(h.to_vec());
    let v = merge(v.to_vec());
    let n = h.len() + v.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, hr) in h.iter().enumerate() {
        for (j, vr) in v.iter().enumerate() {
            if crosses(hr, vr) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, h.len() + j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> =
        std::collections::BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = groups.entry(root).or_default();
        if i < h.len() {
            g.0.push(h[i]);
        } else {
            g.1.push(v[i - h.len()]);
        }
    }
    groups
        .into_values()
        .filter(|(hs, vs)| hs.len() >= 2 && vs.len() >= 2)
        .filter_map(|(hs, vs)| table(hs, vs))
        .collect()
}

fn table(mut hs: Vec<Rule>, vs: Vec<Rule>) -> Option<Table> {
    let left = vs.iter().map(|r| r.at).fold(f64::MAX, f64::min);
    let right = vs.iter().map(|r| r.at).fold(f64::MIN, f64::max);
    let top = hs.iter().map(|r| r.at).fold(f64::MAX, f64::min);
    let bottom = hs.iter().map(|r| r.at).fold(f64::MIN, f64::max);
    let v_top = vs.iter().map(|r| r.from).fold(f64::MAX, f64::min);
    let v_bottom = vs.iter().map(|r| r.to).fold(f64::MIN, f64::max);
    // A table cut by a page break has no rule where the page cuts it: its columns' lines run
    // on past the last rule. Close it there.
    if v_bottom > bottom + 2.0 * SNAP {
        hs.push(Rule {
            at: v_bottom,
            from: left,
            to: right,
        });
    }
    if v_top < top - 2.0 * SNAP {
        hs.push(Rule {
            at: v_top,
            from: left,
            to: right,
        });
    }
    let ys = edges(hs.iter().map(|r| r.at).collect());
    let xs = edges(vs.iter().map(|r| r.at).collect());
    if ys.len() < 2 || xs.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let covered = |rules: &[Rule], at: f64, mid: f64| {
        rules
            .iter()
            .any(|r| (r.at - at).abs() <= SNAP && mid >= r.from - SNAP && mid <= r.to + SNAP)
    };
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for i in 0..rows {
        let ymid = (ys[i] + ys[i + 1]) / 2.0;
        for j in 0..cols {
            let xmid = (xs[j] + xs[j + 1]) / 2.0;
            if j + 1 < cols && !covered(&vs, xs[j + 1], ymid) {
                let (a, b) = (
                    find(&mut parent, i * cols + j),
                    find(&mut parent, i * cols + j + 1),
                );
                parent[a.max(b)] = a.min(b);
            }
            if i + 1 < rows && !covered(&hs, ys[i + 1], xmid) {
                let (a, b) = (
                    find(&mut parent, i * cols + j),
                    find(&mut parent, (i + 1) * cols + j),
                );
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut first = Vec::new();
    let mut index = std::collections::HashMap::new();
    let cell_of = (0..rows * cols)
        .map(|b| {
            let root = find(&mut parent, b);
            *index.entry(root).or_insert_with(|| {
                first.push(b);
                first.len() - 1
            })
        })
        .collect();
    Some(Table {
        ys,
        xs,
        cell_of,
        first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(at: f64, from: f64, to: f64) -> Rule {
        Rule { at, from, to }
    }

    #[test]
    fn a_grid_with_a_merged_cell_and_a_page_cut() {
        // Three columns, two rows; the first column merged over both rows; no bottom rule.
        let h = vec![rule(0.0, 0.0, 30.0), rule(10.0, 10.0, 30.0)];
        let v = vec![
            rule(0.0, 0.0, 20.0),
            rule(10.0, 0.0, 20.0),
            rule(20.0, 0.0, 20.0),
            rule(30.0, 0.0, 20.0),
        ];
        let t = tables(&h, &v);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.ys, vec![0.0, 10.0, 20.0]);
        assert_eq!(t.cells(), 5);
        assert_eq!(t.rows(), vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(t.cell_at(5.0, 15.0), Some(0));
        assert_eq!(t.cell_at(25.0, 15.0), Some(4));
    }
}
