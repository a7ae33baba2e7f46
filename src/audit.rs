//! One report from file to findings: read, decode, parse, check. Used by `gouji check` and
//! by the workbench's background loader, so both see exactly the same numbers.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use std::collections::BTreeMap;

use crate::annotations::{
    AnnotationStatus, AnnotationStore, Judged, Loaded, StaleCorrection, apply_corrections,
    content_hash, from_read, verdicts::judge,
};
use crate::checker::{Finding, check};
use crate::decode::decode_owned;
use crate::parser::{ParseNote, parse};

use crate::report::{Cell, CellRef, Report};
use crate::template::Templates;

/// Options that change how a file is read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Decode with this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
    /// Read the report's annotations and check the corrected numbers.
    pub corrections: bool,
    /// Where annotation files live and how they are named.
    pub annotations: AnnotationStore,
    /// The caller never writes annotations (`gouji check`): the report's hash is then computed
    /// only to compare it with annotations on disk, and [`Audit::hash`] is empty without them.
    pub read_only: bool,
    /// Where the text extracted from PDF and Word files is cached (none: always read them).
    pub cache: Option<crate::cache::Cache>,
}

/// The result of auditing one file. `report` is `None` when the file could not be read;
/// `error` is set then, and also when the text holds no recognizable report.
#[derive(Debug, Clone)]
pub struct Audit {
    pub path: PathBuf,
    /// The report as parsed from the file.
    pub report: Option<Report>,
    /// The report with the reviewer's corrections applied, when there are any.
    pub corrected: Option<Report>,
    /// Parsed originals of the corrected cells (`None`: the report had no such cell).
    pub originals: BTreeMap<CellRef, Option<Cell>>,
    /// The report's annotations, when they were read.
    pub annotations: Option<Loaded>,
    /// Why the annotations could not be read (they are left untouched then).
    pub annotation_error: Option<String>,
    /// What kind of failure `annotation_error` is (corrupt, unreadable, newer schema).
    pub annotation_failure: Option<AnnotationStatus>,
    /// The old-style annotation file (named by file name alone) the annotations were read
    /// from; the next save writes them under the new name and retires this one.
    pub migrated_from: Option<PathBuf>,
    /// Corrections not applied because their cell no longer holds the value they were made on.
    pub stale: Vec<StaleCorrection>,
    /// Annotation entries naming a table, row or column the template does not have (a
    /// hand-edited file), or a row this report does not print: never applied, one message each.
    pub unknown_cells: Vec<String>,
    /// The template's labels of the applied corrections' cells ("(七)总计 / 自然人"), in order:
    /// named when the report changed, as the corrections that still match it.
    pub applied_labels: Vec<String>,
    /// Hash of the report file's bytes (empty when reading read-only without annotations).
    pub hash: String,
    pub notes: Vec<ParseNote>,
    /// How the text was read, when the reader should know (invalid bytes or NUL bytes
    /// replaced, at which offsets).
    pub read_warnings: Vec<String>,
    pub findings: Vec<Finding>,
    /// The reviewer's verdict standing on each finding (index-aligned with `findings`).
    pub verdicts: Vec<Option<Judged>>,
    /// See [`Audit::sentence_hashes`].
    sentences: std::sync::OnceLock<Vec<u64>>,
    pub error: Option<String>,
}

impl Audit {
    pub(crate) fn failed(path: &Path, error: String) -> Audit {
        Audit {
            path: path.to_path_buf(),
            report: None,
            corrected: None,
            originals: BTreeMap::new(),
            annotations: None,
            annotation_error: None,
            annotation_failure: None,
            migrated_from: None,
            stale: Vec::new(),
            unknown_cells: Vec::new(),
            applied_labels: Vec::new(),
            hash: String::new(),
            notes: Vec::new(),
            read_warnings: Vec::new(),
            findings: Vec::new(),
            verdicts: Vec::new(),
            error: Some(error),
            sentences: std::sync::OnceLock::new(),
        }
    }

    /// The narrative's sentences as hashes (what the year-over-year repetition share compares),
    /// computed once. The workbench's loader computes them on its own thread, so that opening
    /// the corpus view over thousands of reports does no text work on the UI thread.
    pub fn sentence_hashes(&self, rules: &crate::narrative::CheckRules) -> Option<&[u64]> {
        let r = self.report.as_ref()?;
        Some(
            self.sentences
                .get_or_init(|| crate::narrative::sentence_hashes(&r.text, rules)),
        )
    }

