//! The review's own moves, called by `update` (so still the only writer of the state): the
//! raw pane's scrolling, the findings pane's cursor, folds and detail, applying a suggestion,
//! and verdicts.

use crate::annotations::verdicts::cell_keys;
use crate::annotations::{Op, VerdictKind};

use super::report_view::target_cell;
use super::state::{EditTarget, Effect, Pane, State};

/// Scrolls the raw pane by `d` rows: source lines, or wrapped rows with wrapping on.
pub(super) fn scroll_raw(s: &mut State, d: isize) {
    if !s.raw_wrap {
        s.raw_scroll = (s.raw_scroll as isize + d).max(0) as usize;
        let last = s
            .audit()
            .and_then(|a| a.report.as_ref())
            .map_or(0, |r| r.line_count().saturating_sub(1));
        s.raw_scroll = s.raw_scroll.min(last);
        return;
    }
    let Some(report) = s.audit().and_then(|a| a.report.as_ref()) else {
        return;
    };
    let w = super::layout::raw_text_w(s);
    let rows = |i: usize| {
        let span = report.line_span(i);
        super::raw_text::wrap_rows(&report.text[span], w)
            .len()
            .max(1)
    };
    let count = report.line_count();
    let (mut line, mut sub) = (s.raw_scroll, s.raw_sub);
    for _ in 0..d.unsigned_abs() {
        if d > 0 {
            if sub + 1 < rows(line) {
                sub += 1;
            } else if line + 1 < count {
                line += 1;
                sub = 0;
            }
        } else if sub > 0 {
            sub -= 1;
        } else if line > 0 {
            line -= 1;
            sub = rows(line) - 1;
        }
    }
    (s.raw_scroll, s.raw_sub) = (line, sub);
}

/// Moves the findings cursor by `d` lines (or scrolls the detail).
pub(super) fn move_findings(s: &mut State, d: isize) {
    if s.detail {
        // No further than the detail's last screenful (its length as drawn with the default
        // key names; a remapped key changes a hint's length by a few columns at most).
        let w = super::layout::pane_inner(s, Pane::Findings).width as usize;
        let rows = s.finding.map_or(0, |i| {
            super::findings::detail_rows(s, i, w, &super::config::Config::default()).len()
        });
        let max = rows.saturating_sub(super::layout::findings_height_inner(s));
        s.detail_scroll = ((s.detail_scroll as isize + d).max(0) as usize).min(max);
        return;
    }
    let n = s.finding_rows().len();
    if n == 0 {
        return;
    }
    s.findings_cursor = (s.findings_cursor as isize + d).clamp(0, n as isize - 1) as usize;
}

/// Enter in the findings pane: a fold opens or closes; a finding is gone to (its cell in the
/// table, its line in the raw text), and, when it already is the selected one, its detail
/// opens; in the detail, Enter goes back to the list.
pub(super) fn open_finding(s: &mut State) {
    if s.detail {
        s.detail = false;
        return;
    }
    let rows = s.finding_rows();
    match rows.get(s.findings_cursor) {
        Some(super::report_view::FindingRow::Fold(g)) => {
            if let Some(super::report_view::Group::Fold { rule, .. }) = s.view.groups.get(*g) {
                let rule = rule.to_string();
                if !s.expanded.remove(&rule) {
                    s.expanded.insert(rule);
                }
            }
        }
        Some(super::report_view::FindingRow::Finding { index, .. }) => {
            let i = *index;
            let here = s.findings().get(i).and_then(target_cell) == s.selected_cell();
            if s.finding == Some(i) && here {
                s.detail = true;
                s.detail_scroll = 0;
            } else {
                s.select_finding(i);
                s.status = format!("{}  (Enter: detail)", super::findings::summary(s, i));
            }
        }
        None => {}
    }
}

/// Opens the editor on the suggested cell of the finding, filled in with the suggested value.
pub(super) fn apply_suggestion(s: &mut State) -> Effect {
    let Some(i) = s.target_finding() else {
        s.status = "no finding selected".into();
        return Effect::None;
    };
    let Some(sg) = s
        .findings()
        .get(i)
        .and_then(|f| f.suggestion.clone().map(|g| (f.table, g)))
    else {
        s.status = "this finding has no suggestion".into();
        return Effect::None;
    };
    if s.writable().is_none() {
        return Effect::None;
    }
    let cell = crate::report::CellRef::new(sg.0, sg.1.row, sg.1.column);
    s.finding = Some(i);
    s.select_cell(&cell);
    s.follow_cell();
    s.start_editor_with(
        EditTarget::Cell(cell),
        &crate::text::format_num(sg.1.value),
        false,
    );
    Effect::None
}

/// `c` / `d`: a verdict on the finding, asking for an optional reason; the same verdict
/// again withdraws it.
pub(super) fn verdict(s: &mut State, kind: VerdictKind) -> Effect {
    let Some(i) = s.target_finding() else {
        s.status = "no finding selected: choose one in the findings pane (or with n)".into();
        return Effect::None;
    };
    if s.writable().is_none() {
        return Effect::None;
    }
    let Some(a) = s.audit() else {
        return Effect::None;
    };
    let same = a
        .verdict(i)
        .is_some_and(|v| v.verdict == kind && v.lapsed.is_none());
    if same && let Some(f) = a.findings.get(i) {
        let op = Op::ClearVerdict {
            rule: f.rule.to_string(),
            table: f.table.as_str().to_string(),
            cells: cell_keys(f),
        };
        s.status = format!("verdict withdrawn: {}", super::findings::summary(s, i));
        return s.change(op);
    }
    s.start_editor(EditTarget::Verdict(i, kind), "");
    Effect::None
}
