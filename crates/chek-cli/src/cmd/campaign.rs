//! `chek campaign`: check a receipt against a campaign, print the schema, back-test versions.
//!
//! `--receipt FILE` holds either a ФНС receipt as JSON (anything `Receipt::from_fns_json`
//! reads: the ФНС app's ticket, a proverkacheka response, a bare receipt; it counts as
//! verified) or, if the file does not start with `{`, a QR string (a QR-only candidate, not yet
//! verified).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::campaign::{
    Campaign, CampaignDef, CampaignError, Decision, ParticipantHistory, Status, Submission,
    backtest,
};
use chek::fiscal::{Candidate, Channel, FiscalQr, Receipt};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use crate::output::{OutputArgs, error_json};

/// Files larger than this are refused (receipts, histories).
const MAX_FILE: u64 = 8 << 20;

/// Arguments of `chek campaign`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Decide one receipt: status, lots, points and every reason.
    Check(CheckArgs),
    /// Print the JSON Schema of campaign files.
    Schema,
    /// Replay receipts against two versions and report who gains or loses lots.
    Backtest(BacktestArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Campaign file (TOML, or JSON if it starts with `{`).
    #[arg(long, value_name = "FILE")]
    campaign: PathBuf,
    /// Receipt: ФНС JSON, or a file holding a QR string.
    #[arg(long, value_name = "FILE.json")]
    receipt: PathBuf,
    /// Participant history (JSON `ParticipantHistory`).
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// How the receipt arrived: qr, ocr or manual.
    #[arg(long, default_value = "qr", value_parser = parse_channel)]
    channel: Channel,
    /// Evaluate at this UTC time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct BacktestArgs {
    /// The current campaign version.
    #[arg(long, value_name = "FILE")]
    old: PathBuf,
    /// The proposed version.
    #[arg(long, value_name = "FILE")]
    new: PathBuf,
    /// Folder of receipts: `*.json` (ФНС receipts) and `*.txt` (QR strings, one per line).
    /// A file named `PARTICIPANT__anything.json` belongs to PARTICIPANT, otherwise to its stem.
    #[arg(long, value_name = "DIR")]
    receipts: PathBuf,
    #[command(flatten)]
    out: OutputArgs,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    match s {
        "qr" => Ok(Channel::Qr),
        "ocr" => Ok(Channel::Ocr),
        "manual" => Ok(Channel::Manual),
        _ => Err("use qr, ocr or manual".into()),
    }
}

fn parse_now(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").map_err(|e| e.to_string())
}

fn read(p: &Path) -> io::Result<String> {
    let fail = |e: io::Error| io::Error::from(crate::fail::Failure::file(&e, p));
    let len = std::fs::metadata(p).map_err(fail)?.len();
    if len > MAX_FILE {
        return Err(fail(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("larger than {MAX_FILE} bytes"),
        )));
    }
    std::fs::read_to_string(p).map_err(fail)
}

/// [`load_campaign`] with every failure coded: the campaign's own code (`campaign.*`) for a
/// file that does not parse, `io.*` for one that cannot be read, both with the path.
pub(crate) fn load_campaign_coded(p: &Path, _lang: Lang) -> io::Result<Campaign> {
    let text = read(p)?;
    let fail = |e: CampaignError, at: &Path| io::Error::from(crate::fail::Failure::coded(&e, at));
    let mut def = CampaignDef::parse(&text).map_err(|e| fail(e, p))?;
    if let Some(f) = def.where_.stores_file.clone() {
        let path = p.parent().unwrap_or(Path::new(".")).join(&f);
        def.add_store_list(&read(&path)?)
            .map_err(|e| fail(e, &path))?;
    }
    Campaign::from_def(def).map_err(|e| fail(e, p))
}

/// Reads a campaign file and, if it names one, its store list file (relative to it).
pub(crate) fn load_campaign(p: &Path, lang: Lang) -> io::Result<Result<Campaign, String>> {
    let text = read(p)?;
    let msg = |e: CampaignError| format!("{}: {} ({})", p.display(), e.hint(lang), e.code());
    let mut def = match CampaignDef::parse(&text) {
        Ok(d) => d,
        Err(e) => return Ok(Err(msg(e))),
    };
    if let Some(f) = def.where_.stores_file.clone() {
        let path = p.parent().unwrap_or(Path::new(".")).join(&f);
        if let Err(e) = def.add_store_list(&read(&path)?) {
            return Ok(Err(msg(e)));
        }
    }
    Ok(Campaign::from_def(def).map_err(msg))
}

/// A candidate from a receipt file; `Err` carries the JSON error object.
fn load_candidate(text: &str, channel: Channel, lang: Lang) -> Result<Candidate, Value> {
    if text.trim_start().starts_with('{') {
        Receipt::from_fns_json(text)
            .map(|r| Candidate::verified(r, channel))
            .map_err(|e| error_json(&e, lang))
    } else {
        FiscalQr::parse(text.trim())
            .map(|q| Candidate::new(q, channel))
            .map_err(|e| error_json(&e, lang))
    }
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    match &args.cmd {
        Sub::Schema => {
            let s =
                serde_json::to_string_pretty(&Campaign::json_schema()).map_err(io::Error::other)?;
            writeln!(io::stdout().lock(), "{s}")?;
            Ok(ExitCode::SUCCESS)
        }
        Sub::Check(a) => check(a),
        Sub::Backtest(a) => run_backtest(a),
    }
}

