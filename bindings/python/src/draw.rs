//! Verifiable prize draws (`chek-draw-v1`): `chek.draw`, `chek.verify_draw`,
//! `chek.seed_commitment`, `chek.lots_hash`, `chek.parse_lots`, and `chek.DrawResult`.

use chek::draw::{self, DrawEntry, DrawResult, Winner};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::{json_dict, py_repr};
use crate::errors::{self, OrRaise, Raise, detach_guarded};
use crate::receipt::json_text;

impl Raise for draw::DrawError {
    type Exc = errors::DrawError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        if let draw::DrawError::Mismatch {
            what,
            found,
            expected,
        } = self
        {
            d.set_item("what", *what)?;
            d.set_item("found", found)?;
            d.set_item("expected", expected)?;
        }
        Ok(d)
    }
}

/// A lots list: `{"participant": lots}`, a sequence of `(participant, lots)` pairs, or the
/// text of a lots file (JSON array or CSV `participant,lots`).
fn entries_of(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<DrawEntry>> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text: String = s.extract()?;
        return draw::parse_lots(&text).or_raise(py);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return d
            .iter()
            .map(|(k, v)| {
                Ok(DrawEntry {
                    participant: k.extract()?,
                    lots: v.extract()?,
                })
            })
            .collect();
    }
    let mut out = Vec::new();
    for item in obj.try_iter().map_err(|_| {
        PyTypeError::new_err(
            "lots must be a dict, (participant, lots) pairs, or a lots file's text",
        )
    })? {
        let (participant, lots): (String, u64) = item?.extract()?;
        out.push(DrawEntry { participant, lots });
    }
    Ok(out)
}

/// Seeds and beacons: `bytes` as they are, `str` as hex (the published form).
fn bytes_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    let s: String = obj
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be bytes or a hex str")))?;
    draw::from_hex(&s).ok_or_else(|| PyValueError::new_err(format!("{what} is not hex")))
}

/// One prize and who won it: `.prize` (from 1), `.participant`, `.lots`, `.ticket`.
#[pyclass(frozen, eq, hash, module = "chek", name = "Winner")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyWinner(WinnerKey);

#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct WinnerKey {
    prize: u32,
    participant: String,
    lots: u64,
    ticket: u64,
}

impl From<&Winner> for PyWinner {
    fn from(w: &Winner) -> Self {
        PyWinner(WinnerKey {
            prize: w.prize,
            participant: w.participant.clone(),
            lots: w.lots,
            ticket: w.ticket,
        })
    }
}

#[pymethods]
impl PyWinner {
    /// Prize number, from 1.
    #[getter]
    fn prize(&self) -> u32 {
        self.0.prize
    }
    /// The winner's id.
    #[getter]
    fn participant(&self) -> &str {
        &self.0.participant
    }
    /// Their lots.
    #[getter]
    fn lots(&self) -> u64 {
        self.0.lots
    }
    /// The ticket drawn.
    #[getter]
    fn ticket(&self) -> u64 {
        self.0.ticket
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("prize", self.0.prize)?;
        d.set_item("participant", &self.0.participant)?;
        d.set_item("lots", self.0.lots)?;
        d.set_item("ticket", self.0.ticket)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Winner",
            "prize" => self.0.prize,
            "participant" => self.0.participant.as_str(),
            "lots" => self.0.lots,
            "ticket" => self.0.ticket)
    }
}

/// Everything published after a draw; `chek.verify_draw(result, lots)` re-runs it.
#[pyclass(frozen, eq, module = "chek", name = "DrawResult")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDrawResult(pub(crate) DrawResult);

