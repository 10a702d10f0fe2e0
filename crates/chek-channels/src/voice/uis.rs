//! UIS Call API (the same JSON-RPC 2.0 API as CoMagic and CallGear,
//! <https://callgear.github.io/call_api/create_call/start_informer_call/>): `POST {base}` with
//! method `start.informer_call` and params `access_token`, `virtual_phone_number` (the caller,
//! E.164 digits), `contact` (the callee, E.164 digits), `contact_message` `{"type": "tts",
//! "value": text}`, optional `external_id` and `dialing_timeout` (seconds, 30 by default, at
//! most 120). The answer is `{"jsonrpc": "2.0", "id": …, "result": {"data": {"call_session_id":
//! 1238694}}}`, or an `error` `{code, message, data: {mnemonic, field, value, params}}`.
//!
//! Error codes (from the Call API's list of errors): -32001 authentication (`access_token_invalid`,
//! `access_token_expired`, `access_token_blocked`, `auth_error`), -32003 access (`ip_not_whitelisted`,
//! `forbidden`), -32029 limits (`limit_exceeded`), -32603 internal errors, -32602 parameters
//! (`tts_text_exceeded`, `contact_in_blacklist`, …), -32007 the virtual number, -32008
//! components, -32009 the account. How long to wait after `limit_exceeded` is not in the error:
//! the documented `metadata.limits.minute_reset` is read when the answer carries it (where the
//! metadata sits in an *error* answer is not documented; chek looks at the top level and in
//! `error.data`), else the HTTP `Retry-After`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use super::callback::parse_uis_callback;
use super::client::{Answer, JsonClient, http_failure};
use super::types::{CallPlaced, CallRequest, CallResult, VoiceGateway, check_secret};
use crate::{ChannelError, Secret};

/// The service's address (API version 4.0).
pub const UIS_URL: &str = "https://callapi.uiscom.ru/v4.0";

/// A UIS Call API client: the access token as a [`Secret`], the rented virtual number the
/// calls come from.
///
/// ```
/// use chek_channels::Secret;
/// use chek_channels::voice::{Uis, VoiceGateway};
/// let gw = Uis::new(Secret::new("tok-SECRET"), "+7 499 372-06-92", "http://127.0.0.1:9", std::time::Duration::from_secs(5))?
///     .with_dialing_timeout(25)?;
/// assert!(!format!("{gw:?}").contains("SECRET"));
/// assert_eq!(gw.name(), "uis");
/// assert!(gw.describe().contains("74993720692"));
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub struct Uis {
    token: Secret,
    virtual_number: String,
    dialing_timeout: Option<u32>,
    http: JsonClient,
    next_id: AtomicU64,
}

impl fmt::Debug for Uis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Uis")
            .field("base_url", &self.http.base())
            .field("access_token", &self.token)
            .field("virtual_phone_number", &self.virtual_number)
            .field("dialing_timeout", &self.dialing_timeout)
            .finish()
    }
}

impl Uis {
    /// A client for `base_url` ([`UIS_URL`], or a stand-in) calling from `virtual_number`.
    pub fn new(
        token: Secret,
        virtual_number: &str,
        base_url: &str,
        timeout: Duration,
    ) -> Result<Uis, ChannelError> {
        check_secret(&token, "the UIS access token")?;
        let number = chek_ru::phone::normalise(virtual_number)
            .map_err(|e| ChannelError::Invalid(format!("the UIS virtual number: {e}")))?;
        Ok(Uis {
            token,
            virtual_number: number.trim_start_matches('+').to_owned(),
            dialing_timeout: None,
            http: JsonClient::new(base_url, timeout)?,
            next_id: AtomicU64::new(1),
        })
    }

    /// How long the callee's phone rings before UIS gives up, 1 to 120 seconds (UIS's default
    /// is 30).
    pub fn with_dialing_timeout(mut self, seconds: u32) -> Result<Uis, ChannelError> {
        if !(1..=120).contains(&seconds) {
            return Err(ChannelError::Invalid(
                "the UIS dialing timeout is 1 to 120 seconds".into(),
            ));
        }
        self.dialing_timeout = Some(seconds);
        Ok(self)
    }

