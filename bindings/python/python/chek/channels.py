"""Messaging channels: the Telegram Bot API and SMS gateways (the Rust crate chek-channels).

``SmsRu(api_id)`` and ``Smsc(login, password)`` send an SMS (``send(to, text)`` gives a
``SmsSent`` with the provider's id, segments and cost in kopecks) and ask where it is
(``status(provider_id, phone)``: a ``SmsStatus``); ``parse_smsru_callback`` reads sms.ru's
delivery callbacks. Either can be the ``sms`` sender of ``chek.outbox.Dispatcher``.

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
    Update,
    User,
    next_offset,
    parse_smsru_callback,
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
]
