//! Options shared by the commands that work on a campaign's ledger (`run`, `recheck`, `draw
//! --db`, `segments`, `report`): the campaign file, the database, and the verification provider.

use std::io;
use std::path::PathBuf;

use chek::Lang;
use chek::campaign::Campaign;
use chek::engine::{Engine, EngineError, Verification};
use std::time::Duration;

use chek::store::{Ledger, OpenOptions, StoreError};
use chek::verify::RecheckPolicy;
use chrono::NaiveDateTime;

use crate::cmd::verify::{Provider, build_verifier};
use crate::fail::Failure;

/// `--campaign FILE --db PATH|URL`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LedgerArgs {
    /// Campaign file (TOML, or JSON if it starts with `{`).
    #[arg(long, value_name = "FILE")]
    pub(crate) campaign: PathBuf,
    #[command(flatten)]
    pub(crate) db: DbArgs,
    /// Run at this UTC time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_parser = crate::cmd::qr::parse_now)]
    pub(crate) now: Option<NaiveDateTime>,
}

/// Where the ledger is and how to open it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DbArgs {
    /// The ledger: an SQLite file or a `postgres://…` URL (its password may come from
    /// PGPASSWORD instead). Only `chek run` (or `--create`) creates a missing SQLite file.
    #[arg(long, value_name = "PATH|URL", default_value = "chek.sqlite")]
    pub(crate) db: String,
    /// Read the whole `--db` target from this environment variable (keeps a password out of
    /// the command line).
    #[arg(long, value_name = "VAR")]
    pub(crate) db_env: Option<String>,
    /// Create the SQLite ledger if the file does not exist (`chek run` always may).
    #[arg(long)]
    pub(crate) create: bool,
    /// How long to wait for a busy ledger before giving up (exit 3), in seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub(crate) db_busy_wait: f64,
    /// PostgreSQL: how long connecting and logging in may take, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub(crate) db_connect_timeout: f64,
    /// PostgreSQL: the longest one statement may run, in seconds (0: the server's setting).
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub(crate) db_statement_timeout: f64,
}

impl DbArgs {
    /// `--db` only, everything else as by default.
    pub(crate) fn plain(db: String) -> Self {
        DbArgs {
            db,
            db_env: None,
            create: false,
            db_busy_wait: 60.0,
            db_connect_timeout: 10.0,
            db_statement_timeout: 30.0,
        }
    }

    /// The target: `--db`, or the variable `--db-env` names.
    pub(crate) fn target(&self) -> io::Result<String> {
        match &self.db_env {
            None => Ok(self.db.clone()),
            Some(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(v),
                _ => Err(Failure::usage(
                    format!("--db-env {var}: the variable is not set or empty"),
                    "Переменная окружения из --db-env не задана; задайте в ней адрес базы.",
                    "The variable --db-env names is not set; put the database address in it.",
                )
                .into()),
            },
        }
    }

    fn secs(v: f64, what: &str) -> io::Result<Duration> {
        Duration::try_from_secs_f64(v).map_err(|_| {
            Failure::usage(
                format!("{what}: {v} is not a number of seconds"),
                "Время задаётся числом секунд.",
                "Times are given as a number of seconds.",
            )
            .into()
        })
    }

    /// Opens the ledger; `create` also when `--create` was given.
    pub(crate) fn open(&self, create: bool) -> io::Result<Ledger> {
        let target = self.target()?;
        let statement = Self::secs(self.db_statement_timeout, "--db-statement-timeout")?;
        let opts = OpenOptions {
            create: create || self.create,
            busy_wait: Self::secs(self.db_busy_wait, "--db-busy-wait")?,
            connect_timeout: Self::secs(self.db_connect_timeout, "--db-connect-timeout")?,
            statement_timeout: (!statement.is_zero()).then_some(statement),
        };
        Ledger::open_with(&target, &opts).map_err(|e| Failure::store(&e, &target).into())
    }

    /// An engine error of a whole command: a ledger error as [`Self::failure`], others coded.
    pub(crate) fn engine_failure(&self, e: EngineError) -> io::Error {
        match e {
            EngineError::Ledger(s) => self.failure(&s),
            other => io::Error::other(Failure {
                code: chek::Coded::code(&other),
                message: other.to_string(),
                hint_ru: chek::Coded::hint(&other, Lang::Ru),
                hint_en: chek::Coded::hint(&other, Lang::En),
                path: None,
                exit: crate::fail::EXIT_INPUT,
            }),
        }
    }

    /// A ledger error met after opening, as a failure of the command.
    pub(crate) fn failure(&self, e: &StoreError) -> io::Error {
        let target = self.target().unwrap_or_else(|_| self.db.clone());
        Failure::store(e, &target).into()
    }
}

impl LedgerArgs {
    /// The campaign, or a coded failure naming the file.
    pub(crate) fn load_campaign(&self, lang: Lang) -> io::Result<Campaign> {
        crate::cmd::campaign::load_campaign_coded(&self.campaign, lang)
    }

    /// An existing ledger (or a new one with `--create`), opened and migrated.
    pub(crate) fn open_ledger(&self) -> io::Result<Ledger> {
        self.db.open(false)
    }

    /// The ledger, created when missing (what `chek run` does).
    pub(crate) fn open_or_create_ledger(&self) -> io::Result<Ledger> {
        self.db.open(true)
    }

    /// `--now`, or the clock (UTC).
    pub(crate) fn now(&self) -> NaiveDateTime {
        self.now.unwrap_or_else(|| chrono::Utc::now().naive_utc())
    }
}

/// `--provider fns|checkapi --base-url … --token-env VAR`, as `chek verify` takes them.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ProviderArgs {
    /// Verify receipts with this provider. Without it the run is offline: QR data is recorded
    /// unverified, and every output says so.
    #[arg(long, value_enum)]
    pub(crate) provider: Option<Provider>,
    /// The provider's address (default: its production URL).
    #[arg(long, value_name = "URL", requires = "provider")]
    pub(crate) base_url: Option<String>,
    /// The environment variable holding the credential (default CHEK_FNS_SESSION or
    /// CHEK_CHECKAPI_TOKEN).
    #[arg(long, value_name = "VAR", requires = "provider")]
    pub(crate) token_env: Option<String>,
    /// Total time for one request, in seconds.
    #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
    pub(crate) timeout: f64,
}

impl ProviderArgs {
    /// Offline, or the configured provider.
    pub(crate) fn verification(&self) -> io::Result<Verification> {
        let Some(provider) = self.provider else {
            return Ok(Verification::Offline);
        };
        let v = build_verifier(
            provider,
            self.base_url.as_deref(),
            self.token_env.as_deref(),
            self.timeout,
        )?;
        Ok(Verification::Provider(v))
    }
}

/// The engine for a campaign and ledger, with the default re-check policy; `create` makes a
/// missing SQLite ledger (only `chek run` does).
pub(crate) fn engine(
    l: &LedgerArgs,
    p: &ProviderArgs,
    lang: Lang,
    create: bool,
) -> io::Result<Engine> {
    Ok(Engine::new(
        l.load_campaign(lang)?,
        if create {
            l.open_or_create_ledger()?
        } else {
            l.open_ledger()?
        },
        p.verification()?,
        RecheckPolicy::default(),
    ))
}
