//! Sending what chek decided, exactly once where the provider allows it: the outbox rows of
//! `chek-store` ([`NewMessage`], [`OutboxMessage`]) and the [`Dispatcher`] that claims due
//! rows, asks the contact policy again at send time, sends through a [`Sender`] per channel,
//! retries with backoff and the provider's `Retry-After`, and records the provider's id.
//!
//! ```
//! use chek::outbox::{Delivered, Dispatcher, NewMessage, OutboxMessage, SendError, Sender};
//! use chek::store::Ledger;
//!
//! struct Console;
//! impl Sender for Console {
//!     fn channel(&self) -> &str { "console" }
//!     fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
//!         println!("to {}: {}", m.recipient, m.body);
//!         Ok(Delivered { provider_id: None })
//!     }
//! }
//!
//! let ledger = Ledger::open(":memory:")?;
//! let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
//! ledger.outbox_enqueue(&NewMessage::new("reply:1", "console", "tg:42", "Чек принят", now), now)?;
//! let d = Dispatcher::new().with_sender(Box::new(Console));
//! let report = d.run_once(&ledger, now)?;
//! assert_eq!(report.sent, 1);
//! assert_eq!(d.run_once(&ledger, now)?.claimed, 0, "sent once");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dispatch;
#[cfg(feature = "channels")]
mod sms;
#[cfg(feature = "channels")]
mod telegram;
#[cfg(feature = "channels")]
mod voice;

pub use chek_store::{Enqueued, Finish, NewMessage, OutboxCounts, OutboxMessage, OutboxStatus};
pub use dispatch::{Backoff, Delivered, DispatchReport, Dispatcher, Gate, SendError, Sender};
#[cfg(feature = "channels")]
pub use sms::SmsSender;
#[cfg(feature = "channels")]
pub use telegram::TelegramSender;
#[cfg(feature = "channels")]
pub use voice::VoiceSender;
