//! The outbox: every message chek sends is a row here before it goes anywhere.
//!
//! A message is enqueued once per idempotency key (a retry of the decision that caused it finds
//! the row already there), claimed by a dispatcher under a lease, sent, and finished with what
//! the provider said. A dispatcher that dies mid-batch leaves its rows `sending`; when the lease
//! runs out another claim takes them over with [`OutboxMessage::in_doubt`] set, because the
//! earlier attempt may have reached the provider. A provider that deduplicates by a client
//! message id is then given the same [`OutboxMessage::key`] and sends nothing twice; any other
//! sends at most once more. Finishing is fenced by the attempt number, so a dispatcher whose
//! lease was taken over cannot overwrite the newer attempt's result.
//!
//! Engagement steps enqueue their replies in their own transaction
//! ([`Ledger::care_record_sending`]); a receipt reply is keyed by the settlement's idempotency
//! key, so a replayed settle enqueues nothing new (see `docs/outbox.md`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::{Ledger, StoreError};

/// The longest idempotency key, in bytes.
pub const MAX_OUTBOX_KEY: usize = 512;
/// The longest channel name, in bytes.
pub const MAX_CHANNEL: usize = 64;
/// The longest recipient, in bytes.
pub const MAX_RECIPIENT: usize = 256;
/// The longest message body, in bytes (a long SMS is 1 530 characters, a Telegram message
/// 4 096 UTF-16 units: both fit many times).
pub const MAX_BODY: usize = 64 * 1024;
/// The most rows one claim takes.
pub const MAX_CLAIM: usize = 1000;
/// The longest lease one claim may hold.
pub const MAX_LEASE: Duration = Duration::from_secs(3600);
/// The longest error or reason kept with a row, in bytes (longer ones are cut).
pub const MAX_ERROR: usize = 2048;

/// A message to enqueue.
///
/// ```
/// use chek_store::NewMessage;
/// let at = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
/// let m = NewMessage::new("reply:tg-update-17", "telegram", "tg:42", "Чек принят", at);
/// assert_eq!(m.channel, "telegram");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMessage {
    /// The idempotency key: one row per key, ever.
    pub key: String,
    /// Which adapter sends it (`telegram`, `sms`, `voice`, or a host's own name).
    pub channel: String,
    /// Who gets it, in the channel's terms (a chat id, a phone number).
    pub recipient: String,
    /// The text (or a JSON document the channel's sender understands).
    pub body: String,
    /// Not sent before this time (UTC).
    pub due_at: NaiveDateTime,
}

impl NewMessage {
    /// A message due at `due_at`.
    pub fn new(
        key: impl Into<String>,
        channel: impl Into<String>,
        recipient: impl Into<String>,
        body: impl Into<String>,
        due_at: NaiveDateTime,
    ) -> NewMessage {
        NewMessage {
            key: key.into(),
            channel: channel.into(),
            recipient: recipient.into(),
            body: body.into(),
            due_at,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        check_text("the outbox key", &self.key, MAX_OUTBOX_KEY)?;
        check_text("the channel", &self.channel, MAX_CHANNEL)?;
        check_text("the recipient", &self.recipient, MAX_RECIPIENT)?;
        if self.body.is_empty() || self.body.len() > MAX_BODY || self.body.contains('\0') {
            return Err(StoreError::Invalid(format!(
                "a message body must be 1–{MAX_BODY} bytes without NUL"
            )));
        }
        Ok(())
    }
}

fn check_text(what: &str, s: &str, max: usize) -> Result<(), StoreError> {
    if s.is_empty() || s.len() > max || s.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!(
            "{what} must be 1–{max} bytes without control characters"
        )));
    }
    Ok(())
}

/// Cuts `s` to [`MAX_ERROR`] bytes on a character boundary.
fn clip(s: &str) -> &str {
    if s.len() <= MAX_ERROR {
        return s;
    }
    let mut end = MAX_ERROR;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// What enqueueing did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enqueued {
    /// The row's id.
    pub id: i64,
    /// `false` when the key was already there (the first message stands).
    pub created: bool,
    /// The row's status now.
    pub status: OutboxStatus,
}

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutboxStatus {
    /// Waiting for its time or for a dispatcher.
    Queued,
    /// Claimed by a dispatcher until its lease ends.
    Sending,
    /// The provider took it.
    Sent,
    /// Given up on (the provider refused it for good, or the retries ran out).
    Failed,
    /// Not sent on purpose (the contact policy said no at send time).
    Skipped,
}

