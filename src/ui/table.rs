//! The tables pane: the parsed tables with every section's column headers (kept in view while
//! scrolling), mismatched cells highlighted, corrected cells starred and noted cells marked.
//! Cells never touch: each has a space before it, and table 二 has wider cells for its amounts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::checker::Severity;
use crate::report::CellRef;
use crate::template::TableKey;
use crate::text::Value;

use super::config::Config;
use super::layout::{cell_w, grid_label_w, visible_grid};
use super::report_view::GridLine;
use super::state::{Pane, State};
use super::view::{pad, titled};

fn heading(t: TableKey) -> &'static str {
    match t {
        TableKey::Active => "二、主动公开政府信息情况",
        TableKey::Applications => "三、收到和处理政府信息公开申请情况",
        TableKey::Review => "四、政府信息公开行政复议、行政诉讼情况",
    }
}

/// Short column heads.
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
        "new_made" => "新制作",
        "new_published" => "新公开",
        "total_published" => "公开总数",
        "issued" => "新制发",
        "repealed" => "废止",
        "in_force" => "现行有效",
        "previous_count" => "上年数量",
        "change" => "本年增减",
        "decisions" => "处理决定",
        "fee_amount" => "收费金额",
        "purchase_count" => "采购项目",
        "purchase_amount" => "采购金额",
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
    // The reviewer's note on the report stays in sight.
    let title = match a
        .annotations
        .as_ref()
        .map(|l| l.annotations.note.as_str())
        .filter(|n| !n.is_empty())
    {
        Some(note) => format!("{title} | note: {note}"),
        None => title,
    };
    let inner = titled(f, r, &title, focused, cfg);
    let label_w = grid_label_w(s, inner.width as usize);
    let severity = &s.view.severity;
    let in_finding: Vec<CellRef> = s
        .finding
        .and_then(|i| a.findings.get(i))
        .map(|fi| {
            fi.cells
                .iter()
                .chain(&fi.unread)
                .map(|(r, c)| CellRef::new(fi.table, r, c))
                .collect()
        })
        .unwrap_or_default();

    let grid = &s.view.grid;
    let mut lines = Vec::new();
    for li in visible_grid(s) {
        lines.push(match &grid[li] {
            GridLine::Heading(t) => Line::styled(
                heading(*t),
                Style::new()
                    .add_modifier(Modifier::BOLD)
                    .fg(cfg.theme.accent),
            ),
            GridLine::Columns { columns, .. } => {
                let cw = cell_w(columns.len());
                let mut spans = vec![Span::raw(" ".repeat(label_w))];
                for c in columns {
                    spans.push(Span::styled(
                        format!(" {}", pad(column_head(c), cw - 1, true)),
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
                let selected_row = li == s.grid_cursor.0;
                let label_style = if selected_row {
                    Style::new().add_modifier(Modifier::BOLD)
                } else {
                    Style::new()
                };
                let mut spans = vec![Span::styled(pad(short, label_w, false), label_style)];
                let cells = report.table(*table).and_then(|t| t.row(row));
                let cw = cell_w(columns.len());
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
                    let noted = s.view.noted.contains(&cref);
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
                    if selected_row && ci == s.grid_cursor.1.min(columns.len() - 1) {
                        style = style.patch(cfg.theme.selected());
                    }
                    let marks = format!(
                        "{}{}",
                        if corrected { "*" } else { "" },
                        if noted { "^" } else { "" }
                    );
                    let shown = format!("{}{marks}", fit_cell(&text, cw - 1 - marks.len()));
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled(pad(&shown, cw - 1, true), style));
                }
                Line::from(spans)
            }
        });
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// A cell's text in `w` columns: a number too long keeps its leading digits and a "~".
fn fit_cell(text: &str, w: usize) -> String {
    super::view::fit_width(text, w)
}
