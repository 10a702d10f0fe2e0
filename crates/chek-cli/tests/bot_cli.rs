//! `chek bot telegram` end to end against a stand-in Telegram Bot API on 127.0.0.1, and an
//! operator's answer (`chek care reply --db … --case … --event-id …`) going back to the shopper
//! through the outbox on the bot's next run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use chek_tests::telegram_server::{TOKEN, TelegramStandIn, message_update};
use serde_json::{Value, json};

/// 2026-11-21 09:00 UTC, inside the demo campaign (November 2026).
const DATE: i64 = 1_795_251_600;
const QR: &str = "t=20261118T2004&s=2210.00&fn=7380440801185382&i=169402&fp=1183349520&n=1";

fn chek(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(args)
        .current_dir(chek_tests::repo_dir())
        .env("CHEK_TEST_BOT_TOKEN", TOKEN)
        .output()
        .unwrap()
}

fn db() -> String {
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("bot-cli-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p.to_string_lossy().into_owned()
}

fn bot_once(url: &str, db: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "bot",
        "telegram",
        "--campaign",
        "examples/demo/campaign.toml",
        "--db",
        db,
        "--token-env",
        "CHEK_TEST_BOT_TOKEN",
        "--base-url",
        url,
        "--once",
        "--json",
    ];
    args.extend_from_slice(extra);
    chek(&args)
}

fn lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_bot_answers_once_and_an_operator_reply_goes_out_on_the_next_run() {
    let tg = TelegramStandIn::start();
    let text = |id, user, t: &str| message_update(id, user, "ru", DATE, json!({ "text": t }));
    tg.push_update(text(1, 42, "/start"));
    tg.push_update(text(2, 42, QR));
    tg.push_update(text(3, 42, "Нужен оператор"));
    let db = db();

    // Only `chek run` and `--create` make a ledger.
    let refused = bot_once(&tg.url(), &db, &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(tg.sent().is_empty());

    let first = bot_once(&tg.url(), &db, &["--create"]);
    assert!(first.status.success(), "{first:?}");
    let out = lines(&first);
    assert_eq!(out.len(), 4, "{out:?}");
    assert_eq!(out[1]["kind"], "receipt");
    assert_eq!(out[1]["status"], "accepted");
    assert_eq!(out[1]["participant"], "tg:42");
    assert_eq!(out[2]["kind"], "operator");
    assert_eq!(out[3], json!({"updates": 3, "sent": 3}));
    let sent = tg.sent();
    assert_eq!(sent.len(), 3);
    assert!(
        sent[1].1.starts_with("Чек принят! Начислено "),
        "{}",
        sent[1].1
    );

    // Again: nothing new, nothing repeated.
    let again = bot_once(&tg.url(), &db, &[]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(lines(&again), [json!({"updates": 0, "sent": 0})]);
    assert_eq!(tg.sent().len(), 3);

    // The operator answers case tg:42 with a quick reply; it is queued for chat 42.
    let reply = |event_id: &str| {
        chek(&[
            "care",
            "reply",
            "--desk",
            "examples/care/desk.toml",
            "thanks",
            "--set",
            "name=Анна",
            "--db",
            &db,
            "--case",
            "tg:42",
            "--event-id",
            event_id,
            "--agent",
            "olga",
            "--json",
        ])
    };
    let r = reply("op-1");
    assert!(r.status.success(), "{r:?}");
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["sent"]["queued"], "care:tg:42:op-1");
    assert_eq!(v["sent"]["channel"], "telegram");
    assert_eq!(v["sent"]["recipient"], "42");
    assert_eq!(v["sent"]["replayed"], false);
    // The same reply again (a double click): recorded and queued once.
    let v: Value = serde_json::from_slice(&reply("op-1").stdout).unwrap();
    assert_eq!(v["sent"]["replayed"], true);

    let third = bot_once(&tg.url(), &db, &[]);
    assert_eq!(lines(&third), [json!({"updates": 0, "sent": 1})]);
    let sent = tg.sent();
    assert_eq!(sent.len(), 4);
    assert_eq!(
        sent[3],
        (
            42,
            "Спасибо за обращение, Анна! Если останутся вопросы — напишите нам.".to_string()
        )
    );

    // The token is never printed.
    for o in [&first, &again, &third] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!all.contains(TOKEN), "{all}");
    }
}

#[test]
fn a_missing_token_or_an_unreachable_api_is_a_coded_failure() {
    let db = db() + "-2";
    let o = chek(&[
        "bot",
        "telegram",
        "--campaign",
        "examples/demo/campaign.toml",
        "--db",
        &db,
        "--create",
        "--token-env",
        "CHEK_TEST_NO_SUCH_VAR",
        "--once",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "channel.invalid", "{v}");

    // Nothing listens on port 9 of this machine: try again later (exit 3).
    let o = chek(&[
        "bot",
        "telegram",
        "--campaign",
        "examples/demo/campaign.toml",
        "--db",
        &db,
        "--create",
        "--token-env",
        "CHEK_TEST_BOT_TOKEN",
        "--base-url",
        "http://127.0.0.1:9",
        "--once",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "channel.unavailable", "{v}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains(TOKEN));
    assert!(!String::from_utf8_lossy(&o.stderr).contains(TOKEN));
}