impl OutboxStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [OutboxStatus; 5] = [
        OutboxStatus::Queued,
        OutboxStatus::Sending,
        OutboxStatus::Sent,
        OutboxStatus::Failed,
        OutboxStatus::Skipped,
    ];

    /// The stored name.
    ///
    /// ```
    /// assert_eq!(chek_store::OutboxStatus::Sent.as_str(), "sent");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Skipped => "skipped",
        }
    }

    /// Whether nothing more will happen to the row (delivery reports aside).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OutboxStatus::Sent | OutboxStatus::Failed | OutboxStatus::Skipped
        )
    }
}

impl fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutboxStatus {
    type Err = StoreError;

    /// ```
    /// assert_eq!("queued".parse::<chek_store::OutboxStatus>()?, chek_store::OutboxStatus::Queued);
    /// assert!("nope".parse::<chek_store::OutboxStatus>().is_err());
    /// # Ok::<(), chek_store::StoreError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutboxStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "{s:?} is not an outbox status (queued, sending, sent, failed, skipped)"
                ))
            })
    }
}

/// A row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    /// The row's id.
    pub id: i64,
    /// The idempotency key (also the client message id given to providers that take one).
    pub key: String,
    /// The channel.
    pub channel: String,
    /// The recipient.
    pub recipient: String,
    /// The body.
    pub body: String,
    /// Where it is.
    pub status: OutboxStatus,
    /// Not sent before this time.
    pub due_at: NaiveDateTime,
    /// Claims so far; a claim's number fences its [`Ledger::outbox_finish`].
    pub attempts: u32,
    /// While `sending`: when the claim's lease ends.
    pub lease_until: Option<NaiveDateTime>,
    /// The claim took over an attempt whose lease ran out: that attempt may have been sent.
    pub in_doubt: bool,
    /// How many claims took the row over so far (a dispatcher that cannot ask the provider
    /// resends an in-doubt message only after the first).
    pub takeovers: u32,
    /// The provider's message id, once sent.
    pub provider_id: Option<String>,
    /// The last delivery status the provider reported.
    pub delivery: Option<String>,
    /// The last error (a retry's, a failure's) or a skip's reason.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: NaiveDateTime,
    /// When it was sent, failed or skipped.
    pub finished_at: Option<NaiveDateTime>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finish {
    /// The provider took it (with its message id when it gives one).
    Sent {
        /// The provider's message id.
        provider_id: Option<String>,
    },
    /// Try again at `at` (backoff, or the provider's `Retry-After`).
    Retry {
        /// When.
        at: NaiveDateTime,
        /// Why this attempt did not go through.
        error: String,
    },
    /// Give up.
    Failed {
        /// Why.
        error: String,
    },
    /// Not sent on purpose.
    Skipped {
        /// Why (a contact-policy reason code).
        reason: String,
    },
}

/// How many rows are in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// Queued.
    pub queued: u64,
    /// Sending.
    pub sending: u64,
    /// Sent.
    pub sent: u64,
    /// Failed.
    pub failed: u64,
    /// Skipped.
    pub skipped: u64,
}

/// The columns every outbox read selects, in [`RawMessage`]'s order (a macro, so `concat!`
/// builds `'static` statements).
macro_rules! outbox_columns {
    () => {
        "id, key, channel, recipient, body, status, due_at, attempts, lease_until, in_doubt, \
         takeovers, provider_id, delivery, last_error, created_at, finished_at"
    };
}
pub(crate) use outbox_columns;

/// A row as a backend read it, before its status is checked.
pub(crate) struct RawMessage {
    pub(crate) id: i64,
    pub(crate) key: String,
    pub(crate) channel: String,
    pub(crate) recipient: String,
    pub(crate) body: String,
    pub(crate) status: String,
    pub(crate) due_at: NaiveDateTime,
    pub(crate) attempts: i64,
    pub(crate) lease_until: Option<NaiveDateTime>,
    pub(crate) in_doubt: bool,
    pub(crate) takeovers: i64,
    pub(crate) provider_id: Option<String>,
    pub(crate) delivery: Option<String>,
    pub(crate) last_error: Option<String>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) finished_at: Option<NaiveDateTime>,
}

impl RawMessage {
    pub(crate) fn decode(self) -> Result<OutboxMessage, StoreError> {
        let status = self.status.parse().map_err(|_| {
            StoreError::Corrupt(format!(
                "outbox row {} has status {:?}",
                self.id, self.status
            ))
        })?;
        let attempts = u32::try_from(self.attempts).map_err(|_| {
            StoreError::Corrupt(format!(
                "outbox row {} has {} attempts",
                self.id, self.attempts
            ))
        })?;
        Ok(OutboxMessage {
            id: self.id,
            key: self.key,
            channel: self.channel,
            recipient: self.recipient,
            body: self.body,
            status,
            due_at: self.due_at,
            attempts,
            lease_until: self.lease_until,
            in_doubt: self.in_doubt,
            takeovers: u32::try_from(self.takeovers).map_err(|_| {
                StoreError::Corrupt(format!(
                    "outbox row {} has {} takeovers",
                    self.id, self.takeovers
                ))
            })?,
            provider_id: self.provider_id,
            delivery: self.delivery,
            last_error: self.last_error,
            created_at: self.created_at,
            finished_at: self.finished_at,
        })
    }
}

