//! A/B events as a host exports them: CSV `client,converted`, read strictly, one exposure per
//! client.

use std::collections::BTreeMap;
use std::fmt;

use super::error::check_id;
use super::{AbReport, Experiment, FeedbackError};

/// Largest events text read, in bytes.
pub const MAX_EVENTS_BYTES: usize = 64 << 20;
/// At most this many line errors are kept in [`FeedbackError::BadEvents`].
pub const MAX_LINE_ERRORS: usize = 20;

/// What is wrong with one line of an input file.
///
/// ```
/// use chek_engage::feedback::LineError;
/// let e = LineError { line: 3, problem: "\"2\" is not 0 or 1".into() };
/// assert_eq!(e.to_string(), "line 3: \"2\" is not 0 or 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

/// The exposures of an events file: every client once, converted when any of its lines says
/// so (an exposure line followed by a conversion line is one converted client).
///
/// The file is CSV `client,converted`, one event per line: an optional header
/// `client,converted` first, `#` comments and blank lines skipped, a UTF-8 BOM ignored. The
/// separator is a comma; `converted` is `1`/`0`, `true`/`false`, `yes`/`no` or `да`/`нет`
/// (any case). Any other line is an error naming the line and what is wrong: nothing is
/// counted silently as "not converted".
///
/// ```
/// use chek_engage::feedback::AbEvents;
/// let ev = AbEvents::parse_csv("client,converted\nanna,0\nboris,1\nanna,1\n").unwrap();
/// assert_eq!((ev.len(), ev.converted(), ev.repeats), (2, 2, 1));
/// let err = AbEvents::parse_csv("anna,2\nboris;1\nvera,yes/да\n").unwrap_err();
/// assert_eq!(err.to_string().matches("line ").count(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AbEvents {
    clients: BTreeMap<String, bool>,
    /// Event lines read (header, comments and blank lines aside).
    pub lines: usize,
    /// Lines about a client already seen (merged into one exposure).
    pub repeats: usize,
}

fn converted(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "1" | "true" | "yes" | "да" => Some(true),
        "0" | "false" | "no" | "нет" => Some(false),
        _ => None,
    }
}

fn cut(s: &str) -> String {
    let mut t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

impl AbEvents {
    /// Reads an events CSV; [`FeedbackError::BadEvents`] lists the first
    /// [`MAX_LINE_ERRORS`] bad lines (and how many there are in all).
    pub fn parse_csv(text: &str) -> Result<AbEvents, FeedbackError> {
        if text.len() > MAX_EVENTS_BYTES {
            return Err(FeedbackError::BadEvents {
                errors: vec![LineError {
                    line: 0,
                    problem: format!("{} bytes, at most {MAX_EVENTS_BYTES}", text.len()),
                }],
                total: 1,
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ev = AbEvents::default();
        let mut errors = Vec::new();
        let mut total = 0usize;
        let mut first = true;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if std::mem::take(&mut first) && line.eq_ignore_ascii_case("client,converted") {
                continue;
            }
            let problem = match line.split(',').collect::<Vec<_>>().as_slice() {
                [client, conv] => {
                    let (client, conv) = (client.trim(), conv.trim());
                    match (check_id(client), converted(conv)) {
                        (Err(_), _) => Some(format!(
                            "client id {:?} must be 1–128 bytes without control characters",
                            cut(client)
                        )),
                        (_, None) => Some(format!(
                            "converted is {:?}: write 1 or 0 (true/false, yes/no, да/нет)",
                            cut(conv)
                        )),
                        (Ok(()), Some(c)) => {
                            ev.lines += 1;
                            match ev.clients.get_mut(client) {
                                Some(was) => {
                                    ev.repeats += 1;
                                    *was |= c;
                                }
                                None => {
                                    ev.clients.insert(client.to_owned(), c);
                                }
                            }
                            None
                        }
                    }
                }
                [_] => Some(match line.chars().find(|c| matches!(c, ';' | '\t' | '|')) {
                    Some(sep) => {
                        format!("{sep:?} is not the separator: write client,converted with a comma")
                    }
                    None => "no comma: write client,converted".to_owned(),
                }),
                fields => Some(format!(
                    "{} fields, expected 2: client,converted (a client id holds no comma)",
                    fields.len()
                )),
            };
            if let Some(problem) = problem {
                total += 1;
                if errors.len() < MAX_LINE_ERRORS {
                    errors.push(LineError {
                        line: i + 1,
                        problem,
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(ev)
        } else {
            Err(FeedbackError::BadEvents { errors, total })
        }
    }

    /// Clients exposed.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Whether no client was exposed.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// Clients who converted.
    pub fn converted(&self) -> usize {
        self.clients.values().filter(|&&c| c).count()
    }

    /// Each client once, with whether they converted, in id order.
    pub fn clients(&self) -> impl Iterator<Item = (&str, bool)> {
        self.clients.iter().map(|(c, &v)| (c.as_str(), v))
    }

    /// The A/B report: each client's variant assigned by `chek-ab-v1`, one exposure each.
    ///
    /// ```
    /// use chek_engage::feedback::{AbEvents, Experiment};
    /// let e = Experiment::from_toml("name = \"x\"\n[[variants]]\nname = \"A\"\n[[variants]]\nname = \"B\"").unwrap();
    /// let ev = AbEvents::parse_csv("anna,1\nanna,0\nboris,0\n").unwrap();
    /// let r = ev.report(&e).unwrap();
    /// assert_eq!(r.variants.iter().map(|v| v.exposed).sum::<u64>(), 2);
    /// ```
    pub fn report(&self, experiment: &Experiment) -> Result<AbReport, FeedbackError> {
        let mut obs = Vec::with_capacity(self.clients.len());
        for (client, converted) in self.clients() {
            obs.push((experiment.assign(client)?.name.as_str(), converted));
        }
        Ok(AbReport::from_observations(experiment, obs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<LineError> {
        match AbEvents::parse_csv(text) {
            Err(FeedbackError::BadEvents { errors, .. }) => errors,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn the_issue_lines_are_errors_with_their_line() {
        let e = errors("client,converted\nanna,2\nboris;1\nvera,yes/да\ngleb,1\n");
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(e[0].problem.contains("\"2\""), "{}", e[0]);
        assert!(e[1].problem.contains("';'"), "{}", e[1]);
        assert!(e[2].problem.contains("yes/да"), "{}", e[2]);
        let e = errors("a,1,2\n,1\n\u{1}x,0\nnocomma\n");
        assert_eq!(e.len(), 4);
        assert!(e[0].problem.contains("3 fields"));
        assert!(e[1].problem.contains("client id"));
    }

    #[test]
    fn one_exposure_per_client_converted_if_any() {
        let ev = AbEvents::parse_csv(
            "\u{feff}client,converted\r\n# export\r\nanna,0\r\nanna,1\r\n\r\nboris,1\r\nboris,0\r\nvera, НЕТ \r\nivan,Да\r\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ev.len(), 4);
        assert_eq!(ev.lines, 6);
        assert_eq!(ev.repeats, 2);
        let c: Vec<(&str, bool)> = ev.clients().collect();
        assert_eq!(
            c,
            [
                ("anna", true),
                ("boris", true),
                ("ivan", true),
                ("vera", false)
            ]
        );
    }

    #[test]
    fn many_errors_are_capped_and_counted() {
        let text = "x,9\n".repeat(1000);
        match AbEvents::parse_csv(&text) {
            Err(FeedbackError::BadEvents { errors, total }) => {
                assert_eq!((errors.len(), total), (MAX_LINE_ERRORS, 1000));
            }
            other => panic!("{other:?}"),
        }
    }
}
