//! Notifications: `chek.render_notification` (one template → SMS text and speech, with SMS
//! length, cost and cuts), `chek.plan_notifications` (rules over CRM events → planned messages
//! inside the contact policy) and `chek.call_outcome` (a provider's call report → outcome, retry
//! and the CRM result); plus the Russian grammar helpers `chek.plural_category`,
//! `chek.amount_sms` and `chek.amount_spoken`.
//!
//! With `ledger=chek.Ledger(...)` the plan and the call outcomes use the contact history in the
//! ledger and are recorded there, exactly once per message key (and attempt);
//! `chek.notify_contacts(ledger)` and `chek.notify_plans(ledger)` list what it holds.
//!
//! Plans and call results are typed (`chek.NotificationPlan`, `chek.PlannedMessage`,
//! `chek.CallResult`…): getters in Python's types, and `to_dict()` in the CLI's `--json` shape
//! (times as ISO strings, UTC and the recipient's local time), the data a caller stores or
//! forwards to a CRM as it is. Every `now`/`until` is UTC: an aware datetime is converted.

use chek::Coded;
use chek::engage::notify::{
    CallRecord, Contact, ContactChannel, CrmEvent, CrmResult, Cut, NotifyConfig, NotifyError, Plan,
    PlannedMessage, ProviderReport, Purpose, Recipient, Skipped, Target, Template, Vars,
    parse_call_records, plan, process_call, sms_cuts, strip_bom,
};
use chek::ru;
use chek::store::StoredPlan;
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use crate::convert::{Utc, json_value, py_repr, result_class, utc_opt};
use crate::engine::PyLedger;
use crate::errors::{self, OrRaise, Raise};
use crate::receipt::json_text;

impl Raise for NotifyError {
    type Exc = errors::NotifyError;
}

fn bad_input(e: serde_json::Error) -> NotifyError {
    NotifyError::BadInput(e.to_string())
}

fn parse_json<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<T> {
    let text = json_text(obj)?;
    serde_json::from_str(strip_bom(&text))
        .map_err(bad_input)
        .or_raise(py)
}

fn config(py: Python<'_>, toml: Option<&str>) -> PyResult<NotifyConfig> {
    match toml {
        Some(t) => NotifyConfig::from_toml(t).or_raise(py),
        None => Ok(NotifyConfig::default()),
    }
}

static DATETIME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `now` if given, else the UTC wall clock as a naive datetime (notifications work in UTC).
fn now_or_utc(py: Python<'_>, now: Option<NaiveDateTime>) -> PyResult<NaiveDateTime> {
    if let Some(n) = now {
        return Ok(n);
    }
    let dt = DATETIME.get_or_try_init(py, || {
        py.import("datetime")?
            .getattr("datetime")
            .map(Bound::unbind)
    })?;
    let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("tzinfo", py.None())?;
    dt.bind(py)
        .call_method1("now", (utc,))?
        .call_method("replace", (), Some(&kwargs))?
        .extract()
}

/// A template rendered for both channels: the SMS text with its length and cost, the speech
/// text with its estimated length, and the ways to send the SMS in one segment fewer.
///
/// >>> t = chek.render_notification("Начислено {n|plural:балл,балла,баллов}.", {"n": 21})
/// >>> t.sms, t.speech
/// ('Начислено 21 балл.', 'Начислено двадцать один балл.')
#[pyclass(frozen, eq, module = "chek", name = "NotificationText")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyNotificationText {
    sms: String,
    speech: String,
    encoding: &'static str,
    units: usize,
    segments: usize,
    sms_cost_kopecks: i64,
    speech_seconds: u32,
    call_cost_kopecks: i64,
    cuts: Vec<Cut>,
}

