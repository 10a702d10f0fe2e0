//! Asterisk ARI (<https://docs.asterisk.org/Latest_API/API_Documentation/Asterisk_REST_Interface/Channels_REST_API/>):
//! `POST {base}/ari/channels?endpoint=PJSIP/<number>@<trunk>&…` originates a channel, with HTTP
//! basic authentication (an ARI user from `ari.conf`). The channel goes either into a Stasis
//! application (`app`, `appArgs`) or into the dialplan (`context`, `extension`, and
//! `priority` 1) once answered; `callerId` and `timeout` (seconds of ringing) are passed as
//! given. The JSON body `{"variables": {"CHEK_TTS": text, "CHEK_EXTERNAL_ID": id}}` sets channel
//! variables on creation. The answer is the Channel JSON (`id`, `name`, `state`, …); errors
//! are HTTP statuses with `{"message": …}` (400 invalid parameters, 409 a channel id in use).
//!
//! Asterisk has no text-to-speech of its own: the host's dialplan or Stasis application
//! speaks `${CHEK_TTS}` (a TTS AGI, an external media server, …) and reports the result back
//! (see [`parse_asterisk_callback`](super::parse_asterisk_callback)). For example:
//!
//! ```text
//! [chek-voice]
//! exten => s,1,Answer()
//!  same => n,AGI(tts.agi,${CHEK_TTS})
//!  same => n,Hangup()
//! exten => h,1,Set(CURLOPT(httpheader)=Content-Type: application/json)
//!  same => n,Set(R=${CURL(https://host/voice/asterisk,{"channel_id":"${UNIQUEID}","external_id":"${CHEK_EXTERNAL_ID}","dialstatus":"ANSWER","answeredtime":${CDR(billsec)},"hangupcause":${HANGUPCAUSE}})})
//! ```

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

use super::callback::parse_asterisk_callback;
use super::client::{JsonClient, http_failure};
use super::types::{CallPlaced, CallRequest, CallResult, VoiceGateway, check_name, check_secret};
use crate::{ChannelError, Secret};

/// The channel variable that carries the text to speak.
pub const TTS_VARIABLE: &str = "CHEK_TTS";

/// Where an answered channel goes.
///
/// ```
/// use chek_channels::voice::AsteriskRoute;
/// let r = AsteriskRoute::Dialplan { context: "chek-voice".into(), extension: "s".into() };
/// assert_ne!(r, AsteriskRoute::Stasis { app: "chek".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsteriskRoute {
    /// A Stasis application (`app`); it gets `appArgs` = the external id, when given.
    Stasis {
        /// The application's name.
        app: String,
    },
    /// A dialplan context and extension (priority 1).
    Dialplan {
        /// The context.
        context: String,
        /// The extension.
        extension: String,
    },
}

/// An Asterisk ARI client: the ARI user, its password as a [`Secret`], the PJSIP trunk the
/// calls go out through and the route of an answered channel.
///
/// ```
/// use chek_channels::Secret;
/// use chek_channels::voice::{Asterisk, AsteriskRoute, VoiceGateway};
/// let route = AsteriskRoute::Stasis { app: "chek".into() };
/// let gw = Asterisk::new("chek", Secret::new("pw-SECRET"), "http://127.0.0.1:8088", "trunk", route,
///                        std::time::Duration::from_secs(5))?
///     .with_caller_id("74993720692")?
///     .with_dial_timeout(25)?;
/// assert!(!format!("{gw:?}").contains("SECRET"));
/// assert_eq!(gw.name(), "asterisk");
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub struct Asterisk {
    user: String,
    password: Secret,
    trunk: String,
    route: AsteriskRoute,
    caller_id: Option<String>,
    dial_timeout: u32,
    http: JsonClient,
}

impl fmt::Debug for Asterisk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Asterisk")
            .field("base_url", &self.http.base())
            .field("user", &self.user)
            .field("password", &self.password)
            .field("trunk", &self.trunk)
            .field("route", &self.route)
            .field("caller_id", &self.caller_id)
            .field("dial_timeout", &self.dial_timeout)
            .finish()
    }
}

