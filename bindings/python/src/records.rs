//! What the ledger reads back, as typed results: `chek.Report` (with `chek.DayCounts` and
//! `chek.ReasonCount`), `chek.SegmentMember`, `chek.PendingRecheck` (with `chek.Attempt`),
//! `chek.DrawRecord`, `chek.Balance`, and a participant's `chek.ParticipantRecord` (with
//! `chek.ReceiptEntry`).
//!
//! Each is a frozen newtype over the store's value: getters in Python's types (times as naive
//! UTC `datetime`s, days as `date`s, receipts as `chek.ReceiptId`), and `to_dict()` with the
//! store's serde keys — the shape `chek report --json` and friends print, JSON-ready (times as
//! ISO strings).

use chek::engine::{
    Balance, DrawRecord, ParticipantRecord, PendingRecheck, ReceiptEntry, Report, SegmentMember,
};
use chek::store::{DayCounts, ReasonCount};
use chek::verify::Attempt;
use chrono::{NaiveDate, NaiveDateTime};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{json_dict, py_repr};
use crate::draw::PyDrawResult;
use crate::qr::PyReceiptId;
use crate::receipt::channel_name;
use crate::verify::PyVerifyResult;

/// One day of the report (UTC days): receipts by status, failed inputs, lots and points.
#[pyclass(frozen, eq, module = "chek", name = "DayCounts")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDayCounts(DayCounts);

#[pymethods]
impl PyDayCounts {
    /// The day (UTC).
    #[getter]
    fn day(&self) -> NaiveDate {
        self.0.day
    }
    /// Receipts accepted.
    #[getter]
    fn accepted(&self) -> u64 {
        self.0.accepted
    }
    /// Receipts rejected.
    #[getter]
    fn rejected(&self) -> u64 {
        self.0.rejected
    }
    /// Receipts waiting for a re-check.
    #[getter]
    fn pending(&self) -> u64 {
        self.0.pending
    }
    /// Receipts waiting for a person.
    #[getter]
    fn awaiting_operator(&self) -> u64 {
        self.0.awaiting_operator
    }
    /// Inputs that never became a receipt.
    #[getter]
    fn failed(&self) -> u64 {
        self.0.failed
    }
    /// Lots credited for receipts first sent that day.
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    /// Points credited for receipts first sent that day.
    #[getter]
    fn points(&self) -> u64 {
        self.0.points
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = &self.0;
        py_repr!(py, "DayCounts",
            "day" => d.day,
            "accepted" => d.accepted,
            "rejected" => d.rejected,
            "pending" => d.pending,
            "awaiting_operator" => d.awaiting_operator,
            "failed" => d.failed,
            "lots" => d.lots)
    }
}

/// How often a reason code kept a receipt from counting.
#[pyclass(frozen, eq, module = "chek", name = "ReasonCount")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyReasonCount(ReasonCount);

#[pymethods]
impl PyReasonCount {
    /// The code, e.g. `"campaign.after_period"` or `"scan.no_qr"`.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }
    /// How many submissions carried it.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "ReasonCount", "code" => self.0.code.as_str(), "count" => self.0.count)
    }
}

/// The campaign's figures (`Engine.report()`; `to_dict()` is `chek report --json`).
#[pyclass(frozen, eq, module = "chek", name = "Report")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyReport(pub(crate) Report);

#[pymethods]
impl PyReport {
    /// Campaign id.
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    /// Per day, oldest first.
    #[getter]
    fn days(&self) -> Vec<PyDayCounts> {
        self.0.days.iter().cloned().map(PyDayCounts).collect()
    }
    /// All days together (`day` is the first day, or 1970-01-01 when there is none).
    #[getter]
    fn total(&self) -> PyDayCounts {
        PyDayCounts(self.0.total.clone())
    }
    /// Participants known to the ledger.
    #[getter]
    fn participants(&self) -> u64 {
        self.0.participants
    }
    /// Lots credited campaign-wide.
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    /// Points credited campaign-wide.
    #[getter]
    fn points(&self) -> u64 {
        self.0.points
    }
    /// The most frequent reasons for not counting, most frequent first (at most 10).
    #[getter]
    fn top_reasons(&self) -> Vec<PyReasonCount> {
        self.0
            .top_reasons
            .iter()
            .cloned()
            .map(PyReasonCount)
            .collect()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = &self.0;
        py_repr!(py, "Report",
            "campaign" => r.campaign.as_str(),
            "days" => r.days.len(),
            "participants" => r.participants,
            "accepted" => r.total.accepted,
            "lots" => r.lots)
    }
}

/// A participant in a problem segment, with the receipt that put them there.
#[pyclass(frozen, eq, module = "chek", name = "SegmentMember")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySegmentMember(pub(crate) SegmentMember);

