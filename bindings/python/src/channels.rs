//! Messaging channels: `chek.channels.Telegram` (blocking; the GIL is released during each HTTP
//! exchange), `parse_update` for webhooks, and the update types as frozen classes. Failures
//! raise `chek.ChannelError` with `.details = {"retryable": bool, "retry_after": float | None}`.

use std::sync::Arc;
use std::time::Duration;

use chek::channels::{
    self as ch, ChannelError, MAX_DOWNLOAD_BYTES, Secret, TELEGRAM_API_URL, Telegram,
    TelegramConfig,
};
use chrono::{DateTime, NaiveDateTime};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::{json_dict, py_repr};
use crate::errors::{self, OrRaise, Raise, detach_guarded};

impl Raise for ChannelError {
    type Exc = errors::ChannelError;

    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("retryable", self.retryable())?;
        d.set_item("retry_after", self.retry_after().map(|d| d.as_secs_f64()))?;
        Ok(d)
    }
}

/// A Telegram user: `id`, `is_bot`, `first_name`, `last_name`, `username`, `language_code`.
#[pyclass(frozen, eq, module = "chek", name = "User")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyUser(pub(crate) ch::User);

#[pymethods]
impl PyUser {
    /// The user's id.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }
    /// Whether it is a bot.
    #[getter]
    fn is_bot(&self) -> bool {
        self.0.is_bot
    }
    /// First name.
    #[getter]
    fn first_name(&self) -> &str {
        &self.0.first_name
    }
    /// Last name, or `None`.
    #[getter]
    fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// `@username` without the `@`, or `None`.
    #[getter]
    fn username(&self) -> Option<&str> {
        self.0.username.as_deref()
    }
    /// The language of the user's app (`"ru"`, `"en"`…), or `None`.
    #[getter]
    fn language_code(&self) -> Option<&str> {
        self.0.language_code.as_deref()
    }
    /// The Bot API's JSON shape, JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "User", "id" => self.0.id, "first_name" => self.first_name())
    }
}

/// A chat: `id` (where replies go), `type` (`"private"`, `"group"`, `"supergroup"`,
/// `"channel"`), `title`, `username`, `first_name`.
#[pyclass(frozen, eq, module = "chek", name = "Chat")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyChat(pub(crate) ch::Chat);

#[pymethods]
impl PyChat {
    /// The chat id.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }
    /// The chat type.
    #[getter(r#type)]
    fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Title of a group or channel, or `None`.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// `@username` without the `@`, or `None`.
    #[getter]
    fn username(&self) -> Option<&str> {
        self.0.username.as_deref()
    }
    /// First name in a private chat, or `None`.
    #[getter]
    fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// The Bot API's JSON shape, JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Chat", "id" => self.0.id, "type" => self.kind())
    }
}

/// One size of a photo: `file_id` (for `Telegram.get_file`), `file_unique_id`, `width`,
/// `height`, `file_size` (bytes or `None`).
#[pyclass(frozen, eq, module = "chek", name = "PhotoSize")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPhotoSize(pub(crate) ch::PhotoSize);

#[pymethods]
impl PyPhotoSize {
    /// For `Telegram.get_file`.
    #[getter]
    fn file_id(&self) -> &str {
        &self.0.file_id
    }
    /// Stable across bots and time; not usable for downloads.
    #[getter]
    fn file_unique_id(&self) -> &str {
        &self.0.file_unique_id
    }
    /// Width in pixels.
    #[getter]
    fn width(&self) -> u32 {
        self.0.width
    }
    /// Height in pixels.
    #[getter]
    fn height(&self) -> u32 {
        self.0.height
    }
    /// Size in bytes, or `None`.
    #[getter]
    fn file_size(&self) -> Option<u64> {
        self.0.file_size
    }
    /// The Bot API's JSON shape, JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "PhotoSize", "file_id" => self.file_id(), "width" => self.0.width, "height" => self.0.height)
    }
}

/// A file sent as a document: `file_id`, `file_unique_id`, `file_name`, `mime_type`,
/// `file_size`.
#[pyclass(frozen, eq, module = "chek", name = "Document")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDocument(pub(crate) ch::Document);

