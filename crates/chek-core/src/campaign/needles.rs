//! Finding every product keyword, exclude word and pattern start in a folded item name.
//!
//! This runs for every item of every receipt, so it is built for the common case: a position
//! is checked only when its two folded bytes pass a small filter ([`pair_hit`], applied while
//! folding), and a needle is compared eight bytes at a time against a word read from the name.

use super::compile::CompiledProduct;
use super::text::{Folded, MAX_FOLDED, Starts};

/// One needle, its first eight bytes held as a word to compare in one go.
struct Needle {
    /// The first up to eight bytes, little-endian, zero-padded.
    head: u64,
    /// Ones over the bytes `head` holds.
    mask: u64,
    len: usize,
    /// The bytes past the eighth; most needles have none.
    tail: Box<[u8]>,
    /// Where a match is reported: 0 keyword, 1 exclude word, 2 first part of a pattern.
    kind: usize,
    /// The product's bit.
    bit: u64,
}

/// Every keyword and exclude word of every product, and the first part of every pattern,
/// grouped by their first two bytes, so one pass over a folded name finds them all.
pub(crate) struct NeedleIndex {
    /// Needles of two bytes or more, grouped by the bit of their first two bytes in `pairs`:
    /// the pair `a b` has the needles `needles[group[k]..group[k + 1]]`, where `k` is
    /// `group_of[(a & 63) << 6 | b & 63]`.
    needles: Vec<Needle>,
    group: Vec<u32>,
    group_of: Box<[u16; 4096]>,
    /// The first two bytes of every needle, as a filter: bit `b & 63` of word `a & 63` for the
    /// pair `a b` (see [`pair_hit`]).
    pub(crate) pairs: [u64; 64],
    /// One-byte needles (rare) and the bytes they are.
    singles: Vec<Needle>,
    single: [bool; 256],
}

/// Nonzero when the pair `a b` may start a needle. The low six bits tell the folded alphabet's
/// letters apart (Cyrillic `0xC0 + i` from space and the Latin letters and digits left), so a
/// 512-byte table that stays in L1 does; the few collisions (some Latin letters with digits)
/// only send a position to the exact check. A value rather than a `bool`, so the fold can test
/// several pairs with one branch.
#[inline(always)]
pub(crate) fn pair_hit(pairs: &[u64; 64], a: u8, b: u8) -> u64 {
    pairs[usize::from(a & 63)] & 1 << (b & 63)
}

impl Needle {
    fn new(k: &[u8], product: usize, kind: usize) -> Needle {
        let h = k.len().min(8);
        let mut head = [0u8; 8];
        head[..h].copy_from_slice(&k[..h]);
        Needle {
            head: u64::from_le_bytes(head),
            mask: if h == 8 { u64::MAX } else { (1 << (8 * h)) - 1 },
            len: k.len(),
            tail: k[h..].into(),
            kind,
            bit: 1 << product,
        }
    }

    /// Whether this needle starts at `i` of `hay[..n]`, whose first eight bytes there are
    /// `word`. Bytes of `word` past `n` are left over from a longer name; the length check
    /// rules out a match that would use them.
    #[inline]
    fn at(&self, word: u64, hay: &Folded, n: usize, i: usize) -> bool {
        word & self.mask == self.head
            && i + self.len <= n
            && (self.tail.is_empty() || hay.get(i + 8..i + self.len) == Some(&self.tail[..]))
    }
}

