//! The hash chain on SQLite: appends inside the settle's or draw's `BEGIN IMMEDIATE`
//! transaction (which already serialises every writer of the file), the walk inside one read
//! transaction (one WAL snapshot), and the fill of schema step 5.
//!
//! Values are read back as whatever SQLite holds (its columns take any type): a value edited by
//! hand into another type is a changed value, found by the walk as a hash mismatch rather than
//! an error that stops it.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{parse_day, parse_ts};
use crate::StoreError;
use crate::chain::{self, ChainFill, ChainRead, DrawText, Link, Stored};

pub(super) struct ChainConn<'a>(pub(super) &'a Connection);

/// Any stored value as text: what was stored if it was text, its decimal form if a number.
fn text(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(t) => Some(t),
        Value::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
    }
}

/// A stored time in the chain's form (a value that is not a time is kept as it is).
fn time(v: Value) -> Option<String> {
    text(v).map(|t| parse_ts(&t).map_or(t, chain::fmt_ts))
}

fn day(v: Value) -> Option<String> {
    text(v).map(|t| parse_day(&t).map_or(t, chain::fmt_day))
}

fn int(v: Value) -> Option<i64> {
    match v {
        Value::Integer(i) => Some(i),
        _ => None,
    }
}

/// `id, seq, prev_hash, hash, participant, receipt_key, submission_id, lots, points, at`.
const ACCRUAL_COLS: &str =
    "id, seq, prev_hash, hash, participant, receipt_key, submission_id, lots, points, at";

fn accrual_link(r: &Row<'_>) -> rusqlite::Result<Link> {
    let id: i64 = r.get(0)?;
    let v = |i| r.get::<_, Value>(i);
    Ok(Link {
        table: "accruals",
        key: format!("id {id}"),
        id,
        kind: chain::ACCRUAL,
        seq: int(v(1)?),
        prev_hash: text(v(2)?),
        hash: text(v(3)?),
        // The order of chain::accrual_fields.
        fields: vec![
            text(v(4)?),
            text(v(5)?),
            text(v(6)?),
            text(v(7)?),
            text(v(8)?),
            time(v(9)?),
        ],
    })
}

const DRAW_COLS: &str = "period, prize_set, seed_commitment, from_day, to_day, beacon_source,
    beacon_round, recorded_at, result, drawn_at, seq, prev_hash, hash, reveal_seq,
    reveal_prev_hash, reveal_hash";

fn draw_text(r: &Row<'_>) -> rusqlite::Result<(DrawText, Stored, Stored)> {
    let v = |i| r.get::<_, Value>(i);
    let period = text(v(0)?).unwrap_or_default();
    let result = text(v(8)?);
    let drawn = time(v(9)?);
    let revealed = result.is_some();
    let d = DrawText {
        // The orders of chain::draw_fields and chain::reveal_fields.
        commit: vec![
            Some(period.clone()),
            text(v(1)?),
            text(v(2)?),
            day(v(3)?),
            day(v(4)?),
            text(v(5)?),
            text(v(6)?),
            time(v(7)?),
        ],
        reveal: revealed.then(|| vec![Some(period.clone()), result, drawn]),
        period,
    };
    let commit = (int(v(10)?), text(v(11)?), text(v(12)?));
    let reveal = (int(v(13)?), text(v(14)?), text(v(15)?));
    Ok((d, commit, reveal))
}

