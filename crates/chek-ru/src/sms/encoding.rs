//! Which alphabet an SMS goes out in, and what each character costs in it.

use serde::{Deserialize, Serialize};

/// The alphabet a message is sent in.
///
/// ```
/// use chek_ru::sms::SmsEncoding;
/// assert_eq!(SmsEncoding::detect("Hello {world}"), SmsEncoding::Gsm7);
/// assert_eq!(SmsEncoding::detect("Привет"), SmsEncoding::Ucs2);
/// assert_eq!(SmsEncoding::Ucs2.single_limit(), 70);
/// assert_eq!(SmsEncoding::Gsm7.segment_limit(), 153);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    /// The GSM 03.38 default alphabet with its extension table, in 7-bit septets.
    Gsm7,
    /// UCS-2 (UTF-16 in practice), in 16-bit units.
    Ucs2,
}

impl SmsEncoding {
    /// GSM-7 when every character is in the GSM-7 tables, otherwise UCS-2.
    pub fn detect(text: &str) -> SmsEncoding {
        if text.chars().all(|c| gsm7_septets(c).is_some()) {
            SmsEncoding::Gsm7
        } else {
            SmsEncoding::Ucs2
        }
    }

    /// Units that fit a message sent as one SMS: 160 septets or 70 UCS-2 units.
    pub const fn single_limit(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 160,
            SmsEncoding::Ucs2 => 70,
        }
    }

    /// Units per segment of a concatenated message (the 6-byte header takes the rest).
    pub const fn segment_limit(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 153,
            SmsEncoding::Ucs2 => 67,
        }
    }

    /// `"gsm7"` or `"ucs2"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SmsEncoding::Gsm7 => "gsm7",
            SmsEncoding::Ucs2 => "ucs2",
        }
    }

    /// What one character costs in this alphabet: septets for GSM-7 (`None` if it has no
    /// GSM-7 form), UTF-16 units for UCS-2.
    pub fn units(self, c: char) -> Option<usize> {
        match self {
            SmsEncoding::Gsm7 => gsm7_septets(c),
            SmsEncoding::Ucs2 => Some(c.len_utf16()),
        }
    }
}

/// Septets a character takes in GSM-7: 1 for the basic table, 2 for the extension table
/// (escape + character), `None` when GSM-7 cannot carry it.
///
/// ```
/// use chek_ru::sms::gsm7_septets;
/// assert_eq!(gsm7_septets('a'), Some(1));
/// assert_eq!(gsm7_septets('€'), Some(2));
/// assert_eq!(gsm7_septets('ж'), None);
/// ```
pub fn gsm7_septets(c: char) -> Option<usize> {
    if c.is_ascii() {
        return match c {
            '^' | '{' | '}' | '\\' | '[' | ']' | '~' | '|' | '\u{0C}' => Some(2),
            // ASCII characters the GSM-7 basic table lacks.
            '`' => None,
            '\n' | '\r' => Some(1),
            c if c.is_ascii_control() => None,
            _ => Some(1),
        };
    }
    match c {
        '€' => Some(2),
        '£' | '¥' | 'è' | 'é' | 'ù' | 'ì' | 'ò' | 'Ç' | 'Ø' | 'ø' | 'Å' | 'å' | 'Δ' | 'Φ' | 'Γ'
        | 'Λ' | 'Ω' | 'Π' | 'Ψ' | 'Σ' | 'Θ' | 'Ξ' | 'Æ' | 'æ' | 'ß' | 'É' | '¤' | '¡' | 'Ä'
        | 'Ö' | 'Ñ' | 'Ü' | '§' | '¿' | 'ä' | 'ö' | 'ñ' | 'ü' | 'à' => Some(1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_basic_table_is_one_septet() {
        let basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
        assert_eq!(basic.chars().count(), 127);
        for c in basic.chars() {
            assert_eq!(gsm7_septets(c), Some(1), "{c:?}");
        }
    }

    #[test]
    fn extension_table_is_two_septets() {
        for c in "^{}\\[~]|€\u{0C}".chars() {
            assert_eq!(gsm7_septets(c), Some(2), "{c:?}");
        }
    }

    #[test]
    fn look_alikes_and_cyrillic_force_ucs2() {
        for c in "«»—№₽“”‘’…`\tЁёАя😀".chars() {
            assert_eq!(gsm7_septets(c), None, "{c:?}");
        }
        assert_eq!(SmsEncoding::detect("Заказ №5"), SmsEncoding::Ucs2);
        assert_eq!(SmsEncoding::detect(""), SmsEncoding::Gsm7);
    }
}
