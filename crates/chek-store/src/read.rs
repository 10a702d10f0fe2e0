//! Rows as both backends read them, and what the ledger makes of them (report, draws, rechecks).

use std::collections::{BTreeMap, HashMap};

use chek_core::Lang;
use chek_core::fiscal::{Channel, FiscalQr};
use chrono::{NaiveDate, NaiveDateTime};

use crate::settle::to_u64;
use crate::{
    Balance, DayCounts, DrawRecord, ParticipantRecord, PendingRecheck, ReasonCount, ReceiptEntry,
    ReceiptStatus, Report, SegmentMember, StoreError,
};

/// A pending receipt as read for `due_rechecks`.
pub(crate) struct ClaimRow {
    pub(crate) participant: String,
    pub(crate) lang: String,
    pub(crate) qr: String,
    pub(crate) channel: String,
    pub(crate) first_at: NaiveDateTime,
    pub(crate) next_at: NaiveDateTime,
    pub(crate) attempts: String,
}

#[derive(Clone)]
pub(crate) struct DrawRow {
    pub(crate) campaign: String,
    pub(crate) period: String,
    pub(crate) seed_commitment: String,
    pub(crate) result: Option<String>,
    pub(crate) recorded_at: NaiveDateTime,
    pub(crate) prize_set: String,
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
    pub(crate) beacon_source: Option<String>,
    pub(crate) beacon_round: Option<String>,
    pub(crate) drawn_at: Option<NaiveDateTime>,
}

pub(crate) struct SegmentRow {
    pub(crate) participant: String,
    pub(crate) lang: String,
    pub(crate) receipt: String,
    pub(crate) since: NaiveDateTime,
}

/// A participant's row with their running totals, as read for `participant`.
pub(crate) struct ParticipantRow {
    pub(crate) lang: String,
    pub(crate) since: NaiveDateTime,
    pub(crate) counted: i64,
    pub(crate) lots: i64,
    pub(crate) points: i64,
}

/// One receipt row of a participant, as read for `participant`.
pub(crate) struct EntryRow {
    pub(crate) receipt: String,
    pub(crate) channel: String,
    pub(crate) qr: String,
    pub(crate) status: String,
    pub(crate) next_at: Option<NaiveDateTime>,
    pub(crate) lots: i64,
    pub(crate) points: i64,
    pub(crate) first_at: NaiveDateTime,
    pub(crate) counted_at: Option<NaiveDateTime>,
    pub(crate) updated_at: NaiveDateTime,
}

/// One participant's totals, as read for `balances`.
pub(crate) struct BalanceRow {
    pub(crate) participant: String,
    pub(crate) counted: i64,
    pub(crate) lots: i64,
    pub(crate) points: i64,
}

/// Submissions of one day, status and reason list, summed in SQL (`n` rows).
pub(crate) struct SubmissionStat {
    pub(crate) day: NaiveDate,
    pub(crate) status: String,
    pub(crate) n: i64,
    pub(crate) lots: i64,
    pub(crate) points: i64,
    pub(crate) reasons: String,
}

/// Failures of one day and code, counted in SQL (`n` rows).
pub(crate) struct FailureRow {
    pub(crate) day: NaiveDate,
    pub(crate) code: String,
    pub(crate) n: i64,
}

/// At most `max` bytes, cut on a character boundary.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn lang(s: &str) -> Lang {
    s.parse().unwrap_or_default()
}

fn channel(s: &str) -> Result<Channel, StoreError> {
    match s {
        "qr" => Ok(Channel::Qr),
        "ocr" => Ok(Channel::Ocr),
        "manual" => Ok(Channel::Manual),
        _ => Err(StoreError::Corrupt(format!("unknown channel {s:?}"))),
    }
}

