//! Surveys after a visit and review links: rate the answer on the phone, read the token out of
//! a review link (with whatever a tracker appended), and verify it when the app holds the key.

use std::sync::Arc;

use chek::Coded;
use chek::engage::feedback::{self as core, Mode, Survey as CoreSurvey, TokenInfo};

use crate::error::Area;
use crate::types::lang_of;
use crate::{ChekError, Lang};

fn err(e: &core::FeedbackError, lang: Option<Lang>) -> ChekError {
    ChekError::of(Area::Feedback, e, lang_of(lang))
}

/// Who is asked for a public review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum SurveyMode {
    /// Everyone is invited; the bonus rewards the answer (the default, policy-compliant).
    Compliant,
    /// Only the satisfied are invited and the click is rewarded: carries policy warnings.
    Gated,
}

/// A policy the survey's configuration runs against.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PolicyWarning {
    /// `feedback.review_gating` or `feedback.review_incentive`.
    pub code: String,
    /// The warning, in the language of the call.
    pub hint: String,
}

/// The rating of one answer.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SurveyRating {
    /// The scores, one per criterion.
    pub scores: Vec<i32>,
    /// The average, rounded to hundredths (for display).
    pub average: f64,
    /// At or above the threshold (decided on integers).
    pub satisfied: bool,
    /// The client is invited to a public review (everyone when compliant; the satisfied when
    /// gated).
    pub invited: bool,
    /// Below the threshold: someone should follow up privately.
    pub follow_up: bool,
}

/// A survey: criteria rated 1–10, threshold, mode and the review link prefix.
#[derive(Debug, uniffi::Object)]
pub struct Survey {
    inner: CoreSurvey,
}

impl Survey {
    fn load(
        r: Result<CoreSurvey, core::FeedbackError>,
        lang: Option<Lang>,
    ) -> Result<Arc<Self>, ChekError> {
        r.map(|inner| Arc::new(Survey { inner }))
            .map_err(|e| err(&e, lang))
    }
}

#[uniffi::export]
impl Survey {
    /// Loads a survey from TOML. Errors: `feedback.bad_survey` (for instance a `review_url`
    /// that is not http or https), `feedback.bad_experiment`.
    #[uniffi::constructor(default(lang))]
    pub fn from_toml(toml: String, lang: Option<Lang>) -> Result<Arc<Self>, ChekError> {
        Self::load(CoreSurvey::from_toml(&toml), lang)
    }

    /// Loads a survey from JSON.
    #[uniffi::constructor(default(lang))]
    pub fn from_json(json: String, lang: Option<Lang>) -> Result<Arc<Self>, ChekError> {
        Self::load(CoreSurvey::from_json(&json), lang)
    }

    /// Survey id (part of every review-link signature).
    pub fn id(&self) -> String {
        self.inner.id.clone()
    }

    /// The criteria, in score order.
    pub fn criteria(&self) -> Vec<String> {
        self.inner.criteria.clone()
    }

    /// The threshold on the 1–10 scale.
    pub fn threshold(&self) -> i32 {
        i32::from(self.inner.threshold)
    }

    /// Compliant or gated.
    pub fn mode(&self) -> SurveyMode {
        match self.inner.mode {
            Mode::Compliant => SurveyMode::Compliant,
            Mode::Gated => SurveyMode::Gated,
        }
    }

    /// The review link prefix (the token is appended).
    pub fn review_url(&self) -> String {
        self.inner.review_url.clone()
    }

    /// The policy warnings of the mode (none when compliant).
    #[uniffi::method(default(lang))]
    pub fn policy_warnings(&self, lang: Option<Lang>) -> Vec<PolicyWarning> {
        self.inner
            .policy_risks()
            .iter()
            .map(|r| PolicyWarning {
                code: r.code().to_owned(),
                hint: r.hint(lang_of(lang)).into_owned(),
            })
            .collect()
    }

    /// Rates an answer: one score 1–10 per criterion. Errors: `feedback.bad_scores`.
    #[uniffi::method(default(lang))]
    pub fn rate(&self, scores: Vec<i32>, lang: Option<Lang>) -> Result<SurveyRating, ChekError> {
        let mut bytes = Vec::with_capacity(scores.len().min(64));
        for s in &scores {
            match u8::try_from(*s) {
                Ok(b) if scores.len() <= 64 => bytes.push(b),
                _ => {
                    let e = core::FeedbackError::BadScores(format!("{s} is outside 1–10"));
                    return Err(err(&e, lang));
                }
            }
        }
        let r = self.inner.rate(&bytes).map_err(|e| err(&e, lang))?;
        Ok(SurveyRating {
            invited: self.inner.mode == Mode::Compliant || r.satisfied,
            follow_up: !r.satisfied,
            scores: r.scores.into_iter().map(i32::from).collect(),
            average: r.average,
            satisfied: r.satisfied,
        })
    }

