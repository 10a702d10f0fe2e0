//! The formatters a placeholder can name, each rendering a value for SMS or for speech.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use super::NotifyError;
use chek_ru::money::{GROUP_SEP, amount_sms, amount_spoken_in, amount_words_in, group_digits};
use chek_ru::name::PersonName;
use chek_ru::plural::{PluralCategory, PluralForms, parse_operands};
use chek_ru::words::{Case, Gender, cardinal_in, decimal_in};
use chek_ru::{date, spoken};

/// Where a rendered text goes: a screen or a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Text shown to the reader: SMS, e-mail. «1 500 ₽», «16 августа».
    Sms,
    /// Text for text-to-speech: numbers in words, «шестнадцатого августа».
    Speech,
}

/// How a name is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameStyle {
    Given,
    Polite,
    Full,
}

/// A parsed formatter with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fmt {
    /// As given; numbers in words and abbreviations expanded («ул.» → «улица») for speech.
    Text,
    /// Kopecks: «1 500 ₽» / «тысяча пятьсот рублей» (`digits`: «1 500 рублей»), spoken in
    /// a grammatical case.
    Amount { digits: bool, case: Case },
    /// A number: grouped digits / words of the gender in a case.
    Number(Gender, Case),
    /// A number and the word agreeing with it (`with_number`), or the word alone.
    Plural {
        gender: Gender,
        forms: PluralForms,
        with_number: bool,
    },
    /// A date: «16 августа» / «шестнадцатого августа».
    Date { year: bool },
    /// A time: «09:30» / «девять часов тридцать минут».
    Time,
    /// An order number, read in digit groups in speech.
    Order,
    /// A phone number, read in its groups in speech.
    Phone,
    /// A person's name.
    Name(NameStyle),
}

fn gender(s: &str) -> Option<Gender> {
    match s {
        "m" | "м" => Some(Gender::Masculine),
        "f" | "ж" => Some(Gender::Feminine),
        "n" | "с" => Some(Gender::Neuter),
        _ => None,
    }
}

impl Fmt {
    /// Parses `name` and `args` (the text after `:`).
    pub(crate) fn parse(name: &str, args: Option<&str>) -> Result<Self, NotifyError> {
        let bad = || NotifyError::BadFormatter(format!("{name}:{}", args.unwrap_or("")));
        let args = args.map(str::trim).filter(|a| !a.is_empty());
        Ok(match (name.trim(), args) {
            ("" | "text", None) => Fmt::Text,
            ("amount", None) => Fmt::Amount {
                digits: false,
                case: Case::Nominative,
            },
            ("amount", Some(a)) => {
                let (mut digits, mut case) = (false, None);
                for w in a.split(',').map(str::trim) {
                    match (w, Case::parse(w)) {
                        ("digits", _) if !digits => digits = true,
                        (_, Some(c)) if case.is_none() => case = Some(c),
                        _ => return Err(bad()),
                    }
                }
                Fmt::Amount {
                    digits,
                    case: case.unwrap_or_default(),
                }
            }
            ("number", None) => Fmt::Number(Gender::Masculine, Case::Nominative),
            ("number", Some(a)) => {
                let (mut g, mut case) = (None, None);
                for w in a.split(',').map(str::trim) {
                    match (gender(w), Case::parse(w)) {
                        (Some(x), _) if g.is_none() => g = Some(x),
                        (_, Some(c)) if case.is_none() => case = Some(c),
                        _ => return Err(bad()),
                    }
                }
                Fmt::Number(g.unwrap_or_default(), case.unwrap_or_default())
            }
            ("plural" | "word", Some(a)) => {
                let (g, rest) = match a.split_once(',') {
                    Some((g, rest)) if gender(g.trim()).is_some() => {
                        (gender(g.trim()).unwrap_or_default(), rest)
                    }
                    _ => (Gender::Masculine, a),
                };
                Fmt::Plural {
                    gender: g,
                    forms: PluralForms::parse(rest).ok_or_else(bad)?,
                    with_number: name.trim() == "plural",
                }
            }
            ("date", None) => Fmt::Date { year: false },
            ("date", Some("year")) => Fmt::Date { year: true },
            ("time", None) => Fmt::Time,
            ("order", None) => Fmt::Order,
            ("phone", None) => Fmt::Phone,
            ("name", None | Some("given")) => Fmt::Name(NameStyle::Given),
            ("name", Some("polite")) => Fmt::Name(NameStyle::Polite),
            ("name", Some("full")) => Fmt::Name(NameStyle::Full),
            _ => return Err(bad()),
        })
    }

