//! Review annotations: one TOML file per report holding status, notes and cell corrections.
//!
//! Files sit beside the report as `<report file name>.gouji.toml`, or in an annotations
//! directory named after the report's path below the folder it was found in ([`store`]). A
//! correction applies only while its cell still holds the value it was made on
//! ([`apply_corrections`]). Every change is one [`Op`] on one [`Field`], written by [`save`] as
//! a transaction: under the folder's lock the file is read as it is now, the op applied on top
//! of whatever other instances wrote, and the result written atomically ([`write_atomic`]:
//! temp file, fsync, rename, mode and owner kept). A change to a field another instance
//! changed since this one read it is refused, naming both values. A file that cannot be
//! parsed, or comes from a newer schema, is reported and never overwritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::CellRef;

mod corrections;
pub mod store;
pub mod verdicts;
mod write;

pub use corrections::{Corrected, StaleCorrection, apply_corrections, cell_label};
pub use store::AnnotationStore;
pub use verdicts::{Judged, VerdictEntry, VerdictKind};

pub const SCHEMA: u32 = 1;

/// Review status of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Todo,
    Reviewed,
    Flagged,
}

/// A corrected or annotated cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellEntry {
    pub table: String,
    pub row: String,
    pub column: String,
    /// The cell's text as the parser read it ("" for blank or absent).
    pub parsed: String,
    /// The reviewer's value; absent when the entry only carries a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// UTC time of the last change, RFC 3339.
    pub time: String,
}

impl CellEntry {
    pub fn cell_ref(&self) -> CellRef {
        CellRef {
            table: self.table.clone(),
            row: self.row.clone(),
            column: self.column.clone(),
        }
    }
}

/// Everything a reviewer recorded about one report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotations {
    pub schema: u32,
    /// File name of the report the annotations belong to.
    pub report: String,
    /// Hash of the report's bytes when the annotations were last written.
    pub report_hash: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub updated: String,
    /// Sorted by (table, row, column) so two reviewers' files diff cleanly.
    #[serde(default, rename = "cell", skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<CellEntry>,
    /// Verdicts on findings, sorted by (table, rule, cells).
    #[serde(default, rename = "verdict", skip_serializing_if = "Vec::is_empty")]
    pub verdicts: Vec<VerdictEntry>,
}

impl Annotations {
    pub fn new(report: &str, report_hash: &str) -> Annotations {
        Annotations {
            schema: SCHEMA,
            report: report.into(),
            report_hash: report_hash.into(),
            status: Status::Todo,
            reviewer: String::new(),
            note: String::new(),
            updated: String::new(),
            cells: Vec::new(),
            verdicts: Vec::new(),
        }
    }

    pub fn entry(&self, r: &CellRef) -> Option<&CellEntry> {
        self.cells
            .iter()
            .find(|c| c.table == r.table && c.row == r.row && c.column == r.column)
    }

    pub fn corrections(&self) -> usize {
        self.cells.iter().filter(|c| c.corrected.is_some()).count()
    }

    /// Applies one change, stamping it with `time` and `reviewer`.
    pub fn apply(&mut self, op: &Op, time: &str, reviewer: &str) {
        match op {
            Op::Correct {
                cell,
                parsed,
                value,
            } => {
                let e = self.entry_mut(cell, parsed, time);
                // Made on what the cell holds now: a stale correction corrected again is current.
                e.parsed = parsed.clone();
                e.corrected = Some(value.clone());
            }
            Op::Revert { cell } => {
                if let Some(i) = self.position(cell) {
                    self.cells[i].corrected = None;
                    self.cells[i].time = time.into();
                    if self.cells[i].note.is_empty() {
                        self.cells.remove(i);
                    }
                }
            }
            Op::CellNote { cell, parsed, note } => {
                let e = self.entry_mut(cell, parsed, time);
                e.note = note.clone();
                if note.is_empty()
                    && e.corrected.is_none()
                    && let Some(i) = self.position(cell)
                {
                    self.cells.remove(i);
                }
            }
            Op::ReportNote(n) => self.note = n.clone(),
            Op::Verdict(v) => {
                self.verdicts
                    .retain(|old| !old.names(&v.rule, &v.table, &v.cells));
                let mut v = (**v).clone();
                v.time = time.into();
                self.verdicts.push(v);
                self.verdicts.sort_by(|a, b| {
                    (&a.table, &a.rule, &a.cells).cmp(&(&b.table, &b.rule, &b.cells))
                });
            }
            Op::ClearVerdict { rule, table, cells } => {
                self.verdicts.retain(|old| !old.names(rule, table, cells));
            }
            Op::SetStatus(s) => self.status = *s,
            Op::RestoreCell { cell, entry } => {
                if let Some(i) = self.position(cell) {
                    self.cells.remove(i);
                }
                if let Some(e) = entry {
                    self.cells.push((**e).clone());
                }
            }
        }
        self.updated = time.into();
        if !reviewer.is_empty() {
            self.reviewer = reviewer.into();
        }
        self.cells
            .sort_by(|a, b| (&a.table, &a.row, &a.column).cmp(&(&b.table, &b.row, &b.column)));
    }

