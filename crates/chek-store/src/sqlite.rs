//! The SQLite backend: one connection behind a mutex (SQLite has one writer anyway), WAL with
//! `synchronous = NORMAL`, a busy timeout for other processes, `BEGIN IMMEDIATE` per settle so
//! the history read and the accrual happen under one write lock, cached prepared statements.

mod docs;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chek_core::campaign::{Decision, ParticipantHistory, PastReceipt};
use chek_core::fiscal::ReceiptId;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::migrate::{self, SQLITE};
use crate::read::{self, ClaimRow, DrawRow, FailureRow, SegmentRow, SubmissionStat};
use crate::settle::{self, Claim, ReceiptRow, Replay, SettleTx, SubmissionRow, run_batch};
use crate::{FailedSubmission, Settled, Settlement, StoreError};

/// How long a settle waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Sqlite {
    conn: Mutex<Connection>,
}

// Times are written and read on every settle, several times over; chrono's format strings
// cost more than the rest of the row handling, so the fixed layouts are done by hand.

fn push_num(s: &mut String, v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut v = v;
    for d in buf[..width].iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    s.extend(buf[..width].iter().map(|&b| char::from(b)));
}

pub(crate) fn ts(t: NaiveDateTime) -> String {
    use chrono::Timelike;
    let mut s = day(t.date());
    s.reserve(16);
    s.push(' ');
    push_num(&mut s, t.hour(), 2);
    s.push(':');
    push_num(&mut s, t.minute(), 2);
    s.push(':');
    push_num(&mut s, t.second(), 2);
    s.push('.');
    push_num(&mut s, t.nanosecond() / 1000 % 1_000_000, 6);
    s
}

/// The digits `b[from..from + n]` as a number, if they are all digits.
fn digits(b: &[u8], from: usize, n: usize) -> Option<u32> {
    b.get(from..from + n)?.iter().try_fold(0u32, |a, &c| {
        c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))
    })
}

