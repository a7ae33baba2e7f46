//! Leaving the terminal as it was found, whatever ends the workbench.
//!
//! In raw mode the terminal sends no SIGINT for Ctrl-C (the keymap quits on it), but `kill`,
//! a closed window (SIGHUP) or a session manager (SIGTERM) still end the process. Signals
//! only raise a flag here; the loop sees it within one poll (50 ms) and returns through the
//! same restore as `q`. A second signal while the first is being handled ends the process at
//! once. A terminal that went away (the window closed while SIGHUP was ignored) is seen by
//! a hang-up on standard input, so the process never spins reading a dead terminal; a watch
//! thread checks that and a signal the loop has not answered within a second.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Set by SIGTERM, SIGHUP, SIGINT or SIGQUIT; checked by the loop between frames.
pub struct Stop {
    signal: Arc<AtomicUsize>,
}

impl Stop {
    /// Registers the handlers (flags only: nothing else is safe in a signal handler).
    pub fn install() -> std::io::Result<Stop> {
        let signal = Arc::new(AtomicUsize::new(0));
        // Raised by the first signal of any kind: the second then ends the process without
        // waiting for the loop.
        let first = Arc::new(std::sync::atomic::AtomicBool::new(false));
        #[cfg(unix)]
        for sig in [
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGQUIT,
        ] {
            signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, first.clone())?;
            signal_hook::flag::register(sig, first.clone())?;
            signal_hook::flag::register_usize(sig, signal.clone(), sig as usize)?;
        }
        let watched = signal.clone();
        std::thread::Builder::new()
            .name("terminal-watch".into())
            .spawn(move || watch(&watched))?;
        Ok(Stop { signal })
    }

    /// The signal that asked the workbench to end, if one did.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::Relaxed) {
            0 => None,
            s => Some(s as i32),
        }
    }

    /// True when the loop should end: a signal came, or the terminal is gone.
    pub fn requested(&self) -> bool {
        self.signal.load(Ordering::Relaxed) != 0 || terminal_gone()
    }
}

/// The watchdog: a dead terminal can keep the input reader busy inside a poll that never
/// returns to the loop (crossterm retries a hung-up descriptor), so this thread looks too.
/// When the terminal is gone, or a signal came and the loop has not ended a second later, it
/// restores what can be restored and ends the process (every change is already saved).
fn watch(signal: &AtomicUsize) {
    let mut waited = 0;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let sig = signal.load(Ordering::Relaxed);
        if terminal_gone() {
            restore();
            std::process::exit(129);
        }
        if sig != 0 {
            waited += 1;
            if waited >= 5 {
                restore();
                std::process::exit(128 + sig as i32);
            }
        }
    }
}

/// Best effort, from any thread: mouse reporting off, main screen, cursor shown, cooked mode.
fn restore() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
}

/// True when standard input is a terminal that hung up (its window closed).
fn terminal_gone() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: isatty and a zero-timeout poll on descriptor 0; no memory is shared.
        unsafe {
            if libc::isatty(0) != 1 {
                return false;
            }
            let mut fd = libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            };
            libc::poll(&mut fd, 1, 0) > 0
                && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
        }
    }
    #[cfg(not(unix))]
    false
}

/// Installs the panic hook over ratatui's: a panic of the UI thread restores the terminal
/// (mouse reporting off, then ratatui's restore) before the message prints; a panic of any
/// other thread leaves the screen alone, since the UI goes on (the report loader catches its
/// panics and shows them as that report's error).
pub fn panic_hook() {
    let ui = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui {
            let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
            previous(info);
        }
    }));
}
