"""Timezone-aware datetimes. UTC parameters (`received_at`, a campaign's or an engine's `now`,
notifications) convert an aware datetime to UTC; local wall-clock parameters (`validate`'s
`now`, loyalty, feedback and care times) convert it to `tz=` — a `datetime.tzinfo`, an IANA
name, or `Campaign.tz` — and without a zone raise `chek.TimeZoneError` (not `TypeError`)."""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import chek
from helpers import QR, REPO

UTC = datetime.timezone.utc
MSK = datetime.timezone(datetime.timedelta(hours=3))
VLAT = ZoneInfo("Asia/Vladivostok")  # UTC+10

CAMPAIGN = """
id = "tz"
name = "tz"
[when]
start = "2026-09-01"
end = "2026-09-30"
[what]
require_verification = false
[[earn]]
id = "r"
kind = "per_receipt"
lots = 1
"""
LATE_QR = "t=20260915T1200&s=600.00&fn=7281440500751551&i=7&fp=7&n=1"


def test_campaign_zone_and_local_time() -> None:
    c = chek.Campaign.from_toml(CAMPAIGN)
    assert c.tz == MSK
    assert c.tz.utcoffset(None) == datetime.timedelta(hours=3)
    east = chek.Campaign.from_toml(CAMPAIGN.replace('end = "2026-09-30"', 'end = "2026-09-30"\nutc_offset = "+10:00"'))
    assert east.tz == datetime.timezone(datetime.timedelta(hours=10))
    moment = datetime.datetime(2026, 9, 30, 20, 30)  # naive: UTC
    assert c.local_time(moment) == datetime.datetime(2026, 9, 30, 23, 30)
    assert c.local_time(moment.replace(tzinfo=UTC)) == datetime.datetime(2026, 9, 30, 23, 30)
    assert east.local_time(datetime.datetime(2026, 9, 30, 23, 30, tzinfo=MSK)) == datetime.datetime(2026, 10, 1, 6, 30)


def test_campaign_now_aware_is_converted_to_utc() -> None:
    c = chek.Campaign.from_toml(CAMPAIGN)
    qr = chek.parse_qr(LATE_QR)
    # Uploads close at the end of 30 September, Moscow time (20:59:59 UTC).
    in_time = datetime.datetime(2026, 9, 30, 23, 30, tzinfo=MSK)  # 20:30 UTC
    assert c.evaluate(qr, now=in_time) == c.evaluate(qr, now=datetime.datetime(2026, 9, 30, 20, 30))
    assert c.evaluate(qr, now=in_time).status == "accepted"
    # The same wall-clock figures taken as UTC are after the deadline: the zone mattered.
    assert c.evaluate(qr, now=datetime.datetime(2026, 9, 30, 23, 30)).status == "rejected"
    assert c.evaluate(qr, now=in_time.astimezone(VLAT)).status == "accepted"
    many = c.evaluate_many([qr, qr], now=in_time)
    assert [d.status for d in many] == ["accepted", "accepted"]


def test_engine_received_at_aware(tmp_path: Path) -> None:
    engine = chek.Engine(CAMPAIGN, chek.Ledger(str(tmp_path / "l.sqlite")))
    assert engine.tz == MSK
    at = datetime.datetime(2026, 9, 20, 12, 0, tzinfo=VLAT)  # 02:00 UTC
    o = engine.submit("anna", qr=LATE_QR, received_at=at)
    assert o.status == "accepted"
    h = engine.history("anna")
    assert h is not None and h.receipts[0].first_at == datetime.datetime(2026, 9, 20, 2, 0)
    batch = engine.submit_batch(
        [{"participant": "boris", "qr": LATE_QR.replace("i=7&fp=7", "i=8&fp=8"), "received_at": at}]
    )
    assert isinstance(batch[0], chek.Outcome)
    hb = engine.history("boris")
    assert hb is not None and hb.since == datetime.datetime(2026, 9, 20, 2, 0)
    assert engine.due_rechecks(now=at) == []


def test_past_receipt_and_attempt_are_utc() -> None:
    p = chek.PastReceipt("7281440500751551:1:1", datetime.datetime(2026, 9, 20, 12, 0, tzinfo=MSK), lots=1)
    assert p.submitted_at == datetime.datetime(2026, 9, 20, 9, 0)
    assert p.submitted_at.tzinfo is None


