//! Aligning the token stream to a template: which cells belong to which row and column.
//!
//! One mechanism for every layout: walk the tokens; a text token that matches a row label
//! (after folding, with the label variants of the template) opens that row; the value and blank
//! tokens that follow are its cells, until text that is not a label, a row break, or the next
//! label. The collected cells are then fitted to the row's column count: padding blanks at the
//! ends of the row (pipe runs, empty tab fields, merged-label cells) are dropped first.
//! Table 四 has no row labels: its cells are the one run of values after its header.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use regex::Regex;

use crate::html::{self, Origin};
use crate::report::{Cell, Report, Row, Table};
use crate::split::{Piece, RowRelation, Split, split};
use crate::template::{
    Folded, FoldedTable, Key, MatchQuality, Needles, TableKey, TableSpec, Template, Templates,
    match_folded_suffix,
};
use crate::template::{ForEach, RelationSpec, key_matches};
use crate::text::{fold_label, parse_trimmed, parse_value, trim_space};
use crate::tokenize::{Kind, Token, Words, tokenize};

/// Something the parser noticed about the layout that the reviewer should know.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseNote {
    pub table: TableKey,
    pub row: Key,
    pub span: Range<usize>,
    pub kind: NoteKind,
}

/// What the parser noticed about a row.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteKind {
    /// The report has `found` cells for the row where the template expects `expected`.
    CellCount { found: usize, expected: usize },
    /// Cells were split from digits printed without separators; `runs` is what was printed.
    Inferred { runs: String },
    /// Digits printed without separators could not be split into cells (`solutions` ways
    /// add up; 0 means none does).
    Unsplit { runs: String, solutions: usize },
    /// The row's label is printed with characters missing (see [`MatchQuality::Gapped`]):
    /// the note's span is the label as printed; `label` is the template's label it matched
    /// (folded).
    GappedLabel { label: String },
}

/// A parsed report and the notes taken while parsing it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub report: Report,
    pub notes: Vec<ParseNote>,
}

/// One labelled table of the template, as the row aligner sees it.
struct TableIndex<'t> {
    key: TableKey,
    /// (row index, folded alias)
    aliases: &'t [(usize, Folded)],
    anchors: &'t Needles,
    /// The anchors as written, for a cheap search in long text.
    raw_anchors: &'t Needles,
}

impl<'t> TableIndex<'t> {
    fn new(key: TableKey, spec: &'t TableSpec) -> Self {
        TableIndex {
            key,
            aliases: &spec.folded.aliases,
            anchors: &spec.folded.anchor_needles,
            raw_anchors: &spec.folded.raw_anchor_needles,
        }
    }
}

/// Parses decoded report text with the template detected from its wording.
pub fn parse(path: PathBuf, text: String, encoding: &'static str, templates: &Templates) -> Parsed {
    let (text, origin) = extract_html(text);
    let detected = templates.detect(&text);
    let template = match detected.or_else(|| templates.all.last()) {
        Some(t) => t,
        None => {
            let mut report = Report::new(path, text, encoding);
            report.origin = origin;
            return Parsed {
                report,
                notes: Vec::new(),
            };
        }
    };
    let mut parsed = parse_text(path, text, origin, encoding, template);
    parsed.report.template = detected.map(|t| t.id.clone());
    parsed
}

/// The text of an HTML page (layout G) and where it came from; other text as it is.
fn extract_html(text: String) -> (String, Option<Arc<Origin>>) {
    if html::looks_like_html(&text) {
        let ex = html::extract(text);
        (ex.text, Some(Arc::new(ex.origin)))
    } else {
        (text, None)
    }
}

/// Parses decoded report text against one given template.
pub fn parse_with(
    path: PathBuf,
    text: String,
    encoding: &'static str,
    template: &Template,
) -> Parsed {
    let (text, origin) = extract_html(text);
    parse_text(path, text, origin, encoding, template)
}

fn parse_text(
    path: PathBuf,
    text: String,
    origin: Option<Arc<Origin>>,
    encoding: &'static str,
    template: &Template,
) -> Parsed {
    let mut report = Report::new(path, text, encoding);
    report.origin = origin;
    report.template = Some(template.id.clone());
    let tokens = tokenize(&report.text);
    let mut notes = Vec::new();

    // Labels folded while looking for optional columns, kept for the row aligner.
    let mut folded = Vec::new();
    let mut tables: Vec<Table> = TableKey::ALL
        .iter()
        .map(|&key| {
            let spec = template.table(key);
            let extra = optional_columns(&report.text, &tokens, spec, &mut folded);
            empty_table(key, spec, extra)
        })
        .collect();

    let indexes: Vec<TableIndex> = [TableKey::Active, TableKey::Applications]
        .into_iter()
        .map(|k| TableIndex::new(k, template.table(k)))
        .collect();
    align_labelled_rows(
        &report.text,
        &tokens,
        folded,
        &indexes,
        &template.relations,
        &mut tables,
        &mut notes,
    );
    align_header_row(
        &report.text,
        &tokens,
        TableKey::Review,
        template.table(TableKey::Review),
        &template.relations,
        &mut tables[2],
        &mut notes,
    );

    let (agency, year) = title_metadata(&report.text);
    report.agency = agency;
    report.year = year.or_else(|| dominant_year(&report.text));
    // An optional row (a variant some reports use) exists only when the report has it.
    for (table, key) in tables.iter_mut().zip(TableKey::ALL) {
        let spec = template.table(key);
        table
            .rows
            .retain(|r| r.found() || spec.row(r.key).is_none_or(|s| !s.optional));
    }
    report.tables = tables;
    Parsed { report, notes }
}

