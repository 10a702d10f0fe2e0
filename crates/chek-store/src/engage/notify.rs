//! Notifications in the ledger: the contact history the caps count (one document per contact,
//! the recipient as the second key), one plan per message key, and the outcome of each call
//! attempt. Planning a message and recording a call are one transaction each, and each is
//! exactly-once by the event's own id (the message key; the message key and the attempt), so
//! parallel planners never plan a key twice or overrun a cap, and a repeated provider report
//! changes nothing.

use chek_engage::notify::{
    CallRecord, Contact, ContactChannel, CrmEvent, CrmResult, NotifyConfig, NotifyError, Plan,
    PlannedMessage, Recipient, Skip, Skipped, plan_each, plan_firing, process_call,
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::doc::{Docs, Replayed};
use crate::{Ledger, StoreError};

const CONTACT: &str = "notify.contact";
const PLAN: &str = "notify.plan";
const FLOW_PLAN: &str = "notify.plan";
const FLOW_OUTCOME: &str = "notify.outcome";

/// A planned message as the ledger keeps it: the plan, the recipient it was planned for, and
/// how its calls went.
///
/// ```
/// use chek_engage::notify::{CrmEvent, NotifyConfig, Recipient};
/// let l = chek_store::Ledger::open(":memory:")?;
/// let c = NotifyConfig::from_toml(r#"
///     [templates]
///     ready = "Заказ {order|order} готов к выдаче."
///     [[rules]]
///     id = "ready"
///     trigger = { kind = "status_changed", status = "ready" }
///     template = "ready"
///     channels = ["sms"]
/// "#)?;
/// let events: Vec<CrmEvent> = serde_json::from_str(r#"[{"type":"status_changed","order":"77",
///     "customer":"c1","status":"ready","at":"2026-08-18T08:00:00"}]"#)?;
/// let who: Vec<Recipient> = serde_json::from_str(r#"[{"id":"c1","phone":"+79120000000"}]"#)?;
/// let now = "2026-08-18T08:01:00".parse()?;
/// assert_eq!(l.notify_plan(&c, &events, &who, now)?.messages.len(), 1);
/// // A second run plans nothing again.
/// let again = l.notify_plan(&c, &events, &who, now)?;
/// assert!(again.messages.is_empty());
/// assert_eq!(again.skipped[0].code, "notify.already_sent");
/// assert_eq!(l.notify_plans()?[0].status, "planned");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPlan {
    /// The message as planned.
    pub message: PlannedMessage,
    /// Who it was planned for.
    pub recipient: Recipient,
    /// The last call attempt reported (0 before any).
    pub attempt: u32,
    /// `planned`, `retry` (another call is scheduled), `delivered`, `fallback_sms` (calls
    /// failed, an SMS is scheduled instead) or `failed`.
    pub status: String,
    /// The last call's result.
    pub last: Option<CrmResult>,
}

fn contact_id(key: &str, attempt: u32) -> String {
    format!("{key}#{attempt}")
}

impl Ledger {
    /// Plans a batch like [`chek_engage::notify::plan`], with the contact history in the
    /// ledger: each firing is one transaction that reads the recipient's contacts, skips a key
    /// already planned (`notify.already_sent`), plans the message and records it (the
    /// planned contact counts towards the caps at once). A firing that cannot be planned
    /// (no channel, no slot, opted out) writes nothing, so a later run tries again.
    pub fn notify_plan(
        &self,
        config: &NotifyConfig,
        events: &[CrmEvent],
        recipients: &[Recipient],
        now: NaiveDateTime,
    ) -> Result<Plan, StoreError> {
        plan_each(config, events, recipients, now, |f, r| {
            let step = self.docs_tx(&mut |tx| {
                let mut d = Docs { tx, now };
                if d.event::<ContactChannel>(FLOW_PLAN, &f.key)?.is_some() {
                    return Ok(Err(Skipped::already_sent(f)));
                }
                let history: Vec<Contact> = d
                    .by_group::<Contact>(CONTACT, &r.id)?
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect();
                if history
                    .iter()
                    .any(|c| c.key.as_deref() == Some(f.key.as_str()))
                {
                    return Ok(Err(Skipped::already_sent(f)));
                }
                let m = match plan_firing(config, f, r, &history, now) {
                    Ok(m) => m,
                    Err(e) => return Ok(Err(Skip::Error(e))),
                };
                d.put(CONTACT, &contact_id(&m.key, 1), Some(&r.id), &m.contact())?;
                let stored = StoredPlan {
                    message: m.clone(),
                    recipient: r.clone(),
                    attempt: 0,
                    status: "planned".into(),
                    last: None,
                };
                d.put(PLAN, &m.key, Some(&r.id), &stored)?;
                d.put_event(FLOW_PLAN, &m.key, &m.channel)?;
                Ok(Ok(m))
            });
            // A key the ledger cannot hold (too long, control characters) is this firing's
            // problem, not the batch's.
            match step {
                Err(StoreError::Invalid(why)) => {
                    Ok(Err(Skip::Line(Skipped::of(f, "notify.bad_input", why))))
                }
                other => other,
            }
        })
    }

