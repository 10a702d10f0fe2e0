//! The ledger's hash chain (docs/ledger-chain.md) on both backends: SQLite (a fresh file per
//! test) and PostgreSQL (`CHEK_TEST_PG_URL`, each case in its own campaign; skipped loudly when
//! unset). Rows are tampered with as someone with database access would: plain SQL on a
//! separate connection, the append-only guards dropped (SQLite) or bypassed
//! (`session_replication_role = replica`, PostgreSQL). Forged links are computed with a second
//! implementation of the documented encoding (`link_hash` here), which also shows the document
//! is enough to re-implement verification.
//!
//! Concurrent writers are this test binary re-run on the ignored test `chain_child`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::print_stdout
)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use chek::campaign::{Campaign, Decision, ParticipantHistory};
use chek::draw::seed_commitment;
use chek::fiscal::{Candidate, Channel, FiscalQr};
use chek_store::{
    ChainProblem, ChainReport, DrawRecord, Ledger, ReceiptStatus, Settlement, needs_campaign_lock,
};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use sha2::{Digest, Sha256};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn unique(name: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{name}-{}-{t}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn campaign(id: &str) -> Campaign {
    Campaign::from_toml(&format!(
        r#"id = "{id}"
name = "Цепочка"
[when]
start = "2026-09-01"
end = "2026-09-30"
[what]
require_verification = false
[[earn]]
id = "per-receipt"
kind = "per_receipt"
lots = 1"#
    ))
    .unwrap()
}

fn qr(i: u64) -> String {
    format!("t=20260915T1200&s=100.00&fn=7281440500751551&i={i}&fp={i}&n=1")
}

fn settlement(c: &Campaign, participant: &str, qr: &str) -> Settlement {
    let mut s = Settlement::new(
        c.def().id.clone(),
        participant,
        Channel::Qr,
        now(),
        qr.to_owned(),
    );
    s.serialize_campaign = needs_campaign_lock(c);
    s
}

fn evaluator<'a>(c: &'a Campaign, qr: &str) -> impl FnMut(&ParticipantHistory) -> Decision + 'a {
    let cand = Candidate::new(qr.parse::<FiscalQr>().unwrap(), Channel::Qr);
    move |h| c.evaluate(&cand, h, now())
}

fn settle(l: &Ledger, c: &Campaign, participant: &str, qr: &str) -> chek_store::Settled {
    l.settle(&settlement(c, participant, qr), &mut evaluator(c, qr))
        .unwrap()
}

