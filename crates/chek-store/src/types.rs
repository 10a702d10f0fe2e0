//! The values that go in and out of the ledger.

use chek_core::Lang;
use chek_core::campaign::Decision;
use chek_core::draw::DrawResult;
use chek_core::fiscal::{Channel, ReceiptId};
use chek_core::verify::Attempt;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Which database a [`Ledger`](crate::Ledger) writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// An SQLite file (WAL) or an in-memory database.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How to store a decision whose status is pending.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RecheckState {
    /// Ask the provider again at `next_at`; `attempts` is the whole history so far (oldest
    /// first), as the core's [`RecheckPolicy`](chek_core::verify::RecheckPolicy) reads it.
    PendingRecheck {
        /// When the re-check is due (UTC).
        next_at: NaiveDateTime,
        /// Every verification attempt so far.
        attempts: Vec<Attempt>,
    },
    /// A person has to decide (conflict between participants, re-checks spent).
    AwaitingOperator,
    /// No hint: a pending decision is stored as awaiting an operator, so that nothing waits
    /// forever unseen.
    #[default]
    None,
}

/// Where a receipt stands for one participant after a settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// Counted: its lots and points are in the ledger.
    Accepted,
    /// Not counted.
    Rejected,
    /// Waiting for a re-check with the provider.
    PendingRecheck {
        /// When it is due (UTC).
        next_at: NaiveDateTime,
    },
    /// Waiting for a person.
    AwaitingOperator,
}

impl ReceiptStatus {
    /// The stored name: `accepted`, `rejected`, `pending_recheck`, `awaiting_operator`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Accepted => "accepted",
            ReceiptStatus::Rejected => "rejected",
            ReceiptStatus::PendingRecheck { .. } => "pending_recheck",
            ReceiptStatus::AwaitingOperator => "awaiting_operator",
        }
    }

    /// Whether the receipt still holds its claim (accepted or waiting): another participant
    /// sending the same receipt then meets a conflict.
    pub const fn is_claim(self) -> bool {
        !matches!(self, ReceiptStatus::Rejected)
    }

    pub(crate) fn next_at(self) -> Option<NaiveDateTime> {
        match self {
            ReceiptStatus::PendingRecheck { next_at } => Some(next_at),
            _ => None,
        }
    }

    pub(crate) fn from_parts(
        s: &str,
        next_at: Option<NaiveDateTime>,
    ) -> Result<Self, crate::StoreError> {
        Ok(match (s, next_at) {
            ("accepted", _) => ReceiptStatus::Accepted,
            ("rejected", _) => ReceiptStatus::Rejected,
            ("pending_recheck", Some(next_at)) => ReceiptStatus::PendingRecheck { next_at },
            ("awaiting_operator", _) => ReceiptStatus::AwaitingOperator,
            _ => {
                return Err(crate::StoreError::Corrupt(format!(
                    "unknown receipt status {s:?}"
                )));
            }
        })
    }
}

