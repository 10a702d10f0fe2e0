//! Review-link tokens (spec: `docs/review-token.md`).
//!
//! Version 2 (issued now): 15 bytes in base64url, **20 characters** (no padding), so an
//! invitation with its link fits one SMS. The first byte is `0x20 | n`, then the answer's
//! sequence number in `n` big-endian bytes (0–8, no leading zero byte), then the first `14 − n`
//! bytes of
//! `HMAC-SHA-256(key, "chek-review-v2" 0x00 ‖ u32be(len survey) ‖ survey ‖ header ‖ u64be(seq))`.
//! Up to 16.7 million answers per survey the tag is 88 bits; it never drops below 48 bits.
//!
//! Version 1 (read only, links already sent): hex of `0x01 ‖ u64be(seq) ‖ 16-byte tag`, 50
//! characters.
//!
//! A token is found in a whole link too ([`token_from_link`]): a host may append
//! `?utm_source=…`, a fragment, or the messenger a trailing full stop.

use super::FeedbackError;
use super::hmac::{equal_ct, hmac_sha256};
use chek_core::draw::{from_hex, to_hex};

const V1: u8 = 1;
const V1_TAG_BYTES: usize = 16;
/// Length of a version-1 token (hex of 1 + 8 + 16 bytes): still accepted, no longer issued.
pub const V1_TOKEN_CHARS: usize = 2 * (1 + 8 + V1_TAG_BYTES);

const V2: u8 = 0x20;
const V2_BYTES: usize = 15;
/// Length of a token in characters (version 2: base64url of 15 bytes).
pub const TOKEN_CHARS: usize = 20;

/// Keys shorter than this are refused.
pub const MIN_KEY_BYTES: usize = 16;

/// Longest link looked at for a token.
const MAX_LINK_BYTES: usize = 4096;

pub(crate) fn check_key(key: &[u8]) -> Result<(), FeedbackError> {
    if (MIN_KEY_BYTES..=1024).contains(&key.len()) {
        Ok(())
    } else {
        Err(FeedbackError::WeakKey)
    }
}

fn tag_v1(key: &[u8], survey: &str, seq: u64) -> [u8; 32] {
    hmac_sha256(
        key,
        &[
            b"chek-review-v1\0",
            &(survey.len() as u32).to_be_bytes(),
            survey.as_bytes(),
            &seq.to_be_bytes(),
        ],
    )
}

fn tag_v2(key: &[u8], survey: &str, header: u8, seq: u64) -> [u8; 32] {
    hmac_sha256(
        key,
        &[
            b"chek-review-v2\0",
            &(survey.len() as u32).to_be_bytes(),
            survey.as_bytes(),
            &[header],
            &seq.to_be_bytes(),
        ],
    )
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_encode(raw: &[u8; V2_BYTES]) -> String {
    let mut out = String::with_capacity(TOKEN_CHARS);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &b in raw {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(B64[((acc >> bits) & 63) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(B64[((acc << (6 - bits)) & 63) as usize]));
    }
    out
}

/// Decodes exactly 20 base64url characters into 15 bytes; `None` for another length or
/// another alphabet.
fn b64_decode(s: &str) -> Option<[u8; V2_BYTES]> {
    if s.len() != TOKEN_CHARS {
        return None;
    }
    let mut out = [0u8; V2_BYTES];
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut n = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
        }
        acc &= (1 << bits) - 1;
    }
    (n == V2_BYTES && acc == 0).then_some(out)
}

/// What a token says before its tag is checked.
enum Parsed {
    V1 { seq: u64, tag: Vec<u8> },
    V2 { header: u8, seq: u64, tag: Vec<u8> },
}

fn parse(token: &str) -> Option<Parsed> {
    if token.len() == V1_TOKEN_CHARS {
        let raw = from_hex(token)?;
        if raw.first() != Some(&V1) {
            return None;
        }
        let seq = u64::from_be_bytes(raw.get(1..9)?.try_into().ok()?);
        return Some(Parsed::V1 {
            seq,
            tag: raw.get(9..)?.to_vec(),
        });
    }
    let raw = b64_decode(token)?;
    let header = raw[0];
    let n = usize::from(header & 0x0f);
    if header & 0xf0 != V2 || n > 8 || (n > 0 && raw[1] == 0) {
        return None;
    }
    let seq = raw[1..=n]
        .iter()
        .fold(0u64, |s, &b| (s << 8) | u64::from(b));
    Some(Parsed::V2 {
        header,
        seq,
        tag: raw[1 + n..].to_vec(),
    })
}

