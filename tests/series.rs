//! Year over year through the real binary: series of one agency's reports, consistent and
//! with a planted carry-over mismatch; the cross-report section of JSON and text; xlsx.

use std::path::{Path, PathBuf};
use std::process::Command;

use gouji::synth::{Layout, Rng, Tables, consistent, next_year, render};
use gouji::template::{TableKey, Templates};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(args)
        .output()
        .expect("run gouji");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Three consecutive years of one agency (2021–2023), written into `dir`; `plant` edits the
/// 2022 tables before they are printed.
fn series(dir: &Path, plant: impl FnOnce(&mut Tables)) -> Vec<PathBuf> {
    let ts = Templates::embedded().unwrap();
    let t = ts.get("2021").unwrap();
    let mut rng = Rng::new(11);
    let y2021 = consistent(t, &mut rng);
    let mut y2022 = next_year(t, &y2021, &mut rng);
    let y2023 = next_year(t, &y2022, &mut rng);
    plant(&mut y2022);
    let mut files = Vec::new();
    for (year, tables, agency) in [
        (2021, &y2021, "淮安市洪泽区人民政府"),
        (2022, &y2022, "洪泽区人民政府"),
        (2023, &y2023, "洪泽区人民政府"),
    ] {
        let p = dir.join(format!("hongze_{year}.txt"));
        std::fs::write(&p, render(t, tables, Layout::B, agency, year)).unwrap();
        files.push(p);
    }
    files
}

fn cross(out: &str) -> Vec<serde_json::Value> {
    let all: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .collect();
    // Tools index the lines by `file` (shared/tools/accuracy.py does): only report objects
    // carry one, so a cross-report line never stands in for this year's report.
    for j in &all {
        assert_eq!(j["kind"] == "cross_report", j.get("file").is_none(), "{j}");
    }
    all.into_iter()
        .filter(|j| j["kind"] == "cross_report")
        .collect()
}

#[test]
fn a_consistent_series_has_no_carry_over_finding() {
    let dir = tempfile::tempdir().unwrap();
    series(dir.path(), |_| {});
    let (code, out, err) = run(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}{out}");
    let c = cross(&out);
    assert!(c.iter().all(|j| j["rule"] == "repetition"), "{c:#?}");
    // One repetition figure per pair (2022 after 2021, 2023 after 2022): the agency's name
    // with and without its city pairs.
    assert_eq!(c.len(), 2, "{c:#?}");
    // The cross-report objects come after every report's line.
    let lines: Vec<&str> = out.lines().collect();
    let last_report = lines
        .iter()
        .rposition(|l| !l.contains("\"cross_report\""))
        .unwrap();
    let first_cross = out
        .lines()
        .position(|l| l.contains("\"cross_report\""))
        .unwrap();
    assert!(last_report < first_cross);
}

#[test]
fn a_planted_carry_over_mismatch_names_both_files_and_cells() {
    let dir = tempfile::tempdir().unwrap();
    let files = series(dir.path(), |t| {
        // 2022's 上年结转 one higher for 自然人 (and its 总计), 新收 one lower: 2022's own
        // table still adds up, only the years disagree.
        let co = t.get_mut(TableKey::Applications, "carried_over").unwrap();
        co[0] = Some(co[0].unwrap_or(0) + 1);
        co[6] = Some(co[6].unwrap_or(0) + 1);
        let new = t.get_mut(TableKey::Applications, "new").unwrap();
        assert!(new[0].unwrap_or(0) >= 1, "the fixture's 新收 can give one");
        new[0] = Some(new[0].unwrap_or(0) - 1);
        new[6] = Some(new[6].unwrap_or(0) - 1);
    });
    let (code, out, err) = run(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "a carry-over mismatch is an error\n{err}");
    let c: Vec<_> = cross(&out)
        .into_iter()
        .filter(|j| j["rule"] == "carry_over")
        .collect();
    assert_eq!(c.len(), 2, "{c:#?}");
    for (j, col) in c.iter().zip(["natural", "total"]) {
        assert_eq!(j["severity"], "error");
        assert_eq!(j["report"], files[1].display().to_string());
        assert_eq!(j["previous"], files[0].display().to_string());
        assert_eq!(j["cells"], serde_json::json!([["carried_over", col]]));
        assert_eq!(
            j["previous_cells"],
            serde_json::json!([["carried_forward", col]])
        );
        assert_eq!(
            j["found"].as_f64().unwrap(),
            j["expected"].as_f64().unwrap() + 1.0
        );
        let m = j["message"].as_str().unwrap();
        assert!(
            m.contains("hongze_2021.txt") && m.contains("hongze_2022.txt"),
            "{m}"
        );
    }
    // Text output: the same findings in the final section, then the counts.
    let (_, text, _) = run(&["check", dir.path().to_str().unwrap()]);
    assert!(
        text.contains("error[carry_over]: 自然人: 上年结转 is"),
        "{text}"
    );
    assert!(text.contains("errors by rule: carry_over 2"), "{text}");
    assert!(
        text.contains("\nreports by year: 2021: 1, 2022: 1, 2023: 1\n"),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("checked 3 report(s)"),
        "{text}"
    );
}

