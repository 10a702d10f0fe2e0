//! Reading receipt texts: time per text on generated receipts with OCR damage, plus the accuracy
//! figures on the same texts (printed once). Targets: under 20 µs per text, whole-receipt exact
//! match ≥ 95%.
#![allow(missing_docs, clippy::print_stderr)]

use std::hint::black_box;

use chek::text::{parse_manual_entry, parse_receipt_text};
use chek_tests::textgen::{generate, generate_clean, score};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let damaged = generate(2026, 500);
    let clean = generate_clean(2026, 500);
    eprintln!(
        "text accuracy, 500 damaged texts (seed 2026):\n{}",
        score(&damaged)
    );

    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Elements(damaged.len() as u64));
    g.bench_function("parse_receipt_text_damaged", |b| {
        b.iter(|| {
            for s in &damaged {
                black_box(parse_receipt_text(black_box(&s.text)));
            }
        })
    });
    g.bench_function("parse_receipt_text_clean", |b| {
        b.iter(|| {
            for s in &clean {
                black_box(parse_receipt_text(black_box(&s.text)));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("manual");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_manual_entry", |b| {
        let typed = "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00";
        b.iter(|| black_box(parse_manual_entry(black_box(typed))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