fn decision_json(d: &Decision, lang: Lang) -> Value {
    json!({
        "campaign": &*d.campaign,
        "receipt": d.receipt.to_string(),
        "status": d.status.as_str(),
        "lots": d.lots,
        "points": d.points,
        "lots_before_caps": d.lots_before_caps,
        "points_before_caps": d.points_before_caps,
        "segments": d.segments().iter().map(|s| json!({"id": s.id(), "name": match lang { Lang::Ru => s.name_ru(), Lang::En => s.name_en() }})).collect::<Vec<_>>(),
        "reasons": d.reasons.iter().map(|r| json!({
            "code": r.code.as_str(),
            "effect": r.effect(),
            "segment": r.segment().map(|s| s.id()),
            "rule": r.rule.to_string(),
            "hint": r.hint(lang),
        })).collect::<Vec<_>>(),
    })
}

fn decision_text(d: &Decision, lang: Lang) -> String {
    let mut s = format!(
        "{} {}: {} — {} lots, {} points\n",
        d.campaign,
        d.receipt,
        d.status.as_str(),
        d.lots,
        d.points
    );
    for seg in d.segments() {
        let name = match lang {
            Lang::Ru => seg.name_ru(),
            Lang::En => seg.name_en(),
        };
        s += &format!("  segment {} «{name}»\n", seg.id());
    }
    for r in &d.reasons {
        let eff = match r.effect() {
            chek::campaign::Effect::Reject => "reject",
            chek::campaign::Effect::Pending => "pending",
            chek::campaign::Effect::Info => "info",
        };
        s += &format!("  {eff:<7} {} [{}]: {}\n", r.code, r.rule, r.hint(lang));
    }
    s
}

fn check(a: &CheckArgs) -> io::Result<ExitCode> {
    let lang = a.out.lang;
    let campaign = match load_campaign(&a.campaign, lang)? {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("chek: {msg}");
            return Ok(ExitCode::from(2));
        }
    };
    let history = match &a.history {
        Some(p) => match serde_json::from_str::<ParticipantHistory>(&read(p)?) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("chek: {}: not a participant history: {e}", p.display());
                return Ok(ExitCode::from(2));
            }
        },
        None => ParticipantHistory::default(),
    };
    let now = a.now.unwrap_or_else(|| chrono::Utc::now().naive_utc());
    let mut out = io::stdout().lock();
    let cand = match load_candidate(&read(&a.receipt)?, a.channel, lang) {
        Ok(c) => c,
        Err(e) => {
            if a.out.json {
                writeln!(out, "{e}")?;
            } else {
                writeln!(
                    out,
                    "{}: {}",
                    a.receipt.display(),
                    e["error"]["hint"].as_str().unwrap_or("")
                )?;
            }
            return Ok(ExitCode::from(1));
        }
    };
    let d = campaign.evaluate(&cand, &history, now);
    if a.out.json {
        writeln!(out, "{}", decision_json(&d, lang))?;
    } else {
        write!(out, "{}", decision_text(&d, lang))?;
    }
    Ok(if d.status == Status::Rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_backtest(a: &BacktestArgs) -> io::Result<ExitCode> {
    let lang = a.out.lang;
    let (old, new) = match (load_campaign(&a.old, lang)?, load_campaign(&a.new, lang)?) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(m), _) | (_, Err(m)) => {
            eprintln!("chek: {m}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&a.receipts)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("json" | "txt")))
        .collect();
    files.sort();
    let mut subs: Vec<(String, Submission)> = Vec::new();
    let mut bad = 0usize;
    for f in &files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let participant = stem.split_once("__").map_or(stem, |(p, _)| p).to_owned();
        let text = read(f)?;
        let chunks: Vec<&str> = if text.trim_start().starts_with('{') {
            vec![text.as_str()]
        } else {
            text.lines().filter(|l| !l.trim().is_empty()).collect()
        };
        for chunk in chunks {
            match load_candidate(chunk, Channel::Qr, lang) {
                Ok(c) => {
                    // Uploaded at the moment of purchase: receipts replay in purchase order.
                    let at = old.local_to_utc(c.qr.datetime);
                    subs.push((
                        f.display().to_string(),
                        Submission {
                            participant: participant.clone(),
                            submitted_at: at,
                            candidate: c,
                        },
                    ));
                }
                Err(e) => {
                    bad += 1;
                    eprintln!(
                        "chek: {}: {}",
                        f.display(),
                        e["error"]["code"].as_str().unwrap_or("?")
                    );
                }
            }
        }
    }
    subs.sort_by(|x, y| (x.1.submitted_at, &x.0).cmp(&(y.1.submitted_at, &y.0)));
    let subs: Vec<Submission> = subs.into_iter().map(|(_, s)| s).collect();
    let rep = backtest(&old, &new, &subs);
    let mut out = io::stdout().lock();
    if a.out.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&rep).map_err(io::Error::other)?
        )?;
    } else {
        writeln!(
            out,
            "{} receipts; lots {} → {}; {} changed",
            rep.receipts,
            rep.old_total_lots,
            rep.new_total_lots,
            rep.changes.len()
        )?;
        for c in &rep.changes {
            writeln!(
                out,
                "  {} {}: {} {} → {} {}",
                c.participant,
                c.receipt,
                c.old_status.as_str(),
                c.old_lots,
                c.new_status.as_str(),
                c.new_lots
            )?;
            for r in &c.lost_reasons {
                writeln!(out, "    - {r}")?;
            }
            for r in &c.new_reasons {
                writeln!(out, "    + {r}")?;
            }
        }
        for (p, d) in &rep.participants {
            let sign = if d.new_lots > d.old_lots {
                "gains"
            } else {
                "loses"
            };
            writeln!(out, "  {p} {sign}: {} → {} lots", d.old_lots, d.new_lots)?;
        }
    }
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
