//! Every cell of every table of the five bundled real reports, as printed in the report.
//!
//! Expectations were read off the source files by eye (see the layout notes beside each):
//! `_` is a blank cell, quoted text is a non-numeric cell, numbers are the derived values.

use std::path::Path;

use gouji::audit::{Audit, ReadOptions, audit_file};
use gouji::checker::Severity;
use gouji::export::cell_json;
use gouji::template::{TableKey, Templates};

/// Audits `name` under `dir` of the repository, as `gouji check` would.
fn audit_in(dir: &str, name: &str) -> Audit {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(name);
    audit_file(
        &path,
        &Templates::embedded().unwrap(),
        &ReadOptions::default(),
    )
}

/// A bundled sample report.
/// The findings on the tables, without those on the narrative and the sections (which
/// excerpts of real reports, as these fixtures are, have for their missing sections).
fn table_findings(a: &Audit) -> Vec<&gouji::checker::Finding> {
    a.findings
        .iter()
        .filter(|f| {
            ![
                "narrative_table",
                "missing_section",
                "section_problems",
                "section_fees",
                "period_year",
            ]
            .contains(&f.rule)
        })
        .collect()
}

fn audit(name: &str) -> Audit {
    audit_in("assets/samples", name)
}

/// A test fixture.
fn fixture(name: &str) -> Audit {
    audit_in("tests/fixtures", name)
}

/// Compares every cell of the audited report with the expectation text.
fn assert_cells(a: &Audit, expected: &str) {
    let report = a.report.as_ref().expect("report parsed");
    let mut seen = 0;
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.split(' ');
        let table = parts.next().unwrap();
        if table == "meta" {
            let meta: Vec<&str> = parts.collect();
            let got = [
                format!("template={}", report.template.as_deref().unwrap_or("-")),
                format!("year={}", report.year.map_or("-".into(), |y| y.to_string())),
                format!("agency={}", report.agency.as_deref().unwrap_or("-")),
            ];
            assert_eq!(
                meta,
                got.iter().map(String::as_str).collect::<Vec<_>>(),
                "{}",
                a.path.display()
            );
            continue;
        }
        let key = TableKey::parse(table).unwrap();
        let row_key = parts.next().unwrap();
        let want: Vec<String> = parts.map(|p| p.replace("\\u0020", " ")).collect();
        let row = report
            .table(key)
            .unwrap()
            .row(row_key)
            .unwrap_or_else(|| panic!("{table}.{row_key} missing"));
        let got: Vec<String> = row
            .cells
            .iter()
            .map(|c| match cell_json(c.as_ref()) {
                serde_json::Value::Null => "_".to_string(),
                v => v.to_string(),
            })
            .collect();
        assert_eq!(got, want, "{}: {table}.{row_key}", a.path.display());
        seen += 1;
    }
    // Every row of the report was listed: nothing parsed that the expectation ignores.
    let rows: usize = report.tables.iter().map(|t| t.rows.len()).sum();
    assert_eq!(
        seen,
        rows,
        "{}: expectation lists {seen} rows, report has {rows}",
        a.path.display()
    );
    // Every cell points at its own text in the source.
    for t in &report.tables {
        for r in &t.rows {
            for c in r.cells.iter().flatten() {
                let at = &report.text[c.span.clone()];
                assert!(
                    c.raw.is_empty() || at == c.raw,
                    "{}: span {:?} holds {at:?}, raw {:?}",
                    a.path.display(),
                    c.span,
                    c.raw
                );
            }
        }
    }
}

/// An error finding as the tests compare it: rule, first cell, found, expected.
type ErrorSummary<'a> = (&'a str, (&'a str, &'a str), Option<f64>, Option<f64>);

