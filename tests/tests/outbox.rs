//! The outbox (chek-store) on both backends: SQLite (a fresh file per test) and PostgreSQL (a
//! fresh database per test on `CHEK_TEST_PG_URL`, since the outbox is not scoped by campaign;
//! skipped loudly when unset). Once per key, leases, fencing, takeover after a crash, retries,
//! delivery reports, concurrent dispatchers, hostile input, and messages written in the same
//! transaction as the engagement step that caused them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use chek::Coded;
use chek_store::{
    Finish, Ledger, MAX_BODY, MAX_CLAIM, NewMessage, OutboxCounts, OutboxStatus, StoreError,
};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

const MINUTE: Duration = Duration::from_secs(60);

/// Every backend this run can reach: `(target, ledger)`.
fn backends(tag: &str) -> Vec<(String, Ledger)> {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!(
        "outbox-{tag}-{}-{}.sqlite",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let sqlite = file.to_string_lossy().into_owned();
    let mut out = vec![(sqlite.clone(), Ledger::open(&sqlite).unwrap())];
    if let Some(url) = chek_tests::fresh_pg_database(&format!("outbox_{tag}")) {
        out.push((url.clone(), Ledger::open(&url).unwrap()));
    }
    out
}

fn msg(key: &str, body: &str, due: NaiveDateTime) -> NewMessage {
    NewMessage::new(key, "telegram", "tg:42", body, due)
}

fn code(e: &StoreError) -> &'static str {
    e.code()
}