    /// The report whose numbers are checked and exported: corrected when corrections apply.
    pub fn checked(&self) -> Option<&Report> {
        self.corrected.as_ref().or(self.report.as_ref())
    }

    /// True when the annotations' report hash differs from the file's current hash.
    pub fn report_changed(&self) -> bool {
        self.annotations
            .as_ref()
            .is_some_and(|l| l.disk.is_some() && l.annotations.report_hash != self.hash)
    }

    /// The verdict standing on finding `i`, if any.
    pub fn verdict(&self, i: usize) -> Option<&Judged> {
        self.verdicts.get(i).and_then(Option::as_ref)
    }

    /// True when finding `i` was dismissed by a verdict that still applies.
    pub fn dismissed_at(&self, i: usize) -> bool {
        self.verdict(i).is_some_and(Judged::dismissed)
    }

    /// Findings of `severity` that no standing verdict dismissed.
    fn open_count(&self, severity: crate::checker::Severity) -> usize {
        self.findings
            .iter()
            .enumerate()
            .filter(|(i, f)| f.severity == severity && !self.dismissed_at(*i))
            .count()
    }

    /// Error findings, leaving out dismissed ones.
    pub fn errors(&self) -> usize {
        self.open_count(crate::checker::Severity::Error)
    }

    /// Relations that could not be evaluated because some of their cells could not be read
    /// (dismissed ones left out).
    pub fn unchecked(&self) -> usize {
        self.open_count(crate::checker::Severity::Unchecked)
    }

    /// Warnings, leaving out dismissed ones.
    pub fn warnings(&self) -> usize {
        self.open_count(crate::checker::Severity::Warning)
    }

    /// Findings a standing verdict dismissed.
    pub fn dismissed(&self) -> usize {
        (0..self.findings.len())
            .filter(|&i| self.dismissed_at(i))
            .count()
    }

    /// The message telling the reviewer the annotations were read from an old-style file.
    pub fn migration_notice(&self) -> Option<String> {
        self.migrated_from.as_ref().map(|old| {
            format!(
                "annotations read from {}, named the old way (by file name alone); the next save \
                 in the workbench moves them to the report's own file and keeps the old one as \
                 .migrated",
                old.display()
            )
        })
    }

    /// The state of the report's annotations as every output format states it, with a
    /// message saying why when they are not simply applied.
    pub fn annotation_state(&self) -> (AnnotationStatus, Option<String>) {
        if let (Some(kind), Some(e)) = (self.annotation_failure, &self.annotation_error) {
            return (kind, Some(e.clone()));
        }
        let Some(l) = self.annotations.as_ref().filter(|l| l.disk.is_some()) else {
            return (AnnotationStatus::None, None);
        };
        let mut parts = Vec::new();
        let applied = self.originals.len();
        if self.report_changed() {
            parts.push(format!(
                "the report changed since its annotations were written: {applied} of {} \
                 correction(s) still match the values it prints and are applied{}{}",
                l.annotations.corrections(),
                match self.applied_labels.as_slice() {
                    [] => String::new(),
                    labels => format!(" ({})", labels.join(", ")),
                },
                match self.stale.len() {
                    0 => String::new(),
                    n => format!(", {n} stale"),
                }
            ));
        } else if !self.stale.is_empty() {
            parts.push(format!(
                "{} stale correction(s) not applied ({applied} applied)",
                self.stale.len()
            ));
        }
        parts.extend(self.stale.iter().map(StaleCorrection::message));
        parts.extend(self.unknown_cells.iter().cloned());
        if parts.is_empty() {
            (AnnotationStatus::Applied, None)
        } else {
            (AnnotationStatus::Stale, Some(parts.join("; ")))
        }
    }

    /// True when some saved annotations could not be applied: the file is corrupt,
    /// unreadable or of a newer schema, or some correction is stale or names no cell.
    pub fn annotations_not_applied(&self) -> bool {
        self.annotation_failure.is_some()
            || !self.stale.is_empty()
            || !self.unknown_cells.is_empty()
    }

    /// True when the file could not be read or holds no report tables.
    pub fn unreadable(&self) -> bool {
        self.error.is_some()
    }
}

/// Reads and audits one file. Never panics on any content.
pub fn audit_file(path: &Path, templates: &Templates, opts: &ReadOptions) -> Audit {
    match read_file(path) {
        Ok(bytes) => audit_owned(path, bytes, templates, opts),
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => Audit::failed(path, e.to_string()),
        Err(e) => Audit::failed(path, format!("cannot read file: {e}")),
    }
}

