//! Year over year: reports of one agency in consecutive years, paired across the reports of a
//! run (`gouji check`) or open in the workbench. Each report leaves a small [`Summary`] (the
//! cells the cross-year relations read and its narrative's sentence hashes), kept once per
//! agency and year, so a batch run holds one summary per agency-year, never a report; the
//! [`Series`] then yields the cross-report findings: `carry_over` (this year's 上年结转 against
//! last year's 结转下年度继续办理, every column), `in_force_continuity` (table 二's 现行有效件数
//! against last year's + 制发 − 废止, a warning since documents also lapse), `repetition` (the
//! share of the narrative repeated verbatim from last year's report, a figure for every pair
//! and a warning above the threshold) and `same_agency_year` (two reports claim one agency and
//! year: neither is paired, since which is which would be a guess).

use std::collections::BTreeMap;

use crate::audit::Audit;
use crate::narrative::{CheckRules, repetition_share};
use crate::report::{Report, Row};
use crate::template::{Key, TableKey};
use crate::text::{Value, format_num};

/// A cell the cross-year relations read: `None` when it could not be read (no comparison),
/// a blank counting as 0.
type Num = Option<f64>;

/// What one report contributes to the cross-year checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The file as the run names it.
    pub file: String,
    /// The agency as the report names it.
    pub agency: String,
    /// The agency's normalized name, the pairing key ([`normalize_agency`]).
    pub key: String,
    pub year: i32,
    pub template: Option<String>,
    /// Table 三's 上年结转 and 结转下年度继续办理, by column key, in the table's order.
    pub carried_over: Vec<(Key, Num)>,
    pub carried_forward: Vec<(Key, Num)>,
    /// Table 二 (2021 template): (row key, 制发, 废止, 现行有效) for 规章 and 规范性文件.
    pub in_force: Vec<(Key, Num, Num, Num)>,
    /// The narrative's own sentences, hashed ([`sentence_hashes`]).
    pub sentences: Vec<u64>,
}

fn num(row: Option<&Row>, column: &str) -> Num {
    let cell = row?.cell(column)?;
    match cell.value {
        Value::Text(_) => None,
        ref v => Some(v.as_f64()),
    }
}

impl Summary {
    /// The summary of an audited report (its checked numbers: corrected where corrections
    /// apply); `None` when it has no agency or year, or no table was read.
    pub fn of(audit: &Audit, file: &str, rules: &CheckRules) -> Option<Summary> {
        let report = audit.checked()?;
        if audit.unreadable() {
            return None;
        }
        let sentences = audit.sentence_hashes(rules)?.to_vec();
        Summary::of_report(report, file, rules, sentences)
    }

    /// The summary of a parsed report whose narrative hashes to `sentences`.
    fn of_report(
        report: &Report,
        file: &str,
        rules: &CheckRules,
        sentences: Vec<u64>,
    ) -> Option<Summary> {
        let agency = report.agency.clone()?;
        let year = report.year?;
        let apps = report.table(TableKey::Applications);
        let row_cells = |key: &str| -> Vec<(Key, Num)> {
            let row = apps.and_then(|t| t.row(key));
            row.map(|r| {
                r.columns
                    .iter()
                    .filter(|c| !apps.is_some_and(|t| t.extra_columns.contains(c)))
                    .map(|c| (*c, num(Some(r), c)))
                    .collect()
            })
            .unwrap_or_default()
        };
        let active = report.table(TableKey::Active);
        let in_force = if report.template.as_deref() == Some("2021") {
            ["rules", "normative_docs"]
                .into_iter()
                .filter_map(|k| {
                    let row = active.and_then(|t| t.row(k))?;
                    Some((
                        row.key,
                        num(Some(row), "issued"),
                        num(Some(row), "repealed"),
                        num(Some(row), "in_force"),
                    ))
                })
                .collect()
        } else {
            Vec::new()
        };
        Some(Summary {
            file: file.to_string(),
            key: normalize_agency(&agency, rules),
            agency,
            year,
            template: report.template.clone(),
            carried_over: row_cells("carried_over"),
            carried_forward: row_cells("carried_forward"),
            in_force,
            sentences,
        })
    }
}

