//! An identity file: known links, shared identifiers and requests, for trying merges offline.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{CareError, Evidence, IdentityGraph, Inbox, Key, Request};

/// Identity files larger than this are refused before parsing.
pub const MAX_IDENTITY_BYTES: usize = 4 << 20;

/// A link as written in an identity file (its strength is worked out, not written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkDef {
    /// One identifier, `kind:value`.
    pub a: Key,
    /// The other.
    pub b: Key,
    /// The evidence.
    pub evidence: Evidence,
    /// When it was seen.
    pub at: NaiveDateTime,
}

/// Links, shared identifiers and requests, as TOML or JSON.
///
/// ```
/// use chek_engage::care::IdentityFile;
/// let f = IdentityFile::parse(r#"
///     [[requests]]
///     id = "a"
///     channel = "phone"
///     keys = ["phone:89123456789"]
///     at = "2026-03-02T09:00:00"
///     [[requests]]
///     id = "b"
///     channel = "messenger"
///     keys = ["whatsapp:+7 912 345 67 89"]
///     at = "2026-03-02T10:00:00"
///     [[links]]
///     a = "phone:+79123456789"
///     b = "whatsapp:+79123456789"
///     evidence = "messenger_contact"
///     at = "2026-03-02T10:00:00"
/// "#)?;
/// let (graph, inbox) = f.build()?;
/// assert_eq!(inbox.suggest(&graph).len(), 1);
/// # Ok::<(), chek_engage::care::CareError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityFile {
    /// Identifiers several people use (a family phone).
    #[serde(default)]
    pub shared: Vec<Key>,
    /// Links with their evidence.
    #[serde(default)]
    pub links: Vec<LinkDef>,
    /// Requests.
    #[serde(default)]
    pub requests: Vec<Request>,
}

impl IdentityFile {
    /// Reads an identity file: JSON when it starts with `{`, TOML otherwise; a
    /// leading UTF-8 byte-order mark is skipped.
    pub fn parse(text: &str) -> Result<IdentityFile, CareError> {
        let text = super::strip_bom(text);
        if text.len() > MAX_IDENTITY_BYTES {
            return Err(CareError::TooLarge {
                what: "identity file",
                len: text.len(),
                max: MAX_IDENTITY_BYTES,
            });
        }
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| CareError::Malformed(e.to_string()))
        } else {
            toml::from_str(text).map_err(|e| CareError::Malformed(e.to_string()))
        }
    }

    /// The graph (shared identifiers marked first) and the inbox, one case per request.
    pub fn build(&self) -> Result<(IdentityGraph, Inbox), CareError> {
        let mut g = IdentityGraph::new();
        for k in &self.shared {
            g.mark_shared(k.clone());
        }
        for l in &self.links {
            g.link(l.a.clone(), l.b.clone(), l.evidence, l.at)?;
        }
        let mut inbox = Inbox::new();
        for r in &self.requests {
            inbox.add(r.clone())?;
        }
        Ok((g, inbox))
    }
}

/// What an identity file gives: the links with their strength, the merges suggested, the strong
/// ones applied, the cases after them, and the weak suggestions left for an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityReport {
    /// Every link with the strength recorded.
    pub links: Vec<super::Link>,
    /// Suggestions before any merge.
    pub suggestions: Vec<super::MergeSuggestion>,
    /// The merges applied automatically (strong evidence only).
    pub auto_merged: Vec<super::MergeRecord>,
    /// Case → requests after them.
    pub cases: std::collections::BTreeMap<String, Vec<String>>,
    /// Suggestions still open: weak ones, for an operator to confirm or drop.
    pub pending: Vec<super::MergeSuggestion>,
}

impl IdentityFile {
    /// Builds the graph and inbox, suggests merges, applies the strong ones (stamped with the
    /// latest request time) and reports what is left.
    ///
    /// ```
    /// use chek_engage::care::IdentityFile;
    /// let r = IdentityFile::parse(r#"
    ///     [[requests]]
    ///     id = "a"
    ///     channel = "chat"
    ///     keys = ["name:Анна"]
    ///     at = "2026-03-02T09:00:00"
    ///     [[requests]]
    ///     id = "b"
    ///     channel = "email"
    ///     keys = ["name:анна"]
    ///     at = "2026-03-02T10:00:00"
    /// "#)?.report()?;
    /// assert!(r.auto_merged.is_empty());
    /// assert_eq!(r.pending.len(), 1);
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
    pub fn report(&self) -> Result<IdentityReport, CareError> {
        let (graph, mut inbox) = self.build()?;
        let suggestions = inbox.suggest(&graph);
        let at = self.requests.iter().map(|r| r.at).max().unwrap_or_default();
        inbox.auto_merge(&graph, at)?;
        Ok(IdentityReport {
            links: graph.links().to_vec(),
            suggestions,
            auto_merged: inbox.merges().to_vec(),
            cases: inbox.cases(),
            pending: inbox.suggest(&graph),
        })
    }
}
