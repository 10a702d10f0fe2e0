//! Why a campaign definition could not be loaded.

use std::borrow::Cow;

use crate::{Coded, Lang};

/// A campaign file that cannot be used. Problems in the rules carry the path of the offending
/// field (`earn[1].every`), so the operator knows exactly what to fix.
///
/// ```
/// use chek_core::campaign::Campaign;
/// use chek_core::Coded;
/// let err = Campaign::from_toml(r#"
///     id = "x"
///     name = "x"
///     [when]
///     start = "2026-10-01"
///     end = "2026-09-01"
/// "#).unwrap_err();
/// assert_eq!(err.code(), "campaign.invalid");
/// assert!(err.to_string().contains("when.end"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CampaignError {
    /// Larger than any sensible campaign file.
    #[error("the campaign file is {len} bytes, more than the {max} allowed")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not TOML/JSON, or a field of the wrong type or name.
    #[error("cannot read the campaign file: {0}")]
    Malformed(String),
    /// A rule that is contradictory, impossible or refers to something undefined.
    #[error("{path}: {problem}")]
    Invalid {
        /// Path of the offending field, e.g. `earn[1].every`.
        path: String,
        /// What is wrong.
        problem: String,
    },
}

impl CampaignError {
    pub(crate) fn invalid(path: impl Into<String>, problem: impl Into<String>) -> Self {
        CampaignError::Invalid {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// The path of the offending field, for [`Invalid`](Self::Invalid).
    pub fn path(&self) -> Option<&str> {
        match self {
            CampaignError::Invalid { path, .. } => Some(path),
            _ => None,
        }
    }
}

impl Coded for CampaignError {
    fn code(&self) -> &'static str {
        match self {
            CampaignError::TooLarge { .. } => "campaign.too_large",
            CampaignError::Malformed(_) => "campaign.malformed",
            CampaignError::Invalid { .. } => "campaign.invalid",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (CampaignError::TooLarge { max, .. }, Lang::Ru) => {
                format!("Файл акции больше {max} байт; сократите его.").into()
            }
            (CampaignError::TooLarge { max, .. }, Lang::En) => {
                format!("The campaign file is over {max} bytes; shorten it.").into()
            }
            (CampaignError::Malformed(m), Lang::Ru) => {
                format!("Файл акции не читается: {m}").into()
            }
            (CampaignError::Malformed(m), Lang::En) => {
                format!("The campaign file cannot be read: {m}").into()
            }
            (CampaignError::Invalid { path, problem }, Lang::Ru) => {
                format!("Ошибка в правиле {path}: {problem}").into()
            }
            (CampaignError::Invalid { path, problem }, Lang::En) => {
                format!("Error in rule {path}: {problem}").into()
            }
        }
    }
}
