//! The main job from Python: `chek.Ledger` (SQLite or PostgreSQL) and `chek.Engine` (submit,
//! re-check, draw, segments, report), each submission answered by a `chek.Outcome`. The GIL is
//! released while the engine works (scan, verification, database).

use std::time::Duration;

use chek::Coded;
use chek::campaign::Campaign;
use chek::engine::{
    DrawRequest, Engine, EngineError, Input, Outcome, OutcomeStatus, Submission, Verification,
};
use chek::store::{Ledger, StoreError};
use chek::verify::{ClientConfig, ProviderKind, Secret};
use chrono::{NaiveDate, NaiveDateTime};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::chain::{PyChainHead, PyChainReport};
use crate::convert::{Utc, fixed_tz, json_dict, py_repr, serde_dict, utc_opt};
use crate::draw::PyDrawResult;
use crate::errors::{self, OrRaise, Raise, detach_guarded};
use crate::recheck::PyRecheckPolicy;
use crate::records::{
    PyBalance, PyDrawRecord, PyParticipantRecord, PyPendingRecheck, PyReport, PySegmentMember,
};
use crate::scan::Photo;

impl Raise for EngineError {
    type Exc = errors::EngineError;
}

impl Raise for StoreError {
    type Exc = errors::EngineError;
}

fn utc_now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// The ledger of a campaign: `Ledger("chek.sqlite")` (created when missing, unless
/// `create=False`), `Ledger(":memory:")`, or `Ledger("postgres://user@host/db")` (the password
/// may come from `PGPASSWORD`). `busy_wait` is how long a busy SQLite ledger is waited for (s);
/// `connect_timeout` and `statement_timeout` bound PostgreSQL (s; `statement_timeout=0`
/// keeps the server's). Share one between engines and threads.
#[pyclass(frozen, module = "chek", name = "Ledger")]
pub(crate) struct PyLedger {
    pub(crate) ledger: Ledger,
    target: String,
}

