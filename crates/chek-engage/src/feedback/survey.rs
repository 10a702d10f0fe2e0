//! A survey of N criteria on a 1–10 scale, its threshold and its mode.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::error::check_id;
use super::{Experiment, FeedbackError};
use chek_core::{Coded, Lang};

/// Largest survey file read, in bytes.
pub const MAX_SURVEY_BYTES: usize = 64 * 1024;
/// At most this many criteria.
pub const MAX_CRITERIA: usize = 20;

/// Who is asked for a public review, and what is rewarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every respondent is invited to review, whatever their rating; the bonus rewards answering
    /// the survey and never depends on the rating or on a review. Google's review policies and
    /// FTC 16 CFR 465 allow this.
    #[default]
    Compliant,
    /// Only respondents at or above the threshold are invited, and the bonus rewards the review
    /// click. This is review gating plus an incentive: every output carries
    /// [`PolicyRisk`] warnings.
    Gated,
}

/// A policy the configuration runs against (engagement.md §4b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PolicyRisk {
    /// Only satisfied clients are asked for a public review.
    ReviewGating,
    /// A reward is tied to the review (and so to a positive rating).
    ReviewIncentive,
}

impl PolicyRisk {
    /// The risks of a mode.
    pub fn of(mode: Mode) -> Vec<PolicyRisk> {
        match mode {
            Mode::Compliant => Vec::new(),
            Mode::Gated => vec![PolicyRisk::ReviewGating, PolicyRisk::ReviewIncentive],
        }
    }
}

impl Coded for PolicyRisk {
    fn code(&self) -> &'static str {
        match self {
            PolicyRisk::ReviewGating => "feedback.review_gating",
            PolicyRisk::ReviewIncentive => "feedback.review_incentive",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self, lang) {
            (PolicyRisk::ReviewGating, Lang::Ru) => "Внимание: отзыв просят только у довольных клиентов (review gating). Это запрещено правилами отзывов Google и правилом FTC 16 CFR 465 (с 21.10.2024); отзывы могут удалить, профиль — ограничить. Режим compliant приглашает всех.".into(),
            (PolicyRisk::ReviewGating, Lang::En) => "Warning: only satisfied clients are asked for a review (review gating). Google's review policies and the FTC rule 16 CFR 465 (since 21 Oct 2024) prohibit this; reviews may be removed and the profile restricted. The compliant mode invites everyone.".into(),
            (PolicyRisk::ReviewIncentive, Lang::Ru) => "Внимание: бонус выдаётся за отзыв. Google запрещает любые поощрения за отзывы, FTC 16 CFR 465 — награды, зависящие от тона отзыва. В режиме compliant бонус дают за ответ на опрос.".into(),
            (PolicyRisk::ReviewIncentive, Lang::En) => "Warning: the bonus rewards the review. Google bans any incentive for reviews and the FTC rule 16 CFR 465 bans rewards tied to a review's sentiment. The compliant mode rewards the survey answer instead.".into(),
        }
    }
}

fn eight() -> u8 {
    8
}

/// A survey: criteria rated 1–10, the threshold the average is compared with, the mode, the
/// bonus and where reviews are left.
///
/// ```
/// use chek_engage::feedback::{Mode, Survey};
/// let s = Survey::from_toml(r#"
/// id = "after-visit"
/// criteria = ["Вкус", "Обслуживание", "Чистота"]
/// bonus_points = 100
/// review_url = "https://r.example/r/"
/// "#).unwrap();
/// assert_eq!((s.threshold, s.mode), (8, Mode::Compliant));
/// let r = s.rate(&[9, 8, 7]).unwrap();
/// assert_eq!(r.average, 8.0);
/// assert!(r.satisfied);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// Survey id; part of every review-link signature.
    pub id: String,
    /// The criteria, in the order scores are given.
    pub criteria: Vec<String>,
    /// An average at or above this is "satisfied" (default 8).
    #[serde(default = "eight")]
    pub threshold: u8,
    /// Compliant (default) or gated.
    #[serde(default)]
    pub mode: Mode,
    /// Bonus points: for the survey answer (compliant) or the review click (gated); 0 for none.
    #[serde(default)]
    pub bonus_points: u64,
    /// The review link is this prefix followed by the token.
    pub review_url: String,
    /// Variants of the invitation message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<Experiment>,
}

