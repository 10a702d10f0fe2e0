//! The cards of a programme and who they are bound to: a value the host keeps (as JSON, or in
//! the ledger), changed only by the transitions here, which keep phone ↔ card one to one.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{ActivationRequest, CardNumber, Channel, Outcome, Phone, Refusal};

/// Where a card stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    /// Issued, not yet activated.
    #[default]
    Issued,
    /// Activated at the till by a cashier without the right; the phone is reserved until an
    /// operator confirms or rejects.
    Pending,
    /// Active and bound to its phone.
    Active,
    /// Blocked: refuses every activation. Keeps its phone, so a replacement card goes through
    /// support.
    Blocked,
}

/// One card of the registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRecord {
    /// Status.
    pub status: CardStatus,
    /// The phone it is bound to (active, blocked) or reserved for (pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// The channel of the last activation or pending request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<NaiveDateTime>,
    /// Form fields given at activation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profile: BTreeMap<String, String>,
}

/// All cards of a programme. Persist it with serde; loading rebuilds the phone index and
/// refuses a file in which two cards claim one phone.
///
/// Each operation takes the registry by value and returns the next one with the outcome, so a
/// host can keep the old value on a failed write and retry.
///
/// ```
/// use chek_engage::loyalty::{ActivationRequest, Programme, Registry};
/// use chek_core::Coded;
/// let p = Programme::example();
/// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// let reg = Registry::default().issue(["4600682000013".parse().unwrap()]);
/// let req = ActivationRequest::from_sms("+79161234567", "4600682000013", &p).unwrap();
/// let (reg, out) = reg.activate(req, now);
/// assert_eq!(out.code(), "loyalty.activated");
/// let other = ActivationRequest::from_sms("+79990000000", "4600682000013", &p).unwrap();
/// let (_, out) = reg.activate(other, now);
/// assert_eq!(out.code(), "loyalty.card_bound");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RegistryFile", into = "RegistryFile")]
pub struct Registry {
    cards: BTreeMap<CardNumber, CardRecord>,
    phones: BTreeMap<Phone, CardNumber>,
}

#[derive(Serialize, Deserialize)]
struct RegistryFile {
    cards: BTreeMap<CardNumber, CardRecord>,
}

impl TryFrom<RegistryFile> for Registry {
    type Error = String;
    fn try_from(f: RegistryFile) -> Result<Self, String> {
        let mut phones = BTreeMap::new();
        for (card, rec) in &f.cards {
            match (&rec.phone, rec.status) {
                (Some(p), _) => {
                    if let Some(other) = phones.insert(p.clone(), card.clone()) {
                        return Err(format!("phone {p} is bound to both {other} and {card}"));
                    }
                }
                (None, CardStatus::Active | CardStatus::Pending) => {
                    return Err(format!("card {card} is {:?} without a phone", rec.status));
                }
                (None, _) => {}
            }
        }
        Ok(Registry {
            cards: f.cards,
            phones,
        })
    }
}

impl From<Registry> for RegistryFile {
    fn from(r: Registry) -> Self {
        RegistryFile { cards: r.cards }
    }
}

impl Registry {
    /// Adds issued cards; cards already in the registry are left as they are.
    pub fn issue(mut self, cards: impl IntoIterator<Item = CardNumber>) -> Self {
        for c in cards {
            self.cards.entry(c).or_default();
        }
        self
    }

    /// A registry of the given records; refused (with the reason) when two cards claim one
    /// phone, or an active or pending card has none. What a store loads before a change.
    ///
    /// ```
    /// use chek_engage::loyalty::{CardRecord, Registry};
    /// let card = "4600682000013".parse().unwrap();
    /// let reg = Registry::from_records([(card, CardRecord::default())]).unwrap();
    /// assert_eq!(reg.len(), 1);
    /// ```
    pub fn from_records(
        records: impl IntoIterator<Item = (CardNumber, CardRecord)>,
    ) -> Result<Registry, String> {
        Registry::try_from(RegistryFile {
            cards: records.into_iter().collect(),
        })
    }

    /// The record of a card.
    pub fn card(&self, card: &CardNumber) -> Option<&CardRecord> {
        self.cards.get(card)
    }

    /// The card a phone is bound to or reserved for.
    pub fn card_of(&self, phone: &Phone) -> Option<&CardNumber> {
        self.phones.get(phone)
    }

    /// All cards, in number order.
    pub fn cards(&self) -> impl Iterator<Item = (&CardNumber, &CardRecord)> {
        self.cards.iter()
    }

