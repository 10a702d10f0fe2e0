//! `chek run --campaign FILE [--db chek.sqlite | --db postgres://…] INPUT...`: the main job.
//! Every input (photos, text files, QR strings, folders, `-` for stdin, `--manual` entries)
//! goes through the engine into the ledger; a summary table (or one JSON object) follows.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chek::Lang;
use chek::engine::{Engine, Input, Outcome, OutcomeStatus, ReasonKind, Submission};
use chek::text::MAX_TEXT_BYTES;
use serde_json::{Value, json};

use crate::ledger_args::{LedgerArgs, ProviderArgs, engine};
use crate::output::{OutputArgs, error_json};

/// Text files up to this size are read whole; a larger list of QR strings is streamed.
const TEXT_LIMIT: u64 = MAX_TEXT_BYTES as u64 * 64;
/// Photos larger than this are not read (the scanner refuses far smaller ones anyway).
const MAX_PHOTO: u64 = 64 << 20;
/// Runs with more inputs than this show a progress bar (when stderr is a terminal).
const PROGRESS_FROM: usize = 20;
const PHOTO_EXT: [&str; 5] = ["jpg", "jpeg", "png", "webp", "jfif"];

/// Arguments of `chek run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Photos, text files (OCR text, or QR strings one per line), folders (recursively), QR
    /// strings, or `-` for stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// A receipt typed by hand ("фн … фд … фп … 15.03.21 12:34 1500,00"); may be repeated.
    #[arg(long, value_name = "TEXT")]
    manual: Vec<String>,
    /// The participant the inputs belong to.
    #[arg(long, default_value = "cli", value_name = "ID")]
    participant: String,
    /// Worker threads (default: the number of CPUs). `--jobs 1` processes inputs in order.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Print only the summary, not one line per input.
    #[arg(long)]
    summary_only: bool,
    /// The host's own id of this message (idempotency key): sending it again returns the
    /// first outcome and records nothing new. With several inputs each gets `KEY:SOURCE`.
    /// Without it every input gets a key derived from the participant, the input and where it
    /// came from (`file:line`), so a rerun of the same files adds nothing to the report.
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    #[command(flatten)]
    ledger: LedgerArgs,
    #[command(flatten)]
    provider: ProviderArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// Something named on the command line, expanded lazily into inputs.
#[derive(Debug)]
enum Source {
    File(PathBuf),
    Stdin,
    Literal(String),
    Manual(String),
}

/// One input ready for the engine, with where it came from (`file`, `file:line`, `arg`).
struct Item {
    source: String,
    input: Result<Input, String>,
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    let lang = args.out.lang;
    let engine = engine(&args.ledger, &args.provider, lang, true)?;
    let mut sources = Vec::new();
    for a in &args.inputs {
        expand(a, &mut sources)?;
    }
    sources.extend(args.manual.iter().cloned().map(Source::Manual));
    if sources.is_empty() {
        eprintln!(
            "chek: run needs at least one INPUT (a photo, text file, folder, QR string or -)"
        );
        return Ok(ExitCode::from(2));
    }
    let now = args.ledger.now;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .clamp(1, 64);
    let results = process(&engine, &sources, args, now, jobs);
    let rows: Vec<(String, Result<Outcome, Value>)> = results;
    let summary = Summary::of(&rows);
    let mut out = io::stdout().lock();
    if args.out.json {
        let outcomes: Vec<Value> = rows
            .iter()
            .map(|(source, r)| {
                let mut v = match r {
                    Ok(o) => o.to_json(),
                    Err(e) => e.clone(),
                };
                if let Value::Object(m) = &mut v {
                    m.insert("source".into(), json!(source));
                }
                v
            })
            .collect();
        let doc = json!({
            "campaign": engine.campaign().def().id,
            "verification": engine.verification_label().to_json(lang),
            "outcomes": outcomes,
            "summary": summary.to_json(),
        });
        writeln!(out, "{doc}")?;
    } else {
        if !args.summary_only {
            for (source, r) in &rows {
                match r {
                    Ok(o) => write!(out, "{source}: {}", o.to_text())?,
                    Err(e) => writeln!(out, "{source}: error {}", e["error"]["message"])?,
                }
            }
            writeln!(out)?;
        }
        write!(out, "{}", summary.to_text(&engine, lang))?;
    }
    Ok(if summary.failed > 0 || summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn expand(arg: &str, out: &mut Vec<Source>) -> io::Result<()> {
    if arg == "-" {
        out.push(Source::Stdin);
        return Ok(());
    }
    let p = Path::new(arg);
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => walk(p, out),
        Ok(_) => {
            out.push(Source::File(p.to_owned()));
            Ok(())
        }
        // Not a file: a QR string given literally (or a typo, which then fails as a QR).
        Err(_) => {
            out.push(Source::Literal(arg.to_owned()));
            Ok(())
        }
    }
}

/// Files under a folder, sorted, hidden files skipped.
fn walk(dir: &Path, out: &mut Vec<Source>) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(Source::File(p));
        }
    }
    Ok(())
}

