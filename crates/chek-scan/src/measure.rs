//! Photo quality measures behind the diagnostics. Thresholds were calibrated on the 315-photo
//! synthetic benchmark set (`scripts/bench-scan` prints each photo's stats in
//! `target/bench-scan/ours.jsonl`), ranges over the photos with no fiscal QR read:
//! sharpness 0.004–0.015 blurred, 0.046–0.053 receipts with no QR (text only), ≥ 0.071 the rest;
//! p95 9–11 very dark, ≥ 107 the rest; p5 242–244 overexposed, ≤ 197 the rest; clipped share of
//! the QR region 0.15–0.21 with glare over the code, ≤ 0.007 the rest.

use image::GrayImage;

use crate::detect::Finder;
use crate::prep::{histogram, percentile};

/// Quality figures of a photo (or of the region around its QR).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhotoStats {
    /// Mean absolute Laplacian divided by the 5–95 % grey range: sharp edges score high,
    /// whatever the contrast.
    pub sharpness: f32,
    /// 5th percentile grey level.
    pub p5: u8,
    /// 95th percentile grey level.
    pub p95: u8,
    /// Share of pixels in 8×8 blocks that are entirely clipped white (≥ 250).
    pub clipped: f32,
}

/// Blur below this sharpness (see [`PhotoStats::sharpness`]).
pub(crate) const BLURRY_BELOW: f32 = 0.03;
/// Too dark: even the brightest paper is below this grey.
pub(crate) const DARK_P95_BELOW: u8 = 70;
/// Overexposed: even the darkest ink is above this grey.
pub(crate) const BRIGHT_P5_ABOVE: u8 = 225;
/// Glare: more than this share of the QR region is clipped white.
pub(crate) const GLARE_ABOVE: f32 = 0.02;

/// A code whose modules are below this many pixels in the full-size photo is too small to read
/// (the decoders' limit is about 1.5–2 px; below 2.5 px reads become luck).
pub(crate) const SMALL_MODULE_BELOW: f32 = 2.2;
/// A QR region whose 5–95 % grey range is below this is faded print (ink 15–30 levels below
/// the paper); sharp, well-printed codes span 100+ levels even when blurred.
pub(crate) const FADED_RANGE_BELOW: u8 = 48;

/// Whether the code whose corner squares are `group` (2 or 3 of them) runs past the edge of a
/// `w`×`h` picture: with three corners, its fourth corner or any corner square's outer edge
/// lies outside; with two (the third one not found), a place where it would be lies outside.
pub(crate) fn cut_off(group: &[Finder], w: u32, h: u32) -> bool {
    let size = group.iter().map(|f| f.size).fold(0.0f32, f32::max);
    let margin = size / 7.0; // one module
    let out = |x: f32, y: f32, r: f32| {
        x - r < -margin || y - r < -margin || x + r > w as f32 + margin || y + r > h as f32 + margin
    };
    match group {
        [a, b, c, ..] => {
            // The corner square is the one opposite the longest side; the fourth corner of the
            // code is the other two's sum minus it.
            let d = |p: &Finder, q: &Finder| (p.x - q.x).powi(2) + (p.y - q.y).powi(2);
            let (corner, p, q) = if d(b, c) >= d(a, b) && d(b, c) >= d(a, c) {
                (a, b, c)
            } else if d(a, c) >= d(a, b) {
                (b, a, c)
            } else {
                (c, a, b)
            };
            let (fx, fy) = (p.x + q.x - corner.x, p.y + q.y - corner.y);
            [a, b, c].iter().any(|f| out(f.x, f.y, size / 2.0)) || out(fx, fy, size / 2.0)
        }
        [a, b] => {
            let (vx, vy) = (b.x - a.x, b.y - a.y);
            // Side neighbours: the third corner is off either end, to either side.
            [
                (a.x - vy, a.y + vx),
                (a.x + vy, a.y - vx),
                (b.x - vy, b.y + vx),
                (b.x + vy, b.y - vx),
            ]
            .iter()
            .any(|&(x, y)| out(x, y, size / 2.0))
        }
        _ => false,
    }
}

