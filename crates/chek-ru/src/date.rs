//! Dates and times in Russian: «16 августа» in text, «шестнадцатого августа» in speech.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use super::plural::PluralForms;
use super::words::{Gender, cardinal, ordinal_genitive, year_genitive};

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// The month name in the genitive, as after a day number: 8 → «августа».
pub fn month_genitive(month: u32) -> Option<&'static str> {
    MONTHS_GENITIVE.get(month.checked_sub(1)? as usize).copied()
}

/// A date for text: «16 августа», or «16 августа 2026 г.» with the year.
///
/// ```
/// use chek_ru::date::date_text;
/// let d = chrono::NaiveDate::from_ymd_opt(2026, 8, 16).unwrap();
/// assert_eq!(date_text(d, false), "16 августа");
/// assert_eq!(date_text(d, true), "16 августа 2026\u{A0}г.");
/// ```
pub fn date_text(d: NaiveDate, with_year: bool) -> String {
    let m = month_genitive(d.month()).unwrap_or("");
    if with_year {
        format!("{} {m} {}\u{A0}г.", d.day(), d.year())
    } else {
        format!("{} {m}", d.day())
    }
}

/// A date for speech, in the genitive as it is read in «до …» and «… будет доставлен»:
/// «шестнадцатого августа», «первого января две тысячи двадцать седьмого года». Years outside
/// 2000–2099 are left in digits.
///
/// ```
/// use chek_ru::date::date_spoken;
/// let d = chrono::NaiveDate::from_ymd_opt(2026, 8, 16).unwrap();
/// assert_eq!(date_spoken(d, false), "шестнадцатого августа");
/// ```
pub fn date_spoken(d: NaiveDate, with_year: bool) -> String {
    let day = ordinal_genitive(d.day()).unwrap_or_default();
    let m = month_genitive(d.month()).unwrap_or("");
    if !with_year {
        return format!("{day} {m}");
    }
    match year_genitive(d.year()) {
        Some(y) => format!("{day} {m} {y} года"),
        None => format!("{day} {m} {} года", d.year()),
    }
}

/// A time for text: «09:30».
pub fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// A time for speech: «девять часов тридцать минут», «двадцать один час».
///
/// ```
/// use chek_ru::date::time_spoken;
/// let t = chrono::NaiveTime::from_hms_opt(21, 5, 0).unwrap();
/// assert_eq!(time_spoken(t), "двадцать один час пять минут");
/// ```
pub fn time_spoken(t: NaiveTime) -> String {
    let hours = PluralForms {
        one: "час".into(),
        few: "часа".into(),
        many: "часов".into(),
        other: "часа".into(),
    };
    let minutes = PluralForms {
        one: "минута".into(),
        few: "минуты".into(),
        many: "минут".into(),
        other: "минуты".into(),
    };
    let (h, m) = (u64::from(t.hour()), u64::from(t.minute()));
    let mut s = format!(
        "{} {}",
        cardinal(h, Gender::Masculine),
        hours.for_integer(h)
    );
    if m > 0 {
        s.push_str(&format!(
            " {} {}",
            cardinal(m, Gender::Feminine),
            minutes.for_integer(m)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn every_month_in_the_genitive() {
        let want = [
            "1 января",
            "1 февраля",
            "1 марта",
            "1 апреля",
            "1 мая",
            "1 июня",
            "1 июля",
            "1 августа",
            "1 сентября",
            "1 октября",
            "1 ноября",
            "1 декабря",
        ];
        for (i, w) in want.iter().enumerate() {
            assert_eq!(date_text(d(2026, i as u32 + 1, 1), false), *w);
        }
        assert_eq!(month_genitive(0), None);
        assert_eq!(month_genitive(13), None);
    }

    #[test]
    fn spoken_dates() {
        assert_eq!(date_spoken(d(2026, 8, 16), false), "шестнадцатого августа");
        assert_eq!(
            date_spoken(d(2026, 3, 23), false),
            "двадцать третьего марта"
        );
        assert_eq!(
            date_spoken(d(2027, 1, 1), true),
            "первого января две тысячи двадцать седьмого года"
        );
        assert_eq!(
            date_spoken(d(1999, 12, 31), true),
            "тридцать первого декабря 1999 года"
        );
    }

    #[test]
    fn times() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(time_text(t(9, 5)), "09:05");
        assert_eq!(time_spoken(t(9, 30)), "девять часов тридцать минут");
        assert_eq!(time_spoken(t(2, 1)), "два часа одна минута");
        assert_eq!(time_spoken(t(0, 0)), "ноль часов");
    }
}
