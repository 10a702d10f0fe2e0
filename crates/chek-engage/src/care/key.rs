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

    /// A messenger account. WhatsApp ids are phone numbers and are normalised as such.
    pub fn messenger(network: Network, raw: &str) -> Result<Key, CareError> {
        let id = if network == Network::Whatsapp {
            normalise_phone(raw)?
        } else {
            let t = raw.trim().trim_start_matches('@').to_lowercase();
            if t.is_empty()
                || t.len() > 64
                || !t
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
            {
                return Err(CareError::BadId(clip(raw)));
            }
            t
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
        assert!(Key::name("   ").is_err());
        assert_eq!(
            Key::name("Анна  Пётрова").ok(),
            Some(Key::Name("анна петрова".into()))
        );
        let k = Key::parse("card:2200-1234-5678").ok();
        assert_eq!(k.as_ref().map(Key::kind), Some("card"));
    }
}
