//! The combined queue: open cases of every group, the most urgent first, and case histories
//! joined across merged cases.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{
    CareError, CaseStatus, CaseView, ContactChannel, Desk, Event, HistoryStep, Metric, MetricState,
    replay,
};

/// One open case in the combined queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    /// Case id.
    pub case: String,
    /// The group it is in.
    pub group: String,
    /// Its request type.
    pub request_type: Option<String>,
    /// Topic.
    pub topic: Option<String>,
    /// `new` or `processed` (answered cases are not in the queue).
    pub status: CaseStatus,
    /// Waiting on the customer.
    pub paused: bool,
    /// When the case opened.
    pub opened_at: NaiveDateTime,
    /// The earliest SLA deadline still open (reached or not); `None` when every clock is
    /// paused, met or unmeasured.
    pub due_at: Option<NaiveDateTime>,
    /// The metric of that deadline.
    pub due_metric: Option<Metric>,
    /// Whether that deadline has passed.
    pub breached: bool,
}

/// The open cases of `views` (not answered), across groups, sorted by due time: the earliest
/// deadline first (breached ones, being earliest, lead), cases without a running deadline
/// last, ties by opening time and case id.
///
/// ```
/// use chek_engage::care::{queue, replay, CaseFile, Desk};
/// let desk = Desk::parse(r#"
///     default_group = "slow"
///     [groups.slow]
///     hours = ["09:00-18:00"]
///     sla = { first_response_minutes = 240 }
///     [groups.fast]
///     hours = ["09:00-18:00"]
///     sla = { first_response_minutes = 30 }
///     [[rules]]
///     id = "urgent"
///     group = "fast"
///     any = ["срочно"]
/// "#)?;
/// let now = chrono::NaiveDateTime::parse_from_str("2026-03-03T11:00:00", "%Y-%m-%dT%H:%M:%S").unwrap();
/// let a = CaseFile::parse(r#"{"case": "A", "events": [
///     {"kind": "message", "at": "2026-03-03T10:00:00", "text": "Вопрос"}]}"#)?;
/// let b = CaseFile::parse(r#"{"case": "B", "events": [
///     {"kind": "message", "at": "2026-03-03T10:50:00", "text": "Срочно!"}]}"#)?;
/// let views = vec![
///     replay(&desk, &a.case, &a.events, now)?,
///     replay(&desk, &b.case, &b.events, now)?,
/// ];
/// let q = queue(&views);
/// assert_eq!(q[0].case, "B"); // due 11:20, before A's 14:00
/// assert_eq!(q[1].due_at.unwrap().to_string(), "2026-03-03 14:00:00");
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
pub fn queue(views: &[CaseView]) -> Vec<QueueItem> {
    let mut items: Vec<QueueItem> = views
        .iter()
        .filter(|v| v.status != CaseStatus::Answered)
        .map(|v| {
            let due = v
                .sla
                .iter()
                .filter(|m| matches!(m.state, MetricState::Running | MetricState::Breached))
                .filter_map(|m| Some((m.breach_at?, m.metric, m.state)))
                .min_by_key(|(at, _, _)| *at);
            QueueItem {
                case: v.case.clone(),
                group: v.group.clone(),
                request_type: v.request_type.clone(),
                topic: v.topic.clone(),
                status: v.status,
                paused: v.paused,
                opened_at: v.routes.first().map_or(v.now, |r| r.at),
                due_at: due.map(|d| d.0),
                due_metric: due.map(|d| d.1),
                breached: due.is_some_and(|d| d.2 == MetricState::Breached),
            }
        })
        .collect();
    items.sort_by(|a, b| {
        (a.due_at.is_none(), a.due_at, a.opened_at, &a.case).cmp(&(
            b.due_at.is_none(),
            b.due_at,
            b.opened_at,
            &b.case,
        ))
    });
    items
}

