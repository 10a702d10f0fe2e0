//! The answer to one submission: status, lots, every reason with its hint, and the
//! verification label.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::VerificationLabel;
use crate::fiscal::{Channel, Finding, FiscalQr, ReceiptId};
use crate::{Coded, Lang};

/// Where a submission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutcomeStatus {
    /// Counts: lots and points are credited.
    Accepted,
    /// Does not count; see the reasons.
    Rejected,
    /// Waits for ФНС: re-checked at `next_at` (UTC) by [`Engine::recheck`](super::Engine::recheck).
    PendingRecheck {
        /// When the next re-check is due.
        next_at: NaiveDateTime,
    },
    /// Waits for a person: re-checks are spent, ФНС can never give the receipt, or another
    /// participant claimed it.
    AwaitingOperator,
    /// The input never became a receipt (no QR on the photo, unreadable text…).
    Failed,
}

impl OutcomeStatus {
    /// `accepted`, `rejected`, `pending_recheck`, `awaiting_operator` or `failed`.
    ///
    /// ```
    /// use chek::engine::OutcomeStatus;
    /// assert_eq!(OutcomeStatus::AwaitingOperator.as_str(), "awaiting_operator");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            OutcomeStatus::Accepted => "accepted",
            OutcomeStatus::Rejected => "rejected",
            OutcomeStatus::PendingRecheck { .. } => "pending_recheck",
            OutcomeStatus::AwaitingOperator => "awaiting_operator",
            OutcomeStatus::Failed => "failed",
        }
    }

    /// A short label in the language.
    pub const fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (OutcomeStatus::Accepted, Lang::Ru) => "принят",
            (OutcomeStatus::Accepted, Lang::En) => "accepted",
            (OutcomeStatus::Rejected, Lang::Ru) => "отклонён",
            (OutcomeStatus::Rejected, Lang::En) => "rejected",
            (OutcomeStatus::PendingRecheck { .. }, Lang::Ru) => "ждёт повторной проверки",
            (OutcomeStatus::PendingRecheck { .. }, Lang::En) => "pending re-check",
            (OutcomeStatus::AwaitingOperator, Lang::Ru) => "ждёт оператора",
            (OutcomeStatus::AwaitingOperator, Lang::En) => "awaiting an operator",
            (OutcomeStatus::Failed, Lang::Ru) => "не прочитан",
            (OutcomeStatus::Failed, Lang::En) => "failed",
        }
    }
}

/// Whether a reason rejects, holds or only informs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReasonKind {
    /// The receipt does not count because of it.
    Reject,
    /// The receipt waits because of it.
    Pending,
    /// For information (a rule that fired, a warning).
    Info,
}

impl ReasonKind {
    /// `reject`, `pending` or `info`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Reject => "reject",
            ReasonKind::Pending => "pending",
            ReasonKind::Info => "info",
        }
    }
}

/// One reason of an outcome, from any stage (scan, parse, validation, campaign, verification),
/// with its hint already in the participant's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeReason {
    /// Stable dotted code (`campaign.after_period`, `scan.no_qr`, `verify.not_yet_known`…).
    pub code: &'static str,
    /// What it does.
    pub kind: ReasonKind,
    /// The problem segment it puts the participant in, if any (`out_of_period`…).
    pub segment: Option<&'static str>,
    /// What the participant can do, in their language.
    pub hint: String,
}

impl OutcomeReason {
    pub(super) fn of(c: &(impl Coded + ?Sized), kind: ReasonKind, lang: Lang) -> Self {
        OutcomeReason {
            code: c.code(),
            kind,
            segment: None,
            hint: c.hint(lang).into_owned(),
        }
    }
}

/// The answer to one submission.
///
/// Every outcome, whatever the stage it stopped at, has a status, reasons with hints in the
/// participant's language, the lots credited, and the [`VerificationLabel`].
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The participant.
    pub participant: String,
    /// The input kind: `photo`, `qr`, `ocr` or `manual`.
    pub input: &'static str,
    /// The channel of the receipt, once it was read.
    pub channel: Option<Channel>,
    /// The fiscal fields, once read.
    pub qr: Option<FiscalQr>,
    /// Where it ended.
    pub status: OutcomeStatus,
    /// Lots credited (accepted) or projected (pending); zero otherwise.
    pub lots: u64,
    /// Points credited or projected.
    pub points: u64,
    /// Every reason, in pipeline order.
    pub reasons: Vec<OutcomeReason>,
    /// Offline validation findings (warnings included).
    pub findings: Vec<Finding>,
    /// What is known about the receipt's authenticity.
    pub verification: VerificationLabel,
    /// The language of the hints.
    pub lang: Lang,
    /// True when this answer is the stored answer to an earlier submission with the same
    /// idempotency key (nothing was credited again).
    pub replayed: bool,
    /// The ledger's id of the submission.
    pub submission_id: Option<i64>,
}

