//! The re-check schedule: now, +1 day, +3 days, then an operator; limits and outages spend no
//! attempts.

use chek::fiscal::Receipt;
use chek::verify::{
    Attempt, InvalidReason, NextAction, RecheckPolicy, VerifyOutcome, VerifySegment,
};
use chek::{Coded, Lang};
use chek_tests::fixture;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 9, 17)
        .and_then(|d| d.and_hms_opt(18, 5, 0))
        .unwrap_or_default()
}

fn at(h: TimeDelta, outcome: VerifyOutcome) -> Attempt {
    Attempt {
        at: t0() + h,
        outcome,
    }
}

fn day(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

#[test]
fn default_schedule_is_now_one_day_three_days_then_operator() {
    let p = RecheckPolicy::default();
    let nyk = || VerifyOutcome::NotYetKnown;
    assert_eq!(p.next(&[], t0()), NextAction::RetryAt(t0()));
    let mut h = vec![at(day(0), nyk())];
    assert_eq!(p.next(&h, t0()), NextAction::RetryAt(t0() + day(1)));
    // Asked early: still the planned time, not now.
    assert_eq!(
        p.next(&h, t0() + TimeDelta::hours(5)),
        NextAction::RetryAt(t0() + day(1))
    );
    h.push(at(day(1), nyk()));
    assert_eq!(
        p.next(&h, t0() + day(1)),
        NextAction::RetryAt(t0() + day(3))
    );
    // Late worker: retry at once, not in the past.
    assert_eq!(
        p.next(&h, t0() + day(5)),
        NextAction::RetryAt(t0() + day(5))
    );
    h.push(at(day(3), nyk()));
    assert_eq!(p.next(&h, t0() + day(3)), NextAction::Escalate);
}

#[test]
fn rate_limits_and_outages_do_not_burn_attempts() {
    let p = RecheckPolicy::default();
    let h = vec![
        at(day(0), VerifyOutcome::NotYetKnown),
        at(
            day(1),
            VerifyOutcome::RateLimited {
                retry_after_secs: Some(600),
            },
        ),
    ];
    // Retry after the limit's 10 minutes; the second counted attempt is still to come.
    let next = p.next(&h, t0() + day(1));
    assert_eq!(
        next,
        NextAction::RetryAt(t0() + day(1) + TimeDelta::minutes(10))
    );
    let mut h = h;
    h.push(at(
        day(1) + TimeDelta::minutes(10),
        VerifyOutcome::ProviderUnavailable {
            detail: "HTTP 502".into(),
        },
    ));
    h.push(at(
        day(1) + TimeDelta::minutes(25),
        VerifyOutcome::BadCredentials,
    ));
    h.push(at(
        day(1) + TimeDelta::minutes(40),
        VerifyOutcome::NotYetKnown,
    ));
    // Only two counted attempts so far: the 3-day one is next.
    assert_eq!(
        p.next(&h, t0() + day(1) + TimeDelta::hours(1)),
        NextAction::RetryAt(t0() + day(3))
    );
}

#[test]
fn limits_without_retry_after_use_the_policy_wait_and_an_outage_never_moves_the_schedule_earlier() {
    let p = RecheckPolicy::default();
    let h = vec![
        at(day(0), VerifyOutcome::NotYetKnown),
        at(
            TimeDelta::hours(1),
            VerifyOutcome::ProviderUnavailable {
                detail: "timed out".into(),
            },
        ),
    ];
    // The outage wait (15 min) would be before the 1-day re-check: the re-check wins.
    assert_eq!(
        p.next(&h, t0() + TimeDelta::hours(1)),
        NextAction::RetryAt(t0() + day(1))
    );
    let h = vec![at(
        day(0),
        VerifyOutcome::RateLimited {
            retry_after_secs: None,
        },
    )];
    assert_eq!(
        p.next(&h, t0()),
        NextAction::RetryAt(t0() + p.rate_limit_wait)
    );
}

#[test]
fn a_long_outage_escalates() {
    let p = RecheckPolicy {
        max_free_attempts: 3,
        ..RecheckPolicy::default()
    };
    let down = || VerifyOutcome::ProviderUnavailable {
        detail: "HTTP 500".into(),
    };
    let h: Vec<Attempt> = (0..3).map(|i| at(TimeDelta::hours(i), down())).collect();
    assert_eq!(
        p.next(&h[..2], t0()),
        NextAction::RetryAt(t0() + TimeDelta::hours(1) + p.outage_wait)
    );
    assert_eq!(p.next(&h, t0()), NextAction::Escalate);
}

#[test]
fn final_outcomes_end_the_schedule() {
    let p = RecheckPolicy::default();
    let receipt = Receipt::from_fns_json(&fixture("fns/irkkt-ticket-2023-ozon.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let verified = VerifyOutcome::Verified {
        receipt: Box::new(receipt),
    };
    assert_eq!(p.next(&[at(day(0), verified)], t0()), NextAction::Done);
    for (reason, want) in [
        (InvalidReason::FiscalDataRejected, NextAction::GiveUp),
        (InvalidReason::QrMismatch, NextAction::GiveUp),
        (InvalidReason::StandaloneKkt, NextAction::Escalate),
        (InvalidReason::NotRetrievable, NextAction::Escalate),
    ] {
        let h = [at(day(0), VerifyOutcome::Invalid { reason })];
        assert_eq!(p.next(&h, t0()), want, "{reason:?}");
    }
}

#[test]
fn a_configured_schedule_that_gives_up() {
    let p = RecheckPolicy {
        schedule: vec![TimeDelta::zero(), TimeDelta::hours(2)],
        escalate_when_exhausted: false,
        ..RecheckPolicy::default()
    };
    let h = vec![at(day(0), VerifyOutcome::NotYetKnown)];
    assert_eq!(
        p.next(&h, t0()),
        NextAction::RetryAt(t0() + TimeDelta::hours(2))
    );
    let h = vec![
        at(day(0), VerifyOutcome::NotYetKnown),
        at(TimeDelta::hours(2), VerifyOutcome::NotYetKnown),
    ];
    assert_eq!(p.next(&h, t0()), NextAction::GiveUp);
}

#[test]
fn every_outcome_has_a_segment_code_and_hints() {
    let outcomes = [
        (
            VerifyOutcome::NotYetKnown,
            Some(VerifySegment::NotFoundInFns),
        ),
        (
            VerifyOutcome::Invalid {
                reason: InvalidReason::FiscalDataRejected,
            },
            Some(VerifySegment::Invalid),
        ),
        (
            VerifyOutcome::Invalid {
                reason: InvalidReason::QrMismatch,
            },
            Some(VerifySegment::Invalid),
        ),
        (
            VerifyOutcome::Invalid {
                reason: InvalidReason::StandaloneKkt,
            },
            Some(VerifySegment::AwaitingOperator),
        ),
        (
            VerifyOutcome::Invalid {
                reason: InvalidReason::NotRetrievable,
            },
            Some(VerifySegment::AwaitingOperator),
        ),
        (
            VerifyOutcome::RateLimited {
                retry_after_secs: None,
            },
            Some(VerifySegment::NotFoundInFns),
        ),
        (
            VerifyOutcome::ProviderUnavailable { detail: "x".into() },
            Some(VerifySegment::NotFoundInFns),
        ),
        (
            VerifyOutcome::BadCredentials,
            Some(VerifySegment::NotFoundInFns),
        ),
    ];
    let mut codes = std::collections::HashSet::new();
    for (o, seg) in &outcomes {
        assert_eq!(o.segment(), *seg, "{o:?}");
        assert!(o.code().starts_with("verify."));
        assert!(codes.insert(o.code()), "duplicate code {}", o.code());
        let ru = o.hint(Lang::Ru);
        let en = o.hint(Lang::En);
        assert!(ru.chars().any(|c| ('а'..='я').contains(&c)), "{ru}");
        assert!(en.is_ascii() || en.contains("ФНС"), "{en}");
        assert_ne!(ru, en);
    }
    assert_eq!(VerifySegment::NotFoundInFns.name_ru(), "Не найден в ФНС");
    assert_eq!(VerifySegment::NotFoundInFns.id(), "not_found_in_fns");
    assert_eq!(
        VerifyOutcome::NotYetKnown.hint(Lang::En),
        "ФНС has not received this receipt yet; we will check it again later, no need to send it again."
    );
}

#[test]
fn outcomes_serialise_with_a_tag() {
    let o = VerifyOutcome::RateLimited {
        retry_after_secs: Some(60),
    };
    let v = serde_json::to_value(&o).unwrap_or_default();
    assert_eq!(v["outcome"], "rate_limited");
    assert_eq!(v["retry_after_secs"], 60);
}
