//! Replaying a case history: status, route history and SLA state as of a moment.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::sla::Clock;
use super::{CareError, Desk, Event, Metric, MetricState, MetricView, segment_by_id};
use chek_core::campaign::Segment;

/// The status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Nobody has worked on it yet (or the customer wrote again after an answer).
    New,
    /// An operator is on it; the customer has no final answer.
    Processed,
    /// The customer has the answer.
    Answered,
}

/// How a case came to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteBy {
    /// A routing rule matched.
    Rule,
    /// No rule matched: the default group.
    Default,
    /// A campaign problem segment's queue.
    Segment,
    /// An operator moved it.
    Operator,
}

/// One step of the route history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteStep {
    /// When.
    pub at: NaiveDateTime,
    /// The group.
    pub group: String,
    /// How.
    pub by: RouteBy,
    /// The rule id, segment id or operator.
    pub source: Option<String>,
    /// Keywords matched, or the operator's reason.
    pub detail: Vec<String>,
}

/// One event as replayed, with the status after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    /// When.
    pub at: NaiveDateTime,
    /// The event kind (`message`, `reply`, …) or an SLA event (`breach`, `reminder`).
    pub event: String,
    /// The status after it.
    pub status: CaseStatus,
    /// What changed, in a few words.
    pub note: String,
}

/// A breach of an SLA target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// Metric.
    pub metric: Metric,
    /// Cycle (for next response).
    pub cycle: u32,
    /// When the target was reached.
    pub at: NaiveDateTime,
    /// Whether it was fulfilled later (missed) or is still open (breached).
    pub state: MetricState,
}

/// A case as of `now`: status, group, route history, SLA metrics and breaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseView {
    /// Case id.
    pub case: String,
    /// The moment of the view.
    pub now: NaiveDateTime,
    /// Status.
    pub status: CaseStatus,
    /// The group it is in.
    pub group: String,
    /// Topic from the routing rule or the segment.
    pub topic: Option<String>,
    /// Request type from the routing rule or the segment's queue: its SLA targets apply.
    pub request_type: Option<String>,
    /// The campaign segment that opened it.
    pub segment: Option<Segment>,
    /// How often it was reopened.
    pub reopened: u32,
    /// Whether it is waiting on the customer.
    pub paused: bool,
    /// Every routing step.
    pub routes: Vec<RouteStep>,
    /// Every event, then the SLA breaches and reminders, in time order.
    pub history: Vec<HistoryStep>,
    /// SLA metrics of the group's policy.
    pub sla: Vec<MetricView>,
    /// Breaches, in time order.
    pub breaches: Vec<Breach>,
    /// Events after `now`, not replayed.
    pub ignored_after_now: usize,
    /// Cases merged into this one, whose events the history includes.
    pub merged_cases: Vec<String>,
    /// The case this one is merged into, if it is (its events are shown there too).
    pub merged_into: Option<String>,
    /// The years of the view and its due times that the group's production calendar knows only
    /// by the Labour Code (no decree table): those due times may move. Empty, and absent from
    /// JSON, when every year is exact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calendar_warnings: Vec<chek_ru::calendar::CalendarWarning>,
}

