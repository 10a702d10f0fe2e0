//! The Russian production calendar (производственный календарь): which days are working days,
//! weekends, or public holidays, with the government's transfers of days off.
//!
//! Three layers answer for a date, the first that knows wins:
//!
//! 1. the host's own days ([`Calendar::with_overrides`], e.g. a regional holiday, or a whole
//!    year the host typed in from a decree newer than this crate);
//! 2. the exact tables of the decrees for 2024, 2025, 2026 and 2027 (each table names its
//!    decree beside the data);
//! 3. any other year: the public holidays of Art. 112 of the Labour Code with its transfer rule
//!    (a holiday that falls on a Saturday or Sunday moves the day off to the next working day,
//!    except the January holidays, which only a decree moves) and the shortened day before a
//!    holiday (Art. 95). Such a date carries a [`CalendarWarning`]: the decree for that year may
//!    move days this crate cannot know.
//!
//! The free functions ([`day_kind`], [`is_working_day`], [`is_shortened`],
//! [`next_working_day`], [`warning`]) read the calendar a host [`install`]ed (the built-in one
//! when none was), which is what the care desk's SLA clock and notification windows use.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
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

    /// `working`, `weekend` or `holiday`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DayKind::Working => "working",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
        }
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

/// One year as the government's decree and Art. 112 make it.
struct YearTable {
    year: i32,
    /// Weekdays off besides the holidays themselves: the decree's transfers and the Mondays
    /// Art. 112 gives for holidays on a weekend.
    off: &'static [(u32, u32)],
    /// Saturdays or Sundays that are worked.
    worked: &'static [(u32, u32)],
    /// Working days shortened by an hour (Art. 95), as the calendars of the decree's year list
    /// them.
    short: &'static [(u32, u32)],
    /// The decree.
    source: &'static str,
}

const TABLES: [YearTable; 4] = [
    // Постановление Правительства РФ от 10.08.2023 № 1314 «О переносе выходных дней в 2024
    // году»: с субботы 6 января на пятницу 10 мая; с воскресенья 7 января на вторник 31 декабря;
    // с субботы 27 апреля на понедельник 29 апреля; с субботы 2 ноября на вторник 30 апреля;
    // с субботы 28 декабря на понедельник 30 декабря. 248 рабочих дней, 1979 часов.
    YearTable {
        year: 2024,
        off: &[(4, 29), (4, 30), (5, 10), (12, 30), (12, 31)],
        worked: &[(4, 27), (11, 2), (12, 28)],
        short: &[(2, 22), (3, 7), (5, 8), (6, 11), (11, 2)],
        source: "Постановление Правительства РФ от 10.08.2023 № 1314",
    },
    // Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе выходных дней в 2025
    // году»: с субботы 4 января на пятницу 2 мая; с воскресенья 5 января на среду 31 декабря;
    // с воскресенья 23 февраля на четверг 8 мая; с субботы 8 марта на пятницу 13 июня; с субботы
    // 1 ноября на понедельник 3 ноября. 247 рабочих дней, 1972 часа.
    YearTable {
        year: 2025,
        off: &[(5, 2), (5, 8), (6, 13), (11, 3), (12, 31)],
        worked: &[(11, 1)],
        short: &[(3, 7), (4, 30), (6, 11), (11, 1)],
        source: "Постановление Правительства РФ от 04.10.2024 № 1335",
    },
    // Постановление Правительства РФ от 24.09.2025 № 1466 «О переносе выходных дней в 2026
    // году»: с субботы 3 января на пятницу 9 января; с воскресенья 4 января на четверг
    // 31 декабря. Art. 112: 8 марта (вс) → 9 марта, 9 мая (сб) → 11 мая. 247 рабочих дней,
    // 1972 часа.
    YearTable {
        year: 2026,
        off: &[(1, 9), (3, 9), (5, 11), (12, 31)],
        worked: &[],
        short: &[(4, 30), (5, 8), (6, 11), (11, 3)],
        source: "Постановление Правительства РФ от 24.09.2025 № 1466",
    },
    // Постановление Правительства РФ от 17.09.2026 № 1187 «О переносе выходных дней в 2027
    // году»: с субботы 2 января на пятницу 5 ноября; с воскресенья 3 января на пятницу
    // 31 декабря; с субботы 20 февраля на понедельник 22 февраля. Art. 112: 1 мая (сб) → 3 мая,
    // 9 мая (вс) → 10 мая, 12 июня (сб) → 14 июня. 247 рабочих дней, 1972 часа.
    YearTable {
        year: 2027,
        off: &[(2, 22), (5, 3), (5, 10), (6, 14), (11, 5), (12, 31)],
        worked: &[(2, 20)],
        short: &[(2, 20), (4, 30), (6, 11), (11, 3)],
        source: "Постановление Правительства РФ от 17.09.2026 № 1187",
    },
];

