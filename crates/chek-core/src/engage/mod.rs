//! Flows operators run beside receipt campaigns: loyalty-card activation, rating → review →
//! bonus with A/B tests, CRM-triggered notifications and the care desk. Pure: state
//! is a value the host keeps, `now` is a parameter.

pub mod care;
pub mod feedback;
pub mod loyalty;
pub mod notify;
