"""The exception hierarchy: classes, `.code`, `.hint`, `.hints`, `.details`, panics."""

from __future__ import annotations

import pytest

import chek

AREAS = [
    chek.QrError,
    chek.ReceiptError,
    chek.TextError,
    chek.ScanError,
    chek.CampaignError,
    chek.DrawError,
    chek.VerifyError,
    chek.InternalError,
]


@pytest.mark.parametrize("cls", AREAS)
def test_every_area_error_is_a_chek_error(cls: type[chek.ChekError]) -> None:
    assert issubclass(cls, chek.ChekError)
    assert issubclass(cls, Exception)
    assert cls.__module__ == "chek"


def test_qr_error_carries_code_hints_and_details() -> None:
    with pytest.raises(chek.QrError) as info:
        chek.parse_qr("t=20200115T2110&s=bad&fn=1234567890123456&i=1&fp=1&n=1")
    e = info.value
    assert e.code == "qr.malformed_field"
    assert e.hint == e.hints["ru"]
    assert "ИТОГ" in e.hints["ru"]
    assert "total" in e.hints["en"]
    assert e.details == {"field": "s", "value": "bad"}
    assert "malformed" in str(e)


def test_errors_are_caught_by_the_base_class() -> None:
    with pytest.raises(chek.ChekError) as info:
        chek.parse_qr("hello")
    assert type(info.value) is chek.QrError
    assert info.value.code == "qr.not_fiscal"
    assert info.value.details == {}


def test_a_panic_in_detached_work_is_an_internal_error() -> None:
    with pytest.raises(chek.InternalError) as info:
        chek._chek._panic_for_tests(True)  # type: ignore[attr-defined]
    assert info.value.code == "internal.panic"
    assert "deliberate panic" in str(info.value)
    assert info.value.hints["en"].startswith("Internal error")


def test_a_panic_elsewhere_is_pyo3s_panic_exception() -> None:
    # pyo3's PanicException derives from BaseException: still an exception, never a crash.
    with pytest.raises(BaseException) as info:
        chek._chek._panic_for_tests(False)  # type: ignore[attr-defined]
    assert type(info.value).__name__ == "PanicException"
    assert not isinstance(info.value, Exception)


def test_bad_argument_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        chek.scan(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chek.validate("t=...")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chek.Receipt.from_fns_json(3.5)  # type: ignore[arg-type]
