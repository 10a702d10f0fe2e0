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
use chek::engage::care::{
    IdentityReport, Prompt, QueueItem, Rendered, Route, SegmentCase, Strength,
};
use chek::store::{CareMerge, CareRecorded, Ledger, Replayed};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{When, json_dict, json_value, local_opt, local_or_now, py_repr, result_class};
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

result_class! {
    /// Where a message goes (`CareDesk.route`): the group, the rule that sent it there (`None`:
    /// the default group), its topic and request type, and the keywords found.
    PyRoute(Route) as "Route";
    repr(group, rule, topic);
    /// The group.
    group: |v, _py| v.group.as_str();
    /// The rule that matched, or `None` (the default group).
    rule: |v, _py| v.rule.as_deref();
    /// The rule's topic.
    topic: |v, _py| v.topic.as_deref();
    /// The rule's request type (its SLA targets apply).
    request_type: |v, _py| v.request_type.as_deref();
    /// The keywords found (folded).
    matched: |v, _py| v.matched.clone();
}

result_class! {
    /// A placeholder of a quick reply that still needs a value: its `name`, the question to ask
    /// (`prompt`) and the `kind` of value (`"text"`, `"date"`, `"money"`…).
    PyPrompt(Prompt) as "Prompt";
    repr(name, kind);
    /// Placeholder name.
    name: |v, _py| v.name.as_str();
    /// The question to ask.
    prompt: |v, _py| v.prompt.as_str();
    /// The kind of value expected.
    kind: |v, py| json_value(py, &v.kind)?;
}

result_class! {
    /// A rendered quick reply (`CareDesk.reply`): the text so far, whether it can be sent, the
    /// placeholders still `missing` (`Prompt`s) and the values that do not fit (`invalid`:
    /// dicts with `name`, `value`, `kind`).
    PyRenderedReply(Rendered) as "RenderedReply";
    repr(id, complete);
    /// The reply id.
    id: |v, _py| v.id.as_str();
    /// The text; placeholders without a good value stay as `{{name}}`.
    text: |v, _py| v.text.as_str();
    /// Whether every placeholder has a good value.
    complete: |v, _py| v.complete;
    /// Placeholders with no value: ask these.
    missing: |v, _py| v.missing.iter().cloned().map(PyPrompt).collect::<Vec<_>>();
    /// Values that do not fit: dicts with `name`, `value`, `kind`.
    invalid: |v, py| json_value(py, &v.invalid)?;
}

result_class! {
    /// The case a campaign problem segment opens (`CareDesk.open_segment_case`): its queue,
    /// topic, first event (a dict, as in case files) and the quick reply with the values known.
    PySegmentCase(SegmentCase) as "SegmentCase";
    repr(segment, group);
    /// The segment id.
    segment: |v, _py| v.segment.id();
    /// The queue (group).
    group: |v, _py| v.group.as_str();
    /// Topic: the segment's Russian name.
    topic: |v, _py| v.topic.as_str();
    /// The event that opens the case, as in case files (`kind`, `at`…).
    event: |v, py| json_value(py, &v.event)?;
    /// The quick reply rendered with the known values, if the desk names one.
    reply: |v, _py| v.reply.clone().map(PyRenderedReply);
}

result_class! {
    /// One open case of the combined queue (`CareDesk.queue`), the earliest deadline first.
    PyQueueItem(QueueItem) as "QueueItem";
    repr(case, group, due_at, breached);
    /// Case id.
    case: |v, _py| v.case.as_str();
    /// The group it is in.
    group: |v, _py| v.group.as_str();
    /// Its request type.
    request_type: |v, _py| v.request_type.as_deref();
    /// Topic.
    topic: |v, _py| v.topic.as_deref();
    /// `"new"` or `"processed"`.
    status: |v, py| json_value(py, &v.status)?;
    /// Waiting on the customer.
    paused: |v, _py| v.paused;
    /// When the case opened.
    opened_at: |v, _py| v.opened_at;
    /// The earliest SLA deadline still open, or `None`.
    due_at: |v, _py| v.due_at;
    /// The metric of that deadline (`"first_response"`…), or `None`.
    due_metric: |v, py| json_value(py, &v.due_metric)?;
    /// Whether that deadline has passed.
    breached: |v, _py| v.breached;
}

result_class! {
    /// What an identity file gives (`care_identity`): the links with their strength, the merges
    /// suggested, the strong ones applied, the cases after them and the weak suggestions left
    /// (each a list of JSON-ready dicts; `cases` maps a case to its requests).
    PyIdentityReport(IdentityReport) as "IdentityReport";
    repr();
    /// Every link with the strength recorded.
    links: |v, py| json_value(py, &v.links)?;
    /// Suggestions before any merge.
    suggestions: |v, py| json_value(py, &v.suggestions)?;
    /// The merges applied automatically (strong evidence only).
    auto_merged: |v, py| json_value(py, &v.auto_merged)?;
    /// Case → its requests after the merges.
    cases: |v, _py| v.cases.clone();
    /// Suggestions still open, for an operator.
    pending: |v, py| json_value(py, &v.pending)?;
}

