//! The campaign's offline pre-check: what a receipt would earn, and every reason why not.

use std::sync::Arc;
use std::time::SystemTime;

use chek::campaign as core;
use chek::{Coded, Lang as CoreLang};

use crate::error::Area;
use crate::time::{LocalDate, LocalDateTime};
use crate::types::i64_of;
use crate::types::lang_of;
use crate::{Candidate, ChekError, InputError, Lang, ParticipantHistory, history, time};

/// Accepted, rejected, or waiting for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Status {
    /// Counts.
    Accepted,
    /// Does not count; see the reasons.
    Rejected,
    /// Needs ФНС verification, the items, or a review before it can count.
    Pending,
}

/// What a reason does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Effect {
    /// The receipt is rejected.
    Reject,
    /// The receipt waits.
    Pending,
    /// For information (a rule that fired, a cap that applied).
    Info,
}

/// One reason of a decision.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// Stable code, e.g. `campaign.after_period`.
    pub code: String,
    /// What it does to the decision.
    pub effect: Effect,
    /// Problem segment id (`out_of_period`, `limit`...), if any.
    pub segment: Option<String>,
    /// The rule it comes from (`when.end`, `earn.per-500`).
    pub rule: String,
    /// What to tell the shopper, in the language of the call.
    pub hint: String,
}

/// The pre-check's verdict on one receipt.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// Campaign id.
    pub campaign: String,
    /// `fn:fd:fp`.
    pub receipt_id: String,
    /// Accepted, rejected or pending.
    pub status: Status,
    /// Lots after caps (projected while pending, zero when rejected).
    pub lots: i64,
    /// Points after caps.
    pub points: i64,
    /// Lots before caps.
    pub lots_before_caps: i64,
    /// Points before caps.
    pub points_before_caps: i64,
    /// Every reason, in evaluation order.
    pub reasons: Vec<Reason>,
    /// Problem segment ids, without repeats.
    pub segments: Vec<String>,
}

fn decision(d: &core::Decision, lang: CoreLang) -> Decision {
    Decision {
        campaign: d.campaign.to_string(),
        receipt_id: d.receipt.to_string(),
        status: match d.status {
            core::Status::Accepted => Status::Accepted,
            core::Status::Rejected => Status::Rejected,
            core::Status::Pending => Status::Pending,
        },
        lots: i64_of(d.lots),
        points: i64_of(d.points),
        lots_before_caps: i64_of(d.lots_before_caps),
        points_before_caps: i64_of(d.points_before_caps),
        reasons: d
            .reasons
            .iter()
            .map(|r| Reason {
                code: r.code().to_owned(),
                effect: match r.effect() {
                    core::Effect::Reject => Effect::Reject,
                    core::Effect::Pending => Effect::Pending,
                    core::Effect::Info => Effect::Info,
                },
                segment: r.segment().map(|s| s.id().to_owned()),
                rule: r.rule.to_string(),
                hint: r.hint(lang).into_owned(),
            })
            .collect(),
        segments: d.segments().iter().map(|s| s.id().to_owned()).collect(),
    }
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<core::Weekday> for Weekday {
    fn from(d: core::Weekday) -> Self {
        use core::Weekday as W;
        match d {
            W::Mon => Weekday::Mon,
            W::Tue => Weekday::Tue,
            W::Wed => Weekday::Wed,
            W::Thu => Weekday::Thu,
            W::Fri => Weekday::Fri,
            W::Sat => Weekday::Sat,
            W::Sun => Weekday::Sun,
        }
    }
}

/// An hour window `[from, to)` of the day, campaign-local.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct HourWindow {
    /// First hour (0–23).
    pub from: i32,
    /// Hour the window closes (1–24), exclusive.
    pub to: i32,
}

