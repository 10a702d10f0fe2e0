"""`chek.channels.SmsRu` and `Smsc` against a local stand-in answering as the documented APIs
do (Python's http.server in a thread), `parse_smsru_callback`, and a gateway as the outbox's
`sms` sender."""

from __future__ import annotations

import datetime
import urllib.parse
from pathlib import Path

import pytest

import chek
from chek import outbox
from chek.channels import SmsRu, Smsc, parse_smsru_callback
from test_channels import Answer, BotApi, api, ok  # noqa: F401

KEY = "A3CA597E-SECRET"
NOW = datetime.datetime(2026, 12, 5, 10, 0)


def json_answer(body: str) -> Answer:
    return Answer(200, body.encode())


def form(api: BotApi, i: int = -1) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(api.seen[i].body.decode()))


def test_smsru_send_status_and_callback(api: BotApi) -> None:
    api.routes["/sms/send"] = json_answer(
        '{"status": "OK", "status_code": 100, "sms": {"79161234567": {"status": "OK", "status_code": 100,'
        ' "sms_id": "000000-1", "cost": "2.05"}}}'
    )
    api.routes["/sms/status"] = json_answer(
        '{"status": "OK", "status_code": 100, "sms": {"000000-1": {"status": "OK", "status_code": 103}}}'
    )
    gw = SmsRu(KEY, base_url=api.url, sender="CHEK", timeout=2.0)
    sent = gw.send("+7 916 123-45-67", "Карта активирована")
    assert (sent.provider_id, sent.segments, sent.cost_kopecks) == ("000000-1", 1, 205)
    f = form(api)
    assert (f["api_id"], f["to"], f["from"], f["msg"]) == (KEY, "79161234567", "CHEK", "Карта активирована")
    st = gw.status("000000-1", "79161234567")
    assert (st.delivery, st.provider_code) == ("delivered", 103)
    assert KEY not in repr(gw)
    got = parse_smsru_callback("data%5B0%5D=sms_status%0A000000-1%0A106%0A1")
    assert [s.delivery for s in got] == ["failed"]
    assert sent.to_dict() == {"provider_id": "000000-1", "segments": 1, "cost_kopecks": 205}


def test_errors_raise_channel_error_without_the_secret(api: BotApi) -> None:
    api.routes["/sms/send"] = json_answer(f'{{"status": "ERROR", "status_code": 200, "status_text": "bad {KEY}"}}')
    api.routes["/sys/send.php"] = json_answer('{"error": "duplicate request", "error_code": 9}')
    with pytest.raises(chek.ChannelError) as e:
        SmsRu(KEY, base_url=api.url).send("79161234567", "x")
    assert e.value.code == "channel.unauthorized" and KEY not in str(e.value)
    with pytest.raises(chek.ChannelError) as e:
        Smsc("shop", "pw", base_url=api.url).send("79161234567", "x")
    assert e.value.code == "channel.rate_limited" and e.value.details["retryable"] is True
    with pytest.raises(chek.ChannelError) as e:
        SmsRu(KEY, base_url=api.url).send("not a phone", "x")
    assert e.value.code == "channel.invalid"
    with pytest.raises(chek.ChannelError) as e:
        SmsRu(KEY, base_url="ftp://x")
    assert e.value.code == "channel.invalid"


def test_a_gateway_is_the_outboxs_sms_sender(api: BotApi, tmp_path: Path) -> None:
    api.routes["/sys/send.php"] = json_answer('{"id": 77, "cnt": 1, "cost": "1.40"}')
    ledger = chek.Ledger(str(tmp_path / "o.sqlite"))
    outbox.enqueue(ledger, "act:1", "sms", "+79161234567", "Карта активирована", now=NOW)
    gw = Smsc("shop", "pw", base_url=api.url, timeout=2.0)
    report = outbox.Dispatcher({"sms": gw}).run_once(ledger, now=NOW)
    assert report.sent == 1
    m = outbox.get(ledger, "act:1")
    assert m is not None and m.provider_id == "77"
    assert form(api)["phones"] == "79161234567"
    with pytest.raises(ValueError):
        outbox.Dispatcher({"telegram": gw})
