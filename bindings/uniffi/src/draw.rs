//! Checking a published prize draw (`chek-draw-v1`) on the phone: the operator publishes the
//! result (`chek draw --json`) and the lots list; anyone re-runs the draw from them and gets the
//! same winners, or learns what does not match.

use chek::draw as core;

use crate::blocking::off_thread;
use crate::error::Area;
use crate::types::{i64_of, lang_of, u64_field};
use crate::{ChekError, InputError, Lang};

/// Results larger than this are refused before parsing (a result lists its winners and
/// excluded ids, not the lots).
const MAX_RESULT_BYTES: usize = 16 << 20;
/// Lots files larger than this are refused before parsing (10 million entries of ~30 bytes).
const MAX_LOTS_BYTES: usize = 512 << 20;

/// One participant of a draw and their lots.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DrawEntry {
    /// Participant id.
    pub participant: String,
    /// Lots (tickets), the weight.
    pub lots: i64,
}

/// One prize and who won it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Winner {
    /// Prize number, from 1.
    pub prize: i64,
    /// The winner.
    pub participant: String,
    /// Their lots.
    pub lots: i64,
    /// The ticket drawn, in `[0, lots still in the draw)`.
    pub ticket: i64,
}

/// Everything published after a draw (the JSON `chek draw --json` writes).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DrawResult {
    /// `chek-draw-v1`.
    pub algorithm: String,
    /// SHA-256 of the seed, hex: compare it with the commitment published before the period
    /// closed.
    pub seed_commitment: String,
    /// SHA-256 of the canonical lots list, hex: compare it with the hash published at close.
    pub lots_hash: String,
    /// SHA-256 of the sorted excluded ids, hex.
    pub exclusions_hash: String,
    /// The revealed seed, hex.
    pub seed: String,
    /// The public beacon value, hex.
    pub beacon: String,
    /// Prizes asked for.
    pub prizes: i64,
    /// Excluded participants (earlier winners), sorted.
    #[uniffi(default)]
    pub excluded: Vec<String>,
    /// Entries in the list.
    pub entries: i64,
    /// Lots in the draw after exclusions.
    pub total_lots: i64,
    /// Winners in prize order.
    pub winners: Vec<Winner>,
}

impl From<&core::DrawResult> for DrawResult {
    fn from(r: &core::DrawResult) -> Self {
        DrawResult {
            algorithm: r.algorithm.clone(),
            seed_commitment: r.seed_commitment.clone(),
            lots_hash: r.lots_hash.clone(),
            exclusions_hash: r.exclusions_hash.clone(),
            seed: r.seed.clone(),
            beacon: r.beacon.clone(),
            prizes: i64::from(r.prizes),
            excluded: r.excluded.clone(),
            entries: i64::try_from(r.entries).unwrap_or(i64::MAX),
            total_lots: i64_of(r.total_lots),
            winners: r
                .winners
                .iter()
                .map(|w| Winner {
                    prize: i64::from(w.prize),
                    participant: w.participant.clone(),
                    lots: i64_of(w.lots),
                    ticket: i64_of(w.ticket),
                })
                .collect(),
        }
    }
}

impl TryFrom<&DrawResult> for core::DrawResult {
    type Error = InputError;

    fn try_from(r: &DrawResult) -> Result<Self, InputError> {
        let u32_of = |field, v: i64| {
            u32::try_from(v).map_err(|_| InputError::OutOfRange { field, value: v })
        };
        Ok(core::DrawResult {
            algorithm: r.algorithm.clone(),
            seed_commitment: r.seed_commitment.clone(),
            lots_hash: r.lots_hash.clone(),
            exclusions_hash: r.exclusions_hash.clone(),
            seed: r.seed.clone(),
            beacon: r.beacon.clone(),
            prizes: u32_of("prizes", r.prizes)?,
            excluded: r.excluded.clone(),
            entries: usize::try_from(u64_field("entries", r.entries)?).unwrap_or(usize::MAX),
            total_lots: u64_field("total_lots", r.total_lots)?,
            winners: r
                .winners
                .iter()
                .map(|w| {
                    Ok(core::Winner {
                        prize: u32_of("prize", w.prize)?,
                        participant: w.participant.clone(),
                        lots: u64_field("lots", w.lots)?,
                        ticket: u64_field("ticket", w.ticket)?,
                    })
                })
                .collect::<Result<_, InputError>>()?,
        })
    }
}

fn entries_of(lots: &[DrawEntry]) -> Result<Vec<core::DrawEntry>, InputError> {
    lots.iter()
        .map(|e| {
            Ok(core::DrawEntry {
                participant: e.participant.clone(),
                lots: u64_field("lots", e.lots)?,
            })
        })
        .collect()
}

fn draw_err(e: &core::DrawError, lang: chek::Lang) -> ChekError {
    ChekError::of(Area::Draw, e, lang)
}

