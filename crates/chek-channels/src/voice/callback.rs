//! Call-end callbacks: what a provider (or the host's PBX) posts when a call is over, read into
//! a [`CallResult`]. Bodies are bounded ([`MAX_CALLBACK_BYTES`]) and every field is checked:
//! garbage is a typed error, never a panic.

use serde_json::{Map, Value};

use super::types::CallResult;
use crate::ChannelError;

/// The largest callback body read.
pub const MAX_CALLBACK_BYTES: usize = 64 * 1024;

fn object(body: &[u8]) -> Result<Map<String, Value>, ChannelError> {
    if body.len() > MAX_CALLBACK_BYTES {
        return Err(ChannelError::TooLarge {
            what: "the callback",
            size: Some(body.len() as u64),
            max: MAX_CALLBACK_BYTES as u64,
        });
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ChannelError::BadResponse(
            "the callback is not a JSON object".into(),
        )),
        Err(e) => Err(ChannelError::BadResponse(format!(
            "the callback is not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))),
    }
}

fn bad(field: &str) -> ChannelError {
    ChannelError::BadResponse(format!("the callback's {field} is not usable"))
}

/// An id: a string of 1 to 128 printable characters, or a non-negative integer.
fn id(m: &Map<String, Value>, field: &str) -> Result<Option<String>, ChannelError> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= 128 && !s.chars().any(char::is_control) => {
            Ok(Some(s.clone()))
        }
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(Some(n.to_string())),
        Some(_) => Err(bad(field)),
    }
}

/// A status word: 1 to 64 of `[A-Za-z0-9_-]`.
fn word(m: &Map<String, Value>, field: &str) -> Result<String, ChannelError> {
    match m.get(field) {
        Some(Value::String(s))
            if !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')) =>
        {
            Ok(s.clone())
        }
        None | Some(Value::Null) => Err(ChannelError::BadResponse(format!(
            "the callback has no {field}"
        ))),
        Some(_) => Err(bad(field)),
    }
}

/// A count: a non-negative integer, or a string of one (Asterisk variables are strings; an
/// empty one is absent).
fn count(m: &Map<String, Value>, field: &str, max: u64) -> Result<Option<u64>, ChannelError> {
    let n = match m.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<u64>().map_err(|_| bad(field))?,
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| bad(field))?,
        Some(_) => return Err(bad(field)),
    };
    if n > max {
        return Err(bad(field));
    }
    Ok(Some(n))
}

fn seconds(m: &Map<String, Value>, field: &str) -> Result<Option<u32>, ChannelError> {
    // A call of more than a day is not a robot call.
    Ok(count(m, field, 86_400)?.and_then(|n| u32::try_from(n).ok()))
}

fn code16(m: &Map<String, Value>, field: &str, max: u64) -> Result<Option<u16>, ChannelError> {
    Ok(count(m, field, max)?.and_then(|n| u16::try_from(n).ok()))
}

fn digits(m: &Map<String, Value>, field: &str) -> Result<Option<String>, ChannelError> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s))
            if s.len() <= 32
                && s.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#')) =>
        {
            Ok(Some(s.clone()))
        }
        Some(_) => Err(bad(field)),
    }
}