    /// Verifies a review link (or a bare token) of this survey with the host's key (16–1024
    /// bytes) and returns the answer's sequence number. Errors: `feedback.bad_token`,
    /// `feedback.weak_key`. Only an app that holds the signing key can do this; without it use
    /// [`parse_review_link`].
    #[uniffi::method(default(lang))]
    pub fn open_review_link(
        &self,
        key: Vec<u8>,
        link: String,
        lang: Option<Lang>,
    ) -> Result<i64, ChekError> {
        let seq = core::open_token(&key, &self.inner.id, &link).map_err(|e| err(&e, lang))?;
        i64::try_from(seq).map_err(|_| err(&core::FeedbackError::UnknownToken, lang))
    }
}

/// Parses scores written as `9,8,10` or `9 8 10`. Errors: `feedback.bad_scores`.
///
/// ```
/// assert_eq!(chek_ffi::parse_scores("9, 8 10".into(), None).unwrap(), vec![9, 8, 10]);
/// ```
#[uniffi::export(default(lang))]
pub fn parse_scores(text: String, lang: Option<Lang>) -> Result<Vec<i32>, ChekError> {
    core::parse_scores(&text)
        .map(|v| v.into_iter().map(i32::from).collect())
        .map_err(|e| err(&e, lang))
}

/// A review token read out of a link, not verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReviewToken {
    /// The token as found.
    pub token: String,
    /// 2 (20 characters, issued now) or 1 (50 hex characters, older links).
    pub version: i32,
    /// The sequence number of the survey answer it claims.
    pub seq: i64,
}

/// Finds the token of a review link (or a bare token): the last path segment or a query value
/// that is a well-formed token, whatever else the link carries (`?utm_source=…`, a fragment, a
/// trailing full stop). Nothing is verified: the signature needs the host's key
/// ([`Survey::open_review_link`]). Errors: `feedback.bad_token`.
///
/// ```
/// use chek_ffi::parse_review_link;
/// let t = parse_review_link("https://r.example.ru/r/IWQBAgMEBQYHCAkKCwwN?utm_source=sms".into(), None).unwrap();
/// assert_eq!((t.version, t.seq, t.token.len()), (2, 100, 20));
/// assert_eq!(parse_review_link("https://r.example.ru/".into(), None).unwrap_err().code(), "feedback.bad_token");
/// ```
#[uniffi::export(default(lang))]
pub fn parse_review_link(link: String, lang: Option<Lang>) -> Result<ReviewToken, ChekError> {
    TokenInfo::parse(&link)
        .and_then(|t| {
            Ok(ReviewToken {
                seq: i64::try_from(t.seq).map_err(|_| core::FeedbackError::BadToken)?,
                version: i32::from(t.version),
                token: t.token,
            })
        })
        .map_err(|e| err(&e, lang))
}

/// Whether a review-link prefix is acceptable: `http://` or `https://` with a host, no spaces,
/// no `#`. Errors: `feedback.bad_survey` naming the problem.
///
/// ```
/// assert!(chek_ffi::check_review_url("https://r.example.ru/r/".into(), None).is_ok());
/// assert!(chek_ffi::check_review_url("javascript:alert(1)".into(), None).is_err());
/// ```
#[uniffi::export(default(lang))]
pub fn check_review_url(url: String, lang: Option<Lang>) -> Result<(), ChekError> {
    core::check_review_url(&url).map_err(|p| {
        err(
            &core::FeedbackError::BadSurvey(format!("review_url: {p}")),
            lang,
        )
    })
}

/// The `chek-ab-v1` bucket of a client in an experiment, in `[0, 10000)` (docs/ab-v1.md): the
/// same on the phone as on the server.
///
/// ```
/// assert!(chek_ffi::ab_bucket("e".into(), "c".into()) < 10_000);
/// ```
#[uniffi::export]
pub fn ab_bucket(experiment: String, client: String) -> i32 {
    i32::try_from(core::bucket(&experiment, &client)).unwrap_or(0)
}
