//! Every photo diagnostic has photos that trigger it: the synthetic set's unreadable kinds each
//! carry the code they must raise, and a few cases are built here from pixels.

use std::collections::BTreeMap;
use std::time::Duration;

use chek::Coded;
use chek::scan::{Diagnostic, ScanOptions, scan, scan_luma};
use chek_tests::receipt_manifest;

#[test]
fn each_unreadable_kind_raises_its_diagnostic() {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for p in receipt_manifest()
        .iter()
        .filter(|p| !p.diagnostic.is_empty())
    {
        let bytes = std::fs::read(&p.path).expect("photo");
        let out = scan(&bytes, &ScanOptions::default()).expect("decodable photo");
        if out.fiscal.is_some()
            && ["scan.overexposed", "scan.too_dark"].contains(&p.diagnostic.as_str())
        {
            // Contrast normalisation recovers some washed-out codes the generator meant to be
            // lost; `scan_corpus` checks the text read is the one printed. Read, no advice.
            continue;
        }
        let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code()).collect();
        assert!(
            codes.contains(&p.diagnostic.as_str()),
            "{}: want {}, got {codes:?}",
            p.path.display(),
            p.diagnostic
        );
        // No false photo advice: a quality code appears only on the photos made to have that flaw.
        for quality in [
            "scan.blurry",
            "scan.too_dark",
            "scan.overexposed",
            "scan.glare",
        ] {
            assert!(
                quality == p.diagnostic || !codes.contains(&quality),
                "{}: {quality} on a {} photo ({codes:?})",
                p.path.display(),
                p.kind
            );
        }
        *seen.entry(p.diagnostic.clone()).or_default() += 1;
    }
    for code in [
        "scan.no_qr",
        "scan.qr_unreadable",
        "scan.blurry",
        "scan.too_dark",
        "scan.overexposed",
        "scan.glare",
        "scan.not_fiscal",
        "scan.image_too_small",
        "qr.missing_field",
    ] {
        assert!(
            seen.get(code).copied().unwrap_or(0) >= 1,
            "{code}: too few photos in the set ({seen:?})"
        );
    }
}

#[test]
fn readable_photos_carry_no_diagnostics() {
    for p in receipt_manifest().iter().filter(|p| p.kind == "clean") {
        let bytes = std::fs::read(&p.path).expect("photo");
        let out = scan(&bytes, &ScanOptions::default()).expect("decodable photo");
        assert!(out.fiscal.is_some(), "{}", p.path.display());
        assert!(
            out.diagnostics.is_empty(),
            "{}: {:?}",
            p.path.display(),
            out.diagnostics
        );
    }
}

#[test]
fn a_zero_budget_says_out_of_time() {
    let img = image::GrayImage::from_pixel(400, 300, image::Luma([200]));
    let opts = ScanOptions {
        budget: Duration::ZERO,
        ..ScanOptions::default()
    };
    let out = scan_luma(img, &opts).expect("in limits");
    assert!(out.tried.is_empty());
    assert!(
        out.diagnostics.contains(&Diagnostic::OutOfTime),
        "{:?}",
        out.diagnostics
    );
}

#[test]
fn every_diagnostic_has_hints_in_both_languages() {
    use chek::Lang;
    for d in [
        Diagnostic::NoQr,
        Diagnostic::QrUnreadable,
        Diagnostic::Blurry,
        Diagnostic::TooDark,
        Diagnostic::Overexposed,
        Diagnostic::Glare,
        Diagnostic::NotFiscal,
        Diagnostic::ImageTooSmall,
        Diagnostic::OutOfTime,
        Diagnostic::QrTooSmall,
        Diagnostic::QrCutOff,
        Diagnostic::Faded,
    ] {
        assert!(d.code().starts_with("scan."), "{d:?}");
        assert!(
            d.hint(Lang::Ru).chars().any(|c| ('а'..='я').contains(&c)),
            "{d:?}"
        );
        assert!(
            d.hint(Lang::En)
                .chars()
                .filter(char::is_ascii_alphabetic)
                .count()
                > 20,
            "{d:?}"
        );
    }
}
