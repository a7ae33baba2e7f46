//! Annotation files as reviewers and analysts rely on them: under `--annotations DIR` one file
//! per report even when reports share a file name, old-style files (named by file name alone)
//! migrated only when they can belong to one report, and a correction applied only while its
//! cell still holds the value it was made on. Driven through the real keymap and `update`
//! (workbench) and the real binary (`gouji check`), with the files on disk asserted.

use std::path::{Path, PathBuf};
use std::process::Command;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gouji::annotations::{Annotations, Status};
use gouji::audit::Reports;
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;

const S000: &str = "000_baa44959fd9d628f.txt";

/// Sample 000 (its (七)总计 row prints 43 for 自然人 and 总计; 44 makes the report add up)
/// copied to each of `rel` under a fresh root folder; also returns an empty annotations dir.
fn tree(rel: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (root, ann) = (tmp.path().join("crawl"), tmp.path().join("ann"));
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(S000);
    for r in rel {
        let p = root.join(r);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(&sample, &p).unwrap();
    }
    std::fs::create_dir_all(&ann).unwrap();
    (tmp, root, ann)
}

fn config(ann: &Path) -> Config {
    Config::parse(
        &format!("annotations_dir = {:?}\n", ann.display().to_string()),
        "test",
    )
    .unwrap()
}

/// The workbench on `root` as `gouji --annotations ANN root` opens it.
fn workbench(root: &Path, ann: &Path) -> App {
    let (reports, unlisted) = Reports::walk(vec![root.to_path_buf()]);
    assert!(unlisted.is_empty());
    App::loaded(
        reports,
        config(ann),
        Templates::embedded().unwrap(),
        (160, 45),
    )
}

fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        let code = match c {
            '\t' => KeyCode::Tab,
            '\n' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        app.key(KeyEvent::new(code, KeyModifiers::NONE));
    }
}

