//! `gouji check --format xlsx --output FILE`: the workbook read back with calamine (what
//! LibreOffice and WPS open), its findings, cells, status sheets, and the red error cells.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};

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

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The XML of one part of the workbook.
fn part(path: &Path, name: &str) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_workbook_holds_findings_cells_statuses_and_red_error_cells() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let out = dir.path().join("audit.xlsx");
    let (code, stdout, err) = run(&[
        "check",
        "--format",
        "xlsx",
        "--output",
        out.to_str().unwrap(),
        samples.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "000 has errors\n{err}");
    assert!(
        stdout.contains("reports by outcome: 4 clean, 1 errors"),
        "{stdout}"
    );
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let names = wb.sheet_names().to_vec();
    assert_eq!(
        names,
        [
            "问题 findings",
            "单元格 cells",
            "待审 todo",
            "已审 reviewed",
            "存疑 flagged",
            "跨年 cross-report"
        ]
    );
    let findings = wb.worksheet_range("问题 findings").unwrap();
    let rows: Vec<Vec<String>> = findings
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(rows[0][0], "文件 file");
    // 000's balance error, with the cells in the template's Chinese labels and its line.
    let balance = rows
        .iter()
        .find(|r| r[0].ends_with("000_baa44959fd9d628f.txt") && r[3] == "balance")
        .expect("000's balance error");
    assert_eq!(balance[1], "文峰区人民政府");
    assert_eq!(balance[2], "2019");
    assert_eq!(balance[4], "error");
    assert!(
        balance[5].contains("本年新收政府信息公开申请数量"),
        "{balance:?}"
    );
    assert!(balance[11].contains(':'), "line:col {balance:?}");
    // 003's narrative warning, its sentence in the message.
    assert!(
        rows.iter()
            .any(|r| r[0].ends_with("003_1160e2568716ca2c.txt")
                && r[3] == "narrative_table"
                && r[12].contains("未收到依申请公开事项"))
    );
    // Every cell of every report: 003's 结转下年 自然人 is 7.
    let cells = wb.worksheet_range("单元格 cells").unwrap();
    assert!(
        cells
            .rows()
            .any(|r| text(&r[0]).ends_with("003_1160e2568716ca2c.txt")
                && text(&r[2]) == "四、结转下年度继续办理"
                && text(&r[3]) == "自然人"
                && text(&r[4]) == "7"
                && text(&r[5]) == "7")
    );
    // No report has annotations here: all five are to do.
    let todo = wb.worksheet_range("待审 todo").unwrap();
    assert_eq!(todo.rows().count(), 6);

    // The red: a fill of FF9999 in the styles, used by the error rows' severity cell and not
    // by a warning's.
    let styles = part(&out, "xl/styles.xml");
    assert!(styles.contains("FF9999"), "{styles}");
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    let row_of = |needle: &str| -> String {
        let i = sheet.find(needle).unwrap();
        let start = sheet[..i].rfind("<row").unwrap();
        let end = i + sheet[i..].find("</row>").unwrap();
        sheet[start..end].to_string()
    };
    let error_row = row_of(">balance<");
    let warning_row = row_of(">narrative_table<");
    let severity_cell = |row: &str| -> String {
        let i = row.find("<c r=\"E").unwrap();
        row[i..i + row[i..].find('>').unwrap()].to_string()
    };
    assert!(severity_cell(&error_row).contains(" s=\""), "{error_row}");
    assert!(
        !severity_cell(&warning_row).contains(" s=\""),
        "{warning_row}"
    );
}

#[test]
fn xlsx_needs_an_output_file() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let (code, _, err) = run(&["check", "--format", "xlsx", samples.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("--output"), "{err}");
}

/// A reviewer's correction carries its provenance everywhere: JSON `corrections` (original,
/// value, line:col, who), the cells CSV (`corrected,original,line,col`), the xlsx cells sheet.
#[test]
fn corrections_carry_their_provenance_in_json_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let name = "000_baa44959fd9d628f.txt";
    let report = dir.path().join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/samples")
            .join(name),
        &report,
    )
    .unwrap();
    std::fs::write(
        dir.path().join(format!("{name}.gouji.toml")),
        format!(
            "schema = 1\nreport = \"{name}\"\nreport_hash = \"fnv1a64:0\"\nstatus = \"reviewed\"\n\
             reviewer = \"李审核\"\n\n[[cell]]\ntable = \"applications\"\nrow = \"total\"\n\
             column = \"natural\"\nparsed = \"43\"\ncorrected = \"44\"\ntime = \"2026-11-23T11:03:56Z\"\n"
        ),
    )
    .unwrap();
    let (_, out, err) = run(&["check", "--format", "json", report.to_str().unwrap()]);
    let j: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(
        j["corrections"],
        serde_json::json!([{"table": "applications", "row": "total", "column": "natural",
            "original": "43", "corrected": 44, "line": 342, "col": 2, "by": "李审核"}]),
        "{err}"
    );
    let (_, csv, _) = run(&["check", "--format", "csv", report.to_str().unwrap()]);
    assert!(
        csv.lines()
            .any(|l| l.contains(",applications,total,natural,44,44,true,43,342,2,")),
        "{csv}"
    );
    let xlsx = dir.path().join("out.xlsx");
    run(&[
        "check",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
        report.to_str().unwrap(),
    ]);
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let cells = wb.worksheet_range("单元格 cells").unwrap();
    let row: Vec<String> = cells
        .rows()
        .find(|r| text(&r[2]) == "(七)总计" && text(&r[3]) == "自然人")
        .map(|r| r.iter().map(text).collect())
        .expect("the corrected cell");
    assert_eq!(&row[4..], ["43", "43", "44", "李审核", "342:2"]);
    let reviewed = wb.worksheet_range("已审 reviewed").unwrap();
    assert_eq!(reviewed.rows().count(), 2);
}
