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

use crate::convert::{hints_dict, serde_dict};
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
fn now_utc(py: Python<'_>, now: Option<NaiveDateTime>) -> PyResult<NaiveDateTime> {
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
    fn new(
        id: &Bound<'_, PyAny>,
        submitted_at: NaiveDateTime,
        lots: u64,
        points: u64,
    ) -> PyResult<Self> {
        Ok(Self(PastReceipt {
            id: receipt_id_of(id)?,
            submitted_at,
            lots,
            points,
        }))
    }
    /// ФН + ФД + ФП.
    #[getter]
    fn id(&self) -> PyReceiptId {
        PyReceiptId(self.0.id)
    }
    /// When it was submitted (naive UTC).
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
        serde_dict(py, &self.0, &["submitted_at"])
    }
    fn __repr__(&self) -> String {
        format!(
            "PastReceipt(id={:?}, submitted_at='{}', lots={}, points={})",
            self.0.id.to_string(),
            self.0.submitted_at,
            self.0.lots,
            self.0.points
        )
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
        let d = serde_dict(py, &self.0, &[])?;
        d.set_item(
            "receipts",
            self.receipts()
                .iter()
                .map(|r| r.to_dict(py))
                .collect::<PyResult<Vec<_>>>()?,
        )?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "History(participant={:?}, receipts={}, campaign_lots={}, campaign_points={})",
            self.0.participant,
            self.0.receipts.len(),
            self.0.campaign_lots,
            self.0.campaign_points
        )
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
        serde_dict(py, &self.0, &[])
    }
    fn __repr__(&self) -> String {
        format!("Reason(code={:?}, effect={:?})", self.code(), self.effect())
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
        serde_dict(py, &self.0, &[])
    }
    fn __repr__(&self) -> String {
        format!(
            "Decision(receipt={:?}, status={:?}, lots={}, points={}, reasons={:?})",
            self.0.receipt.to_string(),
            self.status(),
            self.0.lots,
            self.0.points,
            self.0.reasons.iter().map(|r| r.code()).collect::<Vec<_>>()
        )
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
        serde_dict(py, &Campaign::json_schema(), &[])
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
    /// The definition as plain data (the JSON form of the campaign file).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, self.0.def(), &[])
    }

    /// Decides on one receipt (a `Candidate`, `FiscalQr` or `Receipt`) for a participant with
    /// `history` (default: a new participant). `now` is naive UTC (default: the current time).
    #[pyo3(signature = (receipt, history = None, *, now = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        receipt: &Bound<'_, PyAny>,
        history: Option<&PyHistory>,
        now: Option<NaiveDateTime>,
    ) -> PyResult<PyDecision> {
        let cand = candidate_of(receipt)?;
        let now = now_utc(py, now)?;
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
        now: Option<NaiveDateTime>,
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
        let now = now_utc(py, now)?;
        let campaign = Arc::clone(&self.0);
        let decisions = detach_guarded(py, move || {
            work.iter()
                .map(|(c, h)| campaign.evaluate(c, h.as_ref().unwrap_or(&default), now))
                .collect::<Vec<_>>()
        })?;
        Ok(decisions.into_iter().map(PyDecision).collect())
    }

    fn __repr__(&self) -> String {
        let d = self.0.def();
        format!(
            "Campaign(id={:?}, name={:?}, version={})",
            d.id, d.name, d.version
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCampaign>()?;
    m.add_class::<PyDecision>()?;
    m.add_class::<PyReason>()?;
    m.add_class::<PyHistory>()?;
    m.add_class::<PyPastReceipt>()?;
    Ok(())
}
