//! The review workbench driven as a reviewer drives it: rendered on a test backend at fixed
//! sizes, keys through the real keymap and `update`, annotations checked on disk.

mod common;
use common::{app, app_with, lines, render, samples_copy};

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gouji::annotations::{Annotations, Status};
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;
use gouji::ui::state::{Filter, Pane};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const S000: &str = "000_baa44959fd9d628f.txt";

fn key(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Types `s`; a tab character presses the Tab key.
fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        key(
            app,
            if c == '\t' {
                KeyCode::Tab
            } else {
                KeyCode::Char(c)
            },
        );
    }
}

/// Columns (x) where `needle` starts on row `y` of the buffer, counting display columns.
fn find_x(b: &Buffer, y: u16, needle: &str, from_x: u16) -> Option<u16> {
    let first = needle.chars().next()?.to_string();
    (from_x..b.area.width).find(|&x| {
        if b[(x, y)].symbol() != first {
            return false;
        }
        let mut xx = x;
        for ch in needle.chars() {
            if xx >= b.area.width || b[(xx, y)].symbol() != ch.to_string() {
                return false;
            }
            xx += unicode_width::UnicodeWidthChar::width(ch).unwrap_or(1) as u16;
        }
        true
    })
}

#[test]
fn wide_screen_shows_three_panes_and_the_mismatch_in_red() {
    let dir = samples_copy();
    let app = app(dir.path(), (160, 45));
    let b = render(&app);
    let text = lines(&b);
    assert!(text[0].contains("Files 报告 5/5 [all]"), "{}", text[0]);
    assert!(
        text[0].contains("Raw text 原文 | 000_baa44959fd9d628f.txt (UTF-8)"),
        "{}",
        text[0]
    );
    assert!(
        text[0].contains("Tables 表格 template 2019, year 2019"),
        "{}",
        text[0]
    );
    assert!(
        text[1].contains("000_baa44959fd9d628f~ E4 W24"),
        "{}",
        text[1]
    );
    assert!(
        text.iter()
            .any(|l| l.contains("│4 errors, 24 warnings   n/N: next error"))
    );
    assert!(text.iter().any(|l| l.contains("Findings 问题")));
    // The raw pane opens on line 342, where （七）总计's 自然人 cell stands, marked as an error line.
    let raw = text
        .iter()
        .position(|l| l.contains("│342 E   43"))
        .expect("line 342 shown and marked");
    // The table row 总计: both 43s in red; the selected one reversed.
    let y = text
        .iter()
        .position(|l| {
            l.contains("总计") && l.contains("43") && !l.contains("2019") && l.contains("│总计")
        })
        .unwrap() as u16;
    let table_x = find_x(&b, y, "总计", 90).unwrap();
    let first = find_x(&b, y, "43", table_x).unwrap();
    let second = find_x(&b, y, "43", first + 2).unwrap();
    for x in [first, second] {
        assert_eq!(b[(x, y)].fg, Color::Red, "43 at x={x} is red");
        assert!(b[(x, y)].modifier.contains(Modifier::BOLD));
    }
    assert!(
        b[(first, y)].modifier.contains(Modifier::REVERSED),
        "the selected cell"
    );
    // Its source text in the raw pane is highlighted too.
    let rx = find_x(&b, raw as u16, "43", 33).unwrap();
    assert!(b[(rx, raw as u16)].modifier.contains(Modifier::REVERSED));
    // Status line names the cell in full.
    assert!(
        text[44].starts_with("4 errors, 24 warnings | 文峰区人民政府"),
        "counts first: {}",
        text[44]
    );
}

#[test]
fn narrow_screens_zoom_one_pane_and_never_overflow_a_border() {
    let dir = samples_copy();
    for size in [(80u16, 24u16), (100, 30), (139, 40)] {
        let mut app = app(dir.path(), size);
        for _ in 0..3 {
            let b = render(&app);
            let text = lines(&b);
            assert!(
                text[0].contains("Files 报告") && text[0].contains("Tables 表格"),
                "tab bar: {}",
                text[0]
            );
            for y in 2..size.1 - 2 {
                assert_eq!(
                    b[(size.0 - 1, y)].symbol(),
                    "│",
                    "right border at {size:?} row {y}: {}",
                    text[y as usize]
                );
                assert_eq!(b[(0, y)].symbol(), "│", "left border at {size:?} row {y}");
            }
            key(&mut app, KeyCode::Tab);
        }
    }
    // Even a tiny terminal renders without panicking.
    let app = app(dir.path(), (20, 5));
    render(&app);
}

