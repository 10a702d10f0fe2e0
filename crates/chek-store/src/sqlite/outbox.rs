//! The outbox on SQLite. A claim is one `BEGIN IMMEDIATE` transaction (the write lock), so two
//! processes claiming at once take turns and never get the same row.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{Sqlite, parse_ts, ts};
use crate::StoreError;
use crate::outbox::{
    Enqueued, FinishRow, NewMessage, OutboxBackend, OutboxCounts, OutboxMessage, OutboxStatus,
    RawMessage, counts_of, outbox_columns, same_message,
};

fn opt_ts(s: Option<String>) -> Result<Option<NaiveDateTime>, StoreError> {
    s.as_deref().map(parse_ts).transpose()
}

/// A row in `outbox_columns!` order; times are checked after rusqlite lets go of the row.
fn raw(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        key: r.get(1)?,
        channel: r.get(2)?,
        recipient: r.get(3)?,
        body: r.get(4)?,
        status: r.get(5)?,
        due_at: r.get(6)?,
        attempts: r.get(7)?,
        lease_until: r.get(8)?,
        in_doubt: r.get(9)?,
        takeovers: r.get(10)?,
        provider_id: r.get(11)?,
        delivery: r.get(12)?,
        last_error: r.get(13)?,
        created_at: r.get(14)?,
        finished_at: r.get(15)?,
    })
}

struct RawRow {
    id: i64,
    key: String,
    channel: String,
    recipient: String,
    body: String,
    status: String,
    due_at: String,
    attempts: i64,
    lease_until: Option<String>,
    in_doubt: bool,
    takeovers: i64,
    provider_id: Option<String>,
    delivery: Option<String>,
    last_error: Option<String>,
    created_at: String,
    finished_at: Option<String>,
}

impl RawRow {
    fn decode(self) -> Result<OutboxMessage, StoreError> {
        RawMessage {
            id: self.id,
            key: self.key,
            channel: self.channel,
            recipient: self.recipient,
            body: self.body,
            status: self.status,
            due_at: parse_ts(&self.due_at)?,
            attempts: self.attempts,
            lease_until: opt_ts(self.lease_until)?,
            in_doubt: self.in_doubt,
            takeovers: self.takeovers,
            provider_id: self.provider_id,
            delivery: self.delivery,
            last_error: self.last_error,
            created_at: parse_ts(&self.created_at)?,
            finished_at: opt_ts(self.finished_at)?,
        }
        .decode()
    }
}

fn get_in(conn: &Connection, key: &str) -> Result<Option<OutboxMessage>, StoreError> {
    const SQL: &str = concat!("SELECT ", outbox_columns!(), " FROM outbox WHERE key = ?1");
    conn.prepare_cached(SQL)?
        .query_row(params![key], raw)
        .optional()?
        .map(RawRow::decode)
        .transpose()
}

/// Enqueues inside the caller's transaction (also used by engagement steps).
pub(crate) fn enqueue_in(
    conn: &Connection,
    m: &NewMessage,
    now: NaiveDateTime,
) -> Result<Enqueued, StoreError> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO outbox (key, channel, recipient, body, status, due_at, created_at)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6) ON CONFLICT (key) DO NOTHING",
        )?
        .execute(params![
            m.key,
            m.channel,
            m.recipient,
            m.body,
            ts(m.due_at),
            ts(now)
        ])?;
    let stored = get_in(conn, &m.key)?
        .ok_or_else(|| StoreError::Backend("an enqueued outbox row is not there".into()))?;
    if inserted == 0 {
        same_message(m, &stored)?;
    }
    Ok(Enqueued {
        id: stored.id,
        created: inserted > 0,
        status: stored.status,
    })
}

impl OutboxBackend for Sqlite {
    fn outbox_enqueue(&self, m: &NewMessage, now: NaiveDateTime) -> Result<Enqueued, StoreError> {
        self.retry(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = enqueue_in(&tx, m, now)?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn outbox_claim(
        &self,
        now: NaiveDateTime,
        limit: usize,
        lease_until: NaiveDateTime,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let (now, until) = (ts(now), ts(lease_until));
        self.retry(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            const SQL: &str = concat!(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_until = ?2,
                     in_doubt = (status = 'sending'), takeovers = takeovers + (status = 'sending')
                 WHERE id IN (
                     SELECT id FROM (
                         SELECT id, due_at FROM outbox WHERE status = 'queued' AND due_at <= ?1
                         UNION ALL
                         SELECT id, due_at FROM outbox WHERE status = 'sending' AND lease_until <= ?1
                     ) ORDER BY due_at, id LIMIT ?3)
                 RETURNING ",
                outbox_columns!()
            );
            let rows = {
                let mut st = tx.prepare_cached(SQL)?;
                st.query_map(params![now, until, limit], raw)?
                    .collect::<Result<Vec<_>, _>>()?
            };
            tx.commit()?;
            let mut out = rows
                .into_iter()
                .map(RawRow::decode)
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by_key(|m| (m.due_at, m.id));
            Ok(out)
        })
    }

    fn outbox_finish(
        &self,
        id: i64,
        attempt: u32,
        row: &FinishRow<'_>,
        now: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        let due = row.due_at.map(ts);
        let finished = row.finished.then(|| ts(now));
        self.retry(|conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE outbox SET status = ?3, due_at = COALESCE(?4, due_at),
                         provider_id = COALESCE(?5, provider_id), last_error = ?6,
                         finished_at = ?7, lease_until = NULL
                     WHERE id = ?1 AND attempts = ?2 AND status = 'sending'",
                )?
                .execute(params![
                    id,
                    attempt,
                    row.status,
                    due,
                    row.provider_id,
                    row.error,
                    finished
                ])?;
            Ok(n == 1)
        })
    }

    fn outbox_delivery(
        &self,
        channel: &str,
        provider_id: &str,
        delivery: &str,
    ) -> Result<bool, StoreError> {
        self.retry(|conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE outbox SET delivery = ?3 WHERE channel = ?1 AND provider_id = ?2",
                )?
                .execute(params![channel, provider_id, delivery])?;
            Ok(n > 0)
        })
    }

    fn outbox_get(&self, key: &str) -> Result<Option<OutboxMessage>, StoreError> {
        get_in(&self.conn(), key)
    }

    fn outbox_list(
        &self,
        status: Option<OutboxStatus>,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let conn = self.conn();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        const SQL: &str = concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM outbox WHERE ?1 IS NULL OR status = ?1 ORDER BY id LIMIT ?2"
        );
        let rows = conn
            .prepare_cached(SQL)?
            .query_map(params![status.map(OutboxStatus::as_str), limit], raw)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(RawRow::decode).collect()
    }

    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let conn = self.conn();
        let rows = conn
            .prepare_cached("SELECT status, COUNT(*) FROM outbox GROUP BY status")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        counts_of(rows)
    }
}
