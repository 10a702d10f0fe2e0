//! The hash chain on PostgreSQL. Accruals are appended by the server (`chek_chain_accruals`,
//! migration 7's version: a few statements per campaign, not per accrual) in the statement
//! just before COMMIT, so a campaign's head row is locked only
//! for that statement and the commit; draws (rare) are chained here. The walk reads one
//! REPEATABLE READ snapshot; the fill of schema step 5 runs inside the migration's transaction.

use chrono::{NaiveDate, NaiveDateTime};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::PgTx;
use crate::StoreError;
use crate::chain::{self, ChainFill, ChainRead, DrawText, Link, Stored};
use crate::pg_client::PgClient;
use crate::read::DrawRow;

/// Appends a single settle's accrual: the submission is the one its WRITE, sent just before in
/// the same pipeline, inserted (the session's last `submissions` id).
pub(super) const CHAIN_ONE: &str = "SELECT chek_chain_accruals(ARRAY[$1::TEXT], ARRAY[$2::TEXT],
  ARRAY[$3::TEXT], ARRAY[currval(pg_get_serial_sequence('submissions', 'id'))],
  ARRAY[$4::BIGINT], ARRAY[$5::BIGINT], ARRAY[$6::TIMESTAMP], ARRAY[$7::SMALLINT],
  ARRAY[$8::BIGINT], ARRAY[$9::BIGINT])";

/// Appends a batch's accruals, sorted by campaign.
pub(super) const CHAIN_MANY: &str = "SELECT chek_chain_accruals($1::TEXT[], $2::TEXT[],
  $3::TEXT[], $4::BIGINT[], $5::BIGINT[], $6::BIGINT[], $7::TIMESTAMP[], $8::SMALLINT[],
  $9::BIGINT[], $10::BIGINT[])";

/// A budget as `chek_chain_accruals` takes it: lots and points, NULL for no limit.
pub(super) fn budget_params(b: Option<crate::Budget>) -> (Option<i64>, Option<i64>) {
    let b = b.unwrap_or_default();
    (
        b.lots.map(crate::settle::to_i64),
        b.points.map(crate::settle::to_i64),
    )
}

/// An accrual written by a settle, chained at commit.
pub(super) struct Pending {
    pub(super) campaign: String,
    pub(super) participant: String,
    pub(super) receipt_key: String,
    pub(super) submission_id: i64,
    pub(super) lots: i64,
    pub(super) points: i64,
    pub(super) at: NaiveDateTime,
    /// The campaign counter's shard it is added to.
    pub(super) shard: i16,
    /// Its campaign's budget, checked at the append.
    pub(super) budget: Option<crate::Budget>,
}

/// The arrays `CHAIN_MANY` takes, sorted by campaign (a stable sort: each campaign's accruals
/// keep their order), so that every caller locks the heads in one order.
pub(super) struct Columns {
    cs: Vec<String>,
    ps: Vec<String>,
    ks: Vec<String>,
    subs: Vec<i64>,
    ls: Vec<i64>,
    pts: Vec<i64>,
    ats: Vec<NaiveDateTime>,
    shards: Vec<i16>,
    bl: Vec<Option<i64>>,
    bp: Vec<Option<i64>>,
}

impl Columns {
    pub(super) fn of(mut pending: Vec<Pending>) -> Self {
        pending.sort_by(|a, b| a.campaign.as_bytes().cmp(b.campaign.as_bytes()));
        let n = pending.len();
        let mut c = Columns {
            cs: Vec::with_capacity(n),
            ps: Vec::with_capacity(n),
            ks: Vec::with_capacity(n),
            subs: Vec::with_capacity(n),
            ls: Vec::with_capacity(n),
            pts: Vec::with_capacity(n),
            ats: Vec::with_capacity(n),
            shards: Vec::with_capacity(n),
            bl: Vec::with_capacity(n),
            bp: Vec::with_capacity(n),
        };
        for p in pending {
            c.cs.push(p.campaign);
            c.ps.push(p.participant);
            c.ks.push(p.receipt_key);
            c.subs.push(p.submission_id);
            c.ls.push(p.lots);
            c.pts.push(p.points);
            c.ats.push(p.at);
            c.shards.push(p.shard);
            let (bl, bp) = budget_params(p.budget);
            c.bl.push(bl);
            c.bp.push(bp);
        }
        c
    }

    pub(super) fn params(&self) -> [&(dyn ToSql + Sync); 10] {
        [
            &self.cs,
            &self.ps,
            &self.ks,
            &self.subs,
            &self.ls,
            &self.pts,
            &self.ats,
            &self.shards,
            &self.bl,
            &self.bp,
        ]
    }
}

