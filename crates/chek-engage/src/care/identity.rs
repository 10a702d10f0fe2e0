//! The identity graph: which phones, e-mails, messenger accounts and cards are one customer, and
//! on what evidence.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{CareError, Key};
use chek_core::Lang;

/// Most links one graph holds.
pub const MAX_LINKS: usize = 100_000;

/// Why two identifiers are believed to be the same customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Evidence {
    /// The customer entered a code sent to the phone (or answered a call to it).
    VerifiedPhone,
    /// The customer followed a link sent to the e-mail.
    VerifiedEmail,
    /// The messenger itself vouched for the phone (a shared Telegram contact, a WhatsApp number).
    MessengerContact,
    /// The loyalty card was registered to this phone or e-mail with a confirmation.
    CardRegistration,
    /// An operator checked and confirmed it.
    OperatorConfirmed,
    /// The customer typed it in a message; nobody verified it.
    StatedByCustomer,
    /// The same name was given; names repeat.
    SameName,
    /// A phone several people use (a family phone).
    SharedPhone,
}

/// How far a link can be trusted. Only strong links can merge requests without a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// A name, an unverified statement, a shared phone: a suggestion for an operator.
    Weak,
    /// A verified identifier: safe to merge automatically.
    Strong,
}

impl Evidence {
    /// The strength this kind of evidence gives on its own.
    pub const fn strength(self) -> Strength {
        match self {
            Evidence::VerifiedPhone
            | Evidence::VerifiedEmail
            | Evidence::MessengerContact
            | Evidence::CardRegistration
            | Evidence::OperatorConfirmed => Strength::Strong,
            Evidence::StatedByCustomer | Evidence::SameName | Evidence::SharedPhone => {
                Strength::Weak
            }
        }
    }

    /// Stable id, e.g. `verified_phone`.
    pub const fn id(self) -> &'static str {
        match self {
            Evidence::VerifiedPhone => "verified_phone",
            Evidence::VerifiedEmail => "verified_email",
            Evidence::MessengerContact => "messenger_contact",
            Evidence::CardRegistration => "card_registration",
            Evidence::OperatorConfirmed => "operator_confirmed",
            Evidence::StatedByCustomer => "stated_by_customer",
            Evidence::SameName => "same_name",
            Evidence::SharedPhone => "shared_phone",
        }
    }

    /// A phrase for an operator.
    pub const fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Evidence::VerifiedPhone, Lang::Ru) => "телефон подтверждён кодом",
            (Evidence::VerifiedPhone, Lang::En) => "phone verified by a code",
            (Evidence::VerifiedEmail, Lang::Ru) => "e-mail подтверждён ссылкой",
            (Evidence::VerifiedEmail, Lang::En) => "e-mail verified by a link",
            (Evidence::MessengerContact, Lang::Ru) => "мессенджер передал номер телефона",
            (Evidence::MessengerContact, Lang::En) => "the messenger shared the phone number",
            (Evidence::CardRegistration, Lang::Ru) => "карта зарегистрирована на этот контакт",
            (Evidence::CardRegistration, Lang::En) => "the card is registered to this contact",
            (Evidence::OperatorConfirmed, Lang::Ru) => "подтвердил оператор",
            (Evidence::OperatorConfirmed, Lang::En) => "confirmed by an operator",
            (Evidence::StatedByCustomer, Lang::Ru) => "клиент указал сам, не проверено",
            (Evidence::StatedByCustomer, Lang::En) => "stated by the customer, unverified",
            (Evidence::SameName, Lang::Ru) => "совпадает только имя",
            (Evidence::SameName, Lang::En) => "only the name matches",
            (Evidence::SharedPhone, Lang::Ru) => "общий (семейный) телефон",
            (Evidence::SharedPhone, Lang::En) => "a shared (family) phone",
        }
    }
}