fn errors(a: &Audit) -> Vec<&gouji::checker::Finding> {
    a.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

fn raw(a: &Audit, table: TableKey, row: &str, col: &str) -> String {
    a.report
        .as_ref()
        .unwrap()
        .table(table)
        .unwrap()
        .cell(row, col)
        .unwrap()
        .raw
        .clone()
}
const S000: &str = r#"
meta template=2019 year=2019 agency=文峰区人民政府
active rules 0 0 0
active normative_docs 1 1 1
active licensing 90 29 1313
active other_services 349 167 898
active penalty 1513 166 123
active enforcement 58 -11 0
active fees 6 0
active procurement 81 53
applications new 44 _ _ _ _ _ 44
applications carried_over 0 _ _ _ _ _ _
applications granted 14 _ _ _ _ _ 14
applications partial 2 _ _ _ _ _ 2
applications withheld.state_secret 0 _ _ _ _ _ _
applications withheld.law_prohibited 0 _ _ _ _ _ _
applications withheld.three_safety 0 _ _ _ _ _ _
applications withheld.third_party 0 _ _ _ _ _ _
applications withheld.internal_affairs 0 _ _ _ _ _ _
applications withheld.process_info 0 _ _ _ _ _ _
applications withheld.enforcement_file 0 _ _ _ _ _ _
applications withheld.inquiry 0 _ _ _ _ _ _
applications unavailable.not_held 2 _ _ _ _ _ 2
applications unavailable.needs_creation 16 _ _ _ _ _ 16
applications unavailable.unclear 0 _ _ _ _ _ _
applications not_processed.petition 1 _ _ _ _ _ 1
applications not_processed.duplicate 0 _ _ _ _ _ _
applications not_processed.publication 0 _ _ _ _ _ _
applications not_processed.excessive 0 _ _ _ _ _ _
applications not_processed.confirm 0 _ _ _ _ _ _
applications other 9 _ _ _ _ _ 9
applications total 43 _ _ _ _ _ 43
applications carried_forward 0 _ _ _ _ _ _
review reconsideration _ _ _ 9 9
review litigation_direct 6 1 1 0 8
review litigation_after 0 0 0 0 0
"#;
const S001: &str = r#"
meta template=2019 year=2020 agency=郑州市二七区建设和交通局
active rules 0 0 0
active normative_docs 0 0 0
active licensing 199 "[bookmark:\u0020_GoBack]－" 60
active other_services 0 0 0
active penalty 0 0 0
active enforcement 0 0 0
active fees 0 0
active procurement 25 56742.1644
applications new 29 0 0 0 0 0 29
applications carried_over 0 0 0 0 0 0 0
applications granted 14 0 0 0 0 0 14
applications partial 0 0 0 0 0 0 0
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 1 0 0 0 0 0 1
applications withheld.process_info 2 0 0 0 0 0 2
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 12 0 0 0 0 0 12
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other 0 0 0 0 0 0 0
applications total 29 0 0 0 0 0 29
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 0 0 0 0 0
review litigation_direct 0 0 0 0 0
review litigation_after 0 0 0 0 0
"#;
// 002 has no title line: its agency is the one its opening sentence names ("2020年,綦江区严格按照…").
const S002: &str = r#"
meta template=2019 year=2020 agency=綦江区
active rules 0 0 0
active normative_docs 20 20 225
active licensing 406 -47 182376
active other_services 773 -10 228990
active penalty 3428 -12 185497
active enforcement 156 -4 9712
active fees 20 -2
active procurement 172 10860.82
applications new 57 1 0 0 0 0 58
applications carried_over 0 0 0 0 0 0 0
applications granted 42 0 0 0 0 0 42
applications partial 7 0 0 0 0 0 7
applications withheld.state_secret 1 0 0 0 0 0 1
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 6 1 0 0 0 0 7
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 1 0 0 0 0 0 1
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other 0 0 0 0 0 0 0
applications total 57 1 0 0 0 0 58
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 0 1 2 0 3
review litigation_direct 0 0 0 0 0
review litigation_after 3 0 0 0 3
"#;
const S003: &str = r#"
meta template=2021 year=2023 agency=瀋河回族区人民政府办公室
active rules 0 0 0
active normative_docs 2 1 4
active licensing 0
active penalty 0
active enforcement 0
active fees 0
applications new 51 0 0 0 0 0 51
applications carried_over 0 0 0 0 0 0 0
applications granted 22 0 0 0 0 0 22
applications partial 0 0 0 0 0 0 0
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 11 0 0 0 0 0 11
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other.overdue_correction 4 0 0 0 0 0 4
applications other.overdue_fee 0 0 0 0 0 0 0
applications other.other 7 0 0 0 0 0 7
applications total 44 0 0 0 0 0 44
applications carried_forward 7 0 0 0 0 0 7
review reconsideration 0 0 0 0 0
review litigation_direct 0 0 0 0 0
review litigation_after 0 0 0 0 0
"#;
const S004: &str = r#"
meta template=2019 year=2019 agency=万东镇人民政府
active rules 0 0 0
active normative_docs 0 0 0
active licensing 0 3 3
active other_services 0 0 0
active penalty 0 0 0
active enforcement 0 0 0
active fees 0 0
active procurement 0 0
applications new 0 0 0 0 0 0 0
applications carried_over 0 0 0 0 0 0 0
applications granted 0 0 0 0 0 0 0
applications partial 0 0 0 0 0 0 0
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 0 0 0 0 0 0 0
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other 0 0 0 0 0 0 0
applications total 0 0 0 0 0 0 0
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 0 0 0 0 0
review litigation_direct 0 0 0 0 0
review litigation_after 0 0 0 0 0
"#;

/// Layout A (one cell per line, NBSP blanks), 2019 template, the real 总计 mismatch.
#[test]
fn sample_000_every_cell_and_the_total_mismatch() {
    let a = audit("000_baa44959fd9d628f.txt");
    assert_cells(&a, S000);
    assert_eq!(raw(&a, TableKey::Active, "licensing", "change"), "+29");
    assert_eq!(raw(&a, TableKey::Active, "enforcement", "change"), "－11");
    assert_eq!(
        raw(&a, TableKey::Active, "procurement", "purchase_amount"),
        "53万"
    );
    let errs = errors(&a);
    type Summary<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<f64>, Option<f64>);
    let summary: Vec<Summary> = errs
        .iter()
        .map(|f| {
            (
                f.rule,
                f.cells.iter().take(1).cloned().collect(),
                f.found,
                f.expected,
            )
        })
        .collect();
    let total = |c: &'static str| vec![("total", c)];
    assert_eq!(
        summary,
        vec![
            ("balance", total("natural"), Some(43.0), Some(44.0)),
            ("balance", total("total"), Some(43.0), Some(44.0)),
            ("results_sum", total("natural"), Some(43.0), Some(44.0)),
            ("results_sum", total("total"), Some(43.0), Some(44.0)),
        ]
    );
    for f in &errs {
        let s = f.suggestion.as_ref().expect("suggestion");
        assert_eq!((s.row, s.value), ("total", 44.0));
        assert_eq!(s.column, f.cells[0].1);
        assert_eq!(
            s.resolves,
            vec!["balance".to_string(), "results_sum".to_string()]
        );
    }
    // results_sum names the total cell and every result row of its column.
    let rs = errs
        .iter()
        .find(|f| f.rule == "results_sum" && f.cells[0].1 == "natural")
        .unwrap();
    // granted, partial, 8 withheld, 3 unavailable, 5 not_processed, other: 19 result rows.
    assert_eq!(rs.cells.len(), 1 + 19);
    // The finding points at line 342, where （七）总计's 自然人 cell stands.
    let r = a.report.as_ref().unwrap();
    assert_eq!(r.line_col(errs[0].span.clone().unwrap().start).0, 342);
}

