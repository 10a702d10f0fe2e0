//! A programme's configuration: card formats and reply templates, loaded from TOML or JSON.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CardFormat, CheckDigit, Templates};
use chek_core::{Coded, Lang};

/// Largest programme file read, in bytes.
pub const MAX_PROGRAMME_BYTES: usize = 256 * 1024;

/// A loyalty programme: its name, the formats its cards are issued in, and reply templates that
/// override the defaults per outcome code and language.
///
/// ```
/// use chek_engage::loyalty::Programme;
/// let p = Programme::from_toml(r#"
/// name = "Клуб Ромашка"
/// [[formats]]
/// name = "EAN-13"
/// length = 13
/// prefix = "46"
/// check = "gs1"
/// [templates.ru]
/// "loyalty.activated" = "Карта *{card_last4} в клубе! Спасибо."
/// "#).unwrap();
/// assert_eq!(p.formats[0].length, 13);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Name, available to templates as `{programme}`.
    pub name: String,
    /// Card formats; a number is a card when it fits one of them.
    pub formats: Vec<CardFormat>,
    /// Reply templates overriding the defaults.
    #[serde(default)]
    pub templates: Templates,
}

/// A programme file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProgrammeError {
    /// Not valid TOML / JSON of a programme, or too large.
    #[error("the programme file cannot be read: {0}")]
    Syntax(String),
    /// No formats, or a format with an impossible length or a non-digit prefix.
    #[error("card format {name:?}: {problem}")]
    BadFormat {
        /// The format's name.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// A template naming an unknown placeholder or outcome, or too long.
    #[error("template {code} ({lang}): {problem}")]
    BadTemplate {
        /// The outcome code it is for.
        code: String,
        /// Its language.
        lang: Lang,
        /// What is wrong.
        problem: String,
    },
}

impl Coded for ProgrammeError {
    fn code(&self) -> &'static str {
        match self {
            ProgrammeError::Syntax(_) => "loyalty.programme_syntax",
            ProgrammeError::BadFormat { .. } => "loyalty.bad_format",
            ProgrammeError::BadTemplate { .. } => "loyalty.bad_template",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match lang {
            Lang::Ru => format!("Исправьте настройки программы лояльности: {self}").into(),
            Lang::En => format!("Fix the loyalty programme settings: {self}").into(),
        }
    }
}

impl Programme {
    /// Reads and checks a programme from TOML.
    pub fn from_toml(text: &str) -> Result<Programme, ProgrammeError> {
        Self::size(text)?;
        let p: Programme =
            toml::from_str(text).map_err(|e| ProgrammeError::Syntax(e.to_string()))?;
        p.checked()
    }

    /// Reads and checks a programme from JSON.
    pub fn from_json(text: &str) -> Result<Programme, ProgrammeError> {
        Self::size(text)?;
        let p: Programme =
            serde_json::from_str(text).map_err(|e| ProgrammeError::Syntax(e.to_string()))?;
        p.checked()
    }

    fn size(text: &str) -> Result<(), ProgrammeError> {
        if text.len() > MAX_PROGRAMME_BYTES {
            return Err(ProgrammeError::Syntax(format!(
                "{} bytes, at most {MAX_PROGRAMME_BYTES}",
                text.len()
            )));
        }
        Ok(())
    }

    /// Checks formats and templates.
    pub fn checked(self) -> Result<Programme, ProgrammeError> {
        if self.formats.is_empty() || self.formats.len() > 16 {
            return Err(ProgrammeError::BadFormat {
                name: String::new(),
                problem: "a programme needs 1–16 card formats".into(),
            });
        }
        for f in &self.formats {
            let problem = if !CardFormat::LENGTHS.contains(&f.length) {
                Some(format!("length {} is outside 4–24", f.length))
            } else if f.prefix.len() >= f.length || !f.prefix.bytes().all(|b| b.is_ascii_digit()) {
                Some(format!(
                    "prefix {:?} must be digits shorter than the number",
                    f.prefix
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(ProgrammeError::BadFormat {
                    name: f.name.clone(),
                    problem,
                });
            }
        }
        if self.name.len() > 64 {
            return Err(ProgrammeError::Syntax("the name is over 64 bytes".into()));
        }
        self.templates.check()?;
        Ok(self)
    }

    /// The longest card number of the programme.
    pub fn max_card_len(&self) -> usize {
        self.formats.iter().map(|f| f.length).max().unwrap_or(0)
    }

    /// A programme for examples and tests: EAN-13 cards starting with 46, default replies.
    pub fn example() -> Programme {
        Programme {
            name: "Клуб".into(),
            formats: vec![CardFormat {
                name: "EAN-13".into(),
                length: 13,
                prefix: "46".into(),
                check: CheckDigit::Gs1,
            }],
            templates: Templates {
                ru: BTreeMap::new(),
                en: BTreeMap::new(),
            },
        }
    }
}
