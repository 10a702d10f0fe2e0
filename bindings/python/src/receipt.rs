//! The receipt model: `chek.Receipt` (from ФНС JSON), `chek.Item`, `chek.Payments`, and
//! `chek.Candidate` (a receipt as submitted through any channel).

use chek::fiscal::{self, Candidate, Channel, Item, Payments, Receipt};
use chrono::NaiveDateTime;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use crate::convert::{json_dict, py_repr, roubles};
use crate::errors::{self, OrRaise, Raise};
use crate::qr::{PyFiscalQr, PyReceiptId, findings, qr_dict};

impl Raise for fiscal::ReceiptError {
    type Exc = errors::ReceiptError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        match self {
            fiscal::ReceiptError::MissingField(f) => d.set_item("field", *f)?,
            fiscal::ReceiptError::BadField { field, value } => {
                d.set_item("field", *field)?;
                d.set_item("value", value)?;
            }
            _ => {}
        }
        Ok(d)
    }
}

/// Text of a JSON argument: `str`, `bytes`/`bytearray` (UTF-8), or anything `json.dumps` takes
/// (a `dict` already parsed by the caller).
pub(crate) fn json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.extract::<String>();
    }
    let bytes = if let Ok(b) = obj.cast::<PyBytes>() {
        Some(b.as_bytes().to_vec())
    } else {
        obj.cast::<PyByteArray>().ok().map(|b| b.to_vec())
    };
    if let Some(b) = bytes {
        return String::from_utf8(b)
            .map_err(|_| PyValueError::new_err("the receipt JSON is not UTF-8"));
    }
    if obj.cast::<PyDict>().is_ok() || obj.cast::<PyList>().is_ok() {
        let dumps = obj.py().import("json")?.getattr("dumps")?;
        return dumps.call1((obj,))?.extract();
    }
    Err(PyTypeError::new_err(
        "expected the receipt JSON as str, bytes or a dict",
    ))
}

/// A full receipt, as returned by ФНС (the ФНС app or a proverkacheka-style service).
///
/// >>> r = Receipt.from_fns_json(open("ticket.json").read())  # doctest: +SKIP
/// >>> r.total, len(r.items)  # doctest: +SKIP
#[pyclass(frozen, eq, module = "chek", name = "Receipt")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyReceipt(pub(crate) Receipt);

#[pymethods]
impl PyReceipt {
    /// Reads a receipt from ФНС JSON (`str`, `bytes` or an already parsed `dict`): the ФНС
    /// app's ticket, a proverkacheka-style `{"code":1,"data":{"json":…}}`, or a bare receipt.
    /// Raises `chek.ReceiptError`.
    #[staticmethod]
    fn from_fns_json(py: Python<'_>, json: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(json)?;
        Receipt::from_fns_json(&text).or_raise(py).map(Self)
    }

