//! `chek verify <QR> --provider fns|checkapi --base-url … --token-env VAR`: ask ФНС (or a
//! receipt-check service) about one receipt.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use chek::fiscal::{FiscalQr, format_roubles};
use chek::verify::{ClientConfig, ProviderKind, Secret, Verifier, VerifyOutcome};
use chek::{Coded, Lang};
use serde_json::{Value, json};

use crate::output::{OutputArgs, error_json};

/// Which provider to ask.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Provider {
    /// The ФНС app API (irkkt-mobile v2); the variable holds a session id.
    Fns,
    /// A proverkacheka-style service; the variable holds its API token.
    Checkapi,
}

/// Arguments of `chek verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The fiscal QR string.
    #[arg(value_name = "QR")]
    qr: String,
    /// The provider.
    #[arg(long, value_enum, default_value = "fns")]
    provider: Provider,
    /// The provider's address (default: its production URL).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The environment variable holding the credential (default CHEK_FNS_SESSION or
    /// CHEK_CHECKAPI_TOKEN). The credential itself is never a command-line argument.
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,
    /// Total time for one request, in seconds.
    #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
    timeout: f64,
    #[command(flatten)]
    out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let qr = match FiscalQr::parse(&args.qr) {
        Ok(q) => q,
        Err(e) => {
            let mut out = io::stdout().lock();
            if args.out.json {
                writeln!(out, "{}", error_json(&e, args.out.lang))?;
            } else {
                writeln!(out, "{}: {}", e.code(), e.hint(args.out.lang))?;
            }
            return Ok(ExitCode::from(1));
        }
    };
    let verifier = build_verifier(
        args.provider,
        args.base_url.as_deref(),
        args.token_env.as_deref(),
        args.timeout,
    )?;
    let outcome = verifier.verify(&qr);
    let mut out = io::stdout().lock();
    if args.out.json {
        writeln!(
            out,
            "{}",
            outcome_json(&outcome, verifier.name(), &qr, args.out.lang)
        )?;
    } else {
        write!(out, "{}", outcome_text(&outcome, args.out.lang))?;
    }
    Ok(match outcome {
        VerifyOutcome::Verified { .. } => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}

/// `{"provider","qr","outcome","code","hint","segment","retry_after_secs"?,"detail"?,"receipt"?}`;
/// the receipt carries its `items`.
fn outcome_json(o: &VerifyOutcome, provider: &str, qr: &FiscalQr, lang: Lang) -> Value {
    let mut v = serde_json::to_value(o).unwrap_or_else(|_| json!({}));
    if let Value::Object(m) = &mut v {
        m.insert("provider".into(), json!(provider));
        m.insert("qr".into(), json!(qr.to_string()));
        m.insert("code".into(), json!(o.code()));
        m.insert("hint".into(), json!(o.hint(lang)));
        m.insert(
            "segment".into(),
            o.segment().map_or(Value::Null, |s| {
                json!({"id": s.id(), "name": match lang { Lang::Ru => s.name_ru(), Lang::En => s.name_en() }})
            }),
        );
    }
    v
}

fn outcome_text(o: &VerifyOutcome, lang: Lang) -> String {
    let mut s = format!("{}: {}\n", o.code(), o.hint(lang));
    if let Some(seg) = o.segment() {
        let name = match lang {
            Lang::Ru => seg.name_ru(),
            Lang::En => seg.name_en(),
        };
        s.push_str(&format!("  {:<15} {name}\n", "segment"));
    }
    match o {
        VerifyOutcome::RateLimited {
            retry_after_secs: Some(secs),
        } => s.push_str(&format!("  {:<15} {secs} s\n", "retry after")),
        VerifyOutcome::ProviderUnavailable { detail } => {
            s.push_str(&format!("  {:<15} {detail}\n", "detail"));
        }
        VerifyOutcome::Verified { receipt: r } => {
            s.push_str(&format!(
                "  {:<15} {}\n",
                "datetime",
                r.datetime.format("%d.%m.%Y %H:%M")
            ));
            s.push_str(&format!(
                "  {:<15} {} ₽\n",
                "total",
                format_roubles(r.total_kopecks)
            ));
            if let Some(seller) = &r.seller {
                s.push_str(&format!("  {:<15} {seller}\n", "seller"));
            }
            if let Some(inn) = &r.seller_inn {
                s.push_str(&format!("  {:<15} {inn}\n", "inn"));
            }
            for i in &r.items {
                s.push_str(&format!(
                    "  {:<15} {} × {} = {}  {}\n",
                    "item",
                    i.quantity,
                    format_roubles(i.price_kopecks),
                    format_roubles(i.sum_kopecks),
                    i.name
                ));
            }
        }
        _ => {}
    }
    s
}

/// The provider the flags name: its credential from the environment variable (default
/// `CHEK_FNS_SESSION` or `CHEK_CHECKAPI_TOKEN`), its production URL unless `base_url` is given,
/// and `timeout` seconds per request. Shared by `chek verify` and the ledger commands.
pub(crate) fn build_verifier(
    provider: Provider,
    base_url: Option<&str>,
    token_env: Option<&str>,
    timeout: f64,
) -> io::Result<Box<dyn Verifier>> {
    let default_var = match provider {
        Provider::Fns => "CHEK_FNS_SESSION",
        Provider::Checkapi => "CHEK_CHECKAPI_TOKEN",
    };
    let var = token_env.unwrap_or(default_var);
    let Some(token) = std::env::var(var).ok().filter(|t| !t.is_empty()) else {
        return Err(io::Error::other(format!(
            "the environment variable {var} with the credential is not set"
        )));
    };
    if !(timeout.is_finite() && timeout > 0.0 && timeout <= 600.0) {
        return Err(io::Error::other(
            "--timeout must be between 0 and 600 seconds",
        ));
    }
    let kind = match provider {
        Provider::Fns => ProviderKind::Fns,
        Provider::Checkapi => ProviderKind::CheckApi,
    };
    let config = ClientConfig::with_total_timeout(Duration::from_secs_f64(timeout));
    kind.build(base_url, Secret::new(token), config)
        .map_err(io::Error::other)
}
