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

/// Particles before a surname, kept lower-case: «фон Штайн», «ван Бетховен», «да Винчи».
const SURNAME_PARTICLES: [&str; 36] = [
    "фон",
    "фан",
    "ван",
    "дер",
    "ден",
    "де",
    "ди",
    "да",
    "дю",
    "дель",
    "делла",
    "деи",
    "дос",
    "дас",
    "ла",
    "ле",
    "цу",
    "аль",
    "эль",
    "von",
    "van",
    "der",
    "den",
    "de",
    "di",
    "da",
    "du",
    "del",
    "della",
    "dos",
    "das",
    "la",
    "le",
    "zu",
    "al",
    "el",
];
/// Particles before a father's name: «ибн Рашид», «бинт Халид».
const FATHER_PREFIXES: [&str; 6] = ["ибн", "бин", "бинт", "бен", "ibn", "bin"];
/// Particles after a father's name: «Мамед оглы», «Алиевна кызы».
const FATHER_SUFFIXES: [&str; 6] = ["оглы", "кызы", "улы", "уулу", "ogly", "kyzy"];

fn is_particle(w: &str) -> bool {
    let l = w.to_lowercase();
    SURNAME_PARTICLES.contains(&l.as_str())
        || FATHER_PREFIXES.contains(&l.as_str())
        || FATHER_SUFFIXES.contains(&l.as_str())
}

/// One word: first letter upper, the rest lower; after a one-letter prefix and an apostrophe
/// the next letter is upper too («о'коннор» → «О'Коннор»).
fn capitalise_word(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut upper_next = true;
    let mut letters = 0;
    for c in p.chars() {
        if c == '\'' || c == '’' {
            out.push(c);
            upper_next = letters == 1;
            continue;
        }
        if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.extend(c.to_lowercase());
        }
        letters += 1;
    }
    out
}

