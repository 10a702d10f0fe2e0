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

/// The synthetic receipt photos of `scripts/gen_receipt_photos.py` (default set), generated into
/// `target/receipt-photos` on first use if `scripts/test` has not done it yet. Panics when they
/// cannot be made, because a missing corpus must fail the suite, not skip it.
pub fn receipt_photos() -> PathBuf {
    generated("receipt-photos", "gen_receipt_photos.py")
}

/// The photos of the second, independent generator `scripts/gen_receipt_photos_hard.py`
/// (faded, glare, small, curl, crumple, edge and negatives), generated into
/// `target/receipt-photos-hard` like [`receipt_photos`].
pub fn receipt_photos_hard() -> PathBuf {
    generated("receipt-photos-hard", "gen_receipt_photos_hard.py")
}

/// The receipt text renders of `scripts/gen_receipt_texts.py` (OCR tests), generated into
/// `target/receipt-texts` like [`receipt_photos`].
pub fn receipt_texts() -> PathBuf {
    generated("receipt-texts", "gen_receipt_texts.py")
}

/// `target/<name>`, made by `scripts/<script> target/<name>` when missing or older than the
/// script.
fn generated(name: &str, script: &str) -> PathBuf {
    static ONCE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let dir = repo_dir().join("target").join(name);
    let _guard = ONCE.lock().unwrap_or_else(|e| e.into_inner());
    let script = repo_dir().join("scripts").join(script);
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    // Made again when missing or older than the generator.
    if modified(&dir.join("manifest.tsv")) < modified(&script) {
        let python = repo_dir().join(".venv").join("bin").join("python");
        let status = std::process::Command::new(&python)
            .arg(&script)
            .arg(&dir)
            .env("CHEK_SHARED", shared_dir())
            .status()
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/install-deps)", python.display()));
        assert!(status.success(), "{} failed", script.display());
    }
    dir
}

/// One synthetic photo: file, expected fiscal text (empty when unreadable on purpose), damage
/// kind, and the diagnostic code an unreadable photo must raise.
#[derive(Debug, Clone)]
pub struct Photo {
    /// Path of the image.
    pub path: PathBuf,
    /// Expected fiscal QR text, or empty.
    pub expected: String,
    /// Damage kind, e.g. `fade`.
    pub kind: String,
    /// Diagnostic code expected when `expected` is empty.
    pub diagnostic: String,
}

/// The rows of the second generator's manifest (same columns).
pub fn receipt_manifest_hard() -> Vec<Photo> {
    manifest_of(&receipt_photos_hard())
}

/// The rows of the synthetic set's manifest.
pub fn receipt_manifest() -> Vec<Photo> {
    manifest_of(&receipt_photos())
}

fn manifest_of(dir: &std::path::Path) -> Vec<Photo> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "manifest line {l:?}");
            Photo {
                path: dir.join(f[0]),
                expected: f[1].to_owned(),
                kind: f[2].to_owned(),
                diagnostic: f[3].to_owned(),
            }
        })
        .collect()
}
pub mod http_server;
pub mod telegram_server;
pub mod textgen;
pub mod voice_server;

/// A new, empty PostgreSQL database on the test server (`CHEK_TEST_PG_URL`, as `scripts/test`
/// and `scripts/pg start` set it), made with `psql`, and its URL; `None` (with a loud line) when
/// the variable is unset. For tests whose data is not scoped by a campaign id.
pub fn fresh_pg_database(tag: &str) -> Option<String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let Ok(url) = std::env::var("CHEK_TEST_PG_URL") else {
        // The suites print this so a skipped half is never silent.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"\n!!! CHEK_TEST_PG_URL is not set: PostgreSQL half SKIPPED (scripts/test sets it) !!!\n",
        );
        return None;
    };
    let name = format!(
        "t_{tag}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let out = std::process::Command::new("psql")
        .args([url.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
        .output()
        .unwrap_or_else(|e| panic!("psql: {e}"));
    assert!(
        out.status.success(),
        "CREATE DATABASE {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let (server, _db) = base.rsplit_once('/').unwrap_or((base, ""));
    Some(if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    })
}
