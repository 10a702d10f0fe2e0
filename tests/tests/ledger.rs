//! The ledger's behaviour, one suite run against both backends: SQLite (a fresh WAL file per
//! test) and PostgreSQL (`CHEK_TEST_PG_URL`, each test in its own campaign id; skipped loudly
//! when unset — scripts/test always sets it).
//!
//! Child processes (several writers at once, a writer killed mid-batch) are this same test
//! binary re-run on the ignored test `child_worker`, driven by `CHEK_LEDGER_CHILD_*` variables.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::print_stdout
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use chek::campaign::{Campaign, Decision, ParticipantHistory, Status};
use chek::draw::{DrawEntry, draw, seed_commitment};
use chek::fiscal::{Candidate, Channel, FiscalQr, Receipt};
use chek::verify::{Attempt, VerifyOutcome};
use chek::{Coded, Lang};
use chek_store::{
    DrawRecord, FailedSubmission, Ledger, ReceiptStatus, RecheckState, Settlement, StoreError,
    budget_of, needs_campaign_lock,
};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

const THREADS: usize = 16;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// A campaign id nobody else uses, so tests can share one PostgreSQL database.
fn unique(name: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{name}-{}-{t}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn campaign(id: &str, extra: &str) -> Campaign {
    Campaign::from_toml(&format!(
        r#"id = "{id}"
name = "Тест"
[when]
start = "2026-09-01"
end = "2026-09-30"
[what]
require_verification = false
[[earn]]
id = "per-receipt"
kind = "per_receipt"
lots = 1
{extra}"#
    ))
    .unwrap()
}

fn qr(i: u64) -> String {
    format!("t=20260915T1200&s=100.00&fn=7281440500751551&i={i}&fp={i}&n=1")
}

fn settlement(c: &Campaign, participant: &str, qr: &str) -> Settlement {
    let mut s = Settlement::new(
        c.def().id.clone(),
        participant,
        Channel::Qr,
        now(),
        qr.to_owned(),
    );
    s.serialize_campaign = needs_campaign_lock(c);
    s.budget = budget_of(c);
    s
}

fn evaluator<'a>(c: &'a Campaign, qr: &str) -> impl FnMut(&ParticipantHistory) -> Decision + 'a {
    let cand = Candidate::new(qr.parse::<FiscalQr>().unwrap(), Channel::Qr);
    move |h| c.evaluate(&cand, h, now())
}

fn settle(l: &Ledger, c: &Campaign, participant: &str, qr: &str) -> chek_store::Settled {
    l.settle(&settlement(c, participant, qr), &mut evaluator(c, qr))
        .unwrap()
}

fn assert_sound(l: &Ledger, id: &str) -> chek_store::Audit {
    let a = l.audit(id).unwrap();
    assert!(a.is_sound(), "ledger invariants broken: {a:?}");
    // One link per accrual (no draws in these campaigns), the chain intact.
    let chain = l.verify_chain(Some(id)).unwrap();
    assert!(chain.is_intact(), "chain broken: {chain:?}");
    assert_eq!(chain.rows, a.accruals, "{chain:?}");
    a
}

// ---------------------------------------------------------------------------------------------
// The shared suite: each function takes a way to open a fresh ledger.

type Open = fn() -> Option<(Ledger, String)>;

fn exactly_once_across_participants(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("once");
    let c = Arc::new(campaign(&id, ""));
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (l, c, b) = (l.clone(), c.clone(), barrier.clone());
            thread::spawn(move || {
                b.wait();
                settle(&l, &c, &format!("tg:{t}"), &qr(1))
            })
        })
        .collect();
    let out: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let accepted = out
        .iter()
        .filter(|s| s.status == ReceiptStatus::Accepted)
        .count();
    assert_eq!(accepted, 1, "{out:#?}");
    // Everyone else met the first claim: held for an operator, in the duplicate segment.
    for s in out.iter().filter(|s| s.status != ReceiptStatus::Accepted) {
        assert_eq!(s.decision.status, Status::Pending);
        assert!(s.decision.has(chek::campaign::ReasonCode::Conflict));
        assert_eq!(s.status, ReceiptStatus::AwaitingOperator);
    }
    assert_eq!(l.segment(&id, "duplicate").unwrap().len(), THREADS - 1);
    assert_eq!(
        l.segment(&id, "awaiting_operator").unwrap().len(),
        THREADS - 1
    );
    let a = assert_sound(&l, &id);
    assert_eq!((a.accepted, a.accrued_lots), (1, 1));

    // A closure that ignores the history cannot make the ledger count the receipt twice.
    let c2 = c.clone();
    let err = l
        .settle(&settlement(&c, "tg:x", &qr(1)), &mut |h| {
            let mut d = evaluator(&c2, &qr(1))(h);
            d.status = Status::Accepted;
            d.reasons.clear();
            d
        })
        .unwrap_err();
    assert_eq!(err.code(), "store.conflict");
    assert_sound(&l, &id);
}

fn idempotent_retry(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("idem");
    let c = Arc::new(campaign(&id, ""));
    let s = settlement(&c, "tg:1", &qr(7)).with_idempotency_key("msg-7");
    let first = l.settle(&s, &mut evaluator(&c, &qr(7))).unwrap();
    assert!(!first.replayed);
    assert_eq!(first.status, ReceiptStatus::Accepted);
    let mut called = false;
    let again = l
        .settle(&s, &mut |h| {
            called = true;
            evaluator(&c, &qr(7))(h)
        })
        .unwrap();
    assert!(again.replayed && !called);
    assert_eq!(again.submission_id, first.submission_id);
    assert_eq!(
        again.decision, first.decision,
        "the stored decision comes back whole"
    );
    assert_eq!(again.status, ReceiptStatus::Accepted);

    // The same new message retried from 16 threads at once: settled once.
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (l, c, b) = (l.clone(), c.clone(), barrier.clone());
            thread::spawn(move || {
                b.wait();
                let s = settlement(&c, "tg:1", &qr(8)).with_idempotency_key("msg-8");
                l.settle(&s, &mut evaluator(&c, &qr(8))).unwrap()
            })
        })
        .collect();
    let out: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(out.iter().filter(|s| !s.replayed).count(), 1);
    assert!(out.iter().all(|s| s.status == ReceiptStatus::Accepted));
    assert_eq!(
        l.lots_by_participant(&id, now() - TimeDelta::days(1), now() + TimeDelta::days(1))
            .unwrap(),
        vec![("tg:1".to_owned(), 2)]
    );
    let a = assert_sound(&l, &id);
    assert_eq!(a.submissions, 2);

    // A key is one participant's message: another participant reusing it is refused.
    let other = settlement(&c, "tg:2", &qr(9)).with_idempotency_key("msg-7");
    let err = l.settle(&other, &mut evaluator(&c, &qr(9))).unwrap_err();
    assert_eq!(err.code(), "store.conflict");
}

/// 16 threads race to spend a cap; `per_thread` receipts each. Returns the lots credited.
fn race(l: &Ledger, c: &Arc<Campaign>, same_participant: bool, per_thread: u64) -> u64 {
    race_as(l, c, same_participant, per_thread, true)
}