#[pymethods]
impl PyLedger {
    #[new]
    #[pyo3(signature = (target, *, create=true, busy_wait=60.0, connect_timeout=10.0, statement_timeout=30.0))]
    fn new(
        py: Python<'_>,
        target: String,
        create: bool,
        busy_wait: f64,
        connect_timeout: f64,
        statement_timeout: f64,
    ) -> PyResult<Self> {
        let secs = |v: f64, what: &str| {
            std::time::Duration::try_from_secs_f64(v).map_err(|_| {
                pyo3::exceptions::PyValueError::new_err(format!(
                    "{what} must be a number of seconds, got {v}"
                ))
            })
        };
        let opts = chek::store::OpenOptions {
            create,
            busy_wait: secs(busy_wait, "busy_wait")?,
            connect_timeout: secs(connect_timeout, "connect_timeout")?,
            statement_timeout: Some(secs(statement_timeout, "statement_timeout")?)
                .filter(|d| !d.is_zero()),
        };
        let t = target.clone();
        let ledger = detach_guarded(py, move || Ledger::open_with(&t, &opts))?.or_raise(py)?;
        Ok(PyLedger {
            ledger,
            target: chek::store::redact(&target),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    #[getter]
    fn backend(&self) -> &'static str {
        self.ledger.backend().as_str()
    }

    /// Walks the hash chain of every campaign (or of `campaign`) in one snapshot and returns a
    /// `chek.ChainReport`: `.intact`, `.rows`, `.chains` (heads to publish), and `.broken`, the
    /// first row edited, deleted, reordered or inserted outside chek (a break is data, not an
    /// exception; `.raise_if_broken()` raises `store.chain_broken`).
    #[pyo3(signature = (*, campaign = None))]
    fn verify_chain(&self, py: Python<'_>, campaign: Option<String>) -> PyResult<PyChainReport> {
        let l = self.ledger.clone();
        let r = detach_guarded(py, move || l.verify_chain(campaign.as_deref()))?.or_raise(py)?;
        Ok(PyChainReport(r))
    }

    /// The recorded head of a campaign's chain (`chek.ChainHead`: position and hash of its last
    /// link, read without walking), or `None` before its first link: publish it with a draw
    /// commitment.
    fn chain_head(&self, py: Python<'_>, campaign: String) -> PyResult<Option<PyChainHead>> {
        let l = self.ledger.clone();
        let h = detach_guarded(py, move || l.chain_head(&campaign))?.or_raise(py)?;
        Ok(h.as_ref().map(PyChainHead::from))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Ledger", "" => self.target.as_str())
    }
}

/// What one submission came to: `.status` (`"accepted"`, `"rejected"`, `"pending_recheck"`,
/// `"awaiting_operator"`, `"failed"`), `.lots`, `.reasons` (dicts with `code`, `kind`, `segment`,
/// `hint` in the participant's language), `.verification` (offline outcomes say
/// `state == "unverified"`), and `to_dict()` (the shape of `chek run --json`).
#[pyclass(frozen, eq, module = "chek", name = "Outcome")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyOutcome(pub(crate) Outcome);

#[pymethods]
impl PyOutcome {
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    /// When the re-check is due (naive UTC), for `pending_recheck`.
    #[getter]
    fn next_at(&self) -> Option<NaiveDateTime> {
        match self.0.status {
            OutcomeStatus::PendingRecheck { next_at } => Some(next_at),
            _ => None,
        }
    }
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// `"photo"`, `"qr"`, `"ocr"`, `"manual"` or `"recheck"`.
    #[getter]
    fn input(&self) -> &'static str {
        self.0.input
    }
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    #[getter]
    fn points(&self) -> u64 {
        self.0.points
    }
    /// `"fn:fd:fp"`, once the receipt was read.
    #[getter]
    fn receipt(&self) -> Option<String> {
        self.0.receipt().map(|r| r.to_string())
    }
    /// The canonical QR string, once read.
    #[getter]
    fn qr(&self) -> Option<String> {
        self.0.qr.as_ref().map(ToString::to_string)
    }
    #[getter]
    fn replayed(&self) -> bool {
        self.0.replayed
    }
    /// Whether ФНС confirmed the receipt (never in offline mode).
    #[getter]
    fn verified(&self) -> bool {
        self.0.verification.is_verified()
    }
    #[getter]
    fn verification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, &self.0.verification.to_json(self.0.lang), &[])
    }
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = self.to_dict(py)?;
        d.get_item("reasons")?
            .ok_or_else(|| PyValueError::new_err("no reasons"))
    }
    /// The codes of every reason, in pipeline order.
    #[getter]
    fn codes(&self) -> Vec<&'static str> {
        self.0.reasons.iter().map(|r| r.code).collect()
    }
    /// The text a bot can send: status, lots, the verification label and each reason's hint.
    fn text(&self) -> String {
        self.0.to_text()
    }
    /// The shape of `chek run --json`, JSON-ready (`next_at` an ISO string).
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0.to_json())
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Outcome",
            "status" => self.status(),
            "lots" => self.0.lots,
            "receipt" => self.receipt(),
            "codes" => self.codes())
    }
}

fn outcomes<'py>(py: Python<'py>, v: Vec<Outcome>) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, v.into_iter().map(PyOutcome))
}

/// The engine of one campaign over a ledger: `Engine(campaign_text, ledger)` runs offline (QR
/// data recorded unverified, and every outcome says so); `provider="fns"` or `"checkapi"` with
/// `token=` verifies with ФНС.
#[pyclass(frozen, module = "chek", name = "Engine")]
pub(crate) struct PyEngine(pub(crate) std::sync::Arc<Engine>);

