//! Loyalty cards in the ledger: one document per card (its phone as the second key), each change
//! one transaction that loads only the card and the card bound to the phone.

use std::collections::BTreeMap;

use chek_engage::loyalty::{CardNumber, CardRecord, CardStatus, Channel, Op, Outcome, Registry};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::doc::{Docs, Replayed};
use crate::{Ledger, StoreError};

const CARD: &str = "loyalty.card";
const FLOW: &str = "loyalty";

/// One card as `chek loyalty export` prints it.
///
/// ```
/// use chek_store::{CardRow, Ledger};
/// let l = Ledger::open(":memory:")?;
/// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// l.loyalty_issue(&["4600682000013".parse().unwrap()], &[], now)?;
/// let rows: Vec<CardRow> = l.loyalty_cards()?;
/// assert_eq!(rows[0].card, "4600682000013");
/// assert_eq!(serde_json::to_value(&rows[0])?["status"], "issued");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRow {
    /// Card number.
    pub card: String,
    /// `issued`, `pending`, `active` or `blocked`.
    pub status: CardStatus,
    /// The phone it is bound to or reserved for (E.164).
    pub phone: Option<String>,
    /// The profile from the activation form.
    pub fields: BTreeMap<String, String>,
    /// The channel of the last activation.
    pub channel: Option<Channel>,
    /// When the status last changed.
    pub updated_at: Option<NaiveDateTime>,
}

impl CardRow {
    fn of(card: &CardNumber, r: &CardRecord) -> CardRow {
        CardRow {
            card: card.as_str().to_owned(),
            status: r.status,
            phone: r.phone.as_ref().map(|p| p.as_str().to_owned()),
            fields: r.profile.clone(),
            channel: r.channel.clone(),
            updated_at: r.updated_at,
        }
    }
}

fn put(d: &mut Docs<'_>, card: &CardNumber, rec: &CardRecord) -> Result<(), StoreError> {
    let phone = rec.phone.as_ref().map(|p| p.as_str());
    d.put(CARD, card.as_str(), phone, rec)
}

