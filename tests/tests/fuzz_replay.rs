//! Replays the fuzz corpora and any crash artefacts through the same properties the fuzz
//! targets assert, so `cargo test` on stable keeps what fuzzing found.
#![allow(clippy::unwrap_used)]

use chek::fiscal::FiscalQr;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = chek_tests::repo_dir().join("fuzz");
    let mut out = Vec::new();
    for dir in [
        root.join("corpus").join(target),
        root.join("artifacts").join(target),
    ] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn qr_parse_corpus() {
    let all = inputs("qr_parse");
    assert!(
        all.len() >= 40,
        "the qr_parse corpus is seeded with the fixtures"
    );
    let mut parsed = 0;
    for (name, data) in all {
        let Ok(s) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Ok(qr) = FiscalQr::parse(s) {
            parsed += 1;
            let canonical = qr.to_string();
            let again = FiscalQr::parse(&canonical).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(again.to_string(), canonical, "{name}");
        }
    }
    assert!(
        parsed >= 36,
        "real strings and good variants parse: {parsed}"
    );
}

#[test]
fn loyalty_sms_corpus() {
    use chek::Lang;
    use chek::engage::loyalty::{Programme, Registry, sms};
    let all = inputs("loyalty_sms");
    assert!(all.len() >= 2, "the loyalty_sms corpus is seeded");
    let p = Programme::example();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    for (name, data) in all {
        let Ok(s) = std::str::from_utf8(&data) else {
            continue;
        };
        let (from, text) = s.split_once('\n').unwrap_or(("+79161234567", s));
        let reg = Registry::default().issue(["4600682000013".parse().unwrap()]);
        let ex = sms(reg, &p, from, text, now, Lang::Ru);
        assert!(!ex.reply.text.is_empty(), "{name}");
        assert!(ex.registry.is_consistent(), "{name}");
    }
}
