//! Replaying submissions against a campaign, and comparing two versions of it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{Campaign, Decision, ParticipantHistory, PastReceipt, Status};
use crate::fiscal::{Candidate, ReceiptId};

/// One receipt as a participant sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// Who sent it.
    pub participant: String,
    /// When, UTC.
    pub submitted_at: NaiveDateTime,
    /// What.
    pub candidate: Candidate,
}

impl Submission {
    /// A receipt sent at the moment of purchase: its time in the campaign's zone, as UTC. This
    /// is how a back-test orders receipts that carry no upload time (purchase order).
    ///
    /// ```
    /// use chek_core::campaign::{Campaign, Submission};
    /// use chek_core::fiscal::{Candidate, Channel};
    /// let c = Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let qr: chek_core::fiscal::FiscalQr = "t=20260905T1200&s=100.00&fn=7281440500751551&i=1&fp=1&n=1".parse().unwrap();
    /// let s = Submission::at_purchase(&c, "anna", Candidate::new(qr, Channel::Qr));
    /// assert_eq!(s.submitted_at.to_string(), "2026-09-05 09:00:00"); // 12:00 in Moscow
    /// # Ok::<(), chek_core::campaign::CampaignError>(())
    /// ```
    pub fn at_purchase(
        campaign: &Campaign,
        participant: impl Into<String>,
        candidate: Candidate,
    ) -> Self {
        Submission {
            participant: participant.into(),
            submitted_at: campaign.local_to_utc(candidate.qr.datetime),
            candidate,
        }
    }
}

/// Replays submissions in the given order, building each participant's history from the
/// accepted ones as a ledger would, and returns one decision per submission.
///
/// ```
/// use chek_core::campaign::{Campaign, Submission, replay, Status};
/// use chek_core::fiscal::{Candidate, Channel};
/// let c = Campaign::from_toml(r#"
///     id = "d"
///     name = "d"
///     [when]
///     start = "2026-09-01"
///     end = "2026-09-30"
///     [what]
///     require_verification = false
///     [[earn]]
///     id = "r"
///     kind = "per_receipt"
///     lots = 1
/// "#)?;
/// let qr: chek_core::fiscal::FiscalQr = "t=20260905T1200&s=100.00&fn=7281440500751551&i=1&fp=1&n=1".parse().unwrap();
/// let at = chrono::NaiveDate::from_ymd_opt(2026, 9, 5).unwrap().and_hms_opt(10, 0, 0).unwrap();
/// let s = |p: &str| Submission { participant: p.into(), submitted_at: at, candidate: Candidate::new(qr.clone(), Channel::Qr) };
/// let d = replay(&c, &[s("a"), s("a"), s("b")]);
/// assert_eq!(d[0].status, Status::Accepted);
/// assert_eq!(d[1].status, Status::Rejected); // duplicate
/// assert_eq!(d[2].status, Status::Pending);  // conflict: another participant's receipt
/// # Ok::<(), chek_core::campaign::CampaignError>(())
/// ```
pub fn replay(campaign: &Campaign, subs: &[Submission]) -> Vec<Decision> {
    let mut histories: HashMap<&str, ParticipantHistory> = HashMap::new();
    let mut owners: HashMap<ReceiptId, &str> = HashMap::new();
    let (mut total_lots, mut total_points) = (0u64, 0u64);
    let mut out = Vec::with_capacity(subs.len());
    for s in subs {
        let id = s.candidate.identity();
        let h = histories
            .entry(s.participant.as_str())
            .or_insert_with(|| ParticipantHistory::new(s.participant.as_str()));
        h.claimed_by_others.clear();
        if let Some(owner) = owners.get(&id)
            && *owner != s.participant
        {
            h.claimed_by_others.push(id);
        }
        h.campaign_lots = total_lots;
        h.campaign_points = total_points;
        let d = campaign.evaluate(&s.candidate, h, s.submitted_at);
        if d.status == Status::Accepted {
            h.receipts.push(PastReceipt {
                id,
                submitted_at: s.submitted_at,
                lots: d.lots,
                points: d.points,
            });
            total_lots = total_lots.saturating_add(d.lots);
            total_points = total_points.saturating_add(d.points);
            owners.entry(id).or_insert(s.participant.as_str());
        }
        out.push(d);
    }
    out
}

/// How one receipt fared under the old and the new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BacktestChange {
    /// Participant.
    pub participant: String,
    /// Receipt.
    pub receipt: ReceiptId,
    /// Status under the old version.
    pub old_status: Status,
    /// Status under the new version.
    pub new_status: Status,
    /// Lots under the old version.
    pub old_lots: u64,
    /// Lots under the new version.
    pub new_lots: u64,
    /// Reason codes only the old decision has.
    pub lost_reasons: Vec<String>,
    /// Reason codes only the new decision has.
    pub new_reasons: Vec<String>,
}

/// Per-participant totals of a back-test.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ParticipantDelta {
    /// Lots under the old version.
    pub old_lots: u64,
    /// Lots under the new version.
    pub new_lots: u64,
}

/// Who gains and who loses lots when a campaign changes, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BacktestReport {
    /// Submissions replayed.
    pub receipts: usize,
    /// Receipts whose status or lots changed.
    pub changes: Vec<BacktestChange>,
    /// Totals per participant, for participants whose lots changed.
    pub participants: BTreeMap<String, ParticipantDelta>,
    /// All lots, old version.
    pub old_total_lots: u64,
    /// All lots, new version.
    pub new_total_lots: u64,
}

fn codes(d: &Decision) -> Vec<String> {
    d.reasons
        .iter()
        .map(|r| format!("{}@{}", r.code, r.rule))
        .collect()
}

/// Replays the same submissions against two versions and reports the differences.
pub fn backtest(old: &Campaign, new: &Campaign, subs: &[Submission]) -> BacktestReport {
    let a = replay(old, subs);
    let b = replay(new, subs);
    let mut rep = BacktestReport {
        receipts: subs.len(),
        ..Default::default()
    };
    let mut per: BTreeMap<String, ParticipantDelta> = BTreeMap::new();
    for ((s, x), y) in subs.iter().zip(&a).zip(&b) {
        let e = per.entry(s.participant.clone()).or_default();
        let (xl, yl) = (
            if x.status == Status::Accepted {
                x.lots
            } else {
                0
            },
            if y.status == Status::Accepted {
                y.lots
            } else {
                0
            },
        );
        e.old_lots += xl;
        e.new_lots += yl;
        rep.old_total_lots += xl;
        rep.new_total_lots += yl;
        if x.status != y.status || xl != yl {
            let (cx, cy) = (codes(x), codes(y));
            rep.changes.push(BacktestChange {
                participant: s.participant.clone(),
                receipt: x.receipt,
                old_status: x.status,
                new_status: y.status,
                old_lots: xl,
                new_lots: yl,
                lost_reasons: cx.iter().filter(|c| !cy.contains(c)).cloned().collect(),
                new_reasons: cy.iter().filter(|c| !cx.contains(c)).cloned().collect(),
            });
        }
    }
    rep.participants = per
        .into_iter()
        .filter(|(_, d)| d.old_lots != d.new_lots)
        .collect();
    rep
}
