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
mod second;
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
    let (reading, text) = read_receipt(&luma, opts)?;
    Ok(OcrReading {
        reading,
        text,
        elapsed: start.elapsed(),
    })
}

/// The first pass over the whole page; when fiscal fields are missing, the page turned upright
/// (if it lies sideways or upside down) and the fiscal block read twice more, fields kept only
/// when the readings agree (see `second`).
fn read_receipt(luma: &GrayImage, opts: &OcrOptions) -> Result<(TextReading, String), OcrError> {
    let first = |img: &GrayImage| -> Result<(Vec<second::Word>, f32), OcrError> {
        let prepared = prep::prepare(img);
        let scale = prepared.width() as f32 / img.width().max(1) as f32;
        let tsv = tesseract::run_with(
            prep::to_pgm(&prepared),
            opts,
            &opts.languages,
            opts.psm,
            &["tsv"],
        )?;
        Ok((second::parse_tsv(&tsv), scale))
    };
    let (mut words, mut scale) = first(luma)?;
    let mut text = second::words_to_text(&words);
    let mut reading = parse_receipt_text(&text);
    let fiscal_missing = |r: &TextReading| {
        r.fn_number.is_none() || r.fd.is_none() || r.fp.is_none() || r.datetime.is_none()
    };
    if !fiscal_missing(&reading) {
        return Ok((reading, text));
    }
    let mut page = luma.clone();
    if second::fiscal_block(&words, 1).is_none() {
        // Tesseract's orientation detection needs a page of text; on a few faded lines it gives
        // up, and then the two sideways turns are tried and the one with fiscal labels kept.
        let turns: Vec<u32> = match second::orientation(&prep::prepare(luma), opts) {
            Some(deg) => vec![deg],
            None if words.len() < 40 => vec![90, 270],
            None => Vec::new(),
        };
        for deg in turns {
            let turned = second::rotate(luma, deg);
            let (w, k) = first(&turned)?;
            if second::fiscal_block(&w, 1).is_some() || w.len() > words.len() * 2 {
                (page, words, scale) = (turned, w, k);
                text = second::words_to_text(&words);
                reading = parse_receipt_text(&text);
                if !fiscal_missing(&reading) {
                    return Ok((reading, text));
                }
                if second::fiscal_block(&words, 1).is_some() {
                    break;
                }
            }
        }
    }
    let Some(((_, y, _, h), line_h)) = second::fiscal_block(&words, 1) else {
        return Ok((reading, text));
    };
    // Back to the page's own pixels: the block's rows, the whole width.
    let to_page = |v: u32| (v as f32 / scale.max(0.01)) as u32;
    let rect = (0, to_page(y), page.width(), to_page(h).max(1));
    let line_h = to_page(line_h).max(2);
    let a = second::read_block(&page, rect, line_h, 40, 12, opts)?;
    let b = second::read_block(&page, rect, line_h, 56, 18, opts)?;
    Ok((second::merge(reading, &[a, b]), text))
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
