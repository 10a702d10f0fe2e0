//! How to reach the Bot API: base URL, token, timeouts, the download cap.

use std::time::Duration;

use chek_core::secret::Secret;

use crate::ChannelError;

/// The public Bot API server.
pub const TELEGRAM_API_URL: &str = "https://api.telegram.org";

/// The default download cap: 20 MiB, the largest file the public Bot API's `getFile` serves.
pub const MAX_DOWNLOAD_BYTES: u64 = 20 * 1024 * 1024;

/// Longest long poll accepted (`getUpdates`' `timeout`), so a typo cannot hang a worker for hours.
const MAX_POLL: Duration = Duration::from_secs(600);

/// Settings of a Telegram client. `Debug` shows the token as `Secret(***)`.
///
/// ```
/// use chek_channels::{Secret, TelegramConfig, TELEGRAM_API_URL};
/// let c = TelegramConfig::new(Secret::new("123456:ABC-def_ghi"));
/// assert_eq!(c.base_url, TELEGRAM_API_URL);
/// assert!(c.validate().is_ok());
/// assert!(!format!("{c:?}").contains("ABC-def"));
/// ```
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// `https://api.telegram.org`, a local Bot API server, or a test server. A trailing `/` is
    /// ignored.
    pub base_url: String,
    /// The bot token (`123456:ABC…`).
    pub token: Secret,
    /// One request, connection and body included (the long poll adds its own wait to this).
    pub timeout: Duration,
    /// How long `getUpdates` waits on the server for updates when the caller gives no timeout.
    pub poll_timeout: Duration,
    /// The largest file [`download`](crate::Telegram::download) accepts, in bytes.
    pub max_download: u64,
}

impl TelegramConfig {
    /// The public API with this token, a 30 s request timeout, 25 s long polls and the 20 MiB
    /// download cap.
    ///
    /// ```
    /// use chek_channels::{Secret, TelegramConfig, MAX_DOWNLOAD_BYTES};
    /// let c = TelegramConfig::new(Secret::new("1:x"));
    /// assert_eq!(c.max_download, MAX_DOWNLOAD_BYTES);
    /// ```
    pub fn new(token: Secret) -> Self {
        TelegramConfig {
            base_url: TELEGRAM_API_URL.to_owned(),
            token,
            timeout: Duration::from_secs(30),
            poll_timeout: Duration::from_secs(25),
            max_download: MAX_DOWNLOAD_BYTES,
        }
    }

    /// The token from the environment variable `var` (what `--token-env VAR` names). The error
    /// names the variable, never its value.
    ///
    /// ```
    /// use chek_channels::TelegramConfig;
    /// use chek_core::Coded;
    /// let err = TelegramConfig::from_env("CHEK_SURELY_UNSET_VAR").unwrap_err();
    /// assert_eq!(err.code(), "channel.invalid");
    /// assert!(err.to_string().contains("CHEK_SURELY_UNSET_VAR"));
    /// ```
    pub fn from_env(var: &str) -> Result<Self, ChannelError> {
        match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(TelegramConfig::new(Secret::new(v.trim()))),
            Ok(_) => Err(ChannelError::Invalid(format!(
                "the environment variable {var} is empty"
            ))),
            Err(_) => Err(ChannelError::Invalid(format!(
                "the environment variable {var} is not set (or not UTF-8)"
            ))),
        }
    }

    /// The same settings at another base URL.
    ///
    /// ```
    /// use chek_channels::{Secret, TelegramConfig};
    /// let c = TelegramConfig::new(Secret::new("1:x")).with_base_url("http://127.0.0.1:8081/");
    /// assert_eq!(c.base_url, "http://127.0.0.1:8081/");
    /// ```
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Checks the settings: an `http(s)://` base URL, a token of the Bot API's characters
    /// (digits, letters, `:`, `_`, `-`), non-zero timeouts, a long poll of at most 10 minutes,
    /// a non-zero download cap. The error never shows the token.
    ///
    /// ```
    /// use chek_channels::{Secret, TelegramConfig};
    /// use chek_core::Coded;
    /// let bad = TelegramConfig::new(Secret::new("12/../x"));
    /// let err = bad.validate().unwrap_err();
    /// assert_eq!(err.code(), "channel.invalid");
    /// assert!(!err.to_string().contains("12/../x"));
    /// ```
    pub fn validate(&self) -> Result<(), ChannelError> {
        self.normalized_base().map(|_| ())?;
        let t = self.token.expose();
        if t.is_empty() || t.len() > 256 {
            return Err(ChannelError::Invalid(
                "the bot token is empty or too long".into(),
            ));
        }
        if !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'))
        {
            return Err(ChannelError::Invalid(
                "the bot token has characters a Bot API token never has".into(),
            ));
        }
        if self.timeout.is_zero() {
            return Err(ChannelError::Invalid("the timeout must not be zero".into()));
        }
        if self.poll_timeout > MAX_POLL {
            return Err(ChannelError::Invalid(format!(
                "the long-poll timeout must be at most {} s",
                MAX_POLL.as_secs()
            )));
        }
        if self.max_download == 0 {
            return Err(ChannelError::Invalid(
                "the download cap must not be zero".into(),
            ));
        }
        Ok(())
    }

    /// The base URL without a trailing slash, or why it is unusable.
    pub(crate) fn normalized_base(&self) -> Result<String, ChannelError> {
        let u = self.base_url.trim();
        let lower = u.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || u.len() > 2048
            || u.contains(['?', '#'])
            || u.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(ChannelError::Invalid(format!(
                "the base URL must be an http:// or https:// address, got {:?}",
                u.chars().take(80).collect::<String>()
            )));
        }
        Ok(u.trim_end_matches('/').to_owned())
    }

    /// Checks a long-poll timeout given per call.
    #[cfg(feature = "telegram")]
    pub(crate) fn check_poll(&self, poll: Duration) -> Result<(), ChannelError> {
        if poll > MAX_POLL {
            return Err(ChannelError::Invalid(format!(
                "the long-poll timeout must be at most {} s",
                MAX_POLL.as_secs()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let c = |u: &str| TelegramConfig::new(Secret::new("1:x")).with_base_url(u);
        assert_eq!(
            c("http://h:1/").normalized_base().ok().as_deref(),
            Some("http://h:1")
        );
        assert!(c("ftp://h").validate().is_err());
        assert!(c("http://h/?x").validate().is_err());
        assert!(c("http://h /").validate().is_err());
    }

    #[test]
    fn limits() {
        let mut c = TelegramConfig::new(Secret::new("1:x"));
        c.poll_timeout = Duration::from_secs(601);
        assert!(c.validate().is_err());
        c.poll_timeout = Duration::ZERO;
        assert!(c.validate().is_ok(), "a zero long poll is a short poll");
        c.timeout = Duration::ZERO;
        assert!(c.validate().is_err());
        let mut c = TelegramConfig::new(Secret::new("1:x"));
        c.max_download = 0;
        assert!(c.validate().is_err());
        assert!(TelegramConfig::new(Secret::new("")).validate().is_err());
    }
}