fn table(year: i32) -> Option<&'static YearTable> {
    TABLES.iter().find(|t| t.year == year)
}

/// The first and last years with a decree's table built in.
pub const EXACT_YEARS: (i32, i32) = (2024, 2027);

/// Whether `year` has a decree's table built in (transfers included). A host can declare more
/// years exact with [`Calendar::with_overrides`].
///
/// ```
/// assert!(chek_ru::calendar::is_exact(2024));
/// assert!(chek_ru::calendar::is_exact(2027));
/// assert!(!chek_ru::calendar::is_exact(2030));
/// ```
pub const fn is_exact(year: i32) -> bool {
    year >= EXACT_YEARS.0 && year <= EXACT_YEARS.1
}

/// The decree behind a built-in year, `None` for a year without a table.
///
/// ```
/// assert!(chek_ru::calendar::source(2027).unwrap().contains("№ 1187"));
/// ```
pub fn source(year: i32) -> Option<&'static str> {
    table(year).map(|t| t.source)
}

fn is_holiday_md(d: NaiveDate) -> bool {
    HOLIDAYS.contains(&(d.month(), d.day()))
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Art. 112 for a year without a table: the weekdays off that holidays falling on a weekend
/// give (January excepted), and the shortened days before holidays (Art. 95).
fn statutory(year: i32) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let mut off: Vec<NaiveDate> = Vec::new();
    for &(m, day) in &HOLIDAYS {
        if m == 1 {
            continue;
        }
        let Some(h) = NaiveDate::from_ymd_opt(year, m, day) else {
            continue;
        };
        if !is_weekend(h) {
            continue;
        }
        let mut x = h;
        for _ in 0..14 {
            let Some(n) = x.succ_opt() else { break };
            x = n;
            if !is_weekend(x) && !is_holiday_md(x) && !off.contains(&x) {
                off.push(x);
                break;
            }
        }
    }
    let mut short = Vec::new();
    for &(m, day) in &HOLIDAYS {
        let Some(h) = NaiveDate::from_ymd_opt(year, m, day) else {
            continue;
        };
        let Some(p) = h.pred_opt() else { continue };
        if !is_weekend(p) && !is_holiday_md(p) && !off.contains(&p) && !short.contains(&p) {
            short.push(p);
        }
    }
    (off, short)
}

/// The built-in answer: the decree's table, or Art. 112 beyond the tables.
fn builtin(d: NaiveDate) -> (DayKind, bool) {
    let md = (d.month(), d.day());
    if is_holiday_md(d) {
        return (DayKind::Holiday, false);
    }
    if let Some(t) = table(d.year()) {
        if t.off.contains(&md) {
            return (DayKind::Holiday, false);
        }
        if t.worked.contains(&md) {
            return (DayKind::Working, t.short.contains(&md));
        }
        if is_weekend(d) {
            return (DayKind::Weekend, false);
        }
        return (DayKind::Working, t.short.contains(&md));
    }
    let (off, short) = statutory(d.year());
    if off.contains(&d) {
        (DayKind::Holiday, false)
    } else if is_weekend(d) {
        (DayKind::Weekend, false)
    } else {
        (DayKind::Working, short.contains(&d))
    }
}

