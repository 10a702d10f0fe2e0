//! The manual-entry parser never panics, and a complete reading is a QR that parses back to the
//! same value.
#![no_main]

use chek_core::fiscal::FiscalQr;
use chek_core::text::parse_manual_entry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let r = parse_manual_entry(&s);
    let _ = r.problems();
    if let Ok(qr) = r.to_qr() {
        let again = FiscalQr::parse(&qr.to_string()).expect("canonical form parses");
        assert_eq!(again, qr);
    }
});