/// What [`Finish`] writes: the new status, due time, provider id and error.
pub(crate) struct FinishRow<'a> {
    pub(crate) status: &'static str,
    pub(crate) due_at: Option<NaiveDateTime>,
    pub(crate) provider_id: Option<&'a str>,
    pub(crate) error: Option<&'a str>,
    pub(crate) finished: bool,
}

impl Finish {
    pub(crate) fn row(&self) -> Result<FinishRow<'_>, StoreError> {
        let row = match self {
            Finish::Sent { provider_id } => {
                if let Some(p) = provider_id {
                    check_text("a provider id", p, MAX_RECIPIENT)?;
                }
                FinishRow {
                    status: "sent",
                    due_at: None,
                    provider_id: provider_id.as_deref(),
                    error: None,
                    finished: true,
                }
            }
            Finish::Retry { at, error } => FinishRow {
                status: "queued",
                due_at: Some(*at),
                provider_id: None,
                error: Some(clip(error)),
                finished: false,
            },
            Finish::Failed { error } => FinishRow {
                status: "failed",
                due_at: None,
                provider_id: None,
                error: Some(clip(error)),
                finished: true,
            },
            Finish::Skipped { reason } => FinishRow {
                status: "skipped",
                due_at: None,
                provider_id: None,
                error: Some(clip(reason)),
                finished: true,
            },
        };
        Ok(row)
    }
}

/// What each backend does for the outbox; every method is one transaction.
pub(crate) trait OutboxBackend {
    fn outbox_enqueue(&self, m: &NewMessage, now: NaiveDateTime) -> Result<Enqueued, StoreError>;
    fn outbox_claim(
        &self,
        now: NaiveDateTime,
        limit: usize,
        lease_until: NaiveDateTime,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
    fn outbox_finish(
        &self,
        id: i64,
        attempt: u32,
        row: &FinishRow<'_>,
        now: NaiveDateTime,
    ) -> Result<bool, StoreError>;
    fn outbox_delivery(
        &self,
        channel: &str,
        provider_id: &str,
        delivery: &str,
    ) -> Result<bool, StoreError>;
    fn outbox_get(&self, key: &str) -> Result<Option<OutboxMessage>, StoreError>;
    fn outbox_list(
        &self,
        status: Option<OutboxStatus>,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError>;
}

/// Compares an enqueue with the row its key already has: the same message is a retry, another
/// one is a host bug that must not pass silently.
pub(crate) fn same_message(m: &NewMessage, stored: &OutboxMessage) -> Result<(), StoreError> {
    if stored.channel == m.channel && stored.recipient == m.recipient && stored.body == m.body {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "outbox key {:?} is already used for another message",
            m.key
        )))
    }
}

/// Counts from `(status, n)` rows.
pub(crate) fn counts_of(rows: Vec<(String, i64)>) -> Result<OutboxCounts, StoreError> {
    let mut c = OutboxCounts::default();
    for (status, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        match status.parse::<OutboxStatus>() {
            Ok(OutboxStatus::Queued) => c.queued = n,
            Ok(OutboxStatus::Sending) => c.sending = n,
            Ok(OutboxStatus::Sent) => c.sent = n,
            Ok(OutboxStatus::Failed) => c.failed = n,
            Ok(OutboxStatus::Skipped) => c.skipped = n,
            Err(_) => {
                return Err(StoreError::Corrupt(format!(
                    "the outbox has rows with status {status:?}"
                )));
            }
        }
    }
    Ok(c)
}

impl Ledger {
    /// Enqueues a message once per key. The same key again returns the first row
    /// (`created: false`); the same key with another channel, recipient or body is a
    /// [`StoreError::Conflict`].
    ///
    /// ```
    /// use chek_store::{Ledger, NewMessage, OutboxStatus};
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let m = NewMessage::new("reply:1", "telegram", "42", "Чек принят", now);
    /// let first = l.outbox_enqueue(&m, now)?;
    /// assert!(first.created);
    /// let again = l.outbox_enqueue(&m, now)?;
    /// assert_eq!((again.id, again.created, again.status), (first.id, false, OutboxStatus::Queued));
    /// # Ok::<(), chek_store::StoreError>(())
    /// ```
    pub fn outbox_enqueue(
        &self,
        m: &NewMessage,
        now: NaiveDateTime,
    ) -> Result<Enqueued, StoreError> {
        m.validate()?;
        self.outbox_backend(|b| b.outbox_enqueue(m, now))
    }

