//! What a chat message asks for.

use chek_channels::{Document, Message};

use crate::engine::Input;

/// What a message asks the bot for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `/start` or `/help`: how to take part.
    Start,
    /// `/status`: the participant's lots and the receipts still being checked.
    Status,
    /// A person, please («оператор», «помощь», «operator»…): opens a care case with the text.
    Operator(String),
    /// A photo of a receipt: the file to download (the largest size of a photo, or an image
    /// sent as a document).
    Photo(String),
    /// A receipt typed or pasted: a QR payload or a manual entry.
    Receipt(Input),
    /// Nothing the bot can use (a sticker, a voice note, a non-image file).
    Unsupported,
}

/// Words that ask for a person; matched as whole words, case-insensitively.
const OPERATOR_WORDS: [&str; 8] = [
    "оператор",
    "оператора",
    "помощь",
    "помогите",
    "человек",
    "поддержка",
    "operator",
    "help",
];

impl Command {
    /// Reads a message.
    ///
    /// ```
    /// use chek::bot::Command;
    /// use chek::channels::parse_update;
    /// let u = parse_update(r#"{"update_id": 1, "message": {"message_id": 5, "date": 1762356600,
    ///     "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": false, "first_name": "A"},
    ///     "text": "Позовите оператора, пожалуйста"}}"#.as_bytes())?;
    /// assert!(matches!(Command::of(u.message().unwrap()), Command::Operator(_)));
    /// # Ok::<(), chek::channels::ChannelError>(())
    /// ```
    pub fn of(m: &Message) -> Command {
        if let Some(p) = m.largest_photo() {
            return Command::Photo(p.file_id.clone());
        }
        if let Some(d) = m.document.as_ref().filter(|d| is_image(d)) {
            return Command::Photo(d.file_id.clone());
        }
        if m.document.is_some() {
            return Command::Unsupported;
        }
        let Some(text) = m.text_or_caption().map(str::trim).filter(|t| !t.is_empty()) else {
            return Command::Unsupported;
        };
        if let Some(cmd) = text.strip_prefix('/') {
            // `/status@my_bot` in groups.
            let name = cmd
                .split(|c: char| c.is_whitespace() || c == '@')
                .next()
                .unwrap_or("")
                .to_lowercase();
            return match name.as_str() {
                "start" | "help" => Command::Start,
                "status" => Command::Status,
                "operator" => Command::Operator(text.to_owned()),
                _ => Command::Unsupported,
            };
        }
        let asks_person = text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| OPERATOR_WORDS.contains(&w.to_lowercase().as_str()));
        if asks_person && !text.chars().any(|c| c.is_ascii_digit()) {
            return Command::Operator(text.to_owned());
        }
        Command::Receipt(Input::from_message(text))
    }
}

fn is_image(d: &Document) -> bool {
    d.mime_type
        .as_deref()
        .is_some_and(|m| matches!(m, "image/jpeg" | "image/png" | "image/webp"))
}
