//! `chek notify render|plan|outcome` end to end on the shipped examples (examples/notify/).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn ex(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/notify")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn chek(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("chek: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn tmp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("chek-notify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p.to_string_lossy().into_owned()
}

#[test]
fn render_gives_sms_speech_length_and_cuts() {
    let (code, out, err) = chek(&[
        "notify",
        "render",
        "--template",
        &ex("ready.txt"),
        "--vars",
        &ex("vars-ready.json"),
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&out);
    assert_eq!(
        v["sms"]["text"],
        "Анна, заказ A-10234 ждёт вас до 16 августа. К оплате 1\u{202F}500\u{A0}₽, 21 позиция. \
         Вопросы: 8 800 555-35-35."
    );
    assert_eq!(v["sms"]["length"]["encoding"], "ucs2");
    assert_eq!(v["sms"]["length"]["segments"], 2);
    assert_eq!(v["sms"]["cost_kopecks"], 700);
    let speech = v["speech"]["text"].as_str().unwrap_or_default();
    assert!(speech.contains("до шестнадцатого августа"), "{speech}");
    assert!(
        speech.contains("тысяча пятьсот рублей, двадцать одна позиция"),
        "{speech}"
    );
    assert!(
        speech.contains("восемь, восемьсот, пятьсот пятьдесят пять"),
        "{speech}"
    );
    let cuts = v["cuts"].as_array().cloned().unwrap_or_default();
    assert_eq!(cuts[0]["kind"], "shorten");
    assert!(
        cuts.iter()
            .any(|c| c["kind"] == "transliterate" && c["segments_after"] == 1)
    );
}

#[test]
fn render_from_the_config_by_name_suggests_dropping_the_optional_part() {
    let (code, out, err) = chek(&[
        "notify",
        "render",
        "--config",
        &ex("config.toml"),
        "--name",
        "unpaid",
        "--vars",
        &ex("vars-unpaid.json"),
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&out);
    let sms = v["sms"]["text"].as_str().unwrap_or_default();
    assert!(sms.starts_with("Анна Сергеевна, напоминаем: счёт 77-501 на 1\u{202F}500,50\u{A0}₽ не оплачен уже 3 дня."), "{sms}");
    assert_eq!(v["sms"]["fits"], false); // 3 segments > max 2
    let speech = v["speech"]["text"].as_str().unwrap_or_default();
    assert!(
        speech.contains("тысяча пятьсот рублей пятьдесят копеек"),
        "{speech}"
    );
    assert!(speech.contains("нажмите ноль"), "{speech}");
    assert!(!sms.contains("нажмите"), "{sms}");
    let drop = v["cuts"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["kind"] == "drop_optional").cloned())
        .unwrap_or_default();
    assert_eq!(drop["segments_after"], 2);
    assert_eq!(drop["text"], "Если вы уже оплатили, не обращайте внимания.");
}

#[test]
fn plan_picks_channels_inside_the_policy() {
    let (code, out, err) = chek(&[
        "notify",
        "plan",
        "--config",
        &ex("config.toml"),
        "--events",
        &ex("events.json"),
        "--contacts",
        &ex("contacts.json"),
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    // c4 has neither phone nor e-mail: one firing skipped, exit 1.
    assert_eq!(code, 1, "{out}{err}");
    let v = json(&out);
    let msgs = v["messages"].as_array().cloned().unwrap_or_default();
    assert_eq!(msgs.len(), 3, "{out}");
    let by = |c: &str| {
        msgs.iter()
            .find(|m| m["customer"] == c)
            .cloned()
            .unwrap_or_else(|| panic!("no message for {c}"))
    };
    // Vladivostok debtor: 22:00 local is quiet, and two calls this week hit the 230-ФЗ cap,
    // so a call could only go on Monday 08:00 local. The debt deadline is 24 hours: the SMS
    // that goes on Saturday 09:00 local wins over the cheaper call two days late.
    let c2 = by("c2");
    assert_eq!(c2["channel"], "sms");
    assert_eq!(c2["policy"], "230-fz");
    assert_eq!(c2["slot"]["local"], "2026-08-15T09:00:00");
    assert_eq!(c2["slot"]["at"], "2026-08-14T23:00:00");
    assert_eq!(c2["slot"]["deferred"], serde_json::json!(["quiet_hours"]));
    let call = c2["alternatives"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["channel"] == "call"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (call["fits"].clone(), call["late"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
    assert_eq!(call["at"], "2026-08-16T22:00:00");
    // The company is not a private person: the service policy applies, and its name is not
    // used as a person's.
    let c3 = by("c3");
    assert_eq!(c3["policy"], "service");
    assert!(
        c3["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Здравствуйте, клиент!")
    );
    // Pickup: e-mail is free and fits, SMS is the costlier alternative.
    let c1 = by("c1");
    assert_eq!(c1["channel"], "email");
    assert_eq!(c1["cost_kopecks"], 0);
    assert_eq!(
        v["total_kopecks"],
        c2["cost_kopecks"].as_i64().unwrap_or(0) + 200
    );
    // The paid invoice of c1 does not fire.
    assert!(!out.contains("77-502"));
    let skipped = v["skipped"].as_array().cloned().unwrap_or_default();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["code"], "notify.no_channel");
}

#[test]
fn plan_does_not_send_a_key_twice() {
    let contacts = tmp(
        "sent.json",
        r#"[{"recipient":"c1","channel":"email","at":"2026-08-14T11:00:00",
             "key":"pickup-ready:A-10234:2026-08-14T09:00:00"}]"#,
    );
    let (_, out, _) = chek(&[
        "notify",
        "plan",
        "--config",
        &ex("config.toml"),
        "--events",
        &ex("events.json"),
        "--contacts",
        &contacts,
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    let v = json(&out);
    let skipped = v["skipped"].as_array().cloned().unwrap_or_default();
    assert!(skipped.iter().any(|s| s["code"] == "notify.already_sent"
        && s["key"] == "pickup-ready:A-10234:2026-08-14T09:00:00"));
}

#[test]
fn outcome_maps_providers_and_schedules_retries() {
    let (code, out, err) = chek(&[
        "notify",
        "outcome",
        "--calls",
        &ex("calls.json"),
        "--config",
        &ex("config.toml"),
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let rows: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(rows.len(), 5);
    // Twilio busy at 22:00 in Vladivostok: +30 min is past 22:00, so Saturday 09:00 local.
    assert_eq!(rows[0]["outcome"], "busy");
    assert_eq!(rows[0]["final"], false);
    assert_eq!(rows[0]["next_attempt_local"], "2026-08-15T09:00:00");
    assert_eq!(rows[0]["next_attempt_at"], "2026-08-14T23:00:00");
    // Vonage completed with key 0: operator requested, done.
    assert_eq!(rows[1]["outcome"], "operator");
    assert_eq!(rows[1]["operator_key"], "0");
    assert_eq!(rows[1]["listened_s"], 21);
    assert_eq!(rows[1]["success"], true);
    // Asterisk CONGESTION with Q.850 cause 1: invalid number, never retried.
    assert_eq!(rows[2]["outcome"], "invalid_number");
    assert_eq!(rows[2]["final"], true);
    assert_eq!(rows[2]["stop_reason"], "invalid_number");
    // Third no-answer: retries exhausted.
    assert_eq!(rows[3]["stop_reason"], "max_attempts");
    // Answered by a human.
    assert_eq!(rows[4]["outcome"], "answered");
    assert_eq!(rows[4]["counts_as_contact"], true);
}

#[test]
fn outcome_not_final_or_unknown_exits_1_with_a_code() {
    let calls = tmp(
        "calls.json",
        r#"[{"key":"k1","recipient":{"id":"c"},"report":{"provider":"twilio","status":"ringing"}},
            {"key":"k2","recipient":{"id":"c"},"report":{"provider":"zvonobot","status":"busy"}}]"#,
    );
    let (code, out, _) = chek(&[
        "notify",
        "outcome",
        "--calls",
        &calls,
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    assert_eq!(code, 1, "{out}");
    let rows: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(rows[0]["error"]["code"], "notify.not_final");
    assert_eq!(rows[0]["external_id"], "k1");
    assert_eq!(rows[1]["error"]["code"], "notify.unknown_provider");
}

#[test]
fn bad_inputs_and_usage() {
    let bad = tmp("bad.txt", "Заказ {order|shout} готов");
    let (code, out, _) = chek(&[
        "notify",
        "render",
        "--template",
        &bad,
        "--vars",
        &ex("vars-ready.json"),
        "--json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["error"]["code"], "notify.bad_formatter");
    assert!(
        v["error"]["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("amount")
    );
    let (code, _, err) = chek(&["notify", "render", "--vars", &ex("vars-ready.json")]);
    assert_eq!(code, 2, "{err}");
    let cfg = tmp("cfg.toml", "[templates]\na = \"{x\"\n");
    let (code, out, _) = chek(&[
        "notify",
        "plan",
        "--config",
        &cfg,
        "--events",
        &ex("events.json"),
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["error"]["code"], "notify.bad_template");
    let garbage = tmp("garbage.json", "{\"events\": 5}");
    let (code, out, _) = chek(&[
        "notify",
        "plan",
        "--config",
        &ex("config.toml"),
        "--events",
        &garbage,
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["error"]["code"], "notify.bad_input");
}

fn db_path(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("chek-notify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p.to_string_lossy().into_owned()
}

#[test]
fn inputs_with_a_byte_order_mark_are_read() {
    let events = std::fs::read_to_string(ex("events.json")).unwrap_or_default();
    let bom = tmp("bom-events.json", &format!("\u{feff}{events}"));
    let contacts = std::fs::read_to_string(ex("contacts.json")).unwrap_or_default();
    let bom_contacts = tmp("bom-contacts.json", &format!("\u{feff}{contacts}"));
    let (_, out, err) = chek(&[
        "notify",
        "plan",
        "--config",
        &ex("config.toml"),
        "--events",
        &bom,
        "--contacts",
        &bom_contacts,
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    assert_eq!(
        json(&out)["messages"].as_array().map(Vec::len),
        Some(3),
        "{out}{err}"
    );
    let calls = std::fs::read_to_string(ex("calls.json")).unwrap_or_default();
    let bom_calls = tmp("bom-calls.json", &format!("\u{feff}{calls}"));
    let (code, out, err) = chek(&[
        "notify",
        "outcome",
        "--calls",
        &bom_calls,
        "--now",
        "2026-08-14T12:00:00",
        "--json",
    ]);
    assert_eq!((code, out.lines().count()), (0, 5), "{out}{err}");
}

#[test]
fn one_bad_call_record_does_not_reject_the_batch() {
    let calls = tmp(
        "mixed.json",
        r#"[{"key":"unpaid-3d:1:2026-08-10T06:00:00","purpose":"debt","recipient":{"id":"c1","phone":"+79161234567"},
             "report":{"provider":"uis","finish_reason":"subscriber_busy","call_session_id":998677427}},
            {"key":"unpaid-3d:2:2026-08-10T06:00:00","report":{"provider":"uis"}},
            "garbage",
            {"key":"unpaid-3d:3:2026-08-10T06:00:00","purpose":"debt","recipient":{"id":"c3","phone":"+79161234568"},
             "report":{"provider":"uis","finish_reason":"success_finish","talk_time_duration":1}}]"#,
    );
    let (code, out, err) = chek(&[
        "notify",
        "outcome",
        "--calls",
        &calls,
        "--config",
        &ex("config.toml"),
        "--now",
        "2026-08-18T07:00:00",
        "--json",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let rows: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(rows.len(), 4, "{out}");
    // UIS is mapped, not refused.
    assert_eq!(rows[0]["outcome"], "busy");
    assert_eq!(rows[0]["final"], false);
    assert_eq!(rows[1]["error"]["code"], "notify.bad_input");
    assert_eq!(rows[1]["record"], 2);
    assert_eq!(rows[2]["error"]["code"], "notify.bad_input");
    // One second of a played message is not delivery: called again.
    assert_eq!(rows[3]["outcome"], "hung_up");
    assert_eq!(rows[3]["success"], false);
    assert!(rows[3]["next_attempt_at"].is_string());
}

#[test]
fn plan_and_outcome_with_the_ledger() {
    let db = db_path("ledger.sqlite");
    let plan = |now: &str| {
        chek(&[
            "notify",
            "plan",
            "--config",
            &ex("config.toml"),
            "--events",
            &ex("events.json"),
            "--contacts",
            &ex("contacts.json"),
            "--db",
            &db,
            "--now",
            now,
            "--json",
        ])
    };
    let (_, out, err) = plan("2026-08-14T12:00:00");
    let v = json(&out);
    assert_eq!(
        v["messages"].as_array().map(Vec::len),
        Some(3),
        "{out}{err}"
    );
    // A rerun plans no key again.
    let (_, out, _) = plan("2026-08-14T12:05:00");
    let v = json(&out);
    assert_eq!(v["messages"].as_array().map(Vec::len), Some(0), "{out}");
    let again = v["skipped"].as_array().map(|s| {
        s.iter()
            .filter(|x| x["code"] == "notify.already_sent")
            .count()
    });
    assert_eq!(again, Some(3), "{out}");
    // The company's call, reported by UIS without the recipient: the ledger has the plan.
    let key = "unpaid-3d:77-503:2026-08-11T05:00:00";
    let calls = tmp(
        "ledger-calls.json",
        &format!(
            r#"[{{"key":"{key}","report":{{"provider":"uis","finish_reason":"subscriber_not_responsible"}}}}]"#
        ),
    );
    let outcome = || {
        chek(&[
            "notify",
            "outcome",
            "--calls",
            &calls,
            "--config",
            &ex("config.toml"),
            "--db",
            &db,
            "--now",
            "2026-08-14T12:00:00",
            "--json",
        ])
    };
    let (code, out, err) = outcome();
    assert_eq!(code, 0, "{out}{err}");
    let r = json(&out);
    assert_eq!(
        (r["outcome"].clone(), r["replayed"].clone()),
        ("no_answer".into(), false.into())
    );
    assert!(r["next_attempt_at"].is_string());
    let (_, out, _) = outcome();
    let r2 = json(&out);
    assert_eq!(r2["replayed"], true);
    assert_eq!(r2["next_attempt_at"], r["next_attempt_at"]);
}

/// 30 `chek notify plan --db` processes at once on one SQLite file, each planning the same 12
/// debt reminders for one debtor: every key is planned once in all, and the 230-ФЗ caps hold.
#[test]
fn parallel_planners_on_one_sqlite_file() {
    let db = db_path("parallel.sqlite");
    let mut events = Vec::new();
    for i in 0..12 {
        events.push(
            serde_json::json!({"type": "status_changed", "order": format!("P-{i}"),
            "customer": "d1", "status": "invoiced", "at": "2026-08-10T06:00:00",
            "data": {"sum": 1000 + i, "due": "2026-08-20"}}),
        );
    }
    let file = tmp(
        "parallel-events.json",
        &serde_json::json!({"recipients": [{"id": "d1", "name": "Петров Борис",
            "phone": "+79241112233", "zone": "Europe/Moscow"}], "events": events})
        .to_string(),
    );
    // Create the ledger first so the processes race on planning, not on creating it.
    let (_, out, err) = chek(&[
        "notify",
        "plan",
        "--config",
        &ex("config.toml"),
        "--events",
        &ex("events.json"),
        "--db",
        &db,
        "--now",
        "2026-08-01T12:00:00",
        "--json",
    ]);
    assert!(out.contains("messages"), "{out}{err}");
    let children: Vec<_> = (0..30)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_chek"))
                .args([
                    "notify",
                    "plan",
                    "--config",
                    &ex("config.toml"),
                    "--events",
                    &file,
                    "--db",
                    &db,
                    "--now",
                    "2026-08-14T07:00:00",
                    "--json",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    let mut planned: Vec<Value> = Vec::new();
    for c in children {
        let o = c.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert!(o.status.code().is_some(), "{o:?}");
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let v = json(&text);
        planned.extend(v["messages"].as_array().cloned().unwrap_or_default());
    }
    let mut keys: Vec<String> = planned
        .iter()
        .map(|m| m["key"].as_str().unwrap_or_default().to_owned())
        .collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "a key planned twice");
    assert_eq!(n, 12, "every reminder planned once");
    // 230-ФЗ: at most 1 call and 2 SMS a day, 2 calls and 4 SMS a week.
    let mut per_day: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for m in &planned {
        let day = m["slot"]["local"].as_str().unwrap_or_default()[..10].to_owned();
        *per_day
            .entry((m["channel"].as_str().unwrap_or_default().to_owned(), day))
            .or_default() += 1;
    }
    for ((ch, day), count) in &per_day {
        let cap = if ch == "call" { 1 } else { 2 };
        assert!(*count <= cap, "{count} {ch} on {day}: {per_day:?}");
    }
}
