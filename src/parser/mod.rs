//! Aligning the token stream to a template: which cells belong to which row and column.
//!
//! One mechanism for every layout: walk the tokens; a text token that matches a row label
//! (after folding, with the label variants of the template) opens that row; the value and blank
//! tokens that follow are its cells, until text that is not a label, a row break, or the next
//! label (`rows`). The collected cells are then fitted to the row's column count: padding
//! blanks at the ends of the row (pipe runs, empty tab fields, merged-label cells) are dropped
//! first, digit runs split by the row's arithmetic (`cells`). Rows whose labels stand apart
//! from their cells are then placed between their filled neighbours (`gaps`). Table 四 has no row labels: its
//! cells are the one run of values after its header (`review`). Agency and year come from the
//! title (`title`), or the agency from the narrative when the title names none (`agency`).

mod agency;
mod cells;
mod gaps;
mod review;
mod rows;
mod solve;
mod title;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::html::{self, Origin};
use crate::report::{Report, Row, Table};
use crate::template::{Folded, FoldedTable, Key, TableKey, TableSpec, Template, Templates};
use crate::text::fold_label;
use crate::tokenize::{Kind, Token, tokenize};

pub use agency::{AgencyRules, AgencyRulesError};
use review::align_header_row;
use rows::{Record, TableIndex, align_labelled_rows};
use title::{dominant_year, title_metadata};

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
    /// The row's label stands apart from its cells (a converter moved it): the cells were
    /// placed by their position between the rows around them.
    Placed,
    /// The row's own arithmetic left several cuts of its digits open; the table's column
    /// relations chose one.
    TableInferred { runs: String },
    /// No cut of the digits adds up, but only one cut fits the row's cells (as many digits
    /// as cells): read as printed, for the checker to report what does not add up.
    Forced { runs: String },
    /// Digits printed without separators could not be split into cells (`solutions` ways
    /// add up; 0 means none does). `complete` is false when there were too many ways to cut
    /// the runs to try them all: `solutions` is then what was met before the search stopped.
    Unsplit {
        runs: String,
        solutions: usize,
        complete: bool,
    },
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
    let mut rec = Record::new(&mut notes);
    align_labelled_rows(
        &report.text,
        &tokens,
        folded,
        &indexes,
        &template.relations,
        &mut tables,
        &mut rec,
    );
    let pending = std::mem::take(&mut rec.pending);
    align_header_row(
        &report.text,
        &tokens,
        TableKey::Review,
        template.table(TableKey::Review),
        &template.relations,
        &mut tables[2],
        &mut notes,
    );
    for (t, key) in [TableKey::Active, TableKey::Applications]
        .into_iter()
        .enumerate()
    {
        gaps::fill_by_position(
            &report.text,
            &tokens,
            template.table(key),
            &mut tables,
            t,
            &mut notes,
        );
    }

    let (agency, year) = title_metadata(&report.text);
    report.agency = agency;
    report.year = year.or_else(|| dominant_year(&report.text));
    // An optional row (a variant some reports use) exists only when the report has it.
    for (table, key) in tables.iter_mut().zip(TableKey::ALL) {
        let spec = template.table(key);
        table
            .rows
            .retain(|r| r.located() || spec.row(r.key).is_none_or(|s| !s.optional));
    }
    if !pending.is_empty() {
        let keys = [TableKey::Active, TableKey::Applications];
        let specs = keys.map(|k| template.table(k));
        solve::solve(
            &mut tables[..2],
            &keys,
            &specs,
            &template.relations,
            pending,
            &mut notes,
        );
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
