//! SLA clocks: running spans of wall time, measured in a group's working time.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::WorkingHours;

/// Which SLA metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// First request → first public reply.
    FirstResponse,
    /// A customer message after a reply → the next reply.
    NextResponse,
    /// First request → the closing answer, pauses excluded, reopenings added.
    Resolution,
}

impl Metric {
    /// `first_response`, `next_response`, `resolution`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::NextResponse => "next_response",
            Metric::Resolution => "resolution",
        }
    }
}

/// Where a metric stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricState {
    /// Counting, not yet due.
    Running,
    /// Stopped by a pause, not yet due.
    Paused,
    /// Done within the target.
    Met,
    /// Done, but after the target: breached at `breach_at`.
    Missed,
    /// Not done and past the target.
    Breached,
}

/// A reminder before a breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// Working minutes before the breach.
    pub before_minutes: u32,
    /// When it fires.
    pub at: NaiveDateTime,
    /// Whether `now` is past it.
    pub due: bool,
}

/// One metric of one case, as of `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricView {
    /// The metric.
    pub metric: Metric,
    /// For next response: which customer message (1, 2, …); 1 for the others.
    pub cycle: u32,
    /// Target, working minutes.
    pub target_minutes: u32,
    /// Working minutes counted so far (to `done_at` when done).
    pub elapsed_minutes: i64,
    /// State.
    pub state: MetricState,
    /// When the clock first started.
    pub started_at: NaiveDateTime,
    /// When it was fulfilled.
    pub done_at: Option<NaiveDateTime>,
    /// When the target is (or was) reached: precomputed while running; `None` while paused or
    /// when met in time.
    pub breach_at: Option<NaiveDateTime>,
    /// Reminders before the breach (none once done).
    pub reminders: Vec<Reminder>,
}

/// Spans of wall time a clock ran, the last possibly still open, and when it was fulfilled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Clock {
    spans: Vec<(NaiveDateTime, Option<NaiveDateTime>)>,
    done: Option<NaiveDateTime>,
}

impl Clock {
    pub(crate) fn started(at: NaiveDateTime) -> Clock {
        Clock {
            spans: vec![(at, None)],
            done: None,
        }
    }

    pub(crate) fn running(&self) -> bool {
        matches!(self.spans.last(), Some((_, None)))
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done.is_some()
    }

    pub(crate) fn start(&mut self, at: NaiveDateTime) {
        if !self.running() {
            self.spans.push((at, None));
            self.done = None;
        }
    }

    pub(crate) fn stop(&mut self, at: NaiveDateTime) {
        if let Some((_, end @ None)) = self.spans.last_mut() {
            *end = Some(at);
        }
    }

    pub(crate) fn finish(&mut self, at: NaiveDateTime) {
        if !self.spans.is_empty() && self.done.is_none() {
            self.stop(at);
            self.done = Some(at);
        }
    }

    /// The instant the clock reaches `secs` of working time, if it does.
    fn reaches(&self, secs: i64, hours: &WorkingHours) -> Option<NaiveDateTime> {
        let mut left = secs;
        for &(a, b) in &self.spans {
            match b {
                Some(b) => {
                    let here = hours.business_seconds(a, b);
                    if here >= left {
                        return hours.add(a, left);
                    }
                    left -= here;
                }
                None => return hours.add(a, left),
            }
        }
        None
    }

    pub(crate) fn view(
        &self,
        metric: Metric,
        cycle: u32,
        target_minutes: u32,
        remind_before: &[u32],
        hours: &WorkingHours,
        now: NaiveDateTime,
    ) -> Option<MetricView> {
        let started_at = self.spans.first()?.0;
        let elapsed: i64 = self
            .spans
            .iter()
            .map(|&(a, b)| hours.business_seconds(a, b.unwrap_or(now).min(now)))
            .sum();
        let target = i64::from(target_minutes) * 60;
        let state = match (self.done, elapsed > target) {
            (Some(_), false) => MetricState::Met,
            (Some(_), true) => MetricState::Missed,
            // Reached exactly now counts as breached: the deadline is this instant.
            (None, _) if elapsed >= target => MetricState::Breached,
            (None, _) if self.running() => MetricState::Running,
            (None, _) => MetricState::Paused,
        };
        let breach_at = match state {
            MetricState::Met | MetricState::Paused => None,
            _ => self.reaches(target, hours),
        };
        let mut reminders: Vec<Reminder> = if self.done.is_some() {
            Vec::new()
        } else {
            remind_before
                .iter()
                .filter(|&&b| b < target_minutes)
                .filter_map(|&b| {
                    let at = self.reaches(target - i64::from(b) * 60, hours)?;
                    Some(Reminder {
                        before_minutes: b,
                        at,
                        due: at <= now,
                    })
                })
                .collect()
        };
        reminders.sort_by_key(|r| r.at);
        Some(MetricView {
            metric,
            cycle,
            target_minutes,
            elapsed_minutes: elapsed / 60,
            state,
            started_at,
            done_at: self.done,
            breach_at,
            reminders,
        })
    }
}
