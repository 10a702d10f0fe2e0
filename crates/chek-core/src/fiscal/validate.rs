//! Offline validation: what can be said of a receipt without asking ФНС.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::rnm::{RnmCheck, rnm_is_valid};
use super::{Finding, FindingCode, FiscalQr, Operation, Receipt, Severity, inn_is_valid};
use crate::Hint;

/// Tolerances of offline validation. The defaults suit a nationwide campaign.
///
/// ```
/// use chek_core::fiscal::ValidationOptions;
/// let o = ValidationOptions::default();
/// assert_eq!(o.future_tolerance_minutes, 12 * 60);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ValidationOptions {
    /// How far past `now` a receipt may be dated. Receipts carry the register's local time and
    /// `now` is usually the server's: Kamchatka is 9 hours ahead of Moscow, and register clocks
    /// drift, so the default is 12 hours.
    pub future_tolerance_minutes: i64,
    /// Receipts dated before this are rejected: online registers with fiscal drives began in
    /// July 2016.
    pub earliest: NaiveDate,
    /// Totals above this raise a warning (default one million roubles).
    pub max_plausible_kopecks: i64,
    /// Allowed difference between an item's price × quantity and its sum (rounding).
    pub item_tolerance_kopecks: i64,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        ValidationOptions {
            future_tolerance_minutes: 12 * 60,
            earliest: NaiveDate::from_ymd_opt(2016, 7, 1).unwrap_or_default(),
            max_plausible_kopecks: 100_000_000,
            item_tolerance_kopecks: 1,
        }
    }
}

/// Whether any finding is an error.
///
/// ```
/// use chek_core::fiscal::has_errors;
/// assert!(!has_errors(&[]));
/// ```
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

fn fmt_dt(dt: NaiveDateTime) -> String {
    dt.format("%d.%m.%Y %H:%M").to_string()
}

/// Validates the six QR fields against `now` (the caller's clock; never read here).
///
/// Returns no findings for a plausible receipt; that it is genuine only ФНС can say.
///
/// ```
/// use chek_core::fiscal::{validate_qr, FiscalQr, ValidationOptions};
/// let qr: FiscalQr = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".parse()?;
/// let now = chrono::NaiveDate::from_ymd_opt(2024, 9, 18).unwrap().and_hms_opt(9, 0, 0).unwrap();
/// assert!(validate_qr(&qr, now, &ValidationOptions::default()).is_empty());
/// # Ok::<(), chek_core::fiscal::QrError>(())
/// ```
pub fn validate_qr(qr: &FiscalQr, now: NaiveDateTime, opts: &ValidationOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let (err, warn) = (Severity::Error, Severity::Warning);
    match qr.fn_number.model() {
        None => out.push(Finding::new(
            FindingCode::FnUnknownModel,
            warn,
            Hint::new(
                format!("Номер ФН {} не относится ни к одной известной модели накопителя. Проверьте номер ФН на чеке.", qr.fn_number),
                format!("ФН {} matches no known fiscal drive model. Check the ФН number on the receipt.", qr.fn_number),
            ),
        )),
        Some(m) if m.is_dummy => out.push(Finding::new(
            FindingCode::FnDummy,
            err,
            Hint::new(
                "Чек пробит на тестовом фискальном накопителе и не является настоящим чеком.",
                "The receipt was printed by a test fiscal drive; it is not a real receipt.",
            ),
        )),
        Some(_) => {}
    }
    if qr.fd == 0 {
        out.push(Finding::new(
            FindingCode::FdZero,
            err,
            Hint::new(
                "Номер ФД не может быть нулевым. Сверьте строку «ФД» на чеке.",
                "ФД cannot be zero. Check the «ФД» line of the receipt.",
            ),
        ));
    }
    if qr.fp == 0 {
        out.push(Finding::new(
            FindingCode::FpZero,
            err,
            Hint::new(
                "Фискальный признак не может быть нулевым. Сверьте строку «ФП» на чеке.",
                "The fiscal sign cannot be zero. Check the «ФП» line of the receipt.",
            ),
        ));
    }
    if qr.datetime > now + TimeDelta::minutes(opts.future_tolerance_minutes) {
        out.push(Finding::new(
            FindingCode::DateInFuture,
            err,
            Hint::new(
                format!(
                    "Дата чека {} ещё не наступила. Проверьте дату на чеке.",
                    fmt_dt(qr.datetime)
                ),
                format!(
                    "The receipt date {} is in the future. Check the date on the receipt.",
                    fmt_dt(qr.datetime)
                ),
            ),
        ));
    }
    if qr.datetime.date() < opts.earliest {
        out.push(Finding::new(
            FindingCode::DateTooEarly,
            err,
            Hint::new(
                format!("Дата чека {} раньше появления онлайн-касс. Проверьте дату на чеке.", fmt_dt(qr.datetime)),
                format!("The receipt date {} is before online cash registers existed. Check the date on the receipt.", fmt_dt(qr.datetime)),
            ),
        ));
    }
    if qr.total_kopecks == 0 {
        out.push(Finding::new(
            FindingCode::TotalZero,
            err,
            Hint::new(
                "Сумма чека равна нулю. Сверьте строку «ИТОГ» на чеке.",
                "The receipt total is zero. Check the «ИТОГ» line of the receipt.",
            ),
        ));
    } else if qr.total_kopecks > opts.max_plausible_kopecks {
        out.push(Finding::new(
            FindingCode::TotalImplausible,
            warn,
            Hint::new(
                "Сумма чека необычно велика; чек будет проверен оператором.",
                "The receipt total is unusually large; an operator will review it.",
            ),
        ));
    }
    if qr.operation != Operation::Sale {
        out.push(Finding::new(
            FindingCode::NotASale,
            warn,
            Hint::new(
                format!(
                    "Это чек «{}», а не покупка (приход).",
                    qr.operation.label_ru()
                ),
                format!(
                    "This receipt records a {}, not a sale.",
                    qr.operation.label_en()
                ),
            ),
        ));
    }
    out
}

