//! The async path of both providers (`AsyncVerifier`) against the same real 127.0.0.1 server as
//! `verify_http.rs`: a subset of its failure table under a tokio runtime, timeouts and the
//! slow-body deadline included, plus `Retry-After` as an HTTP date and the two paths side by side.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chek::Coded;
use chek::fiscal::{FiscalQr, Receipt};
use chek::verify::{
    AsyncVerifier, CheckApi, ClientConfig, FnsMobile, InvalidReason, Secret, Verifier,
    VerifyOutcome,
};
use chek_tests::fixture;
use chek_tests::http_server::{Request, Response, TestServer};

const SESSION: &str = "SESSION-abc123-secret";
const TOKEN: &str = "TOKEN-xyz789-secret";
const TICKET: &str = "6538c085f7938adb0627dedd";

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

/// Runs `f` to completion on a fresh current-thread runtime, the smallest a service could use.
fn run<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
        .block_on(f)
}

fn fns(s: &TestServer) -> FnsMobile {
    FnsMobile::new(&s.url(), Secret::new(SESSION), config()).unwrap_or_else(|e| panic!("{e}"))
}

fn checkapi(s: &TestServer) -> CheckApi {
    CheckApi::new(&s.url(), Secret::new(TOKEN), config()).unwrap_or_else(|e| panic!("{e}"))
}

fn qr_of(fixture_name: &str) -> FiscalQr {
    Receipt::from_fns_json(&fixture(fixture_name))
        .unwrap_or_else(|e| panic!("{fixture_name}: {e}"))
        .to_qr()
}

