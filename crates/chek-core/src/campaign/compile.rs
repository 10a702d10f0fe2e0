//! Checking a definition and compiling it into typed predicates that evaluate fast.

use std::cell::OnceCell;
use std::collections::HashSet;

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset};

use super::definition::{AppliesTo, CampaignDef, EarnKind, PaymentDef, Weekday};
use super::id::Id;
use super::names::Names;
use super::text::{find_from, fold};
use super::{CampaignError, MAX_CAMPAIGN_BYTES};
use crate::fiscal::{Channel, FnNumber, Operation, inn_is_valid, normalize_inn};

/// At most this many products (they are tracked as bits of a `u64`).
pub const MAX_PRODUCTS: usize = 64;
/// At most this many earn, bonus or multiplier rules of each kind.
pub const MAX_RULES: usize = 32;
/// At most this many keywords, patterns and GTINs across all products.
pub const MAX_MATCHERS: usize = 4096;
/// At most this many entries across the `where` lists.
pub const MAX_STORES: usize = 20_000;

pub(crate) struct CompiledProduct {
    pub(crate) keywords: Vec<Vec<u8>>,
    /// Each pattern as its literal parts, to be found in order.
    pub(crate) patterns: Vec<Vec<Vec<u8>>>,
    /// Without leading zeros, sorted.
    pub(crate) gtins: Vec<String>,
    pub(crate) exclude: Vec<Vec<u8>>,
}

#[derive(Clone)]
pub(crate) struct CompiledStore {
    pub(crate) inn: Option<String>,
    pub(crate) kkt: Option<String>,
    pub(crate) address: Option<Vec<u8>>,
}

impl CompiledStore {
    /// Whether a receipt with this seller, register and address is from this store.
    pub(crate) fn matches(
        &self,
        inn: Option<&str>,
        kkt: Option<&str>,
        address: &Address<'_>,
    ) -> bool {
        self.inn.as_deref().is_none_or(|x| Some(x) == inn)
            && self.kkt.as_deref().is_none_or(|x| Some(x) == kkt)
            && self
                .address
                .as_deref()
                .is_none_or(|a| find_from(address.folded(), a, 0).is_some())
    }
}

/// A receipt's store address, folded the first time a listed fragment is looked for in it:
/// most receipts are placed by register or seller, and folding allocates.
pub(crate) struct Address<'a> {
    raw: Option<&'a str>,
    folded: OnceCell<Vec<u8>>,
}

impl<'a> Address<'a> {
    pub(crate) fn new(raw: Option<&'a str>) -> Self {
        Address {
            raw,
            folded: OnceCell::new(),
        }
    }

    pub(crate) fn folded(&self) -> &[u8] {
        self.folded
            .get_or_init(|| self.raw.map(fold).unwrap_or_default())
    }
}

/// A store list, split by the most selective field a store has and sorted by it, so a receipt
/// is checked against the few stores with its register or seller rather than against all of a
/// chain's thousands (20 000 stores checked one by one cost about 0.1 ms per decision).
#[derive(Default)]
pub(crate) struct StoreIndex {
    /// Stores with a register number, by it.
    by_kkt: Vec<CompiledStore>,
    /// Stores with a seller and no register, by seller.
    by_inn: Vec<CompiledStore>,
    /// Stores known by address alone: found by substring, so looked at one by one.
    by_address: Vec<CompiledStore>,
}

impl StoreIndex {
    fn new(stores: Vec<CompiledStore>) -> Self {
        let mut ix = StoreIndex::default();
        for s in stores {
            if s.kkt.is_some() {
                ix.by_kkt.push(s);
            } else if s.inn.is_some() {
                ix.by_inn.push(s);
            } else {
                ix.by_address.push(s);
            }
        }
        ix.by_kkt.sort_by(|a, b| a.kkt.cmp(&b.kkt));
        ix.by_inn.sort_by(|a, b| a.inn.cmp(&b.inn));
        ix
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_kkt.is_empty() && self.by_inn.is_empty() && self.by_address.is_empty()
    }

