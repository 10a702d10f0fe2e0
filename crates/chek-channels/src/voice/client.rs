//! The HTTP side both voice gateways share: a JSON POST (with HTTP basic authentication for
//! ARI), a bounded answer, a deadline, and a one-worker runtime so the calls block. Secrets
//! travel in the body or the `Authorization` header, never in the URL, and no error carries a
//! URL.

use std::fmt;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use crate::ChannelError;

/// The largest answer read from a gateway.
const MAX_ANSWER: usize = 256 * 1024;

/// A raw answer: the HTTP status, the `Retry-After` header in seconds, the body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// The body as a JSON value, when it is one.
    pub(crate) fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A blocking JSON-POST client with its own runtime.
pub(crate) struct JsonClient {
    base: String,
    timeout: Duration,
    client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for JsonClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonClient")
            .field("base", &self.base)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Drop for JsonClient {
    fn drop(&mut self) {
        // Dropping inside async code must not panic.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl JsonClient {
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<JsonClient, ChannelError> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(ChannelError::Invalid(format!(
                "the gateway URL must start with https:// or http://, got {:?}",
                base.chars().take(200).collect::<String>()
            )));
        }
        if base.contains('@') {
            return Err(ChannelError::Invalid(
                "the gateway URL must not carry credentials".into(),
            ));
        }
        if timeout.is_zero() || timeout > Duration::from_secs(600) {
            return Err(ChannelError::Invalid(
                "the timeout must be longer than zero and at most 600 s".into(),
            ));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("chek-voice")
            .enable_all()
            .build()
            .map_err(|e| ChannelError::Unavailable(format!("no async runtime: {e}")))?;
        let client = {
            let _in = runtime.enter();
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| ChannelError::Invalid(format!("HTTP client: {}", e.without_url())))?
        };
        Ok(JsonClient {
            base,
            timeout,
            client,
            runtime: Some(runtime),
        })
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// POSTs `body` as JSON to `{base}{path}` (`path` carries the query, already encoded),
    /// with basic authentication when `auth` is given. Any HTTP status is returned: the caller
    /// reads the provider's error from the body.
    pub(crate) fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
        auth: Option<(&str, &str)>,
    ) -> Result<Answer, ChannelError> {
        let rt = self
            .runtime
            .as_ref()
            .ok_or_else(|| ChannelError::Unavailable("the client is shut down".into()))?;
        let url = format!("{}{path}", self.base);
        let mut request = self
            .client
            .post(url)
            .header("Content-Type", "application/json; charset=UTF-8")
            .body(body.to_string())
            .timeout(self.timeout);
        if let Some((user, password)) = auth {
            request = request.basic_auth(user, Some(password));
        }
        let timeout = self.timeout;
        let fut = async move {
            let deadline = Instant::now() + timeout;
            let late =
                || ChannelError::Timeout(format!("no answer within {} s", timeout.as_secs_f64()));
            let mut resp = timeout_at(deadline, request.send())
                .await
                .map_err(|_| late())?
                .map_err(transport)?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.min(86_400)));
            let mut body = Vec::new();
            while let Some(chunk) = timeout_at(deadline, resp.chunk())
                .await
                .map_err(|_| late())?
                .map_err(transport)?
            {
                if body.len() + chunk.len() > MAX_ANSWER {
                    return Err(ChannelError::BadResponse(format!(
                        "an answer over {MAX_ANSWER} bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, ChannelError>(Answer {
                status,
                retry_after,
                body,
            })
        };
        // Called from inside a runtime (an async host), block on a scoped helper thread.
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| rt.block_on(fut))
                    .join()
                    .unwrap_or_else(|_| Err(ChannelError::Unavailable("the call panicked".into())))
            })
        } else {
            rt.block_on(fut)
        }
    }
}

/// The error an HTTP status stands for when the body said nothing more useful.
pub(crate) fn http_failure(a: &Answer, description: String) -> ChannelError {
    match a.status {
        401 | 403 => ChannelError::Unauthorized {
            status: a.status,
            description,
        },
        429 => ChannelError::RateLimited {
            retry_after: a.retry_after,
            description,
        },
        408 | 500.. => ChannelError::Unavailable(description),
        _ => ChannelError::Rejected {
            status: a.status,
            description,
        },
    }
}

fn transport(e: reqwest::Error) -> ChannelError {
    if e.is_timeout() {
        ChannelError::Timeout("no complete answer within the timeout".into())
    } else if e.is_connect() {
        ChannelError::Unavailable("could not connect".into())
    } else {
        ChannelError::Unavailable(format!("request failed: {}", e.without_url()))
    }
}
