//! `chek loyalty`: card activation by SMS, form, website, till; operator confirm/reject/block;
//! the reply templates checked against one SMS.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::engage::loyalty::{
    ActivationRequest, CardNumber, Exchange, Form, Outcome, Programme, Registry, Reply, apply,
};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::state_file::{load, now_or_clock, parse_now, read, save};
use crate::output::OutputArgs;

/// Arguments of `chek loyalty`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    sub: Sub,
}

#[derive(Debug, clap::Args)]
struct Common {
    /// Programme: card formats and reply templates (TOML, or JSON by extension). Default: EAN-13
    /// cards starting with 46 and the default replies.
    #[arg(long, value_name = "FILE")]
    programme: Option<PathBuf>,
    /// The card registry (JSON), read and written back; created when missing.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Issued cards, one number per line (`#` comments; a second column `blocked` blocks the
    /// card), added to the registry first.
    #[arg(long, value_name = "FILE")]
    cards: Option<PathBuf>,
    /// The time of the request (`YYYY-MM-DDTHH:MM:SS`); default now (UTC).
    #[arg(long, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// An incoming SMS: read the card number, activate, print the outcome and the reply.
    Sms {
        /// The sender's phone.
        #[arg(long)]
        from: String,
        /// The SMS text.
        text: String,
        #[command(flatten)]
        common: Common,
    },
    /// A form (JSON `{"card","phone","fields":{…}}`) keyed by an operator, or with `--from` the
    /// SMS + form channel (the phone is the SMS sender).
    Form {
        /// The form file.
        #[arg(long, value_name = "FILE")]
        form: PathBuf,
        /// The operator who keyed it.
        #[arg(long, default_value = "operator")]
        operator: String,
        /// SMS + form: the phone the SMS came from.
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// The website account API.
    Web {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Card number.
        #[arg(long)]
        card: String,
        /// Phone.
        #[arg(long)]
        phone: String,
        #[command(flatten)]
        common: Common,
    },
    /// At the till; without `--can-activate` the activation waits for an operator.
    Till {
        /// Cashier id.
        #[arg(long)]
        cashier: String,
        /// The cashier has the right to activate cards.
        #[arg(long)]
        can_activate: bool,
        /// Card number.
        #[arg(long)]
        card: String,
        /// Phone.
        #[arg(long)]
        phone: String,
        #[command(flatten)]
        common: Common,
    },
    /// An operator confirms a pending activation.
    Confirm {
        /// Card number.
        #[arg(long)]
        card: String,
        /// Operator id.
        #[arg(long, default_value = "operator")]
        operator: String,
        #[command(flatten)]
        common: Common,
    },
    /// An operator rejects a pending activation.
    Reject {
        /// Card number.
        #[arg(long)]
        card: String,
        /// Operator id.
        #[arg(long, default_value = "operator")]
        operator: String,
        #[command(flatten)]
        common: Common,
    },
    /// Blocks a card.
    Block {
        /// Card number.
        #[arg(long)]
        card: String,
        #[command(flatten)]
        common: Common,
    },
    /// Every reply template at its longest: units, segments, whether it fits one SMS.
    Replies {
        #[command(flatten)]
        common: Common,
    },
}

fn programme(p: Option<&Path>) -> Result<Programme, String> {
    let Some(p) = p else {
        return Ok(Programme::example());
    };
    let text = read(p).map_err(|e| e.to_string())?;
    let parsed = if p.extension().is_some_and(|e| e == "json") {
        Programme::from_json(&text)
    } else {
        Programme::from_toml(&text)
    };
    parsed.map_err(|e| format!("{}: {} ({})", p.display(), e, e.code()))
}

fn issue(reg: Registry, cards: Option<&Path>, now: NaiveDateTime) -> io::Result<Registry> {
    let Some(p) = cards else {
        return Ok(reg);
    };
    let mut reg = reg;
    for (n, line) in read(p)?.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut cols = line.split([',', ';', '\t', ' ']).filter(|c| !c.is_empty());
        let number = cols.next().unwrap_or("");
        let card: CardNumber = number.parse().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}:{}: {number:?} is not a card number", p.display(), n + 1),
            )
        })?;
        reg = reg.issue([card.clone()]);
        if cols
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case("blocked"))
        {
            reg = reg.block(&card, now).0;
        }
    }
    Ok(reg)
}

fn reply_json(r: &Reply) -> Value {
    json!({
        "text": r.text,
        "lang": r.lang.as_str(),
        "encoding": r.sms.encoding.as_str(),
        "units": r.sms.units,
        "chars": r.sms.chars,
        "segments": r.sms.segments,
        "fits_one": r.fits_one,
    })
}