/// The scores of one answer and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// The scores, one per criterion.
    pub scores: Vec<u8>,
    /// The average, rounded to two decimals (for display).
    pub average: f64,
    /// `average ≥ threshold`, decided on integers (sum ≥ threshold × count), not on floats.
    pub satisfied: bool,
}

impl Survey {
    /// Reads and checks a survey from TOML.
    pub fn from_toml(text: &str) -> Result<Survey, FeedbackError> {
        if text.len() > MAX_SURVEY_BYTES {
            return Err(FeedbackError::BadSurvey("the file is too large".into()));
        }
        let s: Survey =
            toml::from_str(text).map_err(|e| FeedbackError::BadSurvey(e.to_string()))?;
        s.check()?;
        Ok(s)
    }

    /// Reads and checks a survey from JSON.
    pub fn from_json(text: &str) -> Result<Survey, FeedbackError> {
        if text.len() > MAX_SURVEY_BYTES {
            return Err(FeedbackError::BadSurvey("the file is too large".into()));
        }
        let s: Survey =
            serde_json::from_str(text).map_err(|e| FeedbackError::BadSurvey(e.to_string()))?;
        s.check()?;
        Ok(s)
    }

    /// Checks the definition.
    pub fn check(&self) -> Result<(), FeedbackError> {
        let bad = |m: &str| Err(FeedbackError::BadSurvey(m.into()));
        if check_id(&self.id).is_err() {
            return bad("the id must be 1–128 bytes without control characters");
        }
        if self.criteria.is_empty() || self.criteria.len() > MAX_CRITERIA {
            return bad("a survey has 1–20 criteria");
        }
        if self.criteria.iter().any(|c| c.is_empty() || c.len() > 200) {
            return bad("a criterion is empty or over 200 bytes");
        }
        if !(1..=10).contains(&self.threshold) {
            return bad("the threshold is on the 1–10 scale");
        }
        if self.review_url.is_empty() || self.review_url.len() > 512 {
            return bad("review_url must be 1–512 bytes");
        }
        if let Err(problem) = check_review_url(&self.review_url) {
            return Err(FeedbackError::BadSurvey(format!("review_url: {problem}")));
        }
        if let Some(e) = &self.experiment {
            e.check()?;
        }
        Ok(())
    }

    /// The policy risks of this survey's mode.
    pub fn policy_risks(&self) -> Vec<PolicyRisk> {
        PolicyRisk::of(self.mode)
    }

    /// Rates one answer: one score per criterion, each 1–10.
    pub fn rate(&self, scores: &[u8]) -> Result<Rating, FeedbackError> {
        if scores.len() != self.criteria.len() {
            return Err(FeedbackError::BadScores(format!(
                "{} scores for {} criteria",
                scores.len(),
                self.criteria.len()
            )));
        }
        if let Some(s) = scores.iter().find(|s| !(1..=10).contains(*s)) {
            return Err(FeedbackError::BadScores(format!("{s} is outside 1–10")));
        }
        let sum: u32 = scores.iter().map(|&s| u32::from(s)).sum();
        let n = scores.len() as u32;
        // Round half up on hundredths, in integers: (sum·100 + n/2) / n.
        let hundredths = (sum * 100 + n / 2) / n;
        Ok(Rating {
            scores: scores.to_vec(),
            average: f64::from(hundredths) / 100.0,
            satisfied: sum >= u32::from(self.threshold) * n,
        })
    }
}

