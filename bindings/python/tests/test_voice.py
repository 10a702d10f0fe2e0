"""`chek.channels.Uis` and `Asterisk` against a local stand-in answering as the documented
APIs do (Python's http.server in a thread): the UIS Call API's JSON-RPC `start.informer_call`
and ARI's `POST /ari/channels`, with their failures (bad credentials, 429 with a wait, 5xx,
timeouts, malformed JSON); the call-end callbacks fed to `chek.engage.notify.call_outcome`;
and a gateway as the outbox's `voice` sender."""

from __future__ import annotations

import base64
import datetime
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import pytest

import chek
from chek import outbox
from chek.channels import Asterisk, CallReport, Uis, parse_asterisk_callback, parse_uis_callback
from chek.engage.notify import call_outcome

TOKEN = "uis-token-SECRET"
ARI_PW = "ari-pw-SECRET"
NOW = datetime.datetime(2026, 12, 5, 10, 0)
WHO = {"id": "c1", "phone": "+79161234567", "zone": "Europe/Moscow"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class StandIn:
    """Answers every request with `handler(seen)`; records what it saw."""

    def __init__(self, handler: Callable[[Seen], Reply]) -> None:
        self.seen: list[Seen] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", 0))
                s = Seen("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(n))
                outer.seen.append(s)
                r = handler(s)
                time.sleep(r.delay)
                try:
                    self.send_response(r.status)
                    for k, v in r.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(r.body)))
                    self.end_headers()
                    self.wfile.write(r.body)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rpc_error(code: int, mnemonic: str, message: str, **extra: Any) -> Reply:
    body = {"jsonrpc": "2.0", "id": "x", "error": {"code": code, "message": message, "data": {"mnemonic": mnemonic}}}
    body.update(extra)
    return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


def uis_handler(s: Seen) -> Reply:
    try:
        v = s.json()
    except ValueError:
        return rpc_error(-32700, "parse_error", "Invalid JSON was received by the server.")
    p = v["params"]
    if v.get("method") != "start.informer_call":
        return rpc_error(-32601, "method_not_found", "The method does not exist / is not available")
    if p.get("access_token") != TOKEN:
        return rpc_error(-32001, "access_token_invalid", "Access token is invalid")
    contact = p["contact"]
    if contact == "79990000429":
        return rpc_error(-32029, "limit_exceeded", "Limit per minute has been exceeded", metadata={"limits": {"minute_reset": 7}})
    if contact == "79990000500":
        return Reply(502, b"<html>bad gateway</html>", {"Content-Type": "text/html"})
    if contact == "79990000408":
        return Reply(200, b"{}", delay=3.0)
    if contact == "79990000666":
        return Reply(200, b'{"jsonrpc": "2.0", "result": {"da', {"Content-Type": "application/json"})
    return Reply(200, json.dumps({"jsonrpc": "2.0", "id": v["id"], "result": {"data": {"call_session_id": 1238694}}}).encode())


def ari_handler(s: Seen) -> Reply:
    want = "Basic " + base64.b64encode(f"chek:{ARI_PW}".encode()).decode()
    if s.headers.get("authorization") != want:
        return Reply(401, b'{"message": "Authentication required"}')
    number = s.query().get("endpoint", "").removeprefix("PJSIP/").split("@")[0]
    if number == "79990000429":
        return Reply(429, b'{"message": "Too many requests"}', {"Retry-After": "2"})
    if number == "79990000500":
        return Reply(500, b'{"message": "Internal Server Error"}')
    return Reply(200, json.dumps({"id": "1733.12", "name": "PJSIP/trunk-00000001", "state": "Down"}).encode())


@pytest.fixture
def uis_api() -> Iterator[StandIn]:
    s = StandIn(uis_handler)
    yield s
    s.close()


@pytest.fixture
def ari_api() -> Iterator[StandIn]:
    s = StandIn(ari_handler)
    yield s
    s.close()


def test_uis_places_an_informer_call(uis_api: StandIn) -> None:
    gw = Uis(TOKEN, "+7 499 372-06-92", base_url=uis_api.url, dialing_timeout=25, timeout=2.0)
    placed = gw.place_call("8 916 123-45-67", "Ваш приз ждёт вас", external_id="notify:42")
    assert (placed.provider, placed.call_id) == ("uis", "1238694")
    assert placed.to_dict() == {"provider": "uis", "call_id": "1238694"}
    v = uis_api.seen[-1].json()
    assert (v["jsonrpc"], v["method"]) == ("2.0", "start.informer_call")
    p = v["params"]
    assert (p["access_token"], p["virtual_phone_number"], p["contact"]) == (TOKEN, "74993720692", "79161234567")
    assert p["contact_message"] == {"type": "tts", "value": "Ваш приз ждёт вас"}
    assert (p["external_id"], p["dialing_timeout"]) == ("notify:42", 25)
    assert TOKEN not in repr(gw)


@pytest.mark.parametrize(
    ("to", "code", "retryable", "after"),
    [
        ("+79990000429", "channel.rate_limited", True, 7.0),
        ("+79990000500", "channel.unavailable", True, None),
        ("+79990000408", "channel.timeout", True, None),
        ("+79990000666", "channel.bad_response", False, None),
    ],
)
def test_uis_failures(uis_api: StandIn, to: str, code: str, retryable: bool, after: float | None) -> None:
    gw = Uis(TOKEN, "74993720692", base_url=uis_api.url, timeout=1.0)
    with pytest.raises(chek.ChannelError) as e:
        gw.place_call(to, "Текст")
    assert e.value.code == code
    assert e.value.details["retryable"] is retryable
    assert e.value.details["retry_after"] == after
    assert TOKEN not in str(e.value)


