//! The parsed report: tables of cells, each cell traceable to its bytes in the source text.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::html::Origin;

use crate::template::{Key, TableKey};
use crate::text::{LineIndex, Value};

/// One cell as the report printed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell's text exactly as in the report (trimmed of surrounding white space).
    pub raw: String,
    /// The value derived from `raw`; `Value::Blank` for an empty cell.
    pub value: Value,
    /// Byte range into [`Report::text`] where `raw` stands.
    pub span: Range<usize>,
    /// True when the cell was split by arithmetic from digits printed without separators.
    pub inferred: bool,
}

/// A data row of a table. `cells[i]` belongs to `columns[i]`; `None` is a cell the report
/// does not have at all (row missing or cut short), as opposed to a blank cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: Key,
    pub columns: Vec<Key>,
    pub cells: Vec<Option<Cell>>,
    /// Where the row's label stands in the text, when it was found.
    pub label_span: Option<Range<usize>>,
}

impl Row {
    pub fn found(&self) -> bool {
        self.cells.iter().any(Option::is_some)
    }

    /// True when the report prints the row: it has a cell, or its label was found although
    /// its cells could not be read.
    pub fn located(&self) -> bool {
        self.found() || self.label_span.is_some()
    }

    pub fn cell(&self, column: &str) -> Option<&Cell> {
        let i = self.columns.iter().position(|c| *c == column)?;
        self.cells[i].as_ref()
    }
}

/// A parsed table: every row of the template, in template order.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub key: TableKey,
    pub rows: Vec<Row>,
    /// Optional columns this report prints (e.g. `org_subtotal`): checked, not exported.
    pub extra_columns: Vec<Key>,
    /// Where the table's first recognised text stands, when it was found.
    pub anchor: Option<Range<usize>>,
}

impl Table {
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    pub fn row_mut(&mut self, key: &str) -> Option<&mut Row> {
        self.rows.iter_mut().find(|r| r.key == key)
    }

    pub fn cell(&self, row: &str, column: &str) -> Option<&Cell> {
        self.row(row)?.cell(column)
    }

    /// True when the report should print `row`: every row but the 2021 split of （六）其他处理
    /// when the report prints the single 2019 row instead (and it is found).
    pub fn expects(&self, row: &Row) -> bool {
        row.found()
            || row.label_span.is_some()
            || !(row.key.starts_with("other.") && self.row("other").is_some_and(Row::found))
    }

    /// True when at least one row of the table has a cell.
    pub fn found(&self) -> bool {
        self.rows.iter().any(Row::found)
    }

    /// True when the report prints the table: a row has a cell, or a row's label (or table
    /// 四's header) was found although its cells could not be read.
    pub fn located(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.found() || r.label_span.is_some())
    }
}

/// Names one cell of a report.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct CellRef {
    pub table: String,
    pub row: String,
    pub column: String,
}

impl CellRef {
    pub fn new(table: TableKey, row: &str, column: &str) -> CellRef {
        CellRef {
            table: table.as_str().into(),
            row: row.into(),
            column: column.into(),
        }
    }
}

/// A report: its decoded text and the tables parsed from it.
#[derive(Debug, Clone)]
pub struct Report {
    pub path: PathBuf,
    /// The decoded text; every span in the report indexes into it.
    pub text: String,
    pub encoding: &'static str,
    /// Template generation id ("2019", "2021"), `None` when no table wording was found.
    pub template: Option<String>,
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// Active, applications and review, in that order.
    pub tables: Vec<Table>,
    /// The HTML page `text` was extracted from (layout G); `None` for report text.
    pub origin: Option<Arc<Origin>>,
    /// The PDF or Word document `text` was extracted from (its pages, how it was read); its
    /// own `text` is left empty, as `text` above holds it.
    pub document: Option<Arc<crate::document::Extracted>>,
    /// Built on first use: a batch run in JSON never needs it.
    lines: OnceLock<LineIndex>,
}

impl Report {
    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn new(path: PathBuf, text: String, encoding: &'static str) -> Report {
        Report {
            lines: OnceLock::new(),
            path,
            text,
            encoding,
            template: None,
            agency: None,
            year: None,
            tables: Vec::new(),
            origin: None,
            document: None,
        }
    }

    pub fn table(&self, key: TableKey) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }

    pub fn table_mut(&mut self, key: TableKey) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.key == key)
    }

    pub fn cell(&self, r: &CellRef) -> Option<&Cell> {
        self.table(TableKey::parse(&r.table)?)?
            .cell(&r.row, &r.column)
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// 1-based line and column of a byte offset into `text`, in the file as saved: in the
    /// HTML page for text extracted from one, else as [`Report::line_col`].
    pub fn source_line_col(&self, offset: usize) -> (usize, usize) {
        match &self.origin {
            Some(o) => o.line_col(offset),
            None => self.line_col(offset),
        }
    }

    /// The 1-based page of the PDF holding byte `offset` of `text`; `None` for files without
    /// pages.
    pub fn page_of(&self, offset: usize) -> Option<usize> {
        self.document.as_ref()?.page_of(offset)
    }

    /// Number of lines in the text.
    pub fn line_count(&self) -> usize {
        self.lines().count()
    }

    /// Byte range of 0-based line `i`, without its line ending.
    pub fn line_span(&self, i: usize) -> Range<usize> {
        self.lines().line_span(&self.text, i)
    }
}
