//! The PostgreSQL backend: a small bounded pool of blocking clients (see `pg_client`), each with
//! its prepared statements. A settle is a few statements inside one READ COMMITTED transaction:
//! transaction advisory locks (idempotency key, participant, receipt) taken in ascending order,
//! a batch's all at once (`prelock`),
//! one read of everything the history needs (it runs after the locks, so it sees every settle
//! that held them before), one statement of data-modifying CTEs for every write, and, for a
//! counted receipt, the append to the campaign's hash chain, which also adds it to the campaign
//! counter and checks a budget (`chain`). They travel in two round trips: BEGIN, locks and read
//! pipelined, then the write, the append and COMMIT pipelined (a lone settle; a batch appends
//! and commits once at its end). Deadlocks and serialization failures are retried a bounded
//! number of times.
//!
//! A campaign budget is checked at the append, under the campaign's chain head: every counted
//! receipt passes there, so the counter read there is exact. A settle decides on the counter as
//! committed; if its append would exceed the budget, it runs again on fresh figures, and after
//! [`RETRIES`] tries serialized: its transaction then locks the head before reading, so nothing
//! is counted between its read and its commit. Settles without a budget but with
//! `serialize_campaign` run serialized that way from the start.

mod chain;
mod docs;
mod outbox;

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chek_core::campaign::{Decision, ParticipantHistory, PastReceipt, ReceiptBucket};
use chek_core::fiscal::ReceiptId;
use chrono::{NaiveDate, NaiveDateTime};
use futures_util::future::{join3, join4};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement, ToStatement};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::migrate::{self, POSTGRES};
use crate::pg_client::{Params, PgClient};
use crate::pg_tls::SslMode;
use crate::read::{
    self, BalanceRow, ClaimRow, DrawRow, EntryRow, FailureRow, ParticipantRow, SegmentRow,
    SubmissionStat,
};
use crate::settle::{
    self, Claim, Loaded, ReceiptRow, Replay, SettleTx, SubmissionRow, Write, run_batch,
};
use crate::{FailedSubmission, OpenOptions, Settled, Settlement, StoreError};

/// Takes advisory locks in array order (the order every settle uses: idempotency key, campaign,
/// participant, receipt).
const LOCKS: &str = "SELECT pg_advisory_xact_lock(k) FROM unnest($1::BIGINT[]) AS k";

/// Everything a settle reads, in one round trip: k = 0 replay, 1 campaign totals, 2 this
/// receipt if the participant has it counted (read among the receipt's few rows: `OFFSET 0`
/// keeps the generic plan of this prepared statement from walking every receipt the
/// participant has counted, 20 000 rows for a receipt farmer, by the `receipts_counted` index), 3 claims on this receipt, 4 the participant's
/// running totals (c receipts, d lots, f points), 5 their buckets in [$5, $6): quarter hours,
/// or with the day [$7, $8) given its sum and the rest's (t start, c receipts, d lots, f points).
const LOAD: &str = "\
SELECT 0 AS k, participant AS a, status AS b, decision AS e, id AS c, NULL::BIGINT AS d, next_at AS t,
    NULL::BIGINT AS f
  FROM submissions WHERE campaign = $1 AND idempotency_key = $3
UNION ALL
SELECT 1, NULL, NULL, NULL, CAST(COALESCE(SUM(lots), 0) AS BIGINT), CAST(COALESCE(SUM(points), 0) AS BIGINT), NULL, NULL
  FROM campaign_totals WHERE campaign = $1
UNION ALL
SELECT 2, receipt_key, NULL, NULL, lots, points, counted_at, NULL
  FROM (SELECT * FROM receipts WHERE campaign = $1 AND receipt_key = $4 OFFSET 0) AS mine
  WHERE participant = $2 AND status = 'accepted'
UNION ALL
SELECT 3, participant, status, NULL, first_submission_id, NULL, first_at, NULL
  FROM receipts WHERE campaign = $1 AND receipt_key = $4
UNION ALL
SELECT 4, NULL, NULL, NULL, receipts, lots, NULL, points
  FROM participant_totals WHERE campaign = $1 AND participant = $2
UNION ALL
SELECT 5, NULL, NULL, NULL, CAST(SUM(receipts) AS BIGINT), CAST(SUM(lots) AS BIGINT),
    CASE WHEN $7::TIMESTAMP IS NULL THEN start WHEN start >= $7 AND start < $8 THEN $7 ELSE $5 END,
    CAST(SUM(points) AS BIGINT)
  FROM participant_buckets WHERE campaign = $1 AND participant = $2 AND start >= $5
    AND ($6::TIMESTAMP IS NULL OR start < $6)
  GROUP BY 7";

/// Everything a settle writes but its accrual and the campaign counter, in one round trip.
/// $16 = write the receipt row, $17 = the row existed, $20 = counted (the participant's
/// counters; the accrual is appended to the campaign's chain, and counted, just before COMMIT:
/// see `chain`).
const WRITE: &str = "\
WITH p AS (
  INSERT INTO participants (campaign, participant, lang, created_at)
  VALUES ($1, $2, COALESCE($22::TEXT, 'ru'), $5)
  ON CONFLICT (campaign, participant) DO UPDATE SET lang = EXCLUDED.lang
  WHERE $22::TEXT IS NOT NULL AND participants.lang <> EXCLUDED.lang),
s AS (
  INSERT INTO submissions (campaign, participant, idempotency_key, channel, received_at, day, qr,
    receipt_key, status, next_at, lots, points, reasons, decision, recheck)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id),
sup AS (
  UPDATE submissions SET superseded = TRUE
  WHERE $16::BOOLEAN AND $17::BOOLEAN AND campaign = $1 AND receipt_key = $8 AND participant = $2
    AND NOT superseded),
r AS (
  INSERT INTO receipts (campaign, receipt_key, participant, channel, qr, receipt, status, next_at,
    attempts, lots, points, first_submission_id, last_submission_id, first_at, counted_at, updated_at)
  SELECT $1, $8, $2, $4, $7, $18::TEXT, $9, $10, $19::TEXT, $11, $12, s.id, s.id, $5,
    CASE WHEN $20::BOOLEAN THEN $5::TIMESTAMP END, $5
  FROM s WHERE $16::BOOLEAN
  ON CONFLICT (campaign, receipt_key, participant) DO UPDATE SET channel = EXCLUDED.channel,
    qr = EXCLUDED.qr, receipt = COALESCE(EXCLUDED.receipt, receipts.receipt), status = EXCLUDED.status,
    next_at = EXCLUDED.next_at, attempts = EXCLUDED.attempts, lots = EXCLUDED.lots,
    points = EXCLUDED.points, last_submission_id = EXCLUDED.last_submission_id,
    counted_at = EXCLUDED.counted_at, updated_at = EXCLUDED.updated_at),
pt AS (
  INSERT INTO participant_totals (campaign, participant, receipts, lots, points)
  SELECT $1, $2, 1, $11, $12 WHERE $20::BOOLEAN
  ON CONFLICT (campaign, participant) DO UPDATE SET receipts = participant_totals.receipts + 1,
    lots = participant_totals.lots + EXCLUDED.lots, points = participant_totals.points + EXCLUDED.points),
pb AS (
  INSERT INTO participant_buckets (campaign, participant, start, receipts, lots, points)
  SELECT $1, $2, $23::TIMESTAMP, 1, $11, $12 WHERE $20::BOOLEAN
  ON CONFLICT (campaign, participant, start) DO UPDATE SET receipts = participant_buckets.receipts + 1,
    lots = participant_buckets.lots + EXCLUDED.lots, points = participant_buckets.points + EXCLUDED.points),
