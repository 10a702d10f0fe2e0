//! Turns a receipt photo into what Tesseract reads best: black text on white, strokes a few
//! pixels wide, no shading. Tesseract's own Otsu binarization is global, so faded thermal print
//! next to a shadow loses one or the other; chek-scan's local threshold keeps both.

use image::GrayImage;

use crate::prep::{adaptive_threshold, crop_enlarge, downscale};

/// Pictures narrower than this are enlarged: Tesseract's recognizer wants glyphs 30–60 px high,
/// and a receipt photographed whole or rendered at printer resolution gives 10–25 px. On the
/// rendered set (`scripts/gen_receipt_texts.py`) 1200 px still read `ФП` as `[6`; 1800 read it.
const MIN_WIDTH: u32 = 1800;
/// Larger pictures are reduced first: more pixels only cost time.
const MAX_SIDE: u32 = 3600;
const MAX_ENLARGE: u32 = 4;
/// Bradley threshold, percent below the local mean: low enough for pale thermal ink, high
/// enough that paper texture and enlargement halos stay white. On the rendered set 6 % lost
/// whole fields, 25 % a digit of a ФН; 16 % and 20 % read every field.
const THRESHOLD_PERCENT: u32 = 18;

/// Grayscale in, binarized and enlarged out.
pub(crate) fn prepare(img: &GrayImage) -> GrayImage {
    let reduced = downscale(img, MAX_SIDE);
    let img = reduced.as_ref().unwrap_or(img);
    let (w, h) = img.dimensions();
    let k = MIN_WIDTH.div_ceil(w.max(1)).clamp(1, MAX_ENLARGE);
    let enlarged = if k > 1 {
        crop_enlarge(img, (0, 0, w, h), k)
    } else {
        None
    };
    let img = enlarged.as_ref().unwrap_or(img);
    // A window of about two text lines: wide enough to hold paper around every stroke.
    let radius = (img.width() / 24).clamp(8, 96);
    adaptive_threshold(img, radius, THRESHOLD_PERCENT)
}

/// Binary PGM (`P5`): what Tesseract (Leptonica) reads from stdin with no encoder on our side.
pub(crate) fn to_pgm(img: &GrayImage) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
    out.extend_from_slice(img.as_raw());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_text_is_enlarged_and_binarized() {
        let img = GrayImage::from_fn(300, 100, |x, _| {
            image::Luma([if x % 10 < 2 { 150 } else { 210 }])
        });
        let out = prepare(&img);
        assert_eq!(out.dimensions(), (1200, 400));
        assert!(out.as_raw().iter().all(|&v| v == 0 || v == 255));
        assert!(out.as_raw().contains(&0));
    }

    #[test]
    fn pgm_header() {
        let pgm = to_pgm(&GrayImage::from_pixel(3, 2, image::Luma([9])));
        assert_eq!(&pgm[..11], b"P5\n3 2\n255\n");
        assert_eq!(pgm.len(), 11 + 6);
    }
}
