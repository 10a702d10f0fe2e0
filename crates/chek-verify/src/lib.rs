//! # chek-verify
//!
//! Asks ФНС (or a receipt-check service) whether a receipt is genuine and fetches its items.
//! Every answer is a [`VerifyOutcome`] from `chek-core`, which the core's
//! [`RecheckPolicy`](chek_core::verify::RecheckPolicy) turns into the next step.
//!
//! Two providers: [`FnsMobile`] (the ФНС app API, with a session id) and [`CheckApi`] (a
//! proverkacheka-style service, with a token). Both are **blocking** (reqwest's blocking
//! client, rustls): call them from a worker thread, or `spawn_blocking` in async code, and do
//! not create or drop them inside an async runtime's own threads.
//!
//! Client behaviour: connect and total timeouts, bounded retries with jittered exponential
//! backoff for transient failures only (timeouts, connection errors, 500/502/503/504), short
//! `Retry-After` waited out (capped), a per-provider concurrency limit, a body size limit.
//! Credentials are [`Secret`]s: never in `Debug`, logs or outcomes.
//!
//! ```no_run
//! use chek_core::fiscal::FiscalQr;
//! use chek_core::Coded;
//! use chek_verify::{CheckApi, ClientConfig, Secret, Verifier, CHECKAPI_URL};
//!
//! let token = Secret::new(std::env::var("CHECK_TOKEN").unwrap_or_default());
//! let api = CheckApi::new(CHECKAPI_URL, token, ClientConfig::default())?;
//! let qr: FiscalQr = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".parse()?;
//! let outcome = api.verify(&qr);
//! println!("{}", outcome.code());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod checkapi;
mod config;
mod error;
mod fns;
mod limit;
mod secret;
mod transport;

pub use checkapi::{CHECKAPI_URL, CheckApi};
pub use chek_core::verify::{InvalidReason, VerifyOutcome};
pub use config::ClientConfig;
pub use error::BuildError;
pub use fns::{FNS_MOBILE_URL, FnsMobile};
pub use secret::Secret;

use chek_core::fiscal::FiscalQr;

/// Something that can verify a receipt. Blocking: one call may take several requests (ФНС
/// ticket polling) and retries, bounded by the provider's [`ClientConfig`].
///
/// ```
/// use chek_core::fiscal::FiscalQr;
/// use chek_verify::{Verifier, VerifyOutcome};
/// struct AlwaysLater;
/// impl Verifier for AlwaysLater {
///     fn name(&self) -> &'static str { "later" }
///     fn verify(&self, _: &FiscalQr) -> VerifyOutcome { VerifyOutcome::NotYetKnown }
/// }
/// let qr: FiscalQr = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".parse().unwrap();
/// assert_eq!(AlwaysLater.verify(&qr), VerifyOutcome::NotYetKnown);
/// ```
pub trait Verifier: Send + Sync {
    /// A short provider name for logs (`fns`, `checkapi`).
    fn name(&self) -> &'static str;
    /// Asks about one receipt. Never panics; every failure is an outcome.
    fn verify(&self, qr: &FiscalQr) -> VerifyOutcome;
}
