//! Finding the card number in free text: «Карта 4600 6820 0001 3», «активация 4600682000013
//! тел 8 916 …», digits split by spaces or dashes, noise and several numbers around.

use super::{CardFormat, CardNumber, Refusal};

/// Texts longer than this (bytes) are refused before any scan: a concatenated SMS is at most
/// ~1,600 characters, i.e. 3,200 bytes of Cyrillic.
pub const MAX_TEXT_BYTES: usize = 4096;

/// Separators that may split one number into groups: space, no-break spaces, hyphen and dashes.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '-' | '\u{2010}'..='\u{2014}' | '\u{2212}'
    )
}

struct Group {
    digits: String,
    joined_to_prev: bool,
}

fn groups(text: &str) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut gap = 0usize; // characters since the last digit
    let mut gap_ok = false; // every gap character is a separator
    for c in text.chars() {
        if c.is_ascii_digit() {
            match out.last_mut() {
                Some(g) if gap == 0 => g.digits.push(c),
                _ => out.push(Group {
                    digits: c.to_string(),
                    joined_to_prev: !out.is_empty() && gap_ok && (1..=2).contains(&gap),
                }),
            }
            gap = 0;
            gap_ok = true;
        } else {
            gap += 1;
            gap_ok &= is_separator(c);
        }
    }
    out
}