    /// Number of cards.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    /// Whether no card was issued.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    /// Activates and binds a card, or leaves it pending (a cashier without the right), or
    /// refuses. The checks, in order: the card is issued, not blocked, not bound or reserved
    /// for another phone; a pending card is activated only by an actor with the right
    /// ([`Channel::confirms`]), anyone else gets [`Refusal::AwaitingConfirmation`]; the phone is
    /// not bound or reserved for another card. A repeat of a done activation answers
    /// [`Outcome::AlreadyActive`] and changes nothing, unless it brings form fields the profile
    /// lacks or holds otherwise (SMS first, then the web form): they complete the profile and
    /// the answer is [`Outcome::ProfileCompleted`]. Form fields are merged into the profile,
    /// never replace it whole.
    pub fn activate(mut self, req: ActivationRequest, now: NaiveDateTime) -> (Self, Outcome) {
        let ActivationRequest {
            card,
            phone,
            channel,
            profile,
        } = req;
        let Some(rec) = self.cards.get(&card) else {
            return (self, Refusal::UnknownCard { card }.into());
        };
        match (rec.status, &rec.phone) {
            (CardStatus::Blocked, _) => return (self, Refusal::CardBlocked { card }.into()),
            (CardStatus::Active | CardStatus::Pending, Some(p)) if *p != phone => {
                let other_phone = p.clone();
                return (self, Refusal::CardBound { card, other_phone }.into());
            }
            (CardStatus::Active, _) => return self.complete_profile(card, phone, profile),
            // A pending card waits for an operator: only an actor with the right to activate
            // (an operator's form, a cashier with the right) may take that decision; the client
            // (SMS, SMS + form, website) and a cashier without the right may not.
            (CardStatus::Pending, _) if !channel.confirms() => {
                return (self, Refusal::AwaitingConfirmation { card }.into());
            }
            _ => {}
        }
        if let Some(other) = self.phones.get(&phone)
            && *other != card
        {
            let other_card = other.clone();
            return (self, Refusal::PhoneBound { phone, other_card }.into());
        }
        let pending = !channel.activates();
        self.phones.insert(phone.clone(), card.clone());
        let rec = self.cards.entry(card.clone()).or_default();
        rec.status = if pending {
            CardStatus::Pending
        } else {
            CardStatus::Active
        };
        rec.phone = Some(phone.clone());
        rec.updated_at = Some(now);
        rec.profile.extend(profile);
        let out = match &channel {
            Channel::Till { cashier, .. } if pending => Outcome::Pending {
                card,
                phone,
                cashier: cashier.clone(),
            },
            _ => Outcome::Activated { card, phone },
        };
        rec.channel = Some(channel);
        (self, out)
    }

    /// The card is active on this phone already: the request's form fields complete its profile
    /// (new fields added, changed ones replaced). [`Outcome::ProfileCompleted`] names the fields
    /// that changed; with none (an SMS, or the same form again) it is [`Outcome::AlreadyActive`].
    fn complete_profile(
        mut self,
        card: CardNumber,
        phone: Phone,
        profile: BTreeMap<String, String>,
    ) -> (Self, Outcome) {
        let Some(rec) = self.cards.get_mut(&card) else {
            return (self, Refusal::UnknownCard { card }.into());
        };
        let fields: Vec<String> = profile
            .iter()
            .filter(|(k, v)| rec.profile.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        if fields.is_empty() {
            return (self, Outcome::AlreadyActive { card, phone });
        }
        rec.profile.extend(profile);
        (
            self,
            Outcome::ProfileCompleted {
                card,
                phone,
                fields,
            },
        )
    }

    /// An operator confirms a pending activation: the card becomes active on the reserved
    /// phone. [`Refusal::NotPending`] otherwise.
    pub fn confirm(
        mut self,
        card: &CardNumber,
        operator: &str,
        now: NaiveDateTime,
    ) -> (Self, Outcome) {
        match self.cards.get_mut(card) {
            Some(rec) if rec.status == CardStatus::Pending => {
                rec.status = CardStatus::Active;
                rec.updated_at = Some(now);
                let phone = rec.phone.clone();
                match phone {
                    Some(phone) => (
                        self,
                        Outcome::Confirmed {
                            card: card.clone(),
                            phone,
                            operator: operator.chars().take(MAX_ACTOR).collect(),
                        },
                    ),
                    // Unreachable through the transitions and refused at load: a pending
                    // record always holds its phone.
                    None => (self, Refusal::NotPending { card: card.clone() }.into()),
                }
            }
            Some(_) => (self, Refusal::NotPending { card: card.clone() }.into()),
            None => (self, Refusal::UnknownCard { card: card.clone() }.into()),
        }
    }

    /// An operator rejects a pending activation: the card is issued again and the phone freed.
    pub fn reject(
        mut self,
        card: &CardNumber,
        operator: &str,
        now: NaiveDateTime,
    ) -> (Self, Outcome) {
        match self.cards.get_mut(card) {
            Some(rec) if rec.status == CardStatus::Pending => {
                rec.status = CardStatus::Issued;
                rec.updated_at = Some(now);
                rec.channel = None;
                let phone = rec.phone.take();
                if let Some(p) = &phone {
                    self.phones.remove(p);
                }
                (
                    self,
                    Outcome::Rejected {
                        card: card.clone(),
                        phone,
                        operator: operator.chars().take(MAX_ACTOR).collect(),
                    },
                )
            }
            Some(_) => (self, Refusal::NotPending { card: card.clone() }.into()),
            None => (self, Refusal::UnknownCard { card: card.clone() }.into()),
        }
    }

    /// Blocks a card (lost, stolen, fraud). It keeps its phone binding.
    pub fn block(mut self, card: &CardNumber, now: NaiveDateTime) -> (Self, Outcome) {
        match self.cards.get_mut(card) {
            Some(rec) => {
                rec.status = CardStatus::Blocked;
                rec.updated_at = Some(now);
                (self, Outcome::Blocked { card: card.clone() })
            }
            None => (self, Refusal::UnknownCard { card: card.clone() }.into()),
        }
    }

    /// Checks the one-to-one invariant: every phone in the index points at a card holding it,
    /// and every card with a phone is in the index. Always true after the transitions; for
    /// tests and for hosts that edit records by hand.
    pub fn is_consistent(&self) -> bool {
        let held = self.cards.values().filter(|r| r.phone.is_some()).count();
        held == self.phones.len()
            && self
                .phones
                .iter()
                .all(|(p, c)| self.cards.get(c).and_then(|r| r.phone.as_ref()) == Some(p))
    }
}

const MAX_ACTOR: usize = 256;
