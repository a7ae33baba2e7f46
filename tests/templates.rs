//! Templates are data: a local variant with one extra row is read and checked with no code
//! change, and a broken template is refused at load, naming its file and entry.

use std::path::{Path, PathBuf};

use gouji::checker::{Finding, Severity, check};
use gouji::parser::parse_with;
use gouji::synth::{Layout, Rng, consistent, render};
use gouji::template::{TableKey, Template, TemplateError, TemplateProblem, Templates};

const EXTRA: &str = "2021_with_extra_row.toml";

fn fixture_template(name: &str) -> Result<Template, TemplateError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/templates")
        .join(name);
    let src = std::fs::read_to_string(&path).unwrap();
    Template::from_toml(name, &src)
}

/// A 2021 applications table in pipe layout whose relations hold only when the extra row
/// 9.属于其他法定不予公开情形 (2 natural-person applications) is counted; `extra` is printed
/// in its natural-person cell.
fn report_with_extra_row(extra: u32) -> String {
    let mut rows = vec![
        "测试县人民政府2021年政府信息公开工作年度报告".to_string(),
        "三、收到和处理政府信息公开申请情况".into(),
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||||||"
            .into(),
        "自然人 | 法人或其他组织 | 总计 | |||||||".into(),
        "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||".into(),
    ];
    let zeros = " | 0 | 0 | 0 | 0 | 0 | 0 | 0 |";
    let data: Vec<(&str, String)> = [
        (
            "一、本年新收政府信息公开申请数量",
            " | 10 | 1 | 0 | 0 | 0 | 0 | 11 |".into(),
        ),
        (
            "二、上年结转政府信息公开申请数量",
            " | 1 | 0 | 0 | 0 | 0 | 0 | 1 |".into(),
        ),
        ("(一)予以公开", " | 5 | 1 | 0 | 0 | 0 | 0 | 6 |".into()),
        ("(二)部分公开", " | 1 | 0 | 0 | 0 | 0 | 0 | 1 |".into()),
        ("(三)不予公开 | 1.属于国家秘密", zeros.into()),
        ("2.其他法律行政法规禁止公开", zeros.into()),
        ("3.危及“三安全一稳定”", zeros.into()),
        ("4.保护第三方合法权益", zeros.into()),
        ("5.属于三类内部事务信息", zeros.into()),
        ("6.属于四类过程性信息", zeros.into()),
        ("7.属于行政执法案卷", zeros.into()),
        ("8.属于行政查询事项", zeros.into()),
        (
            "9.属于其他法定不予公开情形",
            format!(" | {extra} | 0 | 0 | 0 | 0 | 0 | {extra} |"),
        ),
        ("(四)无法提供 | 1.本机关不掌握相关政府信息", zeros.into()),
        ("2.没有现成信息需要另行制作", zeros.into()),
        ("3.补正后申请内容仍不明确", zeros.into()),
        ("(五)不予处理 | 1.信访举报投诉类申请", zeros.into()),
        ("2.重复申请", zeros.into()),
        ("3.要求提供公开出版物", zeros.into()),
        ("4.无正当理由大量反复申请", zeros.into()),
        ("5.要求行政机关确认或重新出具已获取信息", zeros.into()),
        (
            "(六)其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            zeros.into(),
        ),
        (
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            zeros.into(),
        ),
        ("3.其他", zeros.into()),
        ("(七)总计", " | 8 | 1 | 0 | 0 | 0 | 0 | 9 |".into()),
        (
            "四、结转下年度继续办理",
            " | 3 | 0 | 0 | 0 | 0 | 0 | 3 |".into(),
        ),
    ]
    .into_iter()
    .collect();
    rows.extend(
        data.into_iter()
            .map(|(label, cells)| format!("{label}{cells}")),
    );
    rows.push("四、政府信息公开行政复议、行政诉讼情况".into());
    rows.join("\n") + "\n"
}

