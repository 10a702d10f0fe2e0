//! Folding item names so that marketers' keywords match what cash registers print.
//!
//! Receipts print the same product as «Тетрадь», «ТЕТРАДЬ», «Тетрадь» with a Latin `Т`, or
//! «Тетрадь ё»; keywords must match all of them. Folding maps every character to one byte of a
//! small alphabet: digits and Latin letters stay ASCII, Cyrillic letters become `0xC0 + index`,
//! Latin letters that look like Cyrillic ones become those, `ё` becomes `е`, anything else is a
//! single space. One byte per character keeps matching allocation-free and fast.

/// Only a name's first this many bytes are folded and matched: fiscal item names are at most
/// 128 characters (tag 1030), addresses 256 (tag 1009), two bytes each in Cyrillic. The
/// character that starts before the limit is taken whole.
pub(crate) const MAX_NAME_BYTES: usize = 512;

/// A folded name is at most one byte per character taken.
pub(crate) const MAX_FOLDED: usize = MAX_NAME_BYTES;

use super::compile::CompiledProduct;
use super::needles::pair_hit;

pub(crate) const SPACE: u8 = b' ';

/// Cyrillic `а` in the folded alphabet; `я` is `CYR + 31`.
const CYR: u8 = 0xC0;

fn cyr(c: char) -> u8 {
    // Only called for а..я.
    CYR + (c as u32 - 'а' as u32) as u8
}

/// The folded byte of one character, or `SPACE` for separators.
pub(crate) fn fold_char(c: char) -> u8 {
    match c {
        '0'..='9' => c as u8,
        'A'..='Z' | 'a'..='z' => match c.to_ascii_lowercase() {
            // Latin letters printed in place of Cyrillic ones (same glyph in upper case).
            'a' => cyr('а'),
            'b' => cyr('в'),
            'c' => cyr('с'),
            'e' => cyr('е'),
            'h' => cyr('н'),
            'k' => cyr('к'),
            'm' => cyr('м'),
            'o' => cyr('о'),
            'p' => cyr('р'),
            't' => cyr('т'),
            'x' => cyr('х'),
            'y' => cyr('у'),
            l => l as u8,
        },
        'а'..='я' => cyr(c),
        'А'..='Я' => CYR + (c as u32 - 'А' as u32) as u8,
        'ё' | 'Ё' => cyr('е'),
        _ if c.is_alphanumeric() => 0xFE,
        _ => SPACE,
    }
}

const fn ascii_table() -> [u8; 128] {
    let mut t = [SPACE; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = match c {
            b'0'..=b'9' => c,
            b'A'..=b'Z' | b'a'..=b'z' => {
                let l = c | 0x20;
                // Latin letters printed in place of Cyrillic ones (same glyph in upper case).
                match l {
                    b'a' => CYR,
                    b'b' => CYR + 2,
                    b'c' => CYR + 17,
                    b'e' => CYR + 5,
                    b'h' => CYR + 13,
                    b'k' => CYR + 10,
                    b'm' => CYR + 12,
                    b'o' => CYR + 14,
                    b'p' => CYR + 16,
                    b't' => CYR + 18,
                    b'x' => CYR + 21,
                    b'y' => CYR + 19,
                    _ => l,
                }
            }
            _ => SPACE,
        };
        i += 1;
    }
    t
}

pub(crate) static ASCII: [u8; 128] = ascii_table();

/// Folded bytes of the two-byte UTF-8 sequences `D0 xx` (row 0) and `D1 xx` (row 1), indexed
/// by `xx - 0x80`: U+0400..U+047F, all letters.
const fn cyrillic_table() -> [[u8; 64]; 2] {
    let mut t = [[0xFEu8; 64]; 2];
    let mut y = 0;
    while y < 64 {
        let b = 0x80 + y as u8;
        t[0][y] = match b {
            0x90..=0xAF => CYR + (b - 0x90),
            0xB0..=0xBF => CYR + (b - 0xB0),
            0x81 => CYR + 5,
            _ => 0xFE,
        };
        t[1][y] = match b {
            0x80..=0x8F => CYR + 16 + (b - 0x80),
            0x91 => CYR + 5,
            _ => 0xFE,
        };
        y += 1;
    }
    t
}

/// Folds `s` into `out` (cleared first): lower case, ё=е, look-alikes folded, runs of
/// separators collapsed to one space, no leading or trailing space. Folds the first
/// [`MAX_NAME_BYTES`] of `s`.
pub(crate) fn fold_into(s: &str, out: &mut Vec<u8>) {
    let mut buf = [0u8; MAX_FOLDED + 8];
    let n = fold_buf(s, &mut buf);
    out.clear();
    out.extend_from_slice(&buf[..n]);
}

