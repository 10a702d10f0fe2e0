//! Reading the fiscal QR from a photo: `chek.scan` (GIL released while decoding), its
//! `chek.ScanResult` and `chek.Diagnostic`s, and server-side OCR (`chek.ocr`, Tesseract).

use std::path::PathBuf;
use std::time::Duration;

use chek::scan::ocr::{self as cocr, OcrOptions};
use chek::scan::{self as cs, Diagnostic, ScanOptions, ScanOutcome};
use chek::{Coded, Hint};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView};

use crate::convert::{hints_dict, py_repr};
use crate::errors::{self, OrRaise, Raise, detach_guarded};
use crate::qr::{PyFiscalQr, qr_dict};
use crate::text::PyTextReading;

impl Raise for cs::ScanError {
    type Exc = errors::ScanError;
}

impl Raise for cocr::OcrError {
    type Exc = errors::ScanError;
}

/// The photo argument: bytes-like (`bytes`, `bytearray`, `memoryview`) or a path
/// (`str` / `os.PathLike`), read later with the GIL released.
pub(crate) enum Photo {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

impl Photo {
    pub(crate) fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Photo::Bytes(b.as_bytes().to_vec()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Photo::Bytes(b.to_vec()));
        }
        if obj.cast::<PyMemoryView>().is_ok() {
            let b = obj.call_method0("tobytes")?;
            return Ok(Photo::Bytes(b.cast::<PyBytes>()?.as_bytes().to_vec()));
        }
        let os = obj.py().import("os")?;
        match os.call_method1("fspath", (obj,)) {
            Ok(p) => {
                if p.cast::<PyBytes>().is_ok() {
                    let p = os.call_method1("fsdecode", (p,))?;
                    return Ok(Photo::Path(p.extract()?));
                }
                Ok(Photo::Path(p.extract()?))
            }
            Err(_) => Err(PyTypeError::new_err(
                "expected the photo as bytes, bytearray, memoryview, or a path (str / os.PathLike)",
            )),
        }
    }

    /// The bytes, reading the file if needed (called with the GIL released). A file larger
    /// than `max_bytes` is not read whole: the scan's own limit reports it.
    pub(crate) fn bytes(self, max_bytes: usize) -> Result<Vec<u8>, std::io::Error> {
        match self {
            Photo::Bytes(b) => Ok(b),
            Photo::Path(p) => {
                use std::io::Read;
                let mut out = Vec::new();
                std::fs::File::open(p)?
                    .take(max_bytes.saturating_add(1) as u64)
                    .read_to_end(&mut out)?;
                Ok(out)
            }
        }
    }
}

fn io_err(e: std::io::Error) -> PyErr {
    PyErr::from(e)
}

fn duration(seconds: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        PyValueError::new_err(format!("{what} must be a non-negative number of seconds"))
    })
}

/// Why a photo gave no fiscal QR, with what the shopper can do: `.code` (e.g.
/// `"scan.blurry"`), `.hint` (Russian), `.hints`.
#[pyclass(frozen, eq, module = "chek", name = "Diagnostic")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDiagnostic(Diagnostic);

#[pymethods]
impl PyDiagnostic {
    /// The stable code, e.g. `"scan.no_qr"`, `"scan.blurry"`, or a `qr.*` code when a broken
    /// fiscal QR was read.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code()
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
        d.set_item("code", self.code())?;
        d.set_item("hints", self.hints(py)?)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Diagnostic", "code" => self.code())
    }
}

/// The result of scanning one photo: `.fiscal` (a `FiscalQr`) when the receipt's QR was read,
/// otherwise `.diagnostics` say why not, most useful first.
#[pyclass(frozen, eq, module = "chek", name = "ScanResult")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyScanResult(ScanOutcome);

#[pymethods]
impl PyScanResult {
    /// The fiscal QR, or `None`.
    #[getter]
    fn fiscal(&self) -> Option<PyFiscalQr> {
        self.0.fiscal.clone().map(PyFiscalQr)
    }
    /// Whether a fiscal QR was read.
    #[getter]
    fn ok(&self) -> bool {
        self.0.fiscal.is_some()
    }
    /// The fiscal QR's text exactly as decoded, or `None`.
    #[getter]
    fn text(&self) -> Option<String> {
        self.0.fiscal_text.clone()
    }
    /// Texts of the other QR codes in the photo (a shop's promo code…).
    #[getter]
    fn others(&self) -> Vec<String> {
        self.0.others.clone()
    }
    /// Why no fiscal QR was read (empty when one was).
    #[getter]
    fn diagnostics(&self) -> Vec<PyDiagnostic> {
        self.0
            .diagnostics
            .iter()
            .cloned()
            .map(PyDiagnostic)
            .collect()
    }
    /// Width of the decoded picture, pixels.
    #[getter]
    fn width(&self) -> u32 {
        self.0.width
    }
    /// Height of the decoded picture, pixels.
    #[getter]
    fn height(&self) -> u32 {
        self.0.height
    }
    /// The preprocessing pass that read the fiscal QR, or `None`.
    #[getter]
    fn pass_name(&self) -> Option<&'static str> {
        self.0.pass
    }
    /// The preprocessing passes that ran, in order.
    #[getter]
    fn tried(&self) -> Vec<&'static str> {
        self.0.tried.clone()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        match &self.0.fiscal {
            Some(q) => d.set_item("fiscal", qr_dict(py, q)?)?,
            None => d.set_item("fiscal", py.None())?,
        }
        d.set_item("text", self.text())?;
        d.set_item("others", self.others())?;
        let diags = self
            .diagnostics()
            .iter()
            .map(|x| x.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("diagnostics", diags)?;
        d.set_item("width", self.0.width)?;
        d.set_item("height", self.0.height)?;
        d.set_item("pass_name", self.0.pass)?;
        d.set_item("tried", self.tried())?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        match &self.0.fiscal {
            Some(q) => py_repr!(py, "ScanResult", "fiscal" => q.to_string()),
            None => py_repr!(py, "ScanResult",
                "fiscal" => py.None(),
                "diagnostics" => self.0.diagnostics.iter().map(|d| d.code()).collect::<Vec<_>>()),
        }
    }
}

