//! `chek draw`: run a verifiable prize draw, or verify a published one.
//!
//! Two sources of lots: a file (`--lots FILE`), or the campaign's ledger (`--db … --campaign
//! FILE --period FROM..TO`), where the draw is also recorded, with its seed commitment
//! (`chek draw commit` publishes one before the period closes).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::Coded;
use chek::draw::{DrawResult, draw, from_hex, lots_csv, parse_lots, seed_commitment, verify};
use chek::engine::{DrawCommitment, DrawRequest, Engine, Verification};
use chek::verify::RecheckPolicy;
use chrono::{NaiveDate, NaiveDateTime};

use crate::ledger_args::{DbArgs, LedgerArgs};
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
    /// The ledger to take lots from and record the draw in (SQLite file or postgres://…);
    /// needs --campaign and --period instead of --lots.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "lots", requires_all = ["campaign", "period"])]
    db: Option<String>,
    /// Like --db, but the environment variable named here holds the target (keeps a password
    /// out of the command line).
    #[arg(long, value_name = "VAR", conflicts_with_all = ["lots", "db"], requires_all = ["campaign", "period"])]
    db_env: Option<String>,
    /// The campaign file (with --db).
    #[arg(long, value_name = "FILE", requires = "db")]
    campaign: Option<PathBuf>,
    /// Campaign-local days whose lots count, `FROM..TO` inclusive (with --db); also the
    /// period's name in the ledger.
    #[arg(long, value_name = "FROM..TO", requires = "db", value_parser = parse_period)]
    period: Option<(NaiveDate, NaiveDate)>,
    /// The prize set of the committed draw (with --db).
    #[arg(long, value_name = "NAME", default_value = "main")]
    prize_set: String,
    /// Record the draw at this UTC time instead of the clock.
    #[arg(long, hide = true, value_parser = super::qr::parse_now)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

/// `2026-11-01..2026-11-30`.
pub(crate) fn parse_period(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| "a period is FROM..TO, e.g. 2026-11-01..2026-11-30".to_owned())?;
    let d =
        |x: &str| NaiveDate::parse_from_str(x.trim(), "%Y-%m-%d").map_err(|e| format!("{x}: {e}"));
    let (a, b) = (d(a)?, d(b)?);
    if b < a {
        return Err("the period ends before it starts".into());
    }
    Ok((a, b))
}

/// The period's name in the ledger: `FROM..TO`, with `/SET` for a prize set other than `main`.
fn period_name(p: (NaiveDate, NaiveDate), prize_set: &str) -> String {
    if prize_set == "main" {
        format!("{}..{}", p.0, p.1)
    } else {
        format!("{}..{}/{prize_set}", p.0, p.1)
    }
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Re-run a published draw offline and check every value.
    Verify(VerifyArgs),
    /// Record a period's seed commitment in the ledger before the period closes.
    Commit(CommitArgs),
    /// Export a period's lots from the ledger (CSV, or JSON with --json): the list that
    /// `chek draw verify --lots` checks a published draw against.
    Lots(LotsArgs),
}

#[derive(Debug, clap::Args)]
struct LotsArgs {
    /// Campaign-local days, `FROM..TO`.
    #[arg(long, value_name = "FROM..TO", value_parser = parse_period)]
    period: (NaiveDate, NaiveDate),
    /// Print a JSON array `[{"participant","lots"}]` instead of CSV.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    ledger: LedgerArgs,
}

#[derive(Debug, clap::Args)]
struct CommitArgs {
    /// SHA-256 of the secret seed (hex), as published.
    #[arg(
        long,
        value_name = "HEX",
        required_unless_present = "seed",
        conflicts_with = "seed"
    )]
    commitment: Option<String>,
    /// The secret seed (hex): its commitment is computed and recorded, the seed is not.
    #[arg(long, value_name = "HEX")]
    seed: Option<String>,
    /// Campaign-local days of the draw, `FROM..TO`; the commitment must be recorded before
    /// the last day ends.
    #[arg(long, value_name = "FROM..TO", value_parser = parse_period)]
    period: (NaiveDate, NaiveDate),
    /// The public randomness source the draw will use (e.g. `drand-quicknet`).
    #[arg(long, value_name = "NAME")]
    beacon_source: String,
    /// The source's round whose value will be the beacon (one after the period's end).
    #[arg(long, value_name = "ROUND")]
    beacon_round: String,
    /// The prize set (one draw per period and prize set).
    #[arg(long, value_name = "NAME", default_value = "main")]
    prize_set: String,
    #[command(flatten)]
    ledger: LedgerArgs,
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
    match &args.verify {
        Some(Sub::Verify(v)) => return run_verify(v),
        Some(Sub::Commit(c)) => return run_commit(c),
        Some(Sub::Lots(l)) => return run_lots(l),
        None => {}
    }
    if args.db.is_some() || args.db_env.is_some() {
        return run_ledger(args);
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
    let result = parse_lots(&read(lots)?).and_then(|l| draw(&l, &seed, &beacon, prizes, &excluded));
    print_result(result, &args.out)
}

