//! The one error type that crosses the FFI, and the binding's own argument errors.

use std::borrow::Cow;
use std::fmt::Display;

use chek::{Coded, Lang};

/// Every failure of a chek call, one variant per area. Kotlin sees a sealed
/// `ChekException` with `ChekException.Qr`, `.Scan`, ...; Swift an `enum ChekError: Error`.
///
/// All variants carry the same three fields because uniffi passes a rich error's fields, not
/// its `Display` text: `code` is the stable dotted code (`qr.missing_field`), `detail` the
/// English developer text, `hint` what to tell the shopper, in the language of the call. (The
/// text is not called `message`: in Kotlin that would clash with `Throwable.message`, which
/// uniffi fills with all three fields.)
///
/// The base class carries them too: [`code`](Self::code), [`hint`](Self::hint) and
/// [`detail`](Self::detail) are exported methods, so Kotlin reads `e.code()` / `e.hint()` on
/// any `ChekException` (and Swift `error.code()`) without matching the variant. (uniffi 0.32
/// generates an enum error's exported methods on the sealed base class; it cannot declare
/// properties there, and each variant's `code`/`hint` properties stay as before.)
///
/// ```
/// use chek_ffi::{parse_text, ChekError, Lang};
/// let err = parse_text("".into(), Some(Lang::En)).unwrap_err();
/// assert_eq!(err.code(), "text.empty");
/// assert!(matches!(err, ChekError::Text { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum ChekError {
    /// The QR string is not a usable fiscal QR (`qr.*`).
    #[error("{code}: {detail}")]
    Qr {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Shopper-facing hint in the requested language.
        hint: String,
    },
    /// The bytes are not a usable image (`scan.*`). A photo without a readable QR is not an
    /// error: it is a [`ScanResult`](crate::ScanResult) with diagnostics.
    #[error("{code}: {detail}")]
    Scan {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Shopper-facing hint in the requested language.
        hint: String,
    },
    /// Receipt text that does not make a receipt (`text.*`).
    #[error("{code}: {detail}")]
    Text {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Shopper-facing hint in the requested language.
        hint: String,
    },
    /// A campaign definition that cannot be used (`campaign.*`).
    #[error("{code}: {detail}")]
    Campaign {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Hint for the operator, in the requested language.
        hint: String,
    },
    /// A loyalty activation refused or a programme that cannot be used (`loyalty.*`): a card
    /// number with a typo, a phone that is not one, a form field too long.
    #[error("{code}: {detail}")]
    Loyalty {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// What to tell the client, in the requested language.
        hint: String,
    },
    /// A survey, scores, review link or experiment that cannot be used (`feedback.*`).
    #[error("{code}: {detail}")]
    Feedback {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// What to tell the client or operator, in the requested language.
        hint: String,
    },
    /// A full receipt (ФНС JSON) that cannot be read (`receipt.*`).
    #[error("{code}: {detail}")]
    Receipt {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Shopper-facing hint in the requested language.
        hint: String,
    },
    /// A published draw that cannot be read or does not reproduce (`draw.*`; `draw.mismatch`
    /// names what differs).
    #[error("{code}: {detail}")]
    Draw {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Hint in the requested language.
        hint: String,
    },
    /// An argument the app passed is malformed (`input.*`): a date, a receipt id, a history.
    #[error("{code}: {detail}")]
    Input {
        /// Stable code.
        code: String,
        /// English developer text.
        detail: String,
        /// Hint in the requested language.
        hint: String,
    },
}

/// The area a core error belongs to, i.e. the variant it becomes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Area {
    Qr,
    Scan,
    Text,
    Campaign,
    Loyalty,
    Feedback,
    Receipt,
    Draw,
    Input,
}

impl ChekError {
    /// Wraps any coded core error in the variant of its area, with the hint in `lang`.
    pub(crate) fn of(area: Area, e: &(impl Coded + Display), lang: Lang) -> Self {
        let (code, detail, hint) = (
            e.code().to_owned(),
            e.to_string(),
            e.hint(lang).into_owned(),
        );
        match area {
            Area::Qr => ChekError::Qr { code, detail, hint },
            Area::Scan => ChekError::Scan { code, detail, hint },
            Area::Text => ChekError::Text { code, detail, hint },
            Area::Campaign => ChekError::Campaign { code, detail, hint },
            Area::Loyalty => ChekError::Loyalty { code, detail, hint },
            Area::Feedback => ChekError::Feedback { code, detail, hint },
            Area::Receipt => ChekError::Receipt { code, detail, hint },
            Area::Draw => ChekError::Draw { code, detail, hint },
            Area::Input => ChekError::Input { code, detail, hint },
        }
    }

    fn parts(&self) -> (&str, &str, &str) {
        match self {
            ChekError::Qr { code, detail, hint }
            | ChekError::Scan { code, detail, hint }
            | ChekError::Text { code, detail, hint }
            | ChekError::Campaign { code, detail, hint }
            | ChekError::Loyalty { code, detail, hint }
            | ChekError::Feedback { code, detail, hint }
            | ChekError::Receipt { code, detail, hint }
            | ChekError::Draw { code, detail, hint }
            | ChekError::Input { code, detail, hint } => (code, detail, hint),
        }
    }
}

