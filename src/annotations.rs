//! Review annotations: one TOML file per report holding status, notes and cell corrections.
//!
//! Files sit beside the report as `<report file name>.gouji.toml`, or in an annotations
//! directory named after the report's path below the folder it was found in ([`store`]). A
//! correction applies only while its cell still holds the value it was made on
//! ([`apply_corrections`]). Every change is written at once and atomically (temp file in the
//! same directory, fsync, rename). Before writing, the file on disk is compared with what was
//! last read: if another instance changed it meanwhile, the change is re-applied on top of the
//! disk version instead of overwriting it. A file that cannot be parsed is reported and never
//! overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::CellRef;

mod corrections;
pub mod store;
pub mod verdicts;

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
            Op::Replace(a) => {
                *self = (**a).clone();
                return;
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

/// One change a reviewer makes; applied to memory and, merged, to the file on disk.
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
    /// A verdict on a finding, replacing any earlier one on the same rule and cells.
    Verdict(Box<VerdictEntry>),
    /// Withdraws the verdict on the finding named by (rule, table, cells).
    ClearVerdict {
        rule: String,
        table: String,
        cells: Vec<String>,
    },
    /// Undo/redo: the whole state as it was.
    Replace(Box<Annotations>),
}

/// Why annotations could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AnnotationError {
    #[error("{path}: {message} (the file is kept as it is and will not be overwritten)")]
    Corrupt { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
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

/// Reads the annotations at `path`; a missing file yields fresh annotations.
pub fn load(path: &Path, report_name: &str, report_hash: &str) -> Result<Loaded, AnnotationError> {
    from_read(
        path,
        std::fs::read_to_string(path),
        report_name,
        report_hash,
    )
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
            let annotations = parse(&text).map_err(|message| AnnotationError::Corrupt {
                path: path.into(),
                message,
            })?;
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

fn parse(text: &str) -> Result<Annotations, String> {
    let a: Annotations = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
    if a.schema > SCHEMA {
        return Err(format!(
            "schema {} is newer than this gouji understands ({SCHEMA})",
            a.schema
        ));
    }
    Ok(a)
}

/// Applies `op` and writes the result. If the file changed on disk since `loaded.disk`, the op
/// is applied to the disk version instead (merging both instances' changes). Returns the new
/// state; on error nothing was written.
pub fn save(
    path: &Path,
    loaded: &Loaded,
    op: &Op,
    time: &str,
    reviewer: &str,
) -> Result<Loaded, AnnotationError> {
    let current = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(AnnotationError::Io {
                path: path.into(),
                source,
            });
        }
    };
    let mut base = if current == loaded.disk {
        loaded.annotations.clone()
    } else {
        match &current {
            Some(t) => parse(t).map_err(|message| AnnotationError::Corrupt {
                path: path.into(),
                message,
            })?,
            None => loaded.annotations.clone(),
        }
    };
    // The report hash always describes the report as the reviewer saw it.
    base.report_hash = loaded.annotations.report_hash.clone();
    base.report = loaded.annotations.report.clone();
    base.apply(op, time, reviewer);
    let text = base.to_toml();
    write_atomic(path, &text).map_err(|source| AnnotationError::Io {
        path: path.into(),
        source,
    })?;
    Ok(Loaded {
        annotations: base,
        disk: Some(text),
    })
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

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

    #[test]
    fn concurrent_changes_are_merged_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        let first = load(&path, "r.txt", "h").unwrap();
        let second = load(&path, "r.txt", "h").unwrap();
        let first = save(
            &path,
            &first,
            &Op::Correct {
                cell: cell(),
                parsed: "43".into(),
                value: "44".into(),
            },
            "t1",
            "a",
        )
        .unwrap();
        // The second instance never saw the first one's write.
        let second = save(&path, &second, &Op::SetStatus(Status::Flagged), "t2", "b").unwrap();
        assert_eq!(
            second.annotations.corrections(),
            1,
            "first instance's correction kept"
        );
        assert_eq!(second.annotations.status, Status::Flagged);
        let on_disk = load(&path, "r.txt", "h").unwrap();
        assert_eq!(on_disk.annotations, second.annotations);
        assert_ne!(first.annotations, second.annotations);
    }

    #[test]
    fn corrupt_files_are_reported_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        std::fs::write(&path, "schema = 1\nstatus = [oops\n").unwrap();
        let err = load(&path, "r.txt", "h").unwrap_err().to_string();
        assert!(err.contains("r.txt.gouji.toml"), "{err}");
        assert!(err.contains("will not be overwritten"), "{err}");
        // An instance that loaded before the file went bad must not overwrite it either.
        let fresh = Loaded {
            annotations: Annotations::new("r.txt", "h"),
            disk: None,
        };
        assert!(save(&path, &fresh, &Op::SetStatus(Status::Reviewed), "t", "").is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "schema = 1\nstatus = [oops\n"
        );
    }

    #[test]
    fn time_format() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }
}
