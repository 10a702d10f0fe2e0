//! The hash chain over the ledger's append-only records (docs/ledger-chain.md): every accrual
//! and every draw commitment and reveal is a link that carries its position in its campaign's
//! chain (`seq`), the hash of the link before it (`prev_hash`) and its own hash, a SHA-256 over
//! a canonical encoding of its fields. The encoding lives here (and, for PostgreSQL's appends,
//! in `chek_chain_hash` of migration 5, which must stay byte-for-byte the same); so does the
//! walk that finds the first break.
//!
//! One chain per campaign: a campaign is what a draw is drawn from and what an operator
//! publishes a head for, and campaigns sharing one database do not queue behind each other.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::read::DrawRow;

/// `prev_hash` of a chain's first link: 64 zeros.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first line of every hashed message: names the encoding, so a v2 can never collide.
const DOMAIN: &[u8] = b"chek-chain-v1\n";

/// Rows read per query when walking or backfilling a chain.
pub(crate) const CHUNK: usize = 4096;

/// SHA-256 (lowercase hex) of `chek-chain-v1\n` followed by each field as `LEN:VALUE\n` (LEN the
/// value's UTF-8 byte length in decimal) or `-\n` for a missing value. The length prefix makes
/// the encoding unambiguous whatever the values contain.
pub(crate) fn link_hash(fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    for f in fields {
        match f {
            None => h.update(b"-\n"),
            Some(v) => {
                h.update(v.len().to_string().as_bytes());
                h.update(b":");
                h.update(v.as_bytes());
                h.update(b"\n");
            }
        }
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// A time as the chain encodes it: `YYYY-MM-DD HH:MM:SS.ffffff` (UTC, microseconds, cut not
/// rounded: what both backends store).
pub(crate) fn fmt_ts(t: NaiveDateTime) -> String {
    let micros = t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t);
    micros.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// A day as the chain encodes it: `YYYY-MM-DD`.
pub(crate) fn fmt_day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The kinds of link, as the encoding names them.
pub(crate) const ACCRUAL: &str = "accrual";
pub(crate) const DRAW: &str = "draw";
pub(crate) const REVEAL: &str = "reveal";

/// One link as read back: where it is, what it claims, and its content fields (canonical text,
/// in the order of its kind's encoding).
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) table: &'static str,
    /// How an operator finds the row: `id 42` for an accrual, `period nov (commitment)` for a draw.
    pub(crate) key: String,
    /// The accrual id (for paging through accruals in `(seq, id)` order); 0 for draws.
    pub(crate) id: i64,
    pub(crate) kind: &'static str,
    pub(crate) seq: Option<i64>,
    pub(crate) prev_hash: Option<String>,
    pub(crate) hash: Option<String>,
    pub(crate) fields: Vec<Option<String>>,
}

impl Link {
    /// The hash this link's content gives at its claimed position after its claimed predecessor.
    pub(crate) fn recompute(&self, campaign: &str) -> String {
        let seq = self.seq.map(|s| s.to_string());
        let mut all: Vec<Option<&str>> = Vec::with_capacity(4 + self.fields.len());
        all.push(Some(self.kind));
        all.push(Some(campaign));
        all.push(seq.as_deref());
        all.push(self.prev_hash.as_deref());
        all.extend(self.fields.iter().map(Option::as_deref));
        link_hash(&all)
    }
}

/// The content fields of an accrual: participant, receipt key, submission id, lots, points, at.
pub(crate) fn accrual_fields(
    participant: &str,
    receipt_key: &str,
    submission_id: i64,
    lots: i64,
    points: i64,
    at: NaiveDateTime,
) -> Vec<Option<String>> {
    vec![
        Some(participant.to_owned()),
        Some(receipt_key.to_owned()),
        Some(submission_id.to_string()),
        Some(lots.to_string()),
        Some(points.to_string()),
        Some(fmt_ts(at)),
    ]
}

/// The content fields of a draw's commitment: period, prize set, seed commitment, first and
/// last day, beacon source and round, recorded at.
pub(crate) fn draw_fields(d: &DrawRow) -> Vec<Option<String>> {
    vec![
        Some(d.period.clone()),
        Some(d.prize_set.clone()),
        Some(d.seed_commitment.clone()),
        d.from.map(fmt_day),
        d.to.map(fmt_day),
        d.beacon_source.clone(),
        d.beacon_round.clone(),
        Some(fmt_ts(d.recorded_at)),
    ]
}