    fn position(&self, r: &CellRef) -> Option<usize> {
        self.cells
            .iter()
            .position(|c| c.table == r.table && c.row == r.row && c.column == r.column)
    }

    fn entry_mut(&mut self, r: &CellRef, parsed: &str, time: &str) -> &mut CellEntry {
        let i = match self.position(r) {
            Some(i) => i,
            None => {
                self.cells.push(CellEntry {
                    table: r.table.clone(),
                    row: r.row.clone(),
                    column: r.column.clone(),
                    parsed: parsed.into(),
                    ..CellEntry::default()
                });
                self.cells.len() - 1
            }
        };
        let e = &mut self.cells[i];
        e.time = time.into();
        e
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// One change a reviewer makes; applied to memory and, merged, to the file on disk. Every
/// change touches one [`Field`]: undo and redo are changes too (to what the field held),
/// never a whole snapshot, so they leave the other fields, and other instances' changes, alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Correct {
        cell: CellRef,
        parsed: String,
        value: String,
    },
    Revert {
        cell: CellRef,
    },
    CellNote {
        cell: CellRef,
        parsed: String,
        note: String,
    },
    ReportNote(String),
    SetStatus(Status),
    /// Undo/redo of a cell change: the cell's entry as it was (`None`: no entry).
    RestoreCell {
        cell: CellRef,
        entry: Option<Box<CellEntry>>,
    },
    /// A verdict on a finding, replacing any earlier one on the same rule and cells.
    Verdict(Box<VerdictEntry>),
    /// Withdraws the verdict on the finding named by (rule, table, cells).
    ClearVerdict {
        rule: String,
        table: String,
        cells: Vec<String>,
    },
}

/// What one [`Op`] changes: one cell's entry, the report's status, the report's note, or the
/// verdict on one finding (rule, table, cells).
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Cell(CellRef),
    Status,
    ReportNote,
    Verdict {
        rule: String,
        table: String,
        cells: Vec<String>,
    },
}

impl Op {
    pub fn field(&self) -> Field {
        match self {
            Op::Correct { cell, .. }
            | Op::Revert { cell }
            | Op::CellNote { cell, .. }
            | Op::RestoreCell { cell, .. } => Field::Cell(cell.clone()),
            Op::ReportNote(_) => Field::ReportNote,
            Op::SetStatus(_) => Field::Status,
            Op::Verdict(v) => Field::Verdict {
                rule: v.rule.clone(),
                table: v.table.clone(),
                cells: v.cells.clone(),
            },
            Op::ClearVerdict { rule, table, cells } => Field::Verdict {
                rule: rule.clone(),
                table: table.clone(),
                cells: cells.clone(),
            },
        }
    }
}

impl Field {
    /// What the field holds in `a`, as compared for conflicts (time stamps aside) and named
    /// in their messages.
    fn value(&self, a: &Annotations) -> String {
        match self {
            Field::Cell(cell) => match a.entry(cell) {
                None => "no correction".into(),
                Some(e) => {
                    let mut v = match &e.corrected {
                        Some(c) => format!("corrected to {c:?} (made on {:?})", e.parsed),
                        None => "no correction".into(),
                    };
                    if !e.note.is_empty() {
                        v.push_str(&format!(", note {:?}", e.note));
                    }
                    v
                }
            },
            Field::Status => format!("{:?}", a.status).to_lowercase(),
            Field::ReportNote => format!("note {:?}", a.note),
            Field::Verdict { rule, table, cells } => {
                match a.verdicts.iter().find(|v| v.names(rule, table, cells)) {
                    None => "no verdict".into(),
                    Some(v) if v.reason.is_empty() => v.verdict.as_str().into(),
                    Some(v) => format!("{} ({:?})", v.verdict.as_str(), v.reason),
                }
            }
        }
    }

