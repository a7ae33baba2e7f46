//! The rules beyond the tables as data (`assets/templates/checks.toml`), parsed raw and then
//! validated like a template: a typo in a pattern or a cell name is an error naming the entry,
//! never a check that silently finds nothing.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::template::{Key, TableKey, Templates, intern, key_matches};
use crate::text::trim_space;

const EMBEDDED: &str = include_str!("../../assets/templates/checks.toml");
const EMBEDDED_NAME: &str = "checks.toml";

/// The group of a statement's pattern holding the number said; a pattern that says it in
/// two alternatives names the second `n_1`, and so on (group names must be distinct).
pub(super) const NUMBER_GROUP: &str = "n";
/// What `{n}` stands for (the group's name added): the number said.
const NUMBER: &str = "[0-9０-９]+";
/// What `{h}` stands for: where a section heading starts, after a numeral ("五、", "九、") or
/// alone at the start of a line.
const HEADING: &str =
    r"(?:(?m:^)[ \t\u{3000}]*|[一二三四五六七八九十]{1,2}[ \t\u{3000}]*[、.．][ \t\u{3000}]*)";
/// What `{sp}` stands for: the spaces PDF text puts around numbers (never a line break).
const SPACES: &str = r"[ \t\u{3000}]*";

/// A pattern as written in the file, `{n}` and `{sp}` replaced.
fn expand(re: &str) -> String {
    let mut out = String::new();
    for (i, piece) in re.split("{n}").enumerate() {
        if i == 1 {
            out.push_str(&format!("(?P<{NUMBER_GROUP}>{NUMBER})"));
        } else if i > 1 {
            out.push_str(&format!("(?P<{NUMBER_GROUP}_{}>{NUMBER})", i - 1));
        }
        out.push_str(piece);
    }
    out.replace("{h}", HEADING).replace("{sp}", SPACES)
}

