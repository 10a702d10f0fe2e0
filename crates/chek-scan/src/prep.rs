//! Cheap pixel operations that turn a bad receipt photo into something the QR decoder reads.
//! Each one is here because the benchmark (`scripts/bench-scan`) showed it reading photos that
//! the passes before it did not.

use image::GrayImage;

/// Shrinks by an integer box filter so the longer side is at most `max_side`. Averaging blocks
/// keeps thin modules visible and smooths sensor noise and JPEG blocking, unlike sampling.
pub(crate) fn downscale(img: &GrayImage, max_side: u32) -> Option<GrayImage> {
    let (w, h) = img.dimensions();
    let long = w.max(h);
    if long <= max_side || max_side == 0 {
        return None;
    }
    let f = long.div_ceil(max_side);
    let (nw, nh) = (w / f, h / f);
    if nw == 0 || nh == 0 {
        return None;
    }
    let src = img.as_raw();
    let mut out = vec![0u8; (nw * nh) as usize];
    let area = f * f;
    let mut row_acc = vec![0u32; nw as usize];
    for oy in 0..nh {
        row_acc.iter_mut().for_each(|a| *a = 0);
        for dy in 0..f {
            let y = (oy * f + dy) as usize;
            let line = &src[y * w as usize..(y + 1) * w as usize];
            for (ox, acc) in row_acc.iter_mut().enumerate() {
                let start = ox * f as usize;
                *acc += line[start..start + f as usize]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
        }
        let o = &mut out[(oy * nw) as usize..((oy + 1) * nw) as usize];
        for (dst, acc) in o.iter_mut().zip(&row_acc) {
            *dst = (acc / area) as u8;
        }
    }
    GrayImage::from_raw(nw, nh, out)
}

/// Bradley's local mean threshold: a pixel is black when it is darker than `1 - t` of the mean
/// of its `(2r+1)²` window. Faded thermal print has too little global contrast for the
/// decoder's own binarizer, which treats low-contrast blocks as blank paper; a local mean keeps
/// pale modules, and shadows and uneven light cancel out.
pub(crate) fn adaptive_threshold(img: &GrayImage, radius: u32, t_percent: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let src = img.as_raw();
    // Integral image with a zero row and column in front, so window sums need no edge cases.
    let iw = wu + 1;
    let mut integral = vec![0u64; iw * (hu + 1)];
    for y in 0..hu {
        let mut row = 0u64;
        for x in 0..wu {
            row += u64::from(src[y * wu + x]);
            integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1] + row;
        }
    }
    let r = radius.max(1) as usize;
    let mut out = vec![0u8; wu * hu];
    for y in 0..hu {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r + 1).min(hu);
        for x in 0..wu {
            let x0 = x.saturating_sub(r);
            let x1 = (x + r + 1).min(wu);
            let count = ((y1 - y0) * (x1 - x0)) as u64;
            let sum = integral[y1 * iw + x1] + integral[y0 * iw + x0]
                - integral[y0 * iw + x1]
                - integral[y1 * iw + x0];
            let v = u64::from(src[y * wu + x]) * count * 100;
            out[y * wu + x] = if v < sum * u64::from(100 - t_percent) {
                0
            } else {
                255
            };
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| img.clone())
}

