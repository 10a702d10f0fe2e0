"""Messaging channels: the Telegram Bot API, SMS gateways and robot calls (the Rust crate chek-channels).

``SmsRu(api_id)`` and ``Smsc(login, password)`` send an SMS (``send(to, text)`` gives a
``SmsSent`` with the provider's id, segments and cost in kopecks) and ask where it is
(``status(provider_id, phone)``: a ``SmsStatus``); ``parse_smsru_callback`` reads sms.ru's
delivery callbacks. Either can be the ``sms`` sender of ``chek.outbox.Dispatcher``.

``Uis(access_token, virtual_phone_number)`` (the UIS Call API, ``start.informer_call``) and
``Asterisk(user, password, base_url=..., trunk=..., app=...)`` (ARI originate, the text in the
channel variable ``CHEK_TTS``) place a robot call that speaks a text (``place_call(to, text)``
gives a ``CallPlaced``); ``parse_uis_callback`` and ``parse_asterisk_callback`` read how the call
ended into a ``CallReport``, whose ``to_dict()`` ``chek.engage.notify.call_outcome`` takes.
Either can be the ``voice`` sender of ``chek.outbox.Dispatcher``.

``Telegram`` polls for updates (``get_updates`` with an offset you store), fetches photos and
documents (``get_file`` then ``download``, capped) and replies in plain text (``send_message``);
``parse_update`` reads a webhook's request body into the same ``Update``. Calls block with the
GIL released; ``chek.aio`` has awaitable twins. Failures raise ``chek.ChannelError`` with a
``channel.*`` code and ``details = {"retryable": bool, "retry_after": float | None}``: the
client never retries by itself. The token never appears in reprs, messages or errors.

>>> from chek.channels import parse_update
>>> u = parse_update('{"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "/start"}}')
>>> (u.kind, u.message.chat.id, u.message.text)
('message', 42, '/start')
"""

from chek._chek import (
    MAX_DOWNLOAD_BYTES,
    SMSC_URL,
    SMSRU_URL,
    TELEGRAM_API_URL,
    UIS_URL,
    Asterisk,
    CallPlaced,
    CallReport,
    Chat,
    Document,
    File,
    Message,
    PhotoSize,
    SmsRu,
    Smsc,
    SmsSent,
    SmsStatus,
    Telegram,
    Uis,
    Update,
    User,
    next_offset,
    parse_asterisk_callback,
    parse_smsru_callback,
    parse_uis_callback,
    parse_update,
)

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