#[pymethods]
impl PySegmentMember {
    /// Participant id.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// Their language: `"ru"` or `"en"`.
    #[getter]
    fn lang(&self) -> &'static str {
        self.0.lang.as_str()
    }
    /// The receipt, `"fn:fd:fp"`.
    #[getter]
    fn receipt(&self) -> &str {
        &self.0.receipt
    }
    /// Since when (naive UTC).
    #[getter]
    fn since(&self) -> NaiveDateTime {
        self.0.since
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "SegmentMember",
            "participant" => self.0.participant.as_str(),
            "lang" => self.lang(),
            "receipt" => self.0.receipt.as_str(),
            "since" => self.0.since)
    }
}

/// One verification attempt: when it ran (naive UTC, as the engine records it) and what came
/// back (a `chek.VerifyResult`).
#[pyclass(frozen, eq, from_py_object, module = "chek", name = "Attempt")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAttempt(pub(crate) Attempt);

#[pymethods]
impl PyAttempt {
    /// `Attempt(at, outcome)`: an attempt at `at` (aware datetimes are converted to UTC) that
    /// answered `outcome`, for `RecheckPolicy.next`.
    #[new]
    fn new(at: crate::convert::Utc, outcome: &PyVerifyResult) -> Self {
        PyAttempt(Attempt {
            at: at.0,
            outcome: outcome.0.clone(),
        })
    }
    /// When the attempt ran (naive UTC).
    #[getter]
    fn at(&self) -> NaiveDateTime {
        self.0.at
    }
    /// Its answer.
    #[getter]
    fn outcome(&self) -> PyVerifyResult {
        PyVerifyResult(self.0.outcome.clone())
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("at", crate::qr::iso(self.0.at))?;
        d.set_item("outcome", self.outcome().to_dict_py(py)?)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Attempt", "at" => self.0.at, "code" => chek::Coded::code(&self.0.outcome))
    }
}

/// A receipt whose re-check is due (`Engine.due_rechecks()`).
#[pyclass(frozen, eq, module = "chek", name = "PendingRecheck")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPendingRecheck(pub(crate) PendingRecheck);

#[pymethods]
impl PyPendingRecheck {
    /// Campaign id.
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    /// Participant id.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// Their language: `"ru"` or `"en"`.
    #[getter]
    fn lang(&self) -> &'static str {
        self.0.lang.as_str()
    }
    /// The receipt.
    #[getter]
    fn receipt(&self) -> PyReceiptId {
        PyReceiptId(self.0.receipt)
    }
    /// The canonical QR string it was submitted with.
    #[getter]
    fn qr(&self) -> &str {
        &self.0.qr
    }
    /// How it came in: `"qr"`, `"ocr"` or `"manual"`.
    #[getter]
    fn channel(&self) -> &'static str {
        channel_name(self.0.channel)
    }
    /// When it first came in (naive UTC).
    #[getter]
    fn first_received_at(&self) -> NaiveDateTime {
        self.0.first_received_at
    }
    /// When the re-check is due (naive UTC).
    #[getter]
    fn next_at(&self) -> NaiveDateTime {
        self.0.next_at
    }
    /// Every verification attempt so far, oldest first.
    #[getter]
    fn attempts(&self) -> Vec<PyAttempt> {
        self.0.attempts.iter().cloned().map(PyAttempt).collect()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "PendingRecheck",
            "participant" => self.0.participant.as_str(),
            "receipt" => self.0.receipt.to_string(),
            "next_at" => self.0.next_at,
            "attempts" => self.0.attempts.len())
    }
}

/// A draw of one period as the ledger holds it: the commitment first, the result once run.
/// The days are `start` and `end` here (`"from"` and `"to"` in `to_dict()`, the store's keys).
#[pyclass(frozen, eq, module = "chek", name = "DrawRecord")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDrawRecord(pub(crate) DrawRecord);

#[pymethods]
impl PyDrawRecord {
    /// Campaign id.
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    /// The period's name.
    #[getter]
    fn period(&self) -> &str {
        &self.0.period
    }
    /// The prize set (`"main"` unless named).
    #[getter]
    fn prize_set(&self) -> &str {
        &self.0.prize_set
    }
    /// SHA-256 of the secret seed, hex, published before the draw.
    #[getter]
    fn seed_commitment(&self) -> &str {
        &self.0.seed_commitment
    }
    /// First campaign-local day whose lots count.
    #[getter]
    fn start(&self) -> Option<NaiveDate> {
        self.0.from
    }
    /// Last campaign-local day (inclusive).
    #[getter]
    fn end(&self) -> Option<NaiveDate> {
        self.0.to
    }
    /// The public randomness source named in advance (`"drand-quicknet"`…).
    #[getter]
    fn beacon_source(&self) -> Option<&str> {
        self.0.beacon_source.as_deref()
    }
    /// The source's round whose value is the beacon.
    #[getter]
    fn beacon_round(&self) -> Option<&str> {
        self.0.beacon_round.as_deref()
    }
    /// When the commitment was recorded (naive UTC).
    #[getter]
    fn recorded_at(&self) -> NaiveDateTime {
        self.0.recorded_at
    }
    /// When the result was revealed (naive UTC), once drawn.
    #[getter]
    fn drawn_at(&self) -> Option<NaiveDateTime> {
        self.0.drawn_at
    }
    /// The draw (revealed seed, beacon, winners), once run.
    #[getter]
    fn result(&self) -> Option<PyDrawResult> {
        self.0.result.clone().map(PyDrawResult)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "DrawRecord",
            "period" => self.0.period.as_str(),
            "prize_set" => self.0.prize_set.as_str(),
            "start" => self.0.from,
            "end" => self.0.to,
            "drawn" => self.0.result.is_some())
    }
}

