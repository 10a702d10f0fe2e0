//! Receipts per second through the engine for QR-string input with the offline verifier:
//! scan-free pipeline (parse, validate, campaign pre-check, campaign, ledger settle). Three
//! ways in: `process` from one thread (one commit per receipt), `process` from four threads
//! (concurrent calls share commits), and `process_batch` (256 receipts per commit). Targets:
//! at least 10 000/s on SQLite, 3 000/s on PostgreSQL.
//!
//! SQLite runs in a temporary file (WAL), as a campaign would; PostgreSQL runs when
//! `CHEK_TEST_PG_URL` is set (`scripts/pg start` prints one). Each receipt is new (a fresh ФД),
//! spread over 10 000 participants, so every submission is a real accrual, never a duplicate.
#![allow(missing_docs, clippy::print_stderr)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use chek::engine::{Engine, OutcomeStatus, Submission};
use chek_benches::engine_workload::{engine, submission};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `batch` receipts from `threads` threads, each calling `process` (concurrent calls share
/// commits); returns the elapsed time.
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

/// `batch` receipts through one `process_batch` call (256 per commit).
fn run_batch(e: &Engine, next: &AtomicU32, batch: u32) -> Duration {
    let subs: Vec<Submission> = (0..batch)
        .map(|_| submission(next.fetch_add(1, Ordering::Relaxed)))
        .collect();
    let start = Instant::now();
    for o in e.process_batch(subs) {
        let o = o.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.status, OutcomeStatus::Accepted, "{:?}", o.reasons);
    }
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
    g.bench_function("process_batch", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| run_batch(&e, &next, batch)).sum());
    });
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
