//! The stored form of a [`Decision`]: the core's type serializes for display only, so the ledger
//! keeps its own lossless copy to give back on an idempotent replay.

use std::collections::HashSet;
use std::sync::Mutex;

use chek_core::campaign::{Decision, Detail, Effect, Id, Reason, ReasonCode, RuleRef, Status};
use chek_core::fiscal::ReceiptId;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::StoreError;

#[derive(Serialize, Deserialize)]
struct StoredDecision {
    campaign: String,
    receipt: ReceiptId,
    status: String,
    lots: u64,
    points: u64,
    lots_before_caps: u64,
    points_before_caps: u64,
    reasons: Vec<StoredReason>,
}

#[derive(Serialize, Deserialize)]
struct StoredReason {
    code: String,
    rule: String,
    #[serde(default, skip_serializing_if = "StoredDetail::is_none")]
    detail: StoredDetail,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(tag = "k", rename_all = "snake_case")]
enum StoredDetail {
    #[default]
    None,
    Period {
        start: NaiveDate,
        end: NaiveDate,
    },
    Deadline {
        at: NaiveDateTime,
    },
    Hours {
        from: u32,
        to: u32,
    },
    Money {
        need: i64,
        have: i64,
    },
    Count {
        limit: u64,
        used: u64,
    },
    Earned {
        n: u64,
    },
    Capped {
        before: u64,
        after: u64,
    },
    Factor {
        f: u64,
    },
}

impl StoredDetail {
    fn is_none(&self) -> bool {
        matches!(self, StoredDetail::None)
    }

    fn from_detail(d: &Detail) -> Self {
        match *d {
            Detail::Period { start, end } => StoredDetail::Period { start, end },
            Detail::Deadline(at) => StoredDetail::Deadline { at },
            Detail::Hours { from, to } => StoredDetail::Hours { from, to },
            Detail::Money { need, have } => StoredDetail::Money { need, have },
            Detail::Count { limit, used } => StoredDetail::Count { limit, used },
            Detail::Earned(n) => StoredDetail::Earned { n },
            Detail::Capped { before, after } => StoredDetail::Capped { before, after },
            Detail::Factor(f) => StoredDetail::Factor { f },
            _ => StoredDetail::None,
        }
    }

    fn into_detail(self) -> Detail {
        match self {
            StoredDetail::None => Detail::None,
            StoredDetail::Period { start, end } => Detail::Period { start, end },
            StoredDetail::Deadline { at } => Detail::Deadline(at),
            StoredDetail::Hours { from, to } => Detail::Hours { from, to },
            StoredDetail::Money { need, have } => Detail::Money { need, have },
            StoredDetail::Count { limit, used } => Detail::Count { limit, used },
            StoredDetail::Earned { n } => Detail::Earned(n),
            StoredDetail::Capped { before, after } => Detail::Capped { before, after },
            StoredDetail::Factor { f } => Detail::Factor(f),
        }
    }
}

/// Field paths are `&'static str` in the core; paths read back are interned once each. The set
/// is bounded: only the core's own paths are ever written.
fn intern(s: &str) -> &'static str {
    static SEEN: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut g = SEEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let set = g.get_or_insert_with(HashSet::new);
    if let Some(v) = set.get(s) {
        return v;
    }
    if set.len() >= 512 || s.len() > 128 {
        return "unknown";
    }
    let v: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(v);
    v
}

/// A rule read back. A rule id the core could not have written (empty or too long) is kept as
/// a field path of the same text, so the reason still reads as stored.
fn rule_from(s: &str) -> RuleRef {
    let id = |prefix: &str| s.strip_prefix(prefix).and_then(Id::new);
    if let Some(id) = id("earn.") {
        RuleRef::Earn(id)
    } else if let Some(id) = id("bonus.") {
        RuleRef::Bonus(id)
    } else if let Some(id) = id("multipliers.") {
        RuleRef::Multiplier(id)
    } else {
        RuleRef::Field(intern(s))
    }
}

/// The decision as stored JSON.
pub(crate) fn encode(d: &Decision) -> String {
    let s = StoredDecision {
        campaign: d.campaign.to_string(),
        receipt: d.receipt,
        status: d.status.as_str().to_owned(),
        lots: d.lots,
        points: d.points,
        lots_before_caps: d.lots_before_caps,
        points_before_caps: d.points_before_caps,
        reasons: d
            .reasons
            .iter()
            .map(|r| StoredReason {
                code: r.code.as_str().to_owned(),
                rule: r.rule.to_string(),
                detail: StoredDetail::from_detail(&r.detail),
            })
            .collect(),
    };
    // Plain strings and numbers: serialization cannot fail.
    serde_json::to_string(&s).unwrap_or_default()
}

