//! Shared output options and JSON shapes of the `chek` subcommands.

use chek::fiscal::{Finding, FiscalQr};
use chek::{Coded, Lang};
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

fn parse_lang(s: &str) -> Result<Lang, String> {
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
