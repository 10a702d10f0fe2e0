//! Per-image figures for `scripts/bench-scan`: our pipeline end to end and on decoded pixels,
//! plain rxing (its try-harder single decode on the original pixels), our file decode alone
//! (`decode_luma`) and the image crate's `load_from_memory` + `into_luma8`, one JSON line per
//! image.
//!
//! `cargo run --release -p chek-benches --example scan_corpus -- LIST.jsonl [--skip a,b] [--budget MS]`
//! where each line of LIST is `{"corpus","path","expected"}` (`expected` empty: nothing fiscal
//! must be read). On the `qr-real` corpus (no fiscal codes) ours runs with `stop_at_any_code`.
#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chek::Coded;
use chek::scan::{ScanOptions, scan, scan_luma};
use rxing::{BarcodeFormat, DecodeHints};
use serde_json::{Value, json};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args
        .first()
        .ok_or("usage: scan_corpus LIST.jsonl [--skip a,b] [--budget MS]")?;
    let mut opts = ScanOptions::default();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--skip" => {
                opts.skip_passes = args[i + 1].split(',').map(str::to_owned).collect();
                i += 1;
            }
            "--budget" => {
                opts.budget = Duration::from_millis(args[i + 1].parse()?);
                i += 1;
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
        i += 1;
    }
    for line in std::fs::read_to_string(list)?.lines() {
        let item: Value = serde_json::from_str(line)?;
        let path = item["path"].as_str().unwrap_or_default();
        let expected = item["expected"].as_str().unwrap_or_default();
        let bytes = std::fs::read(path)?;
        // The real photo sets hold no fiscal codes: there the task is "read the QR", so stop at
        // the first one read, as a general QR reader would.
        let mut opts = opts.clone();
        opts.stop_at_any_code = item["corpus"] == "qr-real";

        let t = Instant::now();
        let decoded = image::load_from_memory(&bytes).map(|i| i.into_luma8());
        let load_ms = ms(t);
        let Ok(luma) = decoded else {
            println!(
                "{}",
                json!({"path": path, "corpus": item["corpus"], "error": "undecodable"})
            );
            continue;
        };
        let (w, h) = luma.dimensions();
        let t = Instant::now();
        let ours_load = chek::scan::decode_luma(&bytes, &opts);
        let ours_load_ms = ms(t);
        assert_eq!(
            ours_load.map(|l| l.dimensions()).ok(),
            Some((w, h)),
            "{path}"
        );

        let t = Instant::now();
        let ours = scan(&bytes, &opts);
        let ours_ms = ms(t);
        let t = Instant::now();
        let ours_px = scan_luma(luma.clone(), &opts);
        let ours_detect_ms = ms(t);

        let stats = ours.as_ref().ok().and_then(|o| o.stats).map(
            |s| json!({"sharpness": s.sharpness, "p5": s.p5, "p95": s.p95, "clipped": s.clipped}),
        );
        let fiscal_text = ours.as_ref().ok().and_then(|o| o.fiscal_text.clone());
        let (ours_ok, pass, diags) = match &ours {
            Ok(o) => {
                let texts: HashSet<&str> = o
                    .fiscal_text
                    .iter()
                    .chain(&o.others)
                    .map(String::as_str)
                    .collect();
                let ok = if expected.is_empty() {
                    o.fiscal.is_none()
                } else {
                    texts.contains(expected)
                };
                let diags: Vec<&str> = o.diagnostics.iter().map(|d| d.code()).collect();
                (ok, o.pass, diags)
            }
            Err(e) => (false, None, vec![e.code()]),
        };
        let ours_px_ok = match &ours_px {
            Ok(o) => {
                if expected.is_empty() {
                    o.fiscal.is_none()
                } else {
                    o.fiscal_text.as_deref() == Some(expected)
                        || o.others.iter().any(|t| t == expected)
                }
            }
            Err(_) => false,
        };

        let t = Instant::now();
        let plain = std::panic::catch_unwind(|| {
            rxing::helpers::detect_in_luma_with_hints(
                luma.as_raw().clone(),
                w,
                h,
                Some(BarcodeFormat::QR_CODE),
                &mut DecodeHints::default(),
            )
            .map(|r| r.getText().to_owned())
        });
        let plain_ms = ms(t);
        let plain_text = match plain {
            Ok(Ok(t)) => Some(t),
            _ => None,
        };
        let plain_ok = if expected.is_empty() {
            plain_text
                .as_deref()
                .is_none_or(|t| chek::fiscal::FiscalQr::parse(t).is_err())
        } else {
            plain_text.as_deref() == Some(expected)
        };
        println!(
            "{}",
            json!({
                "path": path, "corpus": item["corpus"], "kind": item["kind"], "w": w, "h": h,
                "expected_diag": item["diagnostic"],
                "load_ms": load_ms, "ours_load_ms": ours_load_ms,
                "ours_ok": ours_ok, "ours_ms": ours_ms, "ours_detect_ok": ours_px_ok, "ours_detect_ms": ours_detect_ms,
                "pass": pass, "diagnostics": diags, "stats": stats, "fiscal_text": fiscal_text,
                "plain_ok": plain_ok, "plain_ms": plain_ms,
            })
        );
    }
    Ok(())
}
