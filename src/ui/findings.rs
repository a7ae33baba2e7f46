//! The findings pane: errors first, then unchecked relations, then warnings folded under one
//! line per rule with a count (Enter expands), dismissed findings last; and a finding's
//! detail: the relation written out with every operand's label, value and source line, what
//! is stated against what is computed, the suggestion and the verdict.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::annotations::cell_label;
use crate::audit::Audit;
use crate::checker::{Finding, Severity};
use crate::report::CellRef;
use crate::text::format_num;

use super::action::Action;
use super::config::Config;
use super::layout::scroll_for;
use super::report_view::{DISMISSED, FindingRow, Group, target_cell};
use super::state::{Pane, State};
use super::view::{fit_width, titled, wrap};

/// A rule in plain words, for fold lines.
pub fn rule_words(rule: &str) -> &str {
    match rule {
        "balance" => "新收 + 上年结转 vs 办理结果总计 + 结转下年",
        "results_sum" => "办理结果之和 vs 总计",
        "row_total" => "各类申请人之和 vs 总计",
        "review_sum" => "复议诉讼各项之和 vs 总计",
        "org_subtotal" => "法人或其他组织之和 vs 小计",
        "blank_cells" => "rows with blank cells (counted as 0)",
        "non_numeric" => "cells that are not numbers (counted as 0)",
        "missing_table" => "tables not found",
        "missing_row" => "rows not found",
        "cell_count" => "rows with too few or too many cells",
        "inferred_split" => "cells split by arithmetic from run-together digits",
        "unsplit_digits" => "run-together digits that could not be split",
        "forced_split" => "run-together digits read as printed",
        "gapped_label" => "rows found by a label with characters missing",
        "placed_by_position" => "rows placed by position",
        "template_year" => "template and year disagree",
        "active_plausibility" => "implausible numbers in table 二",
        DISMISSED => "dismissed by the reviewer",
        other => other,
    }
}

fn tag(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "E",
        Severity::Unchecked => "U",
        Severity::Warning => "W",
    }
}

fn tag_style(sev: Severity, cfg: &Config) -> Style {
    match sev {
        Severity::Error => Style::new()
            .fg(cfg.theme.error)
            .add_modifier(Modifier::BOLD),
        Severity::Unchecked => cfg.theme.unchecked_cell(),
        Severity::Warning => Style::new().fg(cfg.theme.warning),
    }
}

/// One line for finding `i` in plain words: its message, its suggestion by labels, its
/// verdict.
pub fn summary(s: &State, i: usize) -> String {
    let Some(a) = s.audit() else {
        return String::new();
    };
    let Some(f) = a.findings.get(i) else {
        return String::new();
    };
    let template = a
        .checked()
        .and_then(|r| s.templates.for_id(r.template.as_deref()));
    let mut out = String::new();
    if let Some(v) = a.verdict(i) {
        out.push_str(&format!("[{}] ", v.describe()));
    }
    // The suggestion first: it is what the reviewer acts on.
    if let Some(sg) = &f.suggestion {
        out.push_str(&format!(
            "[{} -> {}] ",
            cell_label(template, &CellRef::new(f.table, sg.row, sg.column)),
            format_num(sg.value)
        ));
    }
    // The relation's own wording is in the detail: the line keeps to the numbers.
    let describe = template
        .and_then(|t| t.relations.iter().find(|r| r.id == f.rule))
        .map(|r| format!(" ({})", r.describe));
    out.push_str(
        describe
            .as_deref()
            .and_then(|d| f.message.strip_suffix(d))
            .unwrap_or(&f.message),
    );
    out
}

/// One operand of a finding: its label, value and source line.
fn operand(a: &Audit, s: &State, f: &Finding, (row, col): (&str, &str), by_column: bool) -> String {
    let report = a.checked();
    let template = report.and_then(|r| s.templates.for_id(r.template.as_deref()));
    let spec = template.map(|t| t.table(f.table));
    let label = if by_column {
        spec.and_then(|t| t.column(col))
            .and_then(|c| c.labels.first().cloned())
            .unwrap_or_else(|| col.to_string())
    } else {
        spec.and_then(|t| t.row(row))
            .and_then(|r| r.labels.first().cloned())
            .unwrap_or_else(|| row.to_string())
    };
    let cell = report
        .and_then(|r| r.table(f.table))
        .and_then(|t| t.cell(row, col));
    let value = match cell.map(|c| &c.value) {
        None => "unread".to_string(),
        Some(crate::text::Value::Blank) => "blank (0)".to_string(),
        Some(crate::text::Value::Text(t)) => format!("\"{t}\" (0)"),
        Some(v) => v.display(),
    };
    let corrected = if a.originals.contains_key(&CellRef::new(f.table, row, col)) {
        " (corrected)"
    } else {
        ""
    };
    let line = match (report, cell) {
        (Some(r), Some(c)) if c.span.end > c.span.start => {
            // Line and column: web text prints a whole table on one line.
            let (l, col) = r.source_line_col(c.span.start);
            match r.page_of(c.span.start) {
                Some(p) => format!(" (page {p}, line {l}:{col})"),
                None => format!(" (line {l}:{col})"),
            }
        }
        _ => String::new(),
    };
    format!("  {label}  {value}{corrected}{line}")
}