/// Whether three of the finder patterns in `group` sit like a QR's corner squares: two sides of
/// equal length at a right angle, each at least two squares long. Contrast-stretched text makes
/// square-ish blobs in rows; they rarely stand in that triangle.
pub(crate) fn is_qr_triple(group: &[Finder]) -> bool {
    let n = group.len().min(6);
    for i in 0..n {
        for j in 0..n {
            for k in j + 1..n {
                if i == j || i == k {
                    continue;
                }
                let (c, a, b) = (&group[i], &group[j], &group[k]);
                let (ax, ay) = (a.x - c.x, a.y - c.y);
                let (bx, by) = (b.x - c.x, b.y - c.y);
                let (la, lb) = ((ax * ax + ay * ay).sqrt(), (bx * bx + by * by).sqrt());
                let size = c.size.max(a.size).max(b.size);
                if la < size * 2.0 || lb < size * 2.0 {
                    continue;
                }
                let ratio = la / lb;
                let cos = (ax * bx + ay * by) / (la * lb);
                if (0.8..1.25).contains(&ratio) && cos.abs() < 0.2 {
                    return true;
                }
            }
        }
    }
    false
}

/// Measures `img` inside `rect` (x, y, w, h), or the whole image when `None`.
pub(crate) fn stats(img: &GrayImage, rect: Option<(u32, u32, u32, u32)>) -> PhotoStats {
    let (iw, ih) = img.dimensions();
    let (x0, y0, w, h) = rect.unwrap_or((0, 0, iw, ih));
    let (x0, y0) = (x0.min(iw), y0.min(ih));
    let (w, h) = (w.min(iw - x0), h.min(ih - y0));
    let region = image::imageops::crop_imm(img, x0, y0, w, h).to_image();
    let hist = histogram(&region);
    let n = u64::from(w) * u64::from(h);
    if n == 0 {
        return PhotoStats {
            sharpness: 0.0,
            p5: 0,
            p95: 0,
            clipped: 0.0,
        };
    }
    let p5 = percentile(&hist, n, 5);
    let p95 = percentile(&hist, n, 95);
    PhotoStats {
        sharpness: laplacian_mean(&region) / f32::from(p95.saturating_sub(p5).max(16)),
        p5,
        p95,
        clipped: clipped_share(&region),
    }
}

fn laplacian_mean(img: &GrayImage) -> f32 {
    let (w, h) = img.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let p = img.as_raw();
    let wu = w as usize;
    let mut sum = 0u64;
    for y in 1..h as usize - 1 {
        for x in 1..wu - 1 {
            let c = i32::from(p[y * wu + x]) * 4;
            let l = c
                - i32::from(p[y * wu + x - 1])
                - i32::from(p[y * wu + x + 1])
                - i32::from(p[(y - 1) * wu + x])
                - i32::from(p[(y + 1) * wu + x]);
            sum += u64::from(l.unsigned_abs());
        }
    }
    sum as f32 / ((w - 2) * (h - 2)) as f32
}

fn clipped_share(img: &GrayImage) -> f32 {
    let (w, h) = img.dimensions();
    let (bw, bh) = (w / 8, h / 8);
    if bw == 0 || bh == 0 {
        return 0.0;
    }
    let p = img.as_raw();
    let mut clipped = 0u32;
    for by in 0..bh {
        for bx in 0..bw {
            let all = (0..8).all(|dy| {
                let row = ((by * 8 + dy) * w + bx * 8) as usize;
                p[row..row + 8].iter().all(|&v| v >= 250)
            });
            clipped += u32::from(all);
        }
    }
    clipped as f32 / (bw * bh) as f32
}