    /// Claims up to `limit` messages due at `now` (queued ones whose time has come, and sending
    /// ones whose lease has run out, marked [`OutboxMessage::in_doubt`]), oldest due first, for
    /// `lease`. Concurrent claims, in threads or processes, never get the same row.
    ///
    /// ```
    /// use chek_store::{Finish, Ledger, NewMessage, OutboxStatus};
    /// use std::time::Duration;
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// l.outbox_enqueue(&NewMessage::new("k1", "sms", "+79161234567", "Код 1234", now), now)?;
    /// let batch = l.outbox_claim(now, 10, Duration::from_secs(60))?;
    /// assert_eq!(batch.len(), 1);
    /// assert!(l.outbox_claim(now, 10, Duration::from_secs(60))?.is_empty(), "leased");
    /// let m = &batch[0];
    /// assert!(l.outbox_finish(m.id, m.attempts, &Finish::Sent { provider_id: Some("p-1".into()) }, now)?);
    /// assert_eq!(l.outbox_get("k1")?.unwrap().status, OutboxStatus::Sent);
    /// # Ok::<(), chek_store::StoreError>(())
    /// ```
    pub fn outbox_claim(
        &self,
        now: NaiveDateTime,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 || limit > MAX_CLAIM {
            return Err(StoreError::Invalid(format!(
                "a claim takes 1–{MAX_CLAIM} messages"
            )));
        }
        if lease.is_zero() || lease > MAX_LEASE {
            return Err(StoreError::Invalid(format!(
                "a lease is longer than zero and at most {} s",
                MAX_LEASE.as_secs()
            )));
        }
        let lease = chrono::TimeDelta::from_std(lease)
            .map_err(|_| StoreError::Invalid("the lease is out of range".into()))?;
        let until = now
            .checked_add_signed(lease)
            .ok_or_else(|| StoreError::Invalid("the lease ends out of range".into()))?;
        self.outbox_backend(|b| b.outbox_claim(now, limit, until))
    }

    /// Records how attempt `attempt` of message `id` ended. Returns `false`, and changes
    /// nothing, when that attempt no longer holds the row (its lease was taken over, or it was
    /// finished already): the caller's result is stale.
    pub fn outbox_finish(
        &self,
        id: i64,
        attempt: u32,
        how: &Finish,
        now: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        let row = how.row()?;
        self.outbox_backend(|b| b.outbox_finish(id, attempt, &row, now))
    }

    /// Records a delivery status the provider reported for its message `provider_id` on
    /// `channel` (a delivery-report webhook). Returns whether such a message was found.
    ///
    /// ```
    /// use chek_store::{Finish, Ledger, NewMessage};
    /// use std::time::Duration;
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// l.outbox_enqueue(&NewMessage::new("k1", "sms", "+79161234567", "Код 1234", now), now)?;
    /// let m = l.outbox_claim(now, 1, Duration::from_secs(60))?.remove(0);
    /// l.outbox_finish(m.id, m.attempts, &Finish::Sent { provider_id: Some("777".into()) }, now)?;
    /// assert!(l.outbox_delivery("sms", "777", "delivered")?);
    /// assert_eq!(l.outbox_get("k1")?.unwrap().delivery.as_deref(), Some("delivered"));
    /// assert!(!l.outbox_delivery("sms", "778", "delivered")?);
    /// # Ok::<(), chek_store::StoreError>(())
    /// ```
    pub fn outbox_delivery(
        &self,
        channel: &str,
        provider_id: &str,
        delivery: &str,
    ) -> Result<bool, StoreError> {
        check_text("the channel", channel, MAX_CHANNEL)?;
        check_text("a provider id", provider_id, MAX_RECIPIENT)?;
        check_text("a delivery status", delivery, MAX_CHANNEL)?;
        self.outbox_backend(|b| b.outbox_delivery(channel, provider_id, delivery))
    }

    /// The message with this key.
    pub fn outbox_get(&self, key: &str) -> Result<Option<OutboxMessage>, StoreError> {
        check_text("the outbox key", key, MAX_OUTBOX_KEY)?;
        self.outbox_backend(|b| b.outbox_get(key))
    }

    /// Up to `limit` (at most [`MAX_CLAIM`]) messages, all or in one status, oldest first.
    pub fn outbox_list(
        &self,
        status: Option<OutboxStatus>,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 || limit > MAX_CLAIM {
            return Err(StoreError::Invalid(format!(
                "a list takes 1–{MAX_CLAIM} messages"
            )));
        }
        self.outbox_backend(|b| b.outbox_list(status, limit))
    }

    /// How many messages are in each status.
    pub fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.outbox_backend(|b| b.outbox_counts())
    }
}
