//! # chek-channels
//!
//! Where shoppers talk to a campaign's bot. Today: the **Telegram Bot API** — updates by long
//! polling (`getUpdates` with an offset the caller stores) or by webhook (the same JSON, parsed
//! by [`parse_update`]), photos and documents downloaded through `getFile`, plain-text replies
//! with `sendMessage`.
//!
//! - [`TelegramConfig`]: base URL (the public API, a local Bot API server, or a test server),
//!   the bot token as a [`Secret`] (from the environment: [`TelegramConfig::from_env`]),
//!   timeouts and the download cap.
//! - [`AsyncTelegram`]: the client on reqwest's async client, awaited on a tokio runtime.
//! - [`Telegram`]: the blocking facade for scripts, the CLI and the Python binding; it runs the
//!   same futures on a one-worker runtime of its own.
//! - [`ChannelError`]: every failure with a stable code (`channel.*`), whether a retry helps
//!   ([`ChannelError::retryable`]) and how long to wait ([`ChannelError::retry_after`]).
//!
//! Also here: SMS gateways ([`sms`], feature `sms`: sms.ru, smsc.ru) and robot calls
//! ([`voice`], feature `voice`: the UIS Call API and Asterisk ARI, with their call-end
//! callbacks).
//!
//! The client never retries by itself: the caller (an outbox, a dispatcher) decides. Limits are
//! checked before anything is sent where they can be (text length, the file size Telegram
//! reports) and while receiving otherwise (a download body over the cap is cut off). The token
//! appears in request URLs only: never in `Debug`, `Display`, errors or logs.
//!
//! Methods go to `{base}/bot{token}/{method}` and files to `{base}/file/bot{token}/{file_path}`,
//! as the Bot API documentation gives them.
//!
//! ```no_run
//! # #[cfg(feature = "telegram")]
//! # fn main() -> Result<(), chek_channels::ChannelError> {
//! use chek_channels::{Telegram, TelegramConfig, next_offset};
//!
//! let bot = Telegram::new(TelegramConfig::from_env("BOT_TOKEN")?)?;
//! let mut offset = None; // a real bot stores it, so a restart does not see updates twice
//! loop {
//!     let updates = bot.get_updates(offset, 100, None)?;
//!     offset = next_offset(&updates, offset);
//!     for u in &updates {
//!         if let Some(m) = u.message() {
//!             if let Some(photo) = m.largest_photo() {
//!                 let file = bot.get_file(&photo.file_id)?;
//!                 let bytes = bot.download(&file)?;
//!                 bot.send_message(m.chat.id, &format!("Got {} bytes", bytes.len()))?;
//!             }
//!         }
//!     }
//! }
//! # }
//! # #[cfg(not(feature = "telegram"))]
//! # fn main() {}
//! ```
//!
//! A webhook handler parses the request body and answers `200` quickly:
//!
//! ```
//! use chek_channels::parse_update;
//! let body = br#"{"update_id":7,"message":{"message_id":1,"date":1700000000,
//!     "chat":{"id":42,"type":"private"},"text":"/start"}}"#;
//! let update = parse_update(body)?;
//! assert_eq!(update.message().and_then(|m| m.text.as_deref()), Some("/start"));
//! # Ok::<(), chek_channels::ChannelError>(())
//! ```
#![forbid(unsafe_code)]

mod config;
mod error;
#[cfg(any(feature = "sms", feature = "voice"))]
mod http;
#[cfg(feature = "sms")]
pub mod sms;
#[cfg(feature = "telegram")]
mod telegram;
mod types;
#[cfg(feature = "voice")]
pub mod voice;

/// Credentials never shown in `Debug`, logs or errors (defined in `chek-core`).
pub use chek_core::secret::Secret;
pub use config::{MAX_DOWNLOAD_BYTES, TELEGRAM_API_URL, TelegramConfig};
pub use error::ChannelError;
#[cfg(feature = "telegram")]
pub use telegram::{AsyncTelegram, Telegram};
pub use types::{
    Chat, Document, File, MAX_MESSAGE_UNITS, MAX_UPDATE_BYTES, Message, PhotoSize, Update, User,
    check_text, next_offset, parse_update,
};
