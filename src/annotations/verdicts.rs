//! A reviewer's verdict on a finding: confirmed (the report is wrong) or dismissed (not a
//! problem, with an optional reason). A verdict holds a fingerprint of the finding's rule,
//! cells and their values: when the numbers change, the verdict lapses (it is kept in the
//! file and named, never applied to a finding it was not given on).

use serde::{Deserialize, Serialize};

use super::{Annotations, cell_label, content_hash};
use crate::checker::Finding;
use crate::report::{CellRef, Report};
use crate::template::Template;

/// What the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// The finding stands: the report is inconsistent there.
    Confirmed,
    /// Not a problem: the finding leaves the counts and `n`.
    Dismissed,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Confirmed => "confirmed",
            VerdictKind::Dismissed => "dismissed",
        }
    }
}

/// A verdict as saved in the annotation file (`[[verdict]]`).
///
/// Invariant: `cells` and `values` have the same length, and `fingerprint` is
/// [`fingerprint`] of `rule`, `table`, `cells` and `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictEntry {
    pub rule: String,
    pub table: String,
    /// "row/column" keys of the finding's cells, in the finding's order.
    pub cells: Vec<String>,
    /// The cells' text when the verdict was given ("" blank, "?" unread or absent).
    pub values: Vec<String>,
    pub fingerprint: String,
    pub verdict: VerdictKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// UTC time of the verdict, RFC 3339.
    pub time: String,
}

impl VerdictEntry {
    /// The verdict `kind` on `f` as `report` prints its cells now.
    pub fn new(f: &Finding, report: &Report, kind: VerdictKind, reason: &str) -> VerdictEntry {
        let cells = cell_keys(f);
        let values = cell_values(f, report);
        VerdictEntry {
            fingerprint: fingerprint(f.rule, f.table.as_str(), &cells, &values),
            rule: f.rule.to_string(),
            table: f.table.as_str().to_string(),
            cells,
            values,
            verdict: kind,
            reason: reason.to_string(),
            time: String::new(),
        }
    }

    /// True when this verdict was given on the finding named by (rule, table, cells).
    pub fn names(&self, rule: &str, table: &str, cells: &[String]) -> bool {
        self.rule == rule && self.table == table && self.cells == cells
    }
}

/// Every cell a finding names, read and unread, as "row/column".
pub fn cell_keys(f: &Finding) -> Vec<String> {
    f.cells
        .iter()
        .chain(&f.unread)
        .map(|(r, c)| format!("{r}/{c}"))
        .collect()
}

/// The text of the finding's cells in `report` ("?" for an unread or absent cell).
pub fn cell_values(f: &Finding, report: &Report) -> Vec<String> {
    let table = report.table(f.table);
    f.cells
        .iter()
        .chain(&f.unread)
        .map(|(r, c)| {
            table
                .and_then(|t| t.cell(r, c))
                .map_or_else(|| "?".to_string(), |c| c.raw.trim().to_string())
        })
        .collect()
}

/// A stable fingerprint of a finding's rule, cells and their values.
pub fn fingerprint(rule: &str, table: &str, cells: &[String], values: &[String]) -> String {
    let mut s = format!("{rule}\n{table}\n");
    for (c, v) in cells.iter().zip(values) {
        s.push_str(c);
        s.push('=');
        s.push_str(v);
        s.push('\n');
    }
    content_hash(s.as_bytes())
}

/// A verdict as it stands on one finding of the report now.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub verdict: VerdictKind,
    pub reason: String,
    /// Why the verdict no longer applies (its cells' values changed), naming the cells;
    /// `None` while it applies.
    pub lapsed: Option<String>,
}

impl Judged {
    /// A dismissal that still applies: the finding leaves the counts and `n`.
    pub fn dismissed(&self) -> bool {
        self.verdict == VerdictKind::Dismissed && self.lapsed.is_none()
    }

    /// A confirmation that still applies.
    pub fn confirmed(&self) -> bool {
        self.verdict == VerdictKind::Confirmed && self.lapsed.is_none()
    }

    /// "dismissed: 原表如此", "confirmed", "dismissal lapsed: …" for the reviewer.
    pub fn describe(&self) -> String {
        match (&self.lapsed, self.reason.is_empty()) {
            (Some(why), _) => format!(
                "{} lapsed: {why}",
                match self.verdict {
                    VerdictKind::Confirmed => "confirmation",
                    VerdictKind::Dismissed => "dismissal",
                }
            ),
            (None, true) => self.verdict.as_str().to_string(),
            (None, false) => format!("{}: {}", self.verdict.as_str(), self.reason),
        }
    }
}

/// The verdict standing on each finding (index-aligned with `findings`): the saved verdict
/// given on the same rule and cells, lapsed when its fingerprint differs from the finding's
/// now. `template` names the changed cells.
pub fn judge(
    findings: &[Finding],
    report: &Report,
    a: &Annotations,
    template: Option<&Template>,
) -> Vec<Option<Judged>> {
    if a.verdicts.is_empty() {
        return vec![None; findings.len()];
    }
    findings
        .iter()
        .map(|f| {
            let cells = cell_keys(f);
            // The verdict given on these cells; else one given on the same rule over cells
            // that overlap these (a row's blank cells, one of them filled in since): lapsed.
            let v = a
                .verdicts
                .iter()
                .find(|v| v.names(f.rule, f.table.as_str(), &cells))
                .or_else(|| {
                    a.verdicts.iter().find(|v| {
                        v.rule == f.rule
                            && v.table == f.table.as_str()
                            && v.cells.iter().any(|c| cells.contains(c))
                    })
                })?;
            let values = cell_values(f, report);
            let now = fingerprint(f.rule, f.table.as_str(), &cells, &values);
            let lapsed = (now != v.fingerprint).then(|| {
                let was_of = |c: &String| {
                    v.cells
                        .iter()
                        .position(|x| x == c)
                        .and_then(|k| v.values.get(k))
                };
                let changed: Vec<String> = cells
                    .iter()
                    .zip(&values)
                    .map(|(c, now)| ((c, now), was_of(c)))
                    .filter(|((_, now), was)| was.is_none_or(|w| w != *now))
                    .map(|((c, now), was)| {
                        let (row, col) = c.split_once('/').unwrap_or((c, ""));
                        let label = cell_label(template, &CellRef::new(f.table, row, col));
                        let shown = |t: &str| {
                            if t.is_empty() {
                                "blank".to_string()
                            } else {
                                t.to_string()
                            }
                        };
                        format!(
                            "{label} was {}, now {}",
                            was.map_or("?".to_string(), |w| shown(w)),
                            shown(now)
                        )
                    })
                    .collect();
                if changed.is_empty() {
                    "the numbers changed since it was given".to_string()
                } else {
                    format!(
                        "the numbers changed since it was given ({})",
                        changed.join("; ")
                    )
                }
            });
            Some(Judged {
                verdict: v.verdict,
                reason: v.reason.clone(),
                lapsed,
            })
        })
        .collect()
}
