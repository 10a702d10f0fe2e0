//! Engagement documents on SQLite: one `BEGIN IMMEDIATE` transaction per flow step, so every
//! read-modify-write holds the database write lock (readers go on under WAL).

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Sqlite, ts};
use crate::StoreError;
use crate::engage::doc::DocTx;

struct Docs<'a>(&'a rusqlite::Transaction<'a>);

impl DocTx for Docs<'_> {
    fn get_raw(&mut self, kind: &str, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT doc FROM engage_docs WHERE kind = ?1 AND key = ?2")?
            .query_row(params![kind, key], |r| r.get(0))
            .optional()?)
    }

    fn by_group_raw(&mut self, kind: &str, grp: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT key, doc FROM engage_docs WHERE kind = ?1 AND grp = ?2 ORDER BY key",
        )?;
        let rows = st.query_map(params![kind, grp], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_raw(
        &mut self,
        kind: &str,
        key: &str,
        grp: Option<&str>,
        doc: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO engage_docs (kind, key, grp, doc, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind, key) DO UPDATE SET grp = excluded.grp, doc = excluded.doc,
                 updated_at = excluded.updated_at",
            )?
            .execute(params![kind, key, grp, doc, ts(at)])?;
        Ok(())
    }

    fn event_raw(&mut self, flow: &str, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT result FROM engage_events WHERE flow = ?1 AND id = ?2")?
            .query_row(params![flow, id], |r| r.get(0))
            .optional()?)
    }

    fn put_event_raw(
        &mut self,
        flow: &str,
        id: &str,
        result: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO engage_events (flow, id, result, at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![flow, id, result, ts(at)])?;
        Ok(())
    }

    fn enqueue_raw(
        &mut self,
        m: &crate::NewMessage,
        at: NaiveDateTime,
    ) -> Result<crate::Enqueued, StoreError> {
        super::outbox::enqueue_in(self.0, m, at)
    }
}

impl Sqlite {
    /// Runs one engagement step in a write transaction; an error rolls everything back.
    pub(crate) fn docs_tx<T>(
        &self,
        f: &mut dyn FnMut(&mut dyn DocTx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&mut Docs(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// Every document of `kind` as `(key, doc)`, in key order, from one read snapshot.
    pub(crate) fn docs_all(&self, kind: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let out = {
            let mut st =
                tx.prepare_cached("SELECT key, doc FROM engage_docs WHERE kind = ?1 ORDER BY key")?;
            let rows = st.query_map(params![kind], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        tx.commit()?;
        Ok(out)
    }
}
