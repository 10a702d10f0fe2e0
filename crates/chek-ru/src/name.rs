//! Personal names as CRMs store them («ИВАНОВА анна сергеевна», «Анна Иванова») and as a
//! message addresses the person: «Анна», «Анна Сергеевна».

use serde::{Deserialize, Serialize};

/// The most characters of a name that are looked at.
pub const MAX_NAME: usize = 128;

/// A name split into its parts, each capitalised.
///
/// ```
/// use chek_ru::name::PersonName;
/// let n = PersonName::parse("ИВАНОВА анна сергеевна").unwrap();
/// assert_eq!(n.given, "Анна");
/// assert_eq!(n.polite(), "Анна Сергеевна");
/// assert_eq!(n.full(), "Анна Сергеевна Иванова");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    /// Имя.
    pub given: String,
    /// Отчество, when given.
    pub patronymic: Option<String>,
    /// Фамилия, when given.
    pub surname: Option<String>,
}

/// Legal forms that mean the name is an organisation's, not a person's.
const LEGAL_FORMS: [&str; 9] = ["ООО", "АО", "ПАО", "ЗАО", "ОАО", "НКО", "ГУП", "МУП", "LLC"];

const PATRONYMIC_ENDS: [&str; 6] = ["ович", "евич", "ьич", "овна", "евна", "ична"];
const SURNAME_ENDS: [&str; 18] = [
    "ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "ын", "ына", "ский", "ская", "цкий",
    "цкая", "ых", "их", "енко", "ук",
];

fn is_patronymic(w: &str) -> bool {
    let w = w.to_lowercase();
    PATRONYMIC_ENDS.iter().any(|e| w.ends_with(e)) || w.ends_with("оглы") || w.ends_with("кызы")
}

fn looks_like_surname(w: &str) -> bool {
    let w = w.to_lowercase();
    w.chars().count() > 3 && SURNAME_ENDS.iter().any(|e| w.ends_with(e))
}

/// «анна-мария» → «Анна-Мария».
fn capitalise(w: &str) -> String {
    w.split('-')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl PersonName {
    /// Splits a name. Word orders understood: «Фамилия Имя Отчество», «Имя Отчество Фамилия»,
    /// «Имя Отчество», «Фамилия Имя» (when the first word ends like a surname), «Имя
    /// Фамилия», «Имя»; «ИП» before a name is skipped. Characters other than letters, hyphens and
    /// apostrophes are dropped; `None` when no letters are left or the name starts with a legal
    /// form (ООО, АО, ПАО…), which is an organisation.
    pub fn parse(s: &str) -> Option<Self> {
        let cleaned: String = s
            .chars()
            .take(MAX_NAME)
            .map(|c| {
                if c.is_alphabetic() || c == '-' || c == '\'' || c == '’' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let first = cleaned.split_whitespace().next().unwrap_or("");
        if LEGAL_FORMS
            .iter()
            .any(|f| first.eq_ignore_ascii_case(f) || first == *f)
        {
            return None;
        }
        let w: Vec<String> = cleaned
            .split_whitespace()
            .skip(usize::from(first == "ИП"))
            .map(|x| x.trim_matches('-'))
            .filter(|x| x.chars().any(char::is_alphabetic))
            .take(4)
            .map(capitalise)
            .collect();
        let pat = |i: usize| w.get(i).is_some_and(|x| is_patronymic(x));
        let (given, patronymic, surname) = match w.len() {
            0 => return None,
            1 => (w[0].clone(), None, None),
            2 if pat(1) => (w[0].clone(), Some(w[1].clone()), None),
            2 if looks_like_surname(&w[0]) && !looks_like_surname(&w[1]) => {
                (w[1].clone(), None, Some(w[0].clone()))
            }
            2 => (w[0].clone(), None, Some(w[1].clone())),
            _ if pat(1) => (w[0].clone(), Some(w[1].clone()), Some(w[2].clone())),
            _ if pat(2) => (w[1].clone(), Some(w[2].clone()), Some(w[0].clone())),
            _ => (w[1].clone(), None, Some(w[0].clone())),
        };
        Some(PersonName {
            given,
            patronymic,
            surname,
        })
    }

    /// How a message addresses the person politely: «Анна Сергеевна», or «Анна» without a
    /// patronymic.
    pub fn polite(&self) -> String {
        match &self.patronymic {
            Some(p) => format!("{} {p}", self.given),
            None => self.given.clone(),
        }
    }

    /// All parts in the order of speech: «Анна Сергеевна Иванова».
    pub fn full(&self) -> String {
        [
            Some(self.given.as_str()),
            self.patronymic.as_deref(),
            self.surname.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PersonName {
        PersonName::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn word_orders() {
        assert_eq!(p("Иванова Анна Сергеевна").polite(), "Анна Сергеевна");
        assert_eq!(
            p("Анна Сергеевна Иванова").surname.as_deref(),
            Some("Иванова")
        );
        assert_eq!(p("пётр ильич").polite(), "Пётр Ильич");
        assert_eq!(p("Петров Иван").given, "Иван");
        assert_eq!(p("Иван Петров").given, "Иван");
        assert_eq!(p("  мария-луиза  ").given, "Мария-Луиза");
        assert_eq!(p("Алиев Рашид Мамед оглы").given, "Рашид");
        assert_eq!(p("Anna Smith").given, "Anna");
        assert_eq!(p("ИП Петров Иван Ильич").polite(), "Иван Ильич");
        assert_eq!(PersonName::parse("ООО «Ромашка»"), None);
        assert_eq!(PersonName::parse("ПАО Банк"), None);
    }

    #[test]
    fn hostile_names() {
        assert_eq!(PersonName::parse(""), None);
        assert_eq!(PersonName::parse("123 !!! \u{0}"), None);
        assert_eq!(
            PersonName::parse("<script>Анна</script>").map(|n| n.given),
            Some("Анна".into())
        );
        let long = "а".repeat(100_000);
        assert!(p(&long).given.chars().count() <= MAX_NAME);
    }
}
