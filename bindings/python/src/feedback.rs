//! Rating → review → bonus with A/B tests: `chek.Survey`, `chek.Experiment`,
//! `chek.FeedbackState` (an immutable value: `answer`, `click` and `visit` return the next state
//! with the outcome as a dict), `chek.ab_bucket`, `chek.ab_report`, `chek.wilson`.

use chek::engage::feedback::{
    AbEvents, AbReport, DEFAULT_MDE, Experiment, FeedbackError, FeedbackState, Response, Survey,
    TokenInfo, Z95, bucket, check_review_url as core_check_url, open_token, prob_beat as core_prob,
    sample_size, two_proportion_z as core_z, wilson as core_wilson,
};
use chek::{Coded, Lang};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{When, any, dict, local_or_now, py_repr, serde_dict};
use crate::errors::{self, OrRaise, Raise};

impl Raise for FeedbackError {
    type Exc = errors::FeedbackError;

    /// `feedback.bad_events`: `{"errors": [{"line", "problem"}], "total"}`.
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        if let FeedbackError::BadEvents { errors, total } = self {
            let list: Vec<Bound<'py, PyDict>> = errors
                .iter()
                .map(|e| serde_dict(py, e, &[]))
                .collect::<PyResult<_>>()?;
            d.set_item("errors", list)?;
            d.set_item("total", total)?;
        }
        Ok(d)
    }
}

/// A survey: criteria rated 1–10, a threshold (8 by default), the mode (`"compliant"` by
/// default, or `"gated"`, which carries policy warnings), bonus points and the review URL.
#[pyclass(frozen, eq, module = "chek", name = "Survey")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySurvey(pub(crate) Survey);

#[pymethods]
impl PySurvey {
    /// Reads a survey from TOML; raises `chek.FeedbackError` (`feedback.bad_survey`…).
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        Survey::from_toml(text).or_raise(py).map(Self)
    }
    /// Reads a survey from JSON.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        Survey::from_json(text).or_raise(py).map(Self)
    }
    /// Survey id.
    #[getter]
    fn id(&self) -> String {
        self.0.id.clone()
    }
    /// The criteria, in score order.
    #[getter]
    fn criteria(&self) -> Vec<String> {
        self.0.criteria.clone()
    }
    /// The threshold on the 1–10 scale.
    #[getter]
    fn threshold(&self) -> u8 {
        self.0.threshold
    }
    /// `"compliant"` or `"gated"`.
    #[getter]
    fn mode(&self) -> &'static str {
        match self.0.mode {
            chek::engage::feedback::Mode::Compliant => "compliant",
            chek::engage::feedback::Mode::Gated => "gated",
        }
    }
    /// The policy risks of the mode: `[{"code", "hints": {"ru", "en"}}]` (empty when compliant).
    fn policy_risks<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .policy_risks()
            .iter()
            .map(|r| {
                let hints = dict(
                    py,
                    [
                        ("ru", any(py, r.hint(Lang::Ru))?),
                        ("en", any(py, r.hint(Lang::En))?),
                    ],
                )?;
                dict(
                    py,
                    [("code", any(py, r.code())?), ("hints", hints.into_any())],
                )
            })
            .collect()
    }
    /// Rates scores: `{"scores", "average", "satisfied"}`; raises `chek.FeedbackError`
    /// (`feedback.bad_scores`).
    fn rate<'py>(&self, py: Python<'py>, scores: Vec<u8>) -> PyResult<Bound<'py, PyDict>> {
        let r = self.0.rate(&scores).or_raise(py)?;
        serde_dict(py, &r, &[])
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        serde_dict(py, &self.0, &[])
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Survey", "" => self.0.id.as_str())
    }
}

/// An A/B experiment: a name and weighted variants, assigned by `chek-ab-v1` (docs/ab-v1.md).
#[pyclass(frozen, eq, module = "chek", name = "Experiment")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyExperiment(Experiment);

#[pymethods]
impl PyExperiment {
    /// Reads an experiment from TOML; raises `chek.FeedbackError` (`feedback.bad_experiment`).
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        Experiment::from_toml(text).or_raise(py).map(Self)
    }
    /// Reads an experiment from JSON.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        Experiment::from_json(text).or_raise(py).map(Self)
    }
    /// The experiment of a survey, or `None`.
    #[staticmethod]
    fn of_survey(survey: &PySurvey) -> Option<Self> {
        survey.0.experiment.clone().map(Self)
    }
    /// Experiment name.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }
    /// The variant names, in order.
    #[getter]
    fn variants(&self) -> Vec<String> {
        self.0.variants.iter().map(|v| v.name.clone()).collect()
    }
    /// The variant a client gets.
    fn assign(&self, py: Python<'_>, client: &str) -> PyResult<String> {
        self.0.assign(client).map(|v| v.name.clone()).or_raise(py)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Experiment", "" => self.0.name.as_str())
    }
}

