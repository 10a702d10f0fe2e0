//! The planner: for each firing, render the message for every channel the rule allows, price
//! it, find the first slot the contact policy allows, and pick the cheapest channel that fits.
//! For SMS it also says what to cut to send one segment fewer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PolicySet;
use super::retry::validate as validate_retry;
use super::{
    Contact, ContactChannel, CrmEvent, Firing, NotifyError, Purpose, Recipient, RetryMatrix, Rule,
    Slot, Target, Template, fire,
};
use chek_core::Coded;
use chek_ru::sms::{SmsEncoding, measure};
use chek_ru::translit::to_latin;

/// Prices in kopecks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// One SMS segment.
    #[serde(default = "sms_price")]
    pub sms_segment: i64,
    /// One started minute of a call.
    #[serde(default = "call_price")]
    pub call_minute: i64,
    /// One e-mail.
    #[serde(default)]
    pub email: i64,
}

fn sms_price() -> i64 {
    350
}
fn call_price() -> i64 {
    200
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            sms_segment: sms_price(),
            call_minute: call_price(),
            email: 0,
        }
    }
}

/// Everything the planner needs besides the events: templates, rules, policies, prices,
/// limits and the retry matrix. Read from TOML (see the README for the file format).
///
/// ```
/// use chek_engage::notify::NotifyConfig;
/// let c = NotifyConfig::from_toml(r#"
///     [templates]
///     ready = "Заказ {order|order} готов."
///     [[rules]]
///     id = "ready"
///     trigger = { kind = "status_changed", status = "ready" }
///     template = "ready"
///     channels = ["sms"]
/// "#).unwrap();
/// assert_eq!(c.max_sms_segments, 2);
/// assert_eq!(c.policy.debt.name, "230-fz");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Template name → template text.
    pub templates: BTreeMap<String, String>,
    /// Trigger rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Contact policies (service, debt, advertising); presets when absent.
    #[serde(default)]
    pub policy: PolicySet,
    /// Prices.
    #[serde(default)]
    pub prices: Prices,
    /// An SMS longer than this many segments does not fit.
    #[serde(default = "two")]
    pub max_sms_segments: usize,
    /// A call longer than this does not fit.
    #[serde(default = "ninety")]
    pub max_call_seconds: u32,
    /// Speed of the voice, to estimate a call's length (Russian TTS reads about 13–15
    /// characters a second).
    #[serde(default = "cps")]
    pub speech_chars_per_second: u32,
    /// Call retries.
    #[serde(default)]
    pub retry: RetryMatrix,
    /// How soon a message should go, per purpose (hours after it becomes due); a rule's
    /// `deadline_hours` overrides it.
    #[serde(default)]
    pub deadline_hours: Deadlines,
    /// Template name → the seconds a person must listen for a call to count as delivered;
    /// [`DEFAULT_MIN_LISTEN_S`] for templates not listed.
    #[serde(default)]
    pub min_listen_s: BTreeMap<String, u32>,
}

/// Seconds of listening that make an answered call delivered when the template sets none.
pub const DEFAULT_MIN_LISTEN_S: u32 = 5;

/// How soon a message of each purpose should go, in hours after it becomes due (`None`: no
/// hurry). Defaults: service and debt messages within 24 hours, advertising whenever.
///
/// The planner takes the cheapest channel whose first allowed slot meets the deadline, and the
/// earliest channel when none does: an urgent debt reminder goes by SMS this evening rather
/// than by a cheaper call two days later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Service messages.
    #[serde(default = "day_hours")]
    pub service: Option<u32>,
    /// Debt reminders.
    #[serde(default = "day_hours")]
    pub debt: Option<u32>,
    /// Advertising.
    #[serde(default)]
    pub advertising: Option<u32>,
}

fn day_hours() -> Option<u32> {
    Some(24)
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            service: day_hours(),
            debt: day_hours(),
            advertising: None,
        }
    }
}

impl Deadlines {
    /// The deadline of a purpose, in hours.
    pub fn of(&self, p: Purpose) -> Option<u32> {
        match p {
            Purpose::Service => self.service,
            Purpose::Debt => self.debt,
            Purpose::Advertising => self.advertising,
        }
    }
}

fn two() -> usize {
    2
}
fn ninety() -> u32 {
    90
}
fn cps() -> u32 {
    14
}

