//! Loyalty-card activation: `chek.LoyaltyProgramme`, `chek.LoyaltyRegistry` (an immutable value:
//! every operation returns a `chek.LoyaltyExchange` holding the next registry, the outcome and
//! the reply SMS), `chek.extract_card`, `chek.normalize_phone`.

use std::collections::BTreeMap;

use chek::engage::loyalty::{
    ActivationRequest, CardNumber, Exchange, Form, Outcome, Phone, Programme, ProgrammeError,
    Refusal, Registry, Reply, apply, extract_card as core_extract,
};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{When, any, dict, json_dict, lang, local_or_now, py_repr, serde_dict};
use crate::errors::{self, OrRaise, Raise};

impl Raise for Refusal {
    type Exc = errors::LoyaltyError;
}

impl Raise for ProgrammeError {
    type Exc = errors::LoyaltyError;
}

/// A loyalty programme: card formats (length, prefix, check digit) and reply templates.
///
/// >>> LoyaltyProgramme.example().name
/// 'Клуб'
#[pyclass(frozen, eq, module = "chek", name = "LoyaltyProgramme")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyProgramme(pub(crate) Programme);

#[pymethods]
impl PyProgramme {
    /// Reads a programme from TOML; raises `chek.LoyaltyError` (`loyalty.programme_syntax`,
    /// `loyalty.bad_format`, `loyalty.bad_template`).
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        Programme::from_toml(text).or_raise(py).map(Self)
    }
    /// Reads a programme from JSON.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        Programme::from_json(text).or_raise(py).map(Self)
    }
    /// EAN-13 cards starting with 46, the default replies.
    #[staticmethod]
    fn example() -> Self {
        Self(Programme::example())
    }
    /// The programme's name.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }
    /// Every reply template at its longest: `[{"code", "lang", "worst": {...}, "fits_one"}]`.
    fn check_replies<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .check_replies()
            .iter()
            .map(|c| serde_dict(py, c, &[]))
            .collect()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "LoyaltyProgramme", "" => self.0.name.as_str())
    }
}

pub(crate) fn reply_dict<'py>(py: Python<'py>, r: &Reply) -> PyResult<Bound<'py, PyDict>> {
    dict(
        py,
        [
            ("code", any(py, r.code)?),
            ("lang", any(py, r.lang.as_str())?),
            ("text", any(py, r.text.clone())?),
            ("encoding", any(py, r.sms.encoding.as_str())?),
            ("units", any(py, r.sms.units)?),
            ("chars", any(py, r.sms.chars)?),
            ("segments", any(py, r.sms.segments)?),
            ("fits_one", any(py, r.fits_one)?),
        ],
    )
}

/// What one request came to: the next registry, the outcome, its hints and the reply SMS.
#[pyclass(frozen, module = "chek", name = "LoyaltyExchange")]
pub(crate) struct PyExchange(Exchange);

#[pymethods]
impl PyExchange {
    /// The registry after the request (unchanged when refused): keep it.
    #[getter]
    fn registry(&self) -> PyRegistry {
        PyRegistry(self.0.registry.clone())
    }
    /// The outcome code, e.g. `"loyalty.activated"`, `"loyalty.card_bound"`.
    #[getter]
    fn code(&self) -> &'static str {
        self.0.outcome.code()
    }
    /// Whether the request did what it asked (not refused).
    #[getter]
    fn success(&self) -> bool {
        self.0.outcome.is_success()
    }
    /// The outcome as a dict (`status`, `card`, `phone`, `reason`…: the CLI's JSON).
    #[getter]
    fn outcome<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, &self.0.outcome, &[])
    }
    /// The hint in both languages: `{"ru": ..., "en": ...}`.
    #[getter]
    fn hints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict(
            py,
            [
                ("ru", any(py, self.0.outcome.hint(Lang::Ru))?),
                ("en", any(py, self.0.outcome.hint(Lang::En))?),
            ],
        )
    }
    /// The reply SMS: `text`, `lang`, `encoding`, `units`, `chars`, `segments`, `fits_one`.
    #[getter]
    fn reply<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        reply_dict(py, &self.0.reply)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict(
            py,
            [
                ("code", any(py, self.code())?),
                ("success", any(py, self.success())?),
                ("outcome", self.outcome(py)?.into_any()),
                ("hints", self.hints(py)?.into_any()),
                ("reply", self.reply(py)?.into_any()),
            ],
        )
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "LoyaltyExchange",
            "code" => self.0.outcome.code(),
            "reply" => self.0.reply.text.as_str())
    }
}