/// The square around a group of finder patterns that the QR should fill, with a margin.
pub(crate) fn qr_region(group: &[Finder]) -> Option<(u32, u32, u32, u32)> {
    let size = group.iter().map(|f| f.size).fold(0.0f32, f32::max);
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for f in group {
        x0 = x0.min(f.x);
        y0 = y0.min(f.y);
        x1 = x1.max(f.x);
        y1 = y1.max(f.y);
    }
    if group.is_empty() {
        return None;
    }
    // One or two corners seen: the code may extend either way, so look around generously.
    let reach = if group.len() >= 3 {
        size * 1.5
    } else {
        size * 5.0
    };
    let (x0, y0) = ((x0 - reach).max(0.0), (y0 - reach).max(0.0));
    let (x1, y1) = (x1 + reach, y1 + reach);
    Some((x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32))
}

/// Groups finder patterns that could belong to one code: similar size, close together.
pub(crate) fn group_finders(finders: &[Finder]) -> Vec<Vec<Finder>> {
    let mut groups: Vec<Vec<Finder>> = Vec::new();
    let mut sorted = finders.to_vec();
    sorted.sort_by(|a, b| b.size.total_cmp(&a.size));
    for f in sorted {
        let home = groups.iter_mut().find(|g| {
            g.iter().any(|o| {
                let ratio = f.size / o.size.max(1.0);
                let dist = ((f.x - o.x).powi(2) + (f.y - o.y).powi(2)).sqrt();
                (0.6..1.67).contains(&ratio) && dist < o.size * 25.0
            })
        });
        match home {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkerboard_is_sharp_and_flat_is_not() {
        let board = GrayImage::from_fn(64, 64, |x, y| {
            image::Luma([if (x / 4 + y / 4) % 2 == 0 { 20 } else { 230 }])
        });
        let s = stats(&board, None);
        assert!(s.sharpness > BLURRY_BELOW, "{s:?}");
        let flat = GrayImage::from_fn(64, 64, |x, _| image::Luma([100 + (x / 8) as u8]));
        assert!(stats(&flat, None).sharpness < BLURRY_BELOW);
    }

    #[test]
    fn exposure_and_clipping() {
        let dark = GrayImage::from_pixel(64, 64, image::Luma([30]));
        assert!(stats(&dark, None).p95 < DARK_P95_BELOW);
        let white = GrayImage::from_pixel(64, 64, image::Luma([255]));
        let s = stats(&white, None);
        assert!(s.p5 > BRIGHT_P5_ABOVE);
        assert!((s.clipped - 1.0).abs() < 1e-6);
    }

    #[test]
    fn qr_triples() {
        let f = |x, y| Finder { x, y, size: 14.0 };
        assert!(is_qr_triple(&[
            f(10.0, 10.0),
            f(110.0, 10.0),
            f(10.0, 110.0)
        ]));
        // Three blobs on one text line.
        assert!(!is_qr_triple(&[
            f(10.0, 10.0),
            f(60.0, 10.0),
            f(110.0, 10.0)
        ]));
    }

    #[test]
    fn cut_off_codes() {
        let f = |x, y| Finder { x, y, size: 21.0 };
        // A whole code well inside a 400×400 picture.
        assert!(!cut_off(
            &[f(50.0, 50.0), f(150.0, 50.0), f(50.0, 150.0)],
            400,
            400
        ));
        // Its fourth corner falls off the right edge.
        assert!(cut_off(
            &[f(300.0, 50.0), f(396.0, 50.0), f(300.0, 146.0)],
            400,
            400
        ));
        // Two corners at the right edge: the third one would be past it.
        assert!(cut_off(&[f(380.0, 100.0), f(380.0, 200.0)], 400, 400));
        assert!(!cut_off(&[f(150.0, 150.0), f(250.0, 150.0)], 400, 400));
    }

    #[test]
    fn finders_group_by_size_and_distance() {
        let f = |x, y, size| Finder { x, y, size };
        let groups = group_finders(&[
            f(10.0, 10.0, 14.0),
            f(100.0, 10.0, 14.0),
            f(10.0, 100.0, 15.0),
            f(2000.0, 2000.0, 60.0),
        ]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].len(), 3);
        let r = qr_region(&groups[0]).unwrap();
        assert_eq!(r.0, 0);
        assert!(r.2 >= 100);
    }
}
