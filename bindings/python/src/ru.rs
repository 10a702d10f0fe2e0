//! Russian language and calendar (`chek::ru`): money and numbers in words in a grammatical
//! case, person names, speech abbreviations, the one phone normaliser, and the production
//! calendar with a host's own days (`chek.ProductionCalendar`).

use chek::ru::calendar::{Calendar, CalendarWarning, DayKind, DayOverride, Overrides};
use chek::ru::name::PersonName;
use chek::ru::words::{Case, Gender};
use chek::ru::{money, phone, spoken, words};
use chrono::NaiveDate;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::serde_dict;
use crate::errors::{self, coded_err};

fn case(s: &str) -> PyResult<Case> {
    Case::parse(s).ok_or_else(|| {
        PyValueError::new_err(format!(
            "case {s:?}: use nom, acc, gen, dat, ins or prep (им, вин, род, дат, тв, пр)"
        ))
    })
}

fn gender(s: &str) -> PyResult<Gender> {
    match s.trim() {
        "m" | "м" => Ok(Gender::Masculine),
        "f" | "ж" => Ok(Gender::Feminine),
        "n" | "с" => Ok(Gender::Neuter),
        _ => Err(PyValueError::new_err(format!(
            "gender {s:?}: use m, f or n"
        ))),
    }
}

/// An amount in kopecks in words for speech in a grammatical case: `"acc"` → «тысячу пятьсот
/// рублей» (на …), `"gen"` → «тысячи пятисот рублей» (более …), `"dat"` → «тысяче пятистам
/// рублям» (к …), `"ins"`, `"prep"` → «тысяче пятистах рублях» (о …); `"nom"` is
/// `amount_spoken`. With `digits=True` the number stays in digits: «1 500 рублям».
#[pyfunction]
#[pyo3(signature = (kopecks, case = "nom", digits = false))]
fn amount_spoken_in(kopecks: i64, case: &str, digits: bool) -> PyResult<String> {
    let c = self::case(case)?;
    Ok(if digits {
        money::amount_words_in(kopecks, c)
    } else {
        money::amount_spoken_in(kopecks, c)
    })
}

/// A whole number in words agreeing with a noun of `gender` (`"m"`, `"f"`, `"n"`) in `case`:
/// `number_in_words(21, "f", "gen")` → «двадцати одной».
#[pyfunction]
#[pyo3(signature = (n, gender = "m", case = "nom"))]
fn number_in_words(n: i64, gender: &str, case: &str) -> PyResult<String> {
    Ok(words::cardinal_signed_in(
        n,
        self::gender(gender)?,
        self::case(case)?,
    ))
}

/// A text for text-to-speech with address abbreviations read out: «ул. Ленина, д. 5, кв. 12» →
/// «улица Ленина, дом 5, квартира 12».
#[pyfunction]
fn expand_abbreviations(text: &str) -> String {
    spoken::expand_abbreviations(text)
}

/// A person's name split into parts (`given`, `patronymic`, `surname`, `polite`, `full`), or
/// `None` when it holds no letters or is an organisation's. Hyphens and particles are kept:
/// «Мария-Луиза фон Штайн».
#[pyfunction]
fn person_name<'py>(py: Python<'py>, text: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(n) = PersonName::parse(text) else {
        return Ok(None);
    };
    let d = serde_dict(py, &n, &[])?;
    d.set_item("polite", n.polite())?;
    d.set_item("full", n.full())?;
    Ok(Some(d))
}

/// The phone number in E.164 (`"+79161234567"`) by the one normaliser of every flow (loyalty,
/// care, notify), or `None` when it is not a phone number (`phone_problem` says why).
#[pyfunction]
fn phone_e164(raw: &str) -> Option<String> {
    phone::normalise(raw).ok()
}

/// Why a text is not a phone number: `"phone.empty"`, `"phone.too_long"`, `"phone.bad_char"`,
/// `"phone.bad_digits"`; `None` when it is one.
#[pyfunction]
fn phone_problem(raw: &str) -> Option<&'static str> {
    phone::normalise(raw).err().map(|e| e.code())
}

fn kind(s: &str) -> PyResult<(DayKind, bool)> {
    match s.trim().to_lowercase().as_str() {
        "holiday" | "off" => Ok((DayKind::Holiday, false)),
        "weekend" => Ok((DayKind::Weekend, false)),
        "working" => Ok((DayKind::Working, false)),
        "short" | "shortened" => Ok((DayKind::Working, true)),
        _ => Err(PyValueError::new_err(format!(
            "day kind {s:?}: use holiday, working, short or weekend"
        ))),
    }
}

