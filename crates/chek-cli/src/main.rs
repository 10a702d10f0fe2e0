//! `chek`: receipt promo campaigns from a terminal.
//!
//! Exit codes (docs/cli-exit-codes.md): 0 when every input was fine, 1 when any input had an
//! error, 2 for bad usage or input (fix it, then run again), 3 when the ledger is busy or
//! unreachable (run again later), 4 when the ledger needs an operator (damaged, newer schema).
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod fail;
mod ledger_args;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Receipt promo campaigns for Russian fiscal receipts.
#[derive(Debug, Parser)]
#[command(
    name = "chek",
    version,
    about,
    propagate_version = true,
    after_help = "Exit codes: 0 ok; 1 some input did not go through; 2 bad usage or input (fix it \
                  first); 3 the ledger is busy or unreachable (try again later); 4 the ledger \
                  needs an operator (damaged data, newer schema, a broken hash chain). A failure \
                  of the whole command prints its code and hint; with --json, as \
                  {\"error\": {...}} on stdout."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check fiscal QR strings (`-` reads one per line from stdin).
    Qr(cmd::qr::Args),
    /// Read the fiscal QR from receipt photos, or say why it cannot be read.
    Scan(cmd::scan::Args),
    /// Read a receipt's fiscal fields from its printed text (`-` reads stdin).
    Text(cmd::text::Args),
    /// Read a receipt typed by hand: "фн … фд … фп … 15.03.21 12:34 1500,00".
    Manual(cmd::manual::Args),
    /// Campaigns: check a receipt, print the schema, back-test a new version.
    Campaign(cmd::campaign::Args),
    /// Run a verifiable prize draw weighted by lots, or verify one (`chek draw verify`).
    Draw(cmd::draw::Args),
    /// Loyalty cards: activation by SMS, form, website or till; confirm, reject, block.
    Loyalty(cmd::loyalty::Args),
    /// Rating → review → bonus: survey answers, review clicks, visits, A/B reports.
    Feedback(cmd::feedback::Args),
    /// Verify a receipt with ФНС or a receipt-check service (credential from an environment variable).
    Verify(cmd::verify::Args),
    /// Notifications: render a template for SMS and speech, plan from CRM events, map call outcomes.
    Notify(cmd::notify::Args),
    /// Care desk: replay case histories (routing, SLA, breaches), route, quick replies, segments.
    Care(cmd::care::Args),
    /// The main job: photos, text files, QR strings, folders or stdin through the campaign into
    /// the ledger, with a summary (or `--json`).
    Run(cmd::run::Args),
    /// Ask the provider again about receipts whose re-check is due.
    Recheck(cmd::recheck::Args),
    /// Problem segments and the participants in them (whom to message).
    Segments(cmd::segments::Args),
    /// Per-day counts, lots and the top rejection reasons from the ledger.
    Report(cmd::report::Args),
    /// The ledger itself: `chek ledger verify` walks its hash chains (tamper evidence).
    Ledger(cmd::ledger::Args),
    /// The main job, live: `chek bot telegram` runs the campaign behind a Telegram bot.
    Bot(cmd::bot::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Qr(args) => cmd::qr::run(&args),
        Command::Scan(args) => cmd::scan::run(&args),
        Command::Text(args) => cmd::text::run(&args),
        Command::Manual(args) => cmd::manual::run(&args),
        Command::Campaign(args) => cmd::campaign::run(&args),
        Command::Draw(args) => cmd::draw::run(&args),
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Notify(args) => cmd::notify::run(&args),
        Command::Loyalty(args) => cmd::loyalty::run(&args),
        Command::Feedback(args) => cmd::feedback::run(&args),
        Command::Care(args) => cmd::care::run(&args),
        Command::Run(args) => cmd::run::run(&args),
        Command::Recheck(args) => cmd::recheck::run(&args),
        Command::Segments(args) => cmd::segments::run(&args),
        Command::Report(args) => cmd::report::run(&args),
        Command::Ledger(args) => cmd::ledger::run(&args),
        Command::Bot(args) => cmd::bot::run(&args),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`chek … | head`): what it wanted was written, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let f = fail::classify(e);
            let args: Vec<String> = std::env::args().collect();
            let (json, lang) = fail::output_prefs(&args);
            if json {
                println!("{}", f.to_json(lang));
            }
            eprintln!("{}", f.to_text(lang));
            ExitCode::from(f.exit)
        }
    }
}
