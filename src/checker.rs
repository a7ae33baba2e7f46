//! Checking a parsed report: the template's relations (errors) and the soft checks (warnings).
//!
//! Every relation is evaluated on the numbers as published, a printed blank cell counting as 0.
//! Three outcomes, because an error finding is an accusation against the body that published
//! the report:
//! - `error`: every operand was read and the relation fails: the printed table is inconsistent;
//! - `unchecked`: an operand could not be read (a row not found, a row short of cells, digits
//!   that could not be cut into cells): unread is unknown, never 0, so the relation is neither
//!   passed nor failed, and the finding names the unread cells;
//! - `warning`: everything else worth a reviewer's look (blank cells, missing rows, …).
//!
//! When one cell sits in two or more failing relations and one value for it satisfies all of
//! them, that cell and value are the finding's `suggestion`: the likely intended number.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::parser::{NoteKind, ParseNote};
use crate::report::{Report, Row, Table};
use crate::template::{ForEach, Key, RelationSpec, TableKey, TableSpec, Template, key_matches};
use crate::text::{Value, format_num};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A relation fails on cells that were all read: the printed table is inconsistent.
    Error,
    /// A relation could not be evaluated: some of its cells could not be read.
    Unchecked,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Unchecked => "unchecked",
            Severity::Warning => "warning",
        }
    }
}

/// The cell and value that would satisfy every failing relation the cell is part of.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub row: Key,
    pub column: Key,
    pub value: f64,
    /// Ids of the relations the value satisfies.
    pub resolves: Vec<Key>,
}

/// One problem with a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Key,
    pub severity: Severity,
    pub table: TableKey,
    /// (row key, column key) of every cell the finding involves.
    pub cells: Vec<(Key, Key)>,
    pub expected: Option<f64>,
    pub found: Option<f64>,
    pub message: String,
    pub suggestion: Option<Suggestion>,
    /// Where the finding stands in the text (the first stated cell, or the row label).
    pub span: Option<Range<usize>>,
    /// For relation findings: how many of `cells` (the first ones) are on the stated side.
    pub stated_cells: usize,
    /// For unchecked findings: (row key, column key) of the operands that could not be read
    /// (`cells` holds the ones that were). Empty for every other finding.
    pub unread: Vec<(Key, Key)>,
    /// For findings on the narrative: byte range into `Report::text` of the sentence (or
    /// heading) the finding quotes. `None` for findings on the tables.
    pub quote: Option<Range<usize>>,
}

impl Finding {
    /// A warning about `table` that names no cell.
    pub fn warning(rule: Key, table: TableKey, message: String) -> Finding {
        Finding {
            rule,
            severity: Severity::Warning,
            table,
            cells: Vec::new(),
            expected: None,
            found: None,
            message,
            suggestion: None,
            span: None,
            stated_cells: 0,
            unread: Vec::new(),
            quote: None,
        }
    }

    /// A relation that could not be evaluated because of the `unread` operands.
    fn unchecked(rel: &RelationSpec, table: TableKey, message: String) -> Finding {
        Finding {
            severity: Severity::Unchecked,
            ..Finding::warning(rel.id, table, message)
        }
    }
}

/// All findings for `report`, errors first, in a stable order.
pub fn check(report: &Report, template: &Template, notes: &[ParseNote]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let found_tables: Vec<TableKey> = report
        .tables
        .iter()
        .filter(|t| t.located())
        .map(|t| t.key)
        .collect();
    for rel in &template.relations {
        if let Some(key) = TableKey::parse(&rel.table)
            && let Some(table) = report.table(key).filter(|t| t.located())
        {
            check_relation(rel, template.table(key), table, &mut findings);
        }
    }
    suggest(&mut findings, report);
    structure_checks(report, template, notes, &found_tables, &mut findings);
    cell_checks(report, template, &mut findings);
    active_plausibility(report, template, &mut findings);
    // The narrative against the tables and the report's sections, when some table was read
    // (a text without tables is unreadable, and says so).
    if report.tables.iter().any(Table::found)
        && let Some(rules) = crate::narrative::CheckRules::embedded()
    {
        findings.extend(crate::narrative::narrative_table(report, template, rules));
        findings.extend(crate::narrative::section_checks(report, rules));
    }
    // Errors first, then unchecked relations, then warnings, each group in the order found
    // (a stable sort on the severity alone).
    findings.sort_by_key(|f| f.severity);
    findings
}