impl Outcome {
    /// ФН + ФД + ФП, once read.
    pub fn receipt(&self) -> Option<ReceiptId> {
        self.qr.as_ref().map(FiscalQr::identity)
    }

    /// Whether any reason has this code.
    pub fn has(&self, code: &str) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }

    /// The first reason that rejects or holds the receipt: what a bot tells the participant.
    pub fn main_reason(&self) -> Option<&OutcomeReason> {
        self.reasons.iter().find(|r| r.kind != ReasonKind::Info)
    }

    /// The JSON form (documented in the README):
    /// `{"participant","input","status","next_at"?,"lots","points","receipt"?,"channel"?,"qr"?,
    /// "reasons":[{"code","kind","segment","hint"}],"findings":[…],"verification":{…},"lang",
    /// "replayed","submission_id"}`.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("participant".into(), json!(self.participant));
        m.insert("input".into(), json!(self.input));
        m.insert("status".into(), json!(self.status.as_str()));
        if let OutcomeStatus::PendingRecheck { next_at } = self.status {
            m.insert(
                "next_at".into(),
                json!(next_at.format("%Y-%m-%dT%H:%M:%S").to_string()),
            );
        }
        m.insert("lots".into(), json!(self.lots));
        m.insert("points".into(), json!(self.points));
        if let Some(id) = self.receipt() {
            m.insert("receipt".into(), json!(id.to_string()));
        }
        if let Some(c) = self.channel {
            m.insert("channel".into(), json!(c.as_str()));
        }
        if let Some(q) = &self.qr {
            m.insert("qr".into(), json!(q.to_string()));
        }
        m.insert(
            "reasons".into(),
            Value::Array(
                self.reasons
                    .iter()
                    .map(|r| {
                        json!({"code": r.code, "kind": r.kind.as_str(), "segment": r.segment,
                               "hint": r.hint})
                    })
                    .collect(),
            ),
        );
        m.insert(
            "findings".into(),
            Value::Array(
                self.findings
                    .iter()
                    .map(|f| {
                        json!({"code": f.code.as_str(), "severity": f.severity.as_str(),
                               "hint": f.hint_in(self.lang)})
                    })
                    .collect(),
            ),
        );
        m.insert("verification".into(), self.verification.to_json(self.lang));
        m.insert("lang".into(), json!(self.lang.as_str()));
        m.insert("replayed".into(), json!(self.replayed));
        m.insert("submission_id".into(), json!(self.submission_id));
        Value::Object(m)
    }

    /// A few lines of human text: status, lots, the verification label, then each non-info
    /// reason with its hint.
    pub fn to_text(&self) -> String {
        let mut s = self.status.label(self.lang).to_owned();
        if let OutcomeStatus::PendingRecheck { next_at } = self.status {
            s.push_str(&format!(" ({} UTC)", next_at.format("%Y-%m-%d %H:%M")));
        }
        if self.lots > 0 {
            let ru = self.lang == Lang::Ru;
            let word = match (self.status, ru) {
                (OutcomeStatus::Accepted, true) => "лотов",
                (OutcomeStatus::Accepted, false) => "lots",
                (_, true) => "лотов после подтверждения",
                (_, false) => "lots once confirmed",
            };
            s.push_str(&format!(", {word}: {}", self.lots));
        }
        if self.replayed {
            s.push_str(if self.lang == Lang::Ru {
                " (повтор, ничего не начислено заново)"
            } else {
                " (replayed: nothing credited again)"
            });
        }
        s.push('\n');
        if self.qr.is_some() {
            s.push_str(&format!("  [{}]\n", self.verification.text(self.lang)));
        }
        for r in self.reasons.iter().filter(|r| r.kind != ReasonKind::Info) {
            s.push_str(&format!("  {}: {}\n", r.code, r.hint));
        }
        s
    }
}
