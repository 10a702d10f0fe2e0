//! РН ККТ (cash register registration number) check digits.
//!
//! The last six digits are the CRC-16/CCITT-FALSE of the 10-digit ordinal, the seller's ИНН
//! padded to 12 and the register's factory number (ЗН ККТ) padded to 20, written in decimal.

/// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR.
pub(crate) fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// What can be said of a РН ККТ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RnmCheck {
    /// The check digits match the ИНН and factory number.
    Valid,
    /// The check digits do not match.
    Mismatch,
    /// Not 16 digits, or the ИНН or factory number is not usable.
    Malformed,
    /// Without the factory number only the shape can be checked, and it is plausible.
    PlausibleShape,
}

/// The six check digits for an ordinal, ИНН and factory number, or `None` if an input is not
/// digits or is too long.
///
/// ```
/// use chek_core::fiscal::rnm_check_digits;
/// assert_eq!(rnm_check_digits("0007795807", "7825706086", "00105726645591").as_deref(), Some("005569"));
/// ```
pub fn rnm_check_digits(ordinal: &str, inn: &str, kkt_number: &str) -> Option<String> {
    let (inn, zn) = (inn.trim(), kkt_number.trim());
    let ok = |s: &str, max: usize| s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if ordinal.len() != 10 || !ok(ordinal, 10) || !ok(inn, 12) || !ok(zn, 20) || inn.is_empty() {
        return None;
    }
    let buf = format!("{ordinal}{inn:0>12}{zn:0>20}");
    Some(format!("{:06}", crc16_ccitt_false(buf.as_bytes())))
}

/// Checks a РН ККТ against the seller's ИНН and, when known, the factory number (ЗН ККТ).
/// Space padding from ФНС JSON is ignored.
///
/// ```
/// use chek_core::fiscal::{rnm_is_valid, RnmCheck};
/// assert_eq!(rnm_is_valid("0007795807005569    ", "7825706086", Some("00105726645591")), RnmCheck::Valid);
/// assert_eq!(rnm_is_valid("0000373856050035", "7725699008", Some("00106304241645")), RnmCheck::Mismatch);
/// assert_eq!(rnm_is_valid("0000092968041899", "7814148471", None), RnmCheck::PlausibleShape);
/// assert_eq!(rnm_is_valid("0000092968141899", "7814148471", None), RnmCheck::Malformed);
/// ```
pub fn rnm_is_valid(rnm: &str, inn: &str, kkt_number: Option<&str>) -> RnmCheck {
    let rnm = rnm.trim();
    if rnm.len() != 16 || !rnm.bytes().all(|b| b.is_ascii_digit()) {
        return RnmCheck::Malformed;
    }
    // The check part is a CRC-16 (≤ 65535) written in six digits, so digit 11 is always 0.
    let check: u32 = rnm[10..].parse().unwrap_or(u32::MAX);
    if check > 65_535 {
        return RnmCheck::Malformed;
    }
    match kkt_number {
        Some(zn) => match rnm_check_digits(&rnm[..10], inn, zn) {
            Some(digits) if digits == rnm[10..] => RnmCheck::Valid,
            Some(_) => RnmCheck::Mismatch,
            None => RnmCheck::Malformed,
        },
        None => RnmCheck::PlausibleShape,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn real_registration_numbers() {
        let real = [
            ("0007795807005569", "7825706086", "00105726645591"),
            ("0008070212010148", "7736207543", "00000003810518251287"),
            ("0149060006035849", "504404744207", "0149060006000651"),
            ("0000716789055651", "7705886905", "0254100104374"),
            ("0008341297005706", "9723088772", "00107600577322"),
            ("0000000001016090", "9102000373", "00106303010911"),
            ("0000000000018780", "9721018628", "0472570020000241"),
        ];
        for (rnm, inn, zn) in real {
            assert_eq!(rnm_is_valid(rnm, inn, Some(zn)), RnmCheck::Valid, "{rnm}");
        }
        assert_eq!(
            rnm_is_valid("0007795807005568", "7825706086", Some("00105726645591")),
            RnmCheck::Mismatch
        );
        assert_eq!(
            rnm_is_valid("000779580700556", "7825706086", None),
            RnmCheck::Malformed
        );
    }
}