impl Asterisk {
    /// A client for the ARI at `base_url` (`http://pbx:8088`; `/ari/channels` is appended).
    pub fn new(
        user: &str,
        password: Secret,
        base_url: &str,
        trunk: &str,
        route: AsteriskRoute,
        timeout: Duration,
    ) -> Result<Asterisk, ChannelError> {
        let user = check_name(user, "the ARI user")?;
        check_secret(&password, "the ARI password")?;
        let route = match route {
            AsteriskRoute::Stasis { app } => AsteriskRoute::Stasis {
                app: check_name(&app, "the Stasis application")?,
            },
            AsteriskRoute::Dialplan { context, extension } => AsteriskRoute::Dialplan {
                context: check_name(&context, "the dialplan context")?,
                extension: check_name(&extension, "the dialplan extension")?,
            },
        };
        Ok(Asterisk {
            user,
            password,
            trunk: check_name(trunk, "the PJSIP trunk")?,
            route,
            caller_id: None,
            dial_timeout: 30,
            http: JsonClient::new(base_url, timeout)?,
        })
    }

    /// The caller id shown to the callee (`74993720692`, `"Shop" <74993720692>`): 1 to 80
    /// printable characters.
    pub fn with_caller_id(mut self, caller_id: &str) -> Result<Asterisk, ChannelError> {
        if caller_id.is_empty()
            || caller_id.chars().count() > 80
            || caller_id.chars().any(char::is_control)
        {
            return Err(ChannelError::Invalid(
                "a caller id is 1 to 80 printable characters".into(),
            ));
        }
        self.caller_id = Some(caller_id.to_owned());
        Ok(self)
    }

    /// Seconds of ringing before Asterisk gives up, 1 to 120 (30 by default).
    pub fn with_dial_timeout(mut self, seconds: u32) -> Result<Asterisk, ChannelError> {
        if !(1..=120).contains(&seconds) {
            return Err(ChannelError::Invalid(
                "the dial timeout is 1 to 120 seconds".into(),
            ));
        }
        self.dial_timeout = seconds;
        Ok(self)
    }

    fn scrub(&self, s: &str) -> String {
        let s: String = s.chars().take(300).collect();
        s.replace(self.password.expose(), "***")
    }
}

/// Percent-encodes a query value (everything but the unreserved characters).
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl VoiceGateway for Asterisk {
    fn name(&self) -> &'static str {
        "asterisk"
    }

    fn place_call(&self, r: &CallRequest) -> Result<CallPlaced, ChannelError> {
        let endpoint = format!("PJSIP/{}@{}", r.to, self.trunk);
        let mut q = vec![("endpoint", endpoint)];
        match &self.route {
            AsteriskRoute::Stasis { app } => {
                q.push(("app", app.clone()));
                if let Some(x) = &r.external_id {
                    q.push(("appArgs", x.clone()));
                }
            }
            AsteriskRoute::Dialplan { context, extension } => {
                q.push(("context", context.clone()));
                q.push(("extension", extension.clone()));
                q.push(("priority", "1".into()));
            }
        }
        if let Some(c) = &self.caller_id {
            q.push(("callerId", c.clone()));
        }
        q.push(("timeout", self.dial_timeout.to_string()));
        let query: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
        let path = format!("/ari/channels?{}", query.join("&"));
        let mut vars = json!({ TTS_VARIABLE: r.text });
        if let Some(x) = &r.external_id {
            vars["CHEK_EXTERNAL_ID"] = json!(x);
        }
        let a = self.http.post(
            &path,
            &json!({ "variables": vars }),
            Some((&self.user, self.password.expose())),
        )?;
        let v = a.json();
        if !(200..=299).contains(&a.status) {
            let message = v
                .as_ref()
                .and_then(|v| v.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let description = self.scrub(&format!("ARI HTTP {}: {message}", a.status));
            return Err(http_failure(&a, description));
        }
        let call_id = v
            .as_ref()
            .filter(|v| v.is_object())
            .ok_or_else(|| {
                ChannelError::BadResponse(format!(
                    "ARI HTTP {}: not a JSON object ({} bytes)",
                    a.status,
                    a.body.len()
                ))
            })?
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= 128)
            .ok_or_else(|| ChannelError::BadResponse("ARI: no channel id".into()))?;
        Ok(CallPlaced {
            provider: "asterisk",
            call_id: call_id.to_owned(),
        })
    }

    fn parse_callback(&self, body: &[u8]) -> Result<CallResult, ChannelError> {
        parse_asterisk_callback(body)
    }
}

#[cfg(test)]
mod tests {
    use super::enc;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            enc("PJSIP/79161234567@trunk"),
            "PJSIP%2F79161234567%40trunk"
        );
        assert_eq!(enc("\"Shop\" <7499>"), "%22Shop%22%20%3C7499%3E");
        assert_eq!(enc("a-b_c.d~"), "a-b_c.d~");
    }
}
