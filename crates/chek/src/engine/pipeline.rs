//! [`Engine`] and its pipeline: from what a participant sent to the ledger.

use std::sync::Arc;

use chek_store::{
    FailedSubmission, Ledger, ReceiptStatus, RecheckState, Settled, Settlement, needs_campaign_lock,
};
use chrono::NaiveDateTime;

use super::error::check_participant;
use super::{
    EngineError, Input, Outcome, OutcomeReason, OutcomeStatus, ReasonKind, Submission,
    Verification, VerificationLabel, read::read,
};
use crate::campaign::{Campaign, Decision, Effect, ParticipantHistory, ReasonCode, Status};
use crate::fiscal::{Candidate, Severity, ValidationOptions, has_errors, validate_qr};
use crate::scan::ScanOptions;
use crate::verify::{Attempt, NextAction, RecheckPolicy, VerifyOutcome};
use crate::{Coded, Lang};

/// Runs a campaign: every submission from photo (or QR text, OCR text, manual entry) to the
/// ledger, re-checks, draws and segments. `Send + Sync`: share one engine between threads.
///
/// ```
/// use chek::campaign::Campaign;
/// use chek::engine::{Engine, Input, OutcomeStatus, Submission, Verification};
/// use chek::store::Ledger;
/// use chek::verify::RecheckPolicy;
///
/// let campaign = Campaign::from_toml(r#"
///     id = "demo"
///     name = "Демо"
///     [when]
///     start = "2026-11-01"
///     end = "2026-11-30"
///     [what]
///     require_verification = false
///     [[earn]]
///     id = "per-500"
///     kind = "per_amount"
///     every = "500"
///     lots = 1
/// "#)?;
/// let engine = Engine::new(campaign, Ledger::open(":memory:")?, Verification::Offline,
///                          RecheckPolicy::default());
/// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 0, 0).unwrap();
/// let qr = "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1";
///
/// let o = engine.process(Submission::new("tg:1", Input::QrText(qr.into())).received_at(now))?;
/// assert_eq!(o.status, OutcomeStatus::Accepted);
/// assert_eq!(o.lots, 3);
/// assert_eq!(o.verification.state(), "unverified"); // offline: never silently verified
///
/// let again = engine.process(Submission::new("tg:1", Input::QrText(qr.into())).received_at(now))?;
/// assert_eq!(again.status, OutcomeStatus::Rejected);
/// assert!(again.has("campaign.duplicate"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Engine {
    pub(super) campaign: Arc<Campaign>,
    pub(super) ledger: Ledger,
    pub(super) verification: Verification,
    pub(super) policy: RecheckPolicy,
    pub(super) scan: ScanOptions,
    pub(super) validation: ValidationOptions,
    /// Whether settles serialize campaign-wide (only a budget needs it).
    pub(super) lock_campaign: bool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("campaign", &self.campaign.def().id)
            .field("verification", &self.verification)
            .finish_non_exhaustive()
    }
}

/// What verification said before the campaign's final word.
pub(super) struct Checked {
    pub(super) cand: Candidate,
    pub(super) label: VerificationLabel,
    pub(super) hint: RecheckState,
    /// A verification answer that rejects the receipt whatever the campaign says.
    pub(super) veto: Option<VerifyOutcome>,
    /// A verification answer shown as a reason (not yet known, unavailable…).
    pub(super) note: Option<VerifyOutcome>,
}

impl Checked {
    pub(super) fn new(cand: Candidate, label: VerificationLabel) -> Self {
        Checked {
            cand,
            label,
            hint: RecheckState::None,
            veto: None,
            note: None,
        }
    }
}

impl Engine {
    /// An engine for one campaign over one ledger.
    pub fn new(
        campaign: Campaign,
        ledger: Ledger,
        verification: Verification,
        policy: RecheckPolicy,
    ) -> Self {
        Engine {
            lock_campaign: needs_campaign_lock(&campaign),
            campaign: Arc::new(campaign),
            ledger,
            verification,
            policy,
            scan: ScanOptions::default(),
            validation: ValidationOptions::default(),
        }
    }

    /// Replaces the photo scanner's options (limits, time budget).
    #[must_use]
    pub fn with_scan_options(mut self, opts: ScanOptions) -> Self {
        self.scan = opts;
        self
    }

    /// Replaces the offline validation options.
    #[must_use]
    pub fn with_validation_options(mut self, opts: ValidationOptions) -> Self {
        self.validation = opts;
        self
    }

