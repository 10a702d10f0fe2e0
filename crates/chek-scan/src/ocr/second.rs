//! The second look at a photo whose first OCR pass left fiscal fields missing: the page turned
//! upright when Tesseract's orientation detection says it lies sideways or upside down, then the
//! fiscal block (the lines labelled ФН, ФД, ФП, ИТОГ) cut out and read twice more, enlarged to
//! two different text heights.
//!
//! Thermal receipts are printed in a dot-matrix font where Tesseract confuses 0 with 8 and 3
//! with 5 while the value still passes every check (a ФН `9286880100158545` has a valid model
//! prefix). So a field is taken only when two readings agree on it, and a field two readings
//! disagree on is dropped: missing, never guessed.

use chek_core::text::{Found, TextField, TextReading, parse_receipt_text};
use image::GrayImage;

use super::{OcrError, OcrOptions, prep, tesseract};
use crate::prep::{adaptive_threshold, crop_enlarge};

/// One word of Tesseract's TSV output, in the picture it was given.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    line: (u32, u32, u32),
    top: u32,
    height: u32,
    text: String,
}

/// Words of `tsv` (level-5 rows), in reading order.
pub(crate) fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 12 || f[0] != "5" || f[11].trim().is_empty() {
                return None;
            }
            let n = |i: usize| f[i].parse::<u32>().ok();
            Some(Word {
                line: (n(2)?, n(3)?, n(4)?),
                top: n(7)?,
                height: n(9)?,
                text: f[11].trim().to_owned(),
            })
        })
        .collect()
}

/// The words joined back into lines, as Tesseract's plain text output would have them.
pub(crate) fn words_to_text(words: &[Word]) -> String {
    let mut out = String::new();
    let mut last = None;
    for w in words {
        if last.is_some() && last != Some(w.line) {
            out.push('\n');
        } else if last.is_some() {
            out.push(' ');
        }
        out.push_str(&w.text);
        last = Some(w.line);
    }
    out.push('\n');
    out
}

/// Whether a word is a fiscal label, allowing the Latin look-alikes OCR gives.
fn is_label(word: &str) -> bool {
    let up: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c.to_uppercase().next().unwrap_or(c) {
            'H' => 'Н',
            'P' => 'Р',
            'N' => 'П',
            other => other,
        })
        .collect();
    matches!(
        up.as_str(),
        "ФН" | "ФД" | "ФП" | "ФПД" | "ФНС" | "ИТОГ" | "ИТОГО"
    ) || up.starts_with("ФН")
        || up.starts_with("ФД")
        || up.starts_with("ФП")
}

/// The fiscal block of the page: the lines holding a fiscal label, one line of margin above and
/// below, the whole width. `(x, y, w, h)` in the words' picture, and the typical line height.
pub(crate) fn fiscal_block(words: &[Word], width: u32) -> Option<((u32, u32, u32, u32), u32)> {
    let lines: Vec<(u32, u32, u32)> = words
        .iter()
        .filter(|w| is_label(&w.text))
        .map(|w| w.line)
        .collect();
    if lines.is_empty() {
        return None;
    }
    let in_block: Vec<&Word> = words.iter().filter(|w| lines.contains(&w.line)).collect();
    let mut heights: Vec<u32> = in_block.iter().map(|w| w.height).collect();
    heights.sort_unstable();
    let line_h = heights[heights.len() / 2].max(4);
    let top = in_block.iter().map(|w| w.top).min()?;
    let bottom = in_block.iter().map(|w| w.top + w.height).max()?;
    let y = top.saturating_sub(line_h * 2);
    let h = bottom + line_h * 2 - y;
    Some(((0, y, width, h), line_h))
}

/// Tesseract's orientation verdict: degrees to turn the page clockwise to make it upright.
pub(crate) fn orientation(img: &GrayImage, opts: &OcrOptions) -> Option<u32> {
    let out = tesseract::run_with(prep::to_pgm(img), opts, "osd", 0, &[]).ok()?;
    let rotate = out
        .lines()
        .find_map(|l| l.strip_prefix("Rotate:"))?
        .trim()
        .parse::<u32>()
        .ok()?;
    let conf = out
        .lines()
        .find_map(|l| l.strip_prefix("Orientation confidence:"))
        .and_then(|c| c.trim().parse::<f32>().ok())
        .unwrap_or(0.0);
    // Below 1.5 Tesseract is guessing (its own documentation's threshold for "reliable").
    (rotate % 90 == 0 && rotate != 0 && conf >= 1.5).then_some(rotate)
}

/// Turns `img` clockwise by `deg` (90, 180 or 270).
pub(crate) fn rotate(img: &GrayImage, deg: u32) -> GrayImage {
    match deg {
        90 => image::imageops::rotate90(img),
        180 => image::imageops::rotate180(img),
        270 => image::imageops::rotate270(img),
        _ => img.clone(),
    }
}

