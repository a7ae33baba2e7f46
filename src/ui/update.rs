//! `update`: the only writer of the workbench's state. Messages (keys mapped to actions,
//! clicks, loaded and saved reports) change `State` and return the `Effect` to carry out
//! between frames; nothing here does I/O.

use std::ops::Range;

use crate::annotations::{Op, Status, VerdictEntry, VerdictKind};
use crate::audit::{Audit, recheck};
use crate::report::Report;
use crate::text::parse_value;

use super::action::Action;
use super::corpus::Corpus;
use super::review::{apply_suggestion, move_findings, open_finding, scroll_raw, verdict};
use super::state::{
    EditTarget, Effect, Entry, Filter, History, Msg, Pane, Search, State, cell_text,
};

/// Applies one message to the state. The only writer of `State`.
pub fn update(s: &mut State, msg: Msg) -> Effect {
    match msg {
        Msg::Resize(w, h) => s.size = (w, h),
        Msg::Loaded(i, audit) => {
            if let Some(e) = s.entries.get_mut(i) {
                e.audit = Some(*audit);
            }
            if i == s.open {
                s.open_entry(i);
                s.list_cursor = s
                    .visible()
                    .iter()
                    .position(|&v| v == i)
                    .unwrap_or(s.list_cursor);
            }
        }
        Msg::Saved {
            entry: i,
            result,
            history,
        } => match result {
            Ok(written) => {
                let super::state::Written {
                    loaded,
                    undo,
                    moved,
                } = *written;
                let templates = s.templates.clone();
                // The selected finding by what it is about: indexes move on a re-check.
                let keep = s
                    .finding
                    .and_then(|f| s.findings().get(f))
                    .map(|f| (f.rule, f.table, f.cells.clone()));
                if let Some(a) = s.entries.get_mut(i).and_then(|e| e.audit.as_mut()) {
                    a.annotations = Some(loaded);
                    // Written under the report's own name now: the old file is never read again.
                    a.migrated_from = None;
                    recheck(a, &templates);
                }
                if i == s.open {
                    s.finding = keep.and_then(|(rule, table, cells)| {
                        s.findings()
                            .iter()
                            .position(|f| f.rule == rule && f.table == table && f.cells == cells)
                    });
                    let cursor = s.findings_cursor;
                    s.refresh_view();
                    s.findings_cursor = cursor.min(s.finding_rows().len().saturating_sub(1));
                    if s.finding.is_none() {
                        s.detail = false;
                    }
                }
                if let Some(m) = moved {
                    s.status = m;
                }
                match history {
                    History::Change => {
                        s.undo.push((i, undo));
                        s.redo.clear();
                    }
                    History::Undo(_) => s.redo.push((i, undo)),
                    History::Redo(_) => s.undo.push((i, undo)),
                }
                if i == s.open && s.status.is_empty() {
                    s.status = format!(
                        "saved | {}",
                        super::status::cell_status(s).unwrap_or_default()
                    );
                }
            }
            Err(failure) => {
                match history {
                    History::Change => {}
                    History::Undo(op) => s.undo.push((i, *op)),
                    History::Redo(op) => s.redo.push((i, *op)),
                }
                if let Some(current) = failure.current {
                    let templates = s.templates.clone();
                    if let Some(a) = s.entries.get_mut(i).and_then(|e| e.audit.as_mut()) {
                        a.annotations = Some(*current);
                        recheck(a, &templates);
                    }
                }
                s.status = format!("not saved: {}", failure.message);
            }
        },
        Msg::DiskChanged { entry, loaded } => {
            let templates = s.templates.clone();
            let name = s
                .entries
                .get(entry)
                .map(|e| e.name.clone())
                .unwrap_or_default();
            if let Some(a) = s.entries.get_mut(entry).and_then(|e| e.audit.as_mut()) {
                match loaded {
                    Ok(l) => {
                        a.annotations = Some(*l);
                        a.annotation_error = None;
                        a.annotation_failure = None;
                        recheck(a, &templates);
                        s.status = format!(
                            "{name}: annotations changed on disk (another instance or an editor): \
                             reloaded"
                        );
                    }
                    Err(e) => {
                        // Nothing from it is applied or written until it reads again.
                        a.annotations = None;
                        a.corrected = None;
                        recheck(a, &templates);
                        s.status =
                            format!("{name}: annotations changed on disk and cannot be read: {e}");
                        a.annotation_error = Some(e);
                    }
                }
            }
        }
        Msg::EditorKey(key) => return editor_key(s, key),
        Msg::Click(x, y) => click(s, x, y),
        Msg::Scroll(x, y, d) => {
            if let Some(p) = super::layout::pane_at(s, x, y) {
                s.focus = p;
            }
            match s.focus {
                Pane::Files => s.move_files(d as isize * 3),
                Pane::Raw => scroll_raw(s, d as isize * 3),
                Pane::Table => s.move_grid(d as isize * 3, 0),
                Pane::Findings => move_findings(s, d as isize * 3),
            }
        }
        Msg::Action(a) => return action(s, a),
    }
    Effect::None
}