/// Checks a review-link prefix: an `http://` or `https://` URL with a host, without spaces,
/// control characters or a `#` (the token appended after a fragment never reaches the server).
/// `javascript:`, `data:`, `file:` and every other scheme are refused: the link goes to clients.
///
/// ```
/// use chek_engage::feedback::check_review_url;
/// assert!(check_review_url("https://r.example.ru/r/").is_ok());
/// assert!(check_review_url("HTTP://r.example.ru/review?t=").is_ok());
/// assert!(check_review_url("javascript:alert(1)//").is_err());
/// assert!(check_review_url("https:///r/").is_err());
/// ```
pub fn check_review_url(url: &str) -> Result<(), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "must start with https:// or http://".to_owned())?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return Err(format!(
            "the scheme {:?} is not allowed: only https and http",
            scheme.chars().take(16).collect::<String>()
        ));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '#' | '<' | '>' | '"'))
    {
        return Err(format!("{c:?} is not allowed in the link"));
    }
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host_name = host.rsplit('@').next().unwrap_or("");
    if host_name.is_empty() || host_name.starts_with(':') {
        return Err("the link has no host".into());
    }
    Ok(())
}

/// Parses scores written as `9,8,10` or `9 8 10`.
///
/// ```
/// assert_eq!(chek_engage::feedback::parse_scores("9, 8 10"), Ok(vec![9, 8, 10]));
/// assert!(chek_engage::feedback::parse_scores("9,x").is_err());
/// ```
pub fn parse_scores(text: &str) -> Result<Vec<u8>, FeedbackError> {
    if text.len() > 200 {
        return Err(FeedbackError::BadScores("too long".into()));
    }
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<u8>()
                .map_err(|_| FeedbackError::BadScores(format!("{:?} is not a score", t)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey(n: usize) -> Survey {
        Survey {
            id: "s".into(),
            criteria: (0..n).map(|i| format!("c{i}")).collect(),
            threshold: 8,
            mode: Mode::Compliant,
            bonus_points: 0,
            review_url: "https://r/".into(),
            experiment: None,
        }
    }

    #[test]
    fn average_and_threshold() {
        let s = survey(3);
        let r = s.rate(&[8, 8, 7]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.average, 7.67);
        assert!(!r.satisfied);
        let r = s.rate(&[10, 8, 6]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.average, 8.0);
        assert!(r.satisfied, "exactly the threshold counts as satisfied");
        assert!(s.rate(&[10, 10]).is_err());
        assert!(s.rate(&[10, 10, 0]).is_err());
        assert!(s.rate(&[10, 10, 11]).is_err());
        let one = survey(1);
        assert!(!one.rate(&[7]).unwrap_or_else(|e| panic!("{e}")).satisfied);
    }

    #[test]
    fn bad_definitions() {
        let mut s = survey(0);
        assert!(s.check().is_err());
        s = survey(21);
        assert!(s.check().is_err());
        s = survey(3);
        s.threshold = 11;
        assert!(s.check().is_err());
        s = survey(3);
        s.review_url.clear();
        assert!(s.check().is_err());
        for bad in [
            "javascript:alert(document.cookie)//",
            "JavaScript://%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "ftp://r.example/",
            "//r.example/r/",
            "r.example/r/",
            "https://",
            "https:///r/",
            "https://r.example/r/#t=",
            "https://r.exa mple/r/",
            "https://r.example/r/\n",
            " https://r.example/r/",
        ] {
            s.review_url = bad.replace("\\n", "\n");
            let e = s.check().err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("review_url"), "{bad:?}: {e}");
        }
        for good in [
            "https://r.example/r/",
            "http://r.example:8080/r/",
            "HTTPS://R.EXAMPLE/r?t=",
            "https://user@r.example/",
        ] {
            s.review_url = good.into();
            assert!(s.check().is_ok(), "{good}");
        }
        assert!(Survey::from_toml("id = 1").is_err());
        assert!(Survey::from_json(&" ".repeat(MAX_SURVEY_BYTES + 1)).is_err());
    }

    #[test]
    fn gated_mode_has_risks() {
        assert!(PolicyRisk::of(Mode::Compliant).is_empty());
        let r = PolicyRisk::of(Mode::Gated);
        assert_eq!(r.len(), 2);
        assert!(r[0].hint(Lang::En).contains("FTC"));
        assert!(r[1].hint(Lang::Ru).contains("Google"));
    }
}
