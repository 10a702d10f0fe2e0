//! The settle algorithm, once for both backends: each backend supplies the statements inside
//! its own transaction ([`SettleTx`]); the rules (replay, claims, exactly once, what is written)
//! live here.

use chek_core::Lang;
use chek_core::campaign::{
    Decision, EarlierReceipts, ParticipantHistory, PastReceipt, ReceiptBucket, Status,
};
use chek_core::fiscal::{FiscalQr, ReceiptId};
use chek_core::verify::VerifySegment;
use chrono::{NaiveDate, NaiveDateTime};

use crate::{ReceiptStatus, RecheckState, Settled, Settlement, StoreError};
use crate::{read, stored};

/// Longest campaign id, participant id, idempotency key, QR string and failure detail stored.
pub(crate) const MAX_ID: usize = 256;
pub(crate) const MAX_QR: usize = 1024;
pub(crate) const MAX_DETAIL: usize = 1000;

/// How far back a settle reads a participant's quarter-hour buckets: past any day or week
/// window of any time zone. Older receipts come summed ([`EarlierReceipts`]).
pub(crate) const RECENT: chrono::TimeDelta = chrono::TimeDelta::days(9);

/// The start of the bucket window for a settle received at `at`.
pub(crate) fn recent_since(at: NaiveDateTime) -> NaiveDateTime {
    at.checked_sub_signed(RECENT).unwrap_or(NaiveDateTime::MIN)
}

/// The quarter hour `at` falls in (UTC): its bucket.
pub(crate) fn bucket_of(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    at.date()
        .and_hms_opt(at.hour(), at.minute() / 15 * 15, 0)
        .unwrap_or(at)
}

/// Which buckets a settle reads: `[from, to)`, and with `day` (the evaluation's windows known)
/// summed into a day bucket (start `day.0`) and a rest-of-week bucket (start `from`).
pub(crate) struct BucketQuery {
    pub(crate) from: NaiveDateTime,
    pub(crate) to: Option<NaiveDateTime>,
    pub(crate) day: Option<(NaiveDateTime, NaiveDateTime)>,
}

impl BucketQuery {
    pub(crate) fn of(s: &Settlement) -> Self {
        match &s.windows {
            Some(w) => BucketQuery {
                from: bucket_of(w.week.0.min(w.day.0)),
                to: Some(w.week.1.max(w.day.1)),
                day: Some(w.day),
            },
            None => BucketQuery {
                from: bucket_of(recent_since(s.received_at)),
                to: None,
                day: None,
            },
        }
    }

    fn covers(&self, t: NaiveDateTime) -> bool {
        t >= self.from && self.to.is_none_or(|to| t < to)
    }
}

/// The history's shape from what a settle read: the candidate's own counted row (0 or 1) in
/// `own`, the recent buckets less that row, and the running totals less both as `earlier`.
pub(crate) fn split_history(
    totals: (u64, u64, u64),
    own: &[PastReceipt],
    mut buckets: Vec<ReceiptBucket>,
    q: &BucketQuery,
) -> (Vec<ReceiptBucket>, EarlierReceipts) {
    for r in own.iter().filter(|r| q.covers(r.submitted_at)) {
        // The bucket holding it: the latest one starting at or before it.
        if let Some(b) = buckets
            .iter_mut()
            .filter(|b| b.start <= r.submitted_at)
            .max_by_key(|b| b.start)
        {
            b.count = b.count.saturating_sub(1);
            b.lots = b.lots.saturating_sub(r.lots);
            b.points = b.points.saturating_sub(r.points);
        }
    }
    buckets.retain(|b| b.count > 0);
    let (mut count, mut lots, mut points) = totals;
    for (n, l, p) in own
        .iter()
        .map(|r| (1, r.lots, r.points))
        .chain(buckets.iter().map(|b| (b.count, b.lots, b.points)))
    {
        count = count.saturating_sub(n);
        lots = lots.saturating_sub(l);
        points = points.saturating_sub(p);
    }
    (
        buckets,
        EarlierReceipts {
            count,
            lots,
            points,
        },
    )
}

