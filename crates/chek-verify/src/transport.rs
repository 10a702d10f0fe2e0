//! One HTTP exchange with timeouts, bounded jittered retries, `Retry-After`, a concurrency
//! limit and a body size limit. Providers build requests; this decides when to try again.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder};

use crate::ClientConfig;
use crate::error::BuildError;
use crate::limit::Semaphore;

/// A response worth interpreting: status, content type and the (bounded) body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
    /// `Retry-After` in seconds, when given as seconds.
    pub(crate) retry_after: Option<u64>,
}

impl Reply {
    /// The body as JSON, or why it is not usable JSON.
    pub(crate) fn json(&self) -> Result<serde_json::Value, String> {
        if !self.content_type.to_ascii_lowercase().contains("json") {
            return Err(format!(
                "HTTP {} with content type {:?}, not JSON",
                self.status.as_u16(),
                self.content_type.chars().take(60).collect::<String>()
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            format!(
                "HTTP {} with malformed JSON ({} bytes): {e}",
                self.status.as_u16(),
                self.body.len()
            )
        })
    }
}

/// The shared client of one provider.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    client: Client,
    config: ClientConfig,
    limit: Arc<Semaphore>,
}

impl Transport {
    pub(crate) fn new(config: ClientConfig) -> Result<Self, BuildError> {
        let client = Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BuildError::Client(e.without_url().to_string()))?;
        Ok(Transport {
            client,
            limit: Arc::new(Semaphore::new(config.max_concurrent)),
            config,
        })
    }

    pub(crate) fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends the request built by `build`, retrying transient failures. `Err` is a description
    /// of why the provider is unusable right now (never containing credentials).
    pub(crate) fn send(&self, build: &dyn Fn(&Client) -> RequestBuilder) -> Result<Reply, String> {
        let mut attempt = 0u32;
        loop {
            let result = {
                let _permit = self.limit.acquire();
                self.once(build)
            };
            let (failure, retry_after) = match result {
                Ok(reply) if is_transient(reply.status) => {
                    (format!("HTTP {}", reply.status.as_u16()), reply.retry_after)
                }
                Ok(reply) if reply.status == StatusCode::TOO_MANY_REQUESTS => {
                    match reply.retry_after {
                        Some(s) if Duration::from_secs(s) <= self.config.retry_after_cap => {
                            ("HTTP 429".to_owned(), Some(s))
                        }
                        _ => return Ok(reply),
                    }
                }
                Ok(reply) => return Ok(reply),
                Err(Once::Fatal(why)) => return Err(why),
                Err(Once::Transient(why)) => (why, None),
            };
            if attempt >= self.config.max_retries {
                return Err(format!("{failure} after {} attempts", attempt + 1));
            }
            let wait = match retry_after {
                Some(s) => Duration::from_secs(s).min(self.config.retry_after_cap),
                None => self.backoff(attempt),
            };
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn once(&self, build: &dyn Fn(&Client) -> RequestBuilder) -> Result<Reply, Once> {
        let started = Instant::now();
        let resp = build(&self.client)
            .send()
            .map_err(|e| Once::Transient(describe(&e)))?;
        let status = resp.status();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let retry_after = header(reqwest::header::RETRY_AFTER).and_then(|v| v.trim().parse().ok());
        let limit = self.config.max_body_bytes;
        let mut body = Vec::new();
        // reqwest's blocking timeout bounds each read, not the whole body: a server dribbling
        // a byte at a time would never time out. Check a deadline between reads.
        let deadline = started + self.config.total_timeout;
        let mut reader = resp.take(limit as u64 + 1); // one byte past the limit = too large
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let n = reader.read(&mut chunk).map_err(|e| {
                Once::Transient(format!("reading the body failed: {}", io_kind(&e)))
            })?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
            if Instant::now() > deadline {
                return Err(Once::Transient("timed out reading the body".to_owned()));
            }
        }
        if body.len() > limit {
            return Err(Once::Fatal(format!(
                "HTTP {} body larger than {limit} bytes",
                status.as_u16()
            )));
        }
        Ok(Reply {
            status,
            content_type,
            body,
            retry_after,
        })
    }

    /// `base · 2^attempt`, capped, scaled to 50–100 % so that many clients do not retry in step.
    fn backoff(&self, attempt: u32) -> Duration {
        let full = self
            .config
            .backoff_base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.config.backoff_max);
        full.mul_f64(0.5 + 0.5 * jitter())
    }
}

enum Once {
    Transient(String),
    Fatal(String),
}

fn is_transient(s: StatusCode) -> bool {
    matches!(s.as_u16(), 500 | 502 | 503 | 504)
}

/// A number in [0, 1) from the clock's nanoseconds mixed with a counter: enough to spread
/// retries, no `rand` crate needed.
fn jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "broken response".to_owned()
    } else {
        // Without the URL: a service may put a token in it one day.
        format!("request failed: {}", e_without_url(e))
    }
}

fn e_without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), "<url>");
    }
    s
}

fn io_kind(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "timed out".to_owned(),
        k => format!("{k}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_in_range_and_varies() {
        let xs: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let first = xs[0];
        assert!(xs.iter().any(|x| (x - first).abs() > 1e-9));
    }

    #[test]
    fn backoff_doubles_and_is_capped() -> Result<(), BuildError> {
        let t = Transport::new(ClientConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(350),
            ..ClientConfig::default()
        })?;
        for _ in 0..20 {
            let b0 = t.backoff(0);
            assert!(b0 >= Duration::from_millis(50) && b0 <= Duration::from_millis(100));
            let b1 = t.backoff(1);
            assert!(b1 >= Duration::from_millis(100) && b1 <= Duration::from_millis(200));
            let b5 = t.backoff(5);
            assert!(b5 >= Duration::from_millis(175) && b5 <= Duration::from_millis(350));
        }
        Ok(())
    }
}
