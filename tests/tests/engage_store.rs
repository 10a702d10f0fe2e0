//! Engagement state in the ledger on both backends: a card, an answer, a click and a visit
//! are each one transaction, so many writers at once lose nothing and count nothing twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::thread;

use chek::Coded;
use chek::engage::feedback::{Response, Survey};
use chek::engage::loyalty::{ActivationRequest, CardStatus, Op, Programme};
use chek_store::Ledger;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

const KEY: &[u8] = b"engage-store-test-key-0123456789";
const N: usize = 60;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

/// EAN-13 card `46…` with its check digit.
fn card(i: usize) -> String {
    let body = format!("46{:010}", 5_000_000 + i);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(k, b)| u32::from(b - b'0') * if k % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn phone(i: usize) -> String {
    format!("+7916{:07}", 2_000_000 + i)
}

fn survey() -> Survey {
    Survey::from_toml(
        r#"id = "after-visit"
criteria = ["Вкус", "Сервис"]
bonus_points = 50
review_url = "https://r.example/r/"
[experiment]
name = "invite-wording"
[[experiment.variants]]
name = "control"
weight = 1
message = "Оставьте отзыв: {link}"
[[experiment.variants]]
name = "warm"
weight = 1
message = "Спасибо! Отзыв: {link}"
"#,
    )
    .unwrap()
}

fn on_threads<T: Send + 'static>(
    n: usize,
    f: impl Fn(usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let f = f.clone();
            thread::spawn(move || f(i))
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn parallel_activations(l: &Ledger) {
    let p = Arc::new(Programme::example());
    let cards: Vec<_> = (0..N).map(|i| card(i).parse().unwrap()).collect();
    assert_eq!(l.loyalty_issue(&cards, &[], now()).unwrap(), N);
    // Each card is activated by its owner twice at once (a gateway retry): one activation,
    // one "already active", never two bindings.
    let lp = (l.clone(), p.clone());
    let codes = on_threads(2 * N, move |k| {
        let (l, p) = (&lp.0, &lp.1);
        let req = ActivationRequest::from_sms(&phone(k % N), &card(k % N), p).unwrap();
        l.loyalty_apply(&Op::Activate(req), None, now())
            .unwrap()
            .value
            .code()
    });
    let count = |c: &str| codes.iter().filter(|x| **x == c).count();
    assert_eq!(
        (count("loyalty.activated"), count("loyalty.already_active")),
        (N, N),
        "{codes:?}"
    );
    // Then every phone tries its neighbour's card while the neighbour's phone tries a new
    // card: all refused, nothing moves.
    let lp = (l.clone(), p.clone());
    let codes = on_threads(N, move |i| {
        let (l, p) = (&lp.0, &lp.1);
        let req = ActivationRequest::from_sms(&phone(i), &card((i + 1) % N), p).unwrap();
        l.loyalty_apply(&Op::Activate(req), None, now())
            .unwrap()
            .value
            .code()
    });
    assert!(
        codes.iter().all(|c| *c == "loyalty.card_bound"),
        "{codes:?}"
    );
    let rows = l.loyalty_cards().unwrap();
    assert_eq!(rows.len(), N);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.card, card(i));
        assert_eq!(r.status, CardStatus::Active);
        assert_eq!(r.phone.as_deref(), Some(phone(i).as_str()));
    }
    assert!(l.loyalty_registry().unwrap().is_consistent());
}