/// As [`fold_into`], into a fixed buffer; returns the folded length.
pub(crate) fn fold_buf(s: &str, out: &mut Folded) -> usize {
    let mut starts = Starts::default();
    fold_marking(s, out, &[0; 64], &mut starts)
}

/// A buffer for one folded name, with 8 bytes of slack so a needle's first 8 bytes can be
/// read as one word at any position (`needles::NeedleIndex`).
pub(crate) type Folded = [u8; MAX_FOLDED + 8];

/// Positions where a two-byte needle prefix was seen while folding.
pub(crate) struct Starts {
    pub(crate) at: [u16; 64],
    pub(crate) len: usize,
    /// More than fit: the caller must check every position.
    pub(crate) overflow: bool,
}

impl Default for Starts {
    fn default() -> Self {
        Starts {
            at: [0; 64],
            len: 0,
            overflow: false,
        }
    }
}

/// Folded bytes of the two-byte UTF-8 sequences `D0 xx` and `D1 xx`, indexed by [`cyr_index`].
pub(crate) static CYRILLIC: [u8; 128] = {
    let rows = cyrillic_table();
    let mut t = [0xFEu8; 128];
    let mut y = 0;
    while y < 64 {
        t[y] = rows[0][y];
        t[64 + y] = rows[1][y];
        y += 1;
    }
    t
};

/// The [`CYRILLIC`] index of the sequence whose lead byte is bits 0..8 of `w` (`D0` or `D1`)
/// and continuation byte bits 8..16 (`10xxxxxx`): the lead's low bit, then the six `x`.
#[inline(always)]
pub(crate) fn cyr_index(w: u32) -> usize {
    ((w >> 8 | w << 6) & 0x7F) as usize
}

/// A name's letters as a set: bit `f & 63` for every folded byte `f` the name may fold to. A
/// needle whose own set is not inside the name's cannot occur in it, so most item names are
/// ruled out by [`signature`] alone, without folding them (see `needles::NeedleIndex::may_match`).
pub(crate) fn letter_bit(f: u8) -> u64 {
    1 << (f & 63)
}

/// The letter set ([`letter_bit`]) of folded bytes: a needle's, or a folded name's.
pub(crate) fn letters(folded: &[u8]) -> u64 {
    folded.iter().fold(0, |a, &x| a | letter_bit(x))
}

/// Per raw byte, the letters of every folded byte the character it belongs to may give: ASCII
/// its own; a continuation byte `10xxxxxx` both Cyrillic letters it ends (after `D0` and after
/// `D1`) and the "other letter" byte; any other lead byte a separator or the "other letter"
/// byte (`fold_char`'s only answers past ASCII and Cyrillic). `D0` and `D1` give nothing of their
/// own: their continuation says it. A superset by construction, so it never rules out a match.
static SIGNATURE: [u64; 256] = {
    let rows = cyrillic_table();
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b < 0x80 {
            1 << (ASCII[b] & 63)
        } else if b < 0xC0 {
            1 << (rows[0][b - 0x80] & 63) | 1 << (rows[1][b - 0x80] & 63) | 1 << (0xFE & 63)
        } else if b == 0xD0 || b == 0xD1 {
            0
        } else {
            1 << (SPACE & 63) | 1 << (0xFE & 63)
        };
        b += 1;
    }
    t
};

/// The letter sets ([`letters`]) of every keyword and of every pattern (all its parts) of a
/// campaign, without those that hold another's: a name whose [`signature`] holds none of them
/// matches no keyword and no pattern, so it need not be looked at.
pub(crate) struct LetterSets(Vec<u64>);

impl LetterSets {
    pub(crate) fn new(products: &[CompiledProduct]) -> Self {
        let mut sets: Vec<u64> = Vec::new();
        for p in products {
            let all = p.keywords.iter().map(|k| letters(k));
            let all = all.chain(
                p.patterns
                    .iter()
                    .map(|parts| parts.iter().fold(0, |a, part| a | letters(part))),
            );
            for f in all {
                // A set holding another rules nothing out that the smaller one does not.
                if sets.iter().any(|&g| g & !f == 0) {
                    continue;
                }
                sets.retain(|&g| f & !g != 0);
                sets.push(f);
            }
        }
        LetterSets(sets)
    }

