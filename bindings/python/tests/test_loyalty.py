"""Loyalty cards: `chek.engage.loyalty.LoyaltyRegistry` on every channel and outcome, `chek.engage.loyalty.extract_card`,
`chek.engage.loyalty.normalize_phone`, `chek.engage.loyalty.LoyaltyProgramme`."""

from __future__ import annotations

import datetime

import pytest

import chek
from helpers import REPO

NOW = datetime.datetime(2026, 11, 23, 12, 0)
CARD_A = "4600682000013"
CARD_B = "4600000000015"
CARD_C = "4600000000022"
BLOCKED = "4600000000039"
PROGRAMME = chek.engage.loyalty.LoyaltyProgramme.example()


def registry() -> chek.engage.loyalty.LoyaltyRegistry:
    reg = chek.engage.loyalty.LoyaltyRegistry([CARD_A, CARD_B, CARD_C, BLOCKED])
    return reg.block(PROGRAMME, BLOCKED, now=NOW).registry


def test_sms_activates_and_replies_in_one_sms() -> None:
    ex = registry().sms(PROGRAMME, "8 (916) 123-45-67", "Карта 4600 6820 0001 3", now=NOW)
    assert ex.code == "loyalty.activated" and ex.success
    assert ex.outcome == {"status": "activated", "card": CARD_A, "phone": "+79161234567"}
    assert ex.reply["text"] == "Карта *0013 активирована и привязана к номеру. Спасибо!"
    assert (ex.reply["encoding"], ex.reply["units"], ex.reply["segments"]) == ("ucs2", 55, 1)
    assert ex.reply["fits_one"] is True
    assert ex.hints["en"].startswith("The card is active")
    assert ex.registry.card_of("+7 916 123 45 67") == CARD_A
    card = ex.registry.card(CARD_A)
    assert card is not None and card["status"] == "active"
    assert card["updated_at"] == NOW
    assert ex.to_dict()["code"] == "loyalty.activated"


@pytest.mark.parametrize(
    ("sender", "text", "code"),
    [
        ("+79160000001", CARD_A, "loyalty.card_bound"),
        ("+79161234567", CARD_C, "loyalty.phone_bound"),
        ("+79163333333", BLOCKED, "loyalty.card_blocked"),
        ("+79163333333", "4600000000046", "loyalty.unknown_card"),
        ("+79163333333", "привет", "loyalty.no_card"),
        ("+79163333333", "4600000000016", "loyalty.bad_check_digit"),
        ("+79163333333", f"{CARD_B} или {CARD_C}", "loyalty.several_cards"),
        ("not a phone", CARD_B, "loyalty.bad_phone"),
        ("+79163333333", "x" * 10_000, "loyalty.too_long"),
        ("+79161234567", CARD_A, "loyalty.already_active"),
    ],
)
def test_every_sms_outcome(sender: str, text: str, code: str) -> None:
    reg = registry().sms(PROGRAMME, "+79161234567", CARD_A, now=NOW).registry
    ex = reg.sms(PROGRAMME, sender, text, now=NOW, lang="en")
    assert ex.code == code
    assert ex.reply["lang"] == "en" and ex.reply["fits_one"] is True
    if not ex.success:
        assert ex.registry == reg, "a refusal changes nothing"


def test_till_pending_confirm_reject() -> None:
    ex = registry().till(PROGRAMME, "k-2", CARD_A, "+79161234567", can_activate=False, now=NOW)
    assert ex.code == "loyalty.pending"
    pending = ex.registry
    assert pending.sms(PROGRAMME, "+79161234567", CARD_C, now=NOW).code == "loyalty.phone_bound"
    assert pending.confirm(PROGRAMME, CARD_A, operator="op", now=NOW).code == "loyalty.confirmed"
    rejected = pending.reject(PROGRAMME, CARD_A, now=NOW)
    assert rejected.code == "loyalty.rejected"
    assert rejected.registry.card_of("+79161234567") is None
    assert rejected.registry.confirm(PROGRAMME, CARD_A).code == "loyalty.not_pending"
    ex = registry().till(PROGRAMME, "k-1", CARD_A, "+79161234567", can_activate=True, now=NOW)
    assert ex.code == "loyalty.activated"


