//! The five channels an activation arrives by, each read into one [`ActivationRequest`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CardNumber, Phone, Programme, Refusal, extract_card, parse_card_field};

/// At most this many form fields.
pub const MAX_FORM_FIELDS: usize = 32;
/// Longest form field name and value, in bytes.
pub const MAX_FIELD_BYTES: usize = 256;

/// How an activation reached the programme, and who did it.
///
/// ```
/// use chek_engage::loyalty::Channel;
/// let till = Channel::Till { cashier: "k-17".into(), can_activate: false };
/// assert!(!till.activates());
/// assert!(Channel::Sms.activates());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// The client texted the card number from their phone.
    Sms,
    /// An operator keyed in a paper form.
    OperatorForm {
        /// Operator id.
        operator: String,
    },
    /// The phone came from the client's SMS, the rest from a form.
    SmsForm,
    /// The client's account on the website (API).
    Website {
        /// Account id.
        account: String,
    },
    /// A cashier at the till.
    Till {
        /// Cashier id.
        cashier: String,
        /// Whether this cashier may activate cards; without the right, the activation waits for
        /// an operator ([`Registry::confirm`](super::Registry::confirm)).
        can_activate: bool,
    },
}

impl Channel {
    /// Whether an activation by this channel takes effect at once (otherwise it is pending).
    pub fn activates(&self) -> bool {
        !matches!(
            self,
            Channel::Till {
                can_activate: false,
                ..
            }
        )
    }

    /// Whether this actor may activate a card that waits for an operator's confirmation: an
    /// operator keying a form, or a cashier with the right. The client (SMS, SMS + form,
    /// website) may not: a pending card stays pending until [`Registry::confirm`](super::Registry::confirm).
    ///
    /// ```
    /// use chek_engage::loyalty::Channel;
    /// assert!(!Channel::Sms.confirms());
    /// assert!(Channel::OperatorForm { operator: "op-1".into() }.confirms());
    /// assert!(Channel::Till { cashier: "k-1".into(), can_activate: true }.confirms());
    /// assert!(!Channel::Till { cashier: "k-2".into(), can_activate: false }.confirms());
    /// ```
    pub fn confirms(&self) -> bool {
        matches!(
            self,
            Channel::OperatorForm { .. }
                | Channel::Till {
                    can_activate: true,
                    ..
                }
        )
    }
}

/// A filled-in form: card number, phone and any other fields (name, birthday…), kept with the
/// card as its profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// The card number as written.
    pub card: String,
    /// The phone as written (ignored for SMS + form: the SMS sender is the phone).
    #[serde(default)]
    pub phone: String,
    /// Other fields.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// One activation to apply: a valid card number of the programme, an E.164 phone, the channel
/// and profile fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationRequest {
    /// The card.
    pub card: CardNumber,
    /// The phone to bind.
    pub phone: Phone,
    /// Channel and actor.
    pub channel: Channel,
    /// Form fields (empty for SMS).
    #[serde(default)]
    pub profile: BTreeMap<String, String>,
}

fn check_fields(fields: &BTreeMap<String, String>) -> Result<(), Refusal> {
    if fields.len() > MAX_FORM_FIELDS {
        return Err(Refusal::TooLong {
            len: fields.len(),
            max: MAX_FORM_FIELDS,
        });
    }
    for (k, v) in fields {
        let len = k.len().max(v.len());
        if len > MAX_FIELD_BYTES {
            return Err(Refusal::TooLong {
                len,
                max: MAX_FIELD_BYTES,
            });
        }
    }
    Ok(())
}

impl ActivationRequest {
    /// An incoming SMS: the sender is the phone, the card number is read from the text.
    ///
    /// ```
    /// use chek_engage::loyalty::{ActivationRequest, Programme};
    /// let p = Programme::example();
    /// let r = ActivationRequest::from_sms("8 916 123-45-67", "Карта 4600 6820 0001 3", &p).unwrap();
    /// assert_eq!((r.card.as_str(), r.phone.as_str()), ("4600682000013", "+79161234567"));
    /// ```
    pub fn from_sms(from: &str, text: &str, programme: &Programme) -> Result<Self, Refusal> {
        let phone = Phone::parse(from)?;
        let card = extract_card(text, &programme.formats)?;
        Ok(ActivationRequest {
            card,
            phone,
            channel: Channel::Sms,
            profile: BTreeMap::new(),
        })
    }

