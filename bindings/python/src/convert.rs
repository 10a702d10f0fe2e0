//! Small conversions shared by every area: money as `decimal.Decimal`, hints as dicts, `lang`
//! arguments, and the `now` default.

use chek::fiscal::format_roubles;
use chek::{Hint, Lang};
use chrono::NaiveDateTime;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Kopecks as a `decimal.Decimal` of roubles (`128521` → `Decimal("1285.21")`).
pub(crate) fn roubles(py: Python<'_>, kopecks: i64) -> PyResult<Bound<'_, PyAny>> {
    DECIMAL
        .import(py, "decimal", "Decimal")?
        .call1((format_roubles(kopecks),))
}

/// A hint in both languages as `{"ru": ..., "en": ...}`.
pub(crate) fn hints_dict<'py>(py: Python<'py>, hint: &Hint) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("ru", hint.ru.as_ref())?;
    d.set_item("en", hint.en.as_ref())?;
    Ok(d)
}

/// A `lang` argument: `"ru"` or `"en"` (also `"rus"`, `"english"`…), else `ValueError`.
pub(crate) fn lang(s: &str) -> PyResult<Lang> {
    s.parse::<Lang>()
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `now` if given, else the local wall clock (`datetime.datetime.now()`): receipts carry the
/// register's local time, so a naive local "now" is what validation compares with.
pub(crate) fn now_or_local(py: Python<'_>, now: Option<NaiveDateTime>) -> PyResult<NaiveDateTime> {
    match now {
        Some(n) => Ok(n),
        None => DATETIME
            .import(py, "datetime", "datetime")?
            .call_method0("now")?
            .extract(),
    }
}

/// A `dict` from `(key, value)` pairs, for `to_dict()`.
pub(crate) fn dict<'py>(
    py: Python<'py>,
    items: impl IntoIterator<Item = (&'static str, Bound<'py, PyAny>)>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// `value.into_pyobject(py)` as a plain `Bound<PyAny>`, for building dicts.
pub(crate) fn any<'py, T>(py: Python<'py>, value: T) -> PyResult<Bound<'py, PyAny>>
where
    T: IntoPyObject<'py>,
{
    value.into_bound_py_any(py)
}

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static FROMISO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A core value as plain Python data through its serde shape (the same keys as the CLI's and the
/// core's JSON), with the top-level `datetime_keys` turned into `datetime.datetime`s.
pub(crate) fn serde_dict<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
    datetime_keys: &[&str],
) -> PyResult<Bound<'py, PyDict>> {
    let json = serde_json::to_string(value)
        .map_err(|e| PyValueError::new_err(format!("cannot convert to a dict: {e}")))?;
    let loads = JSON_LOADS.get_or_try_init(py, || {
        py.import("json")?.getattr("loads").map(Bound::unbind)
    })?;
    let obj = loads.bind(py).call1((json,))?;
    let d = obj.cast_into::<PyDict>()?;
    let fromiso = FROMISO.get_or_try_init(py, || {
        py.import("datetime")?
            .getattr("datetime")?
            .getattr("fromisoformat")
            .map(Bound::unbind)
    })?;
    for key in datetime_keys {
        if let Some(v) = d.get_item(key)?
            && !v.is_none()
        {
            d.set_item(key, fromiso.bind(py).call1((v,))?)?;
        }
    }
    Ok(d)
}
