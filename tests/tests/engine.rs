//! The engine end to end on an in-memory ledger: every input kind, offline labelling,
//! verification with a scripted provider, re-checks on the policy, conflicts, draws.

use std::sync::Mutex;

use chek::campaign::Campaign;
use chek::engine::{
    DrawCommitment, DrawRequest, Engine, Input, OutcomeStatus, ReasonKind, Submission, Verification,
};
use chek::fiscal::{FiscalQr, Receipt};
use chek::store::Ledger;
use chek::verify::{InvalidReason, RecheckPolicy, Verifier, VerifyOutcome};
use chek::{Coded, Lang};
use chek_tests::repo_dir;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

const CAMPAIGN: &str = r#"
id = "t"
name = "Тест"
[when]
start = "2026-11-01"
end = "2026-11-30"
upload_deadline = "2026-12-05T23:59:59"
[what]
min_total = "300"
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
"#;

const QR: &str = "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1";

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap_or_default()
}

fn campaign(require_verification: bool) -> Campaign {
    let toml = if require_verification {
        CAMPAIGN.to_owned()
    } else {
        CAMPAIGN.replace("[what]", "[what]\nrequire_verification = false")
    };
    Campaign::from_toml(&toml).unwrap_or_else(|e| panic!("{e}"))
}

fn offline() -> Engine {
    Engine::new(
        campaign(false),
        Ledger::open(":memory:").unwrap_or_else(|e| panic!("{e}")),
        Verification::Offline,
        RecheckPolicy::default(),
    )
}

fn sub(p: &str, input: Input) -> Submission {
    Submission::new(p, input).received_at(now())
}

fn qr(s: &str) -> Input {
    Input::QrText(s.into())
}

/// A provider that answers from a script, one answer per call, then repeats the last.
struct Scripted {
    answers: Mutex<Vec<VerifyOutcome>>,
    calls: Mutex<usize>,
}

impl Scripted {
    fn new(answers: Vec<VerifyOutcome>) -> Self {
        Scripted {
            answers: Mutex::new(answers),
            calls: Mutex::new(0),
        }
    }
}

fn receipt_for(q: &FiscalQr) -> Receipt {
    let text = std::fs::read_to_string(repo_dir().join("examples/campaigns/receipts/anna__1.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut r = Receipt::from_fns_json(&text).unwrap_or_else(|e| panic!("{e}"));
    r.datetime = q.datetime;
    r.total_kopecks = q.total_kopecks;
    r.fn_number = q.fn_number;
    r.fd = q.fd;
    r.fp = q.fp;
    r
}

impl Verifier for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }
    fn verify(&self, qr: &FiscalQr) -> VerifyOutcome {
        if let Ok(mut c) = self.calls.lock() {
            *c += 1;
        }
        let mut a = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        let next = if a.len() > 1 {
            a.remove(0)
        } else {
            a[0].clone()
        };
        match next {
            // A placeholder for "verified": the receipt is built for the QR asked about.
            VerifyOutcome::Verified { .. } => VerifyOutcome::Verified {
                receipt: Box::new(receipt_for(qr)),
            },
            other => other,
        }
    }
}

fn verified() -> VerifyOutcome {
    let q: FiscalQr = QR.parse().unwrap_or_else(|e| panic!("{e}"));
    VerifyOutcome::Verified {
        receipt: Box::new(receipt_for(&q)),
    }
}

fn online(answers: Vec<VerifyOutcome>) -> Engine {
    Engine::new(
        campaign(true),
        Ledger::open(":memory:").unwrap_or_else(|e| panic!("{e}")),
        Verification::Provider(Box::new(Scripted::new(answers))),
        RecheckPolicy::default(),
    )
}

#[test]
fn offline_accepts_labels_unverified_and_catches_duplicates() {
    let e = offline();
    let o = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Accepted);
    assert_eq!(o.lots, 3);
    assert_eq!(o.verification.state(), "unverified");
    assert!(!o.verification.is_verified());
    let j = o.to_json();
    assert_eq!(j["verification"]["mode"], "offline");
    assert_eq!(j["verification"]["verified"], false);
    assert!(o.to_text().contains("UNVERIFIED") || o.to_text().contains("НЕ ПРОВЕРЕН"));

    let again = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status, OutcomeStatus::Rejected);
    assert!(again.has("campaign.duplicate"));
    assert_eq!(again.lots, 0);
    assert_eq!(
        e.lots(
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|x| x.lots)
        .sum::<u64>(),
        3
    );
}

