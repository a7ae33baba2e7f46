//! Matching text to the template's labels: labels folded once into enumeration and body, a
//! cheap screen on two bytes and a length, and the match qualities from exact to gapped.

use crate::text::split_numbering;

/// How well a piece of text matched a label, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchQuality {
    /// Same folded text.
    Exact,
    /// The label followed by a parenthetical qualification ("(二)部分公开(区分处理的…)").
    Qualified,
    /// The start of the label, cut by a line break (PDF text).
    Prefix,
    /// Same words with a different or missing enumeration ("予以公开" for "(一)予以公开").
    Body,
    /// The label ends text that other cells' text runs into (web text without separators).
    Suffix,
    /// The label with characters missing inside it, as PDF extraction sometimes drops glyphs
    /// ("2.其他法律行政止公开" for "2.其他法律行政法规禁止公开"): same enumeration, same first and
    /// last character, at least three quarters of the label's characters (and six), in order. The
    /// parser tells the reviewer which rows it matched this way.
    Gapped,
}

/// A folded label split into its enumeration and body, prepared once for repeated matching.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// Private: the fields below are worked out from it once.
    text: String,
    numbering_len: usize,
    body_chars: usize,
    /// First and last byte of `text` (0 when empty), read without following the pointer.
    first: u8,
    last: u8,
}

impl Folded {
    pub fn new(folded: String) -> Folded {
        let (n, b) = split_numbering(&folded);
        let numbering_len = n.len();
        let body_chars = b.chars().count();
        let bytes = folded.as_bytes();
        Folded {
            first: bytes.first().copied().unwrap_or(0),
            last: bytes.last().copied().unwrap_or(0),
            numbering_len,
            body_chars,
            text: folded,
        }
    }

    /// The folded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What every label compared with this text needs to know of it, worked out once.
    pub fn probe(&self) -> Probe<'_> {
        Probe {
            text: self.text.as_bytes(),
            first: self.first,
            last: self.last,
            prefix: self.body_chars >= 5,
        }
    }

    /// False when [`match_folded_suffix`] of the probed text against this label is sure to
    /// be `None`, from lengths and single bytes alone: every match but two needs the same
    /// last byte; a qualified one needs the text's "(" right where the label ends; a prefix,
    /// a label longer than the text, starting with its first byte.
    #[inline]
    pub fn may_match(&self, p: &Probe) -> bool {
        let len = self.text.len();
        self.last == p.last
            || p.text.get(len) == Some(&b'(')
            || (p.prefix && len > p.text.len() && self.first == p.first)
    }

    fn numbering(&self) -> &str {
        &self.text[..self.numbering_len]
    }

    fn body(&self) -> &str {
        &self.text[self.numbering_len..]
    }
}

/// A folded text as [`Folded::may_match`] screens labels against it.
#[derive(Debug, Clone, Copy)]
pub struct Probe<'a> {
    text: &'a [u8],
    first: u8,
    last: u8,
    prefix: bool,
}

/// Compares folded `text` with folded `label`.
pub fn match_label(text: &str, label: &str) -> Option<MatchQuality> {
    match_folded(
        &Folded::new(text.to_string()),
        &Folded::new(label.to_string()),
    )
}

/// [`match_label`] on prepared labels: the hot path of the parser. A label may end glued
/// text when its words are at least `min_suffix` characters long.
pub fn match_folded(text: &Folded, label: &Folded) -> Option<MatchQuality> {
    match_folded_suffix(text, label, 4)
}

/// [`match_folded`] with the shortest label that may end glued text.
pub fn match_folded_suffix(
    text: &Folded,
    label: &Folded,
    min_suffix: usize,
) -> Option<MatchQuality> {
    let (t, l) = (text.text.as_bytes(), label.text.as_bytes());
    // This runs for every label of the template against every short text of every report:
    // each comparison first looks at the one byte most likely to differ.
    let (Some(&t_last), Some(&l_last)) = (t.last(), l.last()) else {
        return (t == l).then_some(MatchQuality::Exact);
    };
    if t_last == l_last && t == l {
        return Some(MatchQuality::Exact);
    }
    if t.len() > l.len() && t[l.len()] == b'(' && t.starts_with(l) {
        return Some(MatchQuality::Qualified);
    }
    if text.body_chars >= 5
        && l.len() > t.len()
        && l[t.len() - 1] == t_last
        && l.starts_with(t)
        && (text.numbering() == label.numbering() || text.numbering_len == 0)
    {
        return Some(MatchQuality::Prefix);
    }
    if label.body_chars >= 4
        && t.len() - text.numbering_len == l.len() - label.numbering_len
        && t_last == l_last
        && text.body() == label.body()
    {
        return Some(MatchQuality::Body);
    }
    // Web text glues headers and labels together: "…总计商业企业…其他一、本年新收…数量".
    if label.body_chars >= min_suffix && t.len() > l.len() && t_last == l_last && t.ends_with(l) {
        return Some(MatchQuality::Suffix);
    }
    if text.body_chars >= 6
        && text.body_chars < label.body_chars
        && 4 * text.body_chars >= 3 * label.body_chars
        && t_last == l_last
        && text.numbering() == label.numbering()
        && is_gapped(text.body(), label.body())
    {
        return Some(MatchQuality::Gapped);
    }
    None
}

