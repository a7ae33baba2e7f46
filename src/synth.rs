//! Synthetic reports: tables that are consistent by construction, printed in any of the text
//! layouts real reports use. The property tests and the throughput benchmark build on them;
//! nothing in the parser knows about this module.

use crate::template::{Key, TableKey, Template, key_matches};

/// The text layouts of the template spec that synthetic reports can be printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One cell per line, tab-indented, rows separated by an empty line.
    A,
    /// One row per line, cells separated by " | ".
    B,
    /// Tab-separated rows.
    C,
    /// One cell per line ending in " |", row ends marked by "| ||".
    D,
    /// PDF text: label and space-separated numbers on one line.
    F,
    /// Web text: every table on one line, cells run together ("予以公开6000017").
    E,
    /// An HTML page: one `<tr>` per row, blank cells as `&nbsp;`.
    G,
    /// Markdown as converters write it: pipe tables with generated headers ("数据1 …"), cut
    /// every few rows by a page footer and a new header (a row cut there keeps its label above
    /// the break and its cells below), blank cells as empty fields ("||").
    H,
}

impl Layout {
    /// The layouts that keep every cell separate (E does not: see [`crate::split`]).
    pub const ALL: [Layout; 7] = [
        Layout::A,
        Layout::B,
        Layout::C,
        Layout::D,
        Layout::F,
        Layout::G,
        Layout::H,
    ];
}

/// Numbers for every data row of a template, keyed like the parsed report.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    /// (table, row key, cells); a `None` cell is printed blank.
    pub rows: Vec<(TableKey, Key, Vec<Option<i64>>)>,
}

impl Tables {
    pub fn get(&self, table: TableKey, row: &str) -> Option<&Vec<Option<i64>>> {
        self.rows
            .iter()
            .find(|(t, r, _)| *t == table && *r == row)
            .map(|(_, _, c)| c)
    }

    pub fn get_mut(&mut self, table: TableKey, row: &str) -> Option<&mut Vec<Option<i64>>> {
        self.rows
            .iter_mut()
            .find(|(t, r, _)| *t == table && *r == row)
            .map(|(_, _, c)| c)
    }
}

/// A small deterministic generator (SplitMix64), so corpora are reproducible without a crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A count as reports have them: mostly 0, sometimes small, rarely large.
    pub fn count(&mut self) -> i64 {
        match self.below(10) {
            0..=5 => 0,
            6..=8 => self.below(20) as i64,
            _ => self.below(2000) as i64,
        }
    }
}

/// Tables for `template` whose every relation holds.
pub fn consistent(template: &Template, rng: &mut Rng) -> Tables {
    let mut rows = Vec::new();
    for r in &template.active.rows {
        if r.optional {
            continue;
        }
        let cells = template
            .active
            .row_columns(r)
            .iter()
            .map(|_| Some(rng.below(500) as i64))
            .collect();
        rows.push((TableKey::Active, r.key, cells));
    }
    let apps = &template.applications;
    let ncol = apps.columns.iter().filter(|c| !c.optional).count();
    let applicants = ncol - 1;
    let results: Vec<&str> = apps
        .rows
        .iter()
        .filter(|r| {
            !r.optional && !matches!(r.key, "new" | "carried_over" | "total" | "carried_forward")
        })
        .map(|r| r.key)
        .collect();
    let mut grid: Vec<(String, Vec<i64>)> = Vec::new();
    let mut total = vec![0i64; applicants];
    for key in &results {
        let v: Vec<i64> = (0..applicants)
            .map(|c| {
                if c == 0 || rng.below(4) == 0 {
                    rng.count()
                } else {
                    0
                }
            })
            .collect();
        for (t, x) in total.iter_mut().zip(&v) {
            *t += x;
        }
        grid.push((key.to_string(), v));
    }
    let forward: Vec<i64> = (0..applicants)
        .map(|_| {
            if rng.below(3) == 0 {
                rng.below(10) as i64
            } else {
                0
            }
        })
        .collect();
    let over: Vec<i64> = (0..applicants)
        .map(|c| rng.below((total[c] + forward[c]) as u64 + 1) as i64)
        .collect();
    let new: Vec<i64> = (0..applicants)
        .map(|c| total[c] + forward[c] - over[c])
        .collect();
    let with_total = |v: Vec<i64>| -> Vec<Option<i64>> {
        let s: i64 = v.iter().sum();
        v.into_iter().chain(std::iter::once(s)).map(Some).collect()
    };
    for r in apps.rows.iter().filter(|r| !r.optional) {
        let v = match r.key {
            "new" => new.clone(),
            "carried_over" => over.clone(),
            "total" => total.clone(),
            "carried_forward" => forward.clone(),
            k => grid
                .iter()
                .find(|(g, _)| g == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| vec![0; applicants]),
        };
        rows.push((TableKey::Applications, r.key, with_total(v)));
    }
    for r in &template.review.rows {
        let parts: Vec<i64> = (0..template.review.columns.len() - 1)
            .map(|_| rng.below(4) as i64)
            .collect();
        rows.push((TableKey::Review, r.key, with_total(parts)));
    }
    Tables { rows }
}

