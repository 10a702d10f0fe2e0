//! [`Ledger`]: one handle, either backend.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chek_core::Lang;
use chek_core::campaign::{Campaign, Decision, ParticipantHistory};
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::read;
use crate::settle::{self, to_u64};
use crate::target::{Target, redact};
use crate::{
    Backend, ChainHead, ChainReport, DrawRecord, FailedSubmission, PendingRecheck, Report,
    SegmentMember, Settled, Settlement, StoreError,
};

/// Connections the PostgreSQL backend keeps at most, per [`Ledger`] (clones share them).
pub const PG_POOL_SIZE: usize = 8;

/// How [`Ledger::open_with`] opens a ledger.
///
/// ```
/// use std::time::Duration;
/// use chek_store::{Ledger, OpenOptions};
/// let dir = std::env::temp_dir().join(format!("chek-doc-open-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("typo.sqlit").to_string_lossy().into_owned();
/// // Without `create`, a missing file is an error, not a new empty ledger.
/// let err = Ledger::open_with(&path, &OpenOptions::existing()).unwrap_err();
/// assert_eq!(chek_core::Coded::code(&err), "store.not_found");
/// let l = Ledger::open_with(&path, &OpenOptions::default().busy_wait(Duration::from_secs(5)))?;
/// # drop(l); std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// Create the ledger when the SQLite file does not exist (default `true`).
    pub create: bool,
    /// How long a busy ledger is waited for (another writer's lock, a migration by another
    /// process) before [`StoreError::Busy`]; a settle retries as a whole within it.
    /// Default 60 s.
    pub busy_wait: Duration,
    /// PostgreSQL: how long connecting (TCP, TLS, login) may take. Default 10 s; a
    /// `connect_timeout` in the URL wins.
    pub connect_timeout: Duration,
    /// PostgreSQL: the server cancels a statement after this long (`statement_timeout`);
    /// `None` leaves the server's setting. Default 30 s.
    pub statement_timeout: Option<Duration>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            create: true,
            busy_wait: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            statement_timeout: Some(Duration::from_secs(30)),
        }
    }
}

impl OpenOptions {
    /// The defaults, but an existing ledger only (`create: false`): what read-only tools use.
    pub fn existing() -> Self {
        OpenOptions {
            create: false,
            ..OpenOptions::default()
        }
    }

    /// Sets [`busy_wait`](Self::busy_wait).
    #[must_use]
    pub fn busy_wait(mut self, d: Duration) -> Self {
        self.busy_wait = d;
        self
    }

    /// Sets [`connect_timeout`](Self::connect_timeout).
    #[must_use]
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Sets [`statement_timeout`](Self::statement_timeout).
    #[must_use]
    pub fn statement_timeout(mut self, d: Option<Duration>) -> Self {
        self.statement_timeout = d;
        self
    }
}

/// Whether settles of this campaign must be serialized campaign-wide: only a budget
/// (`caps.budget_lots`, `caps.budget_points`) reads figures other participants change. With
/// the budget declared too ([`budget_of`]), PostgreSQL serializes only a settle whose check at
/// commit keeps failing.
///
/// ```
/// use chek_core::campaign::Campaign;
/// let c = Campaign::from_toml("id = \"x\"\nname = \"x\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
/// assert!(!chek_store::needs_campaign_lock(&c));
/// # Ok::<(), chek_core::campaign::CampaignError>(())
/// ```
pub fn needs_campaign_lock(c: &Campaign) -> bool {
    let caps = &c.def().caps;
    caps.budget_lots.is_some() || caps.budget_points.is_some()
}

/// The campaign's budget (`caps.budget_lots`, `caps.budget_points`), if it has one: what
/// [`Settlement::budget`](crate::Settlement::budget) takes.
///
/// ```
/// use chek_core::campaign::Campaign;
/// let c = Campaign::from_toml("id = \"x\"\nname = \"x\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n[caps]\nbudget_lots = 500\n")?;
/// assert_eq!(chek_store::budget_of(&c), Some(chek_store::Budget { lots: Some(500), points: None }));
/// # Ok::<(), chek_core::campaign::CampaignError>(())
/// ```
pub fn budget_of(c: &Campaign) -> Option<crate::Budget> {
    let caps = &c.def().caps;
    needs_campaign_lock(c).then_some(crate::Budget {
        lots: caps.budget_lots,
        points: caps.budget_points,
    })
}

