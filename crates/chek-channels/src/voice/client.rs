//! The HTTP side both voice gateways share: a JSON POST (with HTTP basic authentication for
//! ARI). Secrets travel in the body or the `Authorization` header, never in the URL.

use std::time::Duration;

use crate::ChannelError;
pub(crate) use crate::http::Answer;
use crate::http::BlockingClient;

impl Answer {
    /// The body as a JSON value, when it is one.
    pub(crate) fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A blocking JSON-POST client.
#[derive(Debug)]
pub(crate) struct JsonClient(BlockingClient);

impl JsonClient {
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<JsonClient, ChannelError> {
        // Credentials go in the body or the Authorization header, where they stay secret.
        if base.contains('@') {
            return Err(ChannelError::Invalid(
                "the gateway URL must not carry credentials".into(),
            ));
        }
        BlockingClient::new(base, timeout, "chek-voice").map(JsonClient)
    }

    pub(crate) fn base(&self) -> &str {
        self.0.base()
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
        self.0.post(path, |r| {
            let r = r
                .header("Content-Type", "application/json; charset=UTF-8")
                .body(body.to_string());
            match auth {
                Some((user, password)) => r.basic_auth(user, Some(password)),
                None => r,
            }
        })
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
