//! Engagement flows around a campaign: the messages that leave (notifications) and, as they
//! land, loyalty and the care desk.

pub mod notify;