#[test]
fn a_key_is_enqueued_once_and_never_reused_for_another_message() {
    for (target, l) in backends("once") {
        let first = l
            .outbox_enqueue(&msg("k1", "Чек принят", t0()), t0())
            .unwrap();
        assert!(first.created, "{target}");
        assert_eq!(first.status, OutboxStatus::Queued);
        let again = l
            .outbox_enqueue(&msg("k1", "Чек принят", t0()), t0() + secs(5))
            .unwrap();
        assert_eq!((again.id, again.created), (first.id, false), "{target}");
        let other = l
            .outbox_enqueue(&msg("k1", "Чек отклонён", t0()), t0())
            .unwrap_err();
        assert_eq!(code(&other), "store.conflict", "{target}: {other}");
        let stored = l.outbox_get("k1").unwrap().unwrap();
        assert_eq!(stored.body, "Чек принят");
        assert_eq!(stored.created_at, t0());
        assert_eq!(stored.attempts, 0);
        assert!(l.outbox_get("k2").unwrap().is_none());
        // A finished message is still the key's message: enqueueing it again sends nothing.
        let m = l.outbox_claim(t0(), 10, MINUTE).unwrap().remove(0);
        assert!(
            l.outbox_finish(m.id, m.attempts, &Finish::Sent { provider_id: None }, t0())
                .unwrap()
        );
        let after = l
            .outbox_enqueue(&msg("k1", "Чек принят", t0()), t0())
            .unwrap();
        assert_eq!(
            (after.created, after.status),
            (false, OutboxStatus::Sent),
            "{target}"
        );
        assert!(
            l.outbox_claim(t0() + secs(3600), 10, MINUTE)
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn claims_take_due_messages_in_order_under_a_lease_and_finishing_is_fenced() {
    for (target, l) in backends("claim") {
        l.outbox_enqueue(&msg("later", "b", t0() + secs(30)), t0())
            .unwrap();
        l.outbox_enqueue(&msg("second", "b", t0() - secs(10)), t0())
            .unwrap();
        l.outbox_enqueue(&msg("first", "a", t0() - secs(20)), t0())
            .unwrap();
        let batch = l.outbox_claim(t0(), 10, MINUTE).unwrap();
        let keys: Vec<&str> = batch.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            ["first", "second"],
            "{target}: oldest due first, none early"
        );
        for m in &batch {
            assert_eq!(m.status, OutboxStatus::Sending);
            assert_eq!(m.attempts, 1);
            assert!(!m.in_doubt);
            assert_eq!(m.lease_until, Some(t0() + secs(60)));
        }
        // Leased: nobody else gets them, even a claim just before the lease ends.
        let more = l.outbox_claim(t0() + secs(59), 10, MINUTE).unwrap();
        assert_eq!(
            more.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
            ["later"],
            "{target}"
        );
        let first = &batch[0];
        // A stale attempt number changes nothing.
        let stale = l
            .outbox_finish(first.id, 7, &Finish::Sent { provider_id: None }, t0())
            .unwrap();
        assert!(!stale, "{target}");
        let sent = Finish::Sent {
            provider_id: Some("501".into()),
        };
        assert!(l.outbox_finish(first.id, 1, &sent, t0() + secs(1)).unwrap());
        // Finished once: the same call again is stale.
        assert!(!l.outbox_finish(first.id, 1, &sent, t0() + secs(2)).unwrap());
        let stored = l.outbox_get("first").unwrap().unwrap();
        assert_eq!(stored.status, OutboxStatus::Sent);
        assert_eq!(stored.provider_id.as_deref(), Some("501"));
        assert_eq!(stored.finished_at, Some(t0() + secs(1)));
        assert_eq!(stored.lease_until, None);
    }
}

#[test]
fn a_dead_dispatchers_messages_are_taken_over_in_doubt_and_its_late_result_is_refused() {
    for (target, l) in backends("takeover") {
        l.outbox_enqueue(&msg("k", "text", t0()), t0()).unwrap();
        let dead = l.outbox_claim(t0(), 10, MINUTE).unwrap().remove(0);
        // The lease runs out: a new dispatcher takes the row over.
        let taken = l.outbox_claim(t0() + secs(60), 10, MINUTE).unwrap();
        assert_eq!(taken.len(), 1, "{target}");
        let m = &taken[0];
        assert_eq!(
            (m.id, m.attempts, m.in_doubt, m.takeovers),
            (dead.id, 2, true, 1),
            "{target}"
        );
        // The first dispatcher wakes up and reports: too late, the row is not its own.
        let late = l
            .outbox_finish(
                dead.id,
                dead.attempts,
                &Finish::Failed { error: "x".into() },
                t0(),
            )
            .unwrap();
        assert!(!late, "{target}");
        assert!(
            l.outbox_finish(m.id, m.attempts, &Finish::Sent { provider_id: None }, t0())
                .unwrap()
        );
        assert_eq!(
            l.outbox_get("k").unwrap().unwrap().status,
            OutboxStatus::Sent
        );
    }
}

#[test]
fn a_retry_waits_for_its_time_and_keeps_the_error() {
    for (target, l) in backends("retry") {
        l.outbox_enqueue(&msg("k", "text", t0()), t0()).unwrap();
        let m = l.outbox_claim(t0(), 1, MINUTE).unwrap().remove(0);
        let retry = Finish::Retry {
            at: t0() + secs(30),
            error: "channel.rate_limited".into(),
        };
        assert!(l.outbox_finish(m.id, m.attempts, &retry, t0()).unwrap());
        let stored = l.outbox_get("k").unwrap().unwrap();
        assert_eq!(stored.status, OutboxStatus::Queued, "{target}");
        assert_eq!(stored.due_at, t0() + secs(30));
        assert_eq!(stored.last_error.as_deref(), Some("channel.rate_limited"));
        assert_eq!(stored.finished_at, None);
        assert!(
            l.outbox_claim(t0() + secs(29), 1, MINUTE)
                .unwrap()
                .is_empty()
        );
        let again = l
            .outbox_claim(t0() + secs(30), 1, MINUTE)
            .unwrap()
            .remove(0);
        assert_eq!(
            (again.attempts, again.in_doubt, again.takeovers),
            (2, false, 0),
            "{target}"
        );
        // An error far longer than kept is cut, on a character boundary.
        let long = "ошибка ".repeat(1000);
        let failed = Finish::Failed { error: long };
        assert!(
            l.outbox_finish(again.id, 2, &failed, t0() + secs(31))
                .unwrap()
        );
        let stored = l.outbox_get("k").unwrap().unwrap();
        assert_eq!(stored.status, OutboxStatus::Failed);
        let kept = stored.last_error.unwrap();
        assert!(kept.len() <= chek_store::MAX_ERROR && kept.starts_with("ошибка"));
    }
}

#[test]
fn delivery_reports_counts_and_lists() {
    for (target, l) in backends("delivery") {
        for k in 0..4 {
            l.outbox_enqueue(&msg(&format!("k{k}"), "text", t0()), t0())
                .unwrap();
        }
        let batch = l.outbox_claim(t0(), 3, MINUTE).unwrap();
        assert_eq!(batch.len(), 3);
        let ends = [
            Finish::Sent {
                provider_id: Some("p-0".into()),
            },
            Finish::Skipped {
                reason: "notify.quiet_hours".into(),
            },
            Finish::Failed {
                error: "channel.blocked".into(),
            },
        ];
        for (m, how) in batch.iter().zip(&ends) {
            assert!(l.outbox_finish(m.id, m.attempts, how, t0()).unwrap());
        }
        assert!(
            l.outbox_delivery("telegram", "p-0", "delivered").unwrap(),
            "{target}"
        );
        assert!(
            !l.outbox_delivery("sms", "p-0", "delivered").unwrap(),
            "another channel"
        );
        assert_eq!(
            l.outbox_get("k0").unwrap().unwrap().delivery.as_deref(),
            Some("delivered")
        );
        assert_eq!(
            l.outbox_counts().unwrap(),
            OutboxCounts {
                queued: 1,
                sending: 0,
                sent: 1,
                failed: 1,
                skipped: 1
            },
            "{target}"
        );
        let skipped = l.outbox_list(Some(OutboxStatus::Skipped), 10).unwrap();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].last_error.as_deref(), Some("notify.quiet_hours"));
        let all = l.outbox_list(None, 10).unwrap();
        assert_eq!(
            all.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
            ["k0", "k1", "k2", "k3"]
        );
        assert_eq!(l.outbox_list(None, 2).unwrap().len(), 2);
    }
}

