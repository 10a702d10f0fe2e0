//! Engagement flows around a campaign: the care desk behind it (and, as they land, notifications).

pub mod care;