impl Ledger {
    /// Adds issued cards (cards already there keep their state) and blocks the `blocked` ones,
    /// in one transaction. Returns how many cards were new.
    pub fn loyalty_issue(
        &self,
        cards: &[CardNumber],
        blocked: &[CardNumber],
        now: NaiveDateTime,
    ) -> Result<usize, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            let mut new = 0;
            for c in cards.iter().chain(blocked) {
                let found: Option<CardRecord> = d.get(CARD, c.as_str())?;
                let mut rec = match found {
                    Some(r) => r,
                    None => {
                        new += 1;
                        CardRecord::default()
                    }
                };
                let block = blocked.contains(c) && rec.status != CardStatus::Blocked;
                if block {
                    rec.status = CardStatus::Blocked;
                    rec.updated_at = Some(now);
                }
                if block || rec == CardRecord::default() {
                    put(&mut d, c, &rec)?;
                }
            }
            Ok(new)
        })
    }

    /// Loads a registry (the JSON state format) in one transaction: a card not yet in the
    /// ledger is added with its record, unless its phone is already bound to another card
    /// there; cards already in the ledger are left alone. Returns how many were added.
    pub fn loyalty_import(&self, reg: &Registry, now: NaiveDateTime) -> Result<usize, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            let mut added = 0;
            for (card, rec) in reg.cards() {
                if d.get::<CardRecord>(CARD, card.as_str())?.is_some() {
                    continue;
                }
                if let Some(phone) = &rec.phone
                    && !d.by_group::<CardRecord>(CARD, phone.as_str())?.is_empty()
                {
                    continue;
                }
                put(&mut d, card, rec)?;
                added += 1;
            }
            Ok(added)
        })
    }

    /// Applies one registry change in one transaction: loads the card and the card bound to the
    /// phone, applies [`Registry::apply_op`], writes back the records that changed. With an
    /// `event_id` (the SMS or request id of the host) a retry returns the first outcome and
    /// changes nothing.
    ///
    /// ```
    /// use chek_engage::loyalty::{ActivationRequest, Op, Programme};
    /// use chek_core::Coded;
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let p = Programme::example();
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
    /// l.loyalty_issue(&["4600682000013".parse()?], &[], now)?;
    /// let op = Op::Activate(ActivationRequest::from_sms("+79161234567", "4600682000013", &p).unwrap());
    /// let first = l.loyalty_apply(&op, Some("sms-1"), now)?;
    /// assert_eq!(first.value.code(), "loyalty.activated");
    /// let again = l.loyalty_apply(&op, Some("sms-1"), now)?;
    /// assert!(again.replayed);
    /// assert_eq!(again.value, first.value);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loyalty_apply(
        &self,
        op: &Op,
        event_id: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<Replayed<Outcome>, StoreError> {
        self.loyalty_apply_sending(op, event_id, &mut |_| Vec::new(), now)
    }

    /// [`Ledger::loyalty_apply`], and the messages its outcome causes (the SMS answering an
    /// activation) enqueued in the outbox in the same transaction. `reply` sees the outcome;
    /// a replayed event calls it not at all and enqueues nothing again.
    ///
    /// ```
    /// use chek_engage::loyalty::{ActivationRequest, Op, Programme};
    /// use chek_core::Coded;
    /// use chek_store::NewMessage;
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
    /// let p = Programme::example();
    /// l.loyalty_issue(&["4600682000013".parse()?], &[], now)?;
    /// let op = Op::Activate(ActivationRequest::from_sms("+79161234567", "4600682000013", &p).unwrap());
    /// let out = l.loyalty_apply_sending(&op, Some("sms-1"), &mut |o| {
    ///     vec![NewMessage::new("sms-1:reply", "sms", "+79161234567", o.code(), now)]
    /// }, now)?;
    /// assert_eq!(out.value.code(), "loyalty.activated");
    /// assert_eq!(l.outbox_get("sms-1:reply")?.unwrap().body, "loyalty.activated");
    /// // The same SMS again: the first outcome, no second reply.
    /// let again = l.loyalty_apply_sending(&op, Some("sms-1"), &mut |_| unreachable!(), now)?;
    /// assert!(again.replayed);
    /// assert_eq!(l.outbox_counts()?.queued, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loyalty_apply_sending(
        &self,
        op: &Op,
        event_id: Option<&str>,
        reply: &mut dyn FnMut(&Outcome) -> Vec<crate::NewMessage>,
        now: NaiveDateTime,
    ) -> Result<Replayed<Outcome>, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            d.once(FLOW, event_id, |d| {
                let card = op.card();
                let mut records: Vec<(CardNumber, CardRecord)> = Vec::with_capacity(2);
                if let Some(rec) = d.get::<CardRecord>(CARD, card.as_str())? {
                    records.push((card.clone(), rec));
                }
                if let Some(phone) = op.phone() {
                    for (key, rec) in d.by_group::<CardRecord>(CARD, phone.as_str())? {
                        if key != card.as_str() {
                            let number = key.parse().map_err(|_| {
                                StoreError::Corrupt(format!("{key:?} is not a card number"))
                            })?;
                            records.push((number, rec));
                        }
                    }
                }
                let before = Registry::from_records(records).map_err(StoreError::Corrupt)?;
                let (after, outcome) = before.clone().apply_op(op.clone(), now);
                for (number, rec) in after.cards() {
                    if before.card(number) != Some(rec) {
                        put(d, number, rec)?;
                    }
                }
                for m in reply(&outcome) {
                    d.enqueue(&m)?;
                }
                Ok(outcome)
            })
        })
    }

    /// One card, as stored.
    pub fn loyalty_card(&self, card: &CardNumber) -> Result<Option<CardRow>, StoreError> {
        let now = NaiveDateTime::default();
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            Ok(d.get::<CardRecord>(CARD, card.as_str())?
                .map(|r| CardRow::of(card, &r)))
        })
    }

    /// Every card, in number order, from one snapshot.
    pub fn loyalty_cards(&self) -> Result<Vec<CardRow>, StoreError> {
        let reg = self.loyalty_registry()?;
        Ok(reg.cards().map(|(c, r)| CardRow::of(c, r)).collect())
    }

    /// The whole registry (for export to the JSON state format, or a host's own checks).
    pub fn loyalty_registry(&self) -> Result<Registry, StoreError> {
        let mut records = Vec::new();
        for (key, raw) in self.docs_all(CARD)? {
            let card: CardNumber = key
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("{key:?} is not a card number")))?;
            let rec: CardRecord = serde_json::from_str(&raw)
                .map_err(|e| StoreError::Corrupt(format!("card {key}: {e}")))?;
            records.push((card, rec));
        }
        Registry::from_records(records).map_err(StoreError::Corrupt)
    }
}
