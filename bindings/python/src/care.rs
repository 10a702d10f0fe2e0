//! The care desk: `chek.CareDesk` (routing, case replay with SLA clocks, quick replies, segment
//! cases) and `chek.care_identity` (identity links and merge suggestions).

use std::collections::BTreeMap;

use chek::campaign::Segment;
use chek::engage::care::{
    CareError, CaseFile, CaseView, ContactChannel, Desk, IdentityFile, replay, segment_by_id,
};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{now_or_local, serde_dict};
use crate::errors::{self, OrRaise, Raise, detach_guarded};

impl Raise for CareError {
    type Exc = errors::CareError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        match self {
            CareError::Invalid { path, .. } => d.set_item("path", path)?,
            CareError::BadHistory { index, .. } => d.set_item("index", index)?,
            CareError::TooLarge { what, len, max } => {
                d.set_item("what", what)?;
                d.set_item("len", len)?;
                d.set_item("max", max)?;
            }
            _ => {}
        }
        Ok(d)
    }
}

fn channel(s: &str) -> PyResult<ContactChannel> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).map_err(|_| {
        PyValueError::new_err(format!(
            "channel {s:?}: use email, phone, messenger, chat or campaign"
        ))
    })
}

fn segment(s: &str) -> PyResult<Segment> {
    segment_by_id(s).ok_or_else(|| {
        PyValueError::new_err(format!(
            "segment {s:?}: use manual_entry, not_found_in_fns, out_of_period, no_promo_products, duplicate or limit"
        ))
    })
}

/// A case as of a moment: status, group, route history, SLA metrics and breaches
/// (`to_dict()` has the keys of `chek care replay --json`).
#[pyclass(frozen, module = "chek", name = "CaseView")]
pub(crate) struct PyCaseView(CaseView);

impl PyCaseView {
    fn list<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        self.to_dict(py)?
            .get_item(key)?
            .ok_or_else(|| PyValueError::new_err(format!("no {key}")))
    }
}

#[pymethods]
impl PyCaseView {
    /// Case id.
    #[getter]
    fn case(&self) -> String {
        self.0.case.clone()
    }
    /// The moment of the view.
    #[getter]
    fn now(&self) -> NaiveDateTime {
        self.0.now
    }
    /// `"new"`, `"processed"` or `"answered"`.
    #[getter]
    fn status(&self) -> &'static str {
        match self.0.status {
            chek::engage::care::CaseStatus::New => "new",
            chek::engage::care::CaseStatus::Processed => "processed",
            chek::engage::care::CaseStatus::Answered => "answered",
        }
    }
    /// The group the case is in.
    #[getter]
    fn group(&self) -> String {
        self.0.group.clone()
    }
    /// Topic from the routing rule or the segment.
    #[getter]
    fn topic(&self) -> Option<String> {
        self.0.topic.clone()
    }
    /// The campaign segment id that opened the case.
    #[getter]
    fn segment(&self) -> Option<&'static str> {
        self.0.segment.map(Segment::id)
    }
    /// How often the case was reopened.
    #[getter]
    fn reopened(&self) -> u32 {
        self.0.reopened
    }
    /// Whether it waits on the customer.
    #[getter]
    fn paused(&self) -> bool {
        self.0.paused
    }
    /// Route history: dicts with `at`, `group`, `by`, `source`, `detail`.
    #[getter]
    fn routes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.list(py, "routes")
    }
    /// Every event and SLA event: dicts with `at`, `event`, `status`, `note`.
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.list(py, "history")
    }
    /// SLA metrics: dicts with `metric`, `cycle`, `target_minutes`, `elapsed_minutes`,
    /// `state`, `started_at`, `done_at`, `breach_at`, `reminders`.
    #[getter]
    fn sla<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.list(py, "sla")
    }
    /// Breaches: dicts with `metric`, `cycle`, `at`, `state`.
    #[getter]
    fn breaches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.list(py, "breaches")
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, &self.0, &["now"])
    }
    fn __repr__(&self) -> String {
        format!(
            "CaseView(case={:?}, status={:?}, group={:?}, breaches={})",
            self.0.case,
            self.status(),
            self.0.group,
            self.0.breaches.len()
        )
    }
}