/// One edge of the graph: two identifiers, the evidence, and the strength it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// One identifier.
    pub a: Key,
    /// The other.
    pub b: Key,
    /// Why they are linked.
    pub evidence: Evidence,
    /// The strength recorded: the evidence's, lowered to weak when a side is a name or a
    /// shared phone.
    #[serde(default = "weak")]
    pub strength: Strength,
    /// When the evidence was seen.
    pub at: NaiveDateTime,
}

fn weak() -> Strength {
    Strength::Weak
}

/// Identifiers linked by evidence. Customers are the groups joined by strong links.
///
/// ```
/// use chek_engage::care::{Evidence, IdentityGraph, Key, Strength};
/// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(10, 0, 0).unwrap();
/// let phone = Key::phone("+79123456789")?;
/// let mail = Key::email("anna@example.ru")?;
/// let mut g = IdentityGraph::new();
/// g.link(phone.clone(), mail.clone(), Evidence::VerifiedEmail, at)?;
/// let c = g.connection(&phone, &mail).unwrap();
/// assert_eq!(c.strength, Strength::Strong);
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityGraph {
    links: Vec<Link>,
    /// Identifiers several people use: links through them are weak.
    shared: BTreeSet<Key>,
}

/// How two identifiers are connected: the strength of the best path and its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Strong when a path of strong links exists.
    pub strength: Strength,
    /// The links on that path, in order (empty when both are the same identifier).
    pub path: Vec<Link>,
}

impl IdentityGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `a` and `b` belong to the same customer because of `evidence`; returns the
    /// strength recorded. A name on either side, or a phone marked shared, makes it weak.
    pub fn link(
        &mut self,
        a: Key,
        b: Key,
        evidence: Evidence,
        at: NaiveDateTime,
    ) -> Result<Strength, CareError> {
        if self.links.len() >= MAX_LINKS {
            return Err(CareError::TooLarge {
                what: "identity links",
                len: self.links.len() + 1,
                max: MAX_LINKS,
            });
        }
        if a == b {
            return Err(CareError::invalid(
                "link",
                format!("{a} is linked to itself"),
            ));
        }
        let strength = self.strength_for(&a, &b, evidence);
        self.links.push(Link {
            a,
            b,
            evidence,
            strength,
            at,
        });
        Ok(strength)
    }

    /// Marks an identifier as used by several people (a family phone): links through it, and
    /// requests that share only it, are weak from now on.
    pub fn mark_shared(&mut self, key: Key) {
        self.shared.insert(key);
        let shared = &self.shared;
        for l in &mut self.links {
            if shared.contains(&l.a) || shared.contains(&l.b) {
                l.strength = Strength::Weak;
            }
        }
    }

    /// Whether `key` is marked shared.
    pub fn is_shared(&self, key: &Key) -> bool {
        self.shared.contains(key)
    }

    /// Whether the identifier alone can tell a customer apart: not a name, not a shared phone.
    pub fn is_distinctive(&self, key: &Key) -> bool {
        !matches!(key, Key::Name(_)) && !self.shared.contains(key)
    }

    /// Every link, in the order recorded.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    fn strength_for(&self, a: &Key, b: &Key, evidence: Evidence) -> Strength {
        if self.is_distinctive(a) && self.is_distinctive(b) {
            evidence.strength()
        } else {
            Strength::Weak
        }
    }

    /// The best connection between two identifiers, or `None` when no path links them.
    pub fn connection(&self, a: &Key, b: &Key) -> Option<Connection> {
        self.connect(std::slice::from_ref(a), std::slice::from_ref(b))
    }

    /// The best connection between any of `from` and any of `to`.
    pub fn connect(&self, from: &[Key], to: &[Key]) -> Option<Connection> {
        let idx = self.index(from.iter().chain(to));
        let strength = if idx.joined(from, to, Strength::Strong) {
            Strength::Strong
        } else if idx.joined(from, to, Strength::Weak) {
            Strength::Weak
        } else {
            return None;
        };
        Some(idx.connection(from, to, strength))
    }

    /// Components and adjacency over the links and `extra` identifiers, built once so many
    /// questions cost little.
    pub(crate) fn index<'a>(&'a self, extra: impl IntoIterator<Item = &'a Key>) -> Index<'a> {
        let mut ids: BTreeMap<&Key, usize> = BTreeMap::new();
        let mut keys: Vec<&Key> = Vec::new();
        let mut id = |k: &'a Key, ids: &mut BTreeMap<&'a Key, usize>| {
            *ids.entry(k).or_insert_with(|| {
                keys.push(k);
                keys.len() - 1
            })
        };
        let ends: Vec<(usize, usize)> = self
            .links
            .iter()
            .map(|l| (id(&l.a, &mut ids), id(&l.b, &mut ids)))
            .collect();
        for k in extra {
            id(k, &mut ids);
        }
        let n = keys.len();
        let mut strong: Vec<usize> = (0..n).collect();
        let mut all: Vec<usize> = (0..n).collect();
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, (l, &(a, b))) in self.links.iter().zip(&ends).enumerate() {
            union(&mut all, a, b);
            if l.strength == Strength::Strong {
                union(&mut strong, a, b);
            }
            adj[a].push(i);
            adj[b].push(i);
        }
        // Flattened, so a lookup is one read.
        for x in 0..n {
            strong[x] = find(&mut strong, x);
            all[x] = find(&mut all, x);
        }
        let distinctive = keys.iter().map(|k| self.is_distinctive(k)).collect();
        Index {
            graph: self,
            ids,
            ends,
            strong,
            all,
            adj,
            distinctive,
        }
    }

    /// Every identifier joined to `key` by strong links, `key` included, sorted.
    pub fn customer(&self, key: &Key) -> Vec<Key> {
        let idx = self.index(std::iter::once(key));
        let Some(c) = idx.component(key, Strength::Strong) else {
            return vec![key.clone()];
        };
        let mut v: Vec<Key> = idx
            .ids
            .keys()
            .filter(|k| idx.component(k, Strength::Strong) == Some(c))
            .map(|k| (*k).clone())
            .collect();
        v.sort();
        v
    }
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

