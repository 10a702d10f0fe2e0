//! Re-checks: receipts ФНС did not know yet, asked again on the core's [`RecheckPolicy`].
//!
//! [`RecheckPolicy`]: crate::verify::RecheckPolicy

use std::sync::Arc;

use chek_store::{PendingRecheck, Settlement};
use chrono::NaiveDateTime;

use super::pipeline::Checked;
use super::{Engine, EngineError, Outcome, OutcomeStatus};
use crate::campaign::ParticipantHistory;
use crate::fiscal::{Candidate, FiscalQr};

impl Engine {
    /// Receipts of this campaign whose re-check is due at `now` (UTC), oldest first.
    pub fn due_rechecks(
        &self,
        now: NaiveDateTime,
        limit: usize,
    ) -> Result<Vec<PendingRecheck>, EngineError> {
        Ok(self.ledger.due_rechecks(self.campaign_id(), now, limit)?)
    }

    /// Asks the provider again about up to `limit` due receipts and settles each with the
    /// answer: accepted once verified, re-scheduled while ФНС does not know it, handed to an
    /// operator when the policy's attempts are spent, rejected when ФНС rejects it.
    ///
    /// Offline there is nobody to ask: nothing changes and the list is empty (the receipts
    /// stay due for an engine with a provider).
    ///
    /// The campaign judges the receipt as of its first upload (an upload deadline that passed
    /// while ФНС was slow does not reject it).
    pub fn recheck(&self, now: NaiveDateTime, limit: usize) -> Result<Vec<Outcome>, EngineError> {
        if self.verification.is_offline() {
            return Ok(Vec::new());
        }
        let due = self.due_rechecks(now, limit)?;
        due.into_iter().map(|p| self.recheck_one(p, now)).collect()
    }

    fn recheck_one(&self, p: PendingRecheck, now: NaiveDateTime) -> Result<Outcome, EngineError> {
        let lang = p.lang;
        let qr = FiscalQr::parse(&p.qr).map_err(|e| {
            EngineError::Ledger(chek_store::StoreError::Corrupt(format!(
                "stored qr {:?}: {e}",
                p.qr
            )))
        })?;
        let mut checked = Checked::new(Candidate::new(qr, p.channel), self.verification_label());
        if let Some(answer) = self.verification.verify(&checked.cand.qr) {
            self.apply_answer(&mut checked, answer, p.attempts.clone(), now);
        }
        let campaign = Arc::clone(&self.campaign);
        let veto = checked.veto.is_some();
        let judged_at = p.first_received_at;
        let cand = &checked.cand;
        let s = Settlement {
            campaign: p.campaign.clone(),
            participant: p.participant.clone(),
            idempotency_key: None,
            channel: cand.channel,
            received_at: now,
            qr: cand.qr.to_string(),
            receipt: cand
                .receipt
                .as_ref()
                .and_then(|r| serde_json::to_value(r).ok()),
            status_hint: checked.hint.clone(),
            serialize_campaign: self.lock_campaign,
            budget: chek_store::budget_of(&campaign),
            verification_reason: checked.verification_reason(),
            // Evaluated as of the first receipt: its day and week.
            windows: Some(campaign.history_windows(judged_at)),
            lang: None,
        };
        let settled = self.ledger.settle(&s, &mut |h: &ParticipantHistory| {
            let mut d = campaign.evaluate(cand, h, judged_at);
            if veto {
                super::pipeline::veto(&mut d);
            }
            d
        })?;
        let mut out = Outcome {
            participant: p.participant,
            input: "recheck",
            channel: Some(cand.channel),
            qr: Some(cand.qr.clone()),
            status: OutcomeStatus::Failed,
            lots: 0,
            points: 0,
            reasons: Vec::new(),
            findings: Vec::new(),
            verification: checked.label.clone(),
            lang,
            replayed: false,
            submission_id: None,
        };
        self.finish(&mut out, &settled, &checked, lang);
        Ok(out)
    }
}
