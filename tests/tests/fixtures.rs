//! Every real QR string and every real ФНС receipt in the shared fixtures.
#![allow(clippy::unwrap_used)]

use chek::Coded;
use chek::fiscal::{
    FindingCode, FiscalQr, QrError, QrField, Receipt, Severity, ValidationOptions, has_errors,
    receipt_matches_qr, validate_qr, validate_receipt,
};
use chek_tests::fixture;
use chrono::{NaiveDate, NaiveDateTime};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

#[test]
fn every_real_qr_string_parses_validates_and_round_trips() {
    let text = fixture("qr-strings.txt");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 31, "the fixture holds 31 real receipts");
    for (n, line) in lines.iter().enumerate() {
        let qr = FiscalQr::parse(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let findings = validate_qr(&qr, now(), &ValidationOptions::default());
        assert!(
            findings.is_empty(),
            "line {}: unexpected findings {findings:?}",
            n + 1
        );
        // Real printed QRs use exactly the canonical form, seconds included only when non-zero.
        let canonical = qr.to_string();
        let original_seconds = line.split('&').next().unwrap().len() == "t=YYYYMMDDTHHMMSS".len();
        if !original_seconds || qr.datetime.format("%S").to_string() != "00" {
            assert_eq!(&canonical, line, "line {}", n + 1);
        }
        assert_eq!(FiscalQr::parse(&canonical).unwrap(), qr, "line {}", n + 1);
    }
}

#[test]
fn every_variant_gives_its_documented_outcome() {
    let text = fixture("qr-variants.txt");
    let lines: Vec<&str> = text.lines().collect();
    let ok =
        |i: usize| FiscalQr::parse(lines[i]).unwrap_or_else(|e| panic!("variant {}: {e}", i + 1));
    let err = |i: usize| FiscalQr::parse(lines[i]).unwrap_err();

    // 1–2: seconds kept.
    assert_eq!(ok(0).datetime.to_string(), "2019-04-09 13:03:00");
    assert_eq!(ok(1).datetime.to_string(), "2019-04-09 13:03:20");
    // 3–4: lower-case separator is the same receipt as the real lines 30 and 31.
    assert_eq!(
        ok(2).to_string(),
        "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1"
    );
    assert_eq!(ok(3).fd, 169_111);
    // 5: percent-encoded.
    assert_eq!(ok(4), ok(2));
    // 6: reordered, fp missing.
    assert_eq!(err(5), QrError::MissingField(QrField::Fp));
    // 7: `s` without a decimal point is roubles, but fp is missing here too.
    assert_eq!(err(6), QrError::MissingField(QrField::Fp));
    // 8–9: unknown keys are kept.
    assert_eq!(ok(7).extra, vec![("a".to_owned(), "2".to_owned())]);
    assert_eq!(err(8), QrError::MissingField(QrField::N));
    // 10–12: each broken field is named.
    assert_eq!(err(9), QrError::MissingField(QrField::S));
    assert_eq!(err(10).code(), "qr.malformed_field");
    assert_eq!(err(10).field(), Some(QrField::S));
    assert_eq!(err(11).field(), Some(QrField::N));
    // 13–15 are cut shorter and shorter: the first absent field is named.
    assert_eq!(err(12), QrError::MissingField(QrField::N));
    assert_eq!(err(13), QrError::MissingField(QrField::Fp));
    assert_eq!(err(14), QrError::MissingField(QrField::Fn));
    assert_eq!(lines.len(), 15);
}

struct Expect {
    file: &'static str,
    fn_: &'static str,
    fd: u32,
    fp: u32,
    total: i64,
    datetime: &'static str,
    items: usize,
}

