//! Command-line interface: argument parsing and the headless `gouji check` run.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::annotations::AnnotationStore;
use crate::audit::{Audit, ReadOptions, STDIN_NAME, audit_file, audit_stdin, walk_paths};
use crate::checker::Severity;
use crate::decode::encoding_for_label;
use crate::export::{
    CELLS_CSV_HEADER, FINDINGS_CSV_HEADER, audit_json_line, cells_csv, findings_csv,
};
use crate::narrative::CheckRules;
use crate::series::{CrossFinding, Series};
use crate::template::Templates;
use crate::text::{visible, visible_lines};

#[derive(Debug, Parser)]
#[command(
    name = "gouji",
    version,
    about = "Audit the tables of 政府信息公开工作年度报告 (annual reports on government information disclosure)"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Reports or folders to open in the review workbench (default: the bundled samples).
    pub paths: Vec<PathBuf>,
    /// Configuration file (default: config.toml in the user's config directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keep annotation files in DIR instead of beside each report.
    #[arg(long, value_name = "DIR")]
    pub annotations: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check reports headless; print findings, JSON Lines or CSV.
    Check(CheckArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics for people.
    Text,
    /// JSON Lines, one object per report (schema in README).
    Json,
    /// Long format, one line per cell: file,table,row,column,raw,value,corrected,original,line,col.
    Csv,
    /// An Excel workbook (findings, cells, one sheet per review status, cross-report) written
    /// to --output FILE; the summary goes to standard output.
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Report files or directories (searched recursively for *.txt, *.md, *.html, *.htm, *.shtml,
    /// *.pdf, *.docx, *.doc, *.wps); `-` reads a report from standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Decode every file with this encoding (utf-8, gbk, gb18030, utf-16le, …) instead of detecting.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Also write every finding as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub findings_csv: Option<PathBuf>,
    /// Text format: print errors only, not warnings.
    #[arg(long)]
    pub errors_only: bool,
    /// Check the numbers as parsed, ignoring corrections saved in annotation files.
    #[arg(long)]
    pub no_corrections: bool,
    /// Directory holding the annotation files (default: beside each report).
    #[arg(long, value_name = "DIR")]
    pub annotations: Option<PathBuf>,
    /// Read every PDF and Word file again instead of using the text cached from an earlier run.
    #[arg(long)]
    pub no_cache: bool,
    /// The workbook to write with --format xlsx.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Warn when more than this share (0–1) of a report's narrative sentences appear verbatim
    /// in the same agency's report of the year before (default: checks.toml's, 0.5).
    #[arg(long, value_name = "SHARE")]
    pub repetition_threshold: Option<f64>,
    /// Check with this many threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Exit status of a check run: 0 clean, 1 some report has an error finding, 2 some file
/// could not be read or holds no report, or some report's saved annotations could not be
/// applied.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Some(Command::Check(args)) => check(args),
        None => workbench(cli.paths, cli.config, cli.annotations),
    }
}

fn workbench(
    paths: Vec<PathBuf>,
    config: Option<PathBuf>,
    annotations: Option<PathBuf>,
) -> anyhow::Result<i32> {
    let mut config = crate::ui::config::Config::load(config.as_deref())?;
    if annotations.is_some() {
        config.annotations_dir = annotations;
    }
    config.cache = crate::cache::Cache::user();
    let inputs = if paths.is_empty() {
        vec![crate::ui::materialize_samples()?]
    } else {
        paths
    };
    for p in &inputs {
        if !p.exists() {
            anyhow::bail!("{}: no such file or directory", p.display());
        }
    }
    // A folder that cannot be listed is named on the status line; the rest opens.
    let (reports, unlisted) = crate::audit::Reports::walk(inputs);
    let unlisted: Vec<String> = unlisted
        .iter()
        .map(|(dir, e)| format!("{}: {e}", dir.display()))
        .collect();
    if reports.files.is_empty() && !unlisted.is_empty() {
        anyhow::bail!("no report to open: {}", unlisted.join("; "));
    }
    let notice = unlisted
        .first()
        .map(|first| match unlisted.len() {
            1 => format!("folder not listed: {first}"),
            n => format!("folder not listed: {first} (and {} more)", n - 1),
        })
        .or_else(|| reports.skipped.clone());
    crate::ui::run(reports, config, notice)
}

