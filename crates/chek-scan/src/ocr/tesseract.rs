//! Runs the `tesseract` executable: image on stdin, text on stdout.
//!
//! A subprocess rather than a library binding (`leptess`, `tesseract-sys`): those need bindgen
//! and libclang at build time and link C++ into the service, where a crash or a runaway page
//! takes the process with it. A child process is killed at the time limit, its output is read up
//! to a bound, and a missing install is an ordinary typed error instead of a build failure.

use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::{OcrError, OcrOptions};

/// Most of stderr kept for the error message.
const MAX_STDERR: u64 = 4096;
const POLL: Duration = Duration::from_millis(5);

/// Feeds `pgm` to Tesseract and returns what it printed (lossy UTF-8, at most
/// `opts.max_output_bytes`).
pub(crate) fn run(pgm: Vec<u8>, opts: &OcrOptions) -> Result<String, OcrError> {
    run_with(pgm, opts, &opts.languages, opts.psm, &[])
}

/// [`run`] with another language, page segmentation mode and trailing arguments (a config such
/// as `tsv`, or `-c name=value`).
pub(crate) fn run_with(
    pgm: Vec<u8>,
    opts: &OcrOptions,
    languages: &str,
    psm: u8,
    extra: &[&str],
) -> Result<String, OcrError> {
    let program = opts.tesseract.display().to_string();
    let mut child = Command::new(&opts.tesseract)
        .args(["stdin", "stdout", "-l", languages, "--psm"])
        .arg(psm.to_string())
        // The image is pre-scaled; a fixed resolution also silences "Estimating resolution".
        .args(["--dpi", "300"])
        .args(extra)
        // Tesseract's OpenMP threads fight each other on small servers; one is faster.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => OcrError::Unavailable {
                program: program.clone(),
                reason: e.to_string(),
            },
            _ => OcrError::Failed(format!("cannot start {program}: {e}")),
        })?;

    // Separate threads for each pipe: a child blocked on a full stdout would never finish reading
    // stdin, and the other way round.
    let stdin = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(mut s) = stdin {
            // A child that exits early closes the pipe; its exit status says why.
            let _ = s.write_all(&pgm);
        }
    });
    let stdout = child.stdout.take();
    let max_out = opts.max_output_bytes as u64;
    let out_reader = thread::spawn(move || read_bounded(stdout, max_out));
    let stderr = child.stderr.take();
    let err_reader = thread::spawn(move || read_bounded(stderr, MAX_STDERR));

    let deadline = Instant::now() + opts.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = writer.join();
                let _ = out_reader.join();
                let _ = err_reader.join();
                return Err(OcrError::Timeout {
                    ms: u64::try_from(opts.timeout.as_millis()).unwrap_or(u64::MAX),
                });
            }
            Ok(None) => thread::sleep(POLL),
            Err(e) => {
                let _ = child.kill();
                return Err(OcrError::Failed(e.to_string()));
            }
        }
    };
    let _ = writer.join();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&err).trim().to_owned();
        // Installed without its Russian data: as unavailable as no Tesseract at all.
        if msg.contains("Failed loading language") || msg.contains("Error opening data file") {
            return Err(OcrError::Unavailable {
                program,
                reason: last_line(&msg),
            });
        }
        return Err(OcrError::Failed(format!("{status}: {}", last_line(&msg))));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Reads at most `max` bytes and drains the rest, so the child never blocks on a full pipe.
fn read_bounded(pipe: Option<impl Read>, max: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    if let Some(mut p) = pipe {
        let _ = p.by_ref().take(max).read_to_end(&mut buf);
        let _ = io::copy(&mut p, &mut io::sink());
    }
    buf
}

fn last_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_executable_is_unavailable() {
        let opts = OcrOptions {
            tesseract: "/nonexistent/chek/tesseract".into(),
            ..OcrOptions::default()
        };
        let err = run(b"P5\n1 1\n255\n\0".to_vec(), &opts).unwrap_err();
        assert!(matches!(err, OcrError::Unavailable { .. }), "{err:?}");
    }

    #[test]
    fn output_is_bounded() {
        let data: &[u8] = &[7u8; 100];
        assert_eq!(read_bounded(Some(data), 10).len(), 10);
        assert_eq!(last_line("a\nlast\n\n"), "last");
    }
}