/// Why the check rules could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{file} is not a valid check rules file")]
    Toml {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: `{entry}` is not a valid regular expression")]
    Regex {
        file: String,
        entry: String,
        #[source]
        source: regex::Error,
    },
    #[error("{file}: `{entry}` {problem}")]
    Invalid {
        file: String,
        entry: String,
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    qualifiers: Vec<String>,
    clause_rejects: Vec<String>,
    repetition: RepetitionFile,
    series: SeriesFile,
    period: PeriodFile,
    sections: Vec<SectionFile>,
    statements: Vec<StatementFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepetitionFile {
    threshold: f64,
    min_chars: usize,
    boilerplate: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesFile {
    prefix_ends: Vec<String>,
    levels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodFile {
    regex: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    id: String,
    name: String,
    regex: String,
    key: String,
    #[serde(default)]
    empty: Vec<String>,
    #[serde(default)]
    must_mention: Vec<String>,
    must_mention_from: Option<i32>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum Qualified {
    /// A qualified number is left alone.
    #[default]
    Skip,
    /// A qualified number is read as said (the qualifier explains it, it does not change it).
    Read,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementFile {
    id: String,
    says: String,
    regex: String,
    value: Option<f64>,
    compare: Vec<Vec<String>>,
    #[serde(default)]
    qualified: Qualified,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    reject_before: Vec<String>,
    #[serde(default)]
    clause_unless: Vec<String>,
}

/// One cell a statement names: `row` may be a pattern ending in `.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPattern {
    pub table: TableKey,
    pub row: Key,
    pub column: Key,
}

/// One statement a narrative makes about the tables.
#[derive(Debug)]
pub struct Statement {
    pub id: Key,
    /// What it says, for messages.
    pub says: String,
    pub regex: Regex,
    /// The number a negative form says (`None`: the `n` group holds it).
    pub value: Option<f64>,
    /// Groups of cells, each group's sum compared with the number said.
    pub compare: Vec<Vec<CellPattern>>,
    pub qualified: Qualified,
    pub unless: Vec<String>,
    pub reject_before: Vec<String>,
    /// Texts in the clause before the match that leave it alone ("其中…": a part).
    pub clause_unless: Vec<String>,
}

/// A section the template requires.
#[derive(Debug)]
pub struct Section {
    pub id: Key,
    pub name: String,
    pub regex: Regex,
    /// A text every heading holds, found with `memmem` before the regex runs around it.
    pub key: String,
    pub empty: Vec<String>,
    pub must_mention: Vec<String>,
    pub must_mention_from: Option<i32>,
}

/// The rules, validated and compiled.
#[derive(Debug)]
pub struct CheckRules {
    pub qualifiers: Vec<String>,
    pub clause_rejects: Vec<String>,
    pub repetition_threshold: f64,
    pub repetition_min_chars: usize,
    pub boilerplate: Vec<String>,
    /// `boilerplate`, prepared for searching once (every sentence of every report is searched).
    pub boilerplate_finders: Vec<memchr::memmem::Finder<'static>>,
    /// How agency names are normalized for pairing ([`crate::series::normalize_agency`]).
    pub agency_prefix_ends: Vec<String>,
    pub agency_levels: Vec<String>,
    /// The statistical period's first day; group `year`.
    pub period: Regex,
    pub sections: Vec<Section>,
    pub statements: Vec<Statement>,
    /// Every statement's regex in one set: a sentence is searched once for all of them, and
    /// only the statements that match are searched again for their number.
    pub statement_set: regex::RegexSet,
}

impl CheckRules {
    /// Parses and validates a rules file against the templates its cells must exist in;
    /// `file` is what errors name.
    pub fn from_toml(
        file: &str,
        src: &str,
        templates: &Templates,
    ) -> Result<CheckRules, RulesError> {
        let f: RulesFile = toml::from_str(src).map_err(|source| RulesError::Toml {
            file: file.into(),
            source,
        })?;
        let invalid = |entry: &str, problem: &str| RulesError::Invalid {
            file: file.into(),
            entry: entry.into(),
            problem: problem.into(),
        };
        let compile = |entry: &str, re: &str| {
            Regex::new(&expand(re)).map_err(|source| RulesError::Regex {
                file: file.into(),
                entry: entry.into(),
                source,
            })
        };
        let blank = |v: &[String]| v.iter().any(|s| trim_space(s).is_empty());
        for (entry, list) in [
            ("qualifiers", &f.qualifiers),
            ("clause_rejects", &f.clause_rejects),
            ("repetition.boilerplate", &f.repetition.boilerplate),
            ("series.prefix_ends", &f.series.prefix_ends),
            ("series.levels", &f.series.levels),
        ] {
            if list.is_empty() || blank(list) {
                return Err(invalid(entry, "is empty or holds a blank entry"));
            }
        }
        if !(f.repetition.threshold > 0.0 && f.repetition.threshold <= 1.0) {
            return Err(invalid(
                "repetition.threshold",
                "must be a share above 0 and at most 1",
            ));
        }
        let period = compile("period.regex", &f.period.regex)?;
        if !period.capture_names().any(|n| n == Some("year")) {
            return Err(invalid("period.regex", "has no group named `year`"));
        }
        let mut sections = Vec::new();
        for s in f.sections {
            let entry = format!("sections.{}", s.id);
            if blank(&s.empty) || blank(&s.must_mention) || trim_space(&s.key).is_empty() {
                return Err(invalid(&entry, "holds a blank text"));
            }
            if s.must_mention.is_empty() != s.must_mention_from.is_none() {
                return Err(invalid(
                    &entry,
                    "needs both must_mention and must_mention_from, or neither",
                ));
            }
            sections.push(Section {
                id: intern(&s.id),
                regex: compile(&entry, &s.regex)?,
                name: s.name,
                key: s.key,
                empty: s.empty,
                must_mention: s.must_mention,
                must_mention_from: s.must_mention_from,
            });
        }
        if sections.is_empty() {
            return Err(invalid("sections", "is empty"));
        }
        let mut statements: Vec<Statement> = Vec::new();
        for s in f.statements {
            let entry = format!("statements.{}", s.id);
            if statements.iter().any(|t| t.id == s.id) {
                return Err(invalid(&entry, "is defined twice"));
            }
            let regex = compile(&entry, &s.regex)?;
            let has_n = regex.capture_names().any(|n| n == Some(NUMBER_GROUP));
            match (s.value, has_n) {
                (None, false) => {
                    return Err(invalid(
                        &entry,
                        "has neither a number `{n}` in its regex nor a `value`",
                    ));
                }
                (Some(_), true) => {
                    return Err(invalid(&entry, "has both a number `{n}` and a `value`"));
                }
                _ => {}
            }
            if s.compare.is_empty() || s.compare.iter().any(Vec::is_empty) {
                return Err(invalid(&entry, "compares no cell"));
            }
            let mut compare = Vec::new();
            for group in &s.compare {
                let mut cells = Vec::new();
                for c in group {
                    cells.push(
                        cell_pattern(c, templates)
                            .map_err(|p| invalid(&format!("{entry}: {c}"), &p))?,
                    );
                }
                compare.push(cells);
            }
            statements.push(Statement {
                id: intern(&s.id),
                says: s.says,
                regex,
                value: s.value,
                compare,
                qualified: s.qualified,
                unless: s.unless,
                reject_before: s.reject_before,
                clause_unless: s.clause_unless,
            });
        }
        let statement_set = regex::RegexSet::new(statements.iter().map(|s| s.regex.as_str()))
            .map_err(|source| RulesError::Regex {
                file: file.into(),
                entry: "statements".into(),
                source,
            })?;
        Ok(CheckRules {
            statement_set,
            qualifiers: f.qualifiers,
            clause_rejects: f.clause_rejects,
            repetition_threshold: f.repetition.threshold,
            repetition_min_chars: f.repetition.min_chars,
            boilerplate_finders: f
                .repetition
                .boilerplate
                .iter()
                .map(|b| memchr::memmem::Finder::new(b.as_bytes()).into_owned())
                .collect(),
            boilerplate: f.repetition.boilerplate,
            agency_prefix_ends: f.series.prefix_ends,
            agency_levels: f.series.levels,
            period,
            sections,
            statements,
        })
    }

    /// The rules embedded in the binary, validated against the embedded templates on first
    /// use. The test suite loads them; were they ever broken, `gouji check` says so at start
    /// ([`CheckRules::embedded_checked`]) and the checks are skipped rather than a panic.
    pub fn embedded() -> Option<&'static CheckRules> {
        Self::embedded_checked().ok()
    }

    /// The embedded rules, or why they cannot be used.
    pub fn embedded_checked() -> Result<&'static CheckRules, &'static str> {
        static RULES: OnceLock<Result<CheckRules, String>> = OnceLock::new();
        RULES
            .get_or_init(|| {
                let templates = Templates::embedded().map_err(|e| e.to_string())?;
                CheckRules::from_toml(EMBEDDED_NAME, EMBEDDED, &templates)
                    .map_err(|e| format!("{:#}", anyhow::Error::from(e)))
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Reads "table/row/column", checking that some template has that table, a row the row
/// (pattern) names and that column in it.
fn cell_pattern(s: &str, templates: &Templates) -> Result<CellPattern, String> {
    let parts: Vec<&str> = s.split('/').collect();
    let [table, row, column] = parts[..] else {
        return Err("is not table/row/column".into());
    };
    let table = TableKey::parse(table).ok_or_else(|| format!("names no table `{table}`"))?;
    let found = templates.all.iter().any(|t| {
        let spec = t.table(table);
        spec.rows
            .iter()
            .any(|r| key_matches(row, r.key) && spec.row_columns(r).contains(&column))
    });
    if !found {
        return Err(format!(
            "names no row `{row}` with a column `{column}` in any template's table {}",
            table.as_str()
        ));
    }
    Ok(CellPattern {
        table,
        row: intern(row),
        column: intern(column),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<CheckRules, RulesError> {
        CheckRules::from_toml("checks.toml", src, &Templates::embedded().unwrap())
    }

    #[test]
    fn the_embedded_rules_load() {
        if let Err(e) = load(EMBEDDED) {
            panic!("{:#}", anyhow::Error::from(e));
        }
        assert!(CheckRules::embedded().is_some());
    }

    #[test]
    fn broken_rules_are_refused_naming_the_entry() {
        let bad = EMBEDDED.replacen("applications/new/total", "applications/news/total", 1);
        assert_eq!(
            load(&bad).unwrap_err().to_string(),
            "checks.toml: `statements.received: applications/news/total` names no row `news` \
             with a column `total` in any template's table applications"
        );
        let bad = EMBEDDED.replacen("{sp}{n}{sp}件'", "{sp}件'", 1);
        assert_eq!(
            load(&bad).unwrap_err().to_string(),
            "checks.toml: `statements.carried_over` has neither a number `{n}` in its regex nor a `value`"
        );
        let bad = EMBEDDED.replacen("(?:收到|受理", "(?:收到|受理(", 1);
        assert!(matches!(load(&bad), Err(RulesError::Regex { .. })));
        let bad = EMBEDDED.replacen("threshold = 0.5", "threshold = 50", 1);
        assert!(
            load(&bad)
                .unwrap_err()
                .to_string()
                .contains("repetition.threshold")
        );
        let bad = EMBEDDED.replacen("says = ", "sayz = ", 1);
        assert!(matches!(load(&bad), Err(RulesError::Toml { .. })));
        let bad = EMBEDDED.replacen("review/reconsideration/total", "reviews/x/total", 1);
        assert!(
            load(&bad)
                .unwrap_err()
                .to_string()
                .contains("names no table")
        );
    }
}