/// Answers, review clicks, bonuses and A/B assignments: an immutable value; `answer`, `click` and
/// `visit` return `(next_state, outcome_dict)`.
#[pyclass(frozen, eq, module = "chek", name = "FeedbackState")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyState(pub(crate) FeedbackState);

type Step<'py> = (PyState, Bound<'py, PyDict>);

#[pymethods]
impl PyState {
    #[new]
    fn new() -> Self {
        Self(FeedbackState::default())
    }
    /// Records a survey answer (a repeat of `response` changes nothing). The outcome: `seq`,
    /// `rating`, `invitation` (`token`, `link`, `variant`, `message`, `sms`), `bonus`,
    /// `follow_up`, `repeated`, `warnings`.
    #[pyo3(signature = (survey, key, *, client, response, scores, now = None, tz = None))]
    #[allow(clippy::too_many_arguments)]
    fn answer<'py>(
        &self,
        py: Python<'py>,
        survey: &PySurvey,
        key: &[u8],
        client: &str,
        response: &str,
        scores: Vec<u8>,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Step<'py>> {
        let now = local_or_now(py, now, tz)?;
        let r = Response {
            id: response.to_owned(),
            client: client.to_owned(),
            scores,
        };
        let (st, out) = self
            .0
            .clone()
            .answer(&survey.0, key, &r, now)
            .or_raise(py)?;
        Ok((Self(st), serde_dict(py, &out, &[])?))
    }
    /// Records a click on a review link (the token, or the whole link with any `?utm_…` or
    /// `#fragment` appended), once; gated mode grants the bonus here.
    #[pyo3(signature = (survey, key, token, *, now = None, tz = None))]
    fn click<'py>(
        &self,
        py: Python<'py>,
        survey: &PySurvey,
        key: &[u8],
        token: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Step<'py>> {
        let now = local_or_now(py, now, tz)?;
        let (st, out) = self
            .0
            .clone()
            .click(&survey.0, key, token, now)
            .or_raise(py)?;
        Ok((Self(st), serde_dict(py, &out, &["clicked_at"])?))
    }
    /// A client's visit: bonuses granted before `now` are applied, once.
    #[pyo3(signature = (client, visit, *, now = None, tz = None))]
    fn visit<'py>(
        &self,
        py: Python<'py>,
        client: &str,
        visit: &str,
        now: Option<When>,
        tz: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Step<'py>> {
        let now = local_or_now(py, now, tz)?;
        let (st, out) = self.0.clone().visit(client, visit, now).or_raise(py)?;
        Ok((Self(st), serde_dict(py, &out, &[])?))
    }
    /// Per-variant counts, conversion (review clicks), 95 % Wilson intervals, the comparison
    /// with the control (`vs_control`) and the sample size for `mde`.
    #[pyo3(signature = (experiment, *, mde = DEFAULT_MDE))]
    fn ab_report<'py>(
        &self,
        py: Python<'py>,
        experiment: &PyExperiment,
        mde: f64,
    ) -> PyResult<Bound<'py, PyDict>> {
        let r = self.0.ab_report(&experiment.0).with_mde(mde).or_raise(py)?;
        serde_dict(py, &r, &[])
    }
    /// Number of recorded answers.
    fn __len__(&self) -> usize {
        self.0.responses().len()
    }
    /// The state as JSON (what the host stores).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// A state from its JSON; `ValueError` when records contradict each other.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .map(Self)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "FeedbackState", "answers" => self.0.responses().len())
    }
}

/// The `chek-ab-v1` bucket of a client in an experiment, in `[0, 10000)`.
#[pyfunction]
fn ab_bucket(experiment: &str, client: &str) -> u32 {
    bucket(experiment, client)
}

/// A report from `(variant, converted)` observations, one per exposed client: counts, rates,
/// Wilson intervals, `vs_control` (difference, z, p_value, significant, prob_beat_control) and
/// `sample_size` / `still_needed` for the minimum detectable effect `mde` (absolute).
#[pyfunction]
#[pyo3(signature = (experiment, observations, *, mde = DEFAULT_MDE))]
fn ab_report<'py>(
    py: Python<'py>,
    experiment: &PyExperiment,
    observations: Vec<(String, bool)>,
    mde: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let r = AbReport::from_observations(
        &experiment.0,
        observations.iter().map(|(v, c)| (v.as_str(), *c)),
    )
    .with_mde(mde)
    .or_raise(py)?;
    serde_dict(py, &r, &[])
}