    /// Whether a receipt with this seller, register and address is from a listed store.
    pub(crate) fn matches(
        &self,
        inn: Option<&str>,
        kkt: Option<&str>,
        address: &Address<'_>,
    ) -> bool {
        let with = |list: &[CompiledStore],
                    key: Option<&str>,
                    of: fn(&CompiledStore) -> &Option<String>| {
            key.is_some_and(|k| {
                let from = list.partition_point(|s| of(s).as_deref() < Some(k));
                list.get(from..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|s| of(s).as_deref() == Some(k))
                    .any(|s| s.matches(inn, kkt, address))
            })
        };
        with(&self.by_kkt, kkt, |s| &s.kkt)
            || with(&self.by_inn, inn, |s| &s.inn)
            || self.by_address.iter().any(|s| s.matches(inn, kkt, address))
    }
}

#[derive(Default)]
pub(crate) struct CompiledWhere {
    /// Sorted, for binary search (up to `MAX_STORES` entries).
    pub(crate) inns: Vec<String>,
    /// Sorted, for binary search.
    pub(crate) kkts: Vec<String>,
    /// Sorted, for binary search.
    pub(crate) fns: Vec<FnNumber>,
    pub(crate) addresses: Vec<Vec<u8>>,
    pub(crate) stores: StoreIndex,
}

impl CompiledWhere {
    pub(crate) fn is_anywhere(&self) -> bool {
        self.inns.is_empty()
            && self.kkts.is_empty()
            && self.fns.is_empty()
            && self.addresses.is_empty()
            && self.stores.is_empty()
    }
    /// Only ФН serials are listed, so the QR alone decides.
    pub(crate) fn fn_only(&self) -> bool {
        !self.fns.is_empty()
            && self.inns.is_empty()
            && self.kkts.is_empty()
            && self.addresses.is_empty()
            && self.stores.is_empty()
    }
}

pub(crate) struct CompiledEarn {
    pub(crate) id: Id,
    pub(crate) kind: EarnKind,
    pub(crate) lots: u64,
    pub(crate) every: i64,
    /// Products counted; 0 means "the whole receipt" (campaign without products).
    pub(crate) mask: u64,
}

pub(crate) struct CompiledBonus {
    pub(crate) id: Id,
    pub(crate) fixed: u64,
    pub(crate) percent: u64,
    pub(crate) mask: u64,
    pub(crate) conditional: bool,
}

pub(crate) struct CompiledMultiplier {
    pub(crate) id: Id,
    pub(crate) factor: u64,
    pub(crate) weekdays: u8,
    pub(crate) dates: Vec<NaiveDate>,
    pub(crate) mask: u64,
    pub(crate) applies: AppliesTo,
}

/// A checked, compiled campaign, ready to [`evaluate`](Campaign::evaluate) receipts.
///
/// ```
/// use chek_core::campaign::Campaign;
/// let c = Campaign::from_toml(r#"
///     id = "demo"
///     name = "Демо"
///     [when]
///     start = "2026-09-01"
///     end = "2026-09-30"
///     [[earn]]
///     id = "per-receipt"
///     kind = "per_receipt"
///     lots = 1
/// "#)?;
/// assert_eq!(c.def().id, "demo");
/// # Ok::<(), chek_core::campaign::CampaignError>(())
/// ```
pub struct Campaign {
    pub(crate) def: CampaignDef,
    pub(crate) id: Id,
    pub(crate) offset: Duration,
    pub(crate) deadline: NaiveDateTime,
    pub(crate) weekdays: u8,
    pub(crate) hours: Option<(u32, u32)>,
    pub(crate) operation: Operation,
    pub(crate) channels: Vec<Channel>,
    pub(crate) where_: CompiledWhere,
    pub(crate) products: Vec<CompiledProduct>,
    pub(crate) names: Names,
    pub(crate) all_products: u64,
    /// Products with GTINs listed.
    pub(crate) gtin_products: u64,
    pub(crate) earn: Vec<CompiledEarn>,
    pub(crate) bonus: Vec<CompiledBonus>,
    pub(crate) multipliers: Vec<CompiledMultiplier>,
    pub(crate) payment: PaymentDef,
}

impl std::fmt::Debug for Campaign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Campaign").field("def", &self.def).finish()
    }
}

impl Campaign {
    /// Campaign-local time of a UTC moment; saturates instead of overflowing on absurd dates.
    pub(crate) fn local(&self, utc: NaiveDateTime) -> NaiveDateTime {
        utc.checked_add_signed(self.offset).unwrap_or(utc)
    }

