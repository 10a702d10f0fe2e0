//! SMS length and segments, counted as gateways count them: `chek.measure_sms`,
//! `chek.split_sms` and `chek.SmsLength`.

use chek::sms::{self, SmsLength};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{py_repr, serde_dict};

/// The measured length of one SMS: `.encoding` (`"gsm7"` or `"ucs2"`), `.units` (septets or
/// UTF-16 units), `.chars`, `.segments` (what a gateway sends and bills), `.per_segment`,
/// `.free_in_last`.
///
/// >>> measure_sms("ж" * 71).segments
/// 2
#[pyclass(frozen, eq, module = "chek", name = "SmsLength")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySmsLength(SmsLength);

#[pymethods]
impl PySmsLength {
    /// `"gsm7"` or `"ucs2"` (any Cyrillic letter, `«»`, `№`, `₽` or emoji forces UCS-2).
    #[getter]
    fn encoding(&self) -> &'static str {
        self.0.encoding.as_str()
    }
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    #[getter]
    fn units(&self) -> usize {
        self.0.units
    }
    /// Unicode characters.
    #[getter]
    fn chars(&self) -> usize {
        self.0.chars
    }
    /// Segments sent and billed (0 for an empty message).
    #[getter]
    fn segments(&self) -> usize {
        self.0.segments
    }
    /// Capacity of each segment at this length.
    #[getter]
    fn per_segment(&self) -> usize {
        self.0.per_segment
    }
    /// Units still free in the last segment.
    #[getter]
    fn free_in_last(&self) -> usize {
        self.0.free_in_last
    }
    /// Whether it goes out as one SMS.
    #[getter]
    fn fits_one(&self) -> bool {
        self.0.fits_one()
    }
    /// The cost at a price per segment, kopecks.
    fn cost_kopecks(&self, price_per_segment: i64) -> i64 {
        self.0.cost_kopecks(price_per_segment)
    }
    /// At least how many units to cut to send one segment fewer, or `None`.
    fn to_save_segment(&self) -> Option<usize> {
        self.0.to_save_segment()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, &self.0, &[])
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "SmsLength",
            "encoding" => self.encoding(),
            "units" => self.0.units,
            "segments" => self.0.segments)
    }
}

/// Measures an SMS: encoding, units, segments.
#[pyfunction]
fn measure_sms(text: &str) -> PySmsLength {
    PySmsLength(sms::measure(text))
}

/// Cuts an SMS into the segments a gateway sends, never splitting a surrogate pair or a GSM-7
/// escape pair; `"".join(parts) == text`.
#[pyfunction]
fn split_sms(text: &str) -> Vec<String> {
    sms::split(text).into_iter().map(str::to_owned).collect()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySmsLength>()?;
    m.add_function(wrap_pyfunction!(measure_sms, m)?)?;
    m.add_function(wrap_pyfunction!(split_sms, m)?)?;
    Ok(())
}