/// The largest report file read: 256 MiB. Real reports are 5–200 KB; a file past this is not
/// one (or is a device or a growing log), and reading it would only exhaust memory.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole regular file of at most [`MAX_REPORT_BYTES`]. FIFOs, sockets and devices
/// are refused without blocking (opened non-blocking, then checked on the open file, so a
/// symbolic link to `/dev/zero` or a FIFO swapped in meanwhile is caught too) with an error
/// of kind `Unsupported` naming what they are. One `open`, one `fstat` and the reads.
#[doc(hidden)] // public for the throughput benchmark's stage timings
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = open_regular(path)?;
    let size = file.metadata()?.len();
    if size > MAX_REPORT_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!(
                "skipped: {size} bytes, larger than the {} MiB a report file may have",
                MAX_REPORT_BYTES >> 20
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    // A file growing while it is read stops at the cap.
    file.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!(
                "skipped: larger than the {} MiB a report file may have",
                MAX_REPORT_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file (after following symbolic links).
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer comes: never wait.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!("skipped: {}, not a regular file", file_kind(&kind)),
    ))
}

/// What a file that is not a regular file is, for the message saying it was skipped.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// What standard input is called in output: `-` on the command line.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads and audits standard input (`-` on the command line): text piped from an extractor,
/// as in `pdftotext -layout report.pdf - | gouji check -`. No annotation file belongs to it,
/// so corrections never apply.
pub fn audit_stdin(templates: &Templates, opts: &ReadOptions) -> Audit {
    use std::io::Read;
    let path = Path::new(STDIN_NAME);
    let mut bytes = Vec::new();
    match std::io::stdin().lock().read_to_end(&mut bytes) {
        Ok(_) => {
            let opts = ReadOptions {
                corrections: false,
                ..opts.clone()
            };
            audit_owned(path, bytes, templates, &opts)
        }
        Err(e) => Audit::failed(path, format!("cannot read standard input: {e}")),
    }
}

/// Audits bytes already read from `path`.
pub fn audit_bytes(path: &Path, bytes: &[u8], templates: &Templates, opts: &ReadOptions) -> Audit {
    audit_owned(path, bytes.to_vec(), templates, opts)
}

fn audit_owned(path: &Path, bytes: Vec<u8>, templates: &Templates, opts: &ReadOptions) -> Audit {
    let annotations = opts
        .corrections
        .then(|| read_annotations(path, &opts.annotations));
    // Hashing is a serial pass over the bytes: skipped when nothing will use it.
    let hash = if opts.read_only && !matches!(annotations, Some((_, Ok(_), _))) {
        String::new()
    } else {
        content_hash(&bytes)
    };
    let (text, encoding, document, read_warnings) = match crate::document::kind(&bytes) {
        Some(kind) => match read_document(path, kind, &bytes, opts) {
            Ok(mut x) => {
                let text = std::mem::take(&mut x.text);
                (
                    text,
                    kind_name(kind),
                    Some(std::sync::Arc::new(x)),
                    Vec::new(),
                )
            }
            Err(e) => return Audit::failed(path, e.to_string()),
        },
        None => match decode_owned(bytes, opts.encoding) {
            Ok(d) => (d.text, d.encoding, None, d.warnings),
            Err(e) => return Audit::failed(path, e.to_string()),
        },
    };
    let mut parsed = parse(path.to_path_buf(), text, encoding, templates);
    parsed.report.document = document;
    let mut audit = Audit {
        hash,
        notes: parsed.notes,
        read_warnings,
        report: Some(parsed.report),
        ..Audit::failed(path, String::new())
    };
    if let Some((at, read, migrated_from)) = annotations {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match from_read(&at, read, &name, &audit.hash) {
            Ok(l) => audit.annotations = Some(l),
            Err(e) => {
                audit.annotation_failure = Some(e.status());
                audit.annotation_error = Some(e.to_string());
            }
        }
        audit.migrated_from = migrated_from;
    }
    recheck(&mut audit, templates);
    audit
}

/// How a document kind is named where an encoding is shown for text.
fn kind_name(kind: crate::document::Kind) -> &'static str {
    match kind {
        crate::document::Kind::Pdf => "PDF",
        crate::document::Kind::Zip => "Word .docx",
        crate::document::Kind::Ole => "Word-97 via LibreOffice",
    }
}

