//! What is wrong with a reading: a field missing, unreadable or doubtful, and the error of turning
//! an incomplete reading into a candidate. Each carries a code and a hint a shopper can act on.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::TextField;
use crate::{Coded, Lang};

/// One field that needs the shopper's attention.
///
/// ```
/// use chek_core::text::{FieldProblem, TextField};
/// use chek_core::{Coded, Lang};
/// let p = FieldProblem::Missing(TextField::Fp);
/// assert_eq!(p.code(), "text.field_missing");
/// assert!(p.hint(Lang::Ru).contains("ФП"));
/// assert!(p.hint(Lang::En).contains("fiscal sign"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "field", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldProblem {
    /// Nothing that looks like the field was found.
    #[error("{0} is missing")]
    Missing(TextField),
    /// The label was found but its value is damaged beyond a safe repair.
    #[error("{0} is unreadable")]
    Unreadable(TextField),
    /// A value was read but is not certain.
    #[error("{0} is doubtful")]
    Doubtful(TextField),
}

impl FieldProblem {
    /// The field concerned.
    pub const fn field(&self) -> TextField {
        match *self {
            FieldProblem::Missing(f) | FieldProblem::Unreadable(f) | FieldProblem::Doubtful(f) => f,
        }
    }
}

impl Coded for FieldProblem {
    fn code(&self) -> &'static str {
        match self {
            FieldProblem::Missing(_) => "text.field_missing",
            FieldProblem::Unreadable(_) => "text.field_unreadable",
            FieldProblem::Doubtful(_) => "text.field_doubtful",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let f = self.field();
        let (what, label) = (
            match lang {
                Lang::Ru => f.what_ru(),
                Lang::En => f.what_en(),
            },
            f.receipt_label(),
        );
        match (self, lang) {
            (FieldProblem::Missing(_), Lang::Ru) => format!(
                "Не найдено: {what}. Найдите на чеке строку «{label}» и введите значение."
            ),
            (FieldProblem::Missing(_), Lang::En) => format!(
                "Not found: {what}. Find the «{label}» line on the receipt and type the value."
            ),
            (FieldProblem::Unreadable(_), Lang::Ru) => format!(
                "Не удалось разобрать: {what}. Проверьте строку «{label}» на чеке и введите её заново."
            ),
            (FieldProblem::Unreadable(_), Lang::En) => format!(
                "Could not make out {what}. Check the «{label}» line of the receipt and enter it again."
            ),
            (FieldProblem::Doubtful(_), Lang::Ru) => format!(
                "Проверьте: {what}. Сверьте значение со строкой «{label}» на чеке."
            ),
            (FieldProblem::Doubtful(_), Lang::En) => format!(
                "Please check {what} against the «{label}» line of the receipt."
            ),
        }
        .into()
    }
}

/// Why a reading could not become a [`Candidate`](crate::fiscal::Candidate).
///
/// ```
/// use chek_core::text::{parse_manual_entry, TextError, TextField};
/// use chek_core::{Coded, Lang};
/// let err = parse_manual_entry("фн 9289000100123456 фд 12345").to_candidate().unwrap_err();
/// assert_eq!(err.code(), "text.incomplete");
/// assert_eq!(err, TextError::Incomplete { missing: vec![TextField::DateTime, TextField::Total, TextField::Fp] });
/// assert!(err.hint(Lang::Ru).contains("ФП"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// Nothing but whitespace.
    #[error("the text is empty")]
    Empty,
    /// Longer than any receipt; not read.
    #[error("the text is {len} bytes, longer than any receipt")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// Some of the six QR fields are missing or unreadable.
    #[error("missing fields: {}", keys(missing))]
    Incomplete {
        /// The fields missing, in [`TextField::REQUIRED`] order.
        missing: Vec<TextField>,
    },
}

fn keys(fields: &[TextField]) -> String {
    fields
        .iter()
        .map(|f| f.key())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Coded for TextError {
    fn code(&self) -> &'static str {
        match self {
            TextError::Empty => "text.empty",
            TextError::TooLong { .. } => "text.too_long",
            TextError::Incomplete { .. } => "text.incomplete",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (TextError::Empty, Lang::Ru) => "Пустой текст. Введите данные с чека: ФН, ФД, ФП, дату, время и сумму.".into(),
            (TextError::Empty, Lang::En) => "The text is empty. Type the receipt's ФН, ФД, ФП, date, time and total.".into(),
            (TextError::TooLong { .. }, Lang::Ru) => "Текст слишком длинный для кассового чека. Пришлите только текст одного чека.".into(),
            (TextError::TooLong { .. }, Lang::En) => "The text is too long for a receipt. Send the text of one receipt only.".into(),
            (TextError::Incomplete { missing }, Lang::Ru) => format!(
                "Не хватает данных чека: {}. Найдите их внизу чека и введите.",
                missing.iter().map(|f| f.receipt_label()).collect::<Vec<_>>().join(", ")
            )
            .into(),
            (TextError::Incomplete { missing }, Lang::En) => format!(
                "Some receipt details are missing: {}. Find them at the bottom of the receipt and type them in.",
                missing.iter().map(|f| f.what_en()).collect::<Vec<_>>().join(", ")
            )
            .into(),
        }
    }
}