/// Scans a receipt photo (JPEG, PNG or WebP: `bytes`, `bytearray`, `memoryview`, or a path)
/// for its fiscal QR. The GIL is released while the file is read and decoded, so threads scan
/// in parallel.
///
/// Raises `chek.ScanError` for bytes that are not a usable image (`scan.empty`,
/// `scan.unsupported_format`, `scan.too_many_pixels`…); a photo without a readable QR is a
/// `ScanResult` with `.diagnostics`. Options: `max_bytes`, `max_pixels`, `max_side`, `budget`
/// (seconds), `diagnose`, `stop_at_any_code`.
#[pyfunction]
#[pyo3(signature = (photo, *, max_bytes = None, max_pixels = None, max_side = None, budget = None, diagnose = true, stop_at_any_code = false))]
#[allow(clippy::too_many_arguments)]
fn scan(
    py: Python<'_>,
    photo: &Bound<'_, PyAny>,
    max_bytes: Option<usize>,
    max_pixels: Option<u64>,
    max_side: Option<u32>,
    budget: Option<f64>,
    diagnose: bool,
    stop_at_any_code: bool,
) -> PyResult<PyScanResult> {
    let photo = Photo::from_py(photo)?;
    let mut opts = ScanOptions {
        diagnose,
        stop_at_any_code,
        ..ScanOptions::default()
    };
    if let Some(v) = max_bytes {
        opts.max_bytes = v;
    }
    if let Some(v) = max_pixels {
        opts.max_pixels = v;
    }
    if let Some(v) = max_side {
        opts.max_side = v;
    }
    if let Some(v) = budget {
        opts.budget = duration(v, "budget")?;
    }
    let result = detach_guarded(py, move || {
        photo
            .bytes(opts.max_bytes)
            .map(|bytes| cs::scan(&bytes, &opts))
    })?;
    result.map_err(io_err)?.or_raise(py).map(PyScanResult)
}

/// Text read off a receipt photo by Tesseract, parsed: `.reading` (a `TextReading`), `.text`
/// (Tesseract's raw output) and `.elapsed` (seconds).
#[pyclass(frozen, eq, module = "chek", name = "OcrResult")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyOcrResult {
    reading: PyTextReading,
    text: String,
    elapsed: f64,
}

#[pymethods]
impl PyOcrResult {
    /// The fields read (channel `"ocr"`).
    #[getter]
    fn reading(&self) -> PyTextReading {
        self.reading.clone()
    }
    /// Tesseract's raw text.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }
    /// Seconds Tesseract took.
    #[getter]
    fn elapsed(&self) -> f64 {
        self.elapsed
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("reading", self.reading.to_dict_py(py)?)?;
        d.set_item("text", &self.text)?;
        d.set_item("elapsed", self.elapsed)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "OcrResult",
            "missing" => self.reading.missing_keys(),
            "elapsed" => (self.elapsed * 100.0).round() / 100.0)
    }
}

/// Reads a receipt photo's printed text with Tesseract (server-side OCR, for receipts whose QR
/// is gone) and parses it. Needs the `tesseract` executable with Russian data; without it,
/// raises `chek.ScanError` with code `scan.ocr_unavailable`. The GIL is released meanwhile.
#[pyfunction]
#[pyo3(signature = (photo, *, tesseract = None, languages = None, psm = None, timeout = None))]
fn ocr(
    py: Python<'_>,
    photo: &Bound<'_, PyAny>,
    tesseract: Option<PathBuf>,
    languages: Option<String>,
    psm: Option<u8>,
    timeout: Option<f64>,
) -> PyResult<PyOcrResult> {
    let photo = Photo::from_py(photo)?;
    let mut opts = OcrOptions::default();
    if let Some(v) = tesseract {
        opts.tesseract = v;
    }
    if let Some(v) = languages {
        opts.languages = v;
    }
    if let Some(v) = psm {
        opts.psm = v;
    }
    if let Some(v) = timeout {
        opts.timeout = duration(v, "timeout")?;
    }
    let result = detach_guarded(py, move || {
        photo
            .bytes(opts.limits.max_bytes)
            .map(|bytes| cocr::ocr_receipt(&bytes, &opts))
    })?;
    let r = result.map_err(io_err)?.or_raise(py)?;
    Ok(PyOcrResult {
        reading: PyTextReading(r.reading),
        text: r.text,
        elapsed: r.elapsed.as_secs_f64(),
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScanResult>()?;
    m.add_class::<PyDiagnostic>()?;
    m.add_class::<PyOcrResult>()?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(ocr, m)?)?;
    Ok(())
}
