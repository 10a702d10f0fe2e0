//! The one identity of a physical receipt, used everywhere duplicates are caught.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::FnNumber;

/// ФН + ФД + ФП: one physical receipt. FD restarts with each new ФН, so ФН+ФД is unique; the
/// fiscal sign is part of the key so that a mistyped ФП never collides with the genuine receipt.
///
/// Displayed and parsed as `fn:fd:fp`, the form stored in ledgers and logs.
///
/// ```
/// use chek_core::fiscal::{FiscalQr, ReceiptId};
/// let qr: FiscalQr = "t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1".parse().unwrap();
/// let id = qr.identity();
/// assert_eq!(id.to_string(), "9251440300046840:29414:1250830908");
/// assert_eq!(id.to_string().parse::<ReceiptId>(), Ok(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReceiptId {
    /// ФН serial.
    #[serde(rename = "fn")]
    pub fn_number: FnNumber,
    /// ФД: fiscal document number.
    pub fd: u32,
    /// ФП: fiscal sign.
    pub fp: u32,
}

impl fmt::Display for ReceiptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.fn_number, self.fd, self.fp)
    }
}

/// The error of parsing a [`ReceiptId`] from `fn:fd:fp`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a receipt id is written fn:fd:fp (16 digits, then two numbers)")]
pub struct BadReceiptId;

impl FromStr for ReceiptId {
    type Err = BadReceiptId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut it = s.trim().split(':');
        let (Some(a), Some(b), Some(c), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(BadReceiptId);
        };
        Ok(ReceiptId {
            fn_number: a.parse().map_err(|_| BadReceiptId)?,
            fd: b.parse().map_err(|_| BadReceiptId)?,
            fp: c.parse().map_err(|_| BadReceiptId)?,
        })
    }
}
