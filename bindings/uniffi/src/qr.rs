//! The fiscal QR string and offline validation.

use chek::fiscal::{self, ValidationOptions};

use crate::error::Area;
use crate::time::LocalDateTime;
use crate::types::lang_of;
use crate::{ChekError, FiscalQr, Lang};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Severity {
    /// Worth a look; the receipt may still be fine.
    Warning,
    /// The receipt cannot be right as read.
    Error,
}

/// One result of offline validation: data, not an error.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable code, e.g. `fiscal.date_in_future`.
    pub code: String,
    /// Warning or error.
    pub severity: Severity,
    /// What to tell the shopper, in the language of the call.
    pub hint: String,
}

pub(crate) fn finding(f: &fiscal::Finding, lang: chek::Lang) -> Finding {
    Finding {
        code: f.code.as_str().to_owned(),
        severity: match f.severity {
            fiscal::Severity::Warning => Severity::Warning,
            fiscal::Severity::Error => Severity::Error,
        },
        hint: f.hint_in(lang).to_owned(),
    }
}

/// Parses the text of a receipt's QR code (`t=…&s=…&fn=…&i=…&fp=…&n=…`).
///
/// Errors are [`ChekError::Qr`] with codes `qr.empty`, `qr.too_long`, `qr.not_fiscal`,
/// `qr.missing_field`, `qr.duplicate_field`, `qr.malformed_field`, `qr.out_of_range`.
///
/// ```
/// use chek_ffi::{parse_qr, Lang};
/// let err = parse_qr("t=20240917T1801&s=1285.21".into(), Some(Lang::Ru)).unwrap_err();
/// assert_eq!(err.code(), "qr.missing_field");
/// ```
#[uniffi::export(default(lang))]
pub fn parse_qr(text: String, lang: Option<Lang>) -> Result<FiscalQr, ChekError> {
    fiscal::FiscalQr::parse(&text)
        .map(|q| (&q).into())
        .map_err(|e| ChekError::of(Area::Qr, &e, lang_of(lang)))
}

/// The canonical QR string of these fields (what a register prints).
///
/// ```
/// let s = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1";
/// let qr = chek_ffi::parse_qr(s.into(), Some(chek_ffi::Lang::Ru))?;
/// assert_eq!(chek_ffi::parse_qr(chek_ffi::qr_to_string(qr.clone(), Some(chek_ffi::Lang::Ru))?, Some(chek_ffi::Lang::Ru))?, qr);
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn qr_to_string(qr: FiscalQr, lang: Option<Lang>) -> Result<String, ChekError> {
    let q: fiscal::FiscalQr = (&qr)
        .try_into()
        .map_err(|e: crate::InputError| e.into_ffi(lang_of(lang)))?;
    Ok(q.to_string())
}

/// The receipt's identity `fn:fd:fp`, the key duplicates are caught by.
///
/// ```
/// let qr = chek_ffi::parse_qr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".into(), Some(chek_ffi::Lang::Ru))?;
/// assert_eq!(chek_ffi::qr_receipt_id(qr, Some(chek_ffi::Lang::Ru))?, "7281440500751551:30526:1168453787");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn qr_receipt_id(qr: FiscalQr, lang: Option<Lang>) -> Result<String, ChekError> {
    let q: fiscal::FiscalQr = (&qr)
        .try_into()
        .map_err(|e: crate::InputError| e.into_ffi(lang_of(lang)))?;
    Ok(q.identity().to_string())
}

/// Checks the fields offline against `now`, the phone's local time (Kotlin
/// `LocalDateTime.now()`): impossible dates, zero numbers, dummy fiscal drives, implausible
/// totals. An empty list means plausible; only ФНС can say a receipt is genuine.
///
/// ```
/// use chek_ffi::{parse_qr, validate, Lang};
/// let at = |d, h| chrono::NaiveDate::from_ymd_opt(2024, 9, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
/// let qr = parse_qr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".into(), Some(Lang::En))?;
/// assert!(validate(qr.clone(), at(18, 9), Some(Lang::En))?.is_empty());
/// let early = validate(qr, at(1, 9), Some(Lang::En))?;
/// assert_eq!(early[0].code, "fiscal.date_in_future");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn validate(
    qr: FiscalQr,
    now: LocalDateTime,
    lang: Option<Lang>,
) -> Result<Vec<Finding>, ChekError> {
    let l: chek::Lang = lang_of(lang);
    let q: fiscal::FiscalQr = (&qr)
        .try_into()
        .map_err(|e: crate::InputError| e.into_ffi(l))?;
    Ok(fiscal::validate_qr(&q, now, &ValidationOptions::default())
        .iter()
        .map(|f| finding(f, l))
        .collect())
}
