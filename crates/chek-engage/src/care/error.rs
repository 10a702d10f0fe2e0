//! Why a care-desk input could not be used.

use std::borrow::Cow;

use chek_core::{Coded, Lang};

/// A care-desk input (desk file, case history, contact, merge) that cannot be used.
///
/// ```
/// use chek_engage::care::{CareError, Key};
/// use chek_core::Coded;
/// let err = Key::phone("12").unwrap_err();
/// assert_eq!(err.code(), "care.bad_phone");
/// assert!(matches!(err, CareError::BadPhone(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CareError {
    /// Larger than the limit for its kind.
    #[error("{what} is too large: {len}, at most {max} allowed")]
    TooLarge {
        /// What was too large (a file, a list, a text).
        what: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not TOML/JSON, or a field of the wrong type or name.
    #[error("cannot read the file: {0}")]
    Malformed(String),
    /// A setting that is contradictory or refers to something undefined.
    #[error("{path}: {problem}")]
    Invalid {
        /// Path of the offending field, e.g. `groups.receipts.hours[1]`.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A case history that cannot have happened (time going back, a reply before any request).
    #[error("event {index}: {problem}")]
    BadHistory {
        /// Index of the offending event (0-based).
        index: usize,
        /// What is wrong.
        problem: String,
    },
    /// Not a phone number that can be written in E.164.
    #[error("not a phone number: {0:?}")]
    BadPhone(String),
    /// Not an e-mail address.
    #[error("not an e-mail address: {0:?}")]
    BadEmail(String),
    /// Not a card number or messenger id.
    #[error("not a usable identifier: {0:?}")]
    BadId(String),
    /// A merge on weak evidence needs an operator to confirm it.
    #[error("merge {0} rests on weak evidence and needs an operator's confirmation")]
    NeedsConfirmation(String),
    /// No such request, case, merge or quick reply.
    #[error("unknown {what} {id:?}")]
    Unknown {
        /// Kind of thing.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// A quick-reply value for a name that is no placeholder of the reply.
    #[error("quick reply {reply:?} has no placeholder {names:?} (it has {known:?})")]
    UnknownPlaceholder {
        /// The quick reply.
        reply: String,
        /// The names given that it does not have.
        names: Vec<String>,
        /// Its placeholders.
        known: Vec<String>,
    },
    /// The merge cannot be undone before a later merge that moved the same requests.
    #[error("undo merge {later} first: it moved requests merge {merge} had moved")]
    UnmergeOrder {
        /// The merge to undo.
        merge: u64,
        /// The later merge in the way.
        later: u64,
    },
}

impl CareError {
    pub(crate) fn invalid(path: impl Into<String>, problem: impl Into<String>) -> Self {
        CareError::Invalid {
            path: path.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn history(index: usize, problem: impl Into<String>) -> Self {
        CareError::BadHistory {
            index,
            problem: problem.into(),
        }
    }

    pub(crate) fn unknown(what: &'static str, id: impl Into<String>) -> Self {
        CareError::Unknown {
            what,
            id: id.into(),
        }
    }
}

impl Coded for CareError {
    fn code(&self) -> &'static str {
        match self {
            CareError::TooLarge { .. } => "care.too_large",
            CareError::Malformed(_) => "care.malformed",
            CareError::Invalid { .. } => "care.invalid",
            CareError::BadHistory { .. } => "care.bad_history",
            CareError::BadPhone(_) => "care.bad_phone",
            CareError::BadEmail(_) => "care.bad_email",
            CareError::BadId(_) => "care.bad_id",
            CareError::NeedsConfirmation(_) => "care.needs_confirmation",
            CareError::Unknown { .. } => "care.unknown",
            CareError::UnmergeOrder { .. } => "care.unmerge_order",
            CareError::UnknownPlaceholder { .. } => "care.unknown_placeholder",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let ru = lang == Lang::Ru;
        match self {
            CareError::TooLarge { what, max, .. } if ru => {
                format!("Слишком большой ввод ({what}): не больше {max}. Разбейте его на части.")
                    .into()
            }
            CareError::TooLarge { what, max, .. } => {
                format!("Input too large ({what}): at most {max}. Split it up.").into()
            }
            CareError::Malformed(m) if ru => {
                format!("Файл не читается как TOML или JSON: {m}").into()
            }
            CareError::Malformed(m) => format!("The file is not valid TOML or JSON: {m}").into(),
            CareError::Invalid { path, problem } if ru => {
                format!("Ошибка в настройке {path}: {problem}").into()
            }
            CareError::Invalid { path, problem } => {
                format!("Error in setting {path}: {problem}").into()
            }
            CareError::BadHistory { index, problem } if ru => {
                format!("История обращения неверна в событии №{index}: {problem}").into()
            }
            CareError::BadHistory { index, problem } => {
                format!("The case history is wrong at event {index}: {problem}").into()
            }
            CareError::BadPhone(_) if ru => {
                "Укажите телефон полностью, например +7 912 345-67-89.".into()
            }
            CareError::BadPhone(_) => "Give the full phone number, e.g. +7 912 345-67-89.".into(),
            CareError::BadEmail(_) if ru => {
                "Укажите e-mail целиком, например anna@example.ru.".into()
            }
            CareError::BadEmail(_) => "Give the whole e-mail, e.g. anna@example.ru.".into(),
            CareError::BadId(_) if ru => {
                "Номер карты или id мессенджера должен состоять из цифр или букв без пробелов.".into()
            }
            CareError::BadId(_) => {
                "A card number or messenger id is letters or digits without spaces.".into()
            }
            CareError::NeedsConfirmation(_) if ru => {
                "Связь слабая (имя, общий телефон): объедините обращения только после проверки оператором.".into()
            }
            CareError::NeedsConfirmation(_) => {
                "The evidence is weak (a name, a shared phone): merge only after an operator checks.".into()
            }
            CareError::Unknown { what, id } if ru => format!("Не найдено ({what}): {id}.").into(),
            CareError::Unknown { what, id } => format!("No such {what}: {id}.").into(),
            CareError::UnknownPlaceholder { names, known, .. } if ru => format!(
                "В быстром ответе нет поля {}; есть: {}.",
                names.join(", "),
                known.join(", ")
            )
            .into(),
            CareError::UnknownPlaceholder { names, known, .. } => format!(
                "The quick reply has no placeholder {}; it has: {}.",
                names.join(", "),
                known.join(", ")
            )
            .into(),
            CareError::UnmergeOrder { later, .. } if ru => {
                format!("Сначала отмените более позднее объединение №{later}.").into()
            }
            CareError::UnmergeOrder { later, .. } => {
                format!("Undo the later merge #{later} first.").into()
            }
        }
    }
}