    /// The change that puts the field back to what it holds in `a`.
    fn restore(&self, a: &Annotations) -> Op {
        match self {
            Field::Cell(cell) => Op::RestoreCell {
                cell: cell.clone(),
                entry: a.entry(cell).cloned().map(Box::new),
            },
            Field::Status => Op::SetStatus(a.status),
            Field::ReportNote => Op::ReportNote(a.note.clone()),
            Field::Verdict { rule, table, cells } => {
                match a.verdicts.iter().find(|v| v.names(rule, table, cells)) {
                    Some(v) => Op::Verdict(Box::new(v.clone())),
                    None => Op::ClearVerdict {
                        rule: rule.clone(),
                        table: table.clone(),
                        cells: cells.clone(),
                    },
                }
            }
        }
    }

    fn name(&self) -> String {
        match self {
            Field::Cell(c) => format!("cell {} {} / {}", c.table, c.row, c.column),
            Field::Status => "the report's status".into(),
            Field::ReportNote => "the report's note".into(),
            Field::Verdict { rule, cells, .. } => {
                format!("the verdict on {rule} ({})", cells.join(", "))
            }
        }
    }
}

/// Why annotations could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AnnotationError {
    #[error("{path}: {message} (the file is kept as it is and will not be overwritten)")]
    Corrupt { path: PathBuf, message: String },
    #[error(
        "{path}: written by a newer gouji (schema {schema}; this one reads schema {SCHEMA}): \
         not applied, kept as it is and never overwritten; update gouji to read it"
    )]
    NewerSchema { path: PathBuf, schema: u64 },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Another instance changed what this change would change since this one read the file:
    /// nothing was written, and `current` is the file as it is now.
    #[error("{message}")]
    Conflict {
        message: String,
        current: Box<Loaded>,
    },
}

impl AnnotationError {
    /// The annotation state this error leaves a report in.
    pub fn status(&self) -> AnnotationStatus {
        match self {
            AnnotationError::Corrupt { .. } => AnnotationStatus::Corrupt,
            AnnotationError::NewerSchema { .. } => AnnotationStatus::NewerSchema,
            AnnotationError::Io { .. } | AnnotationError::Conflict { .. } => {
                AnnotationStatus::Unreadable
            }
        }
    }
}

/// Whether a report's annotations were applied, as every output format states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationStatus {
    /// An annotation file was read and every correction in it applied.
    Applied,
    /// No annotation file (or corrections not asked for).
    None,
    /// The file does not parse: nothing applied, the file never overwritten.
    Corrupt,
    /// The file could not be read (permissions, I/O): nothing applied.
    Unreadable,
    /// The report changed since the annotations were written, or some corrections no longer
    /// match the report (their cell prints another value, or names no cell of the template).
    Stale,
    /// Written by a newer gouji: nothing applied, the file never overwritten.
    NewerSchema,
}

impl AnnotationStatus {
    /// The name in JSON and CSV output.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationStatus::Applied => "applied",
            AnnotationStatus::None => "none",
            AnnotationStatus::Corrupt => "corrupt",
            AnnotationStatus::Unreadable => "unreadable",
            AnnotationStatus::Stale => "stale",
            AnnotationStatus::NewerSchema => "newer_schema",
        }
    }
}

/// Where the annotations of `report` live. Beside it: `<file name>.gouji.toml`. Under `dir`:
/// the report's path relative to `root` (the folder given on the command line it was found
/// in), mirrored as subfolders, so two reports of one root never share a file; without a root
/// (a report given as a file), or when `report` is not plainly under it, its file name.
pub fn annotation_path(report: &Path, root: Option<&Path>, dir: Option<&Path>) -> PathBuf {
    let name = report
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_os_string());
    let mut path = match dir {
        Some(d) => match root.and_then(|r| report.strip_prefix(r).ok()) {
            Some(rel) if is_plain(rel) => d.join(rel),
            _ => d.join(name),
        },
        None => report.with_file_name(name),
    };
    path.as_mut_os_string().push(".gouji.toml");
    path
}

