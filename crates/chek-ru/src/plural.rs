//! CLDR plural categories for Russian: one, few, many, other.
//!
//! The rules work on the integer part `i` and the number of visible fraction digits `v`
//! (CLDR `ru`): one is v=0 and i%10=1 and i%100≠11; few is v=0 and i%10∈2..4 and i%100∉12..14;
//! many is v=0 and the rest; every number with visible fraction digits is `other`, which takes
//! the genitive singular («1,5 рубля», «2,0 рубля»).

use std::fmt;

use serde::{Deserialize, Serialize};

/// One of the four CLDR plural categories Russian uses.
///
/// ```
/// use chek_ru::plural::PluralCategory as P;
/// assert_eq!(P::of_integer(1), P::One);
/// assert_eq!(P::of_integer(22), P::Few);
/// assert_eq!(P::of_integer(11), P::Many);
/// assert_eq!(P::of_decimal("1,5"), Some(P::Other));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PluralCategory {
    /// 1, 21, 101: «рубль».
    One,
    /// 2–4, 22–24: «рубля».
    Few,
    /// 0, 5–20, 100: «рублей».
    Many,
    /// Any number with visible fraction digits: «рубля».
    Other,
}

impl PluralCategory {
    /// The category of a whole number (v = 0).
    pub const fn of_integer(i: u64) -> Self {
        let (d, h) = (i % 10, i % 100);
        if d == 1 && h != 11 {
            PluralCategory::One
        } else if d >= 2 && d <= 4 && !(h >= 12 && h <= 14) {
            PluralCategory::Few
        } else {
            PluralCategory::Many
        }
    }

    /// The category from the CLDR operands: integer part `i` and visible fraction digits `v`.
    pub const fn of_operands(i: u64, v: u32) -> Self {
        if v > 0 {
            PluralCategory::Other
        } else {
            Self::of_integer(i)
        }
    }

    /// The category of money: whole roubles by their count, anything with kopecks is `other`
    /// because it is written with a fraction («1,50 рубля»).
    ///
    /// ```
    /// use chek_ru::plural::PluralCategory as P;
    /// assert_eq!(P::of_kopecks(500), P::Many);
    /// assert_eq!(P::of_kopecks(150), P::Other);
    /// ```
    pub const fn of_kopecks(kopecks: i64) -> Self {
        let k = kopecks.unsigned_abs();
        if !k.is_multiple_of(100) {
            PluralCategory::Other
        } else {
            Self::of_integer(k / 100)
        }
    }

    /// The category of a decimal written as text: `"5"`, `"1,5"`, `"1.50"`, `"-3"`,
    /// `"1 000"` (spaces, no-break spaces and narrow no-break spaces group digits). `None` when
    /// it is not a number (or has more than 19 integer digits).
    pub fn of_decimal(s: &str) -> Option<Self> {
        parse_operands(s).map(|(i, v, _)| Self::of_operands(i, v))
    }

    /// `"one"`, `"few"`, `"many"` or `"other"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PluralCategory::One => "one",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }
}

impl fmt::Display for PluralCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The CLDR operands of a decimal in text: integer part, count of visible fraction digits and
/// the fraction digits themselves. Accepts an optional sign, digit groups separated by spaces,
/// and `,` or `.` as the decimal mark.
///
/// ```
/// use chek_ru::plural::parse_operands;
/// assert_eq!(parse_operands("1 000,50"), Some((1000, 2, "50".to_owned())));
/// assert_eq!(parse_operands("abc"), None);
/// ```
pub fn parse_operands(s: &str) -> Option<(u64, u32, String)> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let s = s.strip_prefix(['-', '+', '−']).unwrap_or(s);
    let (int, frac) = match s.find([',', '.']) {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, ""),
    };
    let int: String = int
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}'))
        .collect();
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains([',', '.']) && frac.is_empty()) {
        return None;
    }
    let i: u64 = int.parse().ok()?;
    Some((i, frac.len() as u32, frac.to_owned()))
}

