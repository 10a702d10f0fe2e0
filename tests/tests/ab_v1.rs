//! chek-ab-v1 against its published test vectors (docs/ab-v1-vectors.json, written by the
//! independent Python implementation scripts/ab_v1_reference.py).

use chek::engage::feedback::{Experiment, Variant, Z95, bucket, wilson};
use chek_tests::repo_dir;
use serde_json::Value;

fn vectors() -> Value {
    let p = repo_dir().join("docs/ab-v1-vectors.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn assignments_reproduce() {
    let all = vectors();
    assert_eq!(all["algorithm"], "chek-ab-v1");
    let list = all["vectors"].as_array().cloned().unwrap_or_default();
    assert!(list.len() >= 6, "the vectors file lost cases");
    let mut checked = 0;
    for v in &list {
        let name = v["experiment"].as_str().unwrap_or_default();
        let variants: Vec<Variant> = v["variants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| Variant {
                name: x["name"].as_str().unwrap_or_default().to_owned(),
                weight: x["weight"].as_u64().unwrap_or_default() as u32,
                message: String::new(),
            })
            .collect();
        let e = Experiment {
            name: name.to_owned(),
            variants,
        };
        for a in v["assignments"].as_array().into_iter().flatten() {
            let client = a["client"].as_str().unwrap_or_default();
            assert_eq!(
                u64::from(bucket(name, client)),
                a["bucket"].as_u64().unwrap_or(u64::MAX),
                "{name} / {client}"
            );
            let got = e
                .assign(client)
                .unwrap_or_else(|err| panic!("{name} / {client}: {err}"));
            assert_eq!(
                got.name,
                a["variant"].as_str().unwrap_or_default(),
                "{name} / {client}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked} assignments");
}

#[test]
fn wilson_intervals_reproduce() {
    let all = vectors();
    let list = all["wilson"].as_array().cloned().unwrap_or_default();
    assert!(list.len() >= 8);
    for w in &list {
        let (k, n) = (
            w["converted"].as_u64().unwrap_or_default(),
            w["exposed"].as_u64().unwrap_or_default(),
        );
        let (lo, hi) = wilson(k, n, Z95);
        let want_lo = w["ci_low"].as_f64().unwrap_or(f64::NAN);
        let want_hi = w["ci_high"].as_f64().unwrap_or(f64::NAN);
        assert!((lo - want_lo).abs() < 1e-12, "{k}/{n}: {lo} vs {want_lo}");
        assert!((hi - want_hi).abs() < 1e-12, "{k}/{n}: {hi} vs {want_hi}");
    }
}