/// Six dispatchers, each with a ledger handle of its own (its own connections, as separate
/// processes would have), claim 300 messages in small batches: each message is claimed once.
#[test]
fn concurrent_dispatchers_never_claim_the_same_message() {
    const N: usize = 300;
    for (target, l) in backends("concurrent") {
        for k in 0..N {
            l.outbox_enqueue(&msg(&format!("m{k:04}"), "text", t0()), t0())
                .unwrap();
        }
        let seen = Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..6)
            .map(|_| {
                let (target, seen) = (target.clone(), Arc::clone(&seen));
                thread::spawn(move || {
                    let l = Ledger::open(&target).unwrap();
                    loop {
                        let batch = l.outbox_claim(t0(), 7, Duration::from_secs(600)).unwrap();
                        if batch.is_empty() {
                            break;
                        }
                        for m in batch {
                            let sent = Finish::Sent {
                                provider_id: Some(format!("p-{}", m.id)),
                            };
                            assert!(l.outbox_finish(m.id, m.attempts, &sent, t0()).unwrap());
                            seen.lock().unwrap().push(m.key);
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        let seen = seen.lock().unwrap();
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), N, "{target}: claimed {} times", seen.len());
        assert_eq!(unique.len(), N, "{target}");
        assert_eq!(l.outbox_counts().unwrap().sent, N as u64, "{target}");
    }
}

#[test]
fn hostile_input_is_refused_with_a_code() {
    for (target, l) in backends("hostile") {
        let bad = [
            msg("", "text", t0()),
            msg("k\n1", "text", t0()),
            msg(&"k".repeat(513), "text", t0()),
            msg("k", "", t0()),
            msg("k", "a\0b", t0()),
            msg("k", &"я".repeat(MAX_BODY), t0()),
            NewMessage::new("k", "", "tg:1", "text", t0()),
            NewMessage::new("k", "telegram", "", "text", t0()),
            NewMessage::new("k", "telegram", "tg:1\r", "text", t0()),
        ];
        for m in &bad {
            let e = l.outbox_enqueue(m, t0()).unwrap_err();
            assert_eq!(code(&e), "store.invalid", "{target}: {m:?}");
        }
        for (limit, lease) in [
            (0, MINUTE),
            (MAX_CLAIM + 1, MINUTE),
            (1, Duration::ZERO),
            (1, Duration::from_secs(3601)),
        ] {
            let e = l.outbox_claim(t0(), limit, lease).unwrap_err();
            assert_eq!(code(&e), "store.invalid", "{target}: {limit} {lease:?}");
        }
        assert_eq!(code(&l.outbox_list(None, 0).unwrap_err()), "store.invalid");
        assert_eq!(code(&l.outbox_get("").unwrap_err()), "store.invalid");
        assert_eq!(
            code(&l.outbox_delivery("sms", "", "delivered").unwrap_err()),
            "store.invalid"
        );
        assert_eq!(
            code(&"bogus".parse::<OutboxStatus>().unwrap_err()),
            "store.invalid"
        );
        // A claim at the end of time is refused, not overflowed.
        let e = l.outbox_claim(NaiveDateTime::MAX, 1, MINUTE).unwrap_err();
        assert_eq!(code(&e), "store.invalid");
        assert_eq!(
            l.outbox_counts().unwrap(),
            OutboxCounts::default(),
            "{target}"
        );
    }
}

#[test]
fn a_row_with_an_unknown_status_is_reported_corrupt() {
    let (target, l) = backends("corrupt").remove(0);
    l.outbox_enqueue(&msg("k", "text", t0()), t0()).unwrap();
    let conn = rusqlite::Connection::open(&target).unwrap();
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON; UPDATE outbox SET status = 'lost' WHERE key = 'k';",
    )
    .unwrap();
    assert_eq!(code(&l.outbox_get("k").unwrap_err()), "store.corrupt");
    assert_eq!(code(&l.outbox_counts().unwrap_err()), "store.corrupt");
}

/// An operator reply is recorded in the case and queued in one transaction: when the message
/// cannot be queued, the event is not recorded either.
#[test]
fn a_care_reply_and_its_message_commit_together() {
    use chek::engage::care::CaseFile;
    for (target, l) in backends("care") {
        let f = CaseFile::parse(
            r#"{"case": "C-1", "events": [
            {"kind": "message", "at": "2026-09-20T09:00:00", "channel": "telegram",
             "from": "42", "text": "Где приз?"}]}"#,
        )
        .unwrap();
        let ev = &f.events[0];
        l.outbox_enqueue(&msg("care:C-1:r1", "Другой текст", t0()), t0())
            .unwrap();
        let clash = msg("care:C-1:r1", "Приз отправлен", t0());
        let e = l
            .care_record_sending("C-1", "ev-1", ev, std::slice::from_ref(&clash), t0())
            .unwrap_err();
        assert_eq!(code(&e), "store.conflict", "{target}");
        assert!(
            l.care_case("C-1").unwrap().is_none(),
            "{target}: rolled back"
        );
        let reply = msg("care:C-1:r2", "Приз отправлен", t0());
        let first = l
            .care_record_sending("C-1", "ev-1", ev, std::slice::from_ref(&reply), t0())
            .unwrap();
        assert!(!first.replayed);
        assert_eq!(l.care_case("C-1").unwrap().unwrap().case.events, 1);
        assert_eq!(
            l.outbox_get("care:C-1:r2").unwrap().unwrap().body,
            "Приз отправлен"
        );
        // The event again (a retried webhook): nothing new recorded or queued.
        let other = msg("care:C-1:r3", "Приз отправлен", t0());
        let again = l
            .care_record_sending("C-1", "ev-1", ev, &[other], t0())
            .unwrap();
        assert!(again.replayed, "{target}");
        assert!(l.outbox_get("care:C-1:r3").unwrap().is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// The dispatcher (chek::outbox).

use chek::outbox::{Backoff, Delivered, DispatchReport, Dispatcher, SendError, Sender};
use chek_store::OutboxMessage;

/// A channel whose answers the test scripts: `answers` are used in turn (then `Ok`), every
/// message handed over is recorded.
struct Scripted {
    name: &'static str,
    dedupes: bool,
    answers: Mutex<Vec<Result<Delivered, SendError>>>,
    got: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn new(
        name: &'static str,
        answers: Vec<Result<Delivered, SendError>>,
    ) -> (Self, Arc<Mutex<Vec<String>>>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        (
            Scripted {
                name,
                dedupes: false,
                answers: Mutex::new(answers.into_iter().rev().collect()),
                got: Arc::clone(&got),
            },
            got,
        )
    }
}

impl Sender for Scripted {
    fn channel(&self) -> &str {
        self.name
    }
    fn dedupes(&self) -> bool {
        self.dedupes
    }
    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
        self.got.lock().unwrap().push(m.key.clone());
        self.answers.lock().unwrap().pop().unwrap_or(Ok(Delivered {
            provider_id: Some(format!("p-{}", m.key)),
        }))
    }
}

#[test]
fn the_dispatcher_retries_with_backoff_and_retry_after_then_gives_up() {
    for (target, l) in backends("dispatch") {
        l.outbox_enqueue(&msg("k", "text", t0()), t0()).unwrap();
        let retry = |after| {
            Err(SendError::Retry {
                code: "channel.rate_limited".into(),
                after,
            })
        };
        let (s, got) = Scripted::new(
            "telegram",
            vec![
                retry(None),
                retry(Some(Duration::from_secs(500))),
                retry(None),
            ],
        );
        let d = Dispatcher::new()
            .with_sender(Box::new(s))
            .with_backoff(Backoff {
                first: Duration::from_secs(10),
                max: Duration::from_secs(3600),
                attempts: 3,
            });
        let r = d.run_once(&l, t0()).unwrap();
        assert_eq!((r.claimed, r.retried), (1, 1), "{target}");
        // Backoff: 10 s after the first attempt.
        assert_eq!(l.outbox_get("k").unwrap().unwrap().due_at, t0() + secs(10));
        assert_eq!(d.run_once(&l, t0() + secs(9)).unwrap().claimed, 0);
        d.run_once(&l, t0() + secs(10)).unwrap();
        // Retry-After (500 s) beats the backoff (20 s).
        assert_eq!(
            l.outbox_get("k").unwrap().unwrap().due_at,
            t0() + secs(510),
            "{target}"
        );
        // The third attempt is the last: given up, with the channel's code.
        let r = d.run_once(&l, t0() + secs(510)).unwrap();
        assert_eq!(r.failed, 1, "{target}");
        let m = l.outbox_get("k").unwrap().unwrap();
        assert_eq!(m.status, OutboxStatus::Failed);
        assert_eq!(m.last_error.as_deref(), Some("channel.rate_limited"));
        assert_eq!(got.lock().unwrap().len(), 3);
    }
}

#[test]
fn the_dispatcher_asks_the_policy_at_send_time_and_fails_what_it_cannot_send() {
    for (target, l) in backends("gate") {
        l.outbox_enqueue(&msg("night", "text", t0()), t0()).unwrap();
        l.outbox_enqueue(&msg("blocked", "text", t0()), t0())
            .unwrap();
        l.outbox_enqueue(&NewMessage::new("fax", "fax", "1", "text", t0()), t0())
            .unwrap();
        l.outbox_enqueue(&msg("fine", "text", t0()), t0()).unwrap();
        let (s, got) = Scripted::new(
            "telegram",
            vec![Err(SendError::Permanent {
                code: "channel.blocked".into(),
            })],
        );
        let d = Dispatcher::new()
            .with_sender(Box::new(s))
            .with_gate(Box::new(|m: &OutboxMessage, _| {
                (m.key == "night").then(|| "notify.quiet_hours".to_string())
            }));
        let r = d.run_once(&l, t0()).unwrap();
        assert_eq!(
            r,
            DispatchReport {
                claimed: 4,
                sent: 1,
                retried: 0,
                failed: 2,
                skipped: 1,
                stale: 0
            },
            "{target}"
        );
        assert_eq!(
            *got.lock().unwrap(),
            ["blocked", "fine"],
            "the gate ran first"
        );
        let status = |k: &str| l.outbox_get(k).unwrap().unwrap();
        assert_eq!(status("night").status, OutboxStatus::Skipped);
        assert_eq!(
            status("night").last_error.as_deref(),
            Some("notify.quiet_hours")
        );
        assert_eq!(
            status("blocked").last_error.as_deref(),
            Some("channel.blocked")
        );
        assert!(
            status("fax")
                .last_error
                .unwrap()
                .starts_with("outbox.no_sender")
        );
        assert_eq!(status("fine").provider_id.as_deref(), Some("p-fine"));
    }
}

/// After a second crash a message is not sent a third time, unless the provider drops
/// duplicates by the key.
#[test]
fn an_in_doubt_message_is_resent_at_most_once_without_provider_dedupe() {
    for dedupes in [false, true] {
        for (target, l) in backends("doubt") {
            l.outbox_enqueue(&msg("k", "text", t0()), t0()).unwrap();
            // Two dispatchers die holding it.
            l.outbox_claim(t0(), 1, MINUTE).unwrap();
            let taken = l.outbox_claim(t0() + secs(60), 1, MINUTE).unwrap();
            assert_eq!(taken[0].takeovers, 1);
            let (mut s, got) = Scripted::new("telegram", vec![]);
            s.dedupes = dedupes;
            let d = Dispatcher::new().with_sender(Box::new(s));
            let r = d.run_once(&l, t0() + secs(120)).unwrap();
            let m = l.outbox_get("k").unwrap().unwrap();
            assert_eq!(m.takeovers, 2, "{target}");
            if dedupes {
                assert_eq!((r.sent, m.status), (1, OutboxStatus::Sent), "{target}");
                assert_eq!(got.lock().unwrap().len(), 1);
            } else {
                assert_eq!((r.failed, m.status), (1, OutboxStatus::Failed), "{target}");
                assert!(m.last_error.unwrap().starts_with("outbox.in_doubt"));
                assert!(got.lock().unwrap().is_empty());
            }
        }
    }
}

/// Sends a message to the stand-in provider over HTTP, with the outbox key as the client
/// message id.
struct HttpChannel {
    addr: String,
}

impl Sender for HttpChannel {
    fn channel(&self) -> &str {
        "telegram"
    }
    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
        use std::io::{Read, Write};
        let retry = |code: &str| SendError::Retry {
            code: code.into(),
            after: None,
        };
        let mut s =
            std::net::TcpStream::connect(&self.addr).map_err(|_| retry("channel.unavailable"))?;
        let req = format!(
            "POST /send HTTP/1.1\r\nHost: {}\r\nIdempotency-Key: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            self.addr,
            m.key,
            m.body.len(),
            m.body
        );
        s.write_all(req.as_bytes())
            .map_err(|_| retry("channel.unavailable"))?;
        let mut resp = String::new();
        s.read_to_string(&mut resp)
            .map_err(|_| retry("channel.unavailable"))?;
        if resp.starts_with("HTTP/1.1 200") {
            Ok(Delivered {
                provider_id: resp.rsplit("\r\n\r\n").next().map(str::to_owned),
            })
        } else {
            Err(retry("channel.unavailable"))
        }
    }
}

fn utc_now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// The dispatcher of `outbox_kill_dispatcher_mid_batch`, in a process of its own.
#[test]
#[ignore = "run by outbox_kill_dispatcher_mid_batch"]
fn dispatch_child() {
    let (Ok(target), Ok(addr)) = (
        std::env::var("CHEK_OUTBOX_CHILD_TARGET"),
        std::env::var("CHEK_OUTBOX_CHILD_ADDR"),
    ) else {
        return;
    };
    let l = Ledger::open(&target).unwrap();
    let d = Dispatcher::new()
        .with_sender(Box::new(HttpChannel { addr }))
        .with_batch(1000)
        .with_lease(Duration::from_secs(2));
    while d.run_once(&l, utc_now()).unwrap().claimed > 0 {}
}

/// A dispatcher is killed (SIGKILL) mid-batch; after its lease, another one finishes the job.
/// Every message reaches the stand-in provider, and only the one in flight at the kill may
/// arrive twice.
#[test]
fn outbox_kill_dispatcher_mid_batch() {
    const N: usize = 40;
    for (target, l) in backends("kill") {
        for k in 0..N {
            l.outbox_enqueue(&msg(&format!("m{k:02}"), "Чек принят", t0()), t0())
                .unwrap();
        }
        let server = chek_tests::http_server::TestServer::start(|r| {
            let key = r.header("idempotency-key").unwrap_or("").to_owned();
            chek_tests::http_server::Response {
                delay: Duration::from_millis(25),
                ..chek_tests::http_server::Response::typed(200, "text/plain", key)
            }
        });
        let addr = server.url().trim_start_matches("http://").to_owned();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "dispatch_child", "--ignored", "--nocapture"])
            .env("CHEK_OUTBOX_CHILD_TARGET", &target)
            .env("CHEK_OUTBOX_CHILD_ADDR", &addr)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while server.requests().len() < N / 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "{target}: the child sends nothing"
            );
            thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        let _ = child.wait();
        let before = l.outbox_counts().unwrap();
        assert!(
            before.sent < N as u64 && before.sending > 0,
            "{target}: killed mid-batch: {before:?}"
        );
        // Restarted after the dead one's lease: it takes over the rest.
        let d = Dispatcher::new()
            .with_sender(Box::new(HttpChannel { addr: addr.clone() }))
            .with_batch(1000);
        let r = d.run_once(&l, utc_now() + secs(3)).unwrap();
        assert_eq!(r.sent, r.claimed, "{target}: {r:?}");
        assert_eq!(l.outbox_counts().unwrap().sent, N as u64, "{target}");
        let got: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.header("idempotency-key").unwrap().to_owned())
            .collect();
        let unique: HashSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), N, "{target}: every message arrived");
        assert!(
            got.len() <= N + 1,
            "{target}: {} arrivals for {N} messages",
            got.len()
        );
        eprintln!(
            "{target}: killed after {} sent; {} arrivals for {N} messages",
            before.sent,
            got.len()
        );
    }
}