/// Local contrast normalisation: each pixel's distance from the mean of its `(2r+1)²` window,
/// multiplied so the window's standard deviation becomes about `target` grey levels (gain at most
/// 8), around mid-grey. Faded thermal print puts QR modules 15–30 grey levels below cream paper;
/// the decoder's own binarizer reads any 8×8 block with less than 24 levels of range as blank
/// paper, so those codes vanish. After this the same modules span 60+ levels, wherever the
/// light, shadow or a glare halo put them.
pub(crate) fn local_contrast(img: &GrayImage, radius: u32, target: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let src = img.as_raw();
    let iw = wu + 1;
    let mut sum = vec![0u64; iw * (hu + 1)];
    let mut sq = vec![0u64; iw * (hu + 1)];
    for y in 0..hu {
        let (mut row, mut row_sq) = (0u64, 0u64);
        for x in 0..wu {
            let v = u64::from(src[y * wu + x]);
            row += v;
            row_sq += v * v;
            sum[(y + 1) * iw + x + 1] = sum[y * iw + x + 1] + row;
            sq[(y + 1) * iw + x + 1] = sq[y * iw + x + 1] + row_sq;
        }
    }
    let r = radius.max(1) as usize;
    let target = target as f32;
    let mut out = vec![0u8; wu * hu];
    for y in 0..hu {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r + 1).min(hu);
        for x in 0..wu {
            let x0 = x.saturating_sub(r);
            let x1 = (x + r + 1).min(wu);
            let n = ((y1 - y0) * (x1 - x0)) as f32;
            let at = |t: &[u64]| {
                (t[y1 * iw + x1] + t[y0 * iw + x0] - t[y0 * iw + x1] - t[y1 * iw + x0]) as f32
            };
            let mean = at(&sum) / n;
            let var = (at(&sq) / n - mean * mean).max(0.0);
            // Below 4 levels of deviation the window is blank paper or sensor noise: the gain
            // stays bounded so noise does not turn into fake modules.
            let gain = (target / var.sqrt().max(4.0)).clamp(1.0, 8.0);
            // The pixel itself as the mean of its 3×3 neighbourhood: the gain would otherwise
            // turn sensor noise and JPEG ringing into speckle that the QR detector trips on.
            let (sy0, sy1) = (y.saturating_sub(1), (y + 2).min(hu));
            let (sx0, sx1) = (x.saturating_sub(1), (x + 2).min(wu));
            let small = (sum[sy1 * iw + sx1] + sum[sy0 * iw + sx0]
                - sum[sy0 * iw + sx1]
                - sum[sy1 * iw + sx0]) as f32
                / ((sy1 - sy0) * (sx1 - sx0)) as f32;
            let v = 128.0 + (small - mean) * gain;
            out[y * wu + x] = v.clamp(0.0, 255.0) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| img.clone())
}

/// Paints the dark background around the paper white, so a code printed against the paper's
/// edge gets the light quiet zone its corner squares need (a table next to the last module row
/// reads as one more dark module and breaks the 1:1:3:1:1 finder ratio). Background is what is
/// uniformly dark at the scale of 16×16 blocks and connected to the picture's border; a QR's
/// own dark areas are never uniform over a whole block and a border-connected run of them.
/// `None` when there is no such background.
pub(crate) fn fill_background(img: &GrayImage) -> Option<GrayImage> {
    const B: u32 = 16;
    let (w, h) = img.dimensions();
    let (bw, bh) = (w / B, h / B);
    if bw < 4 || bh < 4 {
        return None;
    }
    let hist = histogram(img);
    let n = u64::from(w) * u64::from(h);
    let paper = percentile(&hist, n, 95);
    let src = img.as_raw();
    let mut dark = vec![false; (bw * bh) as usize];
    for by in 0..bh {
        for bx in 0..bw {
            let (mut lo, mut hi, mut s) = (255u8, 0u8, 0u32);
            for y in by * B..(by + 1) * B {
                let row = &src[(y * w + bx * B) as usize..(y * w + (bx + 1) * B) as usize];
                for &v in row {
                    lo = lo.min(v);
                    hi = hi.max(v);
                    s += u32::from(v);
                }
            }
            let mean = s / (B * B);
            dark[(by * bw + bx) as usize] = hi - lo < 40 && mean * 10 < u32::from(paper) * 7;
        }
    }
    // Flood from the border through dark blocks.
    let mut bg = vec![false; dark.len()];
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for bx in 0..bw {
        stack.push((bx, 0));
        stack.push((bx, bh - 1));
    }
    for by in 0..bh {
        stack.push((0, by));
        stack.push((bw - 1, by));
    }
    while let Some((bx, by)) = stack.pop() {
        let i = (by * bw + bx) as usize;
        if bg[i] || !dark[i] {
            continue;
        }
        bg[i] = true;
        if bx > 0 {
            stack.push((bx - 1, by));
        }
        if bx + 1 < bw {
            stack.push((bx + 1, by));
        }
        if by > 0 {
            stack.push((bx, by - 1));
        }
        if by + 1 < bh {
            stack.push((bx, by + 1));
        }
    }
    let filled = bg.iter().filter(|&&b| b).count();
    if filled == 0 || filled == bg.len() {
        return None;
    }
    let mut out = img.clone();
    let o: &mut [u8] = &mut out;
    for y in 0..h.min(bh * B) {
        for x in 0..w.min(bw * B) {
            if bg[((y / B) * bw + x / B) as usize] {
                o[(y * w + x) as usize] = paper;
            }
        }
    }
    Some(out)
}