/// Keys while the corpus view is shown: move, open the report under the cursor, close.
fn corpus_action(s: &mut State, a: Action) -> Effect {
    let page = s.size.1.saturating_sub(8).max(1) as isize;
    let Some(c) = s.corpus.as_mut() else {
        return Effect::None;
    };
    match a {
        Action::Quit => return Effect::Quit,
        Action::Corpus => s.corpus = None,
        Action::Help => s.help = true,
        Action::Up => c.step(-1),
        Action::Down => c.step(1),
        Action::PageUp => c.step(-page),
        Action::PageDown => c.step(page),
        Action::Top => c.step(isize::MIN / 2),
        Action::Bottom => c.step(isize::MAX / 2),
        Action::Open => {
            if let Some(i) = c.selected() {
                s.corpus = None;
                s.open_entry(i);
                if let Some(row) = s.visible().iter().position(|&v| v == i) {
                    s.list_cursor = row;
                }
                s.focus = Pane::Table;
            }
        }
        _ => {}
    }
    Effect::None
}

fn click(s: &mut State, x: u16, y: u16) {
    let Some(pane) = super::layout::pane_at(s, x, y) else {
        return;
    };
    s.focus = pane;
    match pane {
        Pane::Files => {
            if let Some(row) = super::layout::file_row_at(s, y) {
                s.list_cursor = row;
                if let Some(&i) = s.visible().get(row) {
                    s.open_entry(i);
                }
            }
        }
        Pane::Table => {
            if let Some((line, col)) = super::layout::grid_cell_at(s, x, y) {
                s.grid_cursor = (line, col);
                s.follow_grid();
                s.follow_cell();
            }
        }
        Pane::Findings => {
            if let Some(row) = super::layout::finding_row_at(s, y) {
                s.findings_cursor = row;
                if let Some(f) = s.cursor_finding() {
                    s.select_finding(f);
                }
            }
        }
        Pane::Raw => {}
    }
}

