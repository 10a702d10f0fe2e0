//! Declarative trigger rules over CRM events: «the order became ready for pickup», «the invoice
//! has been unpaid for 3 days». Firing is a pure function of the rules, the event history and
//! `now`; each firing carries an idempotency key so the host never sends it twice.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ContactChannel, NotifyError, Purpose};

/// When a rule fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// An order's status changed to `status`. Fires only while that is still the order's
    /// latest status, and at most `max_age_hours` after the change (default 24), so a replay of
    /// old events does not wake anyone.
    StatusChanged {
        /// The new status.
        status: String,
        /// How long after the change it may still fire.
        #[serde(default = "day")]
        max_age_hours: u32,
    },
    /// An order has been in `status` for `after_hours` with no payment since it entered it.
    UnpaidFor {
        /// The status (e.g. `invoiced`).
        status: String,
        /// Hours without payment.
        after_hours: u32,
    },
}

fn day() -> u32 {
    24
}

/// A rule: trigger → template → channels.
///
/// ```
/// use chek_engage::notify::{Rule, Trigger};
/// let r: Rule = toml::from_str(r#"
///     id = "unpaid-3d"
///     trigger = { kind = "unpaid_for", status = "invoiced", after_hours = 72 }
///     template = "unpaid"
///     channels = ["sms", "call"]
///     purpose = "debt"
/// "#).unwrap();
/// assert!(matches!(r.trigger, Trigger::UnpaidFor { after_hours: 72, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id (part of the idempotency key).
    pub id: String,
    /// When it fires.
    pub trigger: Trigger,
    /// The template's name in the config.
    pub template: String,
    /// Acceptable channels; the planner picks the cheapest that fits.
    pub channels: Vec<ContactChannel>,
    /// Why: service, debt or advertising.
    #[serde(default)]
    pub purpose: Purpose,
    /// The message is useless after this many hours from the trigger (e.g. the pickup
    /// deadline); no slot later than that is planned. `None`: no limit.
    #[serde(default)]
    pub within_hours: Option<u32>,
    /// The message should go within this many hours of becoming due (overrides the config's
    /// deadline for the rule's purpose): the planner takes the cheapest channel that makes it,
    /// and the earliest when none does.
    #[serde(default)]
    pub deadline_hours: Option<u32>,
    /// Repeat a status reminder before a period ends (a `status_changed` rule only).
    #[serde(default)]
    pub repeat: Option<Repeat>,
}

/// «Remind N times before the storage period ends»: `times` reminders spread evenly from the
/// status change to the end of the period, read from the event's data field `until` (a date,
/// meaning the end of that day, or a date and time, UTC). Reminder *i* (from 1) is due at
/// `change + (i − 1) × (end − change) / times`, is keyed `…#i` (the first keeps the plain key)
/// and is useless after the end. Only the latest reminder that is due fires, so a late run
/// does not send a burst.
///
/// ```
/// use chek_engage::notify::{fire, CrmEvent, Rule};
/// let rules: Vec<Rule> = serde_json::from_str(r#"[{"id":"ready","template":"t","channels":["sms"],
///     "trigger":{"kind":"status_changed","status":"ready","max_age_hours":48},
///     "repeat":{"times":3,"until":"until"}}]"#).unwrap();
/// let events: Vec<CrmEvent> = serde_json::from_str(r#"[{"type":"status_changed","order":"A-1",
///     "customer":"c1","status":"ready","at":"2026-08-10T00:00:00","data":{"until":"2026-08-15"}}]"#).unwrap();
/// let at = |s: &str| s.parse::<chrono::NaiveDateTime>().unwrap();
/// // The period is 6 days (to the end of 15 August): reminders on the 10th, 12th and 14th.
/// let f = fire(&rules, &events, at("2026-08-12T01:00:00")).unwrap();
/// assert_eq!(f[0].key, "ready:A-1:2026-08-10T00:00:00#2");
/// assert_eq!(f[0].due, at("2026-08-12T00:00:00"));
/// assert_eq!(f[0].until, Some(at("2026-08-16T00:00:00")));
/// assert_eq!(f[0].vars["reminder"], 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// Reminders in all, the first included (1–100).
    pub times: u32,
    /// The event data field holding the end of the period.
    #[serde(default = "until_field")]
    pub until: String,
}