#[pymethods]
impl PyDrawResult {
    /// Reads a published result (`str`, `bytes` or `dict`, the JSON `chek draw` writes).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(json)?;
        serde_json::from_str(&text)
            .map(Self)
            .map_err(|e| PyValueError::new_err(format!("not a draw result: {e}")))
    }
    /// Always `"chek-draw-v1"`.
    #[getter]
    fn algorithm(&self) -> &str {
        &self.0.algorithm
    }
    /// SHA-256 of the seed, hex (published before the draw).
    #[getter]
    fn seed_commitment(&self) -> &str {
        &self.0.seed_commitment
    }
    /// SHA-256 of the canonical lots list, hex.
    #[getter]
    fn lots_hash(&self) -> &str {
        &self.0.lots_hash
    }
    /// SHA-256 of the sorted excluded ids, hex.
    #[getter]
    fn exclusions_hash(&self) -> &str {
        &self.0.exclusions_hash
    }
    /// The revealed seed, hex.
    #[getter]
    fn seed(&self) -> &str {
        &self.0.seed
    }
    /// The public beacon value, hex.
    #[getter]
    fn beacon(&self) -> &str {
        &self.0.beacon
    }
    /// Prizes asked for.
    #[getter]
    fn prizes(&self) -> u32 {
        self.0.prizes
    }
    /// Excluded participants, sorted.
    #[getter]
    fn excluded(&self) -> Vec<String> {
        self.0.excluded.clone()
    }
    /// Entries in the list.
    #[getter]
    fn entries(&self) -> usize {
        self.0.entries
    }
    /// Lots in the draw after exclusions.
    #[getter]
    fn total_lots(&self) -> u64 {
        self.0.total_lots
    }
    /// Winners in prize order.
    #[getter]
    fn winners(&self) -> Vec<PyWinner> {
        self.0.winners.iter().map(PyWinner::from).collect()
    }
    /// Plain data (what `chek draw --json` publishes).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    /// The published JSON text.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.0).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "DrawResult",
            "prizes" => self.0.prizes,
            "entries" => self.0.entries,
            "total_lots" => self.0.total_lots,
            "winners" => self.0.winners.iter().map(|w| w.participant.as_str()).collect::<Vec<_>>())
    }
}

/// Runs a verifiable draw weighted by lots (one prize per participant; `excluded` never win).
///
/// `lots`: a dict `{participant: lots}`, `(participant, lots)` pairs, or a lots file's text.
/// `seed` (at least 16 bytes, committed before the draw) and `beacon` (a public random value):
/// `bytes`, or `str` as hex. Deterministic; raises `chek.DrawError`.
#[pyfunction]
#[pyo3(name = "draw", signature = (lots, *, seed, beacon, prizes, excluded = Vec::new()))]
fn run_draw(
    py: Python<'_>,
    lots: &Bound<'_, PyAny>,
    seed: &Bound<'_, PyAny>,
    beacon: &Bound<'_, PyAny>,
    prizes: u32,
    excluded: Vec<String>,
) -> PyResult<PyDrawResult> {
    let entries = entries_of(py, lots)?;
    let (seed, beacon) = (bytes_of(seed, "seed")?, bytes_of(beacon, "beacon")?);
    let r = detach_guarded(py, move || {
        draw::draw(&entries, &seed, &beacon, prizes, &excluded)
    })?;
    r.or_raise(py).map(PyDrawResult)
}

/// Re-runs a published draw from the lots list and checks the seed against its commitment,
/// the list against its hash, and the winners. Returns `None`; raises `chek.DrawError`
/// (code `draw.mismatch`, `.details["what"]`) when anything differs.
#[pyfunction]
fn verify_draw(py: Python<'_>, result: &Bound<'_, PyAny>, lots: &Bound<'_, PyAny>) -> PyResult<()> {
    let published = match result.cast::<PyDrawResult>() {
        Ok(r) => r.get().0.clone(),
        Err(_) => PyDrawResult::from_json(result)?.0,
    };
    let entries = entries_of(py, lots)?;
    let r = detach_guarded(py, move || draw::verify(&published, &entries))?;
    r.or_raise(py)
}

/// `SHA-256(seed)`, hex: what the operator publishes before the draw.
#[pyfunction]
fn seed_commitment(seed: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(draw::seed_commitment(&bytes_of(seed, "seed")?))
}

/// SHA-256 of the canonical lots list, hex: what the operator publishes at close.
#[pyfunction]
fn lots_hash(py: Python<'_>, lots: &Bound<'_, PyAny>) -> PyResult<String> {
    draw::lots_hash(&entries_of(py, lots)?).or_raise(py)
}

/// Reads a lots file (JSON array of `{"participant", "lots"}` or CSV `participant,lots`) into
/// `(participant, lots)` pairs.
#[pyfunction]
fn parse_lots(py: Python<'_>, text: &str) -> PyResult<Vec<(String, u64)>> {
    Ok(draw::parse_lots(text)
        .or_raise(py)?
        .into_iter()
        .map(|e| (e.participant, e.lots))
        .collect())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDrawResult>()?;
    m.add_class::<PyWinner>()?;
    m.add_function(wrap_pyfunction!(run_draw, m)?)?;
    m.add_function(wrap_pyfunction!(verify_draw, m)?)?;
    m.add_function(wrap_pyfunction!(seed_commitment, m)?)?;
    m.add_function(wrap_pyfunction!(lots_hash, m)?)?;
    m.add_function(wrap_pyfunction!(parse_lots, m)?)?;
    Ok(())
}
