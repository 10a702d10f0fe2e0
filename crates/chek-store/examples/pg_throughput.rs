//! PostgreSQL throughput (issue 21): CALLERS threads (default 8) settle distinct receipts into
//! one PostgreSQL ledger, first for a campaign without a budget, then for one with a
//! budget (`caps.budget_lots`) large enough never to run out, then for one whose budget runs out
//! half-way. Prints receipts per second for each, and checks what it wrote: every receipt
//! settled, the budget never exceeded, the audit sound and the hash chain intact.
//!
//! ```text
//! export CHEK_TEST_PG_URL=$(scripts/pg start)
//! cargo run --release -p chek-store --example pg_throughput -- [N] [CALLERS] [BATCH]
//! ```
//! N (default 20 000) receipts per mode, each mode in a campaign of its own; BATCH (default 1)
//! receipts per call: 1 is `Ledger::settle` (a commit per receipt), more is
//! `Ledger::settle_batch` (a commit per batch).
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chek_core::campaign::Campaign;
use chek_core::fiscal::{Candidate, Channel, FiscalQr};
use chek_store::{Ledger, ReceiptStatus, Settlement, budget_of, needs_campaign_lock};
use chrono::{NaiveDate, NaiveDateTime};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

fn campaign(id: &str, budget: Option<u64>) -> Campaign {
    let caps = budget.map_or_else(String::new, |b| format!("[caps]\nbudget_lots = {b}\n"));
    Campaign::from_toml(&format!(
        r#"id = "{id}"
name = "throughput"
[when]
start = "2026-11-01"
end = "2026-11-30"
[what]
require_verification = false
[[earn]]
id = "r"
kind = "per_receipt"
lots = 1
{caps}"#
    ))
    .unwrap()
}

/// Receipt `n`: a fresh ФД and ФП each, so nothing is a duplicate.
fn qr(n: u64) -> String {
    format!(
        "t=20261115T1200&s=100.00&fn=7281440500751551&i={n}&fp={}&n=1",
        1_000_000 + n
    )
}

fn settlement(c: &Campaign, k: u64) -> (Settlement, Candidate) {
    let q = qr(k + 1);
    // Spread over 10 000 participants: the participant lock is not what is measured.
    let mut st = Settlement::new(
        c.def().id.clone(),
        format!("p{}", k % 10_000),
        Channel::Qr,
        now(),
        q.clone(),
    );
    // As the engine sets them: a budget is declared, so PostgreSQL checks it at commit.
    st.serialize_campaign = needs_campaign_lock(c);
    st.budget = budget_of(c);
    let cand = Candidate::new(q.parse::<FiscalQr>().unwrap(), Channel::Qr);
    (st, cand)
}

/// Settles N receipts from `callers` threads, `batch` per call (1: `settle`, one commit each;
/// more: `settle_batch`, one commit per batch); returns (seconds, accepted, refused).
fn run(l: &Ledger, c: &Campaign, n: u64, callers: u64, batch: u64) -> (f64, u64, u64) {
    let next = AtomicU64::new(0);
    let accepted = AtomicU64::new(0);
    let rejected = AtomicU64::new(0);
    let count = |ok: bool| {
        if ok {
            accepted.fetch_add(1, Ordering::Relaxed);
        } else {
            rejected.fetch_add(1, Ordering::Relaxed);
        }
    };
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..callers {
            s.spawn(|| {
                loop {
                    let from = next.fetch_add(batch, Ordering::Relaxed);
                    if from >= n {
                        break;
                    }
                    let items: Vec<_> = (from..n.min(from + batch))
                        .map(|k| settlement(c, k))
                        .collect();
                    if batch == 1 {
                        let (st, cand) = &items[0];
                        let out = l
                            .settle(st, &mut |h| c.evaluate(cand, h, now()))
                            .unwrap_or_else(|e| panic!("settle: {e}"));
                        count(out.status == ReceiptStatus::Accepted);
                    } else {
                        let sts: Vec<Settlement> = items.iter().map(|i| i.0.clone()).collect();
                        let outs = l
                            .settle_batch(&sts, &mut |i, h| c.evaluate(&items[i].1, h, now()))
                            .unwrap_or_else(|e| panic!("settle_batch: {e}"));
                        for o in outs {
                            let o = o.unwrap_or_else(|e| panic!("settle_batch item: {e}"));
                            count(o.status == ReceiptStatus::Accepted);
                        }
                    }
                }
            });
        }
    });
    (
        t.elapsed().as_secs_f64(),
        accepted.into_inner(),
        rejected.into_inner(),
    )
}

fn main() {
    let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
        eprintln!("set CHEK_TEST_PG_URL (export CHEK_TEST_PG_URL=$(scripts/pg start))");
        std::process::exit(2);
    };
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(20_000, |a| a.parse().unwrap());
    let callers: u64 = args.next().map_or(8, |a| a.parse().unwrap());
    let batch: u64 = args.next().map_or(1, |a| a.parse().unwrap()).max(1);
    let l = Ledger::open(&url).unwrap();
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let modes: [(&str, Option<u64>); 3] = [
        ("no budget", None),
        ("budget (never runs out)", Some(n * 10)),
        ("budget (runs out half-way)", Some(n / 2)),
    ];
    for (name, budget) in modes {
        let id = format!(
            "pg-throughput-{run_id}-{}",
            name.replace([' ', '(', ')'], "")
        );
        let c = campaign(&id, budget);
        let (secs, accepted, rejected) = run(&l, &c, n, callers, batch);
        let a = l.audit(&id).unwrap();
        let chain = l.verify_chain(Some(&id)).unwrap();
        let within = budget.is_none_or(|b| a.counter_lots <= b);
        println!(
            "postgres  {callers} callers × {batch:>3}/commit  {name:<27} {n} receipts in {secs:6.2} s: {:>6.0}/s  \
             (accepted {accepted}, refused {rejected}; audit {}, chain {} {} links, budget {})",
            n as f64 / secs,
            if a.is_sound() { "sound" } else { "BROKEN" },
            if chain.is_intact() {
                "intact"
            } else {
                "BROKEN"
            },
            chain.rows,
            if within { "kept" } else { "EXCEEDED" },
        );
        assert!(a.is_sound(), "{a:?}");
        assert!(chain.is_intact(), "{chain:?}");
        assert_eq!(chain.rows, accepted);
        assert!(within, "budget {budget:?} exceeded: {a:?}");
        if let Some(b) = budget {
            assert_eq!(accepted, b.min(n), "the budget is spent exactly");
        }
    }
}
