//! ИНН (taxpayer number) check digits, 10 and 12 digits.

const W10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// Trims the space padding ФНС JSON adds (`"7814148471  "`).
///
/// ```
/// assert_eq!(chek_core::fiscal::normalize_inn(" 7814148471  "), "7814148471");
/// ```
pub fn normalize_inn(s: &str) -> &str {
    s.trim()
}

/// Whether an ИНН (10 digits for organisations, 12 for persons) has valid check digits.
/// Surrounding spaces are ignored.
///
/// ```
/// use chek_core::fiscal::inn_is_valid;
/// assert!(inn_is_valid("7814148471"));      // Лента
/// assert!(inn_is_valid("7825706086  "));    // Агроторг, as ФНС JSON pads it
/// assert!(inn_is_valid("504404744207"));
/// assert!(!inn_is_valid("7725699008"));     // an OCR misread
/// assert!(!inn_is_valid("12345"));
/// ```
pub fn inn_is_valid(inn: &str) -> bool {
    let inn = normalize_inn(inn);
    if !inn.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let d: Vec<u32> = inn.bytes().map(|b| u32::from(b - b'0')).collect();
    match d.len() {
        10 => check(&d[..9], &W10) == d[9],
        12 => check(&d[..10], &W11) == d[10] && check(&d[..11], &W12) == d[11],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_inns_pass_and_single_digit_changes_fail() {
        for inn in [
            "7814148471",
            "7825706086",
            "7704217370",
            "7736207543",
            "504404744207",
            "272210689013",
            "000000000000",
        ] {
            assert!(inn_is_valid(inn), "{inn}");
            // Changing the last digit must always break the check.
            let mut b = inn.as_bytes().to_vec();
            let last = b.len() - 1;
            b[last] = if b[last] == b'9' { b'0' } else { b[last] + 1 };
            assert!(
                !inn_is_valid(std::str::from_utf8(&b).unwrap()),
                "{inn} altered"
            );
        }
        assert!(inn_is_valid("7725699808"));
        assert!(!inn_is_valid("77256990a8"));
        assert!(!inn_is_valid(""));
    }
}
