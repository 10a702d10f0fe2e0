//! The `chek-draw-v1` algorithm. Changing anything here changes winners: add `v2` instead.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DrawError, MAX_ENTRIES, MAX_PRIZES, to_hex};

/// The algorithm name, written into every result.
pub const ALGORITHM: &str = "chek-draw-v1";

/// One participant and their lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawEntry {
    /// Participant id.
    pub participant: String,
    /// Lots (tickets); the weight.
    pub lots: u64,
}

/// One prize and who won it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Winner {
    /// Prize number, from 1.
    pub prize: u32,
    /// The winner.
    pub participant: String,
    /// Their lots.
    pub lots: u64,
    /// The ticket drawn, in `[0, lots still in the draw)`.
    pub ticket: u64,
}

/// Everything published after a draw; [`verify`] re-runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawResult {
    /// Always [`ALGORITHM`].
    pub algorithm: String,
    /// SHA-256 of the seed, hex (published before the draw).
    pub seed_commitment: String,
    /// SHA-256 of the canonical lots list, hex (published at close).
    pub lots_hash: String,
    /// SHA-256 of the sorted excluded ids, hex.
    pub exclusions_hash: String,
    /// The revealed seed, hex.
    pub seed: String,
    /// The public beacon value, hex.
    pub beacon: String,
    /// Prizes asked for.
    pub prizes: u32,
    /// Excluded participants (earlier winners), sorted.
    #[serde(default)]
    pub excluded: Vec<String>,
    /// Entries in the list.
    pub entries: usize,
    /// Lots in the draw after exclusions.
    pub total_lots: u64,
    /// Winners in prize order (fewer than `prizes` if the list ran out).
    pub winners: Vec<Winner>,
}

fn check_id(p: &str) -> Result<(), DrawError> {
    if p.is_empty() || p.len() > 256 || p.chars().any(char::is_control) {
        return Err(DrawError::BadParticipant(p.chars().take(64).collect()));
    }
    Ok(())
}

/// Sorts and checks a lots list: unique ids, no zero lots, bounded size and total.
fn canonical(entries: &[DrawEntry]) -> Result<Vec<&DrawEntry>, DrawError> {
    if entries.is_empty() {
        return Err(DrawError::BadList("no entries".into()));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(DrawError::BadList(format!(
            "more than {MAX_ENTRIES} entries"
        )));
    }
    let mut v: Vec<&DrawEntry> = entries.iter().collect();
    v.sort_by(|a, b| a.participant.as_bytes().cmp(b.participant.as_bytes()));
    let mut total: u64 = 0;
    for (i, e) in v.iter().enumerate() {
        check_id(&e.participant)?;
        if i > 0 && v[i - 1].participant == e.participant {
            return Err(DrawError::DuplicateParticipant(e.participant.clone()));
        }
        if e.lots == 0 {
            return Err(DrawError::ZeroLots(e.participant.clone()));
        }
        total = total
            .checked_add(e.lots)
            .filter(|t| *t <= 1 << 62)
            .ok_or_else(|| DrawError::BadList("more than 2^62 lots in total".into()))?;
    }
    Ok(v)
}

fn hash_canonical(v: &[&DrawEntry]) -> [u8; 32] {
    let mut h = Sha256::new();
    for e in v {
        h.update(e.participant.as_bytes());
        h.update(b"\t");
        h.update(e.lots.to_string().as_bytes());
        h.update(b"\n");
    }
    h.finalize().into()
}

/// SHA-256 of the canonical lots list (sorted by id, `id\tlots\n` each), hex.
///
/// ```
/// use chek_core::draw::{lots_hash, DrawEntry};
/// let e = |p: &str, l| DrawEntry { participant: p.into(), lots: l };
/// // Order of input does not matter: the list is sorted first.
/// assert_eq!(lots_hash(&[e("b", 1), e("a", 2)])?, lots_hash(&[e("a", 2), e("b", 1)])?);
/// # Ok::<(), chek_core::draw::DrawError>(())
/// ```
pub fn lots_hash(entries: &[DrawEntry]) -> Result<String, DrawError> {
    Ok(to_hex(&hash_canonical(&canonical(entries)?)))
}

