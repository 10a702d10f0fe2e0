//! `Campaign::evaluate`: one receipt against one campaign, pure and deterministic.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::compile::{Address, Campaign, CompiledMultiplier, CompiledProduct};
use super::decision::{Decision, Detail, Effect, Reason, ReasonCode as C, RuleRef, Status};
use super::definition::{AppliesTo, EarnKind, PaymentDef, Weekday};
use super::history::ParticipantHistory;
use super::names::Scratch;
use super::text::find_from;
use crate::fiscal::{Candidate, Channel, Item, Receipt};

fn reason(code: C, rule: RuleRef, detail: Detail) -> Reason {
    Reason { code, rule, detail }
}

fn field(code: C, path: &'static str, detail: Detail) -> Reason {
    reason(code, RuleRef::Field(path), detail)
}

impl CompiledProduct {
    /// Whether the item's GTIN is one of this product's.
    fn gtin_matches(&self, gtin: Option<&str>) -> bool {
        match gtin {
            Some(g) if !self.gtins.is_empty() => {
                let g = g.trim().trim_start_matches('0');
                self.gtins.binary_search_by(|x| x.as_str().cmp(g)).is_ok()
            }
            _ => false,
        }
    }
}

/// The products each item matches, as bit masks, gathered into `groups`.
fn item_groups(c: &Campaign, items: &[Item], groups: &mut Groups) {
    let mut scratch = Scratch::default();
    for it in items {
        let gtin = it.gtin.as_deref();
        let listed = if gtin.is_some() { c.gtin_products } else { 0 };
        // Exclude words apply to GTIN matches too.
        let [kw, ex, pat] = c
            .names
            .find(&it.name, listed != 0, &c.products, &mut scratch);
        let mut mask = (kw | pat) & !ex;
        let mut rest = listed & !mask & !ex;
        while rest != 0 {
            let bit = rest & rest.wrapping_neg();
            rest ^= bit;
            let p = c.products.get(bit.trailing_zeros() as usize);
            if p.is_some_and(|p| p.gtin_matches(gtin)) {
                mask |= bit;
            }
        }
        groups.add(mask, it);
    }
}

/// Sum, whole units and presence of a set of items: the basis rules count from.
#[derive(Clone, Copy)]
struct Basis {
    sum: i64,
    units: u64,
    any: bool,
}

/// Every item: `within` for a rule's full basis.
const ALL: u64 = u64::MAX;

/// The items that match one set of products: their sum and quantity.
#[derive(Clone, Copy, Default)]
struct Group {
    mask: u64,
    sum: i64,
    qty: f64,
}

/// A receipt's promo items grouped by the set of products they match (items matching none are
/// left out). A receipt has a handful of such sets, so every basis a rule counts from is a sum
/// over a few groups rather than over every item, and needs no cache.
struct Groups {
    stack: [Group; 16],
    len: usize,
    /// Beyond 16 distinct sets (many products on one receipt): rare, so allocated only then.
    spill: Vec<Group>,
}

