//! `chek report --campaign FILE --db …`: per-day counts, lots and the top rejection reasons.

use std::io::{self, Write};
use std::process::ExitCode;

use chek::Lang;

use crate::ledger_args::LedgerArgs;
use crate::output::OutputArgs;

/// Arguments of `chek report`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    ledger: LedgerArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let lang = args.out.lang;
    let campaign = args.ledger.load_campaign(lang)?;
    let ledger = args.ledger.open_ledger()?;
    let r = ledger
        .report(&campaign.def().id)
        .map_err(|e| args.ledger.db.failure(&e))?;
    let mut out = io::stdout().lock();
    if args.out.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&r).map_err(io::Error::other)?
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let ru = lang == Lang::Ru;
    writeln!(
        out,
        "{} «{}» ({}): {} {}, {} {}, {} {}",
        if ru { "Акция" } else { "Campaign" },
        campaign.def().name,
        r.campaign,
        r.participants,
        if ru {
            "участников"
        } else {
            "participants"
        },
        r.lots,
        if ru { "лотов" } else { "lots" },
        r.points,
        if ru { "баллов" } else { "points" },
    )?;
    let head = if ru {
        [
            "день",
            "принято",
            "отклонено",
            "ждут",
            "оператор",
            "ошибки",
            "лоты",
        ]
    } else {
        [
            "day", "accepted", "rejected", "pending", "operator", "failed", "lots",
        ]
    };
    writeln!(
        out,
        "  {:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        head[0], head[1], head[2], head[3], head[4], head[5], head[6]
    )?;
    let total = if ru { "всего" } else { "total" };
    for (label, d) in r
        .days
        .iter()
        .map(|d| (d.day.to_string(), d))
        .chain(std::iter::once((total.to_owned(), &r.total)))
    {
        writeln!(
            out,
            "  {label:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            d.accepted, d.rejected, d.pending, d.awaiting_operator, d.failed, d.lots
        )?;
    }
    if !r.top_reasons.is_empty() {
        writeln!(
            out,
            "{}",
            if ru {
                "Частые причины отказа:"
            } else {
                "Top reasons:"
            }
        )?;
        for c in &r.top_reasons {
            writeln!(out, "  {:<40} {:>7}", c.code, c.count)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
