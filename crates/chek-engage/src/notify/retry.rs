//! The retry matrix (which outcomes are called again, how often, after how long) and the
//! result a CRM gets back after each call. Retries are scheduled through the contact policy,
//! so a retry never lands in quiet hours or over a cap.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{
    CallOutcome, Contact, ContactChannel, ContactPolicy, NotifyError, OutcomeKind, Purpose,
    Recipient, Slot,
};
use chek_core::Coded;
use chek_ru::zone::Zone;

/// How one outcome is retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryRule {
    /// Attempts in all, the first included: 1 means never retried.
    pub max_attempts: u32,
    /// Minutes to wait after attempt 1, 2, …; the last value repeats.
    #[serde(default)]
    pub after_minutes: Vec<u32>,
}

/// Outcome → retry rule. Outcomes without a rule are final. The default follows the published
/// auto-retry policies (Exotel: busy and no-answer retried, failed once, invalid numbers
/// never; 30–60 min apart; Bolna: 30, 60, 120 min):
///
/// | outcome | attempts | waits (min) |
/// |---|---|---|
/// | busy | 3 | 30, 60 |
/// | no_answer | 3 | 60, 120 |
/// | hung_up (answered, listened less than the minimum) | 3 | 60, 120 |
/// | machine | 2 | 120 |
/// | failed | 2 | 30 |
/// | invalid_number, answered, operator | 1 (final) | — |
///
/// ```
/// use chek_engage::notify::{OutcomeKind, RetryMatrix};
/// let m = RetryMatrix::default();
/// assert_eq!(m.wait(OutcomeKind::Busy, 1), Some(30));
/// assert_eq!(m.wait(OutcomeKind::Busy, 3), None); // third attempt was the last
/// assert_eq!(m.wait(OutcomeKind::InvalidNumber, 1), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryMatrix {
    /// The rules.
    pub rules: BTreeMap<OutcomeKind, RetryRule>,
    /// DTMF keys that ask for an operator.
    #[serde(default = "zero")]
    pub operator_keys: String,
    /// After the last failed call, send the message as an SMS when the rule allows SMS, the
    /// recipient has a phone and the contact policy has a slot before the deadline (default
    /// on).
    #[serde(default = "yes")]
    pub sms_fallback: bool,
}

fn zero() -> String {
    "0".into()
}

fn yes() -> bool {
    true
}

impl Default for RetryMatrix {
    fn default() -> Self {
        let r = |n, w: &[u32]| RetryRule {
            max_attempts: n,
            after_minutes: w.to_vec(),
        };
        let mut rules = BTreeMap::new();
        rules.insert(OutcomeKind::Busy, r(3, &[30, 60]));
        rules.insert(OutcomeKind::NoAnswer, r(3, &[60, 120]));
        rules.insert(OutcomeKind::HungUp, r(3, &[60, 120]));
        rules.insert(OutcomeKind::Machine, r(2, &[120]));
        rules.insert(OutcomeKind::Failed, r(2, &[30]));
        rules.insert(OutcomeKind::InvalidNumber, r(1, &[]));
        RetryMatrix {
            rules,
            operator_keys: zero(),
            sms_fallback: true,
        }
    }
}

impl RetryMatrix {
    /// Minutes to wait after attempt number `attempt` (1-based) ended with `kind`, or `None`
    /// when it is not retried. A matrix without a `hung_up` rule retries a call hung up too
    /// early like one not answered.
    pub fn wait(&self, kind: OutcomeKind, attempt: u32) -> Option<u32> {
        let r = self.rules.get(&kind).or_else(|| {
            (kind == OutcomeKind::HungUp)
                .then(|| self.rules.get(&OutcomeKind::NoAnswer))
                .flatten()
        })?;
        if attempt >= r.max_attempts {
            return None;
        }
        let i = (attempt.saturating_sub(1) as usize).min(r.after_minutes.len().checked_sub(1)?);
        r.after_minutes.get(i).copied()
    }
}

/// What to do after a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RetryDecision {
    /// Nothing more: it reached the person (`success`), or the number is invalid.
    Done {
        /// Whether the message got through.
        success: bool,
    },
    /// Call again at the slot.
    Retry {
        /// The next attempt's number.
        attempt: u32,
        /// When, inside the contact policy.
        slot: Slot,
    },
    /// Retries exhausted, or no slot before the deadline.
    GiveUp {
        /// `max_attempts`, `deadline` or `no_slot`.
        reason: String,
    },
}

