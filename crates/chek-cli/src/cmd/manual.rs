//! `chek manual "<TEXT>"`: read a receipt typed by a shopper.

use std::io;
use std::process::ExitCode;

use chek::text::parse_manual_entry;
use chrono::NaiveDateTime;

use crate::output::{OutputArgs, print_reading};

/// Arguments of `chek manual`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// What the shopper typed, e.g. "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34
    /// 1500,00" (several arguments are joined with spaces).
    #[arg(required = true, value_name = "TEXT")]
    text: Vec<String>,
    #[command(flatten)]
    out: OutputArgs,
    /// Validate against this local time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, hide = true, value_parser = super::qr::parse_now)]
    now: Option<NaiveDateTime>,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let reading = parse_manual_entry(&args.text.join(" "));
    let now = args
        .now
        .unwrap_or_else(|| chrono::Local::now().naive_local());
    print_reading(&reading, now, &args.out)
}