/// Prints a whole report (title, narrative, the three tables) in `layout`.
pub fn render(
    template: &Template,
    tables: &Tables,
    layout: Layout,
    agency: &str,
    year: i32,
) -> String {
    let mut w = Writer {
        layout,
        out: String::with_capacity(8192),
        in_table: false,
        table_rows: 0,
    };
    if layout == Layout::G {
        w.out.push_str(&format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{agency}{year}年政府信息公开工作年度报告</title></head>\n<body>\n"
        ));
    }
    w.para(&format!(
        "{agency}{year}年政府信息公开工作年度报告\n\n一、总体情况\n"
    ));
    w.para(&format!(
        "{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息1200条。\n\n"
    ));
    w.para("二、主动公开政府信息情况\n");
    for r in &template.active.rows {
        let Some(cells) = tables.get(TableKey::Active, r.key) else {
            continue;
        };
        w.text_row(&["第二十条第（一）项"]);
        let mut header = vec!["信息内容"];
        for c in template.active.row_columns(r) {
            header.push(
                template
                    .active
                    .column(c)
                    .and_then(|c| c.labels.first())
                    .map_or("", String::as_str),
            );
        }
        w.text_row(&header);
        w.row(&r.labels[0], cells);
    }
    w.para("三、收到和处理政府信息公开申请情况\n");
    w.text_row(&[
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
    ]);
    let cols: Vec<&str> = template
        .applications
        .columns
        .iter()
        .filter(|c| !c.optional)
        .map(|c| c.labels[0].as_str())
        .collect();
    w.text_row(&cols);
    let groups = [
        ("granted", "三、本年度办理结果"),
        ("withheld.state_secret", "（三）不予公开"),
        ("unavailable.not_held", "（四）无法提供"),
        ("not_processed.petition", "（五）不予处理"),
        ("other.overdue_correction", "（六）其他处理"),
    ];
    for r in template.applications.rows.iter().filter(|r| !r.optional) {
        let Some(cells) = tables.get(TableKey::Applications, r.key) else {
            continue;
        };
        if let Some((_, g)) = groups.iter().find(|(k, _)| key_matches(k, r.key)) {
            w.text_row(&[g]);
        }
        w.row(&r.labels[0], cells);
    }
    w.para("四、政府信息公开行政复议、行政诉讼情况\n");
    w.text_row(&["行政复议", "行政诉讼"]);
    let heads: Vec<&str> = template
        .review
        .columns
        .iter()
        .map(|c| c.labels[0].as_str())
        .collect();
    w.text_row(&heads);
    let all: Vec<Option<i64>> = template
        .review
        .rows
        .iter()
        .flat_map(|r| {
            tables
                .get(TableKey::Review, r.key)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    w.cells(&all);
    w.para(
        "\n五、存在的主要问题及改进情况\n一是公开质量有待提高。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n",
    );
    if layout == Layout::G {
        w.out.push_str("</body></html>\n");
    }
    w.out
}

struct Writer {
    layout: Layout,
    out: String,
    /// Layouts G and H: a table is open.
    in_table: bool,
    /// Layout H: rows printed in the open table (a page break comes every few).
    table_rows: usize,
}

impl Writer {
    fn cell(c: &Option<i64>) -> String {
        c.map_or(String::new(), |v| v.to_string())
    }

    /// Narrative text (headings, paragraphs).
    fn para(&mut self, text: &str) {
        if self.layout == Layout::H && self.in_table {
            self.out.push('\n');
            self.in_table = false;
        }
        if self.layout != Layout::G {
            self.out.push_str(text);
            return;
        }
        if self.in_table {
            self.out.push_str("</tbody></table>\n");
            self.in_table = false;
        }
        for line in text.lines().filter(|l| !l.is_empty()) {
            self.out.push_str(&format!(
                "<p style=\"text-indent:2em\"><span>{line}</span></p>\n"
            ));
        }
    }

    /// Layout G: one table row of cells given as HTML.
    fn tr<S: AsRef<str>>(&mut self, cells: &[S]) {
        if !self.in_table {
            self.out
                .push_str("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\"><tbody>\n");
            self.in_table = true;
        }
        self.out.push_str("<tr>");
        for c in cells {
            self.out.push_str(&format!(
                "<td><p align=\"center\"><span>{}</span></p></td>",
                c.as_ref()
            ));
        }
        self.out.push_str("</tr>\n");
    }

    /// Layout H: one table row of fields, after a generated header when a table starts, and a
    /// page footer with a new header every nine rows (a table cut across pages; see `row`).
    fn md_row<S: AsRef<str>>(&mut self, fields: &[S]) {
        let header = |n: usize| {
            let names: Vec<String> = (1..=n).map(|i| format!("数据{i}")).collect();
            format!("| {} |\n|{}\n", names.join(" | "), "---|".repeat(n))
        };
        if !self.in_table || self.table_rows == 9 {
            if self.in_table {
                self.out.push_str("— 3 —\n");
            }
            self.out.push_str(&header(fields.len()));
            self.in_table = true;
            self.table_rows = 0;
        }
        self.table_rows += 1;
        self.out.push('|');
        for f in fields {
            match f.as_ref() {
                "" => self.out.push('|'),
                f => self.out.push_str(&format!(" {f} |")),
            }
        }
        self.out.push('\n');
    }

    fn html_cell(c: &Option<i64>) -> String {
        c.map_or("&nbsp;".to_string(), |v| v.to_string())
    }

    fn text_row(&mut self, texts: &[&str]) {
        let o = &mut self.out;
        match self.layout {
            Layout::A => {
                for t in texts {
                    o.push_str(&format!("\t{t}\n"));
                }
                o.push('\n');
            }
            Layout::B => o.push_str(&format!("{} | |||\n", texts.join(" | "))),
            Layout::C => o.push_str(&format!("{}\t\t\n", texts.join("\t"))),
            Layout::D => {
                for t in texts {
                    o.push_str(&format!("{t} |\n"));
                }
            }
            Layout::F => o.push_str(&format!("{}\n", texts.join(" "))),
            Layout::E => o.push_str(&texts.concat()),
            Layout::G => self.tr(texts),
            Layout::H => self.md_row(texts),
        }
    }

    fn row(&mut self, label: &str, cells: &[Option<i64>]) {
        match self.layout {
            Layout::A => {
                self.out.push_str(&format!("\t{label}\n"));
                self.cells(cells);
            }
            Layout::B => {
                let c: Vec<String> = cells
                    .iter()
                    .map(|c| format!(" {} ", Self::cell(c)))
                    .collect();
                self.out
                    .push_str(&format!("{label} |{}| ||\n", c.join("|")));
            }
            Layout::C => {
                let c: Vec<String> = cells.iter().map(Self::cell).collect();
                self.out.push_str(&format!("{label}\t{}\t\n", c.join("\t")));
            }
            Layout::D => {
                self.out.push_str(&format!("{label} |\n"));
                self.cells(cells);
            }
            Layout::F => {
                // PDF text cannot show a blank cell; print it as 0.
                let c: Vec<String> = cells.iter().map(|c| c.unwrap_or(0).to_string()).collect();
                self.out.push_str(&format!("{label} {}\n", c.join(" ")));
            }
            Layout::E => {
                let c: Vec<String> = cells.iter().map(|c| c.unwrap_or(0).to_string()).collect();
                self.out.push_str(&format!("{label}{}", c.concat()));
            }
            Layout::G => {
                let mut c = vec![label.to_string()];
                c.extend(cells.iter().map(Self::html_cell));
                self.tr(&c);
            }
            Layout::H => {
                let c: Vec<String> = cells.iter().map(Self::cell).collect();
                if self.in_table && self.table_rows == 9 {
                    // Cut at this row: its label is left above the page break, as text, and
                    // its cells open the next piece of the table.
                    self.out.push_str(&format!("{label}\n— 3 —\n"));
                    self.in_table = false;
                    self.md_row(&c);
                } else {
                    let mut fields = vec![label.to_string()];
                    fields.extend(c);
                    self.md_row(&fields);
                }
            }
        }
    }

    fn cells(&mut self, cells: &[Option<i64>]) {
        let o = &mut self.out;
        match self.layout {
            Layout::A => {
                for c in cells {
                    o.push_str(&format!(
                        "\t{}\n",
                        c.map_or("\u{a0}".to_string(), |v| v.to_string())
                    ));
                }
                o.push('\n');
            }
            Layout::B => {
                let c: Vec<String> = cells.iter().map(Self::cell).collect();
                o.push_str(&format!("{} |\n", c.join(" | ")));
            }
            Layout::C => {
                let c: Vec<String> = cells.iter().map(Self::cell).collect();
                o.push_str(&format!("{}\n", c.join("\t")));
            }
            Layout::D => {
                for (i, c) in cells.iter().enumerate() {
                    let end = if i + 1 == cells.len() { " | ||" } else { " |" };
                    o.push_str(&format!("{}{end}\n", Self::cell(c)));
                }
            }
            Layout::F => {
                let c: Vec<String> = cells.iter().map(|c| c.unwrap_or(0).to_string()).collect();
                o.push_str(&format!("{}\n", c.join(" ")));
            }
            Layout::E => {
                let c: Vec<String> = cells.iter().map(|c| c.unwrap_or(0).to_string()).collect();
                o.push_str(&format!("{} ", c.concat()));
            }
            Layout::G => {
                let c: Vec<String> = cells.iter().map(Self::html_cell).collect();
                self.tr(&c);
            }
            Layout::H => {
                let c: Vec<String> = cells.iter().map(Self::cell).collect();
                self.md_row(&c);
            }
        }
    }
}

/// Tables for the year after `previous`'s, consistent in themselves and with it: this year's
/// 上年结转 is last year's 结转下年度继续办理 in every column, and (2021 template) table 二's
/// 现行有效件数 is last year's + 制发 − 废止. The year-over-year tests build series from these.
pub fn next_year(template: &Template, previous: &Tables, rng: &mut Rng) -> Tables {
    let apps = TableKey::Applications;
    let mut t = consistent(template, rng);
    let (Some(before), Some(total)) = (
        previous.get(apps, "carried_forward").cloned(),
        t.get(apps, "total").cloned(),
    ) else {
        return t;
    };
    let n = before.len().min(total.len());
    if n == 0 {
        return t;
    }
    let last = n - 1;
    let at = |v: &[Option<i64>], i: usize| v.get(i).copied().flatten().unwrap_or(0);
    let mut forward = t.get(apps, "carried_forward").cloned().unwrap_or_default();
    // 新收 = 总计 + 结转下年 − 上年结转 must not go below 0: carry more forward where it would.
    for c in 0..last {
        let d = at(&total, c) + at(&forward, c) - at(&before, c);
        if d < 0 && c < forward.len() && last < forward.len() {
            forward[c] = Some(at(&forward, c) - d);
            forward[last] = Some(at(&forward, last) - d);
        }
    }
    let new: Vec<Option<i64>> = (0..n)
        .map(|c| Some(at(&total, c) + at(&forward, c) - at(&before, c)))
        .collect();
    if let Some(r) = t.get_mut(apps, "carried_over") {
        *r = before;
    }
    if let Some(r) = t.get_mut(apps, "carried_forward") {
        *r = forward;
    }
    if let Some(r) = t.get_mut(apps, "new") {
        *r = new;
    }
    if template.id == "2021" {
        for row in ["rules", "normative_docs"] {
            let prev = previous
                .get(TableKey::Active, row)
                .and_then(|v| v.get(2).copied().flatten())
                .unwrap_or(0);
            if let Some(r) = t.get_mut(TableKey::Active, row)
                && r.len() == 3
            {
                let issued = r[0].unwrap_or(0);
                let repealed = r[1].unwrap_or(0).min(prev + issued);
                r[1] = Some(repealed);
                r[2] = Some(prev + issued - repealed);
            }
        }
    }
    t
}
