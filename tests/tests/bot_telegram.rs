//! The receipt bot (`chek::bot::TelegramBot`) against a stand-in Telegram Bot API on 127.0.0.1
//! (`chek_tests::telegram_server`), with the demo campaign on a real SQLite ledger and a real
//! receipt photo: one reply per update, in the participant's language, sent once; a restart
//! neither skips nor repeats; rate limits and outages wait.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chek::Coded;
use chek::bot::TelegramBot;
use chek::campaign::Campaign;
use chek::channels::{Secret, Telegram, TelegramConfig};
use chek::engine::{Engine, OutcomeStatus, Verification};
use chek::store::{Ledger, OutboxStatus};
use chek::verify::RecheckPolicy;
use chek_tests::http_server::Response;
use chek_tests::telegram_server::{TOKEN, TelegramStandIn, message_update};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

/// 2026-11-21 09:00 UTC, inside the demo campaign (November 2026).
const DATE: i64 = 1_795_251_600;
/// Not the receipt on the demo photo (that one is ФД 30611).
const QR: &str = "t=20261118T2004&s=2210.00&fn=7380440801185382&i=169402&fp=1183349520&n=1";

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 21)
        .unwrap()
        .and_hms_opt(9, 0, 5)
        .unwrap()
}

fn ledger_path() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!(
        "bot-{}-{}.sqlite",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
    .to_string_lossy()
    .into_owned()
}

fn bot(tg: &TelegramStandIn, db: &str) -> TelegramBot {
    let campaign = Campaign::from_toml(
        &std::fs::read_to_string(chek_tests::repo_dir().join("examples/demo/campaign.toml"))
            .unwrap(),
    )
    .unwrap();
    let engine = Engine::new(
        campaign,
        Ledger::open(db).unwrap(),
        Verification::Offline,
        RecheckPolicy::default(),
    );
    let config = TelegramConfig::new(Secret::new(TOKEN)).with_base_url(tg.url());
    TelegramBot::new(engine, Telegram::new(config).unwrap())
}

fn photo() -> Vec<u8> {
    std::fs::read(chek_tests::repo_dir().join("examples/demo/photos/01-receipt.jpg")).unwrap()
}

fn text(update: i64, user: i64, lang: &str, t: &str) -> serde_json::Value {
    message_update(update, user, lang, DATE, json!({ "text": t }))
}