#[pymethods]
impl PyDocument {
    /// For `Telegram.get_file`.
    #[getter]
    fn file_id(&self) -> &str {
        &self.0.file_id
    }
    /// Stable across bots and time.
    #[getter]
    fn file_unique_id(&self) -> &str {
        &self.0.file_unique_id
    }
    /// The sender's file name, or `None`.
    #[getter]
    fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }
    /// The MIME type, or `None`.
    #[getter]
    fn mime_type(&self) -> Option<&str> {
        self.0.mime_type.as_deref()
    }
    /// Size in bytes, or `None`.
    #[getter]
    fn file_size(&self) -> Option<u64> {
        self.0.file_size
    }
    /// The Bot API's JSON shape, JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Document", "file_id" => self.file_id(), "file_name" => self.file_name())
    }
}

/// A file ready to download, as `Telegram.get_file` answers: `file_id`, `file_unique_id`,
/// `file_size`, `file_path` (valid for at least an hour; `None` when it cannot be downloaded).
#[pyclass(frozen, eq, module = "chek", name = "File")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyFile(pub(crate) ch::File);

#[pymethods]
impl PyFile {
    /// The id it was asked for.
    #[getter]
    fn file_id(&self) -> &str {
        &self.0.file_id
    }
    /// Stable across bots and time.
    #[getter]
    fn file_unique_id(&self) -> &str {
        &self.0.file_unique_id
    }
    /// Size in bytes, or `None`.
    #[getter]
    fn file_size(&self) -> Option<u64> {
        self.0.file_size
    }
    /// The path under `{base}/file/bot<token>/`, or `None`.
    #[getter]
    fn file_path(&self) -> Option<&str> {
        self.0.file_path.as_deref()
    }
    /// The Bot API's JSON shape, JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "File", "file_id" => self.file_id(), "file_path" => self.file_path())
    }
}

/// A message: `message_id`, `date` (Unix seconds) / `sent_at` (naive UTC datetime), `chat`,
/// `from_user`, `text`, `caption`, `photo` (sizes, smallest first), `document`.
#[pyclass(frozen, eq, module = "chek", name = "Message")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyMessage(pub(crate) ch::Message);

#[pymethods]
impl PyMessage {
    /// Unique within the chat.
    #[getter]
    fn message_id(&self) -> i64 {
        self.0.message_id
    }
    /// Sent at, Unix seconds.
    #[getter]
    fn date(&self) -> i64 {
        self.0.date
    }
    /// Sent at, as a naive UTC datetime.
    #[getter]
    fn sent_at(&self) -> Option<NaiveDateTime> {
        DateTime::from_timestamp(self.0.date, 0).map(|d| d.naive_utc())
    }
    /// Where it was sent (replies go to `chat.id`).
    #[getter]
    fn chat(&self) -> PyChat {
        PyChat(self.0.chat.clone())
    }
    /// Who sent it (`from` in the Bot API), or `None` in channels.
    #[getter]
    #[allow(clippy::wrong_self_convention)]
    fn from_user(&self) -> Option<PyUser> {
        self.0.from.clone().map(PyUser)
    }
    /// The text, or `None`.
    #[getter]
    fn text(&self) -> Option<&str> {
        self.0.text.as_deref()
    }
    /// The caption of a photo or document, or `None`.
    #[getter]
    fn caption(&self) -> Option<&str> {
        self.0.caption.as_deref()
    }
    /// The text, else the caption, else `None`.
    #[getter]
    fn text_or_caption(&self) -> Option<&str> {
        self.0.text_or_caption()
    }
    /// The photo's sizes, smallest first (empty without a photo).
    #[getter]
    fn photo(&self) -> Vec<PyPhotoSize> {
        self.0.photo.iter().cloned().map(PyPhotoSize).collect()
    }
    /// The largest size of the photo (the one to read a QR from), or `None`.
    #[getter]
    fn largest_photo(&self) -> Option<PyPhotoSize> {
        self.0.largest_photo().cloned().map(PyPhotoSize)
    }
    /// A file sent as a document, or `None`.
    #[getter]
    fn document(&self) -> Option<PyDocument> {
        self.0.document.clone().map(PyDocument)
    }
    /// The Bot API's JSON shape (`from`, `date` as Unix seconds), JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Message", "message_id" => self.0.message_id, "chat" => self.0.chat.id, "text" => self.text_or_caption())
    }
}

