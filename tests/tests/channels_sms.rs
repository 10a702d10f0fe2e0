//! The SMS gateways (`chek_channels::sms`: sms.ru and smsc.ru) against a stand-in on 127.0.0.1
//! answering as their documented HTTP APIs do, and the outbox's `SmsSender` sending through
//! one, with a delivery callback recorded on the row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use chek::Coded;
use chek::channels::Secret;
use chek::channels::sms::{SmsDelivery, SmsGateway, SmsRequest, SmsRu, Smsc, parse_smsru_callback};
use chek::outbox::{Dispatcher, NewMessage, SmsSender};
use chek::store::Ledger;
use chek_tests::http_server::{Request, Response, TestServer};
use chrono::NaiveDate;

const KEY: &str = "A3CA597E-SECRET-KEY";
const PASSWORD: &str = "p4ss-SECRET";

fn form(r: &Request) -> BTreeMap<String, String> {
    let decode = |s: &str| {
        let b = s.replace('+', " ");
        let mut out = Vec::new();
        let bytes = b.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&b[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    r.body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn json(body: &str) -> Response {
    Response::json(200, body.to_owned())
}

fn smsru(server: &TestServer) -> SmsRu {
    SmsRu::new(
        Secret::new(KEY),
        &server.url(),
        Some("CHEK"),
        Duration::from_secs(2),
    )
    .unwrap()
}

fn smsc(server: &TestServer) -> Smsc {
    Smsc::new(
        "shop",
        Secret::new(PASSWORD),
        &server.url(),
        None,
        Duration::from_secs(2),
    )
    .unwrap()
}

fn req(text: &str) -> SmsRequest {
    SmsRequest::new("+7 916 123-45-67", text).unwrap()
}

#[test]
fn smsru_sends_with_the_sender_name_and_reads_the_id_and_cost() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/sms/send" => json(
            r#"{"status": "OK", "status_code": 100, "sms": {"79161234567": {"status": "OK",
                "status_code": 100, "sms_id": "000000-10000001", "cost": "4.10", "sms": 2}},
                "balance": 96.5}"#,
        ),
        _ => Response::json(404, "{}"),
    });
    let sent = smsru(&server).send(&req(&"ж".repeat(71))).unwrap();
    assert_eq!(sent.provider_id, "000000-10000001");
    assert_eq!((sent.segments, sent.cost_kopecks), (2, Some(410)));
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert!(!seen[0].path.contains(KEY), "the key never goes in the URL");
    let f = form(&seen[0]);
    assert_eq!(f["api_id"], KEY);
    assert_eq!(f["to"], "79161234567");
    assert_eq!(f["msg"], "ж".repeat(71));
    assert_eq!(f["from"], "CHEK");
    assert_eq!(f["json"], "1");
}

#[test]
fn smsru_errors_have_their_codes_and_never_show_the_key() {
    let cases: [(&str, &str, bool); 5] = [
        (
            r#"{"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id A3CA597E-SECRET-KEY"}"#,
            "channel.unauthorized",
            false,
        ),
        (
            r#"{"status": "OK", "status_code": 100, "sms": {"79161234567": {"status": "ERROR",
                "status_code": 202, "status_text": "Неправильно указан номер"}}}"#,
            "channel.rejected",
            false,
        ),
        (
            r#"{"status": "ERROR", "status_code": 220, "status_text": "Сервис временно недоступен"}"#,
            "channel.unavailable",
            true,
        ),
        (
            r#"{"status": "OK", "status_code": 100, "sms": {"79161234567": {"status": "ERROR",
                "status_code": 230, "status_text": "Превышен лимит"}}}"#,
            "channel.rate_limited",
            true,
        ),
        (r#"<html>oops</html>"#, "channel.bad_response", false),
    ];
    for (body, code, retryable) in cases {
        let b = body.to_owned();
        let server =
            TestServer::start(move |_| Response::typed(200, "application/json", b.clone()));
        let e = smsru(&server).send(&req("Код 1234")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), (code, retryable), "{body}: {e}");
        assert!(!e.to_string().contains(KEY), "{e}");
    }
    let server = TestServer::start(|_| Response::typed(502, "text/html", "bad gateway"));
    let e = smsru(&server).send(&req("Код")).unwrap_err();
    assert_eq!(e.code(), "channel.unavailable");
    let slow = TestServer::start(|_| Response {
        delay: Duration::from_secs(5),
        ..json("{}")
    });
    assert_eq!(
        smsru(&slow).send(&req("Код")).unwrap_err().code(),
        "channel.timeout"
    );
    assert!(!format!("{:?}", smsru(&slow)).contains("SECRET"));
}

#[test]
fn smsru_status_and_callbacks_map_to_delivery() {
    let server = TestServer::start(|r| {
        let id = form(r).get("sms_id").cloned().unwrap_or_default();
        json(&format!(
            r#"{{"status": "OK", "status_code": 100, "sms": {{"{id}": {{"status": "OK",
               "status_code": 103, "status_text": "Сообщение доставлено"}}}}}}"#
        ))
    });
    let s = smsru(&server)
        .status("000000-10000001", "79161234567")
        .unwrap();
    assert_eq!((s.delivery, s.provider_code), (SmsDelivery::Delivered, 103));
    let body = "data%5B0%5D=sms_status%0A000000-10000001%0A104%0A1764950400\
                &data%5B1%5D=sms_status%0A000000-10000002%0A102%0A1764950401\
                &data%5B2%5D=callback_test%0A1";
    let got = parse_smsru_callback(body).unwrap();
    assert_eq!(
        got.iter().map(|s| s.delivery).collect::<Vec<_>>(),
        [SmsDelivery::Expired, SmsDelivery::Sent]
    );
    for bad in [
        "data%5B0%5D=sms_status%0Aid-only",
        "data%5B0%5D=sms_status%0Aid%0Anot-a-number",
        "data%5B0%5D=%ZZ",
    ] {
        assert_eq!(
            parse_smsru_callback(bad).unwrap_err().code(),
            "channel.bad_response"
        );
    }
    let huge = "a".repeat(300 * 1024);
    assert_eq!(
        parse_smsru_callback(&huge).unwrap_err().code(),
        "channel.too_large"
    );
}