fn relation_errors(f: &[Finding]) -> Vec<(String, String)> {
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

fn parse_and_check(t: &Template, text: String) -> (gouji::report::Report, Vec<Finding>) {
    let parsed = parse_with(PathBuf::from("extra_row.txt"), text, "UTF-8", t);
    let findings = check(&parsed.report, t, &parsed.notes);
    (parsed.report, findings)
}

#[test]
fn an_extra_row_in_the_template_is_parsed_and_joins_results_sum_with_no_code_change() {
    let t = fixture_template(EXTRA).unwrap();
    assert_eq!(t.applications.rows.len(), 27);
    let (report, f) = parse_and_check(&t, report_with_extra_row(2));
    let apps = report.table(TableKey::Applications).unwrap();
    let row = apps
        .row("withheld.other_statutory")
        .expect("extra row parsed");
    let cells: Vec<f64> = row
        .cells
        .iter()
        .map(|c| c.as_ref().unwrap().value.as_f64())
        .collect();
    assert_eq!(cells, [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]);
    assert_eq!(relation_errors(&f), vec![], "{f:#?}");

    // The new row says 3 (its own total agrees): only results_sum, which takes the row in
    // through `withheld.*`, sees that the table no longer adds up.
    let (_, f) = parse_and_check(&t, report_with_extra_row(3));
    assert_eq!(
        relation_errors(&f),
        vec![
            ("results_sum".to_string(), "total/natural".to_string()),
            ("results_sum".to_string(), "total/total".to_string()),
        ],
        "{f:#?}"
    );
    let sum = f.iter().find(|f| f.rule == "results_sum").unwrap();
    assert!(
        sum.cells.contains(&("withheld.other_statutory", "natural")),
        "{:?}",
        sum.cells
    );
    assert_eq!((sum.found, sum.expected), (Some(8.0), Some(9.0)));
}

#[test]
fn the_stock_template_does_not_know_the_extra_row_so_the_table_does_not_add_up() {
    let ts = Templates::embedded().unwrap();
    let stock = ts.get("2021").unwrap();
    let (report, f) = parse_and_check(stock, report_with_extra_row(2));
    assert!(
        report
            .table(TableKey::Applications)
            .unwrap()
            .row("withheld.other_statutory")
            .is_none()
    );
    assert!(
        relation_errors(&f).contains(&("results_sum".to_string(), "total/natural".to_string())),
        "{f:#?}"
    );
}

#[test]
fn synthetic_reports_of_the_variant_in_every_layout_check_clean_until_its_row_is_changed() {
    let t = fixture_template(EXTRA).unwrap();
    for layout in [Layout::A, Layout::B, Layout::C, Layout::D] {
        let mut tables = consistent(&t, &mut Rng::new(11));
        assert!(
            tables
                .get(TableKey::Applications, "withheld.other_statutory")
                .is_some()
        );
        let text = render(&t, &tables, layout, "测试县人民政府", 2022);
        let (_, f) = parse_and_check(&t, text);
        assert_eq!(relation_errors(&f), vec![], "{layout:?}: {f:#?}");

        let row = tables
            .get_mut(TableKey::Applications, "withheld.other_statutory")
            .unwrap();
        row[0] = Some(row[0].unwrap_or(0) + 4);
        let text = render(&t, &tables, layout, "测试县人民政府", 2022);
        let (_, f) = parse_and_check(&t, text);
        let errors = relation_errors(&f);
        assert!(
            errors.contains(&("results_sum".to_string(), "total/natural".to_string()))
                && errors.contains(&(
                    "row_total".to_string(),
                    "withheld.other_statutory/total".to_string()
                )),
            "{layout:?}: {errors:?}"
        );
    }
}

#[test]
fn a_broken_variant_is_refused_at_load_naming_its_file_and_entry() {
    let e = fixture_template("2021_relation_names_a_missing_row.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "2021_relation_names_a_missing_row.toml: relation `results_sum` names row \
         `withheld.foo`, which no row of table applications has"
    );
    let e = fixture_template("2021_row_without_columns.toml").unwrap_err();
    assert_eq!(
        e.problem(),
        Some(&TemplateProblem::RowWithoutColumns {
            table: "applications",
            row: "granted"
        })
    );
}
