//! What a scan returns.

use chek_core::fiscal::FiscalQr;

use crate::{Diagnostic, PhotoStats};

/// The result of scanning one photo.
///
/// `fiscal` is set when a fiscal QR was read; otherwise `diagnostics` says why not and what the
/// shopper can do. Other codes in the picture (a shop's promo QR) are listed in `others`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScanOutcome {
    /// The fiscal QR, parsed.
    pub fiscal: Option<FiscalQr>,
    /// The fiscal QR's text exactly as decoded.
    pub fiscal_text: Option<String>,
    /// Texts of the other QR codes read, in the order found.
    pub others: Vec<String>,
    /// Why no fiscal QR was read, most useful first; empty when one was.
    pub diagnostics: Vec<Diagnostic>,
    /// Width of the decoded picture in pixels.
    pub width: u32,
    /// Height of the decoded picture in pixels.
    pub height: u32,
    /// The preprocessing pass that read the fiscal QR (one of [`PASSES`](crate::PASSES)).
    pub pass: Option<&'static str>,
    /// The passes that ran, in order.
    pub tried: Vec<&'static str>,
    /// Quality measures, computed when diagnostics were.
    pub stats: Option<PhotoStats>,
}
