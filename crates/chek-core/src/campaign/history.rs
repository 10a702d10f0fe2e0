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
}

impl ParticipantHistory {
    /// An empty history for a participant.
    pub fn new(participant: impl Into<String>) -> Self {
        ParticipantHistory {
            participant: participant.into(),
            ..Default::default()
        }
    }
}