#[pymethods]
impl PyNotificationText {
    /// The SMS (and e-mail) text: «1 500 ₽», «16 августа».
    #[getter]
    fn sms(&self) -> &str {
        &self.sms
    }
    /// The text-to-speech text: «тысяча пятьсот рублей», «шестнадцатого августа».
    #[getter]
    fn speech(&self) -> &str {
        &self.speech
    }
    /// `"gsm7"` or `"ucs2"` (any Cyrillic letter makes it UCS-2).
    #[getter]
    fn encoding(&self) -> &'static str {
        self.encoding
    }
    /// Septets (GSM-7) or UTF-16 units (UCS-2) of the SMS.
    #[getter]
    fn units(&self) -> usize {
        self.units
    }
    /// SMS segments billed (70/67 units for UCS-2, 160/153 for GSM-7).
    #[getter]
    fn segments(&self) -> usize {
        self.segments
    }
    /// SMS cost in kopecks at the config's price per segment.
    #[getter]
    fn sms_cost_kopecks(&self) -> i64 {
        self.sms_cost_kopecks
    }
    /// Estimated seconds to speak the speech text.
    #[getter]
    fn speech_seconds(&self) -> u32 {
        self.speech_seconds
    }
    /// Call cost in kopecks (started minutes × the config's price).
    #[getter]
    fn call_cost_kopecks(&self) -> i64 {
        self.call_cost_kopecks
    }
    /// Ways to save an SMS segment: `{"kind": "shorten", "units"}`, `{"kind":
    /// "drop_optional", "text", "units_saved", "segments_after"}`, `{"kind": "transliterate",
    /// "text", "segments_after"}`. Empty for a one-segment SMS.
    #[getter]
    fn cuts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value(py, &self.cuts)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("sms", &self.sms)?;
        d.set_item("speech", &self.speech)?;
        d.set_item("encoding", self.encoding)?;
        d.set_item("units", self.units)?;
        d.set_item("segments", self.segments)?;
        d.set_item("sms_cost_kopecks", self.sms_cost_kopecks)?;
        d.set_item("speech_seconds", self.speech_seconds)?;
        d.set_item("call_cost_kopecks", self.call_cost_kopecks)?;
        d.set_item("cuts", self.cuts(py)?)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "NotificationText", "sms" => self.sms.as_str(), "segments" => self.segments)
    }
}

/// Renders a template (see the README for placeholders) with `vars` (amounts in kopecks, dates
/// `YYYY-MM-DD`) for SMS and for speech. `config` is a notification config in TOML for prices and
/// limits (defaults without it). Raises `chek.NotifyError` (`notify.bad_template`,
/// `notify.bad_formatter`, `notify.missing_var`, `notify.bad_value`, `notify.too_long`,
/// `notify.bad_config`).
#[pyfunction]
#[pyo3(signature = (template, vars, *, config = None))]
fn render_notification(
    py: Python<'_>,
    template: &str,
    vars: &Bound<'_, PyAny>,
    config: Option<&str>,
) -> PyResult<PyNotificationText> {
    let cfg = self::config(py, config)?;
    let vars: Vars = parse_json(py, vars)?;
    let template = template.to_owned();
    let r = errors::detach_guarded(py, move || -> Result<_, NotifyError> {
        let t = Template::parse(&template)?;
        let sms = t.render(&vars, Target::Sms)?;
        let speech = t.render(&vars, Target::Speech)?;
        let cuts = sms_cuts(&t, &vars)?;
        let sc = cfg.cost(ContactChannel::Sms, &sms);
        let cc = cfg.cost(ContactChannel::Call, &speech);
        let len = chek::sms::measure(&sms);
        Ok(PyNotificationText {
            sms,
            speech,
            encoding: len.encoding.as_str(),
            units: len.units,
            segments: len.segments,
            sms_cost_kopecks: sc.cost_kopecks,
            speech_seconds: cc.speech_seconds.unwrap_or(0),
            call_cost_kopecks: cc.cost_kopecks,
            cuts,
        })
    })?;
    r.or_raise(py)
}

