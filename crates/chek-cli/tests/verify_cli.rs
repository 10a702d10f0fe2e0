//! `chek verify` end to end against a real HTTP server on 127.0.0.1.

use std::process::Command;

use chek_tests::fixture;
use chek_tests::http_server::{Response, TestServer};
use serde_json::Value;

const QR: &str = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1";

fn chek(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chek"));
    cmd.args(args)
        .env_remove("CHEK_FNS_SESSION")
        .env_remove("CHEK_CHECKAPI_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("chek: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn verify_json_prints_the_receipt_and_items() {
    let body = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let server = TestServer::start(move |_| Response::json(200, body.clone()));
    let url = server.url();
    let (code, out, err) = chek(
        &[
            "verify",
            QR,
            "--provider",
            "checkapi",
            "--base-url",
            &url,
            "--token-env",
            "MY_TOKEN",
            "--json",
        ],
        &[("MY_TOKEN", "secret-token-123")],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["outcome"], "verified");
    assert_eq!(v["code"], "verify.verified");
    assert_eq!(v["provider"], "checkapi");
    assert_eq!(v["receipt"]["fd"], 30526);
    assert_eq!(v["receipt"]["items"].as_array().map(Vec::len), Some(6));
    assert!(!out.contains("secret-token-123") && !err.contains("secret-token-123"));
    assert!(server.requests()[0].body.contains("token=secret-token-123"));
}

#[test]
fn verify_fns_not_yet_known_exits_1_with_the_segment() {
    let server = TestServer::start(|r| {
        if r.method == "POST" {
            Response::json(200, r#"{"id":"abc123","status":0}"#)
        } else {
            Response::json(404, "{}")
        }
    });
    let url = server.url();
    let (code, out, _) = chek(
        &[
            "verify",
            QR,
            "--provider",
            "fns",
            "--base-url",
            &url,
            "--token-env",
            "S",
            "--json",
            "--lang",
            "en",
        ],
        &[("S", "session")],
    );
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["outcome"], "not_yet_known");
    assert_eq!(v["segment"]["id"], "not_found_in_fns");
    assert!(v["hint"].as_str().unwrap_or_default().contains("again"));
    assert_eq!(server.requests()[0].header("sessionid"), Some("session"));
}

#[test]
fn verify_text_and_usage_errors() {
    let server = TestServer::start(|_| Response::json(401, "{}"));
    let url = server.url();
    let (code, out, _) = chek(
        &[
            "verify",
            QR,
            "--provider",
            "checkapi",
            "--base-url",
            &url,
            "--token-env",
            "T",
        ],
        &[("T", "t")],
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("verify.bad_credentials:"), "{out}");
    // No credential in the environment: a usage error.
    let (code, _, err) = chek(&["verify", QR, "--base-url", &url], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("CHEK_FNS_SESSION"), "{err}");
    // A broken QR: that input failed.
    let (code, out, _) = chek(&["verify", "hello", "--json"], &[("CHEK_FNS_SESSION", "s")]);
    assert_eq!(code, 1);
    assert!(out.contains("qr.not_fiscal"), "{out}");
}
