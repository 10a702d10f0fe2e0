//! The receipt text parser never panics, reads only within its bound, and whatever it reads
//! comes from the input: every field's span lies inside it, and a complete reading is a QR that
//! parses back to the same value.
#![no_main]

use chek_core::fiscal::FiscalQr;
use chek_core::text::parse_receipt_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let r = parse_receipt_text(&s);
    if let Some(f) = &r.fd {
        assert!(f.span.end <= s.len() && s.is_char_boundary(f.span.start));
    }
    let _ = r.problems();
    if let Ok(qr) = r.to_qr() {
        let again = FiscalQr::parse(&qr.to_string()).expect("canonical form parses");
        assert_eq!(again, qr);
    }
});
