//! Field-level and whole-receipt accuracy of `parse_receipt_text` on generated receipt texts with
//! realistic OCR damage (the generator is `chek_tests::textgen`).
//!
//! `cargo run -p chek-examples --example text_accuracy -- [N] [SEED] [--show-failures]
//! [--dump DIR]` (`--dump` writes the first texts to DIR, e.g. to seed the fuzz corpus).
#![allow(clippy::print_stdout, missing_docs)]

use chek::text::parse_receipt_text;
use chek_tests::textgen::{compare, generate, generate_clean, score};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.first().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2026);
    let show = args.iter().any(|a| a == "--show-failures");

    let clean = generate_clean(seed, n);
    println!("== clean texts (seed {seed})\n{}", score(&clean));
    let damaged = generate(seed, n);
    let damage_count = damaged.iter().filter(|s| !s.damage.is_empty()).count();
    println!(
        "== damaged texts (seed {seed}; {damage_count} of {n} with damage)\n{}",
        score(&damaged)
    );
    // Exact match by damage kind: each kind's receipts, and how many were read exactly.
    let mut kinds: Vec<(&str, usize, usize)> = Vec::new();
    for s in &damaged {
        let r = parse_receipt_text(&s.text);
        let ok = compare(&r, &s.expected).iter().all(|&(_, ok)| ok);
        for d in &s.damage {
            match kinds.iter_mut().find(|k| k.0 == *d) {
                Some(k) => {
                    k.1 += 1;
                    k.2 += usize::from(ok);
                }
                None => kinds.push((d, 1, usize::from(ok))),
            }
        }
    }
    println!("by damage kind (receipts with it, exact):");
    for (d, n, ok) in kinds {
        println!("  {d:<20} {n:>5}  {:.1}%", 100.0 * ok as f64 / n as f64);
    }
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
    {
        for (i, s) in damaged.iter().take(8).enumerate() {
            let path = std::path::Path::new(dir).join(format!("generated-{}-{i}", s.layout));
            if let Err(e) = std::fs::write(&path, &s.text) {
                println!("{}: {e}", path.display());
            }
        }
    }
    if show {
        for s in damaged.iter() {
            let r = parse_receipt_text(&s.text);
            let bad: Vec<_> = compare(&r, &s.expected)
                .into_iter()
                .filter(|&(_, ok)| !ok)
                .map(|(f, _)| f)
                .collect();
            if !bad.is_empty() {
                println!(
                    "--- {} {:?} wrong: {bad:?}\n{}\n",
                    s.layout, s.damage, s.text
                );
            }
        }
    }
}
