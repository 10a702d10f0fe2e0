//! The Bot API client: [`AsyncTelegram`] on reqwest's async client, and the blocking
//! [`Telegram`] facade that runs the same futures on a one-worker runtime of its own.
//!
//! One call is one HTTP exchange: no retries here (an outbox or dispatcher decides, guided by
//! [`ChannelError::retryable`] and [`ChannelError::retry_after`]).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, RequestBuilder, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::time::{Instant, timeout_at};

use crate::types::{File, Message, Update, check_text};
use crate::{ChannelError, TelegramConfig};

/// The largest method answer read (a `getUpdates` batch of 100 is far smaller).
const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;
/// The largest error body read from a file download.
const MAX_ERROR_BYTES: u64 = 64 * 1024;
/// Descriptions from the service are shortened to this many characters in errors.
const MAX_DESCRIPTION_CHARS: usize = 300;

/// The Telegram Bot API, async: await its methods on a **tokio** runtime with time and I/O
/// enabled (any flavour). Cheap to clone (the connection pool is shared). `Debug` shows the
/// base URL, never the token.
///
/// ```no_run
/// use chek_channels::{AsyncTelegram, TelegramConfig};
///
/// async fn reply_to_all(bot: &AsyncTelegram, offset: Option<i64>) -> Result<Option<i64>, chek_channels::ChannelError> {
///     let updates = bot.get_updates(offset, 100, None).await?;
///     for m in updates.iter().filter_map(|u| u.message()) {
///         bot.send_message(m.chat.id, "Чек принят").await?;
///     }
///     Ok(chek_channels::next_offset(&updates, offset))
/// }
/// let bot = AsyncTelegram::new(TelegramConfig::from_env("BOT_TOKEN")?)?;
/// # let _ = reply_to_all;
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
#[derive(Clone)]
pub struct AsyncTelegram {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    config: TelegramConfig,
    client: Client,
}

impl fmt::Debug for AsyncTelegram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncTelegram")
            .field("base_url", &self.inner.base)
            .field("token", &self.inner.config.token)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    result: Option<serde_json::Value>,
    #[serde(default)]
    error_code: Option<i64>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    #[serde(default)]
    retry_after: Option<u64>,
}

/// What one exchange brought back.
struct Reply {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// Whether a request was a method call or a file download (a 404 means a bad token for the
/// former, a missing or expired file for the latter).
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Method,
    File,
}