def test_bad_credentials_and_arguments(uis_api: StandIn, ari_api: StandIn) -> None:
    with pytest.raises(chek.ChannelError) as e:
        Uis("wrong-SECRET", "74993720692", base_url=uis_api.url, timeout=2.0).place_call("79161234567", "x")
    assert e.value.code == "channel.unauthorized" and "wrong-SECRET" not in str(e.value)
    with pytest.raises(chek.ChannelError) as e:
        Asterisk("chek", "wrong-SECRET", base_url=ari_api.url, trunk="trunk", app="chek").place_call("79161234567", "x")
    assert e.value.code == "channel.unauthorized" and "wrong-SECRET" not in str(e.value)
    with pytest.raises(chek.ChannelError) as e:
        Uis(TOKEN, "74993720692", base_url=uis_api.url).place_call("not a phone", "x")
    assert e.value.code == "channel.invalid"
    with pytest.raises(chek.ChannelError) as e:
        Uis(TOKEN, "74993720692", base_url=uis_api.url).place_call("79161234567", "я" * 1001)
    assert e.value.code == "channel.too_long"
    with pytest.raises(chek.ChannelError) as e:
        Uis(TOKEN, "74993720692", base_url="ftp://x")
    assert e.value.code == "channel.invalid"
    with pytest.raises(ValueError):
        Asterisk("chek", ARI_PW, base_url=ari_api.url, trunk="trunk")
    assert uis_api.seen == [] or all(s.json()["params"]["contact"] == "79161234567" for s in uis_api.seen)


def test_asterisk_originates_with_the_text_in_a_variable(ari_api: StandIn) -> None:
    gw = Asterisk("chek", ARI_PW, base_url=ari_api.url, trunk="trunk", context="chek-voice", caller_id="74993720692", timeout=2.0)
    placed = gw.place_call("+7 916 123 45 67", "Ваш чек принят", external_id="outbox:1")
    assert (placed.provider, placed.call_id) == ("asterisk", "1733.12")
    s = ari_api.seen[-1]
    q = s.query()
    assert urllib.parse.urlsplit(s.path).path == "/ari/channels"
    assert (q["endpoint"], q["context"], q["extension"], q["callerId"]) == (
        "PJSIP/79161234567@trunk",
        "chek-voice",
        "s",
        "74993720692",
    )
    assert s.json()["variables"] == {"CHEK_TTS": "Ваш чек принят", "CHEK_EXTERNAL_ID": "outbox:1"}
    assert ARI_PW not in s.path and ARI_PW not in repr(gw)
    with pytest.raises(chek.ChannelError) as e:
        gw.place_call("+79990000429", "x")
    assert e.value.code == "channel.rate_limited" and e.value.details["retry_after"] == 2.0
    with pytest.raises(chek.ChannelError) as e:
        gw.place_call("+79990000500", "x")
    assert e.value.code == "channel.unavailable"


def test_callbacks_feed_call_outcome() -> None:
    r = parse_uis_callback(b'{"call_session_id": 998677427, "finish_reason": "subscriber_disconnects", "talk_time_duration": 27}')
    assert isinstance(r, CallReport)
    assert (r.provider, r.call_id, r.status, r.duration_s) == ("uis", "998677427", "subscriber_disconnects", 27)
    assert call_outcome(r.to_dict(), key="n1", recipient=WHO, now=NOW).outcome == "answered"
    a = parse_asterisk_callback('{"channel_id": "1733.12", "dialstatus": "BUSY", "hangupcause": 17}')
    assert (a.provider, a.status, a.hangup_cause) == ("asterisk", "BUSY", 17)
    assert call_outcome(a.to_dict(), key="n2", recipient=WHO, now=NOW).outcome == "busy"
    ev = parse_asterisk_callback(b'{"type": "ChannelDestroyed", "cause": 1, "channel": {"id": "c", "state": "Down"}}')
    assert call_outcome(ev.to_dict(), key="n3", recipient=WHO, now=NOW).outcome == "invalid_number"
    for bad in [b"", b"garbage", b"[1]", b"{}", b"{" * 100_000, b'{"finish_reason": 1}']:
        with pytest.raises(chek.ChannelError) as e:
            parse_uis_callback(bad)
        assert e.value.code in ("channel.bad_response", "channel.too_large")
    with pytest.raises(chek.ChannelError) as e:
        parse_asterisk_callback(b'{"dialstatus": "ANSWER", "pad": "' + b"x" * 70_000 + b'"}')
    assert e.value.code == "channel.too_large"
    with pytest.raises(TypeError):
        parse_uis_callback(12)  # type: ignore[arg-type]


def test_a_gateway_is_the_outboxs_voice_sender(uis_api: StandIn, tmp_path: Path) -> None:
    ledger = chek.Ledger(str(tmp_path / "o.sqlite"))
    outbox.enqueue(ledger, "call:1", "voice", "+79161234567", "Ваш приз ждёт вас", now=NOW)
    gw = Uis(TOKEN, "74993720692", base_url=uis_api.url, timeout=2.0)
    report = outbox.Dispatcher({"voice": gw}).run_once(ledger, now=NOW)
    assert report.sent == 1
    m = outbox.get(ledger, "call:1")
    assert m is not None and m.provider_id == "1238694"
    assert uis_api.seen[-1].json()["params"]["external_id"] == f"outbox:{m.id}"
    with pytest.raises(ValueError):
        outbox.Dispatcher({"sms": gw})