/// The word forms of a noun for each category, e.g. рубль / рубля / рублей, and the form for
/// fractions (the genitive singular, same as `few` for nearly every noun).
///
/// ```
/// use chek_ru::plural::PluralForms;
/// let f = PluralForms::parse("балл,балла,баллов").unwrap();
/// assert_eq!(f.for_integer(21), "балл");
/// assert_eq!(f.for_decimal("2,5"), Some("балла"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluralForms {
    /// For `one`: «рубль».
    pub one: String,
    /// For `few`: «рубля».
    pub few: String,
    /// For `many`: «рублей».
    pub many: String,
    /// For `other` (fractions): «рубля».
    pub other: String,
}

impl PluralForms {
    /// Forms from three or four comma-separated words: one, few, many[, other]. Without the
    /// fourth, fractions take the `few` form. `None` when the count is wrong or a form is empty.
    pub fn parse(s: &str) -> Option<Self> {
        let w: Vec<&str> = s.split(',').map(str::trim).collect();
        if !(3..=4).contains(&w.len()) || w.iter().any(|x| x.is_empty()) {
            return None;
        }
        Some(PluralForms {
            one: w[0].to_owned(),
            few: w[1].to_owned(),
            many: w[2].to_owned(),
            other: w.get(3).unwrap_or(&w[1]).to_string(),
        })
    }

    /// The form for a category.
    pub fn get(&self, c: PluralCategory) -> &str {
        match c {
            PluralCategory::One => &self.one,
            PluralCategory::Few => &self.few,
            PluralCategory::Many => &self.many,
            PluralCategory::Other => &self.other,
        }
    }

    /// The form for a whole number.
    pub fn for_integer(&self, n: u64) -> &str {
        self.get(PluralCategory::of_integer(n))
    }

    /// The form for a decimal in text; `None` when it is not a number.
    pub fn for_decimal(&self, s: &str) -> Option<&str> {
        PluralCategory::of_decimal(s).map(|c| self.get(c))
    }
}

#[cfg(test)]
mod tests {
    use super::PluralCategory::{Few, Many, One, Other};
    use super::*;

    #[test]
    fn cldr_table() {
        let cases: &[(u64, PluralCategory)] = &[
            (0, Many),
            (1, One),
            (2, Few),
            (3, Few),
            (4, Few),
            (5, Many),
            (10, Many),
            (11, Many),
            (12, Many),
            (13, Many),
            (14, Many),
            (15, Many),
            (20, Many),
            (21, One),
            (22, Few),
            (24, Few),
            (25, Many),
            (101, One),
            (111, Many),
            (112, Many),
            (114, Many),
            (121, One),
            (1_000, Many),
            (1_001, One),
            (1_000_000, Many),
            (2_000_002, Few),
            (u64::MAX, Many), // ...615
        ];
        for &(n, c) in cases {
            assert_eq!(PluralCategory::of_integer(n), c, "{n}");
        }
    }

    #[test]
    fn fractions_are_other() {
        for s in ["1,5", "1.5", "0,1", "2,25", "1,0", "11,5", "21,00", "-1,5"] {
            assert_eq!(PluralCategory::of_decimal(s), Some(Other), "{s}");
        }
        assert_eq!(PluralCategory::of_decimal("1 000 000"), Some(Many));
        assert_eq!(PluralCategory::of_decimal("-21"), Some(One));
        assert_eq!(PluralCategory::of_kopecks(100), One);
        assert_eq!(PluralCategory::of_kopecks(-200), Few);
        assert_eq!(PluralCategory::of_kopecks(1), Other);
    }

    #[test]
    fn garbage_is_none() {
        for s in [
            "",
            "abc",
            "1,",
            ",5",
            "1,5,5",
            "1e5",
            "99999999999999999999",
            "--1",
        ] {
            assert_eq!(PluralCategory::of_decimal(s), None, "{s}");
        }
    }

    #[test]
    fn rouble_forms() {
        let f = PluralForms::parse("рубль, рубля, рублей").unwrap_or_else(|| unreachable!());
        assert_eq!(f.for_integer(1), "рубль");
        assert_eq!(f.for_integer(2), "рубля");
        assert_eq!(f.for_integer(5), "рублей");
        assert_eq!(f.for_integer(11), "рублей");
        assert_eq!(f.for_decimal("1,5"), Some("рубля"));
        assert!(PluralForms::parse("a,b").is_none());
        assert!(PluralForms::parse("a,,c").is_none());
        let f4 = PluralForms::parse("a,b,c,d").unwrap_or_else(|| unreachable!());
        assert_eq!(f4.for_decimal("0,5"), Some("d"));
    }
}
