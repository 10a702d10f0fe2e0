//! Receipts per second through the engine on SQLite (and PostgreSQL when `CHEK_TEST_PG_URL`
//! is set), counted over a fixed number of receipts per mode on a fresh ledger:
//! `process` from one thread, `process` from four and eight threads (on SQLite they share commits), and
//! `process_batch`. Prints one line per mode, plus the process's CPU time.
//!
//! `cargo run --release -p chek-benches --example engine_rate -- [N]` (N = 20 000 by default).
#![allow(clippy::print_stdout, missing_docs)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use chek::engine::{Engine, OutcomeStatus};
use chek_benches::engine_workload::{engine, submission};

fn check(o: Result<chek::engine::Outcome, chek::engine::EngineError>) {
    match o {
        Ok(o) if o.status == OutcomeStatus::Accepted => {}
        other => panic!("not accepted: {other:?}"),
    }
}

fn one_thread(e: &Engine, next: &AtomicU32, n: u32) {
    for _ in 0..n {
        check(e.process(submission(next.fetch_add(1, Ordering::Relaxed))));
    }
}

fn threads(e: &Engine, next: &AtomicU32, n: u32, k: u32) {
    std::thread::scope(|s| {
        for _ in 0..k {
            s.spawn(|| one_thread(e, next, n / k));
        }
    });
}

fn four(e: &Engine, next: &AtomicU32, n: u32) {
    threads(e, next, n, 4);
}

fn eight(e: &Engine, next: &AtomicU32, n: u32) {
    threads(e, next, n, 8);
}

fn batch(e: &Engine, next: &AtomicU32, n: u32) {
    let subs: Vec<_> = (0..n)
        .map(|_| submission(next.fetch_add(1, Ordering::Relaxed)))
        .collect();
    e.process_batch(subs).into_iter().for_each(check);
}

/// CPU seconds (user + system) this process has used, from /proc (Linux), if readable.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn measure(backend: &str, db: &str, n: u32) {
    type Mode = fn(&Engine, &AtomicU32, u32);
    let modes: [(&str, Mode); 4] = [
        ("process, 1 thread", one_thread),
        ("process, 4 threads", four),
        ("process, 8 threads", eight),
        ("process_batch", batch),
    ];
    for (name, run) in modes {
        // A fresh campaign per mode: each starts from an empty ledger for its campaign.
        let e = engine(db);
        let next = AtomicU32::new(1);
        let cpu0 = cpu_seconds();
        let t = Instant::now();
        run(&e, &next, n);
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
        println!(
            "{backend:<10} {name:<20} {n} receipts in {secs:.2} s: {:>6.0}/s{}",
            f64::from(n) / secs,
            cpu.map_or(String::new(), |c| format!(" (CPU {c:.2} s)"))
        );
    }
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = std::env::temp_dir().join(format!("chek-engine-rate-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("rate.sqlite");
    measure("sqlite", &file.to_string_lossy(), n);
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("CHEK_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => measure("postgres", &url, n),
        _ => println!("postgres   skipped: CHEK_TEST_PG_URL is not set"),
    }
}