/// One submission to settle: who sent which receipt, how, and how to park it if pending.
///
/// ```
/// use chek_core::fiscal::Channel;
/// use chek_store::Settlement;
/// let t = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
/// let s = Settlement::new("demo", "tg:1", Channel::Qr, t,
///     "t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1")
///     .with_idempotency_key("msg-1");
/// assert!(s.serialize_campaign);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    /// Campaign id.
    pub campaign: String,
    /// Participant id.
    pub participant: String,
    /// The caller's key for this submission (a message id): a retry with the same key
    /// returns the stored result and earns nothing again. Unique per campaign.
    pub idempotency_key: Option<String>,
    /// How the receipt came in.
    pub channel: Channel,
    /// When it came in (UTC; for re-checks, when the re-check ran).
    pub received_at: NaiveDateTime,
    /// The canonical QR string (`t=…&s=…&fn=…&i=…&fp=…&n=…`); the receipt identity comes from it.
    pub qr: String,
    /// The verified receipt as JSON, if a provider returned it.
    pub receipt: Option<serde_json::Value>,
    /// How to store a pending decision.
    pub status_hint: RecheckState,
    /// Serialize this settle with every other settle of the campaign, so a campaign budget
    /// (`caps.budget_*`) cannot be overspent. Per-participant caps and receipt uniqueness are
    /// always enforced; this only matters on PostgreSQL (SQLite serializes all writes). Set it
    /// from [`needs_campaign_lock`](crate::needs_campaign_lock); `true` by default, the safe side.
    /// Without effect when [`budget`](Self::budget) is given.
    pub serialize_campaign: bool,
    /// The campaign's budget, when the ledger may check it at commit instead of serializing
    /// the campaign's settles: on PostgreSQL a settle then decides on the campaign's figures as
    /// committed, and its commit, which passes the campaign's chain head anyway, refuses to
    /// exceed the budget, in which case the settle runs again on fresh figures (and, after a
    /// few tries, serialized). The outcome is the one a serialized settle would have had. Set it
    /// from [`budget_of`](crate::budget_of).
    pub budget: Option<Budget>,
    /// The code of the verification answer behind a rejection or a pending state
    /// (`verify.fiscal_data_rejected`, `verify.not_yet_known`…). Stored first among the
    /// submission's reasons, so the report counts what ФНС said, not only what the campaign
    /// said.
    pub verification_reason: Option<String>,
    /// The day and week windows the evaluation counts in (from
    /// [`Campaign::history_windows`](chek_core::campaign::Campaign::history_windows) at the
    /// evaluation's time): the settle then reads the participant's recent receipts as two sums,
    /// whatever their number. `None`: the last nine days by quarter hour.
    pub windows: Option<chek_core::campaign::HistoryWindows>,
    /// The participant's language, recorded with the participant in the same transaction
    /// (segments list it, so a bot writes to each member in theirs). `None` leaves it as it is
    /// (Russian for a new participant).
    pub lang: Option<Lang>,
}

impl Settlement {
    /// A settlement without idempotency key, receipt JSON or pending hint, serialized
    /// campaign-wide.
    pub fn new(
        campaign: impl Into<String>,
        participant: impl Into<String>,
        channel: Channel,
        received_at: NaiveDateTime,
        qr: impl Into<String>,
    ) -> Self {
        Settlement {
            campaign: campaign.into(),
            participant: participant.into(),
            idempotency_key: None,
            channel,
            received_at,
            qr: qr.into(),
            receipt: None,
            status_hint: RecheckState::None,
            serialize_campaign: true,
            budget: None,
            verification_reason: None,
            windows: None,
            lang: None,
        }
    }

    /// With an idempotency key.
    #[must_use]
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// With the participant's language.
    #[must_use]
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// With the code of the verification answer behind the outcome.
    #[must_use]
    pub fn with_verification_reason(mut self, code: impl Into<String>) -> Self {
        self.verification_reason = Some(code.into());
        self
    }

    /// With the pending hint.
    #[must_use]
    pub fn with_status_hint(mut self, hint: RecheckState) -> Self {
        self.status_hint = hint;
        self
    }

    /// With the campaign's budget (see [`budget`](Self::budget)).
    #[must_use]
    pub fn with_budget(mut self, budget: Option<Budget>) -> Self {
        self.budget = budget;
        self
    }

    /// With the verified receipt JSON.
    #[must_use]
    pub fn with_receipt(mut self, receipt: serde_json::Value) -> Self {
        self.receipt = Some(receipt);
        self
    }
}

/// A campaign's budget: lots and points it may give out in all (`caps.budget_lots`,
/// `caps.budget_points`), `None` for no limit on that one.
///
/// ```
/// let b = chek_store::Budget { lots: Some(1000), points: None };
/// assert!(b.allows(999, 5_000_000) && !b.allows(1001, 0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Budget {
    /// Lots in all, if limited.
    pub lots: Option<u64>,
    /// Points in all, if limited.
    pub points: Option<u64>,
}