/// The content fields of a draw's reveal: period, result (the stored JSON text), drawn at.
pub(crate) fn reveal_fields(
    period: &str,
    result: Option<&str>,
    drawn_at: Option<NaiveDateTime>,
) -> Vec<Option<String>> {
    vec![
        Some(period.to_owned()),
        result.map(str::to_owned),
        drawn_at.map(fmt_ts),
    ]
}

/// A draw row's content as read back for the chain, in the encoding's field order: its
/// commitment's fields and, when it holds a result, its reveal's.
pub(crate) struct DrawText {
    pub(crate) period: String,
    pub(crate) commit: Vec<Option<String>>,
    pub(crate) reveal: Option<Vec<Option<String>>>,
}

/// A link's stored columns: position, predecessor, hash.
pub(crate) type Stored = (Option<i64>, Option<String>, Option<String>);

impl DrawText {
    /// The commitment's and the reveal's links as stored (`None` where no position is stored).
    pub(crate) fn links(self, commit: Stored, reveal: Stored) -> [Option<Link>; 2] {
        let link = |kind, what: &str, fields: Vec<Option<String>>, st: Stored| {
            st.0.is_some().then(|| Link {
                table: "draws",
                key: format!("period {} ({what})", self.period),
                id: 0,
                kind,
                seq: st.0,
                prev_hash: st.1,
                hash: st.2,
                fields,
            })
        };
        // A reveal link without a result still hashes its (now missing) result.
        let reveal_fields = self
            .reveal
            .clone()
            .unwrap_or_else(|| vec![Some(self.period.clone()), None, None]);
        [
            link(DRAW, "commitment", self.commit.clone(), commit),
            link(REVEAL, "reveal", reveal_fields, reveal),
        ]
    }
}

/// A new link appended after `head` (position, hash): its position, predecessor and hash.
pub(crate) fn append(
    kind: &'static str,
    campaign: &str,
    head: (i64, &str),
    fields: &[Option<String>],
) -> (i64, String, String) {
    let seq = head.0 + 1;
    let link = Link {
        table: "",
        key: String::new(),
        id: 0,
        kind,
        seq: Some(seq),
        prev_hash: Some(head.1.to_owned()),
        hash: None,
        fields: fields.to_vec(),
    };
    let hash = link.recompute(campaign);
    (seq, head.1.to_owned(), hash)
}

/// One campaign's chain, walked and found intact.
///
/// ```
/// # use chek_store::{Ledger, ChainHead};
/// let l = Ledger::open(":memory:")?;
/// let report = l.verify_chain(None)?;
/// assert!(report.is_intact() && report.chains.is_empty());
/// # Ok::<(), chek_store::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// Campaign id.
    pub campaign: String,
    /// Links in the chain (accruals, draw commitments and reveals).
    pub links: u64,
    /// The hash of the last link (64 hex digits; 64 zeros for an empty chain): publish it
    /// (with a draw commitment, say) and any later rewrite of what it covers shows.
    pub head: String,
}

/// What is wrong at the first break of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChainProblem {
    /// The row's fields do not give its stored hash: the row was edited.
    HashMismatch,
    /// The row's `prev_hash` is not the hash of the link before it: a link before it was
    /// edited and rehashed, replaced or reordered.
    PrevMismatch,
    /// A position is missing before this row: a link was deleted.
    MissingLink,
    /// Two rows claim the same position: a row was inserted (or copied) into the chain.
    DuplicateLink,
    /// The row lies past the recorded head: it was appended outside chek.
    BeyondHead,
    /// The recorded head does not match the last link: links at the end were deleted or the
    /// head was changed.
    HeadMismatch,
    /// A record that must be a link carries none: it was inserted outside chek.
    Unchained,
}

impl ChainProblem {
    /// The stable snake_case name (`hash_mismatch`, `missing_link`, …).
    ///
    /// ```
    /// assert_eq!(chek_store::ChainProblem::MissingLink.as_str(), "missing_link");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ChainProblem::HashMismatch => "hash_mismatch",
            ChainProblem::PrevMismatch => "prev_mismatch",
            ChainProblem::MissingLink => "missing_link",
            ChainProblem::DuplicateLink => "duplicate_link",
            ChainProblem::BeyondHead => "beyond_head",
            ChainProblem::HeadMismatch => "head_mismatch",
            ChainProblem::Unchained => "unchained",
        }
    }
}

