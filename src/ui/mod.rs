//! The review workbench: three panes over the shared parser.
//!
//! The loop is draw → read event → `update` → carry out the effect. Reports are parsed on a
//! background thread (rayon) and arrive as messages, so the list shows at once and the badges
//! fill in as parsing proceeds.

pub mod action;
pub mod browser;
pub mod config;
pub mod corpus;
pub mod editor;
pub mod findings;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod navigate;
pub mod raw_text;
pub mod report_view;
pub mod review;
pub mod state;
pub mod status;
pub mod table;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEvent, KeyEventKind, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::Backend;
use rayon::prelude::*;

use crate::annotations::store::retire_old_file;
use crate::annotations::{AnnotationError, AnnotationStore, clean_stale_temps, now_rfc3339, save};
use crate::audit::{Audit, ReadOptions, Reports, audit_file};
use crate::template::Templates;
use crate::text::visible;

use config::Config;
use state::{Effect, Msg, State};
use update::update;

/// The workbench: state plus what is needed to carry out effects.
pub struct App {
    pub state: State,
    pub config: Config,
    opts: ReadOptions,
    rx: Option<Receiver<(usize, Box<crate::audit::Audit>)>>,
    /// The open report's file as last seen (entry, length and modification time; `None`
    /// when it could not be read), to notice it changing or vanishing on disk.
    watched: Option<(usize, Option<(u64, std::time::SystemTime)>)>,
}

/// Audits one report for the workbench, with its line index built here (on the loader's
/// thread) rather than on the UI thread when the Raw pane first draws it. A panic while
/// reading one report (a bug) makes that report unreadable, with the panic's message, and
/// leaves the workbench running.
fn load(path: &Path, templates: &Templates, opts: &ReadOptions) -> Box<Audit> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let audit = audit_file(path, templates, opts);
        // What the panes and the corpus view compute from the text, here, off the UI thread.
        if let Some(r) = &audit.report {
            r.line_count();
        }
        if let Some(rules) = crate::narrative::CheckRules::embedded() {
            audit.sentence_hashes(rules);
        }
        audit
    }));
    Box::new(read.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Audit::failed(
            path,
            format!("internal error while reading this report (please report it): {why}"),
        )
    }))
}

/// The folders annotation files of `files` are written in, each once.
fn annotation_dirs(opts: &ReadOptions, files: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = std::collections::BTreeSet::new();
    for f in files {
        let p = opts.annotations.path(f);
        if let Some(d) = p.parent() {
            dirs.insert(d.to_path_buf());
        }
    }
    dirs.into_iter().collect()
}

impl App {
    fn options(config: &Config, reports: &Reports) -> ReadOptions {
        let mut store = AnnotationStore::new(config.annotations_dir.clone(), &reports.inputs);
        store.census(&reports.files);
        ReadOptions {
            encoding: None,
            corrections: true,
            annotations: store,
            read_only: false,
            cache: config.cache.clone(),
        }
    }

    /// The status-line notice for annotation files several reports of the run are named to,
    /// and for old-style files that several reports could claim.
    fn startup_notice(opts: &ReadOptions, reports: &Reports) -> Option<String> {
        let store = &opts.annotations;
        let mut msgs = Vec::new();
        if store.may_share(&reports.inputs) {
            msgs = store.shared(&reports.files);
        }
        msgs.extend(store.ambiguous());
        let first = msgs.first()?;
        Some(match msgs.len() {
            1 => first.clone(),
            n => format!("{first} (and {} more)", n - 1),
        })
    }