/// Fires the config's rules over CRM `events` (JSON `{"recipients": [...], "events": [...]}`)
/// at `now` (naive UTC; the clock without it) and plans each message inside the contact
/// policy, counting `contacts` already made (JSON list). Returns the plan as a dict: `messages`
/// (channel, `slot` with `at`/`local`/`deferred`, text, cost, alternatives, cuts), `skipped`
/// (with `code`) and `total_kopecks`. Raises `chek.NotifyError` for a bad config or input.
///
/// With `ledger` (a `chek.Ledger`), `contacts` are imported into it (once), the caps count the
/// contacts the ledger holds, and each planned message is recorded in its own transaction: a
/// key already planned is skipped (`notify.already_sent`), also by parallel planners.
#[pyfunction]
#[pyo3(signature = (config, events, *, contacts = None, now = None, ledger = None))]
fn plan_notifications(
    py: Python<'_>,
    config: &str,
    events: &Bound<'_, PyAny>,
    contacts: Option<&Bound<'_, PyAny>>,
    now: Option<Utc>,
    ledger: Option<Py<PyLedger>>,
) -> PyResult<PyNotificationPlan> {
    #[derive(serde::Deserialize)]
    struct EventsFile {
        #[serde(default)]
        recipients: Vec<Recipient>,
        events: Vec<CrmEvent>,
    }
    let cfg = self::config(py, Some(config))?;
    let ev: EventsFile = parse_json(py, events)?;
    let history: Vec<Contact> = match contacts {
        Some(c) => parse_json(py, c)?,
        None => Vec::new(),
    };
    let now = now_or_utc(py, utc_opt(now))?;
    let p = match ledger {
        Some(l) => errors::detach_guarded(py, move || {
            let l = &l.get().ledger;
            l.notify_import_contacts(&history, now)?;
            l.notify_plan(&cfg, &ev.events, &ev.recipients, now)
        })?
        .or_raise(py)?,
        None => errors::detach_guarded(py, move || {
            plan(&cfg, &ev.events, &ev.recipients, &history, now)
        })?
        .or_raise(py)?,
    };
    Ok(PyNotificationPlan(p))
}

/// Maps one provider call `report` (`{"provider": "twilio"|"vonage"|"asterisk"|"uis", "status"
/// (UIS: `finish_reason`), "duration_s" (UIS: `talk_time_duration`), "digits", "answered_by",
/// "sip_code", "hangup_cause"}`) to the neutral outcome (an answered call listened to for less
/// than the template's `min_listen_s` is `hung_up` and retried), decides the retry inside the
/// contact policy, and returns the CRM result dict (`outcome`, `code`, `listened_s`,
/// `operator_key`, `success`, `final`, `next_attempt_at`, `next_attempt_local`, `stop_reason`,
/// `counts_as_contact`, `fallback_sms` — the SMS to send after the last failed call). Raises
/// `chek.NotifyError` (`notify.unknown_provider`, `notify.unknown_status`, `notify.not_final`,
/// …).
///
/// With `ledger`, the call is recorded once per `key` and `attempt` (a repeat returns the first
/// result, with `"replayed": True`); `recipient`, `purpose`, `until`, `template` and the SMS text
/// come from the plan in the ledger when left out.
#[pyfunction]
#[pyo3(signature = (report, *, key, recipient = None, attempt = 1, purpose = "service", config = None, contacts = None, until = None, now = None, template = None, sms_text = None, ledger = None))]
#[allow(clippy::too_many_arguments)]
fn call_outcome(
    py: Python<'_>,
    report: &Bound<'_, PyAny>,
    key: &str,
    recipient: Option<&Bound<'_, PyAny>>,
    attempt: u32,
    purpose: &str,
    config: Option<&str>,
    contacts: Option<&Bound<'_, PyAny>>,
    until: Option<Utc>,
    now: Option<Utc>,
    template: Option<String>,
    sms_text: Option<String>,
    ledger: Option<Py<PyLedger>>,
) -> PyResult<PyCallResult> {
    let cfg = self::config(py, config)?;
    let report: ProviderReport = parse_json(py, report)?;
    let recipient: Option<Recipient> = match recipient {
        Some(r) => Some(parse_json(py, r)?),
        None => None,
    };
    let purpose: Purpose = serde_json::from_value(serde_json::Value::String(purpose.to_owned()))
        .map_err(|_| PyValueError::new_err("purpose is service, debt or advertising"))?;
    let history: Vec<Contact> = match contacts {
        Some(c) => parse_json(py, c)?,
        None => Vec::new(),
    };
    let now = now_or_utc(py, utc_opt(now))?;
    let rec = CallRecord {
        key: key.to_owned(),
        attempt,
        purpose,
        recipient,
        report,
        until: utc_opt(until),
        template,
        sms_text,
    };
    match ledger {
        Some(l) => {
            let r = errors::detach_guarded(py, move || {
                let l = &l.get().ledger;
                l.notify_import_contacts(&history, now)?;
                l.notify_outcome(&cfg, &rec, now)
            })?
            .or_raise(py)?
            .or_raise(py)?;
            Ok(PyCallResult(CallResultOf {
                result: r.value,
                replayed: Some(r.replayed),
            }))
        }
        None => {
            let r = process_call(&cfg, &rec, &history, now).or_raise(py)?;
            Ok(PyCallResult(CallResultOf {
                result: r,
                replayed: None,
            }))
        }
    }
}