fn is_photo(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PHOTO_EXT.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// A text is a list of QR strings when every line (comments aside) is one word and some line
/// carries a fiscal field; otherwise it is a receipt's printed text.
pub(crate) fn classify_text(text: &str) -> Vec<(usize, Input)> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let qr_list = !lines.is_empty()
        && lines.iter().all(|(_, l)| !l.contains(char::is_whitespace))
        && lines.iter().any(|(_, l)| {
            let l = l.to_ascii_lowercase();
            l.contains("fn=") || l.contains("fn%3d")
        });
    if qr_list {
        lines
            .into_iter()
            .map(|(n, l)| (n, Input::QrText(l.to_owned())))
            .collect()
    } else {
        vec![(0, Input::OcrText(text.to_owned()))]
    }
}

fn read_limited(r: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(buf)
}

/// The inputs of one source (a text file may hold many QR strings).
fn items(src: &Source) -> Vec<Item> {
    let text_items = |name: String, bytes: Result<Vec<u8>, io::Error>| -> Vec<Item> {
        match bytes {
            Err(e) => vec![Item {
                source: name,
                input: Err(e.to_string()),
            }],
            Ok(b) => {
                let text = String::from_utf8_lossy(&b);
                let many = classify_text(&text);
                let single = many.len() == 1;
                many.into_iter()
                    .map(|(n, input)| Item {
                        source: if single || n == 0 {
                            name.clone()
                        } else {
                            format!("{name}:{n}")
                        },
                        input: Ok(input),
                    })
                    .collect()
            }
        }
    };
    match src {
        Source::Literal(s) => vec![Item {
            source: "arg".into(),
            input: Ok(Input::QrText(s.clone())),
        }],
        Source::Manual(s) => vec![Item {
            source: "manual".into(),
            input: Ok(Input::Manual(s.clone())),
        }],
        Source::Stdin => text_items("stdin".into(), read_limited(io::stdin().lock(), TEXT_LIMIT)),
        Source::File(p) => {
            let name = p.display().to_string();
            let open = || std::fs::File::open(p);
            if is_photo(p) {
                vec![Item {
                    input: open()
                        .and_then(|f| read_limited(f, MAX_PHOTO))
                        .map(Input::Photo)
                        .map_err(|e| e.to_string()),
                    source: name,
                }]
            } else {
                text_items(name, open().and_then(|f| read_limited(f, TEXT_LIMIT)))
            }
        }
    }
}

type Row = (String, Result<Outcome, Value>);

/// Runs items through the engine (one batch) and pairs each with its result, in order.
fn settle_items(
    engine: &Engine,
    args: &Args,
    now: Option<chrono::NaiveDateTime>,
    its: Vec<Item>,
    single: bool,
) -> Vec<Row> {
    let lang = args.out.lang;
    let mut names = Vec::new();
    let mut subs = Vec::new();
    for it in its {
        names.push((it.source.clone(), it.input.as_ref().err().cloned()));
        if let Ok(input) = it.input {
            let key = match &args.key {
                Some(k) if single => k.clone(),
                Some(k) => format!("{k}:{}", it.source),
                None => default_key(&args.participant, &input, &it.source),
            };
            let sub = Submission::new(args.participant.clone(), input)
                .with_lang(lang)
                .with_idempotency_key(key);
            subs.push(match now {
                Some(t) => sub.received_at(t),
                None => sub,
            });
        }
    }
    let mut done_subs = engine.process_batch(subs).into_iter();
    names
        .into_iter()
        .map(|(name, failed)| {
            let r = match failed {
                Some(e) => Err(json!({"error": {"code": "io.read", "message": e,
                    "hint": match lang { Lang::Ru => "Файл не читается.", Lang::En => "The file cannot be read." }}})),
                None => match done_subs.next() {
                    Some(r) => r.map_err(|e| error_json(&e, lang)),
                    None => Err(json!({"error": {"code": "engine.internal",
                        "message": "no result for this input"}})),
                },
            };
            (name, r)
        })
        .collect()
}

/// The longest line of a streamed QR list (a QR string is far shorter).
const MAX_LINE: u64 = 64 << 10;
/// Inputs settled per chunk of a streamed list.
const STREAM_CHUNK: usize = 256;

/// A text file of QR strings too large to read at once, read line by line instead.
struct QrStream {
    name: String,
    reader: io::BufReader<std::fs::File>,
    /// The first QR line (already read) and its number.
    first: (usize, String),
}