/// True for a relative path of plain names only (no `..`, no root): safe to mirror under the
/// annotations directory.
pub(crate) fn is_plain(rel: &Path) -> bool {
    rel.components().next().is_some()
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The annotation file as read: its parsed content and the exact text, to detect later changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub annotations: Annotations,
    /// The file's text when read or last written by us; `None` when there was no file.
    pub disk: Option<String>,
}

/// Reads an annotation file as text. Only a regular file is read (a FIFO put in its place
/// never blocks a run; it is an error of kind `Unsupported`), at most 16 MiB.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = crate::audit::open_regular(path)?;
    let mut text = String::new();
    file.take(16 << 20).read_to_string(&mut text)?;
    Ok(text)
}

/// Reads the annotations at `path`; a missing file yields fresh annotations.
pub fn load(path: &Path, report_name: &str, report_hash: &str) -> Result<Loaded, AnnotationError> {
    from_read(path, read_text(path), report_name, report_hash)
}

/// [`load`] from the result of reading `path` already.
pub fn from_read(
    path: &Path,
    read: std::io::Result<String>,
    report_name: &str,
    report_hash: &str,
) -> Result<Loaded, AnnotationError> {
    match read {
        Ok(text) => {
            let annotations = parse(&text).map_err(|e| e.at(path))?;
            Ok(Loaded {
                annotations,
                disk: Some(text),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Loaded {
            annotations: Annotations::new(report_name, report_hash),
            disk: None,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(AnnotationError::Corrupt {
            path: path.into(),
            message: "not UTF-8 text".into(),
        }),
        Err(source) => Err(AnnotationError::Io {
            path: path.into(),
            source,
        }),
    }
}

/// Why a file's text is not annotations this gouji can apply.
#[derive(Debug)]
enum ParseError {
    Syntax(String),
    Newer(u64),
}

impl ParseError {
    fn at(self, path: &Path) -> AnnotationError {
        match self {
            ParseError::Syntax(message) => AnnotationError::Corrupt {
                path: path.into(),
                message,
            },
            ParseError::Newer(schema) => AnnotationError::NewerSchema {
                path: path.into(),
                schema,
            },
        }
    }
}

/// The `schema = N` line of a file, read before the rest: a newer gouji's file is named as
/// such even when its new sections do not parse here.
fn schema_line(text: &str) -> Option<u64> {
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            return None;
        }
        if let Some(rest) = line.strip_prefix("schema")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let digits: String = value
                .trim()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            return digits.parse().ok();
        }
    }
    None
}

fn parse(text: &str) -> Result<Annotations, ParseError> {
    if let Some(schema) = schema_line(text).filter(|s| *s > u64::from(SCHEMA)) {
        return Err(ParseError::Newer(schema));
    }
    let a: Annotations =
        toml::from_str(text).map_err(|e| ParseError::Syntax(e.to_string().trim().to_string()))?;
    if a.schema > SCHEMA {
        return Err(ParseError::Newer(u64::from(a.schema)));
    }
    Ok(a)
}

/// A change written: the annotations as now on disk, and the change that undoes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub loaded: Loaded,
    /// Puts the changed field back to what the file held just before this write.
    pub undo: Op,
}

