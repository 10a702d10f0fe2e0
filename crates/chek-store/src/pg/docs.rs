//! Engagement documents on PostgreSQL: every key read is locked first with a
//! transaction-scoped advisory lock, so concurrent steps on the same card, client or case wait
//! for each other, and steps on different ones run in parallel. Deadlocks and serialization
//! failures are retried by `in_tx`.

use chrono::NaiveDateTime;

use super::{Pg, PgTx, lock_key};
use crate::StoreError;
use crate::engage::doc::DocTx;

struct Docs<'t, 'c> {
    t: &'t mut PgTx<'c>,
}

impl Docs<'_, '_> {
    fn lock(&mut self, ns: &str, kind: &str, key: &str) -> Result<(), StoreError> {
        let st = self.t.st("SELECT pg_advisory_xact_lock($1)")?;
        self.t.execute(&st, &[&lock_key(ns, kind, key)])?;
        Ok(())
    }
}

impl DocTx for Docs<'_, '_> {
    fn get_raw(&mut self, kind: &str, key: &str) -> Result<Option<String>, StoreError> {
        self.lock("doc", kind, key)?;
        let st = self
            .t
            .st("SELECT doc FROM engage_docs WHERE kind = $1 AND key = $2")?;
        match self.t.query_opt(&st, &[&kind, &key])? {
            Some(r) => Ok(Some(r.try_get(0)?)),
            None => Ok(None),
        }
    }

    fn by_group_raw(&mut self, kind: &str, grp: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.lock("grp", kind, grp)?;
        let st = self
            .t
            .st("SELECT key, doc FROM engage_docs WHERE kind = $1 AND grp = $2 ORDER BY key")?;
        self.t
            .query(&st, &[&kind, &grp])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    fn put_raw(
        &mut self,
        kind: &str,
        key: &str,
        grp: Option<&str>,
        doc: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        // The group a document joins is locked too: a concurrent lookup by that group waits.
        if let Some(g) = grp {
            self.lock("grp", kind, g)?;
        }
        let st = self.t.st(
            "INSERT INTO engage_docs (kind, key, grp, doc, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (kind, key) DO UPDATE SET grp = EXCLUDED.grp, doc = EXCLUDED.doc,
             updated_at = EXCLUDED.updated_at",
        )?;
        self.t.execute(&st, &[&kind, &key, &grp, &doc, &at])?;
        Ok(())
    }

    fn event_raw(&mut self, flow: &str, id: &str) -> Result<Option<String>, StoreError> {
        self.lock("event", flow, id)?;
        let st = self
            .t
            .st("SELECT result FROM engage_events WHERE flow = $1 AND id = $2")?;
        match self.t.query_opt(&st, &[&flow, &id])? {
            Some(r) => Ok(Some(r.try_get(0)?)),
            None => Ok(None),
        }
    }

    fn put_event_raw(
        &mut self,
        flow: &str,
        id: &str,
        result: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let st = self
            .t
            .st("INSERT INTO engage_events (flow, id, result, at) VALUES ($1, $2, $3, $4)")?;
        self.t.execute(&st, &[&flow, &id, &result, &at])?;
        Ok(())
    }

    fn enqueue_raw(
        &mut self,
        m: &crate::NewMessage,
        at: NaiveDateTime,
    ) -> Result<crate::Enqueued, StoreError> {
        super::outbox::enqueue_in(self.t, m, at)
    }
}

impl Pg {
    /// Runs one engagement step in a transaction, retried on deadlocks.
    pub(crate) fn docs_tx<T>(
        &self,
        f: &mut dyn FnMut(&mut dyn DocTx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.in_tx(false, |t| f(&mut Docs { t }))
    }

    /// Every document of `kind` as `(key, doc)`, in key order, from one statement's snapshot.
    pub(crate) fn docs_all(&self, kind: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut c = self.get()?;
        let rows = c.conn().client.query(
            "SELECT key, doc FROM engage_docs WHERE kind = $1 ORDER BY key",
            &[&kind],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
