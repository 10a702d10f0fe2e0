//! Receipts from printed text: `chek.parse_text` (OCR output) and `chek.parse_manual` (what a
//! shopper typed), both giving a `chek.TextReading`.

use chek::text::{self, FieldProblem, Found, TextField, TextItem, TextReading};
use chek::{Coded, Hint};
use chrono::NaiveDateTime;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{any, hints_dict, json_dict, py_repr, repr_of, roubles};
use crate::errors::{self, OrRaise, Raise};
use crate::qr::PyFiscalQr;
use crate::receipt::{PyCandidate, channel_name};

impl Raise for text::TextError {
    type Exc = errors::TextError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        match self {
            text::TextError::Incomplete { missing } => {
                d.set_item("missing", keys(missing))?;
            }
            text::TextError::TooLong { len } => d.set_item("len", len)?,
            _ => {}
        }
        Ok(d)
    }
}

fn keys(fields: &[TextField]) -> Vec<&'static str> {
    fields.iter().map(|f| f.key()).collect()
}

/// The value of a field read from text, in its Python shape.
#[derive(Clone, PartialEq, IntoPyObject)]
enum Value {
    DateTime(NaiveDateTime),
    Int(i64),
    Str(String),
}

/// One field read from text: its value, where it was (`line`, 0-based; `span`, a byte range of
/// the UTF-8 input), how sure the reading is (`confidence`, 0..1) and what was repaired.
#[pyclass(frozen, eq, module = "chek", name = "FoundField")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyFoundField {
    field: &'static str,
    value: Value,
    line: usize,
    span: (usize, usize),
    confidence: f32,
    repairs: Vec<String>,
    doubtful: bool,
}

fn found<T>(field: TextField, f: &Found<T>, value: impl FnOnce(&T) -> Value) -> PyFoundField {
    PyFoundField {
        field: field.key(),
        value: value(&f.value),
        line: f.line,
        span: (f.span.start, f.span.end),
        confidence: f.confidence,
        repairs: f
            .repairs
            .iter()
            .filter_map(|r| serde_json::to_value(r).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        doubtful: f.is_doubtful(),
    }
}

#[pymethods]
impl PyFoundField {
    /// The field's key: `"datetime"`, `"total_kopecks"`, `"fn"`, `"fd"`, `"fp"`, `"operation"`,
    /// `"inn"`, `"rnm"`, `"zn"`, `"shift"` or `"receipt_number"`.
    #[getter]
    fn field(&self) -> &'static str {
        self.field
    }
    /// The value (`datetime.datetime`, `int` — kopecks for the total, the code for the
    /// operation — or `str` for ФН, ИНН, РН, ЗН).
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value.clone().into_pyobject(py)
    }
    /// The 0-based line the value starts on.
    #[getter]
    fn line(&self) -> usize {
        self.line
    }
    /// `(start, end)` byte offsets of the value in the UTF-8 input.
    #[getter]
    fn span(&self) -> (usize, usize) {
        self.span
    }
    /// How sure the reading is, 0..1.
    #[getter]
    fn confidence(&self) -> f32 {
        self.confidence
    }
    /// What was repaired to read it (`"letter_as_digit"`, `"joined"`, `"check_digit"`…).
    #[getter]
    fn repairs(&self) -> Vec<String> {
        self.repairs.clone()
    }
    /// Whether the reading is too unsure to accept without asking the shopper.
    #[getter]
    fn doubtful(&self) -> bool {
        self.doubtful
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("field", self.field)?;
        match &self.value {
            Value::DateTime(t) => d.set_item("value", crate::qr::iso(*t))?,
            v => d.set_item("value", v.clone())?,
        }
        d.set_item("line", self.line)?;
        d.set_item("span", vec![self.span.0, self.span.1])?;
        d.set_item("confidence", self.confidence)?;
        d.set_item("repairs", self.repairs.clone())?;
        d.set_item("doubtful", self.doubtful)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "FoundField",
            "field" => self.field,
            "value" => self.value(py)?,
            "confidence" => (f64::from(self.confidence) * 100.0).round() / 100.0)
    }
}

/// Why a field needs attention: `.kind` is `"missing"`, `"unreadable"` or `"doubtful"`,
/// `.code` is `"text.field_<kind>"`, `.hint`/`.hints` say what to look for on the receipt.
#[pyclass(frozen, eq, hash, module = "chek", name = "FieldProblem")]
#[derive(Clone, PartialEq, Hash)]
pub(crate) struct PyFieldProblem(FieldProblem);

#[pymethods]
impl PyFieldProblem {
    /// `"missing"`, `"unreadable"` or `"doubtful"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.0 {
            FieldProblem::Missing(_) => "missing",
            FieldProblem::Unreadable(_) => "unreadable",
            _ => "doubtful",
        }
    }
    /// The field's key (see `FoundField.field`).
    #[getter]
    fn field(&self) -> &'static str {
        self.0.field().key()
    }
    /// The stable code, e.g. `"text.field_missing"`.
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
        d.set_item("kind", self.kind())?;
        d.set_item("field", self.field())?;
        d.set_item("code", self.code())?;
        d.set_item("hints", self.hints(py)?)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "FieldProblem", "kind" => self.kind(), "field" => self.field())
    }
}