#[uniffi::export]
impl ChekError {
    /// The stable code (`qr.missing_field`), whatever the variant.
    pub fn code(&self) -> String {
        self.parts().0.to_owned()
    }

    /// What to tell the user, in the language of the call, whatever the variant.
    pub fn hint(&self) -> String {
        self.parts().2.to_owned()
    }

    /// The English developer text, whatever the variant.
    pub fn detail(&self) -> String {
        self.parts().1.to_owned()
    }
}

/// A malformed argument from the app (not from the shopper): bad times, ids, numbers or JSON.
///
/// ```
/// use chek::{Coded, Lang};
/// use chek_ffi::InputError;
/// let e = InputError::BadDateTime("yesterday".into());
/// assert_eq!(e.code(), "input.bad_datetime");
/// assert!(e.hint(Lang::En).contains("2026-09-15T12:00:00"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Not an ISO-8601 local date-time.
    #[error("not an ISO-8601 date-time: {0:?}")]
    BadDateTime(String),
    /// Not 16 digits.
    #[error("not a 16-digit ФН number: {0:?}")]
    BadFnNumber(String),
    /// Not `fn:fd:fp`.
    #[error("not a receipt id fn:fd:fp: {0:?}")]
    BadReceiptId(String),
    /// A number outside what the field can hold (negative counts, ФД beyond 32 bits...).
    #[error("{field} is out of range: {value}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value given.
        value: i64,
    },
    /// A participant history JSON that does not parse.
    #[error("the participant history JSON cannot be read: {0}")]
    BadHistory(String),
    /// A published draw result JSON that does not parse.
    #[error("not a draw result: {0}")]
    BadDrawResult(String),
    /// Pixels that do not fill `width × height`.
    #[error("{len} bytes of pixels do not make a {width}×{height} grayscale frame")]
    BadFrame {
        /// Bytes given.
        len: usize,
        /// Width given.
        width: i32,
        /// Height given.
        height: i32,
    },
}

impl Coded for InputError {
    fn code(&self) -> &'static str {
        match self {
            InputError::BadDateTime(_) => "input.bad_datetime",
            InputError::BadFnNumber(_) => "input.bad_fn_number",
            InputError::BadReceiptId(_) => "input.bad_receipt_id",
            InputError::OutOfRange { .. } => "input.out_of_range",
            InputError::BadHistory(_) => "input.bad_history",
            InputError::BadDrawResult(_) => "input.bad_draw_result",
            InputError::BadFrame { .. } => "input.bad_frame",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        use InputError as E;
        match (self, lang) {
            (E::BadDateTime(_), Lang::Ru) => "Дата и время передаются в формате ISO-8601 без часового пояса, например 2026-09-15T12:00:00.".into(),
            (E::BadDateTime(_), Lang::En) => "Dates and times are passed as ISO-8601 without a zone, e.g. 2026-09-15T12:00:00.".into(),
            (E::BadFnNumber(_), Lang::Ru) => "Номер ФН — ровно 16 цифр.".into(),
            (E::BadFnNumber(_), Lang::En) => "A ФН number is exactly 16 digits.".into(),
            (E::BadReceiptId(_), Lang::Ru) => "Идентификатор чека записывается как ФН:ФД:ФП, например 7281440500751551:30526:1168453787.".into(),
            (E::BadReceiptId(_), Lang::En) => "A receipt id is written fn:fd:fp, e.g. 7281440500751551:30526:1168453787.".into(),
            (E::OutOfRange { field, .. }, Lang::Ru) => format!("Недопустимое значение поля {field}: оно не может быть отрицательным или слишком большим.").into(),
            (E::OutOfRange { field, .. }, Lang::En) => format!("{field} cannot be negative or that large.").into(),
            (E::BadHistory(_), Lang::Ru) => "История участника не читается: ожидается JSON вида {\"participant\":\"tg:1\",\"receipts\":[...]}.".into(),
            (E::BadHistory(_), Lang::En) => "The participant history cannot be read: expected JSON like {\"participant\":\"tg:1\",\"receipts\":[...]}.".into(),
            (E::BadDrawResult(_), Lang::Ru) => "Результат розыгрыша не читается: ожидается JSON, который публикует chek draw --json.".into(),
            (E::BadDrawResult(_), Lang::En) => "The draw result cannot be read: expected the JSON that chek draw --json publishes.".into(),
            (E::BadFrame { .. }, Lang::Ru) => "Размер кадра не совпадает с числом пикселей: передайте по одному байту яркости на пиксель.".into(),
            (E::BadFrame { .. }, Lang::En) => "The frame size does not match the pixels: pass one luma byte per pixel.".into(),
        }
    }
}

impl InputError {
    pub(crate) fn into_ffi(self, lang: Lang) -> ChekError {
        ChekError::of(Area::Input, &self, lang)
    }
}
