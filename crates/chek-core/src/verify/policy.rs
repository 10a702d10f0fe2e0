//! When to ask a provider again about a receipt it did not confirm.

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::VerifyOutcome;

/// One past verification attempt: when it ran and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// When the attempt ran (the service's local time, like `now`).
    pub at: NaiveDateTime,
    /// Its answer.
    pub outcome: VerifyOutcome,
}

/// What to do next with a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "at", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextAction {
    /// Verified: nothing left to do.
    Done,
    /// Ask the provider again at this time (never earlier than `now`).
    RetryAt(NaiveDateTime),
    /// Hand the receipt to a person (segment «awaiting operator»).
    Escalate,
    /// Stop: the receipt is invalid, or the policy says not to escalate.
    GiveUp,
}

/// The re-check schedule: a pure function of the attempt history and `now`.
///
/// The default tries now, again one day after the first answer «not yet known», again after
/// three days, then hands the receipt to an operator. Rate limits, outages and refused service
/// credentials spend none of those attempts; they are retried after their own waits, and only
/// a long run of them (`max_free_attempts` in a row) escalates.
///
/// ```
/// use chek_core::verify::{Attempt, NextAction, RecheckPolicy, VerifyOutcome};
/// use chrono::{NaiveDate, TimeDelta};
/// let t0 = NaiveDate::from_ymd_opt(2024, 9, 17).unwrap().and_hms_opt(18, 0, 0).unwrap();
/// let p = RecheckPolicy::default();
/// assert_eq!(p.next(&[], t0), NextAction::RetryAt(t0));
/// let h = [Attempt { at: t0, outcome: VerifyOutcome::NotYetKnown }];
/// assert_eq!(p.next(&h, t0), NextAction::RetryAt(t0 + TimeDelta::days(1)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecheckPolicy {
    /// Offsets from the first counted attempt at which to try; the first is normally zero.
    pub schedule: Vec<TimeDelta>,
    /// When the schedule is spent: escalate to a person (`true`) or give up.
    pub escalate_when_exhausted: bool,
    /// The wait after a rate limit that did not say how long.
    pub rate_limit_wait: TimeDelta,
    /// The wait after an outage or refused credentials.
    pub outage_wait: TimeDelta,
    /// How many uncounted answers in a row (limits, outages) before a person is asked.
    pub max_free_attempts: u32,
}

impl Default for RecheckPolicy {
    fn default() -> Self {
        RecheckPolicy {
            schedule: vec![TimeDelta::zero(), TimeDelta::days(1), TimeDelta::days(3)],
            escalate_when_exhausted: true,
            rate_limit_wait: TimeDelta::hours(1),
            outage_wait: TimeDelta::minutes(15),
            max_free_attempts: 48,
        }
    }
}

impl RecheckPolicy {
    /// The next action after `history` (oldest first), as of `now`.
    pub fn next(&self, history: &[Attempt], now: NaiveDateTime) -> NextAction {
        let Some(last) = history.last() else {
            return NextAction::RetryAt(now);
        };
        match &last.outcome {
            VerifyOutcome::Verified { .. } => return NextAction::Done,
            VerifyOutcome::Invalid { .. } => {
                return match last.outcome.segment() {
                    Some(super::VerifySegment::AwaitingOperator) => NextAction::Escalate,
                    _ => NextAction::GiveUp,
                };
            }
            _ => {}
        }
        let exhausted = || {
            if self.escalate_when_exhausted {
                NextAction::Escalate
            } else {
                NextAction::GiveUp
            }
        };
        if !last.outcome.counts_as_attempt() {
            let free_run = history
                .iter()
                .rev()
                .take_while(|a| !a.outcome.counts_as_attempt())
                .count();
            if free_run >= self.max_free_attempts as usize {
                return exhausted();
            }
            let wait = match last.outcome {
                VerifyOutcome::RateLimited {
                    retry_after_secs: Some(s),
                } => TimeDelta::try_seconds(i64::try_from(s).unwrap_or(i64::MAX))
                    .unwrap_or(TimeDelta::MAX),
                VerifyOutcome::RateLimited { .. } => self.rate_limit_wait,
                _ => self.outage_wait,
            };
            // A rate limit or outage never moves the shopper's schedule earlier.
            let scheduled = self.scheduled(history).unwrap_or(last.at);
            let at = last
                .at
                .checked_add_signed(wait)
                .unwrap_or(NaiveDateTime::MAX);
            return NextAction::RetryAt(at.max(scheduled).max(now));
        }
        match self.scheduled(history) {
            Some(at) => NextAction::RetryAt(at.max(now)),
            None => exhausted(),
        }
    }

    /// When the next counted attempt is due, or `None` when the schedule is spent.
    fn scheduled(&self, history: &[Attempt]) -> Option<NaiveDateTime> {
        let mut counted = history.iter().filter(|a| a.outcome.counts_as_attempt());
        let Some(first) = counted.next() else {
            // Nothing counted yet: the first try is due as soon as the outage allows.
            return self.schedule.first().map(|_| NaiveDateTime::MIN);
        };
        let n = 1 + counted.count();
        let offset = self.schedule.get(n)?;
        Some(
            first
                .at
                .checked_add_signed(*offset)
                .unwrap_or(NaiveDateTime::MAX),
        )
    }
}