/// Decides after attempt `attempt` ended with `outcome` at `now` (UTC): done, retry at a slot
/// the policy allows (the attempt itself is added to the history when it counts), or give up.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    matrix: &RetryMatrix,
    outcome: &CallOutcome,
    attempt: u32,
    now: NaiveDateTime,
    policy: &ContactPolicy,
    purpose: Purpose,
    recipient: &str,
    zone: &Zone,
    history: &[Contact],
    until: Option<NaiveDateTime>,
) -> RetryDecision {
    let kind = outcome.kind();
    if matches!(kind, OutcomeKind::Answered | OutcomeKind::Operator) {
        return RetryDecision::Done { success: true };
    }
    let Some(wait) = matrix.wait(kind, attempt) else {
        return if kind == OutcomeKind::InvalidNumber {
            RetryDecision::Done { success: false }
        } else {
            RetryDecision::GiveUp {
                reason: "max_attempts".into(),
            }
        };
    };
    let mut h = history.to_vec();
    if outcome.counts_as_contact() {
        h.push(Contact {
            recipient: recipient.to_owned(),
            channel: ContactChannel::Call,
            purpose,
            at: now,
            counts: true,
            key: None,
        });
    }
    let Some(earliest) = now.checked_add_signed(Duration::minutes(i64::from(wait))) else {
        return RetryDecision::GiveUp {
            reason: "no_slot".into(),
        };
    };
    match policy.next_slot(ContactChannel::Call, purpose, recipient, zone, &h, earliest) {
        Ok(slot) if until.is_some_and(|u| slot.at > u) => RetryDecision::GiveUp {
            reason: "deadline".into(),
        },
        Ok(slot) => RetryDecision::Retry {
            attempt: attempt.saturating_add(1),
            slot,
        },
        Err(_) => RetryDecision::GiveUp {
            reason: "no_slot".into(),
        },
    }
}

/// The SMS that replaces a call after the last failed attempt: when the contact policy allows
/// it, and the text when the caller knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FallbackSms {
    /// When to send, UTC.
    pub at: NaiveDateTime,
    /// When to send, the recipient's wall time.
    pub local: NaiveDateTime,
    /// The SMS text (the template's SMS rendering), when known.
    pub text: Option<String>,
}

/// The SMS fallback after a call that will not be retried (`decision` is
/// [`RetryDecision::GiveUp`]): `None` when the matrix turns it off, the recipient has no phone
/// or refused interaction, or the contact policy has no SMS slot before `until`.
///
/// ```
/// use chek_engage::notify::{decide, sms_fallback, CallOutcome, ContactPolicy, Purpose, Recipient, RetryMatrix};
/// let r: Recipient = serde_json::from_str(r#"{"id":"c1","phone":"+79161234567"}"#).unwrap();
/// let now = "2026-08-18T09:00:00".parse().unwrap();
/// let p = ContactPolicy::debt_230fz();
/// let m = RetryMatrix::default();
/// let d = decide(&m, &CallOutcome::NoAnswer, 3, now, &p, Purpose::Debt, "c1", &r.zone, &[], None);
/// let sms = sms_fallback(&m, &d, &p, Purpose::Debt, &r, &[], now, None).unwrap();
/// assert_eq!(sms.at, now); // 12:00 in Moscow on a Tuesday: at once
/// ```
#[allow(clippy::too_many_arguments)]
pub fn sms_fallback(
    matrix: &RetryMatrix,
    decision: &RetryDecision,
    policy: &ContactPolicy,
    purpose: Purpose,
    recipient: &Recipient,
    history: &[Contact],
    now: NaiveDateTime,
    until: Option<NaiveDateTime>,
) -> Option<Slot> {
    if !matrix.sms_fallback
        || !matches!(decision, RetryDecision::GiveUp { .. })
        || recipient.opt_out
        || !recipient.has_address(ContactChannel::Sms)
    {
        return None;
    }
    let slot = policy
        .next_slot(
            ContactChannel::Sms,
            purpose,
            &recipient.id,
            &recipient.zone,
            history,
            now,
        )
        .ok()?;
    until.is_none_or(|u| slot.at <= u).then_some(slot)
}

