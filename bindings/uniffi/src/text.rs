//! Receipts from printed text (on-device OCR output) and from what the shopper types.

use chek::text::{self as core, Found, TextReading as CoreReading};
use chek::{Coded, Lang as CoreLang};

use crate::error::Area;
use crate::types::lang_of;
use crate::{Candidate, ChekError, FiscalQr, Lang, time};

/// One field read from the text, with how sure the reader is.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FoundField {
    /// Field key: `datetime`, `total_kopecks`, `fn`, `fd`, `fp`, `operation`, `inn`, `rnm`,
    /// `zn`, `shift`, `receipt_number`.
    pub field: String,
    /// The value as text (ISO-8601 for the date-time, kopecks for the total, `1`–`4` for the
    /// operation).
    pub value: String,
    /// 0–1; below 0.7 the value should be shown to the shopper to confirm.
    pub confidence: f32,
    /// Line of the text it was found on (0-based).
    pub line: i64,
}

/// A field the shopper should look at: missing, unreadable or doubtful.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldProblem {
    /// `text.field_missing`, `text.field_unreadable` or `text.field_doubtful`.
    pub code: String,
    /// The field key.
    pub field: String,
    /// Which line of the receipt to look at, in the language of the call.
    pub hint: String,
}

/// One item line read from the text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TextItem {
    /// Product name as printed.
    pub name: String,
    /// Quantity.
    pub quantity: f64,
    /// Unit price, kopecks.
    pub price_kopecks: i64,
    /// Line sum, kopecks.
    pub sum_kopecks: i64,
}

/// Everything read from a receipt text, complete or not.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TextReading {
    /// OCR or manual entry.
    pub channel: crate::Channel,
    /// The QR fields, when all six were found.
    pub qr: Option<FiscalQr>,
    /// Every field found.
    pub fields: Vec<FoundField>,
    /// Item lines found (OCR of a full receipt).
    pub items: Vec<TextItem>,
    /// Missing, unreadable and doubtful fields, each with a hint.
    pub problems: Vec<FieldProblem>,
}

fn found<T>(
    out: &mut Vec<FoundField>,
    key: &str,
    f: &Option<Found<T>>,
    show: impl Fn(&T) -> String,
) {
    if let Some(f) = f {
        out.push(FoundField {
            field: key.to_owned(),
            value: show(&f.value),
            confidence: f.confidence,
            line: i64::try_from(f.line).unwrap_or(i64::MAX),
        });
    }
}

fn reading(r: &CoreReading, lang: CoreLang) -> TextReading {
    let mut fields = Vec::new();
    found(&mut fields, "datetime", &r.datetime, |v| time::format(*v));
    found(
        &mut fields,
        "total_kopecks",
        &r.total_kopecks,
        ToString::to_string,
    );
    found(&mut fields, "fn", &r.fn_number, ToString::to_string);
    found(&mut fields, "fd", &r.fd, ToString::to_string);
    found(&mut fields, "fp", &r.fp, ToString::to_string);
    found(&mut fields, "operation", &r.operation, |v| {
        v.code().to_string()
    });
    found(&mut fields, "inn", &r.inn, Clone::clone);
    found(&mut fields, "rnm", &r.rnm, Clone::clone);
    found(&mut fields, "zn", &r.zn, Clone::clone);
    found(&mut fields, "shift", &r.shift, ToString::to_string);
    found(
        &mut fields,
        "receipt_number",
        &r.receipt_number,
        ToString::to_string,
    );
    TextReading {
        channel: r.channel.into(),
        qr: r.to_qr().ok().as_ref().map(Into::into),
        fields,
        items: r
            .items
            .iter()
            .map(|i| TextItem {
                name: i.name.clone(),
                quantity: i.quantity,
                price_kopecks: i.price_kopecks,
                sum_kopecks: i.sum_kopecks,
            })
            .collect(),
        problems: r
            .problems()
            .iter()
            .map(|p| FieldProblem {
                code: p.code().to_owned(),
                field: p.field().key().to_owned(),
                hint: p.hint(lang).into_owned(),
            })
            .collect(),
    }
}

fn candidate(r: &CoreReading, lang: Option<Lang>) -> Result<Candidate, ChekError> {
    r.to_candidate()
        .map(|c| (&c).into())
        .map_err(|e| ChekError::of(Area::Text, &e, lang_of(lang)))
}

/// Reads a receipt's printed text (what on-device OCR returns) into a candidate.
///
/// Errors are [`ChekError::Text`]: `text.empty`, `text.too_long`, and `text.incomplete`, whose
/// hint names the receipt lines to look for. Use [`read_text`] for the per-field detail.
///
/// ```
/// use chek_ffi::{parse_text, Channel, Lang};
/// let c = parse_text("ИТОГ =1500.00\nФН 9289000100123456\nФД 12345\nФПД 1234567890\nПРИХОД 15.03.21 12:34".into(), Some(Lang::Ru))?;
/// assert_eq!((c.channel, c.qr.total_kopecks), (Channel::Ocr, 150_000));
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn parse_text(text: String, lang: Option<Lang>) -> Result<Candidate, ChekError> {
    candidate(&core::parse_receipt_text(&text), lang)
}

/// Reads what a shopper typed (`фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34
/// 1500,00`, labels and order free) into a candidate with the manual channel.
///
/// ```
/// use chek_ffi::{parse_manual, Lang};
/// let err = parse_manual("фн 9289000100123456".into(), Some(Lang::En)).unwrap_err();
/// assert_eq!(err.code(), "text.incomplete");
/// ```
#[uniffi::export(default(lang))]
pub fn parse_manual(text: String, lang: Option<Lang>) -> Result<Candidate, ChekError> {
    candidate(&core::parse_manual_entry(&text), lang)
}

/// Reads a receipt's printed text field by field, with confidences and problems: for a form
/// that pre-fills what was read and asks about the rest. Never fails.
///
/// ```
/// let r = chek_ffi::read_text("ФН 9289000100123456\nФД 12345".into(), Some(chek_ffi::Lang::En));
/// assert!(r.qr.is_none());
/// assert!(r.problems.iter().any(|p| p.field == "fp" && p.code == "text.field_missing"));
/// ```
#[uniffi::export(default(lang))]
pub fn read_text(text: String, lang: Option<Lang>) -> TextReading {
    reading(&core::parse_receipt_text(&text), lang_of(lang))
}

/// [`read_text`] for typed input.
///
/// ```
/// let r = chek_ffi::read_manual("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00".into(), Some(chek_ffi::Lang::Ru));
/// assert_eq!(r.channel, chek_ffi::Channel::Manual);
/// assert!(r.qr.is_some());
/// ```
#[uniffi::export(default(lang))]
pub fn read_manual(text: String, lang: Option<Lang>) -> TextReading {
    reading(&core::parse_manual_entry(&text), lang_of(lang))
}
