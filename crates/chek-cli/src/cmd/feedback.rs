//! `chek feedback`: a survey answer, a review-link click, a visit that applies bonuses, and the
//! A/B report; the state lives in the ledger (`--db`), a JSON state file is an import/export
//! format.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chek::engage::feedback::{
    AbEvents, Experiment, FeedbackError, FeedbackState, PolicyRisk, Response, Survey, parse_scores,
};
use chek::{Coded, Lang};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::loyalty::{open_db, store_err};
use super::state_file::{load, now_or_clock, parse_now, read, save};
use crate::output::{OutputArgs, error_json};

/// Arguments of `chek feedback`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    sub: Sub,
}

#[derive(Debug, clap::Args)]
struct StateArgs {
    /// The ledger: an SQLite file (created when missing) or a `postgres://…` URL. Each event is
    /// one transaction, so parallel runs lose nothing and count nothing twice.
    #[arg(long, value_name = "PATH|URL")]
    db: String,
    /// The time of the event (`YYYY-MM-DDTHH:MM:SS`); default now (UTC).
    #[arg(long, value_parser = parse_now)]
    now: Option<NaiveDateTime>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct SurveyArgs {
    /// The survey (TOML, or JSON by extension).
    #[arg(long, value_name = "FILE")]
    survey: PathBuf,
    /// The environment variable holding the review-link signing key (at least 16 bytes).
    #[arg(long, value_name = "VAR", default_value = "CHEK_REVIEW_KEY")]
    key_env: String,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Record a survey answer: average, threshold, invitation, bonus, warnings.
    Answer {
        #[command(flatten)]
        survey: SurveyArgs,
        /// Client id.
        #[arg(long)]
        client: String,
        /// Response id (a repeat with the same id changes nothing).
        #[arg(long)]
        response: String,
        /// Scores, one per criterion: `9,8,10`.
        #[arg(long)]
        scores: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Record a click on a review link (the token, or the whole link).
    Click {
        #[command(flatten)]
        survey: SurveyArgs,
        /// The token or the link.
        token: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// A client's visit: apply the bonuses granted before it, once.
    Visit {
        /// Client id.
        #[arg(long)]
        client: String,
        /// Visit id (a retry with the same id applies nothing again).
        #[arg(long)]
        visit: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Per-variant counts, conversion, 95 % Wilson intervals, the difference from the control
    /// (first variant: two-proportion z-test p-value, Bayesian probability to beat it) and the
    /// clients still needed, from the ledger, a state file or an events file (CSV
    /// `client,converted`, converted 1/0; one exposure per client, converted if any of its lines
    /// says so; variants assigned by chek-ab-v1). A bad line is an error naming the line.
    Ab {
        /// The experiment (TOML/JSON), or a survey file holding one.
        #[arg(long, value_name = "FILE")]
        experiment: PathBuf,
        /// The ledger to report on.
        #[arg(long, value_name = "PATH|URL", conflicts_with_all = ["events", "state"])]
        db: Option<String>,
        /// A feedback state file (the export format) to report on.
        #[arg(long, value_name = "FILE", conflicts_with = "events")]
        state: Option<PathBuf>,
        /// Events CSV to report on.
        #[arg(long, value_name = "FILE")]
        events: Option<PathBuf>,
        /// The minimum detectable effect to size the test for: an absolute difference of
        /// conversion rates, `0.05` = 5 percentage points (α = 0.05 two-sided, power 80 %).
        #[arg(long, default_value_t = chek::engage::feedback::DEFAULT_MDE)]
        mde: f64,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Writes the ledger's feedback state to a JSON file (the format `import` and `ab --state`
    /// read).
    Export {
        /// The ledger.
        #[arg(long, value_name = "PATH|URL")]
        db: String,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
    },
    /// Loads a feedback state file into a ledger that has no feedback yet.
    Import {
        /// The ledger (created when missing).
        #[arg(long, value_name = "PATH|URL")]
        db: String,
        /// The state file.
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
    },
}

fn is_json(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "json")
}

fn survey(p: &Path) -> Result<Survey, String> {
    let text = read(p).map_err(|e| e.to_string())?;
    let s = if is_json(p) {
        Survey::from_json(&text)
    } else {
        Survey::from_toml(&text)
    };
    s.map_err(|e| format!("{}: {e}", p.display()))
}

fn key(var: &str) -> Result<Vec<u8>, String> {
    std::env::var(var)
        .map(String::into_bytes)
        .map_err(|_| format!("set the review-link signing key in ${var}"))
}

fn warnings_json(w: &[PolicyRisk], lang: Lang) -> Value {
    Value::Array(
        w.iter()
            .map(|r| json!({"code": r.code(), "hint": r.hint(lang)}))
            .collect(),
    )
}

fn usage(e: String) -> io::Result<ExitCode> {
    eprintln!("chek: {e}");
    Ok(ExitCode::from(2))
}

fn fail(e: &FeedbackError, o: &OutputArgs) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if o.json {
        writeln!(out, "{}", error_json(e, o.lang))?;
    } else {
        writeln!(out, "error {}: {}", e.code(), e.hint(o.lang))?;
    }
    Ok(ExitCode::from(1))
}

pub(crate) fn run(args: &Args) -> io::Result<ExitCode> {
    match &args.sub {
        Sub::Answer {
            survey: sa,
            client,
            response,
            scores,
            state,
        } => {
            let (s, k) = match (survey(&sa.survey), key(&sa.key_env)) {
                (Ok(s), Ok(k)) => (s, k),
                (Err(e), _) | (_, Err(e)) => return usage(e),
            };
            let ledger = match open_db(Some(&state.db)) {
                Ok(l) => l,
                Err(e) => return usage(e),
            };
            let scores = match parse_scores(scores) {
                Ok(v) => v,
                Err(e) => return fail(&e, &state.out),
            };
            let r = Response {
                id: response.clone(),
                client: client.clone(),
                scores,
            };
            let answered = ledger
                .feedback_answer(&s, &k, &r, now_or_clock(state.now))
                .map_err(store_err)?;
            match answered {
                Ok(a) => {
                    let lang = state.out.lang;
                    let mut out = io::stdout().lock();
                    if state.out.json {
                        let mut j = serde_json::to_value(&a).map_err(io::Error::other)?;
                        j["warnings"] = warnings_json(&a.warnings, lang);
                        writeln!(out, "{j}")?;
                    } else {
                        writeln!(
                            out,
                            "answer {} of {}: average {:.2} (threshold {}), {}",
                            a.seq,
                            a.client,
                            a.rating.average,
                            a.threshold,
                            if a.rating.satisfied {
                                "satisfied"
                            } else {
                                "below the threshold: follow up"
                            }
                        )?;
                        match &a.invitation {
                            Some(i) => writeln!(
                                out,
                                "  invite  {} ({} units, {} SMS{})",
                                i.message,
                                i.sms.units,
                                i.sms.segments,
                                i.variant
                                    .as_deref()
                                    .map(|v| format!(", variant {v}"))
                                    .unwrap_or_default()
                            )?,
                            None => writeln!(out, "  invite  none (gated mode)")?,
                        }
                        if let Some(b) = &a.bonus {
                            writeln!(
                                out,
                                "  bonus   {} points, applied at the next visit",
                                b.points
                            )?;
                        }
                        if a.repeated {
                            writeln!(out, "  repeat  already recorded; nothing changed")?;
                        }
                        for w in &a.warnings {
                            writeln!(out, "  WARNING {}: {}", w.code(), w.hint(lang))?;
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => fail(&e, &state.out),
            }
        }
        Sub::Click {
            survey: sa,
            token,
            state,
        } => {
            let (s, k) = match (survey(&sa.survey), key(&sa.key_env)) {
                (Ok(s), Ok(k)) => (s, k),
                (Err(e), _) | (_, Err(e)) => return usage(e),
            };
            // The whole link is fine: the token is found in it, whatever query or fragment
            // was appended (`?utm_source=…`).
            let ledger = match open_db(Some(&state.db)) {
                Ok(l) => l,
                Err(e) => return usage(e),
            };
            let clicked = ledger
                .feedback_click(&s, &k, token, now_or_clock(state.now))
                .map_err(store_err)?;
            match clicked {
                Ok(c) => {
                    let lang = state.out.lang;
                    let mut out = io::stdout().lock();
                    if state.out.json {
                        let mut j = serde_json::to_value(&c).map_err(io::Error::other)?;
                        j["warnings"] = warnings_json(&c.warnings, lang);
                        writeln!(out, "{j}")?;
                    } else {
                        writeln!(
                            out,
                            "click on answer {} of {}: {}",
                            c.seq,
                            c.client,
                            if c.first {
                                "recorded"
                            } else {
                                "already recorded before"
                            }
                        )?;
                        if let Some(b) = &c.bonus {
                            writeln!(
                                out,
                                "  bonus   {} points, applied at the next visit",
                                b.points
                            )?;
                        }
                        for w in &c.warnings {
                            writeln!(out, "  WARNING {}: {}", w.code(), w.hint(lang))?;
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => fail(&e, &state.out),
            }
        }
        Sub::Visit {
            client,
            visit,
            state,
        } => {
            let ledger = match open_db(Some(&state.db)) {
                Ok(l) => l,
                Err(e) => return usage(e),
            };
            let visited = ledger
                .feedback_visit(client, visit, now_or_clock(state.now))
                .map_err(store_err)?;
            match visited {
                Ok(v) => {
                    let mut out = io::stdout().lock();
                    if state.out.json {
                        let j = serde_json::to_value(&v).map_err(io::Error::other)?;
                        writeln!(out, "{j}")?;
                    } else {
                        writeln!(
                            out,
                            "visit {} of {}: {} bonus points applied{}",
                            v.visit,
                            v.client,
                            v.points,
                            if v.repeated { " (a retry)" } else { "" }
                        )?;
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => fail(&e, &state.out),
            }
        }
        Sub::Ab {
            experiment,
            db,
            state,
            events,
            mde,
            out: o,
        } => {
            let st = match (db, state) {
                (Some(db), _) => match open_db(Some(db)) {
                    Ok(l) => Some(l.feedback_state().map_err(store_err)?),
                    Err(e) => return usage(e),
                },
                (None, Some(s)) => Some(load::<FeedbackState>(Some(s))?),
                (None, None) => None,
            };
            ab(experiment, st.as_ref(), events.as_deref(), *mde, o)
        }
        Sub::Export { db, state } => {
            let ledger = match open_db(Some(db)) {
                Ok(l) => l,
                Err(e) => return usage(e),
            };
            save(state, &ledger.feedback_state().map_err(store_err)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Sub::Import { db, state } => {
            let ledger = match open_db(Some(db)) {
                Ok(l) => l,
                Err(e) => return usage(e),
            };
            let st: FeedbackState = load(Some(state))?;
            ledger
                .feedback_import(&st, now_or_clock(None))
                .map_err(store_err)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn experiment(p: &Path) -> Result<Experiment, String> {
    // A survey file with an experiment, or an experiment file.
    if let Ok(s) = survey(p)
        && let Some(e) = s.experiment
    {
        return Ok(e);
    }
    let text = read(p).map_err(|e| e.to_string())?;
    let e = if is_json(p) {
        Experiment::from_json(&text)
    } else {
        Experiment::from_toml(&text)
    };
    e.map_err(|err| format!("{}: {err}", p.display()))
}

fn ab(
    exp: &Path,
    state: Option<&FeedbackState>,
    events: Option<&Path>,
    mde: f64,
    o: &OutputArgs,
) -> io::Result<ExitCode> {
    let e = match experiment(exp) {
        Ok(e) => e,
        Err(err) => return usage(err),
    };
    let mut repeats = 0;
    let report = match (state, events) {
        (Some(s), _) => s.ab_report(&e),
        (None, Some(ev)) => {
            let parsed = AbEvents::parse_csv(&read(ev)?).and_then(|events| {
                repeats = events.repeats;
                events.report(&e)
            });
            match parsed {
                Ok(r) => r,
                Err(FeedbackError::BadEvents { errors, total }) => {
                    for err in &errors {
                        eprintln!("chek: {}:{}: {}", ev.display(), err.line, err.problem);
                    }
                    if total > errors.len() {
                        eprintln!("chek: … {} bad lines in all", total);
                    }
                    return Ok(ExitCode::from(2));
                }
                Err(err) => return usage(format!("{}: {err}", ev.display())),
            }
        }
        (None, None) => return usage("ab needs --db DB, --state FILE or --events FILE".into()),
    };
    let report = match report.with_mde(mde) {
        Ok(r) => r,
        Err(err) => return usage(format!("--mde: {err}")),
    };
    let mut out = io::stdout().lock();
    if o.json {
        writeln!(
            out,
            "{}",
            serde_json::to_value(&report).map_err(io::Error::other)?
        )?;
    } else {
        writeln!(
            out,
            "{} ({}), 95 % Wilson intervals",
            report.experiment, report.algorithm
        )?;
        for v in &report.variants {
            writeln!(
                out,
                "  {:<16} {:>6} exposed {:>6} converted  {:>6.2} %  [{:.2} %, {:.2} %]",
                v.variant,
                v.exposed,
                v.converted,
                100.0 * v.rate,
                100.0 * v.ci_low,
                100.0 * v.ci_high
            )?;
        }
        for v in &report.variants {
            if let Some(c) = &v.vs_control {
                writeln!(
                    out,
                    "  {} vs {}: {:+.2} points, p = {:.4} ({}), P(better) = {:.1} %",
                    v.variant,
                    c.control,
                    100.0 * c.difference,
                    c.p_value,
                    if c.significant {
                        "significant at 5 %"
                    } else {
                        "not significant"
                    },
                    100.0 * c.prob_beat_control
                )?;
            }
        }
        match report.sample_size {
            Some(n) => {
                writeln!(
                    out,
                    "  to detect {:.2} points (alpha 5 %, power 80 %): {} clients per variant",
                    100.0 * report.mde,
                    n
                )?;
                for v in &report.variants {
                    if let Some(k) = v.still_needed.filter(|&k| k > 0) {
                        writeln!(out, "    {} needs {} more", v.variant, k)?;
                    }
                }
            }
            None => writeln!(
                out,
                "  sample size: unknown until the control has exposures"
            )?,
        }
        if repeats > 0 {
            writeln!(
                out,
                "  {repeats} repeated line(s) merged: one exposure per client, converted if any"
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
