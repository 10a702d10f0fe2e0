//! `chek scan`: read the fiscal QR from receipt photos, or say why it cannot be read; with
//! `--ocr`, read the printed fiscal fields with Tesseract when there is no fiscal QR.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chek::fiscal::{ValidationOptions, validate_qr};
use chek::scan::ocr::{OcrError, OcrOptions, ocr_receipt};
use chek::scan::{ScanError, ScanOptions, ScanOutcome, scan};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use crate::cmd::qr::describe;
use crate::output::{OutputArgs, error_json, findings_text, qr_json, render_reading};

/// Arguments of `chek scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Photos of receipts (JPEG, PNG or WebP).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
    /// Give up preprocessing after this many milliseconds per photo.
    #[arg(long, default_value_t = 1500, value_name = "MS")]
    budget_ms: u64,
    /// When a photo has no readable fiscal QR, read its printed ФН, ФД, ФП, date and total with
    /// Tesseract (needs `tesseract` with Russian data installed).
    #[arg(long)]
    ocr: bool,
    /// The Tesseract executable for `--ocr`.
    #[arg(long, default_value = "tesseract", value_name = "PATH")]
    tesseract: PathBuf,
    /// Validate against this local time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, hide = true, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
}

fn parse_now(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").map_err(|e| e.to_string())
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let now = args
        .now
        .unwrap_or_else(|| chrono::Local::now().naive_local());
    let opts = ScanOptions {
        budget: std::time::Duration::from_millis(args.budget_ms),
        ..ScanOptions::default()
    };
    let ocr = args.ocr.then(|| OcrOptions {
        tesseract: args.tesseract.clone(),
        limits: opts.clone(),
        ..OcrOptions::default()
    });
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut all_ok = true;
    for file in &args.files {
        all_ok &= one(&mut out, file, now, &opts, ocr.as_ref(), &args.out)?;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads at most `max` bytes: a larger file is refused without reading it.
fn read_limited(path: &Path, max: usize) -> io::Result<Result<Vec<u8>, ScanError>> {
    let len = std::fs::metadata(path)?.len();
    if len > max as u64 {
        return Ok(Err(ScanError::TooLarge {
            bytes: usize::try_from(len).unwrap_or(usize::MAX),
            max,
        }));
    }
    Ok(Ok(std::fs::read(path)?))
}

fn one(
    out: &mut impl Write,
    file: &Path,
    now: NaiveDateTime,
    opts: &ScanOptions,
    ocr: Option<&OcrOptions>,
    o: &OutputArgs,
) -> io::Result<bool> {
    let start = Instant::now();
    let bytes = read_limited(file, opts.max_bytes)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.display())))?;
    let result = bytes
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|b| scan(b, opts));
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let name = file.display().to_string();
    match result {
        Ok(outcome) => {
            let text_reading = match (&outcome.fiscal, ocr, &bytes) {
                (None, Some(ocr_opts), Ok(b)) => Some(ocr_receipt(b, ocr_opts)),
                _ => None,
            };
            let mut ok = outcome.fiscal.is_some();
            if o.json {
                let mut v = outcome_json(&name, &outcome, now, ms, o.lang);
                if let (Some(r), Value::Object(m)) = (&text_reading, &mut v) {
                    let (read_ok, j) = ocr_json(r, now, o.lang);
                    ok |= read_ok;
                    m.insert("ocr".into(), j);
                }
                writeln!(out, "{v}")?;
            } else {
                write!(out, "{}", outcome_text(&name, &outcome, now, o.lang))?;
                if let Some(r) = &text_reading {
                    let (read_ok, t) = ocr_text(r, now, o.lang);
                    ok |= read_ok;
                    write!(out, "{t}")?;
                }
            }
            Ok(ok)
        }
        Err(e) => {
            if o.json {
                let mut v = error_json(&e, o.lang);
                if let Value::Object(m) = &mut v {
                    m.insert("file".into(), json!(name));
                    m.insert("diagnostics".into(), json!([]));
                    m.insert("ms".into(), json!(round_ms(ms)));
                }
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "{name}")?;
                writeln!(out, "  error   {}: {}", e.code(), e.hint(o.lang))?;
            }
            Ok(false)
        }
    }
}

/// `"ocr"` of `--json`: the fields `chek text --json` prints (with `"channel":"ocr"`) and the
/// OCR time, or the OCR error.
fn ocr_json(
    r: &Result<chek::scan::ocr::OcrReading, OcrError>,
    now: NaiveDateTime,
    lang: Lang,
) -> (bool, Value) {
    match r {
        Ok(read) => {
            let (ok, mut m, _) = render_reading(&read.reading, now, lang);
            m.insert(
                "ms".into(),
                json!(round_ms(read.elapsed.as_secs_f64() * 1000.0)),
            );
            (ok, Value::Object(m))
        }
        Err(e) => {
            let mut v = error_json(e, lang);
            if let Value::Object(m) = &mut v {
                m.insert("channel".into(), json!("ocr"));
            }
            (false, v)
        }
    }
}

fn ocr_text(
    r: &Result<chek::scan::ocr::OcrReading, OcrError>,
    now: NaiveDateTime,
    lang: Lang,
) -> (bool, String) {
    match r {
        Ok(read) => {
            let (ok, _, text) = render_reading(&read.reading, now, lang);
            let mut t = String::new();
            for (i, line) in text.lines().enumerate() {
                if i == 0 {
                    t.push_str(&format!("  ocr     {line}\n"));
                } else {
                    t.push_str(&format!("  {line}\n"));
                }
            }
            (ok, t)
        }
        Err(e) => (false, format!("  error   {}: {}\n", e.code(), e.hint(lang))),
    }
}

fn round_ms(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

fn outcome_json(name: &str, s: &ScanOutcome, now: NaiveDateTime, ms: f64, lang: Lang) -> Value {
    let mut m = match &s.fiscal {
        Some(qr) => qr_json(
            qr,
            &validate_qr(qr, now, &ValidationOptions::default()),
            lang,
        ),
        None => Map::new(),
    };
    m.insert("file".into(), json!(name));
    m.insert(
        "diagnostics".into(),
        Value::Array(
            s.diagnostics
                .iter()
                .map(|d| json!({"code": d.code(), "hint": d.hint(lang)}))
                .collect(),
        ),
    );
    m.insert("others".into(), json!(s.others));
    m.insert("ms".into(), json!(round_ms(ms)));
    Value::Object(m)
}

fn outcome_text(name: &str, s: &ScanOutcome, now: NaiveDateTime, lang: Lang) -> String {
    let mut t = format!("{name}\n");
    match &s.fiscal {
        Some(qr) => {
            let findings = validate_qr(qr, now, &ValidationOptions::default());
            for line in describe(qr, lang).lines() {
                t.push_str(&format!("  {line}\n"));
            }
            t.push_str(&findings_text(&findings, lang));
        }
        None => {
            for d in &s.diagnostics {
                t.push_str(&format!("  error   {}: {}\n", d.code(), d.hint(lang)));
            }
        }
    }
    for other in &s.others {
        let label = match lang {
            Lang::Ru => "другой QR",
            Lang::En => "other QR",
        };
        t.push_str(&format!("  {label}: {}\n", other.escape_debug()));
    }
    t
}
