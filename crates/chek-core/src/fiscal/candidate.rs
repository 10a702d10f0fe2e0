//! What every input channel produces: the fiscal fields of one receipt, and where they came from.

use serde::{Deserialize, Serialize};

use super::{FiscalQr, Receipt, ReceiptId};

/// How a receipt reached us. Campaigns segment on it («Ручной ввод чека» is a known problem
/// segment).
///
/// ```
/// use chek_core::fiscal::Channel;
/// assert_eq!(serde_json::to_string(&Channel::Manual).unwrap(), "\"manual\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Decoded from the receipt's QR code (photo or scanner).
    Qr,
    /// Read from the printed text by OCR.
    Ocr,
    /// Typed by the shopper.
    Manual,
}

impl Channel {
    /// `"qr"`, `"ocr"` or `"manual"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Qr => "qr",
            Channel::Ocr => "ocr",
            Channel::Manual => "manual",
        }
    }
}

/// A receipt as submitted: the six QR fields from whichever channel, plus the full receipt once
/// a verification service returned it. Validation and campaigns treat all channels alike.
///
/// ```
/// use chek_core::fiscal::{Candidate, Channel, FiscalQr};
/// let qr: FiscalQr = "t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1".parse()?;
/// let c = Candidate::new(qr, Channel::Qr);
/// assert_eq!(c.total_kopecks(), 103_000);
/// assert!(c.receipt.is_none());
/// # Ok::<(), chek_core::fiscal::QrError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The six fiscal fields.
    pub qr: FiscalQr,
    /// Where they came from.
    pub channel: Channel,
    /// The full receipt with items, once verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

impl Candidate {
    /// A candidate with no verified receipt yet.
    pub fn new(qr: FiscalQr, channel: Channel) -> Self {
        Candidate {
            qr,
            channel,
            receipt: None,
        }
    }

    /// A candidate built from a verified receipt (its QR fields are taken from the receipt).
    pub fn verified(receipt: Receipt, channel: Channel) -> Self {
        Candidate {
            qr: receipt.to_qr(),
            channel,
            receipt: Some(receipt),
        }
    }

    /// ФН + ФД + ФП.
    pub fn identity(&self) -> ReceiptId {
        self.qr.identity()
    }

    /// The total in kopecks.
    pub fn total_kopecks(&self) -> i64 {
        self.qr.total_kopecks
    }
}
