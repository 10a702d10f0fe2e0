//! Helpers shared by the integration tests: where the shared fixtures live.
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The shared data folder: `$CHEK_SHARED` if set, else `../shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("CHEK_SHARED") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("shared")
}

/// The repository root.
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file under `shared/fixtures`, read whole; panics with the path if it is missing, because a
/// missing fixture must fail the suite, not skip it.
pub fn fixture(rel: &str) -> String {
    let p = shared_dir().join("fixtures").join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

pub mod textgen;