/// Unsharp mask with a 3×3 box: `v + amount/4 × (v − blur)`; sharpens an enlarged crop's
/// module edges that bilinear interpolation softened.
pub(crate) fn sharpen(img: &GrayImage, amount4: i32) -> GrayImage {
    let (w, h) = img.dimensions();
    if w < 3 || h < 3 {
        return img.clone();
    }
    let (wu, hu) = (w as usize, h as usize);
    let src = img.as_raw();
    let mut out = src.clone();
    for y in 1..hu - 1 {
        for x in 1..wu - 1 {
            let mut s = 0i32;
            for dy in 0..3 {
                let row = (y + dy - 1) * wu;
                for dx in 0..3 {
                    s += i32::from(src[row + x + dx - 1]);
                }
            }
            let v = i32::from(src[y * wu + x]);
            let sharp = v + amount4 * (v * 9 - s) / 36;
            out[y * wu + x] = sharp.clamp(0, 255) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| img.clone())
}

/// Dark on light becomes light on dark and back: some receipts and screens print inverted codes.
pub(crate) fn invert(img: &GrayImage) -> GrayImage {
    let mut out = img.clone();
    out.iter_mut().for_each(|p| *p = 255 - *p);
    out
}

/// Stretches the 1st–99th percentile to the full range: washed-out and dark photos.
pub(crate) fn stretch(img: &GrayImage) -> Option<GrayImage> {
    let hist = histogram(img);
    let n = img.as_raw().len() as u64;
    let lo = percentile(&hist, n, 1);
    let hi = percentile(&hist, n, 99);
    if u16::from(hi) <= u16::from(lo) + 8 || (lo < 16 && hi > 239) {
        return None;
    }
    let span = u32::from(hi - lo);
    let mut out = img.clone();
    out.iter_mut().for_each(|p| {
        let v = u32::from(p.saturating_sub(lo)) * 255 / span;
        *p = v.min(255) as u8;
    });
    Some(out)
}

/// Cuts `(x, y, w, h)` out of `img` (clamped) and enlarges it `k` times by bilinear interpolation,
/// so a code whose modules are 1.5–3 px gets modules the finder can measure.
pub(crate) fn crop_enlarge(
    img: &GrayImage,
    rect: (u32, u32, u32, u32),
    k: u32,
) -> Option<GrayImage> {
    let (iw, ih) = img.dimensions();
    let (x, y) = (rect.0.min(iw), rect.1.min(ih));
    let w = rect.2.min(iw - x);
    let h = rect.3.min(ih - y);
    if w < 8 || h < 8 {
        return None;
    }
    let k = k.max(1);
    let (nw, nh) = (w * k, h * k);
    let src = img.as_raw();
    let mut out = vec![0u8; (nw * nh) as usize];
    let kf = k as f32;
    for oy in 0..nh {
        let sy = ((oy as f32 + 0.5) / kf - 0.5).max(0.0);
        let y0 = (sy as u32).min(h - 1);
        let y1 = (y0 + 1).min(h - 1);
        let fy = sy - y0 as f32;
        for ox in 0..nw {
            let sx = ((ox as f32 + 0.5) / kf - 0.5).max(0.0);
            let x0 = (sx as u32).min(w - 1);
            let x1 = (x0 + 1).min(w - 1);
            let fx = sx - x0 as f32;
            let at = |xx: u32, yy: u32| f32::from(src[((y + yy) * iw + x + xx) as usize]);
            let top = at(x0, y0) * (1.0 - fx) + at(x1, y0) * fx;
            let bot = at(x0, y1) * (1.0 - fx) + at(x1, y1) * fx;
            out[(oy * nw + ox) as usize] = (top * (1.0 - fy) + bot * fy).round() as u8;
        }
    }
    GrayImage::from_raw(nw, nh, out)
}

pub(crate) fn histogram(img: &GrayImage) -> [u64; 256] {
    let mut h = [0u64; 256];
    img.as_raw().iter().for_each(|&v| h[v as usize] += 1);
    h
}

/// The grey level below which `pct` percent of the pixels lie.
pub(crate) fn percentile(hist: &[u64; 256], n: u64, pct: u64) -> u8 {
    let target = n * pct / 100;
    let mut acc = 0;
    for (v, &c) in hist.iter().enumerate() {
        acc += c;
        if acc > target {
            return v as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let img = GrayImage::from_fn(4, 2, |x, _| image::Luma([if x < 2 { 0 } else { 200 }]));
        let small = downscale(&img, 2).unwrap();
        assert_eq!(small.dimensions(), (2, 1));
        assert_eq!(small.as_raw(), &vec![0, 200]);
        assert!(downscale(&img, 4).is_none());
    }

    #[test]
    fn adaptive_threshold_keeps_faint_marks() {
        // A 10-level dip on light grey paper: invisible to a global threshold at 128.
        let img = GrayImage::from_fn(40, 40, |x, _| {
            image::Luma([if (18..22).contains(&x) { 190 } else { 205 }])
        });
        let bin = adaptive_threshold(&img, 8, 5);
        assert_eq!(bin.get_pixel(20, 20).0[0], 0);
        assert_eq!(bin.get_pixel(5, 20).0[0], 255);
    }

    #[test]
    fn stretch_and_invert() {
        let img = GrayImage::from_fn(10, 10, |x, _| image::Luma([100 + x as u8]));
        let s = stretch(&img).unwrap();
        assert_eq!(s.get_pixel(0, 0).0[0], 0);
        assert_eq!(s.get_pixel(9, 0).0[0], 255);
        assert_eq!(invert(&img).get_pixel(0, 0).0[0], 155);
    }

    #[test]
    fn local_contrast_lifts_faint_modules() {
        // A 12-level stripe pattern on cream paper: after normalisation it spans 60+ levels.
        let img = GrayImage::from_fn(64, 64, |x, _| {
            image::Luma([if (x / 4) % 2 == 0 { 200 } else { 212 }])
        });
        let out = local_contrast(&img, 8, 40);
        let (lo, hi) = out
            .as_raw()
            .iter()
            .fold((255u8, 0u8), |(l, h), &v| (l.min(v), h.max(v)));
        assert!(hi - lo >= 60, "{lo}..{hi}");
        assert!(out.get_pixel(1, 30).0[0] < out.get_pixel(5, 30).0[0]);
        // Blank paper stays flat.
        let flat = local_contrast(&GrayImage::from_pixel(32, 32, image::Luma([210])), 8, 40);
        assert!(flat.as_raw().iter().all(|&v| v == 128));
    }

    #[test]
    fn background_around_paper_is_filled() {
        // Paper on the left 3/4, a dark table on the right; a dark module touching the edge.
        let img = GrayImage::from_fn(128, 64, |x, y| {
            image::Luma([if x >= 96 {
                40
            } else if (88..96).contains(&x) && (20..28).contains(&y) {
                20
            } else {
                220
            }])
        });
        let out = fill_background(&img).unwrap();
        assert_eq!(out.get_pixel(120, 10).0[0], 220);
        assert_eq!(out.get_pixel(90, 24).0[0], 20, "the module stays");
        assert!(fill_background(&GrayImage::from_pixel(128, 64, image::Luma([220]))).is_none());
    }

    #[test]
    fn sharpen_steepens_edges() {
        let img = GrayImage::from_fn(9, 3, |x, _| image::Luma([if x < 4 { 50 } else { 200 }]));
        let s = sharpen(&img, 4);
        assert!(s.get_pixel(3, 1).0[0] < 50 && s.get_pixel(4, 1).0[0] > 200);
    }

    #[test]
    fn crop_enlarge_scales() {
        let img = GrayImage::from_fn(20, 20, |x, y| image::Luma([(x + y) as u8]));
        let c = crop_enlarge(&img, (5, 5, 10, 10), 3).unwrap();
        assert_eq!(c.dimensions(), (30, 30));
        assert!(crop_enlarge(&img, (19, 19, 10, 10), 3).is_none());
    }
}
