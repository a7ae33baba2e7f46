//! Excel export (`gouji check --format xlsx --output FILE`): auditors and their supervisors
//! work in Excel/WPS. Sheets: 问题 findings (file, agency, year, rule, severity, the cells in
//! the template's Chinese labels, found, expected, suggestion, the reviewer's verdict and note,
//! line:col), 单元格 cells (every cell: raw as printed, value, corrected value and who corrected
//! it; a cell in an error finding filled red), one sheet per review status (待审 todo, 已审
//! reviewed, 存疑 flagged), and 跨年 the cross-report findings.
//!
//! Written in rust_xlsxwriter's constant-memory mode: rows go to temporary files as they come,
//! so a large run's memory stays flat. A sheet that reaches Excel's row limit is continued on
//! a new sheet of the same name and a number.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use crate::annotations::{Status, cell_label};
use crate::audit::Audit;
use crate::checker::Severity;
use crate::export::{corrections, finding_line_col, verdict_of};
use crate::report::CellRef;
use crate::series::CrossFinding;
use crate::template::Templates;
use crate::text::format_num;

/// Excel's last row is 1,048,576; one is the header.
const MAX_ROWS: u32 = 1_048_575;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Findings,
    Cells,
    Todo,
    Reviewed,
    Flagged,
    Cross,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Findings,
        Kind::Cells,
        Kind::Todo,
        Kind::Reviewed,
        Kind::Flagged,
        Kind::Cross,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Findings => "问题 findings",
            Kind::Cells => "单元格 cells",
            Kind::Todo => "待审 todo",
            Kind::Reviewed => "已审 reviewed",
            Kind::Flagged => "存疑 flagged",
            Kind::Cross => "跨年 cross-report",
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Kind::Findings => &[
                "文件 file",
                "机关 agency",
                "年度 year",
                "规则 rule",
                "级别 severity",
                "单元格 cells",
                "实际 found",
                "应为 expected",
                "建议 suggestion",
                "审核结论 verdict",
                "审核意见 note",
                "行:列 line:col",
                "说明 message",
            ],
            Kind::Cells => &[
                "文件 file",
                "表 table",
                "行 row",
                "列 column",
                "原文 raw",
                "数值 value",
                "更正值 corrected",
                "更正人 corrected by",
                "行:列 line:col",
            ],
            Kind::Todo | Kind::Reviewed | Kind::Flagged => &[
                "文件 file",
                "机关 agency",
                "年度 year",
                "错误 errors",
                "未核 unchecked",
                "警告 warnings",
                "审核人 reviewer",
                "备注 note",
                "无法读取 unreadable",
            ],
            Kind::Cross => &[
                "规则 rule",
                "级别 severity",
                "机关 agency",
                "本年文件 file",
                "年度 year",
                "上年文件 previous",
                "上年 previous year",
                "实际 found",
                "应为 expected",
                "重复比例 share",
                "说明 message",
            ],
        }
    }
}

/// One sheet being written: its index in the workbook, the next row, and how many sheets of
/// its kind there are.
struct Sheet {
    index: usize,
    row: u32,
    parts: u32,
}

/// An xlsx file being written, report by report.
pub struct XlsxWriter {
    workbook: Workbook,
    path: PathBuf,
    sheets: Vec<Sheet>,
    red: Format,
    bold: Format,
}

fn err(e: XlsxError) -> anyhow::Error {
    anyhow::anyhow!("xlsx: {e}")
}

