//! The agency (发布机关) as the report's narrative names it, for reports whose title does not.
//!
//! Some reports have no title line (sample 002 opens with "根据《条例》…编制本报告" and names
//! 綦江区 only in its first sentence). Where a report introduces itself is data, beside the
//! templates (`assets/templates/agency.toml`): the patterns, tried strongest first, and the checks
//! every name must pass (what it ends with, what it may not start with, how long it is), because a
//! wrong agency is worse than none.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::text::trim_space;

const EMBEDDED: &str = include_str!("../../assets/templates/agency.toml");
const EMBEDDED_NAME: &str = "agency.toml";

/// Why the agency rules could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AgencyRulesError {
    #[error("{file} is not a valid agency rules file")]
    Toml {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: pattern `{pattern}` is not a valid regular expression")]
    Regex {
        file: String,
        pattern: String,
        #[source]
        source: regex::Error,
    },
    #[error("{file}: pattern `{pattern}` has no group named `agency`, so it could find no name")]
    NoAgencyGroup { file: String, pattern: String },
    #[error("{file}: `{list}` is empty or holds a blank entry")]
    EmptyList { file: String, list: &'static str },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    search_chars: usize,
    max_chars: usize,
    suffixes: Vec<String>,
    reject_prefixes: Vec<String>,
    name_char: String,
    patterns: Vec<PatternFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    name: String,
    regex: String,
    /// Searches only this many characters of the opening (at most `search_chars`).
    within: Option<usize>,
}

/// One narrative pattern.
#[derive(Debug)]
struct Pattern {
    regex: Regex,
    /// How many characters of the text it searches.
    within: usize,
}

/// The narrative patterns and the checks on the names they find, compiled once.
#[derive(Debug)]
pub struct AgencyRules {
    max_chars: usize,
    suffixes: Vec<String>,
    reject_prefixes: Vec<String>,
    /// Compiled patterns with an `agency` group, strongest first.
    patterns: Vec<Pattern>,
}

impl AgencyRules {
    /// Parses and validates an agency rules file; `file` is what errors name.
    pub fn from_toml(file: &str, src: &str) -> Result<AgencyRules, AgencyRulesError> {
        let f: RulesFile = toml::from_str(src).map_err(|source| AgencyRulesError::Toml {
            file: file.into(),
            source,
        })?;
        let lists = [
            ("suffixes", &f.suffixes),
            ("reject_prefixes", &f.reject_prefixes),
        ];
        for (list, v) in lists {
            if v.is_empty() || v.iter().any(|s| trim_space(s).is_empty()) {
                return Err(AgencyRulesError::EmptyList {
                    file: file.into(),
                    list,
                });
            }
        }
        if f.patterns.is_empty() {
            return Err(AgencyRulesError::EmptyList {
                file: file.into(),
                list: "patterns",
            });
        }
        let mut patterns = Vec::with_capacity(f.patterns.len());
        for p in f.patterns {
            // A small lazy-DFA cache: these run over the first few thousand characters of the
            // reports whose title names no agency, and each thread keeps one cache per pattern
            // (the default, 2 MB each, added 10 MB to a two-thread run's peak memory).
            let re = RegexBuilder::new(&p.regex.replace("{name}", &f.name_char))
                .dfa_size_limit(1 << 18)
                .build()
                .map_err(|source| AgencyRulesError::Regex {
                    file: file.into(),
                    pattern: p.name.clone(),
                    source,
                })?;
            if !re.capture_names().any(|n| n == Some("agency")) {
                return Err(AgencyRulesError::NoAgencyGroup {
                    file: file.into(),
                    pattern: p.name,
                });
            }
            patterns.push(Pattern {
                regex: re,
                within: p.within.unwrap_or(f.search_chars).min(f.search_chars),
            });
        }
        Ok(AgencyRules {
            max_chars: f.max_chars,
            suffixes: f.suffixes,
            reject_prefixes: f.reject_prefixes,
            patterns,
        })
    }

    /// The rules embedded in the binary, compiled on first use. They are validated by the test
    /// suite; were they ever broken, reports would get no narrative agency rather than a panic.
    pub fn embedded() -> Option<&'static AgencyRules> {
        static RULES: OnceLock<Option<AgencyRules>> = OnceLock::new();
        RULES
            .get_or_init(|| AgencyRules::from_toml(EMBEDDED_NAME, EMBEDDED).ok())
            .as_ref()
    }

    /// True when `name` can be an agency's name: not too long, ending with a kind of body
    /// (and longer than that ending), and not a pronoun or a whole ("我区", "全县").
    pub fn plausible(&self, name: &str) -> bool {
        let chars = name.chars().count();
        chars <= self.max_chars
            && self
                .suffixes
                .iter()
                .any(|s| name.ends_with(s.as_str()) && chars > s.chars().count())
            && !self
                .reject_prefixes
                .iter()
                .any(|p| name.starts_with(p.as_str()))
    }

    /// The agency the opening of `text` names: the first plausible name of the first pattern
    /// that finds one.
    pub fn in_narrative(&self, text: &str) -> Option<String> {
        let opening = |chars: usize| {
            let end = text
                .char_indices()
                .nth(chars)
                .map_or(text.len(), |(i, _)| i);
            &text[..end]
        };
        self.patterns.iter().find_map(|p| {
            p.regex
                .captures_iter(opening(p.within))
                .filter_map(|c| c.name("agency"))
                .map(|m| trim_space(m.as_str()))
                .find(|name| self.plausible(name))
                .map(str::to_string)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static AgencyRules {
        match AgencyRules::from_toml(EMBEDDED_NAME, EMBEDDED) {
            Ok(_) => AgencyRules::embedded().unwrap(),
            Err(e) => panic!("{:#}", anyhow::Error::from(e)),
        }
    }

    #[test]
    fn each_pattern_finds_the_name_it_is_for() {
        let r = rules();
        for (text, want) in [
            (
                "标题: 年度报告\n发布机构: 上海市人民政府办公厅\n文号: \n正文",
                "上海市人民政府办公厅",
            ),
            (
                "本报告由上海市人民政府办公厅编制，全文包括总体情况。",
                "上海市人民政府办公厅",
            ),
            (
                "根据要求,现公布文峰区人民政府2019年度政府信息公开工作年度报告。",
                "文峰区人民政府",
            ),
            (
                "根据《条例》要求。淮安市洪泽区人民政府办公室（以下简称区政府办）负责本报告。",
                "淮安市洪泽区人民政府办公室",
            ),
            (
                "编制本报告。\n一、总体情况\n2020年,綦江区严格按照国务院全面推进政务公开决策部署",
                "綦江区",
            ),
            (
                "2025 年，上海市人民政府办公厅坚持以习近平新时代中国特色社会主义思想为指导",
                "上海市人民政府办公厅",
            ),
        ] {
            assert_eq!(r.in_narrative(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn pronouns_wholes_clauses_and_other_texts_give_no_name() {
        let r = rules();
        for text in [
            "2019年，我局认真贯彻落实《条例》。",
            "2019年，全区严格按照要求。",
            "2020年,各单位认真落实。",
            // The clause before （以下简称 is not a name: it does not end like one.
            "《中华人民共和国政府信息公开条例》（以下简称《条例》）",
            "根据要求，现将2020年政府信息公开工作情况报告如下：",
            "2019年在区党工委、管委会的坚强领导下,我镇全面贯彻落实",
            "发布机构: \n文号: \n",
            "",
        ] {
            assert_eq!(r.in_narrative(text), None, "{text}");
        }
        // Beyond the opening, other bodies are named: they are not searched.
        let late = format!("{}2020年,綦江区严格按照", "。".repeat(3000));
        assert_eq!(r.in_narrative(&late), None);
        // An office given a short name in the body is not taken for the agency (the preamble's
        // is, above).
        let office = format!(
            "{}将政府信息公开工作列入议事日程，区党工委管委会办公室（以下简称区办公室）领导经常听取汇报",
            "根据要求编制本报告。".repeat(50)
        );
        assert_eq!(r.in_narrative(&office), None);
    }

    #[test]
    fn broken_rules_are_refused_naming_the_pattern() {
        let bad = EMBEDDED.replacen("(?P<agency>", "(?P<agent>", 1);
        let e = AgencyRules::from_toml("agency.toml", &bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "agency.toml: pattern `page_metadata` has no group named `agency`, so it could find no name"
        );
        let bad = EMBEDDED.replacen("本(?:年度)?报告由", "本(?:年度报告由", 1);
        let e = AgencyRules::from_toml("agency.toml", &bad).unwrap_err();
        assert!(matches!(e, AgencyRulesError::Regex { .. }), "{e}");
        let bad = EMBEDDED.replacen("search_chars", "search_char", 1);
        let e = AgencyRules::from_toml("agency.toml", &bad).unwrap_err();
        assert!(matches!(e, AgencyRulesError::Toml { .. }), "{e}");
    }
}
