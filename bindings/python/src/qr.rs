//! The fiscal QR: `chek.parse_qr`, `chek.FiscalQr`, `chek.ReceiptId`, and `chek.validate` with
//! its `chek.Finding`s.

use chek::fiscal::{self, FiscalQr, ReceiptId, ValidationOptions};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::{When, any, dict, hints_dict, lang, local_or_now, py_repr, roubles};
use crate::errors::{self, OrRaise, Raise};
use crate::receipt::{PyCandidate, PyReceipt};

impl Raise for fiscal::QrError {
    type Exc = errors::QrError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        if let Some(field) = self.field() {
            d.set_item("field", field.key())?;
        }
        match self {
            fiscal::QrError::MalformedField { value, .. }
            | fiscal::QrError::OutOfRange { value, .. } => d.set_item("value", value)?,
            fiscal::QrError::TooLong { len } => d.set_item("len", len)?,
            _ => {}
        }
        Ok(d)
    }
}

/// The parsed fiscal QR of a Russian cash receipt (`t`, `s`, `fn`, `i`, `fp`, `n`).
///
/// `FiscalQr(text)` parses like `chek.parse_qr(text)`; `str(qr)` is the canonical form.
///
/// >>> qr = FiscalQr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1")
/// >>> qr.total_kopecks, qr.total
/// (128521, Decimal('1285.21'))
#[pyclass(frozen, eq, hash, module = "chek", name = "FiscalQr")]
#[derive(Clone, PartialEq, Hash)]
pub(crate) struct PyFiscalQr(pub(crate) FiscalQr);

#[pymethods]
impl PyFiscalQr {
    #[new]
    fn new(py: Python<'_>, text: &str) -> PyResult<Self> {
        FiscalQr::parse(text).or_raise(py).map(Self)
    }

    /// The cash register's local date and time (a naive `datetime.datetime`).
    #[getter]
    fn datetime(&self) -> NaiveDateTime {
        self.0.datetime
    }
    /// The total in kopecks.
    #[getter]
    fn total_kopecks(&self) -> i64 {
        self.0.total_kopecks
    }
    /// The total in roubles, as a `decimal.Decimal`.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        roubles(py, self.0.total_kopecks)
    }
    /// ФН: the fiscal drive serial (16 digits, as a string).
    #[getter(r#fn)]
    fn fn_number(&self) -> String {
        self.0.fn_number.to_string()
    }
    /// ФД: the fiscal document number.
    #[getter]
    fn fd(&self) -> u32 {
        self.0.fd
    }
    /// ФП: the fiscal sign.
    #[getter]
    fn fp(&self) -> u32 {
        self.0.fp
    }
    /// The operation type `n`: 1 sale, 2 sale refund, 3 expense, 4 expense refund.
    #[getter]
    fn operation(&self) -> u8 {
        self.0.operation.code()
    }
    /// Unknown keys of the QR, in order, as `(key, value)` pairs.
    #[getter]
    fn extra(&self) -> Vec<(String, String)> {
        self.0.extra.clone()
    }
    /// The receipt identity (ФН + ФД + ФП).
    #[getter]
    fn identity(&self) -> PyReceiptId {
        PyReceiptId(self.0.identity())
    }

    /// Parses a QR payload (the same as `FiscalQr(text)`); raises `chek.QrError`.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        Self::new(py, text)
    }

    /// The fields as a dict (`datetime` a `datetime.datetime`, money in kopecks).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        qr_dict(py, &self.0)
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "FiscalQr", "" => self.0.to_string())
    }
}

pub(crate) fn qr_dict<'py>(py: Python<'py>, qr: &FiscalQr) -> PyResult<Bound<'py, PyDict>> {
    dict(
        py,
        [
            ("datetime", any(py, iso(qr.datetime))?),
            ("total_kopecks", any(py, qr.total_kopecks)?),
            ("fn", any(py, qr.fn_number.to_string())?),
            ("fd", any(py, qr.fd)?),
            ("fp", any(py, qr.fp)?),
            ("operation", any(py, qr.operation.code())?),
            (
                "extra",
                any(
                    py,
                    qr.extra
                        .iter()
                        .map(|(k, v)| vec![k.clone(), v.clone()])
                        .collect::<Vec<_>>(),
                )?,
            ),
        ],
    )
}

/// A naive datetime as chek's JSON writes it (ISO 8601, `2024-09-17T18:01:00`).
pub(crate) fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

/// The identity of a receipt: ФН + ФД + ФП, written `fn:fd:fp`.
///
/// >>> ReceiptId("9251440300046840:29414:1250830908").fd
/// 29414
#[pyclass(frozen, eq, hash, ord, module = "chek", name = "ReceiptId")]
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PyReceiptId(pub(crate) ReceiptId);

#[pymethods]
impl PyReceiptId {
    /// Parses `fn:fd:fp`; raises `ValueError` otherwise.
    #[new]
    fn new(text: &str) -> PyResult<Self> {
        text.parse::<ReceiptId>()
            .map(Self)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
    /// ФН (16 digits, as a string).
    #[getter(r#fn)]
    fn fn_number(&self) -> String {
        self.0.fn_number.to_string()
    }
    /// ФД.
    #[getter]
    fn fd(&self) -> u32 {
        self.0.fd
    }
    /// ФП.
    #[getter]
    fn fp(&self) -> u32 {
        self.0.fp
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict(
            py,
            [
                ("fn", any(py, self.0.fn_number.to_string())?),
                ("fd", any(py, self.0.fd)?),
                ("fp", any(py, self.0.fp)?),
            ],
        )
    }
    fn __str__(&self) -> String {
        self.0.to_string()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "ReceiptId", "" => self.0.to_string())
    }
}