impl Default for NotifyConfig {
    /// No templates or rules; presets, default prices and limits.
    fn default() -> Self {
        NotifyConfig {
            templates: BTreeMap::new(),
            rules: Vec::new(),
            policy: PolicySet::default(),
            prices: Prices::default(),
            max_sms_segments: two(),
            max_call_seconds: ninety(),
            speech_chars_per_second: cps(),
            retry: RetryMatrix::default(),
            deadline_hours: Deadlines::default(),
            min_listen_s: BTreeMap::new(),
        }
    }
}

/// Config text limit.
pub const MAX_CONFIG: usize = 1 << 20;

impl NotifyConfig {
    /// Reads and checks a TOML config.
    pub fn from_toml(s: &str) -> Result<Self, NotifyError> {
        if s.len() > MAX_CONFIG {
            return Err(NotifyError::TooLong {
                what: "config",
                limit: MAX_CONFIG,
            });
        }
        let c: NotifyConfig =
            toml::from_str(s).map_err(|e| NotifyError::BadConfig(e.message().to_owned()))?;
        c.validate()?;
        Ok(c)
    }

    /// Seconds a person must listen to a call of `template` for it to count as delivered.
    pub fn min_listen(&self, template: &str) -> u32 {
        self.min_listen_s
            .get(template)
            .copied()
            .unwrap_or(DEFAULT_MIN_LISTEN_S)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rule a firing key (`rule:order:time`, or a call key built on it) belongs to.
    pub fn rule_of_key(&self, key: &str) -> Option<&Rule> {
        self.rule(key.split(':').next().unwrap_or(key))
    }

    /// Checks that templates parse, rules name existing templates and at least one channel,
    /// rule ids are unique, repeats are on status rules, prices are not negative, policies
    /// have hours, and the retry matrix allows an attempt.
    pub fn validate(&self) -> Result<(), NotifyError> {
        for (name, v) in [
            ("sms_segment", self.prices.sms_segment),
            ("call_minute", self.prices.call_minute),
            ("email", self.prices.email),
        ] {
            if v < 0 {
                return Err(NotifyError::BadConfig(format!(
                    "prices.{name} is {v}: a price cannot be negative (kopecks, 0 or more)"
                )));
            }
        }
        for name in self.min_listen_s.keys() {
            if !self.templates.contains_key(name) {
                return Err(NotifyError::BadConfig(format!(
                    "min_listen_s names no template {name:?}"
                )));
            }
        }
        for (name, t) in &self.templates {
            Template::parse(t).map_err(|e| match e {
                NotifyError::BadTemplate { pos, reason } => NotifyError::BadTemplate {
                    pos,
                    reason: format!("template {name}: {reason}"),
                },
                other => other,
            })?;
        }
        let mut ids = BTreeSet::new();
        for r in &self.rules {
            if !ids.insert(r.id.as_str()) {
                return Err(NotifyError::BadConfig(format!("rule id {} twice", r.id)));
            }
            if !self.templates.contains_key(&r.template) {
                return Err(NotifyError::BadConfig(format!(
                    "rule {}: no template {}",
                    r.id, r.template
                )));
            }
            if r.channels.is_empty() {
                return Err(NotifyError::BadConfig(format!(
                    "rule {}: no channels",
                    r.id
                )));
            }
            if let Some(rep) = &r.repeat {
                if !matches!(r.trigger, super::Trigger::StatusChanged { .. }) {
                    return Err(NotifyError::BadConfig(format!(
                        "rule {}: repeat is for status_changed rules",
                        r.id
                    )));
                }
                if !(1..=100).contains(&rep.times) {
                    return Err(NotifyError::BadConfig(format!(
                        "rule {}: repeat.times must be 1–100",
                        r.id
                    )));
                }
            }
        }
        for p in [
            &self.policy.service,
            &self.policy.debt,
            &self.policy.advertising,
        ] {
            p.validate()?;
        }
        if self.speech_chars_per_second == 0 {
            return Err(NotifyError::BadConfig(
                "speech_chars_per_second must be positive".into(),
            ));
        }
        validate_retry(&self.retry)
    }
}

/// Length and cost of an SMS text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsInfo {
    /// `gsm7` or `ucs2`.
    pub encoding: SmsEncoding,
    /// Septets or UTF-16 units.
    pub units: usize,
    /// Segments billed.
    pub segments: usize,
    /// Capacity per segment at this length.
    pub per_segment: usize,
    /// Units still free in the last segment.
    pub free_in_last: usize,
}

