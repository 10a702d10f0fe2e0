//! Rating → review → bonus: both modes above and below the threshold, click once, bonus once at
//! the next visit, sticky A/B assignment and the report, hostile input.
#![allow(clippy::unwrap_used)]

use chek::engage::feedback::{
    AbEvents, BonusReason, Experiment, FeedbackError, FeedbackState, Mode, PolicyRisk, Response,
    Survey, TOKEN_CHARS, TokenInfo, Variant, sign_token, sign_token_v1,
};
use chek::{Coded, Lang};
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

const KEY: &[u8] = b"test-secret-key-32-bytes-long!!!";

fn at(h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

fn survey(mode: Mode) -> Survey {
    Survey {
        id: "after-visit".into(),
        criteria: vec!["Вкус".into(), "Сервис".into(), "Чистота".into()],
        threshold: 8,
        mode,
        bonus_points: 100,
        review_url: "https://r.example/r/".into(),
        experiment: None,
    }
}

fn resp(id: &str, client: &str, scores: [u8; 3]) -> Response {
    Response {
        id: id.into(),
        client: client.into(),
        scores: scores.to_vec(),
    }
}

#[test]
fn compliant_invites_everyone_and_rewards_the_answer() {
    let s = survey(Mode::Compliant);
    let st = FeedbackState::default();
    let (st, high) = st
        .answer(&s, KEY, &resp("r1", "anna", [9, 9, 8]), at(10))
        .unwrap();
    let (st, low) = st
        .answer(&s, KEY, &resp("r2", "boris", [3, 5, 4]), at(10))
        .unwrap();
    assert!(high.rating.satisfied && !high.follow_up);
    assert!(!low.rating.satisfied && low.follow_up);
    assert_eq!(low.rating.average, 4.0);
    for out in [&high, &low] {
        let inv = out.invitation.as_ref().unwrap();
        assert!(inv.link.starts_with("https://r.example/r/"));
        assert!(inv.message.contains(&inv.link));
        let b = out.bonus.as_ref().unwrap();
        assert_eq!((b.reason, b.points), (BonusReason::SurveyAnswer, 100));
        assert!(out.warnings.is_empty());
    }
    // The click earns nothing in compliant mode.
    let token = low.invitation.unwrap().token;
    let (st, click) = st.click(&s, KEY, &token, at(11)).unwrap();
    assert!(click.first && click.bonus.is_none());
    assert_eq!(st.bonuses().len(), 2);
}

#[test]
fn gated_mode_warns_asks_only_the_satisfied_and_rewards_the_click() {
    let s = survey(Mode::Gated);
    assert_eq!(
        s.policy_risks(),
        vec![PolicyRisk::ReviewGating, PolicyRisk::ReviewIncentive]
    );
    let (st, low) = FeedbackState::default()
        .answer(&s, KEY, &resp("r1", "boris", [7, 8, 8]), at(10))
        .unwrap();
    assert!(low.invitation.is_none() && low.bonus.is_none() && low.follow_up);
    assert_eq!(low.warnings.len(), 2);
    let (st, high) = st
        .answer(&s, KEY, &resp("r2", "anna", [8, 8, 8]), at(10))
        .unwrap();
    assert!(high.bonus.is_none(), "gated: no bonus for the answer");
    let token = high.invitation.unwrap().token;
    let (st, click) = st.click(&s, KEY, &token, at(11)).unwrap();
    assert_eq!(click.bonus.unwrap().reason, BonusReason::ReviewClick);
    assert_eq!(click.warnings.len(), 2);
    for w in &click.warnings {
        assert!(w.code().starts_with("feedback."));
        assert!(w.hint(Lang::Ru).contains("Внимание"));
        assert!(w.hint(Lang::En).contains("Warning"));
    }
    // The second click is recorded as not first and grants nothing.
    let (st, again) = st.click(&s, KEY, &token, at(12)).unwrap();
    assert!(!again.first && again.bonus.is_none());
    assert_eq!(again.clicked_at, at(11));
    assert_eq!(st.bonuses().len(), 1);
    // A token for the uninvited answer cannot be made without the key, and with it is unknown.
    let forged = sign_token(KEY, &s.id, 1).unwrap();
    assert_eq!(
        st.click(&s, KEY, &forged, at(12)).unwrap_err(),
        FeedbackError::UnknownToken
    );
}

/// A host or a mail client appends `?utm_source=…` (or a fragment) to the review link: the
/// click still counts (#22).
#[test]
fn a_link_with_extra_query_parameters_is_accepted() {
    let s = survey(Mode::Compliant);
    let (st, out) = FeedbackState::default()
        .answer(&s, KEY, &resp("r1", "anna", [9, 9, 8]), at(10))
        .unwrap();
    let link = out.invitation.unwrap().link;
    let tagged = format!("{link}?utm_source=sms&utm_campaign=nov#reviews");
    let (st, click) = st.click(&s, KEY, &tagged, at(11)).unwrap();
    assert!(click.first);
    assert_eq!(click.client, "anna");
    // Clicking it again, tagged otherwise, is the same answer's second click.
    let (_, again) = st.click(&s, KEY, &format!("{link}#top"), at(12)).unwrap();
    assert!(!again.first);
    assert_eq!(TokenInfo::parse(&tagged).unwrap().seq, 1);
}

/// The token is at most 22 characters (20), so an invitation with its link is one SMS (#22: 50
/// hex characters made every invitation two); links sent before keep working.
#[test]
fn short_tokens_make_one_sms_invitations_and_old_links_still_open() {
    let path = chek_tests::repo_dir().join("examples/engage/survey.toml");
    let s = Survey::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(s.review_url, "https://r.example.ru/r/");
    let mut st = FeedbackState::default();
    let mut variants = std::collections::BTreeSet::new();
    for i in 1..=50u32 {
        let (next, out) = st
            .answer(
                &s,
                KEY,
                &resp(&format!("r{i}"), &format!("c{i}"), [9, 9, 9]),
                at(10),
            )
            .unwrap();
        let inv = out.invitation.unwrap();
        assert!(
            inv.token.len() <= 22 && inv.token.len() == TOKEN_CHARS,
            "{}",
            inv.token
        );
        assert_eq!(inv.sms.segments, 1, "{}: {:?}", inv.message, inv.sms);
        assert!(inv.sms.units <= 70, "{}", inv.message);
        variants.insert(inv.variant.unwrap());
        st = next;
    }
    assert_eq!(variants.len(), 2, "both wordings were sent");
    // A version-1 link (50 hex) of answer 3 still opens the same answer.
    let old = format!(
        "https://r.example.ru/r/{}",
        sign_token_v1(KEY, &s.id, 3).unwrap()
    );
    let (_, click) = st.click(&s, KEY, &old, at(11)).unwrap();
    assert_eq!((click.seq, click.client.as_str()), (3, "c3"));
}

/// `review_url` goes to clients: only http and https (#22: `javascript:` was accepted).
#[test]
fn review_url_must_be_http_or_https() {
    for bad in [
        "javascript:alert(1)//",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "https://r.example/#",
    ] {
        let text = format!("id = \"s\"\ncriteria = [\"a\"]\nreview_url = \"{bad}\"\n");
        let e = Survey::from_toml(&text).unwrap_err();
        assert_eq!(e.code(), "feedback.bad_survey", "{bad}");
        assert!(e.to_string().contains("review_url"), "{bad}: {e}");
    }
}

/// `anna,2`, `anna;1`, `yes/да` were counted silently as not converted and a client twice
/// (#22): each is an error with its line, and a client is one exposure, converted if any.
#[test]
fn ab_events_are_strict_and_count_each_client_once() {
    let e = Experiment {
        name: "x".into(),
        variants: vec![
            Variant {
                name: "A".into(),
                weight: 1,
                message: String::new(),
            },
            Variant {
                name: "B".into(),
                weight: 1,
                message: String::new(),
            },
        ],
    };
    let err = AbEvents::parse_csv("client,converted\nanna,2\nanna;1\nboris,yes/да\nvera,1\n")
        .unwrap_err();
    assert_eq!(err.code(), "feedback.bad_events");
    let msg = err.to_string();
    for needle in ["line 2", "line 3", "line 4", "\"2\"", "';'", "yes/да"] {
        assert!(msg.contains(needle), "{needle}: {msg}");
    }
    assert!(!msg.contains("line 5"), "{msg}");
    assert!(err.hint(Lang::Ru).contains("строки") && err.hint(Lang::En).contains("line"));

    let ev = AbEvents::parse_csv("anna,0\nanna,1\nanna,0\nboris,0\n").unwrap();
    let r = ev.report(&e).unwrap();
    let exposed: u64 = r.variants.iter().map(|v| v.exposed).sum();
    let converted: u64 = r.variants.iter().map(|v| v.converted).sum();
    assert_eq!((exposed, converted), (2, 1));
}

#[test]
fn bonus_is_applied_once_at_the_next_visit() {
    let s = survey(Mode::Compliant);
    let (st, _) = FeedbackState::default()
        .answer(&s, KEY, &resp("r1", "anna", [9, 9, 9]), at(10))
        .unwrap();
    // Not at a visit before (or at) the grant.
    let (st, v) = st.visit("anna", "v0", at(9)).unwrap();
    assert_eq!(v.points, 0);
    let (st, v) = st.visit("anna", "v1", at(12)).unwrap();
    assert_eq!((v.points, v.applied.len(), v.repeated), (100, 1, false));
    // A retried visit returns the same, applying nothing again.
    let (st, v) = st.visit("anna", "v1", at(12)).unwrap();
    assert_eq!((v.points, v.repeated), (100, true));
    let (st, v) = st.visit("anna", "v2", at(13)).unwrap();
    assert_eq!(v.points, 0);
    // Another client's visit does not touch it.
    let (st, v) = st.visit("boris", "v9", at(14)).unwrap();
    assert_eq!(v.points, 0);
    assert_eq!(st.pending_bonuses("anna").count(), 0);
    assert_eq!(st.bonuses()[0].applied_visit.as_deref(), Some("v1"));
}

#[test]
fn repeated_answers_grant_once_and_conflicts_are_refused() {
    let s = survey(Mode::Compliant);
    let r = resp("r1", "anna", [9, 9, 9]);
    let (st, first) = FeedbackState::default()
        .answer(&s, KEY, &r, at(10))
        .unwrap();
    let (st, again) = st.answer(&s, KEY, &r, at(11)).unwrap();
    assert!(again.repeated);
    assert_eq!(
        again.invitation.as_ref().unwrap().token,
        first.invitation.as_ref().unwrap().token
    );
    assert_eq!(st.bonuses().len(), 1);
    let e = st
        .clone()
        .answer(&s, KEY, &resp("r1", "anna", [1, 1, 1]), at(11))
        .unwrap_err();
    assert_eq!(e.code(), "feedback.conflicting_response");
}

#[test]
fn tokens_do_not_cross_surveys_or_keys() {
    let s = survey(Mode::Compliant);
    let (st, out) = FeedbackState::default()
        .answer(&s, KEY, &resp("r1", "anna", [9, 9, 9]), at(10))
        .unwrap();
    let token = out.invitation.unwrap().token;
    let mut other = survey(Mode::Compliant);
    other.id = "other".into();
    assert_eq!(
        st.clone().click(&other, KEY, &token, at(11)).unwrap_err(),
        FeedbackError::BadToken
    );
    assert_eq!(
        st.clone()
            .click(&s, b"another-key-of-enough-bytes", &token, at(11))
            .unwrap_err(),
        FeedbackError::BadToken
    );
    // The state lost the answer (a fresh state): signed, but unknown.
    assert_eq!(
        FeedbackState::default()
            .click(&s, KEY, &token, at(11))
            .unwrap_err(),
        FeedbackError::UnknownToken
    );
}

#[test]
fn every_error_code_has_hints() {
    let s = survey(Mode::Compliant);
    let st = FeedbackState::default();
    let cases: Vec<(&str, FeedbackError)> = vec![
        (
            "feedback.bad_scores",
            st.clone()
                .answer(&s, KEY, &resp("r", "c", [0, 5, 5]), at(1))
                .unwrap_err(),
        ),
        (
            "feedback.bad_id",
            st.clone()
                .answer(&s, KEY, &resp("r", "", [5, 5, 5]), at(1))
                .unwrap_err(),
        ),
        (
            "feedback.weak_key",
            st.clone()
                .answer(&s, b"short", &resp("r", "c", [5, 5, 5]), at(1))
                .unwrap_err(),
        ),
        (
            "feedback.bad_token",
            st.clone().click(&s, KEY, "nope", at(1)).unwrap_err(),
        ),
        (
            "feedback.bad_survey",
            Survey::from_toml("id = \"x\"\ncriteria = []\nreview_url = \"u\"").unwrap_err(),
        ),
        (
            "feedback.bad_experiment",
            Experiment {
                name: "e".into(),
                variants: vec![],
            }
            .check()
            .unwrap_err(),
        ),
        (
            "feedback.bad_state",
            serde_json::from_str::<FeedbackState>(
                r#"{"bonuses":[{"response_seq":5,"client":"x","reason":"survey_answer","points":1,"granted_at":"2026-11-23T10:00:00"}]}"#,
            )
            .map(|_| ())
            .map_err(|e| FeedbackError::BadState(e.to_string()))
            .unwrap_err(),
        ),
    ];
    for (code, e) in cases {
        assert_eq!(e.code(), code);
        let (ru, en) = (e.hint(Lang::Ru), e.hint(Lang::En));
        assert!(
            ru.chars().count() > 15 && en.len() > 15 && ru != en,
            "{code}"
        );
    }
}

fn experiment() -> Experiment {
    Experiment {
        name: "invite-wording".into(),
        variants: vec![
            Variant {
                name: "A".into(),
                weight: 1,
                message: "Спасибо! Отзыв: {link}".into(),
            },
            Variant {
                name: "B".into(),
                weight: 1,
                message: "Нам важно ваше мнение — оставьте отзыв: {link}".into(),
            },
        ],
    }
}

#[test]
fn ab_assignment_is_sticky_and_reported() {
    let mut s = survey(Mode::Compliant);
    s.experiment = Some(experiment());
    let mut st = FeedbackState::default();
    let mut tokens = Vec::new();
    for i in 0..200 {
        let client = format!("c{i}");
        let (next, out) = st
            .answer(&s, KEY, &resp(&format!("r{i}"), &client, [9, 9, 9]), at(10))
            .unwrap();
        let inv = out.invitation.unwrap();
        let v = inv.variant.clone().unwrap();
        assert!(
            inv.message
                .starts_with(if v == "A" { "Спасибо" } else { "Нам" })
        );
        assert!(inv.sms.segments >= 1);
        tokens.push((client, v, inv.token));
        st = next;
    }
    // Clicks: every A client, every third B client.
    for (i, (_, v, t)) in tokens.iter().enumerate() {
        if v == "A" || i % 3 == 0 {
            st = st.click(&s, KEY, t, at(11)).unwrap().0;
        }
    }
    let r = st.ab_report(&experiment());
    assert_eq!(r.variants.len(), 2);
    let (a, b) = (&r.variants[0], &r.variants[1]);
    assert_eq!(a.exposed + b.exposed, 200);
    assert!((70..=130).contains(&a.exposed), "{}", a.exposed);
    assert_eq!(a.converted, a.exposed);
    assert!(b.rate < 0.5 && b.ci_low < b.rate && b.rate < b.ci_high);
    assert!(a.ci_high <= 1.0 && a.ci_low > 0.9);

    // Sticky: the weights change, a client already exposed keeps their variant.
    let mut heavier = experiment();
    heavier.variants[1].weight = 1000;
    s.experiment = Some(heavier.clone());
    let (client, v, _) = tokens.iter().find(|(_, v, _)| v == "A").unwrap();
    assert_eq!(
        heavier.assign(client).unwrap().name,
        "B",
        "the new weights alone would move them"
    );
    let (_, out) = st
        .answer(&s, KEY, &resp("later", client, [9, 9, 9]), at(12))
        .unwrap();
    assert_eq!(out.invitation.unwrap().variant.as_deref(), Some(v.as_str()));
}

#[test]
fn state_round_trips() {
    let mut s = survey(Mode::Gated);
    s.experiment = Some(experiment());
    let (st, out) = FeedbackState::default()
        .answer(&s, KEY, &resp("r1", "anna", [9, 9, 9]), at(10))
        .unwrap();
    let (st, _) = st
        .click(&s, KEY, &out.invitation.unwrap().token, at(11))
        .unwrap();
    let json = serde_json::to_string(&st).unwrap();
    let back: FeedbackState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, st);
    // The index is rebuilt: a repeat is still a repeat after reload.
    let (_, again) = back
        .answer(&s, KEY, &resp("r1", "anna", [9, 9, 9]), at(12))
        .unwrap();
    assert!(again.repeated);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hostile ids, scores and tokens: typed errors, never a panic.
    #[test]
    fn hostile_input_never_panics(
        id in ".{0,300}",
        client in ".{0,300}",
        scores in prop::collection::vec(any::<u8>(), 0..30),
        token in ".{0,120}",
    ) {
        let s = survey(Mode::Compliant);
        let r = Response { id, client, scores };
        let st = FeedbackState::default();
        let _ = st.clone().answer(&s, KEY, &r, at(10));
        let _ = st.clone().click(&s, KEY, &token, at(10));
        let _ = st.visit(&r.client, &r.id, at(10));
    }

    /// The average is decided on integers: satisfied exactly when sum ≥ 8 × n.
    #[test]
    fn threshold_on_integers(scores in prop::collection::vec(1u8..=10, 1..20)) {
        let mut s = survey(Mode::Compliant);
        s.criteria = (0..scores.len()).map(|i| format!("c{i}")).collect();
        let r = s.rate(&scores).unwrap();
        let sum: u32 = scores.iter().map(|&x| u32::from(x)).sum();
        prop_assert_eq!(r.satisfied, sum >= 8 * scores.len() as u32);
        prop_assert!((1.0..=10.0).contains(&r.average));
    }
}