/// Reads an A/B events CSV (`client,converted`) strictly: `{"clients": [(client, converted)],
/// "lines", "repeats", "converted"}`, one entry per client (converted if any line says so).
/// Raises `chek.FeedbackError` `feedback.bad_events` with `.details["errors"]` (line, problem).
#[pyfunction]
fn ab_events<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let ev = AbEvents::parse_csv(text).or_raise(py)?;
    let clients: Vec<(String, bool)> = ev.clients().map(|(c, v)| (c.to_owned(), v)).collect();
    let d = PyDict::new(py);
    d.set_item("clients", clients)?;
    d.set_item("lines", ev.lines)?;
    d.set_item("repeats", ev.repeats)?;
    d.set_item("converted", ev.converted())?;
    Ok(d)
}

/// The A/B report of an events CSV: variants assigned by `chek-ab-v1`, one exposure per client.
#[pyfunction]
#[pyo3(signature = (experiment, text, *, mde = DEFAULT_MDE))]
fn ab_report_events<'py>(
    py: Python<'py>,
    experiment: &PyExperiment,
    text: &str,
    mde: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let r = AbEvents::parse_csv(text)
        .and_then(|ev| ev.report(&experiment.0))
        .and_then(|r| r.with_mde(mde))
        .or_raise(py)?;
    serde_dict(py, &r, &[])
}

/// The pooled two-proportion z-test of `conv_b/n_b` against `conv_a/n_a`: `(z, p_value)`,
/// two-sided.
#[pyfunction]
fn two_proportion_z(conv_a: u64, n_a: u64, conv_b: u64, n_b: u64) -> (f64, f64) {
    core_z(conv_a, n_a, conv_b, n_b)
}

/// The probability that B converts better than A (Beta(1, 1) priors).
#[pyfunction]
fn prob_beat(conv_a: u64, n_a: u64, conv_b: u64, n_b: u64) -> f64 {
    core_prob(conv_a, n_a, conv_b, n_b)
}

/// Clients per variant to detect an absolute difference `mde` from a baseline rate `base`
/// (α = 0.05 two-sided, power 80 %); `None` for an `mde` outside (0, 1).
#[pyfunction]
fn ab_sample_size(base: f64, mde: f64) -> Option<u64> {
    sample_size(base, mde)
}

/// The token of a review link (or a bare token), not verified: `{"token", "version", "seq"}`.
/// Raises `chek.FeedbackError` `feedback.bad_token` when the link holds none.
#[pyfunction]
fn review_token_info<'py>(py: Python<'py>, link: &str) -> PyResult<Bound<'py, PyDict>> {
    let t = TokenInfo::parse(link).or_raise(py)?;
    serde_dict(py, &t, &[])
}

/// Verifies a review link (or token) of survey `survey_id` with the host's key: the answer's
/// sequence number. Raises `chek.FeedbackError` (`feedback.bad_token`, `feedback.weak_key`).
#[pyfunction]
fn open_review_token(py: Python<'_>, key: &[u8], survey_id: &str, link: &str) -> PyResult<u64> {
    open_token(key, survey_id, link).or_raise(py)
}

/// Checks a review-link prefix (http or https with a host); raises `chek.FeedbackError`
/// (`feedback.bad_survey`) naming the problem.
#[pyfunction]
fn check_review_url(py: Python<'_>, url: &str) -> PyResult<()> {
    core_check_url(url)
        .map_err(|p| FeedbackError::BadSurvey(format!("review_url: {p}")))
        .or_raise(py)
}

/// The Wilson score interval `(low, high)` for `converted` of `exposed` (95 % by default).
#[pyfunction]
#[pyo3(signature = (converted, exposed, *, z = Z95))]
fn wilson(converted: u64, exposed: u64, z: f64) -> (f64, f64) {
    core_wilson(converted, exposed, z)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySurvey>()?;
    m.add_class::<PyExperiment>()?;
    m.add_class::<PyState>()?;
    m.add_function(wrap_pyfunction!(ab_bucket, m)?)?;
    m.add_function(wrap_pyfunction!(ab_report, m)?)?;
    m.add_function(wrap_pyfunction!(wilson, m)?)?;
    m.add_function(wrap_pyfunction!(ab_events, m)?)?;
    m.add_function(wrap_pyfunction!(ab_report_events, m)?)?;
    m.add_function(wrap_pyfunction!(two_proportion_z, m)?)?;
    m.add_function(wrap_pyfunction!(prob_beat, m)?)?;
    m.add_function(wrap_pyfunction!(ab_sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(review_token_info, m)?)?;
    m.add_function(wrap_pyfunction!(open_review_token, m)?)?;
    m.add_function(wrap_pyfunction!(check_review_url, m)?)?;
    Ok(())
}