/// SHA-256 of the seed, hex: what the operator publishes before the draw.
///
/// ```
/// // SHA-256("abc")
/// assert_eq!(chek_core::draw::seed_commitment(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// ```
pub fn seed_commitment(seed: &[u8]) -> String {
    to_hex(&Sha256::digest(seed))
}

fn exclusions(excluded: &[String]) -> (Vec<String>, [u8; 32]) {
    let mut v: Vec<String> = excluded.to_vec();
    v.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    v.dedup();
    let mut h = Sha256::new();
    for x in &v {
        h.update(x.as_bytes());
        h.update(b"\n");
    }
    (v, h.finalize().into())
}

/// The SHA-256 counter stream of 64-bit words.
struct Stream {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl Stream {
    fn new(key: [u8; 32]) -> Self {
        Stream {
            key,
            counter: 0,
            block: [0; 32],
            used: 4,
        }
    }
    fn next_u64(&mut self) -> u64 {
        if self.used == 4 {
            let mut h = Sha256::new();
            h.update(self.key);
            h.update(self.counter.to_be_bytes());
            self.block = h.finalize().into();
            self.counter += 1;
            self.used = 0;
        }
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.block[self.used * 8..self.used * 8 + 8]);
        self.used += 1;
        u64::from_be_bytes(w)
    }
    /// Uniform in `[0, n)`, `n > 0`, by rejection: no modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        let span = 1u128 << 64;
        let limit = span - span % u128::from(n);
        loop {
            let x = self.next_u64();
            if u128::from(x) < limit {
                return x % n;
            }
        }
    }
}

/// A Fenwick tree of lots, so each prize costs `O(log n)` even for millions of entries.
struct Fenwick(Vec<u64>);

impl Fenwick {
    fn new(w: &[u64]) -> Self {
        let mut t = vec![0u64; w.len() + 1];
        for (i, &x) in w.iter().enumerate() {
            let mut j = i + 1;
            while j < t.len() {
                t[j] += x;
                j += j & j.wrapping_neg();
            }
        }
        Fenwick(t)
    }
    fn sub(&mut self, i: usize, x: u64) {
        let mut j = i + 1;
        while j < self.0.len() {
            self.0[j] -= x;
            j += j & j.wrapping_neg();
        }
    }
    /// The index whose cumulative range holds ticket `x`.
    fn find(&self, mut x: u64) -> usize {
        let n = self.0.len() - 1;
        let mut pos = 0usize;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.0[next] <= x {
                pos = next;
                x -= self.0[next];
            }
            step >>= 1;
        }
        pos
    }
}

