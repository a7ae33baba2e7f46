//! Rows named by a label (tables 二 and 三): the walk over the tokens that opens a row at its
//! label and collects the cells that follow, and the matching of texts to the template's labels.

use std::ops::Range;

use super::cells::{fit, row_relations};
use super::solve::Pending;
use super::{MAX_LABEL_BYTES, NoteKind, ParseNote};
use crate::report::Table;
use crate::template::{
    Folded, MatchQuality, Needles, RelationSpec, TableKey, TableSpec, match_folded_suffix,
};
use crate::text::{fold_label, trim_space};
use crate::tokenize::{Kind, Token, Words};

/// One labelled table of the template, as the row aligner sees it.
pub(super) struct TableIndex<'t> {
    key: TableKey,
    /// (row index, folded alias)
    aliases: &'t [(usize, Folded)],
    anchors: &'t Needles,
    /// The anchors as written, for a cheap search in long text.
    raw_anchors: &'t Needles,
}

impl<'t> TableIndex<'t> {
    pub(super) fn new(key: TableKey, spec: &'t TableSpec) -> Self {
        TableIndex {
            key,
            aliases: &spec.folded.aliases,
            anchors: &spec.folded.anchor_needles,
            raw_anchors: &spec.folded.raw_anchor_needles,
        }
    }
}

/// The row currently collecting cells.
struct Open {
    table: usize,
    row: usize,
    label: Range<usize>,
    slots: Vec<Token>,
    /// A line of values printed just above the label, used when the label has none of its
    /// own: PDF text centres cells vertically beside labels that wrap over several lines.
    above: Vec<Token>,
    /// How the label matched the row's, and which of the template's labels it matched.
    quality: MatchQuality,
    alias: usize,
}

impl Open {
    fn new(found: Found, label: Range<usize>, above: Vec<Token>) -> Open {
        Open {
            table: found.table,
            row: found.row,
            label,
            slots: Vec::with_capacity(8),
            above,
            quality: found.quality,
            alias: found.alias,
        }
    }
}

/// The row a text names: its table and row indexes, how well the text matched, and the
/// index of the template label it matched in the table's aliases.
#[derive(Debug, Clone, Copy)]
struct Found {
    table: usize,
    row: usize,
    quality: MatchQuality,
    alias: usize,
}

/// True when `a` and `b` (byte offsets, `a <= b`) are on the same line of `text`.
fn same_line(text: &str, a: usize, b: usize) -> bool {
    !text.as_bytes()[a..b].contains(&b'\n')
}

/// True when `run` is a line of values and nothing else: what PDF text prints for a row whose
/// cells stand apart from its (wrapped) label.
fn whole_line_of_values(text: &str, run: &[Token]) -> bool {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return false;
    };
    let line_start = text[..first.span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[last.span.end..]
        .find('\n')
        .map_or(text.len(), |i| last.span.end + i);
    run.iter().all(|t| t.kind == Kind::Value)
        && same_line(text, first.span.start, last.span.end)
        && trim_space(&text[line_start..first.span.start]).is_empty()
        && trim_space(&text[last.span.end..line_end]).is_empty()
}

/// What the walk records beside the cells: the notes for the reviewer, the rows whose
/// readings the table's column relations must choose between, and the rows a gapped label
/// filled (which a better label met later takes over).
pub(super) struct Record<'a> {
    pub notes: &'a mut Vec<ParseNote>,
    pub pending: Vec<Pending>,
    gapped: Vec<(usize, usize)>,
}

impl<'a> Record<'a> {
    pub(super) fn new(notes: &'a mut Vec<ParseNote>) -> Self {
        Record {
            notes,
            pending: Vec::new(),
            gapped: Vec::new(),
        }
    }
}

