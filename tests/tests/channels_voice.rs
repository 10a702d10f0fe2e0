//! The voice gateways (`chek_channels::voice`: the UIS Call API and Asterisk ARI) against
//! stand-ins on 127.0.0.1 (`chek_tests::voice_server`) answering in their documented shapes,
//! including their failures; the call-end callbacks mapped into the notify outcome model; and
//! the outbox's `VoiceSender` placing calls through one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use chek::Coded;
use chek::channels::voice::{
    Asterisk, AsteriskRoute, CallRequest, MAX_CALLBACK_BYTES, Uis, VoiceGateway,
    parse_asterisk_callback, parse_uis_callback,
};
use chek::channels::{ChannelError, Secret, call_report};
use chek::engage::notify::{CallOutcome, map_outcome};
use chek::outbox::{Dispatcher, NewMessage, VoiceSender};
use chek::store::Ledger;
use chek_tests::http_server::{Response, TestServer};
use chek_tests::voice_server::{self, ARI_PASSWORD, ARI_USER, UIS_TOKEN, basic, query};
use chrono::NaiveDate;

fn uis_at(server: &TestServer, token: &str) -> Uis {
    Uis::new(
        Secret::new(token),
        "+7 (499) 372-06-92",
        &server.url(),
        Duration::from_secs(2),
    )
    .unwrap()
}

fn ari_at(server: &TestServer, password: &str, route: AsteriskRoute) -> Asterisk {
    Asterisk::new(
        ARI_USER,
        Secret::new(password),
        &server.url(),
        "trunk",
        route,
        Duration::from_secs(2),
    )
    .unwrap()
}

fn stasis() -> AsteriskRoute {
    AsteriskRoute::Stasis { app: "chek".into() }
}

fn call(to: &str) -> CallRequest {
    CallRequest::new(to, "Ваш чек принят").unwrap()
}

fn never_shows(e: &ChannelError, secret: &str) {
    assert!(!e.to_string().contains(secret), "{e}");
    assert!(!format!("{e:?}").contains(secret), "{e:?}");
}

#[test]
fn uis_places_an_informer_call_with_tts() {
    let server = voice_server::uis();
    let gw = uis_at(&server, UIS_TOKEN).with_dialing_timeout(25).unwrap();
    let r = CallRequest::new("8 916 123-45-67", "Ваш приз ждёт вас")
        .unwrap()
        .with_external_id("notify:42")
        .unwrap();
    let placed = gw.place_call(&r).unwrap();
    assert_eq!(
        (placed.provider, placed.call_id.as_str()),
        ("uis", "1238694")
    );
    assert_eq!(gw.place_call(&r).unwrap().call_id, "1238695");
    let seen = server.requests();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", "/")
    );
    assert!(
        seen[0]
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let v: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(v["jsonrpc"], "2.0");
    assert_eq!(v["method"], "start.informer_call");
    assert!(v["id"].is_string());
    let p = &v["params"];
    assert_eq!(p["access_token"], UIS_TOKEN);
    assert_eq!(p["virtual_phone_number"], "74993720692");
    assert_eq!(p["contact"], "79161234567");
    assert_eq!(p["contact_message"]["type"], "tts");
    assert_eq!(p["contact_message"]["value"], "Ваш приз ждёт вас");
    assert_eq!(p["external_id"], "notify:42");
    assert_eq!(p["dialing_timeout"], 25);
    assert!(!format!("{gw:?}").contains("SECRET"));
}

