"""The care desk: `chek.engage.care.CareDesk` (routing, replay with SLA clocks, quick replies, segment
cases) and `chek.engage.care.care_identity`."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import chek
from helpers import REPO

CARE = REPO / "examples" / "care"


def desk() -> chek.engage.care.CareDesk:
    return chek.engage.care.CareDesk((CARE / "desk.toml").read_text(encoding="utf-8"))


def text(name: str) -> str:
    return Path(CARE / name).read_text(encoding="utf-8")


def test_desk_loads_groups_and_replies() -> None:
    d = desk()
    assert d.default_group == "general"
    assert set(d.groups) >= {"general", "receipts", "limits", "prizes", "hotline"}
    assert "fns-recheck" in d.replies
    assert "CareDesk(" in repr(d)


def test_route_by_topic_and_channel() -> None:
    d = desk()
    r = d.route("Чек не найден в ФНС", channel="email")
    assert isinstance(r, chek.engage.care.Route)
    assert (r.group, r.rule, r.topic) == ("receipts", "fns", "Чек не найден в ФНС")
    assert "не найден" in r.matched
    # to_dict() is the old return value: the keys of `chek care route --json`.
    assert r.to_dict() == {
        "group": "receipts",
        "rule": "fns",
        "topic": "Чек не найден в ФНС",
        "request_type": r.request_type,
        "matched": r.matched,
    }
    assert repr(r) == "Route(group='receipts', rule='fns', topic='Чек не найден в ФНС')"
    assert d.route("алло", channel="phone").group == "hotline"
    assert d.route("алло").rule is None
    with pytest.raises(ValueError):
        d.route("x", channel="pigeon")


def test_replay_holiday_case_sla() -> None:
    v = desk().replay(text("case-holiday.toml"))
    assert (v.case, v.status, v.group) == ("C-1001", "answered", "receipts")
    assert v.now == datetime.datetime(2026, 3, 11, 12, 0)
    first = v.sla[0]
    assert (first["metric"], first["state"], first["elapsed_minutes"]) == ("first_response", "met", 110)
    assert v.breaches == []
    assert v.routes[0]["by"] == "rule"
    assert v.to_dict()["status"] == "answered"
    # As of Tuesday 09:00 the first response is still running, due 10:15 (9 March is a holiday).
    early = desk().replay(text("case-holiday.toml"), now=datetime.datetime(2026, 3, 10, 9, 0))
    assert early.status == "new"
    assert early.sla[0]["state"] == "running"
    assert early.sla[0]["breach_at"] == "2026-03-10T10:15:00"


def test_replay_reopen_breach_and_reminders() -> None:
    v = desk().replay(text("case-reopen.json"))
    assert v.reopened == 1 and v.status == "new" and not v.paused
    assert [b["metric"] for b in v.breaches] == ["next_response"]
    assert v.breaches[0]["at"] == "2026-04-30T17:00:00"
    events = [h["event"] for h in v.history]
    assert "reminder" in events and "breach" in events
    assert [r["group"] for r in v.routes] == ["limits", "general"]
    assert "breaches=1" in repr(v)


def test_replay_segment_case() -> None:
    v = desk().replay(text("case-segment.toml"))
    assert v.segment == "manual_entry"
    assert v.topic == "Ручной ввод чека"


def test_quick_reply_prompts_for_missing_values() -> None:
    d = desk()
    prompts = d.prompts("fns-recheck")
    assert [p.name for p in prompts] == ["receipt_date", "sum", "recheck_date"]
    assert prompts[1].kind == "money" and prompts[1].prompt
    r = d.reply("fns-recheck", {"sum": "1530"})
    assert r.complete is False
    assert [m.name for m in r.missing] == ["receipt_date", "recheck_date"]
    assert "1 530 ₽" in r.text
    assert r.to_dict()["missing"] == [m.to_dict() for m in r.missing]
    r = d.reply("fns-recheck", {"sum": "1530", "receipt_date": "2026-03-05T12:30", "recheck_date": "2026-03-07"})
    assert r.complete is True
    assert "снова 07.03.2026" in r.text
    bad = d.reply("fns-recheck", {"sum": "сто"})
    assert bad.invalid[0]["name"] == "sum"


def test_segment_opens_case_in_queue() -> None:
    c = desk().open_segment_case("limit", {"limit": "2"}, at=datetime.datetime(2026, 3, 6, 17, 0))
    assert (c.group, c.topic, c.segment) == ("limits", "Лимит", "limit")
    assert c.event["at"] == "2026-03-06T17:00:00"
    assert c.reply is not None and c.reply.id == "limit-reached"
    assert [m.name for m in c.reply.missing] == ["receipt_date", "next_date"]
    assert c.to_dict()["reply"]["id"] == "limit-reached"
    with pytest.raises(ValueError):
        desk().open_segment_case("nope", at=datetime.datetime(2026, 3, 6))


def test_identity_merges_only_strong() -> None:
    r = chek.engage.care.care_identity(text("identity.toml"))
    assert len(r.auto_merged) == 2
    assert all(m["strength"] == "strong" for m in r.auto_merged)
    assert len(r.pending) == 2
    assert all(s["automatic"] is False for s in r.pending)
    assert sorted(r.cases["call-1"]) == ["call-1", "chat-4", "tg-7"]
    assert set(r.to_dict()) == {"links", "suggestions", "auto_merged", "cases", "pending"}


def test_errors_carry_codes_and_hints() -> None:
    with pytest.raises(chek.CareError) as e:
        chek.engage.care.CareDesk('default_group = "x"\n[groups.g]\n')
    assert e.value.code == "care.invalid"
    assert e.value.details["path"] == "default_group"
    assert e.value.hints["en"]
    with pytest.raises(chek.CareError) as e:
        desk().replay('case = "c"\n[[events]]\nkind = "reply"\nat = "2026-03-03T10:00:00"\n')
    assert e.value.code == "care.bad_history"
    assert e.value.details["index"] == 0
    with pytest.raises(chek.CareError) as e:
        desk().reply("nope")
    assert e.value.code == "care.unknown"
    with pytest.raises(chek.CareError) as e:
        chek.engage.care.care_identity('[[links]]\na = "phone:12"\n')
    assert e.value.code == "care.malformed"
    with pytest.raises(chek.ChekError):
        chek.engage.care.CareDesk("][" * 10)


# ---------------------------------------------------------------- issue 22: defects and the ledger


def test_route_by_whole_words_and_named_messengers() -> None:
    d = desk()
    assert d.route("Капризный кассир").group == "general"
    assert d.route("Где мои призы?", channel="viber").group == "prizes"
    assert d.route("Хочу оставить жалобу", channel="Telegram").request_type == "complaint"
    for ch in ("telegram", "whatsapp", "viber", "vk", "max"):
        d.route("?", channel=ch)


def test_sla_per_request_type() -> None:
    case = (
        '{"case": "J", "events": [{"kind": "message", "at": "2026-03-03T10:00:00",'
        ' "channel": "whatsapp", "from": "+79123456789", "text": "Жалоба на кассира"}]}'
    )
    v = desk().replay(case, now=datetime.datetime(2026, 3, 3, 10, 30))
    assert (v.group, v.request_type) == ("general", "complaint")
    assert v.sla[0]["target_minutes"] == 60
    assert v.sla[0]["breach_at"] == "2026-03-03T11:00:00"


def test_unknown_quick_reply_names_raise() -> None:
    with pytest.raises(chek.CareError) as e:
        desk().reply("thanks", {"nmae": "Анна"})
    assert e.value.code == "care.unknown_placeholder"
    assert desk().reply("thanks", {"name": "Анна"}).complete


def test_bom_inputs() -> None:
    d = chek.engage.care.CareDesk("\ufeff" + text("desk.toml"))
    v = d.replay("\ufeff" + text("case-reopen.json"))
    assert v.case == "C-1002"


def test_queue_from_files_sorted_by_due_time() -> None:
    d = desk()
    now = datetime.datetime(2026, 3, 3, 12, 0)
    a = '{"case": "A", "events": [{"kind": "message", "at": "2026-03-03T10:00:00", "text": "Когда итоги?"}]}'
    b = '{"case": "B", "events": [{"kind": "message", "at": "2026-03-03T09:00:00", "text": "Чек не найден в ФНС"}]}'
    later = '{"case": "L", "events": [{"kind": "message", "at": "2026-03-04T09:00:00", "text": "?"}]}'
    q = d.queue([a, b, later], now=now)
    assert [i.case for i in q] == ["B", "A"]
    assert q[0].breached and q[0].group == "receipts"
    assert q[0].opened_at == datetime.datetime(2026, 3, 3, 9, 0) and q[0].due_at is not None
    assert q[0].to_dict()["opened_at"] == "2026-03-03T09:00:00"
    assert [i.case for i in d.queue([a, b], now=now, groups=["general"])] == ["A"]


def test_ledger_records_merges_and_unmerges(tmp_path: Path) -> None:
    ledger = chek.Ledger(str(tmp_path / "care.sqlite"))
    d = desk()
    call = {
        "kind": "message",
        "at": "2026-03-03T09:00:00",
        "channel": "phone",
        "from": "8 912 345-67-89",
        "text": "Чек не найден в ФНС",
    }
    r = chek.engage.care.care_record(ledger, "CALL-1", "c1", call)
    assert r.replayed is False and r.sender == "phone:+79123456789"
    assert (r.case, r.seq) == ("CALL-1", 1)
    assert r.to_dict() == {"value": {"case": "CALL-1", "seq": 1, "sender": "phone:+79123456789"}, "replayed": False}
    assert chek.engage.care.care_record(ledger, "CALL-1", "c1", call).replayed is True
    viber = (
        '{"kind": "message", "at": "2026-03-03T09:30:00", "channel": "viber",'
        ' "from": "01aBcD+/xyz==", "text": "Дублирую"}'
    )
    assert chek.engage.care.care_record(ledger, "VB-1", "v1", viber).sender == "viber:01aBcD+/xyz=="
    with pytest.raises(chek.CareError) as e:
        chek.engage.care.care_merge(ledger, "VB-1", "CALL-1")
    assert e.value.code == "care.needs_confirmation"
    link = chek.engage.care.care_link(
        ledger,
        "phone:+79123456789",
        "viber:01aBcD+/xyz==",
        "messenger_contact",
        at=datetime.datetime(2026, 3, 3, 9, 31),
    )
    assert (link.strength, link.replayed) == ("strong", False)
    assert link.to_dict() == {"value": "strong", "replayed": False}
    m = chek.engage.care.care_merge(ledger, "VB-1", "CALL-1", at=datetime.datetime(2026, 3, 3, 9, 40), event_id="m-1")
    assert m.merge.strength == "strong"
    assert (m.merge.from_case, m.merge.into_case) == ("VB-1", "CALL-1")
    assert m.merge.at == datetime.datetime(2026, 3, 3, 9, 40)
    assert m.to_dict()["value"]["at"] == "2026-03-03T09:40:00"
    assert chek.engage.care.care_merge(ledger, "VB-1", "CALL-1", event_id="m-1").replayed is True
    now = datetime.datetime(2026, 3, 3, 12, 0)
    v = d.show(ledger, "CALL-1", now=now)
    assert v.merged_cases == ["VB-1"]
    assert "merge" in [h["event"] for h in v.history]
    assert d.show(ledger, "VB-1", now=now).merged_into == "CALL-1"
    assert [i.case for i in d.queue(ledger=ledger, now=now)] == ["CALL-1"]
    chek.engage.care.care_unmerge(ledger, m.merge.id, by="olga")
    assert sorted(i.case for i in d.queue(ledger=ledger, now=now)) == ["CALL-1", "VB-1"]
    log = chek.engage.care.care_merges(ledger)
    assert log[0].undone_by == "olga" and log[0].undone_at is not None
    with pytest.raises(chek.CareError) as e:
        chek.engage.care.care_unmerge(ledger, m.merge.id)
    assert e.value.code == "care.unknown"
    assert chek.engage.care.care_import(ledger, text("case-reopen.json")) > 0
    assert chek.engage.care.care_import(ledger, text("case-reopen.json")) == 0
    with pytest.raises(chek.CareError):
        d.show(ledger, "nope", now=now)
