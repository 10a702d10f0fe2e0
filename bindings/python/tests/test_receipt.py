"""`chek.Receipt.from_fns_json` over the real ФНС responses, `Item`, `Payments`, `Candidate`."""

from __future__ import annotations

import datetime
import decimal
import json

import pytest

import chek
from helpers import shared_dir

FNS = shared_dir() / "fixtures" / "fns"
OK_FILES = [
    "irkkt-ticket-2020-lenta.json",
    "irkkt-ticket-2023-lenta.json",
    "irkkt-ticket-2023-ozon.json",
    "proverkacheka-code1-2024-pyaterochka.json",
    "proverkacheka-code1-2025-yandex-market.json",
]


def load(name: str) -> chek.Receipt:
    return chek.Receipt.from_fns_json((FNS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", OK_FILES)
def test_every_real_response_reads(name: str) -> None:
    r = load(name)
    assert len(r.fn) == 16
    assert r.total_kopecks > 0
    assert r.items, name
    assert sum(i.sum_kopecks for i in r.items) > 0
    assert isinstance(r.datetime, datetime.datetime)
    assert r.total == decimal.Decimal(r.total_kopecks) / 100
    # str, bytes and an already parsed dict give the same receipt.
    raw = (FNS / name).read_bytes()
    assert chek.Receipt.from_fns_json(raw) == r
    assert chek.Receipt.from_fns_json(json.loads(raw)) == r


def test_2023_lenta_ticket() -> None:
    r = load("irkkt-ticket-2023-lenta.json")
    assert str(r.identity) == "9960440302169202:6887:339460828"
    assert r.datetime == datetime.datetime(2023, 3, 17, 18, 30)
    assert r.total_kopecks == 21760
    assert r.to_qr() == chek.parse_qr("t=20230317T1830&s=217.60&fn=9960440302169202&i=6887&fp=339460828&n=1")
    assert r.matches_qr(r.to_qr()) == []
    other = chek.parse_qr("t=20230317T1830&s=999.99&fn=9960440302169202&i=6887&fp=339460828&n=1")
    assert [f.code for f in r.matches_qr(other)] == ["receipt.qr_mismatch"]
    assert r.payments.total == r.total_kopecks
    item = r.items[0]
    assert item.sum == decimal.Decimal(item.sum_kopecks) / 100
    assert item.price == decimal.Decimal(item.price_kopecks) / 100
    assert repr(r).startswith("Receipt(id='9960440302169202:6887:339460828', datetime=datetime.datetime(")


def test_to_dict_is_json_ready() -> None:
    r = load("proverkacheka-code1-2024-pyaterochka.json")
    d = r.to_dict()
    assert d["datetime"] == r.datetime.isoformat()
    assert d["total_kopecks"] == r.total_kopecks
    assert len(d["items"]) == len(r.items)
    assert d["items"][0] == r.items[0].to_dict()
    assert d["payments"] == r.payments.to_dict()
    assert json.loads(json.dumps(d)) == d


def test_validate_a_receipt() -> None:
    r = load("irkkt-ticket-2023-lenta.json")
    codes = [f.code for f in chek.validate(r, now=datetime.datetime(2023, 3, 18))]
    assert all(c.startswith(("fiscal.", "receipt.")) for c in codes)
    assert "fiscal.date_in_future" in [
        f.code for f in chek.validate(r, now=datetime.datetime(2023, 3, 1))
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{", "receipt.malformed_json"),
        ((FNS / "proverkacheka-code3-limit.json").read_text(encoding="utf-8"), "receipt.no_receipt"),
        ('{"fiscalDriveNumber": "9960440302169202"}', "receipt.missing_field"),
    ],
)
def test_receipt_errors(text: str, code: str) -> None:
    with pytest.raises(chek.ReceiptError) as info:
        chek.Receipt.from_fns_json(text)
    assert info.value.code == code
    assert info.value.hints["en"]


def test_invalid_utf8_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        chek.Receipt.from_fns_json(b"\xff\xfe{")


def test_candidate() -> None:
    r = load("irkkt-ticket-2023-lenta.json")
    qr = r.to_qr()
    c = chek.Candidate(qr)
    assert (c.channel, c.receipt, c.total_kopecks) == ("qr", None, 21760)
    assert c.total == decimal.Decimal("217.60")
    assert c.identity == r.identity
    v = chek.Candidate(qr, "manual", r)
    assert v.receipt == r and v.channel == "manual"
    assert v != c
    assert v.to_dict()["receipt"]["datetime"] == r.datetime.isoformat()
    assert c.to_dict() == {"qr": qr.to_dict(), "channel": "qr", "receipt": None}
    assert repr(c) == f"Candidate(qr='{qr}', channel='qr', verified=False)"
    assert chek.validate(v, now=datetime.datetime(2023, 3, 1))[0].code == "fiscal.date_in_future"
    with pytest.raises(ValueError):
        chek.Candidate(qr, "fax")



def test_oversized_json_is_refused() -> None:
    with pytest.raises(chek.ReceiptError) as info:
        chek.Receipt.from_fns_json("[" + " " * 9_000_000 + "]")
    assert info.value.code == "receipt.too_large"


def test_bad_field_names_the_field() -> None:
    bad = '{"fiscalDriveNumber": "123", "fiscalDocumentNumber": 1, "fiscalSign": 1, "totalSum": 1, "operationType": 1, "dateTime": "2023-03-17T18:30:00"}'
    with pytest.raises(chek.ReceiptError) as info:
        chek.Receipt.from_fns_json(bad)
    assert info.value.code == "receipt.bad_field"
    assert info.value.details["field"] == "fiscalDriveNumber"
