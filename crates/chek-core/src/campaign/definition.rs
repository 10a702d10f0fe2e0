//! The campaign file as operators write it (TOML or JSON). Checked and compiled into a
//! [`Campaign`](super::Campaign) by [`Campaign::from_def`](super::Campaign::from_def).

use chrono::{NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CampaignError, MAX_CAMPAIGN_BYTES, Roubles};
use crate::fiscal::{Channel, Operation};

/// A whole campaign definition. Unknown fields are errors, so a typo never silently disables a
/// rule.
///
/// ```
/// use chek_core::campaign::CampaignDef;
/// let def: CampaignDef = toml::from_str(r#"
///     id = "demo"
///     name = "Демо"
///     [when]
///     start = "2026-09-01"
///     end = "2026-09-30"
///     [[earn]]
///     id = "per-receipt"
///     kind = "per_receipt"
///     lots = 1
/// "#).unwrap();
/// assert_eq!(def.earn.len(), 1);
/// assert_eq!(def.when.utc_offset, "+03:00");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignDef {
    /// Stable machine id of the campaign, e.g. `kanzmir-autumn-2026`.
    pub id: String,
    /// Name shown to shoppers.
    pub name: String,
    /// Version of this definition; back-tests compare versions.
    #[serde(default)]
    pub version: u32,
    /// When receipts count.
    pub when: WhenDef,
    /// Where receipts must come from. Empty: anywhere.
    #[serde(default, rename = "where")]
    pub where_: WhereDef,
    /// What a receipt must contain.
    #[serde(default)]
    pub what: WhatDef,
    /// Promo products, referenced by id from `what`, `earn`, `bonus` and `multipliers`.
    #[serde(default)]
    pub products: Vec<ProductDef>,
    /// Rules that earn draw lots; their results add up.
    #[serde(default)]
    pub earn: Vec<EarnRuleDef>,
    /// Rules that earn bonus points; their results add up.
    #[serde(default)]
    pub bonus: Vec<BonusRuleDef>,
    /// Multipliers; when several apply, each lot or point gets the largest factor that covers
    /// it (they do not stack). See [`MultiplierDef`] for what a product multiplier covers.
    #[serde(default)]
    pub multipliers: Vec<MultiplierDef>,
    /// Caps on what a receipt, a participant or the whole campaign can earn.
    #[serde(default)]
    pub caps: CapsDef,
    /// Limits on how many receipts a participant can send.
    #[serde(default)]
    pub limits: LimitsDef,
}

impl CampaignDef {
    /// Reads a definition from JSON if the text starts with `{`, TOML otherwise, without
    /// checking the rules (see [`Campaign::from_def`](super::Campaign::from_def)).
    pub fn parse(s: &str) -> Result<Self, CampaignError> {
        if s.len() > MAX_CAMPAIGN_BYTES {
            return Err(CampaignError::TooLarge {
                len: s.len(),
                max: MAX_CAMPAIGN_BYTES,
            });
        }
        if s.trim_start().starts_with('{') {
            serde_json::from_str(s).map_err(|e| CampaignError::Malformed(e.to_string()))
        } else {
            toml::from_str(s).map_err(|e| CampaignError::Malformed(e.message().to_owned()))
        }
    }

    /// Adds the stores of a store list file's text (see [`WhereDef::stores_file`]) and marks
    /// the file as loaded. Errors name the line.
    ///
    /// ```
    /// use chek_core::campaign::{Campaign, CampaignDef};
    /// let mut def = CampaignDef::parse(r#"
    ///     id = "x"
    ///     name = "x"
    ///     [when]
    ///     start = "2026-09-01"
    ///     end = "2026-09-30"
    ///     [where]
    ///     stores_file = "stores.csv"
    ///     [[earn]]
    ///     id = "r"
    ///     kind = "per_receipt"
    ///     lots = 1
    /// "#)?;
    /// // Without the list the campaign is refused: it would silently accept every store.
    /// assert!(Campaign::from_def(def.clone()).is_err());
    /// def.add_store_list("name;inn;address\nКанцмир Тверская;7705123452;\"Москва, Тверская, 12\"\n")?;
    /// assert_eq!(def.where_.stores.len(), 1);
    /// assert!(Campaign::from_def(def).is_ok());
    /// # Ok::<(), chek_core::campaign::CampaignError>(())
    /// ```
    pub fn add_store_list(&mut self, text: &str) -> Result<(), CampaignError> {
        let bad = |line: usize, what: String| {
            CampaignError::invalid(format!("where.stores_file:{line}"), what)
        };
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(bad(1, "the store list is empty".into()));
        };
        let sep = [';', '\t', ',']
            .into_iter()
            .find(|c| header.contains(*c))
            .unwrap_or(';');
        let cols: Vec<String> = split_csv(header, sep)
            .into_iter()
            .map(|c| c.to_lowercase())
            .collect();
        for c in &cols {
            if !matches!(c.as_str(), "inn" | "kkt_reg_id" | "address" | "name") {
                return Err(bad(
                    1,
                    format!("unknown column {c:?}: use inn, kkt_reg_id, address, name"),
                ));
            }
        }
        for (n, line) in lines {
            let fields = split_csv(line, sep);
            let mut st = StoreDef::default();
            for (c, v) in cols.iter().zip(fields) {
                let v = (!v.is_empty()).then_some(v);
                match c.as_str() {
                    "inn" => st.inn = v,
                    "kkt_reg_id" => st.kkt_reg_id = v,
                    "address" => st.address = v,
                    _ => st.name = v,
                }
            }
            if st.inn.is_none() && st.kkt_reg_id.is_none() && st.address.is_none() {
                return Err(bad(
                    n + 1,
                    "a store needs an inn, a kkt_reg_id or an address".into(),
                ));
            }
            self.where_.stores.push(st);
            if self.where_.stores.len() > super::MAX_STORES {
                return Err(bad(
                    n + 1,
                    format!("more than {} stores", super::MAX_STORES),
                ));
            }
        }
        self.where_.stores_file = None;
        Ok(())
    }
}

