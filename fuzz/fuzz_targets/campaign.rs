//! Campaign files and evaluation never panic: any text either fails with a typed error or
//! compiles into a campaign that decides a receipt (and decides it the same way twice).
#![no_main]

use chek_core::campaign::{Campaign, ParticipantHistory};
use chek_core::fiscal::{Candidate, Channel, FiscalQr, Receipt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(c) = Campaign::parse(s) else { return };
    let qr: FiscalQr = "t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1"
        .parse()
        .expect("fixed QR parses");
    let receipt = Receipt::from_fns_json(
        r#"{"fiscalDriveNumber":"7281440500751551","fiscalDocumentNumber":1,"fiscalSign":1,
        "totalSum":153000,"operationType":1,"dateTime":"2026-09-15T12:00:00","userInn":"7705123452",
        "items":[{"name":"Тетрадь 48л","price":153000,"quantity":1,"sum":153000}]}"#,
    )
    .expect("fixed receipt parses");
    let now = qr.datetime;
    let h = ParticipantHistory::default();
    for cand in [Candidate::new(qr, Channel::Manual), Candidate::verified(receipt, Channel::Qr)] {
        let a = c.evaluate(&cand, &h, now);
        assert_eq!(a, c.evaluate(&cand, &h, now));
    }
});