    /// Whether a name with this `signature` may contain a keyword or a pattern: when not, it
    /// matches no product by name, excluded or not.
    #[inline]
    pub(crate) fn may_match(&self, signature: u64) -> bool {
        self.0.iter().any(|&f| f & !signature == 0)
    }
}

/// The letters `s` may fold to (see [`letter_bit`]), read from its raw bytes in one cheap pass:
/// a superset of the folded name's own set over the bytes [`fold_marking`] takes.
pub(crate) fn signature(s: &str) -> u64 {
    // The character that starts before the limit is taken whole: up to three bytes more.
    let b = s.as_bytes();
    let b = b.get(..MAX_NAME_BYTES + 3).unwrap_or(b);
    let Some(last) = b.last_chunk::<8>() else {
        return b.iter().fold(0, |sig, &x| sig | SIGNATURE[usize::from(x)]);
    };
    // Four accumulators, so the ORs do not wait on each other and the loads set the pace.
    let mut acc = [0u64; 4];
    let mut eight = |c: &[u8; 8]| {
        for (k, &x) in c.iter().enumerate() {
            acc[k % 4] |= SIGNATURE[usize::from(x)];
        }
    };
    let (chunks, _) = b.as_chunks::<8>();
    for c in chunks {
        eight(c);
    }
    // The bytes left over, as part of the last eight: a byte read twice adds nothing to an OR,
    // and the tail needs no loop of its own.
    eight(last);
    acc[0] | acc[1] | acc[2] | acc[3]
}

/// Lead bytes `D0`/`D1` and continuation bytes `10xxxxxx` of four two-byte sequences in a row,
/// as [`FOUR_CYRILLIC`] tests them.
pub(crate) const FOUR_CYRILLIC_MASK: u64 = 0xC0FE_C0FE_C0FE_C0FE;
/// What a little-endian word of four Cyrillic letters gives under [`FOUR_CYRILLIC_MASK`].
pub(crate) const FOUR_CYRILLIC: u64 = 0x80D0_80D0_80D0_80D0;

