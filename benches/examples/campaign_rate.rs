//! The campaign benchmark's workload evaluated a fixed number of times, for wall-clock rates
//! and for counting work per decision where wall clocks are noisy: `perf stat` cycles where the
//! machine has hardware counters, callgrind's instruction count (which does not depend on the
//! machine) where it has none. Instructions per decision are the difference between two runs
//! of different N, divided by the difference in N, so the setup cancels out.
//!
//! `cargo run --release -p chek-benches --example campaign_rate -- [N [STORES]]` (with STORES,
//! the campaign takes part by a list of that many stores and the receipt is from the last);
//! `taskset -c 1 target/release/examples/campaign_rate 400000` for one pinned core;
//! `perf stat -e cycles:u,instructions:u target/release/examples/campaign_rate 2000000`;
//! `valgrind --tool=callgrind target/release/examples/campaign_rate 10000` (and 20000).
#![allow(clippy::print_stdout, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use chek_benches::campaign_workload::{store_list_workload, workload};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    // A second argument: the campaign takes part by a store list of that many stores instead
    // of by seller, and the receipt comes from its last store.
    let stores: Option<usize> = std::env::args().nth(2).and_then(|a| a.parse().ok());
    let (campaign, cand, history, now) = workload();
    let (campaign, cand) = match stores {
        Some(n) => store_list_workload(n),
        None => (campaign, cand),
    };
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
