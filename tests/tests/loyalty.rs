//! Loyalty-card activation: every outcome on every channel, the one-to-one invariant under
//! random operation sequences, and hostile text that must never panic.
#![allow(clippy::unwrap_used)]

use chek::engage::loyalty::{
    ActivationRequest, CardNumber, CardStatus, Channel, CheckDigit, Form, Outcome, Phone,
    Programme, REPLY_CODES, Refusal, Registry, apply, extract_card, sms,
};
use chek::{Coded, Lang};
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

const CARD_A: &str = "4600682000013";
const CARD_B: &str = "4600000000015";
const CARD_C: &str = "4600000000022";
const BLOCKED: &str = "4600000000039";
const NOT_ISSUED: &str = "4600000000046";

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

fn card(s: &str) -> CardNumber {
    s.parse().unwrap()
}

fn registry() -> Registry {
    let reg = Registry::default().issue([CARD_A, CARD_B, CARD_C, BLOCKED].map(card));
    reg.block(&card(BLOCKED), now()).0
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

#[test]
fn the_test_cards_are_valid_ean13() {
    for c in [CARD_A, CARD_B, CARD_C, BLOCKED, NOT_ISSUED] {
        assert!(CheckDigit::Gs1.is_valid(c), "{c}");
    }
}

/// Every SMS outcome: code, reply text from the default template, one UCS-2 SMS, and a
/// registry that changed only on success.
#[test]
fn every_sms_outcome() {
    let p = Programme::example();
    let reg = registry();
    let (reg, _) = reg.activate(
        ActivationRequest::from_sms("+79160000001", CARD_B, &p).unwrap(),
        now(),
    );
    let cases: &[(&str, &str, &str)] = &[
        (
            "+79161234567",
            "Карта 4600 6820 0001 3",
            "loyalty.activated",
        ),
        ("8 916 123-45-67", "4600682000013", "loyalty.already_active"),
        ("+79162222222", "4600682000013", "loyalty.card_bound"),
        ("+79160000001", "4600000000022", "loyalty.phone_bound"),
        ("+79163333333", "4600000000039", "loyalty.card_blocked"),
        ("+79163333333", "4600000000046", "loyalty.unknown_card"),
        ("+79163333333", "привет, хочу карту", "loyalty.no_card"),
        (
            "+79163333333",
            "карта 4600000000028",
            "loyalty.bad_check_digit",
        ),
        (
            "+79163333333",
            "4600000000022 или 4600682000013",
            "loyalty.several_cards",
        ),
        ("not a phone", "4600000000022", "loyalty.bad_phone"),
    ];
    let mut reg = reg;
    for (from, text, code) in cases {
        let before = reg.clone();
        let ex = sms(reg, &p, from, text, now(), Lang::Ru);
        assert_eq!(ex.outcome.code(), *code, "{from} {text}");
        if !ex.outcome.is_success() {
            assert_eq!(
                ex.registry, before,
                "a refusal changed the registry: {code}"
            );
        }
        assert!(ex.reply.fits_one, "{code}: {}", ex.reply.text);
        assert!(ex.reply.sms.units <= 70, "{code}: {}", ex.reply.text);
        assert_eq!(ex.reply.sms.segments, 1);
        assert_eq!(ex.reply.code, *code);
        check_hints(code, &ex.outcome.hint(Lang::Ru), &ex.outcome.hint(Lang::En));
        let en = p.reply(&ex.outcome, Lang::En);
        assert!(en.fits_one && en.text.is_ascii(), "{code}: {}", en.text);
        reg = ex.registry;
    }
    assert!(reg.is_consistent());
    let too_long = sms(reg, &p, "+79163333333", &"x".repeat(5000), now(), Lang::Ru);
    assert_eq!(too_long.outcome.code(), "loyalty.too_long");
}

#[test]
fn replies_fill_placeholders() {
    let p = Programme::example();
    let ex = sms(registry(), &p, "+79162222222", CARD_A, now(), Lang::Ru);
    assert_eq!(
        ex.reply.text,
        "Карта *0013 активирована и привязана к номеру. Спасибо!"
    );
    let ex = sms(ex.registry, &p, "+79160000000", CARD_A, now(), Lang::En);
    assert_eq!(
        ex.reply.text,
        "Card *0013 is bound to another number. Please contact support."
    );
    assert_eq!(ex.reply.sms.encoding.as_str(), "gsm7");
}

#[test]
fn a_programme_file_with_its_own_templates() {
    let p = Programme::from_toml(
        r#"
name = "Ромашка"
[[formats]]
name = "Luhn 16"
length = 16
prefix = "4561"
check = "luhn"
[templates.ru]
"loyalty.activated" = "{programme}: карта *{card_last4} активна, номер *{phone_last4}."
"#,
    )
    .unwrap();
    let reg = Registry::default().issue([card("4561261212345467")]);
    let ex = sms(
        reg,
        &p,
        "+79161234567",
        "4561 2612 1234 5467",
        now(),
        Lang::Ru,
    );
    assert_eq!(ex.reply.text, "Ромашка: карта *5467 активна, номер *4567.");
    // Every code has a reply and all fit one SMS at their longest.
    let checks = p.check_replies();
    assert_eq!(checks.len(), 2 * REPLY_CODES.len());
    assert!(checks.iter().all(|c| c.fits_one));
    for bad in [
        "name = \"x\"\nformats = []",
        "name = \"x\"\n[[formats]]\nname = \"f\"\nlength = 30",
        "name = \"x\"\n[[formats]]\nname = \"f\"\nlength = 13\nprefix = \"4x\"",
        "name = \"x\"\n[[formats]]\nname = \"f\"\nlength = 13\n[templates.ru]\n\"loyalty.activated\" = \"{oops}\"",
        "name = \"x\"\nsurprise = 1\n[[formats]]\nname = \"f\"\nlength = 13",
    ] {
        let e = Programme::from_toml(bad).unwrap_err();
        assert!(e.code().starts_with("loyalty."), "{bad}");
        check_hints(e.code(), &e.hint(Lang::Ru), &e.hint(Lang::En));
    }
}

#[test]
fn the_other_channels() {
    let p = Programme::example();
    let mut form = Form {
        card: "4600-6820-0001-3".into(),
        phone: "8 (916) 123-45-67".into(),
        ..Form::default()
    };
    form.fields.insert("name".into(), "Анна".into());

    // Operator keys a paper form.
    let ex = apply(
        registry(),
        &p,
        ActivationRequest::from_form(&form, "op-1", &p),
        now(),
        Lang::Ru,
    );
    assert_eq!(ex.outcome.code(), "loyalty.activated");
    let rec = ex.registry.card(&card(CARD_A)).unwrap();
    assert_eq!(rec.profile.get("name").map(String::as_str), Some("Анна"));
    assert!(matches!(rec.channel, Some(Channel::OperatorForm { .. })));

    // SMS + form: the phone is the SMS sender, not the form's.
    let req = ActivationRequest::from_sms_and_form("+79995554433", &form, &p).unwrap();
    assert_eq!(req.phone.as_str(), "+79995554433");
    assert_eq!(req.channel, Channel::SmsForm);

    // Website account API.
    let ex = apply(
        registry(),
        &p,
        ActivationRequest::from_website("acc-9", CARD_C, "+7 999 111 22 33", &p),
        now(),
        Lang::Ru,
    );
    assert_eq!(ex.outcome.code(), "loyalty.activated");

    // A form with a typo in the card, or a missing phone.
    let typo = Form {
        card: "4600682000014".into(),
        phone: "+79161234567".into(),
        ..Form::default()
    };
    assert!(matches!(
        ActivationRequest::from_form(&typo, "op-1", &p),
        Err(Refusal::BadCheckDigit { .. })
    ));
    let no_phone = Form {
        card: CARD_A.into(),
        ..Form::default()
    };
    assert!(matches!(
        ActivationRequest::from_form(&no_phone, "op-1", &p),
        Err(Refusal::BadPhone { .. })
    ));
    let mut huge = form.clone();
    huge.fields.insert("note".into(), "я".repeat(1000));
    assert!(matches!(
        ActivationRequest::from_form(&huge, "op-1", &p),
        Err(Refusal::TooLong { .. })
    ));
}

/// The seed's order: the client texts the card first, then fills in the web form (SMS + form).
/// The form completes the profile of the active card instead of answering `already_active` and
/// dropping the name and birthday (#22).
#[test]
fn sms_then_form_completes_the_profile() {
    let p = Programme::example();
    let ex = sms(registry(), &p, "8 916 123-45-67", CARD_A, now(), Lang::Ru);
    assert_eq!(ex.outcome.code(), "loyalty.activated");
    let mut form = Form {
        card: CARD_A.into(),
        ..Form::default()
    };
    form.fields.insert("name".into(), "Анна Петрова".into());
    form.fields.insert("birthday".into(), "1990-05-17".into());
    let ex = apply(
        ex.registry,
        &p,
        ActivationRequest::from_sms_and_form("+79161234567", &form, &p),
        now(),
        Lang::Ru,
    );
    assert_eq!(ex.outcome.code(), "loyalty.profile_completed");
    assert!(ex.outcome.is_success());
    assert!(matches!(
        &ex.outcome,
        Outcome::ProfileCompleted { fields, .. } if fields == &["birthday", "name"]
    ));
    assert_eq!(
        ex.reply.text,
        "Карта *0013: данные анкеты сохранены. Спасибо!"
    );
    assert_eq!(ex.reply.sms.segments, 1);
    let rec = ex.registry.card(&card(CARD_A)).unwrap();
    assert_eq!(rec.status, CardStatus::Active);
    assert_eq!(
        rec.profile.get("name").map(String::as_str),
        Some("Анна Петрова")
    );
    assert_eq!(
        rec.profile.get("birthday").map(String::as_str),
        Some("1990-05-17")
    );
    check_hints(
        ex.outcome.code(),
        &ex.outcome.hint(Lang::Ru),
        &ex.outcome.hint(Lang::En),
    );

    // The same form again changes nothing: already active.
    let ex = apply(
        ex.registry,
        &p,
        ActivationRequest::from_sms_and_form("+79161234567", &form, &p),
        now(),
        Lang::Ru,
    );
    assert_eq!(ex.outcome.code(), "loyalty.already_active");

    // A later form adds a field and corrects one; the others stay (merged, not replaced).
    let mut more = Form {
        card: CARD_A.into(),
        phone: "+7 916 123-45-67".into(),
        ..Form::default()
    };
    more.fields.insert("name".into(), "Анна Сидорова".into());
    more.fields.insert("email".into(), "anna@example.ru".into());
    let ex = apply(
        ex.registry,
        &p,
        ActivationRequest::from_website("acc-1", CARD_A, "+79161234567", &p).map(|mut r| {
            r.profile = more.fields.clone();
            r
        }),
        now(),
        Lang::Ru,
    );
    assert!(matches!(
        &ex.outcome,
        Outcome::ProfileCompleted { fields, .. } if fields == &["email", "name"]
    ));
    let rec = ex.registry.card(&card(CARD_A)).unwrap();
    assert_eq!(rec.profile.len(), 3);
    assert_eq!(rec.profile["name"], "Анна Сидорова");
    assert_eq!(rec.profile["birthday"], "1990-05-17");

    // Another phone's form for the card is still refused, and the profile is untouched.
    let other = ActivationRequest::from_form(
        &Form {
            phone: "+79990000000".into(),
            ..more
        },
        "op-1",
        &p,
    )
    .unwrap();
    let (reg, out) = ex.registry.activate(other, now());
    assert_eq!(out.code(), "loyalty.card_bound");
    assert_eq!(reg.card(&card(CARD_A)).unwrap().profile.len(), 3);
}

#[test]
fn till_with_and_without_rights() {
    let p = Programme::example();
    let with = ActivationRequest::from_till("k-1", true, CARD_A, "+79161234567", &p).unwrap();
    let (_, out) = registry().activate(with, now());
    assert_eq!(out.code(), "loyalty.activated");

    let without = ActivationRequest::from_till("k-2", false, CARD_A, "+79161234567", &p).unwrap();
    let (reg, out) = registry().activate(without.clone(), now());
    assert_eq!(out.code(), "loyalty.pending");
    assert_eq!(reg.card(&card(CARD_A)).unwrap().status, CardStatus::Pending);
    assert_eq!(p.reply(&out, Lang::Ru).sms.segments, 1);

    // While pending the phone and the card are reserved.
    let (reg, out) = reg.activate(without, now());
    assert_eq!(out.code(), "loyalty.awaiting_confirmation");
    let other_card = ActivationRequest::from_sms("+79161234567", CARD_C, &p).unwrap();
    let (reg, out) = reg.activate(other_card, now());
    assert_eq!(out.code(), "loyalty.phone_bound");
    let other_phone = ActivationRequest::from_sms("+79990000000", CARD_A, &p).unwrap();
    let (reg, out) = reg.activate(other_phone, now());
    assert_eq!(out.code(), "loyalty.card_bound");

    // An operator confirms: active; confirming again is refused.
    let (confirmed, out) = reg.clone().confirm(&card(CARD_A), "op-1", now());
    assert_eq!(out.code(), "loyalty.confirmed");
    assert_eq!(
        confirmed.card(&card(CARD_A)).unwrap().status,
        CardStatus::Active
    );
    let (_, out) = confirmed.confirm(&card(CARD_A), "op-1", now());
    assert_eq!(out.code(), "loyalty.not_pending");

    // Or rejects: the phone is free again.
    let (rejected, out) = reg.reject(&card(CARD_A), "op-1", now());
    assert_eq!(out.code(), "loyalty.rejected");
    assert_eq!(
        rejected.card_of(&"+79161234567".parse::<Phone>().unwrap()),
        None
    );
    let (_, out) = rejected.activate(
        ActivationRequest::from_sms("+79161234567", CARD_C, &p).unwrap(),
        now(),
    );
    assert_eq!(out.code(), "loyalty.activated");

    // The client's own SMS from the reserved phone does not take the operator's decision
    // (#22): the card stays pending until confirmed. Neither does the website nor SMS + form.
    let without = ActivationRequest::from_till("k-2", false, CARD_A, "+79161234567", &p).unwrap();
    let (reg, _) = registry().activate(without, now());
    let (reg, out) = reg.activate(
        ActivationRequest::from_sms("+79161234567", CARD_A, &p).unwrap(),
        now(),
    );
    assert_eq!(out.code(), "loyalty.awaiting_confirmation");
    assert_eq!(reg.card(&card(CARD_A)).unwrap().status, CardStatus::Pending);
    let (reg, out) = reg.activate(
        ActivationRequest::from_website("acc-1", CARD_A, "+79161234567", &p).unwrap(),
        now(),
    );
    assert_eq!(out.code(), "loyalty.awaiting_confirmation");
    let form = Form {
        card: CARD_A.into(),
        ..Form::default()
    };
    let (reg, out) = reg.activate(
        ActivationRequest::from_sms_and_form("+79161234567", &form, &p).unwrap(),
        now(),
    );
    assert_eq!(out.code(), "loyalty.awaiting_confirmation");
    assert_eq!(reg.card(&card(CARD_A)).unwrap().status, CardStatus::Pending);
    // A cashier with the right, or an operator's form, may activate it.
    let (_, out) = reg.clone().activate(
        ActivationRequest::from_till("k-1", true, CARD_A, "+79161234567", &p).unwrap(),
        now(),
    );
    assert_eq!(out.code(), "loyalty.activated");
    let form = Form {
        card: CARD_A.into(),
        phone: "+79161234567".into(),
        ..Form::default()
    };
    let (reg, out) = reg.activate(
        ActivationRequest::from_form(&form, "op-1", &p).unwrap(),
        now(),
    );
    assert_eq!(out.code(), "loyalty.activated");
    assert_eq!(reg.card(&card(CARD_A)).unwrap().status, CardStatus::Active);

    // Unknown cards for operator actions.
    let (_, out) = registry().confirm(&card(NOT_ISSUED), "op", now());
    assert_eq!(out.code(), "loyalty.unknown_card");
}

#[test]
fn state_round_trips_and_refuses_a_broken_file() {
    let p = Programme::example();
    let ex = sms(registry(), &p, "+79161234567", CARD_A, now(), Lang::Ru);
    let json = serde_json::to_string(&ex.registry).unwrap();
    let back: Registry = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ex.registry);
    assert!(back.is_consistent());
    // Two cards claiming one phone: refused at load.
    let broken = json.replace(
        &format!("\"{CARD_B}\":{{\"status\":\"issued\"}}"),
        &format!("\"{CARD_B}\":{{\"status\":\"active\",\"phone\":\"+79161234567\"}}"),
    );
    assert_ne!(broken, json, "the edit applied");
    assert!(serde_json::from_str::<Registry>(&broken).is_err());
}

