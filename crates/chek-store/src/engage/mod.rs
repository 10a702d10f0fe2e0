//! Engagement state in the ledger: loyalty cards, feedback answers, clicks, bonuses and A/B
//! assignments, contact history, care cases and identity links. Each step of a flow is one
//! transaction; an event id makes a step exactly-once (a retry returns the first result).

mod care;
pub(crate) mod doc;
mod loyalty;

pub use care::{CareCaseHistory, CareCaseRow, CareMerge, CareRecorded};
pub use doc::Replayed;
pub use loyalty::CardRow;
