//! Python bindings for chek: the native module `chek._chek`, re-exported by the pure-Python
//! package `chek` (`python/chek/__init__.py`).
//!
//! Thin wrappers over the facade crate, one file per area; each area has a
//! `register(m)` called from the module init below. See DEVELOPERS.md, "How to expose a new
//! capability in Python".
#![forbid(unsafe_code)]

use pyo3::prelude::*;

mod convert;
mod engine;
mod errors;
mod qr;
mod receipt;
mod scan;
mod text;

/// chek's native module; import `chek`, not this.
#[pymodule(gil_used = false)]
fn _chek(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    qr::register(m)?;
    receipt::register(m)?;
    text::register(m)?;
    scan::register(m)?;
    engine::register(m)?;
    Ok(())
}
