//! The outbox's Telegram channel: a message's recipient is the chat id.

use std::sync::Arc;

use chek_channels::{ChannelError, Telegram};
use chek_core::Coded;
use chek_store::OutboxMessage;

use super::{Delivered, SendError, Sender};

/// Sends outbox rows of channel `"telegram"` with `sendMessage`. The Bot API has no client
/// message id, so a message in doubt after a crash is sent at most once more.
///
/// ```no_run
/// use chek::channels::{Telegram, TelegramConfig};
/// use chek::outbox::{Dispatcher, TelegramSender};
/// let tg = Telegram::new(TelegramConfig::from_env("BOT_TOKEN")?)?;
/// let d = Dispatcher::new().with_sender(Box::new(TelegramSender::new(tg.into())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TelegramSender(Arc<Telegram>);

impl TelegramSender {
    /// The channel name its rows carry.
    pub const CHANNEL: &'static str = "telegram";

    /// A sender over a client (shared with the bot that receives).
    pub fn new(tg: Arc<Telegram>) -> Self {
        TelegramSender(tg)
    }
}

impl Sender for TelegramSender {
    fn channel(&self) -> &str {
        Self::CHANNEL
    }

    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
        let Ok(chat) = m.recipient.parse::<i64>() else {
            return Err(SendError::Permanent {
                code: "channel.invalid".into(),
            });
        };
        match self.0.send_message(chat, &m.body) {
            Ok(sent) => Ok(Delivered {
                provider_id: Some(sent.message_id.to_string()),
            }),
            Err(e) => Err(send_error(&e)),
        }
    }
}

/// A channel error as the dispatcher sees it: retried when waiting helps.
pub(crate) fn send_error(e: &ChannelError) -> SendError {
    let code = e.code().to_owned();
    if e.retryable() {
        SendError::Retry {
            code,
            after: e.retry_after(),
        }
    } else {
        SendError::Permanent { code }
    }
}
