//! Decode-rate floors over the real QR photo sets and the synthetic receipt photos, in the shape
//! of rxing's black-box tests: a minimum pass count per set that must not regress. The floors
//! were set from the measurement printed by `scripts/bench-scan` (ours on 2026-11-23), a little
//! below it so that harmless changes in rxing do not fail the suite.

use std::collections::BTreeMap;
use std::path::Path;

use chek::scan::{ScanOptions, scan};
use chek_tests::{Photo, receipt_manifest, receipt_manifest_hard, shared_dir};

/// (set, images, minimum read).
/// Measured: 293 of 316 read (zxing-cpp 3.1.1 in the same benchmark run is in the README).
const QR_REAL_FLOORS: &[(&str, usize, usize)] = &[
    ("qrcode-1", 8, 8),
    ("qrcode-2", 56, 50),
    ("qrcode-3", 18, 18),
    ("qrcode-4", 24, 15),
    ("qrcode-5", 16, 16),
    ("qrcode-6", 15, 15),
    ("zxing-qrcode-1", 20, 19),
    ("zxing-qrcode-2", 35, 32),
    ("zxing-qrcode-3", 42, 41),
    ("zxing-qrcode-4", 48, 39),
    ("zxing-qrcode-5", 19, 19),
    ("zxing-qrcode-6", 15, 15),
];

fn read_any(path: &Path, expected: &str, opts: &ScanOptions) -> bool {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match scan(&bytes, opts) {
        Ok(o) => {
            o.fiscal_text.as_deref() == Some(expected) || o.others.iter().any(|t| t == expected)
        }
        Err(_) => false,
    }
}

#[test]
fn qr_real_sets_do_not_regress() {
    let root = shared_dir().join("corpus").join("qr-real");
    let opts = ScanOptions {
        stop_at_any_code: true,
        ..ScanOptions::default()
    };
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for set in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let set = set.expect("dir entry").path();
        if !set.is_dir() {
            continue;
        }
        let name = set
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        for f in std::fs::read_dir(&set).expect("set dir") {
            let p = f.expect("entry").path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if !["png", "jpg", "webp"].contains(&ext) {
                continue;
            }
            let Ok(expected) = std::fs::read_to_string(p.with_extension("txt")) else {
                continue;
            };
            let c = counts.entry(name.clone()).or_default();
            c.0 += 1;
            c.1 += usize::from(read_any(&p, &expected, &opts));
        }
    }
    eprintln!("{counts:?}");
    for &(set, images, floor) in QR_REAL_FLOORS {
        let (n, read) = counts.get(set).copied().unwrap_or_default();
        assert_eq!(n, images, "{set}: image count changed");
        assert!(read >= floor, "{set}: read {read}/{n}, floor {floor}");
    }
}

#[test]
fn synthetic_receipts_do_not_regress_and_never_misread() {
    let photos = receipt_manifest();
    let opts = ScanOptions::default();
    let (mut readable, mut read) = (0, 0);
    for p in &photos {
        let bytes = std::fs::read(&p.path).expect("photo");
        let out = scan(&bytes, &opts).unwrap_or_else(|e| panic!("{}: {e}", p.path.display()));
        if p.expected.is_empty() {
            assert_no_misread(p, out.fiscal_text.as_deref());
        } else {
            readable += 1;
            if let Some(text) = &out.fiscal_text {
                assert_eq!(text, &p.expected, "{}: wrong fiscal text", p.path.display());
                read += 1;
            }
        }
    }
    eprintln!("synthetic: read {read}/{readable}");
    assert!(
        read >= SYNTHETIC_FLOOR,
        "synthetic: read {read}/{readable}, floor {SYNTHETIC_FLOOR}"
    );
}

/// Measured: 66 of the 72 readable photos of the default set (seed 20261123); the misses are the
/// hardest damage (heavy blur, strong curl, double creases with noise), which zxing-cpp misses too.
const SYNTHETIC_FLOOR: usize = 64;

