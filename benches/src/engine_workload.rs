//! The engine benchmark's workload: a one-rule campaign, a fresh receipt per call spread
//! over 10 000 participants, and an engine over a given ledger. Shared by
//! `benches/engine.rs` (criterion) and `examples/engine_rate.rs` (fixed counts, printed rates).

use chek::campaign::Campaign;
use chek::engine::{Engine, Input, Submission, Verification};
use chek::store::Ledger;
use chek::verify::RecheckPolicy;
use chrono::{NaiveDate, NaiveDateTime};

/// The campaign, in TOML (`RUN` is replaced by a run id).
pub const CAMPAIGN: &str = r#"
id = "bench-engine-RUN"
name = "Бенчмарк"
[when]
start = "2026-11-01"
end = "2026-11-30"
[what]
min_total = "300"
require_verification = false
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
[limits]
receipts_per_day = 1000
"#;

/// The moment every submission is received.
pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

/// A fresh receipt each call: ФД counts up, so nothing is a duplicate.
pub fn submission(n: u32) -> Submission {
    let qr = format!(
        "t=20261115T1200&s={}.00&fn=7281440500751551&i={n}&fp={}&n=1",
        500 + n % 2000,
        1_000_000 + n
    );
    Submission::new(format!("p{}", n % 10_000), Input::QrText(qr)).received_at(now())
}

/// An offline engine over the ledger at `db`, with a campaign id of its own.
pub fn engine(db: &str) -> Engine {
    // A fresh campaign id per run: a PostgreSQL database outlives the benchmark.
    let run = chrono::Utc::now().timestamp_micros();
    let toml = CAMPAIGN.replace("RUN", &run.to_string());
    let campaign = Campaign::from_toml(&toml).unwrap_or_else(|e| panic!("campaign: {e}"));
    let ledger = Ledger::open(db).unwrap_or_else(|e| panic!("ledger {db}: {e}"));
    Engine::new(
        campaign,
        ledger,
        Verification::Offline,
        RecheckPolicy::default(),
    )
}
