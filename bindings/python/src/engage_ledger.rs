//! Engagement state kept in the ledger, for hosts with several workers or servers:
//! `chek.LoyaltyLedger` (cards) and `chek.FeedbackLedger` (answers, clicks, bonuses, visits).
//! Each call is one transaction; the GIL is released while it runs.

use chek::engage::feedback::Response;
use chek::engage::loyalty::{ActivationRequest, CardNumber, Form, Op, Outcome, Refusal, Reply};
use chek::store::{Ledger, StoreError};
use chek::{Coded, Lang};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{When, any, dict, lang, local_or_now, py_repr, serde_dict};
use crate::engine::PyLedger;
use crate::errors::{OrRaise, detach_guarded};
use crate::feedback::{PyState, PySurvey};
use crate::loyalty::{PyProgramme, PyRegistry, reply_dict};

/// What one request to a ledger-backed registry came to: `code`, `success`, `outcome` (dict),
/// `hints`, `reply` (the SMS), and `replayed` (a retry of an `event_id` already answered).
#[pyclass(frozen, module = "chek", name = "LoyaltyResult")]
pub(crate) struct PyLoyaltyResult {
    outcome: Outcome,
    reply: Reply,
    replayed: bool,
}

#[pymethods]
impl PyLoyaltyResult {
    /// The outcome code, e.g. `"loyalty.activated"`.
    #[getter]
    fn code(&self) -> &'static str {
        self.outcome.code()
    }
    /// Whether the request did what it asked (not refused).
    #[getter]
    fn success(&self) -> bool {
        self.outcome.is_success()
    }
    /// The stored answer of an earlier request with the same `event_id`: nothing changed now.
    #[getter]
    fn replayed(&self) -> bool {
        self.replayed
    }
    /// The outcome as a dict (`status`, `card`, `phone`, `reason`…).
    #[getter]
    fn outcome<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, &self.outcome, &[])
    }
    /// The hint in both languages.
    #[getter]
    fn hints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict(
            py,
            [
                ("ru", any(py, self.outcome.hint(Lang::Ru))?),
                ("en", any(py, self.outcome.hint(Lang::En))?),
            ],
        )
    }
    /// The reply SMS: `text`, `lang`, `encoding`, `units`, `chars`, `segments`, `fits_one`.
    #[getter]
    fn reply<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        reply_dict(py, &self.reply)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict(
            py,
            [
                ("code", any(py, self.code())?),
                ("success", any(py, self.success())?),
                ("replayed", any(py, self.replayed)?),
                ("outcome", self.outcome(py)?.into_any()),
                ("hints", self.hints(py)?.into_any()),
                ("reply", self.reply(py)?.into_any()),
            ],
        )
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "LoyaltyResult", "code" => self.outcome.code(), "replayed" => self.replayed)
    }
}

/// The cards of a programme kept in a `chek.Ledger` (SQLite or PostgreSQL): every request is
/// one transaction, so parallel workers lose no activation and bind no phone twice.
///
/// >>> import chek
/// >>> cards = LoyaltyLedger(chek.Ledger(":memory:"), LoyaltyProgramme.example())
/// >>> cards.issue(["4600682000013"])
/// 1
/// >>> cards.sms("8 916 123-45-67", "Карта 4600 6820 0001 3", event_id="sms-1").code
/// 'loyalty.activated'
/// >>> cards.sms("8 916 123-45-67", "Карта 4600 6820 0001 3", event_id="sms-1").replayed
/// True
#[pyclass(frozen, module = "chek", name = "LoyaltyLedger")]
pub(crate) struct PyLoyaltyLedger {
    ledger: Ledger,
    programme: PyProgramme,
}

impl PyLoyaltyLedger {
    fn apply(
        &self,
        py: Python<'_>,
        req: Result<Op, Refusal>,
        event_id: Option<String>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang_: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let now = local_or_now(py, now, tz)?;
        let lang = lang(lang_)?;
        let (outcome, replayed) = match req {
            Ok(op) => {
                let l = self.ledger.clone();
                let r = detach_guarded(py, move || l.loyalty_apply(&op, event_id.as_deref(), now))?
                    .or_raise(py)?;
                (r.value, r.replayed)
            }
            Err(refusal) => (Outcome::Refused(refusal), false),
        };
        Ok(PyLoyaltyResult {
            reply: self.programme.0.reply(&outcome, lang),
            outcome,
            replayed,
        })
    }

    fn card_op(&self, card: &str, f: impl FnOnce(CardNumber) -> Op) -> Result<Op, Refusal> {
        card.parse::<CardNumber>().map(f)
    }
}

fn store<T>(py: Python<'_>, r: Result<T, StoreError>) -> PyResult<T> {
    r.or_raise(py)
}

