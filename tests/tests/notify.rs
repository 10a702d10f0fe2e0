//! `engage::notify` and `ru` through the public `chek` API: the issue's grammar examples, SMS
//! segments of rendered texts, the contact policy as a property over random histories and
//! every Russian zone, and hostile input that must never panic.

use chek::Coded;
use chek::engage::notify::{
    Contact, ContactChannel, ContactPolicy, NotifyConfig, ProviderReport, Purpose, Target,
    Template, Vars, map_outcome, sms_cuts,
};
use chek::ru::calendar::{DayKind, day_kind};
use chek::ru::money::{amount_sms, amount_spoken, amount_words};
use chek::ru::plural::{PluralCategory, PluralForms};
use chek::ru::zone::{RUSSIAN_ZONES, Zone};
use chek::sms::measure;
use chek_tests::repo_dir;
use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use proptest::prelude::*;
use serde_json::json;

fn vars(v: serde_json::Value) -> Vars {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn the_issue_examples() {
    let roubles = PluralForms::parse("рубль,рубля,рублей").unwrap_or_else(|| unreachable!());
    let say = |n: &str| format!("{n} {}", roubles.for_decimal(n).unwrap_or("?"));
    assert_eq!(
        [say("1"), say("2"), say("5"), say("1,5")],
        ["1 рубль", "2 рубля", "5 рублей", "1,5 рубля"]
    );
    assert_eq!(amount_words(150_000), "1\u{A0}500 рублей");
    assert_eq!(amount_sms(150_000), "1\u{202F}500\u{A0}₽");
    assert_eq!(amount_spoken(150_000), "тысяча пятьсот рублей");
    let t = Template::parse("до {d|date}").unwrap_or_else(|e| panic!("{e}"));
    let v = vars(json!({"d": "2026-08-16"}));
    assert_eq!(
        t.render(&v, Target::Sms).unwrap_or_default(),
        "до 16 августа"
    );
    assert_eq!(
        t.render(&v, Target::Speech).unwrap_or_default(),
        "до шестнадцатого августа"
    );
}

#[test]
fn plural_exceptions_and_large_numbers() {
    use PluralCategory::*;
    for n in [11u64, 12, 13, 14, 111, 112, 113, 114, 1011, 1_000_012] {
        assert_eq!(PluralCategory::of_integer(n), Many, "{n}");
    }
    for (n, c) in [
        (21u64, One),
        (22, Few),
        (1_000_001, One),
        (1_000_000, Many),
        (10_000_000_003, Few),
    ] {
        assert_eq!(PluralCategory::of_integer(n), c, "{n}");
    }
    assert_eq!(PluralCategory::of_decimal("1 000 000"), Some(Many));
    assert_eq!(PluralCategory::of_decimal("11,0"), Some(Other));
    let t =
        Template::parse("{n|plural:f,копейка,копейки,копеек}").unwrap_or_else(|e| panic!("{e}"));
    let r = |n: serde_json::Value| {
        t.render(&vars(json!({"n": n})), Target::Speech)
            .unwrap_or_default()
    };
    assert_eq!(r(json!(1_000_001)), "миллион одна копейка");
    assert_eq!(r(json!(2_000_002)), "два миллиона две копейки");
    assert_eq!(r(json!(12)), "двенадцать копеек");
}

#[test]
fn rendered_sms_segments_and_cuts() {
    // Cyrillic forces UCS-2: 70 units fit one SMS, 71 need two (67 + 4).
    let t = Template::parse("{x}").unwrap_or_else(|e| panic!("{e}"));
    let seg = |s: String| {
        let text = t
            .render(&vars(json!({"x": s})), Target::Sms)
            .unwrap_or_default();
        measure(&text).segments
    };
    assert_eq!(seg("ж".repeat(70)), 1);
    assert_eq!(seg("ж".repeat(71)), 2);
    assert_eq!(seg("ж".repeat(134)), 2);
    assert_eq!(seg("ж".repeat(135)), 3);
    assert_eq!(seg("a".repeat(160)), 1);
    assert_eq!(seg("a".repeat(161)), 2);
    // «₽» alone switches a Latin text to UCS-2.
    assert_eq!(seg(format!("{}₽", "a".repeat(70))), 2);
    // An emoji is 2 units and is never split: 69 letters + 1 emoji = 71 units → 2 segments.
    assert_eq!(seg(format!("{}😀", "ж".repeat(69))), 2);
    // Cuts: the optional block brings 2 segments back to 1.
    let t = Template::parse(&format!(
        "{}{{#opt}} {}{{/opt}}",
        "ж".repeat(60),
        "я".repeat(20)
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let cuts =
        serde_json::to_value(sms_cuts(&t, &Vars::new()).unwrap_or_default()).unwrap_or_default();
    assert_eq!(cuts[0], json!({"kind": "shorten", "units": 11}));
    assert_eq!(cuts[1]["kind"], "drop_optional");
    assert_eq!(cuts[1]["segments_after"], 1);
}

#[test]
fn shipped_config_parses() {
    let p = repo_dir().join("examples/notify/config.toml");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let c = NotifyConfig::from_toml(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.rules.len(), 2);
    assert_eq!(c.policy.debt.name, "230-fz");
    assert_eq!(c.policy.service.days_off.from.hour(), 10);
    assert!(NotifyConfig::from_toml("templates = 5").is_err());
    let e = NotifyConfig::from_toml("[templates]\n[[rules]]\nid='a'\ntemplate='x'\nchannels=['sms']\ntrigger={kind='status_changed',status='s'}")
        .err();
    assert_eq!(e.map(|e| e.code()), Some("notify.bad_config"));
}

fn utc(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_hms_opt(h, m, 0).unwrap_or_default()
}

#[test]
fn every_russian_zone_gets_a_slot_inside_its_local_window() {
    let p = ContactPolicy::debt_230fz();
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    for (name, _) in RUSSIAN_ZONES {
        let zone: Zone = name.parse().unwrap_or_else(|e| panic!("{e}"));
        for hour in (0..24).step_by(3) {
            let at = utc(start, hour, 17);
            let s = p
                .next_slot(ContactChannel::Call, Purpose::Debt, "c", &zone, &[], at)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            // 1–11 January are days off: 09:00–20:00 local.
            assert_eq!(s.day, day_kind(s.local.date()));
            assert_ne!(s.day, DayKind::Working, "{name} {at}");
            let h = s.local.hour();
            assert!((9..20).contains(&h), "{name} {at} → {}", s.local);
            assert!(s.at >= at);
            assert_eq!(zone.local(s.at), s.local);
        }
    }
}

fn any_contacts() -> impl Strategy<Value = Vec<Contact>> {
    prop::collection::vec((0i64..60 * 24 * 40, any::<bool>(), any::<bool>()), 0..40).prop_map(|v| {
        let base = utc(
            NaiveDate::from_ymd_opt(2026, 4, 20).unwrap_or_default(),
            0,
            0,
        );
        v.into_iter()
            .map(|(m, sms, counts)| Contact {
                recipient: "c".into(),
                channel: if sms {
                    ContactChannel::Sms
                } else {
                    ContactChannel::Call
                },
                purpose: Purpose::Debt,
                at: base + Duration::minutes(m),
                counts,
                key: None,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any window, crossing midnight or not: the slot is inside the allowed hours (the day's
    /// own window or the previous night's tail), and an allowed moment is taken at once.
    #[test]
    fn windows_crossing_midnight_any(from in 0u32..24, to in 0u32..24, from2 in 0u32..24, to2 in 0u32..24, offset in 0i64..60 * 24 * 30) {
        prop_assume!(from != to && from2 != to2);
        let h = |x: u32| chrono::NaiveTime::from_hms_opt(x, 0, 0).unwrap_or_default();
        let mut p = ContactPolicy::service();
        p.caps.clear();
        p.working_days = chek::engage::notify::Window { from: h(from), to: h(to) };
        p.days_off = chek::engage::notify::Window { from: h(from2), to: h(to2) };
        let at = utc(NaiveDate::from_ymd_opt(2026, 12, 20).unwrap_or_default(), 0, 0) + Duration::minutes(offset);
        let s = match p.next_slot(ContactChannel::Sms, Purpose::Service, "c", &Zone::moscow(), &[], at) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let inside = |t: NaiveDateTime| {
            let (_, w) = p.window(t.date());
            let own = if w.from > w.to { t.time() >= w.from } else { t.time() >= w.from && t.time() < w.to };
            let (_, pw) = p.window(t.date().pred_opt().unwrap_or_default());
            own || (pw.from > pw.to && t.time() < pw.to)
        };
        prop_assert!(inside(s.local), "{} not inside", s.local);
        prop_assert!(s.at >= at);
        let local = Zone::moscow().local(at);
        if inside(local) {
            prop_assert_eq!(s.at, at);
        }
        // Every day has a window, so with no caps the wait is under two days.
        prop_assert!(s.at - at < Duration::hours(48));
    }

    /// Whatever the history, a slot is inside the day's window and under every cap.
    #[test]
    fn slots_respect_hours_and_caps(history in any_contacts(), offset in 0i64..60 * 24 * 40, zi in 0usize..RUSSIAN_ZONES.len(), sms in any::<bool>()) {
        let p = ContactPolicy::debt_230fz();
        let zone: Zone = RUSSIAN_ZONES[zi].0.parse().unwrap_or_default();
        let ch = if sms { ContactChannel::Sms } else { ContactChannel::Call };
        let at = utc(NaiveDate::from_ymd_opt(2026, 4, 20).unwrap_or_default(), 0, 0) + Duration::minutes(offset);
        let s = p.next_slot(ch, Purpose::Debt, "c", &zone, &history, at);
        let s = match s { Ok(s) => s, Err(e) => return Err(TestCaseError::fail(e.to_string())) };
        let (_, w) = p.window(s.local.date());
        prop_assert!(s.local.time() >= w.from && s.local.time() < w.to);
        prop_assert!(s.at >= at);
        let caps = p.caps[&ch];
        let local: Vec<NaiveDateTime> = history.iter().filter(|c| c.counts && c.channel == ch).map(|c| zone.local(c.at)).collect();
        let d = s.local.date();
        let same_day = local.iter().filter(|t| t.date() == d).count() as u32;
        prop_assert!(same_day < caps.day.unwrap_or(u32::MAX));
        let week = d.iso_week();
        let same_week = local.iter().filter(|t| t.date().iso_week() == week).count() as u32;
        prop_assert!(same_week < caps.week.unwrap_or(u32::MAX));
        use chrono::Datelike;
        let same_month = local.iter().filter(|t| t.year() == d.year() && t.month() == d.month()).count() as u32;
        prop_assert!(same_month < caps.month.unwrap_or(u32::MAX));
    }

    /// Hostile templates and values never panic and stay bounded.
    #[test]
    fn hostile_templates_never_panic(src in ".{0,300}", value in ".{0,200}", n in any::<i64>()) {
        if let Ok(t) = Template::parse(&src) {
            let v = vars(json!({"x": value, "n": n, "name": value, "order": value}));
            for target in [Target::Sms, Target::Speech] {
                if let Ok(s) = t.render(&v, target) {
                    prop_assert!(s.len() <= chek::engage::notify::MAX_RENDERED + 4096);
                }
            }
            let _ = sms_cuts(&t, &v);
        }
    }

    /// Every formatter on any value: a typed result, never a panic.
    #[test]
    fn formatters_on_any_value(value in ".{0,80}", n in any::<i64>(), f in 0usize..12) {
        let fmts = ["amount", "amount:digits", "number", "number:f", "plural:балл,балла,баллов",
            "word:f,штука,штуки,штук", "date:year", "time", "order", "phone", "name:full", "text"];
        let t = Template::parse(&format!("{{x|{}}} {{n|{}}}", fmts[f], fmts[f])).unwrap_or_else(|e| panic!("{e}"));
        for target in [Target::Sms, Target::Speech] {
            let _ = t.render(&vars(json!({"x": value.clone(), "n": n})), target);
        }
    }

    /// Any provider word maps to an outcome or a typed error.
    #[test]
    fn any_provider_status(p in "(twilio|vonage|asterisk|[a-z]{0,8})", s in ".{0,40}", sip in proptest::option::of(any::<u16>()), q in proptest::option::of(any::<u16>())) {
        let r = ProviderReport { provider: p, status: s, sip_code: sip, hangup_cause: q, ..Default::default() };
        match map_outcome(&r, "0") {
            Ok(o) => prop_assert!(o.code().starts_with("notify.call_")),
            Err(e) => prop_assert!(e.code().starts_with("notify.")),
        }
    }
}

fn check_hints(what: &str, ru: &str, en: &str) {
    assert!(ru.chars().count() > 15, "{what}: ru hint too short: {ru:?}");
    assert!(en.len() > 15, "{what}: en hint too short: {en:?}");
    assert_ne!(ru, en, "{what}");
    assert!(
        ru.chars().any(|c| ('а'..='я').contains(&c)),
        "{what}: ru hint is not Russian: {ru:?}"
    );
}

/// One row per `notify.*` code: the input that triggers it, and hints in both languages.
#[test]
#[allow(clippy::unwrap_used)]
fn every_notify_code() {
    use chek::Lang;
    use chek::engage::notify::{
        CallOutcome, CrmEvent, NotifyError, PolicySet, Recipient, fire, plan, plan_firing,
    };
    let render = |t: &str, v: serde_json::Value| {
        Template::parse(t).and_then(|t| t.render(&vars(v), Target::Sms))
    };
    let r: Recipient =
        serde_json::from_value(json!({"id": "c1"})).unwrap_or_else(|e| panic!("{e}"));
    let cfg = NotifyConfig::from_toml(
        "[templates]\nt = \"Заказ {order} готов\"\n[[rules]]\nid = \"r\"\ntemplate = \"t\"\nchannels = [\"sms\"]\ntrigger = {kind = \"status_changed\", status = \"ready\"}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let events: Vec<CrmEvent> = serde_json::from_value(json!([{"type": "status_changed",
        "order": "1", "customer": "c1", "status": "ready", "at": "2026-08-18T08:00:00"}]))
    .unwrap_or_else(|e| panic!("{e}"));
    let now: NaiveDateTime = "2026-08-18T08:00:00".parse().unwrap_or_default();
    let firing = fire(&cfg.rules, &events, now).unwrap_or_default().remove(0);
    let mut zero = ContactPolicy::service();
    zero.caps.insert(
        ContactChannel::Sms,
        chek::engage::notify::Caps {
            day: Some(0),
            week: None,
            month: None,
        },
    );
    let report = |p: &str, s: &str| ProviderReport {
        provider: p.into(),
        status: s.into(),
        ..Default::default()
    };
    let table: Vec<(&str, NotifyError)> = vec![
        ("notify.bad_template", render("{x", json!({})).unwrap_err()),
        (
            "notify.bad_formatter",
            render("{x|loud}", json!({})).unwrap_err(),
        ),
        ("notify.missing_var", render("{x}", json!({})).unwrap_err()),
        (
            "notify.bad_value",
            render("{x|amount}", json!({"x": "много"})).unwrap_err(),
        ),
        (
            "notify.too_long",
            Template::parse(&"x".repeat(100_000)).unwrap_err(),
        ),
        (
            "notify.bad_config",
            NotifyConfig::from_toml("[templates]\n[[rules]]\nid='a'").unwrap_err(),
        ),
        (
            "notify.bad_input",
            NotifyError::BadInput("events: expected an array".into()),
        ),
        (
            "notify.no_slot",
            zero.next_slot(
                ContactChannel::Sms,
                Purpose::Service,
                "c1",
                &Zone::moscow(),
                &[],
                now,
            )
            .unwrap_err(),
        ),
        (
            "notify.no_consent",
            PolicySet::default()
                .for_message(Purpose::Advertising, &r)
                .unwrap_err(),
        ),
        ("notify.no_address", NotifyError::NoAddress("sms")),
        (
            "notify.no_channel",
            plan_firing(&cfg, &firing, &r, &[], now).unwrap_err(),
        ),
        (
            "notify.opted_out",
            PolicySet::default()
                .for_message(
                    Purpose::Service,
                    &serde_json::from_value(json!({"id": "c1", "opt_out": true})).unwrap(),
                )
                .unwrap_err(),
        ),
        (
            "notify.unknown_provider",
            map_outcome(&report("zvonobot", "busy"), "0").unwrap_err(),
        ),
        (
            "notify.unknown_status",
            map_outcome(&report("vonage", "exploded"), "0").unwrap_err(),
        ),
        (
            "notify.not_final",
            map_outcome(&report("twilio", "ringing"), "0").unwrap_err(),
        ),
    ];
    for (code, err) in &table {
        assert_eq!(err.code(), *code, "{err}");
        check_hints(code, &err.hint(Lang::Ru), &err.hint(Lang::En));
    }
    // The skipped firing in a plan carries the same code.
    let p =
        plan(&cfg, &events, std::slice::from_ref(&r), &[], now).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.skipped[0].code, "notify.no_channel");
    let outcomes = [
        (
            "notify.call_answered",
            CallOutcome::Answered { listened_s: 1 },
        ),
        (
            "notify.call_operator",
            CallOutcome::Operator {
                listened_s: 1,
                key: "0".into(),
            },
        ),
        (
            "notify.call_machine",
            CallOutcome::Machine { listened_s: 1 },
        ),
        ("notify.call_hung_up", CallOutcome::HungUp { listened_s: 1 }),
        ("notify.call_no_answer", CallOutcome::NoAnswer),
        ("notify.call_busy", CallOutcome::Busy),
        ("notify.call_invalid_number", CallOutcome::InvalidNumber),
        (
            "notify.call_failed",
            CallOutcome::Failed { reason: "x".into() },
        ),
    ];
    for (code, o) in &outcomes {
        assert_eq!(o.code(), *code);
        check_hints(code, &o.hint(Lang::Ru), &o.hint(Lang::En));
    }
}

/// A call or SMS to something that is not a phone number is never planned: the planner asks
/// the one phone normaliser of every flow (`chek::ru::phone`).
#[test]
fn calls_and_sms_to_a_bad_phone_are_not_planned() {
    use chek::Lang;
    use chek::engage::notify::{CrmEvent, NotifyError, Recipient, fire, plan_firing};
    let cfg = NotifyConfig::from_toml(
        "[templates]\nt = \"Заказ {order} готов\"\n[[rules]]\nid = \"r\"\ntemplate = \"t\"\nchannels = [\"call\", \"sms\"]\ntrigger = {kind = \"status_changed\", status = \"ready\"}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let events: Vec<CrmEvent> = serde_json::from_value(json!([{"type": "status_changed",
        "order": "1", "customer": "c1", "status": "ready", "at": "2026-08-18T08:00:00"}]))
    .unwrap_or_else(|e| panic!("{e}"));
    let now: NaiveDateTime = "2026-08-18T08:00:00".parse().unwrap_or_default();
    let firing = fire(&cfg.rules, &events, now).unwrap_or_default().remove(0);
    let who = |phone: &str| -> Recipient {
        serde_json::from_value(json!({"id": "c1", "phone": phone}))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    for bad in ["not a phone!", "12345", "+7 916 123", "8916abc4567"] {
        let err = plan_firing(&cfg, &firing, &who(bad), &[], now).unwrap_err();
        assert_eq!(err.code(), "notify.no_channel", "{bad}");
        assert_eq!(
            err.to_string(),
            "no channel fits: call: notify.bad_phone, sms: notify.bad_phone",
            "{bad}"
        );
        let e = who(bad).check_address(ContactChannel::Call).unwrap_err();
        assert_eq!(e.code(), "notify.bad_phone");
        check_hints("notify.bad_phone", &e.hint(Lang::Ru), &e.hint(Lang::En));
        assert!(!who(bad).has_address(ContactChannel::Sms));
    }
    // The Russian habits are phone numbers, as in loyalty and care.
    for good in ["+8 916 123 45 67", "8 (916) 123-45-67", "9161234567"] {
        let m = plan_firing(&cfg, &firing, &who(good), &[], now)
            .unwrap_or_else(|e| panic!("{good}: {e}"));
        assert!(
            matches!(m.channel, ContactChannel::Call | ContactChannel::Sms),
            "{good}"
        );
        assert_eq!(who(good).phone_e164().as_deref(), Some("+79161234567"));
    }
    assert_eq!(NotifyError::BadPhone("x".into()).code(), "notify.bad_phone");
}

/// The notification windows follow the production calendar of every year the decrees cover,
/// and the Labour Code's transfer rule beyond: Monday 10 May 2027 (9 May is a Sunday) is a day
/// off, with the day-off window, as is 31 December 2025 (moved from 5 January).
#[test]
fn windows_follow_the_calendar_of_2024_to_2027() {
    let p = ContactPolicy::service();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    for (date, kind) in [
        (d(2027, 5, 10), DayKind::Holiday),
        (d(2027, 6, 14), DayKind::Holiday),
        (d(2027, 2, 20), DayKind::Working),
        (d(2025, 12, 31), DayKind::Holiday),
        (d(2024, 11, 2), DayKind::Working),
        (d(2024, 4, 29), DayKind::Holiday),
        (d(2033, 6, 13), DayKind::Holiday),
    ] {
        let (k, w) = p.window(date);
        assert_eq!(k, kind, "{date}");
        let expected = if kind.is_working() {
            p.working_days
        } else {
            p.days_off
        };
        assert_eq!(w, expected, "{date}");
    }
}

/// Notification state in the ledger on both backends: parallel planners and outcome recorders
/// lose nothing and count nothing twice, and the 230-ФЗ caps hold across them.
mod ledger {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicU64, Ordering};

    use chek::engage::notify::{CallRecord, CrmEvent, NotifyConfig, Recipient};
    use chek_store::Ledger;
    use chrono::{Datelike, NaiveDateTime};
    use serde_json::json;

    fn unique(name: &str) -> String {
        static N: AtomicU64 = AtomicU64::new(0);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!(
            "{name}-{}-{t}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        )
    }

    fn sqlite() -> Option<Ledger> {
        let dir = chek_tests::repo_dir().join("target").join("notify-tests");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join(format!("{}.sqlite", unique("n")));
        Some(Ledger::open(&path.to_string_lossy()).unwrap_or_else(|e| panic!("{e}")))
    }

    #[allow(clippy::print_stderr)]
    fn postgres() -> Option<Ledger> {
        let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
            eprintln!(
                "\n!!! CHEK_TEST_PG_URL is not set: PostgreSQL notify test SKIPPED (scripts/test sets it) !!!\n"
            );
            return None;
        };
        Some(Ledger::open(&url).unwrap_or_else(|e| panic!("{e}")))
    }

    fn config(channels: &str) -> NotifyConfig {
        NotifyConfig::from_toml(&format!(
            "[templates]\nunpaid = \"Оплатите счёт {{order|order}} на {{sum|amount}}.\"\n\
             [deadline_hours]\ndebt = 1\n\
             [[rules]]\nid = \"unpaid\"\ntemplate = \"unpaid\"\nchannels = {channels}\npurpose = \"debt\"\n\
             trigger = {{ kind = \"unpaid_for\", status = \"invoiced\", after_hours = 72 }}\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn batch(tag: &str, debtors: usize, each: usize) -> (Vec<Recipient>, Vec<CrmEvent>) {
        let mut who = Vec::new();
        let mut events = Vec::new();
        for d in 0..debtors {
            let id = format!("{tag}-d{d}");
            who.push(
                json!({"id": id, "phone": format!("+7916000{d:04}"), "zone": "Europe/Moscow"}),
            );
            for i in 0..each {
                events.push(
                    json!({"type": "status_changed", "order": format!("{tag}-{d}-{i}"),
                    "customer": id, "status": "invoiced", "at": "2026-08-10T06:00:00",
                    "data": {"sum": 10_000 + i}}),
                );
            }
        }
        (
            serde_json::from_value(json!(who)).unwrap_or_else(|e| panic!("{e}")),
            serde_json::from_value(json!(events)).unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn now() -> NaiveDateTime {
        "2026-08-14T07:00:00".parse().unwrap_or_default()
    }

    fn parallel_planners(l: Option<Ledger>) {
        let Some(l) = l else { return };
        let tag = unique("plan");
        let cfg = config(r#"["call", "sms"]"#);
        let (who, events) = batch(&tag, 4, 10);
        let threads = 40;
        let barrier = Barrier::new(threads);
        let planned: Vec<Vec<String>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        let p = l
                            .notify_plan(&cfg, &events, &who, now())
                            .unwrap_or_else(|e| panic!("{e}"));
                        p.messages.into_iter().map(|m| m.key).collect::<Vec<_>>()
                    })
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().unwrap_or_else(|_| panic!("planner panicked")))
                .collect()
        });
        let all: Vec<&String> = planned.iter().flatten().collect();
        let distinct: BTreeSet<&String> = all.iter().copied().collect();
        assert_eq!(all.len(), distinct.len(), "a key planned twice");
        assert_eq!(distinct.len(), 40, "a reminder lost");
        // Every plan and every planned contact is in the ledger once.
        let plans = l
            .notify_plans()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|p| p.recipient.id.starts_with(&tag))
            .count();
        assert_eq!(plans, 40);
        let contacts: Vec<_> = l
            .notify_contacts()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|c| c.recipient.starts_with(&tag))
            .collect();
        assert_eq!(contacts.len(), 40);
        // 230-ФЗ (Moscow time): calls 1 a day and 2 a week, SMS 2 a day and 4 a week.
        let mut day: BTreeMap<(String, String, chrono::NaiveDate), u32> = BTreeMap::new();
        let mut week: BTreeMap<(String, String, (i32, u32)), u32> = BTreeMap::new();
        for c in &contacts {
            let local = c.at + chrono::Duration::hours(3);
            let ch = c.channel.as_str().to_owned();
            *day.entry((c.recipient.clone(), ch.clone(), local.date()))
                .or_default() += 1;
            let w = local.date().iso_week();
            *week
                .entry((c.recipient.clone(), ch, (w.year(), w.week())))
                .or_default() += 1;
        }
        for ((_, ch, d), n) in &day {
            assert!(*n <= if ch == "call" { 1 } else { 2 }, "{n} {ch} on {d}");
        }
        for ((_, ch, w), n) in &week {
            assert!(
                *n <= if ch == "call" { 2 } else { 4 },
                "{n} {ch} in week {w:?}"
            );
        }
        // A rerun plans nothing.
        let again = l
            .notify_plan(&cfg, &events, &who, now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(again.messages.is_empty());
        assert!(
            again
                .skipped
                .iter()
                .all(|s| s.code == "notify.already_sent")
        );
    }

    fn parallel_outcomes(l: Option<Ledger>) {
        let Some(l) = l else { return };
        let tag = unique("out");
        let cfg = config(r#"["call", "sms"]"#);
        let calls_only = config(r#"["call"]"#);
        let (who, events) = batch(&tag, 6, 5);
        let plan = l
            .notify_plan(&calls_only, &events, &who, now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.messages.len(), 30);
        // Each call reported busy (attempt 1) by UIS, without the recipient (the ledger has
        // the plan); every recorder gets the whole batch, as a provider retrying its webhooks.
        let reports: Vec<CallRecord> = plan
            .messages
            .iter()
            .map(|m| {
                serde_json::from_value(json!({"key": m.key, "attempt": 1,
                    "report": {"provider": "uis", "finish_reason": "subscriber_busy"}}))
                .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        let threads = 32;
        let barrier = Barrier::new(threads);
        let fresh: usize = std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        let mut fresh = 0;
                        for r in &reports {
                            let res = l
                                .notify_outcome(&cfg, r, now())
                                .unwrap_or_else(|e| panic!("{e}"))
                                .unwrap_or_else(|e| panic!("{e}"));
                            assert_eq!(res.value.outcome.as_str(), "busy");
                            if !res.replayed {
                                fresh += 1;
                            }
                        }
                        fresh
                    })
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().unwrap_or_else(|_| panic!("recorder panicked")))
                .sum()
        });
        assert_eq!(fresh, 30, "each report applied exactly once");
        let contacts: Vec<_> = l
            .notify_contacts()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|c| c.recipient.starts_with(&tag))
            .collect();
        // Per key: the busy attempt (not counting) and the reserved retry.
        assert_eq!(contacts.len(), 60);
        assert_eq!(contacts.iter().filter(|c| c.counts).count(), 30);
        let plans: Vec<_> = l
            .notify_plans()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|p| p.recipient.id.starts_with(&tag))
            .collect();
        assert!(plans.iter().all(|p| p.status == "retry" && p.attempt == 1));
        // The retries of one debtor stay inside the caps with the other calls planned.
        let mut day: BTreeMap<(String, chrono::NaiveDate), u32> = BTreeMap::new();
        for c in contacts.iter().filter(|c| c.counts) {
            *day.entry((
                c.recipient.clone(),
                (c.at + chrono::Duration::hours(3)).date(),
            ))
            .or_default() += 1;
        }
        assert!(day.values().all(|n| *n <= 1), "{day:?}");
    }

    fn answered_then_hung_up_and_fallback(l: Option<Ledger>) {
        let Some(l) = l else { return };
        let tag = unique("fb");
        let cfg = config(r#"["call", "sms"]"#);
        let (who, events) = batch(&tag, 1, 1);
        let plan = l
            .notify_plan(&cfg, &events, &who, now())
            .unwrap_or_else(|e| panic!("{e}"));
        // The call is cheaper and can go at once.
        assert_eq!(plan.messages[0].channel.as_str(), "call");
        let key = plan.messages[0].key.clone();
        let report = |attempt: u32, status: &str, secs: u32| -> CallRecord {
            serde_json::from_value(json!({"key": key, "attempt": attempt,
                "report": {"provider": "uis", "finish_reason": status, "talk_time_duration": secs}}))
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap_or_default();
        // A second of listening is not delivery.
        let r = l
            .notify_outcome(
                &cfg,
                &report(1, "subscriber_disconnects", 1),
                at("2026-08-17T06:00:00"),
            )
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (r.value.outcome.as_str(), r.value.success),
            ("hung_up", false)
        );
        let next = r
            .value
            .next_attempt_at
            .unwrap_or_else(|| panic!("no retry"));
        // Then nobody answers, up to the last attempt: an SMS instead, with the plan's text.
        l.notify_outcome(&cfg, &report(2, "subscriber_not_responsible", 0), next)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let last = l
            .notify_outcome(
                &cfg,
                &report(3, "subscriber_not_responsible", 0),
                next + chrono::Duration::hours(3),
            )
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(last.value.stop_reason.as_deref(), Some("max_attempts"));
        let fb = last
            .value
            .fallback_sms
            .unwrap_or_else(|| panic!("no SMS fallback"));
        assert!(fb.text.unwrap_or_default().starts_with("Оплатите счёт"));
        let p = l
            .notify_plans()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .find(|p| p.message.key == key)
            .unwrap_or_else(|| panic!("no plan"));
        assert_eq!((p.status.as_str(), p.attempt), ("fallback_sms", 3));
        // A report without a recipient and without a plan is an error for that record only.
        let stray: CallRecord = serde_json::from_value(json!({"key": format!("{tag}-nothing"),
            "report": {"provider": "uis", "finish_reason": "subscriber_busy"}}))
        .unwrap_or_else(|e| panic!("{e}"));
        let e = l
            .notify_outcome(&cfg, &stray, now())
            .unwrap_or_else(|e| panic!("{e}"))
            .err()
            .map(|e| chek::Coded::code(&e));
        assert_eq!(e, Some("notify.bad_input"));
        // So is a key too long for the ledger; the ledger is not harmed.
        let mut long = stray.clone();
        long.key = "k".repeat(2_000);
        let e = l
            .notify_outcome(&cfg, &long, now())
            .unwrap_or_else(|e| panic!("{e}"))
            .err()
            .map(|e| chek::Coded::code(&e));
        assert_eq!(e, Some("notify.bad_input"));
        let (who, mut events) = batch(&format!("{tag}-long"), 1, 1);
        if let Some(CrmEvent::StatusChanged { order, .. }) = events.first_mut() {
            *order = "o".repeat(2_000);
        }
        let p = l
            .notify_plan(&cfg, &events, &who, now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.skipped[0].code, "notify.bad_input");
    }

    macro_rules! suite {
        ($backend:ident: $($name:ident),* $(,)?) => {
            mod $backend {
                $(
                    #[test]
                    fn $name() {
                        super::$name(super::$backend());
                    }
                )*
            }
        };
    }

    suite!(sqlite: parallel_planners, parallel_outcomes, answered_then_hung_up_and_fallback);
    suite!(postgres: parallel_planners, parallel_outcomes, answered_then_hung_up_and_fallback);
}
