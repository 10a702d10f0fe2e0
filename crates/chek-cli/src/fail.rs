//! Failures of a whole command: a stable code, a ru/en hint, what it is about (a path, a
//! redacted database URL) and an exit code that tells "fix the input" from "try again later"
//! from "the ledger needs an operator" (docs/cli-exit-codes.md).

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::Path;

use chek::store::StoreError;
use chek::{Coded, Lang};
use serde_json::{Value, json};

/// The command ran, but some input did not go through (a receipt not read, an error per input).
pub(crate) const EXIT_INPUT: u8 = 1;
/// Bad command line or bad input: a missing or unreadable file, a campaign that does not
/// parse, a `--db` that is not a ledger. Running it again unchanged fails again.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Try again later: the ledger is busy or the database server cannot be reached.
pub(crate) const EXIT_RETRY: u8 = 3;
/// The ledger needs an operator: damaged data, a schema from a newer chek, a failed migration,
/// a broken hash chain (`store.chain_broken`: records changed outside chek).
pub(crate) const EXIT_OPERATOR: u8 = 4;

/// A failure of the whole command, carried as an `io::Error` up to `main`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) hint_ru: Cow<'static, str>,
    pub(crate) hint_en: Cow<'static, str>,
    /// The file or (redacted) database the failure is about.
    pub(crate) path: Option<String>,
    pub(crate) exit: u8,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Failure {}

impl From<Failure> for io::Error {
    fn from(f: Failure) -> Self {
        io::Error::other(f)
    }
}

impl Failure {
    /// A ledger that could not be opened or used; `db` is shown redacted.
    pub(crate) fn store(e: &StoreError, db: &str) -> Failure {
        let exit = match e {
            _ if e.is_transient() => EXIT_RETRY,
            StoreError::NotFound(_)
            | StoreError::Foreign(_)
            | StoreError::Unsupported(_)
            | StoreError::Conflict(_)
            | StoreError::Invalid(_) => EXIT_USAGE,
            _ => EXIT_OPERATOR,
        };
        Failure {
            code: e.code(),
            message: chek::store::redact(&e.to_string()),
            hint_ru: e.hint(Lang::Ru),
            hint_en: e.hint(Lang::En),
            path: Some(chek::store::redact(db)),
            exit,
        }
    }

    /// Any coded error about a file (a campaign that does not parse…): bad input.
    pub(crate) fn coded(e: &(impl Coded + fmt::Display), path: &Path) -> Failure {
        Failure {
            code: e.code(),
            message: e.to_string(),
            hint_ru: e.hint(Lang::Ru),
            hint_en: e.hint(Lang::En),
            path: Some(path.display().to_string()),
            exit: EXIT_USAGE,
        }
    }

    /// A file that could not be read: missing, not allowed, not text, too large.
    pub(crate) fn file(e: &io::Error, path: &Path) -> Failure {
        let (code, ru, en) = match e.kind() {
            io::ErrorKind::NotFound => (
                "io.not_found",
                "Файл не найден. Проверьте путь.",
                "The file does not exist. Check the path.",
            ),
            io::ErrorKind::PermissionDenied => (
                "io.permission",
                "Нет прав на чтение файла.",
                "The file may not be read (permissions).",
            ),
            io::ErrorKind::InvalidData => (
                "io.not_text",
                "Файл не текстовый (не UTF-8). Укажите файл в формате TOML или JSON.",
                "The file is not text (not UTF-8). Name a TOML or JSON file.",
            ),
            io::ErrorKind::FileTooLarge => (
                "io.too_large",
                "Файл слишком большой.",
                "The file is too large.",
            ),
            _ => ("io.read", "Файл не читается.", "The file cannot be read."),
        };
        Failure {
            code,
            message: e.to_string(),
            hint_ru: ru.into(),
            hint_en: en.into(),
            path: Some(path.display().to_string()),
            exit: EXIT_USAGE,
        }
    }

    /// A usage problem the argument parser could not see.
    pub(crate) fn usage(message: impl Into<String>, ru: &'static str, en: &'static str) -> Failure {
        Failure {
            code: "cli.usage",
            message: message.into(),
            hint_ru: ru.into(),
            hint_en: en.into(),
            path: None,
            exit: EXIT_USAGE,
        }
    }

    fn hint(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.hint_ru,
            Lang::En => &self.hint_en,
        }
    }

    /// `{"error": {"code", "message", "hint", "path", "exit"}}`.
    pub(crate) fn to_json(&self, lang: Lang) -> Value {
        json!({"error": {
            "code": self.code,
            "message": self.message,
            "hint": self.hint(lang),
            "path": self.path,
            "exit": self.exit,
        }})
    }

    /// `chek: PATH: MESSAGE [code]` and the hint on the next line.
    pub(crate) fn to_text(&self, lang: Lang) -> String {
        format!("chek: {self} [{}]\n  {}", self.code, self.hint(lang))
    }
}

/// Any `io::Error` reaching `main` as a [`Failure`]: its own if it carries one, otherwise a
/// generic one (exit 2, as before).
pub(crate) fn classify(e: io::Error) -> Failure {
    if e.get_ref().is_some_and(|x| x.is::<Failure>()) {
        if let Some(inner) = e.into_inner()
            && let Ok(f) = inner.downcast::<Failure>()
        {
            return *f;
        }
        unreachable!("checked to be a Failure");
    }
    let code = match e.kind() {
        io::ErrorKind::NotFound => "io.not_found",
        io::ErrorKind::PermissionDenied => "io.permission",
        io::ErrorKind::InvalidData => "io.not_text",
        _ => "io.error",
    };
    Failure {
        code,
        message: chek::store::redact(&e.to_string()),
        hint_ru: "Проверьте аргументы и файлы команды.".into(),
        hint_en: "Check the command's arguments and files.".into(),
        path: None,
        exit: EXIT_USAGE,
    }
}

/// `--json` and `--lang` as given on the command line, for a failure that happens before (or
/// outside) a command's own output.
pub(crate) fn output_prefs(args: &[String]) -> (bool, Lang) {
    let json = args.iter().any(|a| a == "--json");
    let mut lang = Lang::Ru;
    for (i, a) in args.iter().enumerate() {
        let v = if a == "--lang" {
            args.get(i + 1).map(String::as_str)
        } else {
            a.strip_prefix("--lang=")
        };
        if let Some(l) = v.and_then(|v| v.parse::<Lang>().ok()) {
            lang = l;
        }
    }
    (json, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_failures_split_by_what_helps() {
        let f = Failure::store(&StoreError::Busy("x".into()), "a.sqlite");
        assert_eq!((f.code, f.exit), ("store.busy", EXIT_RETRY));
        let f = Failure::store(&StoreError::Corrupt("x".into()), "a.sqlite");
        assert_eq!(f.exit, EXIT_OPERATOR);
        // A tampered ledger is not "try again later": running again finds the same break.
        let f = Failure::store(&StoreError::ChainBroken("x".into()), "a.sqlite");
        assert_eq!((f.code, f.exit), ("store.chain_broken", EXIT_OPERATOR));
        let f = Failure::store(&StoreError::NotFound("a".into()), "postgres://u:pw@h/db");
        assert_eq!(f.exit, EXIT_USAGE);
        assert!(!f.to_text(Lang::En).contains("pw"));
        let e = classify(f.into());
        assert_eq!(e.code, "store.not_found");
        assert_eq!(classify(io::Error::other("x")).exit, EXIT_USAGE);
        let args: Vec<String> = ["chek", "report", "--json", "--lang", "en"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(output_prefs(&args), (true, Lang::En));
    }
}