#[test]
fn correcting_the_totals_fixes_000_and_is_saved_as_toml() {
    let dir = samples_copy();
    let config = Config::parse("reviewer = \"李审核\"\n", "test").unwrap();
    let mut app = app_with(dir.path(), config.clone(), (160, 45));
    assert_eq!(app.state.audit().unwrap().errors(), 4);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.state.focus, Pane::Table);
    // The cursor starts on the first error's cell: （七）总计 / 自然人.
    let sel = app.state.selected_cell().unwrap();
    assert_eq!(
        (sel.row.as_str(), sel.column.as_str()),
        ("total", "natural")
    );
    keys(&mut app, "e44");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.state.audit().unwrap().errors(),
        3,
        "balance and results_sum of 自然人 fixed, row_total of 总计 now broken"
    );
    keys(&mut app, "llllll");
    assert_eq!(app.state.selected_cell().unwrap().column, "total");
    keys(&mut app, "e44");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.state.audit().unwrap().errors(), 0);
    let b = render(&app);
    assert!(
        lines(&b)
            .iter()
            .any(|l| l.contains("│0 errors, 24 warnings"))
    );
    assert!(lines(&b)[1].contains("E0 W24 C2"), "{}", lines(&b)[1]);

    let toml_path = dir.path().join(format!("{S000}.gouji.toml"));
    let saved: Annotations = toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).unwrap();
    assert_eq!(saved.report, S000);
    assert_eq!(saved.reviewer, "李审核");
    assert_eq!(saved.status, Status::Todo);
    let cells: Vec<(&str, &str, &str, &str, Option<&str>)> = saved
        .cells
        .iter()
        .map(|c| {
            (
                c.table.as_str(),
                c.row.as_str(),
                c.column.as_str(),
                c.parsed.as_str(),
                c.corrected.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            ("applications", "total", "natural", "43", Some("44")),
            ("applications", "total", "total", "43", Some("44")),
        ]
    );
    // The status line shows the parsed original of the corrected cell.
    let status = lines(&render(&app))[44].clone();
    assert!(
        status.starts_with(
            "0 errors, 24 warnings | saved | (七)总计 / 总计 = 44  (corrected; parsed: 43)"
        ),
        "{status}"
    );

    // Quit and reopen: the corrections are there again.
    key(&mut app, KeyCode::Char('q'));
    let again = app_with(dir.path(), config, (160, 45));
    assert_eq!(again.state.audit().unwrap().errors(), 0);
    assert_eq!(
        again.state.entries[0]
            .audit
            .as_ref()
            .unwrap()
            .originals
            .len(),
        2
    );
}

