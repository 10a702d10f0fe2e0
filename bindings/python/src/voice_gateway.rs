//! Robot calls from Python: `chek.channels.Uis` and `chek.channels.Asterisk` (blocking; the
//! GIL is released during each exchange), `CallPlaced`/`CallReport` results, and
//! `parse_uis_callback`/`parse_asterisk_callback` for the call-end callbacks (a `CallReport`'s
//! `to_dict()` is a provider report `chek.engage.notify.call_outcome` takes). Failures raise
//! `chek.ChannelError`. A gateway object can be given to `chek.outbox.Dispatcher` as the
//! `voice` sender.

use std::sync::Arc;
use std::time::Duration;

use chek::channels::Secret;
use chek::channels::voice::{
    Asterisk, AsteriskRoute, CallPlaced, CallRequest, CallResult, UIS_URL, Uis, VoiceGateway,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::convert::{py_repr, result_class};
use crate::errors::{OrRaise, detach_guarded};

result_class! {
    /// A call the provider took: `.provider` (`uis`, `asterisk`), `.call_id` (UIS
    /// `call_session_id`, the ARI channel id).
    PyCallPlaced(CallPlaced) as "CallPlaced";
    repr(provider, call_id);
    provider: |v, _py| v.provider;
    call_id: |v, _py| v.call_id.as_str();
}

result_class! {
    /// How a call ended, from the provider's callback: `.provider`, `.call_id`,
    /// `.external_id`, `.status` (UIS `finish_reason`, Asterisk `DIALSTATUS`), `.duration_s`,
    /// `.digits`, `.sip_code`, `.hangup_cause`. `to_dict()` is a provider report for
    /// `chek.engage.notify.call_outcome`.
    PyCallReport(CallResult) as "CallReport";
    repr(provider, status, duration_s);
    provider: |v, _py| v.provider;
    call_id: |v, _py| v.call_id.as_deref();
    external_id: |v, _py| v.external_id.as_deref();
    status: |v, _py| v.status.as_str();
    duration_s: |v, _py| v.duration_s;
    digits: |v, _py| v.digits.as_deref();
    sip_code: |v, _py| v.sip_code;
    hangup_cause: |v, _py| v.hangup_cause;
}

fn secs(v: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| PyValueError::new_err(format!("timeout must be a number of seconds, got {v}")))
}

/// A callback body given as `bytes` or `str`.
fn body_bytes(body: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = body.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if body.is_instance_of::<PyString>() {
        return Ok(body.extract::<String>()?.into_bytes());
    }
    Err(PyTypeError::new_err("a callback body is bytes or str"))
}

/// What both gateway classes share: the client, behind an `Arc` the outbox can hold.
pub(crate) struct Gateway {
    pub(crate) inner: Arc<dyn VoiceGateway>,
    base_url: String,
}

impl Gateway {
    fn place_call(
        &self,
        py: Python<'_>,
        to: &str,
        text: &str,
        external_id: Option<&str>,
    ) -> PyResult<PyCallPlaced> {
        let mut r = CallRequest::new(to, text).or_raise(py)?;
        if let Some(x) = external_id {
            r = r.with_external_id(x).or_raise(py)?;
        }
        let g = Arc::clone(&self.inner);
        detach_guarded(py, move || g.place_call(&r))?
            .or_raise(py)
            .map(PyCallPlaced)
    }

