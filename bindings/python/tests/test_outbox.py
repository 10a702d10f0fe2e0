"""chek.outbox: messages queued once per key in a real SQLite ledger, claimed under a lease,
finished, and sent by the Dispatcher through Python callables."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import chek
from chek import outbox

T0 = datetime.datetime(2026, 9, 20, 9, 0)


def ledger(tmp_path: Path) -> chek.Ledger:
    return chek.Ledger(str(tmp_path / "outbox.sqlite"))


def test_a_key_is_queued_once(tmp_path: Path) -> None:
    led = ledger(tmp_path)
    first = outbox.enqueue(led, "reply:1", "telegram", "42", "Чек принят", now=T0)
    assert first.created and first.status == "queued"
    again = outbox.enqueue(led, "reply:1", "telegram", "42", "Чек принят", now=T0)
    assert (again.id, again.created) == (first.id, False)
    with pytest.raises(chek.EngineError) as e:
        outbox.enqueue(led, "reply:1", "telegram", "42", "Другой текст", now=T0)
    assert e.value.code == "store.conflict"
    m = outbox.get(led, "reply:1")
    assert m is not None and m.body == "Чек принят" and m.due_at == T0
    assert outbox.get(led, "reply:2") is None


def test_claim_finish_and_fencing(tmp_path: Path) -> None:
    led = ledger(tmp_path)
    outbox.enqueue(led, "k", "sms", "+79161234567", "Код 1234", now=T0)
    later = T0 + datetime.timedelta(minutes=5)
    outbox.enqueue(led, "later", "sms", "+79161234567", "Потом", due_at=later, now=T0)
    (m,) = outbox.claim(led, limit=10, lease=60, now=T0)
    assert (m.key, m.status, m.attempts, m.in_doubt) == ("k", "sending", 1, False)
    assert outbox.claim(led, now=T0) == []
    # Aware times are converted to UTC: 12:00 at +03:00 is 09:00 UTC.
    msk = datetime.timezone(datetime.timedelta(hours=3))
    assert outbox.claim(led, now=datetime.datetime(2026, 9, 20, 12, 0, tzinfo=msk)) == []
    assert outbox.finish(led, m, "sent", provider_id="p-1", now=T0)
    assert not outbox.finish(led, m, "sent", provider_id="p-1", now=T0), "finished already"
    assert outbox.delivery(led, "sms", "p-1", "delivered")
    done = outbox.get(led, "k")
    assert done is not None and (done.status, done.provider_id, done.delivery) == ("sent", "p-1", "delivered")
    c = outbox.counts(led)
    assert (c.queued, c.sent) == (1, 1)
    assert [x.key for x in outbox.list(led, status="queued")] == ["later"]
    with pytest.raises(ValueError):
        outbox.finish(led, m, "retry", error="x")
    with pytest.raises(ValueError):
        outbox.finish(led, m, "maybe")  # type: ignore[arg-type]


def test_hostile_input_has_codes(tmp_path: Path) -> None:
    led = ledger(tmp_path)
    for key, body in [("", "x"), ("k\n", "x"), ("k", ""), ("k" * 513, "x"), ("k", "я" * 40000)]:
        with pytest.raises(chek.EngineError) as e:
            outbox.enqueue(led, key, "telegram", "42", body, now=T0)
        assert e.value.code == "store.invalid"
    for limit, lease in [(0, 60.0), (1001, 60.0), (1, 0.0), (1, 7200.0)]:
        with pytest.raises(chek.EngineError) as e:
            outbox.claim(led, limit=limit, lease=lease, now=T0)
        assert e.value.code == "store.invalid"
    with pytest.raises(ValueError):
        outbox.claim(led, lease=-1.0, now=T0)
    with pytest.raises(chek.EngineError) as e:
        outbox.list(led, status="lost")
    assert e.value.code == "store.invalid"


class Blocked(Exception):
    code = "channel.blocked"
    retryable = False


class RateLimited(Exception):
    code = "channel.rate_limited"
    retryable = True
    retry_after = 120.0


def test_dispatcher_sends_retries_skips_and_fails(tmp_path: Path) -> None:
    led = ledger(tmp_path)
    for key in ["ok", "blocked", "busy", "night"]:
        outbox.enqueue(led, key, "telegram", "42", f"text {key}", now=T0)
    sent: list[str] = []

    def send(m: outbox.OutboxMessage) -> str | None:
        sent.append(m.key)
        if m.key == "blocked":
            raise Blocked()
        if m.key == "busy":
            raise RateLimited()
        return f"tg-{m.id}"

    asked: list[datetime.datetime] = []

    def gate(m: outbox.OutboxMessage, now: datetime.datetime) -> str | None:
        asked.append(now)
        return "notify.quiet_hours" if m.key == "night" else None

    d = outbox.Dispatcher({"telegram": send}, gate=gate, backoff_first=10.0)
    r = d.run_once(led, now=T0)
    assert (r.claimed, r.sent, r.failed, r.retried, r.skipped, r.stale) == (4, 1, 1, 1, 1, 0)
    assert sent == ["ok", "blocked", "busy"]
    assert asked == [T0] * 4

    def row(key: str) -> outbox.OutboxMessage:
        m = outbox.get(led, key)
        assert m is not None
        return m

    assert row("ok").provider_id == f"tg-{row('ok').id}"
    assert row("blocked").last_error == "channel.blocked"
    assert row("night").status == "skipped"
    # Retry-After (120 s) beats the backoff (10 s).
    assert row("busy").due_at == T0 + datetime.timedelta(seconds=120)
    assert d.run_once(led, now=T0 + datetime.timedelta(seconds=119)).claimed == 0
    assert d.run_once(led, now=T0 + datetime.timedelta(seconds=120)).retried == 1


def test_a_sender_exception_without_attributes_fails_the_message(tmp_path: Path) -> None:
    led = ledger(tmp_path)
    outbox.enqueue(led, "k", "sms", "+79161234567", "text", now=T0)

    def boom(m: outbox.OutboxMessage) -> str | None:
        raise RuntimeError("gateway exploded")

    r = outbox.Dispatcher({"sms": boom}).run_once(led, now=T0)
    assert r.failed == 1
    m = outbox.get(led, "k")
    assert m is not None and m.last_error == "RuntimeError"


def test_a_gate_that_raises_holds_the_message_back(tmp_path: Path) -> None:
    led = ledger(tmp_path)
    outbox.enqueue(led, "k", "sms", "+79161234567", "text", now=T0)
    sent: list[str] = []

    def gate(m: outbox.OutboxMessage, now: datetime.datetime) -> str | None:
        raise KeyError("no contact policy for this client")

    def send(m: outbox.OutboxMessage) -> str | None:
        sent.append(m.key)
        return None

    r = outbox.Dispatcher({"sms": send}, gate=gate).run_once(led, now=T0)
    assert (r.skipped, sent) == (1, [])
    m = outbox.get(led, "k")
    assert m is not None and m.last_error is not None and m.last_error.startswith("outbox.gate_error")