/// Statements run either inside a [`PgTx`] (the walk, a draw) or on a client already inside the
/// migration's transaction (the fill).
pub(super) trait Exec {
    fn rows(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError>;
    fn exec(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError>;
}

impl Exec for PgTx<'_> {
    fn rows(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        self.query(sql, params)
    }
    fn exec(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        self.execute(sql, params)
    }
}

pub(super) struct Raw<'a>(pub(super) &'a PgClient);

impl Exec for Raw<'_> {
    fn rows(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        Ok(self.0.query(sql, params)?)
    }
    fn exec(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        Ok(self.0.execute(sql, params)?)
    }
}

pub(super) struct PgChain<'a, E: Exec>(pub(super) &'a mut E);

const ACCRUAL_COLS: &str =
    "id, seq, prev_hash, hash, participant, receipt_key, submission_id, lots, points, at";

fn accrual_link(r: &Row) -> Result<Link, StoreError> {
    let id: i64 = r.try_get(0)?;
    Ok(Link {
        table: "accruals",
        key: format!("id {id}"),
        id,
        kind: chain::ACCRUAL,
        seq: r.try_get(1)?,
        prev_hash: r.try_get(2)?,
        hash: r.try_get(3)?,
        fields: chain::accrual_fields(
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
            r.try_get(8)?,
            r.try_get(9)?,
        ),
    })
}

const DRAW_COLS: &str = "campaign, period, seed_commitment, result, recorded_at, prize_set,
    from_day, to_day, beacon_source, beacon_round, drawn_at, seq, prev_hash, hash, reveal_seq,
    reveal_prev_hash, reveal_hash";

fn draw_text(r: &Row) -> Result<(DrawText, Stored, Stored), StoreError> {
    let d = DrawRow {
        campaign: r.try_get(0)?,
        period: r.try_get(1)?,
        seed_commitment: r.try_get(2)?,
        result: r.try_get(3)?,
        recorded_at: r.try_get(4)?,
        prize_set: r.try_get(5)?,
        from: r.try_get::<_, Option<NaiveDate>>(6)?,
        to: r.try_get::<_, Option<NaiveDate>>(7)?,
        beacon_source: r.try_get(8)?,
        beacon_round: r.try_get(9)?,
        drawn_at: r.try_get(10)?,
    };
    let text = DrawText {
        commit: chain::draw_fields(&d),
        reveal: d
            .result
            .is_some()
            .then(|| chain::reveal_fields(&d.period, d.result.as_deref(), d.drawn_at)),
        period: d.period,
    };
    Ok((
        text,
        (r.try_get(11)?, r.try_get(12)?, r.try_get(13)?),
        (r.try_get(14)?, r.try_get(15)?, r.try_get(16)?),
    ))
}

impl<E: Exec> ChainRead for PgChain<'_, E> {
    fn campaigns(&mut self) -> Result<Vec<String>, StoreError> {
        let rows = self.0.rows(
            "SELECT campaign FROM accruals UNION SELECT campaign FROM draws
             UNION SELECT campaign FROM chain_heads",
            &[],
        )?;
        let mut out: Vec<String> = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        out.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        Ok(out)
    }

    fn head(&mut self, campaign: &str) -> Result<Option<(i64, String)>, StoreError> {
        let rows = self.0.rows(
            "SELECT seq, hash FROM chain_heads WHERE campaign = $1",
            &[&campaign],
        )?;
        rows.first()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .transpose()
    }

    fn accrual_links(
        &mut self,
        campaign: &str,
        after: (i64, i64),
        limit: usize,
    ) -> Result<Vec<Link>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.0.rows(
            &format!(
                "SELECT {ACCRUAL_COLS} FROM accruals WHERE campaign = $1 AND seq IS NOT NULL
                   AND (seq, id) > ($2, $3) ORDER BY seq, id LIMIT $4"
            ),
            &[&campaign, &after.0, &after.1, &limit],
        )?;
        rows.iter().map(accrual_link).collect()
    }

    fn draw_links(&mut self, campaign: &str) -> Result<Vec<Link>, StoreError> {
        let rows = self.0.rows(
            &format!("SELECT {DRAW_COLS} FROM draws WHERE campaign = $1"),
            &[&campaign],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            let (d, commit, reveal) = draw_text(r)?;
            out.extend(d.links(commit, reveal).into_iter().flatten());
        }
        Ok(out)
    }

    fn unchained(&mut self, campaign: &str) -> Result<Option<Link>, StoreError> {
        let rows = self.0.rows(
            &format!(
                "SELECT {ACCRUAL_COLS} FROM accruals WHERE campaign = $1 AND seq IS NULL
                 ORDER BY id LIMIT 1"
            ),
            &[&campaign],
        )?;
        if let Some(r) = rows.first() {
            return accrual_link(r).map(Some);
        }
        let rows = self.0.rows(
            &format!(
                "SELECT {DRAW_COLS} FROM draws WHERE campaign = $1
                   AND (seq IS NULL OR (result IS NOT NULL AND reveal_seq IS NULL))
                 ORDER BY recorded_at, period LIMIT 1"
            ),
            &[&campaign],
        )?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let (d, commit, _) = draw_text(r)?;
        let what = if commit.0.is_none() {
            "commitment"
        } else {
            "reveal"
        };
        let key = format!("period {} ({what})", d.period);
        Ok(Some(Link {
            table: "draws",
            key,
            id: 0,
            kind: chain::DRAW,
            seq: None,
            prev_hash: None,
            hash: None,
            fields: Vec::new(),
        }))
    }
}

