//! Machine-readable output: JSON Lines (one object per report) and long-format CSV.
//! The JSON field names are a stable interface (README documents them); add, never rename.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value as Json, json};

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

/// Serializes straight from the report, without building a `serde_json::Value` tree: the
/// batch run writes one of these per report.
struct CellJ<'a>(Option<&'a Cell>);

impl Serialize for CellJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.map(|c| &c.value) {
            None | Some(Value::Blank) => s.serialize_none(),
            Some(Value::Int(i)) => s.serialize_i64(*i),
            Some(Value::Num(n)) => s.serialize_f64(*n),
            Some(Value::Text(t)) => s.serialize_str(t),
        }
    }
}

struct RowsJ<'a>(Option<&'a Table>, bool);

impl Serialize for RowsJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows = self.0.map(|t| t.rows.as_slice()).unwrap_or_default();
        if rows.is_empty() && self.1 {
            // Table 四 keeps its three groups even when the report has no such table.
            let mut m = s.serialize_map(Some(3))?;
            for k in ["reconsideration", "litigation_direct", "litigation_after"] {
                m.serialize_entry(
                    k,
                    &[
                        CellJ(None),
                        CellJ(None),
                        CellJ(None),
                        CellJ(None),
                        CellJ(None),
                    ],
                )?;
            }
            return m.end();
        }
        let extra = self
            .0
            .map(|t| t.extra_columns.as_slice())
            .unwrap_or_default();
        let mut m = s.serialize_map(Some(rows.len()))?;
        for r in rows {
            let cells: Vec<CellJ> = r
                .columns
                .iter()
                .zip(&r.cells)
                .filter(|(col, _)| !extra.contains(col))
                .map(|(_, c)| CellJ(c.as_ref()))
                .collect();
            m.serialize_entry(&r.key, &cells)?;
        }
        m.end()
    }
}

struct Num(Option<f64>);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(n) if n.fract() == 0.0 && n.abs() < 9e15 => s.serialize_i64(n as i64),
            Some(n) => s.serialize_f64(n),
            None => s.serialize_none(),
        }
    }
}

/// The reviewer's verdict on a finding ("confirmed", "dismissed", or "dismissal lapsed: …"
/// when the numbers changed since) and its reason, when the annotations hold one. The findings
/// CSV and the xlsx findings sheet read them from here; JSON has the whole `verdict` object.
pub fn verdict_of(audit: &Audit, finding: &Finding) -> Option<(String, String)> {
    let i = audit
        .findings
        .iter()
        .position(|f| std::ptr::eq(f, finding))?;
    let j = audit.verdict(i)?;
    let kind = match &j.lapsed {
        Some(why) => format!("{} lapsed: {why}", j.verdict.as_str()),
        None => j.verdict.as_str().to_string(),
    };
    Some((kind, j.reason.clone()))
}

/// 1-based line and column of a finding in the file as saved, when it has a place.
pub fn finding_line_col(a: &Audit, f: &Finding) -> Option<(usize, usize)> {
    let r = a.checked()?;
    let at = f.span.as_ref()?;
    Some(r.source_line_col(at.start))
}

/// The sentence a narrative finding quotes.
pub fn finding_quote<'a>(a: &'a Audit, f: &Finding) -> Option<&'a str> {
    let r = a.checked()?;
    r.text.get(f.quote.clone()?)
}

/// A finding, the report it is in (for positions and the quoted sentence), and the reviewer's
/// verdict on it.
struct FindingJ<'a>(
    &'a Finding,
    Option<&'a Audit>,
    Option<&'a crate::annotations::Judged>,
);

impl Serialize for FindingJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut m = s.serialize_map(Some(15))?;
        m.serialize_entry("rule", &f.rule)?;
        m.serialize_entry("severity", f.severity.as_str())?;
        m.serialize_entry("table", f.table.as_str())?;
        let cells: Vec<[&str; 2]> = f.cells.iter().map(|(r, c)| [*r, *c]).collect();
        m.serialize_entry("cells", &cells)?;
        let unread: Vec<[&str; 2]> = f.unread.iter().map(|(r, c)| [*r, *c]).collect();
        m.serialize_entry("unread", &unread)?;
        m.serialize_entry("expected", &Num(f.expected))?;
        m.serialize_entry("found", &Num(f.found))?;
        m.serialize_entry("message", &f.message)?;
        m.serialize_entry("suggestion", &f.suggestion.as_ref().map(SuggestionJ))?;
        let report = self.1.and_then(Audit::checked);
        let page = report
            .zip(f.span.as_ref())
            .and_then(|(r, span)| r.page_of(span.start));
        m.serialize_entry("page", &page)?;
        let (line, col) = self.1.and_then(|a| finding_line_col(a, f)).unzip();
        m.serialize_entry("line", &line)?;
        m.serialize_entry("col", &col)?;
        m.serialize_entry("sentence", &self.1.and_then(|a| finding_quote(a, f)))?;
        m.serialize_entry("verdict", &self.2.map(VerdictJ))?;
        m.end()
    }
}

