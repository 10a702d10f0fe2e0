//! The one phone normaliser of every flow (loyalty, care, notify): phone numbers as SMS
//! gateways, forms, cashiers and CRMs write them, to E.164 (`+79161234567`).
//!
//! Russian habits are understood: `+7`, `7` or `8` and ten digits, ten digits starting with 9
//! (a mobile number without the trunk prefix), and `+8 9…` (the trunk prefix written as a
//! country code — no country code is 8 followed by 9). Spaces, no-break spaces, brackets, dots
//! and dashes are ignored. Other countries must be written with `+` and 8 to 15 digits; a `+7`
//! number has exactly eleven digits. Anything else is refused with a [`PhoneError`].

use serde::{Deserialize, Serialize};

/// Longest phone input looked at, in bytes; anything longer is not a phone number.
pub const MAX_PHONE_INPUT: usize = 64;

/// Why a text is not a phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PhoneError {
    /// Nothing but spaces.
    #[error("the phone number is empty")]
    Empty,
    /// Longer than [`MAX_PHONE_INPUT`] bytes.
    #[error("the phone number is too long")]
    TooLong,
    /// A character that is neither a digit nor a separator (a letter, `ext`, a second `+`).
    #[error("{0:?} is not allowed in a phone number")]
    BadChar(char),
    /// The digits do not make a number: wrong count or prefix.
    #[error("{0} digits do not make a phone number")]
    BadDigits(usize),
}

impl PhoneError {
    /// Stable dotted code: `phone.empty`, `phone.too_long`, `phone.bad_char`,
    /// `phone.bad_digits`.
    pub const fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone.empty",
            PhoneError::TooLong => "phone.too_long",
            PhoneError::BadChar(_) => "phone.bad_char",
            PhoneError::BadDigits(_) => "phone.bad_digits",
        }
    }
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{202f}' | '(' | ')' | '-' | '.' | '\u{2010}'..='\u{2014}'
    )
}

/// Normalises a phone number to E.164.
///
/// ```
/// use chek_ru::phone::{normalise, PhoneError};
/// for raw in ["+7 (916) 123-45-67", "8 916 123 45 67", "79161234567", "916-123-45-67", "+8 916 123 45 67"] {
///     assert_eq!(normalise(raw).as_deref(), Ok("+79161234567"));
/// }
/// assert_eq!(normalise("+375 29 123 45 67").as_deref(), Ok("+375291234567"));
/// assert_eq!(normalise("not a phone!"), Err(PhoneError::BadChar('n')));
/// assert_eq!(normalise("12345"), Err(PhoneError::BadDigits(5)));
/// ```
pub fn normalise(raw: &str) -> Result<String, PhoneError> {
    if raw.len() > MAX_PHONE_INPUT {
        return Err(PhoneError::TooLong);
    }
    let t = raw.trim();
    if t.is_empty() {
        return Err(PhoneError::Empty);
    }
    let plus = t.starts_with('+');
    let body = if plus { &t[1..] } else { t };
    let mut digits = String::with_capacity(16);
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            c if is_separator(c) => {}
            c => return Err(PhoneError::BadChar(c)),
        }
    }
    let b = digits.as_bytes();
    let e164 = match (plus, b.len(), b.first()) {
        (true, 11, Some(b'7')) => digits,
        // "+8 916 …": the trunk prefix written as a country code.
        (true, 11, Some(b'8')) if b.get(1) == Some(&b'9') => format!("7{}", &digits[1..]),
        (false, 11, Some(b'7' | b'8')) => format!("7{}", &digits[1..]),
        (false, 10, Some(b'9')) => format!("7{digits}"),
        (true, 8..=15, Some(b'1'..=b'9')) if b[0] != b'7' => digits,
        (_, n, _) => return Err(PhoneError::BadDigits(n)),
    };
    Ok(format!("+{e164}"))
}

/// Whether `raw` is a phone number [`normalise`] accepts.
///
/// ```
/// assert!(chek_ru::phone::is_valid("8 (912) 345-67-89"));
/// assert!(!chek_ru::phone::is_valid("not a phone!"));
/// ```
pub fn is_valid(raw: &str) -> bool {
    normalise(raw).is_ok()
}

/// Whether an E.164 number is a Russian mobile one (`+79…`), the only kind that receives SMS
/// for sure.
///
/// ```
/// assert!(chek_ru::phone::is_russian_mobile("+79161234567"));
/// assert!(!chek_ru::phone::is_russian_mobile("+74951234567"));
/// ```
pub fn is_russian_mobile(e164: &str) -> bool {
    e164.len() == 12 && e164.starts_with("+79") && e164[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_forms() {
        for raw in [
            "+79161234567",
            "+7 916 123-45-67",
            "+7(916)1234567",
            "8(916)123-45-67",
            "8 916 123 45 67",
            "7 916 123 45 67",
            "9161234567",
            "+8 916 123 45 67",
            "+8916 1234567",
            " 8-916-123-45-67 ",
            "8.916.123.45.67",
            "8\u{2011}916\u{2011}123\u{2011}45\u{2011}67",
            "+7\u{a0}916\u{a0}123\u{a0}45\u{a0}67",
            "+7\u{202f}916\u{202f}123\u{202f}45\u{202f}67",
        ] {
            assert_eq!(normalise(raw).as_deref(), Ok("+79161234567"), "{raw}");
        }
        assert_eq!(
            normalise("8 (495) 123-45-67").as_deref(),
            Ok("+74951234567")
        );
        assert_eq!(normalise("8 800 555 35 35").as_deref(), Ok("+78005553535"));
        assert_eq!(
            normalise("+375 29 123 45 67").as_deref(),
            Ok("+375291234567")
        );
        assert_eq!(
            normalise("+86 138 0013 8000").as_deref(),
            Ok("+8613800138000")
        );
    }

    #[test]
    fn refused_with_a_reason() {
        let cases: &[(&str, PhoneError)] = &[
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("+", PhoneError::BadDigits(0)),
            ("12345", PhoneError::BadDigits(5)),
            ("4951234567", PhoneError::BadDigits(10)),
            ("+7 (916) 123-45-6", PhoneError::BadDigits(10)),
            ("89161234567890", PhoneError::BadDigits(14)),
            ("+7916123456", PhoneError::BadDigits(10)),
            ("8916abc4567", PhoneError::BadChar('a')),
            ("+0123456789", PhoneError::BadDigits(10)),
            ("８９１６１２３４５６７", PhoneError::BadChar('８')),
            ("+79161234567 ext 5", PhoneError::BadChar('e')),
            ("not a phone!", PhoneError::BadChar('n')),
            ("++79161234567", PhoneError::BadChar('+')),
            ("+7 912 345 67 89 00 11 22 33", PhoneError::BadDigits(19)),
        ];
        for (raw, e) in cases {
            assert_eq!(normalise(raw).as_ref(), Err(e), "{raw}");
        }
        assert_eq!(normalise(&"9".repeat(10_000)), Err(PhoneError::TooLong));
        assert_eq!(PhoneError::BadChar('x').code(), "phone.bad_char");
    }

    #[test]
    fn mobile() {
        assert!(is_russian_mobile("+79123456789"));
        assert!(!is_russian_mobile("+7912345678"));
        assert!(!is_russian_mobile("+375291234567"));
        assert!(!is_russian_mobile("+79ёёёёёёё"));
    }
}
