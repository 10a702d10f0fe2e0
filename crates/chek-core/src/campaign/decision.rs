//! The outcome of evaluating one receipt: status, earnings, and every reason.

use std::borrow::Cow;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::Id;
use crate::fiscal::{ReceiptId, format_roubles};
use crate::{Coded, Lang};

/// Accepted, rejected, or waiting for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Counts; `lots` and `points` are credited.
    Accepted,
    /// Does not count; see the reasons.
    Rejected,
    /// Needs ФНС verification, the items, or a review before it can count.
    Pending,
}

impl Status {
    /// `"accepted"`, `"rejected"` or `"pending"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Pending => "pending",
        }
    }
}

/// What a reason does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// The receipt is rejected.
    Reject,
    /// The receipt waits.
    Pending,
    /// For information (a rule that fired, a cap that applied).
    Info,
}

/// A problem segment: a named group of shoppers a bot can message at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// «Ручной ввод чека».
    ManualEntry,
    /// «Не найден в ФНС».
    NotFoundInFns,
    /// «Вне периода акции».
    OutOfPeriod,
    /// «Нет акционных товаров».
    NoPromoProducts,
    /// «Дубликат».
    Duplicate,
    /// «Лимит».
    Limit,
}

impl Segment {
    /// Every segment.
    pub const ALL: [Segment; 6] = [
        Segment::ManualEntry,
        Segment::NotFoundInFns,
        Segment::OutOfPeriod,
        Segment::NoPromoProducts,
        Segment::Duplicate,
        Segment::Limit,
    ];

    /// Stable machine id, e.g. `out_of_period`.
    ///
    /// ```
    /// use chek_core::campaign::Segment;
    /// assert_eq!(Segment::OutOfPeriod.id(), "out_of_period");
    /// assert_eq!(Segment::OutOfPeriod.name_ru(), "Вне периода акции");
    /// ```
    pub const fn id(self) -> &'static str {
        match self {
            Segment::ManualEntry => "manual_entry",
            Segment::NotFoundInFns => "not_found_in_fns",
            Segment::OutOfPeriod => "out_of_period",
            Segment::NoPromoProducts => "no_promo_products",
            Segment::Duplicate => "duplicate",
            Segment::Limit => "limit",
        }
    }

    /// The Russian name operators know.
    pub const fn name_ru(self) -> &'static str {
        match self {
            Segment::ManualEntry => "Ручной ввод чека",
            Segment::NotFoundInFns => "Не найден в ФНС",
            Segment::OutOfPeriod => "Вне периода акции",
            Segment::NoPromoProducts => "Нет акционных товаров",
            Segment::Duplicate => "Дубликат",
            Segment::Limit => "Лимит",
        }
    }

    /// An English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Segment::ManualEntry => "Manual entry",
            Segment::NotFoundInFns => "Not found at ФНС",
            Segment::OutOfPeriod => "Outside the campaign period",
            Segment::NoPromoProducts => "No promo products",
            Segment::Duplicate => "Duplicate",
            Segment::Limit => "Limit",
        }
    }
}

impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

macro_rules! reason_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $effect:ident, $segment:expr;)*) => {
        /// The stable code of a decision reason. Codes are only ever added, never renamed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ReasonCode {
            $($(#[$doc])* $variant,)*
        }

        impl ReasonCode {
            /// Every code, for documentation and table tests.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant,)*];

            /// The dotted code, e.g. `campaign.after_period`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ReasonCode::$variant => $code,)* }
            }

            /// What the reason does to the decision.
            pub const fn effect(self) -> Effect {
                match self { $(ReasonCode::$variant => Effect::$effect,)* }
            }

            /// The problem segment it puts the receipt in, if any.
            pub const fn segment(self) -> Option<Segment> {
                match self { $(ReasonCode::$variant => $segment,)* }
            }
        }
    };
}

