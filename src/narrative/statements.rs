//! `narrative_table`: the numbers the narrative states about tables 三 and 四 against the cells
//! they name. A statement is read only where it says one thing plainly: a qualified number
//! ("（含上年结转3件）"), a comparison or another year's figure is left alone, never guessed.

use crate::checker::{Finding, Severity};
use crate::report::{Report, Row};
use crate::template::{Key, TableKey, Template, key_matches};
use crate::text::format_num;

use super::rules::NUMBER_GROUP;
use super::{CellPattern, CheckRules, Qualified, Statement, parse_number, sentences};

/// The characters that end a clause: what "the clause before a statement" goes back to.
const CLAUSE_ENDS: [char; 6] = ['，', ',', '；', ';', '：', ':'];

/// One `narrative_table` warning per statement whose number disagrees with its cells.
pub fn narrative_table(report: &Report, template: &Template, rules: &CheckRules) -> Vec<Finding> {
    let text = report.text.as_str();
    let mut out: Vec<Finding> = Vec::new();
    for range in sentences(text) {
        let sentence = &text[range.clone()];
        // Every statement holds 件/起/宗 or a negation (未, 无, 没有): most lines (table cells) hold neither.
        if !sentence.contains(['件', '起', '宗', '未', '无']) && !sentence.contains("没有") {
            continue;
        }
        let matched = rules.statement_set.matches(sentence);
        if !matched.matched_any() {
            continue;
        }
        for st in matched.iter().map(|i| &rules.statements[i]) {
            for caps in st.regex.captures_iter(sentence) {
                let Some(m) = caps.get(0) else { continue };
                let number = st.regex.capture_names().flatten().find_map(|name| {
                    (name == NUMBER_GROUP || name.starts_with("n_"))
                        .then(|| caps.name(name))
                        .flatten()
                });
                let said = match (st.value, number) {
                    (Some(v), _) => Some(v),
                    (None, Some(n)) => parse_number(n.as_str()),
                    (None, None) => None,
                };
                let Some(said) = said else { continue };
                if !plain(sentence, m.start(), m.end(), st, rules, report.year) {
                    continue;
                }
                for group in &st.compare {
                    let Some((cells, value)) = sum(report, group) else {
                        continue;
                    };
                    if (value - said).abs() < 1e-6 {
                        continue;
                    }
                    let table = group[0].table;
                    let names = cell_names(template, group);
                    let span = range.start + m.start()..range.start + m.end();
                    // One finding per sentence and group of cells: two patterns reading the
                    // same words say one thing.
                    if out.iter().any(|f| {
                        f.quote.as_ref() == Some(&range) && f.cells == cells && f.table == table
                    }) {
                        continue;
                    }
                    out.push(Finding {
                        rule: "narrative_table",
                        severity: Severity::Warning,
                        table,
                        cells,
                        expected: Some(value),
                        found: Some(said),
                        message: format!(
                            "the narrative says {} ({}: “{}”) but {names} is {} in the table: “{sentence}”",
                            format_num(said),
                            st.says,
                            &sentence[m.start()..m.end()],
                            format_num(value),
                        ),
                        suggestion: None,
                        span: Some(span),
                        stated_cells: 0,
                        unread: Vec::new(),
                        quote: Some(range.clone()),
                    });
                }
            }
        }
    }
    out
}

/// True when the statement at `start..end` of `sentence` says its number plainly: not
/// qualified (unless the statement reads qualified numbers), not about another year or a
/// comparison, none of its `unless` texts in it and none of its `reject_before` just before.
fn plain(
    sentence: &str,
    start: usize,
    end: usize,
    st: &Statement,
    rules: &CheckRules,
    year: Option<i32>,
) -> bool {
    let matched = &sentence[start..end];
    if st.unless.iter().any(|u| matched.contains(u.as_str())) {
        return false;
    }
    let before = &sentence[..start];
    if st
        .reject_before
        .iter()
        .any(|r| before.ends_with(r.as_str()))
    {
        return false;
    }
    let after = sentence[end..].trim_start();
    if st.qualified == Qualified::Skip
        && rules
            .qualifiers
            .iter()
            .any(|q| after.starts_with(q.as_str()))
    {
        return false;
    }
    let clause = before.rfind(CLAUSE_ENDS).map_or(before, |i| &before[i..]);
    if rules
        .clause_rejects
        .iter()
        .any(|r| clause.contains(r.as_str()) || matched.contains(r.as_str()))
        || st.clause_unless.iter().any(|r| clause.contains(r.as_str()))
    {
        return false;
    }
    // "2019年收到…" in a 2020 report is last year's figure.
    !years_in(before).any(|y| Some(y) != year)
}

/// The years ("2019年", "2019 年") a text names.
fn years_in(s: &str) -> impl Iterator<Item = i32> + '_ {
    s.match_indices('年').filter_map(|(i, _)| {
        let head = s[..i].trim_end();
        let digits: String = head
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        (digits.len() == 4)
            .then(|| digits.chars().rev().collect::<String>())
            .and_then(|d| d.parse().ok())
            .filter(|y| (1990..2100).contains(y))
    })
}

/// The cells a group names and the sum of their numbers (a blank counting as 0); `None` when
/// a cell the group needs could not be read, holds text, or its table is not in the report.
fn sum(report: &Report, group: &[CellPattern]) -> Option<(Vec<(Key, Key)>, f64)> {
    let mut cells = Vec::new();
    let mut total = 0.0;
    for p in group {
        let table = report.table(p.table).filter(|t| t.located())?;
        let rows: Vec<&Row> = table
            .rows
            .iter()
            .filter(|r| key_matches(p.row, r.key) && table.expects(r))
            .collect();
        if rows.is_empty() {
            return None;
        }
        for row in rows {
            // A row without the column (an optional one) holds no operand.
            let Some(i) = row.columns.iter().position(|c| *c == p.column) else {
                continue;
            };
            let cell = row.cells[i].as_ref()?;
            if matches!(cell.value, crate::text::Value::Text(_)) {
                return None;
            }
            total += cell.value.as_f64();
            cells.push((row.key, p.column));
        }
    }
    (!cells.is_empty()).then_some((cells, total))
}

/// The Chinese names of a group's cells, for the message ("新收 总计").
fn cell_names(template: &Template, group: &[CellPattern]) -> String {
    let names: Vec<String> = group
        .iter()
        .map(|p| {
            let spec = template.table(p.table);
            let row = match p.row.strip_suffix(".*") {
                Some(prefix) => spec.rows.iter().find(|r| key_matches(p.row, r.key)).map_or(
                    prefix.to_string(),
                    |r| {
                        let s = r.short.as_str();
                        s.split('・').next().unwrap_or(s).to_string()
                    },
                ),
                None => spec
                    .row(p.row)
                    .map_or(p.row.to_string(), |r| r.short.clone()),
            };
            let column = spec
                .columns
                .iter()
                .find(|c| c.key == p.column)
                .and_then(|c| c.labels.first())
                .map_or(p.column, String::as_str);
            let group_name = if p.table == TableKey::Review { "" } else { " " };
            format!("{row}{group_name}{column}")
        })
        .collect();
    names.join(" + ")
}
