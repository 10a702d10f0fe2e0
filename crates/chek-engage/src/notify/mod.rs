//! CRM-triggered notifications in Russian: trigger rules over CRM events, one template for
//! the SMS text and the text-to-speech text, a contact policy with quiet hours, caps and the
//! 230-ФЗ preset, a planner that picks the cheapest channel that fits and says what to cut from
//! an SMS, and provider-neutral call outcomes with a retry matrix.
//!
//! Pure: no I/O, no clock (`now` is a parameter, UTC). The host sends, records contacts and
//! feeds provider reports back.
//!
//! ```
//! use chek_engage::notify::{Template, Target};
//! let t = Template::parse("Начислено {n|plural:балл,балла,баллов}.")?;
//! let vars = serde_json::json!({"n": 21});
//! assert_eq!(t.render(vars.as_object().unwrap(), Target::Sms)?, "Начислено 21 балл.");
//! assert_eq!(t.render(vars.as_object().unwrap(), Target::Speech)?, "Начислено двадцать один балл.");
//! # Ok::<(), chek_engage::notify::NotifyError>(())
//! ```

mod calls;
mod channel;
mod error;
mod format;
mod outcome;
mod plan;
mod policy;
mod retry;
mod template;
mod trigger;

pub use calls::{CallRecord, MAX_CALLS, parse_call_records, process_call, strip_bom};
pub use channel::{Contact, ContactChannel, Purpose, Recipient};
pub use error::NotifyError;
pub use format::Target;
pub use outcome::{CallOutcome, OutcomeKind, Provider, ProviderReport, map_outcome};
pub use plan::{
    Alternative, ChannelCost, Cut, DEFAULT_MIN_LISTEN_S, Deadlines, MAX_CONFIG, NotifyConfig, Plan,
    PlannedMessage, Prices, Skip, Skipped, SmsInfo, plan, plan_each, plan_firing, sms_cuts,
};
pub use policy::{Caps, ContactPolicy, Deferral, HORIZON_DAYS, PolicySet, Slot, Window};
pub use retry::{
    CrmResult, FallbackSms, RetryDecision, RetryMatrix, RetryRule, decide, sms_fallback,
};
pub use template::{MAX_RENDERED, MAX_TEMPLATE, Template, Vars};
pub use trigger::{CrmEvent, Firing, MAX_EVENTS, Repeat, Rule, Trigger, fire};
