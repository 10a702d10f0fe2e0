//! `chek loyalty`: card activation by SMS, form, website, till; operator confirm/reject/block;
//! the reply templates checked against one SMS.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::engage::loyalty::{
    ActivationRequest, CardNumber, Form, Op, Outcome, Programme, Refusal, Registry, Reply,
};
use chek::store::{Ledger, StoreError, redact};
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
    /// The ledger holding the cards: an SQLite file or a `postgres://…` URL; created when
    /// missing. Every change is one transaction, so parallel runs lose nothing.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    /// The request's own id (the SMS id of the gateway, the form's id): a retry with the same id
    /// answers the first outcome and changes nothing.
    #[arg(long = "id", value_name = "EVENT_ID")]
    event_id: Option<String>,
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
    /// Every card of the ledger: with `--json` one object per line (`card`, `status`, `phone`,
    /// `fields`, `channel`, `updated_at`); with `--state FILE` also the registry as a JSON file
    /// (the format `import` reads).
    Export {
        /// Also write the registry to this JSON file.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Loads a registry JSON file (the old `--state` format) into the ledger: cards not yet in
    /// the ledger are added as they are in the file; cards already there are left alone.
    Import {
        /// The registry file.
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
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

/// The `--cards` file: issued cards, and the ones its second column marks `blocked`.
fn read_cards(p: &Path) -> io::Result<(Vec<CardNumber>, Vec<CardNumber>)> {
    let (mut issued, mut blocked) = (Vec::new(), Vec::new());
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
        if cols
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case("blocked"))
        {
            blocked.push(card);
        } else {
            issued.push(card);
        }
    }
    Ok((issued, blocked))
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

fn print(
    outcome: &Outcome,
    reply: &Reply,
    replayed: bool,
    lang: Lang,
    as_json: bool,
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if as_json {
        let j = json!({
            "code": outcome.code(),
            "success": outcome.is_success(),
            "outcome": serde_json::to_value(outcome).map_err(io::Error::other)?,
            "hint": outcome.hint(lang),
            "reply": reply_json(reply),
            "replayed": replayed,
        });
        writeln!(out, "{j}")
    } else {
        writeln!(out, "{}: {}", outcome.code(), outcome.hint(lang))?;
        if let Some(c) = outcome.card() {
            writeln!(out, "  card    {c}")?;
        }
        if let Some(p) = outcome.phone() {
            writeln!(out, "  phone   {p}")?;
        }
        if replayed {
            writeln!(
                out,
                "  (a retry of a request already answered: nothing changed)"
            )?;
        }
        if let Outcome::ProfileCompleted { fields, .. } = outcome {
            writeln!(
                out,
                "  profile {} added to the card's profile",
                fields.join(", ")
            )?;
        }
        writeln!(
            out,
            "  reply   {} ({}, {} units, {} SMS{})",
            reply.text,
            reply.sms.encoding.as_str(),
            reply.sms.units,
            reply.sms.segments,
            if reply.fits_one {
                ""
            } else {
                ", does not fit one"
            }
        )
    }
}

fn usage(msg: impl std::fmt::Display) -> io::Result<ExitCode> {
    eprintln!("chek: {msg}");
    Ok(ExitCode::from(2))
}

pub(crate) fn store_err(e: StoreError) -> io::Error {
    io::Error::other(format!("{e} ({})", e.code()))
}

/// The ledger of `--db`, or the usage error to print.
pub(crate) fn open_db(db: Option<&str>) -> Result<Ledger, String> {
    let Some(db) = db else {
        return Err(
            "give the ledger with --db PATH|URL (an SQLite file, created when missing, \
                    or a postgres:// URL)"
                .into(),
        );
    };
    Ledger::open(db).map_err(|e| format!("{}: {e} ({})", redact(db), e.code()))
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
        | Sub::Export { common, .. }
        | Sub::Import { common, .. }
        | Sub::Replies { common } => common,
    };
    let p = match programme(common.programme.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let lang = common.out.lang;
    if let Sub::Replies { .. } = &args.sub {
        return replies(&p, &common.out);
    }
    let now = now_or_clock(common.now);
    let ledger = match open_db(common.db.as_deref()) {
        Ok(l) => l,
        Err(e) => return usage(e),
    };
    if let Some(cards) = &common.cards {
        let (issued, blocked) = read_cards(cards)?;
        ledger
            .loyalty_issue(&issued, &blocked, now)
            .map_err(store_err)?;
    }
    let card = |s: &str| s.parse::<CardNumber>();
    let op: Result<Op, Refusal> = match &args.sub {
        Sub::Sms { from, text, .. } => {
            ActivationRequest::from_sms(from, text, &p).map(Op::Activate)
        }
        Sub::Form {
            form,
            operator,
            from,
            ..
        } => {
            let f: Form = match serde_json::from_str(&read(form)?) {
                Ok(f) => f,
                Err(e) => return usage(format!("{}: not a form: {e}", form.display())),
            };
            match from {
                Some(from) => ActivationRequest::from_sms_and_form(from, &f, &p),
                None => ActivationRequest::from_form(&f, operator, &p),
            }
            .map(Op::Activate)
        }
        Sub::Web {
            account,
            card,
            phone,
            ..
        } => ActivationRequest::from_website(account, card, phone, &p).map(Op::Activate),
        Sub::Till {
            cashier,
            can_activate,
            card,
            phone,
            ..
        } => {
            ActivationRequest::from_till(cashier, *can_activate, card, phone, &p).map(Op::Activate)
        }
        Sub::Confirm {
            card: c, operator, ..
        } => card(c).map(|card| Op::Confirm {
            card,
            operator: operator.clone(),
        }),
        Sub::Reject {
            card: c, operator, ..
        } => card(c).map(|card| Op::Reject {
            card,
            operator: operator.clone(),
        }),
        Sub::Block { card: c, .. } => card(c).map(|card| Op::Block { card }),
        Sub::Export { state, .. } => return export(&ledger, state.as_deref(), &common.out),
        Sub::Import { state, .. } => return import(&ledger, state, now, &common.out),
        Sub::Replies { .. } => return replies(&p, &common.out),
    };
    let (outcome, replayed) = match op {
        Ok(op) => {
            let r = ledger
                .loyalty_apply(&op, common.event_id.as_deref(), now)
                .map_err(store_err)?;
            (r.value, r.replayed)
        }
        Err(refusal) => (Outcome::Refused(refusal), false),
    };
    let reply = p.reply(&outcome, lang);
    print(&outcome, &reply, replayed, lang, common.out.json)?;
    Ok(if outcome.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn export(ledger: &Ledger, state: Option<&Path>, o: &OutputArgs) -> io::Result<ExitCode> {
    let rows = ledger.loyalty_cards().map_err(store_err)?;
    let mut out = io::stdout().lock();
    for r in &rows {
        if o.json {
            let line = serde_json::to_string(r).map_err(io::Error::other)?;
            writeln!(out, "{line}")?;
        } else {
            let status = serde_json::to_value(r.status).map_err(io::Error::other)?;
            let fields: Vec<String> = r.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            writeln!(
                out,
                "{:<20} {:<8} {:<13} {}",
                r.card,
                status.as_str().unwrap_or(""),
                r.phone.as_deref().unwrap_or("-"),
                fields.join(" ")
            )?;
        }
    }
    if let Some(p) = state {
        save(p, &ledger.loyalty_registry().map_err(store_err)?)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn import(
    ledger: &Ledger,
    state: &Path,
    now: NaiveDateTime,
    o: &OutputArgs,
) -> io::Result<ExitCode> {
    let reg: Registry = match load(Some(state)) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let added = ledger.loyalty_import(&reg, now).map_err(store_err)?;
    let mut out = io::stdout().lock();
    if o.json {
        writeln!(out, "{}", json!({"cards": reg.len(), "added": added}))?;
    } else {
        writeln!(
            out,
            "{} cards in {}, {added} added",
            reg.len(),
            state.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
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