/// A way to send one segment fewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cut {
    /// Shorten the text by at least `units` (a Cyrillic letter is one unit, an emoji two).
    Shorten {
        /// Units to remove.
        units: usize,
    },
    /// Leave out an `{#opt}` block.
    DropOptional {
        /// The block's rendered text.
        text: String,
        /// Units saved.
        units_saved: usize,
        /// Segments without it.
        segments_after: usize,
    },
    /// Send in Latin letters: GSM-7 takes 160/153 characters a segment instead of 70/67.
    Transliterate {
        /// The Latin text.
        text: String,
        /// Its segments.
        segments_after: usize,
    },
}

/// What a channel would cost and whether it fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative {
    /// The channel.
    pub channel: ContactChannel,
    /// Whether it can be used.
    pub fits: bool,
    /// Its cost in kopecks, when it could be rendered.
    pub cost_kopecks: Option<i64>,
    /// Its first allowed moment, UTC.
    pub at: Option<NaiveDateTime>,
    /// Why it does not fit (a `notify.*` code, `too_long` or `deadline`).
    pub reason: Option<String>,
    /// It fits but its first slot is after the message's deadline.
    #[serde(default)]
    pub late: bool,
}

/// The cost of a channel for a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCost {
    /// The channel.
    pub channel: ContactChannel,
    /// The text sent or spoken.
    pub text: String,
    /// SMS length, for SMS.
    pub sms: Option<SmsInfo>,
    /// Estimated seconds, for calls.
    pub speech_seconds: Option<u32>,
    /// Kopecks.
    pub cost_kopecks: i64,
    /// Whether it is within the length limits.
    pub fits: bool,
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedMessage {
    /// Idempotency key (from the firing).
    pub key: String,
    /// Rule id.
    pub rule: String,
    /// Order id.
    pub order: String,
    /// Recipient id.
    pub customer: String,
    /// Chosen channel.
    pub channel: ContactChannel,
    /// Purpose.
    pub purpose: Purpose,
    /// The policy applied (`service`, `230-fz`, …).
    pub policy: String,
    /// When to send.
    pub slot: Slot,
    /// The text to send (SMS, e-mail) or speak (call).
    pub text: String,
    /// SMS length, when the channel is SMS.
    pub sms: Option<SmsInfo>,
    /// Estimated call length, when the channel is a call.
    pub speech_seconds: Option<u32>,
    /// Cost in kopecks.
    pub cost_kopecks: i64,
    /// Every channel the rule allows, with its cost and fit.
    pub alternatives: Vec<Alternative>,
    /// Ways to save an SMS segment (empty when the SMS is one segment or not considered).
    pub cuts: Vec<Cut>,
    /// The template used.
    #[serde(default)]
    pub template: String,
    /// The message should go by then (the purpose's or rule's deadline), UTC.
    #[serde(default)]
    pub deadline: Option<NaiveDateTime>,
    /// The message is useless after this (the rule's `within_hours`, a storage period), UTC.
    #[serde(default)]
    pub until: Option<NaiveDateTime>,
    /// For a call: the SMS text to send instead when every call attempt fails (when the rule
    /// allows SMS).
    #[serde(default)]
    pub fallback_sms: Option<String>,
}

/// A firing that produced no message, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Idempotency key.
    pub key: String,
    /// Rule id.
    pub rule: String,
    /// Recipient id.
    pub customer: String,
    /// Stable code: `notify.already_sent`, `notify.unknown_recipient` or a `NotifyError` code.
    pub code: String,
    /// Human detail.
    pub reason: String,
}

/// The plan for a batch of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Planned at, UTC.
    pub now: NaiveDateTime,
    /// Messages, in order of firing.
    pub messages: Vec<PlannedMessage>,
    /// Firings without a message.
    pub skipped: Vec<Skipped>,
    /// Total cost in kopecks.
    pub total_kopecks: i64,
}

fn sms_info(text: &str) -> SmsInfo {
    let m = measure(text);
    SmsInfo {
        encoding: m.encoding,
        units: m.units,
        segments: m.segments,
        per_segment: m.per_segment,
        free_in_last: m.free_in_last,
    }
}

