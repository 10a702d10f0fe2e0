//! The re-check schedule: `chek.RecheckPolicy` (the core's policy: try now, again after one
//! day, again after three, then an operator) and its answer `chek.NextAction`. An `Engine`
//! takes one as `recheck_policy=`.

use chek::verify::{NextAction, RecheckPolicy};
use chrono::{NaiveDateTime, TimeDelta};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{Utc, json_dict, py_repr};
use crate::records::PyAttempt;

/// When to ask a provider again about a receipt it did not confirm: `schedule` holds the
/// offsets from the first counted attempt (default: 0, 1 day, 3 days); when it is spent the
/// receipt goes to an operator (`escalate_when_exhausted=True`) or is given up. Rate limits and
/// outages spend no attempt: they wait `rate_limit_wait` (when the provider named no time) or
/// `outage_wait`, and `max_free_attempts` of them in a row escalate.
#[pyclass(frozen, eq, module = "chek", name = "RecheckPolicy")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRecheckPolicy(pub(crate) RecheckPolicy);

fn non_negative(d: TimeDelta, what: &str) -> PyResult<TimeDelta> {
    if d < TimeDelta::zero() {
        return Err(PyValueError::new_err(format!(
            "{what} must not be negative"
        )));
    }
    Ok(d)
}

#[pymethods]
impl PyRecheckPolicy {
    #[new]
    #[pyo3(signature = (schedule = None, *, escalate_when_exhausted = true, rate_limit_wait = None, outage_wait = None, max_free_attempts = None))]
    fn new(
        schedule: Option<Vec<TimeDelta>>,
        escalate_when_exhausted: bool,
        rate_limit_wait: Option<TimeDelta>,
        outage_wait: Option<TimeDelta>,
        max_free_attempts: Option<u32>,
    ) -> PyResult<Self> {
        let mut p = RecheckPolicy {
            escalate_when_exhausted,
            ..RecheckPolicy::default()
        };
        if let Some(s) = schedule {
            p.schedule = s
                .into_iter()
                .map(|d| non_negative(d, "a schedule offset"))
                .collect::<PyResult<_>>()?;
        }
        if let Some(d) = rate_limit_wait {
            p.rate_limit_wait = non_negative(d, "rate_limit_wait")?;
        }
        if let Some(d) = outage_wait {
            p.outage_wait = non_negative(d, "outage_wait")?;
        }
        if let Some(n) = max_free_attempts {
            p.max_free_attempts = n;
        }
        Ok(PyRecheckPolicy(p))
    }
    /// Offsets from the first counted attempt at which to try (`datetime.timedelta`s).
    #[getter]
    fn schedule(&self) -> Vec<TimeDelta> {
        self.0.schedule.clone()
    }
    /// When the schedule is spent: hand the receipt to a person (`True`) or give up.
    #[getter]
    fn escalate_when_exhausted(&self) -> bool {
        self.0.escalate_when_exhausted
    }
    /// The wait after a rate limit that did not say how long.
    #[getter]
    fn rate_limit_wait(&self) -> TimeDelta {
        self.0.rate_limit_wait
    }
    /// The wait after an outage or refused credentials.
    #[getter]
    fn outage_wait(&self) -> TimeDelta {
        self.0.outage_wait
    }
    /// How many uncounted answers in a row (limits, outages) before a person is asked.
    #[getter]
    fn max_free_attempts(&self) -> u32 {
        self.0.max_free_attempts
    }
    /// The next step after `attempts` (oldest first: `Attempt`s, e.g. a
    /// `PendingRecheck.attempts`), as of `now` (naive UTC, or aware; default: now).
    #[pyo3(signature = (attempts, *, now = None))]
    fn next(
        &self,
        py: Python<'_>,
        attempts: Vec<PyRef<'_, PyAttempt>>,
        now: Option<Utc>,
    ) -> PyResult<PyNextAction> {
        let history: Vec<_> = attempts.iter().map(|a| a.0.clone()).collect();
        let now = crate::campaign::now_utc(py, now.map(|n| n.0))?;
        Ok(PyNextAction(self.0.next(&history, now)))
    }
    /// The policy's fields; waits as `[seconds, nanoseconds]` (the core's serde shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "RecheckPolicy",
            "schedule" => self.0.schedule.clone(),
            "escalate_when_exhausted" => self.0.escalate_when_exhausted)
    }
}

/// What to do next with a receipt: `.action` is `"done"` (verified), `"retry_at"` (ask again
/// at `.at`, naive UTC), `"escalate"` (hand it to a person) or `"give_up"`.
#[pyclass(frozen, eq, module = "chek", name = "NextAction")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyNextAction(NextAction);

#[pymethods]
impl PyNextAction {
    #[getter]
    fn action(&self) -> &'static str {
        match self.0 {
            NextAction::Done => "done",
            NextAction::RetryAt(_) => "retry_at",
            NextAction::Escalate => "escalate",
            _ => "give_up",
        }
    }
    /// When to ask again, for `"retry_at"`; else `None`.
    #[getter]
    fn at(&self) -> Option<NaiveDateTime> {
        match self.0 {
            NextAction::RetryAt(t) => Some(t),
            _ => None,
        }
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "NextAction", "action" => self.action(), "at" => self.at())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRecheckPolicy>()?;
    m.add_class::<PyNextAction>()?;
    Ok(())
}
