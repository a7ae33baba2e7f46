//! Where a run's annotation files live, and the old-style files found there.
//!
//! Under an annotations directory a file mirrors the report's path below the folder given on
//! the command line, so reports that share a file name (crawled archives call every report
//! `page.txt`) never share annotations. Earlier versions named the file after the report's
//! file name alone; such a file is still read for the one report of the run with that name,
//! and for none of them when several share it (it could belong to any).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{annotation_path, is_plain};

/// Suffix of every annotation file's name.
const SUFFIX: &str = ".gouji.toml";

/// Where the annotations of one run's reports are read and written.
///
/// Invariant: every report of the run is named by [`AnnotationStore::path`] to a file no
/// other report of the same root is named to.
#[derive(Debug, Clone, Default)]
pub struct AnnotationStore {
    /// `None`: each report's annotations sit beside it.
    dir: Option<PathBuf>,
    /// The folders given on the command line; a report found in one is named relative to it.
    roots: Vec<PathBuf>,
    /// Old-style files at the top of `dir`, by the report file name they were named after,
    /// with the distinct reports of the run bearing that name (filled by [`Self::census`]).
    old: BTreeMap<OsString, BTreeSet<PathBuf>>,
}

/// An old-style file that could hold a report's annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldFile {
    pub path: PathBuf,
    /// How many reports of the run bear the file name it is named after; only when it is one
    /// is the file that report's.
    pub sharing: usize,
}

impl AnnotationStore {
    /// A store for annotations kept in `dir` (beside each report when `None`) of the reports
    /// found in `inputs` (the paths given on the command line; the folders among them are the
    /// roots). Lists the top of `dir` once, for old-style files; [`Self::census`] then counts
    /// the reports that could claim them.
    pub fn new(dir: Option<PathBuf>, inputs: &[PathBuf]) -> AnnotationStore {
        let roots: Vec<PathBuf> = if dir.is_some() {
            inputs.iter().filter(|p| p.is_dir()).cloned().collect()
        } else {
            Vec::new()
        };
        let mut old = BTreeMap::new();
        if let Some(d) = dir.as_deref().filter(|_| !roots.is_empty())
            && let Ok(list) = std::fs::read_dir(d)
        {
            for e in list.flatten() {
                let name = e.file_name();
                if let Some(report) = name.to_str().and_then(|n| n.strip_suffix(SUFFIX))
                    && !report.is_empty()
                    && e.file_type().is_ok_and(|t| t.is_file())
                {
                    old.insert(OsString::from(report), BTreeSet::new());
                }
            }
        }
        AnnotationStore { dir, roots, old }
    }

    /// True when old-style files were found, so the run's reports must be counted by file name
    /// ([`Self::census`]) before any is read.
    pub fn wants_census(&self) -> bool {
        !self.old.is_empty()
    }

    /// Counts the reports of the run by file name, for the names old-style files are named
    /// after. Memory grows only with the reports bearing such a name.
    pub fn census<P: AsRef<Path>>(&mut self, reports: impl IntoIterator<Item = P>) {
        if self.old.is_empty() {
            return;
        }
        for r in reports {
            let r = r.as_ref();
            if let Some(set) = r.file_name().and_then(|n| self.old.get_mut(n)) {
                set.insert(r.to_path_buf());
            }
        }
    }

    /// The folder given on the command line that `report` was found in: the longest root it
    /// lies under (so a file found twice, under `a` and `a/b`, is named the same both times).
    pub fn root_of(&self, report: &Path) -> Option<&Path> {
        self.roots
            .iter()
            .filter(|r| report.strip_prefix(r).is_ok_and(is_plain))
            .max_by_key(|r| r.components().count())
            .map(PathBuf::as_path)
    }

    /// The annotation file of `report`.
    pub fn path(&self, report: &Path) -> PathBuf {
        annotation_path(report, self.root_of(report), self.dir.as_deref())
    }

    /// The old-style file that could hold `report`'s annotations: named after its file name
    /// at the top of the annotations directory, where the report's own file is not.
    pub fn old_file(&self, report: &Path) -> Option<OldFile> {
        let dir = self.dir.as_deref()?;
        let name = report.file_name()?;
        let sharing = self.old.get(name)?.len();
        let mut path = dir.join(name);
        path.as_mut_os_string().push(SUFFIX);
        (path != self.path(report)).then_some(OldFile { path, sharing })
    }

    /// One message per old-style file that several reports of the run could claim: it is
    /// read for none of them.
    pub fn ambiguous(&self) -> Vec<String> {
        let Some(dir) = self.dir.as_deref() else {
            return Vec::new();
        };
        self.old
            .iter()
            .filter(|(_, reports)| reports.len() > 1)
            .filter_map(|(name, reports)| {
                let mut old = dir.join(name);
                old.as_mut_os_string().push(SUFFIX);
                // A report directly in a root is named so still: the file is its own.
                let owner = reports.iter().find(|r| self.path(r) == old);
                let example = reports.iter().map(|r| self.path(r)).find(|p| *p != old)?;
                let applied = match owner {
                    Some(o) => format!(
                        "read only as the annotations of {} (its name now), applied to none of \
                         the others",
                        o.display()
                    ),
                    None => "not applied to any of them".into(),
                };
                Some(format!(
                    "{}: annotations named the old way (by file name alone), and {} reports of \
                     this run are named {}: {applied}; to keep them for another, move the file \
                     to the name of the report it belongs to (e.g. {})",
                    old.display(),
                    reports.len(),
                    name.to_string_lossy(),
                    example.display()
                ))
            })
            .collect()
    }

