"""`chek.channels`: the Telegram Bot API client against a local HTTP server (Python's
http.server in a thread, in this process: each call that passes also shows the GIL is released
while it waits), webhook parsing, and `chek.aio`'s awaitable twins."""

from __future__ import annotations

import asyncio
import datetime
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import chek
from chek.channels import File, Telegram, Update, next_offset, parse_update

TOKEN = "7123456789:AAHk-SECRET_token-value"


@dataclass
class Answer:
    status: int
    body: bytes
    delay: float = 0.0
    chunked: bool = False
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def ok(result: Any) -> Answer:
    return Answer(200, json.dumps({"ok": True, "result": result}).encode())


def api_error(status: int, description: str, **extra: Any) -> Answer:
    return Answer(status, json.dumps({"ok": False, "error_code": status, "description": description, **extra}).encode())


class BotApi:
    """Answers `path -> Answer` (404 otherwise) and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.seen: list[Seen] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                api.seen.append(Seen(self.command, self.path, self.rfile.read(n)))
                a = api.routes.get(self.path, api_error(404, "Not Found"))
                if a.delay:
                    time.sleep(a.delay)
                self.send_response(a.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                for k, v in a.headers.items():
                    self.send_header(k, v)
                if a.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(a.body), 4096):
                        part = a.body[i : i + 4096]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(a.body)))
                    self.end_headers()
                    self.wfile.write(a.body)
                self.close_connection = True

            do_GET = _answer
            do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def method(self, name: str) -> str:
        return f"/bot{TOKEN}/{name}"

    def file(self, path: str) -> str:
        return f"/file/bot{TOKEN}/{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def api() -> Iterator[BotApi]:
    s = BotApi()
    yield s
    s.close()


def bot(api: BotApi, **kw: Any) -> Telegram:
    return Telegram(TOKEN, base_url=api.url, **{"timeout": 1.0, "poll_timeout": 1.0, "max_download": 4096, **kw})


PHOTO: dict[str, Any] = {
    "update_id": 501,
    "message": {
        "message_id": 11,
        "from": {"id": 42, "is_bot": False, "first_name": "Анна", "username": "anna_k", "language_code": "ru", "is_premium": True},
        "chat": {"id": 42, "first_name": "Анна", "type": "private"},
        "date": 1764950400,
        "photo": [
            {"file_id": "AgAC-small", "file_unique_id": "s", "file_size": 1421, "width": 67, "height": 90},
            {"file_id": "AgAC-large", "file_unique_id": "l", "file_size": 98311, "width": 960, "height": 1280},
        ],
        "caption": "мой чек",
    },
}
DOCUMENT: dict[str, Any] = {
    "update_id": 502,
    "message": {
        "message_id": 12,
        "chat": {"id": 43, "type": "private"},
        "date": 1764950401,
        "document": {"file_id": "BQAC-doc", "file_unique_id": "d", "file_name": "receipt.jpg", "mime_type": "image/jpeg", "file_size": 250000},
    },
}
EDITED: dict[str, Any] = {"update_id": 503, "edited_message": {"message_id": 11, "chat": {"id": 42, "type": "private"}, "date": 1, "text": "x"}}
CALLBACK: dict[str, Any] = {"update_id": 504, "callback_query": {"id": "1", "data": "yes"}}
SENT: dict[str, Any] = {"message_id": 77, "chat": {"id": 42, "type": "private"}, "date": 1764950500, "text": "Чек принят"}


def test_get_updates_sends_the_offset_and_reads_every_kind(api: BotApi) -> None:
    api.routes[api.method("getUpdates")] = ok([PHOTO, DOCUMENT, EDITED, CALLBACK])
    updates = bot(api).get_updates(501, limit=50, timeout=0)
    assert api.seen[0].method == "POST"
    assert api.seen[0].json() == {"offset": 501, "limit": 50, "timeout": 0}
    assert [(u.update_id, u.kind) for u in updates] == [
        (501, "message"),
        (502, "message"),
        (503, "edited_message"),
        (504, "other"),
    ]
    m = updates[0].message
    assert m is not None and m.from_user is not None
    assert (m.chat.id, m.chat.type, m.from_user.language_code, m.text_or_caption) == (42, "private", "ru", "мой чек")
    assert [p.file_id for p in m.photo] == ["AgAC-small", "AgAC-large"]
    assert m.largest_photo is not None and m.largest_photo.width == 960
    assert m.sent_at == datetime.datetime(2025, 12, 5, 16, 0)
    doc = updates[1].message
    assert doc is not None and doc.document is not None
    assert (doc.document.file_name, doc.document.file_size) == ("receipt.jpg", 250000)
    assert updates[2].message is None and updates[2].edited_message is not None
    assert next_offset(updates, 501) == 505
    assert next_offset([], 7) == 7
    bot(api).get_updates()
    assert api.seen[1].json() == {"limit": 100, "timeout": 1}


def test_webhook_bodies_parse_like_polled_updates() -> None:
    for raw in (PHOTO, DOCUMENT, EDITED, CALLBACK):
        text = json.dumps(raw, ensure_ascii=False)
        assert parse_update(text) == parse_update(text.encode())
        assert parse_update(text).update_id == raw["update_id"]
    u = parse_update(json.dumps(PHOTO))
    assert json.loads(json.dumps(u.to_dict())) == u.to_dict()
    for bad in (b"not json", "[]", b""):
        with pytest.raises(chek.ChannelError) as e:
            parse_update(bad)
        assert e.value.code == "channel.bad_response"
    with pytest.raises(chek.ChannelError) as e:
        parse_update(b" " * (2 << 20))
    assert e.value.code == "channel.too_large"
    with pytest.raises(TypeError):
        parse_update(42)  # type: ignore[arg-type]


def test_get_file_and_download(api: BotApi) -> None:
    jpeg = bytes(range(256)) * 12
    api.routes[api.method("getFile")] = ok({"file_id": "AgAC-large", "file_unique_id": "l", "file_size": len(jpeg), "file_path": "photos/file_7.jpg"})
    api.routes[api.file("photos/file_7.jpg")] = Answer(200, jpeg)
    b = bot(api)
    f = b.get_file("AgAC-large")
    assert (f.file_path, f.file_size) == ("photos/file_7.jpg", len(jpeg))
    assert b.download(f) == jpeg
    assert api.seen[0].json() == {"file_id": "AgAC-large"}
    assert (api.seen[1].method, api.seen[1].path) == ("GET", api.file("photos/file_7.jpg"))


def test_download_over_the_cap(api: BotApi) -> None:
    api.routes[api.method("getFile")] = ok({"file_id": "x", "file_unique_id": "u", "file_size": 10_000, "file_path": "photos/big.jpg"})
    api.routes[api.file("photos/big.jpg")] = Answer(200, b"\0" * 10_000, chunked=True)
    b = bot(api)
    with pytest.raises(chek.ChannelError) as e:
        b.download(b.get_file("x"))
    assert e.value.code == "channel.too_large"
    assert e.value.details == {"retryable": False, "retry_after": None}
    assert len(api.seen) == 1, "refused from file_size, before the request"
    # No size given: the chunked body is cut off past the cap.
    api.routes[api.method("getFile")] = ok({"file_id": "x", "file_unique_id": "u", "file_path": "photos/big.jpg"})
    with pytest.raises(chek.ChannelError) as e:
        b.download(b.get_file("x"))
    assert e.value.code == "channel.too_large"


def test_send_message(api: BotApi) -> None:
    api.routes[api.method("sendMessage")] = ok(SENT)
    sent = bot(api).send_message(42, "Чек принят")
    assert (sent.message_id, sent.chat.id, sent.text) == (77, 42, "Чек принят")
    assert api.seen[0].json() == {"chat_id": 42, "text": "Чек принят"}


def test_too_long_or_blank_text_is_refused_without_a_request(api: BotApi) -> None:
    b = bot(api)
    for text, code in (("ы" * 4097, "channel.too_long"), ("😀" * 2049, "channel.too_long"), ("  ", "channel.invalid")):
        with pytest.raises(chek.ChannelError) as e:
            b.send_message(42, text)
        assert e.value.code == code
        assert e.value.hints["ru"] != e.value.hints["en"]
    assert api.seen == []


@pytest.mark.parametrize(
    ("answer", "code", "retryable"),
    [
        (api_error(403, "Forbidden: bot was blocked by the user"), "channel.blocked", False),
        (api_error(403, "Forbidden: user is deactivated"), "channel.blocked", False),
        (api_error(401, "Unauthorized"), "channel.unauthorized", False),
        (api_error(404, "Not Found"), "channel.unauthorized", False),
        (api_error(400, "Bad Request: chat not found"), "channel.rejected", False),
        (api_error(500, "Internal Server Error"), "channel.unavailable", True),
        (Answer(200, b'{"ok":tru'), "channel.bad_response", False),
        (Answer(200, b'{"ok":false,"description":"odd"}'), "channel.bad_response", False),
    ],
)
def test_failures_raise_their_codes(api: BotApi, answer: Answer, code: str, retryable: bool) -> None:
    api.routes[api.method("sendMessage")] = answer
    with pytest.raises(chek.ChannelError) as e:
        bot(api).send_message(42, "hi")
    assert isinstance(e.value, chek.ChekError)
    assert e.value.code == code
    assert e.value.details["retryable"] is retryable
    assert TOKEN not in str(e.value)


def test_rate_limit_says_how_long_to_wait(api: BotApi) -> None:
    api.routes[api.method("sendMessage")] = api_error(429, "Too Many Requests: retry after 7", parameters={"retry_after": 7})
    with pytest.raises(chek.ChannelError) as e:
        bot(api).send_message(42, "hi")
    assert e.value.code == "channel.rate_limited"
    assert e.value.details == {"retryable": True, "retry_after": 7.0}
    assert len(api.seen) == 1, "no retry inside the client"


def test_a_server_that_never_answers_times_out(api: BotApi) -> None:
    api.routes[api.method("sendMessage")] = Answer(200, b"{}", delay=3.0)
    started = time.monotonic()
    with pytest.raises(chek.ChannelError) as e:
        bot(api, timeout=0.3).send_message(42, "hi")
    assert e.value.code == "channel.timeout"
    assert e.value.details["retryable"] is True
    assert time.monotonic() - started < 2.0


def test_the_token_never_shows(api: BotApi, monkeypatch: pytest.MonkeyPatch) -> None:
    api.routes[api.method("getFile")] = api_error(400, f"Bad Request: path /bot{TOKEN}/getFile")
    b = bot(api)
    with pytest.raises(chek.ChannelError) as e:
        b.get_file("x")
    shown = [repr(b), str(e.value), repr(e.value), repr(e.value.details)]
    assert "***" in str(e.value)
    assert all(TOKEN not in s and "SECRET" not in s for s in shown), shown
    assert repr(b) == f"Telegram(base_url='{api.url}', token=***)"
    monkeypatch.setenv("CHEK_TEST_BOT_TOKEN", TOKEN)
    from_env = Telegram.from_env("CHEK_TEST_BOT_TOKEN", base_url=api.url)
    assert from_env.base_url == api.url and TOKEN not in repr(from_env)
    monkeypatch.delenv("CHEK_TEST_BOT_TOKEN")
    with pytest.raises(chek.ChannelError) as e:
        Telegram.from_env("CHEK_TEST_BOT_TOKEN")
    assert e.value.code == "channel.invalid" and "CHEK_TEST_BOT_TOKEN" in str(e.value)


def test_bad_settings_raise() -> None:
    with pytest.raises(chek.ChannelError) as e:
        Telegram(TOKEN, base_url="ftp://example.org")
    assert e.value.code == "channel.invalid"
    with pytest.raises(chek.ChannelError):
        Telegram("not a token")
    with pytest.raises(ValueError):
        Telegram(TOKEN, timeout=-1.0)
    assert chek.channels.TELEGRAM_API_URL == "https://api.telegram.org"
    assert chek.channels.MAX_DOWNLOAD_BYTES == 20 * 1024 * 1024


def test_aio_twins_run_concurrently(api: BotApi) -> None:
    # Two long polls held by the server for 0.5 s each: run at once, they finish in well under 1 s.
    api.routes[api.method("getUpdates")] = Answer(200, json.dumps({"ok": True, "result": [PHOTO]}).encode(), delay=0.5)
    api.routes[api.method("getFile")] = ok({"file_id": "x", "file_unique_id": "u", "file_path": "photos/a.jpg"})
    api.routes[api.file("photos/a.jpg")] = Answer(200, b"JPEG")
    api.routes[api.method("sendMessage")] = ok(SENT)
    b = bot(api)

    async def main() -> tuple[list[list[Update]], File, bytes, str]:
        started = time.monotonic()
        polls = await asyncio.gather(chek.aio.get_updates(b, 1, 10, 1.0), chek.aio.get_updates(b))
        assert time.monotonic() - started < 0.95
        f = await chek.aio.get_file(b, "x")
        data = await chek.aio.download(b, f)
        sent = await chek.aio.send_message(b, 42, "ok")
        return list(polls), f, data, sent.text or ""

    polls, f, data, text = asyncio.run(main())
    assert [u.update_id for batch in polls for u in batch] == [501, 501]
    assert (f.file_path, data, text) == ("photos/a.jpg", b"JPEG", "Чек принят")
