//! # chek
//!
//! The crate Rust services add: it re-exports the pure domain ([`fiscal`], hints) and, by
//! feature, the Russian language and calendar (`ru`, `sms`), the engagement flows (`engage`) and
//! the adapters (scan, verify, store) and the engine.
//!
//! ```
//! use chek::fiscal::{validate_qr, FiscalQr, ValidationOptions};
//! use chek::{Coded, Lang};
//!
//! let qr: FiscalQr = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".parse()?;
//! let now = chrono::NaiveDate::from_ymd_opt(2024, 9, 18).unwrap().and_hms_opt(9, 0, 0).unwrap();
//! assert!(validate_qr(&qr, now, &ValidationOptions::default()).is_empty());
//!
//! match "t=20240917T1801&s=1285.21".parse::<FiscalQr>() {
//!     Err(e) => assert_eq!(e.code(), "qr.missing_field"),
//!     Ok(_) => unreachable!(),
//! }
//! # Ok::<(), chek::fiscal::QrError>(())
//! ```
#![forbid(unsafe_code)]

pub use chek_core::{Coded, Hint, Lang, campaign, draw, fiscal, text};
#[cfg(feature = "engage")]
pub use chek_engage as engage;
#[cfg(feature = "ru")]
pub use chek_ru as ru;
#[cfg(feature = "ru")]
pub use chek_ru::sms;

/// Re-check policy and verification outcomes (pure), and with the `verify` feature the HTTP
/// providers ([`verify::FnsMobile`], [`verify::CheckApi`]).
///
/// ```
/// use chek::verify::{RecheckPolicy, VerifyOutcome};
/// use chek::Coded;
/// assert_eq!(VerifyOutcome::NotYetKnown.code(), "verify.not_yet_known");
/// assert_eq!(RecheckPolicy::default().schedule.len(), 3);
/// ```
pub mod verify {
    pub use chek_core::verify::*;
    #[cfg(feature = "verify")]
    pub use chek_verify::{
        AsyncVerifier, BuildError, CHECKAPI_URL, CheckApi, ClientConfig, FNS_MOBILE_URL, FnsMobile,
        ProviderKind, Secret, Verifier, VerifyFuture,
    };
}

/// Messaging channels for bots: the Telegram Bot API (long polling, webhooks, files, replies),
/// SMS gateways (`channels::sms`) and robot calls (`channels::voice`: UIS, Asterisk ARI).
///
/// ```
/// use chek::channels::parse_update;
/// let u = parse_update(br#"{"update_id":1,"message":{"message_id":2,"date":0,"chat":{"id":3,"type":"private"},"text":"hi"}}"#)?;
/// assert_eq!(u.kind(), "message");
/// # Ok::<(), chek::channels::ChannelError>(())
/// ```
#[cfg(feature = "channels")]
pub mod channels {
    pub use chek_channels::*;

    /// A voice provider's call-end callback, read by
    /// [`voice::parse_uis_callback`] or [`voice::parse_asterisk_callback`], as the notify
    /// outcome model's [`ProviderReport`](crate::engage::notify::ProviderReport), ready for
    /// [`map_outcome`](crate::engage::notify::map_outcome) and the notify ledger.
    ///
    /// ```
    /// use chek::channels::{call_report, voice};
    /// use chek::engage::notify::{map_outcome, CallOutcome};
    /// let end = voice::parse_uis_callback(br#"{"call_session_id": 998677427, "finish_reason": "subscriber_disconnects", "talk_time_duration": 27}"#)?;
    /// let report = call_report(&end);
    /// assert_eq!(report.provider, "uis");
    /// let outcome = map_outcome(&report, "0")?;
    /// assert_eq!(outcome, CallOutcome::Answered { listened_s: 27 });
    /// assert_eq!(outcome.with_min_listen(30), CallOutcome::HungUp { listened_s: 27 });
    ///
    /// let busy = voice::parse_asterisk_callback(br#"{"channel_id": "1733.12", "dialstatus": "BUSY", "hangupcause": 17}"#)?;
    /// assert_eq!(map_outcome(&call_report(&busy), "0")?, CallOutcome::Busy);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "engage")]
    pub fn call_report(r: &voice::CallResult) -> chek_engage::notify::ProviderReport {
        chek_engage::notify::ProviderReport {
            provider: r.provider.to_owned(),
            status: r.status.clone(),
            duration_s: r.duration_s,
            digits: r.digits.clone(),
            answered_by: None,
            sip_code: r.sip_code,
            hangup_cause: r.hangup_cause,
        }
    }
}

/// Reading the fiscal QR from a receipt photo, with diagnostics when it cannot be read.
///
/// ```
/// use chek::scan::{scan, ScanOptions};
/// use chek::Coded;
/// let err = scan(b"GIF89a", &ScanOptions::default()).unwrap_err();
/// assert_eq!(err.code(), "scan.unsupported_format");
/// ```
#[cfg(feature = "scan")]
pub mod scan {
    pub use chek_scan::*;
}

/// The durable ledger: participants, submissions, receipts with their status, lots, draws,
/// segments; SQLite or PostgreSQL.
#[cfg(feature = "store")]
pub mod store {
    pub use chek_store::*;
}

#[cfg(feature = "bot")]
pub mod bot;
#[cfg(feature = "engine")]
pub mod engine;
#[cfg(feature = "store")]
pub mod outbox;

/// The README's Rust examples, compiled and run as doctests so they never go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// docs/outbox.md's Rust example, run as a doctest.
#[cfg(all(doctest, feature = "store"))]
#[doc = include_str!("../../../docs/outbox.md")]
pub struct OutboxDoctests;