/// The name two reports of one agency share: white space and width folded, and a leading
/// province or city name dropped before a district's or county's own name (titles say
/// "淮安市洪泽区人民政府" one year and "洪泽区人民政府" the next).
pub fn normalize_agency(name: &str, rules: &CheckRules) -> String {
    let mut s: String = crate::text::fold_label(name);
    while let Some(end) = rules
        .agency_prefix_ends
        .iter()
        .filter_map(|p| s.find(p.as_str()).map(|i| i + p.len()))
        .min()
    {
        let rest = &s[end..];
        // Only when what remains is itself a named level ("洪泽区…"), not the body ("人民政府").
        let head: String = rest.chars().take(8).collect();
        if end <= 6 * 3
            && rules
                .agency_levels
                .iter()
                .any(|l| head.contains(l.as_str()))
        {
            s = rest.to_string();
        } else {
            break;
        }
    }
    s
}

/// A finding across two reports of one agency.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossFinding {
    pub rule: &'static str,
    /// `None` for a figure that is not a finding (a repetition share below the threshold).
    pub severity: Option<crate::checker::Severity>,
    pub agency: String,
    /// This year's report and last year's.
    pub file: String,
    pub year: i32,
    pub previous: String,
    pub previous_year: Option<i32>,
    pub table: Option<TableKey>,
    /// This year's cells and last year's (row key, column key).
    pub cells: Vec<(Key, Key)>,
    pub previous_cells: Vec<(Key, Key)>,
    pub found: Option<f64>,
    pub expected: Option<f64>,
    /// The repetition share, for `repetition`.
    pub share: Option<f64>,
    pub message: String,
}

/// The summaries of a run, one per agency and year, and how many reports claimed each.
#[derive(Debug, Default)]
pub struct Series {
    by_key: BTreeMap<(String, i32), (Summary, usize)>,
}

impl Series {
    pub fn new() -> Series {
        Series::default()
    }

    /// Adds a report's summary. A second report of the same agency and year is counted, not
    /// kept: such a year is paired with neither neighbour.
    pub fn add(&mut self, s: Summary) {
        self.by_key
            .entry((s.key.clone(), s.year))
            .and_modify(|e| e.1 += 1)
            .or_insert((s, 1));
    }

