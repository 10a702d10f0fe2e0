//! Replays the fuzz corpora of the text parsers (`fuzz/corpus/text_parse`, `manual_parse`) on
//! stable Rust, with the same properties the fuzz targets assert.

// Helpers of a test file panic on broken fixtures by design.
#![allow(clippy::expect_used)]

use chek::fiscal::FiscalQr;
use chek::text::{parse_manual_entry, parse_receipt_text};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = chek_tests::repo_dir()
        .join("fuzz")
        .join("corpus")
        .join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.expect("entry").path();
            let bytes = std::fs::read(&p).expect("read");
            (p.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    out
}

fn round_trips(qr: &FiscalQr) {
    let again = FiscalQr::parse(&qr.to_string()).expect("canonical form parses");
    assert_eq!(&again, qr);
}

#[test]
fn text_parse_corpus() {
    let files = corpus("text_parse");
    assert!(files.len() >= 5, "corpus too small");
    let mut complete = 0;
    for (name, bytes) in files {
        let s = String::from_utf8_lossy(&bytes);
        let r = parse_receipt_text(&s);
        for span in [
            r.fd.as_ref().map(|f| &f.span),
            r.fp.as_ref().map(|f| &f.span),
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                span.end <= s.len() && s.is_char_boundary(span.start),
                "{name}"
            );
        }
        if let Ok(qr) = r.to_qr() {
            round_trips(&qr);
            complete += 1;
        }
    }
    assert!(
        complete >= 5,
        "only {complete} corpus texts read completely"
    );
}

#[test]
fn manual_parse_corpus() {
    let files = corpus("manual_parse");
    assert!(files.len() >= 4, "corpus too small");
    for (_, bytes) in files {
        let r = parse_manual_entry(&String::from_utf8_lossy(&bytes));
        let _ = r.problems();
        if let Ok(qr) = r.to_qr() {
            round_trips(&qr);
        }
    }
}
