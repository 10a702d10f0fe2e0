//! # chek-store
//!
//! The durable ledger of chek: participants, every submission with its outcome, receipts with
//! their status (accepted, rejected, pending re-check with the next time, awaiting an operator),
//! an append-only lots and points ledger, draws and problem segments. Two backends behind one
//! behaviour: SQLite (embedded default: a file in WAL mode, or in memory) and PostgreSQL (several
//! app servers, one database).
//!
//! The heart is [`Ledger::settle`]: in **one transaction** it looks up the idempotency key (a
//! retry returns the stored result and earns nothing), serializes what the caps need, loads the
//! [`ParticipantHistory`], calls the campaign's `evaluate`, and writes the submission, the
//! receipt's status, the accrual and the segments together. Caps are therefore checked and
//! spent under the same lock, never check-then-act; a receipt is accepted at most once per
//! campaign (also enforced by a unique index).
//!
//! ```
//! use chek_core::campaign::{Campaign, Status};
//! use chek_core::fiscal::{Candidate, Channel, FiscalQr};
//! use chek_store::{Ledger, ReceiptStatus, Settlement};
//!
//! let campaign = Campaign::from_toml(r#"
//!     id = "demo"
//!     name = "Демо"
//!     [when]
//!     start = "2026-09-01"
//!     end = "2026-09-30"
//!     [what]
//!     require_verification = false
//!     [[earn]]
//!     id = "per-500"
//!     kind = "per_amount"
//!     every = "500"
//!     lots = 1
//! "#)?;
//! let ledger = Ledger::open("sqlite::memory:")?;
//! let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
//! let qr = "t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1";
//! let cand = Candidate::new(qr.parse::<FiscalQr>()?, Channel::Qr);
//!
//! let s = Settlement::new("demo", "tg:1", Channel::Qr, now, qr).with_idempotency_key("msg-1");
//! let first = ledger.settle(&s, &mut |h| campaign.evaluate(&cand, h, now))?;
//! assert_eq!(first.status, ReceiptStatus::Accepted);
//! assert_eq!(first.decision.lots, 3);
//!
//! // The same message again: the stored answer, nothing earned twice.
//! let again = ledger.settle(&s, &mut |h| campaign.evaluate(&cand, h, now))?;
//! assert!(again.replayed);
//! assert_eq!(ledger.lots_by_participant("demo", now - chrono::TimeDelta::days(1), now + chrono::TimeDelta::days(1))?,
//!            vec![("tg:1".to_string(), 3)]);
//!
//! // Another participant with the same receipt: a conflict, held for an operator.
//! let s2 = Settlement::new("demo", "tg:2", Channel::Qr, now, qr);
//! let other = ledger.settle(&s2, &mut |h| campaign.evaluate(&cand, h, now))?;
//! assert_eq!(other.decision.status, Status::Pending);
//! assert_eq!(other.status, ReceiptStatus::AwaitingOperator);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## API (what the engine codes against)
//! - [`Ledger::open`]`(target)`: `postgres://…`/`postgresql://…` → PostgreSQL (TLS as the URL's
//!   `sslmode` says; a pool of [`PG_POOL_SIZE`] connections); `sqlite::memory:`/`:memory:` → in-memory SQLite; anything else
//!   (optionally `sqlite:`-prefixed) → an SQLite file. Runs the migrations.
//! - [`Ledger::settle`], [`Ledger::settle_batch`] (many settles in one transaction: one commit),
//!   [`Ledger::record_failure`], [`Ledger::due_rechecks`], [`Ledger::lots_by_participant`],
//!   [`Ledger::record_draw`], [`Ledger::draws`], [`Ledger::segment`], [`Ledger::report`],
//!   [`Ledger::ensure_participant`], [`Ledger::schema_version`], [`Ledger::backend`].
//! - [`Ledger::verify_chain`], [`Ledger::chain_head`]: every accrual and draw record is a link
//!   of its campaign's hash chain, appended in the transaction that writes it; the walk finds
//!   the first row edited, deleted, reordered or inserted outside chek (docs/ledger-chain.md).
//! - [`Settlement`] has two fields beyond the first sketch: `serialize_campaign` (default `true`;
//!   set it with [`needs_campaign_lock`] so PostgreSQL settles of a campaign without a budget run
//!   in parallel) and `budget` (set it with [`budget_of`]: PostgreSQL then checks a campaign
//!   budget when the settle commits instead of serializing the campaign's settles; the outcome
//!   is the serialized one).
//! - A pending decision with [`RecheckState::None`] is stored as awaiting an operator.
//! - A settle whose `evaluate` accepts a receipt that is already accepted (by anyone) fails with
//!   [`StoreError::Conflict`] and writes nothing: the ledger never counts a receipt twice, even for
//!   a campaign closure that ignores the history.
//! - Times are UTC `NaiveDateTime`; report days are UTC days.
//!
//! Features: `sqlite` and `postgres`, both on by default; a target for a backend left out gives
//! [`StoreError::Unsupported`].
#![forbid(unsafe_code)]

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("chek-store needs a backend: enable the `sqlite` or `postgres` feature");

mod chain;
mod cursor;
mod engage;
mod error;
mod ledger;
mod migrate;
mod outbox;
#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "postgres")]
mod pg_client;
#[cfg(feature = "postgres")]
mod pg_tls;
mod read;
mod settle;
#[cfg(feature = "sqlite")]
mod sqlite;
mod stored;
mod target;
mod types;

pub use chain::{ChainBreak, ChainHead, ChainProblem, ChainReport};
pub use chek_core::campaign::ParticipantHistory;
pub use engage::{
    CardRow, CareCaseHistory, CareCaseRow, CareMerge, CareRecorded, FeedbackResult, Replayed,
    StoredPlan,
};
pub use error::StoreError;
pub use ledger::{Audit, Ledger, OpenOptions, PG_POOL_SIZE, budget_of, needs_campaign_lock};
pub use migrate::SCHEMA_VERSION;
pub use outbox::{
    Enqueued, Finish, MAX_BODY, MAX_CHANNEL, MAX_CLAIM, MAX_ERROR, MAX_LEASE, MAX_OUTBOX_KEY,
    MAX_RECIPIENT, NewMessage, OutboxCounts, OutboxMessage, OutboxStatus,
};
pub use target::redact;
pub use types::{
    Backend, Balance, Budget, DayCounts, DrawRecord, FailedSubmission, ParticipantRecord,
    PendingRecheck, ReasonCount, ReceiptEntry, ReceiptStatus, RecheckState, Report, SegmentMember,
    Settled, Settlement,
};
