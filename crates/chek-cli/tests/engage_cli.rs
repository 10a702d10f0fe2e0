//! `chek loyalty` and `chek feedback` end to end on the shipped examples (examples/engage/).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn example(name: &str) -> String {
    chek_tests::repo_dir()
        .join("examples/engage")
        .join(name)
        .display()
        .to_string()
}

fn chek(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args(args)
        .env("CHEK_REVIEW_KEY", "cli-test-secret-key-0123456789")
        .output()
        .unwrap_or_else(|e| panic!("chek: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("{e}: {s}"))
}

struct Tmp(PathBuf);
impl Tmp {
    fn new(tag: &str) -> Tmp {
        let p = std::env::temp_dir().join(format!("chek-engage-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("{e}"));
        Tmp(p)
    }
    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const NOW: &str = "2026-11-23T12:00:00";

/// A card's row of `chek loyalty export --json`.
fn exported(db: &str, card: &str) -> Value {
    let (code, out, err) = chek(&["loyalty", "export", "--db", db, "--json"]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(json)
        .find(|r| r["card"] == card)
        .unwrap_or_else(|| panic!("{card} not exported: {out}"))
}

#[test]
fn loyalty_sms_outcome_and_reply() {
    let t = Tmp::new("sms");
    let state = t.file("cards.sqlite");
    let cards = example("cards.txt");
    let base = ["--cards", &cards, "--db", &state, "--now", NOW];
    let sms = |from: &str, text: &str, extra: &[&str]| {
        let mut a = vec!["loyalty", "sms", "--from", from, text];
        a.extend_from_slice(&base);
        a.extend_from_slice(extra);
        chek(&a)
    };
    let (code, out, err) = sms("8 (916) 123-45-67", "Карта 4600 6820 0001 3", &["--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let j = json(&out);
    assert_eq!(j["code"], "loyalty.activated");
    assert_eq!(j["outcome"]["phone"], "+79161234567");
    assert_eq!(
        j["reply"]["text"],
        "Карта *0013 активирована и привязана к номеру. Спасибо!"
    );
    assert_eq!(j["reply"]["encoding"], "ucs2");
    assert_eq!(j["reply"]["units"], 55);
    assert_eq!(j["reply"]["segments"], 1);
    assert!(Path::new(&state).exists());

    // The ledger carries the binding: another phone is refused with exit code 1.
    let (code, out, _) = sms("+79990000000", "4600682000013", &["--json"]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["code"], "loyalty.card_bound");

    for (text, want) in [
        ("привет", "loyalty.no_card"),
        ("4600000000039", "loyalty.card_blocked"),
        ("4600000000046", "loyalty.unknown_card"),
        ("4600000000016", "loyalty.bad_check_digit"),
    ] {
        let (code, out, _) = sms("+79990000000", text, &["--json", "--lang", "en"]);
        assert_eq!(code, 1, "{text}");
        let j = json(&out);
        assert_eq!(j["code"], want, "{text}");
        assert_eq!(j["reply"]["lang"], "en");
        assert_eq!(j["reply"]["fits_one"], true);
    }
    // The phone bound to a card cannot take another one.
    let (code, out, _) = sms("+79161234567", "4600000000015", &["--json"]);
    assert_eq!(
        (code, json(&out)["code"].as_str()),
        (1, Some("loyalty.phone_bound"))
    );

    // Text output names the reply with its length.
    let (_, out, _) = sms("+79161234567", "4600682000013", &[]);
    assert!(out.starts_with("loyalty.already_active"), "{out}");
    assert!(out.contains("ucs2") && out.contains("1 SMS"), "{out}");
}

#[test]
fn loyalty_other_channels_and_programme() {
    let t = Tmp::new("channels");
    let state = t.file("cards.sqlite");
    let cards = example("cards.txt");
    let programme = example("programme.toml");
    let run = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend_from_slice(&[
            "--cards",
            &cards,
            "--db",
            &state,
            "--programme",
            &programme,
            "--now",
            NOW,
            "--json",
        ]);
        let (code, out, err) = chek(&a);
        (code, json(&format!("{out}{err}")))
    };
    let (code, j) = run(&[
        "loyalty",
        "till",
        "--cashier",
        "k-7",
        "--card",
        "4600000000015",
        "--phone",
        "+7 903 000-00-01",
    ]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.pending")));
    let (code, j) = run(&["loyalty", "confirm", "--card", "4600000000015"]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.confirmed")));
    let (code, j) = run(&["loyalty", "confirm", "--card", "4600000000015"]);
    assert_eq!((code, j["code"].as_str()), (1, Some("loyalty.not_pending")));
    let form = example("form.json");
    let (code, j) = run(&["loyalty", "form", "--form", &form]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.activated")));
    assert_eq!(
        j["reply"]["text"],
        "Ромашка: карта *0022 активирована. Спасибо!"
    );
    let (code, j) = run(&[
        "loyalty",
        "web",
        "--account",
        "acc-1",
        "--card",
        "4561 2612 1234 5467",
        "--phone",
        "89161112233",
    ]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.activated")));
    let (code, j) = run(&["loyalty", "block", "--card", "4561261212345467"]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.blocked")));

    let (code, out, _) = chek(&["loyalty", "replies", "--programme", &programme]);
    assert_eq!(code, 0, "{out}");
    // 18 reply codes (loyalty.profile_completed added in #22) in two languages.
    assert_eq!(out.lines().count(), 36);
    assert!(!out.contains("TOO LONG"));

    let bad = t.file("bad.toml");
    std::fs::write(&bad, "name = \"x\"\nformats = []\n").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = chek(&[
        "loyalty",
        "sms",
        "--from",
        "+79161234567",
        "x",
        "--programme",
        &bad,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("loyalty.bad_format"), "{err}");
}

#[test]
fn feedback_answer_click_visit_and_ab_report() {
    let t = Tmp::new("feedback");
    let state = t.file("feedback.sqlite");
    let survey = example("survey.toml");
    let answer = |client: &str, response: &str, scores: &str, now: &str| {
        let (code, out, err) = chek(&[
            "feedback",
            "answer",
            "--survey",
            &survey,
            "--db",
            &state,
            "--client",
            client,
            "--response",
            response,
            "--scores",
            scores,
            "--now",
            now,
            "--json",
        ]);
        assert_eq!(code, 0, "{out}{err}");
        json(&out)
    };
    let low = answer("boris", "r1", "4,5,6", "2026-11-23T10:00:00");
    assert_eq!(low["rating"]["average"], 5.0);
    assert_eq!(low["rating"]["satisfied"], false);
    assert_eq!(low["follow_up"], true);
    assert_eq!(low["bonus"]["points"], 100);
    assert_eq!(low["warnings"], Value::Array(vec![]));
    let link = low["invitation"]["link"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(link.starts_with("https://r.example.ru/r/"));
    assert!(low["invitation"]["sms"]["segments"].as_u64().unwrap_or(0) >= 1);

    let click = |token: &str| {
        chek(&[
            "feedback",
            "click",
            "--survey",
            &survey,
            "--db",
            &state,
            token,
            "--now",
            "2026-11-23T11:00:00",
            "--json",
        ])
    };
    // The link as a mail or messenger tracker rewrites it: extra query parameters (#22).
    let (code, out, err) = click(&format!("{link}?utm_source=sms&utm_medium=invite"));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&out)["first"], true);
    let (_, out, _) = click(&link);
    assert_eq!(json(&out)["first"], false);
    let forged = format!("{}0", &link[..link.len() - 1]);
    let forged = if forged == link {
        format!("{}1", &link[..link.len() - 1])
    } else {
        forged
    };
    let (code, out, _) = click(&forged);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["error"]["code"], "feedback.bad_token");

    let visit = |id: &str, now: &str| {
        let (code, out, _) = chek(&[
            "feedback", "visit", "--db", &state, "--client", "boris", "--visit", id, "--now", now,
            "--json",
        ]);
        assert_eq!(code, 0);
        json(&out)
    };
    assert_eq!(visit("v2", "2026-11-24T10:00:00")["points"], 100);
    assert_eq!(visit("v3", "2026-11-25T10:00:00")["points"], 0);
    // The defect: v2 retried after v3 applied the bonus again. A retry is a retry whenever
    // it comes.
    let again = visit("v2", "2026-11-26T10:00:00");
    assert_eq!(
        (again["points"].as_u64(), again["repeated"].as_bool()),
        (Some(100), Some(true))
    );
    let answer_again = answer("boris", "r1", "4,5,6", "2026-11-27T10:00:00");
    assert_eq!(answer_again["repeated"], true);
    assert_eq!(answer_again["seq"], low["seq"]);

    // Export, import into a fresh ledger: the same state.
    let file = t.file("state.json");
    let (code, _, err) = chek(&["feedback", "export", "--db", &state, "--state", &file]);
    assert_eq!(code, 0, "{err}");
    let exported: Value = json(&std::fs::read_to_string(&file).unwrap_or_default());
    assert_eq!(exported["responses"].as_array().map(Vec::len), Some(1));
    assert_eq!(exported["visits"]["boris"], serde_json::json!(["v2", "v3"]));
    let db2 = t.file("other.sqlite");
    let (code, _, err) = chek(&["feedback", "import", "--db", &db2, "--state", &file]);
    assert_eq!(code, 0, "{err}");
    let file2 = t.file("state2.json");
    let (code, _, _) = chek(&["feedback", "export", "--db", &db2, "--state", &file2]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_default(),
        std::fs::read_to_string(&file2).unwrap_or_default()
    );
    // A second import would mix two numberings: refused.
    let (code, _, err) = chek(&["feedback", "import", "--db", &db2, "--state", &file]);
    assert_ne!(code, 0);
    assert!(err.contains("store.conflict"), "{err}");

    let (code, out, _) = chek(&[
        "feedback",
        "ab",
        "--experiment",
        &survey,
        "--db",
        &state,
        "--json",
    ]);
    assert_eq!(code, 0);
    let r = json(&out);
    assert_eq!(r["algorithm"], "chek-ab-v1");
    let total: u64 = r["variants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v["exposed"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, 1);

    let events = example("events.csv");
    let (code, out, _) = chek(&[
        "feedback",
        "ab",
        "--experiment",
        &survey,
        "--events",
        &events,
        "--json",
    ]);
    assert_eq!(code, 0);
    let r = json(&out);
    let v = r["variants"].as_array().cloned().unwrap_or_default();
    assert_eq!(v.len(), 2);
    let exposed: u64 = v.iter().map(|x| x["exposed"].as_u64().unwrap_or(0)).sum();
    let converted: u64 = v.iter().map(|x| x["converted"].as_u64().unwrap_or(0)).sum();
    assert_eq!((exposed, converted), (10, 4));
    for x in &v {
        let (lo, hi) = (
            x["ci_low"].as_f64().unwrap_or(-1.0),
            x["ci_high"].as_f64().unwrap_or(-1.0),
        );
        assert!(0.0 <= lo && lo <= hi && hi <= 1.0);
    }
}

#[test]
fn feedback_gated_mode_warns() {
    let t = Tmp::new("gated");
    let state = t.file("g.sqlite");
    let survey = example("survey-gated.toml");
    let (code, out, _) = chek(&[
        "feedback",
        "answer",
        "--survey",
        &survey,
        "--db",
        &state,
        "--client",
        "anna",
        "--response",
        "r1",
        "--scores",
        "7,7,8",
        "--now",
        NOW,
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("invite  none"), "{out}");
    assert!(out.contains("WARNING feedback.review_gating"), "{out}");
    assert!(out.contains("WARNING feedback.review_incentive"), "{out}");
    // Without the key in the environment: a usage error.
    let out = Command::new(env!("CARGO_BIN_EXE_chek"))
        .args([
            "feedback",
            "answer",
            "--survey",
            &survey,
            "--db",
            &state,
            "--client",
            "a",
            "--response",
            "r2",
            "--scores",
            "9,9,9",
        ])
        .env_remove("CHEK_REVIEW_KEY")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn loyalty_export_import_and_retries_by_id() {
    let t = Tmp::new("export");
    let db = t.file("ledger.sqlite");
    let cards = example("cards.txt");
    let form = example("form.json");
    let base = ["--cards", &cards, "--db", &db, "--now", NOW, "--json"];
    let run = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend_from_slice(&base);
        let (code, out, err) = chek(&a);
        (code, json(&format!("{out}{err}")))
    };
    let (code, j) = run(&[
        "loyalty",
        "sms",
        "--from",
        "+79161234567",
        "4600682000013",
        "--id",
        "sms-1",
    ]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.activated")));
    assert_eq!(j["replayed"], false);
    // The same SMS again, delivered twice by the gateway: the first answer, nothing new.
    let (code, j) = run(&[
        "loyalty",
        "sms",
        "--from",
        "+79161234567",
        "4600682000013",
        "--id",
        "sms-1",
    ]);
    assert_eq!((code, j["code"].as_str()), (0, Some("loyalty.activated")));
    assert_eq!(j["replayed"], true);
    let (code, _) = run(&["loyalty", "form", "--form", &form]);
    assert_eq!(code, 0);

    let (code, out, err) = chek(&["loyalty", "export", "--db", &db, "--json"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = out.lines().map(json).collect();
    let by_card = |c: &str| {
        rows.iter()
            .find(|r| r["card"] == c)
            .unwrap_or_else(|| panic!("{c} not exported: {out}"))
    };
    let a = by_card("4600682000013");
    assert_eq!(
        (a["status"].as_str(), a["phone"].as_str()),
        (Some("active"), Some("+79161234567"))
    );
    assert!(a["fields"].as_object().is_some_and(|f| f.is_empty()));
    assert_eq!(by_card("4600000000039")["status"], "blocked");
    assert_eq!(by_card("4600000000015")["status"], "issued");
    let formed = rows
        .iter()
        .find(|r| r["status"] == "active" && r["card"] != "4600682000013")
        .unwrap_or_else(|| panic!("the form's card is not active: {out}"));
    assert!(
        formed["fields"].as_object().is_some_and(|f| !f.is_empty()),
        "{formed}"
    );

    // Export to the JSON state format, import into a fresh ledger: the same cards.
    let file = t.file("cards.json");
    let (code, _, err) = chek(&["loyalty", "export", "--db", &db, "--state", &file]);
    assert_eq!(code, 0, "{err}");
    let db2 = t.file("other.sqlite");
    let (code, out, err) = chek(&[
        "loyalty", "import", "--db", &db2, "--state", &file, "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["added"], rows.len());
    let (_, out2, _) = chek(&["loyalty", "export", "--db", &db2, "--json"]);
    let (_, again, _) = chek(&["loyalty", "export", "--db", &db, "--json"]);
    assert_eq!(out2, again);

    // Without a ledger the command says how to give one.
    let (code, _, err) = chek(&["loyalty", "sms", "--from", "+79161234567", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--db"), "{err}");
}

/// The defect: 30 parallel `chek loyalty sms` runs on one state file each answered
/// "activated", and 5 cards were active afterwards. On the ledger every answer is true.
#[test]
fn parallel_activations_on_one_ledger_lose_nothing() {
    let t = Tmp::new("parallel");
    let db = t.file("ledger.sqlite");
    let n = 40;
    // EAN-13 cards 46 + 10 digits with their check digit.
    let card = |i: usize| {
        let body = format!("46{:010}", 7_000_000 + i);
        let sum: u32 = body
            .bytes()
            .enumerate()
            .map(|(k, b)| u32::from(b - b'0') * if k % 2 == 0 { 1 } else { 3 })
            .sum();
        format!("{body}{}", (10 - sum % 10) % 10)
    };
    let cards_file = t.file("cards.txt");
    // Written by a Windows editor: a UTF-8 BOM first.
    let list: String = "\u{feff}".to_owned() + &(0..n).map(|i| card(i) + "\n").collect::<String>();
    std::fs::write(&cards_file, list).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = chek(&[
        "loyalty",
        "export",
        "--db",
        &db,
        "--cards",
        &cards_file,
        "--now",
        NOW,
    ]);
    assert_eq!(code, 0, "{err}");
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (db, c) = (db.clone(), card(i));
            std::thread::spawn(move || {
                let phone = format!("+7916{:07}", 1_000_000 + i);
                let (code, out, err) = chek(&[
                    "loyalty", "sms", "--from", &phone, &c, "--db", &db, "--now", NOW, "--json",
                ]);
                assert_eq!(code, 0, "{out}{err}");
                json(&out)["code"].as_str().map(str::to_owned)
            })
        })
        .collect();
    let codes: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().unwrap_or_else(|_| panic!("a run panicked")))
        .collect();
    assert!(
        codes
            .iter()
            .all(|c| c.as_deref() == Some("loyalty.activated"))
    );
    let (_, out, _) = chek(&["loyalty", "export", "--db", &db, "--json"]);
    let active = out
        .lines()
        .map(json)
        .filter(|r| r["status"] == "active")
        .count();
    assert_eq!(active, n);
}

/// `chek loyalty replies` fails (exit 1) when a custom template cannot fit one SMS, and says
/// which one on stderr (#22).
#[test]
fn loyalty_replies_fail_on_a_long_custom_template() {
    let t = Tmp::new("replies");
    let programme = t.file("long.toml");
    std::fs::write(
        &programme,
        "name = \"Ромашка\"\n[[formats]]\nname = \"EAN-13\"\nlength = 13\nprefix = \"46\"\ncheck = \"gs1\"\n\
         [templates.en]\n\"loyalty.pending\" = \"Your card {card} waits for an operator of {programme}: \
         we will text {phone} as soon as it is confirmed. Points earned meanwhile are kept. Thank you!!\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = chek(&["loyalty", "replies", "--programme", &programme]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("TOO LONG"), "{out}");
    assert!(err.contains("loyalty.pending (en)"), "{err}");
    assert!(!err.contains("loyalty.activated"), "{err}");
    let (code, out, err) = chek(&["loyalty", "replies", "--programme", &programme, "--json"]);
    assert_eq!(code, 1, "{err}");
    let long: Vec<String> = json(&out)
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["fits_one"] == false)
        .map(|c| format!("{} {}", c["code"], c["lang"]))
        .collect();
    assert_eq!(long, ["\"loyalty.pending\" \"en\""]);
}

/// SMS first, then the web form (the seed's order): the form completes the profile (#22).
#[test]
fn loyalty_sms_then_form_completes_the_profile() {
    let t = Tmp::new("profile");
    let state = t.file("cards.sqlite");
    let cards = example("cards.txt");
    let base = ["--cards", &cards, "--db", &state, "--now", NOW, "--json"];
    let mut a = vec![
        "loyalty",
        "sms",
        "--from",
        "+7 903 555-12-34",
        "4600 0000 0002 2",
    ];
    a.extend_from_slice(&base);
    let (code, out, err) = chek(&a);
    assert_eq!(
        (code, json(&out)["code"].as_str()),
        (0, Some("loyalty.activated")),
        "{err}"
    );
    let form = example("form.json");
    let mut a = vec!["loyalty", "form", "--form", &form, "--from", "+79035551234"];
    a.extend_from_slice(&base);
    let (code, out, err) = chek(&a);
    let j = json(&out);
    assert_eq!(
        (code, j["code"].as_str()),
        (0, Some("loyalty.profile_completed")),
        "{err}"
    );
    assert_eq!(
        j["outcome"]["fields"],
        serde_json::json!(["birthday", "name"])
    );
    let rec = exported(&state, "4600000000022");
    assert_eq!(rec["status"], "active");
    assert_eq!(rec["fields"]["name"], "Анна Петрова");
    assert_eq!(rec["fields"]["birthday"], "1990-05-17");
}

/// A pending card (a till without the right) is not activated by the client's SMS (#22).
#[test]
fn loyalty_client_sms_does_not_activate_a_pending_card() {
    let t = Tmp::new("pending");
    let state = t.file("cards.sqlite");
    let cards = example("cards.txt");
    let base = ["--cards", &cards, "--db", &state, "--now", NOW, "--json"];
    let mut a = vec![
        "loyalty",
        "till",
        "--cashier",
        "k-7",
        "--card",
        "4600000000015",
        "--phone",
        "+79030000001",
    ];
    a.extend_from_slice(&base);
    let (code, out, _) = chek(&a);
    assert_eq!(
        (code, json(&out)["code"].as_str()),
        (0, Some("loyalty.pending"))
    );
    let mut a = vec!["loyalty", "sms", "--from", "+79030000001", "4600000000015"];
    a.extend_from_slice(&base);
    let (code, out, _) = chek(&a);
    assert_eq!(
        (code, json(&out)["code"].as_str()),
        (1, Some("loyalty.awaiting_confirmation"))
    );
    assert_eq!(exported(&state, "4600000000015")["status"], "pending");
}

/// `ab --events`: bad lines are errors naming the line; one exposure per client; the report
/// carries the comparison with the control and the sample size (#22).
#[test]
fn feedback_ab_events_strict_with_significance() {
    let t = Tmp::new("ab");
    let survey = example("survey.toml");
    let bad = t.file("bad.csv");
    std::fs::write(
        &bad,
        "client,converted\nanna,2\nboris;1\nvera,yes/да\ngleb,1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = chek(&["feedback", "ab", "--experiment", &survey, "--events", &bad]);
    assert_eq!(code, 2, "{out}");
    for needle in [
        "bad.csv:2:",
        "bad.csv:3:",
        "bad.csv:4:",
        "\"2\"",
        "';'",
        "yes/да",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!err.contains("bad.csv:5:"), "{err}");

    // The shipped events plus a repeat of anna (converted) and a repeat of boris: still 10
    // clients, boris converted now.
    let events = t.file("events.csv");
    let shipped = std::fs::read_to_string(example("events.csv")).unwrap_or_default();
    std::fs::write(&events, format!("{shipped}anna,0\nboris,1\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = chek(&[
        "feedback",
        "ab",
        "--experiment",
        &survey,
        "--events",
        &events,
        "--json",
        "--mde",
        "0.1",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    let v = r["variants"].as_array().cloned().unwrap_or_default();
    let exposed: u64 = v.iter().map(|x| x["exposed"].as_u64().unwrap_or(0)).sum();
    let converted: u64 = v.iter().map(|x| x["converted"].as_u64().unwrap_or(0)).sum();
    assert_eq!((exposed, converted), (10, 5));
    assert_eq!(r["control"], "short");
    assert_eq!(r["mde"], 0.1);
    assert!(r["sample_size"].as_u64().unwrap_or(0) > 10);
    assert!(v[0]["vs_control"].is_null());
    let c = &v[1]["vs_control"];
    let p = c["p_value"].as_f64().unwrap_or(-1.0);
    let b = c["prob_beat_control"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=1.0).contains(&p) && (0.0..=1.0).contains(&b), "{c}");
    assert_eq!(c["significant"], false);
    assert!(v[1]["still_needed"].as_u64().unwrap_or(0) > 0);

    let (code, out, _) = chek(&[
        "feedback",
        "ab",
        "--experiment",
        &survey,
        "--events",
        &events,
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("warm vs short"), "{out}");
    assert!(out.contains("clients per variant"), "{out}");
    assert!(out.contains("2 repeated line(s) merged"), "{out}");
    let (code, _, err) = chek(&[
        "feedback",
        "ab",
        "--experiment",
        &survey,
        "--events",
        &events,
        "--mde",
        "0",
    ]);
    assert_eq!(code, 2, "{err}");
}

/// `review_url = "javascript:…"` is refused when the survey is read (#22).
#[test]
fn feedback_refuses_a_javascript_review_url() {
    let t = Tmp::new("jsurl");
    let survey = t.file("s.toml");
    std::fs::write(
        &survey,
        "id = \"s\"\ncriteria = [\"a\"]\nreview_url = \"javascript:alert(1)//\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = chek(&[
        "feedback",
        "answer",
        "--survey",
        &survey,
        "--db",
        &t.file("st.sqlite"),
        "--client",
        "a",
        "--response",
        "r1",
        "--scores",
        "9",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("review_url"), "{err}");
}
