//! `chek care` end to end on the shipped samples in examples/care.

use std::io::Write;
use std::process::{Command, Stdio};

use chek_tests::repo_dir;
use serde_json::Value;

fn chek(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(args)
        .current_dir(repo_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("chek: {e}"));
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin.unwrap_or("").as_bytes()).ok();
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("chek: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const DESK: &str = "examples/care/desk.toml";

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn replay_json_shows_routing_sla_and_breaches() {
    let (code, out, err) = chek(
        &[
            "care",
            "replay",
            "--desk",
            DESK,
            "examples/care/case-holiday.toml",
            "examples/care/case-reopen.json",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v = json_lines(&out);
    assert_eq!(v.len(), 2);
    let holiday = &v[0];
    assert_eq!(holiday["case"], "C-1001");
    assert_eq!(holiday["status"], "answered");
    assert_eq!(holiday["routes"][0]["group"], "receipts");
    assert_eq!(holiday["routes"][0]["by"], "rule");
    assert_eq!(holiday["routes"][0]["source"], "fns");
    assert_eq!(holiday["sla"][0]["metric"], "first_response");
    assert_eq!(holiday["sla"][0]["state"], "met");
    assert_eq!(holiday["sla"][0]["elapsed_minutes"], 110);
    assert_eq!(holiday["breaches"].as_array().map(Vec::len), Some(0));
    let reopen = &v[1];
    assert_eq!(reopen["reopened"], 1);
    assert_eq!(reopen["group"], "general");
    assert_eq!(reopen["routes"][1]["by"], "operator");
    assert_eq!(reopen["breaches"][0]["metric"], "next_response");
    assert_eq!(reopen["breaches"][0]["at"], "2026-04-30T17:00:00");
    let history = reopen["history"].as_array().cloned().unwrap_or_default();
    assert!(history.iter().any(|h| h["event"] == "breach"));
    assert!(history.iter().any(|h| h["event"] == "reminder"));
}

#[test]
fn replay_table_and_now_override() {
    let (code, out, _) = chek(
        &[
            "care",
            "replay",
            "--desk",
            DESK,
            "examples/care/case-holiday.toml",
            "--now",
            "2026-03-10T09:00:00",
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 0);
    // As of Tuesday 09:00 nothing has been answered: the first response is due at 10:15.
    assert!(out.contains("C-1001 — new"), "{out}");
    assert!(out.contains("first_response"), "{out}");
    assert!(out.contains("2026-03-10 10:15"), "{out}");
    assert!(out.contains("no SLA breaches"), "{out}");
}

#[test]
fn replay_reports_bad_files_with_codes() {
    let dir = std::env::temp_dir().join(format!("chek-care-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "case = \"x\"\n[[events]]\nkind = \"reply\"\nat = \"2026-03-03T10:00:00\"\n",
    )
    .ok();
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{\"case\": 5").ok();
    let (code, out, _) = chek(
        &[
            "care",
            "replay",
            "--desk",
            DESK,
            bad.to_str().unwrap_or_default(),
            garbage.to_str().unwrap_or_default(),
            "examples/care/case-segment.toml",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let v = json_lines(&out);
    assert_eq!(v[0]["error"]["code"], "care.bad_history");
    assert_eq!(v[1]["error"]["code"], "care.malformed");
    assert_eq!(v[2]["segment"], "manual_entry");
    std::fs::remove_dir_all(&dir).ok();
    // A desk that does not load.
    let (code, out, _) = chek(
        &[
            "care",
            "replay",
            "--desk",
            "examples/care/case-reopen.json",
            "examples/care/case-reopen.json",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert_eq!(json_lines(&out)[0]["error"]["code"], "care.malformed");
    // Usage errors exit 2.
    let (code, _, _) = chek(&["care", "replay", "--desk", DESK], None);
    assert_eq!(code, 2);
}

#[test]
fn route_from_args_and_stdin() {
    let (code, out, _) = chek(
        &[
            "care",
            "route",
            "--desk",
            DESK,
            "--channel",
            "email",
            "Чек",
            "не",
            "найден",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0);
    let v = &json_lines(&out)[0];
    assert_eq!(
        (v["group"].as_str(), v["rule"].as_str()),
        (Some("receipts"), Some("fns"))
    );
    let (code, out, _) = chek(
        &["care", "route", "--desk", DESK, "--json"],
        Some("Когда розыгрыш?"),
    );
    assert_eq!(code, 0);
    assert_eq!(json_lines(&out)[0]["group"], "prizes");
    let (code, _, _) = chek(
        &["care", "route", "--desk", DESK, "--channel", "pigeon", "x"],
        None,
    );
    assert_eq!(code, 2);
}

#[test]
fn reply_prompts_until_complete() {
    let (code, out, _) = chek(
        &[
            "care",
            "reply",
            "--desk",
            DESK,
            "fns-recheck",
            "--set",
            "sum=1530",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 1, "incomplete replies exit 1");
    let v = &json_lines(&out)[0];
    assert_eq!(v["complete"], false);
    let missing: Vec<&str> = v["missing"]
        .as_array()
        .map(|a| a.iter().filter_map(|m| m["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(missing, ["receipt_date", "recheck_date"]);
    assert!(v["text"].as_str().unwrap_or("").contains("1 530 ₽"));
    let (code, out, _) = chek(
        &[
            "care",
            "reply",
            "--desk",
            DESK,
            "fns-recheck",
            "--set",
            "sum=1530",
            "--set",
            "receipt_date=2026-03-05T12:30",
            "--set",
            "recheck_date=2026-03-07",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("Мы проверим его снова 07.03.2026"), "{out}");
    let (code, out, _) = chek(&["care", "reply", "--desk", DESK], None);
    assert_eq!(code, 0);
    assert!(out.contains("limit-reached"), "{out}");
    let (code, out, _) = chek(&["care", "reply", "--desk", DESK, "nope", "--json"], None);
    assert_eq!(code, 1);
    assert_eq!(json_lines(&out)[0]["error"]["code"], "care.unknown");
}

#[test]
fn segment_opens_a_case_in_its_queue() {
    let (code, out, _) = chek(
        &[
            "care",
            "segment",
            "--desk",
            DESK,
            "not_found_in_fns",
            "--at",
            "2026-03-06T17:00:00",
            "--set",
            "sum=99.5",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0);
    let v = &json_lines(&out)[0];
    assert_eq!(v["group"], "receipts");
    assert_eq!(v["topic"], "Не найден в ФНС");
    assert_eq!(v["reply"]["id"], "fns-recheck");
    assert_eq!(v["sla"][0]["breach_at"], "2026-03-10T10:00:00");
    assert!(
        v["reply"]["text"]
            .as_str()
            .unwrap_or("")
            .contains("99,50 ₽")
    );
    let (code, _, err) = chek(&["care", "segment", "--desk", DESK, "nonsense"], None);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn identity_merges_strong_and_suggests_weak() {
    let (code, out, _) = chek(
        &["care", "identity", "examples/care/identity.toml", "--json"],
        None,
    );
    assert_eq!(code, 0);
    let v = &json_lines(&out)[0];
    let auto = v["auto_merged"].as_array().cloned().unwrap_or_default();
    assert_eq!(auto.len(), 2);
    assert!(auto.iter().all(|m| m["strength"] == "strong"));
    let pending = v["pending"].as_array().cloned().unwrap_or_default();
    assert_eq!(pending.len(), 2);
    assert!(
        pending
            .iter()
            .all(|s| s["automatic"] == false && s["strength"] == "weak")
    );
    assert_eq!(v["cases"]["call-1"].as_array().map(Vec::len), Some(3));
    let (code, out, _) = chek(
        &[
            "care",
            "identity",
            "examples/care/identity.toml",
            "--lang",
            "en",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("needs an operator"), "{out}");
}
