//! Decisions per second for a realistic campaign: 10 rules, 20-item verified receipts, a
//! participant with a history (`chek_benches::campaign_workload`). Target: at least 1 000 000
//! decisions per second on one core.
#![allow(missing_docs)]

use std::hint::black_box;

use chek_benches::campaign_workload::{store_list_workload, workload};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let (campaign, cand, history, now) = workload();
    let mut g = c.benchmark_group("campaign");
    g.throughput(Throughput::Elements(1));
    g.bench_function("evaluate_20_items_10_rules", |b| {
        b.iter(|| black_box(campaign.evaluate(black_box(&cand), black_box(&history), now)))
    });
    // A chain that takes part by its store list: 20 000 registers, the receipt from the last.
    let (stores, from_last) = store_list_workload(20_000);
    let d = stores.evaluate(&from_last, &history, now);
    assert!(d.lots > 0, "the last store takes part: {:?}", d.reasons);
    g.bench_function("evaluate_20000_store_list", |b| {
        b.iter(|| black_box(stores.evaluate(black_box(&from_last), black_box(&history), now)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
