//! A blocking PostgreSQL client that can pipeline. It is tokio-postgres driven by its own
//! current-thread runtime, as the `postgres` crate's client is, but it also lets a caller wait
//! on several statements at once: their messages leave in one write and their answers come
//! back in one read. A settle is then two round trips (BEGIN, locks and read; write and
//! COMMIT) instead of five, which is most of its latency on a fast network and a good part of
//! the server's CPU (one wake-up and one socket read per round trip).

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use futures_util::future::{join, join3};
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, Error, Row, Statement, ToStatement};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::StoreError;

/// Statement parameters, as tokio-postgres takes them.
pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

pub(crate) struct PgClient {
    /// `None` only inside `drop`.
    client: Option<Client>,
    /// The task driving the connection.
    connection: Option<JoinHandle<()>>,
    rt: Runtime,
    /// Left in an unknown state (a transaction neither committed nor rolled back): never
    /// to be used again.
    broken: Cell<bool>,
}

impl Drop for PgClient {
    fn drop(&mut self) {
        // Dropping the client queues a Terminate message; running the connection task until it
        // ends sends it and closes the socket, so the server logs a clean exit instead of a
        // reset. Skipped inside another runtime, where blocking is not allowed.
        drop(self.client.take());
        if let Some(task) = self.connection.take()
            && tokio::runtime::Handle::try_current().is_err()
        {
            // The timer is made inside `block_on`: it needs the runtime's context.
            let _ = self
                .rt
                .block_on(async { tokio::time::timeout(Duration::from_secs(1), task).await });
        }
    }
}

impl PgClient {
    pub(crate) fn connect(config: &Config, tls: MakeRustlsConnect) -> Result<Self, StoreError> {
        let rt = Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Open(format!("cannot start the client runtime: {e}")))?;
        // The whole login (TCP, TLS, startup, authentication) within the connect timeout: a
        // server that accepts the connection and never answers does not hang the caller.
        let limit = config
            .get_connect_timeout()
            .copied()
            .unwrap_or(Duration::from_secs(10));
        let (client, connection) = rt
            .block_on(async { tokio::time::timeout(limit, config.connect(tls)).await })
            .map_err(|_| {
                StoreError::Open(format!(
                    "the server did not complete the login within {} s",
                    limit.as_secs_f64()
                ))
            })?
            .map_err(|e| connect_err(&e))?;
        // A current-thread runtime runs this task only while the client waits in `block_on`,
        // which is exactly when the connection has work. Its error, if any, reaches the caller
        // as the error of the statement it was serving.
        let connection = rt.spawn(async move {
            let _ = connection.await;
        });
        Ok(PgClient {
            client: Some(client),
            connection: Some(connection),
            rt,
            broken: Cell::new(false),
        })
    }

    fn client(&self) -> &Client {
        match &self.client {
            Some(c) => c,
            // Taken only in `drop`.
            None => unreachable!("client used after drop"),
        }
    }

    /// Whether the connection is gone or was marked broken.
    pub(crate) fn is_closed(&self) -> bool {
        self.broken.get() || self.client().is_closed()
    }

    /// Ends the open transaction, from a drop (so also while unwinding): without a ROLLBACK
    /// that succeeded, the connection is marked broken. Never blocks inside another runtime,
    /// where it cannot.
    pub(crate) fn abandon_transaction(&self) {
        let rolled_back = tokio::runtime::Handle::try_current().is_err()
            && self.batch_execute("ROLLBACK").is_ok();
        if !rolled_back {
            self.broken.set(true);
        }
    }

    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement, Error> {
        self.rt.block_on(self.client().prepare(sql))
    }

    pub(crate) fn batch_execute(&self, sql: &str) -> Result<(), Error> {
        self.rt.block_on(self.client().batch_execute(sql))
    }

    pub(crate) fn execute<T: ?Sized + ToStatement>(
        &self,
        st: &T,
        params: Params<'_>,
    ) -> Result<u64, Error> {
        self.rt.block_on(self.client().execute(st, params))
    }

    pub(crate) fn query<T: ?Sized + ToStatement>(
        &self,
        st: &T,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Error> {
        self.rt.block_on(self.client().query(st, params))
    }

    pub(crate) fn query_one<T: ?Sized + ToStatement>(
        &self,
        st: &T,
        params: Params<'_>,
    ) -> Result<Row, Error> {
        self.rt.block_on(self.client().query_one(st, params))
    }

    /// Runs `op` with BEGIN sent ahead of it in the same write when `begin` is set. The first
    /// error in sending order wins: a failed BEGIN explains the failure of what follows it.
    pub(crate) fn after_begin<T>(
        &self,
        begin: bool,
        op: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.rt.block_on(async {
            if begin {
                let (b, r) = join(self.client().batch_execute("BEGIN"), op).await;
                b?;
                r
            } else {
                op.await
            }
        })
    }

    /// Runs `first` then `second`, pipelined, with BEGIN ahead of both when `begin` is set.
    /// `join`/`join3` poll in argument order, and tokio-postgres sends a statement's messages
    /// on its first poll, so the server receives them in this order; it runs each statement
    /// after the previous one has finished (so a read sees the locks taken just before it).
    pub(crate) fn pipelined<A, B>(
        &self,
        begin: bool,
        first: impl Future<Output = Result<A, Error>>,
        second: impl Future<Output = Result<B, Error>>,
    ) -> Result<(A, B), Error> {
        self.rt.block_on(async {
            if begin {
                let (b, x, y) = join3(self.client().batch_execute("BEGIN"), first, second).await;
                b?;
                Ok((x?, y?))
            } else {
                let (x, y) = join(first, second).await;
                Ok((x?, y?))
            }
        })
    }

    /// The async client, to build the futures given to [`Self::after_begin`] and
    /// [`Self::pipelined`].
    pub(crate) fn inner(&self) -> &Client {
        self.client()
    }
}

pub(crate) fn connect_err(e: &Error) -> StoreError {
    // The error's text names the failure, never the connection string; the causes say why (a
    // refused certificate, a refused password).
    let mut msg = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        msg.push_str(": ");
        msg.push_str(&c.to_string());
        cause = c.source();
    }
    StoreError::Open(crate::redact(&msg))
}
