//! Campaigns: `chek.Campaign` (from TOML or JSON), `.evaluate` and `.evaluate_many` (GIL
//! released), the `chek.Decision` with its `chek.Reason`s, and a participant's `chek.History`.

use std::sync::Arc;

use chek::campaign::{
    self, Campaign, CampaignDef, Decision, Effect, ParticipantHistory, PastReceipt, Reason, Status,
};
use chek::fiscal::{Candidate, Channel};
use chek::{Coded, Hint};
use chrono::NaiveDateTime;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{IntoPyDict, PyDict, PyTuple};

use crate::convert::{Utc, fixed_tz, hints_dict, json_dict, py_repr, utc_opt};
use crate::errors::{self, OrRaise, Raise, detach_guarded};
use crate::qr::{PyFiscalQr, PyReceiptId};
use crate::receipt::{PyCandidate, PyReceipt, json_text};

impl Raise for campaign::CampaignError {
    type Exc = errors::CampaignError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        if let campaign::CampaignError::Invalid { path, problem } = self {
            d.set_item("path", path.to_string())?;
            d.set_item("problem", problem.to_string())?;
        }
        Ok(d)
    }
}

/// Anything that stands for a submitted receipt: a `Candidate`, a `FiscalQr` (channel `"qr"`,
/// unverified) or a `Receipt` (verified, channel `"qr"`).
pub(crate) fn candidate_of(obj: &Bound<'_, PyAny>) -> PyResult<Candidate> {
    if let Ok(c) = obj.cast::<PyCandidate>() {
        return Ok(c.get().0.clone());
    }
    if let Ok(q) = obj.cast::<PyFiscalQr>() {
        return Ok(Candidate::new(q.get().0.clone(), Channel::Qr));
    }
    if let Ok(r) = obj.cast::<PyReceipt>() {
        return Ok(Candidate::verified(r.get().0.clone(), Channel::Qr));
    }
    Err(PyTypeError::new_err(
        "expected a Candidate, a FiscalQr or a Receipt",
    ))
}

static DATETIME: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();

/// `now` if given, else the current UTC time as a naive datetime (campaigns compare UTC "now"
/// with receipts' local times through the campaign's `utc_offset`).
pub(crate) fn now_utc(py: Python<'_>, now: Option<NaiveDateTime>) -> PyResult<NaiveDateTime> {
    match now {
        Some(n) => Ok(n),
        None => {
            let dt = DATETIME.import(py, "datetime", "datetime")?;
            let tz = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
            dt.call_method1("now", (tz,))?
                .call_method(
                    "replace",
                    (),
                    Some(&[("tzinfo", py.None())].into_py_dict(py)?),
                )?
                .extract()
        }
    }
}

/// One of a participant's past receipts, as the ledger knows it.
///
/// `PastReceipt(id, submitted_at, lots=0, points=0)`; `id` is a `ReceiptId` or `"fn:fd:fp"`.
#[pyclass(frozen, eq, from_py_object, module = "chek", name = "PastReceipt")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPastReceipt(PastReceipt);

fn receipt_id_of(obj: &Bound<'_, PyAny>) -> PyResult<chek::fiscal::ReceiptId> {
    if let Ok(id) = obj.cast::<PyReceiptId>() {
        return Ok(id.get().0);
    }
    let s: String = obj.extract()?;
    s.parse::<chek::fiscal::ReceiptId>()
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

#[pymethods]
impl PyPastReceipt {
    #[new]
    #[pyo3(signature = (id, submitted_at, lots = 0, points = 0))]
    fn new(id: &Bound<'_, PyAny>, submitted_at: Utc, lots: u64, points: u64) -> PyResult<Self> {
        Ok(Self(PastReceipt {
            id: receipt_id_of(id)?,
            submitted_at: submitted_at.0,
            lots,
            points,
        }))
    }
    /// ФН + ФД + ФП.
    #[getter]
    fn id(&self) -> PyReceiptId {
        PyReceiptId(self.0.id)
    }
    /// When it was submitted (naive UTC; an aware datetime given is converted to UTC).
    #[getter]
    fn submitted_at(&self) -> NaiveDateTime {
        self.0.submitted_at
    }
    /// Lots it earned.
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    /// Points it earned.
    #[getter]
    fn points(&self) -> u64 {
        self.0.points
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "PastReceipt",
            "id" => self.0.id.to_string(),
            "submitted_at" => self.0.submitted_at,
            "lots" => self.0.lots,
            "points" => self.0.points)
    }
}

