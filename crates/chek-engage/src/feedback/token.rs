//! Review-link tokens: `v1 ‖ sequence ‖ HMAC tag`, hex. The sequence number says which answer
//! the link belongs to; the 128-bit tag, keyed by the host's secret, makes links unguessable and
//! unforgeable.

use super::FeedbackError;
use super::hmac::{equal_ct, hmac_sha256};
use chek_core::draw::{from_hex, to_hex};

const VERSION: u8 = 1;
const TAG_BYTES: usize = 16;
/// Length of a token in characters (hex of 1 + 8 + 16 bytes).
pub const TOKEN_CHARS: usize = 2 * (1 + 8 + TAG_BYTES);

/// Keys shorter than this are refused.
pub const MIN_KEY_BYTES: usize = 16;

pub(crate) fn check_key(key: &[u8]) -> Result<(), FeedbackError> {
    if (MIN_KEY_BYTES..=1024).contains(&key.len()) {
        Ok(())
    } else {
        Err(FeedbackError::WeakKey)
    }
}

fn tag(key: &[u8], survey: &str, seq: u64) -> [u8; 32] {
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

/// The token of answer `seq` of survey `survey`.
///
/// ```
/// use chek_engage::feedback::{open_token, sign_token};
/// let key = b"0123456789abcdef-secret";
/// let t = sign_token(key, "after-visit", 7).unwrap();
/// assert_eq!(t.len(), 50);
/// assert_eq!(open_token(key, "after-visit", &t), Ok(7));
/// assert!(open_token(key, "other-survey", &t).is_err());
/// assert!(open_token(b"another-key-of-16+bytes", "after-visit", &t).is_err());
/// ```
pub fn sign_token(key: &[u8], survey: &str, seq: u64) -> Result<String, FeedbackError> {
    check_key(key)?;
    let mut raw = Vec::with_capacity(TOKEN_CHARS / 2);
    raw.push(VERSION);
    raw.extend_from_slice(&seq.to_be_bytes());
    raw.extend_from_slice(&tag(key, survey, seq)[..TAG_BYTES]);
    Ok(to_hex(&raw))
}

/// The answer a token belongs to, if it is well-formed and its tag verifies;
/// [`FeedbackError::BadToken`] otherwise.
pub fn open_token(key: &[u8], survey: &str, token: &str) -> Result<u64, FeedbackError> {
    check_key(key)?;
    let token = token.trim();
    if token.len() != TOKEN_CHARS {
        return Err(FeedbackError::BadToken);
    }
    let raw = from_hex(token).ok_or(FeedbackError::BadToken)?;
    if raw.first() != Some(&VERSION) {
        return Err(FeedbackError::BadToken);
    }
    let mut seq = [0u8; 8];
    seq.copy_from_slice(&raw[1..9]);
    let seq = u64::from_be_bytes(seq);
    if equal_ct(&raw[9..], &tag(key, survey, seq)[..TAG_BYTES]) {
        Ok(seq)
    } else {
        Err(FeedbackError::BadToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a-secret-of-32-bytes-for-tests!!";

    #[test]
    fn every_flipped_character_is_refused() {
        let t = sign_token(KEY, "s", 42).unwrap_or_default();
        for i in 0..t.len() {
            let mut b = t.clone().into_bytes();
            b[i] = if b[i] == b'0' { b'1' } else { b'0' };
            let forged = String::from_utf8(b).unwrap_or_default();
            assert_eq!(
                open_token(KEY, "s", &forged),
                Err(FeedbackError::BadToken),
                "{i}"
            );
        }
    }

    #[test]
    fn garbage_and_weak_keys() {
        for t in [
            "",
            "zz",
            &"0".repeat(TOKEN_CHARS),
            &"é".repeat(25),
            &"a".repeat(10_000),
        ] {
            assert_eq!(open_token(KEY, "s", t), Err(FeedbackError::BadToken));
        }
        assert_eq!(sign_token(b"short", "s", 1), Err(FeedbackError::WeakKey));
        assert_eq!(open_token(b"short", "s", "x"), Err(FeedbackError::WeakKey));
    }

    #[test]
    fn tokens_differ_per_answer() {
        let a = sign_token(KEY, "s", 1).unwrap_or_default();
        let b = sign_token(KEY, "s", 2).unwrap_or_default();
        assert_ne!(a[18..], b[18..], "the tags differ, not only the sequence");
    }
}
