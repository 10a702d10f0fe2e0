//! The desk file: groups with their hours and SLA targets, routing rules, segment queues and
//! quick replies, written once as TOML or JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    Calendar, CareError, ContactChannel, Period, QuickReply, Rule, WorkingHours, reply::ReplyDef,
};
use chek_core::campaign::Segment;

/// Desk files larger than this are refused before parsing.
pub const MAX_DESK_BYTES: usize = 1 << 20;
/// Most groups, rules or quick replies of a desk.
pub const MAX_ITEMS: usize = 512;

/// SLA targets of a group or of a request type, in working minutes; a missing target is not
/// measured. A request type's targets replace the group's one by one (see [`Desk::sla_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    /// From the first request to the first public reply.
    #[serde(default)]
    pub first_response_minutes: Option<u32>,
    /// From each later customer message to the reply to it.
    #[serde(default)]
    pub next_response_minutes: Option<u32>,
    /// From the first request to the answer that closes the case, pauses excluded.
    #[serde(default)]
    pub resolution_minutes: Option<u32>,
    /// Reminders this many working minutes before each breach.
    #[serde(default)]
    pub remind_before_minutes: Vec<u32>,
}

/// A group as written in the desk file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// Name operators see.
    #[serde(default)]
    pub name: Option<String>,
    /// Working days: `ru` (production calendar, default), `weekdays`, `always`.
    #[serde(default)]
    pub calendar: Calendar,
    /// Working periods of each working day, `["09:00-13:00", "14:00-18:00"]`.
    #[serde(default = "default_hours")]
    pub hours: Vec<Period>,
    /// SLA targets.
    #[serde(default)]
    pub sla: SlaPolicy,
}

fn default_hours() -> Vec<Period> {
    vec![Period {
        start: 9 * 3600,
        end: 18 * 3600,
    }]
}

/// A request type (тип обращения) as written: its name and the SLA targets that replace the
/// group's for cases of this type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Name operators see.
    #[serde(default)]
    pub name: Option<String>,
    /// SLA targets of this type; each target given replaces the group's.
    #[serde(default)]
    pub sla: SlaPolicy,
}

/// A routing rule as written: keywords (case-insensitive, ё=е, whole words or word stems) to a
/// group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Rule id, shown in the route history.
    pub id: String,
    /// Target group.
    pub group: String,
    /// Topic stamped on the case.
    #[serde(default)]
    pub topic: Option<String>,
    /// Request type stamped on the case (an id of `[types]`): its SLA applies.
    #[serde(default, rename = "type")]
    pub request_type: Option<String>,
    /// At least one of these must occur (if any are given).
    #[serde(default)]
    pub any: Vec<String>,
    /// Every one of these must occur.
    #[serde(default)]
    pub all: Vec<String>,
    /// None of these may occur.
    #[serde(default)]
    pub none: Vec<String>,
    /// Only for these channels (all when empty).
    #[serde(default)]
    pub channels: Vec<ContactChannel>,
}

/// Where a campaign problem segment opens its cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentDef {
    /// The queue (group).
    pub group: String,
    /// The quick reply to offer.
    #[serde(default)]
    pub reply: Option<String>,
    /// Request type of the cases it opens (an id of `[types]`).
    #[serde(default, rename = "type")]
    pub request_type: Option<String>,
}

/// The desk file as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskDef {
    /// Where requests no rule matches go.
    pub default_group: String,
    /// Groups by id.
    pub groups: BTreeMap<String, GroupDef>,
    /// Request types by id, with their own SLA targets.
    #[serde(default)]
    pub types: BTreeMap<String, TypeDef>,
    /// Routing rules, tried in order; the first match wins.
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// Segment id (`manual_entry`, `not_found_in_fns`, `limit`, …) → queue.
    #[serde(default)]
    pub segments: BTreeMap<String, SegmentDef>,
    /// Quick replies.
    #[serde(default)]
    pub replies: Vec<ReplyDef>,
}

/// A compiled group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Working hours and calendar.
    pub hours: WorkingHours,
    /// SLA targets.
    pub sla: SlaPolicy,
}