#[cfg(feature = "sqlite")]
pub(crate) fn past_receipt(
    key: &str,
    counted_at: Option<&str>,
    lots: i64,
    points: i64,
    parse: fn(&str) -> Result<NaiveDateTime, StoreError>,
) -> Result<chek_core::campaign::PastReceipt, StoreError> {
    Ok(chek_core::campaign::PastReceipt {
        id: key
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("receipt key {key:?}")))?,
        submitted_at: match counted_at {
            Some(t) => parse(t)?,
            None => return Err(StoreError::Corrupt("accepted without counted_at".into())),
        },
        lots: to_u64(lots),
        points: to_u64(points),
    })
}

pub(crate) fn pending(campaign: &str, r: ClaimRow) -> Result<PendingRecheck, StoreError> {
    let qr: FiscalQr =
        r.qr.parse()
            .map_err(|e| StoreError::Corrupt(format!("stored qr: {e}")))?;
    Ok(PendingRecheck {
        campaign: campaign.to_owned(),
        participant: r.participant,
        lang: lang(&r.lang),
        receipt: qr.identity(),
        qr: r.qr,
        channel: channel(&r.channel)?,
        first_received_at: r.first_at,
        next_at: r.next_at,
        attempts: serde_json::from_str(&r.attempts)?,
    })
}

pub(crate) fn balance(r: BalanceRow) -> Balance {
    Balance {
        participant: r.participant,
        counted: to_u64(r.counted),
        lots: to_u64(r.lots),
        points: to_u64(r.points),
    }
}

