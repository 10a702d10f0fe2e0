//! The dispatcher: one pass over the due outbox rows.

use std::fmt;
use std::time::Duration;

use chek_store::{Finish, Ledger, OutboxMessage, StoreError};
use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;

/// What a provider said when it took a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivered {
    /// The provider's message id, kept for delivery reports.
    pub provider_id: Option<String>,
}

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// Try again later (rate limit, provider down, timeout): `code` is the channel error's
    /// code, `after` the provider's `Retry-After` when it gave one.
    Retry {
        /// A stable error code (`channel.rate_limited`, …).
        code: String,
        /// Not before this long.
        after: Option<Duration>,
    },
    /// Do not try again (the user blocked the bot, the number does not exist, the text was
    /// refused).
    Permanent {
        /// A stable error code.
        code: String,
    },
}

impl SendError {
    /// The error's code.
    pub fn code(&self) -> &str {
        match self {
            SendError::Retry { code, .. } | SendError::Permanent { code } => code,
        }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Retry { code, after } => match after {
                Some(a) => write!(f, "{code} (retry after {} s)", a.as_secs()),
                None => write!(f, "{code} (retry)"),
            },
            SendError::Permanent { code } => write!(f, "{code}"),
        }
    }
}

impl std::error::Error for SendError {}

/// One channel's way out: a Telegram bot, an SMS gateway, a robot-call service, or the host's
/// own transport.
pub trait Sender: Send + Sync {
    /// The outbox channel name this sender serves.
    fn channel(&self) -> &str;

    /// Whether the provider drops a second message with the same client message id (the
    /// outbox key, which [`Sender::send`] should pass on). Then a message whose earlier attempt
    /// is in doubt is simply sent again; otherwise it is sent again at most once.
    fn dedupes(&self) -> bool {
        false
    }

    /// Sends one message.
    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError>;
}

/// The contact policy asked at send time: `Some(reason)` skips the message (quiet hours that
/// began since it was planned, a cap reached, an opt-out).
pub type Gate = dyn Fn(&OutboxMessage, NaiveDateTime) -> Option<String> + Send + Sync;

/// When to try again: `first`, doubled per attempt, at most `max`; after `attempts` attempts
/// the message fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first wait.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Attempts before giving up.
    pub attempts: u32,
}

impl Default for Backoff {
    /// 30 s, doubling to at most an hour, 8 attempts (about two hours in all).
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            attempts: 8,
        }
    }
}

impl Backoff {
    /// The wait after attempt `attempt` (1-based).
    ///
    /// ```
    /// use chek::outbox::Backoff;
    /// use std::time::Duration;
    /// let b = Backoff::default();
    /// assert_eq!(b.wait(1), Duration::from_secs(30));
    /// assert_eq!(b.wait(3), Duration::from_secs(120));
    /// assert_eq!(b.wait(40), Duration::from_secs(3600));
    /// ```
    pub fn wait(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.first.saturating_mul(1u32 << doublings).min(self.max)
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DispatchReport {
    /// Rows claimed.
    pub claimed: usize,
    /// Sent.
    pub sent: usize,
    /// Put back for a later attempt.
    pub retried: usize,
    /// Given up on.
    pub failed: usize,
    /// Skipped by the contact policy.
    pub skipped: usize,
    /// Results refused because another dispatcher had taken the row over meanwhile.
    pub stale: usize,
}

/// Claims due outbox rows and sends them. One pass is [`Dispatcher::run_once`]; a service
/// calls it in a loop (several dispatchers, in threads or on several servers, may run at once:
/// a row is claimed by one at a time).
pub struct Dispatcher {
    senders: Vec<Box<dyn Sender>>,
    gate: Option<Box<Gate>>,
    batch: usize,
    lease: Duration,
    backoff: Backoff,
}

impl fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dispatcher")
            .field(
                "channels",
                &self.senders.iter().map(|s| s.channel()).collect::<Vec<_>>(),
            )
            .field("gate", &self.gate.is_some())
            .field("batch", &self.batch)
            .field("lease", &self.lease)
            .field("backoff", &self.backoff)
            .finish()
    }
}