/// One update: `update_id`, `kind` (`"message"`, `"edited_message"`, `"channel_post"`,
/// `"edited_channel_post"` or `"other"`), and `message` (the new message, or `None`; edits
/// and posts are in their own attributes).
#[pyclass(frozen, eq, module = "chek", name = "Update")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyUpdate(pub(crate) ch::Update);

#[pymethods]
impl PyUpdate {
    /// The update's id.
    #[getter]
    fn update_id(&self) -> i64 {
        self.0.update_id
    }
    /// The kind of update.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind()
    }
    /// A new message, or `None`.
    #[getter]
    fn message(&self) -> Option<PyMessage> {
        self.0.message.clone().map(PyMessage)
    }
    /// An edited message, or `None`.
    #[getter]
    fn edited_message(&self) -> Option<PyMessage> {
        self.0.edited_message.clone().map(PyMessage)
    }
    /// A channel post, or `None`.
    #[getter]
    fn channel_post(&self) -> Option<PyMessage> {
        self.0.channel_post.clone().map(PyMessage)
    }
    /// An edited channel post, or `None`.
    #[getter]
    fn edited_channel_post(&self) -> Option<PyMessage> {
        self.0.edited_channel_post.clone().map(PyMessage)
    }
    /// The Bot API's JSON shape (the kinds chek reads), JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py_repr!(py, "Update", "update_id" => self.0.update_id, "kind" => self.kind())
    }
}

fn secs(v: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v).map_err(|_| {
        PyValueError::new_err(format!("{what} must be a non-negative number of seconds"))
    })
}

fn build(
    py: Python<'_>,
    token: Secret,
    base_url: String,
    timeout: f64,
    poll_timeout: f64,
    max_download: u64,
) -> PyResult<PyTelegram> {
    let mut config = TelegramConfig::new(token).with_base_url(base_url);
    config.timeout = secs(timeout, "timeout")?;
    config.poll_timeout = secs(poll_timeout, "poll_timeout")?;
    config.max_download = max_download;
    // Starting the client's runtime: done without the GIL.
    let built = detach_guarded(py, move || Telegram::new(config))?;
    Ok(PyTelegram(Arc::new(built.or_raise(py)?)))
}

/// The Telegram Bot API, blocking (the GIL is released during each request).
///
/// `Telegram(token, *, base_url=TELEGRAM_API_URL, timeout=30.0, poll_timeout=25.0,
/// max_download=MAX_DOWNLOAD_BYTES)`, or `Telegram.from_env("BOT_TOKEN", ...)`. Methods go to
/// `{base_url}/bot<token>/<method>`, files come from `{base_url}/file/bot<token>/<path>`. No
/// retries inside: a `ChannelError` says whether one helps (`.details["retryable"]`,
/// `.details["retry_after"]`). The repr never shows the token.
#[pyclass(frozen, module = "chek", name = "Telegram")]
pub(crate) struct PyTelegram(pub(crate) Arc<Telegram>);

#[pymethods]
impl PyTelegram {
    #[new]
    #[pyo3(signature = (token, *, base_url = TELEGRAM_API_URL.to_owned(), timeout = 30.0, poll_timeout = 25.0, max_download = MAX_DOWNLOAD_BYTES))]
    fn new(
        py: Python<'_>,
        token: String,
        base_url: String,
        timeout: f64,
        poll_timeout: f64,
        max_download: u64,
    ) -> PyResult<Self> {
        build(
            py,
            Secret::new(token),
            base_url,
            timeout,
            poll_timeout,
            max_download,
        )
    }

    /// The token from the environment variable `var` (what `--token-env VAR` names); raises
    /// `ChannelError` (`channel.invalid`) naming the variable when it is unset or empty.
    #[staticmethod]
    #[pyo3(signature = (var, *, base_url = TELEGRAM_API_URL.to_owned(), timeout = 30.0, poll_timeout = 25.0, max_download = MAX_DOWNLOAD_BYTES))]
    fn from_env(
        py: Python<'_>,
        var: &str,
        base_url: String,
        timeout: f64,
        poll_timeout: f64,
        max_download: u64,
    ) -> PyResult<Self> {
        let config = TelegramConfig::from_env(var).or_raise(py)?;
        build(
            py,
            config.token,
            base_url,
            timeout,
            poll_timeout,
            max_download,
        )
    }

