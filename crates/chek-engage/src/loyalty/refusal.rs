//! Why an activation was not done: each case has a code, a hint and a reply template.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{CardNumber, Phone};
use chek_core::{Coded, Lang};

/// An activation request that was refused. Every variant is answered to the client (see
/// [`Templates`](super::Templates)); none of them changes the registry.
///
/// ```
/// use chek_engage::loyalty::Refusal;
/// use chek_core::{Coded, Lang};
/// assert_eq!(Refusal::NoCardNumber.code(), "loyalty.no_card");
/// assert!(Refusal::NoCardNumber.hint(Lang::Ru).contains("номер карты"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// No digits in the text look like a card number of the programme.
    #[error("no card number in the text")]
    NoCardNumber,
    /// Digits of a card's length and prefix whose check digit is wrong: a typo.
    #[error("card number {digits} fails its check digit")]
    BadCheckDigit {
        /// The digits as read.
        digits: String,
    },
    /// Several different valid card numbers in one text.
    #[error("several card numbers in one text: {}", cards.join(", "))]
    SeveralCards {
        /// The numbers found.
        cards: Vec<String>,
    },
    /// A well-formed number the programme never issued.
    #[error("card {card} was not issued by the programme")]
    UnknownCard {
        /// The card.
        card: CardNumber,
    },
    /// The phone is already bound to (or reserved by) another card.
    #[error("phone {phone} is already bound to another card")]
    PhoneBound {
        /// The phone.
        phone: Phone,
        /// The card it is bound to.
        other_card: CardNumber,
    },
    /// The card is already bound to (or reserved by) another phone.
    #[error("card {card} is already bound to another phone")]
    CardBound {
        /// The card.
        card: CardNumber,
        /// The phone it is bound to.
        other_phone: Phone,
    },
    /// The card is blocked (lost, stolen, fraud).
    #[error("card {card} is blocked")]
    CardBlocked {
        /// The card.
        card: CardNumber,
    },
    /// The card waits for an operator to confirm an activation at the till.
    #[error("card {card} is waiting for an operator's confirmation")]
    AwaitingConfirmation {
        /// The card.
        card: CardNumber,
    },
    /// Not a phone number (E.164 or a Russian +7/8/7 number).
    #[error("{input:?} is not a phone number")]
    BadPhone {
        /// The input, cut to 32 characters.
        input: String,
    },
    /// An SMS or form field too long to be a real one.
    #[error("the text is too long ({len} bytes, at most {max})")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Confirm or reject asked for a card with no pending activation.
    #[error("card {card} has no activation waiting for confirmation")]
    NotPending {
        /// The card.
        card: CardNumber,
    },
}

impl Coded for Refusal {
    fn code(&self) -> &'static str {
        match self {
            Refusal::NoCardNumber => "loyalty.no_card",
            Refusal::BadCheckDigit { .. } => "loyalty.bad_check_digit",
            Refusal::SeveralCards { .. } => "loyalty.several_cards",
            Refusal::UnknownCard { .. } => "loyalty.unknown_card",
            Refusal::PhoneBound { .. } => "loyalty.phone_bound",
            Refusal::CardBound { .. } => "loyalty.card_bound",
            Refusal::CardBlocked { .. } => "loyalty.card_blocked",
            Refusal::AwaitingConfirmation { .. } => "loyalty.awaiting_confirmation",
            Refusal::BadPhone { .. } => "loyalty.bad_phone",
            Refusal::TooLong { .. } => "loyalty.too_long",
            Refusal::NotPending { .. } => "loyalty.not_pending",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let (ru, en) = match self {
            Refusal::NoCardNumber => (
                "В сообщении не найден номер карты. Пришлите номер карты цифрами, как на обороте карты.",
                "No card number found. Send the card number in digits, as printed on the back of the card.",
            ),
            Refusal::BadCheckDigit { .. } => (
                "В номере карты опечатка: проверьте цифры и пришлите номер ещё раз.",
                "The card number has a typo: check the digits and send it again.",
            ),
            Refusal::SeveralCards { .. } => (
                "В сообщении несколько номеров карт. Пришлите один номер карты.",
                "The message holds several card numbers. Send one card number.",
            ),
            Refusal::UnknownCard { .. } => (
                "Карта с таким номером не выпускалась. Проверьте номер на карте.",
                "No card with this number was issued. Check the number on the card.",
            ),
            Refusal::PhoneBound { .. } => (
                "Этот телефон уже привязан к другой карте. Обратитесь в поддержку, чтобы сменить карту.",
                "This phone is already bound to another card. Contact support to change the card.",
            ),
            Refusal::CardBound { .. } => (
                "Карта уже привязана к другому телефону. Если это ваша карта, обратитесь в поддержку.",
                "The card is already bound to another phone. If it is your card, contact support.",
            ),
            Refusal::CardBlocked { .. } => (
                "Карта заблокирована. Обратитесь в поддержку или на кассу за новой картой.",
                "The card is blocked. Contact support or ask at the till for a new card.",
            ),
            Refusal::AwaitingConfirmation { .. } => (
                "Активация карты ждёт подтверждения оператора. Дождитесь СМС о подтверждении.",
                "The card's activation is waiting for an operator's confirmation. Wait for the SMS.",
            ),
            Refusal::BadPhone { .. } => (
                "Номер телефона не распознан. Укажите его в виде +7 900 123-45-67.",
                "The phone number is not recognised. Write it as +7 900 123-45-67.",
            ),
            Refusal::TooLong { .. } => (
                "Сообщение слишком длинное. Пришлите только номер карты.",
                "The message is too long. Send only the card number.",
            ),
            Refusal::NotPending { .. } => (
                "У этой карты нет активации, ожидающей подтверждения.",
                "This card has no activation waiting for confirmation.",
            ),
        };
        match lang {
            Lang::Ru => ru.into(),
            Lang::En => en.into(),
        }
    }
}
