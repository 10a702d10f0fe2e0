//! The SQLite backend: one connection behind a mutex (SQLite has one writer anyway), WAL with
//! `synchronous = NORMAL`, a busy timeout for other processes, `BEGIN IMMEDIATE` per settle so
//! the history read and the accrual happen under one write lock, cached prepared statements.

mod chain;
mod docs;
mod outbox;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chek_core::campaign::{Decision, ParticipantHistory, PastReceipt, ReceiptBucket};
use chek_core::fiscal::ReceiptId;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::migrate::{self, SQLITE};
use crate::read::{
    self, BalanceRow, ClaimRow, DrawRow, EntryRow, FailureRow, ParticipantRow, SegmentRow,
    SubmissionStat,
};
use crate::settle::{self, Claim, ReceiptRow, Replay, SettleTx, SubmissionRow, run_batch};
use crate::{FailedSubmission, OpenOptions, Settled, Settlement, StoreError};

/// How long one statement waits for another process's lock before the whole transaction is
/// retried (within the open's `busy_wait`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// `PRAGMA application_id` of a chek ledger ("chek"): other SQLite files are refused.
pub(crate) const APPLICATION_ID: i64 = 0x6368_656b;

pub(crate) struct Sqlite {
    conn: Mutex<Connection>,
    busy_wait: Duration,
}

/// A short randomised pause before retrying a busy transaction, so that waiting writers do
/// not retry in lockstep.
fn backoff(attempt: u32) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let base = u64::from(attempt.min(10)) * 5;
    std::thread::sleep(Duration::from_millis(base + u64::from(nanos % 20)));
}

