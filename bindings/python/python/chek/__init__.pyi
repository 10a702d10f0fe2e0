"""Type stubs of the chek package (the native module ``chek._chek`` re-exported).

Checked against the built module by ``python -m mypy.stubtest chek`` in scripts/test.
"""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, Union, final

__version__: Final[str]

Photo = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", "os.PathLike[bytes]"]
"""A receipt photo: its bytes (JPEG, PNG or WebP) or a path to the file."""

JsonInput = Union[str, bytes, bytearray, Mapping[str, Any], Sequence[Any]]



# ---------------------------------------------------------------- errors

class ChekError(Exception):
    """Base of every chek error."""

    code: str
    """Stable machine code, e.g. ``"qr.missing_field"``."""
    hint: str
    """What the shopper can do, in Russian (the default language)."""
    hints: dict[str, str]
    """The hint in both languages: ``{"ru": ..., "en": ...}``."""
    details: dict[str, Any]
    """Structured extras (e.g. ``{"field": "s", "value": "bad"}``); may be empty."""

class QrError(ChekError): ...
class ReceiptError(ChekError): ...
class TextError(ChekError): ...
class ScanError(ChekError): ...
class CampaignError(ChekError): ...
class DrawError(ChekError): ...
class VerifyError(ChekError): ...
class InternalError(ChekError): ...


class NotifyError(ChekError): ...
class LoyaltyError(ChekError): ...
class FeedbackError(ChekError): ...
class CareError(ChekError): ...


class EngineError(ChekError): ...

# ---------------------------------------------------------------- the fiscal QR

