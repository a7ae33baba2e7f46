//! PDF corpus benchmark (not a test): reports per second of `gouji check` on a folder of PDFs
//! (the real PDFs of the fixtures, repeated), beside the time of extraction alone, and a
//! second run reading the extracted text from the cache.
//!
//! `cargo bench --bench pdf` (set GOUJI_PDF_COPIES to change the corpus size, default 100
//! copies of each of the four fixture PDFs).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let copies: usize = std::env::var("GOUJI_PDF_COPIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let sources: Vec<PathBuf> = [
        "pdf_wps_vertical_label_fake_bold_page_cut_table.pdf",
        "pdf_wps_review_totals_really_wrong.pdf",
        "pdf_libreoffice_blank_cells.pdf",
        "pdf_ghostscript_rewrite_blank_cells.pdf",
    ]
    .iter()
    .map(|n| fixtures.join(n))
    .collect();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp/pdf-corpus");
    let _ = std::fs::remove_dir_all(&corpus);
    std::fs::create_dir_all(&corpus).unwrap();
    let mut files = Vec::new();
    let mut bytes_total = 0;
    for i in 0..copies {
        for s in &sources {
            let to = corpus.join(format!(
                "{i:05}_{}",
                s.file_name().unwrap().to_string_lossy()
            ));
            // Each copy different (a comment after the end), so the cache cannot share them.
            let mut b = std::fs::read(s).unwrap();
            b.extend_from_slice(format!("\n%gouji bench copy {i}\n").as_bytes());
            bytes_total += b.len() as u64;
            std::fs::write(&to, b).unwrap();
            files.push(to);
        }
    }
    let n = files.len();
    println!(
        "corpus: {n} PDFs, {:.1} MB, {} threads",
        bytes_total as f64 / 1e6,
        rayon::current_num_threads()
    );

    // Extraction alone, in process, in parallel across files.
    let t = Instant::now();
    let chars: usize = files
        .par_iter()
        .map(|p| {
            let b = std::fs::read(p).unwrap();
            let k = gouji::document::kind(&b).unwrap();
            gouji::document::extract(p, k, &b).map_or(0, |x| x.text.len())
        })
        .sum();
    let extract = t.elapsed().as_secs_f64();
    println!(
        "extraction alone:             {:7.2} s  {:7.1} PDFs/s  ({} bytes of text)",
        extract,
        n as f64 / extract,
        chars
    );

    let gouji = env!("CARGO_BIN_EXE_gouji");
    let cache = corpus.with_extension("cache");
    let _ = std::fs::remove_dir_all(&cache);
    let run = |label: &str, args: &[&str]| {
        let t = Instant::now();
        let out = std::process::Command::new(gouji)
            .args(args)
            .env("XDG_CACHE_HOME", &cache)
            .output()
            .unwrap();
        let s = t.elapsed().as_secs_f64();
        let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(lines, n, "{label}: one JSON line per report");
        println!("{label:30}{s:7.2} s  {:7.1} reports/s", n as f64 / s);
    };
    let dir = corpus.to_str().unwrap();
    run(
        "gouji check --no-cache (json):",
        &["check", "--no-cache", "--format", "json", dir],
    );
    run(
        "gouji check, cold cache:",
        &["check", "--format", "json", dir],
    );
    run(
        "gouji check, warm cache:",
        &["check", "--format", "json", dir],
    );
}
