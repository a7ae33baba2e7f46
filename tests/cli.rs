//! The real `gouji` binary, as an analyst runs it: exit codes, formats, bad input.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn gouji() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gouji"))
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = gouji().args(args).output().expect("run gouji");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_lines_follow_the_schema() {
    let (code, out, _) = run(&["check", "--format", "json", samples().to_str().unwrap()]);
    assert_eq!(code, 1, "000 has an error finding");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for v in &lines {
        for k in [
            "file",
            "agency",
            "year",
            "template",
            "encoding",
            "active",
            "applications",
            "review",
            "findings",
            "error",
            "stale_corrections",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(
            v["applications"]["columns"],
            serde_json::json!([
                "natural",
                "commercial",
                "research",
                "public_interest",
                "legal_service",
                "other_org",
                "total"
            ])
        );
        for g in ["reconsideration", "litigation_direct", "litigation_after"] {
            assert_eq!(v["review"][g].as_array().unwrap().len(), 5);
        }
    }
    let first = &lines[0];
    assert!(
        first["file"]
            .as_str()
            .unwrap()
            .ends_with("000_baa44959fd9d628f.txt")
    );
    assert_eq!(first["template"], "2019");
    assert_eq!(first["year"], 2019);
    assert_eq!(
        first["applications"]["rows"]["total"],
        serde_json::json!([43, null, null, null, null, null, 43])
    );
    let err = first["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "results_sum")
        .unwrap();
    assert_eq!(err["severity"], "error");
    assert_eq!(err["table"], "applications");
    assert_eq!(err["cells"][0], serde_json::json!(["total", "natural"]));
    assert_eq!(
        (err["found"].clone(), err["expected"].clone()),
        (serde_json::json!(43), serde_json::json!(44))
    );
    assert_eq!(err["suggestion"]["value"], 44);
    assert_eq!(err["verdict"], serde_json::Value::Null);
    assert_eq!(
        lines[1]["active"]["rows"]["licensing"][1],
        "[bookmark: _GoBack]－"
    );
    assert_eq!(lines[1]["active"]["rows"]["procurement"][1], 56742.1644);
}

#[test]
fn text_output_reads_like_a_compiler() {
    let (code, out, _) = run(&["check", "--errors-only", samples().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("000_baa44959fd9d628f.txt:342:2: error[results_sum]: 收到和处理政府信息公开申请情况: 自然人"),
        "{out}"
    );
    assert!(
        out.contains("suggestion: (七)总计 / 自然人 should probably be 44"),
        "{out}"
    );
    assert!(!out.contains("warning["), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("checked 5 report(s): 1 with errors (4 error(s))"),
        "{out}"
    );
}

/// A saved web page (layout G) found in a directory: its findings point at lines of the page.
#[test]
fn html_pages_are_checked_and_positions_name_the_page() {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layout_g_html_table.html"),
    )
    .unwrap();
    // The (七) 总计 row prints 44 for 自然人 and as its total: make the first one 45.
    let total_row = page.find("(七) 总计").unwrap();
    let at = total_row + page[total_row..].find(">44<").unwrap() + 1;
    let broken = format!("{}45{}", &page[..at], &page[at + 2..]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), &broken).unwrap();
    std::fs::write(dir.path().join("notes.csv"), "not a report").unwrap();
    let (code, out, _) = run(&["check", "--errors-only", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let line = broken[..at].matches('\n').count() + 1;
    let col = broken[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    assert!(
        out.contains(&format!(
            "page.html:{line}:{col}: error[results_sum]: 收到和处理政府信息公开申请情况: 自然人"
        )),
        "{out}"
    );
    assert!(
        out.contains("suggestion: (七)总计 / 自然人 should probably be 44"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("checked 1 report(s)"),
        "{out}"
    );
}

#[test]
fn csv_is_one_line_per_cell_and_findings_go_to_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let fcsv = dir.path().join("findings.csv");
    let file = samples().join("003_1160e2568716ca2c.txt");
    let (code, out, _) = run(&[
        "check",
        "--format",
        "csv",
        "--findings-csv",
        fcsv.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "file,table,row,column,raw,value,corrected,original,line,col,annotations"
    );
    // 2021: 6 active rows (3+3+1+1+1+1 cells), 25 application rows × 7, 15 review cells.
    assert_eq!(lines.len() - 1, 10 + 25 * 7 + 15);
    assert!(
        lines.iter().any(
            |l| l.contains(",applications,carried_forward,natural,7,7,false,,")
                && l.ends_with(",none")
        ),
        "{out}"
    );
    let f = std::fs::read_to_string(&fcsv).unwrap();
    // 003's tables add up; its one finding is the narrative's 未收到 against 51 new.
    assert_eq!(f.lines().count(), 2, "{f}");
    assert!(
        f.lines()
            .nth(1)
            .unwrap()
            .contains(",narrative_table,warning,applications,new/total,51,0,"),
        "{f}"
    );
}

#[test]
fn bad_input_is_named_and_other_files_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let binary = dir.path().join("noise.txt");
    std::fs::write(
        &binary,
        (0..5000u32)
            .map(|i| (i * 7919 % 256) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let prose = dir.path().join("prose.txt");
    std::fs::write(
        &prose,
        "某某局2021年政府信息公开工作年度报告\n一、总体情况\n本年度无特别事项。\n",
    )
    .unwrap();
    std::fs::copy(
        samples().join("004_4760a96778e8f996.txt"),
        dir.path().join("good.txt"),
    )
    .unwrap();
    let (code, out, _) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("empty.txt: error: the file is empty"), "{out}");
    assert!(
        out.contains("noise.txt: error: the file looks binary"),
        "{out}"
    );
    assert!(
        out.contains("prose.txt: error: no report tables found"),
        "{out}"
    );
    assert!(
        out.contains("prose.txt: warning[missing_table]: 收到和处理政府信息公开申请情况"),
        "{out}"
    );
    assert!(out.contains("checked 4 report(s): 0 with errors"), "{out}");
    // Broken documents named explicitly: say what they are and what is wrong with them.
    let pdf = dir.path().join("report.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\n",
    )
    .unwrap();
    let docx = dir.path().join("report.docx");
    std::fs::write(
        &docx,
        b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0word/document.xml",
    )
    .unwrap();
    let (code, out, _) = run(&["check", pdf.to_str().unwrap(), docx.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    let (pdf_msg, docx_msg) = (
        if cfg!(feature = "pdf") {
            "report.pdf: error: not a readable PDF (its structure is broken"
        } else {
            "report.pdf: error: a PDF document, and this build of gouji reads none"
        },
        if cfg!(feature = "word") {
            "report.docx: error: a damaged zip archive, not a readable .docx"
        } else {
            "report.docx: error: a Word (.docx) document, and this build of gouji reads none"
        },
    );
    assert!(out.contains(pdf_msg), "{out}");
    assert!(out.contains(docx_msg), "{out}");
    let (code, _, err) = run(&["check", dir.path().join("nope.txt").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.is_empty(),
        "a missing file is a finding on stdout, not a crash: {err}"
    );
}

/// Folders are walked as the run goes (`walk_paths`): files come out in the same sorted
/// order as the full list, and a folder that cannot be listed is named while the rest is
/// still checked.
#[cfg(unix)]
#[test]
fn folders_are_walked_in_path_order_and_a_link_loop_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for rel in [
        "b.txt",
        "a/z.txt",
        "a/b/y.htm",
        "a.txt",
        "a/b.txt",
        "c/ignored.csv",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(samples().join("004_4760a96778e8f996.txt"), &p).unwrap();
    }
    std::os::unix::fs::symlink("..", root.join("a/b/up")).unwrap();
    let (code, out, _) = run(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(code, 2, "the loop is an unreadable entry: {out}");
    let entries: Vec<(String, Option<String>)> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] != "cross_report")
        .map(|v| {
            let file = v["file"].as_str().unwrap();
            let rel = file.strip_prefix(root.to_str().unwrap()).unwrap();
            (rel.to_string(), v["error"].as_str().map(str::to_string))
        })
        .collect();
    let files: Vec<&str> = entries.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        [
            "/a/b/up",
            "/a/b/y.htm",
            "/a/b.txt",
            "/a/z.txt",
            "/a.txt",
            "/b.txt"
        ],
        "component-wise path order, the folder \"a\" before the file \"a.txt\""
    );
    assert_eq!(
        entries[0].1.as_deref(),
        Some("cannot list folder: a symbolic link to a folder that contains it; not followed")
    );
    assert!(entries[1..].iter().all(|(_, e)| e.is_none()), "{out}");
    let (code, out, _) = run(&["check", root.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        out.ends_with(
            "checked 5 report(s): 0 with errors (0 error(s)), 0 relation(s) unchecked, 0 warning(s), 0 unreadable or \
             without tables; 1 folder(s) not listed; 1 other file(s) skipped, not a report format \
             (1 .csv; reports are *.txt *.md *.html *.htm *.shtml *.pdf *.docx *.doc *.wps)\n"
        ),
        "{out}"
    );
    // The workbench's full list is the same walk.
    let listed = gouji::audit::collect_paths(&[root.to_path_buf()]);
    let err = listed
        .expect_err("collect_paths stops at the loop")
        .to_string();
    assert!(
        err.contains("a/b/up: cannot list: a symbolic link"),
        "{err}"
    );
}

#[test]
fn gbk_reports_are_decoded_and_encoding_can_be_forced() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(samples().join("002_68a8c5bdb68e9915.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = dir.path().join("gbk.txt");
    std::fs::write(&path, &gbk).unwrap();
    let (code, out, _) = run(&["check", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        matches!(v["encoding"].as_str(), Some("GBK" | "gb18030")),
        "{v}"
    );
    assert_eq!(
        v["applications"]["rows"]["new"],
        serde_json::json!([57, 1, 0, 0, 0, 0, 58])
    );
    let (code, out, _) = run(&[
        "check",
        "--format",
        "json",
        "--encoding",
        "gb18030",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\"encoding\":\"gb18030\""), "{out}");
    let (code, _, err) = run(&["check", "--encoding", "klingon", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown encoding label"), "{err}");
}

#[test]
fn closed_pipe_exits_quietly() {
    let mut child = gouji()
        .args([
            "check",
            "--format",
            "csv",
            samples().to_str().unwrap(),
            samples().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // like `| head -c 64`
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
}

#[test]
fn saved_corrections_are_applied_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("000_baa44959fd9d628f.txt");
    std::fs::copy(samples().join("000_baa44959fd9d628f.txt"), &report).unwrap();
    let ann = dir.path().join("000_baa44959fd9d628f.txt.gouji.toml");
    let cell = |col: &str| {
        format!(
            "[[cell]]\ntable = \"applications\"\nrow = \"total\"\ncolumn = \"{col}\"\nparsed = \"43\"\ncorrected = \"44\"\ntime = \"2026-11-23T10:00:00Z\"\n\n"
        )
    };
    let text = format!(
        "schema = 1\nreport = \"000_baa44959fd9d628f.txt\"\nreport_hash = \"fnv1a64:0\"\nstatus = \"reviewed\"\n\n{}{}",
        cell("natural"),
        cell("total")
    );
    std::fs::write(&ann, &text).unwrap();
    let (code, out, err) = run(&["check", "--errors-only", report.to_str().unwrap()]);
    assert_eq!(code, 0, "every correction still applies: {out}{err}");
    assert!(
        err.contains(
            "changed since its annotations were written: 2 of 2 correction(s) still match"
        ),
        "hash differs: {err}"
    );
    let (code, out, _) = run(&["check", "--format", "json", report.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("\"total\":[44,null,null,null,null,null,44]"),
        "{out}"
    );
    assert!(
        out.contains("\"annotations\":{\"status\":\"stale\""),
        "{out}"
    );
    let (code, _, _) = run(&["check", "--no-corrections", report.to_str().unwrap()]);
    assert_eq!(code, 1);
    // A corrupt annotation file: reported, not applied, left byte for byte; exit status 2.
    std::fs::write(&ann, "schema = [\n").unwrap();
    let (code, out, err) = run(&["check", report.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("annotations not applied (corrupt)")
            && err.contains("000_baa44959fd9d628f.txt.gouji.toml"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&ann).unwrap(), "schema = [\n");
}

#[test]
fn one_thread_gives_the_same_output_in_the_same_order() {
    let dir = samples().to_str().unwrap().to_string();
    let extra = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let extra = extra.to_str().unwrap();
    let (code, all, _) = run(&["check", "--format", "json", &dir, extra]);
    let (code1, one, _) = run(&["check", "-j", "1", "--format", "json", &dir, extra]);
    // tests/fixtures/documents holds PDF and Word files, three of them unreadable on purpose.
    assert_eq!((code, code1), (2, 2));
    let reports = all
        .lines()
        .filter(|l| !l.contains("\"kind\":\"cross_report\""))
        .count();
    assert_eq!(reports, 27, "{all}");
    assert_eq!(all, one);
    let (code, _, err) = run(&["check", "-j", "0", &dir]);
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid value '0' for '--threads <N>'"),
        "{err}"
    );
}

/// Found by fuzzing: a long digit run printed without separators (web text) made the split
/// search run for hours. Now the search is bounded and says why the row stays empty.
#[test]
fn a_long_digit_run_is_named_and_does_not_stall_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let digits: String = (0..60)
        .map(|i| char::from(b'1' + (i * 7 % 9) as u8))
        .collect();
    let report = dir.path().join("web.txt");
    std::fs::write(
        &report,
        format!(
            "三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量 | {digits}\n行政复议 {} 行政诉讼\n",
            "2".repeat(40)
        ),
    )
    .unwrap();
    let (code, out, _) = run(&["check", report.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!(
            "web.txt:2:1: warning[unsplit_digits]: 收到和处理政府信息公开申请情况: 新收: digits printed without \
             separators ({digits}) can be cut into its cells in too many ways to try them all; \
             cells left unread"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "warning[unsplit_digits]: 政府信息公开行政复议、行政诉讼情况: 行政复议: digits printed without \
             separators ({}) cannot be split into its cells consistently; cells left unread",
            "2".repeat(40)
        )),
        "{out}"
    );
}

/// `-` reads a report from standard input (text piped from an extractor); it is named
/// `<stdin>` in the output, and no annotation file is looked for.
#[test]
fn a_report_piped_to_standard_input() {
    use std::io::Write;
    let mut child = gouji()
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(samples().join("000_baa44959fd9d628f.txt")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.starts_with(
            "<stdin>:342:2: error[balance]: 收到和处理政府信息公开申请情况: 自然人: 总计 + 结转下年 is 43"
        ),
        "{out}"
    );
    assert!(out.ends_with("checked 1 report(s): 1 with errors (4 error(s)), 0 relation(s) unchecked, 24 warning(s), 0 unreadable or without tables\n"), "{out}");
}

/// Folders contribute Markdown (`*.md`, what PDF and OCR converters write) beside text and HTML,
/// to `gouji check` and to the workbench's list alike, and it is read as layout H.
#[test]
fn folders_contribute_markdown_reports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown_pipe_table_cut_across_pages.md");
    std::fs::create_dir_all(root.join("converted")).unwrap();
    std::fs::copy(&fixture, root.join("converted/shanghai.md")).unwrap();
    std::fs::copy(
        samples().join("004_4760a96778e8f996.txt"),
        root.join("b.txt"),
    )
    .unwrap();
    std::fs::copy(&fixture, root.join("converted/shanghai.csv")).unwrap();
    let (code, out, err) = run(&["check", "--format", "json", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let reports: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files: Vec<&str> = reports
        .iter()
        .map(|v| v["file"].as_str().unwrap())
        .map(|f| f.strip_prefix(root.to_str().unwrap()).unwrap())
        .collect();
    assert_eq!(files, ["/b.txt", "/converted/shanghai.md"]);
    assert_eq!(
        reports[1]["applications"]["rows"]["other.overdue_correction"],
        serde_json::json!([40, 1, 0, 0, 2, 0, 43])
    );
    let listed = gouji::audit::collect_paths(&[root.to_path_buf()]).unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
}

/// A folder of copies of sample 000, each with annotations in one state.
fn annotated_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read(samples().join("000_baa44959fd9d628f.txt")).unwrap();
    let correction = |made_on: &str| {
        format!(
            "schema = 1\nreport = \"r.txt\"\nreport_hash = \"fnv1a64:0\"\n\n[[cell]]\ntable = \"applications\"\nrow = \"total\"\ncolumn = \"natural\"\nparsed = \"{made_on}\"\ncorrected = \"44\"\ntime = \"2026-11-23T10:00:00Z\"\n"
        )
    };
    for (name, annotations) in [
        ("applied.txt", Some(correction("43"))),
        ("corrupt.txt", Some("schema = [\n".to_string())),
        ("none.txt", None),
        ("stale.txt", Some(correction("42"))),
        (
            "newer.txt",
            Some("schema = 9\n[future]\nx = {\n".to_string()),
        ),
        (
            "unknown.txt",
            Some(correction("43").replace("row = \"total\"", "row = \"totl\"")),
        ),
        ("unreadable.txt", None),
    ] {
        std::fs::write(dir.path().join(name), &sample).unwrap();
        if let Some(a) = annotations {
            std::fs::write(dir.path().join(format!("{name}.gouji.toml")), a).unwrap();
        }
    }
    // A folder where the file should be: it cannot be read, whoever runs the test.
    std::fs::create_dir(dir.path().join("unreadable.txt.gouji.toml")).unwrap();
    dir
}

#[test]
fn json_and_csv_carry_every_reports_annotation_state_and_the_exit_status_says_it() {
    let dir = annotated_folder();
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["check", "--format", "json", d]);
    assert_eq!(code, 2, "annotations not applied: {err}");
    // Report objects (the copies of one report then meet as one agency-year, across reports).
    let states: Vec<(String, String, String)> = out
        .lines()
        .filter(|l| !l.contains("\"kind\":\"cross_report\""))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = v["file"].as_str().unwrap();
            let name = Path::new(file)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let a = &v["annotations"];
            (
                name,
                a["status"].as_str().unwrap().to_string(),
                a["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let status: Vec<(&str, &str)> = states
        .iter()
        .map(|(n, s, _)| (n.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        status,
        [
            ("applied.txt", "stale"),
            ("corrupt.txt", "corrupt"),
            ("newer.txt", "newer_schema"),
            ("none.txt", "none"),
            ("stale.txt", "stale"),
            ("unknown.txt", "stale"),
            ("unreadable.txt", "unreadable"),
        ]
    );
    let message = |n: &str| states.iter().find(|s| s.0 == n).unwrap().2.clone();
    // The report hash in the hand-written files is not the report's: said, and which
    // corrections still match.
    assert!(
        message("applied.txt").contains("1 of 1 correction(s) still match"),
        "{}",
        message("applied.txt")
    );
    assert!(message("stale.txt").contains("made on \"42\", the report now prints \"43\""));
    assert!(
        message("newer.txt").contains("newer gouji (schema 9"),
        "{}",
        message("newer.txt")
    );
    assert!(
        message("unknown.txt").contains("no row \"totl\""),
        "{}",
        message("unknown.txt")
    );
    assert!(message("corrupt.txt").contains("corrupt.txt.gouji.toml"));
    assert!(message("unreadable.txt").contains("unreadable.txt.gouji.toml"));

    let (code, out, err) = run(&["check", "--format", "csv", d]);
    assert_eq!(code, 2);
    for (name, state) in &status {
        let line = out
            .lines()
            .find(|l| l.contains(name) && l.contains(",applications,total,natural,"))
            .unwrap_or_else(|| panic!("{name}: {out}"));
        assert!(line.ends_with(&format!(",{state}")), "{line}");
        if *state != "none" {
            assert!(
                err.contains(&format!("{name}: ")),
                "{name} on stderr: {err}"
            );
        }
    }
    assert!(
        err.contains("corrupt.txt: warning: annotations not applied (corrupt)"),
        "{err}"
    );
    // Text: one line on stderr per report whose annotations are not simply applied.
    let (code, _, err) = run(&["check", d]);
    assert_eq!(code, 2);
    for name in [
        "corrupt.txt",
        "newer.txt",
        "stale.txt",
        "unknown.txt",
        "unreadable.txt",
    ] {
        assert!(
            err.contains(&format!("{name}: warning: annotations not applied")),
            "{name}: {err}"
        );
    }
    assert!(
        err.contains("applied.txt: note: annotations (stale)"),
        "{err}"
    );
    // Only the applied one and the one without annotations: exit status from findings.
    let only = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    assert_eq!(
        run(&["check", &only("applied.txt"), &only("none.txt")]).0,
        1
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_with_terminal_escapes_prints_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // OSC 52 (write the clipboard), OSC 2 (set the title) and an 8-bit CSI.
    let name = "r\u{1b}]52;c;aGkK\u{7}\u{1b}]2;owned\u{7}\u{9b}31m.txt";
    let p = dir.path().join(name);
    std::fs::copy(samples().join("000_baa44959fd9d628f.txt"), &p).unwrap();
    std::fs::write(
        dir.path().join(format!("{name}.gouji.toml")),
        "schema = [\n",
    )
    .unwrap();
    let fcsv = dir.path().join("f.csv");
    for format in ["text", "csv", "json"] {
        let out = gouji()
            .args(["check", "--format", format, "--findings-csv"])
            .arg(&fcsv)
            .arg(dir.path())
            .output()
            .unwrap();
        let findings = std::fs::read(&fcsv).unwrap();
        for (what, bytes) in [
            ("stdout", &out.stdout),
            ("stderr", &out.stderr),
            ("findings", &findings),
        ] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{9b}'),
                "{format} {what}: {text:?}"
            );
            let shown = if format == "json" && what == "stdout" {
                "r\\u001b]52;c;aGkK\\u0007\\u001b]2;owned\\u0007\\u009b31m.txt"
            } else {
                "r\\x1b]52;c;aGkK\\x07\\x1b]2;owned\\x07\\u{9b}31m.txt"
            };
            assert!(text.contains(shown), "{format} {what}: {text}");
        }
    }
    // Given on the command line and missing: the error message too.
    let (_, out, _) = run(&[
        "check",
        &format!("{}/gone\u{1b}]52;c;x\u{7}.txt", dir.path().display()),
    ]);
    assert!(
        !out.contains('\u{1b}') && out.contains("gone\\x1b]52"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn odd_but_ordinary_files_are_read_or_named_never_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = std::fs::read_to_string(samples().join("000_baa44959fd9d628f.txt")).unwrap();
    std::fs::write(
        d.join("utf16le.txt"),
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    std::fs::write(
        d.join("utf16be.txt"),
        text.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let mut ff = text.clone().into_bytes();
    let at = text.find("（七）总计").unwrap();
    ff.insert(at, 0xFF);
    std::fs::write(d.join("one_ff.txt"), &ff).unwrap();
    let mut nul = text.clone().into_bytes();
    let nl = text.find('\n').unwrap();
    nul[nl] = 0;
    std::fs::write(d.join("one_nul.txt"), &nul).unwrap();
    let fifo = d.join("pipe.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path owned by this test.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.txt")).unwrap();
    let nested = format!(
        "<html><body>{}<td>1{}</body></html>",
        "<table><tr><td>".repeat(400_000),
        "</td></tr></table>".repeat(400_000)
    );
    std::fs::write(d.join("nested.html"), nested).unwrap();

    let t = std::time::Instant::now();
    let child = gouji()
        .args(["check", "--format", "json"])
        .arg(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    // Never blocks on the FIFO: give it a generous bound, then fail rather than hang.
    let Ok(out) = rx.recv_timeout(std::time::Duration::from_secs(60)) else {
        let _ = std::process::Command::new("kill")
            .arg("-9")
            .arg(pid.to_string())
            .status();
        panic!("gouji check blocked");
    };
    let out = out.unwrap();
    eprintln!("checked in {:?}", t.elapsed());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by = |n: &str| {
        lines
            .iter()
            .find(|v| v["file"].as_str().unwrap().ends_with(n))
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    let errors = |v: &serde_json::Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .count()
    };
    for (n, enc) in [("utf16le.txt", "UTF-16LE"), ("utf16be.txt", "UTF-16BE")] {
        assert_eq!(by(n)["encoding"], enc);
        assert_eq!(
            (errors(by(n)), &by(n)["error"]),
            (4, &serde_json::Value::Null),
            "{n}"
        );
    }
    let ff = by("one_ff.txt");
    assert_eq!((ff["encoding"].as_str(), errors(ff)), (Some("UTF-8"), 4));
    assert!(
        ff["read_warnings"][0]
            .as_str()
            .unwrap()
            .contains(&format!("at byte offset {at}"))
    );
    let nul = by("one_nul.txt");
    assert_eq!(errors(nul), 4);
    assert!(nul["read_warnings"][0].as_str().unwrap().contains("NUL"));
    assert!(
        by("pipe.txt")["error"].as_str().unwrap().contains("FIFO"),
        "{}",
        by("pipe.txt")
    );
    assert!(
        by("zero.txt")["error"]
            .as_str()
            .unwrap()
            .contains("character device")
    );
    assert!(
        by("nested.html")["error"].is_string(),
        "no report in it, said"
    );
}

/// Verdicts saved by the workbench: `gouji check` marks them in text and JSON, leaves
/// dismissed errors out of `--errors-only` and of the exit status, and names a lapsed one.
#[test]
fn verdicts_are_shown_and_dismissed_errors_left_out() {
    use gouji::annotations::{Annotations, Op, VerdictEntry, VerdictKind};
    use gouji::audit::{ReadOptions, audit_file};
    use gouji::template::Templates;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("000_baa44959fd9d628f.txt");
    std::fs::copy(samples().join("000_baa44959fd9d628f.txt"), &report).unwrap();
    let templates = Templates::embedded().unwrap();
    let audit = audit_file(&report, &templates, &ReadOptions::default());
    let parsed = audit.report.as_ref().unwrap();
    let mut a = Annotations::new("000_baa44959fd9d628f.txt", &audit.hash);
    // Dismiss every error, confirm the first warning.
    for f in audit
        .findings
        .iter()
        .filter(|f| f.rule == "balance" || f.rule == "results_sum")
    {
        let v = VerdictEntry::new(f, parsed, VerdictKind::Dismissed, "原表如此");
        a.apply(&Op::Verdict(Box::new(v)), "2026-12-01T10:00:00Z", "李审");
    }
    let w = audit
        .findings
        .iter()
        .find(|f| f.rule == "blank_cells")
        .unwrap();
    let v = VerdictEntry::new(w, parsed, VerdictKind::Confirmed, "");
    a.apply(&Op::Verdict(Box::new(v)), "2026-12-01T10:00:00Z", "李审");
    let ann = dir.path().join("000_baa44959fd9d628f.txt.gouji.toml");
    std::fs::write(&ann, a.to_toml()).unwrap();
    assert!(
        a.to_toml().contains("[[verdict]]\nrule = \"balance\""),
        "{}",
        a.to_toml()
    );

    let (code, out, _) = run(&["check", "--errors-only", report.to_str().unwrap()]);
    assert_eq!(code, 0, "every error dismissed: {out}");
    assert!(!out.contains("error[balance]"), "{out}");
    let (_, out, _) = run(&["check", report.to_str().unwrap()]);
    assert!(
        out.contains("error[balance] [dismissed: 原表如此]: "),
        "text marker: {out}"
    );
    assert!(out.contains("warning[blank_cells] [confirmed]: "), "{out}");
    assert!(out.contains("with errors (0 error(s))"), "{out}");
    let (_, out, _) = run(&["check", "--format", "json", report.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["verdict"]["verdict"], "dismissed");
    assert_eq!(f["verdict"]["reason"], "原表如此");
    assert_eq!(f["verdict"]["lapsed"], serde_json::Value::Null);

    // A correction changes the numbers: the dismissals of the relations it touches lapse.
    let mut a2 = a.clone();
    a2.apply(
        &Op::Correct {
            cell: gouji::report::CellRef::new(
                gouji::template::TableKey::Applications,
                "new",
                "natural",
            ),
            parsed: "44".into(),
            value: "45".into(),
        },
        "2026-12-01T10:01:00Z",
        "李审",
    );
    std::fs::write(&ann, a2.to_toml()).unwrap();
    let (code, out, _) = run(&["check", "--errors-only", report.to_str().unwrap()]);
    assert_eq!(
        code, 1,
        "a lapsed dismissal no longer hides the error: {out}"
    );
    assert!(
        out.contains("[dismissal lapsed: the numbers changed since it was given ("),
        "{out}"
    );
    assert!(out.contains("was 44, now 45"), "{out}");
}

/// A corrupt annotation file is named on one line of stderr (the TOML error's caret diagram
/// folded, not printed as `\x0a` escapes), and gouji's own annotation files are not counted
/// among the files a folder held besides reports.
#[test]
fn a_corrupt_annotation_file_is_one_line_and_annotation_files_are_not_skipped_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        samples().join("000_baa44959fd9d628f.txt"),
        dir.path().join("r.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("r.txt.gouji.toml"), "schema = [\n").unwrap();
    let (code, out, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let line = err
        .lines()
        .find(|l| l.contains("annotations not applied (corrupt)"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.contains("unclosed array") && !line.contains("\\x0a"),
        "{line}"
    );
    let summary = out.lines().last().unwrap();
    assert!(summary.starts_with("checked 1 report(s)"), "{summary}");
    assert!(!summary.contains("skipped"), "{summary}");
}