const RECEIPTS: &[Expect] = &[
    Expect {
        file: "irkkt-ticket-2020-lenta.json",
        fn_: "9282440300688488",
        fd: 14186,
        fp: 1460060363,
        total: 727300,
        datetime: "2020-07-09 20:08:00",
        items: 50,
    },
    Expect {
        file: "irkkt-ticket-2023-lenta.json",
        fn_: "9960440302169202",
        fd: 6887,
        fp: 339460828,
        total: 21760,
        datetime: "2023-03-17 18:30:00",
        items: 2,
    },
    Expect {
        file: "irkkt-ticket-2023-ozon.json",
        fn_: "7281440501188798",
        fd: 115621,
        fp: 1865575866,
        total: 270100,
        datetime: "2023-10-16 13:13:00",
        items: 1,
    },
    Expect {
        file: "proverkacheka-code1-2024-pyaterochka.json",
        fn_: "7281440500751551",
        fd: 30526,
        fp: 1168453787,
        total: 128521,
        datetime: "2024-09-17 18:01:00",
        items: 6,
    },
    Expect {
        file: "proverkacheka-code1-2025-yandex-market.json",
        fn_: "7380440801185382",
        fd: 169111,
        fp: 3769337301,
        total: 61900,
        datetime: "2025-01-04 19:31:00",
        items: 2,
    },
];

#[test]
fn every_real_receipt_reads_and_passes_offline_checks() {
    for e in RECEIPTS {
        let json = fixture(&format!("fns/{}", e.file));
        let r = Receipt::from_fns_json(&json).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(r.fn_number.to_string(), e.fn_, "{}", e.file);
        assert_eq!(
            (r.fd, r.fp, r.total_kopecks),
            (e.fd, e.fp, e.total),
            "{}",
            e.file
        );
        assert_eq!(r.datetime.to_string(), e.datetime, "{}", e.file);
        assert_eq!(r.items.len(), e.items, "{}", e.file);
        let findings = validate_receipt(&r, now(), &ValidationOptions::default());
        assert!(!has_errors(&findings), "{}: {findings:?}", e.file);
        // No receipt in the fixtures is discounted: price × quantity always matches.
        assert!(findings.is_empty(), "{}: {findings:?}", e.file);

        // The QR each service was asked about matches what it returned.
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let asked = v
            .get("qr")
            .or_else(|| v.pointer("/request/qrraw"))
            .and_then(|q| q.as_str())
            .unwrap();
        let qr = FiscalQr::parse(asked).unwrap();
        assert!(receipt_matches_qr(&r, &qr).is_empty(), "{}", e.file);
        assert_eq!(r.identity(), qr.identity(), "{}", e.file);
    }
}

#[test]
fn register_numbers_are_checked_against_inn_and_factory_number() {
    for file in [
        "proverkacheka-code1-2024-pyaterochka.json",
        "proverkacheka-code1-2025-yandex-market.json",
    ] {
        let mut r = Receipt::from_fns_json(&fixture(&format!("fns/{file}"))).unwrap();
        assert!(r.kkt_number.is_some(), "{file} carries ЗН ККТ");
        // Corrupt one digit of the factory number: the CRC must catch it.
        let zn = r.kkt_number.take().unwrap();
        let mut b = zn.into_bytes();
        let last = b.len() - 1;
        b[last] = if b[last] == b'9' { b'0' } else { b[last] + 1 };
        r.kkt_number = Some(String::from_utf8(b).unwrap());
        let codes: Vec<FindingCode> = validate_receipt(&r, now(), &Default::default())
            .iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(codes, [FindingCode::RnmInvalid], "{file}");
    }
}

#[test]
fn tampered_receipts_are_caught() {
    let json = fixture("fns/irkkt-ticket-2023-lenta.json");
    let mut r = Receipt::from_fns_json(&json).unwrap();
    r.items[0].sum_kopecks += 100;
    r.seller_inn = Some("7814148472".into());
    r.payments.ecash -= 1;
    r.document_code = Some(31);
    let findings = validate_receipt(&r, now(), &Default::default());
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "receipt.not_a_receipt",
            "receipt.inn_invalid",
            "receipt.items_sum_mismatch",
            "receipt.item_price_mismatch",
            "receipt.payments_mismatch"
        ]
    );
    assert!(
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
            == 4
    );
}

#[test]
fn a_service_error_response_is_no_receipt() {
    let err = Receipt::from_fns_json(&fixture("fns/proverkacheka-code3-limit.json")).unwrap_err();
    assert_eq!(err.code(), "receipt.no_receipt");
    assert!(err.to_string().contains("Превышено"), "{err}");
}