/// A batch of call reports (a JSON list of `{"key", "attempt", "purpose", "recipient",
/// "report", "until", "template", "sms_text"}`, as `chek notify outcome --calls` reads): one
/// dict per record, in order — the CRM result, or `{"record": n, "external_id", "error":
/// {"code", "message", "hint"}}` for a record that does not parse or map. One bad record does
/// not stop the others. With `ledger`, each is recorded as `call_outcome` does. Raises
/// `chek.NotifyError` only when `calls` is not a JSON list at all.
#[pyfunction]
#[pyo3(signature = (calls, *, config = None, contacts = None, now = None, ledger = None))]
fn call_outcomes<'py>(
    py: Python<'py>,
    calls: &Bound<'py, PyAny>,
    config: Option<&str>,
    contacts: Option<&Bound<'py, PyAny>>,
    now: Option<Utc>,
    ledger: Option<Py<PyLedger>>,
) -> PyResult<Bound<'py, PyList>> {
    let cfg = self::config(py, config)?;
    let text = json_text(calls)?;
    let records = parse_call_records(&text).or_raise(py)?;
    let history: Vec<Contact> = match contacts {
        Some(c) => parse_json(py, c)?,
        None => Vec::new(),
    };
    let now = now_or_utc(py, utc_opt(now))?;
    type Row = (
        Option<String>,
        Result<(CrmResult, Option<bool>), NotifyError>,
    );
    let rows: Vec<Row> = match ledger {
        Some(l) => errors::detach_guarded(py, move || {
            let l = &l.get().ledger;
            l.notify_import_contacts(&history, now)?;
            records
                .into_iter()
                .map(|r| {
                    let key = r.as_ref().ok().map(|c| c.key.clone());
                    Ok((
                        key,
                        match r {
                            Ok(c) => l
                                .notify_outcome(&cfg, &c, now)?
                                .map(|x| (x.value, Some(x.replayed))),
                            Err(e) => Err(e),
                        },
                    ))
                })
                .collect::<Result<Vec<Row>, chek::store::StoreError>>()
        })?
        .or_raise(py)?,
        None => records
            .into_iter()
            .map(|r| {
                let key = r.as_ref().ok().map(|c| c.key.clone());
                (
                    key,
                    r.and_then(|c| process_call(&cfg, &c, &history, now).map(|x| (x, None))),
                )
            })
            .collect(),
    };
    let out = PyList::empty(py);
    for (i, (key, row)) in rows.into_iter().enumerate() {
        match row {
            Ok((r, replayed)) => out.append(PyCallResult(CallResultOf {
                result: r,
                replayed,
            }))?,
            Err(e) => out.append(PyCallFailure(CallFailure {
                record: i + 1,
                external_id: key,
                error: CallFailureError {
                    code: e.code().to_owned(),
                    message: e.to_string(),
                    hint: e.hint(chek::Lang::En).into_owned(),
                },
            }))?,
        }
    }
    Ok(out)
}

/// Every contact the ledger holds for the notification caps (made, planned, imported), as
/// `ContactRecord`s (recipient, channel, purpose, at, counts, key).
#[pyfunction]
fn notify_contacts(py: Python<'_>, ledger: Py<PyLedger>) -> PyResult<Vec<PyContactRecord>> {
    let cs =
        errors::detach_guarded(py, move || ledger.get().ledger.notify_contacts())?.or_raise(py)?;
    Ok(cs.into_iter().map(PyContactRecord).collect())
}