/// Reads a UIS call-end notification. UIS posts what the account's notification template
/// («Уведомления», event «Завершение звонка», method HTTP POST, JSON body) says; chek expects
/// the template to carry `call_session_id`, `external_id`, `finish_reason` and
/// `talk_time_duration` under those names (UIS's own variable names; `finish_reason` takes
/// the values of `get.calls_report`'s «Call session completion reasons»), other fields are
/// ignored. `finish_reason` is required.
///
/// ```
/// use chek_channels::voice::parse_uis_callback;
/// let r = parse_uis_callback(br#"{"notification_name": "call end", "call_session_id": 998677427,
///     "external_id": "notify:42", "finish_reason": "subscriber_disconnects", "talk_time_duration": 27}"#)?;
/// assert_eq!(r.call_id.as_deref(), Some("998677427"));
/// assert_eq!(r.external_id.as_deref(), Some("notify:42"));
/// assert_eq!((r.status.as_str(), r.duration_s), ("subscriber_disconnects", Some(27)));
/// assert!(parse_uis_callback(b"not json").is_err());
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub fn parse_uis_callback(body: &[u8]) -> Result<CallResult, ChannelError> {
    let m = object(body)?;
    Ok(CallResult {
        provider: "uis",
        call_id: id(&m, "call_session_id")?,
        external_id: id(&m, "external_id")?,
        status: word(&m, "finish_reason")?,
        duration_s: seconds(&m, "talk_time_duration")?,
        digits: None,
        sip_code: None,
        hangup_cause: None,
    })
}

