//! The outbox from Python (`chek.outbox`): messages queued once per key in a `chek.Ledger`,
//! claimed under a lease, finished with what the provider said; and `Dispatcher`, the facade's
//! dispatcher with Python callables as the channels' senders. Times are UTC (naive = UTC,
//! aware ones converted).

use std::sync::Arc;
use std::time::Duration;

use chek::outbox::{
    Backoff, Delivered, DispatchReport, Dispatcher, Enqueued, Finish, NewMessage, OutboxCounts,
    OutboxMessage, OutboxStatus, SendError, Sender, SmsSender, TelegramSender, VoiceSender,
};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert::{Utc, py_repr, result_class, utc_opt};
use crate::engine::PyLedger;
use crate::errors::{OrRaise, detach_guarded};

fn utc_now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn seconds(v: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| PyValueError::new_err(format!("{what} must be a number of seconds, got {v}")))
}

result_class! {
    /// What `enqueue` did: `.id`, `.created` (`False` when the key was already queued: the
    /// first message stands), `.status`.
    PyEnqueued(Enqueued) as "Enqueued";
    repr(id, created, status);
    id: |v, _py| v.id;
    created: |v, _py| v.created;
    status: |v, _py| v.status.as_str();
}

result_class! {
    /// One outbox row: `.id`, `.key` (also the client message id for providers that take one),
    /// `.channel`, `.recipient`, `.body`, `.status` (`queued`, `sending`, `sent`, `failed`,
    /// `skipped`), `.due_at`, `.attempts` (pass it back to `finish`), `.lease_until`,
    /// `.in_doubt` (a crashed attempt may have been sent), `.takeovers`, `.provider_id`,
    /// `.delivery`, `.last_error`, `.created_at`, `.finished_at` (naive UTC datetimes).
    PyOutboxMessage(OutboxMessage) as "OutboxMessage";
    repr(key, channel, status, attempts);
    id: |v, _py| v.id;
    key: |v, _py| v.key.as_str();
    channel: |v, _py| v.channel.as_str();
    recipient: |v, _py| v.recipient.as_str();
    body: |v, _py| v.body.as_str();
    status: |v, _py| v.status.as_str();
    due_at: |v, _py| v.due_at;
    attempts: |v, _py| v.attempts;
    lease_until: |v, _py| v.lease_until;
    in_doubt: |v, _py| v.in_doubt;
    takeovers: |v, _py| v.takeovers;
    provider_id: |v, _py| v.provider_id.as_deref();
    delivery: |v, _py| v.delivery.as_deref();
    last_error: |v, _py| v.last_error.as_deref();
    created_at: |v, _py| v.created_at;
    finished_at: |v, _py| v.finished_at;
}

result_class! {
    /// Rows per status: `.queued`, `.sending`, `.sent`, `.failed`, `.skipped`.
    PyOutboxCounts(OutboxCounts) as "OutboxCounts";
    repr(queued, sending, sent, failed, skipped);
    queued: |v, _py| v.queued;
    sending: |v, _py| v.sending;
    sent: |v, _py| v.sent;
    failed: |v, _py| v.failed;
    skipped: |v, _py| v.skipped;
}

result_class! {
    /// What one dispatcher pass did: `.claimed`, `.sent`, `.retried`, `.failed`, `.skipped`,
    /// `.stale` (results refused because another dispatcher took the row over).
    PyDispatchReport(DispatchReport) as "DispatchReport";
    repr(claimed, sent, retried, failed, skipped, stale);
    claimed: |v, _py| v.claimed;
    sent: |v, _py| v.sent;
    retried: |v, _py| v.retried;
    failed: |v, _py| v.failed;
    skipped: |v, _py| v.skipped;
    stale: |v, _py| v.stale;
}

/// Queues a message once per `key` (due now unless `due_at`); the same key again returns the
/// first row, another message under it raises `chek.EngineError` (`store.conflict`).
#[pyfunction]
#[pyo3(name = "outbox_enqueue", signature = (ledger, key, channel, recipient, body, *, due_at = None, now = None))]
#[allow(clippy::too_many_arguments)]
fn enqueue(
    py: Python<'_>,
    ledger: &PyLedger,
    key: String,
    channel: String,
    recipient: String,
    body: String,
    due_at: Option<Utc>,
    now: Option<Utc>,
) -> PyResult<PyEnqueued> {
    let now = utc_opt(now).unwrap_or_else(utc_now);
    let m = NewMessage::new(
        key,
        channel,
        recipient,
        body,
        utc_opt(due_at).unwrap_or(now),
    );
    let l = ledger.ledger.clone();
    detach_guarded(py, move || l.outbox_enqueue(&m, now))?
        .or_raise(py)
        .map(PyEnqueued)
}

