//! The counts over a folder of reports that the workbench's corpus view shows and
//! `gouji check --format text` ends with: reports by outcome, error findings by rule, reports
//! per year. One definition, so the two never disagree.

use std::collections::BTreeMap;

/// What checking a report came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// No error and no unchecked relation (warnings allowed).
    Clean,
    /// Some relation fails on cells all read.
    Errors,
    /// No error, but some relation could not be evaluated.
    Unchecked,
    /// The file could not be read or holds no report tables.
    Unreadable,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Clean,
        Outcome::Errors,
        Outcome::Unchecked,
        Outcome::Unreadable,
    ];

    pub fn of(unreadable: bool, errors: usize, unchecked: usize) -> Outcome {
        if unreadable {
            Outcome::Unreadable
        } else if errors > 0 {
            Outcome::Errors
        } else if unchecked > 0 {
            Outcome::Unchecked
        } else {
            Outcome::Clean
        }
    }

    /// Of an audited report.
    pub fn of_audit(a: &crate::audit::Audit) -> Outcome {
        Outcome::of(a.unreadable(), a.errors(), a.unchecked())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Clean => "clean",
            Outcome::Errors => "errors",
            Outcome::Unchecked => "unchecked",
            Outcome::Unreadable => "unreadable",
        }
    }
}

/// Counts over the reports of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Reports by outcome, in [`Outcome::ALL`] order.
    pub outcomes: [usize; 4],
    /// Error findings by rule (cross-report errors included).
    pub errors_by_rule: BTreeMap<String, usize>,
    /// Reports by year (`None`: no year found).
    pub per_year: BTreeMap<Option<i32>, usize>,
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome, error_rules: &[&str], year: Option<i32>) {
        self.outcomes[outcome as usize] += 1;
        for r in error_rules {
            *self.errors_by_rule.entry((*r).to_string()).or_default() += 1;
        }
        *self.per_year.entry(year).or_default() += 1;
    }

    /// Counts an error across reports (`carry_over`).
    pub fn add_cross_error(&mut self, rule: &str) {
        *self.errors_by_rule.entry(rule.to_string()).or_default() += 1;
    }

    pub fn count(&self, o: Outcome) -> usize {
        self.outcomes[o as usize]
    }

    /// Reports per year, "2019: 2" ("no year: 1" for reports whose year was not read).
    pub fn year_counts(&self) -> Vec<String> {
        self.per_year
            .iter()
            .map(|(y, n)| match y {
                Some(y) => format!("{y}: {n}"),
                None => format!("no year: {n}"),
            })
            .collect()
    }

    /// The counts as the lines `gouji check --format text` ends with.
    pub fn lines(&self) -> Vec<String> {
        let outcomes: Vec<String> = Outcome::ALL
            .iter()
            .map(|o| format!("{} {}", self.count(*o), o.as_str()))
            .collect();
        let rules: Vec<String> = self
            .errors_by_rule
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        let years = self.year_counts();
        vec![
            format!("reports by outcome: {}", outcomes.join(", ")),
            format!(
                "errors by rule: {}",
                if rules.is_empty() {
                    "none".to_string()
                } else {
                    rules.join(", ")
                }
            ),
            format!("reports by year: {}", years.join(", ")),
        ]
    }
}