/// A reviewer's verdict on a finding: `{"verdict": "confirmed"|"dismissed", "reason": str,
/// "lapsed": str|null}` (`lapsed` says why a verdict no longer applies).
struct VerdictJ<'a>(&'a crate::annotations::Judged);

impl Serialize for VerdictJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("verdict", self.0.verdict.as_str())?;
        m.serialize_entry("reason", &self.0.reason)?;
        m.serialize_entry("lapsed", &self.0.lapsed)?;
        m.end()
    }
}

struct SuggestionJ<'a>(&'a crate::checker::Suggestion);

impl Serialize for SuggestionJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("row", &self.0.row)?;
        m.serialize_entry("column", &self.0.column)?;
        m.serialize_entry("value", &Num(Some(self.0.value)))?;
        m.serialize_entry("resolves", &self.0.resolves)?;
        m.end()
    }
}

/// One audited file in the README's JSON schema.
pub struct AuditJson<'a> {
    pub audit: &'a Audit,
    pub file: &'a str,
}

impl Serialize for AuditJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report: Option<&Report> = self.audit.checked();
        let table = |k| report.and_then(|r| r.table(k));
        let columns: Vec<&str> = table(TableKey::Applications)
            .and_then(|t| t.rows.first().map(|r| (t, r)))
            .map(|(t, r)| {
                r.columns
                    .iter()
                    .filter(|c| !t.extra_columns.contains(c))
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        let mut m = s.serialize_map(Some(14))?;
        m.serialize_entry("file", self.file)?;
        m.serialize_entry("agency", &report.and_then(|r| r.agency.as_deref()))?;
        m.serialize_entry("year", &report.and_then(|r| r.year))?;
        m.serialize_entry("template", &report.and_then(|r| r.template.as_deref()))?;
        m.serialize_entry("encoding", report.map_or("", |r| r.encoding))?;
        m.serialize_entry(
            "active",
            &Wrap("rows", RowsJ(table(TableKey::Active), false)),
        )?;
        m.serialize_entry(
            "applications",
            &Apps {
                columns,
                rows: RowsJ(table(TableKey::Applications), false),
            },
        )?;
        m.serialize_entry("review", &RowsJ(table(TableKey::Review), true))?;
        let findings: Vec<FindingJ> = self
            .audit
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| FindingJ(f, Some(self.audit), self.audit.verdict(i)))
            .collect();
        m.serialize_entry("findings", &findings)?;
        m.serialize_entry("error", &self.audit.error)?;
        let stale: Vec<StaleJ> = self.audit.stale.iter().map(StaleJ).collect();
        m.serialize_entry("stale_corrections", &stale)?;
        let (status, message) = self.audit.annotation_state();
        m.serialize_entry(
            "annotations",
            &AnnotationsJ {
                status: status.as_str(),
                message: message.as_deref(),
            },
        )?;
        m.serialize_entry("read_warnings", &self.audit.read_warnings)?;
        let corrections: Vec<CorrectionJ> = corrections(self.audit)
            .into_iter()
            .map(CorrectionJ)
            .collect();
        m.serialize_entry("corrections", &corrections)?;
        m.end()
    }
}

/// `{"status": "applied"|"none"|"corrupt"|"unreadable"|"stale"|"newer_schema", "message": str|null}`
#[derive(serde::Serialize)]
struct AnnotationsJ<'a> {
    status: &'a str,
    message: Option<&'a str>,
}

/// A saved correction not applied because its cell now holds another value.
struct StaleJ<'a>(&'a crate::annotations::StaleCorrection);

impl Serialize for StaleJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let st = self.0;
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("table", &st.cell.table)?;
        m.serialize_entry("row", &st.cell.row)?;
        m.serialize_entry("column", &st.cell.column)?;
        m.serialize_entry("label", &st.label)?;
        m.serialize_entry("parsed", &st.parsed)?;
        m.serialize_entry("now", &st.now)?;
        m.serialize_entry("corrected", &st.corrected)?;
        m.serialize_entry("message", &st.message())?;
        m.end()
    }
}

struct Wrap<T>(&'static str, T);

impl<T: Serialize> Serialize for Wrap<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.0, &self.1)?;
        m.end()
    }
}

struct Apps<'a> {
    columns: Vec<&'a str>,
    rows: RowsJ<'a>,
}

impl Serialize for Apps<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("columns", &self.columns)?;
        m.serialize_entry("rows", &self.rows)?;
        m.end()
    }
}