    /// The settings shown to operators (base URL, virtual number, dialing timeout): never the
    /// token.
    pub fn describe(&self) -> String {
        format!(
            "uis base_url={} virtual_phone_number={} dialing_timeout={}",
            self.http.base(),
            self.virtual_number,
            self.dialing_timeout
                .map_or_else(|| "default".to_owned(), |s| s.to_string())
        )
    }

    fn scrub(&self, s: &str) -> String {
        let s: String = s.chars().take(300).collect();
        s.replace(self.token.expose(), "***")
    }

    /// The error a JSON-RPC `error` object stands for.
    fn failure(&self, a: &Answer, v: &Value, e: &Value, text_chars: usize) -> ChannelError {
        let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
        let data = e.get("data");
        let mnemonic = data
            .and_then(|d| d.get("mnemonic"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let message = e.get("message").and_then(Value::as_str).unwrap_or("");
        let description = self.scrub(&format!("UIS {code} {mnemonic}: {message}"));
        match (code, mnemonic) {
            (_, "tts_text_exceeded") => {
                let max = data
                    .and_then(|d| d.get("params"))
                    .and_then(|p| p.get("tts_message_max_length"))
                    .and_then(as_u64)
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(0);
                ChannelError::TooLong {
                    units: text_chars,
                    max,
                }
            }
            (_, "contact_in_blacklist") => ChannelError::Blocked(description),
            (-32001, _) => ChannelError::Unauthorized {
                status: 401,
                description,
            },
            (-32003, _) => ChannelError::Unauthorized {
                status: 403,
                description,
            },
            (-32029, _) => ChannelError::RateLimited {
                retry_after: minute_reset(v, data).or(a.retry_after),
                description,
            },
            (-32603, _) => ChannelError::Unavailable(description),
            _ => ChannelError::Rejected {
                status: if a.status >= 400 { a.status } else { 400 },
                description,
            },
        }
    }
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `metadata.limits.minute_reset` (seconds), at the top level or in the error's data.
fn minute_reset(v: &Value, data: Option<&Value>) -> Option<Duration> {
    [Some(v), data]
        .into_iter()
        .flatten()
        .find_map(|o| {
            o.get("metadata")?
                .get("limits")?
                .get("minute_reset")
                .and_then(as_u64)
        })
        .map(|s| Duration::from_secs(s.min(86_400)))
}

impl VoiceGateway for Uis {
    fn name(&self) -> &'static str {
        "uis"
    }

    fn place_call(&self, r: &CallRequest) -> Result<CallPlaced, ChannelError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut params = json!({
            "access_token": self.token.expose(),
            "virtual_phone_number": self.virtual_number,
            "contact": r.to,
            "contact_message": {"type": "tts", "value": r.text},
        });
        if let Some(x) = &r.external_id {
            params["external_id"] = json!(x);
        }
        if let Some(t) = self.dialing_timeout {
            params["dialing_timeout"] = json!(t);
        }
        let body = json!({
            "jsonrpc": "2.0",
            "method": "start.informer_call",
            "id": format!("chek-{id}"),
            "params": params,
        });
        let a = self.http.post("", &body, None)?;
        let Some(v) = a.json().filter(Value::is_object) else {
            return Err(match a.status {
                200..=299 => ChannelError::BadResponse(format!(
                    "UIS HTTP {}: not a JSON object ({} bytes)",
                    a.status,
                    a.body.len()
                )),
                _ => http_failure(&a, format!("UIS HTTP {}", a.status)),
            });
        };
        if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
            return Err(self.failure(&a, &v, e, r.text.chars().count()));
        }
        if a.status >= 400 {
            return Err(http_failure(&a, format!("UIS HTTP {}", a.status)));
        }
        let call_id = v
            .get("result")
            .and_then(|x| x.get("data"))
            .and_then(|d| d.get("call_session_id"))
            .and_then(|c| match c {
                Value::Number(n) => n.as_u64().map(|n| n.to_string()),
                Value::String(s) if !s.is_empty() && s.len() <= 64 => Some(s.clone()),
                _ => None,
            })
            .ok_or_else(|| {
                ChannelError::BadResponse("UIS: no result.data.call_session_id".into())
            })?;
        Ok(CallPlaced {
            provider: "uis",
            call_id,
        })
    }

    fn parse_callback(&self, body: &[u8]) -> Result<CallResult, ChannelError> {
        parse_uis_callback(body)
    }
}