/// Validates a full receipt: the QR fields, then ИНН and РН ККТ check digits, the document
/// type, and that items and payments add up to the total.
///
/// ```
/// use chek_core::fiscal::{validate_receipt, Receipt, ValidationOptions};
/// let json = r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,
///   "fiscalSign":339460828,"totalSum":21760,"ecashTotalSum":21760,"operationType":1,
///   "dateTime":"2023-03-17T18:30:00","userInn":"7814148471",
///   "items":[{"name":"Хлеб","price":10000,"quantity":2,"sum":21760}]}"#;
/// let r = Receipt::from_fns_json(json)?;
/// let now = chrono::NaiveDate::from_ymd_opt(2023, 3, 18).unwrap().and_hms_opt(0, 0, 0).unwrap();
/// let codes: Vec<_> = validate_receipt(&r, now, &Default::default()).iter().map(|f| f.code.as_str()).collect();
/// assert_eq!(codes, ["receipt.item_price_mismatch"]);
/// # Ok::<(), chek_core::fiscal::ReceiptError>(())
/// ```
pub fn validate_receipt(
    receipt: &Receipt,
    now: NaiveDateTime,
    opts: &ValidationOptions,
) -> Vec<Finding> {
    let mut out = validate_qr(&receipt.to_qr(), now, opts);
    let (err, warn) = (Severity::Error, Severity::Warning);
    if let Some(code) = receipt.document_code.filter(|c| *c != 3 && *c != 4) {
        out.push(Finding::new(
            FindingCode::NotAReceipt,
            err,
            Hint::new(
                format!("Документ с кодом {code} — не кассовый чек (например, чек коррекции). Пришлите чек покупки."),
                format!("Document type {code} is not a cash receipt (e.g. a correction receipt). Send the purchase receipt."),
            ),
        ));
    }
    if let Some(inn) = &receipt.seller_inn
        && !inn_is_valid(inn)
    {
        out.push(Finding::new(
            FindingCode::InnInvalid,
            err,
            Hint::new(
                format!("ИНН продавца {inn} не проходит проверку контрольных цифр."),
                format!("The seller's ИНН {inn} fails its check digits."),
            ),
        ));
    }
    if let Some(rnm) = &receipt.kkt_reg_id {
        let inn = receipt.seller_inn.as_deref().unwrap_or("");
        let zn = receipt.kkt_number.as_deref().filter(|_| !inn.is_empty());
        if matches!(
            rnm_is_valid(rnm, inn, zn),
            RnmCheck::Mismatch | RnmCheck::Malformed
        ) {
            out.push(Finding::new(
                FindingCode::RnmInvalid,
                err,
                Hint::new(
                    format!("Регистрационный номер ККТ {rnm} не проходит проверку."),
                    format!("The register number (РН ККТ) {rnm} fails its check."),
                ),
            ));
        }
    }
    if receipt.items.is_empty() {
        out.push(Finding::new(
            FindingCode::NoItems,
            warn,
            Hint::new("В чеке нет позиций.", "The receipt lists no items."),
        ));
    } else {
        let items: i64 = receipt.items.iter().map(|i| i.sum_kopecks).sum();
        if items != receipt.total_kopecks {
            out.push(Finding::new(
                FindingCode::ItemsSumMismatch,
                err,
                Hint::new(
                    format!(
                        "Сумма позиций ({items} коп.) не равна итогу чека ({} коп.).",
                        receipt.total_kopecks
                    ),
                    format!(
                        "The items add up to {items} kopecks, not the total of {} kopecks.",
                        receipt.total_kopecks
                    ),
                ),
            ));
        }
        let off = receipt.items.iter().find(|i| {
            let expect = (i.price_kopecks as f64 * i.quantity).round();
            (expect - i.sum_kopecks as f64).abs() > opts.item_tolerance_kopecks as f64
        });
        if let Some(i) = off {
            out.push(Finding::new(
                FindingCode::ItemPriceMismatch,
                warn,
                Hint::new(
                    format!(
                        "У позиции «{}» цена × количество не равна сумме (возможна скидка).",
                        i.name.trim()
                    ),
                    format!(
                        "Item «{}»: price × quantity differs from its sum (maybe a discount).",
                        i.name.trim()
                    ),
                ),
            ));
        }
    }
    let paid = receipt.payments.total();
    if paid != 0 && paid != receipt.total_kopecks {
        out.push(Finding::new(
            FindingCode::PaymentsMismatch,
            err,
            Hint::new(
                format!(
                    "Оплата ({paid} коп.) не равна итогу чека ({} коп.).",
                    receipt.total_kopecks
                ),
                format!(
                    "Payments add up to {paid} kopecks, not the total of {} kopecks.",
                    receipt.total_kopecks
                ),
            ),
        ));
    }
    out
}

