//! What a voice gateway takes and answers.

use std::fmt;

use serde::Serialize;

use crate::ChannelError;

/// The longest text one call speaks, in characters. UIS limits the TTS length by tariff
/// (the exact number is the account's: a longer text is refused with `tts_text_exceeded`);
/// a minute of speech is roughly 800 characters, so chek refuses anything longer than this
/// before dialling.
pub const MAX_TTS_CHARS: usize = 1000;

/// One robot call to place.
///
/// ```
/// use chek_channels::voice::{CallRequest, MAX_TTS_CHARS};
/// use chek_core::Coded;
/// let r = CallRequest::new("+7 916 123-45-67", "Ваш приз ждёт вас")?.with_external_id("notify:42")?;
/// assert_eq!((r.to.as_str(), r.external_id.as_deref()), ("79161234567", Some("notify:42")));
/// assert_eq!(CallRequest::new("12", "x").unwrap_err().code(), "channel.invalid");
/// let long = "а".repeat(MAX_TTS_CHARS + 1);
/// assert_eq!(CallRequest::new("+79161234567", &long).unwrap_err().code(), "channel.too_long");
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    /// The callee in E.164 digits without `+` (`79161234567`), as `chek-ru` normalises it.
    pub to: String,
    /// The text to speak.
    pub text: String,
    /// The caller's own id for the call (UIS `external_id`, Asterisk `CHEK_EXTERNAL_ID`), so
    /// the call-end callback can be joined back to it.
    pub external_id: Option<String>,
}

impl CallRequest {
    /// Normalises the number (`chek_ru::phone::normalise`: `8 916…`, `+7 (916)…`, other
    /// countries with `+`) and checks the text: not blank, at most [`MAX_TTS_CHARS`]
    /// characters, no control characters other than line breaks and tabs.
    pub fn new(to: &str, text: &str) -> Result<CallRequest, ChannelError> {
        let e164 = chek_ru::phone::normalise(to).map_err(|e| {
            ChannelError::Invalid(format!("a call recipient is a phone number: {e}"))
        })?;
        if text.trim().is_empty() {
            return Err(ChannelError::Invalid("a call needs a text to speak".into()));
        }
        let chars = text.chars().count();
        if chars > MAX_TTS_CHARS {
            return Err(ChannelError::TooLong {
                units: chars,
                max: MAX_TTS_CHARS,
            });
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ChannelError::Invalid(
                "the text to speak has control characters".into(),
            ));
        }
        Ok(CallRequest {
            to: e164.trim_start_matches('+').to_owned(),
            text: text.to_owned(),
            external_id: None,
        })
    }

    /// Sets the caller's id for the call: 1 to 64 printable characters.
    pub fn with_external_id(mut self, id: &str) -> Result<CallRequest, ChannelError> {
        if id.is_empty() || id.chars().count() > 64 || id.chars().any(char::is_control) {
            return Err(ChannelError::Invalid(
                "an external call id is 1 to 64 printable characters".into(),
            ));
        }
        self.external_id = Some(id.to_owned());
        Ok(self)
    }
}

/// What the provider said when it took a call.
///
/// ```
/// use chek_channels::voice::CallPlaced;
/// let p = CallPlaced { provider: "uis", call_id: "1238694".into() };
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"provider":"uis","call_id":"1238694"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallPlaced {
    /// `uis` or `asterisk`.
    pub provider: &'static str,
    /// The provider's id of the call: UIS `call_session_id`, the ARI channel `id`.
    pub call_id: String,
}

