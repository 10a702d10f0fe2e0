//! SMS gateways from Python: `chek.channels.SmsRu` and `chek.channels.Smsc` (blocking; the GIL
//! is released during each exchange), `SmsSent`/`SmsStatus` results, and
//! `parse_smsru_callback` for sms.ru's delivery callbacks. Failures raise `chek.ChannelError`.
//! A gateway object can be given to `chek.outbox.Dispatcher` as the `sms` sender.

use std::sync::Arc;
use std::time::Duration;

use chek::channels::Secret;
use chek::channels::sms::{
    SMSC_URL, SMSRU_URL, SmsGateway, SmsRequest, SmsRu, SmsSent, SmsStatus, Smsc,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert::{py_repr, result_class};
use crate::errors::{OrRaise, detach_guarded};

result_class! {
    /// What the gateway said when it took a message: `.provider_id`, `.segments`,
    /// `.cost_kopecks` (or `None`).
    PySmsSent(SmsSent) as "SmsSent";
    repr(provider_id, segments, cost_kopecks);
    provider_id: |v, _py| v.provider_id.as_str();
    segments: |v, _py| v.segments;
    cost_kopecks: |v, _py| v.cost_kopecks;
}

result_class! {
    /// A message's delivery status: `.provider_id`, `.delivery` (`pending`, `sent`,
    /// `delivered`, `expired`, `failed`, `unknown`), `.provider_code`.
    PySmsStatus(SmsStatus) as "SmsStatus";
    repr(provider_id, delivery);
    provider_id: |v, _py| v.provider_id.as_str();
    delivery: |v, _py| v.delivery.as_str();
    provider_code: |v, _py| v.provider_code;
}

fn secs(v: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| PyValueError::new_err(format!("timeout must be a number of seconds, got {v}")))
}

/// What both gateway classes share: the client, behind an `Arc` the outbox can hold.
pub(crate) struct Gateway {
    pub(crate) inner: Arc<dyn SmsGateway>,
    base_url: String,
}

impl Gateway {
    fn send(&self, py: Python<'_>, to: &str, text: &str) -> PyResult<PySmsSent> {
        let r = SmsRequest::new(to, text).or_raise(py)?;
        let g = Arc::clone(&self.inner);
        detach_guarded(py, move || g.send(&r))?
            .or_raise(py)
            .map(PySmsSent)
    }

    fn status(&self, py: Python<'_>, provider_id: &str, phone: &str) -> PyResult<PySmsStatus> {
        let g = Arc::clone(&self.inner);
        let (id, phone) = (provider_id.to_owned(), phone.to_owned());
        detach_guarded(py, move || g.status(&id, &phone))?
            .or_raise(py)
            .map(PySmsStatus)
    }
}

/// sms.ru: `SmsRu(api_id, *, base_url=SMSRU_URL, sender=None, timeout=20.0)`. `send(to, text)`
/// gives a `SmsSent`; `status(provider_id, phone)` a `SmsStatus`. The key is never shown.
#[pyclass(frozen, module = "chek", name = "SmsRu")]
pub(crate) struct PySmsRu(pub(crate) Gateway);

#[pymethods]
impl PySmsRu {
    #[new]
    #[pyo3(signature = (api_id, *, base_url = SMSRU_URL.to_owned(), sender = None, timeout = 20.0))]
    fn new(
        py: Python<'_>,
        api_id: String,
        base_url: String,
        sender: Option<String>,
        timeout: f64,
    ) -> PyResult<Self> {
        let t = secs(timeout)?;
        let b = base_url.clone();
        let gw = detach_guarded(py, move || {
            SmsRu::new(Secret::new(api_id), &b, sender.as_deref(), t)
        })?
        .or_raise(py)?;
        Ok(PySmsRu(Gateway {
            inner: Arc::new(gw),
            base_url,
        }))
    }
    /// Sends one SMS.
    fn send(&self, py: Python<'_>, to: &str, text: &str) -> PyResult<PySmsSent> {
        self.0.send(py, to, text)
    }
    /// Where a message is.
    fn status(&self, py: Python<'_>, provider_id: &str, phone: &str) -> PyResult<PySmsStatus> {
        self.0.status(py, provider_id, phone)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "SmsRu", "base_url" => self.0.base_url.as_str())
    }
}

/// smsc.ru: `Smsc(login, password, *, base_url=SMSC_URL, sender=None, timeout=20.0)`; the
/// same methods as `SmsRu`. The password is never shown.
#[pyclass(frozen, module = "chek", name = "Smsc")]
pub(crate) struct PySmsc(pub(crate) Gateway);

#[pymethods]
impl PySmsc {
    #[new]
    #[pyo3(signature = (login, password, *, base_url = SMSC_URL.to_owned(), sender = None, timeout = 20.0))]
    fn new(
        py: Python<'_>,
        login: String,
        password: String,
        base_url: String,
        sender: Option<String>,
        timeout: f64,
    ) -> PyResult<Self> {
        let t = secs(timeout)?;
        let b = base_url.clone();
        let gw = detach_guarded(py, move || {
            Smsc::new(&login, Secret::new(password), &b, sender.as_deref(), t)
        })?
        .or_raise(py)?;
        Ok(PySmsc(Gateway {
            inner: Arc::new(gw),
            base_url,
        }))
    }
    /// Sends one SMS.
    fn send(&self, py: Python<'_>, to: &str, text: &str) -> PyResult<PySmsSent> {
        self.0.send(py, to, text)
    }
    /// Where a message is.
    fn status(&self, py: Python<'_>, provider_id: &str, phone: &str) -> PyResult<PySmsStatus> {
        self.0.status(py, provider_id, phone)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Smsc", "base_url" => self.0.base_url.as_str())
    }
}

/// Reads an sms.ru delivery callback body (form-encoded `data[N]=` entries) into
/// `SmsStatus`es; answer the request with `100`.
#[pyfunction]
fn parse_smsru_callback(py: Python<'_>, body: &str) -> PyResult<Vec<PySmsStatus>> {
    Ok(chek::channels::sms::parse_smsru_callback(body)
        .or_raise(py)?
        .into_iter()
        .map(PySmsStatus)
        .collect())
}

/// The gateway of a `SmsRu` or `Smsc` object, for the outbox.
pub(crate) fn gateway_of(obj: &Bound<'_, PyAny>) -> Option<Arc<dyn SmsGateway>> {
    if let Ok(g) = obj.cast::<PySmsRu>() {
        return Some(Arc::clone(&g.get().0.inner));
    }
    if let Ok(g) = obj.cast::<PySmsc>() {
        return Some(Arc::clone(&g.get().0.inner));
    }
    None
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySmsSent>()?;
    m.add_class::<PySmsStatus>()?;
    m.add_class::<PySmsRu>()?;
    m.add_class::<PySmsc>()?;
    m.add_function(wrap_pyfunction!(parse_smsru_callback, m)?)?;
    m.add("SMSRU_URL", SMSRU_URL)?;
    m.add("SMSC_URL", SMSC_URL)?;
    Ok(())
}
