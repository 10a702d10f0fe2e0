//! The engine: one call per thing a participant sends, from photo to ledger.
//!
//! [`Engine::process`] runs scan → parse → validate → campaign pre-check → verify (or park for
//! re-check) → campaign → [`Ledger::settle`](chek_store::Ledger::settle), which records the
//! submission, the receipt's status and the lots in one transaction. [`Engine::recheck`] asks
//! the provider again about parked receipts on the core's [`RecheckPolicy`]; [`Engine::draw`]
//! runs the verifiable draw over the ledger's lots; [`Engine::segment`] lists participants to
//! message.

mod error;
mod input;
mod outcome;
mod read;
mod verification;

pub use error::{EngineError, MAX_PARTICIPANT_BYTES};
pub use input::{Input, Submission};
pub use outcome::{Outcome, OutcomeReason, OutcomeStatus, ReasonKind};
pub use verification::{Verification, VerificationLabel};
mod draw;
mod group;
mod pipeline;
mod recheck;

pub use chek_store::{
    Balance, DrawRecord, ParticipantRecord, PendingRecheck, ReceiptEntry, Report, SegmentMember,
};
pub use draw::{DrawCommitment, DrawRequest};
pub use pipeline::Engine;