impl XlsxWriter {
    /// Starts a workbook to be saved at `path` by [`XlsxWriter::finish`].
    pub fn new(path: &Path) -> anyhow::Result<XlsxWriter> {
        let mut w = XlsxWriter {
            workbook: Workbook::new(),
            path: path.to_path_buf(),
            sheets: Vec::new(),
            red: Format::new()
                .set_background_color(Color::RGB(0xFF_9999))
                .set_font_color(Color::RGB(0x9C_0006)),
            bold: Format::new().set_bold(),
        };
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            w.add_sheet(k, k.name().to_string())?;
            w.sheets.push(Sheet {
                index: i,
                row: 1,
                parts: 1,
            });
        }
        Ok(w)
    }

    fn add_sheet(&mut self, k: Kind, name: String) -> anyhow::Result<usize> {
        let bold = self.bold.clone();
        let ws = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(err)?;
        ws.set_name(&name).map_err(err)?;
        for (c, h) in k.header().iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(err)?;
            ws.set_column_width(c as u16, if c == 0 { 36 } else { 14 })
                .map_err(err)?;
        }
        Ok(self.workbook.worksheets().len() - 1)
    }

    /// The sheet of `k` and the row to write next, continuing on a new sheet when full.
    fn next_row(&mut self, k: Kind) -> anyhow::Result<(&mut Worksheet, u32)> {
        let i = k as usize;
        if self.sheets[i].row > MAX_ROWS {
            let part = self.sheets[i].parts + 1;
            let index = self.add_sheet(k, format!("{} {part}", k.name()))?;
            self.sheets[i] = Sheet {
                index,
                row: 1,
                parts: part,
            };
        }
        let s = &mut self.sheets[i];
        let row = s.row;
        s.row += 1;
        let ws = self.workbook.worksheet_from_index(s.index).map_err(err)?;
        Ok((ws, row))
    }

    /// Writes a row of texts and numbers; `red` columns are filled red.
    fn write(&mut self, k: Kind, cells: &[Val], red: &[usize]) -> anyhow::Result<()> {
        let fmt = self.red.clone();
        let (ws, row) = self.next_row(k)?;
        for (c, v) in cells.iter().enumerate() {
            let c16 = c as u16;
            let r = red.contains(&c);
            match (v, r) {
                (Val::S(s), false) => ws.write_string(row, c16, s).map(|_| ()),
                (Val::S(s), true) => ws.write_string_with_format(row, c16, s, &fmt).map(|_| ()),
                (Val::N(n), false) => ws.write_number(row, c16, *n).map(|_| ()),
                (Val::N(n), true) => ws.write_number_with_format(row, c16, *n, &fmt).map(|_| ()),
                (Val::None, false) => Ok(()),
                (Val::None, true) => ws.write_blank(row, c16, &fmt).map(|_| ()),
            }
            .map_err(err)?;
        }
        Ok(())
    }

    /// Adds one audited report: its findings, its cells and its status row.
    pub fn add(&mut self, a: &Audit, shown: &str, templates: &Templates) -> anyhow::Result<()> {
        let report = a.checked();
        let template = report.and_then(|r| templates.for_id(r.template.as_deref()));
        let agency = report.and_then(|r| r.agency.clone()).unwrap_or_default();
        let year = report.and_then(|r| r.year).map(f64::from);
        let year_v = || year.map_or(Val::None, Val::N);
        let mut error_cells: BTreeSet<CellRef> = BTreeSet::new();
        if let Some(e) = &a.error {
            self.write(
                Kind::Findings,
                &[
                    Val::s(shown),
                    Val::s(&agency),
                    year_v(),
                    Val::s("unreadable"),
                    Val::s("error"),
                    Val::None,
                    Val::None,
                    Val::None,
                    Val::None,
                    Val::None,
                    Val::None,
                    Val::None,
                    Val::s(e),
                ],
                &[4],
            )?;
        }
        for f in &a.findings {
            let labels: Vec<String> = f
                .cells
                .iter()
                .map(|(r, c)| cell_label(template, &CellRef::new(f.table, r, c)))
                .collect();
            if f.severity == Severity::Error {
                error_cells.extend(f.cells.iter().map(|(r, c)| CellRef::new(f.table, r, c)));
            }
            let suggestion = f.suggestion.as_ref().map_or(String::new(), |s| {
                format!(
                    "{} → {}",
                    cell_label(template, &CellRef::new(f.table, s.row, s.column)),
                    format_num(s.value)
                )
            });
            let (verdict, note) = verdict_of(a, f).unwrap_or_default();
            let at = finding_line_col(a, f).map_or(String::new(), |(l, c)| format!("{l}:{c}"));
            let red: &[usize] = if f.severity == Severity::Error {
                &[4, 5, 6]
            } else {
                &[]
            };
            self.write(
                Kind::Findings,
                &[
                    Val::s(shown),
                    Val::s(&agency),
                    year_v(),
                    Val::s(f.rule),
                    Val::s(f.severity.as_str()),
                    Val::s(&labels.join("; ")),
                    f.found.map_or(Val::None, Val::N),
                    f.expected.map_or(Val::None, Val::N),
                    Val::s(&suggestion),
                    Val::s(&verdict),
                    Val::s(&note),
                    Val::s(&at),
                    Val::s(&f.message),
                ],
                red,
            )?;
        }
        if let Some(report) = report {
            let corrected = corrections(a);
            for table in &report.tables {
                let spec = template.map(|t| t.table(table.key));
                for row in &table.rows {
                    for (col, cell) in row.columns.iter().zip(&row.cells) {
                        if table.extra_columns.contains(col) {
                            continue;
                        }
                        let r = CellRef::new(table.key, row.key, col);
                        let fix = corrected
                            .iter()
                            .find(|c| c.table == r.table && c.row == r.row && c.column == r.column);
                        let (raw, at) = match fix {
                            Some(c) => (
                                c.original.map_or(String::new(), |o| o.raw.clone()),
                                c.line_col,
                            ),
                            None => (
                                cell.as_ref().map_or(String::new(), |c| c.raw.clone()),
                                cell.as_ref().map(|c| report.source_line_col(c.span.start)),
                            ),
                        };
                        let value = match fix.and_then(|c| c.original) {
                            Some(o) => o.value.clone(),
                            None if fix.is_some() => crate::text::Value::Blank,
                            None => cell
                                .as_ref()
                                .map_or(crate::text::Value::Blank, |c| c.value.clone()),
                        };
                        let value = match value {
                            crate::text::Value::Blank => Val::None,
                            crate::text::Value::Text(t) => Val::S(t),
                            v => Val::N(v.as_f64()),
                        };
                        let row_label = spec
                            .and_then(|s| s.row(row.key))
                            .and_then(|r| r.labels.first())
                            .map_or(row.key, String::as_str);
                        let col_label = spec
                            .and_then(|s| s.column(col))
                            .and_then(|c| c.labels.first())
                            .map_or(*col, String::as_str);
                        let red: &[usize] = if error_cells.contains(&r) {
                            &[4, 5]
                        } else {
                            &[]
                        };
                        self.write(
                            Kind::Cells,
                            &[
                                Val::s(shown),
                                Val::s(table.key.title()),
                                Val::s(row_label),
                                Val::s(col_label),
                                Val::S(raw),
                                value,
                                fix.and_then(|c| c.corrected)
                                    .map_or(Val::None, |c| Val::S(c.raw.clone())),
                                fix.map_or(Val::None, |c| {
                                    Val::s(if c.by.is_empty() { "reviewer" } else { c.by })
                                }),
                                at.map_or(Val::None, |(l, c)| Val::S(format!("{l}:{c}"))),
                            ],
                            red,
                        )?;
                    }
                }
            }
        }
        let (status, reviewer, note) =
            a.annotations
                .as_ref()
                .map_or((Status::Todo, String::new(), String::new()), |l| {
                    (
                        l.annotations.status,
                        l.annotations.reviewer.clone(),
                        l.annotations.note.clone(),
                    )
                });
        let kind = match status {
            Status::Todo => Kind::Todo,
            Status::Reviewed => Kind::Reviewed,
            Status::Flagged => Kind::Flagged,
        };
        let errors = a.errors();
        self.write(
            kind,
            &[
                Val::s(shown),
                Val::s(&agency),
                year_v(),
                Val::N(errors as f64),
                Val::N(a.unchecked() as f64),
                Val::N(a.warnings() as f64),
                Val::S(reviewer),
                Val::S(note),
                Val::s(a.error.as_deref().unwrap_or("")),
            ],
            if errors > 0 || a.error.is_some() {
                &[3]
            } else {
                &[]
            },
        )
    }

    /// Adds a cross-report finding.
    pub fn add_cross(&mut self, f: &CrossFinding) -> anyhow::Result<()> {
        let error = f.severity == Some(Severity::Error);
        self.write(
            Kind::Cross,
            &[
                Val::s(f.rule),
                Val::s(f.severity.map_or("", Severity::as_str)),
                Val::s(&f.agency),
                Val::s(&f.file),
                Val::N(f64::from(f.year)),
                Val::s(&f.previous),
                f.previous_year.map_or(Val::None, |y| Val::N(f64::from(y))),
                f.found.map_or(Val::None, Val::N),
                f.expected.map_or(Val::None, Val::N),
                f.share.map_or(Val::None, Val::N),
                Val::s(&f.message),
            ],
            if error { &[1, 7] } else { &[] },
        )
    }

    /// Saves the workbook.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.workbook
            .save(&self.path)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", self.path.display()))
    }
}

/// A cell value for the sheet.
enum Val {
    S(String),
    N(f64),
    None,
}

impl Val {
    fn s(s: &str) -> Val {
        Val::S(s.to_string())
    }
}
