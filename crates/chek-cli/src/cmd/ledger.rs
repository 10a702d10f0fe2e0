//! `chek ledger verify --db DB [--campaign FILE] [--json]`: walks the ledger's hash chains
//! (docs/ledger-chain.md) and prints, per campaign, the links checked and the head hash to
//! publish; at the first break, which row, what was expected and what was found, with the code
//! `store.chain_broken` and exit 4 (a tampered ledger needs an operator, not a retry).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chek::Lang;
use chek::store::{ChainHead, ChainReport};
use serde_json::json;

use crate::fail::Failure;
use crate::ledger_args::DbArgs;
use crate::output::OutputArgs;

/// Arguments of `chek ledger`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Walk the hash chain of every campaign (or one) and report the first break; print the
    /// head hashes to publish. Exit 0 intact, 4 broken (store.chain_broken).
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Only this campaign's chain (its campaign file); default: every campaign in the ledger.
    #[arg(long, value_name = "FILE")]
    campaign: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    match &args.command {
        Sub::Verify(v) => verify(v),
    }
}

fn verify(a: &VerifyArgs) -> io::Result<ExitCode> {
    let lang = a.out.lang;
    let campaign = match &a.campaign {
        Some(p) => Some(
            crate::cmd::campaign::load_campaign_coded(p, lang)?
                .def()
                .id
                .clone(),
        ),
        None => None,
    };
    let ledger = a.db.open(false)?;
    let report = ledger
        .verify_chain(campaign.as_deref())
        .map_err(|e| a.db.failure(&e))?;
    let target = a.db.target()?;
    let mut out = io::stdout().lock();
    let chains: Vec<_> = report.chains.iter().map(chain_json).collect();
    let Some(b) = &report.broken else {
        if a.out.json {
            writeln!(
                out,
                "{}",
                json!({"intact": true, "rows": report.rows, "chains": chains})
            )?;
        } else {
            write_intact(&mut out, &report, lang)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let f = Failure::store(&b.to_error(), &target);
    if a.out.json {
        writeln!(
            out,
            "{}",
            json!({
                "intact": false,
                "rows": report.rows,
                "chains": chains,
                "break": b,
                "error": f.to_json(lang)["error"],
            })
        )?;
    } else {
        let ru = lang == Lang::Ru;
        writeln!(
            out,
            "{} {:?}: {} {}{}",
            if ru {
                "ЦЕПОЧКА НАРУШЕНА, акция"
            } else {
                "CHAIN BROKEN, campaign"
            },
            b.campaign,
            b.table,
            b.key,
            b.seq
                .map(|s| format!(" ({} {s})", if ru { "позиция" } else { "position" }))
                .unwrap_or_default(),
        )?;
        writeln!(
            out,
            "  {}: {}",
            if ru { "что" } else { "what" },
            b.problem.as_str()
        )?;
        writeln!(
            out,
            "  {}: {}",
            if ru { "ожидалось" } else { "expected" },
            b.expected
        )?;
        writeln!(
            out,
            "  {}: {}",
            if ru { "найдено" } else { "found" },
            b.found
        )?;
        writeln!(
            out,
            "  {} {}",
            report.rows,
            if ru {
                "звеньев проверено до разрыва"
            } else {
                "links checked up to the break"
            }
        )?;
    }
    out.flush()?;
    eprintln!("{}", f.to_text(lang));
    Ok(ExitCode::from(f.exit))
}

fn chain_json(c: &ChainHead) -> serde_json::Value {
    json!({"campaign": c.campaign, "links": c.links, "head": c.head})
}

fn write_intact(out: &mut impl Write, r: &ChainReport, lang: Lang) -> io::Result<()> {
    let ru = lang == Lang::Ru;
    writeln!(
        out,
        "{}: {} {}, {} {}",
        if ru {
            "Цепочки хешей целы"
        } else {
            "Hash chains intact"
        },
        if ru { "акций" } else { "campaigns" },
        r.chains.len(),
        if ru {
            "звеньев проверено"
        } else {
            "links checked"
        },
        r.rows,
    )?;
    for c in &r.chains {
        writeln!(
            out,
            "  {}  {} {}  {} {}",
            c.campaign,
            if ru { "звеньев" } else { "links" },
            c.links,
            if ru { "голова" } else { "head" },
            c.head
        )?;
    }
    if !r.chains.is_empty() {
        writeln!(
            out,
            "{}",
            if ru {
                "Опубликуйте хеш головы (например, вместе с обязательством розыгрыша): любая поздняя правка того, что он покрывает, будет видна."
            } else {
                "Publish the head hash (with a draw commitment, say): any later rewrite of what it covers shows."
            }
        )?;
    }
    Ok(())
}