enum Inner {
    #[cfg(feature = "sqlite")]
    Sqlite(crate::sqlite::Sqlite),
    #[cfg(feature = "postgres")]
    Postgres(Box<crate::pg::Pg>),
}

/// The ledger: cheap to clone, safe to share between threads.
#[derive(Clone)]
pub struct Ledger {
    inner: Arc<Inner>,
    label: Arc<str>,
}

impl fmt::Debug for Ledger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ledger")
            .field("backend", &self.backend())
            .field("target", &self.label)
            .finish()
    }
}

/// The ledger's own consistency figures for one campaign, as [`Ledger::audit`] reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// Lots in the append-only accruals ledger.
    pub accrued_lots: u64,
    /// Lots of the receipts currently accepted.
    pub accepted_lots: u64,
    /// Lots in the campaign counter (what budgets read).
    pub counter_lots: u64,
    /// Accrual rows.
    pub accruals: u64,
    /// Accepted receipt rows.
    pub accepted: u64,
    /// Submission rows.
    pub submissions: u64,
    /// Receipt rows whose submission is missing.
    pub receipts_without_submission: u64,
    /// Receipts accepted more than once.
    pub duplicate_acceptances: u64,
    /// Accruals whose submission was not an acceptance.
    pub stray_accruals: u64,
    /// Lots in the per-participant running totals (what a settle reads instead of the history).
    pub participant_counter_lots: u64,
    /// Receipts in the per-participant running totals.
    pub participant_counter_receipts: u64,
    /// Lots in the per-participant quarter-hour buckets.
    pub bucket_lots: u64,
}

impl Audit {
    /// Whether every invariant holds.
    pub fn is_sound(&self) -> bool {
        self.accrued_lots == self.accepted_lots
            && self.counter_lots == self.accepted_lots
            && self.accruals == self.accepted
            && self.receipts_without_submission == 0
            && self.duplicate_acceptances == 0
            && self.stray_accruals == 0
            && self.participant_counter_lots == self.accepted_lots
            && self.participant_counter_receipts == self.accepted
            && self.bucket_lots == self.accepted_lots
    }
}

const AUDIT_SQL: [&str; 12] = [
    "SELECT CAST(COALESCE(SUM(lots), 0) AS BIGINT) FROM accruals WHERE campaign = $1",
    "SELECT CAST(COALESCE(SUM(lots), 0) AS BIGINT) FROM receipts WHERE campaign = $1 AND status = 'accepted'",
    "SELECT CAST(COALESCE(SUM(lots), 0) AS BIGINT) FROM campaign_totals WHERE campaign = $1",
    "SELECT CAST(COUNT(*) AS BIGINT) FROM accruals WHERE campaign = $1",
    "SELECT CAST(COUNT(*) AS BIGINT) FROM receipts WHERE campaign = $1 AND status = 'accepted'",
    "SELECT CAST(COUNT(*) AS BIGINT) FROM submissions WHERE campaign = $1",
    // Joined on the submission's primary key alone: a join on (id, campaign) let PostgreSQL,
    // with statistics older than a fresh campaign, plan a nested loop over a sequential scan
    // of every submission and run past its statement timeout.
    "SELECT CAST(COUNT(*) AS BIGINT) FROM receipts r LEFT JOIN submissions s ON s.id = r.last_submission_id
       WHERE r.campaign = $1 AND (s.id IS NULL OR s.campaign <> r.campaign)",
    "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT receipt_key FROM receipts WHERE campaign = $1
       AND status = 'accepted' GROUP BY receipt_key HAVING COUNT(*) > 1) AS d",
    "SELECT CAST(COUNT(*) AS BIGINT) FROM accruals a JOIN submissions s ON s.id = a.submission_id
       WHERE a.campaign = $1 AND s.status <> 'accepted'",
    "SELECT CAST(COALESCE(SUM(lots), 0) AS BIGINT) FROM participant_totals WHERE campaign = $1",
    "SELECT CAST(COALESCE(SUM(receipts), 0) AS BIGINT) FROM participant_totals WHERE campaign = $1",
    "SELECT CAST(COALESCE(SUM(lots), 0) AS BIGINT) FROM participant_buckets WHERE campaign = $1",
];