/// Reads the block `rect` of `luma` enlarged so its text is about `text_h` pixels high.
pub(crate) fn read_block(
    luma: &GrayImage,
    rect: (u32, u32, u32, u32),
    line_h: u32,
    text_h: u32,
    threshold: u32,
    opts: &OcrOptions,
) -> Result<TextReading, OcrError> {
    let k = text_h.div_ceil(line_h.max(1)).clamp(1, 6);
    let Some(crop) = crop_enlarge(luma, rect, k) else {
        return Ok(parse_receipt_text(""));
    };
    let radius = (line_h * k * 2).clamp(8, 200);
    let bin = adaptive_threshold(&crop, radius, threshold);
    let text = tesseract::run_with(prep::to_pgm(&bin), opts, &opts.languages, 6, &[])?;
    Ok(parse_receipt_text(&text))
}

/// Merges the first reading with the fiscal block's readings: a field is kept when it is
/// certain and no other reading contradicts it, or when two readings agree on it; fields the
/// readings disagree on are dropped and listed unreadable.
pub(crate) fn merge(first: TextReading, others: &[TextReading]) -> TextReading {
    let mut out = first;
    fn pick<T: Clone + PartialEq>(
        first: Option<Found<T>>,
        others: Vec<Option<Found<T>>>,
        field: TextField,
        unreadable: &mut Vec<TextField>,
    ) -> Option<Found<T>> {
        let sure = |f: &Option<Found<T>>| f.as_ref().filter(|f| !f.is_doubtful()).cloned();
        let firm = sure(&first);
        let rest: Vec<Found<T>> = others.iter().filter_map(sure).collect();
        let agree = |v: &T| rest.iter().filter(|f| &f.value == v).count();
        match firm {
            Some(f) if rest.is_empty() || agree(&f.value) >= 1 => Some(f),
            _ => {
                // Two of the other readings agreeing.
                let voted = rest.iter().find(|f| agree(&f.value) >= 2).cloned();
                if voted.is_none() && (first.is_some() || !rest.is_empty()) {
                    if !unreadable.contains(&field) {
                        unreadable.push(field);
                    }
                } else if voted.is_some() {
                    unreadable.retain(|u| *u != field);
                }
                voted
            }
        }
    }
    let mut unreadable = std::mem::take(&mut out.unreadable);
    out.fn_number = pick(
        out.fn_number.take(),
        others.iter().map(|o| o.fn_number.clone()).collect(),
        TextField::Fn,
        &mut unreadable,
    );
    out.fd = pick(
        out.fd.take(),
        others.iter().map(|o| o.fd.clone()).collect(),
        TextField::Fd,
        &mut unreadable,
    );
    out.fp = pick(
        out.fp.take(),
        others.iter().map(|o| o.fp.clone()).collect(),
        TextField::Fp,
        &mut unreadable,
    );
    out.datetime = pick(
        out.datetime.take(),
        others.iter().map(|o| o.datetime.clone()).collect(),
        TextField::DateTime,
        &mut unreadable,
    );
    out.total_kopecks = pick(
        out.total_kopecks.take(),
        others.iter().map(|o| o.total_kopecks.clone()).collect(),
        TextField::Total,
        &mut unreadable,
    );
    if out.operation.is_none() {
        out.operation = others.iter().find_map(|o| o.operation.clone());
    }
    out.unreadable = unreadable;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
        5\t1\t1\t1\t1\t1\t10\t100\t40\t20\t90\tИТОГ\n\
        5\t1\t1\t1\t1\t2\t200\t100\t80\t20\t90\t=530.00\n\
        5\t1\t1\t1\t2\t1\t10\t130\t30\t20\t90\tФН\n\
        5\t1\t1\t1\t2\t2\t60\t130\t200\t20\t90\t9286000100138545\n\
        5\t1\t1\t1\t3\t1\t10\t400\t30\t20\t90\tСПАСИБО\n";

    #[test]
    fn tsv_words_lines_and_block() {
        let words = parse_tsv(TSV);
        assert_eq!(words.len(), 5);
        assert_eq!(
            words_to_text(&words),
            "ИТОГ =530.00\nФН 9286000100138545\nСПАСИБО\n"
        );
        let (rect, line_h) = fiscal_block(&words, 300).unwrap();
        assert_eq!(line_h, 20);
        assert_eq!(rect, (0, 60, 300, 130));
        assert!(fiscal_block(&words[4..], 300).is_none());
    }

    #[test]
    fn disagreeing_readings_drop_the_field() {
        let first = parse_receipt_text("ФН 9286000100138545\nФД 378\n");
        let a = parse_receipt_text("ФН 9286880100158545\nФД 378\nФП 1145703373\n");
        let b = parse_receipt_text("ФН 9286800188158545\nФД 578\nФП 1145703373\n");
        let m = merge(first, &[a, b]);
        assert!(m.fn_number.is_none(), "three different ФН: none is taken");
        assert!(m.unreadable.contains(&TextField::Fn));
        assert_eq!(
            m.fd.map(|f| f.value),
            Some(378),
            "the first reading, confirmed once"
        );
        assert_eq!(
            m.fp.map(|f| f.value),
            Some(1_145_703_373),
            "two block readings agree"
        );
    }

    #[test]
    fn a_lone_reading_is_kept_when_nothing_contradicts_it() {
        let first = parse_receipt_text("ФД 378\n");
        let m = merge(first, &[parse_receipt_text(""), parse_receipt_text("")]);
        assert_eq!(m.fd.map(|f| f.value), Some(378));
    }
}
