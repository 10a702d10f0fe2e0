//! `chek recheck --campaign FILE --db …`: ask the provider again about receipts whose re-check
//! is due, on the core's re-check policy.

use std::io::{self, Write};
use std::process::ExitCode;

use chek::Lang;
use chek::engine::OutcomeStatus;
use serde_json::{Value, json};

use crate::ledger_args::{LedgerArgs, ProviderArgs, engine};
use crate::output::OutputArgs;

/// Arguments of `chek recheck`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// At most this many receipts in one run.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    limit: usize,
    #[command(flatten)]
    ledger: LedgerArgs,
    #[command(flatten)]
    provider: ProviderArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let lang = args.out.lang;
    let engine = engine(&args.ledger, &args.provider, lang, false)?;
    let now = args.ledger.now();
    let due = engine
        .due_rechecks(now, args.limit)
        .map_err(|e| args.ledger.db.engine_failure(e))?;
    let outcomes = engine
        .recheck(now, args.limit)
        .map_err(|e| args.ledger.db.engine_failure(e))?;
    let offline = engine.verification().is_offline();
    let mut out = io::stdout().lock();
    if args.out.json {
        let doc = json!({
            "campaign": engine.campaign().def().id,
            "verification": engine.verification_label().to_json(lang),
            "due": due.len(),
            "checked": outcomes.iter().map(|o| o.to_json()).collect::<Vec<Value>>(),
            "accepted": outcomes.iter().filter(|o| o.status == OutcomeStatus::Accepted).count(),
            "still_pending": if offline { due.len() } else {
                outcomes.iter().filter(|o| matches!(o.status, OutcomeStatus::PendingRecheck { .. })).count()
            },
        });
        writeln!(out, "{doc}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let ru = lang == Lang::Ru;
    if offline {
        writeln!(
            out,
            "{}: {}",
            engine.verification_label().text(lang),
            if ru {
                format!(
                    "{} чеков ждут проверки; без провайдера (--provider) их некому проверить",
                    due.len()
                )
            } else {
                format!(
                    "{} receipts are due; without a provider (--provider) nobody can check them",
                    due.len()
                )
            }
        )?;
        for p in &due {
            writeln!(
                out,
                "  {} {} ({}, {} attempts)",
                p.participant,
                p.receipt,
                p.channel.as_str(),
                p.attempts.len()
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    for o in &outcomes {
        let id = o.receipt().map(|r| r.to_string()).unwrap_or_default();
        write!(out, "{} {id}: {}", o.participant, o.to_text())?;
    }
    writeln!(
        out,
        "{}: {}",
        if ru {
            "проверено"
        } else {
            "re-checked"
        },
        outcomes.len()
    )?;
    Ok(ExitCode::SUCCESS)
}
