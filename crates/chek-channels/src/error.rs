//! Everything that can go wrong talking to a messaging channel, with stable codes.

use std::borrow::Cow;
use std::time::Duration;

use chek_core::{Coded, Lang};

/// A failed channel call. The code says what happened; [`retryable`](Self::retryable) whether
/// the same call may succeed later and [`retry_after`](Self::retry_after) how long the service
/// asked to wait. Messages carry the service's own description (shortened), never the token.
///
/// ```
/// use chek_channels::ChannelError;
/// use chek_core::Coded;
/// use std::time::Duration;
/// let e = ChannelError::RateLimited { retry_after: Some(Duration::from_secs(3)), description: "Too Many Requests".into() };
/// assert_eq!(e.code(), "channel.rate_limited");
/// assert!(e.retryable());
/// assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
/// assert!(!ChannelError::Blocked("Forbidden: bot was blocked by the user".into()).retryable());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The token was refused (HTTP 401, or 404 on a method: no such bot).
    #[error("the credentials were refused (HTTP {status}): {description}")]
    Unauthorized {
        /// 401 or 404.
        status: u16,
        /// The service's description.
        description: String,
    },
    /// Too many requests (HTTP 429): wait `retry_after` (from the body's
    /// `parameters.retry_after`, else the `Retry-After` header) before the next call.
    #[error("rate limited{}: {description}", retry_after.map(|d| format!(" for {} s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long the service asked to wait, when it said.
        retry_after: Option<Duration>,
        /// The service's description.
        description: String,
    },
    /// The user blocked the bot, deleted the account, or the chat cannot be written to
    /// (HTTP 403). Sending again will not help.
    #[error("the recipient cannot be reached (HTTP 403): {0}")]
    Blocked(String),
    /// The service refused the request (HTTP 400 or another 4xx): a wrong chat, file id, an
    /// expired file path…
    #[error("the request was rejected (HTTP {status}): {description}")]
    Rejected {
        /// The HTTP status (or the Bot API's `error_code`).
        status: u16,
        /// The service's description.
        description: String,
    },
    /// The service could not be reached or failed (HTTP 5xx, connection refused…).
    #[error("the service is unavailable: {0}")]
    Unavailable(String),
    /// No complete answer within the timeout.
    #[error("the service did not answer in time: {0}")]
    Timeout(String),
    /// An answer that is not the Bot API's JSON, or `ok: false` with no known cause.
    #[error("the service's answer is unusable: {0}")]
    BadResponse(String),
    /// A message longer than the channel takes, refused before sending.
    #[error("the message is too long: {units} units, the channel takes at most {max}")]
    TooLong {
        /// The text's length: UTF-16 code units for Telegram, segments for SMS, characters for a call.
        units: usize,
        /// The limit.
        max: usize,
    },
    /// A file (or webhook body) over the cap, refused before or while receiving it.
    #[error("{what} is larger than {max} bytes{}", size.map(|s| format!(" ({s} bytes)")).unwrap_or_default())]
    TooLarge {
        /// What was too large (`"the file"`, `"the update"`).
        what: &'static str,
        /// Its size, when known in advance.
        size: Option<u64>,
        /// The cap.
        max: u64,
    },
    /// A bad configuration or argument (base URL, token shape, empty text, a file without a
    /// path…), found before anything was sent.
    #[error("invalid: {0}")]
    Invalid(String),
}

