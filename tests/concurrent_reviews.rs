//! Two workbenches over one folder, as a team works: every change is a transaction on what is
//! on disk now, so no acknowledged change is ever lost, and a change to a cell the other
//! instance changed meanwhile is refused with both values named. Also: a `kill -9` during
//! saves leaves no temporary file after the next start, and a shared file keeps its mode.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gouji::annotations::Annotations;
use gouji::audit::collect_paths;
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;

const S000: &str = "000_baa44959fd9d628f.txt";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    std::fs::copy(src.join(S000), dir.path().join(S000)).unwrap();
    dir
}

fn app(dir: &Path) -> App {
    let paths = collect_paths(&[dir.to_path_buf()]).unwrap();
    App::loaded(
        paths,
        Config::default(),
        Templates::embedded().unwrap(),
        (160, 45),
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        key(
            app,
            match c {
                '\t' => KeyCode::Tab,
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            },
        );
    }
}

fn toml_path(dir: &Path) -> PathBuf {
    dir.join(format!("{S000}.gouji.toml"))
}

fn on_disk(dir: &Path) -> Annotations {
    toml::from_str(&std::fs::read_to_string(toml_path(dir)).unwrap()).unwrap()
}

/// The corrected value of `total / column` in the file, if any.
fn corrected(a: &Annotations, column: &str) -> Option<String> {
    a.cells
        .iter()
        .find(|c| c.row == "total" && c.column == column)
        .and_then(|c| c.corrected.clone())
}

/// Focus the table on 总计 / 自然人 (the first error's cell), `right` columns to the right.
fn to_cell(app: &mut App, right: usize) {
    keys(app, "\t\t");
    for _ in 0..right {
        keys(app, "l");
    }
}

/// Corrects the selected cell to `value`; true when the workbench says it was saved.
fn correct(app: &mut App, value: &str) -> bool {
    keys(app, &format!("e{value}\n"));
    app.state.status.starts_with("saved")
}

#[test]
fn different_cells_are_merged_and_undo_takes_back_only_ones_own_change() {
    let dir = folder();
    let (mut a, mut b) = (app(dir.path()), app(dir.path()));
    to_cell(&mut a, 0);
    to_cell(&mut b, 1);
    assert!(correct(&mut a, "44"));
    assert!(correct(&mut b, "5"), "{}", b.state.status);
    let disk = on_disk(dir.path());
    assert_eq!(corrected(&disk, "natural").as_deref(), Some("44"));
    assert_eq!(corrected(&disk, "commercial").as_deref(), Some("5"));
    // A picks up B's change and says so.
    a.sync_disk();
    assert!(
        a.state.status.contains("annotations changed on disk"),
        "{}",
        a.state.status
    );
    assert_eq!(a.state.audit().unwrap().originals.len(), 2);
    // Undo in A removes A's correction only; redo brings it back beside B's.
    keys(&mut a, "u");
    let disk = on_disk(dir.path());
    assert_eq!(corrected(&disk, "natural"), None);
    assert_eq!(
        corrected(&disk, "commercial").as_deref(),
        Some("5"),
        "B's kept"
    );
    a.key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let disk = on_disk(dir.path());
    assert_eq!(corrected(&disk, "natural").as_deref(), Some("44"));
    assert_eq!(corrected(&disk, "commercial").as_deref(), Some("5"));
    // Status and note from B, without B having seen A's redo: both merge.
    keys(&mut b, "r");
    let disk = on_disk(dir.path());
    assert_eq!(disk.status, gouji::annotations::Status::Reviewed);
    assert_eq!(disk.corrections(), 2);
}

#[test]
fn the_same_cell_changed_in_both_is_refused_with_both_values_and_the_others_shown() {
    let dir = folder();
    let (mut a, mut b) = (app(dir.path()), app(dir.path()));
    to_cell(&mut a, 0);
    to_cell(&mut b, 0);
    assert!(correct(&mut a, "44"));
    // B has not seen A's change: its correction of the same cell is refused.
    assert!(!correct(&mut b, "45"));
    let status = b.state.status.clone();
    assert!(status.starts_with("not saved"), "{status}");
    assert!(
        status.contains("(七)总计 / 自然人: cell applications total / natural"),
        "{status}"
    );
    assert!(
        status.contains("\"44\"") && status.contains("\"45\""),
        "{status}"
    );
    assert_eq!(
        corrected(&on_disk(dir.path()), "natural").as_deref(),
        Some("44")
    );
    // B now shows A's value, so its next change is made knowingly: a revert of A's value.
    let shown = b.state.audit().unwrap();
    assert_eq!(
        shown
            .checked()
            .unwrap()
            .cell(&b.state.selected_cell().unwrap())
            .unwrap()
            .raw,
        "44"
    );
    keys(&mut b, "x");
    assert!(b.state.status.starts_with("saved"), "{}", b.state.status);
    assert_eq!(corrected(&on_disk(dir.path()), "natural"), None);
    // A's undo of its correction, which B has reverted since: refused, not applied blindly.
    keys(&mut a, "u");
    assert!(
        a.state.status.starts_with("not saved"),
        "{}",
        a.state.status
    );
    assert!(
        a.state.status.contains("no correction"),
        "{}",
        a.state.status
    );
    assert_eq!(corrected(&on_disk(dir.path()), "natural"), None);
    // And A's undo stays available: once A has the file's state, it is still refused (the
    // cell no longer holds what A's undo would take back), never silently dropped.
    assert_eq!(a.state.undo.len(), 1);
}

