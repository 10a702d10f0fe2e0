//! chek-draw-v1 against its published test vectors, plus determinism, fairness and tamper checks.

use chek::draw::{DrawEntry, DrawError, draw, from_hex, verify};
use chek_tests::repo_dir;
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Value {
    let p = repo_dir().join("docs/draw-v1-vectors.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn entries(v: &Value) -> Vec<DrawEntry> {
    serde_json::from_value(v["lots"].clone()).unwrap_or_else(|e| panic!("lots: {e}"))
}

fn hex(v: &Value, k: &str) -> Vec<u8> {
    from_hex(v[k].as_str().unwrap_or_default()).unwrap_or_else(|| panic!("{k} is not hex"))
}

#[test]
fn published_vectors_reproduce() {
    let all = vectors();
    let list = all["vectors"].as_array().cloned().unwrap_or_default();
    assert!(list.len() >= 5, "the vectors file lost cases");
    for v in &list {
        let name = v["name"].as_str().unwrap_or("?");
        let excluded: Vec<String> =
            serde_json::from_value(v["excluded"].clone()).unwrap_or_default();
        let prizes = v["prizes"].as_u64().unwrap_or(0) as u32;
        let r = draw(
            &entries(v),
            &hex(v, "seed"),
            &hex(v, "beacon"),
            prizes,
            &excluded,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            r.seed_commitment,
            v["seed_commitment"].as_str().unwrap_or(""),
            "{name}"
        );
        assert_eq!(r.lots_hash, v["lots_hash"].as_str().unwrap_or(""), "{name}");
        assert_eq!(
            r.exclusions_hash,
            v["exclusions_hash"].as_str().unwrap_or(""),
            "{name}"
        );
        let winners = serde_json::to_value(&r.winners).unwrap_or_default();
        assert_eq!(winners, v["winners"], "{name}");
        verify(&r, &entries(v)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

fn sample() -> Vec<DrawEntry> {
    (0..50)
        .map(|i| DrawEntry {
            participant: format!("p{i:02}"),
            lots: (i % 7) + 1,
        })
        .collect()
}

#[test]
fn tampering_is_detected() {
    let list = sample();
    let r = draw(&list, &[9; 16], b"round-42", 3, &[]).unwrap_or_else(|e| panic!("{e}"));
    // A lot added after close changes the lots hash.
    let mut more = list.clone();
    more[0].lots += 1;
    assert!(matches!(
        verify(&r, &more),
        Err(DrawError::Mismatch {
            what: "lots_hash",
            ..
        })
    ));
    // A different seed than the committed one.
    let mut forged = r.clone();
    forged.seed = "0a".repeat(16);
    assert!(matches!(
        verify(&forged, &list),
        Err(DrawError::Mismatch {
            what: "seed_commitment",
            ..
        })
    ));
    // Swapped winners.
    let mut swapped = r.clone();
    swapped.winners.swap(0, 1);
    assert!(matches!(
        verify(&swapped, &list),
        Err(DrawError::Mismatch {
            what: "winners",
            ..
        })
    ));
    verify(&r, &list).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn bad_inputs_are_typed_errors() {
    let e = |p: &str, l| DrawEntry {
        participant: p.into(),
        lots: l,
    };
    assert!(matches!(
        draw(&[e("a", 1)], &[1; 8], b"b", 1, &[]),
        Err(DrawError::BadParameters(_))
    ));
    assert!(matches!(
        draw(&[e("a", 1), e("a", 2)], &[1; 16], b"b", 1, &[]),
        Err(DrawError::DuplicateParticipant(_))
    ));
    assert!(matches!(
        draw(&[e("a", 0)], &[1; 16], b"b", 1, &[]),
        Err(DrawError::ZeroLots(_))
    ));
    assert!(matches!(
        draw(&[e("a\tb", 1)], &[1; 16], b"b", 1, &[]),
        Err(DrawError::BadParticipant(_))
    ));
    assert!(matches!(
        draw(&[], &[1; 16], b"b", 1, &[]),
        Err(DrawError::BadList(_))
    ));
    assert!(matches!(
        draw(&[e("a", 1 << 62), e("b", 1)], &[1; 16], b"b", 1, &[]),
        Err(DrawError::BadList(_))
    ));
}

#[test]
fn weights_are_respected_over_many_seeds() {
    // 1 : 3 : 6 lots. Over 3000 beacons the first prize must follow 10% / 30% / 60%, within
    // five standard deviations.
    let e = |p: &str, l| DrawEntry {
        participant: p.into(),
        lots: l,
    };
    let list = [e("a", 1), e("b", 3), e("c", 6)];
    let n = 3000u32;
    let mut wins = [0u32; 3];
    for i in 0..n {
        let r = draw(&list, &[5; 16], &i.to_be_bytes(), 1, &[]).unwrap_or_else(|e| panic!("{e}"));
        let w = &r.winners[0].participant;
        wins[usize::from(w.as_bytes()[0] - b'a')] += 1;
    }
    for (k, p) in [0.1f64, 0.3, 0.6].iter().enumerate() {
        let mean = f64::from(n) * p;
        let sd = (f64::from(n) * p * (1.0 - p)).sqrt();
        let got = f64::from(wins[k]);
        assert!(
            (got - mean).abs() < 5.0 * sd,
            "entry {k}: {got} wins, expected {mean:.0} ± {:.0}",
            5.0 * sd
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn same_seed_and_input_same_winners(
        lots in prop::collection::vec(1u64..1000, 1..40),
        seed in prop::collection::vec(any::<u8>(), 16..40),
        beacon in prop::collection::vec(any::<u8>(), 1..40),
        prizes in 1u32..10,
    ) {
        let list: Vec<DrawEntry> = lots.iter().enumerate().map(|(i, l)| DrawEntry { participant: format!("u{i}"), lots: *l }).collect();
        let a = draw(&list, &seed, &beacon, prizes, &[]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut rev = list.clone();
        rev.reverse();
        let b = draw(&rev, &seed, &beacon, prizes, &[]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&a.winners, &b.winners);
        // One prize per participant, and never more prizes than participants.
        let mut names: Vec<&str> = a.winners.iter().map(|w| w.participant.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        prop_assert_eq!(names.len(), a.winners.len());
        prop_assert_eq!(a.winners.len(), (prizes as usize).min(list.len()));
    }

    #[test]
    fn excluded_never_win(seed in prop::collection::vec(any::<u8>(), 16..17), k in 0usize..10) {
        let list: Vec<DrawEntry> = (0..10).map(|i| DrawEntry { participant: format!("u{i}"), lots: 5 }).collect();
        let ex = vec![format!("u{k}")];
        let r = draw(&list, &seed, b"x", 9, &ex).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(r.winners.len(), 9);
        prop_assert!(r.winners.iter().all(|w| w.participant != ex[0]));
    }
}
