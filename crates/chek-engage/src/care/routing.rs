//! Routing a request to a group by its topic.

use serde::Serialize;

use super::{ContactChannel, Desk, RuleDef, fold};

/// Most keywords in one rule.
pub const MAX_KEYWORDS: usize = 256;
/// Only this many bytes of a message are read for routing.
pub const MAX_ROUTED_BYTES: usize = 64 * 1024;

/// A compiled routing rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub(crate) id: String,
    group: String,
    topic: Option<String>,
    any: Vec<String>,
    all: Vec<String>,
    none: Vec<String>,
    channels: Vec<ContactChannel>,
}

impl Rule {
    pub(crate) fn compile(r: RuleDef) -> Result<Rule, String> {
        let n = r.any.len() + r.all.len() + r.none.len();
        if n > MAX_KEYWORDS {
            return Err(format!("{n} keywords, at most {MAX_KEYWORDS}"));
        }
        let f = |v: Vec<String>| -> Result<Vec<String>, String> {
            v.iter()
                .map(|k| {
                    let f = fold(k);
                    if f.is_empty() {
                        Err(format!("empty keyword {k:?}"))
                    } else {
                        Ok(f)
                    }
                })
                .collect()
        };
        let (any, all, none) = (f(r.any)?, f(r.all)?, f(r.none)?);
        if any.is_empty() && all.is_empty() && r.channels.is_empty() {
            return Err(
                "matches every request: give keywords or channels, or use default_group".into(),
            );
        }
        Ok(Rule {
            id: r.id,
            group: r.group,
            topic: r.topic,
            any,
            all,
            none,
            channels: r.channels,
        })
    }

    /// The keywords that make it match, or `None`.
    fn matches(&self, text: &str, channel: ContactChannel) -> Option<Vec<String>> {
        if !self.channels.is_empty() && !self.channels.contains(&channel) {
            return None;
        }
        if self.none.iter().any(|k| text.contains(k.as_str())) {
            return None;
        }
        if !self.all.iter().all(|k| text.contains(k.as_str())) {
            return None;
        }
        let mut hit: Vec<String> = self.all.clone();
        if !self.any.is_empty() {
            let any: Vec<String> = self
                .any
                .iter()
                .filter(|k| text.contains(k.as_str()))
                .cloned()
                .collect();
            if any.is_empty() {
                return None;
            }
            hit.extend(any);
        }
        Some(hit)
    }
}

/// Where a request goes and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// The group.
    pub group: String,
    /// The rule that matched (none: the default group).
    pub rule: Option<String>,
    /// The rule's topic.
    pub topic: Option<String>,
    /// The keywords found (folded).
    pub matched: Vec<String>,
}

impl Desk {
    /// Routes a message: the first rule that matches wins, else the default group. Reads at most
    /// [`MAX_ROUTED_BYTES`] of the text.
    pub fn route(&self, text: &str, channel: ContactChannel) -> Route {
        let mut end = text.len().min(MAX_ROUTED_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let folded = fold(&text[..end]);
        for r in &self.rules {
            if let Some(matched) = r.matches(&folded, channel) {
                return Route {
                    group: r.group.clone(),
                    rule: Some(r.id.clone()),
                    topic: r.topic.clone(),
                    matched,
                };
            }
        }
        Route {
            group: self.default_group.clone(),
            rule: None,
            topic: None,
            matched: Vec::new(),
        }
    }
}