    fn parse_callback(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyCallReport> {
        let b = body_bytes(body)?;
        self.inner.parse_callback(&b).or_raise(py).map(PyCallReport)
    }
}

/// The UIS Call API: `Uis(access_token, virtual_phone_number, *, base_url=UIS_URL,
/// dialing_timeout=None, timeout=20.0)`. `place_call(to, text, *, external_id=None)` places an
/// informer call that speaks `text` and gives a `CallPlaced`; `parse_callback(body)` reads the
/// call-end notification. The token is never shown.
#[pyclass(frozen, module = "chek", name = "Uis")]
pub(crate) struct PyUis(pub(crate) Gateway);

#[pymethods]
impl PyUis {
    #[new]
    #[pyo3(signature = (access_token, virtual_phone_number, *, base_url = UIS_URL.to_owned(), dialing_timeout = None, timeout = 20.0))]
    fn new(
        py: Python<'_>,
        access_token: String,
        virtual_phone_number: String,
        base_url: String,
        dialing_timeout: Option<u32>,
        timeout: f64,
    ) -> PyResult<Self> {
        let t = secs(timeout)?;
        let b = base_url.clone();
        let gw = detach_guarded(py, move || {
            let g = Uis::new(Secret::new(access_token), &virtual_phone_number, &b, t)?;
            match dialing_timeout {
                Some(d) => g.with_dialing_timeout(d),
                None => Ok(g),
            }
        })?
        .or_raise(py)?;
        Ok(PyUis(Gateway {
            inner: Arc::new(gw),
            base_url,
        }))
    }
    /// Places one call.
    #[pyo3(signature = (to, text, *, external_id = None))]
    fn place_call(
        &self,
        py: Python<'_>,
        to: &str,
        text: &str,
        external_id: Option<&str>,
    ) -> PyResult<PyCallPlaced> {
        self.0.place_call(py, to, text, external_id)
    }
    /// Reads a call-end notification body.
    fn parse_callback(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyCallReport> {
        self.0.parse_callback(py, body)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Uis", "base_url" => self.0.base_url.as_str())
    }
}

/// Asterisk ARI: `Asterisk(user, password, *, base_url, trunk, app=None, context=None,
/// extension="s", caller_id=None, dial_timeout=30, timeout=20.0)` — exactly one of `app` (a
/// Stasis application) and `context` (the dialplan). The text goes in the channel variable
/// `CHEK_TTS`; the dialplan or application speaks it. The password is never shown.
#[pyclass(frozen, module = "chek", name = "Asterisk")]
pub(crate) struct PyAsterisk(pub(crate) Gateway);

#[pymethods]
impl PyAsterisk {
    #[new]
    #[pyo3(signature = (user, password, *, base_url, trunk, app = None, context = None, extension = "s".to_owned(), caller_id = None, dial_timeout = 30, timeout = 20.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        user: String,
        password: String,
        base_url: String,
        trunk: String,
        app: Option<String>,
        context: Option<String>,
        extension: String,
        caller_id: Option<String>,
        dial_timeout: u32,
        timeout: f64,
    ) -> PyResult<Self> {
        let t = secs(timeout)?;
        let route = match (app, context) {
            (Some(app), None) => AsteriskRoute::Stasis { app },
            (None, Some(context)) => AsteriskRoute::Dialplan { context, extension },
            _ => {
                return Err(PyValueError::new_err(
                    "give exactly one of app (Stasis) and context (dialplan)",
                ));
            }
        };
        let b = base_url.clone();
        let gw = detach_guarded(py, move || {
            let g = Asterisk::new(&user, Secret::new(password), &b, &trunk, route, t)?
                .with_dial_timeout(dial_timeout)?;
            match caller_id {
                Some(c) => g.with_caller_id(&c),
                None => Ok(g),
            }
        })?
        .or_raise(py)?;
        Ok(PyAsterisk(Gateway {
            inner: Arc::new(gw),
            base_url,
        }))
    }
    /// Originates one call.
    #[pyo3(signature = (to, text, *, external_id = None))]
    fn place_call(
        &self,
        py: Python<'_>,
        to: &str,
        text: &str,
        external_id: Option<&str>,
    ) -> PyResult<PyCallPlaced> {
        self.0.place_call(py, to, text, external_id)
    }
    /// Reads a call-end callback body (chek's dialplan JSON or an ARI event).
    fn parse_callback(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyCallReport> {
        self.0.parse_callback(py, body)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Asterisk", "base_url" => self.0.base_url.as_str())
    }
}

/// Reads a UIS call-end notification (JSON with `call_session_id`, `external_id`,
/// `finish_reason`, `talk_time_duration`) into a `CallReport`.
#[pyfunction]
fn parse_uis_callback(py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyCallReport> {
    let b = body_bytes(body)?;
    chek::channels::voice::parse_uis_callback(&b)
        .or_raise(py)
        .map(PyCallReport)
}

/// Reads how an Asterisk call ended (chek's dialplan JSON `{"channel_id", "dialstatus",
/// "answeredtime", "hangupcause", "digits"}`, or the ARI events `ChannelDestroyed` and
/// `ChannelVarset` of `DIALSTATUS`) into a `CallReport`.
#[pyfunction]
fn parse_asterisk_callback(py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyCallReport> {
    let b = body_bytes(body)?;
    chek::channels::voice::parse_asterisk_callback(&b)
        .or_raise(py)
        .map(PyCallReport)
}

/// The gateway of a `Uis` or `Asterisk` object, for the outbox.
pub(crate) fn gateway_of(obj: &Bound<'_, PyAny>) -> Option<Arc<dyn VoiceGateway>> {
    if let Ok(g) = obj.cast::<PyUis>() {
        return Some(Arc::clone(&g.get().0.inner));
    }
    if let Ok(g) = obj.cast::<PyAsterisk>() {
        return Some(Arc::clone(&g.get().0.inner));
    }
    None
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCallPlaced>()?;
    m.add_class::<PyCallReport>()?;
    m.add_class::<PyUis>()?;
    m.add_class::<PyAsterisk>()?;
    m.add_function(wrap_pyfunction!(parse_uis_callback, m)?)?;
    m.add_function(wrap_pyfunction!(parse_asterisk_callback, m)?)?;
    m.add("UIS_URL", UIS_URL)?;
    Ok(())
}
