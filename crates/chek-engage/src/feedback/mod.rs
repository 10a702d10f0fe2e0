//! Rating → review → bonus, with A/B tests (`engagement.md` §4b, §6 item 8).
//!
//! - A [`Survey`] of N criteria on 1–10; the average against a threshold (8 by default),
//!   decided on integers.
//! - [`Mode::Compliant`] (default) invites every respondent to a public review and rewards the
//!   survey answer; [`Mode::Gated`] (only the satisfied are asked, the review click is rewarded)
//!   exists as an explicit option whose every output carries [`PolicyRisk`] warnings.
//! - Review links carry an HMAC-signed token ([`sign_token`]); [`FeedbackState::click`] records
//!   the first click only; bonuses are granted once and applied at the next visit, once
//!   ([`FeedbackState::visit`]).
//! - A/B: [`bucket`] and [`Experiment::assign`] implement `chek-ab-v1` (`docs/ab-v1.md`), sticky
//!   through the state; [`AbReport`] gives per-variant conversion with a Wilson interval.
//!
//! A full round is in the [`FeedbackState`] example.

mod ab;
mod error;
mod events;
mod hmac;
mod state;
mod survey;
mod token;

pub use ab::{
    AB_ALGORITHM, AbReport, BUCKETS, Comparison, DEFAULT_MDE, Experiment, MAX_VARIANTS, MAX_WEIGHT,
    Variant, VariantStats, Z80, Z95, bucket, normal_cdf, prob_beat, sample_size, two_proportion_z,
    wilson,
};
pub use error::FeedbackError;
pub use events::{AbEvents, LineError, MAX_EVENTS_BYTES, MAX_LINE_ERRORS};
pub use state::{
    AnswerOutcome, Bonus, BonusReason, Changes, ClickOutcome, DEFAULT_INVITATION, FeedbackState,
    Invitation, Response, ResponseRecord, VisitOutcome,
};
pub use survey::{
    MAX_CRITERIA, MAX_SURVEY_BYTES, Mode, PolicyRisk, Rating, Survey, check_review_url,
    parse_scores,
};
pub use token::{
    MIN_KEY_BYTES, TOKEN_CHARS, TokenInfo, V1_TOKEN_CHARS, open_token, sign_token, sign_token_v1,
    token_from_link,
};