/// When receipts count: the campaign's `when`, for showing the dates and for the app's own
/// reminders. Dates and times are campaign-local; receipts' times are taken to be too.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignPeriod {
    /// First day of purchases, inclusive (Kotlin `LocalDate`).
    pub start: LocalDate,
    /// Last day of purchases, inclusive.
    pub end: LocalDate,
    /// Last moment receipts can be uploaded, campaign-local; `null`: the end of `end`.
    pub upload_deadline: Option<LocalDateTime>,
    /// The campaign's UTC offset, e.g. `+03:00`.
    pub utc_offset: String,
    /// Only purchases on these days count; empty: every day.
    pub weekdays: Vec<Weekday>,
    /// Only purchases in this hour window count; `null`: any hour.
    pub hours: Option<HourWindow>,
}

/// A promo product of the campaign: an item matches when its name contains a keyword or
/// matches a pattern (case and look-alike letters folded), or its GTIN is listed, and no
/// `exclude` keyword occurs. For display; the matching itself is [`Campaign::evaluate`]'s,
/// given a candidate with its [`Receipt`](crate::Receipt)
/// ([`receipt_to_candidate`](crate::receipt_to_candidate)).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Product {
    /// Id the rules refer to.
    pub id: String,
    /// Substrings of the item name.
    pub keywords: Vec<String>,
    /// Patterns with `*` for any text.
    pub patterns: Vec<String>,
    /// GTINs from marking codes.
    pub gtins: Vec<String>,
    /// Keywords that disqualify an item.
    pub exclude: Vec<String>,
}

/// The JSON Schema of campaign files (TOML or JSON), as JSON: for an editor that checks a
/// campaign before it is loaded.
///
/// ```
/// let s: serde_json::Value = serde_json::from_str(&chek_ffi::campaign_json_schema()).unwrap();
/// assert!(s["properties"]["when"].is_object());
/// ```
#[uniffi::export]
pub fn campaign_json_schema() -> String {
    core::Campaign::json_schema().to_string()
}

/// A compiled campaign. Immutable and thread-safe: load it once, evaluate from any thread.
///
/// ```
/// use chek_ffi::{Campaign, Candidate, Channel, ParticipantHistory, Status, Lang, parse_qr};
///
/// let c = Campaign::from_toml(r#"
///     id = "demo"
///     name = "Демо"
///     [when]
///     start = "2026-09-01"
///     end = "2026-09-30"
///     [what]
///     require_verification = false
///     [[earn]]
///     id = "per-500"
///     kind = "per_amount"
///     every = "500"
///     lots = 1
/// "#.into(), Some(Lang::En))?;
/// let qr = parse_qr("t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1".into(), Some(Lang::En))?;
/// let h = ParticipantHistory { participant: "tg:1".into(), ..Default::default() };
/// // 2026-09-20 09:00 UTC (Kotlin: Instant.parse("2026-09-20T09:00:00Z")).
/// let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_789_894_800);
/// let d = c.evaluate(Candidate { qr, channel: Channel::Qr, receipt: None }, h, now, Some(Lang::En))?;
/// assert_eq!((d.status, d.lots), (Status::Accepted, 3));
/// assert_eq!(c.period().end, chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[derive(Debug, uniffi::Object)]
pub struct Campaign {
    inner: core::Campaign,
}

impl Campaign {
    fn load(
        r: Result<core::Campaign, core::CampaignError>,
        lang: Option<Lang>,
    ) -> Result<Arc<Self>, ChekError> {
        r.map(|inner| Arc::new(Campaign { inner }))
            .map_err(|e| ChekError::of(Area::Campaign, &e, lang_of(lang)))
    }
}

#[uniffi::export]
impl Campaign {
    /// Loads a campaign from its JSON definition. Errors: `campaign.too_large`,
    /// `campaign.malformed`, `campaign.invalid` (the message names the offending field).
    #[uniffi::constructor(default(lang))]
    pub fn from_json(json: String, lang: Option<Lang>) -> Result<Arc<Self>, ChekError> {
        Self::load(core::Campaign::from_json(&json), lang)
    }

    /// Loads a campaign from its TOML definition.
    #[uniffi::constructor(default(lang))]
    pub fn from_toml(toml: String, lang: Option<Lang>) -> Result<Arc<Self>, ChekError> {
        Self::load(core::Campaign::from_toml(&toml), lang)
    }

