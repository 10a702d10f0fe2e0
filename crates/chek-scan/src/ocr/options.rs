//! How server-side OCR runs Tesseract.

use std::path::PathBuf;
use std::time::Duration;

use crate::ScanOptions;

/// Where Tesseract is and what one OCR run may spend. The defaults suit a Debian server with
/// `tesseract-ocr` and `tesseract-ocr-rus` installed.
///
/// ```
/// use chek_scan::ocr::OcrOptions;
/// let o = OcrOptions::default();
/// assert_eq!(o.languages, "rus");
/// let custom = OcrOptions { tesseract: "/opt/tess/bin/tesseract".into(), ..OcrOptions::default() };
/// assert_eq!(custom.psm, 4);
/// ```
///
/// Not `#[non_exhaustive]`, so callers can write `OcrOptions { timeout, ..Default::default() }`;
/// new fields always come with a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrOptions {
    /// The Tesseract executable: a bare name is looked up in `PATH`.
    pub tesseract: PathBuf,
    /// Tesseract's `-l` argument. Russian only: with `rus+eng` Tesseract read the short label
    /// `ФП` as Latin `on` on the rendered receipts, and the text parser already repairs the
    /// Latin look-alikes Russian-only reading produces.
    pub languages: String,
    /// Tesseract's page segmentation mode: 4 (one column of lines of varying size) fits a
    /// receipt; 6 (one uniform block) is the alternative.
    pub psm: u8,
    /// Wall-clock limit of one Tesseract run, after which it is killed.
    pub timeout: Duration,
    /// Largest text kept from Tesseract's output; the rest is discarded unread.
    pub max_output_bytes: usize,
    /// Limits on the uploaded image, as for [`scan`](crate::scan).
    pub limits: ScanOptions,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            tesseract: PathBuf::from("tesseract"),
            languages: "rus".to_owned(),
            psm: 4,
            timeout: Duration::from_secs(20),
            max_output_bytes: chek_core::text::MAX_TEXT_BYTES,
            limits: ScanOptions::default(),
        }
    }
}
