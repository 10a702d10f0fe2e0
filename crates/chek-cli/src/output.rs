//! Shared output options and JSON shapes of the `chek` subcommands.

use std::io::Write;
use std::process::ExitCode;

use chek::fiscal::{Finding, FiscalQr, ValidationOptions, format_roubles, has_errors, validate_qr};
use chek::text::{TextError, TextField, TextReading};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use clap::Args;
use serde_json::{Map, Value, json};

/// Options every subcommand that prints results takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct OutputArgs {
    /// Print one JSON object per input instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Language of hints: ru or en.
    #[arg(long, default_value = "ru", value_parser = parse_lang)]
    pub(crate) lang: Lang,
}

pub(crate) fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse::<Lang>().map_err(|e| e.to_string())
}

/// The JSON form of findings: `[{"code","severity","hint"}]` in one language.
pub(crate) fn findings_json(findings: &[Finding], lang: Lang) -> Value {
    Value::Array(
        findings
            .iter()
            .map(|f| {
                json!({
                    "code": f.code.as_str(),
                    "severity": f.severity.as_str(),
                    "hint": f.hint_in(lang),
                })
            })
            .collect(),
    )
}

/// The receipt fields shared by `chek qr --json` and every command that prints a receipt.
pub(crate) fn qr_json(qr: &FiscalQr, findings: &[Finding], lang: Lang) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "datetime".into(),
        json!(qr.datetime.format("%Y-%m-%dT%H:%M:%S").to_string()),
    );
    m.insert("total_kopecks".into(), json!(qr.total_kopecks));
    m.insert("fn".into(), json!(qr.fn_number.to_string()));
    m.insert("fd".into(), json!(qr.fd));
    m.insert("fp".into(), json!(qr.fp));
    m.insert("operation".into(), json!(qr.operation.code()));
    m.insert("qr".into(), json!(qr.to_string()));
    if !qr.extra.is_empty() {
        let extra: Map<String, Value> = qr
            .extra
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        m.insert("extra".into(), Value::Object(extra));
    }
    m.insert("findings".into(), findings_json(findings, lang));
    m
}

/// `{"error":{"code","message","hint"}}`.
pub(crate) fn error_json(err: &(impl Coded + std::fmt::Display), lang: Lang) -> Value {
    json!({"error": {"code": err.code(), "message": err.to_string(), "hint": err.hint(lang)}})
}

/// Human text for findings, one per line, indented.
pub(crate) fn findings_text(findings: &[Finding], lang: Lang) -> String {
    if findings.is_empty() {
        return match lang {
            Lang::Ru => "  проверка: замечаний нет\n".into(),
            Lang::En => "  checks: no findings\n".into(),
        };
    }
    findings
        .iter()
        .map(|f| {
            format!(
                "  {:<7} {}: {}\n",
                f.severity.as_str(),
                f.code,
                f.hint_in(lang)
            )
        })
        .collect()
}

