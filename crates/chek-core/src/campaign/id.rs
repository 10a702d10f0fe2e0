//! The id of a campaign or of one of its rules, held inline.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// The id of a campaign or of one of its rules: 1 to [`Id::MAX_LEN`] bytes of text, held
/// inline. Every decision carries the campaign's id and the ids of the rules that fired;
/// copying them in place costs no allocation and no shared reference count, which threads
/// evaluating the same campaign would otherwise all write to.
///
/// ```
/// use chek_core::campaign::Id;
/// let id = Id::new("per-500").unwrap();
/// assert_eq!(id.as_str(), "per-500");
/// assert_eq!(id, "per-500");
/// assert_eq!(format!("earn.{id}"), "earn.per-500");
/// assert!(Id::new("").is_none());
/// assert!(Id::new(&"x".repeat(65)).is_none());
/// ```
#[derive(Clone, Copy)]
pub struct Id {
    len: u8,
    bytes: [u8; Id::MAX_LEN],
}

impl Id {
    /// The longest id, in bytes; campaign files are checked against it.
    pub const MAX_LEN: usize = 64;

    /// `s` as an id, or `None` if it is empty or longer than [`Id::MAX_LEN`] bytes.
    pub fn new(s: &str) -> Option<Id> {
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return None;
        }
        let mut bytes = [0; Self::MAX_LEN];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Some(Id {
            len: s.len() as u8,
            bytes,
        })
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Built from a `str` only, so always valid; the fallback is never taken.
        std::str::from_utf8(self.used()).unwrap_or_default()
    }
}

impl Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Id {
    fn used(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

// Comparisons and hashing go by bytes, without the UTF-8 check of `as_str`: decisions compare
// their reasons while they are built.
impl PartialEq for Id {
    fn eq(&self, other: &Id) -> bool {
        self.used() == other.used()
    }
}

impl Eq for Id {}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.used() == other.as_bytes()
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.used() == other.as_bytes()
    }
}

impl Hash for Id {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.used().hash(h);
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Id) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Id {
    fn cmp(&self, other: &Id) -> std::cmp::Ordering {
        // UTF-8 sorts by bytes as text sorts by code points.
        self.used().cmp(other.used())
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_up_to_64_bytes_of_any_text() {
        let long = "ё".repeat(32);
        assert_eq!(Id::new(&long).map(|i| i.len()), Some(64));
        assert!(Id::new(&format!("{long}x")).is_none());
        let a = Id::new("акция-1");
        assert_eq!(a.as_deref(), Some("акция-1"));
        assert_eq!(format!("{:?}", a), "Some(\"акция-1\")");
        assert!(Id::new("a") < Id::new("b"));
        assert_eq!(
            serde_json::to_string(&Id::new("x\"y")).ok().as_deref(),
            Some(r#""x\"y""#)
        );
    }
}
