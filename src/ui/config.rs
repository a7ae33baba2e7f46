//! The workbench configuration: reviewer, annotations directory, theme and key bindings.
//! Read from the `directories` config dir (`config.toml`) or `--config FILE`; every key is
//! optional; unknown keys and bad values are errors naming the key and the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::keymap::Keymap;
use super::theme::{Theme, ThemeConfig};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    annotations_dir: Option<PathBuf>,
    #[serde(default)]
    theme: ThemeConfig,
    #[serde(default)]
    keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    repetition_threshold: Option<f64>,
}

/// The validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub reviewer: String,
    pub annotations_dir: Option<PathBuf>,
    pub theme: Theme,
    pub keymap: Keymap,
    /// Where PDF and Word text is cached (set by the binary; tests read without a cache).
    pub cache: Option<crate::cache::Cache>,
    /// The repetition share above which the corpus view warns (`None`: the rules' default).
    pub repetition_threshold: Option<f64>,
}

/// A configuration file that cannot be used; the message names the file, the key and the line.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl Config {
    /// Parses config text; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: origin.into(),
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map_or(String::new(), |i| format!("line {}: ", i + 1))
        };
        let keymap = Keymap::with_overrides(&raw.keys).map_err(|m| {
            let name = m
                .split(':')
                .next()
                .unwrap_or("")
                .trim_start_matches("keys.")
                .to_string();
            err(format!("{}{m}", line_of(&name)))
        })?;
        let theme = Theme::from_config(&raw.theme)
            .map_err(|(key, m)| err(format!("{}theme.{key}: {m}", line_of(&key))))?;
        if let Some(t) = raw.repetition_threshold
            && !(t > 0.0 && t <= 1.0)
        {
            return Err(err(format!(
                "{}repetition_threshold: {t} is not a share above 0 and at most 1 (0.5 is 50%)",
                line_of("repetition_threshold")
            )));
        }
        Ok(Config {
            repetition_threshold: raw.repetition_threshold,
            reviewer: raw.reviewer,
            annotations_dir: raw.annotations_dir,
            theme,
            keymap,
            cache: None,
        })
    }

    /// Loads `explicit`, or the default config file when it exists, or the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_path() {
                Some(p) if p.exists() => p,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Config::parse(&text, &path.display().to_string())
    }
}

/// `<config dir>/config.toml` from the `directories` crate.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "gouji").map(|d| d.config_dir().join("config.toml"))
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {msg}")
        }
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let c = Config::parse("", "c.toml").unwrap();
        assert_eq!(c.reviewer, "");
        assert!(c.annotations_dir.is_none());
        assert_eq!(
            c.keymap.keys_for(super::super::action::Action::Quit),
            vec!["Ctrl-c", "q"]
        );
    }

    #[test]
    fn a_valid_file() {
        let c = Config::parse(
            "reviewer = \"王审核\"\nannotations_dir = \"/tmp/ann\"\n[theme]\nerror = \"magenta\"\n[keys]\nquit = [\"Ctrl-q\", \"Q\"]\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.reviewer, "王审核");
        assert_eq!(c.annotations_dir.as_deref(), Some(Path::new("/tmp/ann")));
        assert_eq!(c.theme.error, ratatui::style::Color::Magenta);
        assert_eq!(
            c.keymap.keys_for(super::super::action::Action::Quit),
            vec!["Q", "Ctrl-q"]
        );
    }

    #[test]
    fn invalid_files_name_the_key_and_line() {
        let e = Config::parse("reviewer = \"x\"\nreveiwer = \"y\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.toml: line 2: unknown field `reveiwer`"),
            "{e}"
        );
        let e = Config::parse("[keys]\nquit = [\"Hyper-q\"]\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "c.toml: line 2: keys.quit: \"Hyper-q\" is not a key name"
        );
        let e = Config::parse("[theme]\nerror = \"reddish\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "c.toml: line 2: theme.error: unknown colour \"reddish\"");
        let e = Config::parse("reviewer = 3\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml: line 1: invalid type"), "{e}");
    }
}

#[cfg(test)]
mod example {
    /// The documented example is a valid config, and documents every action.
    #[test]
    fn config_example_is_valid_and_complete() {
        let text = include_str!("../../config.example.toml");
        let c = super::Config::parse(text, "config.example.toml").unwrap();
        for a in super::super::action::Action::ALL {
            assert!(
                text.contains(&format!("\n{} = [", a.name())),
                "config.example.toml lacks {}",
                a.name()
            );
            assert!(!c.keymap.keys_for(a).is_empty());
        }
    }
}
