//! Reading a `--db` target, and showing it without its password.

/// Where a ledger lives.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A PostgreSQL connection string (`postgres://…` or `postgresql://…`).
    Postgres(String),
    /// An SQLite file.
    SqliteFile(String),
    /// An in-memory SQLite database.
    SqliteMemory,
}

impl Target {
    pub(crate) fn parse(s: &str) -> Target {
        let t = s.trim();
        let lower = t.get(..13).unwrap_or(t).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Target::Postgres(t.to_owned());
        }
        let path = t
            .strip_prefix("sqlite://")
            .or_else(|| t.strip_prefix("sqlite:"))
            .unwrap_or(t);
        if path == ":memory:" || path.is_empty() {
            Target::SqliteMemory
        } else {
            Target::SqliteFile(path.to_owned())
        }
    }
}

/// The target with any password replaced by `***` (URL userinfo and `password=` parameters).
/// Works on any text: every URL in an error message is redacted, wherever it stands.
///
/// ```
/// assert_eq!(chek_store::redact("postgres://app:s3cret@db:5432/chek"), "postgres://app:***@db:5432/chek");
/// assert_eq!(chek_store::redact("postgres://db/chek?password=s3cret&x=1"), "postgres://db/chek?password=***&x=1");
/// assert_eq!(chek_store::redact("chek.sqlite"), "chek.sqlite");
/// assert_eq!(
///     chek_store::redact("a: postgres://u:p1@h/x, b: 'postgresql://v:p2@h'"),
///     "a: postgres://u:***@h/x, b: 'postgresql://v:***@h'"
/// );
/// ```
pub fn redact(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    let mut rest = target;
    // Every `scheme://user:password@host`: the password goes, wherever the URL stands.
    while let Some(i) = rest.find("://") {
        let auth_start = i + 3;
        out.push_str(&rest[..auth_start]);
        let after = &rest[auth_start..];
        let auth_end = after
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '`') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..auth_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..=colon]);
                out.push_str("***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &after[auth_end..];
    }
    out.push_str(rest);
    // Every `password=…` (URL parameters and key=value connection strings).
    let mut from = 0;
    loop {
        let lower = out.to_ascii_lowercase();
        let Some(i) = lower[from..].find("password=").map(|i| from + i) else {
            break;
        };
        let start = i + "password=".len();
        let end = out[start..]
            .find(|c: char| matches!(c, '&' | '"' | '\'' | ',' | ')') || c.is_whitespace())
            .map_or(out.len(), |j| start + j);
        out.replace_range(start..end, "***");
        from = start + 3;
    }
    out
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Postgres(u) => write!(f, "Postgres({:?})", redact(u)),
            Target::SqliteFile(p) => write!(f, "SqliteFile({p:?})"),
            Target::SqliteMemory => f.write_str("SqliteMemory"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(Target::parse("sqlite::memory:"), Target::SqliteMemory);
        assert_eq!(Target::parse(":memory:"), Target::SqliteMemory);
        assert_eq!(
            Target::parse("sqlite:chek.db"),
            Target::SqliteFile("chek.db".into())
        );
        assert_eq!(
            Target::parse("/tmp/x.sqlite"),
            Target::SqliteFile("/tmp/x.sqlite".into())
        );
        assert!(matches!(
            Target::parse("PostgreSQL://u@h/db"),
            Target::Postgres(_)
        ));
        let dbg = format!("{:?}", Target::parse("postgres://u:pw@h/db"));
        assert!(!dbg.contains("pw"), "{dbg}");
    }

    #[test]
    fn redacts_odd_inputs_without_panicking() {
        for s in [
            "",
            "://",
            "postgres://@",
            "postgres://a:b@",
            "password=",
            "x://é:é@é",
        ] {
            let r = redact(s);
            assert!(!r.contains("b@"), "{r}");
        }
        assert_eq!(
            redact("host=db password=pw user=u"),
            "host=db password=*** user=u"
        );
    }
}