fn empty_table(key: TableKey, spec: &TableSpec, extra_columns: Vec<Key>) -> Table {
    Table {
        key,
        anchor: None,
        rows: spec
            .rows
            .iter()
            .map(|r| {
                let columns = spec.row_columns_with(r, &extra_columns);
                Row {
                    key: r.key,
                    cells: vec![None; columns.len()],
                    columns,
                    label_span: None,
                }
            })
            .collect(),
        extra_columns,
    }
}

/// Optional columns whose header the report prints between the table's anchor and its first
/// row label (the header area). The texts it folds are appended to `folded` with their token
/// index (those past its end), for the row aligner to reuse.
fn optional_columns(
    text: &str,
    tokens: &[Token],
    spec: &TableSpec,
    folded: &mut Vec<(usize, Folded)>,
) -> Vec<Key> {
    let FoldedTable {
        optional_columns: optional,
        anchor_needles,
        first_row_needles,
        ..
    } = &spec.folded;
    if optional.is_empty() {
        return Vec::new();
    }
    let mut in_header = false;
    let mut found = Vec::new();
    let short_texts = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == Kind::Text && t.span.len() <= MAX_LABEL_BYTES);
    for (i, t) in short_texts {
        // Kept for the aligner only up to a bound: a report without this header would
        // otherwise keep every short text folded at once.
        let own;
        let f: &str = match folded.binary_search_by_key(&i, |(j, _)| *j) {
            Ok(k) => folded[k].1.text(),
            Err(_) => {
                let g = Folded::new(fold_label(&text[t.span.clone()]));
                if folded.len() < MAX_PREFOLDED && folded.last().is_none_or(|(l, _)| *l < i) {
                    folded.push((i, g));
                    folded[folded.len() - 1].1.text()
                } else {
                    own = g;
                    own.text()
                }
            }
        };
        if !in_header {
            in_header = anchor_needles.any_in(f);
            continue;
        }
        if first_row_needles.any_in(f) {
            break;
        }
        for (key, labels) in optional {
            if labels.iter().any(|l| f == l || f.ends_with(l.as_str())) && !found.contains(key) {
                found.push(*key);
            }
        }
    }
    found
}

/// At most this many labels folded while looking for optional columns are kept for the row
/// aligner (the rest it folds again).
const MAX_PREFOLDED: usize = 4096;

/// Text longer than this (in bytes) is narrative, never a row label or table anchor: the
/// longest label with its qualification is under 100 bytes.
const MAX_LABEL_BYTES: usize = 240;

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

fn align_labelled_rows(
    text: &str,
    tokens: &[Token],
    prefolded: Vec<(usize, Folded)>,
    indexes: &[TableIndex],
    rels: &[RelationSpec],
    tables: &mut [Table],
    notes: &mut Vec<ParseNote>,
) {
    let mut prefolded = prefolded.into_iter().peekable();
    let mut started = vec![false; indexes.len()];
    let mut open: Option<Open> = None;
    // The latest line of values seen while no row was open.
    let mut orphans: Vec<Token> = Vec::new();
    // Rows filled from a gapped label: a better label met later takes them over.
    let mut gapped: Vec<(usize, usize)> = Vec::new();
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
                        finish(open.take(), text, indexes, rels, tables, notes, &mut gapped);
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
                        gapped: &gapped,
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
                    gapped: &gapped,
                    tables,
                    min_suffix,
                };
                if let Some((found, span)) = find_row(s, folded, tok.span.start, &rows) {
                    finish(open.take(), text, indexes, rels, tables, notes, &mut gapped);
                    open = Some(Open::new(found, span, std::mem::take(&mut orphans)));
                } else if open
                    .as_ref()
                    .is_some_and(|o| !o.slots.is_empty() || !o.above.is_empty())
                {
                    finish(open.take(), text, indexes, rels, tables, notes, &mut gapped);
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
                    finish(open.take(), text, indexes, rels, tables, notes, &mut gapped);
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
                    finish(open.take(), text, indexes, rels, tables, notes, &mut gapped);
                }
            }
        }
    }
    finish(open.take(), text, indexes, rels, tables, notes, &mut gapped);
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
    notes: &mut Vec<ParseNote>,
    gapped: &mut Vec<(usize, usize)>,
) {
    let Some(mut o) = open else { return };
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
    let (cells, note) = fit(text, o.slots, expected, &row_rels);
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
    if let Some(kind) = note {
        notes.push(ParseNote {
            table: key,
            row: row.key,
            span: o.label.clone(),
            kind,
        });
    }
    row.cells = cells;
    row.label_span = Some(o.label);
}

