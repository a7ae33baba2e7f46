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
        out.contains("000_baa44959fd9d628f.txt:342:2: error[results_sum]: applications: 自然人"),
        "{out}"
    );
    assert!(
        out.contains("suggestion: total/natural should probably be 44"),
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
            "page.html:{line}:{col}: error[results_sum]: applications: 自然人"
        )),
        "{out}"
    );
    assert!(
        out.contains("suggestion: total/natural should probably be 44"),
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
        "file,table,row,column,raw,value,corrected,original,line,col"
    );
    // 2021: 6 active rows (3+3+1+1+1+1 cells), 25 application rows × 7, 15 review cells.
    assert_eq!(lines.len() - 1, 10 + 25 * 7 + 15);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",applications,carried_forward,natural,7,7,false,,")),
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
        out.contains("prose.txt: warning[missing_table]: applications"),
        "{out}"
    );
    assert!(out.contains("checked 4 report(s): 0 with errors"), "{out}");
    // Documents named explicitly: say what they are and how to get text from them.
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
    assert!(
        out.contains("report.pdf: error: a PDF document, not text: extract its text first"),
        "{out}"
    );
    assert!(
        out.contains(
            "report.docx: error: a Word (.docx) document, not text: save it as plain text"
        ),
        "{out}"
    );
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
             without tables; 1 folder(s) not listed\n"
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
    let (code, out, _) = run(&["check", "--errors-only", report.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("changed since its annotations were written"),
        "hash differs: {out}"
    );
    let (code, out, _) = run(&["check", "--format", "json", report.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("\"total\":[44,null,null,null,null,null,44]"),
        "{out}"
    );
    let (code, _, _) = run(&["check", "--no-corrections", report.to_str().unwrap()]);
    assert_eq!(code, 1);
    // A corrupt annotation file: reported, not applied, left byte for byte.
    std::fs::write(&ann, "schema = [\n").unwrap();
    let (code, out, _) = run(&["check", report.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("annotations not applied")
            && out.contains("000_baa44959fd9d628f.txt.gouji.toml"),
        "{out}"
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
    assert_eq!((code, code1), (1, 1));
    let reports = all
        .lines()
        .filter(|l| !l.contains("\"kind\":\"cross_report\""))
        .count();
    assert_eq!(reports, 15, "{all}");
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
            "web.txt:2:1: warning[unsplit_digits]: applications: row new: digits printed without \
             separators ({digits}) can be cut into its cells in too many ways to try them all; \
             cells left unread"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "warning[unsplit_digits]: review: row reconsideration: digits printed without \
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
            "<stdin>:342:2: error[balance]: applications: 自然人: 总计 + 结转下年 is 43"
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