/// The token of answer `seq` of survey `survey` (version 2, 20 characters of base64url).
///
/// ```
/// use chek_engage::feedback::{open_token, sign_token, TOKEN_CHARS};
/// let key = b"0123456789abcdef-secret";
/// let t = sign_token(key, "after-visit", 7).unwrap();
/// assert_eq!(t.len(), TOKEN_CHARS);
/// assert_eq!(t.len(), 20);
/// assert_eq!(open_token(key, "after-visit", &t), Ok(7));
/// assert!(open_token(key, "other-survey", &t).is_err());
/// assert!(open_token(b"another-key-of-16+bytes", "after-visit", &t).is_err());
/// ```
pub fn sign_token(key: &[u8], survey: &str, seq: u64) -> Result<String, FeedbackError> {
    check_key(key)?;
    let n = 8 - (seq.leading_zeros() / 8) as usize;
    let header = V2 | n as u8;
    let mut raw = [0u8; V2_BYTES];
    raw[0] = header;
    raw[1..=n].copy_from_slice(&seq.to_be_bytes()[8 - n..]);
    let tag = tag_v2(key, survey, header, seq);
    raw[1 + n..].copy_from_slice(&tag[..V2_BYTES - 1 - n]);
    Ok(b64_encode(&raw))
}

/// The version-1 token (50 hex characters) that links sent before version 2 carry; for hosts
/// and tests that must produce one. [`open_token`] accepts both.
///
/// ```
/// use chek_engage::feedback::{open_token, sign_token_v1, V1_TOKEN_CHARS};
/// let key = b"0123456789abcdef-secret";
/// let t = sign_token_v1(key, "after-visit", 7).unwrap();
/// assert_eq!(t.len(), V1_TOKEN_CHARS);
/// assert_eq!(open_token(key, "after-visit", &t), Ok(7));
/// ```
pub fn sign_token_v1(key: &[u8], survey: &str, seq: u64) -> Result<String, FeedbackError> {
    check_key(key)?;
    let mut raw = Vec::with_capacity(V1_TOKEN_CHARS / 2);
    raw.push(V1);
    raw.extend_from_slice(&seq.to_be_bytes());
    raw.extend_from_slice(&tag_v1(key, survey, seq)[..V1_TAG_BYTES]);
    Ok(to_hex(&raw))
}

/// Trims what a messenger or a sentence glues to the end of a link.
fn trim_tail(s: &str) -> &str {
    s.trim_end_matches(|c: char| {
        matches!(
            c,
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '»' | '"' | '\'' | '>'
        )
    })
}

/// The well-formed tokens in a token or a link, in the order tried: the last path segment,
/// then each query value.
fn candidates(text: &str) -> impl Iterator<Item = &str> {
    let text = if text.len() > MAX_LINK_BYTES {
        ""
    } else {
        text.trim()
    };
    let no_fragment = text.split('#').next().unwrap_or("");
    let (path, query) = no_fragment.split_once('?').unwrap_or((no_fragment, ""));
    let last = trim_tail(path.rsplit('/').next().unwrap_or(""));
    let values = query
        .split(['&', ';'])
        .map(|kv| trim_tail(kv.split_once('=').map_or(kv, |(_, v)| v)));
    std::iter::once(last)
        .chain(values)
        .filter(|t| parse(t).is_some())
}

/// The token of a review link, or the token itself: the last path segment or a query value
/// that is a well-formed token, whatever else the link carries (`?utm_source=…`, other
/// parameters, a `#fragment`, a trailing full stop). Not verified: [`open_token`] checks the
/// signature, [`TokenInfo::parse`] reads the sequence number.
///
/// ```
/// use chek_engage::feedback::{sign_token, token_from_link};
/// let t = sign_token(b"0123456789abcdef-secret", "s", 7).unwrap();
/// let link = format!("https://r.example.ru/r/{t}?utm_source=sms&utm_campaign=nov#top");
/// assert_eq!(token_from_link(&link), Some(t.as_str()));
/// assert_eq!(token_from_link(&format!("https://r.example.ru/?t={t}&utm_source=sms")), Some(t.as_str()));
/// assert_eq!(token_from_link("https://r.example.ru/r/?utm_source=sms"), None);
/// ```
pub fn token_from_link(link: &str) -> Option<&str> {
    candidates(link).next()
}

