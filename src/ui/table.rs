//! The parsed tables with mismatched cells highlighted, and the report's findings below them.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::checker::Severity;
use crate::report::CellRef;
use crate::template::TableKey;
use crate::text::Value;

use super::config::Config;
use super::state::{GridLine, Pane, State};
use super::view::{CELL_W, LABEL_W, fit_width, pad, titled};

fn heading(t: TableKey) -> &'static str {
    match t {
        TableKey::Active => "二、主动公开",
        TableKey::Applications => "三、申请处理",
        TableKey::Review => "四、复议诉讼",
    }
}

/// Short column heads: the table pane has seven characters per column.
fn column_head(key: &str) -> &str {
    match key {
        "natural" => "自然人",
        "commercial" => "商业",
        "research" => "科研",
        "public_interest" => "公益",
        "legal_service" => "法律",
        "other_org" | "other" => "其他",
        "org_subtotal" => "小计",
        "total" => "总计",
        "maintained" => "维持",
        "corrected" => "纠正",
        "pending" => "未结",
        other => other,
    }
}

pub fn draw(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let focused = s.focus == Pane::Table;
    let Some((a, report)) = super::view::placeholder_or(f, s, Pane::Table, r, cfg, |a| a.checked())
    else {
        return;
    };
    let template = s.templates.for_id(report.template.as_deref());
    let title = format!(
        "{} {}{}",
        Pane::Table.title(),
        report
            .template
            .as_deref()
            .map_or("(no template)".to_string(), |t| format!("template {t}")),
        report.year.map_or(String::new(), |y| format!(", year {y}"))
    );
    let inner = titled(f, r, &title, focused, cfg);

    // Severity of each cell: the worst finding naming it.
    let mut severity: BTreeMap<CellRef, Severity> = BTreeMap::new();
    for fi in &a.findings {
        // An unchecked relation marks the cells it could not read, not the ones it could.
        let named = if fi.severity == Severity::Unchecked {
            &fi.unread
        } else {
            &fi.cells
        };
        for (row, col) in named {
            let e = severity
                .entry(CellRef::new(fi.table, row, col))
                .or_insert(fi.severity);
            *e = (*e).min(fi.severity);
        }
    }
    let in_finding: Vec<CellRef> = s
        .finding
        .and_then(|i| a.findings.get(i))
        .map(|fi| {
            fi.cells
                .iter()
                .map(|(r, c)| CellRef::new(fi.table, r, c))
                .collect()
        })
        .unwrap_or_default();

    let grid = s.grid();
    let gh = super::view::grid_height_pub(s, inner.height);
    let [grid_area, findings_area] =
        Layout::vertical([Constraint::Length(gh as u16), Constraint::Min(0)]).areas(inner);
    let first = s.grid_cursor.0.saturating_sub(gh.saturating_sub(1));
    let mut lines = Vec::new();
    for (li, line) in grid.iter().enumerate().skip(first).take(gh) {
        lines.push(match line {
            GridLine::Heading(t) => Line::styled(
                heading(*t),
                Style::new()
                    .add_modifier(Modifier::BOLD)
                    .fg(cfg.theme.accent),
            ),
            GridLine::Columns(t) => {
                let mut spans = vec![Span::raw(" ".repeat(LABEL_W))];
                let columns = report
                    .table(*t)
                    .and_then(|t| t.rows.first())
                    .map(|r| r.columns.as_slice())
                    .unwrap_or_default();
                for c in columns {
                    spans.push(Span::styled(
                        pad(column_head(c), CELL_W, true),
                        cfg.theme.dim(),
                    ));
                }
                Line::from(spans)
            }
            GridLine::Row {
                table,
                row,
                columns,
            } => {
                let short = template
                    .and_then(|t| t.table(*table).row(row))
                    .map_or(*row, |r| r.short.as_str());
                let mut spans = vec![Span::raw(pad(short, LABEL_W - 1, false)), Span::raw(" ")];
                let cells = report.table(*table).and_then(|t| t.row(row));
                for (ci, col) in columns.iter().enumerate() {
                    let cref = CellRef::new(*table, row, col);
                    let cell = cells.and_then(|r| r.cell(col));
                    let text = match cell.map(|c| &c.value) {
                        // Unread (a relation needs it) is unknown, not absent.
                        None if severity.get(&cref) == Some(&Severity::Unchecked) => {
                            "?".to_string()
                        }
                        None => "-".to_string(),
                        Some(Value::Blank) => ".".to_string(),
                        Some(Value::Text(t)) => t.clone(),
                        Some(v) => v.display(),
                    };
                    let corrected = a.originals.contains_key(&cref);
                    let mut style = match severity.get(&cref) {
                        Some(Severity::Error) => cfg.theme.error_cell(),
                        Some(Severity::Warning) => cfg.theme.warning_cell(),
                        Some(Severity::Unchecked) => cfg.theme.unchecked_cell(),
                        None if cell.is_none()
                            || matches!(cell.map(|c| &c.value), Some(Value::Blank)) =>
                        {
                            cfg.theme.dim()
                        }
                        None => Style::new(),
                    };
                    if cell.is_some_and(|c| c.inferred) {
                        // Split by arithmetic from digits printed without separators.
                        style = style.add_modifier(Modifier::ITALIC);
                    }
                    if corrected {
                        style = style.patch(cfg.theme.corrected_cell());
                    }
                    if in_finding.contains(&cref) {
                        style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
                    }
                    if li == s.grid_cursor.0 && ci == s.grid_cursor.1.min(columns.len() - 1) {
                        style = style.patch(cfg.theme.selected());
                    }
                    let shown = if corrected { format!("{text}*") } else { text };
                    spans.push(Span::styled(pad(&shown, CELL_W, true), style));
                }
                Line::from(spans)
            }
        });
    }
    f.render_widget(Paragraph::new(lines), grid_area);

    // Findings.
    let w = findings_area.width as usize;
    let errors = a.errors();
    let mut lines = vec![Line::styled(
        fit_width(
            &format!(
                "Findings: {errors} error(s), {} unchecked, {} warning(s)   n/N: next/previous",
                a.unchecked(),
                a.warnings()
            ),
            w,
        ),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let h = findings_area.height.saturating_sub(1) as usize;
    let sel = s.finding.unwrap_or(0);
    let first = sel.saturating_sub(h.saturating_sub(1));
    for (i, fi) in a.findings.iter().enumerate().skip(first).take(h) {
        let (tag, st) = match fi.severity {
            Severity::Error => (
                "E ",
                Style::new()
                    .fg(cfg.theme.error)
                    .add_modifier(Modifier::BOLD),
            ),
            Severity::Unchecked => ("U ", cfg.theme.unchecked_cell()),
            Severity::Warning => ("W ", Style::new().fg(cfg.theme.warning)),
        };
        let mut text = format!("{}: {}", fi.rule, fi.message);
        if let Some(sg) = &fi.suggestion {
            text = format!(
                "{}: {}/{} -> {}  {}",
                fi.rule,
                sg.row,
                sg.column,
                crate::text::format_num(sg.value),
                fi.message
            );
        }
        let mut line = Line::from(vec![
            Span::styled(tag, st),
            Span::raw(fit_width(&text, w.saturating_sub(2))),
        ]);
        if Some(i) == s.finding {
            line = line.style(cfg.theme.selected());
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), findings_area);
}
