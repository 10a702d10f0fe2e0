//! Versioned schema migrations: each backend's SQL files in `migrations/<backend>/`, applied in
//! order inside a transaction, the version recorded in `schema_version`.

/// One migration: its version and SQL.
pub(crate) struct Migration {
    pub(crate) version: u32,
    pub(crate) sql: &'static str,
    /// Step 5: after `sql`, the hash chain of the rows already there is filled in (a SHA-256
    /// per row, which SQLite's SQL cannot compute), then this SQL runs (the guards that the
    /// fill had to lift go back on). All in the migration's one transaction.
    pub(crate) then_chain: Option<&'static str>,
}

/// SQLite migrations, oldest first.
#[cfg(feature = "sqlite")]
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/sqlite/0001_ledger.sql"),
        then_chain: None,
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/sqlite/0002_participant_totals.sql"),
        then_chain: None,
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/sqlite/0003_draw_commitments.sql"),
        then_chain: None,
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/sqlite/0004_engage.sql"),
        then_chain: None,
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/sqlite/0005_chain.sql"),
        then_chain: Some(include_str!("../migrations/sqlite/0005_chain_guards.sql")),
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/sqlite/0006_outbox.sql"),
        then_chain: None,
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/sqlite/0007_chain_append.sql"),
        then_chain: None,
    },
];

/// PostgreSQL migrations, oldest first.
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/postgres/0001_ledger.sql"),
        then_chain: None,
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/postgres/0002_participant_totals.sql"),
        then_chain: None,
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/postgres/0003_draw_commitments.sql"),
        then_chain: None,
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/postgres/0004_engage.sql"),
        then_chain: None,
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/postgres/0005_chain.sql"),
        then_chain: Some(include_str!("../migrations/postgres/0005_chain_guards.sql")),
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/postgres/0006_outbox.sql"),
        then_chain: None,
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/postgres/0007_chain_append.sql"),
        then_chain: None,
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 7;

/// Refuses a database written by a newer chek.
pub(crate) fn check_not_newer(found: u32) -> Result<(), crate::StoreError> {
    if found > SCHEMA_VERSION {
        return Err(crate::StoreError::Migrate(format!(
            "the database has schema version {found}, this chek knows up to {SCHEMA_VERSION}"
        )));
    }
    Ok(())
}