    /// The campaign.
    pub fn campaign(&self) -> &Campaign {
        &self.campaign
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// How receipts are verified.
    pub fn verification(&self) -> &Verification {
        &self.verification
    }

    /// The label outcomes carry when nothing more specific is known: offline, or not asked.
    pub fn verification_label(&self) -> VerificationLabel {
        match &self.verification {
            Verification::Offline => VerificationLabel::Offline,
            #[cfg(feature = "verify")]
            v => VerificationLabel::NotAsked { provider: v.name() },
        }
    }

    pub(super) fn campaign_id(&self) -> &str {
        &self.campaign.def().id
    }

    /// Records a participant's language (segments list it, so a bot writes to each member in
    /// theirs). [`Engine::process`] records any language other than Russian, the default.
    pub fn set_language(&self, participant: &str, lang: Lang) -> Result<(), EngineError> {
        check_participant(participant)?;
        Ok(self
            .ledger
            .ensure_participant(self.campaign_id(), participant, lang)?)
    }

    /// Submits one input for a participant, received now, hints in Russian.
    pub fn submit(&self, participant: &str, input: Input) -> Result<Outcome, EngineError> {
        self.process(Submission::new(participant, input))
    }

    /// Runs one submission through the whole pipeline and records it.
    ///
    /// Receipts that do not count are `Ok` outcomes with reasons; `Err` means the engine
    /// could not record anything (bad participant id, ledger down).
    pub fn process(&self, sub: Submission) -> Result<Outcome, EngineError> {
        check_participant(&sub.participant)?;
        // The ledger registers new participants in Russian; any other language is stored
        // (segments list each member's language for the bot's messages).
        if sub.lang != Lang::Ru {
            self.set_language(&sub.participant, sub.lang)?;
        }
        let now = sub
            .received_at
            .unwrap_or_else(|| chrono::Utc::now().naive_utc());
        let lang = sub.lang;
        let kind = sub.input.kind();
        let mut out = Outcome {
            participant: sub.participant.clone(),
            input: kind,
            channel: None,
            qr: None,
            status: OutcomeStatus::Failed,
            lots: 0,
            points: 0,
            reasons: Vec::new(),
            findings: Vec::new(),
            verification: self.verification_label(),
            lang,
            replayed: false,
            submission_id: None,
        };
        let cand = match read(&sub.input, &self.scan, lang) {
            Ok(c) => c,
            Err(reasons) => {
                out.reasons = reasons;
                self.record_failure(&sub, &out, now)?;
                return Ok(out);
            }
        };
        out.channel = Some(cand.channel);
        out.qr = Some(cand.qr.clone());
        let findings = validate_qr(&cand.qr, now, &self.validation);
        out.reasons.extend(
            findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| OutcomeReason {
                    code: f.code.as_str(),
                    kind: ReasonKind::Reject,
                    segment: None,
                    hint: f.hint_in(lang).to_owned(),
                }),
        );
        let invalid = has_errors(&findings);
        out.findings = findings;
        if invalid {
            // Impossible fields (a date in the future, a broken ФН): not a receipt to settle.
            out.status = OutcomeStatus::Rejected;
            self.record_failure(&sub, &out, now)?;
            return Ok(out);
        }

        let checked = self.check(cand, &sub.participant, now);
        out.verification = checked.label.clone();
        let campaign = Arc::clone(&self.campaign);
        let veto = checked.veto.clone();
        let cand = &checked.cand;
        let settlement = Settlement {
            campaign: self.campaign_id().to_owned(),
            participant: sub.participant.clone(),
            idempotency_key: sub.idempotency_key.clone(),
            channel: cand.channel,
            received_at: now,
            qr: cand.qr.to_string(),
            receipt: cand
                .receipt
                .as_ref()
                .and_then(|r| serde_json::to_value(r).ok()),
            status_hint: checked.hint.clone(),
            serialize_campaign: self.lock_campaign,
        };
        let settled = self
            .ledger
            .settle(&settlement, &mut |hist: &ParticipantHistory| {
                let mut d = campaign.evaluate(cand, hist, now);
                if veto.is_some() {
                    d.status = Status::Rejected;
                    d.lots = 0;
                    d.points = 0;
                }
                d
            })?;
        self.finish(&mut out, &settled, &checked, lang);
        Ok(out)
    }