#[test]
fn revert_undo_redo_status_and_notes() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    let path = dir.path().join(format!("{S000}.gouji.toml"));
    let read =
        || -> Annotations { toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap() };
    keys(&mut app, "\t\te44");
    key(&mut app, KeyCode::Enter);
    assert_eq!(read().corrections(), 1);
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(read().corrections(), 0, "revert");
    assert_eq!(app.state.audit().unwrap().errors(), 4);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(read().corrections(), 1, "undo the revert");
    app.key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(read().corrections(), 0, "redo the revert");
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(read().status, Status::Reviewed);
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(read().status, Status::Flagged);
    key(&mut app, KeyCode::Char('A'));
    keys(&mut app, "已与原件核对");
    key(&mut app, KeyCode::Enter);
    assert_eq!(read().note, "已与原件核对");
    key(&mut app, KeyCode::Char('a'));
    keys(&mut app, "疑为笔误");
    key(&mut app, KeyCode::Enter);
    let a = read();
    assert_eq!(a.cells.len(), 1);
    assert_eq!(
        (a.cells[0].note.as_str(), a.cells[0].corrected.as_deref()),
        ("疑为笔误", None)
    );
    // Esc cancels an edit without writing.
    let before = std::fs::read_to_string(&path).unwrap();
    keys(&mut app, "e99");
    key(&mut app, KeyCode::Esc);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn findings_cross_reports_filters_and_search() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    // n steps through 000's two open error cells; no other report has errors: round again.
    let cell = |app: &App| {
        let c = app.state.selected_cell().unwrap();
        (c.row, c.column)
    };
    assert_eq!(cell(&app), ("total".into(), "natural".into()));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(cell(&app), ("total".into(), "total".into()));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(cell(&app), ("total".into(), "natural".into()));
    assert!(
        app.state.status.contains("back to the first"),
        "{}",
        app.state.status
    );
    // w steps through warnings and crosses into 001, whose one warning is on 行政许可.
    for _ in 0..30 {
        key(&mut app, KeyCode::Char('w'));
        if app.state.open != 0 {
            break;
        }
    }
    assert_eq!(
        app.state.entries[app.state.open].name, "001_4c36db1c4b6f0da5.txt",
        "w crosses into the next report"
    );
    assert_eq!(app.state.selected_cell().unwrap().row, "licensing");
    key(&mut app, KeyCode::Char('W'));
    assert_eq!(app.state.entries[app.state.open].name, S000);
    key(&mut app, KeyCode::Char('F'));
    assert_eq!(app.state.filter, Filter::Errors);
    assert_eq!(app.state.visible(), vec![0]);
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.state.open, 0, "] stays within the filter");
    keys(&mut app, "FF");
    keys(&mut app, "]");
    assert_eq!(app.state.open, 1);
    // Search in the raw pane; n/N then step through matches, not findings.
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "总计");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.state.focus, Pane::Raw);
    let s = app.state.search.clone().unwrap();
    let text001 = std::fs::read_to_string(dir.path().join("001_4c36db1c4b6f0da5.txt")).unwrap();
    let expected = text001.matches("总计").count();
    assert!(expected > 1);
    assert_eq!(s.matches.len(), expected);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.state.search.as_ref().unwrap().current, 1);
    assert_eq!(app.state.open, 1, "still the same report");
    let text = lines(&render(&app));
    assert!(
        text[44].contains(&format!("| match 2 of {expected}")),
        "{}",
        text[44]
    );
}

#[test]
fn mouse_click_opens_a_report_and_selects_a_cell() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    app.handle(gouji::ui::state::Msg::Click(5, 2)); // second row of the file list (row 0 is the border)
    assert_eq!(app.state.open, 1);
    assert_eq!(app.state.focus, Pane::Files);
    app.handle(gouji::ui::state::Msg::Click(130, 3));
    assert_eq!(app.state.focus, Pane::Table);
    assert!(app.state.selected_cell().is_some());
}

#[test]
fn unreadable_reports_and_corrupt_annotations_are_shown_not_lost() {
    let dir = samples_copy();
    std::fs::write(dir.path().join("000a_empty.txt"), b"").unwrap();
    let ann = dir.path().join(format!("{S000}.gouji.toml"));
    std::fs::write(&ann, "schema = [\n").unwrap();
    let mut app = app(dir.path(), (160, 45));
    let text = lines(&render(&app));
    assert!(
        text[1].contains("000_baa44959fd9d6~ E4 W24 A!"),
        "{}",
        text[1]
    );
    assert!(
        text[2].contains("000a_empty.txt") && text[2].contains("unreadable"),
        "{}",
        text[2]
    );
    // ] skips the unreadable report.
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(
        app.state.entries[app.state.open].name,
        "001_4c36db1c4b6f0da5.txt"
    );
    key(&mut app, KeyCode::Char('['));
    assert_eq!(app.state.entries[app.state.open].name, S000);
    keys(&mut app, "\t\te44");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.state.status.contains("read-only"),
        "{}",
        app.state.status
    );
    assert_eq!(std::fs::read_to_string(&ann).unwrap(), "schema = [\n");
}