/// A PDF or Word document's text: from the cache when it holds these bytes, else read (and
/// kept there).
fn read_document(
    path: &Path,
    kind: crate::document::Kind,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<crate::document::Extracted, crate::document::DocumentError> {
    if let Some(x) = opts.cache.as_ref().and_then(|c| c.get(bytes)) {
        return Ok(x);
    }
    let x = crate::document::extract(path, kind, bytes)?;
    if let Some(c) = &opts.cache {
        c.put(bytes, &x);
    }
    Ok(x)
}

/// Reads the annotation file of `report`: its own, or when it has none the old-style file
/// named after its file name if it is the only report of the run with that name. Returns the
/// file read, what reading gave, and the old-style file when that is the one read.
fn read_annotations(
    report: &Path,
    store: &AnnotationStore,
) -> (PathBuf, std::io::Result<String>, Option<PathBuf>) {
    let at = store.path(report);
    let read = crate::annotations::read_text(&at);
    if let Err(e) = &read
        && e.kind() == std::io::ErrorKind::NotFound
        && let Some(old) = store.old_file(report).filter(|o| o.sharing == 1)
    {
        match crate::annotations::read_text(&old.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            read => return (old.path.clone(), read, Some(old.path)),
        }
    }
    (at, read, None)
}

/// Re-applies the annotations' corrections and re-runs the checker. The workbench calls it
/// after every edit; it reads no file.
pub fn recheck(audit: &mut Audit, templates: &Templates) {
    let Some(report) = &audit.report else { return };
    let template = templates.for_id(report.template.as_deref());
    (
        audit.corrected,
        audit.originals,
        audit.stale,
        audit.unknown_cells,
    ) = match &audit.annotations {
        Some(l) if !l.annotations.cells.is_empty() => {
            let c = apply_corrections(report, &l.annotations, template);
            let corrected = (l.annotations.corrections() > 0).then_some(c.report);
            (corrected, c.originals, c.stale, c.unknown)
        }
        _ => (None, BTreeMap::new(), Vec::new(), Vec::new()),
    };
    audit.applied_labels = audit
        .originals
        .keys()
        .map(|r| crate::annotations::cell_label(template, r))
        .collect();
    let checked = audit.corrected.as_ref().unwrap_or(report);
    let template = templates.for_id(checked.template.as_deref());
    audit.findings = template
        .map(|t| check(checked, t, &audit.notes))
        .unwrap_or_default();
    if let Some(d) = &report.document {
        for w in &d.warnings {
            audit.findings.push(Finding::warning(
                "document_reading",
                crate::template::TableKey::Applications,
                w.clone(),
            ));
        }
    }
    audit.verdicts = match &audit.annotations {
        Some(l) => judge(&audit.findings, checked, &l.annotations, template),
        None => vec![None; audit.findings.len()],
    };
    audit.error = if report.tables.iter().any(|t| t.found()) {
        None
    } else {
        Some(
            "no report tables found (none of the template's table rows were recognised)"
                .to_string(),
        )
    };
}

/// The reports of one workbench run, and the paths given on the command line they were
/// found from (annotation files under an annotations directory are named relative to the
/// folders among them).
#[derive(Debug, Clone, Default)]
pub struct Reports {
    pub files: Vec<PathBuf>,
    pub inputs: Vec<PathBuf>,
    /// What the folders held besides reports ([`ReportPaths::skipped_line`]).
    pub skipped: Option<String>,
}

impl Reports {
    /// The report files under `inputs`, in path order, and the folders that could not be
    /// listed, each with why.
    pub fn walk(inputs: Vec<PathBuf>) -> (Reports, Vec<(PathBuf, std::io::Error)>) {
        let mut files = Vec::new();
        let mut unlisted = Vec::new();
        let mut walk = walk_paths(&inputs);
        for entry in walk.by_ref() {
            match entry {
                Ok(p) => files.push(p),
                Err(e) => unlisted.push(e),
            }
        }
        let skipped = walk.skipped_line();
        (
            Reports {
                files,
                inputs,
                skipped,
            },
            unlisted,
        )
    }
}

/// Report files given one by one: each is its own input, named by its file name.
impl From<Vec<PathBuf>> for Reports {
    fn from(files: Vec<PathBuf>) -> Reports {
        Reports {
            inputs: files.clone(),
            files,
            skipped: None,
        }
    }
}

/// Expands files and directories (recursively) into the report files to audit, sorted.
/// Directories contribute `*.txt`, Markdown (`*.md`, what PDF and OCR converters write) and
/// HTML (`*.html`, `*.htm`, `*.shtml`) files; files named
/// explicitly are always taken. The first directory that cannot be listed ends it, its error
/// naming the directory.
pub fn collect_paths(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    walk_paths(inputs)
        .map(|r| {
            r.map_err(|(dir, e)| {
                std::io::Error::new(e.kind(), format!("{}: cannot list: {e}", dir.display()))
            })
        })
        .collect()
}

/// The report files [`collect_paths`] lists, in the same order, found as they are needed:
/// a walk holds one sorted directory listing per level of the tree, never the whole list,
/// so a batch run over a large tree starts at once and its memory does not grow with it.
/// A directory that cannot be listed comes out as an error naming it, and the walk goes on.
pub fn walk_paths(inputs: &[PathBuf]) -> ReportPaths {
    ReportPaths {
        inputs: inputs.iter().cloned().collect(),
        levels: Vec::new(),
        skipped: BTreeMap::new(),
    }
}

/// Iterator of [`walk_paths`].
#[derive(Debug)]
pub struct ReportPaths {
    inputs: std::collections::VecDeque<PathBuf>,
    /// The directories being walked, outermost first, each with the rest of its sorted
    /// listing: every entry with whether it is a directory (following symbolic links).
    levels: Vec<(PathBuf, std::vec::IntoIter<(PathBuf, bool)>)>,
    /// Files inside folders that were passed over, counted by their extension ("" for none).
    skipped: BTreeMap<String, usize>,
}

impl Iterator for ReportPaths {
    type Item = Result<PathBuf, (PathBuf, std::io::Error)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some((_, level)) = self.levels.last_mut() else {
                let p = self.inputs.pop_front()?;
                if p.is_dir() {
                    if let Err(e) = self.descend(&p) {
                        return Some(Err((p, e)));
                    }
                    continue;
                }
                return Some(Ok(p));
            };
            let Some((p, is_dir)) = level.next() else {
                self.levels.pop();
                continue;
            };
            if is_dir {
                if let Err(e) = self.descend(&p) {
                    return Some(Err((p, e)));
                }
            } else if is_report_file(&p) {
                return Some(Ok(p));
            } else if !p.to_string_lossy().ends_with(".gouji.toml") {
                // Annotation files are gouji's own, not files it skipped.
                let ext = p
                    .extension()
                    .map_or_else(String::new, |e| e.to_string_lossy().to_lowercase());
                *self.skipped.entry(ext).or_default() += 1;
            }
        }
    }
}

