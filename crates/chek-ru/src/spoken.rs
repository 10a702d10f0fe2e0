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
