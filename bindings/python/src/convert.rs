//! Small conversions shared by every area: money as `decimal.Decimal`, hints as dicts, `lang`
//! arguments, the `now` default, Python-style reprs, JSON-ready dicts, and the one rule for
//! naive and timezone-aware datetimes (see "Times" below).

use chek::fiscal::format_roubles;
use chek::{Hint, Lang};
use chrono::NaiveDateTime;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use crate::errors;

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

/// `Name(key=repr, ...)` with every value shown by Python's own `repr()` (`'text'`, `None`,
/// `True`, `Decimal('1.00')`, `['a', 'b']`), so no Rust syntax reaches a repr. An empty key
/// writes the value positionally (`FiscalQr('t=…')`).
pub(crate) fn repr_of(name: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        let r: String = v.repr()?.extract()?;
        parts.push(if k.is_empty() { r } else { format!("{k}={r}") });
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

/// `py_repr!(py, "Name", "key" => value, ...)`: [`repr_of`] with each value converted to Python
/// first (anything `IntoPyObject`); `"" => value` is positional.
macro_rules! py_repr {
    ($py:expr, $name:expr $(, $k:expr => $v:expr)* $(,)?) => {
        $crate::convert::repr_of($name, &[$(($k, $crate::convert::any($py, $v)?)),*])
    };
}
pub(crate) use py_repr;

/// A core value as JSON-ready Python data through its serde shape: the keys of the CLI's and
/// the core's JSON, times as ISO 8601 strings, money as kopecks (`json.dumps` takes it as is).
pub(crate) fn json_dict<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyDict>> {
    serde_dict(py, value, &[])
}

/// A serializable value of any shape (a list, a string…) as JSON-ready Python data.
pub(crate) fn json_value<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let d = serde_dict(py, &serde_json::json!({ "v": value }), &[])?;
    d.get_item("v")?
        .ok_or_else(|| PyValueError::new_err("cannot convert to plain data"))
}

// ------------------------------------------------------------------------------------------
// Times. Python code holds naive or timezone-aware `datetime`s; chek holds naive ones whose
// meaning each parameter states: UTC (`received_at`, a campaign's `now`…) or a local wall
// clock (the register's, for `validate`; the desk's, for engagement flows). The rule, in one
// place:
//  - a naive datetime is taken as it is (as before);
//  - an aware one given for a UTC parameter is converted to UTC (no zone needed);
//  - an aware one given for a local parameter is converted to the zone of the call: its
//    `tz=` keyword (a `datetime.tzinfo` or an IANA name such as "Europe/Moscow"), else the
//    campaign's zone where the call has a campaign; with neither, `chek.TimeZoneError`
//    (`time.zone_needed`) is raised rather than guessing the server's zone.
// ------------------------------------------------------------------------------------------

static DT_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn utc_tz(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    UTC.get_or_try_init(py, || {
        py.import("datetime")?
            .getattr("timezone")?
            .getattr("utc")
            .map(Bound::unbind)
    })
    .map(|u| u.bind(py))
}

/// `dt.replace(tzinfo=None)` read as a naive datetime.
fn strip_tz(dt: &Bound<'_, PyAny>) -> PyResult<NaiveDateTime> {
    let kw = PyDict::new(dt.py());
    kw.set_item("tzinfo", dt.py().None())?;
    dt.call_method("replace", (), Some(&kw))?.extract()
}

/// A `datetime.datetime` argument, naive or timezone-aware.
pub(crate) enum When {
    Naive(NaiveDateTime),
    Aware(Py<PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for When {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        let obj = obj.to_owned();
        let dt = DT_TYPE.import(py, "datetime", "datetime")?;
        if !obj.is_instance(dt)? {
            return Err(PyTypeError::new_err(format!(
                "expected a datetime.datetime, got {}",
                obj.get_type().name()?
            )));
        }
        if obj.call_method0("utcoffset")?.is_none() {
            Ok(When::Naive(strip_tz(&obj)?))
        } else {
            Ok(When::Aware(obj.unbind()))
        }
    }
}

impl When {
    /// For a UTC parameter: an aware datetime converted to UTC.
    pub(crate) fn utc(&self, py: Python<'_>) -> PyResult<NaiveDateTime> {
        match self {
            When::Naive(n) => Ok(*n),
            When::Aware(a) => strip_tz(&a.bind(py).call_method1("astimezone", (utc_tz(py)?,))?),
        }
    }