fn warning_dict<'py>(
    py: Python<'py>,
    w: Option<CalendarWarning>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    w.map(|w| serde_dict(py, &w, &[])).transpose()
}

/// The Russian production calendar: the decrees' tables for 2024–2027, the Labour Code's
/// transfer rule beyond them (with a warning), and the host's own days on top.
///
/// `ProductionCalendar(text=None, days=None, exact_years=None)`: `text` in the form
/// `2027-08-30 holiday  # comment` / `exact 2028`, one a line (raises `chek.ChekError` with
/// code `calendar.bad_overrides`); `days` a list of `(date, kind)` with kind `holiday`,
/// `working`, `short` or `weekend`; `exact_years` years the host's days complete.
#[pyclass(frozen, module = "chek", name = "ProductionCalendar")]
pub(crate) struct PyCalendar(Calendar);

#[pymethods]
impl PyCalendar {
    #[new]
    #[pyo3(signature = (text = None, days = None, exact_years = None))]
    fn new(
        py: Python<'_>,
        text: Option<&str>,
        days: Option<Vec<(NaiveDate, String)>>,
        exact_years: Option<Vec<i32>>,
    ) -> PyResult<Self> {
        let mut o = match text {
            Some(t) => Overrides::parse_text(t).map_err(|e| {
                coded_err(
                    py,
                    &py.get_type::<errors::ChekError>(),
                    e.to_string(),
                    e.code(),
                    (
                        format!(
                            "Строка {} календаря: {}. Формат: «2027-08-30 holiday» или «exact 2028».",
                            e.line, e.reason
                        )
                        .into(),
                        format!(
                            "Calendar line {}: {}. Write «2027-08-30 holiday» or «exact 2028».",
                            e.line, e.reason
                        )
                        .into(),
                    ),
                    PyDict::new(py),
                )
            })?,
            None => Overrides::default(),
        };
        for (date, k) in days.unwrap_or_default() {
            let (kind, shortened) = kind(&k)?;
            o.days.push(DayOverride {
                date,
                kind,
                shortened,
            });
        }
        o.exact_years.extend(exact_years.unwrap_or_default());
        Ok(PyCalendar(Calendar::default().with_overrides(o)))
    }

    /// `"working"`, `"weekend"` or `"holiday"` (a public holiday or a weekday off by transfer).
    fn day_kind(&self, date: NaiveDate) -> &'static str {
        self.0.day_kind(date).as_str()
    }

    /// Whether people work that day.
    fn is_working_day(&self, date: NaiveDate) -> bool {
        self.0.is_working_day(date)
    }

    /// Whether a working day is shortened by an hour before a holiday.
    fn is_shortened(&self, date: NaiveDate) -> bool {
        self.0.is_shortened(date)
    }

    /// The first working day on or after `date`.
    fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.0.next_working_day(date)
    }

    /// Working days from `start` to `end` inclusive.
    fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        self.0.working_days_between(start, end)
    }

    /// Whether `year` is exact (a decree's table built in, or declared by the host).
    fn is_exact(&self, year: i32) -> bool {
        self.0.is_exact(year)
    }

    /// `None` when the date's year is exact; otherwise a dict `{code: "calendar.not_exact",
    /// year, message_ru, message_en}`: the answer follows the Labour Code, and a decree may
    /// move days this calendar cannot know.
    fn warning<'py>(
        &self,
        py: Python<'py>,
        date: NaiveDate,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        warning_dict(py, self.0.warning(date))
    }

    /// Makes this the calendar of the whole process: the care desk's SLA clock and the
    /// notification windows then use its days.
    fn install(&self) {
        chek::ru::calendar::install(self.0.clone());
    }

    /// Goes back to the built-in calendar for the whole process.
    #[staticmethod]
    fn uninstall() {
        chek::ru::calendar::uninstall();
    }

    /// The decree behind a built-in year, or `None`.
    #[staticmethod]
    fn source(year: i32) -> Option<&'static str> {
        chek::ru::calendar::source(year)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCalendar>()?;
    m.add_function(wrap_pyfunction!(amount_spoken_in, m)?)?;
    m.add_function(wrap_pyfunction!(number_in_words, m)?)?;
    m.add_function(wrap_pyfunction!(expand_abbreviations, m)?)?;
    m.add_function(wrap_pyfunction!(person_name, m)?)?;
    m.add_function(wrap_pyfunction!(phone_e164, m)?)?;
    m.add_function(wrap_pyfunction!(phone_problem, m)?)?;
    Ok(())
}