impl Default for Dispatcher {
    fn default() -> Self {
        Dispatcher::new()
    }
}

impl Dispatcher {
    /// No senders yet; batches of 50 under a 5-minute lease; [`Backoff::default`].
    pub fn new() -> Dispatcher {
        Dispatcher {
            senders: Vec::new(),
            gate: None,
            batch: 50,
            lease: Duration::from_secs(300),
            backoff: Backoff::default(),
        }
    }

    /// Adds the sender of a channel (a later one for the same channel replaces it).
    pub fn with_sender(mut self, s: Box<dyn Sender>) -> Dispatcher {
        self.senders.retain(|o| o.channel() != s.channel());
        self.senders.push(s);
        self
    }

    /// Sets the contact policy asked before each send.
    pub fn with_gate(mut self, gate: Box<Gate>) -> Dispatcher {
        self.gate = Some(gate);
        self
    }

    /// Rows per claim (1–[`chek_store::MAX_CLAIM`]).
    pub fn with_batch(mut self, batch: usize) -> Dispatcher {
        self.batch = batch;
        self
    }

    /// How long a claim holds its rows: longer than a batch takes to send, or another
    /// dispatcher takes them over while they are being sent.
    pub fn with_lease(mut self, lease: Duration) -> Dispatcher {
        self.lease = lease;
        self
    }

    /// Sets the retry schedule.
    pub fn with_backoff(mut self, backoff: Backoff) -> Dispatcher {
        self.backoff = backoff;
        self
    }

    /// Claims one batch due at `now`, sends it and records each result. Ledger errors stop the
    /// pass (the rows not finished are taken over when their lease ends).
    pub fn run_once(
        &self,
        ledger: &Ledger,
        now: NaiveDateTime,
    ) -> Result<DispatchReport, StoreError> {
        let batch = ledger.outbox_claim(now, self.batch, self.lease)?;
        let mut report = DispatchReport {
            claimed: batch.len(),
            ..DispatchReport::default()
        };
        for m in &batch {
            let how = self.decide(m, now);
            match &how {
                Finish::Sent { .. } => report.sent += 1,
                Finish::Retry { .. } => report.retried += 1,
                Finish::Failed { .. } => report.failed += 1,
                Finish::Skipped { .. } => report.skipped += 1,
                _ => {}
            }
            if !ledger.outbox_finish(m.id, m.attempts, &how, now)? {
                report.stale += 1;
            }
        }
        Ok(report)
    }

    fn decide(&self, m: &OutboxMessage, now: NaiveDateTime) -> Finish {
        let Some(sender) = self.senders.iter().find(|s| s.channel() == m.channel) else {
            return Finish::Failed {
                error: format!("outbox.no_sender: no sender for channel {:?}", m.channel),
            };
        };
        if let Some(reason) = self.gate.as_ref().and_then(|g| g(m, now)) {
            return Finish::Skipped { reason };
        }
        // The first takeover resends (the dead attempt may not have gone out); a second one
        // would risk a third copy, unless the provider drops duplicates by the key.
        if m.in_doubt && m.takeovers > 1 && !sender.dedupes() {
            return Finish::Failed {
                error: "outbox.in_doubt: sent at most once more after a crash already".into(),
            };
        }
        match sender.send(m) {
            Ok(d) => Finish::Sent {
                provider_id: d.provider_id,
            },
            Err(SendError::Permanent { code }) => Finish::Failed { error: code },
            Err(SendError::Retry { code, after }) => {
                if m.attempts >= self.backoff.attempts {
                    return Finish::Failed { error: code };
                }
                let wait = self.backoff.wait(m.attempts).max(after.unwrap_or_default());
                let at = TimeDelta::from_std(wait)
                    .ok()
                    .and_then(|w| now.checked_add_signed(w))
                    .unwrap_or(NaiveDateTime::MAX);
                Finish::Retry { at, error: code }
            }
        }
    }
}
