//! The full receipt, as ФНС (or a service that asks it) returns it.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{FiscalQr, FnNumber, Operation, ReceiptId};
use crate::{Coded, Lang};

/// One line of a receipt (tag 1059).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Name as printed, retailer padding included.
    pub name: String,
    /// Unit price in kopecks.
    pub price_kopecks: i64,
    /// Quantity; fractional for weighed goods.
    pub quantity: f64,
    /// Line total in kopecks, discounts applied.
    pub sum_kopecks: i64,
    /// VAT rate code (tag 1199), when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<u8>,
    /// Payment method code (tag 1214: 1 full prepayment … 4 full settlement …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<u8>,
    /// Subject code (tag 1212: 1 goods, 2 excise goods, 3 work, 4 service …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_type: Option<u8>,
    /// GTIN from the item's marking code, when the receipt carries one (FFD 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
}

/// How the total was paid (tags 1031, 1081, 1215–1217), in kopecks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payments {
    /// Cash.
    pub cash: i64,
    /// Card and other electronic means.
    pub ecash: i64,
    /// Offset of an earlier prepayment.
    pub prepaid: i64,
    /// Credit.
    pub credit: i64,
    /// Other consideration.
    pub provision: i64,
}

impl Payments {
    /// The sum of all parts.
    pub fn total(&self) -> i64 {
        self.cash + self.ecash + self.prepaid + self.credit + self.provision
    }
}

/// A full fiscal receipt: the QR fields plus seller, register and items.
///
/// ```
/// use chek_core::fiscal::Receipt;
/// let json = r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,
///   "fiscalSign":339460828,"totalSum":21760,"operationType":1,"dateTime":"2023-03-17T18:30:00",
///   "userInn":"7814148471  ","items":[{"name":"Хлеб","price":21760,"quantity":1,"sum":21760}]}"#;
/// let r = Receipt::from_fns_json(json)?;
/// assert_eq!(r.total_kopecks, 21760);
/// assert_eq!(r.seller_inn.as_deref(), Some("7814148471"));
/// assert_eq!(r.items[0].name, "Хлеб");
/// # Ok::<(), chek_core::fiscal::ReceiptError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// Local date and time of the sale.
    pub datetime: NaiveDateTime,
    /// Total in kopecks.
    pub total_kopecks: i64,
    /// ФН serial.
    #[serde(rename = "fn")]
    pub fn_number: FnNumber,
    /// ФД.
    pub fd: u32,
    /// ФП.
    pub fp: u32,
    /// Operation type.
    pub operation: Operation,
    /// Document type code (3 receipt, 31 correction receipt, 4 БСО …), when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_code: Option<u16>,
    /// Seller name (tag 1048).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<String>,
    /// Seller ИНН, trimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_inn: Option<String>,
    /// РН ККТ, trimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kkt_reg_id: Option<String>,
    /// ЗН ККТ (factory number), when the source carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kkt_number: Option<String>,
    /// Place of settlement (shop name or site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retail_place: Option<String>,
    /// Address of settlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retail_place_address: Option<String>,
    /// Shift number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_number: Option<u32>,
    /// Receipt number within the shift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_number: Option<u32>,
    /// FFD version code (1 = 1.0, 2 = 1.05, 3 = 1.1, 4 = 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ffd_version: Option<u8>,
    /// How it was paid.
    #[serde(default)]
    pub payments: Payments,
    /// The lines.
    #[serde(default)]
    pub items: Vec<Item>,
}

impl Receipt {
    /// Reads a receipt from ФНС-style JSON: the ФНС app's ticket (`GET /v2/tickets/{id}`), a
    /// proverkacheka-style response (`{"code":1,"data":{"json":…}}`), or a bare receipt object.
    /// See [`from_fns_value`](Self::from_fns_value) for the details.
    pub fn from_fns_json(json: &str) -> Result<Self, ReceiptError> {
        super::fns_json::parse(json)
    }

    /// As [`from_fns_json`](Self::from_fns_json), from an already parsed value.
    pub fn from_fns_value(value: &serde_json::Value) -> Result<Self, ReceiptError> {
        super::fns_json::from_value(value)
    }

    /// ФН + ФД + ФП.
    pub fn identity(&self) -> ReceiptId {
        ReceiptId {
            fn_number: self.fn_number,
            fd: self.fd,
            fp: self.fp,
        }
    }

    /// The six QR fields of this receipt.
    pub fn to_qr(&self) -> FiscalQr {
        FiscalQr {
            datetime: self.datetime,
            total_kopecks: self.total_kopecks,
            fn_number: self.fn_number,
            fd: self.fd,
            fp: self.fp,
            operation: self.operation,
            extra: Vec::new(),
        }
    }
}

/// Why a receipt could not be read from JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// Larger than any receipt.
    #[error("the receipt JSON is {len} bytes, more than the {max} allowed")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON at all, or truncated.
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// Valid JSON without a receipt in it (e.g. a service's error message).
    #[error("no receipt in the response: {0}")]
    NoReceipt(String),
    /// A required field is absent.
    #[error("the receipt lacks `{0}`")]
    MissingField(&'static str),
    /// A field has an impossible value.
    #[error("the receipt field `{field}` is invalid: {value}")]
    BadField {
        /// JSON field name.
        field: &'static str,
        /// The value, shortened.
        value: String,
    },
}

impl Coded for ReceiptError {
    fn code(&self) -> &'static str {
        match self {
            ReceiptError::TooLarge { .. } => "receipt.too_large",
            ReceiptError::MalformedJson(_) => "receipt.malformed_json",
            ReceiptError::NoReceipt(_) => "receipt.no_receipt",
            ReceiptError::MissingField(_) => "receipt.missing_field",
            ReceiptError::BadField { .. } => "receipt.bad_field",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (ReceiptError::NoReceipt(_), Lang::Ru) => {
                "Сервис проверки не вернул данные чека. Попробуем проверить его позже.".into()
            }
            (ReceiptError::NoReceipt(_), Lang::En) => {
                "The checking service returned no receipt data. We will try again later.".into()
            }
            (_, Lang::Ru) => {
                "Данные чека повреждены или неполны. Отправьте QR-код чека ещё раз.".into()
            }
            (_, Lang::En) => {
                "The receipt data is damaged or incomplete. Send the receipt's QR code again."
                    .into()
            }
        }
    }
}
