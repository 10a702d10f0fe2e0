//! `chek text` and `chek manual` end to end: text output, `--json` shape, exit codes.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn chek(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(args)
        .args(["--now", "2024-07-20T10:00:00"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chek");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(input);
    child.wait_with_output().expect("wait")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/data/receipt-ocr.txt"
);

#[test]
fn text_json_has_the_qr_fields_missing_and_channel() {
    let out = chek(&["text", SAMPLE, "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(
        v["qr"],
        "t=20240719T1314&s=171.00&fn=7380440700076549&i=41110&fp=2026476352&n=1"
    );
    assert_eq!(v["total_kopecks"], 17100);
    assert_eq!(v["fn"], "7380440700076549");
    assert_eq!(v["fd"], 41110);
    assert_eq!(v["operation"], 1);
    assert_eq!(v["channel"], "ocr");
    assert_eq!(v["missing"], serde_json::json!([]));
    assert_eq!(v["inn"], "7725699808");
    assert!(v["findings"].is_array());
}

#[test]
fn text_from_stdin_in_text_form() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let out = chek(&["text", "-", "--lang", "en"], Some(&text));
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with("t=20240719T1314&s=171.00"), "{s}");
    assert!(s.contains("channel         ocr"), "{s}");
}

#[test]
fn manual_complete_and_incomplete() {
    let out = chek(
        &[
            "manual",
            "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00",
            "--json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["channel"], "manual");
    assert_eq!(v["total_kopecks"], 150_000);
    assert_eq!(v["missing"], serde_json::json!([]));

    let out = chek(
        &["manual", "фн", "9289000100123456", "фд", "12345", "--json"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(
        v["missing"],
        serde_json::json!(["datetime", "total_kopecks", "fp"])
    );
    assert_eq!(v["error"]["code"], "text.incomplete");
    assert_eq!(v["fd"], 12345);
    assert!(v.get("qr").is_none());
    assert_eq!(v["problems"][0]["code"], "text.field_missing");

    let out = chek(&["manual", "фд 12345", "--lang", "en"], None);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("missing         datetime, total_kopecks, fn, fp"),
        "{s}"
    );
    assert!(
        s.contains("text.field_missing: Not found: the fiscal drive number"),
        "{s}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(chek(&["text"], None).status.code(), Some(2));
    assert_eq!(
        chek(&["text", "/no/such/file"], None).status.code(),
        Some(2)
    );
}