/// [`race`], the settlements declaring the campaign's budget (checked at commit on PostgreSQL)
/// or not (serialized).
fn race_as(
    l: &Ledger,
    c: &Arc<Campaign>,
    same_participant: bool,
    per_thread: u64,
    declare_budget: bool,
) -> u64 {
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS as u64)
        .map(|t| {
            let (l, c, b) = (l.clone(), c.clone(), barrier.clone());
            thread::spawn(move || {
                b.wait();
                let who = if same_participant {
                    "tg:1".to_owned()
                } else {
                    format!("tg:{t}")
                };
                let mut lots = 0;
                for k in 0..per_thread {
                    let q = qr(1000 + t * 100 + k);
                    let mut st = settlement(&c, &who, &q);
                    if !declare_budget {
                        st.budget = None;
                    }
                    let s = l.settle(&st, &mut evaluator(&c, &q)).unwrap();
                    if s.status == ReceiptStatus::Accepted {
                        lots += s.decision.lots;
                    }
                }
                lots
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

fn participant_cap_under_concurrency(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("cap");
    let c = Arc::new(campaign(&id, "[caps]\nlots_per_campaign = 5\n"));
    assert!(!needs_campaign_lock(&c));
    let lots = race(&l, &c, true, 3);
    assert_eq!(
        lots, 5,
        "the participant's cap is spent exactly, never exceeded"
    );
    let a = assert_sound(&l, &id);
    assert_eq!((a.accepted, a.accrued_lots), (5, 5));
    let rep = l.report(&id).unwrap();
    assert_eq!(rep.total.accepted, 5);
    assert_eq!(rep.total.rejected, 3 * THREADS as u64 - 5);
    assert_eq!(rep.top_reasons[0].code, "campaign.cap_reached");
    assert_eq!(l.segment(&id, "limit").unwrap().len(), 3 * THREADS - 5);
}

/// A budget spent by 16 racing threads: exactly, never more, whether the settlements declare
/// it (PostgreSQL checks it at commit and settles again on a failed check) or not (each settle
/// serialized on the campaign's head).
fn budget_under_concurrency(open: Open) {
    let Some((l, _)) = open() else { return };
    for declare in [true, false] {
        let id = unique("budget");
        let c = Arc::new(campaign(&id, "[caps]\nbudget_lots = 20\n"));
        assert!(needs_campaign_lock(&c));
        let lots = race_as(&l, &c, false, 3, declare);
        assert_eq!(
            lots, 20,
            "the campaign budget is spent exactly, never exceeded (declared: {declare})"
        );
        let a = assert_sound(&l, &id);
        assert_eq!((a.accepted, a.counter_lots), (20, 20));
        let rep = l.report(&id).unwrap();
        assert_eq!(rep.top_reasons[0].code, "campaign.budget_exhausted");
        assert_eq!(rep.participants, THREADS as u64);
    }
}

/// 8 threads settle batches of 20 receipts from 10 participants each (each thread its own
/// participants, whose counter shards differ): with a campaign budget of 150 lots among 800
/// receipts, exactly 150 are counted; without one, all are. Batches add to the campaign counter
/// at their append, under the campaign's head, so they never lock its shards in different
/// orders (added in the write, as before, they deadlocked).
fn batches_of_many_participants(open: Open) {
    let Some((l, _)) = open() else { return };
    for budget in [Some(150u64), None] {
        let id = unique("batches");
        let extra = budget.map_or(String::new(), |b| format!("[caps]\nbudget_lots = {b}\n"));
        let c = Arc::new(campaign(&id, &extra));
        let barrier = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8u64)
            .map(|t| {
                let (l, c, b) = (l.clone(), c.clone(), barrier.clone());
                thread::spawn(move || {
                    b.wait();
                    let mut lots = 0;
                    for batch in 0..5u64 {
                        let qrs: Vec<String> = (0..20u64)
                            .map(|k| qr(50_000 + t * 1_000 + batch * 20 + k))
                            .collect();
                        let items: Vec<Settlement> = qrs
                            .iter()
                            .enumerate()
                            .map(|(k, q)| settlement(&c, &format!("tg:{t}-{}", k % 10), q))
                            .collect();
                        let out = l
                            .settle_batch(&items, &mut |i, h| evaluator(&c, &qrs[i])(h))
                            .unwrap();
                        for o in out {
                            let o = o.unwrap();
                            if o.status == ReceiptStatus::Accepted {
                                lots += o.decision.lots;
                            }
                        }
                    }
                    lots
                })
            })
            .collect();
        let lots: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(lots, budget.unwrap_or(800), "budget {budget:?}");
        let a = assert_sound(&l, &id);
        assert_eq!(a.counter_lots, lots);
    }
}

fn fixture_receipt() -> Receipt {
    let json = chek_tests::fixture("fns/irkkt-ticket-2023-lenta.json");
    Receipt::from_fns_json(&json).unwrap()
}

fn recheck_flow(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("recheck");
    let r = fixture_receipt();
    let bought = r.datetime;
    let c = Campaign::from_toml(&format!(
        r#"id = "{id}"
name = "Тест"
[when]
start = "{}"
end = "{}"
[what]
require_verification = true
[[earn]]
id = "per-receipt"
kind = "per_receipt"
lots = 2
"#,
        bought.date() - TimeDelta::days(1),
        bought.date() + TimeDelta::days(1)
    ))
    .unwrap();
    let q = r.to_qr();
    let q_str = q.to_string();
    let t0 = bought + TimeDelta::hours(1);
    l.ensure_participant(&id, "tg:7", Lang::En).unwrap();

    // Not yet known at ФНС: parked for a re-check tomorrow.
    let attempts = vec![Attempt {
        at: t0,
        outcome: VerifyOutcome::NotYetKnown,
    }];
    let next = t0 + TimeDelta::days(1);
    let s = Settlement::new(&id, "tg:7", Channel::Qr, t0, &q_str).with_status_hint(
        RecheckState::PendingRecheck {
            next_at: next,
            attempts: attempts.clone(),
        },
    );
    let cand = Candidate::new(q.clone(), Channel::Qr);
    let first = l.settle(&s, &mut |h| c.evaluate(&cand, h, t0)).unwrap();
    assert_eq!(first.decision.status, Status::Pending);
    assert_eq!(
        first.status,
        ReceiptStatus::PendingRecheck { next_at: next }
    );
    assert!(l.due_rechecks(&id, t0, 10).unwrap().is_empty());
    let due = l.due_rechecks(&id, next, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].participant, "tg:7");
    assert_eq!(due[0].lang, Lang::En);
    assert_eq!(due[0].receipt, r.identity());
    assert_eq!(due[0].qr, q_str);
    assert_eq!(due[0].attempts, attempts);
    assert_eq!(due[0].first_received_at, t0);
    let seg = l.segment(&id, "not_found_in_fns").unwrap();
    assert_eq!(seg.len(), 1);
    assert_eq!(seg[0].lang, Lang::En);

    // The re-check: verified, accepted, out of the segment and the queue.
    let mut verified = Candidate::new(q, Channel::Qr);
    verified.receipt = Some(r.clone());
    let s = Settlement::new(&id, "tg:7", Channel::Qr, next, &q_str)
        .with_receipt(serde_json::json!({"fn": r.fn_number.to_string()}));
    let done = l
        .settle(&s, &mut |h| c.evaluate(&verified, h, next))
        .unwrap();
    assert_eq!(done.status, ReceiptStatus::Accepted, "{:?}", done.decision);
    assert_eq!(done.decision.lots, 2);
    assert!(
        l.due_rechecks(&id, next + TimeDelta::days(9), 10)
            .unwrap()
            .is_empty()
    );
    assert!(l.segment(&id, "not_found_in_fns").unwrap().is_empty());
    let rep = l.report(&id).unwrap();
    assert_eq!(
        rep.days.len(),
        1,
        "the receipt counts on the day it was first sent"
    );
    assert_eq!(rep.days[0].day, t0.date());
    assert_eq!((rep.total.accepted, rep.total.pending, rep.lots), (1, 0, 2));
    // Sending it again later is a duplicate and changes nothing.
    let again = l
        .settle(
            &Settlement::new(&id, "tg:7", Channel::Qr, next, &q_str),
            &mut |h| c.evaluate(&verified, h, next),
        )
        .unwrap();
    assert_eq!(again.status, ReceiptStatus::Rejected);
    assert!(again.decision.has(chek::campaign::ReasonCode::Duplicate));
    let a = assert_sound(&l, &id);
    assert_eq!((a.accepted, a.accrued_lots), (1, 2));
}

fn draws_once_per_period(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("draw");
    let c = campaign(&id, "");
    for (p, n) in [("tg:b", 3u64), ("tg:a", 2), ("tg:c", 1)] {
        for k in 0..n {
            settle(&l, &c, p, &qr(100 + k + 10 * u64::from(p.as_bytes()[3])));
        }
    }
    let entries = l
        .lots_by_participant(&id, now() - TimeDelta::days(1), now() + TimeDelta::hours(1))
        .unwrap();
    assert_eq!(
        entries,
        vec![
            ("tg:a".to_owned(), 2),
            ("tg:b".to_owned(), 3),
            ("tg:c".to_owned(), 1)
        ]
    );
    assert!(
        l.lots_by_participant(&id, now() + TimeDelta::hours(1), now() + TimeDelta::days(1))
            .unwrap()
            .is_empty(),
        "the window's end is exclusive"
    );
    let seed = [7u8; 32];
    let commitment = seed_commitment(&seed);
    let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    let commit = DrawRecord::commitment(
        id.clone(),
        "2026-W38",
        day(14),
        day(20),
        commitment.clone(),
        "drand-quicknet",
        "14500000",
        now(),
    );
    let list: Vec<DrawEntry> = entries
        .iter()
        .map(|(p, n)| DrawEntry {
            participant: p.clone(),
            lots: *n,
        })
        .collect();
    let result = draw(&list, &seed, b"beacon", 1, &[]).unwrap();
    // No result without a commitment recorded first.
    let uncommitted = DrawRecord {
        result: Some(result.clone()),
        ..commit.clone()
    };
    assert_eq!(
        l.record_draw(&uncommitted).unwrap_err().code(),
        "store.conflict"
    );
    // A commitment names its days and the future beacon round.
    let vague = DrawRecord {
        beacon_round: None,
        ..commit.clone()
    };
    assert_eq!(l.record_draw(&vague).unwrap_err().code(), "store.invalid");
    l.record_draw(&commit).unwrap();
    assert_eq!(l.record_draw(&commit).unwrap_err().code(), "store.conflict");
    // The same days under another name: refused for the same prize set, allowed for another.
    let overlapping = DrawRecord {
        period: "week-38-again".into(),
        from: Some(day(20)),
        to: Some(day(27)),
        ..commit.clone()
    };
    assert_eq!(
        l.record_draw(&overlapping).unwrap_err().code(),
        "store.conflict",
        "overlapping periods of one prize set"
    );
    l.record_draw(&DrawRecord {
        prize_set: "tv".into(),
        ..overlapping.clone()
    })
    .unwrap();
    let revealed = DrawRecord {
        result: Some(result.clone()),
        recorded_at: now() + TimeDelta::hours(2),
        drawn_at: Some(now() + TimeDelta::hours(2)),
        ..commit.clone()
    };
    l.record_draw(&revealed).unwrap();
    assert_eq!(
        l.record_draw(&revealed).unwrap_err().code(),
        "store.conflict",
        "a period is drawn once"
    );
    let other_seed = DrawRecord {
        seed_commitment: seed_commitment(&[8u8; 32]),
        ..revealed.clone()
    };
    assert_eq!(
        l.record_draw(&other_seed).unwrap_err().code(),
        "store.conflict"
    );
    let all = l.draws(&id).unwrap();
    assert_eq!(all.len(), 2);
    let w38 = all.iter().find(|d| d.period == "2026-W38").unwrap();
    // The reveal keeps the commitment's time and adds its own.
    assert_eq!(w38.recorded_at, now(), "{w38:?}");
    assert_eq!(w38.drawn_at, Some(now() + TimeDelta::hours(2)));
    assert_eq!(w38.beacon_round.as_deref(), Some("14500000"));
    assert_eq!(w38.from, Some(day(14)));
    assert_eq!(w38.result.as_ref().unwrap().winners.len(), 1);
    // Six accruals, two commitments and one reveal: nine links, none of the refused writes.
    let chain = l.verify_chain(Some(&id)).unwrap();
    assert!(chain.is_intact(), "{chain:?}");
    assert_eq!(chain.chains[0].links, 9);
}

fn language_reason_and_peek(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("lang");
    let c = campaign(&id, "");
    let late = |i: u64| format!("t=20261015T1200&s=100.00&fn=7281440500751551&i={i}&fp={i}&n=1");
    let lang_of = |p: &str| {
        l.segment(&id, "out_of_period")
            .unwrap()
            .iter()
            .find(|m| m.participant == p)
            .map(|m| m.lang)
    };
    // The language comes with the settle, in its own transaction.
    let q = late(1);
    let s = settlement(&c, "tg:1", &q).with_lang(Lang::En);
    l.settle(&s, &mut evaluator(&c, &q)).unwrap();
    assert_eq!(lang_of("tg:1"), Some(Lang::En));
    // None leaves it; a new language replaces it.
    let q = late(2);
    l.settle(&settlement(&c, "tg:1", &q), &mut evaluator(&c, &q))
        .unwrap();
    assert_eq!(lang_of("tg:1"), Some(Lang::En));
    let q = late(3);
    let s = settlement(&c, "tg:1", &q).with_lang(Lang::Ru);
    l.settle(&s, &mut evaluator(&c, &q)).unwrap();
    assert_eq!(lang_of("tg:1"), Some(Lang::Ru));

    // A verification answer's code is counted by the report, first.
    let q = qr(7);
    let s = settlement(&c, "tg:2", &q).with_verification_reason("verify.fiscal_data_rejected");
    l.settle(&s, &mut |h| {
        let mut d = evaluator(&c, &q)(h);
        d.status = Status::Rejected;
        d
    })
    .unwrap();
    let r = l.report(&id).unwrap();
    assert!(
        r.top_reasons
            .iter()
            .any(|x| x.code == "verify.fiscal_data_rejected" && x.count == 1),
        "{:?}",
        r.top_reasons
    );

    // Peeking shows what a settle would see, without writing anything.
    let q = qr(8);
    let before = l.audit(&id).unwrap();
    let h = l.peek_history(&settlement(&c, "tg:3", &q)).unwrap();
    assert!(h.receipts.is_empty() && h.claimed_by_others.is_empty());
    settle(&l, &c, "tg:3", &q);
    let h = l.peek_history(&settlement(&c, "tg:3", &q)).unwrap();
    assert_eq!(h.receipts.len(), 1);
    let h = l.peek_history(&settlement(&c, "tg:4", &q)).unwrap();
    assert_eq!(h.claimed_by_others.len(), 1);
    assert!(h.receipts.is_empty());
    assert!(l.audit(&id).unwrap().is_sound() && before.is_sound());
}

fn report_and_segments(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("report");
    let c = campaign(&id, "");
    assert_eq!(
        settle(&l, &c, "tg:1", &qr(1)).status,
        ReceiptStatus::Accepted
    );
    assert_eq!(
        settle(&l, &c, "tg:1", &qr(1)).status,
        ReceiptStatus::Rejected
    ); // own duplicate
    assert_eq!(
        settle(&l, &c, "tg:2", &qr(1)).status,
        ReceiptStatus::AwaitingOperator
    ); // someone else's
    let late = "t=20261015T1200&s=100.00&fn=7281440500751551&i=5&fp=5&n=1";
    let s = settle(&l, &c, "tg:3", late);
    assert_eq!(s.status, ReceiptStatus::Rejected);
    assert!(s.decision.has(chek::campaign::ReasonCode::AfterPeriod));
    l.record_failure(&FailedSubmission {
        campaign: id.clone(),
        participant: "tg:4".into(),
        idempotency_key: Some("photo-1".into()),
        channel: None,
        received_at: now() + TimeDelta::days(1),
        code: "scan.no_qr".into(),
        detail: "x".repeat(5000),
    })
    .unwrap();
    // The same failure retried is kept once.
    l.record_failure(&FailedSubmission {
        campaign: id.clone(),
        participant: "tg:4".into(),
        idempotency_key: Some("photo-1".into()),
        channel: None,
        received_at: now() + TimeDelta::days(1),
        code: "scan.no_qr".into(),
        detail: String::new(),
    })
    .unwrap();

    let rep = l.report(&id).unwrap();
    assert_eq!(rep.days.len(), 2);
    let d0 = &rep.days[0];
    assert_eq!(
        (
            d0.day,
            d0.accepted,
            d0.rejected,
            d0.awaiting_operator,
            d0.failed,
            d0.lots
        ),
        (now().date(), 1, 2, 1, 0, 1)
    );
    assert_eq!((rep.days[1].failed, rep.days[1].accepted), (1, 0));
    assert_eq!(rep.total.failed, 1);
    assert_eq!(
        rep.participants, 3,
        "a failure alone does not register a participant"
    );
    let codes: Vec<&str> = rep.top_reasons.iter().map(|r| r.code.as_str()).collect();
    for want in [
        "campaign.duplicate",
        "campaign.conflict",
        "campaign.after_period",
        "scan.no_qr",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    let oop = l.segment(&id, "out_of_period").unwrap();
    assert_eq!(oop.len(), 1);
    assert_eq!(oop[0].participant, "tg:3");
    assert_eq!(oop[0].receipt, "7281440500751551:5:5");
    let dup = l.segment(&id, "duplicate").unwrap();
    assert_eq!(
        dup.iter()
            .map(|m| m.participant.as_str())
            .collect::<Vec<_>>(),
        vec!["tg:2"],
        "an own repeat of an accepted receipt is only logged"
    );
    assert!(l.segment(&id, "no_such_segment").unwrap().is_empty());
    assert_sound(&l, &id);
}

fn participant_history_and_balances(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("history");
    let c = campaign(&id, "");
    settle(&l, &c, "tg:1", &qr(1)); // accepted
    settle(&l, &c, "tg:1", &qr(1)); // own duplicate: the row stays accepted
    settle(&l, &c, "tg:1", &qr(2)); // accepted
    settle(&l, &c, "tg:2", &qr(1)); // someone else's: awaiting an operator
    let late = "t=20261015T1200&s=100.00&fn=7281440500751551&i=5&fp=5&n=1";
    settle(&l, &c, "tg:3", late); // rejected
    l.ensure_participant(&id, "tg:0", Lang::En).unwrap(); // known, nothing sent

    let h = l.participant(&id, "tg:1").unwrap().expect("tg:1 is known");
    assert_eq!(
        (h.campaign.as_str(), h.participant.as_str()),
        (id.as_str(), "tg:1")
    );
    assert_eq!((h.lang, h.since), (Lang::Ru, now()));
    assert_eq!(
        (h.balance.counted, h.balance.lots, h.balance.points),
        (2, 2, 0)
    );
    let ids: Vec<String> = h.receipts.iter().map(|r| r.receipt.to_string()).collect();
    assert_eq!(
        ids,
        ["7281440500751551:1:1", "7281440500751551:2:2"],
        "one entry per receipt, however often it was sent"
    );
    for r in &h.receipts {
        assert_eq!(r.status, ReceiptStatus::Accepted);
        assert_eq!((r.lots, r.counted_at, r.first_at), (1, Some(now()), now()));
        assert_eq!(r.channel, Channel::Qr);
    }
    assert_eq!(h.receipts[0].qr, qr(1));

    let other = l.participant(&id, "tg:2").unwrap().unwrap();
    assert_eq!(other.balance.counted, 0);
    assert_eq!(other.receipts.len(), 1);
    assert_eq!(other.receipts[0].status, ReceiptStatus::AwaitingOperator);
    assert_eq!(other.receipts[0].counted_at, None);
    let rejected = l.participant(&id, "tg:3").unwrap().unwrap();
    assert_eq!(rejected.receipts[0].status, ReceiptStatus::Rejected);
    let idle = l.participant(&id, "tg:0").unwrap().unwrap();
    assert_eq!((idle.lang, idle.receipts.len()), (Lang::En, 0));
    assert!(l.participant(&id, "nobody").unwrap().is_none());
    assert!(l.participant(&unique("other"), "tg:1").unwrap().is_none());

    // The JSON shape: the status flattened, as `chek` prints ledger rows.
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(v["receipts"][0]["status"], "accepted");
    assert_eq!(
        (v["counted"].as_u64(), v["lots"].as_u64()),
        (Some(2), Some(2))
    );

    let b = l.balances(&id).unwrap();
    let rows: Vec<(&str, u64, u64)> = b
        .iter()
        .map(|x| (x.participant.as_str(), x.counted, x.lots))
        .collect();
    assert_eq!(
        rows,
        [
            ("tg:0", 0, 0),
            ("tg:1", 2, 2),
            ("tg:2", 0, 0),
            ("tg:3", 0, 0)
        ]
    );
    let audit = assert_sound(&l, &id);
    assert_eq!(b.iter().map(|x| x.lots).sum::<u64>(), audit.accrued_lots);
    assert!(l.balances(&unique("other")).unwrap().is_empty());
}

fn hostile_input(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("hostile");
    let c = campaign(&id, "");
    for bad in ["", "garbage", &"x".repeat(100_000)] {
        let s = Settlement::new(&id, "tg:1", Channel::Qr, now(), bad);
        let err = l.settle(&s, &mut evaluator(&c, &qr(1))).unwrap_err();
        assert_eq!(err.code(), "store.invalid");
    }
    let s = Settlement::new(&id, "p".repeat(10_000), Channel::Qr, now(), qr(1));
    assert_eq!(
        l.settle(&s, &mut evaluator(&c, &qr(1))).unwrap_err().code(),
        "store.invalid"
    );
    // A decision about another receipt is refused, not stored under the wrong id.
    let s = settlement(&c, "tg:1", &qr(1));
    let err = l.settle(&s, &mut evaluator(&c, &qr(2))).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    // Unicode ids survive the round trip.
    let s = settlement(&c, "участник:Ёж 🦔", &qr(3));
    assert_eq!(
        l.settle(&s, &mut evaluator(&c, &qr(3))).unwrap().status,
        ReceiptStatus::Accepted
    );
    assert_eq!(
        l.lots_by_participant(&id, now(), now() + TimeDelta::seconds(1))
            .unwrap()[0]
            .0,
        "участник:Ёж 🦔"
    );
    assert_sound(&l, &id);
}

/// A settle the database refuses at its write (PostgreSQL rejects a NUL byte in text; SQLite
/// stores it) leaves nothing behind, alone or in a batch, and every pooled connection stays
/// usable: a connection left inside the failed transaction would fail the settles after it.
fn failed_write_leaves_nothing(open: Open) {
    let Some((l, target)) = open() else { return };
    let refuses_nul = target.starts_with("postgres");
    let id = unique("failwrite");
    let c = campaign(&id, "");
    let bad = |i: u64| settlement(&c, "tg:1", &qr(i)).with_verification_reason("verify.\0bad");
    let mut failed = 0;
    for i in 1..=20 {
        match l.settle(&bad(i), &mut evaluator(&c, &qr(i))) {
            Ok(s) => assert!(!refuses_nul, "stored a NUL byte: {s:?}"),
            Err(e) => {
                assert_eq!(e.code(), "store.backend", "{e:?}");
                failed += 1;
            }
        }
    }
    assert_eq!(failed > 0, refuses_nul);
    // In a batch, the refused write rolls the whole batch back, the items before it included.
    let batch = vec![
        settlement(&c, "tg:2", &qr(101)),
        bad(102),
        settlement(&c, "tg:2", &qr(103)),
    ];
    let qrs = [qr(101), qr(102), qr(103)];
    let res = l.settle_batch(&batch, &mut |i, h| evaluator(&c, &qrs[i])(h));
    assert_eq!(res.is_err(), refuses_nul, "{res:?}");
    // Nothing of the failed attempts was kept: each receipt is new to the ledger, and every
    // connection of the pool settles again.
    for i in (1..=20).chain([101, 102, 103]) {
        // Where the first attempts were stored, tg:3 is only a second claimant.
        let s = settle(&l, &c, "tg:3", &qr(i));
        let accepted = s.status == ReceiptStatus::Accepted;
        assert_eq!(accepted, refuses_nul, "receipt {i}: {:?}", s.decision);
    }
    let a = assert_sound(&l, &id);
    assert_eq!(a.accepted, 23, "{a:?}");
}

/// An evaluation that panics (a bug in the caller's closure) inside a settle leaves no
/// transaction open: another ledger on the same database then settles the same participant
/// and receipts at once, instead of waiting on locks an idle pooled connection still holds.
fn panicking_evaluation_leaves_no_locks(open: Open) {
    let Some((l, target)) = open() else { return };
    let id = unique("panic");
    let c = campaign(&id, "");
    for i in 1..=20 {
        let s = settlement(&c, "tg:1", &qr(i));
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            l.settle(&s, &mut |_| panic!("a caller's evaluation panicked"))
        }));
        assert!(r.is_err());
    }
    let other = Ledger::open(&target).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let c2 = Arc::new(campaign(&id, ""));
    std::thread::spawn(move || {
        let got: Vec<_> = (1..=20)
            .map(|i| settle(&other, &c2, "tg:1", &qr(i)).status)
            .collect();
        let _ = tx.send(got);
    });
    let got = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("settles waited a minute: a lock of a panicked settle is still held");
    assert!(got.iter().all(|s| *s == ReceiptStatus::Accepted), "{got:?}");
    // The first ledger works too.
    assert_eq!(
        settle(&l, &c, "tg:1", &qr(21)).status,
        ReceiptStatus::Accepted
    );
    let a = assert_sound(&l, &id);
    assert_eq!(a.accepted, 21, "{a:?}");
}

