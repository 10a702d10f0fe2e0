//! The identifiers a customer writes in with, normalised so the same person compares equal.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::CareError;

/// Longest raw identifier accepted (a phone, an e-mail, an id), in bytes.
pub const MAX_KEY_BYTES: usize = 256;

/// A messenger network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Network {
    /// Telegram (numeric user id).
    Telegram,
    /// WhatsApp (the id is a phone number).
    Whatsapp,
    /// Viber.
    Viber,
    /// VK.
    Vk,
    /// MAX.
    Max,
}

impl Network {
    /// `telegram`, `whatsapp`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            Network::Telegram => "telegram",
            Network::Whatsapp => "whatsapp",
            Network::Viber => "viber",
            Network::Vk => "vk",
            Network::Max => "max",
        }
    }
}

/// One normalised identifier of a customer: the nodes of the [`IdentityGraph`](super::IdentityGraph).
///
/// Build keys with the constructors, which normalise: phones to E.164 (Russian `8…` and ten-digit
/// numbers become `+7…`), e-mails to lower case (Gmail dots and `+tags` dropped, Yandex domain
/// aliases folded), card numbers to digits.
///
/// ```
/// use chek_engage::care::Key;
/// assert_eq!(Key::phone("8 (912) 345-67-89")?, Key::phone("+79123456789")?);
/// assert_eq!(Key::email(" Anna.Petrova+promo@GMAIL.com")?.to_string(), "email:annapetrova@gmail.com");
/// assert_eq!(Key::email("anna@ya.ru")?, Key::email("anna@yandex.ru")?);
/// assert_eq!(Key::card("2200 1234 5678")?.to_string(), "card:220012345678");
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Key {
    /// E.164 phone, `+79123456789`.
    Phone(String),
    /// Normalised e-mail.
    Email(String),
    /// A messenger account.
    Messenger {
        /// The network.
        network: Network,
        /// The account id as the network gives it.
        id: String,
    },
    /// A loyalty card number, digits only.
    Card(String),
    /// A name as the customer signed: never more than weak evidence.
    Name(String),
}

impl Key {
    /// A phone number in E.164, normalised by [`chek_ru::phone::normalise`] (the same rules as
    /// loyalty's [`Phone`](crate::loyalty::Phone)).
    pub fn phone(raw: &str) -> Result<Key, CareError> {
        normalise_phone(raw).map(Key::Phone)
    }

    /// An e-mail address.
    pub fn email(raw: &str) -> Result<Key, CareError> {
        normalise_email(raw).map(Key::Email)
    }