fn parallel_feedback(l: &Ledger) {
    let s = Arc::new(survey());
    // N clients answer, each answer sent twice at once.
    let ls = (l.clone(), s.clone());
    let outs = on_threads(2 * N, move |k| {
        let r = Response {
            id: format!("r{}", k % N),
            client: format!("c{}", k % N),
            scores: vec![9, 9],
        };
        ls.0.feedback_answer(&ls.1, KEY, &r, now())
            .unwrap()
            .unwrap()
    });
    assert_eq!(outs.iter().filter(|o| o.repeated).count(), N);
    let mut seqs: Vec<u64> = outs.iter().filter(|o| !o.repeated).map(|o| o.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=N as u64).collect::<Vec<_>>());
    // Every link clicked three times at once: one first click each.
    let links: Vec<String> = outs
        .iter()
        .filter(|o| !o.repeated)
        .map(|o| o.invitation.as_ref().unwrap().token.clone())
        .collect();
    let links = Arc::new(links);
    let ls = (l.clone(), s.clone(), links.clone());
    let clicks = on_threads(3 * N, move |k| {
        let t = &ls.2[k % N];
        let c =
            ls.0.feedback_click(&ls.1, KEY, t, now() + TimeDelta::minutes(5));
        c.unwrap().unwrap().first
    });
    assert_eq!(clicks.iter().filter(|f| **f).count(), N);
    // Visits: v1 twice at once, then v2, then v1 again: the bonus is applied once.
    let l2 = l.clone();
    let points = on_threads(2 * N, move |k| {
        let v = l2.feedback_visit(&format!("c{}", k % N), "v1", now() + TimeDelta::hours(1));
        v.unwrap().unwrap().points
    });
    assert_eq!(points.iter().sum::<u64>(), 2 * 50 * N as u64);
    for i in 0..N {
        let c = format!("c{i}");
        let later = now() + TimeDelta::hours(2);
        assert_eq!(
            l.feedback_visit(&c, "v2", later).unwrap().unwrap().points,
            0
        );
        let again = l.feedback_visit(&c, "v1", later).unwrap().unwrap();
        assert!(again.repeated);
        assert_eq!(again.points, 50);
    }
    let st = l.feedback_state().unwrap();
    assert_eq!(st.responses().len(), N);
    assert_eq!(st.bonuses().len(), N);
    assert!(
        st.bonuses()
            .iter()
            .all(|b| b.applied_visit.as_deref() == Some("v1"))
    );
    let report = st.ab_report(s.experiment.as_ref().unwrap());
    let exposed: u64 = report.variants.iter().map(|v| v.exposed).sum();
    let converted: u64 = report.variants.iter().map(|v| v.converted).sum();
    assert_eq!((exposed, converted), (N as u64, N as u64));
    // The exported state is a valid state file: it loads back whole.
    let json = serde_json::to_string(&st).unwrap();
    let back: chek::engage::feedback::FeedbackState = serde_json::from_str(&json).unwrap();
    assert_eq!(back.responses().len(), N);
}

fn refusals_write_nothing(l: &Ledger) {
    let s = survey();
    let bad = Response {
        id: "bad".into(),
        client: "x".into(),
        scores: vec![11, 9],
    };
    let e = l
        .feedback_answer(&s, KEY, &bad, now())
        .unwrap()
        .unwrap_err();
    assert_eq!(e.code(), "feedback.bad_scores");
    let e = l
        .feedback_click(&s, KEY, "not-a-token", now())
        .unwrap()
        .unwrap_err();
    assert_eq!(e.code(), "feedback.bad_token");
    assert_eq!(l.feedback_state().unwrap().responses().len(), 0);
    // An event id longer than the ledger keeps is refused, not truncated.
    let p = Programme::example();
    let req = ActivationRequest::from_sms("+79161234567", &card(0), &p).unwrap();
    let long = "x".repeat(600);
    let e = l
        .loyalty_apply(&Op::Activate(req), Some(&long), now())
        .unwrap_err();
    assert_eq!(e.code(), "store.invalid");
}

fn sqlite(tag: &str) -> (Ledger, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("chek-engage-store-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("ledger.sqlite");
    (Ledger::open(p.to_str().unwrap()).unwrap(), dir)
}

#[test]
fn sqlite_parallel_activations() {
    let (l, dir) = sqlite("act");
    parallel_activations(&l);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sqlite_parallel_feedback() {
    let (l, dir) = sqlite("fb");
    parallel_feedback(&l);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sqlite_refusals_write_nothing() {
    let (l, dir) = sqlite("refuse");
    refusals_write_nothing(&l);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_parallel_activations() {
    if let Some(url) = chek_tests::fresh_pg_database("act") {
        parallel_activations(&Ledger::open(&url).unwrap());
    }
}

#[test]
fn postgres_parallel_feedback() {
    if let Some(url) = chek_tests::fresh_pg_database("fb") {
        parallel_feedback(&Ledger::open(&url).unwrap());
    }
}

#[test]
fn postgres_refusals_write_nothing() {
    if let Some(url) = chek_tests::fresh_pg_database("refuse") {
        refusals_write_nothing(&Ledger::open(&url).unwrap());
    }
}