/// Layout A with every blank written as 0, and Word residue in a cell.
#[test]
fn sample_001_every_cell() {
    let a = audit("001_4c36db1c4b6f0da5.txt");
    assert_cells(&a, S001);
    assert_eq!(
        raw(&a, TableKey::Active, "procurement", "purchase_count"),
        "25个"
    );
    assert_eq!(
        raw(&a, TableKey::Active, "procurement", "purchase_amount"),
        "56742.1644万元"
    );
    assert!(errors(&a).is_empty());
    let nn: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.rule == "non_numeric")
        .collect();
    assert_eq!(nn.len(), 1);
    assert_eq!(nn[0].cells, vec![("licensing", "change")]);
}

/// Layout B (pipes), no 三、本年度办理结果 row, heading printed after its table, no title.
#[test]
fn sample_002_every_cell() {
    let a = audit("002_68a8c5bdb68e9915.txt");
    assert_cells(&a, S002);
    assert!(a.findings.is_empty(), "{:?}", a.findings);
}

/// Layout C (tabs), 2021 template, merged label cells shifted, （六） split in three.
#[test]
fn sample_003_every_cell() {
    let a = audit("003_1160e2568716ca2c.txt");
    assert_cells(&a, S003);
    // Its tables add up; its narrative's 未收到 against 51 new is tests/narrative.rs's.
    assert!(table_findings(&a).is_empty(), "{:?}", a.findings);
    assert_eq!(a.findings.len(), 1, "{:?}", a.findings);
}

/// Layout D (one cell per line ending in " |").
#[test]
fn sample_004_every_cell() {
    let a = audit("004_4760a96778e8f996.txt");
    assert_cells(&a, S004);
    assert!(a.findings.is_empty(), "{:?}", a.findings);
}

/// Layout G: the report as a government site's HTML page (built from sample 003's text in the
/// markup such pages carry: merged label cells as `rowspan`/`colspan`, labels wrapped with
/// `<br/>` inside their cells, `<p><span>` around every cell, entities, scripts, styles, a
/// commented-out table). Every cell is 003's, and each points at its own text in the page.
#[test]
fn html_page_every_cell_and_positions_in_the_page() {
    let a = fixture("layout_g_html_table.html");
    assert_cells(&a, S003);
    assert!(table_findings(&a).is_empty(), "{:?}", a.findings);
    let report = a.report.as_ref().unwrap();
    assert!(report.origin.is_some(), "extracted from HTML");
    let page = std::fs::read_to_string(&a.path).unwrap();
    let lines: Vec<&str> = page.lines().collect();
    let mut cells = 0;
    for t in &report.tables {
        for r in &t.rows {
            for c in r.cells.iter().flatten() {
                let (l, col) = report.source_line_col(c.span.start);
                let at: String = lines[l - 1].chars().skip(col - 1).collect();
                assert!(
                    at.starts_with(&c.raw),
                    "{}/{} at {l}:{col} reads {at:?}",
                    r.key,
                    c.raw
                );
                cells += 1;
            }
        }
    }
    let text = audit("003_1160e2568716ca2c.txt");
    let in_text: usize = text
        .report
        .as_ref()
        .unwrap()
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .map(|r| r.cells.iter().flatten().count())
        .sum();
    assert_eq!(cells, in_text);
}

