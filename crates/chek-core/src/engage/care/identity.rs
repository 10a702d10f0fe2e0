//! The identity graph: which phones, e-mails, messenger accounts and cards are one customer, and
//! on what evidence.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{CareError, Key};
use crate::Lang;

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
/// use chek_core::engage::care::{Evidence, IdentityGraph, Key, Strength};
/// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(10, 0, 0).unwrap();
/// let phone = Key::phone("+79123456789")?;
/// let mail = Key::email("anna@example.ru")?;
/// let mut g = IdentityGraph::new();
/// g.link(phone.clone(), mail.clone(), Evidence::VerifiedEmail, at)?;
/// let c = g.connection(&phone, &mail).unwrap();
/// assert_eq!(c.strength, Strength::Strong);
/// # Ok::<(), chek_core::engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityGraph {
    links: Vec<Link>,
    /// Identifiers several people use: links through them are weak.
    shared: BTreeSet<Key>,
}

/// How two identifiers are connected: the strength of the best path and its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        if let Some(k) = from.iter().find(|k| to.contains(k)) {
            let strength = if self.is_distinctive(k) {
                Strength::Strong
            } else {
                Strength::Weak
            };
            if strength == Strength::Strong {
                return Some(Connection {
                    strength,
                    path: Vec::new(),
                });
            }
            if let Some(path) = self.path(from, to, Strength::Strong) {
                return Some(Connection {
                    strength: Strength::Strong,
                    path,
                });
            }
            return Some(Connection {
                strength,
                path: Vec::new(),
            });
        }
        for s in [Strength::Strong, Strength::Weak] {
            if let Some(path) = self.path(from, to, s) {
                return Some(Connection { strength: s, path });
            }
        }
        None
    }

    /// Breadth-first over links at least `min` strong; strong paths never pass through a
    /// non-distinctive identifier.
    fn path(&self, from: &[Key], to: &[Key], min: Strength) -> Option<Vec<Link>> {
        let mut prev: BTreeMap<&Key, Option<usize>> = BTreeMap::new();
        let mut queue: VecDeque<&Key> = VecDeque::new();
        for k in from {
            if min == Strength::Strong && !self.is_distinctive(k) {
                continue;
            }
            prev.insert(k, None);
            queue.push_back(k);
        }
        let mut adj: BTreeMap<&Key, Vec<usize>> = BTreeMap::new();
        for (i, l) in self.links.iter().enumerate() {
            if l.strength >= min {
                adj.entry(&l.a).or_default().push(i);
                adj.entry(&l.b).or_default().push(i);
            }
        }
        while let Some(k) = queue.pop_front() {
            if to.contains(k) {
                let mut path = Vec::new();
                let mut cur = k;
                while let Some(Some(i)) = prev.get(cur) {
                    let l = &self.links[*i];
                    path.push(l.clone());
                    cur = if &l.a == cur { &l.b } else { &l.a };
                }
                path.reverse();
                return Some(path);
            }
            for &i in adj.get(k).map(Vec::as_slice).unwrap_or_default() {
                let l = &self.links[i];
                let other = if &l.a == k { &l.b } else { &l.a };
                if !prev.contains_key(other) {
                    prev.insert(other, Some(i));
                    queue.push_back(other);
                }
            }
        }
        None
    }

    /// Every identifier joined to `key` by strong links, `key` included, sorted.
    pub fn customer(&self, key: &Key) -> Vec<Key> {
        let mut seen: BTreeSet<Key> = BTreeSet::from([key.clone()]);
        if !self.is_distinctive(key) {
            return seen.into_iter().collect();
        }
        let mut queue = vec![key.clone()];
        while let Some(k) = queue.pop() {
            for l in &self.links {
                if l.strength != Strength::Strong {
                    continue;
                }
                let other = if l.a == k {
                    &l.b
                } else if l.b == k {
                    &l.a
                } else {
                    continue;
                };
                if seen.insert(other.clone()) {
                    queue.push(other.clone());
                }
            }
        }
        seen.into_iter().collect()
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