d AS (
  DELETE FROM segment_members
  WHERE $16::BOOLEAN AND campaign = $1 AND participant = $2 AND receipt_key = $8
    AND NOT (segment = ANY($21::TEXT[]))),
g AS (
  INSERT INTO segment_members (campaign, segment, participant, receipt_key, since)
  SELECT $1, x, $2, $8, $5 FROM unnest($21::TEXT[]) AS x WHERE $16::BOOLEAN
  ON CONFLICT DO NOTHING)
SELECT id FROM s";

/// Shards of the campaign counter: settles without a budget update one shard each.
const SHARDS: i16 = 8;
/// Attempts of one settle when PostgreSQL reports a deadlock or serialization failure.
const RETRIES: u32 = 8;
/// How long a caller waits for a free pooled connection.
const POOL_WAIT: Duration = Duration::from_secs(30);
/// Advisory lock key of schema migrations.
const MIGRATION_LOCK: i64 = 0x6368_656b_6d69_6772; // "chekmigr"

struct Conn {
    client: PgClient,
    stmts: HashMap<&'static str, Statement>,
}

impl Conn {
    fn st(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        prepared(&self.client, &mut self.stmts, sql)
    }
}

fn prepared(
    client: &PgClient,
    stmts: &mut HashMap<&'static str, Statement>,
    sql: &'static str,
) -> Result<Statement, StoreError> {
    if let Some(s) = stmts.get(sql) {
        return Ok(s.clone());
    }
    let s = client.prepare(sql)?;
    stmts.insert(sql, s.clone());
    Ok(s)
}

struct PoolState {
    idle: Vec<Conn>,
    open: usize,
}

pub(crate) struct Pg {
    config: tokio_postgres::Config,
    /// From the URL's `sslmode` and `sslrootcert` (see `pg_tls`).
    tls: MakeRustlsConnect,
    max: usize,
    state: Mutex<PoolState>,
    freed: Condvar,
    /// Campaigns whose counter shards exist.
    campaigns: Mutex<std::collections::HashSet<String>>,
}

/// A pooled connection, returned on drop unless it broke.
struct Pooled<'a> {
    pool: &'a Pg,
    conn: Option<Conn>,
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let mut st = self.pool.lock();
        match self.conn.take() {
            Some(c) if !c.client.is_closed() => st.idle.push(c),
            _ => st.open -= 1,
        }
        drop(st);
        self.pool.freed.notify_one();
    }
}

impl Pooled<'_> {
    fn conn(&mut self) -> &mut Conn {
        match &mut self.conn {
            Some(c) => c,
            // Taken only in `drop`.
            None => unreachable!("pooled connection used after release"),
        }
    }
}

