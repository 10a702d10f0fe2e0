"""Russian language and calendar: money and numbers in a grammatical case, names, speech
abbreviations, the one phone normaliser, and the production calendar with host days."""

from __future__ import annotations

import datetime

import pytest

import chek

D = datetime.date


def test_money_in_every_case() -> None:
    assert "на " + chek.ru.amount_spoken_in(150_000, "acc") == "на тысячу пятьсот рублей"
    assert "более " + chek.ru.amount_spoken_in(150_000, "gen") == "более тысячи пятисот рублей"
    assert "к " + chek.ru.amount_spoken_in(150_000, "dat") == "к тысяче пятистам рублям"
    assert "о " + chek.ru.amount_spoken_in(150_000, "prep") == "о тысяче пятистах рублях"
    assert chek.ru.amount_spoken_in(150_000, "тв") == "тысячей пятьюстами рублями"
    assert chek.ru.amount_spoken_in(150_000) == chek.ru.amount_spoken(150_000)
    assert chek.ru.amount_spoken_in(150_000, "dat", digits=True) == "1\u00a0500 рублям"
    assert chek.ru.number_in_words(21, "f", "gen") == "двадцати одной"
    assert chek.ru.number_in_words(-5, case="dat") == "минус пяти"
    with pytest.raises(ValueError):
        chek.ru.amount_spoken_in(100, "vocative")
    with pytest.raises(ValueError):
        chek.ru.number_in_words(1, "x")


def test_template_chooses_the_case() -> None:
    text = chek.engage.notify.render_notification(
        "К оплате на {sum|amount:acc}, к {sum|amount:dat}.", {"sum": 150_000}
    )
    assert text.speech == "К оплате на тысячу пятьсот рублей, к тысяче пятистам рублям."


def test_names_and_speech() -> None:
    n = chek.ru.person_name("Мария-Луиза фон Штайн")
    assert n is not None
    assert (n["given"], n["surname"], n["full"]) == (
        "Мария-Луиза",
        "фон Штайн",
        "Мария-Луиза фон Штайн",
    )
    a = chek.ru.person_name("Алиев Рашид Мамед оглы")
    assert a is not None and a["polite"] == "Рашид Мамед оглы"
    assert chek.ru.person_name("ООО Ромашка") is None
    assert (
        chek.ru.expand_abbreviations("ул. Ленина, д. 5, корп. 2, кв. 12")
        == "улица Ленина, дом 5, корпус 2, квартира 12"
    )


def test_one_phone_normaliser() -> None:
    for raw in ["+8 916 123 45 67", "8 (916) 123-45-67", "9161234567"]:
        assert chek.ru.phone_e164(raw) == "+79161234567"
        assert chek.engage.loyalty.normalize_phone(raw) == "+79161234567"
    assert chek.ru.phone_e164("not a phone!") is None
    assert chek.ru.phone_problem("not a phone!") == "phone.bad_char"
    assert chek.ru.phone_problem("12345") == "phone.bad_digits"
    assert chek.ru.phone_problem("+7 916 123-45-67") is None


def test_production_calendar() -> None:
    cal = chek.ru.ProductionCalendar()
    assert cal.day_kind(D(2027, 5, 10)) == "holiday"  # 9 May 2027 is a Sunday
    assert cal.day_kind(D(2024, 11, 2)) == "working"  # a Saturday worked
    assert cal.is_shortened(D(2024, 11, 2))
    assert cal.day_kind(D(2025, 12, 31)) == "holiday"
    assert cal.next_working_day(D(2027, 1, 1)) == D(2027, 1, 11)
    assert cal.working_days_between(D(2027, 1, 1), D(2027, 12, 31)) == 247
    assert cal.warning(D(2027, 3, 1)) is None
    w = cal.warning(D(2029, 3, 1))
    assert w is not None and w["code"] == "calendar.not_exact" and w["year"] == 2029
    assert "1187" in (chek.ru.ProductionCalendar.source(2027) or "")


def test_host_days_and_install() -> None:
    cal = chek.ru.ProductionCalendar(
        text="2032-08-30 holiday  # День Республики Татарстан\nexact 2032\n",
        days=[(D(2032, 5, 8), "working")],
    )
    assert cal.day_kind(D(2032, 8, 30)) == "holiday"
    assert cal.is_working_day(D(2032, 5, 8))
    assert cal.warning(D(2032, 1, 1)) is None
    with pytest.raises(chek.ChekError) as e:
        chek.ru.ProductionCalendar(text="2032-02-30 holiday")
    assert e.value.code == "calendar.bad_overrides"
    with pytest.raises(ValueError):
        chek.ru.ProductionCalendar(days=[(D(2032, 1, 1), "party")])
    # Installed, it is the calendar of the care desk's SLA clock too.
    desk = chek.engage.care.CareDesk(
        'default_group = "g"\n[groups.g]\ncalendar = "ru"\nhours = ["09:00-18:00"]\n'
        "sla = { first_response_minutes = 60 }\n"
    )
    case = (
        'case = "C-1"\nnow = "2032-08-27T17:30:00"\n[[events]]\nkind = "message"\n'
        'at = "2032-08-27T17:30:00"\nchannel = "email"\nfrom = "a@example.ru"\ntext = "?"\n'
    )
    view = desk.replay(case)
    before = view.sla[0]["breach_at"]
    # Friday 27 August 17:30 + 60 working minutes: Monday 30 August 09:30, with a warning:
    # 2032 has no decree table …
    assert before == "2032-08-30T09:30:00"
    assert [w["year"] for w in view.to_dict()["calendar_warnings"]] == [2032]
    cal.install()
    try:
        assert chek.ru.ProductionCalendar().day_kind(D(2032, 8, 30)) == "working"
        # … and Tuesday once the host's holiday is installed, the host having declared 2032
        # complete: no warning.
        view = desk.replay(case)
        assert view.sla[0]["breach_at"] == "2032-08-31T09:30:00"
        assert "calendar_warnings" not in view.to_dict()
    finally:
        chek.ru.ProductionCalendar.uninstall()
    assert desk.replay(case).sla[0]["breach_at"] == before