reason_codes! {
    /// This participant already sent this receipt.
    Duplicate = "campaign.duplicate", Reject, Some(Segment::Duplicate);
    /// Another participant already sent this receipt: held for review.
    Conflict = "campaign.conflict", Pending, Some(Segment::Duplicate);
    /// A refund or expense where the campaign wants a sale (or the other way round).
    OperationNotAllowed = "campaign.operation_not_allowed", Reject, None;
    /// The channel (QR, OCR, manual entry) is not accepted by this campaign.
    ChannelNotAllowed = "campaign.channel_not_allowed", Reject, None;
    /// Uploads are closed.
    UploadDeadlinePassed = "campaign.upload_deadline_passed", Reject, Some(Segment::OutOfPeriod);
    /// Bought before the campaign started.
    BeforePeriod = "campaign.before_period", Reject, Some(Segment::OutOfPeriod);
    /// Bought after the campaign ended.
    AfterPeriod = "campaign.after_period", Reject, Some(Segment::OutOfPeriod);
    /// Bought on a day of the week that does not count.
    OutsideWeekdays = "campaign.outside_weekdays", Reject, Some(Segment::OutOfPeriod);
    /// Bought outside the hour window.
    OutsideHours = "campaign.outside_hours", Reject, Some(Segment::OutOfPeriod);
    /// The total is below the minimum.
    TotalTooSmall = "campaign.total_too_small", Reject, None;
    /// The store or seller does not take part.
    StoreNotParticipating = "campaign.store_not_participating", Reject, None;
    /// Paid in a way the campaign does not accept.
    PaymentNotAllowed = "campaign.payment_not_allowed", Reject, None;
    /// Typed by hand; waits for ФНС to confirm it.
    ManualEntry = "campaign.manual_entry", Pending, Some(Segment::ManualEntry);
    /// Not yet confirmed by ФНС.
    NeedsVerification = "campaign.needs_verification", Pending, Some(Segment::NotFoundInFns);
    /// ФНС confirmed the receipt but returned no items, and the campaign needs them.
    NeedsItems = "campaign.needs_items", Pending, Some(Segment::NotFoundInFns);
    /// No promo product on the receipt.
    NoPromoProducts = "campaign.no_promo_products", Reject, Some(Segment::NoPromoProducts);
    /// Too few promo units.
    PromoQuantityTooSmall = "campaign.promo_quantity_too_small", Reject, Some(Segment::NoPromoProducts);
    /// Promo products for too small a sum.
    PromoSumTooSmall = "campaign.promo_sum_too_small", Reject, Some(Segment::NoPromoProducts);
    /// The receipt qualifies but no rule gives it anything (e.g. under one step of `every`).
    EarnsNothing = "campaign.earns_nothing", Reject, Some(Segment::NoPromoProducts);
    /// The participant's receipts-per-day limit is reached.
    ReceiptsPerDayReached = "campaign.receipts_per_day_reached", Reject, Some(Segment::Limit);
    /// The participant's receipts-per-campaign limit is reached.
    ReceiptsPerCampaignReached = "campaign.receipts_per_campaign_reached", Reject, Some(Segment::Limit);
    /// A cap leaves nothing for this receipt.
    CapReached = "campaign.cap_reached", Reject, Some(Segment::Limit);
    /// The campaign budget is spent.
    BudgetExhausted = "campaign.budget_exhausted", Reject, Some(Segment::Limit);
    /// A cap reduced what this receipt earns.
    CapApplied = "campaign.cap_applied", Info, None;
    /// An earn rule gave lots.
    LotsEarned = "campaign.lots_earned", Info, None;
    /// A bonus rule gave points.
    PointsEarned = "campaign.points_earned", Info, None;
    /// A multiplier applied.
    MultiplierApplied = "campaign.multiplier_applied", Info, None;
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule a reason comes from: a field of the definition, or a named rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleRef {
    /// A field path, e.g. `when.end`.
    Field(&'static str),
    /// An earn rule by id (`earn.<id>`).
    Earn(Id),
    /// A bonus rule by id (`bonus.<id>`).
    Bonus(Id),
    /// A multiplier by id (`multipliers.<id>`).
    Multiplier(Id),
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleRef::Field(p) => f.write_str(p),
            RuleRef::Earn(id) => write!(f, "earn.{id}"),
            RuleRef::Bonus(id) => write!(f, "bonus.{id}"),
            RuleRef::Multiplier(id) => write!(f, "multipliers.{id}"),
        }
    }
}

/// The numbers a hint quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
    /// Nothing more.
    None,
    /// The campaign period.
    Period {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// The upload deadline (campaign-local).
    Deadline(NaiveDateTime),
    /// The hour window.
    Hours {
        /// From.
        from: u32,
        /// To.
        to: u32,
    },
    /// Money: needed vs present, kopecks.
    Money {
        /// Needed.
        need: i64,
        /// Present.
        have: i64,
    },
    /// A count: the limit vs already used.
    Count {
        /// The limit.
        limit: u64,
        /// Already used.
        used: u64,
    },
    /// Earned by a rule.
    Earned(u64),
    /// A cap: before → after.
    Capped {
        /// Before the cap.
        before: u64,
        /// After.
        after: u64,
    },
    /// A multiplier factor.
    Factor(u64),
}

/// One reason of a decision: what, why (hint), and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable code.
    pub code: ReasonCode,
    /// The rule that fired.
    pub rule: RuleRef,
    /// Numbers for the hint.
    pub detail: Detail,
}

