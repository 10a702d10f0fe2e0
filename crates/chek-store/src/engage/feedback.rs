//! Feedback in the ledger: answers, their id index, bonuses (found by client), A/B
//! assignments, the visits seen per client and the answer counter, each a document. A step
//! loads what it reads into [`FeedbackState::slice`], runs the same rules as the whole state,
//! and writes back [`FeedbackState::changes`], all in one transaction.

use std::collections::BTreeSet;

use chek_engage::feedback::{
    AnswerOutcome, Bonus, ClickOutcome, FeedbackError, FeedbackState, Response, ResponseRecord,
    Survey, VisitOutcome, open_token,
};
use chrono::NaiveDateTime;

use super::doc::Docs;
use crate::{Ledger, StoreError};

const RESPONSE: &str = "feedback.response";
const RESPONSE_ID: &str = "feedback.response_id";
const COUNTER: &str = "feedback.seq";
const ASSIGNMENT: &str = "feedback.assignment";
const BONUS: &str = "feedback.bonus";
const VISITS: &str = "feedback.visits";

/// A step's result: the flow's own refusal (bad scores, a forged token) is not a ledger error.
pub type FeedbackResult<T> = Result<Result<T, FeedbackError>, StoreError>;

/// Composite keys as JSON arrays: unambiguous whatever the ids hold.
fn pair(a: &str, b: &str) -> String {
    serde_json::to_string(&[a, b]).unwrap_or_default()
}

fn seq_key(seq: u64) -> String {
    format!("{seq:020}")
}

fn bonus_key(b: &Bonus) -> String {
    let reason = serde_json::to_value(b.reason).unwrap_or_default();
    pair(&seq_key(b.response_seq), reason.as_str().unwrap_or(""))
}

fn client_bonuses(d: &mut Docs<'_>, client: &str) -> Result<Vec<Bonus>, StoreError> {
    Ok(d.by_group::<Bonus>(BONUS, client)?
        .into_iter()
        .map(|(_, b)| b)
        .collect())
}

fn write_back(
    d: &mut Docs<'_>,
    before: &FeedbackState,
    after: &FeedbackState,
) -> Result<(), StoreError> {
    let ch = after.changes(before);
    for r in &ch.responses {
        d.put(RESPONSE, &seq_key(r.seq), None, r)?;
        d.put(RESPONSE_ID, &pair(&r.survey, &r.response), None, &r.seq)?;
    }
    for b in &ch.bonuses {
        d.put(BONUS, &bonus_key(b), Some(&b.client), b)?;
    }
    for (experiment, client, variant) in &ch.assignments {
        d.put(ASSIGNMENT, &pair(experiment, client), None, variant)?;
    }
    for (client, visits) in &ch.visits {
        d.put(VISITS, client, None, visits)?;
    }
    if let Some(next) = ch.next_seq {
        d.put(COUNTER, "next", None, &next)?;
    }
    Ok(())
}

/// Runs a step on the slice and writes back what changed; a refusal writes nothing.
fn step<T>(
    d: &mut Docs<'_>,
    before: FeedbackState,
    run: impl FnOnce(FeedbackState) -> Result<(FeedbackState, T), FeedbackError>,
) -> FeedbackResult<T> {
    match run(before.clone()) {
        Ok((after, out)) => {
            write_back(d, &before, &after)?;
            Ok(Ok(out))
        }
        Err(e) => Ok(Err(e)),
    }
}

