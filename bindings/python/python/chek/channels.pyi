"""Messaging channels: the Telegram Bot API, SMS gateways and robot calls (the Rust crate chek-channels)."""

import datetime
from typing import Any, Final, Optional, Sequence, Union, final

TELEGRAM_API_URL: Final[str]
"""``"https://api.telegram.org"``."""
MAX_DOWNLOAD_BYTES: Final[int]
"""The default download cap: 20 MiB, the public Bot API's own ``getFile`` limit."""

@final
class User:
    """A Telegram user or bot."""

    @property
    def id(self) -> int: ...
    @property
    def is_bot(self) -> bool: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> Optional[str]: ...
    @property
    def username(self) -> Optional[str]: ...
    @property
    def language_code(self) -> Optional[str]:
        """The language of the user's app (``"ru"``, ``"en"``…), to choose the reply language."""
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Chat:
    """A chat: replies go to ``chat.id``."""

    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str:
        """``"private"``, ``"group"``, ``"supergroup"`` or ``"channel"``."""
    @property
    def title(self) -> Optional[str]: ...
    @property
    def username(self) -> Optional[str]: ...
    @property
    def first_name(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class PhotoSize:
    """One size of a photo."""

    @property
    def file_id(self) -> str: ...
    @property
    def file_unique_id(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def file_size(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Document:
    """A file sent as a document (an uncompressed photo, a PDF…)."""

    @property
    def file_id(self) -> str: ...
    @property
    def file_unique_id(self) -> str: ...
    @property
    def file_name(self) -> Optional[str]: ...
    @property
    def mime_type(self) -> Optional[str]: ...
    @property
    def file_size(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class File:
    """A file ready to download, as ``Telegram.get_file`` answers."""

    @property
    def file_id(self) -> str: ...
    @property
    def file_unique_id(self) -> str: ...
    @property
    def file_size(self) -> Optional[int]: ...
    @property
    def file_path(self) -> Optional[str]:
        """Valid for at least an hour; ``None`` when the file cannot be downloaded."""
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Message:
    """A message: chat, sender, text or caption, photo or document."""

    @property
    def message_id(self) -> int: ...
    @property
    def date(self) -> int:
        """Sent at, Unix seconds."""
    @property
    def sent_at(self) -> Optional[datetime.datetime]:
        """Sent at, a naive UTC datetime."""
    @property
    def chat(self) -> Chat: ...
    @property
    def from_user(self) -> Optional[User]:
        """The sender (``from`` in the Bot API); ``None`` in channels."""
    @property
    def text(self) -> Optional[str]: ...
    @property
    def caption(self) -> Optional[str]: ...
    @property
    def text_or_caption(self) -> Optional[str]: ...
    @property
    def photo(self) -> list[PhotoSize]:
        """The photo's sizes, smallest first (empty without a photo)."""
    @property
    def largest_photo(self) -> Optional[PhotoSize]:
        """The largest size: the one to read a QR from."""
    @property
    def document(self) -> Optional[Document]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Update:
    """One update. Kinds chek does not read parse too (``kind == "other"``)."""

    @property
    def update_id(self) -> int: ...
    @property
    def kind(self) -> str:
        """``"message"``, ``"edited_message"``, ``"channel_post"``, ``"edited_channel_post"`` or ``"other"``."""
    @property
    def message(self) -> Optional[Message]:
        """The new message, or ``None`` (edits and posts are in their own attributes)."""
    @property
    def edited_message(self) -> Optional[Message]: ...
    @property
    def channel_post(self) -> Optional[Message]: ...
    @property
    def edited_channel_post(self) -> Optional[Message]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Telegram:
    """The Telegram Bot API, blocking (the GIL is released during each request).

    Raises ``chek.ChannelError`` (``channel.*``); never retries by itself.
    """

    def __new__(
        cls,
        token: str,
        *,
        base_url: str = ...,
        timeout: float = 30.0,
        poll_timeout: float = 25.0,
        max_download: int = ...,
    ) -> Telegram: ...
    @staticmethod
    def from_env(
        var: str,
        *,
        base_url: str = ...,
        timeout: float = 30.0,
        poll_timeout: float = 25.0,
        max_download: int = ...,
    ) -> Telegram:
        """The token from the environment variable ``var`` (``--token-env VAR``)."""
    @property
    def base_url(self) -> str: ...
    def get_updates(
        self, offset: Optional[int] = None, limit: int = 100, timeout: Optional[float] = None
    ) -> list[Update]:
        """``getUpdates`` after ``offset``, at most ``limit`` (1–100), long-polling ``timeout`` seconds."""
    def get_file(self, file_id: str) -> File:
        """``getFile``: where to download a photo size's or a document's ``file_id``."""
    def download(self, file: File) -> bytes:
        """The file's bytes, at most ``max_download`` (``channel.too_large`` otherwise)."""
    def send_message(self, chat_id: int, text: str) -> Message:
        """``sendMessage`` in plain text; over 4096 UTF-16 units raises ``channel.too_long`` before sending."""

def parse_update(body: Union[bytes, str]) -> Update:
    """One update from a webhook request body (at most 1 MiB)."""

def next_offset(updates: Sequence[Update], current: Optional[int] = None) -> Optional[int]:
    """The offset after these updates: the largest ``update_id`` plus one, or ``current``."""

@final
class SmsSent:
    @property
    def provider_id(self) -> str: ...
    @property
    def segments(self) -> int: ...
    @property
    def cost_kopecks(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SmsStatus:
    @property
    def provider_id(self) -> str: ...
    @property
    def delivery(self) -> str: ...
    @property
    def provider_code(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SmsRu:
    """sms.ru; the key is never shown."""

    def __new__(
        cls, api_id: str, *, base_url: str = ..., sender: Optional[str] = None, timeout: float = 20.0
    ) -> SmsRu: ...
    def send(self, to: str, text: str) -> SmsSent: ...
    def status(self, provider_id: str, phone: str) -> SmsStatus: ...

@final
class Smsc:
    """smsc.ru; the password is never shown."""

    def __new__(
        cls, login: str, password: str, *, base_url: str = ..., sender: Optional[str] = None, timeout: float = 20.0
    ) -> Smsc: ...
    def send(self, to: str, text: str) -> SmsSent: ...
    def status(self, provider_id: str, phone: str) -> SmsStatus: ...

def parse_smsru_callback(body: str) -> list[SmsStatus]: ...

SMSRU_URL: Final[str]
SMSC_URL: Final[str]

@final
class CallPlaced:
    """A call the provider took."""

    @property
    def provider(self) -> str: ...
    @property
    def call_id(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CallReport:
    """How a call ended; ``to_dict()`` is a provider report for ``chek.engage.notify.call_outcome``."""

    @property
    def provider(self) -> str: ...
    @property
    def call_id(self) -> Optional[str]: ...
    @property
    def external_id(self) -> Optional[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def duration_s(self) -> Optional[int]: ...
    @property
    def digits(self) -> Optional[str]: ...
    @property
    def sip_code(self) -> Optional[int]: ...
    @property
    def hangup_cause(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Uis:
    """The UIS Call API (``start.informer_call`` with TTS); the token is never shown."""

    def __new__(
        cls,
        access_token: str,
        virtual_phone_number: str,
        *,
        base_url: str = ...,
        dialing_timeout: Optional[int] = None,
        timeout: float = 20.0,
    ) -> Uis: ...
    def place_call(self, to: str, text: str, *, external_id: Optional[str] = None) -> CallPlaced: ...
    def parse_callback(self, body: Union[bytes, str]) -> CallReport: ...

@final
class Asterisk:
    """Asterisk ARI (originate; the text in ``CHEK_TTS``); the password is never shown."""

    def __new__(
        cls,
        user: str,
        password: str,
        *,
        base_url: str,
        trunk: str,
        app: Optional[str] = None,
        context: Optional[str] = None,
        extension: str = ...,
        caller_id: Optional[str] = None,
        dial_timeout: int = 30,
        timeout: float = 20.0,
    ) -> Asterisk: ...
    def place_call(self, to: str, text: str, *, external_id: Optional[str] = None) -> CallPlaced: ...
    def parse_callback(self, body: Union[bytes, str]) -> CallReport: ...

def parse_uis_callback(body: Union[bytes, str]) -> CallReport: ...
def parse_asterisk_callback(body: Union[bytes, str]) -> CallReport: ...

UIS_URL: Final[str]

__all__ = [
    "Telegram",
    "Update",
    "Message",
    "User",
    "Chat",
    "PhotoSize",
    "Document",
    "File",
    "parse_update",
    "next_offset",
    "TELEGRAM_API_URL",
    "MAX_DOWNLOAD_BYTES",
    "SmsRu",
    "Smsc",
    "SmsSent",
    "SmsStatus",
    "parse_smsru_callback",
    "SMSRU_URL",
    "SMSC_URL",
    "Uis",
    "Asterisk",
    "CallPlaced",
    "CallReport",
    "parse_uis_callback",
    "parse_asterisk_callback",
    "UIS_URL",
]
