//! The care desk: identity links, reversible merges, routing, SLA clocks in working time
//! (nights, weekends, the production calendar), pauses, reminders, breaches, quick replies and
//! cases opened by campaign problem segments; hostile input never panics.

use std::collections::BTreeMap;

use chek::campaign::{Campaign, ParticipantHistory, Segment};
use chek::engage::care::{
    CareError, CaseFile, CaseStatus, ContactChannel, Desk, Event, Evidence, IdentityFile,
    IdentityGraph, Inbox, Key, Metric, MetricState, MetricView, Request, RouteBy, Strength, replay,
};
use chek::fiscal::{Candidate, Channel, FiscalQr};
use chek::{Coded, Lang};
use chek_tests::repo_dir;
use chrono::NaiveDateTime;
use proptest::prelude::*;

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn k(s: &str) -> Key {
    Key::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn sample(name: &str) -> String {
    let p = repo_dir().join("examples/care").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn desk() -> Desk {
    Desk::parse(&sample("desk.toml")).unwrap_or_else(|e| panic!("desk.toml: {e}"))
}

/// A one-group desk: 09:00-13:00 and 14:00-18:00 on the production calendar.
fn split_desk(sla: &str) -> Desk {
    Desk::parse(&format!(
        "default_group = \"g\"\n[groups.g]\nhours = [\"09:00-13:00\", \"14:00-18:00\"]\nsla = {{ {sla} }}\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn msg(at: &str, text: &str) -> Event {
    Event::Message {
        at: t(at),
        channel: ContactChannel::Email,
        from: None,
        text: text.into(),
    }
}

fn reply(at: &str, close: bool) -> Event {
    Event::Reply {
        at: t(at),
        agent: Some("olga".into()),
        close,
        text: None,
    }
}

fn metric(v: &[MetricView], m: Metric, cycle: u32) -> &MetricView {
    v.iter()
        .find(|x| x.metric == m && x.cycle == cycle)
        .unwrap_or_else(|| panic!("no {m:?} #{cycle} in {v:?}"))
}

// ---------------------------------------------------------------- identity and merges

#[test]
fn identity_links_strong_and_weak() {
    let at = t("2026-03-02 10:00");
    let mut g = IdentityGraph::new();
    let strong = g.link(
        k("phone:89123456789"),
        k("email:anna@example.ru"),
        Evidence::VerifiedPhone,
        at,
    );
    assert_eq!(strong, Ok(Strength::Strong));
    let weak = g.link(
        k("email:anna@example.ru"),
        k("name:Анна Петрова"),
        Evidence::OperatorConfirmed,
        at,
    );
    assert_eq!(weak, Ok(Strength::Weak), "a name is never strong evidence");
    let weak = g.link(
        k("tg:1001"),
        k("email:anna@example.ru"),
        Evidence::StatedByCustomer,
        at,
    );
    assert_eq!(weak, Ok(Strength::Weak));
    // Each link keeps its evidence.
    assert_eq!(g.links()[0].evidence, Evidence::VerifiedPhone);
    assert_eq!(g.links()[2].evidence, Evidence::StatedByCustomer);
    // The customer is what strong links join.
    assert_eq!(
        g.customer(&k("phone:+79123456789")),
        vec![k("phone:+79123456789"), k("email:anna@example.ru")]
    );
    // A family phone: once marked shared, its verified links turn weak.
    g.link(
        k("phone:+74951234567"),
        k("email:boris@example.ru"),
        Evidence::VerifiedPhone,
        at,
    )
    .ok();
    g.mark_shared(k("phone:+74951234567"));
    assert_eq!(g.links()[3].strength, Strength::Weak);
}

fn inbox_of(reqs: &[(&str, ContactChannel, &[&str], &str)]) -> Inbox {
    let mut inbox = Inbox::new();
    for (id, ch, keys, at) in reqs {
        inbox
            .add(Request {
                id: (*id).into(),
                channel: *ch,
                keys: keys.iter().map(|s| k(s)).collect(),
                at: t(at),
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    inbox
}

#[test]
fn merges_are_suggested_with_reasons_and_undone_exactly() {
    let at = t("2026-03-02 15:00");
    let mut g = IdentityGraph::new();
    g.link(
        k("phone:+79123456789"),
        k("tg:1001"),
        Evidence::MessengerContact,
        at,
    )
    .ok();
    g.link(
        k("tg:1001"),
        k("email:a@x.ru"),
        Evidence::StatedByCustomer,
        at,
    )
    .ok();
    let mut inbox = inbox_of(&[
        (
            "call-1",
            ContactChannel::Phone,
            &["phone:8 912 345 67 89"],
            "2026-03-02 09:00",
        ),
        (
            "tg-2",
            ContactChannel::Messenger,
            &["tg:1001"],
            "2026-03-02 10:00",
        ),
        (
            "mail-3",
            ContactChannel::Email,
            &["email:A@X.ru"],
            "2026-03-02 11:00",
        ),
        (
            "chat-4",
            ContactChannel::Chat,
            &["name:Анна"],
            "2026-03-02 12:00",
        ),
        (
            "chat-5",
            ContactChannel::Chat,
            &["name:анна"],
            "2026-03-02 12:30",
        ),
    ]);
    let before = inbox.cases();
    let s = inbox.suggest(&g);
    let find = |from: &str| {
        s.iter()
            .find(|x| x.from_case == from)
            .unwrap_or_else(|| panic!("no suggestion for {from}: {s:?}"))
    };
    let tg = find("tg-2");
    assert_eq!(
        (tg.into_case.as_str(), tg.strength, tg.automatic),
        ("call-1", Strength::Strong, true)
    );
    assert!(
        tg.reason_en
            .contains("the messenger shared the phone number"),
        "{}",
        tg.reason_en
    );
    let mail = find("mail-3");
    assert_eq!((mail.strength, mail.automatic), (Strength::Weak, false));
    assert!(
        mail.reason_ru.contains("не проверено"),
        "{}",
        mail.reason_ru
    );
    // The same name is a suggestion only.
    let name = find("chat-5");
    assert_eq!(
        (name.into_case.as_str(), name.strength),
        ("chat-4", Strength::Weak)
    );

    // Weak merges need an operator.
    let err = inbox.merge(mail, None, at).unwrap_err();
    assert_eq!(err.code(), "care.needs_confirmation");
    assert_eq!(inbox.cases(), before);

    // Automatic merging applies only the strong suggestion.
    let ids = inbox.auto_merge(&g, at).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids.len(), 1);
    assert_eq!(inbox.case_of("tg-2"), Some("call-1"));
    assert_eq!(inbox.case_of("mail-3"), Some("mail-3"));
    assert_eq!(inbox.case_of("chat-5"), Some("chat-5"));

    // An operator confirms the weak one.
    let mail = inbox
        .suggest(&g)
        .into_iter()
        .find(|x| x.from_case == "mail-3")
        .unwrap_or_else(|| panic!("mail-3 no longer suggested"));
    let after_auto = inbox.cases();
    let id2 = inbox
        .merge(&mail, Some("olga"), at)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox.case_of("mail-3"), Some("call-1"));
    assert_eq!(inbox.merges()[1].confirmed_by.as_deref(), Some("olga"));
    // Undo restores the state before it, exactly; then the first merge can be undone too.
    inbox.unmerge(id2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox.cases(), after_auto);
    inbox.unmerge(ids[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox.cases(), before);
    assert_eq!(
        inbox.unmerge(ids[0]).map_err(|e| e.code()),
        Err("care.unknown")
    );
}

#[test]
fn independent_merges_undo_in_any_order() {
    let at = t("2026-03-02 15:00");
    let mut g = IdentityGraph::new();
    g.link(k("tg:1"), k("email:a@x.ru"), Evidence::VerifiedEmail, at)
        .ok();
    g.link(
        k("email:a@x.ru"),
        k("card:123456"),
        Evidence::CardRegistration,
        at,
    )
    .ok();
    let mut inbox = inbox_of(&[
        (
            "a",
            ContactChannel::Messenger,
            &["tg:1"],
            "2026-03-02 09:00",
        ),
        (
            "b",
            ContactChannel::Email,
            &["email:a@x.ru"],
            "2026-03-02 10:00",
        ),
        (
            "c",
            ContactChannel::Chat,
            &["card:123456"],
            "2026-03-02 11:00",
        ),
    ]);
    let s = inbox.suggest(&g);
    let bc = s.iter().find(|x| x.from_case == "c").cloned();
    let ab = s.iter().find(|x| x.from_case == "b").cloned();
    let (Some(bc), Some(ab)) = (bc, ab) else {
        panic!("{s:?}")
    };
    // c goes into a (the oldest connected case), then b into a.
    assert_eq!(bc.into_case, "a");
    let m1 = inbox.merge(&ab, None, at).unwrap_or_else(|e| panic!("{e}"));
    let m2 = inbox.merge(&bc, None, at).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox.cases().len(), 1);
    assert!(m2 > m1);
    // The later merge moved only c, so the earlier one can be undone first.
    inbox.unmerge(m1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox.case_of("b"), Some("b"));
    assert_eq!(inbox.case_of("c"), Some("a"));
}

#[test]
fn unmerge_of_a_merge_moved_again_waits_for_the_later_one() {
    let at = t("2026-03-02 15:00");
    let mut g = IdentityGraph::new();
    g.link(k("tg:1"), k("tg:2"), Evidence::OperatorConfirmed, at)
        .ok();
    g.link(k("tg:2"), k("tg:3"), Evidence::OperatorConfirmed, at)
        .ok();
    let mut inbox = inbox_of(&[
        (
            "x",
            ContactChannel::Messenger,
            &["tg:1"],
            "2026-03-02 09:00",
        ),
        (
            "y",
            ContactChannel::Messenger,
            &["tg:2"],
            "2026-03-02 10:00",
        ),
        (
            "z",
            ContactChannel::Messenger,
            &["tg:3"],
            "2026-03-02 11:00",
        ),
    ]);
    // z into y by hand (an operator picks the pair), then y's case into x.
    let s = inbox.suggest(&g);
    let mut zy = s
        .iter()
        .find(|x| x.from_case == "z")
        .cloned()
        .unwrap_or_else(|| panic!("{s:?}"));
    zy.into_case = "y".into();
    let m1 = inbox.merge(&zy, None, at).unwrap_or_else(|e| panic!("{e}"));
    let yx = inbox
        .suggest(&g)
        .into_iter()
        .find(|x| x.from_case == "y")
        .unwrap_or_else(|| panic!("y not suggested"));
    let m2 = inbox.merge(&yx, None, at).unwrap_or_else(|e| panic!("{e}"));
    let err = inbox.unmerge(m1).unwrap_err();
    assert_eq!(
        err,
        CareError::UnmergeOrder {
            merge: m1,
            later: m2
        }
    );
    assert!(err.hint(Lang::Ru).contains(&m2.to_string()));
    inbox.unmerge(m2).unwrap_or_else(|e| panic!("{e}"));
    inbox.unmerge(m1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox.cases().len(), 3);
}

#[test]
fn identity_sample_merges_only_strong() {
    let f = IdentityFile::parse(&sample("identity.toml")).unwrap_or_else(|e| panic!("{e}"));
    let (g, mut inbox) = f.build().unwrap_or_else(|e| panic!("{e}"));
    let at = t("2026-03-02 15:00");
    let ids = inbox.auto_merge(&g, at).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids.len(), 2);
    let cases = inbox.cases();
    assert_eq!(cases.get("call-1").map(Vec::len), Some(3));
    // The e-mail stated in a chat and the family phone stay separate, suggested only.
    assert_eq!(inbox.case_of("mail-3"), Some("mail-3"));
    assert_eq!(inbox.case_of("mail-6"), Some("mail-6"));
    let left = inbox.suggest(&g);
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|s| !s.automatic));
}

// ---------------------------------------------------------------- routing

#[test]
fn routing_rules_in_order_with_none_and_channels() {
    let d = desk();
    let r = d.route("Чек не найден в ФНС!", ContactChannel::Email);
    assert_eq!(
        (r.group.as_str(), r.rule.as_deref()),
        ("receipts", Some("fns"))
    );
    assert_eq!(r.topic.as_deref(), Some("Чек не найден в ФНС"));
    assert!(r.matched.contains(&"не найден".to_string()));
    // ё = е and case does not matter.
    let r = d.route("ЧЕК ВВЕДЁН ВРУЧНУЮ", ContactChannel::Chat);
    assert_eq!(r.rule.as_deref(), Some("manual"));
    // `none`: a limit question about prizes goes to prizes.
    let r = d.route("не начислили приз", ContactChannel::Chat);
    assert_eq!(r.rule.as_deref(), Some("prize"));
    let r = d.route("не начислили шансы", ContactChannel::Chat);
    assert_eq!(r.rule.as_deref(), Some("limit"));
    // Channel-only rule, then the default.
    assert_eq!(d.route("алло", ContactChannel::Phone).group, "hotline");
    let r = d.route("алло", ContactChannel::Chat);
    assert_eq!((r.group.as_str(), r.rule), ("general", None));
}

#[test]
fn desk_files_are_checked() {
    let bad = [
        (
            "default_group = \"x\"\n[groups.g]\n",
            "care.invalid",
            "default_group",
        ),
        (
            "default_group = \"g\"\n[groups.g]\n[[rules]]\nid = \"r\"\ngroup = \"nope\"\nany = [\"a\"]\n",
            "care.invalid",
            "rules[0].group",
        ),
        (
            "default_group = \"g\"\n[groups.g]\n[[rules]]\nid = \"r\"\ngroup = \"g\"\n",
            "care.invalid",
            "rules[0]",
        ),
        (
            "default_group = \"g\"\n[groups.g]\nhours = [\"13:00-18:00\", \"09:00-14:00\"]\n",
            "care.invalid",
            "groups.g.hours",
        ),
        (
            "default_group = \"g\"\n[groups.g]\n[segments.nope]\ngroup = \"g\"\n",
            "care.invalid",
            "segments.nope",
        ),
        (
            "default_group = \"g\"\n[groups.g]\nsurprise = 1\n",
            "care.malformed",
            "",
        ),
        ("not toml at all ][", "care.malformed", ""),
    ];
    for (text, code, path) in bad {
        let e = Desk::parse(text).unwrap_err();
        assert_eq!(e.code(), code, "{text}");
        assert!(e.to_string().contains(path), "{e} lacks {path}");
        assert!(!e.hint(Lang::En).is_empty() && !e.hint(Lang::Ru).is_empty());
    }
    let huge = "#".repeat(chek::engage::care::MAX_DESK_BYTES + 1);
    assert_eq!(
        Desk::parse(&huge).map_err(|e| e.code()),
        Err("care.too_large")
    );
}

// ---------------------------------------------------------------- SLA

#[test]
fn sla_across_a_night() {
    let d = split_desk("first_response_minutes = 120");
    // Tuesday 3 March 2026, 17:00: one hour today, one tomorrow morning.
    let v = replay(
        &d,
        "c",
        &[msg("2026-03-03 17:00", "?")],
        t("2026-03-03 20:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let f = metric(&v.sla, Metric::FirstResponse, 1);
    assert_eq!(f.state, MetricState::Running);
    assert_eq!(f.elapsed_minutes, 60);
    assert_eq!(f.breach_at, Some(t("2026-03-04 10:00")));
}

#[test]
fn sla_across_a_weekend_and_lunch() {
    let d = split_desk("first_response_minutes = 180");
    // Friday 13 March 17:30 → 30 min Friday, Monday 09:00-13:00 gives the other 150 by 11:30.
    let v = replay(
        &d,
        "c",
        &[msg("2026-03-13 17:30", "?")],
        t("2026-03-14 12:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-03-16 11:30"))
    );
    // The lunch break does not count: a 5-hour target from Monday 9:00 ends at 15:00.
    let d = split_desk("first_response_minutes = 300");
    let v = replay(
        &d,
        "c",
        &[msg("2026-03-16 09:00", "?")],
        t("2026-03-16 09:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-03-16 15:00"))
    );
}

#[test]
fn sla_across_a_holiday_from_the_production_calendar() {
    let d = split_desk("first_response_minutes = 120");
    // Friday 6 March 17:30; Monday 9 March is the day off for 8 March (a Sunday).
    let v = replay(
        &d,
        "c",
        &[msg("2026-03-06 17:30", "?")],
        t("2026-03-09 12:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let f = metric(&v.sla, Metric::FirstResponse, 1);
    assert_eq!(f.breach_at, Some(t("2026-03-10 10:30")));
    assert_eq!(f.elapsed_minutes, 30);
    // The same desk on plain weekdays would be due on the Monday.
    let plain = Desk::parse(
        "default_group = \"g\"\n[groups.g]\ncalendar = \"weekdays\"\nhours = [\"09:00-13:00\", \"14:00-18:00\"]\nsla = { first_response_minutes = 120 }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = replay(
        &plain,
        "c",
        &[msg("2026-03-06 17:30", "?")],
        t("2026-03-09 12:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let f = metric(&v.sla, Metric::FirstResponse, 1);
    assert_eq!(f.breach_at, Some(t("2026-03-09 10:30")));
    assert_eq!(f.state, MetricState::Breached);
    // The New Year holidays: 31 December 2025 17:00 (itself a day off by decree 1335, once
    // counted as worked) → the whole two hours on Monday 12 January 2026.
    let v = replay(
        &d,
        "c",
        &[msg("2025-12-31 17:00", "?")],
        t("2026-01-05 12:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-01-12 11:00"))
    );
    // 30 December 2025 17:00, a working day: one hour then, one hour on 12 January.
    let v = replay(
        &d,
        "c",
        &[msg("2025-12-30 17:00", "?")],
        t("2026-01-05 12:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-01-12 10:00"))
    );
    // 9 May 2027 is a Sunday: Monday 10 May is off (it was counted as worked), so a message
    // on Friday 7 May 17:00 is due on Tuesday 11 May.
    let v = replay(
        &d,
        "c",
        &[msg("2027-05-07 17:00", "?")],
        t("2027-05-07 17:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2027-05-11 10:00"))
    );
    // A shortened pre-holiday day (3 November) ends at 17:00.
    let v = replay(
        &d,
        "c",
        &[msg("2026-11-03 16:00", "?")],
        t("2026-11-03 16:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-11-05 10:00"))
    );
}

#[test]
fn pauses_stop_the_resolution_clock() {
    let d = split_desk("first_response_minutes = 60, resolution_minutes = 240");
    let events = [
        msg("2026-03-03 09:00", "?"),
        reply("2026-03-03 09:30", false),
        Event::Pause {
            at: t("2026-03-03 09:31"),
            reason: Some("ждём фото".into()),
        },
        msg("2026-03-04 10:00", "фото"),
    ];
    // While paused: 31 minutes counted, no breach time, status processed.
    let v = replay(&d, "c", &events[..3], t("2026-03-04 09:00")).unwrap_or_else(|e| panic!("{e}"));
    let r = metric(&v.sla, Metric::Resolution, 1);
    assert_eq!(
        (r.state, r.elapsed_minutes, r.breach_at),
        (MetricState::Paused, 31, None)
    );
    assert!(v.paused);
    assert_eq!(v.status, CaseStatus::Processed);
    // The customer's answer resumes it: 209 minutes left from Wednesday 10:00 → 14:29.
    let v = replay(&d, "c", &events, t("2026-03-04 10:00")).unwrap_or_else(|e| panic!("{e}"));
    let r = metric(&v.sla, Metric::Resolution, 1);
    assert_eq!(r.state, MetricState::Running);
    assert_eq!(r.breach_at, Some(t("2026-03-04 14:29")));
    assert!(!v.paused);
    // An explicit resume works the same.
    let mut with_resume = events[..3].to_vec();
    with_resume.push(Event::Resume {
        at: t("2026-03-04 10:00"),
    });
    let v2 = replay(&d, "c", &with_resume, t("2026-03-04 10:00")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v2.sla, Metric::Resolution, 1).breach_at,
        Some(t("2026-03-04 14:29"))
    );
}

#[test]
fn reminders_fire_before_the_breach() {
    let d = split_desk("first_response_minutes = 120, remind_before_minutes = [60, 15]");
    let events = [msg("2026-03-03 12:00", "?")];
    let v = replay(&d, "c", &events, t("2026-03-03 14:20")).unwrap_or_else(|e| panic!("{e}"));
    let f = metric(&v.sla, Metric::FirstResponse, 1);
    assert_eq!(f.breach_at, Some(t("2026-03-03 15:00")));
    let r: Vec<(u32, NaiveDateTime, bool)> = f
        .reminders
        .iter()
        .map(|r| (r.before_minutes, r.at, r.due))
        .collect();
    // 60 min before 15:00 in working time is 13:00, before lunch; 15 before is 14:45.
    assert_eq!(
        r,
        vec![
            (60, t("2026-03-03 13:00"), true),
            (15, t("2026-03-03 14:45"), false)
        ]
    );
    assert!(
        v.history
            .iter()
            .any(|h| h.event == "reminder" && h.at == t("2026-03-03 13:00"))
    );
    // Once answered, no reminders remain.
    let v = replay(
        &d,
        "c",
        &[events[0].clone(), reply("2026-03-03 12:30", true)],
        t("2026-03-03 14:20"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        metric(&v.sla, Metric::FirstResponse, 1)
            .reminders
            .is_empty()
    );
}

#[test]
fn breaches_missed_and_open() {
    let d = split_desk(
        "first_response_minutes = 60, next_response_minutes = 30, resolution_minutes = 600",
    );
    let events = [
        msg("2026-03-03 09:00", "?"),
        reply("2026-03-03 10:30", true), // first response 30 min late
        msg("2026-03-03 11:00", "а ещё?"), // reopens; next response due 11:30
    ];
    let v = replay(&d, "c", &events, t("2026-03-03 12:00")).unwrap_or_else(|e| panic!("{e}"));
    let f = metric(&v.sla, Metric::FirstResponse, 1);
    assert_eq!(
        (f.state, f.breach_at, f.done_at),
        (
            MetricState::Missed,
            Some(t("2026-03-03 10:00")),
            Some(t("2026-03-03 10:30"))
        )
    );
    let n = metric(&v.sla, Metric::NextResponse, 1);
    assert_eq!(
        (n.state, n.breach_at),
        (MetricState::Breached, Some(t("2026-03-03 11:30")))
    );
    let b: Vec<(Metric, NaiveDateTime, MetricState)> = v
        .breaches
        .iter()
        .map(|b| (b.metric, b.at, b.state))
        .collect();
    assert_eq!(
        b,
        vec![
            (
                Metric::FirstResponse,
                t("2026-03-03 10:00"),
                MetricState::Missed
            ),
            (
                Metric::NextResponse,
                t("2026-03-03 11:30"),
                MetricState::Breached
            ),
        ]
    );
    assert_eq!((v.status, v.reopened), (CaseStatus::New, 1));
    // Resolution: 90 min until the answer, then running again from the reopening.
    let r = metric(&v.sla, Metric::Resolution, 1);
    assert_eq!((r.state, r.elapsed_minutes), (MetricState::Running, 150));
    assert!(
        v.history
            .iter()
            .any(|h| h.event == "breach" && h.at == t("2026-03-03 10:00"))
    );
}

#[test]
fn statuses_and_route_history() {
    let d = desk();
    let events = [
        msg("2026-03-03 10:00", "Чек не найден в ФНС"),
        Event::Process {
            at: t("2026-03-03 10:05"),
            agent: None,
        },
        Event::Route {
            request_type: None,
            at: t("2026-03-03 10:10"),
            group: "limits".into(),
            agent: Some("olga".into()),
            reason: Some("на самом деле лимит".into()),
        },
        reply("2026-03-03 11:00", true),
        Event::Reopen {
            at: t("2026-03-03 12:00"),
            agent: Some("olga".into()),
        },
    ];
    let statuses = |n: usize| {
        replay(&d, "c", &events[..n], t("2026-03-03 13:00"))
            .unwrap_or_else(|e| panic!("{e}"))
            .status
    };
    assert_eq!(statuses(1), CaseStatus::New);
    assert_eq!(statuses(2), CaseStatus::Processed);
    assert_eq!(statuses(4), CaseStatus::Answered);
    assert_eq!(statuses(5), CaseStatus::New);
    let v = replay(&d, "c", &events, t("2026-03-03 13:00")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.reopened, 1);
    assert_eq!(v.group, "limits");
    let route: Vec<(&str, RouteBy, Option<&str>)> = v
        .routes
        .iter()
        .map(|r| (r.group.as_str(), r.by, r.source.as_deref()))
        .collect();
    assert_eq!(
        route,
        vec![
            ("receipts", RouteBy::Rule, Some("fns")),
            ("limits", RouteBy::Operator, Some("olga"))
        ]
    );
    // The SLA is the current group's: limits answers first within 240 minutes.
    assert_eq!(metric(&v.sla, Metric::FirstResponse, 1).target_minutes, 240);
    // Events after `now` are not applied.
    let v = replay(&d, "c", &events, t("2026-03-03 10:07")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.status, v.ignored_after_now), (CaseStatus::Processed, 3));
}

#[test]
fn impossible_histories_are_refused() {
    let d = desk();
    let back = [msg("2026-03-03 10:00", "a"), msg("2026-03-03 09:00", "b")];
    let e = replay(&d, "c", &back, t("2026-03-04 00:00")).unwrap_err();
    assert_eq!(
        e,
        CareError::BadHistory {
            index: 1,
            problem: "earlier than the event before it".into()
        }
    );
    let e = replay(
        &d,
        "c",
        &[reply("2026-03-03 10:00", true)],
        t("2026-03-04 00:00"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "care.bad_history");
    let e = replay(&d, "c", &[], t("2026-03-04 00:00")).unwrap_err();
    assert_eq!(e.code(), "care.bad_history");
    let bad_group = [
        msg("2026-03-03 10:00", "a"),
        Event::Route {
            request_type: None,
            at: t("2026-03-03 10:01"),
            group: "nope".into(),
            agent: None,
            reason: None,
        },
    ];
    assert_eq!(
        replay(&d, "c", &bad_group, t("2026-03-04 00:00"))
            .map_err(|e| e.code())
            .err(),
        Some("care.bad_history")
    );
}

#[test]
fn sample_cases_replay() {
    let d = desk();
    let mut seen = 0;
    for name in ["case-holiday.toml", "case-reopen.json", "case-segment.toml"] {
        let f = CaseFile::parse(&sample(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let now = f.now.unwrap_or_else(|| panic!("{name} has no now"));
        let v = replay(&d, &f.case, &f.events, now).unwrap_or_else(|e| panic!("{name}: {e}"));
        seen += 1;
        match name {
            "case-holiday.toml" => {
                assert_eq!(v.status, CaseStatus::Answered);
                let f = metric(&v.sla, Metric::FirstResponse, 1);
                // 45 min on Friday, nothing on the 9 March holiday, 65 on Tuesday.
                assert_eq!((f.state, f.elapsed_minutes), (MetricState::Met, 110));
                assert_eq!(metric(&v.sla, Metric::Resolution, 1).elapsed_minutes, 341);
            }
            "case-reopen.json" => {
                // 30 April is a shortened day: the 480-minute next response is due at 17:00.
                assert_eq!(v.breaches.len(), 1);
                assert_eq!(v.breaches[0].at, t("2026-04-30 17:00"));
            }
            _ => {
                assert_eq!(v.segment, Some(Segment::ManualEntry));
                assert_eq!(v.routes[0].by, RouteBy::Segment);
            }
        }
    }
    assert_eq!(seen, 3);
}

// ---------------------------------------------------------------- quick replies and segments

#[test]
fn quick_reply_placeholders_prompt_for_values() {
    let d = desk();
    let q = d
        .reply("fns-recheck")
        .unwrap_or_else(|| panic!("no fns-recheck"));
    let names: Vec<String> = q.prompts().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["receipt_date", "sum", "recheck_date"]);
    let mut v = BTreeMap::new();
    let r = q.render(&v);
    assert!(!r.complete);
    assert_eq!(r.missing.len(), 3);
    assert_eq!(r.missing[2].prompt, "Дата повторной проверки");
    v.insert("receipt_date".to_string(), "2026-03-05T12:30".to_string());
    v.insert("sum".to_string(), "двести".to_string());
    v.insert("recheck_date".to_string(), "07.03.2026".to_string());
    let r = q.render(&v);
    assert!(!r.complete);
    assert!(r.missing.is_empty());
    assert_eq!(r.invalid.len(), 1);
    assert_eq!(r.invalid[0].name, "sum");
    assert!(r.text.contains("{{sum}}"));
    v.insert("sum".to_string(), "1530,5".to_string());
    let r = q.render(&v);
    assert!(r.complete);
    assert!(
        r.text
            .contains("Чек от 05.03.2026 12:30 на сумму 1 530,50 ₽"),
        "{}",
        r.text
    );
    assert!(r.text.contains("снова 07.03.2026"), "{}", r.text);
}

#[test]
fn problem_segments_open_cases_in_their_queues() {
    let d = desk();
    let at = t("2026-03-06 17:00");
    let cases: Vec<(Segment, String, Option<String>)> = [
        Segment::ManualEntry,
        Segment::NotFoundInFns,
        Segment::Limit,
        Segment::Duplicate,
    ]
    .into_iter()
    .map(|s| {
        let c = d.open_segment_case(s, BTreeMap::new(), at);
        (s, c.group, c.reply.map(|r| r.id))
    })
    .collect();
    assert_eq!(
        cases,
        vec![
            (
                Segment::ManualEntry,
                "receipts".into(),
                Some("manual-entry".into())
            ),
            (
                Segment::NotFoundInFns,
                "receipts".into(),
                Some("fns-recheck".into())
            ),
            (
                Segment::Limit,
                "limits".into(),
                Some("limit-reached".into())
            ),
            (Segment::Duplicate, "general".into(), None),
        ]
    );
    // The opening event replays into a case with SLA clocks in the queue's hours.
    let c = d.open_segment_case(Segment::NotFoundInFns, BTreeMap::new(), at);
    let v = replay(&d, "s", std::slice::from_ref(&c.event), at).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (v.group.as_str(), v.topic.as_deref()),
        ("receipts", Some("Не найден в ФНС"))
    );
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-03-10 10:00"))
    );
}

#[test]
fn a_manual_entry_decision_opens_a_manual_entry_case() {
    let campaign = Campaign::from_toml(
        r#"
        id = "demo"
        name = "Демо"
        [when]
        start = "2026-09-01"
        end = "2026-09-30"
        [[earn]]
        id = "per-500"
        kind = "per_amount"
        every = "500"
        lots = 1
        "#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let qr: FiscalQr = "t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1"
        .parse()
        .unwrap_or_else(|e| panic!("{e:?}"));
    let now = t("2026-09-20 09:00");
    let decision = campaign.evaluate(
        &Candidate::new(qr, Channel::Manual),
        &ParticipantHistory::new("tg:1"),
        now,
    );
    assert!(
        decision.segments().contains(&Segment::ManualEntry),
        "{decision:?}"
    );
    let cases = desk().cases_for_decision(&decision, now);
    let manual = cases
        .iter()
        .find(|c| c.segment == Segment::ManualEntry)
        .unwrap_or_else(|| panic!("{cases:?}"));
    assert_eq!(manual.group, "receipts");
    match &manual.event {
        Event::Segment { values, .. } => {
            assert_eq!(
                values.get("receipt").map(String::as_str),
                Some("7281440500751551:1:1")
            );
        }
        e => panic!("{e:?}"),
    }
}

// ---------------------------------------------------------------- hostile input

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn hostile_text_never_panics(s in "\\PC{0,300}") {
        let d = desk();
        let _ = Desk::parse(&s);
        let _ = CaseFile::parse(&s);
        let _ = IdentityFile::parse(&s);
        let _ = Key::parse(&s);
        let _ = Key::phone(&s);
        let _ = Key::email(&s);
        let r = d.route(&s, ContactChannel::Chat);
        prop_assert!(d.group(&r.group).is_some());
        if let Some(q) = d.reply("fns-recheck") {
            let mut v = BTreeMap::new();
            v.insert("sum".to_string(), s.clone());
            v.insert("receipt_date".to_string(), s.clone());
            let _ = q.render(&v);
        }
        let ev = [msg("2026-03-03 10:00", &s)];
        prop_assert!(replay(&d, &s, &ev, t("2026-03-04 10:00")).is_ok());
    }

    #[test]
    fn sla_breach_time_is_exactly_the_target(start_min in 0i64..(60 * 24 * 400), target in 1u32..5000) {
        let d = split_desk(&format!("first_response_minutes = {target}"));
        let start = t("2026-01-01 00:00") + chrono::Duration::minutes(start_min);
        let v = replay(&d, "c", &[Event::Message { at: start, channel: ContactChannel::Chat, from: None, text: String::new() }], start)
            .unwrap_or_else(|e| panic!("{e}"));
        let due = metric(&v.sla, Metric::FirstResponse, 1).breach_at.unwrap_or_else(|| panic!("no breach time"));
        let at_due = replay(&d, "c", &[Event::Message { at: start, channel: ContactChannel::Chat, from: None, text: String::new() }], due)
            .unwrap_or_else(|e| panic!("{e}"));
        let f = metric(&at_due.sla, Metric::FirstResponse, 1);
        prop_assert_eq!(f.elapsed_minutes, i64::from(target));
        prop_assert_eq!(f.state, MetricState::Breached);
    }
}

#[test]
fn huge_inputs_are_refused_or_bounded() {
    let big = format!(
        "case = \"c\"\n{}",
        "[[events]]\nkind = \"resume\"\nat = \"2026-03-03T10:00:00\"\n".repeat(10_001)
    );
    assert_eq!(
        CaseFile::parse(&big).map_err(|e| e.code()).err(),
        Some("care.too_large")
    );
    let long = "ФНС ".repeat(100_000);
    assert_eq!(
        desk().route(&long, ContactChannel::Email).rule.as_deref(),
        Some("fns")
    );
    assert_eq!(
        Key::phone(&"9".repeat(10_000)).map_err(|e| e.code()).err(),
        Some("care.bad_phone")
    );
    // Hours with no working time never produce a breach time, and do not spin.
    let d = Desk::parse("default_group = \"g\"\n[groups.g]\ncalendar = \"weekdays\"\nhours = [\"09:00-10:00\"]\nsla = { first_response_minutes = 100000000 }\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let v = replay(
        &d,
        "c",
        &[msg("2026-03-03 10:00", "a")],
        t("2026-03-03 11:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(metric(&v.sla, Metric::FirstResponse, 1).breach_at, None);
}

#[test]
fn large_inboxes_suggest_in_bounded_work() {
    // 2 000 requests in 400 chains of strong links: suggestions come from components, not
    // from comparing every pair. (A timing target belongs in a bench; this checks the result.)
    let at = t("2026-03-02 10:00");
    let mut g = IdentityGraph::new();
    let mut inbox = Inbox::new();
    for c in 0..400 {
        for j in 0..5 {
            let key = k(&format!("tg:{}", c * 10 + j));
            if j > 0 {
                g.link(
                    k(&format!("tg:{}", c * 10 + j - 1)),
                    key.clone(),
                    Evidence::OperatorConfirmed,
                    at,
                )
                .unwrap_or_else(|e| panic!("{e}"));
            }
            inbox
                .add(Request {
                    id: format!("r{c}-{j}"),
                    channel: ContactChannel::Messenger,
                    keys: vec![key],
                    at: at + chrono::Duration::minutes(j),
                })
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let s = inbox.suggest(&g);
    assert_eq!(s.len(), 1600);
    assert!(s.iter().all(|x| x.automatic && x.into_case.ends_with("-0")));
    let ids = inbox.auto_merge(&g, at).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids.len(), 1600);
    assert_eq!(inbox.cases().len(), 400);
    assert_eq!(g.customer(&k("tg:42")).len(), 5);
}

// ---------------------------------------------------------------- issue 22 defects

#[test]
fn keywords_match_whole_words_and_stems_not_inside_words() {
    let d = desk();
    // «Капризный» holds «приз» inside a word: not a prize question.
    let r = d.route("Капризный кассир не выдал чек", ContactChannel::Chat);
    assert_eq!(r.group, "general", "{r:?}");
    // Stems still take every ending.
    for text in [
        "Где мой приз?",
        "Когда отправят призы",
        "с призом беда",
        "ПРИЗА нет",
    ] {
        assert_eq!(
            d.route(text, ContactChannel::Chat).group,
            "prizes",
            "{text}"
        );
    }
    // Multi-word keywords start at a word boundary too.
    let r = d.route("чек не найдено в базе", ContactChannel::Email);
    assert_eq!(r.rule.as_deref(), Some("fns"));
    let r = d.route("чекне найден", ContactChannel::Email);
    assert_eq!(r.rule, None, "{r:?}");
    // `none` keywords are words too: «каприз» does not veto the limit rule.
    let r = d.route("лимит и капризы", ContactChannel::Chat);
    assert_eq!(r.rule.as_deref(), Some("limit"));
}

#[test]
fn viber_ids_are_accepted_and_messenger_ids_keep_their_case() {
    let v = k("viber:Lh8Cz+HvRvm5s2xW/BZaAbw==");
    assert_eq!(v.to_string(), "viber:Lh8Cz+HvRvm5s2xW/BZaAbw==");
    assert_ne!(v, k("viber:lh8cz+hvrvm5s2xw/bzaabw=="));
    assert_eq!(k("vk:Id77Anna").to_string(), "vk:Id77Anna");
    assert_eq!(k("max:AbCd-1").to_string(), "max:AbCd-1");
    assert_eq!(k("tg:123456").to_string(), "telegram:123456");
    // Telegram usernames are case-insensitive on Telegram's side.
    assert_eq!(k("tg:@Anna_P"), k("telegram:anna_p"));
    // A Viber sender of a message is an identifier that links to the phone.
    let sender = Key::from_sender(ContactChannel::Viber, "01aBcD+/xyz==");
    assert_eq!(sender, Some(k("viber:01aBcD+/xyz==")));
    let mut g = IdentityGraph::new();
    g.link(
        k("phone:+79123456789"),
        k("viber:01aBcD+/xyz=="),
        Evidence::MessengerContact,
        t("2026-03-02 10:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let c = g.connection(&k("viber:01aBcD+/xyz=="), &k("phone:89123456789"));
    assert_eq!(c.map(|c| c.strength), Some(Strength::Strong));
    assert_eq!(
        Key::parse("viber:a b").map_err(|e| e.code()),
        Err("care.bad_id")
    );
}

#[test]
fn channels_include_the_messengers_by_name() {
    for (name, ch) in [
        ("telegram", ContactChannel::Telegram),
        ("WhatsApp", ContactChannel::Whatsapp),
        ("viber", ContactChannel::Viber),
        ("vk", ContactChannel::Vk),
        ("max", ContactChannel::Max),
    ] {
        assert_eq!(ContactChannel::parse(name), Some(ch), "{name}");
        assert!(ch.is_messenger());
        let json: ContactChannel = serde_json::from_str(&format!("{:?}", name.to_lowercase()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json, ch);
    }
    // A rule for one messenger takes only that one; `messenger` takes them all.
    let d = Desk::parse(
        r#"
        default_group = "g"
        [groups.g]
        [groups.viber]
        [groups.im]
        [[rules]]
        id = "viber"
        group = "viber"
        channels = ["viber"]
        [[rules]]
        id = "im"
        group = "im"
        channels = ["messenger"]
    "#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.route("?", ContactChannel::Viber).group, "viber");
    assert_eq!(d.route("?", ContactChannel::Telegram).group, "im");
    assert_eq!(d.route("?", ContactChannel::Vk).group, "im");
    assert_eq!(d.route("?", ContactChannel::Email).group, "g");
    // A case history names the messenger.
    let f = CaseFile::parse(
        r#"{"case": "V", "events": [{"kind": "message", "at": "2026-03-03T10:00:00",
            "channel": "whatsapp", "from": "+79123456789", "text": "Здравствуйте"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = replay(&d, &f.case, &f.events, t("2026-03-03 11:00")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.group, "im");
    assert!(v.history[0].note.contains("whatsapp"), "{:?}", v.history);
}

#[test]
fn sla_follows_the_request_type_not_only_the_group() {
    let d = desk();
    // A complaint in the general group: 60 minutes to the first response, not the group's 240.
    let f = CaseFile::parse(
        r#"{"case": "J", "events": [{"kind": "message", "at": "2026-03-03T10:00:00",
            "channel": "email", "text": "Жалоба на кассира"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let v = replay(&d, &f.case, &f.events, t("2026-03-03 10:30")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.group, "general");
    assert_eq!(v.request_type.as_deref(), Some("complaint"));
    let frt = metric(&v.sla, Metric::FirstResponse, 1);
    assert_eq!(frt.target_minutes, 60);
    assert_eq!(frt.breach_at, Some(t("2026-03-03 11:00")));
    assert_eq!(frt.reminders[0].before_minutes, 15);
    // What the type does not set stays the group's.
    assert_eq!(metric(&v.sla, Metric::Resolution, 1).target_minutes, 2400);
    // Another question in the same group keeps the group's targets.
    let v = replay(
        &d,
        "Q",
        &[msg("2026-03-03 10:00", "Когда итоги?")],
        t("2026-03-03 10:30"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.request_type, None);
    assert_eq!(metric(&v.sla, Metric::FirstResponse, 1).target_minutes, 240);
    // An operator reclassifies a question as a complaint: the complaint's target applies.
    let events = [
        msg("2026-03-03 10:00", "Когда итоги?"),
        Event::Route {
            at: t("2026-03-03 10:10"),
            group: "general".into(),
            request_type: Some("complaint".into()),
            agent: Some("olga".into()),
            reason: None,
        },
    ];
    let v = replay(&d, "R", &events, t("2026-03-03 10:30")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.request_type.as_deref(), Some("complaint"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2026-03-03 11:00"))
    );
    let mut bad_route = events.clone();
    bad_route[1] = Event::Route {
        at: t("2026-03-03 10:10"),
        group: "general".into(),
        request_type: Some("nope".into()),
        agent: None,
        reason: None,
    };
    let err = replay(&d, "R", &bad_route, t("2026-03-03 10:30")).err();
    assert!(
        matches!(err, Some(CareError::BadHistory { index: 1, .. })),
        "{err:?}"
    );
    // A type no rule can name is refused.
    let bad = Desk::parse(
        "default_group = \"g\"\n[groups.g]\n[[rules]]\nid = \"r\"\ngroup = \"g\"\ntype = \"nope\"\nany = [\"x\"]\n",
    );
    assert!(
        matches!(bad, Err(CareError::Invalid { ref path, .. }) if path == "rules[0].type"),
        "{bad:?}"
    );
}

#[test]
fn the_combined_queue_sorts_open_cases_of_every_group_by_due_time() {
    let d = desk();
    let now = t("2026-03-03 12:00");
    let case = |id: &str, events: Vec<Event>| {
        replay(&d, id, &events, now).unwrap_or_else(|e| panic!("{id}: {e}"))
    };
    let views = vec![
        // general: first response due 14:00.
        case("A", vec![msg("2026-03-03 10:00", "Когда итоги?")]),
        // receipts: due 11:00, already breached.
        case("B", vec![msg("2026-03-03 09:00", "Чек не найден в ФНС")]),
        // answered: not in the queue.
        case(
            "C",
            vec![
                msg("2026-03-03 09:00", "Вопрос"),
                reply("2026-03-03 09:30", true),
            ],
        ),
        // general complaint: due 12:45.
        case("D", vec![msg("2026-03-03 11:45", "Жалоба!")]),
    ];
    let q = chek::engage::care::queue(&views);
    let order: Vec<&str> = q.iter().map(|i| i.case.as_str()).collect();
    assert_eq!(order, ["B", "D", "A"]);
    assert!(q[0].breached);
    assert_eq!(q[0].group, "receipts");
    assert_eq!(q[1].due_at, Some(t("2026-03-03 12:45")));
    assert_eq!(q[2].due_metric, Some(Metric::FirstResponse));
}

#[test]
fn unknown_quick_reply_names_are_errors() {
    let d = desk();
    let q = d.reply("thanks").unwrap_or_else(|| panic!("thanks"));
    let mut v = BTreeMap::new();
    v.insert("nmae".to_string(), "Анна".to_string());
    let err = q
        .render_checked(&v)
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(err.code(), "care.unknown_placeholder");
    assert!(err.hint(Lang::Ru).contains("nmae"));
    assert!(err.hint(Lang::En).contains("name"));
    v.clear();
    v.insert("name".to_string(), "Анна".to_string());
    let r = q.render_checked(&v).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.complete);
}

#[test]
fn inputs_with_a_utf8_bom_are_read() {
    let bom = |s: &str| format!("\u{feff}{s}");
    assert!(Desk::parse(&bom(&sample("desk.toml"))).is_ok());
    assert!(Desk::parse(&bom("{\"default_group\": \"g\", \"groups\": {\"g\": {}}}")).is_ok());
    let f = CaseFile::parse(&bom(&sample("case-reopen.json"))).unwrap_or_else(|e| panic!("{e}"));
    assert!(!f.events.is_empty());
    assert!(CaseFile::parse(&bom(&sample("case-holiday.toml"))).is_ok());
    assert!(IdentityFile::parse(&bom(&sample("identity.toml"))).is_ok());
}

#[test]
fn merged_histories_replay_as_one_case() {
    use chek::engage::care::{CasePart, replay_joined};
    let d = desk();
    let parts = [
        CasePart {
            case: "call".into(),
            events: vec![Event::Message {
                at: t("2026-03-03 09:00"),
                channel: ContactChannel::Phone,
                from: Some("+79123456789".into()),
                text: "Чек не найден в ФНС".into(),
            }],
            merged: None,
        },
        CasePart {
            case: "viber".into(),
            events: vec![
                Event::Message {
                    at: t("2026-03-03 09:30"),
                    channel: ContactChannel::Viber,
                    from: Some("01aBcD+/xyz==".into()),
                    text: "Дублирую в вайбер".into(),
                },
                reply("2026-03-03 10:00", true),
            ],
            merged: Some((1, t("2026-03-03 09:45"))),
        },
    ];
    let v = replay_joined(&d, &parts, t("2026-03-03 12:00")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.case.as_str(), v.group.as_str()), ("call", "receipts"));
    assert_eq!(v.status, CaseStatus::Answered);
    assert_eq!(v.merged_cases, ["viber"]);
    let events: Vec<&str> = v.history.iter().map(|h| h.event.as_str()).collect();
    assert_eq!(events, ["message", "message", "merge", "reply"]);
    // The reply in the merged case answers the first response of the joined case.
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).state,
        MetricState::Met
    );
}

// ---------------------------------------------------------------- the ledger (SQLite and PostgreSQL)

mod ledger {
    use std::collections::{BTreeMap, BTreeSet};
    use std::process::Command;
    use std::sync::{Arc, Barrier};
    use std::thread;

    use chek::Coded;
    use chek::engage::care::{
        ContactChannel, Event, Evidence, Key, MetricState, Strength, queue, replay_joined,
    };
    use chek_store::Ledger;

    use super::{desk, t};

    /// A prefix no other run uses (PostgreSQL keeps documents between runs).
    fn prefix(name: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{name}-{}-{nanos}", std::process::id())
    }

    fn sqlite() -> (Ledger, String, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(prefix("chek-care"));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("care.sqlite");
        let target = path.display().to_string();
        let l = Ledger::open(&target).unwrap_or_else(|e| panic!("{e}"));
        (l, target, dir)
    }

    #[allow(clippy::print_stderr)]
    fn postgres() -> Option<(Ledger, String)> {
        let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
            eprintln!(
                "\n!!! CHEK_TEST_PG_URL is not set: PostgreSQL care test SKIPPED (scripts/test sets it) !!!\n"
            );
            return None;
        };
        Some((Ledger::open(&url).unwrap_or_else(|e| panic!("{e}")), url))
    }

    fn message(at: &str, channel: ContactChannel, from: &str, text: &str) -> Event {
        Event::Message {
            at: t(at),
            channel,
            from: Some(from.into()),
            text: text.into(),
        }
    }

    /// Records, merges on evidence, joins histories, unmerges, and builds the queue.
    fn merges_join_histories(l: &Ledger) {
        let p = prefix("m");
        let now = t("2026-03-03 12:00");
        let (call, viber, chat) = (
            format!("{p}-call"),
            format!("{p}-viber"),
            format!("{p}-chat"),
        );
        let mail = format!("email:{p}@example.ru");
        let vid = format!("{}Ab+/=", p.replace('-', ""));
        let rec = |case: &str, id: &str, e: Event| {
            l.care_record(case, &format!("{p}-{id}"), &e, now)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let r = rec(
            &call,
            "1",
            message(
                "2026-03-03 09:00",
                ContactChannel::Email,
                &mail,
                "Чек не найден в ФНС",
            ),
        );
        assert_eq!(r.value.sender.map(|k| k.to_string()), Some(mail.clone()));
        rec(
            &viber,
            "2",
            message(
                "2026-03-03 09:30",
                ContactChannel::Viber,
                &vid,
                "Пишу в вайбер",
            ),
        );
        // A retry of the same event id records nothing.
        let again = rec(
            &viber,
            "2",
            message(
                "2026-03-03 09:30",
                ContactChannel::Viber,
                &vid,
                "Пишу в вайбер",
            ),
        );
        assert!(again.replayed);
        rec(
            &chat,
            "3",
            message(
                "2026-03-03 09:40",
                ContactChannel::Chat,
                "session-7",
                "Где приз?",
            ),
        );
        // No evidence yet: a merge needs an operator.
        let err = l
            .care_merge(&viber, &call, None, None, now)
            .unwrap_or_else(|e| panic!("{e}"))
            .err()
            .map(|e| e.code());
        assert_eq!(err, Some("care.needs_confirmation"));
        // The Viber account vouched for the e-mail: strong, merged without an operator.
        let s = l
            .care_link(
                &Key::parse(&mail).unwrap_or_else(|e| panic!("{e}")),
                &Key::parse(&format!("viber:{vid}")).unwrap_or_else(|e| panic!("{e}")),
                Evidence::VerifiedEmail,
                t("2026-03-03 09:35"),
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.value, Strength::Strong);
        let m = l
            .care_merge(
                &viber,
                &call,
                None,
                Some(&format!("{p}-merge-1")),
                t("2026-03-03 09:45"),
            )
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.value.strength, Some(Strength::Strong));
        let retry = l
            .care_merge(&viber, &call, None, Some(&format!("{p}-merge-1")), now)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(retry.replayed);
        assert_eq!(retry.value.id, m.value.id);
        // Merged away: it cannot be merged again, nor receive a merge.
        let again = l
            .care_merge(&chat, &viber, Some("olga"), None, now)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.err().map(|e| e.code()), Some("care.invalid"));
        // The chat has nothing linking it: the operator's word merges it.
        let weak = l
            .care_merge(&chat, &call, Some("olga"), None, t("2026-03-03 09:50"))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(weak.value.strength, None);
        assert_eq!(weak.value.confirmed_by.as_deref(), Some("olga"));
        rec(&viber, "4", super::reply("2026-03-03 10:00", false));

        let d = desk();
        let h = l
            .care_case(&call)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no case"));
        let v = replay_joined(&d, &h.parts, now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.group, "receipts");
        assert_eq!(v.merged_cases, [viber.clone(), chat.clone()]);
        let events: Vec<&str> = v.history.iter().map(|h| h.event.as_str()).collect();
        assert_eq!(
            events,
            ["message", "message", "message", "merge", "merge", "reply"],
            "{:?}",
            v.history
        );
        assert_eq!(v.sla[0].state, MetricState::Met);

        // The queue from the ledger has one case for the three, until a merge is undone.
        let in_queue = |l: &Ledger| -> Vec<String> {
            let views: Vec<_> = l
                .care_cases()
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .filter(|h| h.case.case.starts_with(&p))
                .map(|h| replay_joined(&d, &h.parts, now).unwrap_or_else(|e| panic!("{e}")))
                .collect();
            queue(&views).into_iter().map(|q| q.case).collect()
        };
        assert_eq!(in_queue(l), std::slice::from_ref(&call));
        let undone = l
            .care_unmerge(weak.value.id, Some("olga"), None, now)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(undone.value.undone_at.is_some());
        // The chat stands alone again, in its own queue: its first response is due at 18:00
        // today, before the call's resolution (18:00 tomorrow).
        assert_eq!(in_queue(l), [chat.clone(), call.clone()]);
        let twice = l
            .care_unmerge(weak.value.id, None, None, now)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(twice.err().map(|e| e.code()), Some("care.unknown"));
        let h = l
            .care_case(&call)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no case"));
        assert_eq!(h.parts.len(), 2);
    }

    /// Writes `per` events from each of `writers` threads; each thread also re-sends the events
    /// of the next thread (the same ids), so every id races with a duplicate.
    fn write_events(l: &Ledger, p: &str, first: usize, writers: usize, per: usize, total: usize) {
        let barrier = Arc::new(Barrier::new(writers));
        thread::scope(|s| {
            for w in first..first + writers {
                let barrier = Arc::clone(&barrier);
                s.spawn(move || {
                    barrier.wait();
                    for round in [w, (w + 1) % total] {
                        for j in 0..per {
                            let case = format!("{p}-case-{}", (round + j) % 7);
                            let e = Event::Message {
                                at: t("2026-03-03 10:00") + chrono::Duration::minutes(j as i64),
                                channel: ContactChannel::Telegram,
                                from: Some(format!("{}", 1000 + round)),
                                text: format!("writer {round} message {j}"),
                            };
                            let id = format!("{p}-ev-{round}-{j}");
                            let mut tries = 0;
                            loop {
                                match l.care_record(&case, &id, &e, t("2026-03-03 12:00")) {
                                    Ok(_) => break,
                                    // Busy is retried as a host would; nothing else is expected.
                                    Err(err) if err.code() == "store.busy" && tries < 50 => {
                                        tries += 1;
                                        thread::sleep(std::time::Duration::from_millis(20));
                                    }
                                    Err(err) => panic!("{id}: {err}"),
                                }
                            }
                        }
                    }
                });
            }
        });
    }

    /// Every event once: the count per case, the sequence numbers 1..n without a gap or a
    /// repeat, and every id's text.
    fn check_events(l: &Ledger, p: &str, writers: usize, per: usize) {
        let cases: Vec<_> = l
            .care_cases()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|h| h.case.case.starts_with(&format!("{p}-")))
            .collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut total = 0;
        for h in &cases {
            let events = &h.parts[0].events;
            assert_eq!(h.case.events as usize, events.len(), "{}", h.case.case);
            total += events.len();
            for e in events {
                if let Event::Message { text, .. } = e {
                    assert!(seen.insert(text.clone()), "{text} twice");
                }
            }
        }
        assert_eq!(total, writers * per, "events lost or doubled");
        let mut per_case: BTreeMap<usize, usize> = BTreeMap::new();
        for w in 0..writers {
            for j in 0..per {
                *per_case.entry((w + j) % 7).or_default() += 1;
            }
        }
        for (c, n) in per_case {
            let h = cases
                .iter()
                .find(|h| h.case.case == format!("{p}-case-{c}"))
                .unwrap_or_else(|| panic!("case {c} missing"));
            assert_eq!(h.parts[0].events.len(), n, "case {c}");
        }
    }

    fn parallel_writers(l: &Ledger) {
        let p = prefix("par");
        let (writers, per) = (40, 5);
        write_events(l, &p, 0, writers, per, writers);
        check_events(l, &p, writers, per);
    }

    /// 30 operators merge 30 pairs of cases at once: every merge recorded once, with its own id.
    fn parallel_merges(l: &Ledger) {
        let p = prefix("pm");
        let n = 30;
        let at = t("2026-03-03 10:00");
        for i in 0..n {
            for side in ["a", "b"] {
                let e = message("2026-03-03 09:00", ContactChannel::Chat, "x", "?");
                l.care_record(&format!("{p}-{side}{i}"), &format!("{p}-{side}{i}"), &e, at)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        let barrier = Arc::new(Barrier::new(n));
        let ids: Vec<u64> = thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let barrier = Arc::clone(&barrier);
                    let p = &p;
                    s.spawn(move || {
                        barrier.wait();
                        let (from, into) = (format!("{p}-b{i}"), format!("{p}-a{i}"));
                        let id = format!("{p}-merge-{i}");
                        // Each request twice: the retry returns the first merge.
                        let first = l
                            .care_merge(&from, &into, Some("op"), Some(&id), at)
                            .unwrap_or_else(|e| panic!("{e}"))
                            .unwrap_or_else(|e| panic!("{e}"));
                        let again = l
                            .care_merge(&from, &into, Some("op"), Some(&id), at)
                            .unwrap_or_else(|e| panic!("{e}"))
                            .unwrap_or_else(|e| panic!("{e}"));
                        assert!(again.replayed);
                        assert_eq!(again.value, first.value);
                        first.value.id
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| panic!("a merging thread panicked"))
                })
                .collect()
        });
        let distinct: BTreeSet<u64> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), n, "merge ids repeat: {ids:?}");
        let ours: Vec<_> = l
            .care_merges()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|m| m.from_case.starts_with(&p))
            .collect();
        assert_eq!(ours.len(), n);
        let roots: Vec<_> = l
            .care_cases()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|h| h.case.case.starts_with(&p))
            .collect();
        assert_eq!(roots.len(), n);
        assert!(roots.iter().all(|h| h.parts.len() == 2));
    }

    #[test]
    fn sqlite_thirty_parallel_merges() {
        let (l, _, dir) = sqlite();
        parallel_merges(&l);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn postgres_thirty_parallel_merges() {
        if let Some((l, _)) = postgres() {
            parallel_merges(&l);
        }
    }

    #[test]
    fn sqlite_merges_join_histories() {
        let (l, _, dir) = sqlite();
        merges_join_histories(&l);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn sqlite_forty_parallel_writers_lose_nothing_and_record_nothing_twice() {
        let (l, _, dir) = sqlite();
        parallel_writers(&l);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn postgres_merges_join_histories() {
        if let Some((l, _)) = postgres() {
            merges_join_histories(&l);
        }
    }

    #[test]
    fn postgres_forty_parallel_writers_lose_nothing_and_record_nothing_twice() {
        if let Some((l, _)) = postgres() {
            parallel_writers(&l);
        }
    }

    /// Four processes of ten writers each on one SQLite file (and on PostgreSQL when set).
    #[test]
    fn four_processes_of_ten_writers_lose_nothing_and_record_nothing_twice() {
        let (_, sqlite_target, dir) = sqlite();
        let mut targets = vec![sqlite_target];
        targets.extend(postgres().map(|x| x.1));
        for target in targets {
            let p = prefix("proc");
            let (procs, writers, per) = (4, 10, 5);
            let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
            let children: Vec<_> = (0..procs)
                .map(|i| {
                    Command::new(&exe)
                        .args([
                            "--ignored",
                            "--exact",
                            "ledger::child_writer",
                            "--nocapture",
                        ])
                        .env("CHEK_CARE_CHILD_DB", &target)
                        .env("CHEK_CARE_CHILD_PREFIX", &p)
                        .env("CHEK_CARE_CHILD_FIRST", (i * writers).to_string())
                        .env("CHEK_CARE_CHILD_WRITERS", writers.to_string())
                        .env("CHEK_CARE_CHILD_TOTAL", (procs * writers).to_string())
                        .env("CHEK_CARE_CHILD_PER", per.to_string())
                        .spawn()
                        .unwrap_or_else(|e| panic!("{e}"))
                })
                .collect();
            for mut c in children {
                let status = c.wait().unwrap_or_else(|e| panic!("{e}"));
                assert!(status.success(), "a writer process failed: {status}");
            }
            let l = Ledger::open(&target).unwrap_or_else(|e| panic!("{e}"));
            check_events(&l, &p, procs * writers, per);
        }
        std::fs::remove_dir_all(dir).ok();
    }

    /// One writer process of the test above (run by it, ignored otherwise).
    #[test]
    #[ignore = "a child process of four_processes_of_ten_writers_…"]
    fn child_writer() {
        let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
        let num = |k: &str| {
            var(k)
                .parse::<usize>()
                .unwrap_or_else(|e| panic!("{k}: {e}"))
        };
        let l = Ledger::open(&var("CHEK_CARE_CHILD_DB")).unwrap_or_else(|e| panic!("{e}"));
        write_events(
            &l,
            &var("CHEK_CARE_CHILD_PREFIX"),
            num("CHEK_CARE_CHILD_FIRST"),
            num("CHEK_CARE_CHILD_WRITERS"),
            num("CHEK_CARE_CHILD_PER"),
            num("CHEK_CARE_CHILD_TOTAL"),
        );
    }
}

/// A due time in a year without a decree table comes with a warning, not silently: the view
/// lists `calendar.not_exact` for that year (and nothing for the exact years 2024–2027).
#[test]
fn sla_beyond_the_exact_calendar_warns() {
    let d = split_desk("first_response_minutes = 120");
    let v = replay(
        &d,
        "c",
        &[msg("2029-03-02 17:30", "?")],
        t("2029-03-02 17:30"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let years: Vec<(String, i32)> = v
        .calendar_warnings
        .iter()
        .map(|w| (w.code.clone(), w.year))
        .collect();
    assert_eq!(years, vec![("calendar.not_exact".to_owned(), 2029)]);
    let json = serde_json::to_value(&v).unwrap_or_default();
    assert_eq!(json["calendar_warnings"][0]["year"], 2029);
    // New Year's Eve 2027 (a day off by decree 1187) into 2028: the due time's year warns.
    let v = replay(
        &d,
        "c",
        &[msg("2027-12-30 17:30", "?")],
        t("2027-12-30 17:30"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        metric(&v.sla, Metric::FirstResponse, 1).breach_at,
        Some(t("2028-01-10 10:30"))
    );
    assert_eq!(
        v.calendar_warnings
            .iter()
            .map(|w| w.year)
            .collect::<Vec<_>>(),
        vec![2028]
    );
    let v = replay(
        &d,
        "c",
        &[msg("2027-05-07 17:00", "?")],
        t("2027-05-07 17:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(v.calendar_warnings.is_empty());
    let json = serde_json::to_value(&v).unwrap_or_default();
    assert!(json.get("calendar_warnings").is_none());
}