    /// Reads a campaign from TOML.
    pub fn from_toml(s: &str) -> Result<Self, CampaignError> {
        check_size(s)?;
        let def: CampaignDef =
            toml::from_str(s).map_err(|e| CampaignError::Malformed(e.message().to_owned()))?;
        Self::from_def(def)
    }

    /// Reads a campaign from JSON if the text starts with `{`, TOML otherwise.
    pub fn parse(s: &str) -> Result<Self, CampaignError> {
        Self::from_def(CampaignDef::parse(s)?)
    }

    /// Reads a campaign from JSON.
    pub fn from_json(s: &str) -> Result<Self, CampaignError> {
        check_size(s)?;
        let def: CampaignDef =
            serde_json::from_str(s).map_err(|e| CampaignError::Malformed(e.to_string()))?;
        Self::from_def(def)
    }

    /// Checks a definition and compiles it.
    pub fn from_def(def: CampaignDef) -> Result<Self, CampaignError> {
        compile(def)
    }

    /// The definition this campaign was compiled from.
    pub fn def(&self) -> &CampaignDef {
        &self.def
    }

    /// Converts a campaign-local time (a receipt's time) to UTC with the campaign's offset.
    pub fn local_to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        local.checked_sub_signed(self.offset).unwrap_or(local)
    }

    /// The campaign-local wall-clock time of a UTC moment (the inverse of
    /// [`Campaign::local_to_utc`]); saturates instead of overflowing on absurd dates.
    ///
    /// ```
    /// # use chek_core::campaign::Campaign;
    /// let c = Campaign::from_toml("id = \"x\"\nname = \"x\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let utc = chrono::NaiveDate::from_ymd_opt(2026, 9, 5).unwrap().and_hms_opt(21, 30, 0).unwrap();
    /// assert_eq!(c.utc_to_local(utc).to_string(), "2026-09-06 00:30:00");
    /// assert_eq!(c.local_to_utc(c.utc_to_local(utc)), utc);
    /// # Ok::<(), chek_core::campaign::CampaignError>(())
    /// ```
    pub fn utc_to_local(&self, utc: NaiveDateTime) -> NaiveDateTime {
        self.local(utc)
    }

    /// The campaign's time zone (`when.utc_offset`) as a fixed offset east of UTC.
    ///
    /// ```
    /// # use chek_core::campaign::Campaign;
    /// let c = Campaign::from_toml("id = \"x\"\nname = \"x\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\nutc_offset = \"+07:00\"\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// assert_eq!(c.utc_offset().local_minus_utc(), 7 * 3600);
    /// # Ok::<(), chek_core::campaign::CampaignError>(())
    /// ```
    pub fn utc_offset(&self) -> FixedOffset {
        // Compiled offsets are within ±14:00, so the fallback (UTC) is never taken.
        i32::try_from(self.offset.num_seconds())
            .ok()
            .and_then(FixedOffset::east_opt)
            .unwrap_or_else(|| chrono::Utc.fix())
    }

    /// The JSON Schema of campaign files.
    ///
    /// ```
    /// let s = chek_core::campaign::Campaign::json_schema();
    /// assert!(s["properties"]["earn"].is_object());
    /// ```
    pub fn json_schema() -> serde_json::Value {
        schemars::schema_for!(CampaignDef).to_value()
    }
}

fn check_size(s: &str) -> Result<(), CampaignError> {
    if s.len() > MAX_CAMPAIGN_BYTES {
        return Err(CampaignError::TooLarge {
            len: s.len(),
            max: MAX_CAMPAIGN_BYTES,
        });
    }
    Ok(())
}

fn err<T>(path: impl Into<String>, problem: impl Into<String>) -> Result<T, CampaignError> {
    Err(CampaignError::invalid(path, problem))
}

pub(crate) fn parse_offset(s: &str) -> Option<Duration> {
    let b = s.trim().as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let d = |i: usize| b[i].is_ascii_digit().then(|| i64::from(b[i] - b'0'));
    let h = d(1)? * 10 + d(2)?;
    let m = d(4)? * 10 + d(5)?;
    if h > 14 || m > 59 || (h == 14 && m > 0) {
        return None;
    }
    Some(Duration::minutes(sign * (h * 60 + m)))
}

