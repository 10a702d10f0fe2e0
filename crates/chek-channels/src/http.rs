//! The blocking HTTP client the SMS and voice gateways share: a checked base URL, a deadline
//! over the whole exchange, a bounded answer, and a one-worker runtime of its own so that the
//! calls block (also when called from inside an async host). No error carries a URL.

use std::fmt;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use crate::ChannelError;

/// The largest answer read from a gateway.
const MAX_ANSWER: usize = 256 * 1024;

/// A raw answer: the HTTP status, the `Retry-After` header in seconds, the body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    // The SMS gateways say how long to wait in their bodies.
    #[cfg_attr(not(feature = "voice"), allow(dead_code))]
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

/// A blocking client for one gateway's base URL, with its own runtime.
pub(crate) struct BlockingClient {
    base: String,
    timeout: Duration,
    client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient")
            .field("base", &self.base)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Drop for BlockingClient {
    fn drop(&mut self) {
        // Dropping inside async code must not panic.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl BlockingClient {
    /// A client for `base` (http or https; a trailing `/` dropped), each call bounded by
    /// `timeout` (more than zero, at most 600 s); `thread` names the runtime's worker.
    pub(crate) fn new(
        base: &str,
        timeout: Duration,
        thread: &str,
    ) -> Result<BlockingClient, ChannelError> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(ChannelError::Invalid(format!(
                "the gateway URL must start with https:// or http://, got {:?}",
                base.chars().take(200).collect::<String>()
            )));
        }
        if timeout.is_zero() || timeout > Duration::from_secs(600) {
            return Err(ChannelError::Invalid(
                "the timeout must be longer than zero and at most 600 s".into(),
            ));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(thread)
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
        Ok(BlockingClient {
            base,
            timeout,
            client,
            runtime: Some(runtime),
        })
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// POSTs to `{base}{path}` what `body` adds to the request (a form, JSON, a header) and
    /// returns the answer whatever its status: the caller reads the provider's error from it.
    pub(crate) fn post(
        &self,
        path: &str,
        body: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Answer, ChannelError> {
        let rt = self
            .runtime
            .as_ref()
            .ok_or_else(|| ChannelError::Unavailable("the client is shut down".into()))?;
        let url = format!("{}{path}", self.base);
        let request = body(self.client.post(url)).timeout(self.timeout);
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

fn transport(e: reqwest::Error) -> ChannelError {
    if e.is_timeout() {
        ChannelError::Timeout("no complete answer within the timeout".into())
    } else if e.is_connect() {
        ChannelError::Unavailable("could not connect".into())
    } else {
        ChannelError::Unavailable(format!("request failed: {}", e.without_url()))
    }
}
