//! Python bindings for chek: the native module `chek._chek`, re-exported by the pure-Python
//! package `chek` (`python/chek/__init__.py`).
//!
//! Thin wrappers over the facade crate, one file per area; each area has a
//! `register(m)` called from the module init below. See DEVELOPERS.md, "How to expose a new
//! capability in Python".
#![forbid(unsafe_code)]

use pyo3::prelude::*;

mod bot;
mod campaign;
mod care;
mod chain;
mod channels;
mod convert;
mod draw;
mod engage_ledger;
mod engine;
mod errors;
mod feedback;
mod loyalty;
mod notify;
mod outbox;
mod qr;
mod receipt;
mod recheck;
mod records;
mod ru;
mod scan;
mod sms;
mod sms_gateway;
mod text;
mod verify;
mod voice_gateway;

/// chek's native module; import `chek`, not this.
#[pymodule(gil_used = false)]
fn _chek(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    qr::register(m)?;
    receipt::register(m)?;
    text::register(m)?;
    scan::register(m)?;
    notify::register(m)?;
    loyalty::register(m)?;
    feedback::register(m)?;
    campaign::register(m)?;
    draw::register(m)?;
    verify::register(m)?;
    channels::register(m)?;
    sms::register(m)?;
    sms_gateway::register(m)?;
    voice_gateway::register(m)?;
    care::register(m)?;
    engine::register(m)?;
    chain::register(m)?;
    outbox::register(m)?;
    bot::register(m)?;
    records::register(m)?;
    recheck::register(m)?;
    engage_ledger::register(m)?;
    ru::register(m)?;
    Ok(())
}
