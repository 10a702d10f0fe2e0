//! `chek bot telegram`: the main job, live. The engine behind a Telegram bot: photos and typed
//! receipts in, one reply each through the outbox; the update cursor in the ledger.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use chek::Coded;
use chek::Lang;
use chek::bot::{BotError, Handled, TelegramBot};
use chek::channels::{TELEGRAM_API_URL, Telegram, TelegramConfig};
use chek::engine::{Engine, Verification};
use chek::verify::RecheckPolicy;
use serde_json::json;

use crate::fail::{EXIT_INPUT, EXIT_RETRY, EXIT_USAGE, Failure};
use crate::ledger_args::DbArgs;
use crate::output::parse_lang;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    bot: Bot,
}

#[derive(Debug, clap::Subcommand)]
enum Bot {
    /// Run the receipt bot on Telegram (long polling). Verification is offline: receipts are
    /// checked against the campaign and the ФНС rules, not with a provider.
    Telegram(TelegramArgs),
}

#[derive(Debug, clap::Args)]
struct TelegramArgs {
    /// Campaign file (TOML or JSON).
    #[arg(long, value_name = "FILE")]
    campaign: std::path::PathBuf,
    #[command(flatten)]
    db: DbArgs,
    /// The environment variable holding the bot token (never given on the command line).
    #[arg(long, value_name = "VAR")]
    token_env: String,
    /// The Bot API server (a local Bot API server, a test stand-in).
    #[arg(long, value_name = "URL", default_value = TELEGRAM_API_URL)]
    base_url: String,
    /// Process the pending updates, send the replies that are due, and exit.
    #[arg(long)]
    once: bool,
    /// The language for participants whose Telegram language is neither Russian nor English
    /// (also of this command's own output).
    #[arg(long, default_value = "ru", value_parser = parse_lang)]
    lang: Lang,
    /// One JSON object per update on stdout.
    #[arg(long)]
    json: bool,
}

/// How long one long poll waits for an update.
const LONG_POLL: Duration = Duration::from_secs(25);

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    match &args.bot {
        Bot::Telegram(a) => telegram(a),
    }
}

fn bot_failure(e: &BotError) -> io::Error {
    io::Error::other(Failure {
        code: e.code(),
        message: e.to_string(),
        hint_ru: e.hint(Lang::Ru),
        hint_en: e.hint(Lang::En),
        path: None,
        exit: if e.retryable() {
            EXIT_RETRY
        } else {
            EXIT_INPUT
        },
    })
}

fn telegram(a: &TelegramArgs) -> io::Result<ExitCode> {
    let config = TelegramConfig::from_env(&a.token_env)
        .map(|c| c.with_base_url(a.base_url.clone()))
        .map_err(|e| {
            io::Error::other(Failure {
                code: e.code(),
                message: format!("--token-env {}: {e}", a.token_env),
                hint_ru: e.hint(Lang::Ru),
                hint_en: e.hint(Lang::En),
                path: None,
                exit: EXIT_USAGE,
            })
        })?;
    let tg = Telegram::new(config).map_err(|e| bot_failure(&e.into()))?;
    let campaign = crate::cmd::campaign::load_campaign_coded(&a.campaign, a.lang)?;
    let engine = Engine::new(
        campaign,
        a.db.open(false)?,
        Verification::Offline,
        RecheckPolicy::default(),
    );
    let bot = TelegramBot::new(engine, tg).with_lang(a.lang);
    let mut out = io::stdout().lock();
    let (mut updates, mut sent) = (0usize, 0usize);
    let mut pause = Duration::from_secs(1);
    loop {
        let now = chrono::Utc::now().naive_utc();
        let wait = if a.once { Duration::ZERO } else { LONG_POLL };
        match bot.poll_once(wait, now) {
            Ok(r) => {
                pause = Duration::from_secs(1);
                for h in &r.handled {
                    print_handled(&mut out, h, a)?;
                }
                updates += r.handled.len();
                sent += r.dispatch.sent;
                if a.once && r.handled.is_empty() {
                    break;
                }
            }
            Err(e) if e.retryable() && !a.once => {
                // An outage or a busy ledger: what was not committed is fetched again.
                eprintln!(
                    "chek bot: {e} ({}); again in {} s",
                    e.code(),
                    pause.as_secs()
                );
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(60));
            }
            Err(e) => return Err(bot_failure(&e)),
        }
    }
    let ru = a.lang == Lang::Ru;
    if a.json {
        writeln!(out, "{}", json!({"updates": updates, "sent": sent}))?;
    } else if ru {
        writeln!(out, "обновлений: {updates}, ответов отправлено: {sent}")?;
    } else {
        writeln!(out, "updates: {updates}, replies sent: {sent}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_handled(out: &mut impl Write, h: &Handled, a: &TelegramArgs) -> io::Result<()> {
    let status = h.outcome.as_ref().map(|o| o.status.as_str());
    if a.json {
        let doc = json!({
            "update_id": h.update_id,
            "participant": h.participant,
            "kind": h.kind,
            "status": status,
            "lots": h.outcome.as_ref().map(|o| o.lots),
            "reply": h.reply,
        });
        writeln!(out, "{doc}")
    } else {
        writeln!(
            out,
            "{} {} {}{}",
            h.update_id,
            h.participant.as_deref().unwrap_or("-"),
            h.kind,
            status.map(|s| format!(" {s}")).unwrap_or_default()
        )
    }
}