/// Why a date's answer may be wrong: its year has no decree's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarWarning {
    /// Stable code: `calendar.not_exact`.
    pub code: String,
    /// The year without a table.
    pub year: i32,
    /// What the answer is based on, in Russian.
    pub message_ru: String,
    /// The same in English.
    pub message_en: String,
}

impl CalendarWarning {
    fn for_year(year: i32) -> Self {
        CalendarWarning {
            code: "calendar.not_exact".into(),
            year,
            message_ru: format!(
                "Для {year} года нет постановления о переносе выходных: учтены праздники и \
                 перенос по ст. 112 ТК РФ, январские переносы неизвестны. Загрузите календарь \
                 года (Calendar.with_overrides)."
            ),
            message_en: format!(
                "No decree table for {year}: public holidays and the Art. 112 transfers are \
                 applied, the January transfers are unknown. Load the year's calendar \
                 (Calendar::with_overrides)."
            ),
        }
    }
}

/// A host's own day: a regional holiday, a day worked, or a day from a newer decree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOverride {
    /// The date.
    pub date: NaiveDate,
    /// Its kind.
    pub kind: DayKind,
    /// A working day shortened by an hour.
    #[serde(default)]
    pub shortened: bool,
}

/// Days a host loads: JSON `{"exact_years": [2028], "days": [{"date": "2028-01-10", "kind":
/// "holiday"}]}` through serde, or the text form of [`Overrides::parse_text`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overrides {
    /// Years the host's days make complete: no warning for them.
    #[serde(default)]
    pub exact_years: Vec<i32>,
    /// The days.
    #[serde(default)]
    pub days: Vec<DayOverride>,
}

/// A line of the host's calendar text that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("calendar line {line}: {reason}")]
pub struct OverrideError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl OverrideError {
    /// Stable code: `calendar.bad_overrides`.
    pub const fn code(&self) -> &'static str {
        "calendar.bad_overrides"
    }
}

/// The most lines or days a host calendar may hold.
pub const MAX_OVERRIDES: usize = 10_000;

impl Overrides {
    /// Parses the text form, one day a line, `#` starts a comment, blank lines skipped:
    ///
    /// ```text
    /// 2027-08-30 holiday   # День Республики Татарстан
    /// 2028-01-10 off       # a decree's transfer (off = holiday)
    /// 2028-04-29 working   # a Saturday worked
    /// 2028-04-28 short     # a working day shortened by an hour
    /// exact 2028           # the lines above complete 2028: no warning for it
    /// ```
    ///
    /// Dates are `YYYY-MM-DD` or `DD.MM.YYYY`; kinds are `holiday`/`off`/`выходной`/
    /// `праздник`, `working`/`рабочий`, `short`/`сокращённый`, `weekend`. A UTF-8 BOM is
    /// skipped. Errors name the line.
    ///
    /// ```
    /// use chek_ru::calendar::{Calendar, DayKind, Overrides};
    /// let o = Overrides::parse_text("\u{feff}2027-08-30 holiday # Татарстан\nexact 2028\n")?;
    /// let cal = Calendar::default().with_overrides(o);
    /// let d = chrono::NaiveDate::from_ymd_opt(2027, 8, 30).unwrap();
    /// assert_eq!(cal.day_kind(d), DayKind::Holiday);
    /// assert!(cal.is_exact(2028));
    /// assert!(Overrides::parse_text("2027-13-01 holiday").is_err());
    /// # Ok::<(), chek_ru::calendar::OverrideError>(())
    /// ```
    pub fn parse_text(text: &str) -> Result<Self, OverrideError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut out = Overrides::default();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |reason: String| OverrideError { line, reason };
            if line > MAX_OVERRIDES {
                return Err(err(format!("more than {MAX_OVERRIDES} lines")));
            }
            let body = raw.split('#').next().unwrap_or("").trim();
            if body.is_empty() {
                continue;
            }
            let mut words = body.split_whitespace();
            let first = words.next().unwrap_or("");
            let second = words.next();
            if words.next().is_some() {
                return Err(err("expected «date kind» or «exact YEAR»".into()));
            }
            if first.eq_ignore_ascii_case("exact") {
                let y: i32 = second
                    .and_then(|y| y.parse().ok())
                    .filter(|y| (1900..=2200).contains(y))
                    .ok_or_else(|| err("exact needs a year 1900..2200".into()))?;
                out.exact_years.push(y);
                continue;
            }
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(first, "%d.%m.%Y"))
                .map_err(|_| err(format!("not a date: {}", clip(first))))?;
            let kind = second.ok_or_else(|| err("a kind is missing".into()))?;
            let (kind, shortened) = match kind.to_lowercase().as_str() {
                "holiday" | "off" | "dayoff" | "day_off" | "праздник" | "выходной" => {
                    (DayKind::Holiday, false)
                }
                "weekend" => (DayKind::Weekend, false),
                "working" | "work" | "рабочий" => (DayKind::Working, false),
                "short" | "shortened" | "сокращённый" | "сокращенный" => {
                    (DayKind::Working, true)
                }
                other => return Err(err(format!("unknown kind {:?}", clip(other)))),
            };
            out.days.push(DayOverride {
                date,
                kind,
                shortened,
            });
        }
        Ok(out)
    }
}