/// The first generator draws some photos unreadable on purpose by their quality (washed out,
/// nearly black, heavily blurred, glare over the code) while the code under the damage is the
/// fiscal string number `index % n` of `qr-strings.txt`. A reader that still recovers that exact
/// string has not misread; any other fiscal result, or one on a photo with no fiscal code
/// (`no_qr`, `not_fiscal`, `cutoff`, `fiscal_broken`, the second generator's negatives), is a
/// misread.
fn assert_no_misread(p: &Photo, read: Option<&str>) {
    let Some(read) = read else { return };
    let quality = ["overexposed", "very_dark", "very_blurry", "glare_over"];
    let name = p
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let in_first_set = p.path.parent() == receipt_manifest().first().and_then(|q| q.path.parent());
    if in_first_set && quality.contains(&p.kind.as_str()) {
        let strings: Vec<String> = chek_tests::fixture("qr-strings.txt")
            .lines()
            .map(str::trim)
            .filter(|l| {
                !l.is_empty() && !l.starts_with('#') && l.contains("fn=") && l.contains("fp=")
            })
            .map(str::to_owned)
            .collect();
        let index: usize = name
            .split('-')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(usize::MAX);
        let encoded = strings.get(index % strings.len().max(1));
        assert_eq!(
            Some(&read.to_owned()),
            encoded,
            "{name}: misread a {} photo",
            p.kind
        );
        return;
    }
    panic!(
        "{}: read {read:?} from a photo with no readable fiscal QR",
        p.path.display()
    );
}

/// Reads every photo of a synthetic set; per damage kind, (photos with a fiscal QR, read). Any
/// wrong fiscal text, or a fiscal result on a photo made unreadable, fails at once.
fn read_by_kind(photos: &[Photo]) -> BTreeMap<String, (usize, usize)> {
    let opts = ScanOptions::default();
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for p in photos {
        let bytes = std::fs::read(&p.path).unwrap_or_else(|e| panic!("{}: {e}", p.path.display()));
        let out = scan(&bytes, &opts).unwrap_or_else(|e| panic!("{}: {e}", p.path.display()));
        let entry = by_kind.entry(p.kind.clone()).or_default();
        if p.expected.is_empty() {
            assert_no_misread(p, out.fiscal_text.as_deref());
            continue;
        }
        entry.0 += 1;
        if let Some(text) = &out.fiscal_text {
            assert_eq!(text, &p.expected, "{}: wrong fiscal text", p.path.display());
            entry.1 += 1;
        }
    }
    by_kind
}

#[allow(clippy::print_stderr)] // the measured counts, for setting floors
fn check_floors(set: &str, by_kind: &BTreeMap<String, (usize, usize)>, floors: &[(&str, usize)]) {
    eprintln!("{set}: {by_kind:?}");
    for &(kind, floor) in floors {
        let (n, read) = by_kind.get(kind).copied().unwrap_or_default();
        assert!(n >= floor, "{set}/{kind}: only {n} photos");
        assert!(
            read >= floor,
            "{set}/{kind}: read {read}/{n}, floor {floor}"
        );
    }
}

/// Per damage kind of the default synthetic set (90 photos, seed 20261123); measured 4 of 4 on
/// each of these kinds on 2026-12-05.
const SYNTHETIC_KIND_FLOORS: &[(&str, usize)] = &[
    ("clean", 4),
    ("fade", 4),
    ("lowcontrast", 4),
    ("glare_side", 4),
    ("small12mp", 3),
    ("curl", 3),
    ("crease", 4),
    ("shadow", 4),
    ("rotation", 4),
    ("perspective", 4),
];

#[test]
fn synthetic_kinds_keep_their_floors() {
    check_floors(
        "synthetic",
        &read_by_kind(&receipt_manifest()),
        SYNTHETIC_KIND_FLOORS,
    );
}

/// Per category of the second generator's set (`scripts/gen_receipt_photos_hard.py`, 64 photos,
/// seed 20261205). Measured 2026-12-05 (chek / zxing-cpp 3.1.1 of n): faded 11/4 of 12, glare
/// 8/8 of 8, small 8/8 of 8, curl 1/1 of 4, crumple 7/7 of 8, edge 4/0 of 4, plain 4/4 of 4.
const HARD_FLOORS: &[(&str, usize)] = &[
    ("plain", 4),
    ("faded", 10),
    ("glare", 7),
    ("small", 7),
    ("curl", 1),
    ("crumple", 6),
    ("edge", 3),
];

#[test]
fn second_generator_categories_keep_their_floors() {
    check_floors(
        "synthetic-hard",
        &read_by_kind(&receipt_manifest_hard()),
        HARD_FLOORS,
    );
}