impl<E: Exec> ChainFill for PgChain<'_, E> {
    fn accruals_by_id(
        &mut self,
        campaign: &str,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<Link>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.0.rows(
            &format!(
                "SELECT {ACCRUAL_COLS} FROM accruals WHERE campaign = $1 AND id > $2
                 ORDER BY id LIMIT $3"
            ),
            &[&campaign, &after_id, &limit],
        )?;
        rows.iter().map(accrual_link).collect()
    }

    fn draw_texts(&mut self, campaign: &str) -> Result<Vec<DrawText>, StoreError> {
        let rows = self.0.rows(
            &format!(
                "SELECT {DRAW_COLS} FROM draws WHERE campaign = $1 ORDER BY recorded_at, period"
            ),
            &[&campaign],
        )?;
        rows.iter().map(|r| draw_text(r).map(|t| t.0)).collect()
    }

    fn set_accrual_links(
        &mut self,
        links: &[(i64, i64, String, String)],
    ) -> Result<(), StoreError> {
        if links.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = links.iter().map(|l| l.0).collect();
        let seqs: Vec<i64> = links.iter().map(|l| l.1).collect();
        let prevs: Vec<&str> = links.iter().map(|l| l.2.as_str()).collect();
        let hashes: Vec<&str> = links.iter().map(|l| l.3.as_str()).collect();
        // One statement per chunk: a large ledger is filled in few round trips.
        self.0.exec(
            "UPDATE accruals AS a SET seq = v.seq, prev_hash = v.prev, hash = v.hash
             FROM unnest($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[]) AS v(id, seq, prev, hash)
             WHERE a.id = v.id",
            &[&ids, &seqs, &prevs, &hashes],
        )?;
        Ok(())
    }

    fn set_draw_links(
        &mut self,
        campaign: &str,
        period: &str,
        commit: &(i64, String, String),
        reveal: Option<&(i64, String, String)>,
    ) -> Result<(), StoreError> {
        self.0.exec(
            "UPDATE draws SET seq = $3, prev_hash = $4, hash = $5, reveal_seq = $6,
               reveal_prev_hash = $7, reveal_hash = $8
             WHERE campaign = $1 AND period = $2",
            &[
                &campaign,
                &period,
                &commit.0,
                &commit.1,
                &commit.2,
                &reveal.map(|r| r.0),
                &reveal.map(|r| r.1.as_str()),
                &reveal.map(|r| r.2.as_str()),
            ],
        )?;
        Ok(())
    }

    fn set_head(&mut self, campaign: &str, seq: i64, hash: &str) -> Result<(), StoreError> {
        self.0.exec(
            "INSERT INTO chain_heads (campaign, seq, hash) VALUES ($1, $2, $3)
             ON CONFLICT (campaign) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
            &[&campaign, &seq, &hash],
        )?;
        Ok(())
    }
}

/// Locks a campaign's head (creating it at position 0) until the caller's commit: for a draw,
/// whose link is computed here.
pub(super) fn lock_head(t: &mut PgTx<'_>, campaign: &str) -> Result<(i64, String), StoreError> {
    t.execute(
        "INSERT INTO chain_heads (campaign, seq, hash) VALUES ($1, 0, $2)
         ON CONFLICT (campaign) DO NOTHING",
        &[&campaign, &chain::GENESIS],
    )?;
    let r = t.query_one(
        "SELECT seq, hash FROM chain_heads WHERE campaign = $1 FOR UPDATE",
        &[&campaign],
    )?;
    Ok((r.try_get(0)?, r.try_get(1)?))
}