    /// An app whose reports load on a background thread.
    pub fn spawn(
        reports: impl Into<Reports>,
        config: Config,
        templates: Templates,
        size: (u16, u16),
    ) -> App {
        let reports = reports.into();
        let opts = App::options(&config, &reports);
        let notice = App::startup_notice(&opts, &reports);
        let paths = reports.files;
        let (tx, rx) = channel();
        let bg_paths = paths.clone();
        let bg_opts = opts.clone();
        let bg_templates = templates.clone();
        std::thread::spawn(move || {
            // The first report first, so the panes fill at once; then the rest on all cores.
            let send = |i: usize, p: &Path| tx.send((i, load(p, &bg_templates, &bg_opts))).is_ok();
            if let Some(p) = bg_paths.first()
                && !send(0, p)
            {
                return;
            }
            // Temporary files a killed gouji left, removed under each folder's write lock.
            let dirs = annotation_dirs(&bg_opts, &bg_paths);
            clean_stale_temps(dirs.iter().map(PathBuf::as_path));
            bg_paths.par_iter().enumerate().skip(1).for_each(|(i, p)| {
                let _ = send(i, p);
            });
        });
        let mut state = State::new(paths, templates, size);
        state.name_entries(&reports.inputs);
        state.notice = notice.map(|n| visible(&n).into_owned());
        if let Some(t) = config.repetition_threshold {
            state.repetition_threshold = t;
        }
        App {
            state,
            config,
            opts,
            rx: Some(rx),
            watched: None,
        }
    }

    /// An app with every report loaded before it returns (tests, scripted use).
    pub fn loaded(
        reports: impl Into<Reports>,
        config: Config,
        templates: Templates,
        size: (u16, u16),
    ) -> App {
        let reports = reports.into();
        let opts = App::options(&config, &reports);
        let notice = App::startup_notice(&opts, &reports);
        let paths = reports.files;
        let dirs = annotation_dirs(&opts, &paths);
        clean_stale_temps(dirs.iter().map(PathBuf::as_path));
        let mut app = App {
            state: State::with_threshold(
                State::new(paths.clone(), templates.clone(), size),
                config.repetition_threshold,
            ),
            config,
            opts,
            rx: None,
            watched: None,
        };
        app.state.name_entries(&reports.inputs);
        for (i, p) in paths.iter().enumerate() {
            let audit = load(p, &templates, &app.opts);
            app.handle(Msg::Loaded(i, audit));
        }
        app.state.notice = notice.map(|n| visible(&n).into_owned());
        app
    }

    /// Applies a message and carries out its effects. Returns false when the app should quit.
    pub fn handle(&mut self, msg: Msg) -> bool {
        match update(&mut self.state, msg) {
            Effect::None => true,
            Effect::Quit => false,
            Effect::Save { entry, op, history } => {
                let result = self.save(entry, &op);
                update(
                    &mut self.state,
                    Msg::Saved {
                        entry,
                        result,
                        history,
                    },
                );
                true
            }
        }
    }

    /// Writes the change to the report's own annotation file, as a transaction on what the
    /// file holds now. When the annotations came from an old-style file, that file is then
    /// renamed `….migrated` (kept, never read again) if it still holds what was read; the
    /// message says where they went.
    fn save(
        &self,
        entry: usize,
        op: &crate::annotations::Op,
    ) -> Result<Box<state::Written>, state::NotSaved> {
        let fail = |m: &str| state::NotSaved {
            message: m.to_string(),
            current: None,
        };
        let e = self
            .state
            .entries
            .get(entry)
            .ok_or_else(|| fail("no such report"))?;
        let audit = e
            .audit
            .as_ref()
            .ok_or_else(|| fail("the report is not loaded"))?;
        let loaded = audit
            .annotations
            .as_ref()
            .ok_or_else(|| fail("the report is not loaded"))?;
        let path = self.opts.annotations.path(&e.path);
        let saved = save(
            &path,
            loaded,
            op,
            &audit.hash,
            &now_rfc3339(),
            &self.config.reviewer,
        )
        .map_err(|err| match err {
            AnnotationError::Conflict { message, current } => {
                // The cell as the reviewer knows it, before its keys.
                let label = match op.field() {
                    crate::annotations::Field::Cell(c) => {
                        let template = audit
                            .report
                            .as_ref()
                            .and_then(|r| self.state.templates.for_id(r.template.as_deref()));
                        format!("{}: ", crate::annotations::cell_label(template, &c))
                    }
                    _ => String::new(),
                };
                state::NotSaved {
                    message: visible(&format!("{label}{message}")).into_owned(),
                    current: Some(current),
                }
            }
            other => fail(&visible(&other.to_string())),
        })?;
        let note = audit.migrated_from.as_ref().map(|old| {
            match retire_old_file(old, loaded.disk.as_deref()) {
                Ok(kept) => format!(
                    "annotations moved from {} to {} (the old file is kept as {})",
                    old.display(),
                    path.display(),
                    kept.display()
                ),
                Err(why) => format!(
                    "annotations now saved to {}; the old file was not renamed: {why}",
                    path.display()
                ),
            }
        });
        Ok(Box::new(state::Written {
            loaded: saved.loaded,
            undo: saved.undo,
            moved: note.map(|n| visible(&n).into_owned()),
        }))
    }

