//! What can stop the engine itself (as opposed to a receipt that does not count, which is an
//! [`Outcome`](super::Outcome)).

use std::borrow::Cow;

use crate::{Coded, Lang};

/// The longest participant id accepted.
pub const MAX_PARTICIPANT_BYTES: usize = 256;

/// An engine call that could not be carried out. Receipts that do not count are not errors:
/// they are outcomes with reasons.
///
/// ```
/// use chek::engine::EngineError;
/// use chek::{Coded, Lang};
/// let e = EngineError::BadParticipant;
/// assert_eq!(e.code(), "engine.bad_participant");
/// assert!(!e.hint(Lang::Ru).is_empty());
/// // A busy ledger is "try again later"; a damaged one is not.
/// let busy = EngineError::Ledger(chek::store::StoreError::Busy("locked".into()));
/// assert!(busy.hint(Lang::En).contains("again a little later"));
/// let corrupt = EngineError::Ledger(chek::store::StoreError::Corrupt("bad row".into()));
/// assert!(!corrupt.hint(Lang::En).contains("later"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The participant id is empty, too long or has control characters.
    #[error(
        "the participant id must be 1 to {MAX_PARTICIPANT_BYTES} bytes without control characters"
    )]
    BadParticipant,
    /// The ledger failed (database unreachable, disk full…): nothing was recorded.
    #[error("ledger: {0}")]
    Ledger(#[from] chek_store::StoreError),
    /// A draw could not be run (no lots in the period, bad seed…).
    #[error("draw: {0}")]
    Draw(#[from] crate::draw::DrawError),
}

impl Coded for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::BadParticipant => "engine.bad_participant",
            // The store's own codes say what failed (`store.busy`, `store.open`…).
            EngineError::Ledger(e) => e.code(),
            EngineError::Draw(e) => e.code(),
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            EngineError::BadParticipant => match lang {
                Lang::Ru => "Не удалось определить участника; напишите в поддержку.".into(),
                Lang::En => "We could not tell who you are; please contact support.".into(),
            },
            EngineError::Ledger(e) if e.is_transient() => match lang {
                Lang::Ru => "Сервис временно недоступен; пришлите чек ещё раз чуть позже.".into(),
                Lang::En => {
                    "The service is temporarily unavailable; send the receipt again a little later."
                        .into()
                }
            },
            // A damaged ledger, a foreign file, a broken rule: sending again does not help.
            EngineError::Ledger(_) => match lang {
                Lang::Ru => "Чек не удалось принять из-за сбоя на нашей стороне; мы уже разбираемся. Присылать его ещё раз не нужно.".into(),
                Lang::En => "The receipt could not be taken because of a fault on our side; we are on it. There is no need to send it again.".into(),
            },
            EngineError::Draw(e) => e.hint(lang),
        }
    }
}

pub(super) fn check_participant(p: &str) -> Result<(), EngineError> {
    if p.is_empty() || p.len() > MAX_PARTICIPANT_BYTES || p.chars().any(char::is_control) {
        return Err(EngineError::BadParticipant);
    }
    Ok(())
}