impl QrStream {
    /// A stream when `src` is a text file larger than a text may be whose first line (comments
    /// and blank lines aside) is one QR string; `None` otherwise (read as before).
    fn open(src: &Source) -> Option<QrStream> {
        use std::io::BufRead;
        let Source::File(p) = src else { return None };
        if is_photo(p) || std::fs::metadata(p).ok()?.len() <= TEXT_LIMIT {
            return None;
        }
        let mut reader = io::BufReader::new(std::fs::File::open(p).ok()?);
        let mut n = 0;
        loop {
            let mut buf = Vec::new();
            n += 1;
            if (&mut reader)
                .take(MAX_LINE)
                .read_until(b'\n', &mut buf)
                .ok()?
                == 0
            {
                return None;
            }
            let line = String::from_utf8_lossy(&buf).trim().to_owned();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let lower = line.to_ascii_lowercase();
            let qr = !line.contains(char::is_whitespace)
                && (lower.contains("fn=") || lower.contains("fn%3d"));
            return qr.then(|| QrStream {
                name: p.display().to_string(),
                reader,
                first: (n, line),
            });
        }
    }

    /// Calls `f` with the list's inputs, [`STREAM_CHUNK`] at a time, in order.
    fn for_each_chunk(mut self, mut f: impl FnMut(Vec<Item>)) {
        use std::io::BufRead;
        let item = |name: &str, n: usize, line: String| Item {
            source: format!("{name}:{n}"),
            input: Ok(Input::QrText(line)),
        };
        let mut chunk = vec![item(
            &self.name,
            self.first.0,
            std::mem::take(&mut self.first.1),
        )];
        let mut n = self.first.0;
        loop {
            let mut buf = Vec::new();
            n += 1;
            let read = (&mut self.reader)
                .take(MAX_LINE)
                .read_until(b'\n', &mut buf);
            match read {
                Ok(0) => break,
                Ok(_) => {
                    if buf.last() != Some(&b'\n') && buf.len() as u64 >= MAX_LINE {
                        // A line longer than any QR string: an error for it, the rest skipped.
                        let _ = self.reader.skip_until(b'\n');
                        chunk.push(Item {
                            source: format!("{}:{n}", self.name),
                            input: Err(format!("line longer than {MAX_LINE} bytes")),
                        });
                    } else {
                        let line = String::from_utf8_lossy(&buf).trim().to_owned();
                        if !line.is_empty() && !line.starts_with('#') {
                            chunk.push(item(&self.name, n, line));
                        }
                    }
                }
                Err(e) => {
                    chunk.push(Item {
                        source: format!("{}:{n}", self.name),
                        input: Err(e.to_string()),
                    });
                    break;
                }
            }
            if chunk.len() >= STREAM_CHUNK {
                f(std::mem::take(&mut chunk));
            }
        }
        if !chunk.is_empty() {
            f(chunk);
        }
    }
}

/// The idempotency key of an input when the host gives none: participant, input and source
/// (`file:line`) hashed, so that running the same files again replays instead of re-recording.
fn default_key(participant: &str, input: &Input, source: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"chek-run-v1\0");
    h.update(participant.as_bytes());
    h.update([0]);
    h.update(input.kind().as_bytes());
    h.update([0]);
    match input {
        Input::Photo(b) => h.update(b),
        Input::QrText(s) | Input::OcrText(s) | Input::Manual(s) => h.update(s.as_bytes()),
        _ => h.update(format!("{input:?}").as_bytes()),
    }
    h.update([0]);
    h.update(source.as_bytes());
    let mut out = String::with_capacity(68);
    out.push_str("run:");
    for b in h.finalize() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Runs every source through the engine on `jobs` threads; rows come back in input order.
fn process(
    engine: &Engine,
    sources: &[Source],
    args: &Args,
    now: Option<chrono::NaiveDateTime>,
    jobs: usize,
) -> Vec<Row> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Vec<Row>>> = sources.iter().map(|_| Mutex::new(Vec::new())).collect();
    let progress = sources.len() >= PROGRESS_FROM && io::stderr().is_terminal();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(sources.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(src) = sources.get(i) else { break };
                    // A file of QR strings settles in batches: one commit per 256 receipts.
                    // A list larger than a text file may be is read and settled in chunks.
                    let rows = match QrStream::open(src) {
                        Some(stream) => {
                            let mut rows = Vec::new();
                            stream.for_each_chunk(|chunk| {
                                rows.extend(settle_items(engine, args, now, chunk, false));
                            });
                            rows
                        }
                        None => {
                            let its = items(src);
                            let single = sources.len() == 1 && its.len() == 1;
                            settle_items(engine, args, now, its, single)
                        }
                    };
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = rows;
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        if progress {
            s.spawn(|| draw_progress(&done, sources.len()));
        }
    });
    slots
        .into_iter()
        .flat_map(|m| m.into_inner().unwrap_or_default())
        .collect()
}

