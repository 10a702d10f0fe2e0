//! The ledger commands (`run`, `report`, `segments`, `draw --db`, `recheck`) when something is
//! wrong: every failure has a code, a hint and the path, a JSON object under `--json`, an exit
//! code that tells bad input (2) from try-again-later (3), and never a password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn demo(name: &str) -> String {
    chek_tests::repo_dir()
        .join("examples/demo")
        .join(name)
        .display()
        .to_string()
}

fn chek_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chek"));
    cmd.args(args).env_remove("PGPASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("chek: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn chek(args: &[&str]) -> (i32, String, String) {
    chek_env(args, &[])
}

fn json(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("{e}: {s}"))
}

struct Tmp(PathBuf);
impl Tmp {
    fn new(tag: &str) -> Tmp {
        let p = std::env::temp_dir().join(format!("chek-ledger-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
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

/// The `{"error": {...}}` object a failed command prints under `--json`.
fn error_of(stdout: &str) -> Value {
    let v = json(stdout);
    let e = v["error"].clone();
    assert!(e["code"].is_string(), "{v}");
    assert!(e["hint"].as_str().is_some_and(|h| !h.is_empty()), "{v}");
    e
}

#[test]
fn a_typo_in_db_is_an_error_not_an_empty_ledger() {
    let t = Tmp::new("typo");
    let db = t.file("seq-u.sqlit");
    let campaign = demo("campaign.toml");
    for cmd in ["report", "segments"] {
        let (rc, out, err) = chek(&[cmd, "--campaign", &campaign, "--db", &db, "--json"]);
        assert_eq!(rc, 2, "{cmd}: {out} {err}");
        let e = error_of(&out);
        assert_eq!(e["code"], "store.not_found", "{cmd}: {e}");
        assert_eq!(e["path"], db.as_str());
        assert!(
            err.contains("store.not_found") && err.contains(&db),
            "{err}"
        );
        assert!(!std::path::Path::new(&db).exists(), "{cmd} created {db}");
    }
    // `--create` is the explicit way; `run` creates it too.
    let (rc, out, _) = chek(&[
        "report",
        "--campaign",
        &campaign,
        "--db",
        &db,
        "--create",
        "--json",
    ]);
    assert_eq!(rc, 0, "{out}");
    assert_eq!(json(&out)["total"]["accepted"], 0);
    // A file that is not a ledger at all.
    let text = t.file("notes.txt");
    std::fs::write(&text, "not a database ".repeat(20)).unwrap();
    let (rc, out, _) = chek(&["report", "--campaign", &campaign, "--db", &text, "--json"]);
    assert_eq!(rc, 2, "{out}");
    assert_eq!(error_of(&out)["code"], "store.foreign");
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "not a database ".repeat(20)
    );
}

#[test]
fn campaign_file_failures_name_the_file_and_code() {
    let t = Tmp::new("campaign");
    let db = t.file("l.sqlite");
    let missing = t.file("nope.toml");
    let (rc, out, err) = chek(&["report", "--campaign", &missing, "--db", &db, "--json"]);
    assert_eq!(rc, 2, "{out} {err}");
    let e = error_of(&out);
    assert_eq!(e["code"], "io.not_found");
    assert_eq!(e["path"], missing.as_str());
    assert!(err.contains(&missing), "{err}");
    // Without --json: text on stderr, nothing on stdout.
    let (rc, out, err) = chek(&["run", "--campaign", &missing, "--db", &db, "x"]);
    assert_eq!(rc, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("io.not_found") && err.contains(&missing),
        "{err}"
    );

    let binary = t.file("campaign.toml");
    std::fs::write(&binary, [0xffu8, 0xfe, 0, 1, 2, 0x80, 0x81]).unwrap();
    let (rc, out, _) = chek(&[
        "report",
        "--campaign",
        &binary,
        "--db",
        &db,
        "--json",
        "--lang",
        "en",
    ]);
    assert_eq!(rc, 2);
    let e = error_of(&out);
    assert_eq!(e["code"], "io.not_text");
    assert!(e["hint"].as_str().unwrap().contains("not text"), "{e}");

    let bad = t.file("bad.toml");
    std::fs::write(&bad, "id = \"x\"\n[when]\nstart = 12\n").unwrap();
    let (rc, out, _) = chek(&["report", "--campaign", &bad, "--db", &db, "--json"]);
    assert_eq!(rc, 2);
    let e = error_of(&out);
    assert!(e["code"].as_str().unwrap().starts_with("campaign."), "{e}");
    assert_eq!(e["path"], bad.as_str());
}

#[test]
fn a_password_is_never_printed() {
    let campaign = demo("campaign.toml");
    // Nothing listens on port 1: the connection fails, and says so without the password.
    let url = "postgres://chek:S3CRET-pw@127.0.0.1:1/chek";
    for args in [
        vec!["report", "--campaign", &campaign, "--db", url, "--json"],
        vec!["run", "--campaign", &campaign, "--db", url, "--json", "x"],
        vec!["segments", "--campaign", &campaign, "--db", url, "--json"],
        vec!["recheck", "--campaign", &campaign, "--db", url, "--json"],
    ] {
        let (rc, out, err) = chek(&args);
        assert!(
            !out.contains("S3CRET") && !err.contains("S3CRET"),
            "{out}\n{err}"
        );
        assert_eq!(
            rc, 3,
            "a server that cannot be reached is 'try again later': {out} {err}"
        );
        let e = error_of(&out);
        assert_eq!(e["code"], "store.open");
        assert_eq!(e["path"], "postgres://chek:***@127.0.0.1:1/chek");
    }
    // The whole URL from the environment: not in argv, not in the output.
    let (rc, out, err) = chek_env(
        &[
            "report",
            "--campaign",
            &campaign,
            "--db-env",
            "CHEK_TEST_DB_URL",
            "--json",
        ],
        &[("CHEK_TEST_DB_URL", url)],
    );
    assert_eq!(rc, 3);
    assert!(
        !out.contains("S3CRET") && !err.contains("S3CRET"),
        "{out}\n{err}"
    );
    // An unset variable is a usage error.
    let (rc, out, _) = chek(&[
        "report",
        "--campaign",
        &campaign,
        "--db-env",
        "CHEK_TEST_UNSET_VAR",
        "--json",
    ]);
    assert_eq!(rc, 2);
    assert_eq!(error_of(&out)["code"], "cli.usage");
}

#[test]
fn db_env_names_the_ledger() {
    let t = Tmp::new("dbenv");
    let db = t.file("l.sqlite");
    let campaign = demo("campaign.toml");
    let qr = "t=20261118T2004&s=2210.00&fn=7380440801185382&i=169402&fp=1183349520&n=1";
    let (rc, out, _) = chek_env(
        &[
            "run",
            "--campaign",
            &campaign,
            "--db-env",
            "CHEK_DB",
            "--now",
            NOW,
            "--json",
            qr,
        ],
        &[("CHEK_DB", &db)],
    );
    assert_eq!(rc, 0, "{out}");
    let (rc, out, _) = chek_env(
        &[
            "report",
            "--campaign",
            &campaign,
            "--db-env",
            "CHEK_DB",
            "--json",
        ],
        &[("CHEK_DB", &db)],
    );
    assert_eq!(rc, 0, "{out}");
    assert_eq!(json(&out)["total"]["accepted"], 1);
}

/// A run repeated after a crash (or by mistake) replays its inputs: the report counts each
/// input once. `--key` carries the host's own message id.
#[test]
fn reruns_do_not_inflate_the_report() {
    let t = Tmp::new("rerun");
    let db = t.file("l.sqlite");
    let campaign = demo("campaign.toml");
    let qrs = demo("qr.txt");
    let base = [
        "--campaign",
        campaign.as_str(),
        "--db",
        db.as_str(),
        "--now",
        NOW,
    ];
    let run = |extra: &[&str]| {
        let mut a = vec!["run"];
        a.extend_from_slice(&base);
        a.extend_from_slice(&["--json", "--participant", "anna"]);
        a.extend_from_slice(extra);
        let (rc, out, err) = chek(&a);
        assert!(rc == 0 || rc == 1, "{out} {err}");
        json(&out)
    };
    let report = || {
        let mut a = vec!["report"];
        a.extend_from_slice(&base);
        a.push("--json");
        let (rc, out, err) = chek(&a);
        assert_eq!(rc, 0, "{out} {err}");
        json(&out)
    };
    let first = run(&[&qrs]);
    let before = report();
    let again = run(&[&qrs]);
    assert_eq!(
        again["summary"]["replayed"],
        first["summary"]["inputs"].as_u64().unwrap()
            - first["summary"]["errors"].as_u64().unwrap()
            - first["summary"]["failed"].as_u64().unwrap(),
        "{again}"
    );
    assert_eq!(again["summary"]["accepted"], first["summary"]["accepted"]);
    assert_eq!(report(), before, "a rerun changed the report");

    // The host's message id: the same id again is a replay, even with another input.
    let q = "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1";
    let a = run(&["--key", "msg-77", q]);
    assert_eq!(a["outcomes"][0]["replayed"], false, "{a}");
    let b = run(&["--key", "msg-77", q]);
    assert_eq!(b["outcomes"][0]["replayed"], true, "{b}");
    assert_eq!(b["outcomes"][0]["status"], a["outcomes"][0]["status"]);
}

/// A list of QR strings larger than a text file may be (4 MiB) is streamed, not refused: every
/// line is an input, with its line number.
#[test]
fn a_large_qr_list_is_streamed() {
    let t = Tmp::new("stream");
    let db = t.file("l.sqlite");
    let list = t.file("big.txt");
    let campaign = demo("campaign.toml");
    let mut text = String::from("# exported QR strings\n");
    text.push_str("t=20261118T2004&s=2210.00&fn=7380440801185382&i=169402&fp=1183349520&n=1\n");
    // 5 MiB of comments between the receipts.
    let filler = format!("# {}\n", "x".repeat(1000));
    for _ in 0..5 * 1024 {
        text.push_str(&filler);
    }
    text.push_str("t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1\n");
    text.push_str("not-a-qr-string\n");
    std::fs::write(&list, &text).unwrap();
    assert!(
        text.len() > 4 << 20,
        "larger than the 4 MiB a text file may be"
    );
    let (rc, out, err) = chek(&[
        "run",
        "--campaign",
        &campaign,
        "--db",
        &db,
        "--now",
        NOW,
        "--json",
        "--participant",
        "anna",
        &list,
    ]);
    assert_eq!(rc, 1, "one line is not a QR string: {out} {err}");
    let v = json(&out);
    assert_eq!(v["summary"]["inputs"], 3, "{}", v["summary"]);
    assert_eq!(v["summary"]["accepted"], 2, "{}", v["summary"]);
    let sources: Vec<&str> = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        vec![
            format!("{list}:2"),
            format!("{list}:{}", 3 + 5 * 1024),
            format!("{list}:{}", 4 + 5 * 1024)
        ]
    );
}

/// `chek draw lots` exports the ledger's lots so that `chek draw verify` reproduces the draw,
/// whatever the participant ids hold (commas, quotes, a leading `#`); the draw needs its
/// commitment, made before the period's end, and runs after it.
#[test]
fn draw_lots_export_verifies_with_any_participant_id() {
    let t = Tmp::new("drawlots");
    let db = t.file("l.sqlite");
    let campaign = demo("campaign.toml");
    let ids = ["o'neil, \"jr\"", "#hash"];
    for (p, q) in ids.iter().zip([
        "t=20261118T2004&s=2210.00&fn=7380440801185382&i=169402&fp=1183349520&n=1",
        "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1",
    ]) {
        let (rc, out, err) = chek(&[
            "run",
            "--campaign",
            &campaign,
            "--db",
            &db,
            "--now",
            NOW,
            "--participant",
            p,
            q,
        ]);
        assert_eq!(rc, 0, "{out} {err}");
    }
    let period = ["--period", "2026-11-01..2026-11-30"];
    let ledger = ["--campaign", campaign.as_str(), "--db", db.as_str()];
    let seed = "000102030405060708090a0b0c0d0e0f";
    let mut commit = vec!["draw", "commit"];
    commit.extend_from_slice(&ledger);
    commit.extend_from_slice(&period);
    commit.extend_from_slice(&[
        "--seed",
        seed,
        "--beacon-source",
        "drand-quicknet",
        "--beacon-round",
        "14500000",
        "--now",
        NOW,
    ]);
    let (rc, out, err) = chek(&commit);
    assert_eq!(rc, 0, "{out} {err}");
    let mut drawing = vec!["draw"];
    drawing.extend_from_slice(&ledger);
    drawing.extend_from_slice(&period);
    drawing.extend_from_slice(&[
        "--seed", seed, "--beacon", "8f3e", "--prizes", "1", "--json",
    ]);
    // Before the period's end: refused.
    let mut early = drawing.clone();
    early.extend_from_slice(&["--now", NOW]);
    let (rc, out, _) = chek(&early);
    assert_eq!(rc, 1);
    assert_eq!(json(&out)["error"]["code"], "draw.too_early", "{out}");
    drawing.extend_from_slice(&["--now", "2026-12-01T09:00:00"]);
    let (rc, out, err) = chek(&drawing);
    assert_eq!(rc, 0, "{out} {err}");
    let result = t.file("result.json");
    std::fs::write(&result, &out).unwrap();

    let mut lots = vec!["draw", "lots"];
    lots.extend_from_slice(&ledger);
    lots.extend_from_slice(&period);
    let (rc, csv, err) = chek(&lots);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(
        csv,
        "participant,lots\n\"#hash\",3\n\"o'neil, \"\"jr\"\"\",4\n"
    );
    let list = t.file("lots.csv");
    std::fs::write(&list, &csv).unwrap();
    let (rc, out, err) = chek(&["draw", "verify", "--lots", &list, "--result", &result]);
    assert_eq!(rc, 0, "{out} {err}");
    assert!(out.starts_with("verified"), "{out}");
}

/// `chek ledger verify`: intact after runs and a committed and revealed draw (exit 0, the head
/// `draw commit` printed); after an accrual is edited with SQL, the row, what was expected and
/// `store.chain_broken` with exit 4, in text and JSON.
#[test]
fn ledger_verify_finds_an_edited_row() {
    let t = Tmp::new("chain");
    let db = t.file("l.sqlite");
    let campaign = demo("campaign.toml");
    let (rc, out, err) = chek(&[
        "run",
        "--campaign",
        &campaign,
        "--db",
        &db,
        "--now",
        NOW,
        "--participant",
        "anna",
        &demo("qr.txt"),
    ]);
    assert!(rc == 0 || rc == 1, "{out} {err}");
    let ledger = ["--campaign", campaign.as_str(), "--db", db.as_str()];
    let mut commit = vec!["draw", "commit"];
    commit.extend_from_slice(&ledger);
    commit.extend_from_slice(&[
        "--period",
        "2026-11-01..2026-11-30",
        "--seed",
        "000102030405060708090a0b0c0d0e0f",
        "--beacon-source",
        "drand-quicknet",
        "--beacon-round",
        "14500000",
        "--now",
        NOW,
    ]);
    let (rc, committed, err) = chek(&commit);
    assert_eq!(rc, 0, "{committed} {err}");

    let (rc, out, err) = chek(&["ledger", "verify", "--db", &db, "--json"]);
    assert_eq!(rc, 0, "{out} {err}");
    let v = json(&out);
    assert_eq!(v["intact"], true, "{v}");
    let chain = &v["chains"][0];
    assert_eq!(chain["campaign"], "demo-november-2026");
    let links = chain["links"].as_u64().unwrap();
    let head = chain["head"].as_str().unwrap().to_owned();
    assert_eq!(v["rows"].as_u64(), Some(links));
    assert!(links >= 2, "accruals and the commitment: {v}");
    assert_eq!(head.len(), 64);
    // The head `draw commit` printed is this one (nothing was written since).
    assert!(
        committed.contains(&format!("ledger chain head {head} (position {links})")),
        "{committed}"
    );
    // One campaign by its file; text names the head too.
    let (rc, text, _) = chek(&[
        "ledger",
        "verify",
        "--db",
        &db,
        "--campaign",
        &campaign,
        "--lang",
        "en",
    ]);
    assert_eq!(rc, 0);
    assert!(
        text.contains("Hash chains intact") && text.contains(&head),
        "{text}"
    );

    // An accrual's lots changed behind chek's back.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER accruals_no_update; UPDATE accruals SET lots = lots + 10 WHERE seq = 2",
    )
    .unwrap();
    let id: i64 = conn
        .query_row("SELECT id FROM accruals WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let (rc, out, err) = chek(&["ledger", "verify", "--db", &db, "--json", "--lang", "en"]);
    assert_eq!(rc, 4, "a tampered ledger needs an operator: {out} {err}");
    let v = json(&out);
    assert_eq!(v["intact"], false);
    assert_eq!(v["rows"], 2, "{v}");
    let b = &v["break"];
    assert_eq!(b["table"], "accruals");
    assert_eq!(b["key"], format!("id {id}"));
    assert_eq!(b["seq"], 2);
    assert_eq!(b["problem"], "hash_mismatch");
    assert!(b["expected"].as_str().unwrap().starts_with("hash "), "{b}");
    let e = &v["error"];
    assert_eq!(
        (e["code"].as_str(), e["exit"].as_u64()),
        (Some("store.chain_broken"), Some(4))
    );
    assert!(err.contains("[store.chain_broken]"), "{err}");
    let (rc, text, _) = chek(&["ledger", "verify", "--db", &db, "--lang", "en"]);
    assert_eq!(rc, 4);
    assert!(
        text.contains("CHAIN BROKEN") && text.contains(&format!("accruals id {id} (position 2)")),
        "{text}"
    );

    // A ledger that is not there: bad input, not a broken chain.
    let (rc, out, _) = chek(&["ledger", "verify", "--db", &t.file("nope.sqlite"), "--json"]);
    assert_eq!(rc, 2);
    assert_eq!(error_of(&out)["code"], "store.not_found");
}
