//! Lower-case hex, for seeds, beacons and hashes.

/// Encodes bytes as lower-case hex.
///
/// ```
/// assert_eq!(chek_core::draw::to_hex(&[0, 0xab]), "00ab");
/// ```
pub fn to_hex(b: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(D[usize::from(x >> 4)] as char);
        s.push(D[usize::from(x & 15)] as char);
    }
    s
}

/// Decodes hex (either case, surrounding whitespace ignored); `None` if malformed.
///
/// ```
/// assert_eq!(chek_core::draw::from_hex(" 00AB "), Some(vec![0, 0xab]));
/// assert_eq!(chek_core::draw::from_hex("0g"), None);
/// ```
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().as_bytes();
    if !s.len().is_multiple_of(2) || s.len() > 2 * super::MAX_HEX_BYTES {
        return None;
    }
    let v = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.chunks(2)
        .map(|p| Some(v(p[0])? << 4 | v(p[1])?))
        .collect()
}