/// How a call ended, as the provider's callback said it, in the field names of the notify
/// outcome model (`chek_engage::notify::ProviderReport`); `status` is the provider's own word
/// (UIS `finish_reason`, Asterisk `DIALSTATUS`), mapped to an outcome there.
///
/// ```
/// use chek_channels::voice::parse_asterisk_callback;
/// let r = parse_asterisk_callback(br#"{"channel_id":"1733.12","dialstatus":"ANSWER","answeredtime":34,"hangupcause":16}"#)?;
/// assert_eq!(serde_json::to_value(&r).unwrap()["status"], "ANSWER");
/// assert_eq!((r.duration_s, r.hangup_cause), (Some(34), Some(16)));
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallResult {
    /// `uis` or `asterisk` (the names `chek_engage::notify::Provider` parses).
    pub provider: &'static str,
    /// The provider's id of the call (UIS `call_session_id`, ARI channel id), when given.
    pub call_id: Option<String>,
    /// The caller's id given when placing the call (UIS `external_id`, Asterisk
    /// `CHEK_EXTERNAL_ID`), when the callback carries it.
    pub external_id: Option<String>,
    /// The provider's status word.
    pub status: String,
    /// Seconds from answer to hang-up (UIS `talk_time_duration`, Asterisk `ANSWEREDTIME`).
    pub duration_s: Option<u32>,
    /// DTMF keys pressed during the call, when the host reports them.
    pub digits: Option<String>,
    /// The final SIP response code, when given.
    pub sip_code: Option<u16>,
    /// The Q.850 hang-up cause (Asterisk `HANGUPCAUSE`, ARI `cause`), when given.
    pub hangup_cause: Option<u16>,
}

/// A robot-call provider. `Send + Sync`: one client serves every thread.
pub trait VoiceGateway: Send + Sync + fmt::Debug {
    /// `uis` or `asterisk`.
    fn name(&self) -> &'static str;

    /// Places one call that speaks `r.text` to `r.to`. The call is only *placed*: how it
    /// ended comes later, through the provider's callback.
    fn place_call(&self, r: &CallRequest) -> Result<CallPlaced, ChannelError>;

    /// Reads the provider's call-end callback body (see [`parse_uis_callback`](super::parse_uis_callback)
    /// and [`parse_asterisk_callback`](super::parse_asterisk_callback)).
    fn parse_callback(&self, body: &[u8]) -> Result<CallResult, ChannelError>;
}

/// A password or token: present, bounded, printable.
pub(crate) fn check_secret(s: &crate::Secret, what: &str) -> Result<(), ChannelError> {
    let v = s.expose();
    if v.is_empty() || v.len() > 512 || v.chars().any(char::is_control) {
        return Err(ChannelError::Invalid(format!(
            "{what} must be 1 to 512 characters without control characters"
        )));
    }
    Ok(())
}

/// A name that goes into a URL or a dial string: 1 to 64 of `[A-Za-z0-9_.-]`.
pub(crate) fn check_name(v: &str, what: &str) -> Result<String, ChannelError> {
    if v.is_empty()
        || v.len() > 64
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(ChannelError::Invalid(format!(
            "{what} is 1 to 64 letters, digits, '_', '.' or '-'"
        )));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_dialling() {
        assert_eq!(
            CallRequest::new("8 916 123 45 67", "hi").unwrap().to,
            "79161234567"
        );
        assert_eq!(
            CallRequest::new("+375 29 123 45 67", "hi").unwrap().to,
            "375291234567"
        );
        assert!(CallRequest::new("+7916123456a", "hi").is_err());
        assert!(CallRequest::new("+79161234567", "  ").is_err());
        assert!(CallRequest::new("+79161234567", "a\u{0}b").is_err());
        assert!(CallRequest::new("+79161234567", "a\nb").is_ok());
        let max = "я".repeat(MAX_TTS_CHARS);
        assert!(CallRequest::new("+79161234567", &max).is_ok());
        let r = CallRequest::new("+79161234567", "x").unwrap();
        assert!(r.clone().with_external_id("").is_err());
        assert!(r.with_external_id(&"x".repeat(65)).is_err());
        assert!(check_name("my-trunk.1", "t").is_ok());
        assert!(check_name("a/b", "t").is_err());
        assert!(check_name("", "t").is_err());
    }
}
