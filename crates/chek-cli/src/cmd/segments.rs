//! `chek segments --campaign FILE --db … [NAME]`: problem segments and who is in them, the lists
//! a bot messages («Вне периода акции», «Не найден в ФНС»…).

use std::io::{self, Write};
use std::process::ExitCode;

use chek::Lang;
use chek::campaign::Segment;
use chek::verify::VerifySegment;
use serde_json::{Value, json};

use crate::ledger_args::LedgerArgs;
use crate::output::OutputArgs;

/// Arguments of `chek segments`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// One segment by id (`out_of_period`, `not_found_in_fns`, `awaiting_operator`…); without
    /// it, every segment with its size.
    #[arg(value_name = "NAME")]
    name: Option<String>,
    #[command(flatten)]
    ledger: LedgerArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// Every segment id with its Russian and English names.
fn all_segments() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut v: Vec<_> = Segment::ALL
        .iter()
        .map(|s| (s.id(), s.name_ru(), s.name_en()))
        .collect();
    for s in [VerifySegment::Invalid, VerifySegment::AwaitingOperator] {
        v.push((s.id(), s.name_ru(), s.name_en()));
    }
    v
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let lang = args.out.lang;
    let campaign = args.ledger.load_campaign(lang)?;
    let ledger = args.ledger.open_ledger()?;
    let id = &campaign.def().id;
    let known = all_segments();
    let wanted: Vec<_> = match &args.name {
        Some(n) => match known.iter().find(|(id, _, _)| id == n) {
            Some(s) => vec![*s],
            None => {
                let ids: Vec<&str> = known.iter().map(|s| s.0).collect();
                eprintln!("chek: unknown segment {n:?}; known: {}", ids.join(", "));
                return Ok(ExitCode::from(2));
            }
        },
        None => known,
    };
    let mut out = io::stdout().lock();
    let mut json_segments = Vec::new();
    for (sid, ru, en) in wanted {
        let members = ledger
            .segment(id, sid)
            .map_err(|e| args.ledger.db.failure(&e))?;
        let name = if lang == Lang::Ru { ru } else { en };
        if args.out.json {
            json_segments.push(json!({
                "id": sid, "name": name, "count": members.len(),
                "members": members.iter().map(|m| json!({
                    "participant": m.participant, "lang": m.lang.as_str(), "receipt": m.receipt,
                    "since": m.since.format("%Y-%m-%dT%H:%M:%S").to_string(),
                })).collect::<Vec<Value>>(),
            }));
        } else {
            if members.is_empty() && args.name.is_none() {
                continue;
            }
            writeln!(out, "{sid} «{name}»: {}", members.len())?;
            for m in &members {
                writeln!(
                    out,
                    "  {} [{}] {} since {}",
                    m.participant,
                    m.lang,
                    m.receipt,
                    m.since.format("%Y-%m-%d %H:%M")
                )?;
            }
        }
    }
    if args.out.json {
        writeln!(
            out,
            "{}",
            json!({"campaign": id, "segments": json_segments})
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
