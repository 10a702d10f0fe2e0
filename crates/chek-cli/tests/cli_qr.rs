//! `chek qr` end to end: the real binary, its output shapes and exit codes.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const GOOD: &str = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1";
const NOW: &str = "--now=2026-11-23T12:00:00";

fn chek(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // Feed stdin from a thread: the child's stdout must be drained while it reads.
    let input = stdin.unwrap_or("").to_owned();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn json_shape_of_a_good_receipt() {
    let out = chek(&["qr", "--json", NOW, GOOD], None);
    assert_eq!(out.status.code(), Some(0));
    let v = &json_lines(&out)[0];
    assert_eq!(v["datetime"], "2024-09-17T18:01:00");
    assert_eq!(v["total_kopecks"], 128_521);
    assert_eq!(v["fn"], "7281440500751551");
    assert_eq!(v["fd"], 30526);
    assert_eq!(v["fp"], 1_168_453_787u64);
    assert_eq!(v["operation"], 1);
    assert_eq!(v["findings"], Value::Array(vec![]));
}

#[test]
fn stdin_lines_errors_and_exit_code() {
    let input = format!(
        "{GOOD}\n\nnot a receipt\n{}\n",
        GOOD.replace("t=2024", "t=2031")
    );
    let out = chek(&["qr", "--json", "--lang", "en", NOW, "-"], Some(&input));
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error-level input makes the exit code 1"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3, "blank lines are skipped");
    assert_eq!(lines[1]["error"]["code"], "qr.not_fiscal");
    assert!(
        lines[1]["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("not a fiscal receipt")
    );
    assert!(lines[1]["error"]["message"].is_string());
    let f = &lines[2]["findings"][0];
    assert_eq!(f["code"], "fiscal.date_in_future");
    assert_eq!(f["severity"], "error");
}

#[test]
fn warnings_do_not_fail_and_hints_follow_lang() {
    let refund = GOOD.replace("n=1", "n=2");
    let out = chek(&["qr", "--json", "--lang", "ru", NOW, &refund], None);
    assert_eq!(out.status.code(), Some(0));
    let v = &json_lines(&out)[0];
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert!(
        v["findings"][0]["hint"]
            .as_str()
            .unwrap()
            .contains("возврат прихода")
    );
}

#[test]
fn text_output_names_fields_and_codes() {
    let out = chek(&["qr", "--lang", "en", NOW, GOOD, "t=1"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1285.21 ₽"), "{text}");
    assert!(text.contains("30526"), "{text}");
    assert!(text.contains("qr.missing_field"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(chek(&["qr"], None).status.code(), Some(2));
    assert_eq!(
        chek(&["qr", "--lang", "de", GOOD], None).status.code(),
        Some(2)
    );
    assert_eq!(chek(&["nonsense"], None).status.code(), Some(2));
}

#[test]
fn hostile_stdin_does_not_crash() {
    let mut junk = String::new();
    for i in 0..2000 {
        junk.push_str(&format!(
            "{}&{}=%{:02x}\u{0}\u{feff}\n",
            "t=".repeat(i % 50),
            i,
            i % 256
        ));
    }
    junk.push_str(&"x".repeat(100_000));
    let out = chek(&["qr", "--json", NOW, "-"], Some(&junk));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json_lines(&out)
            .iter()
            .all(|v| v["error"]["code"].is_string())
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(["qr", "--json", NOW, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout before the child writes: its writes fail with EPIPE.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let lines = format!("{GOOD}\n").repeat(20_000);
    let _ = stdin.write_all(lines.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
