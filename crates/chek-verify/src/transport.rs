//! One HTTP exchange with timeouts, bounded jittered retries, `Retry-After`, a concurrency
//! limit and a body size limit. Providers build requests; this decides when to try again.
//!
//! Everything here is async (reqwest's async client). The blocking facade runs the same
//! futures on a small runtime the transport owns ([`Transport::blocking`]), with its own
//! reqwest client: hyper's pooled connections are driven by the runtime that opened them, so
//! the caller's runtime and ours never share one.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chek_core::verify::VerifyOutcome;
use reqwest::{Client, RequestBuilder, StatusCode};
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout_at};

use crate::ClientConfig;
use crate::error::BuildError;
use crate::retry_after::retry_after_secs;

/// A response worth interpreting: status, content type and the (bounded) body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
    /// `Retry-After` in seconds (given as seconds, or as an HTTP date turned into seconds).
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

/// The shared state of one provider (and of its clones).
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    config: ClientConfig,
    /// One limit for both paths: async and blocking calls count against the same N.
    limit: Semaphore,
    /// For the async path, on the caller's runtime.
    client: Client,
    /// For the blocking facade; built on first blocking use.
    facade: OnceLock<Result<Facade, String>>,
}

/// The blocking facade's runtime and the client whose connections live on it.
#[derive(Debug)]
struct Facade {
    runtime: OwnedRuntime,
    client: Client,
}

/// A runtime with one worker thread. `block_on` may be called from many threads at once: each
/// caller drives its own future, while hyper's connection tasks live on the worker and keep
/// running between calls (so a pooled connection that the server closed is noticed at once, as
/// with reqwest's own blocking client, which also keeps a runtime on a thread of its own).
#[derive(Debug)]
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        // A plain drop panics when it happens inside an async context (a provider dropped in
        // async code); shutting down in the background never blocks and never panics.
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// What one verification runs with: the client for the current runtime plus the shared
/// config and limit.
#[derive(Clone, Copy)]
pub(crate) struct Http<'a> {
    client: &'a Client,
    shared: &'a Shared,
}

fn build_client(config: &ClientConfig) -> Result<Client, String> {
    Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.total_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.without_url().to_string())
}

impl Transport {
    pub(crate) fn new(config: ClientConfig) -> Result<Self, BuildError> {
        let client = build_client(&config).map_err(BuildError::Client)?;
        let permits = config.max_concurrent.clamp(1, Semaphore::MAX_PERMITS);
        Ok(Transport {
            shared: Arc::new(Shared {
                limit: Semaphore::new(permits),
                client,
                facade: OnceLock::new(),
                config,
            }),
        })
    }

    /// The async path: requests run on the caller's tokio runtime.
    pub(crate) fn for_async(&self) -> Http<'_> {
        Http {
            client: &self.shared.client,
            shared: &self.shared,
        }
    }

    /// The blocking facade: runs the future `run` builds on the transport's own runtime.
    /// Inside an async context (where `block_on` would panic) it runs on a scoped thread, so a
    /// blocking call from async code blocks, as documented, but never panics.
    pub(crate) fn blocking<'s, F, Fut>(&'s self, run: F) -> VerifyOutcome
    where
        F: FnOnce(Http<'s>) -> Fut + Send,
        Fut: Future<Output = VerifyOutcome> + Send,
    {
        let facade = self.shared.facade.get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("chek-verify")
                .enable_all()
                .build()
                .map_err(|e| format!("no async runtime for the blocking client: {e}"))?;
            // The client is built inside the runtime so that anything it sets up belongs there.
            let client = {
                let _in = runtime.enter();
                build_client(&self.shared.config)?
            };
            Ok(Facade {
                runtime: OwnedRuntime(Some(runtime)),
                client,
            })
        });
        let facade = match facade {
            Ok(f) => f,
            Err(detail) => {
                return VerifyOutcome::ProviderUnavailable {
                    detail: detail.clone(),
                };
            }
        };
        let Some(rt) = facade.runtime.0.as_ref() else {
            return VerifyOutcome::ProviderUnavailable {
                detail: "the blocking client was shut down".into(),
            };
        };
        let http = Http {
            client: &facade.client,
            shared: &self.shared,
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return rt.block_on(run(http));
        }
        std::thread::scope(|s| {
            s.spawn(|| rt.block_on(run(http)))
                .join()
                .unwrap_or_else(|_| VerifyOutcome::ProviderUnavailable {
                    detail: "the verification thread failed".into(),
                })
        })
    }
}