/// The documented encoding, written again from docs/ledger-chain.md.
fn link_hash(fields: &[Option<&str>]) -> String {
    let mut m = b"chek-chain-v1\n".to_vec();
    for f in fields {
        match f {
            None => m.extend_from_slice(b"-\n"),
            Some(v) => m.extend_from_slice(format!("{}:{v}\n", v.len()).as_bytes()),
        }
    }
    Sha256::digest(&m)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Direct database access, as an attacker (or a careless operator) would have it.

/// Runs SQL statements around chek: on SQLite after dropping the guards (the file is this
/// test's own), on PostgreSQL with triggers off for this session only (the database is shared
/// with other tests running now).
fn raw_exec(target: &str, sql: &str) {
    if target.starts_with("postgres") {
        pg(target, |c| async move {
            c.batch_execute(&format!("SET session_replication_role = replica; {sql}"))
                .await
                .unwrap();
        });
    } else {
        let conn = rusqlite::Connection::open(target).unwrap();
        conn.execute_batch(
            "DROP TRIGGER IF EXISTS accruals_no_update; DROP TRIGGER IF EXISTS accruals_no_delete;
             DROP TRIGGER IF EXISTS accruals_chained; DROP TRIGGER IF EXISTS draws_reveal_once;
             DROP TRIGGER IF EXISTS draws_no_delete;",
        )
        .unwrap();
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// The first column of every row, as text.
fn raw_texts(target: &str, sql: &str) -> Vec<Option<String>> {
    if target.starts_with("postgres") {
        pg(target, |c| async move {
            let mut out = Vec::new();
            for m in c.simple_query(sql).await.unwrap() {
                if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
                    out.push(r.get(0).map(str::to_owned));
                }
            }
            out
        })
    } else {
        let conn = rusqlite::Connection::open(target).unwrap();
        let mut st = conn.prepare(sql).unwrap();
        st.query_map([], |r| {
            Ok(match r.get::<_, rusqlite::types::Value>(0)? {
                rusqlite::types::Value::Null => None,
                rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                rusqlite::types::Value::Text(t) => Some(t),
                other => Some(format!("{other:?}")),
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }
}

fn raw_one(target: &str, sql: &str) -> String {
    raw_texts(target, sql)
        .into_iter()
        .next()
        .flatten()
        .unwrap_or_else(|| panic!("no value: {sql}"))
}

fn pg<T, F, Fut>(url: &str, f: F) -> T
where
    F: FnOnce(Arc<tokio_postgres::Client>) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        let driver = tokio::spawn(conn);
        let out = f(Arc::new(client)).await;
        driver.abort();
        out
    })
}

// ---------------------------------------------------------------------------------------------
// Tampering, case by case: each case is a fresh campaign of six accruals.

const LINKS: u64 = 6;

/// A campaign with six accruals (positions 1..=6); returns its id and the accrual id at each
/// position (index 0 = position 1).
fn six(l: &Ledger, target: &str, tag: &str, base: u64) -> (String, Vec<String>) {
    let id = unique(tag);
    let c = campaign(&id);
    for k in 0..LINKS {
        settle(l, &c, &format!("tg:{}", k % 3), &qr(base + k));
    }
    let r = l.verify_chain(Some(&id)).unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!(r.chains[0].links, LINKS);
    let ids = raw_texts(
        target,
        &format!("SELECT id FROM accruals WHERE campaign = '{id}' ORDER BY seq"),
    )
    .into_iter()
    .map(Option::unwrap)
    .collect();
    (id, ids)
}

/// The first break of a campaign's chain: problem, table, key, position.
fn first_break(l: &Ledger, id: &str) -> (ChainProblem, String, String, Option<i64>) {
    let r: ChainReport = l.verify_chain(Some(id)).unwrap();
    let Some(b) = r.broken.clone() else {
        panic!("tampering not found: {r:?}")
    };
    assert_eq!(b.campaign, id);
    assert!(!b.expected.is_empty() && !b.found.is_empty(), "{b:?}");
    assert!(b.to_error().to_string().contains(&b.key), "{b:?}");
    (b.problem, b.table, b.key, b.seq)
}

fn hash_at(target: &str, id: &str, seq: i64) -> String {
    raw_one(
        target,
        &format!("SELECT hash FROM accruals WHERE campaign = '{id}' AND seq = {seq}"),
    )
}

/// Participant, receipt key, submission id and lots of the accrual at `seq`, as text.
fn row_fields(target: &str, id: &str, seq: i64) -> Vec<String> {
    raw_one(
        target,
        &format!(
            "SELECT participant || '|' || receipt_key || '|' || CAST(submission_id AS TEXT)
               || '|' || CAST(lots AS TEXT)
             FROM accruals WHERE campaign = '{id}' AND seq = {seq}"
        ),
    )
    .split('|')
    .map(str::to_owned)
    .collect()
}

/// An accrual's link as the encoding computes it, for a forged row.
fn forged_hash(campaign: &str, seq: i64, prev: &str, sub: &str) -> String {
    link_hash(&[
        Some("accrual"),
        Some(campaign),
        Some(&seq.to_string()),
        Some(prev),
        Some("tg:forged"),
        Some("7281440500751551:999:999"),
        Some(sub),
        Some("100"),
        Some("0"),
        Some("2026-09-20 09:00:00.000000"),
    ])
}

fn forge_row(target: &str, campaign: &str, seq: i64, prev: &str, hash: &str, sub: &str) {
    raw_exec(
        target,
        &format!(
            "INSERT INTO accruals (campaign, participant, receipt_key, submission_id, lots, points, at,
               seq, prev_hash, hash)
             VALUES ('{campaign}', 'tg:forged', '7281440500751551:999:999', {sub}, 100, 0,
               '2026-09-20 09:00:00.000000', {seq}, '{prev}', '{hash}')"
        ),
    );
}

fn tampering_is_found_where_it_is(open: Open) {
    let Some((l, target)) = open() else { return };
    let at = |ids: &[String], pos: usize| format!("id {}", ids[pos - 1]);

    // An amount changed in place: the row itself.
    let (id, ids) = six(&l, &target, "lots", 1000);
    raw_exec(
        &target,
        &format!("UPDATE accruals SET lots = 7 WHERE campaign = '{id}' AND seq = 3"),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::HashMismatch,
            "accruals".into(),
            at(&ids, 3),
            Some(3)
        )
    );

    // The participant changed: the row itself.
    let (id, ids) = six(&l, &target, "who", 1100);
    raw_exec(
        &target,
        &format!("UPDATE accruals SET participant = 'tg:evil' WHERE campaign = '{id}' AND seq = 4"),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::HashMismatch,
            "accruals".into(),
            at(&ids, 4),
            Some(4)
        )
    );

    // A row deleted: the row after the gap.
    let (id, ids) = six(&l, &target, "del", 1200);
    raw_exec(
        &target,
        &format!("DELETE FROM accruals WHERE campaign = '{id}' AND seq = 2"),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::MissingLink,
            "accruals".into(),
            at(&ids, 3),
            Some(3)
        )
    );

    // The last row deleted: the head no longer matches.
    let (id, _) = six(&l, &target, "dellast", 1300);
    raw_exec(
        &target,
        &format!("DELETE FROM accruals WHERE campaign = '{id}' AND seq = 6"),
    );
    let (p, table, key, _) = first_break(&l, &id);
    assert_eq!(
        (p, table.as_str(), key.as_str()),
        (ChainProblem::HeadMismatch, "chain_heads", id.as_str())
    );

    // Two rows swapped: at the first of the two positions.
    let (id, ids) = six(&l, &target, "swap", 1400);
    raw_exec(
        &target,
        &format!(
            "UPDATE accruals SET seq = -2 WHERE campaign = '{id}' AND seq = 2;
             UPDATE accruals SET seq = 2 WHERE campaign = '{id}' AND seq = 3;
             UPDATE accruals SET seq = 3 WHERE campaign = '{id}' AND seq = -2;"
        ),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::PrevMismatch,
            "accruals".into(),
            at(&ids, 3),
            Some(2)
        )
    );

    // A forged row slipped in at position 4 with a correct link, the later rows moved up:
    // the next real row no longer follows its predecessor.
    let (id, ids) = six(&l, &target, "forge", 1500);
    let sub = raw_one(
        &target,
        &format!("SELECT submission_id FROM accruals WHERE campaign = '{id}' AND seq = 1"),
    );
    let prev = hash_at(&target, &id, 3);
    raw_exec(
        &target,
        &format!(
            "UPDATE accruals SET seq = seq + 1000 WHERE campaign = '{id}' AND seq >= 4;
             UPDATE accruals SET seq = seq - 999 WHERE campaign = '{id}' AND seq >= 1000;"
        ),
    );
    forge_row(
        &target,
        &id,
        4,
        &prev,
        &forged_hash(&id, 4, &prev, &sub),
        &sub,
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::PrevMismatch,
            "accruals".into(),
            at(&ids, 4),
            Some(5)
        )
    );

    // A forged row appended with a correct link, the head left alone: past the head.
    let (id, _) = six(&l, &target, "append", 1600);
    let prev = hash_at(&target, &id, 6);
    forge_row(
        &target,
        &id,
        7,
        &prev,
        &forged_hash(&id, 7, &prev, &sub),
        &sub,
    );
    let forged = raw_one(
        &target,
        &format!("SELECT id FROM accruals WHERE campaign = '{id}' AND seq = 7"),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::BeyondHead,
            "accruals".into(),
            format!("id {forged}"),
            Some(7)
        )
    );

    // An amount changed and the row's own hash recomputed: the next row's prev_hash gives it
    // away (the first break is at or just after the tampered row).
    let (id, ids) = six(&l, &target, "rehash", 1700);
    let f = row_fields(&target, &id, 3);
    let (p, k, s) = (f[0].clone(), f[1].clone(), f[2].clone());
    let prev = hash_at(&target, &id, 2);
    let rehashed = link_hash(&[
        Some("accrual"),
        Some(&id),
        Some("3"),
        Some(&prev),
        Some(&p),
        Some(&k),
        Some(&s),
        Some("50"),
        Some("0"),
        Some("2026-09-20 09:00:00.000000"),
    ]);
    raw_exec(
        &target,
        &format!(
            "UPDATE accruals SET lots = 50, hash = '{rehashed}' WHERE campaign = '{id}' AND seq = 3"
        ),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::PrevMismatch,
            "accruals".into(),
            at(&ids, 4),
            Some(4)
        )
    );

    // The head changed: the head.
    let (id, _) = six(&l, &target, "head", 1800);
    raw_exec(
        &target,
        &format!(
            "UPDATE chain_heads SET hash = '{}' WHERE campaign = '{id}'",
            "f".repeat(64)
        ),
    );
    assert_eq!(first_break(&l, &id).0, ChainProblem::HeadMismatch);

    // A draw commitment changed after the fact: that draw.
    let (id, _) = six(&l, &target, "drawedit", 1900);
    let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    l.record_draw(&DrawRecord::commitment(
        id.clone(),
        "w38",
        day(14),
        day(20),
        seed_commitment(&[3u8; 32]),
        "drand-quicknet",
        "1",
        now(),
    ))
    .unwrap();
    assert!(l.verify_chain(Some(&id)).unwrap().is_intact());
    raw_exec(
        &target,
        &format!(
            "UPDATE draws SET seed_commitment = '{}' WHERE campaign = '{id}'",
            "0".repeat(64)
        ),
    );
    assert_eq!(
        first_break(&l, &id),
        (
            ChainProblem::HashMismatch,
            "draws".into(),
            "period w38 (commitment)".into(),
            Some(7)
        )
    );

    // Every other campaign of this ledger is untouched: a whole-ledger walk stops at the first
    // broken one, and names it.
    let all = l.verify_chain(None).unwrap();
    assert!(!all.is_intact());
    assert!(all.rows >= 1);
}

