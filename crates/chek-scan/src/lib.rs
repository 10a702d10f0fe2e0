//! # chek-scan
//!
//! Reads the fiscal QR out of a shopper's photo of a receipt (JPEG, PNG or WebP), and when it
//! cannot, says why in a way the shopper can act on (too dark, blurred, glare, not the receipt's
//! code...). Decoding is rxing's; this crate adds receipt-minded preprocessing tried cheapest
//! first within a time budget, photo diagnostics, and hard limits for hostile uploads.
//!
//! ```
//! use chek_scan::{scan, ScanOptions, ScanError};
//! use chek_core::Coded;
//!
//! // A PNG header that claims 100 000 × 100 000 pixels is refused before decoding.
//! let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
//! bomb.extend_from_slice(&100_000u32.to_be_bytes());
//! bomb.extend_from_slice(&100_000u32.to_be_bytes());
//! bomb.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
//! let err = scan(&bomb, &ScanOptions::default()).unwrap_err();
//! assert_eq!(err.code(), "scan.too_many_pixels");
//! ```
#![forbid(unsafe_code)]

mod detect;
mod diagnostic;
mod error;
mod load;
mod measure;
#[cfg(feature = "ocr")]
pub mod ocr;
mod options;
mod outcome;
mod pipeline;
mod prep;

use std::time::Instant;

pub use diagnostic::Diagnostic;
pub use error::ScanError;
pub use measure::PhotoStats;
pub use options::ScanOptions;
pub use outcome::ScanOutcome;
pub use pipeline::PASSES;

/// Decodes a JPEG, PNG or WebP to 8-bit grayscale within the limits of `opts`: the first step
/// of [`scan`], public for callers that want the pixels (and for the benchmark's decode floor).
///
/// ```
/// use chek_scan::{decode_luma, ScanOptions};
/// let mut png = Vec::new();
/// image::GrayImage::from_pixel(3, 2, image::Luma([7]))
///     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
/// let img = decode_luma(&png, &ScanOptions::default())?;
/// assert_eq!(img.dimensions(), (3, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_luma(bytes: &[u8], opts: &ScanOptions) -> Result<GrayImage, ScanError> {
    load::load_luma(bytes, opts)
}

use chek_core::fiscal::{FiscalQr, QrError};
use image::GrayImage;
use measure::{BLURRY_BELOW, BRIGHT_P5_ABOVE, DARK_P95_BELOW, GLARE_ABOVE};

/// Pictures with a shorter side below this cannot hold a readable receipt QR.
const MIN_SIDE: u32 = 100;

/// Scans `bytes` (a JPEG, PNG or WebP photo) for a fiscal receipt QR.
///
/// Errors are for bytes that are not a usable image; a photo with no readable fiscal QR is an
/// `Ok` outcome with [`ScanOutcome::diagnostics`].
///
/// ```
/// use chek_scan::{scan, ScanOptions};
/// use chek_core::Coded;
///
/// // A plain grey 200×200 PNG: decodes, holds no QR.
/// let mut png = Vec::new();
/// image::GrayImage::from_pixel(200, 200, image::Luma([128]))
///     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
/// let out = scan(&png, &ScanOptions::default())?;
/// assert!(out.fiscal.is_none());
/// assert_eq!(out.diagnostics[0].code(), "scan.no_qr");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scan(bytes: &[u8], opts: &ScanOptions) -> Result<ScanOutcome, ScanError> {
    let start = Instant::now();
    let luma = load::load_luma(bytes, opts)?;
    Ok(scan_luma_from(luma, opts, start))
}

/// Scans an already decoded grayscale picture (for callers that hold pixels, e.g. a camera
/// frame). The limits of `opts` on pixels still apply.
///
/// ```
/// use chek_scan::{scan_luma, ScanOptions};
/// let img = image::GrayImage::from_pixel(50, 50, image::Luma([255]));
/// let out = scan_luma(img, &ScanOptions::default())?;
/// assert_eq!(out.diagnostics.iter().map(|d| chek_core::Coded::code(d)).collect::<Vec<_>>(), ["scan.image_too_small"]);
/// # Ok::<(), chek_scan::ScanError>(())
/// ```
pub fn scan_luma(img: GrayImage, opts: &ScanOptions) -> Result<ScanOutcome, ScanError> {
    load::check_dimensions(img.width(), img.height(), opts)?;
    Ok(scan_luma_from(img, opts, Instant::now()))
}

