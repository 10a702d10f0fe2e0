//! The Telegram Bot API adapter against a real HTTP server on 127.0.0.1: the request each
//! method sends (path with the token, JSON body), the real shape of updates, file downloads
//! and their cap, and every failure the Bot API answers with — each ending in its
//! `channel.*` code quickly, and none showing the token.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::time::{Duration, Instant};

use chek::Coded;
use chek_channels::{
    AsyncTelegram, ChannelError, File, Secret, Telegram, TelegramConfig, next_offset, parse_update,
};
use chek_tests::http_server::{Request, Response, TestServer};

const TOKEN: &str = "7123456789:AAHk-SECRET_token-value";

fn config(s: &TestServer) -> TelegramConfig {
    let mut c = TelegramConfig::new(Secret::new(TOKEN)).with_base_url(format!("{}/", s.url()));
    c.timeout = Duration::from_millis(800);
    c.poll_timeout = Duration::from_secs(1);
    c.max_download = 4096;
    c
}

fn bot(s: &TestServer) -> Telegram {
    Telegram::new(config(s)).unwrap()
}

fn method_path(method: &str) -> String {
    format!("/bot{TOKEN}/{method}")
}

fn body_json(r: &Request) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

fn ok(result: &str) -> Response {
    Response::json(200, format!(r#"{{"ok":true,"result":{result}}}"#))
}

fn api_error(status: u16, description: &str, extra: &str) -> Response {
    Response::json(
        status,
        format!(r#"{{"ok":false,"error_code":{status},"description":"{description}"{extra}}}"#),
    )
}

/// A server answering every request the same.
fn always(resp: Response) -> TestServer {
    TestServer::start(move |_| resp.clone())
}

/// Updates as the Bot API sends them: a photo in three sizes with a caption, a document, a text
/// message, an edited message, a callback query, and a message of a shape the types do not
/// expect. Fields the adapter does not read are left in.
const UPDATES: &str = r#"[
 {"update_id":501,"message":{"message_id":11,"from":{"id":42,"is_bot":false,"first_name":"Анна","last_name":"К.","username":"anna_k","language_code":"ru","is_premium":true},
  "chat":{"id":42,"first_name":"Анна","username":"anna_k","type":"private"},"date":1764950400,
  "photo":[{"file_id":"AgAC-small","file_unique_id":"AQADs","file_size":1421,"width":67,"height":90},
           {"file_id":"AgAC-medium","file_unique_id":"AQADm","file_size":19020,"width":240,"height":320},
           {"file_id":"AgAC-large","file_unique_id":"AQADl","file_size":98311,"width":960,"height":1280}],
  "caption":"мой чек","caption_entities":[],"has_media_spoiler":false}},
 {"update_id":502,"message":{"message_id":12,"from":{"id":43,"is_bot":false,"first_name":"Boris","language_code":"en"},
  "chat":{"id":43,"first_name":"Boris","type":"private"},"date":1764950401,
  "document":{"file_name":"receipt.jpg","mime_type":"image/jpeg","thumbnail":{"file_id":"t","file_unique_id":"t","width":1,"height":1},
   "file_id":"BQAC-doc","file_unique_id":"AgADd","file_size":250000}}},
 {"update_id":503,"message":{"message_id":13,"from":{"id":42,"is_bot":false,"first_name":"Анна"},
  "chat":{"id":42,"type":"private"},"date":1764950402,"text":"/start","entities":[{"offset":0,"length":6,"type":"bot_command"}]}},
 {"update_id":504,"edited_message":{"message_id":13,"chat":{"id":42,"type":"private"},"date":1764950402,"edit_date":1764950410,"text":"/help"}},
 {"update_id":505,"callback_query":{"id":"4382","from":{"id":42,"is_bot":false,"first_name":"Анна"},"chat_instance":"-1","data":"yes"}},
 {"update_id":506,"message":{"message_id":"not a number","chat":"nowhere"}}
]"#;

#[test]
fn get_updates_sends_offset_limit_timeout_and_reads_every_kind() {
    let s = TestServer::start(|r| {
        if r.path == method_path("getUpdates") {
            ok(UPDATES)
        } else {
            Response::json(404, "{}")
        }
    });
    let b = bot(&s);
    let updates = b
        .get_updates(Some(501), 50, Some(Duration::from_secs(0)))
        .unwrap();
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, method_path("getUpdates"));
    assert!(
        reqs[0]
            .header("content-type")
            .is_some_and(|c| c.contains("json"))
    );
    let sent = body_json(&reqs[0]);
    assert_eq!(
        sent,
        serde_json::json!({"offset": 501, "limit": 50, "timeout": 0})
    );

    let kinds: Vec<(i64, &str)> = updates.iter().map(|u| (u.update_id, u.kind())).collect();
    assert_eq!(
        kinds,
        [
            (501, "message"),
            (502, "message"),
            (503, "message"),
            (504, "edited_message"),
            (505, "other"),
            (506, "other"),
        ]
    );
    let photo = updates[0].message().unwrap();
    assert_eq!(photo.photo.len(), 3);
    assert_eq!(photo.largest_photo().unwrap().file_id, "AgAC-large");
    assert_eq!(photo.text_or_caption(), Some("мой чек"));
    let anna = photo.from.as_ref().unwrap();
    assert_eq!(
        (anna.id, anna.language_code.as_deref(), photo.chat.id),
        (42, Some("ru"), 42)
    );
    assert_eq!(photo.chat.kind, "private");
    let doc = updates[1].message().unwrap().document.as_ref().unwrap();
    assert_eq!(
        (
            doc.file_id.as_str(),
            doc.file_size,
            doc.mime_type.as_deref()
        ),
        ("BQAC-doc", Some(250_000), Some("image/jpeg"))
    );
    assert_eq!(
        updates[2].message().unwrap().text.as_deref(),
        Some("/start")
    );
    assert!(updates[3].message().is_none());
    assert_eq!(next_offset(&updates, Some(501)), Some(507));

    // No offset, the config's long-poll default: the offset key is left out.
    b.get_updates(None, 100, None).unwrap();
    let sent = body_json(&s.requests()[1]);
    assert_eq!(sent, serde_json::json!({"limit": 100, "timeout": 1}));
}

#[test]
fn get_updates_refuses_bad_arguments_without_a_request() {
    let s = always(ok("[]"));
    let b = bot(&s);
    for limit in [0, 101] {
        assert_eq!(
            b.get_updates(None, limit, None).unwrap_err().code(),
            "channel.invalid"
        );
    }
    let long = Some(Duration::from_secs(3600));
    assert_eq!(
        b.get_updates(None, 10, long).unwrap_err().code(),
        "channel.invalid"
    );
    assert!(s.requests().is_empty());
}

#[test]
fn long_poll_waits_on_the_server_beyond_the_request_timeout() {
    // The server holds the poll for 1.2 s, more than the 0.8 s request timeout: the poll's own
    // wait is added to it.
    let s = TestServer::start(|_| Response {
        delay: Duration::from_millis(1200),
        ..ok("[]")
    });
    let got = bot(&s).get_updates(Some(1), 1, Some(Duration::from_secs(1)));
    assert_eq!(got.unwrap(), []);
}

#[test]
fn webhook_bodies_parse_like_polled_updates() {
    let all: Vec<serde_json::Value> = serde_json::from_str(UPDATES).unwrap();
    for v in &all {
        let u = parse_update(v.to_string().as_bytes()).unwrap();
        assert_eq!(u.update_id, v["update_id"].as_i64().unwrap());
    }
    let first = parse_update(all[0].to_string().as_bytes()).unwrap();
    assert_eq!(first.message().unwrap().photo.len(), 3);
    for bad in [&b"not json"[..], b"[]", b"{\"message\":{}}", b""] {
        assert_eq!(
            parse_update(bad).unwrap_err().code(),
            "channel.bad_response"
        );
    }
}

fn file_server(file: &'static str, content: Vec<u8>, chunked: bool) -> TestServer {
    TestServer::start(move |r| {
        if r.path == method_path("getFile") {
            ok(file)
        } else if r.path == format!("/file/bot{TOKEN}/photos/file_7.jpg") {
            Response {
                chunked,
                ..Response::typed(200, "image/jpeg", content.clone())
            }
        } else {
            api_error(404, "Not Found", "")
        }
    })
}

#[test]
fn get_file_then_download_from_the_file_url() {
    let jpeg: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let s = file_server(
        r#"{"file_id":"AgAC-large","file_unique_id":"AQADl","file_size":3000,"file_path":"photos/file_7.jpg"}"#,
        jpeg.clone(),
        false,
    );
    let b = bot(&s);
    let file = b.get_file("AgAC-large").unwrap();
    assert_eq!(file.file_path.as_deref(), Some("photos/file_7.jpg"));
    assert_eq!(file.file_size, Some(3000));
    assert_eq!(b.download(&file).unwrap(), jpeg);
    let reqs = s.requests();
    assert_eq!(
        body_json(&reqs[0]),
        serde_json::json!({"file_id": "AgAC-large"})
    );
    assert_eq!(
        (reqs[1].method.as_str(), reqs[1].path.as_str()),
        (
            "GET",
            format!("/file/bot{TOKEN}/photos/file_7.jpg").as_str()
        )
    );
}

#[test]
fn download_chunked_within_the_cap() {
    let s = file_server("{}", vec![7; 4096], true);
    let file = File {
        file_id: "x".into(),
        file_unique_id: String::new(),
        file_size: None,
        file_path: Some("photos/file_7.jpg".into()),
    };
    assert_eq!(bot(&s).download(&file).unwrap().len(), 4096);
}

#[test]
fn download_over_the_cap_is_refused() {
    // Telegram's file_size says so: refused before any request.
    let s = file_server("{}", vec![0; 10_000], false);
    let b = bot(&s);
    let mut file = File {
        file_id: "x".into(),
        file_unique_id: String::new(),
        file_size: Some(10_000),
        file_path: Some("photos/file_7.jpg".into()),
    };
    let err = b.download(&file).unwrap_err();
    assert_eq!(err.code(), "channel.too_large");
    assert_eq!(
        err,
        ChannelError::TooLarge {
            what: "the file",
            size: Some(10_000),
            max: 4096
        }
    );
    assert!(s.requests().is_empty());
    assert!(!err.retryable());

    // No size known, but the answer's Content-Length is over the cap.
    file.file_size = None;
    let err = b.download(&file).unwrap_err();
    assert_eq!(err.code(), "channel.too_large");
    assert_eq!(s.requests().len(), 1);

    // No size anywhere: a chunked body is cut off once it passes the cap.
    let s = file_server("{}", vec![0; 200_000], true);
    let err = bot(&s).download(&file).unwrap_err();
    assert_eq!(
        err,
        ChannelError::TooLarge {
            what: "the file",
            size: None,
            max: 4096
        }
    );
}

#[test]
fn download_needs_a_safe_relative_path() {
    let s = always(Response::typed(200, "image/jpeg", vec![1, 2, 3]));
    let b = bot(&s);
    for path in [
        None,
        Some("/var/lib/telegram-bot-api/x.jpg"),
        Some("../../etc/passwd"),
        Some("a?b=c"),
    ] {
        let file = File {
            file_id: "x".into(),
            file_unique_id: String::new(),
            file_size: None,
            file_path: path.map(str::to_owned),
        };
        assert_eq!(
            b.download(&file).unwrap_err().code(),
            "channel.invalid",
            "{path:?}"
        );
    }
    assert!(s.requests().is_empty());
    // An expired path is the file's problem, not the token's.
    let s = always(api_error(404, "Not Found", ""));
    let file = File {
        file_id: "x".into(),
        file_unique_id: String::new(),
        file_size: None,
        file_path: Some("photos/file_1.jpg".into()),
    };
    assert_eq!(
        bot(&s).download(&file).unwrap_err().code(),
        "channel.rejected"
    );
}

const SENT: &str = r#"{"message_id":77,"from":{"id":7123456789,"is_bot":true,"first_name":"Чек-бот","username":"chek_bot"},
  "chat":{"id":42,"first_name":"Анна","type":"private"},"date":1764950500,"text":"Чек принят"}"#;

