//! Engagement state in the ledger: loyalty cards, feedback answers, clicks, bonuses and A/B
//! assignments, contact history, care cases and identity links. Each step of a flow is one
//! transaction; an event id makes a step exactly-once (a retry returns the first result).

mod care;
pub(crate) mod doc;
mod feedback;
mod loyalty;
mod notify;

pub use care::{CareCaseHistory, CareCaseRow, CareMerge, CareRecorded};
pub use doc::Replayed;
pub use feedback::FeedbackResult;
pub use loyalty::CardRow;
pub use notify::StoredPlan;