#[pymethods]
impl PyLoyaltyLedger {
    #[new]
    fn new(ledger: &PyLedger, programme: &PyProgramme) -> Self {
        PyLoyaltyLedger {
            ledger: ledger.ledger.clone(),
            programme: programme.clone(),
        }
    }
    /// Adds issued cards (cards already there keep their state) and blocks `blocked`; returns
    /// how many cards were new. Raises `chek.LoyaltyError` for a non-number.
    #[pyo3(signature = (cards, *, blocked = Vec::new(), now = None, tz = None))]
    fn issue(
        &self,
        py: Python<'_>,
        cards: Vec<String>,
        blocked: Vec<String>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<usize> {
        let parse = |v: Vec<String>| -> PyResult<Vec<CardNumber>> {
            v.iter()
                .map(|n| n.parse::<CardNumber>().or_raise(py))
                .collect()
        };
        let (cards, blocked) = (parse(cards)?, parse(blocked)?);
        let now = local_or_now(py, now, tz)?;
        let l = self.ledger.clone();
        store(
            py,
            detach_guarded(py, move || l.loyalty_issue(&cards, &blocked, now))?,
        )
    }
    /// An incoming SMS; `event_id` (the gateway's message id) makes a retry answer the first
    /// outcome.
    #[pyo3(signature = (from_, text, *, event_id = None, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn sms(
        &self,
        py: Python<'_>,
        from_: &str,
        text: &str,
        event_id: Option<String>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let req = ActivationRequest::from_sms(from_, text, &self.programme.0).map(Op::Activate);
        self.apply(py, req, event_id, now, tz, lang)
    }
    /// A paper form keyed by an operator; with `sms_from`, the SMS + form channel.
    #[pyo3(signature = (card, phone = "", *, operator = "operator", sms_from = None, fields = None, event_id = None, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn form(
        &self,
        py: Python<'_>,
        card: &str,
        phone: &str,
        operator: &str,
        sms_from: Option<&str>,
        fields: Option<std::collections::BTreeMap<String, String>>,
        event_id: Option<String>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let f = Form {
            card: card.to_owned(),
            phone: phone.to_owned(),
            fields: fields.unwrap_or_default(),
        };
        let p = &self.programme.0;
        let req = match sms_from {
            Some(from) => ActivationRequest::from_sms_and_form(from, &f, p),
            None => ActivationRequest::from_form(&f, operator, p),
        };
        self.apply(py, req.map(Op::Activate), event_id, now, tz, lang)
    }
    /// The website account API.
    #[pyo3(signature = (account, card, phone, *, event_id = None, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn website(
        &self,
        py: Python<'_>,
        account: &str,
        card: &str,
        phone: &str,
        event_id: Option<String>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let req = ActivationRequest::from_website(account, card, phone, &self.programme.0);
        self.apply(py, req.map(Op::Activate), event_id, now, tz, lang)
    }
    /// At the till: with `can_activate=False` the activation waits for an operator.
    #[pyo3(signature = (cashier, card, phone, *, can_activate, event_id = None, now = None, tz = None, lang = "ru"))]
    #[allow(clippy::too_many_arguments)]
    fn till(
        &self,
        py: Python<'_>,
        cashier: &str,
        card: &str,
        phone: &str,
        can_activate: bool,
        event_id: Option<String>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let req =
            ActivationRequest::from_till(cashier, can_activate, card, phone, &self.programme.0);
        self.apply(py, req.map(Op::Activate), event_id, now, tz, lang)
    }
    /// An operator confirms a pending activation.
    #[pyo3(signature = (card, *, operator = "operator", now = None, tz = None, lang = "ru"))]
    fn confirm(
        &self,
        py: Python<'_>,
        card: &str,
        operator: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let operator = operator.to_owned();
        let op = self.card_op(card, |card| Op::Confirm { card, operator });
        self.apply(py, op, None, now, tz, lang)
    }
    /// An operator rejects a pending activation (the phone is freed).
    #[pyo3(signature = (card, *, operator = "operator", now = None, tz = None, lang = "ru"))]
    fn reject(
        &self,
        py: Python<'_>,
        card: &str,
        operator: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let operator = operator.to_owned();
        let op = self.card_op(card, |card| Op::Reject { card, operator });
        self.apply(py, op, None, now, tz, lang)
    }
    /// Blocks a card.
    #[pyo3(signature = (card, *, now = None, tz = None, lang = "ru"))]
    fn block(
        &self,
        py: Python<'_>,
        card: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<PyLoyaltyResult> {
        let op = self.card_op(card, |card| Op::Block { card });
        self.apply(py, op, None, now, tz, lang)
    }
    /// One card as `chek loyalty export` prints it (`card`, `status`, `phone`, `fields`,
    /// `channel`, `updated_at`), or `None`.
    fn card<'py>(&self, py: Python<'py>, number: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Ok(n) = number.parse::<CardNumber>() else {
            return Ok(None);
        };
        let l = self.ledger.clone();
        let row = store(py, detach_guarded(py, move || l.loyalty_card(&n))?)?;
        row.map(|r| serde_dict(py, &r, &["updated_at"])).transpose()
    }
    /// Every card, in number order (the rows of `chek loyalty export --json`).
    fn export<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let l = self.ledger.clone();
        let rows = store(py, detach_guarded(py, move || l.loyalty_cards())?)?;
        rows.iter()
            .map(|r| serde_dict(py, r, &["updated_at"]))
            .collect()
    }
    /// The whole registry as a `LoyaltyRegistry` value.
    fn registry(&self, py: Python<'_>) -> PyResult<PyRegistry> {
        let l = self.ledger.clone();
        store(py, detach_guarded(py, move || l.loyalty_registry())?).map(PyRegistry)
    }
    /// Loads a `LoyaltyRegistry` (e.g. from an old JSON state): cards not yet in the ledger are
    /// added; returns how many.
    #[pyo3(signature = (registry, *, now = None, tz = None))]
    fn import_registry(
        &self,
        py: Python<'_>,
        registry: &PyRegistry,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<usize> {
        let now = local_or_now(py, now, tz)?;
        let (l, reg) = (self.ledger.clone(), registry.0.clone());
        store(py, detach_guarded(py, move || l.loyalty_import(&reg, now))?)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "LoyaltyLedger", "" => self.programme.0.name.as_str())
    }
}

