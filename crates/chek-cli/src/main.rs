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
    /// Read the fiscal QR from receipt photos, or say why it cannot be read.
    Scan(cmd::scan::Args),
    /// Read a receipt's fiscal fields from its printed text (`-` reads stdin).
    Text(cmd::text::Args),
    /// Read a receipt typed by hand: "фн … фд … фп … 15.03.21 12:34 1500,00".
    Manual(cmd::manual::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Qr(args) => cmd::qr::run(&args),
        Command::Scan(args) => cmd::scan::run(&args),
        Command::Text(args) => cmd::text::run(&args),
        Command::Manual(args) => cmd::manual::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("chek: {e}");
            ExitCode::from(2)
        }
    }
}
