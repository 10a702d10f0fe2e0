//! The fields a receipt text carries, and one found value with where it came from.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A field read from receipt text or manual entry.
///
/// The first six are the QR fields every channel needs ([`TextField::REQUIRED`]); the others are
/// printed on the receipt and used to confirm repairs and for display.
///
/// ```
/// use chek_core::text::TextField;
/// assert_eq!(TextField::Fp.key(), "fp");
/// assert_eq!(TextField::Total.key(), "total_kopecks");
/// assert!(TextField::REQUIRED.contains(&TextField::Fd));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextField {
    /// Date and time of the receipt.
    DateTime,
    /// ИТОГ, in kopecks.
    Total,
    /// ФН: fiscal drive serial.
    Fn,
    /// ФД: fiscal document number.
    Fd,
    /// ФП / ФПД: fiscal sign.
    Fp,
    /// ПРИХОД, ВОЗВРАТ ПРИХОДА…
    Operation,
    /// ИНН of the seller.
    Inn,
    /// РН ККТ: registration number of the cash register.
    Rnm,
    /// ЗН ККТ: factory number of the cash register.
    Zn,
    /// Смена №.
    Shift,
    /// Чек № (within the shift).
    ReceiptNumber,
}

impl TextField {
    /// The fields a candidate receipt cannot do without (the six QR fields).
    pub const REQUIRED: [TextField; 6] = [
        TextField::DateTime,
        TextField::Total,
        TextField::Fn,
        TextField::Fd,
        TextField::Fp,
        TextField::Operation,
    ];

    /// Every field, in display order.
    pub const ALL: [TextField; 11] = [
        TextField::DateTime,
        TextField::Total,
        TextField::Fn,
        TextField::Fd,
        TextField::Fp,
        TextField::Operation,
        TextField::Inn,
        TextField::Rnm,
        TextField::Zn,
        TextField::Shift,
        TextField::ReceiptNumber,
    ];

    /// The JSON key, the same as `chek qr --json` uses for the QR fields.
    pub const fn key(self) -> &'static str {
        match self {
            TextField::DateTime => "datetime",
            TextField::Total => "total_kopecks",
            TextField::Fn => "fn",
            TextField::Fd => "fd",
            TextField::Fp => "fp",
            TextField::Operation => "operation",
            TextField::Inn => "inn",
            TextField::Rnm => "rnm",
            TextField::Zn => "zn",
            TextField::Shift => "shift",
            TextField::ReceiptNumber => "receipt_number",
        }
    }

    /// How the field is labelled on a printed receipt.
    pub const fn receipt_label(self) -> &'static str {
        match self {
            TextField::DateTime => "дата и время (ДД.ММ.ГГ ЧЧ:ММ)",
            TextField::Total => "ИТОГ",
            TextField::Fn => "ФН",
            TextField::Fd => "ФД",
            TextField::Fp => "ФП / ФПД",
            TextField::Operation => "ПРИХОД / ВОЗВРАТ ПРИХОДА",
            TextField::Inn => "ИНН",
            TextField::Rnm => "РН ККТ",
            TextField::Zn => "ЗН ККТ",
            TextField::Shift => "Смена №",
            TextField::ReceiptNumber => "Чек №",
        }
    }

    pub(crate) const fn what_ru(self) -> &'static str {
        match self {
            TextField::DateTime => "дата и время покупки",
            TextField::Total => "сумма чека (ИТОГ)",
            TextField::Fn => "номер фискального накопителя (ФН, 16 цифр)",
            TextField::Fd => "номер фискального документа (ФД)",
            TextField::Fp => "фискальный признак (ФП или ФПД, до 10 цифр)",
            TextField::Operation => "признак расчёта (ПРИХОД или ВОЗВРАТ ПРИХОДА)",
            TextField::Inn => "ИНН продавца",
            TextField::Rnm => "регистрационный номер ККТ (РН ККТ)",
            TextField::Zn => "заводской номер ККТ (ЗН ККТ)",
            TextField::Shift => "номер смены",
            TextField::ReceiptNumber => "номер чека за смену",
        }
    }

    pub(crate) const fn what_en(self) -> &'static str {
        match self {
            TextField::DateTime => "the date and time of purchase",
            TextField::Total => "the total (ИТОГ)",
            TextField::Fn => "the fiscal drive number (ФН, 16 digits)",
            TextField::Fd => "the fiscal document number (ФД)",
            TextField::Fp => "the fiscal sign (ФП or ФПД, up to 10 digits)",
            TextField::Operation => "the operation (ПРИХОД for a sale)",
            TextField::Inn => "the seller's ИНН",
            TextField::Rnm => "the register's registration number (РН ККТ)",
            TextField::Zn => "the register's factory number (ЗН ККТ)",
            TextField::Shift => "the shift number",
            TextField::ReceiptNumber => "the receipt number within the shift",
        }
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A repair made while reading a field. Each lowers or confirms the field's confidence.
///
/// ```
/// use chek_core::text::Repair;
/// assert_eq!(serde_json::to_string(&Repair::LetterAsDigit).unwrap(), "\"letter_as_digit\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Repair {
    /// A letter OCR put in place of a digit (`О` for `0`, `З` for `3`, `l` for `1`…).
    LetterAsDigit,
    /// The value was split by a space or a line break and joined back.
    Joined,
    /// The label was on one line and the value on the next.
    ValueOnNextLine,
    /// A digit OCR misread was corrected, and the check digits confirm the one correction.
    CheckDigit,
    /// The value agrees with (or was taken from) the item sums or the payment lines.
    Reconciled,
    /// No label: recognised by its shape alone.
    Unlabelled,
    /// A decimal separator was missing and assumed before the last two digits.
    SeparatorAssumed,
    /// Not given: the usual value was assumed (a sale, for manual entry).
    Assumed,
}

/// One field value with where it came from.
///
/// `line` is 0-based; `span` is the byte range in the input the value was read from;
/// `confidence` is in `0.0..=1.0` (below [`Found::DOUBTFUL`] the field is reported as doubtful).
///
/// ```
/// use chek_core::text::parse_receipt_text;
/// let r = parse_receipt_text("ФД 41110\nФП 2026476352");
/// let fd = r.fd.as_ref().unwrap();
/// assert_eq!(fd.value, 41110);
/// assert_eq!(fd.line, 0);
/// assert_eq!(&"ФД 41110\nФП 2026476352"[fd.span.clone()], "41110");
/// assert_eq!(fd.confidence, 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// The 0-based line the value starts on.
    pub line: usize,
    /// The byte range of the value in the input.
    pub span: Range<usize>,
    /// How sure the reading is, `0.0..=1.0`.
    pub confidence: f32,
    /// What was repaired to read it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<Repair>,
}

impl<T> Found<T> {
    /// Below this confidence a field is reported as doubtful.
    pub const DOUBTFUL: f32 = 0.7;

    pub(crate) fn new(value: T, line: usize, span: Range<usize>, confidence: f32) -> Self {
        Found {
            value,
            line,
            span,
            confidence,
            repairs: Vec::new(),
        }
    }

    pub(crate) fn repaired(mut self, r: Repair, factor: f32) -> Self {
        if !self.repairs.contains(&r) {
            self.repairs.push(r);
        }
        self.confidence *= factor;
        self
    }

    /// Whether the reading is too unsure to accept without asking.
    pub fn is_doubtful(&self) -> bool {
        self.confidence < Self::DOUBTFUL
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Found<U> {
        Found {
            value: f(self.value),
            line: self.line,
            span: self.span,
            confidence: self.confidence,
            repairs: self.repairs,
        }
    }
}