fn scan_luma_from(luma: GrayImage, opts: &ScanOptions, start: Instant) -> ScanOutcome {
    let (width, height) = luma.dimensions();
    let mut out = ScanOutcome {
        fiscal: None,
        fiscal_text: None,
        others: Vec::new(),
        diagnostics: Vec::new(),
        width,
        height,
        pass: None,
        tried: Vec::new(),
        stats: None,
    };
    let mut run = pipeline::Run::new(luma, &opts.skip_passes);
    run.run(start + opts.budget, opts.stop_at_any_code);
    if let Some((qr, text, pass)) = run.fiscal.take() {
        out.fiscal = Some(qr);
        out.fiscal_text = Some(text);
        out.pass = Some(pass);
    }
    out.others = std::mem::take(&mut run.others);
    out.tried = std::mem::take(&mut run.tried);
    if out.fiscal.is_none() && opts.diagnose {
        // A general QR reader that read something needs no photo advice.
        let measure = !opts.stop_at_any_code || out.others.is_empty();
        diagnose(&mut run, &mut out, measure);
    }
    out
}

fn diagnose(run: &mut pipeline::Run<'_>, out: &mut ScanOutcome, measure: bool) {
    let mut d = Vec::new();
    let too_small = out.width.min(out.height) < MIN_SIDE;
    for text in &out.others {
        match FiscalQr::parse(text) {
            Err(QrError::NotFiscal | QrError::TooLong { .. } | QrError::Empty) => {
                if !d.contains(&Diagnostic::NotFiscal) {
                    d.push(Diagnostic::NotFiscal);
                }
            }
            Err(e) => d.push(Diagnostic::FiscalInvalid(e)),
            Ok(_) => {}
        }
    }
    if too_small && out.others.is_empty() {
        // A thumbnail's light and sharpness say nothing about the paper receipt.
        d.push(Diagnostic::ImageTooSmall);
    }
    if !measure || too_small {
        out.diagnostics = d;
        return;
    }
    let scale = run.base_scale;
    let (bw, bh) = run.base.dimensions();
    let finders = run.base_finders().to_vec();
    let mut groups = measure::group_finders(&finders);
    // Where the code's corner squares were seen: in the reduced picture, at full size (a small
    // code), or after contrast normalisation (faded print); the group and its scale over `base`.
    let mut seen: Option<(Vec<detect::Finder>, f32)> = groups
        .first()
        .filter(|g| g.len() >= 2)
        .map(|g| (g.clone(), 1.0));
    if seen.is_none() && out.others.is_empty() {
        if scale > 1.0 {
            let full = run.full_finders().to_vec();
            seen = measure::group_finders(&full)
                .into_iter()
                .next()
                .filter(|g| g.len() >= 2)
                .map(|g| (g, scale));
        }
        if seen.is_none() {
            let faint = run.lcn_finders().to_vec();
            let faint_groups = measure::group_finders(&faint);
            // Three corners in a QR's triangle: text lines, contrast-stretched, make fake ones.
            if faint_groups
                .first()
                .is_some_and(|g| measure::is_qr_triple(g))
            {
                seen = faint_groups.first().map(|g| (g.clone(), 1.0));
                groups = faint_groups;
            }
        }
    }
    let region = match &seen {
        Some((g, k)) if *k == 1.0 => measure::qr_region(g),
        _ => groups.first().and_then(|g| measure::qr_region(g)),
    };
    let stats = measure::stats(&run.base, region);
    let whole = measure::stats(&run.base, None);
    if out.others.is_empty() {
        match &seen {
            Some((g, k)) => {
                // In `base` pixels whatever picture the corners were found in.
                let base_group: Vec<detect::Finder> = g
                    .iter()
                    .map(|f| detect::Finder {
                        x: f.x / k,
                        y: f.y / k,
                        size: f.size / k,
                    })
                    .collect();
                let module_full =
                    base_group.iter().map(|f| f.size).fold(0.0f32, f32::max) / 7.0 * scale;
                if measure::cut_off(&base_group, bw, bh) {
                    d.push(Diagnostic::QrCutOff);
                } else if module_full < measure::SMALL_MODULE_BELOW {
                    d.push(Diagnostic::QrTooSmall);
                } else if stats.p95.saturating_sub(stats.p5) < measure::FADED_RANGE_BELOW
                    && whole.p95 >= DARK_P95_BELOW
                {
                    d.push(Diagnostic::Faded);
                }
                d.push(Diagnostic::QrUnreadable);
            }
            None if d.is_empty() => d.push(Diagnostic::NoQr),
            None => {}
        }
    }
    if whole.p95 < DARK_P95_BELOW {
        d.push(Diagnostic::TooDark);
    } else if whole.p5 > BRIGHT_P5_ABOVE {
        d.push(Diagnostic::Overexposed);
    } else if stats.clipped > GLARE_ABOVE || whole.clipped > GLARE_ABOVE {
        d.push(Diagnostic::Glare);
    }
    if stats.sharpness < BLURRY_BELOW {
        d.push(Diagnostic::Blurry);
    }
    if run.out_of_time {
        d.push(Diagnostic::OutOfTime);
    }
    out.stats = Some(stats);
    out.diagnostics = d;
}