#[test]
fn uis_failures_are_typed_and_never_show_the_token() {
    let server = voice_server::uis();
    let gw = uis_at(&server, UIS_TOKEN);
    let cases: [(&str, &str, bool, Option<u64>); 6] = [
        ("+79990000429", "channel.rate_limited", true, Some(7)),
        ("+79990000777", "channel.rate_limited", true, Some(3)),
        ("+79990000500", "channel.unavailable", true, None),
        ("+79990000408", "channel.timeout", true, None),
        ("+79990000666", "channel.bad_response", false, None),
        ("+79990000001", "channel.blocked", false, None),
    ];
    for (to, code, retryable, after) in cases {
        let e = gw.place_call(&call(to)).unwrap_err();
        assert_eq!((e.code(), e.retryable()), (code, retryable), "{to}: {e}");
        assert_eq!(e.retry_after(), after.map(Duration::from_secs), "{to}");
        never_shows(&e, UIS_TOKEN);
    }
    // A wrong token: JSON-RPC -32001 on HTTP 200.
    let e = uis_at(&server, "wrong-SECRET")
        .place_call(&call("+79161234567"))
        .unwrap_err();
    assert_eq!(e.code(), "channel.unauthorized");
    assert!(!e.retryable());
    never_shows(&e, "wrong-SECRET");
    // The plan's TTS limit, below chek's own.
    let long = CallRequest::new("+79161234567", &"а".repeat(60)).unwrap();
    assert_eq!(
        gw.place_call(&long).unwrap_err(),
        ChannelError::TooLong { units: 60, max: 50 }
    );
    // Nothing listening.
    let dead = Uis::new(
        Secret::new(UIS_TOKEN),
        "74993720692",
        "http://127.0.0.1:9",
        Duration::from_secs(2),
    )
    .unwrap();
    assert_eq!(
        dead.place_call(&call("+79161234567")).unwrap_err().code(),
        "channel.unavailable"
    );
    // A 200 that is not JSON-RPC at all.
    let html = TestServer::start(|_| Response::typed(200, "text/html", "<html>login</html>"));
    assert_eq!(
        uis_at(&html, UIS_TOKEN)
            .place_call(&call("+79161234567"))
            .unwrap_err()
            .code(),
        "channel.bad_response"
    );
    let empty = TestServer::start(|_| {
        Response::json(
            200,
            r#"{"jsonrpc": "2.0", "id": 1, "result": {"data": {}}}"#,
        )
    });
    assert_eq!(
        uis_at(&empty, UIS_TOKEN)
            .place_call(&call("+79161234567"))
            .unwrap_err()
            .code(),
        "channel.bad_response"
    );
}

#[test]
fn asterisk_originates_with_basic_auth_and_the_text_in_a_variable() {
    let server = voice_server::ari();
    let gw = ari_at(&server, ARI_PASSWORD, stasis())
        .with_caller_id("\"Shop\" <74993720692>")
        .unwrap()
        .with_dial_timeout(25)
        .unwrap();
    let r = call("+7 916 123 45 67")
        .with_external_id("outbox:7")
        .unwrap();
    let placed = gw.place_call(&r).unwrap();
    assert_eq!(
        (placed.provider, placed.call_id.as_str()),
        ("asterisk", "1733.12")
    );
    let seen = server.requests();
    assert_eq!(
        seen[0].header("authorization"),
        Some(basic(ARI_USER, ARI_PASSWORD).as_str())
    );
    assert!(
        !seen[0].path.contains("SECRET"),
        "the password never goes in the URL"
    );
    let q = query(&seen[0]);
    assert_eq!(q["endpoint"], "PJSIP/79161234567@trunk");
    assert_eq!(q["app"], "chek");
    assert_eq!(q["appArgs"], "outbox:7");
    assert_eq!(q["callerId"], "\"Shop\" <74993720692>");
    assert_eq!(q["timeout"], "25");
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["variables"]["CHEK_TTS"], "Ваш чек принят");
    assert_eq!(body["variables"]["CHEK_EXTERNAL_ID"], "outbox:7");

    let dp = ari_at(
        &server,
        ARI_PASSWORD,
        AsteriskRoute::Dialplan {
            context: "chek-voice".into(),
            extension: "s".into(),
        },
    );
    assert_eq!(
        dp.place_call(&call("+79161234567")).unwrap().call_id,
        "1733.13"
    );
    let q = query(&server.requests()[1]);
    assert_eq!(
        (
            q["context"].as_str(),
            q["extension"].as_str(),
            q["priority"].as_str()
        ),
        ("chek-voice", "s", "1")
    );
    assert!(!q.contains_key("app"));
}

#[test]
fn asterisk_failures_are_typed_and_a_rate_limit_is_retried_after_the_wait() {
    let server = voice_server::ari();
    let gw = ari_at(&server, ARI_PASSWORD, stasis());
    let cases: [(&str, &str, bool, Option<u64>); 5] = [
        ("+79990000429", "channel.rate_limited", true, Some(2)),
        ("+79990000500", "channel.unavailable", true, None),
        ("+79990000408", "channel.timeout", true, None),
        ("+79990000666", "channel.bad_response", false, None),
        ("+79990000001", "channel.rejected", false, None),
    ];
    for (to, code, retryable, after) in cases {
        let e = gw.place_call(&call(to)).unwrap_err();
        assert_eq!((e.code(), e.retryable()), (code, retryable), "{to}: {e}");
        assert_eq!(e.retry_after(), after.map(Duration::from_secs), "{to}");
        never_shows(&e, ARI_PASSWORD);
    }
    let e = ari_at(&server, "wrong-SECRET", stasis())
        .place_call(&call("+79161234567"))
        .unwrap_err();
    assert_eq!(
        e,
        ChannelError::Unauthorized {
            status: 401,
            description: "ARI HTTP 401: Authentication required".into()
        }
    );
    never_shows(&e, "wrong-SECRET");
    // 429 then success: the caller waits as told and tries again.
    let e = gw.place_call(&call("+79990000430")).unwrap_err();
    let wait = e.retry_after().unwrap();
    assert_eq!(wait, Duration::from_secs(1));
    std::thread::sleep(wait);
    assert!(
        gw.place_call(&call("+79990000430"))
            .unwrap()
            .call_id
            .starts_with("1733.")
    );
    assert!(!format!("{gw:?}").contains("SECRET"));
}

