//! `n` in the QR: «признак расчёта» (FFD tag 1054).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kind of settlement a receipt records (tag 1054). Serialised as its number, `1`..`4`.
///
/// ```
/// use chek_core::fiscal::Operation;
/// assert_eq!(Operation::from_code(2), Some(Operation::SaleRefund));
/// assert_eq!(Operation::Sale.code(), 1);
/// assert_eq!(Operation::from_code(0), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// 1 — приход: a sale, the normal case for promos.
    Sale,
    /// 2 — возврат прихода: a refund of a sale.
    SaleRefund,
    /// 3 — расход: the business pays out.
    Expense,
    /// 4 — возврат расхода.
    ExpenseRefund,
}

impl Operation {
    /// The number printed in the QR and used by every ФНС API.
    pub const fn code(self) -> u8 {
        match self {
            Operation::Sale => 1,
            Operation::SaleRefund => 2,
            Operation::Expense => 3,
            Operation::ExpenseRefund => 4,
        }
    }

    /// The operation for a number, if it is one of `1..=4`.
    pub const fn from_code(code: u64) -> Option<Self> {
        match code {
            1 => Some(Operation::Sale),
            2 => Some(Operation::SaleRefund),
            3 => Some(Operation::Expense),
            4 => Some(Operation::ExpenseRefund),
            _ => None,
        }
    }

    /// The label printed on Russian receipts, e.g. `ПРИХОД`.
    pub const fn label_ru(self) -> &'static str {
        match self {
            Operation::Sale => "приход",
            Operation::SaleRefund => "возврат прихода",
            Operation::Expense => "расход",
            Operation::ExpenseRefund => "возврат расхода",
        }
    }

    /// An English name.
    pub const fn label_en(self) -> &'static str {
        match self {
            Operation::Sale => "sale",
            Operation::SaleRefund => "sale refund",
            Operation::Expense => "expense",
            Operation::ExpenseRefund => "expense refund",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        Operation::from_code(n)
            .ok_or_else(|| serde::de::Error::custom(format!("operation type {n} is not 1..4")))
    }
}