def test_validate_local_now_needs_a_zone() -> None:
    qr = chek.parse_qr(QR)  # bought 2024-09-17 18:01, register's local time (Moscow)
    aware = datetime.datetime(2024, 9, 17, 15, 30, tzinfo=UTC)  # 18:30 in Moscow
    with pytest.raises(chek.TimeZoneError) as e:
        chek.validate(qr, now=aware)
    assert e.value.code == "time.zone_needed"
    assert "tz=" in e.value.hints["en"] and e.value.hint
    assert isinstance(e.value, chek.ChekError) and not isinstance(e.value, TypeError)
    # Converted to the zone given: 18:30 in Moscow is after the purchase, 15:30 in UTC is not.
    assert chek.validate(qr, now=aware, tz="Europe/Moscow", future_tolerance_minutes=0) == []
    assert chek.validate(qr, now=aware, tz=ZoneInfo("Europe/Moscow"), future_tolerance_minutes=0) == []
    assert chek.validate(qr, now=aware, tz=chek.Campaign.from_toml(CAMPAIGN).tz, future_tolerance_minutes=0) == []
    future = [f.code for f in chek.validate(qr, now=aware, tz="UTC", future_tolerance_minutes=0)]
    assert future == ["fiscal.date_in_future"]
    # A naive `now` is the local time, as before; `tz` does not change it.
    assert chek.validate(qr, now=datetime.datetime(2024, 9, 17, 18, 30), tz="UTC") == []


def test_bad_zones() -> None:
    qr = chek.parse_qr(QR)
    aware = datetime.datetime(2024, 9, 18, tzinfo=UTC)
    with pytest.raises(chek.TimeZoneError) as e:
        chek.validate(qr, now=aware, tz="Mars/Olympus_Mons")
    assert e.value.code == "time.unknown_zone" and e.value.details == {"zone": "Mars/Olympus_Mons"}
    with pytest.raises(TypeError):
        chek.validate(qr, now=aware, tz=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chek.validate(qr, now=datetime.date(2024, 9, 18))  # type: ignore[arg-type]


def test_loyalty_and_feedback_local_times(tmp_path: Path) -> None:
    programme = chek.engage.loyalty.LoyaltyProgramme.example()
    card = "4600682000013"
    cards = chek.engage.loyalty.LoyaltyLedger(chek.Ledger(str(tmp_path / "c.sqlite")), programme)
    aware = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with pytest.raises(chek.TimeZoneError):
        cards.issue([card], now=aware)
    cards.issue([card], now=aware, tz="Europe/Moscow")
    r = cards.sms("89161234567", card, now=aware, tz="Asia/Vladivostok")
    assert r.code == "loyalty.activated"
    row = cards.card(card)
    assert row is not None and row["updated_at"] == datetime.datetime(2026, 11, 23, 19, 0)
    reg = chek.engage.loyalty.LoyaltyRegistry([card])
    with pytest.raises(chek.TimeZoneError):
        reg.sms(programme, "89161234567", card, now=aware)
    assert reg.sms(programme, "89161234567", card, now=aware, tz=MSK).code == "loyalty.activated"
    survey = chek.engage.feedback.Survey.from_toml((REPO / "examples/engage/survey.toml").read_text(encoding="utf-8"))
    state = chek.engage.feedback.FeedbackState()
    with pytest.raises(chek.TimeZoneError):
        state.answer(survey, b"k" * 16, client="a", response="r", scores=[9, 9, 9], now=aware)
    _, out = state.answer(survey, b"k" * 16, client="a", response="r", scores=[9, 9, 9], now=aware, tz="UTC")
    assert out["invitation"] is not None


def test_care_local_times() -> None:
    desk = chek.engage.care.CareDesk((REPO / "examples/care/desk.toml").read_text(encoding="utf-8"))
    case = (REPO / "examples/care/case-holiday.toml").read_text(encoding="utf-8")
    naive = desk.replay(case, now=datetime.datetime(2026, 3, 10, 9, 0))
    aware = datetime.datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    assert desk.replay(case, now=aware, tz="Europe/Moscow").to_dict() == naive.to_dict()
    with pytest.raises(chek.TimeZoneError):
        desk.replay(case, now=aware)
    q = desk.queue([case], now=aware, tz="Europe/Moscow")
    assert [i.case for i in q] == [naive.case]
    opened = desk.open_segment_case("limit", at=aware, tz="Europe/Moscow")
    assert opened.event["at"] == "2026-03-10T09:00:00"


def test_notify_times_are_utc() -> None:
    who = {"id": "c2", "phone": "89241112233", "zone": "Asia/Vladivostok"}
    report = {"provider": "twilio", "status": "busy"}
    naive = chek.engage.notify.call_outcome(report, key="k", recipient=who, now=datetime.datetime(2026, 8, 14, 12, 0))
    aware = chek.engage.notify.call_outcome(
        report, key="k", recipient=who, now=datetime.datetime(2026, 8, 14, 22, 0, tzinfo=VLAT)
    )
    assert aware.to_dict() == naive.to_dict()
    assert aware.next_attempt_local == datetime.datetime(2026, 8, 15, 9, 0)
