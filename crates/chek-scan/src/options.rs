//! Limits and budget of one scan.

use std::time::Duration;

/// What a scan may spend. The defaults are safe for untrusted uploads.
///
/// ```
/// use chek_scan::ScanOptions;
/// let o = ScanOptions::default();
/// assert!(o.max_pixels >= 12_000_000, "a 12 MP phone photo must pass");
/// let strict = ScanOptions { max_bytes: 1 << 20, ..ScanOptions::default() };
/// assert_eq!(strict.max_bytes, 1_048_576);
/// ```
///
/// Not `#[non_exhaustive]`, so callers can write `ScanOptions { budget, ..Default::default() }`;
/// new fields always come with a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Largest accepted file, in bytes.
    pub max_bytes: usize,
    /// Largest accepted width × height, checked from the header before any pixel is decoded.
    pub max_pixels: u64,
    /// Largest accepted width or height.
    pub max_side: u32,
    /// Time after which no further preprocessing pass is started. A pass already running is
    /// allowed to finish, so the real bound is this plus one pass.
    pub budget: Duration,
    /// Whether to compute photo diagnostics when no fiscal QR was read.
    pub diagnose: bool,
    /// Stop at the first pass that reads any QR, fiscal or not. Off for receipts, where a shop's
    /// promo code is often read before the fiscal one; on for general QR reading (and for
    /// benchmarking on general QR photo sets).
    pub stop_at_any_code: bool,
    /// Preprocessing passes to leave out, by name (see [`PASSES`](crate::PASSES)). For the
    /// benchmark's ablation runs; leave empty.
    pub skip_passes: Vec<String>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_bytes: 32 * 1024 * 1024,
            // 48 MP covers every phone camera's default mode with room to spare.
            max_pixels: 48_000_000,
            max_side: 16_384,
            budget: Duration::from_millis(1500),
            diagnose: true,
            stop_at_any_code: false,
            skip_passes: Vec::new(),
        }
    }
}
