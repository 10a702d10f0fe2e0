//! What stops a bot's poll.

use std::borrow::Cow;

use chek_channels::ChannelError;
use chek_core::{Coded, Lang};
use chek_store::StoreError;

use crate::engine::EngineError;

/// Why a poll stopped. The updates not yet committed are processed again by the next poll.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BotError {
    /// Telegram could not be reached or refused the bot (`channel.*`).
    #[error("telegram: {0}")]
    Channel(#[from] ChannelError),
    /// The engine could not record a submission.
    #[error("{0}")]
    Engine(#[from] EngineError),
    /// The ledger failed.
    #[error("ledger: {0}")]
    Store(#[from] StoreError),
}

impl BotError {
    /// Whether polling again later may succeed (an outage, a rate limit, a busy ledger).
    pub fn retryable(&self) -> bool {
        match self {
            BotError::Channel(e) => e.retryable(),
            BotError::Engine(EngineError::Ledger(e)) | BotError::Store(e) => e.is_transient(),
            BotError::Engine(_) => false,
        }
    }
}

impl Coded for BotError {
    fn code(&self) -> &'static str {
        match self {
            BotError::Channel(e) => e.code(),
            BotError::Engine(e) => e.code(),
            BotError::Store(e) => e.code(),
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            BotError::Channel(e) => e.hint(lang),
            BotError::Engine(e) => e.hint(lang),
            BotError::Store(e) => e.hint(lang),
        }
    }
}
