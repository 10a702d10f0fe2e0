//! How the engine verifies receipts, and the label every outcome carries about it.

use crate::verify::VerifyOutcome;
use crate::{Coded, Lang};

/// Who confirms receipts with ФНС.
///
/// `Offline` is explicit: receipts are recorded with their QR data unverified, and every
/// [`Outcome`](super::Outcome) says so. It is for demos, tests and campaigns that count
/// receipts on their QR alone; nothing is ever silently treated as verified.
///
/// ```
/// use chek::engine::Verification;
/// assert_eq!(Verification::Offline.name(), "offline");
/// ```
#[non_exhaustive]
pub enum Verification {
    /// No provider: QR data is recorded as unverified.
    Offline,
    /// A real provider ([`FnsMobile`](crate::verify::FnsMobile),
    /// [`CheckApi`](crate::verify::CheckApi)) or any other [`Verifier`](crate::verify::Verifier).
    #[cfg(feature = "verify")]
    Provider(Box<dyn crate::verify::Verifier>),
}

impl Verification {
    /// `offline`, or the provider's name.
    pub fn name(&self) -> &'static str {
        match self {
            Verification::Offline => "offline",
            #[cfg(feature = "verify")]
            Verification::Provider(p) => p.name(),
        }
    }

    /// Whether receipts are recorded unverified.
    pub fn is_offline(&self) -> bool {
        matches!(self, Verification::Offline)
    }

    pub(super) fn verify(&self, qr: &crate::fiscal::FiscalQr) -> Option<VerifyOutcome> {
        match self {
            Verification::Offline => {
                let _ = qr;
                None
            }
            #[cfg(feature = "verify")]
            Verification::Provider(p) => Some(p.verify(qr)),
        }
    }
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verification({})", self.name())
    }
}

/// What is known about a receipt's authenticity, as every outcome reports it.
///
/// ```
/// use chek::engine::VerificationLabel;
/// use chek::Lang;
/// let l = VerificationLabel::Offline;
/// assert_eq!(l.state(), "unverified");
/// assert!(!l.is_verified());
/// assert!(l.text(Lang::En).contains("not checked with ФНС"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum VerificationLabel {
    /// Offline mode: the QR data was recorded as sent, never checked with ФНС.
    Offline,
    /// The provider confirmed the receipt.
    Verified {
        /// Provider name.
        provider: &'static str,
    },
    /// The provider was asked and did not confirm it (yet): see `outcome`.
    NotVerified {
        /// Provider name.
        provider: &'static str,
        /// Its answer.
        outcome: VerifyOutcome,
    },
    /// Not asked: the receipt was settled without it (rejected on its QR data, a duplicate, or
    /// an input that never became a receipt).
    NotAsked {
        /// Provider name.
        provider: &'static str,
    },
}

impl VerificationLabel {
    /// `unverified` (offline), `verified`, the provider's answer code without its `verify.`
    /// prefix (`not_yet_known`, `fiscal_data_rejected`…), or `not_asked`.
    pub fn state(&self) -> &'static str {
        match self {
            VerificationLabel::Offline => "unverified",
            VerificationLabel::Verified { .. } => "verified",
            VerificationLabel::NotVerified { outcome, .. } => {
                let c = outcome.code();
                c.strip_prefix("verify.").unwrap_or(c)
            }
            VerificationLabel::NotAsked { .. } => "not_asked",
        }
    }

    /// Whether ФНС confirmed the receipt.
    pub fn is_verified(&self) -> bool {
        matches!(self, VerificationLabel::Verified { .. })
    }

    /// `offline` or the provider's name.
    pub fn provider(&self) -> &'static str {
        match self {
            VerificationLabel::Offline => "offline",
            VerificationLabel::Verified { provider }
            | VerificationLabel::NotVerified { provider, .. }
            | VerificationLabel::NotAsked { provider } => provider,
        }
    }

    /// A short human label.
    pub fn text(&self, lang: Lang) -> String {
        let ru = lang == Lang::Ru;
        match self {
            VerificationLabel::Offline if ru => {
                "НЕ ПРОВЕРЕН: офлайн-режим, данные QR не сверялись с ФНС".into()
            }
            VerificationLabel::Offline => {
                "UNVERIFIED: offline mode, QR data not checked with ФНС".into()
            }
            VerificationLabel::Verified { provider } if ru => {
                format!("подтверждён ФНС ({provider})")
            }
            VerificationLabel::Verified { provider } => format!("confirmed by ФНС ({provider})"),
            VerificationLabel::NotVerified { provider, outcome } => {
                format!("{} ({provider})", outcome.hint(lang))
            }
            VerificationLabel::NotAsked { provider } if ru => {
                format!("не проверялся в ФНС ({provider})")
            }
            VerificationLabel::NotAsked { provider } => {
                format!("not checked with ФНС ({provider})")
            }
        }
    }

    /// The JSON form: `{"mode","provider","state","verified","label"}`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "mode": if matches!(self, VerificationLabel::Offline) { "offline" } else { "provider" },
            "provider": self.provider(),
            "state": self.state(),
            "verified": self.is_verified(),
            "label": self.text(lang),
        })
    }
}