impl Budget {
    /// Whether `lots` and `points` given out in all stay within the budget.
    pub fn allows(&self, lots: u64, points: u64) -> bool {
        self.lots.is_none_or(|b| lots <= b) && self.points.is_none_or(|b| points <= b)
    }
}

/// What a settle did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settled {
    /// The decision (for a replay, the one stored the first time).
    pub decision: Decision,
    /// Where the receipt stands.
    pub status: ReceiptStatus,
    /// `true` when the idempotency key was seen before: nothing was written or earned.
    pub replayed: bool,
    /// The submission row.
    pub submission_id: i64,
}

/// An input that never became a receipt (unreadable photo, a QR that is not fiscal), kept for
/// the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedSubmission {
    /// Campaign id.
    pub campaign: String,
    /// Participant id.
    pub participant: String,
    /// The caller's key; a failure with a key already seen is not recorded twice.
    pub idempotency_key: Option<String>,
    /// The channel, when known.
    pub channel: Option<Channel>,
    /// When it came in (UTC).
    pub received_at: NaiveDateTime,
    /// The error code, e.g. `scan.no_qr`.
    pub code: String,
    /// A short description for the operator (cut to 1000 characters).
    pub detail: String,
}

/// A receipt whose re-check is due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingRecheck {
    /// Campaign id.
    pub campaign: String,
    /// Participant id.
    pub participant: String,
    /// Their language.
    pub lang: Lang,
    /// The receipt.
    pub receipt: ReceiptId,
    /// The canonical QR string it was submitted with.
    pub qr: String,
    /// How it came in.
    pub channel: Channel,
    /// When it first came in (UTC).
    pub first_received_at: NaiveDateTime,
    /// When the re-check is due (UTC).
    pub next_at: NaiveDateTime,
    /// Every verification attempt so far.
    pub attempts: Vec<Attempt>,
}

/// A draw of one period: the commitment first, the result once revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// Campaign id.
    pub campaign: String,
    /// The period's name, e.g. `2026-W38` or `final`.
    pub period: String,
    /// SHA-256 of the secret seed, hex, published before the draw.
    pub seed_commitment: String,
    /// The draw (revealed seed, beacon, winners), once run.
    pub result: Option<DrawResult>,
    /// When the commitment was recorded (UTC); a reveal keeps it.
    pub recorded_at: NaiveDateTime,
    /// The prize set drawn (`main` unless named): one draw per period and prize set.
    #[serde(default = "main_prize_set")]
    pub prize_set: String,
    /// First day (campaign-local) whose lots count; required for a new commitment.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (campaign-local, inclusive).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// The public randomness source the draw will use (`drand-quicknet`…), named in advance.
    #[serde(default)]
    pub beacon_source: Option<String>,
    /// The source's round (a future one when committed) whose value is the beacon.
    #[serde(default)]
    pub beacon_round: Option<String>,
    /// When the result was revealed (UTC).
    #[serde(default)]
    pub drawn_at: Option<NaiveDateTime>,
}

fn main_prize_set() -> String {
    "main".to_owned()
}

impl DrawRecord {
    /// A commitment: campaign-local days `from..=to`, the seed's SHA-256, the future beacon
    /// round, recorded at `at`. Set `prize_set` for a second draw over the same days.
    ///
    /// ```
    /// let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    /// let c = chek_store::DrawRecord::commitment("demo", "nov", d, d, "ab".repeat(32),
    ///     "drand-quicknet", "12345", d.and_hms_opt(0, 0, 0).unwrap());
    /// assert_eq!(c.prize_set, "main");
    /// assert!(c.result.is_none());
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn commitment(
        campaign: impl Into<String>,
        period: impl Into<String>,
        from: NaiveDate,
        to: NaiveDate,
        seed_commitment: impl Into<String>,
        beacon_source: impl Into<String>,
        beacon_round: impl Into<String>,
        at: NaiveDateTime,
    ) -> Self {
        DrawRecord {
            campaign: campaign.into(),
            period: period.into(),
            seed_commitment: seed_commitment.into(),
            result: None,
            recorded_at: at,
            prize_set: main_prize_set(),
            from: Some(from),
            to: Some(to),
            beacon_source: Some(beacon_source.into()),
            beacon_round: Some(beacon_round.into()),
            drawn_at: None,
        }
    }
}