/// What the chain cannot see by itself: whoever rewrites a row and every link after it, head
/// included, leaves an intact chain. Only a head published before (with a draw commitment)
/// shows it. This test pins that limit down, as docs/ledger-chain.md states it.
fn rewriting_the_rest_needs_the_published_head(open: Open) {
    let Some((l, target)) = open() else { return };
    let (id, _) = six(&l, &target, "rewrite", 2000);
    let published = l.chain_head(&id).unwrap().unwrap();
    assert_eq!(published.links, LINKS);
    // Row 3 to 50 lots, then every link from 3 on rewritten and the head moved.
    let mut prev = hash_at(&target, &id, 2);
    for seq in 3..=6 {
        let f = row_fields(&target, &id, seq);
        let lots = if seq == 3 {
            "50".to_owned()
        } else {
            f[3].clone()
        };
        let h = link_hash(&[
            Some("accrual"),
            Some(&id),
            Some(&seq.to_string()),
            Some(&prev),
            Some(&f[0]),
            Some(&f[1]),
            Some(&f[2]),
            Some(&lots),
            Some("0"),
            Some("2026-09-20 09:00:00.000000"),
        ]);
        raw_exec(
            &target,
            &format!(
                "UPDATE accruals SET lots = {lots}, prev_hash = '{prev}', hash = '{h}'
                 WHERE campaign = '{id}' AND seq = {seq}"
            ),
        );
        prev = h;
    }
    raw_exec(
        &target,
        &format!("UPDATE chain_heads SET hash = '{prev}' WHERE campaign = '{id}'"),
    );
    let r = l.verify_chain(Some(&id)).unwrap();
    assert!(r.is_intact(), "a consistent rewrite walks clean: {r:?}");
    assert_ne!(
        r.chains[0].head, published.head,
        "but its head is not the one published"
    );
}