fn date_ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn rub(k: i64) -> String {
    format_roubles(k)
}

impl Reason {
    /// What the reason does.
    pub fn effect(&self) -> Effect {
        self.code.effect()
    }
    /// The segment, if any.
    pub fn segment(&self) -> Option<Segment> {
        self.code.segment()
    }
}

impl Coded for Reason {
    fn code(&self) -> &'static str {
        self.code.as_str()
    }

    #[allow(clippy::too_many_lines)]
    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        use ReasonCode as C;
        let ru = lang == Lang::Ru;
        let d = &self.detail;
        let s: String = match (self.code, d) {
            (C::Duplicate, _) if ru => "Этот чек уже зарегистрирован вами; повторно он не засчитывается.".into(),
            (C::Duplicate, _) => "You have already registered this receipt; it counts once.".into(),
            (C::Conflict, _) if ru => "Этот чек уже прислал другой участник. Мы проверим и сообщим результат.".into(),
            (C::Conflict, _) => "Another participant has already sent this receipt. We will review it and let you know.".into(),
            (C::OperationNotAllowed, _) if ru => "В акции участвуют только чеки прихода (покупки), не возвраты.".into(),
            (C::OperationNotAllowed, _) => "Only sale receipts take part, not refunds.".into(),
            (C::ChannelNotAllowed, _) if ru => "В этой акции чек нужно загрузить по QR-коду.".into(),
            (C::ChannelNotAllowed, _) => "This campaign needs the receipt's QR code.".into(),
            (C::UploadDeadlinePassed, Detail::Deadline(t)) if ru => format!("Приём чеков закончился {}.", t.format("%d.%m.%Y %H:%M")),
            (C::UploadDeadlinePassed, Detail::Deadline(t)) => format!("Receipt uploads closed on {}.", t.format("%Y-%m-%d %H:%M")),
            (C::BeforePeriod | C::AfterPeriod, Detail::Period { start, end }) if ru => format!("Чек должен быть с {} по {} включительно.", date_ru(*start), date_ru(*end)),
            (C::BeforePeriod | C::AfterPeriod, Detail::Period { start, end }) => format!("The purchase must be dated {start} to {end} inclusive."),
            (C::OutsideWeekdays, _) if ru => "Покупка сделана в день недели, который не участвует в акции.".into(),
            (C::OutsideWeekdays, _) => "The purchase was made on a day of the week that does not count.".into(),
            (C::OutsideHours, Detail::Hours { from, to }) if ru => format!("Засчитываются покупки с {from}:00 до {to}:00."),
            (C::OutsideHours, Detail::Hours { from, to }) => format!("Purchases count from {from}:00 to {to}:00."),
            (C::TotalTooSmall, Detail::Money { need, have }) if ru => format!("Сумма чека {} ₽, а нужно от {} ₽.", rub(*have), rub(*need)),
            (C::TotalTooSmall, Detail::Money { need, have }) => format!("The receipt total is {} ₽; at least {} ₽ is needed.", rub(*have), rub(*need)),
            (C::StoreNotParticipating, _) if ru => "Магазин, где сделана покупка, не участвует в акции.".into(),
            (C::StoreNotParticipating, _) => "The store where you bought does not take part in the campaign.".into(),
            (C::PaymentNotAllowed, _) if ru => "Способ оплаты не подходит под условия акции.".into(),
            (C::PaymentNotAllowed, _) => "The payment method does not meet the campaign terms.".into(),
            (C::ManualEntry, _) if ru => "Чек введён вручную; засчитаем его после подтверждения в ФНС.".into(),
            (C::ManualEntry, _) => "The receipt was typed in; it counts once ФНС confirms it.".into(),
            (C::NeedsVerification, _) if ru => "Чек ещё не подтверждён ФНС. Мы проверим его и сообщим результат.".into(),
            (C::NeedsVerification, _) => "ФНС has not confirmed the receipt yet. We will check it and let you know.".into(),
            (C::NeedsItems, _) if ru => "ФНС пока не прислала состав чека. Проверим ещё раз позже.".into(),
            (C::NeedsItems, _) => "ФНС has not sent the receipt's items yet. We will check again later.".into(),
            (C::NoPromoProducts, _) if ru => "В чеке нет акционных товаров.".into(),
            (C::NoPromoProducts, _) => "The receipt has no promo products.".into(),
            (C::PromoQuantityTooSmall, Detail::Count { limit, used }) if ru => format!("Акционных товаров {used} шт., а нужно от {limit}."),
            (C::PromoQuantityTooSmall, Detail::Count { limit, used }) => format!("{used} promo units; at least {limit} are needed."),
            (C::PromoSumTooSmall | C::EarnsNothing, Detail::Money { need, have }) if ru => format!("Акционных товаров на {} ₽, а нужно от {} ₽.", rub(*have), rub(*need)),
            (C::PromoSumTooSmall | C::EarnsNothing, Detail::Money { need, have }) => format!("Promo products total {} ₽; at least {} ₽ is needed.", rub(*have), rub(*need)),
            (C::EarnsNothing, _) if ru => "Чек не даёт ни одного розыгрышного шанса по условиям акции.".into(),
            (C::EarnsNothing, _) => "Under the campaign terms this receipt earns nothing.".into(),
            (C::ReceiptsPerDayReached, Detail::Count { limit, .. }) if ru => format!("В день засчитывается не больше {limit} чеков. Загрузите этот чек завтра."),
            (C::ReceiptsPerDayReached, Detail::Count { limit, .. }) => format!("At most {limit} receipts count per day. Upload this one tomorrow."),
            (C::ReceiptsPerCampaignReached, Detail::Count { limit, .. }) if ru => format!("За акцию засчитывается не больше {limit} чеков."),
            (C::ReceiptsPerCampaignReached, Detail::Count { limit, .. }) => format!("At most {limit} receipts count per campaign."),
            (C::CapReached, _) if ru => format!("Достигнут лимит начислений ({}).", self.rule),
            (C::CapReached, _) => format!("The earning limit is reached ({}).", self.rule),
            (C::BudgetExhausted, _) if ru => "Призовой фонд акции исчерпан.".into(),
            (C::BudgetExhausted, _) => "The campaign budget is spent.".into(),
            (C::CapApplied, Detail::Capped { before, after }) if ru => format!("Начислено {after} вместо {before}: действует лимит ({}).", self.rule),
            (C::CapApplied, Detail::Capped { before, after }) => format!("{after} credited instead of {before}: a limit applies ({}).", self.rule),
            (C::LotsEarned, Detail::Earned(n)) if ru => format!("Правило {} дало шансов: {n}.", self.rule),
            (C::LotsEarned, Detail::Earned(n)) => format!("Rule {} gave {n} lots.", self.rule),
            (C::PointsEarned, Detail::Earned(n)) if ru => format!("Правило {} дало баллов: {n}.", self.rule),
            (C::PointsEarned, Detail::Earned(n)) => format!("Rule {} gave {n} points.", self.rule),
            (C::MultiplierApplied, Detail::Factor(f)) if ru => format!("Действует множитель ×{f} ({}).", self.rule),
            (C::MultiplierApplied, Detail::Factor(f)) => format!("Multiplier ×{f} applies ({}).", self.rule),
            (_, _) if ru => "Чек не соответствует условиям акции.".into(),
            (_, _) => "The receipt does not meet the campaign terms.".into(),
        };
        s.into()
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Reason", 5)?;
        st.serialize_field("code", self.code.as_str())?;
        st.serialize_field("effect", &self.effect())?;
        st.serialize_field("segment", &self.segment())?;
        st.serialize_field("rule", &self.rule.to_string())?;
        st.serialize_field(
            "hint",
            &serde_json::json!({"ru": self.hint(Lang::Ru), "en": self.hint(Lang::En)}),
        )?;
        st.end()
    }
}

