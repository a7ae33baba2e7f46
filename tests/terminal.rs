//! The real binary in tmux: the terminal is left as it was found whatever ends the
//! workbench (SIGTERM, SIGHUP, SIGINT, SIGQUIT, the terminal closing), and two instances over
//! one folder see each other's changes and never lose one.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const S000: &str = "000_baa44959fd9d628f.txt";

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux is required for this test (CI installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    std::fs::copy(src.join(S000), dir.path().join(S000)).unwrap();
    dir
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool, show: impl Fn() -> String) {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    panic!("never {what}:\n{}", show());
}

/// A tmux session running gouji on `dir` (its pid written to `work/pid`); when gouji ends,
/// the shell records the terminal's state in `work/stty` and waits.
struct Session {
    name: String,
    work: PathBuf,
}

impl Session {
    fn start(tag: &str, dir: &Path, work: &Path, wrap: &str) -> Session {
        let name = format!("gouji-{tag}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_gouji");
        let w = work.display();
        let cmd = format!(
            "sh -c '{wrap} echo $$ > {w}/pid; exec env HOME={w} {bin} {}'; echo $? > {w}/status; stty -a > {w}/stty; \
             echo ended > {w}/ended; sleep 60",
            dir.display()
        );
        tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "160",
            "-y",
            "45",
            &cmd,
        ]);
        let s = Session {
            name,
            work: work.to_path_buf(),
        };
        wait_until(
            "started",
            || s.screen().contains("Findings 问题"),
            || s.screen(),
        );
        s
    }

    fn screen(&self) -> String {
        tmux(&["capture-pane", "-t", &self.name, "-p"])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            tmux(&["send-keys", "-t", &self.name, k]);
        }
    }

    fn pid(&self) -> String {
        std::fs::read_to_string(self.work.join("pid"))
            .unwrap()
            .trim()
            .to_string()
    }

    fn flag(&self, f: &str) -> String {
        tmux(&["display-message", "-p", "-t", &self.name, f])
            .trim()
            .to_string()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.name]);
    }
}

fn alive(pid: &str) -> bool {
    Command::new("kill")
        .args(["-0", pid])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn signals_leave_the_terminal_as_it_was() {
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)] {
        let dir = folder();
        let work = tempfile::tempdir().unwrap();
        let s = Session::start(&signal.to_lowercase(), dir.path(), work.path(), "");
        assert_eq!(s.flag("#{alternate_on}"), "1", "the workbench is on");
        Command::new("kill")
            .args([&format!("-{signal}"), &s.pid()])
            .status()
            .unwrap();
        let ended = work.path().join("ended");
        wait_until(
            &format!("ended on SIG{signal}"),
            || ended.exists(),
            || s.screen(),
        );
        assert_eq!(
            s.flag("#{alternate_on}"),
            "0",
            "SIG{signal}: alternate screen left"
        );
        assert_eq!(s.flag("#{cursor_flag}"), "1", "SIG{signal}: cursor shown");
        assert_eq!(
            s.flag("#{mouse_any_flag}"),
            "0",
            "SIG{signal}: mouse reporting off"
        );
        let status = std::fs::read_to_string(work.path().join("status")).unwrap();
        assert_eq!(
            status.trim(),
            (128 + number).to_string(),
            "SIG{signal}: exit status"
        );
        let stty = std::fs::read_to_string(work.path().join("stty")).unwrap();
        let words: Vec<&str> = stty.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(
                words.contains(&mode),
                "SIG{signal}: {mode} not restored:\n{stty}"
            );
        }
    }
}

#[test]
fn a_closed_terminal_ends_the_workbench_even_with_sighup_ignored() {
    let dir = folder();
    let work = tempfile::tempdir().unwrap();
    let s = Session::start("gone", dir.path(), work.path(), "trap \"\" HUP;");
    let pid = s.pid();
    drop(s); // kill-session: the terminal goes away
    wait_until(
        "exited",
        || !alive(&pid),
        || format!("pid {pid} still runs"),
    );
}

#[test]
fn two_instances_in_two_terminals_share_one_folder() {
    let dir = folder();
    let (wa, wb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Session::start("a", dir.path(), wa.path(), "");
    let b = Session::start("b", dir.path(), wb.path(), "");
    let toml = dir.path().join(format!("{S000}.gouji.toml"));
    let disk = || std::fs::read_to_string(&toml).unwrap_or_default();
    // A corrects 总计/自然人, B 总计/商业企业.
    a.keys(&["Tab", "Tab", "e", "4", "4", "Enter"]);
    wait_until("A saved", || disk().contains("\"44\""), || a.screen());
    b.keys(&["Tab", "Tab", "l", "e", "5", "Enter"]);
    wait_until("B saved", || disk().contains("\"5\""), || b.screen());
    assert!(disk().contains("\"44\""), "A's correction kept: {}", disk());
    // A sees B's change and says so.
    wait_until(
        "A picked up B's change",
        || a.screen().contains("annotations changed on disk"),
        || a.screen(),
    );
    // Undo in A takes back A's correction only.
    a.keys(&["u"]);
    wait_until("A undone", || !disk().contains("\"44\""), || a.screen());
    assert!(disk().contains("\"5\""), "B's correction kept: {}", disk());
    // Both correct 自然人 at once: whichever is told "saved" is in the file; the other is
    // told the cell changed, with both values.
    b.keys(&["h"]);
    std::thread::sleep(Duration::from_millis(400));
    a.keys(&["e", "4", "6", "Enter"]);
    b.keys(&["e", "4", "7", "Enter"]);
    wait_until(
        "both answered",
        || {
            let (sa, sb) = (a.screen(), b.screen());
            (sa.contains("saved |") || sa.contains("not saved"))
                && (sb.contains("saved |") || sb.contains("not saved"))
        },
        || format!("{}\n{}", a.screen(), b.screen()),
    );
    let (sa, sb) = (a.screen(), b.screen());
    let text = disk();
    if sb.contains("not saved") {
        assert!(
            text.contains("\"46\"") && !text.contains("\"47\""),
            "{text}"
        );
        assert!(sb.contains("changed by another instance"), "{sb}");
    } else {
        // B had picked up A's 46 before its Enter: its 47 is a change made knowingly.
        assert!(text.contains("\"47\""), "{text}\n{sa}\n{sb}");
    }
    assert!(text.contains("\"5\""), "{text}");
}
