//! The bot over the Telegram Bot API: long polling, one update at a time, replies through the
//! outbox.

use std::sync::Arc;
use std::time::Duration;

use chek_channels::{ChannelError, Message, Telegram, Update};
use chek_core::Lang;
use chek_engage::care::{ContactChannel, Event};
use chek_store::NewMessage;
use chrono::{DateTime, NaiveDateTime};

use super::BotError;
use super::command::Command;
use super::reply;
use crate::engine::{Engine, Input, Outcome, Submission};
use crate::outbox::{DispatchReport, Dispatcher, TelegramSender};

/// What the bot did with one update.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    /// The update.
    pub update_id: i64,
    /// `tg:<user id>`, when the update has a sender.
    pub participant: Option<String>,
    /// `receipt`, `start`, `status`, `operator`, `unsupported`, `file_too_large`, `file_error`
    /// (Telegram would not give the file), `ignored`
    /// (an update without a message, or from a bot), or `done` (handled before a restart).
    pub kind: &'static str,
    /// The receipt's outcome, for `receipt`.
    pub outcome: Option<Outcome>,
    /// The reply queued, if any.
    pub reply: Option<String>,
}

/// What one poll did.
#[derive(Debug, Clone, PartialEq)]
pub struct PollReport {
    /// Every update handled, in order.
    pub handled: Vec<Handled>,
    /// The outbox pass that sent the replies.
    pub dispatch: DispatchReport,
}

/// The engine behind a Telegram bot (see the [module](super) docs).
///
/// ```no_run
/// use chek::bot::TelegramBot;
/// use chek::campaign::Campaign;
/// use chek::channels::{Telegram, TelegramConfig};
/// use chek::engine::{Engine, Verification};
/// use chek::store::Ledger;
/// use chek::verify::RecheckPolicy;
/// let campaign = Campaign::from_toml(&std::fs::read_to_string("campaign.toml")?)?;
/// let engine = Engine::new(campaign, Ledger::open("chek.sqlite")?, Verification::Offline,
///                          RecheckPolicy::default());
/// let bot = TelegramBot::new(engine, Telegram::new(TelegramConfig::from_env("BOT_TOKEN")?)?);
/// loop {
///     let now = chrono::Utc::now().naive_utc();
///     bot.poll_once(std::time::Duration::from_secs(25), now)?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TelegramBot {
    engine: Arc<Engine>,
    tg: Arc<Telegram>,
    name: String,
    lang: Lang,
    dispatcher: Dispatcher,
}

impl std::fmt::Debug for TelegramBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramBot")
            .field("name", &self.name)
            .field("lang", &self.lang)
            .field("telegram", &self.tg)
            .finish_non_exhaustive()
    }
}

/// Updates per `getUpdates` (the Bot API's maximum).
const BATCH: u32 = 100;

impl TelegramBot {
    /// A bot named `telegram` (its cursor and keys in the ledger), Russian by default. The
    /// engine and the client may be shared (`Arc`) with the rest of the host.
    pub fn new(engine: impl Into<Arc<Engine>>, tg: impl Into<Arc<Telegram>>) -> TelegramBot {
        let tg = tg.into();
        TelegramBot {
            engine: engine.into(),
            dispatcher: Dispatcher::new()
                .with_sender(Box::new(TelegramSender::new(Arc::clone(&tg)))),
            tg,
            name: "telegram".into(),
            lang: Lang::Ru,
        }
    }

    /// Another name: two bots on one ledger keep their own cursors and keys.
    pub fn with_name(mut self, name: impl Into<String>) -> TelegramBot {
        self.name = name.into();
        self
    }

    /// The language of participants whose Telegram language is neither Russian nor English.
    pub fn with_lang(mut self, lang: Lang) -> TelegramBot {
        self.lang = lang;
        self
    }

