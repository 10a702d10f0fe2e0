//! Counting units and segments, and cutting a message into the segments a gateway sends.

use serde::Serialize;

use super::SmsEncoding;

/// The measured length of one message.
///
/// ```
/// use chek_ru::sms::measure;
/// let m = measure(&"ж".repeat(71));
/// assert_eq!((m.units, m.segments, m.per_segment), (71, 2, 67));
/// assert_eq!(m.to_save_segment(), Some(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SmsLength {
    /// The alphabet the whole message goes out in.
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Unicode scalar values, for people who count characters.
    pub chars: usize,
    /// Segments a gateway sends and bills; 0 for an empty message.
    pub segments: usize,
    /// Capacity of each segment at this length: the single-message limit when it fits one,
    /// the concatenated limit otherwise.
    pub per_segment: usize,
    /// Units still free in the last segment before another one is needed (pairs may leave
    /// one of them unusable).
    pub free_in_last: usize,
}

impl SmsLength {
    /// Whether it goes out as one SMS.
    pub const fn fits_one(&self) -> bool {
        self.segments <= 1
    }

    /// Cost at a price per segment, in kopecks.
    pub const fn cost_kopecks(&self, price_per_segment: i64) -> i64 {
        price_per_segment.saturating_mul(self.segments as i64)
    }

    /// At least how many units must go to send one segment fewer (`None` for a message of one
    /// segment or none). In UCS-2 a Cyrillic letter is one unit, an emoji two.
    pub fn to_save_segment(&self) -> Option<usize> {
        if self.segments <= 1 {
            return None;
        }
        let fewer = self.segments - 1;
        let capacity = if fewer == 1 {
            self.encoding.single_limit()
        } else {
            fewer * self.encoding.segment_limit()
        };
        Some(self.units.saturating_sub(capacity).max(1))
    }
}

/// Measures a message: encoding, units, segments. Linear in the text, no allocation.
///
/// ```
/// use chek_ru::sms::{measure, SmsEncoding};
/// // 153 closing brackets are 306 septets: escape pairs are never split, so 3 segments.
/// let m = measure(&"]".repeat(153));
/// assert_eq!((m.encoding, m.units, m.segments), (SmsEncoding::Gsm7, 306, 3));
/// assert_eq!(measure("").segments, 0);
/// ```
pub fn measure(text: &str) -> SmsLength {
    let encoding = SmsEncoding::detect(text);
    let mut units = 0usize;
    let mut chars = 0usize;
    for c in text.chars() {
        units += char_units(encoding, c);
        chars += 1;
    }
    let (segments, per_segment, free_in_last) = if units == 0 {
        (0, encoding.single_limit(), encoding.single_limit())
    } else if units <= encoding.single_limit() {
        (1, encoding.single_limit(), encoding.single_limit() - units)
    } else {
        let limit = encoding.segment_limit();
        let (mut segments, mut used) = (1usize, 0usize);
        for c in text.chars() {
            let u = char_units(encoding, c);
            if used + u > limit {
                segments += 1;
                used = 0;
            }
            used += u;
        }
        (segments, limit, limit - used)
    };
    SmsLength {
        encoding,
        units,
        chars,
        segments,
        per_segment,
        free_in_last,
    }
}

/// Cuts a message into the segments a gateway sends, never splitting a surrogate pair or a
/// GSM-7 escape pair. A message that fits one SMS comes back whole; an empty one as no segment.
///
/// ```
/// use chek_ru::sms::split;
/// let text = format!("{}😀", "ж".repeat(66));
/// let both = format!("{text}{text}");
/// let parts = split(&both);
/// // 66 letters fill 66 units; the emoji needs 2 and only 1 is left, so it opens segment 2.
/// assert_eq!(parts[0], "ж".repeat(66));
/// assert!(parts[1].starts_with('😀'));
/// assert_eq!(parts.concat(), both);
/// ```
pub fn split(text: &str) -> Vec<&str> {
    let m = measure(text);
    if m.segments <= 1 {
        return if text.is_empty() { vec![] } else { vec![text] };
    }
    let limit = m.encoding.segment_limit();
    let mut parts = Vec::with_capacity(m.segments);
    let (mut start, mut used) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        let u = char_units(m.encoding, c);
        if used + u > limit {
            parts.push(&text[start..i]);
            start = i;
            used = 0;
        }
        used += u;
    }
    parts.push(&text[start..]);
    parts
}

fn char_units(encoding: SmsEncoding, c: char) -> usize {
    // detect() guarantees every char has a GSM-7 form when the encoding is GSM-7.
    encoding.units(c).unwrap_or(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_at_the_edges() {
        let cases: &[(&str, usize, usize)] = &[
            ("a", 160, 1),
            ("a", 161, 2),
            ("a", 306, 2),
            ("a", 307, 3),
            ("ж", 70, 1),
            ("ж", 71, 2),
            ("ж", 134, 2),
            ("ж", 135, 3),
        ];
        for &(c, n, segments) in cases {
            let m = measure(&c.repeat(n));
            assert_eq!(m.segments, segments, "{c} × {n}");
            assert_eq!(m.units, n);
        }
    }

    #[test]
    fn emoji_are_two_units_and_never_split() {
        let m = measure("😀");
        assert_eq!((m.encoding, m.units, m.chars), (SmsEncoding::Ucs2, 2, 1));
        // 35 emoji = 70 units: one SMS.
        assert_eq!(measure(&"😀".repeat(35)).segments, 1);
        // 36 emoji = 72 units: 33 per 67-unit segment (66 units, one wasted), so 2 segments.
        let text = "😀".repeat(36);
        let m = measure(&text);
        assert_eq!((m.units, m.segments), (72, 2));
        let parts = split(&text);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].chars().count(), 33);
        // 67 emoji = 134 units would fit two segments by units, but each takes only 33: 3.
        assert_eq!(measure(&"😀".repeat(67)).segments, 3);
    }

    #[test]
    fn one_cyrillic_letter_turns_the_whole_message_ucs2() {
        let latin = "a".repeat(100);
        assert_eq!(measure(&latin).segments, 1);
        let m = measure(&format!("{latin}ж"));
        assert_eq!(
            (m.encoding, m.units, m.segments),
            (SmsEncoding::Ucs2, 101, 2)
        );
    }

    #[test]
    fn combining_marks_count_separately() {
        // «й» written as и + combining breve is two units.
        assert_eq!(measure("и\u{306}").units, 2);
        assert_eq!(measure("й").units, 1);
    }

    #[test]
    fn split_parts_fit_and_rejoin() {
        let text = format!("{}€{}", "x".repeat(152), "y".repeat(200));
        let parts = split(&text);
        assert_eq!(parts.concat(), text);
        assert_eq!(
            parts[0],
            "x".repeat(152),
            "the escape pair moves whole to segment 2"
        );
        for p in &parts {
            let units: usize = p.chars().map(|c| char_units(SmsEncoding::Gsm7, c)).sum();
            assert!(units <= 153);
        }
        assert_eq!(parts.len(), measure(&text).segments);
    }

    #[test]
    fn cost_and_cut() {
        let m = measure(&"ж".repeat(80));
        assert_eq!(m.cost_kopecks(350), 700);
        assert_eq!(m.to_save_segment(), Some(10));
        assert_eq!(m.free_in_last, 67 - 13);
        assert_eq!(measure(&"ж".repeat(140)).to_save_segment(), Some(6));
        assert_eq!(measure("ok").to_save_segment(), None);
    }
}