/// The first break found in a chain: where, what, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// Campaign whose chain breaks.
    pub campaign: String,
    /// `accruals`, `draws` or `chain_heads`.
    pub table: String,
    /// The row: `id 42` (accruals), `period nov (commitment)` or `(reveal)` (draws), or the
    /// campaign (chain_heads).
    pub key: String,
    /// The position the row claims, if any.
    pub seq: Option<i64>,
    /// What is wrong.
    pub problem: ChainProblem,
    /// What the chain expected there (a hash, a position).
    pub expected: String,
    /// What the row holds.
    pub found: String,
}

impl ChainBreak {
    /// As an error (`store.chain_broken`), for callers that treat a break as a failure.
    ///
    /// ```
    /// use chek_core::Coded;
    /// use chek_store::{ChainBreak, ChainProblem};
    /// let b = ChainBreak { campaign: "c".into(), table: "accruals".into(), key: "id 7".into(),
    ///     seq: Some(7), problem: ChainProblem::HashMismatch, expected: "ab".into(), found: "cd".into() };
    /// assert_eq!(b.to_error().code(), "store.chain_broken");
    /// ```
    pub fn to_error(&self) -> StoreError {
        StoreError::ChainBroken(self.to_string())
    }
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "campaign {:?}: {} {}",
            self.campaign, self.table, self.key
        )?;
        if let Some(s) = self.seq {
            write!(f, " (position {s})")?;
        }
        write!(
            f,
            ": {}: expected {}, found {}",
            self.problem.as_str(),
            self.expected,
            self.found
        )
    }
}

/// What [`Ledger::verify_chain`](crate::Ledger::verify_chain) found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// The chains walked to their end intact, by campaign id.
    pub chains: Vec<ChainHead>,
    /// Links checked, in every chain walked (up to the break).
    pub rows: u64,
    /// The first break, if any: the walk stops there.
    pub broken: Option<ChainBreak>,
}