/// Runs a draw. `excluded` participants never win (e.g. earlier winners); one prize per
/// participant. Deterministic: the same inputs always give the same winners.
///
/// ```
/// use chek_core::draw::{draw, verify, DrawEntry};
/// let e = |p: &str, l| DrawEntry { participant: p.into(), lots: l };
/// let list = [e("alice", 5), e("bob", 1), e("carol", 3)];
/// let seed = [7u8; 32];
/// let r = draw(&list, &seed, b"drand-round-123", 2, &[])?;
/// assert_eq!(r.winners.len(), 2);
/// assert_ne!(r.winners[0].participant, r.winners[1].participant);
/// verify(&r, &list)?;
/// # Ok::<(), chek_core::draw::DrawError>(())
/// ```
pub fn draw(
    entries: &[DrawEntry],
    seed: &[u8],
    beacon: &[u8],
    prizes: u32,
    excluded: &[String],
) -> Result<DrawResult, DrawError> {
    if seed.len() < 16 {
        return Err(DrawError::BadParameters(
            "the seed must be at least 16 bytes".into(),
        ));
    }
    if beacon.is_empty() {
        return Err(DrawError::BadParameters("the beacon value is empty".into()));
    }
    if prizes == 0 || prizes > MAX_PRIZES {
        return Err(DrawError::BadParameters(format!(
            "prizes must be 1 to {MAX_PRIZES}"
        )));
    }
    let list = canonical(entries)?;
    let lh = hash_canonical(&list);
    let (excluded, eh) = exclusions(excluded);
    let ex: HashSet<&str> = excluded.iter().map(String::as_str).collect();

    let mut k = Sha256::new();
    k.update(ALGORITHM.as_bytes());
    k.update([0u8]);
    k.update((seed.len() as u64).to_be_bytes());
    k.update(seed);
    k.update((beacon.len() as u64).to_be_bytes());
    k.update(beacon);
    k.update(lh);
    k.update(eh);
    k.update(prizes.to_be_bytes());
    let mut stream = Stream::new(k.finalize().into());

    let weights: Vec<u64> = list
        .iter()
        .map(|e| {
            if ex.contains(e.participant.as_str()) {
                0
            } else {
                e.lots
            }
        })
        .collect();
    let mut left: u64 = weights.iter().sum();
    let total_lots = left;
    let mut tree = Fenwick::new(&weights);
    let mut winners = Vec::new();
    for prize in 1..=prizes {
        if left == 0 {
            break;
        }
        let ticket = stream.below(left);
        let i = tree.find(ticket);
        let e = list[i];
        winners.push(Winner {
            prize,
            participant: e.participant.clone(),
            lots: e.lots,
            ticket,
        });
        tree.sub(i, e.lots);
        left -= e.lots;
    }
    Ok(DrawResult {
        algorithm: ALGORITHM.into(),
        seed_commitment: seed_commitment(seed),
        lots_hash: to_hex(&lh),
        exclusions_hash: to_hex(&eh),
        seed: to_hex(seed),
        beacon: to_hex(beacon),
        prizes,
        excluded,
        entries: list.len(),
        total_lots,
        winners,
    })
}

fn same(what: &'static str, found: &str, expected: &str) -> Result<(), DrawError> {
    if found.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(DrawError::Mismatch {
            what,
            found: found.into(),
            expected: expected.into(),
        })
    }
}

/// Re-runs a published draw from the lots list and checks every published value: the seed
/// against its commitment, the list against its hash, and the winners.
pub fn verify(published: &DrawResult, entries: &[DrawEntry]) -> Result<(), DrawError> {
    same("algorithm", &published.algorithm, ALGORITHM)?;
    let seed = super::from_hex(&published.seed)
        .ok_or_else(|| DrawError::BadParameters("the seed is not hex".into()))?;
    let beacon = super::from_hex(&published.beacon)
        .ok_or_else(|| DrawError::BadParameters("the beacon is not hex".into()))?;
    same(
        "seed_commitment",
        &published.seed_commitment,
        &seed_commitment(&seed),
    )?;
    same("lots_hash", &published.lots_hash, &lots_hash(entries)?)?;
    let again = draw(
        entries,
        &seed,
        &beacon,
        published.prizes,
        &published.excluded,
    )?;
    same(
        "exclusions_hash",
        &published.exclusions_hash,
        &again.exclusions_hash,
    )?;
    let names = |r: &DrawResult| {
        r.winners
            .iter()
            .map(|w| format!("{}:{}:{}", w.prize, w.participant, w.ticket))
            .collect::<Vec<_>>()
            .join(",")
    };
    same("winners", &names(published), &names(&again))?;
    Ok(())
}

