//! Exact findings of each relation on hand-built tables: one wrong number at a time.

use std::path::PathBuf;

use gouji::checker::{Finding, Severity, check};
use gouji::parser::parse_with;
use gouji::synth::{Layout, Rng, Tables, consistent, render};
use gouji::template::{TableKey, Templates};

fn findings(
    id: &str,
    year: i32,
    layout: Layout,
    edit: impl FnOnce(&mut Tables),
) -> (Tables, Vec<Finding>) {
    let ts = Templates::embedded().unwrap();
    let t = ts.get(id).unwrap();
    let mut tables = consistent(t, &mut Rng::new(7));
    let original = tables.clone();
    edit(&mut tables);
    let text = render(t, &tables, layout, "测试县人民政府", year);
    let parsed = parse_with(PathBuf::from("t.txt"), text, "UTF-8", t);
    (original, check(&parsed.report, t, &parsed.notes))
}

fn cell(t: &Tables, table: TableKey, row: &str, col: usize) -> i64 {
    t.get(table, row).unwrap()[col].unwrap_or(0)
}

fn errors(f: &[Finding]) -> Vec<(String, String)> {
    f.iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            (
                f.rule.to_string(),
                format!("{}/{}", f.cells[0].0, f.cells[0].1),
            )
        })
        .collect()
}

#[test]
fn consistent_tables_have_no_findings_at_all() {
    let (_, f) = findings("2021", 2022, Layout::B, |_| {});
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn wrong_result_cell_breaks_row_total_and_results_sum_and_is_suggested() {
    let (orig, f) = findings("2019", 2020, Layout::C, |t| {
        t.get_mut(TableKey::Applications, "granted").unwrap()[0] =
            Some(cell_of(t, "granted", 0) + 5);
    });
    let total_nat = cell(&orig, TableKey::Applications, "total", 0);
    assert_eq!(
        errors(&f),
        vec![
            ("results_sum".to_string(), "total/natural".to_string()),
            ("row_total".to_string(), "granted/total".to_string()),
        ]
    );
    let rs = f.iter().find(|f| f.rule == "results_sum").unwrap();
    assert_eq!(
        (rs.found, rs.expected),
        (Some(total_nat as f64), Some((total_nat + 5) as f64))
    );
    assert!(rs.cells.contains(&("granted", "natural")));
    for e in f.iter().filter(|f| f.severity == Severity::Error) {
        let s = e.suggestion.as_ref().expect("suggestion on both findings");
        assert_eq!((s.row, s.column), ("granted", "natural"));
        assert_eq!(
            s.value,
            cell(&orig, TableKey::Applications, "granted", 0) as f64
        );
    }
}

fn cell_of(t: &Tables, row: &str, col: usize) -> i64 {
    cell(t, TableKey::Applications, row, col)
}

#[test]
fn wrong_carried_forward_breaks_balance() {
    let (orig, f) = findings("2021", 2023, Layout::A, |t| {
        t.get_mut(TableKey::Applications, "carried_forward")
            .unwrap()[2] = Some(cell_of(t, "carried_forward", 2) + 2);
    });
    assert_eq!(
        errors(&f),
        vec![
            ("balance".to_string(), "total/research".to_string()),
            ("row_total".to_string(), "carried_forward/total".to_string()),
        ]
    );
    let b = f.iter().find(|f| f.rule == "balance").unwrap();
    let lhs = cell(&orig, TableKey::Applications, "total", 2)
        + cell(&orig, TableKey::Applications, "carried_forward", 2);
    assert_eq!(
        (b.found, b.expected),
        (Some((lhs + 2) as f64), Some(lhs as f64))
    );
    assert_eq!(b.suggestion.as_ref().unwrap().row, "carried_forward");
}

#[test]
fn wrong_review_total_breaks_review_sum() {
    let (orig, f) = findings("2019", 2019, Layout::D, |t| {
        let r = t.get_mut(TableKey::Review, "litigation_after").unwrap();
        r[4] = Some(r[4].unwrap() + 1);
    });
    assert_eq!(
        errors(&f),
        vec![(
            "review_sum".to_string(),
            "litigation_after/total".to_string()
        )]
    );
    let e = &f[0];
    let total = cell(&orig, TableKey::Review, "litigation_after", 4) as f64;
    assert_eq!((e.found, e.expected), (Some(total + 1.0), Some(total)));
    assert_eq!(e.cells.len(), 5);
    assert!(
        e.suggestion.is_none(),
        "one failing relation names no single cell"
    );
}

#[test]
fn soft_checks_are_warnings() {
    // A blank cell in layout A, and a 2019-template table in a 2022 report.
    let (_, f) = findings("2019", 2022, Layout::A, |t| {
        t.get_mut(TableKey::Applications, "partial").unwrap()[3] = None;
    });
    assert!(errors(&f).is_empty(), "blank counts as 0: {f:?}");
    let rules: Vec<&str> = f.iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["template_year", "blank_cells"]);
    assert_eq!(f[1].cells, vec![("partial", "public_interest")]);
}

