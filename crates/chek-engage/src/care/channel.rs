//! The channels requests come in by.

use serde::{Deserialize, Serialize};

use super::Network;

/// Where a request came from. The messengers have their own names (`telegram`, `whatsapp`,
/// `viber`, `vk`, `max`); `messenger` stands for any of them (a rule for `messenger` matches
/// every messenger).
///
/// ```
/// use chek_engage::care::{ContactChannel, Network};
/// let c = ContactChannel::parse("Viber").unwrap();
/// assert_eq!(c, ContactChannel::Viber);
/// assert!(c.is_messenger());
/// assert_eq!(c.network(), Some(Network::Viber));
/// assert!(ContactChannel::Messenger.covers(ContactChannel::Telegram));
/// assert!(!ContactChannel::Telegram.covers(ContactChannel::Viber));
/// assert!(ContactChannel::parse("fax").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ContactChannel {
    /// E-mail.
    Email,
    /// A phone call (or voicemail).
    Phone,
    /// A messenger not named (any of Telegram, WhatsApp, Viber, VK, MAX).
    Messenger,
    /// The web or app chat.
    Chat,
    /// Opened by the campaign itself from a problem segment.
    Campaign,
    /// Telegram.
    Telegram,
    /// WhatsApp.
    Whatsapp,
    /// Viber.
    Viber,
    /// VK (ВКонтакте).
    Vk,
    /// MAX.
    Max,
}

impl ContactChannel {
    /// Every channel.
    pub const ALL: [ContactChannel; 10] = [
        ContactChannel::Email,
        ContactChannel::Phone,
        ContactChannel::Messenger,
        ContactChannel::Chat,
        ContactChannel::Campaign,
        ContactChannel::Telegram,
        ContactChannel::Whatsapp,
        ContactChannel::Viber,
        ContactChannel::Vk,
        ContactChannel::Max,
    ];

    /// `email`, `phone`, `messenger`, `chat`, `campaign`, `telegram`, `whatsapp`, `viber`,
    /// `vk` or `max`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContactChannel::Email => "email",
            ContactChannel::Phone => "phone",
            ContactChannel::Messenger => "messenger",
            ContactChannel::Chat => "chat",
            ContactChannel::Campaign => "campaign",
            ContactChannel::Telegram => "telegram",
            ContactChannel::Whatsapp => "whatsapp",
            ContactChannel::Viber => "viber",
            ContactChannel::Vk => "vk",
            ContactChannel::Max => "max",
        }
    }

    /// The channel by name, case-insensitive (`tg`, `wa` and `вк` too).
    pub fn parse(s: &str) -> Option<ContactChannel> {
        let s = s.trim().to_lowercase();
        let alias = match s.as_str() {
            "tg" => "telegram",
            "wa" => "whatsapp",
            "вк" | "vkontakte" => "vk",
            "e-mail" | "mail" => "email",
            other => other,
        };
        ContactChannel::ALL
            .into_iter()
            .find(|c| c.as_str() == alias)
    }

    /// Whether it is a messenger (named or not).
    pub const fn is_messenger(self) -> bool {
        matches!(
            self,
            ContactChannel::Messenger
                | ContactChannel::Telegram
                | ContactChannel::Whatsapp
                | ContactChannel::Viber
                | ContactChannel::Vk
                | ContactChannel::Max
        )
    }

    /// The messenger network of a named messenger channel.
    pub const fn network(self) -> Option<Network> {
        match self {
            ContactChannel::Telegram => Some(Network::Telegram),
            ContactChannel::Whatsapp => Some(Network::Whatsapp),
            ContactChannel::Viber => Some(Network::Viber),
            ContactChannel::Vk => Some(Network::Vk),
            ContactChannel::Max => Some(Network::Max),
            _ => None,
        }
    }

    /// Whether a rule for `self` takes a request from `other`: the same channel, or
    /// `messenger` for any messenger.
    pub fn covers(self, other: ContactChannel) -> bool {
        self == other || (self == ContactChannel::Messenger && other.is_messenger())
    }

    /// The names, for messages: `email, phone, messenger, …`.
    pub fn names() -> String {
        ContactChannel::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