impl ChainReport {
    /// Whether every chain walked is intact.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The reads a chain walk needs, inside one snapshot of the database.
pub(crate) trait ChainRead {
    /// Every campaign with links, records or a head, sorted.
    fn campaigns(&mut self) -> Result<Vec<String>, StoreError>;
    /// The recorded head: position and hash.
    fn head(&mut self, campaign: &str) -> Result<Option<(i64, String)>, StoreError>;
    /// Accrual links with a position, in `(seq, id)` order, after `after`, at most `limit`.
    fn accrual_links(
        &mut self,
        campaign: &str,
        after: (i64, i64),
        limit: usize,
    ) -> Result<Vec<Link>, StoreError>;
    /// The draws' commitment and reveal links that have a position.
    fn draw_links(&mut self, campaign: &str) -> Result<Vec<Link>, StoreError>;
    /// The first record that should be a link and carries no position, if any.
    fn unchained(&mut self, campaign: &str) -> Result<Option<Link>, StoreError>;
}

fn broken(
    campaign: &str,
    l: &Link,
    problem: ChainProblem,
    expected: String,
    found: String,
) -> ChainBreak {
    ChainBreak {
        campaign: campaign.to_owned(),
        table: l.table.to_owned(),
        key: l.key.clone(),
        seq: l.seq,
        problem,
        expected,
        found,
    }
}

fn show(v: Option<&str>) -> String {
    v.map_or_else(|| "nothing".to_owned(), str::to_owned)
}

/// Walks one campaign's chain: `Ok(Ok(head))` when intact, `Ok(Err(break))` at the first break.
/// `rows` counts the links checked.
pub(crate) fn walk(
    r: &mut dyn ChainRead,
    campaign: &str,
    rows: &mut u64,
) -> Result<Result<ChainHead, ChainBreak>, StoreError> {
    let head = r.head(campaign)?;
    let head_seq = head.as_ref().map_or(0, |h| h.0);
    let mut draws = r.draw_links(campaign)?;
    draws.sort_by_key(|l| l.seq);
    let mut draws = draws.into_iter().peekable();
    let mut page: std::vec::IntoIter<Link> = Vec::new().into_iter();
    let mut after = (i64::MIN, i64::MIN);
    let mut more = true;
    let mut next_accrual: Option<Link> = None;
    let (mut expected, mut prev) = (1i64, GENESIS.to_owned());
    loop {
        if next_accrual.is_none() {
            next_accrual = page.next();
            if next_accrual.is_none() && more {
                let chunk = r.accrual_links(campaign, after, CHUNK)?;
                more = chunk.len() == CHUNK;
                page = chunk.into_iter();
                next_accrual = page.next();
            }
            if let Some(a) = &next_accrual {
                after = (a.seq.unwrap_or(i64::MIN), a.id);
            }
        }
        // The lower position first; an accrual before a draw at the same position.
        let take_draw = match (&next_accrual, draws.peek()) {
            (None, None) => break,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(d)) => d.seq < a.seq,
        };
        let link = if take_draw {
            draws.next()
        } else {
            next_accrual.take()
        };
        let Some(link) = link else { break };
        *rows += 1;
        let Some(seq) = link.seq else {
            return Ok(Err(broken(
                campaign,
                &link,
                ChainProblem::Unchained,
                format!("position {expected}"),
                "no readable position".to_owned(),
            )));
        };
        if seq > head_seq {
            let (hs, hh) = head
                .as_ref()
                .map_or((0, GENESIS), |(s, h)| (*s, h.as_str()));
            return Ok(Err(broken(
                campaign,
                &link,
                ChainProblem::BeyondHead,
                format!("the chain to end at position {hs} (head {hh})"),
                format!("position {seq}"),
            )));
        }
        if seq < expected {
            return Ok(Err(broken(
                campaign,
                &link,
                ChainProblem::DuplicateLink,
                format!("position {expected}"),
                format!("position {seq}, already taken"),
            )));
        }
        if seq > expected {
            return Ok(Err(broken(
                campaign,
                &link,
                ChainProblem::MissingLink,
                format!("position {expected}"),
                format!("position {seq}"),
            )));
        }
        if link.prev_hash.as_deref() != Some(prev.as_str()) {
            return Ok(Err(broken(
                campaign,
                &link,
                ChainProblem::PrevMismatch,
                format!("prev_hash {prev}"),
                format!("prev_hash {}", show(link.prev_hash.as_deref())),
            )));
        }
        let want = link.recompute(campaign);
        if link.hash.as_deref() != Some(want.as_str()) {
            return Ok(Err(broken(
                campaign,
                &link,
                ChainProblem::HashMismatch,
                format!("hash {want} (of the row's fields)"),
                format!("hash {}", show(link.hash.as_deref())),
            )));
        }
        prev = want;
        expected += 1;
    }
    let last = expected - 1;
    let head_matches = match &head {
        None => last == 0,
        Some((s, h)) => *s == last && *h == prev,
    };
    if !head_matches {
        let found = head.as_ref().map_or_else(
            || "no head".to_owned(),
            |(s, h)| format!("position {s} hash {h}"),
        );
        return Ok(Err(ChainBreak {
            campaign: campaign.to_owned(),
            table: "chain_heads".to_owned(),
            key: campaign.to_owned(),
            seq: head.as_ref().map(|h| h.0),
            problem: ChainProblem::HeadMismatch,
            expected: format!("position {last} hash {prev} (the last link)"),
            found,
        }));
    }
    if let Some(l) = r.unchained(campaign)? {
        return Ok(Err(broken(
            campaign,
            &l,
            ChainProblem::Unchained,
            "a chain link (position, prev_hash, hash)".to_owned(),
            "none".to_owned(),
        )));
    }
    Ok(Ok(ChainHead {
        campaign: campaign.to_owned(),
        links: crate::settle::to_u64(last),
        head: prev,
    }))
}

/// Walks the chains of `campaign` (or of every campaign), stopping at the first break.
pub(crate) fn verify(
    r: &mut dyn ChainRead,
    campaign: Option<&str>,
) -> Result<ChainReport, StoreError> {
    let campaigns = match campaign {
        Some(c) => vec![c.to_owned()],
        None => r.campaigns()?,
    };
    let mut report = ChainReport::default();
    for c in campaigns {
        match walk(r, &c, &mut report.rows)? {
            Ok(head) => report.chains.push(head),
            Err(b) => {
                report.broken = Some(b);
                break;
            }
        }
    }
    Ok(report)
}