impl Groups {
    fn new() -> Self {
        Groups {
            stack: [Group::default(); 16],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn add(&mut self, mask: u64, it: &Item) {
        if mask == 0 {
            return;
        }
        let sum = it.sum_kopecks.max(0);
        let qty = if it.quantity.is_finite() && it.quantity > 0.0 {
            it.quantity
        } else {
            0.0
        };
        let g = if let Some(i) = self.stack[..self.len].iter().position(|g| g.mask == mask) {
            &mut self.stack[i]
        } else if self.len < self.stack.len() {
            self.len += 1;
            let g = &mut self.stack[self.len - 1];
            g.mask = mask;
            g
        } else if let Some(i) = self.spill.iter().position(|g| g.mask == mask) {
            &mut self.spill[i]
        } else {
            self.spill.push(Group {
                mask,
                ..Group::default()
            });
            let last = self.spill.len() - 1;
            &mut self.spill[last]
        };
        g.sum = g.sum.saturating_add(sum);
        g.qty += qty;
    }

    fn iter(&self) -> impl Iterator<Item = &Group> {
        self.stack[..self.len].iter().chain(&self.spill)
    }

    /// Every product on the receipt.
    fn present(&self) -> u64 {
        self.iter().fold(0, |a, g| a | g.mask)
    }

    /// Sum (kopecks) and whole units of the items matching both `mask` and `within`.
    fn basis(&self, mask: u64, within: u64) -> Basis {
        let mut sum = 0i64;
        let mut qty = 0f64;
        let mut any = false;
        for g in self.iter() {
            if g.mask & mask != 0 && g.mask & within != 0 {
                any = true;
                sum = sum.saturating_add(g.sum);
                qty += g.qty;
            }
        }
        // Quantities are decimal fractions printed with 3 digits; the epsilon keeps 2.999999
        // at 3. `qty` is never negative, so the cast's truncation is the floor.
        let units = if qty.is_finite() {
            (qty + 1e-6).min(1e15) as u64
        } else {
            0
        };
        Basis { sum, units, any }
    }
}

/// The multipliers that apply to one receipt, for lots or for points: a receipt-wide `base`
/// (the largest factor without products) and product `levels` above it, largest first, each
/// with the products of every multiplier at least that large.
///
/// Attribution: a rule's amount is first computed as usual (`full`). The part attributable to
/// the items of level *k* is the same rule computed on those items alone (its "within" basis),
/// never more than `full`; each slice gets the largest factor that covers it and the rest gets
/// the base factor. For `per_amount` this means a product's lots are the full steps its own
/// items pay for; a leftover that needs other items to reach a step earns at the base factor.
struct Levels<'m> {
    /// The base multiplier and its index.
    base: Option<(usize, &'m CompiledMultiplier)>,
    /// (factor, products, index of the first multiplier with that factor, products of the
    /// items on the receipt that are in `products`).
    levels: [(u64, u64, usize, u64); MAX_LEVELS],
    len: usize,
    /// Whether the base and each level multiplied something (for the reasons).
    used_base: bool,
    used: [bool; MAX_LEVELS],
}

/// Factors are 2 to 10, and a level is one factor.
const MAX_LEVELS: usize = 9;

impl<'m> Levels<'m> {
    fn new(
        all: &'m [CompiledMultiplier],
        applies: impl Fn(&CompiledMultiplier) -> bool,
        groups: &Groups,
        present: u64,
    ) -> Self {
        let mut base: Option<(usize, &CompiledMultiplier)> = None;
        for (i, m) in all.iter().enumerate() {
            if m.mask == 0 && applies(m) && base.is_none_or(|(_, b)| m.factor > b.factor) {
                base = Some((i, m));
            }
        }
        let floor = base.map_or(1, |(_, b)| b.factor);
        let mut l = Levels {
            base,
            levels: [(0, 0, 0, 0); MAX_LEVELS],
            len: 0,
            used_base: false,
            used: [false; MAX_LEVELS],
        };
        for (i, m) in all.iter().enumerate() {
            if m.mask == 0 || m.mask & present == 0 || m.factor <= floor || !applies(m) {
                continue;
            }
            match l.levels[..l.len].iter_mut().find(|x| x.0 == m.factor) {
                Some(x) => x.1 |= m.mask,
                None if l.len < MAX_LEVELS => {
                    l.levels[l.len] = (m.factor, m.mask, i, 0);
                    l.len += 1;
                }
                // Unreachable with factors checked to 2..=10 at compile time.
                None => {}
            }
        }
        let levels = &mut l.levels[..l.len];
        levels.sort_unstable_by_key(|l| std::cmp::Reverse(l.0));
        // Cumulative: an item of a ×3 product is also "at least ×2".
        for k in 1..levels.len() {
            levels[k].1 |= levels[k - 1].1;
        }
        for lv in levels.iter_mut() {
            lv.3 = groups
                .iter()
                .filter(|g| g.mask & lv.1 != 0)
                .fold(0, |a, g| a | g.mask);
        }
        l
    }

    /// `full` with each slice multiplied; `within(products)` is the rule's amount on the
    /// items of `products` alone, for a rule counting the products of `rule_mask`.
    fn apply(&mut self, full: u64, rule_mask: u64, mut within: impl FnMut(u64) -> u64) -> u64 {
        let base = self.base.map_or(1, |(_, b)| b.factor);
        let mut done = 0u64;
        let mut out = 0u64;
        for (k, &(factor, products, _, on_receipt)) in self.levels[..self.len].iter().enumerate() {
            // No item of this level counts for the rule: nothing to compute.
            if on_receipt & rule_mask == 0 {
                continue;
            }
            let upto = within(products).min(full);
            if upto > done {
                out = out.saturating_add((upto - done).saturating_mul(factor));
                self.used[k] = true;
                done = upto;
            }
        }
        if full > done {
            out = out.saturating_add((full - done).saturating_mul(base));
            self.used_base |= base > 1;
        }
        out
    }

    /// A reason for every multiplier that multiplied something and is not in `done` (bit `i`
    /// for `all[i]`, set here), so that one that multiplies both lots and points is named once.
    fn reasons(&self, all: &[CompiledMultiplier], reasons: &mut Vec<Reason>, done: &mut u64) {
        let base = self.base.filter(|_| self.used_base).map(|(i, _)| i);
        let levels = self.levels[..self.len]
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| **u)
            .map(|(l, _)| l.2);
        // Largest factor first.
        for i in levels.chain(base) {
            // At most `MAX_RULES` (32) multipliers, so every index has its bit.
            let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
            let Some(m) = all.get(i).filter(|_| *done & bit == 0) else {
                continue;
            };
            *done |= bit;
            reasons.push(reason(
                C::MultiplierApplied,
                RuleRef::Multiplier(m.id),
                Detail::Factor(m.factor),
            ));
        }
    }
}

fn payment_ok(p: PaymentDef, r: &Receipt) -> bool {
    let pay = &r.payments;
    match p {
        PaymentDef::Any => true,
        PaymentDef::Card => pay.ecash > 0 && pay.cash == 0,
        PaymentDef::Cash => pay.cash > 0 && pay.ecash == 0,
    }
}

/// The upload day and ISO week (campaign-local) that evaluation at a given time counts caps
/// and limits in, as UTC ranges `[start, end)`: a ledger uses them to sum the participant's
/// recent receipts instead of listing them ([`Campaign::history_windows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryWindows {
    /// The day, UTC `[start, end)`.
    pub day: (NaiveDateTime, NaiveDateTime),
    /// The ISO week, UTC `[start, end)`.
    pub week: (NaiveDateTime, NaiveDateTime),
}

