//! What the ledger knows about a participant when a new receipt arrives.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::fiscal::ReceiptId;

/// One receipt already counted for this participant in this campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastReceipt {
    /// ФН + ФД + ФП.
    pub id: ReceiptId,
    /// When it was uploaded, UTC.
    pub submitted_at: NaiveDateTime,
    /// Lots it earned.
    #[serde(default)]
    pub lots: u64,
    /// Points it earned.
    #[serde(default)]
    pub points: u64,
}

/// Counted receipts of the participant submitted in one quarter hour `[start, start + 15 min)`
/// (UTC), grouped: a ledger gives the recent history this way, so that day and week windows
/// (whose bounds in any time zone fall on quarter hours) are counted without listing every
/// receipt.
///
/// ```
/// use chek_core::campaign::{ParticipantHistory, ReceiptBucket};
/// let t = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 15, 0).unwrap();
/// let mut h = ParticipantHistory::new("tg:42");
/// h.buckets.push(ReceiptBucket { start: t, count: 300, lots: 300, points: 0 });
/// assert_eq!(h.counted_receipts(), 300);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBucket {
    /// Start of the quarter hour, UTC.
    pub start: NaiveDateTime,
    /// Receipts counted in it.
    pub count: u64,
    /// Their lots.
    pub lots: u64,
    /// Their points.
    pub points: u64,
}

/// Receipts counted for the participant that [`ParticipantHistory::receipts`] does not list,
/// nor [`ParticipantHistory::buckets`] group, summed. A ledger gives the recent receipts (those
/// the day and week windows can see) as buckets, the candidate itself in `receipts` if it was
/// counted, and sums the rest here, so that evaluating a receipt costs the same whether the
/// participant has 10 receipts or 20 000.
///
/// ```
/// use chek_core::campaign::{EarlierReceipts, ParticipantHistory};
/// let mut h = ParticipantHistory::new("tg:42");
/// h.earlier = EarlierReceipts { count: 19_990, lots: 20_000, points: 0 };
/// assert_eq!(h.counted_receipts(), 19_990);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierReceipts {
    /// How many receipts.
    pub count: u64,
    /// Their lots.
    pub lots: u64,
    /// Their points.
    pub points: u64,
}

impl EarlierReceipts {
    /// Whether nothing is summed here.
    pub fn is_empty(&self) -> bool {
        *self == EarlierReceipts::default()
    }
}

/// The participant's standing in one campaign, plus the campaign-wide figures evaluation needs
/// (for the budget and cross-participant duplicates). The ledger fills it; evaluation only reads.
///
/// ```
/// use chek_core::campaign::ParticipantHistory;
/// let h: ParticipantHistory = serde_json::from_str(r#"{"participant":"tg:42"}"#).unwrap();
/// assert!(h.receipts.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantHistory {
    /// Participant id, as the operator's system knows them.
    #[serde(default)]
    pub participant: String,
    /// Receipts already counted for this participant.
    #[serde(default)]
    pub receipts: Vec<PastReceipt>,
    /// Receipt ids already claimed by other participants in this campaign (the ledger looks up
    /// the candidate's id and puts it here if someone else holds it).
    #[serde(default)]
    pub claimed_by_others: Vec<ReceiptId>,
    /// Lots awarded campaign-wide so far, all participants.
    #[serde(default)]
    pub campaign_lots: u64,
    /// Points awarded campaign-wide so far.
    #[serde(default)]
    pub campaign_points: u64,
    /// Counted receipts not in `receipts`, grouped by quarter hour (the recent ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<ReceiptBucket>,
    /// Counted receipts neither in `receipts` nor in `buckets`, summed (outside the day and
    /// week windows).
    #[serde(default, skip_serializing_if = "EarlierReceipts::is_empty")]
    pub earlier: EarlierReceipts,
}

impl ParticipantHistory {
    /// An empty history for a participant.
    pub fn new(participant: impl Into<String>) -> Self {
        ParticipantHistory {
            participant: participant.into(),
            ..Default::default()
        }
    }

    /// Every counted receipt: the listed, the grouped and the summed ones.
    pub fn counted_receipts(&self) -> u64 {
        self.buckets
            .iter()
            .fold(self.receipts.len() as u64, |n, b| n.saturating_add(b.count))
            .saturating_add(self.earlier.count)
    }
}
