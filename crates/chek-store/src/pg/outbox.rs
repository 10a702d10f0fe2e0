//! The outbox on PostgreSQL. A claim locks its rows with `FOR UPDATE SKIP LOCKED`, so
//! dispatchers on several servers claim in parallel and never get the same row.

use chrono::NaiveDateTime;
use tokio_postgres::Row;

use super::{Pg, PgTx};
use crate::StoreError;
use crate::outbox::{
    Enqueued, FinishRow, NewMessage, OutboxBackend, OutboxCounts, OutboxMessage, OutboxStatus,
    RawMessage, counts_of, outbox_columns, same_message,
};

fn decode(r: &Row) -> Result<OutboxMessage, StoreError> {
    RawMessage {
        id: r.try_get(0)?,
        key: r.try_get(1)?,
        channel: r.try_get(2)?,
        recipient: r.try_get(3)?,
        body: r.try_get(4)?,
        status: r.try_get(5)?,
        due_at: r.try_get(6)?,
        attempts: r.try_get(7)?,
        lease_until: r.try_get(8)?,
        in_doubt: r.try_get(9)?,
        takeovers: r.try_get(10)?,
        provider_id: r.try_get(11)?,
        delivery: r.try_get(12)?,
        last_error: r.try_get(13)?,
        created_at: r.try_get(14)?,
        finished_at: r.try_get(15)?,
    }
    .decode()
}

const GET: &str = concat!("SELECT ", outbox_columns!(), " FROM outbox WHERE key = $1");

/// Enqueues inside the caller's transaction (also used by engagement steps).
pub(crate) fn enqueue_in(
    t: &mut PgTx<'_>,
    m: &NewMessage,
    now: NaiveDateTime,
) -> Result<Enqueued, StoreError> {
    let st = t.st(
        "INSERT INTO outbox (key, channel, recipient, body, status, due_at, created_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $6) ON CONFLICT (key) DO NOTHING",
    )?;
    let inserted = t.execute(
        &st,
        &[&m.key, &m.channel, &m.recipient, &m.body, &m.due_at, &now],
    )?;
    let st = t.st(GET)?;
    let stored = match t.query_opt(&st, &[&m.key])? {
        Some(r) => decode(&r)?,
        // Another transaction inserted the key and has not committed yet: ON CONFLICT waited
        // for it, so this cannot happen unless it rolled back between the two statements.
        None => return Err(StoreError::Busy("the outbox key is being written".into())),
    };
    if inserted == 0 {
        same_message(m, &stored)?;
    }
    Ok(Enqueued {
        id: stored.id,
        created: inserted > 0,
        status: stored.status,
    })
}

impl OutboxBackend for Pg {
    fn outbox_enqueue(&self, m: &NewMessage, now: NaiveDateTime) -> Result<Enqueued, StoreError> {
        self.in_tx(false, |t| enqueue_in(t, m, now))
    }

    fn outbox_claim(
        &self,
        now: NaiveDateTime,
        limit: usize,
        lease_until: NaiveDateTime,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        const CLAIM: &str = concat!(
            "WITH due AS (
                 SELECT id FROM outbox
                 WHERE (status = 'queued' AND due_at <= $1)
                    OR (status = 'sending' AND lease_until <= $1)
                 ORDER BY due_at, id LIMIT $3
                 FOR UPDATE SKIP LOCKED)
             UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1,
                 lease_until = $2, in_doubt = (o.status = 'sending'),
                 takeovers = o.takeovers + CASE WHEN o.status = 'sending' THEN 1 ELSE 0 END
             FROM due WHERE o.id = due.id
             RETURNING ",
            "o.id, o.key, o.channel, o.recipient, o.body, o.status, o.due_at, o.attempts, \
             o.lease_until, o.in_doubt, o.takeovers, o.provider_id, o.delivery, o.last_error, o.created_at, \
             o.finished_at"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut out = self.in_tx(false, |t| {
            let st = t.st(CLAIM)?;
            t.query(&st, &[&now, &lease_until, &limit])?
                .iter()
                .map(decode)
                .collect::<Result<Vec<_>, _>>()
        })?;
        out.sort_by_key(|m| (m.due_at, m.id));
        Ok(out)
    }

    fn outbox_finish(
        &self,
        id: i64,
        attempt: u32,
        row: &FinishRow<'_>,
        now: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        let finished = row.finished.then_some(now);
        let attempt = i64::from(attempt);
        self.in_tx(false, |t| {
            let st = t.st(
                "UPDATE outbox SET status = $3, due_at = COALESCE($4, due_at),
                     provider_id = COALESCE($5, provider_id), last_error = $6,
                     finished_at = $7, lease_until = NULL
                 WHERE id = $1 AND attempts = $2 AND status = 'sending'",
            )?;
            let n = t.execute(
                &st,
                &[
                    &id,
                    &attempt,
                    &row.status,
                    &row.due_at,
                    &row.provider_id,
                    &row.error,
                    &finished,
                ],
            )?;
            Ok(n == 1)
        })
    }

    fn outbox_delivery(
        &self,
        channel: &str,
        provider_id: &str,
        delivery: &str,
    ) -> Result<bool, StoreError> {
        self.in_tx(false, |t| {
            let st =
                t.st("UPDATE outbox SET delivery = $3 WHERE channel = $1 AND provider_id = $2")?;
            Ok(t.execute(&st, &[&channel, &provider_id, &delivery])? > 0)
        })
    }

    fn outbox_get(&self, key: &str) -> Result<Option<OutboxMessage>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(GET, &[&key])?;
        rows.first().map(decode).transpose()
    }

    fn outbox_list(
        &self,
        status: Option<OutboxStatus>,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        const LIST: &str = concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM outbox WHERE $1::TEXT IS NULL OR status = $1 ORDER BY id LIMIT $2"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let status = status.map(OutboxStatus::as_str);
        let mut c = self.get()?;
        let rows = c.conn().client.query(LIST, &[&status, &limit])?;
        rows.iter().map(decode).collect()
    }

    fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let mut c = self.get()?;
        let rows = c
            .conn()
            .client
            .query("SELECT status, COUNT(*) FROM outbox GROUP BY status", &[])?;
        counts_of(
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect::<Result<Vec<_>, StoreError>>()?,
        )
    }
}