result_class! {
    /// An event recorded in the ledger (`care_record`): its case, its number there, the sender
    /// read from a message, and `replayed` (the event id was recorded before: nothing changed).
    PyRecordedEvent(Replayed<CareRecorded>) as "RecordedEvent";
    repr(case, seq, replayed);
    /// The case.
    case: |v, _py| v.value.case.as_str();
    /// Its number in the case, from 1.
    seq: |v, _py| v.value.seq;
    /// The sender identifier read from a message (`"phone:+7…"`), if any.
    sender: |v, _py| v.value.sender.as_ref().map(ToString::to_string);
    /// The event id was seen before: this is its first result.
    replayed: |v, _py| v.replayed;
}

result_class! {
    /// An identity link recorded in the ledger (`care_link`): its `strength` (`"strong"` or
    /// `"weak"`) and `replayed`.
    PyLinkResult(Replayed<Strength>) as "LinkResult";
    repr(strength, replayed);
    /// `"strong"` (merges on its own) or `"weak"` (an operator confirms).
    strength: |v, py| json_value(py, &v.value)?;
    /// The event id was seen before: this is its first result.
    replayed: |v, _py| v.replayed;
}

result_class! {
    /// One merge of two cases, as the ledger logs it (`care_merges`).
    PyCareMerge(CareMerge) as "CareMerge";
    repr(id, from_case, into_case, strength);
    /// Merge id, from 1.
    id: |v, _py| v.id;
    /// The case merged away.
    from_case: |v, _py| v.from_case.as_str();
    /// The case that received it.
    into_case: |v, _py| v.into_case.as_str();
    /// `"strong"`, `"weak"`, or `None` (the operator's word alone).
    strength: |v, py| json_value(py, &v.strength)?;
    /// The identity links that join the two customers (a dict), or `None`.
    connection: |v, py| json_value(py, &v.connection)?;
    /// The operator who confirmed it.
    confirmed_by: |v, _py| v.confirmed_by.as_deref();
    /// When.
    at: |v, _py| v.at;
    /// When it was undone, if it was.
    undone_at: |v, _py| v.undone_at;
    /// Who undid it.
    undone_by: |v, _py| v.undone_by.as_deref();
}

