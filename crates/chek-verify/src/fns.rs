//! The ФНС mobile app API (irkkt-mobile v2, `fiscal.md` §4.1): `POST /v2/ticket {qr}`, then
//! `GET /v2/tickets/{id}` until the status is final.

use chek_core::fiscal::{FiscalQr, Receipt, receipt_matches_qr};
use chek_core::verify::{InvalidReason, VerifyOutcome};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::error::{BuildError, base_url};
use crate::transport::{Http, Reply, Transport};
use crate::{AsyncVerifier, ClientConfig, Secret, Verifier, VerifyFuture};

/// The production address.
pub const FNS_MOBILE_URL: &str = "https://irkkt-mobile.nalog.ru:8888";

/// A client of the ФНС app API for one account's session.
///
/// The session id comes from the caller (phone + SMS, ЛК ФЛ or ESIA login, `fiscal.md` §4.1);
/// it lives about a day. A refused session answers [`VerifyOutcome::BadCredentials`]: log in
/// again and build a new client.
///
/// ```
/// use chek_verify::{ClientConfig, FnsMobile, Secret, FNS_MOBILE_URL};
/// let fns = FnsMobile::new(FNS_MOBILE_URL, Secret::new("session-id"), ClientConfig::default())?;
/// assert!(!format!("{fns:?}").contains("session-id"));
/// # Ok::<(), chek_verify::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FnsMobile {
    base: String,
    session: Secret,
    http: Transport,
}

/// What a ticket status means (nikolaynau/fns-api `lib/util.ts` groups).
enum Status {
    Found,
    Pending,
    Final(InvalidReason),
}

fn status_group(code: i64) -> Status {
    match code {
        2 | 20 => Status::Found,
        8 | 10 => Status::Final(InvalidReason::FiscalDataRejected),
        12 | 13 | 15 => Status::Final(InvalidReason::StandaloneKkt),
        4 | 5 | 16 | 422 => Status::Final(InvalidReason::NotRetrievable),
        // 0, 7, 9, 3, 11, and 21/30 seen before 2 in real tickets; unknown codes wait too.
        _ => Status::Pending,
    }
}

impl FnsMobile {
    /// A client for `base_url` (normally [`FNS_MOBILE_URL`]).
    pub fn new(base_url_: &str, session: Secret, config: ClientConfig) -> Result<Self, BuildError> {
        Ok(FnsMobile {
            base: base_url(base_url_)?,
            session,
            http: Transport::new(config)?,
        })
    }

    fn common(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let mut session = reqwest::header::HeaderValue::from_str(self.session.expose())
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        // Hidden from reqwest's own Debug output of the request.
        session.set_sensitive(true);
        rb.header("sessionId", session)
            .header("Device-OS", "Android")
            .header("Device-Id", "chek")
            .header("clientVersion", "2.9.0")
            .header("Accept", "application/json")
    }

    /// Interprets a ticket (from either call): found, pending or final.
    fn ticket(&self, v: &Value, qr: &FiscalQr) -> Option<VerifyOutcome> {
        let status = v.get("status").and_then(Value::as_i64);
        let Some(code) = status else {
            return Some(VerifyOutcome::ProviderUnavailable {
                detail: "ticket without a status".into(),
            });
        };
        match status_group(code) {
            Status::Pending => None,
            Status::Final(reason) => Some(VerifyOutcome::Invalid { reason }),
            Status::Found => Some(found(v, qr)),
        }
    }
}

/// A receipt the provider says it found: parsed, and compared with the QR asked about.
pub(crate) fn found(v: &Value, qr: &FiscalQr) -> VerifyOutcome {
    match Receipt::from_fns_value(v) {
        Ok(r) if receipt_matches_qr(&r, qr).is_empty() => VerifyOutcome::Verified {
            receipt: Box::new(r),
        },
        Ok(_) => VerifyOutcome::Invalid {
            reason: InvalidReason::QrMismatch,
        },
        Err(e) => VerifyOutcome::ProviderUnavailable {
            detail: format!("unreadable receipt: {}", chek_core::Coded::code(&e)),
        },
    }
}

/// The outcomes every provider shares for non-success statuses.
pub(crate) fn common_status(r: &Reply) -> Option<VerifyOutcome> {
    match r.status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Some(VerifyOutcome::BadCredentials),
        StatusCode::TOO_MANY_REQUESTS => Some(VerifyOutcome::RateLimited {
            retry_after_secs: r.retry_after,
        }),
        s if !s.is_success() => Some(VerifyOutcome::ProviderUnavailable {
            detail: format!("HTTP {}", s.as_u16()),
        }),
        _ => None,
    }
}

/// The JSON body of a successful reply, or the outcome that ends the call.
pub(crate) fn json_body(r: &Reply) -> Result<Value, VerifyOutcome> {
    if let Some(o) = common_status(r) {
        return Err(o);
    }
    r.json()
        .map_err(|detail| VerifyOutcome::ProviderUnavailable { detail })
}

impl FnsMobile {
    /// The protocol, once: both the async trait and the blocking facade run this.
    async fn run(&self, http: Http<'_>, qr: &FiscalQr) -> VerifyOutcome {
        let url = format!("{}/v2/ticket", self.base);
        let body = json!({ "qr": qr.to_string() });
        let reply = match http.send(|c| self.common(c.post(&url)).json(&body)).await {
            Ok(r) => r,
            Err(detail) => return VerifyOutcome::ProviderUnavailable { detail },
        };
        let v = match json_body(&reply) {
            Ok(v) => v,
            Err(o) => return o,
        };
        let Some(id) = v.get("id").and_then(Value::as_str).map(str::to_owned) else {
            return VerifyOutcome::ProviderUnavailable {
                detail: "ticket answer without an id".into(),
            };
        };
        // The id goes into a path: anything but a plain token is a broken answer.
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return VerifyOutcome::ProviderUnavailable {
                detail: "ticket id is not alphanumeric".into(),
            };
        }
        if v.get("status").is_some()
            && let Some(o) = self.ticket(&v, qr)
            && !matches!(o, VerifyOutcome::Verified { .. })
        {
            // Final failures are known from the first answer; a found receipt is still
            // fetched, as the first answer may be the short form without the document.
            return o;
        }
        let url = format!("{}/v2/tickets/{id}", self.base);
        let polls = http.config().poll_attempts.max(1);
        for poll in 0..polls {
            if poll > 0 {
                tokio::time::sleep(http.config().poll_interval).await;
            }
            let reply = match http.send(|c| self.common(c.get(&url))).await {
                Ok(r) => r,
                Err(detail) => return VerifyOutcome::ProviderUnavailable { detail },
            };
            if reply.status == StatusCode::NOT_FOUND {
                return VerifyOutcome::NotYetKnown;
            }
            let v = match json_body(&reply) {
                Ok(v) => v,
                Err(o) => return o,
            };
            if let Some(o) = self.ticket(&v, qr) {
                return o;
            }
        }
        VerifyOutcome::NotYetKnown
    }
}

impl AsyncVerifier for FnsMobile {
    fn name(&self) -> &'static str {
        "fns"
    }

    fn verify_async<'a>(&'a self, qr: &'a FiscalQr) -> VerifyFuture<'a> {
        Box::pin(self.run(self.http.for_async(), qr))
    }
}

impl Verifier for FnsMobile {
    fn name(&self) -> &'static str {
        "fns"
    }

    fn verify(&self, qr: &FiscalQr) -> VerifyOutcome {
        self.http.blocking(|http| self.run(http, qr))
    }
}