impl NeedleIndex {
    pub(crate) fn new(products: &[CompiledProduct]) -> Self {
        let mut all: Vec<(&[u8], usize, usize)> = Vec::new();
        for (n, p) in products.iter().enumerate() {
            all.extend(p.keywords.iter().map(|k| (k.as_slice(), n, 0)));
            all.extend(p.exclude.iter().map(|k| (k.as_slice(), n, 1)));
            all.extend(p.patterns.iter().map(|parts| (parts[0].as_slice(), n, 2)));
        }
        let mut pairs = [0u64; 64];
        let mut single = [false; 256];
        let mut singles = Vec::new();
        let mut long = Vec::new();
        for (k, product, kind) in all {
            match k {
                // Compilation refuses empty needles; one here would match everywhere, so it
                // is dropped rather than trusted.
                [] => {}
                [a] => {
                    single[usize::from(*a)] = true;
                    singles.push(Needle::new(k, product, kind));
                }
                [a, b, ..] => {
                    pairs[usize::from(a & 63)] |= 1 << (b & 63);
                    long.push((
                        usize::from(a & 63) << 6 | usize::from(b & 63),
                        k,
                        product,
                        kind,
                    ));
                }
            }
        }
        long.sort_by_key(|(key, ..)| *key);
        let mut group = Vec::new();
        // At most 4096 pairs, so the group index of each fits; a pair without needles points
        // to an empty group past the end.
        let mut group_of = Box::new([0u16; 4096]);
        let mut needles = Vec::with_capacity(long.len());
        let mut last = usize::MAX;
        for (key, k, product, kind) in long {
            if key != last {
                group_of[key] = group.len() as u16;
                group.push(needles.len() as u32);
                last = key;
            }
            needles.push(Needle::new(k, product, kind));
        }
        for (key, g) in group_of.iter_mut().enumerate() {
            if pairs[key >> 6] >> (key & 63) & 1 == 0 {
                *g = group.len() as u16;
            }
        }
        group.push(needles.len() as u32);
        NeedleIndex {
            needles,
            group,
            pairs,
            group_of,
            singles,
            single,
        }
    }

    /// Marks in `found` the needles of two bytes or more that start at `i` in `hay[..n]`.
    #[inline(always)]
    fn check(&self, hay: &Folded, n: usize, i: usize, found: &mut [u64; 3]) {
        let Some(word) = hay.get(i..i + 8) else {
            return;
        };
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let word = u64::from_le_bytes(w);
        let k = usize::from(self.group_of[usize::from(w[0] & 63) << 6 | usize::from(w[1] & 63)]);
        let (Some(&from), Some(&to)) = (self.group.get(k), self.group.get(k + 1)) else {
            return;
        };
        for x in self
            .needles
            .get(from as usize..to as usize)
            .unwrap_or_default()
        {
            if x.at(word, hay, n, i) {
                found[x.kind] |= x.bit;
            }
        }
    }

    /// As [`scan`](Self::scan), checking two-byte-prefix needles only at `starts` (noted while
    /// folding), unless they overflowed.
    pub(crate) fn scan_at(&self, hay: &Folded, n: usize, starts: &Starts) -> [u64; 3] {
        if starts.overflow {
            return self.scan(hay, n);
        }
        let mut found = [0u64; 3];
        for &i in &starts.at[..starts.len] {
            self.check(hay, n, usize::from(i), &mut found);
        }
        self.scan_single(hay, n, &mut found);
        found
    }

    /// Products whose keyword, exclude word, or first pattern part occurs in the folded name
    /// `hay[..n]`, as masks `[keyword, exclude, pattern]`.
    pub(crate) fn scan(&self, hay: &Folded, n: usize) -> [u64; 3] {
        let n = n.min(MAX_FOLDED);
        let mut found = [0u64; 3];
        // Most positions start no needle: a bit set of two-byte prefixes rules them out cheaply.
        for (i, w) in hay[..n].windows(2).enumerate() {
            if pair_hit(&self.pairs, w[0], w[1]) != 0 {
                self.check(hay, n, i, &mut found);
            }
        }
        self.scan_single(hay, n, &mut found);
        found
    }

