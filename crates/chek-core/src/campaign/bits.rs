//! Every keyword, exclude word and whole pattern of a campaign found in one pass over a raw
//! item name: the bit-parallel Shift-And algorithm (Baeza-Yates and Gonnet, 1992), with the
//! gaps of patterns kept open as in Wu and Manber's agrep.
//!
//! Each folded character of each needle is one bit of a state of `K` 64-bit words. After a
//! character of the name, bit `j` is set when the needle's characters up to `j` match the
//! name's last folded characters. One character costs a shift, two ANDs and two ORs per word
//! however many needles there are; the name is never written out folded, no position is
//! checked twice, and patterns need no second search. That suits the usual campaign of a few
//! dozen keywords. Campaigns whose needles need more than four words (hundreds of keywords)
//! would pay for every word on every character, so they take `needles::NeedleIndex` instead.

use super::compile::CompiledProduct;
use super::text::{
    ASCII, CYRILLIC, FOUR_CYRILLIC, FOUR_CYRILLIC_MASK, MAX_NAME_BYTES, SPACE, cyr_index, fold_char,
};

/// What a needle's final bit reports: a keyword, an exclude word or a whole pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Keyword = 0,
    Exclude = 1,
    Pattern = 2,
}

/// Classes of characters, each with its own state update: the ASCII bytes (`0..128`), and
/// `128 +` the [`cyr_index`] of a two-byte `D0`/`D1` sequence. Any other character folds to a
/// separator (the class of ASCII space) or to the "other letter" byte, which the sequence
/// `D0 80` (`Ѐ`, index 0) also folds to.
const CLASSES: usize = 256;
const SPACE_CLASS: usize = SPACE as usize;
const OTHER_CLASS: usize = 128;
/// A class no character has: its step leaves the state as it is.
const IDLE: usize = CLASSES;
const _: () = assert!(CYRILLIC[0] == 0xFE);

/// The folded byte of a class.
fn folded(class: usize) -> u8 {
    match class {
        0..128 => ASCII[class],
        _ => CYRILLIC[class - 128],
    }
}

/// The state update for one class of character.
#[derive(Clone, Copy)]
struct Step<const K: usize> {
    /// Bits whose needle character is this one: set when the bit before was.
    take: [u64; K],
    /// Needle starts of this character: set whatever came before.
    start: [u64; K],
    /// Bits that stay as they are: the end of a pattern's part after any character (anything
    /// may come between parts), a needle's space after a separator (a run of separators folds
    /// to one space), and every needle's last bit, so that the state itself remembers what was
    /// found and the loop keeps no second word of hits.
    keep: [u64; K],
}

/// One needle as the folded parts it must find in order (one part unless a pattern).
struct Unit<'a> {
    parts: Vec<&'a [u8]>,
    len: usize,
    kind: Kind,
    product: usize,
}

/// The needles of one campaign as Shift-And masks in `K` words.
pub(crate) struct BitIndex<const K: usize> {
    steps: Box<[Step<K>; CLASSES + 1]>,
    /// The last bit of every needle.
    finals: [u64; K],
    /// For bit `64 * w + j` of `finals`: the kind and the product's bit it reports.
    reports: Vec<(Kind, u64)>,
}

impl<const K: usize> BitIndex<K> {
    /// The needles of `products` in `K` words, or `None` when they do not fit (a needle longer
    /// than 64 folded bytes, or more than `K` words in all).
    pub(crate) fn new(products: &[CompiledProduct]) -> Option<Self> {
        let mut units: Vec<Unit<'_>> = Vec::new();
        for (product, p) in products.iter().enumerate() {
            for k in &p.keywords {
                units.push(Unit::new(vec![k.as_slice()], Kind::Keyword, product));
            }
            for k in &p.exclude {
                units.push(Unit::new(vec![k.as_slice()], Kind::Exclude, product));
            }
            for parts in &p.patterns {
                units.push(Unit::new(
                    parts.iter().map(Vec::as_slice).collect(),
                    Kind::Pattern,
                    product,
                ));
            }
        }
        // Compilation refuses empty needles; one here would match everywhere, so it is
        // dropped rather than trusted.
        units.retain(|u| u.len > 0);
        if units.iter().any(|u| u.len > 64) {
            return None;
        }
        // First fit, longest first: the words fill up and short needles take the gaps.
        units.sort_by_key(|u| std::cmp::Reverse(u.len));
        let mut used = [0usize; K];
        let mut placed = Vec::with_capacity(units.len());
        for u in &units {
            let w = used.iter().position(|&n| n + u.len <= 64)?;
            placed.push((w, used[w]));
            used[w] += u.len;
        }

        let mut take = [[0u64; K]; CLASSES];
        let mut start = [0u64; K];
        let mut gaps = [0u64; K];
        let mut spaces = [0u64; K];
        let mut finals = [0u64; K];
        let mut reports = vec![(Kind::Keyword, 0u64); 64 * K];
        for (u, &(w, at)) in units.iter().zip(&placed) {
            start[w] |= 1 << at;
            let mut j = at;
            for part in &u.parts {
                for &f in *part {
                    for (class, t) in take.iter_mut().enumerate() {
                        if folded(class) == f {
                            t[w] |= 1 << j;
                        }
                    }
                    if f == SPACE {
                        spaces[w] |= 1 << j;
                    }
                    j += 1;
                }
                gaps[w] |= 1 << (j - 1);
            }
            let last = 1 << (j - 1);
            // The last part's end is the needle's end, not a gap.
            gaps[w] &= !last;
            finals[w] |= last;
            reports[64 * w + j - 1] = (u.kind, 1 << u.product);
        }
        let mut steps: Vec<Step<K>> = (0..CLASSES)
            .map(|class| {
                let t = take[class];
                let separator = folded(class) == SPACE;
                Step {
                    take: t,
                    start: std::array::from_fn(|w| t[w] & start[w]),
                    keep: std::array::from_fn(|w| {
                        gaps[w] | finals[w] | if separator { spaces[w] } else { 0 }
                    }),
                }
            })
            .collect();
        steps.push(Step {
            take: [0; K],
            start: [0; K],
            keep: [u64::MAX; K],
        });
        let steps = steps.into_boxed_slice().try_into().ok()?;
        Some(BitIndex {
            steps,
            finals,
            reports,
        })
    }