fn provider(
    name: &str,
    base_url: Option<String>,
    token: Option<String>,
    timeout: f64,
) -> PyResult<Verification> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(PyValueError::new_err("a provider needs token="));
    };
    let total = Duration::try_from_secs_f64(timeout)
        .map_err(|_| PyValueError::new_err("timeout must be a positive number of seconds"))?;
    let Some(kind) = ProviderKind::from_name(name) else {
        return Err(PyValueError::new_err(format!(
            "unknown provider {name:?}: use \"fns\" or \"checkapi\""
        )));
    };
    let v = kind
        .build(
            base_url.as_deref(),
            Secret::new(token),
            ClientConfig::with_total_timeout(total),
        )
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(Verification::Provider(v))
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (campaign, ledger, *, provider=None, base_url=None, token=None, timeout=20.0, recheck_policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        campaign: &str,
        ledger: &PyLedger,
        provider: Option<&str>,
        base_url: Option<String>,
        token: Option<String>,
        timeout: f64,
        recheck_policy: Option<&PyRecheckPolicy>,
    ) -> PyResult<Self> {
        // Raised by hand, not through a `Raise` impl: the campaign area owns that one.
        let c = Campaign::parse(campaign).map_err(|e| {
            errors::coded_err(
                py,
                &py.get_type::<errors::CampaignError>(),
                e.to_string(),
                e.code(),
                (e.hint(chek::Lang::Ru), e.hint(chek::Lang::En)),
                PyDict::new(py),
            )
        })?;
        let v = match provider {
            None => Verification::Offline,
            Some(p) => self::provider(p, base_url, token, timeout)?,
        };
        Ok(PyEngine(std::sync::Arc::new(Engine::new(
            c,
            ledger.ledger.clone(),
            v,
            recheck_policy.map(|p| p.0.clone()).unwrap_or_default(),
        ))))
    }

    /// The campaign's time zone (`when.utc_offset`) as a `datetime.timezone`.
    #[getter]
    fn tz<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fixed_tz(py, self.0.campaign().utc_offset())
    }

    /// The re-check policy parked receipts follow.
    #[getter]
    fn recheck_policy(&self) -> PyRecheckPolicy {
        PyRecheckPolicy(self.0.recheck_policy().clone())
    }

    /// The campaign id.
    #[getter]
    fn campaign_id(&self) -> String {
        self.0.campaign().def().id.clone()
    }

    /// Whether receipts are recorded unverified (no provider).
    #[getter]
    fn offline(&self) -> bool {
        self.0.verification().is_offline()
    }

    /// One submission: exactly one of `qr`, `photo` (bytes or a path), `ocr_text`, `manual`.
    /// `received_at` is naive UTC or aware in any zone (default: now). Receipts that do not
    /// count are outcomes, not errors.
    #[pyo3(signature = (participant, *, qr=None, photo=None, ocr_text=None, manual=None,
                        idempotency_key=None, lang="ru", received_at=None))]
    #[allow(clippy::too_many_arguments)]
    fn submit(
        &self,
        py: Python<'_>,
        participant: String,
        qr: Option<String>,
        photo: Option<&Bound<'_, PyAny>>,
        ocr_text: Option<String>,
        manual: Option<String>,
        idempotency_key: Option<String>,
        lang: &str,
        received_at: Option<Utc>,
    ) -> PyResult<PyOutcome> {
        let req = Request::new(
            participant,
            qr,
            photo,
            ocr_text,
            manual,
            idempotency_key,
            lang,
            utc_opt(received_at),
        )?;
        let engine = &self.0;
        let r = detach_guarded(py, move || {
            engine
                .process(req.submission()?)
                .map_err(PyErrLater::Engine)
        })?;
        r.map(PyOutcome).map_err(|e| e.into_py(py))
    }

    /// Many submissions (dicts with `submit`'s keyword arguments, `participant` included),
    /// settled in order, up to 256 per commit: the fast way to load many receipts. Returns
    /// one item per submission, in order: its `Outcome`, or the `ChekError` that `submit`
    /// would have raised for it (returned, not raised, so one bad item does not hide the rest).
    fn submit_batch<'py>(
        &self,
        py: Python<'py>,
        submissions: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut reqs: Vec<Result<Request, PyErr>> = Vec::new();
        for item in submissions.try_iter()? {
            let item = item?;
            let d = item
                .cast::<PyDict>()
                .map_err(|_| PyValueError::new_err("each submission must be a dict"))?;
            reqs.push(Request::from_dict(d));
        }
        // Bad dicts fail before anything is settled: the caller fixes the batch and resends.
        let reqs: Vec<Request> = reqs.into_iter().collect::<PyResult<_>>()?;
        let engine = &self.0;
        let results = detach_guarded(py, move || {
            let mut early: Vec<Option<PyErrLater>> = Vec::with_capacity(reqs.len());
            let mut subs = Vec::with_capacity(reqs.len());
            for r in reqs {
                match r.submission() {
                    Ok(s) => {
                        early.push(None);
                        subs.push(s);
                    }
                    Err(e) => early.push(Some(e)),
                }
            }
            let mut done = engine.process_batch(subs).into_iter();
            early
                .into_iter()
                .map(|e| match e {
                    Some(e) => Err(e),
                    None => match done.next() {
                        Some(r) => r.map_err(PyErrLater::Engine),
                        None => Err(PyErrLater::Io(std::io::Error::other("no result"))),
                    },
                })
                .collect::<Vec<_>>()
        })?;
        let out = PyList::empty(py);
        for r in results {
            match r {
                Ok(o) => out.append(Bound::new(py, PyOutcome(o))?)?,
                Err(e) => out.append(e.into_py(py).value(py))?,
            }
        }
        Ok(out)
    }

    /// Receipts whose re-check is due at `now` (naive UTC or aware; default: now), oldest due
    /// first, as `PendingRecheck`s.
    #[pyo3(signature = (*, now=None, limit=1000))]
    fn due_rechecks(
        &self,
        py: Python<'_>,
        now: Option<Utc>,
        limit: usize,
    ) -> PyResult<Vec<PyPendingRecheck>> {
        let now = utc_opt(now).unwrap_or_else(utc_now);
        let engine = &self.0;
        let due = detach_guarded(py, move || engine.due_rechecks(now, limit))?.or_raise(py)?;
        Ok(due.into_iter().map(PyPendingRecheck).collect())
    }

    /// Asks the provider again about due receipts; offline, nothing changes (empty list).
    #[pyo3(signature = (*, now=None, limit=1000))]
    fn recheck<'py>(
        &self,
        py: Python<'py>,
        now: Option<Utc>,
        limit: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = utc_opt(now).unwrap_or_else(utc_now);
        let engine = &self.0;
        let v = detach_guarded(py, move || engine.recheck(now, limit))?.or_raise(py)?;
        outcomes(py, v)
    }

    /// Records the commitment of the draw of campaign-local days `start..=end` before the
    /// period ends: the seed's SHA-256 (hex) and the public beacon source and future round the
    /// draw will use. One per period and prize set (`main` unless named); no two of a prize set
    /// share a day.
    #[pyo3(signature = (period, start, end, *, commitment, beacon_source, beacon_round, prize_set=None, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn commit_draw(
        &self,
        py: Python<'_>,
        period: String,
        start: NaiveDate,
        end: NaiveDate,
        commitment: String,
        beacon_source: String,
        beacon_round: String,
        prize_set: Option<String>,
        now: Option<Utc>,
    ) -> PyResult<()> {
        let now = utc_opt(now).unwrap_or_else(utc_now);
        let mut c = chek::engine::DrawCommitment::new(
            period,
            start,
            end,
            commitment,
            beacon_source,
            beacon_round,
        );
        if let Some(p) = prize_set {
            c.prize_set = p;
        }
        let engine = &self.0;
        detach_guarded(py, move || engine.commit_draw(&c, now))?.or_raise(py)
    }

    /// Runs the draw of campaign-local days `start..=end` over the ledger's lots and records
    /// it beside its commitment (needed, and the period must have ended); returns the
    /// `DrawResult` (its `to_dict()` is `chek draw --json`).
    #[pyo3(signature = (period, start, end, *, seed, beacon, prizes, exclude=Vec::new(), now=None))]
    #[allow(clippy::too_many_arguments)]
    fn draw(
        &self,
        py: Python<'_>,
        period: String,
        start: NaiveDate,
        end: NaiveDate,
        seed: Vec<u8>,
        beacon: Vec<u8>,
        prizes: u32,
        exclude: Vec<String>,
        now: Option<Utc>,
    ) -> PyResult<PyDrawResult> {
        let now = utc_opt(now).unwrap_or_else(utc_now);
        let mut req = DrawRequest::new(period, start, end, seed, beacon, prizes);
        req.exclude = exclude;
        let engine = &self.0;
        let r = detach_guarded(py, move || engine.draw(&req, now))?.or_raise(py)?;
        Ok(PyDrawResult(r))
    }

    /// Every draw of the campaign recorded so far (commitments, and results once run), oldest
    /// first.
    fn draws(&self, py: Python<'_>) -> PyResult<Vec<PyDrawRecord>> {
        let engine = &self.0;
        let v = detach_guarded(py, move || engine.draws())?.or_raise(py)?;
        Ok(v.into_iter().map(PyDrawRecord).collect())
    }

    /// Lots per participant credited on campaign-local days `start..=end` (a draw's entries),
    /// sorted by participant id, participants with none left out.
    fn lots(
        &self,
        py: Python<'_>,
        start: NaiveDate,
        end: NaiveDate,
    ) -> PyResult<Vec<(String, u64)>> {
        let engine = &self.0;
        let v = detach_guarded(py, move || engine.lots(start, end))?.or_raise(py)?;
        Ok(v.into_iter().map(|e| (e.participant, e.lots)).collect())
    }

    /// Participants of a problem segment (`"out_of_period"`, `"not_found_in_fns"`,
    /// `"awaiting_operator"`…), each a `SegmentMember` (participant, lang, receipt, since).
    fn segment(&self, py: Python<'_>, name: String) -> PyResult<Vec<PySegmentMember>> {
        let engine = &self.0;
        let v = detach_guarded(py, move || engine.segment(&name))?.or_raise(py)?;
        Ok(v.into_iter().map(PySegmentMember).collect())
    }

    /// Per-day counts, lots, participants and top reasons: a `Report` (its `to_dict()` is
    /// `chek report --json`).
    fn report(&self, py: Python<'_>) -> PyResult<PyReport> {
        let engine = &self.0;
        let r = detach_guarded(py, move || engine.report())?.or_raise(py)?;
        Ok(PyReport(r))
    }

    /// A participant's history: their balance (receipts counted, lots, points) and every
    /// receipt they sent with where it stands now, oldest first; `None` for a participant the
    /// ledger has never seen.
    fn history(
        &self,
        py: Python<'_>,
        participant: String,
    ) -> PyResult<Option<PyParticipantRecord>> {
        let engine = &self.0;
        let r = detach_guarded(py, move || engine.history(&participant))?.or_raise(py)?;
        Ok(r.map(PyParticipantRecord))
    }

    /// Records a participant's language (`"ru"` or `"en"`): segments list it, so a bot writes
    /// to each member in theirs. Each `submit` records its own `lang` too.
    fn set_language(&self, py: Python<'_>, participant: String, lang: &str) -> PyResult<()> {
        let lang = crate::convert::lang(lang)?;
        let engine = &self.0;
        detach_guarded(py, move || engine.set_language(&participant, lang))?.or_raise(py)
    }

    /// The ledger's invariants for this campaign (accruals match acceptances, nothing counted
    /// twice…): an `Audit` whose `sound` is what monitoring checks.
    fn audit(&self, py: Python<'_>) -> PyResult<PyAudit> {
        let engine = &self.0;
        let id = engine.campaign().def().id.clone();
        detach_guarded(py, move || engine.ledger().audit(&id))?
            .or_raise(py)
            .map(PyAudit)
    }

    /// Every participant's `Balance` (receipts counted, lots, points), participants with
    /// nothing counted included, sorted by participant id.
    fn balances(&self, py: Python<'_>) -> PyResult<Vec<PyBalance>> {
        let engine = &self.0;
        let v = detach_guarded(py, move || engine.balances())?.or_raise(py)?;
        Ok(v.into_iter().map(PyBalance).collect())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Engine",
            "campaign" => self.0.campaign().def().id.as_str(),
            "verification" => self.0.verification().name())
    }
}