#[test]
fn help_is_drawn_from_the_live_keymap() {
    let dir = samples_copy();
    let config = Config::parse("[keys]\nquit = [\"Ctrl-q\"]\n", "test").unwrap();
    let mut app = app_with(dir.path(), config, (160, 45));
    key(&mut app, KeyCode::Char('?'));
    let text = lines(&render(&app)).join("\n");
    assert!(text.contains("Ctrl-q          quit"), "{text}");
    assert!(text.contains("e               correct the cell"), "{text}");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.state.help, "q is unbound now: help stays open");
    key(&mut app, KeyCode::Char('?'));
    assert!(!app.state.help);
}

#[test]
fn the_real_binary_in_a_terminal() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!("tmux is required for this test (CI installs it)");
    }
    let dir = samples_copy();
    let home = tempfile::tempdir().unwrap();
    let session = format!("gouji-e2e-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_gouji");
    let cmd = format!(
        "HOME={} {bin} {}; echo exited:$? > {}/done",
        home.path().display(),
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
        "160",
        "-y",
        "45",
        &cmd,
    ]);
    let capture = || {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-t", &session, "-p"]).stdout).into_owned()
    };
    let wait_for = |what: &str| {
        for _ in 0..100 {
            if capture().contains(what) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("screen never showed {what:?}:\n{}", capture());
    };
    wait_for("│4 errors, 24 warnings");
    for k in ["Tab", "Tab", "e", "4", "4", "Enter"] {
        tmux(&["send-keys", "-t", &session, k]);
    }
    for _ in 0..6 {
        tmux(&["send-keys", "-t", &session, "l"]);
    }
    for k in ["e", "4", "4", "Enter"] {
        tmux(&["send-keys", "-t", &session, k]);
    }
    wait_for("│0 errors, 24 warnings");
    // One dismissal: in the findings pane, open the blank-cells fold and dismiss its first
    // warning with a reason.
    tmux(&["send-keys", "-t", &session, "Tab"]);
    for k in ["Enter", "j", "d"] {
        tmux(&["send-keys", "-t", &session, k]);
    }
    wait_for("Dismiss, reason (optional)");
    tmux(&["send-keys", "-t", &session, "-l", "原表如此"]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for("0 errors, 23 warnings, 1 dismissed");
    tmux(&["send-keys", "-t", &session, "C-c"]);
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
    let toml = std::fs::read_to_string(dir.path().join(format!("{S000}.gouji.toml"))).unwrap();
    assert!(toml.contains("corrected = \"44\""), "{toml}");
    assert_eq!(toml.matches("corrected = \"44\"").count(), 2);
    assert!(
        toml.contains("verdict = \"dismissed\"\nreason = \"原表如此\""),
        "{toml}"
    );
}

#[test]
fn annotations_dir_keeps_report_folders_untouched() {
    let dir = samples_copy();
    let ann = tempfile::tempdir().unwrap();
    let config = Config::parse(
        &format!("annotations_dir = {:?}\n", ann.path().display().to_string()),
        "test",
    )
    .unwrap();
    let mut app = app_with(dir.path(), config.clone(), (160, 45));
    keys(&mut app, "r");
    assert!(ann.path().join(format!("{S000}.gouji.toml")).exists());
    assert!(!dir.path().join(format!("{S000}.gouji.toml")).exists());
    let again = app_with(dir.path(), config, (160, 45));
    assert_eq!(again.state.entries[0].status(), Status::Reviewed);
}

#[test]
fn raw_pane_scrolls_sideways_to_a_cell_at_the_end_of_a_wide_row() {
    let dir = samples_copy();
    let path = dir.path().join("002_68a8c5bdb68e9915.txt");
    let mut app = App::loaded(
        vec![path],
        Config::default(),
        Templates::embedded().unwrap(),
        (160, 30),
    );
    keys(&mut app, "\t\tjjjjjjjjjjjllllll");
    let sel = app.state.selected_cell().unwrap();
    assert_eq!(
        (sel.row.as_str(), sel.column.as_str()),
        ("partial", "total")
    );
    let b = render(&app);
    let text = lines(&b);
    let y = text
        .iter()
        .position(|l| l.contains("│38 "))
        .expect("line 38 shown") as u16;
    // The raw pane spans x = 32..(160 - table width); the highlighted "7" must be inside it.
    let raw_end = 160 - (2 + 16 + 7 * 7 + 1);
    let hit = (32..raw_end - 1).find(|&x| b[(x, y)].modifier.contains(Modifier::REVERSED));
    let x = hit.unwrap_or_else(|| panic!("selected cell not visible: {}", text[y as usize]));
    assert_eq!(b[(x, y)].symbol(), "7");
}

#[test]
fn clicking_a_finding_selects_its_cells() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    let text = lines(&render(&app));
    let y = text
        .iter()
        .position(|l| l.contains("│E [(七)总计 / 总计 -> 44] 总计: 总计 is 43, but the result"))
        .unwrap() as u16;
    app.handle(gouji::ui::state::Msg::Click(120, y));
    assert_eq!(app.state.focus, Pane::Findings);
    assert_eq!(app.state.finding, Some(3));
    let sel = app.state.selected_cell().unwrap();
    assert_eq!((sel.row.as_str(), sel.column.as_str()), ("total", "total"));
}

