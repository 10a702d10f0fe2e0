//! The feedback state a host keeps: answers, review clicks, bonuses and A/B assignments.
//! Operations take it by value and return the next one with an outcome.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::error::check_id;
use super::token::check_key;
use super::{AbReport, Experiment, FeedbackError, Mode, PolicyRisk, Rating, Survey};
use super::{open_token, sign_token};
use chek_ru::sms::{SmsLength, measure};

/// The invitation text when the variant gives none; `{link}` is the review link. With a
/// 20-character token and a review URL of up to 27 characters it fits one SMS (70 UCS-2 units).
pub const DEFAULT_INVITATION: &str = "Спасибо за ответ! Отзыв: {link}";

/// One answer to a survey, as the host received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The host's id of this answer; a repeat with the same id changes nothing.
    pub id: String,
    /// The client.
    pub client: String,
    /// One score per criterion, 1–10.
    pub scores: Vec<u8>,
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRecord {
    /// Sequence number, from 1; what a review token names.
    pub seq: u64,
    /// Survey id.
    pub survey: String,
    /// The host's response id.
    pub response: String,
    /// Client.
    pub client: String,
    /// Scores.
    pub scores: Vec<u8>,
    /// Average at or above the threshold.
    pub satisfied: bool,
    /// When answered.
    pub answered_at: NaiveDateTime,
    /// Whether a review link was sent.
    pub invited: bool,
    /// The experiment and variant of the invitation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
    /// The variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The first click on the review link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clicked_at: Option<NaiveDateTime>,
}

/// What a bonus rewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BonusReason {
    /// Answering the survey (compliant mode).
    SurveyAnswer,
    /// Clicking the review link (gated mode; a policy risk).
    ReviewClick,
}

/// A bonus granted once and applied at the client's next visit, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bonus {
    /// The answer it belongs to (its sequence number).
    pub response_seq: u64,
    /// Client.
    pub client: String,
    /// Why.
    pub reason: BonusReason,
    /// Points.
    pub points: u64,
    /// When granted.
    pub granted_at: NaiveDateTime,
    /// When applied (at a visit after the grant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<NaiveDateTime>,
    /// The visit it was applied at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_visit: Option<String>,
}

/// A review invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    /// The signed token.
    pub token: String,
    /// The review link (survey's `review_url` + token).
    pub link: String,
    /// The A/B variant, if the survey runs an experiment.
    pub variant: Option<String>,
    /// The message to send.
    pub message: String,
    /// Its SMS length.
    pub sms: SmsLength,
}

/// What an answer came to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerOutcome {
    /// Sequence number of the answer.
    pub seq: u64,
    /// Client.
    pub client: String,
    /// Scores, average, satisfied.
    pub rating: Rating,
    /// The survey's threshold.
    pub threshold: u8,
    /// The survey's mode.
    pub mode: Mode,
    /// The review invitation (everyone in compliant mode; only the satisfied when gated).
    pub invitation: Option<Invitation>,
    /// The bonus for the answer (compliant mode with bonus points).
    pub bonus: Option<Bonus>,
    /// Below the threshold: someone should follow up privately. Never a gate on the invitation
    /// in compliant mode.
    pub follow_up: bool,
    /// The answer was already recorded (same response id): nothing changed.
    pub repeated: bool,
    /// Policy risks of the configuration (gated mode).
    pub warnings: Vec<PolicyRisk>,
}

/// What a review-link click came to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClickOutcome {
    /// The answer the link belongs to.
    pub seq: u64,
    /// Client.
    pub client: String,
    /// The A/B variant of the invitation.
    pub variant: Option<String>,
    /// Whether this is the first click (recorded now); later clicks change nothing.
    pub first: bool,
    /// When the first click happened.
    pub clicked_at: NaiveDateTime,
    /// The bonus granted by this click (gated mode, first click only).
    pub bonus: Option<Bonus>,
    /// Policy risks of the configuration (gated mode).
    pub warnings: Vec<PolicyRisk>,
}

/// What a visit came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitOutcome {
    /// Client.
    pub client: String,
    /// Visit id.
    pub visit: String,
    /// The bonuses applied at this visit.
    pub applied: Vec<Bonus>,
    /// Their points.
    pub points: u64,
    /// The visit id was seen before (whenever): the same bonuses, nothing applied again.
    pub repeated: bool,
}