/// An error from inside the detached closure, raised once the GIL is back.
enum PyErrLater {
    Engine(EngineError),
    Io(std::io::Error),
}

impl PyErrLater {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            PyErrLater::Engine(e) => errors::to_py_err(py, &e),
            PyErrLater::Io(e) => PyErr::from(e),
        }
    }
}

/// One submission as given from Python, checked; its photo is read when it is processed.
struct Request {
    participant: String,
    input: RequestInput,
    idempotency_key: Option<String>,
    lang: chek::Lang,
    at: NaiveDateTime,
}

enum RequestInput {
    Qr(String),
    Photo(Photo),
    OcrText(String),
    Manual(String),
}

impl Request {
    #[allow(clippy::too_many_arguments)]
    fn new(
        participant: String,
        qr: Option<String>,
        photo: Option<&Bound<'_, PyAny>>,
        ocr_text: Option<String>,
        manual: Option<String>,
        idempotency_key: Option<String>,
        lang: &str,
        received_at: Option<NaiveDateTime>,
    ) -> PyResult<Self> {
        let photo = photo.map(Photo::from_py).transpose()?;
        let input = match (qr, photo, ocr_text, manual) {
            (Some(q), None, None, None) => RequestInput::Qr(q),
            (None, Some(p), None, None) => RequestInput::Photo(p),
            (None, None, Some(t), None) => RequestInput::OcrText(t),
            (None, None, None, Some(m)) => RequestInput::Manual(m),
            _ => {
                return Err(PyValueError::new_err(
                    "give exactly one of qr=, photo=, ocr_text=, manual=",
                ));
            }
        };
        Ok(Request {
            participant,
            input,
            idempotency_key,
            lang: crate::convert::lang(lang)?,
            at: received_at.unwrap_or_else(utc_now),
        })
    }