#[test]
fn failed_saves_leave_the_undo_history_intact() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    let path = dir.path().join(format!("{S000}.gouji.toml"));
    keys(&mut app, "\t\te44");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.state.undo.len(), 1);
    // Make the annotation path unwritable: a directory where the file should be.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    keys(&mut app, "r");
    assert!(
        app.state.status.starts_with("not saved:"),
        "{}",
        app.state.status
    );
    assert_eq!(
        app.state.undo.len(),
        1,
        "a change that was not written is not undoable"
    );
    key(&mut app, KeyCode::Char('u'));
    assert!(
        app.state.status.starts_with("not saved:"),
        "{}",
        app.state.status
    );
    assert_eq!(
        (app.state.undo.len(), app.state.redo.len()),
        (1, 0),
        "the failed undo stays undoable"
    );
    // Once the file can be written again, the same undo works.
    std::fs::remove_dir(&path).unwrap();
    key(&mut app, KeyCode::Char('u'));
    assert_eq!((app.state.undo.len(), app.state.redo.len()), (0, 1));
    let saved: Annotations = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved.corrections(), 0);
    assert_eq!(app.state.audit().unwrap().errors(), 4);
}

#[test]
fn a_notice_stays_on_the_status_line_until_the_first_key() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    app.state.notice = Some("folder not listed: /x/up: a symbolic link".into());
    let last = |app: &App| lines(&render(app)).last().cloned().unwrap();
    assert!(
        last(&app).starts_with("4 errors, 24 warnings | folder not listed: /x/up: a symbolic link"),
        "{}",
        last(&app)
    );
    key(&mut app, KeyCode::Char('j'));
    assert!(!last(&app).contains("folder not listed"), "{}", last(&app));
}

/// One thing a reviewer (or a terminal) can do.
#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Click(u16, u16),
    Scroll(u16, u16, i8),
    Resize(u16, u16),
}

