//! Credentials that never show up in logs, errors or `Debug` output.

use std::fmt;

/// A session id or API token supplied by the service. `Debug` prints `Secret(***)`, there is no
/// `Display`, and no outcome or error ever carries it.
///
/// ```
/// use chek_verify::Secret;
/// let s = Secret::new("s3cr3t-session");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// ```
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for building a request only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}