/// Answers, clicks, bonuses and A/B assignments, persisted by the host (serde).
///
/// ```
/// use chek_engage::feedback::{FeedbackState, Response, Survey};
/// let survey = Survey::from_toml(r#"
/// id = "after-visit"
/// criteria = ["Вкус", "Сервис", "Чистота"]
/// bonus_points = 50
/// review_url = "https://r.example/r/"
/// "#).unwrap();
/// let key = b"host-secret-of-16+bytes";
/// let t = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(h, 0, 0).unwrap();
///
/// // Compliant: a low rating is invited too, and the answer earns the bonus.
/// let answer = Response { id: "r1".into(), client: "c1".into(), scores: vec![5, 6, 7] };
/// let (state, out) = FeedbackState::default().answer(&survey, key, &answer, t(10)).unwrap();
/// assert!(!out.rating.satisfied && out.follow_up);
/// let link = out.invitation.unwrap();
/// assert_eq!(out.bonus.unwrap().points, 50);
///
/// // The click is recorded once.
/// let (state, click) = state.click(&survey, key, &link.token, t(11)).unwrap();
/// assert!(click.first);
/// let (state, click) = state.click(&survey, key, &link.token, t(12)).unwrap();
/// assert!(!click.first);
///
/// // The bonus is applied at the next visit, once.
/// let (state, v) = state.visit("c1", "visit-2", t(13)).unwrap();
/// assert_eq!(v.points, 50);
/// let (_, v) = state.visit("c1", "visit-3", t(14)).unwrap();
/// assert_eq!(v.points, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StateFile", into = "StateFile")]
pub struct FeedbackState {
    /// By sequence number. A whole state holds 1..next_seq; a [`FeedbackState::slice`] only
    /// what one step reads.
    responses: BTreeMap<u64, ResponseRecord>,
    next_seq: u64,
    bonuses: Vec<Bonus>,
    assignments: BTreeMap<String, BTreeMap<String, String>>,
    /// Every visit id seen per client: a retry is recognised whenever it comes.
    visits: BTreeMap<String, BTreeSet<String>>,
    index: BTreeMap<(String, String), u64>,
}

