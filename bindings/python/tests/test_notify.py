"""Notifications: `chek.engage.notify.render_notification`, `chek.engage.notify.plan_notifications`, `chek.engage.notify.call_outcome`,
`chek.engage.notify.call_outcomes`, the ledger-backed plan and outcomes, and the Russian grammar helpers, on the
example files of examples/notify/."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

import chek
from helpers import REPO

EXAMPLES = REPO / "examples" / "notify"
CONFIG = (EXAMPLES / "config.toml").read_text(encoding="utf-8")
NOW = datetime.datetime(2026, 8, 14, 12, 0)


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def test_plural_categories_with_fractions() -> None:
    got = [chek.ru.plural_category(n) for n in (1, 2, 5, 11, 14, 21, 22, 111, 1_000_000)]
    assert got == ["one", "few", "many", "many", "many", "one", "few", "many", "many"]
    assert chek.ru.plural_category("1,5") == "other"
    assert chek.ru.plural_category("1 000") == "many"
    with pytest.raises(ValueError):
        chek.ru.plural_category("много")


def test_amounts() -> None:
    assert chek.ru.amount_sms(150_000) == "1\u202f500\u00a0₽"
    assert chek.ru.amount_sms(150_050) == "1\u202f500,50\u00a0₽"
    assert chek.ru.amount_spoken(150_000) == "тысяча пятьсот рублей"
    assert chek.ru.amount_spoken(2_122) == "двадцать один рубль двадцать две копейки"


def test_render_sms_and_speech() -> None:
    t = chek.engage.notify.render_notification(
        (EXAMPLES / "ready.txt").read_text(encoding="utf-8"), example("vars-ready.json")
    )
    assert t.sms.startswith("Анна, заказ A-10234 ждёт вас до 16 августа. К оплате 1\u202f500\u00a0₽, 21 позиция.")
    assert "до шестнадцатого августа" in t.speech
    assert "тысяча пятьсот рублей, двадцать одна позиция" in t.speech
    assert (t.encoding, t.segments, t.sms_cost_kopecks) == ("ucs2", 2, 700)
    assert t.units > 70
    assert t.speech_seconds > 0 and t.call_cost_kopecks == 200
    kinds = [c["kind"] for c in t.cuts]
    assert kinds[0] == "shorten" and "transliterate" in kinds
    d = t.to_dict()
    assert d["sms"] == t.sms and d["cuts"] == t.cuts
    with pytest.raises(TypeError):
        hash(t)


def test_render_with_config_and_optional_cut() -> None:
    src = "{#speech}Здравствуйте! {/speech}{n|plural:f,позиция,позиции,позиций}{#opt} ждут вас{/opt}"
    t = chek.engage.notify.render_notification(src, {"n": "1,5"}, config=CONFIG)
    assert t.sms == "1,5 позиции ждут вас"
    assert t.speech == "Здравствуйте! одна целая пять десятых позиции ждут вас"
    assert t.cuts == []  # one segment: nothing to cut


@pytest.mark.parametrize(
    ("template", "vars", "code"),
    [
        ("{a", {}, "notify.bad_template"),
        ("{a|shout}", {"a": 1}, "notify.bad_formatter"),
        ("{a}", {}, "notify.missing_var"),
        ("{a|date}", {"a": "вчера"}, "notify.bad_value"),
        ("x" * 20_000, {}, "notify.too_long"),
    ],
)
def test_render_errors(template: str, vars: dict[str, Any], code: str) -> None:
    with pytest.raises(chek.NotifyError) as e:
        chek.engage.notify.render_notification(template, vars)
    assert e.value.code == code
    assert isinstance(e.value, chek.ChekError)
    assert e.value.hints["en"] and e.value.hint


def test_bad_config() -> None:
    with pytest.raises(chek.NotifyError) as e:
        chek.engage.notify.render_notification("x", {}, config="templates = 5")
    assert e.value.code == "notify.bad_config"


def test_plan_from_events() -> None:
    p = chek.engage.notify.plan_notifications(
        CONFIG,
        (EXAMPLES / "events.json").read_text(encoding="utf-8"),
        contacts=example("contacts.json"),
        now=NOW,
    )
    assert isinstance(p, chek.engage.notify.NotificationPlan)
    assert p.now == NOW
    by = {m.customer: m for m in p.messages}
    assert set(by) == {"c1", "c2", "c3"}
    c2 = by["c2"]
    # A call could go only on Monday (week cap); the SMS on Saturday morning meets the
    # 24-hour debt deadline, so the SMS wins over the cheaper late call.
    assert (c2.channel, c2.policy) == ("sms", "230-fz")
    assert c2.local == datetime.datetime(2026, 8, 15, 9, 0)
    assert c2.deferred == ["quiet_hours"]
    assert c2.sms is not None and c2.sms["segments"] >= 1
    call = next(a for a in c2.alternatives if a["channel"] == "call")
    assert (call["fits"], call["late"]) == (True, True)
    assert by["c1"].channel == "email"
    assert [s.code for s in p.skipped] == ["notify.no_channel"]
    assert p.total_kopecks == c2.cost_kopecks + 200
    # to_dict() is the shape of `chek notify plan --json` (the old return value), JSON-ready.
    d = p.to_dict()
    assert d["now"] == NOW.isoformat()
    assert d["messages"][[m.customer for m in p.messages].index("c2")]["slot"]["local"] == "2026-08-15T09:00:00"
    assert d["messages"] == [m.to_dict() for m in p.messages]
    assert json.loads(json.dumps(d)) == d


def test_plan_bad_events() -> None:
    with pytest.raises(chek.NotifyError) as e:
        chek.engage.notify.plan_notifications(CONFIG, {"events": 5}, now=NOW)
    assert e.value.code == "notify.bad_input"


def test_call_outcomes_and_retries() -> None:
    who = {"id": "c2", "phone": "89241112233", "zone": "Asia/Vladivostok"}
    busy = chek.engage.notify.call_outcome(
        {"provider": "twilio", "status": "busy"}, key="k", recipient=who, purpose="debt", now=NOW
    )
    assert isinstance(busy, chek.engage.notify.CallResult)
    assert (busy.outcome, busy.is_final, busy.replayed) == ("busy", False, None)
    assert busy.next_attempt_local == datetime.datetime(2026, 8, 15, 9, 0)
    assert busy.to_dict()["final"] is False and "replayed" not in busy.to_dict()
    assert busy.to_dict()["next_attempt_local"] == "2026-08-15T09:00:00"
    op = chek.engage.notify.call_outcome(
        {"provider": "vonage", "status": "completed", "duration_s": 21, "digits": "0"},
        key="k",
        recipient=who,
        now=NOW,
    )
    assert (op.outcome, op.operator_key, op.listened_s, op.success) == ("operator", "0", 21, True)
    inv = chek.engage.notify.call_outcome(
        {"provider": "asterisk", "status": "CONGESTION", "hangup_cause": 1}, key="k", recipient=who, now=NOW
    )
    assert (inv.outcome, inv.is_final, inv.stop_reason) == ("invalid_number", True, "invalid_number")
    last = chek.engage.notify.call_outcome(
        {"provider": "twilio", "status": "no-answer"}, key="k", recipient=who, attempt=3, now=NOW
    )
    assert last.stop_reason == "max_attempts"
    answered = chek.engage.notify.call_outcome(
        {"provider": "twilio", "status": "completed", "duration_s": 34}, key="k", recipient=who, config=CONFIG
    )
    assert answered.outcome == "answered" and answered.counts_as_contact is True


@pytest.mark.parametrize(
    ("report", "code"),
    [
        ({"provider": "twilio", "status": "ringing"}, "notify.not_final"),
        ({"provider": "twilio", "status": "exploded"}, "notify.unknown_status"),
        ({"provider": "zvonobot", "status": "busy"}, "notify.unknown_provider"),
    ],
)
def test_call_outcome_errors(report: dict[str, Any], code: str) -> None:
    with pytest.raises(chek.NotifyError) as e:
        chek.engage.notify.call_outcome(report, key="k", recipient={"id": "c"}, now=NOW)
    assert e.value.code == code


def test_advertising_needs_consent() -> None:
    with pytest.raises(chek.NotifyError) as e:
        chek.engage.notify.call_outcome(
            {"provider": "twilio", "status": "busy"}, key="k", recipient={"id": "c"}, purpose="advertising", now=NOW
        )
    assert e.value.code == "notify.no_consent"
    with pytest.raises(ValueError):
        chek.engage.notify.call_outcome({"provider": "twilio", "status": "busy"}, key="k", recipient={"id": "c"}, purpose="spam")


def test_uis_minimum_listening_time_and_sms_fallback() -> None:
    who = {"id": "c1", "phone": "+79161234567", "zone": "Europe/Moscow"}
    tuesday = datetime.datetime(2026, 8, 18, 7, 0)
    # UIS reports under its own field names; one second of listening is not delivery.
    short = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "subscriber_disconnects", "talk_time_duration": 1},
        key="unpaid-3d:1:2026-08-10T06:00:00",
        recipient=who,
        purpose="debt",
        config=CONFIG,
        now=tuesday,
    )
    assert (short.outcome, short.success, short.is_final) == ("hung_up", False, False)
    full = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "success_finish", "talk_time_duration": 40},
        key="unpaid-3d:1:2026-08-10T06:00:00",
        recipient=who,
        purpose="debt",
        config=CONFIG,
        now=tuesday,
    )
    assert (full.outcome, full.success) == ("answered", True)
    last = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "subscriber_not_responsible"},
        key="unpaid-3d:1:2026-08-10T06:00:00",
        recipient=who,
        purpose="debt",
        attempt=3,
        config=CONFIG,
        sms_text="Оплатите счёт.",
        now=tuesday,
    )
    assert last.stop_reason == "max_attempts"
    assert last.fallback_sms is not None
    assert last.fallback_sms["text"] == "Оплатите счёт."
    assert last.fallback_sms["at"] == "2026-08-18T07:00:00"
    opted = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "subscriber_busy"},
        key="k",
        recipient={**who, "opt_out": True},
        now=tuesday,
    )
    assert (opted.is_final, opted.stop_reason, opted.fallback_sms) == (True, "opted_out", None)


def test_a_bad_record_does_not_stop_the_batch() -> None:
    calls = "\ufeff" + json.dumps(
        [
            {"key": "a", "recipient": {"id": "c"}, "report": {"provider": "twilio", "status": "busy"}},
            {"key": "b", "report": 5},
            {"key": "c", "recipient": {"id": "c"}, "report": {"provider": "twilio", "status": "ringing"}},
            {"key": "d", "recipient": {"id": "c"}, "report": {"provider": "vonage", "status": "busy"}},
        ]
    )
    rows = chek.engage.notify.call_outcomes(calls, now=NOW)
    assert [r.outcome if isinstance(r, chek.engage.notify.CallResult) else None for r in rows] == [
        "busy",
        None,
        None,
        "busy",
    ]
    bad = rows[1]
    assert isinstance(bad, chek.engage.notify.CallFailure)
    assert (bad.code, bad.record, bad.external_id) == ("notify.bad_input", 2, None)
    assert bad.to_dict() == {
        "record": 2,
        "external_id": None,
        "error": {"code": "notify.bad_input", "message": bad.message, "hint": bad.hint},
    }
    not_final = rows[2]
    assert isinstance(not_final, chek.engage.notify.CallFailure)
    assert (not_final.code, not_final.external_id) == ("notify.not_final", "c")
    with pytest.raises(chek.NotifyError):
        chek.engage.notify.call_outcomes("not json", now=NOW)


def test_plan_and_outcomes_in_the_ledger(tmp_path: Any) -> None:
    ledger = chek.Ledger(str(tmp_path / "notify.sqlite"))
    events = (EXAMPLES / "events.json").read_text(encoding="utf-8")
    p = chek.engage.notify.plan_notifications(CONFIG, events, contacts=example("contacts.json"), now=NOW, ledger=ledger)
    assert len(p.messages) == 3
    again = chek.engage.notify.plan_notifications(CONFIG, events, now=NOW, ledger=ledger)
    assert again.messages == []
    assert {s.code for s in again.skipped} == {"notify.already_sent", "notify.no_channel"}
    # The company's call: the recipient comes from the plan in the ledger.
    key = "unpaid-3d:77-503:2026-08-11T05:00:00"
    first = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "subscriber_busy"}, key=key, config=CONFIG, now=NOW, ledger=ledger
    )
    assert (first.outcome, first.replayed) == ("busy", False)
    assert first.to_dict()["replayed"] is False
    repeat = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "subscriber_busy"}, key=key, config=CONFIG, now=NOW, ledger=ledger
    )
    assert repeat.replayed is True and repeat.next_attempt_at == first.next_attempt_at
    plans = {x.message.key: x for x in chek.engage.notify.notify_plans(ledger)}
    assert plans[key].status == "retry" and plans[key].attempt == 1
    last_call = plans[key].last
    assert last_call is not None and last_call.outcome == "busy"
    assert plans[key].to_dict()["message"]["key"] == key
    contacts = chek.engage.notify.notify_contacts(ledger)
    # 3 imported + 3 planned + the busy attempt replaces its planned contact + 1 reserved retry.
    assert len(contacts) == 7
    assert all(isinstance(c.at, datetime.datetime) for c in contacts)
    assert {c.recipient for c in contacts} >= {"c2"}
    rows = chek.engage.notify.call_outcomes([{"key": key, "report": {"provider": "uis", "finish_reason": "subscriber_busy"}}], config=CONFIG, now=NOW, ledger=ledger)
    row = rows[0]
    assert isinstance(row, chek.engage.notify.CallResult) and row.replayed is True
