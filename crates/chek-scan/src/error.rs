//! Why an upload could not be looked at, as opposed to a photo that was looked at and held no
//! readable QR (those are [`Diagnostic`](crate::Diagnostic)s).

use std::borrow::Cow;

use chek_core::{Coded, Lang};

/// Why the bytes are not an image we can scan.
///
/// ```
/// use chek_scan::{scan, ScanError, ScanOptions};
/// use chek_core::Coded;
/// let err = scan(b"", &ScanOptions::default()).unwrap_err();
/// assert_eq!(err, ScanError::Empty);
/// assert_eq!(err.code(), "scan.empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// No bytes at all.
    #[error("the file is empty")]
    Empty,
    /// More bytes than [`ScanOptions::max_bytes`](crate::ScanOptions::max_bytes).
    #[error("the file is {bytes} bytes, more than the limit of {max}")]
    TooLarge {
        /// Size of the input.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The header claims more pixels than the limits allow (a decompression bomb or a huge scan).
    #[error("the image is {width}×{height} pixels, more than the limit")]
    TooManyPixels {
        /// Claimed width.
        width: u32,
        /// Claimed height.
        height: u32,
    },
    /// Not JPEG, PNG or WebP. `format` names what it looks like, when known (e.g. `heic`).
    #[error("unsupported image format{}", format.map(|f| format!(" ({f})")).unwrap_or_default())]
    UnsupportedFormat {
        /// What the bytes look like, when recognised.
        format: Option<&'static str>,
    },
    /// A known format, but the data is truncated or damaged.
    #[error("the image is damaged or cut short: {0}")]
    CorruptImage(String),
}

impl Coded for ScanError {
    fn code(&self) -> &'static str {
        match self {
            ScanError::Empty => "scan.empty",
            ScanError::TooLarge { .. } => "scan.too_large",
            ScanError::TooManyPixels { .. } => "scan.too_many_pixels",
            ScanError::UnsupportedFormat { .. } => "scan.unsupported_format",
            ScanError::CorruptImage(_) => "scan.corrupt_image",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let heic = matches!(
            self,
            ScanError::UnsupportedFormat {
                format: Some("heic")
            }
        );
        match (self, lang) {
            (ScanError::Empty, Lang::Ru) => "Файл пустой. Пришлите фотографию QR-кода с чека.".into(),
            (ScanError::Empty, Lang::En) => "The file is empty. Send a photo of the receipt's QR code.".into(),
            (ScanError::TooLarge { .. } | ScanError::TooManyPixels { .. }, Lang::Ru) => "Файл слишком большой. Пришлите обычную фотографию с телефона (не скан и не панораму).".into(),
            (ScanError::TooLarge { .. } | ScanError::TooManyPixels { .. }, Lang::En) => "The file is too large. Send an ordinary phone photo (not a scan or a panorama).".into(),
            (ScanError::UnsupportedFormat { .. }, Lang::Ru) if heic => "Формат HEIC не поддерживается. Отправьте снимок как фото (не файлом) или включите в настройках камеры формат JPEG («Наиболее совместимый»).".into(),
            (ScanError::UnsupportedFormat { .. }, Lang::En) if heic => "HEIC is not supported. Send the picture as a photo (not as a file) or set the camera to JPEG (\"Most Compatible\").".into(),
            (ScanError::UnsupportedFormat { .. }, Lang::Ru) => "Это не фотография в формате JPEG, PNG или WebP. Пришлите снимок QR-кода с чека.".into(),
            (ScanError::UnsupportedFormat { .. }, Lang::En) => "This is not a JPEG, PNG or WebP picture. Send a photo of the receipt's QR code.".into(),
            (ScanError::CorruptImage(_), Lang::Ru) => "Файл повреждён или загружен не полностью. Отправьте фотографию ещё раз.".into(),
            (ScanError::CorruptImage(_), Lang::En) => "The file is damaged or was not uploaded completely. Send the photo again.".into(),
        }
    }
}
