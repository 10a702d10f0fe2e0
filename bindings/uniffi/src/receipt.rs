//! The full receipt with its items, as ФНС (or a service that asks it) returns it: read from its
//! JSON, checked offline, compared with the QR it was asked about, and handed to a campaign's
//! pre-check so that product rules can be decided on the phone.

use chek::fiscal::{self, ValidationOptions};

use crate::error::Area;
use crate::qr::finding;
use crate::time::LocalDateTime;
use crate::types::{lang_of, u32_field};
use crate::{Candidate, Channel, ChekError, Finding, FiscalQr, InputError, Lang, Operation};

/// One line of a receipt (tag 1059).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReceiptItem {
    /// Name as printed, retailer padding included.
    pub name: String,
    /// Unit price in kopecks.
    pub price_kopecks: i64,
    /// Quantity; fractional for weighed goods.
    pub quantity: f64,
    /// Line total in kopecks, discounts applied.
    pub sum_kopecks: i64,
    /// VAT rate code (tag 1199), when present.
    #[uniffi(default)]
    pub vat_rate: Option<i32>,
    /// Payment method code (tag 1214), when present.
    #[uniffi(default)]
    pub payment_type: Option<i32>,
    /// Subject code (tag 1212: 1 goods, 2 excise goods, 3 work, 4 service …), when present.
    #[uniffi(default)]
    pub product_type: Option<i32>,
    /// GTIN from the item's marking code (FFD 1.2), when present.
    #[uniffi(default)]
    pub gtin: Option<String>,
}

/// How the total was paid, in kopecks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct Payments {
    /// Cash.
    #[uniffi(default = 0)]
    pub cash: i64,
    /// Card and other electronic means.
    #[uniffi(default = 0)]
    pub ecash: i64,
    /// Offset of an earlier prepayment.
    #[uniffi(default = 0)]
    pub prepaid: i64,
    /// Credit.
    #[uniffi(default = 0)]
    pub credit: i64,
    /// Other consideration.
    #[uniffi(default = 0)]
    pub provision: i64,
}

/// A full fiscal receipt: the QR fields plus seller, register, payments and items. Read it with
/// [`parse_receipt_json`]; [`validate_receipt`] checks it, [`receipt_matches_qr`] compares it
/// with a QR and [`receipt_to_candidate`] makes the candidate a campaign evaluates. (Functions,
/// not methods of the record: uniffi gives record methods no default arguments, and `lang` is
/// optional everywhere.)
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Receipt {
    /// Local date and time of the sale (the register's clock; Kotlin `LocalDateTime`).
    pub datetime: LocalDateTime,
    /// Total in kopecks.
    pub total_kopecks: i64,
    /// ФН, 16 digits.
    pub fn_number: String,
    /// ФД.
    pub fd: i64,
    /// ФП.
    pub fp: i64,
    /// Sale, refund...
    pub operation: Operation,
    /// Document type code (3 receipt, 31 correction receipt, 4 БСО …), when present.
    #[uniffi(default)]
    pub document_code: Option<i32>,
    /// Seller name (tag 1048).
    #[uniffi(default)]
    pub seller: Option<String>,
    /// Seller ИНН, trimmed.
    #[uniffi(default)]
    pub seller_inn: Option<String>,
    /// РН ККТ, trimmed.
    #[uniffi(default)]
    pub kkt_reg_id: Option<String>,
    /// ЗН ККТ (factory number), when the source carries it.
    #[uniffi(default)]
    pub kkt_number: Option<String>,
    /// Place of settlement (shop name or site).
    #[uniffi(default)]
    pub retail_place: Option<String>,
    /// Address of settlement.
    #[uniffi(default)]
    pub retail_place_address: Option<String>,
    /// Shift number.
    #[uniffi(default)]
    pub shift_number: Option<i64>,
    /// Receipt number within the shift.
    #[uniffi(default)]
    pub request_number: Option<i64>,
    /// FFD version code (1 = 1.0, 2 = 1.05, 3 = 1.1, 4 = 1.2).
    #[uniffi(default)]
    pub ffd_version: Option<i32>,
    /// How it was paid.
    #[uniffi(default)]
    pub payments: Payments,
    /// The lines.
    #[uniffi(default)]
    pub items: Vec<ReceiptItem>,
}

impl From<&fiscal::Item> for ReceiptItem {
    fn from(i: &fiscal::Item) -> Self {
        ReceiptItem {
            name: i.name.clone(),
            price_kopecks: i.price_kopecks,
            quantity: i.quantity,
            sum_kopecks: i.sum_kopecks,
            vat_rate: i.vat_rate.map(i32::from),
            payment_type: i.payment_type.map(i32::from),
            product_type: i.product_type.map(i32::from),
            gtin: i.gtin.clone(),
        }
    }
}