/// A checked desk, ready to route, time and answer.
///
/// ```
/// use chek_engage::care::{ContactChannel, Desk};
/// let desk = Desk::parse(r#"
///     default_group = "general"
///     [groups.general]
///     hours = ["09:00-18:00"]
///     [groups.receipts]
///     hours = ["09:00-13:00", "14:00-18:00"]
///     sla = { first_response_minutes = 120 }
///     [[rules]]
///     id = "fns"
///     group = "receipts"
///     any = ["фнс", "не найден"]
/// "#)?;
/// let r = desk.route("Чек НЕ НАЙДЕН, что делать?", ContactChannel::Email);
/// assert_eq!((r.group.as_str(), r.rule.as_deref()), ("receipts", Some("fns")));
/// assert_eq!(desk.route("Когда розыгрыш?", ContactChannel::Chat).group, "general");
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    pub(crate) default_group: String,
    pub(crate) groups: BTreeMap<String, Group>,
    pub(crate) types: BTreeMap<String, TypeDef>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) segments: BTreeMap<Segment, SegmentDef>,
    pub(crate) replies: BTreeMap<String, QuickReply>,
}

/// The segment with this id (`manual_entry`, `not_found_in_fns`, `limit`, …).
///
/// ```
/// use chek_core::campaign::Segment;
/// use chek_engage::care::segment_by_id;
/// assert_eq!(segment_by_id("limit"), Some(Segment::Limit));
/// assert_eq!(segment_by_id("nope"), None);
/// ```
pub fn segment_by_id(id: &str) -> Option<Segment> {
    Segment::ALL.into_iter().find(|s| s.id() == id.trim())
}