/// True when `short` is `long` with characters left out (not at either end).
fn is_gapped(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().next() == long.chars().next()
        && short.chars().next_back() == long.chars().next_back()
        && short.chars().all(|c| rest.any(|l| l == c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Templates;
    use crate::text::fold_label;

    #[test]
    fn the_screen_never_drops_a_label_that_would_match() {
        // Texts: every text of the samples, and every label cut, qualified, renumbered and
        // glued to other text, against every label of both templates, for each `min_suffix`.
        let templates = Templates::embedded().unwrap();
        let labels: Vec<&Folded> = templates
            .all
            .iter()
            .flat_map(|t| [&t.active, &t.applications, &t.review])
            .flat_map(|spec| spec.folded.aliases.iter().map(|(_, f)| f))
            .collect();
        let mut texts: Vec<String> = Vec::new();
        for entry in std::fs::read_dir("assets/samples").unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for t in crate::tokenize::tokenize(&text) {
                texts.push(fold_label(&text[t.span]));
            }
        }
        for l in &labels {
            let l = &l.text;
            let cut: String = l
                .chars()
                .take(l.chars().count().saturating_sub(3))
                .collect();
            // With one character inside the label left out (a gapped label).
            let chars: Vec<char> = l.chars().collect();
            let gapped: String = chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != chars.len() / 2)
                .map(|(_, c)| c)
                .collect();
            texts.extend([
                l.clone(),
                cut,
                gapped,
                format!("{l}(区分处理的)"),
                format!("其他{l}"),
                format!("(九){}", split_numbering(l).1),
            ]);
        }
        let mut matched = 0;
        for t in texts.iter().filter(|t| !t.is_empty()) {
            let text = Folded::new(t.clone());
            let probe = text.probe();
            for label in &labels {
                for min_suffix in [2, 4] {
                    if let Some(q) = match_folded_suffix(&text, label, min_suffix) {
                        matched += 1;
                        assert!(label.may_match(&probe), "{t} / {}: {q:?}", label.text);
                    }
                }
            }
        }
        assert!(matched > 1000, "{matched}");
    }

    #[test]
    fn label_matching() {
        let f = |s: &str| fold_label(s);
        assert_eq!(
            match_label(&f("（一）予以公开"), &f("(一)予以公开")),
            Some(MatchQuality::Exact)
        );
        assert_eq!(
            match_label(
                &f("(二)部分公开(区分处理的,只计一情形,不计其他情形)"),
                &f("(二)部分公开")
            ),
            Some(MatchQuality::Qualified)
        );
        assert_eq!(
            match_label(
                &f("5.要求行政机关确认或重新出"),
                &f("5.要求行政机关确认或重新出具已获取信息")
            ),
            Some(MatchQuality::Prefix)
        );
        assert_eq!(
            match_label(&f("予以公开"), &f("(一)予以公开")),
            Some(MatchQuality::Body)
        );
        // Characters lost inside a label: three quarters of them (9 of 12) are enough, and
        // six of eight.
        for (text, label) in [
            ("2.其他法律行政止公开", "2.其他法律行政法规禁止公开"),
            ("2.其他法律法规止公开", "2.其他法律行政法规禁止公开"),
            ("行政许可决定", "行政许可处理决定"),
        ] {
            let q = match_label(&f(text), &f(label));
            assert_eq!(q, Some(MatchQuality::Gapped), "{text}");
        }
        // Not with another enumeration, an end missing, too little of the label left (8 of
        // 12), or fewer than six characters.
        for (text, label) in [
            ("3.其他法律行政止公开", "2.其他法律行政法规禁止公开"),
            ("2.他法律行政法规禁止公开", "2.其他法律行政法规禁止公开"),
            ("2.其他法律行政法规禁止公", "2.其他法律行政法规禁止公开"),
            ("2.其他法律规止公开", "2.其他法律行政法规禁止公开"),
            ("1.属国家秘密", "1.属于国家秘密"),
        ] {
            let q = match_label(&f(text), &f(label));
            assert!(q.is_none_or(|q| q != MatchQuality::Gapped), "{text}: {q:?}");
        }
        assert_eq!(match_label(&f("其他"), &f("3.其他")), None);
        assert_eq!(match_label(&f("规范性文件"), &f("行政规范性文件")), None);
    }
}