impl AsyncTelegram {
    /// A client with these settings (checked by [`TelegramConfig::validate`]).
    ///
    /// ```
    /// use chek_channels::{AsyncTelegram, Secret, TelegramConfig};
    /// use chek_core::Coded;
    /// let bot = AsyncTelegram::new(TelegramConfig::new(Secret::new("123:SECRET")))?;
    /// assert!(!format!("{bot:?}").contains("SECRET"));
    /// let bad = TelegramConfig::new(Secret::new("123:SECRET")).with_base_url("ftp://x");
    /// assert_eq!(AsyncTelegram::new(bad).unwrap_err().code(), "channel.invalid");
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn new(config: TelegramConfig) -> Result<Self, ChannelError> {
        config.validate()?;
        let base = config.normalized_base()?;
        let client = Client::builder()
            .connect_timeout(config.timeout)
            // A redirect would repeat the token-bearing path elsewhere: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ChannelError::Unavailable(format!(
                    "the HTTP client could not be created: {}",
                    e.without_url()
                ))
            })?;
        Ok(AsyncTelegram {
            inner: Arc::new(Inner {
                base,
                config,
                client,
            }),
        })
    }

    /// The settings it was built with (the token stays a [`Secret`](crate::Secret)).
    ///
    /// ```
    /// use chek_channels::{AsyncTelegram, Secret, TelegramConfig};
    /// let bot = AsyncTelegram::new(TelegramConfig::new(Secret::new("1:x")))?;
    /// assert_eq!(bot.config().max_download, chek_channels::MAX_DOWNLOAD_BYTES);
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn config(&self) -> &TelegramConfig {
        &self.inner.config
    }

    /// `getUpdates`: the updates after `offset` (pass [`next_offset`](crate::next_offset) of
    /// the previous batch; sending it also confirms the earlier ones to Telegram), at most
    /// `limit` (1–100), waiting up to `timeout` on the server (`None`: the config's
    /// `poll_timeout`; zero: a short poll). The HTTP timeout is the config's `timeout` on top of
    /// the wait. An update of a kind the bot does not read comes back with no message, so the
    /// offset still advances past it.
    ///
    /// ```no_run
    /// # async fn f(bot: chek_channels::AsyncTelegram) -> Result<(), chek_channels::ChannelError> {
    /// let updates = bot.get_updates(Some(101), 100, Some(std::time::Duration::from_secs(30))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_updates(
        &self,
        offset: Option<i64>,
        limit: u32,
        timeout: Option<Duration>,
    ) -> Result<Vec<Update>, ChannelError> {
        if !(1..=100).contains(&limit) {
            return Err(ChannelError::Invalid(format!(
                "limit must be 1 to 100, got {limit}"
            )));
        }
        let poll = timeout.unwrap_or(self.inner.config.poll_timeout);
        self.inner.config.check_poll(poll)?;
        let mut body = serde_json::json!({ "limit": limit, "timeout": poll.as_secs() });
        if let (Some(o), Some(map)) = (offset, body.as_object_mut()) {
            map.insert("offset".into(), o.into());
        }
        let wait = self.inner.config.timeout.saturating_add(poll);
        let raw: Vec<serde_json::Value> = self.call("getUpdates", &body, wait).await?;
        raw.into_iter().map(Update::from_value).collect()
    }

    /// `getFile`: where to download a photo or document (`file_id` from a
    /// [`PhotoSize`](crate::PhotoSize) or [`Document`](crate::Document)).
    ///
    /// ```no_run
    /// # async fn f(bot: chek_channels::AsyncTelegram) -> Result<(), chek_channels::ChannelError> {
    /// let file = bot.get_file("AgACAgIAAxkBAAIB").await?;
    /// let bytes = bot.download(&file).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_file(&self, file_id: &str) -> Result<File, ChannelError> {
        if file_id.is_empty() || file_id.len() > 512 || file_id.chars().any(char::is_control) {
            return Err(ChannelError::Invalid(
                "file_id must be 1 to 512 printable characters".into(),
            ));
        }
        let body = serde_json::json!({ "file_id": file_id });
        self.call("getFile", &body, self.inner.config.timeout).await
    }

    /// Downloads a file `getFile` described, from `{base}/file/bot{token}/{file_path}`, at most
    /// the config's `max_download` bytes: refused before the request when `file_size` (or the
    /// answer's `Content-Length`) is over it, cut off as soon as the body passes it otherwise.
    ///
    /// ```no_run
    /// # async fn f(bot: chek_channels::AsyncTelegram, file: chek_channels::File) -> Result<(), chek_channels::ChannelError> {
    /// let jpeg = bot.download(&file).await?;
    /// # Ok(()) }
    /// ```
    pub async fn download(&self, file: &File) -> Result<Vec<u8>, ChannelError> {
        let max = self.inner.config.max_download;
        let too_large = |size| ChannelError::TooLarge {
            what: "the file",
            size,
            max,
        };
        if let Some(size) = file.file_size.filter(|s| *s > max) {
            return Err(too_large(Some(size)));
        }
        let path = file
            .file_path
            .as_deref()
            .ok_or_else(|| ChannelError::Invalid("the file has no file_path".into()))?;
        check_file_path(path)?;
        let url = format!(
            "{}/file/bot{}/{path}",
            self.inner.base,
            self.inner.config.token.expose()
        );
        let wait = self.inner.config.timeout;
        let request = self.inner.client.get(url).timeout(wait);
        let cap = |s: StatusCode| {
            if s.is_success() { max } else { MAX_ERROR_BYTES }
        };
        let reply = self
            .exchange(request, wait, cap)
            .await
            .map_err(|over| match over {
                Fail::Over(size) => too_large(size),
                Fail::Err(e) => e,
            })?;
        if reply.status.is_success() {
            return Ok(reply.body);
        }
        Err(self.failure(&reply, Target::File))
    }

    /// `sendMessage` with plain text (no parse mode), answering the sent message. Blank text
    /// and text over [`MAX_MESSAGE_UNITS`](crate::MAX_MESSAGE_UNITS) UTF-16 units are refused
    /// before any request.
    ///
    /// ```no_run
    /// # async fn f(bot: chek_channels::AsyncTelegram) -> Result<(), chek_channels::ChannelError> {
    /// let sent = bot.send_message(123456789, "Чек принят, спасибо!").await?;
    /// println!("{}", sent.message_id);
    /// # Ok(()) }
    /// ```
    pub async fn send_message(&self, chat_id: i64, text: &str) -> Result<Message, ChannelError> {
        check_text(text)?;
        let body = serde_json::json!({ "chat_id": chat_id, "text": text });
        self.call("sendMessage", &body, self.inner.config.timeout)
            .await
    }

    /// POSTs `body` as JSON to `{base}/bot{token}/{method}` and reads `result`.
    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &serde_json::Value,
        wait: Duration,
    ) -> Result<T, ChannelError> {
        let url = format!(
            "{}/bot{}/{method}",
            self.inner.base,
            self.inner.config.token.expose()
        );
        let request = self.inner.client.post(url).json(body).timeout(wait);
        let reply = self
            .exchange(request, wait, |_| MAX_RESPONSE_BYTES)
            .await
            .map_err(|over| match over {
                Fail::Over(_) => ChannelError::BadResponse(format!(
                    "{method}: an answer over {MAX_RESPONSE_BYTES} bytes"
                )),
                Fail::Err(e) => e,
            })?;
        let envelope = serde_json::from_slice::<Envelope>(&reply.body).ok();
        match envelope {
            Some(Envelope {
                ok: true,
                result: Some(result),
                ..
            }) if reply.status.is_success() => serde_json::from_value(result).map_err(|e| {
                ChannelError::BadResponse(
                    self.scrub(format!("{method}: an unexpected result: {e}")),
                )
            }),
            _ => Err(self.failure(&reply, Target::Method)),
        }
    }

    /// The error an unsuccessful answer stands for.
    fn failure(&self, reply: &Reply, target: Target) -> ChannelError {
        let envelope = serde_json::from_slice::<Envelope>(&reply.body).ok();
        let status = reply.status.as_u16();
        let (code, description, retry_after) = match envelope {
            Some(e) => {
                let code = e
                    .error_code
                    .and_then(|c| u16::try_from(c).ok())
                    .filter(|c| (400..600).contains(c))
                    .or((status >= 400).then_some(status));
                let after = e
                    .parameters
                    .and_then(|p| p.retry_after)
                    .map(Duration::from_secs)
                    .or(reply.retry_after);
                let description = e.description.unwrap_or_default();
                match code {
                    Some(c) => (c, description, after),
                    None => {
                        return ChannelError::BadResponse(self.scrub(format!(
                            "HTTP {status} with ok={} and no error code: {description}",
                            e.ok
                        )));
                    }
                }
            }
            None if status >= 400 => (status, String::new(), reply.retry_after),
            None => {
                return ChannelError::BadResponse(format!(
                    "HTTP {status} with a body that is not the Bot API's JSON ({} bytes)",
                    reply.body.len()
                ));
            }
        };
        let description = if description.is_empty() {
            format!("HTTP {status}")
        } else {
            self.scrub(description.chars().take(MAX_DESCRIPTION_CHARS).collect())
        };
        match code {
            401 => ChannelError::Unauthorized {
                status: code,
                description,
            },
            404 if target == Target::Method => ChannelError::Unauthorized {
                status: code,
                description,
            },
            403 => ChannelError::Blocked(description),
            429 => ChannelError::RateLimited {
                retry_after,
                description,
            },
            500..=599 => ChannelError::Unavailable(format!("HTTP {code}: {description}")),
            _ => ChannelError::Rejected {
                status: code,
                description,
            },
        }
    }

    /// Sends the request and reads the body, at most `cap(status)` bytes, all within `wait`.
    async fn exchange(
        &self,
        request: RequestBuilder,
        wait: Duration,
        cap: impl Fn(StatusCode) -> u64,
    ) -> Result<Reply, Fail> {
        // reqwest's per-request timeout covers the body too; this deadline makes the bound
        // ours whatever the client does.
        let deadline = Instant::now() + wait;
        let timed_out = || {
            Fail::Err(ChannelError::Timeout(format!(
                "no complete answer within {:.1} s",
                wait.as_secs_f64()
            )))
        };
        let mut resp = timeout_at(deadline, request.send())
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| Fail::Err(self.transport(e)))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let limit = cap(status);
        if let Some(n) = resp.content_length().filter(|n| *n > limit) {
            return Err(Fail::Over(Some(n)));
        }
        let mut body = Vec::new();
        loop {
            let chunk = timeout_at(deadline, resp.chunk())
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| Fail::Err(self.transport(e)))?;
            let Some(chunk) = chunk else { break };
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(Fail::Over(None));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply {
            status,
            retry_after,
            body,
        })
    }

    /// A transport failure, without the URL (it holds the token).
    fn transport(&self, e: reqwest::Error) -> ChannelError {
        if e.is_timeout() {
            ChannelError::Timeout("no complete answer within the timeout".into())
        } else if e.is_connect() {
            ChannelError::Unavailable("could not connect".into())
        } else {
            ChannelError::Unavailable(self.scrub(format!("request failed: {}", e.without_url())))
        }
    }

    /// The text with the token masked, wherever it might have crept in.
    fn scrub(&self, text: String) -> String {
        let token = self.inner.config.token.expose();
        if token.is_empty() || !text.contains(token) {
            text
        } else {
            text.replace(token, "***")
        }
    }
}