pub(super) fn align_labelled_rows(
    text: &str,
    tokens: &[Token],
    prefolded: Vec<(usize, Folded)>,
    indexes: &[TableIndex],
    rels: &[RelationSpec],
    tables: &mut [Table],
    rec: &mut Record,
) {
    let mut prefolded = prefolded.into_iter().peekable();
    let mut started = vec![false; indexes.len()];
    let mut open: Option<Open> = None;
    // The latest line of values seen while no row was open.
    let mut orphans: Vec<Token> = Vec::new();
    for (ti, tok) in tokens.iter().enumerate() {
        // Digits glued right after the text: web text, where short labels ("规章") end
        // runs of header text.
        let glued = tokens
            .get(ti + 1)
            .is_some_and(|n| n.kind == Kind::Run && n.span.start == tok.span.end);
        let min_suffix = if glued { 2 } else { 4 };
        match tok.kind {
            Kind::Text => {
                let s = &text[tok.span.clone()];
                if s.len() > MAX_LABEL_BYTES {
                    // Narrative, or web text whose headers and labels run together: only its
                    // end can be a row label ("…其他一、本年新收政府信息公开申请数量").
                    if open.as_ref().is_some_and(|o| !o.slots.is_empty()) {
                        finish(open.take(), text, indexes, rels, tables, rec);
                    }
                    orphans.clear();
                    for (i, idx) in indexes.iter().enumerate() {
                        if !started[i] && idx.raw_anchors.any_in(s) {
                            started[i] = true;
                            tables[i].anchor.get_or_insert(tok.span.clone());
                        }
                    }
                    let mut cut = s.len() - MAX_LABEL_BYTES / 2;
                    while !s.is_char_boundary(cut) {
                        cut += 1;
                    }
                    let tail = &s[cut..];
                    let rows = Candidates {
                        indexes,
                        started: &started,
                        gapped: &rec.gapped,
                        tables,
                        min_suffix,
                    };
                    if let Some(found) = best_row(&Folded::new(fold_label(tail)), &rows) {
                        let label = tok.span.start + cut..tok.span.end;
                        open = Some(Open::new(found, label, Vec::new()));
                    }
                    continue;
                }
                while prefolded.next_if(|(i, _)| *i < ti).is_some() {}
                let folded = &match prefolded.next_if(|(i, _)| *i == ti) {
                    Some((_, f)) => f,
                    None => Folded::new(fold_label(s)),
                };
                for (i, idx) in indexes.iter().enumerate() {
                    if !started[i] && idx.anchors.any_in(folded.text()) {
                        started[i] = true;
                        tables[i].anchor.get_or_insert(tok.span.clone());
                    }
                }
                let rows = Candidates {
                    indexes,
                    started: &started,
                    gapped: &rec.gapped,
                    tables,
                    min_suffix,
                };
                if let Some((found, span)) = find_row(s, folded, tok.span.start, &rows) {
                    finish(open.take(), text, indexes, rels, tables, rec);
                    open = Some(Open::new(found, span, std::mem::take(&mut orphans)));
                } else if open
                    .as_ref()
                    .is_some_and(|o| !o.slots.is_empty() || !o.above.is_empty())
                {
                    finish(open.take(), text, indexes, rels, tables, rec);
                }
            }
            Kind::Value | Kind::Blank | Kind::Run => match open.as_mut() {
                // A row printed on one line is complete; values on a following line belong
                // to a label still to come (PDF text: "31 0 0 0 0 0 31", then the next row's
                // values above its label).
                Some(o)
                    if tok.kind == Kind::Value
                        && o.slots.len() == tables[o.table].rows[o.row].columns.len()
                        && o.slots.iter().all(|t| t.kind == Kind::Value)
                        && same_line(
                            text,
                            o.slots[0].span.start,
                            o.slots[o.slots.len() - 1].span.end,
                        )
                        && !same_line(text, o.slots[0].span.start, tok.span.start) =>
                {
                    finish(open.take(), text, indexes, rels, tables, rec);
                    orphans = vec![tok.clone()];
                }
                Some(o) => o.slots.push(tok.clone()),
                None => {
                    if orphans
                        .last()
                        .is_some_and(|l| !same_line(text, l.span.end, tok.span.start))
                    {
                        orphans.clear();
                    }
                    orphans.push(tok.clone());
                }
            },
            Kind::Break => {
                orphans.clear();
                if open.as_ref().is_some_and(|o| !o.slots.is_empty()) {
                    finish(open.take(), text, indexes, rels, tables, rec);
                }
            }
        }
    }
    finish(open.take(), text, indexes, rels, tables, rec);
}

/// Finds the row a text token names. Tries the whole text, then runs of its space-separated
/// words (PDF text glues stray characters of merged cells to labels: "本 2.其他法律…").
fn find_row(
    s: &str,
    folded: &Folded,
    base: usize,
    rows: &Candidates,
) -> Option<(Found, Range<usize>)> {
    if let Some(found) = best_row(folded, rows) {
        return Some((found, base..base + s.len()));
    }
    let words: Vec<(usize, usize)> = word_bounds(s);
    if words.len() < 2 || words.len() > 8 {
        return None;
    }
    for len in (1..words.len()).rev() {
        for start in 0..=words.len() - len {
            let cand = words[start].0..words[start + len - 1].1;
            let folded = fold_label(&s[cand.clone()]);
            if folded.is_empty() {
                continue;
            }
            if let Some(found) = best_row(&Folded::new(folded), rows) {
                return Some((found, base + cand.start..base + cand.end));
            }
        }
    }
    None
}

