//! [`Engine`] and its pipeline: from what a participant sent to the ledger.

use std::sync::Arc;

use chek_store::{
    FailedSubmission, Ledger, ReceiptStatus, RecheckState, Settled, Settlement, budget_of,
    needs_campaign_lock,
};
use chrono::NaiveDateTime;

use super::error::check_participant;
use super::group::{Group, MAX_GROUP};
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
    /// Settles from concurrent `process` calls, committed together.
    pub(super) group: Group<Ready, Settled>,
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

/// A submission read, validated and verified: what its settle needs.
pub(super) struct Ready {
    pub(super) checked: Checked,
    pub(super) settlement: Settlement,
    pub(super) now: NaiveDateTime,
}

/// A submission after everything but the settle.
enum Prepared {
    /// Nothing to settle (unreadable, invalid): the failure is recorded.
    Done(Outcome),
    /// To settle; the outcome is finished from the settle's result.
    Ready(Outcome, Arc<Ready>),
}

impl Checked {
    /// The code of the verification answer that decided or delayed the outcome, for the ledger.
    pub(super) fn verification_reason(&self) -> Option<String> {
        self.veto
            .as_ref()
            .or(self.note.as_ref())
            .map(|v| v.code().to_owned())
    }

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
            group: Group::default(),
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