/// The writes that fill the chain of rows written before it existed (schema step 5).
pub(crate) trait ChainFill: ChainRead {
    /// Accruals in id order after `after_id`, at most `limit`, with their content fields.
    fn accruals_by_id(
        &mut self,
        campaign: &str,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<Link>, StoreError>;
    /// Every draw of the campaign, by `(recorded_at, period)`.
    fn draw_texts(&mut self, campaign: &str) -> Result<Vec<DrawText>, StoreError>;
    /// Stores accrual links: `(id, seq, prev_hash, hash)`.
    fn set_accrual_links(&mut self, links: &[(i64, i64, String, String)])
    -> Result<(), StoreError>;
    /// Stores a draw's links: its commitment's and, when revealed, its reveal's.
    fn set_draw_links(
        &mut self,
        campaign: &str,
        period: &str,
        commit: &(i64, String, String),
        reveal: Option<&(i64, String, String)>,
    ) -> Result<(), StoreError>;
    /// Records the head.
    fn set_head(&mut self, campaign: &str, seq: i64, hash: &str) -> Result<(), StoreError>;
}

/// Chains the rows already in the ledger, per campaign: accruals in id order, then the draws'
/// commitments and reveals by `(recorded_at, period)`, each reveal right after its commitment.
pub(crate) fn backfill(f: &mut dyn ChainFill) -> Result<(), StoreError> {
    for campaign in f.campaigns()? {
        let (mut seq, mut prev) = (0i64, GENESIS.to_owned());
        let mut after = i64::MIN;
        loop {
            let rows = f.accruals_by_id(&campaign, after, CHUNK)?;
            let mut links = Vec::with_capacity(rows.len());
            for r in &rows {
                let (s, p, h) = append(ACCRUAL, &campaign, (seq, &prev), &r.fields);
                links.push((r.id, s, p, h.clone()));
                (seq, prev) = (s, h);
                after = r.id;
            }
            f.set_accrual_links(&links)?;
            if rows.len() < CHUNK {
                break;
            }
        }
        for d in f.draw_texts(&campaign)? {
            let commit = append(DRAW, &campaign, (seq, &prev), &d.commit);
            (seq, prev) = (commit.0, commit.2.clone());
            let reveal = match &d.reveal {
                Some(fields) => {
                    let r = append(REVEAL, &campaign, (seq, &prev), fields);
                    (seq, prev) = (r.0, r.2.clone());
                    Some(r)
                }
                None => None,
            };
            f.set_draw_links(&campaign, &d.period, &commit, reveal.as_ref())?;
        }
        f.set_head(&campaign, seq, &prev)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector of docs/ledger-chain.md, also computed there with Python's hashlib: the
    /// encoding is what the document says.
    #[test]
    fn encoding_matches_the_documented_vector() {
        let at = NaiveDate::from_ymd_opt(2026, 11, 15)
            .and_then(|d| d.and_hms_micro_opt(12, 0, 0, 42))
            .unwrap_or_default();
        let fields = accrual_fields("tg:1", "7281440500751551:1:1", 1, 3, 0, at);
        let (seq, prev, hash) = append(ACCRUAL, "demo", (0, GENESIS), &fields);
        assert_eq!((seq, prev.as_str()), (1, GENESIS));
        assert_eq!(
            hash,
            "6684cbc40ef6376f34e586bcd3ff8a6d89da73092a6b000e3f44c70f88f5bde0"
        );
        // NULL and the empty string differ; so do fields that only shift bytes between them.
        assert_ne!(link_hash(&[None]), link_hash(&[Some("")]));
        assert_ne!(
            link_hash(&[Some("ab"), Some("c")]),
            link_hash(&[Some("a"), Some("bc")])
        );
    }

    #[test]
    fn times_are_cut_to_microseconds() {
        let t = NaiveDate::from_ymd_opt(2026, 1, 2)
            .and_then(|d| d.and_hms_nano_opt(3, 4, 5, 123_456_789))
            .unwrap_or_default();
        assert_eq!(fmt_ts(t), "2026-01-02 03:04:05.123456");
        let y1 = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default();
        assert_eq!(fmt_day(y1), "0001-01-01");
    }
}
