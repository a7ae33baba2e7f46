//! Machine-readable output: JSON Lines (one object per report) and long-format CSV.
//! The JSON field names are a stable interface (README documents them); add, never rename.

use serde_json::{Map, Value as Json, json};

use crate::audit::Audit;
use crate::checker::Finding;
use crate::report::{Cell, Report, Table};
use crate::template::TableKey;
use crate::text::Value;

/// A cell as JSON: integer, number, null (blank or absent) or string (non-numeric text).
pub fn cell_json(cell: Option<&Cell>) -> Json {
    match cell.map(|c| &c.value) {
        None | Some(Value::Blank) => Json::Null,
        Some(Value::Int(i)) => json!(i),
        Some(Value::Num(n)) => json!(n),
        Some(Value::Text(t)) => json!(t),
    }
}

fn num_json(n: Option<f64>) -> Json {
    match n {
        Some(n) if n.fract() == 0.0 && n.abs() < 9e15 => json!(n as i64),
        Some(n) => json!(n),
        None => Json::Null,
    }
}

fn rows_json(table: Option<&Table>) -> Map<String, Json> {
    let mut rows = Map::new();
    for row in table.map(|t| t.rows.as_slice()).unwrap_or_default() {
        rows.insert(
            row.key.clone(),
            Json::Array(row.cells.iter().map(|c| cell_json(c.as_ref())).collect()),
        );
    }
    rows
}

/// The JSON object for one finding.
pub fn finding_json(f: &Finding) -> Json {
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "table": f.table.as_str(),
        "cells": f.cells.iter().map(|(r, c)| json!([r, c])).collect::<Vec<_>>(),
        "expected": num_json(f.expected),
        "found": num_json(f.found),
        "message": f.message,
        "suggestion": f.suggestion.as_ref().map(|s| json!({
            "row": s.row,
            "column": s.column,
            "value": num_json(Some(s.value)),
            "resolves": s.resolves,
        })),
    })
}

/// The JSON object for one audited file (the README's schema).
pub fn audit_json(a: &Audit, display_path: &str) -> Json {
    let report: Option<&Report> = a.report.as_ref();
    let table = |k| report.and_then(|r| r.table(k));
    let columns: Vec<Json> = table(TableKey::Applications)
        .and_then(|t| t.rows.first())
        .map(|r| r.columns.iter().map(|c| json!(c)).collect())
        .unwrap_or_default();
    let mut review = rows_json(table(TableKey::Review));
    if review.is_empty() {
        for k in ["reconsideration", "litigation_direct", "litigation_after"] {
            review.insert(k.into(), json!([null, null, null, null, null]));
        }
    }
    let mut o = Map::new();
    o.insert("file".into(), json!(display_path));
    o.insert(
        "agency".into(),
        json!(report.and_then(|r| r.agency.clone())),
    );
    o.insert("year".into(), json!(report.and_then(|r| r.year)));
    o.insert(
        "template".into(),
        json!(report.and_then(|r| r.template.clone())),
    );
    o.insert("encoding".into(), json!(report.map_or("", |r| r.encoding)));
    o.insert(
        "active".into(),
        json!({ "rows": rows_json(table(TableKey::Active)) }),
    );
    o.insert(
        "applications".into(),
        json!({ "columns": columns, "rows": rows_json(table(TableKey::Applications)) }),
    );
    o.insert("review".into(), Json::Object(review));
    o.insert(
        "findings".into(),
        Json::Array(a.findings.iter().map(finding_json).collect()),
    );
    o.insert("error".into(), json!(a.error));
    Json::Object(o)
}

/// RFC 4180 quoting for one CSV field.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub const CELLS_CSV_HEADER: &str = "file,table,row,column,raw,value";
pub const FINDINGS_CSV_HEADER: &str = "file,rule,severity,table,cells,expected,found,message,suggestion_row,suggestion_column,suggestion_value";

/// Long-format CSV lines, one per cell of every table (absent cells included, empty).
pub fn cells_csv(a: &Audit, display_path: &str, out: &mut String) {
    let Some(report) = &a.report else { return };
    let file = csv_field(display_path);
    for table in &report.tables {
        for row in &table.rows {
            for (col, cell) in row.columns.iter().zip(&row.cells) {
                let raw = cell.as_ref().map_or("", |c| c.raw.as_str());
                let value = cell.as_ref().map_or(String::new(), |c| c.value.display());
                out.push_str(&format!(
                    "{file},{},{},{},{},{}\n",
                    table.key.as_str(),
                    row.key,
                    col,
                    csv_field(raw),
                    csv_field(&value)
                ));
            }
        }
    }
}

/// CSV lines for the findings of one audited file (and its read error, if any).
pub fn findings_csv(a: &Audit, display_path: &str, out: &mut String) {
    let file = csv_field(display_path);
    let fmt = |n: Option<f64>| n.map(crate::text::format_num).unwrap_or_default();
    if let Some(e) = &a.error {
        out.push_str(&format!(
            "{file},unreadable,error,,,,,{},,,\n",
            csv_field(e)
        ));
    }
    for f in &a.findings {
        let cells: Vec<String> = f.cells.iter().map(|(r, c)| format!("{r}/{c}")).collect();
        let (sr, sc, sv) = match &f.suggestion {
            Some(s) => (
                s.row.clone(),
                s.column.clone(),
                crate::text::format_num(s.value),
            ),
            None => Default::default(),
        };
        out.push_str(&format!(
            "{file},{},{},{},{},{},{},{},{},{},{}\n",
            f.rule,
            f.severity.as_str(),
            f.table.as_str(),
            csv_field(&cells.join(" ")),
            fmt(f.expected),
            fmt(f.found),
            csv_field(&f.message),
            sr,
            sc,
            sv
        ));
    }
}