fn print_result(
    result: Result<DrawResult, impl Coded + std::fmt::Display>,
    o: &OutputArgs,
) -> io::Result<ExitCode> {
    let args = o;
    let mut out = io::stdout().lock();
    match result {
        Ok(r) => {
            if args.json {
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
            if args.json {
                writeln!(out, "{}", error_json(&e, args.lang))?;
            } else {
                writeln!(out, "error {}: {}", e.code(), e)?;
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// The ledger form: lots from the campaign's ledger, the draw recorded there.
fn run_ledger(args: &Args) -> io::Result<ExitCode> {
    let (Some(campaign), Some(period), Some(seed), Some(beacon), Some(prizes)) = (
        &args.campaign,
        args.period,
        &args.seed,
        &args.beacon,
        args.prizes,
    ) else {
        eprintln!(
            "chek: draw --db needs --campaign FILE --period FROM..TO --seed HEX --beacon HEX --prizes N"
        );
        return Ok(ExitCode::from(2));
    };
    let (Some(seed), Some(beacon)) = (from_hex(seed), from_hex(beacon)) else {
        eprintln!("chek: --seed and --beacon must be hex");
        return Ok(ExitCode::from(2));
    };
    let l = LedgerArgs {
        campaign: campaign.clone(),
        db: DbArgs {
            db_env: args.db_env.clone(),
            ..DbArgs::plain(args.db.clone().unwrap_or_default())
        },
        now: args.now,
    };
    let engine = Engine::new(
        l.load_campaign(args.out.lang)?,
        l.open_ledger()?,
        Verification::Offline,
        RecheckPolicy::default(),
    );
    let mut req = DrawRequest::new(
        period_name(period, &args.prize_set),
        period.0,
        period.1,
        seed,
        beacon,
        prizes,
    );
    if let Some(p) = &args.exclude {
        req.exclude = read(p)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
    }
    print_result(engine.draw(&req, l.now()), &args.out)
}

fn run_commit(c: &CommitArgs) -> io::Result<ExitCode> {
    let engine = Engine::new(
        c.ledger.load_campaign(chek::Lang::En)?,
        c.ledger.open_ledger()?,
        Verification::Offline,
        RecheckPolicy::default(),
    );
    let period = period_name(c.period, &c.prize_set);
    let commitment = match (&c.commitment, &c.seed) {
        (Some(h), _) => h.trim().to_owned(),
        (None, Some(seed)) => match from_hex(seed) {
            Some(seed) => seed_commitment(&seed),
            None => {
                eprintln!("chek: --seed must be hex");
                return Ok(ExitCode::from(2));
            }
        },
        (None, None) => {
            eprintln!("chek: draw commit needs --commitment HEX or --seed HEX");
            return Ok(ExitCode::from(2));
        }
    };
    let mut req = DrawCommitment::new(
        period.clone(),
        c.period.0,
        c.period.1,
        commitment.clone(),
        c.beacon_source.clone(),
        c.beacon_round.clone(),
    );
    req.prize_set = c.prize_set.clone();
    match engine.commit_draw(&req, c.ledger.now()) {
        Ok(()) => {
            println!(
                "seed commitment {commitment} recorded for {period} (beacon {} round {})",
                c.beacon_source, c.beacon_round
            );
            // The commitment is the newest link of the campaign's chain: its head, published
            // with the commitment, pins every accrual before it (docs/ledger-chain.md).
            if let Ok(Some(h)) = engine.ledger().chain_head(&engine.campaign().def().id) {
                println!(
                    "ledger chain head {} (position {}): publish it with the commitment",
                    h.head, h.links
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("chek: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn run_lots(a: &LotsArgs) -> io::Result<ExitCode> {
    let engine = Engine::new(
        a.ledger.load_campaign(chek::Lang::En)?,
        a.ledger.open_ledger()?,
        Verification::Offline,
        RecheckPolicy::default(),
    );
    let lots = engine
        .lots(a.period.0, a.period.1)
        .map_err(|e| a.ledger.db.engine_failure(e))?;
    let mut out = io::stdout().lock();
    if a.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&lots).map_err(io::Error::other)?
        )?;
    } else {
        write!(out, "{}", lots_csv(&lots))?;
    }
    Ok(ExitCode::SUCCESS)
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
