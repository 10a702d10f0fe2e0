//! The two verification providers against a real HTTP server on 127.0.0.1, serving the recorded
//! ФНС fixtures and every failure a service meets. Each case must end in its outcome quickly.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chek::Coded;
use chek::fiscal::{FiscalQr, Receipt};
use chek::verify::{
    CheckApi, ClientConfig, FnsMobile, InvalidReason, Secret, Verifier, VerifyOutcome,
};
use chek_tests::fixture;
use chek_tests::http_server::{Request, Response, TestServer};

const SESSION: &str = "SESSION-abc123-secret";
const TOKEN: &str = "TOKEN-xyz789-secret";

fn config() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_millis(700),
        max_retries: 2,
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(80),
        retry_after_cap: Duration::from_secs(1),
        max_concurrent: 4,
        max_body_bytes: 256 * 1024,
        poll_interval: Duration::from_millis(20),
        poll_attempts: 3,
    }
}

fn fns(s: &TestServer) -> FnsMobile {
    FnsMobile::new(&s.url(), Secret::new(SESSION), config()).unwrap_or_else(|e| panic!("{e}"))
}

fn checkapi(s: &TestServer) -> CheckApi {
    CheckApi::new(&s.url(), Secret::new(TOKEN), config()).unwrap_or_else(|e| panic!("{e}"))
}

/// The QR of a fixture's receipt: what a shopper would have scanned.
fn qr_of(fixture_name: &str) -> FiscalQr {
    Receipt::from_fns_json(&fixture(fixture_name))
        .unwrap_or_else(|e| panic!("{fixture_name}: {e}"))
        .to_qr()
}

fn ticket_id() -> &'static str {
    "6538c085f7938adb0627dedd"
}

