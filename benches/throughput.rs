//! Parse + check throughput on a generated corpus of 10,000 reports, and `gouji check`
//! against ripgrep scanning the same files for "总计", measured in the same run.
//!
//! The corpus mixes the five bundled real reports with their numbers varied and synthetic
//! reports (consistent tables) in layouts A, B, C, D and F. Run: `cargo bench --bench throughput`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use gouji::audit::{ReadOptions, audit_bytes};
use gouji::synth::{Layout, Rng, consistent, render};
use gouji::template::Templates;
use rayon::prelude::*;

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

fn corpus(n: usize) -> Vec<(PathBuf, Vec<u8>)> {
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
                vary_numbers(&originals[(i / 2) % originals.len()], &mut rng)
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
    let bytes: usize = corpus.iter().map(|(_, b)| b.len()).sum();
    let mut g = c.benchmark_group("parse_check");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("1 thread, 10k reports", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|(p, bytes)| {
                    audit_bytes(p, bytes, &templates, &ReadOptions::default())
                        .findings
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("rayon all cores, 10k reports", |b| {
        b.iter(|| {
            corpus
                .par_iter()
                .map(|(p, bytes)| {
                    audit_bytes(p, bytes, &templates, &ReadOptions::default())
                        .findings
                        .len()
                })
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

fn versus_ripgrep(corpus: &[(PathBuf, Vec<u8>)]) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-corpus");
    let _ = std::fs::remove_dir_all(&root);
    let small = root.join("1k");
    let full = root.join("10k");
    for (i, (p, bytes)) in corpus.iter().enumerate() {
        if i < 1000 {
            std::fs::create_dir_all(&small).unwrap();
            std::fs::write(small.join(p), bytes).unwrap();
        }
        std::fs::create_dir_all(&full).unwrap();
        std::fs::write(full.join(p), bytes).unwrap();
    }
    let mb = corpus.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    let gouji = env!("CARGO_BIN_EXE_gouji");
    let (g1k, rss1k) = measure(
        &mut || {
            let mut c = Command::new(gouji);
            c.args(["check", "--format", "json"]).arg(&small);
            c
        },
        1,
    );
    let (g, rss) = measure(
        &mut || {
            let mut c = Command::new(gouji);
            c.args(["check", "--format", "json"]).arg(&full);
            c
        },
        3,
    );
    println!(
        "\n== gouji check vs ripgrep, {} reports, {mb:.1} MB, {} cores",
        corpus.len(),
        rayon::current_num_threads()
    );
    println!(
        "gouji check --format json: {:>8.1} ms  {:>7.1} MB/s  {:>8.0} reports/s",
        g.as_secs_f64() * 1e3,
        mb / g.as_secs_f64(),
        corpus.len() as f64 / g.as_secs_f64()
    );
    println!(
        "gouji peak RSS: {:.1} MiB at 10k reports, {:.1} MiB at 1k reports ({:.0} ms)",
        rss as f64 / 1024.0,
        rss1k as f64 / 1024.0,
        g1k.as_secs_f64() * 1e3
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
        println!(
            "rg -c 总计:                {:>8.1} ms  {:>7.1} MB/s  {:>8.0} reports/s",
            r.as_secs_f64() * 1e3,
            mb / r.as_secs_f64(),
            corpus.len() as f64 / r.as_secs_f64()
        );
        println!(
            "gouji / rg time ratio: {:.2}x",
            g.as_secs_f64() / r.as_secs_f64()
        );
    } else {
        println!("rg not found: install ripgrep (apt-get install ripgrep) for the comparison");
    }
}

fn main() {
    let corpus = corpus(REPORTS);
    let mut c = Criterion::default().configure_from_args();
    in_memory(&mut c, &corpus);
    c.final_summary();
    versus_ripgrep(&corpus);
}
