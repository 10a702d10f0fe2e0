//! The ledger's hash chain (docs/ledger-chain.md) from Python: `Ledger.verify_chain()` answers a
//! `chek.ChainReport` (`.intact`, `.rows`, `.chains` of `chek.ChainHead`, `.broken` a
//! `chek.ChainBreak` or `None`); `Ledger.chain_head(campaign)` the head to publish. A break is
//! data, not an exception: the caller decides (`ChainReport.raise_if_broken()` raises
//! `chek.EngineError` with code `store.chain_broken`).

use chek::store::{ChainBreak, ChainHead, ChainReport};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{json_dict, py_repr};
use crate::errors::OrRaise;

/// One campaign's chain, intact: `.campaign`, `.links` (accruals, draw commitments and
/// reveals), `.head` (the last link's hash, 64 hex digits: publish it).
#[pyclass(frozen, eq, hash, module = "chek", name = "ChainHead")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyChainHead(pub(crate) ChainHeadKey);

#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct ChainHeadKey {
    campaign: String,
    links: u64,
    head: String,
}

impl From<&ChainHead> for PyChainHead {
    fn from(h: &ChainHead) -> Self {
        PyChainHead(ChainHeadKey {
            campaign: h.campaign.clone(),
            links: h.links,
            head: h.head.clone(),
        })
    }
}

#[pymethods]
impl PyChainHead {
    /// Campaign id.
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    /// Links in the chain.
    #[getter]
    fn links(&self) -> u64 {
        self.0.links
    }
    /// The hash of the last link (hex).
    #[getter]
    fn head(&self) -> &str {
        &self.0.head
    }
    /// `{"campaign", "links", "head"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("campaign", &self.0.campaign)?;
        d.set_item("links", self.0.links)?;
        d.set_item("head", &self.0.head)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let h = &self.0;
        py_repr!(py, "ChainHead",
            "campaign" => h.campaign.as_str(),
            "links" => h.links,
            "head" => h.head.as_str())
    }
}

/// The first break of a chain: `.campaign`, `.table` (`"accruals"`, `"draws"`,
/// `"chain_heads"`), `.key` (`"id 42"`, `"period nov (commitment)"`…), `.seq` (the position
/// the row claims, or `None`), `.problem` (`"hash_mismatch"`, `"prev_mismatch"`,
/// `"missing_link"`, `"duplicate_link"`, `"beyond_head"`, `"head_mismatch"`, `"unchained"`),
/// `.expected`, `.found`, `.code` (always `"store.chain_broken"`).
#[pyclass(frozen, eq, module = "chek", name = "ChainBreak")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyChainBreak(pub(crate) ChainBreak);

#[pymethods]
impl PyChainBreak {
    /// `"store.chain_broken"`.
    #[getter]
    fn code(&self) -> &'static str {
        "store.chain_broken"
    }
    #[getter]
    fn campaign(&self) -> &str {
        &self.0.campaign
    }
    #[getter]
    fn table(&self) -> &str {
        &self.0.table
    }
    #[getter]
    fn key(&self) -> &str {
        &self.0.key
    }
    #[getter]
    fn seq(&self) -> Option<i64> {
        self.0.seq
    }
    #[getter]
    fn problem(&self) -> &'static str {
        self.0.problem.as_str()
    }
    #[getter]
    fn expected(&self) -> &str {
        &self.0.expected
    }
    #[getter]
    fn found(&self) -> &str {
        &self.0.found
    }
    /// The break in one line, as `chek ledger verify` prints it.
    #[getter]
    fn message(&self) -> String {
        self.0.to_string()
    }
    /// `{"campaign", "table", "key", "seq", "problem", "expected", "found"}` (the `break` of
    /// `chek ledger verify --json`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let b = &self.0;
        py_repr!(py, "ChainBreak",
            "campaign" => b.campaign.as_str(),
            "table" => b.table.as_str(),
            "key" => b.key.as_str(),
            "seq" => b.seq,
            "problem" => b.problem.as_str())
    }
}

/// What `Ledger.verify_chain()` found: `.intact`, `.rows` (links checked), `.chains` (the
/// chains walked intact, by campaign), `.broken` (the first break or `None`).
#[pyclass(frozen, eq, module = "chek", name = "ChainReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyChainReport(pub(crate) ChainReport);

#[pymethods]
impl PyChainReport {
    /// Whether every chain walked is intact.
    #[getter]
    fn intact(&self) -> bool {
        self.0.is_intact()
    }
    /// Links checked (up to the break).
    #[getter]
    fn rows(&self) -> u64 {
        self.0.rows
    }
    /// The chains walked to their end intact.
    #[getter]
    fn chains(&self) -> Vec<PyChainHead> {
        self.0.chains.iter().map(PyChainHead::from).collect()
    }
    /// The first break, or `None`.
    #[getter]
    fn broken(&self) -> Option<PyChainBreak> {
        self.0.broken.clone().map(PyChainBreak)
    }
    /// Raises `chek.EngineError` (code `store.chain_broken`) when a chain is broken.
    fn raise_if_broken(&self, py: Python<'_>) -> PyResult<()> {
        match &self.0.broken {
            Some(b) => Err(b.to_error()).or_raise(py),
            None => Ok(()),
        }
    }
    /// `{"intact", "rows", "chains", "broken"}` (`chek ledger verify --json` has the same
    /// fields, the break under `break`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = json_dict(py, &self.0)?;
        d.set_item("intact", self.0.is_intact())?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = &self.0;
        match &r.broken {
            None => py_repr!(py, "ChainReport",
                "intact" => true,
                "rows" => r.rows,
                "chains" => r.chains.len()),
            Some(b) => py_repr!(py, "ChainReport",
                "intact" => false,
                "rows" => r.rows,
                "broken" => b.problem.as_str()),
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChainHead>()?;
    m.add_class::<PyChainBreak>()?;
    m.add_class::<PyChainReport>()?;
    Ok(())
}