/// A review token read without its key: the version and the answer's sequence number it
/// claims. Nothing here is verified; only [`open_token`] with the key says the token is
/// genuine.
///
/// ```
/// use chek_engage::feedback::{sign_token, TokenInfo};
/// let t = sign_token(b"0123456789abcdef-secret", "s", 1234).unwrap();
/// let info = TokenInfo::parse(&format!("https://r.example/r/{t}?utm_source=x")).unwrap();
/// assert_eq!((info.version, info.seq, info.token.as_str()), (2, 1234, t.as_str()));
/// assert!(TokenInfo::parse("https://r.example/r/nothing").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    /// The token as found in the link.
    pub token: String,
    /// Token version: 2 (20 characters) or 1 (50 hex characters).
    pub version: u8,
    /// The sequence number of the answer it claims.
    pub seq: u64,
}

impl TokenInfo {
    /// Finds and reads the token of a link (or a bare token); [`FeedbackError::BadToken`]
    /// when there is none.
    pub fn parse(link: &str) -> Result<TokenInfo, FeedbackError> {
        let token = token_from_link(link).ok_or(FeedbackError::BadToken)?;
        match parse(token).ok_or(FeedbackError::BadToken)? {
            Parsed::V1 { seq, .. } => Ok(TokenInfo {
                token: token.to_owned(),
                version: 1,
                seq,
            }),
            Parsed::V2 { seq, .. } => Ok(TokenInfo {
                token: token.to_owned(),
                version: 2,
                seq,
            }),
        }
    }
}

fn verify(key: &[u8], survey: &str, token: &str) -> Option<u64> {
    match parse(token)? {
        Parsed::V1 { seq, tag } => {
            equal_ct(&tag, &tag_v1(key, survey, seq)[..V1_TAG_BYTES]).then_some(seq)
        }
        Parsed::V2 { header, seq, tag } => {
            equal_ct(&tag, &tag_v2(key, survey, header, seq)[..tag.len()]).then_some(seq)
        }
    }
}