    /// The schedule parked receipts are asked about again on.
    pub fn recheck_policy(&self) -> &RecheckPolicy {
        &self.policy
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
    /// theirs). [`Engine::process`] records each submission's language with its settle.
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
    /// could not record anything (bad participant id, ledger down). An `Ok` outcome is
    /// committed. On SQLite, calls from several threads at once share commits (group commit);
    /// on PostgreSQL they settle in parallel, each on a pooled connection.
    pub fn process(&self, sub: Submission) -> Result<Outcome, EngineError> {
        match self.prepare(sub)? {
            Prepared::Done(out) => Ok(out),
            Prepared::Ready(mut out, ready) => {
                let lang = out.lang;
                let run = |items: &[Arc<Ready>]| self.settle_ready(items);
                let settled = if self.ledger.backend() == chek_store::Backend::Sqlite {
                    // One writer at a time anyway: concurrent settles share a commit.
                    self.group.settle(Arc::clone(&ready), &run)?
                } else {
                    // PostgreSQL settles in parallel on its pool; sharing a transaction would
                    // queue them behind one connection's round trips.
                    first(run(std::slice::from_ref(&ready)))?
                };
                self.finish(&mut out, &settled, &ready.checked, lang);
                Ok(out)
            }
        }
    }

    /// Runs many submissions, in order, settling them in few transactions (up to 256 receipts
    /// per commit): the fast way to load a file of receipts. Each result is what
    /// [`process`](Self::process) would have returned for that submission, in the same order;
    /// a later submission sees the earlier ones (a receipt sent twice in one batch is a
    /// duplicate the second time).
    ///
    /// ```
    /// # use chek::campaign::Campaign;
    /// # use chek::engine::{Engine, Input, OutcomeStatus, Submission, Verification};
    /// # use chek::store::Ledger;
    /// # use chek::verify::RecheckPolicy;
    /// # let campaign = Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-11-01\"\nend = \"2026-11-30\"\n[what]\nrequire_verification = false\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let engine = Engine::new(campaign, Ledger::open(":memory:")?, Verification::Offline,
    ///                          RecheckPolicy::default());
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let qr = |i: u32| format!("t=20261105T1830&s=100.00&fn=7281440500751551&i={i}&fp={i}&n=1");
    /// let subs = [qr(1), qr(2), qr(1), "not a receipt".into()]
    ///     .map(|q| Submission::new("tg:1", Input::QrText(q)).received_at(now));
    /// let out = engine.process_batch(subs);
    /// let status: Vec<_> = out.iter().map(|o| o.as_ref().map(|o| o.status.clone()).ok()).collect();
    /// assert_eq!(status[0], Some(OutcomeStatus::Accepted));
    /// assert_eq!(status[1], Some(OutcomeStatus::Accepted));
    /// assert_eq!(status[2], Some(OutcomeStatus::Rejected)); // the same receipt again
    /// assert_eq!(status[3], Some(OutcomeStatus::Failed));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn process_batch(
        &self,
        subs: impl IntoIterator<Item = Submission>,
    ) -> Vec<Result<Outcome, EngineError>> {
        let mut results: Vec<Option<Result<Outcome, EngineError>>> = Vec::new();
        let mut waiting: Vec<(usize, Outcome, Arc<Ready>)> = Vec::new();
        for sub in subs {
            let i = results.len();
            match self.prepare(sub) {
                Ok(Prepared::Done(out)) => results.push(Some(Ok(out))),
                Ok(Prepared::Ready(out, ready)) => {
                    results.push(None);
                    waiting.push((i, out, ready));
                    if waiting.len() == MAX_GROUP {
                        self.settle_waiting(&mut waiting, &mut results);
                    }
                }
                Err(e) => results.push(Some(Err(e))),
            }
        }
        self.settle_waiting(&mut waiting, &mut results);
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(EngineError::Ledger(chek_store::StoreError::Backend(
                        "a batch item was not settled".into(),
                    )))
                })
            })
            .collect()
    }

    fn settle_waiting(
        &self,
        waiting: &mut Vec<(usize, Outcome, Arc<Ready>)>,
        results: &mut [Option<Result<Outcome, EngineError>>],
    ) {
        if waiting.is_empty() {
            return;
        }
        let items: Vec<Arc<Ready>> = waiting.iter().map(|(_, _, r)| Arc::clone(r)).collect();
        let settled = self.settle_ready(&items);
        for (n, (i, mut out, ready)) in waiting.drain(..).enumerate() {
            let r = match &settled {
                Ok(all) => match all.get(n) {
                    Some(Ok(s)) => {
                        let lang = out.lang;
                        self.finish(&mut out, s, &ready.checked, lang);
                        Ok(out)
                    }
                    Some(Err(e)) => Err(EngineError::Ledger(e.clone())),
                    None => Err(EngineError::Ledger(chek_store::StoreError::Backend(
                        "the ledger returned too few results".into(),
                    ))),
                },
                Err(e) => Err(EngineError::Ledger(e.clone())),
            };
            if let Some(slot) = results.get_mut(i) {
                *slot = Some(r);
            }
        }
    }

    /// The campaign's decision for a prepared submission, given the ledger's history.
    fn decide(&self, r: &Ready, hist: &ParticipantHistory) -> Decision {
        let mut d = self.campaign.evaluate(&r.checked.cand, hist, r.now);
        if r.checked.veto.is_some() {
            veto(&mut d);
        }
        d
    }

    /// Settles prepared submissions in one transaction.
    fn settle_ready(
        &self,
        items: &[Arc<Ready>],
    ) -> Result<Vec<Result<Settled, chek_store::StoreError>>, chek_store::StoreError> {
        if let [one] = items {
            return Ok(vec![
                self.ledger
                    .settle(&one.settlement, &mut |h| self.decide(one, h)),
            ]);
        }
        let batch: Vec<Settlement> = items.iter().map(|r| r.settlement.clone()).collect();
        self.ledger
            .settle_batch(&batch, &mut |i, h| match items.get(i) {
                Some(r) => self.decide(r, h),
                // settle_batch asks only about its own indices.
                None => self
                    .campaign
                    .evaluate(&items[0].checked.cand, h, items[0].now),
            })
    }

    /// Everything before the settle: read, validate, pre-check, verify.
    fn prepare(&self, sub: Submission) -> Result<Prepared, EngineError> {
        check_participant(&sub.participant)?;
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
                return Ok(Prepared::Done(out));
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
            return Ok(Prepared::Done(out));
        }

        let mut settlement = Settlement {
            campaign: self.campaign_id().to_owned(),
            participant: sub.participant.clone(),
            idempotency_key: sub.idempotency_key.clone(),
            channel: cand.channel,
            received_at: now,
            qr: cand.qr.to_string(),
            receipt: None,
            status_hint: RecheckState::None,
            serialize_campaign: self.lock_campaign,
            // PostgreSQL checks a budget at commit instead of serializing the campaign.
            budget: budget_of(&self.campaign),
            verification_reason: None,
            // The settle then reads the participant's recent receipts as sums.
            windows: Some(self.campaign.history_windows(now)),
            // Recorded in the settle's own transaction (segments list each member's language).
            lang: Some(lang),
        };
        let checked = self.check(cand, &settlement, now);
        out.verification = checked.label.clone();
        settlement.receipt = checked
            .cand
            .receipt
            .as_ref()
            .and_then(|r| serde_json::to_value(r).ok());
        settlement.status_hint = checked.hint.clone();
        settlement.verification_reason = checked.verification_reason();
        Ok(Prepared::Ready(
            out,
            Arc::new(Ready {
                checked,
                settlement,
                now,
            }),
        ))
    }

    /// Pre-check, then verification when the campaign needs it.
    fn check(&self, cand: Candidate, s: &Settlement, now: NaiveDateTime) -> Checked {
        let wants_fns = |hist: &ParticipantHistory| {
            let pre = self.campaign.evaluate(&cand, hist, now);
            // A receipt someone else holds goes to a person whatever ФНС says.
            pre.status == Status::Pending
                && !pre.has(ReasonCode::Conflict)
                && pre.reasons.iter().any(|r| {
                    matches!(
                        r.code,
                        ReasonCode::NeedsVerification
                            | ReasonCode::ManualEntry
                            | ReasonCode::NeedsItems
                    )
                })
        };
        if !wants_fns(&ParticipantHistory::new(s.participant.as_str())) {
            return Checked::new(cand, self.verification_label());
        }
        // A provider call costs time and often money: first ask the ledger whether the receipt
        // could count at all (sent before, a limit reached). Unlocked, so the settle decides
        // again; a read error only means asking the provider anyway.
        if !matches!(self.verification, Verification::Offline)
            && let Ok(h) = self.ledger.peek_history(s)
            && !wants_fns(&h)
        {
            return Checked::new(cand, self.verification_label());
        }
        let mut c = Checked::new(cand, self.verification_label());
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

/// The one result of a one-item settle.
fn first(
    r: Result<Vec<Result<Settled, chek_store::StoreError>>, chek_store::StoreError>,
) -> Result<Settled, chek_store::StoreError> {
    r?.into_iter().next().unwrap_or_else(|| {
        Err(chek_store::StoreError::Backend(
            "the ledger returned no result".into(),
        ))
    })
}

/// Rejects a decision on a verification answer: nothing earned, and the campaign's pending
/// reasons («ждём ФНС») dropped, since ФНС has answered.
pub(super) fn veto(d: &mut Decision) {
    d.status = Status::Rejected;
    d.lots = 0;
    d.points = 0;
    d.reasons.retain(|r| r.effect() != Effect::Pending);
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
