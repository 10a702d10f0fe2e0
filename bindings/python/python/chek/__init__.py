"""chek: receipt promo campaigns for Russian fiscal receipts.

Read the fiscal QR of a receipt (from its text or a photo), validate it offline, read printed
text and manual entries, verify with ФНС, run campaigns and prize draws, talk to shoppers on
Telegram (``chek.channels``). Every result is an
immutable object with ``to_dict()`` (JSON-ready: ``json.dumps`` takes it); every error is a
:class:`ChekError` with a stable ``.code`` and a ``.hint`` a shopper can act on (``.hints``
holds Russian and English). ``chek.aio`` has awaitable versions of the blocking calls.

Times: chek keeps naive datetimes, each parameter saying whether it is UTC (``received_at``, a
campaign's ``now``) or a local wall clock (``validate``'s ``now``, engagement flows). Naive
datetimes are taken as they are; a timezone-aware one is converted to UTC for UTC parameters,
and for local ones to the call's ``tz=`` (a ``datetime.tzinfo``, an IANA name, or a campaign's
``Campaign.tz``), else :class:`TimeZoneError` is raised rather than guessing a zone.

>>> import chek
>>> qr = chek.parse_qr("t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1")
>>> qr.total
Decimal('1285.21')
"""

import os
from typing import Any, Iterable, Mapping, Sequence, Tuple, Union

from chek._chek import (
    Attempt,
    Audit,
    BacktestChange,
    BacktestReport,
    Balance,
    DayCounts,
    DrawRecord,
    NextAction,
    ParticipantRecord,
    PendingRecheck,
    ReasonCount,
    ReceiptEntry,
    RecheckPolicy,
    Report,
    SegmentMember,
    TimeZoneError,
    CHECKAPI_URL,
    FNS_MOBILE_URL,
    Campaign,
    Candidate,
    CheckApi,
    Decision,
    DrawResult,
    FnsMobile,
    History,
    PastReceipt,
    Reason,
    VerifyResult,
    Winner,
    draw,
    lots_hash,
    parse_lots,
    seed_commitment,
    verify_draw,
    CareError,
    ChainBreak,
    ChainHead,
    ChainReport,
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
    NotifyError,
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
    ChannelError,
    LoyaltyError,
    FeedbackError,
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

ReceiptLike = Union[Candidate, FiscalQr, Receipt]
"""What a campaign evaluates: a `Candidate`, or a `FiscalQr` / `Receipt` (channel "qr")."""

Lots = Union[Mapping[str, int], Iterable[Tuple[str, int]], str]
"""A lots list: {participant: lots}, (participant, lots) pairs, or a lots file's text."""

HexOrBytes = Union[bytes, str]
"""Seeds and beacons: raw bytes, or a hex string (the published form)."""

__all__ = [
    "__version__",
    # submodules: engagement flows and Russian language
    "aio",
    "bot",
    "channels",
    "engage",
    "outbox",
    "ru",
    "Photo",
    "JsonInput",
    "ReceiptLike",
    "Lots",
    "HexOrBytes",
    # errors
    "ChekError",
    "QrError",
    "ReceiptError",
    "TextError",
    "ScanError",
    "CampaignError",
    "DrawError",
    "VerifyError",
    "ChannelError",
    "NotifyError",
    "LoyaltyError",
    "FeedbackError",
    "CareError",
    "EngineError",
    "TimeZoneError",
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
    # campaigns
    "Campaign",
    "Decision",
    "Reason",
    "History",
    "PastReceipt",
    "BacktestReport",
    "BacktestChange",
    # draws
    "DrawResult",
    "Winner",
    "draw",
    "verify_draw",
    "seed_commitment",
    "lots_hash",
    "parse_lots",
    # verification with ФНС
    "FnsMobile",
    "CheckApi",
    "VerifyResult",
    "RecheckPolicy",
    "NextAction",
    "Attempt",
    "FNS_MOBILE_URL",
    "CHECKAPI_URL",
    # the main job: engine and ledger
    "Ledger",
    "Engine",
    "Outcome",
    "ChainReport",
    "ChainHead",
    "ChainBreak",
    "Report",
    "DayCounts",
    "ReasonCount",
    "SegmentMember",
    "PendingRecheck",
    "DrawRecord",
    "ParticipantRecord",
    "ReceiptEntry",
    "Balance",
    "Audit",
]

# Submodules, imported last: they import from chek._chek.
from chek import aio, bot, channels, engage, outbox, ru  # noqa: E402
