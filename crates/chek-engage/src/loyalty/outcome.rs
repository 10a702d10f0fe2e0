//! What an activation, confirmation or rejection came to.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{CardNumber, Phone, Refusal};
use chek_core::{Coded, Lang};

/// The result of a registry transition. Refusals carry their reason; the other variants say
/// what changed.
///
/// ```
/// use chek_engage::loyalty::{Outcome, Refusal};
/// use chek_core::Coded;
/// let o: Outcome = Refusal::NoCardNumber.into();
/// assert!(!o.is_success());
/// assert_eq!(o.code(), "loyalty.no_card");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The card is active and bound to the phone.
    Activated {
        /// Card.
        card: CardNumber,
        /// Phone.
        phone: Phone,
    },
    /// The same card was already active on the same phone: nothing changed.
    AlreadyActive {
        /// Card.
        card: CardNumber,
        /// Phone.
        phone: Phone,
    },
    /// The card was already active on the same phone, and the request's form fields completed
    /// its profile (SMS first, then the web form): the fields are merged into the profile.
    ProfileCompleted {
        /// Card.
        card: CardNumber,
        /// Phone.
        phone: Phone,
        /// The fields added or changed, in name order.
        fields: Vec<String>,
    },
    /// A cashier without the right asked; the phone is reserved until an operator decides.
    Pending {
        /// Card.
        card: CardNumber,
        /// Phone.
        phone: Phone,
        /// The cashier.
        cashier: String,
    },
    /// An operator confirmed a pending activation.
    Confirmed {
        /// Card.
        card: CardNumber,
        /// Phone.
        phone: Phone,
        /// The operator.
        operator: String,
    },
    /// An operator rejected a pending activation; the phone is free again.
    Rejected {
        /// Card.
        card: CardNumber,
        /// The phone that was reserved.
        phone: Option<Phone>,
        /// The operator.
        operator: String,
    },
    /// The card was blocked.
    Blocked {
        /// Card.
        card: CardNumber,
    },
    /// Refused; nothing changed.
    Refused(Refusal),
}

impl From<Refusal> for Outcome {
    fn from(r: Refusal) -> Self {
        Outcome::Refused(r)
    }
}

impl Outcome {
    /// Whether the request did what it asked (activated, already active, profile completed,
    /// pending, confirmed, rejected or blocked as asked).
    pub fn is_success(&self) -> bool {
        !matches!(self, Outcome::Refused(_))
    }

    /// The card concerned, when known.
    pub fn card(&self) -> Option<&CardNumber> {
        match self {
            Outcome::Activated { card, .. }
            | Outcome::AlreadyActive { card, .. }
            | Outcome::ProfileCompleted { card, .. }
            | Outcome::Pending { card, .. }
            | Outcome::Confirmed { card, .. }
            | Outcome::Rejected { card, .. }
            | Outcome::Blocked { card }
            | Outcome::Refused(
                Refusal::UnknownCard { card }
                | Refusal::CardBound { card, .. }
                | Refusal::CardBlocked { card }
                | Refusal::AwaitingConfirmation { card }
                | Refusal::NotPending { card },
            ) => Some(card),
            Outcome::Refused(_) => None,
        }
    }

    /// The client's phone, when known.
    pub fn phone(&self) -> Option<&Phone> {
        match self {
            Outcome::Activated { phone, .. }
            | Outcome::AlreadyActive { phone, .. }
            | Outcome::ProfileCompleted { phone, .. }
            | Outcome::Pending { phone, .. }
            | Outcome::Confirmed { phone, .. }
            | Outcome::Refused(Refusal::PhoneBound { phone, .. }) => Some(phone),
            Outcome::Rejected { phone, .. } => phone.as_ref(),
            _ => None,
        }
    }
}

impl Coded for Outcome {
    fn code(&self) -> &'static str {
        match self {
            Outcome::Activated { .. } => "loyalty.activated",
            Outcome::AlreadyActive { .. } => "loyalty.already_active",
            Outcome::ProfileCompleted { .. } => "loyalty.profile_completed",
            Outcome::Pending { .. } => "loyalty.pending",
            Outcome::Confirmed { .. } => "loyalty.confirmed",
            Outcome::Rejected { .. } => "loyalty.rejected",
            Outcome::Blocked { .. } => "loyalty.blocked",
            Outcome::Refused(r) => r.code(),
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let (ru, en) = match self {
            Outcome::Refused(r) => return r.hint(lang),
            Outcome::Activated { .. } | Outcome::Confirmed { .. } => (
                "Карта активирована и привязана к телефону. Бонусы начисляются с этой покупки.",
                "The card is active and bound to the phone. Bonuses accrue from this purchase on.",
            ),
            Outcome::AlreadyActive { .. } => (
                "Карта уже активирована на этот телефон, ничего делать не нужно.",
                "The card is already active on this phone; nothing to do.",
            ),
            Outcome::ProfileCompleted { .. } => (
                "Карта уже активирована на этот телефон; данные анкеты добавлены в профиль.",
                "The card is already active on this phone; the form's details were added to the profile.",
            ),
            Outcome::Pending { .. } => (
                "Активация ждёт подтверждения оператора; придёт СМС, когда карта заработает.",
                "The activation waits for an operator; an SMS will come when the card works.",
            ),
            Outcome::Rejected { .. } => (
                "Оператор отклонил активацию карты. Обратитесь в поддержку или на кассу.",
                "An operator rejected the card's activation. Contact support or ask at the till.",
            ),
            Outcome::Blocked { .. } => (
                "Карта заблокирована; бонусы по ней не начисляются и не списываются.",
                "The card is blocked; no bonuses are earned or spent with it.",
            ),
        };
        match lang {
            Lang::Ru => ru.into(),
            Lang::En => en.into(),
        }
    }
}
