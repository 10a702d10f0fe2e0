//! The campaign benchmark's workload evaluated a fixed number of times, for counting CPU cycles
//! per decision with `perf stat` (cycles are counted only while the process runs, so the figure
//! holds on a machine busy with other work, where wall-clock throughput does not).
//!
//! `cargo run --release -p chek-benches --example campaign_rate -- [N]`, or
//! `perf stat -e cycles:u,instructions:u target/release/examples/campaign_rate 2000000`.
#![allow(clippy::print_stdout, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use chek_benches::campaign_workload::workload;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let (campaign, cand, history, now) = workload();
    let t = Instant::now();
    let mut lots = 0u64;
    for _ in 0..n {
        lots = lots.wrapping_add(
            black_box(campaign.evaluate(black_box(&cand), black_box(&history), now)).lots,
        );
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} decisions in {secs:.3} s wall clock: {:.0} per second ({lots} lots)",
        n as f64 / secs
    );
}