/// The cards of a programme and their phones: an immutable value; each operation returns a
/// `LoyaltyExchange` whose `.registry` is the next value. Phone ↔ card stay one to one.
///
/// >>> reg = LoyaltyRegistry(["4600682000013"])
/// >>> ex = reg.sms(LoyaltyProgramme.example(), "8 916 123-45-67", "Карта 4600 6820 0001 3")
/// >>> ex.code
/// 'loyalty.activated'
#[pyclass(frozen, eq, module = "chek", name = "LoyaltyRegistry")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRegistry(pub(crate) Registry);

fn cards(py: Python<'_>, numbers: Vec<String>) -> PyResult<Vec<CardNumber>> {
    numbers
        .iter()
        .map(|n| n.parse::<CardNumber>().or_raise(py))
        .collect()
}

struct Ctx {
    now: NaiveDateTime,
    lang: Lang,
}

fn ctx(
    py: Python<'_>,
    now: Option<When>,
    tz: Option<&Bound<'_, PyAny>>,
    lang_: &str,
) -> PyResult<Ctx> {
    Ok(Ctx {
        now: local_or_now(py, now, tz)?,
        lang: lang(lang_)?,
    })
}

impl PyRegistry {
    fn run(&self, p: &PyProgramme, req: Result<ActivationRequest, Refusal>, c: Ctx) -> PyExchange {
        PyExchange(apply(self.0.clone(), &p.0, req, c.now, c.lang))
    }

    fn operator(
        &self,
        py: Python<'_>,
        p: &PyProgramme,
        card: &str,
        c: Ctx,
        f: impl FnOnce(Registry, &CardNumber, NaiveDateTime) -> (Registry, Outcome),
    ) -> PyResult<PyExchange> {
        let _ = py;
        let (registry, outcome) = match card.parse::<CardNumber>() {
            Ok(n) => f(self.0.clone(), &n, c.now),
            Err(r) => (self.0.clone(), Outcome::Refused(r)),
        };
        Ok(PyExchange(Exchange {
            reply: p.0.reply(&outcome, c.lang),
            registry,
            outcome,
        }))
    }
}