/// Splits one CSV line; a field in double quotes may hold the separator, `""` is a quote.
fn split_csv(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur).trim().to_owned()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_owned());
    out
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
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

impl Weekday {
    pub(crate) fn from_chrono(d: chrono::Weekday) -> Self {
        match d {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        }
    }
    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// When receipts count. Dates are in the campaign's time zone; receipt times are the cash
/// register's local time and are taken to be in that zone too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhenDef {
    /// First day of purchases (inclusive), `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub start: NaiveDate,
    /// Last day of purchases (inclusive).
    #[schemars(with = "String")]
    pub end: NaiveDate,
    /// Last moment receipts can be uploaded, local time `YYYY-MM-DDTHH:MM:SS`. Default: the end
    /// of `end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub upload_deadline: Option<NaiveDateTime>,
    /// The campaign's time zone as a fixed UTC offset, `+03:00` (Moscow) by default.
    #[serde(default = "default_offset")]
    pub utc_offset: String,
    /// Only purchases on these days count (e.g. `["sat", "sun"]`). Empty: every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<Weekday>,
    /// Only purchases in this hour window count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<HoursDef>,
}

fn default_offset() -> String {
    "+03:00".into()
}

/// An hour window `[from, to)`, e.g. `from = 10, to = 22`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursDef {
    /// First hour (0–23).
    pub from: u8,
    /// Hour the window closes (1–24), exclusive.
    pub to: u8,
}

/// Participating sellers and stores. A receipt qualifies if it matches any entry of any list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhereDef {
    /// Seller ИНН.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inns: Vec<String>,
    /// РН ККТ (registration numbers of cash registers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kkt_reg_ids: Vec<String>,
    /// ФН serials (the only store field the QR carries, so these allow early decisions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fn_numbers: Vec<String>,
    /// Fragments of the store address, matched like product keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address_contains: Vec<String>,
    /// A store list: each store matches when all its given fields match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<StoreDef>,
    /// A store list file (CSV with a header naming `inn`, `kkt_reg_id`, `address`, `name`;
    /// separated by `;`, tab or `,`; fields may be quoted), relative to the campaign file. The
    /// core reads no files: the caller loads it with [`CampaignDef::add_store_list`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stores_file: Option<String>,
}

/// One store of a store list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreDef {
    /// Name for people; not matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Seller ИНН.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
    /// РН ККТ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kkt_reg_id: Option<String>,
    /// Address fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Operation type (tag 1054).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OperationDef {
    /// приход (default).
    #[default]
    Sale,
    /// возврат прихода.
    SaleRefund,
    /// расход.
    Expense,
    /// возврат расхода.
    ExpenseRefund,
}

impl OperationDef {
    pub(crate) fn operation(self) -> Operation {
        match self {
            OperationDef::Sale => Operation::Sale,
            OperationDef::SaleRefund => Operation::SaleRefund,
            OperationDef::Expense => Operation::Expense,
            OperationDef::ExpenseRefund => Operation::ExpenseRefund,
        }
    }
}

/// How the receipt was paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentDef {
    /// Any way (default).
    #[default]
    Any,
    /// Entirely by card or other electronic means.
    Card,
    /// Entirely in cash.
    Cash,
}

/// An input channel a campaign accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChannelDef {
    /// QR code.
    Qr,
    /// OCR of the printed text.
    Ocr,
    /// Typed by the shopper.
    Manual,
}

impl ChannelDef {
    pub(crate) fn channel(self) -> Channel {
        match self {
            ChannelDef::Qr => Channel::Qr,
            ChannelDef::Ocr => Channel::Ocr,
            ChannelDef::Manual => Channel::Manual,
        }
    }
}