/// Prints a text or manual-entry reading: with `--json`, the `chek qr --json` fields (all of
/// them via [`qr_json`] when the reading is complete) plus `missing`, `channel` and `problems`;
/// otherwise one line per field with its confidence, then what is missing and the hints.
/// Exit code 1 when fields are missing or the checks found errors.
pub(crate) fn print_reading(
    r: &TextReading,
    now: NaiveDateTime,
    o: &OutputArgs,
) -> std::io::Result<ExitCode> {
    let (ok, json, text) = render_reading(r, now, o.lang);
    let mut out = std::io::stdout().lock();
    if o.json {
        writeln!(out, "{}", Value::Object(json))?;
    } else {
        write!(out, "{text}")?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A text reading as `chek text` prints it, both as JSON and as text, and whether it gives a
/// receipt without validation errors (shared with `chek scan --ocr`).
pub(crate) fn render_reading(
    r: &TextReading,
    now: NaiveDateTime,
    lang: Lang,
) -> (bool, Map<String, Value>, String) {
    let qr = r.to_qr();
    let findings = match &qr {
        Ok(q) => validate_qr(q, now, &ValidationOptions::default()),
        Err(_) => Vec::new(),
    };
    let ok = qr.is_ok() && !has_errors(&findings);
    (
        ok,
        reading_json(r, &qr, &findings, lang),
        reading_text(r, &qr, &findings, lang),
    )
}

fn reading_json(
    r: &TextReading,
    qr: &Result<FiscalQr, TextError>,
    findings: &[Finding],
    lang: Lang,
) -> Map<String, Value> {
    let mut m = match qr {
        Ok(q) => qr_json(q, findings, lang),
        Err(e) => {
            let mut m = Map::new();
            if let Some(f) = &r.datetime {
                m.insert(
                    "datetime".into(),
                    json!(f.value.format("%Y-%m-%dT%H:%M:%S").to_string()),
                );
            }
            if let Some(f) = &r.total_kopecks {
                m.insert("total_kopecks".into(), json!(f.value));
            }
            if let Some(f) = &r.fn_number {
                m.insert("fn".into(), json!(f.value.to_string()));
            }
            if let Some(f) = &r.fd {
                m.insert("fd".into(), json!(f.value));
            }
            if let Some(f) = &r.fp {
                m.insert("fp".into(), json!(f.value));
            }
            if let Some(f) = &r.operation {
                m.insert("operation".into(), json!(f.value.code()));
            }
            m.insert("findings".into(), json!([]));
            if let Value::Object(err) = error_json(e, lang) {
                m.extend(err);
            }
            m
        }
    };
    for (key, v) in [
        ("inn", r.inn.as_ref().map(|f| json!(f.value))),
        ("rnm", r.rnm.as_ref().map(|f| json!(f.value))),
        ("zn", r.zn.as_ref().map(|f| json!(f.value))),
        ("shift", r.shift.as_ref().map(|f| json!(f.value))),
        (
            "receipt_number",
            r.receipt_number.as_ref().map(|f| json!(f.value)),
        ),
    ] {
        if let Some(v) = v {
            m.insert(key.into(), v);
        }
    }
    if !r.items.is_empty() {
        m.insert(
            "items".into(),
            Value::Array(
                r.items
                    .iter()
                    .map(|i| {
                        json!({"name": i.name, "quantity": i.quantity,
                               "price_kopecks": i.price_kopecks, "sum_kopecks": i.sum_kopecks})
                    })
                    .collect(),
            ),
        );
    }
    let confidence: Map<String, Value> = TextField::ALL
        .into_iter()
        .filter_map(|f| {
            r.confidence(f).map(|c| {
                (
                    f.key().to_owned(),
                    json!((f64::from(c) * 100.0).round() / 100.0),
                )
            })
        })
        .collect();
    m.insert("confidence".into(), Value::Object(confidence));
    m.insert(
        "missing".into(),
        Value::Array(r.missing().iter().map(|f| json!(f.key())).collect()),
    );
    m.insert(
        "problems".into(),
        Value::Array(
            r.problems()
                .iter()
                .map(|p| json!({"code": p.code(), "field": p.field().key(), "hint": p.hint(lang)}))
                .collect(),
        ),
    );
    m.insert("channel".into(), json!(r.channel.as_str()));
    m
}

fn reading_text(
    r: &TextReading,
    qr: &Result<FiscalQr, TextError>,
    findings: &[Finding],
    lang: Lang,
) -> String {
    let mut s = String::new();
    let head = match qr {
        Ok(q) => q.to_string(),
        Err(e) => format!("{}: {}", e.code(), e.hint(lang)),
    };
    s.push_str(&format!(
        "{head}\n  {:<15} {}\n",
        "channel",
        r.channel.as_str()
    ));
    let conf = |f: TextField| {
        r.confidence(f)
            .map(|c| format!("  ({c:.2})"))
            .unwrap_or_default()
    };
    let mut line = |f: TextField, v: Option<String>| {
        if let Some(v) = v {
            s.push_str(&format!("  {:<15} {v}{}\n", f.key(), conf(f)));
        }
    };
    line(
        TextField::DateTime,
        r.datetime
            .as_ref()
            .map(|f| f.value.format("%d.%m.%Y %H:%M:%S").to_string()),
    );
    line(
        TextField::Total,
        r.total_kopecks
            .as_ref()
            .map(|f| format!("{} ₽", format_roubles(f.value))),
    );
    line(
        TextField::Fn,
        r.fn_number.as_ref().map(|f| f.value.to_string()),
    );
    line(TextField::Fd, r.fd.as_ref().map(|f| f.value.to_string()));
    line(TextField::Fp, r.fp.as_ref().map(|f| f.value.to_string()));
    line(
        TextField::Operation,
        r.operation.as_ref().map(|f| match lang {
            Lang::Ru => f.value.label_ru().to_owned(),
            Lang::En => f.value.label_en().to_owned(),
        }),
    );
    line(TextField::Inn, r.inn.as_ref().map(|f| f.value.clone()));
    line(TextField::Rnm, r.rnm.as_ref().map(|f| f.value.clone()));
    line(TextField::Zn, r.zn.as_ref().map(|f| f.value.clone()));
    line(
        TextField::Shift,
        r.shift.as_ref().map(|f| f.value.to_string()),
    );
    line(
        TextField::ReceiptNumber,
        r.receipt_number.as_ref().map(|f| f.value.to_string()),
    );
    for i in &r.items {
        s.push_str(&format!(
            "  {:<15} {} × {} = {}\n",
            "item",
            i.quantity,
            format_roubles(i.price_kopecks),
            format_roubles(i.sum_kopecks)
        ));
        s.push_str(&format!("  {:<15}   {}\n", "", i.name));
    }
    let missing = r.missing();
    if !missing.is_empty() {
        let keys: Vec<&str> = missing.iter().map(|f| f.key()).collect();
        s.push_str(&format!("  {:<15} {}\n", "missing", keys.join(", ")));
    }
    for p in r.problems() {
        s.push_str(&format!("  {:<7} {}: {}\n", "hint", p.code(), p.hint(lang)));
    }
    if qr.is_ok() {
        s.push_str(&findings_text(findings, lang));
    }
    s
}