    /// The base URL requests go to (without the token).
    #[getter]
    fn base_url(&self) -> String {
        self.0.config().base_url.clone()
    }

    /// `getUpdates`: the updates after `offset` (the previous batch's `next_offset`), at most
    /// `limit` (1–100), waiting up to `timeout` seconds on the server (`None`: the client's
    /// `poll_timeout`; `0`: a short poll).
    #[pyo3(signature = (offset = None, limit = 100, timeout = None))]
    fn get_updates(
        &self,
        py: Python<'_>,
        offset: Option<i64>,
        limit: u32,
        timeout: Option<f64>,
    ) -> PyResult<Vec<PyUpdate>> {
        let wait = timeout.map(|t| secs(t, "timeout")).transpose()?;
        let bot = Arc::clone(&self.0);
        let got = detach_guarded(py, move || bot.get_updates(offset, limit, wait))?;
        Ok(got.or_raise(py)?.into_iter().map(PyUpdate).collect())
    }

    /// `getFile`: where to download a photo size's or a document's `file_id`.
    fn get_file(&self, py: Python<'_>, file_id: String) -> PyResult<PyFile> {
        let bot = Arc::clone(&self.0);
        let got = detach_guarded(py, move || bot.get_file(&file_id))?;
        got.or_raise(py).map(PyFile)
    }

    /// The file's bytes, at most `max_download` (refused from `file_size` before the request,
    /// cut off while reading otherwise: `channel.too_large`).
    fn download<'py>(
        &self,
        py: Python<'py>,
        file: PyRef<'_, PyFile>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bot = Arc::clone(&self.0);
        let file = file.0.clone();
        let got = detach_guarded(py, move || bot.download(&file))?;
        Ok(PyBytes::new(py, &got.or_raise(py)?))
    }

    /// `sendMessage` with plain text; answers the sent `Message`. Blank text (`channel.invalid`)
    /// and text over 4096 UTF-16 units (`channel.too_long`) raise before any request.
    fn send_message(&self, py: Python<'_>, chat_id: i64, text: String) -> PyResult<PyMessage> {
        let bot = Arc::clone(&self.0);
        let got = detach_guarded(py, move || bot.send_message(chat_id, &text))?;
        got.or_raise(py).map(PyMessage)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Telegram(base_url={}, token=***)",
            crate::convert::any(py, self.base_url())?.repr()?
        ))
    }
}

/// One update from a webhook request body (`bytes` or `str`, at most 1 MiB).
#[pyfunction]
fn parse_update(py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyUpdate> {
    let bytes: Vec<u8> = if let Ok(s) = body.cast::<PyString>() {
        s.extract::<String>()?.into_bytes()
    } else if let Ok(b) = body.extract::<Vec<u8>>() {
        b
    } else {
        return Err(PyTypeError::new_err("expected bytes or str"));
    };
    ch::parse_update(&bytes).or_raise(py).map(PyUpdate)
}

/// The `get_updates` offset after these updates: the largest `update_id` plus one, or
/// `current` when there are none.
#[pyfunction]
#[pyo3(signature = (updates, current = None))]
fn next_offset(updates: Vec<PyRef<'_, PyUpdate>>, current: Option<i64>) -> Option<i64> {
    let us: Vec<ch::Update> = updates.iter().map(|u| u.0.clone()).collect();
    ch::next_offset(&us, current)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyUser>()?;
    m.add_class::<PyChat>()?;
    m.add_class::<PyPhotoSize>()?;
    m.add_class::<PyDocument>()?;
    m.add_class::<PyFile>()?;
    m.add_class::<PyMessage>()?;
    m.add_class::<PyUpdate>()?;
    m.add_class::<PyTelegram>()?;
    m.add_function(wrap_pyfunction!(parse_update, m)?)?;
    m.add_function(wrap_pyfunction!(next_offset, m)?)?;
    m.add("TELEGRAM_API_URL", TELEGRAM_API_URL)?;
    m.add("MAX_DOWNLOAD_BYTES", MAX_DOWNLOAD_BYTES)?;
    Ok(())
}