@final
class ReceiptId:
    """ФН + ФД + ФП, written ``fn:fd:fp``."""

    def __new__(cls, text: str) -> "ReceiptId": ...
    @property
    def fn(self) -> str: ...
    @property
    def fd(self) -> int: ...
    @property
    def fp(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __hash__(self) -> int: ...

@final
class FiscalQr:
    """The parsed fiscal QR of a receipt; ``FiscalQr(text)`` parses (raises QrError)."""

    def __new__(cls, text: str) -> "FiscalQr": ...
    @staticmethod
    def parse(text: str) -> "FiscalQr": ...
    @property
    def datetime(self) -> datetime.datetime: ...
    @property
    def total_kopecks(self) -> int: ...
    @property
    def total(self) -> decimal.Decimal: ...
    @property
    def fn(self) -> str: ...
    @property
    def fd(self) -> int: ...
    @property
    def fp(self) -> int: ...
    @property
    def operation(self) -> int: ...
    @property
    def extra(self) -> list[tuple[str, str]]: ...
    @property
    def identity(self) -> ReceiptId: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __hash__(self) -> int: ...

@final
class Finding:
    """A finding of offline validation (data, not an error)."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def is_error(self) -> bool: ...
    @property
    def hint(self) -> str: ...
    @property
    def hints(self) -> dict[str, str]: ...
    def hint_in(self, lang_: str) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __hash__(self) -> int: ...

def parse_qr(text: str) -> FiscalQr: ...
def validate(
    receipt: Union[FiscalQr, "Receipt", "Candidate"],
    *,
    now: Optional[datetime.datetime] = None,
    future_tolerance_minutes: Optional[int] = None,
    earliest: Optional[datetime.date] = None,
    max_plausible_kopecks: Optional[int] = None,
    item_tolerance_kopecks: Optional[int] = None,
) -> list[Finding]: ...
def has_errors(findings: Sequence[Finding]) -> bool: ...

# ---------------------------------------------------------------- receipts

@final
class Payments:
    @property
    def cash(self) -> int: ...
    @property
    def ecash(self) -> int: ...
    @property
    def prepaid(self) -> int: ...
    @property
    def credit(self) -> int: ...
    @property
    def provision(self) -> int: ...
    @property
    def total(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Item:
    @property
    def name(self) -> str: ...
    @property
    def price_kopecks(self) -> int: ...
    @property
    def price(self) -> decimal.Decimal: ...
    @property
    def quantity(self) -> float: ...
    @property
    def sum_kopecks(self) -> int: ...
    @property
    def sum(self) -> decimal.Decimal: ...
    @property
    def vat_rate(self) -> Optional[int]: ...
    @property
    def payment_type(self) -> Optional[int]: ...
    @property
    def product_type(self) -> Optional[int]: ...
    @property
    def gtin(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Receipt:
    """A full receipt as returned by ФНС."""

    @staticmethod
    def from_fns_json(json: JsonInput) -> "Receipt": ...
    @property
    def datetime(self) -> datetime.datetime: ...
    @property
    def total_kopecks(self) -> int: ...
    @property
    def total(self) -> decimal.Decimal: ...
    @property
    def fn(self) -> str: ...
    @property
    def fd(self) -> int: ...
    @property
    def fp(self) -> int: ...
    @property
    def operation(self) -> int: ...
    @property
    def document_code(self) -> Optional[int]: ...
    @property
    def seller(self) -> Optional[str]: ...
    @property
    def seller_inn(self) -> Optional[str]: ...
    @property
    def kkt_reg_id(self) -> Optional[str]: ...
    @property
    def kkt_number(self) -> Optional[str]: ...
    @property
    def retail_place(self) -> Optional[str]: ...
    @property
    def retail_place_address(self) -> Optional[str]: ...
    @property
    def shift_number(self) -> Optional[int]: ...
    @property
    def request_number(self) -> Optional[int]: ...
    @property
    def ffd_version(self) -> Optional[int]: ...
    @property
    def payments(self) -> Payments: ...
    @property
    def items(self) -> list[Item]: ...
    @property
    def identity(self) -> ReceiptId: ...
    def to_qr(self) -> FiscalQr: ...
    def matches_qr(self, qr: FiscalQr) -> list[Finding]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Candidate:
    """A receipt as submitted through a channel (``"qr"``, ``"ocr"``, ``"manual"``)."""

    def __new__(
        cls, qr: FiscalQr, channel: str = "qr", receipt: Optional[Receipt] = None
    ) -> "Candidate": ...
    @property
    def qr(self) -> FiscalQr: ...
    @property
    def channel(self) -> str: ...
    @property
    def receipt(self) -> Optional[Receipt]: ...
    @property
    def identity(self) -> ReceiptId: ...
    @property
    def total_kopecks(self) -> int: ...
    @property
    def total(self) -> decimal.Decimal: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

# ---------------------------------------------------------------- printed text, manual entry

@final
class FoundField:
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> Union[datetime.datetime, int, str]: ...
    @property
    def line(self) -> int: ...
    @property
    def span(self) -> tuple[int, int]: ...
    @property
    def confidence(self) -> float: ...
    @property
    def repairs(self) -> list[str]: ...
    @property
    def doubtful(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class FieldProblem:
    @property
    def kind(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def hint(self) -> str: ...
    @property
    def hints(self) -> dict[str, str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __hash__(self) -> int: ...

@final
class TextItem:
    @property
    def name(self) -> str: ...
    @property
    def quantity(self) -> float: ...
    @property
    def price_kopecks(self) -> int: ...
    @property
    def sum_kopecks(self) -> int: ...
    @property
    def sum(self) -> decimal.Decimal: ...
    @property
    def line(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class TextReading:
    """Every field found in a receipt text or a manual entry."""

    @property
    def channel(self) -> str: ...
    @property
    def datetime(self) -> Optional[datetime.datetime]: ...
    @property
    def total_kopecks(self) -> Optional[int]: ...
    @property
    def total(self) -> Optional[decimal.Decimal]: ...
    @property
    def fn(self) -> Optional[str]: ...
    @property
    def fd(self) -> Optional[int]: ...
    @property
    def fp(self) -> Optional[int]: ...
    @property
    def operation(self) -> Optional[int]: ...
    @property
    def inn(self) -> Optional[str]: ...
    @property
    def rnm(self) -> Optional[str]: ...
    @property
    def zn(self) -> Optional[str]: ...
    @property
    def shift(self) -> Optional[int]: ...
    @property
    def receipt_number(self) -> Optional[int]: ...
    def field(self, name: str) -> Optional[FoundField]: ...
    @property
    def fields(self) -> list[FoundField]: ...
    @property
    def items(self) -> list[TextItem]: ...
    @property
    def missing(self) -> list[str]: ...
    @property
    def unreadable(self) -> list[str]: ...
    @property
    def complete(self) -> bool: ...
    @property
    def refused(self) -> Optional[str]: ...
    @property
    def problems(self) -> list[FieldProblem]: ...
    def to_qr(self) -> FiscalQr: ...
    def to_candidate(self) -> Candidate: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

def parse_text(text: str) -> TextReading: ...
def parse_manual(text: str) -> TextReading: ...

# ---------------------------------------------------------------- photos

@final
class Diagnostic:
    @property
    def code(self) -> str: ...
    @property
    def hint(self) -> str: ...
    @property
    def hints(self) -> dict[str, str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class ScanResult:
    @property
    def fiscal(self) -> Optional[FiscalQr]: ...
    @property
    def ok(self) -> bool: ...
    @property
    def text(self) -> Optional[str]: ...
    @property
    def others(self) -> list[str]: ...
    @property
    def diagnostics(self) -> list[Diagnostic]: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def pass_name(self) -> Optional[str]: ...
    @property
    def tried(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class OcrResult:
    @property
    def reading(self) -> TextReading: ...
    @property
    def text(self) -> str: ...
    @property
    def elapsed(self) -> float: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

def scan(
    photo: Photo,
    *,
    max_bytes: Optional[int] = None,
    max_pixels: Optional[int] = None,
    max_side: Optional[int] = None,
    budget: Optional[float] = None,
    diagnose: bool = True,
    stop_at_any_code: bool = False,
) -> ScanResult: ...
def ocr(
    photo: Photo,
    *,
    tesseract: Optional[Union[str, "os.PathLike[str]"]] = None,
    languages: Optional[str] = None,
    psm: Optional[int] = None,
    timeout: Optional[float] = None,
) -> OcrResult: ...

# ---------------------------------------------------------------- campaigns

@final
class PastReceipt:
    def __new__(
        cls,
        id: Union[ReceiptId, str],
        submitted_at: datetime.datetime,
        lots: int = 0,
        points: int = 0,
    ) -> "PastReceipt": ...
    @property
    def id(self) -> ReceiptId: ...
    @property
    def submitted_at(self) -> datetime.datetime: ...
    @property
    def lots(self) -> int: ...
    @property
    def points(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class History:
    """What the ledger knows about a participant when a new receipt arrives."""

    def __new__(
        cls,
        participant: str = ...,
        receipts: Sequence[PastReceipt] = ...,
        claimed_by_others: Sequence[Union[ReceiptId, str]] = ...,
        campaign_lots: int = 0,
        campaign_points: int = 0,
    ) -> "History": ...
    @staticmethod
    def from_json(json: JsonInput) -> "History": ...
    @property
    def participant(self) -> str: ...
    @property
    def receipts(self) -> list[PastReceipt]: ...
    @property
    def claimed_by_others(self) -> list[ReceiptId]: ...
    @property
    def campaign_lots(self) -> int: ...
    @property
    def campaign_points(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Reason:
    @property
    def code(self) -> str: ...
    @property
    def effect(self) -> str: ...
    @property
    def segment(self) -> Optional[str]: ...
    @property
    def rule(self) -> str: ...
    @property
    def hint(self) -> str: ...
    @property
    def hints(self) -> dict[str, str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Decision:
    @property
    def campaign(self) -> str: ...
    @property
    def receipt(self) -> ReceiptId: ...
    @property
    def status(self) -> str: ...
    @property
    def accepted(self) -> bool: ...
    @property
    def lots(self) -> int: ...
    @property
    def points(self) -> int: ...
    @property
    def lots_before_caps(self) -> int: ...
    @property
    def points_before_caps(self) -> int: ...
    @property
    def reasons(self) -> list[Reason]: ...
    @property
    def segments(self) -> list[str]: ...
    def has(self, code: str) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

ReceiptLike = Union[Candidate, FiscalQr, Receipt]

@final
class Campaign:
    """A checked, compiled campaign."""

    @staticmethod
    def from_toml(text: str, *, stores: Optional[str] = None) -> "Campaign": ...
    @staticmethod
    def from_json(json: JsonInput, *, stores: Optional[str] = None) -> "Campaign": ...
    @staticmethod
    def from_file(path: Union[str, "os.PathLike[str]"]) -> "Campaign": ...
    @staticmethod
    def parse(text: str) -> "Campaign": ...
    @staticmethod
    def json_schema() -> dict[str, Any]: ...
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    def evaluate(
        self,
        receipt: ReceiptLike,
        history: Optional[History] = None,
        *,
        now: Optional[datetime.datetime] = None,
    ) -> Decision: ...
    def evaluate_many(
        self,
        receipts: Iterable[Union[ReceiptLike, tuple[ReceiptLike, History]]],
        history: Optional[History] = None,
        *,
        now: Optional[datetime.datetime] = None,
    ) -> list[Decision]: ...

# ---------------------------------------------------------------- draws

Lots = Union[Mapping[str, int], Iterable[tuple[str, int]], str]
HexOrBytes = Union[bytes, str]

@final
class Winner:
    @property
    def prize(self) -> int: ...
    @property
    def participant(self) -> str: ...
    @property
    def lots(self) -> int: ...
    @property
    def ticket(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __hash__(self) -> int: ...

@final
class DrawResult:
    @staticmethod
    def from_json(json: JsonInput) -> "DrawResult": ...
    @property
    def algorithm(self) -> str: ...
    @property
    def seed_commitment(self) -> str: ...
    @property
    def lots_hash(self) -> str: ...
    @property
    def exclusions_hash(self) -> str: ...
    @property
    def seed(self) -> str: ...
    @property
    def beacon(self) -> str: ...
    @property
    def prizes(self) -> int: ...
    @property
    def excluded(self) -> list[str]: ...
    @property
    def entries(self) -> int: ...
    @property
    def total_lots(self) -> int: ...
    @property
    def winners(self) -> list[Winner]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    __hash__: None  # type: ignore[assignment]

def draw(
    lots: Lots,
    *,
    seed: HexOrBytes,
    beacon: HexOrBytes,
    prizes: int,
    excluded: Sequence[str] = ...,
) -> DrawResult: ...
def verify_draw(result: Union[DrawResult, JsonInput], lots: Lots) -> None: ...
def seed_commitment(seed: HexOrBytes) -> str: ...
def lots_hash(lots: Lots) -> str: ...
def parse_lots(text: str) -> list[tuple[str, int]]: ...

# ---------------------------------------------------------------- verification with ФНС

FNS_MOBILE_URL: Final[str]
CHECKAPI_URL: Final[str]

@final
class VerifyResult:
    @property
    def status(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def verified(self) -> bool: ...
    @property
    def receipt(self) -> Optional[Receipt]: ...
    @property
    def is_final(self) -> bool: ...
    @property
    def counts_as_attempt(self) -> bool: ...
    @property
    def retry_after(self) -> Optional[int]: ...
    @property
    def detail(self) -> Optional[str]: ...
    @property
    def hint(self) -> str: ...
    @property
    def hints(self) -> dict[str, str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class FnsMobile:
    """The ФНС app's API, with a session id; `verify` blocks with the GIL released."""

    def __new__(
        cls,
        session: str,
        *,
        base_url: str = ...,
        connect_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        backoff_base: Optional[float] = None,
        backoff_max: Optional[float] = None,
        retry_after_cap: Optional[float] = None,
        max_concurrent: Optional[int] = None,
        poll_interval: Optional[float] = None,
        poll_attempts: Optional[int] = None,
    ) -> "FnsMobile": ...
    @property
    def name(self) -> str: ...
    def verify(self, receipt: Union[FiscalQr, Candidate, str]) -> VerifyResult: ...

@final
class CheckApi:
    """A proverkacheka-style service, with a token; `verify` blocks with the GIL released."""

    def __new__(
        cls,
        token: str,
        *,
        base_url: str = ...,
        connect_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        backoff_base: Optional[float] = None,
        backoff_max: Optional[float] = None,
        retry_after_cap: Optional[float] = None,
        max_concurrent: Optional[int] = None,
        poll_interval: Optional[float] = None,
        poll_attempts: Optional[int] = None,
    ) -> "CheckApi": ...
    @property
    def name(self) -> str: ...
    def verify(self, receipt: Union[FiscalQr, Candidate, str]) -> VerifyResult: ...

# ---------------------------------------------------------------- SMS length

@final
class SmsLength:
    @property
    def encoding(self) -> str: ...
    @property
    def units(self) -> int: ...
    @property
    def chars(self) -> int: ...
    @property
    def segments(self) -> int: ...
    @property
    def per_segment(self) -> int: ...
    @property
    def free_in_last(self) -> int: ...
    @property
    def fits_one(self) -> bool: ...
    def cost_kopecks(self, price_per_segment: int) -> int: ...
    def to_save_segment(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

def measure_sms(text: str) -> SmsLength: ...
def split_sms(text: str) -> list[str]: ...


# ---------------------------------------------------------------- the main job

@final
class Ledger:
    """A campaign ledger: an SQLite file (created when missing), ``":memory:"``, or
    ``"postgres://…"``."""

    def __new__(cls, target: str) -> Ledger: ...
    @property
    def backend(self) -> str: ...

@final
class Outcome:
    """What one submission came to."""

    @property
    def status(self) -> str: ...
    @property
    def next_at(self) -> Optional[datetime.datetime]: ...
    @property
    def participant(self) -> str: ...
    @property
    def input(self) -> str: ...
    @property
    def lots(self) -> int: ...
    @property
    def points(self) -> int: ...
    @property
    def receipt(self) -> Optional[str]: ...
    @property
    def qr(self) -> Optional[str]: ...
    @property
    def replayed(self) -> bool: ...
    @property
    def verified(self) -> bool: ...
    @property
    def verification(self) -> dict[str, Any]: ...
    @property
    def reasons(self) -> list[dict[str, Any]]: ...
    @property
    def codes(self) -> list[str]: ...
    def text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Engine:
    """One campaign over a ledger: offline unless ``provider`` ("fns" or "checkapi") is given."""

    def __new__(
        cls,
        campaign: str,
        ledger: Ledger,
        *,
        provider: Optional[str] = None,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 20.0,
    ) -> Engine: ...
    @property
    def campaign_id(self) -> str: ...
    @property
    def offline(self) -> bool: ...
    def submit(
        self,
        participant: str,
        *,
        qr: Optional[str] = None,
        photo: Optional[Photo] = None,
        ocr_text: Optional[str] = None,
        manual: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        lang: str = "ru",
        received_at: Optional[datetime.datetime] = None,
    ) -> Outcome: ...
    def submit_batch(
        self, submissions: Iterable[Mapping[str, Any]]
    ) -> list[Union[Outcome, ChekError]]: ...
    def due_rechecks(
        self, *, now: Optional[datetime.datetime] = None, limit: int = 1000
    ) -> list[dict[str, Any]]: ...
    def recheck(
        self, *, now: Optional[datetime.datetime] = None, limit: int = 1000
    ) -> list[Outcome]: ...
    def commit_draw(
        self, period: str, commitment: str, *, now: Optional[datetime.datetime] = None
    ) -> None: ...
    def draw(
        self,
        period: str,
        start: datetime.date,
        end: datetime.date,
        *,
        seed: bytes,
        beacon: bytes,
        prizes: int,
        exclude: Sequence[str] = ...,
        now: Optional[datetime.datetime] = None,
    ) -> dict[str, Any]: ...
    def segment(self, name: str) -> list[dict[str, Any]]: ...
    def report(self) -> dict[str, Any]: ...


# ---------------------------------------------------------------- notifications

@final
class NotificationText:
    """A template rendered as SMS text and as speech, with the SMS length, cost and cuts."""

    @property
    def sms(self) -> str: ...
    @property
    def speech(self) -> str: ...
    @property
    def encoding(self) -> str: ...
    @property
    def units(self) -> int: ...
    @property
    def segments(self) -> int: ...
    @property
    def sms_cost_kopecks(self) -> int: ...
    @property
    def speech_seconds(self) -> int: ...
    @property
    def call_cost_kopecks(self) -> int: ...
    @property
    def cuts(self) -> list[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

def render_notification(
    template: str, vars: Mapping[str, Any], *, config: Optional[str] = None
) -> NotificationText: ...
def plan_notifications(
    config: str,
    events: JsonInput,
    *,
    contacts: Optional[JsonInput] = None,
    now: Optional[datetime.datetime] = None,
    ledger: Optional[Ledger] = None,
) -> dict[str, Any]:
    """Plan the firings of the config's rules; with ``ledger`` the caps count the contacts it
    holds and each planned key is recorded once (a rerun skips it as ``notify.already_sent``)."""
    ...
def call_outcome(
    report: Mapping[str, Any],
    *,
    key: str,
    recipient: Optional[Mapping[str, Any]] = None,
    attempt: int = 1,
    purpose: str = "service",
    config: Optional[str] = None,
    contacts: Optional[JsonInput] = None,
    until: Optional[datetime.datetime] = None,
    now: Optional[datetime.datetime] = None,
    template: Optional[str] = None,
    sms_text: Optional[str] = None,
    ledger: Optional[Ledger] = None,
) -> dict[str, Any]:
    """One call report (Twilio, Vonage, Asterisk or UIS) → the CRM result with the retry or the
    SMS fallback; with ``ledger`` recorded once per key and attempt (``"replayed"``)."""
    ...
def call_outcomes(
    calls: JsonInput,
    *,
    config: Optional[str] = None,
    contacts: Optional[JsonInput] = None,
    now: Optional[datetime.datetime] = None,
    ledger: Optional[Ledger] = None,
) -> list[dict[str, Any]]:
    """A batch of call reports: one result dict per record, or ``{"record", "external_id",
    "error"}`` for a record that does not parse or map."""
    ...
def notify_contacts(ledger: Ledger) -> list[dict[str, Any]]:
    """The contacts the ledger holds for the notification caps."""
    ...
def notify_plans(ledger: Ledger) -> list[dict[str, Any]]:
    """The messages planned in the ledger with their call status."""
    ...
def plural_category(number: Union[int, str]) -> str: ...
def amount_sms(kopecks: int) -> str: ...
def amount_spoken(kopecks: int) -> str: ...
def amount_spoken_in(kopecks: int, case: str = "nom", digits: bool = False) -> str:
    """Money in words in a case: "acc" «тысячу пятьсот рублей», "gen", "dat", "ins", "prep"."""
def number_in_words(n: int, gender: str = "m", case: str = "nom") -> str:
    """A whole number in words: number_in_words(21, "f", "gen") == "двадцати одной"."""
def expand_abbreviations(text: str) -> str:
    """Speech text: «ул. Ленина, д. 5» → «улица Ленина, дом 5»."""
def person_name(text: str) -> Optional[dict[str, Any]]:
    """{given, patronymic, surname, polite, full}; None for no letters or an organisation."""
def phone_e164(raw: str) -> Optional[str]:
    """E.164 by the one normaliser of every flow, or None when not a phone number."""
def phone_problem(raw: str) -> Optional[str]:
    """"phone.empty" | "phone.too_long" | "phone.bad_char" | "phone.bad_digits", or None."""

@final
class ProductionCalendar:
    """The Russian production calendar (decrees 2024–2027, Art. 112 beyond) with host days."""
    def __new__(
        cls,
        text: Optional[str] = None,
        days: Optional[Sequence[Tuple[datetime.date, str]]] = None,
        exact_years: Optional[Sequence[int]] = None,
    ) -> "ProductionCalendar": ...
    def day_kind(self, date: datetime.date) -> str: ...
    def is_working_day(self, date: datetime.date) -> bool: ...
    def is_shortened(self, date: datetime.date) -> bool: ...
    def next_working_day(self, date: datetime.date) -> datetime.date: ...
    def working_days_between(self, start: datetime.date, end: datetime.date) -> int: ...
    def is_exact(self, year: int) -> bool: ...
    def warning(self, date: datetime.date) -> Optional[dict[str, Any]]: ...
    def install(self) -> None: ...
    @staticmethod
    def uninstall() -> None: ...
    @staticmethod
    def source(year: int) -> Optional[str]: ...

# ---------------------------------------------------------------- loyalty cards

@final
class LoyaltyProgramme:
    """Card formats and reply templates of a loyalty programme."""

    @staticmethod
    def from_toml(text: str) -> "LoyaltyProgramme": ...
    @staticmethod
    def from_json(text: str) -> "LoyaltyProgramme": ...
    @staticmethod
    def example() -> "LoyaltyProgramme": ...
    @property
    def name(self) -> str: ...
    def check_replies(self) -> list[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class LoyaltyExchange:
    """The next registry, the outcome and the reply SMS of one request."""

    @property
    def registry(self) -> "LoyaltyRegistry": ...
    @property
    def code(self) -> str: ...
    @property
    def success(self) -> bool: ...
    @property
    def outcome(self) -> dict[str, Any]: ...
    @property
    def hints(self) -> dict[str, str]: ...
    @property
    def reply(self) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class LoyaltyResult:
    """What one request to a ledger-backed registry came to."""

    @property
    def code(self) -> str: ...
    @property
    def success(self) -> bool: ...
    @property
    def replayed(self) -> bool: ...
    @property
    def outcome(self) -> dict[str, Any]: ...
    @property
    def hints(self) -> dict[str, str]: ...
    @property
    def reply(self) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class LoyaltyLedger:
    """The cards of a programme kept in a Ledger: each request one transaction."""

    def __new__(cls, ledger: Ledger, programme: LoyaltyProgramme) -> "LoyaltyLedger": ...
    def issue(
        self,
        cards: Sequence[str],
        *,
        blocked: Sequence[str] = ...,
        now: Optional[datetime.datetime] = None,
    ) -> int: ...
    def sms(
        self,
        from_: str,
        text: str,
        *,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def form(
        self,
        card: str,
        phone: str = "",
        *,
        operator: str = "operator",
        sms_from: Optional[str] = None,
        fields: Optional[Mapping[str, str]] = None,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def website(
        self,
        account: str,
        card: str,
        phone: str,
        *,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def till(
        self,
        cashier: str,
        card: str,
        phone: str,
        *,
        can_activate: bool,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def confirm(
        self,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def reject(
        self,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def block(
        self,
        card: str,
        *,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def card(self, number: str) -> Optional[dict[str, Any]]: ...
    def export(self) -> list[dict[str, Any]]: ...
    def registry(self) -> "LoyaltyRegistry": ...
    def import_registry(
        self, registry: "LoyaltyRegistry", *, now: Optional[datetime.datetime] = None
    ) -> int: ...

@final
class LoyaltyRegistry:
    """Cards and their phones; every operation returns a LoyaltyExchange with the next value."""

    def __new__(cls, cards: Sequence[str] = ...) -> "LoyaltyRegistry": ...
    def issue(self, cards: Sequence[str]) -> "LoyaltyRegistry": ...
    def sms(
        self,
        programme: LoyaltyProgramme,
        from_: str,
        text: str,
        *,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def form(
        self,
        programme: LoyaltyProgramme,
        card: str,
        phone: str = "",
        *,
        operator: str = "operator",
        sms_from: Optional[str] = None,
        fields: Optional[Mapping[str, str]] = None,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def website(
        self,
        programme: LoyaltyProgramme,
        account: str,
        card: str,
        phone: str,
        *,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def till(
        self,
        programme: LoyaltyProgramme,
        cashier: str,
        card: str,
        phone: str,
        *,
        can_activate: bool,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def confirm(
        self,
        programme: LoyaltyProgramme,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def reject(
        self,
        programme: LoyaltyProgramme,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def block(
        self,
        programme: LoyaltyProgramme,
        card: str,
        *,
        now: Optional[datetime.datetime] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def card(self, number: str) -> Optional[dict[str, Any]]: ...
    def card_of(self, phone: str) -> Optional[str]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> "LoyaltyRegistry": ...
    def __len__(self) -> int: ...
    __hash__: None  # type: ignore[assignment]

def extract_card(text: str, programme: LoyaltyProgramme) -> str: ...
def normalize_phone(raw: str) -> str: ...

# ---------------------------------------------------------------- rating → review → bonus

@final
class Survey:
    """Criteria rated 1–10, threshold, mode ("compliant" or "gated"), bonus, review URL."""

    @staticmethod
    def from_toml(text: str) -> "Survey": ...
    @staticmethod
    def from_json(text: str) -> "Survey": ...
    @property
    def id(self) -> str: ...
    @property
    def criteria(self) -> list[str]: ...
    @property
    def threshold(self) -> int: ...
    @property
    def mode(self) -> str: ...
    def policy_risks(self) -> list[dict[str, Any]]: ...
    def rate(self, scores: Sequence[int]) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Experiment:
    """An A/B experiment assigned by chek-ab-v1."""

    @staticmethod
    def from_toml(text: str) -> "Experiment": ...
    @staticmethod
    def from_json(text: str) -> "Experiment": ...
    @staticmethod
    def of_survey(survey: Survey) -> Optional["Experiment"]: ...
    @property
    def name(self) -> str: ...
    @property
    def variants(self) -> list[str]: ...
    def assign(self, client: str) -> str: ...
    __hash__: None  # type: ignore[assignment]

@final
class FeedbackLedger:
    """Rating → review → bonus kept in a Ledger: each call one transaction."""

    def __new__(cls, ledger: Ledger, survey: Survey, key: bytes) -> "FeedbackLedger": ...
    def answer(
        self,
        *,
        client: str,
        response: str,
        scores: Sequence[int],
        now: Optional[datetime.datetime] = None,
    ) -> dict[str, Any]: ...
    def click(self, token: str, *, now: Optional[datetime.datetime] = None) -> dict[str, Any]: ...
    def visit(
        self, client: str, visit: str, *, now: Optional[datetime.datetime] = None
    ) -> dict[str, Any]: ...
    def state(self) -> "FeedbackState": ...
    def import_state(
        self, state: "FeedbackState", *, now: Optional[datetime.datetime] = None
    ) -> None: ...

@final
class FeedbackState:
    """Answers, clicks, bonuses, A/B assignments; operations return (next_state, outcome)."""

    def __new__(cls) -> "FeedbackState": ...
    def answer(
        self,
        survey: Survey,
        key: bytes,
        *,
        client: str,
        response: str,
        scores: Sequence[int],
        now: Optional[datetime.datetime] = None,
    ) -> tuple["FeedbackState", dict[str, Any]]: ...
    def click(
        self,
        survey: Survey,
        key: bytes,
        token: str,
        *,
        now: Optional[datetime.datetime] = None,
    ) -> tuple["FeedbackState", dict[str, Any]]: ...
    def visit(
        self,
        client: str,
        visit: str,
        *,
        now: Optional[datetime.datetime] = None,
    ) -> tuple["FeedbackState", dict[str, Any]]: ...
    def ab_report(self, experiment: Experiment, *, mde: float = ...) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> "FeedbackState": ...
    __hash__: None  # type: ignore[assignment]

def ab_bucket(experiment: str, client: str) -> int: ...
def ab_report(
    experiment: Experiment, observations: Sequence[tuple[str, bool]], *, mde: float = ...
) -> dict[str, Any]: ...
def wilson(converted: int, exposed: int, *, z: float = ...) -> tuple[float, float]: ...
def ab_events(text: str) -> dict[str, Any]:
    """Strict `client,converted` CSV: {"clients": [(client, converted)], "lines", "repeats", "converted"}."""
def ab_report_events(experiment: Experiment, text: str, *, mde: float = ...) -> dict[str, Any]: ...
def two_proportion_z(conv_a: int, n_a: int, conv_b: int, n_b: int) -> tuple[float, float]: ...
def prob_beat(conv_a: int, n_a: int, conv_b: int, n_b: int) -> float: ...
def ab_sample_size(base: float, mde: float) -> Optional[int]: ...
def review_token_info(link: str) -> dict[str, Any]:
    """The token of a review link, not verified: {"token", "version", "seq"}."""
def open_review_token(key: bytes, survey_id: str, link: str) -> int: ...
def check_review_url(url: str) -> None: ...

# ---------------------------------------------------------------- care desk

@final
class CaseView:
    """A case as of a moment: status, group, route history, SLA metrics and breaches."""

    @property
    def case(self) -> str: ...
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def topic(self) -> Optional[str]: ...
    @property
    def request_type(self) -> Optional[str]: ...
    @property
    def merged_cases(self) -> list[str]: ...
    @property
    def merged_into(self) -> Optional[str]: ...
    @property
    def segment(self) -> Optional[str]: ...
    @property
    def reopened(self) -> int: ...
    @property
    def paused(self) -> bool: ...
    @property
    def routes(self) -> list[dict[str, Any]]: ...
    @property
    def history(self) -> list[dict[str, Any]]: ...
    @property
    def sla(self) -> list[dict[str, Any]]: ...
    @property
    def breaches(self) -> list[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CareDesk:
    """A care desk from its TOML or JSON text; ``CareDesk(text)`` raises CareError."""

    def __new__(cls, text: str) -> "CareDesk": ...
    @property
    def default_group(self) -> str: ...
    @property
    def groups(self) -> list[str]: ...
    @property
    def replies(self) -> list[str]: ...
    def route(self, text: str, *, channel: str = "chat") -> dict[str, Any]: ...
    def replay(self, case: str, *, now: Optional[datetime.datetime] = None) -> CaseView: ...
    def prompts(self, id: str) -> list[dict[str, Any]]: ...
    def reply(self, id: str, values: Optional[Mapping[str, str]] = None) -> dict[str, Any]: ...
    def open_segment_case(
        self,
        segment: str,
        values: Optional[Mapping[str, str]] = None,
        *,
        at: datetime.datetime,
    ) -> dict[str, Any]: ...
    def queue(
        self,
        cases: Sequence[str] = ...,
        *,
        ledger: Optional[Ledger] = None,
        now: Optional[datetime.datetime] = None,
        groups: Optional[Sequence[str]] = None,
    ) -> list[dict[str, Any]]: ...
    def show(
        self, ledger: Ledger, case: str, *, now: Optional[datetime.datetime] = None
    ) -> CaseView: ...

def care_identity(text: str) -> dict[str, Any]: ...
def care_record(
    ledger: Ledger, case: str, event_id: str, event: Union[Mapping[str, Any], str]
) -> dict[str, Any]: ...
def care_import(ledger: Ledger, case: str) -> int: ...
def care_link(
    ledger: Ledger,
    a: str,
    b: str,
    evidence: str,
    *,
    at: Optional[datetime.datetime] = None,
    event_id: Optional[str] = None,
) -> dict[str, Any]: ...
def care_merge(
    ledger: Ledger,
    from_case: str,
    into_case: str,
    *,
    by: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
    event_id: Optional[str] = None,
) -> dict[str, Any]: ...
def care_unmerge(
    ledger: Ledger,
    merge_id: int,
    *,
    by: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
    event_id: Optional[str] = None,
) -> dict[str, Any]: ...
def care_merges(ledger: Ledger) -> list[dict[str, Any]]: ...

__all__ = [
    "__version__",
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
    "NotifyError",
    "LoyaltyError",
    "FeedbackError",
    "CareError",
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
    # notifications and Russian grammar
    "NotificationText",
    "render_notification",
    "plan_notifications",
    "call_outcome",
    "call_outcomes",
    "notify_contacts",
    "notify_plans",
    "plural_category",
    "amount_sms",
    "amount_spoken",
    "amount_spoken_in",
    "number_in_words",
    "expand_abbreviations",
    "person_name",
    "phone_e164",
    "phone_problem",
    "ProductionCalendar",
    # loyalty cards
    "LoyaltyProgramme",
    "LoyaltyRegistry",
    "LoyaltyExchange",
    "LoyaltyLedger",
    "LoyaltyResult",
    "extract_card",
    "normalize_phone",
    # rating → review → bonus, A/B tests
    "Survey",
    "Experiment",
    "FeedbackState",
    "FeedbackLedger",
    "ab_bucket",
    "ab_report",
    "ab_events",
    "ab_report_events",
    "ab_sample_size",
    "two_proportion_z",
    "prob_beat",
    "review_token_info",
    "open_review_token",
    "check_review_url",
    "wilson",
    # campaigns
    "Campaign",
    "Decision",
    "Reason",
    "History",
    "PastReceipt",
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
    "FNS_MOBILE_URL",
    "CHECKAPI_URL",
    # SMS length
    "SmsLength",
    "measure_sms",
    "split_sms",
    # care desk
    "CareDesk",
    "CaseView",
    "care_identity",
    "care_import",
    "care_link",
    "care_merge",
    "care_merges",
    "care_record",
    "care_unmerge",
    # the main job: engine and ledger
    "Ledger",
    "Engine",
    "Outcome",
]