    /// One-byte needles (rare), looked for apart to keep the loops above tight.
    #[inline]
    fn scan_single(&self, hay: &Folded, n: usize, found: &mut [u64; 3]) {
        if self.singles.is_empty() {
            return;
        }
        for (i, b) in hay[..n.min(MAX_FOLDED)].iter().enumerate() {
            if self.single[usize::from(*b)] {
                let word = u64::from(*b);
                for x in &self.singles {
                    if x.at(word, hay, n, i) {
                        found[x.kind] |= x.bit;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::text::{
        LetterSets, find_from, fold, fold_marking, generated_names, signature,
    };

    fn product(keywords: &[&str], exclude: &[&str]) -> CompiledProduct {
        CompiledProduct {
            keywords: keywords.iter().map(|k| fold(k)).collect(),
            patterns: Vec::new(),
            gtins: Vec::new(),
            exclude: exclude.iter().map(|k| fold(k)).collect(),
        }
    }

    /// `name` folded into a buffer whose slack holds leftovers, as in a real pass.
    fn folded(name: &str, idx: &NeedleIndex) -> (Box<Folded>, usize, Starts) {
        let mut buf = Box::new([b'z'; MAX_FOLDED + 8]);
        let mut starts = Starts::default();
        let n = fold_marking(name, &mut buf, &idx.pairs, &mut starts);
        (buf, n, starts)
    }

    fn scan(idx: &NeedleIndex, name: &str) -> [u64; 3] {
        let (buf, n, _) = folded(name, idx);
        idx.scan(&buf, n)
    }

    #[test]
    fn scan_finds_long_and_one_byte_needles_anywhere() {
        let idx = NeedleIndex::new(&[
            product(&["ручка"], &["клей"]),
            product(&["я"], &[]),
            product(&["шариковая ручка синяя"], &[]),
        ]);
        assert_eq!(scan(&idx, "Ручка гелевая"), [0b11, 0, 0]);
        assert_eq!(scan(&idx, "клей-карандаш"), [0, 0b01, 0]);
        assert_eq!(scan(&idx, "я"), [0b10, 0, 0]);
        assert_eq!(scan(&idx, "хлеб"), [0, 0, 0]);
        assert_eq!(scan(&idx, "ручк"), [0, 0, 0]);
        assert_eq!(scan(&idx, ""), [0, 0, 0]);
        // A needle longer than eight bytes: its tail decides.
        assert_eq!(scan(&idx, "ШАРИКОВАЯ  РУЧКА, СИНЯЯ"), [0b111, 0, 0]);
        assert_eq!(scan(&idx, "шариковая ручка синий"), [0b011, 0, 0]);
    }

    #[test]
    fn leftover_bytes_past_the_name_never_match() {
        let idx = NeedleIndex::new(&[product(&["клей"], &[])]);
        let mut buf = Box::new([0u8; MAX_FOLDED + 8]);
        let mut starts = Starts::default();
        fold_marking("клей", &mut buf, &idx.pairs, &mut starts);
        // A shorter name over the same buffer: "кл" followed by the old "ей".
        let n = fold_marking("кл", &mut buf, &idx.pairs, &mut starts);
        assert_eq!(idx.scan(&buf, n), [0, 0, 0]);
        assert_eq!(idx.scan_at(&buf, n, &starts), [0, 0, 0]);
    }

    /// The marks noted while folding find what a full scan finds, on names made of the
    /// needles' own pieces, separators and look-alikes (a small deterministic generator).
    #[test]
    fn marking_while_folding_finds_what_a_full_scan_finds() {
        let mut patterned = product(&[], &[]);
        patterned.patterns = vec![vec![fold("тет"), fold("48")]];
        let products = [
            product(&["ручка", "тетрадь", "шариковая ручка"], &["клей"]),
            product(&["я", "48 л"], &["ka"]),
            patterned,
        ];
        let idx = NeedleIndex::new(&products);
        let letters = LetterSets::new(&products);
        let mut hits = 0;
        let mut ruled_out = 0;
        for name in generated_names(&[], 5_000) {
            let (buf, n, starts) = folded(&name, &idx);
            assert_eq!(&buf[..n], fold(&name).as_slice(), "{name:?}");
            let full = idx.scan(&buf, n);
            assert_eq!(idx.scan_at(&buf, n, &starts), full, "{name:?}");
            hits += usize::from(full != [0; 3]);
            // A name the letter filter rules out has no keyword and no whole pattern.
            if !letters.may_match(signature(&name)) {
                assert_eq!(full[0], 0, "{name:?}");
                let folded = fold(&name);
                let whole = find_from(&folded, &fold("тет"), 0)
                    .and_then(|at| find_from(&folded, &fold("48"), at));
                assert_eq!(whole, None, "{name:?}");
                ruled_out += 1;
            }
        }
        assert!(hits > 1_000, "the generator must produce matches: {hits}");
        assert!(
            ruled_out > 500,
            "the filter must rule names out: {ruled_out}"
        );
        // More marked positions than fit: the full scan takes over.
        let long = "ручка ".repeat(100);
        let (buf, n, starts) = folded(&long, &idx);
        assert!(starts.overflow);
        // "ka" folds to Cyrillic «ка», which «ручка» ends with.
        assert_eq!(idx.scan_at(&buf, n, &starts), [0b01, 0b10, 0]);
    }
}
