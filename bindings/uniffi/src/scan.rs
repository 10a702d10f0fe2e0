//! Reading the fiscal QR from a photo or a camera frame.

use std::time::Duration;

use chek::scan as core;
use chek::{Coded, Lang as CoreLang};

use crate::blocking::off_thread;
use crate::error::Area;
use crate::types::lang_of;
use crate::{ChekError, FiscalQr, InputError, Lang};

/// Limits and budget of one scan. The defaults suit phone photos.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScanOptions {
    /// Larger files are refused (`scan.too_large`).
    #[uniffi(default = 33554432)]
    pub max_bytes: i64,
    /// Larger pictures are refused before decoding (`scan.too_many_pixels`).
    #[uniffi(default = 48000000)]
    pub max_pixels: i64,
    /// Time budget in milliseconds; when it runs out the scan ends with `scan.out_of_time`.
    #[uniffi(default = 1500)]
    pub budget_ms: i64,
    /// Say why nothing was read (blur, darkness, glare...) when no fiscal QR is found.
    #[uniffi(default = true)]
    pub diagnose: bool,
    /// Stop at the first QR of any kind (fast path for live camera frames).
    #[uniffi(default = false)]
    pub stop_at_any_code: bool,
}

/// The default options (the same as the record's defaults in Kotlin and Swift).
///
/// ```
/// assert_eq!(chek_ffi::default_scan_options().budget_ms, 1500);
/// ```
#[uniffi::export]
pub fn default_scan_options() -> ScanOptions {
    let d = core::ScanOptions::default();
    ScanOptions {
        max_bytes: i64::try_from(d.max_bytes).unwrap_or(i64::MAX),
        max_pixels: i64::try_from(d.max_pixels).unwrap_or(i64::MAX),
        budget_ms: i64::try_from(d.budget.as_millis()).unwrap_or(i64::MAX),
        diagnose: d.diagnose,
        stop_at_any_code: d.stop_at_any_code,
    }
}

impl ScanOptions {
    fn to_core(&self) -> Result<core::ScanOptions, InputError> {
        let pos = |field: &'static str, v: i64| {
            u64::try_from(v).map_err(|_| InputError::OutOfRange { field, value: v })
        };
        Ok(core::ScanOptions {
            max_bytes: usize::try_from(pos("max_bytes", self.max_bytes)?).unwrap_or(usize::MAX),
            max_pixels: pos("max_pixels", self.max_pixels)?,
            budget: Duration::from_millis(pos("budget_ms", self.budget_ms)?),
            diagnose: self.diagnose,
            stop_at_any_code: self.stop_at_any_code,
            ..core::ScanOptions::default()
        })
    }
}

/// Why a photo gave no fiscal QR, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Diagnostic {
    /// Stable code, e.g. `scan.blurry`, `scan.qr_unreadable`, `scan.not_fiscal`.
    pub code: String,
    /// What to tell the shopper («retake closer...»), in the language of the call.
    pub hint: String,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScanResult {
    /// The fiscal QR, when one was read and parsed.
    pub fiscal: Option<FiscalQr>,
    /// Its raw text.
    pub fiscal_text: Option<String>,
    /// Texts of other (non-fiscal) QR codes in the picture.
    pub others: Vec<String>,
    /// Why no fiscal QR was read; empty when one was.
    pub diagnostics: Vec<Diagnostic>,
    /// Picture width in pixels.
    pub width: i64,
    /// Picture height in pixels.
    pub height: i64,
    /// The pipeline pass that read the code.
    pub pass: Option<String>,
}

fn result(out: &core::ScanOutcome, lang: CoreLang) -> ScanResult {
    ScanResult {
        fiscal: out.fiscal.as_ref().map(Into::into),
        fiscal_text: out.fiscal_text.clone(),
        others: out.others.clone(),
        diagnostics: out
            .diagnostics
            .iter()
            .map(|d| Diagnostic {
                code: d.code().to_owned(),
                hint: d.hint(lang).into_owned(),
            })
            .collect(),
        width: i64::from(out.width),
        height: i64::from(out.height),
        pass: out.pass.map(str::to_owned),
    }
}