/// What the ledger knows about a participant when a new receipt arrives: their past receipts,
/// receipts other participants already claimed, and their campaign totals.
#[pyclass(frozen, eq, module = "chek", name = "History")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyHistory(ParticipantHistory);

#[pymethods]
impl PyHistory {
    #[new]
    #[pyo3(signature = (participant = String::new(), receipts = Vec::new(), claimed_by_others = Vec::new(), campaign_lots = 0, campaign_points = 0))]
    fn new(
        participant: String,
        receipts: Vec<PyPastReceipt>,
        claimed_by_others: Vec<Bound<'_, PyAny>>,
        campaign_lots: u64,
        campaign_points: u64,
    ) -> PyResult<Self> {
        Ok(Self(ParticipantHistory {
            participant,
            receipts: receipts.into_iter().map(|r| r.0).collect(),
            claimed_by_others: claimed_by_others
                .iter()
                .map(receipt_id_of)
                .collect::<PyResult<_>>()?,
            campaign_lots,
            campaign_points,
            buckets: Vec::new(),
            earlier: chek::campaign::EarlierReceipts::default(),
        }))
    }
    /// Reads a history from JSON (`str`, `bytes` or a `dict`), the shape `chek campaign
    /// evaluate --history` reads.
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(json)?;
        serde_json::from_str(&text)
            .map(Self)
            .map_err(|e| PyValueError::new_err(format!("not a participant history: {e}")))
    }
    /// The participant's id.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// Their past receipts in this campaign.
    #[getter]
    fn receipts(&self) -> Vec<PyPastReceipt> {
        self.0.receipts.iter().cloned().map(PyPastReceipt).collect()
    }
    /// Receipts already claimed by other participants.
    #[getter]
    fn claimed_by_others(&self) -> Vec<PyReceiptId> {
        self.0
            .claimed_by_others
            .iter()
            .copied()
            .map(PyReceiptId)
            .collect()
    }
    /// Lots credited so far.
    #[getter]
    fn campaign_lots(&self) -> u64 {
        self.0.campaign_lots
    }
    /// Points credited so far.
    #[getter]
    fn campaign_points(&self) -> u64 {
        self.0.campaign_points
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "History",
            "participant" => self.0.participant.as_str(),
            "receipts" => self.0.receipts.len(),
            "campaign_lots" => self.0.campaign_lots,
            "campaign_points" => self.0.campaign_points)
    }
}

fn effect_name(e: Effect) -> &'static str {
    match e {
        Effect::Reject => "reject",
        Effect::Pending => "pending",
        Effect::Info => "info",
    }
}

/// One reason of a decision: `.code` (stable, e.g. `"campaign.total_too_small"`), `.effect`
/// (`"reject"`, `"pending"` or `"info"`), `.segment` (a problem group a bot can message, or
/// `None`), `.rule` (the rule or field it comes from), `.hint` / `.hints`.
#[pyclass(frozen, eq, module = "chek", name = "Reason")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyReason(Reason);

#[pymethods]
impl PyReason {
    /// The stable code.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code()
    }
    /// `"reject"`, `"pending"` or `"info"`.
    #[getter]
    fn effect(&self) -> &'static str {
        effect_name(self.0.effect())
    }
    /// The problem segment id (`"out_of_period"`, `"duplicate"`…), or `None`.
    #[getter]
    fn segment(&self) -> Option<&'static str> {
        self.0.segment().map(|s| s.id())
    }
    /// The rule or definition field it comes from (`"when.end"`, `"earn.per-500"`…).
    #[getter]
    fn rule(&self) -> String {
        self.0.rule.to_string()
    }
    /// The hint in Russian.
    #[getter]
    fn hint(&self) -> String {
        self.0.hint(chek::Lang::Ru).into_owned()
    }
    /// The hint in both languages.
    #[getter]
    fn hints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        hints_dict(py, &Hint::of(&self.0))
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Reason", "code" => self.code(), "effect" => self.effect())
    }
}

/// The decision on one receipt: `.status` (`"accepted"`, `"rejected"` or `"pending"`), what it
/// earns (`.lots`, `.points`, after caps), and every `.reasons`, not only the first.
#[pyclass(frozen, eq, module = "chek", name = "Decision")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDecision(pub(crate) Decision);

