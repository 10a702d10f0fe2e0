"""chek: receipt promo campaigns for Russian fiscal receipts.

Read the fiscal QR of a receipt (from its text or a photo), validate it offline, read printed
text and manual entries, verify with ФНС, run campaigns and prize draws. Every result is an
immutable object with ``to_dict()``; every error is a :class:`ChekError` with a stable
``.code`` and a ``.hint`` a shopper can act on (``.hints`` holds Russian and English).

>>> import chek
>>> qr = chek.parse_qr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1")
>>> qr.total
Decimal('1285.21')
"""

import os
from typing import Any, Mapping, Sequence, Union

from chek._chek import (
    Candidate,
    ChekError,
    Diagnostic,
    Engine,
    EngineError,
    FieldProblem,
    Finding,
    FiscalQr,
    FoundField,
    InternalError,
    Item,
    Ledger,
    OcrResult,
    Outcome,
    Payments,
    QrError,
    Receipt,
    ReceiptError,
    ReceiptId,
    ScanError,
    ScanResult,
    TextError,
    TextItem,
    TextReading,
    CampaignError,
    DrawError,
    VerifyError,
    __version__,
    has_errors,
    ocr,
    parse_manual,
    parse_qr,
    parse_text,
    scan,
    validate,
)

Photo = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", "os.PathLike[bytes]"]
"""A receipt photo: its bytes (JPEG, PNG or WebP) or a path to the file."""

JsonInput = Union[str, bytes, bytearray, Mapping[str, Any], Sequence[Any]]
"""ФНС JSON: the text, its UTF-8 bytes, or the already parsed value."""

__all__ = [
    "__version__",
    "Photo",
    "JsonInput",
    # errors
    "ChekError",
    "QrError",
    "ReceiptError",
    "TextError",
    "ScanError",
    "CampaignError",
    "DrawError",
    "VerifyError",
    "EngineError",
    "InternalError",
    # the fiscal QR and offline checks
    "FiscalQr",
    "ReceiptId",
    "Finding",
    "parse_qr",
    "validate",
    "has_errors",
    # receipts
    "Receipt",
    "Item",
    "Payments",
    "Candidate",
    # printed text and manual entry
    "TextReading",
    "FoundField",
    "FieldProblem",
    "TextItem",
    "parse_text",
    "parse_manual",
    # photos
    "ScanResult",
    "Diagnostic",
    "OcrResult",
    "scan",
    "ocr",
    # the main job: engine and ledger
    "Ledger",
    "Engine",
    "Outcome",
]
