//! Which days are worked: the Russian production calendar (производственный календарь).
//!
//! The notifications half of issue 10 owns the shared calendar; until it is on `main` the desk
//! keeps this small 2026 table behind [`WorkCalendar`], so swapping it is one `impl`.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What kind of day a date is for a desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A normal working day.
    Working,
    /// A working day one hour shorter (the day before a public holiday).
    Shortened,
    /// A weekend, a public holiday or a day off moved by decree.
    DayOff,
}

/// A source of working days. The SLA clock only asks this one question.
pub trait WorkCalendar {
    /// The kind of `date`.
    fn day_kind(&self, date: NaiveDate) -> DayKind;
}

/// Which calendar a group works by.
///
/// ```
/// use chek_core::engage::care::{Calendar, DayKind, WorkCalendar};
/// use chrono::NaiveDate;
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// assert_eq!(Calendar::Ru.day_kind(d(1, 9)), DayKind::DayOff);     // moved from 3 January
/// assert_eq!(Calendar::Ru.day_kind(d(1, 12)), DayKind::Working);
/// assert_eq!(Calendar::Ru.day_kind(d(3, 9)), DayKind::DayOff);     // 8 March fell on a Sunday
/// assert_eq!(Calendar::Ru.day_kind(d(11, 3)), DayKind::Shortened);
/// assert_eq!(Calendar::Weekdays.day_kind(d(3, 9)), DayKind::Working);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calendar {
    /// The Russian production calendar: the decree's table for 2026; other years Monday to
    /// Friday less the fixed public holidays (no moved days, no shortened days).
    #[default]
    Ru,
    /// Monday to Friday, no holidays.
    Weekdays,
    /// Every day of the week.
    Always,
}

impl WorkCalendar for Calendar {
    fn day_kind(&self, date: NaiveDate) -> DayKind {
        match self {
            Calendar::Ru => ru_day(date),
            Calendar::Weekdays => weekday_kind(date),
            Calendar::Always => DayKind::Working,
        }
    }
}

fn weekday_kind(date: NaiveDate) -> DayKind {
    match date.weekday() {
        Weekday::Sat | Weekday::Sun => DayKind::DayOff,
        _ => DayKind::Working,
    }
}

/// Days off on weekdays in 2026 (holidays, and days moved by the government's decree:
/// 3 January → 9 January, 4 January → 31 December, 8 March (Sunday) → 9 March,
/// 9 May (Saturday) → 11 May). 247 working days in the year.
const RU_2026_OFF: [(u32, u32); 14] = [
    (1, 1),
    (1, 2),
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (1, 9),
    (2, 23),
    (3, 9),
    (5, 1),
    (5, 11),
    (6, 12),
    (11, 4),
    (12, 31),
];

/// Pre-holiday working days of 2026, one hour shorter.
const RU_2026_SHORT: [(u32, u32); 4] = [(4, 30), (5, 8), (6, 11), (11, 3)];

/// Fixed public holidays (ТК РФ ст. 112) for years without a table.
const RU_FIXED: [(u32, u32); 12] = [
    (1, 1),
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
];
const RU_FIXED_MORE: [(u32, u32); 2] = [(6, 12), (11, 4)];

fn ru_day(date: NaiveDate) -> DayKind {
    let md = (date.month(), date.day());
    if date.year() == 2026 {
        if RU_2026_OFF.contains(&md) {
            return DayKind::DayOff;
        }
        if RU_2026_SHORT.contains(&md) {
            return DayKind::Shortened;
        }
        return weekday_kind(date);
    }
    if RU_FIXED.contains(&md) || RU_FIXED_MORE.contains(&md) {
        return DayKind::DayOff;
    }
    weekday_kind(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ru_2026_has_247_working_days_and_1972_hours() {
        let mut days = 0;
        let mut hours = 0;
        let mut d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        while d.year() == 2026 {
            match Calendar::Ru.day_kind(d) {
                DayKind::Working => {
                    days += 1;
                    hours += 8;
                }
                DayKind::Shortened => {
                    days += 1;
                    hours += 7;
                }
                DayKind::DayOff => {}
            }
            d = d.succ_opt().unwrap_or_default();
        }
        assert_eq!((days, hours), (247, 1972));
    }

    #[test]
    fn other_years_use_fixed_holidays() {
        let d = NaiveDate::from_ymd_opt(2027, 6, 14).unwrap_or_default();
        assert_eq!(Calendar::Ru.day_kind(d), DayKind::Working);
        let d = NaiveDate::from_ymd_opt(2027, 11, 4).unwrap_or_default();
        assert_eq!(Calendar::Ru.day_kind(d), DayKind::DayOff);
    }
}