/// Reads how an Asterisk call ended, in one of three shapes:
///
/// - chek's small JSON, which the host's dialplan posts from the `h` extension (e.g. with
///   `CURL()`): `{"channel_id": "1733.12", "external_id": "notify:42", "dialstatus": "ANSWER",
///   "answeredtime": 34, "hangupcause": 16, "digits": "1", "sip_code": 200}` — `dialstatus` is
///   `${DIALSTATUS}` (required), `answeredtime` `${ANSWEREDTIME}`, `hangupcause`
///   `${HANGUPCAUSE}` (Q.850); numbers may be strings, as dialplan variables are;
/// - the ARI event `ChannelDestroyed` (`cause`, `cause_txt`, `channel`): a channel that was
///   `Up` was answered (`ANSWER`, duration unknown); otherwise the Q.850 cause decides — 17
///   `BUSY`, 18/19/21 `NOANSWER`, 1/3/22/28 `CHANUNAVAIL` (with the cause kept, so the notify
///   model calls the number invalid), anything else `CONGESTION`;
/// - the ARI event `ChannelVarset` of `DIALSTATUS` (`variable`, `value`, `channel`).
///
/// ```
/// use chek_channels::voice::parse_asterisk_callback;
/// let r = parse_asterisk_callback(br#"{"type": "ChannelDestroyed", "cause": 17, "cause_txt": "User busy",
///     "channel": {"id": "1733.12", "state": "Ringing"}}"#)?;
/// assert_eq!((r.status.as_str(), r.hangup_cause), ("BUSY", Some(17)));
/// let r = parse_asterisk_callback(br#"{"channel_id": "1733.12", "dialstatus": "NOANSWER", "answeredtime": ""}"#)?;
/// assert_eq!((r.status.as_str(), r.duration_s), ("NOANSWER", None));
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub fn parse_asterisk_callback(body: &[u8]) -> Result<CallResult, ChannelError> {
    let m = object(body)?;
    let empty = Map::new();
    match m.get("type").and_then(Value::as_str) {
        None => Ok(CallResult {
            provider: "asterisk",
            call_id: id(&m, "channel_id")?,
            external_id: id(&m, "external_id")?,
            status: word(&m, "dialstatus")?.to_ascii_uppercase(),
            duration_s: seconds(&m, "answeredtime")?,
            digits: digits(&m, "digits")?,
            sip_code: code16(&m, "sip_code", 699)?,
            hangup_cause: code16(&m, "hangupcause", 127)?,
        }),
        Some("ChannelDestroyed") => {
            let ch = m
                .get("channel")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let cause = code16(&m, "cause", 127)?;
            let up = ch.get("state").and_then(Value::as_str) == Some("Up");
            let status = match (up, cause) {
                (true, _) => "ANSWER",
                (false, Some(17)) => "BUSY",
                (false, Some(18 | 19 | 21)) => "NOANSWER",
                (false, Some(1 | 3 | 22 | 28)) => "CHANUNAVAIL",
                _ => "CONGESTION",
            };
            let vars = ch
                .get("channelvars")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            Ok(CallResult {
                provider: "asterisk",
                call_id: id(ch, "id")?,
                external_id: id(vars, "CHEK_EXTERNAL_ID")?,
                status: status.into(),
                duration_s: None,
                digits: None,
                sip_code: None,
                hangup_cause: cause,
            })
        }
        Some("ChannelVarset")
            if m.get("variable").and_then(Value::as_str) == Some("DIALSTATUS") =>
        {
            let ch = m
                .get("channel")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            Ok(CallResult {
                provider: "asterisk",
                call_id: id(ch, "id")?,
                external_id: None,
                status: word(&m, "value")?.to_ascii_uppercase(),
                duration_s: None,
                digits: None,
                sip_code: None,
                hangup_cause: None,
            })
        }
        Some(_) => Err(ChannelError::BadResponse(
            "the ARI event is not a call's end (ChannelDestroyed, or ChannelVarset of DIALSTATUS)"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chek_core::Coded;

    #[test]
    fn hostile_bodies_are_typed_errors() {
        let big = vec![b' '; MAX_CALLBACK_BYTES + 1];
        assert_eq!(
            parse_uis_callback(&big).unwrap_err().code(),
            "channel.too_large"
        );
        assert_eq!(
            parse_asterisk_callback(&big).unwrap_err().code(),
            "channel.too_large"
        );
        let deep = "[".repeat(10_000);
        for b in [
            &b"\xff\xfe"[..],
            b"",
            b"[]",
            b"null",
            b"{}",
            deep.as_bytes(),
        ] {
            assert_eq!(
                parse_uis_callback(b).unwrap_err().code(),
                "channel.bad_response"
            );
            assert_eq!(
                parse_asterisk_callback(b).unwrap_err().code(),
                "channel.bad_response"
            );
        }
        for b in [
            &br#"{"finish_reason": 5}"#[..],
            br#"{"finish_reason": "a b"}"#,
            br#"{"finish_reason": "ok", "talk_time_duration": -1}"#,
            br#"{"finish_reason": "ok", "talk_time_duration": 1e30}"#,
            br#"{"finish_reason": "ok", "call_session_id": {"x": 1}}"#,
        ] {
            assert_eq!(
                parse_uis_callback(b).unwrap_err().code(),
                "channel.bad_response"
            );
        }
        for b in [
            &br#"{"dialstatus": "ANSWER", "hangupcause": 70000}"#[..],
            br#"{"dialstatus": "ANSWER", "digits": "12a"}"#,
            br#"{"dialstatus": "ANSWER", "answeredtime": "x"}"#,
            br#"{"type": "StasisStart"}"#,
            br#"{"type": "ChannelVarset", "variable": "DIALSTATUS"}"#,
        ] {
            assert_eq!(
                parse_asterisk_callback(b).unwrap_err().code(),
                "channel.bad_response"
            );
        }
    }

    #[test]
    fn ari_events_map_to_dialstatus() {
        let ev = |state: &str, cause: u16| {
            parse_asterisk_callback(
                format!(r#"{{"type":"ChannelDestroyed","cause":{cause},"channel":{{"id":"c1","state":"{state}","channelvars":{{"CHEK_EXTERNAL_ID":"k"}}}}}}"#)
                    .as_bytes(),
            )
            .unwrap()
        };
        assert_eq!(ev("Up", 16).status, "ANSWER");
        assert_eq!(ev("Ringing", 19).status, "NOANSWER");
        assert_eq!(ev("Down", 1).status, "CHANUNAVAIL");
        assert_eq!(ev("Down", 34).status, "CONGESTION");
        assert_eq!(ev("Up", 16).external_id.as_deref(), Some("k"));
        let v = parse_asterisk_callback(
            br#"{"type":"ChannelVarset","variable":"DIALSTATUS","value":"busy","channel":{"id":"c2"}}"#,
        )
        .unwrap();
        assert_eq!(
            (v.status.as_str(), v.call_id.as_deref()),
            ("BUSY", Some("c2"))
        );
    }
}
