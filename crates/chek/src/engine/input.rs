//! What a participant sends: a photo, a QR string, OCR text or a manual entry.

use chrono::NaiveDateTime;

use crate::Lang;

/// One thing a participant sent, in whichever form it arrived.
///
/// ```
/// use chek::engine::Input;
/// let i = Input::QrText("t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1".into());
/// assert_eq!(i.kind(), "qr");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// A photo of the receipt (JPEG, PNG or WebP bytes); the fiscal QR is read from it.
    Photo(Vec<u8>),
    /// The QR payload, e.g. from a scanner app: `t=…&s=…&fn=…&i=…&fp=…&n=…`.
    QrText(String),
    /// The receipt's printed text, as OCR read it.
    OcrText(String),
    /// What the participant typed: «фн … фд … фп … 15.03.21 12:34 1500,00».
    Manual(String),
}

impl Input {
    /// What a participant typed in a chat: one word carrying a fiscal field (`fn=`) is the QR
    /// payload (a scanner app's copy), anything else a manual entry («фн … фд … фп … дата
    /// сумма»).
    ///
    /// ```
    /// use chek::engine::Input;
    /// let qr = "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1";
    /// assert_eq!(Input::from_message(&format!(" {qr}\n")).kind(), "qr");
    /// assert_eq!(Input::from_message("фн 7281440500751551 фд 30611 фп 2845710362 05.11.26 18:30 1530,00").kind(), "manual");
    /// ```
    pub fn from_message(text: &str) -> Input {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if !t.contains(char::is_whitespace) && (lower.contains("fn=") || lower.contains("fn%3d")) {
            Input::QrText(t.to_owned())
        } else {
            Input::Manual(t.to_owned())
        }
    }

    /// `photo`, `qr`, `ocr` or `manual`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Input::Photo(_) => "photo",
            Input::QrText(_) => "qr",
            Input::OcrText(_) => "ocr",
            Input::Manual(_) => "manual",
        }
    }
}

/// A submission: the input plus how to treat it. Built with [`Submission::new`] and the
/// `with_*` methods.
///
/// ```
/// use chek::engine::{Input, Submission};
/// use chek::Lang;
/// let s = Submission::new("tg:42", Input::Manual("фн 7281440500751551 фд 1 фп 2 01.11.26 10:00 500".into()))
///     .with_lang(Lang::En)
///     .with_idempotency_key("msg-1001");
/// assert_eq!(s.participant, "tg:42");
/// assert_eq!(s.idempotency_key.as_deref(), Some("msg-1001"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The participant, as the operator's system knows them (`tg:42`, a phone hash…).
    pub participant: String,
    /// What they sent.
    pub input: Input,
    /// A key the caller derives from the message (e.g. the chat message id): a retried
    /// submission with the same key returns the first outcome and earns nothing twice.
    pub idempotency_key: Option<String>,
    /// The language of hints for this participant (default Russian).
    pub lang: Lang,
    /// When it was received (UTC); default: the engine's `now`.
    pub received_at: Option<NaiveDateTime>,
}

impl Submission {
    /// A submission in Russian, received now, without an idempotency key.
    pub fn new(participant: impl Into<String>, input: Input) -> Self {
        Submission {
            participant: participant.into(),
            input,
            idempotency_key: None,
            lang: Lang::Ru,
            received_at: None,
        }
    }

    /// Sets the idempotency key.
    #[must_use]
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sets the hint language.
    #[must_use]
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// Sets the receipt time (UTC).
    #[must_use]
    pub fn received_at(mut self, at: NaiveDateTime) -> Self {
        self.received_at = Some(at);
        self
    }
}
