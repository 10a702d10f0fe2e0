//! One change of the registry as a value, so a store can see which records it touches, load
//! only those, apply it and write back what changed.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{ActivationRequest, CardNumber, Outcome, Phone, Registry};

/// A registry transition: an activation from any channel or an operator's action.
///
/// ```
/// use chek_engage::loyalty::{ActivationRequest, Op, Programme, Registry};
/// use chek_core::Coded;
/// let p = Programme::example();
/// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// let card = "4600682000013".parse().unwrap();
/// let reg = Registry::default().issue([card]);
/// let op = Op::Activate(ActivationRequest::from_sms("+79161234567", "4600682000013", &p).unwrap());
/// assert_eq!(op.card().as_str(), "4600682000013");
/// assert_eq!(op.phone().map(|p| p.as_str()), Some("+79161234567"));
/// let (_, out) = reg.apply_op(op, now);
/// assert_eq!(out.code(), "loyalty.activated");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// [`Registry::activate`].
    Activate(ActivationRequest),
    /// [`Registry::confirm`].
    Confirm {
        /// Card.
        card: CardNumber,
        /// Operator.
        operator: String,
    },
    /// [`Registry::reject`].
    Reject {
        /// Card.
        card: CardNumber,
        /// Operator.
        operator: String,
    },
    /// [`Registry::block`].
    Block {
        /// Card.
        card: CardNumber,
    },
}

impl Op {
    /// The card the change is about.
    pub fn card(&self) -> &CardNumber {
        match self {
            Op::Activate(r) => &r.card,
            Op::Confirm { card, .. } | Op::Reject { card, .. } | Op::Block { card } => card,
        }
    }

    /// The phone whose binding the change may read (activations only).
    pub fn phone(&self) -> Option<&Phone> {
        match self {
            Op::Activate(r) => Some(&r.phone),
            _ => None,
        }
    }
}

impl Registry {
    /// Applies any [`Op`]. The outcome depends only on the records of [`Op::card`] and of the
    /// card bound to [`Op::phone`], so a registry holding just those answers as the whole one.
    pub fn apply_op(self, op: Op, now: NaiveDateTime) -> (Self, Outcome) {
        match op {
            Op::Activate(req) => self.activate(req, now),
            Op::Confirm { card, operator } => self.confirm(&card, &operator, now),
            Op::Reject { card, operator } => self.reject(&card, &operator, now),
            Op::Block { card } => self.block(&card, now),
        }
    }
}