/// Claims up to `limit` due messages for `lease` seconds (nobody else gets them meanwhile).
#[pyfunction]
#[pyo3(name = "outbox_claim", signature = (ledger, *, limit = 50, lease = 300.0, now = None))]
fn claim(
    py: Python<'_>,
    ledger: &PyLedger,
    limit: usize,
    lease: f64,
    now: Option<Utc>,
) -> PyResult<Vec<PyOutboxMessage>> {
    let lease = seconds(lease, "lease")?;
    let now = utc_opt(now).unwrap_or_else(utc_now);
    let l = ledger.ledger.clone();
    let rows = detach_guarded(py, move || l.outbox_claim(now, limit, lease))?.or_raise(py)?;
    Ok(rows.into_iter().map(PyOutboxMessage).collect())
}

/// Records how a claimed message's attempt ended: `outcome` is `"sent"` (with `provider_id`),
/// `"retry"` (with `retry_at` and `error`), `"failed"` (with `error`) or `"skipped"` (with
/// `error`, the reason). Returns `False` when the attempt no longer holds the row.
#[pyfunction]
#[pyo3(name = "outbox_finish", signature = (ledger, message, outcome, *, provider_id = None, retry_at = None, error = None, now = None))]
#[allow(clippy::too_many_arguments)]
fn finish(
    py: Python<'_>,
    ledger: &PyLedger,
    message: &PyOutboxMessage,
    outcome: &str,
    provider_id: Option<String>,
    retry_at: Option<Utc>,
    error: Option<String>,
    now: Option<Utc>,
) -> PyResult<bool> {
    let need = |e: Option<String>| {
        e.ok_or_else(|| PyValueError::new_err(format!("outcome {outcome:?} needs error=")))
    };
    let how = match outcome {
        "sent" => Finish::Sent { provider_id },
        "retry" => Finish::Retry {
            at: utc_opt(retry_at)
                .ok_or_else(|| PyValueError::new_err("outcome \"retry\" needs retry_at="))?,
            error: need(error)?,
        },
        "failed" => Finish::Failed {
            error: need(error)?,
        },
        "skipped" => Finish::Skipped {
            reason: need(error)?,
        },
        other => {
            return Err(PyValueError::new_err(format!(
                "{other:?} is not an outcome (sent, retry, failed, skipped)"
            )));
        }
    };
    let now = utc_opt(now).unwrap_or_else(utc_now);
    let (id, attempt) = (message.0.id, message.0.attempts);
    let l = ledger.ledger.clone();
    detach_guarded(py, move || l.outbox_finish(id, attempt, &how, now))?.or_raise(py)
}

/// Records a provider's delivery report for its message id; `False` when no such message.
#[pyfunction]
#[pyo3(name = "outbox_delivery")]
fn delivery(
    py: Python<'_>,
    ledger: &PyLedger,
    channel: String,
    provider_id: String,
    status: String,
) -> PyResult<bool> {
    let l = ledger.ledger.clone();
    detach_guarded(py, move || {
        l.outbox_delivery(&channel, &provider_id, &status)
    })?
    .or_raise(py)
}

/// The message queued under `key`, or `None`.
#[pyfunction]
#[pyo3(name = "outbox_get")]
fn get(py: Python<'_>, ledger: &PyLedger, key: String) -> PyResult<Option<PyOutboxMessage>> {
    let l = ledger.ledger.clone();
    Ok(detach_guarded(py, move || l.outbox_get(&key))?
        .or_raise(py)?
        .map(PyOutboxMessage))
}

