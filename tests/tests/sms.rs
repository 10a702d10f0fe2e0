//! SMS counting invariants over arbitrary text: segments rejoin to the input, no segment
//! overflows, no pair is split, and the count matches the cut.

use chek::sms::{SmsEncoding, measure, split};
use proptest::prelude::*;

fn units(enc: SmsEncoding, s: &str) -> usize {
    s.chars()
        .map(|c| enc.units(c).unwrap_or(usize::MAX / 4))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn split_is_a_faithful_cut(text in "(\\PC|[€\\[\\]{}😀жa ]){0,400}") {
        let m = measure(&text);
        let parts = split(&text);
        prop_assert_eq!(parts.concat(), text.clone());
        prop_assert_eq!(parts.len(), m.segments);
        prop_assert_eq!(units(m.encoding, &text), m.units);
        for p in &parts {
            let limit = if m.segments == 1 { m.encoding.single_limit() } else { m.encoding.segment_limit() };
            prop_assert!(units(m.encoding, p) <= limit);
        }
        if m.segments > 1 {
            prop_assert!(m.units > m.encoding.single_limit());
        }
    }
}
