"""`chek.parse_text` (OCR output) and `chek.parse_manual` (typed by hand)."""

from __future__ import annotations

import datetime
import decimal

import pytest

import chek

OCR = "ИТОГ =460.00\nФН 7380440700076549\nФД 41110\nФП 2026476352\nПРИХОД 19.07.24 13:14"
MANUAL = "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00"


def test_parse_text_reads_the_six_fields() -> None:
    r = chek.parse_text(OCR)
    assert r.channel == "ocr"
    assert r.complete and r.missing == [] and r.problems == []
    assert r.total_kopecks == 46000
    assert r.total == decimal.Decimal("460.00")
    assert (r.fn, r.fd, r.fp, r.operation) == ("7380440700076549", 41110, 2026476352, 1)
    assert r.datetime == datetime.datetime(2024, 7, 19, 13, 14)
    assert str(r.to_qr()) == "t=20240719T1314&s=460.00&fn=7380440700076549&i=41110&fp=2026476352&n=1"
    c = r.to_candidate()
    assert c.channel == "ocr" and c.qr == r.to_qr()


def test_found_field_positions() -> None:
    r = chek.parse_text(OCR)
    fd = r.field("fd")
    assert fd is not None
    assert (fd.field, fd.value, fd.line, fd.confidence, fd.doubtful) == ("fd", 41110, 2, 1.0, False)
    start, end = fd.span
    assert OCR.encode()[start:end] == b"41110"
    assert fd.to_dict()["span"] == list(fd.span)
    assert [f.field for f in r.fields][:1] == ["datetime"]
    assert r.field("inn") is None
    with pytest.raises(KeyError):
        r.field("colour")


def test_parse_manual() -> None:
    r = chek.parse_manual(MANUAL)
    assert r.channel == "manual" and r.complete
    assert r.total_kopecks == 150000
    op = r.field("operation")
    assert op is not None and op.repairs == ["assumed"]
    a, b = chek.parse_text(
        "ИТОГ =1500.00\nФН 9289000100123456\nФД 12345\nФПД 1234567890\nПРИХОД 15.03.21 12:34"
    ).to_candidate(), r.to_candidate()
    assert a.identity == b.identity
    assert (a.channel, b.channel) == ("ocr", "manual")


def test_incomplete_text_says_what_is_missing() -> None:
    r = chek.parse_text("ИТОГ =1500.00\nФН 9289000100123456")
    assert not r.complete
    assert r.missing == ["datetime", "fd", "fp", "operation"]
    assert [(p.kind, p.field, p.code) for p in r.problems][:1] == [
        ("missing", "datetime", "text.field_missing")
    ]
    p = r.problems[0]
    assert p.hint == p.hints["ru"] and p.hints["en"]
    assert p.to_dict()["code"] == "text.field_missing"
    with pytest.raises(chek.TextError) as info:
        r.to_qr()
    assert info.value.code == "text.incomplete"
    assert info.value.details == {"missing": ["datetime", "fd", "fp", "operation"]}
    with pytest.raises(chek.TextError):
        r.to_candidate()


def test_refused_inputs() -> None:
    assert chek.parse_text("   ").refused == "empty"
    long = chek.parse_text("x" * 1_000_000)
    assert long.refused == "too_long"
    with pytest.raises(chek.TextError) as info:
        long.to_qr()
    assert info.value.code == "text.too_long"
    with pytest.raises(chek.TextError) as info:
        chek.parse_manual("").to_qr()
    assert info.value.code == "text.empty"


def test_items_and_dicts() -> None:
    r = chek.parse_text("1 Хлеб 45.50*2шт. =91.00\n" + OCR)
    assert len(r.items) == 1
    it = r.items[0]
    assert (it.name, it.quantity, it.price_kopecks, it.sum_kopecks, it.line) == ("Хлеб", 2.0, 4550, 9100, 0)
    assert it.sum == decimal.Decimal("91.00")
    assert it.to_dict()["sum_kopecks"] == 9100
    d = r.to_dict()
    assert r.datetime is not None and d["datetime"]["value"] == r.datetime.isoformat()
    assert d["fd"]["value"] == 41110
    assert d["items"][0] == it.to_dict()
    assert r == chek.parse_text("1 Хлеб 45.50*2шт. =91.00\n" + OCR)
    assert "fd=41110" in repr(r)


def test_unreadable_field_is_reported() -> None:
    r = chek.parse_text("ИТОГ =1500.00\nФН ###\nФД 12345\nФП 1234567890\nПРИХОД 15.03.21 12:34")
    assert (r.missing, r.unreadable, r.fn) == (["fn"], ["fn"], None)
    assert [(p.kind, p.field, p.code) for p in r.problems] == [("unreadable", "fn", "text.field_unreadable")]