/// The decision on one receipt.
///
/// `lots` and `points` are what the receipt earns after caps: credited when `status` is
/// accepted, projected (as far as known) when pending, zero when rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The campaign id.
    pub campaign: Id,
    /// ФН + ФД + ФП.
    pub receipt: ReceiptId,
    /// Accepted, rejected or pending.
    pub status: Status,
    /// Lots after caps.
    pub lots: u64,
    /// Points after caps.
    pub points: u64,
    /// Lots before caps.
    pub lots_before_caps: u64,
    /// Points before caps.
    pub points_before_caps: u64,
    /// Every reason, in evaluation order.
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// The problem segments of this decision, without repeats, in order.
    pub fn segments(&self) -> Vec<Segment> {
        let mut v: Vec<Segment> = Vec::new();
        for r in &self.reasons {
            if let Some(s) = r.segment()
                && r.effect() != Effect::Info
                && !v.contains(&s)
            {
                v.push(s);
            }
        }
        v
    }

    /// Whether any reason has this code.
    pub fn has(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }

    /// The caps that reduced the earnings.
    pub fn caps_applied(&self) -> impl Iterator<Item = &Reason> {
        self.reasons.iter().filter(|r| {
            matches!(
                r.code,
                ReasonCode::CapApplied | ReasonCode::CapReached | ReasonCode::BudgetExhausted
            )
        })
    }
}