#[test]
fn bad_settings_are_refused_before_any_request() {
    let t = Duration::from_secs(2);
    let url = "http://127.0.0.1:9";
    let codes = [
        Uis::new(Secret::new(""), "74993720692", url, t).err(),
        Uis::new(Secret::new("t"), "not a phone", url, t).err(),
        Uis::new(Secret::new("t"), "74993720692", "ftp://x", t).err(),
        Uis::new(Secret::new("t"), "74993720692", "http://user:pw@host", t).err(),
        Uis::new(Secret::new("t"), "74993720692", url, Duration::ZERO).err(),
        Uis::new(Secret::new("t"), "74993720692", url, t)
            .unwrap()
            .with_dialing_timeout(121)
            .err(),
        Asterisk::new("a b", Secret::new("p"), url, "trunk", stasis(), t).err(),
        Asterisk::new("u", Secret::new("p"), url, "trunk/x", stasis(), t).err(),
        Asterisk::new(
            "u",
            Secret::new("p"),
            url,
            "trunk",
            AsteriskRoute::Stasis { app: "".into() },
            t,
        )
        .err(),
        Asterisk::new("u", Secret::new("p"), url, "trunk", stasis(), t)
            .unwrap()
            .with_dial_timeout(0)
            .err(),
        Asterisk::new("u", Secret::new("p"), url, "trunk", stasis(), t)
            .unwrap()
            .with_caller_id("a\nb")
            .err(),
    ];
    for (i, c) in codes.iter().enumerate() {
        assert_eq!(
            c.as_ref().map(|e| e.code()),
            Some("channel.invalid"),
            "case {i}"
        );
    }
    for bad in ["12", "+7 916 123 45 6x", ""] {
        assert_eq!(
            CallRequest::new(bad, "x").unwrap_err().code(),
            "channel.invalid",
            "{bad}"
        );
    }
    assert_eq!(
        CallRequest::new("+79161234567", &"я".repeat(1001))
            .unwrap_err()
            .code(),
        "channel.too_long"
    );
}