/// Compares a receipt returned by a service with the QR it was asked about: every field that
/// differs is an error finding. The time is compared to the minute, as services round it.
///
/// ```
/// use chek_core::fiscal::{receipt_matches_qr, FiscalQr, Receipt};
/// let qr: FiscalQr = "t=20230317T1830&s=217.60&fn=9960440302169202&i=6887&fp=339460828&n=1".parse().unwrap();
/// let r = Receipt::from_fns_json(r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,"fiscalSign":339460828,"totalSum":99999,"operationType":1,"dateTime":"2023-03-17T18:30:00"}"#).unwrap();
/// let f = receipt_matches_qr(&r, &qr);
/// assert_eq!(f.len(), 1);
/// assert_eq!(f[0].code.as_str(), "receipt.qr_mismatch");
/// ```
pub fn receipt_matches_qr(receipt: &Receipt, qr: &FiscalQr) -> Vec<Finding> {
    let minute = |d: NaiveDateTime| d.format("%Y%m%d%H%M").to_string();
    let diffs: [(&str, &str, bool); 6] = [
        ("ФН", "ФН", receipt.fn_number != qr.fn_number),
        ("ФД", "ФД", receipt.fd != qr.fd),
        ("ФП", "ФП", receipt.fp != qr.fp),
        ("сумма", "total", receipt.total_kopecks != qr.total_kopecks),
        (
            "дата",
            "date",
            minute(receipt.datetime) != minute(qr.datetime),
        ),
        (
            "тип операции",
            "operation type",
            receipt.operation != qr.operation,
        ),
    ];
    diffs
        .iter()
        .filter(|d| d.2)
        .map(|(ru, en, _)| {
            Finding::new(
                FindingCode::QrMismatch,
                Severity::Error,
                Hint::new(
                    format!("Данные ФНС не совпадают с QR-кодом: поле «{ru}»."),
                    format!("ФНС's data differs from the QR code: {en}."),
                ),
            )
        })
        .collect()
}
