//! The care desk behind a campaign: requests from e-mail, phone, messengers and chat, one
//! customer across channels, routing by topic, SLA clocks in working time, quick replies, and
//! cases opened by campaign problem segments. Pure: no I/O, no clock (`now` is a parameter).
//!
//! - [`Key`], [`IdentityGraph`], [`Inbox`]: identifiers normalised (E.164, e-mail), linked by
//!   [`Evidence`] with a [`Strength`]; merges of requests are suggested with the reason,
//!   reversible, and automatic only on strong evidence.
//! - [`Desk`]: groups with several working periods a day and a [`Calendar`] (the Russian
//!   production calendar by default), SLA targets, routing rules, segment queues and
//!   [`QuickReply`]s, from one TOML or JSON file.
//! - [`replay`]: a case history ([`Event`]s) → [`CaseView`]: status new → processed → answered
//!   (and reopened), the route history, every SLA metric with its precomputed breach time and
//!   reminders, and the breaches.
//!
//! ```
//! use chek_engage::care::{replay, CaseFile, Desk, MetricState};
//! let desk = Desk::parse(r#"
//!     default_group = "general"
//!     [groups.general]
//!     hours = ["09:00-13:00", "14:00-18:00"]
//!     sla = { first_response_minutes = 120, resolution_minutes = 960 }
//! "#)?;
//! let case = CaseFile::parse(r#"{"case": "C-7", "events": [
//!     {"kind": "message", "at": "2026-03-03T12:00:00", "channel": "email", "text": "Чек?"},
//!     {"kind": "reply", "at": "2026-03-03T15:30:00", "close": false}]}"#)?;
//! let now = chrono::NaiveDateTime::parse_from_str("2026-03-03 16:00", "%Y-%m-%d %H:%M").unwrap();
//! let v = replay(&desk, &case.case, &case.events, now)?;
//! // 12:00–13:00 and 14:00–15:30: 150 working minutes, past the 120 allowed; due at 15:00.
//! assert_eq!(v.sla[0].state, MetricState::Missed);
//! assert_eq!(v.breaches[0].at.to_string(), "2026-03-03 15:00:00");
//! # Ok::<(), chek_engage::care::CareError>(())
//! ```

mod calendar;
mod channel;
mod desk;
mod error;
mod event;
mod hours;
mod identity;
mod identity_file;
mod key;
mod merge;
mod queue;
mod replay;
mod reply;
mod routing;
mod segment;
mod sla;

pub use calendar::{Calendar, DayKind, WorkCalendar};
pub use channel::ContactChannel;
pub use desk::{
    Desk, DeskDef, Group, GroupDef, MAX_DESK_BYTES, MAX_ITEMS, RuleDef, SegmentDef, SlaPolicy,
    TypeDef, segment_by_id,
};
pub use error::CareError;
pub use event::{CaseFile, Event, MAX_CASE_BYTES, MAX_EVENTS};
pub use hours::{MAX_PERIODS, MAX_SEARCH_DAYS, Period, WorkingHours};
pub use identity::{Connection, Evidence, IdentityGraph, Link, MAX_LINKS, Strength};
pub use identity_file::{IdentityFile, IdentityReport, LinkDef, MAX_IDENTITY_BYTES};
pub use key::{Key, MAX_KEY_BYTES, Network};
pub use merge::{Inbox, MAX_REQUESTS, MergeRecord, MergeSuggestion, Request};
pub use queue::{CasePart, QueueItem, queue, replay_joined};
pub use replay::{Breach, CaseStatus, CaseView, HistoryStep, RouteBy, RouteStep, replay};
pub use reply::{
    BadValue, MAX_PLACEHOLDERS, MAX_REPLY_BYTES, MAX_VALUE_CHARS, PlaceholderDef, Prompt,
    QuickReply, Rendered, ReplyDef, ValueKind,
};
pub use routing::{MAX_KEYWORDS, MAX_ROUTED_BYTES, Route, Rule};
pub use segment::SegmentCase;
pub use sla::{Metric, MetricState, MetricView, Reminder};

/// The text without a leading UTF-8 byte-order mark (editors on Windows write one).
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Lower case, ё=е, runs of whitespace and punctuation as one space: how keywords and names
/// are compared.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}