#[test]
fn callbacks_map_into_the_notify_outcome_model() {
    let uis = |body: &str| {
        map_outcome(
            &call_report(&parse_uis_callback(body.as_bytes()).unwrap()),
            "0",
        )
        .unwrap()
    };
    assert_eq!(
        uis(
            r#"{"call_session_id": 1238694, "external_id": "outbox:7", "finish_reason": "success_finish", "talk_time_duration": 41}"#
        ),
        CallOutcome::Answered { listened_s: 41 }
    );
    assert_eq!(
        uis(r#"{"finish_reason": "subscriber_busy"}"#),
        CallOutcome::Busy
    );
    assert_eq!(
        uis(r#"{"finish_reason": "timeout", "talk_time_duration": "0"}"#),
        CallOutcome::NoAnswer
    );
    assert_eq!(
        uis(r#"{"finish_reason": "subscriber_number_problems"}"#),
        CallOutcome::InvalidNumber
    );

    let ast = |body: &str| {
        map_outcome(
            &call_report(&parse_asterisk_callback(body.as_bytes()).unwrap()),
            "0",
        )
        .unwrap()
    };
    assert_eq!(
        ast(
            r#"{"channel_id": "1733.12", "dialstatus": "ANSWER", "answeredtime": 34, "hangupcause": 16, "digits": "0"}"#
        ),
        CallOutcome::Operator {
            listened_s: 34,
            key: "0".into()
        }
    );
    assert_eq!(
        ast(r#"{"dialstatus": "NOANSWER", "answeredtime": "", "hangupcause": "19"}"#),
        CallOutcome::NoAnswer
    );
    assert_eq!(
        ast(r#"{"dialstatus": "CHANUNAVAIL", "hangupcause": 1}"#),
        CallOutcome::InvalidNumber
    );
    assert_eq!(
        ast(
            r#"{"type": "ChannelDestroyed", "timestamp": "2026-12-05T10:00:40.000+0000", "cause": 17, "cause_txt": "User busy", "channel": {"id": "1733.12", "state": "Ringing"}}"#
        ),
        CallOutcome::Busy
    );
    assert_eq!(
        ast(
            r#"{"type": "ChannelDestroyed", "cause": 16, "channel": {"id": "1733.12", "state": "Up"}}"#
        ),
        CallOutcome::Answered { listened_s: 0 }
    );
    assert_eq!(
        ast(
            r#"{"type": "ChannelVarset", "variable": "DIALSTATUS", "value": "BUSY", "channel": {"id": "1733.12"}}"#
        ),
        CallOutcome::Busy
    );
    // The gateway object reads its own provider's callbacks.
    let server = voice_server::uis();
    let r = uis_at(&server, UIS_TOKEN)
        .parse_callback(br#"{"finish_reason": "no_money"}"#)
        .unwrap();
    assert_eq!(r.provider, "uis");
}

#[test]
fn hostile_callbacks_are_typed_errors_never_panics() {
    let huge = format!(
        r#"{{"finish_reason": "ok", "pad": "{}"}}"#,
        "x".repeat(MAX_CALLBACK_BYTES)
    );
    assert_eq!(
        parse_uis_callback(huge.as_bytes()).unwrap_err().code(),
        "channel.too_large"
    );
    assert_eq!(
        parse_asterisk_callback(huge.as_bytes()).unwrap_err().code(),
        "channel.too_large"
    );
    let deep = format!("{}{}", "{\"a\":".repeat(5000), "1");
    for b in [
        deep.as_bytes(),
        b"\x00\x01garbage",
        b"{\"finish_reason\": \"\xff\"}",
        b"{\"dialstatus\": [1,2]}",
        b"   ",
    ] {
        assert_eq!(
            parse_uis_callback(b).unwrap_err().code(),
            "channel.bad_response"
        );
        assert_eq!(
            parse_asterisk_callback(b).unwrap_err().code(),
            "channel.bad_response"
        );
    }
    // Pseudo-random bytes and mutated valid bodies: always an answer, never a panic.
    let seeds = [
        &br#"{"call_session_id": 1, "finish_reason": "success_finish", "talk_time_duration": 4}"#[..],
        br#"{"type": "ChannelDestroyed", "cause": 17, "channel": {"id": "c", "state": "Up"}}"#,
    ];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..4000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = seeds[i % 2].to_vec();
        let n = b.len();
        b[(x as usize) % n] = (x >> 32) as u8;
        b.truncate(n - (x as usize >> 8) % 8);
        let _ = parse_uis_callback(&b);
        let _ = parse_asterisk_callback(&b);
    }
}

/// The outbox through a voice gateway: placed once with the call id, a bad number failed, a
/// limit retried; the call carries the row's id as its external id.
#[test]
fn the_outbox_places_voice_calls() {
    let server = voice_server::uis();
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("outbox-voice-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let l = Ledger::open(&path.to_string_lossy()).unwrap();
    let now = NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    for (key, to) in [
        ("a", "+79161234567"),
        ("b", "not a phone"),
        ("c", "+79990000429"),
    ] {
        l.outbox_enqueue(
            &NewMessage::new(key, "voice", to, "Ваш приз ждёт вас", now),
            now,
        )
        .unwrap();
    }
    let d = Dispatcher::new().with_sender(Box::new(VoiceSender::new(Arc::new(uis_at(
        &server, UIS_TOKEN,
    )))));
    let r = d.run_once(&l, now).unwrap();
    assert_eq!((r.sent, r.failed, r.retried), (1, 1, 1), "{r:?}");
    let a = l.outbox_get("a").unwrap().unwrap();
    assert_eq!(a.provider_id.as_deref(), Some("1238694"));
    assert_eq!(
        l.outbox_get("b").unwrap().unwrap().last_error.as_deref(),
        Some("channel.invalid")
    );
    assert_eq!(
        l.outbox_get("c").unwrap().unwrap().last_error.as_deref(),
        Some("channel.rate_limited")
    );
    let placed: Vec<serde_json::Value> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert!(
        placed
            .iter()
            .any(|v| v["params"]["external_id"] == format!("outbox:{}", a.id))
    );
    let _ = std::fs::remove_file(&path);
}
