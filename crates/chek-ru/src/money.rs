//! Money in Russian: «1 500 ₽» for SMS, «1 500 рублей» with digits, and «тысяча пятьсот
//! рублей» in words for speech. Amounts are `i64` kopecks.
//!
//! Typography: digit groups are split by a narrow no-break space (U+202F) and the sign ₽ is
//! joined to the number by a no-break space (U+00A0), so a phone never breaks «1 500 ₽» across
//! lines. A Cyrillic SMS is UCS-2 anyway, so neither costs extra units.

use super::plural::{PluralCategory, PluralForms};
use super::words::{Case, Gender, Noun, cardinal, cardinal_in};

/// Narrow no-break space: between digit groups.
pub const GROUP_SEP: char = '\u{202F}';
/// No-break space: between a number and its unit.
pub const UNIT_SEP: char = '\u{A0}';

/// Digits of `n` in groups of three split by `sep`: `group_digits(1500, ' ') == "1 500"`.
///
/// ```
/// assert_eq!(chek_ru::money::group_digits(1234567, ' '), "1 234 567");
/// assert_eq!(chek_ru::money::group_digits(999, ' '), "999");
/// ```
pub fn group_digits(n: u64, sep: char) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3 * 3);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn number(kopecks: i64, sep: char) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    let k = kopecks.unsigned_abs();
    let (r, c) = (k / 100, k % 100);
    if c == 0 {
        format!("{sign}{}", group_digits(r, sep))
    } else {
        format!("{sign}{},{c:02}", group_digits(r, sep))
    }
}

/// An amount for SMS: «1 500 ₽», «1 500,50 ₽»; kopecks are shown only when there are any.
///
/// ```
/// use chek_ru::money::amount_sms;
/// assert_eq!(amount_sms(150_000), "1\u{202F}500\u{A0}₽");
/// assert_eq!(amount_sms(150), "1,50\u{A0}₽");
/// ```
pub fn amount_sms(kopecks: i64) -> String {
    format!("{}{UNIT_SEP}₽", number(kopecks, GROUP_SEP))
}

/// The rouble forms: рубль, рубля, рублей (and рубля for fractions).
pub fn rouble_forms() -> PluralForms {
    PluralForms {
        one: "рубль".into(),
        few: "рубля".into(),
        many: "рублей".into(),
        other: "рубля".into(),
    }
}

fn kopeck_forms() -> PluralForms {
    PluralForms {
        one: "копейка".into(),
        few: "копейки".into(),
        many: "копеек".into(),
        other: "копейки".into(),
    }
}

/// An amount in digits with the word agreeing by CLDR: «1 500 рублей», «21 рубль»,
/// «1,50 рубля» (fractions take `other`). Groups are split by no-break spaces.
///
/// ```
/// use chek_ru::money::amount_words;
/// assert_eq!(amount_words(2_100), "21 рубль");
/// assert_eq!(amount_words(150), "1,50 рубля");
/// ```
pub fn amount_words(kopecks: i64) -> String {
    let word = rouble_forms()
        .get(PluralCategory::of_kopecks(kopecks))
        .to_owned();
    format!("{} {word}", number(kopecks, UNIT_SEP))
}

/// An amount in words for speech: «тысяча пятьсот рублей», «один рубль пятьдесят копеек»,
/// «пятьдесят копеек», «ноль рублей».
///
/// ```
/// use chek_ru::money::amount_spoken;
/// assert_eq!(amount_spoken(150_000), "тысяча пятьсот рублей");
/// assert_eq!(amount_spoken(152), "один рубль пятьдесят две копейки");
/// ```
pub fn amount_spoken(kopecks: i64) -> String {
    let k = kopecks.unsigned_abs();
    let (r, c) = (k / 100, k % 100);
    let mut parts = Vec::with_capacity(5);
    if kopecks < 0 {
        parts.push("минус".to_owned());
    }
    if r > 0 || c == 0 {
        parts.push(cardinal(r, Gender::Masculine));
        parts.push(rouble_forms().for_integer(r).to_owned());
    }
    if c > 0 {
        parts.push(cardinal(c, Gender::Feminine));
        parts.push(kopeck_forms().for_integer(c).to_owned());
    }
    parts.join(" ")
}

/// An amount in digits with the word in a grammatical case: «на 1 500 рублей», «к 1 500
/// рублям», «о 21 рубле». With kopecks the word is «рубля» in every case («к 1,50 рубля»).
///
/// ```
/// use chek_ru::money::amount_words_in;
/// use chek_ru::words::Case;
/// assert_eq!(amount_words_in(150_000, Case::Dative), "1\u{A0}500 рублям");
/// assert_eq!(amount_words_in(2_100, Case::Prepositional), "21 рубле");
/// ```
pub fn amount_words_in(kopecks: i64, case: Case) -> String {
    if case == Case::Nominative || kopecks % 100 != 0 {
        return amount_words(kopecks);
    }
    let r = kopecks.unsigned_abs() / 100;
    format!(
        "{} {}",
        number(kopecks, UNIT_SEP),
        Noun::ROUBLE.counted(r, case)
    )
}