#[test]
fn outcome_json_shape() {
    let p = Programme::example();
    let ex = sms(registry(), &p, "+79161234567", CARD_A, now(), Lang::Ru);
    let v = serde_json::to_value(&ex.outcome).unwrap();
    assert_eq!(v["status"], "activated");
    assert_eq!(v["card"], CARD_A);
    let refused: Outcome = Refusal::NoCardNumber.into();
    let v = serde_json::to_value(&refused).unwrap();
    assert_eq!(v["status"], "refused");
    assert_eq!(v["reason"], "no_card_number");
}

#[derive(Debug, Clone)]
enum Op {
    Sms(usize, usize),
    Till(usize, usize, bool),
    Confirm(usize),
    Reject(usize),
    Block(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..6usize, 0..5usize).prop_map(|(c, p)| Op::Sms(c, p)),
        (0..6usize, 0..5usize, any::<bool>()).prop_map(|(c, p, r)| Op::Till(c, p, r)),
        (0..6usize).prop_map(Op::Confirm),
        (0..6usize).prop_map(Op::Reject),
        (0..6usize).prop_map(Op::Block),
    ]
}

const CARDS: [&str; 6] = [CARD_A, CARD_B, CARD_C, BLOCKED, NOT_ISSUED, "4600000000053"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever happens, one phone is bound to at most one card and vice versa, the index
    /// agrees with the records, and a refusal never changes the registry.
    #[test]
    fn phone_and_card_stay_one_to_one(ops in prop::collection::vec(op(), 1..40)) {
        let p = Programme::example();
        let phones: Vec<String> = (0..5).map(|i| format!("+7916000000{i}")).collect();
        let mut reg = Registry::default().issue(CARDS[..4].iter().map(|c| card(c)));
        for o in ops {
            let before = reg.clone();
            let (next, out) = match o {
                Op::Sms(c, ph) => reg.activate(ActivationRequest::from_sms(&phones[ph], CARDS[c], &p).unwrap(), now()),
                Op::Till(c, ph, r) => reg.activate(ActivationRequest::from_till("k", r, CARDS[c], &phones[ph], &p).unwrap(), now()),
                Op::Confirm(c) => reg.confirm(&card(CARDS[c]), "op", now()),
                Op::Reject(c) => reg.reject(&card(CARDS[c]), "op", now()),
                Op::Block(c) => reg.block(&card(CARDS[c]), now()),
            };
            if !out.is_success() {
                prop_assert_eq!(&next, &before);
            }
            prop_assert!(next.is_consistent());
            let mut seen = std::collections::BTreeSet::new();
            for (_, rec) in next.cards() {
                if let Some(ph) = &rec.phone {
                    prop_assert!(seen.insert(ph.clone()), "phone {} bound twice", ph);
                }
            }
            let json = serde_json::to_string(&next).unwrap();
            prop_assert_eq!(&serde_json::from_str::<Registry>(&json).unwrap(), &next);
            reg = next;
        }
    }

    /// Any text, any sender: a typed outcome and a reply, never a panic.
    #[test]
    fn hostile_sms_never_panics(from in ".{0,40}", text in ".{0,600}") {
        let p = Programme::example();
        let ex = sms(registry(), &p, &from, &text, now(), Lang::Ru);
        prop_assert!(!ex.reply.text.is_empty());
        prop_assert!(ex.reply.code.starts_with("loyalty."));
    }

    /// Digits with separators and noise around them still read when one card is in the text.
    #[test]
    fn the_card_reads_through_noise(
        before in "[a-zA-Zа-яА-Я ,.!?]{0,30}",
        after in "[a-zA-Zа-яА-Я ,.!?]{0,30}",
        sep in prop::sample::select(vec!["", " ", "-", "  ", "\u{a0}"]),
    ) {
        let p = Programme::example();
        let text = format!("{before} 4600{sep}6820{sep}0001{sep}3 {after}");
        prop_assert_eq!(extract_card(&text, &p.formats).map(String::from), Ok(CARD_A.to_owned()));
    }
}

#[test]
fn ten_megabytes_of_anything_is_refused_quickly() {
    let p = Programme::example();
    for text in [
        "4".repeat(10 << 20),
        "😀".repeat(3 << 20),
        "\u{202e}".repeat(4 << 20),
        String::from_utf8_lossy(&(0..=255u8).cycle().take(10 << 20).collect::<Vec<_>>())
            .into_owned(),
    ] {
        let ex = sms(registry(), &p, "+79161234567", &text, now(), Lang::Ru);
        assert_eq!(ex.outcome.code(), "loyalty.too_long");
    }
    let ex = sms(
        registry(),
        &p,
        &"8".repeat(10 << 20),
        CARD_A,
        now(),
        Lang::Ru,
    );
    assert_eq!(ex.outcome.code(), "loyalty.bad_phone");
    // Right at the limit: scanned, bounded, typed.
    let near = format!("{} 4600682000013", "1 2-".repeat(1020));
    let ex = sms(registry(), &p, "+79161234567", &near, now(), Lang::Ru);
    assert!(ex.outcome.code().starts_with("loyalty."));
}
