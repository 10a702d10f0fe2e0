"""`chek.parse_qr`, `chek.FiscalQr`, `chek.ReceiptId`, `chek.validate`, `chek.Finding`."""

from __future__ import annotations

import datetime
import decimal

import pytest

import chek
from helpers import QR, shared_dir

NOW = datetime.datetime(2024, 9, 18, 9, 0)


def test_parse_qr_fields() -> None:
    qr = chek.parse_qr(QR)
    assert qr.datetime == datetime.datetime(2024, 9, 17, 18, 1)
    assert qr.datetime.tzinfo is None
    assert qr.total_kopecks == 128521
    assert qr.total == decimal.Decimal("1285.21")
    assert isinstance(qr.total, decimal.Decimal)
    assert (qr.fn, qr.fd, qr.fp, qr.operation) == ("7281440500751551", 30526, 1168453787, 1)
    assert qr.extra == []
    assert str(qr) == QR


def test_wild_forms_parse_to_the_same_value() -> None:
    wild = "https://check.example/?fn=7281440500751551&i=30526&fp=1168453787&n=1&t=20240917t1801&s=1285.21#x"
    assert chek.parse_qr(wild) == chek.parse_qr(QR)
    assert chek.FiscalQr(wild) == chek.FiscalQr.parse(QR)
    assert hash(chek.parse_qr(wild)) == hash(chek.parse_qr(QR))


def test_unknown_keys_are_kept() -> None:
    qr = chek.parse_qr(QR + "&a=2")
    assert qr.extra == [("a", "2")]
    assert qr != chek.parse_qr(QR)


def test_repr_and_to_dict() -> None:
    qr = chek.parse_qr(QR)
    assert repr(qr) == f"FiscalQr('{QR}')"
    assert qr.to_dict() == {
        "datetime": "2024-09-17T18:01:00",
        "total_kopecks": 128521,
        "fn": "7281440500751551",
        "fd": 30526,
        "fp": 1168453787,
        "operation": 1,
        "extra": [],
    }


def test_results_are_immutable() -> None:
    qr = chek.parse_qr(QR)
    with pytest.raises(AttributeError):
        qr.fd = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        ("", "qr.empty", None),
        ("hello world", "qr.not_fiscal", None),
        ("t=20201226T121800&s=551.89&i=12345&fn=1234567890123456&n=1", "qr.missing_field", "fp"),
        ("t=20200115T2110&s=1&fn=1234567890123456&i=1&fp=1&n=1&n=2", "qr.duplicate_field", "n"),
        ("t=20200115T2110&s=1030.00&fn=1234567890123456&i=1&fp=1&n=5", "qr.out_of_range", "n"),
        ("t=" * 3000, "qr.too_long", None),
    ],
)
def test_each_qr_error_code(text: str, code: str, field: str | None) -> None:
    with pytest.raises(chek.QrError) as info:
        chek.parse_qr(text)
    assert info.value.code == code
    assert info.value.details.get("field") == field
    assert info.value.hints["ru"] and info.value.hints["en"]


def test_every_shared_fixture_string_parses() -> None:
    lines = (shared_dir() / "fixtures" / "qr-strings.txt").read_text().split("\n")
    qrs = [chek.parse_qr(line) for line in lines if line.strip()]
    assert len(qrs) >= 10
    for qr in qrs:
        assert chek.parse_qr(str(qr)) == qr


def test_receipt_id() -> None:
    qr = chek.parse_qr(QR)
    rid = qr.identity
    assert str(rid) == "7281440500751551:30526:1168453787"
    assert chek.ReceiptId(str(rid)) == rid
    assert (rid.fn, rid.fd, rid.fp) == ("7281440500751551", 30526, 1168453787)
    assert rid.to_dict() == {"fn": "7281440500751551", "fd": 30526, "fp": 1168453787}
    assert repr(rid) == "ReceiptId('7281440500751551:30526:1168453787')"
    assert {rid, chek.ReceiptId(str(rid))} == {rid}
    with pytest.raises(ValueError):
        chek.ReceiptId("not an id")


def test_validate_plausible_receipt_has_no_findings() -> None:
    assert chek.validate(chek.parse_qr(QR), now=NOW) == []


def test_validate_future_receipt() -> None:
    findings = chek.validate(chek.parse_qr(QR), now=datetime.datetime(2024, 1, 1))
    assert [f.code for f in findings] == ["fiscal.date_in_future"]
    f = findings[0]
    assert f.severity == "error" and f.is_error
    assert f.hint == f.hints["ru"] == f.hint_in("ru")
    assert f.hint_in("en") == f.hints["en"]
    assert f.to_dict() == {"code": f.code, "severity": "error", "hints": f.hints}
    assert repr(f) == "Finding(code='fiscal.date_in_future', severity='error')"
    assert chek.has_errors(findings)
    with pytest.raises(ValueError):
        f.hint_in("de")


def test_validate_options() -> None:
    qr = chek.parse_qr(QR)
    big = chek.validate(qr, now=NOW, max_plausible_kopecks=100)
    assert [f.code for f in big] == ["fiscal.total_implausible"]
    assert not chek.has_errors(big)
    late = chek.validate(qr, now=NOW, earliest=datetime.date(2025, 1, 1))
    assert "fiscal.date_too_early" in [f.code for f in late]
    # 18:01 is 3 hours after 15:01: inside the default 12 h tolerance, outside 60 minutes.
    before = datetime.datetime(2024, 9, 17, 15, 1)
    assert chek.validate(qr, now=before) == []
    assert [f.code for f in chek.validate(qr, now=before, future_tolerance_minutes=60)] == [
        "fiscal.date_in_future"
    ]


def test_validate_defaults_to_the_local_clock() -> None:
    # A receipt from 2024 is in the past by the real clock: no finding.
    assert chek.validate(chek.parse_qr(QR)) == []
    tomorrow = datetime.datetime.now() + datetime.timedelta(days=2)
    qr = chek.parse_qr(f"t={tomorrow:%Y%m%dT%H%M}&s=1.00&fn=7281440500751551&i=1&fp=1&n=1")
    assert "fiscal.date_in_future" in [f.code for f in chek.validate(qr)]
