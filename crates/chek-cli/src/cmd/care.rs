//! `chek care`: replay case histories (routing, status, SLA and breaches), route a message,
//! render quick replies, open a case from a campaign segment, and suggest identity merges.
//! With `--db DB` (an SQLite path or a PostgreSQL URL, created when missing) events, links and
//! merges are recorded in the ledger and cases and the combined queue are shown from it; the
//! case and identity files stay as import formats.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::engage::care::{
    CareError, CaseFile, CaseView, ContactChannel, Desk, Event, Evidence, IdentityFile, Inbox, Key,
    MetricState, QueueItem, Rendered, Request, Strength, queue, replay, replay_joined,
    segment_by_id,
};
use chek::store::{CareCaseHistory, CareMerge, Ledger, NewMessage};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use crate::output::{OutputArgs, error_json};

/// Files larger than this are refused before reading.
const MAX_FILE: u64 = 8 << 20;

/// Arguments of `chek care`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Replay case histories (TOML or JSON events): route history, status, SLA and breaches.
    Replay(ReplayArgs),
    /// Route one message by the desk's rules (`-` or nothing reads stdin).
    Route(RouteArgs),
    /// Render a quick reply and list the placeholders that still need values (no id: list them).
    Reply(ReplyArgs),
    /// Open the case a campaign problem segment (manual_entry, not_found_in_fns, limit, …) makes.
    Segment(SegmentArgs),
    /// Identity links and merge suggestions (strong ones merged automatically, weak ones not).
    Identity(IdentityArgs),
    /// Record one event of a case in the ledger (a JSON object as in case files; `-` or nothing: stdin).
    Event(EventArgs),
    /// Show cases from the ledger: their histories joined with the cases merged into them.
    Show(ShowArgs),
    /// The combined queue: open cases of every group, the earliest SLA deadline first.
    Queue(QueueArgs),
    /// Record an identity link (two identifiers and the evidence) in the ledger.
    Link(LinkArgs),
    /// Merge a case into another in the ledger (weak or no evidence needs --by OPERATOR).
    Merge(MergeArgs),
    /// Undo a merge in the ledger.
    Unmerge(UnmergeArgs),
}

/// `--db DB`: the ledger.
#[derive(Debug, clap::Args)]
struct DbArg {
    /// The ledger: a SQLite file (created when missing) or a `postgres://…` URL.
    #[arg(long, value_name = "PATH|URL")]
    db: String,
}

impl DbArg {
    fn open(&self) -> io::Result<Ledger> {
        open_db(&self.db)
    }
}

fn open_db(db: &str) -> io::Result<Ledger> {
    Ledger::open(db).map_err(|e| io::Error::other(format!("{}: {e}", chek::store::redact(db))))
}

