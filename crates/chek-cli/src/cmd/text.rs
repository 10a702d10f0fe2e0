//! `chek text <FILE|->`: read a receipt's fiscal fields from its printed text (OCR output).

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use chek::text::{MAX_TEXT_BYTES, parse_receipt_text};
use chrono::NaiveDateTime;

use crate::output::{OutputArgs, print_reading};

/// Arguments of `chek text`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A file with the receipt's text; `-` reads it from stdin.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
    #[command(flatten)]
    out: OutputArgs,
    /// Validate against this local time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, hide = true, value_parser = super::qr::parse_now)]
    now: Option<NaiveDateTime>,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let mut bytes = Vec::new();
    // One byte past the bound is enough to know the text is too long.
    let limit = MAX_TEXT_BYTES as u64 + 1;
    if args.input.as_os_str() == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(&args.input)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", args.input.display())))?
            .take(limit)
            .read_to_end(&mut bytes)?;
    }
    let text = String::from_utf8_lossy(&bytes);
    let reading = parse_receipt_text(&text);
    let now = args
        .now
        .unwrap_or_else(|| chrono::Local::now().naive_local());
    print_reading(&reading, now, &args.out)
}
