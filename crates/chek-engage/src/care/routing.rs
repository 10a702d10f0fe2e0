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
    request_type: Option<String>,
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
            request_type: r.request_type,
            any,
            all,
            none,
            channels: r.channels,
        })
    }

    /// The keywords that make it match, or `None`.
    fn matches(&self, text: &str, channel: ContactChannel) -> Option<Vec<String>> {
        if !self.channels.is_empty() && !self.channels.iter().any(|c| c.covers(channel)) {
            return None;
        }
        if self.none.iter().any(|k| has_word(text, k)) {
            return None;
        }
        if !self.all.iter().all(|k| has_word(text, k)) {
            return None;
        }
        let mut hit: Vec<String> = self.all.clone();
        if !self.any.is_empty() {
            let any: Vec<String> = self
                .any
                .iter()
                .filter(|k| has_word(text, k))
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

/// Whether the folded `text` holds the folded `keyword` starting at a word boundary: the
/// keyword is a whole word or the stem (the start) of one, so «приз» finds «приз», «призы»,
/// «призом», but not «Капризный»; «не найден» finds «не найдено». The words of a keyword
/// before its last one must be whole words.
pub(crate) fn has_word(text: &str, keyword: &str) -> bool {
    text.match_indices(keyword)
        .any(|(i, _)| i == 0 || text.as_bytes()[i - 1] == b' ')
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
    /// The rule's request type.
    pub request_type: Option<String>,
    /// The keywords found (folded).
    pub matched: Vec<String>,
}

impl Desk {
    /// Routes a message: the first rule that matches wins, else the default group. Reads at most
    /// [`MAX_ROUTED_BYTES`] of the text.
    ///
    /// Keywords match whole words and word stems, never the inside of a word: a keyword is
    /// found where a word of the message starts with it (case-insensitive, ё=е, punctuation
    /// as spaces). This is the simple stemming Russian needs: write the stem
    /// («приз», «выигр», «не засчита») and every ending matches.
    ///
    /// ```
    /// use chek_engage::care::{ContactChannel, Desk};
    /// let desk = Desk::parse(r#"
    ///     default_group = "general"
    ///     [groups.general]
    ///     [groups.prizes]
    ///     [[rules]]
    ///     id = "prize"
    ///     group = "prizes"
    ///     any = ["приз"]
    /// "#)?;
    /// assert_eq!(desk.route("Где мой ПРИЗ?", ContactChannel::Chat).group, "prizes");
    /// assert_eq!(desk.route("Когда отправят призы", ContactChannel::Chat).group, "prizes");
    /// assert_eq!(desk.route("Капризный кассир", ContactChannel::Chat).group, "general");
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
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
                    request_type: r.request_type.clone(),
                    matched,
                };
            }
        }
        Route {
            group: self.default_group.clone(),
            rule: None,
            topic: None,
            request_type: None,
            matched: Vec::new(),
        }
    }
}