    /// A messenger account. Ids are case-sensitive and kept as given (a Viber id is
    /// base64-like, `01aBcD+/xyz==`), with two exceptions: WhatsApp ids are phone numbers and
    /// are normalised as such, and a Telegram username (`@Anna_P`, anything not all digits) is
    /// lower-cased because Telegram treats usernames case-insensitively. An id is 1–64 of
    /// ASCII letters, digits and `_ . - + / =`.
    ///
    /// ```
    /// use chek_engage::care::{Key, Network};
    /// let v = Key::messenger(Network::Viber, "Lh8Cz+HvRvm5s2xW/BZaAbw==")?;
    /// assert_eq!(v.to_string(), "viber:Lh8Cz+HvRvm5s2xW/BZaAbw==");
    /// assert_ne!(v, Key::messenger(Network::Viber, "lh8cz+hvrvm5s2xw/bzaabw==")?);
    /// assert_eq!(Key::parse("tg:@Anna_P")?.to_string(), "telegram:anna_p");
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
    pub fn messenger(network: Network, raw: &str) -> Result<Key, CareError> {
        let id = if network == Network::Whatsapp {
            normalise_phone(raw)?
        } else {
            let t = raw.trim();
            let t = t.strip_prefix('@').unwrap_or(t);
            if t.is_empty()
                || t.len() > 64
                || !t.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '+' | '/' | '=')
                })
            {
                return Err(CareError::BadId(clip(raw)));
            }
            if network == Network::Telegram && !t.bytes().all(|b| b.is_ascii_digit()) {
                t.to_ascii_lowercase()
            } else {
                t.to_owned()
            }
        };
        Ok(Key::Messenger { network, id })
    }

    /// A loyalty card number: 6 to 19 digits once spaces and dashes are removed.
    pub fn card(raw: &str) -> Result<Key, CareError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if raw.len() > MAX_KEY_BYTES
            || !(6..=19).contains(&digits.len())
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(CareError::BadId(clip(raw)));
        }
        Ok(Key::Card(digits))
    }

    /// A name, lower case with single spaces and ё=е.
    pub fn name(raw: &str) -> Result<Key, CareError> {
        if raw.len() > MAX_KEY_BYTES {
            return Err(CareError::BadId(clip(raw)));
        }
        let n = super::fold(raw);
        if n.is_empty() {
            return Err(CareError::BadId(clip(raw)));
        }
        Ok(Key::Name(n))
    }

    /// Parses the `kind:value` form [`Display`](fmt::Display) writes (`phone:+7…`,
    /// `email:…`, `telegram:…`, `card:…`, `name:…`), normalising the value.
    ///
    /// ```
    /// use chek_engage::care::Key;
    /// assert_eq!(Key::parse("phone:89123456789")?.to_string(), "phone:+79123456789");
    /// assert!(Key::parse("fax:1").is_err());
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
    pub fn parse(s: &str) -> Result<Key, CareError> {
        let Some((kind, value)) = s.split_once(':') else {
            return Err(CareError::BadId(clip(s)));
        };
        match kind.trim().to_ascii_lowercase().as_str() {
            "phone" | "tel" => Key::phone(value),
            "email" | "mail" => Key::email(value),
            "card" => Key::card(value),
            "name" => Key::name(value),
            "telegram" | "tg" => Key::messenger(Network::Telegram, value),
            "whatsapp" | "wa" => Key::messenger(Network::Whatsapp, value),
            "viber" => Key::messenger(Network::Viber, value),
            "vk" => Key::messenger(Network::Vk, value),
            "max" => Key::messenger(Network::Max, value),
            _ => Err(CareError::BadId(clip(s))),
        }
    }

    /// The identifier of a message's sender as its channel gives it: an e-mail for `email`, a
    /// phone for `phone`, the account on a named messenger (`telegram`, `viber`, …); a
    /// `kind:value` sender is read as [`Key::parse`] first, on any channel. `None` when the sender
    /// says nothing usable (a web chat's session, a bad address).
    ///
    /// ```
    /// use chek_engage::care::{ContactChannel, Key};
    /// let k = Key::from_sender(ContactChannel::Viber, "01aBcD+/xyz==").unwrap();
    /// assert_eq!(k.to_string(), "viber:01aBcD+/xyz==");
    /// let k = Key::from_sender(ContactChannel::Phone, "8 912 345-67-89").unwrap();
    /// assert_eq!(k.to_string(), "phone:+79123456789");
    /// let k = Key::from_sender(ContactChannel::Chat, "email:Anna@Example.ru").unwrap();
    /// assert_eq!(k.to_string(), "email:anna@example.ru");
    /// let k = Key::from_sender(ContactChannel::Email, "email:anna@example.ru").unwrap();
    /// assert_eq!(k.to_string(), "email:anna@example.ru");
    /// assert_eq!(Key::from_sender(ContactChannel::Chat, "session 42"), None);
    /// ```
    pub fn from_sender(channel: super::ContactChannel, from: &str) -> Option<Key> {
        use super::ContactChannel as C;
        if let Ok(k) = Key::parse(from) {
            return Some(k);
        }
        match channel {
            C::Email => Key::email(from).ok(),
            C::Phone => Key::phone(from).ok(),
            c => c.network().and_then(|n| Key::messenger(n, from).ok()),
        }
    }

    /// The kind as written before the colon.
    pub fn kind(&self) -> &'static str {
        match self {
            Key::Phone(_) => "phone",
            Key::Email(_) => "email",
            Key::Messenger { network, .. } => network.as_str(),
            Key::Card(_) => "card",
            Key::Name(_) => "name",
        }
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        match self {
            Key::Phone(v) | Key::Email(v) | Key::Card(v) | Key::Name(v) => v,
            Key::Messenger { id, .. } => id,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.value())
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Key::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A prefix of hostile input, safe to echo in an error.
pub(crate) fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Phones go through the one normaliser of every flow, [`chek_ru::phone::normalise`].
fn normalise_phone(raw: &str) -> Result<String, CareError> {
    chek_ru::phone::normalise(raw).map_err(|_| CareError::BadPhone(clip(raw)))
}

