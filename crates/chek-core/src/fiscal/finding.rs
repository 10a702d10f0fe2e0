//! Findings of offline validation: data, not errors.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Hint, Lang};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the receipt can still be accepted.
    Warning,
    /// The receipt cannot be genuine or cannot be accepted as it is.
    Error,
}

impl Severity {
    /// `"warning"` or `"error"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! finding_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// The stable code of a validation finding. Codes are only ever added, never renamed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum FindingCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl FindingCode {
            /// Every code, for documentation and table tests.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant,)*];

            /// The dotted code, e.g. `fiscal.date_in_future`.
            pub const fn as_str(self) -> &'static str {
                match self { $(FindingCode::$variant => $code,)* }
            }
        }
    };
}

finding_codes! {
    /// The ФН prefix is not in the table of known drive models.
    FnUnknownModel = "fiscal.fn_unknown_model",
    /// The ФН is a dummy («массо-габаритная модель») that never records real sales.
    FnDummy = "fiscal.fn_dummy",
    /// ФД is zero; real documents are numbered from 1.
    FdZero = "fiscal.fd_zero",
    /// ФП is zero.
    FpZero = "fiscal.fp_zero",
    /// The receipt is dated later than now (beyond the clock-skew tolerance).
    DateInFuture = "fiscal.date_in_future",
    /// The receipt is dated before online cash registers existed.
    DateTooEarly = "fiscal.date_too_early",
    /// The total is zero.
    TotalZero = "fiscal.total_zero",
    /// The total is larger than any plausible retail purchase.
    TotalImplausible = "fiscal.total_implausible",
    /// A refund or an expense, not a sale.
    NotASale = "fiscal.not_a_sale",
    /// The seller's ИНН fails its check digits.
    InnInvalid = "receipt.inn_invalid",
    /// The РН ККТ fails its check digits or shape.
    RnmInvalid = "receipt.rnm_invalid",
    /// The item sums do not add up to the total.
    ItemsSumMismatch = "receipt.items_sum_mismatch",
    /// The payment parts (cash, card, prepaid, credit, other) do not add up to the total.
    PaymentsMismatch = "receipt.payments_mismatch",
    /// An item's price × quantity differs from its sum.
    ItemPriceMismatch = "receipt.item_price_mismatch",
    /// The receipt lists no items.
    NoItems = "receipt.no_items",
    /// The document is not a cash receipt (e.g. a correction receipt).
    NotAReceipt = "receipt.not_a_receipt",
    /// A field of the receipt differs from the QR it was fetched for.
    QrMismatch = "receipt.qr_mismatch",
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One observation of offline validation: a code, a severity and a hint in both languages.
///
/// ```
/// use chek_core::fiscal::{validate_qr, FiscalQr, Severity, ValidationOptions};
/// use chek_core::Lang;
/// let qr: FiscalQr = "t=20300101T1200&s=0.00&fn=9251440300046840&i=29414&fp=1250830908&n=1".parse()?;
/// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// let findings = validate_qr(&qr, now, &ValidationOptions::default());
/// let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
/// assert_eq!(codes, ["fiscal.date_in_future", "fiscal.total_zero"]);
/// assert!(findings.iter().all(|f| f.severity == Severity::Error));
/// assert!(findings[0].hint.get(Lang::En).contains("2030"));
/// # Ok::<(), chek_core::fiscal::QrError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// Error or warning.
    pub severity: Severity,
    /// What the shopper or operator can do about it.
    pub hint: Hint,
}

impl Finding {
    pub(crate) fn new(code: FindingCode, severity: Severity, hint: Hint) -> Self {
        Finding {
            code,
            severity,
            hint,
        }
    }

    /// The hint in one language.
    pub fn hint_in(&self, lang: Lang) -> &str {
        self.hint.get(lang)
    }
}