    fn from_dict(d: &Bound<'_, PyDict>) -> PyResult<Self> {
        const KEYS: [&str; 8] = [
            "participant",
            "qr",
            "photo",
            "ocr_text",
            "manual",
            "idempotency_key",
            "lang",
            "received_at",
        ];
        for k in d.keys() {
            let k: String = k.extract()?;
            if !KEYS.contains(&k.as_str()) {
                return Err(PyValueError::new_err(format!(
                    "unknown submission key {k:?}; expected some of {KEYS:?}"
                )));
            }
        }
        let get = |k: &str| d.get_item(k).map(|v| v.filter(|v| !v.is_none()));
        let participant: String = get("participant")?
            .ok_or_else(|| PyValueError::new_err("a submission needs a participant"))?
            .extract()?;
        let text =
            |k: &str| -> PyResult<Option<String>> { get(k)?.map(|v| v.extract()).transpose() };
        let lang: Option<String> = text("lang")?;
        let at: Option<NaiveDateTime> = get("received_at")?
            .map(|v| v.extract::<Utc>().map(|u| u.0))
            .transpose()?;
        Request::new(
            participant,
            text("qr")?,
            get("photo")?.as_ref(),
            text("ocr_text")?,
            text("manual")?,
            text("idempotency_key")?,
            lang.as_deref().unwrap_or("ru"),
            at,
        )
    }