    /// Picks up what changed on disk for the open report: its annotation file rewritten by
    /// another instance or an editor (reloaded, and the status line says so), or the report
    /// itself changed (read again) or deleted (said). Called between frames; cheap (a `stat`
    /// and a read of one small file).
    pub fn sync_disk(&mut self) {
        let i = self.state.open;
        let Some(e) = self.state.entries.get(i) else {
            return;
        };
        let Some(audit) = e.audit.as_ref() else {
            return;
        };
        // The report file.
        let meta = std::fs::metadata(&e.path)
            .ok()
            .map(|m| (m.len(), m.modified().unwrap_or(std::time::UNIX_EPOCH)));
        match self.watched {
            Some((w, seen)) if w == i && seen != meta => {
                self.watched = Some((i, meta));
                if meta.is_none() {
                    self.state.status = format!(
                        "{}: the report file is gone from disk; what is shown is what was read",
                        e.name
                    );
                } else {
                    let audit = load(&e.path, &self.state.templates, &self.opts);
                    let name = e.name.clone();
                    self.handle(Msg::Loaded(i, audit));
                    self.state.status =
                        format!("{name}: the report file changed on disk: read again");
                }
                return;
            }
            Some((w, _)) if w == i => {}
            _ => self.watched = Some((i, meta)),
        }
        // Its annotation file (unless read from an old-style file still to be migrated).
        if audit.migrated_from.is_some() {
            return;
        }
        let path = self.opts.annotations.path(&e.path);
        let Some(loaded) = audit.annotations.as_ref() else {
            // Unreadable until now: picked up once it reads (a reviewer fixed it by hand).
            if audit.annotation_error.is_some() && audit.report.is_some() {
                let name = e
                    .path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                if let Ok(l) = crate::annotations::load(&path, &name, &audit.hash) {
                    update(
                        &mut self.state,
                        Msg::DiskChanged {
                            entry: i,
                            loaded: Ok(Box::new(l)),
                        },
                    );
                }
            }
            return;
        };
        let read = crate::annotations::read_text(&path);
        let now = read.as_ref().ok();
        let gone = matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        if now.map(String::as_str) == loaded.disk.as_deref() || (gone && loaded.disk.is_none()) {
            return;
        }
        let name = loaded.annotations.report.clone();
        let loaded = crate::annotations::from_read(&path, read, &name, &audit.hash)
            .map(Box::new)
            .map_err(|e| visible(&e.to_string()).into_owned());
        update(&mut self.state, Msg::DiskChanged { entry: i, loaded });
    }

