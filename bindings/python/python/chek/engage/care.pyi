"""The care desk: one customer across channels, routing, SLA in working time, quick replies; cases, links and merges in a `chek.Ledger`."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, Union, final
from chek import CareError, Ledger

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
    "CareDesk",
    "CaseView",
    "care_identity",
    "care_import",
    "care_link",
    "care_merge",
    "care_merges",
    "care_record",
    "care_unmerge",
]
