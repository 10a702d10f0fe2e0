//! Every way a fiscal QR string can fail to parse, each with a code and a hint.

use std::borrow::Cow;
use std::fmt;

use crate::{Coded, Lang};

/// The six fields of a fiscal QR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QrField {
    /// `t`: date and time.
    T,
    /// `s`: total.
    S,
    /// `fn`: ФН serial.
    Fn,
    /// `i`: ФД.
    I,
    /// `fp`: ФП.
    Fp,
    /// `n`: operation type.
    N,
}

impl QrField {
    /// All six, in canonical order.
    pub const ALL: [QrField; 6] = [
        QrField::T,
        QrField::S,
        QrField::Fn,
        QrField::I,
        QrField::Fp,
        QrField::N,
    ];

    /// The key as written in the QR.
    pub const fn key(self) -> &'static str {
        match self {
            QrField::T => "t",
            QrField::S => "s",
            QrField::Fn => "fn",
            QrField::I => "i",
            QrField::Fp => "fp",
            QrField::N => "n",
        }
    }

    /// The label printed on the paper receipt, which is what a shopper can look for.
    pub const fn receipt_label(self) -> &'static str {
        match self {
            QrField::T => "дата и время",
            QrField::S => "ИТОГ",
            QrField::Fn => "ФН",
            QrField::I => "ФД",
            QrField::Fp => "ФП",
            QrField::N => "ПРИХОД/ВОЗВРАТ",
        }
    }

    const fn what_en(self) -> &'static str {
        match self {
            QrField::T => "the date and time",
            QrField::S => "the total",
            QrField::Fn => "the fiscal drive number (ФН)",
            QrField::I => "the fiscal document number (ФД)",
            QrField::Fp => "the fiscal sign (ФП)",
            QrField::N => "the operation type",
        }
    }

    const fn what_ru(self) -> &'static str {
        match self {
            QrField::T => "дата и время",
            QrField::S => "сумма (ИТОГ)",
            QrField::Fn => "номер фискального накопителя (ФН)",
            QrField::I => "номер фискального документа (ФД)",
            QrField::Fp => "фискальный признак (ФП)",
            QrField::N => "признак расчёта",
        }
    }
}

impl fmt::Display for QrField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Why a string is not a usable fiscal QR.
///
/// ```
/// use chek_core::fiscal::{FiscalQr, QrError, QrField};
/// use chek_core::Coded;
/// let err = "t=20200115T2110&s=bad&fn=1234567890123456&i=1&fp=1&n=1".parse::<FiscalQr>().unwrap_err();
/// assert_eq!(err, QrError::MalformedField { field: QrField::S, value: "bad".into() });
/// assert_eq!(err.code(), "qr.malformed_field");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// Empty input.
    #[error("the input is empty")]
    Empty,
    /// Longer than any fiscal QR could be.
    #[error("the input is {len} bytes, longer than any fiscal QR")]
    TooLong {
        /// Input length in bytes.
        len: usize,
    },
    /// None of the fiscal keys is present: another kind of code or text.
    #[error("not a fiscal receipt QR")]
    NotFiscal,
    /// Some fiscal keys are present, this one is not.
    #[error("field `{0}` is missing")]
    MissingField(QrField),
    /// The same key twice with different meanings.
    #[error("field `{0}` appears more than once")]
    DuplicateField(QrField),
    /// The value does not have the field's shape.
    #[error("field `{field}` is malformed: {value:?}")]
    MalformedField {
        /// The field.
        field: QrField,
        /// The offending value (shortened to 64 bytes).
        value: String,
    },
    /// The value has the right shape but is impossible (a 13th month, an FD above 2³²−1).
    #[error("field `{field}` is out of range: {value:?}")]
    OutOfRange {
        /// The field.
        field: QrField,
        /// The offending value (shortened to 64 bytes).
        value: String,
    },
}

impl QrError {
    pub(crate) fn malformed(field: QrField, value: &str) -> Self {
        QrError::MalformedField {
            field,
            value: shorten(value),
        }
    }
    pub(crate) fn out_of_range(field: QrField, value: &str) -> Self {
        QrError::OutOfRange {
            field,
            value: shorten(value),
        }
    }

    /// The field concerned, if the error is about one field.
    pub fn field(&self) -> Option<QrField> {
        match self {
            QrError::MissingField(f) | QrError::DuplicateField(f) => Some(*f),
            QrError::MalformedField { field, .. } | QrError::OutOfRange { field, .. } => {
                Some(*field)
            }
            _ => None,
        }
    }
}

fn shorten(v: &str) -> String {
    let mut end = v.len().min(64);
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    v[..end].to_owned()
}

impl Coded for QrError {
    fn code(&self) -> &'static str {
        match self {
            QrError::Empty => "qr.empty",
            QrError::TooLong { .. } => "qr.too_long",
            QrError::NotFiscal => "qr.not_fiscal",
            QrError::MissingField(_) => "qr.missing_field",
            QrError::DuplicateField(_) => "qr.duplicate_field",
            QrError::MalformedField { .. } => "qr.malformed_field",
            QrError::OutOfRange { .. } => "qr.out_of_range",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (QrError::Empty, Lang::Ru) => "Пустое сообщение. Пришлите фото QR-кода с чека или текст, который он содержит.".into(),
            (QrError::Empty, Lang::En) => "Nothing was sent. Send a photo of the receipt's QR code or the text it contains.".into(),
            (QrError::TooLong { .. } | QrError::NotFiscal, Lang::Ru) => "Это не QR-код кассового чека. Найдите на чеке QR-код рядом с надписями ФН, ФД, ФП и сфотографируйте его.".into(),
            (QrError::TooLong { .. } | QrError::NotFiscal, Lang::En) => "This is not a fiscal receipt QR code. Look for the QR code near the ФН, ФД, ФП lines of the receipt and photograph that one.".into(),
            (QrError::MissingField(f), Lang::Ru) => format!("В QR-коде нет поля «{}». Похоже, код считан не полностью: сфотографируйте его ещё раз целиком или введите данные чека вручную.", f.what_ru()).into(),
            (QrError::MissingField(f), Lang::En) => format!("The QR code lacks {}. It may have been read only in part: photograph the whole code again or enter the receipt details by hand.", f.what_en()).into(),
            (QrError::DuplicateField(f), Lang::Ru) => format!("Поле «{}» встречается в QR-коде дважды. Отсканируйте код с чека заново.", f.what_ru()).into(),
            (QrError::DuplicateField(f), Lang::En) => format!("{} appears twice in the QR code. Scan the code on the receipt again.", capitalise(f.what_en())).into(),
            (QrError::MalformedField { field, .. } | QrError::OutOfRange { field, .. }, Lang::Ru) => format!("Поле «{}» в QR-коде повреждено. Отсканируйте код ещё раз или сверьте со строкой «{}» на чеке.", field.what_ru(), field.receipt_label()).into(),
            (QrError::MalformedField { field, .. } | QrError::OutOfRange { field, .. }, Lang::En) => format!("{} in the QR code is damaged. Scan the code again or check it against the «{}» line of the receipt.", capitalise(field.what_en()), field.receipt_label()).into(),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
