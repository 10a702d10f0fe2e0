//! What happens to a case, as data: the history the SLA clocks and the route history are
//! computed from.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{CareError, ContactChannel};

/// Case files larger than this are refused before parsing.
pub const MAX_CASE_BYTES: usize = 4 << 20;
/// Most events in one case history.
pub const MAX_EVENTS: usize = 10_000;

fn default_channel() -> ContactChannel {
    ContactChannel::Chat
}

fn yes() -> bool {
    true
}

/// One event of a case history, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Event {
    /// The customer wrote or called. The first one opens the case and is routed by its text;
    /// a later one after an answer reopens it.
    Message {
        /// When.
        at: NaiveDateTime,
        /// The channel.
        #[serde(default = "default_channel")]
        channel: ContactChannel,
        /// The sender as the channel gave it.
        #[serde(default)]
        from: Option<String>,
        /// The text (or a call summary).
        #[serde(default)]
        text: String,
    },
    /// A campaign problem segment opened the case (`manual_entry`, `not_found_in_fns`, `limit`, …).
    Segment {
        /// When.
        at: NaiveDateTime,
        /// Segment id.
        segment: String,
        /// Facts for the quick reply (`receipt_date`, `sum`, `recheck_date`, …).
        #[serde(default)]
        values: BTreeMap<String, String>,
    },
    /// An operator worked on it without answering the customer yet (status «processed»).
    Process {
        /// When.
        at: NaiveDateTime,
        /// Who.
        #[serde(default)]
        agent: Option<String>,
    },
    /// A public reply. `close = true` (the default) answers the case and stops the resolution
    /// clock; `false` is an interim reply.
    Reply {
        /// When.
        at: NaiveDateTime,
        /// Who.
        #[serde(default)]
        agent: Option<String>,
        /// Whether this answers the case.
        #[serde(default = "yes")]
        close: bool,
        /// The text sent.
        #[serde(default)]
        text: Option<String>,
    },
    /// Waiting on the customer: the resolution and next-response clocks stop.
    Pause {
        /// When.
        at: NaiveDateTime,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The clocks run again (a customer message also resumes).
    Resume {
        /// When.
        at: NaiveDateTime,
    },
    /// An operator moved the case to another group (and, with `type`, gave it another
    /// request type, whose SLA targets then apply).
    Route {
        /// When.
        at: NaiveDateTime,
        /// The new group.
        group: String,
        /// The new request type (an id of the desk's `[types]`).
        #[serde(default, rename = "type")]
        request_type: Option<String>,
        /// Who.
        #[serde(default)]
        agent: Option<String>,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// An operator reopened an answered case.
    Reopen {
        /// When.
        at: NaiveDateTime,
        /// Who.
        #[serde(default)]
        agent: Option<String>,
    },
}

impl Event {
    /// When it happened.
    pub fn at(&self) -> NaiveDateTime {
        match self {
            Event::Message { at, .. }
            | Event::Segment { at, .. }
            | Event::Process { at, .. }
            | Event::Reply { at, .. }
            | Event::Pause { at, .. }
            | Event::Resume { at }
            | Event::Route { at, .. }
            | Event::Reopen { at, .. } => *at,
        }
    }

    /// The kind as written in files: `message`, `reply`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Message { .. } => "message",
            Event::Segment { .. } => "segment",
            Event::Process { .. } => "process",
            Event::Reply { .. } => "reply",
            Event::Pause { .. } => "pause",
            Event::Resume { .. } => "resume",
            Event::Route { .. } => "route",
            Event::Reopen { .. } => "reopen",
        }
    }
}

/// A case history file: the case id, optionally the moment to evaluate at, and the events.
///
/// ```
/// use chek_engage::care::CaseFile;
/// let f = CaseFile::parse(r#"
///     case = "C-1"
///     [[events]]
///     kind = "message"
///     at = "2026-03-03T10:00:00"
///     channel = "email"
///     text = "Чек не найден"
/// "#)?;
/// assert_eq!(f.events.len(), 1);
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// Case id.
    pub case: String,
    /// The moment to evaluate at, if the file fixes one.
    #[serde(default)]
    pub now: Option<NaiveDateTime>,
    /// The history.
    #[serde(default)]
    pub events: Vec<Event>,
}

impl CaseFile {
    /// Reads a case file: JSON when it starts with `{`, TOML otherwise; a
    /// leading UTF-8 byte-order mark is skipped.
    pub fn parse(text: &str) -> Result<CaseFile, CareError> {
        let text = super::strip_bom(text);
        if text.len() > MAX_CASE_BYTES {
            return Err(CareError::TooLarge {
                what: "case file",
                len: text.len(),
                max: MAX_CASE_BYTES,
            });
        }
        let f: CaseFile = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| CareError::Malformed(e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| CareError::Malformed(e.to_string()))?
        };
        if f.events.len() > MAX_EVENTS {
            return Err(CareError::TooLarge {
                what: "events",
                len: f.events.len(),
                max: MAX_EVENTS,
            });
        }
        Ok(f)
    }
}
