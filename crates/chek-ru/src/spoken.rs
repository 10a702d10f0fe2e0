//! Phone numbers and order numbers for SMS and for speech. Read aloud, a long number is split
//! into groups a listener can hold and write down: a Russian mobile number as
//! «плюс семь, девятьсот двенадцать, триста сорок пять, шестьдесят семь, восемьдесят девять».

use super::words::{Gender, cardinal};

/// The most characters of an order number or phone that are read; the rest is dropped, so a
/// hostile value cannot make a ten-minute call.
pub const MAX_SPOKEN: usize = 64;

/// Reads one group of digits: «345» → «триста сорок пять»; leading zeros are read one by one
/// («05» → «ноль пять», «00» → «ноль ноль»).
///
/// ```
/// use chek_ru::spoken::digit_group;
/// assert_eq!(digit_group("345"), "триста сорок пять");
/// assert_eq!(digit_group("05"), "ноль пять");
/// ```
pub fn digit_group(g: &str) -> String {
    let zeros = g.bytes().take_while(|&b| b == b'0').count();
    let rest = &g[zeros..];
    let mut words: Vec<String> = vec!["ноль".to_owned(); zeros];
    if !rest.is_empty() {
        words.push(cardinal(rest.parse().unwrap_or(0), Gender::Masculine));
    }
    words.join(" ")
}

/// Splits a run of digits into groups of two, the first of three when the count is odd:
/// «10234» → «102 34».
fn groups(run: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(run.len() / 2 + 1);
    let mut i = 0;
    if run.len() % 2 == 1 {
        let first = if run.len() == 1 { 1 } else { 3 };
        out.push(&run[..first]);
        i = first;
    }
    while i < run.len() {
        out.push(&run[i..i + 2]);
        i += 2;
    }
    out
}

/// The digits of a phone number when it is a Russian number: 11 digits starting with 7 or 8,
/// or 10 digits (the leading 7 is added). Other numbers come back as their digits.
fn phone_digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).take(20).collect();
    match (d.len(), d.as_bytes().first()) {
        (11, Some(b'8')) if !d.starts_with("8800") => format!("7{}", &d[1..]),
        (10, Some(b'9')) => format!("7{d}"),
        _ => d,
    }
}

/// A phone number for SMS: «+7 912 345-67-89», «8 800 555-35-35»; other formats are left as
/// their digits.
///
/// ```
/// use chek_ru::spoken::phone_text;
/// assert_eq!(phone_text("89123456789"), "+7 912 345-67-89");
/// assert_eq!(phone_text("8 (800) 555-35-35"), "8 800 555-35-35");
/// ```
pub fn phone_text(s: &str) -> String {
    let d = phone_digits(s);
    if d.len() == 11 && (d.starts_with('7') || d.starts_with("8800")) {
        let lead = if d.starts_with('7') { "+7" } else { "8" };
        return format!(
            "{lead} {} {}-{}-{}",
            &d[1..4],
            &d[4..7],
            &d[7..9],
            &d[9..11]
        );
    }
    d
}

/// A phone number for speech, in the groups it is written in, separated by commas so the
/// voice pauses: «плюс семь, девятьсот двенадцать, триста сорок пять, шестьдесят семь,
/// восемьдесят девять». `None` when it holds no digits.
///
/// ```
/// use chek_ru::spoken::phone_spoken;
/// assert_eq!(
///     phone_spoken("+7 912 345-67-89").as_deref(),
///     Some("плюс семь, девятьсот двенадцать, триста сорок пять, шестьдесят семь, восемьдесят девять")
/// );
/// ```
pub fn phone_spoken(s: &str) -> Option<String> {
    let d = phone_digits(s);
    if d.is_empty() {
        return None;
    }
    if d.len() == 11 && (d.starts_with('7') || d.starts_with("8800")) {
        let lead = if d.starts_with('7') {
            "плюс семь"
        } else {
            "восемь"
        };
        let parts = [
            lead.to_owned(),
            digit_group(&d[1..4]),
            digit_group(&d[4..7]),
        ]
        .into_iter()
        .chain([digit_group(&d[7..9]), digit_group(&d[9..11])])
        .collect::<Vec<_>>();
        return Some(parts.join(", "));
    }
    Some(
        groups(&d)
            .into_iter()
            .map(digit_group)
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// An order number for speech: digit runs in groups of two (the first of three when odd),
/// letters kept (a voice spells them), separators turned into pauses. «A-10234» →
/// «A, сто два, тридцать четыре». `None` when nothing readable is left.
///
/// ```
/// use chek_ru::spoken::order_spoken;
/// assert_eq!(order_spoken("A-10234").as_deref(), Some("A, сто два, тридцать четыре"));
/// assert_eq!(order_spoken("0042").as_deref(), Some("ноль ноль, сорок два"));
/// ```
pub fn order_spoken(s: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    let mut word = String::new();
    let flush = |run: &mut String, word: &mut String, parts: &mut Vec<String>| {
        if !word.is_empty() {
            parts.push(std::mem::take(word));
        }
        if !run.is_empty() {
            parts.extend(groups(run).into_iter().map(digit_group));
            run.clear();
        }
    };
    for c in s.chars().take(MAX_SPOKEN) {
        if c.is_ascii_digit() {
            if !word.is_empty() {
                parts.push(std::mem::take(&mut word));
            }
            run.push(c);
        } else if c.is_alphabetic() {
            if !run.is_empty() {
                flush(&mut run, &mut String::new(), &mut parts);
            }
            word.push(c);
        } else {
            flush(&mut run, &mut word, &mut parts);
        }
    }
    flush(&mut run, &mut word, &mut parts);
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(", "))
    }
}

