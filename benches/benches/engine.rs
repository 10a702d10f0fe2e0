//! Receipts per second through `Engine::process` for QR-string input with the offline
//! verifier: scan-free pipeline (parse, validate, campaign pre-check, campaign, ledger settle in
//! one transaction). Targets: at least 10 000/s on SQLite, 3 000/s on PostgreSQL.
//!
//! SQLite runs in a temporary file (WAL), as a campaign would; PostgreSQL runs when
//! `CHEK_TEST_PG_URL` is set (`scripts/pg start` prints one). Each receipt is new (a fresh ФД),
//! spread over 10 000 participants, so every submission is a real accrual, never a duplicate.
#![allow(missing_docs, clippy::print_stderr)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use chek::campaign::Campaign;
use chek::engine::{Engine, Input, OutcomeStatus, Submission, Verification};
use chek::store::Ledger;
use chek::verify::RecheckPolicy;
use chrono::{NaiveDate, NaiveDateTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CAMPAIGN: &str = r#"
id = "bench-engine-RUN"
name = "Бенчмарк"
[when]
start = "2026-11-01"
end = "2026-11-30"
[what]
min_total = "300"
require_verification = false
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
[limits]
receipts_per_day = 1000
"#;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

/// A fresh receipt each call: ФД counts up, so nothing is a duplicate.
fn submission(n: u32) -> Submission {
    let qr = format!(
        "t=20261115T1200&s={}.00&fn=7281440500751551&i={n}&fp={}&n=1",
        500 + n % 2000,
        1_000_000 + n
    );
    Submission::new(format!("p{}", n % 10_000), Input::QrText(qr)).received_at(now())
}

fn engine(db: &str) -> Engine {
    // A fresh campaign id per run: a PostgreSQL database outlives the benchmark.
    let run = chrono::Utc::now().timestamp_micros();
    let toml = CAMPAIGN.replace("RUN", &run.to_string());
    let campaign = Campaign::from_toml(&toml).unwrap_or_else(|e| panic!("campaign: {e}"));
    let ledger = Ledger::open(db).unwrap_or_else(|e| panic!("ledger {db}: {e}"));
    Engine::new(
        campaign,
        ledger,
        Verification::Offline,
        RecheckPolicy::default(),
    )
}

/// `batch` receipts from `threads` threads; returns the elapsed time.
fn run(e: &Engine, next: &AtomicU32, batch: u32, threads: u32) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..batch / threads {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let o = e.process(submission(n)).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(o.status, OutcomeStatus::Accepted, "{:?}", o.reasons);
                }
            });
        }
    });
    start.elapsed()
}

fn bench_backend(c: &mut Criterion, name: &str, db: &str) {
    let e = engine(db);
    let next = AtomicU32::new(1);
    let batch = 1000;
    let mut g = c.benchmark_group(format!("submit_qr_offline/{name}"));
    g.throughput(Throughput::Elements(u64::from(batch)));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    for threads in [1u32, 4] {
        g.bench_function(format!("{threads}_threads"), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| run(&e, &next, batch, threads)).sum());
        });
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("chek-bench-engine-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("bench.sqlite");
    bench_backend(c, "sqlite", &file.to_string_lossy());
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("CHEK_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => bench_backend(c, "postgres", &url),
        _ => eprintln!("CHEK_TEST_PG_URL is not set: PostgreSQL skipped"),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
