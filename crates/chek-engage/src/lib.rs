//! # chek-engage
//!
//! Flows operators run beside receipt campaigns: loyalty-card activation, rating → review →
//! bonus with A/B tests, CRM-triggered notifications and the care desk. Pure: state
//! is a value the host keeps (or `chek-store` keeps for it), `now` is a parameter.
#![forbid(unsafe_code)]

pub mod care;
pub mod feedback;
pub mod loyalty;
pub mod notify;