macro_rules! dispatch {
    ($self:ident, $b:ident => $e:expr) => {
        match &*$self.inner {
            #[cfg(feature = "sqlite")]
            Inner::Sqlite($b) => $e,
            #[cfg(feature = "postgres")]
            Inner::Postgres($b) => $e,
        }
    };
}

impl Ledger {
    /// Opens a ledger and brings its schema up to date.
    ///
    /// ```
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// assert_eq!(l.backend(), chek_store::Backend::Sqlite);
    /// assert_eq!(l.schema_version()?, chek_store::SCHEMA_VERSION);
    /// # Ok::<(), chek_store::StoreError>(())
    /// ```
    pub fn open(target: &str) -> Result<Ledger, StoreError> {
        Self::open_with(target, &OpenOptions::default())
    }

    /// Opens a ledger as `opts` say: only an existing one (`create: false`), how long to wait
    /// for a busy database, PostgreSQL timeouts. An SQLite file that is not a chek ledger is
    /// refused ([`StoreError::Foreign`]) and left untouched. Opening an up-to-date ledger takes
    /// no write lock, so readers open while a writer works.
    pub fn open_with(target: &str, opts: &OpenOptions) -> Result<Ledger, StoreError> {
        let t = Target::parse(target);
        let label: Arc<str> = Arc::from(redact(target.trim()));
        let inner = match t {
            #[cfg(feature = "sqlite")]
            Target::SqliteFile(p) => Inner::Sqlite(crate::sqlite::Sqlite::open(Some(&p), opts)?),
            #[cfg(feature = "sqlite")]
            Target::SqliteMemory => Inner::Sqlite(crate::sqlite::Sqlite::open(None, opts)?),
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => {
                Inner::Postgres(Box::new(crate::pg::Pg::open(&url, PG_POOL_SIZE, opts)?))
            }
            #[cfg(not(feature = "sqlite"))]
            Target::SqliteFile(_) | Target::SqliteMemory => {
                return Err(StoreError::Unsupported("SQLite"));
            }
            #[cfg(not(feature = "postgres"))]
            Target::Postgres(_) => return Err(StoreError::Unsupported("PostgreSQL")),
        };
        Ok(Ledger {
            inner: Arc::new(inner),
            label,
        })
    }

    /// Which backend this is.
    pub fn backend(&self) -> crate::Backend {
        dispatch!(self, _b => Self::backend_of(_b))
    }

    fn backend_of<T: BackendKind>(_: &T) -> Backend {
        T::KIND
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        dispatch!(self, b => b.schema_version())
    }