/// Up to `limit` messages, all or those in `status`, oldest first.
#[pyfunction]
#[pyo3(name = "outbox_list", signature = (ledger, *, status = None, limit = 100))]
fn list_messages(
    py: Python<'_>,
    ledger: &PyLedger,
    status: Option<&str>,
    limit: usize,
) -> PyResult<Vec<PyOutboxMessage>> {
    let status = status
        .map(str::parse::<OutboxStatus>)
        .transpose()
        .or_raise(py)?;
    let l = ledger.ledger.clone();
    let rows = detach_guarded(py, move || l.outbox_list(status, limit))?.or_raise(py)?;
    Ok(rows.into_iter().map(PyOutboxMessage).collect())
}

/// Rows per status.
#[pyfunction]
#[pyo3(name = "outbox_counts")]
fn counts(py: Python<'_>, ledger: &PyLedger) -> PyResult<PyOutboxCounts> {
    let l = ledger.ledger.clone();
    detach_guarded(py, move || l.outbox_counts())?
        .or_raise(py)
        .map(PyOutboxCounts)
}

/// A Python callable as a channel's sender: called with the `OutboxMessage`, it returns the
/// provider's message id (or `None`); an exception whose `retryable` (attribute, or entry of
/// its `details` as `chek.ChannelError` has) is true is retried after its `retry_after`
/// seconds (if any) or the backoff, any other exception fails the message with its `code`
/// attribute (or its type name).
struct PySender {
    channel: String,
    call: Py<PyAny>,
    dedupes: bool,
}

impl Sender for PySender {
    fn channel(&self) -> &str {
        &self.channel
    }

    fn dedupes(&self) -> bool {
        self.dedupes
    }

    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
        Python::attach(
            |py| match self.call.call1(py, (PyOutboxMessage(m.clone()),)) {
                Ok(id) => Ok(Delivered {
                    provider_id: id.extract::<Option<String>>(py).unwrap_or(None),
                }),
                Err(e) => {
                    let v = e.value(py);
                    let code = v
                        .getattr("code")
                        .and_then(|c| c.extract::<String>())
                        .or_else(|_| v.get_type().name().map(|n| n.to_string()))
                        .unwrap_or_else(|_| "channel.error".into());
                    // An attribute of the exception, or an entry of its `details` (as
                    // `chek.ChannelError` carries them).
                    let field = |name: &str| {
                        v.getattr(name).ok().or_else(|| {
                            v.getattr("details")
                                .ok()
                                .and_then(|d| d.get_item(name).ok())
                        })
                    };
                    let retryable = field("retryable")
                        .and_then(|r| r.is_truthy().ok())
                        .unwrap_or(false);
                    if retryable {
                        let after = field("retry_after")
                            .and_then(|a| a.extract::<Option<f64>>().ok())
                            .flatten()
                            .and_then(|s| Duration::try_from_secs_f64(s).ok());
                        Err(SendError::Retry { code, after })
                    } else {
                        Err(SendError::Permanent { code })
                    }
                }
            },
        )
    }
}

/// Sends due outbox messages: `Dispatcher({"telegram": send_fn}, gate=None, batch=50,
/// lease=300.0, backoff_first=30.0, backoff_max=3600.0, attempts=8, dedupes=())`. `gate(message,
/// now)` is the contact policy at send time: a returned string skips the message with that
/// reason. Channels named in `dedupes` drop a second message with the same key, so an in-doubt
/// message is simply resent; others resend it at most once. A `chek.channels.SmsRu`/`Smsc` as
/// the `sms` sender, a `chek.channels.Uis`/`Asterisk` as the `voice` one, or a
/// `chek.channels.Telegram` as the `telegram` one, sends without Python.
#[pyclass(frozen, module = "chek", name = "Dispatcher")]
pub(crate) struct PyDispatcher {
    inner: Dispatcher,
    channels: Vec<String>,
    batch: usize,
    lease: f64,
}

