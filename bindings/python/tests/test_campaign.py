"""`chek.Campaign` (TOML, JSON, files), `.evaluate`, `.evaluate_many` (GIL released),
`chek.Decision`, `chek.Reason`, `chek.History`, `chek.PastReceipt`."""

from __future__ import annotations

import datetime
import json
import threading
import time

import pytest

import chek
from helpers import REPO

CAMPAIGNS = REPO / "examples" / "campaigns"
NOW = datetime.datetime(2026, 9, 20, 7, 0)  # naive UTC

DEMO = """
id = "demo"
name = "Демо"
[when]
start = "2026-09-01"
end = "2026-09-30"
[what]
min_total = "500"
require_verification = false
[[earn]]
id = "per-500"
kind = "per_amount"
every = "500"
lots = 1
"""


def receipt(name: str) -> chek.Receipt:
    return chek.Receipt.from_fns_json((CAMPAIGNS / "receipts" / name).read_text(encoding="utf-8"))


def test_from_toml_and_evaluate() -> None:
    c = chek.Campaign.from_toml(DEMO)
    assert (c.id, c.name, c.version) == ("demo", "Демо", 0)
    assert repr(c) == "Campaign(id='demo', name='Демо', version=0)"
    qr = chek.parse_qr("t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1")
    d = c.evaluate(qr, now=NOW)
    assert (d.status, d.accepted, d.lots, d.points) == ("accepted", True, 3, 0)
    assert d.campaign == "demo" and d.receipt == qr.identity
    assert d.has("campaign.lots_earned")
    assert d == c.evaluate(chek.Candidate(qr), now=NOW)


def test_every_reason_not_only_the_first() -> None:
    c = chek.Campaign.from_toml(DEMO)
    qr = chek.parse_qr("t=20260820T1200&s=100.00&fn=7281440500751551&i=2&fp=1&n=1")
    d = c.evaluate(qr, now=NOW)
    assert d.status == "rejected" and not d.accepted and d.lots == 0
    codes = [r.code for r in d.reasons]
    assert "campaign.before_period" in codes and "campaign.total_too_small" in codes
    assert d.segments == ["out_of_period"]
    r = next(r for r in d.reasons if r.code == "campaign.total_too_small")
    assert r.effect == "reject" and r.rule == "what.min_total"
    assert r.hint == r.hints["ru"] and "500" in r.hints["en"]
    assert r.to_dict()["code"] == r.code
    assert repr(r) == "Reason(code='campaign.total_too_small', effect='reject')"
    dd = d.to_dict()
    assert dd["status"] == "rejected" and [x["code"] for x in dd["reasons"]] == codes
    assert "campaign.before_period" in repr(d)


def test_json_and_parse_give_the_same_campaign() -> None:
    c = chek.Campaign.from_toml(DEMO)
    as_json = json.dumps(c.to_dict())
    qr = chek.parse_qr("t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1")
    for other in (chek.Campaign.from_json(as_json), chek.Campaign.from_json(c.to_dict()), chek.Campaign.parse(as_json)):
        assert other.to_dict() == c.to_dict()
        assert other.evaluate(qr, now=NOW) == c.evaluate(qr, now=NOW)
    assert "earn" in chek.Campaign.json_schema()["properties"]


def test_example_campaign_file_with_store_list() -> None:
    c = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    d = c.evaluate(receipt("anna__1.json"), now=NOW)
    assert (d.status, d.lots) == ("accepted", 3)
    text = (CAMPAIGNS / "stationery-autumn.toml").read_text(encoding="utf-8")
    stores = (CAMPAIGNS / "stationery-stores.csv").read_text(encoding="utf-8")
    assert chek.Campaign.from_toml(text, stores=stores).evaluate(receipt("anna__1.json"), now=NOW) == d
    with pytest.raises(chek.CampaignError) as info:
        chek.Campaign.from_toml(text)
    assert info.value.code == "campaign.invalid"
    assert info.value.details["path"] == "where.stores_file"
    with pytest.raises(FileNotFoundError):
        chek.Campaign.from_file(CAMPAIGNS / "nope.toml")