/// Applies `op` to the file as it is on disk now and writes the result, as one transaction:
/// under an exclusive lock on the file's folder (so two instances' read–merge–write never
/// interleave), the file is read again; changes other instances made meanwhile are kept, and
/// `op` is applied on top. When another instance changed the very field `op` changes since
/// `loaded` was read, nothing is written: [`AnnotationError::Conflict`] names the field and
/// both values and carries the file as it is. `report_hash` is the report's hash now (the
/// reviewer saw that report). On any error nothing was written.
pub fn save(
    path: &Path,
    loaded: &Loaded,
    op: &Op,
    report_hash: &str,
    time: &str,
    reviewer: &str,
) -> Result<Saved, AnnotationError> {
    let io = |source| AnnotationError::Io {
        path: path.into(),
        source,
    };
    let target = write::resolve(path);
    let dir = write::parent(&target);
    std::fs::create_dir_all(dir).map_err(io)?;
    let _lock = write::DirLock::acquire(dir).map_err(io)?;
    let current = match read_text(&target) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(AnnotationError::Corrupt {
                path: path.into(),
                message: "not UTF-8 text".into(),
            });
        }
        Err(e) => return Err(io(e)),
    };
    let theirs = if current == loaded.disk {
        loaded.annotations.clone()
    } else {
        match &current {
            Some(t) => parse(t).map_err(|e| e.at(path))?,
            // No file (yet, or any more): what this instance holds stands (annotations read
            // from an old-style file are written under the new name so).
            None => loaded.annotations.clone(),
        }
    };
    let field = op.field();
    let (seen, now) = (field.value(&loaded.annotations), field.value(&theirs));
    if seen != now {
        let mut mine = theirs.clone();
        mine.apply(op, time, reviewer);
        return Err(AnnotationError::Conflict {
            message: format!(
                "{}: changed by another instance (or by hand) since this one read it: it is \
                 now {now} (was {seen}); this change would make it {}. Not saved; the file's \
                 value is shown",
                field.name(),
                field.value(&mine)
            ),
            current: Box::new(Loaded {
                annotations: theirs,
                disk: current,
            }),
        });
    }
    let undo = field.restore(&theirs);
    let mut base = theirs;
    // The report hash always describes the report as the reviewer saw it now.
    base.report_hash = report_hash.to_string();
    base.report = loaded.annotations.report.clone();
    base.apply(op, time, reviewer);
    let text = base.to_toml();
    write::replace(&target, &text).map_err(io)?;
    Ok(Saved {
        loaded: Loaded {
            annotations: base,
            disk: Some(text),
        },
        undo,
    })
}

/// Writes `text` to `path` atomically: through a temporary file in the same folder, fsync and
/// a rename. A symbolic link is followed and its target replaced; an existing file keeps its
/// mode and (where permitted) its owner and group; a new file gets the mode the umask gives.
/// The temporary file is removed on every error.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let target = write::resolve(path);
    std::fs::create_dir_all(write::parent(&target))?;
    write::replace(&target, text)
}

pub use write::clean_stale_temps;

/// FNV-1a 64 of the report's bytes: enough to notice that a report file changed.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    format!("fnv1a64:{h:016x}")
}