impl From<&fiscal::Receipt> for Receipt {
    fn from(r: &fiscal::Receipt) -> Self {
        let p = r.payments;
        Receipt {
            datetime: r.datetime,
            total_kopecks: r.total_kopecks,
            fn_number: r.fn_number.to_string(),
            fd: i64::from(r.fd),
            fp: i64::from(r.fp),
            operation: r.operation.into(),
            document_code: r.document_code.map(i32::from),
            seller: r.seller.clone(),
            seller_inn: r.seller_inn.clone(),
            kkt_reg_id: r.kkt_reg_id.clone(),
            kkt_number: r.kkt_number.clone(),
            retail_place: r.retail_place.clone(),
            retail_place_address: r.retail_place_address.clone(),
            shift_number: r.shift_number.map(i64::from),
            request_number: r.request_number.map(i64::from),
            ffd_version: r.ffd_version.map(i32::from),
            payments: Payments {
                cash: p.cash,
                ecash: p.ecash,
                prepaid: p.prepaid,
                credit: p.credit,
                provision: p.provision,
            },
            items: r.items.iter().map(Into::into).collect(),
        }
    }
}

fn small<T: TryFrom<i64>>(field: &'static str, v: Option<i64>) -> Result<Option<T>, InputError> {
    v.map(|v| T::try_from(v).map_err(|_| InputError::OutOfRange { field, value: v }))
        .transpose()
}

impl TryFrom<&ReceiptItem> for fiscal::Item {
    type Error = InputError;

    fn try_from(i: &ReceiptItem) -> Result<Self, InputError> {
        Ok(fiscal::Item {
            name: i.name.clone(),
            price_kopecks: i.price_kopecks,
            quantity: i.quantity,
            sum_kopecks: i.sum_kopecks,
            vat_rate: small("vat_rate", i.vat_rate.map(i64::from))?,
            payment_type: small("payment_type", i.payment_type.map(i64::from))?,
            product_type: small("product_type", i.product_type.map(i64::from))?,
            gtin: i.gtin.clone(),
        })
    }
}

impl TryFrom<&Receipt> for fiscal::Receipt {
    type Error = InputError;

    fn try_from(r: &Receipt) -> Result<Self, InputError> {
        let p = r.payments;
        Ok(fiscal::Receipt {
            datetime: r.datetime,
            total_kopecks: r.total_kopecks,
            fn_number: r
                .fn_number
                .parse()
                .map_err(|_| InputError::BadFnNumber(r.fn_number.chars().take(32).collect()))?,
            fd: u32_field("fd", r.fd)?,
            fp: u32_field("fp", r.fp)?,
            operation: r.operation.into(),
            document_code: small("document_code", r.document_code.map(i64::from))?,
            seller: r.seller.clone(),
            seller_inn: r.seller_inn.clone(),
            kkt_reg_id: r.kkt_reg_id.clone(),
            kkt_number: r.kkt_number.clone(),
            retail_place: r.retail_place.clone(),
            retail_place_address: r.retail_place_address.clone(),
            shift_number: small("shift_number", r.shift_number)?,
            request_number: small("request_number", r.request_number)?,
            ffd_version: small("ffd_version", r.ffd_version.map(i64::from))?,
            payments: fiscal::Payments {
                cash: p.cash,
                ecash: p.ecash,
                prepaid: p.prepaid,
                credit: p.credit,
                provision: p.provision,
            },
            items: r
                .items
                .iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
        })
    }
}

fn core(r: &Receipt, lang: chek::Lang) -> Result<fiscal::Receipt, ChekError> {
    r.try_into().map_err(|e: InputError| e.into_ffi(lang))
}

fn core_qr(q: &FiscalQr, lang: chek::Lang) -> Result<fiscal::FiscalQr, ChekError> {
    q.try_into().map_err(|e: InputError| e.into_ffi(lang))
}

