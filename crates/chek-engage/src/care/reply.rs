//! Quick replies with placeholders that ask the operator for values.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use chek_core::fiscal::parse_roubles;

/// Longest quick-reply text, in bytes.
pub const MAX_REPLY_BYTES: usize = 8 * 1024;
/// Most placeholders in one quick reply.
pub const MAX_PLACEHOLDERS: usize = 32;
/// Longest value for a placeholder, in characters.
pub const MAX_VALUE_CHARS: usize = 500;

/// What a placeholder holds, and so how its value is checked and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Free text.
    #[default]
    Text,
    /// A date, written `15.03.2026` (given as `2026-03-15` or `15.03.2026`).
    Date,
    /// A date and time, written `15.03.2026 12:34`.
    Datetime,
    /// Roubles, written `1 500,50 ₽` (given as `1500.50`, `1500,5`, `1 500`).
    Money,
}

/// A placeholder as declared in the desk file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceholderDef {
    /// The question the operator is asked, e.g. «Дата повторной проверки».
    pub prompt: String,
    /// The kind of value.
    #[serde(default)]
    pub kind: ValueKind,
}

/// A quick reply as written in the desk file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyDef {
    /// Id.
    pub id: String,
    /// Title in the library.
    #[serde(default)]
    pub title: Option<String>,
    /// Text with `{{name}}` placeholders.
    pub text: String,
    /// Declared placeholders (undeclared ones are free text, prompted by name).
    #[serde(default)]
    pub placeholders: BTreeMap<String, PlaceholderDef>,
}

/// A placeholder that still needs a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    /// Placeholder name.
    pub name: String,
    /// The question to ask.
    pub prompt: String,
    /// The kind of value expected.
    pub kind: ValueKind,
}

/// A value that was given but does not fit its placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadValue {
    /// Placeholder name.
    pub name: String,
    /// The value (clipped).
    pub value: String,
    /// The kind expected.
    pub kind: ValueKind,
}

/// A rendered quick reply: the text so far and what is still needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// The reply id.
    pub id: String,
    /// The text; placeholders without a good value stay as `{{name}}`.
    pub text: String,
    /// Whether every placeholder has a good value (the reply can be sent).
    pub complete: bool,
    /// Placeholders with no value: ask these.
    pub missing: Vec<Prompt>,
    /// Values that do not fit: ask again.
    pub invalid: Vec<BadValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Slot(String),
}

/// A compiled quick reply.
///
/// ```
/// use std::collections::BTreeMap;
/// use chek_engage::care::Desk;
/// let desk = Desk::parse(r#"
///     default_group = "g"
///     [groups.g]
///     [[replies]]
///     id = "recheck"
///     text = "Чек от {{receipt_date}} на {{sum}} проверим снова {{recheck_date}}."
///     placeholders.receipt_date = { prompt = "Дата чека", kind = "date" }
///     placeholders.sum = { prompt = "Сумма", kind = "money" }
///     placeholders.recheck_date = { prompt = "Дата повторной проверки", kind = "date" }
/// "#)?;
/// let q = desk.reply("recheck").unwrap();
/// let mut v = BTreeMap::new();
/// v.insert("receipt_date".to_string(), "2026-03-15".to_string());
/// v.insert("sum".to_string(), "1500".to_string());
/// let r = q.render(&v);
/// assert!(!r.complete);
/// assert_eq!(r.missing[0].prompt, "Дата повторной проверки");
/// assert_eq!(r.text, "Чек от 15.03.2026 на 1 500 ₽ проверим снова {{recheck_date}}.");
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickReply {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    parts: Vec<Part>,
    placeholders: Vec<(String, PlaceholderDef)>,
}

impl QuickReply {
    pub(crate) fn compile(d: ReplyDef) -> Result<QuickReply, String> {
        if d.text.len() > MAX_REPLY_BYTES {
            return Err(format!("text over {MAX_REPLY_BYTES} bytes"));
        }
        let mut parts = Vec::new();
        let mut rest = d.text.as_str();
        let mut names: Vec<String> = Vec::new();
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("{:?}: «{{{{» without «}}}}»", d.id))?;
            let name = after[..close].trim();
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(format!("placeholder {name:?}: use a-z, 0-9 and _"));
            }
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
            parts.push(Part::Slot(name.to_owned()));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        if names.len() > MAX_PLACEHOLDERS {
            return Err(format!(
                "{} placeholders, at most {MAX_PLACEHOLDERS}",
                names.len()
            ));
        }
        for declared in d.placeholders.keys() {
            if !names.contains(declared) {
                return Err(format!(
                    "placeholder {declared:?} is declared but not in the text"
                ));
            }
        }
        let placeholders = names
            .into_iter()
            .map(|n| {
                let def = d.placeholders.get(&n).cloned().unwrap_or(PlaceholderDef {
                    prompt: n.clone(),
                    kind: ValueKind::Text,
                });
                (n, def)
            })
            .collect();
        Ok(QuickReply {
            title: d.title.unwrap_or_else(|| d.id.clone()),
            id: d.id,
            parts,
            placeholders,
        })
    }

    /// The placeholders in order of first use, with their prompts.
    pub fn prompts(&self) -> Vec<Prompt> {
        self.placeholders
            .iter()
            .map(|(n, d)| Prompt {
                name: n.clone(),
                prompt: d.prompt.clone(),
                kind: d.kind,
            })
            .collect()
    }

    /// Fills the placeholders from `values` and reports which still need a value and which
    /// values do not fit. Names that are no placeholder of this reply are skipped here (a
    /// segment's facts carry more than one reply uses); [`render_checked`](Self::render_checked)
    /// refuses them.
    pub fn render(&self, values: &BTreeMap<String, String>) -> Rendered {
        let mut good: BTreeMap<&str, String> = BTreeMap::new();
        let mut missing = Vec::new();
        let mut invalid = Vec::new();
        for (n, d) in &self.placeholders {
            match values.get(n).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => missing.push(Prompt {
                    name: n.clone(),
                    prompt: d.prompt.clone(),
                    kind: d.kind,
                }),
                Some(v) => match format_value(v, d.kind) {
                    Some(f) => {
                        good.insert(n, f);
                    }
                    None => invalid.push(BadValue {
                        name: n.clone(),
                        value: v.chars().take(40).collect(),
                        kind: d.kind,
                    }),
                },
            }
        }
        let mut text = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => text.push_str(t),
                Part::Slot(n) => match good.get(n.as_str()) {
                    Some(v) => text.push_str(v),
                    None => {
                        text.push_str("{{");
                        text.push_str(n);
                        text.push_str("}}");
                    }
                },
            }
        }
        Rendered {
            id: self.id.clone(),
            complete: missing.is_empty() && invalid.is_empty(),
            text,
            missing,
            invalid,
        }
    }
}

