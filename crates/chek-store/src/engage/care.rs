//! Care cases and identity links in the ledger.
//!
//! - `care.event`: one document per event, keyed by the event's own id, its case as the second
//!   key; recording is exactly-once by that id.
//! - `care.case`: one per case: how many events it has, the sender identifiers seen in its
//!   messages, and the case it is merged into (the second key, so the cases merged into a
//!   case are one lookup).
//! - `care.link`, `care.shared`: the identity graph's links (one per pair and evidence) and
//!   shared identifiers.
//! - `care.merge`: the merge log; a merge and its undo are each one transaction.

use std::collections::{BTreeMap, BTreeSet};

use chek_engage::care::{
    CareError, CasePart, Connection, Event, Evidence, IdentityGraph, Key, Link, Strength,
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::doc::{Docs, Replayed};
use crate::{Ledger, StoreError};

const EVENT: &str = "care.event";
const CASE: &str = "care.case";
const LINK: &str = "care.link";
const SHARED: &str = "care.shared";
const MERGE: &str = "care.merge";
const FLOW: &str = "care";
/// The second key of the documents listed as a whole inside a transaction (links, merges).
const ALL: &str = "all";
/// Deepest chain of merges followed when joining histories.
const MAX_MERGE_DEPTH: usize = 64;
/// Most sender identifiers kept per case.
const MAX_CASE_KEYS: usize = 32;

/// A case as the ledger keeps it (without its events).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareCaseRow {
    /// Case id.
    pub case: String,
    /// Events recorded.
    pub events: u64,
    /// The earliest event time.
    pub first_at: Option<NaiveDateTime>,
    /// The latest event time.
    pub last_at: Option<NaiveDateTime>,
    /// Who wrote in: the identifiers read from its messages' senders.
    pub keys: Vec<Key>,
    /// The case it is merged into, and by which merge.
    pub merged_into: Option<String>,
    /// The merge that put it there.
    pub merge: Option<u64>,
}

impl CareCaseRow {
    /// Where an answer reaches the customer: `("telegram", user id)` when they wrote from
    /// Telegram (the only channel chek sends to yet), else `None`.
    ///
    /// ```
    /// use chek_engage::care::Key;
    /// let row = chek_store::CareCaseRow { keys: vec![Key::parse("telegram:42")?], ..Default::default() };
    /// assert_eq!(row.reply_address(), Some(("telegram", "42".to_string())));
    /// assert_eq!(chek_store::CareCaseRow::default().reply_address(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reply_address(&self) -> Option<(&'static str, String)> {
        self.keys
            .iter()
            .find(|k| k.kind() == "telegram")
            .map(|k| ("telegram", k.value().to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct EventDoc {
    case: String,
    seq: u64,
    event: Event,
}

/// What recording one event did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareRecorded {
    /// The case.
    pub case: String,
    /// Its number in the case, from 1.
    pub seq: u64,
    /// The sender identifier read from a message, if any.
    pub sender: Option<Key>,
}

/// A merge of two cases, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareMerge {
    /// Merge id, from 1.
    pub id: u64,
    /// The case merged away.
    pub from_case: String,
    /// The case that received it.
    pub into_case: String,
    /// Strength of the evidence joining the two customers (`None`: no link joins them, the
    /// operator's word alone).
    pub strength: Option<Strength>,
    /// The identity links that join them.
    pub connection: Option<Connection>,
    /// The operator who confirmed it (required unless the evidence is strong).
    pub confirmed_by: Option<String>,
    /// When.
    pub at: NaiveDateTime,
    /// When it was undone, and by whom.
    pub undone_at: Option<NaiveDateTime>,
    /// Who undid it.
    pub undone_by: Option<String>,
}

/// A case with its history and the histories of the cases merged into it: ready for
/// [`chek_engage::care::replay_joined`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareCaseHistory {
    /// The case.
    pub case: CareCaseRow,
    /// Its events first, then each case merged into it (directly or through another), in the
    /// order they were merged.
    pub parts: Vec<CasePart>,
}

fn refuse<T>(e: CareError) -> Result<Result<T, CareError>, StoreError> {
    Ok(Err(e))
}

