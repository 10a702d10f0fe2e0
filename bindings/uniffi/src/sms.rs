//! SMS measurement: encoding, units and segments of a text before it is sent.

use chek::sms::{self as core, SmsEncoding as CoreEncoding};

/// How an SMS is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum SmsEncoding {
    /// GSM 03.38 7-bit: 160 septets in one SMS, 153 per part.
    Gsm7,
    /// UCS-2 (any Cyrillic letter): 70 units in one SMS, 67 per part.
    Ucs2,
}

/// The length of an SMS text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SmsMeasure {
    /// Encoding the whole text needs.
    pub encoding: SmsEncoding,
    /// Septets (GSM-7, extension characters count two) or UTF-16 units (UCS-2).
    pub units: i64,
    /// Characters.
    pub chars: i64,
    /// Segments (SMS parts billed); 0 for an empty text.
    pub segments: i64,
    /// Units per segment at this length (160/70 for one, 153/67 for several).
    pub per_segment: i64,
    /// Units still free in the last segment.
    pub free_in_last: i64,
    /// Whether it goes out as one SMS.
    pub fits_one: bool,
    /// At least how many units to cut to send one segment fewer (`null` for one or none).
    pub to_save_segment: Option<i64>,
}

fn n(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Measures an SMS text: encoding, units, segments, and what to cut to save one.
///
/// ```
/// use chek_ffi::{measure_sms, SmsEncoding};
/// let m = measure_sms("Карта *0013 активирована и привязана к номеру. Спасибо!".into());
/// assert_eq!((m.encoding, m.units, m.segments, m.fits_one), (SmsEncoding::Ucs2, 55, 1, true));
/// let m = measure_sms("x".repeat(161));
/// assert_eq!((m.encoding, m.segments, m.to_save_segment), (SmsEncoding::Gsm7, 2, Some(1)));
/// ```
#[uniffi::export]
pub fn measure_sms(text: String) -> SmsMeasure {
    let m = core::measure(&text);
    SmsMeasure {
        encoding: match m.encoding {
            CoreEncoding::Gsm7 => SmsEncoding::Gsm7,
            CoreEncoding::Ucs2 => SmsEncoding::Ucs2,
        },
        units: n(m.units),
        chars: n(m.chars),
        segments: n(m.segments),
        per_segment: n(m.per_segment),
        free_in_last: n(m.free_in_last),
        fits_one: m.fits_one(),
        to_save_segment: m.to_save_segment().map(n),
    }
}

/// The parts a long SMS is sent as (each within its segment's limit), for previews.
///
/// ```
/// let parts = chek_ffi::split_sms("я".repeat(100));
/// assert_eq!(parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(), [67, 33]);
/// ```
#[uniffi::export]
pub fn split_sms(text: String) -> Vec<String> {
    core::split(&text).into_iter().map(str::to_owned).collect()
}

/// What sending the text costs at a price per segment (kopecks): segments × price, 0 for an
/// empty text.
///
/// ```
/// // 71 Cyrillic letters do not fit one UCS-2 SMS (70): two segments.
/// assert_eq!(chek_ffi::sms_cost_kopecks("ж".repeat(71), 250), 500);
/// assert_eq!(chek_ffi::sms_cost_kopecks(String::new(), 250), 0);
/// ```
#[uniffi::export]
pub fn sms_cost_kopecks(text: String, price_per_segment_kopecks: i64) -> i64 {
    core::measure(&text).cost_kopecks(price_per_segment_kopecks)
}
