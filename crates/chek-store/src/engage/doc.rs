//! The one storage shape every engagement flow uses: JSON documents keyed by `(kind, key)` with
//! an optional second key, and the events already applied. Each flow runs inside one
//! transaction through [`DocTx`], on either backend.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::StoreError;

/// Largest event id or document key stored; longer ones are refused as invalid input.
pub(crate) const MAX_KEY: usize = 512;

/// What a flow may do inside its transaction. Reads lock what they read until the commit
/// (SQLite: the whole database, `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory
/// lock per key and per second key), so a read-modify-write never loses a concurrent change.
pub(crate) trait DocTx {
    /// The document of `kind` at `key`.
    fn get_raw(&mut self, kind: &str, key: &str) -> Result<Option<String>, StoreError>;
    /// The documents of `kind` whose second key is `grp`, in key order.
    fn by_group_raw(&mut self, kind: &str, grp: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// Inserts or replaces a document.
    fn put_raw(
        &mut self,
        kind: &str,
        key: &str,
        grp: Option<&str>,
        doc: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError>;
    /// The stored result of an event already applied.
    fn event_raw(&mut self, flow: &str, id: &str) -> Result<Option<String>, StoreError>;
    /// Records an event's result; an id already recorded is a conflict.
    fn put_event_raw(
        &mut self,
        flow: &str,
        id: &str,
        result: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError>;
    /// Writes an outbox row in this step's transaction.
    fn enqueue_raw(
        &mut self,
        m: &crate::NewMessage,
        at: NaiveDateTime,
    ) -> Result<crate::Enqueued, StoreError>;
}

fn check_key(what: &str, k: &str) -> Result<(), StoreError> {
    if k.is_empty() || k.len() > MAX_KEY || k.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!(
            "{what} must be 1–{MAX_KEY} bytes without control characters"
        )));
    }
    Ok(())
}

fn decode<T: DeserializeOwned>(kind: &str, key: &str, raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw)
        .map_err(|e| StoreError::Corrupt(format!("{kind} {key:?} is not a stored document: {e}")))
}

/// Typed access over a [`DocTx`].
pub(crate) struct Docs<'a> {
    pub(crate) tx: &'a mut dyn DocTx,
    pub(crate) now: NaiveDateTime,
}

impl Docs<'_> {
    /// The document at `key`, decoded.
    pub(crate) fn get<T: DeserializeOwned>(
        &mut self,
        kind: &str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        check_key("a key", key)?;
        match self.tx.get_raw(kind, key)? {
            Some(raw) => decode(kind, key, &raw).map(Some),
            None => Ok(None),
        }
    }

    /// The documents whose second key is `grp`, decoded, in key order.
    pub(crate) fn by_group<T: DeserializeOwned>(
        &mut self,
        kind: &str,
        grp: &str,
    ) -> Result<Vec<(String, T)>, StoreError> {
        check_key("a key", grp)?;
        self.tx
            .by_group_raw(kind, grp)?
            .into_iter()
            .map(|(k, raw)| decode(kind, &k, &raw).map(|v| (k, v)))
            .collect()
    }

    /// Inserts or replaces a document.
    pub(crate) fn put<T: Serialize>(
        &mut self,
        kind: &str,
        key: &str,
        grp: Option<&str>,
        doc: &T,
    ) -> Result<(), StoreError> {
        check_key("a key", key)?;
        if let Some(g) = grp {
            check_key("a key", g)?;
        }
        let raw = serde_json::to_string(doc)?;
        self.tx.put_raw(kind, key, grp, &raw, self.now)
    }

    /// The stored result of an event already applied.
    pub(crate) fn event<T: DeserializeOwned>(
        &mut self,
        flow: &str,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        check_key("an event id", id)?;
        match self.tx.event_raw(flow, id)? {
            Some(raw) => decode(flow, id, &raw).map(Some),
            None => Ok(None),
        }
    }

    /// Records an event's result.
    pub(crate) fn put_event<T: Serialize>(
        &mut self,
        flow: &str,
        id: &str,
        result: &T,
    ) -> Result<(), StoreError> {
        check_key("an event id", id)?;
        let raw = serde_json::to_string(result)?;
        self.tx.put_event_raw(flow, id, &raw, self.now)
    }

    /// Runs `apply` once per event id: a repeat returns the first stored result and writes
    /// nothing. Without an id the flow runs every time (its own rules make it idempotent).
    /// Enqueues a message in this step's transaction: it is sent only if the step commits.
    pub(crate) fn enqueue(&mut self, m: &crate::NewMessage) -> Result<crate::Enqueued, StoreError> {
        m.validate()?;
        self.tx.enqueue_raw(m, self.now)
    }

    pub(crate) fn once<T: Serialize + DeserializeOwned>(
        &mut self,
        flow: &str,
        id: Option<&str>,
        apply: impl FnOnce(&mut Self) -> Result<T, StoreError>,
    ) -> Result<Replayed<T>, StoreError> {
        if let Some(id) = id
            && let Some(first) = self.event(flow, id)?
        {
            return Ok(Replayed {
                value: first,
                replayed: true,
            });
        }
        let value = apply(self)?;
        if let Some(id) = id {
            self.put_event(flow, id, &value)?;
        }
        Ok(Replayed {
            value,
            replayed: false,
        })
    }
}

/// A flow's result, and whether it is the stored result of an event applied before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Replayed<T> {
    /// The result.
    pub value: T,
    /// The event id was seen before: this is its first result, nothing was written now.
    pub replayed: bool,
}