impl NotifyConfig {
    /// The cost of sending `text` on `ch` (rendered for that channel).
    pub fn cost(&self, ch: ContactChannel, text: &str) -> ChannelCost {
        match ch {
            ContactChannel::Sms => {
                let info = sms_info(text);
                ChannelCost {
                    channel: ch,
                    text: text.to_owned(),
                    sms: Some(info),
                    speech_seconds: None,
                    cost_kopecks: self.prices.sms_segment.saturating_mul(info.segments as i64),
                    fits: info.segments <= self.max_sms_segments,
                }
            }
            ContactChannel::Call => {
                let chars = text.chars().count() as u64;
                let cps = u64::from(self.speech_chars_per_second.max(1));
                let secs = u32::try_from(chars.div_ceil(cps)).unwrap_or(u32::MAX);
                let minutes = i64::from(secs.div_ceil(60).max(1));
                ChannelCost {
                    channel: ch,
                    text: text.to_owned(),
                    sms: None,
                    speech_seconds: Some(secs),
                    cost_kopecks: self.prices.call_minute.saturating_mul(minutes),
                    fits: secs <= self.max_call_seconds,
                }
            }
            ContactChannel::Email => ChannelCost {
                channel: ch,
                text: text.to_owned(),
                sms: None,
                speech_seconds: None,
                cost_kopecks: self.prices.email,
                fits: true,
            },
        }
    }
}

/// Ways to send the SMS rendering of a template in one segment fewer: how many units to
/// shorten by, which `{#opt}` blocks to drop, and the Latin transliteration when it saves
/// segments. Empty when the SMS is one segment.
///
/// ```
/// use chek_engage::notify::{sms_cuts, Cut, Template};
/// let t = Template::parse(&format!("{}{{#opt}} Спасибо, что вы с нами!{{/opt}}", "ж".repeat(60)))?;
/// let cuts = sms_cuts(&t, &Default::default())?;
/// assert_eq!(cuts[0], Cut::Shorten { units: 14 }); // 84 units → 70 for one segment
/// assert!(matches!(cuts[1], Cut::DropOptional { segments_after: 1, .. }));
/// # Ok::<(), chek_engage::notify::NotifyError>(())
/// ```
pub fn sms_cuts(t: &Template, vars: &super::Vars) -> Result<Vec<Cut>, NotifyError> {
    let text = t.render(vars, Target::Sms)?;
    Ok(cuts(t, vars, &text))
}

fn cuts(t: &Template, vars: &super::Vars, text: &str) -> Vec<Cut> {
    let m = measure(text);
    let Some(units) = m.to_save_segment() else {
        return Vec::new();
    };
    let mut out = vec![Cut::Shorten { units }];
    let opts = t.optional_texts(vars, Target::Sms).unwrap_or_default();
    for (i, opt) in opts.into_iter().enumerate() {
        if let Ok(without) = t.render_without(vars, Target::Sms, Some(i)) {
            let w = measure(&without);
            out.push(Cut::DropOptional {
                text: opt,
                units_saved: m.units.saturating_sub(w.units),
                segments_after: w.segments,
            });
        }
    }
    let latin = to_latin(text);
    let l = measure(&latin);
    if l.segments < m.segments {
        out.push(Cut::Transliterate {
            text: latin,
            segments_after: l.segments,
        });
    }
    out
}

