//! # chek-verify
//!
//! Asks ФНС (or a receipt-check service) whether a receipt is genuine and fetches its items.
//! Every answer is a [`VerifyOutcome`] from `chek-core`, which the core's
//! [`RecheckPolicy`](chek_core::verify::RecheckPolicy) turns into the next step.
//!
//! Two providers: [`FnsMobile`] (the ФНС app API, with a session id) and [`CheckApi`] (a
//! proverkacheka-style service, with a token). Each implements its protocol once, async, on
//! reqwest's async client (rustls), and offers it two ways:
//!
//! - [`AsyncVerifier`] for async services: call it on a **tokio** runtime (any flavour, with
//!   time and I/O enabled). Dyn-compatible: `Box<dyn AsyncVerifier>` / `Arc<dyn AsyncVerifier>`.
//! - [`Verifier`], the blocking facade for scripts, the CLI and the Python/mobile bindings. The
//!   provider runs the same future on a one-worker runtime it owns (built on the first blocking
//!   call, with its own connection pool). Many threads may call it at once. Called from inside
//!   an async runtime it still works (on a scoped helper thread) but blocks that worker: use
//!   [`AsyncVerifier`] there.
//!
//! Both paths share one concurrency limit, and a provider may be created and dropped anywhere.
//!
//! Client behaviour: connect and total timeouts (the total one also bounds a body that
//! trickles in), bounded retries with jittered exponential backoff for transient failures only
//! (timeouts, connection errors, 500/502/503/504), `Retry-After` as seconds or as an HTTP date
//! (counted from the response's `Date`) — a short one is waited out, a long one is returned as
//! [`VerifyOutcome::RateLimited`] — a per-provider concurrency limit, a body size limit.
//! Credentials are [`Secret`]s: never in `Debug`, logs or outcomes.
//!
//! Blocking:
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
//!
//! Async, behind a trait object (needs a tokio runtime; the service usually has one already):
//!
//! ```no_run
//! use std::sync::Arc;
//! use chek_core::fiscal::FiscalQr;
//! use chek_verify::{AsyncVerifier, ClientConfig, FnsMobile, Secret, FNS_MOBILE_URL};
//!
//! async fn check(v: Arc<dyn AsyncVerifier>, qr: FiscalQr) -> bool {
//!     v.verify_async(&qr).await.receipt().is_some()
//! }
//! let session = Secret::new(std::env::var("FNS_SESSION").unwrap_or_default());
//! let fns: Arc<dyn AsyncVerifier> = Arc::new(FnsMobile::new(FNS_MOBILE_URL, session, ClientConfig::default())?);
//! let qr: FiscalQr = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".parse()?;
//! # let _ = (fns, qr, check);
//! // on a tokio runtime: let ok = check(fns, qr).await;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod checkapi;
mod config;
mod error;
mod fns;
mod provider;
mod retry_after;
mod transport;

pub use checkapi::{CHECKAPI_URL, CheckApi};
/// Credentials never shown in `Debug`, logs or outcomes (defined in `chek-core`).
pub use chek_core::secret::Secret;
pub use chek_core::verify::{InvalidReason, VerifyOutcome};
pub use config::ClientConfig;
pub use error::BuildError;
pub use fns::{FNS_MOBILE_URL, FnsMobile};
pub use provider::ProviderKind;

use std::future::Future;
use std::pin::Pin;

use chek_core::fiscal::FiscalQr;

/// Something that can verify a receipt. Blocking: one call may take several requests (ФНС
/// ticket polling) and retries, bounded by the provider's [`ClientConfig`]. For the built-in
/// providers this is a facade over their [`AsyncVerifier`] implementation.
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

/// The future an [`AsyncVerifier`] returns: boxed and `Send`, so the trait is dyn-compatible
/// and the future can be spawned on a multi-thread runtime.
pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = VerifyOutcome> + Send + 'a>>;

/// Something that can verify a receipt without blocking a thread. The built-in providers run
/// on tokio (reqwest's async client), so await them on a tokio runtime with time and I/O.
///
/// Dyn-compatible (a boxed future instead of `async fn`), so a service can hold an
/// `Arc<dyn AsyncVerifier>` and swap providers. The method is `verify_async`, not `verify`, so
/// that a type implementing both traits never makes `x.verify(..)` ambiguous.
///
/// ```
/// use chek_core::fiscal::FiscalQr;
/// use chek_verify::{AsyncVerifier, VerifyFuture, VerifyOutcome};
/// struct AlwaysLater;
/// impl AsyncVerifier for AlwaysLater {
///     fn name(&self) -> &'static str { "later" }
///     fn verify_async<'a>(&'a self, _: &'a FiscalQr) -> VerifyFuture<'a> {
///         Box::pin(async { VerifyOutcome::NotYetKnown })
///     }
/// }
/// let v: Box<dyn AsyncVerifier> = Box::new(AlwaysLater);
/// assert_eq!(v.name(), "later");
/// ```
pub trait AsyncVerifier: Send + Sync {
    /// A short provider name for logs (`fns`, `checkapi`).
    fn name(&self) -> &'static str;
    /// Asks about one receipt. Never panics; every failure is an outcome. Dropping the future
    /// cancels the request.
    fn verify_async<'a>(&'a self, qr: &'a FiscalQr) -> VerifyFuture<'a>;
}