impl Campaign {
    /// The day and week windows evaluation at `now` (UTC) counts in.
    ///
    /// ```
    /// # use chek_core::campaign::Campaign;
    /// let c = Campaign::from_toml("id = \"x\"\nname = \"x\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\nutc_offset = \"+03:00\"\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let w = c.history_windows(now);
    /// assert_eq!(w.day.0.to_string(), "2026-09-19 21:00:00");
    /// assert!(w.week.0 <= w.day.0 && w.day.1 <= w.week.1);
    /// # Ok::<(), chek_core::campaign::CampaignError>(())
    /// ```
    pub fn history_windows(&self, now: NaiveDateTime) -> HistoryWindows {
        let w = Windows::new(self.local(now).date(), self.offset);
        HistoryWindows {
            day: w.day,
            week: w.week,
        }
    }
}

/// The participant's current upload day and ISO week, as UTC ranges `[start, end)`, so
/// history entries (UTC) are placed by comparison alone.
struct Windows {
    day: (NaiveDateTime, NaiveDateTime),
    week: (NaiveDateTime, NaiveDateTime),
}

impl Windows {
    fn new(local_today: NaiveDate, offset: chrono::Duration) -> Self {
        let utc = |d: Option<NaiveDate>, fallback: NaiveDateTime| {
            d.and_then(|d| d.and_time(NaiveTime::MIN).checked_sub_signed(offset))
                .unwrap_or(fallback)
        };
        let back = u64::from(local_today.weekday().num_days_from_monday());
        let monday = local_today.checked_sub_days(Days::new(back));
        Windows {
            day: (
                utc(Some(local_today), NaiveDateTime::MIN),
                utc(
                    local_today.checked_add_days(Days::new(1)),
                    NaiveDateTime::MAX,
                ),
            ),
            week: (
                utc(monday, NaiveDateTime::MIN),
                utc(
                    monday.and_then(|m| m.checked_add_days(Days::new(7))),
                    NaiveDateTime::MAX,
                ),
            ),
        }
    }