/// One finding of offline validation: data, not an error.
///
/// `.code` is stable (e.g. `"fiscal.date_in_future"`), `.severity` is `"error"` or `"warning"`,
/// `.hint` is Russian, `.hints` holds both languages.
#[pyclass(frozen, eq, hash, module = "chek", name = "Finding")]
#[derive(Clone, PartialEq, Hash)]
pub(crate) struct PyFinding(pub(crate) fiscal::Finding);

#[pymethods]
impl PyFinding {
    /// The stable code, e.g. `"fiscal.fd_zero"`.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code.as_str()
    }
    /// `"error"` or `"warning"`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }
    /// Whether the finding rejects the receipt (severity `"error"`).
    #[getter]
    fn is_error(&self) -> bool {
        self.0.severity == fiscal::Severity::Error
    }
    /// The hint in Russian.
    #[getter]
    fn hint(&self) -> &str {
        self.0.hint_in(chek::Lang::Ru)
    }
    /// The hint in both languages: `{"ru": ..., "en": ...}`.
    #[getter]
    fn hints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        hints_dict(py, &self.0.hint)
    }
    /// The hint in `lang` (`"ru"` or `"en"`).
    fn hint_in(&self, lang_: &str) -> PyResult<String> {
        Ok(self.0.hint_in(lang(lang_)?).to_owned())
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict(
            py,
            [
                ("code", any(py, self.code())?),
                ("severity", any(py, self.severity())?),
                ("hints", hints_dict(py, &self.0.hint)?.into_any()),
            ],
        )
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Finding", "code" => self.code(), "severity" => self.severity())
    }
}

pub(crate) fn findings<'py>(
    py: Python<'py>,
    list: Vec<fiscal::Finding>,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, list.into_iter().map(PyFinding))
}

/// Parses a fiscal QR payload in any form met in the wild (URL, percent-encoded, `&amp;`, any
/// key order); raises `chek.QrError` with `.code` and `.hint`.
///
/// >>> parse_qr("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1").fd
/// 29414
#[pyfunction]
fn parse_qr(py: Python<'_>, text: &str) -> PyResult<PyFiscalQr> {
    PyFiscalQr::new(py, text)
}

/// Validates a receipt offline: a `FiscalQr`, a `Receipt` (from ФНС JSON) or a `Candidate`.
///
/// Returns the findings (an empty list for a plausible receipt; only ФНС can say it is
/// genuine). `now` is the register's local time to compare with (default: `datetime.now()`,
/// or the wall clock in `tz`); a timezone-aware `now` is converted to `tz` (a `datetime.tzinfo`,
/// an IANA name, or a campaign's `Campaign.tz`), and without `tz` raises `chek.TimeZoneError`.
#[pyfunction]
#[pyo3(signature = (receipt, *, now = None, future_tolerance_minutes = None, earliest = None, max_plausible_kopecks = None, item_tolerance_kopecks = None, tz = None))]
#[allow(clippy::too_many_arguments)]
fn validate<'py>(
    py: Python<'py>,
    receipt: &Bound<'py, PyAny>,
    now: Option<When>,
    future_tolerance_minutes: Option<i64>,
    earliest: Option<chrono::NaiveDate>,
    max_plausible_kopecks: Option<i64>,
    item_tolerance_kopecks: Option<i64>,
    tz: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let mut opts = ValidationOptions::default();
    if let Some(v) = future_tolerance_minutes {
        opts.future_tolerance_minutes = v;
    }
    if let Some(v) = earliest {
        opts.earliest = v;
    }
    if let Some(v) = max_plausible_kopecks {
        opts.max_plausible_kopecks = v;
    }
    if let Some(v) = item_tolerance_kopecks {
        opts.item_tolerance_kopecks = v;
    }
    let now = local_or_now(py, now, tz)?;
    let list = if let Ok(qr) = receipt.cast::<PyFiscalQr>() {
        fiscal::validate_qr(&qr.get().0, now, &opts)
    } else if let Ok(r) = receipt.cast::<PyReceipt>() {
        fiscal::validate_receipt(&r.get().0, now, &opts)
    } else if let Ok(c) = receipt.cast::<PyCandidate>() {
        let c = &c.get().0;
        match &c.receipt {
            Some(r) => fiscal::validate_receipt(r, now, &opts),
            None => fiscal::validate_qr(&c.qr, now, &opts),
        }
    } else {
        return Err(PyTypeError::new_err(
            "validate() takes a FiscalQr, a Receipt or a Candidate",
        ));
    };
    findings(py, list)
}

/// Whether any finding is an error (the receipt is rejected).
#[pyfunction]
fn has_errors(findings: Vec<PyRef<'_, PyFinding>>) -> bool {
    findings
        .iter()
        .any(|f| f.0.severity == fiscal::Severity::Error)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFiscalQr>()?;
    m.add_class::<PyReceiptId>()?;
    m.add_class::<PyFinding>()?;
    m.add_function(wrap_pyfunction!(parse_qr, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(has_errors, m)?)?;
    Ok(())
}