/// A settle reads the recent receipts one by one and the older ones as running totals: caps
/// over the whole campaign, the campaign receipt limit and duplicates of old receipts still
/// hold when the history is summed.
fn long_history_caps_hold(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("longhist");
    let c = campaign(
        &id,
        "[limits]\nreceipts_per_campaign = 4\n[caps]\nlots_per_campaign = 3\n",
    );
    let early = now() - TimeDelta::days(15);
    let settle_at = |p: &str, q: &str, at: NaiveDateTime| {
        let mut s = settlement(&c, p, q);
        s.received_at = at;
        let cand = Candidate::new(q.parse::<FiscalQr>().unwrap(), Channel::Qr);
        l.settle(&s, &mut |h| c.evaluate(&cand, h, at)).unwrap()
    };
    for i in 1..=3 {
        let s = settle_at("tg:1", &qr(i), early);
        assert_eq!((s.status, s.decision.lots), (ReceiptStatus::Accepted, 1));
    }
    // Fifteen days later the three are summed, not listed; the campaign cap still binds.
    let h = l.peek_history(&settlement(&c, "tg:1", &qr(4))).unwrap();
    assert!(h.receipts.is_empty(), "{h:?}");
    assert_eq!(h.earlier.count, 3);
    assert_eq!(h.earlier.lots, 3);
    let s = settle_at("tg:1", &qr(4), now());
    assert_eq!(s.decision.lots, 0, "{:?}", s.decision);
    assert!(
        s.decision.has(chek::campaign::ReasonCode::CapReached),
        "{:?}",
        s.decision
    );
    // An old receipt sent again is a duplicate, not a second acceptance.
    let s = settle_at("tg:1", &qr(1), now());
    assert!(
        s.decision.has(chek::campaign::ReasonCode::Duplicate),
        "{:?}",
        s.decision
    );
    // Another participant starts from zero.
    let s = settle_at("tg:2", &qr(9), now());
    assert_eq!((s.status, s.decision.lots), (ReceiptStatus::Accepted, 1));
    let a = assert_sound(&l, &id);
    assert_eq!(a.participant_counter_receipts, a.accepted);
    // The campaign's receipt limit counts the summed receipts too.
    let id2 = unique("longhist-n");
    let c2 = campaign(&id2, "[limits]\nreceipts_per_campaign = 3\n");
    for (i, at) in [(1, early), (2, early), (3, now())] {
        let mut s = settlement(&c2, "tg:1", &qr(i));
        s.received_at = at;
        let cand = Candidate::new(qr(i).parse::<FiscalQr>().unwrap(), Channel::Qr);
        let r = l.settle(&s, &mut |h| c2.evaluate(&cand, h, at)).unwrap();
        assert_eq!(r.status, ReceiptStatus::Accepted);
    }
    let s = settlement(&c2, "tg:1", &qr(4));
    let r = l.settle(&s, &mut evaluator(&c2, &qr(4))).unwrap();
    assert!(
        r.decision
            .has(chek::campaign::ReasonCode::ReceiptsPerCampaignReached),
        "{:?}",
        r.decision
    );
    assert_sound(&l, &id2);
    // Today's receipts come grouped by quarter hour, not listed: the daily limit still binds.
    let id3 = unique("longhist-day");
    let c3 = campaign(&id3, "[limits]\nreceipts_per_day = 2\n");
    for i in 1..=2 {
        settle(&l, &c3, "tg:1", &qr(i));
    }
    let h = l.peek_history(&settlement(&c3, "tg:1", &qr(3))).unwrap();
    assert!(h.receipts.is_empty(), "{h:?}");
    assert_eq!(h.buckets.iter().map(|b| b.count).sum::<u64>(), 2, "{h:?}");
    assert!(h.earlier.is_empty(), "{h:?}");
    let r = settle(&l, &c3, "tg:1", &qr(3));
    assert!(
        r.decision
            .has(chek::campaign::ReasonCode::ReceiptsPerDayReached),
        "{:?}",
        r.decision
    );
    // With the evaluation's windows the recent receipts come as sums (day, rest of week).
    let mut s3 = settlement(&c3, "tg:1", &qr(4));
    s3.windows = Some(c3.history_windows(now()));
    let h = l.peek_history(&s3).unwrap();
    assert_eq!(h.buckets.len(), 1, "{h:?}");
    assert_eq!(
        (h.buckets[0].start, h.buckets[0].count),
        (s3.windows.unwrap().day.0, 2)
    );
    let cand = Candidate::new(qr(4).parse::<FiscalQr>().unwrap(), Channel::Qr);
    let r = l
        .settle(&s3, &mut |h| c3.evaluate(&cand, h, now()))
        .unwrap();
    assert!(
        r.decision
            .has(chek::campaign::ReasonCode::ReceiptsPerDayReached),
        "{:?}",
        r.decision
    );
    let mut s1 = settlement(&c3, "tg:1", &qr(1));
    s1.windows = s3.windows;
    let h = l.peek_history(&s1).unwrap();
    assert_eq!((h.receipts.len(), h.counted_receipts()), (1, 2), "{h:?}");
    // The candidate itself, if counted, is listed (a duplicate) and not in a bucket.
    let h = l.peek_history(&settlement(&c3, "tg:1", &qr(1))).unwrap();
    assert_eq!(h.receipts.len(), 1);
    assert_eq!(h.counted_receipts(), 2);
    assert_sound(&l, &id3);
}

