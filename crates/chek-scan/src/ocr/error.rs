//! Why server-side OCR produced no text.

use std::borrow::Cow;

use chek_core::{Coded, Lang};

use crate::ScanError;

/// Why [`ocr_receipt`](crate::ocr::ocr_receipt) read no text. A photo whose text was read but
/// lacks fiscal fields is not an error: the [`TextReading`](chek_core::text::TextReading) says
/// which fields are missing.
///
/// ```
/// use chek_scan::ocr::OcrError;
/// use chek_core::{Coded, Lang};
/// let e = OcrError::Timeout { ms: 20_000 };
/// assert_eq!(e.code(), "scan.ocr_timeout");
/// assert!(e.hint(Lang::Ru).contains("вручную"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcrError {
    /// The bytes are not a usable image (the same refusals as [`scan`](crate::scan)).
    #[error(transparent)]
    Image(#[from] ScanError),
    /// The Tesseract executable or its Russian language data is not installed.
    #[error("tesseract is not available ({program}): {reason}")]
    Unavailable {
        /// The executable that was tried.
        program: String,
        /// What went wrong, for the operator's log.
        reason: String,
    },
    /// Tesseract ran longer than [`OcrOptions::timeout`](crate::ocr::OcrOptions::timeout) and
    /// was killed.
    #[error("tesseract took longer than {ms} ms")]
    Timeout {
        /// The limit that was hit.
        ms: u64,
    },
    /// Tesseract ran and failed.
    #[error("tesseract failed: {0}")]
    Failed(String),
}

impl Coded for OcrError {
    fn code(&self) -> &'static str {
        match self {
            OcrError::Image(e) => e.code(),
            OcrError::Unavailable { .. } => "scan.ocr_unavailable",
            OcrError::Timeout { .. } => "scan.ocr_timeout",
            OcrError::Failed(_) => "scan.ocr_failed",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (OcrError::Image(e), _) => e.hint(lang),
            (OcrError::Unavailable { .. }, Lang::Ru) => "Распознавание текста чека сейчас недоступно. Пришлите фото QR-кода чека или введите вручную ФН, ФД, ФП, дату и сумму.".into(),
            (OcrError::Unavailable { .. }, Lang::En) => "Reading the receipt's text is not available right now. Send a photo of the receipt's QR code, or type the ФН, ФД, ФП, date and total by hand.".into(),
            (OcrError::Timeout { .. }, Lang::Ru) => "Текст на фото распознавался слишком долго. Пришлите фото только нижней части чека (где ФН, ФД, ФП) или введите эти данные вручную.".into(),
            (OcrError::Timeout { .. }, Lang::En) => "Reading the text took too long. Send a photo of just the bottom of the receipt (with ФН, ФД, ФП), or type those fields by hand.".into(),
            (OcrError::Failed(_), Lang::Ru) => "Не удалось распознать текст на фото. Сфотографируйте чек ровно и при хорошем свете или введите ФН, ФД, ФП, дату и сумму вручную.".into(),
            (OcrError::Failed(_), Lang::En) => "The text on the photo could not be read. Photograph the receipt flat in good light, or type the ФН, ФД, ФП, date and total by hand.".into(),
        }
    }
}
