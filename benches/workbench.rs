//! Workbench responsiveness: time to the first frame on a folder of 10,000 reports, and
//! key-to-frame time on the largest bundled sample. Run: `cargo bench --bench workbench`.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gouji::audit::collect_paths;
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let templates = Templates::embedded().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");

    // A folder of 10,000 reports (copies of the samples).
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workbench-10k");
    if !dir.join("09999.txt").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let originals: Vec<Vec<u8>> = collect_paths(std::slice::from_ref(&samples))
            .unwrap()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        for i in 0..10_000 {
            std::fs::write(
                dir.join(format!("{i:05}.txt")),
                &originals[i % originals.len()],
            )
            .unwrap();
        }
    }
    let mut first = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let paths = collect_paths(std::slice::from_ref(&dir)).unwrap();
        let app = App::spawn(paths, Config::default(), templates.clone(), (160, 45));
        let mut t = Terminal::new(TestBackend::new(160, 45)).unwrap();
        app.draw(&mut t).unwrap();
        first.push(start.elapsed());
    }
    println!(
        "first frame, 10,000-report folder (list walk + state + draw): median {:.1} ms (target < 100 ms)",
        median(first).as_secs_f64() * 1e3
    );

    // Key to frame on the largest sample: move, recheck-free navigation and a full redraw.
    let largest = collect_paths(&[samples])
        .unwrap()
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .unwrap();
    let mut app = App::loaded(
        vec![largest.clone()],
        Config::default(),
        templates,
        (160, 45),
    );
    let mut t = Terminal::new(TestBackend::new(160, 45)).unwrap();
    app.key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    app.key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    let mut times = Vec::new();
    for i in 0..400 {
        let code = if (i / 20) % 2 == 0 {
            KeyCode::Char('j')
        } else {
            KeyCode::Char('k')
        };
        let start = Instant::now();
        app.key(KeyEvent::new(code, KeyModifiers::NONE));
        app.draw(&mut t).unwrap();
        times.push(start.elapsed());
    }
    let worst = *times.iter().max().unwrap();
    println!(
        "key to frame on {} ({} bytes): median {:.2} ms, worst {:.2} ms (target < 16 ms)",
        largest.file_name().unwrap().to_string_lossy(),
        std::fs::metadata(&largest).unwrap().len(),
        median(times).as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}