    /// The engine's submission; reads a photo given as a path.
    fn submission(self) -> Result<Submission, PyErrLater> {
        let input = match self.input {
            RequestInput::Qr(q) => Input::QrText(q),
            RequestInput::Photo(p) => Input::Photo(p.bytes(64 << 20).map_err(PyErrLater::Io)?),
            RequestInput::OcrText(t) => Input::OcrText(t),
            RequestInput::Manual(m) => Input::Manual(m),
        };
        let mut s = Submission::new(self.participant, input)
            .with_lang(self.lang)
            .received_at(self.at);
        if let Some(k) = self.idempotency_key {
            s = s.with_idempotency_key(k);
        }
        Ok(s)
    }
}

crate::convert::result_class! {
    /// The ledger's consistency figures for one campaign (`Engine.audit()`); `sound` is whether
    /// every invariant holds.
    PyAudit(chek::store::Audit) as "Audit";
    repr(sound, accepted, accrued_lots);
    /// Whether every invariant holds.
    sound: |v, _py| v.is_sound();
    /// Lots in the append-only accruals ledger.
    accrued_lots: |v, _py| v.accrued_lots;
    /// Lots of the receipts currently accepted.
    accepted_lots: |v, _py| v.accepted_lots;
    /// Lots in the campaign counter (what budgets read).
    counter_lots: |v, _py| v.counter_lots;
    /// Accrual rows.
    accruals: |v, _py| v.accruals;
    /// Accepted receipt rows.
    accepted: |v, _py| v.accepted;
    /// Submission rows.
    submissions: |v, _py| v.submissions;
    /// Receipt rows whose submission is missing (0 when sound).
    receipts_without_submission: |v, _py| v.receipts_without_submission;
    /// Receipts accepted more than once (0 when sound).
    duplicate_acceptances: |v, _py| v.duplicate_acceptances;
    /// Accruals whose submission was not an acceptance (0 when sound).
    stray_accruals: |v, _py| v.stray_accruals;
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAudit>()?;
    m.add_class::<PyLedger>()?;
    m.add_class::<PyEngine>()?;
    m.add_class::<PyOutcome>()?;
    Ok(())
}