fn folded_nonempty(path: String, s: &str) -> Result<Vec<u8>, CampaignError> {
    let f = fold(s);
    if f.is_empty() {
        return err(path, format!("{s:?} has no letters or digits to match"));
    }
    Ok(f)
}

fn product_mask(
    path: &str,
    ids: &[String],
    index: &[(String, usize)],
) -> Result<u64, CampaignError> {
    let mut mask = 0u64;
    for (i, id) in ids.iter().enumerate() {
        match index.iter().find(|(k, _)| k == id) {
            Some((_, n)) => mask |= 1 << n,
            None => return err(format!("{path}[{i}]"), format!("no product with id {id:?}")),
        }
    }
    Ok(mask)
}

fn check_id(path: String, id: &str, seen: &mut HashSet<String>) -> Result<Id, CampaignError> {
    let Some(checked) = Id::new(id) else {
        return err(path, "an id must be 1 to 64 bytes");
    };
    if !seen.insert(id.to_owned()) {
        return err(path, format!("the id {id:?} is used twice"));
    }
    Ok(checked)
}

fn weekday_mask(days: &[Weekday]) -> u8 {
    days.iter().fold(0, |m, d| m | d.bit())
}

#[allow(clippy::too_many_lines)]
fn compile(def: CampaignDef) -> Result<Campaign, CampaignError> {
    let id = match Id::new(&def.id) {
        Some(id) if !def.id.trim().is_empty() => id,
        _ => return err("id", "the campaign id must be 1 to 64 bytes"),
    };
    if def.name.trim().is_empty() {
        return err("name", "the campaign needs a name shoppers see");
    }

    // When.
    let w = &def.when;
    if w.end < w.start {
        return err(
            "when.end",
            format!("the period ends ({}) before it starts ({})", w.end, w.start),
        );
    }
    let offset = parse_offset(&w.utc_offset).ok_or_else(|| {
        CampaignError::invalid(
            "when.utc_offset",
            "write the offset as +03:00 (±HH:MM, up to ±14:00)",
        )
    })?;
    let end_of_period = w
        .end
        .and_hms_opt(23, 59, 59)
        .unwrap_or(w.end.and_time(NaiveTime::MIN));
    let deadline = w.upload_deadline.unwrap_or(end_of_period);
    if deadline < w.end.and_time(NaiveTime::MIN) {
        return err(
            "when.upload_deadline",
            format!(
                "uploads close ({deadline}) before the last day of purchases ({})",
                w.end
            ),
        );
    }
    let weekdays = weekday_mask(&w.weekdays);
    if weekdays != 0 {
        let days = (w.end - w.start).num_days().min(7);
        let any = (0..=days).any(|i| {
            let d = w.start + Duration::days(i);
            d <= w.end && weekdays & Weekday::from_chrono(d.weekday()).bit() != 0
        });
        if !any {
            return err(
                "when.weekdays",
                "no day of the period falls on these weekdays",
            );
        }
    }
    let hours = match w.hours {
        Some(h) if h.from >= h.to || h.to > 24 => {
            return err(
                "when.hours",
                format!("the window {}–{} is empty or past 24", h.from, h.to),
            );
        }
        Some(h) => Some((u32::from(h.from), u32::from(h.to))),
        None => None,
    };

    // Where.
    let wh = &def.where_;
    let total_where = wh.inns.len()
        + wh.kkt_reg_ids.len()
        + wh.fn_numbers.len()
        + wh.address_contains.len()
        + wh.stores.len();
    if total_where > MAX_STORES {
        return err(
            "where",
            format!("more than {MAX_STORES} stores and sellers"),
        );
    }
    if let Some(f) = &wh.stores_file {
        return err(
            "where.stores_file",
            format!("the store list {f:?} was not loaded (CampaignDef::add_store_list)"),
        );
    }
    let mut cw = CompiledWhere::default();
    for (i, inn) in wh.inns.iter().enumerate() {
        let inn = normalize_inn(inn);
        if !inn_is_valid(inn) {
            return err(
                format!("where.inns[{i}]"),
                format!("{inn:?} is not a valid ИНН"),
            );
        }
        cw.inns.push(inn.to_owned());
    }
    for (i, k) in wh.kkt_reg_ids.iter().enumerate() {
        let k = k.trim();
        if k.len() != 16 || !k.bytes().all(|b| b.is_ascii_digit()) {
            return err(
                format!("where.kkt_reg_ids[{i}]"),
                format!("{k:?} is not a 16-digit РН ККТ"),
            );
        }
        cw.kkts.push(k.to_owned());
    }
    for (i, f) in wh.fn_numbers.iter().enumerate() {
        let n: FnNumber = f.trim().parse().map_err(|_| {
            CampaignError::invalid(
                format!("where.fn_numbers[{i}]"),
                format!("{f:?} is not a 16-digit ФН serial"),
            )
        })?;
        cw.fns.push(n);
    }
    for (i, a) in wh.address_contains.iter().enumerate() {
        cw.addresses
            .push(folded_nonempty(format!("where.address_contains[{i}]"), a)?);
    }
    let mut stores = Vec::with_capacity(wh.stores.len());
    for (i, s) in wh.stores.iter().enumerate() {
        let p = format!("where.stores[{i}]");
        let inn = match &s.inn {
            Some(x) => {
                let x = normalize_inn(x);
                if !inn_is_valid(x) {
                    return err(format!("{p}.inn"), format!("{x:?} is not a valid ИНН"));
                }
                Some(x.to_owned())
            }
            None => None,
        };
        let address = match &s.address {
            Some(a) => Some(folded_nonempty(format!("{p}.address"), a)?),
            None => None,
        };
        let kkt = s.kkt_reg_id.as_ref().map(|k| k.trim().to_owned());
        if inn.is_none() && kkt.is_none() && address.is_none() {
            return err(p, "a store needs an inn, a kkt_reg_id or an address");
        }
        stores.push(CompiledStore { inn, kkt, address });
    }
    cw.stores = StoreIndex::new(stores);
    cw.inns.sort_unstable();
    cw.inns.dedup();
    cw.kkts.sort_unstable();
    cw.kkts.dedup();
    cw.fns.sort_unstable();
    cw.fns.dedup();

    // Products.
    if def.products.len() > MAX_PRODUCTS {
        return err("products", format!("more than {MAX_PRODUCTS} products"));
    }
    let mut seen = HashSet::new();
    let mut index = Vec::new();
    let mut products = Vec::new();
    let mut matchers = 0usize;
    for (n, p) in def.products.iter().enumerate() {
        let path = format!("products[{n}]");
        check_id(format!("{path}.id"), &p.id, &mut seen)?;
        index.push((p.id.clone(), n));
        if p.keywords.is_empty() && p.patterns.is_empty() && p.gtins.is_empty() {
            return err(path, "a product needs keywords, patterns or gtins");
        }
        matchers += p.keywords.len() + p.patterns.len() + p.gtins.len() + p.exclude.len();
        if matchers > MAX_MATCHERS {
            return err(
                path,
                format!("more than {MAX_MATCHERS} keywords, patterns and GTINs"),
            );
        }
        let mut cp = CompiledProduct {
            keywords: Vec::new(),
            patterns: Vec::new(),
            gtins: Vec::new(),
            exclude: Vec::new(),
        };
        for (i, k) in p.keywords.iter().enumerate() {
            cp.keywords
                .push(folded_nonempty(format!("{path}.keywords[{i}]"), k)?);
        }
        for (i, k) in p.exclude.iter().enumerate() {
            cp.exclude
                .push(folded_nonempty(format!("{path}.exclude[{i}]"), k)?);
        }
        for (i, pat) in p.patterns.iter().enumerate() {
            let parts: Vec<Vec<u8>> = pat.split('*').map(fold).filter(|f| !f.is_empty()).collect();
            if parts.is_empty() {
                return err(
                    format!("{path}.patterns[{i}]"),
                    format!("{pat:?} matches everything"),
                );
            }
            cp.patterns.push(parts);
        }
        for (i, g) in p.gtins.iter().enumerate() {
            let g = g.trim();
            if !(8..=14).contains(&g.len()) || !g.bytes().all(|b| b.is_ascii_digit()) {
                return err(
                    format!("{path}.gtins[{i}]"),
                    format!("{g:?} is not a GTIN of 8–14 digits"),
                );
            }
            cp.gtins.push(g.trim_start_matches('0').to_owned());
        }
        // Sorted for binary search: a brand may list thousands of GTINs.
        cp.gtins.sort_unstable();
        cp.gtins.dedup();
        products.push(cp);
    }
    let all_products = if products.len() == 64 {
        u64::MAX
    } else {
        (1u64 << products.len()) - 1
    };

    // What.
    let wt = &def.what;
    if let Some(m) = wt.min_total
        && m.kopecks() <= 0
    {
        return err("what.min_total", "a minimum total must be above zero");
    }
    if products.is_empty() {
        if wt.min_matching_quantity.is_some() {
            return err(
                "what.min_matching_quantity",
                "there are no products to count",
            );
        }
        if wt.min_matching_sum.is_some() {
            return err("what.min_matching_sum", "there are no products to sum");
        }
    }
    if wt.channels.is_empty() {
        return err("what.channels", "no input channel is accepted");
    }
    let channels = wt.channels.iter().map(|c| c.channel()).collect();

    // Earn.
    if def.earn.is_empty() && def.bonus.is_empty() {
        return err(
            "earn",
            "the campaign earns nothing: add an earn or bonus rule",
        );
    }
    for (name, n) in [
        ("earn", def.earn.len()),
        ("bonus", def.bonus.len()),
        ("multipliers", def.multipliers.len()),
    ] {
        if n > MAX_RULES {
            return err(name, format!("more than {MAX_RULES} rules"));
        }
    }
    let mut seen = HashSet::new();
    let mut earn = Vec::new();
    for (n, r) in def.earn.iter().enumerate() {
        let path = format!("earn[{n}]");
        let id = check_id(format!("{path}.id"), &r.id, &mut seen)?;
        if r.lots == 0 || r.lots > 1_000_000 {
            return err(format!("{path}.lots"), "lots must be 1 to 1000000");
        }
        let every = match (r.kind, r.every) {
            (EarnKind::PerAmount, Some(e)) if e.kopecks() > 0 => e.kopecks(),
            (EarnKind::PerAmount, _) => {
                return err(
                    format!("{path}.every"),
                    "per_amount needs `every`, above zero",
                );
            }
            (_, Some(_)) => {
                return err(
                    format!("{path}.every"),
                    "`every` only applies to per_amount",
                );
            }
            (_, None) => 0,
        };
        if r.kind == EarnKind::PerUnit && products.is_empty() {
            return err(
                format!("{path}.kind"),
                "per_unit counts product units, but there are no products",
            );
        }
        let mask = product_mask(&format!("{path}.products"), &r.products, &index)?;
        earn.push(CompiledEarn {
            id,
            kind: r.kind,
            lots: u64::from(r.lots),
            every,
            mask: if mask == 0 { all_products } else { mask },
        });
    }
    let mut bonus = Vec::new();
    for (n, r) in def.bonus.iter().enumerate() {
        let path = format!("bonus[{n}]");
        let id = check_id(format!("{path}.id"), &r.id, &mut seen)?;
        if r.fixed == 0 && r.percent == 0 {
            return err(path, "a bonus rule needs `fixed` or `percent` above zero");
        }
        if r.percent > 10_000 || r.fixed > 1_000_000 {
            return err(
                path,
                "percent must be at most 10000 and fixed at most 1000000",
            );
        }
        let mask = product_mask(&format!("{path}.products"), &r.products, &index)?;
        bonus.push(CompiledBonus {
            id,
            fixed: u64::from(r.fixed),
            percent: u64::from(r.percent),
            mask: if mask == 0 { all_products } else { mask },
            conditional: mask != 0,
        });
    }
    let mut multipliers = Vec::new();
    for (n, m) in def.multipliers.iter().enumerate() {
        let path = format!("multipliers[{n}]");
        let id = check_id(format!("{path}.id"), &m.id, &mut seen)?;
        if !(2..=10).contains(&m.factor) {
            return err(format!("{path}.factor"), "a factor must be 2 to 10");
        }
        for (i, d) in m.dates.iter().enumerate() {
            if *d < w.start || *d > w.end {
                return err(
                    format!("{path}.dates[{i}]"),
                    format!("{d} is outside the campaign period"),
                );
            }
        }
        let mask = product_mask(&format!("{path}.products"), &m.products, &index)?;
        multipliers.push(CompiledMultiplier {
            id,
            factor: u64::from(m.factor),
            weekdays: weekday_mask(&m.weekdays),
            dates: m.dates.clone(),
            mask,
            applies: m.applies_to,
        });
    }

    // Caps and limits.
    let c = &def.caps;
    let caps = [
        ("caps.lots_per_receipt", c.lots_per_receipt),
        ("caps.lots_per_day", c.lots_per_day),
        ("caps.lots_per_week", c.lots_per_week),
        ("caps.lots_per_campaign", c.lots_per_campaign),
        ("caps.points_per_receipt", c.points_per_receipt),
        ("caps.points_per_day", c.points_per_day),
        ("caps.points_per_week", c.points_per_week),
        ("caps.points_per_campaign", c.points_per_campaign),
        ("caps.budget_lots", c.budget_lots),
        ("caps.budget_points", c.budget_points),
    ];
    for (p, v) in caps {
        if v == Some(0) {
            return err(
                p,
                "a cap of 0 lets nothing through; remove the rule instead",
            );
        }
    }
    for (small, big) in [(1, 2), (2, 3), (5, 6), (6, 7)] {
        if let (Some(a), Some(b)) = (caps[small].1, caps[big].1)
            && a > b
        {
            return err(
                caps[small].0,
                format!("{a} is more than {} ({b})", caps[big].0),
            );
        }
    }
    if def.limits.receipts_per_day == Some(0) {
        return err(
            "limits.receipts_per_day",
            "a limit of 0 lets no receipt through",
        );
    }
    if def.limits.receipts_per_campaign == Some(0) {
        return err(
            "limits.receipts_per_campaign",
            "a limit of 0 lets no receipt through",
        );
    }

    let gtin_products = products
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.gtins.is_empty())
        .fold(0, |m, (n, _)| m | 1 << n);
    Ok(Campaign {
        id,
        offset,
        deadline,
        weekdays,
        hours,
        operation: def.what.operation.operation(),
        channels,
        where_: cw,
        names: Names::new(&products),
        products,
        all_products,
        gtin_products,
        earn,
        bonus,
        multipliers,
        payment: def.what.payment,
        def,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(inn: Option<&str>, kkt: Option<&str>, address: Option<&str>) -> CompiledStore {
        CompiledStore {
            inn: inn.map(str::to_owned),
            kkt: kkt.map(str::to_owned),
            address: address.map(fold),
        }
    }

    /// The index answers as checking every store would, for stores of every kind (duplicates
    /// among them) and receipts with and without each field.
    #[test]
    fn the_store_index_agrees_with_checking_every_store() {
        let inns = [None, Some("7705123452"), Some("1655123453")];
        let kkts = [None, Some("0000000000000001"), Some("0000000000000002")];
        let addrs = [None, Some("Тверская"), Some("Казань")];
        let mut stores = Vec::new();
        for (n, i) in inns.iter().enumerate() {
            for (m, k) in kkts.iter().enumerate() {
                for (l, a) in addrs.iter().enumerate() {
                    // Not every combination, so that some receipts match nothing.
                    if (n + m + l) % 2 == 0 && (i.is_some() || k.is_some() || a.is_some()) {
                        stores.push(store(*i, *k, *a));
                        stores.push(store(*i, *k, *a));
                    }
                }
            }
        }
        let linear = stores.clone();
        let ix = StoreIndex::new(stores);
        let places = ["г. Москва, ул. Тверская, 12", "г. Казань", "г. Омск", ""];
        let mut matched = 0;
        let mut missed = 0;
        for i in inns.iter().chain(&[Some("7707083893")]) {
            for k in kkts.iter().chain(&[Some("0000000000000009")]) {
                for p in places {
                    let addr = Address::new(Some(p));
                    let want = linear.iter().any(|s| s.matches(*i, *k, &addr));
                    assert_eq!(ix.matches(*i, *k, &addr), want, "{i:?} {k:?} {p:?}");
                    if want {
                        matched += 1;
                    } else {
                        missed += 1;
                    }
                }
            }
        }
        assert!(matched > 10 && missed > 10, "{matched} {missed}");
    }
}
