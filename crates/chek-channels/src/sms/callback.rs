//! Delivery callbacks: the provider calls the host's URL when a message's state changes.

use super::smsru;
use super::types::SmsStatus;
use crate::ChannelError;

/// The largest callback body read.
const MAX_CALLBACK: usize = 256 * 1024;

/// Reads an sms.ru callback body (`application/x-www-form-urlencoded`: `data[N]=` entries,
/// each lines of `sms_status`, the message id, the status code and a Unix time). Entries of
/// other kinds are skipped. The host answers the request with `100`, or sms.ru sends it again.
///
/// ```
/// use chek_channels::sms::{parse_smsru_callback, SmsDelivery};
/// let body = "data%5B0%5D=sms_status%0A201837-1000007%0A103%0A1764950400&data%5B1%5D=test%0A1";
/// let s = parse_smsru_callback(body)?;
/// assert_eq!(s.len(), 1);
/// assert_eq!((s[0].provider_id.as_str(), s[0].delivery), ("201837-1000007", SmsDelivery::Delivered));
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub fn parse_smsru_callback(body: &str) -> Result<Vec<SmsStatus>, ChannelError> {
    if body.len() > MAX_CALLBACK {
        return Err(ChannelError::TooLarge {
            what: "the callback",
            size: Some(body.len() as u64),
            max: MAX_CALLBACK as u64,
        });
    }
    let mut out = Vec::new();
    for pair in body.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k)?;
        if !key.starts_with("data[") {
            continue;
        }
        let value = decode(v)?;
        let mut lines = value.lines().map(str::trim);
        if lines.next() != Some("sms_status") {
            continue;
        }
        let (Some(id), Some(code)) = (lines.next(), lines.next()) else {
            return Err(ChannelError::BadResponse(
                "an sms_status entry without an id and a code".into(),
            ));
        };
        let code: i64 = code
            .parse()
            .map_err(|_| ChannelError::BadResponse(format!("status code {code:?}")))?;
        if id.is_empty() || id.len() > 64 {
            return Err(ChannelError::BadResponse(
                "a message id of 1 to 64 characters".into(),
            ));
        }
        out.push(SmsStatus {
            provider_id: id.to_owned(),
            delivery: smsru::delivery(code),
            provider_code: code,
        });
    }
    Ok(out)
}

/// `%XX` and `+` decoding of one form field.
fn decode(s: &str) -> Result<String, ChannelError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ChannelError::BadResponse("a bad %-escape".into()))?;
                out.push(hex);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ChannelError::BadResponse("not UTF-8".into()))
}
