//! The receipt bot from Python: `chek.bot.TelegramBot(engine, telegram)` runs the facade's
//! `chek::bot::TelegramBot`: each `poll_once()` handles the pending updates (one reply each,
//! through the outbox) and sends the due replies. The GIL is released while it works.

use std::time::Duration;

use chek::Lang;
use chek::bot::{BotError, Handled, PollReport, TelegramBot};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::channels::PyTelegram;
use crate::convert::{Utc, py_repr, utc_opt};
use crate::engine::{PyEngine, PyOutcome};
use crate::errors::{detach_guarded, to_py_err};
use crate::outbox::PyDispatchReport;

/// A channel failure raises `chek.ChannelError` (with `retryable`/`retry_after` details), a
/// ledger or engine failure `chek.EngineError`.
fn raise(py: Python<'_>, e: BotError) -> PyErr {
    match &e {
        BotError::Channel(c) => to_py_err(py, c),
        BotError::Engine(c) => to_py_err(py, c),
        BotError::Store(c) => to_py_err(py, c),
        // A kind added later: a ledger-side failure with its text, rather than nothing.
        other => to_py_err(py, &chek::store::StoreError::Backend(other.to_string())),
    }
}

/// What the bot did with one update: `.update_id`, `.participant` (`"tg:<user id>"`),
/// `.kind` (`receipt`, `start`, `status`, `operator`, `unsupported`, `file_too_large`,
/// `file_error`, `ignored`, `done`), `.outcome` (a `chek.Outcome` for receipts), `.reply` (the text queued).
#[pyclass(frozen, module = "chek", name = "BotUpdate")]
pub(crate) struct PyBotUpdate(Handled);

#[pymethods]
impl PyBotUpdate {
    #[getter]
    fn update_id(&self) -> i64 {
        self.0.update_id
    }
    #[getter]
    fn participant(&self) -> Option<&str> {
        self.0.participant.as_deref()
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind
    }
    #[getter]
    fn outcome(&self) -> Option<PyOutcome> {
        self.0.outcome.clone().map(PyOutcome)
    }
    #[getter]
    fn reply(&self) -> Option<&str> {
        self.0.reply.as_deref()
    }
    /// `{"update_id", "participant", "kind", "outcome" (as `Outcome.to_dict()`) | None, "reply"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let d = pyo3::types::PyDict::new(py);
        d.set_item("update_id", self.0.update_id)?;
        d.set_item("participant", self.0.participant.as_deref())?;
        d.set_item("kind", self.0.kind)?;
        match &self.0.outcome {
            Some(o) => d.set_item("outcome", PyOutcome(o.clone()).to_dict(py)?)?,
            None => d.set_item("outcome", py.None())?,
        }
        d.set_item("reply", self.0.reply.as_deref())?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "BotUpdate",
            "update_id" => self.0.update_id,
            "participant" => self.0.participant.as_deref(),
            "kind" => self.0.kind)
    }
}

/// One poll: `.handled` (a `BotUpdate` per update, in order) and `.dispatch` (the outbox pass
/// that sent the replies, a `chek.outbox.DispatchReport`).
#[pyclass(frozen, module = "chek", name = "BotPoll")]
pub(crate) struct PyBotPoll(PollReport);

#[pymethods]
impl PyBotPoll {
    #[getter]
    fn handled(&self) -> Vec<PyBotUpdate> {
        self.0.handled.iter().cloned().map(PyBotUpdate).collect()
    }
    #[getter]
    fn dispatch(&self) -> PyDispatchReport {
        PyDispatchReport(self.0.dispatch)
    }
    /// `{"handled": [BotUpdate.to_dict()…], "dispatch": DispatchReport.to_dict()}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let d = pyo3::types::PyDict::new(py);
        let handled = pyo3::types::PyList::empty(py);
        for h in &self.0.handled {
            handled.append(PyBotUpdate(h.clone()).to_dict(py)?)?;
        }
        d.set_item("handled", handled)?;
        d.set_item("dispatch", crate::convert::json_dict(py, &self.0.dispatch)?)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "BotPoll",
            "handled" => self.0.handled.len(),
            "sent" => self.0.dispatch.sent)
    }
}

/// The campaign's engine behind a Telegram bot: `TelegramBot(engine, telegram, *,
/// name="telegram", lang="ru")`. `poll_once(wait=0.0, now=None)` handles the updates after the
/// ledger's cursor (waiting up to `wait` seconds for one) and sends the due replies; a
/// `chek.ChannelError` (or `chek.EngineError` for the ledger) stops it, and the updates not
/// yet committed come again on the next poll. `lang` is for participants whose Telegram
/// language is neither Russian nor English.
#[pyclass(frozen, module = "chek", name = "TelegramBot")]
pub(crate) struct PyTelegramBot {
    bot: TelegramBot,
    name: String,
}

fn utc_now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[pymethods]
impl PyTelegramBot {
    #[new]
    #[pyo3(signature = (engine, telegram, *, name = "telegram".to_owned(), lang = "ru"))]
    fn new(engine: &PyEngine, telegram: &PyTelegram, name: String, lang: &str) -> PyResult<Self> {
        let lang: Lang = lang.parse().map_err(|_| {
            PyValueError::new_err(format!("lang must be \"ru\" or \"en\", got {lang:?}"))
        })?;
        let bot = TelegramBot::new(engine.0.clone(), telegram.0.clone())
            .with_name(name.clone())
            .with_lang(lang);
        Ok(PyTelegramBot { bot, name })
    }

    #[pyo3(signature = (*, wait = 0.0, now = None))]
    fn poll_once(&self, py: Python<'_>, wait: f64, now: Option<Utc>) -> PyResult<PyBotPoll> {
        let wait = Duration::try_from_secs_f64(wait).map_err(|_| {
            PyValueError::new_err(format!("wait must be a number of seconds, got {wait}"))
        })?;
        let now = utc_opt(now).unwrap_or_else(utc_now);
        detach_guarded(py, || self.bot.poll_once(wait, now))?
            .map_err(|e| raise(py, e))
            .map(PyBotPoll)
    }

    /// Sends the replies due at `now` (one outbox pass).
    #[pyo3(signature = (*, now = None))]
    fn dispatch(&self, py: Python<'_>, now: Option<Utc>) -> PyResult<PyDispatchReport> {
        let now = utc_opt(now).unwrap_or_else(utc_now);
        detach_guarded(py, || self.bot.dispatch(now))?
            .map_err(|e| raise(py, e))
            .map(PyDispatchReport)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "TelegramBot", "name" => self.name.as_str())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBotUpdate>()?;
    m.add_class::<PyBotPoll>()?;
    m.add_class::<PyTelegramBot>()?;
    Ok(())
}