/// An item line read from text: name, quantity × price = sum.
#[pyclass(frozen, eq, module = "chek", name = "TextItem")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyTextItem(TextItem);

#[pymethods]
impl PyTextItem {
    /// The name as printed (OCR damage and all).
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// Quantity.
    #[getter]
    fn quantity(&self) -> f64 {
        self.0.quantity
    }
    /// Price per unit, kopecks.
    #[getter]
    fn price_kopecks(&self) -> i64 {
        self.0.price_kopecks
    }
    /// Sum, kopecks.
    #[getter]
    fn sum_kopecks(&self) -> i64 {
        self.0.sum_kopecks
    }
    /// Sum, roubles (`decimal.Decimal`).
    #[getter]
    fn sum<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        roubles(py, self.0.sum_kopecks)
    }
    /// The 0-based line of the numbers.
    #[getter]
    fn line(&self) -> usize {
        self.0.line
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "TextItem",
            "name" => self.0.name.as_str(),
            "quantity" => self.0.quantity,
            "sum" => roubles(py, self.0.sum_kopecks)?)
    }
}

/// Every field found in a receipt text or a manual entry.
///
/// Plain values are attributes (`fn`, `fd`, `fp`, `datetime`, `total_kopecks`…, `None` when not
/// found); `field(name)` gives where each came from and how sure it is; `problems` lists the
/// fields that need the shopper's attention; `to_qr()` / `to_candidate()` raise
/// `chek.TextError` while any of the six QR fields is missing.
///
/// >>> r = parse_manual("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00")
/// >>> r.complete, r.total_kopecks
/// (True, 150000)
#[pyclass(frozen, eq, module = "chek", name = "TextReading")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyTextReading(pub(crate) TextReading);

impl PyTextReading {
    fn found(&self, field: TextField) -> Option<PyFoundField> {
        let r = &self.0;
        let int = |v: i64| Value::Int(v);
        match field {
            TextField::DateTime => r
                .datetime
                .as_ref()
                .map(|f| found(field, f, |v| Value::DateTime(*v))),
            TextField::Total => r
                .total_kopecks
                .as_ref()
                .map(|f| found(field, f, |v| int(*v))),
            TextField::Fn => r
                .fn_number
                .as_ref()
                .map(|f| found(field, f, |v| Value::Str(v.to_string()))),
            TextField::Fd => {
                r.fd.as_ref()
                    .map(|f| found(field, f, |v| int(i64::from(*v))))
            }
            TextField::Fp => {
                r.fp.as_ref()
                    .map(|f| found(field, f, |v| int(i64::from(*v))))
            }
            TextField::Operation => r
                .operation
                .as_ref()
                .map(|f| found(field, f, |v| int(i64::from(v.code())))),
            TextField::Inn => r
                .inn
                .as_ref()
                .map(|f| found(field, f, |v| Value::Str(v.clone()))),
            TextField::Rnm => r
                .rnm
                .as_ref()
                .map(|f| found(field, f, |v| Value::Str(v.clone()))),
            TextField::Zn => {
                r.zn.as_ref()
                    .map(|f| found(field, f, |v| Value::Str(v.clone())))
            }
            TextField::Shift => r
                .shift
                .as_ref()
                .map(|f| found(field, f, |v| int(i64::from(*v)))),
            TextField::ReceiptNumber => r
                .receipt_number
                .as_ref()
                .map(|f| found(field, f, |v| int(i64::from(*v)))),
            _ => None,
        }
    }

    fn value<'py>(&self, py: Python<'py>, field: TextField) -> PyResult<Bound<'py, PyAny>> {
        match self.found(field) {
            Some(f) => f.value(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl PyTextReading {
    pub(crate) fn to_dict_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.to_dict(py)
    }

    pub(crate) fn missing_keys(&self) -> Vec<&'static str> {
        self.missing()
    }
}