impl Pg {
    pub(crate) fn open(url: &str, max: usize, opts: &OpenOptions) -> Result<Self, StoreError> {
        let (url, tls) = crate::pg_tls::split_url(url)?;
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e: tokio_postgres::Error| {
                StoreError::Open(format!("bad connection string: {e}"))
            })?;
        config.ssl_mode(match tls.mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                tokio_postgres::config::SslMode::Require
            }
        });
        let tls = crate::pg_tls::connector(&tls)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(opts.connect_timeout);
        }
        // libpq's PGPASSWORD: the password need not be in the URL (nor in argv).
        if config.get_password().is_none()
            && let Ok(pw) = std::env::var("PGPASSWORD")
            && !pw.is_empty()
        {
            config.password(pw);
        }
        if let Some(t) = opts.statement_timeout {
            // Sent at login: every statement of every pooled connection is bounded.
            let ms = t.as_millis().max(1);
            let opts_now = config.get_options().unwrap_or_default().to_owned();
            config.options(format!("{opts_now} -c statement_timeout={ms}").trim());
        }
        config.application_name("chek");
        let pg = Pg {
            config,
            tls,
            max: max.max(1),
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
            campaigns: Mutex::new(std::collections::HashSet::new()),
        };
        let mut c = pg.get()?;
        migrate_client(&c.conn().client)?;
        drop(c);
        Ok(pg)
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self) -> Result<Pooled<'_>, StoreError> {
        let deadline = std::time::Instant::now() + POOL_WAIT;
        let mut st = self.lock();
        loop {
            if let Some(c) = st.idle.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(c),
                });
            }
            if st.open < self.max {
                st.open += 1;
                drop(st);
                return match PgClient::connect(&self.config, self.tls.clone()) {
                    Ok(client) => Ok(Pooled {
                        pool: self,
                        conn: Some(Conn {
                            client,
                            stmts: HashMap::new(),
                        }),
                    }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return Err(StoreError::Busy("no free database connection".into()));
            }
            st = self
                .freed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Runs `f` in a transaction, retrying on deadlocks and serialization failures. With
    /// `commit_with_write`, the transaction's write (see [`SettleTx::write`]) carries its COMMIT.
    fn in_tx<T>(
        &self,
        commit_with_write: bool,
        mut f: impl FnMut(&mut PgTx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.in_tx_as(commit_with_write, false, &mut f)
    }

    /// [`Self::in_tx`], with every settle serialized when `serialized` (see [`PgTx`]).
    fn in_tx_as<T>(
        &self,
        commit_with_write: bool,
        serialized: bool,
        f: &mut dyn FnMut(&mut PgTx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut pooled = self.get()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let conn = pooled.conn();
            let mut t = PgTx {
                c: &conn.client,
                stmts: &mut conn.stmts,
                begun: false,
                ended: false,
                commit_with_write,
                pending: Vec::new(),
                serialized,
                heads: Vec::new(),
                budgets: Vec::new(),
            };
            let res = f(&mut t).and_then(|v| t.commit().map(|()| v));
            // Rolls back what is still open (also when `f` panics).
            drop(t);
            match res {
                Err(StoreError::Busy(_)) if attempt < RETRIES => {
                    std::thread::sleep(Duration::from_millis(u64::from(attempt) * 2));
                }
                other => return other,
            }
        }
    }

    fn ensure_campaign(&self, campaign: &str) -> Result<(), StoreError> {
        let known = self
            .campaigns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(campaign);
        if known {
            return Ok(());
        }
        let mut c = self.get()?;
        c.conn().client.execute(
            "INSERT INTO campaign_totals (campaign, shard, lots, points)
             SELECT $1, g::SMALLINT, 0, 0 FROM generate_series(0, $2::INT - 1) AS g
             ON CONFLICT (campaign, shard) DO NOTHING",
            &[&campaign, &i32::from(SHARDS)],
        )?;
        // The head a serialized settle locks before its read exists from the start.
        c.conn().client.execute(
            "INSERT INTO chain_heads (campaign, seq, hash) VALUES ($1, 0, $2)
             ON CONFLICT (campaign) DO NOTHING",
            &[&campaign, &crate::chain::GENESIS],
        )?;
        self.campaigns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(campaign.to_owned());
        Ok(())
    }

    pub(crate) fn schema_version(&self) -> Result<u32, StoreError> {
        let mut c = self.get()?;
        version(&c.conn().client)
    }

    pub(crate) fn ensure_participant(
        &self,
        campaign: &str,
        participant: &str,
        lang: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let mut c = self.get()?;
        c.conn().client.execute(
            "INSERT INTO participants (campaign, participant, lang, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (campaign, participant) DO UPDATE SET lang = EXCLUDED.lang",
            &[&campaign, &participant, &lang, &at],
        )?;
        Ok(())
    }

    pub(crate) fn settle(
        &self,
        s: &Settlement,
        id: ReceiptId,
        evaluate: &mut dyn FnMut(&ParticipantHistory) -> Decision,
    ) -> Result<Settled, StoreError> {
        self.ensure_campaign(&s.campaign)?;
        let mut run = |t: &mut PgTx<'_>| settle::settle_in(t, s, id, evaluate);
        match self.in_tx_as(true, false, &mut run) {
            // The budget check kept failing on fresh figures: settle serialized.
            Err(StoreError::Busy(m)) if m.starts_with(crate::error::BUDGET_RACE) => {
                self.in_tx_as(true, true, &mut run)
            }
            other => other,
        }
    }

    /// One statement, so one snapshot and one round trip, without a transaction or locks.
    pub(crate) fn peek_history(
        &self,
        s: &Settlement,
        id: ReceiptId,
    ) -> Result<ParticipantHistory, StoreError> {
        let mut c = self.get()?;
        let conn = c.conn();
        let load = conn.st(LOAD)?;
        let key = id.to_string();
        let q = settle::BucketQuery::of(s);
        let (d0, d1) = (q.day.map(|d| d.0), q.day.map(|d| d.1));
        let rows = conn.client.query(
            &load,
            &[
                &s.campaign,
                &s.participant,
                &None::<&str>,
                &key,
                &q.from,
                &q.to,
                &d0,
                &d1,
            ],
        )?;
        let l = loaded(&rows, &q)?;
        Ok(settle::history_of(
            &s.participant,
            id,
            l.own,
            (l.buckets, l.earlier),
            &l.claims,
            l.totals,
        ))
    }

    pub(crate) fn settle_batch(
        &self,
        batch: &[(Settlement, Result<ReceiptId, StoreError>)],
        evaluate: &mut dyn FnMut(usize, &ParticipantHistory) -> Decision,
    ) -> Result<Vec<Result<Settled, StoreError>>, StoreError> {
        for (s, _) in batch {
            self.ensure_campaign(&s.campaign)?;
        }
        let mut run = |t: &mut PgTx<'_>| {
            t.prelock(batch)?;
            run_batch(t, batch, evaluate)
        };
        match self.in_tx_as(false, false, &mut run) {
            Err(StoreError::Busy(m)) if m.starts_with(crate::error::BUDGET_RACE) => {
                self.in_tx_as(false, true, &mut run)
            }
            other => other,
        }
    }

    pub(crate) fn record_failure(&self, f: &FailedSubmission) -> Result<(), StoreError> {
        let mut c = self.get()?;
        c.conn().client.execute(
            "INSERT INTO failures (campaign, participant, idempotency_key, channel, received_at, day, code, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (campaign, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
            &[
                &f.campaign,
                &f.participant,
                &f.idempotency_key,
                &f.channel.map(|c| c.as_str()),
                &f.received_at,
                &f.received_at.date(),
                &f.code,
                &read::cut(&f.detail, settle::MAX_DETAIL),
            ],
        )?;
        Ok(())
    }

    pub(crate) fn due_rechecks(
        &self,
        campaign: &str,
        now: NaiveDateTime,
        limit: usize,
    ) -> Result<Vec<ClaimRow>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(
            "SELECT r.participant, COALESCE(p.lang, 'ru'), r.qr, r.channel, r.first_at, r.next_at, r.attempts
             FROM receipts r LEFT JOIN participants p ON p.campaign = r.campaign AND p.participant = r.participant
             WHERE r.campaign = $1 AND r.status = 'pending_recheck' AND r.next_at <= $2
             ORDER BY r.next_at, r.participant LIMIT $3",
            &[&campaign, &now, &i64::try_from(limit).unwrap_or(i64::MAX)],
        )?;
        rows.iter()
            .map(|r| {
                Ok(ClaimRow {
                    participant: r.try_get(0)?,
                    lang: r.try_get(1)?,
                    qr: r.try_get(2)?,
                    channel: r.try_get(3)?,
                    first_at: r.try_get(4)?,
                    next_at: r.try_get(5)?,
                    attempts: r.try_get(6)?,
                })
            })
            .collect()
    }

    pub(crate) fn accruals(
        &self,
        campaign: &str,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(
            "SELECT participant, CAST(SUM(lots) AS BIGINT) FROM accruals
             WHERE campaign = $1 AND at >= $2 AND at < $3 GROUP BY participant",
            &[&campaign, &from, &to],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    pub(crate) fn record_draw(&self, d: &DrawRow) -> Result<(), StoreError> {
        self.in_tx(false, |t| {
            // One writer of the campaign's draws at a time: the overlap check holds.
            t.execute(
                "SELECT pg_advisory_xact_lock($1)",
                &[&lock_key("draws", &d.campaign, "")],
            )?;
            let found = t.query_opt(
                "SELECT seed_commitment, result FROM draws WHERE campaign = $1 AND period = $2 FOR UPDATE",
                &[&d.campaign, &d.period],
            )?;
            let found: Option<(String, Option<String>)> = match found {
                Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
                None => None,
            };
            let overlapping = match (d.from, d.to) {
                (Some(a), Some(b)) => t
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM draws WHERE campaign = $1 AND prize_set = $2
                           AND period <> $3 AND from_day <= $5 AND to_day >= $4)",
                        &[&d.campaign, &d.prize_set, &d.period, &a, &b],
                    )?
                    .try_get(0)?,
                _ => false,
            };
            let found = found.as_ref().map(|(c, r)| (c.as_str(), r.is_some()));
            let write = read::draw_write(found, overlapping, d)?;
            // The head stays locked to the commit, a few statements from here: draws are rare.
            let head = chain::lock_head(t, &d.campaign)?;
            let (seq, _, hash) = match write {
                read::DrawWrite::Insert => {
                    let link = crate::chain::append(
                        crate::chain::DRAW,
                        &d.campaign,
                        (head.0, &head.1),
                        &crate::chain::draw_fields(d),
                    );
                    t.execute(
                        "INSERT INTO draws (campaign, period, seed_commitment, result, recorded_at, prize_set,
                           from_day, to_day, beacon_source, beacon_round, drawn_at, seq, prev_hash, hash)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                        &[
                            &d.campaign,
                            &d.period,
                            &d.seed_commitment,
                            &d.result,
                            &d.recorded_at,
                            &d.prize_set,
                            &d.from,
                            &d.to,
                            &d.beacon_source,
                            &d.beacon_round,
                            &d.drawn_at,
                            &link.0,
                            &link.1,
                            &link.2,
                        ],
                    )?;
                    link
                }
                read::DrawWrite::Reveal => {
                    let drawn_at = d.drawn_at.unwrap_or(d.recorded_at);
                    let link = crate::chain::append(
                        crate::chain::REVEAL,
                        &d.campaign,
                        (head.0, &head.1),
                        &crate::chain::reveal_fields(&d.period, d.result.as_deref(), Some(drawn_at)),
                    );
                    t.execute(
                        "UPDATE draws SET result = $3, drawn_at = $4, reveal_seq = $5, reveal_prev_hash = $6,
                           reveal_hash = $7
                         WHERE campaign = $1 AND period = $2",
                        &[
                            &d.campaign,
                            &d.period,
                            &d.result,
                            &drawn_at,
                            &link.0,
                            &link.1,
                            &link.2,
                        ],
                    )?;
                    link
                }
            };
            t.execute(
                "UPDATE chain_heads SET seq = $2, hash = $3 WHERE campaign = $1",
                &[&d.campaign, &seq, &hash],
            )?;
            Ok(())
        })
    }

    pub(crate) fn draws(&self, campaign: &str) -> Result<Vec<DrawRow>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(
            "SELECT period, seed_commitment, result, recorded_at, prize_set, from_day, to_day,
               beacon_source, beacon_round, drawn_at
             FROM draws WHERE campaign = $1 ORDER BY recorded_at, period",
            &[&campaign],
        )?;
        rows.iter()
            .map(|r| {
                Ok(DrawRow {
                    campaign: campaign.to_owned(),
                    period: r.try_get(0)?,
                    seed_commitment: r.try_get(1)?,
                    result: r.try_get(2)?,
                    recorded_at: r.try_get(3)?,
                    prize_set: r.try_get(4)?,
                    from: r.try_get(5)?,
                    to: r.try_get(6)?,
                    beacon_source: r.try_get(7)?,
                    beacon_round: r.try_get(8)?,
                    drawn_at: r.try_get(9)?,
                })
            })
            .collect()
    }

    pub(crate) fn segment(
        &self,
        campaign: &str,
        segment: &str,
    ) -> Result<Vec<SegmentRow>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(
            "SELECT s.participant, COALESCE(p.lang, 'ru'), s.receipt_key, s.since
             FROM segment_members s LEFT JOIN participants p ON p.campaign = s.campaign AND p.participant = s.participant
             WHERE s.campaign = $1 AND s.segment = $2
             ORDER BY s.participant COLLATE \"C\", s.since, s.receipt_key COLLATE \"C\"",
            &[&campaign, &segment],
        )?;
        rows.iter()
            .map(|r| {
                Ok(SegmentRow {
                    participant: r.try_get(0)?,
                    lang: r.try_get(1)?,
                    receipt: r.try_get(2)?,
                    since: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub(crate) fn report_rows(
        &self,
        campaign: &str,
    ) -> Result<(Vec<SubmissionStat>, Vec<FailureRow>, u64), StoreError> {
        // One snapshot for the three reads, summed by the server.
        self.in_tx(false, |t| {
            t.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                &[],
            )?;
            let subs = t
                .query(
                    "SELECT day, status, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(lots), 0) AS BIGINT),
                       CAST(COALESCE(SUM(points), 0) AS BIGINT), reasons
                     FROM submissions WHERE campaign = $1 AND NOT superseded
                     GROUP BY day, status, reasons",
                    &[&campaign],
                )?
                .iter()
                .map(|r| {
                    Ok(SubmissionStat {
                        day: r.try_get::<_, NaiveDate>(0)?,
                        status: r.try_get(1)?,
                        n: r.try_get(2)?,
                        lots: r.try_get(3)?,
                        points: r.try_get(4)?,
                        reasons: r.try_get(5)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let fails = t
                .query(
                    "SELECT day, code, CAST(COUNT(*) AS BIGINT) FROM failures WHERE campaign = $1
                     GROUP BY day, code",
                    &[&campaign],
                )?
                .iter()
                .map(|r| {
                    Ok(FailureRow {
                        day: r.try_get(0)?,
                        code: r.try_get(1)?,
                        n: r.try_get(2)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let n: i64 = t
                .query_one(
                    "SELECT COUNT(*) FROM participants WHERE campaign = $1",
                    &[&campaign],
                )?
                .try_get(0)?;
            Ok((subs, fails, settle::to_u64(n)))
        })
    }

    /// Walks the chains in one REPEATABLE READ snapshot (writers go on meanwhile).
    pub(crate) fn verify_chain(
        &self,
        campaign: Option<&str>,
    ) -> Result<crate::ChainReport, StoreError> {
        self.in_tx(false, |t| {
            t.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                &[],
            )?;
            crate::chain::verify(&mut chain::PgChain(t), campaign)
        })
    }

    /// The recorded head of a campaign's chain.
    pub(crate) fn chain_head(&self, campaign: &str) -> Result<Option<(i64, String)>, StoreError> {
        let mut c = self.get()?;
        crate::chain::ChainRead::head(
            &mut chain::PgChain(&mut chain::Raw(&c.conn().client)),
            campaign,
        )
    }

    pub(crate) fn participant(
        &self,
        campaign: &str,
        participant: &str,
    ) -> Result<Option<(ParticipantRow, Vec<EntryRow>)>, StoreError> {
        // One snapshot for the totals and the receipts.
        self.in_tx(false, |t| {
            t.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                &[],
            )?;
            let head = t.query(
                "SELECT p.lang, p.created_at, COALESCE(t.receipts, 0), COALESCE(t.lots, 0), COALESCE(t.points, 0)
                 FROM participants p LEFT JOIN participant_totals t
                   ON t.campaign = p.campaign AND t.participant = p.participant
                 WHERE p.campaign = $1 AND p.participant = $2",
                &[&campaign, &participant],
            )?;
            let Some(h) = head.first() else {
                return Ok(None);
            };
            let p = ParticipantRow {
                lang: h.try_get(0)?,
                since: h.try_get(1)?,
                counted: h.try_get(2)?,
                lots: h.try_get(3)?,
                points: h.try_get(4)?,
            };
            let rows = t
                .query(
                    "SELECT receipt_key, channel, qr, status, next_at, lots, points, first_at, counted_at, updated_at
                     FROM receipts WHERE campaign = $1 AND participant = $2
                     ORDER BY first_at, receipt_key COLLATE \"C\"",
                    &[&campaign, &participant],
                )?
                .iter()
                .map(|r| {
                    Ok(EntryRow {
                        receipt: r.try_get(0)?,
                        channel: r.try_get(1)?,
                        qr: r.try_get(2)?,
                        status: r.try_get(3)?,
                        next_at: r.try_get(4)?,
                        lots: r.try_get(5)?,
                        points: r.try_get(6)?,
                        first_at: r.try_get(7)?,
                        counted_at: r.try_get(8)?,
                        updated_at: r.try_get(9)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(Some((p, rows)))
        })
    }

    pub(crate) fn balances(&self, campaign: &str) -> Result<Vec<BalanceRow>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(
            "SELECT p.participant, COALESCE(t.receipts, 0), COALESCE(t.lots, 0), COALESCE(t.points, 0)
             FROM participants p LEFT JOIN participant_totals t
               ON t.campaign = p.campaign AND t.participant = p.participant
             WHERE p.campaign = $1 ORDER BY p.participant COLLATE \"C\"",
            &[&campaign],
        )?;
        rows.iter()
            .map(|r| {
                Ok(BalanceRow {
                    participant: r.try_get(0)?,
                    counted: r.try_get(1)?,
                    lots: r.try_get(2)?,
                    points: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub(crate) fn query_i64(&self, sql: &str, campaign: &str) -> Result<Vec<i64>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(sql, &[&campaign])?;
        rows.iter()
            .map(|r| Ok(r.try_get::<_, Option<i64>>(0)?.unwrap_or(0)))
            .collect()
    }
}

fn version(client: &PgClient) -> Result<u32, StoreError> {
    let v: Option<i32> = client
        .query_one("SELECT MAX(version) FROM schema_version", &[])?
        .try_get(0)?;
    Ok(u32::try_from(v.unwrap_or(0)).unwrap_or(0))
}

fn migrate_client(client: &PgClient) -> Result<(), StoreError> {
    let m = |e: tokio_postgres::Error| StoreError::Migrate(StoreError::from(e).to_string());
    // Several servers may start at once: a session advisory lock orders their migrations.
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .map_err(m)?;
    let res = (|| {
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))",
            )
            .map_err(m)?;
        let found = version(client)?;
        migrate::check_not_newer(found)?;
        for mig in POSTGRES.iter().filter(|mig| mig.version > found) {
            client.batch_execute("BEGIN").map_err(m)?;
            let applied = client
                .batch_execute(mig.sql)
                .map_err(m)
                .and_then(|()| match mig.then_chain {
                    Some(guards) => {
                        crate::chain::backfill(&mut chain::PgChain(&mut chain::Raw(client)))
                            .map_err(|e| StoreError::Migrate(e.to_string()))?;
                        client.batch_execute(guards).map_err(m)
                    }
                    None => Ok(()),
                })
                .and_then(|()| {
                    client
                        .execute(
                            "INSERT INTO schema_version (version) VALUES ($1)",
                            &[&i32::try_from(mig.version).unwrap_or(i32::MAX)],
                        )
                        .map_err(m)
                });
            match applied {
                Ok(_) => client.batch_execute("COMMIT").map_err(m)?,
                Err(e) => {
                    let _ = client.batch_execute("ROLLBACK");
                    return Err(e);
                }
            }
        }
        Ok::<(), StoreError>(())
    })();
    let unlock = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    res?;
    unlock.map_err(m)?;
    Ok(())
}

/// FNV-1a: a stable 64-bit key for advisory locks (collisions only make two settles wait).
fn lock_key(ns: &str, campaign: &str, key: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in ns
        .bytes()
        .chain([0])
        .chain(campaign.bytes())
        .chain([0])
        .chain(key.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

fn shard(participant: &str) -> i16 {
    let k = lock_key("shard", "", participant).unsigned_abs() % SHARDS.unsigned_abs() as u64;
    i16::try_from(k).unwrap_or(0)
}

pub(crate) struct PgTx<'c> {
    c: &'c PgClient,
    stmts: &'c mut HashMap<&'static str, Statement>,
    /// BEGIN was sent. It is not sent alone: it goes out with the transaction's first statement.
    begun: bool,
    /// COMMIT was sent (or the transaction otherwise ended).
    ended: bool,
    /// The write goes out with COMMIT (a lone settle, whose write is its last statement).
    commit_with_write: bool,
    /// Accruals written, to be chained (and counted) by the statement sent with COMMIT.
    pending: Vec<chain::Pending>,
    /// Settle serialized (campaign head locked before the read) whatever the settlement says:
    /// the retry of a settle whose budget check failed too often.
    serialized: bool,
    /// Campaigns whose chain head this transaction holds.
    heads: Vec<String>,
    /// The budget each campaign settled here declared, for the check at the append.
    budgets: Vec<(String, Option<crate::Budget>)>,
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.begun && !self.ended {
            self.ended = true;
            self.c.abandon_transaction();
        }
    }
}

impl PgTx<'_> {
    fn st(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        prepared(self.c, self.stmts, sql)
    }

    /// Whether BEGIN must go out with the next statement.
    fn begin(&mut self) -> bool {
        !std::mem::replace(&mut self.begun, true)
    }

    fn execute<T: ?Sized + ToStatement>(
        &mut self,
        st: &T,
        params: Params<'_>,
    ) -> Result<u64, StoreError> {
        let (c, begin) = (self.c, self.begin());
        Ok(c.after_begin(begin, c.inner().execute(st, params))?)
    }

    fn query<T: ?Sized + ToStatement>(
        &mut self,
        st: &T,
        params: Params<'_>,
    ) -> Result<Vec<Row>, StoreError> {
        let (c, begin) = (self.c, self.begin());
        Ok(c.after_begin(begin, c.inner().query(st, params))?)
    }

    fn query_one<T: ?Sized + ToStatement>(
        &mut self,
        st: &T,
        params: Params<'_>,
    ) -> Result<Row, StoreError> {
        let (c, begin) = (self.c, self.begin());
        Ok(c.after_begin(begin, c.inner().query_one(st, params))?)
    }

    fn query_opt<T: ?Sized + ToStatement>(
        &mut self,
        st: &T,
        params: Params<'_>,
    ) -> Result<Option<Row>, StoreError> {
        let (c, begin) = (self.c, self.begin());
        Ok(c.after_begin(begin, c.inner().query_opt(st, params))?)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        if !self.begun || std::mem::replace(&mut self.ended, true) {
            return Ok(());
        }
        if self.pending.is_empty() {
            self.c.batch_execute("COMMIT")?;
            return Ok(());
        }
        // The chain heads are locked from here to the COMMIT that travels with it.
        let st = self.st(chain::CHAIN_MANY)?;
        let cols = chain::Columns::of(std::mem::take(&mut self.pending));
        let params = cols.params();
        let c = self.c;
        c.pipelined(
            false,
            c.inner().query_one(&st, &params),
            c.inner().batch_execute("COMMIT"),
        )?;
        Ok(())
    }

    /// Keeps a counted settle's accrual for the chain append at commit.
    fn defer_accrual(&mut self, w: &Write<'_>, submission_id: i64) {
        if let Some(r) = w.row.as_ref().filter(|r| r.counted) {
            let p = self.pending_of(r, submission_id);
            self.pending.push(p);
        }
    }

    fn pending_of(&self, r: &ReceiptRow<'_>, submission_id: i64) -> chain::Pending {
        chain::Pending {
            campaign: r.campaign.to_owned(),
            participant: r.participant.to_owned(),
            receipt_key: r.receipt_key.to_owned(),
            submission_id,
            lots: r.lots,
            points: r.points,
            at: r.at,
            shard: shard(r.participant),
            budget: self.budget_of(r.campaign),
        }
    }

    fn budget_of(&self, campaign: &str) -> Option<crate::Budget> {
        self.budgets
            .iter()
            .find(|(c, _)| c == campaign)
            .and_then(|(_, b)| *b)
    }

    /// Takes every advisory lock of a batch at once, in ascending key order, before its first
    /// read. Items take their locks as they come (idempotency key, participant, receipt), so
    /// two batches naming the same participants in another order each held what the other
    /// wanted: PostgreSQL broke the deadlock after `deadlock_timeout` (1 s) and one batch ran
    /// again. Taken sorted and all at once, every batch and every lone settle (which sorts its
    /// three keys too) locks in one global order; the items' own lock calls then find the
    /// locks held (advisory locks are reentrant). A batch that serializes a campaign locks its
    /// head between keys and is left as it was.
    fn prelock(
        &mut self,
        batch: &[(Settlement, Result<ReceiptId, StoreError>)],
    ) -> Result<(), StoreError> {
        if batch.len() < 2
            || self.serialized
            || batch
                .iter()
                .any(|(s, _)| s.budget.is_none() && s.serialize_campaign)
        {
            return Ok(());
        }
        let mut keys: Vec<i64> = batch
            .iter()
            .filter_map(|(s, id)| id.as_ref().ok().map(|id| (s, id.to_string())))
            .flat_map(|(s, key)| {
                let (idem, rest) = lock_keys(s, &key);
                idem.into_iter().chain(rest)
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let locks = self.st(LOCKS)?;
        self.execute(&locks, &[&keys]).map(drop)
    }

    /// Notes what a settle of `s` declares, and whether it reads with the head locked (and the
    /// head still has to be locked).
    fn enter(&mut self, s: &Settlement) -> bool {
        if !self.budgets.iter().any(|(c, _)| *c == s.campaign) {
            self.budgets.push((s.campaign.clone(), s.budget));
        }
        let serialized = self.serialized || (s.budget.is_none() && s.serialize_campaign);
        serialized && !self.heads.contains(&s.campaign)
    }

    /// The campaign figures as this transaction sees them: committed ones, read, plus its own
    /// accruals not yet counted (they are counted at the append).
    fn with_own(&self, campaign: &str, mut l: Loaded) -> Loaded {
        for p in self.pending.iter().filter(|p| p.campaign == campaign) {
            l.totals.0 = l.totals.0.saturating_add(settle::to_u64(p.lots));
            l.totals.1 = l.totals.1.saturating_add(settle::to_u64(p.points));
        }
        l
    }
}

/// What `LOAD` returned.
fn loaded(rows: &[Row], q: &settle::BucketQuery) -> Result<Loaded, StoreError> {
    let mut out = Loaded::default();
    let mut mine = (0u64, 0u64, 0u64);
    for r in rows {
        let k: i32 = r.try_get(0)?;
        match k {
            0 => {
                out.replay = Some(Replay {
                    participant: r.try_get(1)?,
                    status: r.try_get(2)?,
                    decision: r.try_get(3)?,
                    id: r.try_get(4)?,
                    next_at: r.try_get(6)?,
                });
            }
            1 => {
                out.totals = (settle::to_u64(r.try_get(4)?), settle::to_u64(r.try_get(5)?));
            }
            2 => {
                let key: String = r.try_get(1)?;
                let at: Option<NaiveDateTime> = r.try_get(6)?;
                out.own.push(PastReceipt {
                    id: key
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("receipt key {key:?}")))?,
                    submitted_at: at
                        .ok_or_else(|| StoreError::Corrupt("accepted without counted_at".into()))?,
                    lots: settle::to_u64(r.try_get(4)?),
                    points: settle::to_u64(r.try_get::<_, Option<i64>>(5)?.unwrap_or(0)),
                });
            }
            5 => out.buckets.push(ReceiptBucket {
                start: r
                    .try_get::<_, Option<NaiveDateTime>>(6)?
                    .unwrap_or_default(),
                count: settle::to_u64(r.try_get(4)?),
                lots: settle::to_u64(r.try_get::<_, Option<i64>>(5)?.unwrap_or(0)),
                points: settle::to_u64(r.try_get::<_, Option<i64>>(7)?.unwrap_or(0)),
            }),
            4 => {
                mine = (
                    settle::to_u64(r.try_get(4)?),
                    settle::to_u64(r.try_get::<_, Option<i64>>(5)?.unwrap_or(0)),
                    settle::to_u64(r.try_get::<_, Option<i64>>(7)?.unwrap_or(0)),
                );
            }
            _ => out.claims.push(Claim {
                participant: r.try_get(1)?,
                status: r.try_get(2)?,
                first_submission_id: r.try_get(4)?,
                first_at: r
                    .try_get::<_, Option<NaiveDateTime>>(6)?
                    .unwrap_or_default(),
            }),
        }
    }
    let buckets = std::mem::take(&mut out.buckets);
    (out.buckets, out.earlier) = settle::split_history(mine, &out.own, buckets, q);
    Ok(out)
}

/// The advisory locks of a settle: its idempotency key, then the others. A settle takes them
/// in ascending order; a serialized one takes its idempotency key, its campaign's chain head,
/// then the others.
fn lock_keys(s: &Settlement, receipt_key: &str) -> (Option<i64>, Vec<i64>) {
    let campaign = s.campaign.as_str();
    let idem = s
        .idempotency_key
        .as_ref()
        .map(|k| lock_key("idem", campaign, k));
    (
        idem,
        vec![
            lock_key("participant", campaign, &s.participant),
            lock_key("receipt", campaign, receipt_key),
        ],
    )
}

/// Locks a campaign's chain head until commit: what a serialized settle holds from before its
/// read, so that nothing is counted in the campaign between its read and its commit.
const HEAD_LOCK: &str = "SELECT seq FROM chain_heads WHERE campaign = $1 FOR UPDATE";

/// The values of `WRITE` that a [`Write`] does not hold as they are bound (the receipt JSON is
/// borrowed, not copied: a verified receipt's can be kilobytes).
struct WriteArgs<'a> {
    touches: bool,
    counted: bool,
    receipt: Option<&'a str>,
    attempts: &'a str,
    bucket: NaiveDateTime,
}

impl<'a> WriteArgs<'a> {
    fn of(w: &'a Write<'_>) -> Self {
        let row = w.row.as_ref();
        WriteArgs {
            touches: row.is_some(),
            counted: row.is_some_and(|r| r.counted),
            receipt: row.and_then(|r| r.receipt.as_deref()),
            attempts: row.map_or("[]", |r| r.attempts.as_str()),
            bucket: settle::bucket_of(w.sub.received_at),
        }
    }

    fn params<'p>(&'p self, w: &'p Write<'_>) -> [&'p (dyn ToSql + Sync); 23] {
        let sub = &w.sub;
        [
            &sub.campaign,
            &sub.participant,
            &sub.idempotency_key,
            &sub.channel,
            &sub.received_at,
            &sub.day,
            &sub.qr,
            &sub.receipt_key,
            &sub.status,
            &sub.next_at,
            &sub.lots,
            &sub.points,
            &sub.reasons,
            &sub.decision,
            &sub.recheck,
            &self.touches,
            &w.existed,
            &self.receipt,
            &self.attempts,
            &self.counted,
            &w.segments,
            &sub.lang,
            &self.bucket,
        ]
    }
}

/// Records the submission id `WRITE` returned.
fn written(w: &mut Write<'_>, r: &Row) -> Result<i64, StoreError> {
    let id: i64 = r.try_get(0)?;
    if let Some(row) = &mut w.row {
        row.submission_id = id;
    }
    Ok(id)
}

impl SettleTx for PgTx<'_> {
    fn load(&mut self, s: &Settlement, receipt_key: &str) -> Result<Loaded, StoreError> {
        let lock_head = self.enter(s);
        let (idem, rest) = lock_keys(s, receipt_key);
        let q = settle::BucketQuery::of(s);
        let (d0, d1) = (q.day.map(|d| d.0), q.day.map(|d| d.1));
        let locks = self.st(LOCKS)?;
        let load = self.st(LOAD)?;
        let params: [&(dyn ToSql + Sync); 8] = [
            &s.campaign,
            &s.participant,
            &s.idempotency_key,
            &receipt_key,
            &q.from,
            &q.to,
            &d0,
            &d1,
        ];
        let rows = if lock_head {
            // Serialized: the idempotency key, the campaign's head, then the rest, in one
            // round trip; the read sees every count committed before, and none can come
            // before this transaction commits.
            let head = self.st(HEAD_LOCK)?;
            let idem: Vec<i64> = idem.into_iter().collect();
            let (c, begin) = (self.c, self.begin());
            let rows = c.after_begin(begin, async {
                let (a, b, cc, d) = join4(
                    c.inner().execute(&locks, &[&idem]),
                    c.inner().query(&head, &[&s.campaign]),
                    c.inner().execute(&locks, &[&rest]),
                    c.inner().query(&load, &params),
                )
                .await;
                a?;
                b?;
                cc?;
                d
            })?;
            self.heads.push(s.campaign.clone());
            rows
        } else {
            let mut keys: Vec<i64> = idem.into_iter().chain(rest).collect();
            // Ascending, the order a batch takes its keys in (see `prelock`).
            keys.sort_unstable();
            let (c, begin) = (self.c, self.begin());
            // The read runs after the locks are granted: in READ COMMITTED it sees every
            // settle that held them before.
            c.pipelined(
                begin,
                async { c.inner().execute(&locks, &[&keys]).await.map(drop) },
                c.inner().query(&load, &params),
            )?
            .1
        };
        Ok(self.with_own(&s.campaign, loaded(&rows, &q)?))
    }

    fn write(&mut self, w: &mut Write<'_>) -> Result<i64, StoreError> {
        let st = self.st(WRITE)?;
        let args = WriteArgs::of(w);
        let params = args.params(w);
        let counted = args.counted;
        let chain_one = if self.commit_with_write && counted {
            Some(self.st(chain::CHAIN_ONE)?)
        } else {
            None
        };
        let (c, begin) = (self.c, self.begin());
        let r = if self.commit_with_write {
            // Whatever the answer, the transaction is over: COMMIT of a failed transaction
            // rolls it back.
            self.ended = true;
            match &chain_one {
                // The write, the accrual's chain append (the head is locked from here), COMMIT.
                Some(one) => {
                    let r = w.row.as_ref();
                    let (campaign, participant, key) =
                        (w.sub.campaign, w.sub.participant, w.sub.receipt_key);
                    let (lots, points) = r.map_or((0, 0), |r| (r.lots, r.points));
                    let at = w.sub.received_at;
                    let shard = shard(participant);
                    let budget = self.budget_of(campaign);
                    let (bl, bp) = chain::budget_params(budget);
                    c.after_begin(begin, async {
                        let (r, chained, commit) = join3(
                            c.inner().query_one(&st, &params),
                            c.inner().query_one(
                                one,
                                &[
                                    &campaign,
                                    &participant,
                                    &key,
                                    &lots,
                                    &points,
                                    &at,
                                    &shard,
                                    &bl,
                                    &bp,
                                ],
                            ),
                            c.inner().batch_execute("COMMIT"),
                        )
                        .await;
                        let r = r?;
                        chained?;
                        commit?;
                        Ok(r)
                    })?
                }
                None => {
                    c.pipelined(
                        begin,
                        c.inner().query_one(&st, &params),
                        c.inner().batch_execute("COMMIT"),
                    )?
                    .0
                }
            }
        } else {
            c.after_begin(begin, c.inner().query_one(&st, &params))?
        };
        let id = written(w, &r)?;
        if !self.commit_with_write {
            self.defer_accrual(w, id);
        }
        Ok(id)
    }

    fn write_then_load(
        &mut self,
        w: &mut Write<'_>,
        next: &Settlement,
        next_key: &str,
    ) -> Result<(i64, Result<Loaded, StoreError>), StoreError> {
        if self.enter(next) {
            // The next settle is serialized and its head is not held yet: the head goes
            // between its idempotency key and its other locks (see `load`).
            let id = self.write(w)?;
            return Ok((id, self.load(next, next_key)));
        }
        let st = self.st(WRITE)?;
        let locks = self.st(LOCKS)?;
        let load = self.st(LOAD)?;
        let args = WriteArgs::of(w);
        let params = args.params(w);
        let (idem, rest) = lock_keys(next, next_key);
        let mut keys: Vec<i64> = idem.into_iter().chain(rest).collect();
        keys.sort_unstable();
        let nq = settle::BucketQuery::of(next);
        let (nd0, nd1) = (nq.day.map(|d| d.0), nq.day.map(|d| d.1));
        let (c, begin) = (self.c, self.begin());
        // One round trip: the write, then the next settle's locks and read, in that order.
        let (r, locked, rows) = c.after_begin(begin, async {
            Ok(join3(
                c.inner().query_one(&st, &params),
                c.inner().execute(&locks, &[&keys]),
                c.inner().query(
                    &load,
                    &[
                        &next.campaign,
                        &next.participant,
                        &next.idempotency_key,
                        &next_key,
                        &nq.from,
                        &nq.to,
                        &nd0,
                        &nd1,
                    ],
                ),
            )
            .await)
        })?;
        let id = written(w, &r?)?;
        self.defer_accrual(w, id);
        let next = locked
            .and(rows)
            .map_err(StoreError::from)
            .and_then(|rows| loaded(&rows, &nq))
            .map(|l| self.with_own(&next.campaign, l));
        Ok((id, next))
    }

    fn find_replay(&mut self, campaign: &str, key: &str) -> Result<Option<Replay>, StoreError> {
        let lock = self.st("SELECT pg_advisory_xact_lock($1)")?;
        self.execute(&lock, &[&lock_key("idem", campaign, key)])?;
        let st = self.st(
            "SELECT id, participant, status, next_at, decision FROM submissions
             WHERE campaign = $1 AND idempotency_key = $2",
        )?;
        let row = self.query_opt(&st, &[&campaign, &key])?;
        row.map(|r| {
            Ok(Replay {
                id: r.try_get(0)?,
                participant: r.try_get(1)?,
                status: r.try_get(2)?,
                next_at: r.try_get(3)?,
                decision: r.try_get(4)?,
            })
        })
        .transpose()
    }

    fn lock_participant(
        &mut self,
        campaign: &str,
        participant: &str,
        lang: Option<&'static str>,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        // The update (a no-op without a new language) takes the row lock in the same round
        // trip as the insert.
        let st = self.st(
            "INSERT INTO participants (campaign, participant, lang, created_at)
             VALUES ($1, $2, COALESCE($4::TEXT, 'ru'), $3)
             ON CONFLICT (campaign, participant) DO UPDATE SET lang = COALESCE($4::TEXT, participants.lang)",
        )?;
        self.execute(&st, &[&campaign, &participant, &at, &lang])?;
        Ok(())
    }

    fn lock_receipt(&mut self, campaign: &str, receipt_key: &str) -> Result<(), StoreError> {
        let st = self.st("SELECT pg_advisory_xact_lock($1)")?;
        self.execute(&st, &[&lock_key("receipt", campaign, receipt_key)])?;
        Ok(())
    }

    fn campaign_totals(&mut self, campaign: &str, lock: bool) -> Result<(u64, u64), StoreError> {
        if lock && !self.heads.iter().any(|h| h == campaign) {
            // Counts are added under the campaign's head only: holding it, the sum is exact
            // until commit.
            let st = self.st(HEAD_LOCK)?;
            self.query(&st, &[&campaign])?;
            self.heads.push(campaign.to_owned());
        }
        let (l, p) = {
            let st = self.st(
                "SELECT CAST(COALESCE(SUM(lots), 0) AS BIGINT), CAST(COALESCE(SUM(points), 0) AS BIGINT)
                 FROM campaign_totals WHERE campaign = $1",
            )?;
            let r = self.query_one(&st, &[&campaign])?;
            (r.try_get(0)?, r.try_get(1)?)
        };
        Ok((settle::to_u64(l), settle::to_u64(p)))
    }

    fn own_receipts(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
    ) -> Result<Vec<PastReceipt>, StoreError> {
        let st = self.st(
            "SELECT receipt_key, counted_at, lots, points FROM receipts
             WHERE campaign = $1 AND receipt_key = $3 AND participant = $2 AND status = 'accepted'",
        )?;
        let rows = self.query(&st, &[&campaign, &participant, &receipt_key])?;
        rows.iter()
            .map(|r| {
                let key: String = r.try_get(0)?;
                let at: Option<NaiveDateTime> = r.try_get(1)?;
                Ok(PastReceipt {
                    id: key
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("receipt key {key:?}")))?,
                    submitted_at: at
                        .ok_or_else(|| StoreError::Corrupt("accepted without counted_at".into()))?,
                    lots: settle::to_u64(r.try_get(2)?),
                    points: settle::to_u64(r.try_get(3)?),
                })
            })
            .collect()
    }

    fn buckets(
        &mut self,
        campaign: &str,
        participant: &str,
        q: &settle::BucketQuery,
    ) -> Result<Vec<ReceiptBucket>, StoreError> {
        let st = self.st(
            "SELECT CASE WHEN $4::TIMESTAMP IS NULL THEN start WHEN start >= $4 AND start < $5 THEN $4 ELSE $3 END,
               CAST(SUM(receipts) AS BIGINT), CAST(SUM(lots) AS BIGINT), CAST(SUM(points) AS BIGINT)
             FROM participant_buckets
             WHERE campaign = $1 AND participant = $2 AND start >= $3 AND ($6::TIMESTAMP IS NULL OR start < $6)
             GROUP BY 1",
        )?;
        let (d0, d1) = (q.day.map(|d| d.0), q.day.map(|d| d.1));
        let rows = self.query(&st, &[&campaign, &participant, &q.from, &d0, &d1, &q.to])?;
        rows.iter()
            .map(|r| {
                Ok(ReceiptBucket {
                    start: r.try_get(0)?,
                    count: settle::to_u64(r.try_get(1)?),
                    lots: settle::to_u64(r.try_get(2)?),
                    points: settle::to_u64(r.try_get(3)?),
                })
            })
            .collect()
    }

    fn participant_totals(
        &mut self,
        campaign: &str,
        participant: &str,
    ) -> Result<(u64, u64, u64), StoreError> {
        let st = self.st(
            "SELECT receipts, lots, points FROM participant_totals WHERE campaign = $1 AND participant = $2",
        )?;
        Ok(match self.query_opt(&st, &[&campaign, &participant])? {
            Some(r) => (
                settle::to_u64(r.try_get(0)?),
                settle::to_u64(r.try_get(1)?),
                settle::to_u64(r.try_get(2)?),
            ),
            None => (0, 0, 0),
        })
    }

    fn claims(&mut self, campaign: &str, receipt_key: &str) -> Result<Vec<Claim>, StoreError> {
        let st = self.st(
            "SELECT participant, status, first_submission_id, first_at FROM receipts
             WHERE campaign = $1 AND receipt_key = $2",
        )?;
        let rows = self.query(&st, &[&campaign, &receipt_key])?;
        rows.iter()
            .map(|r| {
                Ok(Claim {
                    participant: r.try_get(0)?,
                    status: r.try_get(1)?,
                    first_submission_id: r.try_get(2)?,
                    first_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    fn insert_submission(&mut self, s: &SubmissionRow<'_>) -> Result<i64, StoreError> {
        let st = self.st(
            "INSERT INTO submissions (campaign, participant, idempotency_key, channel, received_at, day, qr,
               receipt_key, status, next_at, lots, points, reasons, decision, recheck)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )?;
        let r = self.query_one(
            &st,
            &[
                &s.campaign,
                &s.participant,
                &s.idempotency_key,
                &s.channel,
                &s.received_at,
                &s.day,
                &s.qr,
                &s.receipt_key,
                &s.status,
                &s.next_at,
                &s.lots,
                &s.points,
                &s.reasons,
                &s.decision,
                &s.recheck,
            ],
        )?;
        Ok(r.try_get(0)?)
    }

    fn supersede(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
        except: i64,
    ) -> Result<(), StoreError> {
        let st = self.st(
            "UPDATE submissions SET superseded = TRUE
             WHERE campaign = $1 AND receipt_key = $2 AND participant = $3 AND id <> $4 AND NOT superseded",
        )?;
        self.execute(&st, &[&campaign, &receipt_key, &participant, &except])?;
        Ok(())
    }

    fn upsert_receipt(&mut self, r: &ReceiptRow<'_>, existed: bool) -> Result<(), StoreError> {
        let counted_at = r.counted.then_some(r.at);
        if existed {
            let st = self.st(
                "UPDATE receipts SET channel = $4, qr = $5, receipt = COALESCE($6, receipt), status = $7,
                   next_at = $8, attempts = $9, lots = $10, points = $11, last_submission_id = $12,
                   counted_at = $13, updated_at = $14
                 WHERE campaign = $1 AND receipt_key = $2 AND participant = $3",
            )?;
            self.execute(
                &st,
                &[
                    &r.campaign,
                    &r.receipt_key,
                    &r.participant,
                    &r.channel,
                    &r.qr,
                    &r.receipt,
                    &r.status,
                    &r.next_at,
                    &r.attempts,
                    &r.lots,
                    &r.points,
                    &r.submission_id,
                    &counted_at,
                    &r.at,
                ],
            )?;
        } else {
            let st = self.st(
                "INSERT INTO receipts (campaign, receipt_key, participant, channel, qr, receipt, status, next_at,
                   attempts, lots, points, first_submission_id, last_submission_id, first_at, counted_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $13)",
            )?;
            self.execute(
                &st,
                &[
                    &r.campaign,
                    &r.receipt_key,
                    &r.participant,
                    &r.channel,
                    &r.qr,
                    &r.receipt,
                    &r.status,
                    &r.next_at,
                    &r.attempts,
                    &r.lots,
                    &r.points,
                    &r.submission_id,
                    &r.at,
                    &counted_at,
                ],
            )?;
        }
        Ok(())
    }

    fn insert_accrual(&mut self, r: &ReceiptRow<'_>) -> Result<(), StoreError> {
        // Chained (and counted) with the transaction's other accruals just before COMMIT.
        let p = self.pending_of(r, r.submission_id);
        self.pending.push(p);
        Ok(())
    }

    fn add_totals(
        &mut self,
        campaign: &str,
        participant: &str,
        lots: i64,
        points: i64,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let st = self.st(
            "INSERT INTO participant_buckets (campaign, participant, start, receipts, lots, points)
             VALUES ($1, $2, $3, 1, $4, $5)
             ON CONFLICT (campaign, participant, start) DO UPDATE SET receipts = participant_buckets.receipts + 1,
               lots = participant_buckets.lots + EXCLUDED.lots, points = participant_buckets.points + EXCLUDED.points",
        )?;
        self.execute(
            &st,
            &[
                &campaign,
                &participant,
                &settle::bucket_of(at),
                &lots,
                &points,
            ],
        )?;
        // The campaign counter is added to by the chain append, under the campaign's head.
        let st = self.st(
            "INSERT INTO participant_totals (campaign, participant, receipts, lots, points) VALUES ($1, $2, 1, $3, $4)
             ON CONFLICT (campaign, participant) DO UPDATE SET receipts = participant_totals.receipts + 1,
               lots = participant_totals.lots + EXCLUDED.lots, points = participant_totals.points + EXCLUDED.points",
        )?;
        self.execute(&st, &[&campaign, &participant, &lots, &points])?;
        Ok(())
    }

    fn replace_segments(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
        segments: &[&str],
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let del = self.st(
            "DELETE FROM segment_members WHERE campaign = $1 AND participant = $2 AND receipt_key = $3",
        )?;
        self.execute(&del, &[&campaign, &participant, &receipt_key])?;
        if segments.is_empty() {
            return Ok(());
        }
        let ins = self.st(
            "INSERT INTO segment_members (campaign, segment, participant, receipt_key, since)
             SELECT $1, s, $3, $4, $5 FROM UNNEST($2::TEXT[]) AS s
             ON CONFLICT DO NOTHING",
        )?;
        self.execute(
            &ins,
            &[&campaign, &segments, &participant, &receipt_key, &at],
        )?;
        Ok(())
    }
}