/// Rating → review → bonus kept in a `chek.Ledger`: `answer`, `click` and `visit` are each one
/// transaction and return the outcome as a dict (the shapes of `FeedbackState`'s methods).
/// The response id and the visit id are the events' own ids: a retry changes nothing.
#[pyclass(frozen, module = "chek", name = "FeedbackLedger")]
pub(crate) struct PyFeedbackLedger {
    ledger: Ledger,
    survey: PySurvey,
    key: Vec<u8>,
}

#[pymethods]
impl PyFeedbackLedger {
    /// `key` signs the review links (at least 16 bytes).
    #[new]
    fn new(ledger: &PyLedger, survey: &PySurvey, key: Vec<u8>) -> Self {
        PyFeedbackLedger {
            ledger: ledger.ledger.clone(),
            survey: survey.clone(),
            key,
        }
    }
    /// Records a survey answer; raises `chek.FeedbackError` for bad scores or ids.
    #[pyo3(signature = (*, client, response, scores, now = None, tz = None))]
    fn answer<'py>(
        &self,
        py: Python<'py>,
        client: &str,
        response: &str,
        scores: Vec<u8>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = local_or_now(py, now, tz)?;
        let r = Response {
            id: response.to_owned(),
            client: client.to_owned(),
            scores,
        };
        let (l, s, k) = (self.ledger.clone(), self.survey.0.clone(), self.key.clone());
        let out = store(
            py,
            detach_guarded(py, move || l.feedback_answer(&s, &k, &r, now))?,
        )?
        .or_raise(py)?;
        serde_dict(py, &out, &[])
    }
    /// Records a click on a review link (the token or the whole link), once.
    #[pyo3(signature = (token, *, now = None, tz = None))]
    fn click<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = local_or_now(py, now, tz)?;
        let token = token.rsplit('/').next().unwrap_or(token).to_owned();
        let (l, s, k) = (self.ledger.clone(), self.survey.0.clone(), self.key.clone());
        let out = store(
            py,
            detach_guarded(py, move || l.feedback_click(&s, &k, &token, now))?,
        )?
        .or_raise(py)?;
        serde_dict(py, &out, &["clicked_at"])
    }
    /// A client's visit: bonuses granted before `now` are applied, once per bonus and once per
    /// visit id, whenever a retry comes.
    #[pyo3(signature = (client, visit, *, now = None, tz = None))]
    fn visit<'py>(
        &self,
        py: Python<'py>,
        client: &str,
        visit: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = local_or_now(py, now, tz)?;
        let (l, c, v) = (self.ledger.clone(), client.to_owned(), visit.to_owned());
        let out = store(
            py,
            detach_guarded(py, move || l.feedback_visit(&c, &v, now))?,
        )?
        .or_raise(py)?;
        serde_dict(py, &out, &[])
    }
    /// The whole feedback state of the ledger as a `FeedbackState` value (A/B reports, export).
    fn state(&self, py: Python<'_>) -> PyResult<PyState> {
        let l = self.ledger.clone();
        store(py, detach_guarded(py, move || l.feedback_state())?).map(PyState)
    }
    /// Loads a `FeedbackState` into a ledger that holds no feedback yet.
    #[pyo3(signature = (state, *, now = None, tz = None))]
    fn import_state(
        &self,
        py: Python<'_>,
        state: &PyState,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let now = local_or_now(py, now, tz)?;
        let (l, st) = (self.ledger.clone(), state.0.clone());
        store(py, detach_guarded(py, move || l.feedback_import(&st, now))?)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "FeedbackLedger", "" => self.survey.0.id.as_str())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLoyaltyResult>()?;
    m.add_class::<PyLoyaltyLedger>()?;
    m.add_class::<PyFeedbackLedger>()?;
    Ok(())
}