fn union(p: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(p, a), find(p, b));
    if ra != rb {
        p[ra.max(rb)] = ra.min(rb);
    }
}

/// Most identifiers a reason's path search visits; beyond it the reason names no path.
const MAX_PATH_VISITS: usize = 4096;

/// Components (strong links only, and all links) and adjacency of a graph.
pub(crate) struct Index<'a> {
    graph: &'a IdentityGraph,
    ids: BTreeMap<&'a Key, usize>,
    ends: Vec<(usize, usize)>,
    strong: Vec<usize>,
    all: Vec<usize>,
    adj: Vec<Vec<usize>>,
    distinctive: Vec<bool>,
}

impl Index<'_> {
    /// The component of `k` at strength `s`; strong components exclude non-distinctive
    /// identifiers (names, shared phones), which can never join cases strongly.
    pub(crate) fn component(&self, k: &Key, s: Strength) -> Option<usize> {
        let &i = self.ids.get(k)?;
        match s {
            Strength::Strong if self.distinctive[i] => Some(self.strong[i]),
            Strength::Strong => None,
            Strength::Weak => Some(self.all[i]),
        }
    }

    fn joined(&self, from: &[Key], to: &[Key], s: Strength) -> bool {
        let a: BTreeSet<usize> = from.iter().filter_map(|k| self.component(k, s)).collect();
        to.iter()
            .filter_map(|k| self.component(k, s))
            .any(|c| a.contains(&c))
    }

    /// The connection of two key sets known to be joined at `strength`, with a path when one
    /// is found within [`MAX_PATH_VISITS`].
    pub(crate) fn connection(&self, from: &[Key], to: &[Key], strength: Strength) -> Connection {
        let same = from.iter().any(|k| {
            to.contains(k) && (strength == Strength::Weak || self.graph.is_distinctive(k))
        });
        let path = if same {
            Vec::new()
        } else {
            self.path(from, to, strength).unwrap_or_default()
        };
        Connection { strength, path }
    }

    /// Breadth-first over links at least `min` strong.
    fn path(&self, from: &[Key], to: &[Key], min: Strength) -> Option<Vec<Link>> {
        let targets: BTreeSet<usize> = to.iter().filter_map(|k| self.ids.get(k).copied()).collect();
        let mut prev: BTreeMap<usize, Option<usize>> = BTreeMap::new();
        let mut queue: VecDeque<usize> = VecDeque::new();
        for k in from {
            if let Some(&i) = self.ids.get(k)
                && (min == Strength::Weak || self.distinctive[i])
            {
                prev.insert(i, None);
                queue.push_back(i);
            }
        }
        while let Some(n) = queue.pop_front() {
            if targets.contains(&n) {
                let mut path = Vec::new();
                let mut cur = n;
                while let Some(Some(li)) = prev.get(&cur) {
                    path.push(self.graph.links[*li].clone());
                    let (a, b) = self.ends[*li];
                    cur = if a == cur { b } else { a };
                }
                path.reverse();
                return Some(path);
            }
            if prev.len() > MAX_PATH_VISITS {
                return None;
            }
            for &li in &self.adj[n] {
                if self.graph.links[li].strength < min {
                    continue;
                }
                let (a, b) = self.ends[li];
                let other = if a == n { b } else { a };
                if let std::collections::btree_map::Entry::Vacant(e) = prev.entry(other) {
                    e.insert(Some(li));
                    queue.push_back(other);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default()
    }

    fn k(s: &str) -> Key {
        Key::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn strong_and_weak_links() {
        let mut g = IdentityGraph::new();
        assert_eq!(
            g.link(
                k("phone:+79123456789"),
                k("tg:1001"),
                Evidence::MessengerContact,
                at()
            )
            .ok(),
            Some(Strength::Strong)
        );
        assert_eq!(
            g.link(
                k("tg:1001"),
                k("email:anna@example.ru"),
                Evidence::StatedByCustomer,
                at()
            )
            .ok(),
            Some(Strength::Weak)
        );
        // Verified evidence on a name is still weak: names repeat.
        assert_eq!(
            g.link(
                k("name:Анна"),
                k("card:22001234"),
                Evidence::OperatorConfirmed,
                at()
            )
            .ok(),
            Some(Strength::Weak)
        );
        let c = g.connection(&k("phone:89123456789"), &k("tg:1001"));
        assert_eq!(c.as_ref().map(|c| c.strength), Some(Strength::Strong));
        let c = g.connection(&k("phone:89123456789"), &k("email:anna@example.ru"));
        assert_eq!(c.as_ref().map(|c| c.strength), Some(Strength::Weak));
        assert_eq!(c.map(|c| c.path.len()), Some(2));
        assert!(
            g.connection(&k("phone:89123456789"), &k("card:22001234"))
                .is_none()
        );
        assert_eq!(g.customer(&k("tg:1001")).len(), 2);
        assert!(
            g.link(k("tg:1"), k("tg:1"), Evidence::SameName, at())
                .is_err()
        );
    }

    #[test]
    fn shared_phone_weakens_links_through_it() {
        let mut g = IdentityGraph::new();
        let home = k("phone:+74951234567");
        g.link(
            home.clone(),
            k("email:a@x.ru"),
            Evidence::VerifiedPhone,
            at(),
        )
        .ok();
        g.link(
            home.clone(),
            k("email:b@x.ru"),
            Evidence::VerifiedPhone,
            at(),
        )
        .ok();
        let c = g.connection(&k("email:a@x.ru"), &k("email:b@x.ru"));
        assert_eq!(c.map(|c| c.strength), Some(Strength::Strong));
        g.mark_shared(home.clone());
        let c = g.connection(&k("email:a@x.ru"), &k("email:b@x.ru"));
        assert_eq!(c.map(|c| c.strength), Some(Strength::Weak));
        let c = g.connection(&home, &home);
        assert_eq!(c.map(|c| c.strength), Some(Strength::Weak));
        assert_eq!(g.customer(&k("email:a@x.ru")), vec![k("email:a@x.ru")]);
    }
}
