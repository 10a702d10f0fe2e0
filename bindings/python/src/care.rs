//! The care desk: `chek.CareDesk` (routing, case replay with SLA clocks, quick replies, segment
//! cases, the combined queue, cases shown from a ledger) and `chek.care_identity` (identity
//! links and merge suggestions); `chek.care_record`, `care_import`, `care_link`, `care_merge`,
//! `care_unmerge`, `care_merges` keep cases, links and merges in a `chek.Ledger`.

use std::collections::BTreeMap;

use chek::campaign::Segment;
use chek::engage::care::{
    CareError, CaseFile, CaseView, ContactChannel, Desk, Event, Evidence, IdentityFile, Key, queue,
    replay, replay_joined, segment_by_id,
};
use chek::store::{CareMerge, Ledger, Replayed};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{now_or_local, serde_dict};
use crate::engine::PyLedger;
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
    ContactChannel::parse(s).ok_or_else(|| {
        PyValueError::new_err(format!("channel {s:?}: use {}", ContactChannel::names()))
    })
}

/// A serializable list as a Python list of plain data.
fn serde_list<'py, T: serde::Serialize>(py: Python<'py>, v: &[T]) -> PyResult<Bound<'py, PyAny>> {
    let d = serde_dict(py, &serde_json::json!({ "v": v }), &[])?;
    d.get_item("v")?
        .ok_or_else(|| PyValueError::new_err("list"))
}

/// A case event from a dict (the shape of case files' events) or its JSON text.
fn event(py: Python<'_>, e: &Bound<'_, PyAny>) -> PyResult<Event> {
    let text: String = match e.extract::<String>() {
        Ok(s) => s,
        Err(_) => py.import("json")?.call_method1("dumps", (e,))?.extract()?,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(text)
        .map_err(|err| CareError::Malformed(err.to_string()))
        .or_raise(py)
}

fn store<T>(py: Python<'_>, r: Result<T, chek::store::StoreError>) -> PyResult<T> {
    r.or_raise(py)
}

fn merge_result<'py>(
    py: Python<'py>,
    r: Result<Result<Replayed<CareMerge>, CareError>, chek::store::StoreError>,
) -> PyResult<Bound<'py, PyDict>> {
    let r = store(py, r)?.or_raise(py)?;
    serde_dict(py, &r, &[])
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
    /// The request type (its SLA targets apply).
    #[getter]
    fn request_type(&self) -> Option<String> {
        self.0.request_type.clone()
    }
    /// Cases merged into this one (their events are in its history).
    #[getter]
    fn merged_cases(&self) -> Vec<String> {
        self.0.merged_cases.clone()
    }
    /// The case this one is merged into.
    #[getter]
    fn merged_into(&self) -> Option<String> {
        self.0.merged_into.clone()
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
    /// Renders a quick reply: `{"id", "text", "complete", "missing", "invalid"}`; a value for
    /// a name the reply has no placeholder for raises CareError (`care.unknown_placeholder`).
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
        let r = q.render_checked(&values.unwrap_or_default()).or_raise(py)?;
        serde_dict(py, &r, &[])
    }
    /// The combined queue: the open cases of every group, the earliest SLA deadline first;
    /// dicts with `case`, `group`, `request_type`, `topic`, `status`, `paused`, `opened_at`,
    /// `due_at`, `due_metric`, `breached`. The cases are case-file texts and, with `ledger`,
    /// every case stored there (histories joined with the cases merged into them). Cases not
    /// yet opened at `now` are left out.
    #[pyo3(signature = (cases = Vec::new(), *, ledger = None, now = None, groups = None))]
    fn queue<'py>(
        &self,
        py: Python<'py>,
        cases: Vec<String>,
        ledger: Option<&PyLedger>,
        now: Option<NaiveDateTime>,
        groups: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = now_or_local(py, now)?;
        let mut views = Vec::new();
        for text in &cases {
            let f = CaseFile::parse(text).or_raise(py)?;
            if f.events.iter().all(|e| e.at() > now) {
                continue;
            }
            views.push(replay(&self.0, &f.case, &f.events, now).or_raise(py)?);
        }
        if let Some(l) = ledger {
            let l: &Ledger = &l.ledger;
            for h in store(py, detach_guarded(py, || l.care_cases())?)? {
                if h.case.first_at.is_none_or(|f| f > now) {
                    continue;
                }
                views.push(replay_joined(&self.0, &h.parts, now).or_raise(py)?);
            }
        }
        let items: Vec<_> = queue(&views)
            .into_iter()
            .filter(|q| groups.as_ref().is_none_or(|g| g.contains(&q.group)))
            .collect();
        serde_list(py, &items)
    }
    /// A case from the ledger as of `now` (default: the local clock), its history joined with
    /// the cases merged into it; raises CareError (`care.unknown`) when no event of it is stored.
    #[pyo3(signature = (ledger, case, *, now = None))]
    fn show(
        &self,
        py: Python<'_>,
        ledger: &PyLedger,
        case: &str,
        now: Option<NaiveDateTime>,
    ) -> PyResult<PyCaseView> {
        let now = now_or_local(py, now)?;
        let l: &Ledger = &ledger.ledger;
        let h = store(py, detach_guarded(py, || l.care_case(case))?)?
            .ok_or_else(|| CareError::Unknown {
                what: "case",
                id: case.to_owned(),
            })
            .or_raise(py)?;
        let mut v = replay_joined(&self.0, &h.parts, now).or_raise(py)?;
        v.merged_into = h.case.merged_into;
        Ok(PyCaseView(v))
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

/// Records one event of a case in the ledger, exactly once by `event_id` (the channel's
/// message id): `{"value": {"case", "seq", "sender"}, "replayed"}`. `event` is a dict (or its
/// JSON) as in case files, e.g. `{"kind": "message", "at": "2026-03-03T10:00:00", "channel":
/// "viber", "from": "…", "text": "…"}`.
#[pyfunction]
fn care_record<'py>(
    py: Python<'py>,
    ledger: &PyLedger,
    case: &str,
    event_id: &str,
    event: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let e = self::event(py, event)?;
    let now = now_or_local(py, None)?;
    let l: &Ledger = &ledger.ledger;
    let r = store(
        py,
        detach_guarded(py, || l.care_record(case, event_id, &e, now))?,
    )?;
    serde_dict(py, &r, &[])
}

