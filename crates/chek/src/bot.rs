//! The receipt bot: the [`Engine`](crate::engine::Engine) behind a Telegram bot.
//!
//! A photo (or an image sent as a file) is scanned and submitted; a text with a QR payload or a
//! typed-in receipt is submitted as it is; the participant is `tg:<user id>` and gets one reply
//! with the decision, the lots and the hint in their words. `/start` explains, `/status` lists
//! their lots and the receipts still being checked, and a message asking for a person
//! («оператор», «помощь») opens a care case (its id is the participant id), answered later with
//! `chek care reply --send`.
//!
//! **Each update once.** An update's submission carries the key `<bot>:<update_id>` (a retry
//! returns the stored outcome), its reply is an outbox row keyed `<bot>:reply:<update_id>`
//! (care requests queue it in the case's own transaction), and only then does the bot's cursor
//! in the ledger move past the update. A crash at any point is repaired by the next poll, which
//! neither skips an update nor repeats a reply. Replies go out through the outbox
//! ([`TelegramSender`](crate::outbox::TelegramSender)), retried on rate limits.

mod command;
mod error;
mod reply;
mod telegram;

pub use command::Command;
pub use error::BotError;
pub use reply::{outcome_reply, status_reply};
pub use telegram::{Handled, PollReport, TelegramBot};