/// A care desk read from its TOML or JSON file text: `CareDesk(text)` (raises CareError).
#[pyclass(frozen, module = "chek", name = "CareDesk")]
pub(crate) struct PyCareDesk(Desk);

#[pymethods]
impl PyCareDesk {
    #[new]
    fn new(py: Python<'_>, text: &str) -> PyResult<Self> {
        let text = text.to_owned();
        detach_guarded(py, move || Desk::parse(&text))?
            .or_raise(py)
            .map(Self)
    }
    /// The group requests no rule matches go to.
    #[getter]
    fn default_group(&self) -> String {
        self.0.default_group().to_owned()
    }
    /// Group ids.
    #[getter]
    fn groups(&self) -> Vec<String> {
        self.0.groups().map(|g| g.id.clone()).collect()
    }
    /// Quick-reply ids.
    #[getter]
    fn replies(&self) -> Vec<String> {
        self.0.replies().map(|q| q.id.clone()).collect()
    }
    /// Routes a message: `{"group", "rule", "topic", "matched"}`.
    #[pyo3(signature = (text, *, channel = "chat"))]
    fn route<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        channel: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ch = self::channel(channel)?;
        serde_dict(py, &self.0.route(text, ch), &[])
    }
    /// Replays a case file (TOML or JSON text) as of `now` (default: the file's `now`, else
    /// the local clock).
    #[pyo3(signature = (case, *, now = None))]
    fn replay(
        &self,
        py: Python<'_>,
        case: &str,
        now: Option<NaiveDateTime>,
    ) -> PyResult<PyCaseView> {
        let file = CaseFile::parse(case).or_raise(py)?;
        let now = match now.or(file.now) {
            Some(n) => n,
            None => now_or_local(py, None)?,
        };
        let desk = &self.0;
        detach_guarded(py, move || replay(desk, &file.case, &file.events, now))?
            .or_raise(py)
            .map(PyCaseView)
    }
    /// The placeholders of a quick reply: dicts with `name`, `prompt`, `kind`.
    fn prompts<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let q = self
            .0
            .reply(id)
            .ok_or_else(|| CareError::Unknown {
                what: "quick reply",
                id: id.to_owned(),
            })
            .or_raise(py)?;
        let v =
            serde_json::to_value(q.prompts()).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let d = serde_dict(py, &serde_json::json!({ "p": v }), &[])?;
        d.get_item("p")?
            .ok_or_else(|| PyValueError::new_err("prompts"))
    }
    /// Renders a quick reply: `{"id", "text", "complete", "missing", "invalid"}`.
    #[pyo3(signature = (id, values = None))]
    fn reply<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        values: Option<BTreeMap<String, String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let q = self
            .0
            .reply(id)
            .ok_or_else(|| CareError::Unknown {
                what: "quick reply",
                id: id.to_owned(),
            })
            .or_raise(py)?;
        serde_dict(py, &q.render(&values.unwrap_or_default()), &[])
    }
    /// Opens the case a campaign problem segment makes: `{"segment", "group", "topic",
    /// "event", "reply"}`.
    #[pyo3(signature = (segment, values = None, *, at))]
    fn open_segment_case<'py>(
        &self,
        py: Python<'py>,
        segment: &str,
        values: Option<BTreeMap<String, String>>,
        at: NaiveDateTime,
    ) -> PyResult<Bound<'py, PyDict>> {
        let seg = self::segment(segment)?;
        let c = self
            .0
            .open_segment_case(seg, values.unwrap_or_default(), at);
        serde_dict(py, &c, &[])
    }
    fn __repr__(&self) -> String {
        format!(
            "CareDesk(groups={:?}, default_group={:?})",
            self.groups(),
            self.0.default_group()
        )
    }
}

/// Identity links, merge suggestions, automatic (strong) merges and the weak suggestions left,
/// from an identity file's text: `{"links", "suggestions", "auto_merged", "cases", "pending"}`.
#[pyfunction]
fn care_identity<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let text = text.to_owned();
    let report = detach_guarded(py, move || {
        IdentityFile::parse(&text).and_then(|f| f.report())
    })?
    .or_raise(py)?;
    serde_dict(py, &report, &[])
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCareDesk>()?;
    m.add_class::<PyCaseView>()?;
    m.add_function(wrap_pyfunction!(care_identity, m)?)?;
    Ok(())
}
