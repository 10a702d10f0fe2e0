//! The preprocessing passes, cheapest first, stopping at the first fiscal QR or when the time
//! budget is spent.

use std::time::Instant;

use chek_core::fiscal::FiscalQr;
use image::GrayImage;

use crate::detect::{self, Finder, Found, Reader};
use crate::measure::{group_finders, qr_region};
use crate::prep;

/// Longest side of the first, cheap passes: a receipt QR filling a tenth of a phone photo still
/// has modules of 3+ px at this size, and rxing runs about 8× faster than on 12 MP.
pub(crate) const BASE_SIDE: u32 = 1280;
/// Longest side the full-resolution passes work at (larger photos are box-filtered down to it).
const FULL_SIDE: u32 = 4096;
/// At most this many candidate regions are cropped and enlarged.
const MAX_CROPS: usize = 3;

/// Names of the passes, in the order they run. Stable: the benchmark and
/// [`ScanOutcome::pass`](crate::ScanOutcome::pass) report them.
///
/// Why each is here (`scripts/bench-scan`, leaving one out with `--skip`, 316 real + 315
/// synthetic photos): `base_adaptive` reads faded print at the second pass (median −0.2 ms);
/// `half_adaptive` reads noisy and creased faded photos (2 photos) and, placed early, halves the
/// p90; `full` reads small codes in 12 MP frames (1); `crop` (1 real, 2 synthetic); `java` (2
/// real); `invert` (3 real); `stretch` (1 real). Rotation needs no pass: the detector reads
/// codes at any angle (all rotated photos read in `base`). `lcn` reads faded print with 15–30
/// grey levels of contrast (15 of 18 such photos of the second generator, 0 without it) and
/// `paper` codes against the paper's edge (2 of 6); `full` runs before them so small codes in
/// 12 MP frames are not made to wait (12 MP median 502 -> 221 ms, same reads). See
/// `docs/scan.md`.
pub const PASSES: &[&str] = &[
    "base",
    "base_adaptive",
    "full",
    "lcn",
    "half_adaptive",
    "paper",
    "crop",
    "java",
    "invert",
    "stretch",
];

/// Passes that run only when the corner squares of a code were seen somewhere (in the reduced
/// picture, its contrast-normalised copy or, for a reduced photo, at full size). On photos with
/// no code at all (a pre-bill, a receipt photographed without its foot) they cost most of the
/// time and read nothing; the passes that find codes no finder search sees (`lcn` for faded
/// print, `full` for small codes, `invert`) always run.
const GATED: &[&str] = &["half_adaptive", "crop", "java", "stretch"];

pub(crate) struct Run<'a> {
    pub(crate) full: GrayImage,
    pub(crate) base: GrayImage,
    /// Scale of `full` over `base` (≥ 1).
    pub(crate) base_scale: f32,
    pub(crate) fiscal: Option<(FiscalQr, String, &'static str)>,
    pub(crate) others: Vec<String>,
    finders_base: Option<Vec<Finder>>,
    finders_full: Option<Vec<Finder>>,
    finders_lcn: Option<Vec<Finder>>,
    seen: Option<bool>,
    pub(crate) tried: Vec<&'static str>,
    pub(crate) out_of_time: bool,
    skip: &'a [String],
}

impl<'a> Run<'a> {
    pub(crate) fn new(full: GrayImage, skip: &'a [String]) -> Self {
        let full = prep::downscale(&full, FULL_SIDE).unwrap_or(full);
        let base = prep::downscale(&full, BASE_SIDE).unwrap_or_else(|| full.clone());
        let base_scale = full.width() as f32 / base.width().max(1) as f32;
        Run {
            full,
            base,
            base_scale,
            fiscal: None,
            others: Vec::new(),
            finders_base: None,
            finders_full: None,
            finders_lcn: None,
            seen: None,
            tried: Vec::new(),
            out_of_time: false,
            skip,
        }
    }

    fn take(&mut self, found: Vec<Found>, pass: &'static str) {
        for f in found {
            let text = f.text;
            if self.fiscal.is_none()
                && let Ok(qr) = FiscalQr::parse(&text)
            {
                self.fiscal = Some((qr, text, pass));
                continue;
            }
            if !self.others.contains(&text) && self.fiscal.as_ref().is_none_or(|f| f.1 != text) {
                self.others.push(text);
            }
        }
    }

    /// Runs the passes until a fiscal QR is read or `deadline` passes.
    pub(crate) fn run(&mut self, deadline: Instant, stop_at_any: bool) {
        let downscaled = self.full.dimensions() != self.base.dimensions();
        for &pass in PASSES {
            if self.fiscal.is_some() || (stop_at_any && !self.others.is_empty()) {
                return;
            }
            if self.skip.iter().any(|s| s == pass) {
                continue;
            }
            if Instant::now() >= deadline {
                self.out_of_time = true;
                return;
            }
            if GATED.contains(&pass) && !self.qr_seen() {
                continue;
            }
            // A code against the paper's edge shows two corners at best until the background is
            // painted over.
            if pass == "paper" && !self.qr_seen() && !self.corner_pair_seen() {
                continue;
            }
            let found = match pass {
                "base" => detect::decode_all(&self.base, Reader::Cpp),
                "base_adaptive" => detect::decode_all(&adaptive(&self.base), Reader::Cpp),
                "lcn" => detect::decode_all(&lcn(&self.base), Reader::Cpp),
                "paper" => match prep::fill_background(&self.base) {
                    Some(s) => {
                        let mut found = detect::decode_all(&s, Reader::Cpp);
                        if found.is_empty() {
                            found = detect::decode_all(&lcn(&s), Reader::Cpp);
                        }
                        found
                    }
                    None => continue,
                },
                "full" if downscaled => detect::decode_all(&self.full, Reader::Cpp),
                "full_adaptive" if downscaled => {
                    detect::decode_all(&adaptive(&self.full), Reader::Cpp)
                }
                "crop" => self.crops(deadline),
                "java" => detect::decode_all(&self.base, Reader::Java),
                "invert" => detect::decode_all(&prep::invert(&self.base), Reader::Cpp),
                "stretch" => match prep::stretch(&self.base) {
                    Some(s) => detect::decode_all(&s, Reader::Cpp),
                    None => continue,
                },
                "half_adaptive" => match prep::downscale(&self.base, BASE_SIDE / 2) {
                    Some(s) => detect::decode_all(&adaptive(&s), Reader::Cpp),
                    None => continue,
                },
                _ => continue,
            };
            self.tried.push(pass);
            self.take(found, pass);
        }
    }