impl Http<'_> {
    pub(crate) fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    /// Sends the request built by `build`, retrying transient failures. `Err` is a description
    /// of why the provider is unusable right now (never containing credentials).
    pub(crate) async fn send<B>(&self, build: B) -> Result<Reply, String>
    where
        B: Fn(&Client) -> RequestBuilder + Sync,
    {
        let config = self.config();
        let mut attempt = 0u32;
        // Time spent waiting out `429 Retry-After`, at most `retry_after_cap` in all: a rate
        // limit spends none of the retries (it is not a failure), and once its waits would
        // pass the cap the 429 itself is the answer (a rate-limited outcome, never
        // "provider unavailable").
        let mut rate_waited = Duration::ZERO;
        loop {
            let result = {
                // Never closed, so `acquire` cannot fail; without a permit we would still be
                // correct, only less polite.
                let _permit = self.shared.limit.acquire().await.ok();
                self.once(&build).await
            };
            let (failure, retry_after) = match result {
                Ok(reply) if is_transient(reply.status) => {
                    (format!("HTTP {}", reply.status.as_u16()), reply.retry_after)
                }
                Ok(reply) if reply.status == StatusCode::TOO_MANY_REQUESTS => {
                    match reply.retry_after.map(Duration::from_secs) {
                        Some(wait) if rate_waited + wait <= config.retry_after_cap => {
                            tokio::time::sleep(wait).await;
                            rate_waited += wait;
                            continue;
                        }
                        _ => return Ok(reply),
                    }
                }
                Ok(reply) => return Ok(reply),
                Err(Once::Fatal(why)) => return Err(why),
                Err(Once::Transient(why)) => (why, None),
            };
            if attempt >= config.max_retries {
                return Err(format!("{failure} after {} attempts", attempt + 1));
            }
            let wait = match retry_after {
                Some(s) => Duration::from_secs(s).min(config.retry_after_cap),
                None => backoff(config, attempt),
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn once<B>(&self, build: &B) -> Result<Reply, Once>
    where
        B: Fn(&Client) -> RequestBuilder + Sync,
    {
        let config = self.config();
        // reqwest's own total timeout covers the body too; this deadline makes the bound ours,
        // whatever the client does (its blocking client, for one, bounded each read only).
        let deadline = Instant::now() + config.total_timeout;
        let timed_out = || Once::Transient("timed out".to_owned());
        let mut resp = timeout_at(deadline, build(self.client).send())
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| Once::Transient(describe(&e)))?;
        let status = resp.status();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let date = header(reqwest::header::DATE);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| retry_after_secs(&v, date.as_deref(), unix_now()));
        let limit = config.max_body_bytes;
        let too_large = || {
            Once::Fatal(format!(
                "HTTP {} body larger than {limit} bytes",
                status.as_u16()
            ))
        };
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        loop {
            let chunk = timeout_at(deadline, resp.chunk())
                .await
                .map_err(|_| Once::Transient("timed out reading the body".to_owned()))?
                .map_err(|e| {
                    Once::Transient(if e.is_timeout() {
                        "timed out reading the body".to_owned()
                    } else {
                        format!("reading the body failed: {}", describe(&e))
                    })
                })?;
            let Some(chunk) = chunk else { break };
            body.extend_from_slice(&chunk);
            if body.len() > limit {
                return Err(too_large());
            }
        }
        Ok(Reply {
            status,
            content_type,
            body,
            retry_after,
        })
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `base · 2^attempt`, capped, scaled to 50–100 % so that many clients do not retry in step.
fn backoff(config: &ClientConfig, attempt: u32) -> Duration {
    let full = config
        .backoff_base
        .saturating_mul(1u32 << attempt.min(16))
        .min(config.backoff_max);
    full.mul_f64(0.5 + 0.5 * jitter())
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
    fn backoff_doubles_and_is_capped() {
        let t = ClientConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(350),
            ..ClientConfig::default()
        };
        for _ in 0..20 {
            let b0 = backoff(&t, 0);
            assert!(b0 >= Duration::from_millis(50) && b0 <= Duration::from_millis(100));
            let b1 = backoff(&t, 1);
            assert!(b1 >= Duration::from_millis(100) && b1 <= Duration::from_millis(200));
            let b5 = backoff(&t, 5);
            assert!(b5 >= Duration::from_millis(175) && b5 <= Duration::from_millis(350));
        }
    }
}
