//! The Bot API objects a receipt bot reads, as serde types. Fields the bot does not use are
//! ignored, so new Bot API versions do not break parsing; update kinds other than messages
//! parse to an [`Update`] whose [`message`](Update::message) is `None`.

use serde::{Deserialize, Serialize};

use crate::ChannelError;

/// The largest webhook body [`parse_update`] reads (1 MiB; real updates are a few KiB).
pub const MAX_UPDATE_BYTES: usize = 1024 * 1024;

/// The longest `sendMessage` text, in UTF-16 code units (how Telegram counts).
pub const MAX_MESSAGE_UNITS: usize = 4096;

/// One incoming update. Only the message kinds are kept; any other kind (a callback query, a
/// poll, a member change…) has all of them `None`.
///
/// ```
/// let u = chek_channels::parse_update(br#"{"update_id":5,"poll":{"id":"1"}}"#)?;
/// assert_eq!((u.update_id, u.kind(), u.message().is_none()), (5, "other", true));
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Update {
    /// The update's id: the next `getUpdates` offset is the largest seen plus one.
    pub update_id: i64,
    /// A new message.
    #[serde(default)]
    pub message: Option<Message>,
    /// A new version of an already sent message.
    #[serde(default)]
    pub edited_message: Option<Message>,
    /// A new post in a channel the bot is in.
    #[serde(default)]
    pub channel_post: Option<Message>,
    /// An edited channel post.
    #[serde(default)]
    pub edited_channel_post: Option<Message>,
}

impl Update {
    /// The new message, if this update is one (edits and channel posts are not).
    ///
    /// ```
    /// let u = chek_channels::parse_update(br#"{"update_id":1,"edited_message":{"message_id":2,"date":0,"chat":{"id":3,"type":"private"}}}"#)?;
    /// assert!(u.message().is_none());
    /// assert_eq!(u.kind(), "edited_message");
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// `"message"`, `"edited_message"`, `"channel_post"`, `"edited_channel_post"` or `"other"`.
    ///
    /// ```
    /// assert_eq!(chek_channels::Update::default().kind(), "other");
    /// ```
    pub fn kind(&self) -> &'static str {
        if self.message.is_some() {
            "message"
        } else if self.edited_message.is_some() {
            "edited_message"
        } else if self.channel_post.is_some() {
            "channel_post"
        } else if self.edited_channel_post.is_some() {
            "edited_channel_post"
        } else {
            "other"
        }
    }

    /// An update from one element of `getUpdates`' result. An element whose message has an
    /// unexpected shape still yields its `update_id` (as kind `"other"`), so one odd update
    /// never stops the offset from advancing.
    pub(crate) fn from_value(v: serde_json::Value) -> Result<Update, ChannelError> {
        let id = v.get("update_id").and_then(serde_json::Value::as_i64);
        match serde_json::from_value::<Update>(v) {
            Ok(u) => Ok(u),
            Err(e) => match id {
                Some(update_id) => Ok(Update {
                    update_id,
                    ..Update::default()
                }),
                None => Err(ChannelError::BadResponse(format!(
                    "an update without update_id: {e}"
                ))),
            },
        }
    }
}

/// A message: its chat, sender, text or caption, and attached photo or document.
///
/// ```
/// let u = chek_channels::parse_update(r#"{"update_id":1,"message":{"message_id":2,"date":0,
///   "chat":{"id":3,"type":"private"},"caption":"чек",
///   "photo":[{"file_id":"s","file_unique_id":"a","width":90,"height":120,"file_size":1000},
///            {"file_id":"m","file_unique_id":"b","width":960,"height":1280,"file_size":90000}]}}"#.as_bytes())?;
/// let m = u.message().unwrap();
/// assert_eq!(m.largest_photo().map(|p| p.file_id.as_str()), Some("m"));
/// assert_eq!(m.text_or_caption(), Some("чек"));
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Unique within the chat.
    pub message_id: i64,
    /// Sent at, Unix seconds (UTC).
    #[serde(default)]
    pub date: i64,
    /// Where it was sent.
    pub chat: Chat,
    /// Who sent it (absent in channels).
    #[serde(default)]
    pub from: Option<User>,
    /// The text of a text message.
    #[serde(default)]
    pub text: Option<String>,
    /// The caption of a photo or document.
    #[serde(default)]
    pub caption: Option<String>,
    /// A photo in the sizes Telegram made of it, smallest first (empty if none).
    #[serde(default)]
    pub photo: Vec<PhotoSize>,
    /// A file sent as a document (an uncompressed photo, a PDF…).
    #[serde(default)]
    pub document: Option<Document>,
}