fn sent_to(tg: &TelegramStandIn, chat: i64) -> Vec<String> {
    tg.sent()
        .into_iter()
        .filter(|(c, _)| *c == chat)
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn every_kind_of_message_gets_one_reply_in_the_participants_words() {
    let tg = TelegramStandIn::start();
    tg.add_file("PHOTO-1", photo(), None);
    tg.push_update(text(1, 11, "ru", "/start"));
    tg.push_update(message_update(
        2,
        11,
        "ru",
        DATE,
        json!({"photo": [
            {"file_id": "THUMB", "file_unique_id": "t", "width": 90, "height": 120},
            {"file_id": "PHOTO-1", "file_unique_id": "p", "width": 1280, "height": 1706}
        ]}),
    ));
    tg.push_update(text(3, 22, "en", QR));
    tg.push_update(text(4, 33, "ru", QR)); // the same receipt from someone else
    tg.push_update(text(5, 11, "ru", "/status"));
    tg.push_update(text(
        6,
        44,
        "ru",
        "Позовите оператора, не могу загрузить чек",
    ));
    tg.push_update(message_update(
        7,
        55,
        "ru",
        DATE,
        json!({"sticker": {"file_id": "s"}}),
    ));
    tg.push_update(
        json!({"update_id": 8, "edited_message": {"message_id": 1, "date": DATE,
        "chat": {"id": 11, "type": "private"}, "text": "edit"}}),
    );
    tg.push_update(
        json!({"update_id": 9, "message": {"message_id": 2, "date": DATE,
        "chat": {"id": 66, "type": "private"},
        "from": {"id": 66, "is_bot": true, "first_name": "Bot"}, "text": "/start"}}),
    );
    let db = ledger_path();
    let b = bot(&tg, &db);

    let r = b.poll_once(Duration::ZERO, now()).unwrap();
    let kinds: Vec<&str> = r.handled.iter().map(|h| h.kind).collect();
    assert_eq!(
        kinds,
        [
            "start",
            "receipt",
            "receipt",
            "receipt",
            "status",
            "operator",
            "unsupported",
            "ignored",
            "ignored"
        ]
    );
    assert_eq!(r.dispatch.sent, 7, "{:?}", r.dispatch);
    let photo_outcome = r.handled[1].outcome.as_ref().unwrap();
    assert_eq!(
        photo_outcome.status,
        OutcomeStatus::Accepted,
        "{photo_outcome:?}"
    );
    assert_eq!(photo_outcome.participant, "tg:11");
    assert_eq!(photo_outcome.input, "photo");

    let to11 = sent_to(&tg, 11);
    assert_eq!(to11.len(), 3, "{to11:?}");
    assert!(to11[0].starts_with("Здравствуйте!"), "{}", to11[0]);
    assert!(to11[1].starts_with("Чек принят! Начислено "), "{}", to11[1]);
    assert!(to11[2].starts_with("У вас "), "{}", to11[2]);
    assert!(to11[2].contains("принято 1 чек."), "{}", to11[2]);
    let to22 = sent_to(&tg, 22);
    assert_eq!(to22.len(), 1);
    assert!(
        to22[0].starts_with("Receipt accepted! "),
        "English: {}",
        to22[0]
    );
    let to33 = sent_to(&tg, 33);
    assert!(to33[0].starts_with("Чек передан оператору"), "{}", to33[0]);
    assert_eq!(
        sent_to(&tg, 44),
        ["Передали ваш вопрос оператору. Ответим здесь, в этом чате."]
    );
    assert!(sent_to(&tg, 55)[0].starts_with("Пришлите, пожалуйста"));
    assert!(sent_to(&tg, 66).is_empty(), "bots are not answered");

    // The care request opened a case under the participant id, with the sender's key.
    let ledger = b.engine().ledger();
    let case = ledger.care_case("tg:44").unwrap().unwrap();
    assert_eq!(case.case.events, 1);
    assert_eq!(ledger.cursor("telegram:offset").unwrap(), Some(10));

    // A restart: the next poll asks from the cursor and repeats nothing.
    drop(b);
    let again = bot(&tg, &db);
    let r = again.poll_once(Duration::ZERO, now()).unwrap();
    assert!(r.handled.is_empty());
    assert_eq!(tg.offsets().last(), Some(&Some(10)));
    assert_eq!(tg.sent().len(), 7);
}

/// The process died after an update was handled (submission and reply committed) but before
/// the cursor moved: the next poll gets the update again and does nothing twice.
#[test]
fn an_update_handled_before_a_crash_is_not_submitted_or_answered_twice() {
    let tg = TelegramStandIn::start();
    tg.push_update(text(41, 7, "ru", QR));
    let db = ledger_path();
    let b = bot(&tg, &db);
    let update =
        chek::channels::parse_update(text(41, 7, "ru", QR).to_string().as_bytes()).unwrap();
    let first = b.handle(&update, now()).unwrap();
    assert_eq!(first.kind, "receipt");
    // Crash here: no cursor, nothing sent.
    drop(b);
    let b = bot(&tg, &db);
    let r = b.poll_once(Duration::ZERO, now()).unwrap();
    assert_eq!(r.handled[0].kind, "done");
    assert_eq!(r.dispatch.sent, 1);
    assert_eq!(sent_to(&tg, 7).len(), 1);
    let audit = b.engine().ledger().audit("demo-november-2026").unwrap();
    assert_eq!((audit.submissions, audit.accepted), (1, 1), "{audit:?}");
    assert_eq!(
        b.engine().ledger().cursor("telegram:offset").unwrap(),
        Some(42)
    );
}

#[test]
fn a_rate_limited_reply_waits_for_retry_after_and_goes_out_once() {
    let tg = TelegramStandIn::start();
    tg.push_update(text(1, 5, "ru", "/start"));
    tg.fail_next(
        "sendMessage",
        Response::json(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
        ),
    );
    let db = ledger_path();
    let b = bot(&tg, &db);
    let r = b.poll_once(Duration::ZERO, now()).unwrap();
    assert_eq!(r.dispatch.retried, 1, "{:?}", r.dispatch);
    let row = b
        .engine()
        .ledger()
        .outbox_get("telegram:reply:1")
        .unwrap()
        .unwrap();
    assert_eq!(row.status, OutboxStatus::Queued);
    assert_eq!(
        row.due_at,
        now() + chrono::TimeDelta::seconds(30),
        "backoff 30 s > 7 s"
    );
    assert_eq!(row.last_error.as_deref(), Some("channel.rate_limited"));
    assert_eq!(
        b.dispatch(now() + chrono::TimeDelta::seconds(29))
            .unwrap()
            .claimed,
        0
    );
    assert_eq!(
        b.dispatch(now() + chrono::TimeDelta::seconds(30))
            .unwrap()
            .sent,
        1
    );
    assert_eq!(sent_to(&tg, 5).len(), 1);
}

#[test]
fn telegram_down_keeps_the_cursor_and_a_huge_photo_gets_an_answer() {
    let tg = TelegramStandIn::start();
    tg.add_file("HUGE", vec![0xff, 0xd8, 0xff], Some(50 * 1024 * 1024));
    tg.push_update(message_update(
        3,
        9,
        "ru",
        DATE,
        json!({"document": {"file_id": "HUGE", "file_unique_id": "h",
            "file_name": "scan.jpg", "mime_type": "image/jpeg", "file_size": 52428800}}),
    ));
    tg.fail_next(
        "getUpdates",
        Response::json(
            502,
            r#"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#,
        ),
    );
    let db = ledger_path();
    let b = bot(&tg, &db);
    let e = b.poll_once(Duration::ZERO, now()).unwrap_err();
    assert!(e.retryable(), "{e}");
    assert_eq!(e.code(), "channel.unavailable");
    assert_eq!(b.engine().ledger().cursor("telegram:offset").unwrap(), None);
    let r = b.poll_once(Duration::ZERO, now()).unwrap();
    assert_eq!(r.handled[0].kind, "file_too_large");
    assert!(sent_to(&tg, 9)[0].starts_with("Файл слишком большой"));
    // A photo that cannot be fetched for now stops the poll before its update is committed.
    tg.add_file("P2", photo(), None);
    tg.push_update(message_update(
        4,
        9,
        "ru",
        DATE,
        json!({"photo": [{"file_id": "P2", "file_unique_id": "p2", "width": 10, "height": 10}]}),
    ));
    tg.fail_next(
        "getFile",
        Response::json(
            500,
            r#"{"ok":false,"error_code":500,"description":"Internal"}"#,
        ),
    );
    assert!(b.poll_once(Duration::ZERO, now()).unwrap_err().retryable());
    assert_eq!(
        b.engine().ledger().cursor("telegram:offset").unwrap(),
        Some(4)
    );
    let r = b.poll_once(Duration::ZERO, now()).unwrap();
    assert_eq!(r.handled[0].kind, "receipt");
    assert_eq!(
        r.handled[0].outcome.as_ref().unwrap().status,
        OutcomeStatus::Accepted
    );
}