/// Both instances press Enter at once (or 1 ms apart), round after round: with the lock no
/// acknowledged change is lost; on the same cell exactly one wins and the other is told.
#[test]
fn simultaneous_saves_never_lose_an_acknowledged_change() {
    let dir = folder();
    let path = dir.path().to_path_buf();
    let rounds = 24;
    let barrier = Arc::new(Barrier::new(2));
    let run = |column: usize, base: u32, delay: bool| {
        let barrier = barrier.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            let mut app = app(&path);
            to_cell(&mut app, column);
            let mut acked = Vec::new();
            for r in 0..rounds {
                // Rounds 0..8: different cells; 8..: the same cell (column 0 for both).
                if r == rounds / 3 && column != 0 {
                    keys(&mut app, &"h".repeat(column));
                }
                app.sync_disk();
                let value = format!("{}", base + r);
                barrier.wait();
                if delay && r % 2 == 1 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                let ok = correct(&mut app, &value);
                let status = app.state.status.clone();
                barrier.wait();
                // Both have answered: one of them looks at the file before the next round.
                let disk = (column == 0).then(|| {
                    let a = on_disk(&path);
                    (corrected(&a, "natural"), corrected(&a, "commercial"))
                });
                acked.push((r, ok, status, disk));
                barrier.wait();
            }
            acked
        })
    };
    let a = run(0, 100, false);
    let b = run(1, 500, true);
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    // After each round the file holds every acknowledged change.
    for r in 0..rounds as usize {
        let (_, a_ok, a_status, disk) = &a[r];
        let (_, b_ok, b_status, _) = &b[r];
        let (natural, commercial) = disk.clone().unwrap();
        let (a_value, b_value) = ((100 + r).to_string(), (500 + r).to_string());
        if r < rounds as usize / 3 {
            assert!(*a_ok && *b_ok, "round {r}: {a_status} / {b_status}");
            assert_eq!(natural, Some(a_value), "round {r}: A's change kept");
            assert_eq!(commercial, Some(b_value), "round {r}: B's change kept");
        } else {
            assert!(
                a_ok ^ b_ok,
                "round {r}: exactly one wins the same cell: {a_status} / {b_status}"
            );
            let (winner, loser) = if *a_ok {
                (a_value, b_status)
            } else {
                (b_value, a_status)
            };
            assert_eq!(
                natural,
                Some(winner),
                "round {r}: the acknowledged value is on disk"
            );
            assert!(
                loser.contains("changed by another instance") && loser.contains("total / natural"),
                "round {r}: {loser}"
            );
        }
    }
}

/// The child side of the kill loop: saves as fast as it can until killed. Runs only when the
/// parent test starts it (the variable names the folder).
#[test]
#[ignore]
fn kill_loop_child() {
    let Ok(dir) = std::env::var("GOUJI_KILL_LOOP_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let path = toml_path(&dir);
    let cell =
        gouji::report::CellRef::new(gouji::template::TableKey::Applications, "total", "natural");
    let mut loaded = gouji::annotations::load(&path, S000, "h").unwrap();
    for i in 0u64.. {
        let op = gouji::annotations::Op::Correct {
            cell: cell.clone(),
            parsed: "43".into(),
            value: i.to_string(),
        };
        loaded = match gouji::annotations::save(&path, &loaded, &op, "h", "t", "") {
            Ok(s) => s.loaded,
            Err(_) => gouji::annotations::load(&path, S000, "h").unwrap(),
        };
    }
}

fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gouji-tmp.") || n.starts_with(".tmp"))
        .collect()
}

#[test]
fn a_kill_loop_during_saves_leaves_no_temporary_file_after_the_next_start() {
    let dir = folder();
    let me = std::env::current_exe().unwrap();
    let mut left = 0;
    for round in 0..20u64 {
        let mut child = std::process::Command::new(&me)
            .args([
                "--exact",
                "kill_loop_child",
                "--ignored",
                "--test-threads=1",
            ])
            .env("GOUJI_KILL_LOOP_DIR", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30 + round * 7 % 23));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        left += temps(dir.path()).len();
        // The file is always whole: the old or the new version, never a mix.
        if toml_path(dir.path()).exists() {
            on_disk(dir.path());
        }
    }
    eprintln!("temporary files seen after kills: {left}");
    // A killed writer's temporary file, as a kill at the worst moment leaves it.
    std::fs::write(
        dir.path()
            .join(format!(".{S000}.gouji.toml.gouji-tmp.99999.0")),
        "schema = 1\n",
    )
    .unwrap();
    let _next = app(dir.path());
    assert_eq!(temps(dir.path()), Vec::<String>::new());
    assert!(on_disk(dir.path()).corrections() <= 1);
}