impl ReportPaths {
    /// The files of the folders walked so far that are not reports, by extension.
    pub fn skipped(&self) -> &BTreeMap<String, usize> {
        &self.skipped
    }

    /// "3 other file(s) skipped, not a report format (2 .csv, 1 without extension)", or
    /// `None` when nothing was skipped.
    pub fn skipped_line(&self) -> Option<String> {
        let n: usize = self.skipped.values().sum();
        if n == 0 {
            return None;
        }
        let kinds: Vec<String> = self
            .skipped
            .iter()
            .map(|(e, k)| {
                if e.is_empty() {
                    format!("{k} without extension")
                } else {
                    format!("{k} .{e}")
                }
            })
            .collect();
        Some(format!(
            "{n} other file(s) skipped, not a report format ({}; reports are {})",
            kinds.join(", "),
            REPORT_EXTENSIONS
                .iter()
                .map(|e| format!("*.{e}"))
                .collect::<Vec<_>>()
                .join(" ")
        ))
    }

    /// Lists `dir`, sorted, as the next level of the walk.
    fn descend(&mut self, dir: &Path) -> std::io::Result<()> {
        if dir.is_symlink() && self.loops_back(dir) {
            return Err(std::io::Error::other(
                "a symbolic link to a folder that contains it; not followed",
            ));
        }
        // The entry's type comes with the directory listing on most file systems; only
        // symbolic links (and file systems that do not say) cost a `stat`.
        let mut entries = Vec::new();
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let path = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            entries.push((path, is_dir));
        }
        entries.sort();
        self.levels.push((dir.to_path_buf(), entries.into_iter()));
        Ok(())
    }

    /// True when the linked folder `dir` is one of the folders being walked: following it
    /// would list the same files again, without end.
    fn loops_back(&self, dir: &Path) -> bool {
        let Ok(target) = std::fs::canonicalize(dir) else {
            return false;
        };
        self.levels
            .iter()
            .any(|(d, _)| std::fs::canonicalize(d).is_ok_and(|d| d == target))
    }
}

/// The file name extensions a directory contributes (compared without case).
pub const REPORT_EXTENSIONS: [&str; 9] = [
    "txt", "md", "html", "htm", "shtml", "pdf", "docx", "doc", "wps",
];

/// True for the files a directory contributes: text, Markdown, HTML pages, PDF and Word.
fn is_report_file(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| REPORT_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}