#[pymethods]
impl PyDecision {
    /// The campaign id.
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    /// ФН + ФД + ФП of the receipt.
    #[getter]
    fn receipt(&self) -> PyReceiptId {
        PyReceiptId(self.0.receipt)
    }
    /// `"accepted"`, `"rejected"` or `"pending"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    /// Whether the receipt counts.
    #[getter]
    fn accepted(&self) -> bool {
        self.0.status == Status::Accepted
    }
    /// Lots after caps.
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    /// Points after caps.
    #[getter]
    fn points(&self) -> u64 {
        self.0.points
    }
    /// Lots before caps.
    #[getter]
    fn lots_before_caps(&self) -> u64 {
        self.0.lots_before_caps
    }
    /// Points before caps.
    #[getter]
    fn points_before_caps(&self) -> u64 {
        self.0.points_before_caps
    }
    /// Every reason, in evaluation order.
    #[getter]
    fn reasons(&self) -> Vec<PyReason> {
        self.0.reasons.iter().cloned().map(PyReason).collect()
    }
    /// The problem segments (ids), without repeats.
    #[getter]
    fn segments(&self) -> Vec<&'static str> {
        self.0.segments().into_iter().map(|s| s.id()).collect()
    }
    /// Whether any reason has this code.
    fn has(&self, code: &str) -> bool {
        self.0.reasons.iter().any(|r| r.code() == code)
    }
    /// Plain data, the shape of `chek campaign evaluate --json`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Decision",
            "receipt" => self.0.receipt.to_string(),
            "status" => self.status(),
            "lots" => self.0.lots,
            "points" => self.0.points,
            "reasons" => self.0.reasons.iter().map(|r| r.code()).collect::<Vec<_>>())
    }
}

fn with_stores(py: Python<'_>, text: &str, stores: &str) -> PyResult<PyCampaign> {
    let mut def = CampaignDef::parse(text).or_raise(py)?;
    def.add_store_list(stores).or_raise(py)?;
    Campaign::from_def(def)
        .or_raise(py)
        .map(|c| PyCampaign(Arc::new(c)))
}

/// A checked, compiled campaign. Build it with `Campaign.from_toml`, `Campaign.from_json` or
/// `Campaign.parse`; ask it about receipts with `evaluate` (pure: a dry run is the same call).
#[pyclass(frozen, module = "chek", name = "Campaign")]
pub(crate) struct PyCampaign(Arc<Campaign>);

