//! Options shared by the commands that work on a campaign's ledger (`run`, `recheck`, `draw
//! --db`, `segments`, `report`): the campaign file, the database, and the verification provider.

use std::io;
use std::path::PathBuf;

use chek::Lang;
use chek::campaign::Campaign;
use chek::engine::{Engine, Verification};
use chek::store::Ledger;
use chek::verify::RecheckPolicy;
use chrono::NaiveDateTime;

use crate::cmd::verify::{Provider, build_verifier};

/// `--campaign FILE --db PATH|URL`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LedgerArgs {
    /// Campaign file (TOML, or JSON if it starts with `{`).
    #[arg(long, value_name = "FILE")]
    pub(crate) campaign: PathBuf,
    /// The ledger: a SQLite file (created when missing) or a `postgres://…` URL.
    #[arg(long, value_name = "PATH|URL", default_value = "chek.sqlite")]
    pub(crate) db: String,
    /// Run at this UTC time instead of the clock (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_parser = crate::cmd::qr::parse_now)]
    pub(crate) now: Option<NaiveDateTime>,
}

impl LedgerArgs {
    /// The campaign, or a usage error naming the file.
    pub(crate) fn load_campaign(&self, lang: Lang) -> io::Result<Campaign> {
        crate::cmd::campaign::load_campaign(&self.campaign, lang)?.map_err(io::Error::other)
    }

    /// The ledger, opened (and migrated).
    pub(crate) fn open_ledger(&self) -> io::Result<Ledger> {
        Ledger::open(&self.db).map_err(|e| io::Error::other(format!("{}: {e}", self.db)))
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

/// The engine for a campaign and ledger, with the default re-check policy.
pub(crate) fn engine(l: &LedgerArgs, p: &ProviderArgs, lang: Lang) -> io::Result<Engine> {
    Ok(Engine::new(
        l.load_campaign(lang)?,
        l.open_ledger()?,
        p.verification()?,
        RecheckPolicy::default(),
    ))
}
