//! The QR parser never panics, and whatever it accepts prints a canonical form that parses back
//! to the same value.
#![no_main]

use chek_core::fiscal::FiscalQr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(qr) = FiscalQr::parse(s) {
        let canonical = qr.to_string();
        let again = FiscalQr::parse(&canonical).expect("canonical form parses");
        assert_eq!(again.to_string(), canonical);
    }
});
