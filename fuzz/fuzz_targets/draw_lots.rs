//! Lots lists never panic the draw, and a draw always verifies against its own inputs.
#![no_main]

use chek_core::draw::{draw, parse_lots, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(list) = parse_lots(s) else { return };
    if let Ok(r) = draw(&list, &[7; 16], b"beacon", 3, &[]) {
        verify(&r, &list).expect("a draw verifies against its own inputs");
    }
});