/// The relation of `f` written out: every operand with its label, value and source line,
/// stated against computed.
fn operand_lines(a: &Audit, s: &State, f: &Finding) -> Vec<String> {
    let template = a
        .checked()
        .and_then(|r| s.templates.for_id(r.template.as_deref()));
    let mut out = Vec::new();
    // Operands of one row are named by their columns; of one column, by their rows.
    let first_row = f.cells.first().map(|(r, _)| r);
    let one_row = f
        .cells
        .iter()
        .chain(&f.unread)
        .all(|(r, _)| Some(r) == first_row);
    let by_column = one_row && f.cells.len() > 1;
    let relation = template.and_then(|t| t.relations.iter().find(|r| r.id == f.rule));
    if let Some(rel) = relation {
        out.push(format!("Relation: {}", rel.describe));
        let (stated, computed) = f.cells.split_at(f.stated_cells.min(f.cells.len()));
        match (f.found, f.expected) {
            (Some(found), Some(expected)) => {
                out.push(format!("Stated (printed total) {}:", format_num(found)));
                out.extend(
                    stated
                        .iter()
                        .map(|(r, c)| operand(a, s, f, (r, c), by_column)),
                );
                out.push(format!(
                    "Computed (sum of the parts) {}:",
                    format_num(expected)
                ));
                out.extend(
                    computed
                        .iter()
                        .map(|(r, c)| operand(a, s, f, (r, c), by_column)),
                );
                out.push(format!(
                    "Difference: stated {} - computed {} = {}",
                    format_num(found),
                    format_num(expected),
                    format_num(found - expected)
                ));
            }
            _ => {
                out.push("Cells read:".into());
                out.extend(
                    f.cells
                        .iter()
                        .map(|(r, c)| operand(a, s, f, (r, c), by_column)),
                );
                if !f.unread.is_empty() {
                    out.push("Cells that could not be read:".into());
                    out.extend(
                        f.unread
                            .iter()
                            .map(|(r, c)| operand(a, s, f, (r, c), by_column)),
                    );
                }
            }
        }
    } else if !f.cells.is_empty() {
        out.push("Cells:".into());
        out.extend(
            f.cells
                .iter()
                .map(|(r, c)| operand(a, s, f, (r, c), by_column)),
        );
    }
    out
}

/// The detail of finding `i`, as lines of text.
pub fn detail_lines(s: &State, i: usize, cfg: &Config) -> Vec<String> {
    let Some(a) = s.audit() else {
        return Vec::new();
    };
    let Some(f) = a.findings.get(i) else {
        return Vec::new();
    };
    let report = a.checked();
    let template = report.and_then(|r| s.templates.for_id(r.template.as_deref()));
    let mut out = Vec::new();
    let sev = match f.severity {
        Severity::Error => "Error",
        Severity::Unchecked => "Not checked",
        Severity::Warning => "Warning",
    };
    out.push(format!("{sev} in {} ({})", f.table.title(), f.rule));
    out.push(f.message.clone());
    out.extend(operand_lines(a, s, f));
    // The other failing relations on the same cell, written out too: one value is suggested
    // for all of them.
    let target = target_cell(f);
    let others: Vec<&Finding> = a
        .findings
        .iter()
        .enumerate()
        .filter(|(k, o)| {
            *k != i
                && o.severity == Severity::Error
                && !a.dismissed_at(*k)
                && target.is_some()
                && target_cell(o) == target
        })
        .map(|(_, o)| o)
        .collect();
    for o in others {
        out.push(String::new());
        out.push(format!("Also failing on this cell ({}):", o.rule));
        out.push(o.message.clone());
        out.extend(operand_lines(a, s, o));
    }
    if let Some(sg) = &f.suggestion {
        let cell = CellRef::new(f.table, sg.row, sg.column);
        let line = report
            .and_then(|r| r.cell(&cell).map(|c| r.source_line_col(c.span.start)))
            .map_or(String::new(), |(l, c)| format!(" (line {l}:{c})"));
        let key = cfg.keymap.keys_for(Action::ApplySuggestion).join("/");
        out.push(format!(
            "Suggestion: {} should probably be {}{line}: that one value satisfies {}. {key}: apply",
            cell_label(template, &cell),
            format_num(sg.value),
            sg.resolves.join(" and ")
        ));
    }
    let keys = |act| cfg.keymap.keys_for(act).join("/");
    out.push(match a.verdict(i) {
        Some(v) => format!("Verdict: {}", v.describe()),
        None => format!(
            "Verdict: none. {}: confirm, {}: dismiss (optional reason)",
            keys(Action::Confirm),
            keys(Action::Dismiss)
        ),
    });
    out.push(format!("{}: back to the list", keys(Action::Back)));
    out
}

