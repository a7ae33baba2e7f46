//! The corpus view: a summary screen over every report open in the workbench — reports by
//! outcome (clean / errors / unchecked / unreadable), error findings by rule, and one line per
//! report by agency and year with its review status, its findings and its repetition share
//! against the agency's previous year — from which Enter opens the report. The counts are
//! [`crate::corpus::Counts`], the ones `gouji check --format text` ends with, and the
//! cross-report findings are [`crate::series`]'s, over the reports loaded.
//!
//! Built by `update` when the view opens (computed from the loaded audits, no I/O) and drawn
//! from it; the rest of the workbench only holds `Option<Corpus>` and routes keys here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::annotations::Status;
use crate::checker::Severity;
use crate::corpus::{Counts, Outcome};
use crate::narrative::CheckRules;
use crate::series::{CrossFinding, Series, Summary};

use super::action::Action;
use super::config::Config;
use super::state::State;
use super::view::{block, fit_width, pad, status_mark};

/// One report in the corpus list.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusRow {
    /// Index into `State::entries`.
    pub entry: usize,
    pub agency: String,
    pub year: Option<i32>,
    /// `None` while the report is not loaded yet.
    pub outcome: Option<Outcome>,
    pub status: Status,
    pub errors: usize,
    pub warnings: usize,
    /// The share of its narrative repeated from the agency's previous report, when paired.
    pub repetition: Option<f64>,
    /// Cross-report errors naming this report (carry_over).
    pub cross_errors: usize,
}

/// The corpus view's content and cursor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Corpus {
    pub counts: Counts,
    /// Reports by agency, then year, then file.
    pub rows: Vec<CorpusRow>,
    pub cross: Vec<CrossFinding>,
    pub loaded: usize,
    pub cursor: usize,
}

impl Corpus {
    /// The view over the state's reports; `threshold` is the repetition share above which a
    /// pair is a warning.
    pub fn build(s: &State, threshold: f64) -> Corpus {
        let rules = CheckRules::embedded();
        let mut counts = Counts::default();
        let mut series = Series::new();
        let mut rows = Vec::new();
        let mut loaded = 0;
        for (i, e) in s.entries.iter().enumerate() {
            let a = e.audit.as_ref();
            let report = a.and_then(|a| a.checked());
            if let Some(a) = a {
                loaded += 1;
                let error_rules: Vec<&str> = a
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| f.rule)
                    .collect();
                counts.add(
                    Outcome::of_audit(a),
                    &error_rules,
                    report.and_then(|r| r.year),
                );
                if let Some(sm) = rules.and_then(|r| Summary::of(a, &i.to_string(), r)) {
                    series.add(sm);
                }
            }
            rows.push(CorpusRow {
                entry: i,
                agency: report
                    .and_then(|r| r.agency.clone())
                    .unwrap_or_else(|| e.name.clone()),
                year: report.and_then(|r| r.year),
                outcome: a.map(Outcome::of_audit),
                status: e.status(),
                errors: a.map_or(0, |a| a.errors()),
                warnings: a.map_or(0, |a| a.warnings()),
                repetition: None,
                cross_errors: 0,
            });
        }
        // The series names reports by their entry index (the file in a batch run).
        let cross = series.findings(threshold);
        for f in &cross {
            if f.severity == Some(Severity::Error) {
                counts.add_cross_error(f.rule);
            }
            let Ok(i) = f.file.parse::<usize>() else {
                continue;
            };
            if let Some(r) = rows.get_mut(i) {
                if f.rule == "repetition" {
                    r.repetition = f.share;
                } else if f.severity == Some(Severity::Error) {
                    r.cross_errors += 1;
                }
            }
        }
        let cross = cross
            .into_iter()
            .map(|mut f| {
                let name = |i: &str| {
                    i.parse::<usize>()
                        .ok()
                        .and_then(|i| s.entries.get(i))
                        .map_or_else(|| i.to_string(), |e| e.name.clone())
                };
                let (file, previous) = (name(&f.file), name(&f.previous));
                f.message = f
                    .message
                    .replace(&format!(" {} (", f.file), &format!(" {file} ("))
                    .replace(&format!(" {} (", f.previous), &format!(" {previous} ("));
                f.file = file;
                if !f.previous.is_empty() {
                    f.previous = previous;
                }
                f
            })
            .collect();
        // By agency as the pairing names it ("淮安市洪泽区…" beside "洪泽区…"), then year.
        let key = |r: &CorpusRow| {
            rules.map_or_else(
                || r.agency.clone(),
                |ru| crate::series::normalize_agency(&r.agency, ru),
            )
        };
        rows.sort_by_cached_key(|r| (key(r), r.year, r.entry));
        let cursor = rows.iter().position(|r| r.entry == s.open).unwrap_or(0);
        Corpus {
            counts,
            rows,
            cross,
            loaded,
            cursor,
        }
    }

    /// Moves the cursor by `d` rows, within the list.
    pub fn step(&mut self, d: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + d).clamp(0, last.max(0)) as usize;
    }

    /// The entry under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor).map(|r| r.entry)
    }
}