def test_form_sms_form_and_website() -> None:
    ex = registry().form(PROGRAMME, "4600-6820-0001-3", "8 903 555 12 34", fields={"name": "Анна"}, now=NOW)
    assert ex.code == "loyalty.activated"
    card = ex.registry.card(CARD_A)
    assert card is not None and card["profile"] == {"name": "Анна"}
    assert card["channel"] == {"kind": "operator_form", "operator": "operator"}
    ex = registry().form(PROGRAMME, CARD_A, sms_from="+79995554433", now=NOW)
    assert ex.outcome["phone"] == "+79995554433"
    ex = registry().website(PROGRAMME, "acc-1", CARD_C, "+7 999 111 22 33", now=NOW)
    assert ex.code == "loyalty.activated"
    assert registry().form(PROGRAMME, CARD_A, "", now=NOW).code == "loyalty.bad_phone"


def test_state_round_trip_and_values_are_immutable() -> None:
    ex = registry().sms(PROGRAMME, "+79161234567", CARD_A, now=NOW)
    text = ex.registry.to_json()
    assert chek.engage.loyalty.LoyaltyRegistry.from_json(text) == ex.registry
    assert len(ex.registry) == 4
    broken = text.replace(f'"{CARD_B}":{{"status":"issued"}}', f'"{CARD_B}":{{"status":"active","phone":"+79161234567"}}')
    assert broken != text
    with pytest.raises(ValueError):
        chek.engage.loyalty.LoyaltyRegistry.from_json(broken)
    with pytest.raises(AttributeError):
        ex.code = "x"  # type: ignore[misc]


def test_extract_card_and_normalize_phone() -> None:
    assert chek.engage.loyalty.extract_card("карта 4600 6820 0001 3, тел 8 916 123 45 67", PROGRAMME) == CARD_A
    assert chek.engage.loyalty.normalize_phone("8 (916) 123-45-67") == "+79161234567"
    with pytest.raises(chek.LoyaltyError) as e:
        chek.engage.loyalty.extract_card("4600682000014", PROGRAMME)
    assert e.value.code == "loyalty.bad_check_digit"
    assert "опечатка" in e.value.hint
    with pytest.raises(chek.LoyaltyError) as e:
        chek.engage.loyalty.normalize_phone("12345")
    assert e.value.code == "loyalty.bad_phone" and isinstance(e.value, chek.ChekError)
    with pytest.raises(chek.LoyaltyError):
        chek.engage.loyalty.LoyaltyRegistry(["12-34"])


def test_programme_file_and_replies() -> None:
    p = chek.engage.loyalty.LoyaltyProgramme.from_toml((REPO / "examples/engage/programme.toml").read_text())
    assert p.name == "Ромашка"
    checks = p.check_replies()
    # 18 reply codes (loyalty.profile_completed since #22) in two languages.
    assert len(checks) == 36 and all(c["fits_one"] for c in checks)
    ex = chek.engage.loyalty.LoyaltyRegistry(["4561261212345467"]).sms(p, "+79161234567", "4561 2612 1234 5467", now=NOW)
    assert ex.reply["text"] == "Ромашка: карта *5467 активирована. Спасибо!"
    with pytest.raises(chek.LoyaltyError) as e:
        chek.engage.loyalty.LoyaltyProgramme.from_toml('name = "x"\nformats = []')
    assert e.value.code == "loyalty.bad_format"
    with pytest.raises(chek.LoyaltyError) as e:
        chek.engage.loyalty.LoyaltyProgramme.from_json("{")
    assert e.value.code == "loyalty.programme_syntax"


def test_sms_then_form_completes_the_profile() -> None:
    ex = registry().sms(PROGRAMME, "8 916 123-45-67", CARD_A, now=NOW)
    assert ex.code == "loyalty.activated"
    ex = ex.registry.form(
        PROGRAMME, CARD_A, sms_from="+79161234567", fields={"name": "Анна", "birthday": "1990-05-17"}, now=NOW
    )
    assert ex.code == "loyalty.profile_completed" and ex.success
    assert ex.outcome["fields"] == ["birthday", "name"]
    rec = ex.registry.card(CARD_A)
    assert rec is not None and rec["profile"] == {"name": "Анна", "birthday": "1990-05-17"}


def test_client_sms_does_not_activate_a_pending_card() -> None:
    pending = registry().till(PROGRAMME, "k-2", CARD_A, "+79161234567", can_activate=False, now=NOW).registry
    ex = pending.sms(PROGRAMME, "+79161234567", CARD_A, now=NOW)
    assert ex.code == "loyalty.awaiting_confirmation"
    rec = ex.registry.card(CARD_A)
    assert rec is not None and rec["status"] == "pending"