/// A stored submission found by its idempotency key.
pub(crate) struct Replay {
    pub(crate) id: i64,
    pub(crate) participant: String,
    pub(crate) status: String,
    pub(crate) next_at: Option<NaiveDateTime>,
    pub(crate) decision: String,
}

/// One participant's claim on a receipt.
pub(crate) struct Claim {
    pub(crate) participant: String,
    pub(crate) status: String,
    pub(crate) first_submission_id: i64,
    pub(crate) first_at: NaiveDateTime,
}

pub(crate) struct SubmissionRow<'a> {
    pub(crate) campaign: &'a str,
    pub(crate) participant: &'a str,
    /// The participant's language to record, if given.
    pub(crate) lang: Option<&'static str>,
    pub(crate) idempotency_key: Option<&'a str>,
    pub(crate) channel: &'static str,
    pub(crate) received_at: NaiveDateTime,
    pub(crate) day: NaiveDate,
    pub(crate) qr: &'a str,
    pub(crate) receipt_key: &'a str,
    pub(crate) status: &'static str,
    pub(crate) next_at: Option<NaiveDateTime>,
    pub(crate) lots: i64,
    pub(crate) points: i64,
    pub(crate) reasons: String,
    pub(crate) decision: String,
    pub(crate) recheck: bool,
}

pub(crate) struct ReceiptRow<'a> {
    pub(crate) campaign: &'a str,
    pub(crate) receipt_key: &'a str,
    pub(crate) participant: &'a str,
    pub(crate) channel: &'static str,
    pub(crate) qr: &'a str,
    pub(crate) receipt: Option<String>,
    pub(crate) status: &'static str,
    pub(crate) next_at: Option<NaiveDateTime>,
    pub(crate) attempts: String,
    pub(crate) lots: i64,
    pub(crate) points: i64,
    pub(crate) submission_id: i64,
    pub(crate) at: NaiveDateTime,
    pub(crate) counted: bool,
}

/// What a settle reads before deciding.
#[derive(Default)]
pub(crate) struct Loaded {
    /// The submission stored under the idempotency key; nothing else is loaded then.
    pub(crate) replay: Option<Replay>,
    pub(crate) totals: (u64, u64),
    pub(crate) own: Vec<PastReceipt>,
    /// The participant's recent counted receipts not in `own`, by quarter hour.
    pub(crate) buckets: Vec<ReceiptBucket>,
    /// The participant's counted receipts in neither, summed.
    pub(crate) earlier: EarlierReceipts,
    pub(crate) claims: Vec<Claim>,
}

/// What a settle writes after deciding.
pub(crate) struct Write<'a> {
    pub(crate) sub: SubmissionRow<'a>,
    /// The receipt row, unless the participant's row is already accepted (then only the
    /// submission is logged). `submission_id` is filled in by [`SettleTx::write`].
    pub(crate) row: Option<ReceiptRow<'a>>,
    /// Whether the participant already had a row for this receipt.
    pub(crate) existed: bool,
    pub(crate) segments: Vec<&'static str>,
}