/// As [`fold_buf`], and in the same pass notes in `starts` each position whose two folded
/// bytes pass the `pairs` filter (see `needles::pair_hit`), so a matcher need not scan again.
/// Folds the first [`MAX_NAME_BYTES`] of `s`.
///
/// Works on bytes. Receipt lines are mostly Cyrillic words, so the first fast path takes four
/// Cyrillic letters (one 64-bit word) at a time: their four table indexes come out of the word
/// with a few shifts and masks, and the four pair tests share one branch. Shorter runs go two
/// letters or one letter at a time, ASCII through a table, and anything else through
/// `fold_char`. Not inlined: on its own the loop keeps its state in registers.
#[inline(never)]
pub(crate) fn fold_marking(
    s: &str,
    out: &mut Folded,
    pairs: &[u64; 64],
    starts: &mut Starts,
) -> usize {
    starts.len = 0;
    starts.overflow = false;
    let mut mark = |at: usize| {
        if starts.len < starts.at.len() {
            starts.at[starts.len] = at as u16;
            starts.len += 1;
        } else {
            starts.overflow = true;
        }
    };
    let b = s.as_bytes();
    let end = b.len().min(MAX_NAME_BYTES);
    let mut n = 0usize;
    // As if a space came first: no leading space is kept, and no needle starts with one, so
    // the pair (space, first) marks nothing and `n - 1` below is never taken at 0.
    let mut prev = SPACE;
    let mut i = 0;
    while i < end {
        let x = b[i];
        // Four Cyrillic letters, all before `end`: no separator among them, so all are kept.
        // ASCII never starts them, so it skips the attempt.
        if x >= 0x80
            && let Some(w) = b.get(i..i + 8).filter(|_| i + 8 <= end)
            && let Ok(w) = <[u8; 8]>::try_from(w)
            && let Some(o) = out.get_mut(n..n + 4)
        {
            let w = u64::from_le_bytes(w);
            if w & FOUR_CYRILLIC_MASK == FOUR_CYRILLIC {
                // Per 16-bit lane: the continuation's six low bits, and the lead's low bit
                // above them (the [`cyr_index`] of each letter).
                let idx = (w >> 8) & 0x003F_003F_003F_003F | (w & 0x0001_0001_0001_0001) << 6;
                let f0 = CYRILLIC[(idx & 0x7F) as usize];
                let f1 = CYRILLIC[(idx >> 16 & 0x7F) as usize];
                let f2 = CYRILLIC[(idx >> 32 & 0x7F) as usize];
                let f3 = CYRILLIC[(idx >> 48 & 0x7F) as usize];
                o[0] = f0;
                o[1] = f1;
                o[2] = f2;
                o[3] = f3;
                let hit = pair_hit(pairs, prev, f0)
                    | pair_hit(pairs, f0, f1)
                    | pair_hit(pairs, f1, f2)
                    | pair_hit(pairs, f2, f3);
                if hit != 0 {
                    let mut a = prev;
                    for (k, &c) in [f0, f1, f2, f3].iter().enumerate() {
                        if pair_hit(pairs, a, c) != 0 {
                            mark((n + k).saturating_sub(1));
                        }
                        a = c;
                    }
                }
                n += 4;
                prev = f3;
                i += 8;
                continue;
            }
        }
        let f = if x < 0x80 {
            i += 1;
            ASCII[usize::from(x)]
        } else if x & 0xFE == 0xD0 {
            // Two Cyrillic letters at once when they are: `D0|D1 10xxxxxx` twice, both
            // starting before `end`, with no separator between them, so both are kept.
            if i + 4 <= end
                && let Some(w) = b.get(i..i + 4).and_then(|w| <[u8; 4]>::try_from(w).ok())
            {
                let w = u32::from_le_bytes(w);
                if w & 0xC0FE_C0FE == 0x80D0_80D0
                    && let Some(o) = out.get_mut(n..n + 2)
                {
                    let f0 = CYRILLIC[cyr_index(w)];
                    let f1 = CYRILLIC[cyr_index(w >> 16)];
                    if pair_hit(pairs, prev, f0) != 0 {
                        mark(n.saturating_sub(1));
                    }
                    if pair_hit(pairs, f0, f1) != 0 {
                        mark(n);
                    }
                    o[0] = f0;
                    o[1] = f1;
                    n += 2;
                    prev = f1;
                    i += 4;
                    continue;
                }
            }
            let y = b.get(i + 1).copied().unwrap_or(0x80);
            i += 2;
            CYRILLIC[cyr_index(u32::from(x) | u32::from(y) << 8)]
        } else {
            match s.get(i..).and_then(|t| t.chars().next()) {
                Some(c) => {
                    i += c.len_utf8();
                    fold_char(c)
                }
                None => {
                    i += 1;
                    SPACE
                }
            }
        };
        if pair_hit(pairs, prev, f) != 0 {
            mark(n.saturating_sub(1));
        }
        // One space between words: a second one is written but not kept.
        out[n] = f;
        n += usize::from(f != SPACE || prev != SPACE);
        prev = f;
    }
    // A trailing space is dropped.
    if prev == SPACE && n > 0 {
        n -= 1;
    }
    n
}

/// Folds into a new vector.
pub(crate) fn fold(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len());
    fold_into(s, &mut v);
    v
}

/// Whether `needle` occurs in `hay` at or after `from`; returns the end of the first match.
pub(crate) fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    let first = needle[0];
    let rest = &needle[1..];
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = from;
    while i <= last_start {
        if hay[i] == first && hay[i + 1..i + needle.len()] == *rest {
            return Some(i + needle.len());
        }
        i += 1;
    }
    None
}