/// Layout E, from a real government web page: cells run together with no separator
/// (`（一）予以公开7000007`). Rows whose total decides the split are recovered and marked
/// inferred; table 二 has no arithmetic, so its glued rows stay empty with a warning.
#[test]
fn web_text_with_cells_run_together() {
    let a = fixture("web_text_cells_run_together.txt");
    assert_cells(&a, WEB);
    assert!(errors(&a).is_empty(), "{:?}", errors(&a));
    let report = a.report.as_ref().unwrap();
    let granted = report
        .table(TableKey::Applications)
        .unwrap()
        .row("granted")
        .unwrap();
    assert!(granted.cells.iter().flatten().all(|c| c.inferred));
    assert_eq!(granted.cells[0].as_ref().unwrap().raw, "7");
    let rules = |r: &str| a.findings.iter().filter(|f| f.rule == r).count();
    assert_eq!(
        rules("unsplit_digits"),
        7,
        "normative_docs, licensing, other_services, penalty, enforcement, fees, procurement"
    );
    assert_eq!(
        rules("inferred_split"),
        23 + 1 + 1,
        "every application row, table 四, and 规章000"
    );
}
const WEB: &str = r#"
meta template=2019 year=2019 agency=平潭综合实验区
active rules 0 0 0
active normative_docs _ _ _
active licensing _ _ _
active other_services _ _ _
active penalty _ _ _
active enforcement _ _ _
active fees _ _
active procurement _ _
applications new 23 0 0 0 0 0 23
applications carried_over 0 0 0 0 0 0 0
applications granted 7 0 0 0 0 0 7
applications partial 1 0 0 0 0 0 1
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 7 0 0 0 0 0 7
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 5 0 0 0 0 0 5
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 3 0 0 0 0 0 3
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other 0 0 0 0 0 0 0
applications total 23 0 0 0 0 0 23
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 0 0 0 0 0
review litigation_direct 0 0 0 0 0
review litigation_after 0 0 0 0 0
"#;

/// Layout F as some PDFs extract: labels wrap over several lines and a row's cells, centred
/// beside them, land on a line of their own above the label ("1 0 0 0 0 0 1" /
/// "年 3.危及“三安全一稳定”") or below a row already complete on its line. From a real report
/// (洪泽区 2024); its numbers add up. The one row whose label lost characters in extraction
/// ("2.其他法律行政止公开" for "2.其他法律行政法规禁止公开") gets its own cells, and a warning
/// that quotes the label as printed and names every cell it filled.
#[test]
fn pdf_text_with_cells_beside_wrapped_labels() {
    let a = fixture("pdf_text_cells_beside_wrapped_labels.txt");
    assert_cells(&a, PDF_BESIDE);
    let found: Vec<(&str, &str)> = table_findings(&a)
        .iter()
        .map(|f| (f.rule, f.cells[0].0))
        .collect();
    assert_eq!(found, vec![("gapped_label", "withheld.law_prohibited")]);
    let f = &a.findings[0];
    assert_eq!(
        f.message,
        "不予公开・法规禁止: label printed as “2.其他法律行政止公开”, \
         the template's is “2.其他法律行政法规禁止公开” (characters lost in extraction); check the \
         row's 7 cells against the source"
    );
    assert_eq!(f.cells.len(), 7);
    let report = a.report.as_ref().unwrap();
    assert_eq!(
        &report.text[f.span.clone().unwrap()],
        "2.其他法律行政止公开"
    );
}