    fn in_day(&self, t: NaiveDateTime) -> bool {
        self.day.0 <= t && t < self.day.1
    }

    fn in_week(&self, t: NaiveDateTime) -> bool {
        self.week.0 <= t && t < self.week.1
    }
}

impl Campaign {
    fn store_matches(&self, r: &Receipt) -> bool {
        let w = &self.where_;
        if w.is_anywhere() {
            return true;
        }
        let inn = r.seller_inn.as_deref().map(str::trim);
        let kkt = r.kkt_reg_id.as_deref().map(str::trim);
        let listed = |list: &[String], key: Option<&str>| {
            key.is_some_and(|k| list.binary_search_by(|x| x.as_str().cmp(k)).is_ok())
        };
        if w.fns.binary_search(&r.fn_number).is_ok() || listed(&w.inns, inn) || listed(&w.kkts, kkt)
        {
            return true;
        }
        let addr = Address::new(r.retail_place_address.as_deref());
        w.addresses
            .iter()
            .any(|a| find_from(addr.folded(), a, 0).is_some())
            || w.stores.matches(inn, kkt, &addr)
    }

    /// Evaluates one candidate receipt for one participant. `now` is the moment of evaluation
    /// in UTC; receipt times are taken as campaign-local. Pure: the same inputs always give the
    /// same decision, so a dry run is this same call.
    ///
    /// ```
    /// use chek_core::campaign::{Campaign, ParticipantHistory, Status, ReasonCode, Segment};
    /// use chek_core::fiscal::{Candidate, Channel, FiscalQr};
    ///
    /// let c = Campaign::from_toml(r#"
    ///     id = "demo"
    ///     name = "Демо"
    ///     [when]
    ///     start = "2026-09-01"
    ///     end = "2026-09-30"
    ///     [what]
    ///     min_total = "500"
    ///     require_verification = false
    ///     [[earn]]
    ///     id = "per-500"
    ///     kind = "per_amount"
    ///     every = "500"
    ///     lots = 1
    /// "#)?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let h = ParticipantHistory::new("tg:1");
    ///
    /// let qr: FiscalQr = "t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1".parse().unwrap();
    /// let d = c.evaluate(&Candidate::new(qr, Channel::Qr), &h, now);
    /// assert_eq!(d.status, Status::Accepted);
    /// assert_eq!(d.lots, 3);
    ///
    /// let qr: FiscalQr = "t=20260820T1200&s=100.00&fn=7281440500751551&i=2&fp=1&n=1".parse().unwrap();
    /// let d = c.evaluate(&Candidate::new(qr, Channel::Qr), &h, now);
    /// assert_eq!(d.status, Status::Rejected);
    /// // Every reason, not only the first:
    /// assert!(d.has(ReasonCode::BeforePeriod) && d.has(ReasonCode::TotalTooSmall));
    /// assert_eq!(d.segments(), vec![Segment::OutOfPeriod]);
    /// # Ok::<(), chek_core::campaign::CampaignError>(())
    /// ```
    #[allow(clippy::too_many_lines)]
    pub fn evaluate(
        &self,
        cand: &Candidate,
        hist: &ParticipantHistory,
        now: NaiveDateTime,
    ) -> Decision {
        let mut reasons: Vec<Reason> = Vec::with_capacity(8);
        let id = cand.identity();
        let when = &self.def.when;
        let local_now = self.local(now);
        let windows = Windows::new(local_now.date(), self.offset);
        let bought = cand.qr.datetime;
        let bought_day = bought.date();
        let bought_wd = Weekday::from_chrono(bought_day.weekday());

        // Identity: one receipt counts once in a campaign, whoever sends it.
        if hist.receipts.iter().any(|r| r.id == id) {
            reasons.push(field(C::Duplicate, "limits.duplicates", Detail::None));
        } else if hist.claimed_by_others.contains(&id) {
            reasons.push(field(C::Conflict, "limits.duplicates", Detail::None));
        }
        if cand.qr.operation != self.operation {
            reasons.push(field(
                C::OperationNotAllowed,
                "what.operation",
                Detail::None,
            ));
        }
        if !self.channels.contains(&cand.channel) {
            reasons.push(field(C::ChannelNotAllowed, "what.channels", Detail::None));
        }
        if local_now > self.deadline {
            reasons.push(field(
                C::UploadDeadlinePassed,
                "when.upload_deadline",
                Detail::Deadline(self.deadline),
            ));
        }
        let period = Detail::Period {
            start: when.start,
            end: when.end,
        };
        if bought_day < when.start {
            reasons.push(field(C::BeforePeriod, "when.start", period));
        } else if bought_day > when.end {
            reasons.push(field(C::AfterPeriod, "when.end", period));
        }
        if self.weekdays != 0 && self.weekdays & bought_wd.bit() == 0 {
            reasons.push(field(C::OutsideWeekdays, "when.weekdays", Detail::None));
        }
        if let Some((from, to)) = self.hours {
            let h = bought.hour();
            if h < from || h >= to {
                reasons.push(field(
                    C::OutsideHours,
                    "when.hours",
                    Detail::Hours { from, to },
                ));
            }
        }
        if let Some(min) = self.def.what.min_total
            && cand.total_kopecks() < min.kopecks()
        {
            reasons.push(field(
                C::TotalTooSmall,
                "what.min_total",
                Detail::Money {
                    need: min.kopecks(),
                    have: cand.total_kopecks(),
                },
            ));
        }
        let receipt = cand.receipt.as_ref();
        match receipt {
            Some(r) => {
                if !self.store_matches(r) {
                    reasons.push(field(C::StoreNotParticipating, "where", Detail::None));
                }
                if !payment_ok(self.payment, r) {
                    reasons.push(field(C::PaymentNotAllowed, "what.payment", Detail::None));
                }
            }
            None => {
                if self.where_.fn_only()
                    && self.where_.fns.binary_search(&cand.qr.fn_number).is_err()
                {
                    reasons.push(field(
                        C::StoreNotParticipating,
                        "where.fn_numbers",
                        Detail::None,
                    ));
                }
            }
        }

        // Receipt limits, by upload day in the campaign's time zone.
        let limits = &self.def.limits;
        if let Some(limit) = limits.receipts_per_day {
            let used = hist
                .receipts
                .iter()
                .filter(|r| windows.in_day(r.submitted_at))
                .count() as u64
                + hist
                    .buckets
                    .iter()
                    .filter(|b| windows.in_day(b.start))
                    .map(|b| b.count)
                    .sum::<u64>();
            if used >= u64::from(limit) {
                reasons.push(field(
                    C::ReceiptsPerDayReached,
                    "limits.receipts_per_day",
                    Detail::Count {
                        limit: limit.into(),
                        used,
                    },
                ));
            }
        }
        if let Some(limit) = limits.receipts_per_campaign {
            let used = hist.counted_receipts();
            if used >= u64::from(limit) {
                reasons.push(field(
                    C::ReceiptsPerCampaignReached,
                    "limits.receipts_per_campaign",
                    Detail::Count {
                        limit: limit.into(),
                        used,
                    },
                ));
            }
        }

        // Products and earnings.
        let has_products = !self.products.is_empty();
        let what = &self.def.what;
        let mut lots = 0u64;
        let mut points = 0u64;
        let mut known = true;
        let items: &[Item] = match receipt {
            Some(r) if has_products && r.items.is_empty() => {
                reasons.push(field(C::NeedsItems, "products", Detail::None));
                known = false;
                &[]
            }
            Some(r) => &r.items,
            None => {
                if cand.channel == Channel::Manual {
                    reasons.push(field(C::ManualEntry, "what.channels", Detail::None));
                }
                if what.require_verification
                    || has_products
                    || (!self.where_.is_anywhere() && !self.where_.fn_only())
                    || what.payment != PaymentDef::Any
                {
                    reasons.push(field(
                        C::NeedsVerification,
                        "what.require_verification",
                        Detail::None,
                    ));
                }
                known = !has_products;
                &[]
            }
        };
        if known {
            let mut groups = Groups::new();
            if has_products {
                item_groups(self, items, &mut groups);
            }
            let total = cand.total_kopecks().max(0);
            if has_products {
                let Basis { sum, units, any } = groups.basis(self.all_products, ALL);
                if what.require_products && !any {
                    reasons.push(field(C::NoPromoProducts, "products", Detail::None));
                }
                if let Some(min) = what.min_matching_quantity
                    && units < u64::from(min)
                {
                    reasons.push(field(
                        C::PromoQuantityTooSmall,
                        "what.min_matching_quantity",
                        Detail::Count {
                            limit: min.into(),
                            used: units,
                        },
                    ));
                }
                if let Some(min) = what.min_matching_sum
                    && sum < min.kopecks()
                {
                    reasons.push(field(
                        C::PromoSumTooSmall,
                        "what.min_matching_sum",
                        Detail::Money {
                            need: min.kopecks(),
                            have: sum,
                        },
                    ));
                }
            }
            // The products on the receipt, and the multipliers that apply to its date.
            let present = groups.present();
            let dated = |m: &CompiledMultiplier| {
                (m.weekdays == 0 || m.weekdays & bought_wd.bit() != 0)
                    && (m.dates.is_empty() || m.dates.contains(&bought_day))
            };
            let mut lot_levels = Levels::new(
                &self.multipliers,
                |m| m.applies != AppliesTo::Points && dated(m),
                &groups,
                present,
            );
            let mut point_levels = Levels::new(
                &self.multipliers,
                |m| m.applies != AppliesTo::Lots && dated(m),
                &groups,
                present,
            );
            let mut min_step = i64::MAX;
            let mut multiplied_lots = 0u64;
            for e in &self.earn {
                // `part` is the rule on a basis; `whole_receipt` says whether the basis is the
                // receipt as such (a per-receipt lot without products belongs to no item).
                let part = |b: Basis, whole_receipt: bool| -> u64 {
                    let n = match e.kind {
                        EarnKind::PerReceipt => u64::from(b.any && !whole_receipt),
                        EarnKind::PerAmount => (b.sum / e.every) as u64,
                        EarnKind::PerUnit => b.units,
                    };
                    n.saturating_mul(e.lots)
                };
                let full = if e.mask == 0 {
                    let b = Basis {
                        sum: total,
                        units: 0,
                        any: true,
                    };
                    match e.kind {
                        EarnKind::PerReceipt => e.lots,
                        _ => part(b, false),
                    }
                } else {
                    part(groups.basis(e.mask, ALL), false)
                };
                if e.kind == EarnKind::PerAmount {
                    min_step = min_step.min(e.every);
                }
                if full > 0 {
                    lots = lots.saturating_add(full);
                    multiplied_lots = multiplied_lots.saturating_add(lot_levels.apply(
                        full,
                        e.mask,
                        |p| part(groups.basis(e.mask, p), e.mask == 0),
                    ));
                    reasons.push(reason(
                        C::LotsEarned,
                        RuleRef::Earn(e.id),
                        Detail::Earned(full),
                    ));
                }
            }
            let mut multiplied_points = 0u64;
            for b in &self.bonus {
                let full_basis = if b.mask == 0 {
                    Basis {
                        sum: total,
                        units: 0,
                        any: true,
                    }
                } else {
                    groups.basis(b.mask, ALL)
                };
                if b.conditional && !full_basis.any {
                    continue;
                }
                // The fixed part belongs to the products only when the rule names them.
                let part = |x: Basis, fixed: bool| -> u64 {
                    let fixed = if fixed { b.fixed } else { 0 };
                    fixed
                        .saturating_add((x.sum.max(0) as u64 / 100).saturating_mul(b.percent) / 100)
                };
                let got = part(full_basis, true);
                if got > 0 {
                    points = points.saturating_add(got);
                    multiplied_points =
                        multiplied_points.saturating_add(point_levels.apply(got, b.mask, |p| {
                            let x = groups.basis(b.mask, p);
                            part(x, b.conditional && x.any)
                        }));
                    reasons.push(reason(
                        C::PointsEarned,
                        RuleRef::Bonus(b.id),
                        Detail::Earned(got),
                    ));
                }
            }
            // Multipliers: each lot or point gets the largest factor that covers it (they do
            // not stack); see `Levels` for how lots are attributed to items.
            let mut named = 0;
            if lots > 0 {
                lot_levels.reasons(&self.multipliers, &mut reasons, &mut named);
                lots = multiplied_lots;
            }
            if points > 0 {
                point_levels.reasons(&self.multipliers, &mut reasons, &mut named);
                points = multiplied_points;
            }
            if lots == 0
                && points == 0
                && !reasons.iter().any(|r| r.code.effect() == Effect::Reject)
            {
                let detail = if min_step != i64::MAX {
                    let have = if has_products {
                        groups.basis(self.all_products, ALL).sum
                    } else {
                        total
                    };
                    Detail::Money {
                        need: min_step,
                        have,
                    }
                } else {
                    Detail::None
                };
                reasons.push(field(C::EarnsNothing, "earn", detail));
            }
        }

        let (lots_before, points_before) = (lots, points);
        if lots > 0 || points > 0 {
            self.apply_caps(hist, &windows, &mut lots, &mut points, &mut reasons);
        }

        let status = if reasons.iter().any(|r| r.code.effect() == Effect::Reject) {
            Status::Rejected
        } else if reasons.iter().any(|r| r.code.effect() == Effect::Pending) {
            Status::Pending
        } else {
            Status::Accepted
        };
        if status == Status::Rejected {
            lots = 0;
            points = 0;
        }
        Decision {
            campaign: self.id,
            receipt: id,
            status,
            lots,
            points,
            lots_before_caps: lots_before,
            points_before_caps: points_before,
            reasons,
        }
    }