#[test]
fn idempotency_key_replays_without_crediting_twice() {
    let e = offline();
    let s = sub("anna", qr(QR)).with_idempotency_key("msg-1");
    let first = e.process(s.clone()).unwrap_or_else(|e| panic!("{e}"));
    let second = e.process(s).unwrap_or_else(|e| panic!("{e}"));
    assert!(!first.replayed);
    assert!(second.replayed);
    assert_eq!(second.status, OutcomeStatus::Accepted);
    assert_eq!(e.report().unwrap_or_else(|e| panic!("{e}")).lots, 3);
}

#[test]
fn every_input_kind_and_failures_are_recorded() {
    let e = offline();
    let photo = std::fs::read(repo_dir().join("examples/demo/photos/01-receipt.jpg"))
        .unwrap_or_else(|e| panic!("{e}"));
    let o = e
        .process(sub("anna", Input::Photo(photo)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Accepted, "{:?}", o.reasons);
    assert_eq!(o.input, "photo");

    let o = e
        .process(sub("anna", Input::Photo(b"GIF89a not a photo".to_vec())))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Failed);
    assert!(o.reasons[0].code.starts_with("scan."), "{:?}", o.reasons);

    let ocr = std::fs::read_to_string(repo_dir().join("examples/demo/receipt-ocr.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    let o = e
        .process(sub("anna", Input::OcrText(ocr)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Accepted, "{:?}", o.reasons);
    assert_eq!(o.channel.map(|c| c.as_str()), Some("ocr"));

    // Manual entries wait for ФНС; offline they are parked for a later re-check.
    let o = e
        .process(sub(
            "anna",
            Input::Manual(
                "фн 7281440500751551 фд 30700 фп 1234567890 21.11.26 14:05 1250,00".into(),
            ),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(o.status, OutcomeStatus::PendingRecheck { .. }),
        "{:?}",
        o.status
    );
    assert!(o.has("campaign.manual_entry"));
    assert_eq!(
        e.due_rechecks(now(), 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        1
    );
    // Offline re-checks change nothing.
    assert!(
        e.recheck(now(), 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );

    let o = e
        .process(sub("anna", qr("https://example.com/promo")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Failed);
    assert!(o.has("qr.not_fiscal"));

    let r = e.report().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.total.accepted, 2);
    assert_eq!(r.total.pending, 1);
    assert_eq!(r.total.failed, 2);
}

#[test]
fn impossible_fields_are_rejected_before_the_campaign() {
    let e = offline();
    // Dated a year after `now`: validation rejects it, the ledger counts it as a failure.
    let o = e
        .process(sub(
            "anna",
            qr("t=20271105T1830&s=1530.00&fn=7281440500751551&i=30612&fp=2845710362&n=1"),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Rejected);
    assert!(
        o.reasons
            .iter()
            .any(|r| r.code.starts_with("fiscal.") && r.kind == ReasonKind::Reject)
    );
}

#[test]
fn reasons_are_in_the_participants_language() {
    let e = offline();
    let late = "t=20261020T1100&s=990.00&fn=7281440500751551&i=30102&fp=4021187733&n=1";
    let ru = e
        .process(sub("anna", qr(late)))
        .unwrap_or_else(|e| panic!("{e}"));
    let en = e
        .process(sub("bob", qr(late)).with_lang(Lang::En))
        .unwrap_or_else(|e| panic!("{e}"));
    let hint = |o: &chek::engine::Outcome| {
        o.reasons
            .iter()
            .find(|r| r.code == "campaign.before_period")
            .map(|r| r.hint.clone())
            .unwrap_or_default()
    };
    assert!(hint(&ru).contains("Чек должен быть"), "{}", hint(&ru));
    assert!(
        hint(&en).contains("The purchase must be dated"),
        "{}",
        hint(&en)
    );
    assert_eq!(
        ru.main_reason().map(|r| r.segment),
        Some(Some("out_of_period"))
    );
    // Segments carry each member's language, for the bot's messages.
    let seg = e.segment("out_of_period").unwrap_or_else(|e| panic!("{e}"));
    let lang_of = |p: &str| seg.iter().find(|m| m.participant == p).map(|m| m.lang);
    assert_eq!(lang_of("anna"), Some(Lang::Ru));
    assert_eq!(lang_of("bob"), Some(Lang::En));
}

#[test]
fn a_receipt_claimed_by_another_participant_waits_for_an_operator() {
    let e = offline();
    assert_eq!(
        e.process(sub("anna", qr(QR)))
            .unwrap_or_else(|e| panic!("{e}"))
            .status,
        OutcomeStatus::Accepted
    );
    let o = e
        .process(sub("boris", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::AwaitingOperator);
    assert!(o.has("campaign.conflict"));
    let seg = e
        .segment("awaiting_operator")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seg.len(), 1);
    assert_eq!(seg[0].participant, "boris");
}

#[test]
fn sixteen_threads_one_receipt_accepted_once() {
    let e = offline();
    let accepted = std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|i| {
                let e = &e;
                s.spawn(move || {
                    e.process(sub(&format!("p{i}"), qr(QR)))
                        .map(|o| o.status == OutcomeStatus::Accepted)
                        .unwrap_or(false)
                })
            })
            .collect();
        hs.into_iter()
            .map(|h| h.join().unwrap_or(false))
            .filter(|a| *a)
            .count()
    });
    assert_eq!(accepted, 1);
    assert_eq!(e.report().unwrap_or_else(|e| panic!("{e}")).lots, 3);
}

#[test]
fn verified_by_the_provider_is_accepted_with_its_items() {
    let e = online(vec![verified()]);
    let o = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Accepted, "{:?}", o.reasons);
    assert!(o.verification.is_verified());
    assert_eq!(o.to_json()["verification"]["state"], "verified");
}

#[test]
fn not_yet_known_is_rechecked_then_accepted() {
    let e = online(vec![VerifyOutcome::NotYetKnown, verified()]);
    let o = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    let OutcomeStatus::PendingRecheck { next_at } = o.status else {
        panic!("{:?}", o.status)
    };
    assert_eq!(next_at, now() + TimeDelta::days(1));
    assert!(o.has("verify.not_yet_known"));
    assert_eq!(o.verification.state(), "not_yet_known");
    // Not due yet.
    assert!(
        e.recheck(now() + TimeDelta::hours(1), 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
    let r = e
        .recheck(now() + TimeDelta::days(1), 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].status, OutcomeStatus::Accepted, "{:?}", r[0].reasons);
    assert_eq!(r[0].lots, 3);
    assert_eq!(e.report().unwrap_or_else(|e| panic!("{e}")).lots, 3);
    assert!(
        e.due_rechecks(now() + TimeDelta::days(30), 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
}

#[test]
fn rechecks_spent_go_to_an_operator() {
    let e = online(vec![VerifyOutcome::NotYetKnown]);
    let o = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(o.status, OutcomeStatus::PendingRecheck { .. }));
    // Default schedule: now, +1 day, +3 days, then a person.
    let r = e
        .recheck(now() + TimeDelta::days(1), 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(r[0].status, OutcomeStatus::PendingRecheck { next_at } if next_at == now() + TimeDelta::days(3)),
        "{:?}",
        r[0].status
    );
    let r = e
        .recheck(now() + TimeDelta::days(3), 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r[0].status, OutcomeStatus::AwaitingOperator);
    assert_eq!(
        e.segment("awaiting_operator")
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        1
    );
}

#[test]
fn rejected_by_fns_earns_nothing() {
    let e = online(vec![VerifyOutcome::Invalid {
        reason: InvalidReason::FiscalDataRejected,
    }]);
    let o = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Rejected);
    assert_eq!(o.lots, 0);
    assert!(o.has("verify.fiscal_data_rejected"));
    assert_eq!(e.report().unwrap_or_else(|e| panic!("{e}")).lots, 0);
}

#[test]
fn rejected_on_its_qr_data_never_asks_the_provider() {
    let e = online(vec![verified()]);
    let o = e
        .process(sub(
            "anna",
            qr("t=20261020T1100&s=990.00&fn=7281440500751551&i=30102&fp=4021187733&n=1"),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Rejected);
    assert_eq!(o.verification.state(), "not_asked");
}

#[test]
fn draws_use_the_ledgers_lots_and_the_commitment() {
    let e = offline();
    for (p, q) in [
        ("anna", QR),
        (
            "boris",
            "t=20261121T1942&s=2980.00&fn=9251440300046840&i=51420&fp=1402291187&n=1",
        ),
    ] {
        e.process(sub(p, qr(q))).unwrap_or_else(|e| panic!("{e}"));
    }
    let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap_or_default();
    let seed = vec![9u8; 16];
    let after = NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap_or_default();
    // No draw without a commitment.
    let req = DrawRequest::new("nov", d(1), d(30), vec![1u8; 16], b"beacon".to_vec(), 2);
    let err = e.draw(&req, after).err().map(|e| e.code());
    assert_eq!(err, Some("draw.not_committed"));
    let commit = DrawCommitment::new(
        "nov",
        d(1),
        d(30),
        chek::draw::seed_commitment(&[1u8; 16]),
        "drand-quicknet",
        "14500000",
    );
    // A commitment after the period's end is refused.
    let err = e.commit_draw(&commit, after).err().map(|e| e.code());
    assert_eq!(err, Some("draw.commit_too_late"));
    e.commit_draw(&commit, now())
        .unwrap_or_else(|e| panic!("{e}"));
    // The same days under another period name: refused.
    let again = DrawCommitment {
        period: "nov-again".into(),
        ..commit.clone()
    };
    assert_eq!(
        e.commit_draw(&again, now()).err().map(|e| e.code()),
        Some("store.conflict")
    );
    // Before the period ends: refused.
    let err = e.draw(&req, now()).err().map(|e| e.code());
    assert_eq!(err, Some("draw.too_early"));
    // A seed that does not match the published commitment is refused.
    let bad = DrawRequest::new("nov", d(1), d(30), seed.clone(), b"beacon".to_vec(), 1);
    let err = e.draw(&bad, after).err().map(|e| e.code());
    assert_eq!(err, Some("draw.bad_parameters"));
    let r = e.draw(&req, after).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.total_lots, 3 + 5);
    assert_eq!(r.winners.len(), 2);
    let recorded = e.draws().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].result.as_ref(), Some(&r));
    assert_eq!(
        recorded[0].recorded_at,
        now(),
        "the reveal keeps the commitment's time"
    );
    assert_eq!(recorded[0].drawn_at, Some(after));
    assert_eq!(recorded[0].beacon_round.as_deref(), Some("14500000"));
    // Drawn once.
    assert!(e.draw(&req, after).is_err());
}

#[test]
fn a_bad_participant_id_is_an_error() {
    let e = offline();
    let err = e.process(sub("", qr(QR))).err().map(|e| e.code());
    assert_eq!(err, Some("engine.bad_participant"));
    let err = e
        .process(sub(&"x".repeat(300), qr(QR)))
        .err()
        .map(|e| e.code());
    assert_eq!(err, Some("engine.bad_participant"));
}

/// Status, lots and reason codes: what must not depend on how submissions were committed.
fn summary(o: &Result<chek::engine::Outcome, chek::engine::EngineError>) -> String {
    match o {
        Ok(o) => format!(
            "{:?} {} {:?}",
            o.status,
            o.lots,
            o.reasons.iter().map(|r| r.code).collect::<Vec<_>>()
        ),
        Err(e) => format!("error {}", e.code()),
    }
}

fn qr_n(n: u32) -> String {
    format!(
        "t=20261105T1830&s={}.00&fn=7281440500751551&i={n}&fp={}&n=1",
        500 + n * 7 % 900,
        100_000 + n
    )
}

/// A mix: new receipts, the same receipt twice, another participant's receipt, garbage,
/// an impossible date, a receipt outside the period, a bad participant id.
fn mixed() -> Vec<Submission> {
    let mut v: Vec<Submission> = (1..=40)
        .map(|n| sub(&format!("p{}", n % 3), qr(&qr_n(n))))
        .collect();
    v.push(sub("p1", qr(&qr_n(1))));
    v.push(sub("p2", qr(&qr_n(1))));
    v.push(sub("p1", qr("garbage")));
    v.push(sub(
        "p1",
        qr("t=20301105T1830&s=500.00&fn=7281440500751551&i=9&fp=9&n=1"),
    ));
    v.push(sub(
        "p1",
        qr("t=20261020T1100&s=990.00&fn=7281440500751551&i=30102&fp=4021187733&n=1"),
    ));
    v.push(sub("", qr(&qr_n(2))));
    v.push(sub("p0", qr(&qr_n(3))).with_idempotency_key("m-1"));
    v.push(sub("p0", qr(&qr_n(3))).with_idempotency_key("m-1"));
    v
}

#[test]
fn a_batch_gives_what_one_by_one_gives() {
    let one = offline();
    let seq: Vec<String> = mixed()
        .into_iter()
        .map(|s| summary(&one.process(s)))
        .collect();
    let batch = offline();
    let all: Vec<String> = batch.process_batch(mixed()).iter().map(summary).collect();
    assert_eq!(seq, all);
    // The same receipt again in one batch is a duplicate; another participant's is a conflict.
    assert!(all[40].contains("campaign.duplicate"), "{}", all[40]);
    assert!(all[41].contains("AwaitingOperator"), "{}", all[41]);
    assert_eq!(all[45], "error engine.bad_participant");
    let (a, b) = (
        one.report().unwrap_or_else(|e| panic!("{e}")),
        batch.report().unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(a.total, b.total);
    assert_eq!(a.lots, b.lots);
    assert_eq!(a.top_reasons, b.top_reasons);
    // An empty batch is fine.
    assert!(batch.process_batch(Vec::new()).is_empty());
}

#[test]
fn concurrent_submitters_share_commits_and_count_each_receipt_once() {
    let e = offline();
    let per_thread = 60u32;
    std::thread::scope(|s| {
        for t in 0..8u32 {
            let e = &e;
            s.spawn(move || {
                for k in 0..per_thread {
                    let n = 1000 + t * per_thread + k;
                    let o = e
                        .process(sub(&format!("p{t}"), qr(&qr_n(n))))
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(o.status, OutcomeStatus::Accepted, "{:?}", o.reasons);
                    assert!(o.submission_id.is_some());
                    // Every thread also sends one shared receipt, in the middle of its run.
                    if k == per_thread / 2 {
                        let _ = e.process(sub(&format!("p{t}"), qr(QR)));
                    }
                }
            });
        }
    });
    let r = e.report().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.total.accepted, u64::from(8 * per_thread) + 1);
    let expected: u64 = (0..8 * per_thread)
        .map(|i| u64::from(500 + (1000 + i) * 7 % 900) / 500)
        .sum::<u64>()
        + 3;
    assert_eq!(r.lots, expected);
    let audit = e.ledger().audit("t").unwrap_or_else(|e| panic!("{e}"));
    assert!(audit.is_sound(), "{audit:?}");
}

/// A provider that counts its calls.
struct Counting(Scripted, std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Verifier for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }
    fn verify(&self, qr: &FiscalQr) -> VerifyOutcome {
        self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.0.verify(qr)
    }
}

#[test]
fn a_receipt_sent_again_costs_no_provider_call() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let e = Engine::new(
        campaign(true),
        Ledger::open(":memory:").unwrap_or_else(|e| panic!("{e}")),
        Verification::Provider(Box::new(Counting(
            Scripted::new(vec![verified()]),
            std::sync::Arc::clone(&calls),
        ))),
        RecheckPolicy::default(),
    );
    let first = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status, OutcomeStatus::Accepted, "{:?}", first.reasons);
    let again = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status, OutcomeStatus::Rejected);
    assert!(again.has("campaign.duplicate"));
    assert_eq!(again.verification.state(), "not_asked");
    // Someone else's accepted receipt: refused without asking either.
    let other = e
        .process(sub("boris", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(other.status, OutcomeStatus::Accepted);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn the_report_counts_what_fns_said() {
    let e = online(vec![VerifyOutcome::Invalid {
        reason: InvalidReason::FiscalDataRejected,
    }]);
    let o = e
        .process(sub("anna", qr(QR)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status, OutcomeStatus::Rejected);
    let r = e.report().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.top_reasons.first().map(|c| c.code.as_str()),
        Some("verify.fiscal_data_rejected"),
        "{:?}",
        r.top_reasons
    );
    let e = online(vec![VerifyOutcome::NotYetKnown]);
    let _ = e.process(sub("anna", qr(QR)));
    let r = e.report().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.top_reasons
            .iter()
            .any(|c| c.code == "verify.not_yet_known"),
        "{:?}",
        r.top_reasons
    );
}
