//! The exception hierarchy: `chek.ChekError` and one subclass per area, each raised with
//! `.code` (the stable dotted code of the Rust error), `.hint` (Russian, the default language),
//! `.hints` (`{"ru": ..., "en": ...}`) and `.details` (a dict, possibly empty).
//!
//! A Rust error type becomes a Python exception by implementing [`Raise`] (usually in the area's
//! own file); `result.or_raise(py)?` then converts it.

use std::any::Any;
use std::borrow::Cow;
use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chek::{Coded, Lang};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use pyo3::{PyTypeInfo, create_exception};

create_exception!(
    chek,
    ChekError,
    PyException,
    "Base of every chek error: `.code` (stable, e.g. \"qr.missing_field\"), `.hint` (Russian), `.hints` ({\"ru\", \"en\"}), `.details` (dict)."
);
create_exception!(
    chek,
    QrError,
    ChekError,
    "A string is not a usable fiscal QR (codes `qr.*`)."
);
create_exception!(
    chek,
    ReceiptError,
    ChekError,
    "A receipt could not be read from ФНС JSON (codes `receipt.*`)."
);
create_exception!(
    chek,
    TextError,
    ChekError,
    "Receipt text or a manual entry lacks what a receipt needs (codes `text.*`)."
);
create_exception!(
    chek,
    ScanError,
    ChekError,
    "Bytes that are not a usable photo, or OCR that could not run (codes `scan.*`)."
);
create_exception!(
    chek,
    CampaignError,
    ChekError,
    "A campaign definition is invalid (codes `campaign.*`)."
);
create_exception!(
    chek,
    DrawError,
    ChekError,
    "A prize draw could not be run or checked (codes `draw.*`)."
);
create_exception!(
    chek,
    VerifyError,
    ChekError,
    "A verification service could not be asked or answered badly (codes `verify.*`)."
);
create_exception!(
    chek,
    ChannelError,
    ChekError,
    "A messaging channel (the Telegram Bot API) refused, failed or was given bad input (codes `channel.*`; `.details` has `retryable` and `retry_after` in seconds)."
);
create_exception!(
    chek,
    CareError,
    ChekError,
    "A care-desk file, case history, contact or merge that cannot be used (codes `care.*`)."
);
create_exception!(
    chek,
    NotifyError,
    ChekError,
    "A notification template, config, CRM input or call report is unusable (codes `notify.*`)."
);
create_exception!(
    chek,
    LoyaltyError,
    ChekError,
    "A loyalty programme, card number or phone that cannot be used (codes `loyalty.*`)."
);
create_exception!(
    chek,
    FeedbackError,
    ChekError,
    "A survey, review link, experiment or feedback state that cannot be used (codes `feedback.*`)."
);
create_exception!(
    chek,
    EngineError,
    ChekError,
    "The engine or its ledger could not record a submission (codes `engine.*`, `store.*`, `draw.*`)."
);
create_exception!(
    chek,
    TimeZoneError,
    ChekError,
    "A timezone-aware datetime with no zone to convert it into, or an unknown zone name (codes `time.*`)."
);
create_exception!(
    chek,
    InternalError,
    ChekError,
    "A bug in chek (a Rust panic caught at the boundary; code `internal.panic`)."
);

/// A Rust error that is raised in Python as `Self::Exc` with its code and hints.
pub(crate) trait Raise: Coded + Display {
    /// The Python exception class (one of the classes above).
    type Exc: PyTypeInfo;

    /// Extra structured data for `.details` (e.g. the QR field concerned).
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(PyDict::new(py))
    }
}

/// `result.or_raise(py)?`: converts the error of a `Result` into its Python exception.
pub(crate) trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Raise> OrRaise<T> for Result<T, E> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, &e))
    }
}

/// The Python exception for a Rust error.
pub(crate) fn to_py_err<E: Raise>(py: Python<'_>, err: &E) -> PyErr {
    let details = err.details(py).unwrap_or_else(|_| PyDict::new(py));
    coded_err(
        py,
        &py.get_type::<E::Exc>(),
        err.to_string(),
        err.code(),
        (err.hint(Lang::Ru), err.hint(Lang::En)),
        details,
    )
}