#[pymethods]
impl PyCampaign {
    /// Reads and checks a campaign from TOML; raises `chek.CampaignError`. `stores` is the
    /// text of the store list the file's `where.stores_file` names (`name;inn;address` lines).
    #[staticmethod]
    #[pyo3(signature = (text, *, stores = None))]
    fn from_toml(py: Python<'_>, text: &str, stores: Option<&str>) -> PyResult<Self> {
        match stores {
            None => Campaign::from_toml(text)
                .or_raise(py)
                .map(|c| Self(Arc::new(c))),
            Some(stores) => with_stores(py, text, stores),
        }
    }
    /// Reads and checks a campaign from JSON (`str`, `bytes` or a `dict`); raises
    /// `chek.CampaignError`. `stores` as for `from_toml`.
    #[staticmethod]
    #[pyo3(signature = (json, *, stores = None))]
    fn from_json(py: Python<'_>, json: &Bound<'_, PyAny>, stores: Option<&str>) -> PyResult<Self> {
        let text = json_text(json)?;
        match stores {
            None => Campaign::from_json(&text)
                .or_raise(py)
                .map(|c| Self(Arc::new(c))),
            Some(stores) => with_stores(py, &text, stores),
        }
    }
    /// Reads a campaign file (TOML or JSON) and the store list it names, relative to it, as
    /// `chek campaign` does. Raises `OSError` for unreadable files, `chek.CampaignError`.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)?;
        let mut def = CampaignDef::parse(&text).or_raise(py)?;
        if let Some(f) = def.where_.stores_file.clone() {
            let list = path.parent().unwrap_or(std::path::Path::new(".")).join(f);
            def.add_store_list(&std::fs::read_to_string(list)?)
                .or_raise(py)?;
        }
        Campaign::from_def(def)
            .or_raise(py)
            .map(|c| Self(Arc::new(c)))
    }
    /// JSON if the text starts with `{`, TOML otherwise.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        Campaign::parse(text)
            .or_raise(py)
            .map(|c| Self(Arc::new(c)))
    }
    /// The JSON Schema of campaign files, as a dict.
    #[staticmethod]
    fn json_schema<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &Campaign::json_schema())
    }
    /// The campaign id.
    #[getter]
    fn id(&self) -> &str {
        &self.0.def().id
    }
    /// Its name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.def().name
    }
    /// Its version.
    #[getter]
    fn version(&self) -> u32 {
        self.0.def().version
    }
    /// The campaign's time zone (`when.utc_offset`, `+03:00` by default) as a
    /// `datetime.timezone`: receipts' times are wall-clock times in it. Pass it as `tz=` to
    /// convert aware datetimes for local-time parameters (`chek.validate(…, tz=c.tz)`).
    #[getter]
    fn tz<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fixed_tz(py, self.0.utc_offset())
    }
    /// The campaign-local wall-clock time of a moment: an aware datetime converted to the
    /// campaign's zone, or a naive one taken as UTC (as `now` is everywhere in campaigns).
    fn local_time(&self, at: Utc) -> NaiveDateTime {
        self.0.utc_to_local(at.0)
    }
    /// The definition as JSON-ready data (the JSON form of the campaign file).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, self.0.def())
    }

    /// Decides on one receipt (a `Candidate`, `FiscalQr` or `Receipt`) for a participant with
    /// `history` (default: a new participant). `now` is naive UTC, or aware in any zone
    /// (default: the current time).
    #[pyo3(signature = (receipt, history = None, *, now = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        receipt: &Bound<'_, PyAny>,
        history: Option<&PyHistory>,
        now: Option<Utc>,
    ) -> PyResult<PyDecision> {
        let cand = candidate_of(receipt)?;
        let now = now_utc(py, utc_opt(now))?;
        let empty = ParticipantHistory::default();
        let h = history.map(|h| &h.0).unwrap_or(&empty);
        Ok(PyDecision(self.0.evaluate(&cand, h, now)))
    }

    /// Decides on many receipts with the GIL released: each item is a receipt (evaluated with
    /// `history`) or a `(receipt, History)` pair. Returns the decisions in order.
    #[pyo3(signature = (receipts, history = None, *, now = None))]
    fn evaluate_many(
        &self,
        py: Python<'_>,
        receipts: &Bound<'_, PyAny>,
        history: Option<&PyHistory>,
        now: Option<Utc>,
    ) -> PyResult<Vec<PyDecision>> {
        let default = history.map(|h| h.0.clone()).unwrap_or_default();
        let mut work: Vec<(Candidate, Option<ParticipantHistory>)> = Vec::new();
        for item in receipts.try_iter()? {
            let item = item?;
            if let Ok(pair) = item.cast::<PyTuple>() {
                if pair.len() != 2 {
                    return Err(PyTypeError::new_err("pairs must be (receipt, History)"));
                }
                let h = pair.get_item(1)?;
                let h = h.cast::<PyHistory>()?;
                work.push((candidate_of(&pair.get_item(0)?)?, Some(h.get().0.clone())));
            } else {
                work.push((candidate_of(&item)?, None));
            }
        }
        let now = now_utc(py, utc_opt(now))?;
        let campaign = Arc::clone(&self.0);
        let decisions = detach_guarded(py, move || {
            work.iter()
                .map(|(c, h)| campaign.evaluate(c, h.as_ref().unwrap_or(&default), now))
                .collect::<Vec<_>>()
        })?;
        Ok(decisions.into_iter().map(PyDecision).collect())
    }

    /// Replays submissions in order against this campaign, building each participant's history
    /// from the accepted ones as a ledger would (the first sender of a receipt keeps it); returns
    /// one decision per submission. Each submission is `(participant, receipt)` — sent at the
    /// moment of purchase — or `(participant, receipt, submitted_at)` (UTC, or aware);
    /// `receipt` is a `Candidate`, `FiscalQr` or `Receipt`. The GIL is released meanwhile.
    fn replay(&self, py: Python<'_>, submissions: &Bound<'_, PyAny>) -> PyResult<Vec<PyDecision>> {
        let subs = submissions_of(&self.0, submissions)?;
        let campaign = Arc::clone(&self.0);
        let d = detach_guarded(py, move || campaign::replay(&campaign, &subs))?;
        Ok(d.into_iter().map(PyDecision).collect())
    }

    /// Back-tests a change: replays the same submissions (as `replay` takes them; with no time,
    /// at purchase in this campaign's zone) against this version and `new`, and reports who
    /// gains or loses lots and why (`chek campaign backtest`).
    fn backtest(
        &self,
        py: Python<'_>,
        new: &PyCampaign,
        submissions: &Bound<'_, PyAny>,
    ) -> PyResult<PyBacktestReport> {
        let subs = submissions_of(&self.0, submissions)?;
        let (old, new) = (Arc::clone(&self.0), Arc::clone(&new.0));
        detach_guarded(py, move || campaign::backtest(&old, &new, &subs)).map(PyBacktestReport)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.0.def();
        py_repr!(py, "Campaign",
            "id" => d.id.as_str(),
            "name" => d.name.as_str(),
            "version" => d.version)
    }
}

