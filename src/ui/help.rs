//! The help overlay, drawn from the live keymap (so it never drifts from the bindings):
//! fits the screen, scrolls with j/k and PgUp/PgDn, Esc closes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::config::Config;
use super::state::State;
use super::view::{block, centered, clear_popup, pad};

/// Lines of help text: one per action, then the mouse line.
pub fn line_count() -> usize {
    Action::ALL.len() + 1
}

fn popup(s: &State) -> Rect {
    let screen = Rect::new(0, 0, s.size.0, s.size.1.saturating_sub(1));
    centered(screen, 100, line_count() as u16 + 3)
}

/// Rows of help text the overlay shows at once.
pub fn visible_rows(s: &State) -> usize {
    (popup(s).height as usize).saturating_sub(3).max(1)
}

pub fn draw(f: &mut Frame, s: &State, cfg: &Config) {
    let r = popup(s);
    let inner_w = r.width.saturating_sub(2) as usize;
    let keys_w = 16;
    // The config name of each action when there is room for it.
    let name_w = if inner_w >= keys_w + 60 + 16 { 16 } else { 0 };
    let desc_w = inner_w.saturating_sub(keys_w + name_w);
    let mut body = Vec::new();
    for a in Action::ALL {
        let keys = cfg.keymap.keys_for(a).join(" ");
        let mut spans = vec![
            Span::styled(pad(&keys, keys_w, false), Style::new().fg(cfg.theme.accent)),
            Span::raw(pad(a.describe(), desc_w, false)),
        ];
        if name_w > 0 {
            spans.push(Span::styled(pad(a.name(), name_w, false), cfg.theme.dim()));
        }
        body.push(Line::from(spans));
    }
    body.push(Line::styled(
        "Mouse: click selects, wheel scrolls.",
        cfg.theme.dim(),
    ));
    let h = visible_rows(s);
    let first = s.help_scroll.min(body.len().saturating_sub(h));
    let shown = first + h.min(body.len() - first);
    let mut lines = vec![Line::styled(
        pad(
            &format!(
                "Keys {}-{} of {} (j/k, PgUp/PgDn scroll; Esc closes; [keys] in config.toml)",
                first + 1,
                shown,
                body.len()
            ),
            inner_w,
            false,
        ),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    lines.extend(body.into_iter().skip(first).take(h));
    clear_popup(f, r);
    f.render_widget(
        Paragraph::new(lines).block(block(" Help ".into(), true, cfg)),
        r,
    );
}