fn clip(s: &str) -> String {
    s.chars().take(32).collect()
}

/// The production calendar with a host's own days on top of the built-in tables.
///
/// ```
/// use chek_ru::calendar::{Calendar, DayKind};
/// let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let cal = Calendar::default();
/// assert_eq!(cal.day_kind(d(2027, 5, 10)), DayKind::Holiday); // 9 May 2027 is a Sunday
/// assert!(cal.warning(d(2027, 5, 10)).is_none());
/// let w = cal.warning(d(2031, 5, 12)).unwrap();               // beyond the tables
/// assert_eq!((w.code.as_str(), w.year), ("calendar.not_exact", 2031));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, (DayKind, bool)>,
    exact_years: BTreeSet<i32>,
}

impl Calendar {
    /// The built-in calendar with the host's `overrides` on top (later days win over earlier
    /// ones, and all over the built-in tables). At most [`MAX_OVERRIDES`] days are taken.
    pub fn with_overrides(mut self, overrides: Overrides) -> Self {
        for o in overrides.days.into_iter().take(MAX_OVERRIDES) {
            let short = o.shortened && o.kind == DayKind::Working;
            self.days.insert(o.date, (o.kind, short));
        }
        self.exact_years
            .extend(overrides.exact_years.into_iter().take(MAX_OVERRIDES));
        self
    }

    /// The host's days, in date order.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            exact_years: self.exact_years.iter().copied().collect(),
            days: self
                .days
                .iter()
                .map(|(&date, &(kind, shortened))| DayOverride {
                    date,
                    kind,
                    shortened,
                })
                .collect(),
        }
    }

    fn lookup(&self, d: NaiveDate) -> (DayKind, bool) {
        match self.days.get(&d) {
            Some(&k) => k,
            None => builtin(d),
        }
    }

    /// The kind of a date.
    pub fn day_kind(&self, d: NaiveDate) -> DayKind {
        self.lookup(d).0
    }

    /// Whether a date is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.day_kind(d).is_working()
    }

    /// Whether a working day is shortened by an hour before a holiday.
    pub fn is_shortened(&self, d: NaiveDate) -> bool {
        let (k, s) = self.lookup(d);
        k.is_working() && s
    }

    /// Whether `year` is exact: built in, or declared complete by the host.
    pub fn is_exact(&self, year: i32) -> bool {
        is_exact(year) || self.exact_years.contains(&year)
    }

    /// The warning for a date whose year is not exact; `None` when it is.
    pub fn warning(&self, d: NaiveDate) -> Option<CalendarWarning> {
        (!self.is_exact(d.year())).then(|| CalendarWarning::for_year(d.year()))
    }

    /// One warning per inexact year from `from` to `to` inclusive (at most 200 years looked at).
    pub fn warnings_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<CalendarWarning> {
        (from.year()..=to.year())
            .take(200)
            .filter(|&y| !self.is_exact(y))
            .map(CalendarWarning::for_year)
            .collect()
    }

    /// The first working day on or after `d` (at most 60 days ahead, which every calendar
    /// satisfies; past that `d + 60` is returned).
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut x = d;
        for _ in 0..60 {
            if self.is_working_day(x) {
                return x;
            }
            match x.succ_opt() {
                Some(n) => x = n,
                None => return x,
            }
        }
        x
    }

    /// Working days from `from` to `to` inclusive (0 when `to` is before `from`; at most
    /// 100 years counted).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut x = from;
        let limit = from + Duration::days(36_600);
        while x <= to && x < limit {
            n += u32::from(self.is_working_day(x));
            match x.succ_opt() {
                Some(s) => x = s,
                None => break,
            }
        }
        n
    }
}