#[pymethods]
impl PyDispatcher {
    #[new]
    #[pyo3(signature = (senders, *, gate = None, batch = 50, lease = 300.0, backoff_first = 30.0, backoff_max = 3600.0, attempts = 8, dedupes = Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        senders: std::collections::BTreeMap<String, Py<PyAny>>,
        gate: Option<Py<PyAny>>,
        batch: usize,
        lease: f64,
        backoff_first: f64,
        backoff_max: f64,
        attempts: u32,
        dedupes: Vec<String>,
    ) -> PyResult<Self> {
        let channels: Vec<String> = senders.keys().cloned().collect();
        let mut d = Dispatcher::new()
            .with_batch(batch)
            .with_lease(seconds(lease, "lease")?)
            .with_backoff(Backoff {
                first: seconds(backoff_first, "backoff_first")?,
                max: seconds(backoff_max, "backoff_max")?,
                attempts: attempts.max(1),
            });
        for (channel, call) in senders {
            // chek's own clients send without the GIL: an SMS gateway for `sms`, a Telegram
            // client for `telegram`.
            let native: Option<Box<dyn Sender>> = Python::attach(|py| {
                let obj = call.bind(py);
                if let Some(g) = crate::sms_gateway::gateway_of(obj) {
                    return (channel == SmsSender::CHANNEL)
                        .then(|| Box::new(SmsSender::new(g)) as Box<dyn Sender>)
                        .ok_or_else(|| {
                            PyValueError::new_err(format!(
                                "an SMS gateway sends channel \"sms\", not {channel:?}"
                            ))
                        })
                        .map(Some);
                }
                if let Some(g) = crate::voice_gateway::gateway_of(obj) {
                    return (channel == VoiceSender::CHANNEL)
                        .then(|| Box::new(VoiceSender::new(g)) as Box<dyn Sender>)
                        .ok_or_else(|| {
                            PyValueError::new_err(format!(
                                "a voice gateway sends channel \"voice\", not {channel:?}"
                            ))
                        })
                        .map(Some);
                }
                if let Ok(t) = obj.cast::<crate::channels::PyTelegram>() {
                    return (channel == TelegramSender::CHANNEL)
                        .then(|| {
                            Box::new(TelegramSender::new(Arc::clone(&t.get().0))) as Box<dyn Sender>
                        })
                        .ok_or_else(|| {
                            PyValueError::new_err(format!(
                                "a Telegram client sends channel \"telegram\", not {channel:?}"
                            ))
                        })
                        .map(Some);
                }
                Ok(None)
            })?;
            match native {
                Some(s) => d = d.with_sender(s),
                None => {
                    let dedupes = dedupes.contains(&channel);
                    d = d.with_sender(Box::new(PySender {
                        channel,
                        call,
                        dedupes,
                    }));
                }
            }
        }
        if let Some(g) = gate {
            d = d.with_gate(Box::new(move |m: &OutboxMessage, now: NaiveDateTime| {
                Python::attach(|py| {
                    g.call1(py, (PyOutboxMessage(m.clone()), now))
                        .and_then(|r| r.extract::<Option<String>>(py))
                        // A gate that raises blocks the message rather than send it unchecked.
                        .unwrap_or_else(|e| Some(format!("outbox.gate_error: {e}")))
                })
            }));
        }
        Ok(PyDispatcher {
            inner: d,
            channels,
            batch,
            lease,
        })
    }

    /// One pass: claims a batch due at `now`, sends it, records each result.
    #[pyo3(signature = (ledger, *, now = None))]
    fn run_once(
        &self,
        py: Python<'_>,
        ledger: &PyLedger,
        now: Option<Utc>,
    ) -> PyResult<PyDispatchReport> {
        let now = utc_opt(now).unwrap_or_else(utc_now);
        let l = ledger.ledger.clone();
        detach_guarded(py, || self.inner.run_once(&l, now))?
            .or_raise(py)
            .map(PyDispatchReport)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Dispatcher",
            "channels" => self.channels.clone(),
            "batch" => self.batch,
            "lease" => self.lease)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEnqueued>()?;
    m.add_class::<PyOutboxMessage>()?;
    m.add_class::<PyOutboxCounts>()?;
    m.add_class::<PyDispatchReport>()?;
    m.add_class::<PyDispatcher>()?;
    m.add_function(wrap_pyfunction!(enqueue, m)?)?;
    m.add_function(wrap_pyfunction!(claim, m)?)?;
    m.add_function(wrap_pyfunction!(finish, m)?)?;
    m.add_function(wrap_pyfunction!(delivery, m)?)?;
    m.add_function(wrap_pyfunction!(get, m)?)?;
    m.add_function(wrap_pyfunction!(list_messages, m)?)?;
    m.add_function(wrap_pyfunction!(counts, m)?)?;
    Ok(())
}