    /// A paper form keyed in by an operator.
    pub fn from_form(form: &Form, operator: &str, programme: &Programme) -> Result<Self, Refusal> {
        Self::with_form(
            form,
            Phone::parse(&form.phone)?,
            Channel::OperatorForm {
                operator: operator.to_owned(),
            },
            programme,
        )
    }

    /// SMS + form: the phone is the SMS sender, the card and the profile come from the form.
    pub fn from_sms_and_form(
        from: &str,
        form: &Form,
        programme: &Programme,
    ) -> Result<Self, Refusal> {
        Self::with_form(form, Phone::parse(from)?, Channel::SmsForm, programme)
    }

    /// The website account API.
    pub fn from_website(
        account: &str,
        card: &str,
        phone: &str,
        programme: &Programme,
    ) -> Result<Self, Refusal> {
        let form = Form {
            card: card.to_owned(),
            phone: phone.to_owned(),
            fields: BTreeMap::new(),
        };
        Self::with_form(
            &form,
            Phone::parse(phone)?,
            Channel::Website {
                account: account.to_owned(),
            },
            programme,
        )
    }

    /// At the till: a cashier with activation rights activates at once, one without them
    /// leaves the activation pending until an operator confirms it.
    ///
    /// ```
    /// use chek_engage::loyalty::{ActivationRequest, Programme};
    /// let p = Programme::example();
    /// let r = ActivationRequest::from_till("k-17", false, "4600682000013", "+79161234567", &p).unwrap();
    /// assert!(!r.channel.activates());
    /// ```
    pub fn from_till(
        cashier: &str,
        can_activate: bool,
        card: &str,
        phone: &str,
        programme: &Programme,
    ) -> Result<Self, Refusal> {
        let form = Form {
            card: card.to_owned(),
            phone: phone.to_owned(),
            fields: BTreeMap::new(),
        };
        Self::with_form(
            &form,
            Phone::parse(phone)?,
            Channel::Till {
                cashier: cashier.to_owned(),
                can_activate,
            },
            programme,
        )
    }

    /// A form from any channel, its fields kept as the profile: `phone` is the phone to bind
    /// (the form's, or the SMS sender's for [`Channel::SmsForm`]). What an app uses when the
    /// website or the till also collects name, birthday….
    ///
    /// ```
    /// use chek_engage::loyalty::{ActivationRequest, Channel, Form, Programme};
    /// let p = Programme::example();
    /// let mut form = Form { card: "4600682000013".into(), phone: "8 916 123-45-67".into(), ..Form::default() };
    /// form.fields.insert("name".into(), "Анна".into());
    /// let till = Channel::Till { cashier: "k-1".into(), can_activate: false };
    /// let r = ActivationRequest::from_channel(&form, &form.phone, till, &p).unwrap();
    /// assert_eq!((r.phone.as_str(), r.profile["name"].as_str()), ("+79161234567", "Анна"));
    /// ```
    pub fn from_channel(
        form: &Form,
        phone: &str,
        channel: Channel,
        programme: &Programme,
    ) -> Result<Self, Refusal> {
        Self::with_form(form, Phone::parse(phone)?, channel, programme)
    }

    fn with_form(
        form: &Form,
        phone: Phone,
        channel: Channel,
        programme: &Programme,
    ) -> Result<Self, Refusal> {
        check_fields(&form.fields)?;
        let actor_len = match &channel {
            Channel::OperatorForm { operator: a }
            | Channel::Website { account: a }
            | Channel::Till { cashier: a, .. } => a.len(),
            Channel::Sms | Channel::SmsForm => 0,
        };
        if actor_len > MAX_FIELD_BYTES {
            return Err(Refusal::TooLong {
                len: actor_len,
                max: MAX_FIELD_BYTES,
            });
        }
        Ok(ActivationRequest {
            card: parse_card_field(&form.card, &programme.formats)?,
            phone,
            channel,
            profile: form.fields.clone(),
        })
    }
}