fn check(args: CheckArgs) -> anyhow::Result<i32> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()?;
    }
    let templates = Templates::embedded()?;
    let rules = CheckRules::embedded_checked().map_err(|e| anyhow::anyhow!("{e}"))?;
    let threshold = args
        .repetition_threshold
        .unwrap_or(rules.repetition_threshold);
    if !(threshold > 0.0 && threshold <= 1.0) {
        anyhow::bail!("--repetition-threshold must be a share above 0 and at most 1 (0.5 is 50%)");
    }
    let mut xlsx = match (args.format, &args.output) {
        (Format::Xlsx, Some(p)) => Some(crate::xlsx::XlsxWriter::new(p)?),
        (Format::Xlsx, None) => anyhow::bail!("--format xlsx needs --output FILE"),
        (_, Some(_)) => anyhow::bail!("--output is for --format xlsx"),
        _ => None,
    };
    let encoding = args
        .encoding
        .as_deref()
        .map(encoding_for_label)
        .transpose()?;
    let mut store = AnnotationStore::new(args.annotations.clone(), &args.paths);
    if !args.no_corrections && store.wants_census() {
        // Old-style annotation files apply only to a report whose file name no other report
        // of the run bears: count them first (a walk of the folders, reading no report).
        store.census(walk_paths(&args.paths).filter_map(Result::ok));
        for m in store.ambiguous() {
            eprintln!("gouji: warning: {}", crate::text::visible(&m));
        }
    }
    if !args.no_corrections && store.may_share(&args.paths) {
        for m in store.shared(walk_paths(&args.paths).filter_map(Result::ok)) {
            eprintln!("gouji: warning: {}", crate::text::visible(&m));
        }
    }
    let opts = ReadOptions {
        encoding,
        corrections: !args.no_corrections,
        annotations: store,
        read_only: true,
        cache: if args.no_cache {
            None
        } else {
            crate::cache::Cache::user()
        },
    };
    let mut findings_out = match &args.findings_csv {
        Some(p) => {
            let mut f = io::BufWriter::new(
                std::fs::File::create(p)
                    .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", p.display()))?,
            );
            writeln!(f, "{FINDINGS_CSV_HEADER}")?;
            Some(f)
        }
        None => None,
    };

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut totals = Totals::default();
    let mut series = Series::new();
    if args.format == Format::Csv {
        out_line(&mut out, CELLS_CSV_HEADER)?;
    }
    // Stream in chunks, the folders walked as the run goes: parallel inside a chunk, output in
    // input order, memory flat in the number of reports.
    let chunk = 64 * rayon::current_num_threads().max(1);
    let mut walk = walk_paths(&args.paths);
    let progress = progress_bar();
    loop {
        let entries: Vec<_> = walk.by_ref().take(chunk).collect();
        if entries.is_empty() {
            break;
        }
        let want_audit = xlsx.is_some();
        let rendered: Vec<Rendered> = entries
            .par_iter()
            .map(|entry| {
                let (audit, shown, folder) = match entry {
                    Ok(p) if p.as_os_str() == "-" => (
                        audit_stdin(&templates, &opts),
                        STDIN_NAME.to_string(),
                        false,
                    ),
                    Ok(p) => (
                        audit_file(p, &templates, &opts),
                        p.display().to_string(),
                        false,
                    ),
                    Err((dir, e)) => (
                        Audit::failed(dir, format!("cannot list folder: {e}")),
                        dir.display().to_string(),
                        true,
                    ),
                };
                let body = render(&audit, &shown, args.format, args.errors_only, &templates);
                let notes = render_notes(&audit, &shown, args.format);
                let mut fcsv = String::new();
                if findings_out.is_some() {
                    findings_csv(&audit, &shown, &mut fcsv);
                }
                // Counted as each report is done, not as its chunk is written.
                progress.inc(1);
                let series = (!folder)
                    .then(|| crate::series::Summary::of(&audit, &shown, rules))
                    .flatten();
                let summary = Summary::of(&audit, folder);
                Rendered {
                    body,
                    notes,
                    fcsv,
                    summary,
                    series,
                    audit: want_audit.then_some((audit, shown)),
                }
            })
            .collect();
        for r in rendered {
            let Rendered {
                body,
                notes,
                fcsv,
                summary: s,
                series: one,
                audit,
            } = r;
            if let Some(one) = one {
                series.add(one);
            }
            if let (Some(x), Some((a, shown))) = (xlsx.as_mut(), audit) {
                x.add(&a, &shown, &templates)?;
            }
            if let Err(e) = out.write_all(body.as_bytes()) {
                return broken_pipe_ok(e);
            }
            if !notes.is_empty() {
                // Beside the report's own output, in order, even with stdout buffered.
                let _ = out.flush();
                progress.suspend(|| io::stderr().write_all(notes.as_bytes()).ok());
            }
            if let Some(f) = findings_out.as_mut() {
                f.write_all(fcsv.as_bytes())?;
            }
            totals.add(s);
        }
    }
    progress.finish_and_clear();
    // The final section: what pairs of reports of one agency in consecutive years say.
    let cross = series.findings(threshold);
    for f in &cross {
        totals.add_cross(f);
        let line = match args.format {
            Format::Json => crate::export::cross_json_line(f),
            Format::Text if !args.errors_only || f.severity == Some(Severity::Error) => {
                cross_text(f)
            }
            _ => String::new(),
        };
        if let Err(e) = out.write_all(line.as_bytes()) {
            return broken_pipe_ok(e);
        }
        if let Some(fo) = findings_out.as_mut() {
            fo.write_all(crate::export::cross_csv(f).as_bytes())?;
        }
        if let Some(x) = xlsx.as_mut() {
            x.add_cross(f)?;
        }
    }
    if matches!(args.format, Format::Text | Format::Xlsx) {
        let mut lines = totals.lines();
        if let (Some(last), Some(sk)) = (lines.last_mut(), walk.skipped_line()) {
            last.push_str("; ");
            last.push_str(&sk);
        }
        for line in lines {
            out_line(&mut out, &line)?;
        }
    }
    if let Some(x) = xlsx {
        x.finish()?;
    }
    if let Err(e) = out.flush() {
        return broken_pipe_ok(e);
    }
    if let Some(mut f) = findings_out {
        f.flush()?;
    }
    Ok(
        if totals.unreadable + totals.folders + totals.not_applied > 0 {
            2
        } else if totals.with_errors > 0 || totals.cross_errors > 0 {
            1
        } else {
            0
        },
    )
}