#[pymethods]
impl PyTextReading {
    /// `"ocr"` (from `parse_text`) or `"manual"` (from `parse_manual`).
    #[getter]
    fn channel(&self) -> &'static str {
        channel_name(self.0.channel)
    }
    /// Date and time (naive `datetime.datetime`), or `None`.
    #[getter]
    fn datetime<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::DateTime)
    }
    /// ИТОГ in kopecks, or `None`.
    #[getter]
    fn total_kopecks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Total)
    }
    /// ИТОГ in roubles (`decimal.Decimal`), or `None`.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .total_kopecks
            .as_ref()
            .map(|f| roubles(py, f.value))
            .transpose()
    }
    /// ФН (16 digits), or `None`.
    #[getter(r#fn)]
    fn fn_number<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Fn)
    }
    /// ФД, or `None`.
    #[getter]
    fn fd<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Fd)
    }
    /// ФП / ФПД, or `None`.
    #[getter]
    fn fp<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Fp)
    }
    /// Operation code (1 sale…), or `None`.
    #[getter]
    fn operation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Operation)
    }
    /// The seller's ИНН, or `None`.
    #[getter]
    fn inn<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Inn)
    }
    /// РН ККТ, or `None`.
    #[getter]
    fn rnm<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Rnm)
    }
    /// ЗН ККТ, or `None`.
    #[getter]
    fn zn<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Zn)
    }
    /// Смена №, or `None`.
    #[getter]
    fn shift<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::Shift)
    }
    /// Чек №, or `None`.
    #[getter]
    fn receipt_number<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.value(py, TextField::ReceiptNumber)
    }
    /// Where a field came from and how sure the reading is, or `None` if it was not found.
    /// `name` is a field key (`"fn"`, `"total_kopecks"`, `"datetime"`…).
    fn field(&self, name: &str) -> PyResult<Option<PyFoundField>> {
        let f = TextField::ALL
            .iter()
            .find(|f| f.key() == name)
            .ok_or_else(|| {
                pyo3::exceptions::PyKeyError::new_err(format!(
                    "no field {name:?}: use one of {}",
                    keys(&TextField::ALL).join(", ")
                ))
            })?;
        Ok(self.found(*f))
    }
    /// Every field found, in display order.
    #[getter]
    fn fields(&self) -> Vec<PyFoundField> {
        TextField::ALL
            .iter()
            .filter_map(|f| self.found(*f))
            .collect()
    }
    /// The item lines read.
    #[getter]
    fn items(&self) -> Vec<PyTextItem> {
        self.0.items.iter().cloned().map(PyTextItem).collect()
    }
    /// Keys of the six QR fields not found (or unreadable).
    #[getter]
    fn missing(&self) -> Vec<&'static str> {
        keys(&self.0.missing())
    }
    /// Keys of the fields whose label was found but whose value was damaged.
    #[getter]
    fn unreadable(&self) -> Vec<&'static str> {
        keys(&self.0.unreadable)
    }
    /// Whether all six QR fields were read (then `to_qr()` succeeds).
    #[getter]
    fn complete(&self) -> bool {
        self.0.missing().is_empty() && self.0.refused.is_none()
    }
    /// `"empty"` or `"too_long"` when the input was refused whole, else `None`.
    #[getter]
    fn refused(&self) -> Option<&'static str> {
        self.0.refused.map(|r| match r {
            text::Refusal::Empty => "empty",
            _ => "too_long",
        })
    }
    /// The fields that need attention (missing, unreadable, doubtful), each with a hint.
    #[getter]
    fn problems(&self) -> Vec<PyFieldProblem> {
        self.0.problems().into_iter().map(PyFieldProblem).collect()
    }
    /// The six QR fields; raises `chek.TextError` (code `text.incomplete`, `.details["missing"]`).
    fn to_qr(&self, py: Python<'_>) -> PyResult<PyFiscalQr> {
        self.0.to_qr().or_raise(py).map(PyFiscalQr)
    }
    /// A `Candidate` with channel `"ocr"` or `"manual"`; raises `chek.TextError`.
    fn to_candidate(&self, py: Python<'_>) -> PyResult<PyCandidate> {
        self.0.to_candidate().or_raise(py).map(PyCandidate)
    }
    /// All fields as JSON-ready data (chek's JSON shape, values with their positions; the date
    /// as an ISO string).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut fields = vec![("channel", any(py, self.channel())?)];
        for f in TextField::REQUIRED.iter().filter_map(|f| self.found(*f)) {
            fields.push((f.field, f.value(py)?));
        }
        fields.push(("missing", any(py, self.missing())?));
        repr_of("TextReading", &fields)
    }
}

/// Reads the fiscal fields (ИТОГ, ФН, ФД, ФП, date, operation…) and item lines from a receipt's
/// printed text, e.g. OCR output. Never raises: see `.missing` and `.problems`.
#[pyfunction]
fn parse_text(text: &str) -> PyTextReading {
    PyTextReading(text::parse_receipt_text(text))
}

/// Reads what a shopper typed by hand (`"фн 9289… фд 12345 фп 1234567890 15.03.21 12:34
/// 1500,00"`, labels in any order, Latin or Cyrillic). Never raises: see `.missing`.
#[pyfunction]
fn parse_manual(text: &str) -> PyTextReading {
    PyTextReading(text::parse_manual_entry(text))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTextReading>()?;
    m.add_class::<PyFoundField>()?;
    m.add_class::<PyFieldProblem>()?;
    m.add_class::<PyTextItem>()?;
    m.add_function(wrap_pyfunction!(parse_text, m)?)?;
    m.add_function(wrap_pyfunction!(parse_manual, m)?)?;
    Ok(())
}