pub(crate) fn participant_record(
    campaign: &str,
    participant: &str,
    p: ParticipantRow,
    rows: Vec<EntryRow>,
) -> Result<ParticipantRecord, StoreError> {
    let receipts = rows
        .into_iter()
        .map(|r| {
            Ok(ReceiptEntry {
                receipt: r
                    .receipt
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("receipt key {:?}", r.receipt)))?,
                channel: channel(&r.channel)?,
                qr: r.qr,
                status: ReceiptStatus::from_parts(&r.status, r.next_at)?,
                lots: to_u64(r.lots),
                points: to_u64(r.points),
                first_at: r.first_at,
                counted_at: r.counted_at,
                updated_at: r.updated_at,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(ParticipantRecord {
        campaign: campaign.to_owned(),
        participant: participant.to_owned(),
        lang: lang(&p.lang),
        since: p.since,
        balance: Balance {
            participant: participant.to_owned(),
            counted: to_u64(p.counted),
            lots: to_u64(p.lots),
            points: to_u64(p.points),
        },
        receipts,
    })
}

pub(crate) fn member(r: SegmentRow) -> SegmentMember {
    SegmentMember {
        participant: r.participant,
        lang: lang(&r.lang),
        receipt: r.receipt,
        since: r.since,
    }
}

pub(crate) fn draw_row(d: &DrawRecord) -> Result<DrawRow, StoreError> {
    let short = |v: &str| !v.is_empty() && v.len() <= 256;
    if d.campaign.is_empty()
        || !short(&d.period)
        || !short(&d.prize_set)
        || d.beacon_source.as_deref().is_some_and(|v| !short(v))
        || d.beacon_round.as_deref().is_some_and(|v| !short(v))
    {
        return Err(StoreError::Invalid(
            "a draw needs a campaign, a period and a prize set (names up to 256 bytes)".into(),
        ));
    }
    if let (Some(a), Some(b)) = (d.from, d.to)
        && b < a
    {
        return Err(StoreError::Invalid(
            "the draw's period ends before it starts".into(),
        ));
    }
    Ok(DrawRow {
        campaign: d.campaign.clone(),
        period: d.period.clone(),
        seed_commitment: d.seed_commitment.clone(),
        result: d.result.as_ref().map(serde_json::to_string).transpose()?,
        recorded_at: d.recorded_at,
        prize_set: d.prize_set.clone(),
        from: d.from,
        to: d.to,
        beacon_source: d.beacon_source.clone(),
        beacon_round: d.beacon_round.clone(),
        drawn_at: d.drawn_at,
    })
}

pub(crate) fn draw_record(r: DrawRow) -> Result<DrawRecord, StoreError> {
    Ok(DrawRecord {
        campaign: r.campaign,
        period: r.period,
        seed_commitment: r.seed_commitment,
        result: r.result.as_deref().map(serde_json::from_str).transpose()?,
        recorded_at: r.recorded_at,
        prize_set: r.prize_set,
        from: r.from,
        to: r.to,
        beacon_source: r.beacon_source,
        beacon_round: r.beacon_round,
        drawn_at: r.drawn_at,
    })
}

pub(crate) enum DrawWrite {
    /// A new commitment.
    Insert,
    /// The result of a recorded commitment.
    Reveal,
}

/// What a draw write does, from what is recorded: a commitment is recorded once, names its days
/// and beacon round, and overlaps no other commitment of the same prize set; a result needs its
/// commitment (same seed hash, not yet revealed). `found` is the period's row (commitment,
/// revealed); `overlapping` whether another period of the prize set shares a day with it.
pub(crate) fn draw_write(
    found: Option<(&str, bool)>,
    overlapping: bool,
    d: &DrawRow,
) -> Result<DrawWrite, StoreError> {
    match (found, &d.result) {
        (None, None) => {
            if d.from.is_none()
                || d.to.is_none()
                || d.beacon_source.is_none()
                || d.beacon_round.is_none()
            {
                return Err(StoreError::Invalid(
                    "a draw commitment names its days and the future beacon source and round"
                        .into(),
                ));
            }
            if overlapping {
                return Err(StoreError::Conflict(format!(
                    "another draw of prize set {:?} covers days of period {:?}",
                    d.prize_set, d.period
                )));
            }
            Ok(DrawWrite::Insert)
        }
        (None, Some(_)) => Err(StoreError::Conflict(format!(
            "no commitment is recorded for period {:?}: a draw is committed first",
            d.period
        ))),
        (Some((commitment, false)), Some(_)) if commitment == d.seed_commitment => {
            Ok(DrawWrite::Reveal)
        }
        (Some(_), _) => Err(StoreError::Conflict(format!(
            "the draw of period {:?} is already recorded",
            d.period
        ))),
    }
}

pub(crate) fn report(
    campaign: &str,
    subs: Vec<SubmissionStat>,
    fails: Vec<FailureRow>,
    participants: u64,
) -> Report {
    let mut days: BTreeMap<NaiveDate, DayCounts> = BTreeMap::new();
    let mut reasons: HashMap<String, u64> = HashMap::new();
    for s in subs {
        let d = days.entry(s.day).or_insert_with(|| DayCounts {
            day: s.day,
            ..DayCounts::default()
        });
        let n = to_u64(s.n);
        match s.status.as_str() {
            "accepted" => {
                d.accepted += n;
                d.lots += to_u64(s.lots);
                d.points += to_u64(s.points);
            }
            "rejected" => d.rejected += n,
            "pending_recheck" => d.pending += n,
            _ => d.awaiting_operator += n,
        }
        if s.status != "accepted" {
            for code in s.reasons.split(',').filter(|c| !c.is_empty()) {
                *reasons.entry(code.to_owned()).or_default() += n;
            }
        }
    }
    for f in fails {
        let d = days.entry(f.day).or_insert_with(|| DayCounts {
            day: f.day,
            ..DayCounts::default()
        });
        d.failed += to_u64(f.n);
        *reasons.entry(f.code).or_default() += to_u64(f.n);
    }
    let mut total = DayCounts {
        day: days.keys().next().copied().unwrap_or_default(),
        ..DayCounts::default()
    };
    for d in days.values() {
        total.accepted += d.accepted;
        total.rejected += d.rejected;
        total.pending += d.pending;
        total.awaiting_operator += d.awaiting_operator;
        total.failed += d.failed;
        total.lots += d.lots;
        total.points += d.points;
    }
    let mut top: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(code, count)| ReasonCount { code, count })
        .collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    top.truncate(10);
    Report {
        campaign: campaign.to_owned(),
        lots: total.lots,
        points: total.points,
        days: days.into_values().collect(),
        total,
        participants,
        top_reasons: top,
    }
}