/// The same layout in the agency's 2023 report, whose review table really prints 总计 0 beside
/// parts 10/1/0/0 and 5/0/0/0: exactly those two errors, nothing from misaligned rows.
#[test]
fn pdf_text_real_review_inconsistency_is_the_only_error() {
    let a = fixture("pdf_text_review_total_wrong.txt");
    let found: Vec<(&str, &str, Option<f64>, Option<f64>)> = a
        .findings
        .iter()
        .map(|f| (f.rule, f.cells[0].0, f.found, f.expected))
        .collect();
    assert_eq!(
        found,
        vec![
            ("review_sum", "reconsideration", Some(0.0), Some(11.0)),
            ("review_sum", "litigation_after", Some(0.0), Some(5.0)),
            ("gapped_label", "withheld.law_prohibited", None, None),
        ]
    );
}
/// A gapped label fills its row only until the row's own label comes: a line "行政事业收费 12"
/// (行政事业性收费 with 性 lost) two rows before the real one gives way to it, warning included.
#[test]
fn a_gapped_label_gives_way_to_the_rows_own_label() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf_text_cells_beside_wrapped_labels.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\n行政事业性收费 7545\n"));
    let templates = Templates::embedded().unwrap();
    let opts = ReadOptions::default();
    let fees = |text: &str| {
        let a = gouji::audit::audit_bytes(&path, text.as_bytes(), &templates, &opts);
        let report = a.report.as_ref().unwrap();
        let row = report.table(TableKey::Active).unwrap().row("fees").unwrap();
        let value = cell_json(row.cells[0].as_ref()).to_string();
        let gapped = a
            .findings
            .iter()
            .any(|f| f.rule == "gapped_label" && f.cells[0].0 == "fees");
        (value, gapped)
    };
    // Alone, the gapped label names the row, with a warning.
    let alone = text.replace("\n行政事业性收费 7545\n", "\n行政事业收费 12\n");
    assert_eq!(fees(&alone), ("12".to_string(), true));
    // Followed by the row's own label, the row is read from that one, and no warning is left.
    assert!(text.contains("\n行政处罚 2776\n"));
    let both = text.replace("\n行政处罚 2776\n", "\n行政事业收费 12\n行政处罚 2776\n");
    assert_eq!(fees(&both), ("7545".to_string(), false));
}

const PDF_BESIDE: &str = r#"
meta template=2021 year=2024 agency=淮安市洪泽区人民政府
active rules 0 0 0
active normative_docs 3 0 8
active licensing 9487
active penalty 2776
active enforcement 84
active fees 7545
applications new 95 0 0 0 0 0 95
applications carried_over 0 0 0 0 0 0 0
applications granted 50 0 0 0 0 0 50
applications partial 9 0 0 0 0 0 9
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 1 0 0 0 0 0 1
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 1 0 0 0 0 0 1
applications withheld.enforcement_file 1 0 0 0 0 0 1
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 31 0 0 0 0 0 31
applications unavailable.needs_creation 1 0 0 0 0 0 1
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 1 0 0 0 0 0 1
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other 0 0 0 0 0 0 0
applications other.overdue_correction _ _ _ _ _ _ _
applications other.overdue_fee _ _ _ _ _ _ _
applications other.other _ _ _ _ _ _ _
applications total 95 0 0 0 0 0 95
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 1 1 0 0 2
review litigation_direct 1 0 0 0 1
review litigation_after 2 0 1 0 3
"#;

/// Crawled web text whose spaces fall inside cells, not between them ("160 02 0 018" is 16 0 0
/// 2 0 0 18; table 四's "1 02 0 312 00 012 0 00 00" is 1 0 2 0 3 | 12 0 0 0 12 | 0 …): the
/// arithmetic decides where the cells end. The report (平潭 自然资源 2021) really prints （七）总计
/// 18/0 for 自然人/社会公益组织 where its result rows give 16/2: exactly those errors.
#[test]
fn web_text_spaces_inside_cells() {
    let a = fixture("web_text_spaces_inside_cells.txt");
    assert_cells(&a, SPACES_INSIDE);
    let found: Vec<ErrorSummary> = errors(&a)
        .iter()
        .map(|f| (f.rule, f.cells[0], f.found, f.expected))
        .collect();
    assert_eq!(
        found,
        vec![
            ("balance", ("total", "natural"), Some(18.0), Some(16.0)),
            (
                "balance",
                ("total", "public_interest"),
                Some(0.0),
                Some(2.0)
            ),
            ("results_sum", ("total", "natural"), Some(18.0), Some(16.0)),
            (
                "results_sum",
                ("total", "public_interest"),
                Some(0.0),
                Some(2.0)
            ),
        ]
    );
    assert!(a.findings.iter().all(|f| f.severity != Severity::Unchecked));
}
const SPACES_INSIDE: &str = r#"
meta template=2021 year=2021 agency=平潭综合实验区自然资源与生态环境局
active rules 0 0 0
active normative_docs _ _ _
active licensing 221
active penalty 20
active enforcement 0
active fees 0
applications new 16 0 0 2 0 0 18
applications carried_over 0 0 0 0 0 0 0
applications granted 12 0 0 2 0 0 14
applications partial 0 0 0 0 0 0 0
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 4 0 0 0 0 0 4
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 0 0 0 0 0 0 0
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other.overdue_correction 0 0 0 0 0 0 0
applications other.overdue_fee 0 0 0 0 0 0 0
applications other.other 0 0 0 0 0 0 0
applications total 18 0 0 0 0 0 18
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 1 0 2 0 3
review litigation_direct 12 0 0 0 12
review litigation_after 0 0 0 0 0
"#;

