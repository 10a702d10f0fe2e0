"""CRM-triggered notifications: templates rendered as SMS and speech, plans under the contact policy, call outcomes and retries; with `ledger=` the contact history lives in a `chek.Ledger`."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, TypedDict, Union, final
from chek import JsonInput, Ledger

class _SmsInfo(TypedDict):
    encoding: str
    units: int
    segments: int
    per_segment: int
    free_in_last: int

class _Alternative(TypedDict):
    channel: str
    fits: bool
    cost_kopecks: Optional[int]
    at: Optional[str]
    reason: Optional[str]
    late: bool

class _FallbackSms(TypedDict):
    at: str
    local: str
    text: Optional[str]

@final
class PlannedMessage:
    """One message to send: key, rule, recipient, channel, when (UTC and local), text, cost."""

    @property
    def key(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def order(self) -> str: ...
    @property
    def customer(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def purpose(self) -> str: ...
    @property
    def policy(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def local(self) -> datetime.datetime: ...
    @property
    def deferred(self) -> list[str]: ...
    @property
    def slot(self) -> dict[str, Any]: ...
    @property
    def text(self) -> str: ...
    @property
    def sms(self) -> Optional[_SmsInfo]: ...
    @property
    def speech_seconds(self) -> Optional[int]: ...
    @property
    def cost_kopecks(self) -> int: ...
    @property
    def alternatives(self) -> list[_Alternative]: ...
    @property
    def cuts(self) -> list[dict[str, Any]]: ...
    @property
    def template(self) -> str: ...
    @property
    def deadline(self) -> Optional[datetime.datetime]: ...
    @property
    def until(self) -> Optional[datetime.datetime]: ...
    @property
    def fallback_sms(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SkippedMessage:
    @property
    def key(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def customer(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def reason(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class NotificationPlan:
    """The plan for a batch of CRM events; ``to_dict()`` is ``chek notify plan --json``."""

    @property
    def now(self) -> datetime.datetime: ...
    @property
    def messages(self) -> list[PlannedMessage]: ...
    @property
    def skipped(self) -> list[SkippedMessage]: ...
    @property
    def total_kopecks(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CallResult:
    """What a call came to, for the CRM; ``final`` is ``is_final`` here."""

    @property
    def external_id(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def provider_status(self) -> str: ...
    @property
    def attempt(self) -> int: ...
    @property
    def outcome(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def listened_s(self) -> Optional[int]: ...
    @property
    def operator_key(self) -> Optional[str]: ...
    @property
    def success(self) -> bool: ...
    @property
    def is_final(self) -> bool: ...
    @property
    def next_attempt_at(self) -> Optional[datetime.datetime]: ...
    @property
    def next_attempt_local(self) -> Optional[datetime.datetime]: ...
    @property
    def stop_reason(self) -> Optional[str]: ...
    @property
    def counts_as_contact(self) -> bool: ...
    @property
    def detail(self) -> Optional[str]: ...
    @property
    def fallback_sms(self) -> Optional[_FallbackSms]: ...
    @property
    def replayed(self) -> Optional[bool]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CallFailure:
    """A record of ``call_outcomes`` that did not parse or map."""

    @property
    def record(self) -> int: ...
    @property
    def external_id(self) -> Optional[str]: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class ContactRecord:
    @property
    def recipient(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def purpose(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def counts(self) -> bool: ...
    @property
    def key(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class StoredPlan:
    @property
    def message(self) -> PlannedMessage: ...
    @property
    def recipient(self) -> dict[str, Any]: ...
    @property
    def attempt(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def last(self) -> Optional[CallResult]: ...
    def to_dict(self) -> dict[str, Any]: ...

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
) -> NotificationPlan:
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
) -> CallResult:
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
) -> list[Union[CallResult, CallFailure]]:
    """A batch of call reports: one ``CallResult`` per record, or a ``CallFailure`` for a record
    that does not parse or map."""
    ...

def notify_contacts(ledger: Ledger) -> list[ContactRecord]:
    """The contacts the ledger holds for the notification caps."""
    ...

def notify_plans(ledger: Ledger) -> list[StoredPlan]:
    """The messages planned in the ledger with their call status."""
    ...

__all__ = [
    "NotificationText",
    # typed results
    "NotificationPlan",
    "PlannedMessage",
    "SkippedMessage",
    "CallResult",
    "CallFailure",
    "ContactRecord",
    "StoredPlan",
    # functions
    "render_notification",
    "plan_notifications",
    "call_outcome",
    "call_outcomes",
    "notify_contacts",
    "notify_plans",
]