impl ChainRead for ChainConn<'_> {
    fn campaigns(&mut self) -> Result<Vec<String>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT campaign FROM accruals UNION SELECT campaign FROM draws
             UNION SELECT campaign FROM chain_heads",
        )?;
        let mut out: Vec<String> = st
            .query_map([], |r| r.get::<_, Value>(0))?
            .map(|v| v.map(|v| text(v).unwrap_or_default()))
            .collect::<Result<_, _>>()?;
        out.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        out.dedup();
        Ok(out)
    }

    fn head(&mut self, campaign: &str) -> Result<Option<(i64, String)>, StoreError> {
        let row: Option<(Value, Value)> = self
            .0
            .prepare_cached("SELECT seq, hash FROM chain_heads WHERE campaign = ?1")?
            .query_row(params![campaign], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.map(|(s, h)| (int(s).unwrap_or(-1), text(h).unwrap_or_default())))
    }

    fn accrual_links(
        &mut self,
        campaign: &str,
        after: (i64, i64),
        limit: usize,
    ) -> Result<Vec<Link>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {ACCRUAL_COLS} FROM accruals
             WHERE campaign = ?1 AND seq IS NOT NULL AND (seq > ?2 OR (seq = ?2 AND id > ?3))
             ORDER BY seq, id LIMIT ?4"
        ))?;
        let rows = st.query_map(
            params![
                campaign,
                after.0,
                after.1,
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            accrual_link,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn draw_links(&mut self, campaign: &str) -> Result<Vec<Link>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {DRAW_COLS} FROM draws WHERE campaign = ?1"
        ))?;
        let rows = st.query_map(params![campaign], draw_text)?;
        let mut out = Vec::new();
        for row in rows {
            let (d, commit, reveal) = row?;
            out.extend(d.links(commit, reveal).into_iter().flatten());
        }
        Ok(out)
    }

    fn unchained(&mut self, campaign: &str) -> Result<Option<Link>, StoreError> {
        let a = self
            .0
            .prepare_cached(&format!(
                "SELECT {ACCRUAL_COLS} FROM accruals WHERE campaign = ?1 AND seq IS NULL
                 ORDER BY id LIMIT 1"
            ))?
            .query_row(params![campaign], accrual_link)
            .optional()?;
        if a.is_some() {
            return Ok(a);
        }
        let d = self
            .0
            .prepare_cached(&format!(
                "SELECT {DRAW_COLS} FROM draws WHERE campaign = ?1
                   AND (seq IS NULL OR (result IS NOT NULL AND reveal_seq IS NULL))
                 ORDER BY recorded_at, period LIMIT 1"
            ))?
            .query_row(params![campaign], draw_text)
            .optional()?;
        Ok(d.map(|(d, commit, reveal)| {
            let missing_commit = commit.0.is_none();
            let key = if missing_commit {
                format!("period {} (commitment)", d.period)
            } else {
                format!("period {} (reveal)", d.period)
            };
            let [c, r] = d.links(commit, reveal);
            let mut l = c.or(r).unwrap_or(Link {
                table: "draws",
                key: String::new(),
                id: 0,
                kind: chain::DRAW,
                seq: None,
                prev_hash: None,
                hash: None,
                fields: Vec::new(),
            });
            l.key = key;
            if !missing_commit {
                l.seq = None;
            }
            l
        }))
    }
}

impl ChainFill for ChainConn<'_> {
    fn accruals_by_id(
        &mut self,
        campaign: &str,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<Link>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {ACCRUAL_COLS} FROM accruals WHERE campaign = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        ))?;
        let rows = st.query_map(
            params![campaign, after_id, i64::try_from(limit).unwrap_or(i64::MAX)],
            accrual_link,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn draw_texts(&mut self, campaign: &str) -> Result<Vec<DrawText>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {DRAW_COLS} FROM draws WHERE campaign = ?1 ORDER BY recorded_at, period"
        ))?;
        let rows = st.query_map(params![campaign], draw_text)?;
        rows.map(|r| r.map(|(d, _, _)| d).map_err(StoreError::from))
            .collect()
    }

    fn set_accrual_links(
        &mut self,
        links: &[(i64, i64, String, String)],
    ) -> Result<(), StoreError> {
        let mut st = self.0.prepare_cached(
            "UPDATE accruals SET seq = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
        )?;
        for (id, seq, prev, hash) in links {
            st.execute(params![id, seq, prev, hash])?;
        }
        Ok(())
    }

    fn set_draw_links(
        &mut self,
        campaign: &str,
        period: &str,
        commit: &(i64, String, String),
        reveal: Option<&(i64, String, String)>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE draws SET seq = ?3, prev_hash = ?4, hash = ?5, reveal_seq = ?6,
               reveal_prev_hash = ?7, reveal_hash = ?8
             WHERE campaign = ?1 AND period = ?2",
            params![
                campaign,
                period,
                commit.0,
                commit.1,
                commit.2,
                reveal.map(|r| r.0),
                reveal.map(|r| &r.1),
                reveal.map(|r| &r.2),
            ],
        )?;
        Ok(())
    }

    fn set_head(&mut self, campaign: &str, seq: i64, hash: &str) -> Result<(), StoreError> {
        set_head(self.0, campaign, seq, hash)
    }
}

pub(super) fn set_head(
    conn: &Connection,
    campaign: &str,
    seq: i64,
    hash: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO chain_heads (campaign, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (campaign) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )?
    .execute(params![campaign, seq, hash])?;
    Ok(())
}

/// The head to append after, inside the caller's write transaction: position 0 and the
/// genesis hash for a campaign without links.
pub(super) fn head_for_append(
    conn: &Connection,
    campaign: &str,
) -> Result<(i64, String), StoreError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM chain_heads WHERE campaign = ?1")?
        .query_row(params![campaign], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.unwrap_or_else(|| (0, chain::GENESIS.to_owned())))
}
