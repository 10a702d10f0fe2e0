//! Why a draw cannot be run or does not verify.

use std::borrow::Cow;

use crate::{Coded, Lang};

/// A draw that cannot be run, or a published draw that does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// The lots list is empty, too long, or its total is too large.
    #[error("the lots list is unusable: {0}")]
    BadList(String),
    /// A participant id is empty, too long, or holds a tab, line break or control character.
    #[error("participant id {0:?} is not allowed (1–256 bytes, no control characters)")]
    BadParticipant(String),
    /// The same participant twice.
    #[error("participant {0:?} appears twice in the lots list")]
    DuplicateParticipant(String),
    /// An entry with zero lots.
    #[error("participant {0:?} has zero lots")]
    ZeroLots(String),
    /// Seed shorter than 16 bytes, empty beacon, or zero prizes.
    #[error("bad draw parameters: {0}")]
    BadParameters(String),
    /// A draw of a period without a commitment recorded before the period ended.
    #[error("no seed commitment is recorded for {0}: commit before the period ends, draw after")]
    NotCommitted(String),
    /// A commitment recorded when its period has already ended (the lots are known by then).
    #[error("the period {0} has ended: a commitment must be recorded before its end")]
    CommitTooLate(String),
    /// A draw run before its period ended (lots could still be added).
    #[error("the period {0} has not ended yet: draw after its end")]
    TooEarly(String),
    /// A published value does not match what the inputs give.
    #[error("verification failed: {what} is {found}, the inputs give {expected}")]
    Mismatch {
        /// What differs.
        what: &'static str,
        /// Published.
        found: String,
        /// Recomputed.
        expected: String,
    },
}

impl Coded for DrawError {
    fn code(&self) -> &'static str {
        match self {
            DrawError::BadList(_) => "draw.bad_list",
            DrawError::BadParticipant(_) => "draw.bad_participant",
            DrawError::DuplicateParticipant(_) => "draw.duplicate_participant",
            DrawError::ZeroLots(_) => "draw.zero_lots",
            DrawError::BadParameters(_) => "draw.bad_parameters",
            DrawError::Mismatch { .. } => "draw.mismatch",
            DrawError::NotCommitted(_) => "draw.not_committed",
            DrawError::CommitTooLate(_) => "draw.commit_too_late",
            DrawError::TooEarly(_) => "draw.too_early",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (DrawError::Mismatch { what, .. }, Lang::Ru) => {
                format!("Розыгрыш не воспроизводится: не совпадает {what}.").into()
            }
            (DrawError::Mismatch { what, .. }, Lang::En) => {
                format!("The draw does not reproduce: {what} differs.").into()
            }
            (_, Lang::Ru) => format!("Розыгрыш нельзя провести: {self}").into(),
            (_, Lang::En) => format!("The draw cannot be run: {self}").into(),
        }
    }
}
