//! The channels requests come in by.

use serde::{Deserialize, Serialize};

/// Where a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ContactChannel {
    /// E-mail.
    Email,
    /// A phone call (or voicemail).
    Phone,
    /// A messenger: Telegram, WhatsApp, Viber, VK, MAX.
    Messenger,
    /// The web or app chat.
    Chat,
    /// Opened by the campaign itself from a problem segment.
    Campaign,
}

impl ContactChannel {
    /// `email`, `phone`, `messenger`, `chat` or `campaign`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContactChannel::Email => "email",
            ContactChannel::Phone => "phone",
            ContactChannel::Messenger => "messenger",
            ContactChannel::Chat => "chat",
            ContactChannel::Campaign => "campaign",
        }
    }
}