    /// True when two reports of the run could be named to one file: several paths were given
    /// and the files are kept in one directory (the same path below two folders, or a file
    /// given beside a folder holding one of its name). [`Self::shared`] then finds them.
    pub fn may_share(&self, inputs: &[PathBuf]) -> bool {
        self.dir.is_some() && inputs.len() > 1
    }

    /// One message per annotation file that several distinct reports of the run are named to.
    pub fn shared<P: AsRef<Path>>(&self, reports: impl IntoIterator<Item = P>) -> Vec<String> {
        let mut by_file: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
        for r in reports {
            let r = r.as_ref();
            by_file
                .entry(self.path(r))
                .or_default()
                .insert(r.to_path_buf());
        }
        by_file
            .into_iter()
            .filter(|(_, reports)| reports.len() > 1)
            .map(|(file, reports)| {
                let names: Vec<String> = reports.iter().map(|r| r.display().to_string()).collect();
                format!(
                    "{}: the annotation file of {} reports ({}), found at the same path below \
                     different paths given; give one of them at a time to keep their reviews apart",
                    file.display(),
                    reports.len(),
                    names.join(", ")
                )
            })
            .collect()
    }
}

/// Where an old-style file goes once its annotations are saved under the new name: beside it,
/// renamed so it is never read again, and kept (nothing is deleted). Never replaces a file.
pub fn retire_old_file(old: &Path, expected: Option<&str>) -> Result<PathBuf, String> {
    let now = std::fs::read_to_string(old).map_err(|e| format!("{}: {e}", old.display()))?;
    if Some(now.as_str()) != expected {
        return Err(format!(
            "{} changed since it was read; left where it is",
            old.display()
        ));
    }
    for i in 0..100 {
        let mut to = old.as_os_str().to_owned();
        to.push(if i == 0 {
            ".migrated".to_string()
        } else {
            format!(".migrated.{i}")
        });
        let to = PathBuf::from(to);
        if to.exists() {
            continue;
        }
        return std::fs::rename(old, &to)
            .map(|()| to)
            .map_err(|e| format!("{}: {e}", old.display()));
    }
    Err(format!("{}: too many .migrated copies", old.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_mirror_the_path_below_the_root() {
        let root = PathBuf::from("crawl");
        let store = AnnotationStore {
            dir: Some("ann".into()),
            roots: vec![root.clone(), root.join("b")],
            old: BTreeMap::new(),
        };
        assert_eq!(
            store.path(Path::new("crawl/a/page.txt")),
            Path::new("ann/a/page.txt.gouji.toml")
        );
        // The longest root: the same file found under both roots has one name.
        assert_eq!(
            store.path(Path::new("crawl/b/page.txt")),
            Path::new("ann/page.txt.gouji.toml")
        );
        // A file given directly: its file name, as before.
        assert_eq!(
            store.path(Path::new("elsewhere/x/r.txt")),
            Path::new("ann/r.txt.gouji.toml")
        );
        // Beside the report, nothing changes.
        let beside = AnnotationStore::default();
        assert_eq!(
            beside.path(Path::new("crawl/a/page.txt")),
            Path::new("crawl/a/page.txt.gouji.toml")
        );
    }

    #[test]
    fn old_files_belong_to_the_one_report_of_their_name() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, ann) = (tmp.path().join("crawl"), tmp.path().join("ann"));
        for d in ["a", "b", "c"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::create_dir_all(&ann).unwrap();
        std::fs::write(ann.join("page.txt.gouji.toml"), "").unwrap();
        std::fs::write(ann.join("only.txt.gouji.toml"), "").unwrap();
        let mut store = AnnotationStore::new(Some(ann.clone()), std::slice::from_ref(&root));
        assert!(store.wants_census());
        let reports = [
            root.join("a/page.txt"),
            root.join("b/page.txt"),
            root.join("c/only.txt"),
        ];
        store.census(&reports);
        assert_eq!(
            store.old_file(&reports[2]),
            Some(OldFile {
                path: ann.join("only.txt.gouji.toml"),
                sharing: 1
            })
        );
        assert_eq!(store.old_file(&reports[0]).unwrap().sharing, 2);
        let msgs = store.ambiguous();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("page.txt.gouji.toml") && msgs[0].contains("2 reports"));
        assert!(msgs[0].contains("not applied to any of them"), "{msgs:?}");
        // A report directly in the root is named as before: the old file is its own.
        store.census([root.join("page.txt")]);
        assert_eq!(store.old_file(&root.join("page.txt")), None);
        let msgs = store.ambiguous();
        assert!(
            msgs[0].contains("3 reports") && msgs[0].contains("read only as the annotations of"),
            "{msgs:?}"
        );
    }
}
