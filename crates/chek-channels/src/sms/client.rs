//! The HTTP side every SMS gateway shares: a form POST, a bounded JSON answer, a deadline, and
//! a one-worker runtime so the calls block. Secrets travel in the form body, never in the URL,
//! and no error carries a URL.

use std::fmt;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use crate::ChannelError;

/// The largest answer read from a gateway.
const MAX_ANSWER: usize = 256 * 1024;

/// A blocking form-POST client with its own runtime.
pub(crate) struct FormClient {
    base: String,
    timeout: Duration,
    client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for FormClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormClient")
            .field("base", &self.base)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Drop for FormClient {
    fn drop(&mut self) {
        // Dropping inside async code must not panic.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl FormClient {
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<FormClient, ChannelError> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(ChannelError::Invalid(format!(
                "the gateway URL must start with https:// or http://, got {base:?}"
            )));
        }
        if timeout.is_zero() || timeout > Duration::from_secs(600) {
            return Err(ChannelError::Invalid(
                "the timeout must be longer than zero and at most 600 s".into(),
            ));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("chek-sms")
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
        Ok(FormClient {
            base,
            timeout,
            client,
            runtime: Some(runtime),
        })
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// POSTs `form` to `{base}{path}` and parses the JSON answer (any HTTP status: the
    /// gateways put their error codes in the body). 5xx without a JSON body is unavailable.
    pub(crate) fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<(u16, serde_json::Value), ChannelError> {
        let rt = self
            .runtime
            .as_ref()
            .ok_or_else(|| ChannelError::Unavailable("the client is shut down".into()))?;
        let url = format!("{}{path}", self.base);
        let request = self.client.post(url).form(form).timeout(self.timeout);
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
            Ok::<_, ChannelError>((status, body))
        };
        // Called from inside a runtime (an async host), block on a scoped helper thread.
        let (status, body) = if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| rt.block_on(fut))
                    .join()
                    .unwrap_or_else(|_| Err(ChannelError::Unavailable("the call panicked".into())))
            })?
        } else {
            rt.block_on(fut)?
        };
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(v) if v.is_object() => Ok((status, v)),
            _ if status >= 500 => Err(ChannelError::Unavailable(format!("HTTP {status}"))),
            _ if status == 429 => Err(ChannelError::RateLimited {
                retry_after: None,
                description: format!("HTTP {status}"),
            }),
            _ => Err(ChannelError::BadResponse(format!(
                "HTTP {status}: not a JSON object ({} bytes)",
                body.len()
            ))),
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