/// Draw commitments and reveals are links too; a reveal is chained after whatever was accrued
/// in between.
fn draws_are_links(open: Open) {
    let Some((l, _)) = open() else { return };
    let id = unique("draws");
    let c = campaign(&id);
    settle(&l, &c, "tg:1", &qr(3000));
    let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    let seed = [9u8; 32];
    let commit = DrawRecord::commitment(
        id.clone(),
        "w38",
        day(14),
        day(20),
        seed_commitment(&seed),
        "drand-quicknet",
        "1",
        now(),
    );
    l.record_draw(&commit).unwrap();
    let after_commit = l.chain_head(&id).unwrap().unwrap();
    assert_eq!(after_commit.links, 2);
    settle(&l, &c, "tg:2", &qr(3001));
    let entries = vec![chek::draw::DrawEntry {
        participant: "tg:1".into(),
        lots: 1,
    }];
    let result = chek::draw::draw(&entries, &seed, b"beacon", 1, &[]).unwrap();
    l.record_draw(&DrawRecord {
        result: Some(result),
        drawn_at: Some(now() + TimeDelta::hours(1)),
        ..commit
    })
    .unwrap();
    let r = l.verify_chain(Some(&id)).unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!((r.rows, r.chains[0].links), (4, 4));
    assert_eq!(r.chains[0].head, l.chain_head(&id).unwrap().unwrap().head);
    assert_ne!(r.chains[0].head, after_commit.head);
    // Rejected and pending settles are no links: only what was counted.
    let dup = settle(&l, &c, "tg:3", &qr(3000));
    assert_ne!(dup.status, ReceiptStatus::Accepted);
    assert_eq!(l.verify_chain(Some(&id)).unwrap().chains[0].links, 4);
}