fn until_field() -> String {
    "until".into()
}

/// The end of a period from a data value: a date (the end of that day) or a date and time.
fn period_end(v: Option<&Value>) -> Option<NaiveDateTime> {
    let s = v?.as_str()?.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.succ_opt().map(|n| n.and_time(chrono::NaiveTime::MIN));
    }
    NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S").ok()
}

/// One CRM event. Times are UTC.
///
/// ```
/// use chek_engage::notify::CrmEvent;
/// let e: CrmEvent = serde_json::from_str(r#"{"type":"status_changed","order":"A-1",
///     "customer":"c1","status":"invoiced","at":"2026-08-10T09:00:00","data":{"sum":150000}}"#).unwrap();
/// assert_eq!(e.order(), "A-1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CrmEvent {
    /// An order entered a status.
    StatusChanged {
        /// Order id.
        order: String,
        /// Customer id.
        customer: String,
        /// The new status.
        status: String,
        /// When, UTC.
        at: NaiveDateTime,
        /// Values for the template (sum, deadline, pickup point…).
        #[serde(default)]
        data: Map<String, Value>,
    },
    /// A payment for an order.
    Paid {
        /// Order id.
        order: String,
        /// When, UTC.
        at: NaiveDateTime,
    },
}

impl CrmEvent {
    /// The order the event is about.
    pub fn order(&self) -> &str {
        match self {
            CrmEvent::StatusChanged { order, .. } | CrmEvent::Paid { order, .. } => order,
        }
    }

    /// When it happened.
    pub fn at(&self) -> NaiveDateTime {
        match self {
            CrmEvent::StatusChanged { at, .. } | CrmEvent::Paid { at, .. } => *at,
        }
    }
}

/// A rule that fired for an order: what to send, to whom, from when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firing {
    /// Rule id.
    pub rule: String,
    /// Order id.
    pub order: String,
    /// Customer id.
    pub customer: String,
    /// `rule:order:status-time`: the same firing always has the same key.
    pub key: String,
    /// The earliest moment to send, UTC.
    pub due: NaiveDateTime,
    /// The latest useful moment, UTC (from `within_hours`).
    pub until: Option<NaiveDateTime>,
    /// Template values: the event's data, plus `order`, `status`, and `days` (whole days in the
    /// status).
    pub vars: Map<String, Value>,
}

/// Most events looked at in one call.
pub const MAX_EVENTS: usize = 100_000;