/// An amount in words for speech in a grammatical case, every number and noun agreeing:
///
/// ```
/// use chek_ru::money::amount_spoken_in;
/// use chek_ru::words::Case::*;
/// assert_eq!(amount_spoken_in(150_000, Accusative), "тысячу пятьсот рублей");    // на …
/// assert_eq!(amount_spoken_in(150_000, Genitive), "тысячи пятисот рублей");      // более …
/// assert_eq!(amount_spoken_in(150_000, Dative), "тысяче пятистам рублям");       // к …
/// assert_eq!(amount_spoken_in(150_000, Instrumental), "тысячей пятьюстами рублями");
/// assert_eq!(amount_spoken_in(150_000, Prepositional), "тысяче пятистах рублях"); // о …
/// assert_eq!(amount_spoken_in(101, Accusative), "один рубль одну копейку");
/// ```
pub fn amount_spoken_in(kopecks: i64, case: Case) -> String {
    let k = kopecks.unsigned_abs();
    let (r, c) = (k / 100, k % 100);
    let mut parts = Vec::with_capacity(5);
    if kopecks < 0 {
        parts.push("минус".to_owned());
    }
    if r > 0 || c == 0 {
        parts.push(cardinal_in(r, Gender::Masculine, case));
        parts.push(Noun::ROUBLE.counted(r, case).to_owned());
    }
    if c > 0 {
        parts.push(cardinal_in(c, Gender::Feminine, case));
        parts.push(Noun::KOPECK.counted(c, case).to_owned());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_amounts() {
        assert_eq!(amount_sms(0), "0\u{A0}₽");
        assert_eq!(amount_sms(100), "1\u{A0}₽");
        assert_eq!(amount_sms(99_900), "999\u{A0}₽");
        assert_eq!(amount_sms(123_456_789), "1\u{202F}234\u{202F}567,89\u{A0}₽");
        assert_eq!(amount_sms(-150_000), "-1\u{202F}500\u{A0}₽");
        assert!(amount_sms(i64::MIN).ends_with("₽"));
    }

    #[test]
    fn word_amounts_follow_cldr() {
        assert_eq!(amount_words(100), "1 рубль");
        assert_eq!(amount_words(200), "2 рубля");
        assert_eq!(amount_words(500), "5 рублей");
        assert_eq!(amount_words(1_100), "11 рублей");
        assert_eq!(amount_words(1_400), "14 рублей");
        assert_eq!(amount_words(2_200), "22 рубля");
        assert_eq!(amount_words(150_000), "1\u{A0}500 рублей");
        assert_eq!(amount_words(100_000_000), "1\u{A0}000\u{A0}000 рублей");
        assert_eq!(amount_words(150), "1,50 рубля");
    }

    #[test]
    fn amounts_in_every_case() {
        use Case::*;
        // The issue: «на тысяча пятьсот рублей» must be «на тысячу пятьсот рублей».
        assert_eq!(
            format!("на {}", amount_spoken_in(150_000, Accusative)),
            "на тысячу пятьсот рублей"
        );
        assert_eq!(
            format!("более {}", amount_spoken_in(150_000, Genitive)),
            "более тысячи пятисот рублей"
        );
        assert_eq!(
            format!("к {}", amount_spoken_in(150_000, Dative)),
            "к тысяче пятистам рублям"
        );
        assert_eq!(
            format!("о {}", amount_spoken_in(150_000, Prepositional)),
            "о тысяче пятистах рублях"
        );
        assert_eq!(amount_spoken_in(2_100, Dative), "двадцати одному рублю");
        assert_eq!(amount_spoken_in(2_100, Genitive), "двадцати одного рубля");
        assert_eq!(amount_spoken_in(300, Accusative), "три рубля");
        assert_eq!(amount_spoken_in(0, Dative), "нулю рублей");
        assert_eq!(
            amount_spoken_in(152, Instrumental),
            "одним рублём пятьюдесятью двумя копейками"
        );
        assert_eq!(
            amount_spoken_in(2_101, Accusative),
            "двадцать один рубль одну копейку"
        );
        assert_eq!(amount_spoken_in(-500, Genitive), "минус пяти рублей");
        assert!(amount_spoken_in(i64::MIN, Dative).starts_with("минус"));
        for n in [0, 1, 99, 100, 150_000, 123_456_789] {
            assert_eq!(amount_spoken_in(n, Nominative), amount_spoken(n));
            assert_eq!(amount_words_in(n, Nominative), amount_words(n));
        }
        assert_eq!(amount_words_in(150_000, Genitive), "1\u{A0}500 рублей");
        assert_eq!(amount_words_in(150, Dative), "1,50 рубля");
        assert_eq!(amount_words_in(100, Instrumental), "1 рублём");
    }

    #[test]
    fn spoken_amounts() {
        assert_eq!(amount_spoken(0), "ноль рублей");
        assert_eq!(amount_spoken(50), "пятьдесят копеек");
        assert_eq!(amount_spoken(101), "один рубль одна копейка");
        assert_eq!(
            amount_spoken(2_122),
            "двадцать один рубль двадцать две копейки"
        );
        assert_eq!(amount_spoken(1_100_000), "одиннадцать тысяч рублей");
        assert_eq!(amount_spoken(-200), "минус два рубля");
        assert!(amount_spoken(i64::MIN).starts_with("минус"));
    }
}