/// Web text where a row's 总计 runs into the next label's item number ("2600000 262.没有现成信息"
/// is 26 0 0 0 0 0 26, then "2.没有现成信息…"), and table 四 prints "01 0 1 20 0 0 0 0 0 0 0 00"
/// for fifteen one-digit cells: numbers as printed do not fit, cut they add up (平潭 自然资源 2022).
#[test]
fn web_text_total_glued_to_next_item_number() {
    let a = fixture("web_text_total_glued_to_next_item_number.txt");
    assert_cells(&a, GLUED_TO_ITEM);
    assert!(errors(&a).is_empty(), "{:?}", errors(&a));
    assert!(a.findings.iter().all(|f| f.severity != Severity::Unchecked));
    let report = a.report.as_ref().unwrap();
    let not_held = report
        .table(TableKey::Applications)
        .unwrap()
        .row("unavailable.not_held")
        .unwrap();
    assert!(not_held.cells.iter().flatten().all(|c| c.inferred));
    assert_eq!(not_held.cells[6].as_ref().unwrap().raw, "26");
}
const GLUED_TO_ITEM: &str = r#"
meta template=2021 year=2022 agency=平潭综合实验区自然资源与生态环境局
active rules 0 0 0
active normative_docs _ _ _
active licensing 202
active penalty 74
active enforcement 0
active fees 0
applications new 29 1 0 0 0 0 30
applications carried_over 0 0 0 0 0 0 0
applications granted 2 0 0 0 0 0 2
applications partial 1 1 0 0 0 0 2
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 26 0 0 0 0 0 26
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other.overdue_correction 0 0 0 0 0 0 0
applications other.overdue_fee 0 0 0 0 0 0 0
applications other.other 0 0 0 0 0 0 0
applications total 29 1 0 0 0 0 30
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 0 1 0 1 2
review litigation_direct 0 0 0 0 0
review litigation_after 0 0 0 0 0
"#;

/// Made from the same report: 予以公开 printed as "2000003", seven digits for seven cells, has
/// one reading (2 0 0 0 0 0 3) although it does not add up. It is read, and the checker reports
/// the report's inconsistency instead of staying silent.
#[test]
fn web_text_as_many_digits_as_cells_not_adding_up() {
    let a = fixture("web_text_as_many_digits_as_cells_not_adding_up.txt");
    assert_cells(&a, FORCED);
    let found: Vec<ErrorSummary> = errors(&a)
        .iter()
        .map(|f| (f.rule, f.cells[0], f.found, f.expected))
        .collect();
    assert_eq!(
        found,
        vec![
            ("results_sum", ("total", "total"), Some(30.0), Some(31.0)),
            ("row_total", ("granted", "total"), Some(3.0), Some(2.0)),
        ]
    );
    let forced: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.rule == "forced_split")
        .map(|f| f.cells[0].0)
        .collect();
    assert_eq!(forced, ["granted"]);
}
const FORCED: &str = r#"
meta template=2021 year=2022 agency=平潭综合实验区自然资源与生态环境局
active rules 0 0 0
active normative_docs _ _ _
active licensing 202
active penalty 74
active enforcement 0
active fees 0
applications new 29 1 0 0 0 0 30
applications carried_over 0 0 0 0 0 0 0
applications granted 2 0 0 0 0 0 3
applications partial 1 1 0 0 0 0 2
applications withheld.state_secret 0 0 0 0 0 0 0
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 26 0 0 0 0 0 26
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 0 0 0 0 0 0 0
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other.overdue_correction 0 0 0 0 0 0 0
applications other.overdue_fee 0 0 0 0 0 0 0
applications other.other 0 0 0 0 0 0 0
applications total 29 1 0 0 0 0 30
applications carried_forward 0 0 0 0 0 0 0
review reconsideration 0 1 0 1 2
review litigation_direct 0 0 0 0 0
review litigation_after 0 0 0 0 0
"#;

/// Sample 000 with one result row (1.属于国家秘密, its label and its cells) left out: the row is not
/// found, so （七）总计 = the result rows cannot be checked in any column (unread is not 0). The
/// report's real mismatch, 总计 + 结转下年 43 against 新收 + 上年结转 44, has every operand read and
/// stays an error; the results_sum errors of the intact sample become unchecked, naming the row.
#[test]
fn real_report_with_a_result_row_not_found_is_unchecked_not_wrong() {
    let a = fixture("real_report_result_row_missing.txt");
    let found: Vec<ErrorSummary> = errors(&a)
        .iter()
        .map(|f| (f.rule, f.cells[0], f.found, f.expected))
        .collect();
    assert_eq!(
        found,
        vec![
            ("balance", ("total", "natural"), Some(43.0), Some(44.0)),
            ("balance", ("total", "total"), Some(43.0), Some(44.0)),
        ]
    );
    let unchecked: Vec<(&str, Vec<(&str, &str)>)> = a
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Unchecked)
        .map(|f| (f.rule, f.unread.clone()))
        .collect();
    let cols = [
        "natural",
        "commercial",
        "research",
        "public_interest",
        "legal_service",
        "other_org",
        "total",
    ];
    assert_eq!(
        unchecked,
        cols.iter()
            .map(|c| ("results_sum", vec![("withheld.state_secret", *c)]))
            .collect::<Vec<_>>()
    );
    assert_eq!((a.errors(), a.unchecked()), (2, 7));
}