/// The statements a settle needs, run inside one backend transaction. `load` and `write` have
/// defaults built from the fine-grained statements; a backend where round trips cost (PostgreSQL)
/// overrides them with fewer, larger statements.
pub(crate) trait SettleTx {
    /// Locks what the caps need, in a fixed order, then reads the history.
    fn load(&mut self, s: &Settlement, receipt_key: &str) -> Result<Loaded, StoreError> {
        let campaign = s.campaign.as_str();
        let participant = s.participant.as_str();
        if let Some(key) = &s.idempotency_key
            && let Some(r) = self.find_replay(campaign, key)?
        {
            return Ok(Loaded {
                replay: Some(r),
                ..Loaded::default()
            });
        }
        self.lock_participant(
            campaign,
            participant,
            s.lang.map(Lang::as_str),
            s.received_at,
        )?;
        self.lock_receipt(campaign, receipt_key)?;
        let own = self.own_receipts(campaign, participant, receipt_key)?;
        let mine = self.participant_totals(campaign, participant)?;
        let q = BucketQuery::of(s);
        let buckets = self.buckets(campaign, participant, &q)?;
        let (buckets, earlier) = split_history(mine, &own, buckets, &q);
        Ok(Loaded {
            replay: None,
            totals: self.campaign_totals(campaign, s.serialize_campaign)?,
            buckets,
            earlier,
            own,
            claims: self.claims(campaign, receipt_key)?,
        })
    }

    /// Writes the submission and, with a row, the receipt, accrual, counters and segments.
    fn write(&mut self, w: &mut Write<'_>) -> Result<i64, StoreError> {
        let id = self.insert_submission(&w.sub)?;
        let (campaign, participant, key) = (w.sub.campaign, w.sub.participant, w.sub.receipt_key);
        if let Some(row) = &mut w.row {
            row.submission_id = id;
            if w.existed {
                self.supersede(campaign, participant, key, id)?;
            }
            self.upsert_receipt(row, w.existed)?;
            if row.counted {
                self.insert_accrual(row)?;
                self.add_totals(campaign, participant, row.lots, row.points, row.at)?;
            }
            self.replace_segments(campaign, participant, key, &w.segments, row.at)?;
        }
        Ok(id)
    }

    /// [`Self::write`], then [`Self::load`] for the next settle of a batch (the inner result).
    /// The read runs after the write, so it sees it; a backend may send both at once.
    fn write_then_load(
        &mut self,
        w: &mut Write<'_>,
        next: &Settlement,
        next_key: &str,
    ) -> Result<(i64, Result<Loaded, StoreError>), StoreError> {
        let id = self.write(w)?;
        Ok((id, self.load(next, next_key)))
    }

