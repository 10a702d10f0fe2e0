//! Requests from every channel, the cases they belong to, and reversible merges of those cases.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{CareError, Connection, ContactChannel, IdentityGraph, Key, Strength};
use chek_core::Lang;

/// Most requests one inbox holds.
pub const MAX_REQUESTS: usize = 10_000;

/// One incoming request: where it came from and who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Unique id.
    pub id: String,
    /// The channel.
    pub channel: ContactChannel,
    /// The sender's identifiers as the channel gave them.
    pub keys: Vec<Key>,
    /// When it arrived.
    pub at: NaiveDateTime,
}

/// A suggestion to merge one case into another, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeSuggestion {
    /// The case that would disappear.
    pub from_case: String,
    /// The case that would receive its requests (the older one).
    pub into_case: String,
    /// Strong: may be merged automatically; weak: only when an operator confirms.
    pub strength: Strength,
    /// Whether [`Inbox::auto_merge`] would apply it.
    pub automatic: bool,
    /// The identifiers and links that connect the two cases.
    pub connection: Connection,
    /// The evidence in words (Russian).
    pub reason_ru: String,
    /// The evidence in words (English).
    pub reason_en: String,
}

/// A merge that happened: enough to undo it exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRecord {
    /// Sequence number, from 1.
    pub id: u64,
    /// The case merged away.
    pub from_case: String,
    /// The case that received the requests.
    pub into_case: String,
    /// The requests moved.
    pub moved: Vec<String>,
    /// Strength of the evidence.
    pub strength: Strength,
    /// Who confirmed a weak merge (none for automatic strong ones).
    pub confirmed_by: Option<String>,
    /// When.
    pub at: NaiveDateTime,
    /// Whether it has been undone.
    pub undone: bool,
}

/// Requests, the case each is in, and the merge log.
///
/// Every request starts in its own case (named after the request). Merges are suggested by
/// [`suggest`](Self::suggest) with the evidence, applied by [`merge`](Self::merge) — weak ones only
/// with an operator's name — and undone by [`unmerge`](Self::unmerge), which restores the previous
/// assignment exactly.
///
/// ```
/// use chek_engage::care::{ContactChannel, Evidence, IdentityGraph, Inbox, Key, Request};
/// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(10, 0, 0).unwrap();
/// let mut g = IdentityGraph::new();
/// g.link(Key::phone("+79123456789")?, Key::parse("tg:1001")?, Evidence::MessengerContact, at)?;
/// let mut inbox = Inbox::new();
/// inbox.add(Request { id: "call-1".into(), channel: ContactChannel::Phone,
///     keys: vec![Key::phone("89123456789")?], at })?;
/// inbox.add(Request { id: "tg-7".into(), channel: ContactChannel::Messenger,
///     keys: vec![Key::parse("tg:1001")?], at: at + chrono::Duration::minutes(5) })?;
/// let before = inbox.clone();
/// let s = inbox.suggest(&g);
/// assert_eq!(s.len(), 1);
/// assert!(s[0].automatic);
/// let id = inbox.merge(&s[0], None, at)?;
/// assert_eq!(inbox.case_of("tg-7"), Some("call-1"));
/// inbox.unmerge(id)?;
/// assert_eq!(inbox.cases(), before.cases());
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    requests: Vec<Request>,
    case_of: BTreeMap<String, String>,
    merges: Vec<MergeRecord>,
}

impl Inbox {
    /// An empty inbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a request in a case of its own.
    pub fn add(&mut self, r: Request) -> Result<(), CareError> {
        if self.requests.len() >= MAX_REQUESTS {
            return Err(CareError::TooLarge {
                what: "requests",
                len: self.requests.len() + 1,
                max: MAX_REQUESTS,
            });
        }
        if self.case_of.contains_key(&r.id) {
            return Err(CareError::invalid(
                "requests",
                format!("request {:?} twice", r.id),
            ));
        }
        if r.keys.len() > 32 {
            return Err(CareError::TooLarge {
                what: "keys of a request",
                len: r.keys.len(),
                max: 32,
            });
        }
        self.case_of.insert(r.id.clone(), r.id.clone());
        self.requests.push(r);
        Ok(())
    }

    /// The case a request is in.
    pub fn case_of(&self, request: &str) -> Option<&str> {
        self.case_of.get(request).map(String::as_str)
    }