impl Default for FeedbackState {
    fn default() -> Self {
        FeedbackState {
            responses: BTreeMap::new(),
            next_seq: 1,
            bonuses: Vec::new(),
            assignments: BTreeMap::new(),
            visits: BTreeMap::new(),
            index: BTreeMap::new(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    #[serde(default)]
    responses: Vec<ResponseRecord>,
    #[serde(default)]
    bonuses: Vec<Bonus>,
    #[serde(default)]
    assignments: BTreeMap<String, BTreeMap<String, String>>,
    /// Files written before every visit was kept: the last visit per client.
    #[serde(default, skip_serializing)]
    last_visit: BTreeMap<String, String>,
    #[serde(default)]
    visits: BTreeMap<String, BTreeSet<String>>,
}

impl TryFrom<StateFile> for FeedbackState {
    type Error = FeedbackError;
    fn try_from(f: StateFile) -> Result<Self, FeedbackError> {
        let bad = |m: String| Err(FeedbackError::BadState(m));
        let mut index = BTreeMap::new();
        for (i, r) in f.responses.iter().enumerate() {
            if r.seq != i as u64 + 1 {
                return bad(format!("response {} has seq {}", i + 1, r.seq));
            }
            if index
                .insert((r.survey.clone(), r.response.clone()), r.seq)
                .is_some()
            {
                return bad(format!("response {:?} twice", r.response));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for b in &f.bonuses {
            let owner = f.responses.get((b.response_seq as usize).wrapping_sub(1));
            if owner.map(|r| &r.client) != Some(&b.client) {
                return bad(format!("bonus of response {} has no owner", b.response_seq));
            }
            if !seen.insert((b.response_seq, b.reason)) {
                return bad(format!("response {} has two bonuses", b.response_seq));
            }
        }
        let mut visits = f.visits;
        for (client, visit) in f.last_visit {
            visits.entry(client).or_default().insert(visit);
        }
        Ok(FeedbackState {
            next_seq: f.responses.len() as u64 + 1,
            responses: f.responses.into_iter().map(|r| (r.seq, r)).collect(),
            bonuses: f.bonuses,
            assignments: f.assignments,
            visits,
            index,
        })
    }
}

impl From<FeedbackState> for StateFile {
    fn from(s: FeedbackState) -> Self {
        StateFile {
            responses: s.responses.into_values().collect(),
            bonuses: s.bonuses,
            assignments: s.assignments,
            last_visit: BTreeMap::new(),
            visits: s.visits,
        }
    }
}

/// What one step changed, for a store that keeps the state as separate records: see
/// [`FeedbackState::slice`] and [`FeedbackState::changes`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// New or changed answers.
    pub responses: Vec<ResponseRecord>,
    /// New or changed bonuses (a bonus is known by its answer and reason).
    pub bonuses: Vec<Bonus>,
    /// New sticky assignments: (experiment, client, variant).
    pub assignments: Vec<(String, String, String)>,
    /// Clients whose seen visits changed, with all their visits.
    pub visits: Vec<(String, BTreeSet<String>)>,
    /// The next sequence number, when an answer took one.
    pub next_seq: Option<u64>,
}

impl Changes {
    /// Whether the step changed nothing.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

fn invitation(
    survey: &Survey,
    key: &[u8],
    rec: &ResponseRecord,
) -> Result<Invitation, FeedbackError> {
    let token = sign_token(key, &survey.id, rec.seq)?;
    let link = format!("{}{token}", survey.review_url);
    let template = survey
        .experiment
        .as_ref()
        .zip(rec.variant.as_ref())
        .and_then(|(e, v)| e.variants.iter().find(|x| &x.name == v))
        .map(|v| v.message.as_str())
        .filter(|m| !m.is_empty())
        .unwrap_or(DEFAULT_INVITATION);
    let message = template.replace("{link}", &link);
    Ok(Invitation {
        sms: measure(&message),
        token,
        link,
        variant: rec.variant.clone(),
        message,
    })
}

impl FeedbackState {
    /// Recorded answers, in order.
    pub fn responses(&self) -> impl ExactSizeIterator<Item = &ResponseRecord> {
        self.responses.values()
    }

    /// The answer with this sequence number.
    pub fn response(&self, seq: u64) -> Option<&ResponseRecord> {
        self.responses.get(&seq)
    }

    /// The sequence number the next answer gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The sticky A/B assignments: experiment → client → variant.
    pub fn assignments(&self) -> &BTreeMap<String, BTreeMap<String, String>> {
        &self.assignments
    }

    /// The visit ids seen per client.
    pub fn visits(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.visits
    }

    /// Every bonus granted.
    pub fn bonuses(&self) -> &[Bonus] {
        &self.bonuses
    }

    /// A partial state holding only the records one step reads, for a store that keeps
    /// answers, bonuses, assignments and visits as separate records: the answer found by its
    /// id (or none), the client's bonuses and visits, the client's assignment, and the store's
    /// counter as `next_seq`. The step then answers exactly as on the whole state, and
    /// [`FeedbackState::changes`] says what to write back.
    ///
    /// ```
    /// use chek_engage::feedback::{FeedbackState, Response, Survey};
    /// let survey = Survey::from_toml("id = \"s\"\ncriteria = [\"A\"]\nbonus_points = 5\nreview_url = \"https://r.example/\"\n").unwrap();
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// let before = FeedbackState::slice(41, [], [], [], []);
    /// let r = Response { id: "r1".into(), client: "c1".into(), scores: vec![9] };
    /// let (after, out) = before.clone().answer(&survey, b"host-secret-of-16+bytes", &r, now).unwrap();
    /// assert_eq!(out.seq, 41);
    /// let ch = after.changes(&before);
    /// assert_eq!((ch.responses.len(), ch.bonuses.len(), ch.next_seq), (1, 1, Some(42)));
    /// ```
    pub fn slice(
        next_seq: u64,
        responses: impl IntoIterator<Item = ResponseRecord>,
        bonuses: impl IntoIterator<Item = Bonus>,
        assignments: impl IntoIterator<Item = (String, String, String)>,
        visits: impl IntoIterator<Item = (String, BTreeSet<String>)>,
    ) -> FeedbackState {
        let responses: BTreeMap<u64, ResponseRecord> =
            responses.into_iter().map(|r| (r.seq, r)).collect();
        let index = responses
            .values()
            .map(|r| ((r.survey.clone(), r.response.clone()), r.seq))
            .collect();
        let mut a: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (experiment, client, variant) in assignments {
            a.entry(experiment).or_default().insert(client, variant);
        }
        FeedbackState {
            responses,
            next_seq: next_seq.max(1),
            bonuses: bonuses.into_iter().collect(),
            assignments: a,
            visits: visits.into_iter().collect(),
            index,
        }
    }

    /// What changed since `before` (the state the step started from).
    pub fn changes(&self, before: &FeedbackState) -> Changes {
        let responses = self
            .responses
            .iter()
            .filter(|(seq, r)| before.responses.get(seq) != Some(r))
            .map(|(_, r)| r.clone())
            .collect();
        let bonuses = self
            .bonuses
            .iter()
            .filter(|b| !before.bonuses.contains(b))
            .cloned()
            .collect();
        let mut assignments = Vec::new();
        for (e, clients) in &self.assignments {
            for (c, v) in clients {
                if before.assignments.get(e).and_then(|m| m.get(c)) != Some(v) {
                    assignments.push((e.clone(), c.clone(), v.clone()));
                }
            }
        }
        let visits = self
            .visits
            .iter()
            .filter(|(c, v)| before.visits.get(*c) != Some(v))
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect();
        Changes {
            responses,
            bonuses,
            assignments,
            visits,
            next_seq: (self.next_seq != before.next_seq).then_some(self.next_seq),
        }
    }

    /// Bonuses of a client granted and not yet applied.
    pub fn pending_bonuses<'a>(&'a self, client: &'a str) -> impl Iterator<Item = &'a Bonus> {
        self.bonuses
            .iter()
            .filter(move |b| b.client == client && b.applied_at.is_none())
    }

    /// Records an answer: rates it, sends a review invitation (everyone when compliant, the
    /// satisfied when gated), grants the answer's bonus (compliant). A repeat of the same
    /// response id returns the first outcome and changes nothing; the same id with other data
    /// is [`FeedbackError::ConflictingResponse`].
    pub fn answer(
        mut self,
        survey: &Survey,
        key: &[u8],
        response: &Response,
        now: NaiveDateTime,
    ) -> Result<(Self, AnswerOutcome), FeedbackError> {
        survey.check()?;
        check_key(key)?;
        check_id(&response.id)?;
        check_id(&response.client)?;
        let rating = survey.rate(&response.scores)?;
        let warnings = survey.policy_risks();
        let key_pair = (survey.id.clone(), response.id.clone());
        if let Some(rec) = self
            .index
            .get(&key_pair)
            .and_then(|s| self.responses.get(s))
        {
            if rec.client != response.client || rec.scores != response.scores {
                return Err(FeedbackError::ConflictingResponse(response.id.clone()));
            }
            let invitation = if rec.invited {
                Some(invitation(survey, key, rec)?)
            } else {
                None
            };
            let bonus = self
                .bonuses
                .iter()
                .find(|b| b.response_seq == rec.seq && b.reason == BonusReason::SurveyAnswer)
                .cloned();
            let out = AnswerOutcome {
                seq: rec.seq,
                client: rec.client.clone(),
                follow_up: !rating.satisfied,
                rating,
                threshold: survey.threshold,
                mode: survey.mode,
                invitation,
                bonus,
                repeated: true,
                warnings,
            };
            return Ok((self, out));
        }
        let seq = self.next_seq;
        let invited = survey.mode == Mode::Compliant || rating.satisfied;
        let (experiment, variant) = match (&survey.experiment, invited) {
            (Some(e), true) => {
                let sticky = self
                    .assignments
                    .get(&e.name)
                    .and_then(|m| m.get(&response.client))
                    .cloned();
                let v = match sticky {
                    Some(v) => v,
                    None => e.assign(&response.client)?.name.clone(),
                };
                (Some(e.name.clone()), Some(v))
            }
            _ => (None, None),
        };
        let rec = ResponseRecord {
            seq,
            survey: survey.id.clone(),
            response: response.id.clone(),
            client: response.client.clone(),
            scores: response.scores.clone(),
            satisfied: rating.satisfied,
            answered_at: now,
            invited,
            experiment: experiment.clone(),
            variant: variant.clone(),
            clicked_at: None,
        };
        let invitation = if invited {
            Some(invitation(survey, key, &rec)?)
        } else {
            None
        };
        let bonus = (survey.mode == Mode::Compliant && survey.bonus_points > 0).then(|| Bonus {
            response_seq: seq,
            client: response.client.clone(),
            reason: BonusReason::SurveyAnswer,
            points: survey.bonus_points,
            granted_at: now,
            applied_at: None,
            applied_visit: None,
        });
        if let (Some(e), Some(v)) = (experiment, variant) {
            self.assignments
                .entry(e)
                .or_default()
                .entry(response.client.clone())
                .or_insert(v);
        }
        if let Some(b) = &bonus {
            self.bonuses.push(b.clone());
        }
        self.index.insert(key_pair, seq);
        self.responses.insert(seq, rec);
        self.next_seq = seq + 1;
        let out = AnswerOutcome {
            seq,
            client: response.client.clone(),
            follow_up: !rating.satisfied,
            rating,
            threshold: survey.threshold,
            mode: survey.mode,
            invitation,
            bonus,
            repeated: false,
            warnings,
        };
        Ok((self, out))
    }

    /// Records a click on a review link, once. In gated mode the first click grants the bonus;
    /// in compliant mode a click never earns anything.
    pub fn click(
        mut self,
        survey: &Survey,
        key: &[u8],
        token: &str,
        now: NaiveDateTime,
    ) -> Result<(Self, ClickOutcome), FeedbackError> {
        survey.check()?;
        let seq = open_token(key, &survey.id, token)?;
        let Some(rec) = self.responses.get_mut(&seq) else {
            return Err(FeedbackError::UnknownToken);
        };
        if rec.survey != survey.id || !rec.invited {
            return Err(FeedbackError::UnknownToken);
        }
        let warnings = survey.policy_risks();
        if let Some(at) = rec.clicked_at {
            let out = ClickOutcome {
                seq,
                client: rec.client.clone(),
                variant: rec.variant.clone(),
                first: false,
                clicked_at: at,
                bonus: None,
                warnings,
            };
            return Ok((self, out));
        }
        rec.clicked_at = Some(now);
        let bonus = (survey.mode == Mode::Gated && survey.bonus_points > 0).then(|| Bonus {
            response_seq: seq,
            client: rec.client.clone(),
            reason: BonusReason::ReviewClick,
            points: survey.bonus_points,
            granted_at: now,
            applied_at: None,
            applied_visit: None,
        });
        let out = ClickOutcome {
            seq,
            client: rec.client.clone(),
            variant: rec.variant.clone(),
            first: true,
            clicked_at: now,
            bonus: bonus.clone(),
            warnings,
        };
        if let Some(b) = bonus {
            self.bonuses.push(b);
        }
        Ok((self, out))
    }

    /// A client's visit: every bonus granted before `now` and not yet applied is applied now,
    /// once. The same visit id twice in a row is a retry: it returns what that visit applied.
    pub fn visit(
        mut self,
        client: &str,
        visit: &str,
        now: NaiveDateTime,
    ) -> Result<(Self, VisitOutcome), FeedbackError> {
        check_id(client)?;
        check_id(visit)?;
        let seen = self.visits.entry(client.to_owned()).or_default();
        let repeated = !seen.insert(visit.to_owned());
        if !repeated {
            for b in self.bonuses.iter_mut() {
                if b.client == client && b.applied_at.is_none() && b.granted_at < now {
                    b.applied_at = Some(now);
                    b.applied_visit = Some(visit.to_owned());
                }
            }
        }
        let applied: Vec<Bonus> = self
            .bonuses
            .iter()
            .filter(|b| b.client == client && b.applied_visit.as_deref() == Some(visit))
            .cloned()
            .collect();
        let out = VisitOutcome {
            client: client.to_owned(),
            visit: visit.to_owned(),
            points: applied.iter().map(|b| b.points).sum(),
            applied,
            repeated,
        };
        Ok((self, out))
    }

    /// The A/B report of an experiment over the recorded invitations: exposed = invited with a
    /// variant of the experiment, converted = clicked the review link.
    pub fn ab_report(&self, experiment: &Experiment) -> AbReport {
        AbReport::from_observations(
            experiment,
            self.responses
                .values()
                .filter(|r| r.experiment.as_deref() == Some(experiment.name.as_str()))
                .filter_map(|r| Some((r.variant.as_deref()?, r.clicked_at.is_some()))),
        )
    }
}

#[cfg(test)]
mod default_invitation_tests {
    use super::*;

    /// The default wording with a real link fits one SMS: before, every invite was two.
    #[test]
    fn the_default_invitation_fits_one_sms() {
        let survey = Survey::from_toml(
            "id = \"s\"\ncriteria = [\"A\"]\nreview_url = \"https://r.example.ru/r/\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default();
        let r = Response {
            id: "r1".into(),
            client: "c1".into(),
            scores: vec![9],
        };
        let (_, out) = FeedbackState::default()
            .answer(&survey, b"host-secret-of-16+bytes", &r, now)
            .unwrap_or_else(|e| panic!("{e}"));
        let inv = out.invitation.unwrap_or_else(|| panic!("no invitation"));
        assert_eq!(
            inv.sms.segments, 1,
            "{} ({} units)",
            inv.message, inv.sms.units
        );
    }
}