#[cfg(unix)]
#[test]
fn a_shared_0664_file_stays_0664_and_a_symlink_stays_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder();
    let mut a = app(dir.path());
    to_cell(&mut a, 0);
    assert!(correct(&mut a, "44"));
    let p = toml_path(dir.path());
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o664)).unwrap();
    assert!(correct(&mut a, "45"));
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o664);
    // The annotations kept elsewhere and linked in: the link stays, the target is written.
    let shared = dir.path().join("shared.toml");
    std::fs::rename(&p, &shared).unwrap();
    std::os::unix::fs::symlink(&shared, &p).unwrap();
    a.sync_disk();
    assert!(correct(&mut a, "46"), "{}", a.state.status);
    assert!(
        std::fs::symlink_metadata(&p)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&shared).unwrap().contains("\"46\""));
}

#[test]
fn a_report_edited_or_deleted_on_disk_while_open_is_noticed() {
    let dir = folder();
    let mut a = app(dir.path());
    a.sync_disk(); // the first look records the file as read
    let report = dir.path().join(S000);
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n附注：本报告已更新。\n")).unwrap();
    a.sync_disk();
    assert!(
        a.state
            .status
            .contains("the report file changed on disk: read again"),
        "{}",
        a.state.status
    );
    std::fs::remove_file(&report).unwrap();
    a.sync_disk();
    assert!(
        a.state.status.contains("gone from disk"),
        "{}",
        a.state.status
    );
    assert!(
        a.state.audit().unwrap().report.is_some(),
        "what was read stays shown"
    );
}

#[test]
fn ctrl_c_cancels_an_edit_then_quits_like_q() {
    let dir = folder();
    let mut a = app(dir.path());
    keys(&mut a, "\t\te4");
    assert!(a.state.editor.is_some());
    // The value typed is not a saved change: Ctrl-C drops it first, as Esc would.
    assert!(a.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(a.state.editor.is_none());
    assert!(!a.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
}

#[test]
fn a_changed_report_names_the_corrections_that_still_match_and_a_save_records_it() {
    let dir = folder();
    std::fs::write(
        toml_path(dir.path()),
        "schema = 1\nreport = \"000_baa44959fd9d628f.txt\"\nreport_hash = \"fnv1a64:0\"\n\n\
         [[cell]]\ntable = \"applications\"\nrow = \"total\"\ncolumn = \"natural\"\n\
         parsed = \"43\"\ncorrected = \"44\"\ntime = \"2026-11-23T10:00:00Z\"\n",
    )
    .unwrap();
    let mut a = app(dir.path());
    let status = a.state.status.clone();
    assert!(
        status.contains("1 of 1 correction(s) still match the values it prints and are applied: (七)总计 / 自然人"),
        "{status}"
    );
    keys(&mut a, "r");
    let bytes = std::fs::read(dir.path().join(S000)).unwrap();
    assert_eq!(
        on_disk(dir.path()).report_hash,
        gouji::annotations::content_hash(&bytes)
    );
    assert!(!a.state.audit().unwrap().report_changed());
}

#[test]
fn an_annotation_file_broken_or_fixed_by_hand_while_open_is_picked_up() {
    let dir = folder();
    let mut a = app(dir.path());
    to_cell(&mut a, 0);
    assert!(correct(&mut a, "44"));
    std::fs::write(toml_path(dir.path()), "schema = [\n").unwrap();
    a.sync_disk();
    assert!(
        a.state.status.contains("cannot be read"),
        "{}",
        a.state.status
    );
    assert_eq!(
        a.state.audit().unwrap().errors(),
        4,
        "nothing of it applied"
    );
    assert!(!correct(&mut a, "45"), "never written over");
    assert_eq!(
        std::fs::read_to_string(toml_path(dir.path())).unwrap(),
        "schema = [\n"
    );
    a.state.status.clear();
    a.sync_disk();
    assert_eq!(a.state.status, "", "said once");
    // Fixed by hand: read again.
    std::fs::write(
        toml_path(dir.path()),
        "schema = 1\nreport = \"000_baa44959fd9d628f.txt\"\nreport_hash = \"x\"\nstatus = \"flagged\"\n",
    )
    .unwrap();
    a.sync_disk();
    assert!(a.state.status.contains("reloaded"), "{}", a.state.status);
    assert_eq!(
        a.state.entries[0].status(),
        gouji::annotations::Status::Flagged
    );
    assert!(correct(&mut a, "46"));
}
