//! Who a message goes to, by which channel, for what purpose, and which contacts were made.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use chek_ru::zone::Zone;

use super::NotifyError;

/// A way to reach a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactChannel {
    /// An automated voice call reading a text-to-speech text.
    Call,
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
}

impl ContactChannel {
    /// `"call"`, `"sms"` or `"email"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContactChannel::Call => "call",
            ContactChannel::Sms => "sms",
            ContactChannel::Email => "email",
        }
    }

    /// Whether the channel speaks the text (speech rendering) rather than shows it.
    pub const fn is_voice(self) -> bool {
        matches!(self, ContactChannel::Call)
    }
}

impl fmt::Display for ContactChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a message is sent: the law treats each differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// About an order or service the customer asked for (pickup, delivery).
    #[default]
    Service,
    /// A reminder of an overdue payment: for private persons 230-ФЗ applies.
    Debt,
    /// Advertising: only with the recipient's consent (38-ФЗ Art. 18).
    Advertising,
}

impl Purpose {
    /// `"service"`, `"debt"` or `"advertising"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::Service => "service",
            Purpose::Debt => "debt",
            Purpose::Advertising => "advertising",
        }
    }
}

/// The person a message is for, as the CRM knows them.
///
/// ```
/// use chek_engage::notify::Recipient;
/// let r: Recipient = serde_json::from_str(
///     r#"{"id":"c1","name":"Иванова Анна","phone":"+79123456789","zone":"Asia/Yekaterinburg"}"#,
/// ).unwrap();
/// assert!(r.private_person && !r.advertising_consent && !r.opt_out);
/// assert_eq!(r.zone.offset_minutes(), 300);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// CRM id.
    pub id: String,
    /// Full name as stored, for `{name|name}`.
    #[serde(default)]
    pub name: Option<String>,
    /// Phone for calls and SMS.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Where the recipient lives: quiet hours are in this zone (Moscow when absent).
    #[serde(default)]
    pub zone: Zone,
    /// A private person (not a company): 230-ФЗ protects private debtors.
    #[serde(default = "yes")]
    pub private_person: bool,
    /// Consent to advertising (38-ФЗ Art. 18).
    #[serde(default)]
    pub advertising_consent: bool,
    /// The recipient refused interaction («отказ от взаимодействия», 230-ФЗ Art. 8): nothing is
    /// planned or retried for them, whatever the purpose.
    #[serde(default, alias = "interaction_refused")]
    pub opt_out: bool,
}

fn yes() -> bool {
    true
}

impl Recipient {
    /// Whether the recipient can be reached on `ch` at all: an address is present and, for a
    /// call or SMS, the phone is a phone number ([`Recipient::check_address`]).
    pub fn has_address(&self, ch: ContactChannel) -> bool {
        self.check_address(ch).is_ok()
    }

    /// Checks the address for `ch`: [`NotifyError::NoAddress`] when there is none,
    /// [`NotifyError::BadPhone`] when a call or SMS would go to something that is not a phone
    /// number (the one normaliser of every flow, [`chek_ru::phone::normalise`], decides).
    ///
    /// ```
    /// use chek_engage::notify::{ContactChannel, Recipient};
    /// let mut r: Recipient = serde_json::from_str(r#"{"id":"c1","phone":"not a phone!"}"#).unwrap();
    /// assert_eq!(r.check_address(ContactChannel::Call).unwrap_err().to_string(),
    ///            "the recipient's phone \"not a phone!\" is not a phone number");
    /// r.phone = Some("8 912 345-67-89".into());
    /// assert!(r.check_address(ContactChannel::Sms).is_ok());
    /// assert_eq!(r.phone_e164().as_deref(), Some("+79123456789"));
    /// ```
    pub fn check_address(&self, ch: ContactChannel) -> Result<(), NotifyError> {
        let present = |s: &Option<String>| s.as_deref().is_some_and(|x| !x.trim().is_empty());
        match ch {
            ContactChannel::Call | ContactChannel::Sms => {
                let phone = self.phone.as_deref().unwrap_or("");
                if !present(&self.phone) {
                    return Err(NotifyError::NoAddress(ch.as_str()));
                }
                chek_ru::phone::normalise(phone)
                    .map(|_| ())
                    .map_err(|_| NotifyError::BadPhone(phone.chars().take(40).collect()))
            }
            ContactChannel::Email if present(&self.email) => Ok(()),
            ContactChannel::Email => Err(NotifyError::NoAddress(ch.as_str())),
        }
    }

    /// The phone in E.164, when it is a phone number.
    pub fn phone_e164(&self) -> Option<String> {
        chek_ru::phone::normalise(self.phone.as_deref()?).ok()
    }
}

/// One contact already made (or planned) with a recipient: caps count these.
///
/// `counts` says whether it counts towards caps: a delivered SMS and an answered call do, an
/// unanswered call does not (230-ФЗ limits interactions, and nobody interacted). Times are UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Recipient id.
    pub recipient: String,
    /// Channel used.
    pub channel: ContactChannel,
    /// Why.
    #[serde(default)]
    pub purpose: Purpose,
    /// When, UTC.
    pub at: NaiveDateTime,
    /// Whether it counts towards caps.
    #[serde(default = "yes")]
    pub counts: bool,
    /// The firing's idempotency key, when it came from a rule: a key already contacted is not
    /// planned again.
    #[serde(default)]
    pub key: Option<String>,
}