#[test]
fn plausibility_of_table_two() {
    let (_, f) = findings("2019", 2020, Layout::B, |t| {
        let r = t.get_mut(TableKey::Active, "rules").unwrap();
        r[1] = Some(10);
        r[2] = Some(3); // 对外公开总数量 below 本年新公开数量
        let p = t.get_mut(TableKey::Active, "procurement").unwrap();
        p[0] = Some(0);
        p[1] = Some(12); // an amount without purchases
    });
    let w: Vec<(&str, &(&str, &str))> = f.iter().map(|f| (f.rule, &f.cells[0])).collect();
    assert_eq!(
        w,
        vec![
            ("active_plausibility", &("rules", "total_published")),
            ("active_plausibility", &("procurement", "purchase_count")),
        ]
    );
}

/// Sample 002 (layout B) reprinted with an 8th column, 法人或其他组织小计, after 其他: the
/// subtotal is read and checked, and the seven template columns are exported unchanged.
#[test]
fn the_org_subtotal_column_is_accepted_checked_and_not_exported() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples/002_68a8c5bdb68e9915.txt");
    let original = std::fs::read_to_string(&path).unwrap();
    let with_subtotal = |wrong_row: Option<&str>| -> String {
        let mut out = Vec::new();
        let mut in_table = false;
        for line in original.lines() {
            if line.starts_with("商业 企业") {
                out.push(line.replace("其他 |", "其他 | 小计 |"));
                continue;
            }
            in_table |= line.starts_with("一、本年新收");
            let cells: Vec<&str> = line.split(" | ").collect();
            if in_table && cells.len() >= 8 {
                // label(s), 7 numbers, then padding: insert the subtotal after the 6th number.
                let first = cells
                    .iter()
                    .position(|c| c.trim().parse::<i64>().is_ok())
                    .unwrap();
                let org: i64 = cells[first + 1..first + 6]
                    .iter()
                    .map(|c| c.trim().parse::<i64>().unwrap())
                    .sum();
                let sub = if wrong_row.is_some_and(|w| line.starts_with(w)) {
                    org + 3
                } else {
                    org
                };
                let mut v: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
                v.insert(first + 6, sub.to_string());
                out.push(v.join(" | "));
            } else {
                out.push(line.to_string());
            }
            in_table &= !line.starts_with("四、结转下年度");
        }
        out.join("\n")
    };
    let ts = Templates::embedded().unwrap();
    let audit = |text: String| {
        gouji::audit::audit_bytes(
            std::path::Path::new("x.txt"),
            text.as_bytes(),
            &ts,
            &Default::default(),
        )
    };
    let plain = audit(original.clone());
    let with = audit(with_subtotal(None));
    let report = with.report.as_ref().unwrap();
    let apps = report.table(TableKey::Applications).unwrap();
    assert_eq!(apps.extra_columns, vec!["org_subtotal".to_string()]);
    assert_eq!(apps.cell("new", "org_subtotal").unwrap().raw, "1");
    assert_eq!(apps.cell("new", "total").unwrap().raw, "58");
    assert!(with.findings.is_empty(), "{:?}", with.findings);
    // JSON: exactly what the report without the extra column gives, but for the file name.
    let j = |a: &gouji::audit::Audit| {
        let mut v = gouji::export::audit_json(a, "x.txt");
        v["findings"] = serde_json::json!([]);
        v
    };
    assert_eq!(j(&with), j(&plain));
    // A wrong subtotal is an error naming it.
    let wrong = audit(with_subtotal(Some("一、本年新收")));
    let errs: Vec<_> = wrong
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    // One wrong cell breaks its row (org_subtotal) and its column (balance); the suggestion
    // names it with the value that satisfies both.
    let rules: Vec<&str> = errs.iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["balance", "org_subtotal"], "{errs:?}");
    let sub = errs.iter().find(|f| f.rule == "org_subtotal").unwrap();
    assert_eq!(sub.cells[0], ("new", "org_subtotal"));
    assert_eq!((sub.found, sub.expected), (Some(4.0), Some(1.0)));
    for f in &errs {
        let s = f.suggestion.as_ref().unwrap();
        assert_eq!((s.row, s.column, s.value), ("new", "org_subtotal", 1.0));
    }
}

