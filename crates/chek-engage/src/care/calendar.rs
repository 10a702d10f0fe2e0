//! Which days are worked: the Russian production calendar (производственный календарь).
//!
//! The table itself is the shared one, [`chek_ru::calendar`]; this file only says how a desk
//! sees it ([`DayKind`], with shortened days) behind [`WorkCalendar`].

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
/// use chek_engage::care::{Calendar, DayKind, WorkCalendar};
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
    /// The Russian production calendar ([`chek_ru::calendar`], the one a host
    /// [installed](chek_ru::calendar::install)): the decrees' tables for 2024–2027; other years
    /// the public holidays with the Art. 112 transfers and the shortened pre-holiday days
    /// ([`chek_ru::calendar::warning`] says when a date is outside the exact tables).
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

impl Calendar {
    /// For [`Calendar::Ru`], the warning when `date` lies outside the decrees' exact tables
    /// (its days follow the Labour Code only, a decree may move them): show it beside an SLA
    /// due time rather than trust it silently. `None` for the other calendars.
    ///
    /// ```
    /// use chek_engage::care::Calendar;
    /// let d = |y| chrono::NaiveDate::from_ymd_opt(y, 5, 4).unwrap();
    /// assert!(Calendar::Ru.warning(d(2027)).is_none());
    /// assert_eq!(Calendar::Ru.warning(d(2029)).map(|w| w.code), Some("calendar.not_exact".into()));
    /// assert!(Calendar::Weekdays.warning(d(2029)).is_none());
    /// ```
    pub fn warning(&self, date: NaiveDate) -> Option<chek_ru::calendar::CalendarWarning> {
        match self {
            Calendar::Ru => chek_ru::calendar::warning(date),
            Calendar::Weekdays | Calendar::Always => None,
        }
    }
}

fn weekday_kind(date: NaiveDate) -> DayKind {
    match date.weekday() {
        Weekday::Sat | Weekday::Sun => DayKind::DayOff,
        _ => DayKind::Working,
    }
}

fn ru_day(date: NaiveDate) -> DayKind {
    use chek_ru::calendar as ru;
    if !ru::is_working_day(date) {
        DayKind::DayOff
    } else if ru::is_shortened(date) {
        DayKind::Shortened
    } else {
        DayKind::Working
    }
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
    fn other_years_follow_the_decree_and_article_112() {
        // 12 June 2027 is a Saturday: Monday 14 June is off (it was counted as worked).
        let d = NaiveDate::from_ymd_opt(2027, 6, 14).unwrap_or_default();
        assert_eq!(Calendar::Ru.day_kind(d), DayKind::DayOff);
        let d = NaiveDate::from_ymd_opt(2027, 5, 10).unwrap_or_default();
        assert_eq!(Calendar::Ru.day_kind(d), DayKind::DayOff);
        let d = NaiveDate::from_ymd_opt(2030, 6, 12).unwrap_or_default();
        assert_eq!(Calendar::Ru.day_kind(d), DayKind::DayOff);
        let d = NaiveDate::from_ymd_opt(2027, 11, 4).unwrap_or_default();
        assert_eq!(Calendar::Ru.day_kind(d), DayKind::DayOff);
    }
}