/// Replays `events` with `desk`'s rules as of `now` (events after `now` are not applied). The
/// SLA is the policy of the group the case is in at `now`, with the targets of the case's
/// request type in place of the group's ([`Desk::sla_for`]), applied to the whole history.
///
/// ```
/// use chek_engage::care::{replay, CaseFile, CaseStatus, Desk, MetricState};
/// let desk = Desk::parse(r#"
///     default_group = "g"
///     [groups.g]
///     hours = ["09:00-18:00"]
///     sla = { first_response_minutes = 60, remind_before_minutes = [15] }
/// "#)?;
/// let f = CaseFile::parse(r#"
///     case = "C-1"
///     [[events]]
///     kind = "message"
///     at = "2026-03-06T17:30:00"
///     text = "Где мой приз?"
/// "#)?;
/// let now = chrono::NaiveDateTime::parse_from_str("2026-03-06T17:40:00", "%Y-%m-%dT%H:%M:%S").unwrap();
/// let v = replay(&desk, &f.case, &f.events, now)?;
/// assert_eq!(v.status, CaseStatus::New);
/// assert_eq!(v.sla[0].state, MetricState::Running);
/// // 30 minutes on Friday, then Monday 9 March (a holiday) is skipped: due Tuesday 09:30.
/// assert_eq!(v.sla[0].breach_at.unwrap().to_string(), "2026-03-10 09:30:00");
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
pub fn replay(
    desk: &Desk,
    case: &str,
    events: &[Event],
    now: NaiveDateTime,
) -> Result<CaseView, CareError> {
    if events.len() > super::MAX_EVENTS {
        return Err(CareError::TooLarge {
            what: "events",
            len: events.len(),
            max: super::MAX_EVENTS,
        });
    }
    let mut r = Replay {
        desk,
        status: None,
        group: String::new(),
        topic: None,
        request_type: None,
        segment: None,
        reopened: 0,
        paused: false,
        routes: Vec::new(),
        history: Vec::new(),
        frt: Clock::default(),
        nrt: Vec::new(),
        res: Clock::default(),
        replied: false,
    };
    let mut last: Option<NaiveDateTime> = None;
    let mut ignored = 0;
    for (i, e) in events.iter().enumerate() {
        let at = e.at();
        if at > now {
            ignored += 1;
            continue;
        }
        if last.is_some_and(|l| at < l) {
            return Err(CareError::history(i, "earlier than the event before it"));
        }
        last = Some(at);
        r.apply(i, e)?;
    }
    let Some(status) = r.status else {
        return Err(CareError::history(
            0,
            "no message or segment opens the case",
        ));
    };
    let group = desk
        .group(&r.group)
        .ok_or_else(|| CareError::unknown("group", r.group.clone()))?;
    let p = &desk.sla_for(&group.id, r.request_type.as_deref());
    let mut sla = Vec::new();
    let rem = &p.remind_before_minutes;
    if let Some(t) = p.first_response_minutes {
        sla.extend(
            r.frt
                .view(Metric::FirstResponse, 1, t, rem, &group.hours, now),
        );
    }
    if let Some(t) = p.next_response_minutes {
        for (i, c) in r.nrt.iter().enumerate() {
            let cycle = u32::try_from(i + 1).unwrap_or(u32::MAX);
            sla.extend(c.view(Metric::NextResponse, cycle, t, rem, &group.hours, now));
        }
    }
    if let Some(t) = p.resolution_minutes {
        sla.extend(r.res.view(Metric::Resolution, 1, t, rem, &group.hours, now));
    }
    let mut breaches: Vec<Breach> = sla
        .iter()
        .filter(|m| matches!(m.state, MetricState::Missed | MetricState::Breached))
        .filter_map(|m| {
            Some(Breach {
                metric: m.metric,
                cycle: m.cycle,
                at: m.breach_at?,
                state: m.state,
            })
        })
        .collect();
    breaches.sort_by_key(|b| b.at);
    let mut history = r.history;
    // The SLA events join the history where they happened; the status shown is the one then.
    let status_at = |t: NaiveDateTime, h: &[HistoryStep]| {
        h.iter()
            .take_while(|s| s.at <= t)
            .last()
            .map_or(CaseStatus::New, |s| s.status)
    };
    let mut extra = Vec::new();
    for b in &breaches {
        extra.push(HistoryStep {
            at: b.at,
            event: "breach".into(),
            status: status_at(b.at, &history),
            note: format!("{} #{}", b.metric.as_str(), b.cycle),
        });
    }
    for m in &sla {
        for rm in m.reminders.iter().filter(|x| x.due) {
            extra.push(HistoryStep {
                at: rm.at,
                event: "reminder".into(),
                status: status_at(rm.at, &history),
                note: format!(
                    "{} #{}: {} min before breach",
                    m.metric.as_str(),
                    m.cycle,
                    rm.before_minutes
                ),
            });
        }
    }
    history.extend(extra);
    history.sort_by_key(|h| h.at);
    let calendar_warnings = calendar_warnings(group.hours.calendar(), now, &sla);
    Ok(CaseView {
        case: case.chars().take(200).collect(),
        now,
        status,
        group: r.group,
        topic: r.topic,
        request_type: r.request_type,
        segment: r.segment,
        reopened: r.reopened,
        paused: r.paused,
        routes: r.routes,
        history,
        sla,
        breaches,
        ignored_after_now: ignored,
        merged_cases: Vec::new(),
        merged_into: None,
        calendar_warnings,
    })
}

/// One warning per year of `now` and of the due times that the calendar knows inexactly.
fn calendar_warnings(
    cal: super::Calendar,
    now: NaiveDateTime,
    sla: &[MetricView],
) -> Vec<chek_ru::calendar::CalendarWarning> {
    let mut out: Vec<chek_ru::calendar::CalendarWarning> = Vec::new();
    let dates = std::iter::once(now).chain(sla.iter().filter_map(|m| m.breach_at));
    for d in dates {
        if let Some(w) = cal.warning(d.date())
            && !out.iter().any(|x| x.year == w.year)
        {
            out.push(w);
        }
    }
    out.sort_by_key(|w| w.year);
    out
}

struct Replay<'a> {
    desk: &'a Desk,
    status: Option<CaseStatus>,
    group: String,
    topic: Option<String>,
    request_type: Option<String>,
    segment: Option<Segment>,
    reopened: u32,
    paused: bool,
    routes: Vec<RouteStep>,
    history: Vec<HistoryStep>,
    frt: Clock,
    nrt: Vec<Clock>,
    res: Clock,
    replied: bool,
}

