//! Property: the canonical form of any fiscal QR parses back to the same value, and the parser
//! never panics on arbitrary text.
#![allow(clippy::unwrap_used)]

use chek::fiscal::{FiscalQr, FnNumber, Operation};
use chrono::NaiveDate;
use proptest::prelude::*;

fn arb_qr() -> impl Strategy<Value = FiscalQr> {
    (
        (
            2016i32..2030,
            1u32..=12,
            1u32..=28,
            0u32..24,
            0u32..60,
            prop_oneof![Just(0u32), 0u32..60],
        ),
        0i64..10_000_000_000,
        0u64..10_000_000_000_000_000,
        any::<u32>(),
        any::<u32>(),
        1u64..=4,
        proptest::collection::vec(
            ("[a-eg-hj-mo-rs-z][a-z0-9_]{0,6}", "[A-Za-z0-9._-]{0,12}"),
            0..3,
        ),
    )
        .prop_map(
            |((y, mo, d, h, mi, s), total, fn_, fd, fp, n, extra)| FiscalQr {
                datetime: NaiveDate::from_ymd_opt(y, mo, d)
                    .unwrap()
                    .and_hms_opt(h, mi, s)
                    .unwrap(),
                total_kopecks: total,
                fn_number: FnNumber::new(fn_).unwrap(),
                fd,
                fp,
                operation: Operation::from_code(n).unwrap(),
                // Keys that are fiscal keys in another case would not stay extra.
                extra: extra
                    .into_iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "t" | "s" | "i" | "n" | "fn" | "fp"))
                    .collect(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn display_then_parse_is_identity(qr in arb_qr()) {
        let s = qr.to_string();
        prop_assert_eq!(FiscalQr::parse(&s), Ok(qr.clone()));
        // Wrapped forms parse to the same value too.
        let url = format!("https://example.ru/check?{s}");
        prop_assert_eq!(FiscalQr::parse(&url), Ok(qr.clone()));
        let amp = s.replace('&', "&amp;");
        prop_assert_eq!(FiscalQr::parse(&amp), Ok(qr.clone()));
        let json = serde_json::to_string(&qr).unwrap();
        prop_assert_eq!(serde_json::from_str::<FiscalQr>(&json).unwrap(), qr);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        let _ = FiscalQr::parse(&s);
    }

    #[test]
    fn near_miss_payloads_never_panic(s in "(t|s|fn|i|fp|n|x)=[0-9Tt.,%&=a-f]{0,20}(&(t|s|fn|i|fp|n)=[0-9Tt.,%=]{0,20}){0,8}") {
        if let Ok(qr) = FiscalQr::parse(&s) {
            prop_assert_eq!(FiscalQr::parse(&qr.to_string()), Ok(qr));
        }
    }
}
