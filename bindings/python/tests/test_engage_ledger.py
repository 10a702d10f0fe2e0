"""Engagement state in the ledger: `chek.engage.loyalty.LoyaltyLedger` and `chek.engage.feedback.FeedbackLedger` on SQLite (a
file shared by threads), each request one transaction."""

from __future__ import annotations

import datetime
import pathlib
import threading

import pytest

import chek

NOW = datetime.datetime(2026, 11, 23, 12, 0)
KEY = b"python-ledger-test-key-01234567"
PROGRAMME = chek.engage.loyalty.LoyaltyProgramme.example()
SURVEY = chek.engage.feedback.Survey.from_toml(
    'id = "s"\ncriteria = ["A", "B"]\nbonus_points = 50\nreview_url = "https://r.example/r/"\n'
)


def card(i: int) -> str:
    body = f"46{5_000_000 + i:010d}"
    total = sum(int(d) * (1 if k % 2 == 0 else 3) for k, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def test_loyalty_on_the_ledger(tmp_path: pathlib.Path) -> None:
    ledger = chek.Ledger(str(tmp_path / "engage.sqlite"))
    cards = chek.engage.loyalty.LoyaltyLedger(ledger, PROGRAMME)
    assert cards.issue([card(0), card(1)], blocked=[card(2)], now=NOW) == 3
    assert cards.issue([card(0)], now=NOW) == 0
    first = cards.sms("8 916 123-45-67", card(0), event_id="sms-1", now=NOW)
    assert (first.code, first.success, first.replayed) == ("loyalty.activated", True, False)
    assert first.reply["segments"] == 1
    again = cards.sms("8 916 123-45-67", card(0), event_id="sms-1", now=NOW)
    assert again.replayed and again.code == "loyalty.activated"
    assert again.to_dict()["replayed"] is True
    assert cards.sms("+79990000000", card(0), now=NOW).code == "loyalty.card_bound"
    assert cards.sms("+79990000000", card(2), now=NOW).code == "loyalty.card_blocked"
    assert cards.sms("+79990000000", "привет", now=NOW).code == "loyalty.no_card"
    pending = cards.till("k-7", card(1), "+7 903 000-00-01", can_activate=False, now=NOW)
    assert pending.code == "loyalty.pending"
    assert cards.confirm(card(1), now=NOW).code == "loyalty.confirmed"
    assert cards.block("not a card", now=NOW).success is False

    row = cards.card(card(0))
    assert row is not None
    assert (row["status"], row["phone"], row["updated_at"]) == ("active", "+79161234567", NOW)
    rows = cards.export()
    assert [r["card"] for r in rows] == [card(0), card(1), card(2)]
    assert [r["status"] for r in rows] == ["active", "active", "blocked"]
    assert cards.card("garbage") is None

    # The registry value and back into another ledger.
    reg = cards.registry()
    other = chek.engage.loyalty.LoyaltyLedger(chek.Ledger(":memory:"), PROGRAMME)
    assert other.import_registry(reg, now=NOW) == 3
    assert other.export() == rows


def test_parallel_activations_lose_nothing(tmp_path: pathlib.Path) -> None:
    ledger = chek.Ledger(str(tmp_path / "parallel.sqlite"))
    cards = chek.engage.loyalty.LoyaltyLedger(ledger, PROGRAMME)
    n = 40
    cards.issue([card(i) for i in range(n)], now=NOW)
    codes: list[str] = []
    lock = threading.Lock()

    def activate(i: int) -> None:
        r = cards.sms(f"+7916{1_000_000 + i % n:07d}", card(i % n), now=NOW)
        with lock:
            codes.append(r.code)

    threads = [threading.Thread(target=activate, args=(i,)) for i in range(2 * n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count("loyalty.activated") == n
    assert codes.count("loyalty.already_active") == n
    assert sum(1 for r in cards.export() if r["status"] == "active") == n


def test_feedback_on_the_ledger(tmp_path: pathlib.Path) -> None:
    book = chek.engage.feedback.FeedbackLedger(chek.Ledger(str(tmp_path / "fb.sqlite")), SURVEY, KEY)
    out = book.answer(client="anna", response="r1", scores=[9, 8], now=NOW)
    assert out["seq"] == 1 and out["repeated"] is False and out["bonus"]["points"] == 50
    assert book.answer(client="anna", response="r1", scores=[9, 8], now=NOW)["repeated"] is True
    link = out["invitation"]["link"]
    assert book.click(link, now=NOW)["first"] is True
    assert book.click(link, now=NOW)["first"] is False
    later = NOW + datetime.timedelta(days=1)
    assert book.visit("anna", "v1", now=later)["points"] == 50
    assert book.visit("anna", "v2", now=later)["points"] == 0
    retry = book.visit("anna", "v1", now=later)
    assert retry["repeated"] is True and retry["points"] == 50
    with pytest.raises(chek.FeedbackError) as e:
        book.answer(client="anna", response="r2", scores=[11, 9], now=NOW)
    assert e.value.code == "feedback.bad_scores"
    with pytest.raises(chek.FeedbackError) as e:
        book.click("forged-token", now=NOW)
    assert e.value.code == "feedback.bad_token"

    state = book.state()
    assert len(state) == 1
    fresh = chek.engage.feedback.FeedbackLedger(chek.Ledger(":memory:"), SURVEY, KEY)
    fresh.import_state(state, now=NOW)
    assert fresh.state() == state
    with pytest.raises(chek.EngineError) as err:
        fresh.import_state(state, now=NOW)
    assert err.value.code == "store.conflict"
