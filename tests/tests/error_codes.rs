//! One row per stable code: the input that triggers it, and hints in both languages that differ
//! and say something.
#![allow(clippy::unwrap_used)]

use chek::fiscal::{
    FindingCode, FiscalQr, Receipt, ValidationOptions, validate_qr, validate_receipt,
};
use chek::{Coded, Lang};
use chrono::{NaiveDate, NaiveDateTime};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

fn check_hints(what: &str, ru: &str, en: &str) {
    assert!(ru.chars().count() > 15, "{what}: ru hint too short: {ru:?}");
    assert!(en.len() > 15, "{what}: en hint too short: {en:?}");
    assert_ne!(ru, en, "{what}");
    assert!(
        ru.chars().any(|c| ('а'..='я').contains(&c)),
        "{what}: ru hint is not Russian: {ru:?}"
    );
}

#[test]
fn every_qr_error_code() {
    const OK: &str = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1";
    let table: &[(&str, String)] = &[
        ("qr.empty", " \n ".into()),
        ("qr.too_long", "x".repeat(5000)),
        ("qr.not_fiscal", "WIFI:S:shop;T:WPA;P:secret;;".into()),
        ("qr.missing_field", OK.replace("&fp=1168453787", "")),
        ("qr.duplicate_field", format!("{OK}&s=1.00")),
        (
            "qr.malformed_field",
            OK.replace("fn=7281440500751551", "fn=72814405OO751551"),
        ),
        ("qr.out_of_range", OK.replace("t=20240917", "t=20240931")),
    ];
    for (code, input) in table {
        let err = FiscalQr::parse(input).unwrap_err();
        assert_eq!(err.code(), *code, "input {input:.60}");
        check_hints(code, &err.hint(Lang::Ru), &err.hint(Lang::En));
    }
}

#[test]
fn every_finding_code() {
    let base: FiscalQr = "t=20240917T1801&s=1285.21&fn=9282440300688488&i=30526&fp=1168453787&n=1"
        .parse()
        .unwrap();
    let opts = ValidationOptions::default();
    let qr_case = |f: &dyn Fn(&mut FiscalQr)| {
        let mut q = base.clone();
        f(&mut q);
        validate_qr(&q, now(), &opts)
    };
    let receipt_json = r#"{"fiscalDriveNumber":"9282440300688488","fiscalDocumentNumber":30526,
        "fiscalSign":1168453787,"totalSum":1000,"cashTotalSum":1000,"operationType":1,"code":3,
        "dateTime":"2024-09-17T18:01:00","userInn":"7814148471","kktRegId":"0000092968041899",
        "items":[{"name":"A","price":500,"quantity":2,"sum":1000}]}"#;
    let base_receipt = Receipt::from_fns_json(receipt_json).unwrap();
    assert!(validate_receipt(&base_receipt, now(), &opts).is_empty());
    let receipt_case = |f: &dyn Fn(&mut Receipt)| {
        let mut r = base_receipt.clone();
        f(&mut r);
        validate_receipt(&r, now(), &opts)
    };
    let mut seen = Vec::new();
    let mut expect = |code: FindingCode, findings: Vec<chek::fiscal::Finding>| {
        let f = findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code}: got {findings:?}"));
        check_hints(code.as_str(), f.hint_in(Lang::Ru), f.hint_in(Lang::En));
        seen.push(code);
    };
    expect(
        FindingCode::FnUnknownModel,
        qr_case(&|q| q.fn_number = "1234567890123456".parse().unwrap()),
    );
    expect(
        FindingCode::FnDummy,
        qr_case(&|q| q.fn_number = "9999078900001234".parse().unwrap()),
    );
    expect(FindingCode::FdZero, qr_case(&|q| q.fd = 0));
    expect(FindingCode::FpZero, qr_case(&|q| q.fp = 0));
    expect(
        FindingCode::DateInFuture,
        qr_case(&|q| q.datetime = now() + chrono::TimeDelta::hours(13)),
    );
    expect(
        FindingCode::DateTooEarly,
        qr_case(&|q| q.datetime = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap().into()),
    );
    expect(FindingCode::TotalZero, qr_case(&|q| q.total_kopecks = 0));
    expect(
        FindingCode::TotalImplausible,
        qr_case(&|q| q.total_kopecks = 200_000_000),
    );
    expect(
        FindingCode::NotASale,
        qr_case(&|q| q.operation = chek::fiscal::Operation::SaleRefund),
    );
    expect(
        FindingCode::InnInvalid,
        receipt_case(&|r| r.seller_inn = Some("7814148470".into())),
    );
    expect(
        FindingCode::RnmInvalid,
        receipt_case(&|r| r.kkt_reg_id = Some("0000092968141899".into())),
    );
    expect(
        FindingCode::ItemsSumMismatch,
        receipt_case(&|r| r.items[0].sum_kopecks = 900),
    );
    expect(
        FindingCode::PaymentsMismatch,
        receipt_case(&|r| r.payments.cash = 900),
    );
    expect(
        FindingCode::ItemPriceMismatch,
        receipt_case(&|r| r.items[0].price_kopecks = 400),
    );
    expect(FindingCode::NoItems, receipt_case(&|r| r.items.clear()));
    expect(
        FindingCode::NotAReceipt,
        receipt_case(&|r| r.document_code = Some(31)),
    );
    let mut other = base.clone();
    other.total_kopecks = 1;
    expect(
        FindingCode::QrMismatch,
        chek::fiscal::receipt_matches_qr(&base_receipt, &other),
    );
    // A 13-hour clock skew is an error; 11 hours is tolerated (time zones).
    assert!(qr_case(&|q| q.datetime = now() + chrono::TimeDelta::hours(11)).is_empty());
    for code in FindingCode::ALL {
        assert!(seen.contains(code), "no table row for {code}");
    }
}

