//! Parse + check throughput on a generated corpus of 10,000 reports, and `gouji check`
//! against ripgrep scanning the same files for "总计", measured in the same run.
//!
//! Two corpora, each mixing the five bundled real reports (layouts A–D) with synthetic reports
//! (consistent tables) in layouts A, B, C, D and F:
//! - *typical*: the real reports' table cells scaled by one random factor per report (every
//!   relation is linear, so a consistent table stays consistent and 000's real mismatch stays
//!   a mismatch), and one cell in ten reports off by a few: most reports add up, as in practice;
//! - *every number random*: every 1–4 digit number of the real reports replaced at random
//!   (labels' enumerations and years too), so nearly every relation fails: the worst case for
//!   the checker and for the size of the output.
//!
//! Run: `cargo bench --bench throughput`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use gouji::audit::{ReadOptions, audit_bytes};
use gouji::parser::parse;
use gouji::synth::{Layout, Rng, consistent, render};
use gouji::template::Templates;
use gouji::text::Value;
use rayon::prelude::*;

/// The allocator the `gouji` binary uses, so the in-memory numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const REPORTS: usize = 10_000;

/// Replaces every run of 1–4 ASCII digits with a random number of the same length.
fn vary_numbers(text: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String, rng: &mut Rng| {
        if (1..=4).contains(&digits.len()) {
            let lo = if digits.len() == 1 {
                0
            } else {
                10u64.pow(digits.len() as u32 - 1)
            };
            let hi = 10u64.pow(digits.len() as u32);
            out.push_str(&(lo + rng.below(hi - lo)).to_string());
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out, rng);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out, rng);
    out
}