/// Builds an exception of class `cls` with the chek attributes set.
pub(crate) fn coded_err(
    py: Python<'_>,
    cls: &Bound<'_, PyType>,
    message: String,
    code: &str,
    (ru, en): (Cow<'_, str>, Cow<'_, str>),
    details: Bound<'_, PyDict>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let exc = cls.call1((message,))?;
        let hints = PyDict::new(py);
        hints.set_item("ru", ru.as_ref())?;
        hints.set_item("en", en.as_ref())?;
        exc.setattr("code", code)?;
        exc.setattr("hint", ru.as_ref())?;
        exc.setattr("hints", hints)?;
        exc.setattr("details", details)?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// Runs `f` with the GIL released (other Python threads go on meanwhile), turning a panic into
/// `chek.InternalError` rather than pyo3's `PanicException` (a `BaseException`), so that
/// `except chek.ChekError` in a bot's handler catches it too.
pub(crate) fn detach_guarded<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    py.detach(|| catch_unwind(AssertUnwindSafe(f)))
        .map_err(|payload| panic_err(py, payload.as_ref()))
}

fn panic_err(py: Python<'_>, payload: &(dyn Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    coded_err(
        py,
        &py.get_type::<InternalError>(),
        format!("internal error in chek: {what}"),
        "internal.panic",
        (
            "Внутренняя ошибка сервиса. Попробуйте ещё раз позже.".into(),
            "Internal error of the service. Please try again later.".into(),
        ),
        PyDict::new(py),
    )
}

/// `chek.TimeZoneError` (`time.zone_needed`): an aware datetime given for a local wall-clock
/// parameter of a call that has no zone to convert it into.
pub(crate) fn zone_needed(py: Python<'_>, value: &str) -> PyErr {
    let details = PyDict::new(py);
    let _ = details.set_item("value", value);
    coded_err(
        py,
        &py.get_type::<TimeZoneError>(),
        format!("{value} is timezone-aware, but this parameter is a local wall-clock time and the call names no zone: pass tz= (a datetime.tzinfo or an IANA name), or a naive local datetime"),
        "time.zone_needed",
        (
            "Укажите часовой пояс (tz=\"Europe/Moscow\" или datetime.tzinfo) либо передайте местное время без пояса.".into(),
            "Name the time zone (tz=\"Europe/Moscow\" or a datetime.tzinfo), or pass a naive local time.".into(),
        ),
        details,
    )
}

/// `chek.TimeZoneError` (`time.unknown_zone`): a `tz=` name the zone database does not know.
pub(crate) fn unknown_zone(py: Python<'_>, name: &str) -> PyErr {
    let details = PyDict::new(py);
    let _ = details.set_item("zone", name);
    coded_err(
        py,
        &py.get_type::<TimeZoneError>(),
        format!("unknown time zone {name:?}"),
        "time.unknown_zone",
        (
            "Неизвестный часовой пояс: укажите имя из базы IANA, например Europe/Moscow.".into(),
            "Unknown time zone: use an IANA name such as Europe/Moscow.".into(),
        ),
        details,
    )
}

/// Panics on purpose, for the test that shows a panic arrives as an exception: detached
/// (`chek.InternalError`) or not (pyo3's `PanicException`).
#[pyfunction]
#[pyo3(signature = (detached = true))]
fn _panic_for_tests(py: Python<'_>, detached: bool) -> PyResult<()> {
    #[allow(clippy::panic)]
    fn boom() {
        panic!("deliberate panic for the tests");
    }
    if detached {
        detach_guarded(py, boom)
    } else {
        boom();
        Ok(())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ChekError", py.get_type::<ChekError>())?;
    m.add("QrError", py.get_type::<QrError>())?;
    m.add("ReceiptError", py.get_type::<ReceiptError>())?;
    m.add("TextError", py.get_type::<TextError>())?;
    m.add("ScanError", py.get_type::<ScanError>())?;
    m.add("CampaignError", py.get_type::<CampaignError>())?;
    m.add("DrawError", py.get_type::<DrawError>())?;
    m.add("VerifyError", py.get_type::<VerifyError>())?;
    m.add("ChannelError", py.get_type::<ChannelError>())?;
    m.add("NotifyError", py.get_type::<NotifyError>())?;
    m.add("LoyaltyError", py.get_type::<LoyaltyError>())?;
    m.add("FeedbackError", py.get_type::<FeedbackError>())?;
    m.add("CareError", py.get_type::<CareError>())?;
    m.add("EngineError", py.get_type::<EngineError>())?;
    m.add("TimeZoneError", py.get_type::<TimeZoneError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