    /// A key press, routed to the open text area or through the keymap.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        if key.kind != KeyEventKind::Press {
            return true;
        }
        // Ctrl-C quits like `q` (every change is already saved), whatever is bound; while a
        // cell is being edited it cancels the edit first (the editor's own handling).
        if self.state.editor.is_none()
            && key.code == crossterm::event::KeyCode::Char('c')
            && key
                .modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL)
        {
            return self.handle(Msg::Action(action::Action::Quit));
        }
        if self.state.editor.is_some() {
            return self.handle(Msg::EditorKey(key));
        }
        match self.config.keymap.action(&key) {
            Some(a) => self.handle(Msg::Action(a)),
            None => true,
        }
    }

    /// Takes in every report the background loader has finished.
    pub fn drain_loaded(&mut self) {
        let Some(rx) = &self.rx else { return };
        let batch: Vec<_> = rx.try_iter().take(2000).collect();
        let stopped = batch.is_empty()
            && matches!(
                rx.try_recv(),
                Err(std::sync::mpsc::TryRecvError::Disconnected)
            );
        for (i, audit) in batch {
            self.handle(Msg::Loaded(i, audit));
        }
        if stopped {
            // The loader ended: with every report in, that is its work done; otherwise it
            // failed (a bug), and the reports it did not reach are named as not loaded.
            self.rx = None;
            let missing = self
                .state
                .entries
                .iter()
                .filter(|e| e.audit.is_none())
                .count();
            if missing > 0 {
                self.state.status = format!(
                    "the report loader stopped (internal error, please report it): {missing} \
                     report(s) not loaded; the others can be reviewed"
                );
            }
        }
    }

    pub fn draw<B: Backend>(&self, terminal: &mut Terminal<B>) -> std::io::Result<()> {
        terminal
            .draw(|f| view::draw(f, &self.state, &self.config))
            .map(|_| ())
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    fn run<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        stop: &terminal::Stop,
    ) -> anyhow::Result<()> {
        let mut synced = std::time::Instant::now();
        loop {
            if stop.requested() {
                return Ok(());
            }
            self.drain_loaded();
            if synced.elapsed() >= Duration::from_millis(250) {
                self.sync_disk();
                synced = std::time::Instant::now();
            }
            self.draw(terminal)?;
            if !event::poll(Duration::from_millis(50))? {
                continue;
            }
            let keep = match event::read()? {
                Event::Key(k) => self.key(k),
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::Down(_) => self.handle(Msg::Click(m.column, m.row)),
                    MouseEventKind::ScrollDown => self.handle(Msg::Scroll(m.column, m.row, 1)),
                    MouseEventKind::ScrollUp => self.handle(Msg::Scroll(m.column, m.row, -1)),
                    _ => true,
                },
                Event::Resize(w, h) => self.handle(Msg::Resize(w, h)),
                _ => true,
            };
            if !keep {
                return Ok(());
            }
        }
    }
}

/// Opens the workbench on `paths` and runs it until the reviewer quits, `notice` on the
/// status line. The terminal is restored on quit, on error, on a panic of the UI thread, on
/// SIGTERM, SIGHUP, SIGINT and SIGQUIT, and when the terminal goes away. Returns the exit
/// status: 0, or 128 + the signal's number when a signal ended it.
pub fn run(reports: Reports, config: Config, notice: Option<String>) -> anyhow::Result<i32> {
    let templates = Templates::embedded()?;
    let stop = terminal::Stop::install()?;
    let mut terminal = ratatui::try_init()?;
    terminal::panic_hook();
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    let mut app = App::spawn(reports, config, templates, size);
    let notice = notice.map(|n| visible(&n).into_owned());
    app.state.notice = match (notice, app.state.notice.take()) {
        (Some(a), Some(b)) => Some(format!("{a}  |  {b}")),
        (a, b) => a.or(b),
    };
    let result = app.run(&mut terminal, &stop);
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result?;
    // Ended by a signal: the shell's convention, 128 + its number.
    Ok(stop.signal().map_or(0, |s| 128 + s))
}

const SAMPLES: &[(&str, &[u8])] = &[
    (
        "000_baa44959fd9d628f.txt",
        include_bytes!("../../assets/samples/000_baa44959fd9d628f.txt"),
    ),
    (
        "001_4c36db1c4b6f0da5.txt",
        include_bytes!("../../assets/samples/001_4c36db1c4b6f0da5.txt"),
    ),
    (
        "002_68a8c5bdb68e9915.txt",
        include_bytes!("../../assets/samples/002_68a8c5bdb68e9915.txt"),
    ),
    (
        "003_1160e2568716ca2c.txt",
        include_bytes!("../../assets/samples/003_1160e2568716ca2c.txt"),
    ),
    (
        "004_4760a96778e8f996.txt",
        include_bytes!("../../assets/samples/004_4760a96778e8f996.txt"),
    ),
];

/// Writes the bundled samples under the data directory (once; existing files are kept, so
/// their annotations stay valid) and returns that directory.
pub fn materialize_samples() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "gouji").ok_or_else(|| {
        anyhow::anyhow!(
            "no home directory to keep the bundled samples in; pass report paths instead"
        )
    })?;
    let dir = dirs.data_dir().join("samples");
    std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    for (name, bytes) in SAMPLES {
        let p = dir.join(name);
        if !p.exists() {
            crate::annotations::write_atomic(&p, std::str::from_utf8(bytes)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        }
    }
    Ok(dir)
}
