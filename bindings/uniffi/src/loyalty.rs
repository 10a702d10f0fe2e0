//! Loyalty cards on the phone or at the till: card numbers and phones read and checked before
//! anything is sent, and an activation form validated into the request the server applies.

use std::collections::HashMap;
use std::sync::Arc;

use chek::engage::loyalty::{
    self as core, ActivationRequest, CardNumber, Channel, CheckDigit as CoreCheck, Form, Phone,
    Programme, Refusal,
};

use crate::error::Area;
use crate::types::lang_of;
use crate::{ChekError, Lang};

fn refused(r: &Refusal, lang: Option<Lang>) -> ChekError {
    ChekError::of(Area::Loyalty, r, lang_of(lang))
}

/// The check digit scheme of a card format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CheckDigit {
    /// No check digit.
    None,
    /// Luhn (bank-style cards).
    Luhn,
    /// GS1 mod 10 (EAN-13 / EAN-8 barcodes).
    Gs1,
    /// Damm.
    Damm,
}

impl From<CheckDigit> for CoreCheck {
    fn from(c: CheckDigit) -> Self {
        match c {
            CheckDigit::None => CoreCheck::None,
            CheckDigit::Luhn => CoreCheck::Luhn,
            CheckDigit::Gs1 => CoreCheck::Gs1,
            CheckDigit::Damm => CoreCheck::Damm,
        }
    }
}

impl From<CoreCheck> for CheckDigit {
    fn from(c: CoreCheck) -> Self {
        match c {
            CoreCheck::None => CheckDigit::None,
            CoreCheck::Luhn => CheckDigit::Luhn,
            CoreCheck::Gs1 => CheckDigit::Gs1,
            CoreCheck::Damm => CheckDigit::Damm,
        }
    }
}

/// Whether `digits` (ASCII digits only) carries a valid check digit under `scheme`.
///
/// ```
/// use chek_ffi::{check_digit_valid, CheckDigit};
/// assert!(check_digit_valid("4600682000013".into(), CheckDigit::Gs1));
/// assert!(!check_digit_valid("4600682000014".into(), CheckDigit::Gs1));
/// ```
#[uniffi::export]
pub fn check_digit_valid(digits: String, scheme: CheckDigit) -> bool {
    digits.len() <= 64 && CoreCheck::from(scheme).is_valid(&digits)
}

/// A phone number normalised to E.164 (`+79161234567`): `+7`, `7` or `8` and ten digits, ten
/// digits starting with 9, or `+` and 8–15 digits abroad; spaces, brackets, dots and dashes
/// ignored. [`ChekError::Loyalty`] `loyalty.bad_phone` otherwise.
///
/// ```
/// use chek_ffi::normalize_phone;
/// assert_eq!(normalize_phone("8 (916) 123-45-67".into(), None).unwrap(), "+79161234567");
/// assert_eq!(normalize_phone("not a phone!".into(), None).unwrap_err().code(), "loyalty.bad_phone");
/// ```
#[uniffi::export(default(lang))]
pub fn normalize_phone(raw: String, lang: Option<Lang>) -> Result<String, ChekError> {
    Phone::parse(&raw)
        .map(String::from)
        .map_err(|e| refused(&e, lang))
}

/// One card-number format of a programme.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardFormat {
    /// Name for operators.
    pub name: String,
    /// Number of digits.
    pub length: i64,
    /// Leading digits every card of the format starts with ("" for none).
    pub prefix: String,
    /// Check digit scheme.
    pub check: CheckDigit,
}

/// Who filled in an activation form.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FormSource {
    /// An operator keyed in a paper form; the phone comes from the form.
    Operator {
        /// Operator id.
        operator: String,
    },
    /// The client texted first and then filled the web form: the phone is the SMS sender.
    SmsForm {
        /// The phone the SMS came from.
        from: String,
    },
    /// The client's account on the website or in the app; the phone comes from the form.
    Website {
        /// Account id.
        account: String,
    },
    /// A cashier at the till; without the right the activation waits for an operator.
    Till {
        /// Cashier id.
        cashier: String,
        /// Whether the cashier may activate cards.
        can_activate: bool,
    },
}

/// A filled-in activation form.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ActivationForm {
    /// The card number as typed (spaces and dashes allowed).
    pub card: String,
    /// The phone as typed (ignored for [`FormSource::SmsForm`]).
    pub phone: String,
    /// Other fields: name, birthday… (kept as the card's profile).
    pub fields: HashMap<String, String>,
}

