"""CRM-triggered notifications: templates rendered as SMS and speech, plans under the contact policy, call outcomes and retries; with `ledger=` the contact history lives in a `chek.Ledger`."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, Union, final
from chek import JsonInput, Ledger

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

__all__ = [
    "NotificationText",
    "render_notification",
    "plan_notifications",
    "call_outcome",
    "call_outcomes",
    "notify_contacts",
    "notify_plans",
]
