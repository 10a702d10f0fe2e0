//! A batch of call reports, one record at a time: a record that does not parse or map is
//! reported with its index and the rest are processed. [`process_call`] turns one report into
//! the CRM result: outcome (with the template's minimum listening time), retry decision inside
//! the contact policy, and the SMS fallback after the last failed call.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Contact, CrmResult, NotifyConfig, NotifyError, ProviderReport, Purpose, Recipient,
    RetryDecision, decide, map_outcome, sms_fallback,
};

/// One call report as the host passes it: which message (`key`, the firing key given to the
/// provider as its external id) and attempt, to whom, and what the provider said.
///
/// ```
/// use chek_engage::notify::CallRecord;
/// let r: CallRecord = serde_json::from_str(r#"{"key":"unpaid:A-1:2026-08-10T09:00:00",
///     "recipient":{"id":"c1","phone":"+79161234567"},
///     "report":{"provider":"uis","finish_reason":"subscriber_busy"}}"#).unwrap();
/// assert_eq!(r.attempt, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// The message's key.
    pub key: String,
    /// The attempt this report is about (1-based).
    #[serde(default = "one")]
    pub attempt: u32,
    /// Why the message is sent (picks the contact policy).
    #[serde(default)]
    pub purpose: Purpose,
    /// The person called; a ledger-backed host may leave it out (the stored plan has it).
    #[serde(default)]
    pub recipient: Option<Recipient>,
    /// What the provider reported.
    pub report: ProviderReport,
    /// The message is useless after this, UTC.
    #[serde(default)]
    pub until: Option<NaiveDateTime>,
    /// The template spoken (for its minimum listening time); by default the template of the
    /// rule the key names.
    #[serde(default)]
    pub template: Option<String>,
    /// The SMS text to send when the calls fail, when the host knows it.
    #[serde(default)]
    pub sms_text: Option<String>,
}

fn one() -> u32 {
    1
}

/// Most call records read in one batch.
pub const MAX_CALLS: usize = 100_000;

/// Removes a leading UTF-8 byte order mark (files saved by Windows editors start with one).
///
/// ```
/// assert_eq!(chek_engage::notify::strip_bom("\u{feff}[1]"), "[1]");
/// ```
pub fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// Reads a batch of call records: a JSON array (or one object). The batch is refused only when
/// it is not JSON at all or too long; each record that does not fit the shape is an error at
/// its place (`record N: …`), and the others are returned.
///
/// ```
/// use chek_engage::notify::parse_call_records;
/// let batch = parse_call_records(r#"[
///     {"key":"k1","recipient":{"id":"c1"},"report":{"provider":"twilio","status":"busy"}},
///     {"key":"k2","report":"garbage"}]"#).unwrap();
/// assert!(batch[0].is_ok());
/// assert!(batch[1].as_ref().unwrap_err().to_string().contains("record 2"));
/// ```
pub fn parse_call_records(text: &str) -> Result<Vec<Result<CallRecord, NotifyError>>, NotifyError> {
    let v: Value = serde_json::from_str(strip_bom(text))
        .map_err(|e| NotifyError::BadInput(format!("call reports: {e}")))?;
    let items = match v {
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => {
            return Err(NotifyError::BadInput(
                "call reports: expected an array of objects".into(),
            ));
        }
    };
    if items.len() > MAX_CALLS {
        return Err(NotifyError::TooLong {
            what: "call reports",
            limit: MAX_CALLS,
        });
    }
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<CallRecord>(item)
                .map_err(|e| NotifyError::BadInput(format!("record {}: {e}", i + 1)))
        })
        .collect())
}