/// A library caller may build rows with keys of its own (not the template's interned copies):
/// relations and suggestions must not depend on which copy of a key a row holds.
#[test]
fn keys_not_from_the_template_still_get_suggestions() {
    let ts = Templates::embedded().unwrap();
    let t = ts.get("2019").unwrap();
    let mut tables = consistent(t, &mut Rng::new(7));
    let was = cell_of(&tables, "granted", 0);
    tables.get_mut(TableKey::Applications, "granted").unwrap()[0] = Some(was + 5);
    let text = render(t, &tables, Layout::A, "测试县人民政府", 2020);
    let mut parsed = parse_with(PathBuf::from("t.txt"), text, "UTF-8", t);
    let own = |k: &str| -> &'static str { Box::leak(k.to_string().into_boxed_str()) };
    for table in &mut parsed.report.tables {
        for row in &mut table.rows {
            row.key = own(row.key);
            for c in &mut row.columns {
                *c = own(c);
            }
        }
    }
    let f = check(&parsed.report, t, &parsed.notes);
    assert_eq!(
        errors(&f),
        vec![
            ("results_sum".to_string(), "total/natural".to_string()),
            ("row_total".to_string(), "granted/total".to_string()),
        ]
    );
    for e in f.iter().filter(|f| f.severity == Severity::Error) {
        let s = e.suggestion.as_ref().expect("suggestion on both findings");
        assert_eq!(
            (s.row, s.column, s.value),
            ("granted", "natural", was as f64)
        );
    }
}

/// A consistent table parsed, then changed as the parser leaves what it could not read.
fn unread_findings(edit: impl FnOnce(&mut gouji::report::Report)) -> Vec<Finding> {
    let ts = Templates::embedded().unwrap();
    let t = ts.get("2021").unwrap();
    let tables = consistent(t, &mut Rng::new(11));
    let text = render(t, &tables, Layout::B, "测试县人民政府", 2022);
    let mut parsed = parse_with(PathBuf::from("t.txt"), text, "UTF-8", t);
    edit(&mut parsed.report);
    check(&parsed.report, t, &parsed.notes)
}

fn by_severity(f: &[Finding], s: Severity) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    f.iter()
        .filter(|f| f.severity == s)
        .map(|f| (f.rule.to_string(), f.unread.clone()))
        .collect()
}

#[test]
fn a_row_not_read_leaves_its_relations_unchecked_never_an_error() {
    let f = unread_findings(|r| {
        let t = r.table_mut(TableKey::Applications).unwrap();
        // The result row is not read at all, and 总计 is off by 5 too: still no accusation.
        let row = t.row_mut("withheld.third_party").unwrap();
        row.cells.iter_mut().for_each(|c| *c = None);
        row.label_span = None;
        let total = t.row_mut("total").unwrap();
        let c = total.cells[0].as_mut().unwrap();
        c.value = gouji::text::Value::Int(c.value.as_f64() as i64 + 5);
    });
    // balance and row_total have every operand read and fail: errors. results_sum needs the
    // unread row: unchecked in every column, although its 自然人 column is off too.
    assert_eq!(
        errors(&f),
        vec![
            ("balance".to_string(), "total/natural".to_string()),
            ("row_total".to_string(), "total/total".to_string()),
        ]
    );
    let unchecked = by_severity(&f, Severity::Unchecked);
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
            .map(|c| (
                "results_sum".to_string(),
                vec![("withheld.third_party", *c)]
            ))
            .collect::<Vec<_>>()
    );
    let u = f
        .iter()
        .find(|f| f.severity == Severity::Unchecked)
        .unwrap();
    assert!(u.message.contains("不予公开・第三方权益"), "{}", u.message);
    assert!(
        u.message
            .starts_with("自然人: not checked, 1 cell(s) could not be read")
    );
    assert_eq!((u.found, u.expected, &u.suggestion), (None, None, &None));
    // The row is reported missing as a warning.
    assert!(
        f.iter()
            .any(|f| f.rule == "missing_row" && f.severity == Severity::Warning)
    );
    // Findings come errors, then unchecked, then warnings.
    assert!(f.windows(2).all(|w| w[0].severity <= w[1].severity));
}

#[test]
fn a_row_short_of_cells_leaves_its_row_and_column_relations_unchecked() {
    let f = unread_findings(|r| {
        let t = r.table_mut(TableKey::Applications).unwrap();
        let row = t.row_mut("granted").unwrap();
        row.cells[5] = None;
        row.cells[6] = None;
    });
    assert!(by_severity(&f, Severity::Error).is_empty(), "{f:#?}");
    assert_eq!(
        by_severity(&f, Severity::Unchecked),
        vec![
            ("results_sum".to_string(), vec![("granted", "other_org")]),
            ("results_sum".to_string(), vec![("granted", "total")]),
            (
                "row_total".to_string(),
                vec![("granted", "total"), ("granted", "other_org")]
            ),
        ]
    );
}

#[test]
fn a_printed_blank_counts_as_0_and_is_called_blank() {
    let f = unread_findings(|r| {
        let t = r.table_mut(TableKey::Applications).unwrap();
        let total = t.row_mut("total").unwrap();
        let c = total.cells[6].as_mut().unwrap();
        assert!(c.value.as_f64() > 0.0);
        c.value = gouji::text::Value::Blank;
    });
    let e: Vec<&Finding> = f.iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(!e.is_empty());
    let rs = e.iter().find(|f| f.rule == "results_sum").unwrap();
    assert!(
        rs.message.starts_with("总计: 总计 is blank, but"),
        "{}",
        rs.message
    );
    assert_eq!(rs.found, Some(0.0));
    assert!(by_severity(&f, Severity::Unchecked).is_empty());
}
