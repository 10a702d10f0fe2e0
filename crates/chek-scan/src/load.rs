//! Bytes to a grayscale picture, with the size checked from the header before any pixel is
//! decoded, so a decompression bomb costs a few hundred bytes of parsing.

use std::io::Cursor;

use image::{GrayImage, ImageFormat, ImageReader, Limits};

use crate::{ScanError, ScanOptions};

/// Decodes `bytes` (JPEG, PNG or WebP) to 8-bit luma within the limits of `opts`.
pub(crate) fn load_luma(bytes: &[u8], opts: &ScanOptions) -> Result<GrayImage, ScanError> {
    if bytes.is_empty() {
        return Err(ScanError::Empty);
    }
    if bytes.len() > opts.max_bytes {
        return Err(ScanError::TooLarge {
            bytes: bytes.len(),
            max: opts.max_bytes,
        });
    }
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        _ => {
            return Err(ScanError::UnsupportedFormat {
                format: sniff_other(bytes),
            });
        }
    };
    // The PNG size is read straight from IHDR: a bomb is refused even when nothing follows it.
    if let Some((w, h)) = png_ihdr_size(bytes) {
        check_dimensions(w, h, opts)?;
    }
    if format == ImageFormat::Jpeg
        && let Some(img) = jpeg_luma(bytes, opts)?
    {
        return Ok(img);
    }
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| ScanError::CorruptImage(e.to_string()))?;
    check_dimensions(width, height, opts)?;

    let mut limits = Limits::default();
    limits.max_image_width = Some(opts.max_side);
    limits.max_image_height = Some(opts.max_side);
    // RGBA8 plus the luma copy, with headroom for the decoder's own buffers.
    limits.max_alloc = Some(opts.max_pixels.saturating_mul(6).max(1 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ScanError::TooManyPixels { width, height },
        other => ScanError::CorruptImage(other.to_string()),
    })?;
    Ok(img.into_luma8())
}

/// JPEG decoded by zune-jpeg to luma only: the chroma planes are skipped, which is most of a
/// 12 MP photo's decode time. `None` for the rare JPEGs it gives no single-channel output for
/// (CMYK, odd layouts), which then go through the `image` crate.
fn jpeg_luma(bytes: &[u8], opts: &ScanOptions) -> Result<Option<GrayImage>, ScanError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    use zune_jpeg::JpegDecoder;

    let side = opts.max_side as usize;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(side)
        .set_max_height(side);
    let mut dec = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    dec.decode_headers()
        .map_err(|e| ScanError::CorruptImage(e.to_string()))?;
    let Some((w, h)) = dec.dimensions() else {
        return Ok(None);
    };
    let (w, h) = (
        u32::try_from(w).unwrap_or(u32::MAX),
        u32::try_from(h).unwrap_or(u32::MAX),
    );
    check_dimensions(w, h, opts)?;
    if dec.output_buffer_size() != Some(w as usize * h as usize) {
        return Ok(None);
    }
    let pixels = dec
        .decode()
        .map_err(|e| ScanError::CorruptImage(e.to_string()))?;
    Ok(GrayImage::from_raw(w, h, pixels))
}

pub(crate) fn check_dimensions(
    width: u32,
    height: u32,
    opts: &ScanOptions,
) -> Result<(), ScanError> {
    if width == 0 || height == 0 {
        return Err(ScanError::CorruptImage(format!(
            "the header claims {width}×{height} pixels"
        )));
    }
    if width > opts.max_side
        || height > opts.max_side
        || u64::from(width) * u64::from(height) > opts.max_pixels
    {
        return Err(ScanError::TooManyPixels { width, height });
    }
    Ok(())
}

fn png_ihdr_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

/// Names formats people send that we do not decode, so the hint can say what to do instead.
fn sniff_other(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => Some("heic"),
            b"avif" | b"avis" => Some("avif"),
            _ => None,
        };
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Gif) => Some("gif"),
        Ok(ImageFormat::Tiff) => Some("tiff"),
        Ok(ImageFormat::Bmp) => Some("bmp"),
        _ if bytes.starts_with(b"%PDF") => Some("pdf"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heic_is_named() {
        let mut b = vec![0, 0, 0, 24];
        b.extend_from_slice(b"ftypheic");
        b.extend_from_slice(&[0; 16]);
        assert_eq!(
            load_luma(&b, &ScanOptions::default()),
            Err(ScanError::UnsupportedFormat {
                format: Some("heic")
            })
        );
    }

    #[test]
    fn zero_sized_header_is_corrupt() {
        assert!(matches!(
            check_dimensions(0, 10, &ScanOptions::default()),
            Err(ScanError::CorruptImage(_))
        ));
    }
}
