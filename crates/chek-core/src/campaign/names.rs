//! Which products an item name matches: the matcher a campaign's needles call for.
//!
//! Most campaigns have a few dozen keywords, and [`BitIndex`] finds them all in one pass over
//! the raw name. A campaign with hundreds of them (up to `MAX_MATCHERS`) would need hundreds of
//! state words per character, so it folds each name and looks up needles by their first two
//! bytes ([`NeedleIndex`]) instead. Both answer the same question; a test holds them to it.

use super::bits::BitIndex;
use super::compile::CompiledProduct;
use super::needles::NeedleIndex;
use super::text::{Folded, LetterSets, MAX_FOLDED, Starts, find_from, fold_marking, signature};

/// A campaign's name matcher.
pub(crate) struct Names {
    letters: LetterSets,
    by: Matcher,
}

/// The matcher, by the number of state words its needles take.
enum Matcher {
    One(BitIndex<1>),
    Two(BitIndex<2>),
    Four(BitIndex<4>),
    Many(Box<NeedleIndex>),
}

/// Buffers for [`Names::find`], reused from item to item. Only the folding matcher needs them,
/// so they are made (half a kilobyte zeroed) the first time it runs, not on every decision.
#[derive(Default)]
pub(crate) struct Scratch(Option<Buffers>);

struct Buffers {
    folded: Folded,
    starts: Starts,
}

impl Default for Buffers {
    fn default() -> Self {
        Buffers {
            folded: [0; MAX_FOLDED + 8],
            starts: Starts::default(),
        }
    }
}

impl Names {
    pub(crate) fn new(products: &[CompiledProduct]) -> Self {
        let by = if let Some(b) = BitIndex::new(products) {
            Matcher::One(b)
        } else if let Some(b) = BitIndex::new(products) {
            Matcher::Two(b)
        } else if let Some(b) = BitIndex::new(products) {
            Matcher::Four(b)
        } else {
            Matcher::Many(Box::new(NeedleIndex::new(products)))
        };
        Names {
            letters: LetterSets::new(products),
            by,
        }
    }

    /// Products whose keyword, exclude word or whole pattern occurs in `name` folded, as masks
    /// `[keyword, exclude, pattern]`. Without `excludes`, exclude words may be left out of a
    /// name that matches no keyword and no pattern (the item's GTIN is not listed, so nothing
    /// else could make it count).
    #[inline]
    pub(crate) fn find(
        &self,
        name: &str,
        excludes: bool,
        products: &[CompiledProduct],
        scratch: &mut Scratch,
    ) -> [u64; 3] {
        // Most names lack a letter of every keyword and pattern: nothing to look for.
        if !excludes && !self.letters.may_match(signature(name)) {
            return [0; 3];
        }
        match &self.by {
            Matcher::One(b) => b.find(name),
            Matcher::Two(b) => b.find(name),
            Matcher::Four(b) => b.find(name),
            Matcher::Many(idx) => many(idx, name, products, scratch),
        }
    }
}

/// Kept out of line: campaigns that need it are rare, and inlined it would give
/// [`Names::find`] the stack frame of the folding buffers on every call.
#[inline(never)]
fn many(
    idx: &NeedleIndex,
    name: &str,
    products: &[CompiledProduct],
    scratch: &mut Scratch,
) -> [u64; 3] {
    let Buffers { folded, starts } = scratch.0.get_or_insert_with(Buffers::default);
    let n = fold_marking(name, folded, &idx.pairs, starts);
    let [kw, ex, first] = idx.scan_at(folded, n, starts);
    // A pattern whose first part is there: the rest in order.
    let mut pat = 0;
    let mut rest = first;
    while rest != 0 {
        let bit = rest & rest.wrapping_neg();
        rest ^= bit;
        let p = products.get(bit.trailing_zeros() as usize);
        if p.is_some_and(|p| p.patterns.iter().any(|parts| in_order(&folded[..n], parts))) {
            pat |= bit;
        }
    }
    [kw, ex, pat]
}

