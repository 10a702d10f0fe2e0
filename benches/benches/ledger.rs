//! Settles per second through the ledger alone, with an accept-all closure (the campaign and the
//! rest of the pipeline are measured elsewhere): SQLite (a WAL file in target/), and PostgreSQL
//! when `CHEK_TEST_PG_URL` is set (`scripts/pg start`). Each settle is a new receipt from one of
//! 10 000 participants: one transaction with the history read, the submission, the receipt row,
//! the accrual and the counters. `settle_batch` puts 100 settles in one transaction.
//!
//! Pipeline targets: ≥ 10 000/s on SQLite, ≥ 3 000/s on PostgreSQL; the ledger must be well above.
#![allow(missing_docs, clippy::unwrap_used, clippy::print_stderr)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chek::campaign::{Decision, Id, Status};
use chek::fiscal::Channel;
use chek_store::{Ledger, Settlement};
use chrono::{NaiveDate, NaiveDateTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PARTICIPANTS: u64 = 10_000;
const BATCH: u64 = 100;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// A fresh receipt number for every settle, across benches and threads.
static NEXT: AtomicU64 = AtomicU64::new(1);

fn settlement(campaign: &str, n: u64) -> Settlement {
    let qr = format!("t=20260915T1200&s=100.00&fn=7281440500751551&i={n}&fp={n}&n=1");
    let mut s = Settlement::new(
        campaign,
        format!("tg:{}", n % PARTICIPANTS),
        Channel::Qr,
        now(),
        qr,
    );
    s.serialize_campaign = false;
    s
}

fn accept(campaign: &Id, s: &Settlement) -> Decision {
    let qr: chek::fiscal::FiscalQr = s.qr.parse().unwrap();
    Decision {
        campaign: *campaign,
        receipt: qr.identity(),
        status: Status::Accepted,
        lots: 1,
        points: 0,
        lots_before_caps: 1,
        points_before_caps: 0,
        reasons: Vec::new(),
    }
}

fn settle_n(l: &Ledger, campaign: &Id, iters: u64) {
    for _ in 0..iters {
        let s = settlement(campaign, NEXT.fetch_add(1, Ordering::Relaxed));
        let out = l.settle(&s, &mut |_| accept(campaign, &s)).unwrap();
        assert!(!out.replayed);
    }
}

fn bench_backend(c: &mut Criterion, name: &str, l: &Ledger) {
    let campaign = Id::new(&format!("bench-{name}-{}", std::process::id())).unwrap();
    let mut g = c.benchmark_group(format!("ledger_{name}"));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements(1));
    g.bench_function("settle", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            settle_n(l, &campaign, iters);
            t.elapsed()
        });
    });
    for threads in [4u64, 8] {
        g.bench_function(format!("settle_{threads}_threads"), |b| {
            b.iter_custom(|iters| {
                let t = Instant::now();
                std::thread::scope(|sc| {
                    for k in 0..threads {
                        let (l, campaign) = (l.clone(), campaign);
                        let n = iters / threads + u64::from(k < iters % threads);
                        sc.spawn(move || settle_n(&l, &campaign, n));
                    }
                });
                t.elapsed()
            });
        });
    }
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("settle_batch_100", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let batch: Vec<Settlement> = (0..BATCH)
                    .map(|_| settlement(&campaign, NEXT.fetch_add(1, Ordering::Relaxed)))
                    .collect();
                let t = Instant::now();
                let out = l
                    .settle_batch(&batch, &mut |i, _| accept(&campaign, &batch[i]))
                    .unwrap();
                spent += t.elapsed();
                assert!(out.iter().all(Result::is_ok));
            }
            spent
        });
    });
    g.finish();
    let a = l.audit(&campaign).unwrap();
    assert!(a.is_sound(), "{a:?}");
}

fn ledger(c: &mut Criterion) {
    let dir = chek_tests::repo_dir().join("target").join("ledger-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("bench-{}.sqlite", std::process::id()));
    let l = Ledger::open(&path.to_string_lossy()).unwrap();
    bench_backend(c, "sqlite", &l);
    drop(l);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    match std::env::var("CHEK_TEST_PG_URL") {
        Ok(url) => bench_backend(c, "postgres", &Ledger::open(&url).unwrap()),
        Err(_) => {
            eprintln!("CHEK_TEST_PG_URL unset: PostgreSQL ledger bench skipped (scripts/pg start)")
        }
    }
}

criterion_group!(benches, ledger);
criterion_main!(benches);
