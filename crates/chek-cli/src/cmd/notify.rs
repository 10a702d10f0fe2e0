//! `chek notify`: render a template for SMS and speech, plan notifications from CRM events,
//! and map call outcomes to CRM results with the next attempt.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::Coded;
use chek::engage::notify::{
    Contact, ContactChannel, CrmEvent, CrmResult, Cut, NotifyConfig, NotifyError, Recipient,
    Target, Template, Vars, parse_call_records, plan, process_call, sms_cuts, strip_bom,
};
use chek::fiscal::format_roubles;
use chek::store::Ledger;
use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::output::{OutputArgs, error_json};

const MAX_FILE: u64 = 16 << 20;

/// Arguments of `chek notify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    sub: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Render a template as SMS text and as speech, with SMS length, cost and what to cut.
    Render(RenderArgs),
    /// Fire the rules over CRM events and plan each message: channel, time, text, cost.
    Plan(PlanArgs),
    /// Map provider call reports to outcomes, the retry decision and the CRM result.
    Outcome(OutcomeArgs),
}

#[derive(Debug, clap::Args)]
struct RenderArgs {
    /// The template: a text file, or with --name a template of the config.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Notification config (TOML); gives prices, limits and named templates.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Template name in the config.
    #[arg(long)]
    name: Option<String>,
    /// Values (a JSON object).
    #[arg(long, value_name = "FILE")]
    vars: PathBuf,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct PlanArgs {
    /// Notification config (TOML): templates, rules, policy, prices.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// CRM events and recipients (JSON `{"recipients": [...], "events": [...]}`).
    #[arg(long, value_name = "FILE")]
    events: PathBuf,
    /// Contacts already made (JSON array); caps count them, their keys are not sent again.
    /// With --db they are imported into the ledger (once).
    #[arg(long, value_name = "FILE")]
    contacts: Option<PathBuf>,
    /// The ledger: a SQLite file (created when missing) or a `postgres://…` URL. The contacts
    /// made and planned are read from it and each planned message is recorded there, so a
    /// rerun does not plan the same key again.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    /// Plan at this UTC time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct OutcomeArgs {
    /// Call reports (JSON object or array of `{"key","attempt","purpose","recipient","report"}`).
    #[arg(long, value_name = "FILE")]
    calls: PathBuf,
    /// Notification config (TOML) for the policy and retry matrix; presets without it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Contacts already made (JSON array), for caps on the retry. With --db they are
    /// imported into the ledger (once).
    #[arg(long, value_name = "FILE")]
    contacts: Option<PathBuf>,
    /// The ledger (SQLite path or `postgres://…` URL, created when missing): each call is
    /// recorded once per key and attempt, with its retry or SMS fallback, against the contacts
    /// there; a record may leave out the recipient when the ledger has the plan.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    /// The time the calls ended, UTC (YYYY-MM-DDTHH:MM:SS); the clock without it.
    #[arg(long, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

fn parse_now(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S")
        .map_err(|e| e.to_string())
}

fn read(p: &Path) -> io::Result<String> {
    if std::fs::metadata(p)?.len() > MAX_FILE {
        return Err(io::Error::other(format!("{}: too large", p.display())));
    }
    std::fs::read_to_string(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
}

fn json_file<T: serde::de::DeserializeOwned>(p: &Path) -> io::Result<Result<T, NotifyError>> {
    let text = read(p)?;
    Ok(serde_json::from_str(strip_bom(&text))
        .map_err(|e| NotifyError::BadInput(format!("{}: {e}", p.display()))))
}

fn open_db(db: &str) -> io::Result<Ledger> {
    Ledger::open(db).map_err(|e| io::Error::other(format!("{db}: {e}")))
}

fn store_err(db: &str, e: chek::store::StoreError) -> io::Error {
    io::Error::other(format!("{db}: {e}"))
}

fn config(p: &Path) -> io::Result<Result<NotifyConfig, NotifyError>> {
    Ok(NotifyConfig::from_toml(&read(p)?))
}

fn contacts(p: Option<&PathBuf>) -> io::Result<Result<Vec<Contact>, NotifyError>> {
    match p {
        Some(p) => json_file(p),
        None => Ok(Ok(Vec::new())),
    }
}

/// Prints a typed error (JSON or text) and gives exit code 1.
fn fail(e: &NotifyError, o: &OutputArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if o.json {
        writeln!(out, "{}", error_json(e, o.lang))?;
    } else {
        writeln!(out, "{}: {e}\n  {}", e.code(), e.hint(o.lang))?;
    }
    Ok(ExitCode::from(1))
}

macro_rules! tri {
    ($e:expr, $o:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return fail(&e, $o),
        }
    };
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    match &args.sub {
        Sub::Render(a) => run_render(a),
        Sub::Plan(a) => run_plan(a),
        Sub::Outcome(a) => run_outcome(a),
    }
}

fn rub(k: i64) -> String {
    format!("{} ₽", format_roubles(k))
}

fn cut_text(c: &Cut) -> String {
    match c {
        Cut::Shorten { units } => format!("shorten by {units} units"),
        Cut::DropOptional {
            text,
            units_saved,
            segments_after,
        } => format!("drop «{text}» (−{units_saved} units → {segments_after} segments)"),
        Cut::Transliterate {
            text,
            segments_after,
        } => format!("send in Latin ({segments_after} segments): {text}"),
        _ => String::new(),
    }
}

fn run_render(a: &RenderArgs) -> io::Result<ExitCode> {
    let o = &a.out;
    let cfg = match &a.config {
        Some(p) => Some(tri!(config(p)?, o)),
        None => None,
    };
    let src = match (&a.template, &a.name, &cfg) {
        (Some(p), None, _) => strip_bom(&read(p)?).to_owned(),
        (None, Some(n), Some(c)) => match c.templates.get(n) {
            Some(t) => t.clone(),
            None => {
                return fail(
                    &NotifyError::BadConfig(format!("no template {n:?} in the config")),
                    o,
                );
            }
        },
        _ => {
            eprintln!("chek: notify render needs --template FILE, or --config FILE --name NAME");
            return Ok(ExitCode::from(2));
        }
    };
    let cfg = cfg.unwrap_or_default();
    let t = tri!(Template::parse(&src), o);
    let vars: Vars = tri!(json_file(&a.vars)?, o);
    let sms = tri!(t.render(&vars, Target::Sms), o);
    let speech = tri!(t.render(&vars, Target::Speech), o);
    let sc = cfg.cost(ContactChannel::Sms, &sms);
    let cc = cfg.cost(ContactChannel::Call, &speech);
    let plan_cuts = tri!(sms_cuts(&t, &vars), o);
    let mut out = io::stdout().lock();
    if o.json {
        let v = json!({
            "sms": {"text": sms, "length": sc.sms, "cost_kopecks": sc.cost_kopecks, "fits": sc.fits},
            "speech": {"text": speech, "seconds": cc.speech_seconds, "cost_kopecks": cc.cost_kopecks, "fits": cc.fits},
            "cuts": plan_cuts,
        });
        writeln!(out, "{v}")?;
    } else {
        if let Some(l) = sc.sms {
            writeln!(
                out,
                "sms ({}, {} units, {} segment(s), {}):",
                l.encoding.as_str(),
                l.units,
                l.segments,
                rub(sc.cost_kopecks)
            )?;
        }
        writeln!(out, "  {sms}")?;
        writeln!(
            out,
            "speech (~{} s, {}):",
            cc.speech_seconds.unwrap_or(0),
            rub(cc.cost_kopecks)
        )?;
        writeln!(out, "  {speech}")?;
        for c in &plan_cuts {
            writeln!(out, "cut: {}", cut_text(c))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Deserialize)]
struct EventsFile {
    #[serde(default)]
    recipients: Vec<Recipient>,
    events: Vec<CrmEvent>,
}

fn run_plan(a: &PlanArgs) -> io::Result<ExitCode> {
    let o = &a.out;
    let cfg = tri!(config(&a.config)?, o);
    let ev: EventsFile = tri!(json_file(&a.events)?, o);
    let history = tri!(contacts(a.contacts.as_ref())?, o);
    let now = a.now.unwrap_or_else(|| chrono::Utc::now().naive_utc());
    let p = match &a.db {
        Some(db) => {
            let l = open_db(db)?;
            l.notify_import_contacts(&history, now)
                .map_err(|e| store_err(db, e))?;
            l.notify_plan(&cfg, &ev.events, &ev.recipients, now)
                .map_err(|e| store_err(db, e))?
        }
        None => tri!(plan(&cfg, &ev.events, &ev.recipients, &history, now), o),
    };
    let failed = p.skipped.iter().any(|s| s.code != "notify.already_sent");
    let mut out = io::stdout().lock();
    if o.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&p).map_err(io::Error::other)?
        )?;
    } else {
        writeln!(
            out,
            "{} message(s), {} skipped, total {}",
            p.messages.len(),
            p.skipped.len(),
            rub(p.total_kopecks)
        )?;
        for m in &p.messages {
            writeln!(
                out,
                "{} → {} by {} at {} local ({} UTC, {}), {} [{}]",
                m.key,
                m.customer,
                m.channel,
                m.slot.local.format("%Y-%m-%d %H:%M"),
                m.slot.at.format("%Y-%m-%d %H:%M"),
                m.slot.zone,
                rub(m.cost_kopecks),
                m.policy
            )?;
            if !m.slot.deferred.is_empty() {
                let why: Vec<String> = m
                    .slot
                    .deferred
                    .iter()
                    .map(|d| serde_json::to_value(d).unwrap_or_default().to_string())
                    .collect();
                writeln!(out, "  deferred: {}", why.join(", "))?;
            }
            writeln!(out, "  {}", m.text)?;
            for alt in m.alternatives.iter().filter(|x| x.channel != m.channel) {
                writeln!(
                    out,
                    "  instead {}: {}{}",
                    alt.channel,
                    alt.cost_kopecks.map(rub).unwrap_or_else(|| "—".into()),
                    alt.reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                )?;
            }
            for c in &m.cuts {
                writeln!(out, "  cut: {}", cut_text(c))?;
            }
        }
        for s in &p.skipped {
            writeln!(out, "skipped {} ({}): {}", s.key, s.code, s.reason)?;
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_outcome(a: &OutcomeArgs) -> io::Result<ExitCode> {
    let o = &a.out;
    let cfg = match &a.config {
        Some(p) => tri!(config(p)?, o),
        None => NotifyConfig::default(),
    };
    let records = tri!(parse_call_records(&read(&a.calls)?), o);
    let history = tri!(contacts(a.contacts.as_ref())?, o);
    let now = a.now.unwrap_or_else(|| chrono::Utc::now().naive_utc());
    let ledger = match &a.db {
        Some(db) => {
            let l = open_db(db)?;
            l.notify_import_contacts(&history, now)
                .map_err(|e| store_err(db, e))?;
            Some((l, db.as_str()))
        }
        None => None,
    };
    let mut out = io::stdout().lock();
    let mut all_ok = true;
    for (i, rec) in records.iter().enumerate() {
        let key = rec.as_ref().ok().map(|r| r.key.clone());
        let result: Result<(CrmResult, bool), NotifyError> = match (rec, &ledger) {
            (Err(e), _) => Err(e.clone()),
            (Ok(c), Some((l, db))) => l
                .notify_outcome(&cfg, c, now)
                .map_err(|e| store_err(db, e))?
                .map(|r| (r.value, r.replayed)),
            (Ok(c), None) => process_call(&cfg, c, &history, now).map(|r| (r, false)),
        };
        match result {
            Ok((r, replayed)) if o.json => {
                let mut v = serde_json::to_value(&r).map_err(io::Error::other)?;
                if ledger.is_some() {
                    v["replayed"] = Value::Bool(replayed);
                }
                writeln!(out, "{v}")?;
            }
            Ok((r, replayed)) => {
                let next = match (r.next_attempt_local, r.next_attempt_at) {
                    (Some(l), Some(u)) => format!(
                        "retry at {} local ({} UTC)",
                        l.format("%Y-%m-%d %H:%M"),
                        u.format("%Y-%m-%d %H:%M")
                    ),
                    _ if r.success => "done".into(),
                    _ => format!("stop ({})", r.stop_reason.as_deref().unwrap_or("?")),
                };
                let fallback = r
                    .fallback_sms
                    .as_ref()
                    .map(|f| {
                        format!(
                            "; SMS instead at {} local",
                            f.local.format("%Y-%m-%d %H:%M")
                        )
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{} attempt {}: {} {} → {} ({}) — {}{}{}",
                    r.external_id,
                    r.attempt,
                    r.provider,
                    r.provider_status,
                    r.outcome.as_str(),
                    r.code,
                    next,
                    fallback,
                    if replayed { " (already recorded)" } else { "" }
                )?;
            }
            Err(e) => {
                all_ok = false;
                if o.json {
                    let mut v = error_json(&e, o.lang);
                    if let Some(k) = &key {
                        v["external_id"] = Value::String(k.clone());
                    }
                    v["record"] = Value::from(i + 1);
                    writeln!(out, "{v}")?;
                } else {
                    let who = key.clone().unwrap_or_else(|| format!("record {}", i + 1));
                    writeln!(out, "{who}: {}: {e}\n  {}", e.code(), e.hint(o.lang))?;
                }
            }
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