/// What a participant holds in a campaign: receipts counted, lots and points.
#[pyclass(frozen, eq, hash, module = "chek", name = "Balance")]
#[derive(Clone, PartialEq, Hash)]
pub(crate) struct PyBalance(pub(crate) Balance);

#[pymethods]
impl PyBalance {
    /// Participant id.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// Receipts counted.
    #[getter]
    fn counted(&self) -> u64 {
        self.0.counted
    }
    /// Lots credited.
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    /// Points credited.
    #[getter]
    fn points(&self) -> u64 {
        self.0.points
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Balance",
            "participant" => self.0.participant.as_str(),
            "counted" => self.0.counted,
            "lots" => self.0.lots,
            "points" => self.0.points)
    }
}

/// One receipt a participant sent, where it stands now.
#[pyclass(frozen, eq, hash, module = "chek", name = "ReceiptEntry")]
#[derive(Clone, PartialEq, Hash)]
pub(crate) struct PyReceiptEntry(ReceiptEntry);

#[pymethods]
impl PyReceiptEntry {
    /// The receipt.
    #[getter]
    fn receipt(&self) -> PyReceiptId {
        PyReceiptId(self.0.receipt)
    }
    /// How it first came in: `"qr"`, `"ocr"` or `"manual"`.
    #[getter]
    fn channel(&self) -> &'static str {
        channel_name(self.0.channel)
    }
    /// The canonical QR string.
    #[getter]
    fn qr(&self) -> &str {
        &self.0.qr
    }
    /// `"accepted"`, `"rejected"`, `"pending_recheck"` or `"awaiting_operator"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    /// When a pending re-check is due (naive UTC), else `None`.
    #[getter]
    fn next_at(&self) -> Option<NaiveDateTime> {
        match self.0.status {
            chek::store::ReceiptStatus::PendingRecheck { next_at } => Some(next_at),
            _ => None,
        }
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
    /// When the participant first sent it (naive UTC).
    #[getter]
    fn first_at(&self) -> NaiveDateTime {
        self.0.first_at
    }
    /// When it was counted (naive UTC), once accepted.
    #[getter]
    fn counted_at(&self) -> Option<NaiveDateTime> {
        self.0.counted_at
    }
    /// Its last change (naive UTC).
    #[getter]
    fn updated_at(&self) -> NaiveDateTime {
        self.0.updated_at
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "ReceiptEntry",
            "receipt" => self.0.receipt.to_string(),
            "status" => self.status(),
            "lots" => self.0.lots)
    }
}

/// A participant's history in a campaign (`Engine.history(participant)`): their balance and
/// every receipt they sent, oldest first.
#[pyclass(frozen, eq, module = "chek", name = "ParticipantRecord")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyParticipantRecord(pub(crate) ParticipantRecord);

#[pymethods]
impl PyParticipantRecord {
    /// Campaign id.
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    /// Participant id.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// Their language: `"ru"` or `"en"`.
    #[getter]
    fn lang(&self) -> &'static str {
        self.0.lang.as_str()
    }
    /// When the ledger first saw them (naive UTC).
    #[getter]
    fn since(&self) -> NaiveDateTime {
        self.0.since
    }
    /// Their balance: receipts counted, lots, points.
    #[getter]
    fn balance(&self) -> PyBalance {
        PyBalance(self.0.balance.clone())
    }
    /// Lots credited (the balance's).
    #[getter]
    fn lots(&self) -> u64 {
        self.0.balance.lots
    }
    /// Points credited (the balance's).
    #[getter]
    fn points(&self) -> u64 {
        self.0.balance.points
    }
    /// Every receipt they sent, oldest first.
    #[getter]
    fn receipts(&self) -> Vec<PyReceiptEntry> {
        self.0
            .receipts
            .iter()
            .cloned()
            .map(PyReceiptEntry)
            .collect()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "ParticipantRecord",
            "participant" => self.0.participant.as_str(),
            "counted" => self.0.balance.counted,
            "lots" => self.0.balance.lots,
            "points" => self.0.balance.points,
            "receipts" => self.0.receipts.len())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReport>()?;
    m.add_class::<PyDayCounts>()?;
    m.add_class::<PyReasonCount>()?;
    m.add_class::<PySegmentMember>()?;
    m.add_class::<PyPendingRecheck>()?;
    m.add_class::<PyAttempt>()?;
    m.add_class::<PyDrawRecord>()?;
    m.add_class::<PyBalance>()?;
    m.add_class::<PyReceiptEntry>()?;
    m.add_class::<PyParticipantRecord>()?;
    Ok(())
}