#[test]
fn smsc_sends_and_asks_for_status() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/sys/send.php" => json(r#"{"id": 4711, "cnt": 1, "cost": "2.50", "balance": "100.00"}"#),
        "/sys/status.php" => json(
            r#"{"status": 1, "last_date": "05.12.2026 10:00:00", "last_timestamp": 1796464800, "err": 0}"#,
        ),
        _ => Response::json(404, "{}"),
    });
    let gw = smsc(&server);
    let sent = gw.send(&req("Карта активирована")).unwrap();
    assert_eq!(sent.provider_id, "4711");
    assert_eq!((sent.segments, sent.cost_kopecks), (1, Some(250)));
    let s = gw.status("4711", "+79161234567").unwrap();
    assert_eq!(s.delivery, SmsDelivery::Delivered);
    let seen = server.requests();
    let f = form(&seen[0]);
    assert_eq!(
        (
            f["login"].as_str(),
            f["psw"].as_str(),
            f["phones"].as_str(),
            f["fmt"].as_str(),
            f["charset"].as_str()
        ),
        ("shop", PASSWORD, "79161234567", "3", "utf-8")
    );
    assert!(!f.contains_key("sender"), "no sender name configured");
    let f = form(&seen[1]);
    assert_eq!(
        (f["id"].as_str(), f["phone"].as_str()),
        ("4711", "79161234567")
    );
}

#[test]
fn smsc_error_codes() {
    for (code, want, retry) in [
        (2, "channel.unauthorized", false),
        (3, "channel.rejected", false),
        (7, "channel.rejected", false),
        (9, "channel.rate_limited", true),
    ] {
        let server = TestServer::start(move |_| {
            json(&format!(
                r#"{{"error": "ошибка p4ss-SECRET", "error_code": {code}}}"#
            ))
        });
        let e = smsc(&server).send(&req("Код")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), (want, retry), "{code}");
        assert!(!e.to_string().contains(PASSWORD), "{e}");
    }
}

#[test]
fn bad_settings_and_numbers_are_refused_before_any_request() {
    let server = TestServer::start(|_| json("{}"));
    for (url, sender) in [
        ("ftp://x", None),
        ("http://127.0.0.1:9", Some("TWELVE-CHARS")),
    ] {
        let e = SmsRu::new(Secret::new(KEY), url, sender, Duration::from_secs(1)).unwrap_err();
        assert_eq!(e.code(), "channel.invalid");
    }
    assert!(SmsRu::new(Secret::new(""), &server.url(), None, Duration::from_secs(1)).is_err());
    assert!(
        Smsc::new(
            "",
            Secret::new("x"),
            &server.url(),
            None,
            Duration::from_secs(1)
        )
        .is_err()
    );
    for to in ["123", "+7916abc4567", "79161234567890123"] {
        assert_eq!(
            SmsRequest::new(to, "x").unwrap_err().code(),
            "channel.invalid",
            "{to}"
        );
    }
    assert!(server.requests().is_empty());
}

/// The outbox through an SMS gateway: sent once with the provider's id, a bad number failed,
/// a gateway outage retried, and the delivery callback recorded on the row.
#[test]
fn the_outbox_sends_sms_and_records_delivery() {
    let server = TestServer::start(|r| {
        let to = form(r).get("to").cloned().unwrap_or_default();
        if to == "79990000000" {
            return json(r#"{"status": "ERROR", "status_code": 220, "status_text": "down"}"#);
        }
        json(&format!(
            r#"{{"status": "OK", "status_code": 100, "sms": {{"{to}": {{"status": "OK",
               "status_code": 100, "sms_id": "id-{to}"}}}}}}"#
        ))
    });
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("outbox-sms-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let l = Ledger::open(&path.to_string_lossy()).unwrap();
    let now = NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    for (key, to) in [
        ("a", "+79161234567"),
        ("b", "not a phone"),
        ("c", "+79990000000"),
    ] {
        l.outbox_enqueue(
            &NewMessage::new(key, "sms", to, "Карта активирована", now),
            now,
        )
        .unwrap();
    }
    let d = Dispatcher::new().with_sender(Box::new(SmsSender::new(std::sync::Arc::new(smsru(
        &server,
    )))));
    let r = d.run_once(&l, now).unwrap();
    assert_eq!((r.sent, r.failed, r.retried), (1, 1, 1), "{r:?}");
    let a = l.outbox_get("a").unwrap().unwrap();
    assert_eq!(a.provider_id.as_deref(), Some("id-79161234567"));
    assert_eq!(
        l.outbox_get("b").unwrap().unwrap().last_error.as_deref(),
        Some("channel.invalid")
    );
    assert_eq!(
        l.outbox_get("c").unwrap().unwrap().last_error.as_deref(),
        Some("channel.unavailable")
    );
    for s in parse_smsru_callback("data%5B0%5D=sms_status%0Aid-79161234567%0A103%0A1").unwrap() {
        assert!(
            l.outbox_delivery("sms", &s.provider_id, s.delivery.as_str())
                .unwrap()
        );
    }
    assert_eq!(
        l.outbox_get("a").unwrap().unwrap().delivery.as_deref(),
        Some("delivered")
    );
}
