//! Key bindings: defaults merged with the config's `[keys]` table.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// A key as written in the config: "q", "Tab", "Shift-Tab", "Ctrl-r", "PgDn", "F1".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    Named(u8),
    F(u8),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("Shift-Tab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PgUp", KeyCode::PageUp),
    ("PgDn", KeyCode::PageDown),
    ("Delete", KeyCode::Delete),
    ("Space", KeyCode::Char(' ')),
];

impl Key {
    /// Parses a key name; `None` for a name that is not a key.
    pub fn parse(s: &str) -> Option<Key> {
        let mut rest = s;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("Ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = if let Some(i) = NAMED.iter().position(|(n, _)| *n == rest) {
            if rest == "Space" {
                KeyCodeOrd::Char(' ')
            } else {
                KeyCodeOrd::Named(i as u8)
            }
        } else if let Some(n) = rest.strip_prefix('F').and_then(|n| n.parse::<u8>().ok()) {
            KeyCodeOrd::F(n)
        } else {
            let mut chars = rest.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            KeyCodeOrd::Char(c)
        };
        Some(Key { code, ctrl, alt })
    }

    /// The key of a terminal event (Shift is folded into the character or BackTab).
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            other => KeyCodeOrd::Named(NAMED.iter().position(|(_, k)| *k == other)? as u8),
        };
        Some(Key {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeOrd::Char(' ') => "Space".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::Named(i) => NAMED[i as usize].0.to_string(),
            KeyCodeOrd::F(n) => format!("F{n}"),
        };
        format!(
            "{}{}{base}",
            if self.ctrl { "Ctrl-" } else { "" },
            if self.alt { "Alt-" } else { "" }
        )
    }
}

/// The live key bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: BTreeMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut km = Keymap {
            map: BTreeMap::new(),
        };
        for (action, keys) in DEFAULTS {
            for k in *keys {
                if let Some(key) = Key::parse(k) {
                    km.map.insert(key, *action);
                }
            }
        }
        km
    }
}

const DEFAULTS: &[(Action, &[&str])] = &[
    (Action::Quit, &["q", "Ctrl-c"]),
    (Action::Help, &["?", "F1"]),
    (Action::NextPane, &["Tab"]),
    (Action::PrevPane, &["Shift-Tab"]),
    (Action::Up, &["k", "Up"]),
    (Action::Down, &["j", "Down"]),
    (Action::Left, &["h", "Left"]),
    (Action::Right, &["l", "Right"]),
    (Action::Top, &["g", "Home"]),
    (Action::Bottom, &["G", "End"]),
    (Action::PageUp, &["PgUp"]),
    (Action::PageDown, &["PgDn"]),
    (Action::Open, &["Enter"]),
    (Action::NextReport, &["]"]),
    (Action::PrevReport, &["["]),
    (Action::NextFinding, &["n"]),
    (Action::PrevFinding, &["N"]),
    (Action::Edit, &["e"]),
    (Action::Revert, &["x"]),
    (Action::Undo, &["u"]),
    (Action::Redo, &["Ctrl-r"]),
    (Action::NoteCell, &["a"]),
    (Action::NoteReport, &["A"]),
    (Action::MarkReviewed, &["r"]),
    (Action::Flag, &["f"]),
    (Action::Search, &["/"]),
    (Action::CycleFilter, &["F"]),
    (Action::Zoom, &["z"]),
    (Action::NextWarning, &["w"]),
    (Action::PrevWarning, &["W"]),
    (Action::ApplySuggestion, &["s"]),
    (Action::Confirm, &["c"]),
    (Action::Dismiss, &["d"]),
    (Action::ToggleWrap, &["Ctrl-w"]),
    (Action::GotoLine, &[":"]),
    (Action::Back, &["Esc"]),
    (Action::Corpus, &["C"]),
];

impl Keymap {
    /// Defaults with `overrides` (action name → keys) replacing the defaults of those actions.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut km = Keymap::default();
        for (name, keys) in overrides {
            let action =
                Action::from_name(name).ok_or_else(|| format!("keys.{name}: unknown action"))?;
            km.map.retain(|_, a| *a != action);
            for k in keys {
                let key =
                    Key::parse(k).ok_or_else(|| format!("keys.{name}: {k:?} is not a key name"))?;
                km.map.insert(key, action);
            }
        }
        Ok(km)
    }

    pub fn action(&self, e: &KeyEvent) -> Option<Action> {
        self.map.get(&Key::from_event(e)?).copied()
    }

    /// The keys bound to `action`, as the help shows them.
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        self.map
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| k.label())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let km = Keymap::default();
        let ev = |c, m| KeyEvent::new(c, m);
        assert_eq!(
            km.action(&ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Action::Redo)
        );
        assert_eq!(
            km.action(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["Ctrl-q".to_string()]);
        let km = Keymap::with_overrides(&o).unwrap();
        assert_eq!(km.action(&ev(KeyCode::Char('q'), KeyModifiers::NONE)), None);
        assert_eq!(
            km.action(&ev(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(km.keys_for(Action::Quit), vec!["Ctrl-q"]);
        assert_eq!(
            Keymap::default().action(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit),
            "Ctrl-C quits like q"
        );
        o.insert("fly".to_string(), vec![]);
        assert_eq!(
            Keymap::with_overrides(&o).unwrap_err(),
            "keys.fly: unknown action"
        );
    }
}