/// A count of the reports checked on standard error when it is a terminal and the output goes
/// elsewhere (a file, a pipe): a corpus of PDFs takes seconds to minutes. Hidden otherwise;
/// output on the terminal shows its own progress. The walk is lazy, so there is no total.
fn progress_bar() -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() || io::stdout().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(5),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {human_pos} report(s) checked, {per_sec}, {elapsed}",
    ) {
        pb.set_style(style);
    }
    pb
}

fn out_line(out: &mut impl Write, line: &str) -> anyhow::Result<()> {
    match writeln!(out, "{line}") {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        r => Ok(r?),
    }
}

fn broken_pipe_ok(e: io::Error) -> anyhow::Result<i32> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(0)
    } else {
        Err(e.into())
    }
}

/// What the parallel part of a run hands to the ordered part for one entry.
struct Rendered {
    body: String,
    notes: String,
    fcsv: String,
    summary: Summary,
    series: Option<crate::series::Summary>,
    /// The audit itself, for the xlsx writer only.
    audit: Option<(Audit, String)>,
}

#[derive(Debug, Clone)]
struct Summary {
    errors: usize,
    unchecked: usize,
    warnings: usize,
    unreadable: bool,
    /// Saved annotations that could not be applied (corrupt, unreadable, newer, stale).
    not_applied: bool,
    /// A folder that could not be listed, not a report.
    folder: bool,
    /// The rules of the report's error findings, once per finding.
    error_rules: Vec<crate::template::Key>,
    year: Option<i32>,
}