def test_history_makes_a_duplicate() -> None:
    c = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    h = chek.History.from_json((CAMPAIGNS / "history-anna.json").read_text(encoding="utf-8"))
    assert h.participant == "anna" and h.campaign_lots == 3
    assert h.receipts[0].id == receipt("anna__1.json").identity
    d = c.evaluate(receipt("anna__1.json"), h, now=NOW)
    assert d.status == "rejected" and d.has("campaign.duplicate")
    assert "duplicate" in d.segments
    built = chek.History(
        "anna",
        [chek.PastReceipt(str(h.receipts[0].id), h.receipts[0].submitted_at, lots=3)],
        campaign_lots=3,
    )
    assert built == h
    assert c.evaluate(receipt("anna__1.json"), built, now=NOW) == d
    assert h.to_dict()["receipts"][0]["submitted_at"] == h.receipts[0].submitted_at.isoformat()
    assert repr(h) == "History(participant='anna', receipts=1, campaign_lots=3, campaign_points=0)"
    other = chek.History("boris", claimed_by_others=[receipt("anna__1.json").identity])
    assert c.evaluate(receipt("anna__1.json"), other, now=NOW).has("campaign.conflict")
    with pytest.raises(ValueError):
        chek.History.from_json('{"receipts": 3}')
    with pytest.raises(ValueError):
        chek.PastReceipt("bad id", NOW)


def test_out_of_period_and_pending() -> None:
    c = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    late = c.evaluate(receipt("boris__2.json"), now=datetime.datetime(2026, 10, 3, 7))
    assert late.status == "rejected" and "out_of_period" in late.segments
    qr = chek.parse_qr("t=20260905T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1")
    assert c.evaluate(qr, now=datetime.datetime(2026, 9, 10, 7)).status == "pending"


def test_now_defaults_to_the_clock() -> None:
    c = chek.Campaign.from_toml(DEMO)
    qr = chek.parse_qr("t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1")
    d = c.evaluate(qr)
    # Evaluated today (after 2026-09-30, or earlier while the campaign runs): a decision either way.
    assert d.status in ("accepted", "rejected")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("id = ", "campaign.malformed"),
        ('id = "x"\nname = "x"\n[when]\nstart = "2026-09-30"\nend = "2026-09-01"\n', "campaign.invalid"),
        ("x" * 2_000_000, "campaign.too_large"),
    ],
)
def test_campaign_errors(text: str, code: str) -> None:
    with pytest.raises(chek.CampaignError) as info:
        chek.Campaign.from_toml(text)
    assert info.value.code == code
    assert info.value.hints["ru"] and info.value.hints["en"]


def test_evaluate_type_errors() -> None:
    c = chek.Campaign.from_toml(DEMO)
    with pytest.raises(TypeError):
        c.evaluate("t=...", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        c.evaluate_many([(chek.parse_qr("t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1"),)], now=NOW)  # type: ignore[list-item]


def test_evaluate_many_matches_evaluate() -> None:
    c = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    h = chek.History.from_json((CAMPAIGNS / "history-anna.json").read_text(encoding="utf-8"))
    names = ["anna__1.json", "anna__2.json", "boris__1.json", "boris__2.json", "vera__1.json", "vera__2.json"]
    rs = [receipt(n) for n in names]
    many = c.evaluate_many(rs, now=NOW)
    assert many == [c.evaluate(r, now=NOW) for r in rs]
    paired = c.evaluate_many([(rs[0], h), rs[1]], now=NOW)
    assert paired == [c.evaluate(rs[0], h, now=NOW), c.evaluate(rs[1], now=NOW)]
    assert c.evaluate_many([], now=NOW) == []


def test_evaluate_many_releases_the_gil() -> None:
    """A big batch runs while this thread keeps running Python (see test_scan for the idea)."""
    c = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    batch = [receipt(n) for n in ("anna__1.json", "boris__1.json", "vera__1.json")] * 5000
    span: dict[str, float] = {}

    def work() -> None:
        span["start"] = time.perf_counter()
        c.evaluate_many(batch, now=NOW)
        span["end"] = time.perf_counter()

    ticks: list[float] = []
    t = threading.Thread(target=work)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    duration = span["end"] - span["start"]
    inside = [x for x in ticks if span["start"] < x < span["end"]]
    assert duration > 0.05, f"the batch took only {duration:.3f}s"
    assert inside and max(inside) - min(inside) > 0.5 * duration


def test_caps_keep_the_uncapped_figures() -> None:
    capped = DEMO.replace("[[earn]]", "[caps]\nlots_per_receipt = 2\n\n[[earn]]")
    c = chek.Campaign.from_toml(capped)
    qr = chek.parse_qr("t=20260915T1200&s=1530.00&fn=7281440500751551&i=1&fp=1&n=1")
    d = c.evaluate(qr, now=NOW)
    assert (d.lots, d.lots_before_caps, d.points_before_caps) == (2, 3, 0)
    assert d.has("campaign.cap_applied")