/// Reads the one card number in `text` that fits a format of the programme.
///
/// A number may be split into groups by one or two spaces or dashes; every run of adjacent
/// groups is tried, so a card followed by a phone number still reads. Numbers nested inside a
/// longer valid number are ignored. Refusals: [`Refusal::NoCardNumber`],
/// [`Refusal::BadCheckDigit`] (right length and prefix, wrong check digit),
/// [`Refusal::SeveralCards`], [`Refusal::TooLong`].
///
/// ```
/// use chek_engage::loyalty::{extract_card, CardFormat, CheckDigit, Refusal};
/// let f = [CardFormat { name: "EAN-13".into(), length: 13, prefix: "".into(), check: CheckDigit::Gs1 }];
/// let card = extract_card("Карта 4600 6820 0001 3, тел 8 916 123-45-67", &f).unwrap();
/// assert_eq!(card.as_str(), "4600682000013");
/// assert!(matches!(extract_card("карта 4600682000014", &f), Err(Refusal::BadCheckDigit { .. })));
/// assert_eq!(extract_card("привет", &f), Err(Refusal::NoCardNumber));
/// ```
pub fn extract_card(text: &str, formats: &[CardFormat]) -> Result<CardNumber, Refusal> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(Refusal::TooLong {
            len: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    let max_len = formats.iter().map(|f| f.length).max().unwrap_or(0);
    let gs = groups(text);
    // (first group, last group, digits)
    let mut valid: Vec<(usize, usize, String)> = Vec::new();
    let mut typo: Option<String> = None;
    for i in 0..gs.len() {
        let mut digits = String::new();
        for (j, g) in gs.iter().enumerate().skip(i) {
            if j > i && !g.joined_to_prev {
                break;
            }
            digits.push_str(&g.digits);
            if digits.len() > max_len {
                break;
            }
            if formats.iter().any(|f| f.matches(&digits)) {
                valid.push((i, j, digits.clone()));
            } else if typo.is_none() && formats.iter().any(|f| f.shape_matches(&digits)) {
                typo = Some(digits.clone());
            }
        }
    }
    let outer: Vec<&(usize, usize, String)> = valid
        .iter()
        .filter(|(a, b, _)| {
            !valid
                .iter()
                .any(|(c, d, _)| c <= a && b <= d && (c, d) != (a, b))
        })
        .collect();
    let mut found: Vec<&str> = Vec::new();
    for (_, _, d) in &outer {
        if !found.contains(&d.as_str()) {
            found.push(d);
        }
    }
    match found.as_slice() {
        [one] => CardNumber::new(one),
        [] => match typo {
            Some(digits) => Err(Refusal::BadCheckDigit { digits }),
            None => Err(Refusal::NoCardNumber),
        },
        many => Err(Refusal::SeveralCards {
            cards: many.iter().take(5).map(|s| (*s).to_owned()).collect(),
        }),
    }
}

/// Reads a card number typed into a form field: the whole field must be one number of a
/// format (spaces and dashes allowed), not a number somewhere in a text.
///
/// ```
/// use chek_engage::loyalty::{parse_card_field, CardFormat, CheckDigit};
/// let f = [CardFormat { name: "Luhn 16".into(), length: 16, prefix: "".into(), check: CheckDigit::Luhn }];
/// assert_eq!(parse_card_field("4561-2612-1234-5467", &f).unwrap().as_str(), "4561261212345467");
/// assert!(parse_card_field("card 4561261212345467", &f).is_err());
/// ```
pub fn parse_card_field(field: &str, formats: &[CardFormat]) -> Result<CardNumber, Refusal> {
    if field.len() > 128 {
        return Err(Refusal::TooLong {
            len: field.len(),
            max: 128,
        });
    }
    let mut digits = String::new();
    for c in field.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_separator(c) {
            return Err(Refusal::NoCardNumber);
        }
    }
    if formats.iter().any(|f| f.matches(&digits)) {
        CardNumber::new(&digits)
    } else if formats.iter().any(|f| f.shape_matches(&digits)) {
        Err(Refusal::BadCheckDigit { digits })
    } else {
        Err(Refusal::NoCardNumber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::CheckDigit;

    fn ean13() -> Vec<CardFormat> {
        vec![CardFormat {
            name: "EAN-13".into(),
            length: 13,
            prefix: String::new(),
            check: CheckDigit::Gs1,
        }]
    }

    fn two_formats() -> Vec<CardFormat> {
        let mut v = ean13();
        v.push(CardFormat {
            name: "Luhn 16".into(),
            length: 16,
            prefix: "4561".into(),
            check: CheckDigit::Luhn,
        });
        v
    }

    fn ok(text: &str, f: &[CardFormat]) -> String {
        extract_card(text, f)
            .map(String::from)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn forms_of_writing() {
        let f = ean13();
        for text in [
            "4600682000013",
            "КАРТА 4600682000013",
            "карта: 4600 6820 0001 3",
            "4600-6820-0001-3",
            "4 600682 000013",
            "активация4600682000013!!",
            "Привет! Моя карта №4600682000013, спасибо 😊",
            "карта 4600682000013 тел 8 916 123 45 67",
            "8 916 123 45 67 карта 4600682000013",
            "код 12 карта 4600682000013 от 23.11.2026",
            "4600682000013 4600682000013",
            "4600\u{a0}6820\u{a0}0001\u{a0}3",
        ] {
            assert_eq!(ok(text, &f), "4600682000013", "{text}");
        }
    }

    #[test]
    fn card_joined_to_a_phone_by_a_space_still_reads() {
        // One run of groups: the card is the only 13-digit window with a valid check digit.
        assert_eq!(
            ok("4600682000013 8 916 123 45 67", &ean13()),
            "4600682000013"
        );
    }

    #[test]
    fn several_formats() {
        let f = two_formats();
        assert_eq!(ok("card 4561 2612 1234 5467", &f), "4561261212345467");
        assert_eq!(ok("карта 4600682000013", &f), "4600682000013");
        assert!(matches!(
            extract_card("4561261212345467 и 4600682000013", &f),
            Err(Refusal::SeveralCards { cards }) if cards.len() == 2
        ));
    }

    #[test]
    fn failures() {
        let f = ean13();
        assert_eq!(extract_card("", &f), Err(Refusal::NoCardNumber));
        assert_eq!(
            extract_card("позвоните 8 916 123 45 67", &f),
            Err(Refusal::NoCardNumber)
        );
        assert_eq!(
            extract_card("46006820000131", &f),
            Err(Refusal::NoCardNumber),
            "a longer unbroken run is not a card"
        );
        assert_eq!(
            extract_card("карта 4600682000014", &f),
            Err(Refusal::BadCheckDigit {
                digits: "4600682000014".into()
            })
        );
        assert!(matches!(
            extract_card(&"1".repeat(MAX_TEXT_BYTES + 1), &f),
            Err(Refusal::TooLong { .. })
        ));
        assert_eq!(
            extract_card("4600682000013", &[]),
            Err(Refusal::NoCardNumber)
        );
    }

    #[test]
    fn prefix_filters() {
        let f = two_formats();
        // Luhn-valid but without the 4561 prefix: not this programme's card.
        assert_eq!(
            extract_card("4111 1111 1111 1111", &f),
            Err(Refusal::NoCardNumber)
        );
    }

    #[test]
    fn field() {
        let f = ean13();
        assert_eq!(
            parse_card_field(" 4600 6820 0001 3 ", &f).map(String::from),
            Ok("4600682000013".into())
        );
        assert!(matches!(
            parse_card_field("4600682000014", &f),
            Err(Refusal::BadCheckDigit { .. })
        ));
        assert_eq!(parse_card_field("46006820", &f), Err(Refusal::NoCardNumber));
        assert!(parse_card_field(&"4".repeat(200), &f).is_err());
    }
}