fn action(s: &mut State, a: Action) -> Effect {
    if s.help {
        let lines = super::help::line_count();
        let h = super::help::visible_rows(s);
        let max = lines.saturating_sub(h);
        match a {
            Action::Help | Action::Back => s.help = false,
            Action::Quit => return Effect::Quit,
            Action::Down => s.help_scroll = (s.help_scroll + 1).min(max),
            Action::Up => s.help_scroll = s.help_scroll.saturating_sub(1),
            Action::PageDown => s.help_scroll = (s.help_scroll + h).min(max),
            Action::PageUp => s.help_scroll = s.help_scroll.saturating_sub(h),
            Action::Top => s.help_scroll = 0,
            Action::Bottom => s.help_scroll = max,
            _ => {}
        }
        return Effect::None;
    }
    s.status.clear();
    s.notice = None;
    if s.corpus.is_some() {
        return corpus_action(s, a);
    }
    match a {
        Action::Quit => return Effect::Quit,
        Action::Help => {
            s.help = true;
            s.help_scroll = 0;
        }
        Action::Back => {
            if s.detail {
                s.detail = false;
            } else if s.search.take().is_some() {
                s.status = "search cleared".into();
            } else if s.zoom {
                s.zoom = false;
            }
        }
        Action::NextPane | Action::PrevPane => {
            let i = Pane::ALL.iter().position(|p| *p == s.focus).unwrap_or(0);
            let n = Pane::ALL.len();
            s.focus = Pane::ALL[if a == Action::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
        }
        Action::Zoom => s.zoom = !s.zoom,
        Action::Corpus => s.corpus = Some(Corpus::build(s, s.repetition_threshold)),
        Action::Up | Action::Down => {
            let d = if a == Action::Up { -1 } else { 1 };
            match s.focus {
                Pane::Files => s.move_files(d),
                Pane::Raw => scroll_raw(s, d),
                Pane::Table => s.move_grid(d, 0),
                Pane::Findings => move_findings(s, d),
            }
        }
        Action::Left | Action::Right => {
            let d = if a == Action::Left { -1 } else { 1 };
            match s.focus {
                Pane::Table => s.move_grid(0, d),
                Pane::Raw if !s.raw_wrap => {
                    let step = (super::layout::raw_text_w(s) / 2).max(8) as isize;
                    s.raw_hscroll = (s.raw_hscroll as isize + d * step).max(0) as usize;
                }
                _ => {}
            }
        }
        Action::PageUp | Action::PageDown => {
            let sign = if a == Action::PageUp { -1 } else { 1 };
            match s.focus {
                Pane::Files => {
                    s.move_files(sign * super::layout::pane_inner(s, Pane::Files).height as isize)
                }
                Pane::Raw => scroll_raw(s, sign * s.raw_height() as isize),
                Pane::Table => s.move_grid(sign * super::layout::grid_height(s) as isize, 0),
                Pane::Findings => {
                    move_findings(s, sign * super::layout::findings_height_inner(s) as isize)
                }
            }
        }
        Action::Top | Action::Bottom => {
            let top = a == Action::Top;
            match s.focus {
                Pane::Files => s.move_files(if top { -1_000_000 } else { 1_000_000 }),
                Pane::Findings => move_findings(s, if top { -1_000_000 } else { 1_000_000 }),
                Pane::Raw => {
                    s.raw_sub = 0;
                    let lines = s
                        .audit()
                        .and_then(|a| a.report.as_ref())
                        .map_or(0, Report::line_count);
                    s.raw_scroll = if top {
                        0
                    } else {
                        lines.saturating_sub(s.raw_height())
                    };
                }
                Pane::Table => s.move_grid(if top { -10_000 } else { 10_000 }, 0),
            }
        }
        Action::Open => match s.focus {
            Pane::Files => {
                if let Some(&i) = s.visible().get(s.list_cursor) {
                    s.open_entry(i);
                    s.focus = Pane::Table;
                }
            }
            Pane::Table => return action(s, Action::Edit),
            Pane::Findings => open_finding(s),
            Pane::Raw => {}
        },
        Action::NextReport | Action::PrevReport => s.step_report(a == Action::NextReport),
        Action::NextFinding | Action::PrevFinding => s.step_finding(a == Action::NextFinding),
        Action::NextWarning | Action::PrevWarning => s.step_cell(a == Action::NextWarning, true),
        Action::ApplySuggestion => return apply_suggestion(s),
        Action::Confirm | Action::Dismiss => {
            let kind = if a == Action::Confirm {
                VerdictKind::Confirmed
            } else {
                VerdictKind::Dismissed
            };
            return verdict(s, kind);
        }
        Action::ToggleWrap => {
            s.raw_wrap = !s.raw_wrap;
            s.raw_sub = 0;
            s.focus = Pane::Raw;
            s.status = if s.raw_wrap {
                "raw text: long lines wrapped".into()
            } else {
                "raw text: long lines scroll sideways (h/l)".into()
            };
        }
        Action::GotoLine => {
            s.focus = Pane::Raw;
            s.start_editor(EditTarget::GotoLine, "");
        }
        Action::Edit => {
            let Some(cell) = s.selected_cell() else {
                return Effect::None;
            };
            if s.writable().is_none() {
                return Effect::None;
            }
            let current = cell_text(s.audit().and_then(Audit::checked), &cell);
            if s.focus != Pane::Findings {
                s.focus = Pane::Table;
            }
            s.start_editor(EditTarget::Cell(cell), &current);
        }
        Action::NoteCell => {
            let Some(cell) = s.selected_cell() else {
                return Effect::None;
            };
            let Some(loaded) = s.writable() else {
                return Effect::None;
            };
            let note = loaded
                .annotations
                .entry(&cell)
                .map_or(String::new(), |e| e.note.clone());
            s.start_editor(EditTarget::CellNote(cell), &note);
        }
        Action::NoteReport => {
            let Some(loaded) = s.writable() else {
                return Effect::None;
            };
            let note = loaded.annotations.note.clone();
            s.start_editor(EditTarget::ReportNote, &note);
        }
        Action::Revert => {
            let Some(cell) = s.selected_cell() else {
                return Effect::None;
            };
            let corrected = s
                .audit()
                .and_then(|a| a.annotations.as_ref())
                .and_then(|l| l.annotations.entry(&cell))
                .is_some_and(|e| e.corrected.is_some());
            if !corrected {
                s.status = "this cell has no correction".into();
                return Effect::None;
            }
            return s.change(Op::Revert { cell });
        }
        Action::MarkReviewed | Action::Flag => {
            let want = if a == Action::MarkReviewed {
                Status::Reviewed
            } else {
                Status::Flagged
            };
            let now = s.entries.get(s.open).map_or(Status::Todo, Entry::status);
            return s.change(Op::SetStatus(if now == want { Status::Todo } else { want }));
        }
        Action::Undo | Action::Redo => {
            let undo = a == Action::Undo;
            let stack = if undo { &mut s.undo } else { &mut s.redo };
            let Some((entry, op)) = stack.pop() else {
                s.status = if undo {
                    "nothing to undo".into()
                } else {
                    "nothing to redo".into()
                };
                return Effect::None;
            };
            if entry != s.open {
                s.open_entry(entry);
            }
            s.status = if undo {
                "undone".into()
            } else {
                "redone".into()
            };
            let history = if undo {
                History::Undo(Box::new(op.clone()))
            } else {
                History::Redo(Box::new(op.clone()))
            };
            return Effect::Save { entry, op, history };
        }
        Action::Search => {
            // Each search starts from an empty query.
            s.focus = Pane::Raw;
            s.start_editor(EditTarget::Search, "");
        }
        Action::CycleFilter => {
            s.filter = match s.filter {
                Filter::All => Filter::Errors,
                Filter::Errors => Filter::Unreviewed,
                Filter::Unreviewed => Filter::All,
            };
            s.list_cursor = s.visible().iter().position(|&i| i == s.open).unwrap_or(0);
            s.status = format!(
                "showing {} reports ({})",
                s.filter.label(),
                s.visible().len()
            );
        }
    }
    Effect::None
}

fn editor_key(s: &mut State, key: crossterm::event::KeyEvent) -> Effect {
    use crossterm::event::KeyCode;
    let Some((target, ta)) = s.editor.as_mut() else {
        return Effect::None;
    };
    let ctrl_c = key.code == KeyCode::Char('c')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL);
    match key.code {
        // Ctrl-C while typing cancels the edit; pressed again it quits.
        _ if ctrl_c => {
            s.editor = None;
            s.status = "cancelled (Ctrl-C again quits)".into();
            Effect::None
        }
        KeyCode::Esc => {
            s.editor = None;
            s.status = "cancelled".into();
            Effect::None
        }
        KeyCode::Enter => {
            let text = ta.lines().join(" ").trim().to_string();
            let target = target.clone();
            if let EditTarget::Cell(_) = target
                && !text.is_empty()
                && !parse_value(&text).is_some_and(|v| v.is_number())
            {
                s.status = format!(
                    "\"{text}\" is not a number: type a number, or nothing for a blank cell (Esc cancels)"
                );
                return Effect::None;
            }
            s.editor = None;
            commit(s, target, text)
        }
        _ => {
            ta.input(key);
            Effect::None
        }
    }
}