/// The decision back from stored JSON. Reason codes this build does not know are dropped.
pub(crate) fn decode(json: &str) -> Result<Decision, StoreError> {
    let s: StoredDecision = serde_json::from_str(json)?;
    let status = match s.status.as_str() {
        "accepted" => Status::Accepted,
        "rejected" => Status::Rejected,
        "pending" => Status::Pending,
        other => {
            return Err(StoreError::Corrupt(format!(
                "unknown decision status {other:?}"
            )));
        }
    };
    let reasons = s
        .reasons
        .into_iter()
        .filter_map(|r| {
            let code = *ReasonCode::ALL.iter().find(|c| c.as_str() == r.code)?;
            Some(Reason {
                code,
                rule: rule_from(&r.rule),
                detail: r.detail.into_detail(),
            })
        })
        .collect();
    Ok(Decision {
        campaign: Id::new(&s.campaign).ok_or_else(|| {
            StoreError::Corrupt(format!("campaign id {:?} is empty or too long", s.campaign))
        })?,
        receipt: s.receipt,
        status,
        lots: s.lots,
        points: s.points,
        lots_before_caps: s.lots_before_caps,
        points_before_caps: s.points_before_caps,
        reasons,
    })
}

/// The codes of the reasons that kept the receipt from counting, comma-separated, for the report.
pub(crate) fn blocking_codes(d: &Decision) -> String {
    let mut out = String::new();
    for r in &d.reasons {
        if r.effect() != Effect::Info {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(r.code.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chek_core::campaign::{Campaign, ParticipantHistory};
    use chek_core::fiscal::{Candidate, Channel, FiscalQr};

    #[test]
    fn decisions_round_trip_with_every_detail() {
        let c = Campaign::from_toml(
            r#"
            id = "rt"
            name = "rt"
            [when]
            start = "2026-09-01"
            end = "2026-09-30"
            hours = { from = 8, to = 20 }
            [what]
            min_total = "500"
            require_verification = false
            [caps]
            lots_per_receipt = 1
            [[earn]]
            id = "per-100"
            kind = "per_amount"
            every = "100"
            lots = 1
            [[multipliers]]
            id = "x2"
            factor = 2
            "#,
        )
        .unwrap();
        let now = NaiveDate::from_ymd_opt(2026, 9, 20)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let h = ParticipantHistory::new("p");
        for q in [
            "t=20261015T2200&s=100.00&fn=7281440500751551&i=1&fp=1&n=1",
            "t=20260915T1200&s=900.00&fn=7281440500751551&i=2&fp=2&n=1",
        ] {
            let qr: FiscalQr = q.parse().unwrap();
            let d = c.evaluate(&Candidate::new(qr, Channel::Qr), &h, now);
            assert!(d.reasons.len() >= 2, "{d:?}");
            assert_eq!(decode(&encode(&d)).unwrap(), d);
        }
        assert!(decode("{").is_err());
        assert!(decode(r#"{"campaign":"x","receipt":{"fn":"7281440500751551","fd":1,"fp":1},"status":"odd","lots":0,"points":0,"lots_before_caps":0,"points_before_caps":0,"reasons":[]}"#).is_err());
    }

    /// Ids are at most 64 bytes in the core. A stored rule id past that (a hand-edited row)
    /// reads back as the same text; a campaign id past it is a corrupt row, not a panic.
    #[test]
    fn overlong_ids_read_back_without_loss_or_panic() {
        let row = |campaign: &str, rule: &str| {
            format!(
                r#"{{"campaign":"{campaign}","receipt":{{"fn":"7281440500751551","fd":1,"fp":1}},"status":"accepted","lots":1,"points":0,"lots_before_caps":1,"points_before_caps":0,"reasons":[{{"code":"campaign.lots_earned","rule":"{rule}","detail":{{"k":"earned","n":1}}}}]}}"#
            )
        };
        let long = format!("earn.{}", "x".repeat(65));
        let d = decode(&row("c", &long)).unwrap();
        assert_eq!(d.reasons[0].rule.to_string(), long);
        let d = decode(&row("c", "earn.per-100")).unwrap();
        assert_eq!(
            d.reasons[0].rule,
            RuleRef::Earn(Id::new("per-100").unwrap())
        );
        assert!(matches!(
            decode(&row(&"c".repeat(65), "earn.x")),
            Err(StoreError::Corrupt(_))
        ));
    }
}