    /// The formatter's name for errors.
    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Fmt::Text => "text",
            Fmt::Amount { .. } => "amount",
            Fmt::Number(..) => "number",
            Fmt::Plural {
                with_number: true, ..
            } => "plural",
            Fmt::Plural { .. } => "word",
            Fmt::Date { .. } => "date",
            Fmt::Time => "time",
            Fmt::Order => "order",
            Fmt::Phone => "phone",
            Fmt::Name(_) => "name",
        }
    }

    /// Renders `v` (the value of variable `var`) for `target`.
    pub(crate) fn apply(
        &self,
        var: &str,
        v: &Value,
        target: Target,
    ) -> Result<String, NotifyError> {
        let bad = |reason: &str| NotifyError::BadValue {
            var: var.to_owned(),
            formatter: self.name(),
            reason: reason.to_owned(),
        };
        let speech = target == Target::Speech;
        match self {
            Fmt::Text => Ok(match v {
                Value::Number(n) if speech => match n.as_i64() {
                    Some(i) => chek_ru::words::cardinal_signed(i, Gender::Masculine),
                    None => n.to_string(),
                },
                // Speech reads addresses out: «ул.» → «улица», «д. 5» → «дом 5».
                Value::String(s) if speech => spoken::expand_abbreviations(&clean(s)),
                Value::String(s) => clean(s),
                Value::Bool(b) => if *b { "да" } else { "нет" }.to_owned(),
                Value::Null => String::new(),
                other => clean(&other.to_string()),
            }),
            Fmt::Amount { digits, case } => {
                let k = kopecks(v).ok_or_else(|| bad("not an integer number of kopecks"))?;
                Ok(match (speech, digits) {
                    (false, _) => amount_sms(k),
                    (true, true) => amount_words_in(k, *case),
                    (true, false) => amount_spoken_in(k, *case),
                })
            }
            Fmt::Number(g, case) => {
                let (neg, i, frac) = operands(v).ok_or_else(|| bad("not a number"))?;
                Ok(number(neg, i, &frac, *g, *case, speech))
            }
            Fmt::Plural {
                gender,
                forms,
                with_number,
            } => {
                let (neg, i, frac) = operands(v).ok_or_else(|| bad("not a number"))?;
                let cat = PluralCategory::of_operands(i, frac.len() as u32);
                let word = forms.get(cat);
                if !with_number {
                    return Ok(word.to_owned());
                }
                Ok(format!(
                    "{} {word}",
                    number(neg, i, &frac, *gender, Case::Nominative, speech)
                ))
            }
            Fmt::Date { year } => {
                let s = v
                    .as_str()
                    .ok_or_else(|| bad("a date is a string YYYY-MM-DD"))?;
                let d = parse_date(s).ok_or_else(|| bad("not a date YYYY-MM-DD"))?;
                Ok(if speech {
                    date::date_spoken(d, *year)
                } else {
                    date::date_text(d, *year)
                })
            }
            Fmt::Time => {
                let s = v.as_str().ok_or_else(|| bad("a time is a string HH:MM"))?;
                let t = parse_time(s).ok_or_else(|| bad("not a time HH:MM"))?;
                Ok(if speech {
                    date::time_spoken(t)
                } else {
                    date::time_text(t)
                })
            }
            Fmt::Order => {
                let s = scalar(v).ok_or_else(|| bad("an order number is a string"))?;
                let s = clean(&s);
                if speech {
                    spoken::order_spoken(&s).ok_or_else(|| bad("no letters or digits"))
                } else {
                    Ok(s)
                }
            }
            Fmt::Phone => {
                let s = scalar(v).ok_or_else(|| bad("a phone is a string"))?;
                if speech {
                    spoken::phone_spoken(&s).ok_or_else(|| bad("no digits"))
                } else {
                    Ok(spoken::phone_text(&s))
                }
            }
            Fmt::Name(style) => {
                let s = v.as_str().ok_or_else(|| bad("a name is a string"))?;
                let n = PersonName::parse(s).ok_or_else(|| bad("no letters"))?;
                Ok(match style {
                    NameStyle::Given => n.given,
                    NameStyle::Polite => n.polite(),
                    NameStyle::Full => n.full(),
                })
            }
        }
    }
}

/// Most characters of one value kept.
pub(crate) const MAX_VALUE: usize = 1024;

/// A value's text without control characters (line breaks become spaces), at most
/// [`MAX_VALUE`] characters.
fn clean(s: &str) -> String {
    s.chars()
        .take(MAX_VALUE)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.chars().take(MAX_VALUE).collect()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn kopecks(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Sign, integer part and fraction digits of a number value (JSON number or decimal text).
fn operands(v: &Value) -> Option<(bool, u64, String)> {
    let s = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.len() <= 64 => s.clone(),
        _ => return None,
    };
    let neg = s.trim_start().starts_with(['-', '−']);
    let (i, _, frac) = parse_operands(&s)?;
    Some((neg, i, frac))
}

fn number(neg: bool, i: u64, frac: &str, g: Gender, case: Case, speech: bool) -> String {
    let sign = if neg { "-" } else { "" };
    if speech {
        let words = if frac.is_empty() {
            cardinal_in(i, g, case)
        } else {
            decimal_in(i, frac, case).unwrap_or_else(|| format!("{i},{frac}"))
        };
        return if neg {
            format!("минус {words}")
        } else {
            words
        };
    }
    if frac.is_empty() {
        format!("{sign}{}", group_digits(i, GROUP_SEP))
    } else {
        format!("{sign}{},{frac}", group_digits(i, GROUP_SEP))
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%d.%m.%Y").ok())
        .or_else(|| {
            NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|d| d.date())
        })
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .ok()
        .or_else(|| NaiveTime::parse_from_str(s, "%H:%M:%S").ok())
        .or_else(|| {
            NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|d| d.time())
        })
}
