"""The care desk: one customer across channels, routing, SLA in working time, quick replies; cases, links and merges in a `chek.Ledger`."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, TypedDict, Union, final
from chek import CareError, Ledger

_Tz = Union[datetime.tzinfo, str]

class _RouteStep(TypedDict):
    at: str
    group: str
    by: str
    source: Optional[str]
    detail: list[str]

class _HistoryStep(TypedDict):
    at: str
    event: str
    status: str
    note: str

class _Metric(TypedDict):
    metric: str
    cycle: int
    target_minutes: int
    elapsed_minutes: int
    state: str
    started_at: str
    done_at: Optional[str]
    breach_at: Optional[str]
    reminders: list[Any]

class _Breach(TypedDict):
    metric: str
    cycle: int
    at: str
    state: str

class _BadValue(TypedDict):
    name: str
    value: str
    kind: str

@final
class Route:
    """Where a message goes: group, rule (``None``: the default group), topic, request type, keywords found."""

    @property
    def group(self) -> str: ...
    @property
    def rule(self) -> Optional[str]: ...
    @property
    def topic(self) -> Optional[str]: ...
    @property
    def request_type(self) -> Optional[str]: ...
    @property
    def matched(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Prompt:
    """A placeholder that still needs a value."""

    @property
    def name(self) -> str: ...
    @property
    def prompt(self) -> str: ...
    @property
    def kind(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class RenderedReply:
    """A rendered quick reply: the text so far and what is still needed."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def complete(self) -> bool: ...
    @property
    def missing(self) -> list[Prompt]: ...
    @property
    def invalid(self) -> list[_BadValue]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SegmentCase:
    """The case a campaign problem segment opens."""

    @property
    def segment(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def event(self) -> dict[str, Any]:
        """The opening event as in case files (``kind``, ``at``…): arbitrary event JSON."""
    @property
    def reply(self) -> Optional[RenderedReply]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class QueueItem:
    """One open case of the combined queue."""

    @property
    def case(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def request_type(self) -> Optional[str]: ...
    @property
    def topic(self) -> Optional[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def paused(self) -> bool: ...
    @property
    def opened_at(self) -> datetime.datetime: ...
    @property
    def due_at(self) -> Optional[datetime.datetime]: ...
    @property
    def due_metric(self) -> Optional[str]: ...
    @property
    def breached(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class IdentityReport:
    """Links, merge suggestions, automatic merges, cases and weak suggestions left (JSON-ready dicts)."""

    @property
    def links(self) -> list[dict[str, Any]]: ...
    @property
    def suggestions(self) -> list[dict[str, Any]]: ...
    @property
    def auto_merged(self) -> list[dict[str, Any]]: ...
    @property
    def cases(self) -> dict[str, list[str]]: ...
    @property
    def pending(self) -> list[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class RecordedEvent:
    """An event recorded in the ledger; ``to_dict()`` is ``{"value": {...}, "replayed"}``."""

    @property
    def case(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def sender(self) -> Optional[str]: ...
    @property
    def replayed(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class LinkResult:
    @property
    def strength(self) -> str: ...
    @property
    def replayed(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CareMerge:
    """One merge of two cases, as the ledger logs it."""

    @property
    def id(self) -> int: ...
    @property
    def from_case(self) -> str: ...
    @property
    def into_case(self) -> str: ...
    @property
    def strength(self) -> Optional[str]: ...
    @property
    def connection(self) -> Optional[dict[str, Any]]: ...
    @property
    def confirmed_by(self) -> Optional[str]: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def undone_at(self) -> Optional[datetime.datetime]: ...
    @property
    def undone_by(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class MergeResult:
    @property
    def merge(self) -> CareMerge: ...
    @property
    def replayed(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

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
    def routes(self) -> list[_RouteStep]: ...
    @property
    def history(self) -> list[_HistoryStep]: ...
    @property
    def sla(self) -> list[_Metric]: ...
    @property
    def breaches(self) -> list[_Breach]: ...
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
    def route(self, text: str, *, channel: str = "chat") -> Route: ...
    def replay(
        self, case: str, *, now: Optional[datetime.datetime] = None, tz: Optional[_Tz] = None
    ) -> CaseView: ...
    def prompts(self, id: str) -> list[Prompt]: ...
    def reply(self, id: str, values: Optional[Mapping[str, str]] = None) -> RenderedReply: ...
    def open_segment_case(
        self,
        segment: str,
        values: Optional[Mapping[str, str]] = None,
        *,
        at: datetime.datetime,
        tz: Optional[_Tz] = None,
    ) -> SegmentCase: ...
    def queue(
        self,
        cases: Sequence[str] = ...,
        *,
        ledger: Optional[Ledger] = None,
        now: Optional[datetime.datetime] = None,
        groups: Optional[Sequence[str]] = None,
        tz: Optional[_Tz] = None,
    ) -> list[QueueItem]: ...
    def show(
        self,
        ledger: Ledger,
        case: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[_Tz] = None,
    ) -> CaseView: ...

def care_identity(text: str) -> IdentityReport: ...

def care_record(
    ledger: Ledger, case: str, event_id: str, event: Union[Mapping[str, Any], str]
) -> RecordedEvent: ...

def care_import(ledger: Ledger, case: str) -> int: ...

def care_link(
    ledger: Ledger,
    a: str,
    b: str,
    evidence: str,
    *,
    at: Optional[datetime.datetime] = None,
    event_id: Optional[str] = None,
    tz: Optional[_Tz] = None,
) -> LinkResult: ...

def care_merge(
    ledger: Ledger,
    from_case: str,
    into_case: str,
    *,
    by: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
    event_id: Optional[str] = None,
    tz: Optional[_Tz] = None,
) -> MergeResult: ...

def care_unmerge(
    ledger: Ledger,
    merge_id: int,
    *,
    by: Optional[str] = None,
    at: Optional[datetime.datetime] = None,
    event_id: Optional[str] = None,
    tz: Optional[_Tz] = None,
) -> MergeResult: ...

def care_merges(ledger: Ledger) -> list[CareMerge]: ...

__all__ = [
    "CareDesk",
    "CaseView",
    # typed results
    "Route",
    "Prompt",
    "RenderedReply",
    "SegmentCase",
    "QueueItem",
    "IdentityReport",
    "RecordedEvent",
    "LinkResult",
    "MergeResult",
    "CareMerge",
    # functions
    "care_identity",
    "care_import",
    "care_link",
    "care_merge",
    "care_merges",
    "care_record",
    "care_unmerge",
]