impl Desk {
    /// Reads a desk file: JSON when it starts with `{`, TOML otherwise; a
    /// leading UTF-8 byte-order mark is skipped.
    pub fn parse(text: &str) -> Result<Desk, CareError> {
        let text = super::strip_bom(text);
        if text.len() > MAX_DESK_BYTES {
            return Err(CareError::TooLarge {
                what: "desk file",
                len: text.len(),
                max: MAX_DESK_BYTES,
            });
        }
        let def: DeskDef = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| CareError::Malformed(e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| CareError::Malformed(e.to_string()))?
        };
        Desk::compile(def)
    }

    /// Checks a definition: every group referred to exists, limits hold, rules can match.
    pub fn compile(def: DeskDef) -> Result<Desk, CareError> {
        for (what, n) in [
            ("groups", def.groups.len()),
            ("types", def.types.len()),
            ("rules", def.rules.len()),
            ("replies", def.replies.len()),
        ] {
            if n > MAX_ITEMS {
                return Err(CareError::TooLarge {
                    what,
                    len: n,
                    max: MAX_ITEMS,
                });
            }
        }
        let mut groups = BTreeMap::new();
        for (id, g) in def.groups {
            let hours = WorkingHours::new(g.hours, g.calendar)
                .map_err(|p| CareError::invalid(format!("groups.{id}.hours"), p))?;
            if g.sla.remind_before_minutes.len() > 8 {
                return Err(CareError::invalid(
                    format!("groups.{id}.sla.remind_before_minutes"),
                    "at most 8 reminders",
                ));
            }
            groups.insert(
                id.clone(),
                Group {
                    name: g.name.unwrap_or_else(|| id.clone()),
                    id,
                    hours,
                    sla: g.sla,
                },
            );
        }
        let known = |path: String, g: &str| {
            if groups.contains_key(g) {
                Ok(())
            } else {
                Err(CareError::invalid(path, format!("no group {g:?}")))
            }
        };
        known("default_group".into(), &def.default_group)?;
        for (id, t) in &def.types {
            if t.sla.remind_before_minutes.len() > 8 {
                return Err(CareError::invalid(
                    format!("types.{id}.sla.remind_before_minutes"),
                    "at most 8 reminders",
                ));
            }
        }
        let known_type = |path: String, t: &Option<String>| match t {
            Some(t) if !def.types.contains_key(t) => {
                Err(CareError::invalid(path, format!("no request type {t:?}")))
            }
            _ => Ok(()),
        };
        let mut rules = Vec::new();
        for (i, r) in def.rules.into_iter().enumerate() {
            known(format!("rules[{i}].group"), &r.group)?;
            known_type(format!("rules[{i}].type"), &r.request_type)?;
            if rules.iter().any(|x: &Rule| x.id == r.id) {
                return Err(CareError::invalid(
                    format!("rules[{i}].id"),
                    format!("{:?} twice", r.id),
                ));
            }
            rules.push(Rule::compile(r).map_err(|p| CareError::invalid(format!("rules[{i}]"), p))?);
        }
        let mut replies = BTreeMap::new();
        for (i, r) in def.replies.into_iter().enumerate() {
            let q = QuickReply::compile(r)
                .map_err(|p| CareError::invalid(format!("replies[{i}]"), p))?;
            if replies.contains_key(&q.id) {
                return Err(CareError::invalid(
                    format!("replies[{i}].id"),
                    format!("{:?} twice", q.id),
                ));
            }
            replies.insert(q.id.clone(), q);
        }
        let mut segments = BTreeMap::new();
        for (id, s) in def.segments {
            let seg = segment_by_id(&id).ok_or_else(|| {
                CareError::invalid(format!("segments.{id}"), "no such campaign segment")
            })?;
            known(format!("segments.{id}.group"), &s.group)?;
            known_type(format!("segments.{id}.type"), &s.request_type)?;
            if let Some(r) = &s.reply
                && !replies.contains_key(r)
            {
                return Err(CareError::invalid(
                    format!("segments.{id}.reply"),
                    format!("no quick reply {r:?}"),
                ));
            }
            segments.insert(seg, s);
        }
        Ok(Desk {
            default_group: def.default_group,
            groups,
            types: def.types,
            rules,
            segments,
            replies,
        })
    }

    /// A group by id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.get(id)
    }

    /// Every group.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.values()
    }

    /// A request type by id.
    pub fn request_type(&self, id: &str) -> Option<&TypeDef> {
        self.types.get(id)
    }

    /// The SLA targets of a case in `group` with request type `request_type`: the group's,
    /// with each target the type sets (first response, next response, resolution, reminders)
    /// in place of the group's. An unknown group or type adds nothing.
    ///
    /// ```
    /// use chek_engage::care::Desk;
    /// let desk = Desk::parse(r#"
    ///     default_group = "g"
    ///     [groups.g]
    ///     sla = { first_response_minutes = 240, resolution_minutes = 2400 }
    ///     [types.complaint]
    ///     sla = { first_response_minutes = 60 }
    /// "#)?;
    /// let p = desk.sla_for("g", Some("complaint"));
    /// assert_eq!((p.first_response_minutes, p.resolution_minutes), (Some(60), Some(2400)));
    /// assert_eq!(desk.sla_for("g", None).first_response_minutes, Some(240));
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
    pub fn sla_for(&self, group: &str, request_type: Option<&str>) -> SlaPolicy {
        let mut p = self
            .groups
            .get(group)
            .map(|g| g.sla.clone())
            .unwrap_or_default();
        if let Some(t) = request_type.and_then(|t| self.types.get(t)) {
            let s = &t.sla;
            p.first_response_minutes = s.first_response_minutes.or(p.first_response_minutes);
            p.next_response_minutes = s.next_response_minutes.or(p.next_response_minutes);
            p.resolution_minutes = s.resolution_minutes.or(p.resolution_minutes);
            if !s.remind_before_minutes.is_empty() {
                p.remind_before_minutes.clone_from(&s.remind_before_minutes);
            }
        }
        p
    }

    /// The group unmatched requests go to.
    pub fn default_group(&self) -> &str {
        &self.default_group
    }

    /// A quick reply by id.
    pub fn reply(&self, id: &str) -> Option<&QuickReply> {
        self.replies.get(id)
    }

    /// Every quick reply, by id.
    pub fn replies(&self) -> impl Iterator<Item = &QuickReply> {
        self.replies.values()
    }
}