static INSTALLED: RwLock<Option<Arc<Calendar>>> = RwLock::new(None);

/// Makes `cal` the calendar of the whole process: the free functions of this module, and
/// through them the care desk's SLA clock and the notification windows, answer from it. A host
/// calls it once at start-up after loading its regional holidays or a newer decree.
pub fn install(cal: Calendar) {
    let mut g = INSTALLED.write().unwrap_or_else(|e| e.into_inner());
    *g = Some(Arc::new(cal));
}

/// Goes back to the built-in calendar.
pub fn uninstall() {
    let mut g = INSTALLED.write().unwrap_or_else(|e| e.into_inner());
    *g = None;
}

/// The calendar the free functions use: the installed one, or the built-in one.
pub fn installed() -> Arc<Calendar> {
    let g = INSTALLED.read().unwrap_or_else(|e| e.into_inner());
    g.clone().unwrap_or_default()
}

fn with_installed<T>(f: impl FnOnce(&Calendar) -> T) -> T {
    let g = INSTALLED.read().unwrap_or_else(|e| e.into_inner());
    match g.as_deref() {
        Some(c) => f(c),
        None => f(&Calendar::default()),
    }
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
    with_installed(|c| c.day_kind(d))
}

/// Whether a date is a working day.
pub fn is_working_day(d: NaiveDate) -> bool {
    with_installed(|c| c.is_working_day(d))
}

/// Whether a working day is shortened by an hour before a holiday.
pub fn is_shortened(d: NaiveDate) -> bool {
    with_installed(|c| c.is_shortened(d))
}

/// The first working day on or after `d` (at most 60 days ahead).
pub fn next_working_day(d: NaiveDate) -> NaiveDate {
    with_installed(|c| c.next_working_day(d))
}