/// «анна-мария» → «Анна-Мария»; particles inside a hyphenated word stay lower-case
/// («мамед-оглы» → «Мамед-оглы», «ибн-сина» → «Ибн-Сина» at the start).
fn capitalise(w: &str) -> String {
    w.split('-')
        .enumerate()
        .map(|(i, p)| {
            if i > 0 && is_particle(p) {
                p.to_lowercase()
            } else {
                capitalise_word(p)
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A part of a name after particles were joined to their words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Plain,
    /// «фон Штайн»: a surname for sure.
    Surname,
    /// «Мамед оглы», «ибн Рашид»: a father's name.
    Father,
}

/// Joins particles to their words: «фон» + «Штайн», «Мамед» + «оглы». A word is a particle
/// only when another word follows (or precedes, for «оглы»), and a capitalised first word is a
/// name («Ван Лина»).
fn units(words: &[&str]) -> Vec<(String, Unit)> {
    let mut out: Vec<(String, Unit)> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut pending_father = false;
    for (i, &w) in words.iter().enumerate() {
        let l = w.to_lowercase();
        let lower_written = w.chars().next().is_some_and(char::is_lowercase);
        let first = i == 0;
        let last = i + 1 == words.len();
        if FATHER_SUFFIXES.contains(&l.as_str())
            && !first
            && pending.is_empty()
            && let Some((text, kind)) = out.last_mut()
        {
            text.push(' ');
            text.push_str(&l);
            *kind = Unit::Father;
            continue;
        }
        let prefix_ok = !last && (!first || lower_written);
        if prefix_ok && SURNAME_PARTICLES.contains(&l.as_str()) {
            pending.push(l);
            continue;
        }
        if prefix_ok && FATHER_PREFIXES.contains(&l.as_str()) {
            pending.push(l);
            pending_father = true;
            continue;
        }
        let word = capitalise(w);
        if pending.is_empty() {
            out.push((word, Unit::Plain));
        } else {
            let kind = if pending_father {
                Unit::Father
            } else {
                Unit::Surname
            };
            pending.push(word);
            out.push((pending.join(" "), kind));
            pending.clear();
            pending_father = false;
        }
    }
    out
}

impl PersonName {
    /// Splits a name. Hyphenated names stay whole («Мария-Луиза»); particles stay lower-case
    /// and go with their word: a surname's («фон Штайн», «ван Бетховен», «да Винчи») and a
    /// father's name's («Мамед оглы», «ибн Рашид»). Word orders understood: «Фамилия Имя
    /// Отчество», «Имя Отчество Фамилия», «Имя Отчество», «Фамилия Имя» (when the first word
    /// ends like a surname), «Имя Фамилия», «Имя»; «ИП» before a name is skipped. Characters
    /// other than letters, hyphens and apostrophes are dropped; `None` when no letters are left or the name starts with a legal
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
        let words: Vec<&str> = cleaned
            .split_whitespace()
            .skip(usize::from(first == "ИП"))
            .map(|x| x.trim_matches('-'))
            .filter(|x| x.chars().any(char::is_alphabetic))
            .take(8)
            .collect();
        let mut u = units(&words);
        u.truncate(4);
        if u.is_empty() {
            return None;
        }
        // A surname marked by its particle («фон Штайн») and a father's name marked by its
        // particle («Мамед оглы») place themselves; the rest are given names.
        let marked = u.iter().any(|(_, k)| *k != Unit::Plain);
        if marked {
            let take = |k: Unit, u: &mut Vec<(String, Unit)>| {
                u.iter().position(|(_, x)| *x == k).map(|i| u.remove(i).0)
            };
            let surname = take(Unit::Surname, &mut u);
            let father_at = u.iter().position(|(_, x)| *x == Unit::Father);
            let mut patronymic = take(Unit::Father, &mut u);
            if patronymic.is_none()
                && u.len() >= 2
                && let Some(i) = u.iter().rposition(|(w, _)| is_patronymic(w))
            {
                patronymic = Some(u.remove(i).0);
            }
            let (surname, rest) = match surname {
                Some(s) => (Some(s), u),
                // «Алиев Рашид Мамед оглы», «Рашид Мамед оглы Алиев»: the given name stands
                // before the father's name, the other word is the surname.
                None if u.len() >= 2 => {
                    let gi = father_at
                        .and_then(|f| f.checked_sub(1))
                        .filter(|&g| g < u.len())
                        .unwrap_or(1);
                    let given = u.remove(gi);
                    let s = u.remove(0).0;
                    (Some(s), vec![given])
                }
                None => (None, u),
            };
            let given = rest
                .into_iter()
                .map(|(w, _)| w)
                .collect::<Vec<_>>()
                .join(" ");
            if given.is_empty() {
                return None;
            }
            return Some(PersonName {
                given,
                patronymic,
                surname,
            });
        }
        let w: Vec<String> = u.into_iter().map(|(w, _)| w).collect();
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
    fn hyphens_and_particles() {
        let n = p("Мария-Луиза фон Штайн");
        assert_eq!(n.given, "Мария-Луиза");
        assert_eq!(n.surname.as_deref(), Some("фон Штайн"));
        assert_eq!(n.full(), "Мария-Луиза фон Штайн");
        assert_eq!(n.polite(), "Мария-Луиза");
        assert_eq!(p("МАРИЯ-ЛУИЗА ФОН ШТАЙН").full(), "Мария-Луиза фон Штайн");
        assert_eq!(p("фон штайн мария-луиза").full(), "Мария-Луиза фон Штайн");
        assert_eq!(p("Людвиг ван Бетховен").full(), "Людвиг ван Бетховен");
        assert_eq!(p("Леонардо да Винчи").given, "Леонардо");
        assert_eq!(p("Шарль де Голль").surname.as_deref(), Some("де Голль"));
        let a = p("Алиев Рашид Мамед оглы");
        assert_eq!(a.given, "Рашид");
        assert_eq!(a.patronymic.as_deref(), Some("Мамед оглы"));
        assert_eq!(a.surname.as_deref(), Some("Алиев"));
        assert_eq!(a.polite(), "Рашид Мамед оглы");
        assert_eq!(p("рашид мамед-оглы алиев").polite(), "Рашид Мамед-оглы");
        let b = p("Рашид Мамед оглы Алиев");
        assert_eq!(
            (b.given.as_str(), b.surname.as_deref()),
            ("Рашид", Some("Алиев"))
        );
        assert_eq!(p("Айгуль Рашид кызы").polite(), "Айгуль Рашид кызы");
        assert_eq!(p("Ахмад ибн Хасан").polite(), "Ахмад ибн Хасан");
        assert_eq!(p("Анна Мария фон Штайн").given, "Анна Мария");
        assert_eq!(p("шон о'коннор").full(), "Шон О'Коннор");
        assert_eq!(p("Анна-мария Иванова").given, "Анна-Мария");
        // A capitalised first word is a name, not a particle: Ван is a Chinese surname.
        assert_eq!(p("Ван Лина").full(), "Ван Лина");
        assert_eq!(p("ВАН ЛИНА").given, "Ван");
        assert_eq!(p("Де").given, "Де");
        assert_eq!(p("фон").given, "Фон");
        assert_eq!(p("Анна фон").full(), "Анна Фон");
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