/// The history of one case: its id, its events, and when it was merged into the case being
/// shown (`None` for that case itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePart {
    /// Case id.
    pub case: String,
    /// Its events, in the order recorded.
    pub events: Vec<Event>,
    /// When it was merged in, and by which merge.
    pub merged: Option<(u64, NaiveDateTime)>,
}

/// Replays a case with the cases merged into it: every event of every part in time order (ties
/// in the order of `parts`, then as recorded), as one history. A merged case's first message
/// is a customer writing again; a segment that opened a merged case joins as a campaign
/// message. The history gets a `merge` step when each part was merged in.
///
/// ```
/// use chek_engage::care::{replay_joined, CaseFile, CasePart, Desk};
/// let desk = Desk::parse(r#"
///     default_group = "g"
///     [groups.g]
/// "#)?;
/// let a = CaseFile::parse(r#"{"case": "A", "events": [
///     {"kind": "message", "at": "2026-03-03T10:00:00", "channel": "phone", "text": "Звонок"}]}"#)?;
/// let b = CaseFile::parse(r#"{"case": "B", "events": [
///     {"kind": "message", "at": "2026-03-03T10:05:00", "channel": "telegram", "text": "Пишу сюда"}]}"#)?;
/// let at = chrono::NaiveDateTime::parse_from_str("2026-03-03T10:10:00", "%Y-%m-%dT%H:%M:%S").unwrap();
/// let v = replay_joined(&desk, &[
///     CasePart { case: "A".into(), events: a.events, merged: None },
///     CasePart { case: "B".into(), events: b.events, merged: Some((1, at)) },
/// ], at)?;
/// assert_eq!(v.case, "A");
/// assert_eq!(v.merged_cases, vec!["B".to_string()]);
/// assert!(v.history.iter().any(|h| h.event == "merge"));
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
pub fn replay_joined(
    desk: &Desk,
    parts: &[CasePart],
    now: NaiveDateTime,
) -> Result<CaseView, CareError> {
    let Some(first) = parts.first() else {
        return Err(CareError::history(0, "no case to replay"));
    };
    let total: usize = parts.iter().map(|p| p.events.len()).sum();
    if total > super::MAX_EVENTS {
        return Err(CareError::TooLarge {
            what: "events",
            len: total,
            max: super::MAX_EVENTS,
        });
    }
    let mut all: Vec<(NaiveDateTime, usize, usize, Event)> = Vec::with_capacity(total);
    for (pi, p) in parts.iter().enumerate() {
        for (ei, e) in p.events.iter().enumerate() {
            let e = match e {
                Event::Segment {
                    at,
                    segment,
                    values,
                } if pi > 0 => Event::Message {
                    at: *at,
                    channel: ContactChannel::Campaign,
                    from: None,
                    text: format!(
                        "{} ({})",
                        super::segment_by_id(segment)
                            .map_or_else(|| segment.clone(), |s| s.name_ru().to_owned()),
                        values
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
                e => e.clone(),
            };
            all.push((e.at(), pi, ei, e));
        }
    }
    // Parts are each in time order; a stable sort keeps the recorded order of equal times.
    all.sort_by_key(|(at, pi, ei, _)| (*at, *pi, *ei));
    let events: Vec<Event> = all.into_iter().map(|x| x.3).collect();
    let mut v = replay(desk, &first.case, &events, now)?;
    for p in &parts[1..] {
        v.merged_cases.push(p.case.chars().take(200).collect());
        if let Some((id, at)) = p.merged
            && at <= now
        {
            let status = v
                .history
                .iter()
                .take_while(|s| s.at <= at)
                .last()
                .map_or(CaseStatus::New, |s| s.status);
            v.history.push(HistoryStep {
                at,
                event: "merge".into(),
                status,
                note: format!("case {} merged in (merge #{id})", p.case)
                    .chars()
                    .take(300)
                    .collect(),
            });
        }
    }
    v.history.sort_by_key(|h| h.at);
    Ok(v)
}
