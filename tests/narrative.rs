//! The narrative against the tables and the report-level checks, on the real samples and on
//! edited copies of them whose narrative says another number than the table.

use std::path::{Path, PathBuf};

use gouji::audit::{Audit, ReadOptions, audit_bytes};
use gouji::checker::Finding;
use gouji::template::Templates;

fn sample(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
        .unwrap();
    std::fs::read_to_string(path).unwrap()
}

fn audit(text: &str) -> Audit {
    audit_bytes(
        &PathBuf::from("copy.txt"),
        text.as_bytes(),
        &Templates::embedded().unwrap(),
        &ReadOptions::default(),
    )
}

fn rule<'a>(a: &'a Audit, rule: &str) -> Vec<&'a Finding> {
    a.findings.iter().filter(|f| f.rule == rule).collect()
}

/// The sentence a finding quotes, as it stands in the report.
fn quoted(a: &Audit, f: &Finding) -> String {
    let r = a.report.as_ref().unwrap();
    r.text[f.quote.clone().unwrap()].to_string()
}

/// Replaces `from` (which must occur) by `to` in `text`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn sample_003_has_exactly_one_narrative_warning_and_the_others_none() {
    let a = audit(&sample("003"));
    let f = rule(&a, "narrative_table");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(quoted(&a, f[0]), "本年度区政府办未收到依申请公开事项");
    assert_eq!((f[0].found, f[0].expected), (Some(0.0), Some(51.0)));
    assert_eq!(f[0].cells, [("new", "total")]);
    // The span points at the statement inside the sentence, line 17.
    let r = a.report.as_ref().unwrap();
    assert_eq!(r.line_col(f[0].span.clone().unwrap().start).0, 17);
    for s in ["000", "001", "002", "004"] {
        let a = audit(&sample(s));
        assert!(
            rule(&a, "narrative_table").is_empty(),
            "{s}: {:?}",
            a.findings
        );
    }
}

#[test]
fn edited_copies_saying_another_number_are_flagged_with_the_sentence() {
    // (sample, text, edited text, the sentence quoted, said, table)
    let cases = [
        (
            "000",
            "全年收到政府信息公开申请44件",
            "全年收到政府信息公开申请45件",
            "2019年我区全年收到政府信息公开申请45件，因政府信息公开被申请行政复议9件，行政诉讼8件",
            45.0,
            44.0,
        ),
        (
            "000",
            "行政复议9件",
            "行政复议7件",
            "2019年我区全年收到政府信息公开申请44件，因政府信息公开被申请行政复议7件，行政诉讼8件",
            7.0,
            9.0,
        ),
        (
            "000",
            "行政诉讼8件",
            "行政诉讼3件",
            "2019年我区全年收到政府信息公开申请44件，因政府信息公开被申请行政复议9件，行政诉讼3件",
            3.0,
            8.0,
        ),
        (
            "002",
            "42件予以公开",
            "41件予以公开",
            "已办结的政府信息公开申请中,41件予以公开,7件予以部分公开,1件不予公开(属于国家秘密),7件无法提供,1件不予处理(要求提供公开出版物)",
            41.0,
            42.0,
        ),
        (
            "002",
            "7件无法提供",
            "9件无法提供",
            "已办结的政府信息公开申请中,42件予以公开,7件予以部分公开,1件不予公开(属于国家秘密),9件无法提供,1件不予处理(要求提供公开出版物)",
            9.0,
            7.0,
        ),
        (
            "002",
            "全年办结58件",
            "全年办结57件",
            "其中,自然人申请政府信息公开57件,商业企业申请政府信息公开1件,全年办结57件",
            57.0,
            58.0,
        ),
        (
            "002",
            "自然人申请政府信息公开57件",
            "自然人申请政府信息公开50件",
            "其中,自然人申请政府信息公开50件,商业企业申请政府信息公开1件,全年办结58件",
            50.0,
            57.0,
        ),
        (
            "002",
            "新受理政府信息公开申请58件",
            "新受理政府信息公开申请60件",
            "2020年,新受理政府信息公开申请60件,区政府及有关职能部门按照法律法规和相关工作制度,均已在法定时限内书面回复了申请人,回复率达100%",
            60.0,
            58.0,
        ),
        (
            "002",
            "行政诉讼3件",
            "行政诉讼2件",
            "共受理因政府信息公开提起的行政诉讼2件",
            2.0,
            3.0,
        ),
    ];
    for (s, from, to, sentence, said, table) in cases {
        let a = audit(&edit(&sample(s), from, to));
        let f = rule(&a, "narrative_table");
        assert_eq!(f.len(), 1, "{s} {to}: {f:?}");
        assert_eq!(quoted(&a, f[0]), sentence, "{s} {to}");
        assert_eq!(
            (f[0].found, f[0].expected),
            (Some(said), Some(table)),
            "{to}"
        );
        assert!(f[0].message.contains(sentence), "{}", f[0].message);
    }
}

#[test]
fn negative_forms_name_every_count_they_deny() {
    // 000 has 9 行政复议 and 8 行政诉讼: a report saying there were none is flagged twice.
    let text = edit(
        &sample("000"),
        "因政府信息公开被申请行政复议9件，行政诉讼8件",
        "未发生因政府信息公开而被申请行政复议或被提起行政诉讼的情况",
    );
    let a = audit(&text);
    let f = rule(&a, "narrative_table");
    let got: Vec<_> = f.iter().map(|f| (f.cells.clone(), f.expected)).collect();
    assert_eq!(
        got,
        [
            (vec![("reconsideration", "total")], Some(9.0)),
            (
                vec![
                    ("litigation_direct", "total"),
                    ("litigation_after", "total")
                ],
                Some(8.0)
            ),
        ]
    );
    // 001 says the same and its table agrees (0 and 0): nothing.
    assert!(rule(&audit(&sample("001")), "narrative_table").is_empty());
}

