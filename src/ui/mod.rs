//! The review workbench: three panes over the shared parser.
//!
//! The loop is draw → read event → `update` → carry out the effect. Reports are parsed on a
//! background thread (rayon) and arrive as messages, so the list shows at once and the badges
//! fill in as parsing proceeds.

pub mod action;
pub mod browser;
pub mod config;
pub mod corpus;
pub mod keymap;
pub mod state;
pub mod table;
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
use crate::annotations::{AnnotationStore, now_rfc3339, save};
use crate::audit::{Audit, ReadOptions, Reports, audit_file};
use crate::template::Templates;

use config::Config;
use state::{Effect, Msg, State};
use update::update;

/// The workbench: state plus what is needed to carry out effects.
pub struct App {
    pub state: State,
    pub config: Config,
    opts: ReadOptions,
    rx: Option<Receiver<(usize, Box<crate::audit::Audit>)>>,
}

/// Audits one report for the workbench, with its line index built here (on the loader's
/// thread) rather than on the UI thread when the Raw pane first draws it.
fn load(path: &Path, templates: &Templates, opts: &ReadOptions) -> Box<Audit> {
    let audit = audit_file(path, templates, opts);
    if let Some(r) = &audit.report {
        r.line_count();
    }
    Box::new(audit)
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
            bg_paths.par_iter().enumerate().skip(1).for_each(|(i, p)| {
                let _ = send(i, p);
            });
        });
        let mut state = State::new(paths, templates, size);
        state.notice = notice;
        if let Some(t) = config.repetition_threshold {
            state.repetition_threshold = t;
        }
        App {
            state,
            config,
            opts,
            rx: Some(rx),
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
        let mut app = App {
            state: State::with_threshold(
                State::new(paths.clone(), templates.clone(), size),
                config.repetition_threshold,
            ),
            config,
            opts,
            rx: None,
        };
        for (i, p) in paths.iter().enumerate() {
            let audit = load(p, &templates, &app.opts);
            app.handle(Msg::Loaded(i, audit));
        }
        app.state.notice = notice;
        app
    }

    /// Applies a message and carries out its effects. Returns false when the app should quit.
    pub fn handle(&mut self, msg: Msg) -> bool {
        match update(&mut self.state, msg) {
            Effect::None => true,
            Effect::Quit => false,
            Effect::Save { entry, op, history } => {
                let before = self
                    .state
                    .entries
                    .get(entry)
                    .and_then(|e| e.audit.as_ref())
                    .and_then(|a| a.annotations.as_ref())
                    .map(|l| Box::new(l.annotations.clone()));
                // Without annotations there is nothing to save into; the error path puts a
                // popped undo/redo snapshot back (`before` is not used there).
                let (result, before) = match before {
                    Some(b) => (self.save(entry, &op), b),
                    None => (
                        Err("the report is not loaded".to_string()),
                        Box::new(crate::annotations::Annotations::new("", "")),
                    ),
                };
                update(
                    &mut self.state,
                    Msg::Saved {
                        entry,
                        result,
                        history,
                        before,
                    },
                );
                true
            }
        }
    }

    /// Writes the change to the report's own annotation file. When the annotations came from
    /// an old-style file, that file is then renamed `….migrated` (kept, never read again) if
    /// it still holds what was read; the message says where they went.
    fn save(
        &self,
        entry: usize,
        op: &crate::annotations::Op,
    ) -> Result<Box<state::Written>, String> {
        let e = self.state.entries.get(entry).ok_or("no such report")?;
        let audit = e.audit.as_ref().ok_or("report not loaded")?;
        let loaded = audit.annotations.as_ref().ok_or("report not loaded")?;
        let path = self.opts.annotations.path(&e.path);
        let saved = save(&path, loaded, op, &now_rfc3339(), &self.config.reviewer)
            .map_err(|e| e.to_string())?;
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
            loaded: saved,
            moved: note,
        }))
    }

    /// A key press, routed to the open text area or through the keymap.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        if key.kind != KeyEventKind::Press {
            return true;
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
        for (i, audit) in batch {
            self.handle(Msg::Loaded(i, audit));
        }
    }

    pub fn draw<B: Backend>(&self, terminal: &mut Terminal<B>) -> std::io::Result<()> {
        terminal
            .draw(|f| view::draw(f, &self.state, &self.config))
            .map(|_| ())
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    fn run<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> anyhow::Result<()> {
        loop {
            self.drain_loaded();
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
/// status line. The terminal is restored on quit, on error and on panic.
pub fn run(reports: Reports, config: Config, notice: Option<String>) -> anyhow::Result<()> {
    let templates = Templates::embedded()?;
    let mut terminal = ratatui::try_init()?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        hook(info);
    }));
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    let mut app = App::spawn(reports, config, templates, size);
    app.state.notice = match (notice, app.state.notice.take()) {
        (Some(a), Some(b)) => Some(format!("{a}  |  {b}")),
        (a, b) => a.or(b),
    };
    let result = app.run(&mut terminal);
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
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
