//! Loyalty-card activation by SMS and four other channels (`engagement.md` §4a, §6 item 16).
//!
//! - [`extract_card`] reads the card number out of free text, with per-programme formats and
//!   check digits ([`CardFormat`], [`CheckDigit`]); [`Phone`] normalises phone numbers to E.164.
//! - [`ActivationRequest`] is built from each channel: SMS, operator form, SMS + form, website,
//!   till (a cashier with or without the right to activate).
//! - [`Registry`] holds the cards; [`Registry::activate`], [`Registry::confirm`],
//!   [`Registry::reject`] and [`Registry::block`] return the next registry and an [`Outcome`],
//!   keeping phone ↔ card one to one inside the transition.
//! - Every outcome has a reply SMS from a template ([`Programme::reply`]), measured in units and
//!   segments; [`Programme::check_replies`] shows which templates cannot fit one SMS.
//!
//! ```
//! use chek_engage::loyalty::{sms, Programme, Registry};
//! use chek_core::{Coded, Lang};
//! let p = Programme::example();
//! let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
//! let reg = Registry::default().issue(["4600682000013".parse().unwrap()]);
//!
//! let ex = sms(reg, &p, "8 (916) 123-45-67", "Карта 4600 6820 0001 3", now, Lang::Ru);
//! assert_eq!(ex.outcome.code(), "loyalty.activated");
//! assert_eq!(ex.reply.text, "Карта *0013 активирована и привязана к номеру. Спасибо!");
//! assert_eq!((ex.reply.sms.units, ex.reply.sms.segments), (55, 1));
//!
//! let ex = sms(ex.registry, &p, "+7 999 000-00-00", "4600682000013", now, Lang::Ru);
//! assert_eq!(ex.outcome.code(), "loyalty.card_bound");
//! ```

mod card;
mod extract;
mod op;
mod outcome;
mod phone;
mod programme;
mod refusal;
mod registry;
mod reply;
mod request;

pub use card::{CardFormat, CardNumber, CheckDigit};
pub use extract::{MAX_TEXT_BYTES, extract_card, parse_card_field};
pub use op::Op;
pub use outcome::Outcome;
pub use phone::Phone;
pub use programme::{MAX_PROGRAMME_BYTES, Programme, ProgrammeError};
pub use refusal::Refusal;
pub use registry::{CardRecord, CardStatus, Registry};
pub use reply::{
    MAX_TEMPLATE_CHARS, PLACEHOLDERS, REPLY_CODES, Reply, ReplyValues, TemplateCheck, Templates,
    default_template,
};
pub use request::{ActivationRequest, Channel, Form, MAX_FIELD_BYTES, MAX_FORM_FIELDS};

use chrono::NaiveDateTime;

use chek_core::Lang;

/// What one request came to: the next registry, the outcome and the reply to send.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The registry after the request (unchanged when refused).
    pub registry: Registry,
    /// The outcome.
    pub outcome: Outcome,
    /// The reply SMS.
    pub reply: Reply,
}

/// Applies any channel's request (or its refusal while reading the input) and renders the reply.
pub fn apply(
    registry: Registry,
    programme: &Programme,
    request: Result<ActivationRequest, Refusal>,
    now: NaiveDateTime,
    lang: Lang,
) -> Exchange {
    let (registry, outcome) = match request {
        Ok(req) => registry.activate(req, now),
        Err(r) => (registry, Outcome::Refused(r)),
    };
    let reply = programme.reply(&outcome, lang);
    Exchange {
        registry,
        outcome,
        reply,
    }
}

/// An incoming SMS from `from` with `text`: read, activate, answer.
pub fn sms(
    registry: Registry,
    programme: &Programme,
    from: &str,
    text: &str,
    now: NaiveDateTime,
    lang: Lang,
) -> Exchange {
    let req = ActivationRequest::from_sms(from, text, programme);
    apply(registry, programme, req, now, lang)
}