fn link_key(l: &Link) -> Result<String, StoreError> {
    let (a, b) = if l.a <= l.b {
        (&l.a, &l.b)
    } else {
        (&l.b, &l.a)
    };
    Ok(serde_json::to_string(&(
        a.to_string(),
        b.to_string(),
        l.evidence.id(),
    ))?)
}

fn merge_key(id: u64) -> String {
    format!("{id:012}")
}

/// The graph from the stored links and shared identifiers, inside a transaction.
fn graph_in(d: &mut Docs<'_>) -> Result<IdentityGraph, StoreError> {
    let shared: Vec<(String, Key)> = d.by_group(SHARED, ALL)?;
    let links: Vec<(String, Link)> = d.by_group(LINK, ALL)?;
    Ok(build_graph(
        shared.into_iter().map(|x| x.1),
        links.into_iter().map(|x| x.1),
    ))
}

fn build_graph(
    shared: impl IntoIterator<Item = Key>,
    links: impl IntoIterator<Item = Link>,
) -> IdentityGraph {
    let mut g = IdentityGraph::new();
    for k in shared {
        g.mark_shared(k);
    }
    let mut links: Vec<Link> = links.into_iter().collect();
    links.sort_by_key(|l| l.at);
    for l in links {
        // Stored links were checked when recorded; the graph's limit bounds what is read.
        if g.link(l.a, l.b, l.evidence, l.at).is_err() {
            break;
        }
    }
    g
}