/// `gouji check --format json --annotations ANN root`: exit code, one JSON object per
/// report, standard error.
fn check_json(root: &Path, ann: &Path) -> (i32, Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["check", "--format", "json", "--annotations"])
        .args([ann, root])
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        // The cross-report section (two copies of one report are one agency and year).
        .filter(|j| j["kind"] != "cross_report")
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The (七)总计 row of the report whose `file` ends with `suffix`.
fn total_row(lines: &[serde_json::Value], suffix: &str) -> serde_json::Value {
    let v = lines
        .iter()
        .find(|v| v["file"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no report {suffix} in {lines:?}"));
    v["applications"]["rows"]["total"].clone()
}

const PARSED: &str = "[43,null,null,null,null,null,43]";
const CORRECTED: &str = "[44,null,null,null,null,null,44]";

fn row(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}

/// An annotation file correcting both 43s of (七)总计 to 44, made on `parsed`.
fn corrections_made_on(parsed: &str) -> String {
    let cell = |col: &str| {
        format!(
            "[[cell]]\ntable = \"applications\"\nrow = \"total\"\ncolumn = \"{col}\"\nparsed = \"{parsed}\"\ncorrected = \"44\"\ntime = \"2026-11-23T10:00:00Z\"\n\n"
        )
    };
    format!(
        "schema = 1\nreport = \"page.txt\"\nreport_hash = \"fnv1a64:0\"\nstatus = \"reviewed\"\n\n{}{}",
        cell("natural"),
        cell("total")
    )
}

#[test]
fn two_page_txt_in_sibling_folders_keep_separate_annotations() {
    let (_tmp, root, ann) = tree(&["a/page.txt", "b/page.txt"]);
    let mut app = workbench(&root, &ann);
    assert_eq!(app.state.open, 0, "a/page.txt opens first");
    // Tables pane, on the first error cell ((七)总计 / 自然人): correct 43 to 44.
    keys(&mut app, "\t\te44\n");
    let a_file = ann.join("a/page.txt.gouji.toml");
    let saved: Annotations = toml::from_str(&std::fs::read_to_string(&a_file).unwrap()).unwrap();
    assert_eq!(saved.corrections(), 1);
    assert_eq!(saved.cells[0].corrected.as_deref(), Some("44"));
    assert!(!ann.join("b/page.txt.gouji.toml").exists());
    assert!(
        !ann.join("page.txt.gouji.toml").exists(),
        "nothing under the shared file name"
    );
    // Marking b reviewed writes b's own file and leaves a's status alone.
    keys(&mut app, "]r");
    assert_eq!(app.state.open, 1);
    let b: Annotations =
        toml::from_str(&std::fs::read_to_string(ann.join("b/page.txt.gouji.toml")).unwrap())
            .unwrap();
    assert_eq!((b.status, b.corrections()), (Status::Reviewed, 0));
    let again = workbench(&root, &ann);
    assert_eq!(again.state.entries[0].status(), Status::Todo);
    assert_eq!(again.state.entries[1].status(), Status::Reviewed);

    let (_, lines, err) = check_json(&root, &ann);
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(
        total_row(&lines, "a/page.txt"),
        row("[44,null,null,null,null,null,43]")
    );
    assert_eq!(total_row(&lines, "b/page.txt"), row(PARSED));
}

#[test]
fn an_old_style_file_is_read_for_the_one_report_of_its_name_and_moved_on_save() {
    let (_tmp, root, ann) = tree(&["a/only.txt", "b/other.txt"]);
    let old = ann.join("only.txt.gouji.toml");
    let text = corrections_made_on("43");
    std::fs::write(&old, &text).unwrap();

    let (_, lines, err) = check_json(&root, &ann);
    assert_eq!(total_row(&lines, "a/only.txt"), row(CORRECTED));
    assert_eq!(
        lines[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .count(),
        0,
        "the corrections make a/only.txt add up"
    );
    assert_eq!(total_row(&lines, "b/other.txt"), row(PARSED));
    assert!(
        err.contains("only.txt: note: annotations read from")
            && err.contains("only.txt.gouji.toml, named the old way"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        text,
        "check writes nothing"
    );

    let mut app = workbench(&root, &ann);
    let status = app.state.status.clone();
    assert!(status.contains("named the old way"), "{status}");
    assert_eq!(app.state.audit().unwrap().errors(), 0, "applied");
    // The next save writes the report's own file and retires the old one, keeping it.
    keys(&mut app, "f");
    let new = ann.join("a/only.txt.gouji.toml");
    let saved: Annotations = toml::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    assert_eq!((saved.status, saved.corrections()), (Status::Flagged, 2));
    assert!(!old.exists(), "the old file is not read again");
    assert_eq!(
        std::fs::read_to_string(ann.join("only.txt.gouji.toml.migrated")).unwrap(),
        text
    );
    assert!(
        app.state.status.contains("annotations moved from"),
        "{}",
        app.state.status
    );
    let (_, lines, err) = check_json(&root, &ann);
    assert_eq!(total_row(&lines, "a/only.txt"), row(CORRECTED));
    assert!(!err.contains("old way"), "{err}");
}

#[test]
fn an_old_style_file_that_several_reports_could_claim_is_applied_to_none() {
    let (_tmp, root, ann) = tree(&["a/page.txt", "b/page.txt"]);
    let old = ann.join("page.txt.gouji.toml");
    let text = corrections_made_on("43");
    std::fs::write(&old, &text).unwrap();

    let (code, lines, err) = check_json(&root, &ann);
    assert_eq!(code, 1, "no correction applied: {err}");
    assert_eq!(total_row(&lines, "a/page.txt"), row(PARSED));
    assert_eq!(total_row(&lines, "b/page.txt"), row(PARSED));
    assert_eq!(
        err.matches("named the old way").count(),
        1,
        "one message for the file: {err}"
    );
    assert!(
        err.contains(&format!("{}: annotations named the old way", old.display()))
            && err.contains("2 reports of this run are named page.txt: not applied to any"),
        "{err}"
    );

    let mut app = workbench(&root, &ann);
    let notice = app.state.notice.clone().unwrap_or_default();
    assert!(notice.contains("page.txt.gouji.toml") && notice.contains("not applied"));
    assert_eq!(app.state.audit().unwrap().originals.len(), 0);
    keys(&mut app, "r");
    assert!(ann.join("a/page.txt.gouji.toml").exists());
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        text,
        "left as it is"
    );
}

#[test]
fn a_stale_correction_is_named_not_applied_and_kept() {
    // Corrections made when the cells printed 42; the report now prints 43.
    let (_tmp, root, ann) = tree(&["a/page.txt"]);
    let file = ann.join("a/page.txt.gouji.toml");
    let text = corrections_made_on("42");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, &text).unwrap();
    let message = "(七)总计 / 自然人: correction to \"44\" not applied: it was made on \"42\", \
                   the report now prints \"43\"";

    let (code, lines, err) = check_json(&root, &ann);
    assert_eq!(code, 2, "corrections not applied: {err}");
    assert_eq!(lines[0]["annotations"]["status"], "stale");
    assert!(
        lines[0]["annotations"]["message"]
            .as_str()
            .unwrap()
            .contains("0 of 2 correction(s) still match"),
        "{}",
        lines[0]["annotations"]
    );
    assert_eq!(total_row(&lines, "a/page.txt"), row(PARSED));
    let stale = lines[0]["stale_corrections"].as_array().unwrap();
    assert_eq!(stale.len(), 2);
    assert_eq!(
        (
            &stale[0]["row"],
            &stale[0]["column"],
            &stale[0]["label"],
            &stale[0]["parsed"],
            &stale[0]["now"],
            &stale[0]["corrected"],
        ),
        (
            &row("\"total\""),
            &row("\"natural\""),
            &row("\"(七)总计 / 自然人\""),
            &row("\"42\""),
            &row("\"43\""),
            &row("\"44\""),
        )
    );
    assert_eq!(stale[0]["message"], message);
    let out = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["check", "--errors-only", "--annotations"])
        .args([&ann, &root])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains(&format!("page.txt: warning: stale correction: {message}")),
        "{out}"
    );
    assert!(out.contains("(七)总计 / 总计: correction to"), "{out}");

    let mut app = workbench(&root, &ann);
    let status = app.state.status.clone();
    assert!(
        status.contains(&format!("2 stale corrections, first: {message}")),
        "{status}"
    );
    assert_eq!(app.state.audit().unwrap().errors(), 4, "nothing applied");
    // An unrelated change keeps both stale corrections as they were.
    keys(&mut app, "r");
    let saved: Annotations = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let before: Annotations = toml::from_str(&text).unwrap();
    assert_eq!(saved.cells, before.cells);
    // Correcting the cell again, on what it prints now, replaces that one.
    keys(&mut app, "\t\te44\n");
    let saved: Annotations = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let natural = saved.cells.iter().find(|c| c.column == "natural").unwrap();
    assert_eq!(
        (natural.parsed.as_str(), natural.corrected.as_deref()),
        ("43", Some("44"))
    );
    let total = saved.cells.iter().find(|c| c.column == "total").unwrap();
    assert_eq!(
        total.parsed, "42",
        "the other stale correction is untouched"
    );
    assert_eq!(app.state.audit().unwrap().stale.len(), 1);
}

#[test]
fn two_folders_given_with_the_same_path_below_them_are_named_as_sharing() {
    let (_tmp, root, ann) = tree(&["a/page.txt", "b/page.txt"]);
    let (a, b) = (root.join("a"), root.join("b"));
    let out = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["check", "--annotations"])
        .args([&ann, &a, &b])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}: the annotation file of 2 reports",
            ann.join("page.txt.gouji.toml").display()
        )),
        "{err}"
    );
    let (reports, _) = Reports::walk(vec![a, b]);
    let app = App::loaded(
        reports,
        config(&ann),
        Templates::embedded().unwrap(),
        (160, 45),
    );
    let notice = app.state.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("the annotation file of 2 reports"),
        "{notice}"
    );
    // One folder at a time: no warning.
    let (reports, _) = Reports::walk(vec![root]);
    let app = App::loaded(
        reports,
        config(&ann),
        Templates::embedded().unwrap(),
        (160, 45),
    );
    assert_eq!(app.state.notice, None);
}