    /// The register's local date and time.
    #[getter]
    fn datetime(&self) -> NaiveDateTime {
        self.0.datetime
    }
    /// The total, kopecks.
    #[getter]
    fn total_kopecks(&self) -> i64 {
        self.0.total_kopecks
    }
    /// The total in roubles (`decimal.Decimal`).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        roubles(py, self.0.total_kopecks)
    }
    /// ФН (16 digits).
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
    /// Operation type: 1 sale, 2 sale refund, 3 expense, 4 expense refund.
    #[getter]
    fn operation(&self) -> u8 {
        self.0.operation.code()
    }
    /// ФНС document code (3 receipt, 4 correction…), when given.
    #[getter]
    fn document_code(&self) -> Option<u16> {
        self.0.document_code
    }
    /// The seller's name.
    #[getter]
    fn seller(&self) -> Option<String> {
        self.0.seller.clone()
    }
    /// The seller's ИНН.
    #[getter]
    fn seller_inn(&self) -> Option<String> {
        self.0.seller_inn.clone()
    }
    /// РН ККТ.
    #[getter]
    fn kkt_reg_id(&self) -> Option<String> {
        self.0.kkt_reg_id.clone()
    }
    /// ЗН ККТ.
    #[getter]
    fn kkt_number(&self) -> Option<String> {
        self.0.kkt_number.clone()
    }
    /// The shop's name.
    #[getter]
    fn retail_place(&self) -> Option<String> {
        self.0.retail_place.clone()
    }
    /// The shop's address.
    #[getter]
    fn retail_place_address(&self) -> Option<String> {
        self.0.retail_place_address.clone()
    }
    /// Смена №.
    #[getter]
    fn shift_number(&self) -> Option<u32> {
        self.0.shift_number
    }
    /// Чек № within the shift.
    #[getter]
    fn request_number(&self) -> Option<u32> {
        self.0.request_number
    }
    /// ФФД version tag.
    #[getter]
    fn ffd_version(&self) -> Option<u8> {
        self.0.ffd_version
    }
    /// How it was paid.
    #[getter]
    fn payments(&self) -> PyPayments {
        PyPayments(self.0.payments)
    }
    /// The item lines.
    #[getter]
    fn items(&self) -> Vec<PyItem> {
        self.0.items.iter().cloned().map(PyItem).collect()
    }
    /// ФН + ФД + ФП.
    #[getter]
    fn identity(&self) -> PyReceiptId {
        PyReceiptId(self.0.identity())
    }
    /// The six QR fields of this receipt.
    fn to_qr(&self) -> PyFiscalQr {
        PyFiscalQr(self.0.to_qr())
    }
    /// Findings for every field that differs from `qr` (an empty list when they agree).
    fn matches_qr<'py>(&self, py: Python<'py>, qr: &PyFiscalQr) -> PyResult<Bound<'py, PyList>> {
        findings(py, fiscal::receipt_matches_qr(&self.0, &qr.0))
    }
    /// All fields as JSON-ready data (the keys of chek's JSON; `datetime` an ISO string).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Receipt",
            "id" => self.0.identity().to_string(),
            "datetime" => self.0.datetime,
            "total" => roubles(py, self.0.total_kopecks)?,
            "items" => self.0.items.len())
    }
}

/// One item line of a receipt.
#[pyclass(frozen, eq, module = "chek", name = "Item")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyItem(pub(crate) Item);

#[pymethods]
impl PyItem {
    /// The name as printed.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// Price per unit, kopecks.
    #[getter]
    fn price_kopecks(&self) -> i64 {
        self.0.price_kopecks
    }
    /// Price per unit, roubles (`decimal.Decimal`).
    #[getter]
    fn price<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        roubles(py, self.0.price_kopecks)
    }
    /// Quantity (pieces or kilograms).
    #[getter]
    fn quantity(&self) -> f64 {
        self.0.quantity
    }
    /// Sum of the line, kopecks.
    #[getter]
    fn sum_kopecks(&self) -> i64 {
        self.0.sum_kopecks
    }
    /// Sum of the line, roubles (`decimal.Decimal`).
    #[getter]
    fn sum<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        roubles(py, self.0.sum_kopecks)
    }
    /// НДС rate tag, when given.
    #[getter]
    fn vat_rate(&self) -> Option<u8> {
        self.0.vat_rate
    }
    /// Payment method tag, when given.
    #[getter]
    fn payment_type(&self) -> Option<u8> {
        self.0.payment_type
    }
    /// Product type tag, when given.
    #[getter]
    fn product_type(&self) -> Option<u8> {
        self.0.product_type
    }
    /// GTIN (barcode), when given.
    #[getter]
    fn gtin(&self) -> Option<String> {
        self.0.gtin.clone()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Item",
            "name" => self.0.name.as_str(),
            "quantity" => self.0.quantity,
            "sum" => roubles(py, self.0.sum_kopecks)?)
    }
}

/// How a receipt was paid, kopecks per means.
#[pyclass(frozen, eq, module = "chek", name = "Payments")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPayments(pub(crate) Payments);