    /// The dispatcher that sends the replies (a gate, a backoff); its Telegram sender is added.
    pub fn with_dispatcher(mut self, d: Dispatcher) -> TelegramBot {
        self.dispatcher = d.with_sender(Box::new(TelegramSender::new(Arc::clone(&self.tg))));
        self
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn cursor_name(&self) -> String {
        format!("{}:offset", self.name)
    }

    /// Fetches the updates after the ledger's cursor (waiting up to `wait` for one), handles
    /// each, then sends the due replies. An error stops the poll; the updates not yet committed
    /// are fetched again by the next one.
    pub fn poll_once(&self, wait: Duration, now: NaiveDateTime) -> Result<PollReport, BotError> {
        let ledger = self.engine.ledger();
        let offset = ledger.cursor(&self.cursor_name())?;
        let updates = self.tg.get_updates(offset, BATCH, Some(wait))?;
        let mut handled = Vec::with_capacity(updates.len());
        for u in &updates {
            handled.push(self.handle(u, now)?);
            ledger.advance_cursor(&self.cursor_name(), u.update_id.saturating_add(1), now)?;
        }
        let dispatch = self.dispatch(now)?;
        Ok(PollReport { handled, dispatch })
    }

    /// Sends the replies due at `now` (one outbox pass).
    pub fn dispatch(&self, now: NaiveDateTime) -> Result<DispatchReport, BotError> {
        Ok(self.dispatcher.run_once(self.engine.ledger(), now)?)
    }

    fn reply_key(&self, update_id: i64) -> String {
        format!("{}:reply:{update_id}", self.name)
    }

    fn lang_of(&self, m: &Message) -> Lang {
        match m.from.as_ref().and_then(|u| u.language_code.as_deref()) {
            Some(c) if c.starts_with("ru") => Lang::Ru,
            Some(c) if c.starts_with("en") => Lang::En,
            _ => self.lang,
        }
    }

    /// Handles one update: submits what it carries and queues the reply. Handling an update
    /// again (after a crash) submits nothing twice and queues no second reply.
    pub fn handle(&self, u: &Update, now: NaiveDateTime) -> Result<Handled, BotError> {
        let ignored = |participant| Handled {
            update_id: u.update_id,
            participant,
            kind: "ignored",
            outcome: None,
            reply: None,
        };
        // Edits and channel posts are not submissions.
        let Some(m) = u.message.as_ref() else {
            return Ok(ignored(None));
        };
        let Some(user) = m.from.as_ref().filter(|u| !u.is_bot) else {
            return Ok(ignored(None));
        };
        let participant = format!("tg:{}", user.id);
        let key = self.reply_key(u.update_id);
        let ledger = self.engine.ledger();
        if ledger.outbox_get(&key)?.is_some() {
            return Ok(Handled {
                kind: "done",
                ..ignored(Some(participant))
            });
        }
        let lang = self.lang_of(m);
        let at = DateTime::from_timestamp(m.date, 0).map_or(now, |t| t.naive_utc());
        let (kind, outcome, text) = match Command::of(m) {
            Command::Start => ("start", None, reply::start_reply(lang)),
            Command::Status => {
                let r = self.engine.history(&participant)?;
                ("status", None, reply::status_reply(r.as_ref(), lang))
            }
            Command::Operator(text) => {
                let reply = reply::operator_reply(lang);
                let event = Event::Message {
                    at,
                    channel: ContactChannel::Telegram,
                    from: Some(user.id.to_string()),
                    text,
                };
                let msg = self.message(&key, m, &reply, now);
                let event_id = format!("{}:{}", self.name, u.update_id);
                ledger.care_record_sending(&participant, &event_id, &event, &[msg], now)?;
                return Ok(Handled {
                    update_id: u.update_id,
                    participant: Some(participant),
                    kind: "operator",
                    outcome: None,
                    reply: Some(reply),
                });
            }
            Command::Photo(file_id) => match self.photo(&file_id) {
                Ok(bytes) => {
                    let o = self.submit(u, &participant, Input::Photo(bytes), lang, at)?;
                    let text = reply::outcome_reply(&o);
                    ("receipt", Some(o), text)
                }
                Err(e) if e.retryable() => return Err(e.into()),
                Err(ChannelError::TooLarge { .. }) => {
                    ("file_too_large", None, reply::file_reply(lang))
                }
                // A file Telegram will not give (expired, refused): ask for it again.
                Err(_) => ("file_error", None, reply::file_again_reply(lang)),
            },
            Command::Receipt(input) => {
                let o = self.submit(u, &participant, input, lang, at)?;
                let text = reply::outcome_reply(&o);
                ("receipt", Some(o), text)
            }
            Command::Unsupported => ("unsupported", None, reply::unsupported_reply(lang)),
        };
        ledger.outbox_enqueue(&self.message(&key, m, &text, now), now)?;
        Ok(Handled {
            update_id: u.update_id,
            participant: Some(participant),
            kind,
            outcome,
            reply: Some(text),
        })
    }

    fn message(&self, key: &str, m: &Message, text: &str, now: NaiveDateTime) -> NewMessage {
        NewMessage::new(
            key,
            TelegramSender::CHANNEL,
            m.chat.id.to_string(),
            text,
            now,
        )
    }

    fn photo(&self, file_id: &str) -> Result<Vec<u8>, ChannelError> {
        let file = self.tg.get_file(file_id)?;
        self.tg.download(&file)
    }

    fn submit(
        &self,
        u: &Update,
        participant: &str,
        input: Input,
        lang: Lang,
        at: NaiveDateTime,
    ) -> Result<Outcome, BotError> {
        let sub = Submission::new(participant, input)
            .with_idempotency_key(format!("{}:{}", self.name, u.update_id))
            .with_lang(lang)
            .received_at(at);
        Ok(self.engine.process(sub)?)
    }
}