/// The template's row relations of `table` in column indexes of a row with `columns`,
/// shifted by `offset` (table 四 lays its three groups out in one row).
fn row_relations(
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
fn fit(
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
    match split(&pieces, n, rels) {
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
        Split::Ambiguous(solutions) => (vec![None; n], Some(NoteKind::Unsplit { runs, solutions })),
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

/// Table 四: after the header (which starts with one of the anchors), the first run of
/// value and blank tokens is the data row, in template order of rows and columns.
fn align_header_row(
    text: &str,
    tokens: &[Token],
    key: TableKey,
    spec: &TableSpec,
    rels: &[RelationSpec],
    table: &mut Table,
    notes: &mut Vec<ParseNote>,
) {
    let FoldedTable {
        anchors,
        column_heads,
        raw_anchor_needles,
        ..
    } = &spec.folded;
    let n: usize = table.rows.iter().map(|r| r.columns.len()).sum();
    // The header is the anchor followed closely by the other group labels ("行政诉讼").
    let Some(start) = tokens.iter().enumerate().position(|(i, t)| {
        if t.kind != Kind::Text {
            return false;
        }
        let raw = &text[t.span.clone()];
        if !raw_anchor_needles.any_in(raw) {
            return false;
        }
        let f = fold_label(raw);
        // The whole header glued into one text (web text): anchor and column heads together.
        if column_heads.iter().any(|h| f.contains(h.as_str())) {
            return true;
        }
        t.span.len() <= MAX_LABEL_BYTES
            && anchors.iter().any(|a| f.starts_with(a.as_str()))
            && tokens[i + 1..]
                .iter()
                .filter(|u| u.kind == Kind::Text)
                .take(3)
                .any(|u| {
                    let f = fold_label(&text[u.span.clone()]);
                    f.contains("行政诉讼") || f.contains("结果维持") || f.contains("结果")
                })
    }) else {
        return;
    };
    table.anchor = Some(tokens[start].span.clone());
    let mut slots: Vec<Token> = Vec::new();
    for tok in &tokens[start + 1..] {
        match tok.kind {
            Kind::Text => {
                if slots
                    .iter()
                    .any(|s| matches!(s.kind, Kind::Value | Kind::Run))
                {
                    break;
                }
                slots.clear();
            }
            Kind::Value | Kind::Blank | Kind::Run => slots.push(tok.clone()),
            Kind::Break => {}
        }
    }
    if slots.is_empty() {
        return;
    }
    let mut row_rels = Vec::new();
    let mut offset = 0;
    for r in &table.rows {
        row_rels.extend(row_relations(rels, key, &r.columns, offset));
        offset += r.columns.len();
    }
    let (cells, note) = fit(text, slots, n, &row_rels);
    if let Some(kind) = note {
        let row = table.rows.first().map_or("", |r| r.key);
        notes.push(ParseNote {
            table: key,
            row,
            span: tokens[start].span.clone(),
            kind,
        });
    }
    let mut it = cells.into_iter();
    for row in &mut table.rows {
        for c in row.cells.iter_mut() {
            *c = it.next().flatten();
        }
        row.label_span = Some(tokens[start].span.clone());
    }
}

fn title_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:标题\s*[:：]\s*)?(.*?)\s*(\d{4})\s*年度?\s*(?:政府信息公开|政务公开|信息公开).*报告")
            .expect("static regex")
    })
}

/// Agency and year from the report's title. Titles are often broken over two or three short
/// lines ("文峰区人民政府2019年政府" / "信息公开工作年度报告"), so windows of up to three
/// consecutive short lines among the first ones are tried, shortest first.
fn title_metadata(text: &str) -> (Option<String>, Option<i32>) {
    let lines: Vec<&str> = text
        .lines()
        .map(trim_space)
        .filter(|l| !l.is_empty())
        .take(12)
        .collect();
    for start in 0..lines.len() {
        for len in 1..=3 {
            let window = &lines[start..(start + len).min(lines.len())];
            if window.len() < len || window.iter().any(|l| l.chars().count() > 60) {
                break;
            }
            let joined: String = window.concat();
            if let Some(c) = title_regex().captures(&joined) {
                let agency = trim_space(&c[1]).to_string();
                return ((!agency.is_empty()).then_some(agency), c[2].parse().ok());
            }
        }
    }
    (None, None)
}

/// The year most often written as "20xx年" in the text: the report year when no title says it.
fn dominant_year(text: &str) -> Option<i32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(20\d\d)\s*年").expect("static regex"));
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for c in re.captures_iter(text) {
        let y: i32 = c[1].parse().ok()?;
        match counts.iter_mut().find(|(yy, _)| *yy == y) {
            Some((_, n)) => *n += 1,
            None => counts.push((y, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map(|(y, _)| y)
}
