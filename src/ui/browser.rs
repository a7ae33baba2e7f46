//! The file list: every report with its review status and badges.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::config::Config;
use super::state::{Pane, State};
use super::view::{pad, status_mark, titled};

pub fn draw(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let vis = s.visible();
    let title = format!(
        "{} {}/{} [{}]",
        Pane::Files.title(),
        vis.len(),
        s.entries.len(),
        s.filter.label()
    );
    let inner = titled(f, r, &title, s.focus == Pane::Files, cfg);
    let h = inner.height as usize;
    let w = inner.width as usize;
    let first = s.list_cursor.saturating_sub(h.saturating_sub(1));
    let mut lines = Vec::new();
    for (row, &i) in vis.iter().enumerate().skip(first).take(h) {
        let e = &s.entries[i];
        let (badge, badge_style) = match &e.audit {
            None => ("...".to_string(), cfg.theme.dim()),
            Some(a) if a.report.is_none() => {
                ("unreadable".to_string(), Style::new().fg(cfg.theme.error))
            }
            Some(a) => {
                let mut b = String::new();
                if a.error.is_some() {
                    b.push_str("no tables ");
                }
                b.push_str(&format!("E{} ", a.errors()));
                if a.unchecked() > 0 {
                    b.push_str(&format!("U{} ", a.unchecked()));
                }
                b.push_str(&format!("W{}", a.warnings()));
                if a.dismissed() > 0 {
                    b.push_str(&format!(" D{}", a.dismissed()));
                }
                let c = a.originals.len();
                if c > 0 {
                    b.push_str(&format!(" C{c}"));
                }
                if !a.stale.is_empty() {
                    b.push_str(&format!(" S{}", a.stale.len()));
                }
                if a.annotation_error.is_some() {
                    b.push_str(" A!");
                }
                let st = if a.errors() > 0 || a.error.is_some() {
                    Style::new().fg(cfg.theme.error)
                } else {
                    cfg.theme.dim()
                };
                (b, st)
            }
        };
        let mark = status_mark(e.status());
        let name_w = w.saturating_sub(badge.width() + 3);
        // Agency and year beside the path where there is room for both.
        let about = e
            .audit
            .as_ref()
            .and_then(|a| a.report.as_ref())
            .map(|r| {
                format!(
                    "{} {}",
                    r.agency.as_deref().unwrap_or(""),
                    r.year.map_or(String::new(), |y| y.to_string())
                )
                .trim()
                .to_string()
            })
            .unwrap_or_default();
        let (path_w, about_w) = if name_w >= 60 && !about.is_empty() {
            let about_w = about.width().min(name_w / 2);
            (name_w - about_w - 1, about_w)
        } else {
            (name_w, 0)
        };
        let mut spans = vec![
            Span::raw(format!("{mark} ")),
            Span::raw(pad(&e.name, path_w, false)),
        ];
        if about_w > 0 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(pad(&about, about_w, false), cfg.theme.dim()));
        }
        spans.push(Span::raw(" "));
        spans.push(Span::styled(badge, badge_style));
        let mut line = Line::from(spans);
        if row == s.list_cursor {
            line = line.style(cfg.theme.selected());
        } else if i == s.open {
            line = line.style(Style::new().fg(cfg.theme.accent));
        }
        lines.push(line);
    }
    if vis.is_empty() {
        lines.push(Line::styled(
            format!("no reports ({})", s.filter.label()),
            cfg.theme.dim(),
        ));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