/// The firings of `rules` over `events` at `now`, in order of due time then key.
///
/// ```
/// use chek_engage::notify::{fire, CrmEvent, Rule};
/// let rules: Vec<Rule> = serde_json::from_str(r#"[{"id":"unpaid","template":"t","channels":["sms"],
///     "purpose":"debt","trigger":{"kind":"unpaid_for","status":"invoiced","after_hours":72}}]"#).unwrap();
/// let events: Vec<CrmEvent> = serde_json::from_str(r#"[{"type":"status_changed","order":"A-1",
///     "customer":"c1","status":"invoiced","at":"2026-08-10T09:00:00"}]"#).unwrap();
/// let at = |s: &str| s.parse::<chrono::NaiveDateTime>().unwrap();
/// assert!(fire(&rules, &events, at("2026-08-13T08:59:00")).unwrap().is_empty());
/// let f = fire(&rules, &events, at("2026-08-13T09:00:00")).unwrap();
/// assert_eq!(f[0].key, "unpaid:A-1:2026-08-10T09:00:00");
/// assert_eq!(f[0].vars["days"], 3);
/// ```
pub fn fire(
    rules: &[Rule],
    events: &[CrmEvent],
    now: NaiveDateTime,
) -> Result<Vec<Firing>, NotifyError> {
    if events.len() > MAX_EVENTS {
        return Err(NotifyError::TooLong {
            what: "events",
            limit: MAX_EVENTS,
        });
    }
    // Per order: its latest status event (by time, the later in the list on ties) and its
    // payments, looking only at what has happened by `now`.
    struct OrderState<'a> {
        latest: Option<&'a CrmEvent>,
        paid: Vec<NaiveDateTime>,
    }
    let mut orders: BTreeMap<&str, OrderState<'_>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.at() <= now) {
        let st = orders.entry(e.order()).or_insert(OrderState {
            latest: None,
            paid: Vec::new(),
        });
        match e {
            CrmEvent::Paid { at, .. } => st.paid.push(*at),
            CrmEvent::StatusChanged { at, .. } => {
                if st.latest.is_none_or(|l| l.at() <= *at) {
                    st.latest = Some(e);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (order, st) in &orders {
        let Some(CrmEvent::StatusChanged {
            customer,
            status,
            at,
            data,
            ..
        }) = st.latest
        else {
            continue;
        };
        for r in rules {
            // (due, reminder number, end of the period) — the number is 1 without repeats.
            let mut reminder = None;
            let due = match &r.trigger {
                Trigger::StatusChanged {
                    status: s,
                    max_age_hours,
                } if s == status => {
                    let mut due = *at;
                    if let Some(rep) = r.repeat.as_ref().filter(|p| p.times > 1) {
                        let Some(end) = period_end(data.get(&rep.until)) else {
                            continue;
                        };
                        let span = end.signed_duration_since(*at);
                        if span <= Duration::zero() || now >= end {
                            continue;
                        }
                        let times = i64::from(rep.times.min(100));
                        let step = span / i32::try_from(times).unwrap_or(100);
                        let elapsed = now.signed_duration_since(*at);
                        let i = if step > Duration::zero() {
                            (elapsed.num_seconds() / step.num_seconds().max(1)).clamp(0, times - 1)
                        } else {
                            0
                        };
                        let Some(d) = at.checked_add_signed(step * i32::try_from(i).unwrap_or(0))
                        else {
                            continue;
                        };
                        due = d;
                        reminder = Some((i + 1, end));
                    }
                    let age = now.signed_duration_since(due);
                    if age > Duration::hours(i64::from(*max_age_hours)) {
                        continue;
                    }
                    due
                }
                Trigger::UnpaidFor {
                    status: s,
                    after_hours,
                } if s == status => {
                    let Some(due) = at.checked_add_signed(Duration::hours(i64::from(*after_hours)))
                    else {
                        continue;
                    };
                    if due > now || st.paid.iter().any(|p| p >= at) {
                        continue;
                    }
                    due
                }
                _ => continue,
            };
            let mut vars = data.clone();
            vars.insert("order".into(), Value::String((*order).to_owned()));
            vars.insert("status".into(), Value::String(status.clone()));
            let days = now.signed_duration_since(*at).num_days();
            vars.insert("days".into(), Value::from(days));
            let mut key = format!("{}:{order}:{}", r.id, at.format("%Y-%m-%dT%H:%M:%S"));
            let mut until = r
                .within_hours
                .and_then(|h| due.checked_add_signed(Duration::hours(i64::from(h))));
            if let Some((n, end)) = reminder {
                if n > 1 {
                    key.push_str(&format!("#{n}"));
                }
                vars.insert("reminder".into(), Value::from(n));
                until = Some(until.map_or(end, |u| u.min(end)));
            }
            out.push(Firing {
                rule: r.id.clone(),
                order: (*order).to_owned(),
                customer: customer.clone(),
                key,
                due,
                until,
                vars,
            });
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.key.cmp(&b.key)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        s.parse().unwrap_or_default()
    }

    fn rules() -> Vec<Rule> {
        serde_json::from_value(serde_json::json!([
            {"id": "ready", "template": "ready", "channels": ["sms"],
             "trigger": {"kind": "status_changed", "status": "ready_for_pickup"}},
            {"id": "unpaid", "template": "unpaid", "channels": ["call", "sms"], "purpose": "debt",
             "trigger": {"kind": "unpaid_for", "status": "invoiced", "after_hours": 72}}
        ]))
        .unwrap_or_default()
    }

    fn ev(v: serde_json::Value) -> Vec<CrmEvent> {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn status_change_fires_while_current_and_fresh() {
        let e = ev(serde_json::json!([
            {"type": "status_changed", "order": "1", "customer": "c", "status": "ready_for_pickup", "at": "2026-08-14T09:00:00"},
        ]));
        let f = fire(&rules(), &e, t("2026-08-14T09:05:00")).unwrap_or_default();
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].rule.as_str(), f[0].due),
            ("ready", t("2026-08-14T09:00:00"))
        );
        // Too old.
        assert!(
            fire(&rules(), &e, t("2026-08-15T09:01:00"))
                .unwrap_or_default()
                .is_empty()
        );
        // In the future relative to now: nothing yet.
        assert!(
            fire(&rules(), &e, t("2026-08-14T08:00:00"))
                .unwrap_or_default()
                .is_empty()
        );
        // Picked up since: no longer current.
        let mut e2 = e.clone();
        e2.extend(ev(serde_json::json!([
            {"type": "status_changed", "order": "1", "customer": "c", "status": "done", "at": "2026-08-14T09:03:00"}
        ])));
        assert!(
            fire(&rules(), &e2, t("2026-08-14T09:05:00"))
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[test]
    fn unpaid_fires_after_the_delay_unless_paid() {
        let e = ev(serde_json::json!([
            {"type": "status_changed", "order": "7", "customer": "c", "status": "invoiced", "at": "2026-08-10T12:00:00", "data": {"sum": 150000}},
        ]));
        assert!(
            fire(&rules(), &e, t("2026-08-13T11:59:59"))
                .unwrap_or_default()
                .is_empty()
        );
        let f = fire(&rules(), &e, t("2026-08-14T12:00:00")).unwrap_or_default();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].due, t("2026-08-13T12:00:00"));
        assert_eq!(f[0].vars["sum"], 150000);
        assert_eq!(f[0].vars["days"], 4);
        let mut paid = e.clone();
        paid.extend(ev(
            serde_json::json!([{"type": "paid", "order": "7", "at": "2026-08-12T08:00:00"}]),
        ));
        assert!(
            fire(&rules(), &paid, t("2026-08-14T12:00:00"))
                .unwrap_or_default()
                .is_empty()
        );
        // A payment before the invoice does not count.
        let mut early = e.clone();
        early.extend(ev(
            serde_json::json!([{"type": "paid", "order": "7", "at": "2026-08-01T08:00:00"}]),
        ));
        assert_eq!(
            fire(&rules(), &early, t("2026-08-14T12:00:00"))
                .unwrap_or_default()
                .len(),
            1
        );
    }

    #[test]
    fn reminders_repeat_before_the_storage_period_ends() {
        let rules: Vec<Rule> = serde_json::from_value(serde_json::json!([
            {"id": "ready", "template": "ready", "channels": ["sms"],
             "trigger": {"kind": "status_changed", "status": "ready_for_pickup", "max_age_hours": 24},
             "repeat": {"times": 3}}
        ]))
        .unwrap_or_default();
        let e = ev(serde_json::json!([
            {"type": "status_changed", "order": "1", "customer": "c", "status": "ready_for_pickup",
             "at": "2026-08-14T09:00:00", "data": {"until": "2026-08-16T09:00:00"}},
        ]));
        // 48 hours in three: the 14th 09:00, the 14th 25:00 (15th 01:00), the 15th 17:00.
        let got = |now: &str| {
            fire(&rules, &e, t(now))
                .unwrap_or_default()
                .into_iter()
                .map(|f| (f.key, f.due, f.until))
                .collect::<Vec<_>>()
        };
        let base = "ready:1:2026-08-14T09:00:00";
        let end = Some(t("2026-08-16T09:00:00"));
        assert_eq!(
            got("2026-08-14T10:00:00"),
            vec![(base.to_owned(), t("2026-08-14T09:00:00"), end)]
        );
        assert_eq!(
            got("2026-08-15T02:00:00"),
            vec![(format!("{base}#2"), t("2026-08-15T01:00:00"), end)]
        );
        assert_eq!(
            got("2026-08-16T08:59:00"),
            vec![(format!("{base}#3"), t("2026-08-15T17:00:00"), end)]
        );
        // The period is over: nothing.
        assert!(got("2026-08-16T09:00:00").is_empty());
        // Without the end date the reminder cannot be placed: nothing fires.
        let no_end = ev(serde_json::json!([
            {"type": "status_changed", "order": "2", "customer": "c", "status": "ready_for_pickup", "at": "2026-08-14T09:00:00"},
        ]));
        assert!(
            fire(&rules, &no_end, t("2026-08-14T10:00:00"))
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let r: Result<Rule, _> = serde_json::from_value(serde_json::json!(
            {"id": "x", "template": "t", "channels": ["sms"], "trigger": {"kind": "status_changed", "status": "a", "after_hours": 3}}
        ));
        assert!(r.is_err());
    }
}