fn result_of(json: &str) -> Result<core::DrawResult, InputError> {
    if json.len() > MAX_RESULT_BYTES {
        return Err(InputError::BadDrawResult(format!(
            "{} bytes, more than the {MAX_RESULT_BYTES} allowed",
            json.len()
        )));
    }
    serde_json::from_str(json).map_err(|e| InputError::BadDrawResult(e.to_string()))
}

fn lots_of(text: &str) -> Result<Vec<core::DrawEntry>, core::DrawError> {
    if text.len() > MAX_LOTS_BYTES {
        return Err(core::DrawError::BadList(format!(
            "{} bytes, more than the {MAX_LOTS_BYTES} allowed",
            text.len()
        )));
    }
    core::parse_lots(text)
}

/// Reads a published draw result (the JSON `chek draw --json` writes). Errors:
/// [`ChekError::Input`] `input.bad_draw_result`.
///
/// ```
/// let e = chek_ffi::parse_draw_result("{}".into(), None).unwrap_err();
/// assert_eq!(e.code(), "input.bad_draw_result");
/// ```
#[uniffi::export(default(lang))]
pub fn parse_draw_result(json: String, lang: Option<Lang>) -> Result<DrawResult, ChekError> {
    result_of(&json)
        .map(|r| (&r).into())
        .map_err(|e| e.into_ffi(lang_of(lang)))
}

/// Reads a lots file: a JSON array of `{"participant","lots"}`, or CSV `participant,lots`
/// (header and `#` comments skipped). Errors: `draw.bad_list`.
///
/// ```
/// let v = chek_ffi::parse_lots("participant,lots\nalice,3\nbob,1\n".into(), None)?;
/// assert_eq!((v[0].participant.as_str(), v[0].lots), ("alice", 3));
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn parse_lots(text: String, lang: Option<Lang>) -> Result<Vec<DrawEntry>, ChekError> {
    lots_of(&text)
        .map(|v| {
            v.iter()
                .map(|e| DrawEntry {
                    participant: e.participant.clone(),
                    lots: i64_of(e.lots),
                })
                .collect()
        })
        .map_err(|e| draw_err(&e, lang_of(lang)))
}

/// SHA-256 of the canonical lots list, hex: what the operator publishes at close. Errors:
/// `draw.bad_list`, `draw.bad_participant`, `draw.duplicate_participant`, `draw.zero_lots`.
///
/// ```
/// use chek_ffi::{lots_hash, DrawEntry};
/// let e = |p: &str, l| DrawEntry { participant: p.into(), lots: l };
/// // Order does not matter: the list is sorted first.
/// assert_eq!(lots_hash(vec![e("b", 1), e("a", 2)], None)?, lots_hash(vec![e("a", 2), e("b", 1)], None)?);
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn lots_hash(lots: Vec<DrawEntry>, lang: Option<Lang>) -> Result<String, ChekError> {
    let l = lang_of(lang);
    let entries = entries_of(&lots).map_err(|e| e.into_ffi(l))?;
    core::lots_hash(&entries).map_err(|e| draw_err(&e, l))
}

fn verify(result: &DrawResult, lots: &[DrawEntry], l: chek::Lang) -> Result<(), ChekError> {
    let published: core::DrawResult = result.try_into().map_err(|e: InputError| e.into_ffi(l))?;
    let entries = entries_of(lots).map_err(|e| e.into_ffi(l))?;
    core::verify(&published, &entries).map_err(|e| draw_err(&e, l))
}

fn verify_texts(result_json: &str, lots: &str, l: chek::Lang) -> Result<(), ChekError> {
    let published = result_of(result_json).map_err(|e| e.into_ffi(l))?;
    let entries = lots_of(lots).map_err(|e| draw_err(&e, l))?;
    core::verify(&published, &entries).map_err(|e| draw_err(&e, l))
}

/// Re-runs a published draw from its lots list and checks every published value: the seed
/// against its commitment, the list against its hash, the exclusions, and each winner and
/// ticket. Returns normally when the draw reproduces; otherwise [`ChekError::Draw`]
/// `draw.mismatch` (the detail names what differs: `seed_commitment`, `lots_hash`, `winners`…)
/// or another `draw.*` code for an unusable list. The app still compares the result's
/// `seed_commitment` and `lots_hash` with the values published before the draw.
///
/// ```
/// use chek_ffi::{verify_draw, DrawEntry, DrawResult, Winner};
/// // docs/draw-v1-vectors.json, "three entries, one prize".
/// let e = |p: &str, l| DrawEntry { participant: p.into(), lots: l };
/// let lots = vec![e("alice", 5), e("bob", 1), e("carol", 3)];
/// let mut r = DrawResult {
///     algorithm: "chek-draw-v1".into(),
///     seed_commitment: "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd".into(),
///     lots_hash: "7835b418d44635044e9fbd61e021f0ba93423b7090421be3392792ad208e3882".into(),
///     exclusions_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
///     seed: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f".into(),
///     beacon: "6472616e6420717569636b6e657420726f756e642031303030".into(),
///     prizes: 1, excluded: vec![], entries: 3, total_lots: 9,
///     winners: vec![Winner { prize: 1, participant: "carol".into(), lots: 3, ticket: 6 }],
/// };
/// verify_draw(r.clone(), lots.clone(), None)?;
/// r.winners[0].participant = "alice".into();
/// assert_eq!(verify_draw(r, lots, None).unwrap_err().code(), "draw.mismatch");
/// # Ok::<(), chek_ffi::ChekError>(())
/// ```
#[uniffi::export(default(lang))]
pub fn verify_draw(
    result: DrawResult,
    lots: Vec<DrawEntry>,
    lang: Option<Lang>,
) -> Result<(), ChekError> {
    verify(&result, &lots, lang_of(lang))
}

