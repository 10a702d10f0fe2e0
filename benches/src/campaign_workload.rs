//! The campaign benchmark's workload: a realistic campaign (10 rules), a 20-item verified
//! receipt and a participant with a history. Shared by `benches/campaign.rs` (criterion) and
//! `examples/campaign_rate.rs` (a fixed count, for `perf stat`).

use chek::campaign::{Campaign, ParticipantHistory, PastReceipt};
use chek::fiscal::{Candidate, Channel, Receipt};

/// The campaign, in TOML.
pub const CAMPAIGN: &str = r#"
id = "bench"
name = "Бенчмарк"
[when]
start = "2026-09-01"
end = "2026-09-30"
hours = { from = 8, to = 23 }
[where]
inns = ["7705123452", "1655123453"]
[what]
min_total = "300"
min_matching_sum = "200"
[[products]]
id = "notebooks"
keywords = ["тетрадь", "блокнот"]
patterns = ["тетр*48"]
exclude = ["обложка"]
[[products]]
id = "pens"
keywords = ["ручка", "карандаш", "маркер"]
exclude = ["клей"]
[[products]]
id = "bags"
keywords = ["рюкзак", "ранец"]
gtins = ["4601234567893"]
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
[[earn]]
id = "per-notebook"
kind = "per_unit"
lots = 1
products = ["notebooks"]
[[earn]]
id = "bag"
kind = "per_receipt"
lots = 3
products = ["bags"]
[[bonus]]
id = "cashback"
percent = 3
[[bonus]]
id = "pens-fixed"
fixed = 10
products = ["pens"]
[[multipliers]]
id = "weekend"
factor = 2
weekdays = ["sat", "sun"]
[[multipliers]]
id = "bags-x3"
factor = 3
products = ["bags"]
applies_to = "lots"
[caps]
lots_per_receipt = 30
lots_per_day = 60
lots_per_week = 150
budget_lots = 1000000
[limits]
receipts_per_day = 5
"#;

/// The 20 item names.
pub const NAMES: [&str; 20] = [
    "Тетрадь 48л. клетка Хатбер",
    "Ручка шариковая синяя BIC Cristal",
    "Хлеб Бородинский нарезка 400г",
    "Молоко Простоквашино 3,2% 930мл",
    "Карандаш чернографитный HB",
    "Пакет-майка 40х70",
    "Обложка для тетради ПВХ",
    "Бананы весовые",
    "Блокнот А5 на спирали 80л",
    "Сыр Российский 45% 200г",
    "Маркер текстовыделитель жёлтый",
    "Вода питьевая 1,5л",
    "Клей-карандаш 21г",
    "Яйцо куриное С1 10шт",
    "ТЕТРАДЬ 96Л. ЛИНИЯ",
    "Шоколад молочный 90г",
    "Рюкзак школьный Brauberg",
    "Сок яблочный 1л",
    "Ластик белый",
    "Печенье овсяное 300г",
];

/// A verified 20-item receipt with document number `fd`, from the register the store list's
/// store `store` has (see [`store_list`]).
pub fn receipt_from(fd: u32, store: usize) -> Candidate {
    let mut c = receipt(fd);
    if let Some(r) = c.receipt.as_mut() {
        r.kkt_reg_id = Some(kkt(store));
        r.retail_place_address = Some(address(store));
    }
    c
}

/// The 16-digit register number of store `n` of the store list.
fn kkt(n: usize) -> String {
    format!("{:016}", 7_000_000_000 + n * 37)
}

/// The address of store `n` of the store list.
fn address(n: usize) -> String {
    format!("г. Москва, ул. Магазинная, д. {n}")
}

/// A chain's store list of `n` stores, one seller and one register each, as the CSV an
/// operator loads with `CampaignDef::add_store_list`.
pub fn store_list(n: usize) -> String {
    let mut csv = String::from("inn;kkt_reg_id;address\n");
    for i in 0..n {
        csv.push_str(&format!("7705123452;{};{}\n", kkt(i), address(i)));
    }
    csv
}

/// The benchmark's campaign, taking part only in the stores of a `n`-store list instead of
/// by seller, and a receipt from its last store.
pub fn store_list_workload(n: usize) -> (Campaign, Candidate) {
    let toml = CAMPAIGN.replace(
        "inns = [\"7705123452\", \"1655123453\"]",
        "stores_file = \"stores.csv\"",
    );
    let mut def = match chek::campaign::CampaignDef::parse(&toml) {
        Ok(d) => d,
        Err(e) => panic!("bench campaign: {e}"),
    };
    if let Err(e) = def.add_store_list(&store_list(n)) {
        panic!("bench store list: {e}");
    }
    let campaign = match Campaign::from_def(def) {
        Ok(c) => c,
        Err(e) => panic!("bench campaign: {e}"),
    };
    (campaign, receipt_from(7, n.saturating_sub(1)))
}

/// A verified 20-item receipt with document number `fd`.
pub fn receipt(fd: u32) -> Candidate {
    let items: Vec<String> = NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let sum = 4_900 + 1_000 * i as i64;
            format!(r#"{{"name":"{n}","price":{sum},"quantity":1,"sum":{sum}}}"#)
        })
        .collect();
    let total: i64 = (0..20).map(|i| 4_900 + 1_000 * i as i64).sum();
    let json = format!(
        r#"{{"fiscalDriveNumber":"7281440500751551","fiscalDocumentNumber":{fd},"fiscalSign":{},"totalSum":{total},
        "ecashTotalSum":{total},"operationType":1,"dateTime":"2026-09-12T14:30:00","userInn":"7705123452",
        "retailPlaceAddress":"г. Москва, ул. Тверская, 12","items":[{}]}}"#,
        1000 + fd,
        items.join(",")
    );
    match Receipt::from_fns_json(&json) {
        Ok(r) => Candidate::verified(r, Channel::Qr),
        Err(e) => panic!("bench receipt: {e}"),
    }
}

/// The campaign, the receipt, the history and `now` the benchmark evaluates.
pub fn workload() -> (
    Campaign,
    Candidate,
    ParticipantHistory,
    chrono::NaiveDateTime,
) {
    let campaign = match Campaign::from_toml(CAMPAIGN) {
        Ok(c) => c,
        Err(e) => panic!("bench campaign: {e}"),
    };
    let cand = receipt(7);
    let mut history = ParticipantHistory::new("tg:42");
    let at = chrono::NaiveDate::from_ymd_opt(2026, 9, 11)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    for i in 0..10 {
        history.receipts.push(PastReceipt {
            id: receipt(100 + i).identity(),
            submitted_at: at,
            lots: 2,
            points: 10,
        });
    }
    let now = at + chrono::Duration::days(1);
    let d = campaign.evaluate(&cand, &history, now);
    assert!(
        d.lots > 0,
        "the bench receipt must be accepted: {:?}",
        d.reasons
    );
    (campaign, cand, history, now)
}
