//! Everything the reviewer can do, as one enum. Key bindings in the config name these
//! actions in snake_case (`next_pane = ["Tab"]`).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PrevPane,
    Up,
    Down,
    Left,
    Right,
    Top,
    Bottom,
    PageUp,
    PageDown,
    /// Enter: open the report under the cursor (files) or edit the cell (table).
    Open,
    NextReport,
    PrevReport,
    NextFinding,
    PrevFinding,
    Edit,
    Revert,
    Undo,
    Redo,
    NoteCell,
    NoteReport,
    MarkReviewed,
    Flag,
    Search,
    CycleFilter,
    Zoom,
    /// The corpus view: counts over every report; Enter opens one.
    Corpus,
}

impl Action {
    /// Every action, in the order the help lists them.
    pub const ALL: [Action; 29] = [
        Action::Quit,
        Action::Help,
        Action::NextPane,
        Action::PrevPane,
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Open,
        Action::NextReport,
        Action::PrevReport,
        Action::NextFinding,
        Action::PrevFinding,
        Action::Edit,
        Action::Revert,
        Action::Undo,
        Action::Redo,
        Action::NoteCell,
        Action::NoteReport,
        Action::MarkReviewed,
        Action::Flag,
        Action::Search,
        Action::CycleFilter,
        Action::Zoom,
        Action::Corpus,
    ];

    /// The config name of the action.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left",
            Action::Right => "right",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Open => "open",
            Action::NextReport => "next_report",
            Action::PrevReport => "prev_report",
            Action::NextFinding => "next_finding",
            Action::PrevFinding => "prev_finding",
            Action::Edit => "edit",
            Action::Revert => "revert",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::NoteCell => "note_cell",
            Action::NoteReport => "note_report",
            Action::MarkReviewed => "mark_reviewed",
            Action::Flag => "flag",
            Action::Search => "search",
            Action::CycleFilter => "cycle_filter",
            Action::Zoom => "zoom",
            Action::Corpus => "corpus",
        }
    }

    /// What the action does, for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show or hide this help",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::Left => "move left",
            Action::Right => "move right",
            Action::Top => "go to top",
            Action::Bottom => "go to bottom",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Open => "open report / edit cell",
            Action::NextReport => "next report",
            Action::PrevReport => "previous report",
            Action::NextFinding => "next finding (next search match in raw text)",
            Action::PrevFinding => "previous finding (previous match)",
            Action::Edit => "correct the cell",
            Action::Revert => "revert the cell to the parsed value",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::NoteCell => "note on the cell",
            Action::NoteReport => "note on the report",
            Action::MarkReviewed => "mark the report reviewed (again: todo)",
            Action::Flag => "flag the report (again: todo)",
            Action::Search => "search the raw text",
            Action::CycleFilter => "files: all / with errors / unreviewed",
            Action::Zoom => "zoom the focused pane",
            Action::Corpus => "corpus view: all reports by outcome, rule, agency and year",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}