impl Summary {
    fn of(a: &Audit, folder: bool) -> Summary {
        Summary {
            errors: a.errors(),
            unchecked: a.unchecked(),
            warnings: a.warnings(),
            unreadable: a.unreadable(),
            not_applied: a.annotations_not_applied(),
            folder,
            error_rules: a
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| f.rule)
                .collect(),
            year: a.checked().and_then(|r| r.year),
        }
    }
}

/// The run's counts: what `--format text` ends with, the same as the workbench's corpus view.
#[derive(Debug, Default)]
struct Totals {
    reports: usize,
    with_errors: usize,
    errors: usize,
    unchecked: usize,
    warnings: usize,
    unreadable: usize,
    not_applied: usize,
    folders: usize,
    counts: crate::corpus::Counts,
    cross_errors: usize,
    cross_warnings: usize,
}

impl Totals {
    fn add(&mut self, s: Summary) {
        if s.folder {
            self.folders += 1;
            return;
        }
        self.reports += 1;
        self.errors += s.errors;
        self.unchecked += s.unchecked;
        self.warnings += s.warnings;
        self.with_errors += usize::from(s.errors > 0);
        self.unreadable += usize::from(s.unreadable);
        self.not_applied += usize::from(s.not_applied);
        self.counts.add(
            crate::corpus::Outcome::of(s.unreadable, s.errors, s.unchecked),
            &s.error_rules,
            s.year,
        );
    }

    fn add_cross(&mut self, f: &CrossFinding) {
        match f.severity {
            Some(Severity::Error) => {
                self.cross_errors += 1;
                self.counts.add_cross_error(f.rule);
            }
            Some(_) => self.cross_warnings += 1,
            None => {}
        }
    }

    /// The counts (the corpus view's), then the one summary line, last.
    fn lines(&self) -> Vec<String> {
        let mut v = self.counts.lines();
        if self.cross_errors + self.cross_warnings > 0 {
            v.push(format!(
                "across reports: {} error(s), {} warning(s)",
                self.cross_errors, self.cross_warnings
            ));
        }
        v.push(self.line());
        v
    }

    fn line(&self) -> String {
        let mut line = format!(
            "checked {} report(s): {} with errors ({} error(s)), {} relation(s) unchecked, {} warning(s), {} unreadable or without tables",
            self.reports,
            self.with_errors,
            self.errors,
            self.unchecked,
            self.warnings,
            self.unreadable
        );
        if self.folders > 0 {
            line.push_str(&format!("; {} folder(s) not listed", self.folders));
        }
        if self.not_applied > 0 {
            line.push_str(&format!(
                "; {} with annotations not (all) applied",
                self.not_applied
            ));
        }
        line
    }
}

/// One cross-report finding as a diagnostic line (and a figure below the threshold as a note).
fn cross_text(f: &CrossFinding) -> String {
    let severity = f.severity.map_or("note", Severity::as_str);
    format!("{}: {severity}[{}]: {}\n", f.file, f.rule, f.message)
}

/// Renders one audited file in the chosen format.
/// `templates` name the cells in text output by their labels.
pub fn render(
    a: &Audit,
    shown: &str,
    format: Format,
    errors_only: bool,
    templates: &Templates,
) -> String {
    match format {
        Format::Xlsx => String::new(),
        Format::Json => audit_json_line(a, shown),
        Format::Csv => {
            let mut s = String::new();
            cells_csv(a, shown, &mut s);
            s
        }
        Format::Text => render_text(a, shown, errors_only, templates),
    }
}