/// Every message planned in the ledger, as `StoredPlan`s (message, recipient, attempt, status
/// — `"planned"`, `"retry"`, `"delivered"`, `"fallback_sms"`, `"failed"` — and the last call).
#[pyfunction]
fn notify_plans(py: Python<'_>, ledger: Py<PyLedger>) -> PyResult<Vec<PyStoredPlan>> {
    let ps =
        errors::detach_guarded(py, move || ledger.get().ledger.notify_plans())?.or_raise(py)?;
    Ok(ps.into_iter().map(PyStoredPlan).collect())
}

result_class! {
    /// The plan for a batch of CRM events (`plan_notifications`): the messages to send, the
    /// firings skipped and why, the total cost.
    PyNotificationPlan(Plan) as "NotificationPlan";
    repr(messages, skipped, total_kopecks);
    /// When it was planned (naive UTC).
    now: |v, _py| v.now;
    /// The messages, in order of firing.
    messages: |v, _py| v.messages.iter().cloned().map(PyPlannedMessage).collect::<Vec<_>>();
    /// Firings without a message.
    skipped: |v, _py| v.skipped.iter().cloned().map(PySkippedMessage).collect::<Vec<_>>();
    /// Total cost, kopecks.
    total_kopecks: |v, _py| v.total_kopecks;
}

result_class! {
    /// One message to send: key, rule, recipient (`customer`), channel, when (`at` UTC,
    /// `local` the recipient's wall time, `deferred` why later than asked), the text and its
    /// cost, the alternatives considered and the ways to save an SMS segment.
    PyPlannedMessage(PlannedMessage) as "PlannedMessage";
    repr(key, channel, at, cost_kopecks);
    /// Idempotency key (from the firing).
    key: |v, _py| v.key.as_str();
    /// Rule id.
    rule: |v, _py| v.rule.as_str();
    /// Order id.
    order: |v, _py| v.order.as_str();
    /// Recipient id.
    customer: |v, _py| v.customer.as_str();
    /// `"sms"`, `"call"`, `"email"`…
    channel: |v, py| json_value(py, &v.channel)?;
    /// `"service"`, `"debt"` or `"advertising"`.
    purpose: |v, py| json_value(py, &v.purpose)?;
    /// The policy applied (`"service"`, `"230-fz"`…).
    policy: |v, _py| v.policy.as_str();
    /// When to send (naive UTC).
    at: |v, _py| v.slot.at;
    /// When to send, the recipient's wall time.
    local: |v, _py| v.slot.local;
    /// Why it is later than asked, first reason first (dicts; empty when it is not).
    deferred: |v, py| json_value(py, &v.slot.deferred)?;
    /// The whole slot (`at`, `local`, `zone`, `day`, `deferred`) as a dict.
    slot: |v, py| json_value(py, &v.slot)?;
    /// The text to send or speak.
    text: |v, _py| v.text.as_str();
    /// SMS length (`encoding`, `units`, `segments`, `per_segment`, `free_in_last`), for SMS.
    sms: |v, py| json_value(py, &v.sms)?;
    /// Estimated seconds, for a call.
    speech_seconds: |v, _py| v.speech_seconds;
    /// Cost, kopecks.
    cost_kopecks: |v, _py| v.cost_kopecks;
    /// Every channel the rule allows, with its cost and fit (dicts).
    alternatives: |v, py| json_value(py, &v.alternatives)?;
    /// Ways to save an SMS segment (dicts, as `NotificationText.cuts`).
    cuts: |v, py| json_value(py, &v.cuts)?;
    /// The template used.
    template: |v, _py| v.template.as_str();
    /// The message should go by then (naive UTC).
    deadline: |v, _py| v.deadline;
    /// The message is useless after this (naive UTC).
    until: |v, _py| v.until;
    /// For a call: the SMS text to send instead when every attempt fails.
    fallback_sms: |v, _py| v.fallback_sms.as_deref();
}