fn fast_day(b: &[u8]) -> Option<NaiveDate> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let y = i32::try_from(digits(b, 0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(y, digits(b, 5, 2)?, digits(b, 8, 2)?)
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` (what [`ts`] writes) by hand; anything else through chrono.
fn fast_ts(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 26 || b[10] != b' ' || b[13] != b':' || b[16] != b':' || b[19] != b'.' {
        return None;
    }
    fast_day(b)?.and_hms_micro_opt(
        digits(b, 11, 2)?,
        digits(b, 14, 2)?,
        digits(b, 17, 2)?,
        digits(b, 20, 6)?,
    )
}

pub(crate) fn parse_ts(s: &str) -> Result<NaiveDateTime, StoreError> {
    if let Some(t) = fast_ts(s) {
        return Ok(t);
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

fn day(d: NaiveDate) -> String {
    use chrono::Datelike;
    let mut s = String::with_capacity(26);
    match u32::try_from(d.year()) {
        Ok(y) if y <= 9999 => push_num(&mut s, y, 4),
        // Years chrono allows but four digits do not hold: chrono's own rendering.
        _ => return d.format("%Y-%m-%d").to_string(),
    }
    s.push('-');
    push_num(&mut s, d.month(), 2);
    s.push('-');
    push_num(&mut s, d.day(), 2);
    s
}

fn parse_day(s: &str) -> Result<NaiveDate, StoreError> {
    if s.len() == 10
        && let Some(d) = fast_day(s.as_bytes())
    {
        return Ok(d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("day {s:?}: {e}")))
}

impl Sqlite {
    /// Opens (creating if needed) a file, or an in-memory database when `path` is `None`.
    pub(crate) fn open(path: Option<&str>) -> Result<Self, StoreError> {
        let conn = match path {
            Some(p) => Connection::open(p),
            None => Connection::open_in_memory(),
        }
        .map_err(|e| StoreError::Open(e.to_string()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::Open(e.to_string()))?;
        if path.is_some() {
            let mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(|e| StoreError::Open(e.to_string()))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Open(format!(
                    "WAL journal mode unavailable (got {mode})"
                )));
            }
        }
        // In WAL mode NORMAL loses at most the last commits on power loss, never consistency;
        // a killed process loses nothing committed. Commits then cost no fsync; checkpoints do
        // (two per checkpoint), so they run every 16 384 pages (64 MiB of WAL) instead of every
        // 1 000: a settle writes about a dozen pages. The WAL file is cut back to 64 MiB after.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;
             PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;
             PRAGMA cache_size = -65536;",
        )
        .map_err(|e| StoreError::Open(e.to_string()))?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate_conn(&conn)?;
        Ok(Sqlite {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic in an evaluate closure rolls its transaction back (the guard drops it), so the
        // connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn schema_version(&self) -> Result<u32, StoreError> {
        version(&self.conn())
    }

    pub(crate) fn ensure_participant(
        &self,
        campaign: &str,
        participant: &str,
        lang: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO participants (campaign, participant, lang, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (campaign, participant) DO UPDATE SET lang = excluded.lang",
            )?
            .execute(params![campaign, participant, lang, ts(at)])?;
        Ok(())
    }

    pub(crate) fn settle(
        &self,
        s: &Settlement,
        id: ReceiptId,
        evaluate: &mut dyn FnMut(&ParticipantHistory) -> Decision,
    ) -> Result<Settled, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = settle::settle_in(&mut Tx(&tx), s, id, evaluate)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn peek_history(
        &self,
        s: &Settlement,
        id: ReceiptId,
    ) -> Result<ParticipantHistory, StoreError> {
        let mut conn = self.conn();
        // Deferred: a read transaction, one consistent snapshot, no write lock.
        let tx = conn.transaction()?;
        settle::peek_history(&mut Tx(&tx), s, id)
    }

    pub(crate) fn settle_batch(
        &self,
        batch: &[(Settlement, Result<ReceiptId, StoreError>)],
        evaluate: &mut dyn FnMut(usize, &ParticipantHistory) -> Decision,
    ) -> Result<Vec<Result<Settled, StoreError>>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = run_batch(&mut Tx(&tx), batch, evaluate)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn record_failure(&self, f: &FailedSubmission) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO failures (campaign, participant, idempotency_key, channel, received_at, day, code, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (campaign, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
            )?
            .execute(params![
                f.campaign,
                f.participant,
                f.idempotency_key,
                f.channel.map(|c| c.as_str()),
                ts(f.received_at),
                day(f.received_at.date()),
                f.code,
                read::cut(&f.detail, settle::MAX_DETAIL),
            ])?;
        Ok(())
    }

    pub(crate) fn due_rechecks(
        &self,
        campaign: &str,
        now: NaiveDateTime,
        limit: usize,
    ) -> Result<Vec<ClaimRow>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT r.participant, COALESCE(p.lang, 'ru'), r.qr, r.channel, r.first_at, r.next_at, r.attempts
             FROM receipts r LEFT JOIN participants p ON p.campaign = r.campaign AND p.participant = r.participant
             WHERE r.campaign = ?1 AND r.status = 'pending_recheck' AND r.next_at <= ?2
             ORDER BY r.next_at, r.participant LIMIT ?3",
        )?;
        let rows = st.query_map(
            params![campaign, ts(now), i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (participant, lang, qr, channel, first_at, next_at, attempts) = row?;
            out.push(ClaimRow {
                participant,
                lang,
                qr,
                channel,
                first_at: parse_ts(&first_at)?,
                next_at: match next_at {
                    Some(t) => parse_ts(&t)?,
                    None => return Err(StoreError::Corrupt("pending without next_at".into())),
                },
                attempts,
            });
        }
        Ok(out)
    }

    pub(crate) fn accruals(
        &self,
        campaign: &str,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT participant, SUM(lots) FROM accruals WHERE campaign = ?1 AND at >= ?2 AND at < ?3
             GROUP BY participant",
        )?;
        let rows = st.query_map(params![campaign, ts(from), ts(to)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn record_draw(&self, d: &DrawRow) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT seed_commitment, result FROM draws WHERE campaign = ?1 AND period = ?2",
                params![d.campaign, d.period],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match read::draw_write(found.as_ref().map(|(c, r)| (c.as_str(), r.is_some())), d)? {
            read::DrawWrite::Insert => {
                tx.execute(
                    "INSERT INTO draws (campaign, period, seed_commitment, result, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![d.campaign, d.period, d.seed_commitment, d.result, ts(d.recorded_at)],
                )?;
            }
            read::DrawWrite::Reveal => {
                tx.execute(
                    "UPDATE draws SET result = ?3, recorded_at = ?4 WHERE campaign = ?1 AND period = ?2",
                    params![d.campaign, d.period, d.result, ts(d.recorded_at)],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn draws(&self, campaign: &str) -> Result<Vec<DrawRow>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT period, seed_commitment, result, recorded_at FROM draws WHERE campaign = ?1 ORDER BY recorded_at, period",
        )?;
        let rows = st.query_map(params![campaign], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (period, seed_commitment, result, at) = row?;
            out.push(DrawRow {
                campaign: campaign.to_owned(),
                period,
                seed_commitment,
                result,
                recorded_at: parse_ts(&at)?,
            });
        }
        Ok(out)
    }

    pub(crate) fn segment(
        &self,
        campaign: &str,
        segment: &str,
    ) -> Result<Vec<SegmentRow>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT s.participant, COALESCE(p.lang, 'ru'), s.receipt_key, s.since
             FROM segment_members s LEFT JOIN participants p ON p.campaign = s.campaign AND p.participant = s.participant
             WHERE s.campaign = ?1 AND s.segment = ?2 ORDER BY s.participant, s.since, s.receipt_key",
        )?;
        let rows = st.query_map(params![campaign, segment], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (participant, lang, receipt, since) = row?;
            out.push(SegmentRow {
                participant,
                lang,
                receipt,
                since: parse_ts(&since)?,
            });
        }
        Ok(out)
    }

    pub(crate) fn report_rows(
        &self,
        campaign: &str,
    ) -> Result<(Vec<SubmissionStat>, Vec<FailureRow>, u64), StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT day, status, lots, points, reasons FROM submissions
             WHERE campaign = ?1 AND superseded = 0",
        )?;
        let rows = st.query_map(params![campaign], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut subs = Vec::new();
        for row in rows {
            let (d, status, lots, points, reasons) = row?;
            subs.push(SubmissionStat {
                day: parse_day(&d)?,
                status,
                lots,
                points,
                reasons,
            });
        }
        let mut st = conn.prepare_cached("SELECT day, code FROM failures WHERE campaign = ?1")?;
        let rows = st.query_map(params![campaign], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut fails = Vec::new();
        for row in rows {
            let (d, code) = row?;
            fails.push(FailureRow {
                day: parse_day(&d)?,
                code,
            });
        }
        let participants: i64 = conn.query_row(
            "SELECT COUNT(*) FROM participants WHERE campaign = ?1",
            params![campaign],
            |r| r.get(0),
        )?;
        Ok((subs, fails, settle::to_u64(participants)))
    }

    /// Runs read-only SQL for tests and checks; returns the first column of each row as i64.
    pub(crate) fn query_i64(&self, sql: &str, campaign: &str) -> Result<Vec<i64>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(sql)?;
        let rows = st.query_map(params![campaign], |r| r.get::<_, Option<i64>>(0))?;
        rows.map(|r| r.map(|v| v.unwrap_or(0)).map_err(StoreError::from))
            .collect()
    }
}

fn version(conn: &Connection) -> Result<u32, StoreError> {
    let v: Option<i64> =
        conn.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))?;
    Ok(u32::try_from(v.unwrap_or(0)).unwrap_or(0))
}

fn migrate_conn(conn: &Connection) -> Result<(), StoreError> {
    let m = |e: rusqlite::Error| StoreError::Migrate(e.to_string());
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .map_err(m)?;
    // Another process may migrate at the same time: the write lock orders them.
    conn.execute_batch("BEGIN IMMEDIATE").map_err(m)?;
    let res = (|| {
        let found = version(conn)?;
        migrate::check_not_newer(found)?;
        for mig in SQLITE.iter().filter(|mig| mig.version > found) {
            conn.execute_batch(mig.sql).map_err(m)?;
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?1, datetime('now'))",
                params![mig.version],
            )
            .map_err(m)?;
        }
        Ok::<(), StoreError>(())
    })();
    match res {
        Ok(()) => conn.execute_batch("COMMIT").map_err(m),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

struct Tx<'a>(&'a rusqlite::Transaction<'a>);

impl SettleTx for Tx<'_> {
    fn find_replay(&mut self, campaign: &str, key: &str) -> Result<Option<Replay>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT id, participant, status, next_at, decision FROM submissions
             WHERE campaign = ?1 AND idempotency_key = ?2",
        )?;
        let row = st
            .query_row(params![campaign, key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()?;
        row.map(|(id, participant, status, next_at, decision)| {
            Ok(Replay {
                id,
                participant,
                status,
                next_at: next_at.as_deref().map(parse_ts).transpose()?,
                decision,
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
        // BEGIN IMMEDIATE already holds the database write lock.
        self.0
            .prepare_cached(
                "INSERT INTO participants (campaign, participant, lang, created_at)
                 VALUES (?1, ?2, COALESCE(?4, 'ru'), ?3)
                 ON CONFLICT (campaign, participant) DO UPDATE SET lang = excluded.lang
                 WHERE ?4 IS NOT NULL AND participants.lang <> excluded.lang",
            )?
            .execute(params![campaign, participant, ts(at), lang])?;
        Ok(())
    }

    fn lock_receipt(&mut self, _campaign: &str, _receipt_key: &str) -> Result<(), StoreError> {
        Ok(())
    }

    fn campaign_totals(&mut self, campaign: &str, _lock: bool) -> Result<(u64, u64), StoreError> {
        let (l, p): (i64, i64) = self
            .0
            .prepare_cached(
                "SELECT COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0) FROM campaign_totals WHERE campaign = ?1",
            )?
            .query_row(params![campaign], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((settle::to_u64(l), settle::to_u64(p)))
    }

    fn own_receipts(
        &mut self,
        campaign: &str,
        participant: &str,
    ) -> Result<Vec<PastReceipt>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT receipt_key, counted_at, lots, points FROM receipts
             WHERE campaign = ?1 AND participant = ?2 AND status = 'accepted'",
        )?;
        let rows = st.query_map(params![campaign, participant], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, at, lots, points) = row?;
            out.push(read::past_receipt(
                &key,
                at.as_deref(),
                lots,
                points,
                parse_ts,
            )?);
        }
        Ok(out)
    }

    fn claims(&mut self, campaign: &str, receipt_key: &str) -> Result<Vec<Claim>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT participant, status, first_submission_id, first_at FROM receipts
             WHERE campaign = ?1 AND receipt_key = ?2",
        )?;
        let rows = st.query_map(params![campaign, receipt_key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (participant, status, first_submission_id, first_at) = row?;
            out.push(Claim {
                participant,
                status,
                first_submission_id,
                first_at: parse_ts(&first_at)?,
            });
        }
        Ok(out)
    }

    fn insert_submission(&mut self, s: &SubmissionRow<'_>) -> Result<i64, StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO submissions (campaign, participant, idempotency_key, channel, received_at, day, qr,
                   receipt_key, status, next_at, lots, points, reasons, decision, recheck)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                s.campaign,
                s.participant,
                s.idempotency_key,
                s.channel,
                ts(s.received_at),
                day(s.day),
                s.qr,
                s.receipt_key,
                s.status,
                s.next_at.map(ts),
                s.lots,
                s.points,
                s.reasons,
                s.decision,
                s.recheck,
            ])?;
        Ok(self.0.last_insert_rowid())
    }

    fn supersede(
        &mut self,
        campaign: &str,
        participant: &str,
        receipt_key: &str,
        except: i64,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "UPDATE submissions SET superseded = 1
                 WHERE campaign = ?1 AND receipt_key = ?2 AND participant = ?3 AND id <> ?4 AND superseded = 0",
            )?
            .execute(params![campaign, receipt_key, participant, except])?;
        Ok(())
    }

    fn upsert_receipt(&mut self, r: &ReceiptRow<'_>, existed: bool) -> Result<(), StoreError> {
        let counted_at = r.counted.then(|| ts(r.at));
        if existed {
            self.0
                .prepare_cached(
                    "UPDATE receipts SET channel = ?4, qr = ?5, receipt = COALESCE(?6, receipt), status = ?7,
                       next_at = ?8, attempts = ?9, lots = ?10, points = ?11, last_submission_id = ?12,
                       counted_at = ?13, updated_at = ?14
                     WHERE campaign = ?1 AND receipt_key = ?2 AND participant = ?3",
                )?
                .execute(params![
                    r.campaign,
                    r.receipt_key,
                    r.participant,
                    r.channel,
                    r.qr,
                    r.receipt,
                    r.status,
                    r.next_at.map(ts),
                    r.attempts,
                    r.lots,
                    r.points,
                    r.submission_id,
                    counted_at,
                    ts(r.at),
                ])?;
        } else {
            self.0
                .prepare_cached(
                    "INSERT INTO receipts (campaign, receipt_key, participant, channel, qr, receipt, status, next_at,
                       attempts, lots, points, first_submission_id, last_submission_id, first_at, counted_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?13)",
                )?
                .execute(params![
                    r.campaign,
                    r.receipt_key,
                    r.participant,
                    r.channel,
                    r.qr,
                    r.receipt,
                    r.status,
                    r.next_at.map(ts),
                    r.attempts,
                    r.lots,
                    r.points,
                    r.submission_id,
                    ts(r.at),
                    counted_at,
                ])?;
        }
        Ok(())
    }

    fn insert_accrual(&mut self, r: &ReceiptRow<'_>) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO accruals (campaign, participant, receipt_key, submission_id, lots, points, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                r.campaign,
                r.participant,
                r.receipt_key,
                r.submission_id,
                r.lots,
                r.points,
                ts(r.at)
            ])?;
        Ok(())
    }

    fn add_totals(
        &mut self,
        campaign: &str,
        _participant: &str,
        lots: i64,
        points: i64,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO campaign_totals (campaign, shard, lots, points) VALUES (?1, 0, ?2, ?3)
                 ON CONFLICT (campaign, shard) DO UPDATE SET lots = lots + excluded.lots, points = points + excluded.points",
            )?
            .execute(params![campaign, lots, points])?;
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
        self.0
            .prepare_cached(
                "DELETE FROM segment_members WHERE campaign = ?1 AND participant = ?2 AND receipt_key = ?3",
            )?
            .execute(params![campaign, participant, receipt_key])?;
        let mut st = self.0.prepare_cached(
            "INSERT OR IGNORE INTO segment_members (campaign, segment, participant, receipt_key, since)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for seg in segments {
            st.execute(params![campaign, seg, participant, receipt_key, ts(at)])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_days_round_trip_in_the_stored_layout() {
        let t = |y, mo, d, h, mi, s, us| {
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|x| x.and_hms_micro_opt(h, mi, s, us))
                .unwrap_or_default()
        };
        for v in [
            t(2026, 11, 23, 9, 5, 7, 42),
            t(2026, 1, 1, 0, 0, 0, 0),
            t(1, 12, 31, 23, 59, 59, 999_999),
            t(9999, 2, 28, 12, 0, 0, 500_000),
            t(-44, 3, 15, 12, 0, 0, 0),
            t(12345, 6, 7, 8, 9, 10, 11),
        ] {
            let s = ts(v);
            assert_eq!(parse_ts(&s).ok(), Some(v), "{s}");
            assert_eq!(parse_day(&day(v.date())).ok(), Some(v.date()));
        }
        assert_eq!(
            ts(t(2026, 11, 23, 9, 5, 7, 42)),
            "2026-11-23 09:05:07.000042"
        );
        assert_eq!(day(t(2026, 3, 8, 0, 0, 0, 0).date()), "2026-03-08");
        // Rows written without a fraction, or by hand, still read.
        assert_eq!(
            parse_ts("2026-11-23 09:05:07").ok(),
            Some(t(2026, 11, 23, 9, 5, 7, 0))
        );
        for bad in [
            "",
            "2026-11-23",
            "2026-13-01 00:00:00.000000",
            "2026-11-23T09:05:07.000000",
            "２０２６-11-23 09:05:07.000000",
        ] {
            assert!(parse_ts(bad).is_err(), "{bad}");
        }
        assert!(parse_day("2026-02-30").is_err());
    }
}
