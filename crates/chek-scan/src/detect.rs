//! The only place that calls rxing. Its types stay here; the rest of the crate sees strings and
//! rectangles. Every call is guarded: decoders have panicked on real photos before.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::GrayImage;
use rxing::common::HybridBinarizer;
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::qrcode::cpp_port::detector::FindFinderPatterns;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, Reader as _};

/// Which rxing QR reader a pass uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    /// The port of zxing-cpp's detector: finds every code, any rotation.
    Cpp,
    /// The port of ZXing Java's detector, one code per call: different finder heuristics, it
    /// reads some codes the other misses (rxing's own fallback order).
    Java,
}

/// A decoded code's text.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) text: String,
}

/// A finder pattern (one of a QR's three corner squares): centre and size in pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Finder {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) size: f32,
}

fn hints() -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        ..DecodeHints::default()
    }
}

/// All QR codes rxing finds in `img`; empty when none, or when the decoder failed or panicked.
pub(crate) fn decode_all(img: &GrayImage, reader: Reader) -> Vec<Found> {
    let (w, h) = img.dimensions();
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let run = || {
        let source = Luma8Source::new_with_slice(img.as_raw(), w, h).ok()?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let res = match reader {
            Reader::Cpp => QrReader.decode_multiple_with_hints(&mut bitmap, &hints()),
            Reader::Java => QRCodeReader
                .decode_with_hints(&mut bitmap, &hints())
                .map(|r| vec![r]),
        };
        res.ok()
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Some(results)) => results
            .iter()
            .map(|r| Found {
                text: r.getText().to_owned(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The finder patterns seen in `img`, for cropping and for telling "no QR" from "QR not read".
pub(crate) fn finders(img: &GrayImage) -> Vec<Finder> {
    let (w, h) = img.dimensions();
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let run = || {
        let source = Luma8Source::new_with_slice(img.as_raw(), w, h).ok()?;
        let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let matrix = bitmap.get_black_matrix();
        Some(FindFinderPatterns(matrix, true, 0))
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Some(fps)) => fps
            .iter()
            .map(|f| Finder {
                x: f.p.x,
                y: f.p.y,
                size: f.size as f32,
            })
            .collect(),
        _ => Vec::new(),
    }
}
