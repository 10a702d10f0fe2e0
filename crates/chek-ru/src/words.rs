//! Numbers in Russian words for text-to-speech: cardinals in the nominative with grammatical
//! gender («одна тысяча», «два рубля», «две копейки»), decimals («одна целая пять десятых»),
//! and genitive ordinals for dates («шестнадцатого»).

use serde::{Deserialize, Serialize};

use super::plural::PluralCategory;

/// Grammatical gender of the counted noun: it changes «один/одна/одно» and «два/две».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// рубль, балл, заказ.
    #[default]
    Masculine,
    /// копейка, бутылка, тысяча.
    Feminine,
    /// место, письмо.
    Neuter,
}

const UNITS: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// Scale words from 10^3 up to 10^18 (one, few, many) and their gender.
const SCALES: [(&str, &str, &str, Gender); 6] = [
    ("тысяча", "тысячи", "тысяч", Gender::Feminine),
    ("миллион", "миллиона", "миллионов", Gender::Masculine),
    ("миллиард", "миллиарда", "миллиардов", Gender::Masculine),
    ("триллион", "триллиона", "триллионов", Gender::Masculine),
    (
        "квадриллион",
        "квадриллиона",
        "квадриллионов",
        Gender::Masculine,
    ),
    (
        "квинтиллион",
        "квинтиллиона",
        "квинтиллионов",
        Gender::Masculine,
    ),
];

fn push(out: &mut Vec<&'static str>, w: &'static str) {
    if !w.is_empty() {
        out.push(w);
    }
}

/// Words of 1..=999 into `out`.
fn triple(n: u64, g: Gender, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    push(out, HUNDREDS[h]);
    if t == 1 {
        push(out, TEENS[u]);
        return;
    }
    push(out, TENS[t]);
    let unit = match (u, g) {
        (1, Gender::Feminine) => "одна",
        (1, Gender::Neuter) => "одно",
        (2, Gender::Feminine) => "две",
        _ => UNITS[u],
    };
    push(out, unit);
}

/// A whole number in words, agreeing with a noun of gender `g`.
///
/// A leading group of exactly one thousand or one million is read without «одна/один»
/// («тысяча пятьсот»), as people say it.
///
/// ```
/// use chek_ru::words::{cardinal, Gender};
/// assert_eq!(cardinal(0, Gender::Masculine), "ноль");
/// assert_eq!(cardinal(1500, Gender::Masculine), "тысяча пятьсот");
/// assert_eq!(cardinal(21_001, Gender::Feminine), "двадцать одна тысяча одна");
/// assert_eq!(cardinal(2_000_000, Gender::Masculine), "два миллиона");
/// ```
pub fn cardinal(n: u64, g: Gender) -> String {
    if n == 0 {
        return "ноль".to_owned();
    }
    let mut groups = Vec::with_capacity(7);
    let mut m = n;
    while m > 0 {
        groups.push(m % 1000);
        m /= 1000;
    }
    let mut out: Vec<&'static str> = Vec::with_capacity(24);
    for (idx, &grp) in groups.iter().enumerate().rev() {
        if grp == 0 {
            continue;
        }
        if idx == 0 {
            triple(grp, g, &mut out);
            continue;
        }
        let (one, few, many, sg) = SCALES[idx - 1];
        let leading = idx == groups.len() - 1;
        if !(leading && grp == 1) {
            triple(grp, sg, &mut out);
        }
        out.push(match PluralCategory::of_integer(grp) {
            PluralCategory::One => one,
            PluralCategory::Few => few,
            _ => many,
        });
    }
    out.join(" ")
}

/// A signed whole number in words («минус пять»).
pub fn cardinal_signed(n: i64, g: Gender) -> String {
    if n < 0 {
        format!("минус {}", cardinal(n.unsigned_abs(), g))
    } else {
        cardinal(n as u64, g)
    }
}

/// A decimal in words: «одна целая пять десятых». Up to three fraction digits are read; with
/// more, `None` (the caller falls back to digits). The counted noun then takes the `other`
/// form (genitive singular): «одна целая пять десятых рубля».
///
/// ```
/// use chek_ru::words::decimal;
/// assert_eq!(decimal(1, "5").as_deref(), Some("одна целая пять десятых"));
/// assert_eq!(decimal(2, "25").as_deref(), Some("две целых двадцать пять сотых"));
/// assert_eq!(decimal(0, "001").as_deref(), Some("ноль целых одна тысячная"));
/// ```
pub fn decimal(int: u64, frac: &str) -> Option<String> {
    if frac.is_empty() {
        return Some(cardinal(int, Gender::Masculine));
    }
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let f: u64 = frac.parse().ok()?;
    let whole = match PluralCategory::of_integer(int) {
        PluralCategory::One => "целая",
        _ => "целых",
    };
    let (one, other) = match frac.len() {
        1 => ("десятая", "десятых"),
        2 => ("сотая", "сотых"),
        _ => ("тысячная", "тысячных"),
    };
    let part = match PluralCategory::of_integer(f) {
        PluralCategory::One => one,
        _ => other,
    };
    Some(format!(
        "{} {whole} {} {part}",
        cardinal(int, Gender::Feminine),
        cardinal(f, Gender::Feminine)
    ))
}

