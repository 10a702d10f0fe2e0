//! Any SMS text and sender: a typed outcome and a one-segment-checked reply, never a panic;
//! the registry stays one to one.
#![no_main]

use chek_core::Lang;
use chek_engage::loyalty::{Programme, Registry, sms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (from, text) = s.split_once('\n').unwrap_or(("+79161234567", s));
    let p = Programme::example();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("a valid date");
    let reg = Registry::default().issue(["4600682000013".parse().expect("a card")]);
    let ex = sms(reg, &p, from, text, now, Lang::Ru);
    assert!(!ex.reply.text.is_empty());
    assert!(ex.registry.is_consistent());
});
