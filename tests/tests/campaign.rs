//! Campaign rules: table tests per rule kind and per reason code, definition errors with
//! paths, the shipped examples, and properties (monotone earnings, caps never exceeded).

use chek::campaign::{
    Campaign, CampaignDef, Decision, ParticipantHistory, PastReceipt, ReasonCode, Segment, Status,
    Submission, replay,
};
use chek::fiscal::{Candidate, Channel, FiscalQr, Receipt};
use chek::{Coded, Lang};
use chek_tests::repo_dir;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use serde_json::json;

const INN: &str = "7705123452";
const OTHER_INN: &str = "1655123453";

const FULL: &str = r#"
id = "full"
name = "Полная"
[when]
start = "2026-09-01"
end = "2026-09-30"
upload_deadline = "2026-10-05T23:59:59"
hours = { from = 8, to = 22 }
[where]
inns = ["7705123452"]
[what]
min_total = "100"
min_matching_quantity = 1
min_matching_sum = "200"
payment = "card"
channels = ["qr", "manual"]
[[products]]
id = "pens"
keywords = ["ручка"]
[[products]]
id = "nb"
patterns = ["тетр*48"]
gtins = ["04601234567893"]
exclude = ["обложка"]
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
[[earn]]
id = "per-unit"
kind = "per_unit"
lots = 1
products = ["nb"]
[[earn]]
id = "pen-receipt"
kind = "per_receipt"
lots = 1
products = ["pens"]
[[bonus]]
id = "cash"
fixed = 5
percent = 10
[[multipliers]]
id = "sunday-x2"
factor = 2
weekdays = ["sun"]
[[multipliers]]
id = "nb-x3"
factor = 3
products = ["nb"]
applies_to = "lots"
[caps]
lots_per_receipt = 50
lots_per_day = 60
lots_per_week = 100
lots_per_campaign = 200
budget_lots = 10000
[limits]
receipts_per_day = 3
receipts_per_campaign = 20
"#;

/// No products, QR-only receipts can be accepted, weekends only, tight caps.
const SIMPLE: &str = r#"
id = "simple"
name = "Простая"
[when]
start = "2026-09-01"
end = "2026-09-30"
weekdays = ["sat", "sun"]
[what]
require_verification = false
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
[caps]
lots_per_day = 5
budget_lots = 1000
"#;

