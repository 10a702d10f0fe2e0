//! Any upload gives a scan outcome or a typed error, never a panic; limits are small so each run
//! stays fast.
#![no_main]

use chek_scan::{ScanOptions, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ScanOptions {
        max_pixels: 1_000_000,
        max_side: 2048,
        budget: std::time::Duration::from_millis(200),
        ..ScanOptions::default()
    };
    let _ = scan(data, &opts);
});