/// A one-line progress bar on stderr, redrawn a few times a second until every input is done.
fn draw_progress(done: &AtomicUsize, total: usize) {
    let start = Instant::now();
    loop {
        let d = done.load(Ordering::Relaxed);
        let width = 30;
        let filled = d * width / total.max(1);
        let rate = d as f64 / start.elapsed().as_secs_f64().max(1e-3);
        eprint!(
            "\r[{}{}] {d}/{total} ({rate:.0}/s) ",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        if d >= total {
            eprintln!();
            return;
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// The counts of a run.
#[derive(Debug, Default)]
struct Summary {
    inputs: usize,
    accepted: usize,
    rejected: usize,
    pending_recheck: usize,
    awaiting_operator: usize,
    failed: usize,
    errors: usize,
    replayed: usize,
    lots: u64,
    points: u64,
    rejected_by_reason: BTreeMap<&'static str, usize>,
    failed_by_reason: BTreeMap<&'static str, usize>,
}

impl Summary {
    fn of(rows: &[Row]) -> Self {
        let mut s = Summary {
            inputs: rows.len(),
            ..Summary::default()
        };
        for (_, r) in rows {
            let Ok(o) = r else {
                s.errors += 1;
                continue;
            };
            if o.replayed {
                s.replayed += 1;
            }
            let first = o.main_reason().map_or("-", |r| r.code);
            match o.status {
                OutcomeStatus::Accepted => {
                    s.accepted += 1;
                    s.lots += o.lots;
                    s.points += o.points;
                }
                OutcomeStatus::Rejected => {
                    s.rejected += 1;
                    for r in o.reasons.iter().filter(|r| r.kind == ReasonKind::Reject) {
                        *s.rejected_by_reason.entry(r.code).or_default() += 1;
                    }
                }
                OutcomeStatus::PendingRecheck { .. } => s.pending_recheck += 1,
                OutcomeStatus::AwaitingOperator => s.awaiting_operator += 1,
                _ => {
                    s.failed += 1;
                    *s.failed_by_reason.entry(first).or_default() += 1;
                }
            }
        }
        s
    }

    fn to_json(&self) -> Value {
        json!({
            "inputs": self.inputs,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending_recheck": self.pending_recheck,
            "awaiting_operator": self.awaiting_operator,
            "failed": self.failed,
            "errors": self.errors,
            "replayed": self.replayed,
            "lots": self.lots,
            "points": self.points,
            "rejected_by_reason": self.rejected_by_reason,
            "failed_by_reason": self.failed_by_reason,
        })
    }

    fn to_text(&self, engine: &Engine, lang: Lang) -> String {
        let ru = lang == Lang::Ru;
        let mut s = String::new();
        let row = |s: &mut String, label: &str, n: usize, extra: String| {
            s.push_str(&format!("  {label:<22} {n:>7}{extra}\n"));
        };
        s.push_str(&format!(
            "{} «{}» ({}): {}\n",
            if ru { "Акция" } else { "Campaign" },
            engine.campaign().def().name,
            engine.campaign().def().id,
            engine.verification_label().text(lang)
        ));
        row(
            &mut s,
            if ru { "входов" } else { "inputs" },
            self.inputs,
            String::new(),
        );
        let lots = if ru {
            format!("   лотов {}", self.lots)
        } else {
            format!("   lots {}", self.lots)
        };
        row(
            &mut s,
            if ru { "принято" } else { "accepted" },
            self.accepted,
            lots,
        );
        row(
            &mut s,
            if ru { "отклонено" } else { "rejected" },
            self.rejected,
            String::new(),
        );
        for (code, n) in &self.rejected_by_reason {
            s.push_str(&format!("    {code:<40} {n:>5}\n"));
        }
        row(
            &mut s,
            if ru {
                "ждут повторной проверки"
            } else {
                "pending re-check"
            },
            self.pending_recheck,
            String::new(),
        );
        row(
            &mut s,
            if ru {
                "ждут оператора"
            } else {
                "awaiting operator"
            },
            self.awaiting_operator,
            String::new(),
        );
        row(
            &mut s,
            if ru {
                "не прочитано"
            } else {
                "failed"
            },
            self.failed,
            String::new(),
        );
        for (code, n) in &self.failed_by_reason {
            s.push_str(&format!("    {code:<40} {n:>5}\n"));
        }
        if self.replayed > 0 {
            row(
                &mut s,
                if ru { "повторы" } else { "replayed" },
                self.replayed,
                String::new(),
            );
        }
        if self.errors > 0 {
            row(
                &mut s,
                if ru { "ошибки" } else { "errors" },
                self.errors,
                String::new(),
            );
        }
        s
    }
}
