//! smsc.ru: `POST /sys/send.php` and `/sys/status.php` with `login`, `psw` and `fmt=3` (JSON
//! answers; the documented HTTP API, <https://smsc.ru/api/http/>). Error codes: 1 bad
//! parameters, 2 a bad login or password, 3 no funds, 4 the IP is blocked for a while, 5 a bad
//! date, 6 the message is forbidden, 7 a bad number, 8 cannot be delivered, 9 too many equal
//! requests. Delivery states: -3 unknown, -1 waiting, 0 handed to the operator, 1 delivered,
//! 2 read, 3 expired, 4 link opened, 20 and 22–25 not deliverable.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::client::FormClient;
use super::types::{
    SmsDelivery, SmsGateway, SmsRequest, SmsSent, SmsStatus, check_secret, check_sender, kopecks,
};
use crate::{ChannelError, Secret};

/// The service's address.
pub const SMSC_URL: &str = "https://smsc.ru";

/// An smsc.ru client: a login and its password (or API key) as a [`Secret`].
///
/// ```
/// use chek_channels::Secret;
/// use chek_channels::sms::{Smsc, SmsGateway};
/// let gw = Smsc::new("shop", Secret::new("p4ss-SECRET"), "http://127.0.0.1:9", None, std::time::Duration::from_secs(5))?;
/// assert!(!format!("{gw:?}").contains("SECRET"));
/// assert_eq!(gw.name(), "smsc");
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub struct Smsc {
    login: String,
    password: Secret,
    sender: Option<String>,
    http: FormClient,
}

impl fmt::Debug for Smsc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smsc")
            .field("base_url", &self.http.base())
            .field("login", &self.login)
            .field("password", &self.password)
            .field("sender", &self.sender)
            .finish()
    }
}

impl Smsc {
    /// A client for `base_url` ([`SMSC_URL`], or a stand-in).
    pub fn new(
        login: &str,
        password: Secret,
        base_url: &str,
        sender: Option<&str>,
        timeout: Duration,
    ) -> Result<Smsc, ChannelError> {
        if login.is_empty() || login.len() > 64 || login.chars().any(char::is_control) {
            return Err(ChannelError::Invalid(
                "an smsc.ru login is 1 to 64 characters".into(),
            ));
        }
        check_secret(&password)?;
        Ok(Smsc {
            login: login.to_owned(),
            password,
            sender: check_sender(sender)?,
            http: FormClient::new(base_url, timeout)?,
        })
    }

    fn failure(&self, v: &Value) -> Option<ChannelError> {
        let code = v.get("error_code")?.as_i64().unwrap_or(0);
        let text = v.get("error").and_then(Value::as_str).unwrap_or("");
        let description = format!("smsc.ru {code}: {text}").replace(self.password.expose(), "***");
        Some(match code {
            2 => ChannelError::Unauthorized {
                status: 401,
                description,
            },
            // 4: the IP is blocked for a minute after errors; 9: the same request too often.
            4 | 9 => ChannelError::RateLimited {
                retry_after: Some(Duration::from_secs(60)),
                description,
            },
            _ => ChannelError::Rejected {
                status: 400,
                description,
            },
        })
    }

    fn auth(&self) -> [(&'static str, &str); 2] {
        [
            ("login", self.login.as_str()),
            ("psw", self.password.expose()),
        ]
    }
}

/// A delivery state in chek's words.
pub(crate) fn delivery(code: i64) -> SmsDelivery {
    match code {
        -1 => SmsDelivery::Pending,
        0 => SmsDelivery::Sent,
        1 | 2 | 4 => SmsDelivery::Delivered,
        3 => SmsDelivery::Expired,
        20 | 22..=25 => SmsDelivery::Failed,
        _ => SmsDelivery::Unknown,
    }
}

impl SmsGateway for Smsc {
    fn name(&self) -> &'static str {
        "smsc"
    }

    fn send(&self, r: &SmsRequest) -> Result<SmsSent, ChannelError> {
        let mut form: Vec<(&str, &str)> = self.auth().to_vec();
        form.extend([
            ("phones", r.to.as_str()),
            ("mes", r.text.as_str()),
            ("fmt", "3"),
            ("charset", "utf-8"),
            ("cost", "3"),
        ]);
        if let Some(s) = &self.sender {
            form.push(("sender", s));
        }
        let (_, v) = self.http.post("/sys/send.php", &form)?;
        if let Some(e) = self.failure(&v) {
            return Err(e);
        }
        let id = match v.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(ChannelError::BadResponse("smsc.ru: no message id".into())),
        };
        Ok(SmsSent {
            provider_id: id,
            segments: v
                .get("cnt")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(r.segments),
            cost_kopecks: v.get("cost").and_then(kopecks),
        })
    }

    fn status(&self, provider_id: &str, phone: &str) -> Result<SmsStatus, ChannelError> {
        let to = SmsRequest::new(phone, "-")?.to;
        if provider_id.is_empty() || provider_id.len() > 32 {
            return Err(ChannelError::Invalid(
                "an smsc.ru message id is 1 to 32 characters".into(),
            ));
        }
        let mut form: Vec<(&str, &str)> = self.auth().to_vec();
        form.extend([("phone", to.as_str()), ("id", provider_id), ("fmt", "3")]);
        let (_, v) = self.http.post("/sys/status.php", &form)?;
        if let Some(e) = self.failure(&v) {
            return Err(e);
        }
        let code = v
            .get("status")
            .and_then(Value::as_i64)
            .ok_or_else(|| ChannelError::BadResponse("smsc.ru: no status".into()))?;
        Ok(SmsStatus {
            provider_id: provider_id.to_owned(),
            delivery: delivery(code),
            provider_code: code,
        })
    }
}
