//! `update`: the only writer of the workbench's state. Messages (keys mapped to actions,
//! clicks, loaded and saved reports) change `State` and return the `Effect` to carry out
//! between frames; nothing here does I/O.

use std::ops::Range;

use crate::annotations::{Op, Status};
use crate::audit::{Audit, recheck};
use crate::report::Report;

use super::action::Action;
use super::corpus::Corpus;
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
            before,
        } => match result {
            Ok(written) => {
                let super::state::Written { loaded, moved } = *written;
                let templates = s.templates.clone();
                if let Some(a) = s.entries.get_mut(i).and_then(|e| e.audit.as_mut()) {
                    a.annotations = Some(loaded);
                    // Written under the report's own name now: the old file is never read again.
                    a.migrated_from = None;
                    recheck(a, &templates);
                }
                if let Some(m) = moved {
                    s.status = m;
                }
                match history {
                    History::Change => {
                        s.undo.push((i, *before));
                        s.redo.clear();
                    }
                    History::Undo(_) => s.redo.push((i, *before)),
                    History::Redo(_) => s.undo.push((i, *before)),
                }
                if i == s.open && s.status.is_empty() {
                    s.status = format!(
                        "saved | {}",
                        super::view::cell_status(s).unwrap_or_default()
                    );
                }
            }
            Err(e) => {
                match history {
                    History::Change => {}
                    History::Undo(snapshot) => s.undo.push((i, *snapshot)),
                    History::Redo(snapshot) => s.redo.push((i, *snapshot)),
                }
                s.status = format!("not saved: {e}");
            }
        },
        Msg::EditorKey(key) => return editor_key(s, key),
        Msg::Click(x, y) => click(s, x, y),
        Msg::Scroll(x, y, d) => {
            if let Some(p) = super::view::pane_at(s, x, y) {
                s.focus = p;
            }
            match s.focus {
                Pane::Files => s.move_files(d as isize * 3),
                Pane::Raw => {
                    s.raw_scroll = (s.raw_scroll as isize + d as isize * 3).max(0) as usize
                }
                Pane::Table => s.move_grid(d as isize * 3, 0),
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
    let Some(pane) = super::view::pane_at(s, x, y) else {
        return;
    };
    s.focus = pane;
    match pane {
        Pane::Files => {
            if let Some(row) = super::view::file_row_at(s, y) {
                s.list_cursor = row;
                if let Some(&i) = s.visible().get(row) {
                    s.open_entry(i);
                }
            }
        }
        Pane::Table => {
            if let Some((line, col)) = super::view::grid_cell_at(s, x, y) {
                s.grid_cursor = (line, col);
                s.follow_cell();
            } else if let Some(f) = super::view::finding_at(s, y) {
                s.select_finding(f);
            }
        }
        Pane::Raw => {}
    }
}

fn action(s: &mut State, a: Action) -> Effect {
    if s.help {
        if matches!(a, Action::Help | Action::Quit) {
            s.help = false;
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
        Action::Help => s.help = true,
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
                Pane::Raw => s.raw_scroll = (s.raw_scroll as isize + d).max(0) as usize,
                Pane::Table => s.move_grid(d, 0),
            }
        }
        Action::Left | Action::Right => {
            if s.focus == Pane::Table {
                s.move_grid(0, if a == Action::Left { -1 } else { 1 });
            }
        }
        Action::PageUp | Action::PageDown => {
            let h = s.raw_height() as isize;
            let d = if a == Action::PageUp { -h } else { h };
            match s.focus {
                Pane::Files => s.move_files(d),
                Pane::Raw => s.raw_scroll = (s.raw_scroll as isize + d).max(0) as usize,
                Pane::Table => s.move_grid(d, 0),
            }
        }
        Action::Top | Action::Bottom => {
            let top = a == Action::Top;
            match s.focus {
                Pane::Files => {
                    s.list_cursor = if top {
                        0
                    } else {
                        s.visible().len().saturating_sub(1)
                    }
                }
                Pane::Raw => {
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
            Pane::Raw => {}
        },
        Action::NextReport | Action::PrevReport => s.step_report(a == Action::NextReport),
        Action::NextFinding | Action::PrevFinding => s.step_finding(a == Action::NextFinding),
        Action::Edit => {
            let Some(cell) = s.selected_cell() else {
                return Effect::None;
            };
            if s.writable().is_none() {
                return Effect::None;
            }
            let current = cell_text(s.audit().and_then(Audit::checked), &cell);
            s.focus = Pane::Table;
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
            let Some((entry, snapshot)) = stack.pop() else {
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
                History::Undo(Box::new(snapshot.clone()))
            } else {
                History::Redo(Box::new(snapshot.clone()))
            };
            return Effect::Save {
                entry,
                op: Op::Replace(Box::new(snapshot)),
                history,
            };
        }
        Action::Search => {
            s.focus = Pane::Raw;
            let q = s
                .search
                .as_ref()
                .map(|q| q.query.clone())
                .unwrap_or_default();
            s.start_editor(EditTarget::Search, &q);
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
    match key.code {
        KeyCode::Esc => {
            s.editor = None;
            s.status = "cancelled".into();
            Effect::None
        }
        KeyCode::Enter => {
            let text = ta.lines().join(" ").trim().to_string();
            let target = target.clone();
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
    }
}
