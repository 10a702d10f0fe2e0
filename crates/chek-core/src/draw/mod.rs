//! Verifiable prize draws weighted by lots: commit–reveal, a public beacon, SHA-256 and
//! integer arithmetic only (algorithm `chek-draw-v1`, test vectors in `docs/draw-v1-vectors.json`).
//!
//! The procedure:
//! 1. Before the period closes the operator publishes `seed_commitment = SHA-256(seed)` for a
//!    secret seed of at least 16 bytes, and names a future public beacon (e.g. a drand round).
//! 2. At close the operator publishes the lots list and `lots_hash`, the SHA-256 of its
//!    canonical form: entries sorted by participant id (bytewise), each `id \t lots \n`.
//! 3. When the beacon value is out, the operator reveals the seed and runs the draw:
//!    `key = SHA-256("chek-draw-v1" 0x00 ‖ u64be(len seed) ‖ seed ‖ u64be(len beacon) ‖ beacon ‖
//!    lots_hash ‖ exclusions_hash ‖ u32be(prizes))`, where `exclusions_hash` is the SHA-256 of
//!    the sorted excluded ids, each followed by `\n`.
//! 4. Random words are the big-endian `u64`s of `SHA-256(key ‖ u64be(counter))`, counter 0, 1, …
//!    (four words per block). A ticket in `[0, T)`, `T` = lots still in the draw, is the first
//!    word `x` below `2^64 − (2^64 mod T)`, reduced `x mod T` (rejection sampling: no modulo bias).
//! 5. The ticket picks the participant whose cumulative lots range (in canonical order) holds
//!    it; that participant leaves the draw (one prize each), and step 4 repeats for the next
//!    prize. Excluded participants (earlier winners) never enter.
//!
//! Anyone with the list, the seed and the beacon can re-run it: [`verify`].

mod algorithm;
mod error;
mod hex;

pub use algorithm::{
    ALGORITHM, DrawEntry, DrawResult, Winner, draw, lots_csv, lots_hash, parse_lots,
    seed_commitment, verify,
};
pub use error::DrawError;
pub use hex::{from_hex, to_hex};

/// At most this many entries in a lots list.
pub const MAX_ENTRIES: usize = 10_000_000;
/// At most this many prizes per draw.
pub const MAX_PRIZES: u32 = 100_000;
/// Seeds and beacons longer than this are refused.
pub const MAX_HEX_BYTES: usize = 1024;
