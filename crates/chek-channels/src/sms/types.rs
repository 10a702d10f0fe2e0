//! What an SMS gateway takes and answers.

use std::fmt;

use serde::Serialize;

use crate::ChannelError;

/// The most segments one message may take (a longer text is refused before sending: it would
/// cost as much as this many SMS).
pub const MAX_SMS_SEGMENTS: usize = 8;

/// One SMS to send.
///
/// ```
/// use chek_channels::sms::SmsRequest;
/// let r = SmsRequest::new("+7 (916) 123-45-67", "Карта активирована")?;
/// assert_eq!(r.to, "79161234567");
/// assert_eq!(r.segments, 1);
/// assert!(SmsRequest::new("12", "x").is_err());
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRequest {
    /// The recipient: 10–15 digits, country code first, no `+`.
    pub to: String,
    /// The text.
    pub text: String,
    /// Segments it takes (GSM-7 or UCS-2, by `chek-ru`'s measurement).
    pub segments: usize,
}

impl SmsRequest {
    /// Checks the number (digits, with `+`, spaces, dashes and brackets allowed around them) and
    /// the text (not empty, at most [`MAX_SMS_SEGMENTS`] segments).
    pub fn new(to: &str, text: &str) -> Result<SmsRequest, ChannelError> {
        let digits: String = to.chars().filter(char::is_ascii_digit).collect();
        let junk = to
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')')));
        if junk || !(10..=15).contains(&digits.len()) {
            return Err(ChannelError::Invalid(
                "an SMS recipient is a phone number of 10 to 15 digits".into(),
            ));
        }
        if text.trim().is_empty() {
            return Err(ChannelError::Invalid("an SMS needs a text".into()));
        }
        let m = chek_ru::sms::measure(text);
        if m.segments > MAX_SMS_SEGMENTS {
            return Err(ChannelError::TooLong {
                units: m.segments,
                max: MAX_SMS_SEGMENTS,
            });
        }
        Ok(SmsRequest {
            to: digits,
            text: text.to_owned(),
            segments: m.segments,
        })
    }
}

/// What the gateway said when it took a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsSent {
    /// The provider's message id (for statuses and callbacks).
    pub provider_id: String,
    /// Segments billed: the provider's count when it gives one, else chek's measurement.
    pub segments: usize,
    /// The cost in kopecks, when the provider says.
    pub cost_kopecks: Option<i64>,
}

/// Where a message is, in words every provider maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SmsDelivery {
    /// Accepted, not yet handed to the operator.
    Pending,
    /// Handed to the operator, not yet delivered.
    Sent,
    /// On the phone.
    Delivered,
    /// Its lifetime ran out before delivery.
    Expired,
    /// Not deliverable (a wrong or unreachable number, refused by the operator).
    Failed,
    /// The provider does not know the message.
    Unknown,
}

impl SmsDelivery {
    /// `pending`, `sent`, `delivered`, `expired`, `failed`, `unknown` (what the outbox records
    /// as the delivery status).
    pub const fn as_str(self) -> &'static str {
        match self {
            SmsDelivery::Pending => "pending",
            SmsDelivery::Sent => "sent",
            SmsDelivery::Delivered => "delivered",
            SmsDelivery::Expired => "expired",
            SmsDelivery::Failed => "failed",
            SmsDelivery::Unknown => "unknown",
        }
    }

    /// Whether nothing will change any more.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            SmsDelivery::Delivered | SmsDelivery::Expired | SmsDelivery::Failed
        )
    }
}

impl fmt::Display for SmsDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message's delivery status as a provider reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsStatus {
    /// The provider's message id.
    pub provider_id: String,
    /// Where it is.
    pub delivery: SmsDelivery,
    /// The provider's own status code.
    pub provider_code: i64,
}

/// An SMS gateway. `Send + Sync`: one client serves every thread.
pub trait SmsGateway: Send + Sync + fmt::Debug {
    /// `smsru`, `smsc`, …
    fn name(&self) -> &'static str;

    /// Sends one message from the configured sender name.
    fn send(&self, r: &SmsRequest) -> Result<SmsSent, ChannelError>;

    /// Asks where message `provider_id` (sent to `phone`) is.
    fn status(&self, provider_id: &str, phone: &str) -> Result<SmsStatus, ChannelError>;
}

/// Roubles as the providers write them («2.50», «1,4», 3) in kopecks; `None` when it is not a
/// sum.
pub(crate) fn kopecks(v: &serde_json::Value) -> Option<i64> {
    let s = match v {
        serde_json::Value::String(s) => s.trim().replace(',', "."),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut k: String = frac.chars().take(2).collect();
    while k.len() < 2 {
        k.push('0');
    }
    // Fractions of a kopeck (some tariffs have them) round up: the bill does.
    let up = frac.chars().skip(2).any(|c| c != '0');
    let total = whole.parse::<i64>().ok()?.checked_mul(100)? + k.parse::<i64>().ok()?;
    Some(total + i64::from(up))
}

/// A gateway key or password: present, bounded, printable.
pub(crate) fn check_secret(s: &crate::Secret) -> Result<(), ChannelError> {
    let v = s.expose();
    if v.is_empty() || v.len() > 256 || v.chars().any(char::is_control) {
        return Err(ChannelError::Invalid(
            "the gateway key must be 1 to 256 characters without control characters".into(),
        ));
    }
    Ok(())
}

/// An alphanumeric sender name: at most 11 characters, as operators allow.
pub(crate) fn check_sender(s: Option<&str>) -> Result<Option<String>, ChannelError> {
    match s {
        None => Ok(None),
        Some(n) if !n.is_empty() && n.chars().count() <= 11 && !n.chars().any(char::is_control) => {
            Ok(Some(n.to_owned()))
        }
        Some(_) => Err(ChannelError::Invalid(
            "a sender name is 1 to 11 characters".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roubles_become_kopecks() {
        assert_eq!(kopecks(&json!("2.50")), Some(250));
        assert_eq!(kopecks(&json!("1,4")), Some(140));
        assert_eq!(kopecks(&json!(3)), Some(300));
        assert_eq!(kopecks(&json!("0.455")), Some(46));
        assert_eq!(kopecks(&json!("12")), Some(1200));
        assert_eq!(kopecks(&json!("-1")), None);
        assert_eq!(kopecks(&json!("1.2x")), None);
        assert_eq!(kopecks(&json!(null)), None);
    }

    #[test]
    fn requests_are_checked_before_sending() {
        assert_eq!(
            SmsRequest::new("8 916 123 45 67", "hi").unwrap().to,
            "89161234567"
        );
        assert!(SmsRequest::new("+7916123456a", "hi").is_err());
        assert!(SmsRequest::new("+79161234567", "  ").is_err());
        let long = "я".repeat(67 * 9);
        assert_eq!(
            chek_core::Coded::code(&SmsRequest::new("+79161234567", &long).unwrap_err()),
            "channel.too_long"
        );
        assert_eq!(
            SmsRequest::new("+79161234567", &"я".repeat(71))
                .unwrap()
                .segments,
            2
        );
    }
}