/// Every case merged into `case`, directly or through another, breadth first.
fn merged_in(d: &mut Docs<'_>, case: &str) -> Result<Vec<CareCaseRow>, StoreError> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::from([case.to_owned()]);
    let mut level = vec![case.to_owned()];
    for _ in 0..MAX_MERGE_DEPTH {
        let mut next = Vec::new();
        for c in &level {
            for (k, row) in d.by_group::<CareCaseRow>(CASE, c)? {
                if seen.insert(k.clone()) {
                    next.push(k);
                    out.push(row);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    Ok(out)
}

fn events_of(d: &mut Docs<'_>, case: &str) -> Result<Vec<Event>, StoreError> {
    let mut v: Vec<EventDoc> = d
        .by_group::<EventDoc>(EVENT, case)?
        .into_iter()
        .map(|x| x.1)
        .collect();
    v.sort_by_key(|e| e.seq);
    Ok(v.into_iter().map(|e| e.event).collect())
}

fn history_in(d: &mut Docs<'_>, row: CareCaseRow) -> Result<CareCaseHistory, StoreError> {
    let mut parts = vec![CasePart {
        case: row.case.clone(),
        events: events_of(d, &row.case)?,
        merged: None,
    }];
    let mut merges: BTreeMap<u64, NaiveDateTime> = BTreeMap::new();
    for m in d.by_group::<CareMerge>(MERGE, ALL)? {
        merges.insert(m.1.id, m.1.at);
    }
    for r in merged_in(d, &row.case)? {
        let merged = r
            .merge
            .map(|id| (id, merges.get(&id).copied().unwrap_or_default()));
        parts.push(CasePart {
            events: events_of(d, &r.case)?,
            case: r.case,
            merged,
        });
    }
    parts[1..].sort_by_key(|p| p.merged.map(|m| m.0));
    Ok(CareCaseHistory { case: row, parts })
}

/// The identifiers of a case and of every case merged into it.
fn keys_of(d: &mut Docs<'_>, row: &CareCaseRow) -> Result<Vec<Key>, StoreError> {
    let mut keys = row.keys.clone();
    for r in merged_in(d, &row.case)? {
        for k in r.keys {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    Ok(keys)
}

impl Ledger {
    /// Records one event of a case in one transaction, exactly once by `event_id` (the id the
    /// channel or the host gave the event): a retry returns the first result and writes
    /// nothing. The case is created by its first event; a message's sender becomes one of
    /// the case's identifiers ([`Key::from_sender`]). Events are kept in the order recorded
    /// and replayed in time order.
    ///
    /// ```
    /// use chek_engage::care::{CaseFile, Desk, replay_joined};
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let f = CaseFile::parse(r#"{"case": "C-1", "events": [
    ///     {"kind": "message", "at": "2026-03-03T10:00:00", "channel": "viber",
    ///      "from": "01aBcD+/xyz==", "text": "Где приз?"}]}"#)?;
    /// let now = f.events[0].at();
    /// let first = l.care_record("C-1", "viber-msg-1", &f.events[0], now)?;
    /// assert_eq!(first.value.sender.unwrap().to_string(), "viber:01aBcD+/xyz==");
    /// assert!(l.care_record("C-1", "viber-msg-1", &f.events[0], now)?.replayed);
    /// let h = l.care_case("C-1")?.unwrap();
    /// assert_eq!(h.case.events, 1);
    /// let desk = Desk::parse("default_group = \"g\"\n[groups.g]\n")?;
    /// let v = replay_joined(&desk, &h.parts, now)?;
    /// assert_eq!(v.case, "C-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn care_record(
        &self,
        case: &str,
        event_id: &str,
        event: &Event,
        now: NaiveDateTime,
    ) -> Result<Replayed<CareRecorded>, StoreError> {
        self.care_record_sending(case, event_id, event, &[], now)
    }

    /// [`Ledger::care_record`], and the messages it causes (an operator's reply to the
    /// customer) enqueued in the outbox in the same transaction: recorded and queued together or
    /// not at all. A replayed event enqueues nothing again.
    ///
    /// ```
    /// use chek_engage::care::CaseFile;
    /// use chek_store::{NewMessage, OutboxStatus};
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let f = CaseFile::parse(r#"{"case": "C-1", "events": [
    ///     {"kind": "message", "at": "2026-03-03T10:00:00", "channel": "viber",
    ///      "from": "01aBcD+/xyz==", "text": "Где приз?"}]}"#)?;
    /// let now = f.events[0].at();
    /// let reply = NewMessage::new("care:C-1:reply-1", "viber", "01aBcD+/xyz==", "Приз отправлен", now);
    /// l.care_record_sending("C-1", "op-reply-1", &f.events[0], &[reply], now)?;
    /// assert_eq!(l.outbox_get("care:C-1:reply-1")?.unwrap().status, OutboxStatus::Queued);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn care_record_sending(
        &self,
        case: &str,
        event_id: &str,
        event: &Event,
        outgoing: &[crate::NewMessage],
        now: NaiveDateTime,
    ) -> Result<Replayed<CareRecorded>, StoreError> {
        self.care_record_replying(case, event_id, event, &mut |_| outgoing.to_vec(), now)
    }

    /// [`Ledger::care_record_sending`] with the messages made from the case as stored before
    /// this event (its identifiers say where the customer can be reached:
    /// [`CareCaseRow::reply_address`]), in the same transaction.
    ///
    /// ```
    /// use chek_engage::care::CaseFile;
    /// use chek_store::NewMessage;
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let f = CaseFile::parse(r#"{"case": "tg:42", "events": [
    ///     {"kind": "message", "at": "2026-03-03T10:00:00", "channel": "telegram", "from": "42", "text": "Где приз?"},
    ///     {"kind": "reply", "at": "2026-03-03T10:05:00", "agent": "olga", "text": "Приз в пути"}]}"#)?;
    /// let now = f.events[1].at();
    /// l.care_record("tg:42", "m1", &f.events[0], now)?;
    /// l.care_record_replying("tg:42", "r1", &f.events[1], &mut |row| {
    ///     let (channel, to) = row.reply_address().unwrap();
    ///     vec![NewMessage::new("care:tg:42:r1", channel, to, "Приз в пути", now)]
    /// }, now)?;
    /// let m = l.outbox_get("care:tg:42:r1")?.unwrap();
    /// assert_eq!((m.channel.as_str(), m.recipient.as_str()), ("telegram", "42"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn care_record_replying(
        &self,
        case: &str,
        event_id: &str,
        event: &Event,
        outgoing: &mut dyn FnMut(&CareCaseRow) -> Vec<crate::NewMessage>,
        now: NaiveDateTime,
    ) -> Result<Replayed<CareRecorded>, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            d.once(FLOW, Some(event_id), |d| {
                let mut row: CareCaseRow = d.get(CASE, case)?.unwrap_or_else(|| CareCaseRow {
                    case: case.to_owned(),
                    ..CareCaseRow::default()
                });
                if row.events >= chek_engage::care::MAX_EVENTS as u64 {
                    return Err(StoreError::Invalid(format!(
                        "case {case:?} has {} events, at most {}",
                        row.events,
                        chek_engage::care::MAX_EVENTS
                    )));
                }
                let before = row.clone();
                row.events += 1;
                let at = event.at();
                row.first_at = Some(row.first_at.map_or(at, |f| f.min(at)));
                row.last_at = Some(row.last_at.map_or(at, |l| l.max(at)));
                let sender = match event {
                    Event::Message {
                        channel,
                        from: Some(from),
                        ..
                    } => Key::from_sender(*channel, from),
                    _ => None,
                };
                if let Some(k) = &sender
                    && !row.keys.contains(k)
                    && row.keys.len() < MAX_CASE_KEYS
                {
                    row.keys.push(k.clone());
                }
                let doc = EventDoc {
                    case: case.to_owned(),
                    seq: row.events,
                    event: event.clone(),
                };
                for m in outgoing(&before) {
                    d.enqueue(&m)?;
                }
                d.put(EVENT, event_id, Some(case), &doc)?;
                d.put(CASE, case, row.merged_into.as_deref(), &row)?;
                Ok(CareRecorded {
                    case: case.to_owned(),
                    seq: row.events,
                    sender,
                })
            })
        })
    }

    /// Records an identity link (one per pair of identifiers and evidence: a repeat changes
    /// nothing) and returns the strength it has in the graph as stored. `event_id` makes a
    /// retry return the first result.
    ///
    /// ```
    /// use chek_engage::care::{Evidence, Key, Strength};
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// let s = l.care_link(&Key::parse("phone:+79123456789")?, &Key::parse("viber:AbC+/=")?,
    ///     Evidence::MessengerContact, at, None)?;
    /// assert_eq!(s.value, Strength::Strong);
    /// assert_eq!(l.care_graph()?.links().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn care_link(
        &self,
        a: &Key,
        b: &Key,
        evidence: Evidence,
        at: NaiveDateTime,
        event_id: Option<&str>,
    ) -> Result<Replayed<Strength>, StoreError> {
        if a == b {
            return Err(StoreError::Invalid(format!("{a} is linked to itself")));
        }
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now: at };
            d.once(FLOW, event_id, |d| {
                let mut g = graph_in(d)?;
                let link = Link {
                    a: a.clone(),
                    b: b.clone(),
                    evidence,
                    strength: Strength::Weak,
                    at,
                };
                let key = link_key(&link)?;
                let strength = g
                    .link(a.clone(), b.clone(), evidence, at)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                if d.get::<Link>(LINK, &key)?.is_none() {
                    d.put(LINK, &key, Some(ALL), &Link { strength, ..link })?;
                }
                Ok(strength)
            })
        })
    }

    /// Marks an identifier as used by several people (a family phone): links through it are
    /// weak from now on.
    pub fn care_mark_shared(&self, key: &Key, now: NaiveDateTime) -> Result<(), StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            d.put(SHARED, &key.to_string(), Some(ALL), key)
        })
    }

    /// The identity graph as stored.
    pub fn care_graph(&self) -> Result<IdentityGraph, StoreError> {
        let parse = |kind: &str, raw: &str| {
            StoreError::Corrupt(format!("{kind} {raw:?} is not a stored document"))
        };
        let mut shared = Vec::new();
        for (_, raw) in self.docs_all(SHARED)? {
            shared.push(serde_json::from_str::<Key>(&raw).map_err(|_| parse(SHARED, &raw))?);
        }
        let mut links = Vec::new();
        for (_, raw) in self.docs_all(LINK)? {
            links.push(serde_json::from_str::<Link>(&raw).map_err(|_| parse(LINK, &raw))?);
        }
        Ok(build_graph(shared, links))
    }

    /// Merges case `from` into case `into` in one transaction: `from`'s history (and that of
    /// the cases merged into it) joins `into`'s. The identity graph decides the evidence: a
    /// strong connection between the two cases' senders merges on its own; a weak one, or none,
    /// needs `confirmed_by` (the operator), else `care.needs_confirmation`. Refused with
    /// `care.unknown` for a case that does not exist and `care.invalid` for a case already
    /// merged or a merge into itself. `event_id` makes a retry return the first result.
    ///
    /// ```
    /// use chek_engage::care::{Event, ContactChannel};
    /// use chek_core::Coded;
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// for (case, ch, from) in [("A", ContactChannel::Phone, "+79123456789"), ("B", ContactChannel::Chat, "x")] {
    ///     let e = Event::Message { at, channel: ch, from: Some(from.into()), text: "?".into() };
    ///     l.care_record(case, &format!("{case}-1"), &e, at)?;
    /// }
    /// let err = l.care_merge("B", "A", None, None, at)?.unwrap_err();
    /// assert_eq!(err.code(), "care.needs_confirmation");
    /// let m = l.care_merge("B", "A", Some("olga"), None, at)?.unwrap();
    /// assert_eq!(l.care_case("A")?.unwrap().parts.len(), 2);
    /// l.care_unmerge(m.value.id, Some("olga"), None, at)?.unwrap();
    /// assert_eq!(l.care_case("A")?.unwrap().parts.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn care_merge(
        &self,
        from: &str,
        into: &str,
        confirmed_by: Option<&str>,
        event_id: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<Result<Replayed<CareMerge>, CareError>, StoreError> {
        let by = confirmed_by.map(str::trim).filter(|s| !s.is_empty());
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            if let Some(id) = event_id
                && let Some(first) = d.event::<CareMerge>(FLOW, id)?
            {
                return Ok(Ok(Replayed {
                    value: first,
                    replayed: true,
                }));
            }
            if from == into {
                return refuse(CareError::Invalid {
                    path: "merge".into(),
                    problem: "a case into itself".into(),
                });
            }
            let Some(mut f) = d.get::<CareCaseRow>(CASE, from)? else {
                return refuse(CareError::Unknown {
                    what: "case",
                    id: from.to_owned(),
                });
            };
            let Some(t) = d.get::<CareCaseRow>(CASE, into)? else {
                return refuse(CareError::Unknown {
                    what: "case",
                    id: into.to_owned(),
                });
            };
            for c in [&f, &t] {
                if let Some(x) = &c.merged_into {
                    return refuse(CareError::Invalid {
                        path: "merge".into(),
                        problem: format!("case {:?} is already merged into {x:?}", c.case),
                    });
                }
            }
            let graph = graph_in(&mut d)?;
            let (fk, tk) = (keys_of(&mut d, &f)?, keys_of(&mut d, &t)?);
            let connection = graph.connect(&fk, &tk);
            let strength = connection.as_ref().map(|c| c.strength);
            if strength != Some(Strength::Strong) && by.is_none() {
                return refuse(CareError::NeedsConfirmation(format!("{from} → {into}")));
            }
            let id = d.by_group::<CareMerge>(MERGE, ALL)?.len() as u64 + 1;
            let m = CareMerge {
                id,
                from_case: from.to_owned(),
                into_case: into.to_owned(),
                strength,
                connection,
                confirmed_by: by.map(str::to_owned),
                at: now,
                undone_at: None,
                undone_by: None,
            };
            f.merged_into = Some(into.to_owned());
            f.merge = Some(id);
            d.put(CASE, from, Some(into), &f)?;
            d.put(MERGE, &merge_key(id), Some(ALL), &m)?;
            if let Some(eid) = event_id {
                d.put_event(FLOW, eid, &m)?;
            }
            Ok(Ok(Replayed {
                value: m,
                replayed: false,
            }))
        })
    }

    /// Undoes merge `id` in one transaction: the case merged away stands alone again with its
    /// own history (and the cases merged into it). Refused with `care.unknown` for a merge
    /// that does not exist or is already undone.
    pub fn care_unmerge(
        &self,
        id: u64,
        by: Option<&str>,
        event_id: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<Result<Replayed<CareMerge>, CareError>, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            if let Some(eid) = event_id
                && let Some(first) = d.event::<CareMerge>(FLOW, eid)?
            {
                return Ok(Ok(Replayed {
                    value: first,
                    replayed: true,
                }));
            }
            let unknown = || CareError::Unknown {
                what: "merge",
                id: id.to_string(),
            };
            let Some(mut m) = d.get::<CareMerge>(MERGE, &merge_key(id))? else {
                return refuse(unknown());
            };
            if m.undone_at.is_some() {
                return refuse(unknown());
            }
            let Some(mut f) = d.get::<CareCaseRow>(CASE, &m.from_case)? else {
                return Err(StoreError::Corrupt(format!(
                    "merge {id}: no case {:?}",
                    m.from_case
                )));
            };
            if f.merge == Some(id) {
                f.merged_into = None;
                f.merge = None;
                d.put(CASE, &m.from_case, None, &f)?;
            }
            m.undone_at = Some(now);
            m.undone_by = by
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            d.put(MERGE, &merge_key(id), Some(ALL), &m)?;
            if let Some(eid) = event_id {
                d.put_event(FLOW, eid, &m)?;
            }
            Ok(Ok(Replayed {
                value: m,
                replayed: false,
            }))
        })
    }

    /// The merge log, oldest first.
    pub fn care_merges(&self) -> Result<Vec<CareMerge>, StoreError> {
        self.docs_all(MERGE)?
            .into_iter()
            .map(|(k, raw)| {
                serde_json::from_str(&raw)
                    .map_err(|e| StoreError::Corrupt(format!("merge {k}: {e}")))
            })
            .collect()
    }

    /// One case with its history and the histories merged into it, from one transaction;
    /// `None` when no event of it was recorded.
    pub fn care_case(&self, case: &str) -> Result<Option<CareCaseHistory>, StoreError> {
        let now = NaiveDateTime::default();
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            match d.get::<CareCaseRow>(CASE, case)? {
                Some(row) => history_in(&mut d, row).map(Some),
                None => Ok(None),
            }
        })
    }

    /// Every case not merged into another, with its joined history, in case-id order: what
    /// the combined queue is built from.
    pub fn care_cases(&self) -> Result<Vec<CareCaseHistory>, StoreError> {
        let corrupt = |k: &str, e: serde_json::Error| StoreError::Corrupt(format!("{k}: {e}"));
        let mut rows: BTreeMap<String, CareCaseRow> = BTreeMap::new();
        for (k, raw) in self.docs_all(CASE)? {
            rows.insert(
                k.clone(),
                serde_json::from_str(&raw).map_err(|e| corrupt(&k, e))?,
            );
        }
        let mut merges: BTreeMap<u64, NaiveDateTime> = BTreeMap::new();
        for m in self.care_merges()? {
            merges.insert(m.id, m.at);
        }
        // Events read after the cases: an event of a case created since is left for the next
        // listing, never shown without its case.
        let mut events: BTreeMap<String, Vec<EventDoc>> = BTreeMap::new();
        for (k, raw) in self.docs_all(EVENT)? {
            let e: EventDoc = serde_json::from_str(&raw).map_err(|e| corrupt(&k, e))?;
            if rows.contains_key(&e.case) {
                events.entry(e.case.clone()).or_default().push(e);
            }
        }
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in rows.values() {
            if let Some(into) = &r.merged_into {
                children
                    .entry(into.clone())
                    .or_default()
                    .push(r.case.clone());
            }
        }
        let mut take = |case: &str| -> Vec<Event> {
            let mut v = events.remove(case).unwrap_or_default();
            v.sort_by_key(|e| e.seq);
            v.into_iter().map(|e| e.event).collect()
        };
        let mut out = Vec::new();
        for r in rows.values().filter(|r| r.merged_into.is_none()) {
            let mut parts = vec![CasePart {
                case: r.case.clone(),
                events: take(&r.case),
                merged: None,
            }];
            let mut level = vec![r.case.clone()];
            for _ in 0..MAX_MERGE_DEPTH {
                let next: Vec<String> = level
                    .iter()
                    .flat_map(|c| children.get(c).cloned().unwrap_or_default())
                    .collect();
                for c in &next {
                    let merged = rows
                        .get(c)
                        .and_then(|x| x.merge)
                        .map(|id| (id, merges.get(&id).copied().unwrap_or_default()));
                    parts.push(CasePart {
                        case: c.clone(),
                        events: take(c),
                        merged,
                    });
                }
                if next.is_empty() {
                    break;
                }
                level = next;
            }
            parts[1..].sort_by_key(|p| p.merged.map(|m| m.0));
            out.push(CareCaseHistory {
                case: r.clone(),
                parts,
            });
        }
        Ok(out)
    }
}
