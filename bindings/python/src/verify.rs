//! Verifying receipts with ФНС: `chek.FnsMobile` and `chek.CheckApi` (blocking; the GIL is
//! released during the HTTP exchange) answering a `chek.VerifyResult`.

use std::sync::Arc;
use std::time::Duration;

use chek::verify::{
    self as cv, CHECKAPI_URL, CheckApi, ClientConfig, FNS_MOBILE_URL, FnsMobile, Secret, Verifier,
    VerifyOutcome,
};
use chek::{Coded, Hint};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::{hints_dict, json_dict, py_repr};
use crate::errors::{self, OrRaise, Raise, detach_guarded};
use crate::qr::PyFiscalQr;
use crate::receipt::{PyCandidate, PyReceipt};

impl Raise for cv::BuildError {
    type Exc = errors::VerifyError;
}

/// What a verification service answered about one receipt: data, not an error.
///
/// `.status` is `"verified"` (then `.receipt` holds the full receipt with items),
/// `"not_yet_known"`, `"invalid"`, `"rate_limited"`, `"provider_unavailable"` or
/// `"bad_credentials"`; `.code` is the stable code (`"verify.verified"`,
/// `"verify.fiscal_data_rejected"`…), `.hint` / `.hints` what to tell the shopper.
#[pyclass(frozen, eq, module = "chek", name = "VerifyResult")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyVerifyResult(pub(crate) VerifyOutcome);

impl PyVerifyResult {
    pub(crate) fn to_dict_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.to_dict(py)
    }
}

#[pymethods]
impl PyVerifyResult {
    /// The kind of answer (see the class docs).
    #[getter]
    fn status(&self) -> &'static str {
        match &self.0 {
            VerifyOutcome::Verified { .. } => "verified",
            VerifyOutcome::NotYetKnown => "not_yet_known",
            VerifyOutcome::Invalid { .. } => "invalid",
            VerifyOutcome::RateLimited { .. } => "rate_limited",
            VerifyOutcome::ProviderUnavailable { .. } => "provider_unavailable",
            _ => "bad_credentials",
        }
    }
    /// The stable code.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code()
    }
    /// Whether ФНС confirmed the receipt.
    #[getter]
    fn verified(&self) -> bool {
        matches!(self.0, VerifyOutcome::Verified { .. })
    }
    /// The confirmed receipt with its items, or `None`.
    #[getter]
    fn receipt(&self) -> Option<PyReceipt> {
        self.0.receipt().cloned().map(PyReceipt)
    }
    /// Whether the answer settles the receipt (verified or invalid).
    #[getter]
    fn is_final(&self) -> bool {
        self.0.is_final()
    }
    /// Whether it spends one of the shopper's re-checks (outages and limits do not).
    #[getter]
    fn counts_as_attempt(&self) -> bool {
        self.0.counts_as_attempt()
    }
    /// Seconds to wait before asking again, when the service said so.
    #[getter]
    fn retry_after(&self) -> Option<u64> {
        match &self.0 {
            VerifyOutcome::RateLimited { retry_after_secs } => *retry_after_secs,
            _ => None,
        }
    }
    /// What went wrong with the service, for logs (never credentials), or `None`.
    #[getter]
    fn detail(&self) -> Option<String> {
        match &self.0 {
            VerifyOutcome::ProviderUnavailable { detail } => Some(detail.clone()),
            _ => None,
        }
    }
    /// The hint in Russian.
    #[getter]
    fn hint(&self) -> String {
        self.0.hint(chek::Lang::Ru).into_owned()
    }
    /// The hint in both languages.
    #[getter]
    fn hints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        hints_dict(py, &Hint::of(&self.0))
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("status", self.status())?;
        d.set_item("code", self.code())?;
        d.set_item("hints", self.hints(py)?)?;
        d.set_item("retry_after", self.retry_after())?;
        d.set_item("detail", self.detail())?;
        match self.0.receipt() {
            Some(r) => d.set_item("receipt", json_dict(py, r)?)?,
            None => d.set_item("receipt", py.None())?,
        }
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        match self.0.receipt() {
            Some(r) => py_repr!(py, "VerifyResult",
                "status" => "verified",
                "receipt" => r.identity().to_string()),
            None => py_repr!(py, "VerifyResult", "status" => self.status(), "code" => self.code()),
        }
    }
}