fn outcome_mark(o: Option<Outcome>) -> &'static str {
    match o {
        None => "…",
        Some(Outcome::Clean) => "✓",
        Some(Outcome::Errors) => "E",
        Some(Outcome::Unchecked) => "?",
        Some(Outcome::Unreadable) => "!",
    }
}

/// The lines above the report list: counts, errors by rule, cross-report findings.
fn header(c: &Corpus, total: usize, cfg: &Config) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::styled("Reports 报告: ", bold)];
    for o in Outcome::ALL {
        let style = match o {
            Outcome::Errors => cfg.theme.error_cell(),
            Outcome::Unchecked => cfg.theme.unchecked_cell(),
            Outcome::Unreadable => cfg.theme.warning_cell(),
            Outcome::Clean => Style::new(),
        };
        spans.push(Span::styled(
            format!("{} {}", c.counts.count(o), o.as_str()),
            style,
        ));
        spans.push(Span::raw("  "));
    }
    if c.loaded < total {
        spans.push(Span::styled(
            format!("({} of {total} loaded)", c.loaded),
            cfg.theme.dim(),
        ));
    }
    let mut lines = vec![Line::from(spans)];
    let rules: Vec<String> = c
        .counts
        .errors_by_rule
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    lines.push(Line::from(vec![
        Span::styled("Errors by rule 按规则: ", bold),
        Span::raw(if rules.is_empty() {
            "none".to_string()
        } else {
            rules.join(", ")
        }),
    ]));
    let years = c.counts.year_counts();
    lines.push(Line::from(vec![
        Span::styled("Reports by year 按年度: ", bold),
        Span::raw(years.join(", ")),
    ]));
    let findings: Vec<&CrossFinding> = c.cross.iter().filter(|f| f.severity.is_some()).collect();
    lines.push(Line::styled(
        format!("Across years 跨年: {} finding(s)", findings.len()),
        bold,
    ));
    for f in findings.iter().take(3) {
        let style = if f.severity == Some(Severity::Error) {
            cfg.theme.error_cell()
        } else {
            cfg.theme.warning_cell()
        };
        lines.push(Line::styled(format!("  {}: {}", f.rule, f.message), style));
    }
    if findings.len() > 3 {
        lines.push(Line::styled(
            format!("  … {} more", findings.len() - 3),
            cfg.theme.dim(),
        ));
    }
    lines
}

/// Draws the corpus view over the whole screen.
pub fn draw(f: &mut Frame, s: &State, c: &Corpus, cfg: &Config) {
    let screen = Rect::new(0, 0, s.size.0, s.size.1);
    f.render_widget(Clear, screen);
    let keys = |a: Action| cfg.keymap.keys_for(a).join("/");
    let title = format!(
        " Corpus 总览 | {} report(s) | {}: open  {}: close ",
        s.entries.len(),
        keys(Action::Open),
        keys(Action::Corpus)
    );
    let b = block(
        fit_width(&title, screen.width.saturating_sub(2) as usize),
        true,
        cfg,
    );
    let inner = b.inner(screen);
    f.render_widget(b, screen);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = header(c, s.entries.len(), cfg)
        .into_iter()
        .map(|l| {
            // One screen line each: long lines are cut to the width (CJK counted as two).
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if Line::from(text.clone()).width() > w {
                Line::styled(
                    fit_width(&text, w),
                    l.spans.first().map_or(Style::new(), |s| s.style),
                )
            } else {
                l
            }
        })
        .collect();
    lines.push(Line::styled(
        fit_width(
            &format!(
                "  {} {} {}  {:>4} {:>4} {:>5}  file",
                pad("agency 机关", 34, false),
                pad("year", 4, false),
                "R",
                "E",
                "W",
                "rep"
            ),
            w,
        ),
        cfg.theme.dim(),
    ));
    let list_h = (inner.height as usize).saturating_sub(lines.len());
    let scroll = c.cursor.saturating_sub(list_h.saturating_sub(1));
    for (i, r) in c.rows.iter().enumerate().skip(scroll).take(list_h) {
        let name = s.entries.get(r.entry).map_or("", |e| e.name.as_str());
        let rep = r
            .repetition
            .map_or_else(|| "  -".to_string(), |x| format!("{:.0}%", x * 100.0));
        let text = format!(
            "{} {} {} {}  {:>4} {:>4} {:>5}  {name}",
            outcome_mark(r.outcome),
            pad(&r.agency, 34, false),
            r.year.map_or_else(|| "    ".to_string(), |y| y.to_string()),
            status_mark(r.status),
            r.errors + r.cross_errors,
            r.warnings,
            rep,
        );
        let mut style = match r.outcome {
            Some(Outcome::Errors) => cfg.theme.error_cell(),
            Some(Outcome::Unreadable) => cfg.theme.warning_cell(),
            _ if r.cross_errors > 0 => cfg.theme.error_cell(),
            _ => Style::new(),
        };
        if i == c.cursor {
            style = style.patch(cfg.theme.selected());
        }
        lines.push(Line::styled(fit_width(&text, w), style));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
