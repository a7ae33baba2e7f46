//! The corpus view: on a test backend (text and the colour of a report with errors), keys
//! through the real keymap (open, move, Enter opens the report, close), and in tmux with the
//! real binary.

mod common;
use common::{app, lines, render, samples_copy};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gouji::ui::App;
use gouji::ui::state::Pane;
use ratatui::style::Color;

fn key(app: &mut App, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

#[test]
fn the_corpus_view_counts_the_folder_and_enter_opens_a_report() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (120, 30));
    key(&mut app, 'C');
    let b = render(&app);
    let text = lines(&b);
    let screen = text.join("\n");
    assert!(
        text[0].contains("Corpus 总览 | 5 report(s) | Enter: open  C: close"),
        "{screen}"
    );
    assert!(
        text[1].contains("Reports 报告: 4 clean  1 errors  0 unchecked  0 unreadable"),
        "{screen}"
    );
    assert!(
        text[2].contains("Errors by rule 按规则: balance 2, results_sum 2"),
        "{screen}"
    );
    assert!(
        text[3].contains("Reports by year 按年度: 2019: 2, 2020: 2, 2023: 1"),
        "{screen}"
    );
    // One line per report, by agency then year: the report with errors marked E and red.
    let row = |name: &str| {
        text.iter()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}:\n{screen}"))
    };
    let wenfeng = row("文峰区人民政府");
    assert!(
        text[wenfeng].starts_with("│E 文峰区人民政府"),
        "{}",
        text[wenfeng]
    );
    assert!(text[wenfeng].contains("2019"));
    assert!(text[wenfeng].contains("000_baa44959fd9d628f.txt"));
    assert_eq!(b[(3, wenfeng as u16)].fg, Color::Red);
    let shenhe = row("瀋河回族区人民政府办公室");
    assert!(text[shenhe].starts_with("│✓ 瀋河"), "{}", text[shenhe]);
    assert!(row("万东镇人民政府") < wenfeng && wenfeng < shenhe);

    // The cursor starts on the open report (000); down once is 003; Enter opens it.
    key(&mut app, 'j');
    app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(app.state.corpus.is_none());
    assert_eq!(
        app.state.entries[app.state.open].name,
        "003_1160e2568716ca2c.txt"
    );
    assert_eq!(app.state.focus, Pane::Table);
    // C again opens it on 003; C closes it.
    key(&mut app, 'C');
    assert_eq!(
        app.state.corpus.as_ref().and_then(|c| c.selected()),
        Some(app.state.open)
    );
    key(&mut app, 'C');
    assert!(app.state.corpus.is_none());
}

#[test]
fn the_corpus_view_fits_a_small_terminal() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (80, 24));
    key(&mut app, 'C');
    let text = lines(&render(&app));
    assert!(text[1].contains("4 clean"), "{}", text.join("\n"));
    for l in &text {
        assert_eq!(unicode_width::UnicodeWidthStr::width(l.as_str()), 80, "{l}");
    }
    // A tiny one does not panic.
    app.state.size = (20, 5);
    let _ = render(&app);
}

#[test]
fn the_corpus_view_in_the_real_binary_in_tmux() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!("tmux is required for this test (CI installs it)");
    }
    let dir = samples_copy();
    let home = tempfile::tempdir().unwrap();
    let session = format!("gouji-corpus-{}", std::process::id());
    let cmd = format!(
        "HOME={} {} {}; echo exited:$? > {}/done",
        home.path().display(),
        env!("CARGO_BIN_EXE_gouji"),
        dir.path().display(),
        home.path().display()
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(args)
            .output()
            .unwrap()
    };
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "150",
        "-y",
        "40",
        &cmd,
    ]);
    let capture = || {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-t", &session, "-p"]).stdout).into_owned()
    };
    let wait_for = |what: &str| {
        for _ in 0..200 {
            if capture().contains(what) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let screen = capture();
        tmux(&["kill-session", "-t", &session]);
        panic!("screen never showed {what:?}:\n{screen}");
    };
    wait_for("4 errors, ");
    // The loader may still be filling in the badges: wait for the last report's.
    wait_for("004_4760a96778e8f996.~ E0");
    std::thread::sleep(std::time::Duration::from_millis(300));
    tmux(&["send-keys", "-t", &session, "C"]);
    wait_for("Corpus 总览");
    wait_for("4 clean  1 errors");
    tmux(&["send-keys", "-t", &session, "j"]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for("Raw text 原文 | 003_1160e2568716ca2c.txt");
    tmux(&["send-keys", "-t", &session, "q"]);
    let done = home.path().join("done");
    for _ in 0..100 {
        if done.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = std::fs::read_to_string(&done).unwrap_or_default();
    tmux(&["kill-session", "-t", &session]);
    assert_eq!(status.trim(), "exited:0");
}
