//! One report from file to findings: read, decode, parse, check. Used by `gouji check` and
//! by the workbench's background loader, so both see exactly the same numbers.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use crate::checker::{Finding, check};
use crate::decode::decode_owned;
use crate::parser::{ParseNote, parse};
use crate::report::Report;
use crate::template::Templates;

/// Options that change how a file is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Decode with this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
}

/// The result of auditing one file. `report` is `None` when the file could not be read;
/// `error` is set then, and also when the text holds no recognizable report.
#[derive(Debug, Clone)]
pub struct Audit {
    pub path: PathBuf,
    pub report: Option<Report>,
    pub notes: Vec<ParseNote>,
    pub findings: Vec<Finding>,
    pub error: Option<String>,
}

impl Audit {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == crate::checker::Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    /// True when the file could not be read or holds no report tables.
    pub fn unreadable(&self) -> bool {
        self.error.is_some()
    }
}

/// Reads and audits one file. Never panics on any content.
pub fn audit_file(path: &Path, templates: &Templates, opts: ReadOptions) -> Audit {
    match std::fs::read(path) {
        Ok(bytes) => audit_owned(path, bytes, templates, opts),
        Err(e) => Audit {
            path: path.to_path_buf(),
            report: None,
            notes: Vec::new(),
            findings: Vec::new(),
            error: Some(format!("cannot read file: {e}")),
        },
    }
}

/// Audits bytes already read from `path`.
pub fn audit_bytes(path: &Path, bytes: &[u8], templates: &Templates, opts: ReadOptions) -> Audit {
    audit_owned(path, bytes.to_vec(), templates, opts)
}

fn audit_owned(path: &Path, bytes: Vec<u8>, templates: &Templates, opts: ReadOptions) -> Audit {
    let decoded = match decode_owned(bytes, opts.encoding) {
        Ok(d) => d,
        Err(e) => {
            return Audit {
                path: path.to_path_buf(),
                report: None,
                notes: Vec::new(),
                findings: Vec::new(),
                error: Some(e.to_string()),
            };
        }
    };
    let parsed = parse(
        path.to_path_buf(),
        decoded.text,
        decoded.encoding,
        templates,
    );
    recheck(parsed.report, parsed.notes, templates)
}

/// Runs the checker on an already parsed (possibly corrected) report.
pub fn recheck(report: Report, notes: Vec<ParseNote>, templates: &Templates) -> Audit {
    let template = report
        .template
        .as_deref()
        .and_then(|id| templates.get(id))
        .or_else(|| templates.all.last());
    let findings = template
        .map(|t| check(&report, t, &notes))
        .unwrap_or_default();
    let error = if report.tables.iter().any(|t| t.found()) {
        None
    } else {
        Some(
            "no report tables found (none of the template's table rows were recognised)"
                .to_string(),
        )
    };
    Audit {
        path: report.path.clone(),
        report: Some(report),
        notes,
        findings,
        error,
    }
}

/// Expands files and directories (recursively) into the report files to audit, sorted.
/// Directories contribute `*.txt` files; files named explicitly are always taken.
pub fn collect_paths(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            out.push(p);
        }
    }
    Ok(())
}