/// What a text may name: the rows of the tables started so far, with the rows a gapped label
/// filled (which a better label may take over), and the shortest label that may end glued text.
struct Candidates<'a> {
    indexes: &'a [TableIndex<'a>],
    started: &'a [bool],
    gapped: &'a [(usize, usize)],
    tables: &'a [Table],
    min_suffix: usize,
}

/// The best-matching row of a started table for one folded candidate: an unfilled row, or
/// one a gapped label filled when the candidate matches it better.
fn best_row(folded: &Folded, rows: &Candidates) -> Option<Found> {
    let Candidates {
        indexes,
        started,
        gapped,
        tables,
        min_suffix,
    } = *rows;
    let mut best: Option<(MatchQuality, usize, usize, usize)> = None;
    let probe = folded.probe();
    for (ti, idx) in indexes.iter().enumerate() {
        if !started[ti] {
            continue;
        }
        for (ai, (ri, alias)) in idx.aliases.iter().enumerate() {
            if !alias.may_match(&probe) {
                continue;
            }
            // A filled row is taken again only from a gapped label, by a better one: any
            // other repeated label is a heading or narrative.
            let refill = tables[ti].rows[*ri].label_span.is_some();
            if refill && !gapped.contains(&(ti, *ri)) {
                continue;
            }
            if let Some(q) = match_folded_suffix(folded, alias, min_suffix)
                && (!refill || q < MatchQuality::Gapped)
                && best.is_none_or(|(bq, ..)| q < bq)
            {
                best = Some((q, ti, *ri, ai));
            }
        }
    }
    best.map(|(quality, table, row, alias)| Found {
        table,
        row,
        quality,
        alias,
    })
}

fn word_bounds(s: &str) -> Vec<(usize, usize)> {
    Words::new(s).take(9).map(|(a, b, _)| (a, b)).collect()
}

fn finish(
    open: Option<Open>,
    text: &str,
    indexes: &[TableIndex],
    rels: &[RelationSpec],
    tables: &mut [Table],
    rec: &mut Record,
) {
    let Some(mut o) = open else { return };
    let Record {
        notes,
        pending,
        gapped,
    } = rec;
    let row = &mut tables[o.table].rows[o.row];
    let expected = row.columns.len();
    if o.slots.is_empty() && o.above.len() == expected && whole_line_of_values(text, &o.above) {
        o.slots = std::mem::take(&mut o.above);
    }
    if o.slots.is_empty() {
        return; // a group label, or a label with no cells: leave the row for a later match
    }
    // A short run of blanks after a label is separator padding ("（六）其他处理 | |||"),
    // not a row: a genuinely empty row has a blank for every column.
    if o.slots.len() < expected && o.slots.iter().all(|t| t.kind == Kind::Blank) {
        return;
    }
    let key = indexes[o.table].key;
    // Only digit runs need the row's arithmetic (to be split).
    let row_rels = if o.slots.iter().any(|t| t.kind == Kind::Run) {
        row_relations(rels, key, &row.columns, 0)
    } else {
        Vec::new()
    };
    let fitted = fit(text, o.slots, expected, &row_rels);
    let slot = (o.table, o.row);
    if let Some(k) = gapped.iter().position(|g| *g == slot) {
        // A better label for a row a gapped one filled: the row is read from it instead.
        gapped.swap_remove(k);
        notes.retain(|n| !(n.table == key && n.row == row.key));
    }
    if o.quality == MatchQuality::Gapped {
        gapped.push(slot);
        notes.push(ParseNote {
            table: key,
            row: row.key,
            span: o.label.clone(),
            kind: NoteKind::GappedLabel {
                label: indexes[o.table].aliases[o.alias].1.text().to_string(),
            },
        });
    }
    if let Some(kind) = fitted.note {
        notes.push(ParseNote {
            table: key,
            row: row.key,
            span: o.label.clone(),
            kind,
        });
    }
    row.cells = fitted.cells;
    row.label_span = Some(o.label.clone());
    pending.retain(|p| (p.table, p.row) != (o.table, row.key));
    if !fitted.readings.is_empty() {
        pending.push(Pending {
            table: o.table,
            row: row.key,
            label: o.label,
            readings: fitted.readings,
        });
    }
}