    /// Every case with its requests, sorted.
    pub fn cases(&self) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (r, c) in &self.case_of {
            m.entry(c.clone()).or_default().push(r.clone());
        }
        m
    }

    /// The merge log.
    pub fn merges(&self) -> &[MergeRecord] {
        &self.merges
    }

    fn case_keys(&self) -> BTreeMap<&str, (NaiveDateTime, Vec<Key>)> {
        let mut m: BTreeMap<&str, (NaiveDateTime, Vec<Key>)> = BTreeMap::new();
        for r in &self.requests {
            let Some(c) = self.case_of.get(&r.id) else {
                continue;
            };
            let e = m.entry(c.as_str()).or_insert((r.at, Vec::new()));
            e.0 = e.0.min(r.at);
            for k in &r.keys {
                if !e.1.contains(k) {
                    e.1.push(k.clone());
                }
            }
        }
        m
    }

    /// Suggested merges: each case that the graph (or a shared identifier) connects to an
    /// older case, into the oldest such case, strong suggestions first. Components are worked
    /// out once, so this stays near-linear in requests and links.
    pub fn suggest(&self, graph: &IdentityGraph) -> Vec<MergeSuggestion> {
        let cases = self.case_keys();
        let mut order: Vec<(&str, &(NaiveDateTime, Vec<Key>))> =
            cases.iter().map(|(c, v)| (*c, v)).collect();
        order.sort_by(|a, b| (a.1.0, a.0).cmp(&(b.1.0, b.0)));
        let idx = graph.index(order.iter().flat_map(|(_, (_, keys))| keys.iter()));
        let mut out = Vec::new();
        let mut taken = vec![false; order.len()];
        for want in [Strength::Strong, Strength::Weak] {
            // Component → the positions of the cases holding it, oldest first.
            let mut holders: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            let comps: Vec<BTreeSet<usize>> = order
                .iter()
                .map(|(_, (_, keys))| keys.iter().filter_map(|k| idx.component(k, want)).collect())
                .collect();
            for (i, cs) in comps.iter().enumerate() {
                for c in cs {
                    holders.entry(*c).or_default().push(i);
                }
            }
            for (i, cs) in comps.iter().enumerate() {
                if taken[i] {
                    continue;
                }
                let into = cs
                    .iter()
                    .filter_map(|c| {
                        holders
                            .get(c)?
                            .iter()
                            .copied()
                            .find(|&j| j < i && !taken[j])
                    })
                    .min();
                let Some(j) = into else { continue };
                let (from, (_, fkeys)) = order[i];
                let (into, (_, ikeys)) = order[j];
                let conn = idx.connection(fkeys, ikeys, want);
                let (reason_ru, reason_en) = reason(&conn, fkeys, ikeys);
                out.push(MergeSuggestion {
                    from_case: from.to_owned(),
                    into_case: into.to_owned(),
                    strength: want,
                    automatic: want == Strength::Strong,
                    connection: conn,
                    reason_ru,
                    reason_en,
                });
                taken[i] = true;
            }
        }
        out
    }

    /// Applies a suggestion. A weak one needs `confirmed_by` (the operator); returns the merge id.
    pub fn merge(
        &mut self,
        s: &MergeSuggestion,
        confirmed_by: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<u64, CareError> {
        if s.strength == Strength::Weak && confirmed_by.is_none_or(|o| o.trim().is_empty()) {
            return Err(CareError::NeedsConfirmation(format!(
                "{} → {}",
                s.from_case, s.into_case
            )));
        }
        if s.from_case == s.into_case {
            return Err(CareError::invalid("merge", "a case into itself"));
        }
        let moved: Vec<String> = self
            .case_of
            .iter()
            .filter(|(_, c)| **c == s.from_case)
            .map(|(r, _)| r.clone())
            .collect();
        if moved.is_empty() {
            return Err(CareError::unknown("case", s.from_case.clone()));
        }
        if !self.case_of.values().any(|c| *c == s.into_case) {
            return Err(CareError::unknown("case", s.into_case.clone()));
        }
        for r in &moved {
            self.case_of.insert(r.clone(), s.into_case.clone());
        }
        let id = self.merges.len() as u64 + 1;
        self.merges.push(MergeRecord {
            id,
            from_case: s.from_case.clone(),
            into_case: s.into_case.clone(),
            moved,
            strength: s.strength,
            confirmed_by: confirmed_by.map(str::to_owned),
            at,
            undone: false,
        });
        Ok(id)
    }

    /// Applies every strong suggestion, repeatedly until none is left; never a weak one.
    /// Returns the merge ids.
    pub fn auto_merge(
        &mut self,
        graph: &IdentityGraph,
        at: NaiveDateTime,
    ) -> Result<Vec<u64>, CareError> {
        let mut ids = Vec::new();
        // One batch per round: a batch's targets are never merged away in the same batch.
        loop {
            let strong: Vec<MergeSuggestion> = self
                .suggest(graph)
                .into_iter()
                .filter(|s| s.automatic)
                .collect();
            if strong.is_empty() {
                return Ok(ids);
            }
            for s in &strong {
                ids.push(self.merge(s, None, at)?);
            }
        }
    }

    /// Undoes a merge: its requests go back to their case. Refused while a later merge that
    /// moved any of them is still in place.
    pub fn unmerge(&mut self, id: u64) -> Result<(), CareError> {
        let idx = self
            .merges
            .iter()
            .position(|m| m.id == id && !m.undone)
            .ok_or_else(|| CareError::unknown("merge", id.to_string()))?;
        let m = &self.merges[idx];
        let in_the_way = self.merges[idx + 1..].iter().find(|l| {
            !l.undone && (l.from_case == m.into_case || l.moved.iter().any(|r| m.moved.contains(r)))
        });
        if let Some(l) = in_the_way {
            return Err(CareError::UnmergeOrder {
                merge: id,
                later: l.id,
            });
        }
        let (from, moved) = (m.from_case.clone(), m.moved.clone());
        for r in moved {
            self.case_of.insert(r, from.clone());
        }
        self.merges[idx].undone = true;
        Ok(())
    }
}

fn reason(conn: &Connection, from: &[Key], into: &[Key]) -> (String, String) {
    if conn.path.is_empty() {
        let Some(k) = from
            .iter()
            .find(|k| into.contains(k))
            .map(ToString::to_string)
        else {
            return (
                "связаны длинной цепочкой связей".into(),
                "joined by a long chain of links".into(),
            );
        };
        return match conn.strength {
            Strength::Strong => (
                format!("тот же контакт {k}"),
                format!("the same contact {k}"),
            ),
            Strength::Weak => (
                format!("совпадает только {k} (имя или общий телефон)"),
                format!("only {k} matches (a name or a shared phone)"),
            ),
        };
    }
    let part = |lang: Lang| {
        conn.path
            .iter()
            .map(|l| format!("{} ↔ {}: {}", l.a, l.b, l.evidence.describe(lang)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    (part(Lang::Ru), part(Lang::En))
}