fn input() -> impl proptest::strategy::Strategy<Value = Input> {
    use proptest::prelude::*;
    // Every default binding, text for the editor and search (digits, signs, CJK), and the
    // keys an editor knows.
    let chars: Vec<char> = "qkjhlgGnNexuaArfFz/?[]0123456789-+.,| 万元总计"
        .chars()
        .collect();
    let codes = vec![
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::F(1),
    ];
    prop_oneof![
        6 => proptest::sample::select(chars).prop_map(|c| Input::Key(KeyCode::Char(c), KeyModifiers::NONE)),
        3 => proptest::sample::select(codes).prop_map(|c| Input::Key(c, KeyModifiers::NONE)),
        1 => proptest::sample::select(vec!['r', 'z', 'u']).prop_map(|c| Input::Key(KeyCode::Char(c), KeyModifiers::CONTROL)),
        1 => (0u16..170, 0u16..50).prop_map(|(x, y)| Input::Click(x, y)),
        1 => (0u16..170, 0u16..50, prop_oneof![Just(-1i8), Just(1i8)]).prop_map(|(x, y, d)| Input::Scroll(x, y, d)),
        1 => (1u16..170, 1u16..50).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 40, ..Default::default() })]

    /// Any sequence of keys, clicks, wheel turns and resizes, over real reports, an empty and
    /// a binary file, and a corrupt annotation file: no panic, every frame drawn, every
    /// annotation file on disk still valid TOML, and the corrupt one left as it was.
    #[test]
    fn any_input_sequence_is_handled(inputs in proptest::collection::vec(input(), 1..50)) {
        let dir = samples_copy();
        for f in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")).unwrap() {
            let p = f.unwrap().path();
            // Report fixtures only: tests/fixtures/templates holds template variants.
            if !p.is_file() {
                continue;
            }
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
        std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
        std::fs::write(dir.path().join("noise.txt"), (0..3000u32).map(|i| (i * 7919 % 256) as u8).collect::<Vec<_>>()).unwrap();
        let corrupt = dir.path().join("001_4c36db1c4b6f0da5.txt.gouji.toml");
        std::fs::write(&corrupt, "schema = [\n").unwrap();
        let mut app = app(dir.path(), (100, 30));
        for i in inputs {
            match i {
                Input::Key(code, mods) => {
                    app.key(KeyEvent::new(code, mods));
                }
                Input::Click(x, y) => {
                    app.handle(gouji::ui::state::Msg::Click(x, y));
                }
                Input::Scroll(x, y, d) => {
                    app.handle(gouji::ui::state::Msg::Scroll(x, y, d));
                }
                Input::Resize(w, h) => {
                    app.handle(gouji::ui::state::Msg::Resize(w, h));
                }
            }
            render(&app);
        }
        for f in std::fs::read_dir(dir.path()).unwrap() {
            let p = f.unwrap().path();
            if p != corrupt && p.to_string_lossy().ends_with(".gouji.toml") {
                let text = std::fs::read_to_string(&p).unwrap();
                proptest::prop_assert!(toml::from_str::<toml::Table>(&text).is_ok(), "{}: {text}", p.display());
            }
        }
        proptest::prop_assert_eq!(std::fs::read_to_string(&corrupt).unwrap(), "schema = [\n");
    }
}

/// A report with a result row left out: its cells show "?" in the unchecked colour (unknown,
/// not 0 and not the "-" of a cell the report does not print), the Files pane counts the
/// unchecked relations apart from the errors, and only the two real errors are red.
#[test]
fn unread_cells_show_as_unknown_and_unchecked_relations_are_counted_apart() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real_report_result_row_missing.txt");
    std::fs::copy(&src, dir.path().join("r.txt")).unwrap();
    let app = app(dir.path(), (160, 45));
    let b = render(&app);
    let text = lines(&b);
    assert!(
        text[1].contains("r.txt") && text[1].contains("E2 U7 W24"),
        "{}",
        text[1]
    );
    assert!(
        text.iter()
            .any(|l| l.contains("2 errors, 7 unchecked, 24 warnings   n/N: next error"))
    );
    assert!(
        text[44].starts_with("2 errors, 7 unchecked, 24 warnings | "),
        "{}",
        text[44]
    );
    let y = text
        .iter()
        .position(|l| l.contains("│不予公开・国家~"))
        .expect("the unread row is shown") as u16;
    let x0 = find_x(&b, y, "不予公开・国家~", 90).unwrap();
    let marks: Vec<u16> = (x0..b.area.width)
        .filter(|&x| b[(x, y)].symbol() == "?")
        .collect();
    assert_eq!(marks.len(), 7, "{}", text[y as usize]);
    for x in marks {
        assert_eq!(b[(x, y)].fg, Color::Magenta, "? at x={x}");
    }
    assert!(
        text.iter()
            .any(|l| l.contains("│U 自然人: not checked, 1 cell(s) could not be read: 不予公开・"))
    );
}
