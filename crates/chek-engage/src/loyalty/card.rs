//! Card numbers and the formats a programme issues them in.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Refusal;

/// The check digit scheme of a card format (the last digit checks the others).
///
/// ```
/// use chek_engage::loyalty::CheckDigit;
/// assert!(CheckDigit::Luhn.is_valid("4561261212345467"));
/// assert!(CheckDigit::Gs1.is_valid("4600682000013")); // EAN-13
/// assert!(CheckDigit::Damm.is_valid("5724"));
/// assert!(!CheckDigit::Luhn.is_valid("4561261212345464"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckDigit {
    /// No check digit: any digits of the right length.
    #[default]
    None,
    /// Luhn (mod 10, doubling every second digit from the right): bank-style cards.
    Luhn,
    /// GS1 mod 10 (weights 3 and 1 from the right): EAN-13 / EAN-8 barcodes on plastic cards.
    Gs1,
    /// Damm (quasigroup of order 10): catches every single-digit error and adjacent swap.
    Damm,
}

const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

impl CheckDigit {
    /// Whether `digits` (ASCII digits only) carries a valid check digit under this scheme.
    pub fn is_valid(self, digits: &str) -> bool {
        let d: Vec<u32> = digits
            .bytes()
            .map(|b| u32::from(b.wrapping_sub(b'0')))
            .collect();
        if d.is_empty() || d.iter().any(|&x| x > 9) {
            return false;
        }
        match self {
            CheckDigit::None => true,
            CheckDigit::Luhn => {
                let sum: u32 = d
                    .iter()
                    .rev()
                    .enumerate()
                    .map(|(i, &x)| match (i % 2, x * 2) {
                        (0, _) => x,
                        (_, y) if y > 9 => y - 9,
                        (_, y) => y,
                    })
                    .sum();
                sum.is_multiple_of(10)
            }
            CheckDigit::Gs1 => {
                let sum: u32 = d
                    .iter()
                    .rev()
                    .enumerate()
                    .map(|(i, &x)| if i % 2 == 1 { x * 3 } else { x })
                    .sum();
                sum.is_multiple_of(10)
            }
            CheckDigit::Damm => d.iter().fold(0u8, |s, &x| DAMM[usize::from(s)][x as usize]) == 0,
        }
    }
}

/// One card-number format of a programme: length, optional fixed leading digits and the check
/// digit scheme.
///
/// ```
/// use chek_engage::loyalty::{CardFormat, CheckDigit};
/// let f = CardFormat { name: "EAN-13".into(), length: 13, prefix: "46".into(), check: CheckDigit::Gs1 };
/// assert!(f.matches("4600682000013"));
/// assert!(!f.matches("4600682000014"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFormat {
    /// A name for operators ("пластик EAN-13").
    pub name: String,
    /// Number of digits, 4–24.
    pub length: usize,
    /// Leading digits every card of this format starts with ("" for none).
    #[serde(default)]
    pub prefix: String,
    /// Check digit scheme.
    #[serde(default)]
    pub check: CheckDigit,
}

impl CardFormat {
    /// Shortest and longest card numbers any format may declare.
    pub const LENGTHS: std::ops::RangeInclusive<usize> = 4..=24;

    /// Whether `digits` has this format's shape (length and prefix), check digit aside.
    pub fn shape_matches(&self, digits: &str) -> bool {
        digits.len() == self.length
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits.starts_with(&self.prefix)
    }

    /// Whether `digits` is a card number of this format, check digit included.
    pub fn matches(&self, digits: &str) -> bool {
        self.shape_matches(digits) && self.check.is_valid(digits)
    }
}

/// A card number: the digits alone, as printed on the card without spaces.
///
/// ```
/// use chek_engage::loyalty::CardNumber;
/// let c = CardNumber::new("4600682000013").unwrap();
/// assert_eq!(c.last4(), "0013");
/// assert!(CardNumber::new("46-00").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber(String);

impl CardNumber {
    /// A card number from its digits (4–24 ASCII digits, nothing else).
    pub fn new(digits: &str) -> Result<CardNumber, Refusal> {
        if CardFormat::LENGTHS.contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        {
            Ok(CardNumber(digits.to_owned()))
        } else {
            Err(Refusal::NoCardNumber)
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four digits, for replies.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for CardNumber {
    type Err = Refusal;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CardNumber::new(s)
    }
}

impl TryFrom<String> for CardNumber {
    type Error = Refusal;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CardNumber::new(&s)
    }
}

impl From<CardNumber> for String {
    fn from(c: CardNumber) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_numbers() {
        for ok in ["79927398713", "4111111111111111", "5500005555555559", "0"] {
            assert!(CheckDigit::Luhn.is_valid(ok), "{ok}");
        }
        for bad in ["79927398710", "4111111111111112", "", "12a4"] {
            assert!(!CheckDigit::Luhn.is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn gs1_known_numbers() {
        // EAN-13 of real goods and an EAN-8.
        for ok in ["4006381333931", "4600682000013", "96385074"] {
            assert!(CheckDigit::Gs1.is_valid(ok), "{ok}");
        }
        assert!(!CheckDigit::Gs1.is_valid("4006381333932"));
    }

    #[test]
    fn damm_catches_single_errors_and_swaps() {
        assert!(CheckDigit::Damm.is_valid("5724"));
        let base = "5724";
        for i in 0..4 {
            for d in b'0'..=b'9' {
                let mut b = base.as_bytes().to_vec();
                if b[i] == d {
                    continue;
                }
                b[i] = d;
                let s = String::from_utf8(b).unwrap_or_default();
                assert!(!CheckDigit::Damm.is_valid(&s), "{s}");
            }
        }
        assert!(!CheckDigit::Damm.is_valid("7524"));
    }

    #[test]
    fn none_accepts_any_digits() {
        assert!(CheckDigit::None.is_valid("0000"));
        assert!(!CheckDigit::None.is_valid("00a0"));
    }
}