/// A cell's number for the relations: blank, text and absent count as 0.
fn num(row: &Row, column: &str) -> f64 {
    row.cell(column).map_or(0.0, |c| c.value.as_f64())
}

/// The number of a row's `i`-th cell, as [`num`] counts it.
fn num_at(row: &Row, i: usize) -> f64 {
    row.cells
        .get(i)
        .and_then(Option::as_ref)
        .map_or(0.0, |c| c.value.as_f64())
}

/// Where `column`, the template's `ci`-th column, stands in `row`: at `ci` in nearly every row
/// (one pointer comparison, keys being interned), else wherever the row has it.
fn column_index(row: &Row, ci: usize, column: Key) -> Option<usize> {
    match row.columns.get(ci) {
        Some(c) if std::ptr::eq(*c, column) || *c == column => Some(ci),
        _ => row.columns.iter().position(|c| *c == column),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// The short (Chinese) name of a row, for messages.
fn short_name<'a>(spec: &'a TableSpec, row: &'a Row) -> &'a str {
    spec.row(row.key).map_or(row.key, |r| r.short.as_str())
}

/// "a 14 + b blank" style: how one side of a failing relation was printed, blanks said as
/// blank (counted as 0) so that a message never claims the report printed a 0.
fn printed(cell: Option<&crate::report::Cell>) -> String {
    match cell.map(|c| &c.value) {
        Some(Value::Blank) => "blank".into(),
        Some(v) => format_num(v.as_f64()),
        None => "unread".into(),
    }
}

/// The names of the unread cells of an unchecked relation, for its message.
fn unread_names(unread: &[(Key, Key)], table: &Table, spec: &TableSpec, by_row: bool) -> String {
    let mut names: Vec<String> = unread
        .iter()
        .map(|(r, c)| {
            if by_row {
                spec.columns
                    .iter()
                    .find(|col| col.key == *c)
                    .and_then(|col| col.labels.first())
                    .map_or_else(|| c.to_string(), |l| l.clone())
            } else {
                table
                    .row(r)
                    .map_or_else(|| r.to_string(), |row| short_name(spec, row).to_string())
            }
        })
        .collect();
    if names.len() > 4 {
        let more = names.len() - 3;
        names.truncate(3);
        names.push(format!("{more} more"));
    }
    names.join(", ")
}

fn check_relation(rel: &RelationSpec, spec: &TableSpec, table: &Table, out: &mut Vec<Finding>) {
    match rel.for_each {
        ForEach::Column => {
            let pick = |pats: &[String]| -> Vec<&Row> {
                table
                    .rows
                    .iter()
                    .filter(|r| table.expects(r) && pats.iter().any(|p| key_matches(p, r.key)))
                    .collect()
            };
            let stated = pick(&rel.stated);
            let computed = pick(&rel.computed);
            // A table of which no cell was read has nothing to check down its columns: its
            // unread rows are named by their own notes and row relations.
            if stated.is_empty() || computed.is_empty() || !table.found() {
                return;
            }
            for (ci, col) in spec.columns.iter().enumerate() {
                // The common case first, allocating nothing: every operand read, the sides equal.
                let tally = |rows: &[&Row]| -> (usize, bool, f64) {
                    let (mut n, mut unread, mut sum) = (0, false, 0.0);
                    for r in rows {
                        if let Some(i) = column_index(r, ci, col.key) {
                            n += 1;
                            match &r.cells[i] {
                                Some(c) => sum += c.value.as_f64(),
                                None => unread = true,
                            }
                        }
                    }
                    (n, unread, sum)
                };
                let (sn, su, ss) = tally(&stated);
                let (cn, cu, cs) = tally(&computed);
                if sn == 0 || cn == 0 || (!su && !cu && close(ss, cs)) {
                    continue;
                }
                let label = col.labels.first().map_or(col.key, String::as_str);
                // Each operand: the row and the index of this column in it; rows without the
                // column (an optional one) are no operand.
                let side = |rows: &[&'_ Row]| -> Vec<(usize, usize)> {
                    rows.iter()
                        .enumerate()
                        .filter_map(|(k, r)| column_index(r, ci, col.key).map(|i| (k, i)))
                        .collect()
                };
                let (s_ops, c_ops) = (side(&stated), side(&computed));
                if s_ops.is_empty() || c_ops.is_empty() {
                    continue;
                }
                let unread: Vec<(Key, Key)> = s_ops
                    .iter()
                    .map(|&(k, i)| (stated[k], i))
                    .chain(c_ops.iter().map(|&(k, i)| (computed[k], i)))
                    .filter(|(r, i)| r.cells[*i].is_none())
                    .map(|(r, _)| (r.key, col.key))
                    .collect();
                let read_cells = |rows: &[&Row], ops: &[(usize, usize)]| -> Vec<(Key, Key)> {
                    ops.iter()
                        .filter(|&&(k, i)| rows[k].cells[i].is_some())
                        .map(|&(k, _)| (rows[k].key, col.key))
                        .collect()
                };
                let stated_read = read_cells(&stated, &s_ops);
                let mut cells = stated_read.clone();
                cells.extend(read_cells(&computed, &c_ops));
                if !unread.is_empty() {
                    let mut f = Finding::unchecked(
                        rel,
                        table.key,
                        format!(
                            "{label}: not checked, {} cell(s) could not be read: {} ({})",
                            unread.len(),
                            unread_names(&unread, table, spec, false),
                            rel.describe
                        ),
                    );
                    f.stated_cells = stated_read.len();
                    f.cells = cells;
                    f.unread = unread;
                    f.span = stated
                        .iter()
                        .find_map(|r| r.cell(col.key))
                        .map(|c| c.span.clone())
                        .or_else(|| table.anchor.clone());
                    out.push(f);
                    continue;
                }
                let sum = |rows: &[&Row], ops: &[(usize, usize)]| -> f64 {
                    ops.iter().map(|&(k, i)| num_at(rows[k], i)).sum()
                };
                let (found, expected) = (sum(&stated, &s_ops), sum(&computed, &c_ops));
                if close(found, expected) {
                    continue;
                }
                let stated_names = names(&stated, spec);
                let stated_shown = match s_ops.as_slice() {
                    [(k, i)] => printed(stated[*k].cells[*i].as_ref()),
                    _ => format_num(found),
                };
                let computed_names = if computed.len() > 3 {
                    "the result rows".to_string()
                } else {
                    names(&computed, spec)
                };
                out.push(Finding {
                    rule: rel.id,
                    severity: Severity::Error,
                    table: table.key,
                    span: stated
                        .first()
                        .and_then(|r| r.cell(col.key))
                        .map(|c| c.span.clone()),
                    stated_cells: stated_read.len(),
                    cells,
                    expected: Some(expected),
                    found: Some(found),
                    message: format!(
                        "{label}: {stated_names} is {stated_shown}, but {computed_names} sum to {} ({})",
                        format_num(expected),
                        rel.describe
                    ),
                    suggestion: None,
                    unread: Vec::new(),
                    quote: None,
                });
            }
        }
        ForEach::Row => {
            // Column indexes of the relation's two sides for the last row shape seen: rows of a
            // table mostly share their columns, so the patterns are matched once per shape.
            let mut shape: Option<(&[Key], Vec<usize>, Vec<usize>)> = None;
            // Rows the report prints, read whole or in part; a row not found at all is the
            // missing_row warning's.
            for row in table
                .rows
                .iter()
                .filter(|r| r.found() || r.label_span.is_some())
            {
                if shape
                    .as_ref()
                    .is_none_or(|(cols, _, _)| !same_keys(cols, &row.columns))
                {
                    let cols = |pats: &[String]| -> Vec<usize> {
                        (0..row.columns.len())
                            .filter(|&i| pats.iter().any(|p| key_matches(p, row.columns[i])))
                            .collect()
                    };
                    shape = Some((&row.columns, cols(&rel.stated), cols(&rel.computed)));
                }
                let Some((_, stated, computed)) = &shape else {
                    continue;
                };
                if stated.is_empty() || computed.is_empty() {
                    continue;
                }
                // The common case first, allocating nothing: every operand read, the sides equal.
                let all_read = stated
                    .iter()
                    .chain(computed)
                    .all(|&i| row.cells[i].is_some());
                if all_read
                    && close(
                        stated.iter().map(|&i| num_at(row, i)).sum(),
                        computed.iter().map(|&i| num_at(row, i)).sum(),
                    )
                {
                    continue;
                }
                let short = short_name(spec, row);
                let cells: Vec<(Key, Key)> = stated
                    .iter()
                    .chain(computed)
                    .filter(|&&i| row.cells[i].is_some())
                    .map(|&i| (row.key, row.columns[i]))
                    .collect();
                let stated_read = stated.iter().filter(|&&i| row.cells[i].is_some()).count();
                let unread: Vec<(Key, Key)> = stated
                    .iter()
                    .chain(computed)
                    .filter(|&&i| row.cells[i].is_none())
                    .map(|&i| (row.key, row.columns[i]))
                    .collect();
                if !unread.is_empty() {
                    let mut f = Finding::unchecked(
                        rel,
                        table.key,
                        format!(
                            "{short}: not checked, {} cell(s) could not be read: {} ({})",
                            unread.len(),
                            unread_names(&unread, table, spec, true),
                            rel.describe
                        ),
                    );
                    f.stated_cells = stated_read;
                    f.cells = cells;
                    f.unread = unread;
                    f.span = row
                        .cells
                        .iter()
                        .flatten()
                        .next()
                        .map(|c| c.span.clone())
                        .or_else(|| row.label_span.clone());
                    out.push(f);
                    continue;
                }
                let found: f64 = stated.iter().map(|&i| num_at(row, i)).sum();
                let expected: f64 = computed.iter().map(|&i| num_at(row, i)).sum();
                if close(found, expected) {
                    continue;
                }
                let shown = match stated.as_slice() {
                    [i] => printed(row.cells[*i].as_ref()),
                    _ => format_num(found),
                };
                out.push(Finding {
                    rule: rel.id,
                    severity: Severity::Error,
                    table: table.key,
                    span: row.cells[stated[0]].as_ref().map(|c| c.span.clone()),
                    cells,
                    expected: Some(expected),
                    found: Some(found),
                    message: format!(
                        "{short}: 总计 is {shown}, but its parts sum to {} ({})",
                        format_num(expected),
                        rel.describe
                    ),
                    suggestion: None,
                    stated_cells: stated.len(),
                    unread: Vec::new(),
                    quote: None,
                });
            }
        }
    }
}

/// Same keys in the same order (interned keys compare by address; others by text).
fn same_keys(a: &[Key], b: &[Key]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| std::ptr::eq(*x, *y) || x == y)
}

fn names(rows: &[&Row], spec: &TableSpec) -> String {
    rows.iter()
        .map(|r| spec.row(r.key).map_or(r.key, |s| s.short.as_str()))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Attaches a suggestion to failing relation findings that share a cell whose one new value
/// satisfies all of them.
fn suggest(findings: &mut [Finding], report: &Report) {
    // (cell, finding index, value that would satisfy that finding), grouped by cell below.
    type Proposal = ((TableKey, Key, Key), usize, f64);
    let mut proposals: Vec<Proposal> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let (Some(found), Some(expected)) = (f.found, f.expected) else {
            continue;
        };
        let Some(table) = report.table(f.table) else {
            continue;
        };
        let stated_len = f.stated_cells;
        for (k, &(row, col)) in f.cells.iter().enumerate() {
            let current = table.row(row).map_or(0.0, |r| num(r, col));
            // On the stated side the cell must absorb (expected - found); on the computed side, the reverse.
            let proposal = if k < stated_len {
                current + (expected - found)
            } else {
                current + (found - expected)
            };
            proposals.push(((f.table, row, col), i, proposal));
        }
    }
    // Group by cell, in the order of the keys' text so that ties are broken the same way on
    // every run; the finding index keeps each cell's proposals in finding order.
    proposals.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let groups = proposals.chunk_by(|a, b| a.0 == b.0);
    let mut best: BTreeMap<usize, (usize, Suggestion)> = BTreeMap::new();
    for hits in groups {
        let ((_, row, column), _, value) = hits[0];
        if hits.len() < 2 || !hits.iter().all(|(_, _, v)| close(*v, value)) || value < 0.0 {
            continue;
        }
        let s = Suggestion {
            row,
            column,
            value,
            resolves: hits.iter().map(|(_, i, _)| findings[*i].rule).collect(),
        };
        for (_, i, _) in hits {
            if best.get(i).is_none_or(|(n, _)| hits.len() > *n) {
                best.insert(*i, (hits.len(), s.clone()));
            }
        }
    }
    for (i, (_, s)) in best {
        findings[i].suggestion = Some(s);
    }
}

fn structure_checks(
    report: &Report,
    template: &Template,
    notes: &[ParseNote],
    found: &[TableKey],
    out: &mut Vec<Finding>,
) {
    for key in TableKey::ALL {
        if !found.contains(&key) {
            out.push(Finding::warning(
                "missing_table",
                key,
                format!("table {} was not found in the report", key.title()),
            ));
            continue;
        }
        let spec = template.table(key);
        if let Some(table) = report.table(key) {
            // A row whose label was found but whose cells could not be read is explained by
            // the parser's note and its unchecked relations, not reported missing.
            for row in table
                .rows
                .iter()
                .filter(|r| !r.found() && r.label_span.is_none())
            {
                let rs = spec.row(row.key);
                // A row the parser found but could not fill is explained by its note.
                let noted = notes.iter().any(|n| n.table == key && n.row == row.key);
                if noted || rs.is_some_and(|r| r.optional) || !table.expects(row) {
                    continue;
                }
                let mut f = Finding::warning(
                    "missing_row",
                    key,
                    format!(
                        "row {} was not found",
                        rs.map_or(row.key, |r| r.short.as_str())
                    ),
                );
                f.cells = row.columns.iter().map(|c| (row.key, *c)).collect();
                f.span = table.anchor.clone();
                out.push(f);
            }
        }
    }
    for n in notes {
        // The row by its short Chinese name, as the reviewer reads it.
        let row = template
            .table(n.table)
            .row(n.row)
            .map_or(n.row, |r| r.short.as_str());
        let (rule, what) = match &n.kind {
            NoteKind::CellCount { found, expected } if found < expected => (
                "cell_count",
                format!(
                    "{row} has {found} of the {expected} cells the template expects; the rest are left empty"
                ),
            ),
            NoteKind::CellCount { found, expected } => (
                "cell_count",
                format!(
                    "{row} has {found} cells where the template expects {expected}; the extra ones are ignored"
                ),
            ),
            NoteKind::Inferred { runs } => (
                "inferred_split",
                format!(
                    "{row}: cells split by arithmetic from digits printed without separators ({runs}); check them against the source"
                ),
            ),
            NoteKind::TableInferred { runs } => (
                "inferred_split",
                format!(
                    "{row}: cells split from digits printed without separators ({runs}); the row's own arithmetic allows several cuts, the table's column relations only this one; check them against the source"
                ),
            ),
            NoteKind::Placed => (
                "placed_by_position",
                format!(
                    "{row}: its label stands apart from its cells; the cells printed between the rows around it were placed here by position; check them against the source"
                ),
            ),
            NoteKind::Forced { runs } => (
                "forced_split",
                format!(
                    "{row}: digits printed without separators ({runs}) have only one cut into its cells (it does not add up); read as printed, check them against the source"
                ),
            ),
            NoteKind::Unsplit {
                runs,
                complete: false,
                ..
            } => (
                "unsplit_digits",
                format!(
                    "{row}: digits printed without separators ({runs}) can be cut into its cells in too many ways to try them all; cells left unread"
                ),
            ),
            NoteKind::Unsplit {
                runs, solutions: 0, ..
            } => (
                "unsplit_digits",
                format!(
                    "{row}: digits printed without separators ({runs}) cannot be split into its cells consistently; cells left unread"
                ),
            ),
            NoteKind::Unsplit { runs, .. } => (
                "unsplit_digits",
                format!(
                    "{row}: digits printed without separators ({runs}) can be split into its cells in more than one way that adds up; the cells those readings disagree on are left unread"
                ),
            ),
            NoteKind::GappedLabel { label } => (
                "gapped_label",
                format!(
                    "{row}: label printed as “{}”, the template's is “{label}” (characters lost in extraction); check the row's {} cells against the source",
                    report.text.get(n.span.clone()).unwrap_or_default(),
                    report
                        .table(n.table)
                        .and_then(|t| t.row(n.row))
                        .map_or(0, |r| r.columns.len()),
                ),
            ),
        };
        let mut f = Finding::warning(rule, n.table, what);
        f.span = Some(n.span.clone());
        if let Some(table) = report.table(n.table) {
            // The cells the note is about: the inferred ones, those left empty, or all the
            // cells of a row found by a gapped label.
            for row in table
                .rows
                .iter()
                .filter(|r| n.table == TableKey::Review || r.key == n.row)
            {
                for (col, cell) in row.columns.iter().zip(&row.cells) {
                    let inferred = cell.as_ref().is_some_and(|c| c.inferred);
                    if inferred
                        || matches!(
                            n.kind,
                            NoteKind::Unsplit { .. }
                                | NoteKind::GappedLabel { .. }
                                | NoteKind::Placed
                        )
                    {
                        f.cells.push((row.key, *col));
                    }
                }
            }
        }
        out.push(f);
    }
    if let (Some(year), Some(id)) = (report.year, report.template.as_deref())
        && !template.fits_year(year)
    {
        out.push(Finding::warning(
            "template_year",
            TableKey::Active,
            format!("the report is for {year} but uses the {id} template"),
        ));
    }
}

fn cell_checks(report: &Report, template: &Template, out: &mut Vec<Finding>) {
    for table in &report.tables {
        let spec = template.table(table.key);
        for row in table.rows.iter().filter(|r| r.found()) {
            let short = spec.row(row.key).map_or(row.key, |r| r.short.as_str());
            let blanks: Vec<Key> = row
                .columns
                .iter()
                .zip(&row.cells)
                .filter(|(_, c)| c.as_ref().is_some_and(|c| c.value == Value::Blank))
                .map(|(k, _)| *k)
                .collect();
            if !blanks.is_empty() {
                let mut f = Finding::warning(
                    "blank_cells",
                    table.key,
                    format!(
                        "{short}: {} blank cell(s) where the template expects a number (0)",
                        blanks.len()
                    ),
                );
                f.cells = blanks.iter().map(|c| (row.key, *c)).collect();
                f.span = row.cell(blanks[0]).map(|c| c.span.clone());
                out.push(f);
            }
            for (col, cell) in row.columns.iter().zip(&row.cells) {
                if let Some(cell) = cell.as_ref().filter(|c| matches!(c.value, Value::Text(_))) {
                    let mut f = Finding::warning(
                        "non_numeric",
                        table.key,
                        format!(
                            "{short} / {}: {:?} is not a number; counted as 0",
                            spec.column(col)
                                .and_then(|c| c.labels.first())
                                .map_or(*col, String::as_str),
                            cell.raw
                        ),
                    );
                    f.cells = vec![(row.key, *col)];
                    f.span = Some(cell.span.clone());
                    out.push(f);
                }
            }
        }
    }
}

/// Table 二 has no identity, but some combinations cannot be true.
fn active_plausibility(report: &Report, template: &Template, out: &mut Vec<Finding>) {
    let Some(table) = report.table(TableKey::Active) else {
        return;
    };
    let spec = template.table(TableKey::Active);
    for row in table.rows.iter().filter(|r| r.found()) {
        let name = short_name(spec, row);
        let v = |c: Key| {
            row.cell(c)
                .filter(|c| c.value.is_number())
                .map(|c| c.value.as_f64())
        };
        let mut warn = |cols: &[Key], msg: String| {
            let mut f = Finding::warning("active_plausibility", TableKey::Active, msg);
            f.cells = cols.iter().map(|c| (row.key, *c)).collect();
            f.span = row.cell(cols[0]).map(|c| c.span.clone());
            out.push(f);
        };
        if let (Some(new), Some(total)) = (v("new_published"), v("total_published"))
            && total < new
        {
            warn(
                &["total_published", "new_published"],
                format!(
                    "{}: 对外公开总数量 {} is less than 本年新公开数量 {}",
                    name,
                    format_num(total),
                    format_num(new)
                ),
            );
        }
        if let (Some(prev), Some(change)) = (v("previous_count"), v("change"))
            && prev + change < 0.0
        {
            warn(
                &["previous_count", "change"],
                format!(
                    "{}: 上一年项目数量 {} + 本年增/减 {} is negative",
                    name,
                    format_num(prev),
                    format_num(change)
                ),
            );
        }
        if let (Some(count), Some(amount)) = (v("purchase_count"), v("purchase_amount"))
            && (count == 0.0) != (amount == 0.0)
        {
            warn(
                &["purchase_count", "purchase_amount"],
                format!(
                    "{}: 采购项目数量 {} but 采购总金额 {}",
                    name,
                    format_num(count),
                    format_num(amount)
                ),
            );
        }
    }
}
