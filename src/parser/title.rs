//! The report's agency (发布机关) and year, from its title, else the agency from the narrative
//! ([`AgencyRules`]).

use std::sync::OnceLock;

use regex::Regex;

use super::agency::AgencyRules;
use crate::text::trim_space;

fn title_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:标题\s*[:：]\s*)?(.*?)\s*(\d{4})\s*年度?\s*(?:政府信息公开|政务公开|信息公开).*报告")
            .expect("static regex")
    })
}

/// A title that puts the year first: "2025 年上海市人民政府办公厅政府信息公开" / "工作年度报告".
fn year_first_title_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:标题\s*[:：]\s*)?(\d{4})\s*年度?\s*(.+?)\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?报告")
            .expect("static regex")
    })
}

/// Agency and year of the report: from its title ([`title_lines`]); when the title names no
/// agency (or there is no title line), the agency the opening of the narrative names.
pub(super) fn title_metadata(text: &str) -> (Option<String>, Option<i32>) {
    // The rules (compiled regular expressions) are built on first need: most titles name
    // their agency.
    let (agency, year) = title_lines(text);
    let agency = agency.or_else(|| AgencyRules::embedded().and_then(|r| r.in_narrative(text)));
    (agency, year)
}

/// Agency and year from the report's title. Titles are often broken over two or three short
/// lines ("文峰区人民政府2019年政府" / "信息公开工作年度报告"), so windows of up to three
/// consecutive short lines among the first ones are tried, shortest first. A title that puts
/// the year first ("2025 年上海市人民政府办公厅政府信息公开工作年度报告") is read too, its
/// agency only when it passes the narrative's checks (`rules`): such a line may be a sentence.
fn title_lines(text: &str) -> (Option<String>, Option<i32>) {
    let lines: Vec<&str> = text
        .lines()
        .map(trim_space)
        // Page footers, and the page markers of text read from a PDF, are no part of a title.
        .filter(|l| !l.is_empty() && !crate::tokenize::is_page_footer(l))
        .take(12)
        .collect();
    for start in 0..lines.len() {
        for len in 1..=3 {
            let window = &lines[start..(start + len).min(lines.len())];
            if window.len() < len || window.iter().any(|l| l.chars().count() > 60) {
                break;
            }
            let joined: String = window.concat();
            if let Some(c) = title_regex().captures(&joined) {
                let agency = trim_space(&c[1]).to_string();
                return ((!agency.is_empty()).then_some(agency), c[2].parse().ok());
            }
            if let Some(c) = year_first_title_regex().captures(&joined) {
                let agency = trim_space(&c[2]);
                if AgencyRules::embedded().is_some_and(|r| r.plausible(agency)) {
                    return (Some(agency.to_string()), c[1].parse().ok());
                }
            }
        }
    }
    (None, None)
}

/// The year most often written as "20xx年" in the text: the report year when no title says it.
pub(super) fn dominant_year(text: &str) -> Option<i32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(20\d\d)\s*年").expect("static regex"));
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for c in re.captures_iter(text) {
        let y: i32 = c[1].parse().ok()?;
        match counts.iter_mut().find(|(yy, _)| *yy == y) {
            Some((_, n)) => *n += 1,
            None => counts.push((y, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map(|(y, _)| y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_split_over_two_lines_with_the_year_first() {
        // The opening of samples-extra/17 (a PDF converted to Markdown).
        let text = "正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告根据《中华人民共和国政府信息公开条例》（以\n下简称《条例》）";
        assert_eq!(
            title_metadata(text),
            (Some("上海市人民政府办公厅".to_string()), Some(2025))
        );
        // Agency first, split as sample 000 prints it.
        let text = "文峰区人民政府2019年政府\n\n信息公开工作年度报告\n\n根据《条例》";
        assert_eq!(
            title_metadata(text),
            (Some("文峰区人民政府".to_string()), Some(2019))
        );
    }

    #[test]
    fn a_year_first_line_that_is_a_sentence_names_no_agency() {
        let text = "2020年全区政府信息公开工作报告如下\n";
        assert_eq!(title_metadata(text), (None, None));
    }

    #[test]
    fn without_a_title_the_narrative_names_the_agency_or_nothing() {
        let text = "根据《条例》要求,编制本报告。\n一、总体情况\n2020年,綦江区严格按照国务院全面推进政务公开决策部署";
        assert_eq!(title_metadata(text), (Some("綦江区".to_string()), None));
        // A title without an agency keeps its year; the narrative gives the agency.
        let text = "2019年度政府信息公开工作年度报告\n本报告由万东镇人民政府编制。";
        assert_eq!(
            title_metadata(text),
            (Some("万东镇人民政府".to_string()), Some(2019))
        );
        let text = "根据《条例》要求,编制本报告。\n2019年，我局认真贯彻落实《条例》。";
        assert_eq!(title_metadata(text), (None, None));
    }
}
