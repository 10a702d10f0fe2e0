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

// ---------------------------------------------------------------- issue 22: defects and --db

/// A fresh directory for one test's ledger and files.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let d = std::env::temp_dir().join(format!(
        "chek-care-cli-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

#[test]
fn reply_with_an_unknown_set_name_is_an_error() {
    let (code, out, _) = chek(
        &[
            "care",
            "reply",
            "--desk",
            DESK,
            "thanks",
            "--set",
            "nmae=Анна",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        json_lines(&out)[0]["error"]["code"],
        "care.unknown_placeholder"
    );
    let (code, out, _) = chek(
        &[
            "care",
            "reply",
            "--desk",
            DESK,
            "thanks",
            "--set",
            "name=Анна",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Спасибо за обращение, Анна!"), "{out}");
}

#[test]
fn routing_by_words_and_messengers_by_name() {
    let (code, out, _) = chek(
        &[
            "care",
            "route",
            "--desk",
            DESK,
            "--json",
            "Капризный кассир",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(json_lines(&out)[0]["group"], "general", "{out}");
    let (code, out, _) = chek(
        &[
            "care",
            "route",
            "--desk",
            DESK,
            "--channel",
            "viber",
            "--json",
            "Где мои призы?",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(json_lines(&out)[0]["group"], "prizes", "{out}");
    let (code, out, _) = chek(
        &[
            "care",
            "route",
            "--desk",
            DESK,
            "--json",
            "Хочу оставить жалобу",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(json_lines(&out)[0]["request_type"], "complaint", "{out}");
    let (code, _, err) = chek(
        &["care", "route", "--desk", DESK, "--channel", "fax", "?"],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("viber"), "{err}");
}

#[test]
fn files_with_a_bom_are_read() {
    let dir = temp_dir("bom");
    let desk = dir.join("desk.json");
    std::fs::write(
        &desk,
        "\u{feff}{\"default_group\": \"g\", \"groups\": {\"g\": {\"sla\": {\"first_response_minutes\": 60}}}}",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let case = dir.join("case.json");
    std::fs::write(
        &case,
        "\u{feff}{\"case\": \"B-1\", \"events\": [{\"kind\": \"message\", \"at\": \"2026-03-03T10:00:00\", \"text\": \"?\"}]}",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (d, c) = (desk.display().to_string(), case.display().to_string());
    let (code, out, _) = chek(
        &[
            "care",
            "replay",
            "--desk",
            &d,
            &c,
            "--now",
            "2026-03-03T10:30:00",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(json_lines(&out)[0]["case"], "B-1");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn db_records_cases_once_and_shows_the_combined_queue() {
    let dir = temp_dir("queue");
    let db = dir.join("care.sqlite").display().to_string();
    let files = [
        "examples/care/case-holiday.toml",
        "examples/care/case-reopen.json",
        "examples/care/case-segment.toml",
    ];
    for _ in 0..2 {
        let mut args = vec!["care", "replay", "--desk", DESK, "--db", &db, "--json"];
        args.extend(files);
        let (code, out, err) = chek(&args, None);
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(json_lines(&out).len(), 3, "{out}");
    }
    // Importing twice recorded nothing twice: the replay from the ledger equals the files'.
    let mut args = vec!["care", "replay", "--desk", DESK, "--json"];
    args.extend(files);
    let (_, from_files, _) = chek(&args, None);
    let (code, from_db, _) = chek(
        &[
            "care",
            "show",
            "--db",
            &db,
            "--desk",
            DESK,
            "--json",
            "C-1002",
            "--now",
            "2026-05-04T12:00:00",
        ],
        None,
    );
    assert_eq!(code, 0, "{from_db}");
    let reopen_file = json_lines(&from_files)
        .into_iter()
        .find(|v| v["case"] == "C-1002")
        .unwrap_or_default();
    let reopen_db = &json_lines(&from_db)[0];
    assert!(
        reopen_db["history"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
    assert_eq!(
        reopen_db["routes"], reopen_file["routes"],
        "the same events as the file"
    );
    // A Viber message, recorded once however often it is sent.
    let ev = r#"{"kind":"message","at":"2026-05-04T11:00:00","channel":"viber","from":"01aBcD+/xyz==","text":"Жалоба: не пришёл приз"}"#;
    for replayed in [false, true] {
        let (code, out, err) = chek(
            &[
                "care", "event", "--db", &db, "--case", "V-1", "--id", "viber-77", ev, "--json",
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let v = &json_lines(&out)[0];
        assert_eq!(v["replayed"], replayed);
        assert_eq!(v["value"]["sender"], "viber:01aBcD+/xyz==");
    }
    let prize = r#"{"kind":"message","at":"2026-05-04T10:00:00","channel":"telegram","from":"@Anna_P","text":"Где мои призы?"}"#;
    let (code, _, err) = chek(
        &[
            "care", "event", "--db", &db, "--case", "T-1", "--id", "tg-5", prize,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = chek(
        &[
            "care",
            "queue",
            "--db",
            &db,
            "--desk",
            DESK,
            "--now",
            "2026-05-04T12:00:00",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    let q = json_lines(&out);
    let due: Vec<&str> = q.iter().filter_map(|i| i["due_at"].as_str()).collect();
    let mut sorted = due.clone();
    sorted.sort_unstable();
    assert_eq!(due, sorted, "sorted by due time: {out}");
    assert!(q.iter().all(|i| i["status"] != "answered"));
    let v1 = q
        .iter()
        .find(|i| i["case"] == "V-1")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(v1["request_type"], "complaint");
    // The complaint's 60 minutes from 11:00 passed at 12:00.
    assert_eq!(v1["due_at"], "2026-05-04T12:00:00");
    assert_eq!(v1["breached"], true);
    let groups: std::collections::BTreeSet<&str> =
        q.iter().filter_map(|i| i["group"].as_str()).collect();
    assert_eq!(groups.len(), 2, "across groups: {out}");
    let order: Vec<&str> = q.iter().filter_map(|i| i["case"].as_str()).collect();
    // C-1002 breached on 30 April, V-1 at 12:00 today, T-1 (prizes, 480 minutes) at 18:00.
    assert_eq!(order, ["C-1002", "V-1", "T-1"], "{out}");
    let (code, out, _) = chek(
        &[
            "care",
            "queue",
            "--db",
            &db,
            "--desk",
            DESK,
            "--now",
            "2026-05-04T12:00:00",
            "--group",
            "general",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("V-1") && !out.contains("receipts "), "{out}");
    // A campaign segment opens a case in the ledger too.
    let (code, _, err) = chek(
        &[
            "care",
            "segment",
            "--desk",
            DESK,
            "limit",
            "--at",
            "2026-05-04T11:30:00",
            "--db",
            &db,
            "--case",
            "S-1",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = chek(
        &[
            "care",
            "show",
            "--db",
            &db,
            "--desk",
            DESK,
            "S-1",
            "--now",
            "2026-05-04T12:00:00",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let s1 = &json_lines(&out)[0];
    assert_eq!(
        (s1["group"].as_str(), s1["segment"].as_str()),
        (Some("limits"), Some("limit"))
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn merge_and_unmerge_from_the_command_line() {
    let dir = temp_dir("merge");
    let db = dir.join("care.sqlite").display().to_string();
    let rec = |case: &str, id: &str, ev: &str| {
        let (code, _, err) = chek(
            &["care", "event", "--db", &db, "--case", case, "--id", id, ev],
            None,
        );
        assert_eq!(code, 0, "{err}");
    };
    rec(
        "CALL-1",
        "c1",
        r#"{"kind":"message","at":"2026-03-03T09:00:00","channel":"phone","from":"8 912 345-67-89","text":"Чек не найден в ФНС"}"#,
    );
    rec(
        "VB-1",
        "v1",
        r#"{"kind":"message","at":"2026-03-03T09:30:00","channel":"viber","from":"01aBcD+/xyz==","text":"Дублирую"}"#,
    );
    let (code, out, _) = chek(
        &["care", "merge", "--db", &db, "VB-1", "CALL-1", "--json"],
        None,
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        json_lines(&out)[0]["error"]["code"],
        "care.needs_confirmation"
    );
    let (code, out, err) = chek(
        &[
            "care",
            "link",
            "--db",
            &db,
            "phone:+79123456789",
            "viber:01aBcD+/xyz==",
            "--evidence",
            "messenger_contact",
            "--at",
            "2026-03-03T09:31:00",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_lines(&out)[0]["strength"], "strong");
    let (code, out, _) = chek(&["care", "identity", "--db", &db, "--json"], None);
    assert_eq!(code, 0);
    let s = &json_lines(&out)[0]["suggestions"][0];
    assert_eq!(
        (s["from_case"].as_str(), s["into_case"].as_str()),
        (Some("VB-1"), Some("CALL-1"))
    );
    let (code, out, _) = chek(
        &[
            "care",
            "merge",
            "--db",
            &db,
            "VB-1",
            "CALL-1",
            "--at",
            "2026-03-03T09:40:00",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let m = &json_lines(&out)[0]["value"];
    assert_eq!(m["strength"], "strong");
    let id = m["id"].as_u64().unwrap_or(0).to_string();
    let show = |case: &str| {
        let (code, out, _) = chek(
            &[
                "care",
                "show",
                "--db",
                &db,
                "--desk",
                DESK,
                case,
                "--now",
                "2026-03-03T12:00:00",
                "--json",
            ],
            None,
        );
        assert_eq!(code, 0, "{out}");
        json_lines(&out).remove(0)
    };
    let v = show("CALL-1");
    assert_eq!(v["merged_cases"][0], "VB-1");
    let events: Vec<&str> = v["history"]
        .as_array()
        .map(|h| h.iter().filter_map(|x| x["event"].as_str()).collect())
        .unwrap_or_default();
    assert!(events.contains(&"merge"), "{events:?}");
    assert_eq!(show("VB-1")["merged_into"], "CALL-1");
    let (code, out, _) = chek(&["care", "unmerge", "--db", &db, &id, "--by", "olga"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        show("CALL-1")["merged_cases"].as_array().map(Vec::len),
        Some(0)
    );
    let (code, out, _) = chek(&["care", "unmerge", "--db", &db, &id, "--json"], None);
    assert_eq!(code, 1);
    assert_eq!(json_lines(&out)[0]["error"]["code"], "care.unknown");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn thirty_parallel_event_commands_lose_nothing_and_record_nothing_twice() {
    let dir = temp_dir("parallel");
    let db = dir.join("care.sqlite").display().to_string();
    // Created first, so the processes race on events, not on the schema.
    let (code, _, err) = chek(&["care", "identity", "--db", &db], None);
    assert_eq!(code, 0, "{err}");
    let children: Vec<_> = (0..30)
        .map(|i| {
            // Every third process re-sends the event of the one before it.
            let n = if i % 3 == 2 { i - 1 } else { i };
            let ev = format!(
                r#"{{"kind":"message","at":"2026-03-03T10:{:02}:00","channel":"telegram","from":"{}","text":"m{n}"}}"#,
                n,
                1000 + n
            );
            Command::new(env!("CARGO_BIN_EXE_chek"))
                .args(["care", "event", "--db", &db, "--case", &format!("P-{}", n % 4)])
                .args(["--id", &format!("tg-{n}"), &ev])
                .current_dir(repo_dir())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (code, out, _) = chek(
        &[
            "care",
            "show",
            "--db",
            &db,
            "--desk",
            DESK,
            "--now",
            "2026-03-03T12:00:00",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let mut texts: Vec<String> = Vec::new();
    for v in json_lines(&out) {
        for h in v["history"].as_array().cloned().unwrap_or_default() {
            if h["event"] == "message" {
                texts.push(h["at"].as_str().unwrap_or("").to_owned());
            }
        }
    }
    // 30 processes, 10 of them duplicates: 20 distinct events, each once.
    assert_eq!(texts.len(), 20, "{out}");
    let distinct: std::collections::BTreeSet<&String> = texts.iter().collect();
    assert_eq!(distinct.len(), 20);
    std::fs::remove_dir_all(dir).ok();
}
