//! Colours, in one place. Meaning is carried by colour and by a text marker, so the screen
//! still reads on a monochrome terminal.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    pub error: Option<String>,
    pub warning: Option<String>,
    pub unchecked: Option<String>,
    pub corrected: Option<String>,
    pub accent: Option<String>,
    pub dim: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub error: Color,
    pub warning: Color,
    /// Cells a relation needs that could not be read.
    pub unchecked: Color,
    pub corrected: Color,
    pub accent: Color,
    pub dim: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            error: Color::Red,
            warning: Color::Yellow,
            unchecked: Color::Magenta,
            corrected: Color::Cyan,
            accent: Color::Blue,
            dim: Color::DarkGray,
        }
    }
}

impl Theme {
    pub fn from_config(c: &ThemeConfig) -> Result<Theme, (String, String)> {
        let d = Theme::default();
        let pick =
            |key: &str, v: &Option<String>, dflt: Color| -> Result<Color, (String, String)> {
                match v {
                    None => Ok(dflt),
                    Some(s) => s
                        .parse::<Color>()
                        .map_err(|_| (key.to_string(), format!("unknown colour {s:?}"))),
                }
            };
        Ok(Theme {
            error: pick("error", &c.error, d.error)?,
            warning: pick("warning", &c.warning, d.warning)?,
            unchecked: pick("unchecked", &c.unchecked, d.unchecked)?,
            corrected: pick("corrected", &c.corrected, d.corrected)?,
            accent: pick("accent", &c.accent, d.accent)?,
            dim: pick("dim", &c.dim, d.dim)?,
        })
    }

    pub fn error_cell(&self) -> Style {
        Style::new().fg(self.error).add_modifier(Modifier::BOLD)
    }

    pub fn warning_cell(&self) -> Style {
        Style::new().fg(self.warning)
    }

    pub fn unchecked_cell(&self) -> Style {
        Style::new().fg(self.unchecked)
    }

    pub fn corrected_cell(&self) -> Style {
        Style::new()
            .fg(self.corrected)
            .add_modifier(Modifier::UNDERLINED)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            Style::new().fg(self.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(self.dim)
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn dim(&self) -> Style {
        Style::new().fg(self.dim)
    }
}