/// Several processes, each with several threads, send the same receipt as different
/// participants: accepted exactly once.
fn exactly_once_across_processes(open: Open) {
    let Some((l, target)) = open() else { return };
    let id = unique("procs");
    let children: Vec<_> = (0..4)
        .map(|p| {
            child(&target, &id, "race", &format!("p{p}"))
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut accepted = 0;
    for ch in children {
        let out = ch.wait_with_output().unwrap();
        assert!(out.status.success(), "child failed: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find_map(|l| l.split_once("accepted=").map(|(_, n)| n))
            .unwrap_or_else(|| panic!("no result from child: {text}"));
        accepted += line.trim().parse::<u64>().unwrap();
    }
    assert_eq!(
        accepted, 1,
        "one receipt, 4 processes × 4 threads: accepted once"
    );
    let a = assert_sound(&l, &id);
    assert_eq!(a.accepted, 1);
    assert_eq!(a.submissions, 16);
}

/// A writer killed (SIGKILL) in the middle of its batches leaves whole batches only.
fn crash_mid_batch(open: Open) {
    let Some((l, target)) = open() else { return };
    let id = unique("crash");
    for mode in ["batch", "single"] {
        let mut ch = child(&target, &id, mode, mode)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(ch.stdout.take().unwrap()).lines();
        // Let it commit a few times, then kill it while it is writing.
        let mut commits = 0;
        while commits < 3 {
            let line = lines.next().expect("child ended early").unwrap();
            commits += usize::from(line.contains("committed "));
        }
        ch.kill().unwrap();
        let status = ch.wait().unwrap();
        assert!(!status.success(), "the child was killed, not finished");
    }
    // Open afresh, as a restarted server would.
    drop(l);
    let l = Ledger::open(&target).unwrap();
    let a = assert_sound(&l, &id);
    assert!(a.accepted >= 3 + 3, "{a:?}");
    let batch_rows = l
        .lots_by_participant(&id, now() - TimeDelta::days(1), now() + TimeDelta::days(1))
        .unwrap();
    let in_batches: u64 = batch_rows
        .iter()
        .filter(|(p, _)| p.starts_with("batch"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        in_batches % CHILD_BATCH,
        0,
        "a batch is committed whole or not at all ({in_batches} lots)"
    );
    assert_eq!(
        a.submissions, a.accepted,
        "no submission without its receipt"
    );
}

// ---------------------------------------------------------------------------------------------
// Child processes.

const CHILD_BATCH: u64 = 40;

fn child(target: &str, campaign: &str, mode: &str, prefix: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_worker",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("CHEK_LEDGER_CHILD_TARGET", target)
    .env("CHEK_LEDGER_CHILD_CAMPAIGN", campaign)
    .env("CHEK_LEDGER_CHILD_MODE", mode)
    .env("CHEK_LEDGER_CHILD_PREFIX", prefix)
    .stderr(Stdio::inherit());
    cmd
}

#[test]
#[ignore = "run by the multi-process tests as a child process"]
fn child_worker() {
    let Ok(target) = std::env::var("CHEK_LEDGER_CHILD_TARGET") else {
        return;
    };
    let id = std::env::var("CHEK_LEDGER_CHILD_CAMPAIGN").unwrap();
    let mode = std::env::var("CHEK_LEDGER_CHILD_MODE").unwrap();
    let prefix = std::env::var("CHEK_LEDGER_CHILD_PREFIX").unwrap();
    if mode == "open" {
        // Opened at the same moment as the other children: the file may not exist yet.
        let r = Ledger::open(&target).and_then(|l| {
            let c = campaign(&id, "");
            let n = prefix.bytes().fold(7u64, |h, b| h * 31 + u64::from(b)) % 1_000_000_000;
            let q = qr(n);
            l.settle(&settlement(&c, &prefix, &q), &mut evaluator(&c, &q))
        });
        match r {
            Ok(_) => println!("opened=ok"),
            Err(e) => println!("opened=err {} {e}", e.code()),
        }
        return;
    }
    let l = Ledger::open(&target).unwrap();
    let c = Arc::new(campaign(&id, ""));
    match mode.as_str() {
        "race" => {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    let (l, c, prefix) = (l.clone(), c.clone(), prefix.clone());
                    thread::spawn(move || {
                        let s = settle(&l, &c, &format!("{prefix}-t{t}"), &qr(424_242));
                        u64::from(s.status == ReceiptStatus::Accepted)
                    })
                })
                .collect();
            let n: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
            println!("accepted={n}");
        }
        "batch" | "single" => {
            let base = if mode == "batch" {
                10_000_000
            } else {
                20_000_000
            };
            for b in 0u64.. {
                let qrs: Vec<String> = (0..CHILD_BATCH)
                    .map(|k| qr(base + b * CHILD_BATCH + k))
                    .collect();
                let items: Vec<Settlement> = qrs
                    .iter()
                    .enumerate()
                    .map(|(k, q)| settlement(&c, &format!("{prefix}-{}", k % 7), q))
                    .collect();
                if mode == "batch" {
                    let out = l
                        .settle_batch(&items, &mut |i, h| evaluator(&c, &qrs[i])(h))
                        .unwrap();
                    assert!(out.iter().all(|r| {
                        r.as_ref()
                            .is_ok_and(|s| s.status == ReceiptStatus::Accepted)
                    }));
                } else {
                    for (s, q) in items.iter().zip(&qrs) {
                        l.settle(s, &mut evaluator(&c, q)).unwrap();
                    }
                }
                println!("committed {b}");
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The two backends.

fn sqlite() -> Option<(Ledger, String)> {
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.sqlite", unique("t")));
    let target = path.to_string_lossy().into_owned();
    Some((Ledger::open(&target).unwrap(), target))
}

fn postgres() -> Option<(Ledger, String)> {
    let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
        eprintln!(
            "\n!!! CHEK_TEST_PG_URL is not set: PostgreSQL ledger test SKIPPED (scripts/test sets it) !!!\n"
        );
        return None;
    };
    Some((Ledger::open(&url).unwrap(), url))
}

macro_rules! suite {
    ($backend:ident: $($name:ident),* $(,)?) => {
        mod $backend {
            $(
                #[test]
                fn $name() {
                    super::$name(super::$backend);
                }
            )*
        }
    };
}

suite!(sqlite:
    batches_of_many_participants,
    exactly_once_across_participants,
    idempotent_retry,
    participant_cap_under_concurrency,
    budget_under_concurrency,
    recheck_flow,
    draws_once_per_period,
    report_and_segments,
    participant_history_and_balances,
    language_reason_and_peek,
    hostile_input,
    exactly_once_across_processes,
    crash_mid_batch,
    failed_write_leaves_nothing,
    panicking_evaluation_leaves_no_locks,
    long_history_caps_hold,
);

suite!(postgres:
    batches_of_many_participants,
    exactly_once_across_participants,
    idempotent_retry,
    participant_cap_under_concurrency,
    budget_under_concurrency,
    recheck_flow,
    draws_once_per_period,
    report_and_segments,
    participant_history_and_balances,
    language_reason_and_peek,
    hostile_input,
    exactly_once_across_processes,
    crash_mid_batch,
    failed_write_leaves_nothing,
    panicking_evaluation_leaves_no_locks,
    long_history_caps_hold,
);

#[test]
fn in_memory_and_targets() {
    for t in ["sqlite::memory:", ":memory:"] {
        let l = Ledger::open(t).unwrap();
        assert_eq!(l.backend(), chek_store::Backend::Sqlite);
        assert_eq!(l.schema_version().unwrap(), chek_store::SCHEMA_VERSION);
    }
    let err = Ledger::open("/nonexistent-dir/x/y.sqlite").unwrap_err();
    assert_eq!(err.code(), "store.open");
    assert!(!err.hint(Lang::Ru).is_empty());
    // A refused PostgreSQL connection names no password.
    let err = Ledger::open("postgres://chek:topsecret@127.0.0.1:1/chek").unwrap_err();
    assert_eq!(err.code(), "store.open");
    assert!(!format!("{err} {err:?}").contains("topsecret"), "{err:?}");
    let l = Ledger::open(":memory:").unwrap();
    assert!(!format!("{l:?}").is_empty());
}

#[test]
fn reopening_keeps_data_and_schema() {
    let (l, target) = sqlite().unwrap();
    let id = unique("reopen");
    let c = campaign(&id, "");
    settle(&l, &c, "tg:1", &qr(1));
    drop(l);
    let l = Ledger::open(&format!("sqlite:{target}")).unwrap();
    assert_eq!(l.schema_version().unwrap(), chek_store::SCHEMA_VERSION);
    assert_eq!(l.audit(&id).unwrap().accepted, 1);
}

/// TLS to PostgreSQL, libpq style. `scripts/pg` serves TLS with a throwaway CA
/// (`CHEK_TEST_PG_CA`) and a certificate for 127.0.0.1 and localhost. The failures prove the
/// certificate really is checked: a connection would succeed without it.
#[test]
fn postgres_over_tls() {
    let (Ok(url), Ok(ca)) = (
        std::env::var("CHEK_TEST_PG_URL"),
        std::env::var("CHEK_TEST_PG_CA"),
    ) else {
        eprintln!("CHEK_TEST_PG_URL / CHEK_TEST_PG_CA not set: PostgreSQL TLS test skipped");
        return;
    };
    let with = |q: &str| format!("{url}?{q}");
    let open_err = |target: &str| match Ledger::open(target) {
        Ok(_) => panic!("{target} opened"),
        Err(e) => {
            assert_eq!(e.code(), "store.open", "{e}");
            e.to_string()
        }
    };
    // Verified against the CA, by name (an IP address here): a full round trip works.
    let l = Ledger::open(&with(&format!("sslmode=verify-full&sslrootcert={ca}"))).unwrap();
    let id = unique("tls");
    let c = campaign(&id, "");
    assert_eq!(
        settle(&l, &c, "tg:1", &qr(1)).status,
        ReceiptStatus::Accepted
    );
    // The same server under a name its certificate does not carry: verify-full refuses,
    // verify-ca (chain only) accepts.
    let port = url
        .rsplit_once(':')
        .and_then(|(_, p)| p.split('/').next())
        .unwrap()
        .to_owned();
    let renamed = format!("postgres://chek@db.invalid:{port}/postgres?hostaddr=127.0.0.1");
    let e = open_err(&format!("{renamed}&sslmode=verify-full&sslrootcert={ca}"));
    assert!(e.contains("certificate"), "{e}");
    Ledger::open(&format!("{renamed}&sslmode=verify-ca&sslrootcert={ca}")).unwrap();
    // A root that did not sign the server's certificate: refused.
    let stranger = std::path::Path::new(&ca).with_file_name("server.crt");
    let e = open_err(&with(&format!(
        "sslmode=verify-ca&sslrootcert={}",
        stranger.display()
    )));
    assert!(e.contains("certificate"), "{e}");
    // Verifying without a root certificate is a usage error, said before connecting.
    assert!(open_err(&with("sslmode=verify-full")).contains("sslrootcert"));
    assert!(open_err(&with("sslmode=sometimes")).contains("sslmode"));
    // Encrypted without checking (libpq's require), and plain: both connect.
    Ledger::open(&with("sslmode=require")).unwrap();
    let plain = Ledger::open(&with("sslmode=disable")).unwrap();
    assert_eq!(plain.report(&id).unwrap().total.accepted, 1);
}

// ---------------------------------------------------------------------------------------------
// Issue 21: a ledger under load, readers beside a writer, targets that are not ledgers.

/// Holds the SQLite write lock of `target` (an uncommitted write) from another connection, as
/// another process would, until the returned sender is dropped or sent to.
fn hold_write_lock(target: &str) -> (std::sync::mpsc::Sender<()>, thread::JoinHandle<()>) {
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let path = target.to_owned();
    let h = thread::spawn(move || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO participants (campaign, participant, lang, created_at)
             VALUES ('lock-holder', 'x', 'ru', '2026-09-20 09:00:00.000000');",
        )
        .unwrap();
        locked_tx.send(()).unwrap();
        let _ = release_rx.recv();
        conn.execute_batch("COMMIT").unwrap();
    });
    locked_rx.recv().unwrap();
    (release_tx, h)
}

/// A writer that holds the lock longer than one busy timeout (the old 10 s limit) delays a
/// settle; it does not refuse it.
#[test]
fn sqlite_settle_waits_out_a_long_write_lock() {
    let (l, target) = sqlite().unwrap();
    let id = unique("longlock");
    let c = campaign(&id, "");
    let (release, holder) = hold_write_lock(&target);
    let releaser = thread::spawn(move || {
        thread::sleep(std::time::Duration::from_secs(12));
        drop(release);
    });
    // A process starting meanwhile opens the ledger and settles too.
    let (t2, id2) = (target.clone(), id.clone());
    let opener = thread::spawn(move || {
        let c2 = campaign(&id2, "");
        let l2 = Ledger::open(&t2)?;
        l2.settle(
            &settlement(&c2, "tg:2", &qr(2)),
            &mut evaluator(&c2, &qr(2)),
        )
    });
    let s = l.settle(&settlement(&c, "tg:1", &qr(1)), &mut evaluator(&c, &qr(1)));
    releaser.join().unwrap();
    holder.join().unwrap();
    assert_eq!(s.unwrap().status, ReceiptStatus::Accepted);
    assert_eq!(
        opener.join().unwrap().unwrap().status,
        ReceiptStatus::Accepted
    );
    assert_eq!(assert_sound(&l, &id).accepted, 2);
}

/// Many processes starting at once on a ledger that does not exist yet: every one opens it
/// (one creates and migrates, the others wait for it) and settles.
#[test]
fn sqlite_many_openers_of_a_new_ledger() {
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for round in 0..8 {
        let path = dir.join(format!("{}.sqlite", unique("openers")));
        let target = path.to_string_lossy().into_owned();
        let id = unique("openers");
        let children: Vec<_> = (0..THREADS)
            .map(|p| {
                child(&target, &id, "open", &format!("r{round}p{p}"))
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for ch in children {
            let out = ch.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && text.contains("opened=ok"),
                "round {round}: a process could not open the new ledger: {text}"
            );
        }
        let l = Ledger::open(&target).unwrap();
        assert_eq!(assert_sound(&l, &id).accepted, THREADS as u64);
    }
}

/// Opening an up-to-date ledger and reading it (report, segments, lots, draws) needs no write
/// lock: all of it runs while another process holds one.
#[test]
fn sqlite_readers_do_not_wait_for_a_writer() {
    let (l, target) = sqlite().unwrap();
    let id = unique("readers");
    let c = campaign(&id, "");
    settle(&l, &c, "tg:1", &qr(1));
    drop(l);
    let (release, holder) = hold_write_lock(&target);
    let opts = chek_store::OpenOptions::existing().busy_wait(std::time::Duration::from_secs(2));
    let read = (|| {
        let r = Ledger::open_with(&target, &opts)?;
        let report = r.report(&id)?;
        r.segment(&id, "duplicate")?;
        r.draws(&id)?;
        let lots =
            r.lots_by_participant(&id, now() - TimeDelta::days(1), now() + TimeDelta::days(1))?;
        Ok::<_, StoreError>((report.total.accepted, lots))
    })();
    drop(release);
    holder.join().unwrap();
    let (accepted, lots) = read.unwrap();
    assert_eq!(accepted, 1);
    assert_eq!(lots, vec![("tg:1".to_owned(), 1)]);
}

/// A typo in a path does not create an empty ledger, and an SQLite file of another program is
/// refused and left as it was (no chek tables added).
#[test]
fn sqlite_missing_and_foreign_files() {
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join(format!("{}.sqlit", unique("typo")));
    let target = missing.to_string_lossy().into_owned();
    let e = Ledger::open_with(&target, &chek_store::OpenOptions::existing()).unwrap_err();
    assert_eq!(e.code(), "store.not_found", "{e}");
    assert!(!missing.exists(), "a missing ledger is not created");
    assert!(!e.hint(Lang::En).is_empty());

    let foreign = dir.join(format!("{}.sqlite", unique("foreign")));
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');")
        .unwrap();
    drop(conn);
    let target = foreign.to_string_lossy().into_owned();
    let e = Ledger::open(&target).unwrap_err();
    assert_eq!(e.code(), "store.foreign", "{e}");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables, vec!["notes".to_owned()]);
    // Another program's mark: refused even when empty.
    conn.execute_batch("DROP TABLE notes; PRAGMA application_id = 1234;")
        .unwrap();
    drop(conn);
    assert_eq!(Ledger::open(&target).unwrap_err().code(), "store.foreign");

    // Not an SQLite file at all.
    let text = dir.join(format!("{}.sqlite", unique("text")));
    std::fs::write(&text, "just some text, not a database, long enough to have a header....................................................").unwrap();
    let e = Ledger::open(&text.to_string_lossy()).unwrap_err();
    assert_eq!(e.code(), "store.foreign", "{e}");

    // chek's own files are marked, and a ledger from before the mark still opens.
    let (l, target) = sqlite().unwrap();
    drop(l);
    let conn = rusqlite::Connection::open(&target).unwrap();
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x6368_656b);
    conn.execute_batch("PRAGMA application_id = 0").unwrap();
    drop(conn);
    Ledger::open_with(&target, &chek_store::OpenOptions::existing()).unwrap();
}

/// A PostgreSQL "server" that accepts the connection and never answers: the open gives up
/// after the connect timeout instead of hanging.
#[test]
fn postgres_silent_server_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let keep = thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().take(4) {
            held.push(s);
        }
        thread::sleep(std::time::Duration::from_secs(30));
        drop(held);
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let url = format!("postgres://chek:topsecret@127.0.0.1:{port}/chek");
    thread::spawn(move || {
        let opts =
            chek_store::OpenOptions::default().connect_timeout(std::time::Duration::from_secs(1));
        let _ = tx.send(Ledger::open_with(&url, &opts).map(|_| ()));
    });
    let r = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the open hung on a silent server");
    let e = r.unwrap_err();
    assert_eq!(e.code(), "store.open", "{e}");
    assert!(!e.to_string().contains("topsecret"));
    drop(keep);
}

/// Every URL in a message loses its password, wherever it stands.
#[test]
fn passwords_are_redacted_everywhere() {
    let msg = "could not open postgres://app:hunter2@db:5432/chek (also postgresql://x:y2@h?sslmode=require) host=h password=pw3 user=u";
    let r = chek_store::redact(msg);
    for secret in ["hunter2", "y2@", "pw3"] {
        assert!(!r.contains(secret), "{r}");
    }
    assert!(r.contains("postgres://app:***@db:5432/chek"), "{r}");
}

/// A ledger of schema 1 (before the running totals) is brought up to date on open: the totals
/// are filled from its receipts.
#[test]
fn sqlite_schema_1_ledger_gets_running_totals() {
    let (l, target) = sqlite().unwrap();
    let id = unique("v1");
    let c = campaign(&id, "");
    for i in 1..=5 {
        settle(&l, &c, &format!("tg:{}", i % 2), &qr(i));
    }
    drop(l);
    let conn = rusqlite::Connection::open(&target).unwrap();
    conn.execute_batch(
        "DROP TRIGGER accruals_chained; DROP INDEX accruals_chain; DROP TABLE chain_heads;
         DROP TRIGGER draws_reveal_once;
         ALTER TABLE accruals DROP COLUMN seq; ALTER TABLE accruals DROP COLUMN prev_hash;
         ALTER TABLE accruals DROP COLUMN hash; ALTER TABLE draws DROP COLUMN seq;
         ALTER TABLE draws DROP COLUMN prev_hash; ALTER TABLE draws DROP COLUMN hash;
         ALTER TABLE draws DROP COLUMN reveal_seq; ALTER TABLE draws DROP COLUMN reveal_prev_hash;
         ALTER TABLE draws DROP COLUMN reveal_hash;
         DROP TABLE participant_buckets; DROP TABLE participant_totals;
         DROP TRIGGER draws_no_delete;
         ALTER TABLE draws DROP COLUMN prize_set; ALTER TABLE draws DROP COLUMN from_day;
         ALTER TABLE draws DROP COLUMN to_day; ALTER TABLE draws DROP COLUMN beacon_source;
         ALTER TABLE draws DROP COLUMN beacon_round; ALTER TABLE draws DROP COLUMN drawn_at;
         DROP TABLE engage_docs; DROP TABLE engage_events; DROP TABLE outbox;
         DELETE FROM schema_version WHERE version > 1;",
    )
    .unwrap();
    drop(conn);
    let l = Ledger::open_with(&target, &chek_store::OpenOptions::existing()).unwrap();
    assert_eq!(l.schema_version().unwrap(), chek_store::SCHEMA_VERSION);
    let a = assert_sound(&l, &id);
    assert_eq!(
        (a.participant_counter_receipts, a.participant_counter_lots),
        (5, 5)
    );
    // ...and its accruals are chained (schema step 5), in row order.
    let chain = l.verify_chain(Some(&id)).unwrap();
    assert!(chain.is_intact(), "{chain:?}");
    assert_eq!(chain.chains[0].links, 5);
}

/// The draws table is append-only below the API too: a recorded result cannot be rewritten
/// nor a draw deleted, even with SQL.
#[test]
fn sqlite_draws_cannot_be_rewritten_with_sql() {
    let (l, target) = sqlite().unwrap();
    let id = unique("tamper");
    let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    l.record_draw(&DrawRecord::commitment(
        id.clone(),
        "w",
        day(1),
        day(7),
        seed_commitment(&[1u8; 16]),
        "drand-quicknet",
        "1",
        now(),
    ))
    .unwrap();
    drop(l);
    let conn = rusqlite::Connection::open(&target).unwrap();
    for sql in [
        "UPDATE draws SET seed_commitment = 'x'",
        "UPDATE draws SET recorded_at = '2026-10-01 00:00:00.000000'",
        "DELETE FROM draws",
    ] {
        assert!(conn.execute_batch(sql).is_err(), "{sql} was allowed");
    }
    // A reveal without its chain link is refused too (schema step 5).
    assert!(
        conn.execute_batch(
            "UPDATE draws SET result = '{}', drawn_at = '2026-10-01 00:00:00.000000'"
        )
        .is_err(),
        "a reveal brings its chain link"
    );
    conn.execute_batch(
        "UPDATE draws SET result = '{}', drawn_at = '2026-10-01 00:00:00.000000',
           reveal_seq = 2, reveal_prev_hash = hash, reveal_hash = 'x'",
    )
    .unwrap();
    assert!(
        conn.execute_batch("UPDATE draws SET result = '[]'")
            .is_err(),
        "a result is written once"
    );
}

/// Two callers settle batches naming the same participants in opposite orders, round after
/// round, started together. Items used to take their locks as they came, so each batch held
/// what the other wanted and PostgreSQL broke a deadlock (a second lost, the batch run again)
/// nearly every round. Batches now take their locks sorted, all at once: no deadlock at all.
/// Counted on a database of the test's own (`pg_stat_database.deadlocks`), so other tests'
/// traffic cannot count.
#[test]
fn postgres_opposite_batches_do_not_deadlock() {
    let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
        eprintln!("\n!!! CHEK_TEST_PG_URL is not set: PostgreSQL deadlock test SKIPPED !!!\n");
        return;
    };
    let db = unique("deadlocks").replace('-', "_");
    let (base, _) = url.rsplit_once('/').unwrap();
    let own_url = format!("{base}/{db}");
    let admin = |sql: String| {
        let url = url.clone();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            let driver = tokio::spawn(conn);
            let out = if sql.starts_with("SELECT") {
                let rows = client.query(&sql, &[]).await.unwrap();
                rows.first().map(|r| r.get::<_, i64>(0))
            } else {
                client.batch_execute(&sql).await.unwrap();
                None
            };
            driver.abort();
            out
        })
    };
    admin(format!("CREATE DATABASE {db}"));

    let id = unique("opposite");
    let c = campaign(&id, "");
    const ROUNDS: u64 = 12;
    const WIDTH: u64 = 8;
    {
        let l = Ledger::open(&own_url).unwrap();
        let gate = Barrier::new(2);
        thread::scope(|s| {
            for side in 0..2u64 {
                let (l, c, gate) = (&l, &c, &gate);
                s.spawn(move || {
                    for round in 0..ROUNDS {
                        let mut who: Vec<u64> = (0..WIDTH).collect();
                        if side == 1 {
                            who.reverse();
                        }
                        let qrs: Vec<String> = who
                            .iter()
                            .map(|p| qr(1_000 + side * 100_000 + round * 100 + p))
                            .collect();
                        let items: Vec<Settlement> = who
                            .iter()
                            .zip(&qrs)
                            .map(|(p, q)| settlement(c, &format!("p{p}"), q))
                            .collect();
                        gate.wait();
                        let out = l
                            .settle_batch(&items, &mut |i, h| evaluator(c, &qrs[i])(h))
                            .unwrap();
                        assert!(out.iter().all(|r| {
                            r.as_ref()
                                .is_ok_and(|s| s.status == ReceiptStatus::Accepted)
                        }));
                    }
                });
            }
        });
        let a = assert_sound(&l, &id);
        assert_eq!(a.accepted, 2 * ROUNDS * WIDTH);
    }
    // The pool's sessions are closed; each reports its counts as it ends.
    let mut left = Some(1);
    for _ in 0..100 {
        left = admin(format!(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{db}'"
        ));
        if left == Some(0) {
            break;
        }
        thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(left, Some(0), "the ledger's sessions did not end");
    let deadlocks = admin(format!(
        "SELECT deadlocks FROM pg_stat_database WHERE datname = '{db}'"
    ));
    admin(format!("DROP DATABASE {db}"));
    assert_eq!(deadlocks, Some(0), "batches deadlocked");
}