#[pymethods]
impl PyRegistry {
    /// A registry with these issued cards (raises `chek.LoyaltyError` for a non-number).
    #[new]
    #[pyo3(signature = (cards = Vec::new()))]
    fn new(py: Python<'_>, cards: Vec<String>) -> PyResult<Self> {
        Self(Registry::default()).issue(py, cards)
    }
    /// A new registry with more issued cards; cards already present are kept as they are.
    fn issue(&self, py: Python<'_>, cards: Vec<String>) -> PyResult<Self> {
        let list = self::cards(py, cards)?;
        Ok(Self(self.0.clone().issue(list)))
    }
    /// An incoming SMS: the sender is the phone, the card number is read from the text.
    #[pyo3(signature = (programme, from_, text, *, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn sms(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        from_: &str,
        text: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        let req = ActivationRequest::from_sms(from_, text, &programme.0);
        Ok(self.run(programme, req, c))
    }
    /// A paper form keyed by an operator; with `sms_from`, the SMS + form channel (the phone is
    /// the SMS sender and `phone` is ignored).
    #[pyo3(signature = (programme, card, phone = "", *, operator = "operator", sms_from = None, fields = None, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn form(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        card: &str,
        phone: &str,
        operator: &str,
        sms_from: Option<&str>,
        fields: Option<BTreeMap<String, String>>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        let f = Form {
            card: card.to_owned(),
            phone: phone.to_owned(),
            fields: fields.unwrap_or_default(),
        };
        let req = match sms_from {
            Some(from) => ActivationRequest::from_sms_and_form(from, &f, &programme.0),
            None => ActivationRequest::from_form(&f, operator, &programme.0),
        };
        Ok(self.run(programme, req, c))
    }
    /// The website account API.
    #[pyo3(signature = (programme, account, card, phone, *, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn website(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        account: &str,
        card: &str,
        phone: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        let req = ActivationRequest::from_website(account, card, phone, &programme.0);
        Ok(self.run(programme, req, c))
    }
    /// At the till: with `can_activate=False` the activation is pending until an operator
    /// confirms.
    #[pyo3(signature = (programme, cashier, card, phone, *, can_activate, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn till(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        cashier: &str,
        card: &str,
        phone: &str,
        can_activate: bool,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        let req = ActivationRequest::from_till(cashier, can_activate, card, phone, &programme.0);
        Ok(self.run(programme, req, c))
    }
    /// An operator confirms a pending activation.
    #[pyo3(signature = (programme, card, *, operator = "operator", now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn confirm(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        card: &str,
        operator: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        self.operator(py, programme, card, c, |r, n, t| r.confirm(n, operator, t))
    }
    /// An operator rejects a pending activation (the phone is freed).
    #[pyo3(signature = (programme, card, *, operator = "operator", now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn reject(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        card: &str,
        operator: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        self.operator(py, programme, card, c, |r, n, t| r.reject(n, operator, t))
    }
    /// Blocks a card.
    #[pyo3(signature = (programme, card, *, now = None, tz = None, lang = "ru"))]
    fn block(
        &self,
        py: Python<'_>,
        programme: &PyProgramme,
        card: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyExchange> {
        let c = ctx(py, now, tz, lang)?;
        self.operator(py, programme, card, c, |r, n, t| r.block(n, t))
    }
    /// A card's record (`status`, `phone`, `channel`, `updated_at`, `profile`) or `None`.
    fn card<'py>(&self, py: Python<'py>, number: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Ok(n) = number.parse::<CardNumber>() else {
            return Ok(None);
        };
        self.0
            .card(&n)
            .map(|r| serde_dict(py, r, &["updated_at"]))
            .transpose()
    }
    /// The card a phone is bound to (or reserved for), or `None`.
    fn card_of(&self, phone: &str) -> Option<String> {
        let p = Phone::parse(phone).ok()?;
        self.0.card_of(&p).map(|c| c.as_str().to_owned())
    }
    /// The registry as JSON (what the host stores).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// A registry from its JSON; `ValueError` when two cards claim one phone or the JSON is bad.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .map(Self)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "LoyaltyRegistry", "cards" => self.0.len())
    }
}

/// The one card number of the programme in a text; raises `chek.LoyaltyError`
/// (`loyalty.no_card`, `loyalty.bad_check_digit`, `loyalty.several_cards`, `loyalty.too_long`).
#[pyfunction]
fn extract_card(py: Python<'_>, text: &str, programme: &PyProgramme) -> PyResult<String> {
    core_extract(text, &programme.0.formats)
        .map(String::from)
        .or_raise(py)
}

/// A phone number in E.164 (`+79161234567`); raises `chek.LoyaltyError` (`loyalty.bad_phone`).
#[pyfunction]
fn normalize_phone(py: Python<'_>, raw: &str) -> PyResult<String> {
    Phone::parse(raw).map(String::from).or_raise(py)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyProgramme>()?;
    m.add_class::<PyRegistry>()?;
    m.add_class::<PyExchange>()?;
    m.add_function(wrap_pyfunction!(extract_card, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_phone, m)?)?;
    Ok(())
}