    /// How many agency-years are held.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Every cross-report finding, by agency and year; `threshold` is the repetition share
    /// above which a pair gets a warning.
    pub fn findings(&self, threshold: f64) -> Vec<CrossFinding> {
        use crate::checker::Severity;
        let mut out = Vec::new();
        for ((key, year), (this, count)) in &self.by_key {
            if *count > 1 {
                out.push(CrossFinding {
                    rule: "same_agency_year",
                    severity: Some(Severity::Warning),
                    agency: this.agency.clone(),
                    file: this.file.clone(),
                    year: *year,
                    previous: String::new(),
                    previous_year: None,
                    table: None,
                    cells: Vec::new(),
                    previous_cells: Vec::new(),
                    found: None,
                    expected: None,
                    share: None,
                    message: format!(
                        "{count} reports claim {} {year} (the first is {}): none of them is compared with the years before and after",
                        this.agency, this.file
                    ),
                });
                continue;
            }
            let Some((prev, 1)) = self
                .by_key
                .get(&(key.clone(), year - 1))
                .map(|(s, n)| (s, *n))
            else {
                continue;
            };
            let base = CrossFinding {
                rule: "",
                severity: None,
                agency: this.agency.clone(),
                file: this.file.clone(),
                year: *year,
                previous: prev.file.clone(),
                previous_year: Some(prev.year),
                table: None,
                cells: Vec::new(),
                previous_cells: Vec::new(),
                found: None,
                expected: None,
                share: None,
                message: String::new(),
            };
            for (col, now) in &this.carried_over {
                let before = prev
                    .carried_forward
                    .iter()
                    .find(|(c, _)| c == col)
                    .and_then(|(_, v)| *v);
                if let (Some(now), Some(before)) = (now, before)
                    && (now - before).abs() > 1e-6
                {
                    out.push(CrossFinding {
                        rule: "carry_over",
                        severity: Some(Severity::Error),
                        table: Some(TableKey::Applications),
                        cells: vec![("carried_over", col)],
                        previous_cells: vec![("carried_forward", col)],
                        found: Some(*now),
                        expected: Some(before),
                        message: format!(
                            "{}: 上年结转 is {} in {} ({year}), but 结转下年度继续办理 is {} in {} ({})",
                            column_label(col),
                            format_num(*now),
                            this.file,
                            format_num(before),
                            prev.file,
                            prev.year
                        ),
                        ..base.clone()
                    });
                }
            }
            for (row, issued, repealed, in_force) in &this.in_force {
                let before = prev
                    .in_force
                    .iter()
                    .find(|(r, ..)| r == row)
                    .and_then(|(_, _, _, v)| *v);
                if let (Some(i), Some(r), Some(now), Some(before)) =
                    (issued, repealed, in_force, before)
                {
                    let expected = before + i - r;
                    if (now - expected).abs() > 1e-6 {
                        let name = if *row == "rules" {
                            "规章"
                        } else {
                            "规范性文件"
                        };
                        out.push(CrossFinding {
                            rule: "in_force_continuity",
                            severity: Some(Severity::Warning),
                            table: Some(TableKey::Active),
                            cells: vec![(row, "in_force"), (row, "issued"), (row, "repealed")],
                            previous_cells: vec![(row, "in_force")],
                            found: Some(*now),
                            expected: Some(expected),
                            message: format!(
                                "{name}: 现行有效件数 is {} in {} ({year}), but {} in {} ({}) + 制发 {} − 废止 {} is {} (documents may also have lapsed)",
                                format_num(*now),
                                this.file,
                                format_num(before),
                                prev.file,
                                prev.year,
                                format_num(*i),
                                format_num(*r),
                                format_num(expected)
                            ),
                            ..base.clone()
                        });
                    }
                }
            }
            if let Some(share) = repetition_share(&this.sentences, &prev.sentences) {
                let over = share > threshold;
                out.push(CrossFinding {
                    rule: "repetition",
                    severity: over.then_some(Severity::Warning),
                    share: Some(share),
                    message: format!(
                        "{:.0}% of the narrative's sentences in {} ({year}) appear verbatim in {} ({}){}",
                        share * 100.0,
                        this.file,
                        prev.file,
                        prev.year,
                        if over {
                            format!(", above the {:.0}% threshold", threshold * 100.0)
                        } else {
                            String::new()
                        }
                    ),
                    ..base
                });
            }
        }
        out
    }
}

/// The Chinese label of a table 三 column key, for messages.
pub fn column_label(col: &str) -> &'static str {
    match col {
        "natural" => "自然人",
        "commercial" => "商业企业",
        "research" => "科研机构",
        "public_interest" => "社会公益组织",
        "legal_service" => "法律服务机构",
        "other_org" => "其他",
        "total" => "总计",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agencies_are_paired_with_and_without_their_city() {
        let r = CheckRules::embedded().unwrap();
        assert_eq!(
            normalize_agency("淮安市洪泽区人民政府", r),
            normalize_agency("洪泽区 人民政府", r)
        );
        assert_eq!(normalize_agency("淮安市人民政府", r), "淮安市人民政府");
        assert_eq!(
            normalize_agency("上海市人民政府办公厅", r),
            "上海市人民政府办公厅"
        );
    }
}
