//! Parse + validate of real fiscal QR strings. Target: under 200 ns per QR.
#![allow(missing_docs)]

use std::hint::black_box;

use chek::fiscal::{FiscalQr, ValidationOptions, validate_qr};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const QRS: &[&str] = &[
    "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1",
    "t=20190418T211655&s=3943.26&fn=9282000100072197&i=64318&fp=2918241905&n=1",
    "t=20181228T1319&s=299.90&fn=9286000100125664&i=967&fp=841348588&n=1",
    "t=20250104T1931&s=619.00&fn=7380440801185382&i=169111&fp=3769337301&n=1",
];

fn bench(c: &mut Criterion) {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap_or_default();
    let opts = ValidationOptions::default();
    let mut g = c.benchmark_group("fiscal");
    g.throughput(Throughput::Elements(QRS.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for q in QRS {
                let _ = black_box(FiscalQr::parse(black_box(q)));
            }
        })
    });
    g.bench_function("parse_validate", |b| {
        b.iter(|| {
            for q in QRS {
                if let Ok(qr) = FiscalQr::parse(black_box(q)) {
                    black_box(validate_qr(&qr, now, &opts));
                }
            }
        })
    });
    g.bench_function("parse_url_wrapped", |b| {
        let wrapped = "https://check.example/?t%3D20240917T1801%26s%3D1285.21%26fn%3D7281440500751551%26i%3D30526%26fp%3D1168453787%26n%3D1";
        b.iter(|| black_box(FiscalQr::parse(black_box(wrapped))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