impl Message {
    /// The largest size of the photo (by pixels, then bytes), the one to read a QR from.
    ///
    /// ```
    /// # let u = chek_channels::parse_update(br#"{"update_id":1,"message":{"message_id":2,"date":0,"chat":{"id":3,"type":"private"},"text":"hi"}}"#)?;
    /// assert!(u.message().unwrap().largest_photo().is_none());
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn largest_photo(&self) -> Option<&PhotoSize> {
        self.photo.iter().max_by_key(|p| {
            (
                u64::from(p.width) * u64::from(p.height),
                p.file_size.unwrap_or(0),
            )
        })
    }

    /// The text, or else the caption.
    ///
    /// ```
    /// # let u = chek_channels::parse_update(br#"{"update_id":1,"message":{"message_id":2,"date":0,"chat":{"id":3,"type":"private"},"text":"hi"}}"#)?;
    /// assert_eq!(u.message().unwrap().text_or_caption(), Some("hi"));
    /// # Ok::<(), chek_channels::ChannelError>(())
    /// ```
    pub fn text_or_caption(&self) -> Option<&str> {
        self.text.as_deref().or(self.caption.as_deref())
    }
}

/// A Telegram user or bot.
///
/// ```
/// let u: chek_channels::User = serde_json::from_str(r#"{"id":1,"is_bot":false,"first_name":"Анна","language_code":"ru"}"#)?;
/// assert_eq!(u.language_code.as_deref(), Some("ru"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id (fits 52 bits).
    pub id: i64,
    /// Whether it is a bot.
    #[serde(default)]
    pub is_bot: bool,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// `@username` without the `@`.
    #[serde(default)]
    pub username: Option<String>,
    /// The IETF language tag of the user's app (`"ru"`, `"en"`), to choose the reply language.
    #[serde(default)]
    pub language_code: Option<String>,
}

/// A chat: `"private"`, `"group"`, `"supergroup"` or `"channel"`.
///
/// ```
/// let c: chek_channels::Chat = serde_json::from_str(r#"{"id":-100123,"type":"supergroup","title":"Акция"}"#)?;
/// assert_eq!(c.kind, "supergroup");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chat {
    /// The chat id: where to send replies.
    pub id: i64,
    /// The chat type (`type` in the JSON).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Title of groups and channels.
    #[serde(default)]
    pub title: Option<String>,
    /// `@username` without the `@`.
    #[serde(default)]
    pub username: Option<String>,
    /// First name in a private chat.
    #[serde(default)]
    pub first_name: Option<String>,
}

/// One size of a photo.
///
/// ```
/// let p: chek_channels::PhotoSize = serde_json::from_str(r#"{"file_id":"A","file_unique_id":"u","width":1280,"height":960}"#)?;
/// assert_eq!((p.width, p.file_size), (1280, None));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoSize {
    /// For `getFile`.
    pub file_id: String,
    /// Stable across bots and time; not usable for downloads.
    #[serde(default)]
    pub file_unique_id: String,
    /// Width in pixels.
    #[serde(default)]
    pub width: u32,
    /// Height in pixels.
    #[serde(default)]
    pub height: u32,
    /// Size in bytes, if known.
    #[serde(default)]
    pub file_size: Option<u64>,
}

/// A file sent as a document.
///
/// ```
/// let d: chek_channels::Document = serde_json::from_str(r#"{"file_id":"D","file_unique_id":"u","file_name":"чек.pdf","mime_type":"application/pdf","file_size":52000}"#)?;
/// assert_eq!(d.mime_type.as_deref(), Some("application/pdf"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// For `getFile`.
    pub file_id: String,
    /// Stable across bots and time.
    #[serde(default)]
    pub file_unique_id: String,
    /// The sender's file name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// The MIME type the sender's app gave.
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Size in bytes, if known.
    #[serde(default)]
    pub file_size: Option<u64>,
}