fn commit(s: &mut State, target: EditTarget, text: String) -> Effect {
    match target {
        EditTarget::Search => {
            let Some(report) = s.audit().and_then(|a| a.report.as_ref()) else {
                return Effect::None;
            };
            if text.is_empty() {
                s.search = None;
                return Effect::None;
            }
            let matches: Vec<Range<usize>> = report
                .text
                .match_indices(&text)
                .map(|(i, m)| i..i + m.len())
                .collect();
            let n = matches.len();
            let first_line = matches
                .first()
                .map(|m| report.line_col(m.start).0.saturating_sub(1));
            s.search = Some(Search {
                query: text.clone(),
                matches,
                current: 0,
            });
            if let Some(l) = first_line {
                s.raw_scroll = l.saturating_sub(s.raw_height() / 3);
            }
            s.status = if n == 0 {
                format!("{text:?} not found")
            } else {
                format!("match 1 of {n} for {text:?} (n/N: next/previous)")
            };
            Effect::None
        }
        EditTarget::Cell(cell) => {
            let parsed = cell_text(s.audit().and_then(|a| a.report.as_ref()), &cell);
            let current = cell_text(s.audit().and_then(Audit::checked), &cell);
            if text == current {
                return Effect::None;
            }
            if text == parsed {
                return s.change(Op::Revert { cell });
            }
            s.change(Op::Correct {
                cell,
                parsed,
                value: text,
            })
        }
        EditTarget::CellNote(cell) => {
            let parsed = cell_text(s.audit().and_then(|a| a.report.as_ref()), &cell);
            s.change(Op::CellNote {
                cell,
                parsed,
                note: text,
            })
        }
        EditTarget::ReportNote => s.change(Op::ReportNote(text)),
        EditTarget::GotoLine => {
            let Some(report) = s.audit().and_then(|a| a.report.as_ref()) else {
                return Effect::None;
            };
            let Ok(n) = text.parse::<usize>() else {
                s.status = format!("\"{text}\" is not a line number");
                return Effect::None;
            };
            // Line numbers are the file's as saved (an HTML page's own lines): the text line
            // that holds page line `n` is the last one starting at or before it.
            let count = report.line_count();
            let i = (0..count)
                .take_while(|&i| report.source_line_col(report.line_span(i).start).0 <= n)
                .last()
                .unwrap_or(0);
            s.raw_scroll = i;
            s.raw_sub = 0;
            s.raw_hscroll = 0;
            s.status = format!("line {n}");
            Effect::None
        }
        EditTarget::Verdict(i, kind) => {
            let Some(a) = s.audit() else {
                return Effect::None;
            };
            let (Some(f), Some(report)) = (a.findings.get(i), a.checked()) else {
                return Effect::None;
            };
            let entry = VerdictEntry::new(f, report, kind, &text);
            s.status = format!("{}: {}", kind.as_str(), super::findings::summary(s, i));
            s.change(Op::Verdict(Box::new(entry)))
        }
    }
}