/// Records a case file's events (TOML or JSON text) in the ledger with ids `CASE#1`, `CASE#2`,
/// … by position, so importing the file again records nothing twice. Returns how many were new.
#[pyfunction]
fn care_import(py: Python<'_>, ledger: &PyLedger, case: &str) -> PyResult<usize> {
    let f = CaseFile::parse(case).or_raise(py)?;
    let now = now_or_local(py, None)?;
    let l: &Ledger = &ledger.ledger;
    let new = detach_guarded(py, || {
        let mut new = 0;
        for (i, e) in f.events.iter().enumerate() {
            let r = l.care_record(&f.case, &format!("{}#{}", f.case, i + 1), e, now)?;
            new += usize::from(!r.replayed);
        }
        Ok::<_, chek::store::StoreError>(new)
    })?;
    store(py, new)
}

/// Records an identity link (`"phone:+7…"`, `"viber:…"`, …) with its evidence
/// (`verified_phone`, `messenger_contact`, `operator_confirmed`, …): `{"value": "strong" |
/// "weak", "replayed"}`.
#[pyfunction]
#[pyo3(signature = (ledger, a, b, evidence, *, at = None, event_id = None))]
fn care_link<'py>(
    py: Python<'py>,
    ledger: &PyLedger,
    a: &str,
    b: &str,
    evidence: &str,
    at: Option<NaiveDateTime>,
    event_id: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let (ka, kb) = (Key::parse(a).or_raise(py)?, Key::parse(b).or_raise(py)?);
    if ka == kb {
        return Err(CareError::Invalid {
            path: "link".into(),
            problem: format!("{ka} is linked to itself"),
        })
        .or_raise(py);
    }
    let ev: Evidence = serde_json::from_value(serde_json::json!(evidence.trim())).map_err(|_| {
        PyValueError::new_err(format!(
            "evidence {evidence:?}: use verified_phone, verified_email, messenger_contact, card_registration, operator_confirmed, stated_by_customer, same_name or shared_phone"
        ))
    })?;
    let at = now_or_local(py, at)?;
    let l: &Ledger = &ledger.ledger;
    let r = store(
        py,
        detach_guarded(py, || l.care_link(&ka, &kb, ev, at, event_id))?,
    )?;
    serde_dict(py, &r, &[])
}

/// Merges case `from_case` into `into_case` in the ledger: `{"value": {"id", "from_case",
/// "into_case", "strength", "connection", "confirmed_by", "at", …}, "replayed"}`. Strong
/// evidence between the two customers merges on its own; weak or none needs `by` (the
/// operator), else CareError `care.needs_confirmation`.
#[pyfunction]
#[pyo3(signature = (ledger, from_case, into_case, *, by = None, at = None, event_id = None))]
fn care_merge<'py>(
    py: Python<'py>,
    ledger: &PyLedger,
    from_case: &str,
    into_case: &str,
    by: Option<&str>,
    at: Option<NaiveDateTime>,
    event_id: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let at = now_or_local(py, at)?;
    let l: &Ledger = &ledger.ledger;
    let r = detach_guarded(py, || l.care_merge(from_case, into_case, by, event_id, at))?;
    merge_result(py, r)
}

/// Undoes merge `merge_id`: the case merged away stands alone again. Raises CareError
/// (`care.unknown`) for a merge that does not exist or is already undone.
#[pyfunction]
#[pyo3(signature = (ledger, merge_id, *, by = None, at = None, event_id = None))]
fn care_unmerge<'py>(
    py: Python<'py>,
    ledger: &PyLedger,
    merge_id: u64,
    by: Option<&str>,
    at: Option<NaiveDateTime>,
    event_id: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let at = now_or_local(py, at)?;
    let l: &Ledger = &ledger.ledger;
    let r = detach_guarded(py, || l.care_unmerge(merge_id, by, event_id, at))?;
    merge_result(py, r)
}

/// The merge log of the ledger, oldest first.
#[pyfunction]
fn care_merges<'py>(py: Python<'py>, ledger: &PyLedger) -> PyResult<Bound<'py, PyAny>> {
    let l: &Ledger = &ledger.ledger;
    let v = store(py, detach_guarded(py, || l.care_merges())?)?;
    serde_list(py, &v)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCareDesk>()?;
    m.add_class::<PyCaseView>()?;
    m.add_function(wrap_pyfunction!(care_identity, m)?)?;
    m.add_function(wrap_pyfunction!(care_record, m)?)?;
    m.add_function(wrap_pyfunction!(care_import, m)?)?;
    m.add_function(wrap_pyfunction!(care_link, m)?)?;
    m.add_function(wrap_pyfunction!(care_merge, m)?)?;
    m.add_function(wrap_pyfunction!(care_unmerge, m)?)?;
    m.add_function(wrap_pyfunction!(care_merges, m)?)?;
    Ok(())
}