/// Whether `parts` occur in `folded` one after another.
fn in_order(folded: &[u8], parts: &[Vec<u8>]) -> bool {
    let mut at = 0;
    parts.iter().all(|p| match find_from(folded, p, at) {
        Some(end) => {
            at = end;
            true
        }
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::text::{fold, generated_names};

    fn product(keywords: &[&str], patterns: &[&[&str]], exclude: &[&str]) -> CompiledProduct {
        CompiledProduct {
            keywords: keywords.iter().map(|k| fold(k)).collect(),
            patterns: patterns
                .iter()
                .map(|parts| parts.iter().map(|p| fold(p)).collect())
                .collect(),
            gtins: Vec::new(),
            exclude: exclude.iter().map(|k| fold(k)).collect(),
        }
    }

    /// What every matcher must answer: the needles looked for in the folded name, one by one.
    fn reference(products: &[CompiledProduct], name: &str) -> [u64; 3] {
        let folded = fold(name);
        let has = |k: &Vec<u8>| find_from(&folded, k, 0).is_some();
        let mut out = [0u64; 3];
        for (n, p) in products.iter().enumerate() {
            let bit = 1 << n;
            if p.keywords.iter().any(has) {
                out[0] |= bit;
            }
            if p.exclude.iter().any(has) {
                out[1] |= bit;
            }
            if p.patterns.iter().any(|parts| in_order(&folded, parts)) {
                out[2] |= bit;
            }
        }
        out
    }

    fn kind(names: &Names) -> &'static str {
        match names.by {
            Matcher::One(_) => "one",
            Matcher::Two(_) => "two",
            Matcher::Four(_) => "four",
            Matcher::Many(_) => "many",
        }
    }

    /// A campaign of `n` keywords of eight letters each (64 bits per 8 of them).
    fn many_keywords(n: usize) -> Vec<CompiledProduct> {
        let words: Vec<String> = (0..n)
            .map(|i| {
                let a = char::from_u32('а' as u32 + (i % 32) as u32).unwrap_or('а');
                let b = char::from_u32('а' as u32 + (i / 32 % 32) as u32).unwrap_or('а');
                format!("{a}{b}ручка{a}")
            })
            .collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        vec![product(&refs, &[], &[])]
    }

    #[test]
    fn the_matcher_grows_with_the_needles() {
        assert_eq!(kind(&Names::new(&many_keywords(8))), "one");
        assert_eq!(kind(&Names::new(&many_keywords(9))), "two");
        assert_eq!(kind(&Names::new(&many_keywords(32))), "four");
        assert_eq!(kind(&Names::new(&many_keywords(33))), "many");
        // A needle longer than a word.
        let long = "тетрадь ".repeat(9);
        assert_eq!(kind(&Names::new(&[product(&[&long], &[], &[])])), "many");
    }

    /// Every matcher agrees with the reference on names made of the needles' own pieces,
    /// separators, look-alikes and other letters (a small deterministic generator), in
    /// campaigns that take one, two and four words and the folding fallback.
    #[test]
    fn every_matcher_agrees_with_the_reference() {
        let base = [
            product(&["ручка", "тетрадь", "шариковая ручка"], &[], &["клей"]),
            product(
                &["я", "48 л"],
                &[&["тет", "48"], &["ka", "z", "ё"]],
                &["ka"],
            ),
            product(&[], &[&["ручк", "я"]], &["ручка синяя"]),
        ];
        let mut campaigns: Vec<Vec<CompiledProduct>> = Vec::new();
        for extra in [0, 8, 20, 40] {
            let mut c: Vec<CompiledProduct> = base
                .iter()
                .map(|p| CompiledProduct {
                    keywords: p.keywords.clone(),
                    patterns: p.patterns.clone(),
                    gtins: Vec::new(),
                    exclude: p.exclude.clone(),
                })
                .collect();
            if extra > 0 {
                c.extend(many_keywords(extra));
            }
            campaigns.push(c);
        }
        let kinds: Vec<&str> = campaigns.iter().map(|c| kind(&Names::new(c))).collect();
        assert_eq!(kinds, ["one", "two", "four", "many"]);

        let names_to_try = generated_names(
            &[
                "Ё",
                "ТЕТ",
                "P",
                "синяя",
                "ЯЯ",
                "-",
                "é",
                "日",
                "\u{2014}",
                "абручкаб",
            ],
            4_000,
        );
        let mut hits = [0usize; 3];
        let mut ruled_out = 0;
        for products in &campaigns {
            let names = Names::new(products);
            let mut scratch = Scratch::default();
            for name in &names_to_try {
                let want = reference(products, name);
                assert_eq!(
                    names.find(name, true, products, &mut scratch),
                    want,
                    "{} {name:?}",
                    kind(&names)
                );
                // Without exclude words wanted, the letter filter may leave them out, but only
                // where no keyword and no pattern is there.
                let quick = names.find(name, false, products, &mut scratch);
                if quick == [0; 3] {
                    assert_eq!([want[0], want[2]], [0, 0], "{name:?}");
                    ruled_out += usize::from(want[1] != 0);
                } else {
                    assert_eq!(quick, want, "{name:?}");
                }
                for (h, w) in hits.iter_mut().zip(want) {
                    *h += usize::from(w != 0);
                }
            }
        }
        assert!(
            hits.iter().all(|&h| h > 1_000),
            "the generator must produce every kind of match: {hits:?}"
        );
        assert!(
            ruled_out > 100,
            "names with an exclude word the filter ruled out: {ruled_out}"
        );
    }

    /// Only the first `MAX_NAME_BYTES` count, the character that starts before the limit whole,
    /// in both matchers alike.
    #[test]
    fn long_names_are_read_to_the_same_limit() {
        let base = [product(&["жук", "яz"], &[], &[])];
        let many = {
            let mut c = many_keywords(40);
            c.push(product(&["жук", "яz"], &[], &[]));
            c
        };
        for n in [250, 253, 254, 255, 256, 300] {
            for tail in ["жук", "яz", "zжук"] {
                let name = format!("{}{tail}", "я".repeat(n));
                for products in [&base[..], &many[..]] {
                    let names = Names::new(products);
                    let got = names.find(&name, true, products, &mut Scratch::default());
                    assert_eq!(got, reference(products, &name), "{n} {tail}");
                }
            }
        }
    }
}