#[test]
fn in_force_continuity_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    series(dir.path(), |t| {
        let r = t.get_mut(TableKey::Active, "normative_docs").unwrap();
        r[2] = Some(r[2].unwrap_or(0) + 3);
    });
    let (code, out, _) = run(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "only a warning");
    let c: Vec<_> = cross(&out)
        .into_iter()
        .filter(|j| j["rule"] == "in_force_continuity")
        .collect();
    // 2022 against 2021, and 2023 (continuing the true count) against the planted 2022.
    assert_eq!(c.len(), 2, "{c:#?}");
    assert!(c.iter().all(|j| j["severity"] == "warning"));
}

#[test]
fn repetition_over_the_threshold_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    series(dir.path(), |_| {});
    // Synthetic reports share their narrative: every pair is above 50%.
    let (_, out, _) = run(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let c = cross(&out);
    assert!(
        c.iter()
            .all(|j| j["severity"] == "warning" && j["share"].as_f64().unwrap() > 0.5),
        "{c:#?}"
    );
    // Above every threshold but 1: none.
    let (_, out, _) = run(&[
        "check",
        "--format",
        "json",
        "--repetition-threshold",
        "1",
        dir.path().to_str().unwrap(),
    ]);
    assert!(cross(&out).iter().all(|j| j["severity"].is_null()));
}

#[test]
fn the_real_pingtan_series_is_consistent_and_other_agencies_are_not_paired() {
    let extra = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples-extra");
    let files: Vec<PathBuf> = [
        "01_pingtan_2019.txt",
        "20_pingtan_zrz_2021.txt",
        "26_pingtan_zrz_2022.txt",
    ]
    .iter()
    .map(|f| extra.join(f))
    .collect();
    if !files.iter().all(|f| f.exists()) {
        return;
    }
    let args: Vec<&str> = ["check", "--format", "json"]
        .into_iter()
        .chain(files.iter().map(|f| f.to_str().unwrap()))
        .collect();
    let (_, out, _) = run(&args);
    let c = cross(&out);
    // 自然资源与生态环境局 2021 → 2022 is one pair (carried forward 0, carried over 0); 平潭
    // 2019 is another agency.
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0]["rule"], "repetition");
    assert_eq!(c[0]["previous"], files[1].display().to_string());

    // A copy of the 2021 report with 结转下年度继续办理 planted as 2 (自然人, 总计): the 2022
    // report's 上年结转 (0) disagrees, and both files are named.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let row = "四、结转下年度继续办理0 0 0 0 0 00";
    assert!(text.contains(row));
    let planted = text.replacen(row, "四、结转下年度继续办理2 0 0 0 0 02", 1);
    let copy = dir.path().join("20_pingtan_zrz_2021_planted.txt");
    std::fs::write(&copy, planted).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--format",
        "json",
        copy.to_str().unwrap(),
        files[2].to_str().unwrap(),
    ]);
    let c: Vec<_> = cross(&out)
        .into_iter()
        .filter(|j| j["rule"] == "carry_over")
        .collect();
    assert_eq!(code, 1);
    assert!(!c.is_empty(), "{out}");
    for j in &c {
        assert_eq!(j["report"], files[2].display().to_string());
        assert_eq!(j["previous"], copy.display().to_string());
    }
}