/// The result payload for the CRM after one call.
///
/// ```
/// use chek_engage::notify::{CallOutcome, CrmResult, RetryDecision};
/// let r = CrmResult::new("unpaid:A-1:2026-08-10T09:00:00", "twilio", "busy", 1,
///     &CallOutcome::Busy, &RetryDecision::GiveUp { reason: "max_attempts".into() });
/// let j = serde_json::to_value(&r).unwrap();
/// assert_eq!(j["outcome"], "busy");
/// assert_eq!(j["final"], true);
/// assert_eq!(j["code"], "notify.call_busy");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmResult {
    /// The firing's key, which the CRM knows the message by.
    pub external_id: String,
    /// Provider name.
    pub provider: String,
    /// The provider's own status word.
    pub provider_status: String,
    /// This attempt's number (1-based).
    pub attempt: u32,
    /// The neutral outcome (`answered`, `operator`, `machine`, `no_answer`, `busy`,
    /// `invalid_number`, `failed`).
    pub outcome: OutcomeKind,
    /// Stable code of the outcome.
    pub code: String,
    /// Seconds listened, when answered.
    pub listened_s: Option<u32>,
    /// The key pressed for an operator.
    pub operator_key: Option<String>,
    /// Whether the message got through.
    pub success: bool,
    /// Whether there will be no more attempts.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The next attempt, UTC.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// The next attempt, the recipient's wall time.
    pub next_attempt_local: Option<NaiveDateTime>,
    /// Why no further attempt: `max_attempts`, `deadline`, `no_slot`, `invalid_number`.
    pub stop_reason: Option<String>,
    /// Whether this call counts towards contact caps.
    pub counts_as_contact: bool,
    /// Failure detail from the provider.
    pub detail: Option<String>,
    /// The SMS sent instead after the last failed call, when the policy allows one.
    #[serde(default)]
    pub fallback_sms: Option<FallbackSms>,
}

impl CrmResult {
    /// The payload from an outcome and the decision taken on it.
    pub fn new(
        external_id: &str,
        provider: &str,
        provider_status: &str,
        attempt: u32,
        outcome: &CallOutcome,
        decision: &RetryDecision,
    ) -> Self {
        let cut = |s: &str| s.chars().take(128).collect::<String>();
        let (success, is_final, next, stop) = match decision {
            RetryDecision::Done { success } => (
                *success,
                true,
                None,
                (!success).then(|| outcome.kind().as_str().to_owned()),
            ),
            RetryDecision::Retry { slot, .. } => (false, false, Some(slot), None),
            RetryDecision::GiveUp { reason } => (false, true, None, Some(reason.clone())),
        };
        CrmResult {
            external_id: cut(external_id),
            provider: cut(provider),
            provider_status: cut(provider_status),
            attempt,
            outcome: outcome.kind(),
            code: outcome.code().to_owned(),
            listened_s: outcome.listened_s(),
            operator_key: match outcome {
                CallOutcome::Operator { key, .. } => Some(key.clone()),
                _ => None,
            },
            success,
            is_final,
            next_attempt_at: next.map(|s| s.at),
            next_attempt_local: next.map(|s| s.local),
            stop_reason: stop,
            counts_as_contact: outcome.counts_as_contact(),
            detail: match outcome {
                CallOutcome::Failed { reason } => Some(reason.clone()),
                _ => None,
            },
            fallback_sms: None,
        }
    }

    /// The same payload with the SMS fallback slot and text.
    pub fn with_fallback(mut self, slot: Option<&Slot>, text: Option<String>) -> Self {
        self.fallback_sms = slot.map(|s| FallbackSms {
            at: s.at,
            local: s.local,
            text,
        });
        self
    }
}