#[test]
fn send_message_posts_chat_and_plain_text() {
    let s = always(ok(SENT));
    let sent = bot(&s).send_message(42, "Чек принят").unwrap();
    assert_eq!((sent.message_id, sent.chat.id), (77, 42));
    assert_eq!(sent.text.as_deref(), Some("Чек принят"));
    let reqs = s.requests();
    assert_eq!(reqs[0].path, method_path("sendMessage"));
    assert_eq!(
        body_json(&reqs[0]),
        serde_json::json!({"chat_id": 42, "text": "Чек принят"})
    );
}

#[test]
fn too_long_text_is_refused_without_a_request() {
    let s = always(ok(SENT));
    let b = bot(&s);
    // 4096 UTF-16 units pass; emoji count two each.
    b.send_message(42, &"ы".repeat(4096)).unwrap();
    for text in ["ы".repeat(4097), "😀".repeat(2049)] {
        let err = b.send_message(42, &text).unwrap_err();
        assert_eq!(err.code(), "channel.too_long");
        assert!(!err.retryable());
    }
    assert_eq!(
        b.send_message(42, " \n").unwrap_err().code(),
        "channel.invalid"
    );
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn rate_limit_carries_retry_after() {
    let s = always(api_error(
        429,
        "Too Many Requests: retry after 7",
        r#","parameters":{"retry_after":7}"#,
    ));
    let err = bot(&s).send_message(42, "hi").unwrap_err();
    assert_eq!(err.code(), "channel.rate_limited");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.retryable());
    assert_eq!(s.requests().len(), 1, "no retry inside the client");

    // Only the header says how long.
    let s = always(api_error(429, "Too Many Requests", "").with_header("Retry-After", "3"));
    let err = bot(&s).send_message(42, "hi").unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

#[test]
fn failures_map_to_their_codes() {
    let cases = [
        (
            api_error(403, "Forbidden: bot was blocked by the user", ""),
            "channel.blocked",
            false,
        ),
        (
            api_error(403, "Forbidden: user is deactivated", ""),
            "channel.blocked",
            false,
        ),
        (
            api_error(401, "Unauthorized", ""),
            "channel.unauthorized",
            false,
        ),
        (
            api_error(404, "Not Found", ""),
            "channel.unauthorized",
            false,
        ),
        (
            api_error(400, "Bad Request: chat not found", ""),
            "channel.rejected",
            false,
        ),
        (
            api_error(409, "Conflict: terminated by other getUpdates request", ""),
            "channel.rejected",
            false,
        ),
        (
            api_error(500, "Internal Server Error", ""),
            "channel.unavailable",
            true,
        ),
        (
            Response::typed(502, "text/html", "<html>Bad Gateway</html>"),
            "channel.unavailable",
            true,
        ),
        (
            Response::json(200, "{\"ok\":tru"),
            "channel.bad_response",
            false,
        ),
        (
            Response::typed(200, "text/html", "<html>captive portal</html>"),
            "channel.bad_response",
            false,
        ),
        (
            Response::json(200, r#"{"ok":false,"description":"odd"}"#),
            "channel.bad_response",
            false,
        ),
        (
            Response::json(200, r#"{"ok":true,"result":{"message_id":"x"}}"#),
            "channel.bad_response",
            false,
        ),
    ];
    for (resp, code, retryable) in cases {
        let what = String::from_utf8_lossy(&resp.body).into_owned();
        let s = always(resp);
        let started = Instant::now();
        let err = bot(&s).send_message(42, "hi").unwrap_err();
        assert_eq!(err.code(), code, "{what}: {err}");
        assert_eq!(err.retryable(), retryable, "{what}");
        assert!(started.elapsed() < Duration::from_secs(2), "{what}");
    }
    let s = always(api_error(403, "Forbidden: bot was blocked by the user", ""));
    let err = bot(&s).send_message(42, "hi").unwrap_err();
    assert!(err.to_string().contains("blocked by the user"), "{err}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let s = TestServer::start(|_| Response {
        delay: Duration::from_secs(4),
        ..ok(SENT)
    });
    let started = Instant::now();
    let err = bot(&s).send_message(42, "hi").unwrap_err();
    assert_eq!(err.code(), "channel.timeout", "{err}");
    assert!(err.retryable());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // A body that trickles in is bounded by the same timeout.
    let s = TestServer::start(|_| Response {
        slow_body: Some(Duration::from_millis(100)),
        ..ok(SENT)
    });
    let started = Instant::now();
    assert_eq!(
        bot(&s).send_message(42, "hi").unwrap_err().code(),
        "channel.timeout"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn nothing_listening_is_unavailable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c =
        TelegramConfig::new(Secret::new(TOKEN)).with_base_url(format!("http://127.0.0.1:{port}"));
    c.timeout = Duration::from_millis(800);
    let err = Telegram::new(c).unwrap().send_message(1, "hi").unwrap_err();
    assert_eq!(err.code(), "channel.unavailable", "{err}");
    assert!(err.retryable());
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[test]
fn the_token_never_shows() {
    let s = TestServer::start(|r| {
        // A hostile or buggy server echoing the request path back in its description.
        api_error(400, &format!("Bad Request: path {}", r.path), "")
    });
    let b = bot(&s);
    let mut shown = vec![
        format!("{:?}", config(&s)),
        format!("{b:?}"),
        format!("{:?}", AsyncTelegram::new(config(&s)).unwrap()),
    ];
    let mut errors = vec![
        b.send_message(42, "hi").unwrap_err(),
        b.get_file("x").unwrap_err(),
        b.get_updates(None, 1, Some(Duration::ZERO)).unwrap_err(),
    ];
    let slow = TestServer::start(|_| Response {
        delay: Duration::from_secs(3),
        ..ok("[]")
    });
    errors.push(bot(&slow).get_file("x").unwrap_err());
    let garbage = always(Response::json(200, "{{{"));
    errors.push(bot(&garbage).get_file("x").unwrap_err());
    let bad = TelegramConfig::new(Secret::new(format!("{TOKEN} ")));
    errors.push(bad.validate().unwrap_err());
    for e in &errors {
        shown.push(format!("{e}"));
        shown.push(format!("{e:?}"));
    }
    assert!(errors[0].to_string().contains("***"), "{}", errors[0]);
    for text in &shown {
        assert!(!text.contains(TOKEN), "token shown in {text}");
        assert!(!text.contains("SECRET_token"), "token part shown in {text}");
    }
}

/// Runs `f` on a current-thread runtime, the smallest a service could use.
fn run<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn async_client_on_the_callers_runtime() {
    let s = TestServer::start(|r| {
        if r.path == method_path("getUpdates") {
            ok(UPDATES)
        } else {
            api_error(403, "Forbidden: bot was blocked by the user", "")
        }
    });
    let b = AsyncTelegram::new(config(&s)).unwrap();
    let (updates, err) = run(async {
        let u = b.get_updates(None, 10, Some(Duration::ZERO)).await;
        let e = b.send_message(42, "hi").await;
        (u, e)
    });
    assert_eq!(updates.unwrap().len(), 6);
    assert_eq!(err.unwrap_err().code(), "channel.blocked");
}

#[test]
fn blocking_client_called_inside_an_async_runtime_still_answers() {
    let s = always(ok(SENT));
    let b = bot(&s);
    let sent = run(async { b.send_message(42, "hi") }).unwrap();
    assert_eq!(sent.message_id, 77);
    // And the facade can be dropped there too.
    run(async move { drop(b) });
}