impl ChannelError {
    /// Whether the same call may succeed if made again later: rate limits, outages and
    /// timeouts. Refusals, blocked users, bad input and oversized content are final.
    ///
    /// ```
    /// use chek_channels::ChannelError;
    /// assert!(ChannelError::Unavailable("HTTP 502".into()).retryable());
    /// assert!(!ChannelError::TooLong { units: 5000, max: 4096 }.retryable());
    /// ```
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            ChannelError::RateLimited { .. }
                | ChannelError::Unavailable(_)
                | ChannelError::Timeout(_)
        )
    }

    /// How long the service asked to wait before the next call (rate limits only).
    ///
    /// ```
    /// use chek_channels::ChannelError;
    /// assert_eq!(ChannelError::Timeout("t".into()).retry_after(), None);
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ChannelError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl Coded for ChannelError {
    fn code(&self) -> &'static str {
        match self {
            ChannelError::Unauthorized { .. } => "channel.unauthorized",
            ChannelError::RateLimited { .. } => "channel.rate_limited",
            ChannelError::Blocked(_) => "channel.blocked",
            ChannelError::Rejected { .. } => "channel.rejected",
            ChannelError::Unavailable(_) => "channel.unavailable",
            ChannelError::Timeout(_) => "channel.timeout",
            ChannelError::BadResponse(_) => "channel.bad_response",
            ChannelError::TooLong { .. } => "channel.too_long",
            ChannelError::TooLarge { .. } => "channel.too_large",
            ChannelError::Invalid(_) => "channel.invalid",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        let ru = lang == Lang::Ru;
        Cow::Borrowed(match self {
            ChannelError::Unauthorized { .. } if ru => {
                "Учётные данные не приняты (токен бота, ключ SMS-шлюза, ключ или пароль телефонии): проверьте их и переменную окружения."
            }
            ChannelError::Unauthorized { .. } => {
                "The credentials were refused (the bot token, the SMS gateway's key, the telephony key or password): check them and the environment variable."
            }
            ChannelError::RateLimited { .. } if ru => {
                "Слишком много сообщений: подождите указанное время и повторите."
            }
            ChannelError::RateLimited { .. } => {
                "Too many messages: wait the given time, then try again."
            }
            ChannelError::Blocked(_) if ru => {
                "Пользователь заблокировал бота или удалил аккаунт: писать ему больше нельзя."
            }
            ChannelError::Blocked(_) => {
                "The user blocked the bot or deleted the account: it cannot write to them any more."
            }
            ChannelError::Rejected { .. } if ru => {
                "Канал отклонил запрос: проверьте получателя, файл и текст сообщения."
            }
            ChannelError::Rejected { .. } => {
                "The channel rejected the request: check the recipient, the file and the text."
            }
            ChannelError::Unavailable(_) if ru => {
                "Канал сейчас недоступен. Попробуйте ещё раз чуть позже."
            }
            ChannelError::Unavailable(_) => {
                "The channel is unavailable right now. Please try again a little later."
            }
            ChannelError::Timeout(_) if ru => {
                "Канал не ответил вовремя. Попробуйте ещё раз чуть позже."
            }
            ChannelError::Timeout(_) => {
                "The channel did not answer in time. Please try again a little later."
            }
            ChannelError::BadResponse(_) if ru => {
                "Канал ответил непонятно. Проверьте адрес сервера (Bot API, SMS-шлюз)."
            }
            ChannelError::BadResponse(_) => {
                "The channel's answer was not understood. Check the server address (Bot API, SMS gateway)."
            }
            ChannelError::TooLong { .. } if ru => {
                "Сообщение слишком длинное: сократите его (Telegram — до 4096 символов, SMS — до 8 частей, текст звонка — до 1000 символов)."
            }
            ChannelError::TooLong { .. } => {
                "The message is too long: shorten it (Telegram takes 4096 characters, an SMS 8 segments, a call's text 1000 characters)."
            }
            ChannelError::TooLarge { .. } if ru => {
                "Файл слишком большой. Пришлите фото чека поменьше или сжатое."
            }
            ChannelError::TooLarge { .. } => {
                "The file is too large. Please send a smaller or compressed photo of the receipt."
            }
            ChannelError::Invalid(_) if ru => {
                "Неверные настройки или аргументы канала: исправьте их и повторите."
            }
            ChannelError::Invalid(_) => {
                "Invalid channel settings or arguments: correct them and try again."
            }
        })
    }
}