/// The JSON object for one finding.
pub fn finding_json(f: &Finding) -> Json {
    serde_json::to_value(FindingJ(f, None, None)).unwrap_or(Json::Null)
}

/// One corrected cell: what the parser read, what the reviewer set, where it stands, who.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionRow<'a> {
    pub table: &'a str,
    pub row: &'a str,
    pub column: &'a str,
    /// The cell as printed (`None`: the report had no such cell).
    pub original: Option<&'a Cell>,
    /// The cell as corrected.
    pub corrected: Option<&'a Cell>,
    /// 1-based line and column in the file as saved, of the original cell.
    pub line_col: Option<(usize, usize)>,
    /// The reviewer named in the annotations ("" when none is).
    pub by: &'a str,
}

/// The corrected cells of an audited report, in cell order.
pub fn corrections(a: &Audit) -> Vec<CorrectionRow<'_>> {
    let by = a
        .annotations
        .as_ref()
        .map_or("", |l| l.annotations.reviewer.as_str());
    a.originals
        .iter()
        .map(|(r, orig)| CorrectionRow {
            table: &r.table,
            row: &r.row,
            column: &r.column,
            original: orig.as_ref(),
            corrected: a.corrected.as_ref().and_then(|c| c.cell(r)),
            line_col: orig
                .as_ref()
                .zip(a.report.as_ref())
                .map(|(c, rep)| rep.source_line_col(c.span.start)),
            by,
        })
        .collect()
}

struct CorrectionJ<'a>(CorrectionRow<'a>);

impl Serialize for CorrectionJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = &self.0;
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("table", c.table)?;
        m.serialize_entry("row", c.row)?;
        m.serialize_entry("column", c.column)?;
        m.serialize_entry("original", &c.original.map(|c| c.raw.as_str()))?;
        m.serialize_entry("corrected", &CellJ(c.corrected))?;
        m.serialize_entry("line", &c.line_col.map(|l| l.0))?;
        m.serialize_entry("col", &c.line_col.map(|l| l.1))?;
        m.serialize_entry("by", c.by)?;
        m.end()
    }
}

/// One cross-report object of `gouji check --format json`'s final section.
pub fn cross_json_line(f: &crate::series::CrossFinding) -> String {
    let pairs = |v: &[(&str, &str)]| -> Vec<[String; 2]> {
        v.iter()
            .map(|(r, c)| [r.to_string(), c.to_string()])
            .collect()
    };
    let j = json!({
        "kind": "cross_report",
        "rule": f.rule,
        "severity": f.severity.map(|s| s.as_str()),
        "agency": f.agency,
        "report": f.file,
        "year": f.year,
        "previous": (!f.previous.is_empty()).then_some(f.previous.as_str()),
        "previous_year": f.previous_year,
        "table": f.table.map(|t| t.as_str()),
        "cells": pairs(&f.cells),
        "previous_cells": pairs(&f.previous_cells),
        "found": f.found,
        "expected": f.expected,
        "share": f.share,
        "message": f.message,
    });
    let mut s = j.to_string();
    s.push('\n');
    s
}

/// The JSON object for one audited file (the README's schema).
pub fn audit_json(a: &Audit, display_path: &str) -> Json {
    serde_json::to_value(AuditJson {
        audit: a,
        file: display_path,
    })
    .unwrap_or(Json::Null)
}

/// One JSON Lines line (with its newline) for an audited file. Besides the escapes JSON
/// requires (C0 controls as `\u001b`), C1 controls and bidirectional overrides are escaped
/// too, so a hostile file name or report text printed to a terminal stays inert.
pub fn audit_json_line(a: &Audit, display_path: &str) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, InertFormatter);
    let _ = AuditJson {
        audit: a,
        file: display_path,
    }
    .serialize(&mut ser);
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's compact output with C1 controls (U+0080–U+009F) and the bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069) escaped as `\u009b`.
struct InertFormatter;

impl serde_json::ser::Formatter for InertFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let b = fragment.as_bytes();
        if memchr::memchr2(0xC2, 0xE2, b).is_none() {
            return w.write_all(b);
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, '\u{80}'..='\u{9F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            {
                w.write_all(&b[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&b[start..])
    }
}