#[test]
fn other_phrasings_of_the_same_statements() {
    // 000: 44 new, 14 granted, 9 行政复议, 8 行政诉讼.
    let base = sample("000");
    let old =
        "2019年我区全年收到政府信息公开申请44件，因政府信息公开被申请行政复议9件，行政诉讼8件。";
    for (sentence, flagged) in [
        ("全年共受理依申请公开事项40件。", Some((40.0, 44.0))),
        ("全年共收到45件政府信息公开申请。", Some((45.0, 44.0))),
        ("政府信息公开申请中同意公开10件。", Some((10.0, 14.0))),
        ("全年无依申请公开事项。", Some((0.0, 44.0))),
        ("全年无行政复议和行政诉讼案件。", Some((0.0, 9.0))),
        ("全年共受理依申请公开事项44件。", None),
        ("全年无依申请公开信息处理费收取。", None),
        ("办理行政复议案件，共受理3件。", None),
    ] {
        let a = audit(&edit(&base, old, sentence));
        let f = rule(&a, "narrative_table");
        match flagged {
            Some((said, table)) => {
                assert!(!f.is_empty(), "{sentence}");
                assert_eq!(
                    (f[0].found, f[0].expected),
                    (Some(said), Some(table)),
                    "{sentence}"
                );
                assert_eq!(quoted(&a, f[0]), sentence.trim_end_matches('。'));
            }
            None => assert!(f.is_empty(), "{sentence}: {f:?}"),
        }
    }
}

#[test]
fn qualified_comparative_and_other_years_numbers_are_left_alone() {
    let base = sample("000");
    for sentence in [
        // qualified: 45 includes last year's (and the 0 carried over is read, and agrees)
        "全年收到政府信息公开申请45件（含上年结转0件）",
        // a comparison with last year
        "收到申请较上年增加3件",
        "同比收到政府信息公开申请增加10件",
        // another year's figure
        "2018年收到政府信息公开申请30件",
        // approximate
        "收到政府信息公开申请40余件",
        // a part of the whole, or more than the agency's own table
        "全区共收到申请44件，其中区政府办收到政府信息公开申请30件",
        "各部门共收到政府信息公开申请120件",
        // across a line break: the number belongs to the next line
        "全年收到政府信息公开申请\n45件",
        // across a full stop
        "全年收到政府信息公开申请。45件",
    ] {
        let text = edit(
            &base,
            "2019年我区全年收到政府信息公开申请44件，",
            &format!("{sentence}。"),
        );
        let a = audit(&text);
        assert!(
            rule(&a, "narrative_table").is_empty(),
            "{sentence}: {:?}",
            rule(&a, "narrative_table")
        );
    }
}

#[test]
fn the_real_reports_beside_the_samples_get_no_narrative_warning() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples-extra");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // shared/ is beside the repository in CI and on developers' machines
    };
    for p in entries.map(|e| e.unwrap().path()) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".txt") || name.ends_with(".md")) || name == "README.md" {
            continue;
        }
        let a =
            gouji::audit::audit_file(&p, &Templates::embedded().unwrap(), &ReadOptions::default());
        assert!(
            rule(&a, "narrative_table").is_empty(),
            "{name}: {:?}",
            rule(&a, "narrative_table")
        );
    }
}

#[test]
fn report_level_checks() {
    // The statistical period naming another year than the title.
    let text = edit(
        &sample("000"),
        "统计期限从2019年1月1日",
        "统计期限从2018年1月1日",
    );
    let a = audit(&text);
    let f = rule(&a, "period_year");
    assert_eq!(f.len(), 1, "{:?}", a.findings);
    assert!(f[0].message.contains("2018"), "{}", f[0].message);
    // Last year's problems, a comparison, a date of publication: no period_year.
    let text = edit(
        &sample("000"),
        "一、总体情况\n",
        "一、总体情况\n针对2018年度报告指出的问题，较2018年有所改进。2020年1月15日发布。\n",
    );
    assert!(rule(&audit(&text), "period_year").is_empty());
    assert!(rule(&audit(&sample("000")), "period_year").is_empty());

    // Section 五 empty, or only "无".
    let s3 = sample("003");
    let i = s3.find("五、").expect("003 has section 五");
    let j = s3.find("六、").expect("003 has section 六");
    let emptied = format!(
        "{}五、存在的主要问题及改进情况\n无。\n{}",
        &s3[..i],
        &s3[j..]
    );
    let f = audit(&emptied);
    assert_eq!(rule(&f, "section_problems").len(), 1, "{:?}", f.findings);
    assert!(rule(&audit(&s3), "section_problems").is_empty());

    // Section 六 of a 2021-template report not mentioning 信息处理费.
    assert!(rule(&audit(&s3), "section_fees").is_empty());
    let no_fee = s3.replace("信息处理费", "费用");
    assert_eq!(rule(&audit(&no_fee), "section_fees").len(), 1);
    // 2019 and 2020 reports predate the fee rules: not asked.
    assert!(rule(&audit(&sample("002")), "section_fees").is_empty());

    // A required section missing.
    let a001 = audit(&sample("001"));
    let f = rule(&a001, "missing_section");
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("一、总体情况"), "{}", f[0].message);
    let f = audit(&s3.replace("一、总体情况", "一、概述"));
    let m = rule(&f, "missing_section");
    assert_eq!(m.len(), 1, "{:?}", f.findings);
    assert!(m[0].message.contains("一、总体情况"));
}
