//! Parse a fiscal QR string and print what a chat bot would answer.
//!
//! `cargo run -p chek-examples --example check_qr -- "t=…&s=…&fn=…&i=…&fp=…&n=1"`
#![allow(clippy::print_stdout, missing_docs)]

use chek::fiscal::{FiscalQr, ValidationOptions, has_errors, validate_qr};
use chek::{Coded, Lang};

fn main() {
    let input = std::env::args().nth(1).unwrap_or_else(|| {
        "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".to_owned()
    });
    let now = chrono::Local::now().naive_local();
    match FiscalQr::parse(&input) {
        Ok(qr) => {
            let findings = validate_qr(&qr, now, &ValidationOptions::default());
            if has_errors(&findings) {
                for f in &findings {
                    println!("{}: {}", f.code, f.hint_in(Lang::Ru));
                }
            } else {
                println!(
                    "Чек от {} на {} ₽ принят к проверке ({}).",
                    qr.datetime.format("%d.%m.%Y"),
                    chek::fiscal::format_roubles(qr.total_kopecks),
                    qr.identity()
                );
            }
        }
        Err(e) => println!("{}: {}", e.code(), e.hint(Lang::Ru)),
    }
}