fn normalise_email(raw: &str) -> Result<String, CareError> {
    if raw.len() > MAX_KEY_BYTES {
        return Err(CareError::BadEmail(clip(raw)));
    }
    let t = raw.trim().to_lowercase();
    let bad = || CareError::BadEmail(clip(raw));
    let (local, domain) = t.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || t.chars().any(|c| c.is_whitespace() || c.is_control())
        || local.contains('@')
    {
        return Err(bad());
    }
    let (local, domain) = match domain {
        // Gmail ignores dots and everything after `+`.
        "gmail.com" | "googlemail.com" => {
            let l = local.split('+').next().unwrap_or(local).replace('.', "");
            (l, "gmail.com")
        }
        // One Yandex mailbox answers on all these domains.
        "ya.ru" | "yandex.ru" | "yandex.com" | "yandex.by" | "yandex.kz" | "yandex.ua" => (
            local.split('+').next().unwrap_or(local).to_owned(),
            "yandex.ru",
        ),
        d => (local.to_owned(), d),
    };
    if local.is_empty() {
        return Err(bad());
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_to_e164() {
        for raw in [
            "+7 912 345-67-89",
            "89123456789",
            "8(912)3456789",
            "9123456789",
        ] {
            assert_eq!(
                Key::phone(raw).ok(),
                Some(Key::Phone("+79123456789".into())),
                "{raw}"
            );
        }
        assert_eq!(
            Key::phone("+375 29 123 45 67").ok(),
            Some(Key::Phone("+375291234567".into()))
        );
        // The trunk prefix written as a country code: loyalty and care now agree on +7.
        assert_eq!(
            Key::phone("+8 916 123 45 67").ok(),
            Some(Key::Phone("+79161234567".into()))
        );
        assert_eq!(
            Key::phone("+8 916 123 45 67").ok().map(|k| k.to_string()),
            crate::loyalty::Phone::parse("+8 916 123 45 67")
                .ok()
                .map(|p| format!("phone:{p}"))
        );
        for raw in [
            "",
            "12",
            "+0123456789",
            "phone",
            "8912345678x",
            "+7 912 345 67 89 00 11 22 33",
        ] {
            assert!(Key::phone(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn emails_normalise() {
        assert_eq!(
            Key::email("A.B+x@GoogleMail.com")
                .ok()
                .map(|k| k.to_string()),
            Some("email:ab@gmail.com".into())
        );
        assert_eq!(
            Key::email("Ivan@Mail.RU").ok().map(|k| k.to_string()),
            Some("email:ivan@mail.ru".into())
        );
        for raw in ["", "a", "a@b", "@x.ru", "a b@x.ru", "a@.ru", "+@gmail.com"] {
            assert!(Key::email(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn messenger_and_cards() {
        assert_eq!(
            Key::messenger(Network::Whatsapp, "8 912 345 67 89").ok(),
            Some(Key::Messenger {
                network: Network::Whatsapp,
                id: "+79123456789".into()
            })
        );
        assert_eq!(
            Key::parse("tg:@Anna_P").ok().map(|k| k.to_string()),
            Some("telegram:anna_p".into())
        );
        assert!(Key::card("12 34").is_err());
        // Viber ids are base64-like and case-sensitive; other ids keep their case too.
        let viber = Key::parse("viber:01aBcD+/xyz==")
            .ok()
            .map(|k| k.to_string());
        assert_eq!(viber.as_deref(), Some("viber:01aBcD+/xyz=="));
        assert_ne!(Key::parse("viber:AbC=").ok(), Key::parse("viber:abc=").ok());
        assert_eq!(
            Key::parse("vk:Id5Anna").ok().map(|k| k.to_string()),
            Some("vk:Id5Anna".into())
        );
        assert_eq!(
            Key::parse("max:XyZ-9").ok().map(|k| k.to_string()),
            Some("max:XyZ-9".into())
        );
        // A parsed key prints back to itself.
        for s in [
            "viber:Lh8Cz+HvRvm5s2xW/BZaAbw==",
            "vk:Id5Anna",
            "telegram:1001",
        ] {
            let k = Key::parse(s).ok();
            assert_eq!(k.map(|k| k.to_string()).as_deref(), Some(s));
        }
        assert!(Key::parse("viber:a b").is_err());
        assert!(Key::parse("viber:").is_err());
        assert!(Key::name("   ").is_err());
        assert_eq!(
            Key::name("Анна  Пётрова").ok(),
            Some(Key::Name("анна петрова".into()))
        );
        let k = Key::parse("card:2200-1234-5678").ok();
        assert_eq!(k.as_ref().map(Key::kind), Some("card"));
    }
}