fn secs(v: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v).map_err(|_| {
        PyValueError::new_err(format!("{what} must be a non-negative number of seconds"))
    })
}

/// Client settings from keyword arguments (seconds as floats); unset ones keep the defaults.
#[allow(clippy::too_many_arguments)]
fn config(
    connect_timeout: Option<f64>,
    total_timeout: Option<f64>,
    max_retries: Option<u32>,
    backoff_base: Option<f64>,
    backoff_max: Option<f64>,
    retry_after_cap: Option<f64>,
    max_concurrent: Option<usize>,
    poll_interval: Option<f64>,
    poll_attempts: Option<u32>,
) -> PyResult<ClientConfig> {
    let mut c = ClientConfig::default();
    if let Some(v) = connect_timeout {
        c.connect_timeout = secs(v, "connect_timeout")?;
    }
    if let Some(v) = total_timeout {
        c.total_timeout = secs(v, "total_timeout")?;
    }
    if let Some(v) = max_retries {
        c.max_retries = v;
    }
    if let Some(v) = backoff_base {
        c.backoff_base = secs(v, "backoff_base")?;
    }
    if let Some(v) = backoff_max {
        c.backoff_max = secs(v, "backoff_max")?;
    }
    if let Some(v) = retry_after_cap {
        c.retry_after_cap = secs(v, "retry_after_cap")?;
    }
    if let Some(v) = max_concurrent {
        c.max_concurrent = v;
    }
    if let Some(v) = poll_interval {
        c.poll_interval = secs(v, "poll_interval")?;
    }
    if let Some(v) = poll_attempts {
        c.poll_attempts = v;
    }
    Ok(c)
}

/// The QR to ask about: a `FiscalQr`, a `Candidate`, or a QR string.
fn qr_of(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<chek::fiscal::FiscalQr> {
    if let Ok(q) = obj.cast::<PyFiscalQr>() {
        return Ok(q.get().0.clone());
    }
    if let Ok(c) = obj.cast::<PyCandidate>() {
        return Ok(c.get().0.qr.clone());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s: String = s.extract()?;
        return chek::fiscal::FiscalQr::parse(&s).or_raise(py);
    }
    Err(PyTypeError::new_err(
        "expected a FiscalQr, a Candidate or a QR string",
    ))
}

fn verify_with(
    py: Python<'_>,
    v: &Arc<dyn Verifier>,
    receipt: &Bound<'_, PyAny>,
) -> PyResult<PyVerifyResult> {
    let qr = qr_of(py, receipt)?;
    let v = Arc::clone(v);
    detach_guarded(py, move || v.verify(&qr)).map(PyVerifyResult)
}

/// The ФНС app's API (`irkkt-mobile`), with a session id.
///
/// `FnsMobile(session, *, base_url=FNS_MOBILE_URL, connect_timeout=…, total_timeout=…,
/// max_retries=…, backoff_base=…, backoff_max=…, retry_after_cap=…, max_concurrent=…,
/// poll_interval=…, poll_attempts=…)` (times in seconds). `verify(qr)` blocks with the GIL
/// released; thread pools verify in parallel up to `max_concurrent`.
#[pyclass(frozen, module = "chek", name = "FnsMobile")]
pub(crate) struct PyFnsMobile(Arc<dyn Verifier>);

#[pymethods]
impl PyFnsMobile {
    #[new]
    #[pyo3(signature = (session, *, base_url = FNS_MOBILE_URL.to_owned(), connect_timeout = None, total_timeout = None, max_retries = None, backoff_base = None, backoff_max = None, retry_after_cap = None, max_concurrent = None, poll_interval = None, poll_attempts = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        session: String,
        base_url: String,
        connect_timeout: Option<f64>,
        total_timeout: Option<f64>,
        max_retries: Option<u32>,
        backoff_base: Option<f64>,
        backoff_max: Option<f64>,
        retry_after_cap: Option<f64>,
        max_concurrent: Option<usize>,
        poll_interval: Option<f64>,
        poll_attempts: Option<u32>,
    ) -> PyResult<Self> {
        let c = config(
            connect_timeout,
            total_timeout,
            max_retries,
            backoff_base,
            backoff_max,
            retry_after_cap,
            max_concurrent,
            poll_interval,
            poll_attempts,
        )?;
        // Building the client starts reqwest's blocking runtime: done without the GIL.
        let built = detach_guarded(py, move || {
            FnsMobile::new(&base_url, Secret::new(session), c)
        })?;
        Ok(Self(Arc::new(built.or_raise(py)?)))
    }
    /// `"fns"`.
    #[getter]
    fn name(&self) -> &'static str {
        self.0.name()
    }
    /// Asks ФНС about a receipt (`FiscalQr`, `Candidate` or QR string). Never raises for
    /// service failures: they are `VerifyResult`s.
    fn verify(&self, py: Python<'_>, receipt: &Bound<'_, PyAny>) -> PyResult<PyVerifyResult> {
        verify_with(py, &self.0, receipt)
    }
    fn __repr__(&self) -> &'static str {
        "FnsMobile(session=***)"
    }
}