impl Replay<'_> {
    fn open(&mut self, at: NaiveDateTime) {
        self.status = Some(CaseStatus::New);
        self.frt = Clock::started(at);
        self.res = Clock::started(at);
    }

    fn resume(&mut self, at: NaiveDateTime) {
        if self.paused {
            self.paused = false;
            if !self.res.is_done() {
                self.res.start(at);
            }
            if let Some(c) = self.nrt.last_mut()
                && !c.is_done()
            {
                c.start(at);
            }
        }
    }

    fn reopen(&mut self, at: NaiveDateTime) {
        self.status = Some(CaseStatus::New);
        self.reopened += 1;
        self.res.start(at);
    }

    fn apply(&mut self, i: usize, e: &Event) -> Result<(), CareError> {
        let at = e.at();
        let opened = self.status.is_some();
        let need_open = || {
            if opened {
                Ok(())
            } else {
                Err(CareError::history(
                    i,
                    format!("{} before the case was opened", e.kind()),
                ))
            }
        };
        let note: String = match e {
            Event::Message { channel, text, .. } if !opened => {
                let route = self.desk.route(text, *channel);
                self.group.clone_from(&route.group);
                self.topic.clone_from(&route.topic);
                self.request_type.clone_from(&route.request_type);
                self.routes.push(RouteStep {
                    at,
                    group: route.group.clone(),
                    by: if route.rule.is_some() {
                        RouteBy::Rule
                    } else {
                        RouteBy::Default
                    },
                    source: route.rule.clone(),
                    detail: route.matched,
                });
                self.open(at);
                format!("opened by {} → {}", channel.as_str(), route.group)
            }
            Event::Message { channel, .. } => {
                let mut note = format!("customer wrote ({})", channel.as_str());
                self.resume(at);
                if self.status == Some(CaseStatus::Answered) {
                    self.reopen(at);
                    note.push_str(", reopened");
                }
                let open_nrt = self.nrt.last().is_some_and(|c| !c.is_done());
                if self.replied && !open_nrt {
                    self.nrt.push(Clock::started(at));
                    note.push_str(", next-response clock started");
                }
                note
            }
            Event::Segment { segment, .. } => {
                if opened {
                    return Err(CareError::history(i, "a segment can only open a case"));
                }
                let seg = segment_by_id(segment)
                    .ok_or_else(|| CareError::history(i, format!("no segment {segment:?}")))?;
                let (group, reply) = self.desk.segment_queue(seg);
                self.group = group.to_owned();
                self.topic = Some(seg.name_ru().to_owned());
                self.segment = Some(seg);
                self.request_type = self
                    .desk
                    .segments
                    .get(&seg)
                    .and_then(|d| d.request_type.clone());
                self.routes.push(RouteStep {
                    at,
                    group: group.to_owned(),
                    by: RouteBy::Segment,
                    source: Some(seg.id().to_owned()),
                    detail: reply.map(|r| vec![r.to_owned()]).unwrap_or_default(),
                });
                self.open(at);
                format!("opened by segment «{}» → {group}", seg.name_ru())
            }
            Event::Process { .. } => {
                need_open()?;
                if self.status == Some(CaseStatus::New) {
                    self.status = Some(CaseStatus::Processed);
                }
                "in work".into()
            }
            Event::Reply { close, .. } => {
                need_open()?;
                self.paused = false;
                if !self.frt.is_done() {
                    self.frt.finish(at);
                }
                if let Some(c) = self.nrt.last_mut() {
                    c.finish(at);
                }
                self.replied = true;
                if *close {
                    self.status = Some(CaseStatus::Answered);
                    self.res.finish(at);
                    "answered".into()
                } else {
                    self.status = Some(CaseStatus::Processed);
                    "interim reply".into()
                }
            }
            Event::Pause { reason, .. } => {
                need_open()?;
                if !self.paused {
                    self.paused = true;
                    self.res.stop(at);
                    if let Some(c) = self.nrt.last_mut() {
                        c.stop(at);
                    }
                }
                format!(
                    "waiting on the customer{}",
                    reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                )
            }
            Event::Resume { .. } => {
                need_open()?;
                self.resume(at);
                "clocks resumed".into()
            }
            Event::Route {
                group,
                request_type,
                agent,
                reason,
                ..
            } => {
                need_open()?;
                if self.desk.group(group).is_none() {
                    return Err(CareError::history(i, format!("no group {group:?}")));
                }
                if let Some(t) = request_type {
                    if self.desk.request_type(t).is_none() {
                        return Err(CareError::history(i, format!("no request type {t:?}")));
                    }
                    self.request_type = Some(t.clone());
                }
                self.group.clone_from(group);
                self.routes.push(RouteStep {
                    at,
                    group: group.clone(),
                    by: RouteBy::Operator,
                    source: agent.clone(),
                    detail: reason.iter().cloned().collect(),
                });
                match request_type {
                    Some(t) => format!("moved to {group}, type {t}"),
                    None => format!("moved to {group}"),
                }
            }
            Event::Reopen { .. } => {
                need_open()?;
                if self.status == Some(CaseStatus::Answered) {
                    self.reopen(at);
                    "reopened".into()
                } else {
                    "already open".into()
                }
            }
        };
        self.history.push(HistoryStep {
            at,
            event: e.kind().into(),
            status: self.status.unwrap_or(CaseStatus::New),
            note: note.chars().take(300).collect(),
        });
        Ok(())
    }
}
