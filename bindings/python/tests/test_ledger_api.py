"""The ledger read back from Python: a participant's history and every balance
(`Engine.history`, `Engine.balances`), draws recorded (`Engine.draws`, `Engine.lots`); the
re-check schedule (`chek.RecheckPolicy`, `Engine(recheck_policy=…)`); campaign back-tests
(`Campaign.replay`, `Campaign.backtest`). Real SQLite ledgers in temporary directories and the
local ФНС stand-in of test_verify.py."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import chek
from helpers import REPO
from test_verify import FAST, SESSION, Reply, Server, fixture, fns_routes, qr_of

DEMO = REPO / "examples" / "demo"
CAMPAIGNS = REPO / "examples" / "campaigns"
NOW = datetime.datetime(2026, 11, 23, 12, 0)
QRS = (DEMO / "qr.txt").read_text().split()
MANUAL = "фн 7281440500751551 фд 30700 фп 1234567890 21.11.26 14:05 1250,00"


def engine(tmp: Path, recheck_policy: chek.RecheckPolicy | None = None) -> chek.Engine:
    campaign = (DEMO / "campaign.toml").read_text(encoding="utf-8")
    return chek.Engine(campaign, chek.Ledger(str(tmp / "l.sqlite")), recheck_policy=recheck_policy)


def test_history_and_balances(tmp_path: Path) -> None:
    e = engine(tmp_path)
    assert e.history("anna") is None and e.balances() == []
    first = e.submit("anna", qr=QRS[4], received_at=NOW)
    e.submit("anna", qr=QRS[4], received_at=NOW + datetime.timedelta(minutes=5))  # own repeat
    e.submit("boris", qr=QRS[4], lang="en", received_at=NOW)  # anna's receipt
    e.submit("vera", manual=MANUAL, received_at=NOW)  # waits for ФНС
    h = e.history("anna")
    assert h is not None and isinstance(h, chek.ParticipantRecord)
    assert (h.campaign, h.participant, h.lang, h.since) == (e.campaign_id, "anna", "ru", NOW)
    assert (h.balance.counted, h.lots, h.points) == (1, first.lots, 0)
    assert len(h.receipts) == 1, "one entry per receipt, however often it was sent"
    r = h.receipts[0]
    assert (str(r.receipt), r.status, r.lots, r.counted_at, r.first_at) == (first.receipt, "accepted", first.lots, NOW, NOW)
    assert r.channel == "qr" and r.qr == first.qr and r.next_at is None
    boris = e.history("boris")
    assert boris is not None and boris.lang == "en" and boris.receipts[0].status == "awaiting_operator"
    vera = e.history("vera")
    assert vera is not None and vera.receipts[0].status == "pending_recheck" and vera.receipts[0].next_at == NOW
    assert [(b.participant, b.counted, b.lots) for b in e.balances()] == [
        ("anna", 1, first.lots),
        ("boris", 0, 0),
        ("vera", 0, 0),
    ]
    assert sum(b.lots for b in e.balances()) == e.report().lots
    # The store's shape, JSON-ready: the status flattened, the balance's figures at the top.
    d = h.to_dict()
    assert d["counted"] == 1 and d["lots"] == first.lots and d["receipts"][0]["status"] == "accepted"
    assert d["since"] == NOW.isoformat() and json.loads(json.dumps(d)) == d
    assert e.balances()[0] == h.balance
    assert hash(h.balance) == hash(e.balances()[0])
    audit = e.audit()
    assert audit.sound and (audit.accepted, audit.accrued_lots) == (1, first.lots)
    assert audit.to_dict()["accrued_lots"] == first.lots and "sound" not in audit.to_dict()
    e.set_language("vera", "en")
    assert e.history("vera") is not None and e.history("vera").lang == "en"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        e.set_language("vera", "klingon")
    with pytest.raises(chek.EngineError) as err:
        e.set_language("", "en")
    assert err.value.code == "engine.bad_participant"


def test_due_rechecks_are_typed(tmp_path: Path) -> None:
    e = engine(tmp_path)
    o = e.submit("vera", manual=MANUAL, received_at=NOW)
    due = e.due_rechecks(now=NOW)
    assert len(due) == 1
    p = due[0]
    assert isinstance(p, chek.PendingRecheck)
    assert (p.participant, str(p.receipt), p.channel, p.first_received_at, p.next_at) == (
        "vera",
        o.receipt,
        "manual",
        NOW,
        NOW,
    )
    assert p.attempts == [] and p.lang == "ru" and p.campaign == e.campaign_id
    assert e.due_rechecks(now=NOW - datetime.timedelta(seconds=1)) == []


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def outcome(server: Server, reply: Reply) -> chek.VerifyResult:
    server.routes.clear()
    server.routes[("POST", "/v2/ticket")] = reply
    server.routes[("GET", "/v2/tickets/t")] = Reply(200, '{"status": 0}')
    return chek.FnsMobile(SESSION, base_url=server.url, **FAST).verify(qr_of("irkkt-ticket-2023-ozon.json"))


def test_recheck_policy_schedule(server: Server) -> None:
    unknown = outcome(server, Reply(200, '{"id": "t", "status": 0}'))
    limited = outcome(server, Reply(429, "{}", headers={"Retry-After": "600"}))
    assert (unknown.status, limited.status) == ("not_yet_known", "rate_limited")
    t0 = datetime.datetime(2026, 11, 20, 10, 0)
    day = datetime.timedelta(days=1)
    p = chek.RecheckPolicy()
    assert p.schedule == [datetime.timedelta(0), day, 3 * day]
    assert (p.escalate_when_exhausted, p.max_free_attempts) == (True, 48)
    assert (p.rate_limit_wait, p.outage_wait) == (datetime.timedelta(hours=1), datetime.timedelta(minutes=15))
    first = chek.Attempt(t0, unknown)
    assert (first.at, first.outcome) == (t0, unknown)
    step = p.next([first], now=t0)
    assert (step.action, step.at) == ("retry_at", t0 + day)
    second = chek.Attempt(t0 + day, unknown)
    assert p.next([first, second], now=t0 + day).at == t0 + 3 * day
    third = chek.Attempt(t0 + 3 * day, unknown)
    assert p.next([first, second, third], now=t0 + 3 * day).action == "escalate"
    # A rate limit spends no attempt: it waits what the provider asked, never before the schedule.
    limit = chek.Attempt(t0 + day, limited)
    assert p.next([first, limit], now=t0 + day).at == t0 + day + datetime.timedelta(minutes=10)
    # Another schedule, and giving up instead of asking a person.
    fast = chek.RecheckPolicy([datetime.timedelta(0), datetime.timedelta(hours=2)], escalate_when_exhausted=False)
    assert fast.next([first], now=t0).at == t0 + datetime.timedelta(hours=2)
    assert fast.next([first, chek.Attempt(t0 + datetime.timedelta(hours=2), unknown)], now=t0).action == "give_up"
    assert fast.next([], now=t0).to_dict() == {"action": "retry_at", "at": t0.isoformat()}
    with pytest.raises(ValueError):
        chek.RecheckPolicy([datetime.timedelta(hours=-1)])


def test_verified_is_done_and_engine_takes_the_policy(server: Server, tmp_path: Path) -> None:
    fns_routes(server, Reply(200, fixture("irkkt-ticket-2023-ozon.json")))
    ok = chek.FnsMobile(SESSION, base_url=server.url, **FAST).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert chek.RecheckPolicy().next([chek.Attempt(NOW, ok)], now=NOW).action == "done"
    custom = chek.RecheckPolicy([datetime.timedelta(0), datetime.timedelta(hours=6)], max_free_attempts=3)
    e = engine(tmp_path, recheck_policy=custom)
    assert e.recheck_policy == custom and e.recheck_policy.max_free_attempts == 3
    (tmp_path / "default").mkdir()
    assert engine(tmp_path / "default").recheck_policy == chek.RecheckPolicy()


def submissions() -> list[tuple[str, chek.ReceiptLike]]:
    out: list[tuple[str, chek.ReceiptLike]] = []
    for f in sorted((CAMPAIGNS / "receipts").glob("*.json")):
        out.append((f.stem.split("__")[0], chek.Receipt.from_fns_json(f.read_text(encoding="utf-8"))))
    return out


def test_backtest_two_versions() -> None:
    old = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    new = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn-v2.toml")
    subs = submissions()
    a, b = old.replay(subs), new.replay(subs)
    assert len(a) == len(subs) and all(isinstance(d, chek.Decision) for d in a)
    rep = old.backtest(new, subs)
    assert rep.receipts == len(subs)
    assert rep.old_total_lots == sum(d.lots for d in a if d.accepted)
    assert rep.new_total_lots == sum(d.lots for d in b if d.accepted)
    changed = [(s[0], str(x.receipt)) for s, x, y in zip(subs, a, b) if (x.status, x.lots) != (y.status, y.lots)]
    assert [(c.participant, str(c.receipt)) for c in rep.changes] == changed and changed
    c = rep.changes[0]
    assert (c.old_status, c.old_lots) != (c.new_status, c.new_lots)
    gains = {p: (o, n) for p, (o, n) in rep.participants.items()}
    assert gains and all(o != n for o, n in gains.values())
    d = rep.to_dict()
    assert set(d) == {"receipts", "changes", "participants", "old_total_lots", "new_total_lots"}
    assert d["changes"][0]["receipt"] == c.receipt.to_dict()
    # With no time a receipt is sent at purchase; with a time, that time counts (UTC or aware).
    anna = subs[0][1]
    late = old.replay([("anna", anna, datetime.datetime(2026, 12, 31, 12, 0))])
    assert late[0].status == "rejected"
    assert old.replay([("anna", anna)])[0].status == "accepted"
    with pytest.raises(TypeError):
        old.replay([("anna",)])  # type: ignore[list-item]
    # The same receipt twice: the first sender keeps it.
    twice = old.replay([("anna", anna), ("boris", anna)])
    assert [d.status for d in twice] == ["accepted", "pending"]