const ORD_UNITS_GEN: [&str; 10] = [
    "",
    "первого",
    "второго",
    "третьего",
    "четвёртого",
    "пятого",
    "шестого",
    "седьмого",
    "восьмого",
    "девятого",
];
const ORD_TEENS_GEN: [&str; 10] = [
    "десятого",
    "одиннадцатого",
    "двенадцатого",
    "тринадцатого",
    "четырнадцатого",
    "пятнадцатого",
    "шестнадцатого",
    "семнадцатого",
    "восемнадцатого",
    "девятнадцатого",
];
const ORD_TENS_GEN: [&str; 10] = [
    "",
    "",
    "двадцатого",
    "тридцатого",
    "сорокового",
    "пятидесятого",
    "шестидесятого",
    "семидесятого",
    "восьмидесятого",
    "девяностого",
];

/// An ordinal 1..=99 in the masculine/neuter genitive («шестнадцатого», «двадцать первого»),
/// as dates are read: «до шестнадцатого августа». `None` outside 1..=99.
///
/// ```
/// use chek_ru::words::ordinal_genitive;
/// assert_eq!(ordinal_genitive(16).as_deref(), Some("шестнадцатого"));
/// assert_eq!(ordinal_genitive(31).as_deref(), Some("тридцать первого"));
/// assert_eq!(ordinal_genitive(0), None);
/// ```
pub fn ordinal_genitive(n: u32) -> Option<String> {
    let (t, u) = ((n / 10) as usize, (n % 10) as usize);
    match n {
        1..=9 => Some(ORD_UNITS_GEN[u].to_owned()),
        10..=19 => Some(ORD_TEENS_GEN[u].to_owned()),
        20..=99 if u == 0 => Some(ORD_TENS_GEN[t].to_owned()),
        20..=99 => Some(format!("{} {}", TENS[t], ORD_UNITS_GEN[u])),
        _ => None,
    }
}

/// A year of this century in the genitive ordinal: «две тысячи двадцать шестого»; the year
/// 2000 is «двухтысячного». `None` outside 2000..=2099.
///
/// ```
/// use chek_ru::words::year_genitive;
/// assert_eq!(year_genitive(2026).as_deref(), Some("две тысячи двадцать шестого"));
/// ```
pub fn year_genitive(y: i32) -> Option<String> {
    match y {
        2000 => Some("двухтысячного".to_owned()),
        2001..=2099 => ordinal_genitive((y - 2000) as u32).map(|o| format!("две тысячи {o}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Gender::{Feminine as F, Masculine as M, Neuter as N};
    use super::*;

    #[test]
    fn cardinals() {
        let cases: &[(u64, Gender, &str)] = &[
            (1, M, "один"),
            (1, F, "одна"),
            (1, N, "одно"),
            (2, M, "два"),
            (2, F, "две"),
            (2, N, "два"),
            (11, F, "одиннадцать"),
            (12, F, "двенадцать"),
            (19, M, "девятнадцать"),
            (20, M, "двадцать"),
            (21, F, "двадцать одна"),
            (100, M, "сто"),
            (101, M, "сто один"),
            (111, M, "сто одиннадцать"),
            (999, M, "девятьсот девяносто девять"),
            (1000, M, "тысяча"),
            (1001, M, "тысяча один"),
            (2000, M, "две тысячи"),
            (5000, M, "пять тысяч"),
            (11_000, M, "одиннадцать тысяч"),
            (21_000, M, "двадцать одна тысяча"),
            (22_000, M, "двадцать две тысячи"),
            (101_000, M, "сто одна тысяча"),
            (1_000_000, M, "миллион"),
            (1_001_000, M, "миллион одна тысяча"),
            (2_000_000, M, "два миллиона"),
            (5_000_000, M, "пять миллионов"),
            (21_000_000, M, "двадцать один миллион"),
            (1_000_000_000, M, "миллиард"),
            (
                1_234_567_891,
                F,
                "миллиард двести тридцать четыре миллиона пятьсот шестьдесят семь тысяч \
                 восемьсот девяносто одна",
            ),
        ];
        for &(n, g, w) in cases {
            assert_eq!(cardinal(n, g), w, "{n} {g:?}");
        }
        assert!(cardinal(u64::MAX, M).starts_with("восемнадцать квинтиллионов"));
        assert_eq!(cardinal_signed(-5, M), "минус пять");
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(1, "5").as_deref(), Some("одна целая пять десятых"));
        assert_eq!(
            decimal(21, "1").as_deref(),
            Some("двадцать одна целая одна десятая")
        );
        assert_eq!(
            decimal(11, "11").as_deref(),
            Some("одиннадцать целых одиннадцать сотых")
        );
        assert_eq!(decimal(3, "").as_deref(), Some("три"));
        assert_eq!(decimal(3, "1234"), None);
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal_genitive(1).as_deref(), Some("первого"));
        assert_eq!(ordinal_genitive(3).as_deref(), Some("третьего"));
        assert_eq!(ordinal_genitive(11).as_deref(), Some("одиннадцатого"));
        assert_eq!(ordinal_genitive(20).as_deref(), Some("двадцатого"));
        assert_eq!(ordinal_genitive(23).as_deref(), Some("двадцать третьего"));
        assert_eq!(ordinal_genitive(30).as_deref(), Some("тридцатого"));
        assert_eq!(ordinal_genitive(100), None);
        assert_eq!(year_genitive(2000).as_deref(), Some("двухтысячного"));
        assert_eq!(year_genitive(2010).as_deref(), Some("две тысячи десятого"));
        assert_eq!(year_genitive(1999), None);
    }
}
