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
//! Plans and call results are returned as plain dicts in the CLI's `--json` shape (times as ISO
//! strings, UTC and the recipient's local time), because they are nested data a caller stores or
//! forwards to a CRM as they are.

use chek::Coded;
use chek::engage::notify::{
    CallRecord, Contact, ContactChannel, CrmEvent, CrmResult, Cut, NotifyConfig, NotifyError,
    ProviderReport, Purpose, Recipient, Target, Template, Vars, parse_call_records, plan,
    process_call, sms_cuts, strip_bom,
};
use chek::ru;
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use crate::convert::serde_dict;
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
    fn cuts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .cuts
            .iter()
            .map(|c| serde_dict(py, c, &[]))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
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
    fn __repr__(&self) -> String {
        format!(
            "NotificationText(sms={:?}, segments={})",
            self.sms, self.segments
        )
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
fn plan_notifications<'py>(
    py: Python<'py>,
    config: &str,
    events: &Bound<'py, PyAny>,
    contacts: Option<&Bound<'py, PyAny>>,
    now: Option<NaiveDateTime>,
    ledger: Option<Py<PyLedger>>,
) -> PyResult<Bound<'py, PyDict>> {
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
    let now = now_or_utc(py, now)?;
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
    serde_dict(py, &p, &["now"])
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
fn call_outcome<'py>(
    py: Python<'py>,
    report: &Bound<'py, PyAny>,
    key: &str,
    recipient: Option<&Bound<'py, PyAny>>,
    attempt: u32,
    purpose: &str,
    config: Option<&str>,
    contacts: Option<&Bound<'py, PyAny>>,
    until: Option<NaiveDateTime>,
    now: Option<NaiveDateTime>,
    template: Option<String>,
    sms_text: Option<String>,
    ledger: Option<Py<PyLedger>>,
) -> PyResult<Bound<'py, PyDict>> {
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
    let now = now_or_utc(py, now)?;
    let rec = CallRecord {
        key: key.to_owned(),
        attempt,
        purpose,
        recipient,
        report,
        until,
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
            let d = serde_dict(py, &r.value, &[])?;
            d.set_item("replayed", r.replayed)?;
            Ok(d)
        }
        None => {
            let r = process_call(&cfg, &rec, &history, now).or_raise(py)?;
            serde_dict(py, &r, &[])
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
    now: Option<NaiveDateTime>,
    ledger: Option<Py<PyLedger>>,
) -> PyResult<Bound<'py, PyList>> {
    let cfg = self::config(py, config)?;
    let text = json_text(calls)?;
    let records = parse_call_records(&text).or_raise(py)?;
    let history: Vec<Contact> = match contacts {
        Some(c) => parse_json(py, c)?,
        None => Vec::new(),
    };
    let now = now_or_utc(py, now)?;
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
            Ok((r, replayed)) => {
                let d = serde_dict(py, &r, &[])?;
                if let Some(rp) = replayed {
                    d.set_item("replayed", rp)?;
                }
                out.append(d)?;
            }
            Err(e) => {
                let d = PyDict::new(py);
                d.set_item("record", i + 1)?;
                d.set_item("external_id", key)?;
                let err = PyDict::new(py);
                err.set_item("code", e.code())?;
                err.set_item("message", e.to_string())?;
                err.set_item("hint", e.hint(chek::Lang::En).into_owned())?;
                d.set_item("error", err)?;
                out.append(d)?;
            }
        }
    }
    Ok(out)
}

/// Every contact the ledger holds for the notification caps (made, planned, imported), as
/// dicts `{"recipient", "channel", "purpose", "at", "counts", "key"}`.
#[pyfunction]
fn notify_contacts<'py>(py: Python<'py>, ledger: Py<PyLedger>) -> PyResult<Bound<'py, PyList>> {
    let cs =
        errors::detach_guarded(py, move || ledger.get().ledger.notify_contacts())?.or_raise(py)?;
    let items = cs
        .iter()
        .map(|c| serde_dict(py, c, &[]))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// Every message planned in the ledger: `{"message", "recipient", "attempt", "status"
/// ("planned", "retry", "delivered", "fallback_sms", "failed"), "last"}`.
#[pyfunction]
fn notify_plans<'py>(py: Python<'py>, ledger: Py<PyLedger>) -> PyResult<Bound<'py, PyList>> {
    let ps =
        errors::detach_guarded(py, move || ledger.get().ledger.notify_plans())?.or_raise(py)?;
    let items = ps
        .iter()
        .map(|p| serde_dict(py, p, &[]))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
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