/// 8 processes × 2 threads settle at once, in batches and one by one, some receipts sent by
/// several of them: one campaign, one unbroken chain, one link per counted receipt.
fn concurrent_writers_keep_one_chain(open: Open) {
    let Some((l, target)) = open() else { return };
    let id = unique("conc");
    let children: Vec<_> = (0..8)
        .map(|p| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "chain_child",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("CHEK_CHAIN_CHILD_TARGET", &target)
                .env("CHEK_CHAIN_CHILD_CAMPAIGN", &id)
                .env("CHEK_CHAIN_CHILD_N", p.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut accepted = 0u64;
    for ch in children {
        let out = ch.wait_with_output().unwrap();
        assert!(out.status.success(), "child failed: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let n = text
            .lines()
            .find_map(|l| l.split_once("accepted=").map(|(_, n)| n))
            .unwrap_or_else(|| panic!("no result from child: {text}"));
        accepted += n.trim().parse::<u64>().unwrap();
    }
    // Per process: 2 threads × (2 batches of 25 + 10 singles) of their own, and 3 receipts
    // all 16 threads send (each counted once).
    assert_eq!(accepted, 8 * 2 * 60 + 3);
    let a = l.audit(&id).unwrap();
    assert!(a.is_sound(), "{a:?}");
    let r = l.verify_chain(Some(&id)).unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!(r.chains[0].links, accepted);
    assert_eq!(r.rows, accepted);
    assert_eq!(a.accruals, accepted);
}

#[test]
#[ignore = "run by concurrent_writers_keep_one_chain as a child process"]
fn chain_child() {
    let Ok(target) = std::env::var("CHEK_CHAIN_CHILD_TARGET") else {
        return;
    };
    let id = std::env::var("CHEK_CHAIN_CHILD_CAMPAIGN").unwrap();
    let n: u64 = std::env::var("CHEK_CHAIN_CHILD_N")
        .unwrap()
        .parse()
        .unwrap();
    let l = Ledger::open(&target).unwrap();
    let c = Arc::new(campaign(&id));
    let handles: Vec<_> = (0..2u64)
        .map(|t| {
            let (l, c) = (l.clone(), c.clone());
            thread::spawn(move || {
                let base = 5_000_000 + n * 10_000 + t * 1_000;
                let who = format!("p{n}-t{t}");
                let mut accepted = 0u64;
                for b in 0..2u64 {
                    let qrs: Vec<String> = (0..25).map(|k| qr(base + b * 100 + k)).collect();
                    let items: Vec<Settlement> =
                        qrs.iter().map(|q| settlement(&c, &who, q)).collect();
                    let out = l
                        .settle_batch(&items, &mut |i, h| evaluator(&c, &qrs[i])(h))
                        .unwrap();
                    accepted += out
                        .iter()
                        .filter(|r| {
                            r.as_ref()
                                .is_ok_and(|s| s.status == ReceiptStatus::Accepted)
                        })
                        .count() as u64;
                }
                // Shared receipts (every thread of every process) among its own.
                for k in 0..13u64 {
                    let q = if k % 4 == 3 {
                        qr(4_999_000 + k / 4)
                    } else {
                        qr(base + 500 + k)
                    };
                    let s = l.settle(&settlement(&c, &who, &q), &mut evaluator(&c, &q));
                    match s {
                        Ok(s) => accepted += u64::from(s.status == ReceiptStatus::Accepted),
                        // Another participant accepted it between this one's read and write.
                        Err(e) => assert_eq!(chek::Coded::code(&e), "store.conflict"),
                    }
                }
                accepted
            })
        })
        .collect();
    let accepted: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("accepted={accepted}");
}

// ---------------------------------------------------------------------------------------------
// Ledgers written before the chain: schema step 5 chains their rows.

/// Takes a ledger back to schema 4 (as an older chek left it).
fn downgrade_to_4(target: &str) {
    if target.starts_with("postgres") {
        raw_exec(
            target,
            "DROP INDEX accruals_chain; DROP TABLE chain_heads;
             ALTER TABLE accruals DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
             ALTER TABLE draws DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash,
               DROP COLUMN reveal_seq, DROP COLUMN reveal_prev_hash, DROP COLUMN reveal_hash;
             DROP FUNCTION chek_chain_accruals; DROP FUNCTION chek_chain_hash;
             -- (schema 3's guard, shortened: migration 5 replaces it)
             CREATE OR REPLACE FUNCTION chek_draws_guard() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'draws are append-only'; END IF;
               IF OLD.result IS NOT NULL OR NEW.result IS NULL THEN
                 RAISE EXCEPTION 'a draw is revealed once and never changed';
               END IF;
               RETURN NEW;
             END $$;
             DROP TABLE outbox; DELETE FROM schema_version WHERE version >= 5;",
        );
    } else {
        raw_exec(
            target,
            "DROP INDEX accruals_chain; DROP TABLE chain_heads;
             ALTER TABLE accruals DROP COLUMN seq; ALTER TABLE accruals DROP COLUMN prev_hash;
             ALTER TABLE accruals DROP COLUMN hash;
             ALTER TABLE draws DROP COLUMN seq; ALTER TABLE draws DROP COLUMN prev_hash;
             ALTER TABLE draws DROP COLUMN hash; ALTER TABLE draws DROP COLUMN reveal_seq;
             ALTER TABLE draws DROP COLUMN reveal_prev_hash; ALTER TABLE draws DROP COLUMN reveal_hash;
             CREATE TRIGGER accruals_no_update BEFORE UPDATE ON accruals
             BEGIN SELECT RAISE(ABORT, 'accruals are append-only'); END;
             CREATE TRIGGER accruals_no_delete BEFORE DELETE ON accruals
             BEGIN SELECT RAISE(ABORT, 'accruals are append-only'); END;
             CREATE TRIGGER draws_no_delete BEFORE DELETE ON draws
             BEGIN SELECT RAISE(ABORT, 'draws are append-only'); END;
             -- (schema 3's trigger, shortened: migration 5 replaces it)
             CREATE TRIGGER draws_reveal_once BEFORE UPDATE ON draws WHEN OLD.result IS NOT NULL
             BEGIN SELECT RAISE(ABORT, 'a draw is revealed once and never changed'); END;
             DROP TABLE outbox; DELETE FROM schema_version WHERE version >= 5;",
        );
    }
}

/// Rows of two campaigns, with draws committed and revealed, written at schema 4; on open the
/// migration chains them in row order, and the ledger goes on appending to those chains.
fn backfill(target: &str) {
    let l = Ledger::open(target).unwrap();
    let (a, b) = (unique("bf-a"), unique("bf-b"));
    let (ca, cb) = (campaign(&a), campaign(&b));
    for k in 0..5 {
        settle(&l, &ca, &format!("tg:{k}"), &qr(6000 + k));
        settle(&l, &cb, "tg:x", &qr(6100 + k));
    }
    let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    let seed = [5u8; 32];
    let commit = DrawRecord::commitment(
        a.clone(),
        "w38",
        day(14),
        day(20),
        seed_commitment(&seed),
        "drand-quicknet",
        "1",
        now(),
    );
    l.record_draw(&commit).unwrap();
    let entries = vec![chek::draw::DrawEntry {
        participant: "tg:1".into(),
        lots: 1,
    }];
    l.record_draw(&DrawRecord {
        result: Some(chek::draw::draw(&entries, &seed, b"b", 1, &[]).unwrap()),
        drawn_at: Some(now()),
        ..commit
    })
    .unwrap();
    l.record_draw(&DrawRecord::commitment(
        b.clone(),
        "w39",
        day(21),
        day(27),
        seed_commitment(&[6u8; 32]),
        "drand-quicknet",
        "2",
        now(),
    ))
    .unwrap();
    drop(l);
    downgrade_to_4(target);
    let l = Ledger::open(target).unwrap();
    assert_eq!(l.schema_version().unwrap(), chek_store::SCHEMA_VERSION);
    for (id, links) in [(&a, 7), (&b, 6)] {
        let r = l.verify_chain(Some(id)).unwrap();
        assert!(r.is_intact(), "{id}: {r:?}");
        assert_eq!(r.chains[0].links, links, "{id}");
    }
    // The accruals in id order first: position 1 is the oldest row.
    let first = raw_one(
        target,
        &format!("SELECT participant FROM accruals WHERE campaign = '{a}' AND seq = 1"),
    );
    assert_eq!(first, "tg:0");
    settle(&l, &ca, "tg:9", &qr(6200));
    let r = l.verify_chain(Some(&a)).unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!(r.chains[0].links, 8);
    // The guards are back: an accrual cannot be changed in place.
    let refused = if target.starts_with("postgres") {
        None
    } else {
        let conn = rusqlite::Connection::open(target).unwrap();
        Some(conn.execute_batch("UPDATE accruals SET lots = 9").is_err())
    };
    assert_ne!(refused, Some(false), "the append-only trigger is back");
}

#[test]
fn sqlite_ledger_of_schema_4_is_chained_on_open() {
    let (_, target) = sqlite().unwrap();
    backfill(&target);
}

/// The same on a database of its own on the test server (the shared one stays at the current schema).
#[test]
fn postgres_ledger_of_schema_4_is_chained_on_open() {
    let Some((_, url)) = postgres() else { return };
    let db = format!("chek_bf_{}", std::process::id());
    // Each alone: neither runs inside a transaction block.
    let admin = |sql: String| {
        pg(
            &url,
            |c| async move { c.batch_execute(&sql).await.unwrap() },
        );
    };
    admin(format!("DROP DATABASE IF EXISTS {db}"));
    admin(format!("CREATE DATABASE {db}"));
    let (base, _) = url.rsplit_once('/').unwrap();
    let target = format!("{base}/{db}");
    backfill(&target);
    // The PostgreSQL half: the append-only trigger is on again after the fill.
    let refused = pg(&target, |c| async move {
        c.batch_execute("UPDATE accruals SET lots = 9")
            .await
            .is_err()
    });
    assert!(refused, "accruals are append-only again");
    admin(format!("DROP DATABASE {db} WITH (FORCE)"));
}

// ---------------------------------------------------------------------------------------------
// The two backends.

type Open = fn() -> Option<(Ledger, String)>;

fn sqlite() -> Option<(Ledger, String)> {
    let dir = chek_tests::repo_dir().join("target").join("ledger-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.sqlite", unique("chain")));
    let target = path.to_string_lossy().into_owned();
    Some((Ledger::open(&target).unwrap(), target))
}

fn postgres() -> Option<(Ledger, String)> {
    let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
        eprintln!(
            "\n!!! CHEK_TEST_PG_URL is not set: PostgreSQL chain test SKIPPED (scripts/test sets it) !!!\n"
        );
        return None;
    };
    Some((Ledger::open(&url).unwrap(), url))
}

macro_rules! suite {
    ($backend:ident: $($name:ident),* $(,)?) => {
        mod $backend {
            $(
                #[test]
                fn $name() {
                    super::$name(super::$backend);
                }
            )*
        }
    };
}

suite!(sqlite:
    tampering_is_found_where_it_is,
    rewriting_the_rest_needs_the_published_head,
    draws_are_links,
    concurrent_writers_keep_one_chain,
);

suite!(postgres:
    tampering_is_found_where_it_is,
    rewriting_the_rest_needs_the_published_head,
    draws_are_links,
    concurrent_writers_keep_one_chain,
);

/// On SQLite the guards can be dropped outright: a row without a link, and a second row at a
/// taken position (the unique index dropped too), are found.
#[test]
fn sqlite_unchained_and_duplicate_rows() {
    let (l, target) = sqlite().unwrap();
    let (id, _) = six(&l, &target, "unchained", 7000);
    raw_exec(
        &target,
        &format!(
            "INSERT INTO accruals (campaign, participant, receipt_key, submission_id, lots, points, at)
             VALUES ('{id}', 'tg:forged', 'k', 1, 100, 0, '2026-09-20 09:00:00.000000')"
        ),
    );
    let (p, table, key, seq) = first_break(&l, &id);
    assert_eq!(
        (p, table.as_str(), seq),
        (ChainProblem::Unchained, "accruals", None)
    );
    assert!(key.starts_with("id "), "{key}");

    let (id, ids) = six(&l, &target, "dup", 7100);
    let prev = hash_at(&target, &id, 2);
    let sub = raw_one(
        &target,
        &format!("SELECT submission_id FROM accruals WHERE campaign = '{id}' AND seq = 1"),
    );
    raw_exec(&target, "DROP INDEX IF EXISTS accruals_chain");
    forge_row(
        &target,
        &id,
        3,
        &prev,
        &forged_hash(&id, 3, &prev, &sub),
        &sub,
    );
    let forged = raw_one(
        &target,
        &format!("SELECT id FROM accruals WHERE campaign = '{id}' AND participant = 'tg:forged'"),
    );
    // The real row 3 and the forged one both claim position 3: the one met second (in id
    // order, the forged one) is the break.
    let (p, _, key, seq) = first_break(&l, &id);
    assert_eq!((p, seq), (ChainProblem::DuplicateLink, Some(3)));
    assert_eq!(key, format!("id {forged}"));
    assert_ne!(key, format!("id {}", ids[2]));
}