/// Lines for standard error about one audited file's annotations, in every format: where
/// they were read from (an old-style file), and their state when they are not simply applied
/// (corrupt, unreadable, newer schema, stale: which corrections still match and which not).
/// With `--format csv`, also how the text was read (JSON carries that in `read_warnings`,
/// text on standard output).
pub fn render_notes(a: &Audit, shown: &str, format: Format) -> String {
    let shown = visible(shown);
    let mut s = String::new();
    if let Some(n) = a.migration_notice() {
        s.push_str(&format!("{shown}: note: {}\n", visible(&n)));
    }
    let (status, message) = a.annotation_state();
    if let Some(m) = message {
        let level = if a.annotations_not_applied() {
            "warning: annotations not applied"
        } else {
            "note: annotations"
        };
        // One line on stderr: a TOML error's caret diagram spans several.
        let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
        s.push_str(&format!(
            "{shown}: {level} ({}): {}\n",
            status.as_str(),
            visible(&m)
        ));
    }
    if format == Format::Csv {
        for w in &a.read_warnings {
            s.push_str(&format!("{shown}: warning: {}\n", visible(w)));
        }
    }
    s
}

fn render_text(a: &Audit, shown: &str, errors_only: bool, templates: &Templates) -> String {
    let shown = visible(shown);
    let shown = shown.as_ref();
    let mut s = String::new();
    if let Some(e) = &a.error {
        s.push_str(&format!("{shown}: error: {e}\n"));
    }
    for w in &a.read_warnings {
        s.push_str(&format!("{shown}: warning: {w}\n"));
    }
    for st in &a.stale {
        s.push_str(&format!(
            "{shown}: warning: stale correction: {}\n",
            st.message()
        ));
    }
    let report = a.checked();
    let template = templates.for_id(report.and_then(|r| r.template.as_deref()));
    for (i, f) in a.findings.iter().enumerate() {
        let verdict = a.verdict(i);
        if errors_only && (f.severity != Severity::Error || verdict.is_some_and(|v| v.dismissed()))
        {
            continue;
        }
        let pos = match (report, &f.span) {
            (Some(r), Some(span)) => {
                let (l, c) = r.source_line_col(span.start);
                match r.page_of(span.start) {
                    Some(p) => format!("{shown}:p{p}:{l}:{c}"),
                    None => format!("{shown}:{l}:{c}"),
                }
            }
            _ => shown.to_string(),
        };
        let mark = verdict.map_or(String::new(), |v| format!(" [{}]", v.describe()));
        s.push_str(&format!(
            "{pos}: {}[{}]{mark}: {}: {}\n",
            f.severity.as_str(),
            f.rule,
            f.table.title(),
            f.message
        ));
        if f.severity == Severity::Error
            && let (Some(found), Some(expected)) = (f.found, f.expected)
        {
            s.push_str(&format!(
                "    found {}, expected {}\n",
                crate::text::format_num(found),
                crate::text::format_num(expected)
            ));
        }
        if let Some(sg) = &f.suggestion {
            let at = a
                .report
                .as_ref()
                .and_then(|r| r.table(f.table))
                .and_then(|t| t.cell(sg.row, sg.column))
                .map(|c| {
                    let (l, col) = a
                        .report
                        .as_ref()
                        .map_or((0, 0), |r| r.source_line_col(c.span.start));
                    format!(" (line {l}:{col})")
                })
                .unwrap_or_default();
            let label = crate::annotations::cell_label(
                template,
                &crate::report::CellRef::new(f.table, sg.row, sg.column),
            );
            s.push_str(&format!(
                "    suggestion: {label} should probably be {}{at}: that one value satisfies {}\n",
                crate::text::format_num(sg.value),
                sg.resolves.join(" and ")
            ));
        }
    }
    // Messages quote the report (labels as printed): nothing in them reaches the terminal raw.
    visible_lines(&s).into_owned()
}