/// A file ready to download, as `getFile` answers: its `file_path` is valid for at least an
/// hour.
///
/// ```
/// let f: chek_channels::File = serde_json::from_str(r#"{"file_id":"A","file_unique_id":"u","file_size":1024,"file_path":"photos/file_1.jpg"}"#)?;
/// assert_eq!(f.file_path.as_deref(), Some("photos/file_1.jpg"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    /// The id it was asked for.
    pub file_id: String,
    /// Stable across bots and time.
    #[serde(default)]
    pub file_unique_id: String,
    /// Size in bytes, if known.
    #[serde(default)]
    pub file_size: Option<u64>,
    /// The path for `{base}/file/bot{token}/{file_path}`; absent when the file cannot be
    /// downloaded.
    #[serde(default)]
    pub file_path: Option<String>,
}

/// Parses one update as a webhook receives it (the body of Telegram's POST), at most
/// [`MAX_UPDATE_BYTES`]. Unknown fields and update kinds are accepted.
///
/// ```
/// use chek_core::Coded;
/// let u = chek_channels::parse_update(br#"{"update_id":9,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A","language_code":"ru"},"text":"hi","entities":[]}}"#)?;
/// assert_eq!(u.message().and_then(|m| m.from.as_ref()).and_then(|f| f.language_code.as_deref()), Some("ru"));
/// assert_eq!(chek_channels::parse_update(b"{").unwrap_err().code(), "channel.bad_response");
/// # Ok::<(), chek_channels::ChannelError>(())
/// ```
pub fn parse_update(body: &[u8]) -> Result<Update, ChannelError> {
    if body.len() > MAX_UPDATE_BYTES {
        return Err(ChannelError::TooLarge {
            what: "the update",
            size: Some(body.len() as u64),
            max: MAX_UPDATE_BYTES as u64,
        });
    }
    let v: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ChannelError::BadResponse(format!("the update is not JSON: {e}")))?;
    if !v.is_object() {
        return Err(ChannelError::BadResponse(
            "the update is not a JSON object".into(),
        ));
    }
    Update::from_value(v)
}

/// The `getUpdates` offset after these updates: the largest `update_id` plus one, or `current`
/// when there are none (or all are older). Store it before handling the updates' effects only
/// if losing an update is better than seeing it twice; otherwise after.
///
/// ```
/// use chek_channels::{next_offset, Update};
/// let us = [Update { update_id: 10, ..Update::default() }, Update { update_id: 12, ..Update::default() }];
/// assert_eq!(next_offset(&us, Some(10)), Some(13));
/// assert_eq!(next_offset(&[], Some(10)), Some(10));
/// ```
pub fn next_offset(updates: &[Update], current: Option<i64>) -> Option<i64> {
    let seen = updates.iter().map(|u| u.update_id.saturating_add(1)).max();
    match (seen, current) {
        (Some(s), Some(c)) => Some(s.max(c)),
        (s, c) => s.or(c),
    }
}

/// Checks a reply before sending: not blank, at most [`MAX_MESSAGE_UNITS`] UTF-16 units.
///
/// ```
/// use chek_core::Coded;
/// assert!(chek_channels::check_text("Спасибо!").is_ok());
/// let long = "я".repeat(4097);
/// assert_eq!(chek_channels::check_text(&long).unwrap_err().code(), "channel.too_long");
/// assert_eq!(chek_channels::check_text("  ").unwrap_err().code(), "channel.invalid");
/// ```
pub fn check_text(text: &str) -> Result<(), ChannelError> {
    if text.trim().is_empty() {
        return Err(ChannelError::Invalid("the message text is empty".into()));
    }
    // Counting stops past the limit: a hostile megabyte is not walked to the end.
    let units = text.encode_utf16().take(MAX_MESSAGE_UNITS + 1).count();
    if units > MAX_MESSAGE_UNITS {
        return Err(ChannelError::TooLong {
            units: text.encode_utf16().count(),
            max: MAX_MESSAGE_UNITS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_message_keeps_the_update_id() {
        let u = parse_update(br#"{"update_id":3,"message":{"message_id":"x"}}"#);
        assert_eq!(u.map(|u| (u.update_id, u.kind())).ok(), Some((3, "other")));
        assert!(parse_update(b"[1]").is_err());
        assert!(parse_update(br#"{"message":{}}"#).is_err());
    }

    #[test]
    fn emoji_count_twice() {
        assert!(check_text(&"😀".repeat(2048)).is_ok());
        assert!(check_text(&"😀".repeat(2049)).is_err());
    }

    #[test]
    fn too_large_update() {
        let big = vec![b' '; MAX_UPDATE_BYTES + 1];
        assert!(matches!(
            parse_update(&big),
            Err(ChannelError::TooLarge { .. })
        ));
    }
}