#[derive(Debug, clap::Args)]
struct EventArgs {
    #[command(flatten)]
    db: DbArg,
    /// The case id.
    #[arg(long)]
    case: String,
    /// The event's own id (the channel's message id): recorded once, a retry changes nothing.
    #[arg(long)]
    id: String,
    /// The event as JSON, e.g. `{"kind":"message","at":"2026-03-03T10:00:00","channel":"viber","from":"…","text":"…"}`.
    event: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    #[command(flatten)]
    db: DbArg,
    /// Desk file.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// Case ids (none: every case not merged into another).
    cases: Vec<String>,
    /// Evaluate at this local time (YYYY-MM-DDTHH:MM:SS); default: the clock.
    #[arg(long, value_parser = parse_time)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct QueueArgs {
    /// Desk file.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// The ledger to read the cases from (case files given are recorded in it first).
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    /// Case history files (without --db: the cases of the queue).
    #[arg(value_name = "CASE")]
    cases: Vec<PathBuf>,
    /// Only this group (repeat).
    #[arg(long)]
    group: Vec<String>,
    /// Evaluate at this local time (YYYY-MM-DDTHH:MM:SS); default: the clock.
    #[arg(long, value_parser = parse_time)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct LinkArgs {
    #[command(flatten)]
    db: DbArg,
    /// One identifier, `kind:value` (phone:…, email:…, telegram:…, viber:…, vk:…, card:…).
    a: String,
    /// The other.
    b: String,
    /// The evidence: verified_phone, verified_email, messenger_contact, card_registration,
    /// operator_confirmed, stated_by_customer, same_name, shared_phone.
    #[arg(long)]
    evidence: String,
    /// When the evidence was seen (YYYY-MM-DDTHH:MM:SS); default: the clock.
    #[arg(long, value_parser = parse_time)]
    at: Option<NaiveDateTime>,
    /// The event's own id: recorded once.
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct MergeArgs {
    #[command(flatten)]
    db: DbArg,
    /// The case merged away.
    from: String,
    /// The case that receives its history.
    into: String,
    /// The operator confirming it (required unless strong evidence links the two customers).
    #[arg(long, value_name = "OPERATOR")]
    by: Option<String>,
    /// When (YYYY-MM-DDTHH:MM:SS); default: the clock.
    #[arg(long, value_parser = parse_time)]
    at: Option<NaiveDateTime>,
    /// The request's own id: a retry returns the first result.
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct UnmergeArgs {
    #[command(flatten)]
    db: DbArg,
    /// The merge id (as `care merge` printed it).
    merge: u64,
    /// The operator undoing it.
    #[arg(long, value_name = "OPERATOR")]
    by: Option<String>,
    /// When (YYYY-MM-DDTHH:MM:SS); default: the clock.
    #[arg(long, value_parser = parse_time)]
    at: Option<NaiveDateTime>,
    /// The request's own id: a retry returns the first result.
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct ReplayArgs {
    /// Desk file: groups, hours, SLA targets, rules, segments, quick replies.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// Case history files (required without --db).
    #[arg(value_name = "CASE", required_unless_present = "db")]
    cases: Vec<PathBuf>,
    /// Record the files' events in this ledger (ids `CASE#1`, `CASE#2`, … by position, so a
    /// file imported again records nothing twice) and show the cases from it, joined with the
    /// cases merged into them; without files, every case in the ledger.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    /// Evaluate at this local time (YYYY-MM-DDTHH:MM:SS); default: the file's `now`, else the clock.
    #[arg(long, value_parser = parse_time)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct RouteArgs {
    /// Desk file.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// The channel: email, phone, chat, campaign, telegram, whatsapp, viber, vk, max, or
    /// messenger (any messenger).
    #[arg(long, default_value = "chat", value_parser = parse_channel)]
    channel: ContactChannel,
    /// The message text (`-` or nothing: stdin).
    text: Vec<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct ReplyArgs {
    /// Desk file.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// Quick reply id; without it, every reply with its placeholders is listed.
    id: Option<String>,
    /// A placeholder value, `name=value` (repeat).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// Send it: the reply is recorded in case --case of this ledger and queued in its outbox
    /// for the chat the customer wrote from, in one transaction (`chek bot telegram` sends it).
    #[arg(long, value_name = "PATH|URL", requires_all = ["case", "event_id"])]
    db: Option<String>,
    /// The case to answer.
    #[arg(long, requires = "db")]
    case: Option<String>,
    /// The reply's own id: recorded and queued once, a retry changes nothing.
    #[arg(long, value_name = "ID", requires = "db")]
    event_id: Option<String>,
    /// Who answers.
    #[arg(long, requires = "db")]
    agent: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct SegmentArgs {
    /// Desk file.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// Segment id: manual_entry, not_found_in_fns, limit, out_of_period, no_promo_products, duplicate.
    segment: String,
    /// A value for the quick reply, `name=value` (repeat).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// When the case opens (YYYY-MM-DDTHH:MM:SS); default: the clock.
    #[arg(long, value_parser = parse_time)]
    at: Option<NaiveDateTime>,
    /// Record the opening event in this ledger as case --case (event id --id, default
    /// `CASE#segment`).
    #[arg(long, value_name = "PATH|URL", requires = "case")]
    db: Option<String>,
    /// The case id to record it as.
    #[arg(long, requires = "db")]
    case: Option<String>,
    /// The event's own id.
    #[arg(long, requires = "db")]
    id: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct IdentityArgs {
    /// Identity file: `shared`, `links` (a, b, evidence, at) and `requests` (id, channel, keys, at).
    #[arg(required_unless_present = "db")]
    file: Option<PathBuf>,
    /// Record the file's shared identifiers and links in this ledger, and report the links,
    /// the merge suggestions between its cases and the merge log from it (nothing is merged:
    /// `care merge` does that).
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

fn parse_time(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|e| format!("{e}: use YYYY-MM-DDTHH:MM:SS"))
}

fn parse_channel(s: &str) -> Result<ContactChannel, String> {
    ContactChannel::parse(s).ok_or_else(|| format!("use {}", ContactChannel::names()))
}

fn parse_set(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or("write NAME=VALUE")?;
    Ok((k.trim().to_owned(), v.to_owned()))
}

fn read(p: &Path) -> io::Result<String> {
    let len = std::fs::metadata(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?
        .len();
    if len > MAX_FILE {
        return Err(io::Error::other(format!(
            "{}: larger than {MAX_FILE} bytes",
            p.display()
        )));
    }
    let text = std::fs::read_to_string(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
    // A UTF-8 byte-order mark (Windows editors write one) is not part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_owned(),
        None => text,
    })
}

fn now_local() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

fn tr(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

fn t(x: NaiveDateTime) -> String {
    x.format("%Y-%m-%d %H:%M").to_string()
}

fn pretty(v: &impl serde::Serialize) -> io::Result<String> {
    serde_json::to_string(v).map_err(io::Error::other)
}

/// Prints a desk or input error; exit 1.
fn fail(
    out: &mut impl Write,
    what: &str,
    err: &(impl Coded + std::fmt::Display),
    o: &OutputArgs,
) -> io::Result<()> {
    if o.json {
        let mut v = error_json(err, o.lang);
        v["file"] = json!(what);
        writeln!(out, "{v}")
    } else {
        writeln!(out, "{what}: {} ({})", err.hint(o.lang), err.code())
    }
}

fn load_desk(p: &Path, out: &mut impl Write, o: &OutputArgs) -> io::Result<Option<Desk>> {
    match Desk::parse(&read(p)?) {
        Ok(d) => Ok(Some(d)),
        Err(e) => {
            fail(out, &p.display().to_string(), &e, o)?;
            Ok(None)
        }
    }
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    match &args.cmd {
        Sub::Replay(a) => run_replay(a),
        Sub::Route(a) => run_route(a),
        Sub::Reply(a) => run_reply(a),
        Sub::Segment(a) => run_segment(a),
        Sub::Identity(a) => run_identity(a),
        Sub::Event(a) => run_event(a),
        Sub::Show(a) => run_show(a),
        Sub::Queue(a) => run_queue(a),
        Sub::Link(a) => run_link(a),
        Sub::Merge(a) => run_merge(a),
        Sub::Unmerge(a) => run_unmerge(a),
    }
}

fn run_replay(a: &ReplayArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let ledger = a.db.as_deref().map(open_db).transpose()?;
    let mut ok = true;
    let mut recorded: Vec<(String, Option<NaiveDateTime>)> = Vec::new();
    for p in &a.cases {
        let name = p.display().to_string();
        let file = match CaseFile::parse(&read(p)?) {
            Ok(f) => f,
            Err(e) => {
                ok = false;
                fail(&mut out, &name, &e, &a.out)?;
                continue;
            }
        };
        if let Some(l) = &ledger {
            import_case(l, &file)?;
            recorded.push((file.case.clone(), file.now));
            continue;
        }
        let now = a.now.or(file.now).unwrap_or_else(now_local);
        match replay(&desk, &file.case, &file.events, now) {
            Ok(v) => print_view(&mut out, &v, &desk, &a.out)?,
            Err(e) => {
                ok = false;
                fail(&mut out, &name, &e, &a.out)?;
            }
        }
    }
    if let Some(l) = &ledger {
        let histories = if a.cases.is_empty() {
            l.care_cases().map_err(io::Error::other)?
        } else {
            let mut v = Vec::new();
            for (case, _) in &recorded {
                v.extend(l.care_case(case).map_err(io::Error::other)?);
            }
            v
        };
        for h in &histories {
            let file_now = recorded
                .iter()
                .find(|(c, _)| *c == h.case.case)
                .and_then(|x| x.1);
            let now = a.now.or(file_now).unwrap_or_else(now_local);
            ok &= show_history(&mut out, h, &desk, now, &a.out)?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_view(out: &mut impl Write, v: &CaseView, desk: &Desk, o: &OutputArgs) -> io::Result<()> {
    if o.json {
        writeln!(out, "{}", pretty(v)?)
    } else {
        write!(out, "{}", case_text(v, desk, o.lang))
    }
}

/// Records a case file's events, `CASE#1`, `CASE#2`, … by position.
fn import_case(l: &Ledger, f: &CaseFile) -> io::Result<()> {
    let now = now_local();
    for (i, e) in f.events.iter().enumerate() {
        l.care_record(&f.case, &format!("{}#{}", f.case, i + 1), e, now)
            .map_err(io::Error::other)?;
    }
    Ok(())
}

/// Replays one stored case with the cases merged into it; false when it does not replay.
fn show_history(
    out: &mut impl Write,
    h: &CareCaseHistory,
    desk: &Desk,
    now: NaiveDateTime,
    o: &OutputArgs,
) -> io::Result<bool> {
    match replay_joined(desk, &h.parts, now) {
        Ok(mut v) => {
            v.merged_into.clone_from(&h.case.merged_into);
            print_view(out, &v, desk, o)?;
            Ok(true)
        }
        Err(e) => {
            fail(out, &h.case.case, &e, o)?;
            Ok(false)
        }
    }
}

fn state_word(s: MetricState, lang: Lang) -> &'static str {
    match s {
        MetricState::Running => tr(lang, "идёт", "running"),
        MetricState::Paused => tr(lang, "пауза", "paused"),
        MetricState::Met => tr(lang, "в срок", "met"),
        MetricState::Missed => tr(lang, "просрочен", "missed"),
        MetricState::Breached => tr(lang, "НАРУШЕН", "BREACHED"),
    }
}

fn case_text(v: &CaseView, desk: &Desk, lang: Lang) -> String {
    let mut s = String::new();
    let group_name = desk
        .group(&v.group)
        .map_or(v.group.as_str(), |g| g.name.as_str());
    s.push_str(&format!(
        "{} — {} · {} {} «{}»{} · {} {}\n",
        v.case,
        serde_json::to_value(v.status)
            .ok()
            .and_then(|x| x.as_str().map(str::to_owned))
            .unwrap_or_default(),
        tr(lang, "группа", "group"),
        v.group,
        group_name,
        v.topic
            .as_deref()
            .map(|x| format!(" · {}", x))
            .unwrap_or_default(),
        tr(lang, "на", "as of"),
        t(v.now),
    ));
    if let Some(t) = &v.request_type {
        s.push_str(&format!(
            "  {}: {t}\n",
            tr(lang, "тип обращения", "request type")
        ));
    }
    if !v.merged_cases.is_empty() {
        s.push_str(&format!(
            "  {}: {}\n",
            tr(lang, "объединены", "merged in"),
            v.merged_cases.join(", ")
        ));
    }
    if let Some(into) = &v.merged_into {
        s.push_str(&format!(
            "  {}: {into}\n",
            tr(lang, "объединено с", "merged into")
        ));
    }
    if v.reopened > 0 || v.paused {
        s.push_str(&format!(
            "  {}: {}{}\n",
            tr(lang, "переоткрыт", "reopened"),
            v.reopened,
            if v.paused {
                tr(lang, " · ждём клиента", " · waiting on the customer")
            } else {
                ""
            }
        ));
    }
    s.push_str(tr(lang, "  маршрут:\n", "  route:\n"));
    for r in &v.routes {
        let by = serde_json::to_value(r.by)
            .ok()
            .and_then(|x| x.as_str().map(str::to_owned))
            .unwrap_or_default();
        s.push_str(&format!(
            "    {}  {:<10} {} {}{}\n",
            t(r.at),
            r.group,
            by,
            r.source.as_deref().unwrap_or(""),
            if r.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.detail.join(", "))
            }
        ));
    }
    s.push_str(tr(lang, "  история:\n", "  history:\n"));
    for h in &v.history {
        let st = serde_json::to_value(h.status)
            .ok()
            .and_then(|x| x.as_str().map(str::to_owned))
            .unwrap_or_default();
        s.push_str(&format!(
            "    {}  {:<9} {:<10} {}\n",
            t(h.at),
            h.event,
            st,
            h.note
        ));
    }
    s.push_str(tr(
        lang,
        "  SLA (рабочие минуты):\n    метрика          #  цель  прошло  состояние  срок              выполнено\n",
        "  SLA (working minutes):\n    metric           #  target elapsed state     due               done\n",
    ));
    for m in &v.sla {
        s.push_str(&format!(
            "    {:<16} {:<2} {:<5} {:<7} {:<10} {:<17} {}\n",
            m.metric.as_str(),
            m.cycle,
            m.target_minutes,
            m.elapsed_minutes,
            state_word(m.state, lang),
            m.breach_at.map(t).unwrap_or_else(|| "—".into()),
            m.done_at.map(t).unwrap_or_else(|| "—".into()),
        ));
        for r in &m.reminders {
            s.push_str(&format!(
                "      {} {} {} ({} {})\n",
                tr(lang, "напоминание", "reminder"),
                t(r.at),
                if r.due { "✓" } else { "…" },
                r.before_minutes,
                tr(lang, "мин до срока", "min before due"),
            ));
        }
    }
    if v.breaches.is_empty() {
        s.push_str(tr(lang, "  нарушений SLA нет\n", "  no SLA breaches\n"));
    } else {
        s.push_str(tr(lang, "  нарушения:\n", "  breaches:\n"));
        for b in &v.breaches {
            s.push_str(&format!(
                "    {}  {} #{} ({})\n",
                t(b.at),
                b.metric.as_str(),
                b.cycle,
                state_word(b.state, lang)
            ));
        }
    }
    s
}

fn run_route(a: &RouteArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let text = if a.text.is_empty() || a.text == ["-"] {
        let mut s = String::new();
        io::stdin()
            .take(chek::engage::care::MAX_ROUTED_BYTES as u64 * 4)
            .read_to_string(&mut s)?;
        s
    } else {
        a.text.join(" ")
    };
    let r = desk.route(&text, a.channel);
    if a.out.json {
        writeln!(out, "{}", pretty(&r)?)?;
    } else {
        writeln!(
            out,
            "{} {} · {} {} · {} {}",
            tr(a.out.lang, "группа", "group"),
            r.group,
            tr(a.out.lang, "правило", "rule"),
            r.rule.as_deref().unwrap_or("—"),
            tr(a.out.lang, "тема", "topic"),
            r.topic.as_deref().unwrap_or("—"),
        )?;
        if !r.matched.is_empty() {
            writeln!(
                out,
                "  {}: {}",
                tr(a.out.lang, "совпало", "matched"),
                r.matched.join(", ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rendered_text(r: &Rendered, lang: Lang) -> String {
    let mut s = format!("{}\n", r.text);
    for m in &r.missing {
        s.push_str(&format!(
            "  {} {{{{{}}}}}: {}\n",
            tr(lang, "нужно значение", "needs a value"),
            m.name,
            m.prompt
        ));
    }
    for b in &r.invalid {
        s.push_str(&format!(
            "  {} {{{{{}}}}}: {:?}\n",
            tr(lang, "неверное значение", "bad value"),
            b.name,
            b.value
        ));
    }
    s
}

fn run_reply(a: &ReplyArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(id) = &a.id else {
        let list: Vec<Value> = desk
            .replies()
            .map(|q| json!({"id": q.id, "title": q.title, "placeholders": q.prompts()}))
            .collect();
        if a.out.json {
            writeln!(out, "{}", pretty(&list)?)?;
        } else {
            for q in desk.replies() {
                let names: Vec<String> = q.prompts().into_iter().map(|p| p.name).collect();
                writeln!(out, "{:<16} {}  [{}]", q.id, q.title, names.join(", "))?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Some(q) = desk.reply(id) else {
        let e = chek::engage::care::CareError::Unknown {
            what: "quick reply",
            id: id.clone(),
        };
        fail(&mut out, id, &e, &a.out)?;
        return Ok(ExitCode::from(1));
    };
    let values: BTreeMap<String, String> = a.set.iter().cloned().collect();
    let r = match q.render_checked(&values) {
        Ok(r) => r,
        Err(e) => {
            fail(&mut out, id, &e, &a.out)?;
            return Ok(ExitCode::from(1));
        }
    };
    let sent = match (&a.db, &a.case, &a.event_id) {
        (Some(db), Some(case), Some(event_id)) if r.complete => {
            Some(send_reply(db, case, event_id, a.agent.clone(), &r.text)?)
        }
        _ => None,
    };
    if a.out.json {
        let mut v = serde_json::to_value(&r).map_err(io::Error::other)?;
        if let Some(s) = &sent {
            v["sent"] = s.clone();
        }
        writeln!(out, "{}", pretty(&v)?)?;
    } else {
        write!(out, "{}", rendered_text(&r, a.out.lang))?;
        if let Some(s) = &sent {
            match s["queued"].as_str() {
                Some(key) => writeln!(
                    out,
                    "{} {key} → {}:{}",
                    tr(a.out.lang, "в очереди на отправку:", "queued to send:"),
                    s["channel"].as_str().unwrap_or(""),
                    s["recipient"].as_str().unwrap_or("")
                )?,
                None => writeln!(
                    out,
                    "{}",
                    tr(
                        a.out.lang,
                        "записано в обращение; отправить некуда: клиент писал не из Telegram",
                        "recorded in the case; nowhere to send it: the customer did not write from Telegram"
                    )
                )?,
            }
        }
    }
    let queued = sent.as_ref().is_none_or(|s| s["queued"].is_string());
    Ok(if r.complete && queued {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Records the reply in the case and queues it for the customer, together. `{"case", "seq",
/// "replayed", "queued": key|null, "channel", "recipient"}`.
fn send_reply(
    db: &str,
    case: &str,
    event_id: &str,
    agent: Option<String>,
    text: &str,
) -> io::Result<Value> {
    let l = open_db(db)?;
    let event = Event::Reply {
        at: now_local(),
        agent,
        close: true,
        text: Some(text.to_owned()),
    };
    let key = format!("care:{case}:{event_id}");
    let utc = chrono::Utc::now().naive_utc();
    let r = l
        .care_record_replying(
            case,
            event_id,
            &event,
            &mut |row| {
                row.reply_address()
                    .into_iter()
                    .map(|(ch, to)| NewMessage::new(key.clone(), ch, to, text, utc))
                    .collect()
            },
            utc,
        )
        .map_err(io::Error::other)?;
    // A replayed reply: what was queued the first time.
    let queued = l.outbox_get(&key).map_err(io::Error::other)?;
    Ok(json!({
        "case": r.value.case,
        "seq": r.value.seq,
        "replayed": r.replayed,
        "queued": queued.as_ref().map(|m| m.key.clone()),
        "channel": queued.as_ref().map(|m| m.channel.clone()),
        "recipient": queued.as_ref().map(|m| m.recipient.clone()),
    }))
}

fn run_segment(a: &SegmentArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(seg) = segment_by_id(&a.segment) else {
        eprintln!(
            "chek: no segment {:?}: use manual_entry, not_found_in_fns, out_of_period, no_promo_products, duplicate or limit",
            a.segment
        );
        return Ok(ExitCode::from(2));
    };
    let at = a.at.unwrap_or_else(now_local);
    let c = desk.open_segment_case(seg, a.set.iter().cloned().collect(), at);
    let view = replay(&desk, "segment", std::slice::from_ref(&c.event), at);
    if let (Some(db), Some(case)) = (&a.db, &a.case) {
        let id = a.id.clone().unwrap_or_else(|| format!("{case}#segment"));
        open_db(db)?
            .care_record(case, &id, &c.event, at)
            .map_err(io::Error::other)?;
    }
    if a.out.json {
        let mut v = serde_json::to_value(&c).map_err(io::Error::other)?;
        if let Ok(view) = &view {
            v["sla"] = serde_json::to_value(&view.sla).map_err(io::Error::other)?;
        }
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "«{}» ({}) → {} {}",
            seg.name_ru(),
            seg.id(),
            tr(a.out.lang, "очередь", "queue"),
            c.group
        )?;
        if let Ok(view) = &view {
            for m in &view.sla {
                writeln!(
                    out,
                    "  {} {}: {}",
                    m.metric.as_str(),
                    tr(a.out.lang, "срок", "due"),
                    m.breach_at.map(t).unwrap_or_else(|| "—".into())
                )?;
            }
        }
        match &c.reply {
            Some(r) => write!(out, "  {}", rendered_text(r, a.out.lang))?,
            None => writeln!(
                out,
                "  {}",
                tr(a.out.lang, "быстрого ответа нет", "no quick reply")
            )?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_identity(a: &IdentityArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let file = match &a.file {
        Some(p) => match IdentityFile::parse(&read(p)?) {
            Ok(f) => Some(f),
            Err(e) => {
                fail(&mut out, &p.display().to_string(), &e, &a.out)?;
                return Ok(ExitCode::from(1));
            }
        },
        None => None,
    };
    if let Some(db) = &a.db {
        return identity_db(&mut out, &open_db(db)?, file.as_ref(), &a.out);
    }
    let name = a
        .file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let r = match file.unwrap_or_default().report() {
        Ok(r) => r,
        Err(e) => {
            fail(&mut out, &name, &e, &a.out)?;
            return Ok(ExitCode::from(1));
        }
    };
    if a.out.json {
        writeln!(out, "{}", pretty(&r)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let lang = a.out.lang;
    writeln!(out, "{}:", tr(lang, "связи", "links"))?;
    for l in &r.links {
        writeln!(
            out,
            "  {} ↔ {}  {} ({})",
            l.a,
            l.b,
            l.evidence.describe(lang),
            if l.strength == Strength::Strong {
                tr(lang, "сильная", "strong")
            } else {
                tr(lang, "слабая", "weak")
            }
        )?;
    }
    writeln!(
        out,
        "{}:",
        tr(lang, "предложения объединить", "merge suggestions")
    )?;
    for s in &r.suggestions {
        writeln!(
            out,
            "  {} → {}  {}: {}",
            s.from_case,
            s.into_case,
            if s.automatic {
                tr(lang, "автоматически", "automatic")
            } else {
                tr(lang, "нужно подтверждение оператора", "needs an operator")
            },
            match lang {
                Lang::Ru => &s.reason_ru,
                Lang::En => &s.reason_en,
            }
        )?;
    }
    writeln!(
        out,
        "{}: {}",
        tr(lang, "объединено автоматически", "merged automatically"),
        r.auto_merged.len()
    )?;
    for (case, reqs) in &r.cases {
        writeln!(out, "  {case}: {}", reqs.join(", "))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The sender identifiers of a stored case and the cases merged into it.
fn history_keys(h: &CareCaseHistory) -> Vec<Key> {
    let mut keys: Vec<Key> = Vec::new();
    for p in &h.parts {
        for e in &p.events {
            if let Event::Message {
                channel,
                from: Some(from),
                ..
            } = e
                && let Some(k) = Key::from_sender(*channel, from)
                && !keys.contains(&k)
                && keys.len() < 32
            {
                keys.push(k);
            }
        }
    }
    keys
}

/// `care identity --db`: imports the file's shared identifiers and links, then reports the
/// links, the merge suggestions between the ledger's cases and the merge log.
fn identity_db(
    out: &mut impl Write,
    l: &Ledger,
    file: Option<&IdentityFile>,
    o: &OutputArgs,
) -> io::Result<ExitCode> {
    let now = now_local();
    if let Some(f) = file {
        for k in &f.shared {
            l.care_mark_shared(k, now).map_err(io::Error::other)?;
        }
        for x in &f.links {
            if x.a == x.b {
                let e = CareError::Invalid {
                    path: "links".into(),
                    problem: format!("{} is linked to itself", x.a),
                };
                fail(out, "links", &e, o)?;
                return Ok(ExitCode::from(1));
            }
            l.care_link(&x.a, &x.b, x.evidence, x.at, None)
                .map_err(io::Error::other)?;
        }
    }
    let graph = l.care_graph().map_err(io::Error::other)?;
    let mut inbox = Inbox::new();
    for h in l.care_cases().map_err(io::Error::other)? {
        let channel = h
            .parts
            .first()
            .and_then(|p| {
                p.events.iter().find_map(|e| match e {
                    Event::Message { channel, .. } => Some(*channel),
                    _ => None,
                })
            })
            .unwrap_or(ContactChannel::Chat);
        let r = Request {
            id: h.case.case.clone(),
            channel,
            keys: history_keys(&h),
            at: h.case.first_at.unwrap_or_default(),
        };
        if let Err(e) = inbox.add(r) {
            fail(out, &h.case.case, &e, o)?;
            return Ok(ExitCode::from(1));
        }
    }
    let suggestions = inbox.suggest(&graph);
    let merges = l.care_merges().map_err(io::Error::other)?;
    if o.json {
        let v = json!({"links": graph.links(), "suggestions": suggestions, "merges": merges});
        writeln!(out, "{v}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let lang = o.lang;
    writeln!(
        out,
        "{}: {}",
        tr(lang, "связей", "links"),
        graph.links().len()
    )?;
    writeln!(
        out,
        "{}:",
        tr(lang, "предложения объединить", "merge suggestions")
    )?;
    for s in &suggestions {
        writeln!(
            out,
            "  {} → {}  {}: {}",
            s.from_case,
            s.into_case,
            if s.automatic {
                tr(lang, "сильная связь", "strong evidence")
            } else {
                tr(lang, "нужно подтверждение оператора", "needs an operator")
            },
            match lang {
                Lang::Ru => &s.reason_ru,
                Lang::En => &s.reason_en,
            }
        )?;
    }
    for m in &merges {
        writeln!(out, "{}", merge_line(m, lang))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn merge_line(m: &CareMerge, lang: Lang) -> String {
    format!(
        "#{} {} → {} ({}){}{}",
        m.id,
        m.from_case,
        m.into_case,
        match m.strength {
            Some(Strength::Strong) => tr(lang, "сильная связь", "strong evidence"),
            Some(Strength::Weak) => tr(lang, "слабая связь", "weak evidence"),
            None => tr(lang, "без связи", "no link"),
        },
        m.confirmed_by
            .as_deref()
            .map(|b| format!(", {} {b}", tr(lang, "подтвердил", "confirmed by")))
            .unwrap_or_default(),
        if m.undone_at.is_some() {
            tr(lang, ", отменено", ", undone")
        } else {
            ""
        }
    )
}

fn run_event(a: &EventArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let text = match &a.event {
        Some(t) if t != "-" => t.clone(),
        _ => {
            let mut s = String::new();
            io::stdin()
                .take(chek::engage::care::MAX_CASE_BYTES as u64)
                .read_to_string(&mut s)?;
            s
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let event: Event = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(e) => {
            fail(
                &mut out,
                "event",
                &CareError::Malformed(e.to_string()),
                &a.out,
            )?;
            return Ok(ExitCode::from(1));
        }
    };
    let r =
        a.db.open()?
            .care_record(&a.case, &a.id, &event, now_local())
            .map_err(io::Error::other)?;
    if a.out.json {
        writeln!(out, "{}", pretty(&r)?)?;
    } else {
        writeln!(
            out,
            "{} #{} {}{}",
            r.value.case,
            r.value.seq,
            if r.replayed {
                tr(a.out.lang, "уже записано", "already recorded")
            } else {
                tr(a.out.lang, "записано", "recorded")
            },
            r.value
                .sender
                .as_ref()
                .map(|k| format!(" ({k})"))
                .unwrap_or_default()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run_show(a: &ShowArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let l = a.db.open()?;
    let now = a.now.unwrap_or_else(now_local);
    let mut ok = true;
    if a.cases.is_empty() {
        for h in l.care_cases().map_err(io::Error::other)? {
            ok &= show_history(&mut out, &h, &desk, now, &a.out)?;
        }
    }
    for c in &a.cases {
        match l.care_case(c).map_err(io::Error::other)? {
            Some(h) => ok &= show_history(&mut out, &h, &desk, now, &a.out)?,
            None => {
                ok = false;
                let e = CareError::Unknown {
                    what: "case",
                    id: c.clone(),
                };
                fail(&mut out, c, &e, &a.out)?;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_queue(a: &QueueArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let ledger = a.db.as_deref().map(open_db).transpose()?;
    let now = a.now.unwrap_or_else(now_local);
    let mut ok = true;
    let mut views: Vec<CaseView> = Vec::new();
    for p in &a.cases {
        let name = p.display().to_string();
        let r = CaseFile::parse(&read(p)?).and_then(|f| match &ledger {
            Some(l) => import_case(l, &f)
                .map(|()| None)
                .map_err(|e| CareError::Malformed(e.to_string())),
            None if f.events.iter().all(|e| e.at() > now) => Ok(None),
            None => replay(&desk, &f.case, &f.events, now).map(Some),
        });
        match r {
            Ok(v) => views.extend(v),
            Err(e) => {
                ok = false;
                fail(&mut out, &name, &e, &a.out)?;
            }
        }
    }
    if let Some(l) = &ledger {
        for h in l.care_cases().map_err(io::Error::other)? {
            if h.case.first_at.is_none_or(|f| f > now) {
                continue; // not open yet at `now`
            }
            match replay_joined(&desk, &h.parts, now) {
                Ok(v) => views.push(v),
                Err(e) => {
                    ok = false;
                    fail(&mut out, &h.case.case, &e, &a.out)?;
                }
            }
        }
    }
    let items: Vec<QueueItem> = queue(&views)
        .into_iter()
        .filter(|q| a.group.is_empty() || a.group.contains(&q.group))
        .collect();
    if a.out.json {
        for q in &items {
            writeln!(out, "{}", pretty(q)?)?;
        }
    } else {
        let lang = a.out.lang;
        writeln!(
            out,
            "{}",
            tr(
                lang,
                "срок              обращение        группа     статус     тип / тема",
                "due               case             group      status     type / topic"
            )
        )?;
        for q in &items {
            let status = serde_json::to_value(q.status)
                .ok()
                .and_then(|x| x.as_str().map(str::to_owned))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<17} {:<16} {:<10} {:<10} {}{}{}",
                q.due_at.map(t).unwrap_or_else(|| "—".into()),
                q.case,
                q.group,
                status,
                q.request_type
                    .iter()
                    .chain(q.topic.iter())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / "),
                if q.breached {
                    tr(lang, "  НАРУШЕН", "  BREACHED")
                } else {
                    ""
                },
                if q.paused {
                    tr(lang, "  ждём клиента", "  waiting on the customer")
                } else {
                    ""
                },
            )?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_link(a: &LinkArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let keys = Key::parse(&a.a).and_then(|x| Ok((x, Key::parse(&a.b)?)));
    let (ka, kb) = match keys {
        Ok(k) if k.0 != k.1 => k,
        Ok(k) => {
            let e = CareError::Invalid {
                path: "link".into(),
                problem: format!("{} is linked to itself", k.0),
            };
            fail(&mut out, "link", &e, &a.out)?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            fail(&mut out, "link", &e, &a.out)?;
            return Ok(ExitCode::from(1));
        }
    };
    let Ok(evidence) = serde_json::from_value::<Evidence>(json!(a.evidence.trim())) else {
        let e = CareError::Invalid {
            path: "evidence".into(),
            problem: format!(
                "{:?}: use verified_phone, verified_email, messenger_contact, card_registration, operator_confirmed, stated_by_customer, same_name or shared_phone",
                a.evidence
            ),
        };
        fail(&mut out, "link", &e, &a.out)?;
        return Ok(ExitCode::from(1));
    };
    let at = a.at.unwrap_or_else(now_local);
    let r =
        a.db.open()?
            .care_link(&ka, &kb, evidence, at, a.id.as_deref())
            .map_err(io::Error::other)?;
    if a.out.json {
        let v = json!({"a": ka, "b": kb, "evidence": evidence, "strength": r.value, "replayed": r.replayed});
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "{ka} ↔ {kb}: {} ({})",
            evidence.describe(a.out.lang),
            if r.value == Strength::Strong {
                tr(a.out.lang, "сильная", "strong")
            } else {
                tr(a.out.lang, "слабая", "weak")
            }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_merge(
    out: &mut impl Write,
    r: Result<chek::store::Replayed<CareMerge>, CareError>,
    what: &str,
    o: &OutputArgs,
) -> io::Result<ExitCode> {
    match r {
        Ok(m) if o.json => {
            writeln!(out, "{}", pretty(&m)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(m) => {
            writeln!(out, "{}", merge_line(&m.value, o.lang))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            fail(out, what, &e, o)?;
            Ok(ExitCode::from(1))
        }
    }
}

fn run_merge(a: &MergeArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let at = a.at.unwrap_or_else(now_local);
    let r =
        a.db.open()?
            .care_merge(&a.from, &a.into, a.by.as_deref(), a.id.as_deref(), at)
            .map_err(io::Error::other)?;
    print_merge(&mut out, r, "merge", &a.out)
}

fn run_unmerge(a: &UnmergeArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let at = a.at.unwrap_or_else(now_local);
    let r =
        a.db.open()?
            .care_unmerge(a.merge, a.by.as_deref(), a.id.as_deref(), at)
            .map_err(io::Error::other)?;
    print_merge(&mut out, r, "unmerge", &a.out)
}
