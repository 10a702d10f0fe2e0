"""The outbox: messages queued once per key in a `chek.Ledger`, claimed under a lease, sent by a `Dispatcher`."""

import builtins
import datetime
from typing import Any, Callable, Literal, Mapping, Optional, Sequence, Union, final

from chek import Ledger
from chek.channels import Asterisk, SmsRu, Smsc, Telegram, Uis

@final
class Enqueued:
    @property
    def id(self) -> int: ...
    @property
    def created(self) -> bool: ...
    @property
    def status(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class OutboxMessage:
    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime.datetime: ...
    @property
    def attempts(self) -> int: ...
    @property
    def lease_until(self) -> Optional[datetime.datetime]: ...
    @property
    def in_doubt(self) -> bool: ...
    @property
    def takeovers(self) -> int: ...
    @property
    def provider_id(self) -> Optional[str]: ...
    @property
    def delivery(self) -> Optional[str]: ...
    @property
    def last_error(self) -> Optional[str]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def finished_at(self) -> Optional[datetime.datetime]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class OutboxCounts:
    @property
    def queued(self) -> int: ...
    @property
    def sending(self) -> int: ...
    @property
    def sent(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class DispatchReport:
    @property
    def claimed(self) -> int: ...
    @property
    def sent(self) -> int: ...
    @property
    def retried(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    @property
    def stale(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Dispatcher:
    """Sends due messages: ``senders`` maps a channel to a callable that sends one
    ``OutboxMessage`` and returns the provider's id (or ``None``), or a ``chek.channels.SmsRu``/
    ``Smsc`` (for ``sms``), ``Uis``/``Asterisk`` (for ``voice``) or ``Telegram`` (for ``telegram``)
    that sends without Python; an
    exception with a true
    ``retryable`` attribute is retried (after its ``retry_after`` seconds if given), any other
    fails the message with its ``code``. ``gate(message, now)`` returning a string skips the
    message with that reason."""

    def __new__(
        cls,
        senders: Mapping[str, Union[Callable[[OutboxMessage], Optional[str]], SmsRu, Smsc, Uis, Asterisk, Telegram]],
        *,
        gate: Optional[Callable[[OutboxMessage, datetime.datetime], Optional[str]]] = None,
        batch: int = 50,
        lease: float = 300.0,
        backoff_first: float = 30.0,
        backoff_max: float = 3600.0,
        attempts: int = 8,
        dedupes: Sequence[str] = ...,
    ) -> Dispatcher: ...
    def run_once(self, ledger: Ledger, *, now: Optional[datetime.datetime] = None) -> DispatchReport: ...

def enqueue(
    ledger: Ledger,
    key: str,
    channel: str,
    recipient: str,
    body: str,
    *,
    due_at: Optional[datetime.datetime] = None,
    now: Optional[datetime.datetime] = None,
) -> Enqueued: ...
def claim(
    ledger: Ledger, *, limit: int = 50, lease: float = 300.0, now: Optional[datetime.datetime] = None
) -> builtins.list[OutboxMessage]: ...
def finish(
    ledger: Ledger,
    message: OutboxMessage,
    outcome: Literal["sent", "retry", "failed", "skipped"],
    *,
    provider_id: Optional[str] = None,
    retry_at: Optional[datetime.datetime] = None,
    error: Optional[str] = None,
    now: Optional[datetime.datetime] = None,
) -> bool: ...
def delivery(ledger: Ledger, channel: str, provider_id: str, status: str) -> bool: ...
def get(ledger: Ledger, key: str) -> Optional[OutboxMessage]: ...
def list(ledger: Ledger, *, status: Optional[str] = None, limit: int = 100) -> builtins.list[OutboxMessage]: ...
def counts(ledger: Ledger) -> OutboxCounts: ...

__all__ = [
    "DispatchReport",
    "Dispatcher",
    "Enqueued",
    "OutboxCounts",
    "OutboxMessage",
    "claim",
    "counts",
    "delivery",
    "enqueue",
    "finish",
    "get",
    "list",
]