result_class! {
    /// A firing that produced no message, and why (`code`: `"notify.already_sent"`,
    /// `"notify.no_channel"`…).
    PySkippedMessage(Skipped) as "SkippedMessage";
    repr(key, code);
    /// Idempotency key.
    key: |v, _py| v.key.as_str();
    /// Rule id.
    rule: |v, _py| v.rule.as_str();
    /// Recipient id.
    customer: |v, _py| v.customer.as_str();
    /// Stable code.
    code: |v, _py| v.code.as_str();
    /// Human detail.
    reason: |v, _py| v.reason.as_str();
}

/// A call's CRM result, with `replayed` when a ledger recorded it (the shape the CLI prints).
#[derive(serde::Serialize)]
pub(crate) struct CallResultOf {
    #[serde(flatten)]
    result: CrmResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    replayed: Option<bool>,
}

result_class! {
    /// What a call came to, for the CRM (`call_outcome`): the neutral `outcome`, whether the
    /// message got through, the next attempt or why none, the SMS fallback after the last
    /// failed call, and `replayed` (`True`/`False` with a ledger, else `None`).
    PyCallResult(CallResultOf) as "CallResult";
    repr(external_id, attempt, outcome, success, is_final);
    /// The firing's key, which the CRM knows the message by.
    external_id: |v, _py| v.result.external_id.as_str();
    /// Provider name.
    provider: |v, _py| v.result.provider.as_str();
    /// The provider's own status word.
    provider_status: |v, _py| v.result.provider_status.as_str();
    /// This attempt's number (1-based).
    attempt: |v, _py| v.result.attempt;
    /// `"answered"`, `"operator"`, `"machine"`, `"no_answer"`, `"busy"`, `"hung_up"`,
    /// `"invalid_number"` or `"failed"`.
    outcome: |v, py| json_value(py, &v.result.outcome)?;
    /// Stable code of the outcome.
    code: |v, _py| v.result.code.as_str();
    /// Seconds listened, when answered.
    listened_s: |v, _py| v.result.listened_s;
    /// The key pressed for an operator.
    operator_key: |v, _py| v.result.operator_key.as_deref();
    /// Whether the message got through.
    success: |v, _py| v.result.success;
    /// Whether there will be no more attempts (`"final"` in `to_dict()`).
    is_final: |v, _py| v.result.is_final;
    /// The next attempt (naive UTC).
    next_attempt_at: |v, _py| v.result.next_attempt_at;
    /// The next attempt, the recipient's wall time.
    next_attempt_local: |v, _py| v.result.next_attempt_local;
    /// Why no further attempt: `"max_attempts"`, `"deadline"`, `"no_slot"`…
    stop_reason: |v, _py| v.result.stop_reason.as_deref();
    /// Whether this call counts towards contact caps.
    counts_as_contact: |v, _py| v.result.counts_as_contact;
    /// Failure detail from the provider.
    detail: |v, _py| v.result.detail.as_deref();
    /// The SMS to send instead after the last failed call (`at`, `local`, `text`), or `None`.
    fallback_sms: |v, py| json_value(py, &v.result.fallback_sms)?;
    /// With a ledger: whether this is the first result of an earlier report; else `None`.
    replayed: |v, _py| v.replayed;
}

#[derive(serde::Serialize)]
pub(crate) struct CallFailureError {
    code: String,
    message: String,
    hint: String,
}

/// A record of a batch that did not parse or map (the shape `chek notify outcome --calls`
/// prints for it).
#[derive(serde::Serialize)]
pub(crate) struct CallFailure {
    record: usize,
    external_id: Option<String>,
    error: CallFailureError,
}

result_class! {
    /// A record of `call_outcomes` that did not parse or map: its position (`record`, from 1),
    /// its key when it had one, and the error's `code`, `message` and (English) `hint`.
    PyCallFailure(CallFailure) as "CallFailure";
    repr(record, code);
    /// The record's position in the batch, from 1.
    record: |v, _py| v.record;
    /// Its key, when it could be read.
    external_id: |v, _py| v.external_id.as_deref();
    /// The error's stable code (`notify.*`).
    code: |v, _py| v.error.code.as_str();
    /// The error message.
    message: |v, _py| v.error.message.as_str();
    /// The hint, in English.
    hint: |v, _py| v.error.hint.as_str();
}