fn open_err_of(e: StoreError) -> StoreError {
    match e {
        b @ (StoreError::Busy(_) | StoreError::Corrupt(_)) => b,
        other => StoreError::Open(other.to_string()),
    }
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
    /// Opens a file (created only with `opts.create`), or an in-memory database when `path` is
    /// `None`. Many processes may open (and migrate) the same new file at once: a busy database
    /// is retried within `opts.busy_wait`.
    pub(crate) fn open(path: Option<&str>, opts: &OpenOptions) -> Result<Self, StoreError> {
        let deadline = Instant::now() + opts.busy_wait;
        let mut attempt = 0u32;
        loop {
            match Self::try_open(path, opts) {
                Err(StoreError::Busy(_)) if Instant::now() < deadline => {
                    attempt += 1;
                    backoff(attempt);
                }
                other => return other,
            }
        }
    }

    fn try_open(path: Option<&str>, opts: &OpenOptions) -> Result<Self, StoreError> {
        use rusqlite::OpenFlags as F;
        let open_err = |e: rusqlite::Error| match StoreError::from(e) {
            b @ StoreError::Busy(_) => b,
            c @ StoreError::Corrupt(_) => c,
            other => StoreError::Open(other.to_string()),
        };
        let conn = match path {
            Some(p) => {
                let mut flags =
                    F::SQLITE_OPEN_READ_WRITE | F::SQLITE_OPEN_URI | F::SQLITE_OPEN_NO_MUTEX;
                if opts.create {
                    flags |= F::SQLITE_OPEN_CREATE;
                } else if !std::path::Path::new(p).exists() {
                    return Err(StoreError::NotFound(p.to_owned()));
                }
                Connection::open_with_flags(p, flags)
            }
            None => Connection::open_in_memory(),
        }
        .map_err(|e| StoreError::Open(e.to_string()))?;
        conn.busy_timeout(opts.busy_wait.min(BUSY_TIMEOUT))
            .map_err(open_err)?;
        if let Some(p) = path {
            // A file that is not an SQLite database at all fails here, before anything is written.
            let app: i64 = conn
                .query_row("PRAGMA application_id", [], |r| r.get(0))
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Corrupt(m) => StoreError::Foreign(format!("{p}: {m}")),
                    other => open_err_of(other),
                })?;
            if app != 0 && app != APPLICATION_ID {
                return Err(StoreError::Foreign(format!(
                    "{p}: application_id {app:#x} is not chek's"
                )));
            }
            let mode: String = conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .map_err(open_err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                let mode: String = conn
                    .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                    .map_err(open_err)?;
                if !mode.eq_ignore_ascii_case("wal") {
                    return Err(StoreError::Open(format!(
                        "WAL journal mode unavailable (got {mode})"
                    )));
                }
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
        .map_err(open_err)?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate_conn(&conn, path.unwrap_or(":memory:"))?;
        Ok(Sqlite {
            conn: Mutex::new(conn),
            busy_wait: opts.busy_wait,
        })
    }

    /// Runs `f` again while the database is busy, within the open's `busy_wait`: a busy ledger
    /// waits instead of refusing work. `f` is a whole transaction, so a retry starts afresh.
    fn retry<T>(
        &self,
        mut f: impl FnMut(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let deadline = Instant::now() + self.busy_wait;
        let mut attempt = 0u32;
        loop {
            let r = f(&mut self.conn());
            match r {
                Err(StoreError::Busy(_)) if Instant::now() < deadline => {
                    attempt += 1;
                    backoff(attempt);
                }
                other => return other,
            }
        }
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
        self.retry(|conn| {
            conn.prepare_cached(
                "INSERT INTO participants (campaign, participant, lang, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (campaign, participant) DO UPDATE SET lang = excluded.lang",
            )?
            .execute(params![campaign, participant, lang, ts(at)])?;
            Ok(())
        })
    }

    pub(crate) fn settle(
        &self,
        s: &Settlement,
        id: ReceiptId,
        evaluate: &mut dyn FnMut(&ParticipantHistory) -> Decision,
    ) -> Result<Settled, StoreError> {
        self.retry(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = settle::settle_in(&mut Tx(&tx), s, id, evaluate)?;
            tx.commit()?;
            Ok(out)
        })
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
        self.retry(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = run_batch(&mut Tx(&tx), batch, evaluate)?;
            tx.commit()?;
            Ok(out)
        })
    }

    pub(crate) fn record_failure(&self, f: &FailedSubmission) -> Result<(), StoreError> {
        self.retry(|conn| Self::record_failure_in(conn, f))
    }

    fn record_failure_in(conn: &Connection, f: &FailedSubmission) -> Result<(), StoreError> {
        conn
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
        self.retry(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT seed_commitment, result FROM draws WHERE campaign = ?1 AND period = ?2",
                    params![d.campaign, d.period],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let overlapping = match (d.from, d.to) {
                (Some(a), Some(b)) => tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM draws WHERE campaign = ?1 AND prize_set = ?2
                       AND period <> ?3 AND from_day <= ?5 AND to_day >= ?4)",
                    params![d.campaign, d.prize_set, d.period, day(a), day(b)],
                    |r| r.get::<_, bool>(0),
                )?,
                _ => false,
            };
            let found = found.as_ref().map(|(c, r)| (c.as_str(), r.is_some()));
            // The transaction holds the write lock: the link goes after the head as it commits.
            let head = chain::head_for_append(&tx, &d.campaign)?;
            let (seq, _, hash) = match read::draw_write(found, overlapping, d)? {
                read::DrawWrite::Insert => {
                    let link = crate::chain::append(
                        crate::chain::DRAW,
                        &d.campaign,
                        (head.0, &head.1),
                        &crate::chain::draw_fields(d),
                    );
                    tx.execute(
                        "INSERT INTO draws (campaign, period, seed_commitment, result, recorded_at, prize_set,
                           from_day, to_day, beacon_source, beacon_round, drawn_at, seq, prev_hash, hash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                        params![
                            d.campaign,
                            d.period,
                            d.seed_commitment,
                            d.result,
                            ts(d.recorded_at),
                            d.prize_set,
                            d.from.map(day),
                            d.to.map(day),
                            d.beacon_source,
                            d.beacon_round,
                            d.drawn_at.map(ts),
                            link.0,
                            link.1,
                            link.2,
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
                    tx.execute(
                        "UPDATE draws SET result = ?3, drawn_at = ?4, reveal_seq = ?5, reveal_prev_hash = ?6,
                           reveal_hash = ?7
                         WHERE campaign = ?1 AND period = ?2",
                        params![
                            d.campaign,
                            d.period,
                            d.result,
                            ts(drawn_at),
                            link.0,
                            link.1,
                            link.2,
                        ],
                    )?;
                    link
                }
            };
            chain::set_head(&tx, &d.campaign, seq, &hash)?;
            tx.commit()?;
            Ok(())
        })
    }

    pub(crate) fn draws(&self, campaign: &str) -> Result<Vec<DrawRow>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT period, seed_commitment, result, recorded_at, prize_set, from_day, to_day,
               beacon_source, beacon_round, drawn_at
             FROM draws WHERE campaign = ?1 ORDER BY recorded_at, period",
        )?;
        type Raw = (
            String,
            String,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows = st.query_map(params![campaign], |r| {
            Ok::<Raw, rusqlite::Error>((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (period, seed_commitment, result, at, prize_set, from, to, source, round, drawn) =
                row?;
            out.push(DrawRow {
                campaign: campaign.to_owned(),
                period,
                seed_commitment,
                result,
                recorded_at: parse_ts(&at)?,
                prize_set,
                from: from.as_deref().map(parse_day).transpose()?,
                to: to.as_deref().map(parse_day).transpose()?,
                beacon_source: source,
                beacon_round: round,
                drawn_at: drawn.as_deref().map(parse_ts).transpose()?,
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
        self.retry(|conn| {
            // One read transaction: one snapshot, no write lock (WAL readers do not wait).
            let tx = conn.transaction()?;
            let mut st = tx.prepare_cached(
                "SELECT day, status, COUNT(*), COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0), reasons
                 FROM submissions WHERE campaign = ?1 AND superseded = 0
                 GROUP BY day, status, reasons",
            )?;
            let rows = st.query_map(params![campaign], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            let mut subs = Vec::new();
            for row in rows {
                let (d, status, n, lots, points, reasons) = row?;
                subs.push(SubmissionStat {
                    day: parse_day(&d)?,
                    status,
                    n,
                    lots,
                    points,
                    reasons,
                });
            }
            drop(st);
            let mut st = tx.prepare_cached(
                "SELECT day, code, COUNT(*) FROM failures WHERE campaign = ?1 GROUP BY day, code",
            )?;
            let rows = st.query_map(params![campaign], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
            })?;
            let mut fails = Vec::new();
            for row in rows {
                let (d, code, n) = row?;
                fails.push(FailureRow {
                    day: parse_day(&d)?,
                    code,
                    n,
                });
            }
            drop(st);
            let participants: i64 = tx.query_row(
                "SELECT COUNT(*) FROM participants WHERE campaign = ?1",
                params![campaign],
                |r| r.get(0),
            )?;
            Ok((subs, fails, settle::to_u64(participants)))
        })
    }

    /// Walks the chains in one read transaction (one snapshot, no write lock: writers go on).
    pub(crate) fn verify_chain(
        &self,
        campaign: Option<&str>,
    ) -> Result<crate::ChainReport, StoreError> {
        self.retry(|conn| {
            let tx = conn.transaction()?;
            crate::chain::verify(&mut chain::ChainConn(&tx), campaign)
        })
    }

    /// The recorded head of a campaign's chain.
    pub(crate) fn chain_head(&self, campaign: &str) -> Result<Option<(i64, String)>, StoreError> {
        let conn = self.conn();
        crate::chain::ChainRead::head(&mut chain::ChainConn(&conn), campaign)
    }

    pub(crate) fn participant(
        &self,
        campaign: &str,
        participant: &str,
    ) -> Result<Option<(ParticipantRow, Vec<EntryRow>)>, StoreError> {
        self.retry(|conn| {
            // One read transaction: the totals and the receipts from one snapshot.
            let tx = conn.transaction()?;
            let head = tx
                .prepare_cached(
                    "SELECT p.lang, p.created_at, COALESCE(t.receipts, 0), COALESCE(t.lots, 0), COALESCE(t.points, 0)
                     FROM participants p LEFT JOIN participant_totals t
                       ON t.campaign = p.campaign AND t.participant = p.participant
                     WHERE p.campaign = ?1 AND p.participant = ?2",
                )?
                .query_row(params![campaign, participant], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })
                .optional()?;
            let Some((lang, since, counted, lots, points)) = head else {
                return Ok(None);
            };
            let mut st = tx.prepare_cached(
                "SELECT receipt_key, channel, qr, status, next_at, lots, points, first_at, counted_at, updated_at
                 FROM receipts WHERE campaign = ?1 AND participant = ?2 ORDER BY first_at, receipt_key",
            )?;
            let rows = st.query_map(params![campaign, participant], |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ),
                    (
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, String>(9)?,
                    ),
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let ((receipt, channel, qr, status, next_at), (lots, points, first, counted, upd)) =
                    row?;
                out.push(EntryRow {
                    receipt,
                    channel,
                    qr,
                    status,
                    next_at: next_at.as_deref().map(parse_ts).transpose()?,
                    lots,
                    points,
                    first_at: parse_ts(&first)?,
                    counted_at: counted.as_deref().map(parse_ts).transpose()?,
                    updated_at: parse_ts(&upd)?,
                });
            }
            let p = ParticipantRow {
                lang,
                since: parse_ts(&since)?,
                counted,
                lots,
                points,
            };
            Ok(Some((p, out)))
        })
    }

    pub(crate) fn balances(&self, campaign: &str) -> Result<Vec<BalanceRow>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT p.participant, COALESCE(t.receipts, 0), COALESCE(t.lots, 0), COALESCE(t.points, 0)
             FROM participants p LEFT JOIN participant_totals t
               ON t.campaign = p.campaign AND t.participant = p.participant
             WHERE p.campaign = ?1 ORDER BY p.participant",
        )?;
        let rows = st.query_map(params![campaign], |r| {
            Ok(BalanceRow {
                participant: r.get(0)?,
                counted: r.get(1)?,
                lots: r.get(2)?,
                points: r.get(3)?,
            })
        })?;
        rows.map(|r| r.map_err(StoreError::from)).collect()
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
    if !has_table(conn, "schema_version")? {
        return Ok(0);
    }
    let v: Option<i64> =
        conn.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))?;
    Ok(u32::try_from(v.unwrap_or(0)).unwrap_or(0))
}

