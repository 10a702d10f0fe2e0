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
    // so the call goes to Monday 08:00 local; still cheaper than a 2-segment SMS.
    let c2 = by("c2");
    assert_eq!(c2["channel"], "call");
    assert_eq!(c2["policy"], "230-fz");
    assert_eq!(c2["slot"]["local"], "2026-08-17T08:00:00");
    assert_eq!(c2["slot"]["at"], "2026-08-16T22:00:00");
    assert_eq!(
        c2["slot"]["deferred"],
        serde_json::json!(["quiet_hours", "week_cap"])
    );
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
    assert_eq!(v["total_kopecks"], 400);
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
