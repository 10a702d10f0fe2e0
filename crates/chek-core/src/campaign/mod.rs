//! Campaigns: which receipt counts, what it earns, with every reason spelled out.
//!
//! A campaign is written once as TOML or JSON ([`CampaignDef`], schema from
//! [`Campaign::json_schema`]), checked and compiled ([`Campaign::from_toml`]), then asked about
//! each receipt ([`Campaign::evaluate`]). Evaluation is pure: no clock, no I/O, so a dry run is
//! the same call and a back-test ([`backtest`]) replays history against a new version.

mod backtest;
mod bits;
mod compile;
mod decision;
mod definition;
mod error;
mod evaluate;
mod history;
mod id;
mod names;
mod needles;
mod roubles;
mod text;

pub use backtest::{
    BacktestChange, BacktestReport, ParticipantDelta, Submission, backtest, replay,
};
pub use compile::{Campaign, MAX_MATCHERS, MAX_PRODUCTS, MAX_RULES, MAX_STORES};
pub use decision::{Decision, Detail, Effect, Reason, ReasonCode, RuleRef, Segment, Status};
pub use definition::{
    AppliesTo, BonusRuleDef, CampaignDef, CapsDef, ChannelDef, EarnKind, EarnRuleDef, HoursDef,
    LimitsDef, MultiplierDef, OperationDef, PaymentDef, ProductDef, StoreDef, Weekday, WhatDef,
    WhenDef, WhereDef,
};
pub use error::CampaignError;
pub use evaluate::HistoryWindows;
pub use history::{EarlierReceipts, ParticipantHistory, PastReceipt, ReceiptBucket};
pub use id::Id;
pub use roubles::Roubles;

/// Campaign files larger than this are refused before parsing.
pub const MAX_CAMPAIGN_BYTES: usize = 1 << 20;
