//! Server-side OCR (feature `ocr`): reads a receipt photo's printed text with Tesseract and
//! parses the fiscal fields from it, for receipts whose QR is torn off, faded or never printed.
//!
//! The photo is decoded to grayscale with the same limits as [`scan`](crate::scan), enlarged
//! when the text is small and binarized with a local threshold (thermal print fades unevenly),
//! then read by the `tesseract` executable (`tesseract-ocr` and `tesseract-ocr-rus` on Debian)
//! and parsed by [`parse_receipt_text`].
//!
//! ```
//! use chek_scan::ocr::{ocr_receipt, OcrOptions};
//! use chek_core::Coded;
//!
//! let opts = OcrOptions { tesseract: "/nonexistent/tesseract".into(), ..OcrOptions::default() };
//! let mut png = Vec::new();
//! image::GrayImage::from_pixel(200, 200, image::Luma([255]))
//!     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
//! let err = ocr_receipt(&png, &opts).unwrap_err();
//! assert_eq!(err.code(), "scan.ocr_unavailable");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod options;
mod prep;
mod tesseract;

use std::time::{Duration, Instant};

use chek_core::text::{TextReading, parse_receipt_text};
use image::GrayImage;

pub use error::OcrError;
pub use options::OcrOptions;

/// What OCR read from one photo.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OcrReading {
    /// The fiscal fields parsed from the text, with what is missing (channel `ocr`).
    pub reading: TextReading,
    /// Tesseract's text, as read.
    pub text: String,
    /// Decoding, preprocessing and OCR, wall clock.
    pub elapsed: Duration,
}

/// Reads the printed fiscal fields of a receipt photo (JPEG, PNG or WebP).
///
/// Errors are for images that cannot be looked at and for Tesseract being missing, failing or
/// too slow; a photo with no readable fields is an `Ok` whose reading lists them as missing.
/// See the [module](self) example.
pub fn ocr_receipt(bytes: &[u8], opts: &OcrOptions) -> Result<OcrReading, OcrError> {
    let start = Instant::now();
    let luma = crate::decode_luma(bytes, &opts.limits)?;
    let text = ocr_luma(&luma, opts)?;
    Ok(OcrReading {
        reading: parse_receipt_text(&text),
        text,
        elapsed: start.elapsed(),
    })
}

/// Tesseract's text of an already decoded grayscale picture, after the thermal-print
/// preprocessing.
///
/// ```
/// use chek_scan::ocr::{ocr_luma, OcrOptions};
/// let opts = OcrOptions { tesseract: "/nonexistent/tesseract".into(), ..OcrOptions::default() };
/// let img = image::GrayImage::from_pixel(10, 10, image::Luma([255]));
/// assert!(ocr_luma(&img, &opts).is_err());
/// ```
pub fn ocr_luma(img: &GrayImage, opts: &OcrOptions) -> Result<String, OcrError> {
    crate::load::check_dimensions(img.width(), img.height(), &opts.limits)?;
    let pgm = prep::to_pgm(&prep::prepare(img));
    tesseract::run(pgm, opts)
}