/// RFC 4180 quoting for one CSV field, its control characters made visible first (`\x1b`;
/// see [`crate::text::visible`]): a field never carries a terminal escape, and never a line
/// break either.
pub fn csv_field(s: &str) -> String {
    let s = crate::text::visible(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// `annotations`: the report's annotation state, as in JSON (`applied`, `none`, `corrupt`,
/// `unreadable`, `stale`, `newer_schema`); the message goes to standard error.
pub const CELLS_CSV_HEADER: &str =
    "file,table,row,column,raw,value,corrected,original,line,col,annotations";
pub const FINDINGS_CSV_HEADER: &str = "file,rule,severity,table,cells,expected,found,message,suggestion_row,suggestion_column,suggestion_value,unread,line,col,sentence,verdict,verdict_note,annotations";

/// Long-format CSV lines, one per cell of every table (absent cells included, empty).
pub fn cells_csv(a: &Audit, display_path: &str, out: &mut String) {
    let Some(report) = a.checked() else { return };
    let file = csv_field(display_path);
    let state = a.annotation_state().0.as_str();
    let originals = |t: TableKey, r: &str, c: &str| {
        a.originals
            .get(&crate::report::CellRef::new(t, r, c))
            .map(|o| o.as_ref().map_or("", |c| c.raw.as_str()))
    };
    for table in &report.tables {
        for row in &table.rows {
            for (col, cell) in row
                .columns
                .iter()
                .zip(&row.cells)
                .filter(|(c, _)| !table.extra_columns.contains(c))
            {
                let raw = cell.as_ref().map_or("", |c| c.raw.as_str());
                let value = cell.as_ref().map_or(String::new(), |c| c.value.display());
                let original = originals(table.key, row.key, col);
                // A corrected cell's place is its original's: the corrected text is nowhere
                // in the file.
                let at = match (original, cell) {
                    (Some(_), _) => a
                        .originals
                        .get(&crate::report::CellRef::new(table.key, row.key, col))
                        .and_then(Option::as_ref)
                        .and_then(|c| a.report.as_ref().map(|r| r.source_line_col(c.span.start))),
                    (None, Some(c)) => Some(report.source_line_col(c.span.start)),
                    (None, None) => None,
                };
                let (line, lcol) = at.map_or((String::new(), String::new()), |(l, c)| {
                    (l.to_string(), c.to_string())
                });
                out.push_str(&format!(
                    "{file},{},{},{},{},{},{},{},{line},{lcol},{state}\n",
                    table.key.as_str(),
                    row.key,
                    col,
                    csv_field(raw),
                    csv_field(&value),
                    original.is_some(),
                    csv_field(original.unwrap_or("")),
                ));
            }
        }
    }
}

/// CSV lines for the findings of one audited file (and its read error, if any).
pub fn findings_csv(a: &Audit, display_path: &str, out: &mut String) {
    let file = csv_field(display_path);
    let state = a.annotation_state().0.as_str();
    let fmt = |n: Option<f64>| n.map(crate::text::format_num).unwrap_or_default();
    if let Some(e) = &a.error {
        out.push_str(&format!(
            "{file},unreadable,error,,,,,{},,,,,,,,,,{state}\n",
            csv_field(e)
        ));
    }
    for f in &a.findings {
        let pairs = |v: &[(&str, &str)]| -> String {
            let v: Vec<String> = v.iter().map(|(r, c)| format!("{r}/{c}")).collect();
            v.join(" ")
        };
        let cells = pairs(&f.cells);
        let (sr, sc, sv) = match &f.suggestion {
            Some(s) => (s.row, s.column, crate::text::format_num(s.value)),
            None => Default::default(),
        };
        let (line, lcol) = finding_line_col(a, f)
            .map_or((String::new(), String::new()), |(l, c)| {
                (l.to_string(), c.to_string())
            });
        let (verdict, vnote) = verdict_of(a, f).unwrap_or_default();
        out.push_str(&format!(
            "{file},{},{},{},{},{},{},{},{},{},{},{},{line},{lcol},{},{},{},{state}\n",
            f.rule,
            f.severity.as_str(),
            f.table.as_str(),
            csv_field(&cells),
            fmt(f.expected),
            fmt(f.found),
            csv_field(&f.message),
            sr,
            sc,
            sv,
            csv_field(&pairs(&f.unread)),
            csv_field(finding_quote(a, f).unwrap_or("")),
            csv_field(&verdict),
            csv_field(&vnote),
        ));
    }
}

/// The findings CSV line of a cross-report finding: the previous report is named in the
/// message and the cells are this year's.
pub fn cross_csv(f: &crate::series::CrossFinding) -> String {
    let fmt = |n: Option<f64>| n.map(crate::text::format_num).unwrap_or_default();
    let cells: Vec<String> = f.cells.iter().map(|(r, c)| format!("{r}/{c}")).collect();
    format!(
        "{},{},{},{},{},{},{},{},,,,,,,,,,\n",
        csv_field(&f.file),
        f.rule,
        f.severity.map_or("note", |s| s.as_str()),
        f.table.map_or("", |t| t.as_str()),
        csv_field(&cells.join(" ")),
        fmt(f.expected),
        fmt(f.found),
        csv_field(&f.message),
    )
}
