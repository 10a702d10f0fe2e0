//! Verification with ФНС, as data: what a provider answered ([`VerifyOutcome`]), which problem
//! segment that puts the receipt in ([`VerifySegment`]), and when to ask again
//! ([`RecheckPolicy`]).
//!
//! ФНС often does not know a fresh receipt for hours or days (`fiscal.md` §2.7), so «not yet» is
//! never «invalid»: it is re-checked on a schedule and finally handed to a person. HTTP lives in
//! `chek-verify`; here there is no I/O and no clock.

mod outcome;
mod policy;
mod segment;

pub use outcome::{InvalidReason, VerifyOutcome};
pub use policy::{Attempt, NextAction, RecheckPolicy};
pub use segment::VerifySegment;