fn has_table(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")?
        .exists(params![name])?)
}

/// Whether this database is chek's (or empty), read inside the caller's transaction: a chek
/// `application_id`, or (a ledger from before the mark) a `schema_version` table, or nothing.
fn check_ours(conn: &Connection, what: &str) -> Result<bool, StoreError> {
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app == APPLICATION_ID {
        return Ok(true);
    }
    if app != 0 {
        return Err(StoreError::Foreign(format!(
            "{what}: application_id {app:#x} is not chek's"
        )));
    }
    let tables: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        [],
        |r| r.get(0),
    )?;
    if tables > 0 && !has_table(conn, "schema_version")? {
        return Err(StoreError::Foreign(format!(
            "{what}: an SQLite database with {tables} tables of its own"
        )));
    }
    Ok(false)
}

/// Brings the schema up to date. An up-to-date ledger is only read (no write lock, so readers
/// open while a writer works); otherwise the write lock is taken and everything is read again
/// under it, so processes starting together migrate once, in turn.
fn migrate_conn(conn: &Connection, what: &str) -> Result<(), StoreError> {
    let m = |e: StoreError| match e {
        e @ (StoreError::Busy(_) | StoreError::Foreign(_) | StoreError::Migrate(_)) => e,
        other => StoreError::Migrate(other.to_string()),
    };
    let current = (|| {
        conn.execute_batch("BEGIN DEFERRED")?;
        let r = (|| {
            let marked = check_ours(conn, what)?;
            let found = version(conn)?;
            migrate::check_not_newer(found)?;
            Ok::<bool, StoreError>(marked && found == migrate::SCHEMA_VERSION)
        })();
        let _ = conn.execute_batch("COMMIT");
        r
    })()
    .map_err(m)?;
    if current {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| m(e.into()))?;
    let res = (|| {
        check_ours(conn, what)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let found = version(conn)?;
        migrate::check_not_newer(found)?;
        for mig in SQLITE.iter().filter(|mig| mig.version > found) {
            conn.execute_batch(mig.sql)?;
            if let Some(guards) = mig.then_chain {
                crate::chain::backfill(&mut chain::ChainConn(conn))?;
                conn.execute_batch(guards)?;
            }
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?1, datetime('now'))",
                params![mig.version],
            )?;
        }
        conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
        Ok::<(), StoreError>(())
    })();
    match res {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| m(e.into())),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(m(e))
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
        receipt_key: &str,
    ) -> Result<Vec<PastReceipt>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT receipt_key, counted_at, lots, points FROM receipts
             WHERE campaign = ?1 AND receipt_key = ?3 AND participant = ?2 AND status = 'accepted'",
        )?;
        let rows = st.query_map(params![campaign, participant, receipt_key], |r| {
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

    fn buckets(
        &mut self,
        campaign: &str,
        participant: &str,
        q: &settle::BucketQuery,
    ) -> Result<Vec<ReceiptBucket>, StoreError> {
        let to =
            q.to.map_or_else(|| "9999-12-31 23:59:59.999999".to_owned(), ts);
        let bucket = |start: NaiveDateTime, n: i64, l: i64, p: i64| ReceiptBucket {
            start,
            count: settle::to_u64(n),
            lots: settle::to_u64(l),
            points: settle::to_u64(p),
        };
        if let Some((d0, d1)) = q.day {
            // With the day known, two sums (the day, the rest of the window) in one pass over
            // the window's quarter hours: no grouping, no sort, no row per quarter hour.
            let mut st = self.0.prepare_cached(
                "SELECT COALESCE(SUM(d), 0), COALESCE(SUM(d * receipts), 0), COALESCE(SUM(d * lots), 0),
                   COALESCE(SUM(d * points), 0), COALESCE(SUM(1 - d), 0),
                   COALESCE(SUM((1 - d) * receipts), 0), COALESCE(SUM((1 - d) * lots), 0),
                   COALESCE(SUM((1 - d) * points), 0)
                 FROM (SELECT start >= ?4 AND start < ?5 AS d, receipts, lots, points
                       FROM participant_buckets
                       WHERE campaign = ?1 AND participant = ?2 AND start >= ?3 AND start < ?6)",
            )?;
            let v = st.query_row(
                params![campaign, participant, ts(q.from), ts(d0), ts(d1), to],
                |r| {
                    let mut v = [0i64; 8];
                    for (i, x) in v.iter_mut().enumerate() {
                        *x = r.get(i)?;
                    }
                    Ok(v)
                },
            )?;
            let mut out = Vec::with_capacity(2);
            if v[4] > 0 {
                out.push(bucket(q.from, v[5], v[6], v[7]));
            }
            if v[0] > 0 {
                out.push(bucket(d0, v[1], v[2], v[3]));
            }
            return Ok(out);
        }
        // Without, the quarter hours since `from`.
        let mut st = self.0.prepare_cached(
            "SELECT start, SUM(receipts), SUM(lots), SUM(points)
             FROM participant_buckets
             WHERE campaign = ?1 AND participant = ?2 AND start >= ?3 AND start < ?4
             GROUP BY start",
        )?;
        let rows = st.query_map(params![campaign, participant, ts(q.from), to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (start, n, l, p) = row?;
            out.push(bucket(parse_ts(&start)?, n, l, p));
        }
        Ok(out)
    }

    fn participant_totals(
        &mut self,
        campaign: &str,
        participant: &str,
    ) -> Result<(u64, u64, u64), StoreError> {
        let row: Option<(i64, i64, i64)> = self
            .0
            .prepare_cached(
                "SELECT receipts, lots, points FROM participant_totals WHERE campaign = ?1 AND participant = ?2",
            )?
            .query_row(params![campaign, participant], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (n, l, p) = row.unwrap_or_default();
        Ok((settle::to_u64(n), settle::to_u64(l), settle::to_u64(p)))
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
        // The transaction holds the database's write lock: the head read here is the head
        // when it commits.
        let head = chain::head_for_append(self.0, r.campaign)?;
        let fields = crate::chain::accrual_fields(
            r.participant,
            r.receipt_key,
            r.submission_id,
            r.lots,
            r.points,
            r.at,
        );
        let (seq, prev, hash) = crate::chain::append(
            crate::chain::ACCRUAL,
            r.campaign,
            (head.0, &head.1),
            &fields,
        );
        self.0
            .prepare_cached(
                "INSERT INTO accruals (campaign, participant, receipt_key, submission_id, lots, points, at,
                   seq, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                r.campaign,
                r.participant,
                r.receipt_key,
                r.submission_id,
                r.lots,
                r.points,
                ts(r.at),
                seq,
                prev,
                hash,
            ])?;
        chain::set_head(self.0, r.campaign, seq, &hash)
    }

    fn add_totals(
        &mut self,
        campaign: &str,
        participant: &str,
        lots: i64,
        points: i64,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO participant_buckets (campaign, participant, start, receipts, lots, points)
                 VALUES (?1, ?2, ?3, 1, ?4, ?5)
                 ON CONFLICT (campaign, participant, start) DO UPDATE SET receipts = receipts + 1,
                   lots = lots + excluded.lots, points = points + excluded.points",
            )?
            .execute(params![campaign, participant, ts(settle::bucket_of(at)), lots, points])?;
        self.0
            .prepare_cached(
                "INSERT INTO campaign_totals (campaign, shard, lots, points) VALUES (?1, 0, ?2, ?3)
                 ON CONFLICT (campaign, shard) DO UPDATE SET lots = lots + excluded.lots, points = points + excluded.points",
            )?
            .execute(params![campaign, lots, points])?;
        self.0
            .prepare_cached(
                "INSERT INTO participant_totals (campaign, participant, receipts, lots, points) VALUES (?1, ?2, 1, ?3, ?4)
                 ON CONFLICT (campaign, participant) DO UPDATE SET receipts = receipts + 1,
                   lots = lots + excluded.lots, points = points + excluded.points",
            )?
            .execute(params![campaign, participant, lots, points])?;
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
