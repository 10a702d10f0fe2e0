//! FFI mirrors of the core's receipt types, with conversions both ways.

use chek::fiscal;

use crate::time::LocalDateTime;
use crate::{InputError, Receipt};

/// The language of hints. Russian is the default: shoppers are in Russia.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum Lang {
    /// Russian.
    #[default]
    Ru,
    /// English.
    En,
}

impl From<Lang> for chek::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Ru => chek::Lang::Ru,
            Lang::En => chek::Lang::En,
        }
    }
}

/// The language of an optional `lang` argument: Russian when absent. (uniffi cannot give an
/// enum argument a default value, but it can give an `Option` one.)
pub(crate) fn lang_of(l: Option<Lang>) -> chek::Lang {
    l.unwrap_or_default().into()
}

/// «Признак расчёта», the QR's `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Operation {
    /// `n=1`, a sale («приход»).
    Sale,
    /// `n=2`, a refund of a sale.
    SaleRefund,
    /// `n=3`, an expense.
    Expense,
    /// `n=4`, a refund of an expense.
    ExpenseRefund,
}

impl From<fiscal::Operation> for Operation {
    fn from(o: fiscal::Operation) -> Self {
        match o {
            fiscal::Operation::Sale => Operation::Sale,
            fiscal::Operation::SaleRefund => Operation::SaleRefund,
            fiscal::Operation::Expense => Operation::Expense,
            fiscal::Operation::ExpenseRefund => Operation::ExpenseRefund,
        }
    }
}

impl From<Operation> for fiscal::Operation {
    fn from(o: Operation) -> Self {
        match o {
            Operation::Sale => fiscal::Operation::Sale,
            Operation::SaleRefund => fiscal::Operation::SaleRefund,
            Operation::Expense => fiscal::Operation::Expense,
            Operation::ExpenseRefund => fiscal::Operation::ExpenseRefund,
        }
    }
}

/// Where a receipt's fields came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Channel {
    /// The fiscal QR (photo or string).
    Qr,
    /// OCR of the printed text.
    Ocr,
    /// Typed by the shopper.
    Manual,
}

impl From<fiscal::Channel> for Channel {
    fn from(c: fiscal::Channel) -> Self {
        match c {
            fiscal::Channel::Qr => Channel::Qr,
            fiscal::Channel::Ocr => Channel::Ocr,
            fiscal::Channel::Manual => Channel::Manual,
        }
    }
}

impl From<Channel> for fiscal::Channel {
    fn from(c: Channel) -> Self {
        match c {
            Channel::Qr => fiscal::Channel::Qr,
            Channel::Ocr => fiscal::Channel::Ocr,
            Channel::Manual => fiscal::Channel::Manual,
        }
    }
}

/// The six fields of a fiscal receipt QR (`t`, `s`, `fn`, `i`, `fp`, `n`).
///
/// ```
/// let qr = chek_ffi::parse_qr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".into(), Some(chek_ffi::Lang::Ru))?;
/// assert_eq!((qr.fn_number.as_str(), qr.fd, qr.fp), ("7281440500751551", 30526, 1168453787));
/// assert_eq!(qr.operation, chek_ffi::Operation::Sale);
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FiscalQr {
    /// Purchase time, the register's local time (Kotlin `LocalDateTime`).
    pub datetime: LocalDateTime,
    /// Total in kopecks.
    pub total_kopecks: i64,
    /// ФН, 16 digits.
    pub fn_number: String,
    /// ФД, the fiscal document number.
    pub fd: i64,
    /// ФП, the fiscal sign.
    pub fp: i64,
    /// Sale, refund...
    pub operation: Operation,
}

impl From<&fiscal::FiscalQr> for FiscalQr {
    fn from(q: &fiscal::FiscalQr) -> Self {
        FiscalQr {
            datetime: q.datetime,
            total_kopecks: q.total_kopecks,
            fn_number: q.fn_number.to_string(),
            fd: i64::from(q.fd),
            fp: i64::from(q.fp),
            operation: q.operation.into(),
        }
    }
}

pub(crate) fn u32_field(field: &'static str, value: i64) -> Result<u32, InputError> {
    u32::try_from(value).map_err(|_| InputError::OutOfRange { field, value })
}

pub(crate) fn u64_field(field: &'static str, value: i64) -> Result<u64, InputError> {
    u64::try_from(value).map_err(|_| InputError::OutOfRange { field, value })
}

/// Counts the core keeps as `u64` come back as `i64`, saturating (never reached in practice).
pub(crate) fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl TryFrom<&FiscalQr> for fiscal::FiscalQr {
    type Error = InputError;

    fn try_from(q: &FiscalQr) -> Result<Self, InputError> {
        Ok(fiscal::FiscalQr {
            datetime: q.datetime,
            total_kopecks: q.total_kopecks,
            fn_number: q
                .fn_number
                .parse()
                .map_err(|_| InputError::BadFnNumber(q.fn_number.chars().take(32).collect()))?,
            fd: u32_field("fd", q.fd)?,
            fp: u32_field("fp", q.fp)?,
            operation: q.operation.into(),
            extra: Vec::new(),
        })
    }
}

/// A receipt as any input channel produces it: the QR fields, where they came from, and the
/// full receipt with its items once a service returned it (product rules need the items).
///
/// ```
/// use chek_ffi::{parse_receipt_json, receipt_to_candidate, Channel, Lang};
/// let r = parse_receipt_json(r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,
///   "fiscalSign":339460828,"totalSum":21760,"operationType":1,"dateTime":"2023-03-17T18:30:00",
///   "items":[{"name":"Хлеб","price":21760,"quantity":1,"sum":21760}]}"#.into(), Some(Lang::En))?;
/// let c = receipt_to_candidate(r, Channel::Qr, None)?;
/// assert_eq!(c.qr.total_kopecks, 21760);
/// assert_eq!(c.receipt.map(|r| r.items.len()), Some(1));
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Candidate {
    /// The fiscal fields.
    pub qr: FiscalQr,
    /// QR, OCR or manual entry.
    pub channel: Channel,
    /// The full receipt (items, seller), when a verification service returned it; `null`
    /// before. A campaign's product rules can only be decided with it.
    #[uniffi(default)]
    pub receipt: Option<Receipt>,
}

impl From<&fiscal::Candidate> for Candidate {
    fn from(c: &fiscal::Candidate) -> Self {
        Candidate {
            qr: (&c.qr).into(),
            channel: c.channel.into(),
            receipt: c.receipt.as_ref().map(Into::into),
        }
    }
}

impl TryFrom<&Candidate> for fiscal::Candidate {
    type Error = InputError;

    fn try_from(c: &Candidate) -> Result<Self, InputError> {
        let mut out = fiscal::Candidate::new((&c.qr).try_into()?, c.channel.into());
        out.receipt = c.receipt.as_ref().map(TryInto::try_into).transpose()?;
        Ok(out)
    }
}