    /// Records one call report in one transaction, exactly once per message key and attempt:
    /// the outcome (see [`chek_engage::notify::process_call`]) against the recipient's
    /// contacts in the ledger, the attempt as a contact (counting only when it reached the
    /// person), the next attempt or the SMS fallback as planned contacts, and the message's
    /// status. The recipient, purpose, deadline, template and fallback text come from the
    /// stored plan when the record leaves them out. A repeated report returns the first
    /// result (`replayed`); a report that cannot be mapped is the inner error and writes
    /// nothing.
    pub fn notify_outcome(
        &self,
        config: &NotifyConfig,
        record: &CallRecord,
        now: NaiveDateTime,
    ) -> Result<Result<Replayed<CrmResult>, NotifyError>, StoreError> {
        let attempt = record.attempt.max(1);
        let id = contact_id(&record.key, attempt);
        let r = self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            if let Some(first) = d.event::<CrmResult>(FLOW_OUTCOME, &id)? {
                return Ok(Ok(Replayed {
                    value: first,
                    replayed: true,
                }));
            }
            let mut stored: Option<StoredPlan> = d.get(PLAN, &record.key)?;
            let mut rec = record.clone();
            rec.attempt = attempt;
            if let Some(s) = &stored {
                rec.purpose = s.message.purpose;
                if rec.recipient.is_none() {
                    rec.recipient = Some(s.recipient.clone());
                }
                rec.until = rec.until.or(s.message.until);
                if rec.template.is_none() && !s.message.template.is_empty() {
                    rec.template = Some(s.message.template.clone());
                }
                rec.sms_text = rec.sms_text.take().or(s.message.fallback_sms.clone());
            }
            let Some(who) = rec.recipient.clone() else {
                return Ok(Err(NotifyError::BadInput(format!(
                    "{}: no recipient, and no plan for this key in the ledger",
                    rec.key.chars().take(128).collect::<String>()
                ))));
            };
            let history: Vec<Contact> = d
                .by_group::<Contact>(CONTACT, &who.id)?
                .into_iter()
                .filter(|(k, _)| *k != id)
                .map(|(_, c)| c)
                .collect();
            let r = match process_call(config, &rec, &history, now) {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            let contact = |channel, at, counts| Contact {
                recipient: who.id.clone(),
                channel,
                purpose: rec.purpose,
                at,
                counts,
                key: Some(rec.key.clone()),
            };
            d.put(
                CONTACT,
                &id,
                Some(&who.id),
                &contact(ContactChannel::Call, now, r.counts_as_contact),
            )?;
            if let Some(next) = r.next_attempt_at {
                d.put(
                    CONTACT,
                    &contact_id(&rec.key, attempt.saturating_add(1)),
                    Some(&who.id),
                    &contact(ContactChannel::Call, next, true),
                )?;
            }
            if let Some(fb) = &r.fallback_sms {
                d.put(
                    CONTACT,
                    &format!("{}#sms", rec.key),
                    Some(&who.id),
                    &contact(ContactChannel::Sms, fb.at, true),
                )?;
            }
            if let Some(s) = stored.as_mut()
                && attempt >= s.attempt
            {
                s.attempt = attempt;
                s.status = if r.success {
                    "delivered"
                } else if !r.is_final {
                    "retry"
                } else if r.fallback_sms.is_some() {
                    "fallback_sms"
                } else {
                    "failed"
                }
                .into();
                s.last = Some(r.clone());
                d.put(PLAN, &rec.key, Some(&who.id), &*s)?;
            }
            d.put_event(FLOW_OUTCOME, &id, &r)?;
            Ok(Ok(Replayed {
                value: r,
                replayed: false,
            }))
        });
        match r {
            Err(StoreError::Invalid(why)) => Ok(Err(NotifyError::BadInput(why))),
            other => other,
        }
    }

    /// Adds contacts made outside the ledger (the `--contacts` import format) in one
    /// transaction; the same contact imported twice is stored once. Returns how many were new.
    pub fn notify_import_contacts(
        &self,
        contacts: &[Contact],
        now: NaiveDateTime,
    ) -> Result<usize, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            let mut new = 0;
            for c in contacts {
                let id = format!(
                    "import:{}:{}:{}:{}",
                    c.recipient,
                    c.channel,
                    c.at.format("%Y-%m-%dT%H:%M:%S"),
                    c.key.as_deref().unwrap_or("")
                );
                if d.get::<Contact>(CONTACT, &id)?.is_none() {
                    d.put(CONTACT, &id, Some(&c.recipient), c)?;
                    new += 1;
                }
            }
            Ok(new)
        })
    }

    /// Every contact in the ledger (made, planned and imported), in id order.
    pub fn notify_contacts(&self) -> Result<Vec<Contact>, StoreError> {
        self.docs_all(CONTACT)?
            .into_iter()
            .map(|(k, raw)| {
                serde_json::from_str(&raw)
                    .map_err(|e| StoreError::Corrupt(format!("contact {k}: {e}")))
            })
            .collect()
    }

    /// Every planned message with its call status, in key order.
    pub fn notify_plans(&self) -> Result<Vec<StoredPlan>, StoreError> {
        self.docs_all(PLAN)?
            .into_iter()
            .map(|(k, raw)| {
                serde_json::from_str(&raw)
                    .map_err(|e| StoreError::Corrupt(format!("plan {k}: {e}")))
            })
            .collect()
    }
}