result_class! {
    /// A merge or unmerge recorded in the ledger (`care_merge`, `care_unmerge`): the `merge`
    /// and `replayed`.
    PyMergeResult(Replayed<CareMerge>) as "MergeResult";
    repr(merge, replayed);
    /// The merge as logged.
    merge: |v, _py| PyCareMerge(v.value.clone());
    /// The event id was seen before: this is its first result.
    replayed: |v, _py| v.replayed;
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

fn merge_result(
    py: Python<'_>,
    r: Result<Result<Replayed<CareMerge>, CareError>, chek::store::StoreError>,
) -> PyResult<PyMergeResult> {
    store(py, r)?.or_raise(py).map(PyMergeResult)
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
        json_dict(py, &self.0)?
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
    /// The keys of `chek care replay --json`, JSON-ready (times as ISO strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "CaseView",
            "case" => self.0.case.as_str(),
            "status" => self.status(),
            "group" => self.0.group.as_str(),
            "breaches" => self.0.breaches.len())
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
    /// Routes a message: a `Route` (group, rule, topic, request type, keywords found).
    #[pyo3(signature = (text, *, channel = "chat"))]
    fn route(&self, text: &str, channel: &str) -> PyResult<PyRoute> {
        let ch = self::channel(channel)?;
        Ok(PyRoute(self.0.route(text, ch)))
    }
    /// Replays a case file (TOML or JSON text) as of `now` (default: the file's `now`, else
    /// the local clock, or the wall clock in `tz`). Care times are the desk's local wall
    /// clock: an aware `now` is converted to `tz`, and without `tz` raises
    /// `chek.TimeZoneError`.
    #[pyo3(signature = (case, *, now = None, tz = None))]
    fn replay(
        &self,
        py: Python<'_>,
        case: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCaseView> {
        let file = CaseFile::parse(case).or_raise(py)?;
        let now = match local_opt(py, now, tz)?.or(file.now) {
            Some(n) => n,
            None => local_or_now(py, None, tz)?,
        };
        let desk = &self.0;
        detach_guarded(py, move || replay(desk, &file.case, &file.events, now))?
            .or_raise(py)
            .map(PyCaseView)
    }
    /// The placeholders of a quick reply, as `Prompt`s (`name`, `prompt`, `kind`).
    fn prompts(&self, py: Python<'_>, id: &str) -> PyResult<Vec<PyPrompt>> {
        let q = self
            .0
            .reply(id)
            .ok_or_else(|| CareError::Unknown {
                what: "quick reply",
                id: id.to_owned(),
            })
            .or_raise(py)?;
        Ok(q.prompts().into_iter().map(PyPrompt).collect())
    }
    /// Renders a quick reply: a `RenderedReply` (`id`, `text`, `complete`, `missing`,
    /// `invalid`); a value for a name the reply has no placeholder for raises CareError
    /// (`care.unknown_placeholder`).
    #[pyo3(signature = (id, values = None))]
    fn reply(
        &self,
        py: Python<'_>,
        id: &str,
        values: Option<BTreeMap<String, String>>,
    ) -> PyResult<PyRenderedReply> {
        let q = self
            .0
            .reply(id)
            .ok_or_else(|| CareError::Unknown {
                what: "quick reply",
                id: id.to_owned(),
            })
            .or_raise(py)?;
        q.render_checked(&values.unwrap_or_default())
            .or_raise(py)
            .map(PyRenderedReply)
    }
    /// The combined queue: the open cases of every group, the earliest SLA deadline first, as
    /// `QueueItem`s. The cases are case-file texts and, with `ledger`, every case stored there
    /// (histories joined with the cases merged into them). Cases not yet opened at `now` are
    /// left out.
    #[pyo3(signature = (cases = Vec::new(), *, ledger = None, now = None, groups = None, tz = None))]
    fn queue(
        &self,
        py: Python<'_>,
        cases: Vec<String>,
        ledger: Option<&PyLedger>,
        now: Option<When>,
        groups: Option<Vec<String>>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyQueueItem>> {
        let now = local_or_now(py, now, tz)?;
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
        Ok(queue(&views)
            .into_iter()
            .filter(|q| groups.as_ref().is_none_or(|g| g.contains(&q.group)))
            .map(PyQueueItem)
            .collect())
    }
    /// A case from the ledger as of `now` (default: the local clock), its history joined with
    /// the cases merged into it; raises CareError (`care.unknown`) when no event of it is stored.
    #[pyo3(signature = (ledger, case, *, now = None, tz = None))]
    fn show(
        &self,
        py: Python<'_>,
        ledger: &PyLedger,
        case: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCaseView> {
        let now = local_or_now(py, now, tz)?;
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
    /// Opens the case a campaign problem segment makes: a `SegmentCase` (segment, group,
    /// topic, event, reply). `at` is the desk's local time (an aware one needs `tz`).
    #[pyo3(signature = (segment, values = None, *, at, tz = None))]
    fn open_segment_case(
        &self,
        py: Python<'_>,
        segment: &str,
        values: Option<BTreeMap<String, String>>,
        at: When,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySegmentCase> {
        let seg = self::segment(segment)?;
        let at = local_or_now(py, Some(at), tz)?;
        Ok(PySegmentCase(self.0.open_segment_case(
            seg,
            values.unwrap_or_default(),
            at,
        )))
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "CareDesk",
            "groups" => self.groups(),
            "default_group" => self.0.default_group())
    }
}

/// Identity links, merge suggestions, automatic (strong) merges and the weak suggestions left,
/// from an identity file's text: an `IdentityReport`.
#[pyfunction]
fn care_identity(py: Python<'_>, text: &str) -> PyResult<PyIdentityReport> {
    let text = text.to_owned();
    detach_guarded(py, move || {
        IdentityFile::parse(&text).and_then(|f| f.report())
    })?
    .or_raise(py)
    .map(PyIdentityReport)
}

/// Records one event of a case in the ledger, exactly once by `event_id` (the channel's
/// message id): a `RecordedEvent` (case, seq, sender, replayed; `to_dict()` is `{"value":
/// {"case", "seq", "sender"}, "replayed"}`). `event` is a dict (or its JSON) as in case files,
/// e.g. `{"kind": "message", "at": "2026-03-03T10:00:00", "channel": "viber", "from": "…",
/// "text": "…"}`.
#[pyfunction]
fn care_record(
    py: Python<'_>,
    ledger: &PyLedger,
    case: &str,
    event_id: &str,
    event: &Bound<'_, PyAny>,
) -> PyResult<PyRecordedEvent> {
    let e = self::event(py, event)?;
    let now = local_or_now(py, None, None)?;
    let l: &Ledger = &ledger.ledger;
    store(
        py,
        detach_guarded(py, || l.care_record(case, event_id, &e, now))?,
    )
    .map(PyRecordedEvent)
}

/// Records a case file's events (TOML or JSON text) in the ledger with ids `CASE#1`, `CASE#2`,
/// … by position, so importing the file again records nothing twice. Returns how many were new.
#[pyfunction]
fn care_import(py: Python<'_>, ledger: &PyLedger, case: &str) -> PyResult<usize> {
    let f = CaseFile::parse(case).or_raise(py)?;
    let now = local_or_now(py, None, None)?;
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
/// (`verified_phone`, `messenger_contact`, `operator_confirmed`, …): a `LinkResult`
/// (`strength` `"strong"` or `"weak"`, `replayed`).
#[pyfunction]
#[pyo3(signature = (ledger, a, b, evidence, *, at = None, event_id = None, tz = None))]
#[allow(clippy::too_many_arguments)]
fn care_link(
    py: Python<'_>,
    ledger: &PyLedger,
    a: &str,
    b: &str,
    evidence: &str,
    at: Option<When>,
    event_id: Option<&str>,
    tz: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyLinkResult> {
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
    let at = local_or_now(py, at, tz)?;
    let l: &Ledger = &ledger.ledger;
    store(
        py,
        detach_guarded(py, || l.care_link(&ka, &kb, ev, at, event_id))?,
    )
    .map(PyLinkResult)
}

/// Merges case `from_case` into `into_case` in the ledger: a `MergeResult` (`merge`, a
/// `CareMerge`, and `replayed`; `to_dict()` is `{"value": {"id", "from_case", "into_case",
/// "strength", "connection", "confirmed_by", "at", …}, "replayed"}`). Strong evidence between
/// the two customers merges on its own; weak or none needs `by` (the operator), else
/// CareError `care.needs_confirmation`.
#[pyfunction]
#[pyo3(signature = (ledger, from_case, into_case, *, by = None, at = None, event_id = None, tz = None))]
#[allow(clippy::too_many_arguments)]
fn care_merge(
    py: Python<'_>,
    ledger: &PyLedger,
    from_case: &str,
    into_case: &str,
    by: Option<&str>,
    at: Option<When>,
    event_id: Option<&str>,
    tz: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMergeResult> {
    let at = local_or_now(py, at, tz)?;
    let l: &Ledger = &ledger.ledger;
    let r = detach_guarded(py, || l.care_merge(from_case, into_case, by, event_id, at))?;
    merge_result(py, r)
}

/// Undoes merge `merge_id`: the case merged away stands alone again. Raises CareError
/// (`care.unknown`) for a merge that does not exist or is already undone.
#[pyfunction]
#[pyo3(signature = (ledger, merge_id, *, by = None, at = None, event_id = None, tz = None))]
fn care_unmerge(
    py: Python<'_>,
    ledger: &PyLedger,
    merge_id: u64,
    by: Option<&str>,
    at: Option<When>,
    event_id: Option<&str>,
    tz: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMergeResult> {
    let at = local_or_now(py, at, tz)?;
    let l: &Ledger = &ledger.ledger;
    let r = detach_guarded(py, || l.care_unmerge(merge_id, by, event_id, at))?;
    merge_result(py, r)
}

/// The merge log of the ledger, oldest first, as `CareMerge`s.
#[pyfunction]
fn care_merges(py: Python<'_>, ledger: &PyLedger) -> PyResult<Vec<PyCareMerge>> {
    let l: &Ledger = &ledger.ledger;
    let v = store(py, detach_guarded(py, || l.care_merges())?)?;
    Ok(v.into_iter().map(PyCareMerge).collect())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCareDesk>()?;
    m.add_class::<PyCaseView>()?;
    m.add_class::<PyRoute>()?;
    m.add_class::<PyPrompt>()?;
    m.add_class::<PyRenderedReply>()?;
    m.add_class::<PySegmentCase>()?;
    m.add_class::<PyQueueItem>()?;
    m.add_class::<PyIdentityReport>()?;
    m.add_class::<PyRecordedEvent>()?;
    m.add_class::<PyLinkResult>()?;
    m.add_class::<PyCareMerge>()?;
    m.add_class::<PyMergeResult>()?;
    m.add_function(wrap_pyfunction!(care_identity, m)?)?;
    m.add_function(wrap_pyfunction!(care_record, m)?)?;
    m.add_function(wrap_pyfunction!(care_import, m)?)?;
    m.add_function(wrap_pyfunction!(care_link, m)?)?;
    m.add_function(wrap_pyfunction!(care_merge, m)?)?;
    m.add_function(wrap_pyfunction!(care_unmerge, m)?)?;
    m.add_function(wrap_pyfunction!(care_merges, m)?)?;
    Ok(())
}