fn fns_server(ticket: impl Fn(&Request) -> Response + Send + Sync + 'static) -> TestServer {
    TestServer::start(move |r| {
        if r.method == "POST" && r.path == "/v2/ticket" {
            Response::json(
                200,
                format!(r#"{{"id":"{TICKET}","kind":"kkt","status":0}}"#),
            )
        } else if r.method == "GET" && r.path == format!("/v2/tickets/{TICKET}") {
            ticket(r)
        } else {
            Response::json(404, "{}")
        }
    })
}

#[test]
fn fns_fixture_verifies_through_a_trait_object() {
    let name = "fns/irkkt-ticket-2023-ozon.json";
    let body = fixture(name);
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    // Pending twice, then found: polling works with async sleeps.
    let server = fns_server(move |_| {
        if h.fetch_add(1, Ordering::SeqCst) < 2 {
            Response::json(200, format!(r#"{{"id":"{TICKET}","status":21}}"#))
        } else {
            Response::json(200, body.clone())
        }
    });
    let qr = qr_of(name);
    let v: Arc<dyn AsyncVerifier> = Arc::new(fns(&server));
    assert_eq!(v.name(), "fns");
    let o = run(v.verify_async(&qr));
    let r = o.receipt().unwrap_or_else(|| panic!("{o:?}"));
    assert_eq!(r.identity(), qr.identity());
    assert!(!r.items.is_empty());
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert_eq!(server.requests()[0].header("sessionid"), Some(SESSION));
}

#[test]
fn checkapi_fixture_verifies_async() {
    let name = "fns/proverkacheka-code1-2024-pyaterochka.json";
    let body = fixture(name);
    let server = TestServer::start(move |_| Response::json(200, body.clone()));
    let api = checkapi(&server);
    let o = run(api.verify_async(&qr_of(name)));
    assert_eq!(o.code(), "verify.verified", "{o:?}");
    let req = &server.requests()[0];
    assert!(req.body.contains(&format!("token={TOKEN}")), "{}", req.body);
}

#[test]
fn failures_map_to_the_same_outcomes_as_the_blocking_path() {
    let qr = qr_of("fns/irkkt-ticket-2023-ozon.json");
    let cases: Vec<(Response, &str)> = vec![
        (Response::json(401, "{}"), "verify.bad_credentials"),
        (Response::json(404, "{}"), "verify.provider_unavailable"),
        (
            Response::json(429, "{}").with_header("Retry-After", "3600"),
            "verify.rate_limited",
        ),
        (
            Response::typed(200, "text/html", "<html>Проверка</html>"),
            "verify.provider_unavailable",
        ),
        (Response::json(200, r#"{"code":2}"#), "verify.not_yet_known"),
        (
            Response::json(200, r#"{"code":0}"#),
            "verify.fiscal_data_rejected",
        ),
        (
            Response::json(200, &br#"{"code":1,"data":{"json":{"#[..]),
            "verify.provider_unavailable",
        ),
    ];
    for (resp, want) in cases {
        let r = resp.clone();
        let server = TestServer::start(move |_| r.clone());
        let api = checkapi(&server);
        let a = run(api.verify_async(&qr));
        assert_eq!(a.code(), want, "async {resp:?}: {a:?}");
        // The blocking facade runs the same protocol: same answer.
        let b = api.verify(&qr);
        assert_eq!(a, b, "{resp:?}");
        assert!(!format!("{a:?}").contains(TOKEN));
    }
}

#[test]
fn a_receipt_that_differs_from_the_qr_is_invalid_async() {
    let body = fixture("fns/irkkt-ticket-2023-lenta.json");
    let server = fns_server(move |_| Response::json(200, body.clone()));
    let mut qr = qr_of("fns/irkkt-ticket-2023-lenta.json");
    qr.fp = qr.fp.wrapping_add(1);
    let o = run(fns(&server).verify_async(&qr));
    assert_eq!(
        o,
        VerifyOutcome::Invalid {
            reason: InvalidReason::QrMismatch
        }
    );
}

#[test]
fn server_errors_are_retried_with_backoff_async() {
    let server = TestServer::start(|_| Response::typed(502, "text/plain", "bad gateway"));
    let t = Instant::now();
    let o = run(checkapi(&server).verify_async(&qr_of("fns/irkkt-ticket-2023-ozon.json")));
    let took = t.elapsed();
    assert_eq!(o.code(), "verify.provider_unavailable", "{o:?}");
    assert_eq!(server.requests().len(), 3);
    assert!(took >= Duration::from_millis(30), "{took:?}");
}

#[test]
fn a_server_that_never_answers_times_out_async() {
    let server = TestServer::start(|_| Response {
        delay: Duration::from_secs(3),
        ..Response::json(200, "{}")
    });
    let t = Instant::now();
    let o = run(checkapi(&server).verify_async(&qr_of("fns/irkkt-ticket-2023-ozon.json")));
    let took = t.elapsed();
    match &o {
        VerifyOutcome::ProviderUnavailable { detail } => {
            assert!(detail.contains("timed out"), "{detail}")
        }
        o => panic!("{o:?}"),
    }
    assert!(took < Duration::from_secs(4), "{took:?}");
    eprintln!("async timeouts: gave up in {took:?}");
}

#[test]
fn a_slow_body_times_out_async() {
    let full = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let len = full.len();
    let head = full.as_bytes()[..60].to_vec();
    let server = TestServer::start(move |_| Response {
        slow_body: Some(Duration::from_millis(100)),
        claimed_length: Some(len),
        ..Response::json(200, head.clone())
    });
    let t = Instant::now();
    let o = run(
        checkapi(&server).verify_async(&qr_of("fns/proverkacheka-code1-2024-pyaterochka.json"))
    );
    let took = t.elapsed();
    match &o {
        VerifyOutcome::ProviderUnavailable { detail } => {
            assert!(detail.contains("timed out"), "{detail}")
        }
        o => panic!("{o:?}"),
    }
    // 3 tries × 0.7 s deadline + backoffs; a client waiting for the body would take 18 s.
    assert!(took < Duration::from_secs(4), "{took:?}");
    eprintln!("async slow body: gave up in {took:?}");
}

#[test]
fn retry_after_as_an_http_date_is_counted_from_the_response_date() {
    // An hour after the server's own Date, whatever the local clock says.
    let server = TestServer::start(|_| {
        Response::json(429, "{}")
            .with_header("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
            .with_header("Retry-After", "Sun, 06 Nov 1994 09:49:37 GMT")
    });
    let qr = qr_of("fns/irkkt-ticket-2023-ozon.json");
    let api = checkapi(&server);
    let want = VerifyOutcome::RateLimited {
        retry_after_secs: Some(3600),
    };
    assert_eq!(run(api.verify_async(&qr)), want);
    assert_eq!(api.verify(&qr), want);
    assert_eq!(server.requests().len(), 2, "a long wait is not waited out");
}

#[test]
fn a_short_retry_after_date_is_waited_out() {
    let name = "fns/proverkacheka-code1-2024-pyaterochka.json";
    let body = fixture(name);
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| {
        if h.fetch_add(1, Ordering::SeqCst) == 0 {
            Response::json(429, "{}")
                .with_header("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
                .with_header("Retry-After", "Sun, 06 Nov 1994 08:49:38 GMT")
        } else {
            Response::json(200, body.clone())
        }
    });
    let t = Instant::now();
    let o = run(checkapi(&server).verify_async(&qr_of(name)));
    let took = t.elapsed();
    assert_eq!(o.code(), "verify.verified", "{o:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    assert!(
        took >= Duration::from_secs(1),
        "Retry-After honoured, took {took:?}"
    );
}

#[test]
fn concurrency_is_limited_across_tasks() {
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
    let outcomes = run(async {
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (api, qr) = (api.clone(), qr.clone());
                tokio::spawn(async move { api.verify_async(&qr).await })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap_or_else(|e| panic!("{e}")));
        }
        out
    });
    assert!(outcomes.iter().all(|o| *o == VerifyOutcome::NotYetKnown));
    assert_eq!(server.requests().len(), 6);
    assert!(
        peak.load(Ordering::SeqCst) <= 2,
        "peak {}",
        peak.load(Ordering::SeqCst)
    );
    assert!(peak.load(Ordering::SeqCst) >= 2, "tasks ran concurrently");
}

#[test]
fn the_blocking_facade_inside_a_runtime_does_not_panic() {
    let body = fixture("fns/proverkacheka-code1-2024-pyaterochka.json");
    let server = TestServer::start(move |_| Response::json(200, body.clone()));
    let qr = qr_of("fns/proverkacheka-code1-2024-pyaterochka.json");
    // Built, used blocking, and dropped inside async code.
    let o = run(async {
        let api = checkapi(&server);
        api.verify(&qr)
    });
    assert_eq!(o.code(), "verify.verified", "{o:?}");
}
