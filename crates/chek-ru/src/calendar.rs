//! The Russian production calendar (производственный календарь): which days are working days,
//! weekends, or public holidays, with the government's transfers of days off.
//!
//! Years with an exact table: 2026 (Постановление Правительства РФ от 24.09.2025 № 1466:
//! 3 January moved to 9 January, 4 January to 31 December; 247 working days). Other years fall
//! back to Saturdays and Sundays plus the holidays of Art. 112 of the Labour Code, without
//! transfers; [`is_exact`] says which case applies. Regional holidays are not included.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A working day (including a pre-holiday day shortened by an hour).
    Working,
    /// A Saturday or Sunday that is not worked.
    Weekend,
    /// A public holiday or a weekday off by transfer.
    Holiday,
}

impl DayKind {
    /// Whether people work that day.
    pub const fn is_working(self) -> bool {
        matches!(self, DayKind::Working)
    }
}

/// Public holidays of Art. 112 ТК РФ as (month, day).
const HOLIDAYS: [(u32, u32); 14] = [
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
    (6, 12),
    (11, 4),
];

/// 2026: weekdays off besides the holidays themselves (transfers and holidays falling on
/// weekends moved to Monday).
const OFF_2026: [(u32, u32); 4] = [(1, 9), (3, 9), (5, 11), (12, 31)];
/// 2026: Saturdays or Sundays that are worked (none in 2026).
const WORKED_WEEKENDS_2026: [(u32, u32); 0] = [];
/// 2026: pre-holiday days shortened by one hour.
const SHORT_2026: [(u32, u32); 4] = [(4, 30), (5, 8), (6, 11), (11, 3)];

/// Whether `year` has an exact table here (transfers included).
///
/// ```
/// assert!(chek_ru::calendar::is_exact(2026));
/// assert!(!chek_ru::calendar::is_exact(2030));
/// ```
pub const fn is_exact(year: i32) -> bool {
    year == 2026
}

/// The kind of a date.
///
/// ```
/// use chek_ru::calendar::{day_kind, DayKind};
/// let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// assert_eq!(day_kind(d(1, 9)), DayKind::Holiday); // Friday, moved from 3 January
/// assert_eq!(day_kind(d(3, 9)), DayKind::Holiday); // Monday for Sunday 8 March
/// assert_eq!(day_kind(d(3, 10)), DayKind::Working);
/// assert_eq!(day_kind(d(3, 14)), DayKind::Weekend);
/// ```
pub fn day_kind(d: NaiveDate) -> DayKind {
    let md = (d.month(), d.day());
    let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    if HOLIDAYS.contains(&md) {
        return DayKind::Holiday;
    }
    if d.year() == 2026 {
        if OFF_2026.contains(&md) {
            return DayKind::Holiday;
        }
        if WORKED_WEEKENDS_2026.contains(&md) {
            return DayKind::Working;
        }
    }
    if weekend {
        DayKind::Weekend
    } else {
        DayKind::Working
    }
}

/// Whether a date is a working day.
pub fn is_working_day(d: NaiveDate) -> bool {
    day_kind(d).is_working()
}

/// Whether a working day is shortened by an hour before a holiday (exact years only).
pub fn is_shortened(d: NaiveDate) -> bool {
    d.year() == 2026 && SHORT_2026.contains(&(d.month(), d.day()))
}

/// The first working day on or after `d` (at most 60 days ahead, which every calendar
/// satisfies; past that `d + 60` is returned).
pub fn next_working_day(d: NaiveDate) -> NaiveDate {
    let mut x = d;
    for _ in 0..60 {
        if is_working_day(x) {
            return x;
        }
        match x.succ_opt() {
            Some(n) => x = n,
            None => return x,
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    #[test]
    fn year_2026_has_247_working_days() {
        let mut x = d(1, 1);
        let (mut working, mut off) = (0, 0);
        while x.year() == 2026 {
            if is_working_day(x) {
                working += 1;
            } else {
                off += 1;
            }
            x = x.succ_opt().unwrap_or(NaiveDate::MAX);
        }
        assert_eq!((working, off), (247, 118));
    }

    #[test]
    fn periods_of_rest_2026() {
        for day in 1..=11 {
            assert!(!is_working_day(d(1, day)), "январь {day}");
        }
        assert!(is_working_day(d(1, 12)));
        for (m, day) in [
            (2, 21),
            (2, 22),
            (2, 23),
            (3, 7),
            (3, 8),
            (3, 9),
            (5, 1),
            (5, 2),
        ] {
            assert!(!is_working_day(d(m, day)), "{m}-{day}");
        }
        for (m, day) in [
            (5, 3),
            (5, 9),
            (5, 10),
            (5, 11),
            (6, 12),
            (6, 13),
            (6, 14),
            (11, 4),
        ] {
            assert!(!is_working_day(d(m, day)), "{m}-{day}");
        }
        assert_eq!(day_kind(d(12, 31)), DayKind::Holiday);
        assert!(is_working_day(d(12, 30)));
        assert!(is_shortened(d(4, 30)));
        assert!(!is_shortened(d(4, 29)));
        assert_eq!(next_working_day(d(1, 1)), d(1, 12));
    }

    #[test]
    fn other_years_fall_back_to_the_labour_code() {
        let x = NaiveDate::from_ymd_opt(2030, 6, 12).unwrap_or_default();
        assert_eq!(day_kind(x), DayKind::Holiday);
        let sat = NaiveDate::from_ymd_opt(2030, 6, 15).unwrap_or_default();
        assert_eq!(day_kind(sat), DayKind::Weekend);
        assert_eq!(next_working_day(NaiveDate::MAX), NaiveDate::MAX);
    }
}
