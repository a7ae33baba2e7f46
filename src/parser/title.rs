//! The report's agency (发布机关) and year, from its title.

use std::sync::OnceLock;

use regex::Regex;

use crate::text::trim_space;

fn title_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:标题\s*[:：]\s*)?(.*?)\s*(\d{4})\s*年度?\s*(?:政府信息公开|政务公开|信息公开).*报告")
            .expect("static regex")
    })
}

/// Agency and year from the report's title. Titles are often broken over two or three short
/// lines ("文峰区人民政府2019年政府" / "信息公开工作年度报告"), so windows of up to three
/// consecutive short lines among the first ones are tried, shortest first.
pub(super) fn title_metadata(text: &str) -> (Option<String>, Option<i32>) {
    let lines: Vec<&str> = text
        .lines()
        .map(trim_space)
        .filter(|l| !l.is_empty())
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