/// The warning for a date outside the exact tables (of the installed calendar).
///
/// ```
/// let d = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
/// assert_eq!(chek_ru::calendar::warning(d).unwrap().year, 2023);
/// ```
pub fn warning(d: NaiveDate) -> Option<CalendarWarning> {
    with_installed(|c| c.warning(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        ymd(2026, m, day)
    }

    /// (working days, days off, hours at 40 h a week) of a year.
    fn count(cal: &Calendar, year: i32) -> (u32, u32, u32) {
        let mut x = ymd(year, 1, 1);
        let (mut working, mut off, mut hours) = (0, 0, 0);
        while x.year() == year {
            if cal.is_working_day(x) {
                working += 1;
                hours += if cal.is_shortened(x) { 7 } else { 8 };
            } else {
                off += 1;
            }
            x = x.succ_opt().unwrap_or(NaiveDate::MAX);
        }
        (working, off, hours)
    }

    #[test]
    fn years_match_the_official_norms() {
        let c = Calendar::default();
        assert_eq!(count(&c, 2024), (248, 118, 1979));
        assert_eq!(count(&c, 2025), (247, 118, 1972));
        assert_eq!(count(&c, 2026), (247, 118, 1972));
        assert_eq!(count(&c, 2027), (247, 118, 1972));
    }

    fn off(y: i32, days: &[(u32, u32)]) {
        for &(m, day) in days {
            assert!(
                !is_working_day(ymd(y, m, day)),
                "{y}-{m}-{day} is a day off"
            );
        }
    }

    fn worked(y: i32, days: &[(u32, u32)]) {
        for &(m, day) in days {
            assert!(is_working_day(ymd(y, m, day)), "{y}-{m}-{day} is worked");
        }
    }

    #[test]
    fn year_2024() {
        off(
            2024,
            &[(1, 8), (2, 23), (2, 25), (3, 8), (3, 10), (4, 28), (4, 29)],
        );
        off(2024, &[(4, 30), (5, 1), (5, 9), (5, 10), (5, 12), (6, 12)]);
        off(2024, &[(11, 3), (11, 4), (12, 29), (12, 30), (12, 31)]);
        worked(2024, &[(1, 9), (4, 27), (11, 2), (12, 28), (5, 13), (5, 8)]);
        assert!(is_shortened(ymd(2024, 11, 2)));
        assert!(is_shortened(ymd(2024, 2, 22)));
        assert!(!is_shortened(ymd(2024, 12, 28)));
        assert_eq!(day_kind(ymd(2024, 4, 27)), DayKind::Working);
    }

    #[test]
    fn year_2025() {
        off(
            2025,
            &[(1, 8), (2, 22), (2, 23), (3, 8), (3, 9), (5, 1), (5, 2)],
        );
        off(
            2025,
            &[(5, 3), (5, 4), (5, 8), (5, 9), (5, 10), (5, 11), (6, 12)],
        );
        off(
            2025,
            &[
                (6, 13),
                (6, 14),
                (6, 15),
                (11, 2),
                (11, 3),
                (11, 4),
                (12, 31),
            ],
        );
        // 23 February and 8 March went to May and June, not to the Mondays after them.
        worked(
            2025,
            &[(1, 9), (2, 24), (3, 10), (5, 5), (5, 12), (11, 1), (11, 5)],
        );
        assert!(is_shortened(ymd(2025, 3, 7)));
        assert!(is_shortened(ymd(2025, 11, 1)));
        assert!(!is_shortened(ymd(2025, 5, 7)));
    }

    #[test]
    fn periods_of_rest_2026() {
        for day in 1..=11 {
            assert!(!is_working_day(d(1, day)), "январь {day}");
        }
        assert!(is_working_day(d(1, 12)));
        off(
            2026,
            &[
                (2, 21),
                (2, 22),
                (2, 23),
                (3, 7),
                (3, 8),
                (3, 9),
                (5, 1),
                (5, 2),
            ],
        );
        off(
            2026,
            &[(5, 3), (5, 9), (5, 10), (5, 11), (6, 12), (6, 13), (6, 14)],
        );
        off(2026, &[(11, 4)]);
        assert_eq!(day_kind(d(12, 31)), DayKind::Holiday);
        assert!(is_working_day(d(12, 30)));
        assert!(is_shortened(d(4, 30)));
        assert!(!is_shortened(d(4, 29)));
        assert_eq!(next_working_day(d(1, 1)), d(1, 12));
    }

    #[test]
    fn year_2027() {
        for day in 1..=10 {
            assert!(!is_working_day(ymd(2027, 1, day)), "январь {day}");
        }
        off(2027, &[(2, 21), (2, 22), (2, 23), (3, 6), (3, 7), (3, 8)]);
        off(2027, &[(5, 1), (5, 2), (5, 3), (5, 8), (5, 9), (5, 10)]);
        off(
            2027,
            &[
                (6, 12),
                (6, 13),
                (6, 14),
                (11, 4),
                (11, 5),
                (11, 6),
                (11, 7),
                (12, 31),
            ],
        );
        worked(
            2027,
            &[
                (1, 11),
                (2, 20),
                (5, 4),
                (5, 11),
                (6, 15),
                (11, 8),
                (12, 30),
            ],
        );
        assert_eq!(day_kind(ymd(2027, 5, 10)), DayKind::Holiday);
        assert!(is_shortened(ymd(2027, 2, 20)));
        assert!(is_shortened(ymd(2027, 11, 3)));
        assert_eq!(next_working_day(ymd(2027, 5, 8)), ymd(2027, 5, 11));
        assert!(source(2027).is_some_and(|s| s.contains("17.09.2026")));
    }

    #[test]
    fn statutory_rule_beyond_the_tables() {
        let c = Calendar::default();
        // 2028: 23 February is a Wednesday, 8 March a Wednesday; 1 May a Monday; 9 May a
        // Tuesday; 12 June a Monday; 4 November a Saturday → Monday 6 November.
        assert_eq!(c.day_kind(ymd(2028, 11, 4)), DayKind::Holiday);
        assert_eq!(c.day_kind(ymd(2028, 11, 6)), DayKind::Holiday);
        assert!(c.is_working_day(ymd(2028, 11, 7)));
        assert!(c.is_shortened(ymd(2028, 11, 3)));
        // 2032: 9 May is a Sunday, 8 May a Saturday: the day off goes to Monday 10 May.
        assert_eq!(c.day_kind(ymd(2032, 5, 10)), DayKind::Holiday);
        // 2033: 1 May Sunday → Monday 2 May; 12 June Sunday → Monday 13 June.
        assert_eq!(c.day_kind(ymd(2033, 5, 2)), DayKind::Holiday);
        assert_eq!(c.day_kind(ymd(2033, 6, 13)), DayKind::Holiday);
        // January holidays on a weekend move only by decree.
        assert_eq!(c.day_kind(ymd(2028, 1, 10)), DayKind::Working);
        assert_eq!(c.day_kind(ymd(2030, 6, 12)), DayKind::Holiday);
        assert_eq!(c.day_kind(ymd(2030, 6, 15)), DayKind::Weekend);
        assert!(c.warning(ymd(2028, 1, 10)).is_some());
        assert!(c.warning(ymd(2023, 12, 31)).is_some());
        assert!(c.warning(ymd(2026, 12, 31)).is_none());
        assert_eq!(
            c.warnings_between(ymd(2026, 6, 1), ymd(2029, 1, 1))
                .iter()
                .map(|w| w.year)
                .collect::<Vec<_>>(),
            vec![2028, 2029]
        );
        assert_eq!(next_working_day(NaiveDate::MAX), NaiveDate::MAX);
        assert_eq!(c.day_kind(NaiveDate::MAX), c.day_kind(NaiveDate::MAX));
        assert_eq!(c.day_kind(NaiveDate::MIN), c.day_kind(NaiveDate::MIN));
    }

    #[test]
    fn host_overrides_and_installed_calendar() {
        let o = Overrides::parse_text(
            "# Татарстан\n2031-08-30 holiday\n2031-05-10 working\n30.04.2031 short\n\nexact 2031\n",
        )
        .unwrap_or_default();
        assert_eq!(o.days.len(), 3);
        let cal = Calendar::default().with_overrides(o.clone());
        assert_eq!(cal.day_kind(ymd(2031, 8, 30)), DayKind::Holiday);
        assert!(cal.is_working_day(ymd(2031, 5, 10)));
        assert!(cal.is_shortened(ymd(2031, 4, 30)));
        assert!(cal.warning(ymd(2031, 1, 1)).is_none());
        assert_eq!(cal.overrides().days.len(), 3);
        // Installed, the free functions answer from it; 2031 is used by no other test.
        assert!(!is_working_day(ymd(2031, 5, 10)) || is_weekend(ymd(2031, 5, 10)));
        install(cal);
        assert!(is_working_day(ymd(2031, 5, 10)));
        assert!(warning(ymd(2031, 3, 3)).is_none());
        assert_eq!(
            installed().overrides(),
            Calendar::default().with_overrides(o).overrides()
        );
        uninstall();
        assert!(warning(ymd(2031, 3, 3)).is_some());
        for bad in [
            "2031-02-30 holiday",
            "2031-01-01",
            "2031-01-01 party",
            "exact",
            "exact 99999",
            "2031-01-01 holiday extra",
        ] {
            let e = Overrides::parse_text(&format!("\n{bad}")).err();
            assert_eq!(e.as_ref().map(|e| e.line), Some(2), "{bad}");
            assert_eq!(e.map(|e| e.code()), Some("calendar.bad_overrides"));
        }
    }
}