#[pymethods]
impl PyPayments {
    /// Cash, kopecks.
    #[getter]
    fn cash(&self) -> i64 {
        self.0.cash
    }
    /// Card and other electronic means, kopecks.
    #[getter]
    fn ecash(&self) -> i64 {
        self.0.ecash
    }
    /// Prepayment set off, kopecks.
    #[getter]
    fn prepaid(&self) -> i64 {
        self.0.prepaid
    }
    /// Credit, kopecks.
    #[getter]
    fn credit(&self) -> i64 {
        self.0.credit
    }
    /// Counter-provision, kopecks.
    #[getter]
    fn provision(&self) -> i64 {
        self.0.provision
    }
    /// All means together, kopecks.
    #[getter]
    fn total(&self) -> i64 {
        self.0.total()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = &self.0;
        py_repr!(py, "Payments",
            "cash" => p.cash, "ecash" => p.ecash, "prepaid" => p.prepaid,
            "credit" => p.credit, "provision" => p.provision)
    }
}

pub(crate) fn channel_name(c: Channel) -> &'static str {
    c.as_str()
}

pub(crate) fn parse_channel(s: &str) -> PyResult<Channel> {
    match s {
        "qr" => Ok(Channel::Qr),
        "ocr" => Ok(Channel::Ocr),
        "manual" => Ok(Channel::Manual),
        _ => Err(PyValueError::new_err(format!(
            "unknown channel {s:?}: use \"qr\", \"ocr\" or \"manual\""
        ))),
    }
}

/// A receipt as submitted: the six QR fields from a channel (`"qr"`, `"ocr"` or `"manual"`),
/// plus the full `Receipt` once a verification service returned it.
///
/// `Candidate(qr, channel="qr", receipt=None)`.
#[pyclass(frozen, eq, module = "chek", name = "Candidate")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyCandidate(pub(crate) Candidate);

#[pymethods]
impl PyCandidate {
    /// From QR fields and a channel; with `receipt`, the verified receipt's fields are used.
    #[new]
    #[pyo3(signature = (qr, channel = "qr", receipt = None))]
    fn new(qr: &PyFiscalQr, channel: &str, receipt: Option<&PyReceipt>) -> PyResult<Self> {
        let channel = parse_channel(channel)?;
        Ok(Self(match receipt {
            Some(r) => Candidate::verified(r.0.clone(), channel),
            None => Candidate::new(qr.0.clone(), channel),
        }))
    }
    /// The six QR fields.
    #[getter]
    fn qr(&self) -> PyFiscalQr {
        PyFiscalQr(self.0.qr.clone())
    }
    /// `"qr"`, `"ocr"` or `"manual"`.
    #[getter]
    fn channel(&self) -> &'static str {
        channel_name(self.0.channel)
    }
    /// The verified receipt, if any.
    #[getter]
    fn receipt(&self) -> Option<PyReceipt> {
        self.0.receipt.clone().map(PyReceipt)
    }
    /// ФН + ФД + ФП.
    #[getter]
    fn identity(&self) -> PyReceiptId {
        PyReceiptId(self.0.identity())
    }
    /// The total, kopecks.
    #[getter]
    fn total_kopecks(&self) -> i64 {
        self.0.total_kopecks()
    }
    /// The total, roubles (`decimal.Decimal`).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        roubles(py, self.0.total_kopecks())
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("qr", qr_dict(py, &self.0.qr)?)?;
        d.set_item("channel", self.channel())?;
        match &self.0.receipt {
            Some(r) => d.set_item("receipt", json_dict(py, r)?)?,
            None => d.set_item("receipt", py.None())?,
        }
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Candidate",
            "qr" => self.0.qr.to_string(),
            "channel" => self.channel(),
            "verified" => self.0.receipt.is_some())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReceipt>()?;
    m.add_class::<PyItem>()?;
    m.add_class::<PyPayments>()?;
    m.add_class::<PyCandidate>()?;
    Ok(())
}