/// The channel of a validated activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ActivationChannel {
    /// The client's SMS.
    Sms,
    /// An operator's form.
    OperatorForm,
    /// SMS + web form.
    SmsForm,
    /// Website / app account.
    Website,
    /// At the till.
    Till,
}

/// A valid activation, ready to send to the server that keeps the cards.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ActivationRequestInfo {
    /// The card number, digits only.
    pub card: String,
    /// Its last four digits, for the screen.
    pub card_last4: String,
    /// The phone in E.164.
    pub phone: String,
    /// The channel.
    pub channel: ActivationChannel,
    /// The operator, account or cashier id (`null` for SMS).
    pub actor: Option<String>,
    /// Whether it takes effect at once; `false` at a till without the right (it waits for an
    /// operator).
    pub activates_now: bool,
    /// The form fields.
    pub profile: HashMap<String, String>,
    /// The request as JSON (`chek_engage::loyalty::ActivationRequest`): what the server
    /// applies (`chek loyalty` / `Ledger::loyalty_apply`).
    pub json: String,
}

fn info(r: &ActivationRequest) -> ActivationRequestInfo {
    use Channel as C;
    let (channel, actor) = match &r.channel {
        C::Sms => (ActivationChannel::Sms, None),
        C::OperatorForm { operator } => (ActivationChannel::OperatorForm, Some(operator.clone())),
        C::SmsForm => (ActivationChannel::SmsForm, None),
        C::Website { account } => (ActivationChannel::Website, Some(account.clone())),
        C::Till { cashier, .. } => (ActivationChannel::Till, Some(cashier.clone())),
        // A channel added to the core later: the JSON still carries it.
        _ => (ActivationChannel::Website, None),
    };
    ActivationRequestInfo {
        card: r.card.as_str().to_owned(),
        card_last4: r.card.last4().to_owned(),
        phone: r.phone.as_str().to_owned(),
        channel,
        actor,
        activates_now: r.channel.activates(),
        profile: r
            .profile
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        json: serde_json::to_string(r).unwrap_or_default(),
    }
}

/// A loyalty programme: its card formats and reply templates (TOML or JSON, as the server
/// uses). Reads card numbers and validates activation forms the way the server will.
#[derive(Debug, uniffi::Object)]
pub struct LoyaltyProgramme {
    inner: Programme,
}

impl LoyaltyProgramme {
    fn load(
        r: Result<Programme, core::ProgrammeError>,
        lang: Option<Lang>,
    ) -> Result<Arc<Self>, ChekError> {
        r.map(|inner| Arc::new(LoyaltyProgramme { inner }))
            .map_err(|e| ChekError::of(Area::Loyalty, &e, lang_of(lang)))
    }
}

#[uniffi::export]
impl LoyaltyProgramme {
    /// Loads a programme from TOML. Errors: `loyalty.programme_syntax`, `loyalty.bad_format`,
    /// `loyalty.bad_template`.
    #[uniffi::constructor(default(lang))]
    pub fn from_toml(toml: String, lang: Option<Lang>) -> Result<Arc<Self>, ChekError> {
        Self::load(Programme::from_toml(&toml), lang)
    }

    /// Loads a programme from JSON.
    #[uniffi::constructor(default(lang))]
    pub fn from_json(json: String, lang: Option<Lang>) -> Result<Arc<Self>, ChekError> {
        Self::load(Programme::from_json(&json), lang)
    }

    /// The example programme: EAN-13 cards starting with 46, default replies.
    #[uniffi::constructor]
    pub fn example() -> Arc<Self> {
        Arc::new(LoyaltyProgramme {
            inner: Programme::example(),
        })
    }

    /// The programme's name.
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The card formats.
    pub fn formats(&self) -> Vec<CardFormat> {
        self.inner
            .formats
            .iter()
            .map(|f| CardFormat {
                name: f.name.clone(),
                length: i64::try_from(f.length).unwrap_or(i64::MAX),
                prefix: f.prefix.clone(),
                check: f.check.into(),
            })
            .collect()
    }