/// Reads a lots list: a JSON array of `{"participant","lots"}`, or CSV lines
/// `participant,lots` (a header line and `#` comments are skipped). A participant id may be
/// quoted the CSV way (`"a, ""b"""`), as [`lots_csv`] writes ids with commas, quotes, spaces or
/// a leading `#`.
///
/// ```
/// let v = chek_core::draw::parse_lots("participant,lots\nalice,3\n# note\nbob,1\n\"x, \"\"y\"\"\",2\n")?;
/// assert_eq!(v.len(), 3);
/// assert_eq!(v[0].lots, 3);
/// assert_eq!(v[2].participant, "x, \"y\"");
/// # Ok::<(), chek_core::draw::DrawError>(())
/// ```
pub fn parse_lots(text: &str) -> Result<Vec<DrawEntry>, DrawError> {
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text).map_err(|e| DrawError::BadList(e.to_string()));
    }
    let mut v = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| DrawError::BadList(format!("line {}: {what}", n + 1));
        let (p, l) = if let Some(rest) = line.strip_prefix('"') {
            // A quoted id: `""` is a quote, the closing quote is followed by `,lots`.
            let mut id = String::new();
            let mut chars = rest.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if rest[i + 1..].starts_with('"') {
                        id.push('"');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    id.push(c);
                }
            }
            let after = end
                .map(|e| rest[e..].trim_start())
                .ok_or_else(|| bad("unclosed quote"))?;
            let l = after
                .strip_prefix(',')
                .ok_or_else(|| bad("expected participant,lots"))?;
            (id, l.trim())
        } else {
            let Some((p, l)) = line.rsplit_once(',') else {
                return Err(bad("expected participant,lots"));
            };
            (p.trim().to_owned(), l.trim())
        };
        if n == 0 && l.parse::<u64>().is_err() {
            continue; // header
        }
        let lots = l
            .parse()
            .map_err(|_| bad(&format!("{l:?} is not a number of lots")))?;
        v.push(DrawEntry {
            participant: p,
            lots,
        });
        if v.len() > MAX_ENTRIES {
            return Err(DrawError::BadList(format!(
                "more than {MAX_ENTRIES} entries"
            )));
        }
    }
    Ok(v)
}

/// A lots list as CSV (`participant,lots` header, one line per entry) that [`parse_lots`] reads
/// back to the same entries for any id without line breaks (the engine refuses control
/// characters in ids): an id with a comma, a quote, surrounding spaces or a leading `#` is quoted.
///
/// ```
/// use chek_core::draw::{DrawEntry, lots_csv, parse_lots};
/// let e = vec![
///     DrawEntry { participant: "tg:1".into(), lots: 3 },
///     DrawEntry { participant: "#odd, \"id\" ".into(), lots: 1 },
/// ];
/// let csv = lots_csv(&e);
/// assert_eq!(csv, "participant,lots\ntg:1,3\n\"#odd, \"\"id\"\" \",1\n");
/// assert_eq!(parse_lots(&csv)?, e);
/// # Ok::<(), chek_core::draw::DrawError>(())
/// ```
pub fn lots_csv(entries: &[DrawEntry]) -> String {
    let mut out = String::from("participant,lots\n");
    for e in entries {
        let p = &e.participant;
        let plain = !p.is_empty()
            && !p.starts_with('#')
            && !p.starts_with('"')
            && p.trim() == p
            && !p.contains([',', '"', '\n', '\r']);
        if plain {
            out.push_str(p);
        } else {
            out.push('"');
            out.push_str(&p.replace('"', "\"\""));
            out.push('"');
        }
        out.push(',');
        out.push_str(&e.lots.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_finds_ranges_and_removes() {
        let mut f = Fenwick::new(&[2, 0, 3, 1]);
        let got: Vec<usize> = (0..6).map(|x| f.find(x)).collect();
        assert_eq!(got, vec![0, 0, 2, 2, 2, 3]);
        f.sub(2, 3);
        let got: Vec<usize> = (0..3).map(|x| f.find(x)).collect();
        assert_eq!(got, vec![0, 0, 3]);
    }

    #[test]
    fn below_is_in_range_and_rejects_the_biased_tail() {
        let mut s = Stream::new([1; 32]);
        for n in [1u64, 2, 3, 7, 1 << 40, (1 << 62) + 1] {
            for _ in 0..100 {
                assert!(s.below(n) < n);
            }
        }
    }
}