    /// Registers a participant (or updates their language). Settling creates unknown
    /// participants with Russian; call this when the language is known.
    pub fn ensure_participant(
        &self,
        campaign: &str,
        participant: &str,
        lang: Lang,
    ) -> Result<(), StoreError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| chrono::DateTime::from_timestamp(i64::try_from(d.as_secs()).ok()?, 0))
            .map_or(NaiveDateTime::MIN, |t| t.naive_utc());
        dispatch!(self, b => b.ensure_participant(campaign, participant, lang.as_str(), now))
    }

    /// Settles one submission in one transaction (see the crate docs). `evaluate` may be called
    /// more than once when PostgreSQL asks for a retry, and not at all for a replay.
    pub fn settle(
        &self,
        s: &Settlement,
        evaluate: &mut dyn FnMut(&ParticipantHistory) -> Decision,
    ) -> Result<Settled, StoreError> {
        let id = settle::receipt_id(s)?;
        dispatch!(self, b => b.settle(s, id, evaluate))
    }

    /// The history a [`settle`](Self::settle) of `s` would see now, read without taking its
    /// locks: for a pre-check before an expensive step (asking ФНС), never for the decision
    /// itself, which the settle makes again under its locks.
    ///
    /// ```
    /// # use chek_core::fiscal::Channel;
    /// # use chek_store::{Ledger, Settlement};
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let s = Settlement::new("d", "tg:1", Channel::Qr, now,
    ///     "t=20260915T1200&s=10.00&fn=7281440500751551&i=1&fp=1&n=1");
    /// let h = l.peek_history(&s)?;
    /// assert!(h.receipts.is_empty() && h.claimed_by_others.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn peek_history(&self, s: &Settlement) -> Result<ParticipantHistory, StoreError> {
        let id = settle::receipt_id(s)?;
        dispatch!(self, b => b.peek_history(s, id))
    }

    /// Settles many submissions in one transaction (one commit), in order; `evaluate` gets the
    /// index of the settlement. Per-item problems (an invalid QR, a conflict) are that item's
    /// `Err` and write nothing for it; a backend failure rolls the whole batch back.
    ///
    /// ```
    /// # use chek_core::campaign::Campaign;
    /// # use chek_core::fiscal::{Candidate, Channel, FiscalQr};
    /// # use chek_store::{Ledger, Settlement};
    /// # let c = Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[what]\nrequire_verification = false\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let qrs = ["t=20260915T1200&s=10.00&fn=7281440500751551&i=1&fp=1&n=1",
    ///            "t=20260915T1200&s=10.00&fn=7281440500751551&i=2&fp=2&n=1", "garbage"];
    /// let batch: Vec<Settlement> = qrs.iter().map(|q| Settlement::new("d", "tg:1", Channel::Qr, now, *q)).collect();
    /// let out = l.settle_batch(&batch, &mut |i, h| {
    ///     let q: FiscalQr = qrs[i].parse().unwrap();
    ///     c.evaluate(&Candidate::new(q, Channel::Qr), h, now)
    /// })?;
    /// assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn settle_batch(
        &self,
        batch: &[Settlement],
        evaluate: &mut dyn FnMut(usize, &ParticipantHistory) -> Decision,
    ) -> Result<Vec<Result<Settled, StoreError>>, StoreError> {
        let items: Vec<_> = batch
            .iter()
            .map(|s| (s.clone(), settle::receipt_id(s)))
            .collect();
        dispatch!(self, b => b.settle_batch(&items, evaluate))
    }

    /// Keeps an input that never became a receipt, for the report. A failure with an
    /// idempotency key already recorded is not recorded again.
    pub fn record_failure(&self, f: &FailedSubmission) -> Result<(), StoreError> {
        if f.campaign.is_empty()
            || f.campaign.len() > settle::MAX_ID
            || f.participant.len() > settle::MAX_ID
        {
            return Err(StoreError::Invalid(
                "campaign or participant id too long or empty".into(),
            ));
        }
        if f.code.len() > settle::MAX_ID {
            return Err(StoreError::Invalid("failure code too long".into()));
        }
        dispatch!(self, b => b.record_failure(f))
    }

    /// Receipts waiting for a re-check due at `now` or earlier, oldest due first, at most `limit`.
    pub fn due_rechecks(
        &self,
        campaign: &str,
        now: NaiveDateTime,
        limit: usize,
    ) -> Result<Vec<PendingRecheck>, StoreError> {
        let rows = dispatch!(self, b => b.due_rechecks(campaign, now, limit))?;
        rows.into_iter()
            .map(|r| read::pending(campaign, r))
            .collect()
    }

    /// Lots credited in `[from, to)` (UTC) per participant, sorted by participant id (bytewise),
    /// participants with no lots left out: the entries of a draw.
    pub fn lots_by_participant(
        &self,
        campaign: &str,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = dispatch!(self, b => b.accruals(campaign, from, to))?;
        let mut out: Vec<(String, u64)> = rows
            .into_iter()
            .map(|(p, l)| (p, to_u64(l)))
            .filter(|(_, l)| *l > 0)
            .collect();
        out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        Ok(out)
    }

    /// Records a period's draw: first the commitment (`result: None`) or everything at once;
    /// later only the result of that same commitment. Anything else for a recorded period is a
    /// [`StoreError::Conflict`].
    pub fn record_draw(&self, d: &DrawRecord) -> Result<(), StoreError> {
        let row = read::draw_row(d)?;
        dispatch!(self, b => b.record_draw(&row))
    }

    /// The campaign's draws, oldest first.
    pub fn draws(&self, campaign: &str) -> Result<Vec<DrawRecord>, StoreError> {
        let rows = dispatch!(self, b => b.draws(campaign))?;
        rows.into_iter().map(read::draw_record).collect()
    }

    /// Who is in a problem segment (`duplicate`, `not_found_in_fns`, `awaiting_operator`, …),
    /// one entry per receipt that put them there, by participant. A receipt leaves its segments
    /// when a later settle decides it differently; `since` is when the latest settle put it there.
    pub fn segment(&self, campaign: &str, segment: &str) -> Result<Vec<SegmentMember>, StoreError> {
        let rows = dispatch!(self, b => b.segment(campaign, segment))?;
        Ok(rows.into_iter().map(read::member).collect())
    }

    /// Per-day counts, lots and the top reasons for not counting.
    pub fn report(&self, campaign: &str) -> Result<Report, StoreError> {
        let (subs, fails, participants) = dispatch!(self, b => b.report_rows(campaign))?;
        Ok(read::report(campaign, subs, fails, participants))
    }

    /// Walks the hash chain of `campaign` (or of every campaign in the ledger) from its first
    /// link to its recorded head, in one snapshot, and stops at the first break: a row whose
    /// fields no longer give its hash, a missing, duplicated or unchained link, a head that is
    /// not the last link (docs/ledger-chain.md). A break is data in the report
    /// ([`ChainReport::broken`], [`ChainBreak::to_error`] for `store.chain_broken`); an `Err`
    /// means the walk itself could not run.
    ///
    /// ```
    /// # use chek_core::campaign::Campaign;
    /// # use chek_core::fiscal::{Candidate, Channel, FiscalQr};
    /// # use chek_store::{Ledger, Settlement};
    /// # let c = Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[what]\nrequire_verification = false\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// for i in 1..=3 {
    ///     let qr = format!("t=20260915T1200&s=10.00&fn=7281440500751551&i={i}&fp={i}&n=1");
    ///     let cand = Candidate::new(qr.parse::<FiscalQr>()?, Channel::Qr);
    ///     l.settle(&Settlement::new("d", "tg:1", Channel::Qr, now, qr), &mut |h| c.evaluate(&cand, h, now))?;
    /// }
    /// let report = l.verify_chain(Some("d"))?;
    /// assert!(report.is_intact());
    /// assert_eq!((report.rows, report.chains[0].links), (3, 3));
    /// // The head hash to publish: anything it covers rewritten later shows.
    /// assert_eq!(report.chains[0].head, l.chain_head("d")?.unwrap().head);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_chain(&self, campaign: Option<&str>) -> Result<ChainReport, StoreError> {
        dispatch!(self, b => b.verify_chain(campaign))
    }

    /// The recorded head of a campaign's chain (its last link's position and hash), read
    /// without walking the chain: what to publish after a draw commitment. `None` before the
    /// campaign's first link.
    pub fn chain_head(&self, campaign: &str) -> Result<Option<ChainHead>, StoreError> {
        let head = dispatch!(self, b => b.chain_head(campaign))?;
        Ok(head.map(|(seq, hash)| ChainHead {
            campaign: campaign.to_owned(),
            links: to_u64(seq),
            head: hash,
        }))
    }

    /// A participant's history in a campaign, read in one snapshot: their balance (counted
    /// receipts, lots, points) and every receipt they sent with where it stands now, oldest
    /// first; `None` for a participant the ledger has never seen.
    ///
    /// ```
    /// # use chek_core::campaign::Campaign;
    /// # use chek_core::fiscal::{Candidate, Channel, FiscalQr};
    /// # use chek_store::{Ledger, Settlement};
    /// # let c = Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[what]\nrequire_verification = false\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 2\n")?;
    /// let l = Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let qr = "t=20260915T1200&s=10.00&fn=7281440500751551&i=1&fp=1&n=1";
    /// l.settle(&Settlement::new("d", "tg:1", Channel::Qr, now, qr), &mut |h| {
    ///     c.evaluate(&Candidate::new(qr.parse::<FiscalQr>().unwrap(), Channel::Qr), h, now)
    /// })?;
    /// let r = l.participant("d", "tg:1")?.expect("known");
    /// assert_eq!((r.balance.counted, r.balance.lots), (1, 2));
    /// assert_eq!(r.receipts[0].status.as_str(), "accepted");
    /// assert!(l.participant("d", "tg:2")?.is_none());
    /// assert_eq!(l.balances("d")?[0].lots, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn participant(
        &self,
        campaign: &str,
        participant: &str,
    ) -> Result<Option<crate::ParticipantRecord>, StoreError> {
        let Some((p, rows)) = dispatch!(self, b => b.participant(campaign, participant))? else {
            return Ok(None);
        };
        read::participant_record(campaign, participant, p, rows).map(Some)
    }

    /// Every participant's balance (counted receipts, lots, points), participants with nothing
    /// counted included, sorted by participant id (bytewise).
    pub fn balances(&self, campaign: &str) -> Result<Vec<crate::Balance>, StoreError> {
        let rows = dispatch!(self, b => b.balances(campaign))?;
        Ok(rows.into_iter().map(read::balance).collect())
    }

    /// Reads the ledger's invariants for one campaign (for tests, monitoring and after a crash).
    pub fn audit(&self, campaign: &str) -> Result<Audit, StoreError> {
        let mut v = [0u64; AUDIT_SQL.len()];
        for (slot, sql) in v.iter_mut().zip(AUDIT_SQL) {
            let rows = dispatch!(self, b => b.query_i64(sql, campaign))?;
            *slot = to_u64(rows.first().copied().unwrap_or(0));
        }
        Ok(Audit {
            accrued_lots: v[0],
            accepted_lots: v[1],
            counter_lots: v[2],
            accruals: v[3],
            accepted: v[4],
            submissions: v[5],
            receipts_without_submission: v[6],
            duplicate_acceptances: v[7],
            stray_accruals: v[8],
            participant_counter_lots: v[9],
            participant_counter_receipts: v[10],
            bucket_lots: v[11],
        })
    }
}

impl Ledger {
    /// Runs one engagement step in one transaction on either backend.
    pub(crate) fn docs_tx<T>(
        &self,
        f: &mut dyn FnMut(&mut dyn crate::engage::doc::DocTx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        dispatch!(self, b => b.docs_tx(f))
    }

    /// The backend's outbox operations.
    pub(crate) fn outbox_backend<T>(
        &self,
        f: impl FnOnce(&dyn crate::outbox::OutboxBackend) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &*self.inner {
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(b) => f(b),
            #[cfg(feature = "postgres")]
            Inner::Postgres(b) => f(&**b),
        }
    }

    /// Every engagement document of a kind, from one snapshot.
    pub(crate) fn docs_all(&self, kind: &str) -> Result<Vec<(String, String)>, StoreError> {
        dispatch!(self, b => b.docs_all(kind))
    }
}

trait BackendKind {
    const KIND: Backend;
}

#[cfg(feature = "sqlite")]
impl BackendKind for crate::sqlite::Sqlite {
    const KIND: Backend = Backend::Sqlite;
}

#[cfg(feature = "postgres")]
impl BackendKind for Box<crate::pg::Pg> {
    const KIND: Backend = Backend::Postgres;
}