    /// For a local parameter: an aware datetime converted to `zone`'s wall clock; without a
    /// zone, `chek.TimeZoneError`.
    pub(crate) fn local(
        &self,
        py: Python<'_>,
        zone: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<NaiveDateTime> {
        match self {
            When::Naive(n) => Ok(*n),
            When::Aware(a) => match zone {
                Some(z) => strip_tz(&a.bind(py).call_method1("astimezone", (z,))?),
                None => Err(errors::zone_needed(
                    py,
                    &a.bind(py).repr()?.extract::<String>()?,
                )),
            },
        }
    }
}

/// A UTC parameter (`received_at`, `now` of a campaign or an engine): naive taken as UTC,
/// aware converted to UTC.
pub(crate) struct Utc(pub(crate) NaiveDateTime);

impl<'a, 'py> FromPyObject<'a, 'py> for Utc {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        When::extract(obj)?.utc(py).map(Utc)
    }
}

/// An optional UTC parameter as the naive UTC datetime.
pub(crate) fn utc_opt(t: Option<Utc>) -> Option<NaiveDateTime> {
    t.map(|t| t.0)
}

static ZONEINFO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TZINFO: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A `tz=` argument as a `datetime.tzinfo`: a tzinfo as it is, or an IANA name through
/// `zoneinfo.ZoneInfo` (an unknown name raises `chek.TimeZoneError`, `time.unknown_zone`).
pub(crate) fn tz_arg<'py>(
    py: Python<'py>,
    tz: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(tz) = tz.filter(|t| !t.is_none()) else {
        return Ok(None);
    };
    if tz.is_instance(TZINFO.import(py, "datetime", "tzinfo")?)? {
        return Ok(Some(tz.clone()));
    }
    let Ok(name) = tz.extract::<String>() else {
        return Err(PyTypeError::new_err(
            "tz must be a datetime.tzinfo or an IANA zone name such as \"Europe/Moscow\"",
        ));
    };
    let zi = ZONEINFO.get_or_try_init(py, || {
        py.import("zoneinfo")?
            .getattr("ZoneInfo")
            .map(Bound::unbind)
    })?;
    // ZoneInfo raises ZoneInfoNotFoundError (a KeyError) or ValueError for a bad name.
    zi.bind(py)
        .call1((name.as_str(),))
        .map(Some)
        .map_err(|_| errors::unknown_zone(py, &name))
}

/// A fixed UTC offset as a `datetime.timezone`.
pub(crate) fn fixed_tz(py: Python<'_>, offset: chrono::FixedOffset) -> PyResult<Bound<'_, PyAny>> {
    let td = py
        .import("datetime")?
        .getattr("timedelta")?
        .call1((0, offset.local_minus_utc()))?;
    py.import("datetime")?.getattr("timezone")?.call1((td,))
}

/// A local parameter with its default: the given time (aware ones converted to `tz`), else the
/// wall clock in `tz`, else the machine's local wall clock (`datetime.datetime.now()`).
pub(crate) fn local_or_now(
    py: Python<'_>,
    t: Option<When>,
    tz: Option<&Bound<'_, PyAny>>,
) -> PyResult<NaiveDateTime> {
    let tz = tz_arg(py, tz)?;
    match t {
        Some(w) => w.local(py, tz.as_ref()),
        None => match tz {
            Some(z) => strip_tz(
                &DATETIME
                    .import(py, "datetime", "datetime")?
                    .call_method1("now", (z,))?,
            ),
            None => now_or_local(py, None),
        },
    }
}

/// An optional local parameter (no default): aware ones converted to `tz`.
pub(crate) fn local_opt(
    py: Python<'_>,
    t: Option<When>,
    tz: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<NaiveDateTime>> {
    let tz = tz_arg(py, tz)?;
    t.map(|w| w.local(py, tz.as_ref())).transpose()
}

/// A frozen result class over a serializable core value (DEVELOPERS.md: result classes are
/// newtypes over the core type): one `#[getter]` per listed field — each an expression over the
/// value `v` (and `py`), converted by `IntoPyObject` — plus `to_dict()` from the value's serde
/// shape (JSON-ready: the keys of the CLI's `--json`) and a Python-style repr of the `repr`
/// fields. Nested values with no class of their own come out as JSON-ready dicts
/// ([`json_value`]).
///
/// ```ignore
/// result_class! {
///     /// Where a request goes.
///     PyRoute(Route) as "Route";
///     repr(group, rule);
///     /// The group.
///     group: |v, _py| v.group.as_str();
///     rule: |v, _py| v.rule.as_deref();
/// }
/// ```
macro_rules! result_class {
    (
        $(#[$doc:meta])*
        $py_ty:ident($core:ty) as $name:literal;
        repr($($rf:ident),* $(,)?);
        $( $(#[$fdoc:meta])* $field:ident: |$v:ident, $pyv:ident| $get:expr; )*
    ) => {
        $(#[$doc])*
        #[pyo3::pyclass(frozen, module = "chek", name = $name)]
        pub(crate) struct $py_ty(pub(crate) $core);

        #[pyo3::pymethods]
        impl $py_ty {
            $(
                $(#[$fdoc])*
                #[getter]
                #[allow(clippy::wrong_self_convention)]
                fn $field<'py>(
                    &self,
                    $pyv: pyo3::Python<'py>,
                ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    let $v = &self.0;
                    $crate::convert::any($pyv, $get)
                }
            )*
            /// The core's JSON shape (the CLI's `--json`), JSON-ready: `json.dumps` takes it.
            fn to_dict<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                $crate::convert::json_dict(py, &self.0)
            }
            fn __repr__(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<String> {
                let _ = py;
                $crate::convert::repr_of($name, &[$((stringify!($rf), self.$rf(py)?)),*])
            }
        }
    };
}
pub(crate) use result_class;