/// `(participant, receipt)` or `(participant, receipt, submitted_at)` items as submissions.
fn submissions_of(c: &Campaign, obj: &Bound<'_, PyAny>) -> PyResult<Vec<campaign::Submission>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let t = item
            .cast::<PyTuple>()
            .ok()
            .filter(|t| t.len() == 2 || t.len() == 3)
            .ok_or_else(|| {
                PyTypeError::new_err(
                    "each submission is (participant, receipt) or (participant, receipt, submitted_at)",
                )
            })?;
        let participant: String = t.get_item(0)?.extract()?;
        let cand = candidate_of(&t.get_item(1)?)?;
        out.push(if t.len() == 3 {
            campaign::Submission {
                participant,
                submitted_at: t.get_item(2)?.extract::<Utc>()?.0,
                candidate: cand,
            }
        } else {
            campaign::Submission::at_purchase(c, participant, cand)
        });
    }
    Ok(out)
}

/// How one receipt fared under the old and the new version of a campaign.
#[pyclass(frozen, eq, module = "chek", name = "BacktestChange")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyBacktestChange(campaign::BacktestChange);

#[pymethods]
impl PyBacktestChange {
    /// The participant.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// The receipt.
    #[getter]
    fn receipt(&self) -> PyReceiptId {
        PyReceiptId(self.0.receipt)
    }
    /// `"accepted"`, `"rejected"` or `"pending"` under the old version.
    #[getter]
    fn old_status(&self) -> &'static str {
        self.0.old_status.as_str()
    }
    /// The status under the new version.
    #[getter]
    fn new_status(&self) -> &'static str {
        self.0.new_status.as_str()
    }
    /// Lots under the old version.
    #[getter]
    fn old_lots(&self) -> u64 {
        self.0.old_lots
    }
    /// Lots under the new version.
    #[getter]
    fn new_lots(&self) -> u64 {
        self.0.new_lots
    }
    /// Reasons (`code@rule`) only the old decision has.
    #[getter]
    fn lost_reasons(&self) -> Vec<String> {
        self.0.lost_reasons.clone()
    }
    /// Reasons (`code@rule`) only the new decision has.
    #[getter]
    fn new_reasons(&self) -> Vec<String> {
        self.0.new_reasons.clone()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "BacktestChange",
            "participant" => self.0.participant.as_str(),
            "receipt" => self.0.receipt.to_string(),
            "old_status" => self.old_status(),
            "new_status" => self.new_status(),
            "old_lots" => self.0.old_lots,
            "new_lots" => self.0.new_lots)
    }
}

/// Who gains and who loses lots when a campaign changes (`Campaign.backtest`).
#[pyclass(frozen, eq, module = "chek", name = "BacktestReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyBacktestReport(campaign::BacktestReport);

#[pymethods]
impl PyBacktestReport {
    /// Submissions replayed.
    #[getter]
    fn receipts(&self) -> usize {
        self.0.receipts
    }
    /// Receipts whose status or lots changed, in replay order.
    #[getter]
    fn changes(&self) -> Vec<PyBacktestChange> {
        self.0
            .changes
            .iter()
            .cloned()
            .map(PyBacktestChange)
            .collect()
    }
    /// `{participant: (old_lots, new_lots)}` for participants whose lots changed.
    #[getter]
    fn participants(&self) -> std::collections::BTreeMap<String, (u64, u64)> {
        self.0
            .participants
            .iter()
            .map(|(p, d)| (p.clone(), (d.old_lots, d.new_lots)))
            .collect()
    }
    /// All lots under the old version.
    #[getter]
    fn old_total_lots(&self) -> u64 {
        self.0.old_total_lots
    }
    /// All lots under the new version.
    #[getter]
    fn new_total_lots(&self) -> u64 {
        self.0.new_total_lots
    }
    /// The shape of `chek campaign backtest --json`, JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "BacktestReport",
            "receipts" => self.0.receipts,
            "changes" => self.0.changes.len(),
            "old_total_lots" => self.0.old_total_lots,
            "new_total_lots" => self.0.new_total_lots)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBacktestReport>()?;
    m.add_class::<PyBacktestChange>()?;
    m.add_class::<PyCampaign>()?;
    m.add_class::<PyDecision>()?;
    m.add_class::<PyReason>()?;
    m.add_class::<PyHistory>()?;
    m.add_class::<PyPastReceipt>()?;
    Ok(())
}