/// One participant in a problem segment, with the receipt that put them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentMember {
    /// Participant id.
    pub participant: String,
    /// Their language.
    pub lang: Lang,
    /// The receipt (`fn:fd:fp`).
    pub receipt: String,
    /// Since when (UTC).
    pub since: NaiveDateTime,
}

/// One day of the report. Each receipt a participant sent counts once, in its current status, on
/// the day it was first sent; repeated sends of an already accepted receipt count as rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DayCounts {
    /// The day (UTC).
    pub day: NaiveDate,
    /// Accepted.
    pub accepted: u64,
    /// Rejected.
    pub rejected: u64,
    /// Waiting for a re-check.
    pub pending: u64,
    /// Waiting for a person.
    pub awaiting_operator: u64,
    /// Inputs that never became a receipt.
    pub failed: u64,
    /// Lots credited for receipts first sent that day.
    pub lots: u64,
    /// Points credited for receipts first sent that day.
    pub points: u64,
}

/// How often a reason code kept a receipt from counting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The code, e.g. `campaign.after_period` or `scan.no_qr`.
    pub code: String,
    /// How many submissions carried it.
    pub count: u64,
}

/// The campaign's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Campaign id.
    pub campaign: String,
    /// Per day, oldest first.
    pub days: Vec<DayCounts>,
    /// All days together (`day` is the first day, or the epoch when empty).
    pub total: DayCounts,
    /// Participants known to the ledger.
    pub participants: u64,
    /// Lots credited campaign-wide (the accruals ledger).
    pub lots: u64,
    /// Points credited campaign-wide.
    pub points: u64,
    /// The most frequent reasons for not counting, most frequent first (at most 10).
    pub top_reasons: Vec<ReasonCount>,
}

/// One receipt a participant sent, where it stands now: one entry per receipt and participant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ReceiptEntry {
    /// The receipt.
    pub receipt: ReceiptId,
    /// How it first came in.
    pub channel: Channel,
    /// The canonical QR string.
    pub qr: String,
    /// Its status (`status`, and `next_at` while a re-check is pending).
    #[serde(flatten)]
    pub status: ReceiptStatus,
    /// Lots it earned (counted only while accepted).
    pub lots: u64,
    /// Points it earned.
    pub points: u64,
    /// When the participant first sent it (UTC).
    pub first_at: NaiveDateTime,
    /// When it was counted (UTC), once accepted.
    pub counted_at: Option<NaiveDateTime>,
    /// Its last change (UTC).
    pub updated_at: NaiveDateTime,
}

/// What a participant holds in a campaign: counted receipts, lots and points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Balance {
    /// Participant id.
    pub participant: String,
    /// Receipts counted.
    pub counted: u64,
    /// Lots credited.
    pub lots: u64,
    /// Points credited.
    pub points: u64,
}

/// A participant's history in a campaign: their balance and every receipt they sent, oldest
/// first, as the ledger holds them now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantRecord {
    /// Campaign id.
    pub campaign: String,
    /// Participant id.
    pub participant: String,
    /// Their language.
    pub lang: Lang,
    /// When the ledger first saw them (UTC).
    pub since: NaiveDateTime,
    /// Receipts counted, lots and points (the running totals the settles keep).
    #[serde(flatten)]
    pub balance: Balance,
    /// Every receipt they sent, by the time they first sent it.
    pub receipts: Vec<ReceiptEntry>,
}