    fn apply_caps(
        &self,
        hist: &ParticipantHistory,
        windows: &Windows,
        lots: &mut u64,
        points: &mut u64,
        reasons: &mut Vec<Reason>,
    ) {
        let (mut day_l, mut day_p, mut week_l, mut week_p) = (0u64, 0u64, 0u64, 0u64);
        let (mut all_l, mut all_p) = (hist.earlier.lots, hist.earlier.points);
        for r in &hist.receipts {
            all_l = all_l.saturating_add(r.lots);
            all_p = all_p.saturating_add(r.points);
            if windows.in_day(r.submitted_at) {
                day_l = day_l.saturating_add(r.lots);
                day_p = day_p.saturating_add(r.points);
            }
            if windows.in_week(r.submitted_at) {
                week_l = week_l.saturating_add(r.lots);
                week_p = week_p.saturating_add(r.points);
            }
        }
        for b in &hist.buckets {
            all_l = all_l.saturating_add(b.lots);
            all_p = all_p.saturating_add(b.points);
            if windows.in_day(b.start) {
                day_l = day_l.saturating_add(b.lots);
                day_p = day_p.saturating_add(b.points);
            }
            if windows.in_week(b.start) {
                week_l = week_l.saturating_add(b.lots);
                week_p = week_p.saturating_add(b.points);
            }
        }
        let c = &self.def.caps;
        let lot_caps = [
            ("caps.lots_per_receipt", c.lots_per_receipt, 0),
            ("caps.lots_per_day", c.lots_per_day, day_l),
            ("caps.lots_per_week", c.lots_per_week, week_l),
            ("caps.lots_per_campaign", c.lots_per_campaign, all_l),
            ("caps.budget_lots", c.budget_lots, hist.campaign_lots),
        ];
        let point_caps = [
            ("caps.points_per_receipt", c.points_per_receipt, 0),
            ("caps.points_per_day", c.points_per_day, day_p),
            ("caps.points_per_week", c.points_per_week, week_p),
            ("caps.points_per_campaign", c.points_per_campaign, all_p),
            ("caps.budget_points", c.budget_points, hist.campaign_points),
        ];
        for (caps, v) in [(&lot_caps, &mut *lots), (&point_caps, &mut *points)] {
            for &(path, cap, used) in caps {
                let Some(cap) = cap else { continue };
                let room = cap.saturating_sub(used);
                if *v > room {
                    let code = if room > 0 {
                        C::CapApplied
                    } else if path.starts_with("caps.budget") {
                        C::BudgetExhausted
                    } else {
                        C::CapReached
                    };
                    reasons.push(field(
                        code,
                        path,
                        Detail::Capped {
                            before: *v,
                            after: room,
                        },
                    ));
                    *v = room;
                }
            }
        }
        // A receipt that wanted something and got nothing at all is refused by the limit; one
        // that still earns lots or points is accepted with what is left.
        let left = *lots > 0 || *points > 0;
        if left {
            for r in reasons.iter_mut() {
                if matches!(r.code, C::CapReached | C::BudgetExhausted) {
                    r.code = C::CapApplied;
                }
            }
        }
    }
}
