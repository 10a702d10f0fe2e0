//! The HTTP side every SMS gateway shares: a form POST whose answer must be a JSON object.
//! Secrets travel in the form body, never in the URL.

use std::time::Duration;

use crate::ChannelError;
use crate::http::BlockingClient;

/// A blocking form-POST client.
#[derive(Debug)]
pub(crate) struct FormClient(BlockingClient);

impl FormClient {
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<FormClient, ChannelError> {
        BlockingClient::new(base, timeout, "chek-sms").map(FormClient)
    }

    pub(crate) fn base(&self) -> &str {
        self.0.base()
    }

    /// POSTs `form` to `{base}{path}` and parses the JSON answer (any HTTP status: the
    /// gateways put their error codes in the body). 5xx without a JSON body is unavailable.
    pub(crate) fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<(u16, serde_json::Value), ChannelError> {
        let a = self.0.post(path, |r| r.form(form))?;
        match serde_json::from_slice::<serde_json::Value>(&a.body) {
            Ok(v) if v.is_object() => Ok((a.status, v)),
            _ if a.status >= 500 => Err(ChannelError::Unavailable(format!("HTTP {}", a.status))),
            _ if a.status == 429 => Err(ChannelError::RateLimited {
                retry_after: None,
                description: format!("HTTP {}", a.status),
            }),
            _ => Err(ChannelError::BadResponse(format!(
                "HTTP {}: not a JSON object ({} bytes)",
                a.status,
                a.body.len()
            ))),
        }
    }
}
