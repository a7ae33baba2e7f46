//! Drawing: reads the state, never changes it. Each pane draws itself (`browser`,
//! `raw_text`, `table`, `findings`), the overlays too (`editor`, `help`), and `status` the
//! bottom line; where things are comes from `layout`, shared with the mouse handler.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::annotations::Status;
use crate::audit::Audit;
use crate::text::Value;

use super::action::Action;
use super::config::Config;
use super::layout::areas;
use super::state::{Pane, State};

/// Draws a pane's bordered, titled block and returns the area inside it.
pub fn titled(f: &mut Frame, r: Rect, title: &str, focused: bool, cfg: &Config) -> Rect {
    let b = block(
        fit_width(title, r.width.saturating_sub(2) as usize),
        focused,
        cfg,
    );
    let inner = b.inner(r);
    f.render_widget(b, r);
    inner
}

/// Cuts `s` to at most `w` display columns (CJK counts two), adding "~" when cut (not "…",
/// whose width terminals disagree on).
pub fn fit_width(s: &str, w: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    if w > 0 {
        out.push('~');
    }
    out
}

/// Pads (or cuts) `s` to exactly `w` display columns; `right` aligns right.
pub fn pad(s: &str, w: usize, right: bool) -> String {
    let s = fit_width(s, w);
    let gap = " ".repeat(w.saturating_sub(s.width()));
    if right {
        format!("{gap}{s}")
    } else {
        format!("{s}{gap}")
    }
}

/// Wraps `s` into lines of at most `w` display columns, measuring each character's width;
/// breaks at a space when one is near the end, anywhere otherwise (CJK has no spaces).
/// ratatui's own wrapping miscounts CJK (see docs/stack.md).
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut out = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in para.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > w {
                // Break at the last space of the line's second half, if any.
                let cut = line
                    .char_indices()
                    .rev()
                    .find(|(_, ch)| *ch == ' ')
                    .map(|(i, _)| i)
                    .filter(|&i| line[..i].width() > w / 2);
                match cut {
                    Some(i) => {
                        let rest = line[i + 1..].to_string();
                        line.truncate(i);
                        out.push(std::mem::take(&mut line));
                        line = rest;
                    }
                    None => out.push(std::mem::take(&mut line)),
                }
                used = line.width();
            }
            line.push(c);
            used += cw;
        }
        out.push(line);
    }
    out
}

pub fn draw(f: &mut Frame, s: &State, cfg: &Config) {
    let a = areas(s);
    if let Some(t) = a.tabs {
        draw_tabs(f, s, t, cfg);
    }
    if let Some(r) = a.files {
        super::browser::draw(f, s, r, cfg);
    }
    if let Some(r) = a.raw {
        super::raw_text::draw(f, s, r, cfg);
    }
    if let Some(r) = a.table {
        super::table::draw(f, s, r, cfg);
    }
    if let Some(r) = a.findings {
        super::findings::draw(f, s, r, cfg);
    }
    super::status::draw(f, s, a.status, cfg);
    if let Some((target, ta)) = &s.editor {
        super::editor::draw(f, s, target, ta, cfg);
    }
    if let Some(c) = &s.corpus {
        super::corpus::draw(f, s, c, cfg);
    }
    if s.help {
        super::help::draw(f, s, cfg);
    }
}

fn draw_tabs(f: &mut Frame, s: &State, r: Rect, cfg: &Config) {
    let mut spans = Vec::new();
    for p in Pane::ALL {
        let style = if p == s.focus {
            cfg.theme.selected()
        } else {
            cfg.theme.dim()
        };
        let title = match p {
            Pane::Findings => format!(" {} {} ", p.title(), s.audit().map_or(0, Audit::errors)),
            _ => format!(" {} ", p.title()),
        };
        spans.push(Span::styled(title, style));
    }
    let keys = cfg.keymap.keys_for(Action::NextPane).join("/");
    let used: usize = spans.iter().map(|sp| sp.content.width()).sum();
    let hint = format!(" {keys}: switch pane");
    if used + hint.width() <= r.width as usize {
        spans.push(Span::styled(hint, cfg.theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

pub fn block<'a>(title: String, focused: bool, cfg: &Config) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(cfg.theme.border(focused))
        .title(title)
}

/// Clears `r` for a popup. A wide character cut by the popup's edge would otherwise stay
/// half drawn under the border (terminals draw it over the border): its cell is blanked.
pub fn clear_popup(f: &mut Frame, r: Rect) {
    let screen = f.area();
    let right = r.x + r.width;
    let buf = f.buffer_mut();
    for y in r.y..r.y + r.height {
        if r.x > 0 && buf[(r.x - 1, y)].symbol().width() > 1 {
            buf[(r.x - 1, y)].set_symbol(" ");
        }
        if right < screen.width && right > 0 && buf[(right - 1, y)].symbol().width() > 1 {
            buf[(right, y)].set_symbol(" ");
        }
    }
    f.render_widget(Clear, r);
}

/// The open report's audit and the report `pick` chooses, or `None` after drawing what the
/// pane shows instead: "loading", "no reports", or why the report could not be read.
pub fn placeholder_or<'a>(
    f: &mut Frame,
    s: &'a State,
    pane: Pane,
    r: Rect,
    cfg: &Config,
    pick: impl Fn(&'a Audit) -> Option<&'a crate::report::Report>,
) -> Option<(&'a Audit, &'a crate::report::Report)> {
    let msg = match s.audit() {
        None if s.entries.is_empty() => "no reports".to_string(),
        None => "loading...".to_string(),
        Some(a) => match pick(a) {
            Some(report) => return Some((a, report)),
            None => format!(
                "{}: {}",
                s.entries[s.open].name,
                a.error.clone().unwrap_or_default()
            ),
        },
    };
    let b = block(pane.title().into(), s.focus == pane, cfg);
    let lines: Vec<Line> = wrap_width(&msg, r.width.saturating_sub(2) as usize)
        .into_iter()
        .map(Line::raw)
        .collect();
    f.render_widget(Paragraph::new(lines).block(b), r);
    None
}

/// `s` cut into lines of at most `w` columns (display width; CJK counts two), breaking at a
/// space when one is near, else anywhere: ratatui's own wrap mishandles CJK (stack.md).
pub fn wrap_width(s: &str, w: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let w = w.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut width = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if width + cw > w {
            // Break at the last space of the line when it is in its second half.
            match line.rfind(' ').filter(|&i| line[..i].width() * 2 >= w) {
                Some(i) => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    out.push(std::mem::take(&mut line));
                    width = rest.width();
                    line = rest;
                }
                None => {
                    out.push(std::mem::take(&mut line));
                    width = 0;
                }
            }
        }
        line.push(c);
        width += cw;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

pub fn display_value(v: &Value) -> String {
    match v {
        Value::Blank => "(blank)".into(),
        other => other.display(),
    }
}

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Glyph for a report's review status.
pub fn status_mark(st: Status) -> &'static str {
    match st {
        Status::Todo => " ",
        Status::Reviewed => "R",
        Status::Flagged => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_width;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wrapped_messages_fit_their_width_and_keep_every_character() {
        let msg =
            "x1.pdf: a scanned PDF: its pages are images with no text layer，扫描件没有文字层";
        for w in [1, 2, 7, 20, 58] {
            let lines = wrap_width(msg, w);
            assert!(
                lines.iter().all(|l| l.width() <= w.max(2)),
                "{w}: {lines:?}"
            );
            let joined: String = lines.concat();
            let kept: String = msg.chars().filter(|c| *c != ' ').collect();
            assert_eq!(joined.replace(' ', ""), kept, "{w}");
        }
    }
}
