//! Client behaviour shared by every provider: timeouts, retries, limits.

use std::time::Duration;

/// How the HTTP client behaves. The defaults suit a service calling ФНС in the background.
///
/// ```
/// use chek_verify::ClientConfig;
/// let c = ClientConfig::default();
/// assert_eq!(c.max_retries, 2);
/// assert!(c.total_timeout > c.connect_timeout);
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Time to open the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Time for one whole request, body included.
    pub total_timeout: Duration,
    /// Extra tries after a transient failure (timeout, connection error, 500/502/503/504).
    pub max_retries: u32,
    /// First backoff; doubled per retry, then jittered to 50–100 %.
    pub backoff_base: Duration,
    /// Largest backoff.
    pub backoff_max: Duration,
    /// A `Retry-After` up to this long is waited out; a longer one is returned as rate limited.
    pub retry_after_cap: Duration,
    /// Requests in flight at once per provider.
    pub max_concurrent: usize,
    /// Largest response body read; a larger one is an unusable answer.
    pub max_body_bytes: usize,
    /// Wait between polls of a ФНС ticket that is still being fetched.
    pub poll_interval: Duration,
    /// Polls of a pending ticket before answering «not yet known».
    pub poll_attempts: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(20),
            max_retries: 2,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(10),
            max_concurrent: 8,
            max_body_bytes: 2 * 1024 * 1024,
            poll_interval: Duration::from_secs(1),
            poll_attempts: 5,
        }
    }
}
