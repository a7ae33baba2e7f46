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
    NextWarning,
    PrevWarning,
    ApplySuggestion,
    Confirm,
    Dismiss,
    ToggleWrap,
    GotoLine,
    Back,
    /// The corpus view: counts over every report; Enter opens one.
    Corpus,
}

impl Action {
    /// Every action, in the order the help lists them.
    pub const ALL: [Action; 37] = [
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
        Action::NextWarning,
        Action::PrevWarning,
        Action::ApplySuggestion,
        Action::Confirm,
        Action::Dismiss,
        Action::ToggleWrap,
        Action::GotoLine,
        Action::Back,
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
            Action::NextWarning => "next_warning",
            Action::PrevWarning => "prev_warning",
            Action::ApplySuggestion => "apply_suggestion",
            Action::Confirm => "confirm",
            Action::Dismiss => "dismiss",
            Action::ToggleWrap => "toggle_wrap",
            Action::GotoLine => "goto_line",
            Action::Back => "back",
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
            Action::Left => "move left (raw text: scroll left)",
            Action::Right => "move right (raw text: scroll right)",
            Action::Top => "go to top",
            Action::Bottom => "go to bottom",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Open => "open report / edit cell / findings: go to, detail, expand",
            Action::NextReport => "next report",
            Action::PrevReport => "previous report",
            Action::NextFinding => "next open error cell, across reports (search: next match)",
            Action::PrevFinding => "previous open error cell (previous match)",
            Action::Edit => "correct the cell",
            Action::Revert => "revert the cell to the parsed value",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::NoteCell => "note on the cell",
            Action::NoteReport => "note on the report",
            Action::MarkReviewed => "mark the report reviewed (again: todo)",
            Action::Flag => "flag the report (again: todo)",
            Action::Search => "search the raw text (from an empty query)",
            Action::CycleFilter => "files: all / with errors / unreviewed",
            Action::Zoom => "zoom the focused pane",
            Action::NextWarning => "next open warning or unchecked relation, across reports",
            Action::PrevWarning => "previous open warning",
            Action::ApplySuggestion => {
                "apply the finding's suggestion (opens the editor filled in)"
            }
            Action::Confirm => "confirm the finding (again: withdraw), optional reason",
            Action::Dismiss => "dismiss the finding (again: withdraw), optional reason",
            Action::ToggleWrap => "raw text: wrap long lines, or scroll them sideways",
            Action::GotoLine => "raw text: go to line",
            Action::Back => "close help, the finding's detail or the search",
            Action::Corpus => "corpus view: all reports by outcome, rule, agency and year",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}
