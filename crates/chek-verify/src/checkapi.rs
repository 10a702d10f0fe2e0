//! A receipt-check service of the proverkacheka.com kind (`fiscal.md` §4.3):
//! `POST /api/v1/check/get`, form-encoded `token` + `qrraw`, answer `code` 0–5.

use chek_core::fiscal::FiscalQr;
use chek_core::verify::{InvalidReason, VerifyOutcome};
use serde_json::Value;

use crate::error::{BuildError, base_url};
use crate::fns::{found, json_body};
use crate::transport::{Http, Transport};
use crate::{AsyncVerifier, ClientConfig, Secret, Verifier, VerifyFuture};

/// The production address.
pub const CHECKAPI_URL: &str = "https://proverkacheka.com";

/// A client of a proverkacheka-style service with the service's API token.
///
/// ```
/// use chek_verify::{CheckApi, ClientConfig, Secret, CHECKAPI_URL};
/// let api = CheckApi::new(CHECKAPI_URL, Secret::new("s3cr3t-token"), ClientConfig::default())?;
/// assert!(!format!("{api:?}").contains("s3cr3t"));
/// # Ok::<(), chek_verify::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CheckApi {
    base: String,
    token: Secret,
    http: Transport,
}

impl CheckApi {
    /// A client for `base_url` (normally [`CHECKAPI_URL`]).
    pub fn new(base_url_: &str, token: Secret, config: ClientConfig) -> Result<Self, BuildError> {
        Ok(CheckApi {
            base: base_url(base_url_)?,
            token,
            http: Transport::new(config)?,
        })
    }
}

impl CheckApi {
    /// The protocol, once: both the async trait and the blocking facade run this.
    async fn run(&self, http: Http<'_>, qr: &FiscalQr) -> VerifyOutcome {
        let url = format!("{}/api/v1/check/get", self.base);
        let qrraw = qr.to_string();
        let form = [("token", self.token.expose()), ("qrraw", qrraw.as_str())];
        let reply = match http
            .send(|c| {
                c.post(&url)
                    .header("Accept", "application/json")
                    .form(&form)
            })
            .await
        {
            Ok(r) => r,
            Err(detail) => return VerifyOutcome::ProviderUnavailable { detail },
        };
        let v = match json_body(&reply) {
            Ok(v) => v,
            Err(o) => return o,
        };
        match v.get("code").and_then(Value::as_i64) {
            Some(0) => VerifyOutcome::Invalid {
                reason: InvalidReason::FiscalDataRejected,
            },
            Some(1) => found(&v, qr),
            Some(2) => VerifyOutcome::NotYetKnown,
            // 3: too many requests about this receipt; 4: wait before asking again.
            Some(3 | 4) => VerifyOutcome::RateLimited {
                retry_after_secs: reply.retry_after,
            },
            Some(5) => VerifyOutcome::ProviderUnavailable {
                detail: "code 5: data not received".into(),
            },
            Some(c) => VerifyOutcome::ProviderUnavailable {
                detail: format!("unknown code {c}"),
            },
            None => VerifyOutcome::ProviderUnavailable {
                detail: "answer without a code".into(),
            },
        }
    }
}

impl AsyncVerifier for CheckApi {
    fn name(&self) -> &'static str {
        "checkapi"
    }

    fn verify_async<'a>(&'a self, qr: &'a FiscalQr) -> VerifyFuture<'a> {
        Box::pin(self.run(self.http.for_async(), qr))
    }
}

impl Verifier for CheckApi {
    fn name(&self) -> &'static str {
        "checkapi"
    }

    fn verify(&self, qr: &FiscalQr) -> VerifyOutcome {
        self.http.blocking(|http| self.run(http, qr))
    }
}