/// [`verify_draw`] off the caller's thread (Kotlin `suspend`, Swift `async`): a list of
/// millions of entries takes seconds.
#[uniffi::export(default(lang))]
pub async fn verify_draw_async(
    result: DrawResult,
    lots: Vec<DrawEntry>,
    lang: Option<Lang>,
) -> Result<(), ChekError> {
    let l = lang_of(lang);
    off_thread(move || verify(&result, &lots, l)).await
}

/// [`verify_draw`] from the published texts as downloaded: the result JSON and the lots file
/// (JSON array or CSV), without copying the list across the FFI twice. Errors as
/// [`verify_draw`], plus `input.bad_draw_result` and `draw.bad_list` for unreadable texts.
///
/// ```
/// let e = chek_ffi::verify_published_draw("{}".into(), "a,1".into(), None).unwrap_err();
/// assert_eq!(e.code(), "input.bad_draw_result");
/// ```
#[uniffi::export(default(lang))]
pub fn verify_published_draw(
    result_json: String,
    lots: String,
    lang: Option<Lang>,
) -> Result<(), ChekError> {
    verify_texts(&result_json, &lots, lang_of(lang))
}

/// [`verify_published_draw`] off the caller's thread (Kotlin `suspend`, Swift `async`).
#[uniffi::export(default(lang))]
pub async fn verify_published_draw_async(
    result_json: String,
    lots: String,
    lang: Option<Lang>,
) -> Result<(), ChekError> {
    let l = lang_of(lang);
    off_thread(move || verify_texts(&result_json, &lots, l)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vector_of_the_docs_verifies_and_a_published_json_round_trips() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/draw-v1-vectors.json"
        ))
        .unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let vectors = doc["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 5);
        for v in vectors {
            let lots: Vec<core::DrawEntry> = serde_json::from_value(v["lots"].clone()).unwrap();
            let seed = core::from_hex(v["seed"].as_str().unwrap()).unwrap();
            let beacon = core::from_hex(v["beacon"].as_str().unwrap()).unwrap();
            let excluded: Vec<String> = serde_json::from_value(v["excluded"].clone()).unwrap();
            let prizes = u32::try_from(v["prizes"].as_u64().unwrap()).unwrap();
            let r = core::draw(&lots, &seed, &beacon, prizes, &excluded).unwrap();
            let json = serde_json::to_string(&r).unwrap();
            let lots_json = serde_json::to_string(&v["lots"]).unwrap();
            verify_published_draw(json.clone(), lots_json.clone(), None).unwrap();
            let ffi = parse_draw_result(json, None).unwrap();
            assert_eq!(ffi.seed_commitment, v["seed_commitment"].as_str().unwrap());
            assert_eq!(ffi.lots_hash, v["lots_hash"].as_str().unwrap());
            let winners: Vec<(String, i64)> = ffi
                .winners
                .iter()
                .map(|w| (w.participant.clone(), w.ticket))
                .collect();
            let want: Vec<(String, i64)> = v["winners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    (
                        w["participant"].as_str().unwrap().to_owned(),
                        w["ticket"].as_i64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(winners, want, "{}", v["name"]);
            let entries = parse_lots(lots_json, None).unwrap();
            verify_draw(ffi.clone(), entries.clone(), None).unwrap();
            let mut forged = ffi;
            let first = if forged.seed.starts_with('0') {
                "1"
            } else {
                "0"
            };
            forged.seed.replace_range(0..1, first);
            let e = verify_draw(forged, entries, Some(Lang::En)).unwrap_err();
            assert_eq!(e.code(), "draw.mismatch");
            assert!(e.detail().contains("seed_commitment"), "{}", e.detail());
        }
    }

    #[test]
    fn negative_numbers_are_input_errors() {
        let e = lots_hash(
            vec![DrawEntry {
                participant: "a".into(),
                lots: -1,
            }],
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), "input.out_of_range");
        assert!(matches!(e, ChekError::Input { .. }));
        let zero = lots_hash(
            vec![DrawEntry {
                participant: "a".into(),
                lots: 0,
            }],
            None,
        )
        .unwrap_err();
        assert_eq!(zero.code(), "draw.zero_lots");
    }
}