/// Layout H, from a real report (上海市人民政府办公厅 2025) as a PDF converter wrote it in
/// Markdown: the table cut into many small tables, each with its delimiter row and the first row
/// of the piece taken as its header, page footers between them, merged labels leaking into rows
/// ("| （三）不 | 4.保护第三方合法权益 | … |"), and the wrapped labels of two rows printed above
/// the piece ("5.要求行政机关确认或重新出具 / 已获取信息 / 1.申请人无正当理由逾期不补正、")
/// while their cells come later, unlabelled ("| 0 | 0 | … |") or beside a middle fragment of
/// the label ("| 行政机关不再处理其政府信息公 | 40 | … |"). Those two rows are placed between
/// their filled neighbours; the numbers then add up, with no error. (Table 二 really lost a cell
/// of 规章 and of 行政规范性文件 in conversion: two cell-count warnings, nothing guessed.)
#[test]
fn markdown_pipe_table_cut_across_pages() {
    let a = fixture("markdown_pipe_table_cut_across_pages.md");
    assert_cells(&a, MD_CUT);
    let report = a.report.as_ref().unwrap();
    assert_eq!(
        (report.template.as_deref(), report.year),
        (Some("2021"), Some(2025))
    );
    let found: Vec<&str> = table_findings(&a)
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        found,
        vec![
            "规章 has 2 of the 3 cells the template expects; the rest are left empty",
            "行政规范性文件 has 2 of the 3 cells the template expects; the rest are left empty",
            "不予处理・确认或重新出具: its label stands apart from its \
             cells; the cells printed between the rows around it were placed here by position; \
             check them against the source",
            "其他・逾期不补正: its label stands apart from its cells; \
             the cells printed between the rows around it were placed here by position; check \
             them against the source",
        ]
    );
    // The rows placed by position point at their own cells, and at the label fragment
    // printed beside them.
    let apps = report.table(TableKey::Applications).unwrap();
    let line_of = |span: std::ops::Range<usize>| {
        let start = report.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = report.text[span.end..]
            .find('\n')
            .map_or(report.text.len(), |i| span.end + i);
        &report.text[start..end]
    };
    let overdue = apps.row("other.overdue_correction").unwrap();
    assert_eq!(
        &report.text[overdue.label_span.clone().unwrap()],
        "行政机关不再处理其政府信息公"
    );
    assert_eq!(
        line_of(overdue.cells[0].as_ref().unwrap().span.clone()),
        "| 行政机关不再处理其政府信息公 | 40 | 1 | 0 | 0 | 2 | 0 | 43 |"
    );
    let confirm = apps.row("not_processed.confirm").unwrap();
    assert_eq!(
        line_of(confirm.cells[6].as_ref().unwrap().span.clone()),
        "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    );
}

const MD_CUT: &str = r#"
active rules 22 235 _
active normative_docs 34 189 _
active licensing 0
active penalty 0
active enforcement 0
active fees 0
applications new 1259 36 0 0 0 0 1295
applications carried_over 170 15 0 0 4 0 189
applications granted 201 5 0 0 0 0 206
applications partial 2 0 0 0 0 0 2
applications withheld.state_secret 4 0 0 0 0 0 4
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 1 0 0 0 0 0 1
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 8 0 0 0 1 0 9
applications withheld.process_info 1 0 0 0 0 0 1
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 5 0 0 0 0 0 5
applications unavailable.not_held 484 28 0 0 1 0 513
applications unavailable.needs_creation 47 1 0 0 0 0 48
applications unavailable.unclear 3 0 0 0 0 0 3
applications not_processed.petition 61 1 0 0 0 0 62
applications not_processed.duplicate 16 0 0 0 0 0 16
applications not_processed.publication 1 0 0 0 0 0 1
applications not_processed.excessive 1 0 0 0 0 0 1
applications not_processed.confirm 0 0 0 0 0 0 0
applications other.overdue_correction 40 1 0 0 2 0 43
applications other.overdue_fee 0 0 0 0 0 0 0
applications other.other 264 12 0 0 0 0 276
applications total 1139 48 0 0 4 0 1191
applications carried_forward 290 3 0 0 0 0 293
review reconsideration 40 0 10 5 55
review litigation_direct 2 0 4 6 12
review litigation_after 6 0 9 7 22
"#;

