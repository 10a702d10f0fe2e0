//! `chek qr`: parse and check fiscal QR strings.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use chek::fiscal::{FiscalQr, ValidationOptions, has_errors, validate_qr};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;

use crate::output::{OutputArgs, error_json, findings_text, qr_json};

/// Arguments of `chek qr`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// QR strings; `-` reads one per line from stdin.
    #[arg(required = true, value_name = "STRING")]
    inputs: Vec<String>,
    #[command(flatten)]
    out: OutputArgs,
    /// Validate against this local time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
}

pub(crate) fn parse_now(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").map_err(|e| e.to_string())
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let now = args
        .now
        .unwrap_or_else(|| chrono::Local::now().naive_local());
    let opts = ValidationOptions::default();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut all_ok = true;
    for input in &args.inputs {
        if input == "-" {
            for line in io::stdin().lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                all_ok &= one(&mut out, &line, now, &opts, &args.out)?;
            }
        } else {
            all_ok &= one(&mut out, input, now, &opts, &args.out)?;
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn one(
    out: &mut impl Write,
    input: &str,
    now: NaiveDateTime,
    opts: &ValidationOptions,
    o: &OutputArgs,
) -> io::Result<bool> {
    match FiscalQr::parse(input) {
        Ok(qr) => {
            let findings = validate_qr(&qr, now, opts);
            if o.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::Value::Object(qr_json(&qr, &findings, o.lang))
                )?;
            } else {
                write!(out, "{}", describe(&qr, o.lang))?;
                write!(out, "{}", findings_text(&findings, o.lang))?;
            }
            Ok(!has_errors(&findings))
        }
        Err(e) => {
            if o.json {
                writeln!(out, "{}", error_json(&e, o.lang))?;
            } else {
                writeln!(out, "{}", input.trim())?;
                writeln!(out, "  error   {}: {}", e.code(), e.hint(o.lang))?;
            }
            Ok(false)
        }
    }
}

pub(crate) fn describe(qr: &FiscalQr, lang: Lang) -> String {
    let model = qr.fn_number.model().map(|m| m.name).unwrap_or("?");
    let (op, kop, labels) = match lang {
        Lang::Ru => (
            qr.operation.label_ru(),
            "коп.",
            ["дата", "итог", "ФН", "ФД", "ФП", "операция"],
        ),
        Lang::En => (
            qr.operation.label_en(),
            "kopecks",
            ["date", "total", "ФН", "ФД", "ФП", "operation"],
        ),
    };
    format!(
        "{qr}\n  {:<9} {}\n  {:<9} {} ₽ ({} {kop})\n  {:<9} {} ({model})\n  {:<9} {}\n  {:<9} {}\n  {:<9} {} {op}\n",
        labels[0],
        qr.datetime.format("%d.%m.%Y %H:%M:%S"),
        labels[1],
        chek::fiscal::format_roubles(qr.total_kopecks),
        qr.total_kopecks,
        labels[2],
        qr.fn_number,
        labels[3],
        qr.fd,
        labels[4],
        qr.fp,
        labels[5],
        qr.operation.code(),
    )
}