    /// Pre-check, then verification when the campaign needs it.
    fn check(&self, cand: Candidate, participant: &str, now: NaiveDateTime) -> Checked {
        let pre = self
            .campaign
            .evaluate(&cand, &ParticipantHistory::new(participant), now);
        let wants_fns = pre.status == Status::Pending
            && pre.reasons.iter().any(|r| {
                matches!(
                    r.code,
                    ReasonCode::NeedsVerification
                        | ReasonCode::ManualEntry
                        | ReasonCode::NeedsItems
                )
            });
        let mut c = Checked::new(cand, self.verification_label());
        if !wants_fns {
            return c;
        }
        let Some(answer) = self.verification.verify(&c.cand.qr) else {
            // Offline: parked, so that an engine with a provider can pick it up later.
            c.hint = RecheckState::PendingRecheck {
                next_at: now,
                attempts: Vec::new(),
            };
            return c;
        };
        self.apply_answer(&mut c, answer, Vec::new(), now);
        c
    }

    /// Folds one provider answer into the candidate and the re-check state.
    pub(super) fn apply_answer(
        &self,
        c: &mut Checked,
        answer: VerifyOutcome,
        mut attempts: Vec<Attempt>,
        now: NaiveDateTime,
    ) {
        let provider = self.verification.name();
        attempts.push(Attempt {
            at: now,
            outcome: answer.clone(),
        });
        match &answer {
            VerifyOutcome::Verified { receipt } => {
                c.cand.receipt = Some((**receipt).clone());
                c.label = VerificationLabel::Verified { provider };
                c.hint = RecheckState::None;
                return;
            }
            _ => {
                c.label = VerificationLabel::NotVerified {
                    provider,
                    outcome: answer.clone(),
                };
            }
        }
        c.note = Some(answer.clone());
        match self.policy.next(&attempts, now) {
            NextAction::RetryAt(at) => {
                c.hint = RecheckState::PendingRecheck {
                    next_at: at,
                    attempts,
                };
            }
            NextAction::Escalate => c.hint = RecheckState::AwaitingOperator,
            // Invalid (fiscal data rejected, QR mismatch), or a policy that never escalates.
            _ => {
                c.hint = RecheckState::None;
                c.veto = Some(answer);
            }
        }
    }

    pub(super) fn finish(&self, out: &mut Outcome, s: &Settled, c: &Checked, lang: Lang) {
        out.replayed = s.replayed;
        out.submission_id = Some(s.submission_id);
        out.status = match s.status {
            ReceiptStatus::Accepted => OutcomeStatus::Accepted,
            ReceiptStatus::Rejected => OutcomeStatus::Rejected,
            ReceiptStatus::PendingRecheck { next_at } => OutcomeStatus::PendingRecheck { next_at },
            ReceiptStatus::AwaitingOperator => OutcomeStatus::AwaitingOperator,
        };
        if matches!(
            out.status,
            OutcomeStatus::Accepted
                | OutcomeStatus::PendingRecheck { .. }
                | OutcomeStatus::AwaitingOperator
        ) {
            out.lots = s.decision.lots;
            out.points = s.decision.points;
        }
        if let Some(v) = c.veto.as_ref().or(c.note.as_ref()) {
            let kind = if c.veto.is_some() {
                ReasonKind::Reject
            } else {
                ReasonKind::Pending
            };
            let mut r = OutcomeReason::of(v, kind, lang);
            r.segment = v.segment().map(|s| s.id());
            out.reasons.push(r);
        }
        out.reasons.extend(decision_reasons(&s.decision, lang));
    }

    fn record_failure(
        &self,
        sub: &Submission,
        out: &Outcome,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let first = out.reasons.first();
        let mut detail = format!("{} input", out.input);
        if let Some(q) = &out.qr {
            detail.push_str(&format!(", qr {q}"));
        }
        if let Some(r) = first {
            detail.push_str(&format!(": {}", r.hint));
        }
        self.ledger.record_failure(&FailedSubmission {
            campaign: self.campaign_id().to_owned(),
            participant: sub.participant.clone(),
            idempotency_key: sub.idempotency_key.clone(),
            channel: out.channel,
            received_at: now,
            code: first.map_or("engine.unreadable", |r| r.code).to_owned(),
            detail,
        })?;
        Ok(())
    }
}

/// The campaign's reasons as outcome reasons, hints in the participant's language.
fn decision_reasons(d: &Decision, lang: Lang) -> Vec<OutcomeReason> {
    d.reasons
        .iter()
        .map(|r| OutcomeReason {
            code: r.code(),
            kind: match r.effect() {
                Effect::Reject => ReasonKind::Reject,
                Effect::Pending => ReasonKind::Pending,
                Effect::Info => ReasonKind::Info,
            },
            segment: r.segment().map(|s| s.id()),
            hint: r.hint(lang).into_owned(),
        })
        .collect()
}