/// A proverkacheka-style receipt-check service, with a token. Same options as `FnsMobile`
/// (`base_url` defaults to `CHECKAPI_URL`).
#[pyclass(frozen, module = "chek", name = "CheckApi")]
pub(crate) struct PyCheckApi(Arc<dyn Verifier>);

#[pymethods]
impl PyCheckApi {
    #[new]
    #[pyo3(signature = (token, *, base_url = CHECKAPI_URL.to_owned(), connect_timeout = None, total_timeout = None, max_retries = None, backoff_base = None, backoff_max = None, retry_after_cap = None, max_concurrent = None, poll_interval = None, poll_attempts = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        token: String,
        base_url: String,
        connect_timeout: Option<f64>,
        total_timeout: Option<f64>,
        max_retries: Option<u32>,
        backoff_base: Option<f64>,
        backoff_max: Option<f64>,
        retry_after_cap: Option<f64>,
        max_concurrent: Option<usize>,
        poll_interval: Option<f64>,
        poll_attempts: Option<u32>,
    ) -> PyResult<Self> {
        let c = config(
            connect_timeout,
            total_timeout,
            max_retries,
            backoff_base,
            backoff_max,
            retry_after_cap,
            max_concurrent,
            poll_interval,
            poll_attempts,
        )?;
        let built = detach_guarded(py, move || CheckApi::new(&base_url, Secret::new(token), c))?;
        Ok(Self(Arc::new(built.or_raise(py)?)))
    }
    /// `"checkapi"`.
    #[getter]
    fn name(&self) -> &'static str {
        self.0.name()
    }
    /// Asks the service about a receipt (`FiscalQr`, `Candidate` or QR string).
    fn verify(&self, py: Python<'_>, receipt: &Bound<'_, PyAny>) -> PyResult<PyVerifyResult> {
        verify_with(py, &self.0, receipt)
    }
    fn __repr__(&self) -> &'static str {
        "CheckApi(token=***)"
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyVerifyResult>()?;
    m.add_class::<PyFnsMobile>()?;
    m.add_class::<PyCheckApi>()?;
    m.add("FNS_MOBILE_URL", FNS_MOBILE_URL)?;
    m.add("CHECKAPI_URL", CHECKAPI_URL)?;
    Ok(())
}