/// What a receipt must be and contain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatDef {
    /// Operation type; `sale` (приход) by default.
    #[serde(default)]
    pub operation: OperationDef,
    /// Minimum receipt total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_total: Option<Roubles>,
    /// Whether at least one item must match `products` (when products are defined). Default
    /// true.
    #[serde(default = "yes")]
    pub require_products: bool,
    /// Minimum quantity of matching items (units; weighed goods count their weight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_matching_quantity: Option<u32>,
    /// Minimum sum of matching items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_matching_sum: Option<Roubles>,
    /// How the receipt must be paid.
    #[serde(default)]
    pub payment: PaymentDef,
    /// Accepted input channels. Default: all.
    #[serde(default = "all_channels")]
    pub channels: Vec<ChannelDef>,
    /// Whether a receipt must be confirmed by ФНС before it is accepted. Default true.
    #[serde(default = "yes")]
    pub require_verification: bool,
}

impl Default for WhatDef {
    fn default() -> Self {
        WhatDef {
            operation: OperationDef::Sale,
            min_total: None,
            require_products: true,
            min_matching_quantity: None,
            min_matching_sum: None,
            payment: PaymentDef::Any,
            channels: all_channels(),
            require_verification: true,
        }
    }
}

fn yes() -> bool {
    true
}

fn all_channels() -> Vec<ChannelDef> {
    vec![ChannelDef::Qr, ChannelDef::Ocr, ChannelDef::Manual]
}

/// A promo product: an item matches when its name contains any keyword or matches any pattern
/// (after folding case, ё=е and Latin/Cyrillic look-alikes), or its GTIN is listed — and no
/// `exclude` keyword occurs in the name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductDef {
    /// Id referenced by rules.
    pub id: String,
    /// Substrings of the item name, e.g. `"тетрадь"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Patterns with `*` for any text, found anywhere in the name, e.g. `"тетрадь*48"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// GTINs (8–14 digits) from marking codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gtins: Vec<String>,
    /// Keywords that disqualify an item even if it matched (e.g. `"пакет"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// How an earn rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EarnKind {
    /// `lots` for every qualifying receipt.
    PerReceipt,
    /// `lots` for each full `every` roubles of matching items (of the total when the campaign
    /// has no products).
    PerAmount,
    /// `lots` for each whole unit of matching items.
    PerUnit,
}

/// A rule that earns draw lots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarnRuleDef {
    /// Id shown in reasons.
    pub id: String,
    /// How it counts.
    pub kind: EarnKind,
    /// Lots per step.
    pub lots: u32,
    /// The step for `per_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Roubles>,
    /// Only these products count. Empty: all promo products.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
}

/// A rule that earns bonus points: `fixed + percent% of the basis in whole roubles`, where the
/// basis is the sum of matching items (or the total when the campaign has no products). With
/// `products` set, the rule gives nothing unless one of them is on the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BonusRuleDef {
    /// Id shown in reasons.
    pub id: String,
    /// Points for every qualifying receipt.
    #[serde(default)]
    pub fixed: u32,
    /// Points per 100 roubles of the basis (i.e. percent of roubles).
    #[serde(default)]
    pub percent: u32,
    /// Only these products count. Empty: all promo products.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
}

/// What a multiplier multiplies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// Lots and points (default).
    #[default]
    Both,
    /// Lots only.
    Lots,
    /// Points only.
    Points,
}

/// Multiplies earnings when all its conditions hold (empty conditions hold).
///
/// Without `products` it covers the whole receipt. With `products` it covers only what is
/// attributable to the items of those products: each earn or bonus rule is computed on the
/// whole receipt, then on those items alone, and the smaller result is their share. For
/// `per_unit` that is their units; for `per_receipt` with products, the lot when one of them is
/// among the rule's items; for `per_amount`, the full steps of `every` their own sum pays for (a
/// leftover that needs other items to complete a step is not theirs); for a bonus, `percent` of
/// their sum, plus `fixed` when the rule names products. Each lot or point gets the largest
/// factor that covers it; caps apply afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiplierDef {
    /// Id shown in reasons.
    pub id: String,
    /// The factor, 2–10.
    pub factor: u32,
    /// Purchase weekdays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<Weekday>,
    /// Purchase dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub dates: Vec<NaiveDate>,
    /// Only the lots and points attributable to these products' items are multiplied (and
    /// only when the receipt has them). Empty: the whole receipt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// Lots, points, or both.
    #[serde(default)]
    pub applies_to: AppliesTo,
}

/// Caps. Each is optional; days and weeks are the participant's upload days (ISO weeks) in the
/// campaign's time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct CapsDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lots_per_receipt: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lots_per_day: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lots_per_week: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lots_per_campaign: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_per_receipt: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_per_day: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_per_week: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_per_campaign: Option<u64>,
    /// Campaign-wide budget of lots, across all participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_lots: Option<u64>,
    /// Campaign-wide budget of points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_points: Option<u64>,
}

/// Limits on receipts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsDef {
    /// Receipts a participant can have accepted per upload day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipts_per_day: Option<u32>,
    /// Receipts a participant can have accepted in the whole campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipts_per_campaign: Option<u32>,
}