result_class! {
    /// A contact the ledger counts for the caps (`notify_contacts`).
    PyContactRecord(Contact) as "ContactRecord";
    repr(recipient, channel, at);
    /// Recipient id.
    recipient: |v, _py| v.recipient.as_str();
    /// Channel used.
    channel: |v, py| json_value(py, &v.channel)?;
    /// Why: `"service"`, `"debt"` or `"advertising"`.
    purpose: |v, py| json_value(py, &v.purpose)?;
    /// When (naive UTC).
    at: |v, _py| v.at;
    /// Whether it counts towards caps.
    counts: |v, _py| v.counts;
    /// The firing's idempotency key, when it came from a rule.
    key: |v, _py| v.key.as_deref();
}

result_class! {
    /// A message planned in the ledger with its call status (`notify_plans`).
    PyStoredPlan(StoredPlan) as "StoredPlan";
    repr(status, attempt, message);
    /// The message as planned.
    message: |v, _py| PyPlannedMessage(v.message.clone());
    /// Who it was planned for (a dict, as in the events file).
    recipient: |v, py| json_value(py, &v.recipient)?;
    /// The last call attempt reported (0 before any).
    attempt: |v, _py| v.attempt;
    /// `"planned"`, `"retry"`, `"delivered"`, `"fallback_sms"` or `"failed"`.
    status: |v, _py| v.status.as_str();
    /// The last call's result, or `None`.
    last: |v, _py| v.last.clone().map(|r| PyCallResult(CallResultOf { result: r, replayed: None }));
}

/// The CLDR plural category of a number for Russian: `"one"`, `"few"`, `"many"` or `"other"`
/// (any number written with a fraction: `"1,5"` → `"other"`). Takes an `int` or the number as
/// text (`"1 000"`, `"2,25"`); `ValueError` for anything else.
#[pyfunction]
fn plural_category(number: &Bound<'_, PyAny>) -> PyResult<&'static str> {
    let text = if let Ok(i) = number.extract::<i128>() {
        i.to_string()
    } else {
        number
            .extract::<String>()
            .map_err(|_| PyValueError::new_err("pass an int or the number as text"))?
    };
    ru::plural::PluralCategory::of_decimal(&text)
        .map(|c| c.as_str())
        .ok_or_else(|| PyValueError::new_err(format!("not a number: {text:?}")))
}

/// An amount in kopecks for SMS: «1 500 ₽» (narrow no-break space between digit groups,
/// no-break space before ₽).
#[pyfunction]
fn amount_sms(kopecks: i64) -> String {
    ru::money::amount_sms(kopecks)
}

/// An amount in kopecks in words for speech: «тысяча пятьсот рублей пятьдесят копеек».
#[pyfunction]
fn amount_spoken(kopecks: i64) -> String {
    ru::money::amount_spoken(kopecks)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNotificationText>()?;
    m.add_class::<PyNotificationPlan>()?;
    m.add_class::<PyPlannedMessage>()?;
    m.add_class::<PySkippedMessage>()?;
    m.add_class::<PyCallResult>()?;
    m.add_class::<PyCallFailure>()?;
    m.add_class::<PyContactRecord>()?;
    m.add_class::<PyStoredPlan>()?;
    m.add_function(wrap_pyfunction!(render_notification, m)?)?;
    m.add_function(wrap_pyfunction!(plan_notifications, m)?)?;
    m.add_function(wrap_pyfunction!(call_outcome, m)?)?;
    m.add_function(wrap_pyfunction!(call_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(notify_contacts, m)?)?;
    m.add_function(wrap_pyfunction!(notify_plans, m)?)?;
    m.add_function(wrap_pyfunction!(plural_category, m)?)?;
    m.add_function(wrap_pyfunction!(amount_sms, m)?)?;
    m.add_function(wrap_pyfunction!(amount_spoken, m)?)?;
    Ok(())
}