fn print(ex: &Exchange, lang: Lang, as_json: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if as_json {
        let j = json!({
            "code": ex.outcome.code(),
            "success": ex.outcome.is_success(),
            "outcome": serde_json::to_value(&ex.outcome).map_err(io::Error::other)?,
            "hint": ex.outcome.hint(lang),
            "reply": reply_json(&ex.reply),
        });
        writeln!(out, "{j}")
    } else {
        writeln!(out, "{}: {}", ex.outcome.code(), ex.outcome.hint(lang))?;
        if let Some(c) = ex.outcome.card() {
            writeln!(out, "  card    {c}")?;
        }
        if let Some(p) = ex.outcome.phone() {
            writeln!(out, "  phone   {p}")?;
        }
        if let Outcome::ProfileCompleted { fields, .. } = &ex.outcome {
            writeln!(
                out,
                "  profile {} added to the card's profile",
                fields.join(", ")
            )?;
        }
        let r = &ex.reply;
        writeln!(
            out,
            "  reply   {} ({}, {} units, {} SMS{})",
            r.text,
            r.sms.encoding.as_str(),
            r.sms.units,
            r.sms.segments,
            if r.fits_one { "" } else { ", does not fit one" }
        )
    }
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let common = match &args.sub {
        Sub::Sms { common, .. }
        | Sub::Form { common, .. }
        | Sub::Web { common, .. }
        | Sub::Till { common, .. }
        | Sub::Confirm { common, .. }
        | Sub::Reject { common, .. }
        | Sub::Block { common, .. }
        | Sub::Replies { common } => common,
    };
    let p = match programme(common.programme.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("chek: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let lang = common.out.lang;
    if let Sub::Replies { .. } = &args.sub {
        return replies(&p, &common.out);
    }
    let now = now_or_clock(common.now);
    let reg: Registry = load(common.state.as_deref())?;
    let reg = issue(reg, common.cards.as_deref(), now)?;
    let card = |s: &str| s.parse::<CardNumber>();
    let ex = match &args.sub {
        Sub::Sms { from, text, .. } => apply(
            reg,
            &p,
            ActivationRequest::from_sms(from, text, &p),
            now,
            lang,
        ),
        Sub::Form {
            form,
            operator,
            from,
            ..
        } => {
            let f: Form = match serde_json::from_str(&read(form)?) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("chek: {}: not a form: {e}", form.display());
                    return Ok(ExitCode::from(2));
                }
            };
            let req = match from {
                Some(from) => ActivationRequest::from_sms_and_form(from, &f, &p),
                None => ActivationRequest::from_form(&f, operator, &p),
            };
            apply(reg, &p, req, now, lang)
        }
        Sub::Web {
            account,
            card,
            phone,
            ..
        } => apply(
            reg,
            &p,
            ActivationRequest::from_website(account, card, phone, &p),
            now,
            lang,
        ),
        Sub::Till {
            cashier,
            can_activate,
            card,
            phone,
            ..
        } => apply(
            reg,
            &p,
            ActivationRequest::from_till(cashier, *can_activate, card, phone, &p),
            now,
            lang,
        ),
        Sub::Confirm {
            card: c, operator, ..
        }
        | Sub::Reject {
            card: c, operator, ..
        } => {
            let confirm = matches!(args.sub, Sub::Confirm { .. });
            let (reg, outcome) = match card(c) {
                Ok(c) if confirm => reg.confirm(&c, operator, now),
                Ok(c) => reg.reject(&c, operator, now),
                Err(r) => (reg, Outcome::Refused(r)),
            };
            operator_exchange(reg, &p, outcome, lang)
        }
        Sub::Block { card: c, .. } => {
            let (reg, outcome) = match card(c) {
                Ok(c) => reg.block(&c, now),
                Err(r) => (reg, Outcome::Refused(r)),
            };
            operator_exchange(reg, &p, outcome, lang)
        }
        Sub::Replies { .. } => return replies(&p, &common.out),
    };
    if let Some(state) = &common.state {
        save(state, &ex.registry)?;
    }
    print(&ex, lang, common.out.json)?;
    Ok(if ex.outcome.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn operator_exchange(reg: Registry, p: &Programme, outcome: Outcome, lang: Lang) -> Exchange {
    Exchange {
        reply: p.reply(&outcome, lang),
        registry: reg,
        outcome,
    }
}

fn replies(p: &Programme, o: &OutputArgs) -> io::Result<ExitCode> {
    let checks = p.check_replies();
    let mut out = io::stdout().lock();
    if o.json {
        let j = serde_json::to_value(&checks).map_err(io::Error::other)?;
        writeln!(out, "{j}")?;
    } else {
        for c in &checks {
            writeln!(
                out,
                "{:<30} {} {:>4} units {} SMS {}",
                c.code,
                c.lang,
                c.worst.units,
                c.worst.segments,
                if c.fits_one { "ok" } else { "TOO LONG" }
            )?;
        }
    }
    drop(out);
    let long: Vec<_> = checks.iter().filter(|c| !c.fits_one).collect();
    if long.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "chek: {} reply template(s) do not fit one SMS at their longest:",
        long.len()
    );
    for c in long {
        eprintln!(
            "  {} ({}): {} units, {} SMS ({})",
            c.code,
            c.lang,
            c.worst.units,
            c.worst.segments,
            c.worst.encoding.as_str()
        );
    }
    Ok(ExitCode::from(1))
}
