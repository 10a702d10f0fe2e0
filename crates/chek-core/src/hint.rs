//! Stable machine codes and shopper-facing hints in Russian and English.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Anything that carries a stable machine code and a hint a shopper can act on.
///
/// Codes are dotted lowercase `area.reason` strings. They are part of the public API: they are
/// never renamed, only added.
///
/// ```
/// use chek_core::{Coded, Lang};
/// use chek_core::fiscal::QrError;
///
/// let err = QrError::NotFiscal;
/// assert_eq!(err.code(), "qr.not_fiscal");
/// assert!(err.hint(Lang::Ru).contains("QR"));
/// ```
pub trait Coded {
    /// The stable machine code, e.g. `qr.missing_field`.
    fn code(&self) -> &'static str;
    /// The hint in the given language.
    fn hint(&self, lang: Lang) -> Cow<'static, str>;
}

/// A hint in both languages, for data that travels (findings, decisions) and is shown later in
/// whichever language the reader wants.
///
/// ```
/// use chek_core::{Hint, Lang};
/// let h = Hint::new("Сфотографируйте ближе", "Take the photo closer");
/// assert_eq!(h.get(Lang::En), "Take the photo closer");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hint {
    /// Russian text.
    pub ru: Cow<'static, str>,
    /// English text.
    pub en: Cow<'static, str>,
}

impl Hint {
    /// A hint from two texts.
    pub fn new(ru: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Hint {
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// Captures the hint of anything [`Coded`] in both languages.
    pub fn of(c: &impl Coded) -> Self {
        Hint {
            ru: c.hint(Lang::Ru),
            en: c.hint(Lang::En),
        }
    }
}