/// A ФНС server: `POST /v2/ticket` gives an id, `GET /v2/tickets/{id}` answers `ticket`.
fn fns_server(ticket: impl Fn(&Request) -> Response + Send + Sync + 'static) -> TestServer {
    TestServer::start(move |r| {
        if r.method == "POST" && r.path == "/v2/ticket" {
            Response::json(
                200,
                format!(r#"{{"id":"{}","kind":"kkt","status":0}}"#, ticket_id()),
            )
        } else if r.method == "GET" && r.path == format!("/v2/tickets/{}", ticket_id()) {
            ticket(r)
        } else {
            Response::json(404, "{}")
        }
    })
}

fn assert_no_secret(o: &VerifyOutcome) {
    let dbg = format!("{o:?}");
    assert!(!dbg.contains(SESSION) && !dbg.contains(TOKEN), "{dbg}");
}

#[test]
fn fns_fixtures_verify_with_items() {
    for name in [
        "fns/irkkt-ticket-2023-ozon.json",
        "fns/irkkt-ticket-2023-lenta.json",
        "fns/irkkt-ticket-2020-lenta.json",
    ] {
        let body = fixture(name);
        let server = fns_server(move |_| Response::json(200, body.clone()));
        let qr = qr_of(name);
        let o = fns(&server).verify(&qr);
        let r = o.receipt().unwrap_or_else(|| panic!("{name}: {o:?}"));
        assert_eq!(r.identity(), qr.identity(), "{name}");
        assert!(!r.items.is_empty(), "{name}: no items");
        assert_eq!(o.code(), "verify.verified");
        let reqs = server.requests();
        assert_eq!(reqs[0].method, "POST");
        assert_eq!(reqs[0].header("sessionid"), Some(SESSION));
        let sent: serde_json::Value =
            serde_json::from_str(&reqs[0].body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent["qr"], qr.to_string());
    }
}

#[test]
fn fns_polls_until_the_status_is_final() {
    let name = "fns/irkkt-ticket-2023-ozon.json";
    let body = fixture(name);
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = fns_server(move |_| {
        if h.fetch_add(1, Ordering::SeqCst) < 2 {
            Response::json(200, r#"{"id":"6538c085f7938adb0627dedd","status":21}"#)
        } else {
            Response::json(200, body.clone())
        }
    });
    let o = fns(&server).verify(&qr_of(name));
    assert_eq!(o.code(), "verify.verified", "{o:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[test]
fn fns_pending_past_the_poll_budget_is_not_yet_known() {
    let server = fns_server(|_| Response::json(200, r#"{"id":"x","status":0}"#));
    let o = fns(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o, VerifyOutcome::NotYetKnown);
    // One POST and exactly `poll_attempts` GETs: polling is bounded.
    assert_eq!(server.requests().len(), 1 + 3);
}

#[test]
fn fns_status_groups_map_to_outcomes() {
    for (status, want) in [
        (8, "verify.fiscal_data_rejected"),
        (10, "verify.fiscal_data_rejected"),
        (12, "verify.standalone_kkt"),
        (15, "verify.standalone_kkt"),
        (5, "verify.not_retrievable"),
        (422, "verify.not_retrievable"),
        (3, "verify.not_yet_known"),
    ] {
        let server = fns_server(move |_| Response::json(200, format!(r#"{{"status":{status}}}"#)));
        let o = fns(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
        assert_eq!(o.code(), want, "status {status}: {o:?}");
    }
}

#[test]
fn fns_ticket_not_found_is_not_yet_known() {
    let server = fns_server(|_| Response::json(404, r#"{"message":"not found"}"#));
    let o = fns(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o, VerifyOutcome::NotYetKnown);
}

#[test]
fn fns_refused_session_is_bad_credentials() {
    let server = TestServer::start(|_| Response::json(401, r#"{"message":"unauthorized"}"#));
    let o = fns(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o, VerifyOutcome::BadCredentials);
    assert_eq!(server.requests().len(), 1, "401 is not retried");
}

#[test]
fn fns_daily_limit_is_rate_limited_with_retry_after() {
    let server = TestServer::start(|_| {
        Response::json(429, r#"{"message":"daily limit"}"#).with_header("Retry-After", "3600")
    });
    let o = fns(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(
        o,
        VerifyOutcome::RateLimited {
            retry_after_secs: Some(3600)
        }
    );
    assert_eq!(
        server.requests().len(),
        1,
        "a long Retry-After is not waited out"
    );
    assert!(!o.counts_as_attempt());
}

#[test]
fn short_retry_after_is_waited_out_then_succeeds() {
    let name = "fns/irkkt-ticket-2023-ozon.json";
    let body = fixture(name);
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = fns_server(move |_| {
        if h.fetch_add(1, Ordering::SeqCst) == 0 {
            Response::json(429, "{}").with_header("Retry-After", "1")
        } else {
            Response::json(200, body.clone())
        }
    });
    let t = Instant::now();
    let o = fns(&server).verify(&qr_of(name));
    let took = t.elapsed();
    assert_eq!(o.code(), "verify.verified", "{o:?}");
    assert!(
        took >= Duration::from_secs(1),
        "Retry-After: 1 honoured, took {took:?}"
    );
    eprintln!("retry after 1 s: verified in {took:?}");
}

#[test]
fn server_errors_are_retried_a_bounded_number_of_times() {
    for status in [500, 502] {
        let server = TestServer::start(move |_| Response::typed(status, "text/plain", "oops"));
        let t = Instant::now();
        let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
        let took = t.elapsed();
        assert_eq!(o.code(), "verify.provider_unavailable", "{status}: {o:?}");
        // 1 try + max_retries (2).
        assert_eq!(server.requests().len(), 3, "{status}");
        // Two jittered backoffs: 10–20 ms then 20–40 ms.
        assert!(took >= Duration::from_millis(30), "{status}: {took:?}");
        eprintln!("HTTP {status}: 3 tries in {took:?}");
        assert_no_secret(&o);
    }
}

#[test]
fn transient_error_then_success_recovers() {
    let name = "fns/proverkacheka-code1-2024-pyaterochka.json";
    let body = fixture(name);
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| {
        if h.fetch_add(1, Ordering::SeqCst) == 0 {
            Response::typed(502, "text/html", "<html>Bad Gateway</html>")
        } else {
            Response::json(200, body.clone())
        }
    });
    let o = checkapi(&server).verify(&qr_of(name));
    assert_eq!(o.code(), "verify.verified", "{o:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = TestServer::start(|_| Response {
        delay: Duration::from_secs(3),
        ..Response::json(200, "{}")
    });
    let t = Instant::now();
    let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    let took = t.elapsed();
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
    if let VerifyOutcome::ProviderUnavailable { detail } = &o {
        assert!(detail.contains("timed out"), "{detail}");
    }
    // 3 tries × 0.7 s total timeout + backoffs, well under the server's 3 s per answer × 3.
    assert!(took < Duration::from_secs(4), "{took:?}");
    eprintln!("timeouts: gave up in {took:?}");
}

#[test]
fn a_slow_body_times_out() {
    // 60 bytes at 100 ms each of a longer announced body: 6 s per try if the client waited.
    let full = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let len = full.len();
    let head = full.as_bytes()[..60].to_vec();
    let server = TestServer::start(move |_| Response {
        slow_body: Some(Duration::from_millis(100)),
        claimed_length: Some(len),
        ..Response::json(200, head.clone())
    });
    let t = Instant::now();
    let o = checkapi(&server).verify(&qr_of("fns/proverkacheka-code1-2024-pyaterochka.json"));
    let took = t.elapsed();
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
    if let VerifyOutcome::ProviderUnavailable { detail } = &o {
        assert!(detail.contains("timed out"), "{detail}");
    }
    // 3 tries × (0.7 s deadline + one 100 ms gap) + backoffs.
    assert!(took < Duration::from_secs(4), "{took:?}");
    eprintln!("slow body: gave up in {took:?}");
}

#[test]
fn truncated_json_is_provider_unavailable() {
    let full = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let half = full.as_bytes()[..full.len() / 2].to_vec();
    let server = TestServer::start(move |_| Response::json(200, half.clone()));
    let o = checkapi(&server).verify(&qr_of("fns/proverkacheka-code1-2024-pyaterochka.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
}

#[test]
fn a_body_cut_off_before_its_content_length_is_provider_unavailable() {
    let full = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let len = full.len();
    let half = full.as_bytes()[..len / 2].to_vec();
    let server = TestServer::start(move |_| Response {
        claimed_length: Some(len),
        ..Response::json(200, half.clone())
    });
    let o = checkapi(&server).verify(&qr_of("fns/proverkacheka-code1-2024-pyaterochka.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
}

#[test]
fn html_instead_of_json_is_provider_unavailable() {
    let server = TestServer::start(|_| {
        Response::typed(
            200,
            "text/html; charset=utf-8",
            "<html><body>Проверка чеков</body></html>",
        )
    });
    let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
}

#[test]
fn json_under_a_wrong_content_type_is_provider_unavailable() {
    let body = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let server = TestServer::start(move |_| Response::typed(200, "text/plain", body.clone()));
    let o = checkapi(&server).verify(&qr_of("fns/proverkacheka-code1-2024-pyaterochka.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
}

#[test]
fn a_huge_body_is_refused_without_reading_it_all() {
    let server = TestServer::start(|_| Response::json(200, vec![b' '; 1024 * 1024]));
    let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
    assert_eq!(server.requests().len(), 1, "too large is not retried");
}

#[test]
fn a_receipt_that_differs_from_the_qr_is_invalid() {
    let name = "fns/proverkacheka-code1-2025-yandex-market.json";
    let body = fixture(name);
    let server = TestServer::start(move |_| Response::json(200, body.clone()));
    let mut qr = qr_of(name);
    qr.total_kopecks += 100;
    let o = checkapi(&server).verify(&qr);
    assert_eq!(
        o,
        VerifyOutcome::Invalid {
            reason: InvalidReason::QrMismatch
        }
    );
    // The same through the ФНС provider.
    let body = fixture("fns/irkkt-ticket-2023-lenta.json");
    let server = fns_server(move |_| Response::json(200, body.clone()));
    let mut qr = qr_of("fns/irkkt-ticket-2023-lenta.json");
    qr.fp = qr.fp.wrapping_add(1);
    assert_eq!(fns(&server).verify(&qr).code(), "verify.qr_mismatch");
}

#[test]
fn checkapi_fixtures_verify_and_send_the_token_in_the_form() {
    for name in [
        "fns/proverkacheka-code1-2024-pyaterochka.json",
        "fns/proverkacheka-code1-2025-yandex-market.json",
    ] {
        let body = fixture(name);
        let server = TestServer::start(move |r| {
            if r.path == "/api/v1/check/get" && r.method == "POST" {
                Response::json(200, body.clone())
            } else {
                Response::json(404, "{}")
            }
        });
        let qr = qr_of(name);
        let o = checkapi(&server).verify(&qr);
        let r = o.receipt().unwrap_or_else(|| panic!("{name}: {o:?}"));
        assert!(!r.items.is_empty());
        let req = &server.requests()[0];
        assert_eq!(
            req.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(req.body.contains(&format!("token={TOKEN}")), "{}", req.body);
        assert!(req.body.contains("qrraw=t%3D"), "{}", req.body);
    }
}

#[test]
fn checkapi_codes_map_to_outcomes() {
    let limit = fixture("fns/proverkacheka-code3-limit.json");
    for (body, want) in [
        (
            r#"{"code":0,"data":"Чек некорректен"}"#.to_owned(),
            "verify.fiscal_data_rejected",
        ),
        (
            r#"{"code":2,"data":"Данные чека пока не получены"}"#.to_owned(),
            "verify.not_yet_known",
        ),
        (limit, "verify.rate_limited"),
        (
            r#"{"code":4,"data":"Ожидание"}"#.to_owned(),
            "verify.rate_limited",
        ),
        (
            r#"{"code":5,"data":"Прочее"}"#.to_owned(),
            "verify.provider_unavailable",
        ),
        (r#"{"code":77}"#.to_owned(), "verify.provider_unavailable"),
        (
            r#"{"nothing":true}"#.to_owned(),
            "verify.provider_unavailable",
        ),
    ] {
        let b = body.clone();
        let server = TestServer::start(move |_| Response::json(200, b.clone()));
        let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
        assert_eq!(o.code(), want, "{body}: {o:?}");
    }
}

/// A rate limit that outlasts the waiting budget is a rate-limited outcome (with its
/// Retry-After), not "provider unavailable", and its waits spend none of the retries.
#[test]
fn repeated_429_with_retry_after_stays_rate_limited() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| {
        h.fetch_add(1, Ordering::SeqCst);
        Response::json(429, r#"{"code":3,"data":"too many requests"}"#)
            .with_header("Retry-After", "1")
    });
    let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(
        o,
        VerifyOutcome::RateLimited {
            retry_after_secs: Some(1)
        },
        "{o:?}"
    );
    assert_eq!(o.code(), "verify.rate_limited");
    assert!(!o.counts_as_attempt());
    // One wait of 1 s fits the 1 s cap; the second 429 is the answer.
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    // A server that is down after a rate limit still gets all its retries.
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| {
        if h.fetch_add(1, Ordering::SeqCst) == 0 {
            Response::json(429, "{}").with_header("Retry-After", "1")
        } else {
            Response::json(503, "{}")
        }
    });
    let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1 + 3, "the 429 spent no retry");
}

#[test]
fn checkapi_statuses_map_to_outcomes() {
    for (status, want) in [
        (401, "verify.bad_credentials"),
        (403, "verify.bad_credentials"),
        (404, "verify.provider_unavailable"),
        (429, "verify.rate_limited"),
    ] {
        let server = TestServer::start(move |_| Response::json(status, "{}"));
        let o = checkapi(&server).verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
        assert_eq!(o.code(), want, "{status}: {o:?}");
        assert_no_secret(&o);
    }
}

#[test]
fn a_closed_port_is_provider_unavailable() {
    let url = {
        let s = TestServer::start(|_| Response::json(200, "{}"));
        s.url()
    };
    let api = CheckApi::new(&url, Secret::new(TOKEN), config()).unwrap_or_else(|e| panic!("{e}"));
    let o = api.verify(&qr_of("fns/irkkt-ticket-2023-ozon.json"));
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
}

#[test]
fn concurrency_is_limited() {
    let inflight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (i, p) = (inflight.clone(), peak.clone());
    let server = TestServer::start(move |_| {
        let now = i.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        i.fetch_sub(1, Ordering::SeqCst);
        Response::json(200, r#"{"code":2}"#)
    });
    let api = Arc::new(
        CheckApi::new(
            &server.url(),
            Secret::new(TOKEN),
            ClientConfig {
                max_concurrent: 2,
                ..config()
            },
        )
        .unwrap_or_else(|e| panic!("{e}")),
    );
    let qr = qr_of("fns/irkkt-ticket-2023-ozon.json");
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (api, qr) = (api.clone(), qr.clone());
            std::thread::spawn(move || api.verify(&qr))
        })
        .collect();
    for t in threads {
        let o = t.join().unwrap_or_else(|_| panic!("verify panicked"));
        assert_eq!(o, VerifyOutcome::NotYetKnown);
    }
    assert_eq!(server.requests().len(), 6);
    assert!(
        peak.load(Ordering::SeqCst) <= 2,
        "peak {}",
        peak.load(Ordering::SeqCst)
    );
}

#[test]
fn credentials_never_show_in_debug_output() {
    let server = TestServer::start(|_| Response::json(200, "{}"));
    let f = fns(&server);
    let c = checkapi(&server);
    for dbg in [format!("{f:?}"), format!("{c:?}")] {
        assert!(!dbg.contains(SESSION) && !dbg.contains(TOKEN), "{dbg}");
        assert!(dbg.contains("Secret(***)"), "{dbg}");
    }
}