enum Fail {
    /// The body passed the cap (its announced size, if there was one).
    Over(Option<u64>),
    Err(ChannelError),
}

/// A `file_path` safe to append to the file URL: relative, no `..`, no query or fragment.
fn check_file_path(path: &str) -> Result<(), ChannelError> {
    let bad = path.is_empty()
        || path.len() > 1024
        || path.starts_with('/')
        || path.split('/').any(|seg| seg == ".." || seg == ".")
        || path
            .chars()
            .any(|c| matches!(c, '?' | '#' | '\\') || c.is_whitespace() || c.is_control());
    if bad {
        return Err(ChannelError::Invalid(format!(
            "file_path {:?} is not a relative Bot API file path (a local Bot API server in --local mode gives absolute paths: read those from disk)",
            path.chars().take(120).collect::<String>()
        )));
    }
    Ok(())
}

/// The Telegram Bot API, blocking: for scripts, the CLI and the Python binding. It runs
/// [`AsyncTelegram`]'s futures on a one-worker runtime it owns (with its own connection pool);
/// many threads may call it at once. Called from inside an async runtime it still works (on a
/// scoped helper thread) but blocks that worker: use [`AsyncTelegram`] there. `Debug` shows no
/// token.
///
/// ```
/// use chek_channels::{Secret, Telegram, TelegramConfig};
/// use chek_core::Coded;
/// let bot = Telegram::new(TelegramConfig::new(Secret::new("123:SECRET")))?;
/// assert!(!format!("{bot:?}").contains("SECRET"));
/// // Checked before any request: no network needed.
/// assert_eq!(bot.send_message(1, &"x".repeat(5000)).unwrap_err().code(), "channel.too_long");
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub struct Telegram {
    client: AsyncTelegram,
    runtime: OwnedRuntime,
}

