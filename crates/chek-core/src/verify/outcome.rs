//! What a verification provider answered about one receipt.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::VerifySegment;
use crate::fiscal::Receipt;
use crate::{Coded, Lang};

/// Why a provider says a receipt is not genuine, or can never be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InvalidReason {
    /// ФНС checked the fiscal sign against ФН/ФД/date/sum and rejected it (`HSM_NOK`, status 8
    /// or 10; proverkacheka code 0): a fake, or a mistyped field.
    FiscalDataRejected,
    /// The provider returned a receipt whose fields differ from the QR asked about.
    QrMismatch,
    /// The cash register works offline for good (`STANDALONE_CASH`, 12/13/15): ФНС will never
    /// have it.
    StandaloneKkt,
    /// ФНС gave up fetching it (4, 5, 16, 422): only a person can decide.
    NotRetrievable,
}

impl InvalidReason {
    /// Stable code of the reason.
    pub const fn code(self) -> &'static str {
        match self {
            InvalidReason::FiscalDataRejected => "verify.fiscal_data_rejected",
            InvalidReason::QrMismatch => "verify.qr_mismatch",
            InvalidReason::StandaloneKkt => "verify.standalone_kkt",
            InvalidReason::NotRetrievable => "verify.not_retrievable",
        }
    }
}

/// The answer of one verification attempt. Never a bare string error: every way an HTTP call
/// can end is one of these.
///
/// ```
/// use chek_core::verify::{VerifyOutcome, VerifySegment};
/// use chek_core::{Coded, Lang};
/// let o = VerifyOutcome::NotYetKnown;
/// assert_eq!(o.code(), "verify.not_yet_known");
/// assert_eq!(o.segment(), Some(VerifySegment::NotFoundInFns));
/// assert!(!o.is_final());
/// assert!(o.counts_as_attempt());
/// assert!(!VerifyOutcome::RateLimited { retry_after_secs: Some(60) }.counts_as_attempt());
/// assert!(o.hint(Lang::En).contains("again"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum VerifyOutcome {
    /// ФНС confirmed the receipt; here it is with its items.
    Verified {
        /// The full receipt.
        receipt: Box<Receipt>,
    },
    /// ФНС does not know the receipt (yet): ask again later.
    NotYetKnown,
    /// The receipt is not genuine or can never be fetched.
    Invalid {
        /// Why.
        reason: InvalidReason,
    },
    /// The provider's limit is reached; try after `retry_after_secs` when it said so.
    RateLimited {
        /// Seconds to wait, from `Retry-After` or the provider's answer.
        retry_after_secs: Option<u64>,
    },
    /// The provider is down, timed out, or answered something unreadable.
    ProviderUnavailable {
        /// What went wrong, for logs (never contains credentials).
        detail: String,
    },
    /// The service's credentials (session, token) were refused.
    BadCredentials,
}

impl VerifyOutcome {
    /// Whether this answer settles the receipt (verified or invalid): no re-check will change it.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            VerifyOutcome::Verified { .. } | VerifyOutcome::Invalid { .. }
        )
    }

    /// Whether this answer spends one of the shopper's re-checks. Limits, outages and the
    /// service's own credentials are not the shopper's fault and spend nothing.
    pub fn counts_as_attempt(&self) -> bool {
        !matches!(
            self,
            VerifyOutcome::RateLimited { .. }
                | VerifyOutcome::ProviderUnavailable { .. }
                | VerifyOutcome::BadCredentials
        )
    }

    /// The problem segment the receipt is in after this answer, if any.
    pub fn segment(&self) -> Option<VerifySegment> {
        match self {
            VerifyOutcome::Verified { .. } => None,
            VerifyOutcome::NotYetKnown => Some(VerifySegment::NotFoundInFns),
            VerifyOutcome::Invalid { reason } => Some(match reason {
                InvalidReason::FiscalDataRejected | InvalidReason::QrMismatch => {
                    VerifySegment::Invalid
                }
                InvalidReason::StandaloneKkt | InvalidReason::NotRetrievable => {
                    VerifySegment::AwaitingOperator
                }
            }),
            // The shopper's receipt is still unconfirmed; the outage is the service's problem.
            VerifyOutcome::RateLimited { .. }
            | VerifyOutcome::ProviderUnavailable { .. }
            | VerifyOutcome::BadCredentials => Some(VerifySegment::NotFoundInFns),
        }
    }

    /// The receipt, when verified.
    pub fn receipt(&self) -> Option<&Receipt> {
        match self {
            VerifyOutcome::Verified { receipt } => Some(receipt),
            _ => None,
        }
    }
}

impl Coded for VerifyOutcome {
    fn code(&self) -> &'static str {
        match self {
            VerifyOutcome::Verified { .. } => "verify.verified",
            VerifyOutcome::NotYetKnown => "verify.not_yet_known",
            VerifyOutcome::Invalid { reason } => reason.code(),
            VerifyOutcome::RateLimited { .. } => "verify.rate_limited",
            VerifyOutcome::ProviderUnavailable { .. } => "verify.provider_unavailable",
            VerifyOutcome::BadCredentials => "verify.bad_credentials",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let (ru, en) = match self {
            VerifyOutcome::Verified { .. } => {
                ("Чек подтверждён ФНС.", "ФНС has confirmed the receipt.")
            }
            VerifyOutcome::NotYetKnown => (
                "ФНС ещё не получила этот чек; мы проверим его снова позже, отправлять его повторно не нужно.",
                "ФНС has not received this receipt yet; we will check it again later, no need to send it again.",
            ),
            VerifyOutcome::Invalid {
                reason: InvalidReason::FiscalDataRejected,
            } => (
                "ФНС не подтвердила данные чека. Проверьте, что сфотографирован QR-код этого чека, или введите ФН, ФД и ФП ещё раз.",
                "ФНС did not confirm the receipt's data. Check that the QR code is from this receipt, or type ФН, ФД and ФП again.",
            ),
            VerifyOutcome::Invalid {
                reason: InvalidReason::QrMismatch,
            } => (
                "Данные ФНС не совпадают с QR-кодом. Сфотографируйте QR-код этого чека ещё раз.",
                "ФНС's data differs from the QR code. Photograph this receipt's QR code again.",
            ),
            VerifyOutcome::Invalid {
                reason: InvalidReason::StandaloneKkt | InvalidReason::NotRetrievable,
            } => (
                "ФНС не сможет выдать этот чек; его проверит оператор.",
                "ФНС cannot provide this receipt; an operator will check it.",
            ),
            VerifyOutcome::RateLimited { .. } | VerifyOutcome::ProviderUnavailable { .. } => (
                "Сервис проверки чеков сейчас недоступен; мы проверим чек позже автоматически.",
                "The receipt check service is unavailable right now; we will check the receipt later automatically.",
            ),
            VerifyOutcome::BadCredentials => (
                "Проверка чеков временно не работает; мы проверим чек позже автоматически.",
                "Receipt checking is temporarily down; we will check the receipt later automatically.",
            ),
        };
        Cow::Borrowed(match lang {
            Lang::Ru => ru,
            Lang::En => en,
        })
    }
}