/// Checks a matrix: every rule allows at least one attempt.
pub(crate) fn validate(m: &RetryMatrix) -> Result<(), NotifyError> {
    for (k, r) in &m.rules {
        if r.max_attempts == 0 {
            return Err(NotifyError::BadConfig(format!(
                "retry rule {}: max_attempts must be at least 1",
                k.as_str()
            )));
        }
        if r.max_attempts > 1 && r.after_minutes.is_empty() {
            return Err(NotifyError::BadConfig(format!(
                "retry rule {}: retried but no after_minutes",
                k.as_str()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 8, d)
            .and_then(|x| x.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    fn run(outcome: CallOutcome, attempt: u32, now: NaiveDateTime) -> RetryDecision {
        decide(
            &RetryMatrix::default(),
            &outcome,
            attempt,
            now,
            &ContactPolicy::debt_230fz(),
            Purpose::Debt,
            "c1",
            &Zone::moscow(),
            &[],
            None,
        )
    }

    #[test]
    fn matrix() {
        // Tuesday 18 August, 10:00 Moscow (07:00 UTC).
        let now = utc(18, 7, 0);
        let at = |d: RetryDecision| match d {
            RetryDecision::Retry { slot, attempt } => Some((attempt, slot.at)),
            _ => None,
        };
        assert_eq!(
            at(run(CallOutcome::Busy, 1, now)),
            Some((2, utc(18, 7, 30)))
        );
        assert_eq!(at(run(CallOutcome::Busy, 2, now)), Some((3, utc(18, 8, 0))));
        assert_eq!(
            run(CallOutcome::Busy, 3, now),
            RetryDecision::GiveUp {
                reason: "max_attempts".into()
            }
        );
        assert_eq!(
            at(run(CallOutcome::NoAnswer, 1, now)),
            Some((2, utc(18, 8, 0)))
        );
        assert_eq!(
            at(run(CallOutcome::NoAnswer, 2, now)),
            Some((3, utc(18, 9, 0)))
        );
        assert_eq!(
            run(CallOutcome::InvalidNumber, 1, now),
            RetryDecision::Done { success: false }
        );
        assert_eq!(
            run(CallOutcome::Answered { listened_s: 30 }, 1, now),
            RetryDecision::Done { success: true }
        );
        let op = CallOutcome::Operator {
            listened_s: 3,
            key: "0".into(),
        };
        assert_eq!(run(op, 2, now), RetryDecision::Done { success: true });
        let f = CallOutcome::Failed { reason: "x".into() };
        assert_eq!(at(run(f.clone(), 1, now)), Some((2, utc(18, 7, 30))));
        assert!(matches!(run(f, 2, now), RetryDecision::GiveUp { .. }));
    }

    #[test]
    fn retries_stay_inside_the_policy() {
        // Busy at 21:50 Moscow (18:50 UTC) on a working day: +30 min is 22:20, closed;
        // the retry goes to 08:00 next morning.
        let d = run(CallOutcome::Busy, 1, utc(18, 18, 50));
        match d {
            RetryDecision::Retry { slot, .. } => {
                assert_eq!(slot.local, utc(19, 8, 0));
                assert_eq!(slot.deferred, vec![super::super::Deferral::QuietHours]);
            }
            other => panic!("{other:?}"),
        }
        // A machine counts as a contact: 230-ФЗ allows one call a day, so the retry after it
        // waits for the next day even though 120 minutes would fit today.
        let d = run(CallOutcome::Machine { listened_s: 20 }, 1, utc(18, 7, 0));
        match d {
            RetryDecision::Retry { slot, .. } => assert_eq!(slot.local, utc(19, 8, 0)),
            other => panic!("{other:?}"),
        }
        // Past the deadline: give up.
        let d = decide(
            &RetryMatrix::default(),
            &CallOutcome::NoAnswer,
            1,
            utc(18, 7, 0),
            &ContactPolicy::debt_230fz(),
            Purpose::Debt,
            "c1",
            &Zone::moscow(),
            &[],
            Some(utc(18, 7, 30)),
        );
        assert_eq!(
            d,
            RetryDecision::GiveUp {
                reason: "deadline".into()
            }
        );
    }

    #[test]
    fn crm_payload() {
        let slot_decision = run(CallOutcome::NoAnswer, 1, utc(18, 7, 0));
        let r = CrmResult::new(
            "k",
            "vonage",
            "timeout",
            1,
            &CallOutcome::NoAnswer,
            &slot_decision,
        );
        let j = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(j["outcome"], "no_answer");
        assert_eq!(j["final"], false);
        assert_eq!(j["next_attempt_at"], "2026-08-18T08:00:00");
        assert_eq!(j["next_attempt_local"], "2026-08-18T11:00:00");
        assert_eq!(j["counts_as_contact"], false);
        let inv = CrmResult::new(
            "k",
            "twilio",
            "failed",
            1,
            &CallOutcome::InvalidNumber,
            &RetryDecision::Done { success: false },
        );
        assert_eq!(
            (inv.is_final, inv.stop_reason.as_deref()),
            (true, Some("invalid_number"))
        );
        let mut bad = RetryMatrix::default();
        bad.rules.insert(
            OutcomeKind::Busy,
            RetryRule {
                max_attempts: 0,
                after_minutes: vec![],
            },
        );
        assert!(validate(&bad).is_err());
        assert!(validate(&RetryMatrix::default()).is_ok());
    }
}
