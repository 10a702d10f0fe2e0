"""`chek.ru.measure_sms`, `chek.ru.split_sms`, `chek.ru.SmsLength`."""

from __future__ import annotations

import chek


def test_cyrillic_is_ucs2() -> None:
    m = chek.ru.measure_sms("Карта 1234 активирована. Спасибо!")
    assert (m.encoding, m.units, m.segments, m.fits_one) == ("ucs2", 33, 1, True)
    assert m.to_save_segment() is None
    assert m.to_dict()["encoding"] == "ucs2"
    assert repr(m) == "SmsLength(encoding='ucs2', units=33, segments=1)"


def test_latin_is_gsm7_and_costs_per_segment() -> None:
    m = chek.ru.measure_sms("Card 1234 is active. Thank you!")
    assert (m.encoding, m.units, m.segments) == ("gsm7", 31, 1)
    assert m.cost_kopecks(250) == 250
    assert chek.ru.measure_sms("€").units == 2


def test_long_messages_and_split() -> None:
    m = chek.ru.measure_sms("ж" * 71)
    assert (m.units, m.segments, m.per_segment, m.chars) == (71, 2, 67, 71)
    assert m.to_save_segment() == 1 and not m.fits_one
    text = "ж" * 66 + "😀"
    both = text + text
    parts = chek.ru.split_sms(both)
    assert parts[0] == "ж" * 66 and parts[1].startswith("😀")
    assert "".join(parts) == both
    assert chek.ru.split_sms("") == [] and chek.ru.measure_sms("").segments == 0
    assert chek.ru.measure_sms("ж") == chek.ru.measure_sms("ы")