impl QuickReply {
    /// [`render`](Self::render), but a value for a name that is no placeholder of this reply
    /// is an error (`care.unknown_placeholder`): a mistyped name must not leave the
    /// placeholder silently empty.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use chek_core::Coded;
    /// use chek_engage::care::Desk;
    /// let desk = Desk::parse(r#"
    ///     default_group = "g"
    ///     [groups.g]
    ///     [[replies]]
    ///     id = "thanks"
    ///     text = "Спасибо, {{name}}!"
    /// "#)?;
    /// let q = desk.reply("thanks").unwrap();
    /// let mut v = BTreeMap::new();
    /// v.insert("nmae".to_string(), "Анна".to_string());
    /// let err = q.render_checked(&v).unwrap_err();
    /// assert_eq!(err.code(), "care.unknown_placeholder");
    /// v.clear();
    /// v.insert("name".to_string(), "Анна".to_string());
    /// assert_eq!(q.render_checked(&v)?.text, "Спасибо, Анна!");
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
    pub fn render_checked(
        &self,
        values: &BTreeMap<String, String>,
    ) -> Result<Rendered, super::CareError> {
        let unknown: Vec<String> = values
            .keys()
            .filter(|k| !self.placeholders.iter().any(|(n, _)| n == *k))
            .map(|k| k.chars().take(40).collect())
            .collect();
        if !unknown.is_empty() {
            return Err(super::CareError::UnknownPlaceholder {
                reply: self.id.chars().take(80).collect(),
                names: unknown,
                known: self.placeholders.iter().map(|(n, _)| n.clone()).collect(),
            });
        }
        Ok(self.render(values))
    }
}

/// A value written for the customer, or `None` when it does not fit the kind.
fn format_value(v: &str, kind: ValueKind) -> Option<String> {
    if v.chars().count() > MAX_VALUE_CHARS {
        return None;
    }
    match kind {
        ValueKind::Text => Some(v.chars().filter(|c| !c.is_control()).collect()),
        ValueKind::Date => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
            .ok()
            .map(|d| d.format("%d.%m.%Y").to_string()),
        ValueKind::Datetime => [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%d.%m.%Y %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .map(|t| t.format("%d.%m.%Y %H:%M").to_string()),
        ValueKind::Money => {
            let compact: String = v
                .chars()
                .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '₽'))
                .collect();
            let compact = compact.trim_end_matches("руб.").trim_end_matches("руб");
            parse_roubles(compact).map(money_ru)
        }
    }
}

/// `1 500 ₽`, `1 500,50 ₽`: the way a reply writes roubles.
pub(crate) fn money_ru(kopecks: i64) -> String {
    let rub = (kopecks / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in rub.chars().enumerate() {
        if i > 0 && (rub.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    match kopecks % 100 {
        0 => format!("{grouped} ₽"),
        k => format!("{grouped},{k:02} ₽"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_by_kind() {
        assert_eq!(
            format_value("15.03.2026", ValueKind::Date).as_deref(),
            Some("15.03.2026")
        );
        assert_eq!(format_value("2026-13-01", ValueKind::Date), None);
        assert_eq!(
            format_value("1 500,5 ₽", ValueKind::Money).as_deref(),
            Some("1 500,50 ₽")
        );
        assert_eq!(
            format_value("1234567.00", ValueKind::Money).as_deref(),
            Some("1 234 567 ₽")
        );
        assert_eq!(format_value("сто", ValueKind::Money), None);
        assert_eq!(
            format_value("2026-03-15T12:05", ValueKind::Datetime).as_deref(),
            Some("15.03.2026 12:05")
        );
        assert_eq!(
            format_value("a\u{7}b", ValueKind::Text).as_deref(),
            Some("ab")
        );
    }

    #[test]
    fn bad_templates_are_refused() {
        let d = |t: &str| ReplyDef {
            id: "x".into(),
            title: None,
            text: t.into(),
            placeholders: BTreeMap::new(),
        };
        assert!(QuickReply::compile(d("{{open")).is_err());
        assert!(QuickReply::compile(d("{{Bad Name}}")).is_err());
        assert!(QuickReply::compile(d(&"{{a}}".repeat(2000))).is_err());
        let mut undeclared = d("hi");
        undeclared.placeholders.insert(
            "sum".into(),
            PlaceholderDef {
                prompt: "s".into(),
                kind: ValueKind::Money,
            },
        );
        assert!(QuickReply::compile(undeclared).is_err());
    }
}
