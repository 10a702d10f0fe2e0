//! What the app knows about the shopper's earlier receipts in a campaign, for the pre-check.

use std::time::SystemTime;

use chek::campaign as core;
use chek::fiscal::ReceiptId;

use crate::types::lang_of;
use crate::types::{i64_of, u64_field};
use crate::{ChekError, InputError, Lang, time};

/// Histories larger than this are refused before parsing (a participant has at most a few
/// thousand receipts).
const MAX_HISTORY_BYTES: usize = 4 << 20;

/// One receipt already counted for the participant.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PastReceipt {
    /// `fn:fd:fp`.
    pub receipt_id: String,
    /// When it was uploaded (a moment: Kotlin `java.time.Instant`, Swift `Date`).
    pub submitted_at: SystemTime,
    /// Lots it earned.
    #[uniffi(default = 0)]
    pub lots: i64,
    /// Points it earned.
    #[uniffi(default = 0)]
    pub points: i64,
}

/// The participant's standing in one campaign, plus the campaign-wide totals the budget caps
/// need. An empty history (only `participant`) is fine for a first receipt.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ParticipantHistory {
    /// The participant id as the operator knows it.
    pub participant: String,
    /// Receipts already counted.
    #[uniffi(default)]
    pub receipts: Vec<PastReceipt>,
    /// Receipt ids (`fn:fd:fp`) other participants have already claimed.
    #[uniffi(default)]
    pub claimed_by_others: Vec<String>,
    /// Lots awarded campaign-wide so far.
    #[uniffi(default = 0)]
    pub campaign_lots: i64,
    /// Points awarded campaign-wide so far.
    #[uniffi(default = 0)]
    pub campaign_points: i64,
}

fn receipt_id(s: &str) -> Result<ReceiptId, InputError> {
    s.parse()
        .map_err(|_| InputError::BadReceiptId(s.chars().take(64).collect()))
}

impl TryFrom<&ParticipantHistory> for core::ParticipantHistory {
    type Error = InputError;

    fn try_from(h: &ParticipantHistory) -> Result<Self, InputError> {
        Ok(core::ParticipantHistory {
            participant: h.participant.clone(),
            receipts: h
                .receipts
                .iter()
                .map(|r| {
                    Ok(core::PastReceipt {
                        id: receipt_id(&r.receipt_id)?,
                        submitted_at: time::utc_of(r.submitted_at, "submitted_at")?,
                        lots: u64_field("lots", r.lots)?,
                        points: u64_field("points", r.points)?,
                    })
                })
                .collect::<Result<_, InputError>>()?,
            claimed_by_others: h
                .claimed_by_others
                .iter()
                .map(|s| receipt_id(s))
                .collect::<Result<_, _>>()?,
            campaign_lots: u64_field("campaign_lots", h.campaign_lots)?,
            campaign_points: u64_field("campaign_points", h.campaign_points)?,
            buckets: Vec::new(),
            earlier: core::EarlierReceipts::default(),
        })
    }
}

impl From<&core::ParticipantHistory> for ParticipantHistory {
    fn from(h: &core::ParticipantHistory) -> Self {
        ParticipantHistory {
            participant: h.participant.clone(),
            receipts: h
                .receipts
                .iter()
                .map(|r| PastReceipt {
                    receipt_id: r.id.to_string(),
                    submitted_at: time::moment_of(r.submitted_at),
                    lots: i64_of(r.lots),
                    points: i64_of(r.points),
                })
                .collect(),
            claimed_by_others: h
                .claimed_by_others
                .iter()
                .map(ToString::to_string)
                .collect(),
            campaign_lots: i64_of(h.campaign_lots),
            campaign_points: i64_of(h.campaign_points),
        }
    }
}

pub(crate) fn core_from_json(json: &str) -> Result<core::ParticipantHistory, InputError> {
    if json.len() > MAX_HISTORY_BYTES {
        return Err(InputError::BadHistory(format!(
            "{} bytes, more than the {MAX_HISTORY_BYTES} allowed",
            json.len()
        )));
    }
    serde_json::from_str(json).map_err(|e| InputError::BadHistory(e.to_string()))
}

/// Reads a participant history in the ledger's JSON shape
/// (`{"participant":"tg:1","receipts":[{"id":{"fn":"…","fd":1,"fp":2},"submitted_at":"…","lots":1}]}`).
///
/// ```
/// let h = chek_ffi::parse_history_json(r#"{"participant":"tg:42","campaign_lots":7}"#.into(), Some(chek_ffi::Lang::En))?;
/// assert_eq!((h.participant.as_str(), h.campaign_lots), ("tg:42", 7));
/// assert_eq!(chek_ffi::parse_history_json("{".into(), Some(chek_ffi::Lang::En)).unwrap_err().code(), "input.bad_history");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn parse_history_json(
    json: String,
    lang: Option<Lang>,
) -> Result<ParticipantHistory, ChekError> {
    core_from_json(&json)
        .map(|h| (&h).into())
        .map_err(|e| e.into_ffi(lang_of(lang)))
}