/// Item names for tests, made of the needles' own pieces, separators, look-alikes and other
/// letters (`pieces`, then the shared [`TEST_PIECES`]) by a small deterministic generator.
#[cfg(test)]
pub(crate) fn generated_names(pieces: &[&str], count: usize) -> Vec<String> {
    let pieces: Vec<&str> = pieces.iter().chain(TEST_PIECES).copied().collect();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    (0..count)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (0..seed % 12)
                .map(|k| pieces[((seed >> (5 * k)) % pieces.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// Pieces of names every generated set has.
#[cfg(test)]
const TEST_PIECES: &[&str] = &[
    "ру",
    "чка",
    "тет",
    "радь",
    "я",
    "48",
    " ",
    "  ",
    "л",
    "кл",
    "ей",
    "ka",
    "K",
    "А",
    ",",
    "ё",
    "шариковая",
    "Ж",
    "z",
    "€",
    "ручка ",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_yo_and_lookalikes_fold_together() {
        let a = fold("ТЕТРАДЬ  48л. «Ёжик»");
        assert_eq!(a, fold("тетрадь 48л ежик"));
        // Latin Т, Е, Р, А, Х, О, С, Н, К, М, В, У in place of Cyrillic.
        assert_eq!(fold("TETPAДЬ"), fold("тетрадь"));
        assert_eq!(fold("MOXHATKA CУBEHИP"), fold("мохнатка сувенир"));
        assert_ne!(fold("ручка"), fold("рачка"));
    }

    #[test]
    fn separators_collapse_and_trim() {
        assert_eq!(fold("  a--b  "), vec![cyr('а'), SPACE, cyr('в')]);
        assert!(fold(" ,.!").is_empty());
    }

    /// Folding one character at a time with `fold_char`, with no fast path.
    fn fold_slowly(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut taken = 0;
        for c in s.chars() {
            if taken >= MAX_NAME_BYTES {
                break;
            }
            taken += c.len_utf8();
            let f = fold_char(c);
            if f != SPACE || out.last().is_some_and(|l| *l != SPACE) {
                out.push(f);
            }
        }
        if out.last() == Some(&SPACE) {
            out.pop();
        }
        out
    }

    /// The four- and two-letters-at-once paths against the slow fold: every pair of characters
    /// from the Cyrillic block, ASCII letters and a separator, at both parities of position,
    /// and runs of them up to the length limit.
    #[test]
    fn letter_runs_at_once_agree_with_char_folding() {
        let cyr = (0x400u32..0x480).filter_map(char::from_u32);
        let chars: Vec<char> = cyr.chain("aZ9 .ё€".chars()).collect();
        for &a in &chars {
            for &b in &chars {
                for s in [
                    format!("{a}{b}"),
                    format!("x{a}{b}y"),
                    format!("{a}{b}{a}{b}{a}"),
                    // Four at once, then a separator, then a run at the other parity.
                    format!("{a}{b}{b}{a}{a}{b}{a} {b}{a}{a}{b}"),
                ] {
                    assert_eq!(fold(&s), fold_slowly(&s), "{s:?}");
                }
            }
        }
        for n in [255, 256, 257, 300] {
            let s = format!("{}ж{}", "я".repeat(n), "ab".repeat(n));
            assert_eq!(fold(&s), fold_slowly(&s), "{n}");
            let s = format!("z{}", "я".repeat(n));
            assert_eq!(fold(&s), fold_slowly(&s), "z + {n}");
        }
    }

    #[test]
    fn fast_path_agrees_with_char_folding() {
        let mut out = Vec::new();
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            fold_into(&format!("a{c}a"), &mut out);
            let f = fold_char(c);
            let want = if f == SPACE {
                vec![CYR, SPACE, CYR]
            } else {
                vec![CYR, f, CYR]
            };
            assert_eq!(out, want, "{c:?} U+{:04X}", c as u32);
        }
    }

    /// The raw-byte signature holds every letter of the folded name, for every character of
    /// the Cyrillic block, ASCII, look-alikes, ё and a few others, alone and in words.
    #[test]
    fn signature_covers_the_folded_name() {
        let chars: Vec<char> = (0x400u32..0x480)
            .chain(0x20..0x7F)
            .chain([0xE9, 0x2014, 0x20AC, 0x1F600])
            .filter_map(char::from_u32)
            .collect();
        for &a in &chars {
            for s in [format!("{a}"), format!("x{a}ёЁ {a}Т"), format!("{a}{a} 9")] {
                let folded = fold(&s);
                assert_eq!(letters(&folded) & !signature(&s), 0, "{s:?}");
            }
        }
        let long = format!("{}ж", "я".repeat(MAX_NAME_BYTES / 2 - 1));
        assert_ne!(signature(&long) & letter_bit(fold("ж")[0]), 0);
        // It rules out: no «ч» in «хлеб».
        assert_eq!(letter_bit(fold("ч")[0]) & signature("Хлеб"), 0);
    }

    #[test]
    fn long_names_are_bounded() {
        // By input bytes: 512 two-byte letters, 1024 one-byte ones.
        assert_eq!(fold(&"я".repeat(10_000)).len(), MAX_NAME_BYTES / 2);
        assert_eq!(fold(&"z".repeat(10_000)).len(), MAX_NAME_BYTES);
        // A character that starts before the limit is taken whole.
        let s = format!("{}яz", "z".repeat(MAX_NAME_BYTES - 1));
        assert_eq!(fold(&s).last(), Some(&(CYR + 31)));
    }

    #[test]
    fn find_from_finds_in_order() {
        let h = fold("тетрадь 48 листов клетка");
        assert!(find_from(&h, &fold("48 лист"), 0).is_some());
        let end = find_from(&h, &fold("тетрадь"), 0);
        assert!(end.is_some());
        assert!(find_from(&h, &fold("тетрадь"), end.unwrap_or(0)).is_none());
        assert!(find_from(b"ab", b"abc", 0).is_none());
    }
}
