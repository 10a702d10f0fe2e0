//! `chek care`: replay case histories (routing, status, SLA and breaches), route a message,
//! render quick replies, open a case from a campaign segment, and suggest identity merges.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::engage::care::{
    CaseFile, CaseView, ContactChannel, Desk, IdentityFile, MetricState, Rendered, Strength,
    replay, segment_by_id,
};
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
}

#[derive(Debug, clap::Args)]
struct ReplayArgs {
    /// Desk file: groups, hours, SLA targets, rules, segments, quick replies.
    #[arg(long, value_name = "FILE")]
    desk: PathBuf,
    /// Case history files.
    #[arg(value_name = "CASE", required = true)]
    cases: Vec<PathBuf>,
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
    /// The channel: email, phone, messenger, chat, campaign.
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
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct IdentityArgs {
    /// Identity file: `shared`, `links` (a, b, evidence, at) and `requests` (id, channel, keys, at).
    file: PathBuf,
    #[command(flatten)]
    out: OutputArgs,
}

fn parse_time(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|e| format!("{e}: use YYYY-MM-DDTHH:MM:SS"))
}

fn parse_channel(s: &str) -> Result<ContactChannel, String> {
    serde_json::from_value(json!(s.trim().to_ascii_lowercase()))
        .map_err(|_| "use email, phone, messenger, chat or campaign".into())
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
    std::fs::read_to_string(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
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
    }
}

fn run_replay(a: &ReplayArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(desk) = load_desk(&a.desk, &mut out, &a.out)? else {
        return Ok(ExitCode::from(1));
    };
    let mut ok = true;
    for p in &a.cases {
        let name = p.display().to_string();
        let result = CaseFile::parse(&read(p)?).and_then(|f| {
            let now = a.now.or(f.now).unwrap_or_else(now_local);
            replay(&desk, &f.case, &f.events, now)
        });
        match result {
            Ok(v) if a.out.json => writeln!(out, "{}", pretty(&v)?)?,
            Ok(v) => write!(out, "{}", case_text(&v, &desk, a.out.lang))?,
            Err(e) => {
                ok = false;
                fail(&mut out, &name, &e, &a.out)?;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
    let r = q.render(&values);
    if a.out.json {
        writeln!(out, "{}", pretty(&r)?)?;
    } else {
        write!(out, "{}", rendered_text(&r, a.out.lang))?;
    }
    Ok(if r.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
    let name = a.file.display().to_string();
    let r = match IdentityFile::parse(&read(&a.file)?).and_then(|f| f.report()) {
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
