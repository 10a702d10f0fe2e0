//! Latin transliteration of Russian text for SMS: a Latin text fits GSM-7 (160/153 characters
//! per segment) instead of UCS-2 (70/67). The table is the one of Russian passports (ГОСТ Р 52535.1,
//! as in Приказ МИД 2019), with «ъ» → «ie».

/// Text in Latin letters: «Заказ ждёт» → «Zakaz zhdet». Characters that are not Cyrillic
/// letters are kept, except the typographic ones a GSM-7 phone lacks, which are replaced by
/// their ASCII look-alikes (« » → ", — → -, ₽ → RUB, no-break spaces → space, № → N).
///
/// ```
/// use chek_ru::translit::to_latin;
/// assert_eq!(to_latin("Заказ №5 ждёт «Вас»"), "Zakaz N5 zhdet \"Vas\"");
/// ```
pub fn to_latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let t: Option<&str> = match lower {
            'а' => Some("a"),
            'б' => Some("b"),
            'в' => Some("v"),
            'г' => Some("g"),
            'д' => Some("d"),
            'е' | 'ё' | 'э' => Some("e"),
            'ж' => Some("zh"),
            'з' => Some("z"),
            'и' => Some("i"),
            'й' => Some("i"),
            'к' => Some("k"),
            'л' => Some("l"),
            'м' => Some("m"),
            'н' => Some("n"),
            'о' => Some("o"),
            'п' => Some("p"),
            'р' => Some("r"),
            'с' => Some("s"),
            'т' => Some("t"),
            'у' => Some("u"),
            'ф' => Some("f"),
            'х' => Some("kh"),
            'ц' => Some("ts"),
            'ч' => Some("ch"),
            'ш' => Some("sh"),
            'щ' => Some("shch"),
            'ъ' => Some("ie"),
            'ы' => Some("y"),
            'ь' => Some(""),
            'ю' => Some("iu"),
            'я' => Some("ia"),
            _ => None,
        };
        match t {
            Some(t) if c != lower => {
                let mut cs = t.chars();
                if let Some(f) = cs.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(cs.as_str());
                }
            }
            Some(t) => out.push_str(t),
            None => match c {
                '«' | '»' | '“' | '”' | '„' => out.push('"'),
                '‘' | '’' => out.push('\''),
                '—' | '–' | '−' => out.push('-'),
                '…' => out.push_str("..."),
                '₽' => out.push_str("RUB"),
                '№' => out.push('N'),
                '\u{A0}' | '\u{202F}' | '\u{2009}' => out.push(' '),
                _ => out.push(c),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet() {
        assert_eq!(
            to_latin("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
            "abvgdeezhziiklmnoprstufkhtschshshchieyeiuia"
        );
        assert_eq!(to_latin("Щука Юлия Ёлка"), "Shchuka Iuliia Elka");
        assert_eq!(to_latin("1\u{202F}500\u{A0}₽"), "1 500 RUB");
    }
}