fn campaign(s: &str) -> Campaign {
    Campaign::from_toml(s).unwrap_or_else(|e| panic!("{e}"))
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// A verified receipt: items are (name, quantity, sum in kopecks).
fn receipt_with(
    fd: u32,
    dt: &str,
    items: &[(&str, f64, i64)],
    f: impl FnOnce(&mut serde_json::Value),
) -> Candidate {
    let total: i64 = items.iter().map(|i| i.2).sum();
    let mut j = json!({
        "fiscalDriveNumber": "7281440500751551", "fiscalDocumentNumber": fd, "fiscalSign": 1000 + fd,
        "totalSum": total, "operationType": 1, "dateTime": format!("{dt}:00"), "userInn": INN,
        "ecashTotalSum": total, "cashTotalSum": 0,
        "retailPlaceAddress": "г. Москва, ул. Тверская, 12",
        "items": items.iter().map(|(n, q, s)| json!({"name": n, "quantity": q, "sum": s, "price": s})).collect::<Vec<_>>(),
    });
    f(&mut j);
    let r = Receipt::from_fns_json(&j.to_string()).unwrap_or_else(|e| panic!("{e}"));
    Candidate::verified(r, Channel::Qr)
}

fn receipt(fd: u32, dt: &str, items: &[(&str, f64, i64)]) -> Candidate {
    receipt_with(fd, dt, items, |_| {})
}

fn qr(fd: u32, dt: &str, rub: &str, channel: Channel) -> Candidate {
    let t = dt.replace(['-', ':'], "");
    let q: FiscalQr = format!(
        "t={t}&s={rub}&fn=7281440500751551&i={fd}&fp={}&n=1",
        1000 + fd
    )
    .parse()
    .unwrap_or_else(|e| panic!("{e}"));
    Candidate::new(q, channel)
}

fn past(fd: u32, when: &str, lots: u64) -> PastReceipt {
    let c = qr(fd, "2026-09-01T10:00", "1.00", Channel::Qr);
    PastReceipt {
        id: c.identity(),
        submitted_at: at(when),
        lots,
        points: 0,
    }
}

/// Upload moment (UTC) used unless a case says otherwise: Sunday 2026-09-20 09:00 UTC.
const NOW: &str = "2026-09-20T09:00";
/// A good Sunday purchase for FULL.
const SUNDAY: &str = "2026-09-20T11:00";

fn good() -> Candidate {
    receipt(
        1,
        SUNDAY,
        &[("Ручка шариковая синяя", 2.0, 30_000), ("Хлеб", 1.0, 5_000)],
    )
}

fn eval(c: &Campaign, cand: &Candidate, h: &ParticipantHistory, now: &str) -> Decision {
    c.evaluate(cand, h, at(now))
}

#[test]
fn every_reason_code_has_a_case() {
    let full = campaign(FULL);
    let simple = campaign(SIMPLE);
    let h0 = ParticipantHistory::new("p");
    let mut covered: Vec<ReasonCode> = Vec::new();
    let mut case = |name: &str,
                    c: &Campaign,
                    cand: Candidate,
                    h: &ParticipantHistory,
                    now: &str,
                    code: ReasonCode,
                    status: Status| {
        let d = eval(c, &cand, h, now);
        assert!(
            d.has(code),
            "{name}: expected {code}, got {:?}",
            d.reasons
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(d.status, status, "{name}: {:?}", d.reasons);
        let r = d
            .reasons
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| unreachable!());
        assert!(
            !r.hint(Lang::Ru).is_empty() && !r.hint(Lang::En).is_empty(),
            "{name}"
        );
        assert!(!r.rule.to_string().is_empty(), "{name}");
        covered.push(code);
    };
    use ReasonCode as C;
    use Status::{Accepted, Pending, Rejected};
    let mut h = h0.clone();
    h.receipts.push(PastReceipt {
        id: good().identity(),
        submitted_at: at("2026-09-19T10:00"),
        lots: 1,
        points: 0,
    });
    case("duplicate", &full, good(), &h, NOW, C::Duplicate, Rejected);
    let mut h = h0.clone();
    h.claimed_by_others.push(good().identity());
    case("conflict", &full, good(), &h, NOW, C::Conflict, Pending);
    case(
        "refund",
        &full,
        receipt_with(2, SUNDAY, &[("Ручка", 1.0, 30_000)], |j| {
            j["operationType"] = json!(2)
        }),
        &h0,
        NOW,
        C::OperationNotAllowed,
        Rejected,
    );
    let mut ocr = good();
    ocr.channel = Channel::Ocr;
    case("ocr", &full, ocr, &h0, NOW, C::ChannelNotAllowed, Rejected);
    case(
        "late upload",
        &full,
        good(),
        &h0,
        "2026-10-06T09:00",
        C::UploadDeadlinePassed,
        Rejected,
    );
    case(
        "before",
        &full,
        receipt(3, "2026-08-31T12:00", &[("Ручка", 1.0, 30_000)]),
        &h0,
        NOW,
        C::BeforePeriod,
        Rejected,
    );
    case(
        "after",
        &full,
        receipt(4, "2026-10-01T12:00", &[("Ручка", 1.0, 30_000)]),
        &h0,
        "2026-10-02T09:00",
        C::AfterPeriod,
        Rejected,
    );
    case(
        "weekday",
        &simple,
        qr(5, "2026-09-16T12:00", "1500.00", Channel::Qr),
        &h0,
        NOW,
        C::OutsideWeekdays,
        Rejected,
    );
    case(
        "night",
        &full,
        receipt(6, "2026-09-20T23:10", &[("Ручка", 1.0, 30_000)]),
        &h0,
        "2026-09-21T09:00",
        C::OutsideHours,
        Rejected,
    );
    case(
        "small total",
        &full,
        receipt(7, SUNDAY, &[("Ручка", 1.0, 5_000)]),
        &h0,
        NOW,
        C::TotalTooSmall,
        Rejected,
    );
    case(
        "other store",
        &full,
        receipt_with(8, SUNDAY, &[("Ручка", 1.0, 30_000)], |j| {
            j["userInn"] = json!(OTHER_INN)
        }),
        &h0,
        NOW,
        C::StoreNotParticipating,
        Rejected,
    );
    case(
        "cash",
        &full,
        receipt_with(9, SUNDAY, &[("Ручка", 1.0, 30_000)], |j| {
            j["cashTotalSum"] = json!(30_000);
            j["ecashTotalSum"] = json!(0);
        }),
        &h0,
        NOW,
        C::PaymentNotAllowed,
        Rejected,
    );
    case(
        "manual",
        &full,
        qr(10, SUNDAY, "300.00", Channel::Manual),
        &h0,
        NOW,
        C::ManualEntry,
        Pending,
    );
    case(
        "qr only",
        &full,
        qr(11, SUNDAY, "300.00", Channel::Qr),
        &h0,
        NOW,
        C::NeedsVerification,
        Pending,
    );
    case(
        "no items",
        &full,
        receipt_with(12, SUNDAY, &[], |j| {
            j["totalSum"] = json!(30_000);
            j["ecashTotalSum"] = json!(30_000);
        }),
        &h0,
        NOW,
        C::NeedsItems,
        Pending,
    );
    case(
        "no promo",
        &full,
        receipt(13, SUNDAY, &[("Хлеб", 1.0, 30_000)]),
        &h0,
        NOW,
        C::NoPromoProducts,
        Rejected,
    );
    case(
        "half a pen",
        &full,
        receipt(14, SUNDAY, &[("Ручка", 0.5, 30_000)]),
        &h0,
        NOW,
        C::PromoQuantityTooSmall,
        Rejected,
    );
    case(
        "cheap pen",
        &full,
        receipt(15, SUNDAY, &[("Ручка", 1.0, 15_000), ("Хлеб", 1.0, 15_000)]),
        &h0,
        NOW,
        C::PromoSumTooSmall,
        Rejected,
    );
    case(
        "under a step",
        &simple,
        qr(16, SUNDAY, "300.00", Channel::Qr),
        &h0,
        NOW,
        C::EarnsNothing,
        Rejected,
    );
    let mut h = h0.clone();
    for i in 0..3 {
        h.receipts.push(past(100 + i, "2026-09-20T06:00", 1));
    }
    case(
        "4th receipt today",
        &full,
        good(),
        &h,
        NOW,
        C::ReceiptsPerDayReached,
        Rejected,
    );
    let mut h = h0.clone();
    for i in 0..20 {
        h.receipts.push(past(200 + i, "2026-09-01T06:00", 1));
    }
    case(
        "21st receipt",
        &full,
        good(),
        &h,
        NOW,
        C::ReceiptsPerCampaignReached,
        Rejected,
    );
    let mut h = h0.clone();
    h.receipts.push(past(300, "2026-09-20T06:00", 5));
    case(
        "day cap full",
        &simple,
        qr(17, SUNDAY, "1500.00", Channel::Qr),
        &h,
        NOW,
        C::CapReached,
        Rejected,
    );
    let mut h = h0.clone();
    h.receipts.push(past(301, "2026-09-20T06:00", 3));
    case(
        "day cap partly",
        &simple,
        qr(18, SUNDAY, "1500.00", Channel::Qr),
        &h,
        NOW,
        C::CapApplied,
        Accepted,
    );
    let mut h = h0.clone();
    h.campaign_lots = 1000;
    case(
        "budget",
        &simple,
        qr(19, SUNDAY, "1500.00", Channel::Qr),
        &h,
        NOW,
        C::BudgetExhausted,
        Rejected,
    );
    case("lots", &full, good(), &h0, NOW, C::LotsEarned, Accepted);
    case("points", &full, good(), &h0, NOW, C::PointsEarned, Accepted);
    case(
        "sunday",
        &full,
        good(),
        &h0,
        NOW,
        C::MultiplierApplied,
        Accepted,
    );
    for code in ReasonCode::ALL {
        assert!(covered.contains(code), "no table case for {code}");
    }
}

#[test]
fn all_rejections_are_reported_not_only_the_first() {
    let full = campaign(FULL);
    let cand = receipt_with(1, "2026-10-01T23:30", &[("Хлеб", 1.0, 5_000)], |j| {
        j["userInn"] = json!(OTHER_INN);
        j["cashTotalSum"] = json!(5_000);
        j["ecashTotalSum"] = json!(0);
    });
    let d = full.evaluate(
        &cand,
        &ParticipantHistory::default(),
        at("2026-10-02T09:00"),
    );
    for c in [
        ReasonCode::AfterPeriod,
        ReasonCode::OutsideHours,
        ReasonCode::TotalTooSmall,
        ReasonCode::StoreNotParticipating,
        ReasonCode::PaymentNotAllowed,
        ReasonCode::NoPromoProducts,
        ReasonCode::PromoSumTooSmall,
    ] {
        assert!(d.has(c), "missing {c}");
    }
    assert_eq!(
        d.segments(),
        vec![Segment::OutOfPeriod, Segment::NoPromoProducts]
    );
    assert_eq!((d.lots, d.points), (0, 0));
}

#[test]
fn segments_have_their_exact_names() {
    let names: Vec<(&str, &str)> = Segment::ALL.iter().map(|s| (s.id(), s.name_ru())).collect();
    assert_eq!(
        names,
        vec![
            ("manual_entry", "Ручной ввод чека"),
            ("not_found_in_fns", "Не найден в ФНС"),
            ("out_of_period", "Вне периода акции"),
            ("no_promo_products", "Нет акционных товаров"),
            ("duplicate", "Дубликат"),
            ("limit", "Лимит"),
        ]
    );
}

#[test]
fn earn_rules_add_up_with_multiplier_and_bonus() {
    // Sunday, 2 pens (300 ₽) + notebook 48 sheets ×2 (400 ₽) + bread: promo sum 700 ₽.
    // per-500: 1; per-unit (nb): 2; pen-receipt: 1 → 4 lots. nb-x3 takes the notebooks' lots
    // (the 2 per-unit ones; 400 ₽ of notebooks fill no 500 ₽ step alone), sunday-x2 the rest:
    // 2 × 3 + 2 × 2 = 10.
    // Bonus: 5 + 10% of 750 ₽ total (no products restriction: all promo = 700 ₽) = 5 + 70 = 75,
    // ×2 on Sunday (nb-x3 is lots only) = 150.
    let full = campaign(FULL);
    let cand = receipt(
        1,
        SUNDAY,
        &[
            ("Ручка гелевая", 2.0, 30_000),
            ("ТЕТРАДЬ 48Л КЛЕТКА", 2.0, 40_000),
            ("Хлеб", 1.0, 5_000),
        ],
    );
    let d = eval(&full, &cand, &ParticipantHistory::default(), NOW);
    assert_eq!(d.status, Status::Accepted, "{:?}", d.reasons);
    assert_eq!(d.lots, 10);
    assert_eq!(d.points, 150);
    let fired: Vec<String> = d.reasons.iter().map(|r| r.rule.to_string()).collect();
    assert_eq!(
        fired,
        vec![
            "earn.per-500",
            "earn.per-unit",
            "earn.pen-receipt",
            "bonus.cash",
            "multipliers.nb-x3",
            "multipliers.sunday-x2"
        ]
    );
}

/// Product multipliers: ×2 on notebooks, ×3 on bags, Saturday ×2 on everything (lots only),
/// per unit and per 500 ₽ of promo goods. 2026-09-16 is a Wednesday, 2026-09-19 a Saturday.
const MULT: &str = r#"
id = "mult"
name = "Множители"
[when]
start = "2026-09-01"
end = "2026-09-30"
[[products]]
id = "pens"
keywords = ["ручка"]
[[products]]
id = "nb"
keywords = ["тетрадь"]
[[products]]
id = "bags"
keywords = ["рюкзак"]
[[earn]]
id = "per-unit"
kind = "per_unit"
lots = 1
[[multipliers]]
id = "nb-x2"
factor = 2
products = ["nb"]
applies_to = "lots"
[[multipliers]]
id = "bags-x3"
factor = 3
products = ["bags"]
applies_to = "lots"
"#;

const WEDNESDAY: &str = "2026-09-16T12:00";
const NOW_MULT: &str = "2026-09-20T09:00";

fn multipliers_fired(d: &Decision) -> Vec<String> {
    d.reasons
        .iter()
        .filter(|r| r.code == ReasonCode::MultiplierApplied)
        .map(|r| r.rule.to_string())
        .collect()
}

#[test]
fn a_product_multiplier_multiplies_only_that_products_lots() {
    let c = campaign(MULT);
    let h = ParticipantHistory::default();
    // Without the product: nothing is multiplied.
    let d = eval(
        &c,
        &receipt(1, WEDNESDAY, &[("Ручка синяя", 3.0, 9_000)]),
        &h,
        NOW_MULT,
    );
    assert_eq!((d.status, d.lots), (Status::Accepted, 3), "{:?}", d.reasons);
    assert!(multipliers_fired(&d).is_empty());
    // With it: 3 pens ×1 + 2 notebooks ×2 = 7, not (3 + 2) × 2 = 10.
    let items = [("Ручка синяя", 3.0, 9_000), ("Тетрадь 48л", 2.0, 12_000)];
    let d = eval(&c, &receipt(2, WEDNESDAY, &items), &h, NOW_MULT);
    assert_eq!(d.lots, 7, "{:?}", d.reasons);
    assert_eq!(multipliers_fired(&d), vec!["multipliers.nb-x2"]);
    // Only the product: everything is its.
    let d = eval(
        &c,
        &receipt(3, WEDNESDAY, &[("Тетрадь 48л", 2.0, 12_000)]),
        &h,
        NOW_MULT,
    );
    assert_eq!(d.lots, 4);
}

#[test]
fn several_product_multipliers_each_take_their_own_items() {
    let c = campaign(MULT);
    let h = ParticipantHistory::default();
    // pens 2 ×1 + notebooks 1 ×2 + bags 4 ×3 = 2 + 2 + 12.
    let items = [
        ("Ручка синяя", 2.0, 6_000),
        ("Тетрадь 96л", 1.0, 9_000),
        ("Рюкзак школьный", 4.0, 400_000),
    ];
    let d = eval(&c, &receipt(1, WEDNESDAY, &items), &h, NOW_MULT);
    assert_eq!(d.lots, 16, "{:?}", d.reasons);
    assert_eq!(d.lots_before_caps, 16);
    assert_eq!(
        multipliers_fired(&d),
        vec!["multipliers.bags-x3", "multipliers.nb-x2"]
    );
    // An item of two products gets the larger factor once, not both.
    let d = eval(
        &c,
        &receipt(2, WEDNESDAY, &[("Рюкзак + тетрадь набор", 1.0, 50_000)]),
        &h,
        NOW_MULT,
    );
    assert_eq!(d.lots, 3, "{:?}", d.reasons);
    assert_eq!(multipliers_fired(&d), vec!["multipliers.bags-x3"]);
}

#[test]
fn a_receipt_wide_multiplier_covers_the_rest_and_factors_do_not_stack() {
    let c = campaign(&format!(
        "{MULT}\n[[multipliers]]\nid = \"sat-x2\"\nfactor = 2\nweekdays = [\"sat\"]\n"
    ));
    let h = ParticipantHistory::default();
    let items = [
        ("Ручка синяя", 2.0, 6_000),
        ("Тетрадь 96л", 1.0, 9_000),
        ("Рюкзак школьный", 1.0, 400_000),
    ];
    // Saturday: pens ×2 (Saturday), notebook ×2 (the larger of 2 and 2), bag ×3 (not ×6).
    let d = eval(&c, &receipt(1, "2026-09-19T12:00", &items), &h, NOW_MULT);
    assert_eq!(d.lots, 4 + 2 + 3, "{:?}", d.reasons);
    assert_eq!(
        multipliers_fired(&d),
        vec!["multipliers.bags-x3", "multipliers.sat-x2"]
    );
}

#[test]
fn per_amount_lots_belong_to_a_product_for_the_full_steps_its_items_pay() {
    let c = campaign(&MULT.replace(
        "kind = \"per_unit\"\nlots = 1",
        "kind = \"per_amount\"\nevery = \"500\"\nlots = 1",
    ));
    let h = ParticipantHistory::default();
    // 700 ₽ of notebooks + 400 ₽ of pens = 2 steps; the notebooks pay one by themselves:
    // 1 × 2 + 1 = 3.
    let items = [("Тетрадь 48л", 1.0, 70_000), ("Ручка", 1.0, 40_000)];
    let d = eval(&c, &receipt(1, WEDNESDAY, &items), &h, NOW_MULT);
    assert_eq!(d.lots_before_caps, 3, "{:?}", d.reasons);
    // 300 ₽ of notebooks fill no step alone: the 2 lots stay ×1.
    let items = [("Тетрадь 48л", 1.0, 30_000), ("Ручка", 1.0, 80_000)];
    let d = eval(&c, &receipt(2, WEDNESDAY, &items), &h, NOW_MULT);
    assert_eq!(d.lots, 2, "{:?}", d.reasons);
    assert!(multipliers_fired(&d).is_empty());
    // 1 000 ₽ of notebooks + 999 ₽ of pens = 3 steps, 2 of them the notebooks': 2 × 2 + 1.
    let items = [("Тетрадь 48л", 1.0, 100_000), ("Ручка", 1.0, 99_900)];
    let d = eval(&c, &receipt(3, WEDNESDAY, &items), &h, NOW_MULT);
    assert_eq!(d.lots, 5, "{:?}", d.reasons);
}

#[test]
fn caps_apply_after_product_multipliers() {
    let c = campaign(&format!("{MULT}\n[caps]\nlots_per_receipt = 5\n"));
    let h = ParticipantHistory::default();
    let items = [("Ручка синяя", 3.0, 9_000), ("Тетрадь 48л", 2.0, 12_000)];
    let d = eval(&c, &receipt(1, WEDNESDAY, &items), &h, NOW_MULT);
    assert_eq!(d.status, Status::Accepted);
    assert_eq!((d.lots_before_caps, d.lots), (7, 5), "{:?}", d.reasons);
    assert!(d.has(ReasonCode::CapApplied));
    // Without the product the cap is not reached.
    let d = eval(
        &c,
        &receipt(2, WEDNESDAY, &[("Ручка синяя", 3.0, 9_000)]),
        &h,
        NOW_MULT,
    );
    assert_eq!((d.lots_before_caps, d.lots), (3, 3));
    assert!(!d.has(ReasonCode::CapApplied));
}

#[test]
fn product_matchers_fold_case_yo_and_lookalikes() {
    let full = campaign(FULL);
    let h = ParticipantHistory::default();
    let lots = |name: &str, gtin: Option<&str>| {
        let cand = receipt_with(1, "2026-09-19T11:00", &[(name, 1.0, 30_000)], |j| {
            if let Some(g) = gtin {
                j["items"][0]["productCodeNew"] = json!({"ean13": {"gtin": g}});
                j["items"][0]["gtin"] = json!(g);
            }
        });
        let d = eval(&full, &cand, &h, NOW);
        (d.status, d.lots)
    };
    // Latin Т, Е, Р, А in "ТЕТРАДЬ": the pattern тетр*48 still matches (per-unit 1, ×3).
    assert_eq!(lots("TETPAДЬ 48 л.", None), (Status::Accepted, 3));
    assert_eq!(lots("ручка", None).0, Status::Accepted);
    assert_eq!(lots("РУЧКА", None).0, Status::Accepted);
    // Excluded keyword wins over the pattern.
    assert_eq!(lots("Обложка для тетради 48л", None).0, Status::Rejected);
    // Words out of order do not match the pattern.
    assert_eq!(lots("48 листов тетрадь", None).0, Status::Rejected);
    // GTIN with or without leading zeros.
    assert_eq!(
        lots("Товар 123", Some("4601234567893")),
        (Status::Accepted, 3)
    );

    // One GTIN among three thousand, listed in no order (they are searched sorted).
    let others =
        |from: u64| -> Vec<String> { (0..1500).map(|i| format!("\"{}\"", from - i * 7)).collect() };
    let listed = format!(
        "gtins = [{}, \"04601234567893\", {}]",
        others(9_000_000_000_000).join(", "),
        others(1_000_000_000_000).join(", ")
    );
    let many = campaign(&FULL.replace("gtins = [\"04601234567893\"]", &listed));
    let with = |gtin: &str| {
        let cand = receipt_with(
            1,
            "2026-09-19T11:00",
            &[("Товар 123", 1.0, 30_000)],
            |j| {
                j["items"][0]["productCodeNew"] = json!({"ean13": {"gtin": gtin}});
            },
        );
        eval(&many, &cand, &h, NOW).status
    };
    assert_eq!(with("4601234567893"), Status::Accepted);
    assert_eq!(with("8999999999993"), Status::Accepted);
    assert_eq!(with("4601234567894"), Status::Rejected);
}

#[test]
fn qr_only_candidates_are_decided_early_where_possible() {
    let simple = campaign(SIMPLE);
    let h = ParticipantHistory::default();
    let d = eval(&simple, &qr(1, SUNDAY, "1530.00", Channel::Qr), &h, NOW);
    assert_eq!((d.status, d.lots), (Status::Accepted, 3));
    let full = campaign(FULL);
    let d = eval(
        &full,
        &qr(2, "2026-10-01T12:00", "50.00", Channel::Qr),
        &h,
        NOW,
    );
    assert_eq!(d.status, Status::Rejected);
    assert!(d.has(ReasonCode::AfterPeriod) && d.has(ReasonCode::TotalTooSmall));
    // Stores listed by ФН serial decide from the QR alone.
    let by_fn = campaign(&SIMPLE.replace(
        "[what]",
        "[where]\nfn_numbers = [\"9251440300046840\"]\n[what]",
    ));
    let d = eval(&by_fn, &qr(3, SUNDAY, "1530.00", Channel::Qr), &h, NOW);
    assert!(d.has(ReasonCode::StoreNotParticipating));
}

#[test]
fn stores_by_address_and_store_list() {
    let base = FULL.replace("inns = [\"7705123452\"]", "address_contains = [\"Тверская\"]\nstores = [{ inn = \"1655123453\", address = \"Казань\" }]");
    let c = campaign(&base);
    let h = ParticipantHistory::default();
    let kazan = |addr: &str| {
        receipt_with(1, SUNDAY, &[("Ручка", 1.0, 30_000)], |j| {
            j["userInn"] = json!(OTHER_INN);
            j["retailPlaceAddress"] = json!(addr);
        })
    };
    assert_eq!(eval(&c, &good(), &h, NOW).status, Status::Accepted);
    assert_eq!(
        eval(&c, &kazan("г. Казань, ул. Баумана"), &h, NOW).status,
        Status::Accepted
    );
    assert!(eval(&c, &kazan("г. Самара"), &h, NOW).has(ReasonCode::StoreNotParticipating));
}

#[test]
fn time_zone_decides_the_upload_day() {
    // 22:30 UTC on the 19th is 01:30 on the 20th in Moscow: the day's count starts afresh.
    let full = campaign(FULL);
    let mut h = ParticipantHistory::default();
    for i in 0..3 {
        h.receipts.push(past(100 + i, "2026-09-19T20:00", 1)); // 23:00 Moscow, the 19th
    }
    assert!(eval(&full, &good(), &h, "2026-09-19T20:30").has(ReasonCode::ReceiptsPerDayReached));
    assert_eq!(
        eval(&full, &good(), &h, "2026-09-19T22:30").status,
        Status::Accepted
    );
}

#[test]
fn definition_errors_name_the_field() {
    let cases: &[(&str, &str, &str)] = &[
        ("end = \"2026-09-30\"", "end = \"2026-08-01\"", "when.end"),
        (
            "upload_deadline = \"2026-10-05T23:59:59\"",
            "upload_deadline = \"2026-09-10T00:00:00\"",
            "when.upload_deadline",
        ),
        (
            "hours = { from = 8, to = 22 }",
            "hours = { from = 22, to = 8 }",
            "when.hours",
        ),
        (
            "inns = [\"7705123452\"]",
            "inns = [\"7705123453\"]",
            "where.inns[0]",
        ),
        ("min_total = \"100\"", "min_total = \"0\"", "what.min_total"),
        (
            "channels = [\"qr\", \"manual\"]",
            "channels = []",
            "what.channels",
        ),
        (
            "keywords = [\"ручка\"]",
            "keywords = [\"--\"]",
            "products[0].keywords[0]",
        ),
        (
            "gtins = [\"04601234567893\"]",
            "gtins = [\"12ab\"]",
            "products[1].gtins[0]",
        ),
        (
            "products = [\"nb\"]\n[[earn]]",
            "products = [\"nope\"]\n[[earn]]",
            "earn[1].products[0]",
        ),
        ("every = \"500\"", "every = \"0\"", "earn[0].every"),
        ("id = \"pen-receipt\"", "id = \"per-500\"", "earn[2].id"),
        ("factor = 2", "factor = 1", "multipliers[0].factor"),
        (
            "lots_per_day = 60",
            "lots_per_day = 600",
            "caps.lots_per_day",
        ),
        ("budget_lots = 10000", "budget_lots = 0", "caps.budget_lots"),
        (
            "receipts_per_day = 3",
            "receipts_per_day = 0",
            "limits.receipts_per_day",
        ),
        ("utc_offset = \"+03:00\"\n", "", "when.utc_offset"),
    ];
    for (from, to, path) in cases {
        let src = if *path == "when.utc_offset" {
            FULL.replace("[when]\n", "[when]\nutc_offset = \"Europe/Moscow\"\n")
        } else {
            assert!(FULL.contains(from), "{from}");
            FULL.replacen(from, to, 1)
        };
        let err = Campaign::from_toml(&src)
            .err()
            .unwrap_or_else(|| panic!("{path}: accepted"));
        assert_eq!(err.code(), "campaign.invalid", "{path}: {err}");
        assert_eq!(err.path(), Some(*path), "{err}");
    }
    // Unknown fields, wrong types, huge files.
    let e = Campaign::from_toml(&FULL.replace("min_total", "min_totl")).err();
    assert_eq!(e.map(|e| e.code()), Some("campaign.malformed"));
    let huge = format!("{FULL}\n#{}", "x".repeat(1 << 20));
    assert_eq!(
        Campaign::from_toml(&huge).err().map(|e| e.code()),
        Some("campaign.too_large")
    );
    let e = Campaign::from_toml(&SIMPLE.replace(
        "[[earn]]\nid = \"per-500\"\nkind = \"per_amount\"\nevery = \"500\"\nlots = 1\n",
        "",
    ))
    .err();
    assert_eq!(
        e.and_then(|e| e.path().map(str::to_owned)).as_deref(),
        Some("earn")
    );
}

#[test]
fn json_and_toml_definitions_are_the_same() {
    let t = campaign(FULL);
    let j = Campaign::from_json(&serde_json::to_string(t.def()).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.def(), j.def());
    let d1 = eval(&t, &good(), &ParticipantHistory::default(), NOW);
    let d2 = eval(&j, &good(), &ParticipantHistory::default(), NOW);
    assert_eq!(d1, d2);
}

#[test]
fn shipped_examples_load_and_decide() {
    let dir = repo_dir().join("examples/campaigns");
    let read = |f: &str| {
        let p = dir.join(f);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let load = |f: &str| {
        let mut def = CampaignDef::parse(&read(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        if let Some(list) = def.where_.stores_file.clone() {
            def.add_store_list(&read(&list))
                .unwrap_or_else(|e| panic!("{list}: {e}"));
        }
        Campaign::from_def(def).unwrap_or_else(|e| panic!("{f}: {e}"))
    };
    let stationery = load("stationery-autumn.toml");
    let grocery = load("grocery-weekly.toml");
    load("stationery-autumn-v2.toml");
    let schema = Campaign::json_schema();
    for c in [&stationery, &grocery] {
        let v = serde_json::to_value(c.def()).unwrap_or_default();
        for k in v
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            assert!(
                schema["properties"][&k].is_object(),
                "{k} missing from the schema"
            );
        }
    }
    let h = ParticipantHistory::default();
    // The store list file was loaded: a franchise store in Kazan takes part.
    assert_eq!(stationery.def().where_.stores.len(), 2);
    let kazan = receipt_with(
        3,
        "2026-09-10T12:00",
        &[("Тетрадь 48 л.", 5.0, 75_000)],
        |j| {
            j["userInn"] = json!(OTHER_INN);
            j["retailPlaceAddress"] = json!("420111, г. Казань, ул. Баумана, д. 7");
        },
    );
    assert_eq!(
        stationery
            .evaluate(&kazan, &h, at("2026-09-10T10:00"))
            .status,
        Status::Accepted
    );
    // Stationery: 1 250 ₽ of notebooks and pens in Moscow → 2 lots (per full 500 ₽).
    let cand = receipt(
        1,
        "2026-09-10T12:00",
        &[
            ("Тетрадь 48 л.", 5.0, 75_000),
            ("Ручка гелевая", 5.0, 50_000),
        ],
    );
    let d = stationery.evaluate(&cand, &h, at("2026-09-10T10:00"));
    assert_eq!((d.status, d.lots), (Status::Accepted, 2), "{:?}", d.reasons);
    // Grocery: 3 units of milk + kefir on a Saturday → (3 + 1 + 1) × 2 = 10 lots (the cap).
    let cand = receipt(
        2,
        "2026-11-07T12:00",
        &[
            ("Молоко Плюс 3,2% 1л", 3.0, 29_700),
            ("Кефир Плюс 1%", 1.0, 8_900),
        ],
    );
    let d = grocery.evaluate(&cand, &h, at("2026-11-07T10:00"));
    assert_eq!(
        (d.status, d.lots),
        (Status::Accepted, 10),
        "{:?}",
        d.reasons
    );
    // Points: 5% of 386 ₽ of brand products = 19, ×2 at the weekend.
    assert_eq!(d.points, 38, "{:?}", d.reasons);
}

fn submissions(items: &[(u8, u8, u16)]) -> Vec<Submission> {
    // (participant, day offset, total roubles) → QR-only submissions to SIMPLE-like campaigns.
    items
        .iter()
        .enumerate()
        .map(|(i, (p, day, rub))| {
            let date = NaiveDate::from_ymd_opt(2026, 9, 5).unwrap_or_default()
                + chrono::Duration::days(i64::from(*day % 2) + 7 * i64::from(*day / 2 % 3));
            let dt = format!("{}T12:00", date);
            let c = qr(i as u32 + 1, &dt, &format!("{rub}.00"), Channel::Qr);
            Submission {
                participant: format!("p{}", p % 4),
                submitted_at: at(&dt),
                candidate: c,
            }
        })
        .collect()
}

const CAPPED: &str = r#"
id = "capped"
name = "С лимитами"
[when]
start = "2026-09-01"
end = "2026-09-30"
[what]
require_verification = false
[[earn]]
id = "per-100"
kind = "per_amount"
every = "100"
lots = 1
[[earn]]
id = "receipt"
kind = "per_receipt"
lots = 1
[caps]
lots_per_receipt = 7
lots_per_day = 12
lots_per_week = 20
lots_per_campaign = 35
budget_lots = 90
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn caps_are_never_exceeded(subs in prop::collection::vec((any::<u8>(), any::<u8>(), 1u16..3000), 1..60)) {
        let c = campaign(CAPPED);
        let subs = submissions(&subs);
        let ds = replay(&c, &subs);
        let mut per_day = std::collections::HashMap::new();
        let mut per_week = std::collections::HashMap::new();
        let mut per_all = std::collections::HashMap::new();
        let mut total = 0u64;
        for (s, d) in subs.iter().zip(&ds) {
            prop_assert!(d.lots <= 7);
            if d.status != Status::Accepted { continue; }
            let local = (s.submitted_at + chrono::Duration::hours(3)).date();
            *per_day.entry((s.participant.clone(), local)).or_insert(0u64) += d.lots;
            *per_week.entry((s.participant.clone(), (local.iso_week().year(), local.iso_week().week()))).or_insert(0u64) += d.lots;
            *per_all.entry(s.participant.clone()).or_insert(0u64) += d.lots;
            total += d.lots;
        }
        prop_assert!(per_day.values().all(|v| *v <= 12));
        prop_assert!(per_week.values().all(|v| *v <= 20));
        prop_assert!(per_all.values().all(|v| *v <= 35));
        prop_assert!(total <= 90);
    }

    #[test]
    fn a_bigger_receipt_never_earns_fewer_lots(
        items in prop::collection::vec((0usize..6, 1u8..5, 1u32..200_000), 0..12),
        extra in prop::collection::vec((0usize..6, 1u8..5, 1u32..200_000), 1..6),
    ) {
        // FULL without caps and limits is monotone: every rule grows with the items.
        let src = FULL.split("[caps]").next().unwrap_or_default();
        let c = campaign(src);
        const NAMES: [&str; 6] = ["Ручка синяя", "Тетрадь 48 листов", "Хлеб", "ТЕТРАДЬ 48Л", "Обложка тетрадь 48", "Молоко"];
        let mk = |v: &[(usize, u8, u32)]| -> Vec<(&str, f64, i64)> { v.iter().map(|(n, q, s)| (NAMES[*n], f64::from(*q), i64::from(*s))).collect() };
        let small = mk(&items);
        let mut big = small.clone();
        big.extend(mk(&extra));
        let h = ParticipantHistory::default();
        let a = eval(&c, &receipt(1, SUNDAY, &small), &h, NOW);
        let b = eval(&c, &receipt(1, SUNDAY, &big), &h, NOW);
        let credited = |d: &Decision| if d.status == Status::Accepted { d.lots } else { 0 };
        prop_assert!(credited(&b) >= credited(&a), "{} < {}", credited(&b), credited(&a));
        prop_assert!(b.lots_before_caps >= a.lots_before_caps);
    }
}

/// The README's campaign example, kept compiling and true.
#[test]
fn readme_example() -> Result<(), Box<dyn std::error::Error>> {
    let campaign = Campaign::from_toml(
        r#"
    id = "demo"
    name = "Демо"
    [when]
    start = "2026-09-01"
    end = "2026-09-30"
    [what]
    require_verification = false
    [[earn]]
    id = "per-500"
    kind = "per_amount"
    every = "500"
    lots = 1
"#,
    )?;
    let qr: FiscalQr = "t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1".parse()?;
    let now = at("2026-09-20T09:00");
    let d = campaign.evaluate(
        &Candidate::new(qr, Channel::Qr),
        &ParticipantHistory::new("tg:1"),
        now,
    );
    assert_eq!((d.status, d.lots), (Status::Accepted, 3));
    let readme = std::fs::read_to_string(repo_dir().join("README.md"))?;
    assert!(
        readme.contains("Campaign::from_toml(r#\"") && readme.contains("(Status::Accepted, 3)")
    );
    Ok(())
}

#[test]
fn store_list_errors_name_the_line() {
    let mut def = CampaignDef::parse(FULL).unwrap_or_else(|e| panic!("{e}"));
    let e = def.add_store_list("name;inn\nA;7705123452\nB;\n").err();
    assert_eq!(
        e.as_ref().and_then(|e| e.path()),
        Some("where.stores_file:3"),
        "{e:?}"
    );
    let e = def.add_store_list("shop;inn\n").err();
    assert_eq!(
        e.as_ref().and_then(|e| e.path()),
        Some("where.stores_file:1"),
        "{e:?}"
    );
    let mut def = CampaignDef::parse(FULL).unwrap_or_else(|e| panic!("{e}"));
    def.add_store_list("inn,address\n1655123453,\"Казань, ул. Баумана\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        def.where_.stores[0].address.as_deref(),
        Some("Казань, ул. Баумана")
    );
    // A listed ИНН that is not valid is caught when the campaign is compiled.
    def.add_store_list("inn\n1234567890\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let e = Campaign::from_def(def).err();
    assert_eq!(
        e.as_ref().and_then(|e| e.path()),
        Some("where.stores[1].inn"),
        "{e:?}"
    );
}

#[test]
fn absurd_dates_in_history_do_not_panic() {
    let full = campaign(FULL);
    let mut h = ParticipantHistory::default();
    h.receipts.push(PastReceipt {
        id: good().identity(),
        submitted_at: NaiveDateTime::MAX,
        lots: u64::MAX,
        points: u64::MAX,
    });
    h.receipts.push(PastReceipt {
        id: past(9, "2026-09-20T06:00", 1).id,
        submitted_at: NaiveDateTime::MIN,
        lots: u64::MAX,
        points: 0,
    });
    h.campaign_lots = u64::MAX;
    for now in [NaiveDateTime::MAX, NaiveDateTime::MIN, at(NOW)] {
        let d = full.evaluate(&good(), &h, now);
        assert_eq!(d.status, Status::Rejected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hostile campaign text: random edits of a real file either fail with a typed error or
    /// compile into a campaign that decides a receipt without panicking.
    #[test]
    fn mangled_campaign_files_never_panic(cut in 0usize..2000, junk in "[ -~а-яё\n\"\\[\\]=]{0,40}") {
        let src = FULL;
        let at_char = src.char_indices().map(|(i, _)| i).nth(cut % src.chars().count()).unwrap_or(0);
        let mangled = format!("{}{}{}", &src[..at_char], junk, &src[at_char..]);
        match Campaign::parse(&mangled) {
            Ok(c) => {
                let d = c.evaluate(&good(), &ParticipantHistory::default(), at(NOW));
                prop_assert_eq!(&d, &c.evaluate(&good(), &ParticipantHistory::default(), at(NOW)));
            }
            Err(e) => prop_assert!(e.code().starts_with("campaign.")),
        }
    }
}

#[test]
fn real_fns_receipts_are_decided_with_reasons() {
    let dir = chek_tests::shared_dir().join("fixtures/fns");
    let grocery = campaign(
        &std::fs::read_to_string(repo_dir().join("examples/campaigns/grocery-weekly.toml"))
            .unwrap_or_default(),
    );
    let mut decided = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = entry.map(|e| e.path()).unwrap_or_default();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let Ok(r) = Receipt::from_fns_json(&std::fs::read_to_string(&p).unwrap_or_default()) else {
            continue;
        };
        let d = grocery.evaluate(
            &Candidate::verified(r, Channel::Qr),
            &ParticipantHistory::default(),
            at("2026-11-10T10:00"),
        );
        // Real receipts predate the campaign and carry no brand products.
        assert_eq!(d.status, Status::Rejected, "{}", p.display());
        assert!(
            d.has(ReasonCode::BeforePeriod) && d.has(ReasonCode::NoPromoProducts),
            "{}: {:?}",
            p.display(),
            d.reasons
        );
        decided += 1;
    }
    assert!(decided >= 4, "only {decided} real receipts read");
}

#[test]
fn many_distinct_product_sets_on_one_receipt_all_count() {
    // 20 products, one item each and one item of two: more product sets than fit on the stack.
    let mut src = String::from(
        "id = \"many\"\nname = \"Много\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n",
    );
    for n in 0..20 {
        src.push_str(&format!(
            "[[products]]\nid = \"p{n}\"\nkeywords = [\"артикул{n}x\"]\n"
        ));
    }
    src.push_str("[[earn]]\nid = \"unit\"\nkind = \"per_unit\"\nlots = 1\n");
    src.push_str("[[multipliers]]\nid = \"p19-x2\"\nfactor = 2\nproducts = [\"p19\"]\n");
    let c = campaign(&src);
    let names: Vec<String> = (0..20)
        .map(|n| format!("Артикул{n}x"))
        .chain(["Артикул18x + артикул19x".to_owned()])
        .collect();
    let items: Vec<(&str, f64, i64)> = names.iter().map(|n| (n.as_str(), 1.0, 1_000)).collect();
    let d = eval(
        &c,
        &receipt(1, WEDNESDAY, &items),
        &ParticipantHistory::default(),
        NOW_MULT,
    );
    // 21 units; the two with p19 are doubled.
    assert_eq!(d.lots, 21 + 2, "{:?}", d.reasons);
}