/// Scans a JPEG, PNG or WebP photo for the receipt's fiscal QR.
///
/// Errors ([`ChekError::Scan`]) are for bytes that are not a usable image; a photo without a
/// readable fiscal QR is an `Ok` result whose `diagnostics` say what to retake.
///
/// ```
/// use chek_ffi::{scan, default_scan_options, Lang};
/// let err = scan(b"GIF89a".to_vec(), default_scan_options(), Some(Lang::En)).unwrap_err();
/// assert_eq!(err.code(), "scan.unsupported_format");
/// ```
#[uniffi::export(default(lang))]
pub fn scan(
    image: Vec<u8>,
    options: ScanOptions,
    lang: Option<Lang>,
) -> Result<ScanResult, ChekError> {
    scan_photo(&image, &options, lang)
}

/// [`scan`] off the caller's thread: Kotlin `suspend fun scanAsync`, Swift `async`. Decoding
/// a 12 MP photo takes a few hundred milliseconds; call this from the UI's coroutine scope and
/// it suspends instead of blocking. Same results and errors as [`scan`].
#[uniffi::export(default(lang))]
pub async fn scan_async(
    image: Vec<u8>,
    options: ScanOptions,
    lang: Option<Lang>,
) -> Result<ScanResult, ChekError> {
    off_thread(move || scan_photo(&image, &options, lang)).await
}

/// [`scan_luma`] off the caller's thread: Kotlin `suspend fun scanLumaAsync`, Swift `async`.
#[uniffi::export(default(lang))]
pub async fn scan_luma_async(
    pixels: Vec<u8>,
    width: i32,
    height: i32,
    options: ScanOptions,
    lang: Option<Lang>,
) -> Result<ScanResult, ChekError> {
    off_thread(move || scan_frame(pixels, width, height, &options, lang)).await
}

fn scan_photo(
    image: &[u8],
    options: &ScanOptions,
    lang: Option<Lang>,
) -> Result<ScanResult, ChekError> {
    let l: CoreLang = lang_of(lang);
    let opts = options.to_core().map_err(|e| e.into_ffi(l))?;
    core::scan(image, &opts)
        .map(|out| result(&out, l))
        .map_err(|e| ChekError::of(Area::Scan, &e, l))
}

/// Scans a grayscale camera frame: `pixels` holds one luma byte per pixel, row by row (the Y
/// plane of a YUV frame, with the row stride removed).
///
/// ```
/// use chek_ffi::{scan_luma, default_scan_options, Lang};
/// let out = scan_luma(vec![255; 50 * 50], 50, 50, default_scan_options(), Some(Lang::En))?;
/// assert_eq!(out.diagnostics[0].code, "scan.image_too_small");
/// assert_eq!(scan_luma(vec![0; 10], 50, 50, default_scan_options(), Some(Lang::En)).unwrap_err().code(), "input.bad_frame");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn scan_luma(
    pixels: Vec<u8>,
    width: i32,
    height: i32,
    options: ScanOptions,
    lang: Option<Lang>,
) -> Result<ScanResult, ChekError> {
    scan_frame(pixels, width, height, &options, lang)
}

fn scan_frame(
    pixels: Vec<u8>,
    width: i32,
    height: i32,
    options: &ScanOptions,
    lang: Option<Lang>,
) -> Result<ScanResult, ChekError> {
    let l: CoreLang = lang_of(lang);
    let opts = options.to_core().map_err(|e| e.into_ffi(l))?;
    let len = pixels.len();
    let bad = || InputError::BadFrame { len, width, height }.into_ffi(l);
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(bad());
    };
    if u64::from(w) * u64::from(h) != len as u64 {
        return Err(bad());
    }
    let (width, height) = (w, h);
    let img = image::GrayImage::from_raw(width, height, pixels).ok_or_else(bad)?;
    core::scan_luma(img, &opts)
        .map(|out| result(&out, l))
        .map_err(|e| ChekError::of(Area::Scan, &e, l))
}