/// The CRM result of one call: maps the provider's report, holds an answered call to the
/// template's minimum listening time, decides the retry inside the contact policy (the
/// attempt itself joins `history` when it counts), and, after the last failed call, plans the
/// SMS fallback when the rule allows SMS and the policy has a slot. `history` is the
/// recipient's contacts without this attempt.
///
/// ```
/// use chek_engage::notify::{process_call, CallRecord, NotifyConfig};
/// let rec: CallRecord = serde_json::from_str(r#"{"key":"k","recipient":{"id":"c1","phone":"+79161234567"},
///     "report":{"provider":"twilio","status":"completed","duration_s":1}}"#).unwrap();
/// let now = "2026-08-18T09:00:00".parse().unwrap();
/// let r = process_call(&NotifyConfig::default(), &rec, &[], now).unwrap();
/// // Answered, but one second is not listening: not delivered, called again.
/// assert_eq!((r.outcome.as_str(), r.success, r.is_final), ("hung_up", false, false));
/// ```
pub fn process_call(
    config: &NotifyConfig,
    rec: &CallRecord,
    history: &[Contact],
    now: NaiveDateTime,
) -> Result<CrmResult, NotifyError> {
    let recipient = rec
        .recipient
        .as_ref()
        .ok_or_else(|| NotifyError::BadInput(format!("{}: no recipient", rec.key)))?;
    let rule = config.rule_of_key(&rec.key);
    let template = rec
        .template
        .as_deref()
        .or(rule.map(|r| r.template.as_str()));
    let min = template.map_or(super::DEFAULT_MIN_LISTEN_S, |t| config.min_listen(t));
    let outcome = map_outcome(&rec.report, &config.retry.operator_keys)?.with_min_listen(min);
    let attempt = rec.attempt.max(1);
    let (decision, fallback) = match config.policy.for_message(rec.purpose, recipient) {
        Err(NotifyError::OptedOut) => (
            RetryDecision::GiveUp {
                reason: "opted_out".into(),
            },
            None,
        ),
        Err(e) => return Err(e),
        Ok(policy) => {
            let d = decide(
                &config.retry,
                &outcome,
                attempt,
                now,
                policy,
                rec.purpose,
                &recipient.id,
                &recipient.zone,
                history,
                rec.until,
            );
            let sms_allowed = rule.is_none_or(|r| r.channels.contains(&super::ContactChannel::Sms));
            let mut h = history.to_vec();
            if outcome.counts_as_contact() {
                h.push(Contact {
                    recipient: recipient.id.clone(),
                    channel: super::ContactChannel::Call,
                    purpose: rec.purpose,
                    at: now,
                    counts: true,
                    key: Some(rec.key.clone()),
                });
            }
            let fb = sms_allowed
                .then(|| {
                    sms_fallback(
                        &config.retry,
                        &d,
                        policy,
                        rec.purpose,
                        recipient,
                        &h,
                        now,
                        rec.until,
                    )
                })
                .flatten();
            (d, fb)
        }
    };
    Ok(CrmResult::new(
        &rec.key,
        &rec.report.provider,
        &rec.report.status,
        attempt,
        &outcome,
        &decision,
    )
    .with_fallback(fallback.as_ref(), rec.sms_text.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        s.parse().unwrap_or_default()
    }

    fn rec(v: serde_json::Value) -> CallRecord {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn min_listen_per_template_decides_delivered() {
        let cfg = NotifyConfig::from_toml(
            "min_listen_s = { unpaid = 12 }\n[templates]\nunpaid = \"Оплатите счёт {order|order}.\"\n\
             [[rules]]\nid = \"unpaid\"\ntemplate = \"unpaid\"\nchannels = [\"call\", \"sms\"]\npurpose = \"debt\"\n\
             trigger = { kind = \"unpaid_for\", status = \"invoiced\", after_hours = 72 }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let call = |secs: u32| {
            rec(
                serde_json::json!({"key": "unpaid:1:2026-08-10T09:00:00", "purpose": "debt",
                "recipient": {"id": "c1", "phone": "+79161234567"},
                "report": {"provider": "twilio", "status": "completed", "duration_s": secs}}),
            )
        };
        let now = t("2026-08-18T07:00:00");
        let r = process_call(&cfg, &call(11), &[], now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.outcome.as_str(), r.success), ("hung_up", false));
        assert!(r.next_attempt_at.is_some());
        assert!(r.counts_as_contact);
        let r = process_call(&cfg, &call(12), &[], now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.outcome.as_str(), r.success), ("answered", true));
        // A template without a minimum of its own: the default five seconds.
        let mut other = call(4);
        other.template = Some("other".into());
        let r = process_call(&cfg, &other, &[], now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.outcome.as_str(), "hung_up");
    }

    #[test]
    fn sms_after_the_last_failed_call() {
        let cfg = NotifyConfig::default();
        let last = rec(
            serde_json::json!({"key": "k", "attempt": 3, "purpose": "debt",
            "recipient": {"id": "c1", "phone": "+79161234567"}, "sms_text": "Оплатите счёт.",
            "report": {"provider": "uis", "finish_reason": "subscriber_not_responsible"}}),
        );
        // Tuesday 18 August 2026, 22:30 Moscow: the SMS waits for 08:00.
        let r = process_call(&cfg, &last, &[], t("2026-08-18T19:30:00"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (r.is_final, r.stop_reason.as_deref()),
            (true, Some("max_attempts"))
        );
        let fb = r.fallback_sms.unwrap_or_else(|| panic!("no fallback"));
        assert_eq!(fb.local, t("2026-08-19T08:00:00"));
        assert_eq!(fb.text.as_deref(), Some("Оплатите счёт."));
        // Turned off, or no phone, or past the deadline: none.
        let mut off = cfg.clone();
        off.retry.sms_fallback = false;
        assert!(
            process_call(&off, &last, &[], t("2026-08-18T19:30:00"))
                .map(|r| r.fallback_sms.is_none())
                .unwrap_or(false)
        );
        let mut late = last.clone();
        late.until = Some(t("2026-08-18T20:00:00"));
        assert!(
            process_call(&cfg, &late, &[], t("2026-08-18T19:30:00"))
                .map(|r| r.fallback_sms.is_none())
                .unwrap_or(false)
        );
        // A retry is not a fallback.
        let mut first = last.clone();
        first.attempt = 1;
        let r = process_call(&cfg, &first, &[], t("2026-08-18T07:00:00"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!r.is_final && r.fallback_sms.is_none());
    }

    #[test]
    fn opted_out_recipients_are_not_called_again() {
        let r = rec(serde_json::json!({"key": "k", "purpose": "debt",
            "recipient": {"id": "c1", "phone": "+79161234567", "opt_out": true},
            "report": {"provider": "twilio", "status": "busy"}}));
        let out = process_call(&NotifyConfig::default(), &r, &[], t("2026-08-18T07:00:00"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (out.is_final, out.stop_reason.as_deref(), out.fallback_sms),
            (true, Some("opted_out"), None)
        );
    }

    #[test]
    fn one_bad_record_does_not_reject_the_batch() {
        let text = "\u{feff}[{\"key\":\"a\",\"recipient\":{\"id\":\"c\"},\"report\":{\"provider\":\"twilio\",\"status\":\"busy\"}},\
                    {\"key\":5},\
                    {\"key\":\"c\",\"recipient\":{\"id\":\"c\"},\"report\":{\"provider\":\"vonage\",\"status\":\"busy\"}}]";
        let b = parse_call_records(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.len(), 3);
        assert!(b[0].is_ok() && b[2].is_ok());
        let e = b[1]
            .as_ref()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("record 2"), "{e}");
        assert!(parse_call_records("not json").is_err());
        assert!(parse_call_records("5").is_err());
    }
}
