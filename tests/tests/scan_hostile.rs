//! Hostile uploads: typed errors, bounded work, never a panic.

use std::io::Cursor;

use chek::Coded;
use chek::scan::{ScanError, ScanOptions, scan};
use proptest::prelude::*;

fn png_header(width: u32, height: u32) -> Vec<u8> {
    // A valid signature and IHDR (with a correct CRC), then nothing: the header alone claims the size.
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let crc = crc32(&ihdr);
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(&13u32.to_be_bytes());
    b.extend_from_slice(&ihdr);
    b.extend_from_slice(&crc.to_be_bytes());
    b
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn encoded(format: image::ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 128]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format)
        .unwrap_or_else(|e| panic!("encode: {e}"));
    out
}

#[test]
fn a_png_bomb_header_is_refused_before_decoding() {
    let err = scan(&png_header(100_000, 100_000), &ScanOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ScanError::TooManyPixels {
            width: 100_000,
            height: 100_000
        }
    );
    assert_eq!(err.code(), "scan.too_many_pixels");
}

#[test]
fn a_real_image_over_the_pixel_limit_is_refused() {
    let png = encoded(image::ImageFormat::Png, 600, 400);
    let opts = ScanOptions {
        max_pixels: 200_000,
        ..ScanOptions::default()
    };
    assert_eq!(
        scan(&png, &opts).unwrap_err().code(),
        "scan.too_many_pixels"
    );
    assert!(scan(&png, &ScanOptions::default()).is_ok());
}

#[test]
fn too_many_bytes_and_empty_input() {
    let opts = ScanOptions {
        max_bytes: 10,
        ..ScanOptions::default()
    };
    assert_eq!(
        scan(&[0u8; 11], &opts).unwrap_err(),
        ScanError::TooLarge { bytes: 11, max: 10 }
    );
    assert_eq!(
        scan(&[], &ScanOptions::default()).unwrap_err(),
        ScanError::Empty
    );
}

#[test]
fn truncated_files_are_corrupt_not_panics() {
    let png = encoded(image::ImageFormat::Png, 300, 200);
    let err = scan(&png[..png.len() / 2], &ScanOptions::default()).unwrap_err();
    assert_eq!(err.code(), "scan.corrupt_image");
    let jpeg = encoded(image::ImageFormat::Jpeg, 300, 200);
    // A JPEG cut short may decode with a grey bottom or fail; either way no panic and no fiscal QR.
    if let Ok(out) = scan(&jpeg[..jpeg.len() / 2], &ScanOptions::default()) {
        assert!(out.fiscal.is_none());
    }
    let err = scan(&jpeg[..20], &ScanOptions::default()).unwrap_err();
    assert_eq!(err.code(), "scan.corrupt_image");
}

#[test]
fn garbage_and_other_formats_are_unsupported() {
    let err = scan(b"hello, this is not a picture", &ScanOptions::default()).unwrap_err();
    assert_eq!(err, ScanError::UnsupportedFormat { format: None });
    assert_eq!(
        scan(b"GIF89a\x01\x00\x01\x00", &ScanOptions::default()).unwrap_err(),
        ScanError::UnsupportedFormat {
            format: Some("gif")
        }
    );
    assert_eq!(
        scan(b"%PDF-1.7\n", &ScanOptions::default()).unwrap_err(),
        ScanError::UnsupportedFormat {
            format: Some("pdf")
        }
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any bytes after a known signature give a result or a typed error, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(magic in 0usize..4, tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut b = match magic {
            0 => b"\xFF\xD8\xFF\xE0".to_vec(),
            1 => b"\x89PNG\r\n\x1a\n".to_vec(),
            2 => b"RIFF\x00\x10\x00\x00WEBPVP8 ".to_vec(),
            _ => Vec::new(),
        };
        b.extend_from_slice(&tail);
        let _ = scan(&b, &ScanOptions::default());
    }

    /// A valid PNG with random damage inside.
    #[test]
    fn damaged_png_never_panics(pos in 8usize..3000, byte in any::<u8>()) {
        let mut png = encoded(image::ImageFormat::Png, 64, 64);
        let i = pos % png.len();
        png[i] = byte;
        let _ = scan(&png, &ScanOptions::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any pixels of any small size go through every pass and the diagnostics without a panic.
    #[test]
    fn arbitrary_pixels_never_panic(w in 1u32..300, h in 1u32..300, seed in any::<u64>(), flat in any::<bool>()) {
        let mut x = seed | 1;
        let img = image::GrayImage::from_fn(w, h, |_, _| {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            image::Luma([if flat { (seed % 256) as u8 } else { x as u8 }])
        });
        let out = chek::scan::scan_luma(img, &ScanOptions::default()).expect("in limits");
        prop_assert!(out.fiscal.is_none());
        prop_assert!(!out.diagnostics.is_empty());
    }
}
