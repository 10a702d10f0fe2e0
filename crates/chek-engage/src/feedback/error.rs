//! Why a survey, a click or an experiment cannot be processed.

use std::borrow::Cow;

use chek_core::{Coded, Lang};

/// A feedback input that cannot be processed. Nothing in the state changes.
///
/// ```
/// use chek_engage::feedback::FeedbackError;
/// use chek_core::{Coded, Lang};
/// let e = FeedbackError::BadToken;
/// assert_eq!(e.code(), "feedback.bad_token");
/// assert!(e.hint(Lang::Ru).contains("Ссылка"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedbackError {
    /// The survey definition is unusable.
    #[error("the survey is unusable: {0}")]
    BadSurvey(String),
    /// The experiment definition is unusable.
    #[error("the experiment is unusable: {0}")]
    BadExperiment(String),
    /// Scores missing, extra, or outside 1–10.
    #[error("bad scores: {0}")]
    BadScores(String),
    /// A client or response id that is empty, too long or holds control characters.
    #[error("bad id {0:?}: 1–128 bytes without control characters")]
    BadId(String),
    /// The signing key is shorter than 16 bytes (or absurdly long).
    #[error("the signing key must be 16–1024 bytes")]
    WeakKey,
    /// A review-link token that is malformed or whose signature does not verify.
    #[error("the review link is not valid")]
    BadToken,
    /// A correctly signed token this state has no response for.
    #[error("the review link belongs to no known survey answer")]
    UnknownToken,
    /// The same response id was answered with other scores or by another client.
    #[error("response {0:?} was already recorded with other data")]
    ConflictingResponse(String),
    /// An events file with bad lines: each names its line and what is wrong.
    #[error("{total} bad line(s) in the events: {}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    BadEvents {
        /// The first bad lines ([`MAX_LINE_ERRORS`](super::MAX_LINE_ERRORS) at most).
        errors: Vec<super::LineError>,
        /// How many lines are bad in all.
        total: usize,
    },
    /// A state file in which records contradict each other.
    #[error("the feedback state is inconsistent: {0}")]
    BadState(String),
}

impl Coded for FeedbackError {
    fn code(&self) -> &'static str {
        match self {
            FeedbackError::BadSurvey(_) => "feedback.bad_survey",
            FeedbackError::BadExperiment(_) => "feedback.bad_experiment",
            FeedbackError::BadScores(_) => "feedback.bad_scores",
            FeedbackError::BadId(_) => "feedback.bad_id",
            FeedbackError::WeakKey => "feedback.weak_key",
            FeedbackError::BadToken => "feedback.bad_token",
            FeedbackError::UnknownToken => "feedback.unknown_token",
            FeedbackError::ConflictingResponse(_) => "feedback.conflicting_response",
            FeedbackError::BadState(_) => "feedback.bad_state",
            FeedbackError::BadEvents { .. } => "feedback.bad_events",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let (ru, en) = match self {
            FeedbackError::BadScores(_) => (
                "Оцените каждый пункт опроса числом от 1 до 10.",
                "Rate every item of the survey with a number from 1 to 10.",
            ),
            FeedbackError::BadToken | FeedbackError::UnknownToken => (
                "Ссылка на отзыв недействительна: откройте её из последнего сообщения целиком.",
                "The review link is not valid: open it, whole, from the latest message.",
            ),
            FeedbackError::BadId(_) => (
                "Идентификатор клиента или ответа пуст, слишком длинный или содержит управляющие символы.",
                "A client or response id is empty, too long or holds control characters.",
            ),
            FeedbackError::WeakKey => (
                "Ключ подписи ссылок должен быть длиной от 16 байт: задайте случайный секрет.",
                "The link-signing key must be at least 16 bytes: set a random secret.",
            ),
            FeedbackError::ConflictingResponse(_) => (
                "Этот ответ уже записан с другими оценками; повторная отправка не меняет его.",
                "This answer was already recorded with other scores; sending it again changes nothing.",
            ),
            FeedbackError::BadEvents { .. } => {
                return match lang {
                    Lang::Ru => format!("Исправьте файл событий (строки «client,converted», converted — 1 или 0): {self}").into(),
                    Lang::En => format!("Fix the events file (lines \"client,converted\", converted 1 or 0): {self}").into(),
                };
            }
            FeedbackError::BadSurvey(_)
            | FeedbackError::BadExperiment(_)
            | FeedbackError::BadState(_) => {
                return match lang {
                    Lang::Ru => format!("Исправьте настройки опроса: {self}").into(),
                    Lang::En => format!("Fix the survey settings: {self}").into(),
                };
            }
        };
        match lang {
            Lang::Ru => ru.into(),
            Lang::En => en.into(),
        }
    }
}

/// Checks a client, response, survey or variant id: 1–128 bytes, no control characters (the
/// A/B hash separates fields with NUL).
pub(crate) fn check_id(s: &str) -> Result<(), FeedbackError> {
    if s.is_empty() || s.len() > 128 || s.chars().any(char::is_control) {
        return Err(FeedbackError::BadId(s.chars().take(32).collect()));
    }
    Ok(())
}