/// Plans one firing for its recipient: the cheapest channel that fits, at the first slot the
/// policy allows. Errors when the template cannot render, advertising lacks consent, or no
/// channel fits.
pub fn plan_firing(
    config: &NotifyConfig,
    f: &Firing,
    recipient: &Recipient,
    history: &[Contact],
    now: NaiveDateTime,
) -> Result<PlannedMessage, NotifyError> {
    let rule = config
        .rule(&f.rule)
        .ok_or_else(|| NotifyError::BadConfig(format!("no rule {}", f.rule)))?;
    let src = config
        .templates
        .get(&rule.template)
        .ok_or_else(|| NotifyError::BadConfig(format!("no template {}", rule.template)))?;
    let t = Template::parse(src)?;
    let policy = config.policy.for_message(rule.purpose, recipient)?;
    let mut vars = f.vars.clone();
    if let Some(n) = &recipient.name {
        vars.entry("name")
            .or_insert_with(|| Value::String(n.clone()));
    }
    let earliest = f.due.max(now);
    let deadline = rule
        .deadline_hours
        .or(config.deadline_hours.of(rule.purpose))
        .and_then(|h| earliest.checked_add_signed(chrono::Duration::hours(i64::from(h))));
    // Every channel that fits, with its slot; the choice is made after all are known.
    let mut fitting: Vec<(usize, ChannelCost, Slot)> = Vec::new();
    let mut alternatives = Vec::new();
    let mut sms_cuts = Vec::new();
    let mut sms_text = None;
    for &ch in &rule.channels {
        let mut alt = Alternative {
            channel: ch,
            fits: false,
            cost_kopecks: None,
            at: None,
            reason: None,
            late: false,
        };
        if let Err(e) = recipient.check_address(ch) {
            alt.reason = Some(e.code().to_owned());
            alternatives.push(alt);
            continue;
        }
        let target = if ch.is_voice() {
            Target::Speech
        } else {
            Target::Sms
        };
        let text = t.render(&vars, target)?;
        let cost = config.cost(ch, &text);
        alt.cost_kopecks = Some(cost.cost_kopecks);
        if ch == ContactChannel::Sms {
            sms_cuts = cuts(&t, &vars, &text);
            if cost.fits {
                sms_text = Some(text.clone());
            }
        }
        if !cost.fits {
            alt.reason = Some("too_long".into());
            alternatives.push(alt);
            continue;
        }
        match policy.next_slot(
            ch,
            rule.purpose,
            &recipient.id,
            &recipient.zone,
            history,
            earliest,
        ) {
            Ok(slot) if f.until.is_some_and(|u| slot.at > u) => {
                alt.at = Some(slot.at);
                alt.reason = Some("deadline".into());
            }
            Ok(slot) => {
                alt.fits = true;
                alt.at = Some(slot.at);
                alt.late = deadline.is_some_and(|d| slot.at > d);
                fitting.push((alternatives.len(), cost, slot));
            }
            Err(e) => alt.reason = Some(e.code().to_owned()),
        }
        alternatives.push(alt);
    }
    // The cheapest channel that meets the deadline (the first listed on a tie); when none
    // does, the earliest (then the cheapest).
    let on_time = |s: &Slot| deadline.is_none_or(|d| s.at <= d);
    let best = if fitting.iter().any(|(_, _, s)| on_time(s)) {
        fitting
            .into_iter()
            .filter(|(_, _, s)| on_time(s))
            .min_by_key(|(i, c, _)| (c.cost_kopecks, *i))
    } else {
        fitting
            .into_iter()
            .min_by_key(|(i, c, s)| (s.at, c.cost_kopecks, *i))
    };
    let Some((_, cost, slot)) = best else {
        let why = alternatives
            .iter()
            .map(|a| format!("{}: {}", a.channel, a.reason.as_deref().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(NotifyError::NoChannel(why));
    };
    Ok(PlannedMessage {
        key: f.key.clone(),
        rule: f.rule.clone(),
        order: f.order.clone(),
        customer: f.customer.clone(),
        channel: cost.channel,
        purpose: rule.purpose,
        policy: policy.name.clone(),
        slot,
        text: cost.text,
        sms: cost.sms,
        speech_seconds: cost.speech_seconds,
        cost_kopecks: cost.cost_kopecks,
        alternatives,
        cuts: sms_cuts,
        template: rule.template.clone(),
        deadline,
        until: f.until,
        fallback_sms: if cost.channel == ContactChannel::Call {
            sms_text
        } else {
            None
        },
    })
}

/// Plans a batch: fires the rules over `events` at `now`, skips keys already in `history`,
/// and plans each firing; each planned message joins the history so caps hold across the
/// batch.
///
/// ```
/// use chek_engage::notify::{plan, NotifyConfig, CrmEvent, Recipient, ContactChannel};
/// let c = NotifyConfig::from_toml(r#"
///     [templates]
///     ready = "{name|name}, заказ {order|order} готов к выдаче."
///     [[rules]]
///     id = "ready"
///     trigger = { kind = "status_changed", status = "ready" }
///     template = "ready"
///     channels = ["call", "sms"]
/// "#).unwrap();
/// let events: Vec<CrmEvent> = serde_json::from_str(r#"[{"type":"status_changed","order":"77",
///     "customer":"c1","status":"ready","at":"2026-08-18T08:00:00"}]"#).unwrap();
/// let who: Vec<Recipient> = serde_json::from_str(r#"[{"id":"c1","name":"Анна","phone":"+79120000000"}]"#).unwrap();
/// let now = "2026-08-18T08:01:00".parse().unwrap();
/// let p = plan(&c, &events, &who, &[], now).unwrap();
/// // A 3-second call (one started minute, 2 ₽) is cheaper than an SMS segment (3,50 ₽).
/// assert_eq!(p.messages[0].channel, ContactChannel::Call);
/// assert_eq!(p.messages[0].text, "Анна, заказ семьдесят семь готов к выдаче.");
/// assert_eq!(p.messages[0].cost_kopecks, 200);
/// ```
pub fn plan(
    config: &NotifyConfig,
    events: &[CrmEvent],
    recipients: &[Recipient],
    history: &[Contact],
    now: NaiveDateTime,
) -> Result<Plan, NotifyError> {
    let sent: BTreeSet<&str> = history.iter().filter_map(|c| c.key.as_deref()).collect();
    // Each recipient's contacts apart, so a large batch costs per recipient, not per batch.
    let mut h: BTreeMap<&str, Vec<Contact>> = BTreeMap::new();
    for c in history {
        h.entry(c.recipient.as_str()).or_default().push(c.clone());
    }
    plan_each(config, events, recipients, now, |f, r| {
        if sent.contains(f.key.as_str()) {
            return Ok(Err(Skipped::already_sent(f)));
        }
        let theirs = h.entry(r.id.as_str()).or_default();
        let m = plan_firing(config, f, r, theirs, now);
        Ok(m.inspect(|m| theirs.push(m.contact())).map_err(Skip::from))
    })
}

/// The batch loop of [`plan`], with the planning of each firing left to `step`: a store runs
/// each step in its own transaction against the contacts it holds. Validates the config, fires
/// the rules, skips firings of unknown recipients, turns a step's [`NotifyError`] into a
/// [`Skipped`] line and adds up the cost; the step decides "already sent" and records what it
/// planned.
pub fn plan_each<'r, E: From<NotifyError>>(
    config: &NotifyConfig,
    events: &[CrmEvent],
    recipients: &'r [Recipient],
    now: NaiveDateTime,
    mut step: impl FnMut(&Firing, &'r Recipient) -> Result<Result<PlannedMessage, Skip>, E>,
) -> Result<Plan, E> {
    config.validate()?;
    let firings = fire(&config.rules, events, now)?;
    let by_id: BTreeMap<&str, &Recipient> = recipients.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut messages = Vec::new();
    let mut skipped = Vec::new();
    for f in firings {
        let Some(r) = by_id.get(f.customer.as_str()) else {
            skipped.push(Skipped::of(
                &f,
                "notify.unknown_recipient",
                format!("no recipient {}", f.customer),
            ));
            continue;
        };
        match step(&f, r)? {
            Ok(m) => messages.push(m),
            Err(Skip::Error(e)) => skipped.push(Skipped::of(&f, e.code(), e.to_string())),
            Err(Skip::Line(line)) => skipped.push(line),
        }
    }
    let total_kopecks = messages
        .iter()
        .fold(0i64, |a, m| a.saturating_add(m.cost_kopecks));
    Ok(Plan {
        now,
        messages,
        skipped,
        total_kopecks,
    })
}

/// Why a [`plan_each`] step planned nothing.
#[derive(Debug)]
pub enum Skip {
    /// The planner's refusal (no channel, no slot, opted out…).
    Error(NotifyError),
    /// A skip line the step wrote itself (e.g. [`Skipped::already_sent`]).
    Line(Skipped),
}

impl From<NotifyError> for Skip {
    fn from(e: NotifyError) -> Self {
        Skip::Error(e)
    }
}

impl Skipped {
    /// A skip line for a firing.
    pub fn of(f: &Firing, code: &str, reason: String) -> Skipped {
        Skipped {
            key: f.key.clone(),
            rule: f.rule.clone(),
            customer: f.customer.clone(),
            code: code.to_owned(),
            reason,
        }
    }

    /// `notify.already_sent`: the firing's key is in the contact history.
    pub fn already_sent(f: &Firing) -> Skip {
        Skip::Line(Skipped::of(
            f,
            "notify.already_sent",
            "this firing was already sent".into(),
        ))
    }
}

impl PlannedMessage {
    /// The contact this message makes, counted by the caps from when it is planned.
    pub fn contact(&self) -> Contact {
        Contact {
            recipient: self.customer.clone(),
            channel: self.channel,
            purpose: self.purpose,
            at: self.slot.at,
            counts: true,
            key: Some(self.key.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chek_core::Coded;

    fn t(s: &str) -> NaiveDateTime {
        s.parse().unwrap_or_default()
    }

    fn cfg(extra: &str) -> NotifyConfig {
        NotifyConfig::from_toml(&format!(
            "{extra}\n[templates]\nunpaid = \"{{name|name:polite?Клиент}}, оплатите счёт {{order|order}} на {{sum|amount}}. Подробности в личном кабинете.\"\n\
             [[rules]]\nid = \"unpaid\"\ntemplate = \"unpaid\"\nchannels = [\"call\", \"sms\"]\npurpose = \"debt\"\n\
             trigger = {{ kind = \"unpaid_for\", status = \"invoiced\", after_hours = 72 }}\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn events() -> Vec<CrmEvent> {
        serde_json::from_value(
            serde_json::json!([{"type": "status_changed", "order": "501",
            "customer": "c2", "status": "invoiced", "at": "2026-08-10T06:00:00",
            "data": {"sum": 150000}}]),
        )
        .unwrap_or_default()
    }

    fn debtor(extra: serde_json::Value) -> Vec<Recipient> {
        let mut r = serde_json::json!({"id": "c2", "name": "Петров Борис",
            "phone": "+79241112233", "zone": "Asia/Vladivostok"});
        if let (Some(o), Some(e)) = (r.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        vec![serde_json::from_value(r).unwrap_or_else(|e| panic!("{e}"))]
    }

    /// Two calls this week already: the 230-ФЗ week cap pushes a call to Monday.
    fn history() -> Vec<Contact> {
        ["2026-08-10T01:00:00", "2026-08-11T01:00:00"]
            .iter()
            .map(|at| Contact {
                recipient: "c2".into(),
                channel: ContactChannel::Call,
                purpose: Purpose::Debt,
                at: t(at),
                counts: true,
                key: None,
            })
            .collect()
    }

    #[test]
    fn the_cheapest_channel_that_meets_the_deadline() {
        // Friday 14 August, 12:00 UTC = 22:00 in Vladivostok. A call (cheaper) could only go
        // on Monday; the SMS goes on Saturday morning, within the debt deadline of 24 hours.
        let p = plan(
            &cfg(""),
            &events(),
            &debtor(serde_json::json!({})),
            &history(),
            t("2026-08-14T12:00:00"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let m = &p.messages[0];
        assert_eq!(m.channel, ContactChannel::Sms, "{m:?}");
        assert_eq!(m.slot.local, t("2026-08-15T09:00:00"));
        assert_eq!(m.deadline, Some(t("2026-08-15T12:00:00")));
        let call = m
            .alternatives
            .iter()
            .find(|a| a.channel == ContactChannel::Call);
        assert_eq!(call.map(|a| (a.fits, a.late)), Some((true, true)));
        // No deadline for debt: the cheaper call on Monday, as before.
        let p = plan(
            &cfg("[deadline_hours]\ndebt = 200"),
            &events(),
            &debtor(serde_json::json!({})),
            &history(),
            t("2026-08-14T12:00:00"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.messages[0].channel, ContactChannel::Call);
        assert_eq!(p.messages[0].slot.local, t("2026-08-17T08:00:00"));
        // The SMS text rides along for the fallback.
        assert!(p.messages[0].fallback_sms.is_some());
        // Neither meets a 1-hour deadline: the earliest wins.
        let p = plan(
            &cfg("[deadline_hours]\ndebt = 1"),
            &events(),
            &debtor(serde_json::json!({})),
            &history(),
            t("2026-08-14T12:00:00"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.messages[0].channel, ContactChannel::Sms);
    }

    #[test]
    fn opted_out_recipients_get_nothing() {
        let p = plan(
            &cfg(""),
            &events(),
            &debtor(serde_json::json!({"opt_out": true})),
            &[],
            t("2026-08-14T12:00:00"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(p.messages.is_empty());
        assert_eq!(p.skipped[0].code, "notify.opted_out");
    }

    #[test]
    fn negative_prices_are_refused() {
        let e =
            NotifyConfig::from_toml("[prices]\nsms_segment = -350\n[templates]\na = \"x\"\n").err();
        assert_eq!(e.as_ref().map(|e| e.code()), Some("notify.bad_config"));
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("sms_segment") && msg.contains("negative"),
            "{msg}"
        );
    }
}