/// Layout H as converters also write it (the structure of the same real table): generated
/// headers ("| 数据1 | … | 数据8 |") on every piece of a table cut across pages, a page footer
/// as a row, blank cells written "||", a label printed above the piece that holds its cells
/// ("3.补正后申请内容仍不明确", then a generated header, then "| 1 | 0 | … |"), and labels
/// wrapped over two table rows — the first row holding the label's start and blank cells, the
/// next the rest of the label and the cells. Each row takes its own cells; the generated
/// headers give none (read as text they would be the cells "1 … 7" of the row above them).
#[test]
fn markdown_labels_wrapped_over_two_rows() {
    let a = fixture("markdown_labels_wrapped_over_two_rows.md");
    assert_cells(&a, MD_WRAPPED);
    let found: Vec<(&str, &str)> = table_findings(&a)
        .iter()
        .map(|f| (f.rule, f.cells[0].0))
        .collect();
    assert_eq!(
        found,
        vec![
            ("placed_by_position", "partial"),
            ("placed_by_position", "not_processed.confirm"),
            ("placed_by_position", "other.overdue_correction"),
            ("blank_cells", "withheld.state_secret")
        ]
    );
    let report = a.report.as_ref().unwrap();
    let partial = report
        .table(TableKey::Applications)
        .unwrap()
        .row("partial")
        .unwrap();
    assert_eq!(
        &report.text[partial.label_span.clone().unwrap()],
        "（二）部分公开（区分处理的，只计这一情",
        "the row keeps the label it was opened by"
    );
}

const MD_WRAPPED: &str = r#"
meta template=2021 year=2024 agency=某市某区人民政府
active rules 0 0 0
active normative_docs 3 1 12
active licensing 120
active penalty 45
active enforcement 2
active fees 0
applications new 11 0 0 0 0 0 11
applications carried_over 2 0 0 0 0 0 2
applications granted 5 0 0 0 0 0 5
applications partial 2 0 0 0 0 0 2
applications withheld.state_secret 1 _ _ _ _ _ 1
applications withheld.law_prohibited 0 0 0 0 0 0 0
applications withheld.three_safety 0 0 0 0 0 0 0
applications withheld.third_party 0 0 0 0 0 0 0
applications withheld.internal_affairs 0 0 0 0 0 0 0
applications withheld.process_info 0 0 0 0 0 0 0
applications withheld.enforcement_file 0 0 0 0 0 0 0
applications withheld.inquiry 0 0 0 0 0 0 0
applications unavailable.not_held 1 0 0 0 0 0 1
applications unavailable.needs_creation 0 0 0 0 0 0 0
applications unavailable.unclear 1 0 0 0 0 0 1
applications not_processed.petition 0 0 0 0 0 0 0
applications not_processed.duplicate 0 0 0 0 0 0 0
applications not_processed.publication 0 0 0 0 0 0 0
applications not_processed.excessive 0 0 0 0 0 0 0
applications not_processed.confirm 0 0 0 0 0 0 0
applications other.overdue_correction 1 0 0 0 0 0 1
applications other.overdue_fee 0 0 0 0 0 0 0
applications other.other 0 0 0 0 0 0 0
applications total 11 0 0 0 0 0 11
applications carried_forward 2 0 0 0 0 0 2
review reconsideration 1 0 0 0 1
review litigation_direct 0 0 0 1 1
review litigation_after 0 0 0 0 0
"#;

/// Rows are placed by position only when the unlabelled runs of cells between two filled rows
/// pair off with the rows left empty there: one run too many, or a run short of a cell, and
/// the rows of that gap stay unread (unknown, never guessed).
#[test]
fn rows_are_placed_by_position_only_when_runs_and_rows_pair_off() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown_labels_wrapped_over_two_rows.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let row = "| 已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n";
    assert!(text.contains(row));
    let templates = Templates::embedded().unwrap();
    let confirm = |text: &str| {
        let a =
            gouji::audit::audit_bytes(&path, text.as_bytes(), &templates, &ReadOptions::default());
        let report = a.report.as_ref().unwrap();
        let t = report.table(TableKey::Applications).unwrap();
        let cells = |key: &str| -> Vec<String> {
            t.row(key)
                .unwrap()
                .cells
                .iter()
                .map(|c| cell_json(c.as_ref()).to_string())
                .collect()
        };
        (
            cells("not_processed.confirm"),
            cells("other.overdue_correction"),
        )
    };
    let zeros: Vec<String> = vec!["0".into(); 7];
    let blanks: Vec<String> = vec!["null".into(); 7];
    assert_eq!(confirm(&text).0, zeros);
    let twice = text.replace(row, &format!("{row}| 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n"));
    assert_eq!(confirm(&twice).0, blanks, "two runs for one row");
    let short = text.replace(row, "| 已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 |\n");
    // The gap holds both wrapped rows: neither is placed when one run does not fit.
    assert_eq!(
        confirm(&short),
        (blanks.clone(), blanks),
        "a run short of a cell"
    );
}