/// Multiplies every integer table cell of a real report by `factor` in place (keeping signs
/// and units as printed), then, when `slip` is set, adds a few to one cell.
fn scale_cells(
    text: &str,
    templates: &Templates,
    factor: i64,
    slip: bool,
    rng: &mut Rng,
) -> String {
    let report = parse(PathBuf::new(), text.to_string(), "UTF-8", templates).report;
    let mut digits: Vec<(std::ops::Range<usize>, i64)> = Vec::new();
    for cell in report
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| r.cells.iter().flatten())
        .filter(|c| !c.inferred && matches!(c.value, Value::Int(_)))
    {
        let raw = &text[cell.span.clone()];
        let Some(start) = raw.find(|c: char| c.is_ascii_digit()) else {
            continue;
        };
        let len = raw[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(raw.len() - start);
        let at = cell.span.start + start;
        let v: i64 = text[at..at + len].parse().unwrap();
        digits.push((at..at + len, v * factor));
    }
    if slip && !digits.is_empty() {
        let i = rng.below(digits.len() as u64) as usize;
        digits[i].1 += 1 + rng.below(9) as i64;
    }
    digits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (r, v) in digits {
        out.push_str(&text[at..r.start]);
        out.push_str(&v.to_string());
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The typical corpus when `typical`, else the one with every number random (see the top).
fn corpus(n: usize, typical: bool) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let mut samples: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    samples.sort();
    let originals: Vec<String> = samples
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let templates = Templates::embedded().unwrap();
    let mut rng = Rng::new(2026);
    (0..n)
        .map(|i| {
            let text = if i % 2 == 0 {
                let original = &originals[(i / 2) % originals.len()];
                if typical {
                    let factor = 1 + rng.below(9) as i64;
                    let slip = rng.below(10) == 0;
                    scale_cells(original, &templates, factor, slip, &mut rng)
                } else {
                    vary_numbers(original, &mut rng)
                }
            } else {
                let t = &templates.all[(i / 2) % templates.all.len()];
                let tables = consistent(t, &mut rng);
                let year = if t.id == "2019" { 2020 } else { 2023 };
                render(
                    t,
                    &tables,
                    Layout::ALL[(i / 2) % Layout::ALL.len()],
                    "某某区人民政府",
                    year,
                )
            };
            (PathBuf::from(format!("{i:05}.txt")), text.into_bytes())
        })
        .collect()
}

fn in_memory(c: &mut Criterion, corpus: &[(PathBuf, Vec<u8>)]) {
    let templates = Templates::embedded().unwrap();
    // As `gouji check` reads: no annotation is written, so no hash is needed.
    let opts = ReadOptions {
        read_only: true,
        ..ReadOptions::default()
    };
    let bytes: usize = corpus.iter().map(|(_, b)| b.len()).sum();
    let mut g = c.benchmark_group("parse_check");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("1 thread, 10k reports", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|(p, bytes)| audit_bytes(p, bytes, &templates, &opts).findings.len())
                .sum::<usize>()
        })
    });
    g.bench_function("rayon all cores, 10k reports", |b| {
        b.iter(|| {
            corpus
                .par_iter()
                .map(|(p, bytes)| audit_bytes(p, bytes, &templates, &opts).findings.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// Wall time (best of `runs`) and peak RSS in KiB of a command. The peak is read from the
/// child's own /proc status while it runs: getrusage(RUSAGE_CHILDREN) would report this
/// process's size, which Linux carries into a vfork+exec'd child's high-water mark.
fn measure(cmd: &mut dyn FnMut() -> Command, runs: usize) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut rss = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mut child = cmd()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let status_file = format!("/proc/{}/status", child.id());
        let mut peak = 0;
        loop {
            if let Ok(s) = std::fs::read_to_string(&status_file)
                && let Some(kb) = s.lines().find_map(|l| l.strip_prefix("VmHWM:"))
            {
                peak = peak.max(
                    kb.trim()
                        .trim_end_matches(" kB")
                        .trim()
                        .parse()
                        .unwrap_or(0),
                );
            }
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        best = best.min(start.elapsed());
        rss = rss.max(peak);
    }
    (best, rss)
}

fn versus_ripgrep(name: &str, dir: &str, corpus: &[(PathBuf, Vec<u8>)]) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bench-corpus")
        .join(dir);
    let _ = std::fs::remove_dir_all(&root);
    let small = root.join("1k");
    let full = root.join("10k");
    std::fs::create_dir_all(&small).unwrap();
    std::fs::create_dir_all(&full).unwrap();
    for (i, (p, bytes)) in corpus.iter().enumerate() {
        if i < 1000 {
            std::fs::write(small.join(p), bytes).unwrap();
        }
        std::fs::write(full.join(p), bytes).unwrap();
    }
    let mb = corpus.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    let gouji = env!("CARGO_BIN_EXE_gouji");
    let check = |format: &'static str, dir: PathBuf| {
        move || {
            let mut c = Command::new(gouji);
            c.args(["check", "--format", format]).arg(&dir);
            c
        }
    };
    let (_, rss1k) = measure(&mut check("json", small.clone()), 1);
    let (json, rss) = measure(&mut check("json", full.clone()), 3);
    let (text, _) = measure(&mut check("text", full.clone()), 3);
    println!(
        "\n== {name}: gouji check vs ripgrep, {} reports, {mb:.1} MB, {} cores",
        corpus.len(),
        rayon::current_num_threads()
    );
    let row = |what: &str, t: Duration| {
        println!(
            "{what:<27}{:>8.1} ms  {:>7.1} MB/s  {:>8.0} reports/s",
            t.as_secs_f64() * 1e3,
            mb / t.as_secs_f64(),
            corpus.len() as f64 / t.as_secs_f64()
        )
    };
    row("gouji check (text):", text);
    row("gouji check --format json:", json);
    println!(
        "gouji peak RSS: {:.1} MiB at 10k reports, {:.1} MiB at 1k reports",
        rss as f64 / 1024.0,
        rss1k as f64 / 1024.0,
    );
    if Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok()
    {
        let (r, _) = measure(
            &mut || {
                let mut c = Command::new("rg");
                c.args(["-c", "总计"]).arg(&full);
                c
            },
            3,
        );
        row("rg -c 总计:", r);
        println!(
            "gouji / rg time ratio: {:.1}x (text), {:.1}x (json)",
            text.as_secs_f64() / r.as_secs_f64(),
            json.as_secs_f64() / r.as_secs_f64()
        );
    } else {
        println!("rg not found: install ripgrep (apt-get install ripgrep) for the comparison");
    }
    stages(&full, mb);
}

/// Where the time of a batch run goes, in wall time on all cores (best of 3): each stage
/// runs everything before it, in process, over the files `gouji check` reads. The last line is
/// `gouji check` without its output.
fn stages(dir: &Path, mb: f64) {
    let files = gouji::audit::collect_paths(&[dir.to_path_buf()]).unwrap();
    let templates = Templates::embedded().unwrap();
    // As `gouji check` reads: looking for each report's annotation file, writing none.
    let opts = ReadOptions {
        read_only: true,
        corrections: true,
        ..ReadOptions::default()
    };
    let decoded = |p: &PathBuf| {
        let bytes = gouji::audit::read_file(p).unwrap();
        gouji::decode::decode_owned(bytes, None).unwrap().text
    };
    let time = |f: &(dyn Fn(&PathBuf) -> usize + Sync)| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(files.par_iter().map(f).sum::<usize>());
                start.elapsed()
            })
            .min()
            .unwrap()
    };
    let steps: [(&str, Duration); 5] = [
        ("read", time(&|p| gouji::audit::read_file(p).unwrap().len())),
        ("+ decode", time(&|p| decoded(p).len())),
        (
            "+ HTML text, tokenize",
            time(&|p| {
                let text = decoded(p);
                if gouji::html::looks_like_html(&text) {
                    gouji::tokenize::tokenize(&gouji::html::extract(text).text).len()
                } else {
                    gouji::tokenize::tokenize(&text).len()
                }
            }),
        ),
        (
            "+ align to the template",
            time(&|p| {
                let parsed = parse(p.clone(), decoded(p), "UTF-8", &templates);
                parsed.report.tables.len()
            }),
        ),
        (
            "+ annotations, check",
            time(&|p| {
                gouji::audit::audit_file(p, &templates, &opts)
                    .findings
                    .len()
            }),
        ),
    ];
    println!("stages (cumulative, in process, all cores):");
    for (what, t) in steps {
        println!(
            "  {what:<25}{:>8.1} ms  {:>7.1} MB/s",
            t.as_secs_f64() * 1e3,
            mb / t.as_secs_f64()
        );
    }
}

fn main() {
    let typical = corpus(REPORTS, true);
    let mut c = Criterion::default().configure_from_args();
    in_memory(&mut c, &typical);
    c.final_summary();
    versus_ripgrep("typical corpus", "typical", &typical);
    drop(typical);
    versus_ripgrep("every number random", "random", &corpus(REPORTS, false));
}
