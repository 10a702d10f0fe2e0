//! The one error of this crate: a provider that cannot be built. Everything that can happen
//! during a verification is a `VerifyOutcome`, not an error.

use std::borrow::Cow;

use chek_core::{Coded, Lang};

/// Why a provider could not be set up.
///
/// ```
/// use chek_verify::{ClientConfig, FnsMobile, Secret};
/// use chek_core::Coded;
/// let err = FnsMobile::new("ftp://x", Secret::new("s"), ClientConfig::default()).unwrap_err();
/// assert_eq!(err.code(), "verify.bad_base_url");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not `http://` or `https://`.
    #[error("the base URL must start with http:// or https://, got {0:?}")]
    BadBaseUrl(String),
    /// The HTTP client could not be created (e.g. no TLS roots).
    #[error("the HTTP client could not be created: {0}")]
    Client(String),
}

impl Coded for BuildError {
    fn code(&self) -> &'static str {
        match self {
            BuildError::BadBaseUrl(_) => "verify.bad_base_url",
            BuildError::Client(_) => "verify.client_setup",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        Cow::Borrowed(match (self, lang) {
            (BuildError::BadBaseUrl(_), Lang::Ru) => {
                "Адрес сервиса проверки должен начинаться с http:// или https://."
            }
            (BuildError::BadBaseUrl(_), Lang::En) => {
                "The check service's address must start with http:// or https://."
            }
            (BuildError::Client(_), Lang::Ru) => "Не удалось настроить HTTP-клиент.",
            (BuildError::Client(_), Lang::En) => "The HTTP client could not be set up.",
        })
    }
}

/// Checks and normalises a base URL (no trailing slash).
pub(crate) fn base_url(url: &str) -> Result<String, BuildError> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) || u.len() > 2048 {
        return Err(BuildError::BadBaseUrl(u.chars().take(80).collect()));
    }
    Ok(u.trim_end_matches('/').to_owned())
}
