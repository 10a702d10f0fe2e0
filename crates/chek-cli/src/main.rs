//! `chek`: receipt promo campaigns from a terminal.
//!
//! Exit codes: 0 when every input was fine, 1 when any input had an error, 2 for usage errors.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Receipt promo campaigns for Russian fiscal receipts.
#[derive(Debug, Parser)]
#[command(name = "chek", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check fiscal QR strings (`-` reads one per line from stdin).
    Qr(cmd::qr::Args),
    /// Campaigns: check a receipt, print the schema, back-test a new version.
    Campaign(cmd::campaign::Args),
    /// Run a verifiable prize draw weighted by lots, or verify one (`chek draw verify`).
    Draw(cmd::draw::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Qr(args) => cmd::qr::run(&args),
        Command::Campaign(args) => cmd::campaign::run(&args),
        Command::Draw(args) => cmd::draw::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("chek: {e}");
            ExitCode::from(2)
        }
    }
}
