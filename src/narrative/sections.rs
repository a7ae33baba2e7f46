//! Report-level checks (warnings): the statistical period's year against the title's, the
//! sections the template requires, section 五 saying something and section 六 reporting
//! 信息处理费.

use crate::checker::{Finding, Severity};
use crate::report::Report;
use crate::template::TableKey;

use super::CheckRules;

fn warning(rule: &'static str, message: String, span: Option<std::ops::Range<usize>>) -> Finding {
    Finding {
        rule,
        severity: Severity::Warning,
        table: TableKey::Active,
        cells: Vec::new(),
        expected: None,
        found: None,
        message,
        suggestion: None,
        quote: span.clone(),
        span,
        stated_cells: 0,
        unread: Vec::new(),
    }
}

/// The last heading of section `s` in `text`: the regex is run only around each occurrence of
/// the section's key (a heading starts at most [`BEFORE_KEY`] bytes before it), the last
/// occurrence first.
fn last_heading(text: &str, s: &super::Section) -> Option<std::ops::Range<usize>> {
    let occurrences: Vec<usize> =
        memchr::memmem::find_iter(text.as_bytes(), s.key.as_bytes()).collect();
    for &at in occurrences.iter().rev() {
        let mut start = at.saturating_sub(BEFORE_KEY);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        let mut end = (at + s.key.len() + AFTER_KEY).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        // `find_at` keeps the text before `start` as context, so `^` is a true line start.
        let window = &text[..end];
        let mut from = start;
        while let Some(m) = s.regex.find_at(window, from) {
            if m.start() > at {
                break;
            }
            if m.end() >= at + s.key.len() {
                return Some(m.range());
            }
            from = m.end().max(from + 1);
            while !text.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    None
}

/// How far before its key a heading may start, and after it end (bytes): a numeral, "、",
/// spaces and "政府信息公开工作" before; "(情况)" "及改进情况" after.
const BEFORE_KEY: usize = 72;
const AFTER_KEY: usize = 48;

/// The report-level findings. Only reports in which some table was found are looked at (the
/// rest are unreadable and say so).
pub fn section_checks(report: &Report, rules: &CheckRules) -> Vec<Finding> {
    let text = report.text.as_str();
    let mut out = Vec::new();
    if let Some(year) = report.year
        && let Some(c) = rules.period.captures(text)
        && let (Some(m), Some(y)) = (c.get(0), c.name("year"))
        && let Ok(period) = y.as_str().parse::<i32>()
        && period != year
    {
        out.push(warning(
            "period_year",
            format!(
                "the title is for {year} but the statistical period starts in {period}: “{}”",
                m.as_str()
            ),
            Some(m.range()),
        ));
    }
    // Each section's heading: its last match (the overview may name every section first).
    let found: Vec<Option<std::ops::Range<usize>>> = rules
        .sections
        .iter()
        .map(|s| last_heading(text, s))
        .collect();
    let missing: Vec<&str> = rules
        .sections
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(s, _)| s.name.as_str())
        .collect();
    // A text with no heading at all is an excerpt of the tables (or lost its headings in
    // extraction): naming every section missing would say nothing about the report.
    if !missing.is_empty() && missing.len() < rules.sections.len() {
        out.push(warning(
            "missing_section",
            format!(
                "no heading of the required section(s) {} was found",
                missing.join(", ")
            ),
            None,
        ));
    }
    for (i, (s, at)) in rules.sections.iter().zip(&found).enumerate() {
        let Some(at) = at else { continue };
        // The body: to the next section's heading found after this one, or the end.
        let end = found[i + 1..]
            .iter()
            .flatten()
            .map(|r| r.start)
            .find(|&e| e > at.end)
            .unwrap_or(text.len());
        let body = text[at.end..end].trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '：' | ':' | '。' | '.' | '|')
        });
        if !s.empty.is_empty() && (body.is_empty() || s.empty.iter().any(|e| body == e.as_str())) {
            out.push(warning(
                "section_problems",
                format!(
                    "section {} is {}: the template requires the problems found and how they are being addressed",
                    s.name,
                    if body.is_empty() {
                        "empty".to_string()
                    } else {
                        format!("only “{body}”")
                    }
                ),
                Some(at.clone()),
            ));
        }
        if let Some(from) = s.must_mention_from
            && report.year.is_some_and(|y| y >= from)
            && !s.must_mention.iter().any(|m| body.contains(m.as_str()))
        {
            out.push(warning(
                "section_fees",
                format!(
                    "section {} does not mention {}: from {from} on it must report the 信息处理费 charged (or that none was)",
                    s.name, s.must_mention[0]
                ),
                Some(at.clone()),
            ));
        }
    }
    out
}
