//! Files the engagement commands read and the state files they write back (host-held state).

use std::io;
use std::path::Path;

use chrono::NaiveDateTime;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest input or state file read.
const MAX_FILE: u64 = 64 << 20;

/// Reads a text file, refusing anything over 64 MiB; a leading UTF-8 BOM (as Windows editors
/// write) is dropped.
pub(crate) fn read(p: &Path) -> io::Result<String> {
    let len = std::fs::metadata(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?
        .len();
    if len > MAX_FILE {
        return Err(io::Error::other(format!(
            "{}: larger than {MAX_FILE} bytes",
            p.display()
        )));
    }
    let mut text = std::fs::read_to_string(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Loads a JSON state file, or the default state when the file does not exist yet.
pub(crate) fn load<T: DeserializeOwned + Default>(p: Option<&Path>) -> io::Result<T> {
    match p {
        Some(p) if p.exists() => serde_json::from_str(&read(p)?).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not a state file: {e}", p.display()),
            )
        }),
        _ => Ok(T::default()),
    }
}

/// Writes a state file through a temporary file and a rename, so a crash never leaves half a
/// state behind.
pub(crate) fn save<T: Serialize>(p: &Path, state: &T) -> io::Result<()> {
    let json = serde_json::to_string_pretty(state).map_err(io::Error::other)?;
    let tmp = p.with_extension("json.tmp");
    std::fs::write(&tmp, json + "\n")?;
    std::fs::rename(&tmp, p)
}

/// `--now`: `YYYY-MM-DDTHH:MM:SS`.
pub(crate) fn parse_now(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").map_err(|e| e.to_string())
}

/// The given time or the current UTC time, to the second.
pub(crate) fn now_or_clock(now: Option<NaiveDateTime>) -> NaiveDateTime {
    use chrono::Timelike;
    now.unwrap_or_else(|| {
        let t = chrono::Utc::now().naive_utc();
        t.with_nanosecond(0).unwrap_or(t)
    })
}
