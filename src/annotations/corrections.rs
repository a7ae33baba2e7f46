//! Applying a reviewer's corrections to a parsed report, each only where its cell still holds
//! the value it was made on: a report replaced or parsed differently since leaves the others
//! stale, named for the reviewer and kept in the file.

use std::collections::BTreeMap;

use super::Annotations;
use crate::report::{Cell, CellRef, Report};
use crate::template::{TableKey, Template};
use crate::text::{Value, parse_value};

/// A saved correction that is not applied: its cell no longer holds the value it was made on
/// (the report was replaced, or is parsed differently now). It stays in the file untouched.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleCorrection {
    pub cell: CellRef,
    /// The cell's labels from the template, "(七)总计 / 自然人" (keys when the template has none).
    pub label: String,
    /// The cell's text when the correction was made ([`super::CellEntry::parsed`]).
    pub parsed: String,
    /// The cell's text in the report now ("" for blank or absent).
    pub now: String,
    pub corrected: String,
}

impl StaleCorrection {
    /// One line for the reviewer: which cell, what the correction was made on, what is there now.
    pub fn message(&self) -> String {
        let shown = |t: &str| {
            if t.trim().is_empty() {
                "(blank)".to_string()
            } else {
                format!("{:?}", t.trim())
            }
        };
        format!(
            "{}: correction to {} not applied: it was made on {}, the report now prints {}",
            self.label,
            shown(&self.corrected),
            shown(&self.parsed),
            shown(&self.now)
        )
    }
}

/// A report with its reviewer's corrections applied.
#[derive(Debug, Clone)]
pub struct Corrected {
    pub report: Report,
    /// Per corrected cell, the parsed original (`None` when the report had no such cell).
    pub originals: BTreeMap<CellRef, Option<Cell>>,
    /// Corrections not applied because their cell changed, in file order.
    pub stale: Vec<StaleCorrection>,
    /// One message per entry naming a table, row or column the template does not have (a
    /// typo in a hand-edited file), or a correction to a row or column this report does not
    /// print: none of them applied.
    pub unknown: Vec<String>,
}

/// The labels of a cell as the template prints them: "row label / column label".
pub fn cell_label(template: Option<&Template>, r: &CellRef) -> String {
    let spec = TableKey::parse(&r.table).and_then(|k| Some(template?.table(k)));
    let row = spec
        .and_then(|t| t.row(&r.row))
        .and_then(|row| row.labels.first())
        .map_or(r.row.as_str(), String::as_str);
    let column = spec
        .and_then(|t| t.column(&r.column))
        .and_then(|c| c.labels.first())
        .map_or(r.column.as_str(), String::as_str);
    format!("{row} / {column}")
}

/// Applies the corrections to a parsed report: each one only where its cell still holds the
/// text it was made on (compared without surrounding spaces); the others come back as stale.
/// `template` names the stale cells.
pub fn apply_corrections(
    report: &Report,
    a: &Annotations,
    template: Option<&Template>,
) -> Corrected {
    let mut out = report.clone();
    let mut originals = BTreeMap::new();
    let mut stale = Vec::new();
    let mut unknown = Vec::new();
    for e in &a.cells {
        let what = if e.corrected.is_some() {
            "correction"
        } else {
            "note"
        };
        let at = format!(
            "{what} in [[cell]] table = {:?}, row = {:?}, column = {:?}",
            e.table, e.row, e.column
        );
        let Some(key) = TableKey::parse(&e.table) else {
            unknown.push(format!(
                "{at} not applied: no table {:?} (tables: active, applications, review)",
                e.table
            ));
            continue;
        };
        if let Some(spec) = template.map(|t| t.table(key)) {
            if spec.row(&e.row).is_none() {
                unknown.push(format!(
                    "{at} not applied: the template has no row {:?} in table {}",
                    e.row, e.table
                ));
                continue;
            }
            if spec.column(&e.column).is_none() {
                unknown.push(format!(
                    "{at} not applied: the template has no column {:?} in table {}",
                    e.column, e.table
                ));
                continue;
            }
        }
        if e.corrected.is_none() {
            continue;
        }
        let Some(row) = out.table_mut(key).and_then(|t| t.row_mut(&e.row)) else {
            unknown.push(format!(
                "{at} not applied: this report does not print that row"
            ));
            continue;
        };
        let Some(i) = row.columns.iter().position(|c| *c == e.column) else {
            unknown.push(format!(
                "{at} not applied: this report's row has no such column"
            ));
            continue;
        };
        let corrected = e.corrected.clone().unwrap_or_default();
        let now = row.cells[i].as_ref().map_or("", |c| c.raw.as_str());
        if now.trim() != e.parsed.trim() {
            stale.push(StaleCorrection {
                cell: e.cell_ref(),
                label: cell_label(template, &e.cell_ref()),
                parsed: e.parsed.clone(),
                now: now.to_string(),
                corrected,
            });
            continue;
        }
        let value = parse_value(&corrected).unwrap_or_else(|| Value::Text(corrected.clone()));
        let original = row.cells[i].clone();
        let span = original
            .as_ref()
            .map(|c| c.span.clone())
            .or_else(|| row.label_span.clone())
            .unwrap_or(0..0);
        row.cells[i] = Some(Cell {
            raw: corrected,
            value,
            span,
            inferred: false,
        });
        if row.label_span.is_none() {
            row.label_span = Some(0..0);
        }
        originals.insert(e.cell_ref(), original);
    }
    Corrected {
        report: out,
        originals,
        stale,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::Op;
    use crate::template::Templates;

    #[test]
    fn a_correction_applies_only_on_the_value_it_was_made_on() {
        let templates = Templates::embedded().unwrap();
        let report = crate::parser::parse(
            "r.txt".into(),
            include_str!("../../assets/samples/000_baa44959fd9d628f.txt").to_string(),
            "UTF-8",
            &templates,
        )
        .report;
        let template = templates.get("2019");
        let natural = CellRef::new(TableKey::Applications, "total", "natural");
        let blank = CellRef::new(TableKey::Applications, "total", "commercial");
        let correct = |a: &mut Annotations, cell: &CellRef, parsed: &str| {
            let op = Op::Correct {
                cell: cell.clone(),
                parsed: parsed.into(),
                value: "7".into(),
            };
            a.apply(&op, "t", "");
        };
        let mut a = Annotations::new("r.txt", "h");
        // Spaces around the recorded text are not a change; a blank cell is "".
        correct(&mut a, &natural, " 43 ");
        correct(&mut a, &blank, "");
        let c = apply_corrections(&report, &a, template);
        assert!(c.stale.is_empty(), "{:?}", c.stale);
        assert_eq!(c.report.cell(&natural).unwrap().raw, "7");
        assert_eq!(c.report.cell(&blank).unwrap().raw, "7");

        let mut a = Annotations::new("r.txt", "h");
        correct(&mut a, &natural, "42");
        correct(&mut a, &blank, "3");
        let c = apply_corrections(&report, &a, template);
        assert_eq!(c.report.cell(&natural).unwrap().raw, "43", "not applied");
        assert!(c.originals.is_empty());
        let msgs: Vec<String> = c.stale.iter().map(StaleCorrection::message).collect();
        assert_eq!(
            msgs,
            [
                "(七)总计 / 商业企业: correction to \"7\" not applied: it was made on \"3\", \
                 the report now prints (blank)",
                "(七)总计 / 自然人: correction to \"7\" not applied: it was made on \"42\", \
                 the report now prints \"43\"",
            ]
        );
    }
}
