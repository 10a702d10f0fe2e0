//! The one error type of the ledger. Backend errors (`rusqlite`, `postgres`) are converted to the
//! few kinds a caller can act on; their text is kept, connection strings never are.

use std::borrow::Cow;

use chek_core::{Coded, Lang};

/// What went wrong in the ledger.
///
/// ```
/// use chek_core::{Coded, Lang};
/// use chek_store::StoreError;
/// let e = StoreError::Busy("database is locked".into());
/// assert_eq!(e.code(), "store.busy");
/// assert!(e.hint(Lang::En).contains("again"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be opened or reached (bad path, server down, bad credentials).
    #[error("the ledger could not be opened: {0}")]
    Open(String),
    /// A schema migration failed, or the database was written by a newer chek.
    #[error("the ledger schema could not be migrated: {0}")]
    Migrate(String),
    /// The database stayed locked or the transaction kept conflicting after the bounded retries.
    #[error("the ledger is busy: {0}")]
    Busy(String),
    /// The write would break a ledger rule: a receipt accepted twice, an idempotency key reused by
    /// another participant, a draw period recorded twice.
    #[error("ledger conflict: {0}")]
    Conflict(String),
    /// The backend failed (I/O, a lost connection, an SQL error).
    #[error("ledger backend error: {0}")]
    Backend(String),
    /// A stored value could not be read back (hand-edited or damaged database).
    #[error("ledger data is corrupt: {0}")]
    Corrupt(String),
    /// The caller passed something the ledger cannot store (an unparsable QR string).
    #[error("invalid ledger input: {0}")]
    Invalid(String),
    /// The target names a backend this build does not include (feature `sqlite` or `postgres`).
    #[error("this build of chek has no {0} ledger backend")]
    Unsupported(&'static str),
    /// No ledger at that path, and the caller did not ask to create one (a typo in `--db`).
    #[error("no ledger at {0}")]
    NotFound(String),
    /// The file is an SQLite database, but not a chek ledger: it is left untouched.
    #[error("not a chek ledger: {0}")]
    Foreign(String),
    /// The hash chain over the append-only records is broken: rows were edited, deleted,
    /// reordered or inserted outside chek ([`Ledger::verify_chain`](crate::Ledger::verify_chain)).
    #[error("the ledger's hash chain is broken: {0}")]
    ChainBroken(String),
}

impl StoreError {
    /// Whether the same call may succeed later without anyone changing anything (a busy or
    /// unreachable database), as opposed to a bad target, a damaged ledger or a rule broken.
    ///
    /// ```
    /// use chek_store::StoreError;
    /// assert!(StoreError::Busy("locked".into()).is_transient());
    /// assert!(!StoreError::Corrupt("bad row".into()).is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Busy(_) | StoreError::Open(_) | StoreError::Backend(_)
        )
    }
}

impl Coded for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Open(_) => "store.open",
            StoreError::Migrate(_) => "store.migrate",
            StoreError::Busy(_) => "store.busy",
            StoreError::Conflict(_) => "store.conflict",
            StoreError::Backend(_) => "store.backend",
            StoreError::Corrupt(_) => "store.corrupt",
            StoreError::Invalid(_) => "store.invalid",
            StoreError::Unsupported(_) => "store.unsupported",
            StoreError::NotFound(_) => "store.not_found",
            StoreError::Foreign(_) => "store.foreign",
            StoreError::ChainBroken(_) => "store.chain_broken",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let (ru, en) = match self {
            StoreError::Open(_) => (
                "Не удалось открыть базу данных акции. Проверьте путь или адрес сервера и права доступа.",
                "The campaign database could not be opened. Check the path or server address and the access rights.",
            ),
            StoreError::Migrate(_) => (
                "Не удалось обновить схему базы данных акции. Возможно, база создана более новой версией chek.",
                "The campaign database schema could not be updated. It may have been created by a newer chek.",
            ),
            StoreError::Busy(_) => (
                "База данных акции сейчас занята. Повторите попытку чуть позже.",
                "The campaign database is busy right now. Try again in a moment.",
            ),
            StoreError::Conflict(_) => (
                "Запись противоречит уже сохранённым данным (чек или розыгрыш уже учтён).",
                "The write conflicts with what is already stored (the receipt or draw is already recorded).",
            ),
            StoreError::Backend(_) => (
                "Ошибка базы данных акции. Повторите попытку; если ошибка не исчезнет, сообщите оператору.",
                "The campaign database failed. Try again; if it keeps failing, tell the operator.",
            ),
            StoreError::Corrupt(_) => (
                "Данные в базе акции повреждены; нужна проверка оператором.",
                "The campaign database holds damaged data; an operator needs to check it.",
            ),
            StoreError::Invalid(_) => (
                "Данные чека не удалось сохранить: они не похожи на QR-код чека.",
                "The receipt data could not be stored: it does not look like a receipt QR code.",
            ),
            StoreError::Unsupported(_) => (
                "Эта сборка chek не умеет работать с такой базой данных.",
                "This build of chek cannot use that kind of database.",
            ),
            StoreError::NotFound(_) => (
                "Базы данных акции по этому пути нет. Проверьте путь; новую базу создаёт только `chek run` (или `--create`).",
                "There is no campaign database at that path. Check the path; only `chek run` (or `--create`) creates a new one.",
            ),
            StoreError::Foreign(_) => (
                "Этот файл — не база данных chek; он не изменён. Укажите файл базы акции.",
                "This file is not a chek database; it was left unchanged. Name the campaign's database file.",
            ),
            StoreError::ChainBroken(_) => (
                "Цепочка хешей базы акции нарушена: записи изменены, удалены или добавлены в обход chek. Не продолжайте розыгрыш; нужна проверка оператором.",
                "The campaign database's hash chain is broken: records were changed, deleted or added outside chek. Do not go on with a draw; an operator needs to investigate.",
            ),
        };
        Cow::Borrowed(match lang {
            Lang::Ru => ru,
            Lang::En => en,
        })
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy(e.to_string()),
            Some(C::ConstraintViolation) => StoreError::Conflict(e.to_string()),
            Some(C::DatabaseCorrupt | C::NotADatabase) => StoreError::Corrupt(e.to_string()),
            _ => match e {
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::IntegralValueOutOfRange(..) => {
                    StoreError::Corrupt(e.to_string())
                }
                _ => StoreError::Backend(e.to_string()),
            },
        }
    }
}

/// How a failed budget check at a PostgreSQL chain append (SQLSTATE `CK001`) starts its
/// `StoreError::Busy`: the settle is run again on fresh figures.
#[cfg(feature = "postgres")]
pub(crate) const BUDGET_RACE: &str = "budget check at commit:";

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        // `Display` of a postgres error never includes the connection string.
        let text = match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => crate::redact(&e.to_string()),
        };
        match e.code() {
            Some(c) if c.code() == "CK001" => StoreError::Busy(format!("{BUDGET_RACE} {text}")),
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                StoreError::Busy(text)
            }
            Some(c)
                if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::FOREIGN_KEY_VIOLATION =>
            {
                StoreError::Conflict(text)
            }
            Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::QUERY_CANCELED => {
                StoreError::Busy(text)
            }
            _ if e.is_closed() => StoreError::Backend(format!("connection lost: {text}")),
            _ => StoreError::Backend(text),
        }
    }
}

/// A notification batch the planner refuses as a whole (a bad config, a bad event) is bad
/// input to the ledger.
impl From<chek_engage::notify::NotifyError> for StoreError {
    fn from(e: chek_engage::notify::NotifyError) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