    /// One character of class `class`.
    #[inline(always)]
    fn advance(&self, state: &mut [u64; K], class: usize) {
        if let Some(s) = self.steps.get(class) {
            for (w, x) in state.iter_mut().enumerate() {
                // Two independent halves: the shift and the keep do not wait on each other.
                *x = (*x << 1 & s.take[w]) | (*x & s.keep[w] | s.start[w]);
            }
        }
    }

    /// Products whose keyword, exclude word or whole pattern occurs in `name` folded, as masks
    /// `[keyword, exclude, pattern]`. Reads the first `MAX_NAME_BYTES` of `name` as
    /// `text::fold_marking` does (the character that starts before the limit taken whole).
    ///
    /// Not inlined: on its own the loop keeps its state in registers.
    #[inline(never)]
    pub(crate) fn find(&self, name: &str) -> [u64; 3] {
        let b = name.as_bytes();
        let end = b.len().min(MAX_NAME_BYTES);
        // What the four-letter path may read: letters that start past the limit do not count.
        let within = b.get(..end).unwrap_or(b);
        let mut state = [0u64; K];
        let mut i = 0;
        while i < end {
            let x = b[i];
            // Cyrillic letters straight from one word of the name: four, two or one of them,
            // as many as start the word (all before `end`). ASCII skips the attempt.
            if x >= 0x80 {
                let ahead = within.get(i..).unwrap_or_default();
                let w = match ahead.first_chunk::<8>() {
                    Some(w) => Some(u64::from_le_bytes(*w)),
                    None => ahead
                        .first_chunk::<4>()
                        .map(|w| u64::from(u32::from_le_bytes(*w))),
                };
                if let Some(w) = w {
                    // Zero lanes are Cyrillic letters; a word read short has no letters in
                    // its upper lanes.
                    let m = w & FOUR_CYRILLIC_MASK ^ FOUR_CYRILLIC;
                    // Per 16-bit lane, the letter's `cyr_index`.
                    let idx = (w >> 8) & 0x003F_003F_003F_003F | (w & 0x0001_0001_0001_0001) << 6;
                    // Letters that start the word: its lanes up to the first that is none.
                    let lanes = (m.trailing_zeros() / 16) as usize;
                    if lanes > 0 {
                        // All four steps, those past the letters with the class that changes
                        // nothing: no branch on how many there are.
                        for k in 0..4 {
                            let c = (idx >> (16 * k) & 0x7F) as usize;
                            let class = if k < lanes { 128 + c } else { IDLE };
                            self.advance(&mut state, class);
                        }
                        i += 2 * lanes;
                        continue;
                    }
                }
            }
            let class = if x < 0x80 {
                i += 1;
                usize::from(x)
            } else if x & 0xFE == 0xD0 {
                let y = b.get(i + 1).copied().unwrap_or(0x80);
                i += 2;
                128 + cyr_index(u32::from(x) | u32::from(y) << 8)
            } else {
                match name.get(i..).and_then(|t| t.chars().next()) {
                    Some(c) => {
                        i += c.len_utf8();
                        if fold_char(c) == SPACE {
                            SPACE_CLASS
                        } else {
                            OTHER_CLASS
                        }
                    }
                    None => {
                        i += 1;
                        SPACE_CLASS
                    }
                }
            };
            self.advance(&mut state, class);
        }
        let mut found = [0u64; 3];
        for (w, (&state, &finals)) in state.iter().zip(&self.finals).enumerate() {
            let mut hit = state & finals;
            while hit != 0 {
                let j = hit.trailing_zeros() as usize;
                hit &= hit - 1;
                if let Some(&(kind, bit)) = self.reports.get(64 * w + j) {
                    found[kind as usize] |= bit;
                }
            }
        }
        found
    }
}

impl<'a> Unit<'a> {
    fn new(parts: Vec<&'a [u8]>, kind: Kind, product: usize) -> Self {
        let parts: Vec<&[u8]> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        Unit {
            len: parts.iter().map(|p| p.len()).sum(),
            parts,
            kind,
            product,
        }
    }
}