    /// Crops around groups of finder patterns seen at full resolution and enlarges them so
    /// modules get to about 4 px: small codes in 12 MP frames and codes among clutter.
    fn crops(&mut self, deadline: Instant) -> Vec<Found> {
        let finders = self.full_finders().to_vec();
        let mut out = Vec::new();
        for group in group_finders(&finders).into_iter().take(MAX_CROPS) {
            if Instant::now() >= deadline {
                break;
            }
            let Some(rect) = qr_region(&group) else {
                continue;
            };
            let module = group.iter().map(|f| f.size).fold(0.0f32, f32::max) / 7.0;
            let k = (4.0 / module.max(0.5)).ceil().clamp(1.0, 4.0) as u32;
            // Enlarged crops stay within a 2 MP work image.
            let k = k
                .min(((2_000_000.0 / (rect.2.max(1) * rect.3.max(1)) as f32).sqrt() as u32).max(1));
            let Some(crop) = prep::crop_enlarge(&self.full, rect, k) else {
                continue;
            };
            let mut found = detect::decode_all(&crop, Reader::Cpp);
            if found.is_empty() {
                found = detect::decode_all(&adaptive(&crop), Reader::Cpp);
            }
            if found.is_empty() && k > 1 {
                // Enlarging softens module edges; sharpened and normalised, small faint codes read.
                found = detect::decode_all(&lcn(&prep::sharpen(&crop, 4)), Reader::Cpp);
            }
            out.extend(found);
            if out.iter().any(|f| FiscalQr::parse(&f.text).is_ok()) {
                break;
            }
        }
        out
    }

    /// Finder patterns at full resolution, found once (by the crop pass or for diagnostics).
    pub(crate) fn full_finders(&mut self) -> &[Finder] {
        if self.finders_full.is_none() {
            self.finders_full = Some(detect::finders(&self.full));
        }
        self.finders_full.as_deref().unwrap_or_default()
    }

    /// Whether the three corner squares of one code show in the reduced picture or its
    /// contrast-normalised copy, or two of them at full size (text lines make the odd pair).
    pub(crate) fn qr_seen(&mut self) -> bool {
        if let Some(seen) = self.seen {
            return seen;
        }
        let two = |f: &[Finder]| group_finders(f).first().is_some_and(|g| g.len() >= 2);
        let three = |f: &[Finder]| group_finders(f).first().is_some_and(|g| g.len() >= 3);
        let mut seen = three(self.base_finders());
        if !seen {
            seen = group_finders(self.lcn_finders())
                .first()
                .is_some_and(|g| crate::measure::is_qr_triple(g));
        }
        if !seen && self.full.dimensions() != self.base.dimensions() {
            seen = two(self.full_finders());
        }
        self.seen = Some(seen);
        seen
    }

    /// Whether two corner squares of one code show in the reduced picture or its normalised copy.
    fn corner_pair_seen(&mut self) -> bool {
        let two = |f: &[Finder]| group_finders(f).first().is_some_and(|g| g.len() >= 2);
        two(self.base_finders()) || two(self.lcn_finders())
    }

    /// Finder patterns in the contrast-normalised base image, found once: corners of a faded
    /// code that the plain binarizer takes for blank paper.
    pub(crate) fn lcn_finders(&mut self) -> &[Finder] {
        if self.finders_lcn.is_none() {
            self.finders_lcn = Some(detect::finders(&lcn(&self.base)));
        }
        self.finders_lcn.as_deref().unwrap_or_default()
    }

    /// Finder patterns in the base image, found once, for diagnostics.
    pub(crate) fn base_finders(&mut self) -> &[Finder] {
        if self.finders_base.is_none() {
            self.finders_base = Some(detect::finders(&self.base));
        }
        self.finders_base.as_deref().unwrap_or_default()
    }
}

/// Local contrast normalisation with a window of a few modules of any receipt QR that fits the
/// frame (a sixty-fourth of the longer side).
fn lcn(img: &GrayImage) -> GrayImage {
    let r = (img.width().max(img.height()) / 64).max(6);
    prep::local_contrast(img, r, 40)
}

/// The local threshold with a window of about a fortieth of the image: several modules of any
/// receipt QR that fits the frame, small enough to follow shadows. 5 % below the local mean is
/// dark: 8 % lost faded print (ink at 88 % of paper), 3 % gained nothing more on the benchmark.
fn adaptive(img: &GrayImage) -> GrayImage {
    let r = (img.width().max(img.height()) / 40).max(8);
    prep::adaptive_threshold(img, r, 5)
}