/// The detail of finding `i` wrapped to `w` columns, as the pane shows it.
pub fn detail_rows(s: &State, i: usize, w: usize, cfg: &Config) -> Vec<String> {
    detail_lines(s, i, cfg)
        .iter()
        .flat_map(|l| {
            let indent = l.starts_with("  ");
            wrap(l, w).into_iter().enumerate().map(move |(k, piece)| {
                if indent && k > 0 {
                    format!("    {piece}")
                } else {
                    piece
                }
            })
        })
        .collect()
}

pub fn draw(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let focused = s.focus == Pane::Findings;
    let Some((a, _)) = super::view::placeholder_or(f, s, Pane::Findings, r, cfg, |a| a.checked())
    else {
        return;
    };
    let title = if s.detail {
        format!("{} | detail", Pane::Findings.title())
    } else {
        Pane::Findings.title().to_string()
    };
    let inner = titled(f, r, &title, focused, cfg);
    let w = inner.width as usize;
    let h = inner.height as usize;
    if s.detail
        && let Some(i) = s.finding
    {
        let lines: Vec<Line> = detail_rows(s, i, w, cfg)
            .into_iter()
            .map(Line::raw)
            .collect();
        // Scrolled no further than its last screenful.
        let first = s.detail_scroll.min(lines.len().saturating_sub(h));
        let lines: Vec<Line> = lines.into_iter().skip(first).take(h).collect();
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let mut lines = vec![Line::styled(
        fit_width(
            &format!(
                "{}   n/N: next error  w/W: warning  Enter: go to, detail",
                super::status::counts(s)
            ),
            w,
        ),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let rows = s.finding_rows();
    if rows.is_empty() {
        lines.push(Line::styled("no findings", cfg.theme.dim()));
    }
    let list_h = h.saturating_sub(1);
    let first = scroll_for(s.findings_cursor, list_h);
    for (k, row) in rows.iter().enumerate().skip(first).take(list_h) {
        let mut line = match row {
            FindingRow::Finding { index, nested } => {
                let fi = &a.findings[*index];
                let indent = if *nested { "    " } else { "" };
                let text = summary(s, *index);
                Line::from(vec![
                    Span::raw(indent),
                    Span::styled(
                        format!("{} ", tag(fi.severity)),
                        tag_style(fi.severity, cfg),
                    ),
                    Span::raw(fit_width(&text, w.saturating_sub(indent.len() + 2))),
                ])
            }
            FindingRow::Fold(g) => {
                let Some(Group::Fold { rule, members }) = s.view.groups.get(*g) else {
                    continue;
                };
                let open = s.expanded.contains(*rule);
                let sev = a.findings[members[0]].severity;
                let text = format!(
                    "{} {} x {}{}",
                    if open { "v" } else { ">" },
                    members.len(),
                    rule_words(rule),
                    if open { "" } else { "  (Enter: expand)" }
                );
                let st = if *rule == DISMISSED {
                    cfg.theme.dim()
                } else {
                    tag_style(sev, cfg)
                };
                Line::from(vec![
                    Span::styled(
                        format!("{} ", if *rule == DISMISSED { "D" } else { tag(sev) }),
                        st,
                    ),
                    Span::raw(fit_width(&text, w.saturating_sub(2))),
                ])
            }
        };
        if k == s.findings_cursor && focused {
            line = line.style(cfg.theme.selected());
        } else if matches!(row, FindingRow::Finding { index, .. } if Some(*index) == s.finding) {
            line = line.style(Style::new().add_modifier(Modifier::UNDERLINED));
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}