    /// The campaign id.
    pub fn id(&self) -> String {
        self.inner.def().id.clone()
    }

    /// The campaign's display name.
    pub fn name(&self) -> String {
        self.inner.def().name.clone()
    }

    /// The definition's version (back-tests compare versions); 0 when the file has none.
    pub fn version(&self) -> i64 {
        i64::from(self.inner.def().version)
    }

    /// When receipts count: first and last day, upload deadline, time zone, days and hours.
    pub fn period(&self) -> CampaignPeriod {
        let w = &self.inner.def().when;
        CampaignPeriod {
            start: w.start,
            end: w.end,
            upload_deadline: w.upload_deadline,
            utc_offset: w.utc_offset.clone(),
            weekdays: w.weekdays.iter().map(|d| (*d).into()).collect(),
            hours: w.hours.map(|h| HourWindow {
                from: i32::from(h.from),
                to: i32::from(h.to),
            }),
        }
    }

    /// The promo products the rules refer to (empty when any receipt counts).
    pub fn products(&self) -> Vec<Product> {
        self.inner
            .def()
            .products
            .iter()
            .map(|p| Product {
                id: p.id.clone(),
                keywords: p.keywords.clone(),
                patterns: p.patterns.clone(),
                gtins: p.gtins.clone(),
                exclude: p.exclude.clone(),
            })
            .collect()
    }

    /// The whole definition as JSON (the JSON form of the campaign file, every default filled
    /// in), for what the typed accessors do not cover.
    pub fn definition_json(&self) -> String {
        serde_json::to_string(self.inner.def()).unwrap_or_default()
    }

    /// Pre-checks a candidate for a participant at the moment `now` (Kotlin `Instant`, Swift
    /// `Date`); receipt times are campaign-local. With the candidate's `receipt` (its items),
    /// product rules are decided too; without it a campaign with products answers `Pending`.
    /// Pure: same inputs, same decision.
    #[uniffi::method(default(lang))]
    pub fn evaluate(
        &self,
        candidate: Candidate,
        history: ParticipantHistory,
        now: SystemTime,
        lang: Option<Lang>,
    ) -> Result<Decision, ChekError> {
        let l: CoreLang = lang_of(lang);
        let h: core::ParticipantHistory = (&history)
            .try_into()
            .map_err(|e: InputError| e.into_ffi(l))?;
        self.run(&candidate, &h, now, l)
    }

    /// [`evaluate`](Self::evaluate) with the history in the ledger's JSON shape.
    #[uniffi::method(default(lang))]
    pub fn evaluate_json(
        &self,
        candidate: Candidate,
        history_json: String,
        now: SystemTime,
        lang: Option<Lang>,
    ) -> Result<Decision, ChekError> {
        let l: CoreLang = lang_of(lang);
        let h = history::core_from_json(&history_json).map_err(|e| e.into_ffi(l))?;
        self.run(&candidate, &h, now, l)
    }

    /// Pre-checks a QR string straight from the camera (channel QR).
    #[uniffi::method(default(lang))]
    pub fn evaluate_qr(
        &self,
        qr_text: String,
        history: ParticipantHistory,
        now: SystemTime,
        lang: Option<Lang>,
    ) -> Result<Decision, ChekError> {
        let qr = crate::parse_qr(qr_text, lang)?;
        self.evaluate(
            Candidate {
                qr,
                channel: crate::Channel::Qr,
                receipt: None,
            },
            history,
            now,
            lang,
        )
    }
}

impl Campaign {
    fn run(
        &self,
        candidate: &Candidate,
        history: &core::ParticipantHistory,
        now: SystemTime,
        lang: CoreLang,
    ) -> Result<Decision, ChekError> {
        let cand: chek::fiscal::Candidate = candidate
            .try_into()
            .map_err(|e: InputError| e.into_ffi(lang))?;
        let now = time::utc_of(now, "now").map_err(|e| e.into_ffi(lang))?;
        Ok(decision(&self.inner.evaluate(&cand, history, now), lang))
    }
}