/// What an abbreviation reads as, by what follows it.
#[derive(Clone, Copy)]
enum Reading {
    /// Always the same words.
    Always(&'static str),
    /// One reading before a number, another before a capitalised name; left as written
    /// otherwise.
    NumberOrName(Option<&'static str>, Option<&'static str>),
    /// «г.»: «года» after a number («2026 г.»), «город» before a name («г. Москва»).
    YearOrCity,
}

/// Address and everyday abbreviations read out for text-to-speech, longest first within a
/// shared prefix.
const ABBREVIATIONS: [(&str, Reading); 29] = [
    ("пр-кт", Reading::Always("проспект")),
    ("пр-т", Reading::Always("проспект")),
    ("просп.", Reading::Always("проспект")),
    ("ул.", Reading::Always("улица")),
    ("пер.", Reading::Always("переулок")),
    ("пл.", Reading::Always("площадь")),
    ("наб.", Reading::Always("набережная")),
    ("б-р", Reading::Always("бульвар")),
    ("бул.", Reading::Always("бульвар")),
    ("ш.", Reading::NumberOrName(None, Some("шоссе"))),
    ("мкр-н", Reading::Always("микрорайон")),
    ("мкрн.", Reading::Always("микрорайон")),
    ("мкр.", Reading::Always("микрорайон")),
    ("р-н", Reading::Always("район")),
    ("обл.", Reading::Always("область")),
    ("пос.", Reading::Always("посёлок")),
    ("корп.", Reading::Always("корпус")),
    ("стр.", Reading::NumberOrName(Some("строение"), None)),
    ("кв.", Reading::NumberOrName(Some("квартира"), None)),
    ("д.", Reading::NumberOrName(Some("дом"), Some("деревня"))),
    ("эт.", Reading::NumberOrName(Some("этаж"), None)),
    ("под.", Reading::NumberOrName(Some("подъезд"), None)),
    ("оф.", Reading::NumberOrName(Some("офис"), None)),
    ("пом.", Reading::NumberOrName(Some("помещение"), None)),
    ("тел.", Reading::Always("телефон")),
    ("им.", Reading::NumberOrName(None, Some("имени"))),
    ("м.", Reading::NumberOrName(None, Some("метро"))),
    ("г.", Reading::YearOrCity),
    ("руб.", Reading::Always("рублей")),
];

/// Expands the abbreviations of addresses and messages for text-to-speech, so a voice says
/// «улица Ленина, дом 5, квартира 12» instead of spelling «ул.», «д.», «кв.».
///
/// Expanded: «ул.», «пер.», «пл.», «наб.», «пр-т»/«пр-кт»/«просп.», «б-р»/«бул.», «ш.» (before a
/// name), «мкр.»/«мкрн.»/«мкр-н», «р-н», «обл.», «пос.», «корп.», «стр.», «кв.», «д.» (дом
/// before a number, деревня before a name), «эт.», «под.», «оф.», «пом.» (before a number),
/// «тел.», «им.» and «м.» (метро) before a name, «г.» (город before a name, года after a
/// number), «руб.». An abbreviation is only recognised at the start of a word; a capital first
/// letter is kept («Ул.» → «Улица»). Ambiguous ones stay as written when their context does
/// not decide.
///
/// ```
/// use chek_ru::spoken::expand_abbreviations;
/// assert_eq!(
///     expand_abbreviations("г. Москва, ул. Ленина, д.5, корп. 2, стр. 1, кв. 12"),
///     "город Москва, улица Ленина, дом 5, корпус 2, строение 1, квартира 12"
/// );
/// assert_eq!(expand_abbreviations("Ленинский пр-т, 30"), "Ленинский проспект, 30");
/// assert_eq!(expand_abbreviations("до 16 августа 2026 г."), "до 16 августа 2026 года");
/// ```
pub fn expand_abbreviations(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if at_word_start
            && chars[i].is_alphabetic()
            && let Some((len, words)) = abbreviation_at(&chars, i)
        {
            let mut w = words.chars();
            if chars[i].is_uppercase()
                && let Some(f) = w.next()
            {
                out.extend(f.to_uppercase());
            }
            out.extend(w);
            i += len;
            if chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                out.push(' ');
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The abbreviation starting at `i`: how many chars it takes and what it reads as.
fn abbreviation_at(chars: &[char], i: usize) -> Option<(usize, &'static str)> {
    for (abbr, reading) in ABBREVIATIONS {
        let n = abbr.chars().count();
        let Some(cand) = chars.get(i..i + n) else {
            continue;
        };
        if !cand
            .iter()
            .zip(abbr.chars())
            .all(|(c, a)| c.to_lowercase().eq(a.to_lowercase()))
        {
            continue;
        }
        // A hyphenated form («пр-т») must end the word.
        if !abbr.ends_with('.') && chars.get(i + n).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        let next = chars[i + n..].iter().find(|c| !c.is_whitespace());
        let before_number = next.is_some_and(|c| c.is_ascii_digit());
        let before_name = next.is_some_and(|c| c.is_uppercase());
        let after_number = chars[..i]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| c.is_ascii_digit());
        let words = match reading {
            Reading::Always(w) => Some(w),
            Reading::NumberOrName(num, name) => {
                if before_number {
                    num
                } else if before_name {
                    name
                } else {
                    None
                }
            }
            Reading::YearOrCity => {
                if after_number {
                    Some("года")
                } else if before_name {
                    Some("город")
                } else {
                    None
                }
            }
        };
        if let Some(w) = words {
            return Some((n, w));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(phone_text("+7 (912) 345-67-89"), "+7 912 345-67-89");
        assert_eq!(phone_text("9123456789"), "+7 912 345-67-89");
        assert_eq!(phone_text("12345"), "12345");
        assert_eq!(
            phone_spoken("88005553535").as_deref(),
            Some("восемь, восемьсот, пятьсот пятьдесят пять, тридцать пять, тридцать пять")
        );
        assert_eq!(
            phone_spoken("+7 900 100-00-05").as_deref(),
            Some("плюс семь, девятьсот, сто, ноль ноль, ноль пять")
        );
        assert_eq!(
            phone_spoken("12345").as_deref(),
            Some("сто двадцать три, сорок пять")
        );
        assert_eq!(phone_spoken("no digits"), None);
    }

    #[test]
    fn abbreviations_for_speech() {
        let cases = [
            (
                "ул. Ленина, д. 5, кв. 12",
                "улица Ленина, дом 5, квартира 12",
            ),
            (
                "Ул.Тверская, д.7 корп.2 стр.1",
                "Улица Тверская, дом 7 корпус 2 строение 1",
            ),
            ("пр-кт Мира, 1", "проспект Мира, 1"),
            ("Кутузовский просп., 12", "Кутузовский проспект, 12"),
            ("Тверской б-р, 3", "Тверской бульвар, 3"),
            (
                "г. Казань, мкр. Азино, эт. 3, оф. 301",
                "город Казань, микрорайон Азино, этаж 3, офис 301",
            ),
            ("д. Ивановка", "деревня Ивановка"),
            (
                "Московская обл., Одинцовский р-н",
                "Московская область, Одинцовский район",
            ),
            (
                "ПВЗ у м. Арбатская, тел. +7 495",
                "ПВЗ у метро Арбатская, телефон +7 495",
            ),
            ("к 1 мая 2027 г.", "к 1 мая 2027 года"),
            ("Варшавское ш. 1", "Варшавское ш. 1"),
            ("ш. Энтузиастов", "шоссе Энтузиастов"),
            // Not at a word start, or no context: left alone.
            ("Смирнова ул.", "Смирнова улица"),
            ("год.", "год."),
            ("кв. м", "кв. м"),
            ("прд. 5", "прд. 5"),
            ("гул. 5", "гул. 5"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(expand_abbreviations(raw), want, "{raw}");
        }
        let long = "ул. ".repeat(10_000);
        assert_eq!(expand_abbreviations(&long).matches("улица").count(), 10_000);
    }

    #[test]
    fn orders() {
        assert_eq!(
            order_spoken("123456").as_deref(),
            Some("двенадцать, тридцать четыре, пятьдесят шесть")
        );
        assert_eq!(order_spoken("7").as_deref(), Some("семь"));
        assert_eq!(order_spoken("ЗК12").as_deref(), Some("ЗК, двенадцать"));
        assert_eq!(
            order_spoken("12AB34").as_deref(),
            Some("двенадцать, AB, тридцать четыре")
        );
        assert_eq!(order_spoken("--"), None);
        let long = "9".repeat(10_000);
        let spoken = order_spoken(&long).unwrap_or_default();
        assert_eq!(spoken.matches(',').count(), MAX_SPOKEN / 2 - 1);
    }
}