/// The answer a token belongs to, if it is well-formed and its tag verifies;
/// [`FeedbackError::BadToken`] otherwise. `token` may be the whole review link, with any query
/// parameters or fragment appended ([`token_from_link`]); version-1 tokens still open.
///
/// ```
/// use chek_engage::feedback::{open_token, sign_token};
/// let key = b"0123456789abcdef-secret";
/// let t = sign_token(key, "after-visit", 7).unwrap();
/// let link = format!("https://r.example.ru/r/{t}?utm_source=sms");
/// assert_eq!(open_token(key, "after-visit", &link), Ok(7));
/// ```
pub fn open_token(key: &[u8], survey: &str, token: &str) -> Result<u64, FeedbackError> {
    check_key(key)?;
    candidates(token)
        .find_map(|t| verify(key, survey, t))
        .ok_or(FeedbackError::BadToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a-secret-of-32-bytes-for-tests!!";

    #[test]
    fn every_flipped_character_is_refused() {
        for t in [
            sign_token(KEY, "s", 42).unwrap_or_default(),
            sign_token_v1(KEY, "s", 42).unwrap_or_default(),
        ] {
            assert_eq!(open_token(KEY, "s", &t), Ok(42));
            for i in 0..t.len() {
                for c in [b'0', b'1', b'A', b'_'] {
                    let mut b = t.clone().into_bytes();
                    if b[i].eq_ignore_ascii_case(&c) {
                        continue;
                    }
                    b[i] = c;
                    let forged = String::from_utf8(b).unwrap_or_default();
                    assert_eq!(
                        open_token(KEY, "s", &forged),
                        Err(FeedbackError::BadToken),
                        "{t} at {i}"
                    );
                }
            }
        }
    }

    #[test]
    fn garbage_and_weak_keys() {
        for t in [
            "",
            "zz",
            &"0".repeat(V1_TOKEN_CHARS),
            &"A".repeat(TOKEN_CHARS),
            &"é".repeat(25),
            &"a".repeat(10_000),
            "https://r.example/r/",
            "https://r.example/r/?utm_source=x#frag",
        ] {
            assert_eq!(open_token(KEY, "s", t), Err(FeedbackError::BadToken));
        }
        assert_eq!(sign_token(b"short", "s", 1), Err(FeedbackError::WeakKey));
        assert_eq!(open_token(b"short", "s", "x"), Err(FeedbackError::WeakKey));
    }

    #[test]
    fn short_at_every_sequence_number() {
        for seq in [
            0,
            1,
            255,
            256,
            65_535,
            1 << 24,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let t = sign_token(KEY, "s", seq).unwrap_or_default();
            assert_eq!(t.len(), TOKEN_CHARS, "{seq}");
            assert!(t.bytes().all(|b| B64.contains(&b)), "{t}");
            assert_eq!(open_token(KEY, "s", &t), Ok(seq), "{seq}");
            assert_eq!(TokenInfo::parse(&t).map(|i| i.seq), Ok(seq));
            assert_eq!(open_token(KEY, "t", &t), Err(FeedbackError::BadToken));
        }
        // Up to 2^24 answers the tag keeps 11 bytes.
        let raw = b64_decode(&sign_token(KEY, "s", (1 << 24) - 1).unwrap_or_default());
        assert_eq!(raw.map(|r| r[0]), Some(0x23));
    }

    /// The vectors of docs/review-token.md, computed with Python's `hmac` and `base64` from the
    /// spec's words alone.
    #[test]
    fn spec_vectors() {
        let key = b"host-secret-of-16+bytes";
        for (seq, want) in [
            (0, "IAgYrUqutcK5XsWeT_OG"),
            (1, "IQGcZcziXzw9f3iLvv3b"),
            (7, "IQdDOVhQhx0JG4FVz8c2"),
            (300, "IgEs7f-YnkhqxNJmySAU"),
            ((1 << 24) - 1, "I____9gPlx0OXr22AjIc"),
            (u64::MAX, "KP__________N-LHTsq5"),
        ] {
            assert_eq!(
                sign_token(key, "after-visit", seq).as_deref(),
                Ok(want),
                "{seq}"
            );
            assert_eq!(open_token(key, "after-visit", want), Ok(seq));
        }
    }

    #[test]
    fn one_spelling_per_token() {
        // A sequence number with a leading zero byte is not a token we issue.
        let mut raw = [0u8; V2_BYTES];
        raw[0] = V2 | 2;
        raw[2] = 5;
        assert!(parse(&b64_encode(&raw)).is_none());
    }

    #[test]
    fn links_with_extra_parameters() {
        let t = sign_token(KEY, "s", 9).unwrap_or_default();
        let v1 = sign_token_v1(KEY, "s", 9).unwrap_or_default();
        for link in [
            format!("https://r.example.ru/r/{t}"),
            format!("https://r.example.ru/r/{t}?utm_source=sms"),
            format!("https://r.example.ru/r/{t}?utm_source=sms&utm_medium=invite#x"),
            format!("https://r.example.ru/r/{t}#reviews"),
            format!("https://r.example.ru/r/{t}."),
            format!("(https://r.example.ru/r/{t})"),
            format!("https://r.example.ru/?utm_source=sms&t={t}"),
            format!("https://r.example.ru/r?t={t};utm_source=sms"),
            format!("  {t}  "),
            format!("https://r.example.ru/r/{v1}?utm_source=sms"),
        ] {
            assert_eq!(open_token(KEY, "s", &link), Ok(9), "{link}");
        }
        // A forged token in the path is not rescued by a query value.
        let forged = format!(
            "https://r.example.ru/r/{}?utm_source=sms",
            "I".repeat(TOKEN_CHARS)
        );
        assert_eq!(open_token(KEY, "s", &forged), Err(FeedbackError::BadToken));
    }

    #[test]
    fn tokens_differ_per_answer() {
        let a = sign_token(KEY, "s", 1).unwrap_or_default();
        let b = sign_token(KEY, "s", 2).unwrap_or_default();
        assert_ne!(a[4..], b[4..], "the tags differ, not only the sequence");
    }
}