/// Reads a receipt from ФНС-style JSON: the ФНС app's ticket (`GET /v2/tickets/{id}`), a
/// proverkacheka-style response (`{"code":1,"data":{"json":…}}`), or a bare receipt object.
///
/// Errors are [`ChekError::Receipt`]: `receipt.too_large`, `receipt.malformed_json`,
/// `receipt.no_receipt` (a service's error message instead of a receipt),
/// `receipt.missing_field`, `receipt.bad_field`.
///
/// ```
/// use chek_ffi::{parse_receipt_json, Lang};
/// let r = parse_receipt_json(r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,
///   "fiscalSign":339460828,"totalSum":21760,"operationType":1,"dateTime":"2023-03-17T18:30:00",
///   "userInn":"7814148471  ","items":[{"name":"Хлеб","price":21760,"quantity":1,"sum":21760}]}"#.into(), Some(Lang::En))?;
/// assert_eq!(r.seller_inn.as_deref(), Some("7814148471"));
/// assert_eq!(r.items[0].name, "Хлеб");
/// let e = parse_receipt_json(r#"{"code":3,"data":"limit"}"#.into(), Some(Lang::En)).unwrap_err();
/// assert_eq!(e.code(), "receipt.no_receipt");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn parse_receipt_json(json: String, lang: Option<Lang>) -> Result<Receipt, ChekError> {
    fiscal::Receipt::from_fns_json(&json)
        .map(|r| (&r).into())
        .map_err(|e| ChekError::of(Area::Receipt, &e, lang_of(lang)))
}

/// Checks a receipt offline against `now` (local time): everything [`validate`](crate::validate)
/// checks of the QR fields, plus the document type, the seller's ИНН, the register number, the
/// items against the total and the payments. An empty list means plausible; only ФНС can say a
/// receipt is genuine.
///
/// ```
/// use chek_ffi::{parse_receipt_json, validate_receipt, Lang};
/// let r = parse_receipt_json(r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,
///   "fiscalSign":339460828,"totalSum":21760,"operationType":1,"dateTime":"2023-03-17T18:30:00",
///   "items":[{"name":"Хлеб","price":10000,"quantity":2,"sum":21760}]}"#.into(), Some(Lang::En))?;
/// let codes: Vec<_> = validate_receipt(r.clone(), r.datetime, None)?.into_iter().map(|f| f.code).collect();
/// assert_eq!(codes, ["receipt.item_price_mismatch"]);
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn validate_receipt(
    receipt: Receipt,
    now: LocalDateTime,
    lang: Option<Lang>,
) -> Result<Vec<Finding>, ChekError> {
    let l = lang_of(lang);
    let r = core(&receipt, l)?;
    Ok(
        fiscal::validate_receipt(&r, now, &ValidationOptions::default())
            .iter()
            .map(|f| finding(f, l))
            .collect(),
    )
}

/// Compares a receipt with the QR it was asked about: one `receipt.qr_mismatch` finding per
/// field that differs (the time to the minute); empty when they agree.
///
/// ```
/// use chek_ffi::{parse_qr, parse_receipt_json, receipt_matches_qr, receipt_to_qr, Lang};
/// let r = parse_receipt_json(r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,
///   "fiscalSign":339460828,"totalSum":21760,"operationType":1,"dateTime":"2023-03-17T18:30:00"}"#.into(), None)?;
/// let qr = parse_qr("t=20230317T1830&s=217.60&fn=9960440302169202&i=6887&fp=339460828&n=1".into(), None)?;
/// assert!(receipt_matches_qr(r.clone(), qr.clone(), None)?.is_empty());
/// assert_eq!(receipt_to_qr(r.clone(), None)?, qr);
/// let other = receipt_matches_qr(r, chek_ffi::FiscalQr { total_kopecks: 1, ..qr }, Some(Lang::En))?;
/// assert_eq!(other[0].code, "receipt.qr_mismatch");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn receipt_matches_qr(
    receipt: Receipt,
    qr: FiscalQr,
    lang: Option<Lang>,
) -> Result<Vec<Finding>, ChekError> {
    let l = lang_of(lang);
    let (r, q) = (core(&receipt, l)?, core_qr(&qr, l)?);
    Ok(fiscal::receipt_matches_qr(&r, &q)
        .iter()
        .map(|f| finding(f, l))
        .collect())
}

/// The six QR fields of a receipt (identity: [`qr_receipt_id`](crate::qr_receipt_id) of them).
#[uniffi::export(default(lang))]
pub fn receipt_to_qr(receipt: Receipt, lang: Option<Lang>) -> Result<FiscalQr, ChekError> {
    Ok((&core(&receipt, lang_of(lang))?.to_qr()).into())
}

/// The candidate a campaign evaluates: the QR fields taken from the receipt, the receipt itself
/// (its items decide the product rules), and the channel it was submitted through.
#[uniffi::export(default(lang))]
pub fn receipt_to_candidate(
    receipt: Receipt,
    channel: Channel,
    lang: Option<Lang>,
) -> Result<Candidate, ChekError> {
    let r = core(&receipt, lang_of(lang))?;
    Ok((&fiscal::Candidate::verified(r, channel.into())).into())
}