    fn find_replay(&mut self, campaign: &str, key: &str) -> Result<Option<Replay>, StoreError>;
    /// Creates the participant if missing (in `lang`, Russian by default), records `lang` if
    /// given and different, and locks their row until commit.
    fn lock_participant(
        &mut self,
        campaign: &str,
        participant: &str,
        lang: Option<&'static str>,
        at: NaiveDateTime,
    ) -> Result<(), StoreError>;
    /// Serializes settles of this receipt until commit.
    fn lock_receipt(&mut self, campaign: &str, receipt_key: &str) -> Result<(), StoreError>;
    /// Campaign-wide lots and points; with `lock`, serializes with every other locking settle.
    fn campaign_totals(&mut self, campaign: &str, lock: bool) -> Result<(u64, u64), StoreError>;
    /// The participant's counted row of `receipt_key`, if any.
    fn own_receipts(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
    ) -> Result<Vec<PastReceipt>, StoreError>;
    /// The participant's buckets as `q` asks: quarter hours, or the day and rest-of-week sums.
    fn buckets(
        &mut self,
        campaign: &str,
        participant: &str,
        q: &BucketQuery,
    ) -> Result<Vec<ReceiptBucket>, StoreError>;
    /// The participant's running totals: counted receipts, lots, points.
    fn participant_totals(
        &mut self,
        campaign: &str,
        participant: &str,
    ) -> Result<(u64, u64, u64), StoreError>;
    fn claims(&mut self, campaign: &str, receipt_key: &str) -> Result<Vec<Claim>, StoreError>;
    fn insert_submission(&mut self, s: &SubmissionRow<'_>) -> Result<i64, StoreError>;
    fn supersede(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
        except: i64,
    ) -> Result<(), StoreError>;
    fn upsert_receipt(&mut self, r: &ReceiptRow<'_>, existed: bool) -> Result<(), StoreError>;
    fn insert_accrual(&mut self, r: &ReceiptRow<'_>) -> Result<(), StoreError>;
    /// Adds a counted receipt to the campaign's, the participant's and the bucket's totals.
    fn add_totals(
        &mut self,
        campaign: &str,
        participant: &str,
        lots: i64,
        points: i64,
        at: NaiveDateTime,
    ) -> Result<(), StoreError>;
    fn replace_segments(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
        segments: &[&str],
        at: NaiveDateTime,
    ) -> Result<(), StoreError>;
}

fn bounded(what: &str, v: &str, max: usize) -> Result<(), StoreError> {
    if v.is_empty() || v.len() > max {
        return Err(StoreError::Invalid(format!(
            "{what} must be 1..={max} bytes, got {}",
            v.len()
        )));
    }
    Ok(())
}

/// Checks the settlement's sizes and reads the receipt identity from its QR string.
pub(crate) fn receipt_id(s: &Settlement) -> Result<ReceiptId, StoreError> {
    bounded("campaign", &s.campaign, MAX_ID)?;
    bounded("participant", &s.participant, MAX_ID)?;
    if let Some(k) = &s.idempotency_key {
        bounded("idempotency key", k, MAX_ID)?;
    }
    bounded("qr", &s.qr, MAX_QR)?;
    let qr: FiscalQr =
        s.qr.parse()
            .map_err(|e| StoreError::Invalid(format!("qr: {e}")))?;
    Ok(qr.identity())
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn status_of(d: &Decision, hint: &RecheckState) -> ReceiptStatus {
    match d.status {
        Status::Accepted => ReceiptStatus::Accepted,
        Status::Rejected => ReceiptStatus::Rejected,
        Status::Pending => match hint {
            RecheckState::PendingRecheck { next_at, .. } => {
                ReceiptStatus::PendingRecheck { next_at: *next_at }
            }
            RecheckState::AwaitingOperator | RecheckState::None => ReceiptStatus::AwaitingOperator,
        },
    }
}

/// The history evaluation sees: the participant's counted receipts, and this receipt as
/// claimed by others when someone else holds it first.
pub(crate) fn history_of(
    participant: &str,
    id: ReceiptId,
    own: Vec<PastReceipt>,
    (buckets, earlier): (Vec<ReceiptBucket>, EarlierReceipts),
    claims: &[Claim],
    totals: (u64, u64),
) -> ParticipantHistory {
    let mine = claims.iter().find(|c| c.participant == participant);
    // First come, first served: an earlier claim by someone else, or an acceptance, blocks
    // this one; a later pending claim by someone else does not block the first claimant.
    let blocked = claims.iter().any(|c| {
        c.participant != participant
            && match c.status.as_str() {
                "accepted" => true,
                "pending_recheck" | "awaiting_operator" => {
                    mine.is_none_or(|m| c.first_submission_id < m.first_submission_id)
                }
                _ => false,
            }
    });
    ParticipantHistory {
        participant: participant.to_owned(),
        receipts: own,
        claimed_by_others: if blocked { vec![id] } else { Vec::new() },
        campaign_lots: totals.0,
        campaign_points: totals.1,
        buckets,
        earlier,
    }
}

/// The history a settle of `s` would see now, read without its locks (so it may be stale by
/// the time of the settle, which reads again under them).
pub(crate) fn peek_history(
    tx: &mut dyn SettleTx,
    s: &Settlement,
    id: ReceiptId,
) -> Result<ParticipantHistory, StoreError> {
    let campaign = s.campaign.as_str();
    let participant = s.participant.as_str();
    let key = id.to_string();
    let claims = tx.claims(campaign, &key)?;
    let own = tx.own_receipts(campaign, participant, &key)?;
    let q = BucketQuery::of(s);
    let buckets = tx.buckets(campaign, participant, &q)?;
    let split = split_history(
        tx.participant_totals(campaign, participant)?,
        &own,
        buckets,
        &q,
    );
    let totals = tx.campaign_totals(campaign, false)?;
    Ok(history_of(participant, id, own, split, &claims, totals))
}

/// One settle inside the caller's transaction. The caller commits on `Ok`.
pub(crate) fn settle_in(
    tx: &mut dyn SettleTx,
    s: &Settlement,
    id: ReceiptId,
    evaluate: &mut dyn FnMut(&ParticipantHistory) -> Decision,
) -> Result<Settled, StoreError> {
    let key = id.to_string();
    let loaded = tx.load(s, &key)?;
    match decide(s, id, &key, loaded, evaluate)? {
        Step::Done(v) => Ok(v),
        Step::Write(mut w, decision, status) => {
            let submission_id = tx.write(&mut w)?;
            Ok(Settled {
                decision,
                status,
                replayed: false,
                submission_id,
            })
        }
    }
}

/// A settle after its read: finished (a replay), or the write still to do.
// Made and taken apart once per settle, never stored: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Step<'a> {
    Done(Settled),
    Write(Write<'a>, Decision, ReceiptStatus),
}

/// Decides what a settle does with what it read: the rules of replay, claims and exactly once.
fn decide<'a>(
    s: &'a Settlement,
    id: ReceiptId,
    key: &'a str,
    loaded: Loaded,
    evaluate: &mut dyn FnMut(&ParticipantHistory) -> Decision,
) -> Result<Step<'a>, StoreError> {
    let campaign = s.campaign.as_str();
    let participant = s.participant.as_str();
    if let Some(r) = loaded.replay {
        if r.participant != participant {
            return Err(StoreError::Conflict(format!(
                "idempotency key {:?} belongs to another participant",
                s.idempotency_key.as_deref().unwrap_or_default()
            )));
        }
        return Ok(Step::Done(Settled {
            decision: stored::decode(&r.decision)?,
            status: ReceiptStatus::from_parts(&r.status, r.next_at)?,
            replayed: true,
            submission_id: r.id,
        }));
    }
    let claims = loaded.claims;
    let mine = claims.iter().find(|c| c.participant == participant);
    let already_counted = claims.iter().any(|c| c.status == "accepted");
    let history = history_of(
        participant,
        id,
        loaded.own,
        (loaded.buckets, loaded.earlier),
        &claims,
        loaded.totals,
    );
    let decision = evaluate(&history);
    if decision.receipt != id {
        return Err(StoreError::Invalid(format!(
            "the decision is about receipt {}, the settlement about {key}",
            decision.receipt
        )));
    }
    let status = status_of(&decision, &s.status_hint);
    if status == ReceiptStatus::Accepted && already_counted {
        return Err(StoreError::Conflict(format!(
            "receipt {key} is already accepted in campaign {campaign}"
        )));
    }
    // A row already accepted for this participant stays as it is: a later send is only logged.
    let touches_row = mine.is_none_or(|m| m.status != "accepted");
    let (lots, points) = if status == ReceiptStatus::Accepted {
        (to_i64(decision.lots), to_i64(decision.points))
    } else {
        (0, 0)
    };
    let day = mine.map_or(s.received_at, |m| m.first_at).date();
    let row = if touches_row {
        let attempts = match &s.status_hint {
            RecheckState::PendingRecheck { attempts, .. } => serde_json::to_string(attempts)?,
            _ => "[]".to_owned(),
        };
        Some(ReceiptRow {
            campaign,
            receipt_key: key,
            participant,
            channel: s.channel.as_str(),
            qr: &s.qr,
            receipt: s.receipt.as_ref().map(ToString::to_string),
            status: status.as_str(),
            next_at: status.next_at(),
            attempts,
            lots,
            points,
            submission_id: 0,
            at: s.received_at,
            counted: status == ReceiptStatus::Accepted,
        })
    } else {
        None
    };
    let mut segments: Vec<&'static str> = decision.segments().iter().map(|g| g.id()).collect();
    if status == ReceiptStatus::AwaitingOperator {
        segments.push(VerifySegment::AwaitingOperator.id());
    }
    let w = Write {
        sub: SubmissionRow {
            campaign,
            participant,
            lang: s.lang.map(Lang::as_str),
            idempotency_key: s.idempotency_key.as_deref(),
            channel: s.channel.as_str(),
            received_at: s.received_at,
            day,
            qr: &s.qr,
            receipt_key: key,
            status: status.as_str(),
            next_at: status.next_at(),
            lots,
            points,
            reasons: match &s.verification_reason {
                Some(v) => {
                    let rest = stored::blocking_codes(&decision);
                    let v = read::cut(v, MAX_ID);
                    if rest.is_empty() {
                        v.to_owned()
                    } else {
                        format!("{v},{rest}")
                    }
                }
                None => stored::blocking_codes(&decision),
            },
            decision: stored::encode(&decision),
            recheck: mine.is_some(),
        },
        row,
        existed: mine.is_some(),
        segments,
    };
    Ok(Step::Write(w, decision, status))
}

/// Settles `batch` in order inside the caller's transaction. Each write goes out with the next
/// item's read ([`SettleTx::write_then_load`]): one round trip per item where round trips cost.
pub(crate) fn run_batch(
    tx: &mut dyn SettleTx,
    batch: &[(Settlement, Result<ReceiptId, StoreError>)],
    evaluate: &mut dyn FnMut(usize, &ParticipantHistory) -> Decision,
) -> Result<Vec<Result<Settled, StoreError>>, StoreError> {
    // Item errors (a conflict, a bad decision) happen before that item writes anything, so the
    // rest of the batch goes on; backend errors abort the whole batch.
    fn item_error(e: StoreError) -> Result<StoreError, StoreError> {
        match e {
            StoreError::Conflict(_) | StoreError::Invalid(_) => Ok(e),
            other => Err(other),
        }
    }
    let keys: Vec<Option<String>> = batch
        .iter()
        .map(|(_, id)| id.as_ref().ok().map(ToString::to_string))
        .collect();
    let mut out = Vec::with_capacity(batch.len());
    // The read of item `.0`, done with the previous item's write.
    let mut ahead: Option<(usize, Result<Loaded, StoreError>)> = None;
    for (i, (s, id)) in batch.iter().enumerate() {
        let (id, key) = match (id, &keys[i]) {
            (Ok(id), Some(key)) => (*id, key.as_str()),
            (Err(e), _) => {
                out.push(Err(e.clone()));
                continue;
            }
            (Ok(_), None) => unreachable!("a key is made for every readable id"),
        };
        let loaded = match ahead.take() {
            Some((j, l)) if j == i => l,
            _ => tx.load(s, key),
        };
        let loaded = match loaded {
            Ok(l) => l,
            Err(e) => {
                out.push(Err(item_error(e)?));
                continue;
            }
        };
        let (mut w, decision, status) = match decide(s, id, key, loaded, &mut |h| evaluate(i, h)) {
            Ok(Step::Done(v)) => {
                out.push(Ok(v));
                continue;
            }
            Ok(Step::Write(w, d, st)) => (w, d, st),
            Err(e) => {
                out.push(Err(item_error(e)?));
                continue;
            }
        };
        let next = (i + 1..batch.len()).find(|&j| keys[j].is_some());
        let written = match next {
            Some(j) => {
                let next_key = keys[j].as_deref().unwrap_or_default();
                tx.write_then_load(&mut w, &batch[j].0, next_key)
                    .map(|(sid, l)| {
                        ahead = Some((j, l));
                        sid
                    })
            }
            None => tx.write(&mut w),
        };
        match written {
            Ok(submission_id) => out.push(Ok(Settled {
                decision,
                status,
                replayed: false,
                submission_id,
            })),
            Err(e) => out.push(Err(item_error(e)?)),
        }
    }
    Ok(out)
}