impl Ledger {
    /// Records a survey answer ([`FeedbackState::answer`]) in one transaction. The response id
    /// is the event id: a repeat returns the first outcome (`repeated`) and changes nothing.
    ///
    /// ```
    /// use chek_engage::feedback::{Response, Survey};
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let survey = Survey::from_toml("id = \"s\"\ncriteria = [\"A\"]\nbonus_points = 5\nreview_url = \"https://r.example/\"\n")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// let key = b"host-secret-of-16+bytes";
    /// let r = Response { id: "r1".into(), client: "c1".into(), scores: vec![9] };
    /// let first = l.feedback_answer(&survey, key, &r, now)??;
    /// assert!(!first.repeated);
    /// assert!(l.feedback_answer(&survey, key, &r, now)??.repeated);
    /// let visit = l.feedback_visit("c1", "v1", now + chrono::TimeDelta::hours(1))??;
    /// assert_eq!(visit.points, 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn feedback_answer(
        &self,
        survey: &Survey,
        key: &[u8],
        response: &Response,
        now: NaiveDateTime,
    ) -> FeedbackResult<AnswerOutcome> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            let known: Option<u64> = d.get(RESPONSE_ID, &pair(&survey.id, &response.id))?;
            let before = match known {
                Some(seq) => {
                    let rec: ResponseRecord = d.get(RESPONSE, &seq_key(seq))?.ok_or_else(|| {
                        StoreError::Corrupt(format!("answer {seq} is indexed but missing"))
                    })?;
                    let bonuses = client_bonuses(&mut d, &rec.client)?;
                    FeedbackState::slice(seq + 1, [rec], bonuses, [], [])
                }
                None => {
                    let next: u64 = d.get(COUNTER, "next")?.unwrap_or(1);
                    let mut assignments = Vec::new();
                    if let Some(e) = &survey.experiment
                        && let Some(v) =
                            d.get::<String>(ASSIGNMENT, &pair(&e.name, &response.client))?
                    {
                        assignments.push((e.name.clone(), response.client.clone(), v));
                    }
                    FeedbackState::slice(next, [], [], assignments, [])
                }
            };
            step(&mut d, before, |s| s.answer(survey, key, response, now))
        })
    }

    /// Records a click on a review link ([`FeedbackState::click`]): the first click only.
    pub fn feedback_click(
        &self,
        survey: &Survey,
        key: &[u8],
        token: &str,
        now: NaiveDateTime,
    ) -> FeedbackResult<ClickOutcome> {
        let seq = match open_token(key, &survey.id, token) {
            Ok(seq) => seq,
            Err(e) => return Ok(Err(e)),
        };
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            let rec: Option<ResponseRecord> = d.get(RESPONSE, &seq_key(seq))?;
            let before = FeedbackState::slice(seq + 1, rec, [], [], []);
            step(&mut d, before, |s| s.click(survey, key, token, now))
        })
    }

    /// A client's visit ([`FeedbackState::visit`]): the bonuses granted before it are applied
    /// once; the visit id is the event id, whenever a retry comes.
    pub fn feedback_visit(
        &self,
        client: &str,
        visit: &str,
        now: NaiveDateTime,
    ) -> FeedbackResult<VisitOutcome> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            let bonuses = if client.is_empty() {
                Vec::new()
            } else {
                client_bonuses(&mut d, client)?
            };
            let seen: Option<BTreeSet<String>> = if client.is_empty() {
                None
            } else {
                d.get(VISITS, client)?
            };
            let visits = seen.map(|v| (client.to_owned(), v));
            let before = FeedbackState::slice(1, [], bonuses, [], visits);
            step(&mut d, before, |s| s.visit(client, visit, now))
        })
    }

    /// The whole feedback state (for export to the JSON state format and A/B reports).
    pub fn feedback_state(&self) -> Result<FeedbackState, StoreError> {
        fn all<T: serde::de::DeserializeOwned>(
            l: &Ledger,
            kind: &str,
        ) -> Result<Vec<(String, T)>, StoreError> {
            l.docs_all(kind)?
                .into_iter()
                .map(|(k, raw)| {
                    serde_json::from_str(&raw)
                        .map(|v| (k.clone(), v))
                        .map_err(|e| StoreError::Corrupt(format!("{kind} {k:?}: {e}")))
                })
                .collect()
        }
        let responses: Vec<(String, ResponseRecord)> = all(self, RESPONSE)?;
        let bonuses: Vec<(String, Bonus)> = all(self, BONUS)?;
        let mut assignments = Vec::new();
        for (k, v) in all::<String>(self, ASSIGNMENT)? {
            let [e, c]: [String; 2] = serde_json::from_str(&k)
                .map_err(|e| StoreError::Corrupt(format!("{ASSIGNMENT} {k:?}: {e}")))?;
            assignments.push((e, c, v));
        }
        let visits: Vec<(String, BTreeSet<String>)> = all(self, VISITS)?;
        let next = all::<u64>(self, COUNTER)?.first().map_or(1, |(_, n)| *n);
        Ok(FeedbackState::slice(
            next,
            responses.into_iter().map(|(_, r)| r),
            bonuses.into_iter().map(|(_, b)| b),
            assignments,
            visits,
        ))
    }
}

impl Ledger {
    /// Loads a whole feedback state (the JSON state format) into a ledger that holds no
    /// feedback yet, in one transaction; a ledger with answers is a conflict.
    pub fn feedback_import(
        &self,
        state: &FeedbackState,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            if d.get::<u64>(COUNTER, "next")?.is_some() {
                return Err(StoreError::Conflict(
                    "the ledger already holds feedback answers".into(),
                ));
            }
            write_back(&mut d, &FeedbackState::default(), state)
        })
    }
}
