//! `chek draw`: run a verifiable prize draw, or verify a published one.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::Coded;
use chek::draw::{DrawResult, draw, from_hex, parse_lots, verify};

use crate::output::{OutputArgs, error_json};

const MAX_FILE: u64 = 1 << 30;

/// Arguments of `chek draw`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    verify: Option<Sub>,
    /// Lots list: JSON `[{"participant","lots"}]` or CSV `participant,lots`.
    #[arg(long, value_name = "FILE")]
    lots: Option<PathBuf>,
    /// The secret seed, revealed now (hex, at least 16 bytes).
    #[arg(long, value_name = "HEX")]
    seed: Option<String>,
    /// The public beacon value (hex), e.g. a drand round's randomness.
    #[arg(long, value_name = "HEX")]
    beacon: Option<String>,
    /// Number of prizes.
    #[arg(long, value_name = "N")]
    prizes: Option<u32>,
    /// Participants who cannot win (earlier winners), one per line.
    #[arg(long, value_name = "FILE")]
    exclude: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Re-run a published draw offline and check every value.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The lots list the draw was run on.
    #[arg(long, value_name = "FILE")]
    lots: PathBuf,
    /// The published result (the output of `chek draw --json`).
    #[arg(long, value_name = "FILE")]
    result: PathBuf,
    /// The seed commitment published before the draw (hex); checked if given.
    #[arg(long, value_name = "HEX")]
    commitment: Option<String>,
    /// The lots hash published at close (hex); checked if given.
    #[arg(long, value_name = "HEX")]
    lots_hash: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

fn read(p: &Path) -> io::Result<String> {
    if std::fs::metadata(p)?.len() > MAX_FILE {
        return Err(io::Error::other(format!("{}: too large", p.display())));
    }
    std::fs::read_to_string(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    if let Some(Sub::Verify(v)) = &args.verify {
        return run_verify(v);
    }
    let (Some(lots), Some(seed), Some(beacon), Some(prizes)) =
        (&args.lots, &args.seed, &args.beacon, args.prizes)
    else {
        eprintln!("chek: draw needs --lots FILE --seed HEX --beacon HEX --prizes N");
        return Ok(ExitCode::from(2));
    };
    let (Some(seed), Some(beacon)) = (from_hex(seed), from_hex(beacon)) else {
        eprintln!("chek: --seed and --beacon must be hex");
        return Ok(ExitCode::from(2));
    };
    let excluded: Vec<String> = match &args.exclude {
        Some(p) => read(p)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        None => Vec::new(),
    };
    let mut out = io::stdout().lock();
    let result = parse_lots(&read(lots)?).and_then(|l| draw(&l, &seed, &beacon, prizes, &excluded));
    match result {
        Ok(r) => {
            if args.out.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&r).map_err(io::Error::other)?
                )?;
            } else {
                writeln!(
                    out,
                    "{} — {} entries, {} lots",
                    r.algorithm, r.entries, r.total_lots
                )?;
                writeln!(out, "  seed commitment {}", r.seed_commitment)?;
                writeln!(out, "  lots hash       {}", r.lots_hash)?;
                for w in &r.winners {
                    writeln!(
                        out,
                        "  prize {:>3}: {} ({} lots, ticket {})",
                        w.prize, w.participant, w.lots, w.ticket
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if args.out.json {
                writeln!(out, "{}", error_json(&e, args.out.lang))?;
            } else {
                writeln!(out, "error {}: {}", e.code(), e)?;
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn run_verify(v: &VerifyArgs) -> io::Result<ExitCode> {
    let published: DrawResult = match serde_json::from_str(&read(&v.result)?) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("chek: {}: not a draw result: {e}", v.result.display());
            return Ok(ExitCode::from(2));
        }
    };
    let mut out = io::stdout().lock();
    let mut problems: Vec<String> = Vec::new();
    if let Some(c) = &v.commitment
        && !c.trim().eq_ignore_ascii_case(&published.seed_commitment)
    {
        problems.push(format!(
            "the result's seed commitment differs from the published {}",
            c.trim()
        ));
    }
    if let Some(h) = &v.lots_hash
        && !h.trim().eq_ignore_ascii_case(&published.lots_hash)
    {
        problems.push(format!(
            "the result's lots hash differs from the published {}",
            h.trim()
        ));
    }
    let checked = parse_lots(&read(&v.lots)?).and_then(|l| verify(&published, &l));
    if let Err(e) = &checked {
        problems.push(e.to_string());
    }
    if v.out.json {
        let j = match &checked {
            Err(e) => error_json(e, v.out.lang),
            Ok(()) => serde_json::json!({"verified": problems.is_empty(), "problems": problems}),
        };
        writeln!(out, "{j}")?;
    } else if problems.is_empty() {
        writeln!(
            out,
            "verified: {} winners reproduce",
            published.winners.len()
        )?;
    } else {
        for p in &problems {
            writeln!(out, "NOT verified: {p}")?;
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