impl fmt::Debug for Telegram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Telegram")
            .field("base_url", &self.client.inner.base)
            .field("token", &self.client.inner.config.token)
            .finish_non_exhaustive()
    }
}

/// A runtime that shuts down in the background when dropped, so dropping the facade inside
/// async code never panics.
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Telegram {
    /// A blocking client with these settings: starts its one-worker runtime.
    ///
    /// ```
    /// use chek_channels::{Secret, Telegram, TelegramConfig};
    /// let bot = Telegram::new(TelegramConfig::new(Secret::new("1:x")).with_base_url("http://127.0.0.1:9"))?;
    /// assert_eq!(bot.config().base_url, "http://127.0.0.1:9");
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn new(config: TelegramConfig) -> Result<Self, ChannelError> {
        config.validate()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("chek-channels")
            .enable_all()
            .build()
            .map_err(|e| ChannelError::Unavailable(format!("no async runtime: {e}")))?;
        // Built inside the runtime, so anything the client sets up belongs to it.
        let client = {
            let _in = runtime.enter();
            AsyncTelegram::new(config)?
        };
        Ok(Telegram {
            client,
            runtime: OwnedRuntime(Some(runtime)),
        })
    }

    /// The settings it was built with.
    ///
    /// ```
    /// use chek_channels::{Secret, Telegram, TelegramConfig};
    /// let bot = Telegram::new(TelegramConfig::new(Secret::new("1:x")))?;
    /// assert_eq!(bot.config().base_url, chek_channels::TELEGRAM_API_URL);
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn config(&self) -> &TelegramConfig {
        self.client.config()
    }

    /// [`AsyncTelegram::get_updates`], blocking.
    ///
    /// ```no_run
    /// # let bot = chek_channels::Telegram::new(chek_channels::TelegramConfig::from_env("BOT_TOKEN")?)?;
    /// let updates = bot.get_updates(None, 100, None)?;
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn get_updates(
        &self,
        offset: Option<i64>,
        limit: u32,
        timeout: Option<Duration>,
    ) -> Result<Vec<Update>, ChannelError> {
        self.run(self.client.get_updates(offset, limit, timeout))
    }

    /// [`AsyncTelegram::get_file`], blocking.
    ///
    /// ```no_run
    /// # let bot = chek_channels::Telegram::new(chek_channels::TelegramConfig::from_env("BOT_TOKEN")?)?;
    /// let file = bot.get_file("AgACAgIAAxkBAAIB")?;
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn get_file(&self, file_id: &str) -> Result<File, ChannelError> {
        self.run(self.client.get_file(file_id))
    }

    /// [`AsyncTelegram::download`], blocking.
    ///
    /// ```no_run
    /// # let bot = chek_channels::Telegram::new(chek_channels::TelegramConfig::from_env("BOT_TOKEN")?)?;
    /// let bytes = bot.download(&bot.get_file("AgACAgIAAxkBAAIB")?)?;
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn download(&self, file: &File) -> Result<Vec<u8>, ChannelError> {
        self.run(self.client.download(file))
    }

    /// [`AsyncTelegram::send_message`], blocking.
    ///
    /// ```no_run
    /// # let bot = chek_channels::Telegram::new(chek_channels::TelegramConfig::from_env("BOT_TOKEN")?)?;
    /// bot.send_message(123456789, "Чек принят")?;
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn send_message(&self, chat_id: i64, text: &str) -> Result<Message, ChannelError> {
        self.run(self.client.send_message(chat_id, text))
    }

    /// Runs a future on the facade's runtime; inside an async context (where `block_on` would
    /// panic) on a scoped thread.
    fn run<T, F>(&self, fut: F) -> Result<T, ChannelError>
    where
        T: Send,
        F: Future<Output = Result<T, ChannelError>> + Send,
    {
        let Some(rt) = self.runtime.0.as_ref() else {
            return Err(ChannelError::Unavailable(
                "the blocking client was shut down".into(),
            ));
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return rt.block_on(fut);
        }
        std::thread::scope(|s| {
            s.spawn(|| rt.block_on(fut)).join().unwrap_or_else(|_| {
                Err(ChannelError::Unavailable(
                    "the channel thread failed".into(),
                ))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths() {
        assert!(check_file_path("photos/file_1.jpg").is_ok());
        for bad in [
            "",
            "/abs/x.jpg",
            "../x",
            "a/../b",
            "a?b",
            "a#b",
            "a b",
            "a\\b",
        ] {
            assert!(check_file_path(bad).is_err(), "{bad:?}");
        }
    }
}