/// The current UTC time as RFC 3339 ("2026-11-23T10:00:00Z").
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::TableKey;

    fn cell() -> CellRef {
        CellRef::new(TableKey::Applications, "total", "natural")
    }

    #[test]
    fn toml_is_stable_and_readable() {
        let mut a = Annotations::new("000.txt", "fnv1a64:0");
        a.apply(
            &Op::Correct {
                cell: cell(),
                parsed: "43".into(),
                value: "44".into(),
            },
            "2026-11-23T10:00:00Z",
            "李审",
        );
        a.apply(
            &Op::CellNote {
                cell: CellRef::new(TableKey::Applications, "granted", "natural"),
                parsed: "14".into(),
                note: "核对原件".into(),
            },
            "2026-11-23T10:01:00Z",
            "李审",
        );
        a.apply(
            &Op::SetStatus(Status::Reviewed),
            "2026-11-23T10:02:00Z",
            "李审",
        );
        let text = a.to_toml();
        assert_eq!(
            text,
            r#"schema = 1
report = "000.txt"
report_hash = "fnv1a64:0"
status = "reviewed"
reviewer = "李审"
updated = "2026-11-23T10:02:00Z"

[[cell]]
table = "applications"
row = "granted"
column = "natural"
parsed = "14"
note = "核对原件"
time = "2026-11-23T10:01:00Z"

[[cell]]
table = "applications"
row = "total"
column = "natural"
parsed = "43"
corrected = "44"
time = "2026-11-23T10:00:00Z"
"#
        );
        assert_eq!(parse(&text).unwrap(), a);
    }

    fn correct(value: &str) -> Op {
        Op::Correct {
            cell: cell(),
            parsed: "43".into(),
            value: value.into(),
        }
    }

    #[test]
    fn concurrent_changes_are_merged_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        let first = load(&path, "r.txt", "h").unwrap();
        let second = load(&path, "r.txt", "h").unwrap();
        let first = save(&path, &first, &correct("44"), "h", "t1", "a").unwrap();
        // The second instance never saw the first one's write.
        let second = save(
            &path,
            &second,
            &Op::SetStatus(Status::Flagged),
            "h",
            "t2",
            "b",
        )
        .unwrap();
        assert_eq!(
            second.loaded.annotations.corrections(),
            1,
            "first instance's correction kept"
        );
        assert_eq!(second.loaded.annotations.status, Status::Flagged);
        let on_disk = load(&path, "r.txt", "h").unwrap();
        assert_eq!(on_disk.annotations, second.loaded.annotations);
        assert_ne!(first.loaded.annotations, second.loaded.annotations);
        // Undo in the first instance undoes its correction only: the status stays.
        let undone = save(&path, &first.loaded, &first.undo, "h", "t3", "a").unwrap();
        assert_eq!(undone.loaded.annotations.corrections(), 0);
        assert_eq!(undone.loaded.annotations.status, Status::Flagged);
        // Redo brings it back, on top of what is on disk.
        let redone = save(&path, &undone.loaded, &undone.undo, "h", "t4", "a").unwrap();
        assert_eq!(
            redone
                .loaded
                .annotations
                .entry(&cell())
                .unwrap()
                .corrected
                .as_deref(),
            Some("44")
        );
        assert_eq!(redone.loaded.annotations.status, Status::Flagged);
    }

    #[test]
    fn the_same_cell_changed_in_two_instances_is_refused_naming_both_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        let a = load(&path, "r.txt", "h").unwrap();
        let b = load(&path, "r.txt", "h").unwrap();
        let a = save(&path, &a, &correct("44"), "h", "t1", "a").unwrap();
        let err = save(&path, &b, &correct("45"), "h", "t2", "b").unwrap_err();
        let AnnotationError::Conflict { message, current } = err else {
            panic!("{err}")
        };
        assert!(
            message.contains("applications total / natural"),
            "{message}"
        );
        assert!(
            message.contains("\"44\"") && message.contains("\"45\""),
            "{message}"
        );
        assert_eq!(
            current.annotations, a.loaded.annotations,
            "the other's value, to show"
        );
        // The file still holds the first instance's value; a revert from the second is refused.
        let err = save(&path, &b, &Op::Revert { cell: cell() }, "h", "t3", "b").unwrap_err();
        assert!(matches!(err, AnnotationError::Conflict { .. }));
        let disk = load(&path, "r.txt", "h").unwrap();
        assert_eq!(
            disk.annotations
                .entry(&cell())
                .unwrap()
                .corrected
                .as_deref(),
            Some("44")
        );
        // And the first instance's undo after the other changed the cell is refused too.
        let b = save(&path, &disk, &correct("46"), "h", "t4", "b").unwrap();
        let err = save(&path, &a.loaded, &a.undo, "h", "t5", "a").unwrap_err();
        assert!(err.to_string().contains("\"46\""), "{err}");
        assert_eq!(load(&path, "r.txt", "h").unwrap(), b.loaded);
    }

    #[test]
    fn the_hash_is_updated_when_the_reviewer_saves() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        let old = load(&path, "r.txt", "old").unwrap();
        let old = save(&path, &old, &correct("44"), "old", "t", "").unwrap();
        let saved = save(
            &path,
            &old.loaded,
            &Op::SetStatus(Status::Reviewed),
            "new",
            "t",
            "",
        )
        .unwrap();
        assert_eq!(saved.loaded.annotations.report_hash, "new");
    }

    #[test]
    fn a_newer_schema_is_named_even_when_its_sections_do_not_parse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        std::fs::write(
            &path,
            "schema = 2\nreport = \"r.txt\"\n[review]\nsteps = [1, {oops\n",
        )
        .unwrap();
        let err = load(&path, "r.txt", "h").unwrap_err();
        assert_eq!(err.status(), AnnotationStatus::NewerSchema);
        assert!(err.to_string().contains("newer gouji (schema 2"), "{err}");
        let stale = Loaded {
            annotations: Annotations::new("r.txt", "h"),
            disk: None,
        };
        assert!(
            save(
                &path,
                &stale,
                &Op::SetStatus(Status::Reviewed),
                "h",
                "t",
                ""
            )
            .is_err()
        );
        assert!(std::fs::read_to_string(&path).unwrap().contains("{oops"));
    }

    #[test]
    fn time_format() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }
}
