//! sms.ru: `POST /sms/send` and `/sms/status` with `api_id` and `json=1` (the documented HTTP
//! API, <https://sms.ru/api>). Status codes: 100 done; 101–108, 110, 150 a message's states;
//! 200 a bad `api_id`, 201 no funds, 202 a bad number, 204 a sender name not approved, 206 and
//! 230–233 limits, 220 the service is down, 300–302 authorisation.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::client::FormClient;
use super::types::{
    SmsDelivery, SmsGateway, SmsRequest, SmsSent, SmsStatus, check_secret, check_sender, kopecks,
};
use crate::{ChannelError, Secret};

/// The service's address.
pub const SMSRU_URL: &str = "https://sms.ru";

/// An sms.ru client: the key (`api_id`) as a [`Secret`], an optional approved sender name.
///
/// ```
/// use chek_channels::Secret;
/// use chek_channels::sms::{SmsRu, SmsRequest, SmsGateway};
/// let gw = SmsRu::new(Secret::new("0000-SECRET"), "http://127.0.0.1:9", Some("CHEK"), std::time::Duration::from_secs(5))?;
/// assert!(!format!("{gw:?}").contains("SECRET"));
/// assert_eq!(gw.name(), "smsru");
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub struct SmsRu {
    api_id: Secret,
    sender: Option<String>,
    http: FormClient,
}

impl fmt::Debug for SmsRu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsRu")
            .field("base_url", &self.http.base())
            .field("api_id", &self.api_id)
            .field("sender", &self.sender)
            .finish()
    }
}

impl SmsRu {
    /// A client for `base_url` ([`SMSRU_URL`], or a stand-in).
    pub fn new(
        api_id: Secret,
        base_url: &str,
        sender: Option<&str>,
        timeout: Duration,
    ) -> Result<SmsRu, ChannelError> {
        check_secret(&api_id)?;
        Ok(SmsRu {
            api_id,
            sender: check_sender(sender)?,
            http: FormClient::new(base_url, timeout)?,
        })
    }

    fn scrub(&self, s: &str) -> String {
        s.replace(self.api_id.expose(), "***")
    }

    /// The error an sms.ru status code stands for.
    fn failure(&self, code: i64, text: &str) -> ChannelError {
        let description = self.scrub(&format!("sms.ru {code}: {text}"));
        match code {
            200 | 300..=302 => ChannelError::Unauthorized {
                status: 401,
                description,
            },
            206 | 230..=233 => ChannelError::RateLimited {
                retry_after: None,
                description,
            },
            220 | 500.. => ChannelError::Unavailable(description),
            _ => ChannelError::Rejected {
                status: 400,
                description,
            },
        }
    }
}

fn code_of(v: &Value) -> Option<i64> {
    match v.get("status_code")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text_of(v: &Value) -> &str {
    v.get("status_text").and_then(Value::as_str).unwrap_or("")
}

/// A message state code in chek's words.
pub(crate) fn delivery(code: i64) -> SmsDelivery {
    match code {
        100 | 101 => SmsDelivery::Pending,
        102 => SmsDelivery::Sent,
        103 | 110 => SmsDelivery::Delivered,
        104 => SmsDelivery::Expired,
        105..=108 | 150 => SmsDelivery::Failed,
        _ => SmsDelivery::Unknown,
    }
}

impl SmsGateway for SmsRu {
    fn name(&self) -> &'static str {
        "smsru"
    }

    fn send(&self, r: &SmsRequest) -> Result<SmsSent, ChannelError> {
        let mut form = vec![
            ("api_id", self.api_id.expose()),
            ("to", r.to.as_str()),
            ("msg", r.text.as_str()),
            ("json", "1"),
        ];
        if let Some(s) = &self.sender {
            form.push(("from", s));
        }
        let (_, v) = self.http.post("/sms/send", &form)?;
        if v.get("status").and_then(Value::as_str) != Some("OK") {
            let code = code_of(&v).unwrap_or(0);
            return Err(self.failure(code, text_of(&v)));
        }
        let one = v
            .get("sms")
            .and_then(|m| m.get(&r.to).or_else(|| m.as_object()?.values().next()))
            .ok_or_else(|| ChannelError::BadResponse("sms.ru: no result for the number".into()))?;
        if one.get("status").and_then(Value::as_str) != Some("OK") {
            let code = code_of(one).unwrap_or(0);
            return Err(self.failure(code, text_of(one)));
        }
        let provider_id = one
            .get("sms_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ChannelError::BadResponse("sms.ru: no sms_id".into()))?;
        Ok(SmsSent {
            provider_id: provider_id.to_owned(),
            segments: one
                .get("sms")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(r.segments),
            cost_kopecks: one.get("cost").and_then(kopecks),
        })
    }

    fn status(&self, provider_id: &str, _phone: &str) -> Result<SmsStatus, ChannelError> {
        if provider_id.is_empty() || provider_id.len() > 64 {
            return Err(ChannelError::Invalid(
                "an sms.ru message id is 1 to 64 characters".into(),
            ));
        }
        let form = [
            ("api_id", self.api_id.expose()),
            ("sms_id", provider_id),
            ("json", "1"),
        ];
        let (_, v) = self.http.post("/sms/status", &form)?;
        if v.get("status").and_then(Value::as_str) != Some("OK") {
            let code = code_of(&v).unwrap_or(0);
            return Err(self.failure(code, text_of(&v)));
        }
        let one = v
            .get("sms")
            .and_then(|m| m.get(provider_id))
            .ok_or_else(|| ChannelError::BadResponse("sms.ru: no status for the id".into()))?;
        let code = code_of(one).unwrap_or(-1);
        Ok(SmsStatus {
            provider_id: provider_id.to_owned(),
            delivery: if one.get("status").and_then(Value::as_str) == Some("OK") {
                delivery(code)
            } else {
                SmsDelivery::Unknown
            },
            provider_code: code,
        })
    }
}
