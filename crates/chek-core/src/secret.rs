//! Credentials that never show up in logs, errors or `Debug` output. Pure: holding a secret
//! needs no I/O, so every adapter (`chek-verify`, `chek-channels`) shares this one type.

use std::fmt;

/// A session id, API or bot token supplied by a service. `Debug` prints `Secret(***)`, there is
/// no `Display`, and no outcome or error ever carries it.
///
/// ```
/// use chek_core::secret::Secret;
/// let s = Secret::new("s3cr3t-session");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert_eq!(s.expose(), "s3cr3t-session");
/// ```
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    ///
    /// ```
    /// let s = chek_core::secret::Secret::new(String::from("token"));
    /// assert!(!s.is_empty());
    /// ```
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for building a request only: never log, format or store it.
    ///
    /// ```
    /// let s = chek_core::secret::Secret::new("t");
    /// assert_eq!(s.expose(), "t");
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the credential is empty (a variable that was set to nothing).
    ///
    /// ```
    /// assert!(chek_core::secret::Secret::new("").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}