#[test]
fn every_receipt_error_code() {
    let table = [
        ("receipt.too_large", " ".repeat(9 * 1024 * 1024)),
        (
            "receipt.malformed_json",
            "{\"fiscalDriveNumber\": \"92824403".to_owned(),
        ),
        (
            "receipt.no_receipt",
            r#"{"code":5,"data":"прочее"}"#.to_owned(),
        ),
        (
            "receipt.missing_field",
            r#"{"fiscalDriveNumber":"9282440300688488","fiscalDocumentNumber":1}"#.to_owned(),
        ),
        (
            "receipt.bad_field",
            r#"{"fiscalDriveNumber":"92824403006884880"}"#.to_owned(),
        ),
    ];
    for (code, input) in table {
        let err = Receipt::from_fns_json(&input).unwrap_err();
        assert_eq!(err.code(), code);
        check_hints(code, &err.hint(Lang::Ru), &err.hint(Lang::En));
    }
}

#[test]
fn every_channel_error_code() {
    use chek_channels::{ChannelError, Secret, TelegramConfig, check_text, parse_update};
    use std::time::Duration;
    let s = String::new;
    let table: Vec<(&str, ChannelError)> = vec![
        (
            "channel.unauthorized",
            ChannelError::Unauthorized {
                status: 401,
                description: s(),
            },
        ),
        (
            "channel.rate_limited",
            ChannelError::RateLimited {
                retry_after: Some(Duration::from_secs(5)),
                description: s(),
            },
        ),
        ("channel.blocked", ChannelError::Blocked(s())),
        (
            "channel.rejected",
            ChannelError::Rejected {
                status: 400,
                description: s(),
            },
        ),
        ("channel.unavailable", ChannelError::Unavailable(s())),
        ("channel.timeout", ChannelError::Timeout(s())),
        ("channel.bad_response", parse_update(b"{oops").unwrap_err()),
        (
            "channel.too_long",
            check_text(&"ж".repeat(4097)).unwrap_err(),
        ),
        (
            "channel.too_large",
            parse_update(&vec![b' '; 2 << 20]).unwrap_err(),
        ),
        (
            "channel.invalid",
            TelegramConfig::new(Secret::new("a b"))
                .validate()
                .unwrap_err(),
        ),
    ];
    for (code, err) in &table {
        assert_eq!(err.code(), *code, "{err}");
        check_hints(code, &err.hint(Lang::Ru), &err.hint(Lang::En));
    }
    let retryable: Vec<&str> = table
        .iter()
        .filter(|(_, e)| e.retryable())
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(
        retryable,
        [
            "channel.rate_limited",
            "channel.unavailable",
            "channel.timeout"
        ]
    );
}