    /// A card number typed into a field (spaces and dashes allowed): the digits when it is a
    /// card of the programme. Errors: `loyalty.no_card`, `loyalty.bad_check_digit` (a typo),
    /// `loyalty.too_long`.
    #[uniffi::method(default(lang))]
    pub fn parse_card(&self, field: String, lang: Option<Lang>) -> Result<String, ChekError> {
        core::parse_card_field(&field, &self.inner.formats)
            .map(String::from)
            .map_err(|e| refused(&e, lang))
    }

    /// The one card number in a free text (an SMS: «Карта 4600 6820 0001 3, тел …»). Errors:
    /// `loyalty.no_card`, `loyalty.bad_check_digit`, `loyalty.several_cards`,
    /// `loyalty.too_long`.
    #[uniffi::method(default(lang))]
    pub fn find_card(&self, text: String, lang: Option<Lang>) -> Result<String, ChekError> {
        core::extract_card(&text, &self.inner.formats)
            .map(String::from)
            .map_err(|e| refused(&e, lang))
    }

    /// Validates an activation form: the request to send, or the refusal (`loyalty.no_card`,
    /// `loyalty.bad_check_digit`, `loyalty.bad_phone`, `loyalty.too_long`) with its hint.
    #[uniffi::method(default(lang))]
    pub fn validate_form(
        &self,
        form: ActivationForm,
        source: FormSource,
        lang: Option<Lang>,
    ) -> Result<ActivationRequestInfo, ChekError> {
        let f = Form {
            card: form.card,
            phone: form.phone,
            fields: form.fields.into_iter().collect(),
        };
        let p = &self.inner;
        let (phone, channel) = match source {
            FormSource::Operator { operator } => {
                (f.phone.clone(), Channel::OperatorForm { operator })
            }
            FormSource::SmsForm { from } => (from, Channel::SmsForm),
            FormSource::Website { account } => (f.phone.clone(), Channel::Website { account }),
            FormSource::Till {
                cashier,
                can_activate,
            } => (
                f.phone.clone(),
                Channel::Till {
                    cashier,
                    can_activate,
                },
            ),
        };
        let r = ActivationRequest::from_channel(&f, &phone, channel, p);
        r.map(|r| info(&r)).map_err(|e| refused(&e, lang))
    }

    /// Validates an incoming SMS: the sender is the phone, the card number is read from the
    /// text.
    #[uniffi::method(default(lang))]
    pub fn validate_sms(
        &self,
        from: String,
        text: String,
        lang: Option<Lang>,
    ) -> Result<ActivationRequestInfo, ChekError> {
        ActivationRequest::from_sms(&from, &text, &self.inner)
            .map(|r| info(&r))
            .map_err(|e| refused(&e, lang))
    }
}

/// The last four digits of a card number (4–24 digits), for a masked display.
///
/// ```
/// assert_eq!(chek_ffi::card_last4("4600682000013".into(), None).unwrap(), "0013");
/// ```
#[uniffi::export(default(lang))]
pub fn card_last4(card: String, lang: Option<Lang>) -> Result<String, ChekError> {
    CardNumber::new(&card)
        .map(|c| c.last4().to_owned())
        .map_err(|e| refused(&e, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_to_request_and_refusals() {
        let p = LoyaltyProgramme::example();
        let mut fields = HashMap::new();
        fields.insert("name".to_owned(), "Анна".to_owned());
        let form = ActivationForm {
            card: "4600 6820 0001 3".into(),
            phone: "8 916 123-45-67".into(),
            fields,
        };
        let r = p
            .validate_form(
                form.clone(),
                FormSource::Till {
                    cashier: "k-2".into(),
                    can_activate: false,
                },
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (r.card.as_str(), r.phone.as_str()),
            ("4600682000013", "+79161234567")
        );
        assert!(!r.activates_now);
        assert_eq!(r.channel, ActivationChannel::Till);
        let back: ActivationRequest =
            serde_json::from_str(&r.json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.profile["name"], "Анна");
        let web = p
            .validate_form(
                form.clone(),
                FormSource::Website {
                    account: "a".into(),
                },
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(web.profile.len(), 1);
        let typo = ActivationForm {
            card: "4600682000014".into(),
            ..form
        };
        let e = p
            .validate_form(
                typo,
                FormSource::Operator {
                    operator: "o".into(),
                },
                Some(Lang::En),
            )
            .unwrap_err();
        assert_eq!(e.code(), "loyalty.bad_check_digit");
        assert!(matches!(e, ChekError::Loyalty { .. }));
        assert!(e.hint().contains("typo"));
    }
}
