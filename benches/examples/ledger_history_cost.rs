//! Per-receipt settle cost for a participant with a short history and with a long one, on
//! SQLite and (with `CHEK_TEST_PG_URL`) PostgreSQL: a settle must cost the same whether the
//! participant has 10 receipts or 20 000 (issue 21: within 1.5×).
//!
//! ```text
//! cargo run --release -p chek-benches --example ledger_history_cost [LONG] [MEASURE]
//! CHEK_TEST_PG_URL=$(scripts/pg start) cargo run --release -p chek-benches --example ledger_history_cost
//! ```
//! LONG (default 20 000) receipts are settled for one participant first, spread over the
//! campaign's 60 days; then MEASURE (default 500) more are timed for that participant and for
//! one with 10 receipts.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chek::campaign::Campaign;
use chek::fiscal::{Candidate, Channel, FiscalQr};
use chek_store::{Ledger, Settlement};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn qr(i: u64) -> String {
    format!("t=20260901T0900&s=100.00&fn=7281440500751551&i={i}&fp={i}&n=1")
}

fn campaign(id: &str) -> Campaign {
    // Day, week and campaign caps: evaluation reads every window of the history.
    Campaign::from_toml(&format!(
        r#"id = "{id}"
name = "bench"
[when]
start = "2026-09-01"
end = "2026-10-31"
[what]
require_verification = false
[[earn]]
id = "r"
kind = "per_receipt"
lots = 1
[caps]
lots_per_day = 100000
lots_per_week = 1000000
lots_per_campaign = 100000000
[limits]
receipts_per_campaign = 100000000
"#
    ))
    .unwrap()
}

fn settle(l: &Ledger, c: &Campaign, participant: &str, i: u64, at: NaiveDateTime) {
    let q = qr(i);
    let mut s = Settlement::new(c.def().id.clone(), participant, Channel::Qr, at, q.clone());
    s.serialize_campaign = chek_store::needs_campaign_lock(c);
    s.windows = Some(c.history_windows(at));
    let cand = Candidate::new(q.parse::<FiscalQr>().unwrap(), Channel::Qr);
    l.settle(&s, &mut |h| c.evaluate(&cand, h, at)).unwrap();
}

fn per_receipt_us(l: &Ledger, c: &Campaign, participant: &str, from: u64, n: u64) -> f64 {
    let at = start() + TimeDelta::days(59);
    let t = Instant::now();
    for i in from..from + n {
        settle(l, c, participant, i, at);
    }
    t.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn run(label: &str, target: &str, long: u64, measure: u64) {
    let l = Ledger::open(target).unwrap();
    let id = format!(
        "hist-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    let c = campaign(&id);
    // The long history, in batches (one commit per 500), spread over 59 days.
    let t = Instant::now();
    let mut i = 1u64;
    while i <= long {
        let end = (i + 500).min(long + 1);
        let items: Vec<(Settlement, String, NaiveDateTime)> = (i..end)
            .map(|k| {
                let at = start()
                    + TimeDelta::minutes(i64::try_from(k * 59 * 24 * 60 / long.max(1)).unwrap());
                let q = qr(k);
                (
                    Settlement::new(id.clone(), "farmer", Channel::Qr, at, q.clone()),
                    q,
                    at,
                )
            })
            .collect();
        let batch: Vec<Settlement> = items.iter().map(|x| x.0.clone()).collect();
        l.settle_batch(&batch, &mut |k, h| {
            let cand = Candidate::new(items[k].1.parse::<FiscalQr>().unwrap(), Channel::Qr);
            c.evaluate(&cand, h, items[k].2)
        })
        .unwrap();
        i = end;
    }
    let fill = t.elapsed();
    for k in 0..10 {
        settle(
            &l,
            &c,
            "casual",
            10_000_000 + k,
            start() + TimeDelta::days(1),
        );
    }
    // Warm up both, then measure alternately.
    per_receipt_us(&l, &c, "farmer", 20_000_000, 50);
    per_receipt_us(&l, &c, "casual", 30_000_000, 50);
    // In slices of 50, so that what the backend does in the background (SQLite's WAL
    // checkpoints after the fill, PostgreSQL's autovacuum) falls on both alike.
    let (mut farmer, mut casual, mut done) = (0.0, 0.0, 0u64);
    while done < measure {
        let n = (measure - done).min(50);
        farmer += per_receipt_us(&l, &c, "farmer", 21_000_000 + done, n) * n as f64;
        casual += per_receipt_us(&l, &c, "casual", 31_000_000 + done, n) * n as f64;
        done += n;
    }
    let (farmer, casual) = (farmer / measure as f64, casual / measure as f64);
    let audit = l.audit(&id).unwrap();
    assert!(audit.is_sound(), "{audit:?}");
    println!(
        "{label:<8} history {long:>6} receipts (filled in {:.1} s): {farmer:>8.1} µs/receipt; \
         history 10: {casual:>8.1} µs/receipt; ratio {:.2}",
        fill.as_secs_f64(),
        farmer / casual
    );
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let long = args.first().copied().unwrap_or(20_000);
    let measure = args.get(1).copied().unwrap_or(500);
    let dir = std::env::temp_dir().join(format!("chek-history-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ledger.sqlite");
    run("sqlite", &file.to_string_lossy(), long, measure);
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("CHEK_TEST_PG_URL") {
        Ok(url) => run("postgres", &url, long, measure),
        Err(_) => println!("postgres: CHEK_TEST_PG_URL not set, skipped"),
    }
}
